/*
 * import.c - unit tests of the NBS import (src/places/import.c) on a real database: a
 * small synthetic pair of releases (and a few more) on SQLite, and on PostgreSQL when
 * CUNWU_TEST_PG names a server (a database cunwu_places_<pid> is made for each test and
 * dropped; `scripts/test db-pg` runs this group as part of db-pg). The whole-country file
 * of ../shared/data is imported on SQLite when it is there (skipped with a message
 * otherwise, and under AddressSanitizer, where it is slow).
 *
 * `import-unit postgresql` runs the PostgreSQL group alone, `sqlite` the SQLite one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/log.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

#define CHINA "/work/shared/data/admin-divisions-china.csv"

struct fx {
	int pg;
	char dir[64], path[128];
	char server[256], dbname[64];
	struct db *db;
	struct arena a;
	struct err e;
};

static const struct actor who = { "cli", NULL, "cli:test", NULL };

/* ---- fixtures ---- */

static int pg_admin(struct fx *f, const char *sql)
{
	char url[512];
	struct db *db = NULL;
	snprintf(url, sizeof(url), "%s/postgres", f->server);
	if (db_open(&db, url, 0, &f->e))
		return -1;
	int rc = db_exec_script(db, sql, &f->e);
	db_close(db);
	return rc;
}

static int setup(void **state, int pg)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	*state = f;
	f->pg = pg;
	log_set_level(LOG_OFF);
	if (!pg)
		return unit_db_open(f->dir, f->path, "places", &f->db, &f->a, &f->e, 1);
	const char *server = getenv("CUNWU_TEST_PG");
	if (!server || !*server)
		return 0; /* the test skips */
	snprintf(f->server, sizeof(f->server), "%s", server);
	size_t n = strlen(f->server);
	while (n && f->server[n - 1] == '/')
		f->server[--n] = '\0';
	snprintf(f->dbname, sizeof(f->dbname), "cunwu_places_%d", (int)getpid());
	char sql[256], url[512];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
	if (pg_admin(f, sql))
		return -1;
	snprintf(sql, sizeof(sql),
	         "CREATE DATABASE %s TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' "
	         "ENCODING 'UTF8'",
	         f->dbname);
	snprintf(url, sizeof(url), "%s/%s", f->server, f->dbname);
	arena_init(&f->a, 0);
	if (pg_admin(f, sql) || db_open(&f->db, url, 0, &f->e))
		return -1;
	db_set_arena(f->db, &f->a);
	return db_migrate(f->db, NULL, &f->e);
}

static int setup_sqlite(void **state)
{
	return setup(state, 0);
}

static int setup_pg(void **state)
{
	return setup(state, 1);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f->pg) {
		unit_db_close(f->dir, f->db, &f->a);
	} else if (f->db) {
		char sql[256];
		db_close(f->db);
		arena_release(&f->a);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", f->dbname);
		pg_admin(f, sql);
	}
	free(f);
	return 0;
}

/* The fixture of a test, or a skip where PostgreSQL is not there. */
static struct fx *fixture(void **state)
{
	struct fx *f = *state;
	if (!f->db)
		skip();
	return f;
}

/* ---- helpers ---- */

static int64_t count(struct fx *f, const char *sql, const char *arg)
{
	int64_t n = -1;
	if (db_get_int(f->db, &f->e, &n, sql, arg ? DB_ARGS(DB_T(arg)) : DB_ARGS(DB_NOARGS)) < 0)
		fail_msg("%s: %s", sql, f->e.msg);
	return n;
}

static const char *text(struct fx *f, const char *sql, const char *arg)
{
	const char *s = NULL;
	if (db_get_text(f->db, &f->e, &s, sql, DB_ARGS(DB_T(arg))) < 0)
		fail_msg("%s: %s", sql, f->e.msg);
	return s;
}

/* Column column of place id. */
static const char *col(struct fx *f, const char *column, const char *id)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT %s FROM places WHERE id = ?", column);
	return text(f, sql, id);
}

/* A place made by hand under parent, committed. */
static void add_place(struct fx *f, const char *parent, const char *kind, const char *name)
{
	const char *id;
	if (db_begin(f->db, DB_WRITE, &f->e) ||
	    places_create(f->db, &who, parent, kind, name, NULL, &id, &f->e) ||
	    db_commit(f->db, &f->e))
		fail_msg("%s under %s: %s", kind, parent, f->e.msg);
}

/* Import a file's text for under in one transaction: 0, or -1 with f->e (rolled back). */
static int import(struct fx *f, const char *csv, const char *under, struct places_import_stats *st)
{
	struct nbs_row *rows;
	size_t n;
	err_clear(&f->e);
	if (places_nbs_parse(&f->a, csv, strlen(csv), under, &rows, &n, &f->e))
		fail_msg("parse: %s", f->e.msg);
	struct places_import_opts o = { .under = under, .sha256 = "ab", .retire = 1 };
	if (db_begin(f->db, DB_WRITE, &f->e))
		fail_msg("begin: %s", f->e.msg);
	if (places_import(f->db, &who, rows, n, &o, st, &f->e)) {
		db_rollback(f->db);
		return -1;
	}
	if (db_commit(f->db, &f->e))
		fail_msg("commit: %s", f->e.msg);
	return 0;
}

static void import_ok(struct fx *f, const char *csv, const char *under,
                      struct places_import_stats *st)
{
	if (import(f, csv, under, st))
		fail_msg("import: %s", f->e.msg);
}

#define HDR "code,name,level,parent_code\n"
#define ABOVE                                                                                      \
	HDR "14,山西省,province,\n1404,长治市,city,14\n140406,潞城区,county,1404\n"       \
	    "140406101,微子镇,town,140406\n"

/* the 2023 release: three villages and a community */
static const char *const r2023 = ABOVE "140406101201,甲村村委会,village,140406101\n"
                                       "140406101202,乙村村委会,village,140406101\n"
                                       "140406101203,丙村村委会,village,140406101\n"
                                       "140406101001,东城社区居民委员会,village,140406101\n";
/* 2024: 甲 renamed, 乙 gone, 丁 new */
static const char *const r2024 = ABOVE "140406101201,甲新村村委会,village,140406101\n"
                                       "140406101203,丙村村委会,village,140406101\n"
                                       "140406101204,丁村村委会,village,140406101\n"
                                       "140406101001,东城社区居民委员会,village,140406101\n";
/* 2025: 乙's code reused for another village, 丁 gone */
static const char *const r2025 = ABOVE "140406101201,甲新村村委会,village,140406101\n"
                                       "140406101202,戊村村委会,village,140406101\n"
                                       "140406101203,丙村村委会,village,140406101\n"
                                       "140406101001,东城社区居民委员会,village,140406101\n";
/* 2026: 丁 back as it was */
static const char *const r2026 = ABOVE "140406101201,甲新村村委会,village,140406101\n"
                                       "140406101202,戊村村委会,village,140406101\n"
                                       "140406101203,丙村村委会,village,140406101\n"
                                       "140406101204,丁村村委会,village,140406101\n"
                                       "140406101001,东城社区居民委员会,village,140406101\n";

static void expect_stats(const struct places_import_stats *st, int64_t created, int64_t renamed,
                         int64_t retired, int64_t restored)
{
	if (st->created != created || st->renamed != renamed || st->retired != retired ||
	    st->restored != restored)
		fail_msg("created %lld renamed %lld retired %lld restored %lld, expected %lld %lld "
		         "%lld %lld",
		         (long long)st->created, (long long)st->renamed, (long long)st->retired,
		         (long long)st->restored, (long long)created, (long long)renamed,
		         (long long)retired, (long long)restored);
}

/* Nothing written since: the same audit rows, history rows and versions. */
struct snapshot {
	int64_t audit, history, versions, places;
};

static struct snapshot snap(struct fx *f)
{
	struct snapshot s = {
		count(f, "SELECT count(*) FROM audit_log", NULL),
		count(f, "SELECT count(*) FROM place_history", NULL),
		count(f, "SELECT sum(version) FROM places", NULL),
		count(f, "SELECT count(*) FROM places", NULL),
	};
	return s;
}

static void assert_same(struct snapshot a, struct snapshot b)
{
	assert_int_equal(a.audit, b.audit);
	assert_int_equal(a.history, b.history);
	assert_int_equal(a.versions, b.versions);
	assert_int_equal(a.places, b.places);
}

/* ---- tests ---- */

static void test_release_pair(void **state)
{
	struct fx *f = fixture(state);
	struct places_import_stats st;
	import_ok(f, r2023, NULL, &st);
	expect_stats(&st, 8, 0, 0, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'import'", NULL),
	                 1);
	assert_int_equal(count(f, "SELECT count(*) FROM place_history", NULL), 0);
	assert_string_equal(col(f, "kind", "140406101001"), "community");
	assert_string_equal(col(f, "name", "140406101001"), "东城社区");
	assert_string_equal(col(f, "nbs_name", "140406101001"), "东城社区居民委员会");
	assert_string_equal(col(f, "path", "140406101202"),
	                    "/140000000000/140400000000/140406000000/140406101000/140406101202/");
	assert_string_equal(col(f, "region", "140406101202"), "140406");

	/* the same file again: nothing written at all */
	struct snapshot s0 = snap(f);
	import_ok(f, r2023, NULL, &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_int_equal(st.unchanged, 8);
	assert_same(s0, snap(f));

	/* 2024: a rename (history), a retirement (code kept aside), a new village */
	import_ok(f, r2024, "140406101", &st);
	expect_stats(&st, 1, 1, 1, 0);
	assert_string_equal(col(f, "name", "140406101201"), "甲新村");
	assert_string_equal(
	    text(f, "SELECT action FROM place_history WHERE place_id = ?", "140406101201"),
	    "rename");
	assert_contains(
	    text(f, "SELECT before_json FROM place_history WHERE place_id = ?", "140406101201"),
	    "甲村村委会");
	assert_contains(
	    text(f, "SELECT after_json FROM place_history WHERE place_id = ?", "140406101201"),
	    "甲新村村委会");
	assert_string_equal(col(f, "status", "140406101202"), "retired");
	assert_null(col(f, "code", "140406101202"));
	assert_string_equal(col(f, "retired_code", "140406101202"), "140406101202");
	assert_non_null(col(f, "retired_at", "140406101202"));
	assert_int_equal(
	    count(f, "SELECT count(*) FROM place_history WHERE place_id = ? AND action = 'retire'",
	          "140406101202"),
	    1);
	/* one audit row for the import, with its counts */
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'import'", NULL),
	                 2);
	const char *changes = text(f,
	                           "SELECT changes FROM audit_log WHERE action = 'import' AND "
	                           "changes LIKE ? ORDER BY at DESC, id DESC LIMIT 1",
	                           "%\"under\":\"140406101\"%");
	assert_non_null(changes);
	assert_contains(changes, "\"created\":1");
	assert_contains(changes, "\"renamed\":1");
	assert_contains(changes, "\"retired\":1");
	assert_contains(changes, "\"sha256\":\"ab\"");
	s0 = snap(f);
	import_ok(f, r2024, "140406101", &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_same(s0, snap(f));

	/* 2025: 202 reused for another village: a new place (ULID) with that code and no
	 * history of the old one; 204 gone */
	import_ok(f, r2025, "140406101", &st);
	expect_stats(&st, 1, 0, 1, 0);
	const char *nid = text(f, "SELECT id FROM places WHERE code = ?", "140406101202");
	assert_non_null(nid);
	assert_int_equal(strlen(nid), 26);
	assert_string_equal(text(f, "SELECT name FROM places WHERE code = ?", "140406101202"),
	                    "戊村");
	assert_int_equal(count(f, "SELECT count(*) FROM place_history WHERE place_id = ?", nid), 0);
	assert_string_equal(col(f, "status", "140406101202"), "retired");
	assert_string_equal(col(f, "name", "140406101202"), "乙村");
	assert_string_equal(col(f, "status", "140406101204"), "retired");
	s0 = snap(f);
	import_ok(f, r2025, "140406101", &st);
	assert_same(s0, snap(f));

	/* 2026: 204 back with its name and parent: the same place, restored */
	import_ok(f, r2026, "140406101", &st);
	expect_stats(&st, 0, 0, 0, 1);
	assert_string_equal(col(f, "status", "140406101204"), "active");
	assert_string_equal(col(f, "code", "140406101204"), "140406101204");
	assert_int_equal(
	    count(f, "SELECT count(*) FROM place_history WHERE place_id = ?", "140406101204"),
	    2); /* retire, restore */
	s0 = snap(f);
	import_ok(f, r2026, NULL, &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_same(s0, snap(f));
	/* and 2024 again: 202 (the new one) retires, the old 202 stays retired, nothing restores
	 * under another name */
	import_ok(f, r2024, NULL, &st);
	expect_stats(&st, 0, 0, 1, 0);
	assert_int_equal(
	    count(f, "SELECT count(*) FROM places WHERE retired_code = ?", "140406101202"), 2);
	/* every code is unique among active units, and every path among all */
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM places WHERE status = 'active' AND "
	                       "code IS NULL AND depth <= 4",
	                       NULL),
	                 0);
}

/* Retirement stays inside under's subtree; a whole file retires within its provinces. */
static void test_scope(void **state)
{
	struct fx *f = fixture(state);
	struct places_import_stats st;
	const char *two = ABOVE "140406101201,甲村村委会,village,140406101\n"
	                        "140406102,翟店镇,town,140406\n"
	                        "140406102201,庚村村委会,village,140406102\n"
	                        "41,河南省,province,\n";
	import_ok(f, two, NULL, &st);
	expect_stats(&st, 8, 0, 0, 0);
	/* a file of 微子镇 alone, under it: 翟店镇 and 河南省 are outside and stay */
	const char *one = ABOVE "140406101203,丙村村委会,village,140406101\n";
	import_ok(f, one, "140406101", &st);
	expect_stats(&st, 1, 0, 1, 0);
	assert_string_equal(col(f, "status", "140406101201"), "retired");
	assert_string_equal(col(f, "status", "140406102201"), "active");
	/* the whole of Shanxi from a file of it: 翟店镇 goes, 河南省 (not in the file) stays */
	import_ok(f, one, NULL, &st);
	expect_stats(&st, 0, 0, 2, 0);
	assert_string_equal(col(f, "status", "140406102000"), "retired");
	assert_string_equal(col(f, "status", "410000000000"), "active");
	/* a unit to retire that still has places under it stops the import: nothing written */
	add_place(f, "140406101203", "compound", "和平小区");
	struct snapshot s0 = snap(f);
	assert_int_equal(import(f, ABOVE, "140406101", &st), -1);
	assert_string_equal(f->e.code, "places.has_children");
	assert_contains(f->e.msg, "丙村");
	assert_same(s0, snap(f));
	assert_string_equal(col(f, "status", "140406101203"), "active");
}

/* Units loaded before NBS names were kept get them filled in, once, without history. */
static void test_fill_and_kind(void **state)
{
	struct fx *f = fixture(state);
	struct places_import_stats st;
	import_ok(f, r2023, NULL, &st);
	assert_int_equal(db_exec(f->db, &f->e, "UPDATE places SET nbs_name = NULL", DB_NOARGS), 8);
	import_ok(f, r2023, NULL, &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_int_equal(st.filled, 8);
	assert_int_equal(count(f, "SELECT count(*) FROM place_history", NULL), 0);
	struct snapshot s0 = snap(f);
	import_ok(f, r2023, NULL, &st);
	assert_int_equal(st.filled, 0);
	assert_same(s0, snap(f));
	/* a village that becomes a community (its committee's name says so) */
	const char *r = ABOVE "140406101201,甲村村委会,village,140406101\n"
	                      "140406101202,乙村村委会,village,140406101\n"
	                      "140406101203,丙社区居委会,village,140406101\n"
	                      "140406101001,东城社区居民委员会,village,140406101\n";
	import_ok(f, r, NULL, &st);
	expect_stats(&st, 0, 1, 0, 0);
	assert_string_equal(col(f, "kind", "140406101203"), "community");
	assert_string_equal(col(f, "name", "140406101203"), "丙社区");
	/* …but not while a natural village hangs under it */
	add_place(f, "140406101202", "natural_village", "后沟");
	r = ABOVE "140406101201,甲村村委会,village,140406101\n"
	          "140406101202,乙社区居委会,village,140406101\n"
	          "140406101203,丙社区居委会,village,140406101\n"
	          "140406101001,东城社区居民委员会,village,140406101\n";
	assert_int_equal(import(f, r, NULL, &st), -1);
	assert_string_equal(f->e.code, "places.parent_kind");
	assert_contains(f->e.msg, "natural_village");
}

/* A level with its parent's code (东莞市's county) gets the id of places_nbs_id. */
static void test_same_code_levels(void **state)
{
	struct fx *f = fixture(state);
	struct places_import_stats st;
	const char *r = HDR "44,广东省,province,\n4419,东莞市,city,44\n441900,东莞市,county,4419\n"
	                    "441900003,东城街道,town,441900\n"
	                    "441900003001,东城社区居委会,village,441900003\n";
	import_ok(f, r, NULL, &st);
	expect_stats(&st, 5, 0, 0, 0);
	assert_string_equal(col(f, "kind", "441900000000"), "city");
	assert_string_equal(col(f, "kind", "00000000000002441900000000"), "county");
	assert_string_equal(
	    col(f, "path", "441900003001"),
	    "/440000000000/441900000000/00000000000002441900000000/441900003000/441900003001/");
	struct snapshot s0 = snap(f);
	import_ok(f, r, NULL, &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_same(s0, snap(f));
	import_ok(f, r, "441900", &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_same(s0, snap(f));
}

/* The whole country: in seconds, and a second time without a write. */
static void test_whole_country(void **state)
{
	struct fx *f = fixture(state);
#if defined(__SANITIZE_ADDRESS__)
	print_message("skipped: the whole-country import is not run under AddressSanitizer\n");
	skip();
#endif
	if (f->pg) {
		print_message("skipped on PostgreSQL: bench/import-nbs measures it there\n");
		skip();
	}
	FILE *in = fopen(CHINA, "rb");
	if (!in) {
		print_message("skipped: %s is not there\n", CHINA);
		skip();
	}
	struct strbuf sb;
	strbuf_init(&sb, &f->a, (size_t)256 << 20);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), in)) > 0)
		strbuf_add(&sb, buf, r);
	fclose(in);
	assert_false(sb.err);
	int64_t t0 = time_now_ms();
	struct places_import_stats st;
	import_ok(f, sb.buf, NULL, &st);
	int64_t ms = time_now_ms() - t0;
	print_message("whole country: %lld places in %.2f s\n", (long long)st.created,
	              (double)ms / 1000);
	assert_int_equal(st.created, 665276);
	assert_true(ms < 60000);
	assert_int_equal(count(f, "SELECT count(*) FROM places WHERE kind = 'province'", NULL), 31);
	assert_int_equal(count(f, "SELECT count(*) FROM places WHERE kind = 'town'", NULL), 41352);
	assert_int_equal(count(f, "SELECT count(*) FROM places WHERE is_virtual = 1", NULL), 757);
	struct snapshot s0 = snap(f);
	import_ok(f, sb.buf, NULL, &st);
	expect_stats(&st, 0, 0, 0, 0);
	assert_same(s0, snap(f));
}

#define TESTS(s)                                                                                   \
	cmocka_unit_test_setup_teardown(test_release_pair, s, teardown),                           \
	    cmocka_unit_test_setup_teardown(test_scope, s, teardown),                              \
	    cmocka_unit_test_setup_teardown(test_fill_and_kind, s, teardown),                      \
	    cmocka_unit_test_setup_teardown(test_same_code_levels, s, teardown),                   \
	    cmocka_unit_test_setup_teardown(test_whole_country, s, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest sqlite[] = { TESTS(setup_sqlite) };
	const struct CMUnitTest pg[] = { TESTS(setup_pg) };
	const char *only = argc > 1 ? argv[1] : "";
	int failed = 0;
	if (strcmp(only, "postgresql"))
		failed += cmocka_run_group_tests_name("import-sqlite", sqlite, NULL, NULL);
	if (strcmp(only, "sqlite"))
		failed += cmocka_run_group_tests_name("import-postgresql", pg, NULL, NULL);
	return failed ? 1 : 0;
}
