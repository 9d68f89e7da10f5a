/*
 * fixtures.c - writes the spreadsheet fixtures of tests/unit/tabular/files/ the way the
 * programs people use lay them out: run by tests/unit/tabular/gen/make-fixtures (not by
 * make; the files are committed). The numbers are synthetic (Lucheng area codes, check
 * characters computed).
 *
 *   people.xlsx  libxlsxwriter: a title merged over the width, a 填报单位 row, a two-row
 *                merged header (联系方式 over 手机 / 固话), 序号, serial dates in two
 *                formats, dates as text, an identity number stored as a number, a phone
 *                and an age stored as text, a blank row, 合计 and 填表人 rows; a second
 *                sheet 说明.
 *   d1904.xlsx   written by hand with libzip: the 1904 date system, inline strings,
 *                booleans, a formula's string, phonetic runs in a shared string, a custom
 *                date format, a hidden sheet, namespace prefixes.
 *   people.xls   a small BIFF8 writer below (a compound file with one Workbook stream):
 *                two sheets, shared strings, numbers, a date cell, a mangled number.
 *   *.csv        written in UTF-8 here; the script makes the BOM and GBK copies with
 *                iconv.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>
#include <zip.h>

static const char *dir;

static const char *at(const char *name)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* ---- people.xlsx ---- */

static void people_xlsx(void)
{
	lxw_workbook *wb = workbook_new(at("people.xlsx"));
	lxw_worksheet *ws = workbook_add_worksheet(wb, "人口");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *cn_date = workbook_add_format(wb);
	format_set_num_format(cn_date, "yyyy\"年\"m\"月\"d\"日\"");
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	worksheet_merge_range(ws, 0, 0, 0, 6, "某某村常住人口登记表", NULL);
	worksheet_write_string(ws, 1, 0, "填报单位：某某村村民委员会", NULL);
	worksheet_write_string(ws, 1, 5, "2024年5月", NULL);
	/* the two-row header */
	worksheet_merge_range(ws, 2, 0, 3, 0, "序号", NULL);
	worksheet_merge_range(ws, 2, 1, 3, 1, "姓  名", NULL);
	worksheet_merge_range(ws, 2, 2, 3, 2, "公民身份号码", NULL);
	worksheet_merge_range(ws, 2, 3, 3, 3, "出生日期", NULL);
	worksheet_merge_range(ws, 2, 4, 2, 5, "联系方式", NULL);
	worksheet_write_string(ws, 3, 4, "手机", NULL);
	worksheet_write_string(ws, 3, 5, "固话", NULL);
	worksheet_merge_range(ws, 2, 6, 3, 6, "年龄", NULL);
	/* data */
	worksheet_write_number(ws, 4, 0, 1, NULL);
	worksheet_write_string(ws, 4, 1, "张三", NULL);
	worksheet_write_string(ws, 4, 2, "140406199001011230", text);
	worksheet_write_number(ws, 4, 3, 32874, date); /* 1990-01-01 */
	worksheet_write_string(ws, 4, 4, "13812345678", text);
	worksheet_write_string(ws, 4, 5, "0355-1234567", NULL);
	worksheet_write_string(ws, 4, 6, "36", text);
	worksheet_write_number(ws, 5, 0, 2, NULL);
	worksheet_write_string(ws, 5, 1, "李四", NULL);
	worksheet_write_number(ws, 5, 2, 140406199001011249.0, NULL); /* mangled */
	worksheet_write_number(ws, 5, 3, 33273, cn_date);             /* 1991-02-04 */
	worksheet_write_number(ws, 5, 4, 13912345678.0, NULL);
	worksheet_write_number(ws, 5, 6, 33, NULL);
	/* row 7 blank */
	worksheet_write_number(ws, 7, 0, 3, NULL);
	worksheet_write_string(ws, 7, 1, "王五", NULL);
	worksheet_write_string(ws, 7, 2, "1.40406E+17", NULL);
	worksheet_write_string(ws, 7, 3, "1985年3月8日", NULL);
	worksheet_write_number(ws, 8, 0, 4, NULL);
	worksheet_write_string(ws, 8, 1, "赵六", NULL);
	worksheet_write_string(ws, 8, 2, "140406194003120000", NULL);
	worksheet_write_string(ws, 8, 3, "1940.3.12", NULL);
	worksheet_write_string(ws, 9, 0, "合计", NULL);
	worksheet_write_string(ws, 9, 1, "4人", NULL);
	worksheet_write_string(ws, 10, 0, "填表人：孙七", NULL);
	worksheet_write_string(ws, 10, 4, "审核人：周八", NULL);
	lxw_worksheet *notes = workbook_add_worksheet(wb, "说明");
	worksheet_write_string(notes, 0, 0, "身份证号请设为文本格式", NULL);
	worksheet_write_boolean(notes, 1, 0, 1, NULL);
	if (workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "people.xlsx: not written\n");
		exit(1);
	}
}

/* ---- d1904.xlsx, by hand ---- */

static void add(zip_t *z, const char *name, const char *xml)
{
	zip_source_t *s = zip_source_buffer(z, xml, strlen(xml), 0);
	if (!s || zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0) {
		fprintf(stderr, "%s: %s\n", name, zip_strerror(z));
		exit(1);
	}
}

#define XMLH    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG  "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT      "application/vnd.openxmlformats-officedocument.spreadsheetml"

static void d1904_xlsx(void)
{
	int err;
	remove(at("d1904.xlsx"));
	zip_t *z = zip_open(at("d1904.xlsx"), ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z) {
		fprintf(stderr, "d1904.xlsx: cannot create\n");
		exit(1);
	}
	add(z, "[Content_Types].xml",
	    XMLH
	    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	    "<Default Extension=\"rels\" ContentType=\"application/"
	    "vnd.openxmlformats-package.relationships+xml\"/>"
	    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT ".sheet.main+xml\"/>"
	    "<Override PartName=\"/xl/worksheets/a.xml\" ContentType=\"" CT ".worksheet+xml\"/>"
	    "<Override PartName=\"/xl/worksheets/b.xml\" ContentType=\"" CT ".worksheet+xml\"/>"
	    "</Types>");
	add(z, "_rels/.rels",
	    XMLH "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	         "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
	add(z, "xl/workbook.xml",
	    XMLH "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
	         "<x:workbookPr date1904=\"1\"/><x:sheets>"
	         "<x:sheet name=\"隐藏\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"
	         "<x:sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/>"
	         "</x:sheets></x:workbook>");
	add(z, "xl/_rels/workbook.xml.rels",
	    XMLH "<Relationships xmlns=\"" NS_PKG "\">"
	         "<Relationship Id=\"rId1\" Type=\"" NS_REL
	         "/worksheet\" Target=\"worksheets/a.xml\"/>"
	         "<Relationship Id=\"rId2\" Type=\"" NS_REL
	         "/worksheet\" Target=\"/xl/worksheets/b.xml\"/>"
	         "<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
	         "<Relationship Id=\"rId4\" Type=\"" NS_REL
	         "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	         "</Relationships>");
	add(z, "xl/styles.xml",
	    XMLH "<styleSheet xmlns=\"" NS_MAIN "\">"
	         "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"[$-804]yyyy&quot;"
	         "年&quot;m&quot;月&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"0.00&quot;"
	         "元&quot;\"/></numFmts>"
	         "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	         "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
	         "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"20\"/></cellXfs>"
	         "</styleSheet>");
	add(z, "xl/sharedStrings.xml",
	    XMLH "<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
	         "<si><t>姓名</t></si><si><t>日期</t></si>"
	         "<si><r><t>欧阳</t></r><r><t xml:space=\"preserve\">明 </t></r>"
	         "<rPh sb=\"0\" eb=\"2\"><t>ouyang</t></rPh></si>"
	         "</sst>");
	add(z, "xl/worksheets/a.xml",
	    XMLH "<worksheet xmlns=\"" NS_MAIN "\"><dimension ref=\"A1:F3\"/><sheetData>"
	         "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
	         "<c r=\"C1\" t=\"inlineStr\"><is><t>月份</t></is></c>"
	         "<c r=\"D1\" t=\"inlineStr\"><is><t>金额</t></is></c>"
	         "<c r=\"E1\" t=\"inlineStr\"><is><t>低保</t></is></c>"
	         "<c r=\"F1\" t=\"inlineStr\"><is><t>时间</t></is></c></row>"
	         "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"B3\" s=\"1\"><v>31412</v></c>"
	         "<c r=\"C3\" s=\"2\"><v>31412.5</v></c><c r=\"D3\" s=\"3\"><v>1234.5</v></c>"
	         "<c r=\"E3\" t=\"b\"><v>1</v></c><c r=\"F3\" s=\"4\"><v>0.5</v></c>"
	         "<c r=\"H3\" t=\"str\"><f>A3</f><v>欧阳明 </v></c></row>"
	         "<row><c t=\"inlineStr\"><is><t>无引用</t></is></c><c><v>7</v></c></row>"
	         "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:A2\"/></mergeCells>"
	         "</worksheet>");
	add(z, "xl/worksheets/b.xml",
	    XMLH "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
	         "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>hidden</t></is></c></row>"
	         "</sheetData></worksheet>");
	if (zip_close(z) < 0) {
		fprintf(stderr, "d1904.xlsx: %s\n", zip_strerror(z));
		exit(1);
	}
}

/* ---- people.xls: a tiny BIFF8 writer ---- */

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 1024;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(1);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void u8(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

static void u16(struct buf *b, unsigned v)
{
	u8(b, v & 0xFF);
	u8(b, (v >> 8) & 0xFF);
}

static void u32(struct buf *b, uint32_t v)
{
	u16(b, v & 0xFFFF);
	u16(b, v >> 16);
}

static void f64(struct buf *b, double d)
{
	uint64_t v;
	memcpy(&v, &d, 8);
	u32(b, (uint32_t)v);
	u32(b, (uint32_t)(v >> 32));
}

/* UTF-8 -> UTF-16LE code units (BMP only: the fixtures need no more) */
static size_t utf16(const char *s, uint16_t *out, size_t max)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < max) {
		uint32_t c;
		if (*p < 0x80)
			c = *p++;
		else if (*p < 0xE0)
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F), p += 2;
		else
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
			    (p[2] & 0x3F),
			p += 3;
		out[n++] = (uint16_t)c;
	}
	return n;
}

static void rec(struct buf *b, unsigned type, const struct buf *body)
{
	u16(b, type);
	u16(b, (unsigned)body->n);
	put(b, body->p, body->n);
}

static void bof(struct buf *b, unsigned dt)
{
	struct buf r = { 0 };
	u16(&r, 0x0600), u16(&r, dt), u16(&r, 0x0DBB), u16(&r, 0x07CC), u32(&r, 0), u32(&r, 6);
	rec(b, 0x0809, &r);
	free(r.p);
}

static void eof(struct buf *b)
{
	u16(b, 0x000A);
	u16(b, 0);
}

/* a BIFF8 unicode string: 16-bit length (or 8-bit for sheet names), flags 1, UTF-16LE */
static void ustr(struct buf *b, const char *s, int len8)
{
	uint16_t w[256];
	size_t n = utf16(s, w, 256);
	if (len8)
		u8(b, (unsigned)n);
	else
		u16(b, (unsigned)n);
	u8(b, 1);
	for (size_t i = 0; i < n; i++)
		u16(b, w[i]);
}

struct xcell {
	int row, col;
	const char *s; /* text, or NULL for a number */
	double d;
	int date; /* with the date XF */
};

static const char *sst[64];
static int nsst;

static int sst_index(const char *s)
{
	for (int i = 0; i < nsst; i++)
		if (!strcmp(sst[i], s))
			return i;
	sst[nsst] = s;
	return nsst++;
}

static void sheet_stream(struct buf *b, const struct xcell *cells, int n)
{
	int rows = 0, cols = 0;
	for (int i = 0; i < n; i++) {
		if (cells[i].row + 1 > rows)
			rows = cells[i].row + 1;
		if (cells[i].col + 1 > cols)
			cols = cells[i].col + 1;
	}
	bof(b, 0x0010);
	struct buf r = { 0 };
	u32(&r, 0), u32(&r, (uint32_t)rows), u16(&r, 0), u16(&r, (unsigned)cols), u16(&r, 0);
	rec(b, 0x0200, &r);
	for (int i = 0; i < n; i++) {
		r.n = 0;
		u16(&r, (unsigned)cells[i].row), u16(&r, (unsigned)cells[i].col);
		if (cells[i].s) {
			u16(&r, 17); /* the general cell XF */
			u32(&r, (uint32_t)sst_index(cells[i].s));
			rec(b, 0x00FD, &r); /* LABELSST */
		} else {
			u16(&r, cells[i].date ? 16 : 17);
			f64(&r, cells[i].d);
			rec(b, 0x0203, &r); /* NUMBER */
		}
	}
	free(r.p);
	eof(b);
}

static void people_xls(void)
{
	static const struct xcell s1[] = {
		{ 0, 0, "人口花名册", 0, 0 },
		{ 2, 0, "序号", 0, 0 },
		{ 2, 1, "姓名", 0, 0 },
		{ 2, 2, "身份证号", 0, 0 },
		{ 2, 3, "出生日期", 0, 0 },
		{ 2, 4, "电话", 0, 0 },
		{ 3, 0, NULL, 1, 0 },
		{ 3, 1, "张三", 0, 0 },
		{ 3, 2, "140406199001011230", 0, 0 },
		{ 3, 3, NULL, 32874, 1 },
		{ 3, 4, NULL, 13812345678.0, 0 },
		{ 4, 0, NULL, 2, 0 },
		{ 4, 1, "李四", 0, 0 },
		{ 4, 2, NULL, 140406199001011249.0, 0 },
		{ 4, 3, "1991.2.4", 0, 0 },
		{ 6, 0, "合计", 0, 0 },
		{ 6, 1, "2人", 0, 0 },
	};
	static const struct xcell s2[] = {
		{ 0, 0, "说明", 0, 0 },
		{ 1, 0, NULL, 2.5, 0 },
	};
	struct buf sheets[2] = { { 0 }, { 0 } };
	nsst = 0;
	sheet_stream(&sheets[0], s1, sizeof(s1) / sizeof(s1[0]));
	sheet_stream(&sheets[1], s2, sizeof(s2) / sizeof(s2[0]));
	static const char *const names[] = { "花名册", "说明" };
	/* the globals, twice: once to learn their size, once with the sheets' offsets */
	struct buf g = { 0 };
	uint32_t off[2] = { 0, 0 };
	for (int pass = 0; pass < 2; pass++) {
		g.n = 0;
		bof(&g, 0x0005);
		struct buf r = { 0 };
		u16(&r, 1200);
		rec(&g, 0x0042, &r); /* CODEPAGE: UTF-16 */
		r.n = 0;
		u16(&r, 0);
		rec(&g, 0x0022, &r);          /* DATEMODE: 1900 */
		for (int i = 0; i < 5; i++) { /* FONT */
			r.n = 0;
			u16(&r, 200), u16(&r, 0), u16(&r, 0x7FFF), u16(&r, 400), u16(&r, 0);
			u8(&r, 0), u8(&r, 0), u8(&r, 0), u8(&r, 0);
			ustr(&r, "Arial", 1);
			rec(&g, 0x0031, &r);
		}
		for (int i = 0; i < 18; i++) { /* XF: 16 style XFs, a date cell, a general cell */
			r.n = 0;
			u16(&r, 0);
			u16(&r, i == 16 ? 14 : 0);
			u16(&r, i < 16 ? 0xFFF5 : 0x0001);
			u8(&r, 0x20), u8(&r, 0), u8(&r, 0), u8(&r, i < 16 ? 0xF4 : 0);
			u32(&r, 0), u32(&r, 0), u16(&r, 0x20C0);
			rec(&g, 0x00E0, &r);
		}
		for (int i = 0; i < 2; i++) { /* BOUNDSHEET */
			r.n = 0;
			u32(&r, off[i]), u16(&r, 0);
			ustr(&r, names[i], 1);
			rec(&g, 0x0085, &r);
		}
		r.n = 0; /* SST */
		u32(&r, (uint32_t)nsst), u32(&r, (uint32_t)nsst);
		for (int i = 0; i < nsst; i++)
			ustr(&r, sst[i], 0);
		rec(&g, 0x00FC, &r);
		free(r.p);
		eof(&g);
		off[0] = (uint32_t)g.n;
		off[1] = (uint32_t)(g.n + sheets[0].n);
	}
	struct buf wbk = { 0 };
	put(&wbk, g.p, g.n);
	put(&wbk, sheets[0].p, sheets[0].n);
	put(&wbk, sheets[1].p, sheets[1].n);
	size_t size = wbk.n;
	while (wbk.n < 4096 || wbk.n % 512) /* no mini stream: 4096 bytes at least */
		u8(&wbk, 0);
	/* the compound file: header, FAT in sector 0, the stream, the directory */
	uint32_t nsec = (uint32_t)(wbk.n / 512), dirsec = 1 + nsec;
	struct buf f = { 0 };
	put(&f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	for (int i = 0; i < 16; i++)
		u8(&f, 0);
	u16(&f, 0x3E), u16(&f, 3), u16(&f, 0xFFFE), u16(&f, 9), u16(&f, 6);
	for (int i = 0; i < 6; i++)
		u8(&f, 0);
	u32(&f, 0), u32(&f, 1), u32(&f, dirsec), u32(&f, 0), u32(&f, 4096);
	u32(&f, 0xFFFFFFFE), u32(&f, 0), u32(&f, 0xFFFFFFFE), u32(&f, 0);
	u32(&f, 0);
	for (int i = 1; i < 109; i++)
		u32(&f, 0xFFFFFFFF);
	/* FAT */
	u32(&f, 0xFFFFFFFD);
	for (uint32_t i = 1; i <= nsec; i++)
		u32(&f, i == nsec ? 0xFFFFFFFE : i + 1);
	u32(&f, 0xFFFFFFFE); /* the directory */
	for (uint32_t i = nsec + 2; i < 128; i++)
		u32(&f, 0xFFFFFFFF);
	put(&f, wbk.p, wbk.n);
	/* directory: Root Entry, Workbook, two unused */
	static const char *const dn[] = { "Root Entry", "Workbook" };
	for (int i = 0; i < 4; i++) {
		size_t start = f.n;
		uint16_t w[32];
		size_t n = i < 2 ? utf16(dn[i], w, 31) : 0;
		for (size_t k = 0; k < 32; k++)
			u16(&f, k < n ? w[k] : 0);
		u16(&f, i < 2 ? (unsigned)(n + 1) * 2 : 0);
		u8(&f, i == 0 ? 5 : i == 1 ? 2 : 0);
		u8(&f, 1);
		u32(&f, 0xFFFFFFFF), u32(&f, 0xFFFFFFFF);
		u32(&f, i == 0 ? 1 : 0xFFFFFFFF);
		while (f.n < start + 0x74)
			u8(&f, 0);
		u32(&f, i == 0 ? 0xFFFFFFFE : i == 1 ? 1 : 0);
		u32(&f, i == 1 ? (uint32_t)wbk.n : 0), u32(&f, 0);
	}
	(void)size;
	FILE *out = fopen(at("people.xls"), "wb");
	if (!out || fwrite(f.p, 1, f.n, out) != f.n || fclose(out)) {
		fprintf(stderr, "people.xls: not written\n");
		exit(1);
	}
	free(f.p), free(wbk.p), free(g.p), free(sheets[0].p), free(sheets[1].p);
}

/* ---- hotline-12345.xlsx: a 12345 platform's work-order export ---- */

/* as the platform writes it: a title over the width, the export's time, a header with
 * 序号; call times as date-time cells or as text in three spellings; one impossible time,
 * an unknown village, a bad phone and a ticket twice (the bad rows of API test 0087) */
static void hotline_xlsx(void)
{
	lxw_workbook *wb = workbook_new(at("hotline-12345.xlsx"));
	lxw_worksheet *ws = workbook_add_worksheet(wb, "工单明细");
	lxw_format *dt = workbook_add_format(wb);
	format_set_num_format(dt, "yyyy-mm-dd hh:mm:ss");
	lxw_format *text = workbook_add_format(wb);
	format_set_num_format(text, "@");
	static const char *const head[] = { "序号",     "工单编号", "来电时间", "诉求人",
		                            "联系电话", "诉求内容", "问题分类", "所属区域",
		                            "办理时限", "工单状态" };
	worksheet_merge_range(ws, 0, 0, 0, 9, "12345政务服务便民热线工单明细表", NULL);
	worksheet_write_string(ws, 1, 0, "导出时间：2026-03-06 09:00:00", NULL);
	for (int c = 0; c < 10; c++)
		worksheet_write_string(ws, 2, c, head[c], NULL);
	static const struct {
		const char *no;
		lxw_datetime at; /* year 0: the text below */
		const char *at_text, *name, *phone, *content, *category, *place, *due;
	} rows[] = {
		{ "GD2026030100001",
		  { 2026, 3, 1, 8, 15, 22 },
		  NULL,
		  "张先生",
		  "13812345678",
		  "秦家山村村口垃圾堆放多日无人清理，气味很大",
		  "城乡建设/环境卫生/垃圾清运",
		  "长治市/潞州区/微子镇/秦家山村",
		  "2026-03-04 08:15:22" },
		{ "GD2026030100002",
		  { 0 },
		  "2026/3/1 9:40",
		  "李女士",
		  "13900001111",
		  "冯村主街路灯连续一周不亮，晚上出行不便",
		  "城乡建设/市政设施/路灯",
		  "微子镇/冯村",
		  "" },
		{ "GD2026030200003",
		  { 2026, 3, 2, 14, 3, 10 },
		  NULL,
		  "王先生",
		  "0355-2345678",
		  "与邻居因宅基地边界发生纠纷，希望村里调解",
		  "社会管理/矛盾纠纷",
		  "秦家山",
		  "" },
		{ "GD2026030200004",
		  { 0 },
		  "2026年3月2日 16时20分",
		  "赵女士",
		  "13700002222",
		  "咨询城乡居民医保缴费标准",
		  "政策咨询/医疗保障",
		  "",
		  "" },
		{ "GD2026030300005",
		  { 0 },
		  "2026-02-30 10:00",
		  "孙先生",
		  "13600003333",
		  "自来水管道破裂漏水",
		  "城乡建设/供水/管道漏水",
		  "微子镇/秦家山村",
		  "" },
		{ "GD2026030300006",
		  { 2026, 3, 3, 10, 5, 0 },
		  NULL,
		  "周女士",
		  "13500004444",
		  "小区物业不作为，楼道灯坏了没人修",
		  "物业管理",
		  "微子镇/东风村",
		  "" },
		{ "GD2026030300007",
		  { 2026, 3, 3, 11, 30, 0 },
		  NULL,
		  "吴先生",
		  "12345",
		  "家里暖气不热，室温只有十度",
		  "供暖/室温不达标",
		  "微子镇/冯村",
		  "" },
		{ "GD2026030100001",
		  { 2026, 3, 3, 15, 0, 0 },
		  NULL,
		  "张先生",
		  "13812345678",
		  "垃圾还是没有清理",
		  "城乡建设/环境卫生/垃圾清运",
		  "微子镇/秦家山村",
		  "" },
	};
	for (int i = 0; i < (int)(sizeof(rows) / sizeof(rows[0])); i++) {
		int r = 3 + i;
		worksheet_write_number(ws, r, 0, i + 1, NULL);
		worksheet_write_string(ws, r, 1, rows[i].no, text);
		if (rows[i].at.year)
			worksheet_write_datetime(ws, r, 2, (lxw_datetime *)&rows[i].at, dt);
		else
			worksheet_write_string(ws, r, 2, rows[i].at_text, NULL);
		worksheet_write_string(ws, r, 3, rows[i].name, NULL);
		worksheet_write_string(ws, r, 4, rows[i].phone, text);
		worksheet_write_string(ws, r, 5, rows[i].content, NULL);
		worksheet_write_string(ws, r, 6, rows[i].category, NULL);
		if (*rows[i].place)
			worksheet_write_string(ws, r, 7, rows[i].place, NULL);
		if (*rows[i].due)
			worksheet_write_string(ws, r, 8, rows[i].due, NULL);
		worksheet_write_string(ws, r, 9, "已派单", NULL);
	}
	if (workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "hotline-12345.xlsx: not written\n");
		exit(1);
	}
}

/* ---- CSV (UTF-8; the script converts) ---- */

static void write_text(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "wb");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(stderr, "%s: not written\n", name);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fixtures DIR\n");
		return 2;
	}
	dir = argv[1];
	people_xlsx();
	d1904_xlsx();
	people_xls();
	hotline_xlsx();
	write_text("people.csv",
	           "某某村常住人口登记表,,,,,\r\n"
	           "填报单位：某某村,,,,2024年5月,\r\n"
	           "序号,姓名,公民身份号码,出生日期,联系方式,\r\n"
	           ",,,,手机,固话\r\n"
	           "1,张三,140406199001011230,1990年1月1日,13812345678,0355-1234567\r\n"
	           "2,\"李\"\"四\",1.40406E+17,1990.1.1,,\r\n"
	           ",,,,,\r\n"
	           "3,王?明,140406194003120000,19900101,,\r\n"
	           "4,\"住址\n换行\",140406199001011249,1990/1/1,,\r\n"
	           "合计,4人,,,,\r\n"
	           "填表人：孙七,,审核人：周八,,,\r\n");
	write_text("semicolon.csv", "姓名;年龄;备注\n张三;36;\"a;b\"\n李四;33;\n");
	write_text("tab.tsv", "姓名\t年龄\n张三\t36\n李四\t33");
	return 0;
}
