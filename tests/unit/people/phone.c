/* phone.c - unit tests of phone_parse (src/people/phone.c): mobiles, landlines, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "core/banned.h"

static char out[32];
static enum phone_kind kind;
static struct err e;

static void ok(const char *text, const char *want, enum phone_kind want_kind)
{
	err_clear(&e);
	if (phone_parse(text, "phone", out, &kind, &e))
		fail_msg("'%s': %s: %s", text, e.code, e.msg);
	assert_string_equal(out, want);
	assert_int_equal(kind, want_kind);
}

static void bad(const char *text, const char *code)
{
	err_clear(&e);
	if (!phone_parse(text, "phone", out, &kind, &e))
		fail_msg("'%s' was accepted as '%s'", text, out);
	if (strcmp(e.code, code))
		fail_msg("'%s': %s (%s), not %s", text, e.code, e.msg, code);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "phone");
	assert_string_equal(out, "");
	assert_int_equal(kind, PHONE_NONE);
}

static void test_mobile(void **state)
{
	(void)state;
	ok("13812345678", "13812345678", PHONE_MOBILE);
	ok("138 1234 5678", "13812345678", PHONE_MOBILE);
	ok("138-1234-5678", "13812345678", PHONE_MOBILE);
	ok("+86 138 1234 5678", "13812345678", PHONE_MOBILE);
	ok("+8613812345678", "13812345678", PHONE_MOBILE);
	ok("0086-13812345678", "13812345678", PHONE_MOBILE);
	ok("8613812345678", "13812345678", PHONE_MOBILE);
	ok("(+86) 13812345678", "13812345678", PHONE_MOBILE);
	ok("１３８１２３４５６７８", "13812345678", PHONE_MOBILE);
	ok("＋８６　１３８－１２３４－５６７８", "13812345678", PHONE_MOBILE);
	ok("19912345678", "19912345678", PHONE_MOBILE);
	ok("14512345678", "14512345678", PHONE_MOBILE);
	ok(" 13812345678\t", "13812345678", PHONE_MOBILE);
}

static void test_mobile_bad(void **state)
{
	(void)state;
	bad("12812345678", "people.phone_format"); /* 12x is no mobile prefix */
	bad("1381234567", "people.phone_format");  /* 10 digits */
	bad("138123456789", "people.phone_format");
	bad("13812345678转12", "people.phone_format");
	bad("+1 415 555 0100", "people.phone_format");
	bad("+8513812345678", "people.phone_format");
	bad("138+12345678", "people.phone_format");
}

static void test_landline(void **state)
{
	(void)state;
	ok("0355-1234567", "0355-1234567", PHONE_LANDLINE);
	ok("03551234567", "0355-1234567", PHONE_LANDLINE);
	ok("0355 1234567", "0355-1234567", PHONE_LANDLINE);
	ok("(0355)1234567", "0355-1234567", PHONE_LANDLINE);
	ok("（0355）1234567", "0355-1234567", PHONE_LANDLINE);
	ok("0355-123-4567", "0355-1234567", PHONE_LANDLINE);
	ok("0755-12345678", "0755-12345678", PHONE_LANDLINE);
	ok("075512345678", "0755-12345678", PHONE_LANDLINE);
	ok("010-12345678", "010-12345678", PHONE_LANDLINE);
	ok("01012345678", "010-12345678", PHONE_LANDLINE);
	ok("010 1234 5678", "010-12345678", PHONE_LANDLINE);
	ok("021-87654321", "021-87654321", PHONE_LANDLINE);
	ok("029-8765432", "029-8765432", PHONE_LANDLINE);
	ok("+86 355 1234567", "0355-1234567", PHONE_LANDLINE);
	ok("+86-10-12345678", "010-12345678", PHONE_LANDLINE);
	ok("0086 10 12345678", "010-12345678", PHONE_LANDLINE);
	ok("+86 0355 1234567", "0355-1234567", PHONE_LANDLINE);
	ok("０３５５－１２３４５６７", "0355-1234567", PHONE_LANDLINE);
	ok("0355—1234567", "0355-1234567", PHONE_LANDLINE); /* an em dash */
}

static void test_extension(void **state)
{
	(void)state;
	ok("0355-1234567-89", "0355-1234567-89", PHONE_LANDLINE);
	ok("0355-1234567-8", "0355-1234567-8", PHONE_LANDLINE);
	ok("0355-1234567转89", "0355-1234567-89", PHONE_LANDLINE);
	ok("0355-1234567 转 89", "0355-1234567-89", PHONE_LANDLINE);
	ok("03551234567转8901", "0355-1234567-8901", PHONE_LANDLINE);
	ok("010-12345678 ext 123", "010-12345678-123", PHONE_LANDLINE);
	ok("010-12345678 ext. 123", "010-12345678-123", PHONE_LANDLINE);
	ok("010-12345678EXT123", "010-12345678-123", PHONE_LANDLINE);
	ok("010-12345678分机123456", "010-12345678-123456", PHONE_LANDLINE);
	bad("010-12345678分机1234567", "people.phone_format");
	bad("0355-1234567-1234567", "people.phone_format");
	bad("0355-1234567转", "people.phone_format");
	bad("0355-1234567转1转2", "people.phone_format");
	bad("0355-1234567转12a", "people.phone_format");
}

static void test_landline_bad(void **state)
{
	(void)state;
	bad("1234567", "people.phone_format");        /* no area code */
	bad("0355-123456", "people.phone_format");    /* 6 digits */
	bad("0355-123456789", "people.phone_format"); /* 9 digits */
	bad("0355-0234567", "people.phone_format");   /* a local number starting with 0 */
	bad("0355-1234567x", "people.phone_format");
	bad("0155-1234567", "people.phone_format"); /* 01 is only 010 */
	bad("0055-1234567", "people.phone_format");
	bad("035-51234567", "people.phone_format");
	bad("0", "people.phone_format");
	bad("02", "people.phone_format");
	bad("400-123-4567", "people.phone_format"); /* service numbers are not landlines */
}

static void test_errors(void **state)
{
	(void)state;
	bad("", "people.phone_empty");
	bad("  \xE3\x80\x80 ", "people.phone_empty");
	bad(" - ", "people.phone_empty");
	bad(NULL, "people.phone_empty");
	bad("电话", "people.phone_format");
	bad("138\xFF"
	    "12345678",
	    "people.phone_format");
	bad("+", "people.phone_format");
	bad("+86", "people.phone_format");
	bad("1381234567812345678901234567890123456789012345678901234567890123456789",
	    "people.phone_format");
	/* kind may be NULL */
	err_clear(&e);
	assert_int_equal(phone_parse("13812345678", "phone", out, NULL, &e), 0);
	assert_string_equal(out, "13812345678");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mobile),       cmocka_unit_test(test_mobile_bad),
		cmocka_unit_test(test_landline),     cmocka_unit_test(test_extension),
		cmocka_unit_test(test_landline_bad), cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
