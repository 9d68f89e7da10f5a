/*
 * rules.c - unit tests of src/requests/rules.c: the state machine (who may take which
 * action from which status), relations, deadlines, the escalation ladder and what escalates
 * next, tracking codes, category attributes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/util.h"
#include "requests/requests.h"
#include "core/banned.h"

#define H HOUR_MS

/* every action from every status by every relation: the expected answer */
struct step_case {
	const char *action;
	int status;
	unsigned rel;
	int status_code; /* 0 allowed, else the HTTP status */
	const char *code;
	int to;
};

static const struct step_case steps[] = {
	{ "sign", RS_SUBMITTED, RR_HANDLER, 0, NULL, RS_SIGNED_FOR },
	{ "sign", RS_SUBMITTED, RR_LEADER, 0, NULL, RS_SIGNED_FOR },
	{ "sign", RS_SUBMITTED, RR_STAFF, 403, "requests.not_allowed", 0 },
	{ "sign", RS_SUBMITTED, RR_REPORTER, 403, "requests.not_allowed", 0 },
	{ "sign", RS_SIGNED_FOR, RR_HANDLER, 409, "requests.state", 0 },
	{ "start", RS_SIGNED_FOR, RR_HANDLER, 0, NULL, RS_IN_PROGRESS },
	{ "start", RS_SUBMITTED, RR_HANDLER, 409, "requests.state", 0 },
	{ "resolve", RS_SIGNED_FOR, RR_HANDLER, 0, NULL, RS_RESOLVED },
	{ "resolve", RS_IN_PROGRESS, RR_HANDLER, 0, NULL, RS_RESOLVED },
	{ "resolve", RS_IN_PROGRESS, RR_STAFF | RR_LEADER, 403, "requests.not_allowed", 0 },
	{ "resolve", RS_CLOSED, RR_HANDLER, 409, "requests.state", 0 },
	{ "resolve", RS_SUBMITTED, RR_HANDLER, 409, "requests.state", 0 },
	{ "follow_up", RS_RESOLVED, RR_STAFF, 0, NULL, RS_FOLLOWED_UP },
	{ "follow_up", RS_RESOLVED, RR_LEADER, 0, NULL, RS_FOLLOWED_UP },
	{ "follow_up", RS_RESOLVED, RR_HANDLER, 403, "requests.follow_up_self", 0 },
	{ "follow_up", RS_RESOLVED, RR_HANDLER | RR_LEADER, 403, "requests.follow_up_self", 0 },
	{ "follow_up", RS_RESOLVED, RR_REPORTER, 403, "requests.not_allowed", 0 },
	{ "follow_up", RS_FOLLOWED_UP, RR_STAFF, 409, "requests.state", 0 },
	{ "close", RS_FOLLOWED_UP, RR_HANDLER, 0, NULL, RS_CLOSED },
	{ "close", RS_FOLLOWED_UP, RR_LEADER, 0, NULL, RS_CLOSED },
	{ "close", RS_RESOLVED, RR_LEADER, 409, "requests.state", 0 },
	{ "close", RS_FOLLOWED_UP, RR_REPORTER, 403, "requests.not_allowed", 0 },
	{ "send_back", RS_SUBMITTED, RR_HANDLER, 0, NULL, RS_SENT_BACK },
	{ "send_back", RS_SIGNED_FOR, RR_HANDLER, 0, NULL, RS_SENT_BACK },
	{ "send_back", RS_IN_PROGRESS, RR_HANDLER, 409, "requests.state", 0 },
	{ "send_back", RS_SUBMITTED, RR_LEADER, 403, "requests.not_allowed", 0 },
	{ "reroute", RS_SENT_BACK, RR_LEADER, 0, NULL, RS_SUBMITTED },
	{ "reroute", RS_SENT_BACK, RR_HANDLER, 403, "requests.not_allowed", 0 },
	{ "request_extension", RS_IN_PROGRESS, RR_HANDLER, 0, NULL, RS_IN_PROGRESS },
	{ "request_extension", RS_RESOLVED, RR_HANDLER, 409, "requests.state", 0 },
	{ "approve_extension", RS_SIGNED_FOR, RR_LEADER, 0, NULL, RS_SIGNED_FOR },
	{ "approve_extension", RS_SIGNED_FOR, RR_HANDLER, 403, "requests.not_allowed", 0 },
	{ "supervise", RS_SUBMITTED, RR_LEADER, 0, NULL, RS_SUBMITTED },
	{ "supervise", RS_CLOSED, RR_LEADER, 409, "requests.state", 0 },
	{ "supervise", RS_IN_PROGRESS, RR_STAFF, 403, "requests.not_allowed", 0 },
	{ "rate", RS_RESOLVED, RR_REPORTER, 0, NULL, RS_RESOLVED },
	{ "rate", RS_CLOSED, RR_REPORTER, 0, NULL, RS_CLOSED },
	{ "rate", RS_IN_PROGRESS, RR_REPORTER, 409, "requests.state", 0 },
	{ "rate", RS_RESOLVED, RR_STAFF | RR_LEADER, 403, "requests.not_allowed", 0 },
	{ "reopen", RS_RESOLVED, RR_REPORTER, 0, NULL, RS_IN_PROGRESS },
	{ "reopen", RS_CLOSED, RR_LEADER, 0, NULL, RS_IN_PROGRESS },
	{ "reopen", RS_IN_PROGRESS, RR_REPORTER, 409, "requests.state", 0 },
	{ "reopen", RS_CLOSED, RR_HANDLER, 403, "requests.not_allowed", 0 },
	{ "classify", RS_CLOSED, RR_LEADER, 0, NULL, RS_CLOSED },
	{ "classify", RS_MERGED, RR_LEADER, 409, "requests.state", 0 },
	{ "merge", RS_SUBMITTED, RR_LEADER, 0, NULL, RS_MERGED },
	{ "merge", RS_RESOLVED, RR_LEADER, 409, "requests.state", 0 },
	{ "comment", RS_MERGED, RR_STAFF, 0, NULL, RS_MERGED },
	{ "comment", RS_SUBMITTED, RR_REPORTER, 403, "requests.not_allowed", 0 },
	{ "fly", RS_SUBMITTED, RR_LEADER, 400, "requests.action", 0 },
	{ NULL, RS_SUBMITTED, RR_LEADER, 400, "requests.action", 0 },
	{ "sign", RS_COUNT, RR_LEADER, 409, "requests.state", 0 },
};

static void test_steps(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step_case *c = &steps[i];
		struct err e = { 0 };
		int to = -7;
		int rc = requests_step(c->action, c->status, c->rel, &to, &e);
		if (rc != (c->status_code ? -1 : 0) || e.status != c->status_code ||
		    (c->code && strcmp(e.code, c->code)) || (!c->status_code && to != c->to))
			fail_msg("case %zu: %s from %d by %u: rc %d status %d code %s to %d", i,
			         c->action ? c->action : "(null)", c->status, c->rel, rc, e.status,
			         e.code, to);
		if (c->status_code)
			assert_string_equal(e.field, "action");
	}
}

/* each action's table row is well formed: a known target, a label, someone may take it */
static void test_actions(void **state)
{
	(void)state;
	size_t n;
	const struct request_action *a = requests_actions(&n);
	assert_true(n >= 14);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(requests_action(a[i].name), &a[i]);
		assert_true(a[i].to < RS_COUNT);
		assert_true(a[i].who != 0 && a[i].from != 0);
		assert_non_null(a[i].label);
	}
	assert_true(requests_action("resolve")->needs & RA_REPLY);
	assert_true(requests_action("send_back")->needs & RA_REASON);
	assert_true(requests_action("follow_up")->needs & RA_SATISFACTION);
	assert_null(requests_action("Sign"));
}

static void test_statuses(void **state)
{
	(void)state;
	for (int s = 0; s < RS_COUNT; s++)
		assert_int_equal(requests_status_parse(requests_status_name(s)), s);
	assert_int_equal(requests_status_parse("open"), -1);
	assert_int_equal(requests_status_parse(NULL), -1);
	assert_null(requests_status_name(RS_COUNT));
	assert_true(requests_status_open(RS_SUBMITTED));
	assert_true(requests_status_open(RS_SENT_BACK));
	assert_false(requests_status_open(RS_RESOLVED));
	assert_false(requests_status_open(RS_MERGED));
}

static void test_relation(void **state)
{
	(void)state;
	/* is_handler, may_handle, may_supervise, is_reporter, assigned */
	assert_int_equal(requests_relation(1, 1, 0, 0, 1), RR_HANDLER);
	assert_int_equal(requests_relation(0, 1, 0, 0, 1), RR_STAFF);
	assert_int_equal(requests_relation(0, 1, 0, 0, 0), RR_HANDLER); /* takes it */
	assert_int_equal(requests_relation(0, 0, 1, 0, 1), RR_LEADER);
	assert_int_equal(requests_relation(0, 1, 1, 0, 1), RR_STAFF | RR_LEADER);
	assert_int_equal(requests_relation(0, 0, 0, 1, 1), RR_REPORTER);
	assert_int_equal(requests_relation(0, 0, 0, 0, 0), 0);
}

static void test_deadlines(void **state)
{
	(void)state;
	int64_t r, s, t0 = 1767225600000; /* 2026-01-01T00:00:00Z */
	requests_deadlines(t0, 2, 72, &r, &s);
	assert_int_equal(r, t0 + 2 * H);
	assert_int_equal(s, t0 + 72 * H);
	requests_deadlines(t0, 0, 0, &r, &s);
	assert_int_equal(r, t0);
	assert_true(requests_reopen_allowed(t0, t0, 7));
	assert_true(requests_reopen_allowed(t0, t0 + 7 * 24 * H, 7));
	assert_false(requests_reopen_allowed(t0, t0 + 7 * 24 * H + 1, 7));
	assert_false(requests_reopen_allowed(0, t0, 7));
	assert_false(requests_reopen_allowed(t0, t0 - 1, 7));
}

static void test_ladder(void **state)
{
	(void)state;
	static const char *const want[] = { "grid_worker", "group_leader", "area_leader",
		                            "branch_secretary", "town" };
	for (int i = 0; i <= REQUESTS_LADDER_TOP; i++) {
		assert_string_equal(requests_ladder_role(i), want[i]);
		assert_int_equal(requests_ladder_rung(want[i]), i);
	}
	assert_null(requests_ladder_role(5));
	assert_null(requests_ladder_role(-1));
	assert_int_equal(requests_ladder_rung("building_leader"), -1);
	assert_int_equal(requests_ladder_rung(NULL), -1);
	assert_int_equal(requests_escalated_rung(0, 1), 1);
	assert_int_equal(requests_escalated_rung(2, 2), 4);
	assert_int_equal(requests_escalated_rung(3, 9), 4);
	assert_int_equal(requests_escalated_rung(4, 0), 4);
}

/* submitted at 0 with a 2-hour response and a 24-hour resolution deadline */
struct esc_case {
	int64_t now, responded, resolved;
	int levels;
	int64_t next;
};

static const struct esc_case escs[] = {
	{ 0, 0, 0, 0, 2 * H + 1 },               /* fresh: the response deadline next */
	{ 2 * H, 0, 0, 0, 2 * H + 1 },           /* at the deadline: not yet missed */
	{ 2 * H + 1, 0, 0, 1, 24 * H + 1 },      /* missed the response */
	{ 3 * H, 1 * H, 0, 0, 24 * H + 1 },      /* signed in time */
	{ 3 * H, 2 * H + 5, 0, 1, 24 * H + 1 },  /* signed late: still missed */
	{ 24 * H + 1, 1 * H, 0, 1, 48 * H + 1 }, /* missed the resolution */
	{ 24 * H + 1, 0, 0, 2, 48 * H + 1 },     /* both */
	{ 48 * H + 1, 1 * H, 0, 2, 72 * H + 1 }, /* a further period */
	{ 72 * H + 1, 1 * H, 0, 3, 96 * H + 1 }, /* and another */
	{ 500 * H, 1 * H, 0, 5, 504 * H + 1 },   /* capped at the ladder's length */
	{ 500 * H, 1 * H, 10 * H, 0, 0 },        /* resolved in time: nothing more */
	{ 500 * H, 1 * H, 30 * H, 1, 0 },        /* resolved late: one, and done */
	{ 1 * H, 0, 30 * 60 * 1000, 0, 0 },      /* resolved before signing: done */
};

static void test_escalation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escs) / sizeof(escs[0]); i++) {
		const struct esc_case *c = &escs[i];
		struct request_clock k = { 2 * H, 24 * H, c->responded, c->resolved, 24 };
		int64_t next = -1;
		int levels = requests_escalation_due(&k, c->now, &next);
		if (levels != c->levels || next != c->next)
			fail_msg("case %zu: levels %d next %lld", i, levels, (long long)next);
		/* running late or twice changes nothing: the count depends only on the times */
		assert_int_equal(requests_escalation_due(&k, c->now, &next), levels);
	}
}

/* the three rates: who counts where */
static void test_rates(void **state)
{
	(void)state;
	struct request_counts c = { 0 };
	struct request_rates r;
	requests_rates(&c, &r);
	assert_int_equal(r.responded, -1);
	assert_int_equal(r.resolved, -1);
	assert_int_equal(r.satisfied, -1);
	assert_int_equal(r.avg_response_min, -1);
	int64_t now = 1000 * H;
	/* created, response_due, resolution_due, signed, resolved, satisfaction, reasonable */
	static const struct request_fact facts[] = {
		{ 0, 2 * H, 24 * H, 1 * H, 10 * H, 5, 1 },  /* in time, resolved, satisfied */
		{ 0, 2 * H, 24 * H, 3 * H, 30 * H, 3, -1 }, /* late, resolved late, not satisfied */
		{ 0, 2 * H, 24 * H, 1 * H, 0, 0, -1 },      /* in time, overdue, unresolved */
		{ 0, 2 * H, 2000 * H, 0, 0, 0, -1 },        /* not signed, not yet owed */
		{ 0, 2 * H, 24 * H, 0, 0, 0, 0 },           /* 不合理: left out */
		{ 0, 2 * H, 24 * H, 1 * H, 5 * H, 4, 1 },   /* in time, resolved, satisfied */
	};
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		requests_count(&c, &facts[i], now);
	assert_int_equal(c.total, 5);
	assert_int_equal(c.unreasonable, 1);
	assert_int_equal(c.responded_in_time, 3);
	assert_int_equal(c.resolution_owed, 4);
	assert_int_equal(c.resolved, 3);
	assert_int_equal(c.rated, 3);
	assert_int_equal(c.satisfied, 2);
	requests_rates(&c, &r);
	assert_int_equal(r.responded, 600); /* 3 of 5 */
	assert_int_equal(r.resolved, 750);  /* 3 of 4 */
	assert_int_equal(r.satisfied, 667); /* 2 of 3, rounded */
	assert_int_equal(r.avg_response_min, (1 + 3 + 1 + 1) * 60 / 4);
	assert_int_equal(r.avg_resolution_min, (10 + 30 + 5) * 60 / 3);
}

/* weeks start on Monday in Beijing time */
static void test_week(void **state)
{
	(void)state;
	char w[11];
	struct {
		const char *at, *week;
	} cases[] = {
		{ "2026-03-02T00:00:00Z", "2026-03-02" }, /* a Monday */
		{ "2026-03-01T15:59:59Z", "2026-02-23" }, /* Sunday 23:59 in Beijing */
		{ "2026-03-01T16:00:00Z", "2026-03-02" }, /* Monday 00:00 in Beijing */
		{ "2026-03-08T12:00:00Z", "2026-03-02" }, /* Sunday 20:00 */
		{ "1970-01-01T00:00:00Z", "1969-12-29" }, { "1969-12-31T00:00:00Z", "1969-12-29" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ms;
		assert_int_equal(time_parse_iso(cases[i].at, &ms), 0);
		requests_week(ms, w);
		if (strcmp(w, cases[i].week))
			fail_msg("%s: week %s, not %s", cases[i].at, w, cases[i].week);
	}
}

static void test_codes(void **state)
{
	(void)state;
	char code[REQUESTS_CODE_LEN + 1], norm[REQUESTS_CODE_LEN + 1];
	static const unsigned char zero[7] = { 0 }, ones[7] = { 255, 255, 255, 255, 255, 255, 255 };
	static const unsigned char some[7] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde };
	requests_code_encode(zero, code);
	assert_string_equal(code, "0000000000");
	requests_code_encode(ones, code);
	assert_string_equal(code, "ZZZZZZZZZZ");
	requests_code_encode(some, code);
	assert_string_equal(code, "28T5CY4TQK");
	requests_code_new(code);
	assert_int_equal(strlen(code), REQUESTS_CODE_LEN);
	assert_int_equal(requests_code_normalize(code, norm), 0);
	assert_string_equal(norm, code);
	assert_int_equal(requests_code_normalize("28t5-cy4t-qj", norm), 0);
	assert_string_equal(norm, "28T5CY4TQJ");
	assert_int_equal(requests_code_normalize("oIl0000000", norm), 0);
	assert_string_equal(norm, "0110000000");
	assert_int_equal(requests_code_normalize("28T5CY4TQ", norm), -1);   /* short */
	assert_int_equal(requests_code_normalize("28T5CY4TQJK", norm), -1); /* long */
	assert_int_equal(requests_code_normalize("28T5CY4TQU", norm), -1);  /* U is not used */
	assert_int_equal(requests_code_normalize("28T5CY4T<>", norm), -1);
	assert_int_equal(requests_code_normalize(NULL, norm), -1);
}

/* n characters of 路 (three bytes each) into buf */
static void fill_chars(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		memcpy(buf + 3 * i, "路", 3);
	buf[3 * n] = 0;
}

struct attr_case {
	const char *attrs;
	const char *code, *field;
};

static const char spec_text[] =
    "[{\"key\": \"size\", \"label\": \"面积\", \"type\": \"number\", \"required\": true},"
    " {\"key\": \"kind\", \"label\": \"种类\", \"type\": \"single\", \"required\": true,"
    "  \"choices\": [\"生活垃圾\", \"建筑垃圾\"]},"
    " {\"key\": \"tags\", \"type\": \"multi\", \"choices\": [\"异味\", \"堵路\"]},"
    " {\"key\": \"seen\", \"type\": \"datetime\"},"
    " {\"key\": \"where\", \"type\": \"string\"},"
    " {\"key\": \"more\", \"type\": \"text\"}]";

static const struct attr_case attr_cases[] = {
	{ "{\"size\": 3, \"kind\": \"生活垃圾\"}", NULL, NULL },
	{ "{\"size\": 3.5, \"kind\": \"建筑垃圾\", \"tags\": [\"异味\", \"堵路\"], \"seen\": "
	  "\"2026-03-01T08:00:00Z\", \"where\": \"<b>路口</b>\"}",
	  NULL, NULL },
	{ "{\"kind\": \"生活垃圾\"}", "requests.attribute_required", "attributes.size" },
	{ NULL, "requests.attribute_required", "attributes.size" },
	{ "{\"size\": \"3\", \"kind\": \"生活垃圾\"}", "requests.attribute_type",
	  "attributes.size" },
	{ "{\"size\": 3, \"kind\": \"电子垃圾\"}", "requests.attribute_choice", "attributes.kind" },
	{ "{\"size\": 3, \"kind\": \"\"}", "requests.attribute_required", "attributes.kind" },
	{ "{\"size\": 3, \"kind\": \"生活垃圾\", \"tags\": [\"异味\", \"吵\"]}",
	  "requests.attribute_choice", "attributes.tags" },
	{ "{\"size\": 3, \"kind\": \"生活垃圾\", \"tags\": \"异味\"}", "requests.attribute_type",
	  "attributes.tags" },
	{ "{\"size\": 3, \"kind\": \"生活垃圾\", \"seen\": \"yesterday\"}",
	  "requests.attribute_type", "attributes.seen" },
	{ "{\"size\": 3, \"kind\": \"生活垃圾\", \"color\": \"red\"}", "requests.attribute_unknown",
	  "attributes.color" },
	{ "[1]", "requests.attribute_type", "attributes" },
};

static void test_attrs(void **state)
{
	(void)state;
	json_t *spec = json_loads(spec_text, 0, NULL);
	assert_non_null(spec);
	for (size_t i = 0; i < sizeof(attr_cases) / sizeof(attr_cases[0]); i++) {
		const struct attr_case *c = &attr_cases[i];
		json_t *v = c->attrs ? json_loads(c->attrs, 0, NULL) : NULL;
		struct err e = { 0 };
		int rc = requests_attrs_check(spec, v, &e);
		if (rc != (c->code ? -1 : 0) ||
		    (c->code && (strcmp(e.code, c->code) || strcmp(e.field, c->field))))
			fail_msg("case %zu: rc %d code %s field %s", i, rc, e.code, e.field);
		if (c->code)
			assert_int_equal(e.status, 400);
		json_decref(v);
	}
	/* a string over 200 characters, a text up to 2,000 */
	char *big = malloc(2100 * 3 + 64);
	fill_chars(big, 201);
	json_t *v = json_pack("{s:i, s:s, s:s}", "size", 1, "kind", "生活垃圾", "where", big);
	struct err e = { 0 };
	assert_int_equal(requests_attrs_check(spec, v, &e), -1);
	assert_string_equal(e.code, "requests.attribute_long");
	json_decref(v);
	fill_chars(big, 2000);
	v = json_pack("{s:i, s:s, s:s}", "size", 1, "kind", "生活垃圾", "more", big);
	assert_int_equal(requests_attrs_check(spec, v, &e), 0);
	json_decref(v);
	free(big);
	json_decref(spec);
}

/* the attribute spec as an admin saves it: each bad spec's code and field */
static const struct attr_case spec_cases[] = {
	{ "[]", NULL, NULL },
	{ "[{\"key\": \"kind\", \"label\": \"种类\", \"type\": \"single\", \"required\": true, "
	  "\"choices\": [\"甲\", \"乙\"]}, {\"key\": \"n_2\", \"label\": \"数量\", \"type\": "
	  "\"number\"}]",
	  NULL, NULL },
	{ "{}", "requests.spec", "attributes" },
	{ "[1]", "requests.spec", "attributes[0]" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"colour\"}]", "requests.spec_type",
	  "attributes[0].type" },
	{ "[{\"key\": \"a\", \"label\": \"A\"}]", "requests.spec_type", "attributes[0].type" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"multi\"}]", "requests.spec_choices",
	  "attributes[0].choices" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"single\", \"choices\": []}]",
	  "requests.spec_choices", "attributes[0].choices" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"single\", \"choices\": [\"x\", \"x\"]}]",
	  "requests.spec_choices", "attributes[0].choices" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"single\", \"choices\": [\"\"]}]",
	  "requests.spec_choices", "attributes[0].choices" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"choices\": [\"x\"]}]",
	  "requests.spec_choices", "attributes[0].choices" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\"}, {\"key\": \"a\", \"label\": "
	  "\"B\", \"type\": \"text\"}]",
	  "requests.spec_key", "attributes[1].key" },
	{ "[{\"key\": \"1a\", \"label\": \"A\", \"type\": \"text\"}]", "requests.spec_key",
	  "attributes[0].key" },
	{ "[{\"key\": \"a-b\", \"label\": \"A\", \"type\": \"text\"}]", "requests.spec_key",
	  "attributes[0].key" },
	{ "[{\"label\": \"A\", \"type\": \"text\"}]", "requests.spec_key", "attributes[0].key" },
	{ "[{\"key\": \"a\", \"type\": \"text\"}]", "requests.spec", "attributes[0].label" },
	{ "[{\"key\": \"a\", \"label\": \"\", \"type\": \"text\"}]", "requests.spec",
	  "attributes[0].label" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"required\": 1}]",
	  "requests.spec", "attributes[0].required" },
	{ "[{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"hint\": \"x\"}]",
	  "requests.spec", "attributes[0].hint" },
};

static void test_spec(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(spec_cases) / sizeof(spec_cases[0]); i++) {
		const struct attr_case *c = &spec_cases[i];
		json_t *spec = json_loads(c->attrs, 0, NULL);
		struct err e = { 0 };
		assert_non_null(spec);
		int rc = requests_spec_check(spec, &e);
		if (rc != (c->code ? -1 : 0) ||
		    (c->code && (strcmp(e.code, c->code) || strcmp(e.field, c->field))))
			fail_msg("case %zu: rc %d code %s field %s", i, rc, e.code, e.field);
		json_decref(spec);
	}
	/* at most 30 attributes */
	struct err e = { 0 };
	json_t *many = json_array();
	for (int i = 0; i <= REQUESTS_SPEC_ITEMS; i++)
		json_array_append_new(
		    many, json_pack("{s:s, s:s, s:s}", "key",
		                    (char[]){ 'a', (char)('a' + i % 26), (char)('a' + i / 26), 0 },
		                    "label", "x", "type", "text"));
	assert_int_equal(requests_spec_check(many, &e), -1);
	assert_string_equal(e.code, "requests.spec");
	json_decref(many);
}

static void test_sources(void **state)
{
	(void)state;
	assert_true(requests_source_valid("public", 1));
	assert_false(requests_source_valid("staff_phone", 1));
	assert_true(requests_source_valid("staff_phone", 0));
	assert_true(requests_source_valid("hotline_12345", 0));
	assert_false(requests_source_valid("public", 0));
	assert_false(requests_source_valid("fax", 0));
	assert_false(requests_source_valid(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),      cmocka_unit_test(test_actions),
		cmocka_unit_test(test_statuses),   cmocka_unit_test(test_relation),
		cmocka_unit_test(test_deadlines),  cmocka_unit_test(test_ladder),
		cmocka_unit_test(test_escalation), cmocka_unit_test(test_codes),
		cmocka_unit_test(test_attrs),      cmocka_unit_test(test_sources),
		cmocka_unit_test(test_spec),       cmocka_unit_test(test_rates),
		cmocka_unit_test(test_week),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
