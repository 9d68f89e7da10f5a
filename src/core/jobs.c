/* jobs.c - the durable job table and its scheduler thread; see jobs.h. */
#include "jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "json.h"
#include "log.h"
#include "util.h"
#include "banned.h"

#define MAX_KINDS 64

static const struct job_kind *kinds[MAX_KINDS];
static size_t nkinds;

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int running, kicked;
static char *url;

void jobs_register(const struct job_kind *k)
{
	for (size_t i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i]->kind, k->kind))
			return;
	if (nkinds < MAX_KINDS)
		kinds[nkinds++] = k;
}

static const struct job_kind *kind_find(const char *kind)
{
	for (size_t i = 0; i < nkinds; i++)
		if (!strcmp(kinds[i]->kind, kind))
			return kinds[i];
	return NULL;
}

int jobs_enqueue(struct db *db, const char *kind, const char *region, const char *args_json,
                 int64_t delay_ms, int repeat_seconds, const char *created_by, char *id_out,
                 struct err *e)
{
	char id[ID_LEN + 1], now[32], at[32];
	int64_t t = time_now_ms();
	id_new(id);
	time_iso(t, now);
	time_iso(t + delay_ms, at);
	if (db_exec(db, e,
	            "INSERT INTO jobs (id, region, kind, args, state, run_at, repeat_seconds, "
	            "created_by, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)",
	            DB_T(id), DB_T(region), DB_T(kind), DB_T(args_json ? args_json : "{}"),
	            DB_T(at), DB_I(repeat_seconds), DB_T(created_by), DB_T(now)) < 0)
		return -1;
	if (id_out)
		memcpy(id_out, id, ID_LEN + 1);
	return 0;
}

int jobs_ensure_repeating(struct db *db, const char *kind, const char *region, int seconds,
                          struct err *e)
{
	int64_t n = 0;
	if (db_get_int(db, e, &n,
	               "SELECT count(*) FROM jobs WHERE kind = ? AND region = ? "
	               "AND state IN ('queued', 'running')",
	               DB_ARGS(DB_T(kind), DB_T(region))) < 0)
		return -1;
	return n ? 0 : jobs_enqueue(db, kind, region, "{}", 0, seconds, "system", NULL, e);
}

int jobs_ensure_all_repeating(struct db *db, struct err *e)
{
	for (size_t i = 0; i < nkinds; i++)
		if (kinds[i]->every_seconds > 0 &&
		    jobs_ensure_repeating(db, kinds[i]->kind, "000000", kinds[i]->every_seconds, e))
			return -1;
	return 0;
}

void jobs_progress(struct job_ctx *j, int pct)
{
	struct err e;
	if (pct < 0)
		pct = 0;
	if (pct > 100)
		pct = 100;
	if (db_exec(j->db, &e, "UPDATE jobs SET progress = ? WHERE id = ?", DB_I(pct),
	            DB_T(j->id)) < 0)
		log_warn("job %s: progress not recorded: %s", j->id, e.msg);
}

/* Claim the next due job: 1 claimed, 0 none, -1 error. */
static int claim(struct db *db, struct arena *a, struct job_ctx *j, int64_t *attempts,
                 int64_t *max_attempts, int64_t *repeat, const char **args, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	/* look before taking the write lock: most polls find nothing */
	int64_t due = 0;
	if (db_get_int(db, e, &due,
	               "SELECT count(*) FROM jobs WHERE state = 'queued' AND run_at <= ?",
	               DB_ARGS(DB_T(now))) < 0)
		return -1;
	if (!due)
		return 0;
	if (db_begin(db, DB_WRITE, e))
		return -1;
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT id, kind, region, args, attempts, max_attempts, repeat_seconds FROM jobs "
	    "WHERE state = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1",
	    DB_T(now));
	if (!st)
		goto fail;
	int rc = db_step(st, e);
	if (rc < 0)
		goto fail;
	if (rc == 0) {
		db_rollback(db);
		return 0;
	}
	j->id = arena_strdup(a, db_text(st, 0));
	j->kind = db_text(st, 1);
	j->region = db_text(st, 2);
	*args = db_text(st, 3);
	*attempts = db_int(st, 4) + 1;
	*max_attempts = db_int(st, 5);
	*repeat = db_int(st, 6);
	db_done(st);
	if (db_exec(db, e,
	            "UPDATE jobs SET state = 'running', attempts = ?, started_at = ? WHERE id = ?",
	            DB_I(*attempts), DB_T(now), DB_T(j->id)) < 0)
		goto fail;
	return db_commit(db, e) ? -1 : 1;
fail:
	db_rollback(db);
	return -1;
}

static int finish(struct db *db, struct job_ctx *j, int ok, const char *errmsg, int64_t attempts,
                  int64_t max_attempts, int64_t repeat, const char *args, struct err *e)
{
	char now[32], later[32];
	int64_t t = time_now_ms();
	time_iso(t, now);
	if (db_in_tx(db))
		db_rollback(db);
	if (db_begin(db, DB_WRITE, e))
		return -1;
	int64_t n;
	if (ok && j->result.err) {
		ok = 0;
		errmsg = "result over 1 MiB";
		attempts = max_attempts; /* it would only be as large again */
	}
	if (ok) {
		n = db_exec(
		    db, e,
		    "UPDATE jobs SET state = 'done', progress = 100, result = ?, error = NULL, "
		    "finished_at = ? WHERE id = ?",
		    DB_T(j->result.len ? j->result.buf : "null"), DB_T(now), DB_T(j->id));
	} else if (attempts < max_attempts) {
		int64_t backoff = 10000LL << (attempts < 10 ? attempts : 10);
		time_iso(t + backoff, later);
		n = db_exec(db, e,
		            "UPDATE jobs SET state = 'queued', run_at = ?, error = ? WHERE id = ?",
		            DB_T(later), DB_T(errmsg), DB_T(j->id));
	} else {
		n = db_exec(
		    db, e,
		    "UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE id = ?",
		    DB_T(errmsg), DB_T(now), DB_T(j->id));
	}
	if (n >= 0 && repeat > 0 && (ok || attempts >= max_attempts))
		n = jobs_enqueue(db, j->kind, j->region, args, repeat * 1000, (int)repeat, "system",
		                 NULL, e);
	if (n < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

static int run_one(struct db *db, struct err *e)
{
	struct arena a;
	arena_init(&a, 0);
	struct arena *saved = db_arena(db);
	db_set_arena(db, &a);
	struct job_ctx j;
	memset(&j, 0, sizeof(j));
	int64_t attempts, max_attempts, repeat;
	const char *args;
	int rc = claim(db, &a, &j, &attempts, &max_attempts, &repeat, &args, e);
	if (rc <= 0)
		goto out;
	j.db = db;
	j.arena = &a;
	j.last_attempt = attempts >= max_attempts;
	strbuf_init(&j.result, &a, 1 << 20);
	j.actor =
	    (struct actor){ .kind = "system", .id = NULL, .name = "jobs", .request_id = j.id };
	const struct job_kind *k = kind_find(j.kind);
	struct err je;
	err_clear(&je);
	int ok = 0;
	j.args = json_parse(&a, args, strlen(args), &je);
	if (!k)
		err_set(&je, 500, "jobs.unknown_kind", NULL, "no handler for job kind '%s'",
		        j.kind);
	else if (j.args && k->run(&j, &je) == 0)
		ok = 1;
	if (db_in_tx(db)) { /* a handler must commit or roll back what it began */
		if (ok)
			err_internal(&je, "job kind '%s' left a transaction open", j.kind);
		ok = 0;
		db_rollback(db);
	}
	if (!ok)
		log_warn("job %s (%s) attempt %lld failed: %s", j.id, j.kind, (long long)attempts,
		         je.msg);
	rc = finish(db, &j, ok, ok ? NULL : je.msg, attempts, max_attempts, repeat, args, e) ? -1
	                                                                                     : 1;
out:
	db_reset_all(db);
	db_set_arena(db, saved);
	arena_release(&a);
	return rc;
}

int jobs_run_due(struct db *db, struct err *e)
{
	int n = 0, rc;
	while ((rc = run_one(db, e)) == 1)
		n++;
	return rc < 0 ? -1 : n;
}

static void *loop(void *arg)
{
	(void)arg;
	struct err e;
	struct db *db = NULL;
	while (!db) {
		if (db_open(&db, url, 0, &e) == 0)
			break;
		log_error("jobs: %s", e.msg);
		pthread_mutex_lock(&lock);
		if (!running) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 5;
		pthread_cond_timedwait(&cond, &lock, &ts);
		pthread_mutex_unlock(&lock);
	}
	/*
	 * Jobs cut off by a crash or a stop run again, unless they have used their attempts:
	 * a job that kills the process must not kill it again at every start.
	 */
	if (db_exec(db, &e,
	            "UPDATE jobs SET state = 'failed', error = 'stopped while running, attempts "
	            "used up' WHERE state = 'running' AND attempts >= max_attempts",
	            DB_NOARGS) < 0 ||
	    db_exec(db, &e, "UPDATE jobs SET state = 'queued' WHERE state = 'running'", DB_NOARGS) <
	        0)
		log_error("jobs: %s", e.msg);
	int64_t poll = config_int("jobs.poll_ms");
	for (;;) {
		pthread_mutex_lock(&lock);
		if (!running) {
			pthread_mutex_unlock(&lock);
			break;
		}
		pthread_mutex_unlock(&lock);
		if (jobs_run_due(db, &e) < 0)
			log_error("jobs: %s", e.msg);
		pthread_mutex_lock(&lock);
		if (running && !kicked) {
			struct timespec ts;
			time_deadline(&ts, poll);
			pthread_cond_timedwait(&cond, &lock, &ts);
		}
		kicked = 0;
		pthread_mutex_unlock(&lock);
	}
	db_close(db);
	return NULL;
}

int jobs_start(const char *db_url, struct err *e)
{
	url = strdup(db_url);
	running = 1;
	if (!url || pthread_create(&thread, NULL, loop, NULL)) {
		running = 0;
		return err_internal(e, "unable to start the job scheduler");
	}
	return 0;
}

void jobs_stop(void)
{
	pthread_mutex_lock(&lock);
	if (!running) {
		pthread_mutex_unlock(&lock);
		return;
	}
	running = 0;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	free(url);
	url = NULL;
}

void jobs_kick(void)
{
	pthread_mutex_lock(&lock);
	kicked = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
}
