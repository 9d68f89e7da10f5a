/* util.c - unit tests of src/core/util.c: ISO instants, civil dates, ids, numbers, hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/util.h"
#include "core/banned.h"

static int64_t iso(const char *s)
{
	int64_t ms = -42;
	if (time_parse_iso(s, &ms))
		fail_msg("'%s' did not parse", s);
	return ms;
}

static void test_time_iso_format(void **state)
{
	char buf[32];
	(void)state;
	time_iso(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	time_iso(1709251200123, buf);
	assert_string_equal(buf, "2024-03-01T00:00:00.123Z");
	/* before the epoch the millisecond part still counts forward */
	time_iso(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	time_iso(951782400000, buf); /* a leap day of a year divisible by 400 */
	assert_string_equal(buf, "2000-02-29T00:00:00.000Z");
	assert_int_equal(strlen(buf), 24);
}

static void test_time_round_trip(void **state)
{
	static const int64_t samples[] = {
		0,
		1,
		999,
		1000,
		-1,
		-1000,
		86399999,
		951782400000,
		1709251200123,
		1709164799999,
		253402300799999 /* 9999-12-31T23:59:59.999Z */,
		-62135596800000 /* 0001-01-01 */,
	};
	char buf[32];
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		time_iso(samples[i], buf);
		assert_int_equal(iso(buf), samples[i]);
	}
	/* a spread of instants from 1900 to 2100, one every 37 days and 17 ms */
	for (int64_t ms = -2208988800000; ms < 4102444800000; ms += 3196800017) {
		time_iso(ms, buf);
		assert_int_equal(iso(buf), ms);
	}
}

static void test_time_offsets(void **state)
{
	(void)state;
	int64_t utc = iso("2024-03-01T00:00:00Z");
	assert_int_equal(utc, 1709251200000);
	assert_int_equal(iso("2024-03-01T08:00:00+08:00"), utc);
	assert_int_equal(iso("2024-02-29T19:00:00-05:00"), utc);
	assert_int_equal(iso("2024-03-01T05:30:00+05:30"), utc);
	assert_int_equal(iso("2024-03-01T00:00:00+00:00"), utc);
	assert_int_equal(iso("2024-03-01T00:00:00-00:00"), utc);
	/* +08:00 crossing midnight into the previous UTC day */
	assert_int_equal(iso("2024-03-01T07:59:59.999+08:00"), utc - 1);
	/* fractions: fewer digits are scaled, more are truncated to milliseconds */
	assert_int_equal(iso("2024-03-01T00:00:00.5Z"), utc + 500);
	assert_int_equal(iso("2024-03-01T00:00:00.05Z"), utc + 50);
	assert_int_equal(iso("2024-03-01T00:00:00.123456Z"), utc + 123);
}

static void test_time_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"2024-03-01",
		"2024-03-01T00:00:00",       /* no offset */
		"2024-03-01 00:00:00Z",      /* space instead of T */
		"2024-02-30T00:00:00Z",      /* no such day */
		"2023-02-29T00:00:00Z",      /* not a leap year */
		"2024-13-01T00:00:00Z",      /* month */
		"2024-03-01T24:00:00Z",      /* hour */
		"2024-03-01T00:60:00Z",      /* minute */
		"2024-03-01T00:00:60Z",      /* leap seconds are not accepted */
		"2024-03-01T00:00:00.Z",     /* empty fraction */
		"2024-03-01T00:00:00Zjunk",  /* trailing text */
		"2024-03-01T00:00:00+8:00",  /* offset hour needs two digits */
		"2024-03-01T00:00:00+08",    /* offset needs minutes */
		"2024-03-01T00:00:00+0800",  /* offset needs a colon */
		"2024-03-01T00:00:00+24:00", /* offset hour */
		"2024-03-01T00:00:00+08:60", /* offset minute */
		"2024-03-01T00:00:00+08:00 ",
		"2024-3-01T00:00:00Z",
		"0000-01-01T00:00:00Z", /* year 0 */
		"2024-03-01T0a:00:00Z",
		"2024-03-01t00:00:00Z",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 77;
		if (time_parse_iso(bad[i], &ms) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(ms, 77); /* untouched on failure */
	}
}

static void test_date_check(void **state)
{
	static const char *const good[] = { "2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01",
		                            "9999-12-31", "2023-04-30", "2023-01-31" };
	static const char *const bad[] = { "1900-02-29", "2023-02-29",  "2024-13-01", "2024-00-10",
		                           "2024-04-31", "2024-01-00",  "2024-01-32", "0000-01-01",
		                           "2024-1-01",  "2024-01-011", "",           "abcd-ef-gh",
		                           "2024/01/01", "2024-01-01T" };
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (date_check(good[i]))
			fail_msg("'%s' was refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!date_check(bad[i]))
			fail_msg("'%s' was accepted", bad[i]);
}

static void test_id_new(void **state)
{
	static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char prev[ID_LEN + 1], cur[ID_LEN + 1];
	(void)state;
	id_new(prev);
	assert_int_equal(strlen(prev), ID_LEN);
	assert_true(id_valid(prev));
	for (int i = 0; i < 10000; i++) {
		id_new(cur);
		assert_int_equal(strlen(cur), ID_LEN);
		assert_int_equal(strspn(cur, crockford), ID_LEN);
		assert_true(id_valid(cur));
		/* strictly increasing, so also unique; many fall in the same millisecond */
		if (strcmp(prev, cur) >= 0)
			fail_msg("id %d '%s' does not sort after '%s'", i, cur, prev);
		memcpy(prev, cur, sizeof(cur));
	}
}

static void test_id_valid(void **state)
{
	char id[ID_LEN + 1], tmp[ID_LEN + 2];
	(void)state;
	id_new(id);
	assert_true(id_valid("140406101204")); /* 12-digit NBS code */
	assert_true(id_valid("000000000000"));
	assert_true(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
	assert_false(id_valid(""));
	assert_false(id_valid("14040610120"));   /* 11 digits */
	assert_false(id_valid("1404061012040")); /* 13 digits */
	assert_false(id_valid("14040610120a"));
	assert_false(id_valid("01arz3ndektsv4rrffq69g5fav")); /* lowercase */
	assert_false(id_valid("81ARZ3NDEKTSV4RRFFQ69G5FAV")); /* past 48 bits of time */
	assert_false(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAI")); /* I, L, O, U are not Crockford */
	assert_false(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAL"));
	assert_false(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAO"));
	assert_false(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FAU"));
	assert_false(id_valid("01ARZ3NDEKTSV4RRFFQ69G5FA-"));
	memcpy(tmp, id, ID_LEN - 1);
	tmp[ID_LEN - 1] = '\0';
	assert_false(id_valid(tmp)); /* 25 characters */
	memcpy(tmp, id, ID_LEN);
	tmp[ID_LEN] = '0';
	tmp[ID_LEN + 1] = '\0';
	assert_false(id_valid(tmp)); /* 27 characters */
}

static void test_parse_i64(void **state)
{
	int64_t v = 0;
	(void)state;
	assert_int_equal(parse_i64("0", INT64_MIN, INT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_i64("-0", INT64_MIN, INT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse_i64("10", 0, 10, &v), 0); /* bounds are inclusive */
	assert_int_equal(v, 10);
	assert_int_equal(parse_i64("-5", -5, 0, &v), 0);
	assert_true(v == -5);

	v = 123;
	static const char *const bad[] = { "",
		                           " 1",
		                           "1 ",
		                           "1x",
		                           "0x10",
		                           "1.5",
		                           "--1",
		                           "-",
		                           "+",
		                           "9223372036854775808",
		                           "-9223372036854775809",
		                           "99999999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_i64(bad[i], INT64_MIN, INT64_MAX, &v) != -1)
			fail_msg("'%s' was accepted", bad[i]);
	assert_int_equal(parse_i64(NULL, 0, 1, &v), -1);
	assert_int_equal(parse_i64("11", 0, 10, &v), -1);
	assert_int_equal(parse_i64("-1", 0, 10, &v), -1);
	assert_int_equal(v, 123); /* untouched on failure */
}

static void test_hex(void **state)
{
	unsigned char in[256], out[256];
	char hex[2 * sizeof(in) + 1];
	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i);
	hex_encode(in, sizeof(in), hex);
	assert_int_equal(strlen(hex), 2 * sizeof(in));
	assert_memory_equal(hex, "fffefdfc", 8);
	assert_string_equal(hex + 2 * 254, "0100");
	assert_int_equal(hex_decode(hex, out, sizeof(out)), 0);
	assert_memory_equal(in, out, sizeof(in));

	hex_encode(in, 0, hex);
	assert_string_equal(hex, "");
	assert_int_equal(hex_decode("", out, 0), 0);

	unsigned char b[4] = { 0 };
	assert_int_equal(hex_decode("00FF10aB", b, 4), 0); /* either case */
	assert_memory_equal(b, "\x00\xff\x10\xab", 4);
	assert_int_equal(hex_decode("00ff10a", b, 4), -1);   /* short */
	assert_int_equal(hex_decode("00ff10ab0", b, 4), -1); /* long */
	assert_int_equal(hex_decode("00ff10ag", b, 4), -1);  /* not hex */
	assert_int_equal(hex_decode("0 ff10ab", b, 4), -1);
}

static void test_str_eq_ct(void **state)
{
	(void)state;
	assert_true(str_eq_ct("", ""));
	assert_true(str_eq_ct("secret", "secret"));
	assert_false(str_eq_ct("secret", "secreT"));
	assert_false(str_eq_ct("secret", "secret2"));
	assert_false(str_eq_ct("", "x"));
}

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_iso_format),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_time_offsets),
		cmocka_unit_test(test_time_invalid),
		cmocka_unit_test(test_date_check),
		cmocka_unit_test(test_id_new),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_parse_i64),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_str_eq_ct),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
