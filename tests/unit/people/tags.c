/*
 * tags.c - unit tests of tag_rules_person (src/people/tags.c): each rule at its boundary,
 * on the exact birthday, and who gets none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "core/banned.h"

/* the tags of f on today, joined with ',' */
static const char *tags(const struct person_facts *f, const char *today)
{
	static char buf[128];
	const char *out[8];
	size_t n = tag_rules_person(f, today, out, 8);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, sizeof(buf) - l, "%s%s", i ? "," : "", out[i]);
	}
	return buf;
}

static void test_ages(void **state)
{
	(void)state;
	struct person_facts f = { "1946-05-10", "present", 2, 2 };
	assert_string_equal(tags(&f, "2026-05-09"), "");       /* 79 */
	assert_string_equal(tags(&f, "2026-05-10"), "aged80"); /* 80 on the birthday */
	f.birth = "2008-05-10";
	assert_string_equal(tags(&f, "2026-05-09"), "minor"); /* 17 */
	assert_string_equal(tags(&f, "2026-05-10"), "");      /* 18 on the birthday */
	f.birth = "2026-05-10";
	assert_string_equal(tags(&f, "2026-05-10"), "minor"); /* born today */
	f.birth = "2008-02-29";
	assert_string_equal(tags(&f, "2026-02-28"), "minor"); /* 18 only on 1 March */
	assert_string_equal(tags(&f, "2026-03-01"), "");
}

static void test_elderly_alone(void **state)
{
	(void)state;
	struct person_facts f = { "1966-05-10", "present", 1, 3 };
	assert_string_equal(tags(&f, "2026-05-09"), "");              /* 59 */
	assert_string_equal(tags(&f, "2026-05-10"), "elderly_alone"); /* 60 */
	f.household_present = 2;                                      /* somebody else is at home */
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.household_present = 0; /* counts that leave the person out still mean alone */
	assert_string_equal(tags(&f, "2026-05-10"), "elderly_alone");
	f.household_present = 1;
	f.status = "away"; /* not living there now */
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.birth = "1936-05-10";
	assert_string_equal(tags(&f, "2026-05-10"), "aged80");
	f.status = "present";
	assert_string_equal(tags(&f, "2026-05-10"), "aged80,elderly_alone");
}

static void test_none(void **state)
{
	(void)state;
	struct person_facts f = { "1936-05-10", "deceased", 1, 1 };
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.status = "moved_out";
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.status = "present";
	f.birth = NULL;
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.birth = "1936-02-30";
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.birth = "2027-01-01"; /* after today */
	assert_string_equal(tags(&f, "2026-05-10"), "");
	f.birth = "1936-05-10";
	assert_string_equal(tags(&f, "2026-13-10"), ""); /* a bad today */
	assert_int_equal(tag_rules_person(NULL, "2026-05-10", NULL, 0), 0);
	/* no status: the age tags, not the one about who is at home */
	f.status = NULL;
	assert_string_equal(tags(&f, "2026-05-10"), "aged80");
}

static void test_max(void **state)
{
	(void)state;
	struct person_facts f = { "1936-05-10", "present", 1, 1 };
	const char *out[2] = { NULL, NULL };
	assert_int_equal(tag_rules_person(&f, "2026-05-10", out, 2), 2);
	assert_int_equal(tag_rules_person(&f, "2026-05-10", out, 1), 1);
	assert_string_equal(out[0], "aged80");
	out[0] = NULL;
	assert_int_equal(tag_rules_person(&f, "2026-05-10", out, 0), 0);
	assert_null(out[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ages),
		cmocka_unit_test(test_elderly_alone),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
