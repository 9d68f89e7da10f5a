/*
 * answers.h - each worker thread's cache of answers made from the database: an answer is
 * given again only while nothing was committed since it was made (db_stamp_holds) and it
 * is younger than the caller's limit. Used by the router for routes marked ROUTE_CACHE
 * and by the cockpit. Per thread, so no lock: a thread finds what it answered itself.
 */
#ifndef CUNWU_ANSWERS_H
#define CUNWU_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define ANSWERS_MAX_BYTES (256 * 1024) /* a bigger answer is not kept */

/*
 * The answer kept under key, if it was made at a stamp that still holds at now (where the
 * backend cannot tell of other processes' commits: younger than stale_ms) and less than
 * ttl_ms ago (less a quarter at most, by the key, so that answers made together are not
 * all made again together). *body points into the cache, valid until this thread's next
 * answers_keep, as does *made (if made is not NULL), the stamp it was made at (its time, its
 * tables).
 */
int answers_find(const char *key, const struct db_stamp *now, int64_t stale_ms, int64_t ttl_ms,
                 const char **body, size_t *len, const struct db_stamp **made);

/* The time to live of an answer that changes with the date: one made today (Beijing,
 * UTC+8) is no older than the time since midnight, in ms (at least 1). */
int64_t answers_today_ms(int64_t now_ms);

/* Keep a copy of body under key, made at stamp (taken before the reads it came from, and
 * told of them: db_stamp_reads). */
void answers_keep(const char *key, const struct db_stamp *stamp, const char *body, size_t len);

#endif
