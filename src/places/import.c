/*
 * import.c - the NBS import: a release of the statistical division codes brought into the
 * place tree in one transaction; see places_import in places.h and docs/internals/places.md.
 *
 * The units the release can touch are read once into memory (by code), then the rows are
 * walked parents first: what is new is inserted in batches of IMPORT_BATCH rows (a few
 * round trips instead of one per row on PostgreSQL, whose backend binds at most 256
 * parameters), what changed is renamed, what came back is restored, and at the end what is
 * missing from the scope is retired, deepest first. Nothing is written for a row that is
 * as it was, so a second run of the same file writes nothing at all.
 */
#include "places.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

#define IMPORT_BATCH 16
#define IMPORT_COLS  13

/* A unit of the database with an NBS code (active) or a retired one, or an NBS_SAME unit. */
struct known {
	char code[13]; /* with depth, the key */
	const char *id, *name, *nbs_name, *kind, *parent_id, *region;
	int64_t depth;
	int active, seen;
	unsigned flags;
};

struct import {
	struct db *db;
	const struct actor *who;
	const struct places_import_opts *o;
	struct places_import_stats *st;
	struct arena *a;
	const struct nbs_row *rows;
	size_t n;
	const char **rid, **rpath; /* per row: its place id, and its path once known */
	char *root;                /* per row: 1 if its parent is not a row of the file */
	struct known *k;
	size_t nk, capk;
	struct db_arg batch[IMPORT_BATCH * IMPORT_COLS + 1]; /* and the terminator */
	int nbatch;
	char now[32];
};

static int cmp_known(const void *x, const void *y)
{
	const struct known *a = x, *b = y;
	int c = strcmp(a->code, b->code);
	if (c)
		return c;
	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	return b->active - a->active; /* the active one first */
}

/* ---- what the database holds ---- */

static int load_known(struct import *im, const char *sql, const struct db_arg *args, struct err *e)
{
	struct db_stmt *st = db_query_(im->db, e, sql, args);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (im->nk == im->capk) {
			size_t cap = im->capk ? 2 * im->capk : 1024;
			im->k = arena_realloc(im->a, im->k, im->capk * sizeof(*im->k),
			                      cap * sizeof(*im->k));
			im->capk = cap;
		}
		struct known *k = &im->k[im->nk++];
		memset(k, 0, sizeof(*k));
		const char *code = db_text(st, 1), *retired = db_text(st, 2);
		k->id = db_text(st, 0);
		/* an NBS_SAME unit has no code: its id holds it (places_nbs_id) */
		snprintf(k->code, sizeof(k->code), "%s",
		         code                  ? code
		         : retired             ? retired
		         : strlen(k->id) == 26 ? k->id + 14
		                               : "");
		k->active = !strcmp(db_text(st, 11), "active");
		k->nbs_name = db_text(st, 3);
		k->name = db_text(st, 4);
		k->kind = db_text(st, 5);
		k->parent_id = db_text(st, 6);
		k->region = db_text(st, 7);
		k->depth = db_int(st, 8);
		k->flags = (db_int(st, 9) ? NBS_VIRTUAL : 0) | (db_int(st, 10) ? NBS_ZONE : 0);
	}
	return rc < 0 ? -1 : 0;
}

#define KNOWN_SQL                                                                                  \
	"SELECT id, code, retired_code, nbs_name, name, kind, parent_id, region, depth, "          \
	"is_virtual, in_zone, status FROM places "
/* the ids of NBS_SAME units (places_nbs_id): a handful in the whole country */
#define SAME_IDS "(id > '00000000000000' AND id < '00000000000005~')"

/* The units under `under` (its code range), or every unit; and the rows' ancestors. */
static int load_scope(struct import *im, struct err *e)
{
	const char *u = im->o->under;
	if (!u) {
		if (load_known(im,
		               KNOWN_SQL "WHERE code IS NOT NULL OR retired_code IS NOT NULL "
		                         "OR " SAME_IDS,
		               DB_ARGS(DB_NOARGS), e))
			return -1;
	} else {
		char lo[13], hi[13];
		size_t ul = strlen(u);
		memcpy(lo, u, ul);
		memcpy(hi, u, ul);
		memset(lo + ul, '0', 12 - ul);
		memset(hi + ul, '9', 12 - ul);
		lo[12] = hi[12] = '\0';
		if (load_known(im,
		               KNOWN_SQL "WHERE (code >= ? AND code <= ?) OR "
		                         "(retired_code >= ? AND retired_code <= ?) OR " SAME_IDS,
		               DB_ARGS(DB_T(lo), DB_T(hi), DB_T(lo), DB_T(hi)), e))
			return -1;
		/* the rows above `under`: the file holds its ancestors too */
		for (size_t i = 0; i < im->n; i++) {
			const char *c = im->rows[i].code;
			if (!strncmp(c, u, ul) || (im->rows[i].flags & NBS_SAME))
				continue;
			if (load_known(im, KNOWN_SQL "WHERE code = ? OR retired_code = ?",
			               DB_ARGS(DB_T(c), DB_T(c)), e))
				return -1;
		}
	}
	if (im->nk)
		qsort(im->k, im->nk, sizeof(*im->k), cmp_known);
	return 0;
}

/* The first known unit with code at level (the active one if there is one), or NULL. */
static struct known *known_first(struct import *im, const char *code, int level)
{
	size_t lo = 0, hi = im->nk;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(im->k[mid].code, code);
		if (c < 0 || (!c && im->k[mid].depth < level))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < im->nk && !strcmp(im->k[lo].code, code) && im->k[lo].depth == level ? &im->k[lo]
	                                                                                : NULL;
}

/* The known unit after k with the same code and level, or NULL. */
static struct known *known_next(struct import *im, struct known *k)
{
	struct known *n = k + 1;
	return n < im->k + im->nk && !strcmp(n->code, k->code) && n->depth == k->depth ? n : NULL;
}

/* ---- writing ---- */

static int flush(struct import *im, struct err *e)
{
	if (!im->nbatch)
		return 0;
	const char *sql = db_rows_sql(im->a,
	                              "INSERT INTO places (id, region, code, name, nbs_name, kind, "
	                              "parent_id, path, depth, is_virtual, in_zone, created_at, "
	                              "updated_at) VALUES",
	                              IMPORT_COLS, im->nbatch);
	im->batch[im->nbatch * IMPORT_COLS] = DB_NOARGS;
	int64_t ch = db_exec_(im->db, e, sql, im->batch);
	im->nbatch = 0;
	return ch < 0 ? -1 : 0;
}

/* A place read in this import's transaction: it is there. */
static int get_place(struct import *im, const char *id, struct place *p, struct err *e)
{
	int rc = places_get(im->db, id, p, e);
	return rc == 1  ? 0
	       : rc < 0 ? -1
	                : err_internal(e, "place %s vanished during the import", id);
}

/* The path of row i's place (inserted now, or read once from the database). */
static const char *row_path(struct import *im, size_t i, struct err *e)
{
	struct place p;
	if (!im->rpath[i]) {
		if (get_place(im, im->rid[i], &p, e))
			return NULL;
		im->rpath[i] = p.path;
	}
	return im->rpath[i];
}

static int create(struct import *im, size_t i, const char *parent_id, const char *parent_path,
                  struct err *e)
{
	const struct nbs_row *r = &im->rows[i];
	const char *nbs_id = places_nbs_id(im->a, r);
	/* a retired unit keeps its id (the code): the new one gets a ULID, never its history */
	int taken = 0;
	for (struct known *k = known_first(im, r->code, r->level); k; k = known_next(im, k))
		taken |= !strcmp(k->id, nbs_id);
	char ulid[ID_LEN + 1];
	if (taken)
		id_new(ulid);
	const char *id = taken ? arena_strdup(im->a, ulid) : nbs_id;
	char *region = arena_strndup(im->a, r->code, 6);
	const char *path = parent_path ? arena_printf(im->a, "%s%s/", parent_path, id)
	                               : arena_printf(im->a, "/%s/", id);
	im->rid[i] = id;
	im->rpath[i] = path;
	struct db_arg *b = &im->batch[im->nbatch * IMPORT_COLS];
	b[0] = DB_T(id);
	b[1] = DB_T(region);
	b[2] = DB_T(r->flags & NBS_SAME ? NULL : r->code);
	b[3] = DB_T(r->name);
	b[4] = DB_T(r->nbs_name ? r->nbs_name : r->name);
	b[5] = DB_T(r->kind);
	b[6] = DB_T(parent_id);
	b[7] = DB_T(path);
	b[8] = DB_I(r->level);
	b[9] = DB_I((r->flags & NBS_VIRTUAL) != 0);
	b[10] = DB_I((r->flags & NBS_ZONE) != 0);
	b[11] = DB_T(im->now);
	b[12] = DB_T(im->now);
	im->st->created++;
	if (++im->nbatch == IMPORT_BATCH && flush(im, e))
		return -1;
	if (!im->o->audit_each)
		return 0;
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, im->a, 4096);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "code", r->code);
	jw_kstr(&w, "name", r->name);
	jw_kstr(&w, "kind", r->kind);
	jw_kstr(&w, "parent_id", parent_id);
	jw_obj_end(&w);
	return flush(im, e) ||
	       audit_write(im->db, im->who, region, "places", id, "create", sb.buf, e);
}

/* A kind change (village <-> community) must suit the unit's children. */
static int children_fit(struct import *im, const struct known *k, const char *kind, struct err *e)
{
	struct db_stmt *st = db_query(im->db, e,
	                              "SELECT DISTINCT kind FROM places WHERE parent_id = ? "
	                              "AND status = 'active'",
	                              DB_T(k->id));
	int rc = -1;
	while (st && (rc = db_step(st, e)) == 1) {
		const char *ck = db_text(st, 0);
		if (!places_kind_may_hang(ck, kind)) {
			db_done(st);
			return err_conflict(e, "places.parent_kind", "file",
			                    "%s '%s' would become a %s, under which its %s places "
			                    "cannot hang",
			                    k->code, k->name, kind, ck);
		}
	}
	return st && rc == 0 ? 0 : -1;
}

static const char *rename_json(struct arena *a, const char *name, const char *nbs_name,
                               const char *kind)
{
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, a, 4096);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "name", name);
	jw_kstr(&w, "nbs_name", nbs_name);
	jw_kstr(&w, "kind", kind);
	jw_obj_end(&w);
	return sb.buf;
}

/* An active unit of the file: rename it if its NBS name, kind or flags changed. */
static int update(struct import *im, const struct nbs_row *r, struct known *k, struct err *e)
{
	const char *nbs = r->nbs_name ? r->nbs_name : r->name;
	unsigned flags = r->flags & (NBS_VIRTUAL | NBS_ZONE);
	int same_kind = !strcmp(k->kind, r->kind), same_flags = k->flags == flags;
	if (k->nbs_name && !strcmp(k->nbs_name, nbs) && same_kind && same_flags) {
		im->st->unchanged++;
		return 0;
	}
	if (flush(im, e) || (!same_kind && children_fit(im, k, r->kind, e)))
		return -1;
	/* loaded before NBS names were kept: fill them in where the display name agrees */
	int fill = !k->nbs_name && !strcmp(k->name, r->name) && same_kind;
	const char *name = fill ? k->name : r->name;
	if (db_exec(im->db, e,
	            "UPDATE places SET name = ?, nbs_name = ?, kind = ?, is_virtual = ?, "
	            "in_zone = ?, version = version + ?, updated_at = ? WHERE id = ?",
	            DB_T(name), DB_T(nbs), DB_T(r->kind), DB_I((r->flags & NBS_VIRTUAL) != 0),
	            DB_I((r->flags & NBS_ZONE) != 0), DB_I(!fill), DB_T(im->now), DB_T(k->id)) < 0)
		return -1;
	if (fill) {
		im->st->filled++;
		return 0;
	}
	im->st->renamed++;
	return places_history_add(im->db, im->who, k->id, k->region, "rename",
	                          rename_json(im->a, k->name, k->nbs_name, k->kind),
	                          rename_json(im->a, r->name, nbs, r->kind), e);
}

static int same_parent(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Row i: the place it is, or a new one. */
static int import_row(struct import *im, size_t i, struct err *e)
{
	const struct nbs_row *r = &im->rows[i];
	const char *parent_id = NULL, *parent_path = NULL;
	size_t pi = (size_t)-1;
	im->root[i] = !r->parent[0];
	if (r->parent[0]) {
		/* the parent row: rows are sorted by level, then code */
		size_t lo = 0, hi = i;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			const struct nbs_row *m = &im->rows[mid];
			int c = m->level != r->level - 1 ? m->level - (r->level - 1)
			                                 : strcmp(m->code, r->parent);
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < i && im->rows[lo].level == r->level - 1 &&
		    !strcmp(im->rows[lo].code, r->parent)) {
			pi = lo;
			parent_id = im->rid[lo];
		} else {
			im->root[i] = 1;
			/* its parent is the active unit of that code one level up */
			struct db_stmt *st = db_query(
			    im->db, e,
			    "SELECT id, path FROM places WHERE (code = ? OR id = ?) AND depth = ? "
			    "AND status = 'active'",
			    DB_T(r->parent),
			    DB_T(arena_printf(im->a, "0000000000000%d%s", r->level - 1, r->parent)),
			    DB_I(r->level - 1));
			int rc = st ? db_step(st, e) : -1;
			if (rc < 0)
				return -1;
			if (rc == 0)
				return err_invalid(e, "places.parent_missing", "file",
				                   "code %s has no parent %s in the file or the "
				                   "database",
				                   r->code, r->parent);
			parent_id = db_text(st, 0);
			parent_path = db_text(st, 1);
			db_done(st);
		}
	}
	struct known *k = known_first(im, r->code, r->level);
	if (k && k->active) {
		k->seen = 1;
		im->rid[i] = k->id;
		if (!same_parent(k->parent_id, parent_id))
			return err_conflict(
			    e, "places.nbs_parent", "file",
			    "%s '%s' hangs under %s in the database, under %s in the "
			    "file",
			    r->code, k->name, k->parent_id ? k->parent_id : "nothing",
			    parent_id ? parent_id : "nothing");
		return update(im, r, k, e);
	}
	/* the same unit back (same NBS name, same parent): restored, with its history */
	const char *nbs = r->nbs_name ? r->nbs_name : r->name;
	for (; k; k = known_next(im, k)) {
		if (!same_parent(k->parent_id, parent_id) ||
		    strcmp(k->nbs_name ? k->nbs_name : k->name, nbs))
			continue;
		struct place p;
		if (flush(im, e) || get_place(im, k->id, &p, e) ||
		    places_restore_place(im->db, im->who, &p, 0, e))
			return -1;
		k->active = k->seen = 1;
		im->rid[i] = k->id;
		im->st->restored++;
		/* the kind follows the town's name too, which may have changed meanwhile */
		return strcmp(k->kind, r->kind) || k->flags != (r->flags & (NBS_VIRTUAL | NBS_ZONE))
		           ? update(im, r, k, e)
		           : 0;
	}
	if (pi != (size_t)-1 && !(parent_path = row_path(im, pi, e)))
		return -1;
	return create(im, i, parent_id, parent_path, e);
}

/* ---- retiring what the release lacks ---- */

static int cmp_deeper(const void *x, const void *y)
{
	const struct known *a = *(const struct known *const *)x,
	                   *b = *(const struct known *const *)y;
	if (a->depth != b->depth)
		return a->depth > b->depth ? -1 : 1;
	return strcmp(a->code, b->code);
}

static const int level_digits[] = { 2, 4, 6, 9, 12 };

static int cmp_rows(const void *x, const void *y)
{
	const struct nbs_row *a = x, *b = y;
	return a->level != b->level ? a->level - b->level : strcmp(a->code, b->code);
}

/* Is unit k inside the import's scope: under's subtree, or a subtree of the file's roots
 * (the rows whose parent is not in the file: the provinces of a whole release)? */
static int in_scope(struct import *im, const struct known *k, const struct nbs_row *roots,
                    size_t nroots)
{
	if (im->o->under)
		return !strncmp(k->code, im->o->under, strlen(im->o->under));
	struct nbs_row key;
	memset(&key, 0, sizeof(key));
	for (key.level = 0; key.level <= k->depth && key.level < 5; key.level++) {
		size_t d = (size_t)level_digits[key.level];
		memcpy(key.code, k->code, d);
		memset(key.code + d, '0', 12 - d);
		if (bsearch(&key, roots, nroots, sizeof(*roots), cmp_rows))
			return 1;
	}
	return 0;
}

static int retire_missing(struct import *im, struct err *e)
{
	/* the roots, in the rows' order (level, code) */
	struct nbs_row *roots = arena_alloc(im->a, (im->n + 1) * sizeof(*roots));
	size_t nroots = 0;
	for (size_t i = 0; i < im->n; i++)
		if (im->root[i])
			roots[nroots++] = im->rows[i];
	const struct known **gone = arena_alloc(im->a, (im->nk + 1) * sizeof(*gone));
	size_t ng = 0;
	for (size_t i = 0; i < im->nk; i++)
		if (im->k[i].active && !im->k[i].seen && in_scope(im, &im->k[i], roots, nroots))
			gone[ng++] = &im->k[i];
	qsort(gone, ng, sizeof(*gone), cmp_deeper);
	for (size_t i = 0; i < ng; i++) {
		struct place p;
		if (get_place(im, gone[i]->id, &p, e) ||
		    places_retire_place(im->db, im->who, &p, 0, e))
			return -1;
		im->st->retired++;
	}
	return 0;
}

/* The chain of the import's audit row: the county of under (a province or city padded with
 * zeros), else the one province of the rows, else 000000. */
static void import_region(const struct places_import_opts *o, const struct nbs_row *rows, size_t n,
                          char region[7])
{
	memcpy(region, "000000", 7);
	if (o->under) {
		size_t l = strlen(o->under);
		memcpy(region, o->under, l < 6 ? l : 6);
		return;
	}
	for (size_t i = 1; i < n; i++)
		if (strncmp(rows[0].code, rows[i].code, 2))
			return;
	if (n)
		memcpy(region, rows[0].code, 2);
}

int places_import(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                  const struct places_import_opts *o, struct places_import_stats *st, struct err *e)
{
	struct import im = {
		.db = db, .who = who, .o = o, .st = st, .a = db_arena(db), .rows = rows, .n = n
	};
	memset(st, 0, sizeof(*st));
	st->rows = (int64_t)n;
	time_iso(time_now_ms(), im.now);
	im.rid = arena_zalloc(im.a, (n + 1) * sizeof(*im.rid));
	im.rpath = arena_zalloc(im.a, (n + 1) * sizeof(*im.rpath));
	im.root = arena_zalloc(im.a, n + 1);
	if (load_scope(&im, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (import_row(&im, i, e))
			return -1;
	if (flush(&im, e) || (o->retire && retire_missing(&im, e)))
		return -1;
	/* one audit row for the import (with audit_each, for what is not a creation) */
	if (!(st->renamed + st->retired + st->restored + st->filled +
	      (o->audit_each ? 0 : st->created)))
		return 0;
	char region[7];
	import_region(o, rows, n, region);
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, im.a, 4096);
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "under", o->under);
	jw_kstr(&w, "sha256", o->sha256);
	jw_ki64(&w, "rows", st->rows);
	jw_ki64(&w, "created", st->created);
	jw_ki64(&w, "renamed", st->renamed);
	jw_ki64(&w, "retired", st->retired);
	jw_ki64(&w, "restored", st->restored);
	jw_ki64(&w, "filled", st->filled);
	jw_ki64(&w, "unchanged", st->unchanged);
	jw_obj_end(&w);
	return audit_write(db, who, region, "places", NULL, "import", sb.buf, e);
}

int places_load(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                int64_t *added, struct err *e)
{
	struct places_import_opts o = { .audit_each = 1 };
	struct places_import_stats st;
	if (places_import(db, who, rows, n, &o, &st, e))
		return -1;
	*added = st.created;
	return 0;
}
