/*
 * fuzz_router.c - libFuzzer target for the router's pure parts (src/core/http.c): path
 * matching with :params (http_path_match) and the list parameters (req_page: page,
 * page_size, sort). The cheap companion of fuzz_http, which drives them over HTTP.
 *
 * The input is lines: a route pattern, a path, then page, page_size and sort. What must
 * hold: a path that matches is the pattern with each :param replaced by its value, and
 * every value is a non-empty segment without '/'; a page that is accepted has page >= 1,
 * page_size 1 to 500, offset (page - 1) x page_size, and an ORDER BY made only of the
 * allowed expressions, each with or without DESC.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/http.h"
#include "core/banned.h"

static const char *const allowed[] = { "name=p.name", "id=p.id", "born=p.born_on", NULL };

static char *line(char **s)
{
	char *l = *s, *nl = l ? strchr(l, '\n') : NULL;
	if (nl) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = NULL;
	}
	return l ? l : "";
}

/* the pattern with its params put back must be the path */
static void check_match(const char *pat, const char *path, struct req *r)
{
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 0);
	int k = 0;
	while (*pat) {
		if (*pat != ':') {
			strbuf_add(&sb, pat++, 1);
			continue;
		}
		const char *name = ++pat;
		while (*pat && *pat != '/')
			pat++;
		if (k >= r->nparams || strlen(r->param_names[k]) != (size_t)(pat - name) ||
		    strncmp(r->param_names[k], name, (size_t)(pat - name)))
			abort();
		const char *v = r->param_values[k++];
		if (!*v || strchr(v, '/'))
			abort();
		strbuf_adds(&sb, v);
	}
	if (k != r->nparams || strcmp(sb.buf ? sb.buf : "", path))
		abort();
}

static void check_page(struct req *r)
{
	struct page pg;
	struct err e;
	if (req_page(r, allowed, "name", &pg, &e)) {
		if (e.status != 400 || !e.code[0])
			abort();
		return;
	}
	if (pg.page < 1 || pg.size < 1 || pg.size > 500 || pg.offset != (pg.page - 1) * pg.size)
		abort();
	/* every term of the order is an allowed expression, or one with " DESC" added */
	const char *o = pg.order;
	while (*o) {
		const char *end = strstr(o, ", ");
		size_t n = end ? (size_t)(end - o) : strlen(o);
		int ok = 0;
		for (size_t i = 0; allowed[i] && !ok; i++) {
			const char *x = strchr(allowed[i], '=') + 1;
			size_t xn = strlen(x);
			ok = (n == xn && !strncmp(o, x, n)) ||
			     (n == xn + 5 && !strncmp(o, x, xn) && !strncmp(o + xn, " DESC", 5));
		}
		if (!ok)
			abort();
		o += n;
		if (*o)
			o += 2;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *s = text;
	if (!text)
		return 0;
	struct req r;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	const char *pat = line(&s), *path = line(&s);
	if (http_path_match(pat, path, &r)) {
		if (!http_path_match(pat, path, NULL))
			abort();
		check_match(pat, path, &r);
	} else if (http_path_match(pat, path, NULL)) {
		abort();
	}
	const char *q[8] = { "page", NULL, "page_size", NULL, "sort", NULL, NULL, NULL };
	int k = 1;
	while (s && k < 6) {
		const char *v = line(&s);
		q[k] = v;
		k += 2;
	}
	/* absent parameters end the list where they start */
	for (int i = 1; i < 6; i += 2)
		if (!q[i]) {
			q[i - 1] = NULL;
			break;
		}
	r.query = q;
	check_page(&r);
	arena_release(&r.arena);
	free(text);
	return 0;
}
