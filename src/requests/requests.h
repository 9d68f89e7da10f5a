/*
 * requests.h - residents' requests (民有所呼、我有所应): categories, intake, routing to the
 * holder of the category's duty role over the request's place, the steps of the work
 * (签收, 办理, 答复, 回访, 办结, 退单, 延期, 督办, 重办, 合并), deadlines and escalation up the
 * chain. The only header other modules include. See docs/internals/requests.md.
 *
 * The pure rules (rules.c) are the state machine (requests_step), the clock
 * (requests_deadlines), the escalation ladder (requests_ladder_*, requests_escalation_due),
 * tracking codes and the category attributes; db.c and http.c apply them.
 *
 * Errors: 400 requests.action (an unknown action), requests.reply_required,
 * requests.reason_required, requests.satisfaction, requests.category_not_found,
 * requests.category_not_leaf, requests.place_outside, requests.attribute_required,
 * requests.attribute_type, requests.attribute_choice, requests.attribute_unknown naming the
 * field; 403 requests.not_allowed (the caller's relation to the request may not take the
 * action), requests.follow_up_self (the handler following up their own work); 409
 * requests.state (the action is not allowed in the status), requests.rated (a second
 * rating); 404 requests.not_found; 429 requests.throttled.
 */
#ifndef CUNWU_REQUESTS_H
#define CUNWU_REQUESTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"

/* ---- the state machine ---- */

enum request_status {
	RS_SUBMITTED,   /* submitted: routed, waiting for its handler to sign */
	RS_SIGNED_FOR,  /* 签收: the handler has taken it (the response) */
	RS_IN_PROGRESS, /* 办理中 */
	RS_RESOLVED,    /* 已答复: resolved, the reply to the resident written */
	RS_FOLLOWED_UP, /* 已回访: someone other than the handler called back, satisfaction */
	RS_CLOSED,      /* 办结 */
	RS_SENT_BACK,   /* 退单: the handler refused it with a reason; a leader reassigns it */
	RS_MERGED,      /* merged into another request (a duplicate) */
	RS_COUNT
};

/* "submitted" … for status s; NULL out of range. Pure. */
const char *requests_status_name(int s);
/* The status named name, or -1. Pure. */
int requests_status_parse(const char *name);
/* 1 if a request in status s is still being worked on (a clock runs). Pure. */
int requests_status_open(int s);

/* The caller's relations to a request: a bit set. */
enum {
	RR_HANDLER = 1,  /* the request's handler (or staff taking an unassigned one) */
	RR_STAFF = 2,    /* requests.handle over the request's place, not the handler */
	RR_LEADER = 4,   /* requests.supervise over the request's place */
	RR_REPORTER = 8, /* the resident who reported it (by account or tracking code) */
};

/*
 * The caller's relations: is_handler (the caller is the handler account), may_handle
 * (requests.handle over the place), may_supervise, is_reporter, assigned (the request has a
 * handler account). Staff who may handle a request nobody holds count as its handler. Pure.
 */
unsigned requests_relation(int is_handler, int may_handle, int may_supervise, int is_reporter,
                           int assigned);

/* What an action needs besides the caller's relation. */
enum {
	RA_REPLY = 1,        /* a reply to the resident (resolve) */
	RA_REASON = 2,       /* a reason (send back, extension, reopen) */
	RA_SATISFACTION = 4, /* satisfaction 1–5 (follow up) */
	RA_NOT_HANDLER = 8,  /* done by someone other than the handler (回访) */
	RA_HOURS = 16,       /* hours (an extension) */
	RA_REASONABLE = 32,  /* reasonable true|false (classify) */
	RA_TARGET = 64,      /* another request (merge) */
	RA_NOTE = 128,       /* a note (supervise, comment) */
	RA_ASSIGNEE = 256,   /* an account holding requests.handle over the place (assign) */
};

struct request_action {
	const char *name;  /* "sign" */
	const char *label; /* "签收" */
	unsigned from;     /* bit s: allowed in status s */
	unsigned who;      /* RR_* bits allowed to take it */
	int to;            /* the status after it; -1: unchanged */
	unsigned needs;    /* RA_* */
};

/* Every action, in the order of the work; *n gets the count. Pure. */
const struct request_action *requests_actions(size_t *n);
/* The action named name, or NULL. Pure. */
const struct request_action *requests_action(const char *name);

/*
 * May a caller with relations rel take action name on a request in status? The status
 * after it into *to (the same status for an action that changes none). Errors: 400
 * requests.action (unknown; field "action"), 409 requests.state (not from this status), 403
 * requests.follow_up_self (RA_NOT_HANDLER and the caller is the handler), 403
 * requests.not_allowed. Pure.
 */
int requests_step(const char *name, int status, unsigned rel, int *to, struct err *e);

/* ---- the clock ---- */

#define HOUR_MS (3600 * (int64_t)1000)

/* Response and resolution deadlines of a request submitted at (UTC ms). Pure. */
void requests_deadlines(int64_t submitted_ms, int64_t response_hours, int64_t resolution_hours,
                        int64_t *response_due, int64_t *resolution_due);

/*
 * Reopening (重办): allowed within days of resolved_ms (inclusive of the instant). Pure.
 */
int requests_reopen_allowed(int64_t resolved_ms, int64_t now_ms, int64_t days);

/* ---- escalation ---- */

/* The ladder a request climbs after missed deadlines: grid_worker, group_leader,
 * area_leader, branch_secretary, then "town" (the town's leaders: no duty role). */
#define REQUESTS_LADDER_TOP 4
/* The rung of role on the ladder (0 grid_worker … 4 town), or -1. Pure. */
int requests_ladder_rung(const char *role);
/* The role of rung (0…4), or NULL. Pure. */
const char *requests_ladder_role(int rung);

/* A request as the escalation rule sees it. */
struct request_clock {
	int64_t response_due, resolution_due; /* ms */
	int64_t responded_at, resolved_at;    /* ms, 0 if not yet */
	int64_t resolution_hours;             /* the category's: each further period is a step */
};

/*
 * How many levels a request should have climbed by now: one for a missed response
 * deadline (not signed for by then), one for a missed resolution deadline (not resolved by
 * then), and one more for every further resolution period that passes unresolved. *next_ms
 * gets the instant the count grows next (0: never). The job escalates the request from the
 * levels it has climbed to this count, so running it late or twice changes nothing. Pure.
 */
int requests_escalation_due(const struct request_clock *c, int64_t now_ms, int64_t *next_ms);

/*
 * The rung a request routed at start_rung stands on after levels escalations (capped at the
 * town). Pure.
 */
int requests_escalated_rung(int start_rung, int levels);

/* A stored instant (ISO text) as ms; 0 for NULL or unreadable. Pure. */
int64_t requests_ms(const char *iso);

/* ---- the three rates ---- */

/* One request as the rates see it: instants in ms (0 if not yet), satisfaction 0 if not
 * rated, reasonable -1 not classed, 0 不合理, 1 合理. */
struct request_fact {
	int64_t created, response_due, resolution_due, signed_at, resolved_at;
	int satisfaction, reasonable;
};

/* Counts the rates are made of. */
struct request_counts {
	int64_t total;        /* counted: not classed unreasonable */
	int64_t unreasonable; /* left out of every rate */
	int64_t responded_in_time;
	int64_t resolution_owed; /* resolved, or past the resolution deadline */
	int64_t resolved;
	int64_t rated, satisfied;                      /* satisfied: 4 or 5 */
	int64_t responded, response_ms, resolution_ms; /* for the averages */
};

/* Add request f, judged at now_ms, to c (unreasonable ones only to c->unreasonable). Pure. */
void requests_count(struct request_counts *c, const struct request_fact *f, int64_t now_ms);

/* The rates of c. Per mille (0…1000), -1 with an empty denominator; averages in minutes,
 * -1 with nothing to average. */
struct request_rates {
	int64_t responded, resolved, satisfied;       /* 及时响应率, 解决率, 满意率 */
	int64_t avg_response_min, avg_resolution_min; /* 平均响应, 平均办结 */
};
void requests_rates(const struct request_counts *c, struct request_rates *r);

/* The Monday (Asia/Shanghai, UTC+8) of the week holding ms, as YYYY-MM-DD. Pure. */
void requests_week(int64_t ms, char out[11]);

/* ---- tracking codes ---- */

#define REQUESTS_CODE_LEN 10
/* 10 characters of Crockford base32 from the first 50 bits of bytes[7]. Pure. */
void requests_code_encode(const unsigned char bytes[7], char out[REQUESTS_CODE_LEN + 1]);
/* A new unguessable code (libsodium randombytes). */
void requests_code_new(char out[REQUESTS_CODE_LEN + 1]);
/*
 * A code as a resident types it into out: case folded, I/L read as 1, O as 0, hyphens and
 * spaces dropped: 0, or -1 if it is not 10 characters of Crockford base32. Pure.
 */
int requests_code_normalize(const char *in, char out[REQUESTS_CODE_LEN + 1]);

/* ---- the attributes of a category ---- */

/*
 * Check attrs (a JSON object, or NULL) against a category's spec (a JSON array of {key,
 * label, type: string|number|datetime|text|single|multi, required, choices}). Errors (400,
 * field "attributes.<key>"): requests.attribute_required, requests.attribute_type,
 * requests.attribute_choice, requests.attribute_unknown, requests.attribute_long (strings
 * over 200 characters, texts over 2,000). Pure.
 */
int requests_attrs_check(const json_t *spec, const json_t *attrs, struct err *e);

#define REQUESTS_SPEC_ITEMS   30
#define REQUESTS_SPEC_CHOICES 50

/*
 * Check a category's attribute spec as an admin saves it: a JSON array of at most
 * REQUESTS_SPEC_ITEMS objects {key, label, type, required, choices} and nothing else; key a
 * lowercase letter then letters, digits or '_' (≤ 40), none twice; label 1–40 characters;
 * type string|number|datetime|text|single|multi; required true|false; choices (single and
 * multi only, and needed there) 1–REQUESTS_SPEC_CHOICES texts of 1–40 characters, none
 * twice. Errors (400, field "attributes[i].member"): requests.spec (the shape),
 * requests.spec_key, requests.spec_type, requests.spec_choices. Pure.
 */
int requests_spec_check(const json_t *spec, struct err *e);

/* The sources of a request. */
int requests_source_valid(const char *source, int public_form);

/*
 * SQL: account u (an alias the query gives) holds a permission over a place: a grant of a
 * role with the permission at the place or above it in either tree. Four parameters: the
 * permission, 1 for a grant at a town only (else 0), the place's path, its gpath (NULL
 * when no grid covers it).
 */
#define REQUESTS_SQL_HOLDS                                                                         \
	"EXISTS (SELECT 1 FROM grants g JOIN role_perms rp ON rp.role_id = g.role_id AND rp.perm " \
	"= ? JOIN places gp ON gp.id = g.place_id WHERE g.user_id = u.id AND (? = 0 OR gp.kind = " \
	"'town') AND (substr(?, 1, length(gp.path)) = gp.path OR substr(?, 1, length(gp.path)) = " \
	"gp.path))"

/* ---- writing ---- */

#define REQUESTS_PHOTOS 9

struct request_in {
	const char *category_id, *place_id, *title, *description, *source, *external_no;
	const char *contact_name, *contact_phone;
	const json_t *attributes;
	const char *reporter_user_id;
	int public_form;           /* the public form: the timeline names the actor "public" */
	const char *const *photos; /* media ids (uploaded images), at most REQUESTS_PHOTOS */
	size_t nphotos;
	/* the photos were uploaded without an account (POST /api/v1/public/media): each must
	 * be such an upload of the last hour (the public form, a resident's own account) */
	int public_photos;
	/* the 12345 import: submitted then (UTC ms; 0: now), the platform's deadline (0: the
	 * category's), and the category's required attributes not asked for (the ticket does
	 * not give them; the handler adds them) */
	int64_t submitted_ms, resolution_due_ms;
	int imported;
};

/*
 * Intake: the category a leaf (400 requests.category_not_found, requests.category_not_leaf
 * on category_id), the place in a town and active (400 requests.place_outside), the
 * attributes by the category's spec, the phone normalized and sealed; the deadlines from
 * now; routed (requests_route); the photos attached (400 requests.photo naming "photos":
 * not an uploaded image, or more than REQUESTS_PHOTOS). *id and *code get the new
 * request's id and tracking code.
 * Events: submitted, routed. Audited.
 */
int requests_create(struct db *db, const struct actor *who, const struct request_in *in,
                    const char **id, const char **code, struct err *e);

/* What an action carries. */
struct request_act {
	const char *action, *reply, *reason, *note, *comment, *target_id;
	const char *assignee_id; /* assign (派单): the account the request goes to */
	int64_t satisfaction, hours;
	int reasonable; /* -1 absent */
	unsigned rel;   /* the caller's relations (requests_relation) */
	const char *user_id;
	int public_form;           /* by tracking code: the timeline names the actor "public" */
	const char *const *photos; /* resolve: the handler's photos (media ids) */
	size_t nphotos;
};

/*
 * Take an action on request id (requests_step, then its effects); an event; audited; the
 * notice it makes queued (notify.h: routing, supervision, send-back, the reply, assignment).
 * assign: 400 requests.assignee (field assignee_id) unless the account is enabled and holds
 * requests.handle over the request's place; the request is submitted again, for that
 * account to sign (a response already made stays made).
 */
int requests_act(struct db *db, const struct actor *who, const char *id,
                 const struct request_act *in, struct err *e);

/*
 * Duty old_id handed over to new_id (duties_on_handover, in the hand-over's transaction):
 * every open request the old duty holds goes to the successor (its duty, account and name),
 * a "reassign" event each (from and to), audited, the successor told.
 */
int requests_duty_handed_over(struct db *db, const struct actor *who, const char *old_id,
                              const char *new_id, struct err *e);

/*
 * Escalate every open request whose deadlines have passed (requests_escalation_due) by
 * as many rungs as it has missed deadlines and not yet climbed, each routed to the holder
 * of the new rung over its place (or further up when vacant): an "escalate" event and an
 * audit row each. Reads only the stored instants, so a late or repeated run (after a
 * restart) does the same. Opens its own write transaction; *escalated gets the count.
 */
int requests_escalate(struct db *db, const struct actor *who, int64_t now_ms, int64_t *escalated,
                      struct err *e);

/* ---- category admin (categories.c) ---- */

/* A category as an admin writes it; for an update, the fields named by RC_* bits. */
struct request_category_in {
	const char *id, *parent_id, *name, *duty_role;
	int64_t sort, response_hours, resolution_hours;
	const json_t *attributes;
};
enum {
	RC_PARENT = 1,
	RC_NAME = 2,
	RC_SORT = 4,
	RC_RESPONSE = 8,
	RC_RESOLUTION = 16,
	RC_ROLE = 32,
	RC_ATTRIBUTES = 64,
};

/*
 * Create a category, or change the fields of id that set names (RC_*). Checked as saved:
 * the id (400 requests.category_id: a lowercase letter, then letters, digits, '.' or '_';
 * 409 requests.category_exists), the parent (400 requests.category_parent: unknown,
 * retired, the category itself or under it, or more than four levels; 409
 * requests.category_has_requests: a leaf with requests would group others), the hours
 * (400 requests.category_hours: response after resolution), the duty role (400
 * requests.duty_role: not a rung of the ladder), the attributes (requests_spec_check).
 * The caller checks If-Match. Audited (region
 * "000000": categories belong to every town). 404 requests.category_not_found on update.
 */
int requests_category_create(struct db *db, const struct actor *who,
                             const struct request_category_in *in, struct err *e);
int requests_category_update(struct db *db, const struct actor *who, const char *id,
                             const struct request_category_in *in, unsigned set, struct err *e);
/*
 * Retire category id: it takes no new requests (400 requests.category_retired at intake)
 * and keeps its old ones. 409 requests.category_children while it groups active ones,
 * requests.category_retired when retired already. Audited.
 */
int requests_category_retire(struct db *db, const struct actor *who, const char *id, struct err *e);

/* ---- people's mediation (人民调解) ---- */

#define REQUESTS_PARTIES 10

struct request_party {
	const char *name, *phone; /* phone optional: sealed, shown masked */
};

struct request_mediation_in {
	const char *mediator_user_id, *held_on, *held_at, *dispute, *agreement, *result;
	const struct request_party *parties;
	size_t nparties;
};

/*
 * Record the people's mediation of request id (a neighbour dispute: its category or its
 * parent "dispute"): the mediator an active account, held_on a date not after today, the
 * parties (2…REQUESTS_PARTIES, names 1–40 characters, phones sealed as people's), result
 * agreed|not_agreed|referred, the agreement required when agreed. Errors: 404
 * requests.not_found; 400 requests.mediation_category, requests.mediator,
 * requests.mediation_date, requests.parties (field "parties" or "parties[i].name"),
 * phone_parse's codes ("parties[i].phone"), requests.mediation_result,
 * requests.agreement_required; 409 requests.state (merged), requests.mediation_exists (one
 * record a request). A "mediate" event on the timeline; audited. *id gets the record's id.
 */
int requests_mediation_create(struct db *db, const struct actor *who, const char *request_id,
                              const struct request_mediation_in *in, const char **id,
                              struct err *e);

/*
 * Demo data: 36 requests over 微子镇, routed and worked to drawn stages (see demo.c); with
 * want above 36 (`cunwu demo --requests N`, for benchmarks), the rest drawn the same way
 * over the natural villages and groups of every village in the database.
 */
int requests_demo(struct db *db, const struct actor *who, struct arena *a, int64_t want,
                  int64_t *made, struct err *e);

/* ---- the 12345 import (import.c) ---- */

/* The parts of a 12345 work order a column may hold. */
enum ri_field {
	RI_NONE = -1,
	RI_NO,       /* 工单编号: external_no */
	RI_TIME,     /* 来电时间 / 受理时间 (Beijing) */
	RI_NAME,     /* 诉求人 */
	RI_PHONE,    /* 联系电话 */
	RI_CONTENT,  /* 诉求内容 */
	RI_CATEGORY, /* 问题分类 / 诉求类型 */
	RI_PLACE,    /* 所属区域 */
	RI_ADDRESS,  /* 地址 (added to the description) */
	RI_DUE,      /* 办理时限 */
	RI_TITLE,    /* 标题 */
	RI_COUNT
};

struct arena;
struct tab_book;
struct tab_cell;
struct place;

/* The part a header names (cleaned by tab_header_key: spaces, marks, bracketed notes), or
 * RI_NONE. Pure. */
enum ri_field requests_import_field(struct arena *a, const char *header);
/* The category of a platform's category text ("城乡建设/市政设施/路灯"): the finest level
 * holding a known word (路灯, 垃圾, 纠纷 …), else "other". Pure. */
const char *requests_import_category(const char *text);
/* A Beijing time written as text (2026-03-01 08:15:22, 2026/3/1 9:40, 2026年3月2日 16时20分,
 * a date alone is midnight) as UTC ms: 0, or -1 if it is no time. Pure. */
int requests_beijing_ms(const char *text, int64_t *ms);
/* The same for a cell: a date or number cell as an Excel serial (its fraction the time of
 * day), text by requests_beijing_ms. Pure. */
int requests_cell_ms(const struct tab_cell *c, int date1904, int64_t *ms);

/* A row's problem: its row (1-based), cell ("C5"), code and message. */
typedef void (*requests_problem_fn)(void *ctx, int row, const char *cell, const char *code,
                                    const char *msg);

struct requests_import {
	int64_t rows;     /* data rows read */
	int64_t created;  /* made (a dry run: would be made) */
	int64_t existing; /* tickets already there: left alone */
	int64_t bad;      /* rows with a problem: not imported */
};

/*
 * Import a 12345 export's sheet under root: the header found (400 requests.import_header
 * without 工单编号, 来电时间 or 诉求内容), each data row a request (source hotline_12345,
 * external_no its ticket, submitted at its time, in the place its 所属区域 names under root
 * or root itself when empty, the category mapped, routed as requests_create routes). A
 * ticket already in the region is counted in existing; a row with a problem (no ticket, a
 * ticket twice in the file, a bad time or phone, an unknown place, no content) is given to
 * fn and not imported. dry_run writes nothing. The caller holds the transaction.
 */
int requests_import(struct db *db, const struct actor *who, struct arena *a, struct tab_book *b,
                    size_t sheet, const struct place *root, int dry_run, requests_problem_fn fn,
                    void *ctx, struct requests_import *out, struct err *e);

extern const struct route_table requests_routes;
/* the console's inbox of notifications (notify.c: GET /api/v1/me/notifications …) */
extern const struct route_table requests_notify_routes;
extern const struct command_table requests_commands;
void requests_register(void);

#endif
