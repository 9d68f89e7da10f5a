/*
 * people.h - households, persons and organizations (一标三实), their tags, search, and
 * the protection of their personal data. The pure rules are in rules.h.
 *
 * Identity numbers and phones are sealed with the key file, found by keyed hash, and
 * shown masked; a full value is given only to people.reveal, and every such view is an
 * audit row naming who saw whose data. A row's scope is its place: persons live at their
 * household's place, and every list, count and search is inside the caller's grants.
 */
#ifndef CUNWU_PEOPLE_H
#define CUNWU_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"
#include "rules.h"

/* A household as the API takes it (create; a PATCH sets only what it sends). */
struct household_in {
	const char *place_id, *address, *kind, *hukou_no, *note, *status, *head_id;
};

/* A person as the API takes it. id_no and phone are the plain values from the user. */
struct person_in {
	const char *household_id, *name, *relation, *status, *id_kind, *id_no, *birth_date, *sex,
	    *phone, *ethnicity, *note;
};

/* An organization as the API takes it. */
struct org_in {
	const char *place_id, *name, *kind, *uscc, *address, *contact_name, *phone, *status, *note;
};

/* Create; *id gets the new row's id (in the db's arena). Audited; tags derived. */
int people_household_create(struct db *db, const struct actor *who, const struct household_in *in,
                            const char **id, struct err *e);
int people_person_create(struct db *db, const struct actor *who, const struct person_in *in,
                         const char *today, const char **id, struct err *e);
int people_org_create(struct db *db, const struct actor *who, const struct org_in *in,
                      const char **id, struct err *e);
/*
 * The same (and people_tag_set) for an import (src/tabular) with flags PEOPLE_BULK: no audit row
 * each (the import writes one per batch) and, for a person, no tags derived (the import derives
 * them once per household at the end of a batch). A tag added so is one the caller found in
 * the catalogue for its entity, to a row it has written or found in the transaction: neither
 * is looked up again.
 */
#define PEOPLE_BULK 1
struct people_bulk;
/* bulk NULL: people_household_create; else as PEOPLE_BULK, and the household kept in bulk as
 * the one the next person joins, its place among those the next households are checked
 * against: on PostgreSQL two round trips fewer a household */
int people_household_add(struct db *db, const struct actor *who, const struct household_in *in,
                         struct people_bulk *bulk, const char **id, struct err *e);
/*
 * A person's search grams held back in an import's batch, to be written in the order of
 * person_grams' key at its end: a B-tree takes keys in order faster than scattered (5.1 →
 * 3.4 µs a gram on 100,000 persons, docs/benchmarks.md, "Importing a register"). A first
 * load holds them to its end: each import.load_grams of them are handed to another thread
 * to be sorted while the rows that follow are read, and the sorted runs are merged as they
 * are written, into a B-tree that grows at its end.
 */
struct people_gram;
struct people_run;
struct people_fact;
struct people_bulk {
	struct arena a;            /* the persons the grams name */
	struct people_gram *grams; /* the run being filled */
	size_t n, cap;
	struct people_run *runs;   /* handed to be sorted, the last handed first */
	size_t held;               /* grams held in all, runs included */
	struct arena fa;           /* the facts and the household below, until people_bulk_derive */
	struct people_fact *facts; /* of each person added, for their rule tags */
	size_t nfacts, capfacts;
	/* the household the last person was added to, as the batch has it: a household's people
	 * follow each other, and each would ask for it */
	const char *hh_id, *hh_region, *hh_place, *hh_head;
	/* the places the last households were made at, checked, and their regions (a register's
	 * households come from a few groups, in turn) */
	struct {
		const char *id, *region;
	} places[8];
	unsigned nplaces;
};
void people_bulk_init(struct people_bulk *b);
/* Write every gram held back, in key order; 0 or -1. No gram is held after, either way (the
 * facts and the household, for people_bulk_derive, are). */
int people_bulk_flush(struct db *db, struct people_bulk *b, struct err *e);
/* Hand the grams held to another thread to be sorted, for people_bulk_flush; 0 or -1. */
int people_bulk_hand(struct people_bulk *b, struct err *e);
/* Free what is held, waiting for a sort under way. */
void people_bulk_release(struct people_bulk *b);
/*
 * The rule tags of the n households a batch wrote people into. All the members of one the
 * batch made (made[i]) are the batch's, and theirs are derived from what people_person_add
 * held of them, with nothing read back (a register's households mostly are); the others'
 * are read (people_derive_tags). The facts held are dropped, either way; 0 or -1.
 */
int people_bulk_derive(struct db *db, struct people_bulk *b, const char *const *households,
                       const unsigned char *made, size_t n, const char *today, struct err *e);
/*
 * A first load: an import far larger than the registry, in one transaction (SQLite only).
 * The indexes of persons and person_grams that adding people does not read (neither unique
 * nor read by an import's lookups) are dropped at its start and made again at its end, each
 * by one sort instead of a scattered write per row, and foreign keys are not checked row by
 * row (each reference is found as the row is made). A rollback brings the indexes back.
 * With no other connection open, the load leaves the WAL for a rollback journal, and takes
 * it up again after.
 *
 * people_load_begin begins the write transaction (outside one); people_load_end makes the
 * indexes, commits, and turns the checks back on; people_load_abort rolls back instead.
 */
struct people_load {
	const char **sql; /* CREATE INDEX of each index dropped */
	size_t n;
	int fk_off;      /* foreign keys turned off, and temp_store set to FILE from: */
	int temp_store;  /* PRAGMA temp_store before (0 default, 1 file, 2 memory) */
	int wal_left;    /* alone on the database: a rollback journal for the load, then WAL */
	int synchronous; /* PRAGMA synchronous before (FULL for the load when wal_left) */
};
int people_load_begin(struct db *db, struct arena *a, struct people_load *l, struct err *e);
int people_load_end(struct db *db, struct people_load *l, struct err *e);
void people_load_abort(struct db *db, struct people_load *l);
/* bulk NULL: a person alone (people_person_create without the audit and tags); else as
 * PEOPLE_BULK, the grams held in bulk until people_bulk_flush */
int people_person_add(struct db *db, const struct actor *who, const struct person_in *in,
                      const char *today, struct people_bulk *bulk, const char **id, struct err *e);
int people_tag_add(struct db *db, const struct actor *who, const char *entity, const char *row_id,
                   const char *tag_id, const char *source, const char *as_of, int flags,
                   struct err *e);
/*
 * Change the fields of person id that `seen` marks (bits in the order of struct person_in:
 * household_id, name, relation, status, id_kind, id_no, birth_date, sex, phone, ethnicity,
 * note; household_id is refused: moves go through people_person_move). With if_match the
 * row must still be at the version req_if_match checked. Audited; tags re-derived.
 */
int people_person_update(struct db *db, const struct actor *who, const char *id,
                         const struct person_in *in, uint64_t seen, int if_match, const char *today,
                         struct err *e);
/* Move a person to another household and/or change their status on a date, with history. */
int people_person_move(struct db *db, const struct actor *who, const char *id,
                       const char *household_id, const char *status, const char *on_date,
                       const char *reason, const char *today, struct err *e);
/* Change the fields of organization id that `seen` marks (bits in the order of struct
 * org_in; place_id is refused by the route). Audited. */
int people_org_update(struct db *db, const struct actor *who, const char *id,
                      const struct org_in *in, uint64_t seen, int if_match, struct err *e);
/* Set a tag on a person or household by hand (or by an import: source names it). */
int people_tag_set(struct db *db, const struct actor *who, const char *entity, const char *row_id,
                   const char *tag_id, const char *source, const char *as_of, struct err *e);
/*
 * Re-derive the rule tags (rules.h tag_rules_person) of the persons of one household
 * (household_id) or of every person under a place path (path, NULL: everyone), on today.
 * *changed gets the number of tags added or removed.
 */
int people_derive_tags(struct db *db, const char *household_id, const char *path, const char *today,
                       int64_t *changed, struct err *e);

/* Demo data: who lives at a place. */
enum people_demo_mix {
	PEOPLE_DEMO_RURAL,   /* a Shanxi village: old couples, three generations with the middle
	                        one working away, the children left behind */
	PEOPLE_DEMO_ELDERLY, /* an old compound: mostly the elderly, many of them alone */
	PEOPLE_DEMO_URBAN    /* a newer compound: families, few away */
};
/* `households` households at place_id, their addresses numbered by address_fmt ("%d号",
 * from 1) or, without one, each `address`; ID numbers of `area` (6 digits; NULL: Lucheng's,
 * 140481 before 2018 and 140406 since). */
struct people_demo_place {
	const char *place_id;
	int households;
	const char *address_fmt, *address;
	const char *area;
	enum people_demo_mix mix;
};
/* Fill the places with synthetic households and people (deterministic for a seed and a
 * day: ages are today's); the caller holds the write transaction. *persons gets the number
 * of people made. No synthetic person gets the name of a real person of the seed page. */
int people_demo(struct db *db, const struct actor *who, struct arena *a,
                const struct people_demo_place *places, size_t n, uint64_t seed, int64_t *persons,
                struct err *e);

/* Today's civil date in Asia/Shanghai ("YYYY-MM-DD"): ages and tags are local. */
void people_today(char out[11]);

/* Change the fields of household id that `seen` marks (bits in the order of struct
 * household_in; place_id is refused). Audited. */
int people_household_update(struct db *db, const struct actor *who, const char *id,
                            const struct household_in *in, uint64_t seen, int if_match,
                            struct err *e);

/* ---- tags the caller may see: the module's lists and diagrams, and other modules' ---- */

/* A tag of the catalogue: perm (NULL: none) guards a restricted tag; derived by a rule. */
struct people_tag_def {
	const char *id, *name, *perm;
	int derived;
};
/* The catalogue in its order (sort, id), at most cap tags; *n gets the count. Values live
 * in the db's arena. */
int people_tag_defs(struct db *db, struct people_tag_def *defs, size_t cap, size_t *n,
                    struct err *e);
/* 1 if the caller may see tags guarded by perm (NULL: anyone who may read the row) on a row
 * at path / gpath. */
int people_tag_visible(struct req *r, const char *perm, const char *path, const char *gpath);

/* One person of an export, as lists show them: identity number and phone masked; with
 * unmasked, id_no and phone hold them in full too. */
struct people_export_row {
	const char *name, *sex, *birth_date, *id_masked, *phone_masked, *relation, *status,
	    *place_name, *tags; /* tags: the names the caller may see, joined by 、 */
	int age;                /* -1 if unknown */
	const char *region, *path, *ethnicity, *note, *id_no, *phone;
};
typedef void (*people_export_fn)(void *ctx, const struct people_export_row *row);
/* The people GET /api/v1/people would list for this request (its filters, scope and
 * order), every one, not a page; more than max is 400 people.export_too_large. unmasked:
 * every row must be under the caller's people.reveal (else 403) and comes with its identity
 * number and phone opened. */
int people_export_rows(struct req *r, int64_t max, int unmasked, people_export_fn fn, void *ctx,
                       struct err *e);
/* GET /api/v1/people/export, POST for an unmasked one (export.c); the households and
 * organizations a list shows, the same way (http.c). */
int people_export(struct req *r, struct err *e);
/* The person's relation, sex or status as a register writes it (户主, 男, 在住). */
const char *people_word(const char *code);

/* GET /api/v1/places/:id/diagram and /houses (diagram.c): the route handlers. */
int people_diagram_get(struct req *r, struct err *e);
int people_houses_get(struct req *r, struct err *e);

/* The job kinds of people (the daily derivation of rule tags). */
void people_jobs_register(void);

extern const struct route_table people_routes;
extern const struct command_table people_commands;
void people_register(void);

#endif
