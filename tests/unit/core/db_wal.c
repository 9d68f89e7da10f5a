/*
 * db_wal.c - unit tests of src/core/db_wal.c, the VFS that writes a transaction's WAL
 * frames in one call: fewer writes, the same file. Each commit is seen at once by another
 * connection (sqlite3 itself, on the default VFS); a transaction that spills reads its
 * pages back; a write the file system refuses fails the commit and leaves what was
 * committed; db.wal_gather=false writes as SQLite does.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../unit.h"

#include "core/config.h"
#include "core/db.h"
#include "core/db_backend.h"
#include "core/log.h"
#include "core/banned.h"

struct fx {
	struct unit_db u; /* the database, on the shim */
	sqlite3 *other;   /* another connection, on the default VFS */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f || unit_db_open(f->u.dir, f->u.path, "wal", &f->u.db, &f->u.a, &f->u.e, 0) ||
	    db_exec_script(f->u.db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", &f->u.e) ||
	    sqlite3_open(f->u.path, &f->other) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(f->other, 5000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sqlite3_close(f->other);
	unit_db_close(f->u.dir, f->u.db, &f->u.a);
	free(f);
	config_init();
	return 0;
}

static int64_t other_count(struct fx *f, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(f->other, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* one transaction of n rows of size bytes each; 0 or -1 as db_commit answers */
static int write_rows(struct fx *f, int from, int n, int size)
{
	if (db_begin(f->u.db, DB_WRITE, &f->u.e))
		return -1;
	for (int i = from; i < from + n; i++)
		if (db_exec(f->u.db, &f->u.e, "INSERT INTO t (id, v) VALUES (?, zeroblob(?))",
		            DB_I(i), DB_I(size)) != 1) {
			db_rollback(f->u.db);
			return -1;
		}
	return db_commit(f->u.db, &f->u.e);
}

/* a transaction of about 60 pages: its frames in a call or two, not two a page */
static void test_gathered(void **state)
{
	struct fx *f = *state;
	uint64_t g0, w0, g1, w1;
	db_sqlite_wal_counts(&g0, &w0);
	assert_int_equal(write_rows(f, 1, 200, 1000), 0);
	db_sqlite_wal_counts(&g1, &w1);
	assert_true(g1 - g0 >= 100);
	assert_true(w1 - w0 <= 4); /* 124 KiB a call */
	assert_int_equal(other_count(f, "SELECT count(*) FROM t"), 200);
}

/* every commit, seen at once by a connection that reads the file as SQLite wrote it */
static void test_each_commit_seen(void **state)
{
	struct fx *f = *state;
	for (int i = 1; i <= 300; i++) {
		assert_int_equal(write_rows(f, i, 1, 300), 0);
		assert_int_equal(other_count(f, "SELECT count(*) FROM t"), i);
	}
	/* checkpoints meanwhile (every 1,000 pages): the file is whole */
	assert_int_equal(db_exec_script(f->u.db, "PRAGMA wal_checkpoint(TRUNCATE)", &f->u.e), 0);
	assert_int_equal(write_rows(f, 1000, 5, 300), 0);
	assert_int_equal(other_count(f, "SELECT count(*) FROM t"), 305);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(f->other, "PRAGMA integrity_check", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
}

/* a transaction larger than the page cache writes frames before its commit and reads them
 * back (and overwrites some): what it reads is what it wrote */
static void test_spilled_and_read_back(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_exec_script(f->u.db, "PRAGMA cache_size = 10", &f->u.e), 0);
	assert_int_equal(db_begin(f->u.db, DB_WRITE, &f->u.e), 0);
	for (int i = 1; i <= 3000; i++)
		assert_int_equal(db_exec(f->u.db, &f->u.e,
		                         "INSERT INTO t (id, v) VALUES (?, printf('%0500d', ?))",
		                         DB_I(i), DB_I(i)),
		                 1);
	assert_true(db_exec(f->u.db, &f->u.e, "UPDATE t SET v = printf('%0400d', id * 2)",
	                    DB_NOARGS) == 3000);
	int64_t sum = 0;
	assert_int_equal(db_get_int(f->u.db, &f->u.e, &sum,
	                            "SELECT sum(CAST(v AS INTEGER)) FROM t WHERE length(v) = 400",
	                            DB_ARGS(DB_NOARGS)),
	                 1);
	assert_int_equal(sum, 3000 * 3001);
	assert_int_equal(db_commit(f->u.db, &f->u.e), 0);
	assert_int_equal(other_count(f, "SELECT sum(CAST(v AS INTEGER)) FROM t"), 3000 * 3001);
}

/* the file system refuses the WAL's growth (a full disk): the commit fails, what was
 * committed before stays, and the next commit, once there is room, succeeds */
static void test_refused_write_fails_the_commit(void **state)
{
	struct fx *f = *state;
	log_set_level(LOG_OFF);
	assert_int_equal(write_rows(f, 1, 10, 100), 0);
	char wal[160];
	snprintf(wal, sizeof(wal), "%s-wal", f->u.path);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG */
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 64 * 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = write_rows(f, 100, 400, 1000); /* about 400 KB */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	log_set_level(LOG_INFO);
	assert_int_equal(rc, -1);
	assert_int_equal(other_count(f, "SELECT count(*) FROM t"), 10);
	assert_int_equal(write_rows(f, 100, 400, 1000), 0);
	assert_int_equal(other_count(f, "SELECT count(*) FROM t"), 410);
}

/* db.wal_gather=false: the default VFS, nothing gathered */
static void test_off(void **state)
{
	struct fx *f = *state;
	assert_int_equal(config_set("db.wal_gather", "false", "test", &f->u.e), 0);
	struct db *db = NULL;
	assert_int_equal(db_open(&db, f->u.path, 0, &f->u.e), 0);
	db_set_arena(db, &f->u.a);
	uint64_t g0, w0, g1, w1;
	db_sqlite_wal_counts(&g0, &w0);
	assert_int_equal(db_begin(db, DB_WRITE, &f->u.e), 0);
	assert_int_equal(
	    db_exec(db, &f->u.e, "INSERT INTO t (v) VALUES (zeroblob(5000))", DB_NOARGS), 1);
	assert_int_equal(db_commit(db, &f->u.e), 0);
	db_sqlite_wal_counts(&g1, &w1);
	db_close(db);
	assert_int_equal(g1, g0);
	assert_int_equal(w1, w0);
	assert_int_equal(other_count(f, "SELECT count(*) FROM t"), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_gathered),
		T(test_each_commit_seen),
		T(test_spilled_and_read_back),
		T(test_refused_write_fails_the_commit),
		T(test_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
