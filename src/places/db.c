/*
 * db.c - queries of the place trees: reading places, creating, editing, moving, retiring
 * and restoring them, grid coverage and the gpath it maintains, history; see places.h.
 * The NBS import is in import.c.
 *
 * Every writer runs in the caller's write transaction, writes a place_history row and an
 * audit row beside its change, and leaves the rollback to the caller when it fails (so a
 * check may come after the write it guards: retire first takes the row, then counts the
 * children, which on PostgreSQL also waits for anyone adding a child meanwhile).
 */
#include "places.h"

#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

/* ---- reading ---- */

void places_read_row(struct db_stmt *st, struct place *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_text(st, 0);
	p->region = db_text(st, 1);
	p->code = db_text(st, 2);
	p->name = db_text(st, 3);
	p->kind = db_text(st, 4);
	p->parent_id = db_text(st, 5);
	p->path = db_text(st, 6);
	p->depth = db_int(st, 7);
	p->version = db_int(st, 8);
	p->created_at = db_text(st, 9);
	p->updated_at = db_text(st, 10);
	p->tree = db_text(st, 11);
	p->status = db_text(st, 12);
	p->retired_at = db_text(st, 13);
	p->retired_code = db_text(st, 14);
	p->nbs_name = db_text(st, 15);
	p->gpath = db_text(st, 16);
	p->is_virtual = db_int(st, 17) != 0;
	p->in_zone = db_int(st, 18) != 0;
	struct place_attrs *a = &p->attrs;
	if (!db_isnull(st, 19) && !db_isnull(st, 20)) {
		a->has |= PLACE_LATLNG;
		a->lat = db_int(st, 19);
		a->lng = db_int(st, 20);
	}
	if ((a->geojson = db_text(st, 21)))
		a->has |= PLACE_GEOJSON;
	if (!db_isnull(st, 22)) {
		a->has |= PLACE_FLOOR;
		a->floor = db_int(st, 22);
	}
	if ((a->room = db_text(st, 23)))
		a->has |= PLACE_ROOM;
	if (!db_isnull(st, 24)) {
		a->has |= PLACE_AREA;
		a->area = db_int(st, 24);
	}
	if (!db_isnull(st, 25)) {
		a->has |= PLACE_FLOORS;
		a->floors = db_int(st, 25);
	}
	if (!db_isnull(st, 26)) {
		a->has |= PLACE_BASEMENTS;
		a->basements = db_int(st, 26);
	}
}

int places_get(struct db *db, const char *id, struct place *p, struct err *e)
{
	if (!id || !id_valid(id))
		return 0;
	struct db_stmt *st =
	    db_query(db, e, "SELECT " PLACES_COLS " FROM places WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		places_read_row(st, p);
		db_done(st);
	}
	return rc;
}

/* the ids of places found by name, and of those found by their name's key alone */
struct name_hits {
	const char **exact, **keyed;
	size_t nexact, nkeyed, cap_exact, cap_keyed;
};

static void hits_add(struct arena *a, const char ***v, size_t *n, size_t *cap, const char *id)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], id))
			return;
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		*v = arena_realloc(a, *v, *cap * sizeof(**v), c * sizeof(**v));
		*cap = c;
	}
	(*v)[(*n)++] = id;
}

/* The active places named seg (exactly, or by places_name_key) strictly under path (NULL:
 * anywhere) into h. */
static int name_hits(struct db *db, const char *seg, const char *key, const char *path,
                     struct name_hits *h, struct err *e)
{
	struct arena *a = db_arena(db);
	struct db_stmt *st =
	    path
	        ? db_query(db, e,
	                   "SELECT id, name FROM places WHERE status = 'active' AND path > ? AND "
	                   "path < ?",
	                   DB_T(path), DB_T(arena_printf(a, "%s~", path)))
	        : db_query(db, e, "SELECT id, name FROM places WHERE status = 'active'", DB_NOARGS);
	int rc = -1;
	while (st && (rc = db_step(st, e)) == 1) {
		const char *name = db_text(st, 1);
		if (!strcmp(name, seg))
			hits_add(a, &h->exact, &h->nexact, &h->cap_exact, db_text(st, 0));
		else if (*key && !strcmp(places_name_key(a, name), key))
			hits_add(a, &h->keyed, &h->nkeyed, &h->cap_keyed, db_text(st, 0));
	}
	return rc;
}

/* 400 places.ambiguous: ref fits the n places ids, as many listed with their parents as a
 * message holds, and the first as the way to name it */
static int ambiguous(struct db *db, const char *ref, const char **ids, size_t n, struct err *e)
{
	struct arena *a = db_arena(db);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	const char *hint = NULL;
	size_t i;
	for (i = 0; i < n && sb.len < 90; i++) {
		struct db_stmt *st =
		    db_query(db, e,
		             "SELECT p.name, q.name FROM places p "
		             "LEFT JOIN places q ON q.id = p.parent_id WHERE p.id = ?",
		             DB_T(ids[i]));
		int rc = st ? db_step(st, e) : -1;
		if (rc != 1)
			return rc < 0 ? -1 : err_internal(e, "place '%s' went away", ids[i]);
		const char *name = db_text(st, 0),
		           *parent = db_isnull(st, 1) ? "-" : db_text(st, 1);
		strbuf_addf(&sb, "%s%s in %s", i ? ", " : "", name, parent);
		if (!hint)
			hint = arena_printf(a, "%s/%s", parent, name);
		db_done(st);
	}
	if (i < n)
		strbuf_addf(&sb, " and %zu more", n - i);
	return err_set(e, 400, "places.ambiguous", "place",
	               "'%s' names %zu places: %s; write the place above it too (%s) or give "
	               "its id",
	               ref, n, sb.buf, hint);
}

/* A place by names from an ancestor down ("秦家山村/一组"): 1, 0 or -1 (ambiguous). A name
 * written in full, its ending too (秦家山村, 1组), is taken before a name that only matches
 * by its key; a short one (秦家山) fits both 秦家山 and 秦家山村. */
static int resolve_names(struct db *db, const char *ref, struct place *p, struct err *e)
{
	struct arena *a = db_arena(db);
	const char **under = NULL, *rest = ref;
	size_t nunder = 0;
	while (*rest) {
		const char *slash = strchr(rest, '/');
		size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
		const char *from = rest;
		rest += len + (slash != NULL);
		while (len && (*from == ' ' || *from == '\t'))
			from++, len--;
		while (len && (from[len - 1] == ' ' || from[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		const char *seg = arena_strndup(a, from, len);
		const char *key = places_name_key(a, seg);
		struct name_hits h = { 0 };
		if (!under && name_hits(db, seg, key, NULL, &h, e) < 0)
			return -1;
		for (size_t i = 0; under && i < nunder; i++) {
			struct place q;
			int rc = places_get(db, under[i], &q, e);
			if (rc < 0 || (rc == 1 && name_hits(db, seg, key, q.path, &h, e) < 0))
				return -1;
		}
		if (!h.nexact || !strcmp(seg, key)) /* both, the exact ones first */
			for (size_t i = 0; i < h.nkeyed; i++)
				hits_add(a, &h.exact, &h.nexact, &h.cap_exact, h.keyed[i]);
		under = h.exact;
		nunder = h.nexact;
		if (!nunder)
			return 0;
	}
	if (nunder > 1)
		return ambiguous(db, ref, under, nunder, e);
	return nunder ? places_get(db, under[0], p, e) : 0;
}

int places_resolve(struct db *db, const char *ref, struct place *p, struct err *e)
{
	size_t n = strlen(ref);
	if ((n == 2 || n == 4 || n == 6 || n == 9) && strspn(ref, "0123456789") == n) {
		char code[13];
		memcpy(code, ref, n);
		memset(code + n, '0', 12 - n);
		code[12] = '\0';
		return places_get(db, code, p, e);
	}
	int rc = places_get(db, ref, p, e);
	if (rc || !*ref || strspn(ref, "0123456789") == n)
		return rc;
	return resolve_names(db, ref, p, e);
}

int places_find(struct db *db, const char *ref, const char *field, struct place *p, struct err *e)
{
	int rc = places_resolve(db, ref, p, e);
	if (rc == 0)
		return err_set(e, 404, "places.not_found", field, "no place '%s'", ref);
	return rc < 0 ? -1 : 0;
}

/* The place id, or 404 places.not_found naming field. */
static int must_get(struct db *db, const char *id, const char *field, struct place *p,
                    struct err *e)
{
	int rc = places_get(db, id, p, e);
	if (rc == 0)
		return err_set(e, 404, "places.not_found", field, "no place '%s'", id ? id : "");
	return rc < 0 ? -1 : 0;
}

/*
 * Every row of st (NULL if st is), its ncols text columns one after another; *n gets the
 * number of rows. Read whole before the caller writes to the tables it read. NULL on error.
 */
static const char **all_rows(struct db *db, struct db_stmt *st, int ncols, size_t *n, struct err *e)
{
	struct arena *a = db_arena(db);
	size_t cap = 16, k = (size_t)ncols;
	const char **out = arena_alloc(a, cap * k * sizeof(*out));
	int rc = -1;
	*n = 0;
	while (st && (rc = db_step(st, e)) == 1) {
		if (*n == cap) {
			out = arena_realloc(a, out, cap * k * sizeof(*out),
			                    2 * cap * k * sizeof(*out));
			cap *= 2;
		}
		for (size_t c = 0; c < k; c++)
			out[*n * k + c] = db_text(st, (int)c);
		(*n)++;
	}
	return st && rc == 0 ? out : NULL;
}

/* ---- JSON of places and of their changes ---- */

static void write_decimal(struct jw *w, const char *key, int64_t v, int scale)
{
	char buf[48];
	places_decimal_format(v, scale, buf);
	jw_key(w, key);
	jw_raw(w, buf, strlen(buf));
}

/* An integer attribute (bit) as key when mask has it: its value, or null when unset. */
static void write_int(struct jw *w, const struct place_attrs *a, unsigned mask, unsigned bit,
                      const char *key, int64_t v)
{
	if (!(mask & bit))
		return;
	jw_key(w, key);
	if (a->has & bit)
		jw_i64(w, v);
	else
		jw_null(w);
}

void places_write_attrs(struct jw *w, const struct place_attrs *a, unsigned mask, int geo_hash)
{
	if (mask & PLACE_LATLNG) {
		if (a->has & PLACE_LATLNG) {
			write_decimal(w, "lat", a->lat, 7);
			write_decimal(w, "lng", a->lng, 7);
		} else {
			jw_kstr(w, "lat", NULL);
			jw_kstr(w, "lng", NULL);
		}
	}
	if (mask & PLACE_GEOJSON) {
		jw_key(w, "geojson");
		if (!(a->has & PLACE_GEOJSON)) {
			jw_null(w);
		} else if (geo_hash) { /* history and audit name the polygon, not copy it */
			char hex[65];
			auth_sha256_hex(a->geojson, strlen(a->geojson), hex);
			jw_str(w, arena_printf(w->sb->arena, "sha256:%s", hex));
		} else {
			jw_raw(w, a->geojson, strlen(a->geojson));
		}
	}
	write_int(w, a, mask, PLACE_FLOOR, "floor", a->floor);
	if (mask & PLACE_ROOM)
		jw_kstr(w, "room", a->has & PLACE_ROOM ? a->room : NULL);
	if (mask & PLACE_AREA) {
		if (a->has & PLACE_AREA)
			write_decimal(w, "area", a->area, 2);
		else
			jw_kstr(w, "area", NULL);
	}
	write_int(w, a, mask, PLACE_FLOORS, "floors", a->floors);
	write_int(w, a, mask, PLACE_BASEMENTS, "basements", a->basements);
}

void places_write(struct jw *w, const struct place *p, int with_geojson)
{
	jw_kstr(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "nbs_name", p->nbs_name);
	jw_kstr(w, "kind", p->kind);
	jw_kstr(w, "tree", p->tree);
	jw_kstr(w, "status", p->status);
	jw_kstr(w, "parent_id", p->parent_id);
	jw_kstr(w, "region", p->region);
	jw_kstr(w, "path", p->path);
	jw_kstr(w, "gpath", p->gpath);
	jw_ki64(w, "depth", p->depth);
	jw_ki64(w, "version", p->version);
	jw_kbool(w, "virtual", p->is_virtual);
	jw_kbool(w, "zone", p->in_zone);
	places_write_attrs(w, &p->attrs,
	                   PLACE_LATLNG | PLACE_FLOOR | PLACE_ROOM | PLACE_AREA | PLACE_BUILDING |
	                       (with_geojson ? PLACE_GEOJSON : 0),
	                   0);
	jw_kstr(w, "retired_at", p->retired_at);
	jw_kstr(w, "retired_code", p->retired_code);
	jw_kstr(w, "created_at", p->created_at);
	jw_kstr(w, "updated_at", p->updated_at);
}

/* A history row of place id (no audit row: the import audits itself once). */
int places_history_add(struct db *db, const struct actor *who, const char *id, const char *region,
                       const char *action, const char *before, const char *after, struct err *e)
{
	char hid[ID_LEN + 1], now[32];
	id_new(hid);
	time_iso(time_now_ms(), now);
	return db_exec(db, e,
	               "INSERT INTO place_history (id, place_id, region, at, action, "
	               "before_json, after_json, actor_kind, actor_id, actor_name, request_id) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               DB_T(hid), DB_T(id), DB_T(region), DB_T(now), DB_T(action), DB_T(before),
	               DB_T(after), DB_T(who->kind), DB_T(who->id), DB_T(who->name),
	               DB_T(who->request_id)) < 0
	           ? -1
	           : 0;
}

/* A history row and an audit row {"before", "after"} for a change of place id. */
static int record(struct db *db, const struct actor *who, const char *id, const char *region,
                  const char *action, const char *before, const char *after, struct err *e)
{
	if (places_history_add(db, who, id, region, action, before, after, e))
		return -1;
	struct jdoc d;
	struct jw *w = jdoc_open(&d, db_arena(db));
	jw_key(w, "before");
	if (before)
		jw_raw(w, before, strlen(before));
	else
		jw_null(w);
	jw_key(w, "after");
	if (after)
		jw_raw(w, after, strlen(after));
	else
		jw_null(w);
	return audit_write(db, who, region, "places", id, action, jdoc_close(&d), e);
}

/* ---- checks shared by create and edit ---- */

static const char *attr_field(unsigned bit)
{
	return bit & PLACE_FLOOR    ? "floor"
	       : bit & PLACE_ROOM   ? "room"
	       : bit & PLACE_AREA   ? "area"
	       : bit & PLACE_FLOORS ? "floors"
	                            : "basements";
}

int places_name_check(const char *name, const char *field, struct err *e)
{
	long n = name ? utf8_len(name, strlen(name)) : -1;
	if (n < 1 || n > 100)
		return err_invalid(e, "places.name_invalid", field,
		                   "'%s' must be 1 to 100 characters", field);
	return 0;
}

/* The attributes in mask (those set in a.has) are valid, and allowed on kind. */
static int attrs_check(const struct place_kind *k, const struct place_attrs *a, unsigned mask,
                       struct err *e)
{
	unsigned set = a->has & mask;
	unsigned wrong = set & (PLACE_DWELLING | PLACE_BUILDING) & ~k->attrs;
	if (wrong)
		return err_invalid(e, "places.attr_kind", attr_field(wrong),
		                   "'%s' is only for a %s, not a %s", attr_field(wrong),
		                   wrong & PLACE_DWELLING ? "dwelling" : "building", k->name);
	if ((set & PLACE_LATLNG) && (a->lat < -900000000 || a->lat > 900000000 ||
	                             a->lng < -1800000000 || a->lng > 1800000000))
		return err_invalid(e, "places.lat_lng_invalid", "lat",
		                   "'lat' must be within ±90 and 'lng' within ±180 degrees");
	if ((set & PLACE_FLOOR) && (a->floor < -9 || a->floor > 200))
		return err_invalid(e, "places.floor_invalid", "floor",
		                   "'floor' must be an integer from -9 to 200");
	if (set & PLACE_ROOM) {
		long n = utf8_len(a->room, strlen(a->room));
		if (n < 1 || n > 20)
			return err_invalid(e, "places.room_invalid", "room",
			                   "'room' must be 1 to 20 characters");
	}
	if ((set & PLACE_AREA) && (a->area < 1 || a->area > 100000000))
		return err_invalid(
		    e, "places.area_invalid", "area",
		    "'area' must be more than 0 and at most 1000000 m², with at most "
		    "two decimals");
	if ((set & PLACE_FLOORS) && (a->floors < 1 || a->floors > 200))
		return err_invalid(e, "places.floors_invalid", "floors",
		                   "'floors' must be an integer from 1 to 200");
	if ((set & PLACE_BASEMENTS) && (a->basements < 0 || a->basements > 9))
		return err_invalid(e, "places.floors_invalid", "basements",
		                   "'basements' must be an integer from 0 to 9");
	if ((set & PLACE_GEOJSON) && (!a->geojson || strlen(a->geojson) > (4u << 20)))
		return err_invalid(e, "places.geojson_invalid", "geojson", "'geojson' is invalid");
	return 0;
}

/* Take the row of place id as a lock (PostgreSQL: until commit) if it is active. */
static int lock_active(struct db *db, const char *id, const char *field, struct err *e)
{
	int64_t n =
	    db_exec(db, e, "UPDATE places SET version = version WHERE id = ? AND status = 'active'",
	            DB_T(id));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_conflict(e, "places.retired", field, "place '%s' is retired", id);
	return 0;
}

/* Serialize the tree changes of one town (moves, coverage): take its row. */
static int lock_town(struct db *db, const char *path, struct err *e)
{
	const char *town = places_town_path(db_arena(db), path);
	if (!town)
		return 0;
	return db_exec(db, e, "UPDATE places SET version = version WHERE path = ?", DB_T(town)) < 0
	           ? -1
	           : 0;
}

static const char *label(const char *kind)
{
	const struct place_kind *k = places_kind(kind);
	return k ? k->label : kind;
}

static int parent_kind_error(const char *kind, const char *parent_kind, struct err *e)
{
	return err_invalid(e, "places.parent_kind", "parent_id",
	                   "a %s (%s) cannot hang under a %s (%s)", kind, label(kind), parent_kind,
	                   label(parent_kind));
}

/* ---- create, edit ---- */

/*
 * Every active dwelling under path (itself included) with a floor must be on one of its
 * building's floors (places_floor_inside) when the building has floors: a dwelling hangs
 * under its building or under a unit of it. 400 places.floor_outside naming field "floor"
 * (a dwelling made or edited) or "parent_id" (moved); 409 naming "floors" or "basements"
 * (a building's floors lowered below a dwelling).
 */
static int floors_check(struct db *db, const char *path, const char *field, int conflict,
                        struct err *e)
{
	struct arena *a = db_arena(db);
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT d.room, d.floor, b.name, b.floors, b.basements FROM places d "
	    "JOIN places u ON u.id = d.parent_id "
	    "JOIN places b ON b.id = CASE WHEN u.kind = 'unit' THEN u.parent_id ELSE u.id END "
	    "WHERE d.path >= ? AND d.path < ? AND d.kind = 'dwelling' AND d.status = 'active' "
	    "AND d.floor IS NOT NULL AND b.kind = 'building' AND b.floors IS NOT NULL "
	    "ORDER BY d.path",
	    DB_T(path), DB_T(arena_printf(a, "%s~", path)));
	int rc;
	while (st && (rc = db_step(st, e)) == 1) {
		int64_t floor = db_int(st, 1), floors = db_int(st, 3), basements = db_int(st, 4);
		if (places_floor_inside(floor, floors, basements))
			continue;
		const char *room = db_text(st, 0), *building = db_text(st, 2);
		const char *range = places_floors_text(a, floors, basements);
		db_done(st);
		if (conflict)
			return err_conflict(e, "places.floor_outside", field,
			                    "room '%s' is on floor %lld, outside the floors %s "
			                    "'%s' would have",
			                    room ? room : "", (long long)floor, range, building);
		return err_invalid(e, "places.floor_outside", field,
		                   "floor %lld is outside the floors of '%s' (%s)",
		                   (long long)floor, building, range);
	}
	return !st || rc < 0 ? -1 : 0;
}

int places_create(struct db *db, const struct actor *who, const char *parent_id, const char *kind,
                  const char *name, const struct place_attrs *a, const char **id, struct err *e)
{
	static const struct place_attrs none;
	const struct place_kind *k = places_kind(kind);
	a = a ? a : &none;
	if (!k)
		return err_invalid(e, "places.kind_unknown", "kind", "no kind '%s'",
		                   kind ? kind : "");
	if (k->nbs)
		return err_invalid(e, "places.kind_nbs", "kind",
		                   "a %s (%s) comes from the NBS import, not by hand", k->name,
		                   k->label);
	if (places_name_check(name, "name", e) || attrs_check(k, a, ~0u, e))
		return -1;
	struct place parent;
	if (must_get(db, parent_id, "parent_id", &parent, e))
		return -1;
	if (!places_kind_may_hang(k->name, parent.kind))
		return parent_kind_error(k->name, parent.kind, e);
	if (lock_active(db, parent.id, "parent_id", e))
		return -1;
	char nid[ID_LEN + 1], now[32];
	id_new(nid);
	time_iso(time_now_ms(), now);
	struct arena *ar = db_arena(db);
	const char *path = arena_printf(ar, "%s%s/", parent.path, nid);
	int physical = !strcmp(k->tree, "physical");
	if (db_exec(db, e,
	            "INSERT INTO places (id, region, name, kind, parent_id, path, depth, "
	            "created_at, updated_at, tree, gpath, lat, lng, geojson, floor, room, area, "
	            "floors, basements) "
	            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(nid), DB_T(parent.region), DB_T(name), DB_T(k->name), DB_T(parent.id),
	            DB_T(path), DB_I(parent.depth + 1), DB_T(now), DB_T(now), DB_T(k->tree),
	            DB_T(physical ? parent.gpath : NULL),
	            a->has & PLACE_LATLNG ? DB_I(a->lat) : DB_NULL,
	            a->has & PLACE_LATLNG ? DB_I(a->lng) : DB_NULL,
	            DB_T(a->has & PLACE_GEOJSON ? a->geojson : NULL),
	            a->has & PLACE_FLOOR ? DB_I(a->floor) : DB_NULL,
	            DB_T(a->has & PLACE_ROOM ? a->room : NULL),
	            a->has & PLACE_AREA ? DB_I(a->area) : DB_NULL,
	            a->has & PLACE_FLOORS ? DB_I(a->floors) : DB_NULL,
	            a->has & PLACE_BASEMENTS ? DB_I(a->basements) : DB_NULL) < 0 ||
	    floors_check(db, path, "floor", 0, e))
		return -1;
	struct jdoc d;
	struct jw *w = jdoc_open(&d, ar);
	jw_kstr(w, "kind", k->name);
	jw_kstr(w, "name", name);
	jw_kstr(w, "parent_id", parent.id);
	places_write_attrs(w, a, a->has, 1);
	if (record(db, who, nid, parent.region, "create", NULL, jdoc_close(&d), e))
		return -1;
	*id = arena_strdup(ar, nid);
	return 0;
}

/* The bits of mask whose values differ between x and y. */
static unsigned attrs_diff(const struct place_attrs *x, const struct place_attrs *y, unsigned mask)
{
	unsigned d = 0;
	for (unsigned bit = 1; bit <= PLACE_BASEMENTS; bit <<= 1) {
		if (!(mask & bit) || bit == PLACE_NAME)
			continue;
		int hx = (x->has & bit) != 0, hy = (y->has & bit) != 0;
		int same = hx == hy;
		if (same && hx)
			same = bit == PLACE_LATLNG    ? x->lat == y->lat && x->lng == y->lng
			       : bit == PLACE_GEOJSON ? !strcmp(x->geojson, y->geojson)
			       : bit == PLACE_FLOOR   ? x->floor == y->floor
			       : bit == PLACE_ROOM    ? !strcmp(x->room, y->room)
			       : bit == PLACE_AREA    ? x->area == y->area
			       : bit == PLACE_FLOORS  ? x->floors == y->floors
			                              : x->basements == y->basements;
		if (!same)
			d |= bit;
	}
	return d;
}

int places_edit(struct db *db, const struct actor *who, const char *id, const struct place_edit *ed,
                int64_t version, int *changed, struct err *e)
{
	struct place p;
	*changed = 0;
	if (must_get(db, id, NULL, &p, e))
		return -1;
	if (strcmp(p.status, "active"))
		return err_conflict(e, "places.retired", NULL, "place '%s' is retired", p.id);
	if (version >= 0 && version != p.version)
		return err_set(e, 412, "http.precondition_failed", NULL,
		               "the place changed meanwhile; reload and try again");
	const struct place_kind *k = places_kind(p.kind);
	if ((ed->set & PLACE_NAME) && places_name_check(ed->name, "name", e))
		return -1;
	if (k && attrs_check(k, &ed->a, ed->set, e))
		return -1;
	/* the new attributes: the edited ones from ed, the others as they are */
	struct place_attrs na = p.attrs;
	unsigned amask = ed->set & ~(unsigned)PLACE_NAME;
	na.has = (p.attrs.has & ~amask) | (ed->a.has & amask);
	if (amask & PLACE_LATLNG)
		na.lat = ed->a.lat, na.lng = ed->a.lng;
	if (amask & PLACE_GEOJSON)
		na.geojson = ed->a.geojson;
	if (amask & PLACE_FLOOR)
		na.floor = ed->a.floor;
	if (amask & PLACE_ROOM)
		na.room = ed->a.room;
	if (amask & PLACE_AREA)
		na.area = ed->a.area;
	if (amask & PLACE_FLOORS)
		na.floors = ed->a.floors;
	if (amask & PLACE_BASEMENTS)
		na.basements = ed->a.basements;
	unsigned diff = attrs_diff(&p.attrs, &na, amask);
	int rename = (ed->set & PLACE_NAME) && strcmp(ed->name, p.name);
	if (!diff && !rename)
		return 0;
	const char *name = rename ? ed->name : p.name;
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n = db_exec(
	    db, e,
	    "UPDATE places SET name = ?, lat = ?, lng = ?, geojson = ?, floor = ?, room = ?, "
	    "area = ?, floors = ?, basements = ?, version = version + 1, updated_at = ? "
	    "WHERE id = ? AND version = ?",
	    DB_T(name), na.has & PLACE_LATLNG ? DB_I(na.lat) : DB_NULL,
	    na.has & PLACE_LATLNG ? DB_I(na.lng) : DB_NULL,
	    DB_T(na.has & PLACE_GEOJSON ? na.geojson : NULL),
	    na.has & PLACE_FLOOR ? DB_I(na.floor) : DB_NULL,
	    DB_T(na.has & PLACE_ROOM ? na.room : NULL),
	    na.has & PLACE_AREA ? DB_I(na.area) : DB_NULL,
	    na.has & PLACE_FLOORS ? DB_I(na.floors) : DB_NULL,
	    na.has & PLACE_BASEMENTS ? DB_I(na.basements) : DB_NULL, DB_T(now), DB_T(p.id),
	    DB_I(p.version));
	if (n < 0 || (n > 0 && (diff & (PLACE_FLOOR | PLACE_BUILDING)) &&
	              floors_check(db, p.path,
	                           diff & PLACE_FLOOR    ? "floor"
	                           : diff & PLACE_FLOORS ? "floors"
	                                                 : "basements",
	                           !(diff & PLACE_FLOOR), e)))
		return -1;
	if (n == 0)
		return err_set(e, 412, "http.precondition_failed", NULL,
		               "the place changed meanwhile; reload and try again");
	struct jdoc b, a;
	struct jw *wb = jdoc_open(&b, db_arena(db)), *wa = jdoc_open(&a, db_arena(db));
	if (rename) {
		jw_kstr(wb, "name", p.name);
		jw_kstr(wa, "name", name);
	}
	places_write_attrs(wb, &p.attrs, diff, 1);
	places_write_attrs(wa, &na, diff, 1);
	*changed = 1;
	return record(db, who, p.id, p.region, diff ? "edit" : "rename", jdoc_close(&b),
	              jdoc_close(&a), e);
}

/* ---- coverage rules and gpath ---- */

/*
 * gpath for the physical subtree of p: its parent's gpath (what covers it from above),
 * then each coverage inside it, grids before micro-grids, so the finest wins.
 */
static int recompute_gpath(struct db *db, const struct place *p, struct err *e)
{
	struct arena *a = db_arena(db);
	const char *base = NULL, *hi = arena_printf(a, "%s~", p->path);
	if (p->parent_id && db_get_text(db, e, &base, "SELECT gpath FROM places WHERE id = ?",
	                                DB_ARGS(DB_T(p->parent_id))) < 0)
		return -1;
	if (db_exec(
	        db, e,
	        "UPDATE places SET gpath = ? WHERE tree = 'physical' AND path >= ? AND path < ?",
	        DB_T(base), DB_T(p->path), DB_T(hi)) < 0)
		return -1;
	size_t n;
	const char **gp = all_rows(db,
	                           db_query(db, e,
	                                    "SELECT g.path, q.path FROM grid_places gp "
	                                    "JOIN places g ON g.id = gp.grid_id "
	                                    "JOIN places q ON q.id = gp.place_id WHERE q.path >= ? "
	                                    "AND q.path < ? ORDER BY g.kind, q.depth",
	                                    DB_T(p->path), DB_T(hi)),
	                           2, &n, e);
	if (!gp)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (db_exec(db, e,
		            "UPDATE places SET gpath = ? WHERE tree = 'physical' AND path >= ? AND "
		            "path < ?",
		            DB_T(gp[2 * i]), DB_T(gp[2 * i + 1]),
		            DB_T(arena_printf(a, "%s~", gp[2 * i + 1]))) < 0)
			return -1;
	return 0;
}

/* The grid (id, name) of kind that covers place id directly, other than gid ("" for none). */
static int covered_at(struct db *db, const char *id, const char *kind, const char *gid,
                      const char **cid, const char **cname, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT g.id, g.name FROM grid_places gp "
	                              "JOIN places g ON g.id = gp.grid_id WHERE gp.place_id = ? "
	                              "AND g.kind = ? AND gp.grid_id <> ?",
	                              DB_T(id), DB_T(kind), DB_T(gid));
	int rc = st ? db_step(st, e) : -1;
	if (rc == 1) {
		*cid = db_text(st, 0);
		*cname = db_text(st, 1);
		db_done(st);
	}
	return rc;
}

/*
 * May grid g cover place p (whether or not it does already)? The rules of places_cover:
 * physical, active, below town level, in the grid's town, no overlap with another grid of
 * the same level, and a micro-grid inside what its grid covers.
 */
static int cover_check(struct db *db, const struct place *g, const struct place *p, struct err *e)
{
	struct arena *a = db_arena(db);
	if (strcmp(g->tree, "grid"))
		return err_invalid(e, "places.not_a_grid", "grid_id", "'%s' is a %s, not a grid",
		                   g->name, g->kind);
	if (strcmp(p->tree, "physical") || p->depth < 4)
		return err_invalid(e, "places.not_coverable", "place_ids",
		                   "a grid covers physical places below town level, not '%s' (%s)",
		                   p->name, p->kind);
	if (strcmp(g->status, "active") || strcmp(p->status, "active"))
		return err_conflict(e, "places.retired", "place_ids", "'%s' is retired",
		                    strcmp(g->status, "active") ? g->name : p->name);
	const char *gt = places_town_path(a, g->path), *pt = places_town_path(a, p->path);
	if (!gt || !pt || strcmp(gt, pt))
		return err_conflict(e, "places.coverage_town", "place_ids",
		                    "'%s' is not in the town of grid '%s'", p->name, g->name);
	/* the same level on the place itself (another grid), an ancestor or a descendant */
	size_t n;
	const char **ids = places_path_ids(a, p->path, &n);
	for (size_t i = 0; i < n; i++) {
		const char *cid = NULL, *cname = NULL;
		int rc = covered_at(db, ids[i], g->kind, i + 1 == n ? g->id : "", &cid, &cname, e);
		if (rc < 0)
			return -1;
		if (rc)
			return err_conflict(e, "places.already_covered", "place_ids",
			                    "'%s' is already covered by %s '%s' (%s)", p->name,
			                    label(g->kind), cname, cid);
	}
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT g.id, g.name, q.name FROM grid_places gp JOIN places g ON g.id = gp.grid_id "
	    "JOIN places q ON q.id = gp.place_id WHERE q.path > ? AND q.path < ? AND g.kind = ?",
	    DB_T(p->path), DB_T(arena_printf(a, "%s~", p->path)), DB_T(g->kind));
	int rc = st ? db_step(st, e) : -1;
	if (rc < 0)
		return -1;
	if (rc == 1) {
		const char *cid = db_text(st, 0), *cname = db_text(st, 1), *qname = db_text(st, 2);
		db_done(st);
		return err_conflict(e, "places.already_covered", "place_ids",
		                    "'%s' inside '%s' is already covered by %s '%s' (%s)", qname,
		                    p->name, label(g->kind), cname, cid);
	}
	if (strcmp(g->kind, "micro_grid"))
		return 0;
	/* a micro-grid covers only what its grid covers */
	for (size_t i = 0; i < n; i++) {
		int64_t one = 0;
		rc = db_get_int(
		    db, e, &one,
		    "SELECT count(*) FROM grid_places WHERE grid_id = ? AND place_id = ?",
		    DB_ARGS(DB_T(g->parent_id), DB_T(ids[i])));
		if (rc < 0)
			return -1;
		if (one)
			return 0;
	}
	return err_conflict(e, "places.coverage_outside", "place_ids",
	                    "'%s' is not covered by the grid of micro-grid '%s'", p->name, g->name);
}

/* Every coverage with its grid or its place inside the subtree at path still holds. */
static int coverage_recheck(struct db *db, const char *path, struct err *e)
{
	struct arena *a = db_arena(db);
	const char *hi = arena_printf(a, "%s~", path);
	size_t n;
	const char **ids = all_rows(db,
	                            db_query(db, e,
	                                     "SELECT gp.grid_id, gp.place_id FROM grid_places gp "
	                                     "JOIN places g ON g.id = gp.grid_id "
	                                     "JOIN places q ON q.id = gp.place_id "
	                                     "WHERE (g.path >= ? AND g.path < ?) OR "
	                                     "(q.path >= ? AND q.path < ?)",
	                                     DB_T(path), DB_T(hi), DB_T(path), DB_T(hi)),
	                            2, &n, e);
	if (!ids)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct place g, p;
		if (must_get(db, ids[2 * i], NULL, &g, e) ||
		    must_get(db, ids[2 * i + 1], NULL, &p, e) || cover_check(db, &g, &p, e))
			return -1;
	}
	return 0;
}

/* ---- move, retire, restore ---- */

int places_move(struct db *db, const struct actor *who, const char *id, const char *parent_id,
                struct err *e)
{
	struct place p, np;
	struct arena *a = db_arena(db);
	if (must_get(db, id, NULL, &p, e) || must_get(db, parent_id, "parent_id", &np, e))
		return -1;
	/*
	 * Take both towns' rows (in path order, so two moves cannot wait on each other in a
	 * circle), then read both places again: on PostgreSQL another move or cover of the
	 * town may have committed meanwhile.
	 */
	const char *t1 = places_town_path(a, p.path), *t2 = places_town_path(a, np.path);
	if (t1 && t2 && strcmp(t1, t2) > 0) {
		const char *t = t1;
		t1 = t2;
		t2 = t;
	}
	if ((t1 && lock_town(db, t1, e)) || (t2 && lock_town(db, t2, e)) ||
	    must_get(db, id, NULL, &p, e) || must_get(db, parent_id, "parent_id", &np, e))
		return -1;
	if (strcmp(p.status, "active"))
		return err_conflict(e, "places.retired", NULL, "place '%s' is retired", p.id);
	const struct place_kind *k = places_kind(p.kind);
	if (!k || k->nbs)
		return err_invalid(e, "places.move_nbs", NULL,
		                   "a %s is an NBS unit: it moves only with the NBS import",
		                   p.kind);
	if (!strncmp(np.path, p.path, strlen(p.path)))
		return err_invalid(e, "places.move_cycle", "parent_id",
		                   "'%s' cannot move under itself or its own descendant '%s'",
		                   p.name, np.name);
	if (!places_kind_may_hang(p.kind, np.kind))
		return parent_kind_error(p.kind, np.kind, e);
	if (p.parent_id && !strcmp(p.parent_id, np.id))
		return 0;
	if (lock_active(db, np.id, "parent_id", e))
		return -1;
	char now[32];
	time_iso(time_now_ms(), now);
	const char *old = p.path, *hi = arena_printf(a, "%s~", p.path);
	const char *path = arena_printf(a, "%s%s/", np.path, p.id);
	int64_t from = (int64_t)strlen(old) + 1, delta = np.depth + 1 - p.depth;
	/* a place made by hand holds no NBS unit: its subtree shares the new parent's region */
	if (db_exec(db, e,
	            "UPDATE places SET path = ? || substr(path, ?), depth = depth + ?, region = ? "
	            "WHERE path >= ? AND path < ?",
	            DB_T(path), DB_I(from), DB_I(delta), DB_T(np.region), DB_T(old),
	            DB_T(hi)) < 0 ||
	    db_exec(
	        db, e,
	        "UPDATE places SET gpath = ? || substr(gpath, ?) WHERE gpath >= ? AND gpath < ?",
	        DB_T(path), DB_I(from), DB_T(old), DB_T(hi)) < 0 ||
	    db_exec(db, e,
	            "UPDATE places SET parent_id = ?, version = version + 1, updated_at = ? "
	            "WHERE id = ?",
	            DB_T(np.id), DB_T(now), DB_T(p.id)) < 0)
		return -1;
	const char *old_parent = p.parent_id;
	p.path = path;
	p.parent_id = np.id;
	if ((!strcmp(p.tree, "physical") && recompute_gpath(db, &p, e)) ||
	    coverage_recheck(db, path, e) || floors_check(db, path, "parent_id", 0, e))
		return -1;
	struct jdoc b, af;
	struct jw *wb = jdoc_open(&b, a), *wa = jdoc_open(&af, a);
	jw_kstr(wb, "parent_id", old_parent);
	jw_kstr(wb, "path", old);
	jw_kstr(wa, "parent_id", np.id);
	jw_kstr(wa, "path", path);
	return record(db, who, p.id, np.region, "move", jdoc_close(&b), jdoc_close(&af), e);
}

/* History (and, if audited, an audit row) of p's retire or restore: status and code. */
static int record_status(struct db *db, const struct actor *who, const struct place *p,
                         const char *action, int audited, struct err *e)
{
	int retire = !strcmp(action, "retire");
	struct jdoc b, a;
	struct jw *wb = jdoc_open(&b, db_arena(db)), *wa = jdoc_open(&a, db_arena(db));
	jw_kstr(wb, "status", retire ? "active" : "retired");
	jw_kstr(wb, "code", retire ? p->code : NULL);
	jw_kstr(wa, "status", retire ? "retired" : "active");
	jw_kstr(wa, "code", retire ? NULL : p->retired_code);
	const char *before = jdoc_close(&b), *after = jdoc_close(&a);
	return audited ? record(db, who, p->id, p->region, action, before, after, e)
	               : places_history_add(db, who, p->id, p->region, action, before, after, e);
}

/* fn on the place id (404 if there is none), audited */
static int on_place(struct db *db, const struct actor *who, const char *id,
                    int (*fn)(struct db *, const struct actor *, const struct place *, int,
                              struct err *),
                    struct err *e)
{
	struct place p;
	if (must_get(db, id, NULL, &p, e))
		return -1;
	return fn(db, who, &p, 1, e);
}

int places_retire_place(struct db *db, const struct actor *who, const struct place *p, int audited,
                        struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	/* the row first: a child added meanwhile (PostgreSQL) is then counted below */
	int64_t n = db_exec(db, e,
	                    "UPDATE places SET status = 'retired', retired_at = ?, "
	                    "retired_code = code, code = NULL, version = version + 1, "
	                    "updated_at = ? WHERE id = ? AND status = 'active'",
	                    DB_T(now), DB_T(now), DB_T(p->id));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_conflict(e, "places.retired", NULL, "'%s' is retired already", p->name);
	/* what must go first: children, the grid covering it, the places it covers */
	static const struct {
		const char *sql, *code, *fmt;
	} first[] = {
		{ "SELECT name FROM places WHERE parent_id = ? AND status = 'active' ORDER BY id",
		  "places.has_children",
		  "'%s' has active places under it, such as '%s': retire or move them first" },
		{ "SELECT g.name FROM grid_places gp JOIN places g ON g.id = gp.grid_id "
		  "WHERE gp.place_id = ? ORDER BY g.id",
		  "places.covered", "'%s' is covered by grid '%s': uncover it first" },
		{ "SELECT q.name FROM grid_places gp JOIN places q ON q.id = gp.place_id "
		  "WHERE gp.grid_id = ? ORDER BY q.id",
		  "places.grid_covers",
		  "grid '%s' covers places, such as '%s': uncover them first" },
	};
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		const char *other = NULL;
		int rc = db_get_text(db, e, &other, first[i].sql, DB_ARGS(DB_T(p->id)));
		if (rc < 0)
			return -1;
		if (rc)
			return err_conflict(e, first[i].code, NULL, first[i].fmt, p->name, other);
	}
	return record_status(db, who, p, "retire", audited, e);
}

int places_retire(struct db *db, const struct actor *who, const char *id, struct err *e)
{
	return on_place(db, who, id, places_retire_place, e);
}

int places_restore_place(struct db *db, const struct actor *who, const struct place *p, int audited,
                         struct err *e)
{
	if (!strcmp(p->status, "active"))
		return err_conflict(e, "places.active", NULL, "'%s' is not retired", p->name);
	if (p->parent_id && lock_active(db, p->parent_id, "parent_id", e)) {
		snprintf(e->msg, sizeof(e->msg),
		         "the place above '%s' is retired: restore it first", p->name);
		return -1;
	}
	if (p->retired_code) {
		const char *other = NULL;
		int rc = db_get_text(db, e, &other, "SELECT name FROM places WHERE code = ?",
		                     DB_ARGS(DB_T(p->retired_code)));
		if (rc < 0)
			return -1;
		if (rc)
			return err_conflict(e, "places.code_taken", NULL,
			                    "code %s of '%s' belongs to '%s' now", p->retired_code,
			                    p->name, other);
	}
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(db, e,
	            "UPDATE places SET status = 'active', retired_at = NULL, code = retired_code, "
	            "retired_code = NULL, version = version + 1, updated_at = ? WHERE id = ?",
	            DB_T(now), DB_T(p->id)) < 0)
		return -1;
	return record_status(db, who, p, "restore", audited, e);
}

int places_restore(struct db *db, const struct actor *who, const char *id, struct err *e)
{
	return on_place(db, who, id, places_restore_place, e);
}

/* ---- coverage ---- */

/* History 'cover' or 'uncover' on both the grid and the place, the grid's version + 1. */
static int record_cover(struct db *db, const struct actor *who, const struct place *g,
                        const struct place *p, const char *action, struct err *e)
{
	struct arena *a = db_arena(db);
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(db, e, "UPDATE places SET version = version + 1, updated_at = ? WHERE id = ?",
	            DB_T(now), DB_T(g->id)) < 0)
		return -1;
	struct jdoc dg, dp;
	struct jw *wg = jdoc_open(&dg, a), *wp = jdoc_open(&dp, a);
	jw_kstr(wg, "place_id", p->id);
	jw_kstr(wg, "place_name", p->name);
	jw_kstr(wp, "grid_id", g->id);
	jw_kstr(wp, "grid_name", g->name);
	int cover = !strcmp(action, "cover");
	const char *sg = jdoc_close(&dg), *sp = jdoc_close(&dp);
	return record(db, who, g->id, g->region, action, cover ? NULL : sg, cover ? sg : NULL, e) ||
	       places_history_add(db, who, p->id, p->region, action, cover ? NULL : sp,
	                          cover ? sp : NULL, e);
}

static int get_grid(struct db *db, const char *id, struct place *g, struct err *e)
{
	if (must_get(db, id, "grid_id", g, e))
		return -1;
	if (strcmp(g->tree, "grid"))
		return err_invalid(e, "places.not_a_grid", "grid_id", "'%s' is a %s, not a grid",
		                   g->name, g->kind);
	return 0;
}

int places_cover(struct db *db, const struct actor *who, const char *grid_id, const char *place_id,
                 struct err *e)
{
	struct place g, p;
	/* the town's row first, then the grid and the place as they are under it */
	if (get_grid(db, grid_id, &g, e) || lock_town(db, g.path, e) ||
	    get_grid(db, grid_id, &g, e) || must_get(db, place_id, "place_ids", &p, e))
		return -1;
	int64_t n = 0;
	if (db_get_int(db, e, &n,
	               "SELECT count(*) FROM grid_places WHERE grid_id = ? AND place_id = ?",
	               DB_ARGS(DB_T(g.id), DB_T(p.id))) < 0)
		return -1;
	if (n)
		return err_conflict(e, "places.already_covered", "place_ids",
		                    "'%s' is already covered by %s '%s' (%s)", p.name,
		                    label(g.kind), g.name, g.id);
	char now[32];
	time_iso(time_now_ms(), now);
	if (cover_check(db, &g, &p, e) ||
	    db_exec(db, e,
	            "INSERT INTO grid_places (grid_id, place_id, region, created_at, created_by) "
	            "VALUES (?, ?, ?, ?, ?)",
	            DB_T(g.id), DB_T(p.id), DB_T(p.region), DB_T(now), DB_T(who->name)) < 0 ||
	    recompute_gpath(db, &p, e))
		return -1;
	return record_cover(db, who, &g, &p, "cover", e);
}

int places_uncover(struct db *db, const struct actor *who, const char *grid_id,
                   const char *place_id, struct err *e)
{
	struct place g, p;
	struct arena *a = db_arena(db);
	if (get_grid(db, grid_id, &g, e) || lock_town(db, g.path, e) ||
	    get_grid(db, grid_id, &g, e) || must_get(db, place_id, "place_ids", &p, e))
		return -1;
	if (!strcmp(g.kind, "grid")) {
		const char *mname = NULL;
		int rc = db_get_text(
		    db, e, &mname,
		    "SELECT m.name FROM grid_places gp "
		    "JOIN places m ON m.id = gp.grid_id "
		    "JOIN places q ON q.id = gp.place_id WHERE m.parent_id = ? "
		    "AND q.path >= ? AND q.path < ? ORDER BY m.id LIMIT 1",
		    DB_ARGS(DB_T(g.id), DB_T(p.path), DB_T(arena_printf(a, "%s~", p.path))));
		if (rc < 0)
			return -1;
		if (rc)
			return err_conflict(
			    e, "places.micro_covers", "place_ids",
			    "micro-grid '%s' covers places in '%s': uncover them first", mname,
			    p.name);
	}
	int64_t n = db_exec(db, e, "DELETE FROM grid_places WHERE grid_id = ? AND place_id = ?",
	                    DB_T(g.id), DB_T(p.id));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_set(e, 404, "places.not_covered", "place_ids",
		               "'%s' is not covered by '%s'", p.name, g.name);
	if (recompute_gpath(db, &p, e))
		return -1;
	return record_cover(db, who, &g, &p, "uncover", e);
}

static int listed(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

int places_coverage_set(struct db *db, const struct actor *who, const char *grid_id,
                        const char *const *ids, size_t n, int64_t *added, int64_t *removed,
                        struct err *e)
{
	struct place g;
	int64_t na = 0, nr = 0;
	if (get_grid(db, grid_id, &g, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (listed(ids, i, ids[i]))
			return err_invalid(e, "places.duplicate", "place_ids",
			                   "'%s' is listed twice", ids[i]);
	size_t nc;
	const char **cur = all_rows(
	    db,
	    db_query(db, e, "SELECT place_id FROM grid_places WHERE grid_id = ? ORDER BY place_id",
	             DB_T(g.id)),
	    1, &nc, e);
	if (!cur)
		return -1;
	for (size_t i = 0; i < nc; i++)
		if (!listed(ids, n, cur[i])) {
			if (places_uncover(db, who, g.id, cur[i], e))
				return -1;
			nr++;
		}
	for (size_t i = 0; i < n; i++)
		if (!listed(cur, nc, ids[i])) {
			if (places_cover(db, who, g.id, ids[i], e))
				return -1;
			na++;
		}
	if (added)
		*added = na;
	if (removed)
		*removed = nr;
	return 0;
}

/* The place of ids[0..n) (ancestors first) that grid gid covers directly, or NULL. */
static int via(struct db *db, const char *gid, const char **ids, size_t n, const char **out,
               struct err *e)
{
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		int64_t one = 0;
		if (db_get_int(
		        db, e, &one,
		        "SELECT count(*) FROM grid_places WHERE grid_id = ? AND place_id = ?",
		        DB_ARGS(DB_T(gid), DB_T(ids[i]))) < 0)
			return -1;
		if (one)
			*out = ids[i];
	}
	return 0;
}

int places_grids_of(struct db *db, const char *id, struct place_grids *out, struct err *e)
{
	struct place p;
	memset(out, 0, sizeof(*out));
	int rc = places_get(db, id, &p, e);
	if (rc <= 0 || !p.gpath)
		return rc;
	size_t n, np;
	const char **g = places_path_ids(db_arena(db), p.gpath, &n);
	const char **ids = places_path_ids(db_arena(db), p.path, &np);
	struct place finest;
	if (!n || must_get(db, g[n - 1], NULL, &finest, e))
		return -1;
	if (!strcmp(finest.kind, "micro_grid")) {
		out->micro_grid = finest;
		if (must_get(db, finest.parent_id, NULL, &out->grid, e) ||
		    via(db, finest.id, ids, np, &out->via_micro_grid, e))
			return -1;
	} else {
		out->grid = finest;
	}
	return via(db, out->grid.id, ids, np, &out->via_grid, e) < 0 ? -1 : 1;
}
