/* uscc.c - unit tests of uscc_parse (src/people/uscc.c); the codes are synthetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "core/banned.h"

static char out[19];
static struct err e;

static void ok(const char *text, const char *want)
{
	err_clear(&e);
	if (uscc_parse(text, "uscc", out, &e))
		fail_msg("'%s': %s: %s", text, e.code, e.msg);
	assert_string_equal(out, want);
}

static void bad(const char *text, const char *code)
{
	err_clear(&e);
	if (!uscc_parse(text, "uscc", out, &e))
		fail_msg("'%s' was accepted as '%s'", text, out);
	if (strcmp(e.code, code))
		fail_msg("'%s': %s (%s), not %s", text, e.code, e.msg, code);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "uscc");
	assert_string_equal(out, "");
}

static void test_valid(void **state)
{
	(void)state;
	ok("91140406MA0K123455", "91140406MA0K123455"); /* an enterprise */
	ok("92140406MA0L3Q7T8R", "92140406MA0L3Q7T8R"); /* an individual business */
	ok("121404000123456780", "121404000123456780"); /* a public institution */
	ok("53140406MJY123456P", "53140406MJY123456P"); /* a social organization */
	ok("91140406MA0K1230F0", "91140406MA0K1230F0"); /* 31 - 0: check 0 */
	ok("91140406MA0K1234DX", "91140406MA0K1234DX");
	/* normalized: lower case, full width, spaces */
	ok("91140406ma0k1234dx", "91140406MA0K1234DX");
	ok(" 9114 0406 MA0K 1234 DX ", "91140406MA0K1234DX");
	ok("９１１４０４０６ＭＡ０Ｋ１２３４ＤＸ", "91140406MA0K1234DX");
}

static void test_errors(void **state)
{
	(void)state;
	bad("91140406MA0K123456", "people.uscc_check");
	assert_contains(e.msg, "'5'");
	bad("91140406MA0K1234DY", "people.uscc_check");
	assert_contains(e.msg, "'X'");
	bad("91140406MA0K12345", "people.uscc_length");
	bad("91140406MA0K1234555", "people.uscc_length");
	bad("", "people.uscc_length");
	bad(NULL, "people.uscc_length");
	/* the letters the standard leaves out */
	bad("91140406MI0K123455", "people.uscc_chars");
	bad("91140406MO0K123455", "people.uscc_chars");
	bad("91140406MS0K123455", "people.uscc_chars");
	bad("91140406MV0K123455", "people.uscc_chars");
	bad("91140406MZ0K123455", "people.uscc_chars");
	bad("91140406-MA0K12345", "people.uscc_chars");
	bad("91140406MA0K12345\xFF", "people.uscc_chars");
	bad("九1140406MA0K123455", "people.uscc_chars");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
