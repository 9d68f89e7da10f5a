/*
 * uscc.c - the unified social credit code of organizations (统一社会信用代码,
 * GB 32100-2015): 18 characters over a 31-character alphabet, the last a check character.
 */
#include "rules.h"

#include <string.h>

#include "text.h"
#include "core/banned.h"

/* the standard's alphabet: digits and capitals without I, O, Z, S, V */
static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int value_of(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int uscc_parse(const char *text, const char *field, char *out, struct err *e)
{
	/* weights 3^i mod 31 */
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	char s[19];
	size_t n = 0, len = text ? strlen(text) : 0;
	out[0] = '\0';
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t l = people_utf8_next(text + i, len - i, &cp);
		if (!l)
			return err_invalid(e, "people.uscc_chars", field,
			                   "a credit code has only digits and capital letters");
		i += l;
		cp = people_fold(cp);
		if (people_is_space(cp))
			continue;
		if (n == 18)
			return err_invalid(e, "people.uscc_length", field,
			                   "a credit code has 18 characters");
		if (cp >= 'a' && cp <= 'z')
			cp -= 'a' - 'A';
		if (cp >= 0x80 || value_of((char)cp) < 0)
			return err_invalid(
			    e, "people.uscc_chars", field,
			    "a credit code has digits and the capitals A-H J-N P-R T U "
			    "W-Y (no I, O, S, V, Z)");
		s[n++] = (char)cp;
	}
	if (n != 18)
		return err_invalid(e, "people.uscc_length", field,
		                   "a credit code has 18 characters");
	s[18] = '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += value_of(s[i]) * w[i];
	char want = alphabet[(31 - sum % 31) % 31];
	if (s[17] != want)
		return err_invalid(e, "people.uscc_check", field,
		                   "the check character should be '%c', not '%c'", want, s[17]);
	memcpy(out, s, sizeof(s));
	return 0;
}
