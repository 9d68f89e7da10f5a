/*
 * http.h - the HTTP server (libmicrohttpd), the router, and what a handler sees.
 *
 * A handler is `int fn(struct req *r, struct err *e)`: it reads the request through
 * req_*(), writes its answer with req_jw() (status 200 unless it sets r->status) and
 * returns 0, or returns -1 with e set and the router renders {"error":{...}} once.
 * Everything a handler allocates comes from r->arena, released when the response has
 * been sent; handlers never call free.
 *
 * Routes are tables each module exports (see struct route). The router matches method
 * and path (with :params), answers 404 and 405 (with Allow) itself, authenticates the
 * caller, checks the route's permission over the place its target belongs to, opens the
 * write transaction for unsafe methods, replays Idempotency-Key answers, and commits
 * only if the handler succeeded: nothing is half-written.
 */
#ifndef CUNWU_HTTP_H
#define CUNWU_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "strbuf.h"

struct req;
struct principal;

/*
 * How a route finds the place its target belongs to, so that permission is checked over
 * that place. Returns 0 with *path set to the place's materialized path; -1 with e set
 * (404 if the target does not exist). The `how` text is what `cunwu routes` prints and
 * what the route-coverage test reads.
 */
struct place_rule {
	const char *how;
	int (*find)(struct req *r, const char **path, struct err *e);
	/*
	 * Optional, used instead of find when set: also the target's gpath, the path of the
	 * finest grid covering it (NULL if none), so that a grant over that grid is honoured
	 * (authz2). The core rules below have only find2; a module's rule for a row at a
	 * place gets it from req_place_paths.
	 */
	int (*find2)(struct req *r, const char **path, const char **gpath, struct err *e);
};

/* The materialized path of place id; 404 places.not_found if there is none. */
int req_place_path(struct req *r, const char *id, const char **path, struct err *e);
/* Its path and gpath (NULL when no grid covers it); 404 places.not_found. */
int req_place_paths(struct req *r, const char *id, const char **path, const char **gpath,
                    struct err *e);

/* For a module's place rule: the path and gpath of the place of the row that sql (one
 * parameter, bound to :id) names; 404 code ("no <what> '<id>'") when there is none. */
int req_row_place_paths(struct req *r, const char *sql, const char *code, const char *what,
                        const char **path, const char **gpath, struct err *e);

/* No place: the route is about the caller (or public). Permission is checked alone. */
extern const struct place_rule PLACE_NONE;
/* A list: the handler filters by authz_scope(); the caller needs the permission somewhere. */
extern const struct place_rule PLACE_SCOPE;
/* The :id parameter is a place id. */
extern const struct place_rule PLACE_PARAM_ID;
/* The `place` query parameter names a place (required). */
extern const struct place_rule PLACE_QUERY;
/* The `place_id` field of the JSON body names a place (required). */
extern const struct place_rule PLACE_BODY;

enum {
	ROUTE_NO_TX = 1,     /* an unsafe method that manages its own transactions (login) */
	ROUTE_UPLOAD = 2,    /* multipart/form-data, files streamed to disk */
	ROUTE_NO_CSRF = 4,   /* an unsafe method exempt from the CSRF check (login itself) */
	ROUTE_NO_REPLAY = 8, /* the answer holds a secret: Idempotency-Key is not honoured, so
	                        the answer is never stored for replay */
	ROUTE_CACHE = 16,    /* a GET whose answer depends only on the caller, the URL, the
	                        database and the time: kept for every thread until a commit
	                        writes what it read, for http.answer_cache_ms at most
	                        (answers.h) */
	/* served by `cunwu serve --public-only` too (the public zone, facing the internet; see
	   docs/deploy.md): every other route is 404 there, as if it did not exist */
	ROUTE_PUBLIC_ZONE = 32,
	ROUTE_TOTP_ENROL = 64, /* answers an administrator's session that must enrol a second
	                          factor first (auth.admin_totp); every other route is 403 */
	ROUTE_DATED = 128      /* with ROUTE_CACHE: the answer changes with the date (ages), not
	                          the time of day, so it is kept until Beijing's midnight at most
	                          instead of http.answer_cache_ms */
};

/*
 * The Content-Security-Policy of every answer: scripts, styles, images, fonts and API calls
 * come from cunwu itself (intranets have no internet; no CDN), no inline script, no
 * framing. Inline styles stay allowed: Vue and ECharts set element styles.
 */
#define HTTP_CSP                                                                                   \
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "                \
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "     \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* Permissions every route may name besides module permissions. */
#define PERM_PUBLIC NULL    /* no login needed */
#define PERM_LOGIN  "login" /* any signed-in caller */

struct route {
	const char *method;
	const char *path; /* "/api/v1/places/:id" */
	int (*fn)(struct req *r, struct err *e);
	const char *perm;
	const struct place_rule *place;
	unsigned flags;
	size_t upload_max; /* ROUTE_UPLOAD: bytes per file (0: media.max_bytes) */
};

struct route_table {
	const char *module;
	const struct route *routes;
	size_t n;
};

struct upload {
	struct upload *next;
	const char *field, *filename, *content_type;
	char *tmp_path; /* removed when the request ends unless the handler renamed it */
	int64_t size;
	int fd;
};

struct form_field {
	struct form_field *next;
	const char *name;
	struct strbuf value;
};

struct header {
	struct header *next;
	const char *name, *value;
};

struct req {
	struct arena arena;
	struct db *db;
	void *conn; /* struct MHD_Connection */
	const char *method, *path;
	const struct route *route;
	const char *param_names[8], *param_values[8];
	int nparams;
	char request_id[40];
	char addr[64];
	/* the client reached us over HTTPS: natively (http.tls_cert), or through a proxy of
	 * http.trusted_proxies that says X-Forwarded-Proto: https (the session cookie is Secure) */
	int https;
	int64_t t0_ns;
	/* without a connection (a command run in-process, as `cunwu export`): the query as
	 * name, value pairs, NULL-terminated; req_query reads them */
	const char *const *query;

	/* body */
	struct strbuf body;
	json_t *json;
	int body_state; /* 0 reading, 1 too large, 2 upload error (err set), 3 discard */
	void *post;     /* struct MHD_PostProcessor */
	struct upload *uploads;
	struct form_field *fields;
	size_t upload_max;
	struct err upload_err;
	int64_t received; /* body bytes so far */

	/* caller: valid while the handler runs (it may live in the principal cache) */
	struct principal *who;
	const char *log_user;

	/* answer */
	int status;
	struct strbuf out;
	struct jw jw;
	const char *content_type;
	struct header *headers;
	int file_fd; /* >= 0: send this file as the body */
	int64_t file_size;
	const unsigned char *static_body; /* non-NULL: send these bytes (never freed) */
	size_t static_len;
	const char *cache_control; /* NULL: no-store */
	int answered;
};

/*
 * Whether path matches a route's pattern ("/api/v1/places/:id": each :name matches one
 * non-empty segment, at most 8); with r, r's params are set from it (in r's arena). The
 * router's own test; exported for tests/fuzz/fuzz_router.c.
 */
int http_path_match(const char *pat, const char *path, struct req *r);

/* A parameter from the route path; NULL if absent. */
const char *req_param(struct req *r, const char *name);
/* A query-string value (decoded); NULL if absent. */
const char *req_query(struct req *r, const char *name);
/* A request header; NULL if absent. */
const char *req_header(struct req *r, const char *name);
/* The JSON body parsed (once); NULL with 400 if absent or malformed. */
json_t *req_json(struct req *r, struct err *e);
/* The upload in form field `field`, or NULL. */
struct upload *req_upload(struct req *r, const char *field);
/* A plain multipart form field, or NULL. */
const char *req_form(struct req *r, const char *name);

/* The writer for a JSON answer (content type set on first use). */
struct jw *req_jw(struct req *r);
/* answers_find's give (answers.h): a kept answer written to the JSON writer jw */
void req_give(void *jw, const char *body, size_t len);
void req_set_header(struct req *r, const char *name, const char *value);

/*
 * Paging and sorting, as docs/api.md sets them out: page (from 1), page_size (1..500,
 * default 50), sort = comma-separated keys from `allowed` (each "key" or "-key"). The
 * allowed list is "key=sql_expr" pairs; order gets the ORDER BY text, built only from
 * those expressions, so it is safe to paste into SQL.
 */
struct page {
	int64_t page, size, offset;
	const char *order;
	/* count at most this many for the total (0: all), for searches that may match much
	 * of a county: the answer then says "total_capped": true and total is the cap */
	int64_t count_cap;
	/* late row reads: with key ("x.id") the page's keys are found and sorted first, and only
	 * those rows are read for cols, from key_from ("persons x JOIN places p"), so columns
	 * that cost (a subquery per row) are not computed for every match a sort must see. The
	 * order may use only columns key_from has. */
	const char *key, *key_from;
};
int req_page(struct req *r, const char *const *allowed, const char *default_sort, struct page *pg,
             struct err *e);
/*
 * A list query's WHERE clause and its arguments, started from the caller's scope for a
 * permission (so nothing outside their grants can be listed) and narrowed with AND.
 */
#define QUERY_MAX_ARGS 64
struct query {
	struct strbuf where;
	struct db_arg args[QUERY_MAX_ARGS];
	size_t n;
};
/* where := "<path_col> inside the caller's places for perm" */
void query_scope(struct req *r, struct query *q, const char *perm, const char *path_col);
/* where := "<path_col> or <gpath_col> inside the caller's places for perm": rows at places
 * of either tree (a grant over a grid reaches the places it covers). See authz_sql2. */
void query_scope2(struct req *r, struct query *q, const char *perm, const char *path_col,
                  const char *gpath_col);
/* where += " AND (<path_col> or <gpath_col> under path)": rows at a place of either tree
 * inside a subtree (a village's places, or what a grid covers) */
void query_and_under2(struct req *r, struct query *q, const char *path_col, const char *gpath_col,
                      const char *path);
/* where += " AND <cond>" with one '?' bound to a (or none if a.type is DB_ARG_END) */
void query_and(struct query *q, const char *cond, struct db_arg a);
/* where += " AND <col> = ?" for one value, " AND <col> IN (?, ?, ...)" for several (the
 * hashes of a value under each loaded key: crypt_lookups) */
void query_and_in(struct query *q, const char *col, const char *const *vals, int n);

/*
 * Write the current row of st as one object, column i under keys[i] (NULL-terminated).
 * A key may be prefixed: '#' integer, '?' boolean, '@' the column already holds JSON;
 * otherwise text (NULL as null).
 */
void jw_row(struct jw *w, struct db_stmt *st, const char *const *keys);
/* "key": [every row of st, each by jw_row]; -1 if a step failed (e set). */
int jw_key_rows(struct jw *w, const char *key, struct db_stmt *st, const char *const *keys,
                struct err *e);

/* Writes one row of a list as a JSON value. */
typedef void (*row_writer)(struct jw *w, struct db_stmt *st);

/*
 * One page of a list: "SELECT count(*) FROM <from> WHERE <q>" for the total, then
 * "SELECT <cols> FROM <from> WHERE <q> ORDER BY <pg->order> LIMIT ? OFFSET ?", each row
 * written by fn, as {"items":[...],"page":..,"page_size":..,"total":..}. With
 * pg->count_cap the count stops there ("total_capped": true when it did).
 */
int req_list(struct req *r, const char *cols, const char *from, struct query *q,
             const struct page *pg, row_writer fn, struct err *e);
/* {"items":[...]} from every row of st (a short list without paging). */
int req_items(struct req *r, struct db_stmt *st, row_writer fn, struct err *e);

/*
 * Optimistic concurrency: if the request carries If-Match, it must equal the row's
 * version (as "N" or W/"N"); otherwise 412 http.precondition_failed. ETag is set.
 */
int req_if_match(struct req *r, int64_t version, struct err *e);
void req_etag(struct req *r, int64_t version);

/* 202 Accepted for a long operation: {"job":{"id","state","progress"}} and Location. */
void req_accepted_job(struct req *r, const char *job_id);

/* ---- server ---- */

struct server_opts {
	const char *db_url;
	const char *listen;
	const char *ready_file;
	int threads;
	size_t body_max;
	int connection_limit;
	int per_ip_limit;       /* connections one client address may hold (0: any) */
	int connection_timeout; /* seconds a connection may be idle */
	int shutdown_seconds;
	int stop_after;
	int access_log;
	int public_only; /* only ROUTE_PUBLIC_ZONE routes and the public pages; the rest 404 */
	const char *tls_cert, *tls_key; /* PEM files: HTTPS (GnuTLS, TLS 1.2+); "" or NULL: HTTP */
};

/* Register a module's routes (before http_serve). */
void http_add_routes(const struct route_table *t);
/* Every registered route, for `cunwu routes` and the coverage test. */
void http_each_route(void (*fn)(const struct route *rt, const char *module, void *arg), void *arg);
/* Serve until SIGTERM/SIGINT (or stop_after); 0 on a clean stop. */
int http_serve(const struct server_opts *o, struct err *e);

/* The connection of the calling worker thread (opened by http_serve before it listened). */
struct db *http_thread_db(struct err *e);
/*
 * Run a request without a connection as dispatch runs one that came over HTTP: its route
 * found by r->method and r->path, the permission and place checked for r->who (set by the
 * caller, see auth_principal_load; NULL: anonymous), the handler run in its transaction. The
 * caller sets r->arena, r->db (with db_set_arena), r->out, r->file_fd = -1, r->query and
 * r->body. For bench/inproc.c, the floor without HTTP. 0 with r->status, or -1 with e.
 */
int http_call(struct req *r, struct err *e);
/* The group whose connection requests that write share (db_group_run), for callers of
 * http_call (http_serve opens its own); NULL: each writes on r->db. */
void http_set_group(struct db_group *g);

#endif
