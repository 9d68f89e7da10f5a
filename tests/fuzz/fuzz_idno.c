/*
 * fuzz_idno.c - libFuzzer target for identity documents (src/people/idno.c) and mask_id.
 *
 * The input is parsed as every document kind. Whatever is accepted must hold up: a
 * normalized number of the kind's shape; an 18-character number whose check character
 * re-checks; a birth date that exists, from 1900 to today; parsing the normalized text
 * again gives the same document; and its mask never shows the birth date (the middle of
 * an 18-character number) or more than a third of any other number. Refusals are 400s
 * with a people.id_ code.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "people/rules.h"
#include "fuzz.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TODAY "2026-11-29"

static int only(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static void check_doc(const struct id_doc *d, enum id_kind asked)
{
	size_t n = strlen(d->norm);
	if (d->kind == ID_NONE || n == 0 || n >= sizeof(d->norm) ||
	    !only(d->norm, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
		abort();
	if (asked != ID_NONE && d->kind != asked &&
	    !(asked == ID_RESIDENT && d->kind == ID_RESIDENT15))
		abort();
	int dated = d->birth[0] != '\0';
	if (dated && (date_check(d->birth) || strcmp(d->birth, "1900-01-01") < 0 ||
	              strcmp(d->birth, TODAY) > 0))
		abort();
	switch (d->kind) {
	case ID_RESIDENT:
	case ID_HKMO_PERMIT:
	case ID_TW_PERMIT:
		if (n != 18 || idno_check_char(d->norm) != d->norm[17] || !dated ||
		    (d->sex != 'M' && d->sex != 'F') || strncmp(d->area, d->norm, 6) ||
		    strlen(d->area) != 6 || memcmp(d->birth, d->norm + 6, 4))
			abort();
		if ((d->kind == ID_TW_PERMIT) != !strncmp(d->norm, "830000", 6))
			abort();
		break;
	case ID_RESIDENT15:
		if (n != 15 || !only(d->norm, "0123456789") || !dated ||
		    strncmp(d->birth, "19", 2) || strncmp(d->area, d->norm, 6))
			abort();
		break;
	case ID_FOREIGN_PR:
		if (d->sex || d->area[0])
			abort();
		if (n == 18
		        ? (d->norm[0] != '9' || idno_check_char(d->norm) != d->norm[17] || !dated)
		        : (n != 15 || dated))
			abort();
		break;
	case ID_PASSPORT:
		if (n < 5 || n > 20 || dated || d->sex || d->area[0])
			abort();
		break;
	default:
		abort();
	}
}

/* the mask hides the birth date of an 18-character number, and two thirds of others */
static void check_mask(const char *norm)
{
	struct arena a;
	arena_init(&a, 0);
	const char *m = mask_id(&a, norm);
	size_t n = strlen(norm);
	if (strlen(m) != n)
		abort();
	if (n == 18 && strspn(norm, "0123456789") >= 17 && strchr("0123456789X", norm[17])) {
		if (memcmp(m + 6, "********", 8) || memcmp(m, norm, 6) || strcmp(m + 14, norm + 14))
			abort();
	} else {
		size_t shown = 0;
		for (size_t i = 0; i < n; i++)
			shown += m[i] != '*';
		if (shown * 3 > n)
			abort();
	}
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	for (int k = ID_NONE; k <= ID_PASSPORT; k++) {
		struct id_doc d, again;
		struct err e;
		err_clear(&e);
		if (idno_parse(text, (enum id_kind)k, TODAY, "id", &d, &e)) {
			if (e.status != 400 || strncmp(e.code, "people.id_", 10) ||
			    d.kind != ID_NONE || strcmp(e.field, "id"))
				abort();
			continue;
		}
		check_doc(&d, (enum id_kind)k);
		check_mask(d.norm);
		if (idno_parse(d.norm, d.kind, TODAY, "id", &again, &e) ||
		    memcmp(&d, &again, sizeof(d)))
			abort();
	}
	free(text);
	return 0;
}
