/*
 * mapping.c - unit tests of src/tabular/mapping.c: headers as cadres write them mapped to
 * fields, relations and sexes as registers write them, place names with and without their
 * endings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/arena.h"
#include "tabular/tabular.h"
#include "core/banned.h"

static struct arena a;

static void header(const char *name, const char *want)
{
	enum tab_field f = tab_field_of_header(&a, name);
	if (!want) {
		if (f != TF_NONE)
			fail_msg("'%s' mapped to %s, not to nothing", name, tab_field_id(f));
		return;
	}
	if (f == TF_NONE)
		fail_msg("'%s' mapped to nothing, not %s", name, want);
	assert_string_equal(tab_field_id(f), want);
}

static void test_headers(void **state)
{
	(void)state;
	arena_init(&a, 4096);
	header("姓名", "name");
	header("姓 名", "name");
	header("*姓名", "name");
	header("姓名：", "name");
	header("户主姓名", "head_name");
	header("公民身份号码", "id_no");
	header("身份证号（必填）", "id_no");
	header("身份证号码(18位)", "id_no");
	header("联系电话", "phone");
	header("联系方式/手机", "phone");
	header("联系方式/固话", "landline");
	header("与户主关系", "relation");
	header("户号", "hukou_no");
	header("村/社区", "village");
	header("村（社区）", "village");
	header("组", "group");
	header("村民小组", "group");
	header("楼栋", "building");
	header("单元", "unit");
	header("楼层", "floor");
	header("房号", "room");
	header("人员类别", "tags");
	header("出生日期", "birth_date");
	header("ＮＯＴＥ", NULL);
	header("备注", "note");
	header("序号", NULL);
	header("家庭年收入", NULL);
	header("", NULL);
	/* the ids go both ways */
	for (int f = TF_NAME; f <= TF_NOTE; f++)
		assert_int_equal(tab_field_by_id(tab_field_id((enum tab_field)f)), f);
	assert_int_equal(tab_field_by_id("nothing"), TF_NONE);
	assert_null(tab_field_id(TF_NONE));
	arena_release(&a);
}

static void relation(const char *text, const char *want)
{
	const char *got = tab_relation_of(&a, text);
	if (!want) {
		if (got)
			fail_msg("'%s' read as %s, not unknown", text, got);
		return;
	}
	if (!got)
		fail_msg("'%s' unknown, not %s", text, want);
	assert_string_equal(got, want);
}

static void test_relations(void **state)
{
	(void)state;
	arena_init(&a, 4096);
	relation("户主", "head");
	relation("本人", "head");
	relation(" 妻 ", "spouse");
	relation("丈夫", "spouse");
	relation("长子", "child");
	relation("次女", "child");
	relation("儿媳", "child_in_law");
	relation("女婿", "child_in_law");
	relation("父亲", "parent");
	relation("岳母", "parent");
	relation("外孙女", "grandchild");
	relation("奶奶", "grandparent");
	relation("妹妹", "sibling");
	relation("侄子", "other");
	/* GB/T 4761 codes */
	relation("02", "head");
	relation("10", "spouse");
	relation("12", "spouse");
	relation("22", "child");
	relation("33", "child");
	relation("28", "child_in_law");
	relation("38", "child_in_law");
	relation("41", "grandchild");
	relation("51", "parent");
	relation("61", "grandparent");
	relation("71", "sibling");
	relation("99", "other");
	relation("05", NULL);
	relation("邻居家的", NULL);
	relation("", NULL);
	assert_string_equal(tab_sex_of(&a, "男"), "M");
	assert_string_equal(tab_sex_of(&a, "女 "), "F");
	assert_string_equal(tab_sex_of(&a, "女性"), "F");
	assert_null(tab_sex_of(&a, "未知"));
	arena_release(&a);
}

static void place(const char *written, const char *registered, int want)
{
	if (tab_place_matches(&a, written, registered) != want)
		fail_msg("'%s' and '%s' should %smatch (keys '%s', '%s')", written, registered,
		         want ? "" : "not ", tab_place_key(&a, written),
		         tab_place_key(&a, registered));
}

static void test_places(void **state)
{
	(void)state;
	arena_init(&a, 4096);
	place("东靳", "东靳村", 1);
	place("东靳村", "东靳村", 1);
	place("东靳村委会", "东靳村", 1);
	place("东靳村民委员会", "东靳村", 1);
	place("金胜一社区", "金胜一社区居委会", 1);
	place("金胜一", "金胜一社区", 1);
	place("一组", "第一村民小组", 1);
	place("1组", "一组", 1);
	place("01组", "第1组", 1);
	place("十二组", "12组", 1);
	place("二十三组", "23组", 1);
	place("三队", "3组", 1);
	place("东靳", "西靳村", 0);
	place("一组", "二组", 0);
	place("", "东靳村", 0);
	place("村", "东靳村", 0);
	assert_string_equal(tab_place_key(&a, "第十组"), "10");
	assert_string_equal(tab_place_key(&a, "（测试）东靳村"), "东靳");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_relations),
		cmocka_unit_test(test_places),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
