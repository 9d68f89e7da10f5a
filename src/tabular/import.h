/*
 * import.h - registers imported into the people module (src/tabular/import.c): the kept
 * file, the mapping, the check and the run in batches. Used by the tabular module's CLI and
 * routes only.
 */
#ifndef CUNWU_TABULAR_IMPORT_H
#define CUNWU_TABULAR_IMPORT_H

#include <jansson.h>

#include "core/audit.h"
#include "core/db.h"
#include "core/util.h"
#include "places/places.h"
#include "tabular.h"

/* an import as stored */
struct import_row {
	const char *id, *region, *place_id, *place_path, *file_name, *format, *mapping, *state;
	const char *template, *created_by;
	int sheet;
	int64_t data_first, rows_done, version;
	/* rows_total, rows_bad, problems, warnings, households_added, persons_added,
	 * persons_same */
	int64_t counts[7];
};

int import_load(struct db *db, const char *id, struct import_row *im, struct err *e);

/* Keep an upload as the import's file: its SHA-256 (hex) and size, sealed under the key file
 * in <media.dir>/imports/. import_drop_file removes it (the import is done). */
int import_keep_file(struct arena *a, const char *tmp_path, const char *import_id, char sha[65],
                     int64_t *size, struct err *e);
void import_drop_file(struct arena *a, const char *import_id);

/* The header of a sheet (the first 20 rows looked at). */
int import_header(struct arena *a, struct tab_book *b, size_t sheet, struct tab_header *h,
                  struct err *e);
/* A header's template: its cleaned names hashed (32 hex digits), the key of a saved mapping. */
const char *import_template(struct arena *a, const struct tab_header *h);
/* Each column's field from its name (the 序号 column and a field's second column none). */
void import_auto_map(struct arena *a, const struct tab_header *h, enum tab_field *map);
/* A mapping as stored and shown: a JSON array, a field id or null per column. */
const char *import_mapping_json(struct arena *a, const enum tab_field *map, int ncols);
/* A mapping sent (an array of ncols field ids or nulls) as fields: 400 import.field naming
 * the column, import.field_twice, import.mapping_columns, import.name_unmapped. */
int import_mapping_parse(struct arena *a, json_t *arr, int ncols, enum tab_field **out,
                         struct err *e);

/*
 * A new import of the file at tmp_path for place, by who: the file read (import.* errors
 * for what is no register), its sheet chosen, its header found (400 import.no_header) and
 * mapped (the mapping saved for its template in the county, else from the header names),
 * the file kept sealed, the row and an audit row written in a transaction of its own.
 */
int import_create(struct db *db, struct arena *a, const struct actor *who, const char *tmp_path,
                  const char *file_name, const struct place *place, const char *sheet_arg,
                  char id[ID_LEN + 1], struct err *e);
/* Choose another sheet (and its header and mapping; map NULL: saved or automatic), in the
 * caller's transaction; the import is 'uploaded' again. */
int import_set_sheet(struct db *db, struct arena *a, const char *id, const char *region,
                     struct tab_book *b, long sheet, const enum tab_field *map, struct err *e);
/* The import's file, opened (a plain copy lives while a does). */
int import_open(struct arena *a, const char *id, struct tab_book **b, struct err *e);
/* Save a mapping for the import's template in its county (the caller's transaction). */
int import_save_mapping(struct db *db, const struct actor *who, const struct import_row *im,
                        const struct tab_header *h, const char *mapping, struct err *e);

/* Called after each batch: rows looked at so far, and about how many there are. */
typedef void (*import_progress_fn)(void *ctx, long done, long total);

/*
 * One pass over the import's rows, in its own transactions (the caller holds none): every
 * row checked against the file and the registry, each problem stored (the first 20,000), the
 * counts kept. With write, the rows without errors are written in batches (import.batch_rows,
 * 5,000), each one transaction that also records the rows done, so a pass cut off is taken up where
 * its last batch ended (state 'running'); then state 'done' and the file removed. Without, state
 * 'checked' (a dry run: nothing written but the problems).
 */
int import_pass(struct db *db, struct arena *a, const char *id, int write, const struct actor *who,
                import_progress_fn progress, void *pctx, struct err *e);
/* the problems stored per import (import_problems); the counts go on */
#define IMPORT_PROBLEMS_KEPT 20000
/* Record that a pass failed (state 'failed', the message), in a transaction of its own. */
int import_fail(struct db *db, const char *id, const char *msg);
/* Uploads not imported (uploaded, checked or failed, or a check cut off: checking) untouched
 * for days: state 'expired', audited, their sealed files removed; *n how many. */
int import_expire(struct db *db, const struct actor *who, struct arena *a, int64_t days, int64_t *n,
                  struct err *e);

#endif
