/*
 * xlsx.c - the .xlsx reader of tabular.h: a zip (libzip) of XML parts (expat). Opening
 * reads [Content_Types].xml (is there a worksheet?), the workbook and its relationships
 * (sheet names and parts, the 1904 date system), the styles (which cell formats are dates)
 * and the shared strings (held in memory), then scans each sheet once for its row count,
 * width and merged cells (<mergeCells> follows the rows). tab_rows streams a sheet's XML
 * from the zip through expat, one row in memory. A DOCTYPE is refused (xlsx has none; no
 * entity can then be declared).
 */
#include "tabular.h"
#include "impl.h"

#include <expat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/strbuf.h"
#include "core/banned.h"

#define NS_SEP '|'

/* ---- reading one part through expat ---- */

struct xml {
	XML_Parser p;
	struct tab_book *b;
	struct err *e;
	int failed; /* a handler set e and stopped the parser */
	void *ud;
};

static const char *local(const char *name)
{
	const char *s = strrchr(name, NS_SEP);
	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (!strcmp(local(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

static void xml_fail(struct xml *x)
{
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal)
{
	(void)name, (void)sysid, (void)pubid, (void)internal;
	struct xml *x = ud;
	err_invalid(x->e, "import.corrupt", "file", "the workbook holds a DOCTYPE");
	xml_fail(x);
}

static void close_zip_file(zip_file_t *zf)
{
	zip_fclose(zf);
}

/*
 * Parse the zip entry name with the handlers; 1 if there is no such entry (and optional),
 * 0 when parsed, -1 on an error. max caps the bytes read (0: no cap but 4 GiB).
 */
static int parse_part(struct tab_book *b, const char *name, int optional,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      XML_CharacterDataHandler text, void *ud, size_t max, struct err *e)
{
	struct zip *z = b->impl->zip;
	zip_int64_t idx = zip_name_locate(z, name, ZIP_FL_NOCASE);
	if (idx < 0) {
		if (optional)
			return 1;
		return err_invalid(e, "import.corrupt", "file", "the workbook has no part '%s'",
		                   name);
	}
	zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!zf) {
		zip_error_t *ze = zip_get_error(z);
		if (zip_error_code_zip(ze) == ZIP_ER_NOPASSWD ||
		    zip_error_code_zip(ze) == ZIP_ER_ENCRNOTSUPP)
			return err_invalid(e, "import.encrypted", "file",
			                   "the workbook is protected by a password");
		return err_invalid(e, "import.corrupt", "file", "unable to read part '%s': %s",
		                   name, zip_strerror(z));
	}
	struct xml x = { XML_ParserCreateNS(NULL, NS_SEP), b, e, 0, ud };
	if (!x.p) {
		close_zip_file(zf);
		return err_internal(e, "out of memory for an XML parser");
	}
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, start, end);
	XML_SetCharacterDataHandler(x.p, text);
	XML_SetStartDoctypeDeclHandler(x.p, no_doctype);
	if (!max)
		max = (size_t)4 << 30;
	int rc = 0;
	size_t total = 0;
	for (;;) {
		void *buf = XML_GetBuffer(x.p, 65536);
		if (!buf) {
			rc = err_internal(e, "out of memory parsing '%s'", name);
			break;
		}
		zip_int64_t n = zip_fread(zf, buf, 65536);
		if (n < 0) {
			rc =
			    err_invalid(e, "import.corrupt", "file", "unable to read part '%s': %s",
			                name, zip_file_strerror(zf));
			break;
		}
		total += (size_t)n;
		if (total > max) {
			rc = err_invalid(e, "import.too_large", "file", "part '%s' is over %zu MiB",
			                 name, max >> 20);
			break;
		}
		if (XML_ParseBuffer(x.p, (int)n, n == 0) != XML_STATUS_OK) {
			if (x.failed)
				rc = -1;
			else if (XML_GetErrorCode(x.p) != XML_ERROR_ABORTED)
				rc = err_invalid(e, "import.corrupt", "file",
				                 "part '%s' is not well-formed XML (line %lu): %s",
				                 name, (unsigned long)XML_GetCurrentLineNumber(x.p),
				                 XML_ErrorString(XML_GetErrorCode(x.p)));
			break; /* aborted without failing: the handler stopped on purpose */
		}
		if (n == 0)
			break;
	}
	XML_ParserFree(x.p);
	close_zip_file(zf);
	return rc;
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void XMLCALL no_text(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

/* ---- [Content_Types].xml ---- */

struct types {
	int sheet, word, slides;
};

static void XMLCALL types_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct types *t = ((struct xml *)ud)->ud;
	const char *ct = attr(atts, "ContentType");
	(void)name;
	if (!ct)
		return;
	if (strstr(ct, "spreadsheetml.worksheet+xml"))
		t->sheet = 1;
	if (strstr(ct, "wordprocessingml"))
		t->word = 1;
	if (strstr(ct, "presentationml"))
		t->slides = 1;
}

/* ---- relationships ---- */

struct rel {
	const char *id, *type, *target;
};

struct rels {
	struct arena *a;
	struct rel *v;
	size_t n, alloc;
};

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels *r = ((struct xml *)ud)->ud;
	if (strcmp(local(name), "Relationship") || r->n >= 100000)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"),
	           *target = attr(atts, "Target");
	if (!id || !type || !target)
		return;
	if (r->n == r->alloc) {
		size_t want = r->alloc ? r->alloc * 2 : 8;
		r->v = arena_realloc(r->a, r->v, r->alloc * sizeof(*r->v), want * sizeof(*r->v));
		r->alloc = want;
	}
	r->v[r->n++] = (struct rel){ arena_strdup(r->a, id), arena_strdup(r->a, type),
		                     arena_strdup(r->a, target) };
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && !strcmp(s + n - k, tail);
}

/* a relationship target as a zip entry name, relative to the folder of part */
static const char *resolve(struct arena *a, const char *part, const char *target)
{
	if (target[0] == '/')
		return arena_strdup(a, target + 1);
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part + 1) : 0;
	while (!strncmp(target, "./", 2))
		target += 2;
	while (!strncmp(target, "../", 3) && dir) {
		target += 3;
		size_t k = dir - 1;
		while (k && part[k - 1] != '/')
			k--;
		dir = k;
	}
	return arena_printf(a, "%.*s%s", (int)dir, part, target);
}

/* the rels part of a part: xl/workbook.xml -> xl/_rels/workbook.xml.rels */
static const char *rels_of(struct arena *a, const char *part)
{
	const char *slash = strrchr(part, '/');
	size_t dir = slash ? (size_t)(slash - part + 1) : 0;
	return arena_printf(a, "%.*s_rels/%s.rels", (int)dir, part, part + dir);
}

/* ---- the workbook ---- */

struct wb_sheet {
	const char *name, *rid;
	int hidden;
};

struct workbook {
	struct arena *a;
	struct wb_sheet *v;
	size_t n, alloc;
	int date1904;
};

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct workbook *w = ((struct xml *)ud)->ud;
	const char *l = local(name);
	if (!strcmp(l, "workbookPr")) {
		const char *d = attr(atts, "date1904");
		w->date1904 = d && (!strcmp(d, "1") || !strcmp(d, "true"));
	} else if (!strcmp(l, "sheet") && w->n < 10000) {
		const char *n = attr(atts, "name"), *rid = attr(atts, "id"),
		           *state = attr(atts, "state");
		if (!n || !rid)
			return;
		if (w->n == w->alloc) {
			size_t want = w->alloc ? w->alloc * 2 : 8;
			w->v = arena_realloc(w->a, w->v, w->alloc * sizeof(*w->v),
			                     want * sizeof(*w->v));
			w->alloc = want;
		}
		w->v[w->n++] = (struct wb_sheet){ arena_strdup(w->a, n), arena_strdup(w->a, rid),
			                          state && strcmp(state, "visible") };
	}
}

/* ---- styles: which cell formats are dates ---- */

struct styles {
	struct arena *a;
	int in_xfs;
	int *fmt_ids; /* numFmtId per xf of cellXfs */
	size_t nxf, alloc;
	struct {
		int id;
		unsigned char kind;
	} custom[512];
	size_t ncustom;
};

/* TAB_DATE, 'T' (a time) or 0 for a format code */
static unsigned char code_kind(const char *code)
{
	int date = 0, time = 0;
	for (const char *p = code; *p; p++) {
		if (*p == '"') {
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (p[1])
				p++;
		} else if (*p == '[') {
			if (p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 's')
				time = 1;
			while (p[1] && p[1] != ']')
				p++;
			if (p[1])
				p++;
		} else if (*p == 'y' || *p == 'Y' || *p == 'd' || *p == 'D') {
			date = 1;
		} else if (*p == 'h' || *p == 'H' || *p == 's' || *p == 'S') {
			time = 1;
		} else if (*p == 'm' || *p == 'M') {
			date |= 2; /* months, or minutes next to h / s */
		}
	}
	if (date & 1)
		return TAB_DATE;
	if (time)
		return 'T';
	return date ? TAB_DATE : 0;
}

/* the built-in formats: 14-17, 22 and the Chinese 27-31, 36, 50-54, 57, 58 are dates;
 * 18-21, 32-35, 45-47, 55, 56 times */
static unsigned char builtin_kind(int id)
{
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return TAB_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) ||
	    id == 55 || id == 56)
		return 'T';
	return 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles *s = ((struct xml *)ud)->ud;
	const char *l = local(name);
	if (!strcmp(l, "numFmt") && s->ncustom < 512) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (id && code) {
			s->custom[s->ncustom].id = (int)strtol(id, NULL, 10);
			s->custom[s->ncustom++].kind = code_kind(code);
		}
	} else if (!strcmp(l, "cellXfs")) {
		s->in_xfs = 1;
	} else if (!strcmp(l, "xf") && s->in_xfs && s->nxf < 65536) {
		const char *id = attr(atts, "numFmtId");
		if (s->nxf == s->alloc) {
			size_t want = s->alloc ? s->alloc * 2 : 64;
			s->fmt_ids = arena_realloc(s->a, s->fmt_ids, s->alloc * sizeof(int),
			                           want * sizeof(int));
			s->alloc = want;
		}
		s->fmt_ids[s->nxf++] = id ? (int)strtol(id, NULL, 10) : 0;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct styles *s = ((struct xml *)ud)->ud;
	if (!strcmp(local(name), "cellXfs"))
		s->in_xfs = 0;
}

/* ---- shared strings ---- */

struct sst {
	struct arena *a;
	struct strbuf cur;
	int in_si, in_t, in_rph;
	const char **v;
	size_t n, alloc, total;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xml *x = ud;
	struct sst *s = x->ud;
	const char *l = local(name);
	(void)atts;
	if (!strcmp(l, "si")) {
		s->in_si = 1;
		strbuf_init(&s->cur, s->a, TAB_MAX_CELL);
	} else if (!strcmp(l, "rPh")) {
		s->in_rph = 1;
	} else if (!strcmp(l, "t") && s->in_si && !s->in_rph) {
		s->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xml *x = ud;
	struct sst *s = x->ud;
	const char *l = local(name);
	if (!strcmp(l, "t")) {
		s->in_t = 0;
	} else if (!strcmp(l, "rPh")) {
		s->in_rph = 0;
	} else if (!strcmp(l, "si") && s->in_si) {
		s->in_si = 0;
		if (s->cur.err || s->n >= ((size_t)1 << 24)) {
			err_invalid(x->e, "import.too_large", "file",
			            "the shared strings are over the limits");
			xml_fail(x);
			return;
		}
		if (s->n == s->alloc) {
			size_t want = s->alloc ? s->alloc * 2 : 256;
			s->v = arena_realloc(s->a, s->v, s->alloc * sizeof(char *),
			                     want * sizeof(char *));
			s->alloc = want;
		}
		s->v[s->n++] = s->cur.len ? s->cur.buf : "";
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int len)
{
	struct sst *s = ((struct xml *)ud)->ud;
	if (s->in_t)
		strbuf_add(&s->cur, t, (size_t)len);
}

/* ---- cell references ---- */

/* "AB12" -> col 27, row 11; -1 in either if absent or out of range */
static void parse_ref(const char *s, int *row, int *col)
{
	long c = 0, r = 0;
	int letters = 0, digits = 0;
	for (; *s >= 'A' && *s <= 'Z' && letters < 4; s++, letters++)
		c = c * 26 + (*s - 'A' + 1);
	if (*s == '$')
		s++;
	for (; *s >= '0' && *s <= '9' && digits < 9; s++, digits++)
		r = r * 10 + (*s - '0');
	*col = letters && c <= TAB_MAX_COLS ? (int)c - 1 : -1;
	*row = digits && r >= 1 && r <= TAB_MAX_ROWS && !*s ? (int)r - 1 : -1;
	if (!digits && *s)
		*row = -1;
}

static int parse_range(const char *ref, struct tab_merge *m)
{
	char a[32], b[32];
	const char *colon = strchr(ref, ':');
	if (!colon || (size_t)(colon - ref) >= sizeof(a) || strlen(colon + 1) >= sizeof(b))
		return -1;
	memcpy(a, ref, (size_t)(colon - ref));
	a[colon - ref] = '\0';
	memcpy(b, colon + 1, strlen(colon + 1) + 1);
	parse_ref(a, &m->r1, &m->c1);
	parse_ref(b, &m->r2, &m->c2);
	if (m->r1 < 0 || m->c1 < 0 || m->r2 < m->r1 || m->c2 < m->c1)
		return -1;
	return 0;
}

/* ---- the scan of a sheet: rows, width, merges ---- */

struct scan {
	struct arena *a;
	struct tab_sheet *sheet;
	struct tab_merge *m;
	size_t nm, alloc;
	long last_row;
	int maxcol;
};

static void XMLCALL scan_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct scan *s = ((struct xml *)ud)->ud;
	const char *l = local(name);
	if (!strcmp(l, "row")) {
		const char *r = attr(atts, "r");
		long n = r ? strtol(r, NULL, 10) - 1 : s->last_row + 1;
		s->last_row = n >= 0 && n < TAB_MAX_ROWS ? n : s->last_row + 1;
	} else if (!strcmp(l, "c")) {
		const char *r = attr(atts, "r");
		int row, col = -1;
		if (r)
			parse_ref(r, &row, &col);
		if (col > s->maxcol)
			s->maxcol = col;
	} else if (!strcmp(l, "mergeCell") && s->nm < 100000) {
		const char *ref = attr(atts, "ref");
		struct tab_merge m;
		if (!ref || parse_range(ref, &m))
			return;
		if (s->nm == s->alloc) {
			size_t want = s->alloc ? s->alloc * 2 : 16;
			s->m = arena_realloc(s->a, s->m, s->alloc * sizeof(m), want * sizeof(m));
			s->alloc = want;
		}
		s->m[s->nm++] = m;
	}
}

/* ---- opening ---- */

static void discard_zip(void *z)
{
	zip_discard(z);
}

static int open_zip(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	zip_error_t ze;
	zip_error_init(&ze);
	struct zip *z;
	if (im->path) {
		int code = 0;
		z = zip_open(im->path, ZIP_RDONLY, &code);
		if (!z)
			zip_error_set(&ze, code, 0);
	} else {
		zip_source_t *src = zip_source_buffer_create(im->mem, im->memlen, 0, &ze);
		z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
		if (!z && src)
			zip_source_free(src);
	}
	if (!z) {
		int rc = err_invalid(e, "import.corrupt", "file",
		                     "a damaged zip archive (an .xlsx must be one): %s",
		                     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	im->zip = z;
	arena_defer(im->arena, discard_zip, z);
	return 0;
}

int tab_xlsx_open(struct tab_book *b, struct err *e)
{
	struct tab_impl *im = b->impl;
	struct arena *a = im->arena;
	if (open_zip(b, e))
		return -1;
	struct types t = { 0, 0, 0 };
	int rc = parse_part(b, "[Content_Types].xml", 1, types_start, no_end, no_text, &t,
	                    (size_t)16 << 20, e);
	if (rc < 0)
		return -1;
	if (!t.sheet) {
		const char *what = "a zip archive";
		if (zip_name_locate(im->zip, "mimetype", 0) >= 0 &&
		    zip_name_locate(im->zip, "content.xml", 0) >= 0)
			what = "an OpenDocument file (.ods): save it as .xlsx";
		else if (t.word)
			what = "a Word document";
		else if (t.slides)
			what = "a PowerPoint presentation";
		return err_invalid(e, "import.format", "file",
		                   "not a spreadsheet or CSV file: %s with no worksheet", what);
	}
	/* the workbook part, from the package relationships */
	struct rels pr = { a, NULL, 0, 0 };
	if (parse_part(b, "_rels/.rels", 1, rels_start, no_end, no_text, &pr, (size_t)16 << 20, e) <
	    0)
		return -1;
	const char *wbpart = "xl/workbook.xml";
	for (size_t i = 0; i < pr.n; i++)
		if (ends_with(pr.v[i].type, "/officeDocument"))
			wbpart = resolve(a, "", pr.v[i].target);
	struct workbook wb = { a, NULL, 0, 0, 0 };
	if (parse_part(b, wbpart, 0, wb_start, no_end, no_text, &wb, (size_t)64 << 20, e))
		return -1;
	struct rels wr = { a, NULL, 0, 0 };
	if (parse_part(b, rels_of(a, wbpart), 0, rels_start, no_end, no_text, &wr, (size_t)16 << 20,
	               e))
		return -1;
	/* styles and shared strings (either may be missing) */
	const char *styles_part = NULL, *sst_part = NULL;
	for (size_t i = 0; i < wr.n; i++) {
		if (ends_with(wr.v[i].type, "/styles"))
			styles_part = resolve(a, wbpart, wr.v[i].target);
		else if (ends_with(wr.v[i].type, "/sharedStrings"))
			sst_part = resolve(a, wbpart, wr.v[i].target);
	}
	struct styles *st = arena_zalloc(a, sizeof(*st));
	st->a = a;
	if (styles_part && parse_part(b, styles_part, 1, styles_start, styles_end, no_text, st,
	                              (size_t)64 << 20, e) < 0)
		return -1;
	im->nxf = st->nxf;
	im->xf_kind = arena_zalloc(a, st->nxf + 1);
	for (size_t i = 0; i < st->nxf; i++) {
		int id = st->fmt_ids[i];
		unsigned char k = id < 164 ? builtin_kind(id) : 0;
		for (size_t j = 0; j < st->ncustom; j++)
			if (st->custom[j].id == id)
				k = st->custom[j].kind;
		im->xf_kind[i] = k;
	}
	struct sst sst;
	memset(&sst, 0, sizeof(sst));
	sst.a = a;
	if (sst_part &&
	    parse_part(b, sst_part, 1, sst_start, sst_end, sst_text, &sst, TAB_MAX_PART, e) < 0)
		return -1;
	im->sst = sst.v;
	im->nsst = sst.n;
	b->date1904 = wb.date1904;
	/* the worksheets, in workbook order (chart sheets left out) */
	struct tab_sheet *sheets = arena_zalloc(a, sizeof(*sheets) * (wb.n ? wb.n : 1));
	const char **parts = arena_zalloc(a, sizeof(char *) * (wb.n ? wb.n : 1));
	size_t n = 0;
	for (size_t i = 0; i < wb.n; i++) {
		for (size_t j = 0; j < wr.n; j++) {
			if (strcmp(wr.v[j].id, wb.v[i].rid) ||
			    !ends_with(wr.v[j].type, "/worksheet"))
				continue;
			parts[n] = resolve(a, wbpart, wr.v[j].target);
			sheets[n].name = wb.v[i].name;
			sheets[n].hidden = wb.v[i].hidden;
			struct scan sc = { a, &sheets[n], NULL, 0, 0, -1, -1 };
			if (parse_part(b, parts[n], 0, scan_start, no_end, no_text, &sc, 0, e))
				return -1;
			sheets[n].rows = sc.last_row + 1;
			sheets[n].cols = sc.maxcol + 1;
			sheets[n].merges = sc.m;
			sheets[n].nmerges = sc.nm;
			n++;
			break;
		}
	}
	if (!n)
		return err_invalid(e, "import.corrupt", "file", "the workbook lists no worksheet");
	b->sheets = sheets;
	b->nsheets = n;
	im->sheet_parts = parts;
	return 0;
}

/* ---- the rows ---- */

struct reader {
	struct xml *x;
	struct tab_book *b;
	tab_row_fn fn;
	void *ctx;
	struct arena *ra;
	struct tab_builder rb;
	int in_row, in_c, in_v, in_is, in_t, in_rph;
	long row;
	int col;
	char type[16];
	long style;
	struct strbuf v;
	int stopped;
};

static void XMLCALL rows_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xml *x = ud;
	struct reader *r = x->ud;
	const char *l = local(name);
	if (!strcmp(l, "row")) {
		const char *n = attr(atts, "r");
		long k = n ? strtol(n, NULL, 10) - 1 : r->row + 1;
		r->row = k >= 0 && k < TAB_MAX_ROWS ? k : r->row + 1;
		r->in_row = 1;
		r->col = -1;
		tab_builder_start(&r->rb, r->ra, (int)r->row);
	} else if (!strcmp(l, "c") && r->in_row) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		int row = -1, col = -1;
		if (ref)
			parse_ref(ref, &row, &col);
		r->col = col >= 0 ? col : r->col + 1;
		snprintf(r->type, sizeof(r->type), "%s", t ? t : "n");
		r->style = s ? strtol(s, NULL, 10) : 0;
		r->in_c = 1;
		strbuf_init(&r->v, r->ra, TAB_MAX_CELL);
	} else if (r->in_c && !strcmp(l, "v")) {
		r->in_v = 1;
	} else if (r->in_c && !strcmp(l, "is")) {
		r->in_is = 1;
	} else if (r->in_is && !strcmp(l, "rPh")) {
		r->in_rph = 1;
	} else if (r->in_is && !r->in_rph && !strcmp(l, "t")) {
		r->in_t = 1;
	}
}

/* the cell just read into the row */
static int end_cell(struct reader *r, struct err *e)
{
	char a1[16];
	if (r->v.err)
		return err_invalid(e, "import.too_large", tab_a1((int)r->row, r->col, a1),
		                   "cell %s is over 1 MiB", a1);
	struct tab_cell *c = tab_builder_cell(&r->rb, r->col, e);
	if (!c)
		return -1;
	const char *v = r->v.buf;
	const char *t = r->type;
	if (!strcmp(t, "s")) {
		char *end;
		long i = strtol(v, &end, 10);
		if (!*v || *end || i < 0 || (size_t)i >= r->b->impl->nsst)
			return err_invalid(e, "import.corrupt", tab_a1((int)r->row, r->col, a1),
			                   "cell %s names shared string '%.20s' of %zu", a1, v,
			                   r->b->impl->nsst);
		c->text = r->b->impl->sst[i];
		c->kind = *c->text ? TAB_TEXT : TAB_EMPTY;
	} else if (!strcmp(t, "inlineStr") || !strcmp(t, "str") || !strcmp(t, "e")) {
		c->text = v;
		c->kind = *v ? TAB_TEXT : TAB_EMPTY;
	} else if (!strcmp(t, "b")) {
		if (!*v)
			return 0;
		c->kind = TAB_BOOL;
		c->num = strcmp(v, "0") ? 1 : 0;
		c->text = c->num ? "TRUE" : "FALSE";
	} else if (!strcmp(t, "d")) {
		c->text = v;
		c->kind = *v ? TAB_TEXT : TAB_EMPTY;
		if (*v && !tab_date_parse(v, c->date)) {
			c->kind = TAB_DATE;
			c->text = c->date;
		}
	} else if (*v) {
		char *end;
		double d = strtod(v, &end);
		c->text = v;
		if (*end || !isfinite(d)) {
			c->kind = TAB_TEXT;
			return 0;
		}
		c->kind = TAB_NUMBER;
		c->num = d;
		unsigned char k = r->style >= 0 && (size_t)r->style < r->b->impl->nxf
		                      ? r->b->impl->xf_kind[r->style]
		                      : 0;
		if (k == TAB_DATE && !tab_date_from_serial(d, r->b->date1904, c->date)) {
			c->kind = TAB_DATE;
			c->text = c->date;
		} else if (k == 'T') {
			c->flags |= TAB_TIME;
		}
	}
	if (c->kind == TAB_TEXT)
		tab_flag_subst(c);
	return 0;
}

static void XMLCALL rows_end(void *ud, const XML_Char *name)
{
	struct xml *x = ud;
	struct reader *r = x->ud;
	const char *l = local(name);
	if (!strcmp(l, "v")) {
		r->in_v = 0;
	} else if (!strcmp(l, "t")) {
		r->in_t = 0;
	} else if (!strcmp(l, "rPh")) {
		r->in_rph = 0;
	} else if (!strcmp(l, "is")) {
		r->in_is = 0;
	} else if (!strcmp(l, "c") && r->in_c) {
		r->in_c = 0;
		if (end_cell(r, x->e))
			xml_fail(x);
	} else if (!strcmp(l, "row") && r->in_row) {
		r->in_row = 0;
		struct tab_row row;
		tab_builder_row(&r->rb, &row);
		int rc = r->fn(&row, r->ctx, x->e);
		arena_release(r->ra);
		if (rc < 0) {
			xml_fail(x);
		} else if (rc > 0) {
			r->stopped = 1;
			XML_StopParser(x->p, XML_FALSE);
		}
	}
}

static void XMLCALL rows_text(void *ud, const XML_Char *s, int len)
{
	struct reader *r = ((struct xml *)ud)->ud;
	if (r->in_v || r->in_t)
		strbuf_add(&r->v, s, (size_t)len);
}

int tab_xlsx_rows(struct tab_book *b, size_t sheet, tab_row_fn fn, void *ctx, struct err *e)
{
	struct reader r;
	memset(&r, 0, sizeof(r));
	r.b = b;
	r.fn = fn;
	r.ctx = ctx;
	r.ra = &b->impl->row_arena;
	r.row = -1;
	return parse_part(b, b->impl->sheet_parts[sheet], 0, rows_start, rows_end, rows_text, &r, 0,
	                  e) < 0
	           ? -1
	           : 0;
}
