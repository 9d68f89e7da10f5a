/*
 * export.c - GET /api/v1/people/export?format=xlsx|csv&<the list's filters>: the people a
 * search or roster shows, every one, as a spreadsheet a cadre opens in Excel or WPS.
 * Identity numbers and phones are masked as in lists (an unmasked export is a reveal, and
 * is not this route). The .xlsx (libxlsxwriter) writes every value as a text cell, so an
 * identity number never becomes 1.40406E+17 and nothing is a formula; the CSV is UTF-8
 * with a BOM (Excel in China reads it so), and a cell that starts like a formula (= + - @,
 * a tab or a carriage return) gets a leading apostrophe.
 */
#include "people.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/media.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

/* a township's register fits; a county's is narrowed by place or tag first */
#define EXPORT_MAX 100000

static const char *const heads[] = { "序号",     "姓名",         "性别",     "出生日期",
	                             "年龄",     "公民身份号码", "联系电话", "与户主关系",
	                             "人员状态", "所在地点",     "人员类别", NULL };
#define NCOLS 11

struct word {
	const char *code, *text;
};
static const struct word words[] = {
	{ "M", "男" },
	{ "F", "女" },
	{ "head", "户主" },
	{ "spouse", "配偶" },
	{ "child", "子女" },
	{ "parent", "父母" },
	{ "grandchild", "孙子女" },
	{ "grandparent", "祖父母" },
	{ "sibling", "兄弟姐妹" },
	{ "child_in_law", "儿媳/女婿" },
	{ "other", "其他" },
	{ "present", "在住" },
	{ "away", "外出" },
	{ "moved_out", "迁出" },
	{ "deceased", "死亡" },
};

static const char *word(const char *code)
{
	for (size_t i = 0; code && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].code, code))
			return words[i].text;
	return code ? code : "";
}

struct out {
	struct req *r;
	int xlsx;
	long n;
	struct strbuf *csv;
	lxw_worksheet *ws;
	lxw_format *text;
};

/* the cells of one row, as text */
static void cells_of(struct out *o, const struct people_export_row *p, const char *cell[NCOLS])
{
	cell[0] = arena_printf(&o->r->arena, "%ld", o->n);
	cell[1] = p->name ? p->name : "";
	cell[2] = word(p->sex);
	cell[3] = p->birth_date ? p->birth_date : "";
	cell[4] = p->age >= 0 ? arena_printf(&o->r->arena, "%d", p->age) : "";
	cell[5] = p->id_masked ? p->id_masked : "";
	cell[6] = p->phone_masked ? p->phone_masked : "";
	cell[7] = word(p->relation);
	cell[8] = word(p->status);
	cell[9] = p->place_name ? p->place_name : "";
	cell[10] = p->tags ? p->tags : "";
}

/* one CSV field: quoted when it must be, a formula's start defused */
static void csv_field(struct strbuf *sb, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		strbuf_addch(sb, '"');
	if (strchr("=+-@\t\r", *s) && *s)
		strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

static void put_row(struct out *o, const char *const cell[NCOLS], lxw_format *f)
{
	for (int i = 0; i < NCOLS; i++) {
		if (o->xlsx)
			worksheet_write_string(o->ws, (lxw_row_t)(o->n + 1), (lxw_col_t)i, cell[i],
			                       f);
		else {
			if (i)
				strbuf_addch(o->csv, ',');
			csv_field(o->csv, cell[i]);
		}
	}
	if (!o->xlsx)
		strbuf_adds(o->csv, "\r\n");
}

static void add_row(void *ctx, const struct people_export_row *p)
{
	struct out *o = ctx;
	const char *cell[NCOLS];
	o->n++;
	cells_of(o, p, cell);
	put_row(o, cell, o->text);
}

static void disposition(struct req *r, const char *ext)
{
	char day[32];
	time_iso(time_now_ms(), day);
	day[10] = '\0';
	/* 人口名单 in UTF-8, percent-encoded (RFC 6266), and an ASCII name for old clients */
	req_set_header(r, "Content-Disposition",
	               arena_printf(&r->arena,
	                            "attachment; filename=\"people-%s.%s\"; filename*=UTF-8''"
	                            "%%E4%%BA%%BA%%E5%%8F%%A3%%E5%%90%%8D%%E5%%8D%%95-%s.%s",
	                            day, ext, day, ext));
}

static int export_csv(struct req *r, struct err *e)
{
	struct out o = { .r = r, .csv = &r->out };
	strbuf_adds(&r->out, "\xEF\xBB\xBF"); /* the BOM Excel looks for */
	o.n = -1;
	put_row(&o, heads, NULL);
	o.n = 0;
	if (people_export_rows(r, EXPORT_MAX, add_row, &o, e)) {
		strbuf_init(&r->out, &r->arena, 0);
		return -1;
	}
	r->content_type = "text/csv; charset=utf-8";
	disposition(r, "csv");
	r->status = 200;
	return 0;
}

static int export_xlsx(struct req *r, struct err *e)
{
	char *path = arena_printf(&r->arena, "%s/tmp/export-XXXXXX", media_dir());
	int fd = mkstemp(path);
	if (fd < 0)
		return err_internal(e, "cannot make a temporary file in %s/tmp: %s", media_dir(),
		                    strerror(errno));
	close(fd);
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
		                     .tmpdir = arena_printf(&r->arena, "%s/tmp", media_dir()) };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "人口") : NULL;
	if (!ws) {
		if (wb)
			workbook_close(wb);
		unlink(path);
		return err_internal(e, "cannot start the workbook");
	}
	lxw_format *head = workbook_add_format(wb), *text = workbook_add_format(wb);
	format_set_bold(head);
	format_set_num_format(head, "@");
	format_set_num_format(text, "@"); /* text: Excel never reads 1404… as a number */
	static const double widths[NCOLS] = { 6, 10, 5, 11, 5, 20, 14, 10, 9, 24, 24 };
	for (int i = 0; i < NCOLS; i++)
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], text);
	char day[32];
	time_iso(time_now_ms(), day);
	day[10] = '\0';
	worksheet_write_string(ws, 0, 0, arena_printf(&r->arena, "人口名单（导出于 %s）", day),
	                       head);
	worksheet_freeze_panes(ws, 2, 0);
	struct out o = { .r = r, .xlsx = 1, .ws = ws, .text = text, .n = 0 };
	for (int i = 0; i < NCOLS; i++)
		worksheet_write_string(ws, 1, (lxw_col_t)i, heads[i], head);
	int rc = people_export_rows(r, EXPORT_MAX, add_row, &o, e);
	lxw_error xe = workbook_close(wb);
	if (rc || xe != LXW_NO_ERROR) {
		unlink(path);
		return rc ? -1 : err_internal(e, "cannot write the workbook: %s", lxw_strerror(xe));
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path); /* the open file is the answer; nothing stays on disk */
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb)) {
		if (fd >= 0)
			close(fd);
		return err_internal(e, "cannot read the workbook back");
	}
	r->file_fd = fd;
	r->file_size = sb.st_size;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	disposition(r, "xlsx");
	r->status = 200;
	return 0;
}

int people_export(struct req *r, struct err *e)
{
	const char *format = req_query(r, "format");
	if (!format || !strcmp(format, "xlsx"))
		return export_xlsx(r, e);
	if (!strcmp(format, "csv"))
		return export_csv(r, e);
	return err_invalid(e, "people.export_format", "format",
	                   "'format' is xlsx or csv, not '%.20s'", format);
}
