/*
 * accounts.h - users, grants, roles, sessions and API tokens.
 *
 * Three system roles are kept apart (三员分立): 系统管理员 (sysadmin) creates accounts,
 * 安全管理员 (secadmin) grants roles, 审计管理员 (auditor) reads the audit log; no
 * account may hold two of them. Every change is audited; password hashes and token
 * secrets never reach the audit log or any answer.
 */
#ifndef CUNWU_ACCOUNTS_H
#define CUNWU_ACCOUNTS_H

#include <stdint.h>

#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"

struct user {
	const char *id, *region, *place_id, *login, *name;
	int disabled;
	int64_t version;
	const char *created_at, *updated_at, *place_name;
	const char *lang; /* the console's language: "zh-CN", "en" or NULL */
	int totp;         /* 1 if a second factor is active */
};

/* Columns of a user row, from "users u JOIN places p ON p.id = u.place_id". */
#define ACCOUNTS_USER_COLS                                                                         \
	"u.id, u.region, u.place_id, u.login, u.name, u.disabled, u.version, u.created_at, "       \
	"u.updated_at, p.name, u.lang, (SELECT count(*) FROM user_totp t WHERE t.id = u.id "       \
	"AND t.active_at IS NOT NULL)"
void accounts_read_user(struct db_stmt *st, struct user *u);

/* Pure rules. */
/* 3..64 of [a-z0-9._-], starting with a letter or digit */
int accounts_login_check(const char *login, struct err *e);
/* 1 if a user holding role `have` may not also get role `add` (separation of duties) */
int accounts_roles_conflict(const char *have, const char *add);

int accounts_user_create(struct db *db, const struct actor *who, const char *login,
                         const char *name, const char *place_id, const char *password,
                         const char **id_out, struct err *e);
/* 1 found, 0 not, -1 error; by id or by login */
int accounts_user_get(struct db *db, const char *id, struct user *u, struct err *e);
int accounts_user_by_login(struct db *db, const char *login, struct user *u, const char **hash,
                           struct err *e);
int accounts_set_password(struct db *db, const struct actor *who, const struct user *u,
                          const char *password, const char *keep_session, struct err *e);
/* The console's language of user u: "zh-CN" or "en" (400 accounts.lang otherwise). */
int accounts_set_lang(struct db *db, const struct actor *who, const struct user *u,
                      const char *lang, struct err *e);
int accounts_grant(struct db *db, const struct actor *who, const char *user_id, const char *role_id,
                   const char *place_id, const char **grant_id, struct err *e);
/* Token "cw_<id>_<secret>", shown once. */
int accounts_token_create(struct db *db, const struct actor *who, const struct user *u,
                          const char *name, const char **token, const char **id_out, struct err *e);
int accounts_token_revoke(struct db *db, const struct actor *who, const char *token_id,
                          const char *only_user, struct err *e);

/*
 * The second factor (TOTP, RFC 6238; src/core/totp.h). The secret is sealed at rest
 * (crypt_seal) and never audited; a code is never stored, only the last step accepted.
 *
 * accounts_totp_begin: a new secret for u, not active until confirmed (a pending one is
 * replaced); *secret (base32) and *uri (otpauth://) in the db's arena, shown once. 409
 * accounts.totp_active if one is active (a secadmin resets it first).
 * accounts_totp_confirm: activate the pending secret with a code from it; 409
 * accounts.totp_not_pending, 400 auth.totp_invalid (field code).
 * accounts_totp_reset: remove u's second factor and end u's sessions; 404
 * accounts.totp_not_found if there is none.
 * accounts_totp_login: for a login of user_id with code (NULL: none): 0 and *step 0 if no
 * second factor is active; 0 and *step the step matched (login_record stores it, refusing
 * a replay); -1 with 401 auth.totp_required or auth.totp_invalid.
 * accounts_totp_use: store step as the last one used (in the login's transaction); 401
 * auth.totp_invalid if a login meanwhile used it or a later one.
 */
int accounts_totp_begin(struct db *db, const struct actor *who, const struct user *u,
                        const char **secret, const char **uri, struct err *e);
int accounts_totp_confirm(struct db *db, const struct actor *who, const struct user *u,
                          const char *code, struct err *e);
int accounts_totp_reset(struct db *db, const struct actor *who, const struct user *u,
                        struct err *e);
int accounts_totp_login(struct db *db, const char *user_id, const char *code, int64_t *step,
                        struct err *e);
int accounts_totp_use(struct db *db, const char *user_id, int64_t step, struct err *e);
/* 1 if user_id holds an administrator role (auth_admin_role), 0 if not, -1 error */
int accounts_is_admin(struct db *db, const char *user_id, struct err *e);

/* The audit identity of the caller of a request. */
void accounts_actor(struct req *r, struct actor *a);

extern const struct route_table accounts_routes;
extern const struct command_table accounts_commands;
void accounts_register(void);

#endif
