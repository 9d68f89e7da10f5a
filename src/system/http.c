/* http.c - routes of the foundation: health, version, jobs, audit, cockpit, media. */
#include "system.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "core/answers.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/config.h"
#include "core/jobs.h"
#include "core/media.h"
#include "core/util.h"
#include "version.h"
#include "core/banned.h"

/* GET /healthz */
static int get_healthz(struct req *r, struct err *e)
{
	int64_t one = 0;
	if (db_get_int(r->db, e, &one, "SELECT 1", DB_ARGS(DB_NOARGS)) < 0)
		return -1; /* the database's own error: 503 while it is away */
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "status", "ok");
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/version */
static int get_version(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT module, max(version) FROM schema_migrations "
	                              "GROUP BY module ORDER BY module",
	                              DB_NOARGS);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "name", "cunwu");
	jw_kstr(w, "version", CUNWU_VERSION);
	jw_kstr(w, "backend", db_backend(r->db));
	jw_key(w, "schema");
	jw_obj(w);
	int rc;
	while ((rc = db_step(st, e)) == 1)
		jw_ki64(w, db_text(st, 0), db_int(st, 1));
	jw_obj_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* ---- jobs ---- */

/* GET /api/v1/jobs/:id: the creator, or jobs.read over the job's county */
static int get_job(struct req *r, struct err *e)
{
	struct db_stmt *st =
	    db_query(r->db, e,
	             "SELECT j.id, j.kind, j.state, j.progress, j.attempts, j.result, j.error, "
	             "j.created_by, j.created_at, j.started_at, j.finished_at, p.path FROM jobs j "
	             "LEFT JOIN places p ON p.id = j.region || '000000' WHERE j.id = ?",
	             DB_T(req_param(r, "id")));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "jobs.not_found", "no such job");
	const char *creator = db_text(st, 7), *path = db_text(st, 11);
	if ((!creator || strcmp(creator, r->who->user_id)) &&
	    authz(r, "jobs.read", path ? path : "", e)) {
		db_done(st);
		return -1;
	}
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "job");
	jw_obj(w);
	jw_kstr(w, "id", db_text(st, 0));
	jw_kstr(w, "kind", db_text(st, 1));
	jw_kstr(w, "state", db_text(st, 2));
	jw_ki64(w, "progress", db_int(st, 3));
	jw_ki64(w, "attempts", db_int(st, 4));
	jw_key(w, "result");
	const char *res = db_text(st, 5);
	if (res)
		jw_raw(w, res, strlen(res));
	else
		jw_null(w);
	jw_kstr(w, "error", db_text(st, 6));
	jw_kstr(w, "created_at", db_text(st, 8));
	jw_kstr(w, "started_at", db_text(st, 9));
	jw_kstr(w, "finished_at", db_text(st, 10));
	jw_obj_end(w);
	jw_obj_end(w);
	db_done(st);
	return 0;
}

/* ---- audit ---- */

static const char *const audit_sorts[] = { "at=a.at", "seq=a.seq", "entity=a.entity", NULL };

static void write_audit_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "chain",      "region",     "#seq",      "id",
		                            "at",         "actor_kind", "actor_id",  "actor_name",
		                            "request_id", "entity",     "entity_id", "action",
		                            "@changes",   "hash",       NULL };
	jw_row(w, st, keys);
}

/*
 * GET /api/v1/audit?entity=&entity_id=: the rows of every county (region) that has a
 * place inside the caller's audit.read scope. A town auditor thus reads the county chain
 * their town writes into.
 */
static int list_audit(struct req *r, struct err *e)
{
	struct page pg;
	struct query scope, q;
	if (req_page(r, audit_sorts, "-at", &pg, e))
		return -1;
	query_scope(r, &scope, "audit.read", "sp.path");
	q = scope;
	strbuf_init(&q.where, &r->arena, 16384);
	strbuf_addf(&q.where, "a.region IN (SELECT DISTINCT sp.region FROM places sp WHERE %s)",
	            scope.where.buf);
	const char *entity = req_query(r, "entity"), *eid = req_query(r, "entity_id");
	if (entity)
		query_and(&q, "a.entity = ?", DB_T(entity));
	if (eid)
		query_and(&q, "a.entity_id = ?", DB_T(eid));
	return req_list(
	    r,
	    "a.chain, a.region, a.seq, a.id, a.at, a.actor_kind, a.actor_id, a.actor_name, "
	    "a.request_id, a.entity, a.entity_id, a.action, a.changes, a.hash",
	    "audit_log a", &q, &pg, write_audit_row, e);
}

static void verify_progress(void *arg, int pct)
{
	jobs_progress(arg, pct);
}

static int job_audit_verify(struct job_ctx *j, struct err *e)
{
	struct audit_report rep;
	if (audit_verify(j->db, NULL, NULL, &rep, verify_progress, j, e))
		return -1;
	struct jw w;
	jw_init(&w, &j->result);
	jw_obj(&w);
	jw_kbool(&w, "ok", rep.ok);
	jw_ki64(&w, "rows", rep.rows);
	jw_ki64(&w, "chains", rep.chains);
	jw_kstr(&w, "first_bad", rep.ok ? NULL : rep.first_bad);
	jw_obj_end(&w);
	return 0;
}

static const struct job_kind audit_verify_kind = { "audit.verify", job_audit_verify };

/*
 * system.prune, daily: forget what has served its purpose — idempotent answers after a
 * day, sessions past their expiry, finished jobs after 30 days. Audit rows are never
 * pruned.
 */
static int job_prune(struct job_ctx *j, struct err *e)
{
	char day[32], now[32], month[32], idle[32];
	int64_t t = time_now_ms();
	time_iso(t, now);
	time_iso(t - 86400LL * 1000, day);
	time_iso(t - 30LL * 86400 * 1000, month);
	time_iso(t - config_int("session.idle_minutes") * 60 * 1000, idle);
	if (db_begin(j->db, DB_WRITE, e))
		return -1;
	int64_t a = db_exec(j->db, e, "DELETE FROM idempotency WHERE created_at < ?", DB_T(day));
	int64_t b =
	    a < 0 ? -1
	          : db_exec(j->db, e, "DELETE FROM sessions WHERE expires_at < ? OR seen_at < ?",
	                    DB_T(now), DB_T(idle));
	int64_t c = b < 0 ? -1
	                  : db_exec(j->db, e,
	                            "DELETE FROM jobs WHERE state IN ('done', 'failed') AND "
	                            "finished_at < ?",
	                            DB_T(month));
	if (c < 0) {
		db_rollback(j->db);
		return -1;
	}
	if (db_commit(j->db, e))
		return -1;
	strbuf_addf(&j->result, "{\"idempotency\":%lld,\"sessions\":%lld,\"jobs\":%lld}",
	            (long long)a, (long long)b, (long long)c);
	return 0;
}

static const struct job_kind prune_kind = { "system.prune", job_prune, 86400 };

/* POST /api/v1/audit/verify: 202 and a job */
static int post_audit_verify(struct req *r, struct err *e)
{
	char id[ID_LEN + 1];
	const char *region = NULL;
	if (db_get_text(r->db, e, &region, "SELECT region FROM users WHERE id = ?",
	                DB_ARGS(DB_T(r->who->user_id))) != 1)
		return -1;
	if (jobs_enqueue(r->db, "audit.verify", region, "{}", 0, 0, r->who->user_id, id, e))
		return -1;
	jobs_kick();
	req_accepted_job(r, id);
	return 0;
}

/* GET /api/v1/audit/heads */
static int get_audit_heads(struct req *r, struct err *e)
{
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 0);
	if (audit_heads_export(r->db, config_str("audit.sign_key"), &sb, e))
		return -1;
	struct jw *w = req_jw(r);
	jw_raw(w, sb.buf, sb.len);
	return 0;
}

/* ---- cockpit ---- */

/* the place asked for, or the first place the caller may see the cockpit of */
static int cockpit_place(struct req *r, const char **path, struct err *e)
{
	const char *id = req_query(r, "place");
	if (!id) {
		if (!r->who)
			return err_set(e, 401, "auth.required", NULL, "sign in first");
		for (size_t i = 0; i < r->who->ngrants; i++)
			for (size_t k = 0; k < r->who->grants[i].nperms; k++)
				if (!strcmp(r->who->grants[i].perms[k], "cockpit.read")) {
					*path = r->who->grants[i].place_path;
					return 0;
				}
		return err_forbidden(e, "you do not have 'cockpit.read'");
	}
	return req_place_path(r, id, path, e);
}
static const struct place_rule PLACE_COCKPIT = {
	"query place=ID, else the caller's first cockpit place", cockpit_place
};

/*
 * The server keeps the cockpits it answered lately (answers.h, shared by its threads), by place and
 * the tiles the caller may see (the figures are the same for everyone who sees them), and each
 * tile's figures by place (cockpit_tile_answer). An answer is given again only while none of
 * the tables it was made from has changed since (db_stamp_holds; where the backend cannot tell
 * of other processes, for COCKPIT_CACHE_MS). A home page opened by every cadre between two
 * writes costs its queries once (issue 9's S3), and after a write only the tiles that read
 * what it wrote are counted again: a resident's request does not recount the people. A
 * county's costly figures are counted again off the request, and given late meanwhile.
 */

/* GET /api/v1/cockpit?place=ID: every tile over the place and each child place */
static int cockpit_answer(struct req *r, const char *path, uint64_t visible, struct db_stamp *made,
                          int *late, struct err *e);

static int get_cockpit(struct req *r, struct err *e)
{
	const char *path;
	if (cockpit_place(r, &path, e))
		return -1;
	int nt;
	const struct cockpit_tile *const *tiles = cockpit_tiles(&nt);
	uint64_t visible = 0;
	int64_t now = time_now_ms(), ttl = INT64_MAX; /* the shortest-lived figure's */
	for (int i = 0; i < nt && i < 64; i++) {
		struct err ignore;
		if (!authz(r, tiles[i]->perm, path, &ignore)) {
			visible |= 1ull << i;
			int64_t t = cockpit_tile_ttl(tiles[i], now);
			if (t < ttl)
				ttl = t;
		}
	}
	const char *key =
	    arena_printf(&r->arena, "cockpit|%s|%llx", path, (unsigned long long)visible);
	struct db_stamp stamp; /* before the reads: a commit meanwhile shows */
	db_stamp(r->db, now, &stamp);
	if (answers_find(key, &stamp, COCKPIT_CACHE_MS, ttl, req_give, req_jw(r), NULL))
		return 0;
	size_t start = r->out.len;
	int late = 0;
	if (cockpit_answer(r, path, visible, &stamp, &late, e))
		return -1;
	if (!late) /* else asked again until the counter has counted */
		answers_keep(key, &stamp, r->out.buf + start, r->out.len - start);
	return 0;
}

static int cockpit_answer(struct req *r, const char *path, uint64_t visible, struct db_stamp *made,
                          int *late, struct err *e)
{
	struct cockpit_place *p = arena_alloc(&r->arena, sizeof(*p));
	if (cockpit_place_read(r->db, path, p, e))
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "place");
	jw_obj(w);
	jw_kstr(w, "id", p->id);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "kind", p->kind);
	jw_obj_end(w);
	jw_key(w, "tiles");
	jw_arr(w);
	db_stamp_reads(r->db, made); /* what the place and its children were read from */
	int nt;
	const struct cockpit_tile *const *tiles = cockpit_tiles(&nt);
	for (int i = 0; i < nt && i < 64; i++)
		if ((visible & (1ull << i)) &&
		    cockpit_tile_answer(r->db, &r->arena, w, tiles[i], p, made, late, e))
			return -1;
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

/* ---- media ---- */

/* POST /api/v1/media (multipart: file, keep_position=1 to keep a photo's position) */
static int post_media(struct req *r, struct err *e)
{
	struct upload *u = req_upload(r, "file");
	if (!u)
		return err_invalid(e, "media.file_required", "file",
		                   "send the file in a form field named 'file'");
	const char *keep = req_form(r, "keep_position");
	int keep_pos = keep && !strcmp(keep, "1");
	char id[65];
	const char *mime;
	int64_t size;
	if (media_store(u->tmp_path, (int64_t)r->upload_max, keep_pos, id, &mime, &size, e))
		return -1;
	u->tmp_path = NULL; /* consumed */
	const char *region = NULL;
	if (db_get_text(r->db, e, &region, "SELECT region FROM users WHERE id = ?",
	                DB_ARGS(DB_T(r->who->user_id))) != 1)
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	int added;
	if (media_record(r->db, &a, region, id, mime, size, u->filename, keep_pos, r->who->user_id,
	                 &added, e))
		return -1;
	r->status = added ? 201 : 200;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/media/%s", id));
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "mime", mime);
	jw_ki64(w, "bytes", size);
	jw_kbool(w, "kept_position", keep_pos);
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/media/:id */
static int get_media(struct req *r, struct err *e)
{
	const char *id = req_param(r, "id"), *mime = NULL;
	char path[4200];
	if (media_path(id, path, sizeof(path)))
		return err_notfound(e, "media.not_found", "no such file");
	int rc =
	    db_get_text(r->db, e, &mime, "SELECT mime FROM media WHERE id = ?", DB_ARGS(DB_T(id)));
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "media.not_found", "no such file");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return err_set(e, 410, "media.missing", NULL,
		               "the file is gone from the media folder");
	}
	r->file_fd = fd;
	r->file_size = st.st_size;
	r->content_type = mime;
	req_set_header(r, "Content-Security-Policy",
	               "default-src 'none'; sandbox; frame-ancestors 'none'");
	if (!strcmp(mime, "application/pdf"))
		req_set_header(r, "Content-Disposition",
		               arena_printf(&r->arena, "attachment; filename=\"%.16s.pdf\"", id));
	r->status = 200;
	return 0;
}

static const struct place_rule PLACE_JOB = {
	"param :id is a job: its creator, or jobs.read over the job's county", NULL
};
static const struct place_rule PLACE_AUDIT_ALL = {
	"none: every chain of the database (the auditor's whole log)", NULL
};
static const struct place_rule PLACE_MEDIA = {
	"none: files are content-addressed; the record that uses one carries its place", NULL
};

static const struct route routes[] = {
	/* a probe: one statement, no transaction around it (one round trip on PostgreSQL) */
	{ "GET", "/healthz", get_healthz, PERM_PUBLIC, &PLACE_NONE, ROUTE_NO_TX | ROUTE_PUBLIC_ZONE,
	  0 },
	{ "GET", "/api/v1/version", get_version, PERM_PUBLIC, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/jobs/:id", get_job, PERM_LOGIN, &PLACE_JOB, 0, 0 },
	{ "GET", "/api/v1/audit", list_audit, "audit.read", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/audit/verify", post_audit_verify, "audit.read", &PLACE_AUDIT_ALL, 0, 0 },
	{ "GET", "/api/v1/audit/heads", get_audit_heads, "audit.read", &PLACE_AUDIT_ALL, 0, 0 },
	{ "GET", "/api/v1/cockpit", get_cockpit, "cockpit.read", &PLACE_COCKPIT, 0, 0 },
	{ "POST", "/api/v1/media", post_media, "media.write", &PLACE_MEDIA, ROUTE_UPLOAD, 0 },
	{ "GET", "/api/v1/media/:id", get_media, "media.read", &PLACE_MEDIA, 0, 0 },
};

const struct route_table system_routes = { "system", routes, sizeof(routes) / sizeof(routes[0]) };

void system_register(void)
{
	jobs_register(&audit_verify_kind);
	jobs_register(&prune_kind);
}
