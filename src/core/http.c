/*
 * http.c - libmicrohttpd server, router, request lifecycle; see http.h.
 *
 * Lifecycle of one request, in MHD's access-handler calls:
 *   1st call   make struct req (malloc'd, with its arena), match the route, check the
 *              declared Content-Length against the cap; answer nothing yet (answering on
 *              the first call makes MHD 0.9.75 close keep-alive connections).
 *   body calls JSON bodies append to r->body up to http.body_max (then 413, rest
 *              discarded); multipart uploads stream through MHD's post processor to
 *              temporary files, capped per route.
 *   last call  dispatch: authenticate, check permission over the target's place, run the
 *              handler in a transaction for unsafe methods, queue the response.
 *   completed  the access-log line; temp files removed; the arena released.
 */
#include "http.h"
#include "static.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "answers.h"
#include "audit.h"
#include "auth.h"
#include "config.h"
#include "crypt.h"
#include "log.h"
#include "media.h"
#include "util.h"
#include "banned.h"

#define MAX_TABLES 64

static const struct route_table *tables[MAX_TABLES];
static size_t ntables;
static const struct server_opts *opts;
static atomic_int inflight;
static atomic_int draining; /* stopping: new connections are refused */
static int public_only;     /* serve --public-only: only ROUTE_PUBLIC_ZONE routes exist */
static int tls_on;          /* serving HTTPS natively */

/* ---- per-thread database connections ---- */

/*
 * Every connection of the server is in conns (closed at the end); the first nspare of
 * them were opened by http_serve before the workers started and wait for their thread.
 */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *conns[1024];
static size_t nconns, nspare;
static _Thread_local struct db *thread_db;

static void add_conn(struct db *db)
{
	pthread_mutex_lock(&conns_lock);
	if (nconns < sizeof(conns) / sizeof(conns[0]))
		conns[nconns++] = db;
	pthread_mutex_unlock(&conns_lock);
}

/* the connection every thread's writes share (db_group_run); NULL: each writes on its own */
static struct db_group *group;

struct db *http_thread_db(struct err *e)
{
	if (thread_db)
		return thread_db;
	pthread_mutex_lock(&conns_lock);
	struct db *db = nspare ? conns[--nspare] : NULL;
	pthread_mutex_unlock(&conns_lock);
	if (!db) { /* more threads than were opened for */
		if (db_open(&db, opts->db_url, 0, e))
			return NULL;
		add_conn(db);
	}
	thread_db = db;
	return db;
}

/*
 * One connection per worker, opened before the workers start: no request waits for a
 * PostgreSQL backend to start, and a server that cannot have them all says so at once.
 */
static int open_conns(int n, struct err *e)
{
	for (int i = 0; i < n; i++) {
		struct db *db;
		if (db_open(&db, opts->db_url, 0, e)) {
			char msg[sizeof(e->msg)];
			snprintf(msg, sizeof(msg), "%s", e->msg);
			snprintf(e->msg, sizeof(e->msg),
			         "database connection %d of %d (one per thread): %.190s", i + 1, n,
			         msg);
			return -1;
		}
		add_conn(db);
		nspare = nconns;
	}
	/* SQLite alone gains from it (db_group_open): no PostgreSQL connection opened to ask */
	if (config_bool("http.group_commit") && nconns && !strcmp(db_backend(conns[0]), "sqlite"))
		return db_group_open(&group, opts->db_url, n, e);
	return 0;
}

void http_set_group(struct db_group *g)
{
	group = g;
}

static void close_conns(void)
{
	db_group_close(group);
	group = NULL;
	answers_clear(); /* the process's: none may outlive the database it was read from */
	pthread_mutex_lock(&conns_lock);
	for (size_t i = 0; i < nconns; i++)
		db_close(conns[i]);
	nconns = nspare = 0;
	pthread_mutex_unlock(&conns_lock);
}

/* ---- routes ---- */

void http_add_routes(const struct route_table *t)
{
	if (ntables < MAX_TABLES)
		tables[ntables++] = t;
}

void http_each_route(void (*fn)(const struct route *rt, const char *module, void *arg), void *arg)
{
	for (size_t i = 0; i < ntables; i++)
		for (size_t j = 0; j < tables[i]->n; j++)
			fn(&tables[i]->routes[j], tables[i]->module, arg);
}

int http_path_match(const char *pat, const char *path, struct req *r)
{
	int n = 0;
	while (*pat && *path) {
		if (*pat == ':') {
			const char *name = ++pat;
			while (*pat && *pat != '/')
				pat++;
			const char *v = path;
			while (*path && *path != '/')
				path++;
			if (path == v || n >= 8)
				return 0;
			if (r) {
				r->param_names[n] =
				    arena_strndup(&r->arena, name, (size_t)(pat - name));
				r->param_values[n] =
				    arena_strndup(&r->arena, v, (size_t)(path - v));
			}
			n++;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	if (*pat || *path)
		return 0;
	if (r)
		r->nparams = n;
	return 1;
}

/* 0 found; 404 no path; 405 with allow filled */
static int route_find(struct req *r, char *allow, size_t allow_len)
{
	int path_seen = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < ntables; i++)
		for (size_t j = 0; j < tables[i]->n; j++) {
			const struct route *rt = &tables[i]->routes[j];
			if (public_only && !(rt->flags & ROUTE_PUBLIC_ZONE))
				continue; /* 404, not 405 or 401: not even its path is told */
			if (!http_path_match(rt->path, r->path, NULL))
				continue;
			if (!strcmp(rt->method, r->method)) {
				http_path_match(rt->path, r->path, r);
				r->route = rt;
				return 0;
			}
			if (!strstr(allow, rt->method)) {
				size_t l = strlen(allow);
				snprintf(allow + l, allow_len - l, "%s%s", l ? ", " : "",
				         rt->method);
			}
			path_seen = 1;
		}
	return path_seen ? 405 : 404;
}

/* ---- request accessors ---- */

const char *req_param(struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->param_names[i], name))
			return r->param_values[i];
	return NULL;
}

const char *req_query(struct req *r, const char *name)
{
	if (!r->conn) {
		for (const char *const *q = r->query; q && q[0]; q += 2)
			if (!strcmp(q[0], name))
				return q[1];
		return NULL;
	}
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

json_t *req_json(struct req *r, struct err *e)
{
	if (r->json)
		return r->json;
	if (!r->body.len) {
		err_invalid(e, "http.body_required", NULL, "a JSON body is required");
		return NULL;
	}
	r->json = json_parse(&r->arena, r->body.buf, r->body.len, e);
	return r->json;
}

struct upload *req_upload(struct req *r, const char *field)
{
	for (struct upload *u = r->uploads; u; u = u->next)
		if (!strcmp(u->field, field))
			return u;
	return NULL;
}

const char *req_form(struct req *r, const char *name)
{
	for (struct form_field *f = r->fields; f; f = f->next)
		if (!strcmp(f->name, name))
			return f->value.buf;
	return NULL;
}

struct jw *req_jw(struct req *r)
{
	if (!r->content_type) {
		r->content_type = "application/json; charset=utf-8";
		jw_init(&r->jw, &r->out);
	}
	return &r->jw;
}

void req_set_header(struct req *r, const char *name, const char *value)
{
	struct header *h = arena_alloc(&r->arena, sizeof(*h));
	h->name = name;
	h->value = arena_strdup(&r->arena, value);
	h->next = r->headers;
	r->headers = h;
}

int req_page(struct req *r, const char *const *allowed, const char *default_sort, struct page *pg,
             struct err *e)
{
	const char *p = req_query(r, "page"), *ps = req_query(r, "page_size");
	const char *sort = req_query(r, "sort");
	pg->page = 1;
	pg->size = 50;
	pg->count_cap = 0;
	pg->key = pg->key_from = NULL;
	if (p && parse_i64(p, 1, 1000000, &pg->page))
		return err_invalid(e, "http.page", "page", "'page' must be a whole number from 1");
	if (ps && parse_i64(ps, 1, 500, &pg->size))
		return err_invalid(e, "http.page_size", "page_size",
		                   "'page_size' must be a whole number from 1 to 500");
	pg->offset = (pg->page - 1) * pg->size;
	if (!sort || !*sort)
		sort = default_sort;
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 1024);
	const char *s = sort;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		int desc = n && *s == '-';
		const char *key = s + desc;
		size_t kn = n - (size_t)desc;
		const char *expr = NULL;
		for (size_t i = 0; allowed[i]; i++) {
			const char *eq = strchr(allowed[i], '=');
			if (eq && (size_t)(eq - allowed[i]) == kn &&
			    !strncmp(allowed[i], key, kn)) {
				expr = eq + 1;
				break;
			}
		}
		if (!expr || !kn)
			return err_invalid(e, "http.sort", "sort", "cannot sort by '%.*s'", (int)kn,
			                   key);
		strbuf_addf(&sb, "%s%s%s", sb.len ? ", " : "", expr, desc ? " DESC" : "");
		s += n;
		if (*s == ',')
			s++;
	}
	pg->order = sb.buf;
	return 0;
}

void query_scope2(struct req *r, struct query *q, const char *perm, const char *path_col,
                  const char *gpath_col)
{
	strbuf_init(&q->where, &r->arena, 16384);
	q->n = 0;
	/* leave room for the narrowing conditions and LIMIT/OFFSET */
	strbuf_adds(&q->where,
	            authz_sql2(r, perm, path_col, gpath_col, q->args, &q->n, QUERY_MAX_ARGS - 16));
}

void query_scope(struct req *r, struct query *q, const char *perm, const char *path_col)
{
	query_scope2(r, q, perm, path_col, NULL);
}

void query_and(struct query *q, const char *cond, struct db_arg a)
{
	strbuf_addf(&q->where, " AND %s", cond);
	if (a.type == DB_ARG_END)
		return;
	if (q->n < QUERY_MAX_ARGS - 3)
		q->args[q->n++] = a;
	else
		q->where.err = 1; /* req_list refuses the query rather than bind too few */
}

void query_and_under2(struct req *r, struct query *q, const char *path_col, const char *gpath_col,
                      const char *path)
{
	const char *end = arena_printf(&r->arena, "%s~", path);
	query_and(q,
	          arena_printf(&r->arena, "((%s >= ? AND %s < ?) OR (%s >= ? AND %s < ?))",
	                       path_col, path_col, gpath_col, gpath_col),
	          DB_T(path));
	q->args[q->n++] = DB_T(end);
	q->args[q->n++] = DB_T(path);
	q->args[q->n++] = DB_T(end);
}

void query_and_in(struct query *q, const char *col, const char *const *vals, int n)
{
	if (n == 1) {
		strbuf_addf(&q->where, " AND %s = ?", col);
	} else {
		strbuf_addf(&q->where, " AND %s IN (", col);
		for (int i = 0; i < n; i++)
			strbuf_addf(&q->where, "%s?", i ? ", " : "");
		strbuf_addf(&q->where, ")");
	}
	for (int i = 0; i < n; i++) {
		if (q->n < QUERY_MAX_ARGS - 3)
			q->args[q->n++] = DB_T(vals[i]);
		else
			q->where.err = 1;
	}
}

void jw_row(struct jw *w, struct db_stmt *st, const char *const *keys)
{
	jw_obj(w);
	for (int i = 0; keys[i]; i++) {
		const char *k = keys[i];
		char kind = (*k == '#' || *k == '?' || *k == '@') ? *k++ : 's';
		jw_key(w, k);
		if (db_isnull(st, i)) {
			jw_null(w);
		} else if (kind == '#') {
			jw_i64(w, db_int(st, i));
		} else if (kind == '?') {
			jw_bool(w, db_int(st, i) != 0);
		} else {
			const char *v = db_text(st, i);
			if (kind == '@')
				jw_raw(w, v, strlen(v));
			else
				jw_str(w, v);
		}
	}
	jw_obj_end(w);
}

int jw_key_rows(struct jw *w, const char *key, struct db_stmt *st, const char *const *keys,
                struct err *e)
{
	int rc;
	jw_key(w, key);
	jw_arr(w);
	while ((rc = db_step(st, e)) == 1)
		jw_row(w, st, keys);
	jw_arr_end(w);
	return rc < 0 ? -1 : 0;
}

/* "items":[rows...] inside the current object */
static int write_items(struct jw *w, struct db_stmt *st, row_writer fn, struct err *e)
{
	jw_key(w, "items");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1)
		fn(w, st);
	jw_arr_end(w);
	return rc < 0 ? -1 : 0;
}

void req_give(void *jw, const char *body, size_t len)
{
	jw_raw(jw, body, len);
}

int req_items(struct req *r, struct db_stmt *st, row_writer fn, struct err *e)
{
	struct jw *w = req_jw(r);
	jw_obj(w);
	int rc = write_items(w, st, fn, e);
	jw_obj_end(w);
	return rc;
}

int req_list(struct req *r, const char *cols, const char *from, struct query *q,
             const struct page *pg, row_writer fn, struct err *e)
{
	if (q->where.err)
		return err_internal(e, "list query too long");
	int64_t total = 0;
	q->args[q->n] = DB_NOARGS;
	const char *count =
	    pg->count_cap > 0
	        ? arena_printf(&r->arena,
	                       "SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %lld) c",
	                       from, q->where.buf, (long long)pg->count_cap + 1)
	        : arena_printf(&r->arena, "SELECT count(*) FROM %s WHERE %s", from, q->where.buf);
	if (db_get_int(r->db, e, &total, count, q->args) < 0)
		return -1;
	int capped = pg->count_cap > 0 && total > pg->count_cap;
	if (capped)
		total = pg->count_cap;
	q->args[q->n] = DB_I(pg->size);
	q->args[q->n + 1] = DB_I(pg->offset);
	q->args[q->n + 2] = DB_NOARGS;
	const char *sql =
	    pg->key
	        ? arena_printf(&r->arena,
	                       "SELECT %s FROM %s WHERE %s IN (SELECT %s FROM %s WHERE %s ORDER "
	                       "BY %s LIMIT ? OFFSET ?) ORDER BY %s",
	                       cols, pg->key_from, pg->key, pg->key, from, q->where.buf, pg->order,
	                       pg->order)
	        : arena_printf(&r->arena, "SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT ? OFFSET ?",
	                       cols, from, q->where.buf, pg->order);
	struct db_stmt *st = db_query_(r->db, e, sql, q->args);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (write_items(w, st, fn, e))
		return -1;
	jw_ki64(w, "page", pg->page);
	jw_ki64(w, "page_size", pg->size);
	jw_ki64(w, "total", total);
	if (capped)
		jw_kbool(w, "total_capped", 1);
	jw_obj_end(w);
	return 0;
}

void req_etag(struct req *r, int64_t version)
{
	req_set_header(r, "ETag", arena_printf(&r->arena, "\"%lld\"", (long long)version));
}

int req_if_match(struct req *r, int64_t version, struct err *e)
{
	const char *im = req_header(r, "If-Match");
	if (!im)
		return 0;
	if (!strncmp(im, "W/", 2))
		im += 2;
	char want[32];
	snprintf(want, sizeof(want), "\"%lld\"", (long long)version);
	int64_t bare;
	if (!strcmp(im, want) || !strcmp(im, "*") ||
	    (!parse_i64(im, 0, INT64_MAX, &bare) && bare == version))
		return 0;
	return err_set(e, 412, "http.precondition_failed", "If-Match",
	               "the row has changed (now version %lld); reload and try again",
	               (long long)version);
}

void req_accepted_job(struct req *r, const char *job_id)
{
	r->status = 202;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/jobs/%s", job_id));
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "job");
	jw_obj(w);
	jw_kstr(w, "id", job_id);
	jw_kstr(w, "state", "queued");
	jw_ki64(w, "progress", 0);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* ---- place rules ---- */

int req_row_place_paths(struct req *r, const char *sql, const char *code, const char *what,
                        const char **path, const char **gpath, struct err *e)
{
	const char *id = req_param(r, "id"), *place_id = NULL;
	int rc = id ? db_get_text(r->db, e, &place_id, sql, DB_ARGS(DB_T(id))) : 0;
	if (rc < 0)
		return -1;
	if (!rc)
		return err_notfound(e, code, "no %s '%s'", what, id ? id : "");
	return req_place_paths(r, place_id, path, gpath, e);
}

int req_place_paths(struct req *r, const char *id, const char **path, const char **gpath,
                    struct err *e)
{
	if (!id || !id_valid(id))
		return err_notfound(e, "places.not_found", "no place '%s'", id ? id : "");
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT path, gpath FROM places WHERE id = ?", DB_T(id));
	int rc = st ? db_step(st, e) : -1;
	if (rc == 0)
		return err_notfound(e, "places.not_found", "no place '%s'", id);
	if (rc < 0)
		return -1;
	*path = db_text(st, 0);
	*gpath = db_text(st, 1);
	db_done(st);
	return 0;
}

int req_place_path(struct req *r, const char *id, const char **path, struct err *e)
{
	const char *gpath;
	return req_place_paths(r, id, path, &gpath, e);
}

static int find_param_id(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return req_place_paths(r, req_param(r, "id"), path, gpath, e);
}

static int find_query(struct req *r, const char **path, const char **gpath, struct err *e)
{
	const char *id = req_query(r, "place");
	if (!id)
		return err_invalid(e, "http.place_required", "place", "'place' is required");
	return req_place_paths(r, id, path, gpath, e);
}

static int find_body(struct req *r, const char **path, const char **gpath, struct err *e)
{
	json_t *j = req_json(r, e);
	if (!j)
		return -1;
	json_t *v = json_object_get(j, "place_id");
	if (v && !json_is_string(v))
		return err_invalid(e, "json.type", "place_id", "'place_id' must be a string");
	if (!v)
		return err_invalid(e, "json.required", "place_id", "'place_id' is required");
	return req_place_paths(r, json_string_value(v), path, gpath, e);
}

const struct place_rule PLACE_NONE = { "none", NULL, NULL };
const struct place_rule PLACE_SCOPE = { "scope: the list is filtered by the caller's grants", NULL,
	                                NULL };
const struct place_rule PLACE_PARAM_ID = { "param :id is a place", NULL, find_param_id };
const struct place_rule PLACE_QUERY = { "query place=ID", NULL, find_query };
const struct place_rule PLACE_BODY = { "body place_id", NULL, find_body };

/* ---- answering ---- */

static void render_error(struct req *r, const struct err *e)
{
	r->status = e->status ? e->status : 500;
	strbuf_reset(&r->out);
	r->content_type = NULL;
	r->headers = NULL;
	r->static_body = NULL;
	r->cache_control = NULL;
	if (r->file_fd >= 0) {
		close(r->file_fd);
		r->file_fd = -1;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "error");
	jw_obj(w);
	jw_kstr(w, "code", e->code[0] ? e->code : "internal");
	jw_kstr(w, "message", e->msg[0] ? e->msg : "internal error");
	jw_kstr(w, "field", e->field[0] ? e->field : NULL);
	jw_obj_end(w);
	jw_obj_end(w);
	if (e->retry_after)
		req_set_header(r, "Retry-After", e->retry_after);
	if (r->status >= 500)
		log_error("%s %s %s: %s: %s", r->request_id, r->method, r->path, e->code, e->msg);
}

static enum MHD_Result queue(struct req *r)
{
	struct MHD_Response *resp;
	if (r->static_body) {
		resp = MHD_create_response_from_buffer(r->static_len, (void *)r->static_body,
		                                       MHD_RESPMEM_PERSISTENT);
	} else if (r->file_fd >= 0) {
		resp = MHD_create_response_from_fd64((uint64_t)r->file_size, r->file_fd);
		if (!resp)
			close(r->file_fd);
		r->file_fd = -1; /* MHD closes it */
	} else {
		if (r->out.err) {
			struct err e;
			err_set(&e, 500, "http.response_too_large", NULL, "response too large");
			render_error(r, &e);
		}
		resp =
		    MHD_create_response_from_buffer(r->out.len, r->out.buf, MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	/* on every answer, API or console: nothing inline runs, nothing frames us */
	int own_csp = 0; /* a handler's stricter policy (uploaded files) replaces ours */
	for (struct header *h = r->headers; h; h = h->next)
		own_csp |= !strcasecmp(h->name, "Content-Security-Policy");
	if (!own_csp)
		MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control",
	                        r->cache_control ? r->cache_control : "no-store");
	for (struct header *h = r->headers; h; h = h->next)
		MHD_add_response_header(resp, h->name, h->value);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->answered = 1;
	return ret;
}

/* ---- idempotency ---- */

/* 1 replayed, 0 go on, -1 error */
static int idem_lookup(struct req *r, const char *key, const char *body_hash, struct err *e)
{
	struct db_stmt *st =
	    db_query(r->db, e,
	             "SELECT method, path, body_hash, status, response FROM idempotency "
	             "WHERE user_id = ? AND key = ?",
	             DB_T(r->who->user_id), DB_T(key));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc;
	const char *m = db_text(st, 0), *p = db_text(st, 1), *bh = db_text(st, 2);
	int64_t status = db_int(st, 3);
	const char *resp = db_text(st, 4);
	db_done(st);
	if (strcmp(m, r->method) || strcmp(p, r->path) || strcmp(bh, body_hash))
		return err_set(e, 422, "http.idempotency_mismatch", "Idempotency-Key",
		               "Idempotency-Key was used for a different request");
	r->status = (int)status;
	struct jw *w = req_jw(r);
	jw_raw(w, resp, strlen(resp));
	req_set_header(r, "Idempotent-Replayed", "true");
	return 1;
}

static int idem_store(struct req *r, const char *key, const char *body_hash, struct err *e)
{
	char ts[32];
	time_iso(time_now_ms(), ts);
	return db_exec(r->db, e,
	               "INSERT INTO idempotency (user_id, key, method, path, body_hash, status, "
	               "response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	               DB_T(r->who->user_id), DB_T(key), DB_T(r->method), DB_T(r->path),
	               DB_T(body_hash), DB_I(r->status), DB_T(r->out.len ? r->out.buf : "null"),
	               DB_T(ts)) < 0
	           ? -1
	           : 0;
}

/* ---- dispatch ---- */

static int unsafe(const char *m)
{
	return strcmp(m, "GET") && strcmp(m, "HEAD") && strcmp(m, "OPTIONS");
}

/* Permission and CSRF, once the caller is known. */
static int check_access(struct req *r, struct err *e)
{
	const struct route *rt = r->route;
	if (rt->perm == PERM_PUBLIC)
		return 0;
	if (!r->who)
		return err_set(e, 401, "auth.required", NULL, "sign in first");
	if (unsafe(r->method) && !(rt->flags & ROUTE_NO_CSRF) && !strcmp(r->who->kind, "session")) {
		const char *t = req_header(r, "X-CSRF-Token");
		if (!t || !str_eq_ct(t, r->who->csrf))
			return err_set(e, 403, "auth.csrf", "X-CSRF-Token",
			               "missing or wrong X-CSRF-Token");
	}
	if (r->who->totp_enrol && !(rt->flags & ROUTE_TOTP_ENROL))
		return err_set(e, 403, "auth.totp_enrol", NULL,
		               "an administrator signs in with a second factor: enrol one first "
		               "(POST /api/v1/me/totp)");
	if (!strcmp(rt->perm, PERM_LOGIN))
		return 0;
	if (rt->place && rt->place->find2) {
		const char *path, *gpath;
		if (rt->place->find2(r, &path, &gpath, e))
			return -1;
		return authz2(r, rt->perm, path, gpath, e);
	}
	if (rt->place && rt->place->find) {
		const char *path;
		if (rt->place->find(r, &path, e))
			return -1;
		return authz(r, rt->perm, path, e);
	}
	if (!authz_any(r, rt->perm))
		return err_forbidden(e, "you do not have '%s'", rt->perm);
	return 0;
}

/*
 * Unsafe methods run in a write transaction (BEGIN IMMEDIATE), reads in a read
 * transaction so that a list and its total see one snapshot. The caller is identified
 * first, outside both, because that may touch the session row.
 */
static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	(void)kind;
	strbuf_addf(cls, "&%s=%s", key, value ? value : "");
	return MHD_YES;
}

/* What a ROUTE_CACHE answer depends on: the caller (their grants are the database's, so
 * a change to them is a commit), the path (a GET's path finds its route) and every query
 * argument, and the language asked for. */
static const char *answer_key(struct req *r)
{
	struct strbuf b;
	strbuf_init(&b, &r->arena, 4096);
	strbuf_addf(&b, "%s|%s|%s|", r->who ? r->who->user_id : "-", r->path,
	            req_header(r, "Accept-Language") ? req_header(r, "Accept-Language") : "");
	if (r->conn)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &b);
	for (const char *const *q = r->conn ? NULL : r->query; q && q[0]; q += 2)
		strbuf_addf(&b, "&%s=%s", q[0], q[1]);
	return b.err ? NULL : b.buf; /* a key over 4 KiB: not kept */
}

/* the body is the JSON null, with white space around it or not */
static int body_is_null(const struct strbuf *b)
{
	const char *p = b->buf + strspn(b->buf, " \t\r\n");
	if (strncmp(p, "null", 4))
		return 0;
	p += 4;
	return p + strspn(p, " \t\r\n") == b->buf + b->len; /* and no NUL before the end */
}

/*
 * A write in its transaction, on db: the route's checks, a stored answer for its
 * Idempotency-Key, the handler, and the answer stored. 1 to keep what it wrote, 0 to undo
 * it (a 4xx, or an answer replayed), -1 with e. With group commit (db_group_run) db is the
 * group's and this may run on another request's thread, which the caller's waits for.
 */
struct write_call {
	struct req *r;
	const char *key, *body_hash;
};

static int write_in_tx(struct db *db, void *arg, struct err *e)
{
	struct write_call *c = arg;
	struct req *r = c->r;
	struct db *own = r->db;
	int rc = -1, found;
	r->db = db;
	if (check_access(r, e))
		goto out;
	if (c->key) {
		if ((found = idem_lookup(r, c->key, c->body_hash, e))) {
			rc = found < 0 ? -1 : 0; /* an answer replayed: nothing to keep */
			goto out;
		}
	}
	if (r->route->fn(r, e))
		goto out;
	if (!r->status)
		r->status = 200;
	if (r->status >= 400)
		rc = 0;
	else
		rc = c->key && idem_store(r, c->key, c->body_hash, e) ? -1 : 1;
out:
	r->db = own;
	return rc;
}

static int run_handler(struct req *r, struct err *e)
{
	const struct route *rt = r->route;
	int write = unsafe(r->method);
	int tx = !(rt->flags & ROUTE_NO_TX);
	const char *key = NULL;
	char body_hash[65] = "";

	/* public routes do not look at the caller: a stale cookie must not block a new login */
	if (rt->perm != PERM_PUBLIC && r->conn && auth_identify(r, e))
		return -1;
	if (r->who && !strcmp(r->method, "POST") && !(rt->flags & ROUTE_NO_REPLAY))
		key = req_header(r, "Idempotency-Key");
	if (key && (strlen(key) < 8 || strlen(key) > 128))
		return err_invalid(e, "http.idempotency_key", "Idempotency-Key",
		                   "Idempotency-Key must be 8 to 128 characters");
	/* a body is read whole, even by a route that needs none: a malformed one is refused
	 * before anything is done, not ignored (the console's JSON null means "none") */
	if (write && r->body.len && !(rt->flags & ROUTE_UPLOAD) && !body_is_null(&r->body)) {
		json_t *body = req_json(r, e);
		if (!body)
			return -1;
		if (!json_is_object(body))
			return err_invalid(e, "json.type", NULL, "body must be a JSON object");
	}
	if (write && tx) {
		if (key) /* before the write lock */
			auth_sha256_hex(r->body.buf, r->body.len, body_hash);
		struct write_call c = { r, key, body_hash };
		if (group)
			return db_group_run(group, write_in_tx, &c, &r->arena, e);
		if (db_begin(r->db, DB_WRITE, e))
			return -1;
		int rc = write_in_tx(r->db, &c, e);
		if (rc > 0)
			return db_commit(r->db, e);
		db_rollback(r->db);
		return rc;
	}
	/* a read, or a route that runs its own transactions (ROUTE_NO_TX) */
	if (tx && db_begin(r->db, DB_READ, e))
		return -1;
	if (check_access(r, e))
		goto fail;
	const char *cache_key = NULL;
	struct db_stamp stamp;
	int64_t cache_ms =
	    (rt->flags & ROUTE_CACHE) && !write ? config_int("http.answer_cache_ms") : 0;
	if (cache_ms > 0 && (rt->flags & ROUTE_DATED))
		cache_ms = answers_today_ms(time_now_ms());
	if (cache_ms > 0) {
		struct db_stamp made;
		cache_key = answer_key(r);
		db_stamp(r->db, time_now_ms(), &stamp); /* before the reads */
		if (cache_key &&
		    answers_find(cache_key, &stamp, 1000, cache_ms, req_give, req_jw(r), &made)) {
			/* RFC 9111's Age: a kept answer, made this many seconds ago */
			req_set_header(r, "Age",
			               arena_printf(&r->arena, "%lld",
			                            (long long)((stamp.ms - made.ms) / 1000)));
			r->status = 200;
			if (tx)
				db_rollback(r->db);
			return 0;
		}
	}
	if (rt->fn(r, e))
		goto fail;
	if (!r->status)
		r->status = 200;
	if (cache_key && r->status == 200 && !r->headers && r->file_fd < 0 && !r->static_body &&
	    !r->out.err) {
		db_stamp_reads(r->db, &stamp);
		if (r->who) /* the caller's scope came from their grants */
			stamp.tables |= r->who->tables;
		answers_keep(cache_key, &stamp, r->out.buf, r->out.len);
	}
	if (!tx)
		return 0;
	if (r->status >= 400) {
		db_rollback(r->db);
		return 0;
	}
	return db_commit(r->db, e);
fail:
	if (tx)
		db_rollback(r->db);
	return -1;
}

int http_call(struct req *r, struct err *e)
{
	char allow[128];
	if (!r->route && route_find(r, allow, sizeof(allow)))
		return err_set(e, 404, "http.not_found", NULL, "no route for %s %s", r->method,
		               r->path);
	return run_handler(r, e);
}

static void dispatch(struct req *r)
{
	struct err e;
	err_clear(&e);
	char allow[128];

	if (r->body_state == 1) {
		err_set(&e, 413, "http.body_too_large", NULL, "request body is over %zu bytes",
		        opts->body_max);
		goto fail;
	}
	if (r->body_state == 2) {
		e = r->upload_err;
		goto fail;
	}
	/* a key file rewritten by `cunwu keys rotate` is taken up before this request seals
	 * anything with the old key (a look at the file at most once a second) */
	crypt_reload();
	if (!r->route) {
		int st = route_find(r, allow, sizeof(allow));
		if (st == 404 && static_serve(r, public_only))
			return; /* the console */
		if (st == 404) {
			err_set(&e, 404, "http.not_found", NULL, "no route for %s", r->path);
			goto fail;
		}
		if (st == 405) {
			err_set(&e, 405, "http.method_not_allowed", NULL, "%s is not allowed here",
			        r->method);
			render_error(r, &e);
			req_set_header(r, "Allow", allow);
			return;
		}
	}
	r->db = http_thread_db(&e);
	if (!r->db)
		goto fail;
	db_set_arena(r->db, &r->arena);
	int rc = run_handler(r, &e);
	/*
	 * A transaction that lost to another (PostgreSQL serialization failure or deadlock)
	 * was rolled back whole: run the request again, with a fresh answer, a few times.
	 */
	for (int retry = 1; rc && !strcmp(e.code, "db.retry") && retry <= 3; retry++) {
		log_info("%s %s %s: retry %d after %s", r->request_id, r->method, r->path, retry,
		         e.msg);
		struct timespec pause = { 0, retry * 5 * 1000 * 1000 };
		nanosleep(&pause, NULL);
		strbuf_reset(&r->out);
		r->content_type = NULL;
		r->headers = NULL;
		r->status = 0;
		r->who = NULL;
		err_clear(&e);
		db_reset_all(r->db);
		rc = run_handler(r, &e);
	}
	/* r->who may live in the principal cache, which the next request may replace */
	r->log_user = r->who ? arena_strdup(&r->arena, r->who->login) : NULL;
	r->who = NULL;
	db_reset_all(r->db);
	db_set_arena(r->db, NULL); /* the request arena dies with the request */
	if (!rc)
		return;
fail:
	render_error(r, &e);
}

/* ---- MHD callbacks ---- */

static int valid_request_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int addr_trusted(const char *addr)
{
	const char *list = config_str("http.trusted_proxies");
	size_t n = strlen(addr);
	while (*list) {
		while (*list == ' ' || *list == ',')
			list++;
		const char *end = list;
		while (*end && *end != ',' && *end != ' ')
			end++;
		if ((size_t)(end - list) == n && !strncmp(list, addr, n))
			return 1;
		list = end;
	}
	return 0;
}

static void client_addr(struct req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(r->addr, sizeof(r->addr), "-");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->addr,
			          sizeof(r->addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
			          sizeof(r->addr));
	}
	if (!addr_trusted(r->addr))
		return;
	const char *proto = req_header(r, "X-Forwarded-Proto");
	if (proto && !strcasecmp(proto, "https"))
		r->https = 1;
	/* walk X-Forwarded-For from the right, past our own proxies */
	const char *xff = req_header(r, "X-Forwarded-For");
	if (!xff)
		return;
	char *copy = arena_strdup(&r->arena, xff);
	for (;;) {
		char *comma = strrchr(copy, ',');
		char *item = comma ? comma + 1 : copy;
		while (*item == ' ')
			item++;
		char *end = item + strlen(item);
		while (end > item && end[-1] == ' ')
			*--end = '\0';
		unsigned char bin[16];
		if (!*item ||
		    (inet_pton(AF_INET, item, bin) != 1 && inet_pton(AF_INET6, item, bin) != 1))
			return; /* not an address: keep the last one we trust */
		snprintf(r->addr, sizeof(r->addr), "%s", item);
		if (!comma || !addr_trusted(r->addr))
			return;
		*comma = '\0';
	}
}

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An uploaded file's name as a browser on any system may send it ("C:\\x\\a.xlsx",
 * "../../a.csv"): its last component, without control characters, at most 200 bytes of
 * whole characters. It is only ever shown, never a path; this keeps it a plain name. */
static char *upload_name(struct arena *a, const char *filename)
{
	const char *base = filename;
	for (const char *p = filename; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *out = arena_strdup(a, base), *o = out;
	for (const unsigned char *p = (const unsigned char *)base; *p; p++)
		if (*p >= 0x20 && *p != 0x7f)
			*o++ = (char)*p;
	*o = '\0';
	size_t n = (size_t)(o - out);
	if (n > 200) {
		n = 200;
		while (n && ((unsigned char)out[n] & 0xc0) == 0x80) /* not inside a character */
			n--;
		out[n] = '\0';
	}
	if (!strcmp(out, ".") || !strcmp(out, ".."))
		out[0] = '\0';
	return out;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size)
{
	struct req *r = cls;
	(void)kind;
	(void)transfer_encoding;
	if (r->body_state)
		return MHD_NO;
	if (!key) { /* a part without Content-Disposition's name (found by fuzz_http) */
		err_invalid(&r->upload_err, "http.multipart", NULL,
		            "a part of the multipart/form-data has no name");
		r->body_state = 2;
		return MHD_NO;
	}
	if (filename) {
		struct upload *u = r->uploads;
		if (!u || strcmp(u->field, key) || off == 0) {
			u = arena_zalloc(&r->arena, sizeof(*u));
			u->field = arena_strdup(&r->arena, key);
			u->filename = upload_name(&r->arena, filename);
			u->content_type = arena_strdup(&r->arena, content_type ? content_type : "");
			u->tmp_path = arena_printf(&r->arena, "%s/tmp/upload-XXXXXX", media_dir());
			u->fd = mkstemp(u->tmp_path);
			if (u->fd < 0) {
				err_internal(&r->upload_err, "unable to store upload: %s",
				             strerror(errno));
				r->body_state = 2;
				return MHD_NO;
			}
			u->next = r->uploads;
			r->uploads = u;
		}
		if ((uint64_t)u->size + size > r->upload_max) {
			err_set(&r->upload_err, 413, "media.too_large", key,
			        "file '%s' is over %zu bytes", filename, r->upload_max);
			r->body_state = 2;
			return MHD_NO;
		}
		if (size && write(u->fd, data, size) != (ssize_t)size) {
			err_internal(&r->upload_err, "unable to store upload: %s", strerror(errno));
			r->body_state = 2;
			return MHD_NO;
		}
		u->size += (int64_t)size;
		return MHD_YES;
	}
	struct form_field *f = r->fields;
	if (!f || strcmp(f->name, key) || off == 0) {
		f = arena_zalloc(&r->arena, sizeof(*f));
		f->name = arena_strdup(&r->arena, key);
		strbuf_init(&f->value, &r->arena, 4096);
		strbuf_add(&f->value, "", 0);
		f->next = r->fields;
		r->fields = f;
	}
	strbuf_add(&f->value, data, size);
	if (f->value.err) {
		err_set(&r->upload_err, 413, "http.field_too_large", key,
		        "form field '%s' is too long", key);
		r->body_state = 2;
		return MHD_NO;
	}
	return MHD_YES;
}

static int begin_body(struct req *r, struct err *e)
{
	if (!r->route) { /* 404 or 405 follows: read nothing */
		r->body_state = 3;
		return 0;
	}
	const char *cl = req_header(r, "Content-Length");
	int64_t len = 0;
	if (cl && parse_i64(cl, 0, INT64_MAX, &len))
		return err_invalid(e, "http.content_length", NULL, "bad Content-Length");
	if (r->route && (r->route->flags & ROUTE_UPLOAD)) {
		r->upload_max = r->route->upload_max ? r->route->upload_max
		                                     : (size_t)config_int("media.max_bytes");
		if (len > (int64_t)r->upload_max + 65536)
			return err_set(e, 413, "media.too_large", "file",
			               "upload is over %zu bytes", r->upload_max);
		const char *ct = req_header(r, "Content-Type");
		if (!ct || strncmp(ct, "multipart/form-data", 19))
			return err_set(e, 415, "http.unsupported_media_type", NULL,
			               "send the file as multipart/form-data");
		r->post = MHD_create_post_processor(r->conn, 65536, post_iter, r);
		if (!r->post)
			return err_set(e, 415, "http.unsupported_media_type", NULL,
			               "unreadable multipart/form-data");
		return 0;
	}
	if (len > (int64_t)opts->body_max)
		r->body_state = 1;
	return 0;
}

/* A JSON route's body, checked when its first bytes arrive (chunked bodies declare no
 * length, so the check cannot wait for Content-Length). */
static int json_body_type(struct req *r, struct err *e)
{
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncmp(ct, "application/json", 16))
		return err_set(e, 415, "http.unsupported_media_type", NULL,
		               "send the body as application/json");
	return 0;
}

/*
 * Connections per client address (issue 10: idle and byte-at-a-time clients must not take
 * every connection): the addresses with open connections and how many each has, checked
 * when a connection is offered (on_accept) and counted when MHD starts and closes it
 * (on_connection). The trusted proxies are not counted: every user behind them shares
 * their address, and the proxy limits its own clients. A short list, scanned: it holds
 * at most http.connection_limit addresses.
 */
struct ip_count {
	uint32_t addr; /* IPv4, network order */
	int n;
};
static pthread_mutex_t ips_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ip_count *ips;
static size_t nips, ips_cap;

static int ipv4_trusted(uint32_t addr)
{
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, text, sizeof(text));
	return addr_trusted(text);
}

/* the connections addr has open now */
static int ip_open(uint32_t addr)
{
	int n = 0;
	pthread_mutex_lock(&ips_lock);
	for (size_t i = 0; i < nips; i++)
		if (ips[i].addr == addr) {
			n = ips[i].n;
			break;
		}
	pthread_mutex_unlock(&ips_lock);
	return n;
}

/* addr has one more (delta 1) or one fewer (-1) connection open */
static void ip_count(uint32_t addr, int delta)
{
	pthread_mutex_lock(&ips_lock);
	size_t i = 0;
	while (i < nips && ips[i].addr != addr)
		i++;
	if (i == nips && delta > 0 && nips < ips_cap)
		ips[nips++] = (struct ip_count){ addr, 0 };
	if (i < nips) {
		ips[i].n += delta;
		if (ips[i].n <= 0)
			ips[i] = ips[--nips];
	}
	pthread_mutex_unlock(&ips_lock);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;
		*socket_context = NULL;
		if (!sa || sa->sa_family != AF_INET)
			return;
		uint32_t addr = ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
		if (ipv4_trusted(addr))
			return;
		ip_count(addr, 1);
		*socket_context = (void *)(uintptr_t)((uint64_t)addr + 1);
	} else if (*socket_context) {
		ip_count((uint32_t)((uintptr_t)*socket_context - 1), -1);
		*socket_context = NULL;
	}
}

/*
 * Once stopping, refuse new connections. This stands in for MHD_quiesce_daemon, which
 * races with MHD's own epoll threads (libmicrohttpd 0.9.75 removes the listen socket from
 * an epoll set twice and aborts the process, "Failed to remove listen FD from epoll set").
 */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	if (atomic_load(&draining))
		return MHD_NO;
	if (opts->per_ip_limit > 0 && addr && addr->sa_family == AF_INET &&
	    addrlen >= (socklen_t)sizeof(struct sockaddr_in)) {
		uint32_t a = ((const struct sockaddr_in *)addr)->sin_addr.s_addr;
		if (ip_open(a) >= opts->per_ip_limit && !ipv4_trusted(a))
			return MHD_NO;
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		atomic_fetch_add(&inflight, 1);
		*con_cls = r;
		arena_init(&r->arena, 16384);
		r->t0_ns = mono_ns();
		r->conn = conn;
		r->file_fd = -1;
		r->method = arena_strdup(&r->arena, method);
		r->path = arena_strdup(&r->arena, url);
		strbuf_init(&r->body, &r->arena, opts->body_max);
		strbuf_init(&r->out, &r->arena, 0);
		const char *rid = req_header(r, "X-Request-Id");
		if (valid_request_id(rid))
			snprintf(r->request_id, sizeof(r->request_id), "%s", rid);
		else
			id_new(r->request_id);
		r->https = tls_on;
		client_addr(r);
		char allow[128];
		route_find(r, allow, sizeof(allow)); /* sets r->route when one matches */
		struct err e;
		err_clear(&e);
		if (begin_body(r, &e)) {
			r->upload_err = e;
			r->body_state = 2;
		}
		return MHD_YES;
	}

	if (*upload_size) {
		r->received += (int64_t)*upload_size;
		if (r->body_state == 0 && r->post && r->received > (int64_t)r->upload_max + 65536) {
			/* the whole request, not only each file, is capped (chunked uploads) */
			err_set(&r->upload_err, 413, "media.too_large", "file",
			        "upload is over %zu bytes", r->upload_max);
			r->body_state = 2;
		}
		if (r->body_state == 0 && !r->post && r->received == (int64_t)*upload_size &&
		    json_body_type(r, &r->upload_err))
			r->body_state = 2;
		if (r->body_state == 0) {
			if (r->post) {
				if (MHD_post_process(r->post, upload_data, *upload_size) !=
				        MHD_YES &&
				    !r->body_state) {
					err_invalid(&r->upload_err, "http.multipart", NULL,
					            "malformed multipart/form-data");
					r->body_state = 2;
				}
			} else {
				strbuf_add(&r->body, upload_data, *upload_size);
				if (r->body.err)
					r->body_state = 1;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	for (struct upload *u = r->uploads; u; u = u->next)
		if (u->fd >= 0) {
			close(u->fd);
			u->fd = -1;
		}
	dispatch(r);
	return queue(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	struct req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	if (opts->access_log && log_enabled(LOG_INFO)) {
		int64_t us = (mono_ns() - r->t0_ns) / 1000;
		log_info("access %s %s %s %s %d %zu %lld.%03lldms %s%s", r->request_id, r->addr,
		         r->method, r->path, r->status, r->out.len, (long long)(us / 1000),
		         (long long)(us % 1000), r->log_user ? r->log_user : "-",
		         toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	}
	if (r->post)
		MHD_destroy_post_processor(r->post);
	for (struct upload *u = r->uploads; u; u = u->next) {
		if (u->fd >= 0)
			close(u->fd);
		if (u->tmp_path)
			unlink(u->tmp_path);
	}
	if (r->file_fd >= 0)
		close(r->file_fd);
	arena_release(&r->arena);
	free(r);
	atomic_fetch_sub(&inflight, 1);
}

/* ---- serving ---- */

static int bind_listen(const char *listen_on, struct sockaddr_in *sa, struct err *e)
{
	char host[64];
	const char *colon = strrchr(listen_on, ':');
	int64_t port;
	if (!colon || (size_t)(colon - listen_on) >= sizeof(host) ||
	    parse_i64(colon + 1, 0, 65535, &port))
		return err_invalid(e, "config.listen", "listen",
		                   "listen must be address:port, not '%s'", listen_on);
	memcpy(host, listen_on, (size_t)(colon - listen_on));
	host[colon - listen_on] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return err_invalid(e, "config.listen", "listen", "listen address '%s' is not IPv4",
		                   host);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof(*sa)) || listen(fd, 512)) {
		err_invalid(e, "http.listen", "listen", "unable to listen on %s: %s", listen_on,
		            strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	socklen_t sl = sizeof(*sa);
	getsockname(fd, (struct sockaddr *)sa, &sl);
	return fd;
}

static int write_ready(const char *path, const char *addr, struct err *e)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", addr) < 0 || fclose(f))
		return err_invalid(e, "http.ready_file", "ready_file", "unable to write '%s'",
		                   path);
	if (rename(tmp, path))
		return err_invalid(e, "http.ready_file", "ready_file", "unable to write '%s'",
		                   path);
	return 0;
}

static int http_listen(const struct server_opts *o, struct MHD_OptionItem *tls, struct err *e);

/* a PEM file whole, NUL-terminated (malloc'd; NULL with e) */
static char *read_pem(const char *path, const char *setting, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(65537) : NULL;
	size_t n = buf ? fread(buf, 1, 65537, f) : 0;
	if (f)
		fclose(f);
	if (!buf || n == 0 || n > 65536) {
		free(buf);
		err_invalid(e, "http.tls", setting, "unable to read '%s' (%s): %s", path, setting,
		            f ? "empty or over 64 KiB" : strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* the TLS options of MHD_start_daemon from http.tls_cert and http.tls_key (both or none) */
static int tls_options(const struct server_opts *o, struct MHD_OptionItem *items, char **cert,
                       char **key, struct err *e)
{
	int have_cert = o->tls_cert && *o->tls_cert, have_key = o->tls_key && *o->tls_key;
	*cert = *key = NULL;
	items[0] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (!have_cert && !have_key)
		return 0;
	if (!have_cert || !have_key)
		return err_invalid(e, "http.tls", have_cert ? "http.tls_key" : "http.tls_cert",
		                   "HTTPS needs both http.tls_cert and http.tls_key");
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return err_invalid(e, "http.tls", "http.tls_cert",
		                   "this libmicrohttpd is built without TLS: serve behind nginx "
		                   "(docs/deploy.md)");
	if (!(*cert = read_pem(o->tls_cert, "http.tls_cert", e)) ||
	    !(*key = read_pem(o->tls_key, "http.tls_key", e)))
		return -1;
	items[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, *cert };
	items[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, *key };
	/* TLS 1.2 and 1.3 only, GnuTLS's default ciphers of those */
	items[2] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
		                            (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" };
	items[3] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return 1;
}

static void free_pem(char *pem)
{
	if (pem) {
		sodium_memzero(pem, strlen(pem));
		free(pem);
	}
}

int http_serve(const struct server_opts *o, struct err *e)
{
	opts = o;
	public_only = o->public_only;
	atomic_store(&draining, 0);
	struct MHD_OptionItem tls[4];
	char *cert, *key;
	int rc = tls_options(o, tls, &cert, &key, e);
	if (rc < 0) {
		free_pem(cert);
		free_pem(key);
		return -1;
	}
	tls_on = rc;
	rc = http_listen(o, tls, e);
	tls_on = 0;
	public_only = 0;
	free_pem(cert);
	free_pem(key);
	return rc;
}

/* http_serve once its TLS options are read */
static int http_listen(const struct server_opts *o, struct MHD_OptionItem *tls, struct err *e)
{
	if (open_conns(o->threads, e)) {
		close_conns();
		return -1;
	}
	struct sockaddr_in sa;
	int fd = bind_listen(o->listen, &sa, e);
	if (fd < 0) {
		close_conns();
		return -1;
	}
	pthread_mutex_lock(&ips_lock);
	free(ips);
	nips = 0;
	ips_cap = (size_t)o->connection_limit + 64;
	ips = calloc(ips_cap, sizeof(*ips));
	if (!ips)
		ips_cap = 0; /* no room to count: nobody is limited */
	pthread_mutex_unlock(&ips_lock);
	char tmpdir[4096];
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", media_dir());
	mkdir(media_dir(), 0750);
	mkdir(tmpdir, 0750);

	/* signals go to this thread only: block them before MHD starts its threads */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC |
	        (tls_on ? MHD_USE_TLS : 0),
	    0, on_accept, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)o->connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)o->connection_timeout, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
	if (!d) {
		close(fd);
		close_conns();
		return err_internal(e, "unable to start the HTTP server");
	}
	char addr[64], ip[32];
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	snprintf(addr, sizeof(addr), "%s:%d", ip, ntohs(sa.sin_port));
	if (o->ready_file && *o->ready_file && write_ready(o->ready_file, addr, e)) {
		MHD_stop_daemon(d);
		close(fd);
		close_conns();
		return -1;
	}
	log_info("serving %s://%s/ with %d threads, database %s%s", tls_on ? "https" : "http", addr,
	         o->threads, o->db_url, public_only ? ", the public zone only" : "");

	struct timespec wait = { .tv_sec = 1 };
	int64_t started = time_now_ms();
	for (;;) {
		int sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGHUP) { /* logrotate moved the log file */
			log_reopen();
			log_info("signal %d: log file reopened", sig);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT) {
			log_info("signal %d: finishing requests in flight", sig);
			break;
		}
		if (o->stop_after && time_now_ms() - started >= (int64_t)o->stop_after * 1000) {
			log_info("stop_after %d seconds reached", o->stop_after);
			break;
		}
	}
	atomic_store(&draining, 1);
	int64_t deadline = time_now_ms() + (int64_t)o->shutdown_seconds * 1000;
	while (atomic_load(&inflight) > 0 && time_now_ms() < deadline) {
		struct timespec ms10 = { .tv_nsec = 10 * 1000 * 1000 };
		nanosleep(&ms10, NULL);
	}
	if (atomic_load(&inflight) > 0)
		log_warn("%d requests still in flight at shutdown", atomic_load(&inflight));
	MHD_stop_daemon(d); /* closes the listen socket too */
	close_conns();
	pthread_mutex_lock(&ips_lock);
	free(ips);
	ips = NULL;
	nips = ips_cap = 0;
	pthread_mutex_unlock(&ips_lock);
	log_info("stopped");
	return 0;
}
