/*
 * pinyin.c - pinyin of names (for sorting and search by initials) and the search grams of
 * names; see rules.h. The hanzi table is build/gen/pinyin.c, made by scripts/gen-pinyin.
 */
#include "rules.h"

#include <string.h>

#include "core/strbuf.h"
#include "text.h"
#include "core/banned.h"

const char *pinyin_of_char(uint32_t cp)
{
	size_t lo = 0, hi = pinyin_runs_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pinyin_run *r = &pinyin_runs[mid];
		if (cp < r->first) {
			hi = mid;
		} else if (cp >= r->first + r->len) {
			lo = mid + 1;
		} else {
			uint16_t k = pinyin_index[r->start + (cp - r->first)];
			return k == PINYIN_NONE ? NULL : pinyin_syllables[k];
		}
	}
	return NULL;
}

static int ascii_alnum(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static char lower(uint32_t cp)
{
	return (char)(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
}

/* one syllable: all of it to full, its first letter to initials */
static void add_syllable(struct strbuf *full, struct strbuf *ini, const char *s, size_t n)
{
	strbuf_add(full, s, n);
	strbuf_addch(ini, s[0]);
}

void pinyin_of_name(struct arena *a, const char *name, const char **full, const char **initials)
{
	struct strbuf f, in;
	strbuf_init(&f, a, 0);
	strbuf_init(&in, a, 0);
	size_t n = name ? strlen(name) : 0, i = 0;
	for (uint32_t cp; i < n;) { /* the surname comes after any leading spaces */
		size_t l = people_utf8_next(name + i, n - i, &cp);
		if (!l || !people_is_space(cp))
			break;
		i += l;
	}
	/* the surname's own reading: 单 shan, 尉迟 yu chi */
	const char *reading;
	size_t sl = people_surname(name + i, n - i, 0, &reading);
	if (sl && reading) {
		for (const char *r = reading; *r;) {
			size_t k = strcspn(r, " ");
			add_syllable(&f, &in, r, k);
			r += k + (r[k] == ' ');
		}
		i += sl;
	}
	int in_word = 0; /* inside a run of Latin letters and digits */
	while (i < n) {
		uint32_t cp;
		size_t l = people_utf8_next(name + i, n - i, &cp);
		if (!l) {
			i++, in_word = 0;
			continue;
		}
		i += l;
		cp = people_fold(cp);
		if (ascii_alnum(cp)) {
			strbuf_addch(&f, lower(cp));
			if (!in_word)
				strbuf_addch(&in, lower(cp));
			in_word = 1;
			continue;
		}
		in_word = 0;
		const char *py = pinyin_of_char(cp);
		if (py)
			add_syllable(&f, &in, py, strlen(py));
	}
	*full = f.buf;
	*initials = in.buf;
}

/* a set of strings for name_grams: open addressing, size a power of two */
struct gram_set {
	const char **slot;
	size_t size;
};

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* 1 if s was added, 0 if it was there */
static int set_add(struct gram_set *set, const char *s)
{
	size_t i = hash(s) & (set->size - 1);
	while (set->slot[i]) {
		if (!strcmp(set->slot[i], s))
			return 0;
		i = (i + 1) & (set->size - 1);
	}
	set->slot[i] = s;
	return 1;
}

size_t name_grams(struct arena *a, const char *name, const char ***grams)
{
	size_t n = name ? strlen(name) : 0, k = 0;
	/* the characters that count: folded, lower-cased, without dots, spaces, bad bytes */
	uint32_t *cps = arena_alloc(a, (n + 1) * sizeof(*cps));
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = people_utf8_next(name + i, n - i, &cp);
		if (!l) {
			i++;
			continue;
		}
		i += l;
		cp = people_fold(cp);
		if (people_is_dot(cp) || people_is_space(cp))
			continue;
		cps[k++] = cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
	}
	size_t max = k ? 2 * k - 1 : 0, count = 0;
	const char **out = arena_alloc(a, (max + 1) * sizeof(*out));
	struct gram_set set = { NULL, 16 };
	while (set.size < 2 * max)
		set.size *= 2;
	set.slot = arena_zalloc(a, set.size * sizeof(*set.slot));
	for (size_t width = 1; width <= 2; width++)
		for (size_t i = 0; i + width <= k; i++) {
			char buf[9];
			size_t bl = people_utf8_put(cps[i], buf);
			if (width == 2)
				bl += people_utf8_put(cps[i + 1], buf + bl);
			char *g = arena_strndup(a, buf, bl);
			if (set_add(&set, g))
				out[count++] = g;
		}
	out[count] = NULL;
	*grams = out;
	return count;
}
