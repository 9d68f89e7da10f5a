/*
 * pinyin.c - unit tests of src/people/pinyin.c and the generated table: readings of
 * characters, names (polyphonic surnames, compound surnames, Latin letters), search grams.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "people/rules.h"
#include "people/text.h"
#include "core/banned.h"

static void py(struct arena *a, const char *name, const char *full, const char *initials)
{
	const char *f = NULL, *i = NULL;
	pinyin_of_name(a, name, &f, &i);
	if (!f || !i || strcmp(f, full) || strcmp(i, initials))
		fail_msg("'%s': '%s' '%s', not '%s' '%s'", name ? name : "(null)", f, i, full,
		         initials);
}

static void test_table(void **state)
{
	(void)state;
	assert_true(pinyin_syllables_count > 400 && pinyin_syllables_count < 500);
	assert_true(pinyin_index_count > 40000);
	/* runs are sorted, do not overlap, and point inside the index */
	for (size_t r = 0; r < pinyin_runs_count; r++) {
		assert_true(pinyin_runs[r].len > 0);
		assert_true(pinyin_runs[r].start + pinyin_runs[r].len <= pinyin_index_count);
		if (r)
			assert_true(pinyin_runs[r - 1].first + pinyin_runs[r - 1].len <
			            pinyin_runs[r].first);
	}
	for (size_t i = 0; i < pinyin_index_count; i++)
		assert_true(pinyin_index[i] == PINYIN_NONE ||
		            pinyin_index[i] < pinyin_syllables_count);
	for (size_t s = 0; s < pinyin_syllables_count; s++) {
		size_t n = strlen(pinyin_syllables[s]);
		assert_true(n >= 1 && n <= PINYIN_SYLLABLE_MAX);
		assert_int_equal(strspn(pinyin_syllables[s], "abcdefghijklmnopqrstuvwxyz"), n);
		if (s)
			assert_true(strcmp(pinyin_syllables[s - 1], pinyin_syllables[s]) < 0);
	}
}

static void test_chars(void **state)
{
	(void)state;
	assert_string_equal(pinyin_of_char(0x5F20), "zhang");  /* 张 */
	assert_string_equal(pinyin_of_char(0x4E00), "yi");     /* 一, the first of the block */
	assert_string_equal(pinyin_of_char(0x3007), "ling");   /* 〇 */
	assert_string_equal(pinyin_of_char(0x5415), "lv");     /* 吕: ü as v */
	assert_string_equal(pinyin_of_char(0x5973), "nv");     /* 女 */
	assert_string_equal(pinyin_of_char(0x66FE), "ceng");   /* 曾: the first reading */
	assert_string_equal(pinyin_of_char(0x55EF), "n");      /* 嗯: ń */
	assert_string_equal(pinyin_of_char(0x5463), "m");      /* 呣: ḿ */
	assert_string_equal(pinyin_of_char(0x6B38), "ai");     /* 欸 */
	assert_string_equal(pinyin_of_char(0x30EDE), "biang"); /* the last entry */
	assert_null(pinyin_of_char('a'));
	assert_null(pinyin_of_char(0x3006));
	assert_null(pinyin_of_char(0x1F600)); /* an emoji */
	assert_null(pinyin_of_char(0x10FFFF));
	assert_null(pinyin_of_char(0));
}

static void test_names(void **state)
{
	struct arena *a = *state;
	py(a, "张小明", "zhangxiaoming", "zxm");
	py(a, "吕布", "lvbu", "lb");
	py(a, "阿依古丽·买买提", "ayigulimaimaiti", "ayglmmt");
	py(a, "", "", "");
	py(a, NULL, "", "");
}

static void test_surnames(void **state)
{
	struct arena *a = *state;
	/* polyphonic characters read as surnames, first only */
	py(a, "曾国藩", "zengguofan", "zgf");
	py(a, "李曾", "liceng", "lc");
	py(a, "单田芳", "shantianfang", "stf");
	py(a, "解小明", "xiexiaoming", "xxm");
	py(a, "仇小明", "qiuxiaoming", "qxm");
	py(a, "区小明", "ouxiaoming", "oxm");
	py(a, "朴小明", "piaoxiaoming", "pxm");
	py(a, "查小明", "zhaxiaoming", "zxm");
	py(a, "盖小明", "gexiaoming", "gxm");
	py(a, "长江", "changjiang", "cj");
	/* compound surnames */
	py(a, "尉迟恭", "yuchigong", "ycg");
	py(a, "万俟卨", "moqixie", "mqx");
	py(a, "长孙无忌", "zhangsunwuji", "zswj");
	py(a, "单于小明", "chanyuxiaoming", "cyxm");
	py(a, "欧阳修", "ouyangxiu", "oyx");
	py(a, " 单田芳", "shantianfang", "stf"); /* after leading spaces */
	py(a, "\xE3\x80\x80单田芳", "shantianfang", "stf");
}

static void test_latin(void **state)
{
	struct arena *a = *state;
	py(a, "Tom张", "tomzhang", "tz");
	py(a, "张3", "zhang3", "z3");
	py(a, "A宝", "abao", "ab");
	py(a, "John Smith", "johnsmith", "js");
	py(a, "Ｔｏｍ", "tom", "t"); /* full-width */
	py(a, "张\xFF小明", "zhangxiaoming", "zxm");
	py(a, "张😀明", "zhangming", "zm");
	py(a, "Zoë", "zo", "z"); /* ë has no reading: skipped, and it ends the word */
}

static void grams_are(struct arena *a, const char *name, const char *const *want, size_t n)
{
	const char **g = NULL;
	size_t got = name_grams(a, name, &g);
	if (got != n)
		fail_msg("'%s': %zu grams, not %zu", name, got, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(g[i], want[i]);
	assert_null(g[n]);
}

static void test_grams(void **state)
{
	struct arena *a = *state;
	static const char *const zxm[] = { "张", "小", "明", "张小", "小明" };
	grams_are(a, "张小明", zxm, 5);
	static const char *const zz[] = { "张", "张张" };
	grams_are(a, "张张", zz, 2);
	/* dots and spaces dropped; pairs span them, so a query typed without the dot finds */
	static const char *const ay[] = { "阿",   "依",   "古",   "丽",   "买",   "提",
		                          "阿依", "依古", "古丽", "丽买", "买买", "买提" };
	grams_are(a, "阿依古丽·买买提", ay, 12);
	grams_are(a, "阿依古丽・买买提", ay, 12);
	grams_are(a, "阿依古丽 买买提", ay, 12);
	static const char *const tom[] = { "t", "o", "m", "to", "om" };
	grams_are(a, " Tom ", tom, 5);
	grams_are(a, "ＴＯＭ", tom, 5);
	static const char *const one[] = { "张" };
	grams_are(a, "张", one, 1);
	grams_are(a, "张\xFF", one, 1);
	grams_are(a, "", NULL, 0);
	grams_are(a, "·", NULL, 0);
	grams_are(a, NULL, NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table), cmocka_unit_test(test_chars),
		cmocka_unit_test(test_names), cmocka_unit_test(test_surnames),
		cmocka_unit_test(test_latin), cmocka_unit_test(test_grams),
	};
	return cmocka_run_group_tests(tests, unit_arena_setup, unit_arena_teardown);
}
