/*
 * tabular.c - opening a book: the format from the bytes, the dispatch to the CSV, xlsx and
 * xls readers, the row builder they share, and the names of cells; see tabular.h.
 */
#include "tabular.h"
#include "impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/banned.h"

const char *tab_col_name(int col, char buf[8])
{
	char tmp[8];
	int n = 0;
	if (col < 0)
		col = 0;
	for (col++; col > 0 && n < 7; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

const char *tab_a1(int row, int col, char buf[16])
{
	char c[8];
	snprintf(buf, 16, "%s%d", tab_col_name(col, c), row + 1);
	return buf;
}

const char *tab_format_name(enum tab_format f)
{
	switch (f) {
	case TAB_CSV:
		return "csv";
	case TAB_XLSX:
		return "xlsx";
	case TAB_XLS:
		return "xls";
	}
	return "";
}

const char *tab_encoding_name(enum tab_encoding enc)
{
	switch (enc) {
	case TAB_UTF8:
		return "utf-8";
	case TAB_UTF8_BOM:
		return "utf-8 with BOM";
	case TAB_GB18030:
		return "gb18030";
	case TAB_ENC_NONE:
		break;
	}
	return "";
}

const char *tab_kind_name(enum tab_kind k)
{
	static const char *const names[] = { "empty", "text", "number", "date", "bool" };
	return (unsigned)k < 5 ? names[k] : "";
}

/* ---- the row builder ---- */

void tab_builder_start(struct tab_builder *b, struct arena *a, int row)
{
	b->a = a;
	b->cells = NULL;
	b->n = b->alloc = 0;
	b->row = row;
}

struct tab_cell *tab_builder_cell(struct tab_builder *b, int col, struct err *e)
{
	if (col < 0 || col >= TAB_MAX_COLS) {
		char a1[16];
		err_invalid(e, "import.too_large", tab_a1(b->row, TAB_MAX_COLS, a1),
		            "row %d has more than %d columns", b->row + 1, TAB_MAX_COLS);
		return NULL;
	}
	if (b->n == b->alloc) {
		int want = b->alloc ? b->alloc * 2 : 16;
		b->cells = arena_realloc(b->a, b->cells, sizeof(*b->cells) * (size_t)b->alloc,
		                         sizeof(*b->cells) * (size_t)want);
		b->alloc = want;
	}
	struct tab_cell *c = &b->cells[b->n++];
	memset(c, 0, sizeof(*c));
	c->row = b->row;
	c->col = col;
	c->text = "";
	return c;
}

static int by_col(const void *x, const void *y)
{
	const struct tab_cell *a = x, *b = y;
	return a->col != b->col ? (a->col < b->col ? -1 : 1) : (a < b ? -1 : 1);
}

void tab_builder_row(struct tab_builder *b, struct tab_row *out)
{
	int sorted = 1, width = 0;
	for (int i = 0; i < b->n; i++) {
		if (i && b->cells[i].col <= b->cells[i - 1].col)
			sorted = 0;
		if (b->cells[i].kind != TAB_EMPTY && b->cells[i].col + 1 > width)
			width = b->cells[i].col + 1;
	}
	if (!sorted)
		qsort(b->cells, (size_t)b->n, sizeof(*b->cells), by_col);
	out->row = b->row;
	out->n = width;
	if (sorted && b->n >= width && (width == 0 || b->cells[width - 1].col == width - 1)) {
		out->cells = b->cells; /* dense already */
		return;
	}
	struct tab_cell *d = arena_zalloc(b->a, sizeof(*d) * (size_t)(width ? width : 1));
	for (int c = 0; c < width; c++) {
		d[c].row = b->row;
		d[c].col = c;
		d[c].text = "";
	}
	for (int i = 0; i < b->n; i++)
		if (b->cells[i].col < width)
			d[b->cells[i].col] = b->cells[i]; /* a column given twice: the last wins */
	out->cells = d;
}

void tab_flag_subst(struct tab_cell *c)
{
	const char *s = c->text;
	size_t n = strlen(s);
	int prev_wide = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (!k) {
			k = 1, cp = 0xFFFD;
		}
		if (cp == 0xFFFD) {
			c->flags |= TAB_SUBST;
			return;
		}
		if (cp == '?') {
			uint32_t next = 0;
			if (i + 1 < n)
				utf8_next(s + i + 1, n - i - 1, &next);
			if (prev_wide || next >= 0x2E80) {
				c->flags |= TAB_SUBST;
				return;
			}
		}
		if (cp >= 0xE000 && cp <= 0xF8FF) {
			c->flags |= TAB_SUBST; /* a private-use character: a made-up glyph */
			return;
		}
		prev_wide = cp >= 0x2E80;
		i += k;
	}
}

/* ---- rows ---- */

struct tab_row *tab_row_copy(struct arena *a, const struct tab_row *row)
{
	struct tab_row *r = arena_alloc(a, sizeof(*r));
	struct tab_cell *cells = arena_alloc(a, sizeof(*cells) * (size_t)(row->n ? row->n : 1));
	for (int i = 0; i < row->n; i++) {
		cells[i] = row->cells[i];
		cells[i].text = arena_strdup(a, row->cells[i].text);
	}
	r->row = row->row;
	r->n = row->n;
	r->cells = cells;
	return r;
}

struct head_ctx {
	struct arena *a;
	struct tab_row *rows;
	int n, max;
};

static int head_row(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct head_ctx *h = ctx;
	h->rows[h->n++] = *tab_row_copy(h->a, row);
	return h->n >= h->max;
}

int tab_head(struct tab_book *b, size_t sheet, int max, struct arena *a, struct tab_row **rows,
             int *n, struct err *e)
{
	struct head_ctx h = { a,
		              arena_alloc(a, sizeof(struct tab_row) * (size_t)(max > 0 ? max : 1)),
		              0, max };
	*rows = h.rows;
	*n = 0;
	if (max <= 0)
		return 0;
	if (tab_rows(b, sheet, head_row, &h, e))
		return -1;
	*n = h.n;
	return 0;
}

int tab_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e)
{
	if (sheet >= b->nsheets)
		return err_invalid(e, "import.sheet", "sheet",
		                   "the file has %zu sheet%s, no sheet %zu", b->nsheets,
		                   b->nsheets == 1 ? "" : "s", sheet + 1);
	int rc;
	switch (b->format) {
	case TAB_CSV:
		rc = tab_csv_rows(b, fn, ctx, e);
		break;
	case TAB_XLSX:
		rc = tab_xlsx_rows(b, sheet, fn, ctx, e);
		break;
	default:
		rc = tab_xls_rows(b, sheet, fn, ctx, e);
	}
	arena_release(&b->impl->row_arena);
	return rc;
}

/* ---- opening ---- */

static void release_rows(void *impl)
{
	arena_release(&((struct tab_impl *)impl)->row_arena);
}

FILE *tab_reopen(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	FILE *f = im->path ? fopen(im->path, "rb")
	                   : fmemopen((void *)(uintptr_t)im->mem, im->memlen, "rb");
	if (!f) {
		err_invalid(e, "import.file", "file", "unable to open '%s': %s",
		            im->path ? im->path : "(memory)", strerror(errno));
		return NULL;
	}
	return f;
}

static int has_ci(const unsigned char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;
		while (j < k && tolower(s[i + j]) == needle[j])
			j++;
		if (j == k)
			return 1;
	}
	return 0;
}

/* what a file that is no table is, from its first bytes; NULL if it may be text */
static const char *sniff_other(const unsigned char *s, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} magics[] = {
		{ "%PDF", 4, "a PDF document" },
		{ "\x89PNG", 4, "a PNG image" },
		{ "\xFF\xD8\xFF", 3, "a JPEG image" },
		{ "GIF8", 4, "a GIF image" },
		{ "Rar!", 4, "a RAR archive" },
		{ "7z\xBC\xAF", 4, "a 7-Zip archive" },
		{ "\x1F\x8B", 2, "a gzip archive" },
		{ "\x7F"
		  "ELF",
		  4, "a program" },
		{ "{\\rtf", 5, "an RTF document" },
		{ "\xFF\xFE", 2, "UTF-16 text (Excel's \"Unicode text\"): save it as CSV UTF-8" },
		{ "\xFE\xFF", 2, "UTF-16 text: save it as CSV UTF-8" },
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].len && !memcmp(s, magics[i].magic, magics[i].len))
			return magics[i].what;
	size_t i = 0;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	if (i < n && s[i] == '<') {
		if (has_ci(s, n, "urn:schemas-microsoft-com:office:spreadsheet"))
			return "an Excel 2003 XML spreadsheet: save it as .xlsx";
		if (has_ci(s, n, "<html") || has_ci(s, n, "<table") || has_ci(s, n, "<!doctype"))
			return "an HTML page (a web system's \"Excel\" export): open it in Excel "
			       "and save it as .xlsx";
		if (has_ci(s, n, "<?xml"))
			return "an XML document";
	}
	return NULL;
}

static struct tab_book *new_book(struct arena *a, const char *path, const void *data, size_t len)
{
	struct tab_book *b = arena_zalloc(a, sizeof(*b));
	struct tab_impl *im = arena_zalloc(a, sizeof(*im));
	b->impl = im;
	im->arena = a;
	im->path = path ? arena_strdup(a, path) : NULL;
	im->mem = data;
	im->memlen = len;
	arena_init(&im->row_arena, 0);
	arena_defer(a, release_rows, im);
	return b;
}

int tab_open_xls_frames(struct arena *a, const void *frames, size_t len, struct tab_book **out,
                        struct err *e)
{
	struct tab_book *b = new_book(a, NULL, frames, len);
	b->format = TAB_XLS;
	if (tab_xls_decode(b, frames, len, e))
		return -1;
	*out = b;
	return 0;
}

static int open_common(struct arena *a, const char *path, const void *data, size_t len,
                       struct tab_book **out, struct err *e)
{
	struct tab_book *b = new_book(a, path, data, len);

	unsigned char head[4096];
	size_t n;
	if (path) {
		FILE *f = tab_reopen(b, e);
		if (!f)
			return -1;
		n = fread(head, 1, sizeof(head), f);
		int bad = ferror(f);
		fclose(f);
		if (bad)
			return err_invalid(e, "import.file", "file", "unable to read '%s': %s",
			                   path, strerror(errno));
	} else {
		n = len < sizeof(head) ? len : sizeof(head);
		memcpy(head, data, n);
	}
	if (n == 0)
		return err_invalid(e, "import.format", "file", "the file is empty");
	int rc;
	if (n >= 4 && (!memcmp(head, "PK\x03\x04", 4) || !memcmp(head, "PK\x05\x06", 4))) {
		b->format = TAB_XLSX;
		rc = tab_xlsx_open(b, e);
	} else if (n >= 8 && !memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		b->format = TAB_XLS;
		rc = tab_xls_open(b, e);
	} else {
		const char *what = sniff_other(head, n);
		if (what)
			return err_invalid(e, "import.format", "file",
			                   "not a spreadsheet or CSV file: %s", what);
		b->format = TAB_CSV;
		rc = tab_csv_open(b, e);
	}
	if (rc)
		return -1;
	*out = b;
	return 0;
}

int tab_open(struct arena *a, const char *path, struct tab_book **out, struct err *e)
{
	return open_common(a, path, NULL, 0, out, e);
}

int tab_open_mem(struct arena *a, const void *data, size_t len, struct tab_book **out,
                 struct err *e)
{
	return open_common(a, NULL, data ? data : "", data ? len : 0, out, e);
}

static long sheet_of(const struct tab_book *b, const char *arg)
{
	if (!arg || !*arg) { /* the first sheet the workbook shows */
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
