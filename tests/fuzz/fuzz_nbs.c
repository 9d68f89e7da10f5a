/*
 * fuzz_nbs.c - libFuzzer target for NBS division files (src/places/places.c).
 *
 * The input is parsed whole and for one city ("1404"). Accepted rows must be well formed:
 * 12-digit codes, a level in range, a parent that is a prefix of the code at the level
 * above, sorted parents before children, and for a prefix only rows related to it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "places/places.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t digits[] = { 2, 4, 6, 9, 12 };

static void check(const struct nbs_row *rows, size_t n, const char *under)
{
	for (size_t i = 0; i < n; i++) {
		const struct nbs_row *r = &rows[i];
		if (r->level < 0 || r->level > 4 || strlen(r->code) != 12 ||
		    strspn(r->code, "0123456789") != 12 || !r->name || !*r->name || !r->kind)
			abort();
		if (i && rows[i - 1].level > r->level)
			abort();
		if (r->level == 0) {
			if (r->parent[0])
				abort();
		} else if (strlen(r->parent) != 12 ||
		           strncmp(r->code, r->parent, digits[r->level - 1])) {
			abort();
		}
		if (under) {
			size_t ul = strlen(under), cl = digits[r->level];
			int inside = cl >= ul && !strncmp(r->code, under, ul);
			int ancestor = cl < ul && !strncmp(under, r->code, cl);
			if (!inside && !ancestor)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const unders[] = { NULL, "1404" };
	for (size_t u = 0; u < 2; u++) {
		struct arena a;
		struct err e;
		struct nbs_row *rows = NULL;
		size_t n = 0;
		arena_init(&a, 0);
		err_clear(&e);
		if (places_nbs_parse(&a, (const char *)data, size, unders[u], &rows, &n, &e) == 0)
			check(rows, n, unders[u]);
		else if (e.status != 400)
			abort();
		arena_release(&a);
	}
	return 0;
}
