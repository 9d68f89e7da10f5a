/* config.c - unit tests of src/core/config.c: defaults, the file format, layers, sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/config.h"
#include "core/banned.h"

static int setup(void **state)
{
	(void)state;
	config_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free();
	return 0;
}

static int parse(const char *text, struct err *e)
{
	err_clear(e);
	return config_parse(text, strlen(text), "t.conf", e);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_string_equal(config_str("listen"), "127.0.0.1:8080");
	assert_string_equal(config_str("db"), "cunwu.db");
	assert_string_equal(config_str("media.dir"), "");
	assert_int_equal(config_int("http.threads"), 16);
	assert_int_equal(config_int("auth.password_min"), 10);
	assert_int_equal(config_bool("log.access"), 1);
	assert_string_equal(config_source("listen"), "default");
	assert_string_equal(config_source("no.such.setting"), "default");
}

static void test_defaults_are_valid(void **state)
{
	/* every row of the table: its default passes its own check, and it has an env name */
	size_t n = 0;
	struct err e;
	(void)state;
	const struct cfg_def *d = config_defs(&n);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		if (config_set(d[i].name, d[i].def, "check", &e))
			fail_msg("default of '%s' is refused: %s", d[i].name, e.msg);
		assert_non_null(d[i].env);
		assert_memory_equal(d[i].env, "CUNWU_", 6);
		assert_non_null(d[i].help);
		if (d[i].type == CFG_INT)
			assert_true(d[i].min <= d[i].max);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d[i].name, d[j].name) || !strcmp(d[i].env, d[j].env))
				fail_msg("'%s' is in the table twice", d[i].name);
	}
}

static void test_parse_file(void **state)
{
	struct err e;
	(void)state;
	const char *text = "# cunwu.conf\n"
	                   "\n"
	                   "   \t\n"
	                   "  http.threads = 8   # trailing comment\n"
	                   "log.access=false\n"
	                   "listen = 0.0.0.0:9000\r\n" /* CRLF */
	                   "media.dir = /srv/a=b\n"    /* '=' in a value */
	                   "ready_file =\n"            /* empty value */
	                   "db = last.db";             /* no final newline */
	assert_int_equal(parse(text, &e), 0);
	assert_int_equal(config_int("http.threads"), 8);
	assert_string_equal(config_source("http.threads"), "file t.conf:4");
	assert_int_equal(config_bool("log.access"), 0);
	assert_string_equal(config_source("log.access"), "file t.conf:5");
	assert_string_equal(config_str("listen"), "0.0.0.0:9000");
	assert_string_equal(config_str("media.dir"), "/srv/a=b");
	assert_string_equal(config_str("ready_file"), "");
	assert_string_equal(config_source("ready_file"), "file t.conf:8");
	assert_string_equal(config_str("db"), "last.db");
	assert_string_equal(config_source("db"), "file t.conf:9");
	/* untouched settings keep their defaults */
	assert_string_equal(config_source("jobs.poll_ms"), "default");
	/* an empty text is fine */
	assert_int_equal(config_parse("", 0, "empty.conf", &e), 0);
}

static void test_parse_syntax_error(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(parse("listen = x\n\n# ok\nnot a setting line\n", &e), -1);
	assert_string_equal(e.code, "config.syntax");
	assert_int_equal(e.status, 400);
	assert_contains(e.msg, "t.conf:4");
	/* the lines before the bad one were applied; the file is not transactional */
	assert_string_equal(config_str("listen"), "x");

	assert_int_equal(parse("# only a comment = here\nhttp.threads 8\n", &e), -1);
	assert_string_equal(e.code, "config.syntax");
	assert_contains(e.msg, "t.conf:2");

	char nul[] = "listen = a\nlog.level = d\0ebug\n";
	err_clear(&e);
	assert_int_equal(config_parse(nul, sizeof(nul) - 1, "t.conf", &e), -1);
	assert_string_equal(e.code, "config.syntax");
	assert_contains(e.msg, "t.conf:2");

	char *long_line = malloc(5000);
	assert_non_null(long_line);
	memcpy(long_line, "listen = ", 9);
	memset(long_line + 9, 'x', 4990);
	long_line[4999] = '\0';
	assert_int_equal(parse(long_line, &e), -1);
	free(long_line);
	assert_string_equal(e.code, "config.syntax");
	assert_contains(e.msg, "t.conf:1");
}

static void test_parse_unknown_key(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(parse("listen = a\nbogus.key = 1\n", &e), -1);
	assert_string_equal(e.code, "config.unknown");
	assert_string_equal(e.field, "bogus.key");
	assert_contains(e.msg, "'bogus.key'");
	assert_contains(e.msg, "t.conf:2");
	/* names are exact: no case folding, no prefix matching */
	assert_int_equal(parse("Listen = a\n", &e), -1);
	assert_string_equal(e.code, "config.unknown");
	assert_int_equal(parse("http = 1\n", &e), -1);
	assert_string_equal(e.code, "config.unknown");
}

static void test_int_range(void **state)
{
	static const char *const bad[] = { "0",  "1025", "-1",  "abc",
		                           "8x", "",     "1e3", "99999999999999999999" };
	struct err e;
	char text[128];
	(void)state;
	assert_int_equal(parse("http.threads = 1\n", &e), 0);
	assert_int_equal(config_int("http.threads"), 1);
	assert_int_equal(parse("http.threads = 1024\n", &e), 0);
	assert_int_equal(config_int("http.threads"), 1024);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "http.threads = %s\n", bad[i]);
		if (parse(text, &e) != -1)
			fail_msg("'%s' was accepted", text);
		assert_string_equal(e.code, "config.invalid");
		assert_string_equal(e.field, "http.threads");
		assert_contains(e.msg, "1 to 1024");
		assert_contains(e.msg, "t.conf:1");
		/* a refused value leaves the last good one */
		assert_int_equal(config_int("http.threads"), 1024);
		assert_string_equal(config_source("http.threads"), "file t.conf:1");
	}
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };
	static const char *const bad[] = { "maybe", "TRUE", "y", "2", "" };
	struct err e;
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(config_set("log.access", no[i], "flag", &e), 0);
		assert_int_equal(config_bool("log.access"), 0);
		assert_int_equal(config_set("log.access", yes[i], "flag", &e), 0);
		assert_int_equal(config_bool("log.access"), 1);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		if (config_set("log.access", bad[i], "flag", &e) != -1)
			fail_msg("'%s' was accepted as a bool", bad[i]);
		assert_string_equal(e.code, "config.invalid");
		assert_contains(e.msg, "true or false");
	}
	assert_int_equal(config_bool("log.access"), 1);
}

static void test_layers(void **state)
{
	struct err e;
	(void)state;
	/* main applies file, then environment, then flags: the last layer wins */
	assert_int_equal(parse("http.threads = 4\nlisten = file:1\n", &e), 0);
	assert_int_equal(config_int("http.threads"), 4);
	assert_string_equal(config_source("http.threads"), "file t.conf:1");
	assert_int_equal(config_set("http.threads", "5", "env", &e), 0);
	assert_int_equal(config_int("http.threads"), 5);
	assert_string_equal(config_source("http.threads"), "env");
	assert_int_equal(config_set("http.threads", "6", "flag", &e), 0);
	assert_int_equal(config_int("http.threads"), 6);
	assert_string_equal(config_source("http.threads"), "flag");
	/* a layer that does not name a setting leaves the one below in force */
	assert_string_equal(config_str("listen"), "file:1");
	assert_string_equal(config_source("listen"), "file t.conf:2");
	/* a bad value in a higher layer is reported naming its source, and changes nothing */
	assert_int_equal(config_set("http.threads", "0", "flag", &e), -1);
	assert_contains(e.msg, "(flag)");
	assert_int_equal(config_int("http.threads"), 6);
	/* config_init goes back to the defaults */
	config_init();
	assert_int_equal(config_int("http.threads"), 16);
	assert_string_equal(config_source("http.threads"), "default");
	assert_string_equal(config_str("listen"), "127.0.0.1:8080");
}

static void test_env(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(setenv("CUNWU_HTTP_THREADS", "12", 1), 0);
	assert_int_equal(config_load_env(&e), 0);
	assert_int_equal(config_int("http.threads"), 12);
	assert_string_equal(config_source("http.threads"), "CUNWU_HTTP_THREADS");
	assert_string_equal(config_source("listen"), "default");
	assert_int_equal(setenv("CUNWU_HTTP_THREADS", "lots", 1), 0);
	assert_int_equal(config_load_env(&e), -1);
	assert_string_equal(e.code, "config.invalid");
	assert_contains(e.msg, "CUNWU_HTTP_THREADS");
	unsetenv("CUNWU_HTTP_THREADS");
}

static void test_load_file(void **state)
{
	struct err e;
	char path[] = "/tmp/cunwu-config-XXXXXX";
	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# test\nhttp.threads = 3\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(config_load_file(path, 1, &e), 0);
	assert_int_equal(config_int("http.threads"), 3);
	char want[128];
	snprintf(want, sizeof(want), "file %s:2", path);
	assert_string_equal(config_source("http.threads"), want);
	unlink(path);
	/* a missing file is fine unless it was asked for */
	assert_int_equal(config_load_file(path, 0, &e), 0);
	err_clear(&e);
	assert_int_equal(config_load_file(path, 1, &e), -1);
	assert_string_equal(e.code, "config.open");
	assert_contains(e.msg, path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_defaults_are_valid),
		T(test_parse_file),
		T(test_parse_syntax_error),
		T(test_parse_unknown_key),
		T(test_int_range),
		T(test_bool),
		T(test_layers),
		T(test_env),
		T(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
