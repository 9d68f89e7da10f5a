/*
 * export.c - GET /api/v1/people/export?format=xlsx|csv&<the list's filters>: the people a
 * search or roster shows, every one, as a spreadsheet a cadre opens in Excel or WPS,
 * through the tabular writer (text cells, formulas neutralised in both formats, CSV in
 * UTF-8 with a BOM). Identity numbers and phones are masked as in lists. An unmasked export
 * is POST ?unmasked=1 with {"reason"}: every row must lie under the caller's people.reveal,
 * and the export is an audit row per county naming the count, the filter and the reason.
 */
#include "people.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "tabular/tabular.h"
#include "core/audit.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

/* a township's register fits; a county's is narrowed by place or tag first */
#define EXPORT_MAX 100000

static const char *const heads[] = { "序号",     "姓名",         "性别",     "出生日期",
	                             "年龄",     "公民身份号码", "联系电话", "与户主关系",
	                             "人员状态", "所在地点",     "人员类别" };
static const double widths[] = { 6, 10, 5, 11, 5, 20, 14, 10, 9, 24, 24 };
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

const char *people_word(const char *code)
{
	for (size_t i = 0; code && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(words[i].code, code))
			return words[i].text;
	return code ? code : "";
}

/* the counties an unmasked export reached, and how many people of each */
#define REGIONS_MAX 16
struct out {
	struct req *r;
	struct tab_writer *w;
	long n;
	int unmasked;
	const char *region[REGIONS_MAX];
	long count[REGIONS_MAX];
	int nregions, too_many;
};

static void add_row(void *ctx, const struct people_export_row *p)
{
	struct out *o = ctx;
	struct arena *a = &o->r->arena;
	o->n++;
	const char *cell[NCOLS] = {
		arena_printf(a, "%ld", o->n),
		p->name,
		people_word(p->sex),
		p->birth_date,
		p->age >= 0 ? arena_printf(a, "%d", p->age) : "",
		o->unmasked ? p->id_no : p->id_masked,
		o->unmasked ? p->phone : p->phone_masked,
		people_word(p->relation),
		people_word(p->status),
		p->place_name,
		p->tags,
	};
	tab_write_row(o->w, cell, NCOLS);
	if (!o->unmasked)
		return;
	int i = 0;
	while (i < o->nregions && strcmp(o->region[i], p->region))
		i++;
	if (i == REGIONS_MAX) {
		o->too_many = 1; /* refused below: every revealed row is audited */
		return;
	}
	if (i == o->nregions) {
		o->region[i] = arena_strdup(a, p->region);
		o->count[i] = 0;
		o->nregions++;
	}
	o->count[i]++;
}

/* the list's filters an export was asked with, as the audit row names them */
static const char *const filter_keys[] = { "place", "tag",     "q",       "status",
	                                   "sex",   "age_min", "age_max", "household_id",
	                                   "sort",  NULL };

static int audit_unmasked(struct req *r, const struct out *o, const char *reason, const char *fmt,
                          struct err *e)
{
	struct actor a;
	accounts_actor(r, &a);
	for (int i = 0; i < o->nregions; i++) {
		struct jdoc doc;
		struct jw *w = jdoc_open(&doc, &r->arena);
		jw_ki64(w, "count", o->count[i]);
		jw_ki64(w, "total", o->n);
		jw_kstr(w, "format", fmt);
		jw_key(w, "filter");
		jw_obj(w);
		for (const char *const *k = filter_keys; *k; k++)
			if (req_query(r, *k))
				jw_kstr(w, *k, req_query(r, *k));
		jw_obj_end(w);
		jw_key(w, "fields");
		jw_arr(w);
		jw_str(w, "id_no");
		jw_str(w, "phone");
		jw_arr_end(w);
		jw_kstr(w, "reason", reason);
		if (audit_write(r->db, &a, o->region[i], "persons", NULL, "export",
		                jdoc_close(&doc), e))
			return -1;
	}
	return 0;
}

struct unmask_body {
	const char *reason;
};
static const struct jfield unmask_fields[] = {
	{ "reason", JF_STR, offsetof(struct unmask_body, reason), JF_REQUIRED, 2, 200 },
};

int people_export(struct req *r, struct err *e)
{
	const char *format = req_query(r, "format"), *unmasked = req_query(r, "unmasked");
	enum tab_out fmt;
	if (tab_out_format(format, &fmt, e))
		return err_invalid(e, "people.export_format", "format",
		                   "'format' is xlsx or csv, not '%.20s'", format);
	struct out o = { .r = r };
	struct unmask_body b = { 0 };
	int post = !strcmp(r->method, "POST");
	if (unmasked && strcmp(unmasked, "0")) {
		if (strcmp(unmasked, "1"))
			return err_invalid(e, "people.export_unmasked", "unmasked",
			                   "'unmasked' is 1 or 0");
		if (!post)
			return err_invalid(e, "people.export_unmasked_post", "unmasked",
			                   "an unmasked export is a POST with a reason");
		json_t *j = req_json(r, e);
		if (!j || json_decode(j, unmask_fields, JF_COUNT(unmask_fields), &b, NULL, 0, e))
			return -1;
		o.unmasked = 1;
	} else if (post)
		return err_invalid(e, "people.export_unmasked", "unmasked",
		                   "a POST export is an unmasked one: unmasked=1 with a reason");
	o.w = tab_writer_new(&r->arena, fmt, "人口", 1, e);
	if (!o.w)
		return -1;
	char day[32];
	time_iso(time_now_ms(), day);
	day[10] = '\0';
	tab_write_list_head(o.w, arena_printf(&r->arena, "人口名单（导出于 %s）", day), heads,
	                    widths, NCOLS);
	if (people_export_rows(r, EXPORT_MAX, o.unmasked, add_row, &o, e))
		return -1;
	if (o.too_many)
		return err_invalid(
		    e, "people.export_too_large", NULL,
		    "an unmasked export covers at most %d counties: narrow it by place",
		    REGIONS_MAX);
	if (o.unmasked && audit_unmasked(r, &o, b.reason, fmt == TAB_OUT_CSV ? "csv" : "xlsx", e))
		return -1;
	/* 人口名单 in UTF-8 for browsers, an ASCII name for old clients */
	return tab_writer_send(o.w, r, arena_printf(&r->arena, "people-%s", day),
	                       arena_printf(&r->arena, "人口名单-%s", day), e);
}
