/*
 * err.h - structured errors, after PostgreSQL's ereport.
 *
 * Functions that can fail return 0 or -1 and fill a struct err: a stable code such as
 * "accounts.password_too_short" (also the console's i18n key), the HTTP status it maps
 * to, a short lowercase message that quotes its subject, and the input field at fault.
 * The router renders it once as {"error":{"code","message","field"}}.
 */
#ifndef CUNWU_ERR_H
#define CUNWU_ERR_H

struct err {
	int status; /* HTTP status; 0 while no error is set */
	char code[64];
	char field[64];
	char msg[256];
	const char *retry_after; /* optional, for 429/503: seconds, as text */
};

/* Set e (if not NULL) and return -1, so that `return err_set(...)` reads naturally. */
int err_set(struct err *e, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void err_clear(struct err *e);

/* Common shapes. */
#define err_invalid(e, code, field, ...)  err_set(e, 400, code, field, __VA_ARGS__)
#define err_notfound(e, code, ...)        err_set(e, 404, code, NULL, __VA_ARGS__)
#define err_forbidden(e, ...)             err_set(e, 403, "auth.forbidden", NULL, __VA_ARGS__)
#define err_internal(e, ...)              err_set(e, 500, "internal", NULL, __VA_ARGS__)
#define err_conflict(e, code, field, ...) err_set(e, 409, code, field, __VA_ARGS__)

#endif
