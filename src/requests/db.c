/* db.c - requests in the database: intake with routing, the actions of the work, the
 * timeline; every change an event and an audit row. See requests.h. */
#include "requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/util.h"
#include "duties/duties.h"
#include "notify.h"
#include "people/people.h"
#include "places/places.h"
#include "core/banned.h"

/* ---- the timeline ---- */

/* one event of request id: who did action when, the status before and after; its id into
 * eid */
static int event(struct db *db, const struct actor *who, const char *region, const char *id,
                 const char *action, const char *note, const char *before, const char *after,
                 const char *data, char eid[ID_LEN + 1], struct err *e)
{
	char now[32];
	id_new(eid);
	time_iso(time_now_ms(), now);
	return db_exec(
	           db, e,
	           "INSERT INTO request_events (id, request_id, region, at, action, actor_kind, "
	           "actor_id, actor_name, note, status_before, status_after, data) VALUES (?, "
	           "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	           DB_T(eid), DB_T(id), DB_T(region), DB_T(now), DB_T(action), DB_T(who->kind),
	           DB_T(who->id), DB_T(who->name), DB_T(note), DB_T(before), DB_T(after),
	           DB_T(data ? data : "{}")) < 0
	           ? -1
	           : 0;
}

static int audit(struct db *db, const struct actor *who, const char *region, const char *id,
                 const char *action, const char *before, const char *after, struct err *e)
{
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, db_arena(db));
	jw_kstr(w, "status_before", before);
	jw_kstr(w, "status_after", after);
	return audit_write(db, who, region, "requests", id, action, jdoc_close(&doc), e);
}

/* ---- photos ---- */

/*
 * attach photos (uploaded images) to request id as kind ("report" or "reply"); with
 * public set, only files sent through POST /api/v1/public/media within the last hour
 * (request_uploads), so nobody attaches a file someone else uploaded
 */
static int attach(struct db *db, const char *region, const char *id, const char *kind,
                  const char *const *photos, size_t n, int public, struct err *e)
{
	char now[32], since[32];
	int64_t t = time_now_ms();
	time_iso(t, now);
	time_iso(t - HOUR_MS, since);
	if (n > REQUESTS_PHOTOS)
		return err_invalid(e, "requests.photo", "photos", "at most %d photos",
		                   REQUESTS_PHOTOS);
	for (size_t i = 0; i < n; i++) {
		const char *mime = NULL;
		int rc = public
		             ? db_get_text(db, e, &mime,
		                           "SELECT m.mime FROM media m JOIN request_uploads u ON "
		                           "u.media_id = m.id WHERE m.id = ? AND u.created_at "
		                           ">= ?",
		                           DB_ARGS(DB_T(photos[i]), DB_T(since)))
		             : db_get_text(db, e, &mime, "SELECT mime FROM media WHERE id = ?",
		                           DB_ARGS(DB_T(photos[i])));
		if (rc < 0)
			return -1;
		if (!rc || strncmp(mime, "image/", 6))
			return err_invalid(e, "requests.photo", "photos",
			                   public
			                       ? "'%s' is not a photo uploaded on this form within "
			                         "the hour"
			                       : "'%s' is not an uploaded image",
			                   photos[i]);
		if (db_exec(
		        db, e,
		        "INSERT INTO request_media (request_id, media_id, region, kind, "
		        "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id, media_id) DO "
		        "NOTHING",
		        DB_T(id), DB_T(photos[i]), DB_T(region), DB_T(kind), DB_T(now)) < 0)
			return -1;
	}
	return 0;
}

/* ---- routing ---- */

/* who holds a request: the duty, its account and name, the rung it was found at */
struct routed {
	struct duty_holder h;
	int found, rung;
};

/*
 * The holder of the ladder's role at rung over place_id today, else the next rung up, up to
 * the town (no duty: the town's leaders see it in their scope). The roles passed over are
 * written to w's current object as "vacant".
 */
static int route(struct db *db, const char *place_id, int rung, struct routed *out, struct jw *w,
                 struct err *e)
{
	char today[11];
	people_today(today);
	memset(out, 0, sizeof(*out));
	jw_key(w, "vacant");
	jw_arr(w);
	for (; rung < REQUESTS_LADDER_TOP; rung++) {
		int rc = duties_holder(db, place_id, requests_ladder_role(rung), today, &out->h, e);
		if (rc < 0)
			return -1;
		if (rc) {
			out->found = 1;
			break;
		}
		jw_str(w, requests_ladder_role(rung));
	}
	jw_arr_end(w);
	out->rung = rung;
	jw_kstr(w, "role", requests_ladder_role(rung));
	jw_kstr(w, "duty_id", out->h.duty_id);
	jw_kstr(w, "holder_name", out->h.holder_name);
	return 0;
}

/* ---- notices (notify.c queues them) ---- */

/*
 * The accounts holding perm over a place (at path, or covered at gpath), enabled: user_id
 * one of them (1 if it holds it), or with user_id NULL the first of those granted at a town
 * (the town's leaders). *out gets the account; 0 none, -1 error.
 */
static int perm_holder(struct db *db, const char *perm, const char *path, const char *gpath,
                       const char *user_id, int town, struct notice_to *out, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT u.id, u.name FROM users u WHERE u.disabled = 0 AND u.id = COALESCE(?, u.id) "
	    "AND " REQUESTS_SQL_HOLDS " ORDER BY u.login LIMIT 1",
	    DB_T(user_id), DB_T(perm), DB_I(town), DB_T(path), DB_T(gpath));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		out->user_id = db_text(st, 0);
		out->name = db_text(st, 1);
		db_done(st);
	}
	return rc;
}

/* the leader above rung over place_id: the nearest holder with an account of a rung above,
 * else a leader of the town (requests.supervise granted at the town); none: out empty */
static int leader_above(struct db *db, const char *place_id, int rung, struct notice_to *out,
                        struct err *e)
{
	char today[11];
	struct duty_holder h;
	struct place p;
	people_today(today);
	memset(out, 0, sizeof(*out));
	for (int k = rung + 1; k < REQUESTS_LADDER_TOP; k++) {
		int rc = duties_holder(db, place_id, requests_ladder_role(k), today, &h, e);
		if (rc < 0)
			return -1;
		if (rc && h.user_id) {
			out->user_id = h.user_id;
			out->name = h.holder_name;
			return 0;
		}
	}
	int rc = places_get(db, place_id, &p, e);
	if (rc <= 0)
		return rc;
	return perm_holder(db, "requests.supervise", p.path, p.gpath, NULL, 1, out, e) < 0 ? -1 : 0;
}

/* queue a notice of kind about request id (its event eid) to the accounts to[] (and the
 * robots); the request's own facts read here */
static int tell(struct db *db, const char *id, const char *eid, int kind, const char *actor,
                const char *holder, const char *note, const struct notice_to *to, size_t nto,
                int inbox_only, struct err *e)
{
	struct arena *a = db_arena(db);
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT q.region, q.title, c.name, p.name, q.status, q.response_due_at, "
	    "q.resolution_due_at, q.reporter_user_id, q.contact_masked, q.tracking_code FROM "
	    "requests q JOIN request_categories c ON c.id = q.category_id JOIN places p ON p.id = "
	    "q.place_id WHERE q.id = ?",
	    DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_internal(e, "request '%s' went away", id);
	const char *url = config_str("notify.console_url");
	struct notice n = { kind,
		            db_text(st, 0),
		            id,
		            eid,
		            db_text(st, 1),
		            db_text(st, 2),
		            db_text(st, 3),
		            actor,
		            holder,
		            note,
		            kind != NK_ESCALATE && !strcmp(db_text(st, 4), "submitted")
		                ? db_text(st, 5) /* sign by */
		                : db_text(st, 6),
		            kind == NK_RESOLVE ? db_text(st, 9) : NULL,
		            *url ? arena_printf(a, "%s/requests/%s", url, id) : NULL,
		            inbox_only };
	const char *reporter = db_text(st, 7), *contact = db_text(st, 8);
	db_done(st);
	return notify_queue(db, &n, to, nto, reporter, contact, e);
}

/* ---- intake ---- */

/* a phone as people's phones are kept: normalized (phone_parse, errors naming field),
 * sealed (*enc), its lookup hash and its masked form; all NULL for none or "" */
static int seal_phone(struct arena *a, const char *phone, const char *field, const char **enc,
                      const char **hash, const char **masked, struct err *e)
{
	char norm[32];
	enum phone_kind pk;
	*enc = *hash = *masked = NULL;
	if (!phone || !*phone)
		return 0;
	if (phone_parse(phone, field, norm, &pk, e) || !(*enc = crypt_seal(a, norm, e)))
		return -1;
	if (!(*hash = crypt_lookup(a, norm)))
		return err_internal(e, "no key loaded for personal data");
	*masked = mask_phone(a, norm);
	return 0;
}

struct category {
	const char *name, *role, *attributes;
	int64_t response_hours, resolution_hours, children;
};

static int category_get(struct db *db, const char *id, struct category *c, struct err *e)
{
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT name, duty_role, attributes, response_hours, resolution_hours, (SELECT "
	    "count(*) FROM request_categories k WHERE k.parent_id = c.id AND k.active = 1) "
	    ", active FROM request_categories c WHERE c.id = ?",
	    DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	if (!rc)
		return err_invalid(e, "requests.category_not_found", "category_id",
		                   "no category '%s'", id ? id : "");
	c->name = db_text(st, 0);
	c->role = db_text(st, 1);
	c->attributes = db_text(st, 2);
	c->response_hours = db_int(st, 3);
	c->resolution_hours = db_int(st, 4);
	c->children = db_int(st, 5);
	int active = (int)db_int(st, 6);
	db_done(st);
	if (!active)
		return err_invalid(e, "requests.category_retired", "category_id",
		                   "'%s' is retired and takes no new requests", c->name);
	if (c->children)
		return err_invalid(e, "requests.category_not_leaf", "category_id",
		                   "'%s' groups categories; choose one of its own", c->name);
	return 0;
}

int requests_create(struct db *db, const struct actor *who, const struct request_in *in,
                    const char **id_out, const char **code_out, struct err *e)
{
	struct arena *a = db_arena(db);
	struct category c = { 0 };
	struct place p;
	if (category_get(db, in->category_id, &c, e))
		return -1;
	int rc = in->place_id ? places_get(db, in->place_id, &p, e) : 0;
	if (rc < 0)
		return -1;
	if (!rc)
		return err_invalid(e, "requests.place_not_found", "place_id", "no place '%s'",
		                   in->place_id ? in->place_id : "");
	if (strcmp(p.status, "active") || !places_town_path(a, p.path))
		return err_invalid(e, "requests.place_outside", "place_id",
		                   "'%s' is not a place in a town", p.name);
	json_error_t jerr;
	json_t *spec = json_loads(c.attributes, 0, &jerr);
	if (!spec)
		return err_internal(e, "category '%s' has bad attributes", in->category_id);
	if (in->imported) { /* the ticket does not give them: the handler adds them */
		size_t i;
		json_t *item;
		json_array_foreach(spec, i, item)
		    json_object_set_new(item, "required", json_false());
	}
	rc = requests_attrs_check(spec, in->attributes, e);
	json_decref(spec);
	if (rc)
		return -1;
	const char *enc = NULL, *hash = NULL, *masked = NULL;
	if (seal_phone(a, in->contact_phone, "contact_phone", &enc, &hash, &masked, e))
		return -1;
	int rung = requests_ladder_rung(c.role);
	if (rung < 0)
		rung = REQUESTS_LADDER_TOP;
	int64_t t = in->submitted_ms ? in->submitted_ms : time_now_ms(), rdue, sdue;
	requests_deadlines(t, c.response_hours, c.resolution_hours, &rdue, &sdue);
	if (in->resolution_due_ms > t)
		sdue = in->resolution_due_ms;
	char id[ID_LEN + 1], code[REQUESTS_CODE_LEN + 1], now[32], r_at[32], s_at[32],
	    eid[ID_LEN + 1];
	id_new(id);
	requests_code_new(code);
	time_iso(t, now);
	time_iso(rdue, r_at);
	time_iso(sdue, s_at);
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	struct routed to;
	if (route(db, p.id, rung, &to, w, e))
		return -1;
	const char *routed = jdoc_close(&doc);
	const char *attrs = in->attributes ? json_dumps(in->attributes, JSON_COMPACT) : NULL;
	const char *attrs_a = arena_strdup(a, attrs ? attrs : "{}");
	free((void *)attrs);
	const char *title = in->title && *in->title ? in->title : c.name;
	struct actor ev = *who;
	if (in->public_form) {
		ev.kind = "public";
		ev.id = ev.name = NULL;
	}
	if (db_exec(
	        db, e,
	        "INSERT INTO requests (id, region, tracking_code, category_id, place_id, title, "
	        "description, attributes, status, source, external_no, reporter_user_id, "
	        "contact_name, contact_enc, contact_hash, contact_masked, handler_duty_id, "
	        "handler_user_id, handler_name, handler_role, handler_rung, response_due_at, "
	        "resolution_due_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        DB_T(id), DB_T(p.region), DB_T(code), DB_T(in->category_id), DB_T(p.id),
	        DB_T(title), DB_T(in->description ? in->description : ""), DB_T(attrs_a),
	        DB_T("submitted"), DB_T(in->source), DB_T(in->external_no),
	        DB_T(in->reporter_user_id), DB_T(in->contact_name), DB_T(enc), DB_T(hash),
	        DB_T(masked), DB_T(to.h.duty_id), DB_T(to.h.user_id), DB_T(to.h.holder_name),
	        DB_T(requests_ladder_role(to.rung)), DB_I(to.rung), DB_T(r_at), DB_T(s_at),
	        DB_T(now), DB_T(now)) < 0 ||
	    attach(db, p.region, id, "report", in->photos, in->nphotos, in->public_photos, e) ||
	    event(db, &ev, p.region, id, "submit", NULL, NULL, "submitted", NULL, eid, e) ||
	    event(db, &ev, p.region, id, "route", NULL, "submitted", "submitted", routed, eid, e) ||
	    audit(db, who, p.region, id, "create", NULL, "submitted", e))
		return -1;
	struct notice_to holder = { to.h.user_id, to.h.holder_name };
	if (tell(db, id, eid, NK_ROUTE, NULL, to.h.holder_name, NULL, &holder, 1, in->imported, e))
		return -1;
	*id_out = arena_strdup(a, id);
	*code_out = arena_strdup(a, code);
	return 0;
}

/* ---- actions ---- */

/* the mutable part of a request row */
struct request_row {
	const char *id, *region, *status, *place_id, *handler_user_id, *handler_name,
	    *handler_duty_id, *handler_role, *signed_at, *resolved_at, *closed_at, *reply,
	    *satisfaction_note, *merged_into, *resolution_due_at;
	int64_t handler_rung, escalation_level, satisfaction, reasonable, supervised,
	    extension_hours, version;
	int has_satisfaction, has_reasonable, has_extension;
};

#define ROW_COLS                                                                                   \
	"id, region, status, place_id, handler_user_id, handler_name, handler_duty_id, "           \
	"handler_role, signed_at, resolved_at, closed_at, reply, satisfaction_note, merged_into, " \
	"resolution_due_at, handler_rung, escalation_level, satisfaction, reasonable, "            \
	"supervised, "                                                                             \
	"extension_hours, version"

/* the row of request id, locked for the writer first (on PostgreSQL two writers of one
 * request then run one after the other: no lost update) */
static int row_get(struct db *db, const char *id, struct request_row *q, struct err *e)
{
	if (db_exec(db, e, "UPDATE requests SET version = version WHERE id = ?", DB_T(id)) < 0)
		return -1;
	struct db_stmt *st =
	    db_query(db, e, "SELECT " ROW_COLS " FROM requests WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "requests.not_found", "no request '%s'", id);
	const char **f[] = { &q->id,
		             &q->region,
		             &q->status,
		             &q->place_id,
		             &q->handler_user_id,
		             &q->handler_name,
		             &q->handler_duty_id,
		             &q->handler_role,
		             &q->signed_at,
		             &q->resolved_at,
		             &q->closed_at,
		             &q->reply,
		             &q->satisfaction_note,
		             &q->merged_into,
		             &q->resolution_due_at };
	for (int i = 0; i < 15; i++)
		*f[i] = db_text(st, i);
	q->handler_rung = db_int(st, 15);
	q->escalation_level = db_int(st, 16);
	q->has_satisfaction = !db_isnull(st, 17);
	q->satisfaction = db_int(st, 17);
	q->has_reasonable = !db_isnull(st, 18);
	q->reasonable = db_int(st, 18);
	q->supervised = db_int(st, 19);
	q->has_extension = !db_isnull(st, 20);
	q->extension_hours = db_int(st, 20);
	q->version = db_int(st, 21);
	db_done(st);
	return 0;
}

static int row_put(struct db *db, const struct request_row *q, const char *now, struct err *e)
{
	return db_exec(
	           db, e,
	           "UPDATE requests SET status = ?, handler_user_id = ?, handler_name = ?, "
	           "handler_duty_id = ?, handler_role = ?, handler_rung = ?, escalation_level = "
	           "?, signed_at = ?, resolved_at = ?, closed_at = ?, reply = ?, satisfaction = "
	           "?, satisfaction_note = ?, reasonable = ?, supervised = ?, extension_hours = "
	           "?, merged_into = ?, resolution_due_at = ?, version = version + 1, "
	           "updated_at = ? WHERE id = ?",
	           DB_T(q->status), DB_T(q->handler_user_id), DB_T(q->handler_name),
	           DB_T(q->handler_duty_id), DB_T(q->handler_role), DB_I(q->handler_rung),
	           DB_I(q->escalation_level), DB_T(q->signed_at), DB_T(q->resolved_at),
	           DB_T(q->closed_at), DB_T(q->reply),
	           q->has_satisfaction ? DB_I(q->satisfaction) : DB_NULL,
	           DB_T(q->satisfaction_note), q->has_reasonable ? DB_I(q->reasonable) : DB_NULL,
	           DB_I(q->supervised), q->has_extension ? DB_I(q->extension_hours) : DB_NULL,
	           DB_T(q->merged_into), DB_T(q->resolution_due_at), DB_T(now), DB_T(q->id)) < 0
	           ? -1
	           : 0;
}

/* route q afresh from rung (up when vacant): its holder fields; w as route() */
static int reroute(struct db *db, struct request_row *q, int rung, struct jw *w, struct err *e)
{
	struct routed r;
	if (route(db, q->place_id, rung, &r, w, e))
		return -1;
	q->handler_rung = r.rung;
	q->handler_role = requests_ladder_role(r.rung);
	q->handler_duty_id = r.h.duty_id;
	q->handler_user_id = r.h.user_id;
	q->handler_name = r.h.holder_name;
	return 0;
}

/* the notice of action name just taken on q (event eid), if it makes one */
static int tell_step(struct db *db, const struct actor *who, const struct request_row *q,
                     const char *name, const char *note, const char *eid, struct err *e)
{
	struct notice_to t = { q->handler_user_id, q->handler_name };
	if (!strcmp(name, "reroute") || !strcmp(name, "assign"))
		return tell(db, q->id, eid, name[0] == 'r' ? NK_ROUTE : NK_ASSIGN, who->name,
		            q->handler_name, note, &t, 1, 0, e);
	if (!strcmp(name, "supervise"))
		return tell(db, q->id, eid, NK_SUPERVISE, who->name, q->handler_name, note, &t, 1,
		            0, e);
	if (!strcmp(name, "resolve"))
		return tell(db, q->id, eid, NK_RESOLVE, who->name, q->handler_name, note, NULL, 0,
		            0, e);
	if (!strcmp(name, "send_back")) {
		struct notice_to l;
		return leader_above(db, q->place_id, (int)q->handler_rung, &l, e) ||
		               tell(db, q->id, eid, NK_SEND_BACK, who->name, q->handler_name, note,
		                    &l, 1, 0, e)
		           ? -1
		           : 0;
	}
	return 0;
}

/* what the action needs in the body (RA_*), checked before anything changes */
static int needs_check(const struct request_action *a, const struct request_act *in,
                       const struct request_row *q, struct err *e)
{
	if ((a->needs & RA_REPLY) && (!in->reply || !*in->reply))
		return err_invalid(e, "requests.reply_required", "reply",
		                   "a reply to the resident is required");
	if ((a->needs & RA_REASON) && (!in->reason || !*in->reason))
		return err_invalid(e, "requests.reason_required", "reason", "a reason is required");
	if ((a->needs & RA_NOTE) && (!in->note || !*in->note))
		return err_invalid(e, "requests.note_required", "note", "a note is required");
	if (a->needs & RA_SATISFACTION) {
		if (q->has_satisfaction)
			return err_conflict(e, "requests.rated", "satisfaction",
			                    "this request has been rated already");
		if (in->satisfaction < 1 || in->satisfaction > 5)
			return err_invalid(e, "requests.satisfaction", "satisfaction",
			                   "satisfaction is 1 to 5");
	}
	if ((a->needs & RA_HOURS) && (in->hours < 1 || in->hours > 720))
		return err_invalid(e, "requests.hours", "hours", "hours is 1 to 720");
	if ((a->needs & RA_REASONABLE) && in->reasonable < 0)
		return err_invalid(e, "requests.reasonable_required", "reasonable",
		                   "reasonable (true or false) is required");
	if ((a->needs & RA_ASSIGNEE) && (!in->assignee_id || !*in->assignee_id))
		return err_invalid(e, "requests.assignee", "assignee_id",
		                   "name the account the request goes to");
	if ((a->needs & RA_TARGET) && (!in->target_id || !strcmp(in->target_id, q->id)))
		return err_invalid(e, "requests.target", "target_id",
		                   "name the request this one duplicates");
	return 0;
}

int requests_act(struct db *db, const struct actor *who, const char *id,
                 const struct request_act *in, struct err *e)
{
	struct arena *a = db_arena(db);
	struct request_row q;
	int to;
	if (row_get(db, id, &q, e) ||
	    requests_step(in->action, requests_status_parse(q.status), in->rel, &to, e))
		return -1;
	const struct request_action *act = requests_action(in->action);
	if (needs_check(act, in, &q, e))
		return -1;
	int64_t t = time_now_ms();
	char now[32];
	time_iso(t, now);
	const char *before = q.status, *note = NULL;
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	const char *name = act->name;
	if (!strcmp(name, "sign")) {
		if (!q.signed_at) /* the response is the first signing (an assigned one is signed
		                     again) */
			q.signed_at = arena_strdup(a, now);
		if (!q.handler_user_id && in->user_id && (in->rel & RR_HANDLER)) {
			q.handler_user_id = in->user_id;
			q.handler_duty_id = NULL;
			if (db_get_text(db, e, &q.handler_name,
			                "SELECT name FROM users WHERE id = ?",
			                DB_ARGS(DB_T(in->user_id))) < 0)
				return -1;
		}
	} else if (!strcmp(name, "resolve")) {
		q.reply = in->reply;
		q.resolved_at = arena_strdup(a, now);
		note = in->reply;
		if (attach(db, q.region, q.id, "reply", in->photos, in->nphotos, 0, e))
			return -1;
		jw_ki64(w, "photos", (int64_t)in->nphotos);
	} else if (!strcmp(name, "follow_up") || !strcmp(name, "rate")) {
		q.has_satisfaction = 1;
		q.satisfaction = in->satisfaction;
		q.satisfaction_note = in->comment;
		note = in->comment;
		jw_ki64(w, "satisfaction", in->satisfaction);
	} else if (!strcmp(name, "close")) {
		q.closed_at = arena_strdup(a, now);
	} else if (!strcmp(name, "send_back") || !strcmp(name, "reopen")) {
		note = in->reason;
		if (!strcmp(name, "reopen")) {
			int64_t resolved = 0;
			if ((in->rel & RR_LEADER) == 0 &&
			    (!q.resolved_at || time_parse_iso(q.resolved_at, &resolved) ||
			     !requests_reopen_allowed(resolved, t,
			                              config_int("requests.reopen_days"))))
				return err_conflict(e, "requests.reopen_late", "action",
				                    "a request may be reopened within %lld days of "
				                    "its reply",
				                    (long long)config_int("requests.reopen_days"));
			q.resolved_at = q.closed_at = NULL;
			q.has_satisfaction = 0;
			q.satisfaction_note = NULL;
		}
	} else if (!strcmp(name, "reroute")) {
		note = in->note;
		int rung = (int)q.handler_rung + 1;
		if (reroute(db, &q, rung > REQUESTS_LADDER_TOP ? REQUESTS_LADDER_TOP : rung, w, e))
			return -1;
		q.signed_at = NULL;
	} else if (!strcmp(name, "assign")) {
		struct notice_to u;
		struct place p;
		int rc = places_get(db, q.place_id, &p, e);
		if (rc > 0)
			rc = perm_holder(db, "requests.handle", p.path, p.gpath, in->assignee_id, 0,
			                 &u, e);
		if (rc < 0)
			return -1;
		if (!rc)
			return err_invalid(e, "requests.assignee", "assignee_id",
			                   "'%s' is no account handling requests at %s",
			                   in->assignee_id, p.name);
		jw_kstr(w, "from_name", q.handler_name);
		jw_kstr(w, "user_id", u.user_id);
		jw_kstr(w, "name", u.name);
		q.handler_user_id = u.user_id;
		q.handler_name = u.name;
		q.handler_duty_id = NULL;
		note = in->note;
	} else if (!strcmp(name, "request_extension")) {
		if (q.has_extension)
			return err_conflict(e, "requests.extension_pending", "action",
			                    "an extension is waiting for approval already");
		q.has_extension = 1;
		q.extension_hours = in->hours;
		note = in->reason;
		jw_ki64(w, "hours", in->hours);
	} else if (!strcmp(name, "approve_extension")) {
		int64_t due;
		char due_s[32];
		if (!q.has_extension)
			return err_conflict(e, "requests.no_extension", "action",
			                    "no extension has been requested");
		if (time_parse_iso(q.resolution_due_at, &due))
			return err_internal(e, "bad resolution_due_at on '%s'", q.id);
		time_iso(due + q.extension_hours * HOUR_MS, due_s);
		jw_ki64(w, "hours", q.extension_hours);
		jw_kstr(w, "resolution_due_before", q.resolution_due_at);
		q.resolution_due_at = arena_strdup(a, due_s);
		jw_kstr(w, "resolution_due_at", q.resolution_due_at);
		q.has_extension = 0;
		note = in->note;
	} else if (!strcmp(name, "supervise")) {
		q.supervised = 1;
		note = in->note;
	} else if (!strcmp(name, "classify")) {
		q.has_reasonable = 1;
		q.reasonable = in->reasonable;
		note = in->note;
		jw_kbool(w, "reasonable", in->reasonable);
	} else if (!strcmp(name, "merge")) {
		struct request_row target;
		if (row_get(db, in->target_id, &target, e)) {
			if (e->status == 404)
				return err_invalid(e, "requests.target", "target_id",
				                   "no request '%s'", in->target_id);
			return -1;
		}
		if (!strcmp(target.status, "merged") || strcmp(target.region, q.region))
			return err_invalid(e, "requests.target", "target_id",
			                   "'%s' cannot take duplicates", in->target_id);
		q.merged_into = target.id;
		jw_kstr(w, "merged_into", target.id);
		note = in->note;
	} else {
		note = in->note;
	}
	q.status = requests_status_name(to);
	const char *data = jdoc_close(&doc);
	struct actor ev = *who;
	if (in->public_form) {
		ev.kind = "public";
		ev.id = ev.name = NULL;
	}
	char eid[ID_LEN + 1];
	if (row_put(db, &q, now, e) ||
	    event(db, &ev, q.region, q.id, name, note, before, q.status, data, eid, e) ||
	    audit(db, who, q.region, q.id, name, before, q.status, e))
		return -1;
	return tell_step(db, who, &q, name, note, eid, e);
}

/* ---- a duty handed over ---- */

#define HANDOVER_MAX 10000

int requests_duty_handed_over(struct db *db, const struct actor *who, const char *old_id,
                              const char *new_id, struct err *e)
{
	struct arena *a = db_arena(db);
	const char *user_id = NULL, *name = NULL;
	struct db_stmt *st =
	    db_query(db, e, "SELECT user_id, holder_name FROM duties WHERE id = ?", DB_T(new_id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_internal(e, "duty '%s' went away", new_id);
	user_id = db_text(st, 0);
	name = db_text(st, 1);
	db_done(st);
	st = db_query(db, e,
	              "SELECT id FROM requests WHERE handler_duty_id = ? AND status IN "
	              "('submitted', 'signed_for', 'in_progress', 'sent_back') ORDER BY id",
	              DB_T(old_id));
	if (!st)
		return -1;
	const char **ids = NULL;
	size_t n = 0;
	while ((rc = db_step(st, e)) == 1 && n < HANDOVER_MAX) {
		ids = arena_realloc(a, ids, n * sizeof(*ids), (n + 1) * sizeof(*ids));
		ids[n++] = db_text(st, 0);
	}
	if (rc < 0)
		return -1;
	if (rc == 1)
		db_done(st);
	char now[32], eid[ID_LEN + 1];
	time_iso(time_now_ms(), now);
	for (size_t i = 0; i < n; i++) {
		struct request_row q;
		if (row_get(db, ids[i], &q, e))
			return -1;
		struct jdoc doc;
		struct jw *w = jdoc_open(&doc, a);
		jw_kstr(w, "from_duty_id", q.handler_duty_id);
		jw_kstr(w, "from_name", q.handler_name);
		jw_kstr(w, "duty_id", new_id);
		jw_kstr(w, "name", name);
		q.handler_duty_id = new_id;
		q.handler_user_id = user_id;
		q.handler_name = name;
		struct notice_to t = { user_id, name };
		if (row_put(db, &q, now, e) ||
		    event(db, who, q.region, q.id, "reassign", NULL, q.status, q.status,
		          jdoc_close(&doc), eid, e) ||
		    audit(db, who, q.region, q.id, "reassign", q.status, q.status, e) ||
		    tell(db, q.id, eid, NK_REASSIGN, who->name, name, NULL, &t, 1, 0, e))
			return -1;
	}
	return 0;
}

/* ---- escalation ---- */

#define ESCALATE_BATCH 500

/* one request: climb from its level to levels, routed afresh */
static int escalate_one(struct db *db, const struct actor *who, const char *id, int levels,
                        struct err *e)
{
	struct arena *a = db_arena(db);
	struct request_row q;
	if (row_get(db, id, &q, e))
		return -1;
	if (levels <= q.escalation_level || !requests_status_open(requests_status_parse(q.status)))
		return 0;
	int rung = requests_escalated_rung((int)q.handler_rung, levels - (int)q.escalation_level);
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "from_role", q.handler_role);
	jw_ki64(w, "level", levels);
	if (rung > q.handler_rung && reroute(db, &q, rung, w, e))
		return -1;
	q.escalation_level = levels;
	char now[32], eid[ID_LEN + 1];
	time_iso(time_now_ms(), now);
	const char *data = jdoc_close(&doc);
	struct notice_to t[2] = { { q.handler_user_id, q.handler_name }, { NULL, NULL } };
	return row_put(db, &q, now, e) ||
	               event(db, who, q.region, q.id, "escalate", NULL, q.status, q.status, data,
	                     eid, e) ||
	               audit(db, who, q.region, q.id, "escalate", q.status, q.status, e) ||
	               leader_above(db, q.place_id, (int)q.handler_rung, &t[1], e) ||
	               tell(db, q.id, eid, NK_ESCALATE, NULL, q.handler_name, NULL, t, 2, 0, e)
	           ? -1
	           : 0;
}

int requests_escalate(struct db *db, const struct actor *who, int64_t now_ms, int64_t *escalated,
                      struct err *e)
{
	struct arena *a = db_arena(db);
	char now[32];
	time_iso(now_ms, now);
	*escalated = 0;
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT q.id, q.response_due_at, q.resolution_due_at, q.signed_at, q.resolved_at, "
	    "q.escalation_level, c.resolution_hours FROM requests q JOIN request_categories c ON "
	    "c.id = q.category_id WHERE q.status IN ('submitted', 'signed_for', 'in_progress', "
	    "'sent_back') AND (q.response_due_at < ? OR q.resolution_due_at < ?) ORDER BY "
	    "q.resolution_due_at, q.id",
	    DB_T(now), DB_T(now));
	if (!st)
		return -1;
	const char **ids = arena_alloc(a, ESCALATE_BATCH * sizeof(*ids));
	int *levels = arena_alloc(a, ESCALATE_BATCH * sizeof(*levels));
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		struct request_clock k = { requests_ms(db_text(st, 1)), requests_ms(db_text(st, 2)),
			                   requests_ms(db_text(st, 3)), requests_ms(db_text(st, 4)),
			                   db_int(st, 6) };
		int64_t next;
		int due = requests_escalation_due(&k, now_ms, &next);
		if (due > db_int(st, 5) && n < ESCALATE_BATCH) {
			ids[n] = db_text(st, 0);
			levels[n++] = due;
		}
	}
	if (rc < 0)
		return -1;
	if (!n)
		return 0;
	if (db_begin(db, DB_WRITE, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (escalate_one(db, who, ids[i], levels[i], e)) {
			db_rollback(db);
			return -1;
		}
	if (db_commit(db, e))
		return -1;
	*escalated = (int64_t)n;
	return 0;
}

/* ---- people's mediation (人民调解) ---- */

static const char *const mediation_results[] = { "agreed", "not_agreed", "referred", NULL };

/* the checks of a mediation that need no database */
static int mediation_check(const struct request_mediation_in *in, struct err *e)
{
	char today[11], field[40];
	people_today(today);
	if (strcmp(in->held_on, today) > 0)
		return err_invalid(e, "requests.mediation_date", "held_on",
		                   "a mediation is recorded once held, not after today (%s)",
		                   today);
	if (in->nparties < 2 || in->nparties > REQUESTS_PARTIES)
		return err_invalid(e, "requests.parties", "parties",
		                   "a mediation has 2 to %d parties", REQUESTS_PARTIES);
	for (size_t i = 0; i < in->nparties; i++) {
		const char *n = in->parties[i].name;
		long len = n ? utf8_len(n, strlen(n)) : -1;
		snprintf(field, sizeof(field), "parties[%zu].name", i);
		if (len < 1 || len > 40)
			return err_invalid(e, "requests.parties", field,
			                   "each party has a name of 1 to 40 characters");
	}
	int known = 0;
	for (int i = 0; mediation_results[i]; i++)
		known |= !strcmp(mediation_results[i], in->result);
	if (!known)
		return err_invalid(e, "requests.mediation_result", "result",
		                   "result is agreed, not_agreed or referred, not '%s'",
		                   in->result);
	if (!strcmp(in->result, "agreed") && (!in->agreement || !*in->agreement))
		return err_invalid(e, "requests.agreement_required", "agreement",
		                   "an agreed mediation needs the agreement's text");
	return 0;
}

int requests_mediation_create(struct db *db, const struct actor *who, const char *request_id,
                              const struct request_mediation_in *in, const char **id_out,
                              struct err *e)
{
	struct arena *a = db_arena(db);
	struct request_row q;
	if (row_get(db, request_id, &q, e) || mediation_check(in, e))
		return -1;
	if (!strcmp(q.status, "merged"))
		return err_conflict(e, "requests.state", "status",
		                    "a merged request is mediated as the one it was merged into");
	int64_t n = 0;
	if (db_get_int(db, e, &n,
	               "SELECT count(*) FROM requests q JOIN request_categories c ON c.id = "
	               "q.category_id WHERE q.id = ? AND (c.id = 'dispute' OR c.parent_id = "
	               "'dispute')",
	               DB_ARGS(DB_T(request_id))) < 0)
		return -1;
	if (!n)
		return err_invalid(e, "requests.mediation_category", "request_id",
		                   "people's mediation is for a neighbour dispute (邻里纠纷)");
	if (db_get_int(db, e, &n, "SELECT count(*) FROM request_mediations WHERE request_id = ?",
	               DB_ARGS(DB_T(request_id))) < 0)
		return -1;
	if (n)
		return err_conflict(e, "requests.mediation_exists", "request_id",
		                    "this request has its mediation recorded already");
	const char *mediator = NULL;
	int rc = in->mediator_user_id
	             ? db_get_text(db, e, &mediator,
	                           "SELECT name FROM users WHERE id = ? AND disabled = 0",
	                           DB_ARGS(DB_T(in->mediator_user_id)))
	             : 0;
	if (rc < 0)
		return -1;
	if (!rc)
		return err_invalid(e, "requests.mediator", "mediator_user_id",
		                   "the mediator is an active account");
	char id[ID_LEN + 1], now[32];
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "INSERT INTO request_mediations (id, request_id, region, mediator_user_id, "
	            "mediator_name, held_on, held_at, dispute, agreement, result, created_by, "
	            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(request_id), DB_T(q.region), DB_T(in->mediator_user_id),
	            DB_T(mediator), DB_T(in->held_on), DB_T(in->held_at), DB_T(in->dispute),
	            DB_T(in->agreement && *in->agreement ? in->agreement : NULL), DB_T(in->result),
	            DB_T(who->id), DB_T(now)) < 0)
		return -1;
	for (size_t i = 0; i < in->nparties; i++) {
		char pid[ID_LEN + 1], field[40];
		const char *enc, *hash, *masked;
		snprintf(field, sizeof(field), "parties[%zu].phone", i);
		id_new(pid);
		if (seal_phone(a, in->parties[i].phone, field, &enc, &hash, &masked, e) ||
		    db_exec(
		        db, e,
		        "INSERT INTO request_mediation_parties (id, mediation_id, seq, region, "
		        "name, phone_enc, phone_hash, phone_masked) VALUES (?, ?, ?, ?, ?, ?, ?, "
		        "?)",
		        DB_T(pid), DB_T(id), DB_I((int64_t)i + 1), DB_T(q.region),
		        DB_T(in->parties[i].name), DB_T(enc), DB_T(hash), DB_T(masked)) < 0)
			return -1;
	}
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "mediation_id", id);
	jw_kstr(w, "result", in->result);
	jw_ki64(w, "parties", (int64_t)in->nparties);
	const char *data = jdoc_close(&doc);
	char eid[ID_LEN + 1];
	if (event(db, who, q.region, q.id, "mediate", NULL, q.status, q.status, data, eid, e) ||
	    audit_write(db, who, q.region, "request_mediations", id, "create", data, e))
		return -1;
	*id_out = arena_strdup(a, id);
	return 0;
}
