/* db.c - the backend-neutral half of the database interface; see db.h. */
#include "db_backend.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "strbuf.h"
#include "util.h"
#include "banned.h"

/* committed write transactions of this process; caches compare it */
static _Atomic uint64_t write_epoch;
/* per table bit, the write_epoch of the last commit that wrote it */
static _Atomic uint64_t table_epoch[64];
/* other processes' commits seen (db_stamp) */
static _Atomic uint64_t foreign_commits;
/* this process's commits, counted before they can be seen and once they are (whatever
 * the outcome): a commit another thread sees may be this process's only if it had begun
 * by then, or was under way when that thread last looked (db_stamp) */
static _Atomic uint64_t commits_begun, commits_ended;

/* this process's mark, left in the database when it commits a write (ops->mark_set) */
static int32_t process_mark;
static pthread_once_t process_mark_once = PTHREAD_ONCE_INIT;

static void process_mark_init(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL);
	process_mark = (int32_t)(r & 0x7fffffff) | 1; /* never 0, a new database's */
}

/* The mark in the database (sql: ops->mark_get, or mark_lock in a write transaction): 1 and
 * *v, 1 and *v 0 if it has no row to read (mark_lock: another writer holds it), 0 if there
 * is none to read yet, -1 on error. A failure makes the connection ask again whether there
 * is one (a restore may have dropped it). */
static int mark_read(struct db *db, const char *sql, int64_t *v, struct err *e)
{
	if (!db->ops->mark_get)
		return 0;
	if (!db->mark_ready && db->ops->mark_ready) { /* before the migration that makes it */
		int64_t ready = 0;
		if (db_get_int(db, e, &ready, db->ops->mark_ready, DB_ARGS(DB_NOARGS)) != 1)
			return -1;
		if (!ready)
			return 0;
	}
	db->mark_ready = 1;
	pthread_once(&process_mark_once, process_mark_init);
	*v = 0;
	int rc = db_get_int(db, e, v, sql, DB_ARGS(DB_NOARGS));
	if (rc < 0)
		db->mark_ready = 0;
	return rc < 0 ? -1 : 1;
}

/* In a write transaction: this process's mark, if another's was there (then 1). The
 * statements are cached: every write commit reads the mark, and writes it only when the
 * last writer was another process. */
static int mark(struct db *db, struct err *e)
{
	if (db->ops->tx_failed && db->ops->tx_failed(db))
		return 0; /* nothing will be committed: COMMIT says why */
	int64_t v = 0;
	int rc = mark_read(db, db->ops->mark_get, &v, e);
	/* ours, unless another process is setting its own now (mark_lock). Read so only when
	 * it is ours: a transaction that holds the lock and then sets the mark could wait for
	 * another doing the same, each for the other */
	if (rc > 0 && v == process_mark && db->ops->mark_lock)
		rc = mark_read(db, db->ops->mark_lock, &v, e);
	if (rc <= 0 || v == process_mark)
		return rc < 0 ? -1 : 0;
	char sql[160];
	snprintf(sql, sizeof(sql), db->ops->mark_set, (long)process_mark);
	return db_exec(db, e, sql, DB_NOARGS) < 0 ? -1 : 1;
}

/* Another connection committed: 1 if the last writer was another process, or if it
 * cannot be told */
static int foreign(struct db *db)
{
	int64_t v = 0;
	struct err e;
	return mark_read(db, db->ops->mark_get, &v, &e) != 1 || v != process_mark;
}

/* a statement that may write, told by its first word (for a backend that names no tables):
 * a write outside a transaction then counts as a commit (db_done) */
static int sql_writes(const char *sql)
{
	static const char *const reads[] = { "SELECT",  "VALUES", "SHOW",     "BEGIN",
		                             "COMMIT",  "END",    "ROLLBACK", "SET",
		                             "EXPLAIN", "PRAGMA", "WITH" };
	while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '(')
		sql++;
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		if (!strncasecmp(sql, reads[i], strlen(reads[i])))
			return !strncasecmp(sql, "WITH", 4) &&
			       (strcasestr(sql, "INSERT ") || strcasestr(sql, "UPDATE ") ||
			        strcasestr(sql, "DELETE "));
	return 1;
}

/* the tables named so far, each its own bit in the order first named; the 64th and later
 * share the last */
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
static char table_names[63][64];
static int ntable_names;

uint64_t db_table_bit(const char *table)
{
	char name[64];
	size_t n = 0;
	for (; table[n] && n < sizeof(name) - 1; n++) /* in lower case, as SQL compares */
		name[n] = (char)(table[n] >= 'A' && table[n] <= 'Z' ? table[n] + 32 : table[n]);
	name[n] = '\0';
	int bit = 63;
	pthread_mutex_lock(&names_lock);
	for (int i = 0; i < ntable_names && bit == 63; i++)
		if (!strcmp(table_names[i], name))
			bit = i;
	if (bit == 63 && ntable_names < 63 && !table[n]) {
		memcpy(table_names[ntable_names], name, n + 1);
		bit = ntable_names++;
	}
	pthread_mutex_unlock(&names_lock);
	return 1ull << bit;
}

static void tables_at(uint64_t tables, uint64_t epoch)
{
	for (; tables; tables &= tables - 1) {
		_Atomic uint64_t *t = &table_epoch[__builtin_ctzll(tables)];
		uint64_t was = atomic_load(t);
		while (was < epoch && !atomic_compare_exchange_weak(t, &was, epoch))
			;
	}
}

/*
 * A commit that writes these tables is about to be seen, then has been. Before, the tables
 * take the next epoch, so no answer stamped until the commit shows holds (it may have read
 * the rows before it); after, the epoch is counted and the tables take it again, for the
 * answers stamped meanwhile. A commit is never seen with its tables unmarked.
 */
static void tables_writing(uint64_t tables)
{
	tables_at(tables, atomic_load(&write_epoch) + 1);
}

static void tables_written(uint64_t tables)
{
	tables_at(tables, atomic_fetch_add(&write_epoch, 1) + 1);
}

/* the tables of the statement just prepared: where the backend cannot tell, it reads
 * every table, and a write transaction's commit counts for every table (db_commit) */
static void stmt_tables(struct db *db, struct db_stmt *st, const char *sql)
{
	st->reads = ~0ull;
	st->writes = 0;
	if (db->ops->tables)
		db->ops->tables(db, &st->reads, &st->writes);
	else if (sql_writes(sql))
		st->writes = ~0ull;
}

int db_open(struct db **out, const char *url, int create, struct err *e)
{
	const struct db_ops *ops = &db_sqlite_ops;
	if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
		ops = &db_pg_ops;
	if (!strncmp(url, "sqlite:", 7))
		url += 7;
	struct db *db = calloc(1, sizeof(*db));
	if (!db)
		return err_internal(e, "out of memory");
	db->ops = ops;
	arena_init(&db->own, 0);
	db->arena = &db->own;
	if (ops->open(db, url, create, e)) {
		free(db);
		return -1;
	}
	db->dv_ms = -1; /* the first look at the data version (db_stamp) */
	struct db_stamp first;
	db_stamp(db, time_now_ms(), &first);
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->in_tx)
		db_rollback(db);
	db_reset_all(db);
	for (size_t i = 0; i < db->ncache; i++) {
		db->ops->finalize(db->cache[i].stmt);
		free((void *)db->cache[i].sql);
		free(db->cache[i].handle);
	}
	db->ops->close(db);
	arena_release(&db->own);
	free(db);
}

void db_set_arena(struct db *db, struct arena *a)
{
	db->arena = a ? a : &db->own;
}

struct arena *db_arena(struct db *db)
{
	return db->arena;
}

const char *db_backend(struct db *db)
{
	return db->ops->name;
}

/* in_tx: 0 none, TX_READ, TX_WRITE, or TX_LAZY (a read transaction not yet begun) */
enum {
	TX_READ = 1,
	TX_WRITE = 2,
	TX_LAZY = 3
};

int db_begin(struct db *db, int write, struct err *e)
{
	if (db->in_tx)
		return err_internal(e, "transaction already open");
	if (!write) {
		/* begun by the first statement: a request that reads nothing pays nothing */
		db->in_tx = TX_LAZY;
		return 0;
	}
	if (db->ops->write_lock && db->ops->write_lock(db, e))
		return -1;
	db->writes = 0;
	/* cached statements: BEGIN and COMMIT run on every request */
	if (db_exec_(db, e, db->ops->begin_write, DB_ARGS(DB_NOARGS)) < 0) {
		if (db->ops->write_unlock)
			db->ops->write_unlock(db);
		return -1;
	}
	db->in_tx = TX_WRITE;
	return 0;
}

/* The transaction is over (committed or rolled back): the next writer's turn. */
static void end_tx(struct db *db)
{
	if (db->in_tx == TX_WRITE && db->ops->write_unlock)
		db->ops->write_unlock(db);
	db->in_tx = 0;
}

/* with sync 0, the caller waits for the commit to be durable (db_group_run) */
static int commit(struct db *db, int sync, struct err *e)
{
	if (!db->in_tx)
		return err_internal(e, "no transaction to commit");
	if (db->in_tx == TX_LAZY) {
		db->in_tx = 0;
		return 0;
	}
	int wrote = db->in_tx == TX_WRITE, counted = wrote || db->writes;
	uint64_t tables = db->ops->tables ? db->writes : wrote ? ~0ull : 0;
	int other = counted ? mark(db, e) : 0;
	if (other > 0) /* what this process keeps may be another's old rows */
		atomic_fetch_add(&foreign_commits, 1);
	if (counted) {
		atomic_fetch_add(&commits_begun, 1);
		tables_writing(tables);
	}
	int rc = other < 0 ? -1 : (int)db_exec_(db, e, "COMMIT", DB_ARGS(DB_NOARGS));
	if (counted) {
		tables_written(tables);
		atomic_fetch_add(&commits_ended, 1);
	}
	db->writes = 0;
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	end_tx(db); /* the next writer commits while this one waits for the disk */
	if (sync && wrote && db->ops->durable)
		return db->ops->durable(db, e);
	return 0;
}

int db_commit(struct db *db, struct err *e)
{
	return commit(db, 1, e);
}

void db_rollback(struct db *db)
{
	db->writes = 0;
	if (!db->in_tx)
		return;
	db_reset_all(db);
	if (db->in_tx == TX_LAZY) {
		db->in_tx = 0;
		return;
	}
	struct err e;
	if (db_exec_(db, &e, "ROLLBACK", DB_ARGS(DB_NOARGS)) < 0)
		log_warn("rollback failed: %s", e.msg);
	end_tx(db);
}

/* ---- group commit (db_group_run) ---- */

/* a write waiting in a group's queue, then run, then told how its transaction ended */
struct group_job {
	int (*fn)(struct db *db, void *arg, struct err *e);
	void *arg;
	struct arena *a;
	struct err err; /* fn's error, or the transaction's */
	int rc;         /* fn's: 1 kept, 0 undone, -1 failed */
	int ended;
	struct group_job *next;
};

struct db_group {
	struct db *db; /* every job's writes */
	int max;       /* jobs a transaction takes at most */
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	struct group_job *queue, **tail; /* waiting to run */
	int queued;
	int running;            /* a thread runs a transaction's jobs */
	uint64_t commits, kept; /* for the log at close */
};

int db_group_open(struct db_group **out, const char *url, int max, struct err *e)
{
	*out = NULL;
	struct db *db;
	if (db_open(&db, url, 0, e))
		return -1;
	if (!db->ops->groups || !db->ops->groups(db)) {
		db_close(db); /* nothing to gain: each connection commits as before */
		return 0;
	}
	struct db_group *g = calloc(1, sizeof(*g));
	if (!g) {
		db_close(db);
		return err_internal(e, "out of memory");
	}
	g->db = db;
	g->max = max > 0 ? max : 1;
	g->tail = &g->queue;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->done_cond, NULL);
	*out = g;
	return 0;
}

void db_group_close(struct db_group *g)
{
	if (!g)
		return;
	if (g->commits)
		log_info("group commit: %llu writes in %llu commits", (unsigned long long)g->kept,
		         (unsigned long long)g->commits);
	db_close(g->db);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->done_cond);
	free(g);
}

int db_group_waiting(struct db_group *g)
{
	pthread_mutex_lock(&g->lock);
	int n = g->queued;
	pthread_mutex_unlock(&g->lock);
	return n;
}

/* the next job of the queue, if the transaction takes one more (g->lock held) */
static struct group_job *next_job(struct db_group *g, int taken)
{
	struct group_job *j = taken < g->max ? g->queue : NULL;
	if (j) {
		g->queue = j->next;
		if (!g->queue)
			g->tail = &g->queue;
		g->queued--;
		j->next = NULL;
	}
	return j;
}

/* one job in its savepoint; 0, or -1 once the transaction is lost */
static int run_job(struct db *db, struct group_job *j)
{
	struct err ignored;
	db_set_arena(db, j->a);
	if (db_exec(db, &j->err, "SAVEPOINT job", DB_NOARGS) < 0) {
		j->rc = -1;
		return -1;
	}
	j->rc = j->fn(db, j->arg, &j->err);
	db_reset_all(db);
	if (j->rc > 0 && db_exec(db, &j->err, "RELEASE job", DB_NOARGS) < 0)
		j->rc = -1;
	int lost = j->rc <= 0 && (db_exec(db, &ignored, "ROLLBACK TO job", DB_NOARGS) < 0 ||
	                          db_exec(db, &ignored, "RELEASE job", DB_NOARGS) < 0);
	db_set_arena(db, NULL);
	return lost || (db->ops->tx_open && !db->ops->tx_open(db)) ? -1 : 0;
}

/*
 * Run the jobs queued now, and those that come while they run, up to g->max, in one
 * transaction; then commit it and tell each job how it ended. The thread that finds
 * nobody running does this for every job of the queue: no turn passes from thread to
 * thread between two jobs.
 */
static void run_group(struct db_group *g)
{
	struct db *db = g->db;
	struct group_job *first = NULL, **last = &first, *j;
	struct err te;
	err_clear(&te);
	int taken = 0, kept = 0, lost = 0;
	if (db_begin(db, DB_WRITE, &te) == 0) {
		for (;;) {
			pthread_mutex_lock(&g->lock);
			j = lost ? NULL : next_job(g, taken);
			pthread_mutex_unlock(&g->lock);
			if (!j)
				break;
			*last = j;
			last = &j->next;
			taken++;
			lost = run_job(db, j) < 0;
			kept += j->rc > 0;
		}
		if (lost) {
			log_error("a group's transaction was rolled back under its %d writes",
			          kept);
			db_rollback(db);
			err_set(&te, 500, "db.error", NULL,
			        "database error: the transaction was rolled back");
		} else {
			commit(db, 0, &te);
		}
	} else {
		pthread_mutex_lock(&g->lock); /* every job queued now shares the refusal */
		while ((j = next_job(g, taken))) {
			*last = j;
			last = &j->next;
			taken++;
			j->rc = -1;
			j->err = te;
		}
		pthread_mutex_unlock(&g->lock);
	}
	pthread_mutex_lock(&g->lock);
	for (j = first; j; j = j->next) {
		if (te.status && j->rc > 0) { /* what it kept is lost */
			j->err = te;
			j->rc = -1;
		}
		j->ended = 1;
	}
	g->commits += !te.status;
	g->kept += te.status ? 0 : (uint64_t)kept;
	g->running = 0;
	pthread_cond_broadcast(&g->done_cond);
	pthread_mutex_unlock(&g->lock);
}

int db_group_run(struct db_group *g, int (*fn)(struct db *db, void *arg, struct err *e), void *arg,
                 struct arena *a, struct err *e)
{
	struct group_job j = { .fn = fn, .arg = arg, .a = a };
	pthread_mutex_lock(&g->lock);
	*g->tail = &j;
	g->tail = &j.next;
	g->queued++;
	while (!j.ended) {
		if (g->running) {
			pthread_cond_wait(&g->done_cond, &g->lock);
			continue;
		}
		g->running = 1;
		pthread_mutex_unlock(&g->lock);
		run_group(g);
		pthread_mutex_lock(&g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	if (j.rc < 0) {
		if (e)
			*e = j.err;
		return -1;
	}
	if (j.rc == 0)
		return 0;
	return g->db->ops->durable ? g->db->ops->durable(g->db, e) : 0;
}

uint64_t db_write_epoch(void)
{
	return atomic_load(&write_epoch);
}

void db_stamp(struct db *db, int64_t now_ms, struct db_stamp *s)
{
	/*
	 * Asking SQLite whether any other connection committed starts a read transaction
	 * (under load a fifth of a request): asked at most once a millisecond per connection,
	 * a commit by another process is still seen by every request starting a millisecond
	 * later. Another connection is most often this process's; it was another process's
	 * if this one committed nothing meanwhile, or if the mark in the file says so.
	 */
	uint64_t epoch = db_write_epoch(), ended = atomic_load(&commits_ended),
	         begun = atomic_load(&commits_begun);
	if (now_ms != db->dv_ms) {
		int64_t v = db_data_version(db);
		/* (PostgreSQL's is a hash of the snapshot, of either sign) */
		if (v != db->dv && db->dv_ms >= 0 && db->ops->data_version &&
		    ((begun == db->dv_begun && db->dv_idle && !db->ops->version_shared) ||
		     foreign(db)))
			atomic_fetch_add(&foreign_commits, 1);
		db->dv = v;
		db->dv_ms = now_ms;
		db->dv_begun = begun;
		db->dv_idle = ended == begun;
	}
	s->epoch = epoch;
	s->foreign = atomic_load(&foreign_commits);
	s->tables = ~0ull;
	s->version = db->dv;
	s->ms = now_ms;
	db->reads = 0;
}

void db_stamp_reads(struct db *db, struct db_stamp *s)
{
	s->tables = db->reads;
	/* reads in a transaction whose snapshot began before the stamp: kept as of then */
	if (db->in_tx == TX_READ) {
		if (db->snap_epoch < s->epoch)
			s->epoch = db->snap_epoch;
		if (db->snap_foreign < s->foreign)
			s->foreign = db->snap_foreign;
	}
}

int db_stamp_holds(const struct db_stamp *then, const struct db_stamp *now, int64_t max_age_ms)
{
	if (then->foreign != now->foreign || (now->version < 0 && now->ms - then->ms >= max_age_ms))
		return 0;
	for (uint64_t t = then->tables; t; t &= t - 1)
		if (atomic_load(&table_epoch[__builtin_ctzll(t)]) > then->epoch)
			return 0;
	return 1;
}

const char *db_rows_sql(struct arena *a, const char *head, int cols, int rows)
{
	struct strbuf sb;
	strbuf_init(&sb, a, strlen(head) + (size_t)rows * (3 * (size_t)cols + 2) + 1);
	strbuf_adds(&sb, head);
	for (int r = 0; r < rows; r++) {
		strbuf_adds(&sb, r ? ", (?" : " (?");
		for (int c = 1; c < cols; c++)
			strbuf_adds(&sb, ", ?");
		strbuf_adds(&sb, ")");
	}
	return sb.buf;
}

void db_bulk(struct db *db, int on)
{
	const char *sql = on ? db->ops->bulk_on : db->ops->bulk_off;
	struct err e;
	if (sql && db_exec(db, &e, sql, DB_NOARGS) < 0)
		log_warn("db_bulk: %s", e.msg);
}

void db_cache_small(struct db *db)
{
	struct err e;
	if (db->ops->cache_small && db_exec(db, &e, db->ops->cache_small, DB_NOARGS) < 0)
		log_warn("db_cache_small: %s", e.msg);
}

void db_release_memory(struct db *db)
{
	if (db->ops->release)
		db->ops->release(db);
}

int64_t db_data_version(struct db *db)
{
	int64_t v = -1;
	struct err e;
	if (!db->ops->data_version ||
	    db_get_int(db, &e, &v, db->ops->data_version, DB_ARGS(DB_NOARGS)) != 1)
		return -1;
	return v;
}

const char *db_origin(struct db *db, struct err *e)
{
	if (db->origin[0])
		return db->origin;
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *v = NULL;
		int rc = db_get_text(db, e, &v, "SELECT value FROM deployment WHERE key = 'origin'",
		                     DB_ARGS(DB_NOARGS));
		if (rc < 0)
			return NULL;
		if (rc == 1) {
			snprintf(db->origin, sizeof(db->origin), "%s", v);
			return db->origin;
		}
		char id[ID_LEN + 1];
		id_new(id);
		/* the random tail of a new id: 10 characters, 50 bits */
		if (db_exec(db, e,
		            "INSERT INTO deployment (key, value) VALUES ('origin', ?) "
		            "ON CONFLICT (key) DO NOTHING",
		            DB_T(id + ID_LEN - 10)) < 0)
			return NULL;
	}
	err_internal(e, "no origin in table deployment");
	return NULL;
}

void db_global_init(void)
{
	db_sqlite_global_init();
}

int db_in_tx(struct db *db)
{
	return db->in_tx != 0;
}

static struct db_stmt *one_off(struct db *db, const char *sql, struct err *e)
{
	void *s = db->ops->prepare(db, sql, e);
	if (!s)
		return NULL;
	struct db_stmt *st = calloc(1, sizeof(*st));
	if (!st) {
		db->ops->finalize(s);
		err_internal(e, "out of memory");
		return NULL;
	}
	st->db = db;
	st->stmt = s;
	stmt_tables(db, st, sql);
	st->next_oneoff = db->oneoffs;
	db->oneoffs = st;
	return st;
}

/* Drop cached statements of a connection the backend replaced (those not in use now). */
static void purge_stale(struct db *db)
{
	size_t keep = 0;
	int busy = 0;
	for (size_t i = 0; i < db->ncache; i++) {
		struct db_cached *c = &db->cache[i];
		if (c->in_use) {
			busy = 1;
			db->cache[keep++] = *c;
			db->cache[keep - 1].handle->cached = &db->cache[keep - 1];
			continue;
		}
		db->ops->finalize(c->stmt);
		free((void *)c->sql);
		free(c->handle);
	}
	db->ncache = keep;
	db->next_evict = 0;
	db->stale_cache = busy;
}

static struct db_stmt *lookup(struct db *db, const char *sql, struct err *e)
{
	if (db->stale_cache)
		purge_stale(db);
	/* asked for by the same text as last time (the same literal): no hash of the text, but
	 * its words still compared, for a buffer may hold another statement since */
	for (size_t i = 0; i < db->ncache; i++) {
		struct db_cached *c = &db->cache[i];
		if (c->seen == sql && !c->in_use && !strcmp(c->sql, sql)) {
			c->in_use = 1;
			return c->handle;
		}
	}
	uint64_t h = str_hash(sql);
	for (size_t i = 0; i < db->ncache; i++) {
		struct db_cached *c = &db->cache[i];
		if (c->hash == h && !strcmp(c->sql, sql)) {
			if (c->in_use) /* re-entered while iterating: use a fresh one */
				return one_off(db, sql, e);
			c->in_use = 1;
			c->seen = sql;
			return c->handle;
		}
	}
	void *s = db->ops->prepare(db, sql, e);
	if (!s)
		return NULL;
	struct db_cached *c;
	if (db->ncache < DB_CACHE_SIZE) {
		c = &db->cache[db->ncache++];
	} else {
		/* evict round-robin, skipping statements in use */
		size_t tries = 0;
		do {
			c = &db->cache[db->next_evict];
			db->next_evict = (db->next_evict + 1) % DB_CACHE_SIZE;
		} while (c->in_use && ++tries < DB_CACHE_SIZE);
		if (c->in_use) {
			db->ops->finalize(s);
			return one_off(db, sql, e);
		}
		db->ops->finalize(c->stmt);
		free((void *)c->sql);
		free(c->handle);
	}
	c->sql = strdup(sql);
	c->handle = calloc(1, sizeof(*c->handle));
	if (!c->sql || !c->handle) {
		fprintf(stderr, "fatal: out of memory\n");
		abort();
	}
	c->hash = h;
	c->seen = sql;
	c->stmt = s;
	c->in_use = 1;
	c->handle->db = db;
	c->handle->stmt = s;
	c->handle->cached = c;
	stmt_tables(db, c->handle, sql);
	return c->handle;
}

void db_done(struct db_stmt *st)
{
	if (!st)
		return;
	st->db->ops->reset(st->stmt);
	st->active = 0;
	if (st->own_commit) { /* a write outside a transaction, committed now */
		st->own_commit = 0;
		tables_written(st->writes);
		atomic_fetch_add(&commits_ended, 1);
		struct err ignore; /* and this process's mark, for other processes */
		if (mark(st->db, &ignore) > 0)
			atomic_fetch_add(&foreign_commits, 1);
	}
	if (st->cached) {
		st->cached->in_use = 0;
	} else {
		for (struct db_stmt **p = &st->db->oneoffs; *p; p = &(*p)->next_oneoff)
			if (*p == st) {
				*p = st->next_oneoff;
				break;
			}
		st->db->ops->finalize(st->stmt);
		free(st);
	}
}

struct db_stmt *db_query_(struct db *db, struct err *e, const char *sql, const struct db_arg *args)
{
	if (db->in_tx == TX_LAZY) {
		db->in_tx = 0;
		/* what a stamp taken in this transaction holds from: its snapshot's start */
		db->snap_epoch = atomic_load(&write_epoch);
		db->snap_foreign = atomic_load(&foreign_commits);
		if (db_exec_(db, e, db->ops->begin_read, DB_ARGS(DB_NOARGS)) < 0) {
			db->in_tx = TX_LAZY;
			return NULL;
		}
		db->in_tx = TX_READ;
	}
	struct db_stmt *st = lookup(db, sql, e);
	if (!st)
		return NULL;
	if (db->ops->bind(db, st->stmt, args, e)) {
		db_done(st);
		return NULL;
	}
	db->reads |= st->reads;
	if (db->in_tx == TX_READ || db->in_tx == TX_WRITE)
		db->writes |= st->writes;
	else if (st->writes) {
		st->own_commit = 1;
		atomic_fetch_add(&commits_begun, 1);
		tables_writing(st->writes);
	}
	st->active = 1;
	return st;
}

int db_step(struct db_stmt *st, struct err *e)
{
	int rc = st->db->ops->step(st->db, st->stmt, e);
	if (rc != 1)
		db_done(st);
	return rc;
}

int64_t db_exec_(struct db *db, struct err *e, const char *sql, const struct db_arg *args)
{
	struct db_stmt *st = db_query_(db, e, sql, args);
	if (!st)
		return -1;
	int rc;
	while ((rc = db->ops->step(db, st->stmt, e)) == 1)
		;
	/* counted before db_done, whose writer's mark may run statements of its own */
	int64_t n = rc < 0 ? -1 : db->ops->changes(db);
	db_done(st);
	return n;
}

int db_exec_script(struct db *db, const char *sql, struct err *e)
{
	int in_tx = db->in_tx == TX_READ || db->in_tx == TX_WRITE;
	if (!in_tx)
		tables_writing(~0ull);
	int rc = db->ops->script(db, sql, e);
	if (in_tx)
		db->writes = ~0ull;
	else
		tables_written(~0ull);
	return rc;
}

int db_cols(struct db_stmt *st)
{
	return st->db->ops->cols(st->stmt);
}

int db_isnull(struct db_stmt *st, int col)
{
	return st->db->ops->isnull(st->stmt, col);
}

const char *db_text(struct db_stmt *st, int col)
{
	size_t n;
	if (st->db->ops->isnull(st->stmt, col))
		return NULL;
	const char *s = st->db->ops->text(st->stmt, col, &n);
	return arena_strndup(st->db->arena, s ? s : "", s ? n : 0);
}

char db_coltype(struct db_stmt *st, int col)
{
	if (st->db->ops->isnull(st->stmt, col))
		return 'n';
	return st->db->ops->coltype(st->stmt, col);
}

int64_t db_int(struct db_stmt *st, int col)
{
	return st->db->ops->integer(st->stmt, col);
}

const void *db_blob(struct db_stmt *st, int col, size_t *n)
{
	const void *p = st->db->ops->blob(st->stmt, col, n);
	void *q = arena_alloc(st->db->arena, *n ? *n : 1);
	if (*n)
		memcpy(q, p, *n);
	return q;
}

int db_get_int(struct db *db, struct err *e, int64_t *out, const char *sql,
               const struct db_arg *args)
{
	struct db_stmt *st = db_query_(db, e, sql, args);
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		*out = db_int(st, 0);
		db_done(st);
	}
	return rc;
}

int db_get_text(struct db *db, struct err *e, const char **out, const char *sql,
                const struct db_arg *args)
{
	struct db_stmt *st = db_query_(db, e, sql, args);
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		*out = db_text(st, 0);
		db_done(st);
	}
	return rc;
}

const char *db_sql_concat_agg(struct db *db, struct arena *a, const char *expr)
{
	return arena_printf(a, "%s(%s, ',')", db->ops->concat_agg, expr);
}

const char *db_like_contains(struct arena *a, const char *text)
{
	size_t n = strlen(text);
	char *out = arena_alloc(a, 2 * n + 3), *p = out;
	*p++ = '%';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '%' || text[i] == '_' || text[i] == '\\')
			*p++ = '\\';
		*p++ = text[i];
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

void db_reset_all(struct db *db)
{
	while (db->oneoffs)
		db_done(db->oneoffs);
	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].in_use)
			db_done(db->cache[i].handle);
}

int db_backup_to(struct db *db, const char *path, struct err *e)
{
	if (!db->ops->backup)
		return err_invalid(e, "db.backup_unsupported", NULL,
		                   "backup is not supported on the %s backend", db->ops->name);
	return db->ops->backup(db, path, e);
}

/* ---- migrations ---- */

static int max_known(const struct migration *list, size_t n, const char *module)
{
	int v = -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i].module, module) && list[i].version > v)
			v = list[i].version;
	return v;
}

static const char migrations_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL, PRIMARY KEY (module, version))";

/* -1 error; else sets *pending */
static int check(struct db *db, const struct migration *list, size_t n, int *pending, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT module, version, name FROM schema_migrations", DB_NOARGS);
	if (!st)
		return -1;
	int rc, napplied = 0;
	while ((rc = db_step(st, e)) == 1) {
		const char *mod = db_text(st, 0);
		int64_t ver = db_int(st, 1);
		if (ver > max_known(list, n, mod)) {
			const char *name = db_text(st, 2);
			db_done(st);
			return err_set(e, 409, "db.too_new", "db",
			               "database has migration %s/%04lld-%s, newer than this cunwu "
			               "knows; upgrade cunwu",
			               mod, (long long)ver, name);
		}
		napplied++;
	}
	if (rc < 0)
		return -1;
	*pending = (int)n - napplied;
	return 0;
}

int db_schema_check(struct db *db, struct err *e)
{
	int pending;
	if (db_exec_script(db, migrations_table, e) ||
	    check(db, schema_migrations_list, schema_migrations_count, &pending, e))
		return -1;
	if (pending > 0)
		return err_set(e, 409, "db.needs_migration", "db",
		               "database needs %d migration%s; run 'cunwu migrate'", pending,
		               pending == 1 ? "" : "s");
	return 0;
}

/* 1 if m is recorded in schema_migrations, 0 if not, -1 on error */
static int recorded(struct db *db, const struct migration *m, struct err *e)
{
	int64_t have = 0;
	if (db_get_int(db, e, &have,
	               "SELECT count(*) FROM schema_migrations WHERE module = ? AND version = ?",
	               DB_ARGS(DB_T(m->module), DB_I(m->version))) < 0)
		return -1;
	return have > 0;
}

/* Run m's script, then record it; *n counts it if this call recorded it. */
static int apply(struct db *db, const struct migration *m, int *n, struct err *e)
{
	int rc = m->outside_tx ? db->ops->script_outside_tx(db, m->sql, e)
	                       : db_exec_script(db, m->sql, e);
	if (rc) {
		char msg[sizeof(e->msg)];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		return err_set(e, 500, "db.migration_failed", NULL, "migration %s/%04d-%s: %s",
		               m->module, m->version, m->name, msg);
	}
	char ts[32];
	time_iso(time_now_ms(), ts);
	/* DO NOTHING: an outside-transaction migration another process ran meanwhile */
	int64_t ch = db_exec(db, e,
	                     "INSERT INTO schema_migrations (module, version, name, applied_at) "
	                     "VALUES (?, ?, ?, ?) ON CONFLICT (module, version) DO NOTHING",
	                     DB_T(m->module), DB_I(m->version), DB_T(m->name), DB_T(ts));
	if (ch < 0)
		return -1;
	*n += (int)ch;
	return 0;
}

/*
 * One migration that cannot run in a transaction (CREATE INDEX CONCURRENTLY), after the
 * transaction of the others: under the backend's session lock, so two migrators do not
 * both run it; checked again under the lock; recorded once it succeeded. Interrupted
 * before the record, it runs again next time: its IF NOT EXISTS finds the index built,
 * and the backend drops an invalid one a failed build left (db_pg.c).
 */
static int apply_outside_tx(struct db *db, const struct migration *m, int *n, struct err *e)
{
	if (db->ops->outside_lock && db_exec_script(db, db->ops->outside_lock, e))
		return -1;
	int rc = recorded(db, m, e);
	if (rc == 0)
		rc = apply(db, m, n, e);
	if (db->ops->outside_unlock) {
		struct err ue;
		if (db_exec_script(db, db->ops->outside_unlock, &ue))
			log_warn("unable to release the migration lock: %s", ue.msg);
	}
	return rc < 0 ? -1 : 0;
}

int db_migrate_list(struct db *db, const struct migration *list, size_t count, int *applied,
                    struct err *e)
{
	int pending, n = 0;
	if (applied)
		*applied = 0;
	if (db_begin(db, DB_WRITE, e))
		return -1;
	if ((db->ops->migrate_lock && db_exec_script(db, db->ops->migrate_lock, e)) ||
	    db_exec_script(db, migrations_table, e) || check(db, list, count, &pending, e))
		goto fail;
	for (size_t i = 0; i < count && pending > 0; i++) {
		if (list[i].outside_tx)
			continue;
		int rc = recorded(db, &list[i], e);
		if (rc < 0 || (rc == 0 && apply(db, &list[i], &n, e)))
			goto fail;
	}
	if (db_commit(db, e))
		return -1;
	/* then those that must not run in a transaction, each alone */
	int rc = 0;
	for (size_t i = 0; i < count && pending > 0 && !rc; i++)
		if (list[i].outside_tx)
			rc = apply_outside_tx(db, &list[i], &n, e);
	if (applied)
		*applied = n;
	return rc;
fail:
	db_rollback(db);
	return -1;
}

int db_migrate(struct db *db, int *applied, struct err *e)
{
	return db_migrate_list(db, schema_migrations_list, schema_migrations_count, applied, e);
}
