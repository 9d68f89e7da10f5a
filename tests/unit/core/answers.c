/* answers.c - unit tests of src/core/answers.c: an answer is found under its own key only,
 * while its stamp holds and it is younger than the caller's limit, by any thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cmocka.h>

#include "core/answers.h"
#include "core/banned.h"

/* what answers_find gave: a copy */
struct got {
	char body[64];
	size_t len;
	int calls;
};

static void give(void *ctx, const char *body, size_t len)
{
	struct got *g = ctx;
	g->calls++;
	g->len = len;
	memcpy(g->body, body, len < sizeof(g->body) ? len : sizeof(g->body));
}

/* a stamp now: other processes' commits seen so far, the data version, the time */
static int find(const char *key, uint64_t foreign, int64_t version, int64_t ms, int64_t ttl)
{
	struct db_stamp now = { .epoch = 3, .foreign = foreign, .version = version, .ms = ms };
	struct got g = { 0 };
	if (!answers_find(key, &now, 1000, ttl, give, &g, NULL)) {
		assert_int_equal(g.calls, 0);
		return 0;
	}
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.len, 7);
	assert_memory_equal(g.body, "[1,2,3]", 7);
	return 1;
}

static void test_found_while_the_stamp_holds(void **state)
{
	(void)state;
	struct db_stamp then = { .epoch = 3, .foreign = 3, .version = 40, .ms = 10000 };
	answers_keep("u1|/api/v1/people?place=1", &then, "[1,2,3]", 7);
	assert_true(find("u1|/api/v1/people?place=1", 3, 40, 10000, 5000));
	assert_true(find("u1|/api/v1/people?place=1", 3, 40, 13749, 5000));
	/* aged past the caller's limit (less up to a quarter), whatever the stamp says */
	assert_false(find("u1|/api/v1/people?place=1", 3, 40, 15000, 5000));
	/* a commit by another process (this process's are counted by table: tests/unit/core/
	 * db.c) */
	assert_false(find("u1|/api/v1/people?place=1", 4, 41, 10001, 5000));
	/* another key: another caller, another query */
	assert_false(find("u2|/api/v1/people?place=1", 3, 40, 10001, 5000));
	assert_false(find("u1|/api/v1/people?place=2", 3, 40, 10001, 5000));
}

/* answers made at once are made again over the last quarter of their life, not at once */
static void test_expiries_spread(void **state)
{
	(void)state;
	struct db_stamp then = { .epoch = 1, .foreign = 1, .version = 1, .ms = 100000 };
	char key[32];
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		answers_keep(key, &then, "[1,2,3]", 7);
	}
	int alive_early = 0, alive_mid = 0, alive_late = 0;
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		alive_early += find(key, 1, 1, 103749, 5000);
		alive_mid += find(key, 1, 1, 104375, 5000);
		alive_late += find(key, 1, 1, 105000, 5000);
	}
	assert_int_equal(alive_early, 16);
	assert_in_range(alive_mid, 2, 14);
	assert_int_equal(alive_late, 0);
}

/* an answer that changes with the date lives until Beijing's midnight */
static void test_today(void **state)
{
	(void)state;
	const int64_t midnight = 1796054400000; /* 2026-12-01T00:00:00+08:00 */
	assert_int_equal(answers_today_ms(midnight), 1);
	assert_int_equal(answers_today_ms(midnight - 1), 24 * 3600 * 1000);
	assert_int_equal(answers_today_ms(midnight + 3600 * 1000), 3600 * 1000 + 1);
}

static void test_backend_that_cannot_tell(void **state)
{
	(void)state;
	struct db_stamp then = { .epoch = 1, .foreign = 1, .version = -1, .ms = 0 };
	answers_keep("k", &then, "[1,2,3]", 7);
	assert_true(find("k", 1, -1, 999, INT64_MAX));
	assert_false(find("k", 1, -1, 1000, INT64_MAX)); /* stale_ms (1000) */
}

static void test_too_big_is_not_kept(void **state)
{
	(void)state;
	struct db_stamp then = { .epoch = 1, .foreign = 1, .version = 1, .ms = 0 };
	char *big = calloc(ANSWERS_MAX_BYTES + 1, 1);
	answers_keep("big", &then, big, ANSWERS_MAX_BYTES + 1);
	free(big);
	struct got g = { 0 };
	assert_false(answers_find("big", &then, 1000, 5000, give, &g, NULL));
	/* one slot, a newer answer replaces the older */
	answers_keep("same", &then, "[0]", 3);
	answers_keep("same", &then, "[1,2,3]", 7);
	assert_true(find("same", 1, 1, 1, 5000));
}

/* a kept answer given late: whatever changed since, if it cost enough to make */
static void test_late(void **state)
{
	(void)state;
	struct db_stamp then = { .epoch = 1, .foreign = 1, .version = 7, .ms = 100 }, made = { 0 };
	answers_keep_cost("costly", &then, "[1,2,3]", 7, 80);
	answers_keep("cheap", &then, "[4,5,6]", 7);
	assert_false(find("costly", 2, 8, 200, INT64_MAX)); /* another process committed */
	struct got g = { 0 };
	assert_true(answers_late("costly", 50, give, &g, &made));
	assert_int_equal(g.calls, 1);
	assert_memory_equal(g.body, "[1,2,3]", 7);
	assert_int_equal(made.ms, 100);
	assert_int_equal(made.version, 7);
	g = (struct got){ 0 };
	assert_false(answers_late("costly", 81, give, &g, NULL)); /* not costly enough */
	assert_false(answers_late("cheap", 1, give, &g, NULL));
	assert_false(answers_late("unknown", 0, give, &g, NULL));
	assert_int_equal(g.calls, 0);
	assert_true(answers_late("cheap", 0, give, &g, NULL));
}

/* the answers are the server's: one thread's answer serves another */
static void *keep_on_a_thread(void *arg)
{
	answers_keep(arg, &(struct db_stamp){ .epoch = 3, .foreign = 3, .version = 40, .ms = 500 },
	             "[1,2,3]", 7);
	return NULL;
}

static void test_shared_by_threads(void **state)
{
	(void)state;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, keep_on_a_thread, "u7|/api/v1/cockpit"), 0);
	pthread_join(t, NULL);
	assert_true(find("u7|/api/v1/cockpit", 3, 40, 600, 5000));
	/* the stamp it was made at comes with it */
	struct db_stamp now = { .epoch = 3, .foreign = 3, .version = 40, .ms = 700 }, made;
	struct got g = { 0 };
	assert_true(answers_find("u7|/api/v1/cockpit", &now, 1000, 5000, give, &g, &made));
	assert_int_equal(made.ms, 500);
	/* an answer made earlier than the one kept (a slower thread's) does not replace it */
	answers_keep("u7|/api/v1/cockpit",
	             &(struct db_stamp){ .epoch = 3, .foreign = 3, .ms = 400 }, "[0]", 3);
	assert_true(find("u7|/api/v1/cockpit", 3, 40, 600, 5000));
	answers_clear();
	assert_false(find("u7|/api/v1/cockpit", 3, 40, 600, 5000));
}

/* threads keeping and finding the same keys at once each find a whole answer, never a torn
 * or freed one (ASan and the unit-asan suite watch the memory) */
struct churn {
	int id;
	int found;
};

static void *churn(void *arg)
{
	struct churn *c = arg;
	char key[16], body[64];
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "k%d", i % 37);
		int n = snprintf(body, sizeof(body), "[\"%s\",%d,%d]", key, c->id, i);
		struct db_stamp st = { .epoch = 1, .foreign = 1, .version = 1, .ms = i };
		answers_keep(key, &st, body, (size_t)n);
		struct got g = { 0 };
		struct db_stamp now = { .epoch = 1, .foreign = 1, .version = 1, .ms = i };
		if (answers_find(key, &now, 1000, INT64_MAX, give, &g, NULL)) {
			char want[24];
			int w = snprintf(want, sizeof(want), "[\"%s\",", key);
			if (g.len < (size_t)w || memcmp(g.body, want, (size_t)w) ||
			    g.body[g.len - 1] != ']')
				return NULL;
			c->found++;
		}
	}
	return c;
}

static void test_threads_at_once(void **state)
{
	(void)state;
	pthread_t t[4];
	struct churn c[4];
	for (int i = 0; i < 4; i++) {
		c[i] = (struct churn){ .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, churn, &c[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *rc;
		pthread_join(t[i], &rc);
		assert_ptr_equal(rc, &c[i]);
		assert_true(c[i].found > 0);
	}
}

static int clear(void **state)
{
	(void)state;
	answers_clear();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_found_while_the_stamp_holds, clear),
		cmocka_unit_test_setup(test_expiries_spread, clear),
		cmocka_unit_test_setup(test_today, clear),
		cmocka_unit_test_setup(test_backend_that_cannot_tell, clear),
		cmocka_unit_test_setup(test_too_big_is_not_kept, clear),
		cmocka_unit_test_setup(test_late, clear),
		cmocka_unit_test_setup(test_shared_by_threads, clear),
		cmocka_unit_test_setup(test_threads_at_once, clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
