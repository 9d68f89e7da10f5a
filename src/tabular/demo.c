/*
 * demo.c - the demo town's report templates: two forms the county asks of 微子镇 every
 * month, written as a spreadsheet program lays them out and added as a cadre uploads them
 * (tab_template_add_file): 各村人口统计表 (one row a village: households, persons, the old,
 * 低保 households) and 重点人群花名册 (the people of a search under a two-row header).
 */
#include "tabular.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/banned.h"

/* the form written to a temporary file by the export writer itself */
static int demo_form(struct db *db, const struct actor *who, struct arena *a, const char *town,
                     const char *name, int two_rows, const char *const *heads, int n, struct err *e)
{
	struct tab_writer *w = tab_writer_new(a, TAB_OUT_XLSX, "报表", 0, e);
	if (!w)
		return -1;
	tab_write_merge(w, 0, 0, 0, n - 1,
	                two_rows ? "{place}重点人群花名册（{month}）"
	                         : "{place}各村人口统计表（{month}）",
	                TAB_W_BOLD);
	for (int c = 0; c < n; c++) {
		const char *slash = strchr(heads[c], '/');
		if (!two_rows)
			tab_write(w, 1, c, heads[c], TAB_W_BOLD);
		else if (!slash)
			tab_write_merge(w, 1, c, 2, c, heads[c], TAB_W_BOLD);
		else {
			if (c == 0 ||
			    strncmp(heads[c - 1], heads[c], (size_t)(slash - heads[c]) + 1)) {
				int last = c;
				while (last + 1 < n && !strncmp(heads[last + 1], heads[c],
				                                (size_t)(slash - heads[c]) + 1))
					last++;
				tab_write_merge(
				    w, 1, c, 1, last,
				    arena_strndup(a, heads[c], (size_t)(slash - heads[c])),
				    TAB_W_BOLD);
			}
			tab_write(w, 2, c, slash + 1, TAB_W_BOLD);
		}
	}
	/* named as a cadre's file would be: 各村人口统计表.xlsx */
	char *dir = arena_strdup(a, "/tmp/cunwu-demo-XXXXXX");
	if (!mkdtemp(dir))
		return err_internal(e, "cannot make a temporary folder in /tmp");
	char *path = arena_printf(a, "%s/%s.xlsx", dir, name);
	const char *id;
	int rc = tab_writer_save(w, path, e) ||
	         tab_template_add_file(db, a, who, path, name, town, NULL, &id, e);
	unlink(path);
	rmdir(dir);
	return rc ? -1 : 0;
}

int tabular_demo(struct db *db, const struct actor *who, struct arena *a, const char *town,
                 struct err *e)
{
	static const char *const rollup[] = { "序号",         "村/社区",      "户数",    "人数",
		                              "60岁以上人数", "80岁以上人数", "低保户数" };
	static const char *const people[] = { "序号",          "基本信息/姓名", "基本信息/性别",
		                              "基本信息/年龄", "身份证号",      "村/社区",
		                              "人员类别",      "联系电话" };
	return demo_form(db, who, a, town, "各村人口统计表", 0, rollup, 7, e) ||
	               demo_form(db, who, a, town, "重点人群花名册", 1, people, 8, e)
	           ? -1
	           : 0;
}
