/*
 * dbconf.c - the db conformance suite: the same tests, through the db interface alone (no
 * mock), against SQLite (a temporary file) always and against PostgreSQL when
 * CUNWU_TEST_PG names a server (postgresql://user@host:port, no database): a fresh
 * database cunwu_conf_<pid> with the C collation is made for the run and dropped at the
 * end. Without CUNWU_TEST_PG the PostgreSQL group is skipped, not failed.
 *
 * What both backends guarantee is asserted alike. Where they differ by design (what a
 * read transaction sees, db_data_version, a transaction after a failed statement,
 * INTEGER width, LIKE and case) each backend's documented behaviour (docs/internals/db.md,
 * sql.md) is asserted explicitly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/audit.h"
#include "core/db.h"
#include "core/db_backend.h" /* to look at the statement cache */
#include "core/log.h"
#include "core/banned.h"

/* ---- fixtures ---- */

struct backend {
	const char *name; /* as db_backend() says */
	int pg;
	char server[256]; /* PostgreSQL: CUNWU_TEST_PG without a trailing '/'; "" = skip */
	char dbname[64];  /* PostgreSQL: cunwu_conf_<pid> */
};

static struct backend be_sqlite = { .name = "sqlite" };
static struct backend be_pg = { .name = "postgresql", .pg = 1 };

struct fx {
	struct backend *be;
	char dir[64];   /* SQLite: the temporary folder */
	char url[512];  /* what db_open takes for the test database */
	char url2[512]; /* a second database, made by other_db */
	struct db *db, *db2, *db3;
	struct arena a;
	struct err e;
};

static int is_pg(struct fx *f)
{
	return f->be->pg;
}

/* Open a connection to url (database name appended for PostgreSQL) or fail the test. */
static struct db *open_url(struct fx *f, const char *url, int create)
{
	struct db *db = NULL;
	if (db_open(&db, url, create, &f->e))
		fail_msg("unable to open '%s': %s", url, f->e.msg);
	db_set_arena(db, &f->a);
	return db;
}

static void script(struct fx *f, struct db *db, const char *sql)
{
	if (db_exec_script(db, sql, &f->e))
		fail_msg("'%.80s': %s", sql, f->e.msg);
}

/* PostgreSQL: run one statement on the server's postgres database (CREATE DATABASE ...). */
static int pg_admin(struct backend *be, const char *sql, struct err *e)
{
	char url[512];
	struct db *db = NULL;
	snprintf(url, sizeof(url), "%s/postgres", be->server);
	if (db_open(&db, url, 0, e))
		return -1;
	int rc = db_exec_script(db, sql, e);
	db_close(db);
	return rc;
}

static int pg_create_db(struct backend *be, const char *name, struct err *e)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	if (pg_admin(be, sql, e))
		return -1;
	snprintf(sql, sizeof(sql),
	         "CREATE DATABASE %s TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' "
	         "ENCODING 'UTF8'",
	         name);
	return pg_admin(be, sql, e);
}

static void pg_drop_db(struct backend *be, const char *name)
{
	char sql[256];
	struct err e;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	if (pg_admin(be, sql, &e))
		fprintf(stderr, "dbconf: unable to drop database %s: %s\n", name, e.msg);
}

static int group_setup_sqlite(void **state)
{
	log_set_level(LOG_OFF); /* the 500s below log their SQL */
	*state = &be_sqlite;
	return 0;
}

static int group_setup_pg(void **state)
{
	struct err e;
	log_set_level(LOG_OFF);
	*state = &be_pg;
	const char *server = getenv("CUNWU_TEST_PG");
	if (!server || !*server)
		return 0; /* every test skips */
	snprintf(be_pg.server, sizeof(be_pg.server), "%s", server);
	size_t n = strlen(be_pg.server);
	while (n > 0 && be_pg.server[n - 1] == '/')
		be_pg.server[--n] = '\0';
	snprintf(be_pg.dbname, sizeof(be_pg.dbname), "cunwu_conf_%d", (int)getpid());
	if (pg_create_db(&be_pg, be_pg.dbname, &e)) {
		fprintf(stderr, "dbconf: unable to make database %s on %s: %s\n", be_pg.dbname,
		        be_pg.server, e.msg);
		return -1;
	}
	return 0;
}

static int group_teardown_pg(void **state)
{
	(void)state;
	if (be_pg.server[0])
		pg_drop_db(&be_pg, be_pg.dbname);
	return 0;
}

static int setup(void **state)
{
	struct backend *be = *state;
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->be = be;
	arena_init(&f->a, 0);
	*state = f;
	if (!be->pg) {
		snprintf(f->dir, sizeof(f->dir), "/tmp/cunwu-dbconf-XXXXXX");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->url, sizeof(f->url), "%s/t.db", f->dir);
		if (db_open(&f->db, f->url, 1, &f->e))
			return -1;
	} else {
		if (!be->server[0])
			return 0; /* the test skips */
		snprintf(f->url, sizeof(f->url), "%s/%s", be->server, be->dbname);
		if (db_open(&f->db, f->url, 0, &f->e))
			return -1;
		/* every test starts from an empty database */
		if (db_exec_script(f->db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
		                   &f->e))
			return -1;
	}
	db_set_arena(f->db, &f->a);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db3);
	db_close(f->db2);
	db_close(f->db);
	if (f->dir[0])
		unit_rmtree(f->dir);
	else if (f->url2[0])
		pg_drop_db(f->be, strrchr(f->url2, '/') + 1);
	arena_release(&f->a);
	free(f);
	return 0;
}

/* The fixture of a test; skips the test when its backend is not configured. */
static struct fx *fx(void **state)
{
	struct fx *f = *state;
	if (!f->db)
		skip();
	return f;
}

/* A second connection to the test database. */
static struct db *second(struct fx *f)
{
	if (!f->db2)
		f->db2 = open_url(f, f->url, 0);
	return f->db2;
}

/* A connection to another, empty database. */
static struct db *other_db(struct fx *f)
{
	if (!is_pg(f)) {
		snprintf(f->url2, sizeof(f->url2), "%s/other.db", f->dir);
		f->db3 = open_url(f, f->url2, 1);
		return f->db3;
	}
	char name[80];
	snprintf(name, sizeof(name), "%s_other", f->be->dbname);
	if (pg_create_db(f->be, name, &f->e))
		fail_msg("unable to make database %s: %s", name, f->e.msg);
	snprintf(f->url2, sizeof(f->url2), "%s/%s", f->be->server, name);
	f->db3 = open_url(f, f->url2, 0);
	return f->db3;
}

static int64_t get_int(struct fx *f, struct db *db, const char *sql, const struct db_arg *args)
{
	int64_t v = -1;
	if (db_get_int(db, &f->e, &v, sql, args) != 1)
		fail_msg("'%.80s': %s", sql, f->e.msg);
	return v;
}

static int64_t count(struct fx *f, struct db *db, const char *sql)
{
	return get_int(f, db, sql, DB_ARGS(DB_NOARGS));
}

/* Run sql expecting -1 with the given status and code. */
static void expect_err(struct fx *f, const char *what, int64_t rc, int status, const char *code)
{
	if (rc != -1)
		fail_msg("%s: expected %d %s, got %lld", what, status, code, (long long)rc);
	if (f->e.status != status || strcmp(f->e.code, code))
		fail_msg("%s: expected %d %s, got %d %s (%s)", what, status, code, f->e.status,
		         f->e.code, f->e.msg);
	err_clear(&f->e);
}

/* Read every row of a one-text-column query into out (arena strings); the row count. */
static int rows_text(struct fx *f, struct db *db, const char **out, int max, const char *sql,
                     const struct db_arg *args)
{
	struct db_stmt *st = db_query_(db, &f->e, sql, args);
	if (!st)
		fail_msg("'%.80s': %s", sql, f->e.msg);
	int n = 0, rc;
	while ((rc = db_step(st, &f->e)) == 1) {
		if (n >= max)
			fail_msg("'%.80s': more than %d rows", sql, max);
		out[n++] = db_text(st, 0);
	}
	if (rc < 0)
		fail_msg("'%.80s': %s", sql, f->e.msg);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- migrations outside a transaction ---- */

/* a table, then a unique index built outside any transaction (CONCURRENTLY on PostgreSQL) */
static const struct migration outside_list[] = {
	{ "conf", 1, "table", 0, "CREATE TABLE m (k TEXT NOT NULL)" },
	{ "conf", 2, "index", 1,
	  "-- cunwu: outside-transaction\n"
	  "-- not this one: CREATE INDEX CONCURRENTLY IF NOT EXISTS m_other\n"
	  "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS m_k ON m (k);\n" },
};

/* Indexes named name: with valid, only one queries may use (PostgreSQL: indisvalid). */
static int64_t indexes(struct fx *f, const char *name, int valid)
{
	if (!is_pg(f))
		return get_int(f, f->db,
		               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
		               "name = ?",
		               DB_ARGS(DB_T(name)));
	return get_int(f, f->db,
	               "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass(CAST(? AS "
	               "TEXT)) AND (indisvalid OR ? = 0)",
	               DB_ARGS(DB_T(name), DB_I(valid)));
}

/* ---- migrations ---- */

static void test_migrate(void **state)
{
	struct fx *f = fx(state);
	int applied = -1;
	assert_true(schema_migrations_count >= 3);
	expect_err(f, "check before migrate", db_schema_check(f->db, &f->e), 409,
	           "db.needs_migration");

	assert_int_equal(db_migrate(f->db, &applied, &f->e), 0);
	assert_int_equal(applied, (int)schema_migrations_count);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)schema_migrations_count);
	/* the seed rows of the migrations are there, Chinese names intact */
	const char *name = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &name, "SELECT name FROM roles WHERE id = ?",
	                             DB_ARGS(DB_T("town_leader"))),
	                 1);
	assert_string_equal(name, "镇领导");
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM audit_log"), 0);
	/* and the index built outside the transaction (accounts/0003) */
	assert_int_equal(indexes(f, "users_place", 1), 1);

	/* a second run applies nothing, here and from another connection */
	applied = -1;
	assert_int_equal(db_migrate(f->db, &applied, &f->e), 0);
	assert_int_equal(applied, 0);
	applied = -1;
	assert_int_equal(db_migrate(second(f), &applied, &f->e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_schema_check(f->db, &f->e), 0);
	assert_int_equal(db_schema_check(second(f), &f->e), 0);

	/* a migration from the future: refused by both, nothing applied */
	script(f, f->db,
	       "INSERT INTO schema_migrations (module, version, name, applied_at) "
	       "VALUES ('core', 9999, 'from-the-future', '2030-01-01T00:00:00.000Z')");
	expect_err(f, "check too new", db_schema_check(f->db, &f->e), 409, "db.too_new");
	applied = -1;
	assert_int_equal(db_migrate(f->db, &applied, &f->e), -1);
	assert_string_equal(f->e.code, "db.too_new");
	assert_contains(f->e.msg, "core/9999-from-the-future");
	assert_int_equal(applied, 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM schema_migrations"),
	                 (int64_t)schema_migrations_count + 1);
	expect_err(f, "check too new, other connection", db_schema_check(second(f), &f->e), 409,
	           "db.too_new");
}

static void test_migrate_outside_tx(void **state)
{
	struct fx *f = fx(state);
	int applied = -1;
	const char *versions = "SELECT count(*) FROM schema_migrations WHERE module = 'conf'";
	/* the table alone, then rows the unique index cannot take */
	assert_int_equal(db_migrate_list(f->db, outside_list, 1, &applied, &f->e), 0);
	assert_int_equal(applied, 1);
	script(f, f->db, "INSERT INTO m (k) VALUES ('a'), ('a'), ('b')");

	/* the build fails: reported, not recorded; PostgreSQL leaves the index invalid */
	applied = -1;
	assert_int_equal(db_migrate_list(f->db, outside_list, 2, &applied, &f->e), -1);
	assert_int_equal(f->e.status, 500);
	assert_string_equal(f->e.code, "db.migration_failed");
	assert_contains(f->e.msg, "conf/0002-index");
	err_clear(&f->e);
	assert_int_equal(applied, 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(count(f, f->db, versions), 1);
	assert_int_equal(indexes(f, "m_k", 1), 0);
	assert_int_equal(indexes(f, "m_k", 0), is_pg(f) ? 1 : 0);

	/* once the data is fixed the next run builds it (dropping the invalid one first) */
	script(f, f->db, "DELETE FROM m WHERE k = 'a'");
	assert_int_equal(db_migrate_list(f->db, outside_list, 2, &applied, &f->e), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(indexes(f, "m_k", 1), 1);
	assert_int_equal(count(f, f->db, versions), 2);
	expect_err(f, "duplicate",
	           db_exec(f->db, &f->e, "INSERT INTO m (k) VALUES ('b')", DB_NOARGS), 409,
	           "db.conflict");

	/* built but not recorded (interrupted between the two): the next run records it */
	script(f, f->db, "DELETE FROM schema_migrations WHERE module = 'conf' AND version = 2");
	assert_int_equal(db_migrate_list(f->db, outside_list, 2, &applied, &f->e), 0);
	assert_int_equal(applied, 1);
	assert_int_equal(indexes(f, "m_k", 1), 1);
	assert_int_equal(db_migrate_list(f->db, outside_list, 2, &applied, &f->e), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(count(f, f->db, versions), 2);
}

/* ---- types ---- */

static void test_bigint(void **state)
{
	struct fx *f = fx(state);
	static const int64_t vals[] = { INT64_MAX, INT64_MIN,    -1,           -42,
		                        0,         2147483648LL, -2147483649LL };
	static const char *const texts[] = {
		"9223372036854775807", "-9223372036854775808", "-1", "-42", "0",
		"2147483648",          "-2147483649"
	};
	const size_t n = sizeof(vals) / sizeof(vals[0]);
	script(f, f->db, "CREATE TABLE n (k BIGINT PRIMARY KEY, v BIGINT)");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO n (k, v) VALUES (?, ?)",
		                         DB_I((int64_t)i), DB_I(vals[i])),
		                 1);
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st =
		    db_query(f->db, &f->e, "SELECT v FROM n WHERE k = ?", DB_I((int64_t)i));
		assert_non_null(st);
		assert_int_equal(db_step(st, &f->e), 1);
		if (db_int(st, 0) != vals[i])
			fail_msg("%s: read back %lld", texts[i], (long long)db_int(st, 0));
		assert_string_equal(db_text(st, 0), texts[i]);
		assert_false(db_isnull(st, 0));
		assert_int_equal(db_step(st, &f->e), 0);
		/* and found by its value */
		assert_true(get_int(f, f->db, "SELECT k FROM n WHERE v = ?",
		                    DB_ARGS(DB_I(vals[i]))) == (int64_t)i);
	}
	/* compared and sorted as numbers, not as text */
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM n WHERE v > ?", DB_ARGS(DB_I(-5))),
	                 4); /* -1, 0, 2147483648, INT64_MAX */
	const char *order[8];
	assert_int_equal(
	    rows_text(f, f->db, order, 8, "SELECT v FROM n ORDER BY v", DB_ARGS(DB_NOARGS)),
	    (int)n);
	static const char *const sorted[] = {
		"-9223372036854775808", "-2147483649",        "-42", "-1", "0",
		"2147483648",           "9223372036854775807"
	};
	for (size_t i = 0; i < n; i++)
		assert_string_equal(order[i], sorted[i]);
	/* arithmetic in SQL stays 64-bit */
	assert_true(get_int(f, f->db, "SELECT v - 1 FROM n WHERE k = ?", DB_ARGS(DB_I(0))) ==
	            INT64_MAX - 1);
	assert_true(get_int(f, f->db, "SELECT v + ? FROM n WHERE k = ?",
	                    DB_ARGS(DB_I(4000000000LL), DB_I(5))) == 6147483648LL);

	/*
	 * Why BIGINT (sql.md): INTEGER is 64-bit on SQLite but 32-bit on PostgreSQL, which
	 * refuses a value past 2,147,483,647 with a 500.
	 */
	script(f, f->db, "CREATE TABLE narrow (v INTEGER)");
	int64_t rc = db_exec(f->db, &f->e, "INSERT INTO narrow (v) VALUES (?)", DB_I(2147483648LL));
	if (is_pg(f))
		expect_err(f, "INTEGER overflow", rc, 500, "db.error");
	else
		assert_int_equal(rc, 1);
}

static void test_text(void **state)
{
	struct fx *f = fx(state);
	static const char *const vals[] = {
		"秦家山村村民委员会",                  /* CJK */
		"🏡 家 👩‍🌾🧑🏽‍🌾", /* emoji, ZWJ sequences, skin tone */
		"it's \"quoted\" and 'twice''",        /* quotes of both kinds */
		"C:\\path\\to\\n \\' \\\\",            /* backslashes (never escapes) */
		"what? ?? ?1 $1 :name @x",             /* placeholders of every dialect, as data */
		"tab\there\nnewline\r",                /* control characters */
		"%_ LIKE metacharacters ~ / | ;",      /* punctuation */
		"x",
	};
	const size_t n = sizeof(vals) / sizeof(vals[0]);
	script(f, f->db, "CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT)");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k, v) VALUES (?, ?)",
		                         DB_I((int64_t)i), DB_T(vals[i])),
		                 1);
	for (size_t i = 0; i < n; i++) {
		const char *v = NULL;
		assert_int_equal(db_get_text(f->db, &f->e, &v, "SELECT v FROM t WHERE k = ?",
		                             DB_ARGS(DB_I((int64_t)i))),
		                 1);
		assert_string_equal(v, vals[i]);
		/* and found by equality */
		assert_true(get_int(f, f->db, "SELECT k FROM t WHERE v = ?",
		                    DB_ARGS(DB_T(vals[i]))) == (int64_t)i);
	}
	/* length counts characters, not bytes, on both */
	assert_int_equal(get_int(f, f->db, "SELECT length(v) FROM t WHERE k = ?", DB_ARGS(DB_I(0))),
	                 9);

	/* '?' inside string literals, quoted names and comments is not a placeholder */
	assert_int_equal(get_int(f, f->db,
	                         "SELECT count(*) FROM t WHERE v = 'what? ?? ?1 $1 :name @x' "
	                         "OR v = ?",
	                         DB_ARGS(DB_T("x"))),
	                 2);
	assert_int_equal(get_int(f, f->db,
	                         "SELECT count(*) FROM t WHERE v <> 'it''s ?' AND v <> '?''?' "
	                         "AND k = ?",
	                         DB_ARGS(DB_I(7))),
	                 1);
	const char *alias = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &alias,
	                             "SELECT \"v?\" FROM (SELECT v AS \"v?\" FROM t WHERE k = ?) "
	                             "AS s",
	                             DB_ARGS(DB_I(7))),
	                 1);
	assert_string_equal(alias, "x");
	assert_int_equal(get_int(f, f->db,
	                         "SELECT count(*) FROM t -- which rows? all?\n"
	                         "WHERE k >= ? /* from? */ AND k < ?",
	                         DB_ARGS(DB_I(1), DB_I(3))),
	                 2);
	/* literals with quotes and backslashes, written in the SQL itself */
	assert_int_equal(
	    count(f, f->db, "SELECT count(*) FROM t WHERE v = 'C:\\path\\to\\n \\'' \\\\'"), 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t WHERE v = '秦家山村村民委员会'"),
	                 1);
	assert_int_equal(
	    db_exec(f->db, &f->e, "INSERT INTO t (k, v) VALUES (100, 'is it ''?''')", DB_NOARGS),
	    1);
	const char *lit = NULL;
	assert_int_equal(
	    db_get_text(f->db, &f->e, &lit, "SELECT v FROM t WHERE k = 100", DB_ARGS(DB_NOARGS)),
	    1);
	assert_string_equal(lit, "is it '?'");

	/* || concatenates on both, parameters included */
	const char *cat = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &cat,
	                             "SELECT v || '/' || ? || '~' FROM t WHERE k = ?",
	                             DB_ARGS(DB_T("村"), DB_I(7))),
	                 1);
	assert_string_equal(cat, "x/村~");

	/* text must be UTF-8: PostgreSQL refuses anything else (500), SQLite stores it */
	int64_t rc = db_exec(f->db, &f->e, "INSERT INTO t (k, v) VALUES (?, ?)", DB_I(200),
	                     DB_T("bad \xff\xfe byte"));
	if (is_pg(f))
		expect_err(f, "invalid UTF-8", rc, 500, "db.error");
	else
		assert_int_equal(rc, 1);
}

static void test_null_and_empty(void **state)
{
	struct fx *f = fx(state);
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT, n BIGINT)");
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k, v, n) VALUES (?, ?, ?)",
	                         DB_T("empty"), DB_T(""), DB_I(0)),
	                 1);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k, v, n) VALUES (?, ?, ?)",
	                         DB_T("null"), DB_T(NULL), DB_NULL),
	                 1);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k, v, n) VALUES (?, ?, ?)",
	                         DB_T("nullarg"), DB_NULL, DB_NULL),
	                 1);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k) VALUES ('default')", DB_NOARGS),
	                 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t WHERE v IS NULL"), 3);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t WHERE v = ''"), 1);
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM t WHERE v = ?", DB_ARGS(DB_T(""))),
	                 1);
	/* NULL equals nothing, not even a bound NULL */
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM t WHERE v = ?", DB_ARGS(DB_NULL)),
	                 0);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t WHERE n IS NULL"), 3);

	struct db_stmt *st = db_query(f->db, &f->e, "SELECT k, v, n FROM t ORDER BY k", DB_NOARGS);
	assert_non_null(st);
	assert_int_equal(db_cols(st), 3);
	static const char *const keys[] = { "default", "empty", "null", "nullarg" };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(db_step(st, &f->e), 1);
		assert_string_equal(db_text(st, 0), keys[i]);
		int empty = !strcmp(keys[i], "empty");
		assert_int_equal(db_isnull(st, 1), !empty);
		assert_int_equal(db_isnull(st, 2), !empty);
		if (empty) {
			assert_non_null(db_text(st, 1));
			assert_string_equal(db_text(st, 1), "");
			assert_int_equal(db_int(st, 2), 0);
		} else {
			assert_null(db_text(st, 1));
			assert_null(db_text(st, 2));
			assert_int_equal(db_int(st, 2), 0); /* NULL reads as 0 */
		}
		assert_false(db_isnull(st, 0));
	}
	assert_int_equal(db_step(st, &f->e), 0);
}

static void test_placeholders(void **state)
{
	struct fx *f = fx(state);
	const char *ins = "INSERT INTO t (k, v) VALUES (?, ?)";
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
	expect_err(f, "too few", db_exec(f->db, &f->e, ins, DB_T("a")), 500, "internal");
	expect_err(f, "too many", db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("b"), DB_T("c")), 500,
	           "internal");
	expect_err(f, "none expected", db_exec(f->db, &f->e, "DELETE FROM t", DB_T("a")), 500,
	           "internal");
	assert_null(db_query(f->db, &f->e, "SELECT v FROM t WHERE k = ?", DB_NOARGS));
	assert_int_equal(f->e.status, 500);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 0);
	/* the statements are still good with the right arguments */
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("b")), 1);
	assert_int_equal(db_exec(f->db, &f->e, "DELETE FROM t", DB_NOARGS), 1);
	/* a quoted '?' does not count: one placeholder here */
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k, v) VALUES (?, '?')", DB_T("q")),
	                 1);
	expect_err(
	    f, "quoted ? counted",
	    db_exec(f->db, &f->e, "INSERT INTO t (k, v) VALUES (?, '?')", DB_T("r"), DB_T("s")),
	    500, "internal");
	/*
	 * Parameters go untyped: PostgreSQL infers each one's type from where it stands, and
	 * refuses one with no context (500); CAST gives it one, on both.
	 */
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM t WHERE CAST(? AS BIGINT) IS NULL",
	                         DB_ARGS(DB_NULL)),
	                 1);
	int64_t v = -1;
	int rc = db_get_int(f->db, &f->e, &v, "SELECT count(*) FROM t WHERE ? IS NULL",
	                    DB_ARGS(DB_NULL));
	if (is_pg(f))
		expect_err(f, "untyped parameter", rc, 500, "db.error");
	else
		assert_int_equal(rc, 1);
	assert_int_equal(db_in_tx(f->db), 0);
}

/* ---- transactions ---- */

static void test_commit_rollback(void **state)
{
	struct fx *f = fx(state);
	struct db *b = second(f);
	const char *ins = "INSERT INTO t (k) VALUES (?)";
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY)");

	/* commit: invisible to others until it is done, then visible */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_in_tx(f->db), 1);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a")), 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 1);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 0);
	uint64_t epoch = db_write_epoch();
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_true(db_write_epoch() == epoch + 1);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 1);

	/* rollback: gone for everyone, statements left open are reset */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("b")), 1);
	struct db_stmt *open = db_query(f->db, &f->e, "SELECT k FROM t ORDER BY k", DB_NOARGS);
	assert_int_equal(db_step(open, &f->e), 1);
	db_rollback(f->db);
	assert_int_equal(db_in_tx(f->db), 0);
	assert_true(db_write_epoch() == epoch + 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 1);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 1);
	db_rollback(f->db); /* harmless outside a transaction */

	/* no nesting, in any combination; the open transaction is unharmed */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	expect_err(f, "write in write", db_begin(f->db, DB_WRITE, &f->e), 500, "internal");
	expect_err(f, "read in write", db_begin(f->db, DB_READ, &f->e), 500, "internal");
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("c")), 1);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 2);
	assert_int_equal(db_begin(f->db, DB_READ, &f->e), 0);
	expect_err(f, "write in read", db_begin(f->db, DB_WRITE, &f->e), 500, "internal");
	expect_err(f, "read in read", db_begin(f->db, DB_READ, &f->e), 500, "internal");
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 2);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	expect_err(f, "commit outside", db_commit(f->db, &f->e), 500, "internal");

	/* a failed statement, then rollback: nothing of the transaction stays */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("d")), 1);
	expect_err(f, "duplicate", db_exec(f->db, &f->e, ins, DB_T("a")), 409, "db.conflict");
	db_rollback(f->db);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 2);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t WHERE k = 'd'"), 0);

	/*
	 * A failed statement, then commit. SQLite undoes the failed statement alone and commits
	 * the rest; PostgreSQL has aborted the whole transaction, and db_commit says so
	 * (never a silent success that kept nothing). Either way: roll back after an error.
	 */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("e")), 1);
	expect_err(f, "duplicate", db_exec(f->db, &f->e, ins, DB_T("a")), 409, "db.conflict");
	int rc = db_commit(f->db, &f->e);
	assert_int_equal(db_in_tx(f->db), 0);
	if (is_pg(f)) {
		expect_err(f, "commit after error", rc, 500, "db.error");
		assert_int_equal(count(f, b, "SELECT count(*) FROM t WHERE k = 'e'"), 0);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(count(f, b, "SELECT count(*) FROM t WHERE k = 'e'"), 1);
	}
	/* and the connection goes on */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("f")), 1);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t WHERE k = 'f'"), 1);
}

static void add_row(struct fx *f, struct db *db, const char *k)
{
	assert_int_equal(db_begin(db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(db, &f->e, "INSERT INTO t (k) VALUES (?)", DB_T(k)), 1);
	assert_int_equal(db_commit(db, &f->e), 0);
}

static void test_read_snapshot(void **state)
{
	struct fx *f = fx(state);
	struct db *b = second(f);
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY)");
	add_row(f, b, "a");
	add_row(f, b, "b");

	/* begun lazily: a commit between db_begin and the first statement is seen */
	assert_int_equal(db_begin(f->db, DB_READ, &f->e), 0);
	add_row(f, b, "c");
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 3);

	/* a statement sees one state: rows committed while it is being stepped are not in it */
	struct db_stmt *st = db_query(f->db, &f->e, "SELECT k FROM t ORDER BY k", DB_NOARGS);
	assert_non_null(st);
	assert_int_equal(db_step(st, &f->e), 1);
	assert_string_equal(db_text(st, 0), "a");
	add_row(f, b, "bb"); /* would sort between rows still to come */
	add_row(f, b, "d");
	assert_int_equal(db_step(st, &f->e), 1);
	assert_string_equal(db_text(st, 0), "b");
	assert_int_equal(db_step(st, &f->e), 1);
	assert_string_equal(db_text(st, 0), "c");
	assert_int_equal(db_step(st, &f->e), 0);

	/*
	 * The next statement of the same read transaction sees the same snapshot, taken by its
	 * first statement, on both backends (SQLite WAL; PostgreSQL REPEATABLE READ): a list
	 * and its total agree.
	 */
	int64_t seen = count(f, f->db, "SELECT count(*) FROM t");
	assert_int_equal(seen, 3);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	/* after the transaction everyone sees everything */
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 5);

	/* the same inside a write transaction: its own rows and others' commits before it */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k) VALUES (?)", DB_T("mine")), 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 6);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 5);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(count(f, b, "SELECT count(*) FROM t"), 6);
}

static void test_data_version(void **state)
{
	struct fx *f = fx(state);
	struct db *b = second(f);
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY)");
	int64_t v1 = db_data_version(f->db);
	if (is_pg(f)) {
		/* a hash of the current snapshot, which every commit changes (a transaction
		 * begun or rolled back may too: autovacuum's, so "the same while nothing
		 * happens" is not asserted here) */
		assert_true(v1 != -1);
		add_row(f, b, "a"); /* another connection commits */
		int64_t v2 = db_data_version(f->db);
		assert_true(v2 != -1 && v2 != v1);
		add_row(f, b, "b");
		assert_true(db_data_version(f->db) != v2);
		return;
	}
	assert_true(v1 >= 0);
	assert_true(db_data_version(f->db) == v1); /* nothing happened */
	add_row(f, b, "a");                        /* another connection commits */
	int64_t v2 = db_data_version(f->db);
	assert_true(v2 >= 0);
	assert_true(v2 != v1);
	assert_true(db_data_version(f->db) == v2);
	add_row(f, f->db, "b"); /* its own commits do not count */
	assert_true(db_data_version(f->db) == v2);
	/* a rolled-back write of another is no change */
	assert_int_equal(db_begin(b, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(b, &f->e, "INSERT INTO t (k) VALUES ('c')", DB_NOARGS), 1);
	db_rollback(b);
	assert_true(db_data_version(f->db) == v2);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	struct fx *f = fx(state);
	script(f, f->db,
	       "CREATE TABLE parent (id TEXT PRIMARY KEY);"
	       "CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent "
	       "(id), n BIGINT NOT NULL CHECK (n >= 0), kind TEXT CHECK (kind IN ('a', 'b')), "
	       "code TEXT UNIQUE)");
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO parent (id) VALUES (?)", DB_T("p")), 1);
	const char *ins = "INSERT INTO child (id, parent_id, n, kind, code) VALUES (?, ?, ?, ?, ?)";
	assert_int_equal(
	    db_exec(f->db, &f->e, ins, DB_T("c1"), DB_T("p"), DB_I(1), DB_T("a"), DB_T("X")), 1);

	expect_err(f, "primary key",
	           db_exec(f->db, &f->e, ins, DB_T("c1"), DB_T("p"), DB_I(1), DB_T("a"), DB_NULL),
	           409, "db.conflict");
	expect_err(f, "unique",
	           db_exec(f->db, &f->e, ins, DB_T("c2"), DB_T("p"), DB_I(1), DB_T("a"), DB_T("X")),
	           409, "db.conflict");
	expect_err(f, "not null",
	           db_exec(f->db, &f->e, ins, DB_T("c3"), DB_T("p"), DB_NULL, DB_T("a"), DB_NULL),
	           409, "db.conflict");
	expect_err(f, "check n >= 0",
	           db_exec(f->db, &f->e, ins, DB_T("c4"), DB_T("p"), DB_I(-1), DB_T("a"), DB_NULL),
	           409, "db.conflict");
	expect_err(f, "check IN",
	           db_exec(f->db, &f->e, ins, DB_T("c5"), DB_T("p"), DB_I(1), DB_T("z"), DB_NULL),
	           409, "db.conflict");
	expect_err(
	    f, "foreign key",
	    db_exec(f->db, &f->e, ins, DB_T("c6"), DB_T("nobody"), DB_I(1), DB_T("a"), DB_NULL),
	    409, "db.conflict");
	expect_err(f, "foreign key on delete",
	           db_exec(f->db, &f->e, "DELETE FROM parent WHERE id = ?", DB_T("p")), 409,
	           "db.conflict");
	expect_err(
	    f, "check on update",
	    db_exec(f->db, &f->e, "UPDATE child SET n = ? WHERE id = ?", DB_I(-5), DB_T("c1")), 409,
	    "db.conflict");
	expect_err(f, "not null on update",
	           db_exec(f->db, &f->e, "UPDATE child SET parent_id = NULL", DB_NOARGS), 409,
	           "db.conflict");

	expect_err(f, "syntax", db_exec(f->db, &f->e, "SELEKT 1", DB_NOARGS), 500, "db.error");
	assert_null(db_query(f->db, &f->e, "SELECT * FROM missing_table", DB_NOARGS));
	expect_err(f, "missing table", -1, 500, "db.error");
	expect_err(f, "missing column",
	           db_exec(f->db, &f->e, "UPDATE child SET nope = 1", DB_NOARGS), 500, "db.error");
	expect_err(f, "script", db_exec_script(f->db, "CREATE TABLE x (a TEXT); BOGUS", &f->e), 500,
	           "db.error");

	/* nothing of the failures was written, and the connection is fine */
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM child"), 1);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM parent"), 1);
	assert_int_equal(
	    db_exec(f->db, &f->e, ins, DB_T("c2"), DB_T("p"), DB_I(0), DB_NULL, DB_NULL), 1);
	assert_int_equal(db_in_tx(f->db), 0);
}

/* ---- queries ---- */

static void test_paging(void **state)
{
	struct fx *f = fx(state);
	enum {
		ROWS = 23,
		SIZE = 10
	};
	char keys[ROWS][8];
	int order[ROWS];
	script(f, f->db, "CREATE TABLE p (k TEXT PRIMARY KEY, n BIGINT NOT NULL)");
	for (int i = 0; i < ROWS; i++) {
		/* inserted out of order, with ties on n */
		int j = (i * 7) % ROWS;
		snprintf(keys[j], sizeof(keys[j]), "k%02d", j);
		assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO p (k, n) VALUES (?, ?)",
		                         DB_T(keys[j]), DB_I(j % 5)),
		                 1);
	}
	/* expected: n descending, then k */
	for (int i = 0; i < ROWS; i++)
		order[i] = i;
	for (int i = 1; i < ROWS; i++)
		for (int j = i; j > 0; j--) {
			int x = order[j - 1], y = order[j];
			if (x % 5 > y % 5 || (x % 5 == y % 5 && strcmp(keys[x], keys[y]) < 0))
				break;
			order[j - 1] = y;
			order[j] = x;
		}
	int seen = 0;
	for (int page = 0; page * SIZE <= ROWS; page++) {
		const char *got[SIZE];
		int n = rows_text(f, f->db, got, SIZE,
		                  "SELECT k FROM p ORDER BY n DESC, k LIMIT ? OFFSET ?",
		                  DB_ARGS(DB_I(SIZE), DB_I(page * SIZE)));
		int want = ROWS - page * SIZE < SIZE ? ROWS - page * SIZE : SIZE;
		assert_int_equal(n, want);
		for (int i = 0; i < n; i++)
			assert_string_equal(got[i], keys[order[seen + i]]);
		seen += n;
	}
	assert_int_equal(seen, ROWS);
	/* past the end: nothing; with a WHERE: paged within it */
	const char *got[SIZE];
	assert_int_equal(rows_text(f, f->db, got, SIZE,
	                           "SELECT k FROM p ORDER BY n DESC, k LIMIT ? OFFSET ?",
	                           DB_ARGS(DB_I(SIZE), DB_I(1000))),
	                 0);
	assert_int_equal(rows_text(f, f->db, got, SIZE,
	                           "SELECT k FROM p WHERE n = ? ORDER BY k LIMIT ? OFFSET ?",
	                           DB_ARGS(DB_I(4), DB_I(2), DB_I(1))),
	                 2);
	assert_string_equal(got[0], "k09");
	assert_string_equal(got[1], "k14");
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM p WHERE n = ?", DB_ARGS(DB_I(4))),
	                 4);
}

static void test_like_escape(void **state)
{
	struct fx *f = fx(state);
	static const char *const vals[] = {
		"100% pure",  "100 percent", "a_b",      "axb",      "back\\slash", "backslash",
		"Case Study", "中文村务",    "村务公开", "x%y_z\\w", "50%_off\\!",  "plain",
	};
	static const char *const needles[] = { "100%", "_",  "\\", "%",     "村务",
		                               "a_b",  "%_", "x",  "plain", "" };
	const int n = (int)(sizeof(vals) / sizeof(vals[0]));
	script(f, f->db, "CREATE TABLE l (v TEXT PRIMARY KEY)");
	for (int i = 0; i < n; i++)
		assert_int_equal(
		    db_exec(f->db, &f->e, "INSERT INTO l (v) VALUES (?)", DB_T(vals[i])), 1);
	for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++) {
		const char *want[16], *got[16];
		int nw = 0;
		for (int i = 0; i < n; i++)
			if (strstr(vals[i], needles[k]))
				want[nw++] = vals[i];
		qsort(want, (size_t)nw, sizeof(want[0]), cmp_str);
		int ng = rows_text(f, f->db, got, 16,
		                   "SELECT v FROM l WHERE v LIKE ? ESCAPE '\\' ORDER BY v",
		                   DB_ARGS(DB_T(db_like_contains(&f->a, needles[k]))));
		if (ng != nw)
			fail_msg("'%s': %d rows, expected %d", needles[k], ng, nw);
		for (int i = 0; i < nw; i++)
			assert_string_equal(got[i], want[i]);
	}
	/*
	 * Case: SQLite's LIKE ignores ASCII case, PostgreSQL's does not (sql.md). lower() on
	 * both sides is the portable way; both lower ASCII only (PostgreSQL under LC_CTYPE C).
	 */
	const char *pat = db_like_contains(&f->a, "case");
	assert_int_equal(get_int(f, f->db, "SELECT count(*) FROM l WHERE v LIKE ? ESCAPE '\\'",
	                         DB_ARGS(DB_T(pat))),
	                 is_pg(f) ? 0 : 1);
	assert_int_equal(get_int(f, f->db,
	                         "SELECT count(*) FROM l WHERE lower(v) LIKE lower(?) ESCAPE '\\'",
	                         DB_ARGS(DB_T(db_like_contains(&f->a, "CASE")))),
	                 1);
}

/* db_sql_concat_agg: the values of a group joined with ',' (any order), NULL for none */
static void test_concat_agg(void **state)
{
	struct fx *f = fx(state);
	script(f, f->db, "CREATE TABLE ca (k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY (k, v))");
	static const char *const rows[][2] = {
		{ "a", "veteran" }, { "a", "aged80" }, { "a", "村务" }, { "b", "x|y|2026-01-01" }
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO ca (k, v) VALUES (?, ?)",
		                         DB_T(rows[i][0]), DB_T(rows[i][1])),
		                 1);
	const char *sql = arena_printf(&f->a, "SELECT (SELECT %s FROM ca WHERE ca.k = ?)",
	                               db_sql_concat_agg(f->db, &f->a, "ca.v"));
	const char *got = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &got, sql, DB_ARGS(DB_T("a"))), 1);
	assert_int_equal(strlen(got), strlen("veteran,aged80,村务"));
	assert_non_null(strstr(got, "veteran"));
	assert_non_null(strstr(got, "aged80"));
	assert_non_null(strstr(got, "村务"));
	assert_int_equal(strchr(got, ',') != NULL, 1);
	assert_int_equal(db_get_text(f->db, &f->e, &got, sql, DB_ARGS(DB_T("b"))), 1);
	assert_string_equal(got, "x|y|2026-01-01");
	/* no rows: NULL */
	got = "unset";
	int rc = db_get_text(f->db, &f->e, &got, sql, DB_ARGS(DB_T("none")));
	assert_true(rc == 1 || rc == 0);
	if (rc == 1)
		assert_null(got);
}

static void test_subtree_range(void **state)
{
	struct fx *f = fx(state);
	static const char *const paths[] = {
		"/140000000000/",
		"/140000000000/140400000000/",
		"/140000000000/140400000000/140402000000/",
		"/140000000000/140400000000/140402000000/140402100000/",
		"/140000000000/140400000000/140402000000/01HZX3Q9V7K2M4N6P8R0S1T2U3/",
		"/140000000000/140400000000/01J0ABCDEFGHJKMNPQRSTVWXYZ/",
		"/140000000000/140400000000/01J0ABCDEFGHJKMNPQRSTVWXYZ/01J0ABCDEFGHJKMNPQRSTVWXZ0/",
		"/140000000000/1404000000001/", /* the subtree's id as a prefix of another */
		"/140000000000/14040000000/",   /* a prefix of the subtree's id */
		"/140000000000/140500000000/",
		"/140000000000/14040000000Z/",
		"/140000000000/140400000000Z/",
		"/140000000000/01HZZZZZZZZZZZZZZZZZZZZZZZ/",
		"/140000000000/ZZZZZZZZZZZZZZZZZZZZZZZZZZ/",
		"/140100000000/140400000000/",
	};
	static const char *const roots[] = {
		"/140000000000/140400000000/",
		"/140000000000/140400000000/140402000000/",
		"/140000000000/140400000000/01J0ABCDEFGHJKMNPQRSTVWXYZ/",
		"/140000000000/",
		"/140000000000/140500000000/",
		"/1",
	};
	const int n = (int)(sizeof(paths) / sizeof(paths[0]));
	script(f, f->db,
	       "CREATE TABLE places (id BIGINT PRIMARY KEY, path TEXT NOT NULL);"
	       "CREATE INDEX places_path ON places (path)");
	for (int i = 0; i < n; i++) /* inserted backwards */
		assert_int_equal(db_exec(f->db, &f->e,
		                         "INSERT INTO places (id, path) VALUES (?, ?)",
		                         DB_I(n - 1 - i), DB_T(paths[n - 1 - i])),
		                 1);
	/* ORDER BY is byte order on both (the C collation) */
	const char *all[32], *sorted[32];
	assert_int_equal(rows_text(f, f->db, all, 32, "SELECT path FROM places ORDER BY path",
	                           DB_ARGS(DB_NOARGS)),
	                 n);
	memcpy(sorted, paths, sizeof(paths));
	qsort(sorted, (size_t)n, sizeof(sorted[0]), cmp_str);
	for (int i = 0; i < n; i++)
		assert_string_equal(all[i], sorted[i]);
	/* the subtree range, with '~' appended in C as authz_sql does */
	for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		char upper[128];
		snprintf(upper, sizeof(upper), "%s~", roots[r]);
		const char *want[32], *got[32];
		int nw = 0;
		for (int i = 0; i < n; i++)
			if (!strncmp(sorted[i], roots[r], strlen(roots[r])))
				want[nw++] = sorted[i];
		int ng =
		    rows_text(f, f->db, got, 32,
		              "SELECT path FROM places WHERE path >= ? AND path < ? ORDER BY path",
		              DB_ARGS(DB_T(roots[r]), DB_T(upper)));
		if (ng != nw)
			fail_msg("subtree '%s': %d rows, expected %d", roots[r], ng, nw);
		for (int i = 0; i < nw; i++)
			assert_string_equal(got[i], want[i]);
		/* and with the bound built in SQL */
		assert_int_equal(
		    get_int(f, f->db,
		            "SELECT count(*) FROM places WHERE path >= ? AND path < ? || '~'",
		            DB_ARGS(DB_T(roots[r]), DB_T(roots[r]))),
		    nw);
	}
}

static void test_returning(void **state)
{
	struct fx *f = fx(state);
	const char *upd = "UPDATE c SET n = n + ? WHERE k = ? RETURNING n, k";
	script(f, f->db, "CREATE TABLE c (k TEXT PRIMARY KEY, n BIGINT NOT NULL)");
	struct db_stmt *st = db_query(
	    f->db, &f->e, "INSERT INTO c (k, n) VALUES (?, ?) RETURNING k", DB_T("村"), DB_I(0));
	assert_non_null(st);
	assert_int_equal(db_step(st, &f->e), 1);
	assert_string_equal(db_text(st, 0), "村");
	assert_int_equal(db_step(st, &f->e), 0);

	/* inside a write transaction, as audit heads are taken */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	for (int i = 1; i <= 3; i++) {
		st = db_query(f->db, &f->e, upd, DB_I(5), DB_T("村"));
		assert_non_null(st);
		assert_int_equal(db_cols(st), 2);
		assert_int_equal(db_step(st, &f->e), 1);
		assert_int_equal(db_int(st, 0), 5 * i);
		assert_string_equal(db_text(st, 1), "村");
		assert_int_equal(db_step(st, &f->e), 0);
	}
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(count(f, second(f), "SELECT n FROM c"), 15);
	/* no row matched: no row returned */
	st = db_query(f->db, &f->e, upd, DB_I(1), DB_T("nobody"));
	assert_non_null(st);
	assert_int_equal(db_step(st, &f->e), 0);
	/* db_exec runs it to the end and counts the rows changed */
	assert_int_equal(db_exec(f->db, &f->e, upd, DB_I(1), DB_T("村")), 1);
	assert_int_equal(db_exec(f->db, &f->e, upd, DB_I(1), DB_T("nobody")), 0);
	/* a row left unread is still written once the statement is done */
	st = db_query(f->db, &f->e, upd, DB_I(100), DB_T("村"));
	assert_int_equal(db_step(st, &f->e), 1);
	db_done(st);
	assert_int_equal(count(f, f->db, "SELECT n FROM c"), 116);
	/* DELETE ... RETURNING */
	int64_t gone = -1;
	assert_int_equal(db_get_int(f->db, &f->e, &gone, "DELETE FROM c WHERE k = ? RETURNING n",
	                            DB_ARGS(DB_T("村"))),
	                 1);
	assert_int_equal(gone, 116);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM c"), 0);
}

static void test_on_conflict(void **state)
{
	struct fx *f = fx(state);
	const char *ins = "INSERT INTO o (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING";
	script(f, f->db, "CREATE TABLE o (k TEXT PRIMARY KEY, v TEXT NOT NULL, u TEXT UNIQUE)");
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("first")), 1);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("second")), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("b"), DB_T("other")), 1);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("third")), 0);
	const char *v = NULL;
	assert_int_equal(
	    db_get_text(f->db, &f->e, &v, "SELECT v FROM o WHERE k = ?", DB_ARGS(DB_T("a"))), 1);
	assert_string_equal(v, "first");
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM o"), 2);
	/* inside a transaction the skipped insert does not break it */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("a"), DB_T("again")), 0);
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_T("c"), DB_T("new")), 1);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(count(f, second(f), "SELECT count(*) FROM o"), 3);
	/* a conflict on another constraint than the one named is still a conflict */
	assert_int_equal(db_exec(f->db, &f->e, "UPDATE o SET u = 'U' WHERE k = 'a'", DB_NOARGS), 1);
	expect_err(f, "other constraint",
	           db_exec(f->db, &f->e,
	                   "INSERT INTO o (k, v, u) VALUES (?, ?, ?) ON CONFLICT (k) DO NOTHING",
	                   DB_T("d"), DB_T("x"), DB_T("U")),
	           409, "db.conflict");
	/* DO UPDATE with excluded: one row changed either way */
	const char *up = "INSERT INTO o (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = "
	                 "excluded.v";
	assert_int_equal(db_exec(f->db, &f->e, up, DB_T("a"), DB_T("updated")), 1);
	assert_int_equal(db_exec(f->db, &f->e, up, DB_T("e"), DB_T("inserted")), 1);
	assert_int_equal(
	    db_get_text(f->db, &f->e, &v, "SELECT v FROM o WHERE k = ?", DB_ARGS(DB_T("a"))), 1);
	assert_string_equal(v, "updated");
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM o"), 4);
}

/* ---- the statement cache ---- */

static void test_statement_cache(void **state)
{
	struct fx *f = fx(state);
	const char *ins = "INSERT INTO t (k, n) VALUES (?, ?)";
	const char *sel = "SELECT n FROM t WHERE k = ?";
	script(f, f->db, "CREATE TABLE t (k BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
	assert_int_equal(db_exec(f->db, &f->e, ins, DB_I(0), DB_I(0)), 1);
	struct db_stmt *first = db_query(f->db, &f->e, sel, DB_I(0));
	assert_non_null(first);
	db_done(first);
	size_t ncache = f->db->ncache;
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	for (int i = 1; i <= 1000; i++)
		if (db_exec(f->db, &f->e, ins, DB_I(i), DB_I(i * 3)) != 1)
			fail_msg("insert %d: %s", i, f->e.msg);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	for (int i = 0; i <= 1000; i += 7) {
		struct db_stmt *st = db_query(f->db, &f->e, sel, DB_I(i));
		assert_ptr_equal(st, first); /* prepared once, the same handle every time */
		assert_int_equal(db_step(st, &f->e), 1);
		assert_int_equal(db_int(st, 0), i * 3);
		assert_int_equal(db_step(st, &f->e), 0);
	}
	/* BEGIN and COMMIT are cached too: nothing new after the first transaction */
	assert_int_equal(f->db->ncache, ncache + 2);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 1001);

	/* the same query inside its own loop gets a one-off, ended by the loop */
	struct db_stmt *outer = db_query(f->db, &f->e, sel, DB_I(3));
	assert_int_equal(db_step(outer, &f->e), 1);
	for (int i = 0; i < 50; i++)
		assert_int_equal(get_int(f, f->db, sel, DB_ARGS(DB_I(i))), i * 3);
	assert_null(f->db->oneoffs);
	assert_int_equal(db_int(outer, 0), 9);
	assert_int_equal(db_step(outer, &f->e), 0);

	/* more distinct statements than the cache holds: evicted, still right */
	char sql[64];
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < DB_CACHE_SIZE * 2 + 7; i++) {
			snprintf(sql, sizeof(sql), "SELECT n + %d FROM t WHERE k = ?", i);
			assert_int_equal(get_int(f, f->db, sql, DB_ARGS(DB_I(2))), 6 + i);
			assert_true(f->db->ncache <= DB_CACHE_SIZE);
		}
	assert_int_equal(f->db->ncache, DB_CACHE_SIZE);

	if (is_pg(f)) {
		/* statements evicted or ended are deallocated on the server too */
		int64_t held = count(f, f->db, "SELECT count(*) FROM pg_prepared_statements");
		if (held > DB_CACHE_SIZE + 1)
			fail_msg("%lld statements prepared on the server for a cache of %d",
			         (long long)held, DB_CACHE_SIZE);
	}
}

static void test_origin(void **state)
{
	struct fx *f = fx(state);
	assert_int_equal(db_migrate(f->db, NULL, &f->e), 0);
	const char *o1 = db_origin(f->db, &f->e);
	assert_non_null(o1);
	assert_int_equal(strlen(o1), 10);
	char keep[16];
	snprintf(keep, sizeof(keep), "%s", o1);
	assert_string_equal(db_origin(f->db, &f->e), keep);
	/* the same for another connection, and after reopening */
	assert_string_equal(db_origin(second(f), &f->e), keep);
	db_close(f->db);
	f->db = open_url(f, f->url, 0);
	assert_string_equal(db_origin(f->db, &f->e), keep);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM deployment WHERE key = 'origin'"),
	                 1);
	/* another database has its own */
	struct db *other = other_db(f);
	assert_int_equal(db_migrate(other, NULL, &f->e), 0);
	const char *o2 = db_origin(other, &f->e);
	assert_non_null(o2);
	assert_int_equal(strlen(o2), 10);
	assert_string_not_equal(o2, keep);
	assert_string_equal(db_origin(f->db, &f->e), keep);
}

/* ---- PostgreSQL only ---- */

/* Wait until the server no longer lists backend pid (it was terminated). */
static void wait_gone(struct fx *f, struct db *db, int64_t pid)
{
	for (int i = 0; i < 500; i++) {
		if (get_int(f, db, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?",
		            DB_ARGS(DB_I(pid))) == 0)
			return;
		struct timespec ms10 = { 0, 10 * 1000 * 1000 };
		nanosleep(&ms10, NULL);
	}
	fail_msg("backend %lld still there", (long long)pid);
}

static void test_pg_reconnect(void **state)
{
	struct fx *f = fx(state);
	struct db *b = second(f);
	const char *sel = "SELECT count(*) FROM t WHERE k >= ?";
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY)");
	add_row(f, f->db, "a");
	assert_int_equal(get_int(f, f->db, sel, DB_ARGS(DB_T(""))), 1);
	size_t ncache = f->db->ncache;

	/*
	 * the server ends the session (as a restart would): outside a transaction the first
	 * statement finds the connection dead, connects again and runs once more, so it
	 * succeeds; the cached statement is prepared again on the new connection
	 */
	int64_t pid = count(f, f->db, "SELECT pg_backend_pid()");
	assert_int_equal(get_int(f, b, "SELECT pg_terminate_backend(?)", DB_ARGS(DB_I(pid))), 1);
	wait_gone(f, b, pid);
	int64_t v = -1;
	assert_int_equal(get_int(f, f->db, sel, DB_ARGS(DB_T(""))), 1);
	assert_true(count(f, f->db, "SELECT pg_backend_pid()") != pid);
	assert_true(f->db->ncache <= ncache + 1);
	add_row(f, f->db, "b");
	assert_int_equal(get_int(f, f->db, sel, DB_ARGS(DB_T(""))), 2);

	/* lost inside a transaction: db.retry (the HTTP layer runs the request again) until
	 * rolled back, the transaction's writes gone */
	pid = count(f, f->db, "SELECT pg_backend_pid()");
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k) VALUES (?)", DB_T("c")), 1);
	assert_int_equal(get_int(f, b, "SELECT pg_terminate_backend(?)", DB_ARGS(DB_I(pid))), 1);
	wait_gone(f, b, pid);
	expect_err(f, "insert after loss",
	           db_exec(f->db, &f->e, "INSERT INTO t (k) VALUES (?)", DB_T("d")), 503,
	           "db.retry");
	expect_err(f, "next statement", db_get_int(f->db, &f->e, &v, sel, DB_ARGS(DB_T(""))), 503,
	           "db.retry");
	expect_err(f, "commit", db_commit(f->db, &f->e), 503, "db.retry");
	assert_int_equal(db_in_tx(f->db), 0);
	assert_int_equal(get_int(f, f->db, sel, DB_ARGS(DB_T(""))), 2);
}

struct locker {
	struct db *db;
	struct err e;
	int64_t rc;
};

static void *update_b(void *arg)
{
	struct locker *l = arg;
	l->rc = db_exec(l->db, &l->e, "UPDATE d SET n = n + 1 WHERE k = 'b'", DB_NOARGS);
	return NULL;
}

static void test_pg_deadlock_retry(void **state)
{
	/* two transactions waiting on each other: one loses with db.retry (40P01) */
	struct fx *f = fx(state);
	struct db *b = second(f);
	script(f, f->db,
	       "CREATE TABLE d (k TEXT PRIMARY KEY, n BIGINT NOT NULL);"
	       "INSERT INTO d (k, n) VALUES ('a', 0), ('b', 0)");
	struct locker l = { .db = f->db };
	db_set_arena(b, NULL); /* the other thread's connection must not share f->a */
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(db_begin(b, DB_WRITE, &f->e), 0);
	assert_int_equal(db_exec(f->db, &f->e, "UPDATE d SET n = n + 1 WHERE k = 'a'", DB_NOARGS),
	                 1);
	assert_int_equal(db_exec(b, &f->e, "UPDATE d SET n = n + 1 WHERE k = 'b'", DB_NOARGS), 1);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, update_b, &l), 0);
	struct err eb;
	err_clear(&eb);
	int64_t rb = db_exec(b, &eb, "UPDATE d SET n = n + 1 WHERE k = 'a'", DB_NOARGS);
	pthread_join(th, NULL);
	/* exactly one lost */
	assert_true((l.rc == -1) != (rb == -1));
	struct err *lost = l.rc == -1 ? &l.e : &eb;
	assert_int_equal(lost->status, 503);
	assert_string_equal(lost->code, "db.retry");
	assert_non_null(lost->retry_after);
	struct db *winner = l.rc == -1 ? b : f->db, *loser = l.rc == -1 ? f->db : b;
	db_rollback(loser);
	assert_int_equal(db_commit(winner, &f->e), 0);
	db_set_arena(b, &f->a);
	/* the winner's two updates count, the loser's none */
	assert_int_equal(count(f, f->db, "SELECT sum(n) FROM d"), 2);
	assert_int_equal(db_in_tx(f->db) + db_in_tx(b), 0);
}

/* count(f, db, sql) once it is not 0, or 0 after 5 s (another thread is on its way). */
static int64_t count_soon(struct fx *f, struct db *db, const char *sql)
{
	int64_t n = 0;
	for (int i = 0; i < 500 && !n; i++) {
		n = count(f, db, sql);
		struct timespec ms10 = { 0, 10 * 1000 * 1000 };
		nanosleep(&ms10, NULL);
	}
	return n;
}

struct migrator {
	struct db *db;
	struct err e;
	int rc, applied;
};

static void *migrate_list(void *arg)
{
	struct migrator *m = arg;
	m->rc = db_migrate_list(m->db, outside_list, 2, &m->applied, &m->e);
	return NULL;
}

static void test_pg_migrate_outside_lock(void **state)
{
	/*
	 * The index is built after the migration transaction committed, under a session lock
	 * held until it is done. CREATE INDEX CONCURRENTLY waits for older transactions, here
	 * a read of b's: meanwhile its backend is seen holding the lock.
	 */
	struct fx *f = fx(state);
	struct db *b = second(f);
	assert_int_equal(db_migrate_list(f->db, outside_list, 1, NULL, &f->e), 0);
	db_set_arena(b, NULL); /* f->a belongs to the other thread now */
	assert_int_equal(db_begin(b, DB_READ, &f->e), 0);
	assert_int_equal(count(f, b, "SELECT count(*) FROM m"), 0);
	struct migrator m = { .db = f->db };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, migrate_list, &m), 0);
	int64_t building =
	    count_soon(f, b,
	               "SELECT count(*) FROM pg_locks w WHERE w.locktype = 'virtualxid' AND NOT "
	               "w.granted AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = w.pid AND "
	               "l.locktype = 'advisory' AND l.granted)");
	assert_int_equal(db_commit(b, &f->e), 0);
	pthread_join(th, NULL);
	db_set_arena(b, &f->a);
	assert_int_equal(building, 1);
	if (m.rc)
		fail_msg("migrate: %s", m.e.msg);
	assert_int_equal(m.applied, 1);
	assert_int_equal(indexes(f, "m_k", 1), 1);
	/* and released after */
	assert_int_equal(count(f, b, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"),
	                 0);
}

struct auditor {
	struct db *db;
	struct err e;
	int rc;
};

static const struct actor conf_actor = { "system", NULL, "dbconf", NULL };

static void *audit_one(void *arg)
{
	struct auditor *a = arg;
	a->rc = db_begin(a->db, DB_WRITE, &a->e) ||
	        audit_write(a->db, &conf_actor, "140406", "t", "a", "update", NULL, &a->e) ||
	        db_commit(a->db, &a->e);
	if (a->rc)
		db_rollback(a->db);
	return NULL;
}

static void test_pg_audit_head_race(void **state)
{
	/*
	 * Two writers of one county (audit.c): both read the chain's head, b moves it first;
	 * f->db's move waits for b's row lock, then finds the head moved, reads it again and
	 * goes after b. The chain stays whole, each row once.
	 */
	struct fx *f = fx(state);
	struct db *b = second(f);
	assert_int_equal(db_migrate(f->db, NULL, &f->e), 0);
	struct auditor a = { .db = f->db };
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(audit_write(f->db, &conf_actor, "140406", "t", "0", "create", NULL, &f->e),
	                 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	db_set_arena(b, NULL); /* f->a belongs to the other thread now */
	assert_int_equal(db_begin(b, DB_WRITE, &f->e), 0);
	assert_int_equal(audit_write(b, &conf_actor, "140406", "t", "b", "update", NULL, &f->e), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, audit_one, &a), 0);
	int64_t blocked = count_soon(f, b,
	                             "SELECT count(*) FROM pg_stat_activity WHERE "
	                             "pg_backend_pid() = ANY (pg_blocking_pids(pid))");
	assert_int_equal(db_commit(b, &f->e), 0);
	pthread_join(th, NULL);
	db_set_arena(b, &f->a);
	assert_int_equal(blocked, 1);
	if (a.rc)
		fail_msg("the writer that waited: %s", a.e.msg);
	const char *order[3];
	assert_int_equal(rows_text(f, f->db, order, 3,
	                           "SELECT entity_id FROM audit_log ORDER BY seq",
	                           DB_ARGS(DB_NOARGS)),
	                 3);
	assert_string_equal(order[1], "b");
	assert_string_equal(order[2], "a");
	struct audit_report rep;
	assert_int_equal(audit_verify(f->db, NULL, NULL, &rep, NULL, NULL, &f->e), 0);
	assert_true(rep.ok);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(count(f, f->db, "SELECT max(seq) FROM audit_heads"), 3);
}

/* The migration that makes the writer's mark (schema/core/0002), as cunwu's schema has it. */
static void make_writer_mark(struct fx *f)
{
	for (size_t i = 0; i < schema_migrations_count; i++)
		if (!strcmp(schema_migrations_list[i].name, "writer-mark")) {
			script(f, f->db, schema_migrations_list[i].sql);
			return;
		}
	fail_msg("no migration writer-mark");
}

/* A commit by another process in the database at url: a child opens it and writes. */
static void child_writes(const char *url, const char *sql)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *db = NULL;
		struct err e;
		_exit(db_open(&db, url, 0, &e) || db_exec_script(db, sql, &e) ? 1 : 0);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int64_t mark_ms = 1; /* stamps' times: each its own millisecond */

static int holds_now(struct fx *f, const struct db_stamp *then)
{
	struct db_stamp now;
	db_stamp(f->db, ++mark_ms, &now);
	return db_stamp_holds(then, &now, INT64_MAX);
}

/*
 * PostgreSQL's data version is the cluster's snapshot, which a commit in any database
 * changes, and autovacuum's too. Only a commit in this database by another process makes
 * what this process keeps old; the last writer's mark (writer_mark) tells them apart.
 * (A cockpit figure kept went "late" at once when another test's database was written.)
 */
static void test_pg_stamp_mark(void **state)
{
	struct fx *f = fx(state);
	make_writer_mark(f);
	script(f, f->db, "CREATE TABLE t (k TEXT PRIMARY KEY)");
	add_row(f, second(f), "a"); /* this process's mark */
	struct db *o = other_db(f);
	script(f, o, "CREATE TABLE t (k TEXT PRIMARY KEY)");
	int64_t ours = count(f, f->db, "SELECT process FROM writer_mark");
	assert_true(ours != 0);

	/* another process writes in another database: what is kept holds */
	struct db_stamp a;
	db_stamp(f->db, ++mark_ms, &a);
	int64_t v = db_data_version(f->db);
	child_writes(f->url2, "INSERT INTO t (k) VALUES ('x')");
	assert_true(db_data_version(f->db) != v); /* the cluster's snapshot moved */
	assert_true(holds_now(f, &a));

	/* another process writes in this one: kept answers are old, again and again */
	child_writes(f->url, "BEGIN; INSERT INTO t (k) VALUES ('b');"
	                     "UPDATE writer_mark SET process = 4242; COMMIT");
	assert_false(holds_now(f, &a));
	db_stamp(f->db, ++mark_ms, &a);
	child_writes(f->url, "INSERT INTO t (k) VALUES ('c')");
	assert_false(holds_now(f, &a));

	/* this process writes after it: its mark again, and it counts the other's commit itself
	 * (its own commits make every kept answer stale anyway: PostgreSQL names no tables) */
	db_stamp(f->db, ++mark_ms, &a);
	add_row(f, f->db, "d");
	assert_int_equal(count(f, f->db, "SELECT process FROM writer_mark"), ours);
	struct db_stamp now;
	db_stamp(f->db, ++mark_ms, &now);
	assert_true(now.foreign > a.foreign);
	db_stamp(f->db, ++mark_ms, &a);
	child_writes(f->url2, "INSERT INTO t (k) VALUES ('z')");
	assert_true(holds_now(f, &a));

	/* a write of its own outside a transaction counts too, told by its first word */
	db_stamp(f->db, ++mark_ms, &a);
	assert_int_equal(db_exec(f->db, &f->e, "INSERT INTO t (k) VALUES ('e')", DB_NOARGS), 1);
	assert_false(holds_now(f, &a));
	db_stamp(f->db, ++mark_ms, &a);
	assert_int_equal(count(f, f->db, "SELECT count(*) FROM t"), 5);
	assert_true(holds_now(f, &a));

	/* the mark's row gone (a restore that made the table again): set again, not failed */
	script(f, f->db, "DELETE FROM writer_mark");
	child_writes(f->url, "INSERT INTO t (k) VALUES ('f')");
	add_row(f, f->db, "g");
	assert_int_equal(count(f, f->db, "SELECT process FROM writer_mark"), ours);
}

static void test_pg_collation_checked(void **state)
{
	/* the database this suite made has the C collation; db_open checks it */
	struct fx *f = fx(state);
	const char *coll = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &coll,
	                             "SELECT datcollate FROM pg_database WHERE datname = "
	                             "current_database()",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	assert_string_equal(coll, "C");
	assert_string_equal(db_backend(f->db), "postgresql");
	/* a database that does not exist: refused at open, with the server's reason */
	char url[600];
	struct db *db = NULL;
	snprintf(url, sizeof(url), "%s/%s_missing", f->be->server, f->be->dbname);
	assert_int_equal(db_open(&db, url, 1, &f->e), -1);
	assert_null(db);
	assert_string_equal(f->e.code, "db.unavailable");
	assert_contains(f->e.msg, "does not exist");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/*
 * The shared tests, then the PostgreSQL-only ones. argv[1] "sqlite" or "postgresql" runs
 * one group (scripts/test runs "postgresql" as the db-pg suite); none runs both.
 */
#define BOTH                                                                                       \
	T(test_migrate), T(test_migrate_outside_tx), T(test_bigint), T(test_text),                 \
	    T(test_null_and_empty), T(test_placeholders), T(test_commit_rollback),                 \
	    T(test_read_snapshot), T(test_data_version), T(test_errors), T(test_paging),           \
	    T(test_like_escape), T(test_concat_agg), T(test_subtree_range), T(test_returning),     \
	    T(test_on_conflict), T(test_statement_cache), T(test_origin)

int main(int argc, char **argv)
{
	const struct CMUnitTest sqlite[] = { BOTH };
	const struct CMUnitTest pg[] = {
		BOTH,
		T(test_pg_reconnect),
		T(test_pg_deadlock_retry),
		T(test_pg_migrate_outside_lock),
		T(test_pg_audit_head_race),
		T(test_pg_collation_checked),
		T(test_pg_stamp_mark),
	};
	const char *only = argc > 1 ? argv[1] : "";
	int failed = 0;
	if (strcmp(only, "postgresql"))
		failed +=
		    cmocka_run_group_tests_name("dbconf-sqlite", sqlite, group_setup_sqlite, NULL);
	if (strcmp(only, "sqlite"))
		failed += cmocka_run_group_tests_name("dbconf-postgresql", pg, group_setup_pg,
		                                      group_teardown_pg);
	return failed ? 1 : 0;
}
