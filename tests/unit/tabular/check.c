/*
 * check.c - unit tests of src/tabular/check.c: rows of a register checked cell by cell
 * before the registry is asked (synthetic Lucheng identity numbers, check characters
 * computed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/arena.h"
#include "people/rules.h"
#include "tabular/tabular.h"
#include "core/banned.h"

#define TODAY "2026-11-29"

/* the problems one row gave, as "B5 code" joined by ", " */
static char got[1024];

static void collect(void *ctx, const struct tab_problem *p)
{
	(void)ctx;
	size_t n = strlen(got);
	snprintf(got + n, sizeof(got) - n, "%s%s %s%s", n ? ", " : "", p->cell, p->code,
	         p->warning ? " (warning)" : "");
}

/* an 18-digit resident ID: 17 digits and their check character */
static const char *rid(struct arena *a, const char *first17)
{
	return arena_printf(a, "%s%c", first17, idno_check_char(first17));
}

static const enum tab_field map[] = { TF_NONE,       TF_NAME,  TF_ID_NO,   TF_SEX,
	                              TF_BIRTH_DATE, TF_PHONE, TF_RELATION };

/* check one row of texts (NULL: empty), with a number in the ID column if id_num > 0 */
static int row(struct tab_check *k, int r, const char *const texts[7], double id_num)
{
	struct tab_cell cells[7];
	for (int i = 0; i < 7; i++) {
		cells[i] = (struct tab_cell){ .kind = texts[i] ? TAB_TEXT : TAB_EMPTY,
			                      .row = r,
			                      .col = i,
			                      .text = texts[i] ? texts[i] : "" };
	}
	if (id_num > 0) {
		cells[2].kind = TAB_NUMBER;
		cells[2].num = id_num;
		cells[2].text = "1.40406199001012E+17";
	}
	got[0] = '\0';
	return tab_check_row(k, &(struct tab_row){ r, 7, cells });
}

static void test_rows(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct tab_check k;
	tab_check_init(&k, &a, TODAY, map, 7, 0, collect, NULL);
	const char *id1 = rid(&a, "14040619900101123"), *id2 = rid(&a, "14040619400312001");

	/* a good row */
	assert_int_equal(
	    row(&k, 4,
	        (const char *[]){ "1", "张三", id1, "男", "1990-01-01", "138 1234 5678", "户主" },
	        0),
	    0);
	assert_string_equal(got, "");

	/* the same ID again, the sex and birth date the ID contradicts, a bad phone, an
	 * unknown relation: each by its cell */
	assert_int_equal(
	    row(&k, 5, (const char *[]){ "2", "李四", id1, "女", "1990年2月1日", "12345", "邻居" },
	        0),
	    5);
	assert_string_equal(got,
	                    "C6 import.duplicate_in_file, D6 import.sex_mismatch, "
	                    "E6 import.birth_mismatch, F6 people.phone_format, G6 import.relation");

	/* no name; a date that is none; an ID Excel made a number */
	assert_int_equal(row(&k, 6,
	                     (const char *[]){ "3", NULL, "x", "女", "1990.2.30", NULL, "妻" },
	                     140406199001011234.0),
	                 3);
	assert_string_equal(got, "B7 import.name_missing, C7 import.id_number, E7 import.date");

	/* an ID whose check fails; sex and relation words the system does not know */
	char bad[19];
	snprintf(bad, sizeof(bad), "%s", id2);
	bad[17] = bad[17] == '0' ? '1' : '0';
	assert_int_equal(
	    row(&k, 7, (const char *[]){ "4", "王五", bad, "未知", NULL, NULL, "05" }, 0), 3);
	assert_string_equal(got, "C8 people.id_check, D8 import.sex, G8 import.relation");

	/* a lost character is a warning: the row is still good */
	struct tab_cell cells[2] = {
		{ .kind = TAB_TEXT, .row = 8, .col = 0, .text = "5" },
		{ .kind = TAB_TEXT, .flags = TAB_SUBST, .row = 8, .col = 1, .text = "王?明" },
	};
	got[0] = '\0';
	assert_int_equal(tab_check_row(&k, &(struct tab_row){ 8, 2, cells }), 0);
	assert_string_equal(got, "B9 import.lost_chars (warning)");

	assert_int_equal(k.rows, 5);
	assert_int_equal(k.bad, 3);
	assert_int_equal(k.errors, 11);
	arena_release(&a);
}

/* many distinct IDs: the table of those seen grows and still finds the repeat */
static void test_many(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 65536);
	struct tab_check k;
	tab_check_init(&k, &a, TODAY, map, 7, 0, collect, NULL);
	const char *first = NULL;
	for (int i = 0; i < 5000; i++) {
		/* an area code per row (unknown codes are accepted), born 1990-01-01 */
		const char *id =
		    rid(&a, arena_printf(&a, "%06d19900101%03d", 100000 + i, i % 1000));
		first = first ? first : id;
		assert_int_equal(
		    row(&k, i + 1, (const char *[]){ "", "某", id, NULL, NULL, NULL, NULL }, 0), 0);
	}
	assert_int_equal(
	    row(&k, 5001, (const char *[]){ "", "某", first, NULL, NULL, NULL, NULL }, 0), 1);
	assert_string_equal(got, "C5002 import.duplicate_in_file");
	assert_int_equal(k.rows, 5001);
	assert_int_equal(k.bad, 1);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
