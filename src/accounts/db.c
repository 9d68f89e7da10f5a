/* db.c - queries of accounts; see accounts.h. */
#include "accounts.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/totp.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

void accounts_read_user(struct db_stmt *st, struct user *u)
{
	u->id = db_text(st, 0);
	u->region = db_text(st, 1);
	u->place_id = db_text(st, 2);
	u->login = db_text(st, 3);
	u->name = db_text(st, 4);
	u->disabled = (int)db_int(st, 5);
	u->version = db_int(st, 6);
	u->created_at = db_text(st, 7);
	u->updated_at = db_text(st, 8);
	u->place_name = db_text(st, 9);
	u->lang = db_text(st, 10);
	u->totp = db_int(st, 11) > 0;
}

int accounts_user_get(struct db *db, const char *id, struct user *u, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT " ACCOUNTS_USER_COLS " FROM users u JOIN places p ON "
	                              "p.id = u.place_id WHERE u.id = ?",
	                              DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		accounts_read_user(st, u);
		db_done(st);
	}
	return rc;
}

int accounts_user_by_login(struct db *db, const char *login, struct user *u, const char **hash,
                           struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT " ACCOUNTS_USER_COLS ", u.pw_hash FROM users u JOIN places p ON "
	             "p.id = u.place_id WHERE u.login = ?",
	             DB_T(login));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		accounts_read_user(st, u);
		if (hash)
			*hash = db_text(st, 12);
		db_done(st);
	}
	return rc;
}

static const char *place_region(struct db *db, const char *place_id, struct err *e)
{
	const char *region = NULL;
	int rc = db_get_text(db, e, &region, "SELECT region FROM places WHERE id = ?",
	                     DB_ARGS(DB_T(place_id)));
	if (rc == 0)
		err_invalid(e, "places.not_found", "place_id", "no place '%s'", place_id);
	return rc == 1 ? region : NULL;
}

int accounts_user_create(struct db *db, const struct actor *who, const char *login,
                         const char *name, const char *place_id, const char *password,
                         const char **id_out, struct err *e)
{
	if (accounts_login_check(login, e) || auth_password_policy(password, e))
		return -1;
	long nl = utf8_len(name, strlen(name));
	if (nl < 1 || nl > 50)
		return err_invalid(e, "accounts.name_invalid", "name",
		                   "name must be 1 to 50 characters");
	const char *region = place_region(db, place_id, e);
	if (!region)
		return -1;
	int64_t taken = 0;
	if (db_get_int(db, e, &taken, "SELECT count(*) FROM users WHERE login = ?",
	               DB_ARGS(DB_T(login))) < 0)
		return -1;
	if (taken)
		return err_conflict(e, "accounts.login_taken", "login", "login '%s' is taken",
		                    login);
	char hash[crypto_pwhash_STRBYTES], id[ID_LEN + 1], now[32];
	if (auth_hash_password(password, hash, sizeof(hash), e))
		return -1;
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "INSERT INTO users (id, region, place_id, login, name, pw_hash, created_at, "
	            "updated_at, pw_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(region), DB_T(place_id), DB_T(login), DB_T(name), DB_T(hash),
	            DB_T(now), DB_T(now), DB_T(now)) < 0)
		return -1;
	struct arena *a = db_arena(db);
	struct strbuf sb;
	strbuf_init(&sb, a, 4096);
	struct jw w;
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "login", login);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "place_id", place_id);
	jw_obj_end(&w);
	if (audit_write(db, who, region, "users", id, "create", sb.buf, e))
		return -1;
	if (id_out)
		*id_out = arena_strdup(a, id);
	return 0;
}

int accounts_set_password(struct db *db, const struct actor *who, const struct user *u,
                          const char *password, const char *keep_session, struct err *e)
{
	if (auth_password_policy(password, e))
		return -1;
	char hash[crypto_pwhash_STRBYTES], now[32];
	if (auth_hash_password(password, hash, sizeof(hash), e))
		return -1;
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "UPDATE users SET pw_hash = ?, pw_changed_at = ?, updated_at = ?, "
	            "version = version + 1 WHERE id = ?",
	            DB_T(hash), DB_T(now), DB_T(now), DB_T(u->id)) < 0)
		return -1;
	/* every other session of the user ends with the old password */
	if (db_exec(db, e, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", DB_T(u->id),
	            DB_T(keep_session ? keep_session : "")) < 0)
		return -1;
	return audit_write(db, who, u->region, "users", u->id, "password",
	                   "{\"password\":\"(changed)\"}", e);
}

int accounts_set_lang(struct db *db, const struct actor *who, const struct user *u,
                      const char *lang, struct err *e)
{
	if (strcmp(lang, "zh-CN") && strcmp(lang, "en"))
		return err_invalid(e, "accounts.lang", "lang",
		                   "'lang' must be \"zh-CN\" or \"en\"");
	char now[32];
	time_iso(time_now_ms(), now);
	/* a preference, not an edit: the version administrators' If-Match guards stays */
	if (db_exec(db, e, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?", DB_T(lang),
	            DB_T(now), DB_T(u->id)) < 0)
		return -1;
	return audit_write(db, who, u->region, "users", u->id, "lang",
	                   strcmp(lang, "en") ? "{\"lang\":\"zh-CN\"}" : "{\"lang\":\"en\"}", e);
}

/* 400 accounts.role_not_found, naming the roles there are */
static int role_unknown(struct db *db, const char *role_id, struct err *e)
{
	struct strbuf sb;
	strbuf_init(&sb, db_arena(db), 0);
	struct db_stmt *st = db_query(db, e, "SELECT id FROM roles ORDER BY id", DB_NOARGS);
	int rc;
	while (st && (rc = db_step(st, e)) == 1)
		strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", db_text(st, 0));
	if (!st || rc < 0)
		return -1;
	return err_invalid(e, "accounts.role_not_found", "role_id", "no role '%s' (roles: %s)",
	                   role_id, sb.len ? sb.buf : "none");
}

int accounts_grant(struct db *db, const struct actor *who, const char *user_id, const char *role_id,
                   const char *place_id, const char **grant_id, struct err *e)
{
	struct user u;
	int rc = accounts_user_get(db, user_id, &u, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_invalid(e, "accounts.user_not_found", "user_id", "no user '%s'",
		                            user_id);
	int64_t role_ok = 0;
	if (db_get_int(db, e, &role_ok, "SELECT count(*) FROM roles WHERE id = ?",
	               DB_ARGS(DB_T(role_id))) < 0)
		return -1;
	if (!role_ok)
		return role_unknown(db, role_id, e);
	const char *region = place_region(db, place_id, e);
	if (!region)
		return -1;
	struct db_stmt *st =
	    db_query(db, e, "SELECT DISTINCT role_id FROM grants WHERE user_id = ?", DB_T(user_id));
	if (!st)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		const char *have = db_text(st, 0);
		if (accounts_roles_conflict(have, role_id)) {
			db_done(st);
			return err_conflict(e, "accounts.separation_of_duties", "role_id",
			                    "'%s' already holds '%s'; the system administrator, "
			                    "security administrator and auditor must be different "
			                    "people",
			                    u.login, have);
		}
	}
	if (rc < 0)
		return -1;
	int64_t dup = 0;
	if (db_get_int(
	        db, e, &dup,
	        "SELECT count(*) FROM grants WHERE user_id = ? AND role_id = ? AND place_id = ?",
	        DB_ARGS(DB_T(user_id), DB_T(role_id), DB_T(place_id))) < 0)
		return -1;
	if (dup)
		return err_conflict(e, "accounts.grant_exists", "role_id",
		                    "'%s' already has this role over this place", u.login);
	char id[ID_LEN + 1], now[32];
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "INSERT INTO grants (id, region, user_id, role_id, place_id, created_by, "
	            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(region), DB_T(user_id), DB_T(role_id), DB_T(place_id),
	            DB_T(who->id), DB_T(now)) < 0)
		return -1;
	struct arena *a = db_arena(db);
	const char *changes =
	    arena_printf(a, "{\"user_id\":\"%s\",\"role_id\":\"%s\",\"place_id\":\"%s\"}", user_id,
	                 role_id, place_id);
	if (audit_write(db, who, region, "grants", id, "create", changes, e))
		return -1;
	if (grant_id)
		*grant_id = arena_strdup(a, id);
	return 0;
}

int accounts_token_create(struct db *db, const struct actor *who, const struct user *u,
                          const char *name, const char **token, const char **id_out, struct err *e)
{
	long nl = utf8_len(name, strlen(name));
	if (nl < 1 || nl > 50)
		return err_invalid(e, "accounts.token_name", "name",
		                   "token name must be 1 to 50 characters");
	char id[ID_LEN + 1], secret[64], hash[65], now[32];
	id_new(id);
	auth_random_token(secret, sizeof(secret), 32);
	auth_sha256_hex(secret, strlen(secret), hash);
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "INSERT INTO tokens (id, region, user_id, name, secret_hash, created_at) "
	            "VALUES (?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(u->region), DB_T(u->id), DB_T(name), DB_T(hash), DB_T(now)) < 0)
		return -1;
	struct arena *a = db_arena(db);
	struct strbuf sb;
	strbuf_init(&sb, a, 4096);
	struct jw w;
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "user_id", u->id);
	jw_kstr(&w, "name", name);
	jw_obj_end(&w);
	if (audit_write(db, who, u->region, "tokens", id, "create", sb.buf, e))
		return -1;
	*token = arena_printf(a, "cw_%s_%s", id, secret);
	sodium_memzero(secret, sizeof(secret));
	if (id_out)
		*id_out = arena_strdup(a, id);
	return 0;
}

int accounts_token_revoke(struct db *db, const struct actor *who, const char *token_id,
                          const char *only_user, struct err *e)
{
	const char *region = NULL, *owner = NULL;
	struct db_stmt *st = db_query(
	    db, e, "SELECT region, user_id FROM tokens WHERE id = ? AND revoked_at IS NULL",
	    DB_T(token_id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		region = db_text(st, 0);
		owner = db_text(st, 1);
		db_done(st);
	}
	if (!region || (only_user && strcmp(owner, only_user)))
		return err_notfound(e, "accounts.token_not_found", "no active token '%s'",
		                    token_id);
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(db, e, "UPDATE tokens SET revoked_at = ? WHERE id = ?", DB_T(now),
	            DB_T(token_id)) < 0)
		return -1;
	return audit_write(db, who, region, "tokens", token_id, "revoke", "{}", e);
}

/* ---- the second factor ---- */

/* u's row: 1 found (*enc sealed secret, *last, *active), 0 none, -1 error */
static int totp_row(struct db *db, const char *user_id, const char **enc, int64_t *last,
                    int *active, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT secret_enc, last_step, active_at FROM user_totp WHERE id = ?",
	             DB_T(user_id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		*enc = db_text(st, 0);
		*last = db_int(st, 1);
		*active = !db_isnull(st, 2);
		db_done(st);
	}
	return rc;
}

/* the key of a sealed base32 secret into key[TOTP_SECRET_BYTES]; 0 or -1 (500) */
static int totp_key(struct db *db, const char *enc, unsigned char *key, struct err *e)
{
	const char *b32 = crypt_open(db_arena(db), enc, e);
	if (!b32)
		return -1;
	if (totp_b32_decode(b32, strlen(b32), key, TOTP_SECRET_BYTES) != TOTP_SECRET_BYTES)
		return err_internal(e, "a second factor's secret does not decode");
	return 0;
}

/* percent-encode what an otpauth label or issuer may not hold as it is */
static const char *uri_escape(struct arena *a, const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 1024);
	strbuf_add_pct(&sb, s);
	return sb.buf;
}

int accounts_totp_begin(struct db *db, const struct actor *who, const struct user *u,
                        const char **secret, const char **uri, struct err *e)
{
	const char *old;
	int64_t last;
	int active = 0;
	int rc = totp_row(db, u->id, &old, &last, &active, e);
	if (rc < 0)
		return -1;
	if (rc == 1 && active)
		return err_conflict(e, "accounts.totp_active", NULL,
		                    "a second factor is active; a security administrator resets "
		                    "it before another is enrolled");
	unsigned char key[TOTP_SECRET_BYTES];
	char b32[TOTP_SECRET_B32], now[32];
	randombytes_buf(key, sizeof(key));
	totp_b32_encode(key, sizeof(key), b32);
	sodium_memzero(key, sizeof(key));
	struct arena *a = db_arena(db);
	const char *enc = crypt_seal(a, b32, e);
	if (!enc)
		return -1;
	time_iso(time_now_ms(), now);
	if (db_exec(db, e, "DELETE FROM user_totp WHERE id = ?", DB_T(u->id)) < 0 ||
	    db_exec(db, e,
	            "INSERT INTO user_totp (id, secret_enc, last_step, created_at) "
	            "VALUES (?, ?, 0, ?)",
	            DB_T(u->id), DB_T(enc), DB_T(now)) < 0 ||
	    audit_write(db, who, u->region, "users", u->id, "totp_enrol", "{}", e))
		return -1;
	const char *issuer = uri_escape(a, config_str("auth.totp_issuer"));
	*secret = arena_strdup(a, b32);
	*uri = arena_printf(a,
	                    "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d"
	                    "&period=%d",
	                    issuer, uri_escape(a, u->login), b32, issuer, TOTP_DIGITS, TOTP_PERIOD);
	sodium_memzero(b32, sizeof(b32));
	return 0;
}

int accounts_totp_confirm(struct db *db, const struct actor *who, const struct user *u,
                          const char *code, struct err *e)
{
	const char *enc;
	int64_t last, step;
	int active = 0;
	int rc = totp_row(db, u->id, &enc, &last, &active, e);
	if (rc < 0)
		return -1;
	if (rc == 0 || active)
		return err_conflict(
		    e, "accounts.totp_not_pending", NULL,
		    "no second factor waits to be confirmed (POST /api/v1/me/totp)");
	unsigned char key[TOTP_SECRET_BYTES];
	if (totp_key(db, enc, key, e))
		return -1;
	int ok = totp_verify(key, sizeof(key), time_now_ms() / 1000, last, code, &step);
	sodium_memzero(key, sizeof(key));
	if (!ok)
		return err_invalid(e, "auth.totp_invalid", "code",
		                   "the code is wrong or was used already");
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(db, e, "UPDATE user_totp SET active_at = ?, last_step = ? WHERE id = ?",
	            DB_T(now), DB_I(step), DB_T(u->id)) < 0)
		return -1;
	return audit_write(db, who, u->region, "users", u->id, "totp_confirm", "{}", e);
}

int accounts_totp_reset(struct db *db, const struct actor *who, const struct user *u, struct err *e)
{
	int64_t n = db_exec(db, e, "DELETE FROM user_totp WHERE id = ?", DB_T(u->id));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_notfound(e, "accounts.totp_not_found", "'%s' has no second factor",
		                    u->login);
	if (db_exec(db, e, "DELETE FROM sessions WHERE user_id = ?", DB_T(u->id)) < 0)
		return -1;
	return audit_write(db, who, u->region, "users", u->id, "totp_reset", "{}", e);
}

int accounts_totp_login(struct db *db, const char *user_id, const char *code, int64_t *step,
                        struct err *e)
{
	const char *enc;
	int64_t last;
	int active = 0;
	*step = 0;
	int rc = totp_row(db, user_id, &enc, &last, &active, e);
	if (rc < 0)
		return -1;
	if (rc == 0 || !active)
		return 0;
	if (!code)
		return err_set(e, 401, "auth.totp_required", "code",
		               "this account signs in with a code from its authenticator app");
	unsigned char key[TOTP_SECRET_BYTES];
	if (totp_key(db, enc, key, e))
		return -1;
	int ok = totp_verify(key, sizeof(key), time_now_ms() / 1000, last, code, step);
	sodium_memzero(key, sizeof(key));
	if (!ok)
		return err_set(e, 401, "auth.totp_invalid", "code",
		               "the code is wrong or was used already");
	return 0;
}

int accounts_totp_use(struct db *db, const char *user_id, int64_t step, struct err *e)
{
	int64_t n = db_exec(db, e,
	                    "UPDATE user_totp SET last_step = ? WHERE id = ? AND last_step < ? "
	                    "AND active_at IS NOT NULL",
	                    DB_I(step), DB_T(user_id), DB_I(step));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 401, "auth.totp_invalid", "code",
		               "the code is wrong or was used already");
	return 0;
}

int accounts_is_admin(struct db *db, const char *user_id, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT DISTINCT role_id FROM grants WHERE user_id = ?", DB_T(user_id));
	if (!st)
		return -1;
	int rc, admin = 0;
	while ((rc = db_step(st, e)) == 1)
		admin |= auth_admin_role(db_text(st, 0));
	return rc < 0 ? -1 : admin;
}
