/*
 * answers.h - the server's cache of answers made from the database, shared by its worker
 * threads: an answer is given again only while nothing was committed since it was made
 * (db_stamp_holds, whose stamps are the process's, not a connection's) and it is younger
 * than the caller's limit. Used by the router for routes marked ROUTE_CACHE and by the
 * cockpit. One copy for every thread, so that an answer one thread made serves the others,
 * and the memory it takes does not grow with http.threads; a lock per set of keys.
 */
#ifndef CUNWU_ANSWERS_H
#define CUNWU_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define ANSWERS_MAX_BYTES (256 * 1024) /* a bigger answer is not kept */

/* called with a kept answer while it is held: copy it (jw_raw), keep no pointer into it */
typedef void (*answers_give_fn)(void *ctx, const char *body, size_t len);

/*
 * The answer kept under key, if it was made at a stamp that still holds at now (where the
 * backend cannot tell of other processes' commits: younger than stale_ms) and less than
 * ttl_ms ago (less a quarter at most, by the key, so that answers made together are not
 * all made again together): 1 after give(ctx, body, len), with *made (if made is not
 * NULL) the stamp it was made at (its time, its tables); else 0.
 */
int answers_find(const char *key, const struct db_stamp *now, int64_t stale_ms, int64_t ttl_ms,
                 answers_give_fn give, void *ctx, struct db_stamp *made);

/* The time to live of an answer that changes with the date: one made today (Beijing,
 * UTC+8) is no older than the time since midnight, in ms (at least 1). */
int64_t answers_today_ms(int64_t now_ms);

/* Keep a copy of body under key, made at stamp (taken before the reads it came from, and
 * told of them: db_stamp_reads), unless an answer made later is kept under it already. */
void answers_keep(const char *key, const struct db_stamp *stamp, const char *body, size_t len);

/* Keep it as answers_keep does, with how long it took to make (answers_late); 1 if kept
 * (0: too big, no room, or an answer made later is kept). */
int answers_keep_cost(const char *key, const struct db_stamp *stamp, const char *body, size_t len,
                      int64_t cost_ms);

/*
 * The answer kept under key whatever has changed since it was made or its age, if it took
 * at least min_cost_ms to make: 1 after give(ctx, body, len) (and *made), else 0. For a
 * caller that gives a figure late, saying so, while it is made again off the request's
 * path (the cockpit's counter, cockpit.h).
 */
int answers_late(const char *key, int64_t min_cost_ms, answers_give_fn give, void *ctx,
                 struct db_stamp *made);

/* Forget every answer (a server stopping; tests). */
void answers_clear(void);

#endif
