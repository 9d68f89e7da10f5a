/*
 * cli.c - the `import` command group; its first command, `import inspect`, shows what the
 * readers and the header layer make of a file before anything is imported: the format and
 * encoding, the sheets, the header found, the data rows, the first rows with their cell
 * kinds, and the warnings (characters lost, identity numbers Excel mangled).
 */
#include "tabular.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
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
	int failed;
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
	    tab_check_row(&in->check, row) < 0) {
		in->failed = 1;
		return -1; /* the registry could not be asked: e is set */
	}
	return 0;
}

static long sheet_of(const struct tab_book *b, const char *arg)
{
	if (!arg) { /* the first sheet the workbook shows */
		for (size_t i = 0; i < b->nsheets; i++)
			if (!b->sheets[i].hidden)
				return (long)i;
		return 0;
	}
	int64_t n;
	if (!parse_i64(arg, 1, (int64_t)b->nsheets, &n))
		return (long)n - 1;
	for (size_t i = 0; i < b->nsheets; i++)
		if (!strcmp(b->sheets[i].name, arg))
			return (long)i;
	return -1;
}

int tab_sheet_pick(const struct tab_book *b, const char *arg, size_t *sheet, struct err *e)
{
	long s = sheet_of(b, arg);
	if (s < 0)
		return err_invalid(e, "import.sheet", "sheet", "the file has no sheet '%s'", arg);
	*sheet = (size_t)s;
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

/* cunwu import dry-run FILE --place REF [--sheet N|NAME]: import check, and each row
 * against the registry under the place: the place it writes found, an identity number
 * already registered said; nothing is written */
static int cmd_dry_run(struct cli *c, struct err *e)
{
	const char *ref = cli_opt(c, "--place");
	if (!ref)
		return cli_usage(e,
		                 "--place is required: the village, community or town imported to");
	struct place root;
	int rc = places_resolve(c->db, ref, &root, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "places.not_found", "no place '%s'", ref);
	if (crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	struct tab_registry g;
	tab_registry_init(&g, c->db, &c->arena, root.id, root.path);
	struct inspect in = { .show = -1 };
	struct tab_book *b;
	long s;
	if (open_sheet(c, 0, &b, &s, &in, e))
		return -1;
	in.check.registry = &g;
	in.check.err = e;
	printf("place:    %s (%s)\n", root.name, root.id);
	print_data(&in);
	if (in.data && tab_rows(b, (size_t)s, check_row, &in, e))
		return -1;
	if (in.failed)
		return -1;
	printf("checked:  %ld rows, %ld with errors, %ld problems; nothing written\n",
	       in.check.rows, in.check.bad, in.problems);
	if (in.check.bad)
		return err_invalid(e, "import.rows_bad", "file",
		                   "%ld of %ld rows have errors: correct them and check again",
		                   in.check.bad, in.check.rows);
	return 0;
}

static const struct command cmds[] = {
	{ "import inspect", cmd_inspect, 0, "import inspect FILE [--sheet N|NAME]",
	  "show what a CSV, .xlsx or .xls file holds before importing it: format, encoding, "
	  "sheets, header and the field of each column, data rows, the first problems" },
	{ "import dry-run", cmd_dry_run, NEED_DB,
	  "import dry-run FILE --place REF [--sheet N|NAME]",
	  "import check, and every row against the registry under the place: the village, group, "
	  "building or room it writes found, identity numbers already registered; writes "
	  "nothing" },
	{ "import check", cmd_check, 0, "import check FILE [--sheet N|NAME]",
	  "check every data row of a register before importing it: each problem by its cell "
	  "(B12), code and reason; fails if any row has an error" },
};

const struct command_table tabular_commands = { "tabular", cmds, sizeof(cmds) / sizeof(cmds[0]) };
