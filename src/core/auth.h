/*
 * auth.h - who is calling and what they may do.
 *
 * A principal is a signed-in user (by session cookie or API token) with their grants:
 * each grant is a role over a place subtree, and a role is a set of permissions. A grant
 * over a place covers every place whose materialized path starts with that place's path.
 * Places sit in two trees: a physical place covered by a grid also has a gpath (the path
 * of that grid), and a grant covers it when either path is under the granted place's.
 *
 *   authz(r, perm, path)          may the caller use perm on something at path? 0 or -1
 *   authz2(r, perm, path, gpath)  the same for something at path or covered at gpath
 *   authz_scope(r, perm)          the path prefixes a list query must filter by
 *
 * Passwords are Argon2id (libsodium crypto_pwhash_str); at most auth.hash_concurrency
 * hashes run at once so that memory stays bounded however many logins arrive. Session
 * cookies and API token secrets are random and stored only as SHA-256 hashes.
 */
#ifndef CUNWU_AUTH_H
#define CUNWU_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"

struct req;

struct grant {
	const char *id, *role_id, *role_name, *place_id, *place_path, *place_name;
	const char **perms;
	size_t nperms;
};

struct principal {
	const char *user_id, *login, *name, *place_id;
	/* the rest of the user row, so that "who am I" needs no query */
	const char *region, *place_name, *created_at, *updated_at, *lang;
	int64_t version;
	const char *kind; /* "session" or "token" */
	/* the second factor: AUTH_TOTP_OFF, _PENDING (enrolled, not confirmed) or _ACTIVE */
	int totp;
	/* a session of an administrator without an active second factor (auth.admin_totp):
	 * only routes marked ROUTE_TOTP_ENROL answer it (403 auth.totp_enrol elsewhere) */
	int totp_enrol;
	const char *session_hash, *csrf, *token_id;
	struct grant *grants;
	size_t ngrants;
	/* the tables the account, its grants and their places were read from (db_table_bit;
	 * not the session's or token's own, touched once a minute): an answer kept for this
	 * caller, whose scope they decide, goes stale with them */
	uint64_t tables;
};

enum {
	AUTH_TOTP_OFF = 0,
	AUTH_TOTP_PENDING = 1,
	AUTH_TOTP_ACTIVE = 2
};

/* 1 if role_id is one of the three administrator roles kept apart (三员分立): sysadmin,
 * secadmin, auditor. They sign in with a second factor (auth.admin_totp). */
int auth_admin_role(const char *role_id);

/* Read the Authorization header or session cookie; sets r->who (NULL if anonymous). A bad
 * or expired credential is 401. */
int auth_identify(struct req *r, struct err *e);

/*
 * Set r->who to the account login with its grants, as a session of it sees them (kind
 * "session", no session row): for requests run in-process (bench/inproc.c). The principal
 * is in r->arena. 0, or -1 (404 auth.unknown_login).
 */
int auth_principal_load(struct req *r, const char *login, struct err *e);

int authz(struct req *r, const char *perm, const char *path, struct err *e);
/* 0 if some grant holds perm over path or over gpath (NULL: no grid covers the target);
 * else 403 auth.forbidden (401 without a caller). */
int authz2(struct req *r, const char *perm, const char *path, const char *gpath, struct err *e);
/* 1 if the caller holds perm over any place */
int authz_any(struct req *r, const char *perm);
/* NULL-terminated array of path prefixes (possibly empty: the caller sees nothing). */
const char **authz_scope(struct req *r, const char *perm);
/*
 * 1 if a list narrowed to the place at path (its subtree in either tree) needs no scope
 * term for perm: a grant holds perm over path or a place above it. Rows under path then
 * lie in that grant's scope (grids cover places of their own town, see authz_sql2), and
 * dropping the wide term lets the database start from the narrow one.
 */
int authz_scope_implied(struct req *r, const char *perm, const char *path);
/* a path below a town's (a village, community, group, grid, building …), whose people are a
 * few thousand at most; every place of the caller's scope for perm such a place */
int authz_below_town(const char *path);
int authz_scope_below_town(struct req *r, const char *perm);
/*
 * SQL for "column is inside the caller's scope": "(col >= ? AND col < ?) OR ..." and the
 * arguments to bind, appended to args (which must have room for 2 per prefix + 1).
 * With no prefixes the text is "0 = 1".
 */
const char *authz_sql(struct req *r, const char *perm, const char *col, struct db_arg *args,
                      size_t *nargs, size_t max_args);
/*
 * The same over both trees: a row is in scope when col (its path) or gcol (its gpath) is
 * inside a granted subtree. Grants at town level or above get the col term alone (grids
 * cover places within their town only), so a town's scope costs what it did.
 */
const char *authz_sql2(struct req *r, const char *perm, const char *col, const char *gcol,
                       struct db_arg *args, size_t *nargs, size_t max_args);

/* Argon2id hash of password into out (crypto_pwhash_STRBYTES). */
int auth_hash_password(const char *password, char *out, size_t outlen, struct err *e);
/* 1 if it matches, 0 if not, -1 on error (out of memory). */
int auth_verify_password(const char *hash, const char *password);
/* Check a new password against the policy (auth.password_min; accounts.password_*). */
int auth_password_policy(const char *password, struct err *e);
/* Random password of 16 characters, for `user add` and the demo. */
void auth_random_password(char out[17]);

/* Login throttling, in memory: 0 if allowed, else -1 with 429 and Retry-After. */
int auth_throttle_check(const char *login, const char *addr, struct err *e);
void auth_throttle_fail(const char *login, const char *addr);
void auth_throttle_ok(const char *login);
void auth_throttle_reset(void);
/*
 * A rate limit in the throttle's table: take one from key's allowance of limit per
 * window_ms; 0 if allowed, else -1 with 429 code (e.g. "requests.throttled") and
 * Retry-After.
 */
int auth_rate_take(const char *key, int64_t limit, int64_t window_ms, const char *code,
                   struct err *e);

/* SHA-256 of s as "hex" (65 bytes) */
void auth_sha256_hex(const char *s, size_t n, char out[65]);
/* n random bytes as URL-safe base64 (no padding) into out */
void auth_random_token(char *out, size_t outlen, size_t nbytes);

/* Create a session for user_id; returns the cookie value and csrf token in the arena. */
int auth_session_create(struct db *db, struct arena *a, const char *user_id, const char *addr,
                        const char **cookie, const char **csrf, struct err *e);
int auth_session_delete(struct db *db, const char *session_hash, struct err *e);

void auth_init(void);

#endif
