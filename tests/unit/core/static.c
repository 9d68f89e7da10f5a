/* static.c - unit tests of src/core/static.c: Accept-Encoding, and the embedded console. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/static.h"
#include "core/banned.h"

static void test_accepts_gzip(void **state)
{
	(void)state;
	assert_true(static_accepts_gzip("gzip"));
	assert_true(static_accepts_gzip("gzip, deflate, br"));
	assert_true(static_accepts_gzip("deflate, GZIP"));
	assert_true(static_accepts_gzip("br;q=1.0, gzip;q=0.8"));
	assert_true(static_accepts_gzip("gzip;q=0.001"));
	assert_true(static_accepts_gzip("*"));
	assert_true(static_accepts_gzip("identity, *;q=0.5"));
	assert_true(static_accepts_gzip(" gzip ; q=1"));

	assert_false(static_accepts_gzip(NULL));
	assert_false(static_accepts_gzip(""));
	assert_false(static_accepts_gzip("identity"));
	assert_false(static_accepts_gzip("deflate, br"));
	assert_false(static_accepts_gzip("gzip;q=0"));
	assert_false(static_accepts_gzip("gzip;q=0.000, deflate"));
	assert_false(static_accepts_gzip("x-gzip"));
	assert_false(static_accepts_gzip("gzipped"));
	assert_false(static_accepts_gzip("*;q=0"));
}

static void test_etag_matches(void **state)
{
	(void)state;
	assert_true(static_etag_matches("\"abc\"", "\"abc\""));
	assert_true(static_etag_matches("\"x\", \"abc\"", "\"abc\""));
	assert_true(static_etag_matches("W/\"abc\"", "\"abc\""));
	assert_true(static_etag_matches("*", "\"abc\""));
	assert_false(static_etag_matches(NULL, "\"abc\""));
	assert_false(static_etag_matches("", "\"abc\""));
	assert_false(static_etag_matches("\"abcd\"", "\"abc\""));
	assert_false(static_etag_matches("\"ab\"", "\"abc\""));
	assert_false(static_etag_matches("abc", "\"abc\""));
}

/* the table scripts/gen-web wrote from web/dist: sorted, complete, typed */
static void test_embedded_console(void **state)
{
	(void)state;
	assert_true(static_nfiles >= 2);
	for (unsigned i = 1; i < static_nfiles; i++)
		assert_true(strcmp(static_files[i - 1].path, static_files[i].path) < 0);

	const struct static_file *index = static_find("/index.html");
	assert_non_null(index);
	assert_string_equal(index->type, "text/html; charset=utf-8");
	assert_false(index->immutable);
	assert_true(index->end > index->data);
	assert_non_null(
	    memmem(index->data, (size_t)(index->end - index->data), "<div id=\"app\">", 14));
	/* no inline script: every <script> has a src */
	const char *p = (const char *)index->data, *end = (const char *)index->end;
	while ((p = memmem(p, (size_t)(end - p), "<script", 7))) {
		const char *close = memchr(p, '>', (size_t)(end - p));
		assert_non_null(close);
		assert_non_null(memmem(p, (size_t)(close - p), " src=", 5));
		p = close;
	}

	int scripts = 0;
	for (unsigned i = 0; i < static_nfiles; i++) {
		const struct static_file *f = &static_files[i];
		assert_int_equal(f->path[0], '/');
		assert_int_equal(f->etag[0], '"');
		assert_ptr_equal(static_find(f->path), f);
		if (!strncmp(f->path, "/assets/", 8) && strstr(f->path, ".js")) {
			scripts++;
			assert_true(f->immutable);
			assert_string_equal(f->type, "text/javascript; charset=utf-8");
			/* gzip magic, and smaller than the original */
			if (f->end - f->data > 1024) {
				assert_non_null(f->gz);
				assert_int_equal(f->gz[0], 0x1f);
				assert_int_equal(f->gz[1], 0x8b);
				assert_true(f->gz_end - f->gz < f->end - f->data);
			}
		}
	}
	assert_true(scripts >= 1);
	assert_null(static_find("/"));
	assert_null(static_find("/assets/"));
	assert_null(static_find("/index.htm"));
	assert_null(static_find(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_gzip),
		cmocka_unit_test(test_etag_matches),
		cmocka_unit_test(test_embedded_console),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
