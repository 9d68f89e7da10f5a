/* http.c - routes of duties: the list, writes, the chain of a household or place, the org
 * chart with its vacancies, coverage and a grid worker's households; see duties.h. */
#include "duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/json.h"
#include "core/util.h"
#include "people/people.h"
#include "places/places.h"
#include "tabular/tabular.h"
#include "core/banned.h"

/* ---- where a row is ---- */

static int place_of_duty(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return req_row_place_paths(r, "SELECT place_id FROM duties WHERE id = ?",
	                           "duties.not_found", "duty", path, gpath, e);
}
static const struct place_rule PLACE_DUTY = { "param :id is a duty; its place", NULL,
	                                      place_of_duty };

static int place_of_household(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return req_row_place_paths(r, "SELECT place_id FROM households WHERE id = ?",
	                           "people.household_not_found", "household", path, gpath, e);
}
static const struct place_rule PLACE_HOUSEHOLD = { "param :id is a household; its place", NULL,
	                                           place_of_household };

/* ---- small helpers ---- */

/* ?name=DATE, or today; 400 json.date naming it */
static int date_param(struct req *r, const char *name, char today[11], const char **out,
                      struct err *e)
{
	people_today(today);
	*out = req_query(r, name);
	if (!*out)
		*out = today;
	else if (date_check(*out))
		return err_invalid(e, "json.date", name, "'%s' must be a date YYYY-MM-DD", name);
	return 0;
}

/* q AND "the duty holds on day" */
static void and_active(struct query *q, const char *day)
{
	query_and(q, "d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= ?)", DB_T(day));
	q->args[q->n++] = DB_T(day);
}

/* ---- a duty as the API answers it ---- */

#define DUTY_SELECT                                                                                \
	"d.id, d.region, d.role, d.place_id, p.name, p.kind, d.person_id, d.user_id, "             \
	"d.holder_name, d.from_date, d.to_date, d.prev_id, d.note, d.version, d.created_at, "      \
	"d.updated_at, (SELECT u.login FROM users u WHERE u.id = d.user_id), p.depth"
#define DUTY_FROM "duties d JOIN places p ON p.id = d.place_id"

static const char *const duty_keys[] = { "id",          "region",     "role",       "place_id",
	                                 "place_name",  "place_kind", "person_id",  "user_id",
	                                 "holder_name", "from_date",  "to_date",    "prev_id",
	                                 "note",        "#version",   "created_at", "updated_at",
	                                 "user_login",  NULL };

/* the day rows are judged active on (a list's writer has no request) */
static _Thread_local const char *cur_day;

static void write_duty_fields(struct jw *w, struct db_stmt *st)
{
	for (int i = 0; duty_keys[i]; i++) {
		const char *k = duty_keys[i];
		if (*k == '#')
			jw_ki64(w, k + 1, db_int(st, i));
		else
			jw_kstr(w, k, db_text(st, i));
	}
	const struct duty_role *role = duties_role(db_text(st, 2));
	jw_kstr(w, "role_name", role ? role->name : db_text(st, 2));
	jw_ki64(w, "level", role ? role->level : 9);
	jw_kbool(w, "active", duties_active_on(db_text(st, 9), db_text(st, 10), cur_day));
}

static void write_duty_row(struct jw *w, struct db_stmt *st)
{
	jw_obj(w);
	write_duty_fields(w, st);
	jw_obj_end(w);
}

/* ORDER BY the chain, nearest first: the role's level, then the place's depth */
static const char *chain_order(struct arena *a)
{
	size_t n;
	const struct duty_role *roles = duties_roles(&n);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_adds(&sb, "CASE d.role");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, " WHEN '%s' THEN %d", roles[i].id, roles[i].level);
	strbuf_adds(&sb, " ELSE 9 END DESC, p.depth DESC, d.from_date");
	return sb.buf;
}

/* {"id",…} of duty id with its households and its successor; 1, or 0 if there is none */
static int write_duty(struct req *r, struct jw *w, const char *id, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e, "SELECT " DUTY_SELECT " FROM " DUTY_FROM " WHERE d.id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc;
	jw_obj(w);
	write_duty_fields(w, st);
	db_done(st);
	const char *next = NULL;
	if (db_get_text(r->db, e, &next, "SELECT id FROM duties WHERE prev_id = ?",
	                DB_ARGS(DB_T(id))) < 0)
		return -1;
	jw_kstr(w, "next_id", next);
	st = db_query(r->db, e,
	              "SELECT h.id, h.address, h.place_id FROM duty_households x JOIN households h "
	              "ON h.id = x.household_id WHERE x.duty_id = ? ORDER BY h.address, h.id",
	              DB_T(id));
	if (!st)
		return -1;
	static const char *const keys[] = { "id", "address", "place_id", NULL };
	if (jw_key_rows(w, "households", st, keys, e))
		return -1;
	jw_obj_end(w);
	return 1;
}

static int answer_duty(struct req *r, const char *id, struct err *e)
{
	char today[11];
	people_today(today);
	cur_day = today;
	int64_t version = 0;
	if (db_get_int(r->db, e, &version, "SELECT version FROM duties WHERE id = ?",
	               DB_ARGS(DB_T(id))) < 0)
		return -1;
	req_etag(r, version);
	int rc = write_duty(r, req_jw(r), id, e);
	return rc < 0 ? -1 : rc ? 0 : err_notfound(e, "duties.not_found", "no duty '%s'", id);
}

/* ---- reading ---- */

/* "key": [the kinds of list, up to n or the first NULL] */
static void write_kinds(struct jw *w, const char *key, const char *const *list, size_t n)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t k = 0; k < n && list[k]; k++)
		jw_str(w, list[k]);
	jw_arr_end(w);
}

/* GET /api/v1/duties/roles: the catalogue */
static int list_roles(struct req *r, struct err *e)
{
	(void)e;
	size_t n;
	const struct duty_role *roles = duties_roles(&n);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "id", roles[i].id);
		jw_kstr(w, "name", roles[i].name);
		jw_ki64(w, "level", roles[i].level);
		jw_kbool(w, "exclusive", roles[i].exclusive);
		write_kinds(w, "kinds", roles[i].kinds, 10);
		write_kinds(w, "expected", roles[i].expected, 4);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

static const char *const duty_sorts[] = { "place=p.path", "role=d.role", "from_date=d.from_date",
	                                  "holder=d.holder_name", NULL };

/* GET /api/v1/duties?place=&role=&active_on=&holder=&status=active|ended */
static int list_duties(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	char today[11];
	const char *v, *on;
	if (req_page(r, duty_sorts, "place,role,-from_date", &pg, e) ||
	    date_param(r, "active_on", today, &on, e))
		return -1;
	cur_day = today;
	query_scope2(r, &q, "duties.read", "p.path", "p.gpath");
	if ((v = req_query(r, "place"))) {
		const char *path, *gpath;
		if (req_place_paths(r, v, &path, &gpath, e))
			return -1;
		query_and_under2(r, &q, "p.path", "p.gpath", path);
	}
	if ((v = req_query(r, "role"))) {
		if (!duties_role(v))
			return err_invalid(e, "duties.role", "role", "no duty role '%s'", v);
		query_and(&q, "d.role = ?", DB_T(v));
	}
	if (req_query(r, "active_on"))
		and_active(&q, on);
	if ((v = req_query(r, "holder"))) {
		query_and(&q, "(d.user_id = ? OR d.person_id = ?)", DB_T(v));
		q.args[q.n++] = DB_T(v);
	}
	if ((v = req_query(r, "status"))) {
		if (!strcmp(v, "active"))
			and_active(&q, today);
		else if (!strcmp(v, "ended")) {
			query_and(&q, "d.to_date < ?", DB_T(today));
		} else if (strcmp(v, "all"))
			return err_invalid(e, "duties.status", "status",
			                   "status is active, ended or all, not '%s'", v);
	}
	return req_list(r, DUTY_SELECT, DUTY_FROM, &q, &pg, write_duty_row, e);
}

/* GET /api/v1/duties/:id */
static int get_duty(struct req *r, struct err *e)
{
	return answer_duty(r, req_param(r, "id"), e);
}

/*
 * The chain of a place (and of a household at it): the duties holding on `on` over the
 * place's ancestors (path) and the grids covering it (gpath), nearest first; with a
 * household, the party members linked to it.
 */
static int write_chain(struct req *r, const char *place_id, const char *household_id, struct err *e)
{
	char today[11];
	const char *on;
	struct place p;
	if (date_param(r, "on", today, &on, e))
		return -1;
	cur_day = on;
	int rc = places_get(r->db, place_id, &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no place '%s'", place_id);
	struct query q;
	duties_chain_query(&r->arena, &p, household_id, on, &q);
	struct db_stmt *st =
	    db_query_(r->db, e,
	              arena_printf(&r->arena,
	                           "SELECT " DUTY_SELECT " FROM " DUTY_FROM " WHERE %s ORDER BY %s",
	                           q.where.buf, chain_order(&r->arena)),
	              q.args);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "on", on);
	jw_kstr(w, "household_id", household_id);
	jw_key(w, "place");
	jw_obj(w);
	jw_kstr(w, "id", p.id);
	jw_kstr(w, "name", p.name);
	jw_kstr(w, "kind", p.kind);
	jw_obj_end(w);
	jw_key(w, "items");
	jw_arr(w);
	while ((rc = db_step(st, e)) == 1)
		write_duty_row(w, st);
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* GET /api/v1/places/:id/chain?on=DATE */
static int place_chain(struct req *r, struct err *e)
{
	return write_chain(r, req_param(r, "id"), NULL, e);
}

/* GET /api/v1/households/:id/chain?on=DATE */
static int household_chain(struct req *r, struct err *e)
{
	const char *place_id = NULL;
	if (db_get_text(r->db, e, &place_id, "SELECT place_id FROM households WHERE id = ?",
	                DB_ARGS(DB_T(req_param(r, "id")))) < 0)
		return -1;
	return write_chain(r, place_id, req_param(r, "id"), e);
}

/* ---- the org chart ---- */

struct chart_node {
	const char *id, *name, *kind, *parent_id;
	struct strbuf duties; /* the duties' JSON objects, comma-separated */
	unsigned roles;       /* bit i: a duty of roles[i] holds today */
};

struct chart {
	struct chart_node *nodes;
	size_t n;
	const struct duty_role *roles;
	size_t nroles;
	int64_t vacancies;
};

static void write_node(struct jw *w, struct chart *c, size_t i, int depth)
{
	struct chart_node *nd = &c->nodes[i];
	jw_obj(w);
	jw_kstr(w, "id", nd->id);
	jw_kstr(w, "name", nd->name);
	jw_kstr(w, "kind", nd->kind);
	jw_key(w, "duties");
	jw_arr(w);
	if (nd->duties.len)
		jw_raw(w, nd->duties.buf, nd->duties.len);
	for (size_t k = 0; k < c->nroles; k++) {
		if (!duties_role_expected(&c->roles[k], nd->kind) || (nd->roles >> k & 1))
			continue;
		c->vacancies++;
		jw_obj(w);
		jw_kstr(w, "role", c->roles[k].id);
		jw_kstr(w, "role_name", c->roles[k].name);
		jw_ki64(w, "level", c->roles[k].level);
		jw_kbool(w, "vacant", 1);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "children");
	jw_arr(w);
	for (size_t j = i + 1; depth < 8 && j < c->n; j++)
		if (c->nodes[j].parent_id && !strcmp(c->nodes[j].parent_id, nd->id))
			write_node(w, c, j, depth + 1);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* the node of place id, or NULL */
static struct chart_node *chart_find(struct chart *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->nodes[i].id, id))
			return &c->nodes[i];
	return NULL;
}

#define CHART_MAX 4000

/*
 * GET /api/v1/places/:id/orgchart: a village or community as a tree — its natural
 * villages, groups, compounds, buildings, grids and micro-grids — each with the duties
 * holding today and each expected role nobody holds marked {"role", "vacant": true}.
 */
static int orgchart(struct req *r, struct err *e)
{
	struct place p;
	char today[11];
	int rc = places_get(r->db, req_param(r, "id"), &p, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "places.not_found", "no place '%s'",
		                             req_param(r, "id"));
	if (strcmp(p.kind, "village") && strcmp(p.kind, "community"))
		return err_invalid(e, "duties.orgchart_kind", "id",
		                   "an org chart is drawn for a village or community, not a %s",
		                   p.kind);
	people_today(today);
	cur_day = today;
	const char *end = arena_printf(&r->arena, "%s~", p.path);
	struct chart c = { 0 };
	c.roles = duties_roles(&c.nroles);
	c.nodes = arena_alloc(&r->arena, CHART_MAX * sizeof(*c.nodes));
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT id, name, kind, parent_id FROM places WHERE path >= ? AND path < ? AND status "
	    "= "
	    "'active' AND kind IN ('village', 'community', 'natural_village', 'group', 'compound', "
	    "'building', 'grid', 'micro_grid') ORDER BY depth, tree DESC, length(name), name, id",
	    DB_T(p.path), DB_T(end));
	if (!st)
		return -1;
	while ((rc = db_step(st, e)) == 1 && c.n < CHART_MAX) {
		struct chart_node *nd = &c.nodes[c.n++];
		memset(nd, 0, sizeof(*nd));
		nd->id = db_text(st, 0);
		nd->name = db_text(st, 1);
		nd->kind = db_text(st, 2);
		nd->parent_id = c.n > 1 ? db_text(st, 3) : NULL;
		strbuf_init(&nd->duties, &r->arena, 0);
	}
	if (rc < 0)
		return -1;
	db_done(st);
	st = db_query(r->db, e,
	              arena_printf(&r->arena,
	                           "SELECT " DUTY_SELECT " FROM " DUTY_FROM
	                           " WHERE p.path >= ? AND p.path < ? AND d.from_date <= ? AND "
	                           "(d.to_date IS NULL OR d.to_date >= ?) ORDER BY %s",
	                           chain_order(&r->arena)),
	              DB_T(p.path), DB_T(end), DB_T(today), DB_T(today));
	if (!st)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		struct chart_node *nd = chart_find(&c, db_text(st, 3));
		if (!nd)
			continue;
		struct jdoc doc;
		write_duty_fields(jdoc_open(&doc, &r->arena), st);
		if (nd->duties.len)
			strbuf_addch(&nd->duties, ',');
		strbuf_adds(&nd->duties, jdoc_close(&doc));
		for (size_t k = 0; k < c.nroles; k++)
			if (!strcmp(c.roles[k].id, db_text(st, 2)))
				nd->roles |= 1u << k;
	}
	if (rc < 0)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "on", today);
	jw_key(w, "root");
	write_node(w, &c, 0, 0);
	jw_ki64(w, "vacancies", c.vacancies);
	jw_kbool(w, "truncated", c.n >= CHART_MAX);
	jw_obj_end(w);
	return 0;
}

/* ---- coverage ---- */

/* households at places joined with what covers them: p the place, pp its parent, g the
 * finest grid covering it */
#define COVER_FROM                                                                                 \
	"households h JOIN places p ON p.id = h.place_id LEFT JOIN places pp ON pp.id = "          \
	"p.parent_id LEFT JOIN places g ON g.path = p.gpath"
/* an active grid worker over the finest grid or the grid above it (two '?': the day) */
#define COVER_GRID                                                                                 \
	"EXISTS (SELECT 1 FROM duties d WHERE d.role = 'grid_worker' AND d.place_id IN (g.id, "    \
	"g.parent_id) AND d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= ?))"
/* the household lives in a building (a flat in a unit, or at the building or unit) */
#define IN_BUILDING                                                                                \
	"(p.kind IN ('building', 'unit') OR (p.kind = 'dwelling' AND pp.kind IN ('building', "     \
	"'unit')))"
/* an active building leader over its building or unit (two '?': the day) */
#define COVER_BUILDING                                                                             \
	"EXISTS (SELECT 1 FROM duties d WHERE d.role = 'building_leader' AND d.place_id IN "       \
	"(p.id, "                                                                                  \
	"p.parent_id, pp.parent_id) AND d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= "  \
	"?))"

/* households, with a grid worker, in buildings, with a building leader, under path */
static int coverage_counts(struct db *db, struct arena *a, const char *path, const char *day,
                           int64_t out[4], struct err *e)
{
	const char *end = arena_printf(a, "%s~", path);
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT count(*), COALESCE(SUM(CASE WHEN " COVER_GRID " THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN " IN_BUILDING " THEN 1 ELSE 0 END), 0), "
	    "COALESCE(SUM(CASE WHEN " IN_BUILDING " AND " COVER_BUILDING
	    " THEN 1 ELSE 0 END), 0) FROM " COVER_FROM " WHERE h.status = 'active' AND "
	    "((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?))",
	    DB_T(day), DB_T(day), DB_T(day), DB_T(day), DB_T(path), DB_T(end), DB_T(path),
	    DB_T(end));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	for (int i = 0; i < 4; i++)
		out[i] = rc == 1 ? db_int(st, i) : 0;
	db_done(st);
	return rc < 0 ? -1 : 0;
}

/* "key": [places of kind under path without an active holder of role] */
static int write_gaps(struct req *r, struct jw *w, const char *key, const char *kind,
                      const char *role, const char *path, const char *day, struct err *e)
{
	const char *end = arena_printf(&r->arena, "%s~", path);
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT b.id, b.name, b.kind, b.parent_id, (SELECT x.name FROM places x WHERE x.id = "
	    "b.parent_id) "
	    "FROM places b WHERE b.kind = ? AND b.status = 'active' AND ((b.path >= ? AND b.path "
	    "< ?) OR (b.gpath >= ? AND b.gpath < ?)) AND NOT EXISTS (SELECT 1 FROM duties d WHERE "
	    "d.place_id = b.id AND d.role = ? AND d.from_date <= ? AND (d.to_date IS NULL OR "
	    "d.to_date >= ?)) ORDER BY b.path LIMIT 500",
	    DB_T(kind), DB_T(path), DB_T(end), DB_T(path), DB_T(end), DB_T(role), DB_T(day),
	    DB_T(day));
	if (!st)
		return -1;
	static const char *const keys[] = {
		"id", "name", "kind", "parent_id", "parent_name", NULL
	};
	return jw_key_rows(w, key, st, keys, e);
}

/* GET /api/v1/duties/coverage?place=ID&on=DATE */
static int coverage(struct req *r, struct err *e)
{
	char today[11];
	const char *on;
	struct place p;
	int64_t n[4];
	if (date_param(r, "on", today, &on, e))
		return -1;
	int rc = places_get(r->db, req_query(r, "place"), &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	if (coverage_counts(r->db, &r->arena, p.path, on, n, e))
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_kstr(w, "on", on);
	jw_key(w, "place");
	jw_obj(w);
	jw_kstr(w, "id", p.id);
	jw_kstr(w, "name", p.name);
	jw_kstr(w, "kind", p.kind);
	jw_obj_end(w);
	jw_ki64(w, "households", n[0]);
	jw_ki64(w, "with_grid_worker", n[1]);
	jw_ki64(w, "without_grid_worker", n[0] - n[1]);
	jw_ki64(w, "in_buildings", n[2]);
	jw_ki64(w, "with_building_leader", n[3]);
	jw_ki64(w, "without_building_leader", n[2] - n[3]);
	jw_ki64(w, "percent_grid_worker", n[0] ? n[1] * 100 / n[0] : 100);
	if (write_gaps(r, w, "grids_without_worker", "grid", "grid_worker", p.path, on, e) ||
	    write_gaps(r, w, "buildings_without_leader", "building", "building_leader", p.path, on,
	               e))
		return -1;
	jw_obj_end(w);
	return 0;
}

static const char *const uncovered_keys[] = { "id",      "address",   "place_id", "place_name",
	                                      "grid_id", "grid_name", NULL };

static void write_uncovered_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, uncovered_keys);
}

static const char *const uncovered_sorts[] = { "place=p.path", "address=h.address", NULL };

/* GET /api/v1/duties/uncovered?place=&kind=grid_worker|building_leader&on= */
static int uncovered(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	char today[11];
	const char *on, *path, *gpath, *kind = req_query(r, "kind");
	if (req_page(r, uncovered_sorts, "place,address", &pg, e) ||
	    date_param(r, "on", today, &on, e) ||
	    req_place_paths(r, req_query(r, "place"), &path, &gpath, e))
		return -1;
	if (!kind)
		kind = "grid_worker";
	int grid = !strcmp(kind, "grid_worker");
	if (!grid && strcmp(kind, "building_leader"))
		return err_invalid(e, "duties.kind", "kind",
		                   "kind is grid_worker or building_leader, not '%s'", kind);
	query_scope2(r, &q, "duties.read", "p.path", "p.gpath");
	query_and_under2(r, &q, "p.path", "p.gpath", path);
	query_and(&q, "h.status = 'active'", DB_NOARGS);
	query_and(&q, grid ? "NOT " COVER_GRID : IN_BUILDING " AND NOT " COVER_BUILDING, DB_T(on));
	q.args[q.n++] = DB_T(on);
	return req_list(r, "h.id, h.address, h.place_id, p.name, g.id, g.name", COVER_FROM, &q, &pg,
	                write_uncovered_row, e);
}

/* ---- a grid worker's households ---- */

struct household_page {
	struct req *r;
	struct people_tag_def tags[64];
	size_t ntags;
};
static _Thread_local struct household_page *cur_households;

/* the household with its people counted by tag (folded "tag,tag,…"), only tags the caller
 * may see at its place */
static void write_household_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "id", "address", "place_id", "place_name", NULL };
	struct household_page *hp = cur_households;
	const char *path = db_text(st, 6), *gpath = db_text(st, 7), *folded = db_text(st, 8);
	jw_obj(w);
	for (int i = 0; keys[i]; i++)
		jw_kstr(w, keys[i], db_text(st, i));
	const char *head = db_text(st, 4);
	jw_kstr(w, "head_name", head ? mask_name(&hp->r->arena, head) : NULL);
	jw_ki64(w, "member_count", db_int(st, 5));
	jw_key(w, "tags");
	jw_arr(w);
	for (size_t t = 0; folded && t < hp->ntags; t++) {
		const struct people_tag_def *d = &hp->tags[t];
		size_t len = strlen(d->id);
		int64_t count = 0;
		for (const char *s = folded; s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
			count += !strncmp(s, d->id, len) && (s[len] == ',' || !s[len]);
		if (!count || !people_tag_visible(hp->r, d->perm, path, gpath))
			continue;
		jw_obj(w);
		jw_kstr(w, "id", d->id);
		jw_kstr(w, "name", d->name);
		jw_ki64(w, "count", count);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static const char *const household_sorts[] = { "place=p.path", "address=h.address", NULL };

/*
 * GET /api/v1/duties/:id/households: the households the duty answers for — at the places
 * its grid covers, under its physical place, or (a party contact) those linked to it —
 * inside the caller's people.read, each with its people counted by tag.
 */
static int duty_households(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	struct household_page hp = { 0 };
	const char *id = req_param(r, "id"), *role = NULL, *place_id = NULL;
	struct place p;
	if (req_page(r, household_sorts, "place,address", &pg, e) ||
	    db_get_text(r->db, e, &role, "SELECT role FROM duties WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    db_get_text(r->db, e, &place_id, "SELECT place_id FROM duties WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0 ||
	    places_get(r->db, place_id, &p, e) < 0)
		return -1;
	hp.r = r;
	if (people_tag_defs(r->db, hp.tags, sizeof(hp.tags) / sizeof(hp.tags[0]), &hp.ntags, e))
		return -1;
	cur_households = &hp;
	query_scope2(r, &q, "people.read", "p.path", "p.gpath");
	query_and(&q, "h.status = 'active'", DB_NOARGS);
	if (!strcmp(role, "party_contact"))
		query_and(&q,
		          "h.id IN (SELECT household_id FROM duty_households WHERE duty_id = ?)",
		          DB_T(id));
	else
		query_and_under2(r, &q, "p.path", "p.gpath", p.path);
	const char *cols = arena_printf(
	    &r->arena,
	    "h.id, h.address, h.place_id, p.name, (SELECT y.name FROM persons y WHERE y.id = "
	    "h.head_id), (SELECT count(*) FROM persons y WHERE y.household_id = h.id AND y.status "
	    "IN ('present', 'away')), p.path, p.gpath, (SELECT %s FROM person_tags x JOIN persons "
	    "y ON y.id = x.person_id WHERE y.household_id = h.id AND y.status IN ('present', "
	    "'away'))",
	    db_sql_concat_agg(r->db, &r->arena, "x.tag_id"));
	return req_list(r, cols, "households h JOIN places p ON p.id = h.place_id", &q, &pg,
	                write_household_row, e);
}

/* ---- writing ---- */

/* the body of POST /duties and of a hand-over */
struct duty_body {
	const char *role, *place_id, *person_id, *user_id, *user_login, *from_date, *to_date, *note,
	    *date;
	const json_t *household_ids;
};

static const struct jfield create_fields[] = {
	{ "role", JF_STR, offsetof(struct duty_body, role), JF_REQUIRED, 1, 40 },
	{ "place_id", JF_STR, offsetof(struct duty_body, place_id), JF_REQUIRED, 1, 40 },
	{ "person_id", JF_ID, offsetof(struct duty_body, person_id), JF_NULLABLE, 0, 0 },
	{ "user_id", JF_ID, offsetof(struct duty_body, user_id), JF_NULLABLE, 0, 0 },
	{ "user_login", JF_STR, offsetof(struct duty_body, user_login), JF_NULLABLE, 1, 64 },
	{ "from_date", JF_DATE, offsetof(struct duty_body, from_date), JF_REQUIRED, 0, 0 },
	{ "to_date", JF_DATE, offsetof(struct duty_body, to_date), JF_NULLABLE, 0, 0 },
	{ "note", JF_STR, offsetof(struct duty_body, note), 0, 0, 500 },
	{ "household_ids", JF_STRS, offsetof(struct duty_body, household_ids), 0, 1, 40 },
};

static const struct jfield handover_fields[] = {
	{ "person_id", JF_ID, offsetof(struct duty_body, person_id), JF_NULLABLE, 0, 0 },
	{ "user_id", JF_ID, offsetof(struct duty_body, user_id), JF_NULLABLE, 0, 0 },
	{ "user_login", JF_STR, offsetof(struct duty_body, user_login), JF_NULLABLE, 1, 64 },
	{ "date", JF_DATE, offsetof(struct duty_body, date), JF_REQUIRED, 0, 0 },
	{ "to_date", JF_DATE, offsetof(struct duty_body, to_date), JF_NULLABLE, 0, 0 },
	{ "note", JF_STR, offsetof(struct duty_body, note), 0, 0, 500 },
};

static const struct jfield patch_fields[] = {
	{ "from_date", JF_DATE, offsetof(struct duty_body, from_date), 0, 0, 0 },
	{ "to_date", JF_DATE, offsetof(struct duty_body, to_date), JF_NULLABLE, 0, 0 },
	{ "note", JF_STR, offsetof(struct duty_body, note), 0, 0, 500 },
	{ "household_ids", JF_STRS, offsetof(struct duty_body, household_ids), 0, 1, 40 },
};

/*
 * The holder of a body into in: user_login names an account (400 duties.user_not_found),
 * and a resident must be one the caller may read (people.read over their place; else 400
 * duties.person_not_found, as if there were none).
 */
static int body_holder(struct req *r, const struct duty_body *b, struct duty_in *in, struct err *e)
{
	in->person_id = b->person_id;
	in->user_id = b->user_id;
	if (b->user_login && !b->user_id) {
		int rc = db_get_text(r->db, e, &in->user_id, "SELECT id FROM users WHERE login = ?",
		                     DB_ARGS(DB_T(b->user_login)));
		if (rc <= 0)
			return rc < 0 ? -1
			              : err_invalid(e, "duties.user_not_found", "user_login",
			                            "no account '%s'", b->user_login);
	}
	if (b->person_id) {
		const char *place_id = NULL, *path, *gpath;
		struct err ignore;
		int rc =
		    db_get_text(r->db, e, &place_id, "SELECT place_id FROM persons WHERE id = ?",
		                DB_ARGS(DB_T(b->person_id)));
		if (rc < 0)
			return -1;
		if (!rc || req_place_paths(r, place_id, &path, &gpath, &ignore) ||
		    authz2(r, "people.read", path, gpath, &ignore))
			return err_invalid(e, "duties.person_not_found", "person_id",
			                   "no resident '%s' you may name", b->person_id);
	}
	return 0;
}

/* the household ids of a body (an array of strings) into in */
static void body_households(struct req *r, const json_t *a, struct duty_in *in)
{
	in->nhouseholds = a ? json_array_size(a) : 0;
	const char **ids = arena_alloc(&r->arena, (in->nhouseholds + 1) * sizeof(*ids));
	for (size_t i = 0; i < in->nhouseholds; i++)
		ids[i] = json_string_value(json_array_get(a, i));
	in->households = ids;
}

/* POST /api/v1/duties */
static int post_duty(struct req *r, struct err *e)
{
	struct duty_body b = { 0 };
	struct duty_in in = { 0 };
	uint64_t seen = 0;
	const char *id;
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, create_fields, JF_COUNT(create_fields), &b, &seen, 0, e) ||
	    body_holder(r, &b, &in, e))
		return -1;
	in.role = b.role;
	in.place_id = b.place_id;
	in.from_date = b.from_date;
	in.to_date = b.to_date;
	in.note = b.note;
	body_households(r, b.household_ids, &in);
	struct actor who;
	accounts_actor(r, &who);
	if (duties_create(r->db, &who, &in, &id, e))
		return -1;
	r->status = 201;
	return answer_duty(r, id, e);
}

/* If-Match against duty id's version now: -1 if not sent; the writer checks it again */
static int if_match(struct req *r, const char *id, int64_t *version, struct err *e)
{
	int rc = db_get_int(r->db, e, version, "SELECT version FROM duties WHERE id = ?",
	                    DB_ARGS(DB_T(id)));
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "duties.not_found", "no duty '%s'", id);
	if (!req_header(r, "If-Match")) {
		*version = -1;
		return 0;
	}
	return req_if_match(r, *version, e);
}

/* PATCH /api/v1/duties/:id {from_date, to_date, note, household_ids} (If-Match) */
static int patch_duty(struct req *r, struct err *e)
{
	struct duty_body b = { 0 };
	struct duty_in in = { 0 };
	uint64_t seen = 0;
	int64_t version;
	const char *id = req_param(r, "id");
	json_t *j = req_json(r, e);
	if (!j || if_match(r, id, &version, e) ||
	    json_decode(j, patch_fields, JF_COUNT(patch_fields), &b, &seen, 1, e))
		return -1;
	if (!seen)
		return err_invalid(e, "json.empty", NULL, "nothing to change");
	in.from_date = b.from_date;
	in.to_date = b.to_date;
	in.note = b.note;
	body_households(r, b.household_ids, &in);
	struct actor who;
	accounts_actor(r, &who);
	/* bits of patch_fields in order: from_date, to_date, note, household_ids */
	if (duties_edit(r->db, &who, id, &in, (unsigned)seen, version, e))
		return -1;
	return answer_duty(r, id, e);
}

struct end_body {
	const char *to_date;
};
static const struct jfield end_fields[] = {
	{ "to_date", JF_DATE, offsetof(struct end_body, to_date), JF_REQUIRED, 0, 0 },
};

/* POST /api/v1/duties/:id/end {to_date} */
static int end_duty(struct req *r, struct err *e)
{
	struct end_body b = { 0 };
	int64_t version;
	const char *id = req_param(r, "id");
	json_t *j = req_json(r, e);
	if (!j || if_match(r, id, &version, e) ||
	    json_decode(j, end_fields, JF_COUNT(end_fields), &b, NULL, 0, e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	if (duties_end(r->db, &who, id, b.to_date, e))
		return -1;
	return answer_duty(r, id, e);
}

/* POST /api/v1/duties/:id/handover {person_id | user_id | user_login, date, to_date, note}:
 * {"ended": the duty, "started": the next} */
static int handover(struct req *r, struct err *e)
{
	struct duty_body b = { 0 };
	struct duty_in in = { 0 };
	int64_t version;
	const char *id = req_param(r, "id"), *next;
	json_t *j = req_json(r, e);
	if (!j || if_match(r, id, &version, e) ||
	    json_decode(j, handover_fields, JF_COUNT(handover_fields), &b, NULL, 0, e) ||
	    body_holder(r, &b, &in, e))
		return -1;
	in.to_date = b.to_date;
	in.note = b.note;
	struct actor who;
	accounts_actor(r, &who);
	if (duties_handover(r->db, &who, id, &in, b.date, &next, e))
		return -1;
	char today[11];
	people_today(today);
	cur_day = today;
	struct jw *w = req_jw(r);
	r->status = 201;
	jw_obj(w);
	jw_key(w, "ended");
	if (write_duty(r, w, id, e) < 0)
		return -1;
	jw_key(w, "started");
	if (write_duty(r, w, next, e) < 0)
		return -1;
	jw_obj_end(w);
	return 0;
}

/* ---- cockpit ---- */

/* today's coverage counts under path (coverage_counts) */
static int tile_counts(struct db *db, const char *path, int64_t n[4], struct err *e)
{
	char today[11];
	people_today(today);
	return coverage_counts(db, db_arena(db), path, today, n, e);
}

/* per cent of the households under path with an active grid worker (100 with none) */
static int tile_coverage(struct db *db, const char *path, int64_t *out, struct err *e)
{
	int64_t n[4];
	if (tile_counts(db, path, n, e))
		return -1;
	*out = n[0] ? n[1] * 100 / n[0] : 100;
	return 0;
}

/* households under path without an active grid worker */
static int tile_uncovered(struct db *db, const char *path, int64_t *out, struct err *e)
{
	int64_t n[4];
	if (tile_counts(db, path, n, e))
		return -1;
	*out = n[0] - n[1];
	return 0;
}

/* duties in force today: counted again after midnight */
static const struct cockpit_tile coverage_tile = { "duties.coverage", "duties.read", "%",
	                                           tile_coverage, COCKPIT_DATED };
static const struct cockpit_tile uncovered_tile = { "duties.uncovered", "duties.read", "户",
	                                            tile_uncovered, COCKPIT_DATED };

/* ---- the roster as a spreadsheet ---- */

static const char *const roster_heads[] = { "序号",   "地点",     "地点类别", "职责",
	                                    "责任人", "起始日期", "备注" };
static const double roster_widths[] = { 6, 24, 10, 16, 12, 12, 30 };

/*
 * GET /api/v1/duties/roster/export?place=&format=xlsx|csv: the duties holding today at the
 * place and under it (in either tree), by place then the chain's order: the notice board's
 * roster (责任人公示). Holders are public officials: their names in full.
 */
static int roster_export(struct req *r, struct err *e)
{
	enum tab_out fmt;
	struct place p;
	char today[11];
	if (tab_out_format(req_query(r, "format"), &fmt, e))
		return -1;
	int rc = places_get(r->db, req_query(r, "place"), &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	people_today(today);
	struct tab_writer *w = tab_writer_new(&r->arena, fmt, "责任人", 1, e);
	if (!w)
		return -1;
	tab_write_list_head(w, arena_printf(&r->arena, "%s责任人名单（%s）", p.name, today),
	                    roster_heads, roster_widths, 7);
	const char *end = arena_printf(&r->arena, "%s~", p.path);
	struct db_stmt *st = db_query(
	    r->db, e,
	    arena_printf(&r->arena,
	                 "SELECT " DUTY_SELECT " FROM " DUTY_FROM
	                 " WHERE ((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?)) "
	                 "AND d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= ?) ORDER BY "
	                 "p.path, %s",
	                 chain_order(&r->arena)),
	    DB_T(p.path), DB_T(end), DB_T(p.path), DB_T(end), DB_T(today), DB_T(today));
	if (!st)
		return -1;
	long n = 0;
	while ((rc = db_step(st, e)) == 1) {
		const struct duty_role *role = duties_role(db_text(st, 2));
		const struct place_kind *kind = places_kind(db_text(st, 5));
		const char *cell[7] = {
			arena_printf(&r->arena, "%ld", ++n),
			db_text(st, 4),
			kind ? kind->label : db_text(st, 5),
			role ? role->name : db_text(st, 2),
			db_text(st, 8),
			db_text(st, 9),
			db_text(st, 12),
		};
		tab_write_row(w, cell, 7);
	}
	if (rc < 0)
		return -1;
	return tab_writer_send(w, r, arena_printf(&r->arena, "roster-%s", today),
	                       arena_printf(&r->arena, "责任人名单-%s", today), e);
}

/* ---- the routes ---- */

static const struct route routes[] = {
	{ "GET", "/api/v1/duties", list_duties, "duties.read", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/duties", post_duty, "duties.write", &PLACE_BODY, 0, 0 },
	{ "GET", "/api/v1/duties/roles", list_roles, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/duties/coverage", coverage, "duties.read", &PLACE_QUERY, 0, 0 },
	{ "GET", "/api/v1/duties/uncovered", uncovered, "duties.read", &PLACE_QUERY, 0, 0 },
	{ "GET", "/api/v1/duties/roster/export", roster_export, "duties.read", &PLACE_QUERY, 0, 0 },
	{ "GET", "/api/v1/duties/:id", get_duty, "duties.read", &PLACE_DUTY, 0, 0 },
	{ "PATCH", "/api/v1/duties/:id", patch_duty, "duties.write", &PLACE_DUTY, 0, 0 },
	{ "POST", "/api/v1/duties/:id/end", end_duty, "duties.write", &PLACE_DUTY, 0, 0 },
	{ "POST", "/api/v1/duties/:id/handover", handover, "duties.write", &PLACE_DUTY, 0, 0 },
	{ "GET", "/api/v1/duties/:id/households", duty_households, "duties.read", &PLACE_DUTY, 0,
	  0 },
	{ "GET", "/api/v1/households/:id/chain", household_chain, "duties.read", &PLACE_HOUSEHOLD,
	  0, 0 },
	{ "GET", "/api/v1/places/:id/chain", place_chain, "duties.read", &PLACE_PARAM_ID, 0, 0 },
	{ "GET", "/api/v1/places/:id/orgchart", orgchart, "duties.read", &PLACE_PARAM_ID, 0, 0 },
};

const struct route_table duties_routes = { "duties", routes, sizeof(routes) / sizeof(routes[0]) };

void duties_register(void)
{
	cockpit_register(&coverage_tile);
	cockpit_register(&uncovered_tile);
}
