/*
 * idno.c - identity documents: the 18-character resident ID (GB 11643-1999), the old
 * 15-digit card, the Hong Kong/Macao/Taiwan residence permits, the foreign permanent
 * residence ID cards of 2017 and 2023, passports; and ages. See rules.h and
 * docs/internals/people-rules.md.
 */
#include "rules.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "text.h"
#include "core/banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

char idno_check_char(const char *first17)
{
	/* ISO 7064 MOD 11-2: weight 2^(17-i) mod 11 for the digit at i (0-based) */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return 0;
		sum += (first17[i] - '0') * w[i];
	}
	return check[sum % 11];
}

static const char *const kind_names[] = {
	[ID_RESIDENT] = "resident",       [ID_RESIDENT15] = "resident15",
	[ID_HKMO_PERMIT] = "hkmo_permit", [ID_TW_PERMIT] = "tw_permit",
	[ID_FOREIGN_PR] = "foreign_pr",   [ID_PASSPORT] = "passport",
};
#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

const char *idno_kind_name(enum id_kind kind)
{
	if ((unsigned)kind >= KIND_COUNT || !kind_names[kind])
		return "";
	return kind_names[kind];
}

enum id_kind idno_kind_from_name(const char *name)
{
	for (size_t k = 1; name && k < KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return (enum id_kind)k;
	return ID_NONE;
}

/* "YYYY-MM-DD" into y, m, d; -1 unless it is a real date */
static int ymd(const char *s, int *y, int *m, int *d)
{
	if (!s || date_check(s))
		return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return 0;
}

int age_on(const char *birth_ymd, const char *today_ymd)
{
	int by, bm, bd, ty, tm, td;
	if (ymd(birth_ymd, &by, &bm, &bd) || ymd(today_ymd, &ty, &tm, &td))
		return -1;
	if (strcmp(birth_ymd, today_ymd) > 0)
		return -1;
	/* a year older on the birthday; born on 29 February: on 1 March in other years */
	int age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}

/*
 * Fold full-width forms to ASCII, drop every space and upper-case letters, into out
 * (cap bytes). 1 on success; 0 if the result does not fit; -1 on invalid UTF-8 or a
 * character outside ASCII (out then holds what came before it).
 */
static int normalize(const char *text, char *out, size_t cap, size_t *outlen)
{
	size_t n = strlen(text), o = 0;
	*outlen = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = people_utf8_next(text + i, n - i, &cp);
		if (!l)
			return -1;
		i += l;
		cp = people_fold(cp);
		if (people_is_space(cp))
			continue;
		if (cp >= 0x80)
			return -1;
		if (o + 1 >= cap)
			return 0;
		out[o++] = (char)(cp >= 'a' && cp <= 'z' ? cp - 'a' + 'A' : cp);
		out[o] = '\0';
		*outlen = o;
	}
	return 1;
}

/* What a spreadsheet shows for a long number in scientific form: 1.40406E+17. */
static int looks_scientific(const char *s)
{
	size_t i = 0;
	if (!is_digit(s[i]))
		return 0;
	while (is_digit(s[i]))
		i++;
	if (s[i] == '.') {
		i++;
		if (!is_digit(s[i]))
			return 0;
		while (is_digit(s[i]))
			i++;
	}
	if (s[i] != 'E')
		return 0;
	i++;
	if (s[i] == '+')
		i++;
	if (!is_digit(s[i]))
		return 0;
	while (is_digit(s[i]))
		i++;
	return s[i] == '\0';
}

static int mangled(struct err *e, const char *field)
{
	return err_invalid(e, "people.id_mangled", field,
	                   "the number looks rounded by a spreadsheet; format the column as "
	                   "text and enter it again");
}

static int check_date(const char *birth, const char *today, const char *field, struct err *e)
{
	if (date_check(birth))
		return err_invalid(e, "people.id_date", field, "no such birth date %s", birth);
	if (strcmp(birth, "1900-01-01") < 0)
		return err_invalid(e, "people.id_date", field, "birth date %s is before 1900",
		                   birth);
	if (strcmp(birth, today) > 0)
		return err_invalid(e, "people.id_date", field, "birth date %s is in the future",
		                   birth);
	return 0;
}

/*
 * Check the birth date, then fill out: the kind, the birth date and, where area is given,
 * the area code (its first 6 characters) and the sex from the sequence digit seq (odd:
 * male, even: female).
 */
static int derive(struct id_doc *out, enum id_kind kind, const char birth[11], const char *area,
                  char seq, const char *today, const char *field, struct err *e)
{
	if (check_date(birth, today, field, e))
		return -1;
	out->kind = kind;
	memcpy(out->birth, birth, sizeof(out->birth));
	if (area) {
		memcpy(out->area, area, 6);
		out->area[6] = '\0';
		out->sex = (seq - '0') % 2 ? 'M' : 'F';
	}
	return 0;
}

/* 18 characters: 17 digits and a MOD 11-2 check; kind is already decided */
static int parse18(const char *s, enum id_kind kind, const char *today, const char *field,
                   struct id_doc *out, struct err *e)
{
	if (!all_digits(s, 17) || !(is_digit(s[17]) || s[17] == 'X'))
		return err_invalid(e, "people.id_chars", field,
		                   "an 18-character number has 17 digits and a digit or X");
	int hkmo = !memcmp(s, "810000", 6) || !memcmp(s, "820000", 6);
	int tw = !memcmp(s, "830000", 6);
	int foreign = s[0] == '9';
	if (kind == ID_RESIDENT && (hkmo || tw || foreign))
		return err_invalid(e, "people.id_kind", field, "this is the number of a %s",
		                   foreign ? "foreign permanent residence card"
		                           : "residence permit");
	if (kind == ID_HKMO_PERMIT && !hkmo)
		return err_invalid(e, "people.id_kind", field,
		                   "a Hong Kong or Macao residence permit starts with 810000 or "
		                   "820000");
	if (kind == ID_TW_PERMIT && !tw)
		return err_invalid(e, "people.id_kind", field,
		                   "a Taiwan residence permit starts with 830000");
	if (kind == ID_FOREIGN_PR && !foreign)
		return err_invalid(
		    e, "people.id_kind", field,
		    "an 18-character foreign permanent residence card starts with 9");
	char want = idno_check_char(s);
	if (want != s[17]) {
		if (!memcmp(s + 15, "000", 3))
			return mangled(e, field);
		return err_invalid(e, "people.id_check", field,
		                   "the check character should be '%c', not '%c'", want, s[17]);
	}
	char birth[11];
	snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	/* the foreign card's first six digits are no area code, and its sex is unpublished */
	return derive(out, kind, birth, kind == ID_FOREIGN_PR ? NULL : s, s[16], today, field, e);
}

/* the old card: 6-digit area, YYMMDD born 19YY, 3-digit sequence (odd: male) */
static int parse15(const char *s, const char *today, const char *field, struct id_doc *out,
                   struct err *e)
{
	if (!all_digits(s, 15))
		return err_invalid(e, "people.id_chars", field,
		                   "the old card's number has 15 digits");
	char birth[11];
	snprintf(birth, sizeof(birth), "19%.2s-%.2s-%.2s", s + 6, s + 8, s + 10);
	return derive(out, ID_RESIDENT15, birth, s, s[14], today, field, e);
}

/* the 2017 foreign card: 3 letters (nationality) and 12 digits; nothing more is checked */
static int parse_foreign15(const char *s, const char *field, struct id_doc *out, struct err *e)
{
	if (!is_upper(s[0]) || !is_upper(s[1]) || !is_upper(s[2]) || !all_digits(s + 3, 12))
		return err_invalid(e, "people.id_chars", field,
		                   "a 15-character foreign permanent residence card has 3 letters "
		                   "and 12 digits");
	out->kind = ID_FOREIGN_PR;
	return 0;
}

static int is_alnum_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]) && !is_upper(s[i]))
			return 0;
	return 1;
}

static int parse_passport(const char *s, size_t n, const char *field, struct id_doc *out,
                          struct err *e)
{
	if (!is_alnum_str(s, n))
		return err_invalid(e, "people.id_chars", field,
		                   "a passport number has only letters and digits");
	if (n < 5 || n > 20)
		return err_invalid(e, "people.id_length", field,
		                   "a passport number has 5 to 20 letters and digits");
	/* a valid 18-character identity number is never a passport: it would escape the
	   duplicate check against the same person's identity number */
	if (n == 18 && all_digits(s, 17) && idno_check_char(s) == s[17])
		return err_invalid(e, "people.id_kind", field,
		                   "this is an identity number, not a passport");
	out->kind = ID_PASSPORT;
	return 0;
}

static int length_error(struct err *e, const char *field, const char *what)
{
	return err_invalid(e, "people.id_length", field, "%s", what);
}

/* ID_NONE: what the text is, from its shape */
static enum id_kind infer(const char *s, size_t n)
{
	if (n == 18 && all_digits(s, 17)) {
		if (!memcmp(s, "810000", 6) || !memcmp(s, "820000", 6))
			return ID_HKMO_PERMIT;
		if (!memcmp(s, "830000", 6))
			return ID_TW_PERMIT;
		return s[0] == '9' ? ID_FOREIGN_PR : ID_RESIDENT;
	}
	if (n == 15 && all_digits(s, 15))
		return ID_RESIDENT15;
	if (n == 15 && is_upper(s[0]) && is_upper(s[1]) && is_upper(s[2]))
		return ID_FOREIGN_PR;
	/* six digits first: an identity number of the wrong length or with a stray letter */
	if (n >= 6 && all_digits(s, 6))
		return ID_RESIDENT;
	if (all_digits(s, n))
		return ID_RESIDENT;
	return ID_PASSPORT;
}

int idno_parse(const char *text, enum id_kind kind, const char *today_ymd, const char *field,
               struct id_doc *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (!today_ymd || date_check(today_ymd))
		return err_internal(e, "idno_parse: bad today '%s'", today_ymd ? today_ymd : "");
	if ((unsigned)kind >= KIND_COUNT)
		return err_invalid(e, "people.id_kind", field, "unknown document kind");
	char s[sizeof(out->norm)];
	size_t n;
	int r = normalize(text ? text : "", s, sizeof(s), &n);
	if (r == 0)
		return length_error(e, field, "an identity number has at most 20 characters");
	if (r < 0)
		return err_invalid(e, "people.id_chars", field,
		                   "an identity number has only digits and letters");
	if (n == 0)
		return err_invalid(e, "people.id_empty", field, "the identity number is empty");
	if (looks_scientific(s))
		return mangled(e, field);
	if (!is_alnum_str(s, n))
		return err_invalid(e, "people.id_chars", field,
		                   "an identity number has only digits and letters");
	memcpy(out->norm, s, n + 1);

	if (kind == ID_NONE)
		kind = infer(s, n);
	switch (kind) {
	case ID_RESIDENT:
		if (n == 18)
			r = parse18(s, ID_RESIDENT, today_ymd, field, out, e);
		else if (n == 15)
			r = parse15(s, today_ymd, field, out, e);
		else
			r = length_error(e, field,
			                 "a resident identity number has 18 characters "
			                 "(15 digits on the old card)");
		break;
	case ID_RESIDENT15:
		r = n == 15 ? parse15(s, today_ymd, field, out, e)
		            : length_error(e, field, "the old card's number has 15 digits");
		break;
	case ID_HKMO_PERMIT:
	case ID_TW_PERMIT:
		r = n == 18 ? parse18(s, kind, today_ymd, field, out, e)
		            : length_error(e, field, "a residence permit number has 18 characters");
		break;
	case ID_FOREIGN_PR:
		if (n == 18)
			r = parse18(s, ID_FOREIGN_PR, today_ymd, field, out, e);
		else if (n == 15)
			r = parse_foreign15(s, field, out, e);
		else
			r = length_error(e, field,
			                 "a foreign permanent residence card has 15 or 18 "
			                 "characters");
		break;
	default:
		r = parse_passport(s, n, field, out, e);
		break;
	}
	if (r) {
		/* the normalized text stays, for the caller's duplicate and error reports */
		out->kind = ID_NONE;
		out->birth[0] = out->area[0] = '\0';
		out->sex = 0;
		return -1;
	}
	return 0;
}
