/*
 * import.c - unit tests of the pure part of src/requests/import.c: the 12345 export's
 * column names, its categories mapped to ours, and call times in Beijing time as UTC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/util.h"
#include "requests/requests.h"
#include "tabular/tabular.h"
#include "core/banned.h"

static void test_fields(void **state)
{
	struct arena *a = *state;
	assert_int_equal(requests_import_field(a, "工单编号"), RI_NO);
	assert_int_equal(requests_import_field(a, "工单 编号*"), RI_NO);
	assert_int_equal(requests_import_field(a, "来电时间"), RI_TIME);
	assert_int_equal(requests_import_field(a, "受理时间"), RI_TIME);
	assert_int_equal(requests_import_field(a, "诉求人"), RI_NAME);
	assert_int_equal(requests_import_field(a, "联系电话"), RI_PHONE);
	assert_int_equal(requests_import_field(a, "诉求内容（必填）"), RI_CONTENT);
	assert_int_equal(requests_import_field(a, "问题分类"), RI_CATEGORY);
	assert_int_equal(requests_import_field(a, "诉求类型"), RI_CATEGORY);
	assert_int_equal(requests_import_field(a, "所属区域"), RI_PLACE);
	assert_int_equal(requests_import_field(a, "办理时限"), RI_DUE);
	assert_int_equal(requests_import_field(a, "工单状态"), RI_NONE);
	assert_int_equal(requests_import_field(a, NULL), RI_NONE);
}

static void test_categories(void **state)
{
	(void)state;
	assert_string_equal(requests_import_category("城乡建设/市政设施/路灯"),
	                    "municipal.streetlight");
	assert_string_equal(requests_import_category("城乡建设/环境卫生/垃圾清运"), "env.dumping");
	/* the finest level first: 供水 above, 管道漏水 below */
	assert_string_equal(requests_import_category("城乡建设/供水/管道漏水"), "water.leak");
	assert_string_equal(requests_import_category("社会管理/矛盾纠纷"), "dispute");
	assert_string_equal(requests_import_category("窨井盖破损"), "municipal.manhole");
	assert_string_equal(requests_import_category("政策咨询/医疗保障"), "other");
	assert_string_equal(requests_import_category(""), "other");
	assert_string_equal(requests_import_category(NULL), "other");
	assert_string_equal(requests_import_category("///"), "other");
}

static void time_is(const char *text, const char *iso)
{
	int64_t ms;
	char out[32];
	if (requests_beijing_ms(text, &ms))
		fail_msg("'%s' refused", text);
	time_iso(ms, out);
	assert_string_equal(out, iso);
}

static void test_times(void **state)
{
	(void)state;
	time_is("2026-03-01 08:15:22", "2026-03-01T00:15:22.000Z");
	time_is("2026/3/1 9:40", "2026-03-01T01:40:00.000Z");
	time_is("2026年3月2日 16时20分", "2026-03-02T08:20:00.000Z");
	time_is("2026年3月2日 16时20分05秒", "2026-03-02T08:20:05.000Z");
	time_is("2026-03-02T07:00:00", "2026-03-01T23:00:00.000Z"); /* the day before in UTC */
	time_is("2026-03-02", "2026-03-01T16:00:00.000Z");
	time_is("  2026.3.2 0:00:00.5 ", "2026-03-01T16:00:00.000Z");
	int64_t ms;
	assert_int_equal(requests_beijing_ms("2026-02-30 10:00", &ms), -1);
	assert_int_equal(requests_beijing_ms("2026-03-01 24:00", &ms), -1);
	assert_int_equal(requests_beijing_ms("2026-03-01 10", &ms), -1);
	assert_int_equal(requests_beijing_ms("2026-03-01 10:61", &ms), -1);
	assert_int_equal(requests_beijing_ms("昨天下午", &ms), -1);
	assert_int_equal(requests_beijing_ms("", &ms), -1);
	assert_int_equal(requests_beijing_ms(NULL, &ms), -1);
	/* a date-time cell: the serial's fraction is the time of day */
	struct tab_cell c = {
		TAB_DATE,    0, 0, 0, "2026-03-01", 46082.0 + (8 * 3600 + 15 * 60) / 86400.0,
		"2026-03-01"
	};
	char out[32];
	assert_int_equal(requests_cell_ms(&c, 0, &ms), 0);
	time_iso(ms, out);
	assert_string_equal(out, "2026-03-01T00:15:00.000Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test(test_categories),
		cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
