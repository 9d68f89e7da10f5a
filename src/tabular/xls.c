/*
 * xls.c - the .xls (BIFF8, Excel 97-2003) reader of tabular.h, on Debian's freexl, run in
 * a separate process. Fuzzing found crafted files on which freexl 1.0.6 reads past a stack
 * buffer during freexl_open (docs/internals/tabular.md), so freexl never runs in the
 * process that asked: the parent spawns its own executable (`/proc/self/exe internal
 * xls-rows PATH`, posix_spawn, no fork of a threaded server), the child converts the whole
 * workbook and writes it to a pipe in the framing below, and the parent decodes that into
 * the same tab_book / tab_rows interface. A child that crashes, runs past tab_xls_seconds
 * or writes more than TAB_MAX_PART bytes is killed and the file is import.corrupt (or
 * import.too_large); the parent trusts nothing it reads (every length and index checked).
 *
 * The framing (integers little-endian, as the host writes them: parent and child are the
 * same binary):
 *
 *   "CXLS1"                                   magic
 *   'B' u8 date1904  u16 nsheets              the book
 *   'S' u32 rows  u16 cols  u16 len  name     each sheet, in order
 *   per sheet, in order: its cells by row, then column, then 'E'
 *     'C' u32 row  u16 col  u8 type  value    type 'I' i32, 'F' f64, 'T' text, 'D' date,
 *                                              'H' time (text: u32 len, bytes)
 *   'Z'                                       the end
 *   'X' u8 why  i32 freexl code               freexl refused the file (instead of the rest)
 *
 * Binary rather than CSV: cells keep their type and a double its every bit (the parent
 * prints it %.15g as before), text needs no quoting or escaping of line breaks, and a
 * decoder of counted fields is short and easy to fuzz (tests/fuzz/fuzz_xls_frames.c).
 */
#include "tabular.h"
#include "impl.h"

#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

extern char **environ;

const char *tab_xls_exe;
int tab_xls_seconds = 30;

#define MAGIC          "CXLS1"
#define CHILD_MAX_ROWS 1048576u

/* why the child gave up ('X') */
enum {
	X_NO_WORKBOOK = 1,
	X_MEMORY,
	X_OPEN,
	X_ENCRYPTED,
	X_NO_SHEET,
	X_SHEET,
	X_TOO_LARGE
};

/* ---- the child: freexl to frames ---- */

static void put(FILE *f, const void *p, size_t n)
{
	fwrite(p, 1, n, f);
}

static void put_u8(FILE *f, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(f, &c, 1);
}

static void put_u16(FILE *f, unsigned v)
{
	uint16_t x = (uint16_t)v;
	put(f, &x, 2);
}

static void put_u32(FILE *f, uint32_t v)
{
	put(f, &v, 4);
}

static void put_text(FILE *f, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > TAB_MAX_CELL)
		n = TAB_MAX_CELL;
	put_u32(f, (uint32_t)n);
	put(f, s ? s : "", n);
}

static int give_up(FILE *f, unsigned why, int rc)
{
	put_u8(f, 'X');
	put_u8(f, why);
	int32_t v = rc;
	put(f, &v, 4);
	return 0;
}

int tab_xls_convert(const char *path, FILE *out)
{
	const void *h = NULL;
	put(out, MAGIC, 5);
	int rc = freexl_open(path, &h);
	if (rc != FREEXL_OK) {
		if (h)
			freexl_close(h);
		return give_up(out,
		               rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND ? X_NO_WORKBOOK
		               : rc == FREEXL_INSUFFICIENT_MEMORY   ? X_MEMORY
		                                                    : X_OPEN,
		               rc);
	}
	unsigned int info = 0, count = 0;
	if (freexl_get_info(h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED)
		rc = give_up(out, X_ENCRYPTED, 0);
	else if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0)
		rc = give_up(out, X_NO_SHEET, 0);
	if (info == FREEXL_BIFF_OBFUSCATED || count == 0) {
		freexl_close(h);
		return rc;
	}
	if (count > 65535)
		count = 65535;
	info = 0;
	freexl_get_info(h, FREEXL_BIFF_DATEMODE, &info);
	put_u8(out, 'B');
	put_u8(out, info == FREEXL_BIFF_DATEMODE_1904);
	put_u16(out, count);
	for (unsigned int s = 0; s < count; s++) {
		const char *name = NULL;
		unsigned int rows = 0;
		unsigned short cols = 0;
		if (freexl_get_worksheet_name(h, (unsigned short)s, &name) != FREEXL_OK || !name)
			name = "";
		if (freexl_select_active_worksheet(h, (unsigned short)s) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
			freexl_close(h);
			return give_up(out, X_SHEET, (int)s + 1);
		}
		if (rows > CHILD_MAX_ROWS || cols > TAB_MAX_COLS) {
			freexl_close(h);
			return give_up(out, X_TOO_LARGE, (int)s + 1);
		}
		size_t n = strlen(name);
		if (n > 65535)
			n = 65535;
		put_u8(out, 'S');
		put_u32(out, rows);
		put_u16(out, cols);
		put_u16(out, (unsigned)n);
		put(out, name, n);
	}
	for (unsigned int s = 0; s < count; s++) {
		unsigned int rows = 0;
		unsigned short cols = 0;
		freexl_select_active_worksheet(h, (unsigned short)s);
		freexl_worksheet_dimensions(h, &rows, &cols);
		for (unsigned int r = 0; r < rows; r++)
			for (unsigned short c = 0; c < cols; c++) {
				FreeXL_CellValue v;
				if (freexl_get_cell_value(h, r, c, &v) != FREEXL_OK ||
				    v.type == FREEXL_CELL_NULL)
					continue;
				put_u8(out, 'C');
				put_u32(out, r);
				put_u16(out, c);
				switch (v.type) {
				case FREEXL_CELL_INT:
					put_u8(out, 'I');
					put(out, &v.value.int_value, 4);
					break;
				case FREEXL_CELL_DOUBLE:
					put_u8(out, 'F');
					put(out, &v.value.double_value, 8);
					break;
				case FREEXL_CELL_DATE:
				case FREEXL_CELL_DATETIME:
					put_u8(out, 'D');
					put_text(out, v.value.text_value);
					break;
				case FREEXL_CELL_TIME:
					put_u8(out, 'H');
					put_text(out, v.value.text_value);
					break;
				default:
					put_u8(out, 'T');
					put_text(out, v.value.text_value);
				}
			}
		put_u8(out, 'E');
	}
	put_u8(out, 'Z');
	freexl_close(h);
	return 0;
}

int tab_xls_child(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "xls-rows")) {
		fprintf(stderr, "cunwu internal: usage: cunwu internal xls-rows FILE\n");
		return 2;
	}
	/* the test hook of tests/unit/tabular/readers.c: a child that crashes or hangs */
	const char *hook = getenv("CUNWU_TEST_XLS_CHILD");
	if (hook && !strcmp(hook, "crash"))
		abort();
	if (hook && !strcmp(hook, "hang"))
		for (;;)
			pause();
	static char buf[1 << 16];
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	tab_xls_convert(argv[2], stdout);
	/* _exit, not exit: freexl leaks on some broken files, and a leak report would turn
	 * a clean refusal into a crash */
	_exit(fflush(stdout) ? 1 : 0);
}

/* ---- the parent: spawn, read, decode ---- */

struct rd {
	const unsigned char *p;
	size_t n, i;
};

static int get(struct rd *r, void *out, size_t n)
{
	if (r->n - r->i < n)
		return -1;
	memcpy(out, r->p + r->i, n);
	r->i += n;
	return 0;
}

static int get_u8(struct rd *r, unsigned *v)
{
	unsigned char c;
	if (get(r, &c, 1))
		return -1;
	*v = c;
	return 0;
}

static int get_u16(struct rd *r, unsigned *v)
{
	uint16_t x;
	if (get(r, &x, 2))
		return -1;
	*v = x;
	return 0;
}

static int get_u32(struct rd *r, uint32_t *v)
{
	return get(r, v, 4);
}

/* a counted text: *s points into the frames (not terminated), *len its bytes */
static int get_text(struct rd *r, const char **s, size_t *len)
{
	uint32_t n;
	if (get_u32(r, &n) || n > TAB_MAX_CELL || r->n - r->i < n)
		return -1;
	*s = (const char *)r->p + r->i;
	*len = n;
	r->i += n;
	return 0;
}

struct xls_cell {
	uint32_t row;
	unsigned col, type;
	int32_t i;
	double f;
	const char *s;
	size_t len;
};

/* The next record of a sheet: 1 a cell, 0 the sheet's end, -1 broken. */
static int next_cell(struct rd *r, struct xls_cell *c)
{
	unsigned tag;
	if (get_u8(r, &tag))
		return -1;
	if (tag == 'E')
		return 0;
	if (tag != 'C' || get_u32(r, &c->row) || get_u16(r, &c->col) || get_u8(r, &c->type))
		return -1;
	switch (c->type) {
	case 'I':
		return get(r, &c->i, 4) ? -1 : 1;
	case 'F':
		return get(r, &c->f, 8) ? -1 : 1;
	case 'T':
	case 'D':
	case 'H':
		return get_text(r, &c->s, &c->len) ? -1 : 1;
	default:
		return -1;
	}
}

static int broken(struct err *e)
{
	return err_invalid(e, "import.corrupt", "file",
	                   "the .xls workbook cannot be read: its reader gave a broken answer");
}

static int refused(unsigned why, int32_t code, struct err *e)
{
	switch (why) {
	case X_NO_WORKBOOK:
		return err_invalid(e, "import.format", "file",
		                   "not a spreadsheet or CSV file: an OLE2 file with no Excel "
		                   "workbook (a Word .doc, or a password-protected .xlsx)");
	case X_MEMORY:
		return err_invalid(e, "import.too_large", "file", "the workbook is too large");
	case X_ENCRYPTED:
		return err_invalid(e, "import.encrypted", "file",
		                   "the workbook is protected by a password");
	case X_NO_SHEET:
		return err_invalid(e, "import.corrupt", "file", "the workbook lists no worksheet");
	case X_SHEET:
		return err_invalid(e, "import.corrupt", "file",
		                   "sheet %d of the workbook cannot be read", (int)code);
	case X_TOO_LARGE:
		return err_invalid(e, "import.too_large", "file",
		                   "sheet %d of the workbook is too large", (int)code);
	default:
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook cannot be read (freexl error %d)", (int)code);
	}
}

int tab_xls_decode(struct tab_book *b, const void *frames, size_t len, struct err *e)
{
	struct tab_impl *im = b->impl;
	struct rd r = { frames, len, 0 };
	char magic[5];
	unsigned tag, d1904, count;
	if (get(&r, magic, 5) || memcmp(magic, MAGIC, 5) || get_u8(&r, &tag))
		return broken(e);
	if (tag == 'X') {
		unsigned why;
		int32_t code;
		if (get_u8(&r, &why) || get(&r, &code, 4))
			return broken(e);
		return refused(why, code, e);
	}
	if (tag != 'B' || get_u8(&r, &d1904) || get_u16(&r, &count) || d1904 > 1 || !count)
		return broken(e);
	struct tab_sheet *sheets = arena_zalloc(im->arena, sizeof(*sheets) * count);
	size_t *at = arena_zalloc(im->arena, sizeof(*at) * count);
	for (unsigned s = 0; s < count; s++) {
		uint32_t rows;
		unsigned cols, n;
		if (get_u8(&r, &tag) || tag != 'S' || get_u32(&r, &rows) || get_u16(&r, &cols) ||
		    get_u16(&r, &n) || r.n - r.i < n || rows > CHILD_MAX_ROWS ||
		    cols > TAB_MAX_COLS)
			return broken(e);
		sheets[s].name = arena_strndup(im->arena, (const char *)r.p + r.i, n);
		r.i += n;
		sheets[s].rows = rows;
		sheets[s].cols = (int)cols;
	}
	/* every cell checked once here: in its sheet's bounds, in order */
	for (unsigned s = 0; s < count; s++) {
		struct xls_cell c;
		uint64_t last = 0;
		int k, first = 1;
		at[s] = r.i;
		while ((k = next_cell(&r, &c)) == 1) {
			uint64_t pos = (uint64_t)c.row << 16 | c.col;
			if (c.row >= (uint32_t)sheets[s].rows || (int)c.col >= sheets[s].cols ||
			    (!first && pos <= last))
				return broken(e);
			last = pos;
			first = 0;
		}
		if (k < 0)
			return broken(e);
	}
	if (get_u8(&r, &tag) || tag != 'Z' || r.i != r.n)
		return broken(e);
	b->date1904 = (int)d1904;
	b->sheets = sheets;
	b->nsheets = count;
	im->xls = frames;
	im->xls_len = len;
	im->xls_at = at;
	return 0;
}

static void free_frames(void *p)
{
	free(p);
}

static void unlink_file(void *path)
{
	unlink(path);
}

/* the book's bytes in a temporary file, for the child */
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

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static pid_t spawn_child(const char *path, int *rfd, struct err *e)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC)) {
		err_internal(e, "unable to make a pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3); /* the server's sockets stay home */
	const char *exe = tab_xls_exe ? tab_xls_exe : "/proc/self/exe";
	char *argv[] = { (char *)"cunwu", (char *)"internal", (char *)"xls-rows", (char *)path,
		         NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		err_internal(e, "unable to start '%s': %s", exe, strerror(rc));
		return -1;
	}
	*rfd = p[0];
	return pid;
}

/* Read the child's frames into *out (malloc'd, freed with the arena). 0 read to the end,
 * 1 timed out, 2 too large, -1 a read error. */
static int read_child(int fd, struct arena *a, unsigned char **out, size_t *len)
{
	size_t n = 0, cap = 1 << 16;
	unsigned char *buf = malloc(cap);
	if (!buf)
		return -1;
	long long deadline = now_ms() + (long long)tab_xls_seconds * 1000;
	int rc = 0;
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd pf = { fd, POLLIN, 0 };
		int k = left > 0 ? poll(&pf, 1, (int)left) : 0;
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0) {
			rc = 1;
			break;
		}
		if (k < 0) {
			rc = -1;
			break;
		}
		if (n == cap) {
			if (cap >= TAB_MAX_PART) {
				rc = 2;
				break;
			}
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = 2;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	arena_defer(a, free_frames, buf);
	*out = buf;
	*len = n;
	return rc;
}

int tab_xls_open(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	const char *path = im->path ? im->path : temp_copy(b, e);
	if (!path)
		return -1;
	int fd;
	pid_t pid = spawn_child(path, &fd, e);
	if (pid < 0)
		return -1;
	unsigned char *frames = NULL;
	size_t len = 0;
	int rc = read_child(fd, im->arena, &frames, &len);
	close(fd);
	if (rc)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return err_internal(e, "unable to wait for the .xls reader: %s",
			                    strerror(errno));
	if (rc == 1)
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook is damaged: reading it took over %d seconds",
		                   tab_xls_seconds);
	if (rc == 2)
		return err_invalid(e, "import.too_large", "file",
		                   "the .xls workbook is too large: over %zu MiB of cells",
		                   TAB_MAX_PART >> 20);
	if (rc < 0)
		return err_internal(e, "unable to read from the .xls reader: %s", strerror(errno));
	if (WIFSIGNALED(st))
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook is damaged: its reader crashed on it "
		                   "(signal %d)",
		                   WTERMSIG(st));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return err_invalid(e, "import.corrupt", "file",
		                   "the .xls workbook is damaged: its reader stopped on it "
		                   "(exit %d)",
		                   WEXITSTATUS(st));
	return tab_xls_decode(b, frames, len, e);
}

int tab_xls_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e)
{
	struct tab_impl *im = b->impl;
	const size_t *at = im->xls_at;
	struct rd r = { im->xls, im->xls_len, at[sheet] };
	struct xls_cell c;
	int k = next_cell(&r, &c);
	for (long row = 0; row < b->sheets[sheet].rows; row++) {
		struct tab_builder rb;
		tab_builder_start(&rb, &im->row_arena, (int)row);
		for (; k == 1 && c.row == (uint32_t)row; k = next_cell(&r, &c)) {
			struct tab_cell *cell = tab_builder_cell(&rb, (int)c.col, e);
			if (!cell)
				return -1;
			switch (c.type) {
			case 'I':
				cell->kind = TAB_NUMBER;
				cell->num = c.i;
				cell->text = arena_printf(&im->row_arena, "%d", (int)c.i);
				break;
			case 'F':
				cell->kind = TAB_NUMBER;
				cell->num = c.f;
				cell->text = arena_printf(&im->row_arena, "%.15g", c.f);
				break;
			case 'D':
				if (c.len >= 10) {
					memcpy(cell->date, c.s, 10);
					cell->date[10] = '\0';
					if (!tab_date_parse(cell->date, cell->date)) {
						cell->kind = TAB_DATE;
						cell->text = cell->date;
						break;
					}
				}
				cell->kind = TAB_TEXT;
				cell->text = arena_strndup(&im->row_arena, c.s, c.len);
				break;
			case 'H':
				cell->flags |= TAB_TIME;
				/* fall through */
			default: /* text */
				cell->text = arena_strndup(&im->row_arena, c.s, c.len);
				cell->kind = *cell->text ? TAB_TEXT : TAB_EMPTY;
				if (cell->kind == TAB_TEXT)
					tab_flag_subst(cell);
			}
		}
		struct tab_row out;
		tab_builder_row(&rb, &out);
		int rc = fn(&out, ctx, e);
		arena_release(&im->row_arena);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	return 0;
}
