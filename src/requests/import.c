/*
 * import.c - work orders from the 12345 hotline platform's Excel export (xlsx, xls or CSV,
 * read by src/tabular): the platform's column names mapped to a ticket's parts, its
 * category names to ours, its times (Beijing) to UTC, its 所属区域 to a place under the one
 * imported to; each good row made a request (requests_create, source hotline_12345,
 * external_no the ticket, routed as any other), a ticket already there left alone. See
 * docs/internals/requests.md ("The 12345 import").
 */
#include "requests.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "people/rules.h"
#include "places/places.h"
#include "tabular/tabular.h"
#include "core/banned.h"

/* ---- the columns (pure) ---- */

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct {
	enum ri_field field;
	const char *const *names; /* as tab_header_key leaves them */
} columns[] = {
	{ RI_NO, NAMES("工单编号", "工单号", "工单编码", "受理编号", "编号", "工单流水号") },
	{ RI_TIME, NAMES("来电时间", "受理时间", "登记时间", "创建时间", "来电日期", "诉求时间",
	                 "派单时间") },
	{ RI_NAME, NAMES("诉求人", "来电人", "联系人", "诉求人姓名", "来电人姓名", "姓名") },
	{ RI_PHONE, NAMES("联系电话", "来电号码", "联系方式", "电话", "手机", "来电电话") },
	{ RI_CONTENT, NAMES("诉求内容", "来电内容", "问题描述", "工单内容", "内容", "诉求描述") },
	{ RI_CATEGORY, NAMES("问题分类", "诉求类型", "诉求分类", "问题类型", "事项分类", "业务分类",
	                     "工单分类") },
	{ RI_PLACE,
	  NAMES("所属区域", "区域", "所属村", "所属社区", "村/社区", "属地", "所属地区") },
	{ RI_ADDRESS, NAMES("地址", "事发地址", "诉求地址", "详细地址", "事发地点") },
	{ RI_DUE, NAMES("办理时限", "办结时限", "处理时限", "截止时间", "办理期限") },
	{ RI_TITLE, NAMES("标题", "工单标题", "诉求标题") },
};

enum ri_field requests_import_field(struct arena *a, const char *header)
{
	const char *key = tab_header_key(a, header ? header : "");
	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++)
		for (const char *const *n = columns[i].names; *n; n++)
			if (!strcmp(key, *n))
				return columns[i].field;
	return RI_NONE;
}

/* ---- categories (pure) ---- */

/* a word in the platform's category → ours; the first that a level contains wins */
static const struct {
	const char *word, *category;
} aliases[] = {
	{ "井盖", "municipal.manhole" },
	{ "窨井", "municipal.manhole" },
	{ "路灯", "municipal.streetlight" },
	{ "垃圾", "env.dumping" },
	{ "保洁", "env.sanitation" },
	{ "环境卫生", "env.sanitation" },
	{ "卫生", "env.sanitation" },
	{ "漏水", "water.leak" },
	{ "管道", "water.leak" },
	{ "水管", "water.leak" },
	{ "停水", "water.outage" },
	{ "供水", "water.outage" },
	{ "水压", "water.outage" },
	{ "供暖", "heating.cold" },
	{ "暖气", "heating.cold" },
	{ "取暖", "heating.cold" },
	{ "停车", "parking.blocking" },
	{ "占道", "parking.blocking" },
	{ "电线", "wires" },
	{ "飞线", "wires" },
	{ "物业", "property" },
	{ "养老", "elderly" },
	{ "老人", "elderly" },
	{ "纠纷", "dispute" },
	{ "邻里", "dispute" },
	{ "矛盾", "dispute" },
};

const char *requests_import_category(const char *text)
{
	/* "城乡建设/市政设施/路灯": the finest level first */
	size_t n = text ? strlen(text) : 0;
	while (n > 0) {
		size_t start = n;
		while (start > 0 && !strchr("/>-|\\", text[start - 1]))
			start--;
		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
			const char *w = aliases[i].word;
			size_t k = strlen(w);
			for (size_t j = start; j + k <= n; j++)
				if (!memcmp(text + j, w, k))
					return aliases[i].category;
		}
		n = start > 0 ? start - 1 : 0;
	}
	return "other";
}

/* ---- Beijing times (pure) ---- */

/* date "YYYY-MM-DD" at h:m:s Beijing time as UTC ms (time_parse_iso takes the offset) */
static int beijing(const char *date, int h, int m, int sec, int64_t *ms)
{
	char iso[40];
	snprintf(iso, sizeof(iso), "%.10sT%02d:%02d:%02d+08:00", date, h, m, sec);
	return time_parse_iso(iso, ms);
}

/* the digits at *p (at most 2), past any spaces; -1 if none */
static int two_digits(const char **p)
{
	while (**p == ' ')
		(*p)++;
	int v = -1;
	for (int i = 0; i < 2 && **p >= '0' && **p <= '9'; i++, (*p)++)
		v = (v < 0 ? 0 : v * 10) + (**p - '0');
	return v;
}

/* skip one separator of a time: ':' or 时 分 点 (UTF-8); 1 if one was there */
static int time_sep(const char **p)
{
	static const char *const seps[] = { ":", "：", "时", "点", "分", NULL };
	for (int i = 0; seps[i]; i++) {
		size_t k = strlen(seps[i]);
		if (!strncmp(*p, seps[i], k)) {
			*p += k;
			return 1;
		}
	}
	return 0;
}

int requests_beijing_ms(const char *text, int64_t *ms)
{
	char date[11], head[64];
	if (!text)
		return -1;
	while (*text == ' ')
		text++;
	/* the date, up to the first space or 'T'; the time after it */
	const char *p = text;
	while (*p && *p != ' ' && *p != 'T')
		p++;
	if ((size_t)(p - text) >= sizeof(head))
		return -1;
	memcpy(head, text, (size_t)(p - text));
	head[p - text] = '\0';
	if (tab_date_parse(head, date))
		return -1;
	int h = 0, m = 0, s = 0;
	while (*p == ' ' || *p == 'T')
		p++;
	if (*p) {
		h = two_digits(&p);
		if (h < 0 || !time_sep(&p) || (m = two_digits(&p)) < 0)
			return -1;
		if (time_sep(&p) && *p && strncmp(p, "秒", 3)) {
			if ((s = two_digits(&p)) < 0)
				return -1;
			if (!strncmp(p, "秒", 3))
				p += 3;
		}
		if (*p == '.') /* fractions of a second */
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		while (*p == ' ')
			p++;
		if (*p || h > 23 || m > 59 || s > 59)
			return -1;
	}
	return beijing(date, h, m, s, ms);
}

int requests_cell_ms(const struct tab_cell *c, int date1904, int64_t *ms)
{
	if ((c->kind == TAB_DATE || c->kind == TAB_NUMBER) && c->num > 0) {
		/* a serial: days and the fraction of one, Beijing time */
		char date[11];
		double day = (double)(int64_t)c->num;
		if (tab_date_from_serial(day, date1904, date))
			return -1;
		int sec = (int)((c->num - day) * 86400.0 + 0.5);
		if (sec >= 86400)
			sec = 86399;
		return beijing(date, sec / 3600, sec / 60 % 60, sec % 60, ms);
	}
	return c->kind == TAB_TEXT || c->kind == TAB_DATE ? requests_beijing_ms(c->text, ms) : -1;
}

/* ---- the import ---- */

#define IMPORT_HEAD     20
#define IMPORT_MAX_ROWS 20000

struct place_name {
	const char *id, *name;
};

struct run {
	struct db *db;
	const struct actor *who;
	struct arena *a;
	const struct place *root;
	int dry_run;
	int col[RI_COUNT]; /* the column of each field, -1 if none */
	int data_first, date1904;
	struct place_name *places;
	size_t nplaces;
	const char **seen; /* ticket numbers of the file so far */
	int *seen_row;
	size_t nseen;
	requests_problem_fn fn;
	void *ctx;
	struct requests_import *out;
	int row_bad;
};

static void problem(struct run *x, int row, int col, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(struct run *x, int row, int col, const char *code, const char *fmt, ...)
{
	char cell[16];
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(x->a, fmt, ap);
	va_end(ap);
	x->row_bad = 1;
	x->fn(x->ctx, row + 1, tab_a1(row, col < 0 ? 0 : col, cell), code, msg);
}

static const char *cell_text(struct run *x, const struct tab_row *row, enum ri_field f)
{
	int c = x->col[f];
	if (c < 0 || c >= row->n)
		return "";
	const char *t = tab_cell_text(x->a, &row->cells[c]);
	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	size_t n = strlen(t);
	while (n && strchr(" \t\r\n", t[n - 1]))
		n--;
	return arena_strndup(x->a, t, n);
}

/* the place a row's 所属区域 names: its finest level ("长治市/潞州区/微子镇/秦家山村": 秦家山村)
 * among the places under the root, the root included (tab_place_matches); *id NULL when
 * none or several match */
static void find_place(struct run *x, const char *written, const char **id)
{
	const char *level = written;
	for (const char *p = written; *p; p++)
		if (strchr("/>|\\ ", *p) && p[1])
			level = p + 1;
	const char *found = NULL;
	int many = 0;
	for (size_t i = 0; i < x->nplaces; i++)
		if (tab_place_matches(x->a, level, x->places[i].name)) {
			many += found != NULL;
			found = x->places[i].id;
		}
	*id = many ? NULL : found;
}

static int import_row(const struct tab_row *row, void *ctx, struct err *e)
{
	struct run *x = ctx;
	if (row->row < x->data_first || tab_row_is_blank(row))
		return 0;
	if (tab_row_is_summary(row))
		return 1;
	if (x->out->rows >= IMPORT_MAX_ROWS)
		return err_invalid(e, "requests.import_too_many", "file",
		                   "at most %d work orders in one file", IMPORT_MAX_ROWS);
	x->out->rows++;
	x->row_bad = 0;
	int r = row->row;
	const char *no = cell_text(x, row, RI_NO);
	if (!*no || strlen(no) > 40) {
		problem(x, r, x->col[RI_NO], "requests.import_no",
		        *no ? "the ticket number is over 40 characters" : "no ticket number");
		x->out->bad++;
		return 0;
	}
	for (size_t i = 0; i < x->nseen; i++)
		if (!strcmp(x->seen[i], no)) {
			problem(x, r, x->col[RI_NO], "requests.import_duplicate",
			        "ticket '%s' is on row %d too", no, x->seen_row[i] + 1);
			x->out->bad++;
			return 0;
		}
	x->seen[x->nseen] = no;
	x->seen_row[x->nseen++] = r;
	/* a ticket already imported (the same file twice) */
	int64_t there = 0;
	if (db_get_int(x->db, e, &there,
	               "SELECT count(*) FROM requests WHERE region = ? AND external_no = ?",
	               DB_ARGS(DB_T(x->root->region), DB_T(no))) < 0)
		return -1;
	if (there) {
		x->out->existing++;
		return 0;
	}
	struct request_in in = { 0 };
	in.source = "hotline_12345";
	in.external_no = no;
	in.imported = 1;
	int tc = x->col[RI_TIME];
	if (tc < 0 || tc >= row->n || row->cells[tc].kind == TAB_EMPTY)
		problem(x, r, tc, "requests.import_time", "no call time");
	else if (requests_cell_ms(&row->cells[tc], x->date1904, &in.submitted_ms) ||
	         in.submitted_ms > time_now_ms() + HOUR_MS)
		problem(x, r, tc, "requests.import_time", "'%s' is not a time of call",
		        row->cells[tc].text);
	int dc = x->col[RI_DUE];
	if (dc >= 0 && dc < row->n && row->cells[dc].kind != TAB_EMPTY &&
	    requests_cell_ms(&row->cells[dc], x->date1904, &in.resolution_due_ms))
		problem(x, r, dc, "requests.import_time", "'%s' is not a deadline",
		        row->cells[dc].text);
	in.description = cell_text(x, row, RI_CONTENT);
	const char *address = cell_text(x, row, RI_ADDRESS);
	if (*address)
		in.description = arena_printf(x->a, "%s\n地址：%s", in.description, address);
	if (!*cell_text(x, row, RI_CONTENT))
		problem(x, r, x->col[RI_CONTENT], "requests.import_content", "no content");
	else if (utf8_len(in.description, strlen(in.description)) > 2000)
		problem(x, r, x->col[RI_CONTENT], "requests.import_content",
		        "the content is over 2000 characters");
	const char *title = cell_text(x, row, RI_TITLE);
	in.title = *title && utf8_len(title, strlen(title)) <= 100 ? title : NULL;
	in.category_id = requests_import_category(cell_text(x, row, RI_CATEGORY));
	const char *name = cell_text(x, row, RI_NAME);
	in.contact_name = *name ? name : NULL;
	if (in.contact_name && utf8_len(in.contact_name, strlen(in.contact_name)) > 40)
		problem(x, r, x->col[RI_NAME], "requests.import_name",
		        "the name is over 40 characters");
	const char *phone = cell_text(x, row, RI_PHONE);
	if (*phone) {
		char norm[32];
		enum phone_kind pk;
		struct err pe;
		err_clear(&pe);
		if (phone_parse(phone, "contact_phone", norm, &pk, &pe))
			problem(x, r, x->col[RI_PHONE], pe.code, "%s", pe.msg);
		in.contact_phone = phone;
	}
	const char *written = cell_text(x, row, RI_PLACE);
	in.place_id = x->root->id;
	if (*written) {
		find_place(x, written, &in.place_id);
		if (!in.place_id)
			problem(x, r, x->col[RI_PLACE], "import.place_unknown",
			        "no place '%s' in %s", written, x->root->name);
	}
	if (x->row_bad) {
		x->out->bad++;
		return 0;
	}
	x->out->created++;
	if (x->dry_run)
		return 0;
	const char *id, *code;
	struct err ce;
	err_clear(&ce);
	if (requests_create(x->db, x->who, &in, &id, &code, &ce)) {
		if (ce.status != 400) {
			*e = ce;
			return -1;
		}
		/* what intake refuses (a place outside a town, a phone) is this row's problem */
		x->out->created--;
		problem(x, r, 0, ce.code, "%s", ce.msg);
		x->out->bad++;
	}
	return 0;
}

int requests_import(struct db *db, const struct actor *who, struct arena *a, struct tab_book *b,
                    size_t sheet, const struct place *root, int dry_run, requests_problem_fn fn,
                    void *ctx, struct requests_import *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	struct run x = { db,   who,  a, root, dry_run, { 0 }, 0, b->date1904, NULL, 0,
		         NULL, NULL, 0, fn,   ctx,     out,   0 };
	struct tab_row *head;
	int n;
	if (tab_head(b, sheet, IMPORT_HEAD, a, &head, &n, e))
		return -1;
	struct tab_header h;
	tab_header_find(a, head, n, b->sheets[sheet].merges, b->sheets[sheet].nmerges, &h);
	for (int f = 0; f < RI_COUNT; f++)
		x.col[f] = -1;
	for (int c = 0; c < h.ncols; c++) {
		enum ri_field f = requests_import_field(a, h.names[c]);
		if (f != RI_NONE && x.col[f] < 0)
			x.col[f] = c;
	}
	if (!h.found || x.col[RI_NO] < 0)
		return err_invalid(e, "requests.import_header", "file",
		                   "no 工单编号 column: is this a 12345 export?");
	if (x.col[RI_TIME] < 0 || x.col[RI_CONTENT] < 0)
		return err_invalid(e, "requests.import_header", "file", "the file has no %s column",
		                   x.col[RI_TIME] < 0 ? "来电时间 (受理时间)" : "诉求内容");
	x.data_first = h.data_first;
	/* the places a row may name: active, physical, under the root */
	size_t cap = 64;
	x.places = arena_alloc(a, cap * sizeof(*x.places));
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT id, name FROM places WHERE path >= ? AND path < ? AND "
	             "status = 'active' AND tree = 'physical' ORDER BY depth, id",
	             DB_T(root->path), DB_T(arena_printf(a, "%s~", root->path)));
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (x.nplaces == cap) {
			x.places = arena_realloc(a, x.places, cap * sizeof(*x.places),
			                         2 * cap * sizeof(*x.places));
			cap *= 2;
		}
		x.places[x.nplaces++] = (struct place_name){ arena_strdup(a, db_text(st, 0)),
			                                     arena_strdup(a, db_text(st, 1)) };
	}
	if (rc < 0)
		return -1;
	db_done(st);
	x.seen = arena_alloc(a, IMPORT_MAX_ROWS * sizeof(*x.seen));
	x.seen_row = arena_alloc(a, IMPORT_MAX_ROWS * sizeof(*x.seen_row));
	return tab_rows(b, sheet, import_row, &x, e);
}
