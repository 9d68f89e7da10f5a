/*
 * registry.c - the dry run's second half: a row checked against the registry under the
 * place an import goes to. The place the row writes (村, 自然村, 组, 小区, 楼栋, 单元, 房号)
 * is found step by step among the active physical places below, as people write the names
 * (tab_place_matches); an identity number already registered is said (a re-import skips
 * it). See tabular.h.
 */
#include "tabular.h"

#include <string.h>

#include "core/crypt.h"
#include "core/db.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "people/rules.h"
#include "core/banned.h"

/* the fields that name a place, from the widest, and the kinds each may be */
static const struct step {
	enum tab_field field;
	const char *kinds; /* SQL list */
	const char *label;
} steps[] = {
	{ TF_VILLAGE, "'village', 'community'", "village or community" },
	{ TF_NATURAL_VILLAGE, "'natural_village'", "natural village" },
	{ TF_GROUP, "'group'", "villagers' group" },
	{ TF_COMPOUND, "'compound'", "compound" },
	{ TF_BUILDING, "'building'", "building" },
	{ TF_UNIT, "'unit'", "unit" },
	{ TF_ROOM, "'dwelling'", "dwelling" },
};

/* a step already taken: (from, field, the written name's key) -> the place, or none */
struct found {
	struct found *next;
	const char *key;
	const char *id, *path; /* NULL: none; "" id: several */
};

#define FOUND_BUCKETS 1024

int tab_registry_init(struct tab_registry *g, struct db *db, struct arena *a, const char *root_id,
                      const char *root_path)
{
	memset(g, 0, sizeof(*g));
	g->db = db;
	g->a = a;
	g->root_id = root_id;
	g->root_path = root_path;
	g->found = arena_zalloc(a, FOUND_BUCKETS * sizeof(*g->found));
	g->keep = a;
	return 0;
}

static unsigned bucket(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (FOUND_BUCKETS - 1);
}

/* the place below path of the step's kinds whose name (a dwelling: its room too) matches
 * written; *id NULL if none, "" if several */
static int find_below(struct tab_registry *g, const struct step *st, const char *path,
                      const char *written, const char **id, const char **out_path, struct err *e)
{
	struct arena *a = g->a;
	const char *wkey = tab_place_key(a, written);
	const char *key = arena_printf(a, "%s|%d|%s", path, (int)st->field, wkey);
	struct found **b = &g->found[bucket(key)];
	for (struct found *f = *b; f; f = f->next)
		if (!strcmp(f->key, key)) {
			*id = f->id;
			*out_path = f->path;
			return 0;
		}
	struct db_stmt *q = db_query(
	    g->db, e,
	    arena_printf(a,
	                 "SELECT id, name, room, path FROM places WHERE path >= ? AND path < ? "
	                 "AND kind IN (%s) AND status = 'active' AND tree = 'physical'",
	                 st->kinds),
	    DB_T(path), DB_T(arena_printf(a, "%s~", path)));
	if (!q)
		return -1;
	const char *hit = NULL, *hit_path = NULL;
	int rc, n = 0;
	while ((rc = db_step(q, e)) == 1) {
		const char *name = db_text(q, 1), *room = db_text(q, 2);
		int match = st->field == TF_ROOM
		                ? (room && !strcmp(tab_place_key(a, room), wkey)) ||
		                      tab_place_matches(a, written, name)
		                : tab_place_matches(a, written, name);
		if (match && n++ == 0) {
			hit = arena_strdup(g->keep, db_text(q, 0));
			hit_path = arena_strdup(g->keep, db_text(q, 3));
		}
	}
	if (rc < 0)
		return -1;
	struct arena *keep = g->keep; /* the lookups are remembered */
	struct found *f = arena_alloc(keep, sizeof(*f));
	*f = (struct found){ *b, arena_strdup(keep, key), n > 1 ? "" : hit,
		             n > 1 ? NULL : hit_path };
	*b = f;
	*id = f->id;
	*out_path = f->path;
	return 0;
}

int tab_registry_row(struct tab_registry *g, struct tab_check *k, const struct tab_row *row,
                     const char **place_id, struct err *e)
{
	struct arena *a = g->a;
	const char *id = g->root_id, *path = g->root_path;
	*place_id = NULL;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct tab_cell *c = tab_check_cell(k, row, steps[i].field);
		if (!c)
			continue;
		const char *text = tab_cell_text(a, c), *next, *next_path;
		if (find_below(g, &steps[i], path, text, &next, &next_path, e))
			return -1;
		if (!next) {
			tab_check_add(k, c, 0, "import.place_unknown",
			              arena_printf(a, "no %s '%.40s' under the place imported to",
			                           steps[i].label, text));
			return 0;
		}
		if (!*next) {
			tab_check_add(k, c, 0, "import.place_ambiguous",
			              arena_printf(a,
			                           "several places '%.40s' match: write it in full",
			                           text));
			return 0;
		}
		id = next;
		path = next_path;
	}
	*place_id = id;
	/* an identity number already registered: a re-import skips the person */
	const struct tab_cell *c = tab_check_cell(k, row, TF_ID_NO);
	struct id_doc doc;
	struct err ie;
	char a1[16];
	err_clear(&ie);
	if (!c || tab_idno_check(c, k->today, tab_a1(c->row, c->col, a1), &doc, &ie))
		return 0; /* the row check has said what is wrong with it */
	const char *hashes[2];
	int nh = crypt_lookups(a, doc.norm, hashes);
	if (!nh || (g->known && tab_seen_row(g->known, hashes[0]) < 0 &&
	            tab_seen_row(g->known, hashes[nh - 1]) < 0))
		return 0;
	/* one hash a query, the person alone: PostgreSQL's plan of "= ? OR = ?", or of a join
	 * with places, could scan every person of the place for each row */
	struct db_stmt *st = NULL;
	int rc = 0;
	for (int i = 0; i < nh && !rc; i++) {
		if (i && !strcmp(hashes[i], hashes[0]))
			break;
		st = db_query(g->db, e,
		              "SELECT id, household_id, place_id FROM persons WHERE id_hash = ?",
		              DB_T(hashes[i]));
		rc = st ? db_step(st, e) : -1;
	}
	if (rc < 0)
		return -1;
	if (rc == 1) {
		k->person_id = arena_strdup(a, db_text(st, 0));
		k->person_household = arena_strdup(a, db_text(st, 1));
		const char *at = arena_strdup(a, db_text(st, 2));
		db_done(st);
		/* where, only when inside the place imported to: the importer may not see others */
		st = db_query(g->db, e, "SELECT name, path FROM places WHERE id = ?", DB_T(at));
		if (!st || (rc = db_step(st, e)) < 0)
			return -1;
		int inside =
		    rc == 1 && !strncmp(db_text(st, 1), g->root_path, strlen(g->root_path));
		tab_check_add(k, c, 1, "import.registered",
		              inside
		                  ? arena_printf(a,
		                                 "already registered at %s: an import leaves the "
		                                 "person as registered",
		                                 db_text(st, 0))
		                  : "already registered elsewhere: an import leaves the person "
		                    "as registered");
		if (rc == 1)
			db_done(st);
	}
	return 0;
}
