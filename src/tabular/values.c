/*
 * values.c - the value helpers of tabular.h (pure): Excel serial dates, dates written as
 * text, numbers stored as text, text stored as numbers, and identity numbers Excel mangled.
 */
#include "tabular.h"
#include "impl.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "people/rules.h"
#include "core/banned.h"

/* days since 1970-01-01 -> civil date (H. Hinnant's algorithm) */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int tab_date_from_serial(double serial, int date1904, char out[11])
{
	if (!isfinite(serial) || serial < 0 || serial >= 2958466.0)
		return -1;
	int64_t n = (int64_t)floor(serial);
	int64_t days; /* since 1970-01-01 */
	if (date1904) {
		days = n - 24107; /* 1904-01-01 is 24107 days before 1970-01-01 */
	} else {
		if (n < 1 || n == 60)
			return -1; /* 0 is "1900-01-00"; 60 the 29 February 1900 Excel invents */
		/* 1 is 1900-01-01 (-25567); from 61 on Excel counts one day too many */
		days = n < 60 ? n - 25568 : n - 25569;
	}
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y > 9999)
		return -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 11);
	return 0;
}

/* Fold full-width digits and punctuation (U+FF01..U+FF5E) and U+3000 to ASCII, in place
 * of a copy of at most cap-1 bytes; other characters stay. */
static void fold_ascii(const char *s, char *out, size_t cap)
{
	size_t o = 0, n = strlen(s);
	for (size_t i = 0; i < n && o + 4 < cap;) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (!k) {
			out[o++] = s[i++];
			continue;
		}
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			out[o++] = (char)(cp - 0xFEE0);
		else if (cp == 0x3000)
			out[o++] = ' ';
		else {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = '\0';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* up to max digits at *p into *v; the count taken */
static int take_num(const char **p, int max, int *v)
{
	int n = 0;
	*v = 0;
	while (n < max && is_digit(**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static int ymd_out(int y, int m, int d, char out[11])
{
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	if (date_check(buf))
		return -1;
	memcpy(out, buf, 11);
	return 0;
}

/* an optional time after the date: " 0:00", " 00:00:00", "T00:00:00"; then the end */
static int time_tail(const char *p)
{
	if (!*p)
		return 0;
	if (*p != ' ' && *p != 'T')
		return -1;
	while (*p == ' ' || *p == 'T')
		p++;
	return strspn(p, "0123456789:.") == strlen(p) && *p ? 0 : -1;
}

int tab_date_parse(const char *text, char out[11])
{
	char s[96];
	fold_ascii(text, s, sizeof(s));
	const char *p = s;
	while (*p == ' ')
		p++;
	size_t n = strlen(p);
	while (n && p[n - 1] == ' ')
		n--;
	char t[96];
	memcpy(t, p, n);
	t[n] = '\0';
	p = t;
	int y, m, d;
	/* 19900101 */
	if (n == 8 && strspn(p, "0123456789") == 8) {
		take_num(&p, 4, &y);
		take_num(&p, 2, &m);
		take_num(&p, 2, &d);
		return ymd_out(y, m, d, out);
	}
	if (take_num(&p, 4, &y) != 4)
		return -1;
	static const char *const nian = "\xE5\xB9\xB4", *const yue = "\xE6\x9C\x88",
	                         *const ri = "\xE6\x97\xA5"; /* 年 月 日 */
	if (!strncmp(p, nian, 3)) {
		p += 3;
		if (!take_num(&p, 2, &m) || strncmp(p, yue, 3))
			return -1;
		p += 3;
		if (!take_num(&p, 2, &d))
			return -1;
		if (!strncmp(p, ri, 3))
			p += 3;
		return *p || ymd_out(y, m, d, out) ? -1 : 0;
	}
	char sep = *p;
	if (sep != '-' && sep != '/' && sep != '.')
		return -1;
	p++;
	if (!take_num(&p, 2, &m) || *p != sep)
		return -1;
	p++;
	if (!take_num(&p, 2, &d) || time_tail(p))
		return -1;
	return ymd_out(y, m, d, out);
}

int tab_cell_date(const struct tab_cell *c, int date1904, char out[11])
{
	switch (c->kind) {
	case TAB_DATE:
		memcpy(out, c->date, 11);
		return 0;
	case TAB_NUMBER:
		if (c->num >= 19000101 && c->num <= 99991231 && c->num == floor(c->num)) {
			char digits[16];
			snprintf(digits, sizeof(digits), "%.0f", c->num);
			return tab_date_parse(digits, out);
		}
		return tab_date_from_serial(c->num, date1904, out);
	case TAB_TEXT:
		if (!tab_date_parse(c->text, out))
			return 0;
		if (strlen(c->text) == 5 && strspn(c->text, "0123456789") == 5)
			return tab_date_from_serial(strtod(c->text, NULL), date1904, out);
		return -1;
	default:
		return -1;
	}
}

int tab_number_parse(const char *text, double *out)
{
	char s[128], t[128];
	if (strlen(text) >= 100)
		return -1;
	fold_ascii(text, s, sizeof(s));
	const char *p = s;
	while (*p == ' ')
		p++;
	size_t o = 0;
	int digits = 0, group = -1, dot = 0;
	if (*p == '+' || *p == '-')
		t[o++] = *p++;
	for (; *p && *p != ' '; p++) {
		if (is_digit(*p)) {
			t[o++] = *p;
			digits++;
			if (group >= 0 && !dot)
				group++;
		} else if (*p == ',' && !dot && digits && (group < 0 || group == 3)) {
			if (group < 0 && digits > 3)
				return -1;
			group = 0;
		} else if (*p == '.' && !dot) {
			if (group >= 0 && group != 3)
				return -1;
			dot = 1;
			t[o++] = '.';
		} else if ((*p == 'e' || *p == 'E') && digits) {
			/* an exponent: the rest must be [+-]digits */
			t[o++] = *p++;
			if (*p == '+' || *p == '-')
				t[o++] = *p++;
			if (!is_digit(*p))
				return -1;
			while (is_digit(*p))
				t[o++] = *p++;
			break;
		} else {
			return -1;
		}
	}
	if (group >= 0 && group != 3 && !dot)
		return -1;
	while (*p == ' ')
		p++;
	if (*p || !digits)
		return -1;
	t[o] = '\0';
	char *end;
	double v = strtod(t, &end);
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int tab_cell_number(const struct tab_cell *c, double *out)
{
	if (c->kind == TAB_NUMBER) {
		*out = c->num;
		return 0;
	}
	if (c->kind == TAB_TEXT)
		return tab_number_parse(c->text, out);
	return -1;
}

const char *tab_cell_text(struct arena *a, const struct tab_cell *c)
{
	if (c->kind != TAB_NUMBER)
		return c->text;
	/* a whole number Excel holds exactly (15 significant digits) without ".0" or "E" */
	if (c->num == floor(c->num) && fabs(c->num) < 1e15)
		return arena_printf(a, "%.0f", c->num);
	return c->text;
}

/* "1.40406E+17", "1.40406194003E+17": what Excel shows of a long number in a narrow cell */
static int scientific(const char *s)
{
	const char *p = s;
	while (*p == ' ')
		p++;
	if (!is_digit(*p))
		return 0;
	while (is_digit(*p) || *p == '.')
		p++;
	if (*p != 'e' && *p != 'E')
		return 0;
	p++;
	if (*p == '+')
		p++;
	if (!is_digit(*p))
		return 0;
	while (is_digit(*p))
		p++;
	while (*p == ' ')
		p++;
	return *p == '\0';
}

int tab_idno_check(const struct tab_cell *c, const char *today_ymd, const char *field,
                   struct id_doc *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (c->kind == TAB_TEXT && strchr(c->text, '*'))
		return err_invalid(e, "import.id_masked", field,
		                   "the identity number is masked ('%.24s'), as lists and exports "
		                   "show it: the whole number is needed",
		                   c->text);
	if (c->kind == TAB_TEXT && scientific(c->text))
		return err_invalid(e, "import.id_scientific", field,
		                   "the identity number shows as '%s': Excel turned it into a "
		                   "number and only the digits shown are left",
		                   c->text);
	if (c->kind == TAB_NUMBER) {
		if (scientific(c->text) && c->num < 1e14)
			return err_invalid(
			    e, "import.id_scientific", field,
			    "the identity number shows as '%s': Excel turned it into "
			    "a number and only the digits shown are left",
			    c->text);
		if (c->num >= 1e15)
			return err_invalid(
			    e, "import.id_number", field,
			    "the identity number was stored as a number: Excel keeps "
			    "15 digits, the last 3 are lost");
		if (c->num >= 0 && c->num == floor(c->num)) {
			/* a 15-digit old card (or a short number) is exact as a number */
			char digits[24];
			snprintf(digits, sizeof(digits), "%.0f", c->num);
			return idno_parse(digits, ID_NONE, today_ymd, field, out, e);
		}
	}
	if (c->kind != TAB_TEXT && c->kind != TAB_NUMBER)
		return err_invalid(e, "people.id_empty", field,
		                   c->kind == TAB_EMPTY ? "the identity number is empty"
		                                        : "the cell holds no identity number");
	if (idno_parse(c->text, ID_NONE, today_ymd, field, out, e)) {
		if (!strcmp(e->code, "people.id_mangled"))
			return err_invalid(
			    e, "import.id_number", field,
			    "the identity number ends in 000 and its check fails: "
			    "Excel stored it as a number and lost the last 3 digits");
		return -1;
	}
	return 0;
}
