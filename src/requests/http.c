/* http.c - routes of requests: categories, staff and public intake, the public tracking
 * page, the scoped list, a request with its timeline, and its actions; see requests.h. */
#include "requests.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/config.h"
#include "core/jobs.h"
#include "core/json.h"
#include "core/media.h"
#include "core/util.h"
#include "duties/duties.h"
#include "notify.h"
#include "places/places.h"
#include "tabular/tabular.h"
#include "core/banned.h"

/* the statuses of a request still being worked on (requests_status_open) */
#define OPEN_STATUSES "('submitted', 'signed_for', 'in_progress', 'sent_back')"

/* ---- where a request is ---- */

static int place_of_request(struct req *r, const char **path, const char **gpath, struct err *e)
{
	const char *id = req_param(r, "id"), *place_id = NULL;
	int rc = id ? db_get_text(r->db, e, &place_id, "SELECT place_id FROM requests WHERE id = ?",
	                          DB_ARGS(DB_T(id)))
	            : 0;
	if (rc < 0)
		return -1;
	if (!rc)
		return err_notfound(e, "requests.not_found", "no request '%s'", id ? id : "");
	return req_place_paths(r, place_id, path, gpath, e);
}
static const struct place_rule PLACE_REQUEST = { "param :id is a request; its place", NULL,
	                                         place_of_request };
/* a resident's own requests: the caller's (reporter_user_id), wherever they are */
static const struct place_rule PLACE_MINE = { "none: the caller's own requests (reporter)", NULL,
	                                      NULL };

/* ---- categories ---- */

struct cat {
	const char *id, *parent_id, *name, *role, *attributes;
	int64_t response_hours, resolution_hours, active, version, sort;
};

#define CAT_SELECT                                                                                 \
	"SELECT id, parent_id, name, duty_role, attributes, response_hours, resolution_hours, "    \
	"active, version, sort FROM request_categories "

static void cat_read(struct db_stmt *st, struct cat *c)
{
	*c = (struct cat){ db_text(st, 0), db_text(st, 1), db_text(st, 2), db_text(st, 3),
		           db_text(st, 4), db_int(st, 5),  db_int(st, 6),  db_int(st, 7),
		           db_int(st, 8),  db_int(st, 9) };
}

/* one category's fields as keys of the current object */
static void write_cat(struct jw *w, const struct cat *c)
{
	jw_kstr(w, "id", c->id);
	jw_kstr(w, "parent_id", c->parent_id);
	jw_kstr(w, "name", c->name);
	jw_ki64(w, "response_hours", c->response_hours);
	jw_ki64(w, "resolution_hours", c->resolution_hours);
	jw_kstr(w, "duty_role", c->role);
	jw_key(w, "attributes");
	jw_raw(w, c->attributes, strlen(c->attributes));
	jw_kbool(w, "active", (int)c->active);
	jw_ki64(w, "version", c->version);
	jw_ki64(w, "sort", c->sort);
}

static void write_cats(struct jw *w, const struct cat *c, size_t n, const char *parent, int depth)
{
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		if (parent ? !c[i].parent_id || strcmp(c[i].parent_id, parent) : !!c[i].parent_id)
			continue;
		jw_obj(w);
		write_cat(w, &c[i]);
		jw_key(w, "children");
		if (depth < 4)
			write_cats(w, c, n, c[i].id, depth + 1);
		else
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

#define CATS_MAX 500

/* GET /api/v1/request-categories[?retired=1]: the tree, each with deadlines, role and
 * attributes; the retired ones too with retired=1 (category admin) */
static int list_categories(struct req *r, struct err *e)
{
	struct cat *c = arena_alloc(&r->arena, CATS_MAX * sizeof(*c));
	size_t n = 0;
	const char *all = req_query(r, "retired");
	struct db_stmt *st =
	    db_query(r->db, e,
	             all && !strcmp(all, "1") ? CAT_SELECT "ORDER BY sort, id"
	                                      : CAT_SELECT "WHERE active = 1 ORDER BY sort, id",
	             DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1 && n < CATS_MAX)
		cat_read(st, &c[n++]);
	if (rc < 0)
		return -1;
	db_done(st);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	write_cats(w, c, n, NULL, 0);
	jw_obj_end(w);
	return 0;
}

/* ---- a request as the API answers it ---- */

#define REQ_SELECT                                                                                 \
	"q.id, q.region, q.tracking_code, q.category_id, c.name, q.place_id, p.name, q.title, "    \
	"q.description, q.attributes, q.status, q.source, q.external_no, q.contact_name, "         \
	"q.contact_masked, q.handler_duty_id, q.handler_user_id, q.handler_name, "                 \
	"q.handler_role, q.handler_rung, q.escalation_level, q.response_due_at, "                  \
	"q.resolution_due_at, q.signed_at, q.resolved_at, q.closed_at, q.reply, q.satisfaction, "  \
	"q.satisfaction_note, q.reasonable, q.supervised, q.extension_hours, q.merged_into, "      \
	"q.version, q.created_at, q.updated_at"
#define REQ_FROM                                                                                   \
	"requests q JOIN places p ON p.id = q.place_id JOIN request_categories c ON c.id = "       \
	"q.category_id"
/* a town's requests newest first: read from requests_created, each joined to its place and
 * category in that order (SQLite keeps the order of CROSS JOINs; with statistics it would
 * start from the categories), kept while in scope until the page is full; REQ_ON joins
 * the three wherever a FROM lists them with CROSS JOIN */
#define REQ_FROM_NEWEST "requests q CROSS JOIN places p CROSS JOIN request_categories c"
#define REQ_ON          "p.id = q.place_id AND c.id = q.category_id"

static const char *const req_keys[] = { "id",
	                                "region",
	                                "tracking_code",
	                                "category_id",
	                                "category_name",
	                                "place_id",
	                                "place_name",
	                                "title",
	                                "description",
	                                "@attributes",
	                                "status",
	                                "source",
	                                "external_no",
	                                "contact_name",
	                                "contact_phone",
	                                "handler_duty_id",
	                                "handler_user_id",
	                                "handler_name",
	                                "handler_role",
	                                "#handler_rung",
	                                "#escalation_level",
	                                "response_due_at",
	                                "resolution_due_at",
	                                "signed_at",
	                                "resolved_at",
	                                "closed_at",
	                                "reply",
	                                "#satisfaction",
	                                "satisfaction_note",
	                                "?reasonable",
	                                "?supervised",
	                                "#extension_hours",
	                                "merged_into",
	                                "#version",
	                                "created_at",
	                                "updated_at",
	                                NULL };

/* the instant now, for "overdue" */
static _Thread_local const char *cur_now;

static void write_req_fields(struct jw *w, struct db_stmt *st)
{
	for (int i = 0; req_keys[i]; i++) {
		const char *k = req_keys[i];
		if (db_isnull(st, i) && (*k == '#' || *k == '?' || *k == '@'))
			jw_kstr(w, k + 1, NULL);
		else if (*k == '#')
			jw_ki64(w, k + 1, db_int(st, i));
		else if (*k == '?')
			jw_kbool(w, k + 1, (int)db_int(st, i));
		else if (*k == '@') {
			const char *v = db_text(st, i);
			jw_key(w, k + 1);
			jw_raw(w, v, strlen(v));
		} else
			jw_kstr(w, k, db_text(st, i));
	}
	int s = requests_status_parse(db_text(st, 10));
	const char *rdue = db_text(st, 21), *sdue = db_text(st, 22);
	int overdue = requests_status_open(s) && (strcmp(cur_now, sdue) > 0 ||
	                                          (s == RS_SUBMITTED && strcmp(cur_now, rdue) > 0));
	jw_kbool(w, "overdue", overdue);
}

static void write_req_row(struct jw *w, struct db_stmt *st)
{
	jw_obj(w);
	write_req_fields(w, st);
	jw_obj_end(w);
}

static void set_now(char buf[32])
{
	time_iso(time_now_ms(), buf);
	cur_now = buf;
}

/* the caller's relations to the request (requests_relation) */
static unsigned relation(struct req *r, const char *id, struct err *e)
{
	const char *handler = NULL, *reporter = NULL, *place_id = NULL, *path, *gpath;
	struct err ignore;
	if (db_get_text(r->db, e, &handler, "SELECT handler_user_id FROM requests WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    db_get_text(r->db, e, &reporter, "SELECT reporter_user_id FROM requests WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    db_get_text(r->db, e, &place_id, "SELECT place_id FROM requests WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    req_place_paths(r, place_id, &path, &gpath, e))
		return (unsigned)-1;
	const char *me = r->who ? r->who->user_id : NULL;
	return requests_relation(me && handler && !strcmp(me, handler),
	                         !authz2(r, "requests.handle", path, gpath, &ignore),
	                         !authz2(r, "requests.supervise", path, gpath, &ignore),
	                         me && reporter && !strcmp(me, reporter), handler != NULL);
}

static int write_mediation(struct req *r, struct jw *w, const char *request_id, int *found,
                           struct err *e);

/* {request…, "actions": [what the caller may do now], "timeline": […], "photos": […],
 * "mediation": {…} | null, "may_mediate"} */
static int answer_request(struct req *r, const char *id, struct err *e)
{
	char now[32];
	set_now(now);
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT " REQ_SELECT " FROM " REQ_FROM " WHERE q.id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "requests.not_found", "no request '%s'", id);
	req_etag(r, db_int(st, 33));
	int status = requests_status_parse(db_text(st, 10));
	const char *category = db_text(st, 3), *parent = NULL;
	struct jw *w = req_jw(r);
	jw_obj(w);
	write_req_fields(w, st);
	db_done(st);
	if (db_get_text(r->db, e, &parent, "SELECT parent_id FROM request_categories WHERE id = ?",
	                DB_ARGS(DB_T(category))) < 0)
		return -1;
	unsigned rel = relation(r, id, e);
	if (rel == (unsigned)-1)
		return -1;
	size_t n;
	const struct request_action *acts = requests_actions(&n);
	jw_key(w, "actions");
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		int to;
		if (!requests_step(acts[i].name, status, rel, &to, NULL))
			jw_str(w, acts[i].name);
	}
	jw_arr_end(w);
	st = db_query(
	    r->db, e,
	    "SELECT id, at, action, actor_kind, actor_id, actor_name, note, status_before, "
	    "status_after, data FROM request_events WHERE request_id = ? ORDER BY at, id",
	    DB_T(id));
	if (!st)
		return -1;
	static const char *const keys[] = { "id",           "at",         "action", "actor_kind",
		                            "actor_id",     "actor_name", "note",   "status_before",
		                            "status_after", "@data",      NULL };
	if (jw_key_rows(w, "timeline", st, keys, e))
		return -1;
	st = db_query(
	    r->db, e,
	    "SELECT x.media_id, x.kind, m.mime FROM request_media x JOIN media m ON m.id = "
	    "x.media_id WHERE x.request_id = ? ORDER BY x.created_at, x.kind, x.media_id",
	    DB_T(id));
	if (!st)
		return -1;
	static const char *const pkeys[] = { "media_id", "kind", "mime", NULL };
	if (jw_key_rows(w, "photos", st, pkeys, e))
		return -1;
	/* people's mediation: recorded, or whether the caller may record it */
	int mediated,
	    dispute = !strcmp(category, "dispute") || (parent && !strcmp(parent, "dispute"));
	if (write_mediation(r, w, id, &mediated, e))
		return -1;
	jw_kbool(w, "may_mediate",
	         dispute && !mediated && status != RS_MERGED && (rel & (RR_HANDLER | RR_STAFF)));
	jw_obj_end(w);
	return 0;
}

/* ---- intake ---- */

struct intake_body {
	const char *category_id, *place_id, *title, *description, *source, *external_no,
	    *contact_name, *contact_phone;
	const json_t *photos;
};

/* the strings of a JSON array (checked by JF_STRS) as a list in the arena */
static const char *const *str_list(struct req *r, const json_t *a, size_t *n)
{
	*n = a ? json_array_size(a) : 0;
	const char **v = arena_alloc(&r->arena, (*n + 1) * sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = json_string_value(json_array_get(a, i));
	return v;
}

static const struct jfield staff_fields[] = {
	{ "category_id", JF_STR, offsetof(struct intake_body, category_id), JF_REQUIRED, 1, 40 },
	{ "place_id", JF_STR, offsetof(struct intake_body, place_id), JF_REQUIRED, 1, 40 },
	{ "title", JF_STR, offsetof(struct intake_body, title), 0, 0, 100 },
	{ "description", JF_STR, offsetof(struct intake_body, description), 0, 0, 2000 },
	{ "source", JF_STR, offsetof(struct intake_body, source), JF_REQUIRED, 1, 20 },
	{ "external_no", JF_STR, offsetof(struct intake_body, external_no), JF_NULLABLE, 1, 40 },
	{ "contact_name", JF_STR, offsetof(struct intake_body, contact_name), JF_NULLABLE, 0, 40 },
	{ "contact_phone", JF_STR, offsetof(struct intake_body, contact_phone), JF_NULLABLE, 0,
	  20 },
	{ "photos", JF_STRS, offsetof(struct intake_body, photos), 0, 64, 64 },
};

/* the public form and a resident's own account: no source, no ticket number; photos
 * uploaded without an account (POST /api/v1/public/media) */
static const struct jfield public_fields[] = {
	{ "category_id", JF_STR, offsetof(struct intake_body, category_id), JF_REQUIRED, 1, 40 },
	{ "place_id", JF_STR, offsetof(struct intake_body, place_id), JF_REQUIRED, 1, 40 },
	{ "title", JF_STR, offsetof(struct intake_body, title), 0, 0, 100 },
	{ "description", JF_STR, offsetof(struct intake_body, description), 0, 0, 2000 },
	{ "contact_name", JF_STR, offsetof(struct intake_body, contact_name), JF_NULLABLE, 0, 40 },
	{ "contact_phone", JF_STR, offsetof(struct intake_body, contact_phone), JF_NULLABLE, 0,
	  20 },
	{ "photos", JF_STRS, offsetof(struct intake_body, photos), 0, 64, 64 },
};

/* decode object j by the table f but for its member apart (a JSON value the caller reads
 * itself); 400 json.type when j is not an object */
static int decode_but(json_t *j, const char *apart, const struct jfield *f, size_t n, void *out,
                      uint64_t *seen, int partial, struct err *e)
{
	if (!json_is_object(j))
		return err_invalid(e, "json.type", NULL, "the body must be a JSON object");
	json_t *rest = json_copy(j);
	if (!rest)
		return err_internal(e, "out of memory");
	json_object_del(rest, apart);
	int rc = json_decode(rest, f, n, out, seen, partial, e);
	json_decref(rest); /* the strings live on in j */
	return rc;
}

/* decode body j (its "attributes" apart: a JSON object of the category's spec) into in */
static int intake_decode(struct req *r, json_t *j, const struct jfield *f, size_t n,
                         struct request_in *in, struct err *e)
{
	struct intake_body b = { 0 };
	if (decode_but(j, "attributes", f, n, &b, NULL, 0, e))
		return -1;
	in->category_id = b.category_id;
	in->place_id = b.place_id;
	in->title = b.title;
	in->description = b.description;
	in->source = b.source;
	in->external_no = b.external_no;
	in->contact_name = b.contact_name;
	in->contact_phone = b.contact_phone;
	in->photos = str_list(r, b.photos, &in->nphotos);
	in->attributes = json_object_get(j, "attributes");
	if (in->attributes && json_is_null(in->attributes))
		in->attributes = NULL;
	return 0;
}

/* POST /api/v1/requests: staff intake (a phone call, a visit, a 12345 ticket…) */
static int post_request(struct req *r, struct err *e)
{
	struct request_in in = { 0 };
	const char *id, *code;
	json_t *j = req_json(r, e);
	if (!j || intake_decode(r, j, staff_fields, JF_COUNT(staff_fields), &in, e))
		return -1;
	/* "resident" is a resident's own account submitting: not staff intake (next) */
	if (!requests_source_valid(in.source, 0) || !strcmp(in.source, "resident"))
		return err_invalid(e, "requests.source", "source",
		                   "source is staff_phone, staff_visit, hotline_12345 or internal, "
		                   "not '%s'",
		                   in.source);
	struct actor who;
	accounts_actor(r, &who);
	if (requests_create(r->db, &who, &in, &id, &code, e))
		return -1;
	r->status = 201;
	return answer_request(r, id, e);
}

/* ---- the 12345 import ---- */

struct problem_list {
	struct arena *a;
	struct import_problem {
		int row;
		const char *cell, *code, *msg;
	} * v;
	size_t n, cap;
};

#define IMPORT_PROBLEMS 1000

static void keep_problem(void *ctx, int row, const char *cell, const char *code, const char *msg)
{
	struct problem_list *l = ctx;
	if (l->n == l->cap) {
		if (l->cap >= IMPORT_PROBLEMS)
			return;
		size_t cap = l->cap ? l->cap * 2 : 16;
		l->v = arena_realloc(l->a, l->v, l->cap * sizeof(*l->v), cap * sizeof(*l->v));
		l->cap = cap;
	}
	l->v[l->n++] = (struct import_problem){ row, arena_strdup(l->a, cell),
		                                arena_strdup(l->a, code), arena_strdup(l->a, msg) };
}

/* POST /api/v1/requests/import?place=ID[&dry_run=1][&sheet=N|NAME]: a 12345 export (form
 * field "file") as requests under the place, the good rows in this one transaction; each
 * bad row's problems answered (line, cell, code, message) */
static int post_import(struct req *r, struct err *e)
{
	struct upload *u = req_upload(r, "file");
	if (!u)
		return err_invalid(e, "requests.import_file", "file",
		                   "send the export in a form field named 'file'");
	const char *dry = req_query(r, "dry_run"), *sheet_arg = req_query(r, "sheet");
	int dry_run = dry && strcmp(dry, "0") && strcmp(dry, "false");
	struct place root;
	int rc = places_get(r->db, req_query(r, "place"), &root, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	struct tab_book *b;
	size_t s;
	if (tab_open(&r->arena, u->tmp_path, &b, e) || tab_sheet_pick(b, sheet_arg, &s, e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	struct problem_list l = { &r->arena, NULL, 0, 0 };
	struct requests_import n;
	if (requests_import(r->db, &who, &r->arena, b, s, &root, dry_run, keep_problem, &l, &n, e))
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "place_id", root.id);
	jw_kbool(w, "dry_run", dry_run);
	jw_ki64(w, "rows", n.rows);
	jw_ki64(w, "created", n.created);
	jw_ki64(w, "existing", n.existing);
	jw_ki64(w, "bad", n.bad);
	jw_key(w, "problems");
	jw_arr(w);
	for (size_t i = 0; i < l.n; i++) {
		jw_obj(w);
		jw_ki64(w, "row", l.v[i].row);
		jw_kstr(w, "cell", l.v[i].cell);
		jw_kstr(w, "code", l.v[i].code);
		jw_kstr(w, "message", l.v[i].msg);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

/* POST /api/v1/public/requests: the public form; answers the tracking code */
static int post_public(struct req *r, struct err *e)
{
	struct request_in in = { 0 };
	const char *id, *code;
	json_t *j = req_json(r, e);
	if (!j || intake_decode(r, j, public_fields, JF_COUNT(public_fields), &in, e) ||
	    auth_rate_take(r->addr, config_int("requests.public_per_hour"), 3600 * (int64_t)1000,
	                   "requests.throttled", e))
		return -1;
	in.source = "public";
	in.public_form = 1;
	in.public_photos = 1;
	struct actor who = { "system", NULL, "public", r->request_id };
	if (requests_create(r->db, &who, &in, &id, &code, e))
		return -1;
	r->status = 201;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "tracking_code", code);
	jw_kstr(w, "status", "submitted");
	jw_obj_end(w);
	return 0;
}

/*
 * The tracking view of the request with code: the status and steps, nothing personal; for
 * the reporter's own account (mine) also its id, title and place.
 */
static int answer_tracking(struct req *r, const char *code, int mine, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT q.id, q.tracking_code, q.category_id, c.name, q.status, q.created_at, "
	    "q.response_due_at, q.resolution_due_at, q.signed_at, q.resolved_at, q.closed_at, "
	    "q.reply, q.satisfaction, q.title, p.name FROM " REQ_FROM " WHERE q.tracking_code = ?",
	    DB_T(code));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "requests.not_found", "no request with this code");
	static const char *const keys[] = { "tracking_code",
		                            "category_id",
		                            "category_name",
		                            "status",
		                            "created_at",
		                            "response_due_at",
		                            "resolution_due_at",
		                            "signed_at",
		                            "resolved_at",
		                            "closed_at",
		                            "reply",
		                            "#satisfaction",
		                            NULL };
	const char *id = db_text(st, 0);
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (mine) {
		jw_kstr(w, "id", id);
		jw_kstr(w, "title", db_text(st, 13));
		jw_kstr(w, "place_name", db_text(st, 14));
	}
	for (int i = 0; keys[i]; i++) {
		if (keys[i][0] == '#')
			db_isnull(st, i + 1) ? jw_kstr(w, keys[i] + 1, NULL)
			                     : jw_ki64(w, keys[i] + 1, db_int(st, i + 1));
		else
			jw_kstr(w, keys[i], db_text(st, i + 1));
	}
	/* what the reporter may do now: rate once, reopen within requests.reopen_days */
	int status = requests_status_parse(db_text(st, 4)), to;
	int64_t resolved = 0;
	jw_key(w, "actions");
	jw_arr(w);
	if (!requests_step("rate", status, RR_REPORTER, &to, NULL) && db_isnull(st, 12))
		jw_str(w, "rate");
	if (!requests_step("reopen", status, RR_REPORTER, &to, NULL) && !db_isnull(st, 9) &&
	    !time_parse_iso(db_text(st, 9), &resolved) &&
	    requests_reopen_allowed(resolved, time_now_ms(), config_int("requests.reopen_days")))
		jw_str(w, "reopen");
	jw_arr_end(w);
	db_done(st);
	/* the steps a resident is told of: not notes, classing, supervision or escalation */
	st = db_query(r->db, e,
	              "SELECT at, action, status_after FROM request_events WHERE request_id = ? "
	              "AND action IN ('submit', 'route', 'sign', 'start', 'resolve', 'follow_up', "
	              "'rate', 'close', 'reopen', 'send_back', 'reroute', 'approve_extension', "
	              "'merge') ORDER BY at, id",
	              DB_T(id));
	if (!st)
		return -1;
	static const char *const ekeys[] = { "at", "action", "status", NULL };
	if (jw_key_rows(w, "timeline", st, ekeys, e))
		return -1;
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/public/requests/:code: the status and steps, nothing personal */
static int get_public(struct req *r, struct err *e)
{
	char code[REQUESTS_CODE_LEN + 1];
	if (requests_code_normalize(req_param(r, "code"), code))
		return err_notfound(e, "requests.not_found", "no request with this code");
	return answer_tracking(r, code, 0, e);
}

struct public_act_body {
	const char *action, *comment, *reason;
	int64_t satisfaction;
};

static const struct jfield public_act_fields[] = {
	{ "action", JF_STR, offsetof(struct public_act_body, action), JF_REQUIRED, 1, 40 },
	{ "comment", JF_STR, offsetof(struct public_act_body, comment), 0, 0, 500 },
	{ "reason", JF_STR, offsetof(struct public_act_body, reason), 0, 0, 500 },
	{ "satisfaction", JF_I64, offsetof(struct public_act_body, satisfaction), 0, 1, 5 },
};

/*
 * The reporter's action on the request with code (normalized; NULL: not found): rate
 * {satisfaction, comment} once, or reopen {reason} within requests.reopen_days; answers
 * the tracking view. By the tracking code (mine 0: counted against the public form's
 * limit, the timeline's actor "public"), or by the resident's own account (mine 1).
 */
static int reporter_act(struct req *r, const char *code, int mine, struct err *e)
{
	struct public_act_body b = { 0 };
	struct request_act in = { 0 };
	const char *id = NULL;
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, public_act_fields, JF_COUNT(public_act_fields), &b, NULL, 0, e) ||
	    (!mine && auth_rate_take(r->addr, config_int("requests.public_per_hour"),
	                             3600 * (int64_t)1000, "requests.throttled", e)))
		return -1;
	if (strcmp(b.action, "rate") && strcmp(b.action, "reopen"))
		return err_invalid(e, "requests.action", "action",
		                   "a resident may rate or reopen, not '%s'", b.action);
	int rc = !code
	             ? 0
	             : db_get_text(r->db, e, &id, "SELECT id FROM requests WHERE tracking_code = ?",
	                           DB_ARGS(DB_T(code)));
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "requests.not_found", "no request with this code");
	in.action = b.action;
	in.comment = b.comment;
	in.reason = b.reason;
	in.satisfaction = b.satisfaction;
	in.reasonable = -1;
	in.rel = RR_REPORTER;
	in.public_form = !mine;
	struct actor who = { "system", NULL, "public", r->request_id };
	if (mine)
		accounts_actor(r, &who);
	if (requests_act(r->db, &who, id, &in, e))
		return -1;
	return answer_tracking(r, code, mine, e);
}

/* POST /api/v1/public/requests/:code/actions: the reporter by the tracking code */
static int post_public_action(struct req *r, struct err *e)
{
	char code[REQUESTS_CODE_LEN + 1];
	return reporter_act(r, requests_code_normalize(req_param(r, "code"), code) ? NULL : code, 0,
	                    e);
}

/* q AND the filters lists and rates share: ?category= (it or its children), ?place= (under
 * it in either tree) */
static int and_filters(struct req *r, struct query *q, struct err *e)
{
	const char *v;
	if ((v = req_query(r, "category"))) {
		query_and(q, "(q.category_id = ? OR c.parent_id = ?)", DB_T(v));
		q->args[q->n++] = DB_T(v);
	}
	if ((v = req_query(r, "place"))) {
		const char *path, *gpath;
		if (req_place_paths(r, v, &path, &gpath, e))
			return -1;
		query_and_under2(r, q, "p.path", "p.gpath", path);
	}
	return 0;
}

/* ---- the public list ---- */

/* Open311 GeoReport v2's names where it has one (service_code, service_name, status
 * open|closed, requested_datetime, updated_datetime), ours beside them */
static const char *const public_keys[] = {
	"service_code",       "service_name",     "place_name",        "status", "detailed_status",
	"requested_datetime", "updated_datetime", "resolved_datetime", NULL
};

static void write_public_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, public_keys);
}

static const char *const public_sorts[] = { "created=q.created_at", "updated=q.updated_at", NULL };

/*
 * GET /api/v1/public/requests?place=&category=&status=: what residents have asked for and
 * where it stands, nothing personal — the category, the place's name when it is not a
 * home (not a building, unit or dwelling), the status (open|closed, and ours) and dates;
 * no id, code, text, contact, handler or reply. place (required) is a town, village or
 * community; status is open, closed or one of ours.
 */
static int list_public(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	struct place p;
	const char *v = req_query(r, "place");
	if (req_page(r, public_sorts, "-created", &pg, e))
		return -1;
	int rc = v ? places_get(r->db, v, &p, e) : 0;
	if (rc < 0)
		return -1;
	if (!rc || strcmp(p.status, "active") ||
	    (strcmp(p.kind, "town") && strcmp(p.kind, "village") && strcmp(p.kind, "community")))
		return err_invalid(e, "requests.public_place", "place",
		                   "name a town, village or community");
	strbuf_init(&q.where, &r->arena, 0);
	q.n = 0;
	strbuf_adds(&q.where, "q.status <> 'merged'");
	if ((v = req_query(r, "status"))) {
		if (!strcmp(v, "open") || !strcmp(v, "closed"))
			query_and(&q,
			          !strcmp(v, "open") ? "q.status IN " OPEN_STATUSES
			                             : "q.status NOT IN " OPEN_STATUSES,
			          DB_NOARGS);
		else if (requests_status_parse(v) < 0)
			return err_invalid(e, "requests.status", "status", "no status '%s'", v);
		else
			query_and(&q, "q.status = ?", DB_T(v));
	}
	if (and_filters(r, &q, e))
		return -1;
	/* a town, newest first: as the inbox of a town (list_requests), the requests read
	 * newest first until the page is full, the count stopping at 1,000 */
	const char *from = REQ_FROM;
	if (!strcmp(p.kind, "town") && !strcmp(pg.order, "q.created_at DESC")) {
		query_and(&q, REQ_ON, DB_NOARGS);
		pg.count_cap = 1000;
		from = REQ_FROM_NEWEST;
	} else if (strcmp(p.kind, "town")) {
		/* a village's places, then their requests (requests_place): a few thousand */
		query_and(&q, REQ_ON, DB_NOARGS);
		from = "places p CROSS JOIN requests q CROSS JOIN request_categories c";
	}
	return req_list(
	    r,
	    "q.category_id, c.name, CASE WHEN p.kind IN ('building', 'unit', "
	    "'dwelling') THEN NULL ELSE p.name END, CASE WHEN q.status IN " OPEN_STATUSES
	    " THEN 'open' ELSE 'closed' END, q.status, q.created_at, q.updated_at, "
	    "q.resolved_at",
	    from, &q, &pg, write_public_row, e);
}

/* ---- the list ---- */

static const char *const req_sorts[] = { "created=q.created_at", "due=q.resolution_due_at",
	                                 "status=q.status", "place=p.path", NULL };

/* 1 if the list covers a town or more (the place asked for, else the caller's widest grant),
 * 0 if less, -1 on error */
static int wide_scope(struct req *r, struct err *e)
{
	const char *place = req_query(r, "place"), *path, *gpath;
	if (!place)
		return !authz_scope_below_town(r, "requests.read");
	if (req_place_paths(r, place, &path, &gpath, e))
		return -1;
	return !authz_below_town(path);
}

/* GET /api/v1/requests?status=&category=&place=&mine=1&overdue=1 */
static int list_requests(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	char now[32];
	const char *v;
	if (req_page(r, req_sorts, "-created", &pg, e))
		return -1;
	set_now(now);
	query_scope2(r, &q, "requests.read", "p.path", "p.gpath");
	if ((v = req_query(r, "status"))) {
		if (requests_status_parse(v) < 0)
			return err_invalid(e, "requests.status", "status", "no status '%s'", v);
		query_and(&q, "q.status = ?", DB_T(v));
	}
	if (and_filters(r, &q, e))
		return -1;
	if ((v = req_query(r, "mine")) && !strcmp(v, "1"))
		query_and(&q, "q.handler_user_id = ?", DB_T(r->who->user_id));
	if ((v = req_query(r, "overdue")) && !strcmp(v, "1")) {
		query_and(
		    &q,
		    "q.status IN ('submitted', 'signed_for', 'in_progress', 'sent_back') AND "
		    "(q.resolution_due_at < ? OR (q.status = 'submitted' AND q.response_due_at "
		    "< ?))",
		    DB_T(now));
		q.args[q.n++] = DB_T(now);
	}
	/* a scope of thousands of requests sorts only their keys, then reads the page's rows */
	pg.key = "q.id";
	pg.key_from = REQ_FROM;
	int wide = wide_scope(r, e);
	if (wide < 0)
		return -1;
	if (!wide || strcmp(pg.order, "q.created_at DESC"))
		return req_list(r, REQ_SELECT, REQ_FROM, &q, &pg, write_req_row, e);
	/* a town or more, newest first: read the requests newest first (requests_created) and
	 * keep those in scope until the page is full, rather than every place of the town and
	 * all their requests sorted; the count stops at 1,000 ("total_capped") */
	query_and(&q, REQ_ON, DB_NOARGS);
	pg.count_cap = 1000;
	return req_list(r, REQ_SELECT, REQ_FROM_NEWEST, &q, &pg, write_req_row, e);
}

/* ---- the rates ---- */

/* {"requests", "unreasonable", the rates} of c as keys of the current object */
static void write_rates(struct jw *w, const struct request_counts *c)
{
	struct request_rates rt;
	requests_rates(c, &rt);
	jw_ki64(w, "requests", c->total);
	jw_ki64(w, "unreasonable", c->unreasonable);
	jw_ki64(w, "responded_in_time", c->responded_in_time);
	jw_ki64(w, "resolved", c->resolved);
	jw_ki64(w, "rated", c->rated);
	jw_ki64(w, "satisfied", c->satisfied);
	const int64_t v[] = { rt.responded, rt.resolved, rt.satisfied, rt.avg_response_min,
		              rt.avg_resolution_min };
	static const char *const k[] = { "responded_permille", "resolved_permille",
		                         "satisfied_permille", "avg_response_minutes",
		                         "avg_resolution_minutes" };
	for (int i = 0; i < 5; i++)
		v[i] < 0 ? jw_kstr(w, k[i], NULL) : jw_ki64(w, k[i], v[i]);
}

/* ?name=YYYY-MM-DD as the instant it starts in Beijing, or dflt; 400 json.date */
static int day_param(struct req *r, const char *name, int64_t dflt, int64_t *out, struct err *e)
{
	const char *v = req_query(r, name);
	if (!v) {
		*out = dflt;
		return 0;
	}
	if (date_check(v) || time_parse_iso(arena_printf(&r->arena, "%sT00:00:00+08:00", v), out))
		return err_invalid(e, "json.date", name, "'%s' must be a date YYYY-MM-DD", name);
	return 0;
}

#define RATES_WEEKS 60
#define RATES_ROWS  200000

/*
 * GET /api/v1/requests/rates?place=&category=&handler=&from=&to=: the three rates and
 * the average times of the requests submitted in [from, to) (Beijing dates; default the
 * last 12 weeks), in the caller's scope, overall and by week (Monday).
 */
static int get_rates(struct req *r, struct err *e)
{
	struct query q;
	const char *v;
	int64_t now = time_now_ms(), from, to;
	if (day_param(r, "from", now - 84 * 24 * HOUR_MS, &from, e) ||
	    day_param(r, "to", now + 1, &to, e))
		return -1;
	if (req_query(r, "to"))
		to += 24 * HOUR_MS; /* inclusive */
	if (to <= from || to - from > RATES_WEEKS * 7 * 24 * HOUR_MS)
		return err_invalid(e, "requests.range", "to",
		                   "from must come before to, at most %d weeks apart", RATES_WEEKS);
	char from_s[32], to_s[32];
	time_iso(from, from_s);
	time_iso(to, to_s);
	query_scope2(r, &q, "requests.read", "p.path", "p.gpath");
	query_and(&q, "q.created_at >= ?", DB_T(arena_strdup(&r->arena, from_s)));
	query_and(&q, "q.created_at < ?", DB_T(arena_strdup(&r->arena, to_s)));
	query_and(&q, "q.status <> 'merged'", DB_NOARGS);
	if ((v = req_query(r, "handler")))
		query_and(&q, "q.handler_user_id = ?", DB_T(v));
	if (and_filters(r, &q, e))
		return -1;
	q.args[q.n] = DB_NOARGS;
	struct db_stmt *st = db_query_(
	    r->db, e,
	    arena_printf(
	        &r->arena,
	        "SELECT q.created_at, q.response_due_at, q.resolution_due_at, q.signed_at, "
	        "q.resolved_at, q.satisfaction, q.reasonable FROM " REQ_FROM
	        " WHERE %s ORDER BY q.created_at LIMIT %d",
	        q.where.buf, RATES_ROWS),
	    q.args);
	if (!st)
		return -1;
	struct request_counts all = { 0 },
	                      *weeks = arena_alloc(&r->arena, RATES_WEEKS * sizeof(*weeks));
	char(*names)[11] = arena_alloc(&r->arena, RATES_WEEKS * 11);
	size_t nw = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		struct request_fact f = { requests_ms(db_text(st, 0)),
			                  requests_ms(db_text(st, 1)),
			                  requests_ms(db_text(st, 2)),
			                  requests_ms(db_text(st, 3)),
			                  requests_ms(db_text(st, 4)),
			                  db_isnull(st, 5) ? 0 : (int)db_int(st, 5),
			                  db_isnull(st, 6) ? -1 : (int)db_int(st, 6) };
		char wk[11];
		requests_week(f.created, wk);
		if ((!nw || strcmp(names[nw - 1], wk)) && nw < RATES_WEEKS) {
			memcpy(names[nw], wk, 11);
			memset(&weeks[nw++], 0, sizeof(*weeks));
		}
		requests_count(&all, &f, now);
		requests_count(&weeks[nw - 1], &f, now);
	}
	if (rc < 0)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "from", from_s);
	jw_kstr(w, "to", to_s);
	jw_key(w, "total");
	jw_obj(w);
	write_rates(w, &all);
	jw_obj_end(w);
	jw_key(w, "weeks");
	jw_arr(w);
	for (size_t i = 0; i < nw; i++) {
		jw_obj(w);
		jw_kstr(w, "week", names[i]);
		write_rates(w, &weeks[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/requests/:id */
static int get_request(struct req *r, struct err *e)
{
	return answer_request(r, req_param(r, "id"), e);
}

/* {"items": [every row of st by keys]} (st NULL: its error) */
static int answer_rows(struct req *r, struct db_stmt *st, const char *const *keys, struct err *e)
{
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (jw_key_rows(w, "items", st, keys, e))
		return -1;
	jw_obj_end(w);
	return 0;
}

/*
 * GET /api/v1/requests/:id/assignees: whom a leader may assign the request to (派单) — the
 * enabled accounts holding requests.handle over its place (either tree), by login, at most
 * 200; the holder marked.
 */
static int list_assignees(struct req *r, struct err *e)
{
	const char *id = req_param(r, "id"), *place_id = NULL, *path, *gpath;
	if (db_get_text(r->db, e, &place_id, "SELECT place_id FROM requests WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    req_place_paths(r, place_id, &path, &gpath, e))
		return -1;
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT u.id, u.login, u.name, CASE WHEN u.id = (SELECT handler_user_id FROM requests "
	    "WHERE id = ?) THEN 1 ELSE 0 END FROM users u WHERE u.disabled = 0 AND "
	    "" REQUESTS_SQL_HOLDS " ORDER BY u.login LIMIT 200",
	    DB_T(id), DB_T("requests.handle"), DB_I(0), DB_T(path), DB_T(gpath));
	static const char *const keys[] = { "id", "login", "name", "?handler", NULL };
	return answer_rows(r, st, keys, e);
}

/* ---- actions ---- */

struct act_body {
	const char *action, *reply, *reason, *note, *comment, *target_id, *assignee_id;
	int64_t satisfaction, hours;
	int reasonable;
	const json_t *photos;
};

static const struct jfield act_fields[] = {
	{ "action", JF_STR, offsetof(struct act_body, action), JF_REQUIRED, 1, 40 },
	{ "reply", JF_STR, offsetof(struct act_body, reply), 0, 0, 2000 },
	{ "reason", JF_STR, offsetof(struct act_body, reason), 0, 0, 500 },
	{ "note", JF_STR, offsetof(struct act_body, note), 0, 0, 500 },
	{ "comment", JF_STR, offsetof(struct act_body, comment), 0, 0, 500 },
	{ "target_id", JF_ID, offsetof(struct act_body, target_id), 0, 0, 0 },
	{ "satisfaction", JF_I64, offsetof(struct act_body, satisfaction), 0, 1, 5 },
	{ "hours", JF_I64, offsetof(struct act_body, hours), 0, 1, 720 },
	{ "reasonable", JF_BOOL, offsetof(struct act_body, reasonable), 0, 0, 0 },
	{ "photos", JF_STRS, offsetof(struct act_body, photos), 0, 64, 64 },
	{ "assignee_id", JF_ID, offsetof(struct act_body, assignee_id), 0, 0, 0 },
};

/* POST /api/v1/requests/:id/actions {action, reply, reason, note, comment, satisfaction,
 * hours, reasonable, target_id} (If-Match optional) */
static int post_action(struct req *r, struct err *e)
{
	struct act_body b = { 0 };
	struct request_act in = { 0 };
	uint64_t seen = 0;
	const char *id = req_param(r, "id");
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, act_fields, JF_COUNT(act_fields), &b, &seen, 0, e))
		return -1;
	if (req_header(r, "If-Match")) {
		int64_t version = 0;
		if (db_get_int(r->db, e, &version, "SELECT version FROM requests WHERE id = ?",
		               DB_ARGS(DB_T(id))) < 0 ||
		    req_if_match(r, version, e))
			return -1;
	}
	in.action = b.action;
	in.reply = b.reply;
	in.reason = b.reason;
	in.note = b.note;
	in.comment = b.comment;
	in.target_id = b.target_id;
	in.assignee_id = b.assignee_id;
	in.satisfaction = b.satisfaction;
	in.hours = b.hours;
	in.reasonable = seen & (1u << 8) ? b.reasonable : -1;
	if (b.photos && strcmp(b.action, "resolve"))
		return err_invalid(e, "requests.photo", "photos",
		                   "photos go with the reply (resolve)");
	in.photos = str_list(r, b.photos, &in.nphotos);
	in.user_id = r->who->user_id;
	in.rel = relation(r, id, e);
	if (in.rel == (unsigned)-1)
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	if (requests_act(r->db, &who, id, &in, e))
		return -1;
	return answer_request(r, id, e);
}

/* ---- the public place picker ---- */

/* what a resident may pick on the public form: not a unit or a dwelling (a home) */
#define PUBLIC_KINDS                                                                               \
	"('town', 'village', 'community', 'natural_village', 'group', 'compound', 'building')"

/*
 * GET /api/v1/public/places?parent=: the public form's cascading picker, without an
 * account — the towns (no parent), or the active physical places under parent (a town or
 * below: 400 requests.public_place) that a resident may pick, each with the number of
 * its own to pick from (children), by name, at most 500. Names and kinds only: no codes,
 * people or homes.
 */
static int list_public_places(struct req *r, struct err *e)
{
	const char *parent = req_query(r, "parent");
	struct place p;
	if (parent) {
		int rc = places_get(r->db, parent, &p, e);
		if (rc < 0)
			return -1;
		if (!rc || strcmp(p.status, "active") || strcmp(p.tree, "physical") ||
		    !places_town_path(&r->arena, p.path) ||
		    !strstr(PUBLIC_KINDS, arena_printf(&r->arena, "'%s'", p.kind)))
			return err_invalid(e, "requests.public_place", "parent",
			                   "name a town or a place in one");
	}
#define PUBLIC_PLACES_SELECT                                                                       \
	"SELECT p.id, p.name, p.kind, (SELECT count(*) FROM places k WHERE k.parent_id = p.id "    \
	"AND k.status = 'active' AND k.tree = 'physical' AND k.kind IN " PUBLIC_KINDS ") FROM "    \
	"places p WHERE p.status = 'active' AND p.tree = 'physical' AND "
#define PUBLIC_PLACES_ORDER " ORDER BY p.name, p.id LIMIT 500"
	struct db_stmt *st =
	    parent ? db_query(r->db, e,
	                      PUBLIC_PLACES_SELECT
	                      "p.parent_id = ? AND p.kind IN " PUBLIC_KINDS PUBLIC_PLACES_ORDER,
	                      DB_T(parent))
	           : db_query(r->db, e, PUBLIC_PLACES_SELECT "p.kind = 'town'" PUBLIC_PLACES_ORDER,
	                      DB_NOARGS);
	static const char *const keys[] = { "id", "name", "kind", "#children", NULL };
	return answer_rows(r, st, keys, e);
}

/* ---- a resident's own account ---- */

/* POST /api/v1/me/requests: a resident submits over their own place (requests.submit
 * there: PLACE_BODY); the form's fields and its photos; answers the tracking view */
static int post_mine(struct req *r, struct err *e)
{
	struct request_in in = { 0 };
	const char *id, *code;
	json_t *j = req_json(r, e);
	if (!j || intake_decode(r, j, public_fields, JF_COUNT(public_fields), &in, e))
		return -1;
	in.source = "resident";
	in.reporter_user_id = r->who->user_id;
	in.public_photos = 1;
	struct actor who;
	accounts_actor(r, &who);
	if (requests_create(r->db, &who, &in, &id, &code, e))
		return -1;
	r->status = 201;
	return answer_tracking(r, code, 1, e);
}

static const char *const mine_keys[] = {
	"id",     "tracking_code", "category_id", "category_name", "place_name",    "title",
	"status", "created_at",    "updated_at",  "resolved_at",   "#satisfaction", NULL
};

static void write_mine_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, mine_keys);
}

/* GET /api/v1/me/requests?status=: the caller's own requests, newest first */
static int list_mine(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	const char *v;
	if (req_page(r, public_sorts, "-created", &pg, e))
		return -1;
	strbuf_init(&q.where, &r->arena, 0);
	q.n = 0;
	strbuf_adds(&q.where, "1 = 1");
	query_and(&q, "q.reporter_user_id = ?", DB_T(r->who->user_id));
	if ((v = req_query(r, "status"))) {
		if (requests_status_parse(v) < 0)
			return err_invalid(e, "requests.status", "status", "no status '%s'", v);
		query_and(&q, "q.status = ?", DB_T(v));
	}
	return req_list(r,
	                "q.id, q.tracking_code, q.category_id, c.name, p.name, q.title, q.status, "
	                "q.created_at, q.updated_at, q.resolved_at, q.satisfaction",
	                REQ_FROM, &q, &pg, write_mine_row, e);
}

/* the tracking code of the caller's own request :id; 404 for anyone else's */
static int mine_code(struct req *r, const char **code, struct err *e)
{
	int rc = db_get_text(r->db, e, code,
	                     "SELECT tracking_code FROM requests WHERE id = ? AND "
	                     "reporter_user_id = ?",
	                     DB_ARGS(DB_T(req_param(r, "id")), DB_T(r->who->user_id)));
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "requests.not_found", "no request of yours");
	return 0;
}

/* GET /api/v1/me/requests/:id: the tracking view of one's own request */
static int get_mine(struct req *r, struct err *e)
{
	const char *code;
	return mine_code(r, &code, e) ? -1 : answer_tracking(r, code, 1, e);
}

/* POST /api/v1/me/requests/:id/actions {action: rate | reopen}: as the tracking code allows */
static int post_mine_action(struct req *r, struct err *e)
{
	const char *code;
	return mine_code(r, &code, e) ? -1 : reporter_act(r, code, 1, e);
}

/* ---- photos without an account ---- */

/*
 * POST /api/v1/public/media (multipart "file"): a photo for the public form or a resident's
 * own request — a JPEG or PNG by its bytes (400 requests.photo), at most
 * requests.public_media_max_bytes (413 media.too_large), its position removed; at most
 * requests.public_media_per_hour from one address (429 requests.throttled). The upload is
 * remembered (request_uploads) so that a request attaches it within the hour.
 */
static int post_public_media(struct req *r, struct err *e)
{
	struct upload *u = req_upload(r, "file");
	if (!u)
		return err_invalid(e, "media.file_required", "file",
		                   "send the file in a form field named 'file'");
	if (auth_rate_take(arena_printf(&r->arena, "media:%s", r->addr),
	                   config_int("requests.public_media_per_hour"), HOUR_MS,
	                   "requests.throttled", e))
		return -1;
	unsigned char head[16];
	int fd = open(u->tmp_path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
	if (fd >= 0)
		close(fd);
	const char *mime = n > 0 ? media_sniff(head, (size_t)n) : NULL;
	if (!mime || strncmp(mime, "image/", 6))
		return err_invalid(e, "requests.photo", "file", "send a JPEG or PNG photo");
	char id[65], now[32];
	int64_t size;
	int added;
	if (media_store(u->tmp_path, config_int("requests.public_media_max_bytes"), 0, id, &mime,
	                &size, e))
		return -1;
	u->tmp_path = NULL; /* consumed */
	struct actor who = { "system", NULL, "public", r->request_id };
	time_iso(time_now_ms(), now);
	if (media_record(r->db, &who, "000000", id, mime, size, NULL, 0, NULL, &added, e) ||
	    db_exec(r->db, e,
	            "INSERT INTO request_uploads (media_id, created_at) VALUES (?, ?) ON CONFLICT "
	            "(media_id) DO UPDATE SET created_at = excluded.created_at",
	            DB_T(id), DB_T(now)) < 0)
		return -1;
	r->status = added ? 201 : 200;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "mime", mime);
	jw_ki64(w, "bytes", size);
	jw_obj_end(w);
	return 0;
}

/* ---- category admin ---- */

static const struct jfield category_fields[] = {
	{ "id", JF_STR, offsetof(struct request_category_in, id), JF_REQUIRED, 1, 40 },
	{ "parent_id", JF_STR, offsetof(struct request_category_in, parent_id), JF_NULLABLE, 1,
	  40 },
	{ "name", JF_STR, offsetof(struct request_category_in, name), JF_REQUIRED, 1, 40 },
	{ "sort", JF_I64, offsetof(struct request_category_in, sort), 0, 0, 100000 },
	{ "response_hours", JF_I64, offsetof(struct request_category_in, response_hours),
	  JF_REQUIRED, 1, 8760 },
	{ "resolution_hours", JF_I64, offsetof(struct request_category_in, resolution_hours),
	  JF_REQUIRED, 1, 8760 },
	{ "duty_role", JF_STR, offsetof(struct request_category_in, duty_role), JF_REQUIRED, 1,
	  40 },
};

/* body j as a category: the fields (bits of *set as RC_*, after "id"), the attributes */
static int category_decode(json_t *j, int partial, struct request_category_in *in, unsigned *set,
                           struct err *e)
{
	uint64_t seen = 0;
	memset(in, 0, sizeof(*in));
	if (decode_but(j, "attributes", category_fields, JF_COUNT(category_fields), in, &seen,
	               partial, e))
		return -1;
	if (partial && (seen & 1))
		return err_invalid(e, "json.read_only", "id", "a category keeps its id");
	*set = (unsigned)(seen >> 1);
	in->attributes = json_object_get(j, "attributes");
	if (in->attributes)
		*set |= RC_ATTRIBUTES;
	return 0;
}

/* {the category id} with its ETag */
static int answer_category(struct req *r, const char *id, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e, CAT_SELECT "WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0
		           ? -1
		           : err_notfound(e, "requests.category_not_found", "no category '%s'", id);
	struct cat c;
	cat_read(st, &c);
	db_done(st);
	req_etag(r, c.version);
	struct jw *w = req_jw(r);
	jw_obj(w);
	write_cat(w, &c);
	jw_obj_end(w);
	return 0;
}

/* If-Match, when sent, against category :id's version */
static int category_if_match(struct req *r, struct err *e)
{
	int64_t version = 0;
	const char *id = req_param(r, "id");
	if (!req_header(r, "If-Match"))
		return 0;
	int rc =
	    db_get_int(r->db, e, &version, "SELECT version FROM request_categories WHERE id = ?",
	               DB_ARGS(DB_T(id)));
	if (rc <= 0)
		return rc < 0
		           ? -1
		           : err_notfound(e, "requests.category_not_found", "no category '%s'", id);
	return req_if_match(r, version, e);
}

/* POST /api/v1/request-categories {id, parent_id, name, sort, response_hours,
 * resolution_hours, duty_role, attributes} */
static int post_category(struct req *r, struct err *e)
{
	struct request_category_in in;
	unsigned set;
	json_t *j = req_json(r, e), *none = json_array();
	struct actor who;
	accounts_actor(r, &who);
	int rc = !j || category_decode(j, 0, &in, &set, e);
	if (!rc && !in.attributes)
		in.attributes = none;
	rc = rc || requests_category_create(r->db, &who, &in, e);
	json_decref(none);
	if (rc)
		return -1;
	r->status = 201;
	return answer_category(r, in.id, e);
}

/* PATCH /api/v1/request-categories/:id (If-Match): the fields sent */
static int patch_category(struct req *r, struct err *e)
{
	struct request_category_in in;
	unsigned set;
	const char *id = req_param(r, "id");
	json_t *j = req_json(r, e);
	struct actor who;
	accounts_actor(r, &who);
	if (!j || category_decode(j, 1, &in, &set, e) || category_if_match(r, e) ||
	    requests_category_update(r->db, &who, id, &in, set, e))
		return -1;
	return answer_category(r, id, e);
}

/* POST /api/v1/request-categories/:id/retire (If-Match) */
static int retire_category(struct req *r, struct err *e)
{
	const char *id = req_param(r, "id");
	struct actor who;
	accounts_actor(r, &who);
	if (category_if_match(r, e) || requests_category_retire(r->db, &who, id, e))
		return -1;
	return answer_category(r, id, e);
}

/* ---- people's mediation ---- */

/* the mediation of request_id as the current object's key "mediation" (null if none);
 * *found 1 if there is one */
static int write_mediation(struct req *r, struct jw *w, const char *request_id, int *found,
                           struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT id, request_id, mediator_user_id, mediator_name, held_on, held_at, dispute, "
	    "agreement, result, created_by, created_at FROM request_mediations WHERE request_id = "
	    "?",
	    DB_T(request_id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	*found = rc;
	jw_key(w, "mediation");
	if (!rc) {
		jw_null(w);
		return 0;
	}
	static const char *const keys[] = {
		"id",      "request_id", "mediator_user_id", "mediator_name",
		"held_on", "held_at",    "dispute",          "agreement",
		"result",  "created_by", "created_at",       NULL
	};
	const char *id = db_text(st, 0);
	jw_obj(w);
	for (int i = 0; keys[i]; i++)
		jw_kstr(w, keys[i], db_text(st, i));
	db_done(st);
	st = db_query(r->db, e,
	              "SELECT name, phone_masked FROM request_mediation_parties WHERE "
	              "mediation_id = ? ORDER BY seq",
	              DB_T(id));
	static const char *const pkeys[] = { "name", "phone", NULL };
	if (!st || jw_key_rows(w, "parties", st, pkeys, e))
		return -1;
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/requests/:id/mediation: {mediation: …}, 404 requests.mediation_not_found */
static int get_mediation(struct req *r, struct err *e)
{
	int found;
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (write_mediation(r, w, req_param(r, "id"), &found, e))
		return -1;
	jw_obj_end(w);
	if (!found)
		return err_notfound(e, "requests.mediation_not_found",
		                    "no mediation recorded for this request");
	return 0;
}

struct mediation_body {
	const char *mediator_user_id, *held_on, *held_at, *dispute, *agreement, *result;
};

static const struct jfield mediation_fields[] = {
	{ "mediator_user_id", JF_STR, offsetof(struct mediation_body, mediator_user_id),
	  JF_REQUIRED, 1, 40 },
	{ "held_on", JF_DATE, offsetof(struct mediation_body, held_on), JF_REQUIRED, 0, 0 },
	{ "held_at", JF_STR, offsetof(struct mediation_body, held_at), JF_REQUIRED, 1, 100 },
	{ "dispute", JF_STR, offsetof(struct mediation_body, dispute), JF_REQUIRED, 1, 2000 },
	{ "agreement", JF_STR, offsetof(struct mediation_body, agreement), JF_NULLABLE, 0, 4000 },
	{ "result", JF_STR, offsetof(struct mediation_body, result), JF_REQUIRED, 1, 20 },
};

/* the parties of a mediation body: [{name, phone}] */
static int parties_decode(struct req *r, const json_t *a, struct request_mediation_in *in,
                          struct err *e)
{
	size_t n = json_array_size(a), i;
	if (!json_is_array(a) || n > REQUESTS_PARTIES)
		return err_invalid(e, "requests.parties", "parties",
		                   "parties is a list of 2 to %d {name, phone}", REQUESTS_PARTIES);
	struct request_party *p = arena_alloc(&r->arena, (n + 1) * sizeof(*p));
	const json_t *x;
	json_array_foreach(a, i, x)
	{
		char field[40];
		const json_t *name = json_object_get(x, "name"),
		             *phone = json_object_get(x, "phone");
		snprintf(field, sizeof(field), "parties[%zu]", i);
		if (!json_is_object(x) || json_object_size(x) > 2u ||
		    json_object_size(x) != (size_t)(!!name + !!phone) ||
		    (phone && !json_is_string(phone) && !json_is_null(phone)))
			return err_invalid(e, "requests.parties", field,
			                   "a party is {name, phone}, phone optional");
		p[i].name = json_string_value(name);
		p[i].phone = json_string_value(phone);
	}
	in->parties = p;
	in->nparties = n;
	return 0;
}

/* POST /api/v1/requests/:id/mediation {mediator_user_id, held_on, held_at, dispute,
 * agreement, result, parties: [{name, phone}]} */
static int post_mediation(struct req *r, struct err *e)
{
	struct mediation_body b = { 0 };
	struct request_mediation_in in = { 0 };
	const char *id = req_param(r, "id"), *mid;
	json_t *j = req_json(r, e);
	if (!j ||
	    decode_but(j, "parties", mediation_fields, JF_COUNT(mediation_fields), &b, NULL, 0,
	               e) ||
	    parties_decode(r, json_object_get(j, "parties"), &in, e))
		return -1;
	in.mediator_user_id = b.mediator_user_id;
	in.held_on = b.held_on;
	in.held_at = b.held_at;
	in.dispute = b.dispute;
	in.agreement = b.agreement;
	in.result = b.result;
	struct actor who;
	accounts_actor(r, &who);
	if (requests_mediation_create(r->db, &who, id, &in, &mid, e))
		return -1;
	r->status = 201;
	return get_mediation(r, e);
}

/* ---- the routes ---- */

static const struct route routes[] = {
	{ "GET", "/api/v1/request-categories", list_categories, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_PUBLIC_ZONE, 0 },
	{ "GET", "/api/v1/requests", list_requests, "requests.read", &PLACE_SCOPE, ROUTE_CACHE, 0 },
	{ "POST", "/api/v1/requests", post_request, "requests.handle", &PLACE_BODY, 0, 0 },
	/* a whole export at once: those who supervise requests over the place, not every
	 * handler */
	{ "POST", "/api/v1/requests/import", post_import, "requests.supervise", &PLACE_QUERY,
	  ROUTE_UPLOAD, 20 << 20 },
	{ "GET", "/api/v1/requests/rates", get_rates, "requests.read", &PLACE_SCOPE, 0, 0 },
	{ "GET", "/api/v1/requests/:id", get_request, "requests.read", &PLACE_REQUEST, 0, 0 },
	{ "POST", "/api/v1/requests/:id/actions", post_action, "requests.read", &PLACE_REQUEST, 0,
	  0 },
	{ "GET", "/api/v1/requests/:id/assignees", list_assignees, "requests.supervise",
	  &PLACE_REQUEST, 0, 0 },
	/* the request's outbox: who was told what, and whether it went (notify.c) */
	{ "GET", "/api/v1/requests/:id/notifications", notify_list_request, "requests.read",
	  &PLACE_REQUEST, 0, 0 },
	{ "GET", "/api/v1/public/requests", list_public, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_PUBLIC_ZONE | ROUTE_CACHE, 0 },
	{ "POST", "/api/v1/public/requests", post_public, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_PUBLIC_ZONE, 0 },
	{ "GET", "/api/v1/public/requests/:code", get_public, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_PUBLIC_ZONE, 0 },
	{ "POST", "/api/v1/public/requests/:code/actions", post_public_action, PERM_PUBLIC,
	  &PLACE_NONE, ROUTE_PUBLIC_ZONE, 0 },
	{ "GET", "/api/v1/public/places", list_public_places, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_PUBLIC_ZONE, 0 },
	/* photos for the public form and residents' own requests: no account */
	{ "POST", "/api/v1/public/media", post_public_media, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_UPLOAD | ROUTE_PUBLIC_ZONE, 0 },
	/* a resident's own requests: submitted over their place, listed and acted on as theirs */
	{ "POST", "/api/v1/me/requests", post_mine, "requests.submit", &PLACE_BODY, 0, 0 },
	{ "GET", "/api/v1/me/requests", list_mine, "requests.submit", &PLACE_MINE, 0, 0 },
	{ "GET", "/api/v1/me/requests/:id", get_mine, "requests.submit", &PLACE_MINE, 0, 0 },
	{ "POST", "/api/v1/me/requests/:id/actions", post_mine_action, "requests.submit",
	  &PLACE_MINE, 0, 0 },
	/* category admin: categories belong to every town */
	{ "POST", "/api/v1/request-categories", post_category, "requests.admin", &PLACE_NONE, 0,
	  0 },
	{ "PATCH", "/api/v1/request-categories/:id", patch_category, "requests.admin", &PLACE_NONE,
	  0, 0 },
	{ "POST", "/api/v1/request-categories/:id/retire", retire_category, "requests.admin",
	  &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/requests/:id/mediation", get_mediation, "requests.read", &PLACE_REQUEST,
	  0, 0 },
	{ "POST", "/api/v1/requests/:id/mediation", post_mediation, "requests.handle",
	  &PLACE_REQUEST, 0, 0 },
};

const struct route_table requests_routes = { "requests", routes,
	                                     sizeof(routes) / sizeof(routes[0]) };

/* ---- cockpit ---- */

/* requests being worked on under path */
static int tile_open(struct db *db, const char *path, int64_t *out, struct err *e)
{
	/* the subtree's places, then their open requests from requests_open alone */
	return cockpit_count(
	    db,
	    "SELECT count(*) FROM places p CROSS JOIN requests q WHERE p.path >= "
	    "? AND p.path < ? AND q.place_id = p.id AND q.status IN " OPEN_STATUSES,
	    path, out, e);
}

/* of those, the ones past a deadline: resolution, or response while not signed for */
static int tile_overdue(struct db *db, const char *path, int64_t *out, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	const char *end = arena_printf(db_arena(db), "%s~", path);
	return db_get_int(
	           db, e, out,
	           "SELECT count(*) FROM places p CROSS JOIN requests q WHERE p.path >= ? AND "
	           "p.path < ? AND q.place_id = p.id AND q.status IN " OPEN_STATUSES
	           " AND (q.resolution_due_at < ? OR (q.status = 'submitted' AND "
	           "q.response_due_at < ?))",
	           DB_ARGS(DB_T(path), DB_T(end), DB_T(now), DB_T(now))) < 0
	           ? -1
	           : 0;
}

static const struct cockpit_tile open_tile = { "requests.open", "requests.read", "件", tile_open };
/* a minute behind the clock at most: counting again costs every child place's requests */
static const struct cockpit_tile overdue_tile = { "requests.overdue", "requests.read", "件",
	                                          tile_overdue, 60 * 1000 };

/* ---- the escalation job ---- */

/* requests.escalate, every five minutes: the deadlines passed since, one rung each */
static int job_escalate(struct job_ctx *j, struct err *e)
{
	int64_t n;
	if (requests_escalate(j->db, &j->actor, time_now_ms(), &n, e))
		return -1;
	strbuf_addf(&j->result, "{\"escalated\":%lld}", (long long)n);
	return 0;
}

static const struct job_kind escalate_kind = { "requests.escalate", job_escalate, 300 };

void requests_register(void)
{
	notify_register();
	duties_on_handover(requests_duty_handed_over);
	jobs_register(&escalate_kind);
	cockpit_register(&open_tile);
	cockpit_register(&overdue_tile);
}
