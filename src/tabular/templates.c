/*
 * templates.c - export templates: a superior's form (上报表), an .xlsx uploaded once at a
 * place and kept for its county as a layout (title and header cells, merges) and a binding
 * of each column to a field, then filled every month for a place the caller may read:
 * people by the list's filters (one row a person, masked as lists are), or a roll-up by
 * place (one row a village or group under the place: households, persons, the old, a tag's
 * people …, then 合计). Routes /api/v1/export-templates; see docs/internals/tabular.md.
 */
#include "tabular.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accounts/accounts.h"
#include "people/people.h"
#include "places/places.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/http.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

#define TEMPLATE_MAX_BYTES (8 << 20)
#define FILL_MAX           100000
#define TAGS_MAX           64

/* ---- reading a form ---- */

struct tcol {
	const char *name, *field;
};

struct template_def {
	const char *kind, *sheet;
	int ncols, data_first;
	struct tcol *cols;
	const char *layout, *columns; /* JSON texts as stored */
};

/* the catalogue's tags (people_tag_defs) by id and name, as a header may name them */
static int template_tags(struct db *db, struct arena *a, struct tab_tag_name **out, size_t *n,
                         struct err *e)
{
	struct people_tag_def *defs = arena_alloc(a, TAGS_MAX * sizeof(*defs));
	if (people_tag_defs(db, defs, TAGS_MAX, n, e))
		return -1;
	*out = arena_alloc(a, (*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (struct tab_tag_name){ defs[i].id, defs[i].name };
	return 0;
}

/* the column a bind key names: its letters ("C") or its header's name */
static int bind_col(const char *key, const struct tab_header *h)
{
	int col = 0, letters = 0;
	for (const char *p = key; *p >= 'A' && *p <= 'Z'; p++, letters++)
		col = col * 26 + (*p - 'A' + 1);
	if (letters && !key[letters] && letters <= 3)
		return col - 1 < h->ncols ? col - 1 : -1;
	for (int c = 0; c < h->ncols; c++)
		if (!strcmp(h->names[c], key))
			return c;
	return -1;
}

/*
 * Read a form (the bytes of an .xlsx) into def: its first visible sheet, the header found
 * under its titles, each column bound (by its name, then by bind: {"C": "id_no", "低保":
 * "tag:dibao", "D": null}). Errors, 400: export.template_format (not an .xlsx),
 * export.template_header (no header row), export.template_column and
 * export.template_field (a bind naming no column, or no field), export.template_unbound
 * (no column bound), export.template_mixed (people and roll-up columns together), and the
 * readers' import.* codes.
 */
static int template_read(struct db *db, struct arena *a, const void *data, size_t len, json_t *bind,
                         struct template_def *def, struct err *e)
{
	struct tab_book *b;
	if (tab_open_mem(a, data, len, &b, e))
		return -1;
	if (b->format != TAB_XLSX)
		return err_invalid(e, "export.template_format", "file",
		                   "a template is an .xlsx workbook, not a %s file",
		                   tab_format_name(b->format));
	size_t sheet = 0;
	while (sheet + 1 < b->nsheets && b->sheets[sheet].hidden)
		sheet++;
	struct tab_row *rows;
	int n;
	if (tab_head(b, sheet, 20, a, &rows, &n, e))
		return -1;
	const struct tab_sheet *sh = &b->sheets[sheet];
	struct tab_header h;
	tab_header_find(a, rows, n, sh->merges, sh->nmerges, &h);
	if (!h.found || h.ncols < 1)
		return err_invalid(e, "export.template_header", "file",
		                   "no header row in the first 20 rows of sheet '%s'", sh->name);
	struct tab_tag_name *tags;
	size_t ntags;
	if (template_tags(db, a, &tags, &ntags, e))
		return -1;
	def->ncols = h.ncols;
	def->data_first = h.data_first;
	def->sheet = sh->name;
	def->cols = arena_zalloc(a, (size_t)h.ncols * sizeof(*def->cols));
	for (int c = 0; c < h.ncols; c++) {
		def->cols[c].name = h.names[c];
		def->cols[c].field = tab_template_field(a, h.names[c], tags, ntags);
	}
	const char *key;
	json_t *v;
	json_object_foreach(bind, key, v)
	{
		int c = bind_col(key, &h);
		if (c < 0)
			return err_invalid(e, "export.template_column", "bind",
			                   "no column '%s' in the header", key);
		if (json_is_null(v)) {
			def->cols[c].field = NULL;
			continue;
		}
		const char *f = json_string_value(v);
		if (!f || !tab_template_field_known(f, tags, ntags))
			return err_invalid(e, "export.template_field", "bind",
			                   "'%s' is no field a template can fill (column %s)",
			                   f ? f : "?", key);
		def->cols[c].field = f;
	}
	int measures = 0, persons = 0;
	for (int c = 0; c < h.ncols; c++) {
		const char *f = def->cols[c].field;
		if (!f || !strcmp(f, "seq"))
			continue;
		if (tab_template_measure(f))
			measures++;
		else if (strcmp(f, "village") && strcmp(f, "group"))
			persons++;
	}
	if (measures && persons)
		return err_invalid(e, "export.template_mixed", "bind",
		                   "a template counts by place or lists people, not both");
	if (!measures && !persons)
		return err_invalid(e, "export.template_unbound", "bind",
		                   "no column of the header binds to a field");
	def->kind = measures ? "rollup" : "people";
	/* the layout: every cell above the data, and the merges there */
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_key(w, "cells");
	jw_arr(w);
	for (int i = 0; i < n; i++)
		for (int c = 0; rows[i].row < h.data_first && c < rows[i].n; c++) {
			const struct tab_cell *cell = &rows[i].cells[c];
			if (cell->kind == TAB_EMPTY || !*cell->text)
				continue;
			jw_arr(w);
			jw_i64(w, cell->row);
			jw_i64(w, cell->col);
			jw_str(w, cell->text);
			jw_arr_end(w);
		}
	jw_arr_end(w);
	jw_key(w, "merges");
	jw_arr(w);
	for (size_t m = 0; m < sh->nmerges; m++) {
		const struct tab_merge *g = &sh->merges[m];
		if (g->r1 >= h.data_first)
			continue;
		jw_arr(w);
		jw_i64(w, g->r1);
		jw_i64(w, g->c1);
		jw_i64(w, g->r2);
		jw_i64(w, g->c2);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	def->layout = jdoc_close(&doc);
	w = jdoc_open(&doc, a);
	jw_key(w, "columns");
	jw_arr(w);
	for (int c = 0; c < h.ncols; c++) {
		jw_obj(w);
		jw_ki64(w, "col", c);
		jw_kstr(w, "name", def->cols[c].name);
		jw_kstr(w, "field", def->cols[c].field);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	const char *wrapped = jdoc_close(&doc);
	/* stored as the bare array */
	const char *open = strchr(wrapped, '[');
	def->columns = arena_strndup(a, open, strlen(open) - 1);
	return 0;
}

/* ---- stored templates ---- */

struct template_in {
	const char *name, *place_id, *file_name;
	const void *data;
	size_t len;
	json_t *bind;
};

/* the county a grant's path lies in: "140406"; a city or province grant gives its code's
 * prefix ("1404", "14"), which every county under it starts with */
static const char *path_region(struct arena *a, const char *path)
{
	int depth = 0;
	const char *id = NULL;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1]) {
			depth++;
			if (depth <= 3)
				id = p + 1;
		}
	if (!id)
		return "";
	return arena_strndup(a, id, depth >= 3 ? 6 : depth == 2 ? 4 : 2);
}

/* 1 if the caller reads people anywhere in the county region */
static int region_visible(struct req *r, const char *region)
{
	const char **scope = authz_scope(r, "people.read");
	for (size_t i = 0; scope[i]; i++) {
		const char *pr = path_region(&r->arena, scope[i]);
		if (!strncmp(region, pr, strlen(pr))) /* "": a grant over the root (the CLI) */
			return 1;
	}
	return 0;
}

#define TEMPLATE_COLS                                                                              \
	"t.id, t.region, t.place_id, p.name, t.name, t.kind, t.file_name, t.file_sha256, "         \
	"t.sheet_name, t.ncols, t.data_first, t.columns, t.status, t.version, t.created_by, "      \
	"t.created_at, t.updated_at, t.layout"
#define TEMPLATE_FROM "export_templates t JOIN places p ON p.id = t.place_id"

static void write_template(struct jw *w, struct db_stmt *st, struct arena *a, int full)
{
	static const char *const keys[] = { "id",         "region", "place_id",    "place_name",
		                            "name",       "kind",   "file_name",   "file_sha256",
		                            "sheet_name", "#ncols", "#data_first", NULL };
	jw_obj(w);
	for (int i = 0; keys[i]; i++) {
		if (*keys[i] == '#')
			jw_ki64(w, keys[i] + 1, db_int(st, i));
		else
			jw_kstr(w, keys[i], db_text(st, i));
	}
	jw_key(w, "columns");
	const char *cols = db_text(st, 11);
	jw_raw(w, cols, strlen(cols));
	jw_kstr(w, "status", db_text(st, 12));
	jw_ki64(w, "version", db_int(st, 13));
	jw_kstr(w, "created_by", db_text(st, 14));
	jw_kstr(w, "created_at", db_text(st, 15));
	jw_kstr(w, "updated_at", db_text(st, 16));
	if (full) {
		jw_key(w, "layout");
		const char *layout = db_text(st, 17);
		jw_raw(w, layout, strlen(layout));
	}
	(void)a;
	jw_obj_end(w);
}

/* Add a template read from in (see template_read) at its place; *id gets its id. */
static int template_add(struct db *db, struct arena *a, const struct actor *who,
                        const struct template_in *in, const char **out_id, struct err *e)
{
	if (!in->name || !*in->name || strlen(in->name) > 200)
		return err_invalid(e, "export.template_name", "name",
		                   "a template needs a name (up to 200 bytes)");
	struct place p;
	int rc = places_get(db, in->place_id, &p, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_invalid(e, "places.not_found", "place_id", "no place '%s'",
		                            in->place_id ? in->place_id : "");
	struct template_def def = { 0 };
	if (template_read(db, a, in->data, in->len, in->bind, &def, e))
		return -1;
	char id[ID_LEN + 1], now[32], sha[65];
	id_new(id);
	time_iso(time_now_ms(), now);
	auth_sha256_hex(in->data, in->len, sha);
	if (db_exec(db, e,
	            "INSERT INTO export_templates (id, region, place_id, name, kind, file_name, "
	            "file_sha256, sheet_name, ncols, data_first, layout, columns, created_by, "
	            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(p.region), DB_T(p.id), DB_T(in->name), DB_T(def.kind),
	            DB_T(in->file_name ? in->file_name : "template.xlsx"), DB_T(sha),
	            DB_T(def.sheet), DB_I(def.ncols), DB_I(def.data_first), DB_T(def.layout),
	            DB_T(def.columns), DB_T(who->name ? who->name : who->kind), DB_T(now),
	            DB_T(now)) < 0)
		return -1;
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "name", in->name);
	jw_kstr(w, "kind", def.kind);
	jw_kstr(w, "place_id", p.id);
	jw_kstr(w, "file_sha256", sha);
	jw_key(w, "columns");
	jw_raw(w, def.columns, strlen(def.columns));
	if (audit_write(db, who, p.region, "export_templates", id, "create", jdoc_close(&doc), e))
		return -1;
	*out_id = arena_strdup(a, id);
	return 0;
}

static int read_file_all(struct arena *a, const char *path, const void **data, size_t *len,
                         struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_invalid(e, "import.file", "file", "cannot open '%s'", path);
	struct stat sb;
	if (fstat(fileno(f), &sb) || sb.st_size > TEMPLATE_MAX_BYTES) {
		fclose(f);
		return err_invalid(e, "import.too_large", "file", "a template is at most %d MiB",
		                   TEMPLATE_MAX_BYTES >> 20);
	}
	char *buf = arena_alloc(a, (size_t)sb.st_size + 1);
	size_t n = fread(buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

/* ---- routes ---- */

static int place_of_form(struct req *r, const char **path, const char **gpath, struct err *e)
{
	const char *id = req_form(r, "place_id");
	if (!id)
		return err_invalid(e, "json.required", "place_id", "'place_id' is required");
	return req_place_paths(r, id, path, gpath, e);
}
static const struct place_rule PLACE_FORM = { "form field place_id names a place", NULL,
	                                      place_of_form };

static int place_of_template(struct req *r, const char **path, const char **gpath, struct err *e)
{
	const char *place_id = NULL;
	int rc =
	    db_get_text(r->db, e, &place_id, "SELECT place_id FROM export_templates WHERE id = ?",
	                DB_ARGS(DB_T(req_param(r, "id"))));
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "export.template_not_found", "no such template");
	return req_place_paths(r, place_id, path, gpath, e);
}
static const struct place_rule PLACE_TEMPLATE = { "param :id is a template; the place it was "
	                                          "uploaded at",
	                                          NULL, place_of_template };
static const struct place_rule PLACE_TEMPLATE_REGION = {
	"param :id is a template; the caller reads people in its county (checked by the handler)",
	NULL
};

/* POST /api/v1/export-templates (multipart: file, name, place_id, bind: JSON object) */
static int post_template(struct req *r, struct err *e)
{
	struct upload *u = req_upload(r, "file");
	if (!u)
		return err_invalid(e, "export.template_file", "file",
		                   "send the form in a form field named 'file'");
	struct template_in in = { .name = req_form(r, "name"),
		                  .place_id = req_form(r, "place_id"),
		                  .file_name = u->filename };
	const char *bind = req_form(r, "bind");
	if (bind && *bind) {
		in.bind = json_parse(&r->arena, bind, strlen(bind), e);
		if (!in.bind)
			return err_invalid(e, "export.template_bind", "bind",
			                   "'bind' is a JSON object of column: field");
		if (!json_is_object(in.bind))
			return err_invalid(e, "export.template_bind", "bind",
			                   "'bind' is a JSON object of column: field");
	}
	if (read_file_all(&r->arena, u->tmp_path, &in.data, &in.len, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (template_add(r->db, &r->arena, &a, &in, &id, e))
		return -1;
	struct db_stmt *st = db_query(
	    r->db, e, "SELECT " TEMPLATE_COLS " FROM " TEMPLATE_FROM " WHERE t.id = ?", DB_T(id));
	if (!st || db_step(st, e) != 1)
		return -1;
	write_template(req_jw(r), st, &r->arena, 0);
	db_done(st);
	r->status = 201;
	return 0;
}

/* GET /api/v1/export-templates: the active templates of the counties the caller reads */
static int list_templates(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT " TEMPLATE_COLS " FROM " TEMPLATE_FROM
	                              " WHERE t.status = 'active' ORDER BY t.region, t.name, t.id",
	                              DB_NOARGS);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1)
		if (region_visible(r, db_text(st, 1)))
			write_template(w, st, &r->arena, 0);
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* the template :id if the caller may see it (404 else); st stays on its row */
static struct db_stmt *template_row(struct req *r, struct err *e)
{
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT " TEMPLATE_COLS " FROM " TEMPLATE_FROM " WHERE t.id = ?",
	             DB_T(req_param(r, "id")));
	if (!st)
		return NULL;
	int rc = db_step(st, e);
	if (rc == 1 && region_visible(r, db_text(st, 1)))
		return st;
	if (rc == 1)
		db_done(st);
	if (rc >= 0)
		err_notfound(e, "export.template_not_found", "no such template");
	return NULL;
}

static int get_template(struct req *r, struct err *e)
{
	struct db_stmt *st = template_row(r, e);
	if (!st)
		return -1;
	write_template(req_jw(r), st, &r->arena, 1);
	db_done(st);
	return 0;
}

/* DELETE /api/v1/export-templates/:id: retired (kept for the audit), 204 */
static int delete_template(struct req *r, struct err *e)
{
	const char *id = req_param(r, "id"), *region = NULL;
	if (db_get_text(r->db, e, &region,
	                "SELECT region FROM export_templates WHERE id = ? AND status = 'active'",
	                DB_ARGS(DB_T(id))) != 1)
		return e->status ? -1
		                 : err_notfound(e, "export.template_not_found", "no such template");
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(r->db, e,
	            "UPDATE export_templates SET status = 'retired', version = version + 1, "
	            "updated_at = ? WHERE id = ?",
	            DB_T(now), DB_T(id)) < 0)
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	if (audit_write(r->db, &a, region, "export_templates", id, "retire", "{}", e))
		return -1;
	r->status = 204;
	return 0;
}

/* ---- filling ---- */

struct fill {
	struct req *r;
	struct tab_writer *w;
	int ncols, row;
	const char **field;
	long n;
	/* places met on paths, by id: their names and kinds */
	const char **pid, **pname, **pkind;
	int np, pcap;
	struct err *e;
	int failed;
};

/* the place id (a path's part) with its name and kind, asked once */
static int place_named(struct fill *f, const char *id, const char **name, const char **kind)
{
	for (int i = 0; i < f->np; i++)
		if (!strcmp(f->pid[i], id)) {
			*name = f->pname[i];
			*kind = f->pkind[i];
			return 0;
		}
	struct place p;
	if (places_get(f->r->db, id, &p, f->e) != 1)
		return -1;
	if (f->np == f->pcap) {
		int cap = f->pcap ? f->pcap * 2 : 32;
		struct arena *a = &f->r->arena;
		f->pid = arena_realloc(a, f->pid, (size_t)f->pcap * sizeof(char *),
		                       (size_t)cap * sizeof(char *));
		f->pname = arena_realloc(a, f->pname, (size_t)f->pcap * sizeof(char *),
		                         (size_t)cap * sizeof(char *));
		f->pkind = arena_realloc(a, f->pkind, (size_t)f->pcap * sizeof(char *),
		                         (size_t)cap * sizeof(char *));
		f->pcap = cap;
	}
	f->pid[f->np] = p.id;
	f->pname[f->np] = p.name;
	f->pkind[f->np++] = p.kind;
	*name = p.name;
	*kind = p.kind;
	return 0;
}

/* the name of the place of one of kinds on path (a village, a group), or "" */
static const char *ancestor(struct fill *f, const char *path, const char *const *kinds)
{
	struct arena *a = &f->r->arena;
	for (const char *p = path; p && *p;) {
		const char *s = p + 1, *end = strchr(s, '/');
		if (!end || end == s)
			break;
		const char *name, *kind;
		if (place_named(f, arena_strndup(a, s, (size_t)(end - s)), &name, &kind)) {
			f->failed = 1;
			return "";
		}
		for (const char *const *k = kinds; *k; k++)
			if (!strcmp(*k, kind))
				return name;
		p = end;
	}
	return "";
}

static void fill_person(void *ctx, const struct people_export_row *p)
{
	static const char *const villages[] = { "village", "community", NULL };
	static const char *const groups[] = { "group", "natural_village", NULL };
	struct fill *f = ctx;
	struct arena *a = &f->r->arena;
	if (f->failed)
		return;
	f->n++;
	for (int c = 0; c < f->ncols; c++) {
		const char *k = f->field[c], *v = NULL;
		unsigned style = TAB_W_TEXT;
		if (!k)
			continue;
		if (!strcmp(k, "seq")) {
			v = arena_printf(a, "%ld", f->n);
			style = TAB_W_NUMBER;
		} else if (!strcmp(k, "name"))
			v = p->name;
		else if (!strcmp(k, "sex") || !strcmp(k, "relation") || !strcmp(k, "status"))
			v = people_word(!strcmp(k, "sex")        ? p->sex
			                : !strcmp(k, "relation") ? p->relation
			                                         : p->status);
		else if (!strcmp(k, "birth_date"))
			v = p->birth_date;
		else if (!strcmp(k, "age") && p->age >= 0) {
			v = arena_printf(a, "%d", p->age);
			style = TAB_W_NUMBER;
		} else if (!strcmp(k, "id_no"))
			v = p->id_masked;
		else if (!strcmp(k, "phone"))
			v = p->phone_masked;
		else if (!strcmp(k, "village"))
			v = ancestor(f, p->path, villages);
		else if (!strcmp(k, "group"))
			v = ancestor(f, p->path, groups);
		else if (!strcmp(k, "address"))
			v = p->place_name;
		else if (!strcmp(k, "tags"))
			v = p->tags;
		else if (!strcmp(k, "ethnicity"))
			v = p->ethnicity;
		else if (!strcmp(k, "note"))
			v = p->note;
		if (v)
			tab_write(f->w, f->row, c, v, style);
	}
	f->row++;
}

/* the count of one measure under path: 0, 1 if the caller may not see it (a restricted
 * tag), -1 on error */
static int measure_count(struct req *r, const char *field, const char *path, const char *today,
                         int64_t *out, struct err *e)
{
	const char *end = arena_printf(&r->arena, "%s~", path);
	if (!strcmp(field, "households"))
		return db_get_int(
		           r->db, e, out,
		           "SELECT count(*) FROM households h JOIN places p ON p.id = "
		           "h.place_id WHERE p.path >= ? AND p.path < ? AND h.status = 'active'",
		           DB_ARGS(DB_T(path), DB_T(end))) < 0
		           ? -1
		           : 0;
	const char *cond = "1 = 1", *arg = "";
	int y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	        (today[3] - '0');
	if (!strcmp(field, "male"))
		cond = "x.sex = 'M' AND '' = ?";
	else if (!strcmp(field, "female"))
		cond = "x.sex = 'F' AND '' = ?";
	else if (!strcmp(field, "age60") || !strcmp(field, "age80")) {
		cond = "x.birth_date <= ?";
		arg = arena_printf(&r->arena, "%04d%s", y - (field[3] == '6' ? 60 : 80), today + 4);
	} else if (!strcmp(field, "minors")) {
		cond = "x.birth_date > ?";
		arg = arena_printf(&r->arena, "%04d%s", y - 18, today + 4);
	} else if (!strncmp(field, "tag:", 4)) {
		struct db_stmt *st = db_query(
		    r->db, e, "SELECT applies_to, perm FROM tags WHERE id = ?", DB_T(field + 4));
		if (!st || db_step(st, e) != 1)
			return e->status ? -1 : 1;
		const char *applies = db_text(st, 0), *perm = db_text(st, 1);
		db_done(st);
		/* a restricted tag is counted only where the caller may see it */
		if (!people_tag_visible(r, perm, path, NULL))
			return 1;
		if (!strcmp(applies, "household"))
			return db_get_int(
			           r->db, e, out,
			           "SELECT count(*) FROM household_tags t JOIN households h ON "
			           "h.id = t.household_id JOIN places p ON p.id = h.place_id WHERE "
			           "p.path >= ? AND p.path < ? AND h.status = 'active' AND "
			           "t.tag_id "
			           "= ?",
			           DB_ARGS(DB_T(path), DB_T(end), DB_T(field + 4))) < 0
			           ? -1
			           : 0;
		cond = "x.id IN (SELECT person_id FROM person_tags WHERE tag_id = ?)";
		arg = field + 4;
	} else
		cond = "'' = ?";
	return db_get_int(r->db, e, out,
	                  arena_printf(&r->arena,
	                               "SELECT count(*) FROM persons x JOIN places p ON p.id = "
	                               "x.place_id WHERE p.path >= ? AND p.path < ? AND x.status "
	                               "IN ('present', 'away') AND %s",
	                               cond),
	                  DB_ARGS(DB_T(path), DB_T(end), DB_T(arg))) < 0
	           ? -1
	           : 0;
}

/* one row a place under p (its villages, or its groups), counted; then 合计 */
static int fill_rollup(struct fill *f, const struct place *p, const char *today, struct err *e)
{
	struct req *r = f->r;
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT id, name, path FROM places WHERE parent_id = ? AND status = 'active' AND kind "
	    "IN "
	    "('village', 'community', 'natural_village', 'group', 'compound') ORDER BY code, "
	    "length(name), name, id",
	    DB_T(p->id));
	if (!st)
		return -1;
	int rc, nrow = 0, cap = 64;
	const char **names = arena_alloc(&r->arena, (size_t)cap * sizeof(char *));
	const char **paths = arena_alloc(&r->arena, (size_t)cap * sizeof(char *));
	while ((rc = db_step(st, e)) == 1 && nrow < cap) {
		names[nrow] = db_text(st, 1);
		paths[nrow++] = db_text(st, 2);
	}
	if (rc == 1)
		db_done(st);
	if (rc < 0)
		return -1;
	if (!nrow) { /* a group or a compound: itself */
		names[0] = p->name;
		paths[nrow++] = p->path;
	}
	int64_t *sum = arena_zalloc(&r->arena, (size_t)f->ncols * sizeof(int64_t));
	int label = -1; /* the column the places are named in, where 合计 goes */
	for (int c = 0; c < f->ncols && label < 0; c++)
		if (f->field[c] &&
		    (!strcmp(f->field[c], "village") || !strcmp(f->field[c], "group")))
			label = c;
	for (int i = 0; i < nrow; i++, f->row++) {
		for (int c = 0; c < f->ncols; c++) {
			const char *k = f->field[c];
			if (!k)
				continue;
			if (!strcmp(k, "seq"))
				tab_write(f->w, f->row, c, arena_printf(&r->arena, "%d", i + 1),
				          TAB_W_NUMBER);
			else if (!strcmp(k, "village") || !strcmp(k, "group"))
				tab_write(f->w, f->row, c, names[i], TAB_W_TEXT);
			else if (tab_template_measure(k)) {
				int64_t v;
				int rc2 = measure_count(r, k, paths[i], today, &v, e);
				if (rc2 < 0)
					return -1;
				if (rc2 > 0)
					continue;
				sum[c] += v;
				tab_write(f->w, f->row, c,
				          arena_printf(&r->arena, "%lld", (long long)v),
				          TAB_W_NUMBER);
			}
		}
	}
	tab_write(f->w, f->row, label >= 0 ? label : 0, "合计", TAB_W_BOLD);
	for (int c = 0; c < f->ncols; c++)
		if (f->field[c] && tab_template_measure(f->field[c]))
			tab_write(f->w, f->row, c,
			          arena_printf(&r->arena, "%lld", (long long)sum[c]), TAB_W_NUMBER);
	return 0;
}

/*
 * GET /api/v1/export-templates/:id/fill?place=&month=YYYY-MM&<the people list's filters>:
 * the form as an .xlsx, its titles and header as uploaded ({place}, {date}, {month},
 * {year} replaced), the data beneath.
 */
static int fill_template(struct req *r, struct err *e)
{
	struct db_stmt *st = template_row(r, e);
	if (!st)
		return -1;
	const char *region = db_text(st, 1), *name = db_text(st, 4), *kind = db_text(st, 5),
	           *sheet = db_text(st, 8), *columns = db_text(st, 11), *status = db_text(st, 12),
	           *layout = db_text(st, 17);
	int ncols = (int)db_int(st, 9), data_first = (int)db_int(st, 10);
	db_done(st);
	if (strcmp(status, "active"))
		return err_notfound(e, "export.template_not_found", "the template is retired");
	struct place p;
	if (places_get(r->db, req_query(r, "place"), &p, e) != 1)
		return e->status ? -1 : err_notfound(e, "places.not_found", "no such place");
	if (strcmp(p.region, region))
		return err_invalid(e, "export.template_region", "place",
		                   "the template is for another county");
	char today[11];
	people_today(today);
	const char *month = req_query(r, "month");
	int y, m;
	char tail;
	if (month && (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || strlen(month) != 7 ||
	              m < 1 || m > 12 || y < 1900))
		return err_invalid(e, "export.month", "month", "'month' is YYYY-MM");
	if (!month)
		month = arena_strndup(&r->arena, today, 7);
	json_t *lj = json_parse(&r->arena, layout, strlen(layout), e);
	json_t *cj = lj ? json_parse(&r->arena, columns, strlen(columns), e) : NULL;
	if (!cj)
		return -1;
	struct fill f = { .r = r, .ncols = ncols, .row = data_first, .e = e };
	f.field = arena_zalloc(&r->arena, (size_t)ncols * sizeof(char *));
	size_t i;
	json_t *v;
	json_array_foreach(cj, i, v)
	{
		int c = (int)json_integer_value(json_object_get(v, "col"));
		if (c >= 0 && c < ncols)
			f.field[c] = json_string_value(json_object_get(v, "field"));
	}
	if (!(f.w = tab_writer_new(&r->arena, TAB_OUT_XLSX, sheet, 0, e)))
		return -1;
	double *widths = arena_alloc(&r->arena, (size_t)ncols * sizeof(double));
	for (int c = 0; c < ncols; c++)
		widths[c] = 10;
	/* merged ranges first; cells covered by a merge (not its first) are left to it */
	json_t *merges = json_object_get(lj, "merges"), *cells = json_object_get(lj, "cells");
	json_array_foreach(cells, i, v)
	{
		int row = (int)json_integer_value(json_array_get(v, 0));
		int col = (int)json_integer_value(json_array_get(v, 1));
		const char *text = tab_template_title(
		    &r->arena, json_string_value(json_array_get(v, 2)), p.name, today, month);
		int covered = 0, merged = -1;
		size_t k;
		json_t *g;
		json_array_foreach(merges, k, g)
		{
			int r1 = (int)json_integer_value(json_array_get(g, 0)),
			    c1 = (int)json_integer_value(json_array_get(g, 1)),
			    r2 = (int)json_integer_value(json_array_get(g, 2)),
			    c2 = (int)json_integer_value(json_array_get(g, 3));
			if (row == r1 && col == c1)
				merged = (int)k;
			else if (row >= r1 && row <= r2 && col >= c1 && col <= c2)
				covered = 1;
		}
		if (covered)
			continue;
		if (row >= data_first - 2 && col < ncols) {
			size_t len = strlen(text);
			if (len > widths[col] * 1.5 && len < 60)
				widths[col] = (double)len / 1.5;
		}
		if (merged >= 0) {
			g = json_array_get(merges, (size_t)merged);
			tab_write_merge(
			    f.w, row, col, (int)json_integer_value(json_array_get(g, 2)),
			    (int)json_integer_value(json_array_get(g, 3)), text, TAB_W_BOLD);
		} else
			tab_write(f.w, row, col, text, TAB_W_BOLD);
	}
	tab_write_widths(f.w, widths, ncols);
	if (!strcmp(kind, "rollup")) {
		if (fill_rollup(&f, &p, today, e))
			return -1;
	} else if (people_export_rows(r, FILL_MAX, 0, fill_person, &f, e) || f.failed)
		return -1;
	return tab_writer_send(f.w, r, arena_printf(&r->arena, "form-%s", month),
	                       arena_printf(&r->arena, "%s-%s-%s", name, p.name, month), e);
}

static const struct route routes[] = {
	{ "POST", "/api/v1/export-templates", post_template, "tabular.templates", &PLACE_FORM,
	  ROUTE_UPLOAD, TEMPLATE_MAX_BYTES },
	{ "GET", "/api/v1/export-templates", list_templates, "people.read", &PLACE_SCOPE, 0, 0 },
	{ "GET", "/api/v1/export-templates/:id", get_template, "people.read",
	  &PLACE_TEMPLATE_REGION, 0, 0 },
	{ "DELETE", "/api/v1/export-templates/:id", delete_template, "tabular.templates",
	  &PLACE_TEMPLATE, 0, 0 },
	{ "GET", "/api/v1/export-templates/:id/fill", fill_template, "people.read", &PLACE_QUERY, 0,
	  0 },
};

const struct route_table tabular_export_routes = { "tabular", routes,
	                                           sizeof(routes) / sizeof(routes[0]) };

/* ---- for the commands ---- */

int tab_template_add_file(struct db *db, struct arena *a, const struct actor *who, const char *path,
                          const char *name, const char *place_id, const char *bind, const char **id,
                          struct err *e)
{
	struct template_in in = { .name = name, .place_id = place_id };
	const char *slash = strrchr(path, '/');
	in.file_name = slash ? slash + 1 : path;
	if (bind && !(in.bind = json_parse(a, bind, strlen(bind), e)))
		return -1;
	if (in.bind && !json_is_object(in.bind))
		return err_invalid(e, "export.template_bind", "bind",
		                   "'bind' is a JSON object of column: field");
	if (read_file_all(a, path, &in.data, &in.len, e))
		return -1;
	return template_add(db, a, who, &in, id, e);
}
