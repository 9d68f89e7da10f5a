/*
 * import.c - a register imported: the file kept sealed, its columns mapped, every row checked
 * (the dry run, each problem stored), then the good rows written in batches, each batch one
 * transaction that also records how far the import has come. Rows are grouped into
 * households by 户号, by the head each member follows, by the head's name, or one person a
 * household; a household or person already registered is found again, so the same file
 * imported twice changes nothing. See docs/internals/tabular.md ("Importing").
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/config.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/log.h"
#include "core/media.h"
#include "core/util.h"
#include "people/people.h"
#include "places/places.h"
#include "core/banned.h"

#define HEAD_ROWS 20

/* ---- the file ---- */

static const char *sealed_path(struct arena *a, const char *import_id)
{
	return arena_printf(a, "%s/imports/%s.sealed", media_dir(), import_id);
}

static void remove_file(void *path)
{
	unlink(path);
}

/* a temporary file in the imports folder, removed when a is released */
static const char *temp_path(struct arena *a, struct err *e)
{
	char *dir = arena_printf(a, "%s/imports", media_dir());
	mkdir(media_dir(), 0750);
	mkdir(dir, 0700);
	char *path = arena_printf(a, "%s/tmp-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0) {
		err_internal(e, "cannot make a file in %s", dir);
		return NULL;
	}
	close(fd);
	unlink(path); /* the sealing and opening create it afresh (O_EXCL) */
	arena_defer(a, remove_file, path);
	return path;
}

int import_keep_file(struct arena *a, const char *tmp_path, const char *import_id, char sha[65],
                     int64_t *size, struct err *e)
{
	FILE *f = fopen(tmp_path, "rb");
	if (!f)
		return err_internal(e, "cannot read the upload");
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	size_t n;
	*size = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		crypto_hash_sha256_update(&st, buf, n);
		*size += (int64_t)n;
	}
	fclose(f);
	crypto_hash_sha256_final(&st, h);
	hex_encode(h, sizeof(h), sha);
	char *dir = arena_printf(a, "%s/imports", media_dir());
	mkdir(media_dir(), 0750);
	mkdir(dir, 0700);
	return crypt_seal_file(tmp_path, sealed_path(a, import_id), e);
}

void import_drop_file(struct arena *a, const char *import_id)
{
	unlink(sealed_path(a, import_id));
}

/* open the import's sealed file (a plain copy lives while a does) */
int import_open(struct arena *a, const char *import_id, struct tab_book **b, struct err *e)
{
	const char *plain = temp_path(a, e);
	if (!plain)
		return -1;
	if (crypt_open_file(sealed_path(a, import_id), plain, e))
		return -1;
	return tab_open(a, plain, b, e);
}

/* ---- the header and the mapping ---- */

int import_header(struct arena *a, struct tab_book *b, size_t sheet, struct tab_header *h,
                  struct err *e)
{
	struct tab_row *rows;
	int n;
	if (tab_head(b, sheet, HEAD_ROWS, a, &rows, &n, e))
		return -1;
	const struct tab_sheet *sh = &b->sheets[sheet];
	tab_header_find(a, rows, n, sh->merges, sh->nmerges, h);
	return 0;
}

const char *import_template(struct arena *a, const struct tab_header *h)
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (int i = 0; i < h->ncols; i++) {
		const char *name = h->names[i] ? h->names[i] : "";
		crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
		crypto_hash_sha256_update(&st, (const unsigned char *)"\t", 1);
	}
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, d);
	char *hex = arena_alloc(a, 33);
	hex_encode(d, 16, hex);
	return hex;
}

void import_auto_map(struct arena *a, const struct tab_header *h, enum tab_field *map)
{
	for (int i = 0; i < h->ncols; i++) {
		enum tab_field f = i == h->seq_col ? TF_NONE : tab_field_of_header(a, h->names[i]);
		for (int j = 0; j < i && f != TF_NONE; j++)
			if (map[j] == f)
				f = TF_NONE; /* the first column of a field takes it */
		map[i] = f;
	}
}

const char *import_mapping_json(struct arena *a, const enum tab_field *map, int ncols)
{
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, a, 256);
	jw_init(&w, &sb);
	jw_arr(&w);
	for (int i = 0; i < ncols; i++) {
		const char *id = tab_field_id(map[i]);
		if (id)
			jw_str(&w, id);
		else
			jw_null(&w);
	}
	jw_arr_end(&w);
	return sb.buf;
}

int import_mapping_parse(struct arena *a, json_t *arr, int ncols, enum tab_field **out,
                         struct err *e)
{
	if (!json_is_array(arr))
		return err_invalid(e, "json.type", "mapping",
		                   "'mapping' must be an array: a field id or null per column");
	if ((int)json_array_size(arr) != ncols)
		return err_invalid(e, "import.mapping_columns", "mapping",
		                   "the sheet's header has %d columns; the mapping names %zu",
		                   ncols, json_array_size(arr));
	enum tab_field *map = arena_zalloc(a, (size_t)(ncols + 1) * sizeof(*map));
	int named = 0;
	for (int i = 0; i < ncols; i++) {
		json_t *v = json_array_get(arr, (size_t)i);
		char col[8], col2[8], field[24];
		snprintf(field, sizeof(field), "mapping[%d]", i);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) ||
		    (map[i] = tab_field_by_id(json_string_value(v))) == TF_NONE)
			return err_invalid(e, "import.field", field,
			                   "column %s: '%.40s' is not a field an import knows",
			                   tab_col_name(i, col),
			                   json_is_string(v) ? json_string_value(v) : "?");
		for (int j = 0; j < i; j++)
			if (map[j] == map[i])
				return err_invalid(e, "import.field_twice", field,
				                   "columns %s and %s are both mapped to %s",
				                   tab_col_name(j, col), tab_col_name(i, col2),
				                   tab_field_id(map[i]));
		named += map[i] == TF_NAME;
	}
	if (!named)
		return err_invalid(
		    e, "import.name_unmapped", "mapping",
		    "no column is mapped to the name: a person is a row with a name");
	*out = map;
	return 0;
}

/* ---- a new import ---- */

/* the mapping saved for a template in the county, if any (NULL) */
static int saved_map(struct db *db, struct arena *a, const char *region, const char *template,
                     const struct tab_header *h, enum tab_field **map, struct err *e)
{
	const char *json = NULL;
	int rc = db_get_text(
	    db, e, &json, "SELECT mapping FROM import_mappings WHERE region = ? AND template = ?",
	    DB_ARGS(DB_T(region), DB_T(template)));
	if (rc <= 0)
		return rc;
	json_error_t je;
	json_t *arr = json_loads(json, 0, &je);
	struct err ignored;
	rc = import_mapping_parse(a, arr, h->ncols, map, &ignored) ? 0 : 1;
	json_decref(arr);
	return rc;
}

int import_set_sheet(struct db *db, struct arena *a, const char *id, const char *region,
                     struct tab_book *b, long sheet, const enum tab_field *map_in, struct err *e)
{
	struct tab_header h;
	if (import_header(a, b, (size_t)sheet, &h, e))
		return -1;
	if (!h.found || !h.ncols)
		return err_invalid(e, "import.no_header", "sheet",
		                   "no header row (姓名, 身份证号 …) in the first %d rows of sheet "
		                   "'%s'",
		                   HEAD_ROWS, b->sheets[sheet].name);
	const char *template = import_template(a, &h);
	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, a, 256);
	jw_init(&w, &sb);
	jw_arr(&w);
	for (int i = 0; i < h.ncols; i++)
		jw_str(&w, h.names[i] ? h.names[i] : "");
	jw_arr_end(&w);
	enum tab_field *map = (enum tab_field *)map_in;
	if (!map) {
		int rc = saved_map(db, a, region, template, &h, &map, e);
		if (rc < 0)
			return -1;
		if (!rc) {
			map = arena_zalloc(a, (size_t)(h.ncols + 1) * sizeof(*map));
			import_auto_map(a, &h, map);
		}
	}
	char now[32];
	time_iso(time_now_ms(), now);
	return db_exec(
	           db, e,
	           "UPDATE imports SET sheet = ?, header_first = ?, header_rows = ?, "
	           "data_first = ?, template = ?, columns = ?, mapping = ?, state = 'uploaded', "
	           "rows_total = 0, rows_bad = 0, problems = 0, warnings = 0, "
	           "version = version + 1, updated_at = ? WHERE id = ?",
	           DB_I(sheet), DB_I(h.first), DB_I(h.nrows), DB_I(h.data_first), DB_T(template),
	           DB_T(sb.buf), DB_T(import_mapping_json(a, map, h.ncols)), DB_T(now),
	           DB_T(id)) < 0
	           ? -1
	           : 0;
}

int import_create(struct db *db, struct arena *a, const struct actor *who, const char *tmp_path,
                  const char *file_name, const struct place *place, const char *sheet_arg,
                  char id[ID_LEN + 1], struct err *e)
{
	struct tab_book *b;
	if (tab_open(a, tmp_path, &b, e))
		return -1;
	size_t sheet;
	if (tab_sheet_pick(b, sheet_arg, &sheet, e))
		return -1;
	id_new(id);
	char sha[65], now[32];
	int64_t size;
	if (import_keep_file(a, tmp_path, id, sha, &size, e))
		return -1;
	time_iso(time_now_ms(), now);
	struct strbuf sheets;
	struct jw sw;
	strbuf_init(&sheets, a, 256);
	jw_init(&sw, &sheets);
	jw_arr(&sw);
	for (size_t i = 0; i < b->nsheets; i++) {
		jw_obj(&sw);
		jw_kstr(&sw, "name", b->sheets[i].name);
		jw_ki64(&sw, "rows", b->sheets[i].rows);
		jw_ki64(&sw, "cols", b->sheets[i].cols);
		jw_kbool(&sw, "hidden", b->sheets[i].hidden);
		jw_obj_end(&sw);
	}
	jw_arr_end(&sw);
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "file_name", file_name);
	jw_kstr(w, "file_sha256", sha);
	jw_ki64(w, "file_size", size);
	jw_kstr(w, "place_id", place->id);
	if (db_begin(db, 1, e) ||
	    db_exec(db, e,
	            "INSERT INTO imports (id, region, place_id, file_name, file_sha256, file_size, "
	            "format, sheets, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
	            "?, ?, ?, ?, ?, ?)",
	            DB_T(id), DB_T(place->region), DB_T(place->id), DB_T(file_name), DB_T(sha),
	            DB_I(size), DB_T(tab_format_name(b->format)), DB_T(sheets.buf), DB_T(who->name),
	            DB_T(now), DB_T(now)) < 0 ||
	    import_set_sheet(db, a, id, place->region, b, (long)sheet, NULL, e) ||
	    audit_write(db, who, place->region, "imports", id, "create", jdoc_close(&doc), e) ||
	    db_commit(db, e)) {
		if (db_in_tx(db))
			db_rollback(db);
		import_drop_file(a, id);
		return -1;
	}
	return 0;
}

int import_save_mapping(struct db *db, const struct actor *who, const struct import_row *im,
                        const struct tab_header *h, const char *mapping, struct err *e)
{
	struct arena *a = db_arena(db);
	char now[32];
	time_iso(time_now_ms(), now);
	struct strbuf sb;
	strbuf_init(&sb, a, 256);
	for (int i = 0; i < h->ncols; i++) {
		if (i)
			strbuf_adds(&sb, "\t");
		strbuf_adds(&sb, h->names[i] ? h->names[i] : "");
	}
	if (db_exec(db, e, "DELETE FROM import_mappings WHERE region = ? AND template = ?",
	            DB_T(im->region), DB_T(im->template)) < 0 ||
	    db_exec(db, e,
	            "INSERT INTO import_mappings (region, template, headers, mapping, updated_by, "
	            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
	            DB_T(im->region), DB_T(im->template), DB_T(sb.buf), DB_T(mapping),
	            DB_T(who->name), DB_T(now)) < 0)
		return -1;
	return 0;
}

/* ---- one pass over the rows: the check, and the writing ---- */

/* a household of the file, by its key */
struct hh {
	struct hh *next;
	uint64_t hash; /* of key (str_hash): a chain is walked by it, and the table grows by it */
	const char *key;
	long first_row, head_row; /* head_row -1: none yet */
	const char *place_id;
	int head_bad;
	const char *id; /* written or found (the run) */
	long made;      /* the batch that made it (the run), from 1; 0: made by none */
};
#define HH_FIRST 4096 /* buckets at first; doubled when there are as many households */

enum hh_mode {
	HH_HUKOU,
	HH_RELATION,
	HH_HEAD_NAME,
	HH_EACH
};

struct tag {
	const char *id, *name, *entity;
	int perm, rule;
};

struct pass {
	struct db *db;
	struct arena *a; /* what lasts the pass: households, tags, places found, IDs seen */
	struct arena s;  /* one row's values, released before the next row */
	const struct import_row *im;
	const struct actor *who;
	struct tab_book *b;
	struct tab_check k;
	struct tab_registry g;
	struct place root;
	enum hh_mode mode;
	struct hh **hh;
	size_t hh_size, hh_used;
	struct hh *last; /* the household of the previous row */
	int write;
	long row_done; /* rows up to this one were written by an earlier attempt */
	long data_rows, seen_rows, last_row;
	int ended, in_tx;
	int load, ending;      /* a first load: one transaction (people_load); its last batch */
	struct people_load ld; /* the indexes it made again at its end */
	long batch, batch_rows, batches, stop_after;
	long serial; /* of the batch, from 1 */
	long seq;    /* problems stored */
	int64_t rows, bad, problems, warnings, hh_added, p_added, p_same;
	struct people_bulk bulk; /* the batch's grams, its people's facts (for their tags) */
	struct hh **touched;     /* households written in the batch, for their tags */
	size_t ntouched, cap_touched;
	const char *today;
	import_progress_fn progress;
	void *pctx;
	struct err *e;
	int failed;
	/* the row being checked: its household and relation */
	struct hh *row_hh;
	const char *relation;
	const char *tag_ids[8], *tag_entity[8];
	int ntags;
	struct tag *tagdefs;
	size_t ntagdefs;
};

/* twice the buckets, each household moved by the hash it keeps: a million-person register has
 * a third of a million households, and chains that long were 8% of its import */
static void hh_grow(struct pass *p)
{
	size_t size = p->hh_size ? 2 * p->hh_size : HH_FIRST;
	struct hh **t = arena_zalloc(p->a, size * sizeof(*t));
	for (size_t i = 0; i < p->hh_size; i++)
		for (struct hh *h = p->hh[i], *next; h; h = next) {
			next = h->next;
			h->next = t[h->hash & (size - 1)];
			t[h->hash & (size - 1)] = h;
		}
	p->hh = t;
	p->hh_size = size;
}

static struct hh *hh_get(struct pass *p, const char *key, long row)
{
	uint64_t hash = str_hash(key);
	if (p->hh_used >= p->hh_size)
		hh_grow(p);
	struct hh **b = &p->hh[hash & (p->hh_size - 1)];
	for (struct hh *h = *b; h; h = h->next)
		if (h->hash == hash && !strcmp(h->key, key))
			return h;
	struct hh *h = arena_zalloc(p->a, sizeof(*h));
	*h = (struct hh){ *b, hash, arena_strdup(p->a, key), row, -1, NULL, 0, NULL };
	*b = h;
	p->hh_used++;
	return h;
}

static const char *cell_text(struct pass *p, const struct tab_row *row, enum tab_field f)
{
	const struct tab_cell *c = tab_check_cell(&p->k, row, f);
	if (!c)
		return NULL;
	const char *t = tab_cell_text(&p->s, c);
	while (*t == ' ')
		t++;
	return *t ? t : NULL;
}

static void problem(void *ctx, const struct tab_problem *pr)
{
	struct pass *p = ctx;
	if (p->last_row <= p->row_done)
		return; /* counted and stored by the attempt that wrote the row */
	p->problems += !pr->warning;
	p->warnings += pr->warning;
	if (p->failed || p->seq >= IMPORT_PROBLEMS_KEPT)
		return;
	if (db_exec(p->db, p->e,
	            "INSERT INTO import_problems (import_id, seq, line, col, cell, code, message, "
	            "warning) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(p->im->id), DB_I(++p->seq), DB_I(pr->row + 1), DB_I(pr->col + 1),
	            DB_T(pr->cell), DB_T(pr->code), DB_T(pr->message), DB_I(pr->warning)) < 0)
		p->failed = 1;
}

/* the household a row belongs to, and its relation; problems of the household added */
static void household_of(struct pass *p, const struct tab_row *row)
{
	struct arena *a = &p->s;
	const char *rel_text = cell_text(p, row, TF_RELATION);
	const char *rel = rel_text ? tab_relation_of(a, rel_text) : NULL;
	const char *key = NULL;
	struct hh *h = NULL;
	const struct tab_cell *anchor = row->n ? &row->cells[0] : NULL;
	switch (p->mode) {
	case HH_HUKOU:
	case HH_HEAD_NAME: {
		enum tab_field f = p->mode == HH_HUKOU ? TF_HUKOU_NO : TF_HEAD_NAME;
		const char *v = cell_text(p, row, f);
		if (v)
			key = arena_printf(a, "%d\t%s", (int)f, v);
		else if (p->last) /* a cell merged down over the household's rows */
			h = p->last;
		break;
	}
	case HH_RELATION:
		if (rel && !strcmp(rel, "head"))
			key = arena_printf(a, "r\t%d", row->row);
		else
			h = p->last;
		break;
	case HH_EACH:
		key = arena_printf(a, "e\t%d", row->row);
		rel = "head";
		break;
	}
	if (key)
		h = hh_get(p, key, row->row);
	if (!h) {
		tab_check_add(&p->k, anchor, 0, "import.no_head",
		              "this row follows no head of a household: put the household's head "
		              "(户主) above its members");
		p->row_hh = NULL;
		return;
	}
	if (!rel) /* no relation written: the first row of a household is its head */
		rel = h->head_row < 0 && h->first_row == row->row && p->mode != HH_HEAD_NAME
		          ? "head"
		      : p->mode == HH_HEAD_NAME &&
		              !strcmp(cell_text(p, row, TF_NAME) ? cell_text(p, row, TF_NAME) : "",
		                      h->key + 2)
		          ? "head"
		          : "other";
	if (!strcmp(rel, "head")) {
		if (h->head_row >= 0 && h->head_row != row->row)
			tab_check_add(&p->k, anchor, 0, "import.two_heads",
			              arena_printf(a,
			                           "the household already has its head on row %ld",
			                           h->head_row + 1));
		else
			h->head_row = row->row;
	} else if (h->head_row >= 0 && h->head_bad) {
		tab_check_add(&p->k, anchor, 0, "import.household_bad",
		              arena_printf(a,
		                           "the household's head on row %ld has errors: correct it "
		                           "first",
		                           h->head_row + 1));
	}
	if (!h->place_id)
		h->place_id = p->k.place_id;
	else if (p->k.place_id && strcmp(h->place_id, p->k.place_id))
		tab_check_add(&p->k, anchor, 0, "import.household_place",
		              "this member is written at another place than the household's first "
		              "row");
	p->row_hh = h;
	p->relation = rel;
	p->last = h;
}

/* the tags a row names (人员类别: "低保户、残疾人"), as the catalogue's ids; names it does
 * not know, or restricted ones, a warning */
static int tags_of(struct pass *p, const struct tab_row *row)
{
	p->ntags = 0;
	const struct tab_cell *c = tab_check_cell(&p->k, row, TF_TAGS);
	if (!c)
		return 0;
	struct arena *a = &p->s;
	char *s = arena_strdup(a, tab_cell_text(a, c));
	static const char *const seps[] = { "、", "，", ",", "；", ";", "/", " ", "　" };
	for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
		for (char *q; (q = strstr(s, seps[i]));)
			memset(q, '\n', strlen(seps[i]));
	for (char *tok = s, *next; tok && *tok; tok = next) {
		next = strchr(tok, '\n');
		if (next)
			*next++ = '\0';
		if (!*tok)
			continue;
		/* 低保户, 残疾人: the catalogue says 低保, 残疾 */
		size_t n = strlen(tok);
		const char *bare =
		    n > 3 && (!strcmp(tok + n - 3, "户") || !strcmp(tok + n - 3, "人"))
		        ? arena_strndup(a, tok, n - 3)
		        : tok;
		const struct tag *t = NULL;
		for (size_t i = 0; i < p->ntagdefs && !t; i++)
			if (!strcmp(p->tagdefs[i].name, tok) || !strcmp(p->tagdefs[i].name, bare))
				t = &p->tagdefs[i];
		const char *id = t ? t->id : NULL, *entity = t ? t->entity : NULL;
		int rule = t && t->rule, perm = t && t->perm;
		if (!id)
			tab_check_add(
			    &p->k, c, 1, "import.tag_unknown",
			    arena_printf(a, "'%.40s' is not a tag of the catalogue: left out",
			                 tok));
		else if (rule)
			tab_check_add(
			    &p->k, c, 1, "import.tag_rule",
			    arena_printf(a, "'%.40s' is derived by its rule: left to it", tok));
		else if (perm)
			tab_check_add(
			    &p->k, c, 1, "import.tag_restricted",
			    arena_printf(a,
			                 "'%.40s' is a restricted tag: set it by hand, not "
			                 "by an import",
			                 tok));
		else if (p->ntags < 8) {
			p->tag_ids[p->ntags] = id;
			p->tag_entity[p->ntags++] = entity;
		}
	}
	return 0;
}

/* the tag catalogue, read once a pass */
static int load_tags(struct pass *p)
{
	struct db_stmt *st =
	    db_query(p->db, p->e, "SELECT id, name, applies_to, perm, rule FROM tags", DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	size_t cap = 0;
	while ((rc = db_step(st, p->e)) == 1) {
		if (p->ntagdefs == cap) {
			size_t n = cap ? 2 * cap : 32;
			p->tagdefs = arena_realloc(p->a, p->tagdefs, cap * sizeof(*p->tagdefs),
			                           n * sizeof(*p->tagdefs));
			cap = n;
		}
		p->tagdefs[p->ntagdefs++] = (struct tag){ arena_strdup(p->a, db_text(st, 0)),
			                                  arena_strdup(p->a, db_text(st, 1)),
			                                  arena_strdup(p->a, db_text(st, 2)),
			                                  !db_isnull(st, 3), !db_isnull(st, 4) };
	}
	return rc;
}

/* a household check sits on the row check: called with the row's problems open */
static int row_more(struct tab_check *k, const struct tab_row *row, void *ctx)
{
	struct pass *p = ctx;
	(void)k;
	household_of(p, row);
	return tags_of(p, row);
}

static int begin(struct pass *p)
{
	if (p->in_tx)
		return 0;
	if (p->load ? people_load_begin(p->db, p->a, &p->ld, p->e) : db_begin(p->db, 1, p->e))
		return -1;
	p->in_tx = 1;
	return 0;
}

/* the household found again: by 户号 at its place, by its head's registered identity number,
 * or by a head of the same name at the place */
static int household_find(struct pass *p, const struct tab_row *row, struct hh *h, const char **id)
{
	const char *found = NULL, *hukou = cell_text(p, row, TF_HUKOU_NO);
	int rc = 0;
	if (p->mode == HH_HUKOU && hukou) {
		rc = db_get_text(p->db, p->e, &found,
		                 "SELECT id FROM households WHERE place_id = ? AND hukou_no = ? "
		                 "AND status = 'active'",
		                 DB_ARGS(DB_T(h->place_id), DB_T(hukou)));
	} else if (p->k.person_household) {
		found = p->k.person_household;
	} else {
		const char *name =
		    cell_text(p, row, strcmp(p->relation, "head") ? TF_HEAD_NAME : TF_NAME);
		if (name)
			rc = db_get_text(
			    p->db, p->e, &found,
			    "SELECT h.id FROM households h JOIN persons x ON x.id = "
			    "h.head_id WHERE h.place_id = ? AND x.name = ? AND h.status = "
			    "'active'",
			    DB_ARGS(DB_T(h->place_id), DB_T(name)));
	}
	*id = found ? arena_strdup(p->a, found) : NULL; /* kept for the household's next rows */
	return rc < 0 ? -1 : 0;
}

static const char *status_of(const char *text)
{
	if (!text)
		return NULL;
	if (strstr(text, "外出") || strstr(text, "务工") || strstr(text, "在外"))
		return "away";
	if (strstr(text, "死亡") || strstr(text, "去世"))
		return "deceased";
	if (strstr(text, "迁出"))
		return "moved_out";
	return "present";
}

static const char *household_kind_of(const char *text)
{
	if (!text)
		return NULL;
	if (strstr(text, "流动") || strstr(text, "暂住") || strstr(text, "外来") ||
	    strstr(text, "租"))
		return "resident";
	return "registered";
}

/* a household written in the batch, for its tags at the end; a household's rows follow each
 * other, so a look at the last few keeps the list short (one twice only costs its tags twice) */
static int touch(struct pass *p, struct hh *h)
{
	for (size_t i = p->ntouched; i-- > 0 && i + 8 >= p->ntouched;)
		if (p->touched[i] == h)
			return 0;
	if (p->ntouched == p->cap_touched) {
		size_t cap = p->cap_touched ? 2 * p->cap_touched : 256;
		p->touched = arena_realloc(p->a, p->touched, p->cap_touched * sizeof(*p->touched),
		                           cap * sizeof(*p->touched));
		p->cap_touched = cap;
	}
	p->touched[p->ntouched++] = h;
	return 0;
}

/* write one checked row without errors */
static int write_row(struct pass *p, const struct tab_row *row)
{
	struct arena *a = &p->s;
	struct hh *h = p->row_hh;
	if (p->k.person_id) { /* registered already: left as it is */
		p->p_same++;
		if (!h->id)
			h->id = arena_strdup(p->a, p->k.person_household);
		return 0;
	}
	if (!h->id && household_find(p, row, h, &h->id))
		return -1;
	const char *name = cell_text(p, row, TF_NAME);
	if (h->id) {
		const char *same = NULL; /* without an identity number: the same name there */
		int rc =
		    tab_check_cell(&p->k, row, TF_ID_NO)
		        ? 0
		        : db_get_text(p->db, p->e, &same,
		                      "SELECT id FROM persons WHERE household_id = ? AND name = ?",
		                      DB_ARGS(DB_T(h->id), DB_T(name)));
		if (rc < 0)
			return -1;
		if (rc == 1) {
			p->p_same++;
			return 0;
		}
	} else {
		struct household_in hin = {
			.place_id = h->place_id,
			.address = cell_text(p, row, TF_ADDRESS),
			.kind = household_kind_of(cell_text(p, row, TF_HOUSEHOLD_KIND)),
			.hukou_no = cell_text(p, row, TF_HUKOU_NO),
		};
		if (people_household_add(p->db, p->who, &hin, &p->bulk, &h->id, p->e))
			return -1;
		h->id = arena_strdup(p->a, h->id);
		h->made = p->serial;
		p->hh_added++;
	}
	struct person_in in = { .household_id = h->id, .name = name, .relation = p->relation };
	const struct tab_cell *c;
	struct id_doc doc;
	struct err ie;
	char a1[16];
	err_clear(&ie);
	if ((c = tab_check_cell(&p->k, row, TF_ID_NO)) &&
	    !tab_idno_check(c, p->today, tab_a1(c->row, c->col, a1), &doc, &ie)) {
		in.id_no = arena_strdup(a, doc.norm);
		in.id_kind = idno_kind_name(doc.kind);
	}
	in.phone = cell_text(p, row, TF_PHONE);
	if (!in.phone)
		in.phone = cell_text(p, row, TF_LANDLINE);
	const char *sex = cell_text(p, row, TF_SEX);
	in.sex = sex ? tab_sex_of(a, sex) : NULL;
	char ymd[11];
	if ((c = tab_check_cell(&p->k, row, TF_BIRTH_DATE)) &&
	    !tab_cell_date(c, p->k.date1904, ymd))
		in.birth_date = arena_strdup(a, ymd);
	in.ethnicity = cell_text(p, row, TF_ETHNICITY);
	in.note = cell_text(p, row, TF_NOTE);
	in.status = status_of(cell_text(p, row, TF_STATUS));
	const char *pid;
	struct err we;
	err_clear(&we);
	if (people_person_add(p->db, p->who, &in, p->today, &p->bulk, &pid, &we)) {
		if (we.status >= 500) {
			*p->e = we;
			return -1;
		}
		/* a rule of the registry the file could not know (a household with a head) */
		struct tab_problem pr = {
			row->row, 0, tab_a1(row->row, 0, a1), we.code, we.msg, 0
		};
		problem(p, &pr);
		p->bad++;
		return 0;
	}
	pid = arena_strdup(a, pid);
	for (int i = 0; i < p->ntags; i++)
		if (people_tag_add(p->db, p->who,
		                   !strcmp(p->tag_entity[i], "household") ? "households"
		                                                          : "persons",
		                   !strcmp(p->tag_entity[i], "household") ? h->id : pid,
		                   p->tag_ids[i], "import:other", p->today, PEOPLE_BULK, p->e))
			return -1;
	p->p_added++;
	return touch(p, h);
}

/* the end of a batch: the tags of its households, one audit row, how far the import has come;
 * committed, but for a first load's batches before its last */
static int batch_end(struct pass *p)
{
	if (!p->in_tx)
		return 0;
	int commit = !p->load || p->ending;
	/* a first load holds its grams to its end (or up to import.load_grams_max), each
	 * import.load_grams of them sorted by another thread while the rows that follow are read,
	 * and writes them in one pass */
	if (commit || p->bulk.held >= (size_t)config_int("import.load_grams_max")
	        ? people_bulk_flush(p->db, &p->bulk, p->e)
	        : p->bulk.n >= (size_t)config_int("import.load_grams") &&
	              people_bulk_hand(&p->bulk, p->e))
		return -1;
	/* the rule tags of the households written: of those the batch made, from what it wrote */
	const char **ids = arena_alloc(&p->s, (p->ntouched + 1) * sizeof(*ids));
	unsigned char *made = arena_alloc(&p->s, p->ntouched + 1);
	for (size_t i = 0; i < p->ntouched; i++) {
		ids[i] = p->touched[i]->id;
		made[i] = p->touched[i]->made == p->serial;
	}
	if (people_bulk_derive(p->db, &p->bulk, ids, made, p->ntouched, p->today, p->e))
		return -1;
	p->ntouched = 0;
	p->serial++;
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_exec(p->db, p->e,
	            "UPDATE imports SET rows_done = ?, rows_total = ?, rows_bad = ?, problems = ?, "
	            "warnings = ?, households_added = ?, persons_added = ?, persons_same = ?, "
	            "updated_at = ? WHERE id = ?",
	            DB_I(p->last_row + 1), DB_I(p->rows), DB_I(p->bad), DB_I(p->problems),
	            DB_I(p->warnings), DB_I(p->hh_added), DB_I(p->p_added), DB_I(p->p_same),
	            DB_T(now), DB_T(p->im->id)) < 0)
		return -1;
	if (p->write) {
		struct jdoc doc;
		struct jw *w = jdoc_open(&doc, &p->s);
		jw_ki64(w, "to_row", p->last_row + 1);
		jw_ki64(w, "households_added", p->hh_added);
		jw_ki64(w, "persons_added", p->p_added);
		jw_ki64(w, "persons_same", p->p_same);
		if (audit_write(p->db, p->who, p->im->region, "imports", p->im->id, "batch",
		                jdoc_close(&doc), p->e))
			return -1;
	}
	if (commit && (p->load ? people_load_end(p->db, &p->ld, p->e) : db_commit(p->db, p->e)))
		return -1;
	p->in_tx = !commit;
	p->batch = 0;
	if (p->stop_after && ++p->batches >= p->stop_after)
		return err_internal(p->e, "stopped after %ld batches (import.stop_after)",
		                    p->batches);
	if (p->progress)
		p->progress(p->pctx, p->seen_rows, p->data_rows);
	return 0;
}

static int pass_row(const struct tab_row *row, void *ctx, struct err *e)
{
	struct pass *p = ctx;
	(void)e;
	if (row->row < p->im->data_first || p->ended)
		return 0;
	if (tab_row_is_summary(row)) {
		p->ended = 1;
		return 1;
	}
	if (tab_row_is_blank(row))
		return 0;
	p->last_row = row->row;
	p->seen_rows++;
	arena_release(&p->s); /* the last row's values */
	arena_init(&p->s, 16384);
	int redo = row->row <= p->row_done; /* written by an earlier attempt */
	if (!redo && begin(p))
		return -1;
	p->row_hh = NULL;
	int errors = tab_check_row(&p->k, row);
	if (errors < 0 || p->failed)
		return -1;
	if (redo) { /* counted, stored and written already: only its household is wanted */
		struct hh *h = p->row_hh;
		if (p->write && !errors && h && !h->id && p->k.person_household)
			h->id = arena_strdup(p->a, p->k.person_household);
		else if (p->write && !errors && h && !h->id && !strcmp(p->relation, "head") &&
		         household_find(p, row, h, &h->id))
			return -1;
		return 0;
	}
	p->rows++;
	p->bad += errors > 0;
	if (errors && p->row_hh && p->row_hh->head_row == row->row)
		p->row_hh->head_bad = 1;
	if (p->write && !errors && p->row_hh && write_row(p, row))
		return -1;
	if (p->failed)
		return -1;
	if (++p->batch >= p->batch_rows && batch_end(p))
		return -1;
	return 0;
}

/* how many data rows (for progress): rows from the first data row, less blanks and the
 * summary rows, counted by the readers at open */
static long data_estimate(const struct tab_book *b, size_t sheet, long data_first)
{
	long n = b->sheets[sheet].rows - data_first;
	return n > 0 ? n : 0;
}

int import_load(struct db *db, const char *id, struct import_row *im, struct err *e)
{
	struct arena *a = db_arena(db);
	struct db_stmt *st = db_query(
	    db, e,
	    "SELECT i.id, i.region, i.place_id, i.file_name, i.format, i.sheet, i.data_first, "
	    "i.mapping, i.state, i.rows_done, i.version, p.path, i.template, i.rows_total, "
	    "i.rows_bad, i.problems, i.warnings, i.households_added, i.persons_added, "
	    "i.persons_same, i.created_by FROM imports i JOIN places p ON p.id = i.place_id "
	    "WHERE i.id = ?",
	    DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "import.not_found", "no import '%s'", id);
	memset(im, 0, sizeof(*im));
	im->id = arena_strdup(a, db_text(st, 0));
	im->region = arena_strdup(a, db_text(st, 1));
	im->place_id = arena_strdup(a, db_text(st, 2));
	im->file_name = arena_strdup(a, db_text(st, 3));
	im->format = arena_strdup(a, db_text(st, 4));
	im->sheet = (int)db_int(st, 5);
	im->data_first = db_int(st, 6);
	im->mapping = arena_strdup(a, db_text(st, 7));
	im->state = arena_strdup(a, db_text(st, 8));
	im->rows_done = db_int(st, 9);
	im->version = db_int(st, 10);
	im->place_path = arena_strdup(a, db_text(st, 11));
	im->template = arena_strdup(a, db_text(st, 12));
	for (int i = 0; i < 7; i++)
		im->counts[i] = db_int(st, 13 + i);
	im->created_by = arena_strdup(a, db_text(st, 20));
	db_done(st);
	return 0;
}

/* the mapping stored with the import, as fields */
static int stored_map(struct arena *a, const struct import_row *im, int ncols, enum tab_field **map,
                      struct err *e)
{
	json_error_t je;
	json_t *arr = json_loads(im->mapping, 0, &je);
	int rc = import_mapping_parse(a, arr, ncols, map, e);
	json_decref(arr);
	return rc;
}

/* a first load (people_load) when the register has at least import.load_rows rows and the
 * registry fewer than half as many people: its indexes made again by a sort cost less than
 * the rows' scattered writes into them (and a register imported again, whose people are
 * there already, writes nothing). Not on a resumed import, whose earlier batches are in. */
static int load_wanted(struct db *db, long rows, int *load, struct err *e)
{
	int64_t min = config_int("import.load_rows"), have = 0;
	*load = 0;
	if (!min || rows < min || strcmp(db_backend(db), "sqlite"))
		return 0;
	if (db_get_int(db, e, &have, "SELECT count(*) FROM persons", DB_ARGS(DB_NOARGS)) < 0)
		return -1;
	*load = 2 * have < rows;
	return 0;
}

/* the ID hashes registered before a first load, read once instead of one lookup a row */
static int known_hashes(struct pass *p, struct tab_seen *s)
{
	struct db_stmt *st = db_query(
	    p->db, p->e, "SELECT id_hash FROM persons WHERE id_hash IS NOT NULL", DB_NOARGS);
	int rc = st ? 1 : -1;
	while (rc == 1 && (rc = db_step(st, p->e)) == 1)
		tab_seen_add(p->a, s, db_text(st, 0), 0);
	return rc;
}

int import_pass(struct db *db, struct arena *a, const char *id, int write, const struct actor *who,
                import_progress_fn progress, void *pctx, struct err *e)
{
	struct import_row im;
	if (import_load(db, id, &im, e))
		return -1;
	struct pass p = { .db = db,
		          .a = a,
		          .im = &im,
		          .who = who,
		          .write = write,
		          .e = e,
		          .progress = progress,
		          .pctx = pctx,
		          .row_done = -1 };
	char *today = arena_alloc(a, 11);
	people_today(today);
	p.today = today;
	struct tab_header h;
	if (import_open(a, id, &p.b, e) || import_header(a, p.b, (size_t)im.sheet, &h, e))
		return -1;
	enum tab_field *map;
	if (stored_map(a, &im, h.ncols, &map, e))
		return -1;
	int found = places_get(db, im.place_id, &p.root, e);
	if (found <= 0)
		return found < 0
		           ? -1
		           : err_notfound(e, "places.not_found", "no place '%s'", im.place_id);
	p.mode = HH_EACH;
	for (int i = 0; i < h.ncols; i++) {
		enum hh_mode m = map[i] == TF_HUKOU_NO    ? HH_HUKOU
		                 : map[i] == TF_RELATION  ? HH_RELATION
		                 : map[i] == TF_HEAD_NAME ? HH_HEAD_NAME
		                                          : HH_EACH;
		if (m < p.mode)
			p.mode = m;
	}
	p.batch_rows = (long)config_int("import.batch_rows");
	p.stop_after = write ? (long)config_int("import.stop_after") : 0;
	if (load_tags(&p))
		return -1;
	tab_check_init(&p.k, a, today, map, h.ncols, p.b->date1904, problem, &p);
	tab_registry_init(&p.g, db, a, p.root.id, p.root.path);
	/* a row's values in the scratch arena (made below), what lasts in a */
	p.k.keep = a;
	p.k.a = &p.s;
	p.g.a = &p.s;
	p.k.registry = &p.g;
	p.k.err = e;
	p.k.more = row_more;
	p.k.more_ctx = &p;
	p.data_rows = data_estimate(p.b, (size_t)im.sheet, im.data_first);
	if (write && !strcmp(im.state, "running")) { /* taken up again after a restart */
		p.row_done = im.rows_done - 1;
		p.rows = im.counts[0];
		p.bad = im.counts[1];
		p.problems = im.counts[2];
		p.warnings = im.counts[3];
		p.hh_added = im.counts[4];
		p.p_added = im.counts[5];
		p.p_same = im.counts[6];
		int64_t seq = 0;
		if (db_get_int(
		        db, e, &seq,
		        "SELECT COALESCE(MAX(seq), 0) FROM import_problems WHERE import_id = ?",
		        DB_ARGS(DB_T(id))) < 0)
			return -1;
		p.seq = seq;
	}
	char now[32];
	time_iso(time_now_ms(), now);
	if (begin(&p) ||
	    (p.row_done < 0 &&
	     db_exec(db, e, "DELETE FROM import_problems WHERE import_id = ?", DB_T(id)) < 0) ||
	    db_exec(db, e,
	            "UPDATE imports SET state = ?, rows_done = ?, error = NULL, updated_at = ? "
	            "WHERE id = ?",
	            DB_T(write ? "running" : "checking"), DB_I(p.row_done + 1), DB_T(now),
	            DB_T(id)) < 0 ||
	    db_commit(db, e)) {
		if (db_in_tx(db))
			db_rollback(db);
		return -1;
	}
	p.in_tx = 0;
	if (write && p.row_done < 0 && load_wanted(db, p.data_rows, &p.load, e))
		return -1;
	struct tab_seen known = { 0 };
	if (p.load) {
		if (known_hashes(&p, &known))
			return -1;
		p.g.known = &known;
		log_info("import %s: a first load of about %ld rows, in one transaction", id,
		         p.data_rows);
	}
	/* a register's rows land all over the indexes (ID and phone hashes, name grams) */
	if (write)
		db_bulk(db, 1);
	arena_init(&p.s, 16384);
	people_bulk_init(&p.bulk);
	p.serial = 1;
	struct arena *db_a = db_arena(db);
	db_set_arena(db, &p.s); /* the database's values for a row live as long as the row */
	int rc = tab_rows(p.b, (size_t)im.sheet, pass_row, &p, e);
	p.ending = 1;
	if (!rc)
		rc = batch_end(&p);
	db_set_arena(db, db_a);
	arena_release(&p.s);
	people_bulk_release(&p.bulk);
	if (write)
		db_bulk(db, 0);
	if (rc) {
		people_load_abort(db, &p.ld);
		return -1;
	}
	time_iso(time_now_ms(), now);
	const char *state = write ? "done" : "checked";
	if (db_begin(db, 1, e) ||
	    db_exec(db, e,
	            "UPDATE imports SET state = ?, rows_done = ?, rows_total = ?, rows_bad = ?, "
	            "problems = ?, warnings = ?, households_added = ?, persons_added = ?, "
	            "persons_same = ?, updated_at = ?, finished_at = ?, version = version + 1 "
	            "WHERE id = ?",
	            DB_T(state), DB_I(write ? p.last_row + 1 : 0), DB_I(p.rows), DB_I(p.bad),
	            DB_I(p.problems), DB_I(p.warnings), DB_I(p.hh_added), DB_I(p.p_added),
	            DB_I(p.p_same), DB_T(now), write ? DB_T(now) : DB_NULL, DB_T(id)) < 0) {
		if (db_in_tx(db))
			db_rollback(db);
		return -1;
	}
	if (write) {
		struct jdoc doc;
		struct jw *w = jdoc_open(&doc, a);
		jw_ki64(w, "rows", p.rows);
		jw_ki64(w, "rows_bad", p.bad);
		jw_ki64(w, "households_added", p.hh_added);
		jw_ki64(w, "persons_added", p.p_added);
		jw_ki64(w, "persons_same", p.p_same);
		if (audit_write(db, who, im.region, "imports", id, "done", jdoc_close(&doc), e)) {
			db_rollback(db);
			return -1;
		}
	}
	if (db_commit(db, e))
		return -1;
	if (write)
		import_drop_file(a, id); /* the register is in the database now */
	return 0;
}

int import_fail(struct db *db, const char *id, const char *msg)
{
	struct err e;
	err_clear(&e);
	char now[32];
	time_iso(time_now_ms(), now);
	if (db_begin(db, 1, &e) ||
	    db_exec(db, &e,
	            "UPDATE imports SET state = 'failed', error = ?, updated_at = ?, "
	            "version = version + 1 WHERE id = ?",
	            DB_T(msg), DB_T(now), DB_T(id)) < 0 ||
	    db_commit(db, &e)) {
		if (db_in_tx(db))
			db_rollback(db);
		log_error("import %s: cannot record its failure: %s", id, e.msg);
		return -1;
	}
	return 0;
}

int import_expire(struct db *db, const struct actor *who, struct arena *a, int64_t days, int64_t *n,
                  struct err *e)
{
	char cutoff[32], now[32];
	int64_t t = time_now_ms();
	time_iso(t, now);
	time_iso(t - days * 86400 * 1000, cutoff);
	*n = 0;
	if (db_begin(db, DB_WRITE, e))
		return -1;
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT id, region, state FROM imports WHERE state IN "
	             "('uploaded', 'checking', 'checked', 'failed') AND updated_at < ?",
	             DB_T(cutoff));
	struct expired {
		const char *id, *region, *state;
	} *list = NULL;
	size_t cap = 0;
	int rc;
	while (st && (rc = db_step(st, e)) == 1) {
		if ((size_t)*n == cap) {
			size_t more = cap ? 2 * cap : 16;
			list = arena_realloc(a, list, cap * sizeof(*list), more * sizeof(*list));
			cap = more;
		}
		list[(*n)++] = (struct expired){ arena_strdup(a, db_text(st, 0)),
			                         arena_strdup(a, db_text(st, 1)),
			                         arena_strdup(a, db_text(st, 2)) };
	}
	if (!st || rc < 0)
		goto fail;
	const char *why = arena_printf(a, "the uploaded file was removed after %lld days unused",
	                               (long long)days);
	for (int64_t i = 0; i < *n; i++) {
		struct jdoc doc;
		struct jw *w = jdoc_open(&doc, a);
		jw_kstr(w, "state", list[i].state);
		if (db_exec(db, e,
		            "UPDATE imports SET state = 'expired', error = ?, updated_at = ?, "
		            "version = version + 1 WHERE id = ?",
		            DB_T(why), DB_T(now), DB_T(list[i].id)) < 0 ||
		    audit_write(db, who, list[i].region, "imports", list[i].id, "expire",
		                jdoc_close(&doc), e))
			goto fail;
	}
	if (db_commit(db, e))
		return -1;
	for (int64_t i = 0; i < *n; i++) /* the rows say so first: a crash leaves no lost file */
		import_drop_file(a, list[i].id);
	return 0;
fail:
	db_rollback(db);
	return -1;
}
