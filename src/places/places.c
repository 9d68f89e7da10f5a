/* places.c - pure rules of the place tree: NBS file parsing and names; see places.h. */
#include "places.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "core/banned.h"

static const char *const levels[] = { "province", "city", "county", "town", "village" };
static const int level_digits[] = { 2, 4, 6, 9, 12 };

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void pad12(char out[13], const char *code, size_t n)
{
	memcpy(out, code, n);
	memset(out + n, '0', 12 - n);
	out[12] = '\0';
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

const char *places_short_name(struct arena *a, const char *nbs, const char **kind)
{
	static const struct {
		const char *suffix, *replace, *kind;
	} rules[] = {
		{ "社区居民委员会", "社区", "community" }, { "社区居委会", "社区", "community" },
		{ "居民委员会", "", "community" },         { "居委会", "", "community" },
		{ "村民委员会", "", "village" },           { "村委会", "", "village" },
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (ends_with(nbs, rules[i].suffix)) {
			size_t keep = strlen(nbs) - strlen(rules[i].suffix);
			if (kind)
				*kind = rules[i].kind;
			return arena_printf(a, "%.*s%s", (int)keep, nbs, rules[i].replace);
		}
	return arena_strdup(a, nbs);
}

static int cmp_rows(const void *x, const void *y)
{
	const struct nbs_row *a = x, *b = y;
	if (a->level != b->level)
		return a->level - b->level;
	return strcmp(a->code, b->code);
}

/* split one CSV line of 4 plain fields (NBS files have no quoting) */
static int split4(char *line, char *f[4])
{
	for (int i = 0; i < 4; i++) {
		f[i] = line;
		char *comma = strchr(line, ',');
		if (i < 3) {
			if (!comma)
				return -1;
			*comma = '\0';
			line = comma + 1;
		} else if (comma) {
			return -1;
		}
	}
	return 0;
}

int places_nbs_parse(struct arena *a, const char *text, size_t len, const char *under,
                     struct nbs_row **rows, size_t *nrows, struct err *e)
{
	size_t ulen = under ? strlen(under) : 0;
	if (under && ((ulen != 2 && ulen != 4 && ulen != 6 && ulen != 9 && ulen != 12) ||
	              !all_digits(under, ulen)))
		return err_invalid(e, "places.code_invalid", "under",
		                   "'%s' is not an NBS code of 2, 4, 6, 9 or 12 digits", under);
	size_t cap = 256, n = 0;
	struct nbs_row *out = arena_alloc(a, cap * sizeof(*out));
	const char *p = text, *end = text + len;
	int lineno = 0;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) /* BOM */
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl ? nl : end) - p);
		char *line = arena_strndup(a, p, ll);
		p = nl ? nl + 1 : end;
		lineno++;
		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (lineno == 1) {
			if (strcmp(line, "code,name,level,parent_code"))
				return err_invalid(e, "places.nbs_header", "file",
				                   "line 1: expected header "
				                   "'code,name,level,parent_code'");
			continue;
		}
		if (!ll)
			continue;
		char *f[4];
		if (memchr(line, '\0', ll) || split4(line, f))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: expected 4 comma-separated fields", lineno);
		int level = -1;
		for (int i = 0; i < 5; i++)
			if (!strcmp(f[2], levels[i]))
				level = i;
		size_t cl = strlen(f[0]), pl = strlen(f[3]);
		if (level < 0)
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: unknown level '%s'", lineno, f[2]);
		if (cl != (size_t)level_digits[level] || !all_digits(f[0], cl))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: code '%s' does not fit level %s", lineno, f[0],
			                   f[2]);
		if ((level == 0 && pl) ||
		    (level > 0 && (pl != (size_t)level_digits[level - 1] || !all_digits(f[3], pl) ||
		                   strncmp(f[0], f[3], pl))))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: parent '%s' does not fit code '%s'", lineno,
			                   f[3], f[0]);
		long nl8 = utf8_len(f[1], strlen(f[1]));
		if (nl8 < 1 || nl8 > 100)
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: name must be 1 to 100 characters of UTF-8",
			                   lineno);
		/* keep ancestors of `under` and its subtree */
		int keep = !under ||
		           (cl <= ulen ? !strncmp(under, f[0], cl) : !strncmp(f[0], under, ulen));
		if (!keep)
			continue;
		if (n == cap) {
			out = arena_realloc(a, out, cap * sizeof(*out), 2 * cap * sizeof(*out));
			cap *= 2;
		}
		struct nbs_row *r = &out[n++];
		pad12(r->code, f[0], cl);
		if (pl)
			pad12(r->parent, f[3], pl);
		else
			r->parent[0] = '\0';
		r->level = level;
		r->kind = levels[level];
		r->name = places_short_name(a, f[1], level == 4 ? &r->kind : NULL);
	}
	if (lineno == 0)
		return err_invalid(e, "places.nbs_header", "file",
		                   "line 1: expected header 'code,name,level,parent_code'");
	qsort(out, n, sizeof(*out), cmp_rows);
	/* every parent must be present before its children */
	for (size_t i = 0; i < n; i++) {
		if (!out[i].parent[0])
			continue;
		struct nbs_row key;
		memset(&key, 0, sizeof(key));
		key.level = out[i].level - 1;
		memcpy(key.code, out[i].parent, 13);
		if (!bsearch(&key, out, n, sizeof(*out), cmp_rows) && under)
			return err_invalid(e, "places.nbs_orphan", "file",
			                   "code %s has no parent %s in the file", out[i].code,
			                   out[i].parent);
	}
	*rows = out;
	*nrows = n;
	return 0;
}
