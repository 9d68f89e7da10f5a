/*
 * impl.h - what the readers of src/tabular/ share: the book's private part, the row
 * builder, limits and UTF-8. Internal to the module (other modules use tabular.h).
 */
#ifndef CUNWU_TABULAR_IMPL_H
#define CUNWU_TABULAR_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/util.h"
#include "tabular.h"

#define TAB_MAX_COLS 16384               /* Excel's XFD */
#define TAB_MAX_CELL ((size_t)1 << 20)   /* bytes of one cell's text */
#define TAB_MAX_PART ((size_t)256 << 20) /* bytes of an xlsx part read whole */
#define TAB_MAX_ROWS (1L << 24)

struct zip;

struct tab_impl {
	struct arena *arena; /* the book's */
	const char *path;    /* the file, or NULL for memory */
	const unsigned char *mem;
	size_t memlen;
	/* xlsx */
	struct zip *zip;
	const char **sst; /* shared strings */
	size_t nsst;
	unsigned char *xf_kind; /* per cellXfs index: TAB_DATE, TAB_NUMBER or 0 (time: 'T') */
	size_t nxf;
	const char **sheet_parts; /* zip entry names */
	/* xls: the frames the child wrote (xls.c), each sheet's first cell in them */
	const void *xls;
	size_t xls_len;
	const size_t *xls_at;
	/* the rows being read */
	struct arena row_arena;
};

/* one row being built: cells in any order, made dense by tab_builder_row */
struct tab_builder {
	struct arena *a; /* the row arena */
	struct tab_cell *cells;
	int n, alloc;
	int row;
};

void tab_builder_start(struct tab_builder *b, struct arena *a, int row);
/* A new cell at col (kind TAB_EMPTY, text ""), or NULL with e set past TAB_MAX_COLS. */
struct tab_cell *tab_builder_cell(struct tab_builder *b, int col, struct err *e);
/* The row: cells sorted by column (the last one for a column given twice), gaps filled with
 * empty cells, trailing empty cells dropped. */
void tab_builder_row(struct tab_builder *b, struct tab_row *out);
/* Set TAB_SUBST on c when its text holds U+FFFD or a '?' next to a non-ASCII character. */
void tab_flag_subst(struct tab_cell *c);

/* the readers */
int tab_csv_open(struct tab_book *b, struct err *e);
int tab_csv_rows(struct tab_book *b, tab_row_fn fn, void *ctx, struct err *e);
int tab_xlsx_open(struct tab_book *b, struct err *e);
int tab_xlsx_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e);
int tab_xls_open(struct tab_book *b, struct err *e);
int tab_xls_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e);
/* The .xls child's converter: the workbook at path as frames (xls.c) on out. 0, also when
 * freexl refused the file (the frames say why). Runs freexl in the calling process: only
 * the child (tab_xls_child) and fuzz_xls call it. */
int tab_xls_convert(const char *path, FILE *out);
/* Decode the child's frames into b's sheets (b->impl->xls keeps frames, which must outlive
 * the book). import.corrupt when they are broken; the refusals the child reports. */
int tab_xls_decode(struct tab_book *b, const void *frames, size_t len, struct err *e);
/* A book over frames alone (tests/fuzz/fuzz_xls_frames.c). */
int tab_open_xls_frames(struct arena *a, const void *frames, size_t len, struct tab_book **out,
                        struct err *e);
/* a FILE over the book's bytes (the file, or the memory); the caller closes it */
FILE *tab_reopen(struct tab_book *b, struct err *e);

#endif
