/*
 * jobs.h - durable background jobs.
 *
 * One scheduler thread, with its own database connection and the audit identity
 * "system", runs due jobs from the jobs table one at a time. A job is a row, so jobs
 * survive restarts: one found 'running' at start was cut off and is queued again. Failed
 * jobs retry with backoff up to max_attempts. A job with repeat_seconds is queued again
 * after it finishes (escalation clocks, nightly reports).
 *
 * Modules register kinds with jobs_register(); a handler gets a struct job_ctx with the
 * connection, an arena and the job's args, and writes its result as JSON.
 */
#ifndef CUNWU_JOBS_H
#define CUNWU_JOBS_H

#include <jansson.h>

#include "arena.h"
#include "audit.h"
#include "db.h"
#include "err.h"
#include "strbuf.h"

struct job_ctx {
	struct db *db;
	struct arena *arena;
	const char *id, *kind, *region;
	json_t *args;
	struct strbuf result; /* a JSON value, "null" if left empty */
	struct actor actor;   /* the system identity */
	int last_attempt;     /* a failure now is for good: no attempt follows */
};

struct job_kind {
	const char *kind;
	int (*run)(struct job_ctx *j, struct err *e);
	int every_seconds; /* > 0: a repeating job of this kind is kept queued (region 000000) */
};

void jobs_register(const struct job_kind *k);
/*
 * Record progress 0..100. Outside a transaction it is committed at once, so pollers see
 * it; a handler that holds a transaction open makes it visible at its commit.
 */
void jobs_progress(struct job_ctx *j, int pct);

/*
 * Queue a job in the caller's transaction. delay_ms from now; repeat_seconds 0 for once.
 * id_out (27 bytes) gets the new id.
 */
int jobs_enqueue(struct db *db, const char *kind, const char *region, const char *args_json,
                 int64_t delay_ms, int repeat_seconds, const char *created_by, char *id_out,
                 struct err *e);
/* Make sure one queued job of a repeating kind exists (idempotent). */
int jobs_ensure_repeating(struct db *db, const char *kind, const char *region, int seconds,
                          struct err *e);

/* Make sure every registered kind with every_seconds has its repeating job queued. */
int jobs_ensure_all_repeating(struct db *db, struct err *e);

/* Start and stop the scheduler thread. */
int jobs_start(const char *db_url, struct err *e);
void jobs_stop(void);
/* Run every due job now, in this thread (CLI and tests). Returns how many ran. */
int jobs_run_due(struct db *db, struct err *e);
/* Wake the scheduler (after enqueueing). */
void jobs_kick(void);

#endif
