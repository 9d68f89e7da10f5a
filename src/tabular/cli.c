/*
 * cli.c - the `import` command group; its first command, `import inspect`, shows what the
 * readers and the header layer make of a file before anything is imported: the format and
 * encoding, the sheets, the header found, the data rows, the first rows with their cell
 * kinds, and the warnings (characters lost, identity numbers Excel mangled).
 */
#include "import.h"
#include "tabular.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/crypt.h"
#include "core/media.h"
#include "core/util.h"
#include "people/rules.h"
#include "places/places.h"
#include "system/system.h"
#include "core/banned.h"

#define HEAD_ROWS 20
#define SHOW_ROWS 5
#define SHOW_WARN 30

struct inspect {
	struct arena *a;
	struct tab_check check;
	long data_first, data_last, blanks, data;
	long summary_row;
	const char *summary;
	int shown;
	long problems, show; /* printed up to show (-1: all) */
};

static void print_problem(void *ctx, const struct tab_problem *p)
{
	struct inspect *in = ctx;
	if (in->show < 0 || in->problems < in->show)
		printf("  %-7s %s%s: %s\n", p->cell, p->warning ? "(warning) " : "", p->code,
		       p->message);
	in->problems++;
}

static void show_row(const struct tab_row *row)
{
	printf("  %5d:", row->row + 1);
	for (int i = 0; i < row->n; i++) {
		const struct tab_cell *c = &row->cells[i];
		char col[8];
		if (c->kind == TAB_EMPTY)
			continue;
		printf(" %s=%.40s (%s)", tab_col_name(c->col, col), c->text,
		       tab_kind_name(c->kind));
	}
	printf("\n");
}

/* the first pass: where the data ends, and the rows shown */
static int data_row(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct inspect *in = ctx;
	if (row->row < in->data_first || in->summary)
		return 0;
	if (tab_row_is_summary(row)) {
		in->summary_row = row->row;
		for (int i = 0; i < row->n && !in->summary; i++)
			if (row->cells[i].kind == TAB_TEXT)
				in->summary = tab_clean_name(in->a, row->cells[i].text);
		return 0;
	}
	if (tab_row_is_blank(row)) {
		in->blanks++;
		return 0;
	}
	in->data++;
	in->data_last = row->row;
	if (in->shown++ < SHOW_ROWS)
		show_row(row);
	return 0;
}

/* the second pass: every data row checked */
static int check_row(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct inspect *in = ctx;
	if (row->row >= in->data_first && row->row <= in->data_last && !tab_row_is_blank(row) &&
	    tab_check_row(&in->check, row) < 0)
		return -1;
	return 0;
}

/* open FILE, pick its sheet, find the header, map its columns and find the data rows
 * (the first pass); verbose prints what was found, as inspect does */
static int open_sheet(struct cli *c, int verbose, struct tab_book **bp, long *sp,
                      struct inspect *in, struct err *e)
{
	const char *sheet_arg = cli_opt(c, "--sheet");
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	struct tab_book *b;
	size_t picked;
	if (tab_open(&c->arena, file, &b, e) || tab_sheet_pick(b, sheet_arg, &picked, e))
		return -1;
	long s = (long)picked;
	if (verbose) {
		printf("file:     %s\nformat:   %s", file, tab_format_name(b->format));
		if (b->format == TAB_CSV)
			printf(", %s, delimiter %s", tab_encoding_name(b->encoding),
			       b->delim == '\t'  ? "tab"
			       : b->delim == ';' ? "';'"
			                         : "','");
		if (b->date1904)
			printf(", 1904 date system");
		printf("\nsheets:\n");
		for (size_t i = 0; i < b->nsheets; i++) {
			const struct tab_sheet *sh = &b->sheets[i];
			printf("  %c %zu. %s (%ld rows, %d columns", (long)i == s ? '*' : ' ',
			       i + 1, *sh->name ? sh->name : "-", sh->rows, sh->cols);
			if (sh->nmerges)
				printf(", %zu merged ranges", sh->nmerges);
			printf("%s)\n", sh->hidden ? ", hidden" : "");
		}
	}
	struct tab_row *rows;
	int n;
	if (tab_head(b, (size_t)s, HEAD_ROWS, &c->arena, &rows, &n, e))
		return -1;
	struct tab_header h;
	const struct tab_sheet *sh = &b->sheets[s];
	tab_header_find(&c->arena, rows, n, sh->merges, sh->nmerges, &h);
	char *today = arena_alloc(&c->arena, 32);
	time_iso(time_now_ms(), today);
	today[10] = '\0';
	enum tab_field *map = arena_zalloc(&c->arena, (size_t)(h.ncols + 1) * sizeof(*map));
	if (!h.found) {
		if (verbose)
			printf("header:   none found in the first %d rows\n", HEAD_ROWS);
		in->data_first = 0;
	} else {
		if (verbose && h.nrows == 2)
			printf("header:   rows %d-%d", h.first + 1, h.first + 2);
		else if (verbose)
			printf("header:   row %d", h.first + 1);
		if (verbose && h.title_rows)
			printf(", under %d title row%s", h.title_rows,
			       h.title_rows == 1 ? "" : "s");
		if (verbose)
			printf("\ncolumns:\n");
		for (int i = 0; i < h.ncols; i++) {
			char col[8];
			const char *name = h.names[i];
			map[i] = i == h.seq_col ? TF_NONE : tab_field_of_header(&c->arena, name);
			if (verbose)
				printf("  %-3s %s%s%s%s\n", tab_col_name(i, col),
				       *name ? name : "(no name)", i == h.seq_col ? "  [序号]" : "",
				       map[i] != TF_NONE ? "  -> " : "",
				       map[i] != TF_NONE ? tab_field_id(map[i]) : "");
		}
		in->data_first = h.data_first;
	}
	in->a = &c->arena;
	in->data_last = -1;
	in->summary_row = -1;
	tab_check_init(&in->check, &c->arena, today, map, h.found ? h.ncols : 0, b->date1904,
	               print_problem, in);
	if (verbose)
		printf("first rows:\n");
	else
		in->shown = SHOW_ROWS; /* none shown */
	if (tab_rows(b, (size_t)s, data_row, in, e))
		return -1;
	*bp = b;
	*sp = s;
	return 0;
}

static void print_data(const struct inspect *in)
{
	if (in->data)
		printf("data:     rows %ld-%ld (%ld rows", in->data_first + 1, in->data_last + 1,
		       in->data);
	else
		printf("data:     none (0 rows");
	if (in->blanks)
		printf(", %ld blank rows skipped", in->blanks);
	printf(")");
	if (in->summary)
		printf(", ends at row %ld: %.30s", in->summary_row + 1, in->summary);
	printf("\n");
}

/* cunwu import inspect FILE [--sheet N|NAME] */
static int cmd_inspect(struct cli *c, struct err *e)
{
	struct inspect in = { .show = SHOW_WARN };
	struct tab_book *b;
	long s;
	if (open_sheet(c, 1, &b, &s, &in, e))
		return -1;
	print_data(&in);
	printf("problems:\n");
	if (in.data && tab_rows(b, (size_t)s, check_row, &in, e))
		return -1;
	if (in.problems > SHOW_WARN)
		printf("  … and %ld more ('cunwu import check' lists them all)\n",
		       in.problems - SHOW_WARN);
	if (!in.problems)
		printf("  none\n");
	return 0;
}

/* cunwu import check FILE [--sheet N|NAME]: every problem of every data row, one a line;
 * fails (exit 1) if a row has an error */
static int cmd_check(struct cli *c, struct err *e)
{
	struct inspect in = { .show = -1 };
	struct tab_book *b;
	long s;
	if (open_sheet(c, 0, &b, &s, &in, e))
		return -1;
	print_data(&in);
	if (in.data && tab_rows(b, (size_t)s, check_row, &in, e))
		return -1;
	printf("checked:  %ld rows, %ld with errors, %ld problems\n", in.check.rows, in.check.bad,
	       in.problems);
	if (in.check.bad)
		return err_invalid(e, "import.rows_bad", "file",
		                   "%ld of %ld rows have errors: correct them and check again",
		                   in.check.bad, in.check.rows);
	return 0;
}

/* --map C=field,E=-: columns mapped by hand over the automatic mapping */
static int map_overrides(struct cli *c, struct import_row *im, const char *spec, struct err *e)
{
	struct arena *a = &c->arena;
	json_error_t je;
	json_t *arr = json_loads(im->mapping, 0, &je);
	if (!arr)
		return err_internal(e, "the stored mapping does not parse");
	char *s = arena_strdup(a, spec), *next;
	for (char *tok = s; tok && *tok; tok = next) {
		if ((next = strchr(tok, ',')))
			*next++ = '\0';
		char *eq = strchr(tok, '=');
		int col = 0;
		const char *q = tok;
		for (; eq && q < eq && *q >= 'A' && *q <= 'Z'; q++)
			col = col * 26 + (*q - 'A' + 1);
		if (!eq || q != eq || col < 1 || (size_t)col > json_array_size(arr)) {
			json_decref(arr);
			return err_invalid(
			    e, "import.field", "--map",
			    "'%s' is not COLUMN=FIELD for a column of the header (C=phone, "
			    "E=- to leave one out)",
			    tok);
		}
		json_array_set_new(arr, (size_t)col - 1,
		                   strcmp(eq + 1, "-") ? json_string(eq + 1) : json_null());
	}
	enum tab_field *map;
	int rc = import_mapping_parse(a, arr, (int)json_array_size(arr), &map, e);
	if (!rc) {
		im->mapping = import_mapping_json(a, map, (int)json_array_size(arr));
		rc = db_begin(c->db, 1, e) ||
		             db_exec(c->db, e, "UPDATE imports SET mapping = ? WHERE id = ?",
		                     DB_T(im->mapping), DB_T(im->id)) < 0 ||
		             db_commit(c->db, e)
		         ? -1
		         : 0;
	}
	json_decref(arr);
	return rc;
}

static void print_progress(void *ctx, long done, long total)
{
	(void)ctx;
	fprintf(stderr, "\r  %ld of about %ld rows", done, total);
}

static int print_problems(struct cli *c, const char *id, long max, struct err *e)
{
	struct db_stmt *st = db_query(c->db, e,
	                              "SELECT cell, code, message, warning FROM import_problems "
	                              "WHERE import_id = ? ORDER BY seq LIMIT ?",
	                              DB_T(id), DB_I(max));
	int rc = -1;
	while (st && (rc = db_step(st, e)) == 1)
		printf("  %-7s %s%s: %s\n", db_text(st, 0), db_int(st, 3) ? "(warning) " : "",
		       db_text(st, 1), db_text(st, 2));
	return st && rc == 0 ? 0 : -1;
}

static int print_result(struct cli *c, const char *id, struct err *e)
{
	struct import_row im;
	if (import_load(c->db, id, &im, e))
		return -1;
	printf("import:   %s (%s)\nrows:     %lld, %lld with errors left out\n", im.id, im.state,
	       (long long)im.counts[0], (long long)im.counts[1]);
	printf("written:  %lld households, %lld persons added; %lld persons already "
	       "registered\n",
	       (long long)im.counts[4], (long long)im.counts[5], (long long)im.counts[6]);
	if (im.counts[2] + im.counts[3]) {
		printf("problems: %lld errors, %lld warnings", (long long)im.counts[2],
		       (long long)im.counts[3]);
		printf(im.counts[2] + im.counts[3] > SHOW_WARN
		           ? " (the first %d; 'cunwu import problems %s' lists them all)\n"
		           : "\n",
		       SHOW_WARN, id);
		return print_problems(c, id, SHOW_WARN, e);
	}
	return 0;
}

/* the import's pass: written (write) or checked alone; 0 or -1 (the import marked failed) */
static int pass(struct cli *c, const char *id, int write, struct err *e)
{
	int rc = import_pass(c->db, &c->arena, id, write, &c->actor, print_progress, NULL, e);
	fprintf(stderr, "\n");
	if (rc)
		import_fail(c->db, id, e->msg);
	return rc;
}

static int run_pass(struct cli *c, const char *id, struct err *e)
{
	return pass(c, id, 1, e) ? -1 : print_result(c, id, e);
}

/* an import of FILE under --place (required), its file kept sealed: run and dry-run */
static int new_import(struct cli *c, struct place *root, char id[ID_LEN + 1], struct err *e)
{
	const char *ref = cli_opt(c, "--place"), *sheet = cli_opt(c, "--sheet");
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	if (!ref)
		return cli_usage(e,
		                 "--place is required: the village, community or town imported to");
	if (places_find(c->db, ref, "place", root, e))
		return -1;
	if (crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	media_set_dir(system_media_path(&c->arena, c->db_url));
	const char *base = strrchr(file, '/');
	return import_create(c->db, &c->arena, &c->actor, file, base ? base + 1 : file, root, sheet,
	                     id, e);
}

/*
 * cunwu import dry-run FILE --place REF [--sheet N|NAME]: the import's own pass without
 * writing, as the console's dry run: each row checked (import check), against the registry
 * under the place (the place it writes, an identity number already registered) and within
 * its household (a head, one head, one place, a head without errors). The check is kept
 * as an import that `import resume ID` writes.
 */
static int cmd_dry_run(struct cli *c, struct err *e)
{
	struct place root;
	char id[ID_LEN + 1];
	struct import_row im;
	if (new_import(c, &root, id, e))
		return -1;
	printf("place:    %s (%s)\n", root.name, root.id);
	if (pass(c, id, 0, e) || import_load(c->db, id, &im, e) ||
	    print_problems(c, id, IMPORT_PROBLEMS_KEPT, e))
		return -1;
	int64_t problems = im.counts[2] + im.counts[3];
	if (problems > IMPORT_PROBLEMS_KEPT)
		printf("  … and %lld more, not kept (an import keeps its first %d)\n",
		       (long long)(problems - IMPORT_PROBLEMS_KEPT), IMPORT_PROBLEMS_KEPT);
	printf("checked:  %lld rows, %lld with errors, %lld problems; nothing written\n",
	       (long long)im.counts[0], (long long)im.counts[1], (long long)problems);
	printf("import:   %s ('cunwu import resume %s' writes its good rows)\n", id, id);
	if (im.counts[1])
		return err_invalid(e, "import.rows_bad", "file",
		                   "%lld of %lld rows have errors: correct them and check again",
		                   (long long)im.counts[1], (long long)im.counts[0]);
	return 0;
}

/*
 * The sizes of a command's import (run, and resume, which writes what dry-run checked): it
 * is usually a first load, and batches of 20,000 rows write each index page once where
 * 5,000 (the server's jobs, which share SQLite's write lock with every request) would
 * write it four times; --batch, or import.batch_rows set by the operator, says otherwise.
 * A large register into a small registry is a first load: one transaction, the indexes
 * made again at its end (import.load_rows).
 */
static int command_sizes(struct cli *c, const char *by, struct err *e)
{
	const char *batch = cli_opt(c, "--batch");
	if (batch ? config_set("import.batch_rows", batch, "--batch", e)
	          : !strcmp(config_source("import.batch_rows"), "default") &&
	                config_set("import.batch_rows", "20000", by, e))
		return -1;
	return !strcmp(config_source("import.load_rows"), "default") &&
	               config_set("import.load_rows", "50000", by, e)
	           ? -1
	           : 0;
}

/* cunwu import run FILE --place REF [--sheet N|NAME] [--map C=field,...] [--batch N] */
static int cmd_run(struct cli *c, struct err *e)
{
	const char *map = cli_opt(c, "--map");
	if (command_sizes(c, "import run", e))
		return -1;
	struct place root;
	char id[ID_LEN + 1];
	if (new_import(c, &root, id, e))
		return -1;
	struct import_row im;
	if (import_load(c->db, id, &im, e))
		return -1;
	if (map && map_overrides(c, &im, map, e)) { /* the import is not left waiting */
		import_fail(c->db, id, e->msg);
		import_drop_file(&c->arena, id);
		return -1;
	}
	printf("import:   %s into %s (%s)\n", id, root.name, root.id);
	return run_pass(c, id, e);
}

/* cunwu import resume ID [--batch ROWS]: an import that dry-run checked, written; or one cut
 * off, taken up where its last batch ended */
static int cmd_resume(struct cli *c, struct err *e)
{
	if (command_sizes(c, "import resume", e))
		return -1;
	const char *id = cli_arg(c, "ID", 1, e);
	if (!id || cli_end(c, e))
		return -1;
	struct import_row im;
	if (import_load(c->db, id, &im, e))
		return -1;
	if (!strcmp(im.state, "done"))
		return err_conflict(e, "import.state", "id", "import %s is done already", id);
	if (crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	media_set_dir(system_media_path(&c->arena, c->db_url));
	if (!strcmp(im.state, "failed") && im.rows_done &&
	    (db_begin(c->db, 1, e) ||
	     db_exec(c->db, e, "UPDATE imports SET state = 'running' WHERE id = ?", DB_T(id)) < 0 ||
	     db_commit(c->db, e)))
		return -1;
	return run_pass(c, id, e);
}

/* cunwu import problems ID */
static int cmd_problems(struct cli *c, struct err *e)
{
	const char *id = cli_arg(c, "ID", 1, e);
	if (!id || cli_end(c, e))
		return -1;
	struct import_row im;
	if (import_load(c->db, id, &im, e))
		return -1;
	return print_problems(c, id, IMPORT_PROBLEMS_KEPT, e);
}

static const struct command cmds[] = {
	{ "import inspect", cmd_inspect, 0, "import inspect FILE [--sheet N|NAME]",
	  "show what a CSV, .xlsx or .xls file holds before importing it: format, encoding, "
	  "sheets, header and the field of each column, data rows, the first problems" },
	{ "import dry-run", cmd_dry_run, NEED_DB,
	  "import dry-run FILE --place REF [--sheet N|NAME]",
	  "the import's check without writing: import check, every row against the registry "
	  "under the place (the village, group, building or room it writes found, identity "
	  "numbers already registered) and within its household; writes no one, and keeps the "
	  "check as an import that 'import resume ID' writes" },
	{ "import run", cmd_run, NEED_DB,
	  "import run FILE --place REF [--sheet N|NAME] [--map COL=FIELD,...] [--batch ROWS]",
	  "import a register: every row checked, the good ones written in batches as households "
	  "and persons under the place (a person or household already registered is left as it "
	  "is); the bad rows left out and listed" },
	{ "import resume", cmd_resume, NEED_DB, "import resume ID [--batch ROWS]",
	  "write an import that dry-run checked, or take up one that was cut off where its last "
	  "batch ended" },
	{ "import problems", cmd_problems, NEED_DB, "import problems ID",
	  "every problem of an import's rows: cell, code and reason" },
	{ "import check", cmd_check, 0, "import check FILE [--sheet N|NAME]",
	  "check every data row of a register before importing it: each problem by its cell "
	  "(B12), code and reason; fails if any row has an error" },
};

const struct command_table tabular_commands = { "tabular", cmds, sizeof(cmds) / sizeof(cmds[0]) };
