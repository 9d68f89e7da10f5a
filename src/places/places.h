/*
 * places.h - the place tree (the foundation's minimal part: NBS administrative units).
 *
 * An administrative place's id is its 12-digit NBS code, so every township that loads
 * the same county gets the same rows and merges cleanly. path is the materialized path
 * of ids ("/140000000000/140400000000/.../"), and region the 6-digit county code (the
 * partition key; for a province or city, its code padded with zeros).
 */
#ifndef CUNWU_PLACES_H
#define CUNWU_PLACES_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/audit.h"
#include "core/cli.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"

struct place {
	const char *id, *region, *code, *name, *kind, *parent_id, *path;
	int64_t depth, version;
	const char *created_at, *updated_at;
};

/* One row of an NBS division file: code,name,level,parent_code */
struct nbs_row {
	char code[13];   /* 12-digit, right-padded with zeros */
	char parent[13]; /* "" for a province */
	const char *name, *kind;
	int level; /* 0 province .. 4 village */
};

/*
 * Parse an NBS CSV file (UTF-8, header code,name,level,parent_code) and select the
 * rows to load for `under` (a code prefix of 2, 4, 6, 9 or 12 digits, or NULL for all):
 * its ancestors and its whole subtree, parents before children. Rows live in a.
 * Every bad line is reported as "line N: reason"; pure, and fuzzed.
 */
int places_nbs_parse(struct arena *a, const char *text, size_t len, const char *under,
                     struct nbs_row **rows, size_t *nrows, struct err *e);
/* Display name from an NBS name: "秦家山村村委会" -> "秦家山村". Pure. */
const char *places_short_name(struct arena *a, const char *nbs_name, const char **kind);

/* Insert the rows (existing ones are left alone), audited. *added gets the new count. */
int places_load(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                int64_t *added, struct err *e);
/* 1 found, 0 not, -1 error */
int places_get(struct db *db, const char *id, struct place *p, struct err *e);
/* The columns of a place row, read by places_read_row. */
#define PLACES_COLS                                                                                \
	"id, region, code, name, kind, parent_id, path, depth, version, created_at, updated_at"
/* Read a row of PLACES_COLS (in that order) into p. */
void places_read_row(struct db_stmt *st, struct place *p);
/* Resolve "140406101" (code prefix) or a full id to a place id: 1 found, 0 not, -1 error */
int places_resolve(struct db *db, const char *ref, struct place *p, struct err *e);

/* The embedded NBS file of Shanxi (data/admin-divisions-shanxi.csv). */
const char *places_nbs_shanxi(size_t *len);

extern const struct route_table places_routes;
extern const struct command_table places_commands;
void places_register(void);

#endif
