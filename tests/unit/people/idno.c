/*
 * idno.c - unit tests of src/people/idno.c: every document kind, every error code, leap
 * years, Excel-mangled numbers, full-width input, ages. The numbers are synthetic (area
 * codes of Lucheng, check characters computed), except the two residence permit samples
 * the Beijing police published (810000199408230021, 830000199201300022).
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

#define TODAY "2026-11-29"

static struct id_doc doc;
static struct err e;

/* text parses as kind (ID_NONE: inferred) into got, normalized to norm */
static void ok(const char *text, enum id_kind kind, enum id_kind got, const char *norm)
{
	err_clear(&e);
	if (idno_parse(text, kind, TODAY, "id_number", &doc, &e))
		fail_msg("'%s' (kind %d): %s: %s", text, kind, e.code, e.msg);
	assert_int_equal(doc.kind, got);
	assert_string_equal(doc.norm, norm);
}

/* text is refused with code, a 400 naming the field, and nothing derived */
static void bad(const char *text, enum id_kind kind, const char *code)
{
	err_clear(&e);
	if (!idno_parse(text, kind, TODAY, "id_number", &doc, &e))
		fail_msg("'%s' (kind %d) was accepted as kind %d", text, kind, doc.kind);
	if (strcmp(e.code, code))
		fail_msg("'%s' (kind %d): %s (%s), not %s", text, kind, e.code, e.msg, code);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.field, "id_number");
	assert_int_equal(doc.kind, ID_NONE);
	assert_string_equal(doc.birth, "");
	assert_string_equal(doc.area, "");
	assert_int_equal(doc.sex, 0);
}

static void test_check_char(void **state)
{
	(void)state;
	assert_int_equal(idno_check_char("14040619900101123"), '0');
	assert_int_equal(idno_check_char("14040620000229002"), 'X');
	assert_int_equal(idno_check_char("81000019940823002"), '1');
	assert_int_equal(idno_check_char("83000019920130002"), '2');
	assert_int_equal(idno_check_char("1404061990010112"), 0); /* 16 digits */
	assert_int_equal(idno_check_char("1404061990010112A"), 0);
}

static void test_resident(void **state)
{
	(void)state;
	ok("140406199001011230", ID_NONE, ID_RESIDENT, "140406199001011230");
	assert_string_equal(doc.birth, "1990-01-01");
	assert_int_equal(doc.sex, 'M'); /* 17th digit 3: odd */
	assert_string_equal(doc.area, "140406");
	ok("140406199001011249", ID_RESIDENT, ID_RESIDENT, "140406199001011249");
	assert_int_equal(doc.sex, 'F'); /* 4: even */
	ok("14040620000229002X", ID_NONE, ID_RESIDENT, "14040620000229002X");
	assert_int_equal(doc.sex, 'F'); /* 0 counts as even */
	/* a lower-case check x */
	ok("14040620000229002x", ID_RESIDENT, ID_RESIDENT, "14040620000229002X");
	/* an area code nobody has: accepted */
	ok("14999919900101123X", ID_NONE, ID_RESIDENT, "14999919900101123X");
	assert_string_equal(doc.area, "149999");
	/* a real number ending in 000 (sequence 100, check 0) is not mistaken for Excel's */
	ok("140406199001061000", ID_NONE, ID_RESIDENT, "140406199001061000");
}

static void test_dates(void **state)
{
	(void)state;
	ok("14040620000229002X", ID_RESIDENT, ID_RESIDENT, "14040620000229002X");
	assert_string_equal(doc.birth, "2000-02-29");         /* divisible by 400: a leap year */
	bad("140406190002290015", ID_NONE, "people.id_date"); /* 1900: not a leap year */
	assert_contains(e.msg, "1900-02-29");
	bad("140406202302290012", ID_NONE, "people.id_date");
	ok("140406199602290028", ID_NONE, ID_RESIDENT, "140406199602290028");
	ok("140406190001010018", ID_NONE, ID_RESIDENT, "140406190001010018");
	bad("140406189912310013", ID_NONE, "people.id_date");                 /* before 1900 */
	ok("140406202611290016", ID_NONE, ID_RESIDENT, "140406202611290016"); /* born today */
	bad("140406202611300018", ID_NONE, "people.id_date");                 /* tomorrow */
	assert_contains(e.msg, "future");
	bad("140406202701010014", ID_NONE, "people.id_date");
}

static void test_check(void **state)
{
	(void)state;
	bad("140406199001011231", ID_NONE, "people.id_check");
	assert_contains(e.msg, "'0'");
	bad("140406199001011230", ID_HKMO_PERMIT, "people.id_kind");
	bad("140406200002290020", ID_RESIDENT, "people.id_check");
	assert_contains(e.msg, "'X'");
	/* the message never repeats the number */
	assert_null(strstr(e.msg, "1404062000"));
}

static void test_mangled(void **state)
{
	(void)state;
	bad("1.40406E+17", ID_NONE, "people.id_mangled");
	bad("1.40406199001011E+17", ID_NONE, "people.id_mangled");
	bad("1.40406e17", ID_RESIDENT, "people.id_mangled");
	bad("１.４０４０６Ｅ＋１７", ID_NONE, "people.id_mangled");
	bad(" 1.40406E+17 ", ID_PASSPORT, "people.id_mangled");
	/* Excel keeps 15 significant digits: 18 digits ending in 000 whose check fails */
	bad("140406199001011000", ID_NONE, "people.id_mangled");
	bad("810000199408231000", ID_HKMO_PERMIT, "people.id_mangled");
	/* a bad check without the 000 is a typo */
	bad("140406199001011004", ID_NONE, "people.id_check");
}

static void test_normalize(void **state)
{
	(void)state;
	ok("１４０４０６１９９００１０１１２３０", ID_NONE, ID_RESIDENT, "140406199001011230");
	ok("１４０４０６２０００0229００２ｘ", ID_NONE, ID_RESIDENT, "14040620000229002X");
	ok("１４０４０６２０００0229００２Ｘ", ID_NONE, ID_RESIDENT, "14040620000229002X");
	ok(" 140406 19900101 1230\t", ID_NONE, ID_RESIDENT, "140406199001011230");
	ok("\xE3\x80\x80"
	   "140406199001011230"
	   "\xE3\x80\x80",
	   ID_NONE, ID_RESIDENT, "140406199001011230"); /* ideographic spaces */
	ok("\xEF\xBB\xBF"
	   "140406199001011230",
	   ID_NONE, ID_RESIDENT, "140406199001011230"); /* a byte order mark from a CSV file */
	ok("140406\xC2\xA0"
	   "199001011230",
	   ID_NONE, ID_RESIDENT, "140406199001011230");
}

static void test_resident15(void **state)
{
	(void)state;
	ok("140406900101123", ID_NONE, ID_RESIDENT15, "140406900101123");
	assert_string_equal(doc.birth, "1990-01-01");
	assert_int_equal(doc.sex, 'M'); /* the last digit, 3 */
	assert_string_equal(doc.area, "140406");
	ok("140406960229124", ID_RESIDENT15, ID_RESIDENT15, "140406960229124");
	assert_string_equal(doc.birth, "1996-02-29");
	assert_int_equal(doc.sex, 'F');
	/* the kind "resident" takes the old card too */
	ok("140406900101123", ID_RESIDENT, ID_RESIDENT15, "140406900101123");
	bad("140406000229123", ID_NONE, "people.id_date"); /* 1900-02-29 */
	bad("140406901301123", ID_NONE, "people.id_date");
	bad("14040690010112A", ID_NONE, "people.id_chars");
	bad("140406199001011230", ID_RESIDENT15, "people.id_length");
}

static void test_permits(void **state)
{
	(void)state;
	ok("810000199408230021", ID_NONE, ID_HKMO_PERMIT, "810000199408230021");
	assert_string_equal(doc.birth, "1994-08-23");
	assert_int_equal(doc.sex, 'F');
	assert_string_equal(doc.area, "810000");
	ok("820000198005150016", ID_HKMO_PERMIT, ID_HKMO_PERMIT, "820000198005150016");
	assert_int_equal(doc.sex, 'M');
	assert_string_equal(doc.area, "820000");
	ok("830000199201300022", ID_NONE, ID_TW_PERMIT, "830000199201300022");
	assert_string_equal(doc.birth, "1992-01-30");
	ok("830000199201300022", ID_TW_PERMIT, ID_TW_PERMIT, "830000199201300022");
	bad("830000199201300022", ID_HKMO_PERMIT, "people.id_kind");
	bad("810000199408230021", ID_TW_PERMIT, "people.id_kind");
	bad("810000199408230021", ID_RESIDENT, "people.id_kind");
	bad("830000199201300023", ID_NONE, "people.id_check");
	bad("81000019940823002", ID_HKMO_PERMIT, "people.id_length");
}

static void test_foreign(void **state)
{
	(void)state;
	/* 2023: 9, province, nationality, birth, sequence, MOD 11-2 check */
	ok("911156198506070014", ID_NONE, ID_FOREIGN_PR, "911156198506070014");
	assert_string_equal(doc.birth, "1985-06-07");
	assert_int_equal(doc.sex, 0);
	assert_string_equal(doc.area, "");
	ok("911156198506070014", ID_FOREIGN_PR, ID_FOREIGN_PR, "911156198506070014");
	bad("911156198506070015", ID_NONE, "people.id_check");
	bad("911156198506070014", ID_RESIDENT, "people.id_kind");
	bad("140406199001011230", ID_FOREIGN_PR, "people.id_kind");
	/* 2017: 3 letters and 12 digits, only the shape is checked */
	ok("USA110185060701", ID_NONE, ID_FOREIGN_PR, "USA110185060701");
	assert_string_equal(doc.birth, "");
	ok("usa110185060701", ID_FOREIGN_PR, ID_FOREIGN_PR, "USA110185060701");
	bad("US1110185060701", ID_FOREIGN_PR, "people.id_chars");
	bad("USA11018506070", ID_FOREIGN_PR, "people.id_length");
}

static void test_passport(void **state)
{
	(void)state;
	ok("E12345678", ID_NONE, ID_PASSPORT, "E12345678");
	assert_string_equal(doc.birth, "");
	assert_int_equal(doc.sex, 0);
	ok("e12345678", ID_PASSPORT, ID_PASSPORT, "E12345678");
	ok("123456789", ID_PASSPORT, ID_PASSPORT, "123456789");
	ok("E1234", ID_PASSPORT, ID_PASSPORT, "E1234");
	ok("AB1234567890123456CD", ID_NONE, ID_PASSPORT, "AB1234567890123456CD");
	bad("E123", ID_PASSPORT, "people.id_length");
	bad("AB1234567890123456CDE", ID_PASSPORT, "people.id_length");
	bad("E1234-567", ID_PASSPORT, "people.id_chars");
	bad("140406199001011230", ID_PASSPORT, "people.id_kind");
	/* digits only, without a kind: an identity number of the wrong length */
	bad("123456789", ID_NONE, "people.id_length");
}

static void test_errors(void **state)
{
	(void)state;
	bad("", ID_NONE, "people.id_empty");
	bad(" \t\xE3\x80\x80", ID_RESIDENT, "people.id_empty");
	bad(NULL, ID_NONE, "people.id_empty");
	bad("1404061990010112", ID_NONE, "people.id_length");
	bad("1404061990010112300", ID_NONE, "people.id_length");
	bad("1404061990010112301234567890123456789012345", ID_NONE, "people.id_length");
	bad("14040619900101123A", ID_NONE, "people.id_chars");
	bad("140406199O01011230", ID_NONE, "people.id_chars");
	bad("张三", ID_NONE, "people.id_chars");
	bad("140406\xFF"
	    "199001011230",
	    ID_NONE, "people.id_chars");
	bad("140406-19900101-1230", ID_NONE, "people.id_chars");
	bad("140406199001011230", (enum id_kind)99, "people.id_kind");
	/* the caller's clock is the caller's bug: a 500 */
	err_clear(&e);
	assert_int_equal(idno_parse("140406199001011230", ID_NONE, "2026-02-30", "f", &doc, &e),
	                 -1);
	assert_int_equal(e.status, 500);
	assert_int_equal(idno_parse("140406199001011230", ID_NONE, NULL, "f", &doc, &e), -1);
	assert_int_equal(e.status, 500);
	/* on an error the normalized text stays for the caller's report */
	bad("１４０４０６１９９００１０１１２３１", ID_NONE, "people.id_check");
	assert_string_equal(doc.norm, "140406199001011231");
}

static void test_kind_names(void **state)
{
	(void)state;
	static const enum id_kind kinds[] = { ID_RESIDENT,  ID_RESIDENT15, ID_HKMO_PERMIT,
		                              ID_TW_PERMIT, ID_FOREIGN_PR, ID_PASSPORT };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		assert_int_equal(idno_kind_from_name(idno_kind_name(kinds[i])), kinds[i]);
	assert_string_equal(idno_kind_name(ID_RESIDENT), "resident");
	assert_string_equal(idno_kind_name(ID_HKMO_PERMIT), "hkmo_permit");
	assert_string_equal(idno_kind_name(ID_NONE), "");
	assert_string_equal(idno_kind_name((enum id_kind)42), "");
	assert_int_equal(idno_kind_from_name("Resident"), ID_NONE);
	assert_int_equal(idno_kind_from_name(""), ID_NONE);
	assert_int_equal(idno_kind_from_name(NULL), ID_NONE);
}

static void test_age_on(void **state)
{
	(void)state;
	assert_int_equal(age_on("1990-01-01", "2026-11-29"), 36);
	assert_int_equal(age_on("1966-05-10", "2026-05-09"), 59);
	assert_int_equal(age_on("1966-05-10", "2026-05-10"), 60); /* on the birthday */
	assert_int_equal(age_on("1966-05-10", "2026-05-11"), 60);
	assert_int_equal(age_on("2026-11-29", "2026-11-29"), 0);
	/* born on 29 February: a year older on 1 March in common years */
	assert_int_equal(age_on("2000-02-29", "2001-02-28"), 0);
	assert_int_equal(age_on("2000-02-29", "2001-03-01"), 1);
	assert_int_equal(age_on("2000-02-29", "2004-02-29"), 4);
	assert_int_equal(age_on("2026-11-30", "2026-11-29"), -1); /* not born yet */
	assert_int_equal(age_on("1990-02-30", "2026-11-29"), -1);
	assert_int_equal(age_on("1990-01-01", "2026-13-01"), -1);
	assert_int_equal(age_on("19900101", "2026-11-29"), -1);
	assert_int_equal(age_on(NULL, "2026-11-29"), -1);
	assert_int_equal(age_on("1990-01-01", NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_char), cmocka_unit_test(test_resident),
		cmocka_unit_test(test_dates),      cmocka_unit_test(test_check),
		cmocka_unit_test(test_mangled),    cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_resident15), cmocka_unit_test(test_permits),
		cmocka_unit_test(test_foreign),    cmocka_unit_test(test_passport),
		cmocka_unit_test(test_errors),     cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_age_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
