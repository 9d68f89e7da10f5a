/*
 * duties.c - unit tests of src/duties/duties.c: the roles and the kinds of place each is
 * held over, the vacancies they leave, dates, overlaps, the day before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "duties/duties.h"
#include "core/banned.h"

/* the chain of the "1231" model in order, each role held where it belongs */
static void test_roles(void **state)
{
	(void)state;
	size_t n;
	const struct duty_role *roles = duties_roles(&n);
	assert_int_equal(n, 8);
	for (size_t i = 1; i < n; i++)
		assert_true(roles[i - 1].level <= roles[i].level);
	assert_ptr_equal(duties_role("grid_worker"), &roles[5]);
	assert_null(duties_role("mayor"));
	assert_null(duties_role(NULL));
	const struct duty_role *sec = duties_role("branch_secretary");
	assert_string_equal(sec->name, "村党支部书记");
	assert_true(duties_role_may_hold(sec, "village"));
	assert_true(duties_role_may_hold(sec, "community"));
	assert_false(duties_role_may_hold(sec, "grid"));
	assert_false(duties_role_may_hold(sec, NULL));
	assert_true(duties_role_may_hold(duties_role("grid_worker"), "micro_grid"));
	assert_false(duties_role_may_hold(duties_role("grid_worker"), "building"));
	assert_true(duties_role_may_hold(duties_role("building_leader"), "unit"));
	assert_true(duties_role_may_hold(duties_role("group_leader"), "natural_village"));
	assert_true(duties_role_may_hold(duties_role("area_leader"), "compound"));
	assert_true(duties_role_may_hold(duties_role("party_contact"), "building"));
	assert_false(duties_role_may_hold(duties_role("party_contact"), "dwelling"));
	/* one holder at a time, but for party members over households */
	assert_true(sec->exclusive);
	assert_false(duties_role("party_contact")->exclusive);
}

/* where a place without a holder is a vacancy */
static void test_expected(void **state)
{
	(void)state;
	assert_true(duties_role_expected(duties_role("branch_secretary"), "village"));
	assert_true(duties_role_expected(duties_role("grid_worker"), "grid"));
	assert_false(duties_role_expected(duties_role("grid_worker"), "micro_grid"));
	assert_true(duties_role_expected(duties_role("group_leader"), "group"));
	assert_true(duties_role_expected(duties_role("building_leader"), "building"));
	assert_false(duties_role_expected(duties_role("building_leader"), "unit"));
	assert_false(duties_role_expected(duties_role("first_secretary"), "village"));
	assert_false(duties_role_expected(duties_role("party_contact"), "building"));
}

static void test_dates(void **state)
{
	(void)state;
	struct err e;
	err_clear(&e);
	assert_int_equal(duties_dates_check("2026-03-01", NULL, &e), 0);
	assert_int_equal(duties_dates_check("2026-03-01", "2026-03-01", &e), 0);
	assert_int_equal(duties_dates_check("2026-03-02", "2026-03-01", &e), -1);
	assert_string_equal(e.code, "duties.dates");
	assert_string_equal(e.field, "to_date");
	assert_int_equal(e.status, 400);
	assert_int_equal(duties_dates_check("2026-02-30", NULL, &e), -1);
	assert_string_equal(e.field, "from_date");
	assert_int_equal(duties_dates_check("2026-02-01", "2026-13-01", &e), -1);
	assert_string_equal(e.code, "json.date");
	assert_string_equal(e.field, "to_date");
	assert_int_equal(duties_dates_check(NULL, NULL, &e), -1);
	assert_string_equal(e.code, "json.required");
}

static void test_overlap(void **state)
{
	(void)state;
	/* inclusive ends: the day a duty ends is still its day */
	assert_true(duties_overlap("2026-01-01", "2026-03-01", "2026-03-01", NULL));
	assert_false(duties_overlap("2026-01-01", "2026-02-28", "2026-03-01", NULL));
	assert_false(duties_overlap("2026-03-01", NULL, "2026-01-01", "2026-02-28"));
	assert_true(duties_overlap("2026-01-01", NULL, "2020-01-01", NULL));
	assert_true(duties_overlap("2026-01-01", NULL, "2027-01-01", "2027-02-01"));
	assert_true(duties_overlap("2026-01-10", "2026-01-20", "2026-01-01", "2026-12-31"));
	assert_true(duties_active_on("2026-01-01", NULL, "2026-03-03"));
	assert_true(duties_active_on("2026-01-01", "2026-03-03", "2026-03-03"));
	assert_false(duties_active_on("2026-01-01", "2026-03-02", "2026-03-03"));
	assert_false(duties_active_on("2026-03-04", NULL, "2026-03-03"));
}

static void test_day_before(void **state)
{
	(void)state;
	char out[11];
	static const char *const cases[][2] = {
		{ "2026-03-03", "2026-03-02" }, { "2026-03-01", "2026-02-28" },
		{ "2024-03-01", "2024-02-29" }, { "2000-03-01", "2000-02-29" },
		{ "1900-03-01", "1900-02-28" }, { "2026-01-01", "2025-12-31" },
		{ "2026-05-01", "2026-04-30" }, { "2026-08-01", "2026-07-31" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duties_day_before(cases[i][0], out);
		assert_string_equal(out, cases[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),      cmocka_unit_test(test_expected),
		cmocka_unit_test(test_dates),      cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_day_before),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
