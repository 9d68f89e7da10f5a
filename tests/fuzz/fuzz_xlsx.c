/*
 * fuzz_xlsx.c - libFuzzer target for the .xlsx reader (src/tabular/xlsx.c). A zip that
 * libFuzzer mutates is mostly refused by libzip's checks (CRCs, deflate), so the input is
 * used two ways: as it is when it starts with "PK", else as the XML parts of a workbook,
 * separated by a line "--": the sheet, the shared strings, the styles, the workbook; the
 * target stores them (no compression) in a zip with fixed content types and relationships.
 * See fuzz_tab.h for what is checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tab.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct zbuf {
	uint8_t *p;
	size_t n;
};

static void put(struct zbuf *z, const void *d, size_t n)
{
	memcpy(z->p + z->n, d, n);
	z->n += n;
}

static void le(struct zbuf *z, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		z->p[z->n++] = (uint8_t)(v >> (8 * i));
}

static uint32_t crc32(const uint8_t *d, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= d[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

struct part {
	const char *name;
	const uint8_t *data;
	size_t n;
};

/* a zip of the parts, stored; in z (big enough) */
static void zip_parts(struct zbuf *z, const struct part *parts, int n)
{
	uint32_t offs[8];
	for (int i = 0; i < n; i++) {
		size_t ln = strlen(parts[i].name);
		offs[i] = (uint32_t)z->n;
		le(z, 0x04034b50, 4), le(z, 20, 2), le(z, 0, 2), le(z, 0, 2), le(z, 0, 4);
		le(z, crc32(parts[i].data, parts[i].n), 4);
		le(z, (uint32_t)parts[i].n, 4), le(z, (uint32_t)parts[i].n, 4);
		le(z, (uint32_t)ln, 2), le(z, 0, 2);
		put(z, parts[i].name, ln);
		put(z, parts[i].data, parts[i].n);
	}
	size_t cd = z->n;
	for (int i = 0; i < n; i++) {
		size_t ln = strlen(parts[i].name);
		le(z, 0x02014b50, 4), le(z, 20, 2), le(z, 20, 2), le(z, 0, 2), le(z, 0, 2);
		le(z, 0, 4), le(z, crc32(parts[i].data, parts[i].n), 4);
		le(z, (uint32_t)parts[i].n, 4), le(z, (uint32_t)parts[i].n, 4);
		le(z, (uint32_t)ln, 2), le(z, 0, 2), le(z, 0, 2), le(z, 0, 2), le(z, 0, 2);
		le(z, 0, 4), le(z, offs[i], 4);
		put(z, parts[i].name, ln);
	}
	size_t cdn = z->n - cd;
	le(z, 0x06054b50, 4), le(z, 0, 2), le(z, 0, 2), le(z, (uint32_t)n, 2),
	    le(z, (uint32_t)n, 2);
	le(z, (uint32_t)cdn, 4), le(z, (uint32_t)cd, 4), le(z, 0, 2);
}

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

static const char types[] =
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";
static const char rels[] = "<Relationships><Relationship Id=\"rId1\" Type=\"x/officeDocument\" "
                           "Target=\"xl/workbook.xml\"/></Relationships>";
static const char wbrels[] =
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"x/styles\" "
    "Target=\"styles.xml\"/></Relationships>";
static const char wb[] = "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\" "
                         "xmlns:r=\"r\"/></sheets></workbook>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		fuzz_tab_book(data, size);
		return 0;
	}
	/* the sheet, the shared strings, the styles, the workbook */
	struct part parts[8] = {
		{ "[Content_Types].xml", S(types) },
		{ "_rels/.rels", S(rels) },
		{ "xl/_rels/workbook.xml.rels", S(wbrels) },
		{ "xl/worksheets/sheet1.xml", NULL, 0 },
		{ "xl/sharedStrings.xml", S("<sst/>") },
		{ "xl/styles.xml", S("<styleSheet/>") },
		{ "xl/workbook.xml", S(wb) },
	};
	size_t start = 0;
	for (int k = 3; k < 7 && start <= size; k++) {
		const uint8_t *sep = NULL;
		for (size_t i = start; i + 4 <= size; i++)
			if (!memcmp(data + i, "\n--\n", 4)) {
				sep = data + i;
				break;
			}
		size_t end = sep ? (size_t)(sep - data) : size;
		parts[k].data = data + start;
		parts[k].n = end - start;
		start = end + 4;
		if (!sep)
			break;
	}
	struct zbuf z = { malloc(size + 4096), 0 };
	if (!z.p)
		return 0;
	zip_parts(&z, parts, 7);
	fuzz_tab_book(z.p, z.n);
	free(z.p);
	return 0;
}
