/*
 * matrix.h - the authorization matrix for the api-runner (see matrix.c): every route,
 * as read from `cunwu routes --json`, tried as every identity inside and outside scope.
 */
#ifndef CUNWU_TEST_MATRIX_H
#define CUNWU_TEST_MATRIX_H

#include <stddef.h>

struct matrix_env {
	const char *addr; /* host:port */
	const char *who[16];
	int nwho; /* the first must see every place */
	/* sign in as who: a fresh session's cookie and CSRF token; 0 or -1 */
	int (*login)(void *arg, const char *who, char *cookie, size_t cookie_len, char *csrf,
	             size_t csrf_len);
	void *arg;
	int verbose;
};

struct matrix;

struct matrix *matrix_new(void);
void matrix_free(struct matrix *m);

/* A "matrix-target", "matrix-param" or "matrix-except" line, variables expanded; -1 with
 * err set when it is malformed. */
int matrix_line(struct matrix *m, const char *line, char *err, size_t errlen);

/* Runs the matrix over routes_json; -1 with err listing the first failures. */
int matrix_run(struct matrix *m, const struct matrix_env *env, const char *routes_json, char *err,
               size_t errlen);

#endif
