/* categories.c - category admin (requests.admin): create, edit and retire categories, each
 * checked as saved (the parent, the hours, the duty role, the attribute spec); see
 * requests.h. */
#include "requests.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

/* categories belong to every town: their audit rows are the installation's */
#define CATEGORY_REGION "000000"
/* the tree's depth the API writes (list_categories) */
#define CATEGORY_DEPTH 4

/* 1 if s is a category id: a lowercase letter, then letters, digits, '.' or '_', ≤ 40 */
static int id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 40 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_'))
			return 0;
	return 1;
}

/* the parent for category id (NULL on create: a new one): active, not id itself or under
 * it, no deeper than the tree goes, and without requests of its own */
static int parent_check(struct db *db, const char *id, const char *parent, struct err *e)
{
	int depth = 1;
	for (const char *p = parent; p; depth++) {
		const char *up = NULL;
		int64_t active = 0;
		if (id && !strcmp(p, id))
			return err_invalid(e, "requests.category_parent", "parent_id",
			                   "a category cannot be under itself");
		if (depth > CATEGORY_DEPTH)
			return err_invalid(e, "requests.category_parent", "parent_id",
			                   "categories go %d levels deep", CATEGORY_DEPTH);
		int rc =
		    db_get_int(db, e, &active, "SELECT active FROM request_categories WHERE id = ?",
		               DB_ARGS(DB_T(p)));
		if (rc < 0)
			return -1;
		if (!rc || (p == parent && !active))
			return err_invalid(e, "requests.category_parent", "parent_id",
			                   "no active category '%s'", p);
		if (db_get_text(db, e, &up, "SELECT parent_id FROM request_categories WHERE id = ?",
		                DB_ARGS(DB_T(p))) < 0)
			return -1;
		p = up;
	}
	int64_t n = 0;
	if (parent && db_get_int(db, e, &n, "SELECT count(*) FROM requests WHERE category_id = ?",
	                         DB_ARGS(DB_T(parent))) < 0)
		return -1;
	if (n)
		return err_conflict(e, "requests.category_has_requests", "parent_id",
		                    "'%s' has requests of its own and cannot group categories",
		                    parent);
	return 0;
}

/* what a saved category must be, whatever changed */
static int fields_check(const struct request_category_in *c, struct err *e)
{
	if (c->response_hours > c->resolution_hours)
		return err_invalid(e, "requests.category_hours", "resolution_hours",
		                   "the resolution deadline cannot come before the response one");
	if (!c->duty_role || requests_ladder_rung(c->duty_role) < 0)
		return err_invalid(e, "requests.duty_role", "duty_role",
		                   "duty_role is grid_worker, group_leader, area_leader, "
		                   "branch_secretary or town, not '%s'",
		                   c->duty_role ? c->duty_role : "");
	return requests_spec_check(c->attributes, e);
}

/* the audit row: the fields as saved */
static int audit_category(struct db *db, const struct actor *who, const char *action,
                          const struct request_category_in *c, const char *attrs, struct err *e)
{
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, db_arena(db));
	jw_kstr(w, "parent_id", c->parent_id);
	jw_kstr(w, "name", c->name);
	jw_ki64(w, "response_hours", c->response_hours);
	jw_ki64(w, "resolution_hours", c->resolution_hours);
	jw_kstr(w, "duty_role", c->duty_role);
	jw_key(w, "attributes");
	jw_raw(w, attrs, strlen(attrs));
	return audit_write(db, who, CATEGORY_REGION, "request_categories", c->id, action,
	                   jdoc_close(&doc), e);
}

/* the spec as stored text (compact JSON) in the arena */
static const char *spec_text(struct arena *a, const json_t *spec)
{
	char *t = json_dumps(spec, JSON_COMPACT);
	const char *s = arena_strdup(a, t ? t : "[]");
	free(t);
	return s;
}

int requests_category_create(struct db *db, const struct actor *who,
                             const struct request_category_in *in, struct err *e)
{
	int64_t n = 0;
	if (!id_ok(in->id))
		return err_invalid(e, "requests.category_id", "id",
		                   "an id is a lowercase letter, then letters, digits, '.' or '_' "
		                   "(at most 40)");
	if (fields_check(in, e))
		return -1;
	if (db_get_int(db, e, &n, "SELECT count(*) FROM request_categories WHERE id = ?",
	               DB_ARGS(DB_T(in->id))) < 0)
		return -1;
	if (n)
		return err_conflict(e, "requests.category_exists", "id", "category '%s' exists",
		                    in->id);
	if (parent_check(db, NULL, in->parent_id, e))
		return -1;
	char now[32];
	time_iso(time_now_ms(), now);
	const char *attrs = spec_text(db_arena(db), in->attributes);
	if (db_exec(db, e,
	            "INSERT INTO request_categories (id, parent_id, name, sort, response_hours, "
	            "resolution_hours, duty_role, attributes, active, version, updated_at) VALUES "
	            "(?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?)",
	            DB_T(in->id), DB_T(in->parent_id), DB_T(in->name), DB_I(in->sort),
	            DB_I(in->response_hours), DB_I(in->resolution_hours), DB_T(in->duty_role),
	            DB_T(attrs), DB_T(now)) < 0)
		return -1;
	return audit_category(db, who, "create", in, attrs, e);
}

/* the stored category id into c (its attributes parsed into *spec, to be released) */
static int category_load(struct db *db, const char *id, struct request_category_in *c,
                         json_t **spec, int64_t *version, int64_t *active, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT id, parent_id, name, duty_role, sort, response_hours, "
	             "resolution_hours, attributes, version, active FROM request_categories "
	             "WHERE id = ?",
	             DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0
		           ? -1
		           : err_notfound(e, "requests.category_not_found", "no category '%s'", id);
	*c = (struct request_category_in){ db_text(st, 0), db_text(st, 1),
		                           db_text(st, 2), db_text(st, 3),
		                           db_int(st, 4),  db_int(st, 5),
		                           db_int(st, 6),  NULL };
	json_error_t jerr;
	*spec = json_loads(db_text(st, 7), 0, &jerr);
	*version = db_int(st, 8);
	*active = db_int(st, 9);
	db_done(st);
	if (!*spec)
		return err_internal(e, "category '%s' has bad attributes", id);
	c->attributes = *spec;
	return 0;
}

int requests_category_update(struct db *db, const struct actor *who, const char *id,
                             const struct request_category_in *in, unsigned set, struct err *e)
{
	struct request_category_in c;
	json_t *spec = NULL;
	int64_t have, active;
	if (category_load(db, id, &c, &spec, &have, &active, e))
		goto fail;
	if (set & RC_PARENT)
		c.parent_id = in->parent_id;
	if (set & RC_NAME)
		c.name = in->name;
	if (set & RC_SORT)
		c.sort = in->sort;
	if (set & RC_RESPONSE)
		c.response_hours = in->response_hours;
	if (set & RC_RESOLUTION)
		c.resolution_hours = in->resolution_hours;
	if (set & RC_ROLE)
		c.duty_role = in->duty_role;
	if (set & RC_ATTRIBUTES)
		c.attributes = in->attributes;
	if (fields_check(&c, e) || ((set & RC_PARENT) && parent_check(db, id, c.parent_id, e)))
		goto fail;
	char now[32];
	time_iso(time_now_ms(), now);
	const char *attrs = spec_text(db_arena(db), c.attributes);
	json_decref(spec);
	spec = NULL;
	c.attributes = NULL;
	if (db_exec(db, e,
	            "UPDATE request_categories SET parent_id = ?, name = ?, sort = ?, "
	            "response_hours = ?, resolution_hours = ?, duty_role = ?, attributes = ?, "
	            "version = version + 1, updated_at = ? WHERE id = ?",
	            DB_T(c.parent_id), DB_T(c.name), DB_I(c.sort), DB_I(c.response_hours),
	            DB_I(c.resolution_hours), DB_T(c.duty_role), DB_T(attrs), DB_T(now),
	            DB_T(id)) < 0)
		return -1;
	return audit_category(db, who, "update", &c, attrs, e);
fail:
	json_decref(spec);
	return -1;
}

int requests_category_retire(struct db *db, const struct actor *who, const char *id, struct err *e)
{
	struct request_category_in c;
	json_t *spec = NULL;
	int64_t have, active, n = 0;
	int rc = category_load(db, id, &c, &spec, &have, &active, e);
	json_decref(spec);
	if (rc)
		return -1;
	if (!active)
		return err_conflict(e, "requests.category_retired", "id", "'%s' is retired already",
		                    c.name);
	if (db_get_int(db, e, &n,
	               "SELECT count(*) FROM request_categories WHERE parent_id = ? AND active = 1",
	               DB_ARGS(DB_T(id))) < 0)
		return -1;
	if (n)
		return err_conflict(e, "requests.category_children", "id",
		                    "'%s' groups %lld active categories: retire them first", c.name,
		                    (long long)n);
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "UPDATE request_categories SET active = 0, version = version + 1, updated_at = "
	            "? WHERE id = ?",
	            DB_T(now), DB_T(id)) < 0)
		return -1;
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, db_arena(db));
	jw_kstr(w, "name", c.name);
	jw_kbool(w, "active", 0);
	return audit_write(db, who, CATEGORY_REGION, "request_categories", id, "retire",
	                   jdoc_close(&doc), e);
}
