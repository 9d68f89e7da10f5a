/*
 * readers.c - unit tests of the readers (src/tabular/{tabular,csv,xlsx,xls}.c) over the
 * fixtures of tests/unit/tabular/files/ (made by gen/make-fixtures): detection, encodings,
 * delimiters, sheets, merges, cell kinds, dates, and what is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../unit.h"

#include "tabular/impl.h"
#include "tabular/tabular.h"
#include "core/banned.h"

#define FILES "tests/unit/tabular/files/"

static struct tab_book *open_ok(struct arena *a, const char *name)
{
	struct tab_book *b = NULL;
	struct err e;
	err_clear(&e);
	if (tab_open(a, name, &b, &e))
		fail_msg("%s: %s: %s", name, e.code, e.msg);
	return b;
}

static void open_bad(struct arena *a, const void *data, size_t n, const char *code, const char *msg)
{
	struct tab_book *b = NULL;
	struct err e;
	err_clear(&e);
	if (!tab_open_mem(a, data, n, &b, &e))
		fail_msg("'%.20s' opened as %s", (const char *)data, tab_format_name(b->format));
	assert_string_equal(e.code, code);
	assert_contains(e.msg, msg);
	assert_int_equal(e.status, 400);
}

static const struct tab_cell *at(const struct tab_row *rows, int n, int row, int col)
{
	for (int i = 0; i < n; i++)
		if (rows[i].row == row)
			return col < rows[i].n ? &rows[i].cells[col] : NULL;
	return NULL;
}

static void cell_is(const struct tab_row *rows, int n, int row, int col, enum tab_kind k,
                    const char *text)
{
	const struct tab_cell *c = at(rows, n, row, col);
	char a1[16];
	if (!c)
		fail_msg("no cell %s", tab_a1(row, col, a1));
	if (c->kind != k || strcmp(c->text, text))
		fail_msg("%s is %s '%s', not %s '%s'", tab_a1(row, col, a1), tab_kind_name(c->kind),
		         c->text, tab_kind_name(k), text);
}

/* the three CSV fixtures hold the same table */
static void csv_same(struct arena *a, const char *name, enum tab_encoding enc)
{
	struct tab_book *b = open_ok(a, name);
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(b->format, TAB_CSV);
	assert_int_equal(b->encoding, enc);
	assert_int_equal(b->delim, ',');
	assert_int_equal(b->nsheets, 1);
	assert_int_equal(b->sheets[0].rows, 11);
	assert_int_equal(b->sheets[0].cols, 6);
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	assert_int_equal(n, 11);
	cell_is(rows, n, 0, 0, TAB_TEXT, "某某村常住人口登记表");
	assert_int_equal(rows[0].n, 1); /* trailing empty cells left out */
	cell_is(rows, n, 4, 3, TAB_TEXT, "1990年1月1日");
	cell_is(rows, n, 5, 1, TAB_TEXT, "李\"四");
	assert_int_equal(rows[6].n, 0); /* ",,,,," is blank */
	cell_is(rows, n, 8, 1, TAB_TEXT, "住址\n换行");
	assert_true(at(rows, n, 7, 1)->flags & TAB_SUBST); /* 王?明 */
	assert_false(at(rows, n, 4, 1)->flags & TAB_SUBST);
	struct tab_header h;
	tab_header_find(a, rows, n, NULL, 0, &h);
	assert_int_equal(h.first, 2);
	assert_int_equal(h.nrows, 2);
	assert_string_equal(h.names[4], "联系方式/手机");
	assert_string_equal(h.names[5], "联系方式/固话");
	assert_true(tab_row_is_summary(&rows[9]));
	assert_true(tab_row_is_summary(&rows[10]));
}

static void test_csv(void **state)
{
	struct arena *a = *state;
	csv_same(a, FILES "people.csv", TAB_UTF8);
	csv_same(a, FILES "people-bom.csv", TAB_UTF8_BOM);
	csv_same(a, FILES "people-gbk.csv", TAB_GB18030);
	struct tab_book *b = open_ok(a, FILES "semicolon.csv");
	assert_int_equal(b->delim, ';');
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	cell_is(rows, n, 1, 2, TAB_TEXT, "a;b");
	b = open_ok(a, FILES "tab.tsv");
	assert_int_equal(b->delim, '\t');
	assert_int_equal(b->sheets[0].rows, 3); /* no line break at the end */
}

static void test_csv_lost(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = open_ok(a, FILES "lost-gbk.csv");
	assert_int_equal(b->encoding, TAB_GB18030);
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_true(at(rows, n, 1, 0)->flags & TAB_SUBST); /* U+E000 */
	cell_is(rows, n, 2, 0, TAB_TEXT, "张\xEF\xBF\xBD");
	assert_true(at(rows, n, 2, 0)->flags & TAB_LOST);
	cell_is(rows, n, 2, 1, TAB_TEXT, "无此字");
}

static void test_csv_mem(void **state)
{
	struct arena *a = *state;
	static const char text[] = "a,b\r\n\"x\ny\",\"q\"\"\"\r\nlast,\"\"";
	struct tab_book *b;
	struct err e;
	assert_int_equal(tab_open_mem(a, text, sizeof(text) - 1, &b, &e), 0);
	assert_int_equal(b->sheets[0].rows, 3);
	struct tab_row *rows;
	int n;
	assert_int_equal(tab_head(b, 0, 2, a, &rows, &n, &e), 0);
	assert_int_equal(n, 2); /* stopped at 2 */
	cell_is(rows, n, 1, 0, TAB_TEXT, "x\ny");
	cell_is(rows, n, 1, 1, TAB_TEXT, "q\"");
	static const char open_quote[] = "a,b\n1,\"never\n2,3\n";
	struct tab_book *b2;
	err_clear(&e);
	assert_int_equal(tab_open_mem(a, open_quote, sizeof(open_quote) - 1, &b2, &e), -1);
	assert_string_equal(e.code, "import.csv_quote");
	assert_string_equal(e.field, "B2");
}

static void test_xlsx(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = open_ok(a, FILES "people.xlsx");
	assert_int_equal(b->format, TAB_XLSX);
	assert_int_equal(b->nsheets, 2);
	assert_string_equal(b->sheets[0].name, "人口");
	assert_string_equal(b->sheets[1].name, "说明");
	assert_int_equal(b->sheets[0].rows, 11);
	assert_int_equal(b->sheets[0].nmerges, 7);
	assert_int_equal(b->date1904, 0);
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	assert_int_equal(n, 10); /* row 8 is not in the file */
	cell_is(rows, n, 4, 3, TAB_DATE, "1990-01-01");
	assert_true(at(rows, n, 4, 3)->num == 32874);
	cell_is(rows, n, 5, 3, TAB_DATE, "1991-02-04"); /* yyyy"年"m"月"d"日" */
	cell_is(rows, n, 4, 2, TAB_TEXT, "140406199001011230");
	cell_is(rows, n, 5, 2, TAB_NUMBER, "1.404061990010112E+17");
	cell_is(rows, n, 4, 6, TAB_TEXT, "36");
	cell_is(rows, n, 5, 4, TAB_NUMBER, "13912345678");
	const struct tab_sheet *s = &b->sheets[0];
	struct tab_header h;
	tab_header_find(a, rows, n, s->merges, s->nmerges, &h);
	assert_int_equal(h.first, 2);
	assert_int_equal(h.nrows, 2);
	assert_int_equal(h.data_first, 4);
	assert_int_equal(h.seq_col, 0);
	assert_string_equal(h.names[1], "姓名");
	assert_string_equal(h.names[4], "联系方式/手机");
	assert_string_equal(h.names[6], "年龄");
	assert_int_equal(tab_head(b, 1, 20, a, &rows, &n, &e), 0);
	cell_is(rows, n, 1, 0, TAB_BOOL, "TRUE");
	err_clear(&e);
	assert_int_equal(tab_rows(b, 2, NULL, NULL, &e), -1);
	assert_string_equal(e.code, "import.sheet");
}

static void test_xlsx_1904(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = open_ok(a, FILES "d1904.xlsx");
	assert_int_equal(b->date1904, 1);
	assert_int_equal(b->nsheets, 2);
	assert_int_equal(b->sheets[0].hidden, 1);
	assert_string_equal(b->sheets[1].name, "数据");
	assert_int_equal(b->sheets[1].nmerges, 1);
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(tab_head(b, 1, 20, a, &rows, &n, &e), 0);
	assert_int_equal(n, 3);
	cell_is(rows, n, 0, 2, TAB_TEXT, "月份");
	cell_is(rows, n, 2, 0, TAB_TEXT, "欧阳明 "); /* the phonetic run left out */
	cell_is(rows, n, 2, 1, TAB_DATE, "1990-01-01");
	cell_is(rows, n, 2, 2, TAB_DATE, "1990-01-01"); /* [$-804]yyyy"年"m"月" */
	cell_is(rows, n, 2, 3, TAB_NUMBER, "1234.5");   /* 0.00"元" */
	cell_is(rows, n, 2, 4, TAB_BOOL, "TRUE");
	cell_is(rows, n, 2, 5, TAB_NUMBER, "0.5");
	assert_true(at(rows, n, 2, 5)->flags & TAB_TIME);
	cell_is(rows, n, 2, 7, TAB_TEXT, "欧阳明 ");
	cell_is(rows, n, 3, 0, TAB_TEXT, "无引用"); /* cells and rows without r= */
	cell_is(rows, n, 3, 1, TAB_NUMBER, "7");
}

static void test_xls(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = open_ok(a, FILES "people.xls");
	assert_int_equal(b->format, TAB_XLS);
	assert_int_equal(b->nsheets, 2);
	assert_string_equal(b->sheets[0].name, "花名册");
	assert_int_equal(b->sheets[0].rows, 7);
	struct tab_row *rows;
	int n;
	struct err e;
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	cell_is(rows, n, 0, 0, TAB_TEXT, "人口花名册");
	cell_is(rows, n, 3, 3, TAB_DATE, "1990-01-01");
	cell_is(rows, n, 3, 4, TAB_NUMBER, "13812345678");
	cell_is(rows, n, 4, 2, TAB_NUMBER, "1.40406199001011e+17");
	cell_is(rows, n, 4, 3, TAB_TEXT, "1991.2.4");
	struct tab_header h;
	tab_header_find(a, rows, n, NULL, 0, &h);
	assert_int_equal(h.first, 2);
	assert_int_equal(h.title_rows, 1);
	assert_string_equal(h.names[2], "身份证号");
	assert_int_equal(tab_head(b, 1, 20, a, &rows, &n, &e), 0);
	cell_is(rows, n, 1, 0, TAB_NUMBER, "2.5");
	/* the same bytes from memory (freexl reads a temporary copy) */
	FILE *f = fopen(FILES "people.xls", "rb");
	assert_non_null(f);
	char *buf = arena_alloc(a, 65536);
	size_t len = fread(buf, 1, 65536, f);
	fclose(f);
	assert_int_equal(tab_open_mem(a, buf, len, &b, &e), 0);
	assert_int_equal(b->format, TAB_XLS);
	assert_int_equal(b->nsheets, 2);
}

/* a child that crashes or hangs (the test hook of xls.c) is import.corrupt, and the
 * hanging one is killed after tab_xls_seconds */
static void test_xls_child(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = NULL;
	struct err e;
	err_clear(&e);
	setenv("CUNWU_TEST_XLS_CHILD", "crash", 1);
	assert_int_equal(tab_open(a, FILES "people.xls", &b, &e), -1);
	assert_string_equal(e.code, "import.corrupt");
	assert_contains(e.msg, "crashed");
	setenv("CUNWU_TEST_XLS_CHILD", "hang", 1);
	tab_xls_seconds = 1;
	err_clear(&e);
	time_t t0 = time(NULL);
	assert_int_equal(tab_open(a, FILES "people.xls", &b, &e), -1);
	assert_true(time(NULL) - t0 < 5);
	assert_string_equal(e.code, "import.corrupt");
	assert_contains(e.msg, "over 1 seconds");
	unsetenv("CUNWU_TEST_XLS_CHILD");
	tab_xls_seconds = 30;
	/* no such program: a 500, not a crash */
	tab_xls_exe = "/nonexistent/cunwu";
	err_clear(&e);
	assert_int_equal(tab_open(a, FILES "people.xls", &b, &e), -1);
	assert_int_equal(e.status, 500);
	tab_xls_exe = NULL;
}

/* the parent trusts nothing the child writes: frames cut short or out of order */
static void test_xls_frames(void **state)
{
	struct arena *a = *state;
	struct tab_book *b = NULL;
	struct err e;
	static const char ok[] = "CXLS1B\0\1\0S\2\0\0\0\2\0\1\0s"
	                         "C\1\0\0\0\1\0T\2\0\0\0hiEZ";
	assert_int_equal(tab_open_xls_frames(a, ok, sizeof(ok) - 1, &b, &e), 0);
	assert_int_equal(b->nsheets, 1);
	assert_string_equal(b->sheets[0].name, "s");
	struct tab_row *rows;
	int n;
	assert_int_equal(tab_head(b, 0, 20, a, &rows, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].n, 0);
	cell_is(rows, n, 1, 1, TAB_TEXT, "hi");
	for (size_t len = 0; len < sizeof(ok) - 1; len++) {
		err_clear(&e);
		assert_int_equal(tab_open_xls_frames(a, ok, len, &b, &e), -1);
		assert_string_equal(e.code, "import.corrupt");
	}
	/* a cell outside its sheet */
	static const char out[] = "CXLS1B\0\1\0S\2\0\0\0\2\0\1\0s"
	                          "C\2\0\0\0\1\0T\2\0\0\0hiEZ";
	assert_int_equal(tab_open_xls_frames(a, out, sizeof(out) - 1, &b, &e), -1);
	static const char pw[] = "CXLS1X\4\0\0\0\0";
	assert_int_equal(tab_open_xls_frames(a, pw, sizeof(pw) - 1, &b, &e), -1);
	assert_string_equal(e.code, "import.encrypted");
}

static void test_refused(void **state)
{
	struct arena *a = *state;
	open_bad(a, "", 0, "import.format", "empty");
	open_bad(a, "%PDF-1.4\n", 9, "import.format", "PDF");
	open_bad(a, "\x89PNG\r\n\x1a\n", 8, "import.format", "PNG");
	open_bad(a, "a,b\n\0\0\0", 7, "import.format", "binary");
	open_bad(a, "<html><table><tr><td>1</td></tr></table></html>", 47, "import.format", "HTML");
	open_bad(a,
	         "\xFF\xFE"
	         "a\0",
	         4, "import.format", "UTF-16");
	open_bad(a, "a\x80\x80", 3, "import.format", "neither UTF-8 nor GB18030");
	open_bad(a, "PK\x03\x04garbage", 11, "import.corrupt", "zip");
	open_bad(a, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage", 15, "import.corrupt", "xls");
	struct tab_book *b;
	struct err e;
	err_clear(&e);
	assert_int_equal(tab_open(a, FILES "no-such-file.csv", &b, &e), -1);
	assert_string_equal(e.code, "import.file");
}

static void test_a1(void **state)
{
	(void)state;
	char buf[16], col[8];
	assert_string_equal(tab_a1(0, 0, buf), "A1");
	assert_string_equal(tab_a1(11, 27, buf), "AB12");
	assert_string_equal(tab_col_name(25, col), "Z");
	assert_string_equal(tab_col_name(26, col), "AA");
	assert_string_equal(tab_col_name(16383, col), "XFD");
}

int main(int argc, char **argv)
{
	/* this binary is its own .xls reader child (tab_xls_exe is /proc/self/exe) */
	if (argc > 1 && !strcmp(argv[1], "internal"))
		return tab_xls_child(argc - 1, argv + 1);
#define T(f) cmocka_unit_test_setup_teardown(f, unit_arena_setup, unit_arena_teardown)
	const struct CMUnitTest tests[] = {
		T(test_csv),       T(test_csv_lost),
		T(test_csv_mem),   T(test_xlsx),
		T(test_xlsx_1904), T(test_xls),
		T(test_xls_child), T(test_xls_frames),
		T(test_refused),   cmocka_unit_test(test_a1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
