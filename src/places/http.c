/* http.c - routes of the place trees: places, their history, grid coverage; see places.h. */
#include "places.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/json.h"
#include "core/banned.h"

static void write_place_row(struct jw *w, struct db_stmt *st)
{
	struct place p;
	places_read_row(st, &p);
	jw_obj(w);
	places_write(w, &p, 0);
	jw_obj_end(w);
}

/* The place :id, or 404. */
static int param_place(struct req *r, struct place *p, struct err *e)
{
	int rc = places_get(r->db, req_param(r, "id"), p, e);
	if (rc == 0)
		return err_notfound(e, "places.not_found", "no place '%s'", req_param(r, "id"));
	return rc < 0 ? -1 : 0;
}

/* The place :id after a change: ETag and the place as the answer. */
static int answer_place(struct req *r, const char *id, struct err *e)
{
	struct place p;
	int rc = places_get(r->db, id, &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no place '%s'", id);
	req_etag(r, p.version);
	struct jw *w = req_jw(r);
	jw_obj(w);
	places_write(w, &p, 1);
	jw_obj_end(w);
	return 0;
}

/* places.write over another place than the route's (the new parent, a covered place). */
static int may_write(struct req *r, const char *id, const char *field, struct err *e)
{
	const char *path, *gpath;
	if (req_place_paths(r, id, &path, &gpath, e)) {
		snprintf(e->field, sizeof(e->field), "%s", field);
		return -1;
	}
	return authz2(r, "places.write", path, gpath, e);
}

/* ---- reading ---- */

/* The ancestors of p, root first, each saying whether the caller may read it. */
static int write_ancestors(struct req *r, struct jw *w, const struct place *p, struct err *e)
{
	size_t n;
	const char **ids = places_path_ids(&r->arena, p->path, &n);
	jw_key(w, "ancestors");
	jw_arr(w);
	for (size_t i = 0; i + 1 < n; i++) {
		struct place a;
		struct err ignore;
		int rc = places_get(r->db, ids[i], &a, e);
		if (rc < 0)
			return -1;
		if (!rc)
			continue;
		jw_obj(w);
		jw_kstr(w, "id", a.id);
		jw_kstr(w, "name", a.name);
		jw_kstr(w, "kind", a.kind);
		jw_kbool(w, "readable", !authz2(r, "places.read", a.path, a.gpath, &ignore));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return 0;
}

/* The active children of p the caller may see, counted by kind. */
static int write_children(struct req *r, struct jw *w, const struct place *p, struct err *e)
{
	struct query q;
	query_scope2(r, &q, "places.read", "path", "gpath");
	query_and(&q, "parent_id = ?", DB_T(p->id));
	query_and(&q, "status = 'active'", DB_NOARGS);
	q.args[q.n] = DB_NOARGS;
	if (q.where.err)
		return err_internal(e, "scope too large");
	struct db_stmt *st = db_query_(
	    r->db, e,
	    arena_printf(&r->arena,
	                 "SELECT kind, count(*) FROM places WHERE %s GROUP BY kind ORDER BY kind",
	                 q.where.buf),
	    q.args);
	jw_key(w, "children");
	jw_obj(w);
	int rc = -1;
	while (st && (rc = db_step(st, e)) == 1)
		jw_ki64(w, db_text(st, 0), db_int(st, 1));
	jw_obj_end(w);
	return st && rc == 0 ? 0 : -1;
}

/* GET /api/v1/places/:id: the place, its ancestors (a breadcrumb) and children by kind */
static int get_place(struct req *r, struct err *e)
{
	struct place p;
	if (param_place(r, &p, e))
		return -1;
	req_etag(r, p.version);
	struct jw *w = req_jw(r);
	jw_obj(w);
	places_write(w, &p, 1);
	if (write_ancestors(r, w, &p, e) || write_children(r, w, &p, e))
		return -1;
	if (!strcmp(p.tree, "grid")) {
		int64_t n = 0;
		if (db_get_int(r->db, e, &n, "SELECT count(*) FROM grid_places WHERE grid_id = ?",
		               DB_ARGS(DB_T(p.id))) < 0)
			return -1;
		jw_ki64(w, "covers", n);
	}
	jw_obj_end(w);
	return 0;
}

static const char *const place_sorts[] = { "name=name",   "code=COALESCE(code, '')", "kind=kind",
	                                   "depth=depth", "created_at=created_at",   NULL };

/* A filter that must be one of the values given (NULL-terminated), or 400 naming it. */
static int one_of(const char *v, const char *field, const char *const *allowed, struct err *e)
{
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(v, allowed[i]))
			return 0;
	return err_invalid(e, "places.filter_invalid", field, "'%s' is not a valid '%s'", v, field);
}

/* GET /api/v1/places?parent=ID&kind=K&tree=T&status=S&q=text */
static int list_places(struct req *r, struct err *e)
{
	static const char *const trees[] = { "physical", "grid", NULL };
	static const char *const statuses[] = { "active", "retired", "all", NULL };
	struct page pg;
	struct query q;
	if (req_page(r, place_sorts, "depth,code", &pg, e))
		return -1;
	pg.order = arena_printf(&r->arena, "%s, id", pg.order); /* a unique key last */
	query_scope2(r, &q, "places.read", "path", "gpath");
	const char *parent = req_query(r, "parent"), *kind = req_query(r, "kind");
	const char *tree = req_query(r, "tree"), *status = req_query(r, "status");
	const char *text = req_query(r, "q");
	if (parent)
		query_and(&q, "parent_id = ?", DB_T(parent));
	if (kind) {
		if (!places_kind(kind))
			return err_invalid(e, "places.kind_unknown", "kind", "no kind '%s'", kind);
		query_and(&q, "kind = ?", DB_T(kind));
	}
	if (tree) {
		if (one_of(tree, "tree", trees, e))
			return -1;
		query_and(&q, "tree = ?", DB_T(tree));
	}
	if (status && one_of(status, "status", statuses, e))
		return -1;
	if (!status || strcmp(status, "all"))
		query_and(&q, "status = ?", DB_T(status ? status : "active"));
	if (text) {
		if (strlen(text) > 100)
			return err_invalid(e, "places.q_too_long", "q", "'q' is over 100 bytes");
		query_and(&q, "name LIKE ? ESCAPE '\\'", DB_T(db_like_contains(&r->arena, text)));
	}
	return req_list(r, PLACES_COLS, "places", &q, &pg, write_place_row, e);
}

/* GET /api/v1/places/kinds: the kinds and where each may hang */
static int list_kinds(struct req *r, struct err *e)
{
	(void)e;
	size_t n;
	const struct place_kind *k = places_kinds(&n);
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "kind", k[i].name);
		jw_kstr(w, "label", k[i].label);
		jw_kstr(w, "tree", k[i].tree);
		jw_kbool(w, "nbs", k[i].nbs);
		jw_key(w, "parents");
		jw_arr(w);
		for (int j = 0; j < 6 && k[i].parents[j]; j++)
			jw_str(w, k[i].parents[j]);
		jw_arr_end(w);
		jw_key(w, "attrs");
		jw_arr(w);
		if (k[i].attrs & PLACE_FLOOR)
			jw_str(w, "floor");
		if (k[i].attrs & PLACE_ROOM)
			jw_str(w, "room");
		if (k[i].attrs & PLACE_AREA)
			jw_str(w, "area");
		if (k[i].attrs & PLACE_FLOORS)
			jw_str(w, "floors");
		if (k[i].attrs & PLACE_BASEMENTS)
			jw_str(w, "basements");
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return 0;
}

static void write_history_row(struct jw *w, struct db_stmt *st)
{
	static const char *const keys[] = { "id",         "place_id",   "at",         "action",
		                            "@before",    "@after",     "actor_kind", "actor_id",
		                            "actor_name", "request_id", NULL };
	jw_row(w, st, keys);
}

static const char *const history_sorts[] = { "at=at", NULL };

/* GET /api/v1/places/:id/history */
static int list_history(struct req *r, struct err *e)
{
	struct place p;
	struct page pg;
	struct query q;
	if (param_place(r, &p, e) || req_page(r, history_sorts, "-at", &pg, e))
		return -1;
	pg.order =
	    arena_printf(&r->arena, "%s, id%s", pg.order, strstr(pg.order, "DESC") ? " DESC" : "");
	strbuf_init(&q.where, &r->arena, 256);
	q.n = 0;
	strbuf_adds(&q.where, "place_id = ?");
	q.args[q.n++] = DB_T(p.id);
	return req_list(r,
	                "id, place_id, at, action, before_json, after_json, actor_kind, "
	                "actor_id, actor_name, request_id",
	                "place_history", &q, &pg, write_history_row, e);
}

/* {"items": [the places grid id covers directly]} plus extra counts */
static int write_coverage(struct req *r, const char *id, int64_t added, int64_t removed,
                          struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT " PLACES_COLS " FROM places WHERE id IN "
	                              "(SELECT place_id FROM grid_places WHERE grid_id = ?) "
	                              "ORDER BY path",
	                              DB_T(id));
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (added >= 0) {
		jw_ki64(w, "added", added);
		jw_ki64(w, "removed", removed);
	}
	jw_key(w, "items");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1)
		write_place_row(w, st);
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

static int param_grid(struct req *r, struct place *g, struct err *e)
{
	if (param_place(r, g, e))
		return -1;
	if (strcmp(g->tree, "grid"))
		return err_invalid(e, "places.not_a_grid", NULL, "'%s' is a %s, not a grid",
		                   g->name, g->kind);
	return 0;
}

/* GET /api/v1/places/:id/coverage: the places a grid covers directly */
static int get_coverage(struct req *r, struct err *e)
{
	struct place g;
	if (param_grid(r, &g, e))
		return -1;
	req_etag(r, g.version);
	return write_coverage(r, g.id, -1, -1, e);
}

static void write_grid(struct jw *w, const char *key, const struct place *g, const char *via)
{
	jw_key(w, key);
	if (!g->id) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "id", g->id);
	jw_kstr(w, "name", g->name);
	jw_kstr(w, "kind", g->kind);
	jw_kstr(w, "parent_id", g->parent_id);
	jw_kstr(w, "via", via);
	jw_obj_end(w);
}

/* GET /api/v1/places/:id/grid: the grid and micro-grid covering a physical place */
static int get_grid(struct req *r, struct err *e)
{
	struct place_grids g;
	int rc = places_grids_of(r->db, req_param(r, "id"), &g, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	struct jw *w = req_jw(r);
	jw_obj(w);
	write_grid(w, "grid", &g.grid, g.via_grid);
	write_grid(w, "micro_grid", &g.micro_grid, g.via_micro_grid);
	jw_obj_end(w);
	return 0;
}

/* ---- writing ---- */

/* The value of key in j, NULL if absent or null; bit goes into *present when it is there. */
static json_t *attr(json_t *j, const char *key, unsigned bit, unsigned *present)
{
	json_t *v = json_object_get(j, key);
	if (v)
		*present |= bit;
	return json_is_null(v) ? NULL : v;
}

/* An integer attribute key into *out (its range, for the message, is the writer's to check). */
static int int_attr(json_t *j, const char *key, unsigned bit, const char *code, const char *range,
                    struct place_attrs *a, int64_t *out, unsigned *present, struct err *e)
{
	json_t *v = attr(j, key, bit, present);
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return err_invalid(e, code, key, "'%s' must be an integer from %s", key, range);
	*out = json_integer_value(v);
	a->has |= bit;
	return 0;
}

/*
 * The attributes of a body (lat, lng, geojson, floor, room, area, floors, basements), taken out of
 * the object so that json_decode sees the rest. *present gets the PLACE_* bits of those present
 * (null included, which clears); a->has those with a value. Ranges are places_create's and
 * places_edit's to check.
 */
static int read_attrs(struct req *r, json_t *j, struct place_attrs *a, unsigned *present,
                      struct err *e)
{
	memset(a, 0, sizeof(*a));
	*present = 0;
	json_t *lat = json_object_get(j, "lat"), *lng = json_object_get(j, "lng"), *v;
	if ((lat || lng) && (!lat || !lng || json_is_null(lat) != json_is_null(lng)))
		return err_invalid(e, "places.lat_lng_pair", lat ? "lng" : "lat",
		                   "'lat' and 'lng' go together");
	if ((v = attr(j, "lat", PLACE_LATLNG, present))) {
		if (places_decimal_json(lat, 7, -900000000, 900000000, &a->lat))
			return err_invalid(
			    e, "places.lat_invalid", "lat",
			    "'lat' must be a number of degrees within ±90, with at most "
			    "7 decimals");
		if (places_decimal_json(lng, 7, -1800000000, 1800000000, &a->lng))
			return err_invalid(e, "places.lng_invalid", "lng",
			                   "'lng' must be a number of degrees within ±180, with at "
			                   "most 7 decimals");
		a->has |= PLACE_LATLNG;
	}
	if ((v = attr(j, "geojson", PLACE_GEOJSON, present))) {
		if (places_geojson_check(&r->arena, v, "geojson", &a->geojson, e))
			return -1;
		a->has |= PLACE_GEOJSON;
	}
	if (int_attr(j, "floor", PLACE_FLOOR, "places.floor_invalid", "-9 to 200", a, &a->floor,
	             present, e))
		return -1;
	if ((v = attr(j, "room", PLACE_ROOM, present))) {
		if (!json_is_string(v))
			return err_invalid(e, "places.room_invalid", "room",
			                   "'room' must be a text of 1 to 20 characters");
		a->room = arena_strdup(&r->arena, json_string_value(v)); /* the key goes below */
		a->has |= PLACE_ROOM;
	}
	if ((v = attr(j, "area", PLACE_AREA, present))) {
		if (places_decimal_json(v, 2, 1, 100000000, &a->area))
			return err_invalid(e, "places.area_invalid", "area",
			                   "'area' must be a number of m² more than 0 and at most "
			                   "1000000, with at most two decimals");
		a->has |= PLACE_AREA;
	}
	if (int_attr(j, "floors", PLACE_FLOORS, "places.floors_invalid", "1 to 200", a, &a->floors,
	             present, e) ||
	    int_attr(j, "basements", PLACE_BASEMENTS, "places.floors_invalid", "0 to 9", a,
	             &a->basements, present, e))
		return -1;
	static const char *const keys[] = { "lat",  "lng",  "geojson", "floor",
		                            "room", "area", "floors",  "basements" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_object_del(j, keys[i]);
	return 0;
}

struct place_body {
	const char *parent_id, *kind, *name;
};

static const struct jfield place_fields[] = {
	{ "parent_id", JF_STR, offsetof(struct place_body, parent_id), JF_REQUIRED, 1, 26 },
	{ "kind", JF_STR, offsetof(struct place_body, kind), JF_REQUIRED, 1, 32 },
	{ "name", JF_STR, offsetof(struct place_body, name), JF_REQUIRED, 1, 100 },
};

static int find_parent(struct req *r, const char **path, const char **gpath, struct err *e)
{
	json_t *j = req_json(r, e);
	if (!j)
		return -1;
	json_t *v = json_object_get(j, "parent_id");
	if (!json_is_string(v))
		return err_invalid(e, "json.required", "parent_id", "'parent_id' is required");
	if (!req_place_paths(r, json_string_value(v), path, gpath, e))
		return 0;
	snprintf(e->field, sizeof(e->field), "parent_id");
	return -1;
}
static const struct place_rule PLACE_PARENT = { "body parent_id", NULL, find_parent };

/* POST /api/v1/places {parent_id, kind, name, lat?, lng?, geojson?, floor?, room?, area?,
 * floors?, basements?} */
static int post_place(struct req *r, struct err *e)
{
	json_t *j = req_json(r, e);
	struct place_attrs a;
	unsigned present;
	struct place_body b = { 0 };
	if (!j || read_attrs(r, j, &a, &present, e) ||
	    json_decode(j, place_fields, JF_COUNT(place_fields), &b, NULL, 0, e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	const char *id;
	if (places_create(r->db, &who, b.parent_id, b.kind, b.name, &a, &id, e))
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/places/%s", id));
	return answer_place(r, id, e);
}

static const struct jfield patch_fields[] = {
	{ "name", JF_STR, 0, 0, 1, 100 },
};

/* If-Match, when sent, against the place's version: its version, or -1 without one. */
static int if_match(struct req *r, const struct place *p, int64_t *version, struct err *e)
{
	*version = req_header(r, "If-Match") ? p->version : -1;
	return req_if_match(r, p->version, e);
}

/* PATCH /api/v1/places/:id {name?, lat?, lng?, geojson?, floor?, room?, area?, floors?,
 * basements?} */
static int patch_place(struct req *r, struct err *e)
{
	struct place p;
	int64_t version;
	if (param_place(r, &p, e) || if_match(r, &p, &version, e))
		return -1;
	json_t *j = req_json(r, e);
	struct place_edit ed = { 0 };
	unsigned present;
	uint64_t seen = 0;
	if (!j || read_attrs(r, j, &ed.a, &present, e) ||
	    json_decode(j, patch_fields, JF_COUNT(patch_fields), &ed.name, &seen, 1, e))
		return -1;
	ed.set = present | (seen ? PLACE_NAME : 0);
	if (!ed.set)
		return err_invalid(e, "json.empty", NULL, "nothing to change");
	struct actor who;
	accounts_actor(r, &who);
	int changed;
	if (places_edit(r->db, &who, p.id, &ed, version, &changed, e))
		return -1;
	return answer_place(r, p.id, e);
}

struct move_body {
	const char *parent_id;
};

static const struct jfield move_fields[] = {
	{ "parent_id", JF_STR, offsetof(struct move_body, parent_id), JF_REQUIRED, 1, 26 },
};

/* POST /api/v1/places/:id/move {parent_id}: places.write over the place and the parent */
static int post_move(struct req *r, struct err *e)
{
	struct place p;
	int64_t version;
	struct move_body b = { 0 };
	json_t *j = req_json(r, e);
	if (param_place(r, &p, e) || if_match(r, &p, &version, e) || !j ||
	    json_decode(j, move_fields, JF_COUNT(move_fields), &b, NULL, 0, e) ||
	    may_write(r, b.parent_id, "parent_id", e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	if (places_move(r->db, &who, p.id, b.parent_id, e))
		return -1;
	return answer_place(r, p.id, e);
}

/* POST /api/v1/places/:id/retire and /restore */
static int post_status(struct req *r, struct err *e, int retire)
{
	struct place p;
	int64_t version;
	if (param_place(r, &p, e) || if_match(r, &p, &version, e))
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	if (retire ? places_retire(r->db, &who, p.id, e) : places_restore(r->db, &who, p.id, e))
		return -1;
	return answer_place(r, p.id, e);
}

static int post_retire(struct req *r, struct err *e)
{
	return post_status(r, e, 1);
}

static int post_restore(struct req *r, struct err *e)
{
	return post_status(r, e, 0);
}

/* PUT /api/v1/places/:id/coverage {place_ids}: exactly these places, each of which (and
 * each uncovered one) the caller may write */
static int put_coverage(struct req *r, struct err *e)
{
	struct place g;
	int64_t version;
	if (param_grid(r, &g, e) || if_match(r, &g, &version, e))
		return -1;
	json_t *j = req_json(r, e);
	if (!j)
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, "place_ids"))
			return err_invalid(e, "json.unknown_field", key, "unknown field '%s'", key);
	}
	json_t *ids = json_object_get(j, "place_ids");
	if (!json_is_array(ids))
		return err_invalid(e, "json.required", "place_ids",
		                   "'place_ids' must be an array of place ids");
	size_t n = json_array_size(ids);
	if (n > 1000)
		return err_invalid(e, "places.too_many", "place_ids",
		                   "a grid covers at most 1000 places directly");
	const char **list = arena_alloc(&r->arena, (n + 1) * sizeof(*list));
	for (size_t i = 0; i < n; i++) {
		list[i] = json_string_value(json_array_get(ids, i));
		if (!list[i])
			return err_invalid(e, "json.type", "place_ids",
			                   "'place_ids' must be an array of place ids");
		if (may_write(r, list[i], "place_ids", e))
			return -1;
	}
	/* the places it stops covering: the caller must be allowed those too */
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT place_id FROM grid_places WHERE grid_id = ?", DB_T(g.id));
	int rc = -1;
	while (st && (rc = db_step(st, e)) == 1) {
		if (may_write(r, db_text(st, 0), "place_ids", e)) {
			db_done(st);
			return -1;
		}
	}
	if (!st || rc < 0)
		return -1;
	struct actor who;
	accounts_actor(r, &who);
	int64_t added, removed;
	if (places_coverage_set(r->db, &who, g.id, list, n, &added, &removed, e))
		return -1;
	if (places_get(r->db, g.id, &g, e) != 1)
		return -1;
	req_etag(r, g.version);
	return write_coverage(r, g.id, added, removed, e);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/places", list_places, "places.read", &PLACE_SCOPE,
	  ROUTE_CACHE | ROUTE_DATED, 0 },
	{ "POST", "/api/v1/places", post_place, "places.write", &PLACE_PARENT, 0, 0 },
	{ "GET", "/api/v1/places/kinds", list_kinds, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/places/:id", get_place, "places.read", &PLACE_PARAM_ID, 0, 0 },
	{ "PATCH", "/api/v1/places/:id", patch_place, "places.write", &PLACE_PARAM_ID, 0, 0 },
	{ "POST", "/api/v1/places/:id/move", post_move, "places.write", &PLACE_PARAM_ID, 0, 0 },
	{ "POST", "/api/v1/places/:id/retire", post_retire, "places.write", &PLACE_PARAM_ID, 0, 0 },
	{ "POST", "/api/v1/places/:id/restore", post_restore, "places.write", &PLACE_PARAM_ID, 0,
	  0 },
	{ "GET", "/api/v1/places/:id/history", list_history, "places.read", &PLACE_PARAM_ID, 0, 0 },
	{ "GET", "/api/v1/places/:id/coverage", get_coverage, "places.read", &PLACE_PARAM_ID, 0,
	  0 },
	{ "PUT", "/api/v1/places/:id/coverage", put_coverage, "places.write", &PLACE_PARAM_ID, 0,
	  0 },
	{ "GET", "/api/v1/places/:id/grid", get_grid, "places.read", &PLACE_PARAM_ID, 0, 0 },
};

const struct route_table places_routes = { "places", routes, sizeof(routes) / sizeof(routes[0]) };

static int tile_villages(struct db *db, const char *path, int64_t *out, struct err *e)
{
	return cockpit_count(db,
	                     "SELECT count(*) FROM places WHERE path >= ? AND path < ? "
	                     "AND kind IN ('village', 'community') AND status = 'active'",
	                     path, out, e);
}

static const struct cockpit_tile villages_tile = { "places.villages", "places.read", "个",
	                                           tile_villages };

void places_register(void)
{
	cockpit_register(&villages_tile);
}
