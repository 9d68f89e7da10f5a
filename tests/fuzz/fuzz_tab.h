/*
 * fuzz_tab.h - what the spreadsheet fuzz targets (fuzz_csv, fuzz_xlsx, fuzz_xls) share:
 * open the bytes with tab_open_mem, read every sheet to the end, check what the readers
 * promise, and run the header layer and the value helpers over what came out.
 *
 * Promises checked: an error is a 400 (or a 500 for a temporary file that cannot be
 * written); cells come in column order from 0 with the row's number; no cell is empty
 * with text or has NULL text; text is valid UTF-8 for CSV; a date cell holds a date that
 * tab_date_parse accepts; header names exist for every column named.
 */
#ifndef CUNWU_TEST_FUZZ_TAB_H
#define CUNWU_TEST_FUZZ_TAB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "people/rules.h"
#include "tabular/tabular.h"

struct fuzz_tab {
	struct arena *a;
	const struct tab_book *b;
	struct tab_row *head[20];
	int nhead;
	long last_row;
};

static void fuzz_tab_utf8(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (!k)
			abort();
		i += k;
	}
}

static int fuzz_tab_row(const struct tab_row *row, void *ctx, struct err *e)
{
	(void)e;
	struct fuzz_tab *f = ctx;
	if (row->n < 0 || row->row < 0 || (row->n && !row->cells))
		abort();
	if (f->b->format != TAB_XLSX && row->row <= f->last_row)
		abort(); /* CSV and xls rows come in order, each once */
	f->last_row = row->row;
	for (int i = 0; i < row->n; i++) {
		const struct tab_cell *c = &row->cells[i];
		char out[11];
		double d;
		if (c->col != i || c->row != row->row || !c->text)
			abort();
		if (c->kind == TAB_EMPTY && *c->text)
			abort();
		if (c->kind == TAB_DATE && (tab_date_parse(c->date, out) || strcmp(out, c->date)))
			abort();
		if (f->b->format == TAB_CSV)
			fuzz_tab_utf8(c->text);
		tab_cell_date(c, f->b->date1904, out);
		tab_cell_number(c, &d);
		tab_cell_text(f->a, c);
		struct id_doc doc;
		struct err ie;
		err_clear(&ie);
		if (tab_idno_check(c, "2026-11-29", "A1", &doc, &ie) && ie.status != 400)
			abort();
	}
	if (row->n) {
		if (row->cells[row->n - 1].kind == TAB_EMPTY)
			abort(); /* trailing empty cells are left out */
	}
	tab_row_is_summary(row);
	tab_row_is_blank(row);
	if (f->nhead < 20)
		f->head[f->nhead++] = tab_row_copy(f->a, row);
	return 0;
}

static void fuzz_tab_book(const uint8_t *data, size_t size)
{
	struct arena a;
	struct err e;
	struct tab_book *b = NULL;
	arena_init(&a, 0);
	err_clear(&e);
	if (tab_open_mem(&a, data, size, &b, &e)) {
		if (e.status != 400 && e.status != 500)
			abort();
		arena_release(&a);
		return;
	}
	if (!b->nsheets || !b->sheets)
		abort();
	for (size_t s = 0; s < b->nsheets && s < 4; s++) {
		struct fuzz_tab f = { &a, b, { 0 }, 0, -1 };
		err_clear(&e);
		if (tab_rows(b, s, fuzz_tab_row, &f, &e)) {
			if (e.status != 400)
				abort();
			continue;
		}
		struct tab_row rows[20];
		for (int i = 0; i < f.nhead; i++)
			rows[i] = *f.head[i];
		struct tab_header h;
		tab_header_find(&a, rows, f.nhead, b->sheets[s].merges, b->sheets[s].nmerges, &h);
		for (int i = 0; i < h.ncols; i++)
			if (!h.names[i])
				abort();
		if (h.found && (h.nrows < 1 || h.nrows > 2 || h.data_first != h.first + h.nrows))
			abort();
	}
	arena_release(&a);
}

#endif
