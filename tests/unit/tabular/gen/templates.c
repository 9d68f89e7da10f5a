/*
 * templates.c - writes the export templates the tests upload (make-fixtures runs it): the
 * forms superiors send, as a spreadsheet program lays them out.
 *   template-people.xlsx  a title with {place} and {month} merged over the width, a 填报单位
 *                         row, a two-row merged header (基本信息/姓名 …), 序号, 人员类别
 *   template-rollup.xlsx  各村人口统计表: 村/社区, 户数, 人数, 60岁以上人数, 低保 (a tag)
 *   template-nohead.xlsx  a title and numbers only: no header row
 */
#include <stdio.h>

#include <xlsxwriter.h>

static void people(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/template-people.xlsx", dir);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "花名册");
	lxw_format *b = workbook_add_format(wb);
	format_set_bold(b);
	format_set_align(b, LXW_ALIGN_CENTER);
	worksheet_merge_range(ws, 0, 0, 0, 7, "{place}重点人群花名册（{month}）", b);
	worksheet_write_string(ws, 1, 0, "填报单位：{place}", NULL);
	worksheet_write_string(ws, 1, 6, "填报日期：{date}", NULL);
	worksheet_merge_range(ws, 2, 0, 3, 0, "序号", b);
	worksheet_merge_range(ws, 2, 1, 2, 3, "基本信息", b);
	worksheet_write_string(ws, 3, 1, "姓名", b);
	worksheet_write_string(ws, 3, 2, "性别", b);
	worksheet_write_string(ws, 3, 3, "年龄", b);
	worksheet_merge_range(ws, 2, 4, 3, 4, "身份证号", b);
	worksheet_merge_range(ws, 2, 5, 3, 5, "村/社区", b);
	worksheet_merge_range(ws, 2, 6, 3, 6, "人员类别", b);
	worksheet_merge_range(ws, 2, 7, 3, 7, "帮扶措施", b);
	workbook_close(wb);
}

static void rollup(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/template-rollup.xlsx", dir);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "统计表");
	lxw_format *b = workbook_add_format(wb);
	format_set_bold(b);
	worksheet_merge_range(ws, 0, 0, 0, 5, "{place}各村人口统计表（{year}年）", b);
	const char *heads[] = { "序号", "村/社区", "户数", "人数", "60岁以上人数", "低保" };
	for (int i = 0; i < 6; i++)
		worksheet_write_string(ws, 1, (lxw_col_t)i, heads[i], b);
	workbook_close(wb);
}

static void nohead(const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/template-nohead.xlsx", dir);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "统计", NULL);
	for (int r = 1; r < 4; r++)
		for (int c = 0; c < 4; c++)
			worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, r * c, NULL);
	workbook_close(wb);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	people(dir);
	rollup(dir);
	nohead(dir);
	return 0;
}
