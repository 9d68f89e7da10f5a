/*
 * db.c - unit tests of src/core/db.c and the SQLite backend: migrations, the statement
 * cache, errors mapped to statuses, transactions, and column values copied into the arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../unit.h"

#include "core/config.h"
#include "core/db.h"
#include "core/db_backend.h" /* to look at the statement cache */
#include "core/log.h"
#include "core/banned.h"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct err e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f || unit_db_open(f->dir, f->path, "db", &f->db, &f->a, &f->e, 0))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unit_db_close(f->dir, f->db, &f->a);
	free(f);
	return 0;
}

static void exec(struct fx *f, const char *sql)
{
	if (db_exec_script(f->db, sql, &f->e))
		fail_msg("'%s': %s", sql, f->e.msg);
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	if (db_get_int(f->db, &f->e, &n, sql, DB_ARGS(DB_NOARGS)) != 1)
		fail_msg("'%s': %s", sql, f->e.msg);
	return n;
}

static void make_table(struct fx *f)
{
	exec(f, "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c BLOB, "
	        "n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0))");
}

/* ---- migrations ---- */

static void test_migrate_once(void **state)
{
	struct fx *f = *state;
	int applied = -1;
	assert_true(schema_migrations_count >= 3); /* core, places, accounts */
	assert_int_equal(db_schema_check(f->db, &f->e), -1);
	assert_string_equal(f->e.code, "db.needs_migration");
	assert_int_equal(f->e.status, 409);

	assert_int_equal(db_migrate(f->db, &applied, &f->e), 0);
	assert_int_equal(applied, (int)schema_migrations_count);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)schema_migrations_count);
	/* the tables are there */
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM places"), 0);

	applied = -1;
	assert_int_equal(db_migrate(f->db, &applied, &f->e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_migrate(f->db, NULL, &f->e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)schema_migrations_count);
	assert_int_equal(db_schema_check(f->db, &f->e), 0);

	/* migrations apply in module order: core first */
	assert_string_equal(schema_migrations_list[0].module, "core");
	/* and each is recorded with its name */
	const char *name = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &name,
	                             "SELECT name FROM schema_migrations WHERE module = ? AND "
	                             "version = ?",
	                             DB_ARGS(DB_T(schema_migrations_list[0].module),
	                                     DB_I(schema_migrations_list[0].version))),
	                 1);
	assert_string_equal(name, schema_migrations_list[0].name);
}

static void test_too_new(void **state)
{
	struct fx *f = *state;
	int applied = -1;
	assert_int_equal(db_migrate(f->db, NULL, &f->e), 0);
	exec(f, "INSERT INTO schema_migrations (module, version, name, applied_at) "
	        "VALUES ('core', 9999, 'from-the-future', '2030-01-01T00:00:00.000Z')");
	assert_int_equal(db_schema_check(f->db, &f->e), -1);
	assert_string_equal(f->e.code, "db.too_new");
	assert_contains(f->e.msg, "core/9999-from-the-future");

	assert_int_equal(db_migrate(f->db, &applied, &f->e), -1);
	assert_string_equal(f->e.code, "db.too_new");
	assert_int_equal(applied, 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)schema_migrations_count + 1);

	/* still refused after reopening */
	db_close(f->db);
	assert_int_equal(db_open(&f->db, f->path, 0, &f->e), 0);
	db_set_arena(f->db, &f->a);
	assert_int_equal(db_schema_check(f->db, &f->e), -1);
	assert_string_equal(f->e.code, "db.too_new");
}

static void test_too_new_unknown_module(void **state)
{
	/* a module this binary does not have at all: refused before anything is applied */
	struct fx *f = *state;
	exec(f, "CREATE TABLE schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
	        "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
	exec(f, "INSERT INTO schema_migrations VALUES ('harvest', 1, 'init', "
	        "'2030-01-01T00:00:00.000Z')");
	assert_int_equal(db_migrate(f->db, NULL, &f->e), -1);
	assert_string_equal(f->e.code, "db.too_new");
	assert_contains(f->e.msg, "harvest/0001-init");
	/* nothing was created */
	assert_int_equal(count(f, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'"),
	                 0);
}

/* ---- statement cache ---- */

static void test_cache_reuse(void **state)
{
	struct fx *f = *state;
	const char *ins = "INSERT INTO t (a, b) VALUES (?, ?)";
	make_table(f);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_I(0), DB_T("zero")), 1);
	size_t ncache = f->db->ncache;
	for (int i = 1; i <= 1000; i++)
		if (db_exec(f->db, &f->e, ins, DB_I(i), DB_T("x")) != 1)
			fail_msg("insert %d: %s", i, f->e.msg);
	assert_int_equal(f->db->ncache, ncache); /* prepared once, reused 1000 times */
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 1001);

	/* the same handle comes back once it is done */
	struct db_stmt *s1 = db_query(f->db, &f->e, "SELECT b FROM t WHERE a = ?", DB_I(0));
	assert_non_null(s1);
	assert_int_equal(db_step(s1, &f->e), 1);
	assert_string_equal(db_text(s1, 0), "zero");
	db_done(s1);
	struct db_stmt *s2 = db_query(f->db, &f->e, "SELECT b FROM t WHERE a = ?", DB_I(5));
	assert_ptr_equal(s1, s2);
	/* and its old binding is gone: it sees the new argument */
	assert_int_equal(db_step(s2, &f->e), 1);
	assert_string_equal(db_text(s2, 0), "x");
	db_done(s2);
}

static void test_cache_eviction(void **state)
{
	struct fx *f = *state;
	char sql[64];
	/* more distinct statements than the cache holds, each in the same buffer: a statement
	 * is found by its text, never by the address it was last asked for by */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < DB_CACHE_SIZE * 2 + 7; i++) {
			int64_t v = -1;
			snprintf(sql, sizeof(sql), "SELECT %d + 1", i);
			assert_int_equal(db_get_int(f->db, &f->e, &v, sql, DB_ARGS(DB_NOARGS)), 1);
			assert_int_equal(v, i + 1);
			assert_true(f->db->ncache <= DB_CACHE_SIZE);
		}
	/* a statement held open across evictions keeps working */
	make_table(f);
	for (int i = 0; i < 3; i++)
		db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(i));
	struct db_stmt *held = db_query(f->db, &f->e, "SELECT a FROM t ORDER BY a", DB_NOARGS);
	assert_int_equal(db_step(held, &f->e), 1);
	for (int i = 0; i < DB_CACHE_SIZE + 5; i++) {
		int64_t v;
		snprintf(sql, sizeof(sql), "SELECT %d * 2", i);
		assert_int_equal(db_get_int(f->db, &f->e, &v, sql, DB_ARGS(DB_NOARGS)), 1);
		assert_int_equal(v, 2 * i);
	}
	assert_int_equal(db_int(held, 0), 0);
	assert_int_equal(db_step(held, &f->e), 1);
	assert_int_equal(db_int(held, 0), 1);
	assert_int_equal(db_step(held, &f->e), 1);
	assert_int_equal(db_int(held, 0), 2);
	assert_int_equal(db_step(held, &f->e), 0);
}

static void test_nested_same_sql(void **state)
{
	struct fx *f = *state;
	const char *sel = "SELECT a FROM t ORDER BY a";
	make_table(f);
	for (int i = 1; i <= 5; i++)
		assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(i)), 1);
	struct db_stmt *outer = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_non_null(outer);
	int64_t sum = 0, rows = 0;
	int rc;
	while ((rc = db_step(outer, &f->e)) == 1) {
		int64_t a = db_int(outer, 0);
		sum += a;
		rows++;
		/* the same SQL again while the outer one is mid-way */
		struct db_stmt *inner = db_query(f->db, &f->e, sel, DB_NOARGS);
		assert_non_null(inner);
		assert_ptr_not_equal(inner, outer);
		int64_t n = 0, irc;
		while ((irc = db_step(inner, &f->e)) == 1)
			n++;
		assert_int_equal(irc, 0);
		assert_int_equal(n, 5);
		/* and stopping an inner one early */
		inner = db_query(f->db, &f->e, sel, DB_NOARGS);
		assert_int_equal(db_step(inner, &f->e), 1);
		db_done(inner);
		/* the outer statement still reads its own row */
		assert_int_equal(db_int(outer, 0), a);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 5);
	assert_int_equal(sum, 15);
	/* the cached handle is free again */
	struct db_stmt *again = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_ptr_equal(again, outer);
	db_done(again);
}

static void test_oneoff_left_open(void **state)
{
	/*
	 * A request that errors out may leave a nested (one-off) statement mid-way; the reset
	 * after each request ends it, and closing the connection ends any left (LSan checks).
	 */
	struct fx *f = *state;
	const char *sel = "SELECT a FROM t ORDER BY a";
	make_table(f);
	for (int i = 1; i <= 3; i++)
		db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(i));
	struct db_stmt *outer = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_int_equal(db_step(outer, &f->e), 1);
	struct db_stmt *inner = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_ptr_not_equal(inner, outer);
	assert_int_equal(db_step(inner, &f->e), 1);
	db_reset_all(f->db);
	/* both were ended: the cached one is free and starts from the first row again */
	struct db_stmt *again = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_ptr_equal(again, outer);
	assert_int_equal(db_step(again, &f->e), 1);
	assert_int_equal(db_int(again, 0), 1);
	/* and a one-off still open when the connection closes (in teardown) */
	inner = db_query(f->db, &f->e, sel, DB_NOARGS);
	assert_int_equal(db_step(inner, &f->e), 1);
}

/* ---- errors ---- */

static void test_conflict(void **state)
{
	struct fx *f = *state;
	make_table(f);
	exec(f,
	     "CREATE TABLE child (id INTEGER PRIMARY KEY, t_a INTEGER NOT NULL REFERENCES t (a))");
	assert_int_equal(
	    db_exec(f->db, &f->e, "INSERT INTO t (a, b) VALUES (?, ?)", DB_I(1), DB_T("x")), 1);
	static const char *const bad[] = {
		"INSERT INTO t (a, b) VALUES (1, 'again')",   /* primary key */
		"INSERT INTO t (a, n) VALUES (2, NULL)",      /* NOT NULL */
		"INSERT INTO t (a, n) VALUES (3, -1)",        /* CHECK */
		"INSERT INTO child (id, t_a) VALUES (1, 99)", /* foreign key (on) */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&f->e);
		if (db_exec(f->db, &f->e, bad[i], DB_NOARGS) != -1)
			fail_msg("'%s' succeeded", bad[i]);
		assert_int_equal(f->e.status, 409);
		assert_string_equal(f->e.code, "db.conflict");
	}
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 1);
	/* the statement that failed is usable again */
	assert_int_equal(db_exec(f->db, &f->e, bad[0], DB_NOARGS), -1);
	assert_string_equal(f->e.code, "db.conflict");
}

static void test_other_errors(void **state)
{
	struct fx *f = *state;
	make_table(f);
	err_clear(&f->e);
	assert_int_equal(db_exec(f->db, &f->e, "SELEKT 1", DB_NOARGS), -1);
	assert_int_equal(f->e.status, 500);
	assert_string_equal(f->e.code, "db.error");
	assert_null(db_query(f->db, &f->e, "SELECT * FROM missing_table", DB_NOARGS));
	assert_string_equal(f->e.code, "db.error");
	/* parameters must match the placeholders */
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a, b) VALUES (?, ?)", DB_I(1)), -1);
	assert_int_equal(f->e.status, 500);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(1), DB_I(2)),
	                 -1);
	assert_int_equal(f->e.status, 500);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 0);
	/* and after all that the cached statement works with the right arguments */
	assert_int_equal(
	    db_exec(f->db, &f->e, "INSERT INTO t (a, b) VALUES (?, ?)", DB_I(1), DB_T("ok")), 1);
}

static void test_open_errors(void **state)
{
	struct fx *f = *state;
	struct db *db = NULL;
	char path[160];
	snprintf(path, sizeof(path), "%s/missing.db", f->dir);
	assert_int_equal(db_open(&db, path, 0, &f->e), -1);
	assert_string_equal(f->e.code, "db.not_found");
	assert_null(db);
	assert_int_equal(access(path, F_OK), -1); /* not created */
	/* a PostgreSQL server that is not there: a clear 503, not a crash or a hang */
	assert_int_equal(
	    db_open(&db, "postgresql://cunwu@127.0.0.1:1/cunwu?connect_timeout=2", 1, &f->e), -1);
	assert_string_equal(f->e.code, "db.unavailable");
	assert_contains(f->e.msg, "unable to reach PostgreSQL");
	assert_null(db);
	/* "sqlite:" prefix */
	char url[200];
	snprintf(url, sizeof(url), "sqlite:%s", f->path);
	assert_int_equal(db_open(&db, url, 0, &f->e), 0);
	assert_string_equal(db_backend(db), "sqlite");
	db_close(db);
	db_close(NULL);
}

/* ---- transactions ---- */

static void test_commit_and_rollback(void **state)
{
	struct fx *f = *state;
	make_table(f);
	assert_int_equal(db_commit(f->db, &f->e), -1); /* nothing to commit */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), -1); /* no nesting */
	for (int i = 0; i < 3; i++)
		db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(i));
	/* a statement left mid-way is reset by the rollback */
	struct db_stmt *open = db_query(f->db, &f->e, "SELECT a FROM t ORDER BY a", DB_NOARGS);
	assert_int_equal(db_step(open, &f->e), 1);
	db_rollback(f->db);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 0);
	assert_ptr_equal(db_query(f->db, &f->e, "SELECT a FROM t ORDER BY a", DB_NOARGS), open);
	assert_int_equal(db_step(open, &f->e), 0);
	db_rollback(f->db); /* harmless outside a transaction */

	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(7));
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(db_in_tx(f->db), 0);
	/* a failed statement inside a transaction, then rollback: nothing from it stays */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(8));
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a) VALUES (?)", DB_I(7)), -1);
	db_rollback(f->db);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 1);
	assert_int_equal(count(f, "SELECT a FROM t"), 7);
	/* committed data survives reopening */
	db_close(f->db);
	assert_int_equal(db_open(&f->db, f->path, 0, &f->e), 0);
	db_set_arena(f->db, &f->a);
	assert_int_equal(count(f, "SELECT a FROM t"), 7);
}

/* ---- the write queue ---- */

struct writer {
	struct db *db;
	struct err e;
	int n, rc;
};

static void *write_one(void *arg)
{
	struct writer *w = arg;
	w->rc = db_begin(w->db, DB_WRITE, &w->e);
	if (!w->rc && db_exec(w->db, &w->e, "INSERT INTO t (a) VALUES (?)", DB_I(w->n)) != 1)
		w->rc = -1;
	if (!w->rc && db_commit(w->db, &w->e))
		w->rc = -1;
	if (w->rc)
		db_rollback(w->db);
	return NULL;
}

/* Wait until count(arg) is n; 0 if it never is (5 s). */
static int wait_for(int (*count_of)(void *), void *arg, int n)
{
	for (int i = 0; i < 5000; i++) {
		if (count_of(arg) == n)
			return 1;
		struct timespec ms = { 0, 1000 * 1000 };
		nanosleep(&ms, NULL);
	}
	return 0;
}

static int writers_of(void *db)
{
	return db_sqlite_writers_waiting(db);
}

/* Wait until n writers wait for the write lock of db's file. */
static int wait_for_waiters(struct db *db, int n)
{
	return wait_for(writers_of, db, n);
}

static void test_writers_wait_their_turn(void **state)
{
	/* writers of one file in this process wait for its lock (not in SQLite's busy
	 * handler), and each gets it once the one before commits */
	struct fx *f = *state;
	enum {
		N = 4
	};
	struct writer w[N];
	pthread_t th[N];
	make_table(f);
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	for (int i = 0; i < N; i++) {
		w[i] = (struct writer){ .n = i };
		assert_int_equal(db_open(&w[i].db, f->path, 0, &f->e), 0);
		assert_int_equal(pthread_create(&th[i], NULL, write_one, &w[i]), 0);
	}
	assert_true(wait_for_waiters(f->db, N));
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (w[i].rc)
			fail_msg("writer %d: %s", i, w[i].e.msg);
		db_close(w[i].db);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM t"), N);
	assert_int_equal(db_sqlite_writers_waiting(f->db), 0);
}

static void test_writer_waits_then_busy(void **state)
{
	/* a writer waits its turn for 5 s, then gives up with 503 db.busy; the lock goes on */
	struct fx *f = *state;
	struct writer w = { .n = 1 };
	pthread_t th;
	make_table(f);
	assert_int_equal(db_open(&w.db, f->path, 0, &f->e), 0);
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(pthread_create(&th, NULL, write_one, &w), 0);
	assert_true(wait_for_waiters(f->db, 1));
	pthread_join(th, NULL);
	assert_int_equal(w.rc, -1);
	assert_int_equal(w.e.status, 503);
	assert_string_equal(w.e.code, "db.busy");
	assert_non_null(w.e.retry_after);
	assert_int_equal(db_in_tx(w.db), 0);
	assert_int_equal(db_sqlite_writers_waiting(f->db), 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	/* free again for the one that gave up */
	write_one(&w);
	if (w.rc)
		fail_msg("after: %s", w.e.msg);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 1);
	db_close(w.db);
}

static void test_group_commit(void **state)
{
	/* commits made while a sync of the WAL runs wait for the next one, which covers them
	 * all; each returns only after a sync that began after it */
	struct fx *f = *state;
	enum {
		N = 8
	};
	struct writer w[N];
	pthread_t th[N];
	make_table(f);
	assert_int_equal(count(f, "PRAGMA synchronous"), 1); /* NORMAL: db_commit syncs */
	db_sqlite_sync_delay(200);
	uint64_t syncs = db_sqlite_wal_syncs();
	for (int i = 0; i < N; i++) {
		w[i] = (struct writer){ .n = i };
		assert_int_equal(db_open(&w[i].db, f->path, 0, &f->e), 0);
		assert_int_equal(pthread_create(&th[i], NULL, write_one, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (w[i].rc)
			fail_msg("writer %d: %s", i, w[i].e.msg);
		db_close(w[i].db);
	}
	db_sqlite_sync_delay(0);
	uint64_t used = db_sqlite_wal_syncs() - syncs;
	assert_int_equal(count(f, "SELECT count(*) FROM t"), N);
	/* the first commit's sync, then one or two for the rest (not one each) */
	assert_true(used >= 1 && used <= 3);
	/* a writer alone still syncs */
	syncs = db_sqlite_wal_syncs();
	w[0] = (struct writer){ .db = f->db, .n = 100 };
	write_one(&w[0]);
	assert_int_equal(w[0].rc, 0);
	assert_true(db_sqlite_wal_syncs() == syncs + 1);
}

/* ---- transactions shared by a group (db_group_run) ---- */

struct member {
	struct db_group *g;
	struct arena a;
	struct err e;
	int n, keep, rc;
	const char *then; /* SQL run after the member's row */
	atomic_int *held; /* the first member: set while it runs, cleared to let it go on */
};

static int member_write(struct db *db, void *arg, struct err *e)
{
	struct member *m = arg;
	if (m->held) { /* the others queue meanwhile */
		atomic_store(m->held, 1);
		while (atomic_load(m->held) == 1)
			nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	}
	if (db_exec(db, e, "INSERT INTO t (a) VALUES (?)", DB_I(m->n)) != 1)
		return -1;
	if (m->then)
		db_exec_script(db, m->then, e);
	return m->keep;
}

static void *write_member(void *arg)
{
	struct member *m = arg;
	arena_init(&m->a, 0);
	m->rc = db_group_run(m->g, member_write, m, &m->a, &m->e);
	arena_release(&m->a);
	return NULL;
}

static int members_of(void *g)
{
	return db_group_waiting(g);
}

static int held_is(void *held)
{
	return atomic_load((atomic_int *)held);
}

/*
 * m[0] runs first and waits inside its write until the n others are queued; then all go.
 * Each member's db_group_run is in its rc.
 */
static void run_members(struct fx *f, struct db_group *g, struct member *m, int n)
{
	pthread_t th[8];
	atomic_int held = 0;
	int64_t before = count(f, "SELECT count(*) FROM t");
	m[0].held = &held;
	for (int i = 0; i < n + 1; i++) {
		m[i].g = g;
		assert_int_equal(pthread_create(&th[i], NULL, write_member, &m[i]), 0);
		if (i == 0)
			assert_true(wait_for(held_is, &held, 1));
	}
	assert_true(wait_for(members_of, g, n));
	/* nothing is seen by other connections before the group commits */
	assert_int_equal(count(f, "SELECT count(*) FROM t"), before);
	atomic_store(&held, 2);
	for (int i = 0; i < n + 1; i++)
		pthread_join(th[i], NULL);
}

static void test_group_members_share_a_commit(void **state)
{
	/* writes kept and undone: one commit for all, the undone ones' rows gone */
	struct fx *f = *state;
	struct db_group *g = NULL;
	make_table(f);
	assert_int_equal(db_group_open(&g, f->path, 8, &f->e), 0);
	assert_non_null(g);
	struct member m[5] = {
		{ .n = 100, .keep = 1 },
		{ .n = 1, .keep = 1 },
		{ .n = 2, .keep = 0 }, /* a 4xx: undone */
		{ .n = 3, .keep = 1 },
		{ .n = 3, .keep = 1 }, /* one of these conflicts: it fails, itself undone */
	};
	uint64_t epoch = db_write_epoch(), syncs = db_sqlite_wal_syncs();
	run_members(f, g, m, 4);
	for (int i = 0; i < 3; i++)
		if (m[i].rc)
			fail_msg("member %d: %s", i, m[i].e.msg);
	/* the two writes of 3 queue in either order: the second conflicts */
	struct member *second = m[3].rc ? &m[3] : &m[4];
	assert_int_equal(m[3].rc + m[4].rc, -1);
	assert_int_equal(second->e.status, 409);
	assert_int_equal(db_write_epoch(), epoch + 1);
	assert_true(db_sqlite_wal_syncs() > syncs); /* answered once on disk */
	const char *rows = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &rows,
	                             "SELECT group_concat(a) FROM (SELECT a FROM t ORDER BY a)",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	assert_string_equal(rows, "1,3,100");

	/* max writes a commit: of four, the last is committed alone */
	db_group_close(g);
	assert_int_equal(db_group_open(&g, f->path, 3, &f->e), 0);
	struct member k[4] = { { .n = 10, .keep = 1 },
		               { .n = 11, .keep = 1 },
		               { .n = 12, .keep = 1 },
		               { .n = 13, .keep = 1 } };
	epoch = db_write_epoch();
	run_members(f, g, k, 3);
	for (int i = 0; i < 4; i++)
		assert_int_equal(k[i].rc, 0);
	assert_int_equal(db_write_epoch(), epoch + 2);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 7);
	db_group_close(g);
}

static void test_group_lost_transaction(void **state)
{
	/* a write ends the transaction under the others (as SQLite does on a full disk):
	 * every write that was kept is told, nothing is kept, the group goes on */
	struct fx *f = *state;
	struct db_group *g = NULL;
	make_table(f);
	assert_int_equal(db_group_open(&g, f->path, 8, &f->e), 0);
	struct member m[2] = { { .n = 1, .keep = 1 }, { .n = 2, .keep = 1, .then = "ROLLBACK" } };
	run_members(f, g, m, 1);
	assert_int_equal(m[0].rc, -1);
	assert_int_equal(m[0].e.status, 500);
	assert_string_equal(m[0].e.code, "db.error");
	assert_int_equal(m[1].rc, -1);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 0);
	struct member after = { .g = g, .n = 5, .keep = 1 };
	write_member(&after);
	if (after.rc)
		fail_msg("after: %s", after.e.msg);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 1);
	/* this process's own writers still take the file's lock in turn */
	struct writer w = { .db = f->db, .n = 6 };
	write_one(&w);
	assert_int_equal(w.rc, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM t"), 2);
	db_group_close(g);
}

/* ---- values ---- */

static void test_text_copied_into_arena(void **state)
{
	struct fx *f = *state;
	struct arena mine;
	make_table(f);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", DB_I(1),
	                         DB_T("秦家山村"), DB_B("\x00\xff\x01", 3)),
	                 1);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)", DB_I(2),
	                         DB_T(NULL), DB_B("", 0)),
	                 1);
	assert_int_equal(
	    db_exec(f->db, &f->e, "INSERT INTO t (a, b) VALUES (?, ?)", DB_I(3), DB_T("42")), 1);

	arena_init(&mine, 0);
	db_set_arena(f->db, &mine);
	assert_ptr_equal(db_arena(f->db), &mine);
	struct db_stmt *st = db_query(f->db, &f->e, "SELECT b, c, a FROM t WHERE a = ?", DB_I(1));
	assert_int_equal(db_step(st, &f->e), 1);
	assert_int_equal(db_cols(st), 3);
	assert_null(mine.head);
	const char *s = db_text(st, 0);
	assert_non_null(mine.head); /* the copy went into the arena that was set */
	size_t n = 99;
	const unsigned char *b = db_blob(st, 1, &n);
	assert_int_equal(n, 3);
	db_done(st);
	/* the statement is reused for other rows; the copies do not change */
	for (int i = 2; i <= 3; i++) {
		st = db_query(f->db, &f->e, "SELECT b, c, a FROM t WHERE a = ?", DB_I(i));
		assert_int_equal(db_step(st, &f->e), 1);
		if (i == 2) {
			assert_true(db_isnull(st, 0));
			assert_null(db_text(st, 0));
			size_t zn = 99;
			assert_non_null(db_blob(st, 1, &zn));
			assert_int_equal(zn, 0);
		} else {
			assert_false(db_isnull(st, 0));
			assert_int_equal(db_int(st, 0), 42);      /* text read as an integer */
			assert_string_equal(db_text(st, 2), "3"); /* integer read as text */
		}
		db_done(st);
	}
	assert_string_equal(s, "秦家山村");
	assert_memory_equal(b, "\x00\xff\x01", 3);

	/* db_get_text copies too */
	const char *g = NULL;
	assert_int_equal(
	    db_get_text(f->db, &f->e, &g, "SELECT b FROM t WHERE a = ?", DB_ARGS(DB_I(3))), 1);
	exec(f, "UPDATE t SET b = 'changed'");
	assert_string_equal(g, "42");
	/* 0 for no row, and out is left alone */
	g = "untouched";
	assert_int_equal(
	    db_get_text(f->db, &f->e, &g, "SELECT b FROM t WHERE a = ?", DB_ARGS(DB_I(99))), 0);
	assert_string_equal(g, "untouched");

	db_set_arena(f->db, NULL); /* back to the connection's own arena */
	assert_ptr_not_equal(db_arena(f->db), &mine);
	arena_release(&mine);
	db_set_arena(f->db, &f->a);
}

static void test_exec_counts_changes(void **state)
{
	struct fx *f = *state;
	make_table(f);
	exec(f, "INSERT INTO t (a, n) VALUES (1, 1); INSERT INTO t (a, n) VALUES (2, 1);"
	        "INSERT INTO t (a, n) VALUES (3, 2)");
	assert_int_equal(
	    db_exec(f->db, &f->e, "UPDATE t SET b = ? WHERE n = ?", DB_T("y"), DB_I(1)), 2);
	assert_int_equal(
	    db_exec(f->db, &f->e, "UPDATE t SET b = ? WHERE n = ?", DB_T("y"), DB_I(9)), 0);
	assert_int_equal(db_exec(f->db, &f->e, "DELETE FROM t", DB_NOARGS), 3);
	/* a script stops at its first error */
	assert_int_equal(db_exec_script(f->db,
	                                "INSERT INTO t (a) VALUES (10); BOGUS; "
	                                "INSERT INTO t (a) VALUES (11)",
	                                &f->e),
	                 -1);
	assert_int_equal(count(f, "SELECT count(*) FROM t WHERE a = 11"), 0);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	char copy[160];
	struct db *db2 = NULL;
	make_table(f);
	exec(f, "INSERT INTO t (a, b) VALUES (1, 'kept')");
	snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
	assert_int_equal(db_backup_to(f->db, copy, &f->e), 0);
	assert_int_equal(db_backup_to(f->db, copy, &f->e), -1);
	assert_string_equal(f->e.code, "backup.exists");
	assert_int_equal(db_open(&db2, copy, 0, &f->e), 0);
	db_set_arena(db2, &f->a);
	const char *b = NULL;
	assert_int_equal(
	    db_get_text(db2, &f->e, &b, "SELECT b FROM t WHERE a = 1", DB_ARGS(DB_NOARGS)), 1);
	assert_string_equal(b, "kept");
	db_close(db2);
}

/* a stamp over what was read: this process's commits count for the tables they wrote
 * (and those their foreign keys cascade to), another process's for every table */
static int64_t stamp_ms = 1000; /* db_stamp asks SQLite at most once a millisecond */

static struct db_stamp stamp_over(struct fx *f, const char *sql)
{
	struct db_stamp s;
	db_stamp(f->db, ++stamp_ms, &s);
	if (sql)
		count(f, sql);
	db_stamp_reads(f->db, &s);
	return s;
}

static int holds(struct fx *f, const struct db_stamp *then)
{
	struct db_stamp now;
	db_stamp(f->db, ++stamp_ms, &now);
	return db_stamp_holds(then, &now, 1000);
}

static void write_tx(struct fx *f, const char *sql)
{
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_true(db_exec(f->db, &f->e, sql, DB_NOARGS) >= 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
}

static void test_stamp_tables(void **state)
{
	struct fx *f = *state;
	exec(f, "CREATE TABLE alpha (id INTEGER PRIMARY KEY, v TEXT);"
	        "CREATE TABLE beta (id INTEGER PRIMARY KEY, v TEXT);"
	        "CREATE TABLE gamma (id INTEGER PRIMARY KEY, "
	        "alpha_id INTEGER REFERENCES alpha (id) ON DELETE CASCADE)");
	/* distinct bits, or the test would prove nothing */
	assert_true(db_table_bit("alpha") != db_table_bit("beta"));
	assert_true(db_table_bit("beta") != db_table_bit("gamma"));
	assert_true(db_table_bit("alpha") != db_table_bit("gamma"));
	assert_true(db_table_bit("ALPHA") == db_table_bit("alpha"));
	/* the foreign keys are read when a connection opens */
	db_close(f->db);
	assert_int_equal(db_open(&f->db, f->path, 0, &f->e), 0);
	db_set_arena(f->db, &f->a);
	write_tx(f, "INSERT INTO alpha (id, v) VALUES (1, 'a')");
	write_tx(f, "INSERT INTO gamma (id, alpha_id) VALUES (1, 1)");

	struct db_stamp a = stamp_over(f, "SELECT count(*) FROM alpha");
	struct db_stamp b = stamp_over(f, "SELECT count(*) FROM beta");
	struct db_stamp g = stamp_over(f, "SELECT count(*) FROM gamma");
	struct db_stamp none = stamp_over(f, NULL);
	assert_int_equal(a.tables, db_table_bit("alpha"));
	assert_int_equal(none.tables, 0);
	assert_true(holds(f, &a) && holds(f, &b) && holds(f, &g));

	write_tx(f, "INSERT INTO beta (id, v) VALUES (1, 'b')");
	assert_true(holds(f, &a) && holds(f, &g) && holds(f, &none));
	assert_false(holds(f, &b));

	/* a write outside a transaction counts when it is done */
	b = stamp_over(f, "SELECT count(*) FROM beta");
	assert_true(db_exec(f->db, &f->e, "UPDATE beta SET v = 'c'", DB_NOARGS) == 1);
	assert_false(holds(f, &b));

	/* a delete in alpha reaches gamma through its foreign key */
	write_tx(f, "DELETE FROM alpha WHERE id = 1");
	assert_false(holds(f, &a));
	assert_false(holds(f, &g));
	assert_int_equal(count(f, "SELECT count(*) FROM gamma"), 0);

	/* a rolled-back write counts for nothing */
	a = stamp_over(f, "SELECT count(*) FROM alpha");
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_true(db_exec(f->db, &f->e, "INSERT INTO alpha (id) VALUES (2)", DB_NOARGS) == 1);
	db_rollback(f->db);
	assert_true(holds(f, &a));

	/* a script (a migration) counts for every table */
	exec(f, "CREATE TABLE delta (id INTEGER)");
	assert_false(holds(f, &a));
	assert_true(holds(f, &none));
}

/* another process's commit: sqlite3 itself, or a cunwu process (its mark in the file) */
static void test_stamp_other_process(void **state)
{
	struct fx *f = *state;
	exec(f, "CREATE TABLE alpha (id INTEGER PRIMARY KEY, v TEXT);"
	        "CREATE TABLE beta (id INTEGER PRIMARY KEY, v TEXT)");
	write_tx(f, "INSERT INTO beta (id) VALUES (1)"); /* this process's mark */
	sqlite3 *other = NULL;
	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	sqlite3_busy_timeout(other, 5000);

	/* a commit while this process wrote nothing */
	struct db_stamp a = stamp_over(f, "SELECT count(*) FROM alpha");
	assert_int_equal(sqlite3_exec(other, "INSERT INTO beta (id) VALUES (2)", 0, 0, 0),
	                 SQLITE_OK);
	assert_false(holds(f, &a));

	/* one while this process wrote too: told by the mark the other left */
	struct db_stamp none = stamp_over(f, NULL);
	a = stamp_over(f, "SELECT count(*) FROM alpha");
	assert_int_equal(sqlite3_exec(other,
	                              "BEGIN; INSERT INTO beta (id) VALUES (3); "
	                              "PRAGMA user_version = 4242; COMMIT",
	                              0, 0, 0),
	                 SQLITE_OK);
	write_tx(f, "INSERT INTO beta (id) VALUES (4)");
	assert_false(holds(f, &a));
	assert_false(holds(f, &none));

	/* this process's own commits leave what it read alone: on this connection, and on
	 * another of this process (whose commits change this one's data_version) */
	a = stamp_over(f, "SELECT count(*) FROM alpha");
	write_tx(f, "INSERT INTO beta (id) VALUES (5)");
	assert_true(holds(f, &a));
	struct db *mine = NULL;
	assert_int_equal(db_open(&mine, f->path, 0, &f->e), 0);
	db_set_arena(mine, &f->a);
	assert_int_equal(db_begin(mine, DB_WRITE, &f->e), 0);
	assert_true(db_exec(mine, &f->e, "INSERT INTO beta (id) VALUES (6)", DB_NOARGS) == 1);
	assert_int_equal(db_commit(mine, &f->e), 0);
	assert_true(holds(f, &a));
	assert_int_equal(db_begin(mine, DB_WRITE, &f->e), 0);
	assert_true(db_exec(mine, &f->e, "INSERT INTO alpha (id) VALUES (6)", DB_NOARGS) == 1);
	assert_int_equal(db_commit(mine, &f->e), 0);
	assert_false(holds(f, &a));
	db_close(mine);
	int32_t mark = 0;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA user_version", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	mark = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	assert_true(mark != 4242 && mark != 0);
	sqlite3_close(other);
}

/* a stamp taken on another thread's connection, its first since it was opened */
struct first_look {
	struct db *db;
	struct db_stamp s;
};

static void *first_stamp(void *arg)
{
	struct first_look *l = arg;
	db_stamp(l->db, ++stamp_ms, &l->s);
	return NULL;
}

/* another process's commit before a connection's first stamp, on another thread: seen,
 * since the connection took its first look at open (a thread's first look could not tell
 * it from the state it found, and an answer kept by another thread went on holding) */
static void test_stamp_first_look(void **state)
{
	struct fx *f = *state;
	exec(f, "CREATE TABLE alpha (id INTEGER PRIMARY KEY, v TEXT)");
	struct first_look l = { 0 };
	assert_int_equal(db_open(&l.db, f->path, 0, &f->e), 0);
	struct db_stamp a = stamp_over(f, "SELECT count(*) FROM alpha");
	sqlite3 *other = NULL;
	assert_int_equal(sqlite3_open(f->path, &other), SQLITE_OK);
	sqlite3_busy_timeout(other, 5000);
	assert_int_equal(sqlite3_exec(other, "INSERT INTO alpha (id) VALUES (1)", 0, 0, 0),
	                 SQLITE_OK);
	sqlite3_close(other);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, first_stamp, &l), 0);
	pthread_join(t, NULL);
	assert_false(db_stamp_holds(&a, &l.s, 1000));
	db_close(l.db);
}

/* db.mmap_mb: the file is read, not mapped, unless the setting says how much to map */
static void test_mmap_setting(void **state)
{
	struct fx *f = *state;
	assert_int_equal(count(f, "PRAGMA mmap_size"), 0);
	assert_int_equal(config_set("db.mmap_mb", "8", "test", &f->e), 0);
	struct db *db = NULL;
	int rc = db_open(&db, f->path, 0, &f->e);
	config_init();
	assert_int_equal(rc, 0);
	int64_t n = -1;
	assert_int_equal(db_get_int(db, &f->e, &n, "PRAGMA mmap_size", DB_ARGS(DB_NOARGS)), 1);
	db_close(db);
	assert_int_equal(n, 8 << 20);
	assert_int_equal(config_set("db.mmap_mb", "-1", "test", &f->e), -1);
	assert_string_equal(f->e.field, "db.mmap_mb");
}

static int group_setup(void **state)
{
	(void)state;
	log_set_level(LOG_OFF); /* the 500s below log their SQL */
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_migrate_once),
		T(test_too_new),
		T(test_too_new_unknown_module),
		T(test_cache_reuse),
		T(test_cache_eviction),
		T(test_nested_same_sql),
		T(test_oneoff_left_open),
		T(test_conflict),
		T(test_other_errors),
		T(test_open_errors),
		T(test_commit_and_rollback),
		T(test_writers_wait_their_turn),
		T(test_writer_waits_then_busy),
		T(test_group_commit),
		T(test_group_members_share_a_commit),
		T(test_group_lost_transaction),
		T(test_text_copied_into_arena),
		T(test_exec_counts_changes),
		T(test_backup),
		T(test_stamp_tables),
		T(test_stamp_other_process),
		T(test_stamp_first_look),
		T(test_mmap_setting),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
