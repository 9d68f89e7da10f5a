/*
 * fuzz_mask.c - libFuzzer target for the name rules on arbitrary bytes: mask_name,
 * pinyin_of_name, name_grams (src/people/mask.c, pinyin.c), and mask_id and mask_phone on
 * values that were never normalized.
 *
 * Nothing may crash or read out of bounds; for valid UTF-8 every output is valid UTF-8;
 * no output is longer than 4 times the input; a mask never grows the input and shows no
 * more characters of a name than the rules keep (for invalid UTF-8: none); pinyin is
 * lower-case ASCII letters and digits, with no more initials than letters; grams are
 * distinct, non-empty, one or two characters.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "people/rules.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_mask(const char *in, const char *m, int valid)
{
	size_t n = strlen(in), ml = strlen(m);
	if (ml > n)
		abort();
	if (valid && utf8_len(m, ml) < 0)
		abort();
	if (!valid && strspn(m, "*") != ml)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	size_t n = strlen(text);
	int valid = utf8_len(text, n) >= 0;
	struct arena a;
	arena_init(&a, 0);

	check_mask(text, mask_name(&a, text), valid);
	check_mask(text, mask_id(&a, text), valid);
	check_mask(text, mask_phone(&a, text), valid);

	const char *full, *ini;
	pinyin_of_name(&a, text, &full, &ini);
	size_t fl = strlen(full), il = strlen(ini);
	if (fl > 4 * n || il > fl || strspn(full, "abcdefghijklmnopqrstuvwxyz0123456789") != fl ||
	    strspn(ini, "abcdefghijklmnopqrstuvwxyz0123456789") != il)
		abort();

	const char **g;
	size_t k = name_grams(&a, text, &g), total = 0;
	for (size_t i = 0; i < k; i++) {
		size_t gl = strlen(g[i]);
		long chars = utf8_len(g[i], gl);
		if (gl == 0 || chars < 1 || chars > 2)
			abort();
		total += gl;
		for (size_t j = 0; j < i && k < 64; j++)
			if (!strcmp(g[i], g[j]))
				abort();
	}
	if (g[k] || total > 4 * n)
		abort();

	arena_release(&a);
	free(text);
	return 0;
}
