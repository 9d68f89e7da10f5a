/*
 * fuzz_base32.c - libFuzzer target for base32 decoding (src/core/totp.c), the secret of a
 * second factor as authenticator apps show it.
 *
 * A decoded input never exceeds the buffer, and encodes back to the input's letters (upper
 * case, without spaces or padding); the code of any decoded key is six digits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/totp.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[64];
	long n = totp_b32_decode((const char *)data, size, key, sizeof(key));
	if (n < -1 || n > (long)sizeof(key))
		abort();
	if (n < 0)
		return 0;
	char back[(sizeof(key) * 8 + 4) / 5 + 1], norm[(sizeof(key) * 8 + 4) / 5 + 1];
	totp_b32_encode(key, (size_t)n, back);
	size_t k = 0, end = size;
	while (end && data[end - 1] == '=')
		end--;
	for (size_t i = 0; i < end; i++) {
		char c = (char)data[i];
		if (c == ' ')
			continue;
		if (k + 1 >= sizeof(norm))
			abort();
		norm[k++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
	}
	norm[k] = '\0';
	if (strcmp(back, norm))
		abort();
	char code[TOTP_DIGITS + 1];
	totp_format(key, (size_t)n, 1, code);
	if (strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		abort();
	return 0;
}
