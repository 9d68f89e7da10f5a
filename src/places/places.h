/*
 * places.h - the two trees of places: the physical tree (province → … → dwelling) and the
 * management tree (grids and micro-grids under a village or community, each covering a
 * chosen set of physical places). The only header other modules include.
 *
 * Both trees are rows of one table, `places`. An administrative place's id is its 12-digit
 * NBS code, so every township that loads the same county gets the same rows and merges
 * cleanly; every other place (and an administrative unit that reuses a retired code) has a
 * ULID. path is the materialized path of ids ("/140000000000/…/<id>/"); a grid's path
 * continues its village's, so a grant over a village also covers its grids. gpath is, for
 * a physical place, the path of the finest grid covering it (NULL if none): a grant over a
 * grid reaches the places it covers through it (authz2, query_scope2 in core).
 *
 * region is the 6-digit county code (the partition key; for a province or city its code
 * padded with zeros). Places are never deleted: they are retired (and restored), and every
 * change is a row of place_history (readable by whoever may read the place) as well as an
 * audit row. See docs/internals/places.md.
 *
 * Errors are 400 (bad input, naming the field), 404 places.not_found, 409 for a rule of
 * the tree (places.has_children, places.already_covered, places.retired, …), 412 for a
 * stale version; nothing is half-written because every writer runs in the caller's write
 * transaction and the caller rolls back on -1.
 */
#ifndef CUNWU_PLACES_H
#define CUNWU_PLACES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"

/* ---- kinds: what may hang under what (a table in places.c) ---- */

struct place_kind {
	const char *name;       /* "building" */
	const char *label;      /* "楼栋", for messages and the console */
	const char *tree;       /* "physical" or "grid" */
	int nbs;                /* 1: an administrative unit, made only by the NBS import */
	const char *parents[6]; /* the kinds it may hang under; none: a root (province) */
	unsigned attrs;         /* the dwelling attributes it may carry (PLACE_FLOOR, …) */
};

/* Every kind, in tree order; *n gets the count. Pure. */
const struct place_kind *places_kinds(size_t *n);
/* The kind named name, or NULL. Pure. */
const struct place_kind *places_kind(const char *name);
/* 1 if a place of kind may hang under a place of parent_kind (NULL: as a root). Pure. */
int places_kind_may_hang(const char *kind, const char *parent_kind);

/* ---- one place ---- */

/* Which optional attributes are set (struct place_attrs.has) or changed (place_edit.set). */
enum {
	PLACE_LATLNG = 1,  /* lat and lng, together */
	PLACE_GEOJSON = 2, /* a Polygon or MultiPolygon */
	PLACE_FLOOR = 4,   /* dwelling: floor, negative for a basement */
	PLACE_ROOM = 8,    /* dwelling: room number or, for a rural house, its house number */
	PLACE_AREA = 16,   /* dwelling: floor area */
	PLACE_NAME = 32,   /* place_edit only: the display name */
	PLACE_DWELLING = PLACE_FLOOR | PLACE_ROOM | PLACE_AREA,
	PLACE_FLOORS = 64,     /* building: floors above ground, 1 .. 200 */
	PLACE_BASEMENTS = 128, /* building: floors below ground, 0 .. 9 */
	PLACE_BUILDING = PLACE_FLOORS | PLACE_BASEMENTS
};

struct place_attrs {
	unsigned has;        /* PLACE_* bits of the values below that are set (not NULL) */
	int64_t lat, lng;    /* 1e-7 degrees (±90, ±180) */
	const char *geojson; /* validated by places_geojson_check, compact JSON */
	int64_t floor;       /* -9 .. 200 */
	const char *room;    /* 1 .. 20 characters */
	int64_t area;        /* hundredths of a square metre, 1 .. 100000000 */
	int64_t floors;      /* a building's floors above ground, 1 .. 200 */
	int64_t basements;   /* a building's floors below ground, 0 .. 9 */
};

struct place {
	const char *id, *region, *code, *name, *kind, *parent_id, *path;
	int64_t depth, version;
	const char *created_at, *updated_at;
	const char *tree;         /* "physical" or "grid" */
	const char *status;       /* "active" or "retired" */
	const char *retired_at;   /* NULL while active */
	const char *retired_code; /* a retired unit's NBS code (code is then NULL) */
	const char *nbs_name; /* the NBS name with its 村委会/居委会 suffix; NULL if none */
	const char *gpath;    /* the finest grid covering it (physical places); or NULL */
	int is_virtual;       /* an NBS virtual community (…虚拟社区) */
	int in_zone;          /* in a development zone or a unit like one (NBS x71–x79 …) */
	struct place_attrs attrs;
};

/* The columns of a place row, in the order places_read_row reads them. */
#define PLACES_COLS                                                                                \
	"id, region, code, name, kind, parent_id, path, depth, version, created_at, updated_at, "  \
	"tree, status, retired_at, retired_code, nbs_name, gpath, is_virtual, in_zone, lat, lng, " \
	"geojson, floor, room, area, floors, basements"
/* Read a row of PLACES_COLS (in that order) into p; values live in the db's arena. */
void places_read_row(struct db_stmt *st, struct place *p);
/* 1 found, 0 not, -1 error. Retired places are found too (p->status says). */
int places_get(struct db *db, const char *id, struct place *p, struct err *e);
/*
 * Resolve what a command line names: "140406101" (a code prefix of 2, 4, 6 or 9 digits), a
 * code or an id; else an active place by its name as people write it (秦家山 = 秦家山村,
 * 1组 = 一组; places_name_key), or by names from an ancestor down, "/" between them
 * (秦家山村/一组, 微子镇/秦家山/1组: each a child of the one before, or deeper). A name
 * written in full, with its ending (秦家山村), is taken before one that only matches by its
 * key; a short one (秦家山) fits both a 秦家山 and a 秦家山村. Spaces around a name are
 * dropped; the name is not folded further (the importer also folds full-width forms and
 * brackets, tab_place_key). 1, 0 or -1; a name that fits more than one place is -1 with 400
 * places.ambiguous listing them with their parents, so that nothing is done to a place the
 * user did not mean.
 */
int places_resolve(struct db *db, const char *ref, struct place *p, struct err *e);
/* places_resolve for a command's argument: 0 found, else -1 (404 places.not_found naming
 * field when nothing is). */
int places_find(struct db *db, const char *ref, const char *field, struct place *p, struct err *e);

/*
 * Create a place of kind under parent_id, named name, with the attributes in a (may be
 * NULL). The kind must be one a person makes (not an NBS unit), hang under the parent's
 * kind (400 places.parent_kind) and the parent be active (409 places.retired); dwelling
 * attributes only on a dwelling (400 places.attr_kind). A physical place inherits its
 * parent's gpath. Writes the row, a history row 'create' and an audit row. *id gets the
 * new ULID (in the db's arena).
 */
int places_create(struct db *db, const struct actor *who, const char *parent_id, const char *kind,
                  const char *name, const struct place_attrs *a, const char **id, struct err *e);

/* A change of a place: the fields in set (PLACE_NAME, PLACE_LATLNG, …) take the values
 * here; an attribute in set but not in a.has is cleared. */
struct place_edit {
	unsigned set;
	const char *name;
	struct place_attrs a;
};
/*
 * Rename or edit place id. version >= 0 must equal the row's (412 otherwise); -1 skips the
 * check. A change of the name alone is history 'rename', anything else 'edit'. Nothing
 * that would not change is written (0 with *changed 0).
 */
int places_edit(struct db *db, const struct actor *who, const char *id, const struct place_edit *ed,
                int64_t version, int *changed, struct err *e);
/*
 * Move place id (and its whole subtree: path, depth, gpath) under parent_id. 400
 * places.move_cycle (under itself or its descendant), 400 places.parent_kind, 400
 * places.move_nbs (an NBS unit moves only with the import), 409 places.retired, 409 for
 * coverage the move would break (places.already_covered, places.coverage_town,
 * places.coverage_outside). History 'move'.
 */
int places_move(struct db *db, const struct actor *who, const char *id, const char *parent_id,
                struct err *e);
/*
 * Retire place id: 409 places.has_children while it has active children, 409
 * places.covered while a grid covers it directly, 409 places.grid_covers while it is a grid
 * that covers places. An NBS unit's code moves to retired_code. History 'retire'.
 */
int places_retire(struct db *db, const struct actor *who, const char *id, struct err *e);
/* Restore a retired place: its parent must be active (409 places.retired) and its old code
 * free (409 places.code_taken). History 'restore'. */
int places_restore(struct db *db, const struct actor *who, const char *id, struct err *e);

/* ---- coverage: which physical places a grid or micro-grid covers ---- */

/*
 * Cover place_id by grid_id (a grid or micro-grid). The place must be physical, active,
 * below town level and in the grid's town (409 places.coverage_town); no other grid of the
 * same level may cover it, an ancestor or a descendant (409 places.already_covered naming
 * the grid); a micro-grid covers only what its grid covers (409 places.coverage_outside).
 * Sets gpath on the place's subtree (the finest covering grid wins). History 'cover' on
 * both, an audit row.
 */
int places_cover(struct db *db, const struct actor *who, const char *grid_id, const char *place_id,
                 struct err *e);
/*
 * Uncover: the next coarser grid (or none) takes over the subtree's gpath. 404
 * places.not_covered if the grid does not cover it directly; 409 places.micro_covers
 * while a micro-grid of the grid covers something inside it.
 */
int places_uncover(struct db *db, const struct actor *who, const char *grid_id,
                   const char *place_id, struct err *e);
/* Make grid_id cover exactly ids[0..n): uncovers what is not listed, then covers what is
 * new. *added and *removed get the counts (may be NULL). */
int places_coverage_set(struct db *db, const struct actor *who, const char *grid_id,
                        const char *const *ids, size_t n, int64_t *added, int64_t *removed,
                        struct err *e);
/*
 * The grids covering physical place id: grid and micro_grid get them (id = NULL when
 * none), via_* the place directly covered (id itself or an ancestor). 1 if id exists.
 */
struct place_grids {
	struct place grid, micro_grid;
	const char *via_grid, *via_micro_grid;
};
int places_grids_of(struct db *db, const char *id, struct place_grids *out, struct err *e);

/* ---- pure rules ---- */

/*
 * A decimal number "[-]digits[.digits]" with at most scale decimals, times 10^scale, within
 * [min, max]: "36.1234567" at scale 7 is 361234567. 0 or -1. Pure.
 */
int places_decimal_parse(const char *s, int scale, int64_t min, int64_t max, int64_t *out);
/* The same for a JSON number (integer or real), allowing for a double's rounding. */
int places_decimal_json(const json_t *v, int scale, int64_t min, int64_t max, int64_t *out);
/* v / 10^scale as "36.1234567" / "86.50" into buf (48 bytes). Pure. */
void places_decimal_format(int64_t v, int scale, char buf[48]);

/*
 * Validate a GeoJSON geometry: a Polygon or MultiPolygon whose rings are closed, of at
 * least 4 positions, each [lng, lat] (an altitude allowed) within ±180 / ±90; at most
 * PLACES_GEOJSON_MAX positions. Only "type", "coordinates" and "bbox" members. *out gets
 * the compact JSON text (in a). 400 places.geojson_invalid naming field, with the reason.
 */
#define PLACES_GEOJSON_MAX 20000
int places_geojson_check(struct arena *a, const json_t *v, const char *field, const char **out,
                         struct err *e);
/* The same for text (a file, the fuzzer): parsed, then checked. */
int places_geojson_parse(struct arena *a, const char *text, size_t len, const char **out,
                         struct err *e);

/*
 * 1 if a dwelling's floor is one of a building's: 1 .. floors above ground, -basements ..
 * -1 below (there is no floor 0). Pure.
 */
int places_floor_inside(int64_t floor, int64_t floors, int64_t basements);
/* The floors of a building as text for a message: "1–6", "-1–6" with a basement. In a. */
const char *places_floors_text(struct arena *a, int64_t floors, int64_t basements);

/* The prefix of path that names its town ("/14…/1404…/140406…/140406101000/"), or NULL
 * above town level. In a. Pure. */
const char *places_town_path(struct arena *a, const char *path);

/* The ids of a path "/a/b/c/" in order (a, b, c); *n gets the count. In a. Pure. */
const char **places_path_ids(struct arena *a, const char *path, size_t *n);

/* ---- NBS division files ---- */

/* One row of an NBS division file: code,name,level,parent_code */
enum {
	NBS_VIRTUAL = 1, /* a virtual community (…虚拟社区) */
	NBS_ZONE = 2,    /* a development zone or unit like one, or under one */
	NBS_SAME = 4     /* a level the NBS fills with its parent's code (东莞市's county
	                    441900, 金门县's town and village): its id is places_nbs_id's */
};
struct nbs_row {
	char code[13];   /* 12-digit, right-padded with zeros */
	char parent[13]; /* "" for a province */
	const char *name, *kind;
	int level;            /* 0 province .. 4 village */
	const char *nbs_name; /* the name as published, suffix kept */
	unsigned flags;       /* NBS_VIRTUAL, NBS_ZONE */
};

/*
 * Parse an NBS CSV file (UTF-8, header code,name,level,parent_code) and select the
 * rows to load for `under` (a code prefix of 2, 4, 6, 9 or 12 digits, or NULL for all):
 * its ancestors and its whole subtree, parents before children. Rows live in a.
 * Village-level rows become "village" or "community" (places_nbs_kind); flags are set.
 * Every bad line is reported as "line N: reason"; pure, and fuzzed.
 */
int places_nbs_parse(struct arena *a, const char *text, size_t len, const char *under,
                     struct nbs_row **rows, size_t *nrows, struct err *e);
/*
 * Display name from an NBS name: "秦家山村村委会" -> "秦家山村", "东城社区居民委员会" ->
 * "东城社区". *kind (if not NULL) gets "village" or "community" when a committee suffix
 * told which, else is left alone. Pure.
 */
const char *places_short_name(struct arena *a, const char *nbs_name, const char **kind);
/*
 * A place name as compared, from a name already folded (tab_header_key in tabular): a
 * leading 第 and the committee or group ending dropped (东靳村委会, 东靳村 -> 东靳;
 * 第一村民小组, 1组, 01组 -> 1), Chinese numerals as digits. In a. Pure.
 */
const char *places_name_key(struct arena *a, const char *name);
/*
 * The kind of a village-level NBS unit: the committee suffix (村委会 / 居委会 and their
 * long and clipped forms), else the name (…社区, …村, …嘎查), else the town's name (a
 * 街道's units are communities). *flags gets NBS_VIRTUAL for …虚拟社区. Pure.
 */
const char *places_nbs_kind(const char *nbs_name, const char *town_name, unsigned *flags);
/* NBS_ZONE if code (12 digits) is a development zone or like one: a county coded x71–x79,
 * a town coded 400–599. Pure. */
unsigned places_nbs_zone(const char *code, int level);

/*
 * The id of an NBS unit: its code, or for an NBS_SAME row (whose code its parent holds)
 * "0000000000000" + level + code, 26 characters like a ULID (of the year 1970, so never
 * one id_new makes) and the same in every township. In a.
 */
const char *places_nbs_id(struct arena *a, const struct nbs_row *r);

/* What an import did. */
struct places_import_stats {
	int64_t rows, created, renamed, retired, restored, unchanged, filled;
};
struct places_import_opts {
	const char *under;  /* the code given to places_nbs_parse, or NULL */
	const char *sha256; /* the file's SHA-256 (hex), for the audit row; or NULL */
	int retire;         /* retire the units of the scope that the file lacks */
	int audit_each;     /* one audit row per created place (the bootstrap of init) */
};
/*
 * Bring the database in line with rows (from places_nbs_parse): create what is new, rename
 * what changed (history 'rename'), restore a retired unit that reappears with the same
 * name and parent (history 'restore'), give a retired code that comes back for another
 * unit a new place with a ULID id (never the retired unit's history), and, with retire,
 * retire the active units of the scope that are missing (history 'retire'; the scope is
 * under's subtree, or the subtrees of the file's provinces). One audit row for the import
 * (unless audit_each, or nothing changed). Runs in the caller's write transaction; a
 * second run with the same rows writes nothing. 409 places.has_children if a unit to retire
 * still has active children that are not NBS units.
 */
int places_import(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                  const struct places_import_opts *o, struct places_import_stats *st,
                  struct err *e);
/* Create the rows that are missing, one audit row each (cunwu init, the demo). */
int places_load(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                int64_t *added, struct err *e);

/* ---- JSON, and what the module's own files share ---- */

/* A place as the API answers it, as keys of the current object (geojson only with
 * with_geojson): jw_obj(w); places_write(w, p, 0); jw_obj_end(w). */
void places_write(struct jw *w, const struct place *p, int with_geojson);
/* The attributes of mask as keys of the current object: lat/lng and area as decimal
 * numbers, geojson as the object or, with geo_hash, as "sha256:…" (history, audit). */
void places_write_attrs(struct jw *w, const struct place_attrs *a, unsigned mask, int geo_hash);
/* 400 places.name_invalid naming field unless name is 1 to 100 characters of UTF-8. */
int places_name_check(const char *name, const char *field, struct err *e);
/* A place_history row without an audit row (the import audits itself once). */
int places_history_add(struct db *db, const struct actor *who, const char *id, const char *region,
                       const char *action, const char *before, const char *after, struct err *e);
/* places_retire / places_restore of a place in hand (the import); audited 0: history
 * rows only. */
int places_retire_place(struct db *db, const struct actor *who, const struct place *p, int audited,
                        struct err *e);
int places_restore_place(struct db *db, const struct actor *who, const struct place *p, int audited,
                         struct err *e);

/* The embedded NBS file of Shanxi (data/admin-divisions-shanxi.csv). */
const char *places_nbs_shanxi(size_t *len);

extern const struct route_table places_routes;
extern const struct command_table places_commands;
void places_register(void);

#endif
