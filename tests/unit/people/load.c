/*
 * load.c - unit tests of a first load (people_load_begin, _end, _abort in src/people/db.c) on
 * a real SQLite database: the indexes of persons and person_grams that adding people does not
 * read are gone inside the transaction and back after it, whether it commits or rolls back;
 * the unique ones and those an import reads stay; foreign keys are checked again after, and
 * temporary files (the sorts) are kept in memory again. Alone on its database, the load is
 * under a rollback journal and the WAL is taken up again after; with another connection
 * open, it stays in the WAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/people.h"
#include "core/banned.h"

#define INDEXES                                                                                    \
	"SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = "        \
	"'index' AND tbl_name IN ('persons', 'person_grams') AND sql IS NOT NULL ORDER BY name)"
#define ALL                                                                                        \
	"persons_birth persons_household persons_id_hash persons_phone_hash persons_pinyin "       \
	"persons_place"

static int setup(void **state)
{
	struct unit_db *u = test_calloc(1, sizeof(*u));
	if (unit_db_open(u->dir, u->path, "load", &u->db, &u->a, &u->e, 1))
		return -1;
	*state = u;
	return 0;
}

static int teardown(void **state)
{
	struct unit_db *u = *state;
	unit_db_close(u->dir, u->db, &u->a);
	test_free(u);
	return 0;
}

static const char *text(struct unit_db *u, const char *sql)
{
	const char *out = NULL;
	assert_int_equal(db_get_text(u->db, &u->e, &out, sql, DB_ARGS(DB_NOARGS)), 1);
	return out;
}

static int64_t pragma(struct unit_db *u, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_get_int(u->db, &u->e, &v, sql, DB_ARGS(DB_NOARGS)), 1);
	return v;
}
#define foreign_keys(u) pragma(u, "PRAGMA foreign_keys")
#define temp_store(u)   pragma(u, "PRAGMA temp_store") /* 1 file, 2 memory */
#define journal(u)      text(u, "PRAGMA journal_mode")
#define synchronous(u)  pragma(u, "PRAGMA synchronous") /* 1 normal, 2 full */
#define busy_ms(u)      pragma(u, "PRAGMA busy_timeout")

static void test_commit(void **state)
{
	struct unit_db *u = *state;
	struct people_load l;
	assert_string_equal(text(u, INDEXES), ALL);
	assert_int_equal(foreign_keys(u), 1);
	assert_int_equal(people_load_begin(u->db, &u->a, &l, &u->e), 0);
	assert_true(db_in_tx(u->db));
	assert_int_equal(l.n, 4);
	assert_string_equal(text(u, INDEXES), "persons_household persons_id_hash");
	assert_int_equal(foreign_keys(u), 0);
	assert_int_equal(temp_store(u), 1);
	assert_string_equal(journal(u), "delete");
	assert_int_equal(synchronous(u), 2); /* NORMAL is weaker in a rollback journal */
	assert_int_equal(busy_ms(u), 5000);
	assert_int_equal(people_load_end(u->db, &l, &u->e), 0);
	assert_false(db_in_tx(u->db));
	assert_string_equal(text(u, INDEXES), ALL);
	assert_int_equal(foreign_keys(u), 1);
	assert_int_equal(temp_store(u), 2);
	assert_string_equal(journal(u), "wal");
	assert_int_equal(synchronous(u), 1); /* the WAL's, with the group sync at commit */
	/* made again as they were: the index is used by name */
	assert_string_equal(text(u, "SELECT sql FROM sqlite_master WHERE name = 'persons_place'"),
	                    "CREATE INDEX persons_place ON persons (place_id, name_pinyin, id)");
}

static void test_abort(void **state)
{
	struct unit_db *u = *state;
	struct people_load l;
	assert_int_equal(people_load_begin(u->db, &u->a, &l, &u->e), 0);
	assert_string_equal(text(u, INDEXES), "persons_household persons_id_hash");
	assert_string_equal(journal(u), "delete");
	people_load_abort(u->db, &l);
	assert_false(db_in_tx(u->db));
	assert_string_equal(text(u, INDEXES), ALL);
	assert_int_equal(foreign_keys(u), 1);
	assert_int_equal(temp_store(u), 2);
	assert_string_equal(journal(u), "wal");
	assert_int_equal(synchronous(u), 1);
	people_load_abort(u->db, &l); /* twice: nothing more */
	assert_int_equal(foreign_keys(u), 1);
	assert_int_equal(temp_store(u), 2);
	assert_string_equal(journal(u), "wal");
}

/* another connection open (a server): the load stays in the WAL, and the other reads on */
static void test_not_alone(void **state)
{
	struct unit_db *u = *state;
	struct db *other;
	const char *n = NULL;
	assert_int_equal(db_open(&other, u->path, 0, &u->e), 0);
	assert_int_equal(
	    db_get_text(other, &u->e, &n, "SELECT count(*) FROM persons", DB_ARGS(DB_NOARGS)), 1);
	struct people_load l;
	int rc = people_load_begin(u->db, &u->a, &l, &u->e);
	if (rc)
		fail_msg("%s", u->e.msg);
	assert_string_equal(journal(u), "wal");
	assert_int_equal(l.wal_left, 0);
	assert_int_equal(synchronous(u), 1);
	assert_int_equal(busy_ms(u), 5000); /* asked without waiting, then as it was */
	assert_string_equal(text(u, INDEXES), "persons_household persons_id_hash");
	/* the load's transaction is not seen: every index still there */
	assert_int_equal(db_get_text(other, &u->e, &n,
	                             "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
	                             "name = 'persons_place'",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	assert_string_equal(n, "1");
	assert_int_equal(people_load_end(u->db, &l, &u->e), 0);
	assert_string_equal(journal(u), "wal");
	assert_string_equal(text(u, INDEXES), ALL);
	db_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_alone, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
