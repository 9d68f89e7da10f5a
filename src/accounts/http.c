/* http.c - routes of accounts: session, me, users, grants, roles, tokens; see accounts.h. */
#include "accounts.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/auth.h"
#include "core/cockpit.h"
#include "core/config.h"
#include "core/json.h"
#include "core/totp.h"
#include "core/util.h"
#include "core/banned.h"

void accounts_actor(struct req *r, struct actor *a)
{
	a->kind = r->who ? (!strcmp(r->who->kind, "token") ? "token" : "user") : "system";
	a->id = r->who ? r->who->user_id : NULL;
	a->name = r->who ? r->who->login : NULL;
	a->request_id = r->request_id;
}

static void write_user(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kstr(w, "id", u->id);
	jw_kstr(w, "login", u->login);
	jw_kstr(w, "name", u->name);
	jw_kstr(w, "place_id", u->place_id);
	jw_kstr(w, "place_name", u->place_name);
	jw_kstr(w, "region", u->region);
	jw_kbool(w, "disabled", u->disabled);
	jw_ki64(w, "version", u->version);
	jw_kstr(w, "created_at", u->created_at);
	jw_kstr(w, "updated_at", u->updated_at);
	jw_kstr(w, "lang", u->lang);
	jw_kbool(w, "totp", u->totp);
	jw_obj_end(w);
}

/* ---- session ---- */

struct login_body {
	const char *login, *password, *code;
};

static const struct jfield login_fields[] = {
	{ "login", JF_STR, offsetof(struct login_body, login), JF_REQUIRED, 1, 64 },
	{ "password", JF_STR, offsetof(struct login_body, password), JF_REQUIRED | JF_SECRET, 1,
	  128 },
	{ "code", JF_STR, offsetof(struct login_body, code), JF_SECRET, 1, 16 },
};

/* A fixed hash to verify against when the login is unknown, so timing does not tell. */
static const char *dummy_hash(void)
{
	static char h[crypto_pwhash_STRBYTES];
	static int made;
	if (!made) {
		struct err e;
		auth_hash_password("not-a-password-0", h, sizeof(h), &e);
		made = 1;
	}
	return h;
}

/*
 * Record a login attempt of a known account in its own short transaction (the password
 * was checked outside any): the audit row (a failure's reason: NULL for the password, else
 * the second factor's error code), and for a success the new session and the time step of
 * its code (totp_step; 0 without a second factor), refused if a login meanwhile used it.
 */
static int login_record(struct req *r, const struct user *u, const char *failed, int64_t totp_step,
                        const char **cookie, const char **csrf, struct err *e)
{
	struct actor a = { "user", u->id, u->login, r->request_id };
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, &r->arena, 1024);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "address", r->addr);
	if (failed)
		jw_kstr(&w, "reason", failed);
	jw_obj_end(&w);
	int ok = cookie != NULL;
	if (db_begin(r->db, DB_WRITE, e))
		return -1;
	if ((ok && totp_step && accounts_totp_use(r->db, u->id, totp_step, e)) ||
	    (ok && auth_session_create(r->db, &r->arena, u->id, r->addr, cookie, csrf, e)) ||
	    audit_write(r->db, &a, u->region, "sessions", u->id, ok ? "login" : "login_failed",
	                sb.buf, e)) {
		db_rollback(r->db);
		return -1;
	}
	return db_commit(r->db, e);
}

/* a failed login of a known account: counted by the throttle, audited, answered e */
static int login_failed(struct req *r, const struct user *u, const char *login, struct err *e)
{
	auth_throttle_fail(login, r->addr);
	struct err ignore;
	if (u && login_record(r, u, e->code[0] ? e->code : "password", 0, NULL, NULL, &ignore))
		return err_set(e, ignore.status, ignore.code, ignore.field, "%s", ignore.msg);
	return -1;
}

/* Secure when set so, or when the client came over HTTPS (natively or by a trusted proxy) */
static const char *secure_flag(const struct req *r)
{
	return config_bool("session.secure_cookie") || r->https ? "; Secure" : "";
}

/* POST /api/v1/session {login, password}: no transaction is held while hashing */
static int post_session(struct req *r, struct err *e)
{
	struct login_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, login_fields, JF_COUNT(login_fields), &b, NULL, 0, e))
		return -1;
	if (auth_throttle_check(b.login, r->addr, e))
		return -1;
	struct user u;
	const char *hash = NULL;
	int rc = accounts_user_by_login(r->db, b.login, &u, &hash, e);
	if (rc < 0)
		return -1;
	int ok = auth_verify_password(rc == 1 ? hash : dummy_hash(), b.password) && rc == 1;
	if (!ok) {
		err_set(e, 401, "auth.login_failed", NULL, "wrong login or password");
		return login_failed(r, rc == 1 ? &u : NULL, b.login, e);
	}
	if (u.disabled)
		return err_set(e, 401, "auth.account_disabled", NULL, "this account is disabled");
	/* the second factor, once the password is right: missing or wrong counts as a failure */
	int64_t step;
	if (accounts_totp_login(r->db, u.id, b.code, &step, e))
		return e->status == 401 ? login_failed(r, &u, b.login, e) : -1;
	int admin = step ? 0 : accounts_is_admin(r->db, u.id, e);
	if (admin < 0)
		return -1;
	const char *cookie, *csrf;
	if (login_record(r, &u, NULL, step, &cookie, &csrf, e))
		return e->status == 401 ? login_failed(r, &u, b.login, e) : -1;
	auth_throttle_ok(b.login);
	req_set_header(
	    r, "Set-Cookie",
	    arena_printf(
	        &r->arena, "cunwu_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
	        cookie, (long long)config_int("session.absolute_hours") * 3600, secure_flag(r)));
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "user");
	write_user(w, &u);
	jw_kstr(w, "csrf_token", csrf);
	/* an administrator without a second factor: this session may only enrol one */
	jw_kbool(w, "totp_enrol", admin && config_bool("auth.admin_totp"));
	jw_obj_end(w);
	return 0;
}

/* DELETE /api/v1/session */
static int delete_session(struct req *r, struct err *e)
{
	if (!r->who->session_hash)
		return err_invalid(e, "auth.not_a_session", NULL,
		                   "signed in with a token, not a session");
	if (auth_session_delete(r->db, r->who->session_hash, e))
		return -1;
	struct user u;
	if (accounts_user_get(r->db, r->who->user_id, &u, e) == 1) {
		struct actor a;
		accounts_actor(r, &a);
		if (audit_write(r->db, &a, u.region, "sessions", u.id, "logout", "{}", e))
			return -1;
	}
	req_set_header(
	    r, "Set-Cookie",
	    arena_printf(&r->arena,
	                 "cunwu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	                 secure_flag(r)));
	r->status = 204;
	return 0;
}

/* GET /api/v1/me: answered from the identified caller, without a query */
static int get_me(struct req *r, struct err *e)
{
	(void)e;
	const struct principal *p = r->who;
	struct user u = { p->user_id,    p->region,     p->place_id,
		          p->login,      p->name,       0,
		          p->version,    p->created_at, p->updated_at,
		          p->place_name, p->lang,       p->totp == AUTH_TOTP_ACTIVE };
	static const char *const totp_states[] = { "off", "pending", "active" };
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "user");
	write_user(w, &u);
	jw_kstr(w, "auth", r->who->kind);
	jw_kstr(w, "totp", totp_states[p->totp >= 0 && p->totp <= 2 ? p->totp : 0]);
	jw_kbool(w, "totp_enrol", p->totp_enrol);
	if (r->who->csrf)
		jw_kstr(w, "csrf_token", r->who->csrf);
	jw_key(w, "grants");
	jw_arr(w);
	for (size_t i = 0; i < r->who->ngrants; i++) {
		const struct grant *g = &r->who->grants[i];
		jw_obj(w);
		jw_kstr(w, "id", g->id);
		jw_kstr(w, "role_id", g->role_id);
		jw_kstr(w, "role_name", g->role_name);
		jw_kstr(w, "place_id", g->place_id);
		jw_kstr(w, "place_name", g->place_name);
		jw_key(w, "perms");
		jw_arr(w);
		for (size_t k = 0; k < g->nperms; k++)
			jw_str(w, g->perms[k]);
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

/* the caller's own user row, and the caller as the actor of an audited change */
static int caller(struct req *r, struct user *u, struct actor *a, struct err *e)
{
	if (accounts_user_get(r->db, r->who->user_id, u, e) != 1)
		return -1;
	accounts_actor(r, a);
	return 0;
}

struct me_body {
	const char *lang;
};

static const struct jfield me_fields[] = {
	{ "lang", JF_STR, offsetof(struct me_body, lang), JF_REQUIRED, 2, 5 },
};

/* PATCH /api/v1/me: the caller's own preferences (today the console's language) */
static int patch_me(struct req *r, struct err *e)
{
	struct me_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, me_fields, JF_COUNT(me_fields), &b, NULL, 0, e))
		return -1;
	struct user u;
	struct actor a;
	if (caller(r, &u, &a, e) || accounts_set_lang(r->db, &a, &u, b.lang, e))
		return -1;
	r->status = 204;
	return 0;
}

/* ---- users ---- */

static int place_of_user(struct req *r, const char **path, struct err *e)
{
	const char *id = req_param(r, "id");
	if (!id_valid(id))
		return err_notfound(e, "accounts.user_not_found", "no user '%s'", id);
	int rc = db_get_text(r->db, e, path,
	                     "SELECT p.path FROM users u JOIN places p ON p.id = u.place_id "
	                     "WHERE u.id = ?",
	                     DB_ARGS(DB_T(id)));
	if (rc == 0)
		return err_notfound(e, "accounts.user_not_found", "no user '%s'", id);
	return rc < 0 ? -1 : 0;
}
static const struct place_rule PLACE_USER = { "param :id is a user; their place", place_of_user };

static int place_of_grant(struct req *r, const char **path, struct err *e)
{
	const char *id = req_param(r, "id");
	int rc = db_get_text(r->db, e, path,
	                     "SELECT p.path FROM grants g JOIN places p ON p.id = g.place_id "
	                     "WHERE g.id = ?",
	                     DB_ARGS(DB_T(id)));
	if (rc == 0)
		return err_notfound(e, "accounts.grant_not_found", "no grant '%s'", id);
	return rc < 0 ? -1 : 0;
}
static const struct place_rule PLACE_GRANT = { "param :id is a grant; its place", place_of_grant };

/*
 * 三员分立: the system administrator manages accounts, but must not take over the
 * security administrator's or the auditor's (by resetting their password or disabling
 * them). Those two accounts are changed by their holders, or on the machine (CLI).
 */
static int guard_admin_account(struct req *r, const struct user *u, struct err *e)
{
	if (!strcmp(u->id, r->who->user_id))
		return 0;
	int64_t n = 0;
	if (db_get_int(r->db, e, &n,
	               "SELECT count(*) FROM grants WHERE user_id = ? "
	               "AND role_id IN ('secadmin', 'auditor')",
	               DB_ARGS(DB_T(u->id))) < 0)
		return -1;
	if (n)
		return err_set(
		    e, 403, "accounts.separation_of_duties", NULL,
		    "'%s' is a security administrator or auditor; only they (or the "
		    "machine's operator, with the cunwu command) may change that account",
		    u->login);
	return 0;
}

static const char *const user_sorts[] = { "login=u.login", "name=u.name", "created_at=u.created_at",
	                                  "place=p.path", NULL };

static void write_user_row(struct jw *w, struct db_stmt *st)
{
	struct user u;
	accounts_read_user(st, &u);
	write_user(w, &u);
}

/* GET /api/v1/users?q=text */
static int list_users(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (req_page(r, user_sorts, "login", &pg, e))
		return -1;
	query_scope(r, &q, "accounts.users.read", "p.path");
	const char *text = req_query(r, "q");
	if (text) {
		if (strlen(text) > 64)
			return err_invalid(e, "accounts.q_too_long", "q", "'q' is over 64 bytes");
		const char *like = db_like_contains(&r->arena, text);
		query_and(&q, "(u.login LIKE ? ESCAPE '\\' OR u.name LIKE ? ESCAPE '\\')",
		          DB_T(like));
		q.args[q.n++] = DB_T(like);
	}
	return req_list(r, ACCOUNTS_USER_COLS, "users u JOIN places p ON p.id = u.place_id", &q,
	                &pg, write_user_row, e);
}

struct user_body {
	const char *login, *name, *place_id, *password;
	int disabled;
};

static const struct jfield user_fields[] = {
	{ "login", JF_STR, offsetof(struct user_body, login), JF_REQUIRED, 3, 64 },
	{ "name", JF_STR, offsetof(struct user_body, name), JF_REQUIRED, 1, 50 },
	{ "place_id", JF_ID, offsetof(struct user_body, place_id), JF_REQUIRED, 0, 0 },
	{ "password", JF_STR, offsetof(struct user_body, password), JF_REQUIRED | JF_SECRET, 1,
	  128 },
	{ "disabled", JF_BOOL, offsetof(struct user_body, disabled), 0, 0, 0 },
};

/* POST /api/v1/users */
static int post_user(struct req *r, struct err *e)
{
	struct user_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, user_fields, JF_COUNT(user_fields), &b, NULL, 0, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (accounts_user_create(r->db, &a, b.login, b.name, b.place_id, b.password, &id, e))
		return -1;
	struct user u;
	if (accounts_user_get(r->db, id, &u, e) != 1)
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/users/%s", id));
	req_etag(r, u.version);
	write_user(req_jw(r), &u);
	return 0;
}

/* GET /api/v1/users/:id */
static int get_user(struct req *r, struct err *e)
{
	struct user u;
	int rc = accounts_user_get(r->db, req_param(r, "id"), &u, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "accounts.user_not_found", "no such user");
	req_etag(r, u.version);
	write_user(req_jw(r), &u);
	return 0;
}

static const struct jfield patch_fields[] = {
	{ "name", JF_STR, offsetof(struct user_body, name), 0, 1, 50 },
	{ "disabled", JF_BOOL, offsetof(struct user_body, disabled), 0, 0, 0 },
};

/* PATCH /api/v1/users/:id {name?, disabled?} with If-Match */
static int patch_user(struct req *r, struct err *e)
{
	struct user u;
	int rc = accounts_user_get(r->db, req_param(r, "id"), &u, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "accounts.user_not_found", "no such user");
	if (req_if_match(r, u.version, e) || guard_admin_account(r, &u, e))
		return -1;
	struct user_body b = { 0 };
	uint64_t seen = 0;
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, patch_fields, JF_COUNT(patch_fields), &b, &seen, 1, e))
		return -1;
	if (!seen)
		return err_invalid(e, "json.empty", NULL, "nothing to change");
	if ((seen & 2) && b.disabled && !strcmp(u.id, r->who->user_id))
		return err_invalid(e, "accounts.disable_self", "disabled",
		                   "you cannot disable your own account");
	const char *name = (seen & 1) ? b.name : u.name;
	int disabled = (seen & 2) ? b.disabled : u.disabled;
	char now[32];
	time_iso(time_now_ms(), now);
	/*
	 * Only the fields sent change. With If-Match the row must still be at that version
	 * (checked again here, under the row lock); without it the last writer wins, also
	 * when another writer held the row meanwhile (PostgreSQL, read committed).
	 */
	int64_t n = db_exec(r->db, e,
	                    "UPDATE users SET name = COALESCE(?, name), "
	                    "disabled = COALESCE(?, disabled), updated_at = ?, "
	                    "version = version + 1 WHERE id = ? AND (? = 0 OR version = ?)",
	                    (seen & 1) ? DB_T(name) : DB_NULL,
	                    (seen & 2) ? DB_I(disabled) : DB_NULL, DB_T(now), DB_T(u.id),
	                    DB_I(req_header(r, "If-Match") != NULL), DB_I(u.version));
	if (n != 1)
		return e->status ? -1
		                 : err_set(e, 412, "http.precondition_failed", NULL,
		                           "the user changed meanwhile; reload and try again");
	if (disabled && db_exec(r->db, e, "DELETE FROM sessions WHERE user_id = ?", DB_T(u.id)) < 0)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 4096);
	struct jw cw;
	jw_init(&cw, &sb);
	jw_obj(&cw);
	if (seen & 1)
		jw_kstr(&cw, "name", name);
	if (seen & 2)
		jw_kbool(&cw, "disabled", disabled);
	jw_obj_end(&cw);
	struct actor a;
	accounts_actor(r, &a);
	if (audit_write(r->db, &a, u.region, "users", u.id, "update", sb.buf, e))
		return -1;
	if (accounts_user_get(r->db, u.id, &u, e) != 1)
		return -1;
	req_etag(r, u.version);
	write_user(req_jw(r), &u);
	return 0;
}

struct pw_body {
	const char *old_password, *password;
};

static const struct jfield pw_fields[] = {
	{ "old_password", JF_STR, offsetof(struct pw_body, old_password), JF_SECRET, 1, 128 },
	{ "password", JF_STR, offsetof(struct pw_body, password), JF_REQUIRED | JF_SECRET, 1, 128 },
};

/* PUT /api/v1/users/:id/password {password}: an administrator's reset */
static int put_user_password(struct req *r, struct err *e)
{
	struct pw_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, pw_fields + 1, 1, &b, NULL, 0, e))
		return -1;
	struct user u;
	int rc = accounts_user_get(r->db, req_param(r, "id"), &u, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "accounts.user_not_found", "no such user");
	if (guard_admin_account(r, &u, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	if (accounts_set_password(r->db, &a, &u, b.password, NULL, e))
		return -1;
	r->status = 204;
	return 0;
}

/* PUT /api/v1/me/password {old_password, password} */
static int put_my_password(struct req *r, struct err *e)
{
	struct pw_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, pw_fields, JF_COUNT(pw_fields), &b, NULL, 0, e))
		return -1;
	if (!b.old_password)
		return err_invalid(e, "json.required", "old_password",
		                   "'old_password' is required");
	struct user u;
	const char *hash;
	if (accounts_user_by_login(r->db, r->who->login, &u, &hash, e) != 1)
		return -1;
	if (!auth_verify_password(hash, b.old_password))
		return err_invalid(e, "accounts.old_password_wrong", "old_password",
		                   "the current password is wrong");
	struct actor a;
	accounts_actor(r, &a);
	if (accounts_set_password(r->db, &a, &u, b.password, r->who->session_hash, e))
		return -1;
	r->status = 204;
	return 0;
}

/* ---- grants and roles ---- */

static void write_grant_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "id",       "user_id",    "role_id",    "role_name",
		                            "place_id", "place_name", "created_at", NULL };
	jw_row(w, st, keys);
}

/* GET /api/v1/users/:id/grants */
static int list_user_grants(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT g.id, g.user_id, g.role_id, ro.name, g.place_id, p.name, g.created_at "
	    "FROM grants g JOIN roles ro ON ro.id = g.role_id JOIN places p ON p.id = g.place_id "
	    "WHERE g.user_id = ? ORDER BY g.created_at",
	    DB_T(req_param(r, "id")));
	return st ? req_items(r, st, write_grant_row, e) : -1;
}

struct grant_body {
	const char *user_id, *role_id, *place_id;
};

static const struct jfield grant_fields[] = {
	{ "user_id", JF_ID, offsetof(struct grant_body, user_id), JF_REQUIRED, 0, 0 },
	{ "role_id", JF_STR, offsetof(struct grant_body, role_id), JF_REQUIRED, 1, 64 },
	{ "place_id", JF_ID, offsetof(struct grant_body, place_id), JF_REQUIRED, 0, 0 },
};

/* POST /api/v1/grants {user_id, role_id, place_id} */
static int post_grant(struct req *r, struct err *e)
{
	struct grant_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, grant_fields, JF_COUNT(grant_fields), &b, NULL, 0, e))
		return -1;
	if (!strcmp(b.user_id, r->who->user_id))
		return err_set(e, 403, "accounts.self_grant", "user_id",
		               "no one may grant a role to themselves");
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (accounts_grant(r->db, &a, b.user_id, b.role_id, b.place_id, &id, e))
		return -1;
	r->status = 201;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "user_id", b.user_id);
	jw_kstr(w, "role_id", b.role_id);
	jw_kstr(w, "place_id", b.place_id);
	jw_obj_end(w);
	return 0;
}

/* DELETE /api/v1/grants/:id */
static int delete_grant(struct req *r, struct err *e)
{
	const char *id = req_param(r, "id"), *region = NULL;
	int rc = db_get_text(r->db, e, &region, "SELECT region FROM grants WHERE id = ?",
	                     DB_ARGS(DB_T(id)));
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "accounts.grant_not_found", "no such grant");
	if (db_exec(r->db, e, "DELETE FROM grants WHERE id = ?", DB_T(id)) < 0)
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	if (audit_write(r->db, &a, region, "grants", id, "delete", "{}", e))
		return -1;
	r->status = 204;
	return 0;
}

/* GET /api/v1/roles */
static int list_roles(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT ro.id, ro.name, ro.builtin, ro.description, rp.perm FROM roles ro "
	    "LEFT JOIN role_perms rp ON rp.role_id = ro.id ORDER BY ro.created_at, ro.id, rp.perm",
	    DB_NOARGS);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	const char *cur = NULL;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *id = db_text(st, 0);
		if (!cur || strcmp(cur, id)) {
			if (cur) {
				jw_arr_end(w);
				jw_obj_end(w);
			}
			cur = id;
			jw_obj(w);
			jw_kstr(w, "id", id);
			jw_kstr(w, "name", db_text(st, 1));
			jw_kbool(w, "builtin", (int)db_int(st, 2));
			jw_kstr(w, "description", db_text(st, 3));
			jw_key(w, "perms");
			jw_arr(w);
		}
		if (!db_isnull(st, 4))
			jw_str(w, db_text(st, 4));
	}
	if (cur) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* ---- tokens (the caller's own) ---- */

static void write_token_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "id",           "name",       "created_at",
		                            "last_used_at", "revoked_at", NULL };
	jw_row(w, st, keys);
}

static int list_tokens(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT id, name, created_at, last_used_at, revoked_at FROM "
	                              "tokens WHERE user_id = ? ORDER BY created_at",
	                              DB_T(r->who->user_id));
	return st ? req_items(r, st, write_token_row, e) : -1;
}

struct token_body {
	const char *name;
};
static const struct jfield token_fields[] = {
	{ "name", JF_STR, offsetof(struct token_body, name), JF_REQUIRED, 1, 50 },
};

static int post_token(struct req *r, struct err *e)
{
	struct token_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, token_fields, JF_COUNT(token_fields), &b, NULL, 0, e))
		return -1;
	struct user u;
	struct actor a;
	if (caller(r, &u, &a, e))
		return -1;
	const char *token, *id;
	if (accounts_token_create(r->db, &a, &u, b.name, &token, &id, e))
		return -1;
	r->status = 201;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "name", b.name);
	jw_kstr(w, "token", token);
	jw_obj_end(w);
	return 0;
}

static int delete_token(struct req *r, struct err *e)
{
	struct actor a;
	accounts_actor(r, &a);
	if (accounts_token_revoke(r->db, &a, req_param(r, "id"), r->who->user_id, e))
		return -1;
	r->status = 204;
	return 0;
}

/* ---- the second factor ---- */

/* POST /api/v1/me/totp: a new secret, shown once, active once confirmed */
static int post_my_totp(struct req *r, struct err *e)
{
	struct user u;
	struct actor a;
	const char *secret, *uri;
	if (caller(r, &u, &a, e) || accounts_totp_begin(r->db, &a, &u, &secret, &uri, e))
		return -1;
	r->status = 201;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "secret", secret);
	jw_kstr(w, "uri", uri);
	jw_kstr(w, "issuer", config_str("auth.totp_issuer"));
	jw_ki64(w, "digits", TOTP_DIGITS);
	jw_ki64(w, "period", TOTP_PERIOD);
	jw_obj_end(w);
	return 0;
}

struct code_body {
	const char *code;
};

static const struct jfield code_fields[] = {
	{ "code", JF_STR, offsetof(struct code_body, code), JF_REQUIRED | JF_SECRET, 1, 16 },
};

/* POST /api/v1/me/totp/confirm {code}: wrong codes count in the login throttle */
static int post_my_totp_confirm(struct req *r, struct err *e)
{
	struct code_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, code_fields, JF_COUNT(code_fields), &b, NULL, 0, e) ||
	    auth_throttle_check(r->who->login, r->addr, e))
		return -1;
	struct user u;
	struct actor a;
	if (caller(r, &u, &a, e))
		return -1;
	if (accounts_totp_confirm(r->db, &a, &u, b.code, e)) {
		if (!strcmp(e->code, "auth.totp_invalid"))
			auth_throttle_fail(r->who->login, r->addr);
		return -1;
	}
	r->status = 204;
	return 0;
}

/* DELETE /api/v1/users/:id/totp: a security administrator resets a second factor */
static int delete_user_totp(struct req *r, struct err *e)
{
	struct user u;
	int rc = accounts_user_get(r->db, req_param(r, "id"), &u, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "accounts.user_not_found", "no such user");
	struct actor a;
	accounts_actor(r, &a);
	if (accounts_totp_reset(r->db, &a, &u, e))
		return -1;
	r->status = 204;
	return 0;
}

static const struct route routes[] = {
	{ "POST", "/api/v1/session", post_session, PERM_PUBLIC, &PLACE_NONE,
	  ROUTE_NO_TX | ROUTE_NO_CSRF, 0 },
	{ "DELETE", "/api/v1/session", delete_session, PERM_LOGIN, &PLACE_NONE, ROUTE_TOTP_ENROL,
	  0 },
	{ "GET", "/api/v1/me", get_me, PERM_LOGIN, &PLACE_NONE, ROUTE_TOTP_ENROL, 0 },
	{ "PATCH", "/api/v1/me", patch_me, PERM_LOGIN, &PLACE_NONE, ROUTE_TOTP_ENROL, 0 },
	{ "PUT", "/api/v1/me/password", put_my_password, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/users", list_users, "accounts.users.read", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/users", post_user, "accounts.users.write", &PLACE_BODY, 0, 0 },
	{ "GET", "/api/v1/users/:id", get_user, "accounts.users.read", &PLACE_USER, 0, 0 },
	{ "PATCH", "/api/v1/users/:id", patch_user, "accounts.users.write", &PLACE_USER, 0, 0 },
	{ "PUT", "/api/v1/users/:id/password", put_user_password, "accounts.users.write",
	  &PLACE_USER, 0, 0 },
	{ "GET", "/api/v1/users/:id/grants", list_user_grants, "accounts.users.read", &PLACE_USER,
	  0, 0 },
	{ "POST", "/api/v1/grants", post_grant, "accounts.grants.write", &PLACE_BODY, 0, 0 },
	{ "DELETE", "/api/v1/grants/:id", delete_grant, "accounts.grants.write", &PLACE_GRANT, 0,
	  0 },
	{ "GET", "/api/v1/roles", list_roles, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/tokens", list_tokens, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "POST", "/api/v1/tokens", post_token, PERM_LOGIN, &PLACE_NONE, ROUTE_NO_REPLAY, 0 },
	{ "DELETE", "/api/v1/tokens/:id", delete_token, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "POST", "/api/v1/me/totp", post_my_totp, PERM_LOGIN, &PLACE_NONE,
	  ROUTE_TOTP_ENROL | ROUTE_NO_REPLAY, 0 },
	{ "POST", "/api/v1/me/totp/confirm", post_my_totp_confirm, PERM_LOGIN, &PLACE_NONE,
	  ROUTE_TOTP_ENROL, 0 },
	{ "DELETE", "/api/v1/users/:id/totp", delete_user_totp, "accounts.totp.reset", &PLACE_USER,
	  0, 0 },
};

const struct route_table accounts_routes = { "accounts", routes,
	                                     sizeof(routes) / sizeof(routes[0]) };

static int tile_users(struct db *db, const char *path, int64_t *out, struct err *e)
{
	return cockpit_count(db,
	                     "SELECT count(*) FROM users u JOIN places p ON p.id = u.place_id "
	                     "WHERE p.path >= ? AND p.path < ? AND u.disabled = 0",
	                     path, out, e);
}

static const struct cockpit_tile users_tile = { "accounts.users", "accounts.users.read", "人",
	                                        tile_users };

void accounts_register(void)
{
	cockpit_register(&users_tile);
}
