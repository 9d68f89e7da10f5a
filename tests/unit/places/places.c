/*
 * places.c - unit tests of src/places/places.c: the kinds and where they hang, decimal
 * values, GeoJSON, town paths, NBS division files, display names and kinds, zones, the
 * key names are compared by.
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
		/* clipped forms as the NBS publishes some */
		{ "东南村村委", "东南村", "village" },
		{ "沟口子村村民委会", "沟口子村", "village" },
		{ "岚峪村村民委员", "岚峪村", "village" },
		{ "新建社区居委", "新建社区", "community" },
		{ "邮电新村社区居民委员", "邮电新村社区", "community" },
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

/* places_name_key: what places_resolve and the importer compare names by */
static void test_name_key(void **state)
{
	static const struct {
		const char *in, *key;
	} cases[] = {
		{ "秦家山村", "秦家山" },
		{ "秦家山", "秦家山" },
		{ "秦家山村委会", "秦家山" },
		{ "东城社区", "东城" },
		{ "东城社区居委会", "东城" },
		{ "第一村民小组", "1" },
		{ "一组", "1" },
		{ "01组", "1" },
		{ "十二组", "12" },
		{ "二十三队", "23" },
		{ "第3组", "3" },
		{ "微子镇", "微子镇" },
		{ "村", "村" },
		{ "", "" },
	};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(places_name_key(&f->a, cases[i].in), cases[i].key))
			fail_msg("'%s': key '%s', not '%s'", cases[i].in,
			         places_name_key(&f->a, cases[i].in), cases[i].key);
}

static void test_kinds(void **state)
{
	(void)state;
	size_t n;
	const struct place_kind *k = places_kinds(&n);
	assert_true(n >= 14);
	/* every parent named in the table is a kind of the same tree, or a village/community */
	for (size_t i = 0; i < n; i++) {
		assert_non_null(places_kind(k[i].name));
		for (int j = 0; j < 6 && k[i].parents[j]; j++) {
			const struct place_kind *p = places_kind(k[i].parents[j]);
			assert_non_null(p);
			if (!strcmp(k[i].tree, "grid") && strcmp(p->tree, "grid"))
				assert_true(!strcmp(p->name, "village") ||
				            !strcmp(p->name, "community"));
		}
	}
	static const struct {
		const char *kind, *parent;
		int ok;
	} cases[] = {
		{ "province", NULL, 1 },
		{ "city", NULL, 0 },
		{ "city", "province", 1 },
		{ "county", "city", 1 },
		{ "town", "county", 1 },
		{ "town", "city", 0 },
		{ "village", "town", 1 },
		{ "community", "town", 1 },
		{ "village", "county", 0 },
		{ "natural_village", "village", 1 },
		{ "natural_village", "community", 0 },
		{ "group", "village", 1 },
		{ "group", "natural_village", 1 },
		{ "group", "community", 0 },
		{ "compound", "community", 1 },
		{ "compound", "village", 1 },
		{ "compound", "town", 0 },
		{ "building", "compound", 1 },
		{ "building", "community", 1 },
		{ "building", "village", 1 },
		{ "building", "natural_village", 1 },
		{ "building", "unit", 0 },
		{ "building", "building", 0 },
		{ "unit", "building", 1 },
		{ "unit", "compound", 0 },
		{ "dwelling", "unit", 1 },
		{ "dwelling", "building", 1 },
		/* a rural house: a dwelling under its village, natural village or group */
		{ "dwelling", "village", 1 },
		{ "dwelling", "natural_village", 1 },
		{ "dwelling", "group", 1 },
		{ "dwelling", "compound", 0 },
		{ "dwelling", "dwelling", 0 },
		{ "grid", "village", 1 },
		{ "grid", "community", 1 },
		{ "grid", "town", 0 },
		{ "grid", "compound", 0 },
		{ "grid", "grid", 0 },
		{ "micro_grid", "grid", 1 },
		{ "micro_grid", "village", 0 },
		{ "micro_grid", "micro_grid", 0 },
		{ "building", "grid", 0 },
		{ "nonsense", "village", 0 },
		{ "building", "nonsense", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (places_kind_may_hang(cases[i].kind, cases[i].parent) != cases[i].ok)
			fail_msg("%s under %s: expected %d", cases[i].kind,
			         cases[i].parent ? cases[i].parent : "(root)", cases[i].ok);
	/* which kinds come from the NBS, which carry dwelling attributes, which tree */
	assert_int_equal(places_kind("village")->nbs, 1);
	assert_int_equal(places_kind("community")->nbs, 1);
	assert_int_equal(places_kind("compound")->nbs, 0);
	assert_int_equal(places_kind("dwelling")->attrs, PLACE_FLOOR | PLACE_ROOM | PLACE_AREA);
	assert_int_equal(places_kind("building")->attrs, PLACE_FLOORS | PLACE_BASEMENTS);
	assert_string_equal(places_kind("micro_grid")->tree, "grid");
	assert_string_equal(places_kind("dwelling")->tree, "physical");
	assert_null(places_kind(NULL));
}

static void test_decimals(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int scale;
		int64_t min, max, out;
		int ok;
	} cases[] = {
		{ "36.1234567", 7, -900000000, 900000000, 361234567, 1 },
		{ "-36.1234567", 7, -900000000, 900000000, -361234567, 1 },
		{ "36.1", 7, -900000000, 900000000, 361000000, 1 },
		{ "36", 7, -900000000, 900000000, 360000000, 1 },
		{ "90", 7, -900000000, 900000000, 900000000, 1 },
		{ "90.0000001", 7, -900000000, 900000000, 0, 0 },
		{ "-90.0000001", 7, -900000000, 900000000, 0, 0 },
		{ "36.12345678", 7, -900000000, 900000000, 0, 0 }, /* an eighth decimal */
		{ "86.50", 2, 1, 100000000, 8650, 1 },
		{ "86.5", 2, 1, 100000000, 8650, 1 },
		{ "0.01", 2, 1, 100000000, 1, 1 },
		{ "0", 2, 1, 100000000, 0, 0 },
		{ "0.00", 2, 1, 100000000, 0, 0 },
		{ "86.555", 2, 1, 100000000, 0, 0 },
		{ "1000000", 2, 1, 100000000, 100000000, 1 },
		{ "1000000.01", 2, 1, 100000000, 0, 0 },
		{ "", 2, 0, 100, 0, 0 },
		{ "-", 2, -100, 100, 0, 0 },
		{ ".5", 2, 0, 100, 0, 0 },
		{ "5.", 2, 0, 100, 0, 0 },
		{ "1e3", 2, 0, 1000000, 0, 0 },
		{ " 5", 2, 0, 1000, 0, 0 },
		{ "5 ", 2, 0, 1000, 0, 0 },
		{ "+5", 2, 0, 1000, 0, 0 },
		{ "0x10", 2, 0, 10000, 0, 0 },
		{ "999999999999999999999", 2, 0, INT64_MAX, 0, 0 },
		{ "12", 0, 0, 100, 12, 1 },
		{ "12.5", 0, 0, 100, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -42;
		int rc = places_decimal_parse(cases[i].in, cases[i].scale, cases[i].min,
		                              cases[i].max, &v);
		if ((rc == 0) != cases[i].ok)
			fail_msg("'%s' at scale %d: expected %s", cases[i].in, cases[i].scale,
			         cases[i].ok ? "accepted" : "refused");
		if (cases[i].ok)
			assert_int_equal(v, cases[i].out);
	}
	assert_int_equal(places_decimal_parse(NULL, 2, 0, 1, &(int64_t){ 0 }), -1);

	/* JSON numbers: integers exactly, reals allowing for a double's rounding */
	struct {
		json_t *v;
		int scale;
		int64_t out;
		int ok;
	} js[] = {
		{ json_real(86.55), 2, 8655, 1 },
		{ json_real(86.5), 2, 8650, 1 },
		{ json_real(86.555), 2, 0, 0 },
		{ json_real(0.1), 2, 10, 1 },
		{ json_integer(120), 2, 12000, 1 },
		{ json_real(116.3974700), 7, 1163974700, 1 },
		{ json_real(-179.9999999), 7, -1799999999, 1 },
		{ json_real(36.12345678), 7, 0, 0 },
		{ json_string("86.5"), 2, 0, 0 },
		{ json_true(), 2, 0, 0 },
		{ json_null(), 2, 0, 0 },
		{ json_real(1e300), 2, 0, 0 },
		{ json_integer(INT64_MAX), 2, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(js) / sizeof(js[0]); i++) {
		int64_t v = -42;
		int rc =
		    places_decimal_json(js[i].v, js[i].scale, INT64_MIN / 2, INT64_MAX / 2, &v);
		if ((rc == 0) != js[i].ok)
			fail_msg("JSON case %zu: expected %s", i,
			         js[i].ok ? "accepted" : "refused");
		if (js[i].ok)
			assert_int_equal(v, js[i].out);
		json_decref(js[i].v);
	}
	/* the range applies to JSON too */
	json_t *big = json_real(90.5);
	assert_int_equal(places_decimal_json(big, 7, -900000000, 900000000, &(int64_t){ 0 }), -1);
	json_decref(big);

	char buf[48];
	places_decimal_format(361234567, 7, buf);
	assert_string_equal(buf, "36.1234567");
	places_decimal_format(-5, 7, buf);
	assert_string_equal(buf, "-0.0000005");
	places_decimal_format(8650, 2, buf);
	assert_string_equal(buf, "86.50");
	places_decimal_format(1, 2, buf);
	assert_string_equal(buf, "0.01");
	places_decimal_format(-1800000000, 7, buf);
	assert_string_equal(buf, "-180.0000000");
	places_decimal_format(12, 0, buf);
	assert_string_equal(buf, "12");
}

static int geo(struct fx *f, const char *text, const char **out)
{
	err_clear(&f->e);
	*out = NULL;
	return places_geojson_parse(&f->a, text, strlen(text), out, &f->e);
}

static void expect_geo_error(struct fx *f, const char *text, const char *what)
{
	const char *out;
	if (geo(f, text, &out) != -1)
		fail_msg("accepted: %s", text);
	assert_int_equal(f->e.status, 400);
	assert_string_equal(f->e.field, "geojson");
	assert_contains(f->e.msg, what);
}

#define SQUARE "[[116.39,39.9],[116.40,39.9],[116.40,39.91],[116.39,39.91],[116.39,39.9]]"

static void test_geojson(void **state)
{
	struct fx *f = *state;
	const char *out;
	assert_int_equal(geo(f, "{\"type\": \"Polygon\", \"coordinates\": [" SQUARE "]}", &out), 0);
	assert_string_equal(out,
	                    "{\"type\":\"Polygon\",\"coordinates\":[[[116.39,39.9],[116.4,39.9],"
	                    "[116.4,39.91],[116.39,39.91],[116.39,39.9]]]}");
	/* a hole, an altitude, integers, a bbox (dropped), members in any order */
	assert_int_equal(geo(f,
	                     "{\"coordinates\": [" SQUARE
	                     ", [[116.395,39.905,12],[116.396,39.905,12],"
	                     "[116.396,39.906,12],[116.395,39.905,12]]], \"bbox\": [1,2,3,4], "
	                     "\"type\": \"Polygon\"}",
	                     &out),
	                 0);
	assert_contains(out, "[116.395,39.905,12]");
	assert_null(strstr(out, "bbox"));
	assert_int_equal(geo(f,
	                     "{\"type\": \"MultiPolygon\", \"coordinates\": [[" SQUARE "], "
	                     "[[[0,0],[1,0],[1,1],[0,0]]]]}",
	                     &out),
	                 0);
	assert_contains(out, "\"MultiPolygon\"");
	assert_contains(out, "[[[0,0],[1,0],[1,1],[0,0]]]]");
	/* -0.0 is written 0, so the output reads back the same (found by fuzz_geojson) */
	assert_int_equal(geo(f,
	                     "{\"type\":\"Polygon\",\"coordinates\":"
	                     "[[[0,-0E1],[1,0],[1,1],[0,-0.0]]]}",
	                     &out),
	                 0);
	assert_contains(out, "[[[0,0],[1,0],[1,1],[0,0]]]");
	/* the edges of the ranges */
	assert_int_equal(geo(f,
	                     "{\"type\":\"Polygon\",\"coordinates\":"
	                     "[[[-180,-90],[180,-90],[180,90],[-180,-90]]]}",
	                     &out),
	                 0);

	expect_geo_error(f, "{\"type\": \"Point\", \"coordinates\": [1, 2]}", "Polygon");
	expect_geo_error(f, "{\"coordinates\": [" SQUARE "]}", "Polygon");
	expect_geo_error(f, "{\"type\": \"Polygon\"}", "coordinates");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": []}", "non-empty");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": {}}", "array");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[0,0]]]}",
	                 "fewer than 4");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[1,1],[0,1]]]}",
	                 "not closed");
	expect_geo_error(f,
	                 "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[1,1],[0,0,5]]]}",
	                 "not closed");
	expect_geo_error(f,
	                 "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[181,0],[1,1],[0,0]]]}",
	                 "outside");
	expect_geo_error(
	    f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,-90.5],[1,1],[0,0]]]}",
	    "outside");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1],[1,1],[0,0]]]}",
	                 "not [lng, lat]");
	expect_geo_error(
	    f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0,0,0],[1,1],[0,0]]]}",
	    "not [lng, lat]");
	expect_geo_error(
	    f, "{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[\"1\",0],[1,1],[0,0]]]}",
	    "numbers");
	expect_geo_error(f, "{\"type\": \"Polygon\", \"coordinates\": [" SQUARE "], \"x\": 1}",
	                 "unknown member 'x'");
	expect_geo_error(f, "{\"type\": \"MultiPolygon\", \"coordinates\": []}", "at least one");
	expect_geo_error(f, "{\"type\": \"MultiPolygon\", \"coordinates\": [" SQUARE "]}",
	                 "polygon 1");
	expect_geo_error(f, "[1, 2]", "GeoJSON");
	expect_geo_error(f, "{\"type\": \"Polygon\",", "");
	assert_string_equal(f->e.code, "json.malformed");

	/* the size cap */
	struct strbuf sb;
	strbuf_init(&sb, &f->a, 0);
	strbuf_adds(&sb, "{\"type\":\"Polygon\",\"coordinates\":[[[0,0]");
	for (int i = 0; i < PLACES_GEOJSON_MAX; i++)
		strbuf_addf(&sb, ",[%d.5,1]", i % 100);
	strbuf_adds(&sb, ",[0,0]]]}");
	assert_int_equal(geo(f, sb.buf, &out), -1);
	assert_string_equal(f->e.code, "places.geojson_too_large");
}

static void test_paths(void **state)
{
	struct fx *f = *state;
	size_t n;
	const char **ids = places_path_ids(&f->a, "/140000000000/140400000000/01ABC/", &n);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "140000000000");
	assert_string_equal(ids[2], "01ABC");
	places_path_ids(&f->a, "/", &n);
	assert_int_equal(n, 0);
	places_path_ids(&f->a, "", &n);
	assert_int_equal(n, 0);
	assert_string_equal(places_town_path(&f->a, "/14/1404/140406/140406101/140406101204/X/"),
	                    "/14/1404/140406/140406101/");
	assert_string_equal(places_town_path(&f->a, "/14/1404/140406/140406101/"),
	                    "/14/1404/140406/140406101/");
	assert_null(places_town_path(&f->a, "/14/1404/140406/"));
	assert_null(places_town_path(&f->a, NULL));
}

/* a dwelling's floor against its building's: 1..floors above ground, -basements..-1 below */
static void test_floor_inside(void **state)
{
	struct fx *f = *state;
	assert_true(places_floor_inside(1, 6, 0));
	assert_true(places_floor_inside(6, 6, 0));
	assert_false(places_floor_inside(7, 6, 0));
	assert_false(places_floor_inside(0, 6, 0));
	assert_false(places_floor_inside(0, 6, 2));
	assert_false(places_floor_inside(-1, 6, 0));
	assert_true(places_floor_inside(-1, 6, 1));
	assert_true(places_floor_inside(-2, 6, 2));
	assert_false(places_floor_inside(-3, 6, 2));
	assert_false(places_floor_inside(-9, 200, 0));
	assert_true(places_floor_inside(200, 200, 9));
	assert_string_equal(places_floors_text(&f->a, 6, 0), "1–6");
	assert_string_equal(places_floors_text(&f->a, 6, 2), "-2–6 (no floor 0)");
	assert_int_equal(places_kind("unit")->attrs, 0);
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

static void test_nbs_kind(void **state)
{
	(void)state;
	static const struct {
		const char *name, *town, *kind;
		unsigned flags;
	} cases[] = {
		{ "秦家山村村委会", "微子镇", "village", 0 },
		{ "东城社区居民委员会", "微子镇", "community", 0 },
		{ "北京经济技术开发区虚拟社区", "某街道", "community", NBS_VIRTUAL },
		{ "文景街道虚拟社区", "文景街道", "community", NBS_VIRTUAL },
		{ "机场工作区社区", "某镇", "community", 0 },
		{ "西铁营村", "某街道", "village", 0 }, /* the name says village */
		{ "卜尔汉图嘎查", "某苏木", "village", 0 },
		{ "东青社区居委会（含东青村村委）", "某镇", "community", 0 },
		{ "前进村委会（唐李湾）", "某镇", "village", 0 },
		/* nothing in the name: the town decides */
		{ "小营股份经济合作社生活区", "某街道", "community", 0 },
		{ "小营股份经济合作社生活区", "某街道办事处", "community", 0 },
		{ "山海关林场管理区", "某镇", "village", 0 },
		{ "山海关林场管理区", NULL, "village", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned flags = 99;
		const char *kind = places_nbs_kind(cases[i].name, cases[i].town, &flags);
		if (strcmp(kind, cases[i].kind) || flags != cases[i].flags)
			fail_msg("%s (in %s): %s %u, expected %s %u", cases[i].name,
			         cases[i].town ? cases[i].town : "-", kind, flags, cases[i].kind,
			         cases[i].flags);
	}
	/* development zones: counties coded x71..x79, towns coded 400..599, and all under them */
	assert_int_equal(places_nbs_zone("130171000000", 2), NBS_ZONE);
	assert_int_equal(places_nbs_zone("130179000000", 2), NBS_ZONE);
	assert_int_equal(places_nbs_zone("130171001000", 3), NBS_ZONE);
	assert_int_equal(places_nbs_zone("130171001201", 4), NBS_ZONE);
	assert_int_equal(places_nbs_zone("130170000000", 2), 0);
	assert_int_equal(places_nbs_zone("130181000000", 2), 0);
	assert_int_equal(places_nbs_zone("130100000000", 1), 0);
	assert_int_equal(places_nbs_zone("110115403000", 3), NBS_ZONE);
	assert_int_equal(places_nbs_zone("110115403498", 4), NBS_ZONE);
	assert_int_equal(places_nbs_zone("230281585000", 3), NBS_ZONE);
	assert_int_equal(places_nbs_zone("140406101000", 3), 0);
	assert_int_equal(places_nbs_zone("140406399000", 3), 0);
	assert_int_equal(places_nbs_zone("140406600000", 3), 0);
}

static void test_nbs_flags_and_names(void **state)
{
	struct fx *f = *state;
	/* a code twice */
	assert_int_equal(
	    parse(f, HDR "11,北京市,province,\n1101,市辖区,city,11\n1101,x,city,11\n", NULL), -1);
	assert_string_equal(f->e.code, "places.nbs_duplicate");
	assert_contains(f->e.msg, "110100000000");
	const char *text = HDR "11,北京市,province,\n1101,市辖区,city,11\n"
	                       "110115,大兴区,county,1101\n"
	                       "110115403,北京经济技术开发区,town,110115\n"
	                       "110115403498,北京经济技术开发区虚拟社区,village,110115403\n"
	                       "110115001,兴丰街道,town,110115\n"
	                       "110115001001,小营生活区,village,110115001\n"
	                       "110115100,黄村镇,town,110115\n"
	                       "110115100200,西芦垡村委会,village,110115100\n";
	assert_int_equal(parse(f, text, NULL), 0);
	assert_int_equal(f->n, 9);
	const struct nbs_row *r = f->rows;
	assert_string_equal(r[3].code, "110115001000");
	assert_int_equal(r[3].flags, 0);
	assert_string_equal(r[5].code, "110115403000");
	assert_int_equal(r[5].flags, NBS_ZONE);
	assert_string_equal(r[6].code, "110115001001");
	assert_string_equal(r[6].kind, "community"); /* a street's unit */
	assert_string_equal(r[7].code, "110115100200");
	assert_string_equal(r[7].kind, "village");
	assert_string_equal(r[7].name, "西芦垡");
	assert_string_equal(r[7].nbs_name, "西芦垡村委会");
	/* the virtual community: kind, flags, name kept whole */
	assert_string_equal(r[8].code, "110115403498");
	assert_string_equal(r[8].kind, "community");
	assert_int_equal(r[8].flags, NBS_VIRTUAL | NBS_ZONE);
	assert_string_equal(r[8].name, "北京经济技术开发区虚拟社区");
	assert_string_equal(places_nbs_id(&f->a, &r[8]), "110115403498");

	/* a level filled with its parent's code (东莞市 has no counties) */
	text = HDR "44,广东省,province,\n4419,东莞市,city,44\n441900,东莞市,county,4419\n"
	           "441900003,东城街道,town,441900\n";
	assert_int_equal(parse(f, text, NULL), 0);
	assert_int_equal(f->n, 4);
	assert_int_equal(f->rows[1].flags & NBS_SAME, 0);
	assert_int_equal(f->rows[2].flags & NBS_SAME, NBS_SAME);
	assert_string_equal(f->rows[2].code, "441900000000");
	assert_string_equal(places_nbs_id(&f->a, &f->rows[2]), "00000000000002441900000000");
	assert_string_equal(places_nbs_id(&f->a, &f->rows[1]), "441900000000");
	assert_int_equal(f->rows[3].flags & NBS_SAME, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_shanxi_town),  T(test_shanxi_whole_and_prefixes),
		T(test_short_name),   T(test_small_file),
		T(test_bad_header),   T(test_bad_lines),
		T(test_bad_under),    T(test_orphan),
		T(test_kinds),        T(test_decimals),
		T(test_geojson),      T(test_paths),
		T(test_nbs_kind),     T(test_nbs_flags_and_names),
		T(test_floor_inside), T(test_name_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
