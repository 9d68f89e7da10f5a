/*
 * fuzz_uscc.c - libFuzzer target for unified social credit codes (src/people/uscc.c).
 *
 * An accepted code has 18 characters of the standard's alphabet, its check character
 * recomputed here independently, and parses again to itself. Refusals are 400s with a
 * people.uscc_ code and an empty result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "people/rules.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	char out[19], again[19];
	struct err e;
	err_clear(&e);
	if (uscc_parse(text, "uscc", out, &e)) {
		if (e.status != 400 || strncmp(e.code, "people.uscc_", 12) || out[0])
			abort();
		free(text);
		return 0;
	}
	if (strlen(out) != 18 || strspn(out, alphabet) != 18)
		abort();
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++, w = w * 3 % 31)
		sum += (int)(strchr(alphabet, out[i]) - alphabet) * w;
	if (out[17] != alphabet[(31 - sum % 31) % 31])
		abort();
	if (uscc_parse(out, "uscc", again, &e) || strcmp(out, again))
		abort();
	free(text);
	return 0;
}
