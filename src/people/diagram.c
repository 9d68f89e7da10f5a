/*
 * diagram.c - who lives where, drawn: a building's diagram (units × floors × rooms) and the
 * house cards of a village, natural village, villagers' group or grid, each room with its
 * households and the tags of its people and households that the caller may see, a legend
 * with counts, and a tag filter. See docs/internals/diagram.md.
 *
 * Both answers are built the same way: the dwellings (rooms, rural houses) are read once,
 * then the households, person tags and household tags of the same place range are read
 * and attached to their room (four queries whatever the size), and the legend counts every
 * room, also when the cards come a page at a time.
 */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

#define MAX_TAGS 64

struct dg_household {
	const char *id, *head, *kind;
	int64_t members;
};

struct dg_room {
	const char *id, *parent_id, *parent_name, *room, *name, *path, *gpath;
	int has_floor, has_area;
	int64_t floor, area;
	struct dg_household *hh;
	size_t nhh, caph;
	uint64_t tags;    /* bit t: tag t of the catalogue, present and visible here */
	uint64_t shown;   /* restricted tags that may be seen here (of those checked) */
	uint64_t checked; /* restricted tags whose visibility is known here */
	int64_t people;
};

struct diagram {
	struct req *r;
	struct people_tag_def defs[MAX_TAGS];
	size_t ndefs;
	struct dg_room *rooms;
	size_t n;
	struct dg_room **by_id; /* rooms sorted by id, to attach rows */
	int64_t tag_people[MAX_TAGS], tag_households[MAX_TAGS], tag_rooms[MAX_TAGS];
	int filter; /* the ?tag filter's index, or -1 */
};

static int by_id_cmp(const void *a, const void *b)
{
	return strcmp((*(struct dg_room *const *)a)->id, (*(struct dg_room *const *)b)->id);
}

static struct dg_room *room_of(struct diagram *d, const char *id)
{
	struct dg_room key = { .id = id }, *k = &key;
	struct dg_room **f = id ? bsearch(&k, d->by_id, d->n, sizeof(*d->by_id), by_id_cmp) : NULL;
	return f ? *f : NULL;
}

static int tag_index(const struct diagram *d, const char *id)
{
	for (size_t t = 0; id && t < d->ndefs; t++)
		if (!strcmp(d->defs[t].id, id))
			return (int)t;
	return -1;
}

/* 1 if tag t may be seen at room m (restricted tags: their permission over the room) */
static int visible(struct diagram *d, struct dg_room *m, int t)
{
	uint64_t bit = (uint64_t)1 << t;
	if (!d->defs[t].perm)
		return 1;
	if (!(m->checked & bit)) {
		m->checked |= bit;
		if (people_tag_visible(d->r, d->defs[t].perm, m->path, m->gpath))
			m->shown |= bit;
	}
	return (m->shown & bit) != 0;
}

/*
 * The dwellings: "d" the dwelling, "u" its parent; where and order are SQL text over
 * them, with args. Only places the caller may read (people.read over path or gpath).
 */
static int load_rooms(struct diagram *d, const char *where, const struct db_arg *args, size_t nargs,
                      const char *order, struct err *e)
{
	struct req *r = d->r;
	struct query q = { 0 };
	query_scope2(r, &q, "people.read", "d.path", "d.gpath");
	for (size_t i = 0; i < nargs; i++)
		q.args[q.n++] = args[i];
	strbuf_addf(&q.where, " AND d.kind = 'dwelling' AND d.status = 'active' AND %s", where);
	q.args[q.n] = DB_NOARGS;
	if (q.where.err)
		return err_internal(e, "diagram query too long");
	struct db_stmt *st = db_query_(
	    r->db, e,
	    arena_printf(&r->arena,
	                 "SELECT d.id, d.parent_id, u.name, d.room, d.name, d.path, d.gpath, "
	                 "d.floor, d.area FROM places d JOIN places u ON u.id = d.parent_id "
	                 "WHERE %s ORDER BY %s",
	                 q.where.buf, order),
	    q.args);
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (d->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			d->rooms = arena_realloc(&r->arena, d->rooms, cap * sizeof(*d->rooms),
			                         nc * sizeof(*d->rooms));
			cap = nc;
		}
		struct dg_room *m = &d->rooms[d->n++];
		memset(m, 0, sizeof(*m));
		m->id = db_text(st, 0);
		m->parent_id = db_text(st, 1);
		m->parent_name = db_text(st, 2);
		m->room = db_text(st, 3);
		m->name = db_text(st, 4);
		m->path = db_text(st, 5);
		m->gpath = db_text(st, 6);
		if ((m->has_floor = !db_isnull(st, 7)))
			m->floor = db_int(st, 7);
		if ((m->has_area = !db_isnull(st, 8)))
			m->area = db_int(st, 8);
	}
	if (rc < 0)
		return -1;
	d->by_id = arena_alloc(&r->arena, (d->n + 1) * sizeof(*d->by_id));
	for (size_t i = 0; i < d->n; i++)
		d->by_id[i] = &d->rooms[i];
	qsort(d->by_id, d->n, sizeof(*d->by_id), by_id_cmp);
	return 0;
}

/*
 * Households, person tags and household tags of the places in range ("p.path >= ? AND
 * p.path < ?" or the same over p.gpath, bound to lo, hi), attached to their rooms; rows at
 * other places (a household at a village itself) are left out.
 */
static int load_people(struct diagram *d, const char *range, const char *lo, const char *hi,
                       struct err *e)
{
	struct req *r = d->r;
	struct arena *a = &r->arena;
	struct db_stmt *st = db_query(
	    r->db, e,
	    arena_printf(a,
	                 "SELECT h.place_id, h.id, h.kind, (SELECT y.name FROM persons y WHERE "
	                 "y.id = h.head_id), (SELECT count(*) FROM persons y WHERE "
	                 "y.household_id = h.id AND y.status IN ('present', 'away')) "
	                 "FROM households h JOIN places p ON p.id = h.place_id WHERE %s AND "
	                 "h.status = 'active' ORDER BY h.place_id, h.created_at, h.id",
	                 range),
	    DB_T(lo), DB_T(hi));
	int rc;
	while (st && (rc = db_step(st, e)) == 1) {
		struct dg_room *m = room_of(d, db_text(st, 0));
		if (!m)
			continue;
		if (m->nhh == m->caph) {
			size_t nc = m->caph ? m->caph * 2 : 2;
			m->hh =
			    arena_realloc(a, m->hh, m->caph * sizeof(*m->hh), nc * sizeof(*m->hh));
			m->caph = nc;
		}
		const char *head = db_text(st, 3);
		m->hh[m->nhh++] =
		    (struct dg_household){ db_text(st, 1), head ? mask_name(a, head) : NULL,
			                   db_text(st, 2), db_int(st, 4) };
		m->people += db_int(st, 4);
	}
	if (!st || rc < 0)
		return -1;
	/* person tags, then household tags: column 0 the place, 1 the tag */
	static const char *const sql[2] = {
		"SELECT y.place_id, x.tag_id FROM person_tags x JOIN persons y ON y.id = "
		"x.person_id JOIN places p ON p.id = y.place_id WHERE %s AND y.status IN "
		"('present', 'away')",
		"SELECT h.place_id, x.tag_id FROM household_tags x JOIN households h ON h.id = "
		"x.household_id JOIN places p ON p.id = h.place_id WHERE %s AND h.status = 'active'"
	};
	for (int k = 0; k < 2; k++) {
		st = db_query(r->db, e, arena_printf(a, sql[k], range), DB_T(lo), DB_T(hi));
		while (st && (rc = db_step(st, e)) == 1) {
			struct dg_room *m = room_of(d, db_text(st, 0));
			int t = tag_index(d, db_text(st, 1));
			if (!m || t < 0 || !visible(d, m, t))
				continue;
			m->tags |= (uint64_t)1 << t;
			(k ? d->tag_households : d->tag_people)[t]++;
		}
		if (!st || rc < 0)
			return -1;
	}
	for (size_t i = 0; i < d->n; i++)
		for (size_t t = 0; t < d->ndefs; t++)
			if (d->rooms[i].tags & ((uint64_t)1 << t))
				d->tag_rooms[t]++;
	return 0;
}

/* The start of both: the catalogue, the ?tag filter (a tag the caller may see somewhere). */
static int diagram_start(struct req *r, struct diagram *d, struct err *e)
{
	memset(d, 0, sizeof(*d));
	d->r = r;
	d->filter = -1;
	if (people_tag_defs(r->db, d->defs, MAX_TAGS, &d->ndefs, e))
		return -1;
	const char *tag = req_query(r, "tag");
	if (tag && *tag) {
		d->filter = tag_index(d, tag);
		if (d->filter < 0 ||
		    (d->defs[d->filter].perm && !authz_any(r, d->defs[d->filter].perm)))
			return err_invalid(e, "people.tag_not_found", "tag", "no tag '%s'", tag);
	}
	return 0;
}

/* The place of :id (the router has checked people.read over it) and its title: the names
 * from the village or community down ("金胜一社区 政府宿舍小区 1号楼"). */
static int diagram_place(struct req *r, struct place *p, const char **title, struct err *e)
{
	int rc = places_get(r->db, req_param(r, "id"), p, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no such place");
	size_t n;
	const char **ids = places_path_ids(&r->arena, p->path, &n);
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 1024);
	for (size_t i = 4; i + 1 < n; i++) {
		struct place q;
		rc = places_get(r->db, ids[i], &q, e);
		if (rc < 0)
			return -1;
		if (rc)
			strbuf_addf(&sb, "%s ", q.name);
	}
	strbuf_adds(&sb, p->name);
	*title = sb.err ? p->name : sb.buf;
	return 0;
}

/* one room (a flat or a house) as an object */
static void write_room(struct diagram *d, struct jw *w, const struct dg_room *m, int card)
{
	char buf[48];
	jw_obj(w);
	jw_kstr(w, "place_id", m->id);
	jw_kstr(w, "room", m->room ? m->room : m->name);
	if (card) {
		jw_kstr(w, "parent_id", m->parent_id);
		jw_kstr(w, "parent_name", m->parent_name);
	}
	jw_key(w, "floor");
	if (m->has_floor)
		jw_i64(w, m->floor);
	else
		jw_null(w);
	jw_key(w, "area");
	if (m->has_area) {
		places_decimal_format(m->area, 2, buf);
		jw_raw(w, buf, strlen(buf));
	} else {
		jw_null(w);
	}
	jw_kbool(w, "empty", m->nhh == 0);
	jw_ki64(w, "people", m->people);
	jw_key(w, "households");
	jw_arr(w);
	for (size_t i = 0; i < m->nhh; i++) {
		jw_obj(w);
		jw_kstr(w, "id", m->hh[i].id);
		jw_kstr(w, "head_name", m->hh[i].head);
		jw_ki64(w, "member_count", m->hh[i].members);
		jw_kstr(w, "kind", m->hh[i].kind);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "tags");
	jw_arr(w);
	for (size_t t = 0; t < d->ndefs; t++)
		if (m->tags & ((uint64_t)1 << t))
			jw_str(w, d->defs[t].id);
	jw_arr_end(w);
	if (d->filter >= 0)
		jw_kbool(w, "match", (m->tags >> d->filter) & 1);
	jw_obj_end(w);
}

/* "legend", "counts" and "tag" of the whole set of rooms */
static void write_summary(struct diagram *d, struct jw *w)
{
	jw_key(w, "legend");
	jw_arr(w);
	for (size_t t = 0; t < d->ndefs; t++) {
		if (!d->tag_rooms[t])
			continue;
		jw_obj(w);
		jw_kstr(w, "id", d->defs[t].id);
		jw_kstr(w, "name", d->defs[t].name);
		jw_kbool(w, "restricted", d->defs[t].perm != NULL);
		jw_ki64(w, "people", d->tag_people[t]);
		jw_ki64(w, "households", d->tag_households[t]);
		jw_ki64(w, "rooms", d->tag_rooms[t]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	int64_t empty = 0, households = 0, people = 0;
	for (size_t i = 0; i < d->n; i++) {
		empty += d->rooms[i].nhh == 0;
		households += (int64_t)d->rooms[i].nhh;
		people += d->rooms[i].people;
	}
	jw_key(w, "counts");
	jw_obj(w);
	jw_ki64(w, "rooms", (int64_t)d->n);
	jw_ki64(w, "empty", empty);
	jw_ki64(w, "households", households);
	jw_ki64(w, "people", people);
	if (d->filter >= 0)
		jw_ki64(w, "matching", d->tag_rooms[d->filter]);
	jw_obj_end(w);
	jw_kstr(w, "tag", d->filter >= 0 ? d->defs[d->filter].id : NULL);
}

static void write_head(struct jw *w, const struct place *p, const char *title)
{
	char today[11];
	people_today(today);
	jw_obj(w);
	jw_key(w, "place");
	jw_obj(w);
	places_write(w, p, 0);
	jw_obj_end(w);
	jw_kstr(w, "title", title);
	jw_kstr(w, "as_of", today);
}

/* one column of the diagram: a unit, or the building itself for the flats directly under it */
struct dg_unit {
	const char *id, *name;
};

/* the rows of the diagram: top floor first, down to the lowest basement; a floor 0 or rooms
 * without a floor only when some room has one (a building whose floors are not known) */
static size_t floor_rows(const struct place *b, const struct diagram *d, int64_t *rows, size_t cap,
                         int *no_floor)
{
	int64_t top = b->attrs.has & PLACE_FLOORS ? b->attrs.floors : 1;
	int64_t bottom = b->attrs.has & PLACE_BASEMENTS ? -b->attrs.basements : 0;
	int zero = 0;
	*no_floor = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct dg_room *m = &d->rooms[i];
		if (!m->has_floor) {
			*no_floor = 1;
			continue;
		}
		top = m->floor > top ? m->floor : top;
		bottom = m->floor < bottom ? m->floor : bottom;
		zero |= m->floor == 0;
	}
	size_t n = 0;
	for (int64_t f = top; f >= bottom && n < cap; f--)
		if (f || zero)
			rows[n++] = f;
	return n;
}

/* GET /api/v1/places/:id/diagram[?tag=ID]: a building's units × floors × rooms */
int people_diagram_get(struct req *r, struct err *e)
{
	struct diagram d;
	struct place b;
	const char *title;
	if (diagram_start(r, &d, e) || diagram_place(r, &b, &title, e))
		return -1;
	if (strcmp(b.kind, "building"))
		return err_invalid(e, "people.diagram_kind", "id",
		                   "a diagram is drawn for a building, not a %s", b.kind);
	struct arena *a = &r->arena;
	const char *hi = arena_printf(a, "%s~", b.path);
	struct db_arg args[] = { DB_T(b.path), DB_T(hi) };
	if (load_rooms(&d, "d.path >= ? AND d.path < ?", args, 2,
	               "d.floor DESC, length(d.room), d.room, d.id", e) ||
	    load_people(&d, "p.path >= ? AND p.path < ?", b.path, hi, e))
		return -1;
	/* the units, in name order ("2单元" before "10单元"); the building itself for flats
	 * directly under it, or when it has no units */
	struct db_stmt *st =
	    db_query(r->db, e,
	             "SELECT id, name FROM places WHERE parent_id = ? AND kind = "
	             "'unit' AND status = 'active' ORDER BY length(name), name, id",
	             DB_T(b.id));
	struct dg_unit *units = arena_alloc(a, sizeof(*units) * 65);
	size_t nu = 0;
	int rc, direct = 0;
	while (st && (rc = db_step(st, e)) == 1)
		if (nu < 64)
			units[nu++] = (struct dg_unit){ db_text(st, 0), db_text(st, 1) };
	if (!st || rc < 0)
		return -1;
	for (size_t i = 0; i < d.n; i++)
		direct |= !strcmp(d.rooms[i].parent_id, b.id);
	if (direct || !nu)
		units[nu++] = (struct dg_unit){ b.id, b.name };
	int64_t rows[220];
	int no_floor;
	size_t nrows = floor_rows(&b, &d, rows, 219, &no_floor);
	struct jw *w = req_jw(r);
	write_head(w, &b, title);
	jw_key(w, "floors");
	jw_arr(w);
	for (size_t f = 0; f < nrows; f++)
		jw_i64(w, rows[f]);
	if (no_floor)
		jw_null(w);
	jw_arr_end(w);
	jw_key(w, "units");
	jw_arr(w);
	for (size_t u = 0; u < nu; u++) {
		jw_obj(w);
		jw_kstr(w, "id", units[u].id);
		jw_kstr(w, "name", units[u].name);
		jw_kbool(w, "building", units[u].id == b.id);
		jw_key(w, "floors");
		jw_arr(w);
		for (size_t f = 0; f < nrows + (size_t)no_floor; f++) {
			jw_obj(w);
			jw_key(w, "floor");
			if (f < nrows)
				jw_i64(w, rows[f]);
			else
				jw_null(w);
			jw_key(w, "rooms");
			jw_arr(w);
			for (size_t i = 0; i < d.n; i++) {
				const struct dg_room *m = &d.rooms[i];
				if (strcmp(m->parent_id, units[u].id) ||
				    (f < nrows ? !m->has_floor || m->floor != rows[f]
				               : m->has_floor))
					continue;
				write_room(&d, w, m, 0);
			}
			jw_arr_end(w);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	write_summary(&d, w);
	jw_obj_end(w);
	return 0;
}

/* GET /api/v1/places/:id/houses[?tag=ID&page=&page_size=]: the houses of a village,
 * natural village or villagers' group (dwellings directly under it or its parts), or every
 * dwelling a grid covers, as cards; the legend and counts are of them all */
int people_houses_get(struct req *r, struct err *e)
{
	static const char *const sorts[] = { "place=d.path", NULL };
	struct diagram d;
	struct place p;
	struct page pg;
	const char *title;
	if (diagram_start(r, &d, e) || req_page(r, sorts, "place", &pg, e) ||
	    diagram_place(r, &p, &title, e))
		return -1;
	int grid = !strcmp(p.tree, "grid");
	if (!grid && strcmp(p.kind, "village") && strcmp(p.kind, "natural_village") &&
	    strcmp(p.kind, "group"))
		return err_invalid(e, "people.diagram_kind", "id",
		                   "house cards are for a village, natural village, villagers' "
		                   "group or grid, not a %s",
		                   p.kind);
	const char *hi = arena_printf(&r->arena, "%s~", p.path);
	struct db_arg args[] = { DB_T(p.path), DB_T(hi) };
	const char *range = grid ? "p.gpath >= ? AND p.gpath < ?" : "p.path >= ? AND p.path < ?";
	if (load_rooms(&d,
	               grid ? "d.gpath >= ? AND d.gpath < ?"
	                    : "d.path >= ? AND d.path < ? AND u.kind IN ('village', "
	                      "'natural_village', 'group')",
	               args, 2, "u.path, length(d.room), d.room, d.id", e) ||
	    load_people(&d, range, p.path, hi, e))
		return -1;
	struct jw *w = req_jw(r);
	write_head(w, &p, title);
	jw_key(w, "items");
	jw_arr(w);
	for (int64_t i = pg.offset; i < (int64_t)d.n && i < pg.offset + pg.size; i++)
		write_room(&d, w, &d.rooms[i], 1);
	jw_arr_end(w);
	jw_ki64(w, "page", pg.page);
	jw_ki64(w, "page_size", pg.size);
	jw_ki64(w, "total", (int64_t)d.n);
	write_summary(&d, w);
	jw_obj_end(w);
	return 0;
}
