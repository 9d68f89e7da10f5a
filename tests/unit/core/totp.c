/* totp.c - unit tests of RFC 6238 codes (the RFC's own vectors), their check with skew and
 * replay, and base32. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/totp.h"
#include "core/banned.h"

/* RFC 6238 appendix B, SHA-1: the key is the ASCII "12345678901234567890" */
static const unsigned char rfc_key[] = "12345678901234567890";
static const struct {
	int64_t t;
	uint32_t code8;
} rfc[] = {
	{ 59, 94287082 },         { 1111111109, 7081804 },  { 1111111111, 14050471 },
	{ 1234567890, 89005924 }, { 2000000000, 69279037 }, { 20000000000, 65353130 },
};

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
		int64_t step = totp_step(rfc[i].t);
		assert_int_equal(totp_code(rfc_key, 20, step, 8), rfc[i].code8);
		/* six digits are the last six of eight (the same truncation, mod 10^6) */
		char six[TOTP_DIGITS + 1], want[TOTP_DIGITS + 1];
		totp_format(rfc_key, 20, step, six);
		uint32_t v = rfc[i].code8 % 1000000;
		for (int k = 5; k >= 0; k--, v /= 10)
			want[k] = (char)('0' + v % 10);
		want[6] = '\0';
		assert_string_equal(six, want);
	}
	/* RFC 4226 appendix D: HOTP of the same key, counters 0 and 9 */
	assert_int_equal(totp_code(rfc_key, 20, 0, 6), 755224);
	assert_int_equal(totp_code(rfc_key, 20, 9, 6), 520489);
}

static void test_verify_skew_and_replay(void **state)
{
	(void)state;
	int64_t t = 1111111111, now = totp_step(t), step = 0;
	char c[TOTP_DIGITS + 1];
	/* this step, one before and one after are accepted; two away are not */
	for (int64_t d = -1; d <= 1; d++) {
		totp_format(rfc_key, 20, now + d, c);
		assert_int_equal(totp_verify(rfc_key, 20, t, 0, c, &step), 1);
		assert_int_equal(step, now + d);
	}
	totp_format(rfc_key, 20, now - 2, c);
	assert_int_equal(totp_verify(rfc_key, 20, t, 0, c, &step), 0);
	totp_format(rfc_key, 20, now + 2, c);
	assert_int_equal(totp_verify(rfc_key, 20, t, 0, c, &step), 0);
	/* a step used once (or an earlier one) is refused: replay */
	totp_format(rfc_key, 20, now, c);
	assert_int_equal(totp_verify(rfc_key, 20, t, now, c, &step), 0);
	assert_int_equal(totp_verify(rfc_key, 20, t, now + 1, c, &step), 0);
	assert_int_equal(totp_verify(rfc_key, 20, t, now - 1, c, &step), 1);
	/* malformed codes */
	static const char *const bad[] = { "", "12345", "1234567", "12345a", " 12345", "-12345" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(totp_verify(rfc_key, 20, t, 0, bad[i], &step), 0);
	assert_int_equal(totp_verify(rfc_key, 20, t, 0, NULL, &step), 0);
}

static void test_base32(void **state)
{
	(void)state;
	/* RFC 4648 section 10, without padding */
	static const struct {
		const char *plain, *b32;
	} v[] = { { "", "" },
		  { "f", "MY" },
		  { "fo", "MZXQ" },
		  { "foo", "MZXW6" },
		  { "foob", "MZXW6YQ" },
		  { "fooba", "MZXW6YTB" },
		  { "foobar", "MZXW6YTBOI" } };
	char out[64];
	unsigned char back[64];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].plain);
		totp_b32_encode((const unsigned char *)v[i].plain, n, out);
		assert_string_equal(out, v[i].b32);
		assert_int_equal(totp_b32_decode(out, strlen(out), back, sizeof(back)), (long)n);
		assert_memory_equal(back, v[i].plain, n);
	}
	/* the RFC 6238 key as apps show it; lower case, spaces and padding are read too */
	totp_b32_encode(rfc_key, 20, out);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(strlen(out) + 1, TOTP_SECRET_B32);
	const char *loose = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
	assert_int_equal(totp_b32_decode(loose, strlen(loose), back, sizeof(back)), 20);
	assert_memory_equal(back, rfc_key, 20);
	assert_int_equal(totp_b32_decode("MZXW6===", 8, back, sizeof(back)), 3);
	/* not base32, bits left over, too long for the buffer */
	assert_int_equal(totp_b32_decode("MZ1W", 4, back, sizeof(back)), -1);
	assert_int_equal(totp_b32_decode("MZ", 2, back, sizeof(back)), -1);
	assert_int_equal(totp_b32_decode("M", 1, back, sizeof(back)), -1);
	assert_int_equal(totp_b32_decode("MZXQ", 4, back, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_verify_skew_and_replay),
		cmocka_unit_test(test_base32),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
