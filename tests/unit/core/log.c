/* log.c - unit tests of src/core/log.c: the log file's daily rotation and what it keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/log.h"
#include "core/util.h"
#include "core/banned.h"

/* only rotated copies of the file, by their day, over the days kept */
static void test_expired_names(void **state)
{
	(void)state;
	const char *today = "2026-07-01";
	/* 2026-01-02 is 180 days before: kept; 2026-01-01, 181 days: removed */
	assert_false(log_expired("cunwu.log", "cunwu.log.2026-01-02", today, 180));
	assert_true(log_expired("cunwu.log", "cunwu.log.2026-01-01", today, 180));
	assert_true(log_expired("cunwu.log", "cunwu.log.2026-01-01.2", today, 180));
	assert_true(log_expired("cunwu.log", "cunwu.log.2025-06-30", today, 365));
	assert_false(log_expired("cunwu.log", "cunwu.log.2025-07-01", today, 365));
	/* never anything else: the file itself, logrotate's names, other files, bad days */
	assert_false(log_expired("cunwu.log", "cunwu.log", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.1", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.2020-01-01.gz", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.2020-01-01.", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.2020-01-01.1x", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.2020-13-01", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.log.2020-1-01", today, 180));
	assert_false(log_expired("cunwu.log", "other.log.2020-01-01", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.logx2020-01-01", today, 180));
	assert_false(log_expired("cunwu.log", "cunwu.db", today, 180));
	/* the floor: fewer days to keep than the law's six months keep six months */
	assert_false(log_expired("cunwu.log", "cunwu.log.2026-01-02", today, 1));
	assert_false(log_expired("cunwu.log", "cunwu.log.2026-01-02", today, 0));
	assert_false(log_expired("cunwu.log", "cunwu.log.2026-01-02", today, -5));
	assert_true(log_expired("cunwu.log", "cunwu.log.2026-01-01", today, 1));
	/* today as a whole instant, as the rotation passes it */
	assert_true(
	    log_expired("cunwu.log", "cunwu.log.2026-01-01", "2026-07-01T00:00:00.001Z", 180));
}

static const char *taken[4];

static int is_taken(const char *name)
{
	for (int i = 0; i < 4 && taken[i]; i++)
		if (!strcmp(taken[i], name))
			return 1;
	return 0;
}

static void test_rotated_name(void **state)
{
	(void)state;
	char out[64];
	memset(taken, 0, sizeof(taken));
	assert_int_equal(log_rotated_name("/var/log/c.log", "2026-06-30", is_taken, out, 64), 0);
	assert_string_equal(out, "/var/log/c.log.2026-06-30");
	/* a second rotation of one day (a restart) does not overwrite the first */
	taken[0] = "/var/log/c.log.2026-06-30";
	taken[1] = "/var/log/c.log.2026-06-30.1";
	assert_int_equal(log_rotated_name("/var/log/c.log", "2026-06-30", is_taken, out, 64), 0);
	assert_string_equal(out, "/var/log/c.log.2026-06-30.2");
	assert_int_equal(log_rotated_name("/var/log/c.log", "2026-06-30", is_taken, out, 20), -1);
}

static void touch(const char *path, int64_t ms)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("a line\n", f);
	fclose(f);
	struct timeval tv[2] = { { (time_t)(ms / 1000), 0 }, { (time_t)(ms / 1000), 0 } };
	assert_int_equal(utimes(path, tv), 0);
}

static void day_of(int64_t ms, char out[11])
{
	char ts[32];
	time_iso(ms, ts);
	snprintf(out, 11, "%.10s", ts);
}

/*
 * A server started on a later day than its file's last line: the file is moved to that
 * day's name before the first new line; copies over the days kept go, younger ones stay
 * even when fewer days are asked for.
 */
static void test_open_rotates(void **state)
{
	(void)state;
	char dir[] = "/tmp/cunwu-log-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], old[96], young[96], other[96], rotated[96], day[11];
	int64_t now = time_now_ms(), dayms = 86400000;
	snprintf(path, sizeof(path), "%s/cunwu.log", dir);
	touch(path, now - 2 * dayms);
	day_of(now - 2 * dayms, day);
	snprintf(rotated, sizeof(rotated), "%s.%s", path, day);
	day_of(now - 200 * dayms, day);
	snprintf(old, sizeof(old), "%s.%s", path, day);
	touch(old, now - 200 * dayms);
	day_of(now - 179 * dayms, day);
	snprintf(young, sizeof(young), "%s.%s", path, day);
	touch(young, now - 179 * dayms);
	snprintf(other, sizeof(other), "%s/cunwu.log.1", dir);
	touch(other, now - 400 * dayms);

	struct err e;
	err_clear(&e);
	assert_int_equal(log_open(path, 1, 30, &e), 0);
	log_set_level(LOG_INFO);
	log_info("after the rotation");
	log_close();

	assert_int_equal(access(rotated, F_OK), 0);
	assert_int_equal(access(old, F_OK), -1);
	assert_int_equal(access(young, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0 && st.st_size < 200);
	assert_int_equal(st.st_mode & 0777, 0640);

	/* off: the file is only appended to, and reopened on request (SIGHUP) */
	assert_int_equal(rename(path, rotated), 0);
	assert_int_equal(log_open(path, 0, 180, &e), 0);
	log_info("one");
	assert_int_equal(rename(path, old), 0);
	log_info("two, still to the moved file");
	log_reopen();
	log_info("three, to a new file");
	log_close();
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0 && st.st_size < 80);

	/* a file that cannot be opened is said so, naming the setting */
	char bad[160];
	snprintf(bad, sizeof(bad), "%s/no/such/dir/x.log", dir);
	assert_int_equal(log_open(bad, 1, 180, &e), -1);
	assert_string_equal(e.field, "log.file");

	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expired_names),
		cmocka_unit_test(test_rotated_name),
		cmocka_unit_test(test_open_rotates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
