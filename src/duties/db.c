/* db.c - writing duties: create, edit, end, hand over; every change audited. See duties.h. */
#include "duties.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

/* a duty row as stored */
struct duty {
	const char *id, *region, *role, *place_id, *person_id, *user_id, *holder_name, *from_date,
	    *to_date, *prev_id, *note;
	int64_t version;
};

#define DUTY_COLS                                                                                  \
	"id, region, role, place_id, person_id, user_id, holder_name, from_date, to_date, "        \
	"prev_id, note, version"

/* 1 found, 0 not, -1 error */
static int duty_get(struct db *db, const char *id, struct duty *d, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT " DUTY_COLS " FROM duties WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc != 1)
		return rc;
	const char **f[] = { &d->id,        &d->region,  &d->role,        &d->place_id,
		             &d->person_id, &d->user_id, &d->holder_name, &d->from_date,
		             &d->to_date,   &d->prev_id, &d->note };
	for (int i = 0; i < 11; i++)
		*f[i] = db_text(st, i);
	d->version = db_int(st, 11);
	db_done(st);
	return 1;
}

static int duty_find(struct db *db, const char *id, struct duty *d, struct err *e)
{
	int rc = duty_get(db, id, d, e);
	if (rc == 0)
		return err_notfound(e, "duties.not_found", "no duty '%s'", id);
	return rc < 0 ? -1 : 0;
}

/* The duty as an audit row's "before"/"after": what a reader needs to know who held what. */
static void duty_json(struct jw *w, const char *key, const struct duty *d)
{
	jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "role", d->role);
	jw_kstr(w, "place_id", d->place_id);
	jw_kstr(w, "person_id", d->person_id);
	jw_kstr(w, "user_id", d->user_id);
	jw_kstr(w, "holder_name", d->holder_name);
	jw_kstr(w, "from_date", d->from_date);
	jw_kstr(w, "to_date", d->to_date);
	jw_kstr(w, "prev_id", d->prev_id);
	jw_kstr(w, "note", d->note);
	jw_obj_end(w);
}

static int audit(struct db *db, const struct actor *who, const char *action,
                 const struct duty *before, const struct duty *after, struct err *e)
{
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, db_arena(db));
	if (before)
		duty_json(w, "before", before);
	if (after)
		duty_json(w, "after", after);
	const struct duty *d = after ? after : before;
	return audit_write(db, who, d->region, "duties", d->id, action, jdoc_close(&doc), e);
}

/*
 * The place of a duty, active, of a kind the role may be held over. Its row is taken as a
 * lock first (PostgreSQL), so two writers over one place check overlaps one after the
 * other.
 */
static int duty_place(struct db *db, const struct duty_role *role, const char *place_id,
                      struct place *p, struct err *e)
{
	if (!place_id)
		return err_invalid(e, "json.required", "place_id", "'place_id' is required");
	if (db_exec(db, e, "UPDATE places SET version = version WHERE id = ?", DB_T(place_id)) < 0)
		return -1;
	int rc = places_get(db, place_id, p, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_invalid(e, "places.not_found", "place_id", "no place '%s'",
		                            place_id);
	if (strcmp(p->status, "active"))
		return err_conflict(e, "places.retired", "place_id", "%s '%s' is retired", p->kind,
		                    p->name);
	if (!duties_role_may_hold(role, p->kind))
		return err_invalid(e, "duties.role_kind", "role", "a %s (%s) is not held over a %s",
		                   role->name, role->id, p->kind);
	return 0;
}

/* holder_name of the person and/or account; 400 naming the field if either is unknown */
static int holder(struct db *db, const char *person_id, const char *user_id, const char **name,
                  struct err *e)
{
	if (!person_id && !user_id)
		return err_invalid(
		    e, "duties.holder_required", "user_id",
		    "a duty is held by an account (user_id) or a resident (person_id)");
	int rc;
	*name = NULL;
	if (user_id) {
		rc = db_get_text(db, e, name, "SELECT name FROM users WHERE id = ?",
		                 DB_ARGS(DB_T(user_id)));
		if (rc <= 0)
			return rc < 0 ? -1
			              : err_invalid(e, "duties.user_not_found", "user_id",
			                            "no account '%s'", user_id);
	}
	if (person_id) { /* the resident's own name when both are given */
		rc = db_get_text(
		    db, e, name,
		    "SELECT name FROM persons WHERE id = ? AND status IN ('present', 'away')",
		    DB_ARGS(DB_T(person_id)));
		if (rc <= 0)
			return rc < 0 ? -1
			              : err_invalid(e, "duties.person_not_found", "person_id",
			                            "no resident '%s' living here", person_id);
	}
	return 0;
}

/* 409 duties.overlap if another duty of an exclusive role at the place shares a day */
static int overlap_check(struct db *db, const struct duty_role *role, const struct duty *d,
                         const struct place *p, struct err *e)
{
	if (!role->exclusive)
		return 0;
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT holder_name, from_date, to_date FROM duties WHERE place_id = ? AND role = ? "
	    "AND id <> ? ORDER BY from_date",
	    DB_T(d->place_id), DB_T(d->role), DB_T(d->id ? d->id : ""));
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *from = db_text(st, 1), *to = db_text(st, 2);
		if (!duties_overlap(d->from_date, d->to_date, from, to))
			continue;
		err_conflict(e, "duties.overlap", "from_date",
		             "%s of %s is held by %s from %s %s%s", role->name, p->name,
		             db_text(st, 0), from, to ? "to " : "(open)", to ? to : "");
		db_done(st);
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* Link a party contact's households: each under the duty's place (path or gpath). */
static int link_households(struct db *db, const struct duty *d, const struct place *p,
                           const char *const *ids, size_t n, struct err *e)
{
	if (n && strcmp(d->role, "party_contact"))
		return err_invalid(e, "duties.households", "household_ids",
		                   "only a party contact (党员联系户) is linked to households");
	if (db_exec(db, e, "DELETE FROM duty_households WHERE duty_id = ?", DB_T(d->id)) < 0)
		return -1;
	size_t len = strlen(p->path);
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st =
		    db_query(db, e,
		             "SELECT p.path, p.gpath FROM households h JOIN places "
		             "p ON p.id = h.place_id WHERE h.id = ? AND "
		             "h.status = 'active'",
		             DB_T(ids[i]));
		if (!st)
			return -1;
		int rc = db_step(st, e);
		if (rc < 0)
			return -1;
		const char *path = rc ? db_text(st, 0) : NULL, *gpath = rc ? db_text(st, 1) : NULL;
		db_done(st);
		if (!path)
			return err_invalid(e, "people.household_not_found", "household_ids",
			                   "no household '%s'", ids[i]);
		if (strncmp(path, p->path, len) && (!gpath || strncmp(gpath, p->path, len)))
			return err_invalid(e, "duties.household_outside", "household_ids",
			                   "household '%s' is not under %s", ids[i], p->name);
		if (db_exec(
		        db, e,
		        "INSERT INTO duty_households (duty_id, household_id, region) VALUES (?, ?, "
		        "?) ON CONFLICT (duty_id, household_id) DO NOTHING",
		        DB_T(d->id), DB_T(ids[i]), DB_T(d->region)) < 0)
			return -1;
	}
	return 0;
}

static int insert(struct db *db, const struct duty *d, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	return db_exec(db, e,
	               "INSERT INTO duties (id, region, role, place_id, person_id, user_id, "
	               "holder_name, from_date, to_date, prev_id, note, version, created_at, "
	               "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
	               DB_T(d->id), DB_T(d->region), DB_T(d->role), DB_T(d->place_id),
	               DB_T(d->person_id), DB_T(d->user_id), DB_T(d->holder_name),
	               DB_T(d->from_date), DB_T(d->to_date), DB_T(d->prev_id), DB_T(d->note),
	               DB_T(now), DB_T(now)) < 0
	           ? -1
	           : 0;
}

/* the new duty d (its id set here) for in; prev the duty it takes over, or NULL */
static int create(struct db *db, const struct actor *who, const struct duty_in *in,
                  const char *prev, struct duty *d, struct err *e)
{
	const struct duty_role *role = duties_role(in->role);
	struct place p;
	if (!in->role)
		return err_invalid(e, "json.required", "role", "'role' is required");
	if (!role)
		return err_invalid(e, "duties.role", "role", "no duty role '%s'", in->role);
	memset(d, 0, sizeof(*d));
	char *id = arena_alloc(db_arena(db), ID_LEN + 1);
	id_new(id);
	if (duty_place(db, role, in->place_id, &p, e) ||
	    holder(db, in->person_id, in->user_id, &d->holder_name, e) ||
	    duties_dates_check(in->from_date, in->to_date, e))
		return -1;
	d->id = id;
	d->region = p.region;
	d->role = role->id;
	d->place_id = p.id;
	d->person_id = in->person_id;
	d->user_id = in->user_id;
	d->from_date = in->from_date;
	d->to_date = in->to_date;
	d->prev_id = prev;
	d->note = in->note ? in->note : "";
	d->version = 1;
	return overlap_check(db, role, d, &p, e) || insert(db, d, e) ||
	               link_households(db, d, &p, in->households, in->nhouseholds, e) ||
	               audit(db, who, prev ? "handover" : "create", NULL, d, e)
	           ? -1
	           : 0;
}

int duties_create(struct db *db, const struct actor *who, const struct duty_in *in, const char **id,
                  struct err *e)
{
	struct duty d;
	if (create(db, who, in, NULL, &d, e))
		return -1;
	*id = d.id;
	return 0;
}

static int update(struct db *db, const struct duty *d, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	return db_exec(
	           db, e,
	           "UPDATE duties SET from_date = ?, to_date = ?, note = ?, version = version + "
	           "1, updated_at = ? WHERE id = ?",
	           DB_T(d->from_date), DB_T(d->to_date), DB_T(d->note), DB_T(now), DB_T(d->id)) < 0
	           ? -1
	           : 0;
}

/* d (a copy of the stored row) with its new dates and note checked and written */
static int rewrite(struct db *db, const struct actor *who, const char *action,
                   const struct duty *before, struct duty *d, const char *const *households,
                   size_t nhouseholds, int relink, struct err *e)
{
	const struct duty_role *role = duties_role(d->role);
	struct place p;
	if (!role)
		return err_internal(e, "duty '%s' has an unknown role '%s'", d->id, d->role);
	if (db_exec(db, e, "UPDATE places SET version = version WHERE id = ?", DB_T(d->place_id)) <
	        0 ||
	    places_get(db, d->place_id, &p, e) != 1 ||
	    duties_dates_check(d->from_date, d->to_date, e) || overlap_check(db, role, d, &p, e) ||
	    update(db, d, e) || (relink && link_households(db, d, &p, households, nhouseholds, e)))
		return -1;
	d->version++;
	return audit(db, who, action, before, d, e);
}

int duties_edit(struct db *db, const struct actor *who, const char *id, const struct duty_in *in,
                unsigned set, int64_t version, struct err *e)
{
	struct duty before, d;
	if (duty_find(db, id, &before, e))
		return -1;
	if (version >= 0 && version != before.version)
		return err_set(e, 412, "http.precondition_failed", NULL,
		               "the duty has changed (version %lld)", (long long)before.version);
	d = before;
	if (set & DUTY_FROM)
		d.from_date = in->from_date;
	if (set & DUTY_TO)
		d.to_date = in->to_date;
	if (set & DUTY_NOTE)
		d.note = in->note ? in->note : "";
	return rewrite(db, who, "edit", &before, &d, in->households, in->nhouseholds,
	               (set & DUTY_HOUSEHOLDS) != 0, e);
}

int duties_end(struct db *db, const struct actor *who, const char *id, const char *to_date,
               struct err *e)
{
	struct duty before, d;
	if (duty_find(db, id, &before, e))
		return -1;
	if (before.to_date)
		return err_conflict(e, "duties.ended", "to_date", "the duty ended on %s",
		                    before.to_date);
	if (!to_date)
		return err_invalid(e, "json.required", "to_date", "'to_date' is required");
	d = before;
	d.to_date = to_date;
	return rewrite(db, who, "end", &before, &d, NULL, 0, 0, e);
}

#define HANDOVER_HOOKS 4
static duties_handover_fn handover_hooks[HANDOVER_HOOKS];

void duties_on_handover(duties_handover_fn fn)
{
	for (int i = 0; i < HANDOVER_HOOKS; i++)
		if (!handover_hooks[i] || handover_hooks[i] == fn) {
			handover_hooks[i] = fn;
			return;
		}
}

int duties_handover(struct db *db, const struct actor *who, const char *id,
                    const struct duty_in *in, const char *date, const char **new_id, struct err *e)
{
	struct duty before, d, next;
	char *eve = arena_alloc(db_arena(db), 11);
	if (duty_find(db, id, &before, e))
		return -1;
	if (!date)
		return err_invalid(e, "json.required", "date", "'date' is required");
	if (date_check(date))
		return err_invalid(e, "json.date", "date", "'date' must be a date YYYY-MM-DD");
	duties_day_before(date, eve);
	if (!duties_active_on(before.from_date, before.to_date, eve) ||
	    !duties_active_on(before.from_date, before.to_date, date))
		return err_invalid(e, "duties.handover_date", "date",
		                   "the duty (from %s%s%s) must hold on %s and the day before",
		                   before.from_date, before.to_date ? " to " : "",
		                   before.to_date ? before.to_date : "", date);
	d = before;
	d.to_date = eve;
	if (rewrite(db, who, "end", &before, &d, NULL, 0, 0, e))
		return -1;
	/* the households of a party contact go over with the duty */
	const char **hh = NULL;
	size_t nh = 0;
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT household_id FROM duty_households WHERE duty_id = ? ORDER BY household_id",
	    DB_T(id));
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		hh = arena_realloc(db_arena(db), hh, nh * sizeof(*hh), (nh + 1) * sizeof(*hh));
		hh[nh++] = db_text(st, 0);
	}
	if (rc < 0)
		return -1;
	struct duty_in ni = *in;
	ni.role = before.role;
	ni.place_id = before.place_id;
	ni.from_date = date;
	ni.households = hh;
	ni.nhouseholds = nh;
	if (create(db, who, &ni, before.id, &next, e)) {
		/* the new holder's fields are the caller's; the dates are the hand-over's */
		if (!strcmp(e->field, "from_date"))
			snprintf(e->field, sizeof(e->field), "date");
		return -1;
	}
	for (int i = 0; i < HANDOVER_HOOKS && handover_hooks[i]; i++)
		if (handover_hooks[i](db, who, before.id, next.id, e))
			return -1;
	*new_id = next.id;
	return 0;
}

/* ---- the chain ---- */

void duties_chain_query(struct arena *a, const struct place *p, const char *household_id,
                        const char *day, struct query *q)
{
	size_t n = 0, ng = 0;
	const char **ids = places_path_ids(a, p->path, &n);
	const char **gids = p->gpath ? places_path_ids(a, p->gpath, &ng) : NULL;
	strbuf_init(&q->where, a, 0);
	q->n = 0;
	strbuf_adds(&q->where, "((d.role <> 'party_contact' AND d.place_id IN (");
	for (size_t i = 0; i < n + ng && q->n < QUERY_MAX_ARGS - 4; i++) {
		strbuf_adds(&q->where, i ? ", ?" : "?");
		q->args[q->n++] = DB_T(i < n ? ids[i] : gids[i - n]);
	}
	strbuf_adds(&q->where, "))");
	if (household_id) {
		strbuf_adds(&q->where, " OR d.id IN (SELECT duty_id FROM duty_households WHERE "
		                       "household_id = ?)");
		q->args[q->n++] = DB_T(household_id);
	}
	strbuf_adds(&q->where, ") AND d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= ?)");
	q->args[q->n++] = DB_T(day);
	q->args[q->n++] = DB_T(day);
	q->args[q->n] = DB_NOARGS;
}

int duties_holder(struct db *db, const char *place_id, const char *role, const char *day,
                  struct duty_holder *h, struct err *e)
{
	struct arena *a = db_arena(db);
	struct place p;
	struct query q;
	int rc = places_get(db, place_id, &p, e);
	if (rc <= 0)
		return rc;
	duties_chain_query(a, &p, NULL, day, &q);
	q.args[q.n++] = DB_T(role);
	q.args[q.n] = DB_NOARGS;
	struct db_stmt *st = db_query_(
	    db, e,
	    arena_printf(
	        a,
	        "SELECT d.id, d.place_id, d.user_id, d.person_id, d.holder_name FROM duties "
	        "d JOIN places p ON p.id = d.place_id WHERE %s AND d.role = ? ORDER BY "
	        "p.depth DESC, d.from_date, d.id",
	        q.where.buf),
	    q.args);
	if (!st)
		return -1;
	rc = db_step(st, e);
	if (rc != 1)
		return rc;
	h->duty_id = db_text(st, 0);
	h->place_id = db_text(st, 1);
	h->user_id = db_text(st, 2);
	h->person_id = db_text(st, 3);
	h->holder_name = db_text(st, 4);
	db_done(st);
	return 1;
}
