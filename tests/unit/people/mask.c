/*
 * mask.c - unit tests of src/people/mask.c: identity numbers, phones, and names (compound
 * surnames, middle dots and their look-alikes, one character, invalid UTF-8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "core/banned.h"

static void test_mask_id(void **state)
{
	struct arena *a = *state;
	assert_string_equal(mask_id(a, "140406199001011234"), "140406********1234");
	assert_string_equal(mask_id(a, "14040620000229002X"), "140406********002X");
	assert_string_equal(mask_id(a, "810000199408230021"), "810000********0021");
	assert_string_equal(mask_id(a, "911156198506070014"), "911156********0014");
	/* other kinds: the first 2 and the last 2, never more than a third */
	assert_string_equal(mask_id(a, "140406900101123"), "14***********23");
	assert_string_equal(mask_id(a, "USA110185060701"), "US***********01");
	assert_string_equal(mask_id(a, "AB1234567890"), "AB********90"); /* 12: 4 shown */
	assert_string_equal(mask_id(a, "E12345678"), "E1******8");       /* 9: 3 shown */
	assert_string_equal(mask_id(a, "E123456"), "E*****6");           /* 7: 2 shown */
	assert_string_equal(mask_id(a, "E1234"), "E****");               /* 5: 1 shown */
	assert_string_equal(mask_id(a, "AB"), "**");
	assert_string_equal(mask_id(a, "A"), "*");
	assert_string_equal(mask_id(a, ""), "");
	assert_string_equal(mask_id(a, NULL), "");
	assert_string_equal(mask_id(a, "\xFF\xFE"
	                               "12"),
	                    "****");
}

static void test_mask_phone(void **state)
{
	struct arena *a = *state;
	assert_string_equal(mask_phone(a, "13812345678"), "138****5678");
	assert_string_equal(mask_phone(a, "0355-1234567"), "0355-***4567");
	assert_string_equal(mask_phone(a, "010-12345678"), "010-****5678");
	assert_string_equal(mask_phone(a, "0355-1234567-89"), "0355-***4567-89");
	/* anything else: the generic rule */
	assert_string_equal(mask_phone(a, "12345"), "1****");
	assert_string_equal(mask_phone(a, "0355-12345"), "03*******5");
	assert_string_equal(mask_phone(a, "0355-1234567-"), "03*********7-");
	assert_string_equal(mask_phone(a, ""), "");
	assert_string_equal(mask_phone(a, NULL), "");
}

static void test_mask_name(void **state)
{
	struct arena *a = *state;
	assert_string_equal(mask_name(a, "张"), "*");
	assert_string_equal(mask_name(a, "张三"), "张*");
	assert_string_equal(mask_name(a, "张小明"), "张*明");
	assert_string_equal(mask_name(a, "张王小明"), "张**明");
	assert_string_equal(mask_name(a, "阿依古丽"), "阿**丽");
	assert_string_equal(mask_name(a, ""), "");
	assert_string_equal(mask_name(a, NULL), "");
}

static void test_compound_surnames(void **state)
{
	struct arena *a = *state;
	assert_string_equal(mask_name(a, "欧阳明"), "欧阳*");
	assert_string_equal(mask_name(a, "欧阳小明"), "欧阳*明");
	assert_string_equal(mask_name(a, "欧阳小小明"), "欧阳**明");
	assert_string_equal(mask_name(a, "司马光"), "司马*");
	assert_string_equal(mask_name(a, "诸葛亮"), "诸葛*");
	assert_string_equal(mask_name(a, "上官婉儿"), "上官*儿");
	assert_string_equal(mask_name(a, "尉迟恭"), "尉迟*");
	assert_string_equal(mask_name(a, "万俟卨"), "万俟*");
	assert_string_equal(mask_name(a, "拓跋宏"), "拓跋*");
	assert_string_equal(mask_name(a, "歐陽修"), "歐陽*"); /* traditional characters */
	/* two characters are a surname and a given name, whatever they spell */
	assert_string_equal(mask_name(a, "欧阳"), "欧*");
	/* a single surname that starts like a compound one is not one */
	assert_string_equal(mask_name(a, "欧小明"), "欧*明");
	assert_string_equal(mask_name(a, "司小马"), "司*马");
}

static void test_dots(void **state)
{
	struct arena *a = *state;
	assert_string_equal(mask_name(a, "阿依古丽·买买提"), "阿***·**提");
	assert_string_equal(mask_name(a, "约翰·菲茨杰拉德·肯尼迪"), "约*·*****·**迪");
	/* look-alikes become U+00B7 */
	assert_string_equal(mask_name(a, "阿依古丽・买买提"), "阿***·**提"); /* U+30FB */
	assert_string_equal(mask_name(a, "阿依古丽•买买提"), "阿***·**提");  /* U+2022 */
	assert_string_equal(mask_name(a, "阿依古丽‧买买提"), "阿***·**提");  /* U+2027 */
	assert_string_equal(mask_name(a, "阿依古丽･买买提"), "阿***·**提");  /* U+FF65 */
	/* one-character parts are starred whole */
	assert_string_equal(mask_name(a, "A·B"), "*·*");
	assert_string_equal(mask_name(a, "阿·买买提"), "*·**提");
	/* a dot at an edge leaves one part: the ordinary rules */
	assert_string_equal(mask_name(a, "·买买提"), "·买*提");
	assert_string_equal(mask_name(a, "买买提·"), "买*提·");
	assert_string_equal(mask_name(a, "·"), "·");
	/* spaces separate parts as dots do, and stay as written */
	assert_string_equal(mask_name(a, "John Smith"), "J*** ****h");
	assert_string_equal(mask_name(a, "张 三"), "* *"); /* one character each */
}

static void test_utf8(void **state)
{
	struct arena *a = *state;
	/* invalid UTF-8: every byte */
	assert_string_equal(mask_name(a, "张\xFF三"), "*******");
	assert_string_equal(mask_name(a, "\xE5\xBC"), "**");           /* cut short */
	assert_string_equal(mask_name(a, "\xC0\xAF"), "**");           /* overlong '/' */
	assert_string_equal(mask_name(a, "\xED\xA0\x80"), "***");      /* a surrogate */
	assert_string_equal(mask_name(a, "\xF4\x90\x80\x80"), "****"); /* above U+10FFFF */
	/* outside the BMP: one character each */
	assert_string_equal(mask_name(a, "\xF0\xA0\x80\x80\xE5\xB0\x8F\xE6\x98\x8E"),
	                    "\xF0\xA0\x80\x80*\xE6\x98\x8E");
	assert_string_equal(mask_name(a, "Zoë"), "Z*ë");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_id),   cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_mask_name), cmocka_unit_test(test_compound_surnames),
		cmocka_unit_test(test_dots),      cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, unit_arena_setup, unit_arena_teardown);
}
