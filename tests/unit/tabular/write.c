/*
 * write.c - unit tests of src/tabular/write.c and template.c: formulas neutralised in both
 * formats, text cells for identity numbers, numbers where asked, merges, read back with the
 * project's own readers; a template's headers bound to fields; titles' placeholders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"

#include "tabular/tabular.h"
#include "core/banned.h"

static void test_neutralise(void **state)
{
	struct arena *a = *state;
	assert_string_equal(tab_neutralise(a, "=1+1"), "'=1+1");
	assert_string_equal(tab_neutralise(a, "+8613812345678"), "'+8613812345678");
	assert_string_equal(tab_neutralise(a, "-2+3"), "'-2+3");
	assert_string_equal(tab_neutralise(a, "@SUM(A1)"), "'@SUM(A1)");
	assert_string_equal(tab_neutralise(a, "\t=1"), "'\t=1");
	assert_string_equal(tab_neutralise(a, "\r=1"), "'\r=1");
	assert_string_equal(tab_neutralise(a, "王=1"), "王=1");
	assert_string_equal(tab_neutralise(a, ""), "");
	assert_string_equal(tab_neutralise(a, NULL), "");
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	tab_csv_field(&sb, "=HYPERLINK(\"x\",\"y\")");
	strbuf_addch(&sb, '|');
	tab_csv_field(&sb, "a,b");
	strbuf_addch(&sb, '|');
	tab_csv_field(&sb, "plain");
	assert_string_equal(sb.buf, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"|\"a,b\"|plain");
}

/* the rows of a file the writer saved, read back */
struct back {
	struct arena *a;
	struct tab_row *rows[16];
	int n;
};

static int keep(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct back *b = ctx;
	if (b->n < 16)
		b->rows[b->n++] = tab_row_copy(b->a, row);
	return 0;
}

static struct tab_book *save_and_read(struct arena *a, struct tab_writer *w, const char *ext,
                                      struct back *b)
{
	struct err e;
	err_clear(&e);
	char *path = arena_printf(a, "/tmp/cunwu-unit-write-%d.%s", (int)getpid(), ext);
	assert_int_equal(tab_writer_save(w, path, &e), 0);
	struct tab_book *book;
	assert_int_equal(tab_open(a, path, &book, &e), 0);
	b->a = a;
	b->n = 0;
	assert_int_equal(tab_rows(book, 0, keep, b, &e), 0);
	unlink(path);
	return book;
}

static const char *const heads[] = { "序号", "姓名", "公民身份号码", "年龄" };
static const double widths[] = { 6, 10, 20, 5 };

static void write_rows(struct tab_writer *w)
{
	const char *r1[] = { "1", "=cmd|' /C calc'!A0", "140406194003120016", "86" };
	const char *r2[] = { "2", "王建国", "14040619400312001X", "" };
	tab_write_list_head(w, "人口名单", heads, widths, 4);
	tab_write_row(w, r1, 4);
	tab_write_row(w, r2, 4);
	tab_write(w, tab_writer_rows(w), 3, "12", TAB_W_NUMBER);
}

static void test_xlsx(void **state)
{
	struct arena *a = *state;
	struct err e;
	err_clear(&e);
	struct tab_writer *w = tab_writer_new(a, TAB_OUT_XLSX, "人口", 1, &e);
	assert_non_null(w);
	write_rows(w);
	struct back b;
	struct tab_book *book = save_and_read(a, w, "xlsx", &b);
	assert_int_equal(book->format, TAB_XLSX);
	assert_string_equal(book->sheets[0].name, "人口");
	assert_int_equal(b.n, 5);
	assert_string_equal(b.rows[0]->cells[0].text, "人口名单");
	assert_string_equal(b.rows[1]->cells[2].text, "公民身份号码");
	/* the formula is text with an apostrophe; the identity number a text cell, whole */
	assert_int_equal(b.rows[2]->cells[1].kind, TAB_TEXT);
	assert_string_equal(b.rows[2]->cells[1].text, "'=cmd|' /C calc'!A0");
	assert_int_equal(b.rows[2]->cells[2].kind, TAB_TEXT);
	assert_string_equal(b.rows[2]->cells[2].text, "140406194003120016");
	assert_int_equal(b.rows[2]->cells[3].kind, TAB_TEXT);
	assert_string_equal(b.rows[3]->cells[2].text, "14040619400312001X");
	/* a number only where asked */
	assert_int_equal(b.rows[4]->cells[3].kind, TAB_NUMBER);
	assert_true(b.rows[4]->cells[3].num == 12);
}

static void test_csv(void **state)
{
	struct arena *a = *state;
	struct err e;
	err_clear(&e);
	struct tab_writer *w = tab_writer_new(a, TAB_OUT_CSV, "", 1, &e);
	assert_non_null(w);
	write_rows(w);
	struct back b;
	struct tab_book *book = save_and_read(a, w, "csv", &b);
	assert_int_equal(book->format, TAB_CSV);
	assert_int_equal(book->encoding, TAB_UTF8_BOM);
	assert_int_equal(b.n, 4); /* no title row in a CSV */
	assert_string_equal(b.rows[0]->cells[1].text, "姓名");
	assert_string_equal(b.rows[1]->cells[1].text, "'=cmd|' /C calc'!A0");
	assert_string_equal(b.rows[1]->cells[2].text, "140406194003120016");
	assert_string_equal(b.rows[3]->cells[3].text, "12");
}

/* a merged title and a two-row header, written where asked, read back with their merges */
static void test_merges(void **state)
{
	struct arena *a = *state;
	struct err e;
	err_clear(&e);
	struct tab_writer *w = tab_writer_new(a, TAB_OUT_XLSX, "表", 0, &e);
	assert_non_null(w);
	tab_write_merge(
	    w, 0, 0, 0, 3,
	    tab_template_title(a, "{place}花名册（{month}）", "秦家山村", "2026-11-29", "2026-11"),
	    TAB_W_BOLD);
	tab_write_merge(w, 1, 0, 2, 0, "序号", TAB_W_BOLD);
	tab_write_merge(w, 1, 1, 1, 3, "基本信息", TAB_W_BOLD);
	tab_write(w, 2, 1, "姓名", TAB_W_BOLD);
	tab_write(w, 2, 2, "性别", TAB_W_BOLD);
	tab_write(w, 2, 3, "年龄", TAB_W_BOLD);
	tab_write(w, 3, 1, "王建国", TAB_W_TEXT);
	struct back b;
	struct tab_book *book = save_and_read(a, w, "xlsx", &b);
	assert_int_equal(book->sheets[0].nmerges, 3);
	assert_string_equal(b.rows[0]->cells[0].text, "秦家山村花名册（2026年11月）");
	struct tab_header h;
	struct tab_row flat[4];
	for (int i = 0; i < 4; i++)
		flat[i] = *b.rows[i];
	tab_header_find(a, flat, 4, book->sheets[0].merges, book->sheets[0].nmerges, &h);
	assert_true(h.found);
	assert_int_equal(h.nrows, 2);
	assert_string_equal(h.names[1], "基本信息/姓名");
	assert_int_equal(h.data_first, 3);
}

static void test_template_field(void **state)
{
	struct arena *a = *state;
	const struct tab_tag_name tags[] = { { "dibao", "低保" }, { "veteran", "退役军人" } };
	assert_string_equal(tab_template_field(a, "序号", tags, 2), "seq");
	assert_string_equal(tab_template_field(a, "户数", tags, 2), "households");
	assert_string_equal(tab_template_field(a, "总人口", tags, 2), "persons");
	assert_string_equal(tab_template_field(a, "人数（人）", tags, 2), "persons");
	assert_string_equal(tab_template_field(a, "60岁以上人数", tags, 2), "age60");
	assert_string_equal(tab_template_field(a, "80周岁以上", tags, 2), "age80");
	assert_string_equal(tab_template_field(a, "未成年人", tags, 2), "minors");
	assert_string_equal(tab_template_field(a, "低保户数", tags, 2), "tag:dibao");
	assert_string_equal(tab_template_field(a, "退役军人人数", tags, 2), "tag:veteran");
	assert_string_equal(tab_template_field(a, "基本信息/姓名", tags, 2), "name");
	assert_string_equal(tab_template_field(a, "身份证号（必填）", tags, 2), "id_no");
	assert_string_equal(tab_template_field(a, "村/社区", tags, 2), "village");
	assert_string_equal(tab_template_field(a, "人员类别", tags, 2), "tags");
	assert_string_equal(tab_template_field(a, "统计/户数", tags, 2), "households");
	assert_null(tab_template_field(a, "帮扶措施", tags, 2));
	assert_null(tab_template_field(a, "", tags, 2));
	assert_true(tab_template_measure("tag:dibao"));
	assert_true(tab_template_measure("age60"));
	assert_false(tab_template_measure("name"));
	assert_false(tab_template_measure(NULL));
	assert_true(tab_template_field_known("note", tags, 2));
	assert_true(tab_template_field_known("tag:veteran", tags, 2));
	assert_false(tab_template_field_known("tag:nosuch", tags, 2));
	assert_false(tab_template_field_known("salary", tags, 2));
	assert_false(tab_template_field_known("hukou_no", tags, 2)); /* bound, never filled */
}

static void test_title(void **state)
{
	struct arena *a = *state;
	assert_string_equal(
	    tab_template_title(a, "{place}{year}年报表", "微子镇", "2026-11-29", "2026-01"),
	    "微子镇2026年报表");
	assert_string_equal(
	    tab_template_title(a, "填报日期：{date}，{month}", "x", "2026-11-29", "2026-11"),
	    "填报日期：2026-11-29，2026年11月");
	assert_string_equal(tab_template_title(a, "无占位 {other}", "x", "d", "2026-11"),
	                    "无占位 {other}");
	enum tab_out f;
	struct err e;
	err_clear(&e);
	assert_int_equal(tab_out_format(NULL, &f, &e), 0);
	assert_int_equal(f, TAB_OUT_XLSX);
	assert_int_equal(tab_out_format("csv", &f, &e), 0);
	assert_int_equal(f, TAB_OUT_CSV);
	assert_int_equal(tab_out_format("pdf", &f, &e), -1);
	assert_string_equal(e.code, "export.format");
	assert_string_equal(e.field, "format");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, unit_arena_setup, unit_arena_teardown)
	const struct CMUnitTest tests[] = {
		T(test_neutralise), T(test_xlsx),           T(test_csv),
		T(test_merges),     T(test_template_field), T(test_title),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
