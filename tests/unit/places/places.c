/* places.c - unit tests of src/places/places.c: NBS division files and display names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "places/places.h"
#include "core/banned.h"

struct fx {
	struct arena a;
	struct err e;
	struct nbs_row *rows;
	size_t n;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_release(&f->a);
	free(f);
	return 0;
}

static int parse(struct fx *f, const char *text, const char *under)
{
	err_clear(&f->e);
	f->rows = NULL;
	f->n = 0;
	return places_nbs_parse(&f->a, text, strlen(text), under, &f->rows, &f->n, &f->e);
}

/* Every row's parent comes earlier in the list, with the level above. */
static void assert_parents_first(const struct nbs_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].parent[0]) {
			assert_int_equal(rows[i].level, 0);
			continue;
		}
		size_t j;
		for (j = 0; j < i; j++)
			if (!strcmp(rows[j].code, rows[i].parent))
				break;
		if (j == i)
			fail_msg("%s comes before its parent %s", rows[i].code, rows[i].parent);
		assert_int_equal(rows[j].level, rows[i].level - 1);
	}
}

static void test_shanxi_town(void **state)
{
	struct fx *f = *state;
	size_t len = 0;
	const char *text = places_nbs_shanxi(&len);
	assert_non_null(text);
	assert_true(len > 100000);
	assert_int_equal(places_nbs_parse(&f->a, text, len, "140406101", &f->rows, &f->n, &f->e),
	                 0);
	int per_level[5] = { 0 };
	for (size_t i = 0; i < f->n; i++) {
		assert_in_range(f->rows[i].level, 0, 4);
		per_level[f->rows[i].level]++;
		assert_int_equal(strlen(f->rows[i].code), 12);
		assert_int_equal(strspn(f->rows[i].code, "0123456789"), 12);
		if (f->rows[i].level > 0)
			assert_int_equal(strlen(f->rows[i].parent), 12);
	}
	assert_int_equal(f->n, 22);
	assert_int_equal(per_level[0], 1);
	assert_int_equal(per_level[1], 1);
	assert_int_equal(per_level[2], 1);
	assert_int_equal(per_level[3], 1);
	assert_int_equal(per_level[4], 18);
	assert_parents_first(f->rows, f->n);

	/* the ancestors, padded to 12 digits */
	assert_string_equal(f->rows[0].code, "140000000000");
	assert_string_equal(f->rows[0].parent, "");
	assert_string_equal(f->rows[0].name, "山西省");
	assert_string_equal(f->rows[0].kind, "province");
	assert_string_equal(f->rows[1].code, "140400000000");
	assert_string_equal(f->rows[1].parent, "140000000000");
	assert_string_equal(f->rows[1].kind, "city");
	assert_string_equal(f->rows[2].code, "140406000000");
	assert_string_equal(f->rows[2].parent, "140400000000");
	assert_string_equal(f->rows[2].kind, "county");
	assert_string_equal(f->rows[3].code, "140406101000");
	assert_string_equal(f->rows[3].name, "微子镇");
	assert_string_equal(f->rows[3].kind, "town");
	/* the villages: short names, sorted by code */
	assert_string_equal(f->rows[4].code, "140406101204");
	assert_string_equal(f->rows[4].parent, "140406101000");
	assert_string_equal(f->rows[4].name, "秦家山村");
	assert_string_equal(f->rows[4].kind, "village");
	for (size_t i = 4; i < f->n; i++) {
		assert_int_equal(f->rows[i].level, 4);
		assert_memory_equal(f->rows[i].code, "140406101", 9);
		assert_null(strstr(f->rows[i].name, "委员会"));
		assert_null(strstr(f->rows[i].name, "村委会"));
		if (i > 4)
			assert_true(strcmp(f->rows[i - 1].code, f->rows[i].code) < 0);
	}
	assert_string_equal(f->rows[f->n - 1].code, "140406101230");
	assert_string_equal(f->rows[f->n - 1].name, "李园村");
}

static void test_shanxi_whole_and_prefixes(void **state)
{
	struct fx *f = *state;
	size_t len = 0;
	const char *text = places_nbs_shanxi(&len);
	/* the whole file: every line but the header, parents first */
	assert_int_equal(places_nbs_parse(&f->a, text, len, NULL, &f->rows, &f->n, &f->e), 0);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		lines++;
	assert_int_equal(f->n, lines - 1);
	assert_parents_first(f->rows, f->n);
	for (size_t i = 1; i < f->n; i++)
		assert_true(f->rows[i - 1].level <= f->rows[i].level);

	/* every prefix length selects ancestors and a subtree */
	static const char *const unders[] = { "14", "1404", "140406", "140406101", "140406101204" };
	size_t prev = f->n;
	for (size_t u = 0; u < sizeof(unders) / sizeof(unders[0]); u++) {
		struct nbs_row *rows;
		size_t n;
		assert_int_equal(places_nbs_parse(&f->a, text, len, unders[u], &rows, &n, &f->e),
		                 0);
		assert_true(n > 0);
		assert_true(n <= prev);
		prev = n;
		assert_parents_first(rows, n);
		for (size_t i = 0; i < n; i++) {
			static const size_t digits[] = { 2, 4, 6, 9, 12 };
			size_t ul = strlen(unders[u]), cl = digits[rows[i].level];
			/* each row is an ancestor of `under` or inside it */
			int inside = !strncmp(rows[i].code, unders[u], ul);
			int ancestor = cl < ul && !strncmp(unders[u], rows[i].code, cl);
			if (!inside && !ancestor)
				fail_msg("%s is outside %s", rows[i].code, unders[u]);
		}
	}
	assert_int_equal(prev, 5); /* one village and its four ancestors */
	/* a prefix that names nothing selects nothing */
	assert_int_equal(places_nbs_parse(&f->a, text, len, "999999", &f->rows, &f->n, &f->e), 0);
	assert_int_equal(f->n, 0);
}

static void test_short_name(void **state)
{
	static const struct {
		const char *in, *out, *kind;
	} cases[] = {
		{ "秦家山村村委会", "秦家山村", "village" },
		{ "冯村村民委员会", "冯村", "village" },
		{ "东城社区居民委员会", "东城社区", "community" },
		{ "东城社区居委会", "东城社区", "community" },
		{ "南关居民委员会", "南关", "community" },
		{ "南关居委会", "南关", "community" },
		{ "xx社区居民委员会", "xx社区", "community" },
		/* nothing to shorten: the kind is left as the caller had it */
		{ "微子镇", "微子镇", NULL },
		{ "村委会", "村委会", NULL }, /* a name that is only the suffix stays whole */
		{ "", "", NULL },
	};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *kind = NULL;
		const char *s = places_short_name(&f->a, cases[i].in, &kind);
		assert_string_equal(s, cases[i].out);
		if (cases[i].kind)
			assert_string_equal(kind, cases[i].kind);
		else
			assert_null(kind);
	}
	/* kind may be NULL */
	assert_string_equal(places_short_name(&f->a, "冯村村委会", NULL), "冯村");
}

#define HDR "code,name,level,parent_code\n"

static void test_small_file(void **state)
{
	struct fx *f = *state;
	/* children before parents in the file; CRLF; a BOM; blank lines */
	const char *text = "\xef\xbb\xbf"
	                   "code,name,level,parent_code\r\n"
	                   "140406101204,秦家山村村委会,village,140406101\r\n"
	                   "\r\n"
	                   "140406101,微子镇,town,140406\r\n"
	                   "140406,潞城区,county,1404\r\n"
	                   "1404,长治市,city,14\r\n"
	                   "14,山西省,province,\r\n"
	                   "140406101001,东城社区居民委员会,village,140406101";
	assert_int_equal(parse(f, text, NULL), 0);
	assert_int_equal(f->n, 6);
	assert_parents_first(f->rows, f->n);
	assert_string_equal(f->rows[0].name, "山西省");
	assert_string_equal(f->rows[4].code, "140406101001");
	assert_string_equal(f->rows[4].name, "东城社区");
	assert_string_equal(f->rows[4].kind, "community");
	assert_string_equal(f->rows[5].name, "秦家山村");
	assert_string_equal(f->rows[5].kind, "village");
	/* a town named like a committee keeps its level as its kind */
	assert_int_equal(parse(f,
	                       HDR "14,山西省,province,\n1404,长治市,city,14\n"
	                           "140406,潞城区,county,1404\n"
	                           "140406101,某居委会,town,140406\n",
	                       NULL),
	                 0);
	assert_string_equal(f->rows[3].kind, "town");
	/* just the header */
	assert_int_equal(parse(f, HDR, NULL), 0);
	assert_int_equal(f->n, 0);
}

static void expect_line_error(struct fx *f, const char *text, const char *under, int line,
                              const char *what)
{
	char want[32];
	if (parse(f, text, under) != -1)
		fail_msg("accepted: %s", what);
	assert_int_equal(f->e.status, 400);
	snprintf(want, sizeof(want), "line %d:", line);
	assert_contains(f->e.msg, want);
	assert_contains(f->e.msg, what);
}

static void test_bad_header(void **state)
{
	struct fx *f = *state;
	expect_line_error(f, "code,name,level\n14,山西省,province,\n", NULL, 1, "header");
	assert_string_equal(f->e.code, "places.nbs_header");
	expect_line_error(f, "14,山西省,province,\n", NULL, 1, "header");
}

static void test_bad_lines(void **state)
{
	struct fx *f = *state;
	expect_line_error(f, HDR "14,山西省,state,\n", NULL, 2, "unknown level 'state'");
	assert_string_equal(f->e.code, "places.nbs_line");
	expect_line_error(f, HDR "14,山西省,province,\n140,长治市,city,14\n", NULL, 3,
	                  "code '140' does not fit level city");
	expect_line_error(f, HDR "1404,山西省,province,\n", NULL, 2, "does not fit level province");
	expect_line_error(f, HDR "14,山西省,province,\n14O4,长治市,city,14\n", NULL, 3,
	                  "does not fit");
	expect_line_error(f, HDR "14,山西省,province,\n1404,长治市,city,15\n", NULL, 3,
	                  "parent '15' does not fit code '1404'");
	expect_line_error(f, HDR "14,山西省,province,\n1404,长治市,city,\n", NULL, 3,
	                  "parent '' does not fit");
	expect_line_error(f, HDR "14,山西省,province,1\n", NULL, 2, "parent '1' does not fit");
	expect_line_error(f, HDR "14,山西省,province,\n140406,潞城区,county,14\n", NULL, 3,
	                  "parent '14' does not fit"); /* skips a level */
	expect_line_error(f, HDR "\n\n14,山西省,province\n", NULL, 4, "4 comma-separated fields");
	expect_line_error(f, HDR "14,山西省,province,,\n", NULL, 2, "4 comma-separated fields");
	expect_line_error(f, HDR "14,,province,\n", NULL, 2, "name must be");
	expect_line_error(f, HDR "14,\xff\xfe,province,\n", NULL, 2, "name must be");
	char nul[] = HDR "14,山西\0省,province,\n";
	err_clear(&f->e);
	assert_int_equal(
	    places_nbs_parse(&f->a, nul, sizeof(nul) - 1, NULL, &f->rows, &f->n, &f->e), -1);
	assert_contains(f->e.msg, "line 2:");
}

static void test_bad_under(void **state)
{
	static const char *const bad[] = { "",        "1",          "140",           "14040",
		                           "1404061", "1404061012", "1404061012041", "14a4",
		                           "14 4" };
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(f, HDR "14,山西省,province,\n", bad[i]) != -1)
			fail_msg("under '%s' was accepted", bad[i]);
		assert_string_equal(f->e.code, "places.code_invalid");
		assert_string_equal(f->e.field, "under");
	}
}

static void test_orphan(void **state)
{
	struct fx *f = *state;
	/* the town is missing: its village cannot be loaded under the county */
	const char *text = HDR "14,山西省,province,\n1404,长治市,city,14\n"
	                       "140406,潞城区,county,1404\n"
	                       "140406101204,秦家山村村委会,village,140406101\n";
	assert_int_equal(parse(f, text, "140406"), -1);
	assert_string_equal(f->e.code, "places.nbs_orphan");
	assert_contains(f->e.msg, "140406101204");
	assert_contains(f->e.msg, "140406101000");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_shanxi_town), T(test_shanxi_whole_and_prefixes),
		T(test_short_name),  T(test_small_file),
		T(test_bad_header),  T(test_bad_lines),
		T(test_bad_under),   T(test_orphan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
