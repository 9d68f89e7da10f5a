/*
 * import.c - unit tests of the pure parts of src/tabular/import.c: a header mapped to
 * fields (the 序号 column and a field's second column left out), a mapping sent by hand
 * checked column by column, a mapping written back as JSON, and a header's template (the
 * key of a saved mapping: the same names give the same template).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/arena.h"
#include "tabular/import.h"
#include "core/banned.h"

static struct tab_header make_header(const char **names, int n, int seq_col)
{
	struct tab_header h = { 0 };
	h.found = 1;
	h.nrows = 1;
	h.ncols = n;
	h.names = names;
	h.seq_col = seq_col;
	return h;
}

static const char *names[] = { "序号",       "姓名", "身份证号", "联系电话", "手机",
	                       "与户主关系", "户号", "村",       "组",       "鞋码" };
#define NNAMES ((int)(sizeof(names) / sizeof(names[0])))

static void test_auto_map(void **state)
{
	struct arena *a = *state;
	struct tab_header h = make_header(names, NNAMES, 0);
	enum tab_field map[NNAMES];
	import_auto_map(a, &h, map);
	assert_int_equal(map[0], TF_NONE); /* 序号 */
	assert_int_equal(map[1], TF_NAME);
	assert_int_equal(map[2], TF_ID_NO);
	assert_int_equal(map[3], TF_PHONE);
	assert_int_equal(map[4], TF_NONE); /* a second phone column: the first one takes it */
	assert_int_equal(map[5], TF_RELATION);
	assert_int_equal(map[6], TF_HUKOU_NO);
	assert_int_equal(map[7], TF_VILLAGE);
	assert_int_equal(map[8], TF_GROUP);
	assert_int_equal(map[9], TF_NONE); /* unknown: mapped by hand */
	assert_string_equal(import_mapping_json(a, map, NNAMES),
	                    "[null,\"name\",\"id_no\",\"phone\",null,\"relation\",\"hukou_no\","
	                    "\"village\",\"group\",null]");
}

/* parse json as a mapping for n columns: 0, or the error's code and field */
static int parse(struct arena *a, const char *json, int n, enum tab_field **map, struct err *e)
{
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &je);
	err_clear(e);
	int rc = import_mapping_parse(a, v, n, map, e);
	json_decref(v);
	return rc;
}

static void test_mapping_parse(void **state)
{
	struct arena *a = *state;
	enum tab_field *map;
	struct err e;
	assert_int_equal(parse(a, "[null, \"name\", \"id_no\"]", 3, &map, &e), 0);
	assert_int_equal(map[0], TF_NONE);
	assert_int_equal(map[1], TF_NAME);
	assert_int_equal(map[2], TF_ID_NO);
	assert_string_equal(import_mapping_json(a, map, 3), "[null,\"name\",\"id_no\"]");

	assert_int_equal(parse(a, "{\"a\": 1}", 3, &map, &e), -1);
	assert_string_equal(e.code, "json.type");
	assert_int_equal(parse(a, "[\"name\"]", 3, &map, &e), -1);
	assert_string_equal(e.code, "import.mapping_columns");
	assert_int_equal(parse(a, "[\"name\", \"shoe_size\", null]", 3, &map, &e), -1);
	assert_string_equal(e.code, "import.field");
	assert_string_equal(e.field, "mapping[1]");
	assert_int_equal(parse(a, "[\"name\", 7, null]", 3, &map, &e), -1);
	assert_string_equal(e.code, "import.field");
	assert_int_equal(parse(a, "[\"name\", \"phone\", \"phone\"]", 3, &map, &e), -1);
	assert_string_equal(e.code, "import.field_twice");
	assert_string_equal(e.field, "mapping[2]");
	assert_int_equal(parse(a, "[null, \"phone\", \"id_no\"]", 3, &map, &e), -1);
	assert_string_equal(e.code, "import.name_unmapped");
}

static void test_template(void **state)
{
	struct arena *a = *state;
	struct tab_header h1 = make_header(names, NNAMES, 0);
	struct tab_header h2 = make_header(names, NNAMES, 0);
	const char *t1 = import_template(a, &h1), *t2 = import_template(a, &h2);
	assert_int_equal(strlen(t1), 32);
	assert_string_equal(t1, t2);
	/* another form: one name less, or names moved between columns */
	struct tab_header h3 = make_header(names, NNAMES - 1, 0);
	assert_string_not_equal(import_template(a, &h3), t1);
	static const char *ab[] = { "姓名a", "b" }, *a_b[] = { "姓名", "ab" };
	struct tab_header h4 = make_header(ab, 2, -1), h5 = make_header(a_b, 2, -1);
	assert_string_not_equal(import_template(a, &h4), import_template(a, &h5));
}

static int setup(void **state)
{
	static struct arena a;
	arena_init(&a, 4096);
	*state = &a;
	return 0;
}

static int teardown(void **state)
{
	arena_release(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_map),
		cmocka_unit_test(test_mapping_parse),
		cmocka_unit_test(test_template),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
