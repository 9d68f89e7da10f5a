/*
 * media.c - unit tests of src/core/media.c: type sniffing and removal of the position a
 * phone writes into a photo (EXIF GPS in JPEG, the eXIf chunk in PNG), on files built by
 * hand so that every offset is known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"
#include <sodium.h>

#include "core/media.h"
#include "core/banned.h"

/* ---- sniffing ---- */

static void test_sniff(void **state)
{
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16 };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0 };
	static const char pdf[] = "%PDF-1.7\n";
	static const char svg[] =
	    "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"
	    "<script>alert(1)</script></svg>";
	static const char svg2[] = "<svg onload=\"alert(1)\"/>";
	static const char html[] = "<!DOCTYPE html><html>";
	static const unsigned char garbage[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 };
	(void)state;
	assert_string_equal(media_sniff(jpeg, sizeof(jpeg)), "image/jpeg");
	assert_string_equal(media_sniff(png, sizeof(png)), "image/png");
	assert_string_equal(media_sniff((const unsigned char *)pdf, strlen(pdf)),
	                    "application/pdf");
	assert_null(media_sniff((const unsigned char *)svg, strlen(svg)));
	assert_null(media_sniff((const unsigned char *)svg2, strlen(svg2)));
	assert_null(media_sniff((const unsigned char *)html, strlen(html)));
	assert_null(media_sniff(garbage, sizeof(garbage)));
	/* too short to be sure */
	assert_null(media_sniff(jpeg, 2));
	assert_null(media_sniff(png, 7));
	assert_null(media_sniff((const unsigned char *)pdf, 4));
	assert_null(media_sniff(jpeg, 0));
	/* a PNG signature with one byte wrong (the line-ending check) */
	unsigned char bad_png[8];
	memcpy(bad_png, png, 8);
	bad_png[4] = '\n';
	assert_null(media_sniff(bad_png, 8));
	/* PDF magic not at the start */
	assert_null(media_sniff((const unsigned char *)" %PDF-1.7", 9));
}

/* ---- JPEG ---- */

struct w {
	unsigned char *p;
	int be;
};

static void w16(struct w *w, size_t off, unsigned v)
{
	if (w->be) {
		w->p[off] = (unsigned char)(v >> 8);
		w->p[off + 1] = (unsigned char)v;
	} else {
		w->p[off] = (unsigned char)v;
		w->p[off + 1] = (unsigned char)(v >> 8);
	}
}

static void w32(struct w *w, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		w->p[off + (size_t)(w->be ? 3 - i : i)] = (unsigned char)(v >> (8 * i));
}

static void entry(struct w *w, size_t off, unsigned tag, unsigned type, uint32_t count,
                  uint32_t value)
{
	w16(w, off, tag);
	w16(w, off + 2, type);
	w32(w, off + 4, count);
	w32(w, off + 8, value);
}

/*
 * The TIFF block inside APP1, offsets from its start:
 *   0   header ("II*\0" or "MM\0*"), IFD0 at 8
 *   8   IFD0: 2 entries (Make, out of line at 92; GPSInfo -> 38), next IFD 0
 *   38  GPS IFD: 2 entries (GPSLatitudeRef "N" inline; GPSLatitude RATIONAL[3] at 68)
 *   68  latitude: 37/1 48/1 3000/100 (24 bytes)
 *   92  Make: "CunwuCam" (8 bytes)
 */
#define TIFF_LEN 100
#define GPS_IFD  38
#define LAT_OFF  68
#define MAKE_OFF 92
#define APP1_AT  2                    /* after SOI */
#define TIFF_AT  (APP1_AT + 10)       /* marker, length, "Exif\0\0" */
#define DQT_AT   (TIFF_AT + TIFF_LEN) /* a segment after APP1 */

static size_t build_tiff(unsigned char *p, int be)
{
	struct w w = { p, be };
	memset(p, 0, TIFF_LEN);
	memcpy(p, be ? "MM\0*" : "II*\0", 4);
	w32(&w, 4, 8);
	w16(&w, 8, 2);
	entry(&w, 10, 0x010f, 2, 8, MAKE_OFF); /* Make, ASCII[8], out of line */
	entry(&w, 22, 0x8825, 4, 1, GPS_IFD);  /* GPSInfo IFD pointer */
	w32(&w, 34, 0);                        /* no next IFD */
	w16(&w, GPS_IFD, 2);
	entry(&w, GPS_IFD + 2, 0x0001, 2, 2, 0); /* GPSLatitudeRef, inline */
	p[GPS_IFD + 2 + 8] = 'N';
	entry(&w, GPS_IFD + 14, 0x0002, 5, 3, LAT_OFF); /* GPSLatitude, RATIONAL[3] */
	w32(&w, GPS_IFD + 26, 0);
	static const uint32_t lat[6] = { 37, 1, 48, 1, 3000, 100 };
	for (int i = 0; i < 6; i++)
		w32(&w, LAT_OFF + 4 * (size_t)i, lat[i]);
	memcpy(p + MAKE_OFF, "CunwuCam", 8);
	return TIFF_LEN;
}

static size_t build_jpeg(unsigned char *p, int be)
{
	size_t i = 0;
	p[i++] = 0xff;
	p[i++] = 0xd8; /* SOI */
	p[i++] = 0xff;
	p[i++] = 0xe1; /* APP1 */
	size_t len = 2 + 6 + TIFF_LEN;
	p[i++] = (unsigned char)(len >> 8);
	p[i++] = (unsigned char)len;
	memcpy(p + i, "Exif\0\0", 6);
	i += 6;
	i += build_tiff(p + i, be);
	/* DQT-like segment of 4 data bytes, then SOS, scan data, EOI */
	static const unsigned char rest[] = { 0xff, 0xdb, 0x00, 0x06, 1,    2,    3,
		                              4,    0xff, 0xda, 0x00, 0x02, 0x12, 0x34,
		                              0x56, 0x78, 0x9a, 0xbc, 0xff, 0xd9 };
	memcpy(p + i, rest, sizeof(rest));
	i += sizeof(rest);
	return i;
}

static void check_stripped(int be)
{
	unsigned char jpg[256], orig[256];
	size_t n = build_jpeg(jpg, be);
	memcpy(orig, jpg, n);
	assert_string_equal(media_sniff(jpg, n), "image/jpeg");
	/* the latitude is there before */
	assert_int_not_equal(jpg[TIFF_AT + LAT_OFF + (be ? 3 : 0)], 0);

	size_t m = n;
	int r = media_strip_position("image/jpeg", jpg, &m);
	assert_true(r > 0);
	assert_int_equal(r, 2); /* both GPS entries */
	assert_int_equal(m, n); /* JPEG is cleaned in place */
	/* the latitude bytes, out of line, are zero */
	for (size_t i = 0; i < 24; i++)
		if (jpg[TIFF_AT + LAT_OFF + i])
			fail_msg("latitude byte %zu is still %u", i, jpg[TIFF_AT + LAT_OFF + i]);
	/* the GPS IFD (count and entries, with the inline "N") is zero */
	for (size_t i = 0; i < 2 + 2 * 12; i++)
		assert_int_equal(jpg[TIFF_AT + GPS_IFD + i], 0);
	/* everything else is untouched: header, IFD0, Make, the segments after */
	assert_memory_equal(jpg, orig, TIFF_AT + GPS_IFD);
	assert_memory_equal(jpg + TIFF_AT + MAKE_OFF, "CunwuCam", 8);
	assert_memory_equal(jpg + DQT_AT, orig + DQT_AT, n - DQT_AT);
	/* a second pass finds nothing left (the GPS IFD now counts 0 entries) */
	assert_int_equal(media_strip_position("image/jpeg", jpg, &m), 0);
}

static void test_jpeg_gps_little_endian(void **state)
{
	(void)state;
	check_stripped(0);
}

static void test_jpeg_gps_big_endian(void **state)
{
	(void)state;
	check_stripped(1);
}

static void test_jpeg_without_gps(void **state)
{
	unsigned char jpg[256], orig[256];
	(void)state;
	size_t n = build_jpeg(jpg, 0);
	/* turn the GPSInfo tag into an ordinary one (Orientation) */
	jpg[TIFF_AT + 22] = 0x12;
	jpg[TIFF_AT + 23] = 0x01;
	memcpy(orig, jpg, n);
	size_t m = n;
	assert_int_equal(media_strip_position("image/jpeg", jpg, &m), 0);
	assert_memory_equal(jpg, orig, n);
	/* no APP1 at all: SOI, SOS, EOI */
	static const unsigned char plain[] = { 0xff, 0xd8, 0xff, 0xda, 0x00,
		                               0x02, 0x11, 0x22, 0xff, 0xd9 };
	unsigned char cp[sizeof(plain)];
	memcpy(cp, plain, sizeof(plain));
	m = sizeof(cp);
	assert_int_equal(media_strip_position("image/jpeg", cp, &m), 0);
	assert_memory_equal(cp, plain, sizeof(plain));
	/* an APP1 that is not Exif (XMP) is left alone */
	n = build_jpeg(jpg, 0);
	memcpy(jpg + APP1_AT + 4, "http:/", 6);
	memcpy(orig, jpg, n);
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", jpg, &m), 0);
	assert_memory_equal(jpg, orig, n);
}

static void test_jpeg_fill_bytes_and_rst(void **state)
{
	/* 0xff fill bytes before a marker and standalone markers are skipped, not refused */
	unsigned char jpg[300], ref[300];
	(void)state;
	size_t n = build_jpeg(ref, 0);
	jpg[0] = 0xff;
	jpg[1] = 0xd8;
	jpg[2] = 0xff; /* fill */
	jpg[3] = 0xff;
	jpg[4] = 0xd0; /* RST0, standalone */
	memcpy(jpg + 5, ref + 2, n - 2);
	size_t m = n + 3;
	assert_int_equal(media_strip_position("image/jpeg", jpg, &m), 2);
	for (size_t i = 0; i < 24; i++)
		assert_int_equal(jpg[3 + TIFF_AT + LAT_OFF + i], 0);
}

static void test_jpeg_malformed(void **state)
{
	unsigned char jpg[256], bad[256];
	size_t m;
	(void)state;
	size_t n = build_jpeg(jpg, 0);

	/* truncated inside APP1: the segment length runs past the end */
	memcpy(bad, jpg, n);
	m = TIFF_AT + 40;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);
	/* truncated inside the segment after APP1 */
	m = DQT_AT + 5;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* a byte where a marker should be */
	memcpy(bad, jpg, n);
	bad[DQT_AT] = 0x00;
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* segment length below 2 */
	memcpy(bad, jpg, n);
	bad[DQT_AT + 2] = 0;
	bad[DQT_AT + 3] = 1;
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* TIFF byte order that is neither II nor MM */
	memcpy(bad, jpg, n);
	memcpy(bad + TIFF_AT, "XX*\0", 4);
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* IFD0 offset past the TIFF block */
	memcpy(bad, jpg, n);
	bad[TIFF_AT + 4] = 0xf0;
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* GPS IFD pointer past the TIFF block */
	memcpy(bad, jpg, n);
	bad[TIFF_AT + 22 + 8] = 0xf0;
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* GPS IFD claiming more entries than fit */
	memcpy(bad, jpg, n);
	bad[TIFF_AT + GPS_IFD] = 50;
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* latitude value offset past the TIFF block */
	memcpy(bad, jpg, n);
	bad[TIFF_AT + GPS_IFD + 14 + 8] = 90; /* 90 + 24 > 100 */
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);
	bad[TIFF_AT + GPS_IFD + 14 + 8] = 0xff;
	bad[TIFF_AT + GPS_IFD + 14 + 11] = 0xff; /* near 4 GiB: no wrap-around */
	m = n;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);

	/* a TIFF block shorter than its header */
	memcpy(bad, jpg, n);
	bad[APP1_AT + 2] = 0;
	bad[APP1_AT + 3] = 8 + 4; /* Exif header and 4 bytes of TIFF */
	bad[APP1_AT + 2 + 12] = 0xff;
	bad[APP1_AT + 2 + 13] = 0xd9;
	m = APP1_AT + 2 + 14;
	assert_int_equal(media_strip_position("image/jpeg", bad, &m), -1);
}

/* ---- PNG ---- */

static size_t chunk(unsigned char *p, const char type[4], const void *data, size_t len)
{
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	memcpy(p + 4, type, 4);
	if (len)
		memcpy(p + 8, data, len);
	memset(p + 8 + len, 0xcc, 4); /* CRC: not checked by the stripper */
	return 12 + len;
}

/* A PNG of IHDR, nexif eXIf chunks (after IHDR, or after IDAT when late), IDAT and IEND. */
static size_t build_png(unsigned char *p, int nexif, int late, int iend)
{
	static const unsigned char ihdr[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };
	static const unsigned char idat[] = { 0x78, 0x9c, 0x63, 0x60, 0x00, 0x00 };
	unsigned char exif[40];
	size_t n = 8;
	memcpy(p, "\x89PNG\r\n\x1a\n", 8);
	memcpy(exif, "II*\0\x08\0\0\0", 8);
	memset(exif + 8, 0x37, sizeof(exif) - 8);
	n += chunk(p + n, "IHDR", ihdr, sizeof(ihdr));
	for (int i = 0; i < nexif && !late; i++)
		n += chunk(p + n, "eXIf", exif, sizeof(exif));
	n += chunk(p + n, "IDAT", idat, sizeof(idat));
	for (int i = 0; i < nexif && late; i++)
		n += chunk(p + n, "eXIf", exif, sizeof(exif));
	if (iend)
		n += chunk(p + n, "IEND", NULL, 0);
	return n;
}

static void test_png_exif_removed(void **state)
{
	unsigned char with[512], without[512];
	(void)state;
	size_t clean = build_png(without, 0, 0, 1);
	for (int late = 0; late <= 1; late++)
		for (int k = 1; k <= 2; k++) {
			size_t n = build_png(with, k, late, 1);
			assert_int_equal(n, clean + (size_t)k * (12 + 40));
			size_t m = n;
			assert_int_equal(media_strip_position("image/png", with, &m), k);
			assert_int_equal(m, clean); /* the file shrank by the chunks */
			/* what is left is exactly the PNG without them, IEND included */
			assert_memory_equal(with, without, clean);
			assert_memory_equal(with + m - 8, "IEND", 4);
		}
	/* nothing to remove */
	size_t m = clean;
	assert_int_equal(media_strip_position("image/png", without, &m), 0);
	assert_int_equal(m, clean);
}

static void test_png_malformed(void **state)
{
	unsigned char p[512];
	size_t n, m;
	(void)state;
	/* no IEND */
	n = build_png(p, 1, 0, 0);
	m = n;
	assert_int_equal(media_strip_position("image/png", p, &m), -1);
	/* truncated in the middle of a chunk */
	n = build_png(p, 1, 0, 1);
	m = n - 20;
	assert_int_equal(media_strip_position("image/png", p, &m), -1);
	/* a chunk length larger than the file */
	n = build_png(p, 0, 0, 1);
	p[8] = 0x7f;
	m = n;
	assert_int_equal(media_strip_position("image/png", p, &m), -1);
	/* just the signature */
	m = 8;
	assert_int_equal(media_strip_position("image/png", p, &m), -1);
	/* data after IEND is not looked at */
	n = build_png(p, 0, 0, 1);
	memcpy(p + n, "trailing", 8);
	m = n + 8;
	assert_int_equal(media_strip_position("image/png", p, &m), 0);
	assert_int_equal(m, n + 8);
}

static void test_other_types_untouched(void **state)
{
	char pdf[] = "%PDF-1.7\n/GPSLatitude 37.8\n";
	size_t m = sizeof(pdf) - 1;
	(void)state;
	assert_int_equal(media_strip_position("application/pdf", (unsigned char *)pdf, &m), 0);
	assert_int_equal(m, sizeof(pdf) - 1);
	assert_string_equal(pdf, "%PDF-1.7\n/GPSLatitude 37.8\n");
}

static void test_media_path(void **state)
{
	char buf[256];
	const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	(void)state;
	media_set_dir("/srv/media");
	assert_string_equal(media_dir(), "/srv/media");
	assert_int_equal(media_path(id, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/srv/media/01/23/0123456789abcdef0123456789abcdef0123456789abcdef"
	                         "0123456789abcdef");
	assert_int_equal(media_path("../../etc/passwd", buf, sizeof(buf)), -1);
	assert_int_equal(
	    media_path("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", buf,
	               sizeof(buf)),
	    -1);
	assert_int_equal(media_path("0123", buf, sizeof(buf)), -1);
}

/* ---- the store ---- */

static void put(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static size_t get(const char *path, unsigned char *p, size_t max)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(p, 1, max, f);
	fclose(f);
	return n;
}

static void test_store(void **state)
{
	char dir[] = "/tmp/cunwu-media-XXXXXX", up[64], path[256], id[65], id2[65], hex[65];
	unsigned char jpg[256], clean[256], back[512], h[crypto_hash_sha256_BYTES];
	const char *mime = NULL;
	int64_t size = 0;
	struct err e;
	(void)state;
	assert_non_null(mkdtemp(dir));
	media_set_dir(dir);
	snprintf(up, sizeof(up), "%s/upload", dir);
	size_t n = build_jpeg(jpg, 0);
	memcpy(clean, jpg, n);
	size_t cn = n;
	assert_int_equal(media_strip_position("image/jpeg", clean, &cn), 2);

	/* stored without its position, under the hash of what is stored */
	put(up, jpg, n);
	assert_int_equal(media_store(up, 1 << 20, 0, id, &mime, &size, &e), 0);
	assert_string_equal(mime, "image/jpeg");
	assert_int_equal(size, (int64_t)cn);
	crypto_hash_sha256(h, clean, cn);
	for (size_t i = 0; i < sizeof(h); i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_string_equal(id, hex);
	assert_int_equal(access(up, F_OK), -1); /* the upload was consumed */
	assert_int_equal(media_path(id, path, sizeof(path)), 0);
	assert_int_equal(get(path, back, sizeof(back)), cn);
	assert_memory_equal(back, clean, cn);

	/* the same upload again: same id, one file */
	put(up, jpg, n);
	assert_int_equal(media_store(up, 1 << 20, 0, id2, &mime, &size, &e), 0);
	assert_string_equal(id2, id);

	/* kept position: the original bytes, so another id */
	put(up, jpg, n);
	assert_int_equal(media_store(up, 1 << 20, 1, id2, &mime, &size, &e), 0);
	assert_string_not_equal(id2, id);
	assert_int_equal(media_path(id2, path, sizeof(path)), 0);
	assert_int_equal(get(path, back, sizeof(back)), n);
	assert_memory_equal(back, jpg, n);

	/* refused: too large, not an accepted type, malformed */
	put(up, jpg, n);
	err_clear(&e);
	assert_int_equal(media_store(up, 64, 0, id2, &mime, &size, &e), -1);
	assert_int_equal(e.status, 413);
	assert_string_equal(e.code, "media.too_large");
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>";
	put(up, (const unsigned char *)svg, sizeof(svg) - 1);
	err_clear(&e);
	assert_int_equal(media_store(up, 1 << 20, 0, id2, &mime, &size, &e), -1);
	assert_int_equal(e.status, 415);
	assert_string_equal(e.code, "media.type");
	put(up, jpg, TIFF_AT + 40); /* cut inside APP1 */
	err_clear(&e);
	assert_int_equal(media_store(up, 1 << 20, 0, id2, &mime, &size, &e), -1);
	assert_int_equal(e.status, 415);
	assert_string_equal(e.code, "media.malformed");
	/* but a malformed JPEG kept as it is, is stored: nothing was parsed */
	put(up, jpg, TIFF_AT + 40);
	assert_int_equal(media_store(up, 1 << 20, 1, id2, &mime, &size, &e), 0);

	unit_rmtree(dir);
}

static int group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_jpeg_gps_little_endian),
		cmocka_unit_test(test_jpeg_gps_big_endian),
		cmocka_unit_test(test_jpeg_without_gps),
		cmocka_unit_test(test_jpeg_fill_bytes_and_rst),
		cmocka_unit_test(test_jpeg_malformed),
		cmocka_unit_test(test_png_exif_removed),
		cmocka_unit_test(test_png_malformed),
		cmocka_unit_test(test_other_types_untouched),
		cmocka_unit_test(test_media_path),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
