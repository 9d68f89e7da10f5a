/*
 * fuzz_phone.c - libFuzzer target for phone numbers (src/people/phone.c) and mask_phone.
 *
 * An accepted number is a mobile (11 digits, 13x-19x) or AREA-LOCAL[-EXT] with a valid area
 * code, a 7 or 8 digit local number and at most 6 digits of extension; it parses again to
 * itself; its mask hides the middle four digits of a mobile and all but the last four of a
 * local number. Refusals are 400s with a people.phone_ code and an empty result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "people/rules.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t digits(const char *s)
{
	return strspn(s, "0123456789");
}

static void check_landline(const char *s)
{
	size_t al = digits(s);
	if (s[0] != '0' || (al != 3 && al != 4) || s[al] != '-')
		abort();
	if (al == 3 && strncmp(s, "010", 3) && s[1] != '2')
		abort();
	if (al == 4 && (s[1] < '3' || s[1] > '9'))
		abort();
	const char *local = s + al + 1;
	size_t ll = digits(local);
	if (ll < 7 || ll > 8 || local[0] == '0')
		abort();
	if (local[ll]) {
		size_t el = digits(local + ll + 1);
		if (local[ll] != '-' || el < 1 || el > 6 || local[ll + 1 + el])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	char out[32], again[32];
	enum phone_kind kind, kind2;
	struct err e;
	err_clear(&e);
	if (phone_parse(text, "phone", out, &kind, &e)) {
		if (e.status != 400 || strncmp(e.code, "people.phone_", 13) || out[0] ||
		    kind != PHONE_NONE)
			abort();
		free(text);
		return 0;
	}
	struct arena a;
	arena_init(&a, 0);
	const char *m = mask_phone(&a, out);
	if (strlen(m) != strlen(out))
		abort();
	if (kind == PHONE_MOBILE) {
		if (strlen(out) != 11 || digits(out) != 11 || out[0] != '1' || out[1] < '3' ||
		    memcmp(m + 3, "****", 4))
			abort();
	} else if (kind == PHONE_LANDLINE) {
		check_landline(out);
		const char *local = strchr(m, '-') + 1;
		size_t ll = digits(strchr(out, '-') + 1);
		for (size_t i = 0; i + 4 < ll; i++)
			if (local[i] != '*')
				abort();
	} else {
		abort();
	}
	if (phone_parse(out, "phone", again, &kind2, &e) || strcmp(out, again) || kind != kind2)
		abort();
	arena_release(&a);
	free(text);
	return 0;
}
