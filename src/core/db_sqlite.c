/*
 * db_sqlite.c - the SQLite backend.
 *
 * Durability: a write is answered only once the WAL holding it is synced, so it survives a
 * process crash and a power loss, as with synchronous=FULL. FULL syncs inside COMMIT, with
 * the write lock held: one fsync per write, one writer at a time. So connections commit
 * with synchronous=NORMAL (which syncs at checkpoints only), and db_commit, with the write
 * lock released, waits on the file's group sync (sq_durable): one thread syncs the WAL for
 * every commit made before it began, while the next writers commit (group commit). A
 * connection without a file lock (too many files open) or not in WAL mode keeps FULL.
 *
 * Writers queue: the threads of this process that want to write one database file wait
 * on a mutex of that file before BEGIN IMMEDIATE, released at commit or rollback; the
 * kernel wakes them in turn. SQLite's busy handler sleeps and polls (1, 2, 5 ... 100 ms)
 * and gives the lock to whichever poller comes first, which made the write tail of a busy
 * server seconds long. The busy timeout stays for other processes (a `cunwu` command
 * beside the server).
 */
#include "db_backend.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "log.h"
#include "banned.h"

/* how long a writer waits for the lock, this process's or SQLite's */
#define BUSY_MS 5000

/*
 * The WAL is copied into the database by the commit that takes it past this many pages
 * (SQLite's default: 1,000). A page changed by many commits in between is copied once: with
 * group commit a resident's request adds about 10 pages, and at 16,000 (a WAL of 64 MB at
 * most) S2 wrote 17 % more than at 1,000, with a lower p99 (docs/benchmarks.md, "Issue 9:
 * group commit").
 */
#define WAL_CHECKPOINT_PAGES "16000"

/* The write lock of one database file (device and inode), shared by its connections. */
struct file_lock {
	dev_t dev;
	ino_t ino;
	int refs; /* connections using it; 0: the slot is free */
	pthread_mutex_t lock;
	atomic_int waiting;
	/* the group sync: commits counted, the count the last sync covered, one sync at a time */
	pthread_mutex_t sync_lock;
	pthread_cond_t synced_cond;
	uint64_t committed, synced;
	int syncing;
	char wal[4096]; /* the WAL's path */
};

static atomic_uint_fast64_t wal_syncs; /* fsyncs of a WAL by the group sync (tests) */
static atomic_int sync_delay_ms;       /* tests: a slow disk */

static pthread_mutex_t file_locks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct file_lock file_locks[64];

struct sq_profile;

struct sq_conn {
	sqlite3 *h;
	struct file_lock *fl;    /* NULL: too many files open; SQLite's lock alone */
	struct sq_profile *prof; /* CUNWU_SQL_PROFILE set: time spent in each statement */
	int grouped;             /* synchronous=NORMAL: db_commit syncs (sq_durable) */
	/* the tables the statement being prepared reads and writes (authorize), all: it
	 * changes the schema; cascade: for each table's bit, the tables its deletes and
	 * updates reach through foreign keys */
	uint64_t reads, writes, cascade[64];
	int all;
};

/* ---- a profile of the statements (CUNWU_SQL_PROFILE=1: printed to stderr at close) ---- */

#define PROF_SLOTS 1024

struct prof_slot {
	const void *key; /* the prepared statement's text, as SQLite holds it */
	char *sql;       /* a copy, printed after the statement is gone */
	int64_t runs, ns;
};

struct sq_profile {
	struct prof_slot slot[PROF_SLOTS];
	int64_t lost; /* runs of statements that found no slot */
	int full;     /* CUNWU_SQL_PROFILE=2: each statement whole */
};

static int prof_trace(unsigned type, void *ctx, void *p, void *x)
{
	struct sq_profile *pr = ctx;
	const char *sql = sqlite3_sql(p);
	if (type != SQLITE_TRACE_PROFILE || !sql)
		return 0;
	uintptr_t k = (uintptr_t)sql;
	for (unsigned i = 0; i < PROF_SLOTS; i++) {
		unsigned j = (unsigned)((k >> 4) + i) % PROF_SLOTS;
		if (!pr->slot[j].key) {
			pr->slot[j].key = sql;
			pr->slot[j].sql = strdup(sql);
		}
		if (pr->slot[j].key == sql) {
			pr->slot[j].runs++;
			pr->slot[j].ns += *(sqlite3_int64 *)x;
			return 0;
		}
	}
	pr->lost++;
	return 0;
}

static int prof_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct prof_slot *)a)->ns, y = ((const struct prof_slot *)b)->ns;
	return (x < y) - (x > y);
}

/* the statements by time spent, most first (before the connection and its texts go) */
static void prof_print(struct sq_profile *pr)
{
	int64_t total = 0;
	qsort(pr->slot, PROF_SLOTS, sizeof(pr->slot[0]), prof_cmp);
	for (int i = 0; i < PROF_SLOTS; i++)
		total += pr->slot[i].ns;
	fprintf(stderr, "sql profile: %.3f s in statements\n%10s %10s %8s  statement\n",
	        (double)total / 1e9, "ms", "runs", "us/run");
	for (int i = 0; i < PROF_SLOTS && pr->slot[i].sql && i < 40; i++)
		fprintf(stderr, "%10.1f %10lld %8.1f  %.*s\n", (double)pr->slot[i].ns / 1e6,
		        (long long)pr->slot[i].runs,
		        (double)pr->slot[i].ns / 1e3 / (double)pr->slot[i].runs,
		        pr->full ? (int)strlen(pr->slot[i].sql) : 110, pr->slot[i].sql);
	for (int i = 0; i < PROF_SLOTS; i++)
		free(pr->slot[i].sql);
	if (pr->lost)
		fprintf(stderr, "(%lld runs of statements beyond %d not counted)\n",
		        (long long)pr->lost, PROF_SLOTS);
}

#define CONN(db) (((struct sq_conn *)(db)->conn)->h)

static int sq_err(sqlite3 *h, int rc, const char *what, struct err *e)
{
	int prim = rc & 0xff;
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
		err_set(e, 503, "db.busy", NULL, "database is busy; try again");
		if (e)
			e->retry_after = "1";
		return -1;
	}
	if (prim == SQLITE_CONSTRAINT)
		return err_set(e, 409, "db.conflict", NULL, "conflicts with existing data: %s",
		               sqlite3_errmsg(h));
	log_error("sqlite: %s: %s (in: %.200s)", sqlite3_errstr(rc), sqlite3_errmsg(h), what);
	return err_set(e, 500, "db.error", NULL, "database error: %s", sqlite3_errmsg(h));
}

/* The write lock of the file h has open, made on first use; NULL if no slot is free. */
static struct file_lock *file_lock_of(sqlite3 *h)
{
	struct stat st;
	const char *file = sqlite3_db_filename(h, "main");
	if (!file || !*file || stat(file, &st))
		return NULL;
	struct file_lock *q = NULL, *free_slot = NULL;
	pthread_mutex_lock(&file_locks_lock);
	for (size_t i = 0; i < sizeof(file_locks) / sizeof(file_locks[0]) && !q; i++) {
		if (file_locks[i].refs && file_locks[i].dev == st.st_dev &&
		    file_locks[i].ino == st.st_ino)
			q = &file_locks[i];
		else if (!file_locks[i].refs && !free_slot)
			free_slot = &file_locks[i];
	}
	if (!q && free_slot &&
	    snprintf(free_slot->wal, sizeof(free_slot->wal), "%s", sqlite3_filename_wal(file)) <
	        (int)sizeof(free_slot->wal)) {
		q = free_slot;
		q->dev = st.st_dev;
		q->ino = st.st_ino;
		pthread_mutex_init(&q->lock, NULL);
		atomic_store(&q->waiting, 0);
		pthread_mutex_init(&q->sync_lock, NULL);
		pthread_cond_init(&q->synced_cond, NULL);
		q->committed = q->synced = 0;
		q->syncing = 0;
	}
	if (q)
		q->refs++;
	pthread_mutex_unlock(&file_locks_lock);
	return q;
}

static void file_lock_release(struct file_lock *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&file_locks_lock);
	if (--q->refs == 0) {
		pthread_mutex_destroy(&q->lock);
		pthread_mutex_destroy(&q->sync_lock);
		pthread_cond_destroy(&q->synced_cond);
	}
	pthread_mutex_unlock(&file_locks_lock);
}

/* Wait for the file's write lock (the kernel wakes waiters in turn); 503 db.busy after
 * BUSY_MS. */
static int sq_write_lock(struct db *db, struct err *e)
{
	struct file_lock *q = ((struct sq_conn *)db->conn)->fl;
	if (!q)
		return 0;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += BUSY_MS / 1000;
	atomic_fetch_add(&q->waiting, 1);
	int rc = pthread_mutex_clocklock(&q->lock, CLOCK_MONOTONIC, &until);
	atomic_fetch_sub(&q->waiting, 1);
	if (rc == 0)
		return 0;
	err_set(e, 503, "db.busy", NULL, "database is busy; try again");
	if (e)
		e->retry_after = "1";
	return -1;
}

static void sq_write_unlock(struct db *db)
{
	struct file_lock *q = ((struct sq_conn *)db->conn)->fl;
	if (q)
		pthread_mutex_unlock(&q->lock);
}

/* the WAL's data on disk: opened each time, as SQLite may make the file anew */
static int sync_wal(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1; /* no WAL: everything is in the database file */
	int delay = atomic_load(&sync_delay_ms);
	if (delay) {
		struct timespec ts = { delay / 1000, (long)(delay % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	int rc = fdatasync(fd);
	close(fd);
	atomic_fetch_add(&wal_syncs, 1);
	return rc;
}

/* After a commit, with the write lock released: wait until a sync of the WAL that began
 * after the commit has ended, or do it, for every commit waiting then. */
static int sq_durable(struct db *db, struct err *e)
{
	struct sq_conn *c = db->conn;
	struct file_lock *q = c->fl;
	if (!q || !c->grouped)
		return 0; /* synchronous=FULL synced it */
	int rc = 0;
	pthread_mutex_lock(&q->sync_lock);
	uint64_t mine = ++q->committed;
	while (q->synced < mine && !rc) {
		if (q->syncing) {
			pthread_cond_wait(&q->synced_cond, &q->sync_lock);
			continue;
		}
		uint64_t upto = q->committed;
		q->syncing = 1;
		pthread_mutex_unlock(&q->sync_lock);
		rc = sync_wal(q->wal);
		int saved = errno;
		pthread_mutex_lock(&q->sync_lock);
		q->syncing = 0;
		if (!rc && upto > q->synced)
			q->synced = upto;
		pthread_cond_broadcast(&q->synced_cond);
		errno = saved;
	}
	pthread_mutex_unlock(&q->sync_lock);
	if (rc)
		return err_internal(e, "unable to sync '%s': %s", q->wal, strerror(errno));
	return 0;
}

uint64_t db_sqlite_wal_syncs(void)
{
	return atomic_load(&wal_syncs);
}

void db_sqlite_sync_delay(int ms)
{
	atomic_store(&sync_delay_ms, ms);
}

/* SQLite rolls a transaction back whole on some errors (a full disk, out of memory) */
static int sq_tx_open(struct db *db)
{
	return !sqlite3_get_autocommit(CONN(db));
}

/* a group's connection (db_group_open) needs the file's lock and the group sync: the
 * commit it shares is answered once synced */
static int sq_groups(struct db *db)
{
	struct sq_conn *c = db->conn;
	return c->fl && c->grouped;
}

/* Writers waiting for the write lock of db's file, the holder not counted (tests). */
int db_sqlite_writers_waiting(struct db *db)
{
	struct file_lock *q = ((struct sq_conn *)db->conn)->fl;
	return q ? atomic_load(&q->waiting) : 0;
}

/* 1 if the connection's journal is the WAL */
static int wal_mode(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	int wal = 0;
	if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		wal = !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	return wal;
}

/* SQLite names the tables a statement uses as it prepares it: keep them as bits */
static int authorize(void *arg, int action, const char *a, const char *b, const char *db_name,
                     const char *trigger)
{
	struct sq_conn *c = arg;
	(void)b, (void)db_name, (void)trigger;
	switch (action) {
	case SQLITE_READ:
		c->reads |= db_table_bit(a);
		break;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		c->writes |= db_table_bit(a);
		break;
	case SQLITE_SELECT:
	case SQLITE_FUNCTION:
	case SQLITE_PRAGMA:
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
	case SQLITE_RECURSIVE:
		break;
	default: /* the schema or the attached files change */
		c->all = 1;
	}
	return SQLITE_OK;
}

/* c->cascade: each table's bit, with those of the tables whose foreign keys act on its
 * deletes or updates (ON DELETE CASCADE, SET NULL ...), transitively */
static void cascades(struct sq_conn *c)
{
	sqlite3_stmt *st = NULL;
	for (int i = 0; i < 64; i++)
		c->cascade[i] = 1ull << i;
	if (sqlite3_prepare_v2(c->h,
	                       "SELECT f.\"table\", m.name FROM sqlite_schema m, "
	                       "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND "
	                       "(f.on_delete NOT IN ('NO ACTION', 'RESTRICT') OR "
	                       "f.on_update NOT IN ('NO ACTION', 'RESTRICT'))",
	                       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		for (int i = 0; i < 64; i++)
			c->cascade[i] = ~0ull;
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t parent = db_table_bit((const char *)sqlite3_column_text(st, 0));
		c->cascade[__builtin_ctzll(parent)] |=
		    db_table_bit((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	for (int changed = 1; changed;) {
		changed = 0;
		for (int i = 0; i < 64; i++)
			for (uint64_t t = c->cascade[i]; t; t &= t - 1) {
				uint64_t more = c->cascade[__builtin_ctzll(t)] & ~c->cascade[i];
				if (more) {
					c->cascade[i] |= more;
					changed = 1;
				}
			}
	}
}

static void sq_tables(struct db *db, uint64_t *reads, uint64_t *writes)
{
	struct sq_conn *c = db->conn;
	if (c->all)
		return; /* every table */
	*reads = c->reads;
	*writes = 0;
	for (uint64_t t = c->writes; t; t &= t - 1)
		*writes |= c->cascade[__builtin_ctzll(t)];
}

static int sq_open(struct db *db, const char *path, int create, struct err *e)
{
	struct stat stb;
	if (!create && stat(path, &stb))
		return err_invalid(e, "db.not_found", "db",
		                   "no database at '%s'; run 'cunwu init' first", path);
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &h, flags, db_sqlite_vfs());
	if (rc != SQLITE_OK) {
		err_invalid(e, "db.open", "db", "unable to open '%s': %s", path,
		            h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, BUSY_MS);
	sqlite3_extended_result_codes(h, 1);
	char *msg = NULL, setup[320];
	snprintf(setup, sizeof(setup),
	         "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	         "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
	         "PRAGMA cache_size = -16000; PRAGMA mmap_size = %lld;"
	         "PRAGMA wal_autocheckpoint = " WAL_CHECKPOINT_PAGES,
	         (long long)config_int("db.mmap_mb") << 20);
	rc = sqlite3_exec(h, setup, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		err_invalid(e, "db.open", "db", "unable to set up '%s': %s", path,
		            msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return -1;
	}
	struct sq_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		sqlite3_close(h);
		return err_internal(e, "out of memory");
	}
	c->h = h;
	c->fl = file_lock_of(h);
	cascades(c);
	sqlite3_set_authorizer(h, authorize, c);
	/* only in WAL mode, which SQLite may have refused (a file system without shared
	 * memory): NORMAL in a rollback journal is weaker, and there is no WAL to sync */
	c->grouped = c->fl && wal_mode(h);
	if (c->grouped && (rc = sqlite3_exec(h, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL))) {
		err_invalid(e, "db.open", "db", "unable to set up '%s': %s", path,
		            sqlite3_errstr(rc));
		file_lock_release(c->fl);
		free(c);
		sqlite3_close(h);
		return -1;
	}
	const char *prof = getenv("CUNWU_SQL_PROFILE");
	if (prof && *prof && strcmp(prof, "0") && (c->prof = calloc(1, sizeof(*c->prof)))) {
		c->prof->full = !strcmp(prof, "2");
		sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, prof_trace, c->prof);
	}
	db->conn = c;
	return 0;
}

static void sq_close(struct db *db)
{
	struct sq_conn *c = db->conn;
	if (c->prof) {
		prof_print(c->prof);
		free(c->prof);
	}
	sqlite3_close(c->h);
	file_lock_release(c->fl);
	free(c);
}

static void sq_release(struct db *db)
{
	sqlite3_db_release_memory(CONN(db));
}

static void *sq_prepare(struct db *db, const char *sql, struct err *e)
{
	struct sq_conn *c = db->conn;
	c->reads = c->writes = 0;
	c->all = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(CONN(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		sq_err(CONN(db), rc, sql, e);
		return NULL;
	}
	return st;
}

static void sq_finalize(void *st)
{
	sqlite3_finalize(st);
}

static int sq_bind(struct db *db, void *stmt, const struct db_arg *a, struct err *e)
{
	sqlite3_stmt *st = stmt;
	int n = sqlite3_bind_parameter_count(st), i;
	for (i = 0; a[i].type != DB_ARG_END; i++) {
		int rc, col = i + 1;
		if (col > n)
			return err_internal(e, "too many parameters for: %.80s", sqlite3_sql(st));
		switch (a[i].type) {
		case DB_ARG_TEXT:
			rc = a[i].s
			         ? sqlite3_bind_text(st, col, a[i].s, a[i].i > 0 ? (int)a[i].i : -1,
			                             SQLITE_TRANSIENT)
			         : sqlite3_bind_null(st, col);
			break;
		case DB_ARG_I64:
			rc = sqlite3_bind_int64(st, col, a[i].i);
			break;
		case DB_ARG_BLOB:
			rc = sqlite3_bind_blob64(st, col, a[i].s, (sqlite3_uint64)a[i].i,
			                         SQLITE_TRANSIENT);
			break;
		default:
			rc = sqlite3_bind_null(st, col);
		}
		if (rc != SQLITE_OK)
			return sq_err(CONN(db), rc, sqlite3_sql(st), e);
	}
	if (i != n)
		return err_internal(e, "%d parameters for %d placeholders in: %.80s", i, n,
		                    sqlite3_sql(st));
	return 0;
}

static int sq_step(struct db *db, void *stmt, struct err *e)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_err(CONN(db), rc, sqlite3_sql(stmt), e);
}

static void sq_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int sq_cols(void *stmt)
{
	return sqlite3_column_count(stmt);
}

static int sq_isnull(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static const char *sq_text(void *stmt, int col, size_t *n)
{
	const char *s = (const char *)sqlite3_column_text(stmt, col);
	*n = (size_t)sqlite3_column_bytes(stmt, col);
	return s;
}

static int64_t sq_int(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static const void *sq_blob(void *stmt, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(stmt, col);
	*n = (size_t)sqlite3_column_bytes(stmt, col);
	return p;
}

static char sq_coltype(void *stmt, int col)
{
	switch (sqlite3_column_type(stmt, col)) {
	case SQLITE_INTEGER:
		return 'i';
	case SQLITE_FLOAT:
		return 'f';
	case SQLITE_BLOB:
		return 'b';
	case SQLITE_NULL:
		return 'n';
	default:
		return 't';
	}
}

static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(CONN(db));
}

/*
 * A table a migration marks `/\* cunwu: clustered *\/` after its closing parenthesis is
 * stored in its primary key's order: WITHOUT ROWID here (one B-tree instead of a table and
 * its key's index); on PostgreSQL the mark is a comment. A copy of sql; malloc'd.
 */
#define CLUSTERED_MARK "/* cunwu: clustered */"
static char *sq_clustered(const char *sql)
{
	char *out = strdup(sql);
	for (char *m = out; out && (m = strstr(m, CLUSTERED_MARK));) {
		size_t n = strlen(CLUSTERED_MARK), w = strlen("WITHOUT ROWID");
		memcpy(m, "WITHOUT ROWID", w);
		memmove(m + w, m + n, strlen(m + n) + 1);
		m += w;
	}
	return out;
}

static int sq_script(struct db *db, const char *sql, struct err *e)
{
	char *msg = NULL, *plain = strstr(sql, CLUSTERED_MARK) ? sq_clustered(sql) : NULL;
	int rc = sqlite3_exec(CONN(db), plain ? plain : sql, NULL, NULL, &msg);
	free(plain);
	if (rc != SQLITE_OK) {
		sqlite3_free(msg);
		return sq_err(CONN(db), rc, sql, e);
	}
	return 0;
}

/* 1 if s starts with the keyword w (any case) followed by no identifier character */
static int keyword_at(const char *s, const char *w)
{
	size_t n = strlen(w);
	return !strncasecmp(s, w, n) && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

/*
 * SQLite knows no CREATE INDEX CONCURRENTLY (nor DROP INDEX CONCURRENTLY): its index
 * builds hold the write lock anyway. A copy of sql without the word after INDEX; malloc'd.
 */
static char *sq_without_concurrently(const char *sql)
{
	char *out = strdup(sql), *o = out;
	if (!out)
		return NULL;
	for (const char *p = sql; *p;) {
		int word_start = p == sql || (!isalnum((unsigned char)p[-1]) && p[-1] != '_');
		if (word_start && keyword_at(p, "INDEX")) {
			const char *q = p + 5;
			while (isspace((unsigned char)*q))
				q++;
			if (keyword_at(q, "CONCURRENTLY")) {
				memcpy(o, p, (size_t)(q - p));
				o += q - p;
				p = q + 12;
				continue;
			}
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* A migration that must run outside a transaction: on SQLite, as it is, less CONCURRENTLY. */
static int sq_script_outside_tx(struct db *db, const char *sql, struct err *e)
{
	char *plain = sq_without_concurrently(sql);
	if (!plain)
		return err_internal(e, "out of memory");
	int rc = sq_script(db, plain, e);
	free(plain);
	return rc;
}

static int sq_backup(struct db *db, const char *path, struct err *e)
{
	sqlite3 *dst = NULL;
	if (access(path, F_OK) == 0)
		return err_invalid(e, "backup.exists", "file", "'%s' already exists", path);
	int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		err_invalid(e, "backup.open", "file", "unable to create '%s': %s", path,
		            sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	/* one step copies every page under one read transaction: a consistent snapshot */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", CONN(db), "main");
	if (!b) {
		err_internal(e, "backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		unlink(path);
		return -1;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_internal(e, "backup: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(path);
		return -1;
	}
	rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : err_internal(e, "backup: unable to finish '%s'", path);
}

void db_sqlite_global_init(void)
{
	/*
	 * SQLite keeps allocation statistics under one process-wide mutex unless told not
	 * to; with several worker threads that lock was the largest cost of a small read
	 * (docs/benchmarks.md). cunwu never reads the statistics.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

const struct db_ops db_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind = sq_bind,
	.step = sq_step,
	.reset = sq_reset,
	.cols = sq_cols,
	.isnull = sq_isnull,
	.text = sq_text,
	.integer = sq_int,
	.blob = sq_blob,
	.coltype = sq_coltype,
	.changes = sq_changes,
	.script = sq_script,
	.begin_write = "BEGIN IMMEDIATE",
	.write_lock = sq_write_lock,
	.write_unlock = sq_write_unlock,
	.durable = sq_durable,
	.tx_open = sq_tx_open,
	.groups = sq_groups,
	.begin_read = "BEGIN",
	.data_version = "PRAGMA data_version",
	.script_outside_tx = sq_script_outside_tx,
	.backup = sq_backup,
	.concat_agg = "group_concat",
	.tables = sq_tables,
	/* the mark of the process that wrote last, in the file's header */
	.mark_get = "PRAGMA user_version",
	.mark_set = "PRAGMA user_version = %ld",
	/* a bulk writer's page cache: 256 MiB, then back to the 16 MB every connection has */
	.bulk_on = "PRAGMA cache_size = -262144",
	.bulk_off = "PRAGMA cache_size = -16000",
	.release = sq_release,
	.cache_small = "PRAGMA cache_size = -2048",
};
