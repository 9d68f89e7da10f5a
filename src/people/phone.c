/*
 * phone.c - mainland phone numbers: mobiles (11 digits, 13x-19x) and landlines with their
 * area code and an optional extension; see rules.h and docs/internals/people-rules.md.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "core/banned.h"

#define EXT_MAX 6

static int format_error(struct err *e, const char *field, const char *what)
{
	return err_invalid(e, "people.phone_format", field, "%s", what);
}

/*
 * The text as digits, '+', one '-' for each run of separators (spaces, dashes, brackets,
 * dots, slashes) and 'x' for an extension marker ('转', "ext", "分机"), into s (cap bytes),
 * without leading or trailing separators. -1 on anything else or if it does not fit.
 */
static int tokenize(const char *text, char *s, size_t cap)
{
	size_t n = strlen(text), o = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = people_utf8_next(text + i, n - i, &cp);
		if (!l)
			return -1;
		char c;
		cp = people_fold(cp);
		if (cp >= '0' && cp <= '9') {
			c = (char)cp;
		} else if (cp == '+') {
			c = '+';
		} else if (cp == 0x8F6C) { /* 转 */
			c = 'x';
		} else if (cp == 0x5206 && n - i >= 6 && !memcmp(text + i + 3, "机", 3)) {
			c = 'x', l = 6; /* 分机 */
		} else if (l == 1 && (cp == 'e' || cp == 'E') && n - i >= 3 &&
		           (text[i + 1] | 0x20) == 'x' && (text[i + 2] | 0x20) == 't') {
			c = 'x', l = 3;
			if (i + 3 < n && text[i + 3] == '.')
				l = 4;
		} else if (people_is_space(cp) || cp == '-' || cp == '(' || cp == ')' ||
		           cp == '.' || cp == '/' || (cp >= 0x2010 && cp <= 0x2015) ||
		           cp == 0x2212 || cp == 0xFE63 || cp == 0xFF0D) {
			c = '-';
		} else {
			return -1;
		}
		i += l;
		if (c == '-' && (o == 0 || s[o - 1] == '-' || s[o - 1] == 'x' || s[o - 1] == '+'))
			continue;
		if (c == 'x' && o > 0 && s[o - 1] == '-')
			o--;
		if (o + 1 >= cap)
			return -1;
		s[o++] = c;
	}
	if (o > 0 && s[o - 1] == '-')
		o--;
	s[o] = '\0';
	return 0;
}

/* the digits of s (groups joined) into d (cap bytes); their count, or -1 on overflow */
static int join_digits(const char *s, char *d, size_t cap)
{
	size_t o = 0;
	for (; *s; s++) {
		if (*s == '-')
			continue;
		if (*s < '0' || *s > '9' || o + 1 >= cap)
			return -1;
		d[o++] = *s;
	}
	d[o] = '\0';
	return (int)o;
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* the area code's length for a number starting with 0: 010 and 02X take 3, 03XX-09XX 4 */
static size_t area_len(const char *d)
{
	if (d[0] != '0')
		return 0;
	if (!strncmp(d, "010", 3) || d[1] == '2')
		return d[2] >= '0' && d[2] <= '9' ? 3 : 0;
	if (d[1] >= '3' && d[1] <= '9' && d[2] && d[3])
		return 4;
	return 0;
}

int phone_parse(const char *text, const char *field, char *out, enum phone_kind *kind,
                struct err *e)
{
	char s[64], d[64], ext[EXT_MAX + 2] = "";
	out[0] = '\0';
	if (kind)
		*kind = PHONE_NONE;
	if (tokenize(text ? text : "", s, sizeof(s)))
		return format_error(e, field, "a phone number has digits, spaces and dashes only");
	if (!s[0])
		return err_invalid(e, "people.phone_empty", field, "the phone number is empty");

	/* the extension after 转 / ext / 分机 */
	char *x = strchr(s, 'x');
	if (x) {
		*x = '\0';
		const char *xd = x + 1 + (x[1] == '-');
		if (!*xd || strlen(xd) > EXT_MAX || !all_digits(xd))
			return format_error(e, field, "an extension has 1 to 6 digits");
		memcpy(ext, xd, strlen(xd) + 1);
	}

	/* +86, 0086, and 86 before a mobile */
	const char *p = s;
	int intl = 0;
	if (p[0] == '+') {
		if (strncmp(p, "+86", 3))
			return format_error(e, field, "only mainland numbers (+86) are accepted");
		p += 3, intl = 1;
	} else if (!strncmp(p, "0086", 4)) {
		p += 4, intl = 1;
	}
	if (*p == '-')
		p++;
	if (strchr(p, '+'))
		return format_error(e, field, "a '+' can only start the number");
	int nd = join_digits(p, d, sizeof(d));
	if (nd <= 0)
		return format_error(e, field, "no digits in the phone number");
	if (!intl && nd == 13 && !strncmp(d, "86", 2) && d[2] == '1')
		memmove(d, d + 2, (size_t)(nd -= 2) + 1);

	/* mobile: 11 digits, 13x to 19x (but +86 10 is Beijing's area code without its 0) */
	if (d[0] == '1' && !(intl && nd != 11)) {
		if (nd != 11 || d[1] < '3' || d[1] > '9')
			return format_error(e, field,
			                    "a mobile number has 11 digits and starts with "
			                    "13 to 19");
		if (ext[0])
			return format_error(e, field, "a mobile number has no extension");
		memcpy(out, d, 12);
		if (kind)
			*kind = PHONE_MOBILE;
		return 0;
	}

	/* landline: from abroad the area code loses its 0 */
	char g[sizeof(s) + 1];
	if (intl && p[0] != '0')
		snprintf(g, sizeof(g), "0%s", p);
	else
		snprintf(g, sizeof(g), "%s", p);
	if (join_digits(g, d, sizeof(d)) <= 0)
		return format_error(e, field, "no digits in the phone number");
	size_t al = area_len(d);
	if (!al)
		return format_error(e, field,
		                    "a landline needs its area code (010, 02X, 03XX to "
		                    "09XX)");
	/* the groups after the area code: its own group, or the rest of the first group */
	const char *rest = g;
	size_t first = strcspn(g, "-");
	if (first == al)
		rest = g + al + (g[al] == '-');
	else if (first > al)
		rest = g + al;
	else
		return format_error(e, field, "the area code is split");
	char local[64];
	const char *dash = strchr(rest, '-');
	size_t l0 = dash ? (size_t)(dash - rest) : strlen(rest);
	if (dash && !strchr(dash + 1, '-') && (l0 == 7 || l0 == 8) && !ext[0]) {
		/* 0355-1234567-89: a last short group after a whole local number is an extension */
		if (strlen(dash + 1) > EXT_MAX)
			return format_error(e, field, "an extension has 1 to 6 digits");
		memcpy(ext, dash + 1, strlen(dash + 1) + 1);
		snprintf(local, sizeof(local), "%.*s", (int)l0, rest);
	} else if (join_digits(rest, local, sizeof(local)) < 0) {
		return format_error(e, field, "a phone number has digits, spaces and dashes only");
	}
	size_t ll = strlen(local);
	if (ll < 7 || ll > 8 || local[0] == '0')
		return format_error(e, field,
		                    "a local number has 7 or 8 digits and does not start "
		                    "with 0");
	char area[5];
	memcpy(area, d, al);
	area[al] = '\0';
	/* at most 4 + 1 + 8 + 1 + 6 bytes: the precisions only tell the compiler so */
	snprintf(out, 32, "%s-%.8s%s%.6s", area, local, ext[0] ? "-" : "", ext);
	if (kind)
		*kind = PHONE_LANDLINE;
	return 0;
}
