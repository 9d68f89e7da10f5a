/*
 * csv.c - the CSV reader of tabular.h: RFC 4180 (quotes, doubled quotes, line breaks in
 * quotes, CRLF, LF or CR), the delimiter guessed from the first records, UTF-8 with or
 * without BOM or GB18030 (GBK) converted cell by cell with iconv. Opening reads the file
 * once (encoding, delimiter, row count); each tab_rows reads it again, one row in memory.
 */
#include "tabular.h"
#include "impl.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/banned.h"

#define CHUNK 65536

enum {
	F_START,
	F_PLAIN,
	F_QUOTED,
	F_QUOTE_END
};

struct csv {
	char delim;
	int store; /* 0: count records and fields only */
	int state;
	int after_cr;
	int any;  /* the record has a byte or a delimiter */
	long row; /* the record being read */
	int col;  /* its field being read */
	int maxcols;
	long quote_row; /* where the open quote is */
	int quote_col;
	struct strbuf field;
	struct tab_builder rb;
	struct arena *ra;
	iconv_t cd; /* GB18030 -> UTF-8, or (iconv_t)-1 for UTF-8 */
	/* the callback (store) or the count hook */
	tab_row_fn fn;
	void *ctx;
	void (*count)(struct csv *p, int nfields);
	void *count_ctx;
	int stop; /* 1: the callback stopped, -1: an error */
};

static void field_start(struct csv *p)
{
	strbuf_init(&p->field, p->ra, TAB_MAX_CELL);
}

static void record_start(struct csv *p)
{
	p->col = 0;
	p->any = 0;
	if (p->store) {
		tab_builder_start(&p->rb, p->ra, (int)p->row);
		field_start(p);
	}
}

/* bytes of a GB18030 character at s (n left): 1, 2, 4; 0 if invalid; -1 if cut short */
static int gb_next(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] == 0x80 || s[0] == 0xFF)
		return 0;
	if (n < 2)
		return -1;
	if ((s[1] >= 0x40 && s[1] <= 0x7E) || (s[1] >= 0x80 && s[1] <= 0xFE))
		return 2;
	if (s[1] < 0x30 || s[1] > 0x39)
		return 0;
	if (n < 4)
		return -1;
	return s[2] >= 0x81 && s[2] <= 0xFE && s[3] >= 0x30 && s[3] <= 0x39 ? 4 : 0;
}

/* GB18030 bytes into UTF-8 in sb; U+FFFD for what does not convert (and TAB_LOST) */
static void from_gb18030(iconv_t cd, const char *in, size_t n, struct strbuf *sb,
                         struct tab_cell *c)
{
	iconv(cd, NULL, NULL, NULL, NULL);
	char *ip = (char *)(uintptr_t)in;
	size_t left = n;
	while (left && !sb->err) {
		char *op = strbuf_grow(sb, left * 2 + 8);
		if (!op)
			break;
		size_t room = left * 2 + 8, before = room;
		size_t r = iconv(cd, &ip, &left, &op, &room);
		sb->len += before - room;
		sb->buf[sb->len] = '\0';
		if (r == (size_t)-1 && errno != E2BIG) {
			/* EILSEQ or EINVAL (cut short): one character lost */
			strbuf_add(sb, "\xEF\xBF\xBD", 3);
			c->flags |= TAB_LOST;
			int k = gb_next((const unsigned char *)ip, left);
			size_t skip = k > 0 ? (size_t)k : 1; /* the whole character that failed */
			ip += skip;
			left -= skip;
		}
	}
}

/* the field read becomes a cell of the record */
static int field_end(struct csv *p, struct err *e)
{
	if (p->store) {
		char a1[16];
		if (p->field.err)
			return err_invalid(e, "import.too_large", tab_a1((int)p->row, p->col, a1),
			                   "cell %s is over 1 MiB", a1);
		struct tab_cell *c = tab_builder_cell(&p->rb, p->col, e);
		if (!c)
			return -1;
		if (p->field.len) {
			c->kind = TAB_TEXT;
			if (p->cd != (iconv_t)-1) {
				struct strbuf out;
				strbuf_init(&out, p->ra, TAB_MAX_CELL * 2);
				from_gb18030(p->cd, p->field.buf, p->field.len, &out, c);
				c->text = out.buf;
			} else {
				c->text = p->field.buf;
			}
			tab_flag_subst(c);
		}
		field_start(p);
	} else if (p->col + 1 > TAB_MAX_COLS) {
		return err_invalid(e, "import.too_large", "file",
		                   "row %ld has more than %d columns", p->row + 1, TAB_MAX_COLS);
	}
	p->col++;
	return 0;
}

static int record_end(struct csv *p, struct err *e)
{
	if (field_end(p, e))
		return -1;
	if (p->col > p->maxcols)
		p->maxcols = p->col;
	if (p->store) {
		struct tab_row row;
		tab_builder_row(&p->rb, &row);
		int rc = p->fn(&row, p->ctx, e);
		arena_release(p->ra);
		if (rc) {
			p->stop = rc < 0 ? -1 : 1;
			return rc < 0 ? -1 : 0;
		}
	} else if (p->count) {
		p->count(p, p->col);
	}
	p->row++;
	record_start(p);
	return 0;
}

static int put(struct csv *p, char ch)
{
	if (p->store)
		strbuf_addch(&p->field, ch);
	return 0;
}

/* feed n bytes; -1 on an error */
static int feed(struct csv *p, const char *s, size_t n, struct err *e)
{
	for (size_t i = 0; i < n && !p->stop; i++) {
		char ch = s[i];
		if (p->after_cr) {
			p->after_cr = 0;
			if (ch == '\n')
				continue;
		}
		switch (p->state) {
		case F_QUOTED:
			if (ch == '"')
				p->state = F_QUOTE_END;
			else
				put(p, ch);
			continue;
		case F_QUOTE_END:
			if (ch == '"') {
				put(p, '"');
				p->state = F_QUOTED;
				continue;
			}
			p->state = F_PLAIN; /* text after the closing quote: kept as it is */
			break;
		case F_START:
			if (ch == '"') {
				p->state = F_QUOTED;
				p->any = 1;
				p->quote_row = p->row;
				p->quote_col = p->col;
				continue;
			}
			break;
		default:
			break;
		}
		if (ch == p->delim) {
			p->any = 1;
			if (field_end(p, e))
				return -1;
			p->state = F_START;
		} else if (ch == '\n' || ch == '\r') {
			p->after_cr = ch == '\r';
			p->state = F_START;
			if (record_end(p, e))
				return -1;
		} else {
			p->any = 1;
			p->state = F_PLAIN;
			put(p, ch);
		}
	}
	return p->stop < 0 ? -1 : 0;
}

/* the end of the input: the last record if it did not end with a line break */
static int finish(struct csv *p, struct err *e)
{
	if (p->stop)
		return p->stop < 0 ? -1 : 0;
	if (p->state == F_QUOTED) {
		char a1[16];
		return err_invalid(e, "import.csv_quote",
		                   tab_a1((int)p->quote_row, p->quote_col, a1),
		                   "the quote that opens cell %s is never closed", a1);
	}
	if (p->any || p->col)
		return record_end(p, e);
	return 0;
}

static void csv_init(struct csv *p, char delim, struct arena *ra)
{
	memset(p, 0, sizeof(*p));
	p->delim = delim;
	p->ra = ra;
	p->cd = (iconv_t)-1;
	p->state = F_START;
	record_start(p);
}

/* ---- the delimiter: the candidate whose field count is the same over most records ---- */

struct guess {
	int counts[32];
	int n;
};

static void guess_count(struct csv *p, int nfields)
{
	struct guess *g = p->count_ctx;
	if (g->n < 32)
		g->counts[g->n++] = nfields;
	if (g->n >= 32)
		p->stop = 1;
}

static char guess_delim(const char *s, size_t n)
{
	static const char cands[] = { ',', '\t', ';' };
	char best = ',';
	int best_score = 0, best_fields = 1;
	for (size_t k = 0; k < sizeof(cands); k++) {
		struct csv p;
		struct guess g = { { 0 }, 0 };
		csv_init(&p, cands[k], NULL);
		p.count = guess_count;
		p.count_ctx = &g;
		if (feed(&p, s, n, NULL) || (!p.stop && p.state != F_QUOTED && finish(&p, NULL)))
			continue;
		/* the most frequent field count above 1 and how many records have it */
		for (int i = 0; i < g.n; i++) {
			int c = g.counts[i], same = 0;
			if (c < 2)
				continue;
			for (int j = 0; j < g.n; j++)
				same += g.counts[j] == c;
			if (same > best_score || (same == best_score && c > best_fields)) {
				best_score = same;
				best_fields = c;
				best = cands[k];
			}
		}
	}
	return best;
}

/* ---- encodings ---- */

struct scan {
	int utf8_ok, gb_ok, nul;
	size_t utf8_bad, gb_bad; /* offsets of the first invalid bytes */
};

/* check buf[0..n) (final: no more input); the bytes left over for the next chunk */
static size_t scan_chunk(struct scan *sc, const unsigned char *buf, size_t n, size_t off, int final)
{
	size_t i = 0, keep = 0;
	if (sc->utf8_ok) {
		while (i < n) {
			uint32_t cp;
			if (buf[i] < 0x80) {
				i++;
				continue;
			}
			size_t k = utf8_next((const char *)buf + i, n - i, &cp);
			if (k) {
				i += k;
				continue;
			}
			if (!final && n - i < 4) {
				keep = n - i;
				break;
			}
			sc->utf8_ok = 0;
			sc->utf8_bad = off + i;
			break;
		}
	}
	if (sc->gb_ok) {
		size_t gkeep = 0;
		for (i = 0; i < n;) {
			int k = gb_next(buf + i, n - i);
			if (k > 0) {
				i += (size_t)k;
				continue;
			}
			if (k < 0 && !final) {
				gkeep = n - i;
				break;
			}
			sc->gb_ok = 0;
			sc->gb_bad = off + i;
			break;
		}
		if (gkeep > keep)
			keep = gkeep;
	}
	if (!sc->nul && memchr(buf, 0, n - keep))
		sc->nul = 1;
	return keep;
}

static void count_rows(struct csv *p, int nfields)
{
	(void)p;
	(void)nfields;
}

int tab_csv_open(struct tab_book *b, struct err *e)
{
	FILE *f = tab_reopen(b, e);
	if (!f)
		return -1;
	char *buf = arena_alloc(b->impl->arena, CHUNK + 8);
	struct scan sc = { 1, 1, 0, 0, 0 };
	struct csv p;
	size_t have = 0, off = 0;
	int first = 1, bom = 0;
	char delim = ',';
	for (;;) {
		size_t r = fread(buf + have, 1, CHUNK, f);
		if (ferror(f)) {
			fclose(f);
			return err_invalid(e, "import.file", "file", "unable to read the file: %s",
			                   strerror(errno));
		}
		size_t n = have + r;
		int final = r == 0 || feof(f);
		const char *start = buf;
		if (first) {
			first = 0;
			if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
				bom = 1;
			delim = guess_delim(buf + 3 * bom, n - 3 * (size_t)bom);
			csv_init(&p, delim, NULL);
			p.count = count_rows;
			start += 3 * bom;
		}
		size_t keep = scan_chunk(&sc, (const unsigned char *)buf, n, off, final);
		if (sc.nul) {
			fclose(f);
			return err_invalid(e, "import.format", "file",
			                   "not a spreadsheet or CSV file: binary data");
		}
		if (feed(&p, start, (size_t)(buf + n - keep - start), e)) {
			fclose(f);
			return -1;
		}
		off += n - keep;
		memmove(buf, buf + n - keep, keep);
		have = keep;
		if (final && !have)
			break;
		if (final) { /* bytes left over that nothing can complete */
			sc.utf8_ok = sc.utf8_ok && !have;
			sc.gb_ok = sc.gb_ok && !have;
			if (feed(&p, buf, have, e)) {
				fclose(f);
				return -1;
			}
			break;
		}
	}
	fclose(f);
	if (!sc.utf8_ok && !sc.gb_ok)
		return err_invalid(e, "import.format", "file",
		                   "not a spreadsheet or CSV file: text in neither UTF-8 nor "
		                   "GB18030 (byte %zu)",
		                   sc.gb_bad > sc.utf8_bad ? sc.gb_bad : sc.utf8_bad);
	if (p.state == F_QUOTED) {
		char a1[16];
		return err_invalid(e, "import.csv_quote", tab_a1((int)p.quote_row, p.quote_col, a1),
		                   "the quote that opens cell %s is never closed", a1);
	}
	if (finish(&p, e))
		return -1;
	b->encoding = sc.utf8_ok ? (bom ? TAB_UTF8_BOM : TAB_UTF8) : TAB_GB18030;
	b->delim = delim;
	struct tab_sheet *s = arena_zalloc(b->impl->arena, sizeof(*s));
	s->name = "";
	s->rows = p.row;
	s->cols = p.maxcols;
	b->sheets = s;
	b->nsheets = 1;
	return 0;
}

int tab_csv_rows(struct tab_book *b, tab_row_fn fn, void *ctx, struct err *e)
{
	FILE *f = tab_reopen(b, e);
	if (!f)
		return -1;
	struct csv p;
	csv_init(&p, b->delim, &b->impl->row_arena);
	p.store = 1;
	p.fn = fn;
	p.ctx = ctx;
	record_start(&p);
	if (b->encoding == TAB_GB18030) {
		p.cd = iconv_open("UTF-8", "GB18030");
		if (p.cd == (iconv_t)-1) {
			fclose(f);
			return err_internal(e, "iconv cannot convert GB18030: %s", strerror(errno));
		}
	}
	char *buf = arena_alloc(b->impl->arena, CHUNK);
	int rc = 0, first = 1;
	for (;;) {
		size_t n = fread(buf, 1, CHUNK, f);
		if (ferror(f)) {
			rc = err_invalid(e, "import.file", "file", "unable to read the file: %s",
			                 strerror(errno));
			break;
		}
		size_t skip = 0;
		if (first && b->encoding == TAB_UTF8_BOM && n >= 3 &&
		    !memcmp(buf, "\xEF\xBB\xBF", 3))
			skip = 3;
		first = 0;
		if (n == 0) {
			rc = finish(&p, e);
			break;
		}
		if (feed(&p, buf + skip, n - skip, e)) {
			rc = -1;
			break;
		}
		if (p.stop)
			break;
	}
	if (p.cd != (iconv_t)-1)
		iconv_close(p.cd);
	fclose(f);
	return rc;
}
