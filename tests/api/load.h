/*
 * load.h - writers under load for the api-runner (see load.c): start, stop, and check
 * that every acknowledged write is still there after the server was killed.
 */
#ifndef CUNWU_TEST_LOAD_H
#define CUNWU_TEST_LOAD_H

#include <stddef.h>

#define LOAD_MAX_WRITERS 8
#define LOAD_MAX_THREADS 8

struct load;

struct load *load_new(void);
void load_free(struct load *l);

/* Adds a writer: "METHOD PATH BODY -> .CAPTURE GET VERIFY_PATH", as the session given
 * by cookie and csrf (NULL or "": anonymous); or "METHOD PATH BODY -> refused STATUS", a
 * writer every answer of which must be STATUS (load_verify checks). -1 with err set on a
 * bad line. */
int load_add_writer(struct load *l, const char *spec, const char *cookie, const char *csrf,
                    char *err, size_t errlen);

/* Starts `threads` threads per writer against addr (host:port). */
int load_start(struct load *l, const char *addr, int threads);

/* Stops the threads and waits for them; returns how many writes were acknowledged. */
size_t load_stop(struct load *l);

/* Remembers how many writes are acknowledged now, for load_verify(marked_only). */
void load_mark(struct load *l);

enum load_which {
	LOAD_ALL,    /* every acknowledged write */
	LOAD_NEW,    /* those not verified before */
	LOAD_MARKED, /* those acknowledged before load_mark */
};

/* GETs acknowledged writes as their writers; -1 with err naming the first lost one, or a
 * writer none of whose writes was acknowledged (a test that wrote nothing proves nothing;
 * not asked of LOAD_NEW: a crash round may kill the server before a writer's first answer,
 * and the last round's LOAD_ALL asks it of every round together). */
int load_verify(struct load *l, const char *addr, enum load_which which, char *err, size_t errlen);

/* One request to addr (host:port) as the session (cookie NULL: anonymous) with a body of
 * ctype (NULL: JSON), or a multipart form of one "field=value"; the status (0: no answer)
 * and the body in *out (malloc'd, NULL when empty; the caller frees it). */
long load_http(const char *addr, const char *cookie, const char *csrf, const char *method,
               const char *path, const char *ctype, const char *body, const char *form, char **out);

size_t load_acked(const struct load *l);
long load_refused(const struct load *l);

#endif
