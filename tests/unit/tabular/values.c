/*
 * values.c - unit tests of src/tabular/values.c: Excel serial dates (the 1900 leap-year bug,
 * the 1904 system), dates written as text, numbers stored as text, text stored as numbers,
 * and identity numbers Excel mangled (synthetic numbers of Lucheng, check characters
 * computed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "tabular/tabular.h"
#include "core/banned.h"

#define TODAY "2026-11-29"

static void serial(double s, int d1904, const char *want)
{
	char out[11];
	if (!want) {
		if (!tab_date_from_serial(s, d1904, out))
			fail_msg("serial %g (1904: %d) gave %s, not an error", s, d1904, out);
		return;
	}
	if (tab_date_from_serial(s, d1904, out))
		fail_msg("serial %g (1904: %d) refused, not %s", s, d1904, want);
	assert_string_equal(out, want);
}

static void test_serial(void **state)
{
	(void)state;
	serial(1, 0, "1900-01-01");
	serial(59, 0, "1900-02-28");
	serial(60, 0, NULL); /* the 29 February 1900 Excel invents */
	serial(61, 0, "1900-03-01");
	serial(25569, 0, "1970-01-01");
	serial(32874, 0, "1990-01-01");
	serial(32874.75, 0, "1990-01-01"); /* the time of day dropped */
	serial(36585, 0, "2000-02-29");
	serial(2958465, 0, "9999-12-31");
	serial(2958466, 0, NULL);
	serial(0, 0, NULL);
	serial(-1, 0, NULL);
	serial(0, 1, "1904-01-01");
	serial(31412, 1, "1990-01-01"); /* 1462 days fewer than the 1900 system */
	serial(0.0 / 0.0, 0, NULL);
}

static void text(const char *s, const char *want)
{
	char out[11];
	if (!want) {
		if (!tab_date_parse(s, out))
			fail_msg("'%s' gave %s, not an error", s, out);
		return;
	}
	if (tab_date_parse(s, out))
		fail_msg("'%s' refused, not %s", s, want);
	assert_string_equal(out, want);
}

static void test_date_text(void **state)
{
	(void)state;
	text("1990-01-01", "1990-01-01");
	text("1990-1-1", "1990-01-01");
	text("1990/1/1", "1990-01-01");
	text("1990.1.1", "1990-01-01");
	text("1990.12.31", "1990-12-31");
	text("1990年1月1日", "1990-01-01");
	text("1990年12月3", "1990-12-03");
	text(" 19900101 ", "1990-01-01");
	text("１９９０年１月１日", "1990-01-01"); /* full-width digits */
	text("1990-01-01 00:00:00", "1990-01-01");
	text("2000-02-29", "2000-02-29");
	text("1900-02-29", NULL);
	text("1990-02-30", NULL);
	text("1990.13.1", NULL);
	text("1990/1-1", NULL); /* separators that differ */
	text("1899-12-31", NULL);
	text("19900230", NULL);
	text("1990年1月", NULL);
	text("1990", NULL);
	text("", NULL);
	text("张三", NULL);
	text("1990-01-01x", NULL);
}

static struct tab_cell cell(enum tab_kind k, const char *t, double num)
{
	struct tab_cell c;
	memset(&c, 0, sizeof(c));
	c.kind = k;
	c.text = t;
	c.num = num;
	return c;
}

static void test_cell_date(void **state)
{
	(void)state;
	char out[11];
	struct tab_cell c = cell(TAB_NUMBER, "32874", 32874);
	assert_int_equal(tab_cell_date(&c, 0, out), 0);
	assert_string_equal(out, "1990-01-01");
	c = cell(TAB_NUMBER, "19900101", 19900101);
	assert_int_equal(tab_cell_date(&c, 0, out), 0);
	assert_string_equal(out, "1990-01-01");
	c = cell(TAB_TEXT, "32874", 0); /* a serial stored as text */
	assert_int_equal(tab_cell_date(&c, 0, out), 0);
	assert_string_equal(out, "1990-01-01");
	c = cell(TAB_TEXT, "1990.1.1", 0);
	assert_int_equal(tab_cell_date(&c, 0, out), 0);
	assert_string_equal(out, "1990-01-01");
	c = cell(TAB_DATE, "1990-01-01", 32874);
	memcpy(c.date, "1990-01-01", 11);
	assert_int_equal(tab_cell_date(&c, 0, out), 0);
	assert_string_equal(out, "1990-01-01");
	c = cell(TAB_TEXT, "不详", 0);
	assert_int_equal(tab_cell_date(&c, 0, out), -1);
	c = cell(TAB_EMPTY, "", 0);
	assert_int_equal(tab_cell_date(&c, 0, out), -1);
}

static void num(const char *s, int ok, double want)
{
	double d = -1;
	int rc = tab_number_parse(s, &d);
	if (ok && rc)
		fail_msg("'%s' refused, not %g", s, want);
	if (!ok && !rc)
		fail_msg("'%s' gave %g, not an error", s, d);
	if (ok)
		assert_true(d == want);
}

static void test_number(void **state)
{
	(void)state;
	num("12", 1, 12);
	num(" -3.5 ", 1, -3.5);
	num("+7", 1, 7);
	num("1,234.5", 1, 1234.5);
	num("1,234,567", 1, 1234567);
	num("１２３", 1, 123);
	num("1.5E+3", 1, 1500);
	num("12,34", 0, 0);
	num("1234,567", 0, 0);
	num("12 户", 0, 0);
	num("", 0, 0);
	num("-", 0, 0);
	num("1.2.3", 0, 0);
	num("0x10", 0, 0);
	num("inf", 0, 0);
	num("nan", 0, 0);
	struct tab_cell c = cell(TAB_TEXT, "2,000", 0);
	double d;
	assert_int_equal(tab_cell_number(&c, &d), 0);
	assert_true(d == 2000);
	c = cell(TAB_BOOL, "TRUE", 1);
	assert_int_equal(tab_cell_number(&c, &d), -1);
}

static void test_cell_text(void **state)
{
	struct arena *a = *state;
	struct tab_cell c = cell(TAB_NUMBER, "13812345678", 13812345678.0);
	assert_string_equal(tab_cell_text(a, &c), "13812345678");
	c = cell(TAB_NUMBER, "1.3812345678E10", 13812345678.0);
	assert_string_equal(tab_cell_text(a, &c), "13812345678");
	c = cell(TAB_NUMBER, "12.5", 12.5);
	assert_string_equal(tab_cell_text(a, &c), "12.5");
	c = cell(TAB_NUMBER, "1.40406194003E+17", 1.40406194003e17);
	assert_string_equal(tab_cell_text(a, &c), "1.40406194003E+17");
	c = cell(TAB_TEXT, "张三", 0);
	assert_string_equal(tab_cell_text(a, &c), "张三");
}

static void id_bad(struct tab_cell c, const char *code)
{
	struct id_doc doc;
	struct err e;
	err_clear(&e);
	if (!tab_idno_check(&c, TODAY, "C5", &doc, &e))
		fail_msg("'%s' (kind %d) accepted", c.text, c.kind);
	if (strcmp(e.code, code))
		fail_msg("'%s': %s (%s), not %s", c.text, e.code, e.msg, code);
	assert_string_equal(e.field, "C5");
	assert_int_equal(e.status, 400);
}

static void test_idno(void **state)
{
	(void)state;
	struct id_doc doc;
	struct err e;
	/* as text: fine */
	struct tab_cell c = cell(TAB_TEXT, "140406199001011230", 0);
	assert_int_equal(tab_idno_check(&c, TODAY, "C5", &doc, &e), 0);
	assert_string_equal(doc.birth, "1990-01-01");
	/* an 18-digit number stored as a number: the last three digits are gone */
	id_bad(cell(TAB_NUMBER, "140406199001011000", 140406199001011000.0), "import.id_number");
	id_bad(cell(TAB_NUMBER, "1.40406199001011E+17", 1.40406199001011e17), "import.id_number");
	/* the number shown in a narrow column, typed or pasted as text */
	id_bad(cell(TAB_TEXT, "1.40406E+17", 0), "import.id_scientific");
	id_bad(cell(TAB_TEXT, " 1.40406199E+17 ", 0), "import.id_scientific");
	id_bad(cell(TAB_NUMBER, "1.40406E+13", 1.40406e13), "import.id_scientific");
	/* text copied out of a number cell: 18 digits ending 000, the check fails */
	id_bad(cell(TAB_TEXT, "140406194003120000", 0), "import.id_number");
	/* a real number ending 000 (check 0) is fine */
	c = cell(TAB_TEXT, "140406199001061000", 0);
	assert_int_equal(tab_idno_check(&c, TODAY, "C5", &doc, &e), 0);
	/* a 15-digit old card as a number is exact */
	c = cell(TAB_NUMBER, "140406900101123", 140406900101123.0);
	assert_int_equal(tab_idno_check(&c, TODAY, "C5", &doc, &e), 0);
	assert_int_equal(doc.kind, ID_RESIDENT15);
	assert_string_equal(doc.birth, "1990-01-01");
	/* other mistakes stay idno_parse's */
	id_bad(cell(TAB_TEXT, "140406199001011231", 0), "people.id_check");
	id_bad(cell(TAB_EMPTY, "", 0), "people.id_empty");
	id_bad(cell(TAB_NUMBER, "12345", 12345), "people.id_length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_date_text),
		cmocka_unit_test(test_cell_date),
		cmocka_unit_test(test_number),
		cmocka_unit_test_setup_teardown(test_cell_text, unit_arena_setup,
		                                unit_arena_teardown),
		cmocka_unit_test(test_idno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
