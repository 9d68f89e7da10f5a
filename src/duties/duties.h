/*
 * duties.h - the responsibility chain: who holds which duty over which place, from when to
 * when. The only header other modules include.
 *
 * A duty is a role of the catalogue (duties_roles: 村党支部书记, 片长, 组长, 网格员, 楼栋长,
 * 包村干部, 驻村第一书记, 党员联系户) held over a place of either tree by a resident (a person
 * row), an account, or both, from a date to a date (inclusive; open when to_date is NULL).
 * Duties are never deleted: they end, and a hand-over ends one the day before the next
 * starts, so the rows are the history and "who answered for this household on a day" is a
 * query over them (the chain). An exclusive role has at most one holder per place on any
 * day. See docs/internals/duties.md.
 *
 * Errors: 400 duties.dates (to_date before from_date), 400 duties.role_kind (a role not
 * held at that kind of place), 400 duties.role / duties.holder_required /
 * duties.person_not_found / duties.user_not_found naming the field, 409 duties.overlap
 * (an exclusive role held by someone else then, naming them), 409 duties.ended, 412 a
 * stale version. Every writer runs in the caller's write transaction and audits.
 */
#ifndef CUNWU_DUTIES_H
#define CUNWU_DUTIES_H

#include <stddef.h>
#include <stdint.h>

#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"
#include "places/places.h"

/* ---- the roles (a table in duties.c) ---- */

struct duty_role {
	const char *id;          /* "grid_worker" */
	const char *name;        /* "网格员" */
	int level;               /* its place in the chain: 0 the town's cadre … 6 */
	int exclusive;           /* 1: one holder per place on any day */
	const char *kinds[10];   /* the place kinds it may be held over */
	const char *expected[4]; /* the kinds where a place without one has a vacancy */
};

/* Every role, in chain order; *n gets the count. Pure. */
const struct duty_role *duties_roles(size_t *n);
/* The role id, or NULL. Pure. */
const struct duty_role *duties_role(const char *id);
/* 1 if role may be held over a place of kind. Pure. */
int duties_role_may_hold(const struct duty_role *role, const char *kind);
/* 1 if a place of kind without an active holder of role has a vacancy. Pure. */
int duties_role_expected(const struct duty_role *role, const char *kind);

/* ---- pure rules ---- */

/*
 * from_date (required) and to_date (NULL: open) as a duty's dates: 400 json.date naming
 * the field for a date that is not YYYY-MM-DD of the calendar, 400 duties.dates (field
 * to_date) when to_date is before from_date. Pure.
 */
int duties_dates_check(const char *from, const char *to, struct err *e);
/* 1 if [a_from, a_to] and [b_from, b_to] (inclusive; NULL to: open) share a day. Pure. */
int duties_overlap(const char *a_from, const char *a_to, const char *b_from, const char *b_to);
/* 1 if the duty [from, to] holds on day. Pure. */
int duties_active_on(const char *from, const char *to, const char *day);
/* The day before ymd (a valid date) into out. Pure. */
void duties_day_before(const char *ymd, char out[11]);

/* ---- writing ---- */

/* A duty as the API and the CLI take it. */
struct duty_in {
	const char *role, *place_id, *person_id, *user_id, *from_date, *to_date, *note;
	const char *const *households; /* party_contact: the linked households */
	size_t nhouseholds;
};

/*
 * Create a duty: the role known (400 duties.role), held at that kind of place (400
 * duties.role_kind), the place active (409 places.retired), a holder named (400
 * duties.holder_required), the person and account existing (400 duties.person_not_found,
 * duties.user_not_found), the dates right, no overlap with another holder of an exclusive
 * role (409 duties.overlap), the households (party_contact only, 400 duties.households)
 * under the place (400 duties.household_outside). Audited. *id gets the new id.
 */
int duties_create(struct db *db, const struct actor *who, const struct duty_in *in, const char **id,
                  struct err *e);
/*
 * Change the dates or note of duty id (the fields in set: DUTY_FROM, DUTY_TO, DUTY_NOTE,
 * DUTY_HOUSEHOLDS), checking the dates and overlap again. version >= 0 must match (412).
 */
enum {
	DUTY_FROM = 1,
	DUTY_TO = 2,
	DUTY_NOTE = 4,
	DUTY_HOUSEHOLDS = 8
};
int duties_edit(struct db *db, const struct actor *who, const char *id, const struct duty_in *in,
                unsigned set, int64_t version, struct err *e);
/* End duty id on to_date (inclusive): 409 duties.ended if it has an end already. */
int duties_end(struct db *db, const struct actor *who, const char *id, const char *to_date,
               struct err *e);
/*
 * Hand duty id over on date: it ends the day before, and a duty of the same role and place
 * held by in->person_id / in->user_id starts on date (to in->to_date, the note in->note),
 * with the households of the old one; *new_id gets it. 400 duties.handover_date unless the
 * duty holds on the day before date and on date. Both audited.
 */
int duties_handover(struct db *db, const struct actor *who, const char *id,
                    const struct duty_in *in, const char *date, const char **new_id, struct err *e);

/*
 * A module told of every hand-over, in the hand-over's transaction, after the successor's
 * duty is written (requests moves the open requests of the old duty to the new one). At
 * most 4; register at start, before threads.
 */
typedef int (*duties_handover_fn)(struct db *db, const struct actor *who, const char *old_id,
                                  const char *new_id, struct err *e);
void duties_on_handover(duties_handover_fn fn);

/* ---- the chain ---- */

/*
 * q := the duties holding on day over place p's ancestors (its path) and the grids covering
 * it (its gpath), and with household_id the party members linked to that household; for
 * "SELECT … FROM duties d JOIN places p ON p.id = d.place_id WHERE <q.where>". Strings in a.
 */
void duties_chain_query(struct arena *a, const struct place *p, const char *household_id,
                        const char *day, struct query *q);

/* The nearest holder of a role over a place: the first duty of the chain. */
struct duty_holder {
	const char *duty_id, *place_id, *user_id, *person_id, *holder_name;
};

/*
 * The nearest active holder of role over place_id on day (the chain's order: the deepest
 * place first, then the earliest duty), into h (strings in the db's arena): 1 found, 0
 * none (or no such place), -1 error.
 */
int duties_holder(struct db *db, const char *place_id, const char *role, const char *day,
                  struct duty_holder *h, struct err *e);

/* Demo data: the chain of every village and community of the demo (see demo.c). */
int duties_demo(struct db *db, const struct actor *who, struct arena *a, int64_t *made,
                struct err *e);

extern const struct route_table duties_routes;
extern const struct command_table duties_commands;
void duties_register(void);

#endif
