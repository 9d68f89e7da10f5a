/*
 * header.c - unit tests of src/tabular/header.c: title rows, one-row and two-row headers
 * (with merges, and without as a CSV leaves them), the 序号 column, summary and blank
 * rows, names cleaned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "tabular/tabular.h"
#include "core/banned.h"

#define MAXR 12
#define MAXC 8

static struct tab_row rows[MAXR];
static struct tab_cell cells[MAXR][MAXC];

/* row r from '|'-separated texts (in A); a text of digits becomes a number cell */
static struct arena *A;

static void set_row(int r, const char *spec)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", spec);
	int n = 0, last = 0;
	char *p = buf;
	for (;;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		struct tab_cell *c = &cells[r][n];
		memset(c, 0, sizeof(*c));
		c->row = r;
		c->col = n;
		c->text = arena_strdup(A, p);
		if (*p)
			c->kind = strspn(p, "0123456789") == strlen(p) ? TAB_NUMBER : TAB_TEXT;
		if (*p)
			last = n + 1;
		n++;
		if (!bar || n == MAXC)
			break;
		p = bar + 1;
	}
	rows[r].row = r;
	rows[r].n = last;
	rows[r].cells = cells[r];
}

static void test_simple(void **state)
{
	struct arena *a = *state;
	A = a;
	set_row(0, "序号|姓名|性别|身份证号");
	set_row(1, "1|张三|男|140406199001011230");
	set_row(2, "2|李四|女|140406199001011249");
	struct tab_header h;
	tab_header_find(a, rows, 3, NULL, 0, &h);
	assert_int_equal(h.found, 1);
	assert_int_equal(h.first, 0);
	assert_int_equal(h.nrows, 1);
	assert_int_equal(h.data_first, 1);
	assert_int_equal(h.ncols, 4);
	assert_int_equal(h.seq_col, 0);
	assert_string_equal(h.names[3], "身份证号");
	assert_int_equal(h.title_rows, 0);
}

static void test_title_rows(void **state)
{
	struct arena *a = *state;
	A = a;
	set_row(0, "某某村人口信息登记表");
	set_row(1, "填报单位：某某村|||填报日期：2024年5月");
	set_row(2, "");
	set_row(3, "序 号|姓  名|性别|出生日期|联系\n电话");
	set_row(4, "1|张三|男|1990-01-01|13812345678");
	set_row(5, "2|李四|女|1991-02-03|");
	/* the title merged over the width: still one text */
	struct tab_merge m[] = { { 0, 0, 0, 4 } };
	struct tab_header h;
	tab_header_find(a, rows, 6, m, 1, &h);
	assert_int_equal(h.found, 1);
	assert_int_equal(h.first, 3);
	assert_int_equal(h.data_first, 4);
	assert_int_equal(h.title_rows, 2);
	assert_int_equal(h.seq_col, 0);
	assert_string_equal(h.names[0], "序号");
	assert_string_equal(h.names[1], "姓名");
	assert_string_equal(h.names[4], "联系电话");
}

static void test_two_rows_merged(void **state)
{
	struct arena *a = *state;
	A = a;
	set_row(0, "人口登记表");
	set_row(1, "序号|姓名|联系方式||住址");
	set_row(2, "||手机|固话|");
	set_row(3, "1|张三|13812345678|0355-1234567|某村1号");
	/* the title over A1:E1; 序号, 姓名, 住址 merged down; 联系方式 over C2:D2 */
	struct tab_merge m[] = {
		{ 0, 0, 0, 4 }, { 1, 0, 2, 0 }, { 1, 1, 2, 1 }, { 1, 2, 1, 3 }, { 1, 4, 2, 4 },
	};
	struct tab_header h;
	tab_header_find(a, rows, 4, m, 5, &h);
	assert_int_equal(h.found, 1);
	assert_int_equal(h.first, 1);
	assert_int_equal(h.nrows, 2);
	assert_int_equal(h.data_first, 3);
	assert_int_equal(h.ncols, 5);
	assert_string_equal(h.names[0], "序号");
	assert_string_equal(h.names[1], "姓名");
	assert_string_equal(h.names[2], "联系方式/手机");
	assert_string_equal(h.names[3], "联系方式/固话");
	assert_string_equal(h.names[4], "住址");
	assert_int_equal(h.title_rows, 1);
}

static void test_two_rows_unmerged(void **state)
{
	struct arena *a = *state;
	A = a;
	/* the same as a CSV saved it: no merges, the gaps left empty */
	set_row(0, "人口登记表");
	set_row(1, "序号|姓名|联系方式||住址");
	set_row(2, "||手机|固话|");
	set_row(3, "1|张三|13812345678|0355-1234567|某村1号");
	struct tab_header h;
	tab_header_find(a, rows, 4, NULL, 0, &h);
	assert_int_equal(h.first, 1);
	assert_int_equal(h.nrows, 2);
	assert_string_equal(h.names[2], "联系方式/手机");
	assert_string_equal(h.names[3], "联系方式/固话");
	assert_string_equal(h.names[4], "住址");
	/* a text data row under a one-row header is not a second header row */
	set_row(0, "姓名|性别|住址|备注");
	set_row(1, "张三|男|某村1号|");
	set_row(2, "李四|女|某村2号|低保");
	tab_header_find(a, rows, 3, NULL, 0, &h);
	assert_int_equal(h.first, 0);
	assert_int_equal(h.nrows, 1);
	assert_int_equal(h.data_first, 1);
	assert_int_equal(h.seq_col, -1);
}

static void test_none(void **state)
{
	struct arena *a = *state;
	A = a;
	set_row(0, "1|2|3");
	set_row(1, "4|5|6");
	struct tab_header h;
	tab_header_find(a, rows, 2, NULL, 0, &h);
	assert_int_equal(h.found, 0);
	tab_header_find(a, rows, 0, NULL, 0, &h);
	assert_int_equal(h.found, 0);
}

static void test_summary_blank(void **state)
{
	A = *state;
	set_row(0, "合计|||12");
	assert_true(tab_row_is_summary(&rows[0]));
	set_row(0, "|合  计||12");
	assert_true(tab_row_is_summary(&rows[0]));
	set_row(0, "填表人：张三||审核人：李四");
	assert_true(tab_row_is_summary(&rows[0]));
	set_row(0, "|　制表：王五");
	assert_true(tab_row_is_summary(&rows[0]));
	set_row(0, "5|张三|男|负责人");
	assert_false(tab_row_is_summary(&rows[0]));
	set_row(0, "   ||");
	assert_true(tab_row_is_blank(&rows[0]));
	set_row(0, "");
	assert_true(tab_row_is_blank(&rows[0]));
	set_row(0, "|x");
	assert_false(tab_row_is_blank(&rows[0]));
}

static void test_clean(void **state)
{
	struct arena *a = *state;
	A = a;
	assert_string_equal(tab_clean_name(a, " 姓  名 "), "姓名");
	assert_string_equal(tab_clean_name(a, "联系\r\n电话"), "联系电话");
	assert_string_equal(tab_clean_name(a, "ID   No"), "ID No");
	assert_string_equal(tab_clean_name(a, "身份证号　（18位）"), "身份证号（18位）");
	assert_string_equal(tab_clean_name(a, ""), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_simple, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_title_rows, unit_arena_setup,
		                                unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_two_rows_merged, unit_arena_setup,
		                                unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_two_rows_unmerged, unit_arena_setup,
		                                unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_none, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_summary_blank, unit_arena_setup,
		                                unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_clean, unit_arena_setup, unit_arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
