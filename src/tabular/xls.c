/*
 * xls.c - the .xls (BIFF8, Excel 97-2003) reader of tabular.h, on Debian's freexl. freexl
 * reads a path only, so a book in memory is written to a temporary file first (removed
 * with the arena). freexl gives cells typed (integer, double, text, date, date-time,
 * time, dates already in "YYYY-MM-DD" whatever the date system) but no merged cells.
 */
#include "tabular.h"
#include "impl.h"

#include <errno.h>
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/banned.h"

static void close_xls(void *h)
{
	freexl_close(h);
}

static void unlink_file(void *path)
{
	unlink(path);
}

/* the book's bytes in a temporary file, for freexl */
static const char *temp_copy(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	const char *dir = getenv("TMPDIR");
	char *path = arena_printf(im->arena, "%s/cunwu-xls-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		err_internal(e, "unable to create '%s': %s", path, strerror(errno));
		return NULL;
	}
	arena_defer(im->arena, unlink_file, path);
	size_t off = 0;
	while (off < im->memlen) {
		ssize_t w = write(fd, im->mem + off, im->memlen - off);
		if (w <= 0) {
			close(fd);
			err_internal(e, "unable to write '%s': %s", path, strerror(errno));
			return NULL;
		}
		off += (size_t)w;
	}
	close(fd);
	return path;
}

/*
 * Read the whole workbook once with freexl in a child process: fuzzing found crafted files
 * on which freexl 1.0.6 reads past a buffer while converting strings (tests/fuzz/fuzz_xls.c,
 * docs/internals/tabular.md), so a file is given to freexl here only after a child has read
 * all of it and exited normally. 0: go on (freexl read it, or refused it cleanly); -1: the
 * child died or could not be started.
 */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void child_died(void)
{
	_exit(70);
}

static int probe(const char *path)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* built with a sanitizer (tests, fuzzing): a report ends the child at once,
		 * not through the parent's death callback (libFuzzer's saves a crash) */
		if (__sanitizer_set_death_callback)
			__sanitizer_set_death_callback(child_died);
		const void *h = NULL;
		int rc = freexl_open(path, &h);
		unsigned int count = 0;
		if (rc == FREEXL_OK &&
		    freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) == FREEXL_OK)
			for (unsigned int s = 0; s < count && s < 65535; s++) {
				unsigned int rows = 0;
				unsigned short cols = 0;
				FreeXL_CellValue v;
				if (freexl_select_active_worksheet(h, (unsigned short)s) !=
				        FREEXL_OK ||
				    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
					continue;
				for (unsigned int r = 0; r < rows; r++)
					for (unsigned short c = 0; c < cols; c++)
						freexl_get_cell_value(h, r, c, &v);
			}
		_exit(0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int tab_xls_open(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	const char *path = im->path ? im->path : temp_copy(b, e);
	if (!path)
		return -1;
	if (probe(path))
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook is damaged: freexl cannot read it safely");
	const void *h = NULL;
	int rc = freexl_open(path, &h);
	if (rc != FREEXL_OK) {
		if (h)
			freexl_close(h);
		if (rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND)
			return err_invalid(
			    e, "import.format", "file",
			    "not a spreadsheet or CSV file: an OLE2 file with no Excel "
			    "workbook (a Word .doc, or a password-protected .xlsx)");
		if (rc == FREEXL_INSUFFICIENT_MEMORY)
			return err_invalid(e, "import.too_large", "file",
			                   "the workbook is too large");
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook cannot be read (freexl error %d)", rc);
	}
	im->xls = h;
	arena_defer(im->arena, close_xls, (void *)(uintptr_t)h);
	unsigned int info = 0;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED)
		return err_invalid(e, "import.encrypted", "file",
		                   "the workbook is protected by a password");
	if (freexl_get_info(h, FREEXL_BIFF_DATEMODE, &info) == FREEXL_OK)
		b->date1904 = info == FREEXL_BIFF_DATEMODE_1904;
	unsigned int count = 0;
	if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0)
		return err_invalid(e, "import.corrupt", "file", "the workbook lists no worksheet");
	if (count > 65535)
		count = 65535;
	struct tab_sheet *sheets = arena_zalloc(im->arena, sizeof(*sheets) * count);
	for (unsigned int i = 0; i < count; i++) {
		const char *name = NULL;
		unsigned int rows = 0;
		unsigned short cols = 0;
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK || !name)
			name = "";
		sheets[i].name = arena_strdup(im->arena, name);
		if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
			return err_invalid(e, "import.corrupt", "file",
			                   "sheet %u of the workbook cannot be read", i + 1);
		sheets[i].rows = (long)rows;
		sheets[i].cols = cols;
	}
	b->sheets = sheets;
	b->nsheets = count;
	return 0;
}

int tab_xls_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e)
{
	struct tab_impl *im = b->impl;
	const void *h = im->xls;
	unsigned int rows = 0;
	unsigned short cols = 0;
	if (freexl_select_active_worksheet(h, (unsigned short)sheet) != FREEXL_OK ||
	    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
		return err_invalid(e, "import.corrupt", "file", "sheet %zu cannot be read",
		                   sheet + 1);
	for (unsigned int r = 0; r < rows; r++) {
		struct tab_builder rb;
		tab_builder_start(&rb, &im->row_arena, (int)r);
		for (unsigned short c = 0; c < cols; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK ||
			    v.type == FREEXL_CELL_NULL)
				continue;
			struct tab_cell *cell = tab_builder_cell(&rb, c, e);
			if (!cell)
				return -1;
			switch (v.type) {
			case FREEXL_CELL_INT:
				cell->kind = TAB_NUMBER;
				cell->num = v.value.int_value;
				cell->text = arena_printf(&im->row_arena, "%d", v.value.int_value);
				break;
			case FREEXL_CELL_DOUBLE:
				cell->kind = TAB_NUMBER;
				cell->num = v.value.double_value;
				cell->text =
				    arena_printf(&im->row_arena, "%.15g", v.value.double_value);
				break;
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
				if (v.value.text_value && strlen(v.value.text_value) >= 10) {
					memcpy(cell->date, v.value.text_value, 10);
					cell->date[10] = '\0';
					if (!tab_date_parse(cell->date, cell->date)) {
						cell->kind = TAB_DATE;
						cell->text = cell->date;
						break;
					}
				}
				cell->kind = TAB_TEXT;
				cell->text = arena_strdup(
				    &im->row_arena, v.value.text_value ? v.value.text_value : "");
				break;
			case FREEXL_CELL_TIME:
				cell->flags |= TAB_TIME;
				/* fall through */
			default: /* text */
				cell->text = arena_strdup(
				    &im->row_arena, v.value.text_value ? v.value.text_value : "");
				cell->kind = *cell->text ? TAB_TEXT : TAB_EMPTY;
				if (cell->kind == TAB_TEXT)
					tab_flag_subst(cell);
			}
		}
		struct tab_row row;
		tab_builder_row(&rb, &row);
		int rc = fn(&row, ctx, e);
		arena_release(&im->row_arena);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}
