/* strbuf.c - unit tests of src/core/strbuf.c: cap, sticky error, formatting, integers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/strbuf.h"
#include "core/banned.h"

static int setup(void **state)
{
	struct arena *a = malloc(sizeof(*a));
	if (!a)
		return -1;
	arena_init(a, 512);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	arena_release(*state);
	free(*state);
	return 0;
}

static void test_init_empty(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_int_equal(sb.err, 0);
	assert_int_equal(sb.cap, (size_t)64 << 20); /* 0 means 64 MiB */
	strbuf_add(&sb, "", 0);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.err, 0);
}

static void test_pct(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 0);
	strbuf_add_pct(&sb, "Az09-._~ /?&=%村");
	assert_string_equal(sb.buf, "Az09-._~%20%2F%3F%26%3D%25%E6%9D%91");
}

static void test_appends(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 0);
	strbuf_adds(&sb, "村务");
	strbuf_addch(&sb, '-');
	strbuf_add(&sb, "abcdef", 3);
	strbuf_add(&sb, "x\0y", 3); /* binary-safe */
	assert_int_equal(sb.len, strlen("村务") + 1 + 3 + 3);
	assert_memory_equal(sb.buf, "村务-abcx\0y", sb.len + 1);
	assert_int_equal(sb.buf[sb.len], '\0');
	/* many small appends across several reallocations */
	strbuf_reset(&sb);
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&sb, (char)('a' + i % 26));
	assert_int_equal(sb.len, 100000);
	assert_int_equal(strlen(sb.buf), 100000);
	for (int i = 0; i < 100000; i++)
		if (sb.buf[i] != (char)('a' + i % 26))
			fail_msg("byte %d is '%c'", i, sb.buf[i]);
	assert_true(sb.alloc > sb.len);
}

static void test_cap_exact(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 10);
	strbuf_adds(&sb, "0123456789"); /* exactly the cap is fine */
	assert_int_equal(sb.err, 0);
	assert_int_equal(sb.len, 10);
	assert_string_equal(sb.buf, "0123456789");
	strbuf_addch(&sb, 'x'); /* one past is not */
	assert_int_equal(sb.err, 1);
	assert_int_equal(sb.len, 10);
	assert_string_equal(sb.buf, "0123456789");
}

static void test_sticky_error(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 10);
	strbuf_adds(&sb, "hello");
	strbuf_adds(&sb, "world!"); /* 11 > 10: refused whole, not truncated */
	assert_int_equal(sb.err, 1);
	assert_int_equal(sb.len, 5);
	assert_string_equal(sb.buf, "hello");
	/* every later append is ignored, even ones that would fit */
	strbuf_addch(&sb, 'x');
	strbuf_adds(&sb, "a");
	strbuf_add(&sb, "b", 1);
	strbuf_addf(&sb, "%d", 7);
	strbuf_add_i64(&sb, 1);
	assert_null(strbuf_grow(&sb, 1));
	assert_int_equal(sb.err, 1);
	assert_int_equal(sb.len, 5);
	assert_int_equal(sb.buf[5], '\0');
	assert_string_equal(sb.buf, "hello");
}

static void test_error_before_any_alloc(void **state)
{
	/* the very first append is over the cap: buf is still a valid empty string */
	struct strbuf sb;
	strbuf_init(&sb, *state, 4);
	strbuf_adds(&sb, "too long");
	assert_int_equal(sb.err, 1);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.err, 0);
}

static void test_addf(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 0);
	strbuf_addf(&sb, "%s=%d;", "a", 1);
	strbuf_addf(&sb, "%s", "");
	assert_string_equal(sb.buf, "a=1;");
	/* longer than the internal 256-byte buffer: formatted straight into the strbuf */
	char long_s[1001];
	memset(long_s, 'q', 1000);
	long_s[1000] = '\0';
	strbuf_addf(&sb, "[%s|%d]", long_s, 42);
	assert_int_equal(sb.len, 4 + 1 + 1000 + 4);
	assert_memory_equal(sb.buf + 4, "[", 1);
	assert_memory_equal(sb.buf + 5, long_s, 1000);
	assert_string_equal(sb.buf + 1005, "|42]");
	assert_int_equal(strlen(sb.buf), sb.len);
	/* exactly 255 and 256 characters, either side of the internal buffer */
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%.*s", 255, long_s);
	assert_int_equal(sb.len, 255);
	strbuf_addf(&sb, "%.*s", 256, long_s);
	assert_int_equal(sb.len, 511);
	assert_int_equal(strlen(sb.buf), 511);
}

static void test_addf_over_cap(void **state)
{
	struct strbuf sb;
	char long_s[600];
	memset(long_s, 'w', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = '\0';
	strbuf_init(&sb, *state, 300);
	strbuf_adds(&sb, "head");
	strbuf_addf(&sb, "%s", long_s); /* long path */
	assert_int_equal(sb.err, 1);
	assert_string_equal(sb.buf, "head");
	strbuf_reset(&sb);
	strbuf_init(&sb, *state, 8);
	strbuf_addf(&sb, "%d-%d", 1234, 5678); /* short path, 9 > 8 */
	assert_int_equal(sb.err, 1);
	assert_string_equal(sb.buf, "");
}

static void test_add_i64(void **state)
{
	static const struct {
		int64_t v;
		const char *s;
	} cases[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ -1, "-1" },
		{ 10, "10" },
		{ -10, "-10" },
		{ 1234567890123, "1234567890123" },
		{ INT64_MAX, "9223372036854775807" },
		{ INT64_MIN, "-9223372036854775808" },
		{ INT64_MIN + 1, "-9223372036854775807" },
	};
	struct strbuf sb;
	strbuf_init(&sb, *state, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&sb);
		strbuf_add_i64(&sb, cases[i].v);
		assert_string_equal(sb.buf, cases[i].s);
		assert_int_equal(sb.len, strlen(cases[i].s));
	}
	strbuf_reset(&sb);
	strbuf_add_i64(&sb, INT64_MIN);
	strbuf_addch(&sb, ',');
	strbuf_add_i64(&sb, INT64_MAX);
	assert_string_equal(sb.buf, "-9223372036854775808,9223372036854775807");
}

static void test_reset(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 16);
	strbuf_reset(&sb); /* before anything was allocated */
	assert_string_equal(sb.buf, "");
	strbuf_adds(&sb, "0123456789");
	size_t alloc = sb.alloc;
	char *buf = sb.buf;
	strbuf_adds(&sb, "0123456789"); /* over the cap */
	assert_int_equal(sb.err, 1);
	strbuf_reset(&sb);
	assert_int_equal(sb.err, 0);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_ptr_equal(sb.buf, buf); /* the memory is kept */
	assert_int_equal(sb.alloc, alloc);
	strbuf_adds(&sb, "again");
	assert_string_equal(sb.buf, "again");
	assert_int_equal(sb.err, 0);
}

static void test_grow(void **state)
{
	struct strbuf sb;
	strbuf_init(&sb, *state, 100);
	char *p = strbuf_grow(&sb, 50);
	assert_non_null(p);
	assert_true(sb.alloc >= 51);
	assert_true(sb.alloc <= 101); /* never more than cap + NUL */
	memcpy(p, "grown", 5);
	sb.len += 5;
	sb.buf[sb.len] = '\0';
	assert_string_equal(sb.buf, "grown");
	assert_null(strbuf_grow(&sb, 96));
	assert_int_equal(sb.err, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_before_any_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addf_over_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_i64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
