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

#include "core/util.h"
#include "people/rules.h"
#include "core/banned.h"

#define HEAD_ROWS 20
#define SHOW_ROWS 5
#define SHOW_WARN 30

struct inspect {
	struct arena *a;
	const struct tab_header *h;
	const char *today;
	int id_cols[8], nid;
	long data_first, data_last, blanks, data;
	long summary_row;
	const char *summary;
	int shown;
	long warnings;
};

static void warn(struct inspect *in, const struct tab_cell *c, const char *code, const char *msg)
{
	char a1[16];
	if (in->warnings++ < SHOW_WARN)
		printf("  %-7s %s: %s\n", tab_a1(c->row, c->col, a1), code, msg);
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

/* the second pass: warnings over the data rows */
static int warn_row(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct inspect *in = ctx;
	if (row->row < in->data_first || row->row > in->data_last || tab_row_is_blank(row))
		return 0;
	for (int i = 0; i < row->n; i++) {
		const struct tab_cell *c = &row->cells[i];
		if (c->flags & TAB_LOST)
			warn(in, c, "import.lost_chars",
			     "characters that do not exist in GB18030 were lost (shown as U+FFFD)");
		else if (c->flags & TAB_SUBST)
			warn(in, c, "import.lost_chars",
			     "a character may have been lost before the file was saved ('?' or "
			     "U+FFFD next to Chinese text, or a private-use character)");
	}
	for (int k = 0; k < in->nid; k++) {
		int col = in->id_cols[k];
		if (col >= row->n || row->cells[col].kind == TAB_EMPTY)
			continue;
		struct id_doc doc;
		struct err ie;
		char a1[16];
		err_clear(&ie);
		if (tab_idno_check(&row->cells[col], in->today, tab_a1(row->row, col, a1), &doc,
		                   &ie))
			warn(in, &row->cells[col], ie.code, ie.msg);
	}
	return 0;
}

static long pick_sheet(const struct tab_book *b, const char *arg)
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

/* cunwu import inspect FILE [--sheet N|NAME] */
static int cmd_inspect(struct cli *c, struct err *e)
{
	const char *sheet_arg = cli_opt(c, "--sheet");
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	struct tab_book *b;
	if (tab_open(&c->arena, file, &b, e))
		return -1;
	long s = pick_sheet(b, sheet_arg);
	if (s < 0)
		return err_invalid(e, "import.sheet", "sheet", "the file has no sheet '%s'",
		                   sheet_arg);
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
		printf("  %c %zu. %s (%ld rows, %d columns", (long)i == s ? '*' : ' ', i + 1,
		       *sh->name ? sh->name : "-", sh->rows, sh->cols);
		if (sh->nmerges)
			printf(", %zu merged ranges", sh->nmerges);
		printf("%s)\n", sh->hidden ? ", hidden" : "");
	}
	struct tab_row *rows;
	int n;
	if (tab_head(b, (size_t)s, HEAD_ROWS, &c->arena, &rows, &n, e))
		return -1;
	struct tab_header h;
	const struct tab_sheet *sh = &b->sheets[s];
	tab_header_find(&c->arena, rows, n, sh->merges, sh->nmerges, &h);
	char tb[32];
	time_iso(time_now_ms(), tb);
	tb[10] = '\0';
	struct inspect in = { .a = &c->arena, .h = &h, .today = tb, .summary_row = -1 };
	if (!h.found) {
		printf("header:   none found in the first %d rows\n", HEAD_ROWS);
		in.data_first = 0;
	} else {
		if (h.nrows == 2)
			printf("header:   rows %d-%d", h.first + 1, h.first + 2);
		else
			printf("header:   row %d", h.first + 1);
		if (h.title_rows)
			printf(", under %d title row%s", h.title_rows,
			       h.title_rows == 1 ? "" : "s");
		printf("\ncolumns:\n");
		for (int i = 0; i < h.ncols; i++) {
			char col[8];
			const char *name = h.names[i];
			enum tab_field f = tab_field_of_header(&c->arena, name);
			printf("  %-3s %s%s%s%s\n", tab_col_name(i, col),
			       *name ? name : "(no name)", i == h.seq_col ? "  [序号]" : "",
			       f != TF_NONE ? "  -> " : "", f != TF_NONE ? tab_field_id(f) : "");
			if (in.nid < 8 && f == TF_ID_NO)
				in.id_cols[in.nid++] = i;
		}
		in.data_first = h.data_first;
	}
	in.data_last = -1;
	printf("first rows:\n");
	if (tab_rows(b, (size_t)s, data_row, &in, e))
		return -1;
	if (in.data)
		printf("data:     rows %ld-%ld (%ld rows", in.data_first + 1, in.data_last + 1,
		       in.data);
	else
		printf("data:     none (0 rows");
	if (in.blanks)
		printf(", %ld blank rows skipped", in.blanks);
	printf(")");
	if (in.summary)
		printf(", ends at row %ld: %.30s", in.summary_row + 1, in.summary);
	printf("\nwarnings:\n");
	if (in.data && tab_rows(b, (size_t)s, warn_row, &in, e))
		return -1;
	if (in.warnings > SHOW_WARN)
		printf("  … and %ld more\n", in.warnings - SHOW_WARN);
	if (!in.warnings)
		printf("  none\n");
	return 0;
}

static const struct command cmds[] = {
	{ "import inspect", cmd_inspect, 0, "import inspect FILE [--sheet N|NAME]",
	  "show what a CSV, .xlsx or .xls file holds before importing it: format, encoding, "
	  "sheets, header, data rows, lost characters, mangled identity numbers" },
};

const struct command_table tabular_commands = { "tabular", cmds, sizeof(cmds) / sizeof(cmds[0]) };
