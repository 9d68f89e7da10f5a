/* totp.c - RFC 6238 one-time passwords and RFC 4648 base32; see totp.h. */
#include "totp.h"

#include <string.h>

#include <nettle/hmac.h>

#include "banned.h"

int64_t totp_step(int64_t unix_s)
{
	return unix_s < 0 ? -1 : unix_s / TOTP_PERIOD;
}

uint32_t totp_code(const unsigned char *key, size_t keylen, int64_t step, int digits)
{
	struct hmac_sha1_ctx ctx;
	uint8_t msg[8], mac[SHA1_DIGEST_SIZE];
	uint64_t c = (uint64_t)step;
	for (int i = 7; i >= 0; i--, c >>= 8)
		msg[i] = (uint8_t)(c & 0xff);
	hmac_sha1_set_key(&ctx, keylen, key);
	hmac_sha1_update(&ctx, sizeof(msg), msg);
	hmac_sha1_digest(&ctx, sizeof(mac), mac);
	/* dynamic truncation (RFC 4226 5.3) */
	unsigned off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	               ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	memset(&ctx, 0, sizeof(ctx));
	return bin % mod;
}

void totp_format(const unsigned char *key, size_t keylen, int64_t step, char out[TOTP_DIGITS + 1])
{
	uint32_t v = totp_code(key, keylen, step, TOTP_DIGITS);
	for (int i = TOTP_DIGITS - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
	out[TOTP_DIGITS] = '\0';
}

int totp_verify(const unsigned char *key, size_t keylen, int64_t unix_s, int64_t last_step,
                const char *code, int64_t *step)
{
	if (!code || strlen(code) != TOTP_DIGITS)
		return 0;
	for (int i = 0; i < TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	int64_t now = totp_step(unix_s), found = -1;
	/* every candidate is computed and compared whole, whichever matches */
	for (int64_t s = now - 1; s <= now + 1; s++) {
		char want[TOTP_DIGITS + 1];
		totp_format(key, keylen, s, want);
		unsigned diff = 0;
		for (int i = 0; i < TOTP_DIGITS; i++)
			diff |= (unsigned)(want[i] ^ code[i]);
		if (!diff && s > last_step && found < 0)
			found = s;
	}
	if (found < 0)
		return 0;
	*step = found;
	return 1;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_b32_encode(const unsigned char *in, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[k++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits)
		out[k++] = b32[(acc << (5 - bits)) & 31];
	out[k] = '\0';
}

long totp_b32_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0;
	while (len && in[len - 1] == '=')
		len--;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		int v;
		if (c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= '2' && c <= '7')
			v = c - '2' + 26;
		else
			return -1;
		acc = ((acc << 5) | (uint32_t)v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			if (k == cap)
				return -1;
			out[k++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* the last character's unused bits must be zero, and fewer than a byte */
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return -1;
	return (long)k;
}
