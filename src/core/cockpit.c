/* cockpit.c - the registry of cockpit tiles; see cockpit.h. */
#include "cockpit.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "util.h"

#include "banned.h"

#define MAX_TILES 128

static const struct cockpit_tile *tiles[MAX_TILES];
static int ntiles;

void cockpit_register(const struct cockpit_tile *t)
{
	for (int i = 0; i < ntiles; i++)
		if (!strcmp(tiles[i]->key, t->key))
			return;
	if (ntiles < MAX_TILES)
		tiles[ntiles++] = t;
}

int64_t cockpit_tile_ttl(const struct cockpit_tile *t, int64_t now_ms)
{
	if (t->ages_ms == COCKPIT_DATED)
		return answers_today_ms(now_ms);
	return t->ages_ms > 0 ? t->ages_ms : INT64_MAX;
}

const struct cockpit_tile *const *cockpit_tiles(int *n)
{
	*n = ntiles;
	return tiles;
}

int cockpit_count(struct db *db, const char *sql, const char *path, int64_t *out, struct err *e)
{
	char hi[1024];
	snprintf(hi, sizeof(hi), "%s~", path);
	return db_get_int(db, e, out, sql, DB_ARGS(DB_T(path), DB_T(hi))) < 0 ? -1 : 0;
}

/* ---- a place and its children ---- */

int cockpit_place_read(struct db *db, const char *path, struct cockpit_place *p, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT id, name, kind FROM places WHERE path = ?", DB_T(path));
	int found = st ? db_step(st, e) : -1;
	if (found <= 0)
		return found < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	p->id = db_text(st, 0);
	p->name = db_text(st, 1);
	p->kind = db_text(st, 2);
	p->path = path;
	db_done(st);
	p->nc = 0;
	st = db_query(db, e,
	              "SELECT id, name, path FROM places WHERE parent_id = ? AND status = 'active' "
	              "AND tree = 'physical' ORDER BY code, name",
	              DB_T(p->id));
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (p->nc == COCKPIT_MAX_CHILDREN) {
			db_done(st);
			break;
		}
		p->cid[p->nc] = db_text(st, 0);
		p->cname[p->nc] = db_text(st, 1);
		p->cpath[p->nc++] = db_text(st, 2);
	}
	return rc < 0 ? -1 : 0;
}

/* ---- a tile's figures ---- */

static const char *tile_key(struct arena *a, const struct cockpit_tile *t, const char *path)
{
	return arena_printf(a, "tile|%s|%s", t->key, path);
}

/* count t over p and its children into w */
static int tile_count(struct db *db, const struct cockpit_tile *t, const struct cockpit_place *p,
                      struct jw *w, struct err *e)
{
	int64_t v;
	if (t->value(db, p->path, &v, e))
		return -1;
	jw_obj(w);
	jw_kstr(w, "key", t->key);
	jw_kstr(w, "unit", t->unit);
	jw_ki64(w, "value", v);
	jw_key(w, "children");
	jw_arr(w);
	for (int c = 0; c < p->nc; c++) {
		if (t->value(db, p->cpath[c], &v, e))
			return -1;
		jw_obj(w);
		jw_kstr(w, "place_id", p->cid[c]);
		jw_kstr(w, "name", p->cname[c]);
		jw_ki64(w, "value", v);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

/* count t over p into w and keep it under key; *stamp was taken before p's figures were
 * read (db_stamp on db), and gains the tables they were read from. 1 if kept, 0 if not
 * (too big, no room), -1 with e set. */
static int tile_make(struct db *db, const struct cockpit_tile *t, const struct cockpit_place *p,
                     const char *key, struct jw *w, struct db_stamp *stamp, struct err *e)
{
	size_t start = w->sb->len;
	if (tile_count(db, t, p, w, e))
		return -1;
	db_stamp_reads(db, stamp);
	if (w->sb->err) /* cut short: never kept */
		return 0;
	start += w->sb->buf[start] == ','; /* the tile alone, without the comma before it */
	return answers_keep_cost(key, stamp, w->sb->buf + start, w->sb->len - start,
	                         time_now_ms() - stamp->ms);
}

/* a kept tile, {...}, with "late": true before its closing brace */
static void give_late(void *ctx, const char *body, size_t len)
{
	struct jw *w = ctx;
	jw_raw(w, body, len - 1);
	strbuf_adds(w->sb, ",\"late\":true}");
}

/* the whole answer is made from a kept figure: its tables, and as old as its oldest figure */
static void whole_gains(struct db_stamp *whole, const struct db_stamp *made)
{
	whole->tables |= made->tables;
	if (made->ms < whole->ms)
		whole->ms = made->ms;
}

static int recount_ask(const struct cockpit_tile *t, const char *path, int64_t made_ms,
                       int64_t now_ms);

int cockpit_tile_answer(struct db *db, struct arena *a, struct jw *w, const struct cockpit_tile *t,
                        const struct cockpit_place *p, struct db_stamp *whole, int *late,
                        struct err *e)
{
	const char *key = tile_key(a, t, p->path);
	struct db_stamp stamp, made;
	db_stamp(db, time_now_ms(), &stamp);
	if (answers_find(key, &stamp, COCKPIT_CACHE_MS, cockpit_tile_ttl(t, stamp.ms), req_give, w,
	                 &made)) {
		whole_gains(whole, &made);
		return 0;
	}
	struct jw before = *w;
	size_t start = w->sb->len;
	if (answers_late(key, config_int("cockpit.late_cost_ms"), give_late, w, &made)) {
		if (recount_ask(t, p->path, made.ms, stamp.ms)) {
			whole_gains(whole, &made);
			*late = 1;
			return 0;
		}
		*w = before; /* the counter cannot: counted here */
		w->sb->len = start;
	}
	if (tile_make(db, t, p, key, w, &stamp, e) < 0)
		return -1;
	whole->tables |= stamp.tables;
	return 0;
}

/* ---- the counter ---- */

/* nicer than the server by this: about a twentieth of a core beside two busy request
 * threads */
#define COUNTER_NICE 10
/* figures waiting to be counted again; one more is counted on its request */
#define QUEUE 64
/* a figure that cannot be counted or kept: tried this often */
#define RECOUNT_TRIES 3

struct recount {
	const struct cockpit_tile *t; /* NULL: a free slot */
	char path[256];
	int64_t due_ms;
	int busy;  /* being counted */
	int tries; /* counts that failed or were not kept */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct recount queue[QUEUE];
static int running;
static pthread_t thread;

/* 1: the counter will count t over path again (asked now, or waiting for less than
 * COCKPIT_LATE_MAX_MS past its time); 0: count it on the request */
static int recount_ask(const struct cockpit_tile *t, const char *path, int64_t made_ms,
                       int64_t now_ms)
{
	if (strlen(path) >= sizeof(queue[0].path))
		return 0;
	pthread_mutex_lock(&lock);
	struct recount *same = NULL, *free_slot = NULL;
	for (int i = 0; running && i < QUEUE && !same; i++) {
		struct recount *q = &queue[i];
		if (!q->t && !free_slot)
			free_slot = q;
		else if (q->t == t && !strcmp(q->path, path))
			same = q;
	}
	int ok = 0;
	if (same) {
		ok = now_ms - same->due_ms < COCKPIT_LATE_MAX_MS;
	} else if (free_slot) {
		int64_t due = made_ms + config_int("cockpit.recount_ms");
		*free_slot = (struct recount){ .t = t, .due_ms = due > now_ms ? due : now_ms };
		memcpy(free_slot->path, path, strlen(path) + 1);
		ok = 1;
		pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&lock);
	return ok;
}

/* count one figure again, unless it was counted on a request meanwhile: 1 if kept (or
 * no longer needed), 0 if it could not be counted or kept */
static int recount(struct db *db, const struct recount *q)
{
	struct arena a;
	arena_init(&a, 16384);
	struct arena *saved = db_arena(db);
	db_set_arena(db, &a);
	struct err e;
	struct cockpit_place p;
	struct strbuf sb;
	strbuf_init(&sb, &a, ANSWERS_MAX_BYTES);
	struct jw w;
	jw_init(&w, &sb);
	const char *key = tile_key(&a, q->t, q->path);
	/* before the place and its children are read: a change to them shows too */
	struct db_stamp stamp;
	db_stamp(db, time_now_ms(), &stamp);
	int done = 1;
	if (cockpit_place_read(db, q->path, &p, &e)) {
		if (e.status != 404) { /* a place retired meanwhile has no figures to count */
			log_warn("cockpit: %s over %s: %s", q->t->key, q->path, e.msg);
			done = 0;
		}
	} else if (!answers_find(key, &stamp, COCKPIT_CACHE_MS, cockpit_tile_ttl(q->t, stamp.ms),
	                         req_give, &w, NULL)) {
		int rc = tile_make(db, q->t, &p, key, &w, &stamp, &e);
		if (rc < 0)
			log_warn("cockpit: %s over %s: %s", q->t->key, q->path, e.msg);
		done = rc > 0;
	}
	db_reset_all(db);
	db_release_memory(db); /* the counter holds no pages between counts */
	db_set_arena(db, saved);
	arena_release(&a);
	return done;
}

static void *counter(void *arg)
{
	struct db *db = arg;
	/* below the requests: on a busy server a count takes longer, not the answers (a
	 * thread's own niceness, Linux) */
	id_t tid = (id_t)syscall(SYS_gettid);
	errno = 0;
	int nice_now = getpriority(PRIO_PROCESS, tid);
	if ((nice_now == -1 && errno) || setpriority(PRIO_PROCESS, tid, nice_now + COUNTER_NICE))
		log_warn("cockpit: the counter keeps its priority: %s", strerror(errno));
	pthread_mutex_lock(&lock);
	while (running) {
		struct recount *next = NULL;
		for (int i = 0; i < QUEUE; i++)
			if (queue[i].t && !queue[i].busy &&
			    (!next || queue[i].due_ms < next->due_ms))
				next = &queue[i];
		int64_t now = time_now_ms();
		if (!next || next->due_ms > now) {
			struct timespec ts;
			time_deadline(&ts, next ? next->due_ms - now : 60000);
			pthread_cond_timedwait(&cond, &lock, &ts);
			continue;
		}
		next->busy = 1;
		pthread_mutex_unlock(&lock);
		int done = recount(db, next); /* the slot is this thread's while busy */
		pthread_mutex_lock(&lock);
		/* not kept: tried again a cockpit.recount_ms later, a few times, and never at
		 * once for every request that finds the figure late */
		if (!done && ++next->tries < RECOUNT_TRIES) {
			next->due_ms = time_now_ms() + config_int("cockpit.recount_ms");
			next->busy = 0;
		} else {
			next->t = NULL;
		}
	}
	memset(queue, 0, sizeof(queue));
	pthread_mutex_unlock(&lock);
	db_close(db);
	return NULL;
}

int cockpit_counter_start(const char *db_url, struct err *e)
{
	struct db *db;
	if (db_open(&db, db_url, 0, e))
		return -1;
	db_cache_small(db); /* a county's count reads more than a page cache would keep */
	pthread_mutex_lock(&lock);
	running = 1;
	int rc = pthread_create(&thread, NULL, counter, db);
	if (rc)
		running = 0;
	pthread_mutex_unlock(&lock);
	if (rc) {
		db_close(db);
		return err_internal(e, "unable to start the cockpit's counter");
	}
	return 0;
}

void cockpit_counter_stop(void)
{
	pthread_mutex_lock(&lock);
	int was = running;
	running = 0;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	if (was)
		pthread_join(thread, NULL);
}
