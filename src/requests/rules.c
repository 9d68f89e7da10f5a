/* rules.c - the pure rules of requests: the state machine, the clock, the escalation
 * ladder, tracking codes, category attributes; see requests.h. */
#include "requests.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

/* ---- statuses ---- */

static const char *const status_names[RS_COUNT] = {
	"submitted",   "signed_for", "in_progress", "resolved",
	"followed_up", "closed",     "sent_back",   "merged",
};

const char *requests_status_name(int s)
{
	return s >= 0 && s < RS_COUNT ? status_names[s] : NULL;
}

int requests_status_parse(const char *name)
{
	for (int s = 0; name && s < RS_COUNT; s++)
		if (!strcmp(status_names[s], name))
			return s;
	return -1;
}

int requests_status_open(int s)
{
	return s == RS_SUBMITTED || s == RS_SIGNED_FOR || s == RS_IN_PROGRESS || s == RS_SENT_BACK;
}

unsigned requests_relation(int is_handler, int may_handle, int may_supervise, int is_reporter,
                           int assigned)
{
	unsigned rel = 0;
	if (is_handler || (may_handle && !assigned))
		rel |= RR_HANDLER;
	else if (may_handle)
		rel |= RR_STAFF;
	if (may_supervise)
		rel |= RR_LEADER;
	if (is_reporter)
		rel |= RR_REPORTER;
	return rel;
}

/* ---- the actions ---- */

#define S(x)    (1u << (x))
#define OPEN    (S(RS_SUBMITTED) | S(RS_SIGNED_FOR) | S(RS_IN_PROGRESS) | S(RS_SENT_BACK))
#define WORKING (S(RS_SIGNED_FOR) | S(RS_IN_PROGRESS))
#define DONE    (S(RS_RESOLVED) | S(RS_FOLLOWED_UP) | S(RS_CLOSED))
#define ALL     ((1u << RS_COUNT) - 1)

/*
 * The state machine as a table: the statuses an action may be taken from, who may take it,
 * the status after it, what it needs. The handler signs (签收), works, and answers the
 * resident; someone else calls back (回访); a leader supervises, extends, reroutes, merges
 * and classes; the resident may reopen within the days the settings allow.
 */
static const struct request_action actions[] = {
	{ "sign", "签收", S(RS_SUBMITTED), RR_HANDLER | RR_LEADER, RS_SIGNED_FOR, 0 },
	{ "start", "开始办理", S(RS_SIGNED_FOR), RR_HANDLER, RS_IN_PROGRESS, 0 },
	{ "resolve", "答复", WORKING, RR_HANDLER, RS_RESOLVED, RA_REPLY },
	{ "follow_up", "回访", S(RS_RESOLVED), RR_STAFF | RR_LEADER, RS_FOLLOWED_UP,
	  RA_SATISFACTION | RA_NOT_HANDLER },
	{ "close", "办结", S(RS_FOLLOWED_UP), RR_HANDLER | RR_STAFF | RR_LEADER, RS_CLOSED, 0 },
	{ "send_back", "退单", S(RS_SUBMITTED) | S(RS_SIGNED_FOR), RR_HANDLER, RS_SENT_BACK,
	  RA_REASON },
	{ "reroute", "改派", S(RS_SENT_BACK), RR_LEADER, RS_SUBMITTED, RA_NOTE },
	{ "assign", "派单", OPEN, RR_LEADER, RS_SUBMITTED, RA_ASSIGNEE },
	{ "request_extension", "申请延期", WORKING, RR_HANDLER, -1, RA_REASON | RA_HOURS },
	{ "approve_extension", "批准延期", WORKING, RR_LEADER, -1, 0 },
	{ "supervise", "督办", OPEN, RR_LEADER, -1, RA_NOTE },
	{ "rate", "评价", DONE, RR_REPORTER, -1, RA_SATISFACTION },
	{ "reopen", "重办", DONE, RR_REPORTER | RR_LEADER, RS_IN_PROGRESS, RA_REASON },
	{ "classify", "定性", ALL & ~S(RS_MERGED), RR_LEADER, -1, RA_REASONABLE },
	{ "merge", "合并", OPEN, RR_LEADER, RS_MERGED, RA_TARGET },
	{ "comment", "备注", ALL, RR_HANDLER | RR_STAFF | RR_LEADER, -1, RA_NOTE },
};

const struct request_action *requests_actions(size_t *n)
{
	*n = sizeof(actions) / sizeof(actions[0]);
	return actions;
}

const struct request_action *requests_action(const char *name)
{
	for (size_t i = 0; name && i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
	return NULL;
}

int requests_step(const char *name, int status, unsigned rel, int *to, struct err *e)
{
	const struct request_action *a = requests_action(name);
	if (!a)
		return err_invalid(e, "requests.action", "action", "no action '%s'",
		                   name ? name : "");
	if (status < 0 || status >= RS_COUNT || !(a->from & S((unsigned)status)))
		return err_conflict(
		    e, "requests.state", "action", "'%s' is not allowed when %s", a->name,
		    requests_status_name(status) ? requests_status_name(status) : "?");
	if ((a->needs & RA_NOT_HANDLER) && (rel & RR_HANDLER))
		return err_set(e, 403, "requests.follow_up_self", "action",
		               "the handler may not '%s' their own work", a->name);
	if (!(rel & a->who))
		return err_set(e, 403, "requests.not_allowed", "action",
		               "you may not '%s' this request", a->name);
	*to = a->to < 0 ? status : a->to;
	return 0;
}

/* ---- the clock ---- */

void requests_deadlines(int64_t submitted_ms, int64_t response_hours, int64_t resolution_hours,
                        int64_t *response_due, int64_t *resolution_due)
{
	*response_due = submitted_ms + response_hours * HOUR_MS;
	*resolution_due = submitted_ms + resolution_hours * HOUR_MS;
}

int requests_reopen_allowed(int64_t resolved_ms, int64_t now_ms, int64_t days)
{
	return resolved_ms > 0 && now_ms >= resolved_ms &&
	       now_ms - resolved_ms <= days * 24 * HOUR_MS;
}

/* ---- escalation ---- */

static const char *const ladder[REQUESTS_LADDER_TOP + 1] = {
	"grid_worker", "group_leader", "area_leader", "branch_secretary", "town",
};

int requests_ladder_rung(const char *role)
{
	for (int i = 0; role && i <= REQUESTS_LADDER_TOP; i++)
		if (!strcmp(ladder[i], role))
			return i;
	return -1;
}

const char *requests_ladder_role(int rung)
{
	return rung >= 0 && rung <= REQUESTS_LADDER_TOP ? ladder[rung] : NULL;
}

/* the earlier of two instants where 0 is "none" */
static int64_t earlier(int64_t a, int64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

int requests_escalation_due(const struct request_clock *c, int64_t now_ms, int64_t *next_ms)
{
	int levels = 0;
	int64_t next = 0;
	/* the response: missed if signed for after the deadline, or not yet and it passed */
	if (c->responded_at ? c->responded_at > c->response_due : now_ms > c->response_due)
		levels++;
	else if (!c->responded_at && !c->resolved_at)
		next = c->response_due + 1;
	/* the resolution, and every further period after it */
	int64_t t = c->resolved_at ? c->resolved_at : now_ms;
	int64_t period = c->resolution_hours > 0 ? c->resolution_hours * HOUR_MS : 0;
	if (t > c->resolution_due) {
		int64_t n = period ? 1 + (t - c->resolution_due - 1) / period : 1;
		levels += n > REQUESTS_LADDER_TOP + 1 ? REQUESTS_LADDER_TOP + 1 : (int)n;
		if (!c->resolved_at && period)
			next = earlier(next, c->resolution_due + 1 + n * period);
	} else if (!c->resolved_at) {
		next = earlier(next, c->resolution_due + 1);
	}
	*next_ms = next;
	return levels;
}

int requests_escalated_rung(int start_rung, int levels)
{
	int r = start_rung + levels;
	return r > REQUESTS_LADDER_TOP ? REQUESTS_LADDER_TOP : r < 0 ? 0 : r;
}

int64_t requests_ms(const char *iso)
{
	int64_t ms = 0;
	if (!iso || time_parse_iso(iso, &ms))
		return 0;
	return ms;
}

/* ---- the three rates ---- */

void requests_count(struct request_counts *c, const struct request_fact *f, int64_t now_ms)
{
	if (f->reasonable == 0) {
		c->unreasonable++;
		return;
	}
	c->total++;
	if (f->signed_at && f->signed_at <= f->response_due)
		c->responded_in_time++;
	if (f->signed_at) {
		c->responded++;
		c->response_ms += f->signed_at - f->created;
	}
	if (f->resolved_at || now_ms > f->resolution_due)
		c->resolution_owed++;
	if (f->resolved_at) {
		c->resolved++;
		c->resolution_ms += f->resolved_at - f->created;
	}
	if (f->satisfaction > 0) {
		c->rated++;
		c->satisfied += f->satisfaction >= 4;
	}
}

/* per mille of n over d, rounded; -1 when d is 0 */
static int64_t permille(int64_t n, int64_t d)
{
	return d ? (n * 1000 + d / 2) / d : -1;
}

void requests_rates(const struct request_counts *c, struct request_rates *r)
{
	r->responded = permille(c->responded_in_time, c->total);
	r->resolved = permille(c->resolved, c->resolution_owed);
	r->satisfied = permille(c->satisfied, c->rated);
	r->avg_response_min = c->responded ? c->response_ms / c->responded / 60000 : -1;
	r->avg_resolution_min = c->resolved ? c->resolution_ms / c->resolved / 60000 : -1;
}

void requests_week(int64_t ms, char out[11])
{
	const int64_t day = 24 * HOUR_MS;
	int64_t t = ms + 8 * HOUR_MS;
	int64_t days = t >= 0 ? t / day : -((-t + day - 1) / day);
	int64_t dow = ((days + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday: Monday is 0 */
	char iso[32];
	time_iso((days - dow) * day, iso);
	memcpy(out, iso, 10);
	out[10] = 0;
}

/* ---- tracking codes ---- */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void requests_code_encode(const unsigned char bytes[7], char out[REQUESTS_CODE_LEN + 1])
{
	uint64_t v = 0;
	for (int i = 0; i < 7; i++)
		v = v << 8 | bytes[i];
	v >>= 6; /* 56 bits → the first 50 */
	for (int i = REQUESTS_CODE_LEN - 1; i >= 0; i--, v >>= 5)
		out[i] = crockford[v & 31];
	out[REQUESTS_CODE_LEN] = 0;
}

void requests_code_new(char out[REQUESTS_CODE_LEN + 1])
{
	unsigned char b[7];
	randombytes_buf(b, sizeof(b));
	requests_code_encode(b, out);
}

int requests_code_normalize(const char *in, char out[REQUESTS_CODE_LEN + 1])
{
	size_t n = 0;
	for (const char *s = in; s && *s; s++) {
		char c = *s;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		if (!c || !strchr(crockford, c) || n >= REQUESTS_CODE_LEN)
			return -1;
		out[n++] = c;
	}
	out[n] = 0;
	return n == REQUESTS_CODE_LEN ? 0 : -1;
}

/* ---- attributes ---- */

static int in_choices(const json_t *choices, const char *v)
{
	size_t i;
	const json_t *c;
	json_array_foreach(choices, i,
	                   c) if (json_is_string(c) && !strcmp(json_string_value(c), v)) return 1;
	return 0;
}

/* one value v (not NULL) against its spec item */
static int attr_check(const json_t *item, const char *key, const json_t *v, const char *field,
                      struct err *e)
{
	const char *type = json_string_value(json_object_get(item, "type"));
	const json_t *choices = json_object_get(item, "choices");
	if (!type)
		type = "string";
	if (!strcmp(type, "number")) {
		if (!json_is_number(v))
			return err_invalid(e, "requests.attribute_type", field,
			                   "'%s' must be a number", key);
		return 0;
	}
	if (!strcmp(type, "multi")) {
		size_t i;
		const json_t *x;
		if (!json_is_array(v))
			return err_invalid(e, "requests.attribute_type", field,
			                   "'%s' must be a list of choices", key);
		json_array_foreach(
		    v, i,
		    x) if (!json_is_string(x) ||
		           !in_choices(choices,
		                       json_string_value(
		                           x))) return err_invalid(e, "requests.attribute_choice",
		                                                   field,
		                                                   "'%s' is not a choice of '%s'",
		                                                   json_is_string(x)
		                                                       ? json_string_value(x)
		                                                       : "?",
		                                                   key);
		return 0;
	}
	if (!json_is_string(v))
		return err_invalid(e, "requests.attribute_type", field, "'%s' must be text", key);
	const char *s = json_string_value(v);
	if (!strcmp(type, "single")) {
		if (!in_choices(choices, s))
			return err_invalid(e, "requests.attribute_choice", field,
			                   "'%s' is not a choice of '%s'", s, key);
		return 0;
	}
	if (!strcmp(type, "datetime")) {
		int64_t ms;
		if (time_parse_iso(s, &ms))
			return err_invalid(e, "requests.attribute_type", field,
			                   "'%s' must be an instant like 2026-03-01T08:00:00Z",
			                   key);
		return 0;
	}
	size_t max = !strcmp(type, "text") ? 2000 : 200;
	long chars = utf8_len(s, strlen(s));
	if (chars < 0 || (size_t)chars > max)
		return err_invalid(e, "requests.attribute_long", field,
		                   "'%s' is longer than %zu characters", key, max);
	return 0;
}

int requests_attrs_check(const json_t *spec, const json_t *attrs, struct err *e)
{
	if (attrs && !json_is_null(attrs) && !json_is_object(attrs))
		return err_invalid(e, "requests.attribute_type", "attributes",
		                   "attributes must be an object");
	size_t i;
	const json_t *item;
	char field[64];
	json_array_foreach(spec, i, item)
	{
		const char *key = json_string_value(json_object_get(item, "key"));
		if (!key)
			continue;
		const json_t *v = json_is_object(attrs) ? json_object_get(attrs, key) : NULL;
		snprintf(field, sizeof(field), "attributes.%s", key);
		if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
		    (json_is_array(v) && !json_array_size(v))) {
			if (json_is_true(json_object_get(item, "required")))
				return err_invalid(e, "requests.attribute_required", field,
				                   "'%s' is required", key);
			continue;
		}
		if (attr_check(item, key, v, field, e))
			return -1;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)attrs, key, v)
	{
		int known = 0;
		json_array_foreach(spec, i, item)
		{
			const char *k = json_string_value(json_object_get(item, "key"));
			known |= k && !strcmp(k, key);
		}
		if (!known) {
			snprintf(field, sizeof(field), "attributes.%s", key);
			return err_invalid(e, "requests.attribute_unknown", field,
			                   "no attribute '%s' in this category", key);
		}
	}
	return 0;
}

/* ---- the attribute spec of a category, as an admin saves it ---- */

/* 1 if s is a key: a lowercase letter, then lowercase letters, digits or '_', ≤ 40 */
static int spec_key_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 40 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* 1 if v is a string of 1…max characters */
static int spec_text_ok(const json_t *v, long max)
{
	const char *s = json_string_value(v);
	long n = s ? utf8_len(s, strlen(s)) : -1;
	return n >= 1 && n <= max;
}

/* the choices of item i (single or multi): 1…50 texts of ≤ 40 characters, none twice */
static int spec_choices(const json_t *choices, const char *field, struct err *e)
{
	size_t n = json_array_size(choices), i, j;
	if (!json_is_array(choices) || !n || n > REQUESTS_SPEC_CHOICES)
		return err_invalid(e, "requests.spec_choices", field,
		                   "a choice attribute needs 1 to %d choices",
		                   REQUESTS_SPEC_CHOICES);
	for (i = 0; i < n; i++) {
		const json_t *c = json_array_get(choices, i);
		if (!spec_text_ok(c, 40))
			return err_invalid(e, "requests.spec_choices", field,
			                   "each choice is a text of 1 to 40 characters");
		for (j = 0; j < i; j++)
			if (json_equal(c, json_array_get(choices, j)))
				return err_invalid(e, "requests.spec_choices", field,
				                   "choice '%s' is given twice",
				                   json_string_value(c));
	}
	return 0;
}

int requests_spec_check(const json_t *spec, struct err *e)
{
	static const char *const types[] = { "string", "number", "datetime", "text",
		                             "single", "multi",  NULL };
	static const char *const members[] = {
		"key", "label", "type", "required", "choices", NULL
	};
	char field[64];
	if (!json_is_array(spec) || json_array_size(spec) > REQUESTS_SPEC_ITEMS)
		return err_invalid(e, "requests.spec", "attributes",
		                   "attributes is a list of at most %d items", REQUESTS_SPEC_ITEMS);
	size_t i, j;
	const json_t *item;
	json_array_foreach(spec, i, item)
	{
		snprintf(field, sizeof(field), "attributes[%zu]", i);
		if (!json_is_object(item))
			return err_invalid(e, "requests.spec", field,
			                   "each attribute is an object");
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)item, k, v)
		{
			int known = 0;
			for (j = 0; members[j]; j++)
				known |= !strcmp(members[j], k);
			if (!known) {
				snprintf(field, sizeof(field), "attributes[%zu].%.20s", i, k);
				return err_invalid(
				    e, "requests.spec", field,
				    "an attribute has key, label, type, required and "
				    "choices, not '%s'",
				    k);
			}
		}
		const char *key = json_string_value(json_object_get(item, "key"));
		snprintf(field, sizeof(field), "attributes[%zu].key", i);
		if (!spec_key_ok(key))
			return err_invalid(
			    e, "requests.spec_key", field,
			    "a key is a lowercase letter, then letters, digits or '_' "
			    "(at most 40)");
		for (j = 0; j < i; j++)
			if (!strcmp(key, json_string_value(
			                     json_object_get(json_array_get(spec, j), "key"))))
				return err_invalid(e, "requests.spec_key", field,
				                   "key '%s' is used twice", key);
		snprintf(field, sizeof(field), "attributes[%zu].label", i);
		if (!spec_text_ok(json_object_get(item, "label"), 40))
			return err_invalid(e, "requests.spec", field,
			                   "a label is a text of 1 to 40 characters");
		const json_t *req = json_object_get(item, "required");
		snprintf(field, sizeof(field), "attributes[%zu].required", i);
		if (req && !json_is_boolean(req))
			return err_invalid(e, "requests.spec", field, "required is true or false");
		const char *type = json_string_value(json_object_get(item, "type"));
		int t = -1;
		for (j = 0; type && types[j]; j++)
			if (!strcmp(types[j], type))
				t = (int)j;
		snprintf(field, sizeof(field), "attributes[%zu].type", i);
		if (t < 0)
			return err_invalid(
			    e, "requests.spec_type", field,
			    "type is string, number, datetime, text, single or multi");
		const json_t *choices = json_object_get(item, "choices");
		snprintf(field, sizeof(field), "attributes[%zu].choices", i);
		if (t >= 4 && spec_choices(choices, field, e))
			return -1;
		if (t < 4 && choices)
			return err_invalid(e, "requests.spec_choices", field,
			                   "only single and multi attributes have choices");
	}
	return 0;
}

int requests_source_valid(const char *source, int public_form)
{
	static const char *const staff[] = { "resident",      "staff_phone", "staff_visit",
		                             "hotline_12345", "internal",    NULL };
	if (!source)
		return 0;
	if (public_form)
		return !strcmp(source, "public");
	for (int i = 0; staff[i]; i++)
		if (!strcmp(staff[i], source))
			return 1;
	return 0;
}
