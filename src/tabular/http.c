/*
 * http.c - the import routes: upload a register for a place, see its sheets, header and
 * mapping, change them, check it (a job: every problem stored), run it (a job: the good rows
 * written in batches), read its problems. An import is at a place, and every route needs
 * people.write over it: a register holds identity numbers. See docs/api.md ("Imports").
 */
#include "import.h"

#include <string.h>

#include "accounts/accounts.h"
#include "core/cockpit.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

#define IMPORT_MAX_BYTES (256L << 20)

/* ---- where an import is ---- */

static int place_of_import(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return req_row_place_paths(r, "SELECT place_id FROM imports WHERE id = ?",
	                           "import.not_found", "import", path, gpath, e);
}
static const struct place_rule PLACE_IMPORT = { "param :id is an import; its place", NULL,
	                                        place_of_import };

/* ---- an import as JSON ---- */

static const char *const count_keys[] = { "rows",        "rows_bad",         "problems",
	                                  "warnings",    "households_added", "persons_added",
	                                  "persons_same" };

static int answer_import(struct req *r, const char *id, struct err *e)
{
	struct import_row im;
	if (import_load(r->db, id, &im, e))
		return -1;
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT i.sheets, i.columns, i.file_size, i.created_at, i.updated_at, i.finished_at, "
	    "i.error, i.job_id, j.state, j.progress, p.name, i.data_first, i.header_first "
	    "FROM imports i JOIN places p ON p.id = i.place_id "
	    "LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = ?",
	    DB_T(id));
	if (!st || db_step(st, e) != 1)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "id", im.id);
	jw_key(w, "place");
	jw_obj(w);
	jw_kstr(w, "id", im.place_id);
	jw_kstr(w, "name", db_text(st, 10));
	jw_obj_end(w);
	jw_kstr(w, "file_name", im.file_name);
	jw_kstr(w, "format", im.format);
	jw_ki64(w, "file_size", db_int(st, 2));
	jw_kstr(w, "state", im.state);
	jw_key(w, "sheets");
	jw_raw(w, db_text(st, 0), strlen(db_text(st, 0)));
	jw_ki64(w, "sheet", im.sheet + 1);
	jw_ki64(w, "header_row", db_int(st, 12) + 1);
	jw_ki64(w, "data_row", db_int(st, 11) + 1);
	/* the columns: letter, header name, field */
	json_error_t je;
	json_t *names = json_loads(db_text(st, 1), 0, &je), *map = json_loads(im.mapping, 0, &je);
	jw_key(w, "columns");
	jw_arr(w);
	for (size_t i = 0; names && i < json_array_size(names); i++) {
		char col[8];
		json_t *f = map ? json_array_get(map, i) : NULL;
		jw_obj(w);
		jw_kstr(w, "column", tab_col_name((int)i, col));
		jw_kstr(w, "name", json_string_value(json_array_get(names, i)));
		jw_kstr(w, "field", f && json_is_string(f) ? json_string_value(f) : NULL);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	json_decref(names);
	json_decref(map);
	jw_key(w, "counts");
	jw_obj(w);
	for (int i = 0; i < 7; i++)
		jw_ki64(w, count_keys[i], im.counts[i]);
	jw_ki64(w, "rows_done", im.rows_done);
	jw_obj_end(w);
	jw_kstr(w, "error", db_text(st, 6));
	jw_key(w, "job");
	if (db_isnull(st, 7)) {
		jw_null(w);
	} else {
		jw_obj(w);
		jw_kstr(w, "id", db_text(st, 7));
		jw_kstr(w, "state", db_text(st, 8));
		jw_ki64(w, "progress", db_int(st, 9));
		jw_obj_end(w);
	}
	jw_kstr(w, "created_by", im.created_by);
	jw_kstr(w, "created_at", db_text(st, 3));
	jw_kstr(w, "updated_at", db_text(st, 4));
	jw_kstr(w, "finished_at", db_text(st, 5));
	jw_ki64(w, "version", im.version);
	jw_obj_end(w);
	db_done(st);
	req_etag(r, im.version);
	return 0;
}

/* ---- routes ---- */

/* POST /api/v1/imports?place=ID (multipart: file, sheet) */
static int post_import(struct req *r, struct err *e)
{
	struct upload *u = req_upload(r, "file");
	if (!u)
		return err_invalid(e, "import.file_required", "file",
		                   "send the register as the multipart field 'file'");
	struct place p;
	int rc = places_get(r->db, req_query(r, "place"), &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	if (strcmp(p.tree, "physical") || strcmp(p.status, "active"))
		return err_invalid(
		    e, "import.place", "place",
		    "a register is imported to an active village, community or town");
	struct actor who;
	accounts_actor(r, &who);
	char id[ID_LEN + 1];
	const char *name = u->filename && *u->filename ? u->filename : "register";
	if (import_create(r->db, &r->arena, &who, u->tmp_path, name, &p, req_form(r, "sheet"), id,
	                  e))
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/imports/%s", id));
	return answer_import(r, id, e);
}

/* GET /api/v1/imports?place= */
static void write_import_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = {
		"id",         "file_name", "format",         "state",
		"#rows",      "#rows_bad", "#persons_added", "created_by",
		"created_at", "place_id",  "place_name",     NULL
	};
	jw_row(w, st, keys);
}

static int list_imports(struct req *r, struct err *e)
{
	static const char *const sorts[] = { "created=i.created_at", NULL };
	struct page pg;
	struct query q;
	if (req_page(r, sorts, "-created", &pg, e))
		return -1;
	query_scope2(r, &q, "people.write", "p.path", "p.gpath");
	const char *place = req_query(r, "place");
	if (place) {
		const char *path, *gpath;
		if (req_place_paths(r, place, &path, &gpath, e))
			return -1;
		query_and_under2(r, &q, "p.path", "p.gpath", path);
	}
	return req_list(r,
	                "i.id, i.file_name, i.format, i.state, i.rows_total, i.rows_bad, "
	                "i.persons_added, i.created_by, i.created_at, p.id, p.name",
	                "imports i JOIN places p ON p.id = i.place_id", &q, &pg, write_import_row,
	                e);
}

/* GET /api/v1/imports/:id */
static int get_import(struct req *r, struct err *e)
{
	return answer_import(r, req_param(r, "id"), e);
}

/* the import, for a change: it exists, is at the version sent, and is not queued or past */
static int import_for_change(struct req *r, struct import_row *im, struct err *e)
{
	if (import_load(r->db, req_param(r, "id"), im, e) || req_if_match(r, im->version, e))
		return -1;
	if (strcmp(im->state, "uploaded") && strcmp(im->state, "checked") &&
	    !(!strcmp(im->state, "failed") && !im->rows_done))
		return err_conflict(e, "import.state", "state",
		                    "the import is %s: it can no longer be changed", im->state);
	return 0;
}

/* PUT /api/v1/imports/:id {sheet, mapping, save_mapping} */
static int put_import(struct req *r, struct err *e)
{
	json_t *body = req_json(r, e);
	if (!body)
		return -1;
	struct import_row im;
	if (import_for_change(r, &im, e))
		return -1;
	json_t *sheet = json_object_get(body, "sheet"), *mapping = json_object_get(body, "mapping");
	json_t *save = json_object_get(body, "save_mapping");
	if (sheet && !json_is_integer(sheet))
		return err_invalid(e, "json.type", "sheet", "'sheet' is a number from 1");
	if (save && !json_is_boolean(save))
		return err_invalid(e, "json.type", "save_mapping",
		                   "'save_mapping' is true or false");
	struct tab_book *b;
	if (import_open(&r->arena, im.id, &b, e))
		return -1;
	long s = sheet ? (long)json_integer_value(sheet) - 1 : im.sheet;
	if (s < 0 || (size_t)s >= b->nsheets)
		return err_invalid(e, "import.sheet", "sheet", "the file has %zu sheets",
		                   b->nsheets);
	struct tab_header h;
	if (import_header(&r->arena, b, (size_t)s, &h, e))
		return -1;
	enum tab_field *map = NULL;
	if (mapping && import_mapping_parse(&r->arena, mapping, h.ncols, &map, e))
		return -1;
	if (import_set_sheet(r->db, &r->arena, im.id, im.region, b, s, map, e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, &r->arena);
	jw_ki64(w, "sheet", s + 1);
	if (map) {
		const char *json = import_mapping_json(&r->arena, map, h.ncols);
		jw_key(w, "mapping");
		jw_raw(w, json, strlen(json));
		struct import_row now;
		if (save && json_is_true(save) &&
		    (import_load(r->db, im.id, &now, e) ||
		     import_save_mapping(r->db, &who, &now, &h, json, e)))
			return -1;
	}
	if (audit_write(r->db, &who, im.region, "imports", im.id, "update", jdoc_close(&doc), e))
		return -1;
	return answer_import(r, im.id, e);
}

/* queue the check or the run of an import as a job, by the caller */
static int queue(struct req *r, const char *kind, const char *state, struct err *e)
{
	struct import_row im;
	if (import_for_change(r, &im, e))
		return -1;
	if (!strcmp(kind, "import.run") && strcmp(im.state, "checked"))
		return err_conflict(e, "import.not_checked", "state",
		                    "check the import (its dry run) before running it");
	if (!strcmp(kind, "import.run") && im.counts[0] == im.counts[1])
		return err_conflict(e, "import.nothing", "state",
		                    "every row of the register has errors: nothing to import");
	struct actor who;
	accounts_actor(r, &who);
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, &r->arena);
	jw_kstr(w, "import_id", im.id);
	jw_kstr(w, "user_kind", who.kind);
	jw_kstr(w, "user_id", who.id);
	jw_kstr(w, "user_name", who.name);
	char job[32], now[32];
	time_iso(time_now_ms(), now);
	if (jobs_enqueue(r->db, kind, im.region, jdoc_close(&doc), 0, 0, who.name, job, e) ||
	    db_exec(r->db, e,
	            "UPDATE imports SET state = ?, job_id = ?, error = NULL, updated_at = ?, "
	            "version = version + 1 WHERE id = ?",
	            DB_T(state), DB_T(job), DB_T(now), DB_T(im.id)) < 0 ||
	    audit_write(r->db, &who, im.region, "imports", im.id, kind + 7, "{}", e))
		return -1;
	jobs_kick();
	req_accepted_job(r, job);
	return 0;
}

/* POST /api/v1/imports/:id/check */
static int check_import(struct req *r, struct err *e)
{
	return queue(r, "import.check", "checking", e);
}

/* POST /api/v1/imports/:id/run */
static int run_import(struct req *r, struct err *e)
{
	return queue(r, "import.run", "queued", e);
}

/* GET /api/v1/imports/:id/problems?errors=1 */
static void write_problem_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "#line",   "#column",  "cell", "code",
		                            "message", "?warning", NULL };
	jw_row(w, st, keys);
}

static int import_problems(struct req *r, struct err *e)
{
	static const char *const sorts[] = { "seq=seq", NULL };
	struct page pg;
	if (req_page(r, sorts, "seq", &pg, e))
		return -1;
	struct query q;
	q.n = 0;
	strbuf_init(&q.where, &r->arena, 128);
	strbuf_adds(&q.where, "import_id = ?");
	q.args[q.n++] = DB_T(req_param(r, "id"));
	const char *v = req_query(r, "errors");
	if (v && !strcmp(v, "1"))
		query_and(&q, "warning = 0", DB_NOARGS);
	return req_list(r, "line, col, cell, code, message, warning", "import_problems", &q, &pg,
	                write_problem_row, e);
}

/* GET /api/v1/imports/fields: the fields a column may be mapped to */
static int import_fields(struct req *r, struct err *e)
{
	(void)e;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	for (int f = TF_NONE + 1; tab_field_id((enum tab_field)f); f++)
		jw_str(w, tab_field_id((enum tab_field)f));
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

static const struct route routes[] = {
	{ "GET", "/api/v1/imports/fields", import_fields, "people.write", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/imports", post_import, "people.write", &PLACE_QUERY,
	  ROUTE_UPLOAD | ROUTE_NO_TX, IMPORT_MAX_BYTES },
	{ "GET", "/api/v1/imports", list_imports, "people.write", &PLACE_SCOPE, 0, 0 },
	{ "GET", "/api/v1/imports/:id", get_import, "people.write", &PLACE_IMPORT, 0, 0 },
	{ "PUT", "/api/v1/imports/:id", put_import, "people.write", &PLACE_IMPORT, 0, 0 },
	{ "POST", "/api/v1/imports/:id/check", check_import, "people.write", &PLACE_IMPORT, 0, 0 },
	{ "POST", "/api/v1/imports/:id/run", run_import, "people.write", &PLACE_IMPORT, 0, 0 },
	{ "GET", "/api/v1/imports/:id/problems", import_problems, "people.write", &PLACE_IMPORT, 0,
	  0 },
};

const struct route_table tabular_routes = { "tabular", routes, sizeof(routes) / sizeof(routes[0]) };

/* ---- the cockpit ---- */

/* people brought in by imports under path in the last 30 days */
static int tile_imported(struct db *db, const char *path, int64_t *out, struct err *e)
{
	char since[32];
	time_iso(time_now_ms() - 30LL * 86400 * 1000, since);
	return db_get_int(db, e, out,
	                  "SELECT COALESCE(SUM(i.persons_added), 0) FROM imports i "
	                  "JOIN places p ON p.id = i.place_id WHERE p.path >= ? AND p.path < ? "
	                  "AND i.state = 'done' AND i.finished_at >= ?",
	                  DB_ARGS(DB_T(path), DB_T(arena_printf(db_arena(db), "%s~", path)),
	                          DB_T(since))) < 0
	           ? -1
	           : 0;
}

/* the last 30 days: counted again after midnight */
static const struct cockpit_tile imported_tile = { "imports.persons_30d", "people.read", "人",
	                                           tile_imported, COCKPIT_DATED };

/* ---- the jobs ---- */

static int job_pass(struct job_ctx *j, int write, struct err *e);

static void job_progress(void *ctx, long done, long total)
{
	struct job_ctx *j = ctx;
	jobs_progress(j, total > 0 ? (int)(done * 99 / total) : 0);
}

static int job_check(struct job_ctx *j, struct err *e)
{
	return job_pass(j, 0, e);
}

static int job_run(struct job_ctx *j, struct err *e)
{
	return job_pass(j, 1, e);
}

static int job_pass(struct job_ctx *j, int write, struct err *e)
{
	const char *id = json_string_value(json_object_get(j->args, "import_id"));
	if (!id)
		return err_invalid(e, "import.not_found", "import_id", "the job names no import");
	struct actor who = {
		json_string_value(json_object_get(j->args, "user_kind")),
		json_string_value(json_object_get(j->args, "user_id")),
		json_string_value(json_object_get(j->args, "user_name")),
		j->id,
	};
	if (!who.kind || !who.name)
		who = j->actor;
	int rc = import_pass(j->db, j->arena, id, write, &who, job_progress, j, e);
	if (!rc) {
		strbuf_adds(&j->result, "{\"import_id\":\"");
		strbuf_adds(&j->result, id);
		strbuf_adds(&j->result, "\"}");
		return 0;
	}
	if (e->status >= 500) { /* the database: tried again, taken up where it stopped */
		if (j->last_attempt)
			import_fail(
			    j->db, id,
			    arena_printf(j->arena, "gave up after the last attempt: %s", e->msg));
		return -1;
	}
	log_warn("import %s: %s", id, e->msg);
	import_fail(j->db, id, e->msg); /* the file or its mapping: trying again changes nothing */
	return 0;
}

/* the daily job: uploads left unimported for import.keep_days lose their file */
static int job_expire(struct job_ctx *j, struct err *e)
{
	int64_t n = 0;
	if (import_expire(j->db, &j->actor, j->arena, config_int("import.keep_days"), &n, e))
		return -1;
	strbuf_addf(&j->result, "{\"expired\":%lld}", (long long)n);
	return 0;
}

static const struct job_kind check_kind = { "import.check", job_check, 0 };
static const struct job_kind run_kind = { "import.run", job_run, 0 };
static const struct job_kind expire_kind = { "import.expire", job_expire, 86400 };

void tabular_register(void)
{
	jobs_register(&check_kind);
	jobs_register(&run_kind);
	jobs_register(&expire_kind);
	cockpit_register(&imported_tile);
}
