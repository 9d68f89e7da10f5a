/*
 * write.c - the writer under every export and filled template: one sheet as .xlsx
 * (libxlsxwriter, every value a text cell unless asked for a number) or as CSV (UTF-8 with
 * a BOM, which Excel in China needs to read it as UTF-8). A cell that starts like a formula
 * is neutralised the same way in both. See tabular.h and docs/internals/tabular.md.
 */
#include "tabular.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/http.h"
#include "core/media.h"
#include "core/util.h"
#include "core/banned.h"

struct tab_writer {
	struct arena *a;
	enum tab_out fmt;
	int next; /* tab_write_row's next row */
	/* CSV */
	struct strbuf csv;
	int row, col; /* where the CSV text stands: the row being written, its cells so far */
	/* xlsx */
	char *path;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *bold, *num;
	int done;
};

int tab_out_format(const char *s, enum tab_out *out, struct err *e)
{
	if (!s || !strcmp(s, "xlsx"))
		*out = TAB_OUT_XLSX;
	else if (!strcmp(s, "csv"))
		*out = TAB_OUT_CSV;
	else
		return err_invalid(e, "export.format", "format",
		                   "'format' is xlsx or csv, not '%.20s'", s);
	return 0;
}

const char *tab_neutralise(struct arena *a, const char *s)
{
	if (s && *s && strchr("=+-@\t\r", *s))
		return arena_printf(a, "'%s", s);
	return s ? s : "";
}

void tab_csv_field(struct strbuf *sb, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		strbuf_addch(sb, '"');
	if (*s && strchr("=+-@\t\r", *s))
		strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

/* the workbook and its temporary file go with the arena, however the request ends */
static void writer_drop(void *arg)
{
	struct tab_writer *w = arg;
	if (w->wb && !w->done)
		workbook_close(w->wb);
	if (w->path)
		unlink(w->path);
}

struct tab_writer *tab_writer_new(struct arena *a, enum tab_out fmt, const char *sheet, int big,
                                  struct err *e)
{
	struct tab_writer *w = arena_zalloc(a, sizeof(*w));
	w->a = a;
	w->fmt = fmt;
	if (fmt == TAB_OUT_CSV) {
		strbuf_init(&w->csv, a, 0);
		strbuf_adds(&w->csv, "\xEF\xBB\xBF"); /* the BOM Excel looks for */
		return w;
	}
	const char *dir = arena_printf(a, "%s/tmp", media_dir());
	mkdir(dir, 0700); /* the media folder's own tmp/, made on first use */
	char *path = arena_printf(a, "%s/export-XXXXXX", dir);
	int fd = mkstemp(path);
	if (fd < 0 && errno == ENOENT) { /* a command without a media folder */
		const char *t = getenv("TMPDIR");
		dir = t && *t ? t : "/tmp";
		path = arena_printf(a, "%s/cunwu-export-XXXXXX", dir);
		fd = mkstemp(path);
	}
	if (fd < 0) {
		err_internal(e, "cannot make a temporary file in %s: %s", dir, strerror(errno));
		return NULL;
	}
	close(fd);
	w->path = path;
	arena_defer(a, writer_drop, w);
	lxw_workbook_options opt = { .constant_memory = big ? LXW_TRUE : LXW_FALSE,
		                     .tmpdir = (char *)dir };
	w->wb = workbook_new_opt(path, &opt);
	w->ws = w->wb ? workbook_add_worksheet(w->wb, sheet && *sheet ? sheet : NULL) : NULL;
	if (!w->ws) {
		err_internal(e, "cannot start the workbook");
		return NULL;
	}
	w->text = workbook_add_format(w->wb);
	w->bold = workbook_add_format(w->wb);
	w->num = workbook_add_format(w->wb);
	format_set_num_format(w->text, "@"); /* text: Excel never reads 1404… as a number */
	format_set_num_format(w->bold, "@");
	format_set_bold(w->bold);
	format_set_text_wrap(w->bold);
	format_set_align(w->bold, LXW_ALIGN_CENTER);
	format_set_align(w->bold, LXW_ALIGN_VERTICAL_CENTER);
	return w;
}

enum tab_out tab_writer_format(const struct tab_writer *w)
{
	return w->fmt;
}

/* the CSV text moved on to row, col (empty cells and line ends written on the way) */
static void csv_at(struct tab_writer *w, int row, int col)
{
	if (row < w->row)
		return;
	while (w->row < row) {
		strbuf_adds(&w->csv, "\r\n");
		w->row++;
		w->col = 0;
	}
	while (w->col < col) {
		if (w->col)
			strbuf_addch(&w->csv, ',');
		w->col++;
	}
	if (w->col)
		strbuf_addch(&w->csv, ',');
	w->col++;
}

void tab_write(struct tab_writer *w, int row, int col, const char *s, unsigned style)
{
	if (!s)
		s = "";
	if (w->fmt == TAB_OUT_CSV) {
		if (row < w->row || (row == w->row && col < w->col))
			return; /* CSV is written in order */
		csv_at(w, row, col);
		if (style == TAB_W_NUMBER)
			strbuf_adds(&w->csv, s);
		else
			tab_csv_field(&w->csv, s);
		return;
	}
	if (style == TAB_W_NUMBER) {
		char *end;
		double v = strtod(s, &end);
		if (*s && !*end) {
			worksheet_write_number(w->ws, (lxw_row_t)row, (lxw_col_t)col, v, w->num);
			return;
		}
	}
	worksheet_write_string(w->ws, (lxw_row_t)row, (lxw_col_t)col, tab_neutralise(w->a, s),
	                       style == TAB_W_BOLD ? w->bold : w->text);
}

void tab_write_merge(struct tab_writer *w, int r1, int c1, int r2, int c2, const char *s,
                     unsigned style)
{
	if (w->fmt == TAB_OUT_CSV || (r1 == r2 && c1 == c2)) {
		tab_write(w, r1, c1, s, style);
		return;
	}
	worksheet_merge_range(w->ws, (lxw_row_t)r1, (lxw_col_t)c1, (lxw_row_t)r2, (lxw_col_t)c2,
	                      tab_neutralise(w->a, s ? s : ""),
	                      style == TAB_W_BOLD ? w->bold : w->text);
}

void tab_write_widths(struct tab_writer *w, const double *widths, int n)
{
	for (int i = 0; w->fmt == TAB_OUT_XLSX && i < n; i++)
		worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], w->text);
}

void tab_write_list_head(struct tab_writer *w, const char *title, const char *const *heads,
                         const double *widths, int n)
{
	w->next = 0;
	if (w->fmt == TAB_OUT_XLSX) {
		tab_write_widths(w, widths, n);
		worksheet_write_string(w->ws, 0, 0, title, w->bold);
		worksheet_freeze_panes(w->ws, 2, 0);
		w->next = 1;
	}
	for (int i = 0; i < n; i++)
		tab_write(w, w->next, i, heads[i], TAB_W_BOLD);
	w->next++;
}

void tab_write_row(struct tab_writer *w, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		tab_write(w, w->next, i, cells[i], TAB_W_TEXT);
	if (!n && w->fmt == TAB_OUT_CSV)
		csv_at(w, w->next, 0); /* a blank line keeps the rows counted */
	w->next++;
}

int tab_writer_rows(const struct tab_writer *w)
{
	return w->next;
}

static int finish(struct tab_writer *w, struct err *e)
{
	if (w->fmt == TAB_OUT_CSV) {
		if (w->col)
			strbuf_adds(&w->csv, "\r\n");
		return w->csv.err ? err_internal(e, "the CSV is over its size limit") : 0;
	}
	w->done = 1;
	lxw_error xe = workbook_close(w->wb);
	if (xe != LXW_NO_ERROR)
		return err_internal(e, "cannot write the workbook: %s", lxw_strerror(xe));
	return 0;
}

int tab_writer_send(struct tab_writer *w, struct req *r, const char *ascii_name, const char *name,
                    struct err *e)
{
	if (finish(w, e))
		return -1;
	const char *ext = w->fmt == TAB_OUT_CSV ? "csv" : "xlsx";
	struct strbuf enc;
	strbuf_init(&enc, &r->arena, 0);
	strbuf_add_pct(&enc, name);
	req_set_header(r, "Content-Disposition",
	               arena_printf(&r->arena,
	                            "attachment; filename=\"%s.%s\"; filename*=UTF-8''%s.%s",
	                            ascii_name, ext, enc.buf, ext));
	r->status = 200;
	if (w->fmt == TAB_OUT_CSV) {
		r->out = w->csv;
		r->content_type = "text/csv; charset=utf-8";
		return 0;
	}
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb)) {
		if (fd >= 0)
			close(fd);
		return err_internal(e, "cannot read the workbook back");
	}
	/* the open file is the answer; the arena removes the name */
	r->file_fd = fd;
	r->file_size = sb.st_size;
	r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return 0;
}

/* bytes (or the file at fd, from its start) written to path */
static int save_bytes(const char *path, const char *buf, size_t len, int fd, struct err *e)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return err_set(e, 500, "export.save", "output", "cannot write '%s': %s", path,
		               strerror(errno));
	int bad = 0;
	if (fd < 0)
		bad = fwrite(buf, 1, len, f) != len;
	else {
		char chunk[65536];
		ssize_t n;
		lseek(fd, 0, SEEK_SET);
		while (!bad && (n = read(fd, chunk, sizeof(chunk))) > 0)
			bad = fwrite(chunk, 1, (size_t)n, f) != (size_t)n;
		bad |= n < 0;
	}
	if (fclose(f) || bad)
		return err_set(e, 500, "export.save", "output", "cannot write '%s'", path);
	return 0;
}

int tab_writer_save(struct tab_writer *w, const char *path, struct err *e)
{
	if (finish(w, e))
		return -1;
	if (w->fmt == TAB_OUT_CSV)
		return save_bytes(path, w->csv.buf, w->csv.len, -1, e);
	int fd = open(w->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_internal(e, "cannot read the workbook back");
	int rc = save_bytes(path, NULL, 0, fd, e);
	close(fd);
	return rc;
}

int tab_answer_save(struct req *r, const char *path, struct err *e)
{
	int rc = r->file_fd >= 0
	             ? save_bytes(path, NULL, 0, r->file_fd, e)
	             : save_bytes(path, r->out.buf ? r->out.buf : "", r->out.len, -1, e);
	if (r->file_fd >= 0) {
		close(r->file_fd);
		r->file_fd = -1;
	}
	return rc;
}
