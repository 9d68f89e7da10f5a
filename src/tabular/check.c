/*
 * check.c - checking the data rows of a register before the registry is asked (pure): every
 * cell of a mapped column read as its field wants it, each problem named by its cell, code
 * and reason, and identity numbers that appear twice in the file. See tabular.h.
 */
#include "tabular.h"

#include <stdint.h>
#include <string.h>

#include "core/util.h"
#include "people/rules.h"
#include "core/banned.h"

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int tab_seen_row(const struct tab_seen *s, const char *key)
{
	if (!s->size)
		return -1;
	for (size_t i = fnv(key) & (s->size - 1); s->key[i]; i = (i + 1) & (s->size - 1))
		if (!strcmp(s->key[i], key))
			return s->row[i];
	return -1;
}

int tab_seen_add(struct arena *a, struct tab_seen *s, const char *norm, int row)
{
	if (2 * (s->used + 1) > s->size) {
		struct tab_seen g = { s->size ? 2 * s->size : 1024, 0, NULL, NULL };
		g.key = arena_zalloc(a, g.size * sizeof(*g.key));
		g.row = arena_zalloc(a, g.size * sizeof(*g.row));
		for (size_t i = 0; i < s->size; i++)
			if (s->key[i])
				tab_seen_add(a, &g, s->key[i], s->row[i]);
		*s = g;
	}
	size_t i = fnv(norm) & (s->size - 1);
	for (; s->key[i]; i = (i + 1) & (s->size - 1))
		if (!strcmp(s->key[i], norm))
			return s->row[i];
	s->key[i] = arena_strdup(a, norm);
	s->row[i] = row;
	s->used++;
	return -1;
}

void tab_check_init(struct tab_check *k, struct arena *a, const char *today,
                    const enum tab_field *map, int ncols, int date1904, tab_problem_fn fn,
                    void *ctx)
{
	memset(k, 0, sizeof(*k));
	k->a = a;
	k->today = today;
	k->map = map;
	k->ncols = ncols;
	k->date1904 = date1904;
	k->problem = fn;
	k->ctx = ctx;
	k->seen = arena_zalloc(a, sizeof(*k->seen));
}

/* a row's problems, kept to be given in column order (codes and messages copied: an err's
 * live in the err) */
#define ROW_PROBLEMS 32
struct row_problems {
	size_t n;
	struct tab_problem p[ROW_PROBLEMS];
};

static void problem(struct tab_check *k, struct row_problems *rp, const struct tab_cell *c,
                    int warning, const char *code, const char *msg)
{
	if (rp->n == ROW_PROBLEMS)
		return;
	char a1[16];
	rp->p[rp->n++] = (struct tab_problem){ c->row,
		                               c->col,
		                               arena_strdup(k->a, tab_a1(c->row, c->col, a1)),
		                               arena_strdup(k->a, code),
		                               arena_strdup(k->a, msg),
		                               warning };
}

void tab_check_add(struct tab_check *k, const struct tab_cell *c, int warning, const char *code,
                   const char *msg)
{
	if (k->cur)
		problem(k, k->cur, c, warning, code, msg);
}

const struct tab_cell *tab_check_cell(const struct tab_check *k, const struct tab_row *row,
                                      enum tab_field f)
{
	for (int i = 0; i < row->n && i < k->ncols; i++)
		if (k->map[i] == f && row->cells[i].kind != TAB_EMPTY && *row->cells[i].text)
			return &row->cells[i];
	return NULL;
}

static void check_id(struct tab_check *k, struct row_problems *rp, const struct tab_row *row,
                     const struct tab_cell *c, struct id_doc *doc)
{
	struct err e;
	char a1[16];
	err_clear(&e);
	if (tab_idno_check(c, k->today, tab_a1(c->row, c->col, a1), doc, &e)) {
		problem(k, rp, c, 0, e.code, e.msg);
		doc->kind = ID_NONE;
		return;
	}
	int first = tab_seen_add(k->keep ? k->keep : k->a, k->seen, doc->norm, row->row);
	if (first >= 0)
		problem(k, rp, c, 0, "import.duplicate_in_file",
		        arena_printf(k->a, "the same identity number is on row %d", first + 1));
}

int tab_check_row(struct tab_check *k, const struct tab_row *row)
{
	struct row_problems rows_p = { 0 }, *rp = &rows_p;
	k->cur = rp;
	k->place_id = NULL;
	k->person_id = k->person_household = NULL;
	struct arena *a = k->a;
	const struct tab_cell *c = NULL;
	for (int i = 0; i < row->n; i++) {
		c = &row->cells[i];
		if (c->flags & (TAB_LOST | TAB_SUBST))
			problem(k, rp, c, 1, "import.lost_chars",
			        c->flags & TAB_LOST
			            ? "characters that do not exist in GB18030 were lost"
			            : "a character may have been lost before the file was saved");
	}
	/* a name is what makes a row a person */
	int name_col = 0;
	while (name_col < k->ncols && k->map[name_col] != TF_NAME)
		name_col++;
	if (name_col < k->ncols && !(c = tab_check_cell(k, row, TF_NAME)))
		problem(k, rp, &(struct tab_cell){ .row = row->row, .col = name_col, .text = "" },
		        0, "import.name_missing", "the name is empty");
	else if (name_col < k->ncols && strlen(tab_cell_text(a, c)) > 64)
		problem(k, rp, c, 0, "import.name_long", "a name is at most 64 bytes");
	struct id_doc doc = { .kind = ID_NONE };
	if ((c = tab_check_cell(k, row, TF_ID_NO)))
		check_id(k, rp, row, c, &doc);
	int has_doc = doc.kind != ID_NONE;
	for (enum tab_field f = TF_PHONE; f <= TF_LANDLINE; f++) {
		if (!(c = tab_check_cell(k, row, f)))
			continue;
		char norm[32], a1[16];
		enum phone_kind pk;
		struct err e;
		err_clear(&e);
		if (strchr(c->text, '*'))
			problem(
			    k, rp, c, 0, "import.phone_masked",
			    "the phone is masked, as lists and exports show it: the whole number "
			    "is needed");
		else if (phone_parse(tab_cell_text(a, c), tab_a1(c->row, c->col, a1), norm, &pk,
		                     &e))
			problem(k, rp, c, 0, e.code, e.msg);
	}
	if ((c = tab_check_cell(k, row, TF_RELATION)) && !tab_relation_of(a, tab_cell_text(a, c)))
		problem(k, rp, c, 0, "import.relation",
		        arena_printf(a, "'%.40s' is not a relation to the head this system knows",
		                     c->text));
	if ((c = tab_check_cell(k, row, TF_SEX))) {
		const char *sex = tab_sex_of(a, tab_cell_text(a, c));
		if (!sex)
			problem(k, rp, c, 0, "import.sex", "the sex is 男 or 女");
		else if (has_doc && doc.sex && *sex != doc.sex)
			problem(k, rp, c, 0, "import.sex_mismatch",
			        "the sex differs from the one the identity number gives");
	}
	if ((c = tab_check_cell(k, row, TF_BIRTH_DATE))) {
		char ymd[11];
		if (tab_cell_date(c, k->date1904, ymd))
			problem(k, rp, c, 0, "import.date",
			        arena_printf(a, "'%.40s' is not a date", c->text));
		else if (has_doc && *doc.birth && strcmp(ymd, doc.birth))
			problem(k, rp, c, 0, "import.birth_mismatch",
			        arena_printf(a, "the identity number gives %s", doc.birth));
	}
	/* then what the registry says (the place written, an ID already registered) */
	if ((k->registry && tab_registry_row(k->registry, k, row, &k->place_id, k->err) < 0) ||
	    (k->more && k->more(k, row, k->more_ctx) < 0)) {
		k->cur = NULL;
		return -1;
	}
	k->cur = NULL;
	/* in column order (insertion sort: a handful), then given */
	for (size_t i = 1; i < rp->n; i++)
		for (size_t j = i; j > 0 && rp->p[j - 1].col > rp->p[j].col; j--) {
			struct tab_problem t = rp->p[j];
			rp->p[j] = rp->p[j - 1];
			rp->p[j - 1] = t;
		}
	int errors = 0;
	for (size_t i = 0; i < rp->n; i++) {
		errors += !rp->p[i].warning;
		k->problem(k->ctx, &rp->p[i]);
	}
	k->rows++;
	k->errors += errors;
	k->bad += errors > 0;
	return errors;
}
