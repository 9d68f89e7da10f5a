/* http.c - routes of the place tree; see places.h. */
#include "places.h"

#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "core/cockpit.h"
#include "core/json.h"
#include "core/banned.h"

static void write_place(struct jw *w, const struct place *p)
{
	jw_obj(w);
	jw_kstr(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "kind", p->kind);
	jw_kstr(w, "parent_id", p->parent_id);
	jw_kstr(w, "region", p->region);
	jw_kstr(w, "path", p->path);
	jw_ki64(w, "depth", p->depth);
	jw_ki64(w, "version", p->version);
	jw_obj_end(w);
}

static void write_place_row(struct jw *w, struct db_stmt *st)
{
	struct place p;
	places_read_row(st, &p);
	write_place(w, &p);
}

/* GET /api/v1/places/:id */
static int get_place(struct req *r, struct err *e)
{
	struct place p;
	int rc = places_get(r->db, req_param(r, "id"), &p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	req_etag(r, p.version);
	write_place(req_jw(r), &p);
	return 0;
}

static const char *const place_sorts[] = { "name=name", "code=code", "kind=kind", "depth=depth",
	                                   NULL };

/* GET /api/v1/places?parent=ID&kind=village&q=text */
static int list_places(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (req_page(r, place_sorts, "depth,code", &pg, e))
		return -1;
	query_scope(r, &q, "places.read", "path");
	const char *parent = req_query(r, "parent"), *kind = req_query(r, "kind");
	const char *text = req_query(r, "q");
	if (parent)
		query_and(&q, "parent_id = ?", DB_T(parent));
	if (kind)
		query_and(&q, "kind = ?", DB_T(kind));
	if (text) {
		if (strlen(text) > 100)
			return err_invalid(e, "places.q_too_long", "q", "'q' is over 100 bytes");
		query_and(&q, "name LIKE ? ESCAPE '\\'", DB_T(db_like_contains(&r->arena, text)));
	}
	return req_list(r, PLACES_COLS, "places", &q, &pg, write_place_row, e);
}

static const struct route routes[] = {
	{ "GET", "/api/v1/places", list_places, "places.read", &PLACE_SCOPE, 0, 0 },
	{ "GET", "/api/v1/places/:id", get_place, "places.read", &PLACE_PARAM_ID, 0, 0 },
};

const struct route_table places_routes = { "places", routes, sizeof(routes) / sizeof(routes[0]) };

static int tile_villages(struct db *db, const char *path, int64_t *out, struct err *e)
{
	return cockpit_count(db,
	                     "SELECT count(*) FROM places WHERE path >= ? AND path < ? "
	                     "AND kind IN ('village', 'community')",
	                     path, out, e);
}

static const struct cockpit_tile villages_tile = { "places.villages", "places.read", "个",
	                                           tile_villages };

void places_register(void)
{
	cockpit_register(&villages_tile);
}
