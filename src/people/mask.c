/*
 * mask.c - masking identity numbers, phones and names for lists, exports and public
 * output; see rules.h and the table in docs/internals/people-rules.md.
 */
#include "rules.h"

#include <string.h>

#include "core/strbuf.h"
#include "text.h"
#include "core/banned.h"

struct ch {
	size_t off, len;
	uint32_t cp;
};

/* The characters of s (n bytes) into a new array; their count, or -1 on invalid UTF-8. */
static long decode(struct arena *a, const char *s, size_t n, struct ch **out)
{
	struct ch *c = arena_alloc(a, (n + 1) * sizeof(*c));
	long k = 0;
	for (size_t i = 0; i < n;) {
		size_t l = people_utf8_next(s + i, n - i, &c[k].cp);
		if (!l)
			return -1;
		c[k].off = i;
		c[k].len = l;
		k++;
		i += l;
	}
	*out = c;
	return k;
}

static const char *stars(struct arena *a, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memset(p, '*', n);
	p[n] = '\0';
	return p;
}

static void add_stars(struct strbuf *sb, size_t n)
{
	while (n--)
		strbuf_addch(sb, '*');
}

/* keep front characters and back characters of s, one '*' for each in between */
static const char *keep_ends(struct arena *a, const char *s, const struct ch *c, size_t n,
                             size_t front, size_t back)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_add(&sb, s, front ? c[front - 1].off + c[front - 1].len : 0);
	add_stars(&sb, n - front - back);
	if (back)
		strbuf_adds(&sb, s + c[n - back].off);
	return sb.buf;
}

/* first 2 and last 2, but never more than a third of the characters shown */
static const char *mask_generic(struct arena *a, const char *s)
{
	struct ch *c;
	size_t len = strlen(s);
	long n = decode(a, s, len, &c);
	if (n < 0)
		return stars(a, len);
	size_t show = (size_t)n / 3 < 4 ? (size_t)n / 3 : 4;
	return keep_ends(a, s, c, (size_t)n, (show + 1) / 2, show / 2);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

const char *mask_id(struct arena *a, const char *norm)
{
	if (!norm)
		return "";
	/* 18 characters (resident ID, permits, the 2023 foreign card): the area code and the
	   last 4, never the birth date */
	if (strlen(norm) == 18 && digits(norm, 17) &&
	    (digits(norm + 17, 1) || norm[17] == 'X' || norm[17] == 'x'))
		return arena_printf(a, "%.6s********%s", norm, norm + 14);
	return mask_generic(a, norm);
}

const char *mask_phone(struct arena *a, const char *norm)
{
	if (!norm)
		return "";
	size_t n = strlen(norm);
	if (n == 11 && norm[0] == '1' && digits(norm, 11))
		return arena_printf(a, "%.3s****%s", norm, norm + 7);
	/* AREA-LOCAL[-EXT]: the area code, the local number's last 4, the extension */
	const char *d1 = strchr(norm, '-');
	if (d1 && d1 > norm && digits(norm, (size_t)(d1 - norm))) {
		const char *local = d1 + 1, *d2 = strchr(local, '-');
		size_t ll = d2 ? (size_t)(d2 - local) : strlen(local);
		if (ll >= 7 && ll <= 8 && digits(local, ll) &&
		    (!d2 || (d2[1] && digits(d2 + 1, strlen(d2 + 1))))) {
			struct strbuf sb;
			strbuf_init(&sb, a, 0);
			strbuf_add(&sb, norm, (size_t)(local - norm));
			add_stars(&sb, ll - 4);
			strbuf_adds(&sb, local + ll - 4);
			return sb.buf;
		}
	}
	return mask_generic(a, norm);
}

static int is_sep(uint32_t cp)
{
	return people_is_dot(cp) || people_is_space(cp);
}

/* one part of a name, c[from..to): keep the first and the last characters as asked */
static void mask_part(struct strbuf *sb, const char *s, const struct ch *c, size_t from, size_t to,
                      int keep_first, int keep_last)
{
	size_t n = to - from;
	if (n < 2)
		keep_first = keep_last = 0;
	if (keep_first)
		strbuf_add(sb, s + c[from].off, c[from].len);
	add_stars(sb, n - (size_t)keep_first - (size_t)keep_last);
	if (keep_last)
		strbuf_add(sb, s + c[to - 1].off, c[to - 1].len);
}

/* a name without dots or spaces: 张*, 张*明, 欧阳*, 欧阳*明 */
static void mask_single(struct strbuf *sb, const char *s, const struct ch *c, size_t from,
                        size_t to)
{
	size_t n = to - from;
	const char *p = s + c[from].off;
	size_t bytes = c[to - 1].off + c[to - 1].len - c[from].off;
	size_t sl = n >= 3 ? people_surname(p, bytes, 1, NULL) : 0;
	if (!sl) {
		mask_part(sb, s, c, from, to, 1, n >= 3);
		return;
	}
	/* a compound surname: both of its characters stay */
	strbuf_add(sb, p, sl);
	size_t given = n - 2;
	add_stars(sb, given == 1 ? 1 : given - 1);
	if (given > 1)
		strbuf_add(sb, s + c[to - 1].off, c[to - 1].len);
}

const char *mask_name(struct arena *a, const char *name)
{
	if (!name)
		return "";
	size_t len = strlen(name);
	struct ch *c;
	long n = decode(a, name, len, &c);
	if (n < 0)
		return stars(a, len);
	/* the parts between dots and spaces */
	size_t parts = 0, first = 0, last = 0;
	for (size_t i = 0; i < (size_t)n;) {
		if (is_sep(c[i].cp)) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < (size_t)n && !is_sep(c[j].cp))
			j++;
		if (!parts++)
			first = i;
		last = i;
		i = j;
	}
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	for (size_t i = 0; i < (size_t)n;) {
		if (is_sep(c[i].cp)) {
			if (people_is_dot(c[i].cp))
				strbuf_adds(&sb, "\xC2\xB7"); /* every look-alike as U+00B7 */
			else
				strbuf_add(&sb, name + c[i].off, c[i].len);
			i++;
			continue;
		}
		size_t j = i;
		while (j < (size_t)n && !is_sep(c[j].cp))
			j++;
		if (parts == 1)
			mask_single(&sb, name, c, i, j);
		else
			mask_part(&sb, name, c, i, j, i == first, i == last);
		i = j;
	}
	return sb.buf;
}
