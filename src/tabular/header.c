/*
 * header.c - the header layer of tabular.h (pure): where the header is under the title
 * rows, two-row merged headers joined, the 序号 column, and the rows that end the data
 * (合计, 填表人 …) or hold nothing.
 */
#include "tabular.h"
#include "impl.h"

#include <string.h>

#include "core/strbuf.h"
#include "core/banned.h"

static int is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000;
}

const char *tab_clean_name(struct arena *a, const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	size_t n = strlen(s);
	int pending = 0;   /* spaces seen since the last character */
	uint32_t last = 0; /* the last character kept */
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(s + i, n - i, &cp);
		if (!k)
			k = 1, cp = (unsigned char)s[i];
		if (is_space_cp(cp)) {
			pending = 1;
			i += k;
			continue;
		}
		/* a space between two ASCII characters stays (one); next to Chinese it goes */
		if (pending && sb.len && last < 0x80 && cp < 0x80)
			strbuf_addch(&sb, ' ');
		pending = 0;
		strbuf_add(&sb, s + i, k);
		last = cp;
		i += k;
	}
	return sb.buf;
}

static int cell_blank(const struct tab_cell *c)
{
	if (c->kind == TAB_EMPTY)
		return 1;
	if (c->kind != TAB_TEXT)
		return 0;
	for (const char *p = c->text; *p;) {
		uint32_t cp;
		size_t k = utf8_next(p, strlen(p), &cp);
		if (!k || !is_space_cp(cp))
			return 0;
		p += k;
	}
	return 1;
}

int tab_row_is_blank(const struct tab_row *row)
{
	for (int i = 0; i < row->n; i++)
		if (!cell_blank(&row->cells[i]))
			return 0;
	return 1;
}

/* 1 if the text, spaces removed, starts with one of words */
static int starts_with_word(const char *text, const char *const *words)
{
	char buf[64];
	size_t o = 0;
	for (const char *p = text; *p && o < sizeof(buf) - 1; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			buf[o++] = *p;
	buf[o] = '\0';
	const char *s = buf;
	if (!strncmp(s, "\xE3\x80\x80", 3)) /* an ideographic space first */
		s += 3;
	for (size_t i = 0; words[i]; i++)
		if (!strncmp(s, words[i], strlen(words[i])))
			return 1;
	return 0;
}

int tab_row_is_summary(const struct tab_row *row)
{
	static const char *const words[] = { "合计",   "小计", "总计",   "填表人", "填报人",
		                             "审核人", "制表", "负责人", "统计人", NULL };
	int seen = 0;
	for (int i = 0; i < row->n && seen < 2; i++) {
		const struct tab_cell *c = &row->cells[i];
		if (cell_blank(c))
			continue;
		seen++;
		if (c->kind == TAB_TEXT && starts_with_word(c->text, words))
			return 1;
	}
	return 0;
}

/* ---- the header ---- */

/* the merge whose range holds (r, c), or NULL */
static const struct tab_merge *merge_at(const struct tab_merge *m, size_t nm, int r, int c)
{
	for (size_t i = 0; i < nm; i++)
		if (r >= m[i].r1 && r <= m[i].r2 && c >= m[i].c1 && c <= m[i].c2)
			return &m[i];
	return NULL;
}

static const struct tab_cell *cell_at(const struct tab_row *row, int c)
{
	return c < row->n ? &row->cells[c] : NULL;
}

static int nonblank(const struct tab_row *row, int c)
{
	const struct tab_cell *x = cell_at(row, c);
	return x && !cell_blank(x);
}

struct row_stat {
	int filled;  /* non-blank cells */
	int texts;   /* of them, text that is no number */
	int covered; /* columns covered by a non-blank cell or a merge from one */
	int first, last;
};

static void stat_row(const struct tab_row *row, const struct tab_merge *m, size_t nm,
                     struct row_stat *s)
{
	memset(s, 0, sizeof(*s));
	s->first = -1;
	s->last = -1;
	int width = row->n;
	for (size_t i = 0; i < nm; i++)
		if (m[i].r1 <= row->row && m[i].r2 >= row->row && m[i].c2 + 1 > width)
			width = m[i].c2 + 1;
	for (int c = 0; c < width && c < TAB_MAX_COLS; c++) {
		const struct tab_cell *x = cell_at(row, c);
		if (x && !cell_blank(x)) {
			double d;
			s->filled++;
			if (x->kind == TAB_TEXT && tab_number_parse(x->text, &d))
				s->texts++;
			if (s->first < 0)
				s->first = c;
			s->last = c;
			s->covered++;
			continue;
		}
		const struct tab_merge *mg = merge_at(m, nm, row->row, c);
		if (mg && nonblank(row, mg->c1) && mg->r1 == row->row) {
			s->covered++;
			s->last = c;
		} else if (mg && mg->r1 < row->row) {
			s->covered++; /* merged down from the row above */
		}
	}
}

/* the name row gives column c: its own text, or a horizontal merge's (or, without merges,
 * with fill_gaps, the nearest text to the left) */
static const char *upper_name(const struct tab_row *row, const struct tab_merge *m, size_t nm,
                              int c, int fill_gaps)
{
	const struct tab_cell *x = cell_at(row, c);
	if (x && !cell_blank(x))
		return x->text;
	const struct tab_merge *mg = merge_at(m, nm, row->row, c);
	if (mg && nonblank(row, mg->c1))
		return row->cells[mg->c1].text;
	if (fill_gaps)
		for (int k = c - 1; k >= 0; k--)
			if (nonblank(row, k))
				return row->cells[k].text;
	return NULL;
}

/* 1 if the row under the header row up belongs to the header */
static int second_row(const struct tab_row *up, const struct tab_row *low,
                      const struct tab_merge *m, size_t nm, const struct row_stat *su, int *fill_to)
{
	struct row_stat sl;
	if (low->row != up->row + 1)
		return 0;
	stat_row(low, m, nm, &sl);
	if (!sl.filled || sl.texts != sl.filled)
		return 0;
	/* with merges: a cell of the upper row merged over two columns or more, with text
	 * under it in the lower row; or a cell merged down into the lower row */
	int merged = 0;
	for (size_t i = 0; i < nm; i++) {
		if (m[i].r1 != up->row)
			continue;
		if (m[i].r2 > up->row)
			merged = 1;
		if (m[i].c2 > m[i].c1)
			for (int c = m[i].c1; c <= m[i].c2; c++)
				if (nonblank(low, c))
					merged = 1;
	}
	if (merged)
		return 1;
	/* without: the upper row has gaps the lower row fills, and the lower row is empty
	 * under some name of the upper row */
	int gaps = 0, filled_gaps = 0, empty_under = 0;
	int end = sl.last > su->last ? sl.last : su->last;
	for (int c = su->first; c <= end; c++) {
		if (!nonblank(up, c)) {
			gaps++;
			filled_gaps += nonblank(low, c);
		} else if (!nonblank(low, c)) {
			empty_under++;
		}
	}
	if (gaps && filled_gaps == gaps && empty_under) {
		*fill_to = end;
		return 1;
	}
	return 0;
}

void tab_header_find(struct arena *a, const struct tab_row *rows, int n,
                     const struct tab_merge *merges, size_t nmerges, struct tab_header *h)
{
	memset(h, 0, sizeof(*h));
	h->seq_col = -1;
	h->names = arena_zalloc(a, sizeof(char *));
	int width = 0, most = 0;
	struct row_stat *st = arena_zalloc(a, sizeof(*st) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		stat_row(&rows[i], merges, nmerges, &st[i]);
		if (st[i].covered > width)
			width = st[i].covered;
		if (st[i].filled > most)
			most = st[i].filled;
	}
	int hr = -1;
	for (int i = 0; i < n && hr < 0; i++) {
		const struct row_stat *s = &st[i];
		if (s->filled < 2 && width > 1)
			continue; /* a title, or one note */
		if (s->covered * 10 < width * 6 || s->filled * 2 < most)
			continue; /* far fewer cells than the table below */
		if (s->texts * 10 < s->filled * 8)
			continue; /* numbers and dates: data, not names */
		hr = i;
	}
	if (hr < 0)
		return;
	const struct tab_row *up = &rows[hr];
	int fill_to = -1; /* without merges: the upper names fill the gaps up to this column */
	int two = hr + 1 < n && second_row(up, &rows[hr + 1], merges, nmerges, &st[hr], &fill_to);
	const struct tab_row *low = two ? &rows[hr + 1] : NULL;
	int ncols = up->n;
	if (low && low->n > ncols)
		ncols = low->n;
	for (size_t i = 0; i < nmerges; i++)
		if (merges[i].r1 == up->row && merges[i].c2 + 1 > ncols)
			ncols = merges[i].c2 + 1;
	if (ncols > TAB_MAX_COLS)
		ncols = TAB_MAX_COLS;
	const char **names = arena_zalloc(a, sizeof(char *) * (size_t)(ncols ? ncols : 1));
	for (int c = 0; c < ncols; c++) {
		const char *u =
		    upper_name(up, merges, nmerges, c, c > st[hr].first && c <= fill_to);
		const char *l = NULL;
		if (low && nonblank(low, c))
			l = low->cells[c].text;
		const char *name;
		if (u && l) {
			const char *cu = tab_clean_name(a, u), *cl = tab_clean_name(a, l);
			name = strcmp(cu, cl) ? arena_printf(a, "%s/%s", cu, cl) : cu;
		} else {
			name = tab_clean_name(a, u ? u : l ? l : "");
		}
		names[c] = name;
		if (h->seq_col < 0 && (!strcmp(name, "序号") || !strcmp(name, "序") ||
		                       !strcmp(name, "No.") || !strcmp(name, "NO.")))
			h->seq_col = c;
	}
	h->found = 1;
	h->first = up->row;
	h->nrows = two ? 2 : 1;
	h->ncols = ncols;
	h->names = names;
	h->data_first = up->row + h->nrows;
	for (int i = 0; i < hr; i++)
		h->title_rows += st[i].filled > 0;
}
