/* tar.c - unit tests of src/core/tar.c: write an archive, read it back, refuse bad headers. */
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

#include "core/tar.h"
#include "core/banned.h"

struct fx {
	char dir[64];
	char archive[128];
	struct err e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/cunwu-tar-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->archive, sizeof(f->archive), "%s/backup.tar", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void write_file(struct fx *f, const char *name, const unsigned char *data, size_t n)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, n, out), n);
	fclose(out);
}

struct file {
	const char *name; /* in the archive */
	size_t size;
	unsigned char *data;
};

/* Write the files into f->archive; returns the archive's size. */
static long make_archive(struct fx *f, struct file *files, size_t nfiles)
{
	FILE *out = fopen(f->archive, "wb");
	assert_non_null(out);
	for (size_t i = 0; i < nfiles; i++) {
		char src[32], path[256];
		snprintf(src, sizeof(src), "src%zu", i);
		write_file(f, src, files[i].data, files[i].size);
		snprintf(path, sizeof(path), "%s/%s", f->dir, src);
		if (tar_add_file(out, files[i].name, path, &f->e))
			fail_msg("add '%s': %s", files[i].name, f->e.msg);
	}
	assert_int_equal(tar_finish(out, &f->e), 0);
	long size = ftell(out);
	fclose(out);
	return size;
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	unsigned char *big = malloc(70000), small[1000], block[512];
	assert_non_null(big);
	for (size_t i = 0; i < 70000; i++)
		big[i] = (unsigned char)(i * 31 + 7);
	for (size_t i = 0; i < sizeof(small); i++)
		small[i] = (unsigned char)i;
	memset(block, 'b', sizeof(block));
	struct file files[] = {
		{ "cunwu.db", 70000, big },
		{ "empty", 0, small },
		{ "media/ab/cd/abcdef", sizeof(small), small },
		{ "exactly-one-block", sizeof(block), block },
	};
	long size = make_archive(f, files, 4);
	/* headers, data rounded up to 512, and the two zero blocks */
	long want = 512 * (1 + (70000 + 511) / 512) + 512 + 512 * (1 + 2) + 512 * 2 + 1024;
	assert_int_equal(size, want);
	assert_int_equal(size % 512, 0);

	FILE *in = fopen(f->archive, "rb");
	assert_non_null(in);
	struct tar_entry ent;
	for (size_t i = 0; i < 4; i++) {
		memset(&ent, 0x55, sizeof(ent));
		assert_int_equal(tar_next(in, &ent, &f->e), 1);
		assert_string_equal(ent.name, files[i].name);
		assert_int_equal(ent.size, (int64_t)files[i].size);
		char *got = NULL;
		size_t got_n = 0;
		FILE *mem = open_memstream(&got, &got_n);
		assert_non_null(mem);
		assert_int_equal(tar_read_data(in, &ent, mem, &f->e), 0);
		fclose(mem);
		assert_int_equal(got_n, files[i].size);
		if (files[i].size)
			assert_memory_equal(got, files[i].data, files[i].size);
		free(got);
	}
	assert_int_equal(tar_next(in, &ent, &f->e), 0); /* the end blocks */
	fclose(in);

	/* skipping data with a NULL output still lands on the next header */
	in = fopen(f->archive, "rb");
	assert_int_equal(tar_next(in, &ent, &f->e), 1);
	assert_int_equal(tar_read_data(in, &ent, NULL, &f->e), 0);
	assert_int_equal(tar_next(in, &ent, &f->e), 1);
	assert_string_equal(ent.name, "empty");
	fclose(in);
	free(big);
}

static void test_header_fields(void **state)
{
	/* a header as GNU tar and others expect it: ustar magic, octal fields, checksum */
	struct fx *f = *state;
	unsigned char data[3] = { 1, 2, 3 }, h[512];
	struct file files[] = { { "a/b.txt", 3, data } };
	make_archive(f, files, 1);
	FILE *in = fopen(f->archive, "rb");
	assert_int_equal(fread(h, 1, 512, in), 512);
	fclose(in);
	assert_string_equal((char *)h, "a/b.txt");
	assert_string_equal((char *)h + 124, "00000000003");
	assert_int_equal(h[156], '0');
	assert_memory_equal(h + 257,
	                    "ustar\0"
	                    "00",
	                    8);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	char want[8];
	snprintf(want, sizeof(want), "%06o", sum);
	assert_memory_equal(h + 148, want, 6);
	assert_int_equal(h[154], '\0');
	assert_int_equal(h[155], ' ');
}

static void test_add_errors(void **state)
{
	struct fx *f = *state;
	char long_name[101], path[256];
	memset(long_name, 'n', 100);
	long_name[100] = '\0';
	unsigned char d = 'x';
	write_file(f, "one", &d, 1);
	snprintf(path, sizeof(path), "%s/one", f->dir);
	FILE *out = fopen(f->archive, "wb");
	assert_int_equal(tar_add_file(out, long_name, path, &f->e), -1);
	assert_contains(f->e.msg, "too long");
	long_name[99] = '\0'; /* 99 bytes is the most a ustar name field holds with its NUL */
	assert_int_equal(tar_add_file(out, long_name, path, &f->e), 0);
	snprintf(path, sizeof(path), "%s/missing", f->dir);
	assert_int_equal(tar_add_file(out, "missing", path, &f->e), -1);
	assert_contains(f->e.msg, "missing");
	fclose(out);
}

/* ---- tar_parse_header ---- */

static void set_checksum(unsigned char h[512])
{
	unsigned sum = 0;
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	char s[8];
	snprintf(s, sizeof(s), "%06o", sum);
	memcpy(h + 148, s, 6);
	h[154] = '\0';
	h[155] = ' ';
}

static void good_header(unsigned char h[512], const char *name, const char *size_octal)
{
	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000640", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	memcpy(h + 124, size_octal, strlen(size_octal) + 1);
	memcpy(h + 136, "00000000000", 12);
	h[156] = '0';
	memcpy(h + 257,
	       "ustar\0"
	       "00",
	       8);
	set_checksum(h);
}

static int parse(unsigned char h[512], struct tar_entry *ent, struct err *e)
{
	err_clear(e);
	return tar_parse_header(h, ent, e);
}

static void test_parse_ok(void **state)
{
	struct fx *f = *state;
	unsigned char h[512];
	struct tar_entry ent;
	good_header(h, "people.csv", "00000001750");
	assert_int_equal(parse(h, &ent, &f->e), 1);
	assert_string_equal(ent.name, "people.csv");
	assert_int_equal(ent.size, 1000);
	/* space-padded size, as some writers do */
	good_header(h, "x", "      1750 ");
	assert_int_equal(parse(h, &ent, &f->e), 1);
	assert_int_equal(ent.size, 1000);
	/* old-style typeflag NUL is a file */
	good_header(h, "x", "0");
	h[156] = '\0';
	set_checksum(h);
	assert_int_equal(parse(h, &ent, &f->e), 1);
	/* a name of exactly 99 bytes */
	char n99[100];
	memset(n99, 'a', 99);
	n99[99] = '\0';
	good_header(h, n99, "0");
	assert_int_equal(parse(h, &ent, &f->e), 1);
	assert_string_equal(ent.name, n99);
	/* an all-zero block is the end */
	memset(h, 0, 512);
	assert_int_equal(parse(h, &ent, &f->e), 0);
}

static void expect_bad(struct fx *f, unsigned char h[512], const char *why)
{
	struct tar_entry ent;
	if (parse(h, &ent, &f->e) != -1)
		fail_msg("header was accepted: %s", why);
	assert_string_equal(f->e.code, "backup.malformed");
	assert_int_equal(f->e.status, 400);
}

static void test_parse_bad_checksum(void **state)
{
	struct fx *f = *state;
	unsigned char h[512];
	good_header(h, "people.csv", "00000001750");
	h[0] = 'P'; /* changed after the checksum was computed */
	expect_bad(f, h, "checksum");
	assert_contains(f->e.msg, "checksum");
	good_header(h, "people.csv", "00000001750");
	h[300] = 1; /* anywhere in the block */
	expect_bad(f, h, "checksum");
	good_header(h, "people.csv", "00000001750");
	memcpy(h + 148, "abcdef", 6); /* not octal */
	expect_bad(f, h, "checksum field");
	good_header(h, "people.csv", "00000001750");
	memset(h + 148, ' ', 8); /* no digits */
	expect_bad(f, h, "empty checksum");
}

static void test_parse_bad_names(void **state)
{
	static const char *const bad[] = { "../etc/passwd", "a/../../b", "..",
		                           "/etc/passwd",   "/",         "media/..hidden" };
	struct fx *f = *state;
	unsigned char h[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_header(h, bad[i], "0");
		expect_bad(f, h, bad[i]);
		assert_contains(f->e.msg, "not allowed");
	}
	/* empty name, with something else in the block so that it is not the end */
	good_header(h, "", "0");
	expect_bad(f, h, "empty name");
	/* 100 bytes with no NUL */
	memset(h, 0, 512);
	good_header(h, "x", "0");
	memset(h, 'a', 100);
	set_checksum(h);
	expect_bad(f, h, "unterminated name");
	assert_contains(f->e.msg, "not terminated");
}

static void test_parse_bad_types(void **state)
{
	static const char types[] = { '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L' };
	struct fx *f = *state;
	unsigned char h[512];
	for (size_t i = 0; i < sizeof(types); i++) {
		good_header(h, "link", "0");
		h[156] = (unsigned char)types[i];
		set_checksum(h);
		expect_bad(f, h, "type");
		assert_contains(f->e.msg, "not a file");
	}
}

static void test_parse_bad_size(void **state)
{
	static const char *const bad[] = { "", "0000000175x", "-1", "9", "0 1" };
	struct fx *f = *state;
	unsigned char h[512];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_header(h, "x", bad[i]);
		expect_bad(f, h, bad[i]);
	}
	/* the largest 11-digit size parses; nothing larger fits the field */
	struct tar_entry ent;
	good_header(h, "x", "77777777777");
	assert_int_equal(parse(h, &ent, &f->e), 1);
	assert_int_equal(ent.size, 077777777777LL);
}

static void test_truncated(void **state)
{
	struct fx *f = *state;
	unsigned char data[2000];
	memset(data, 'd', sizeof(data));
	struct file files[] = { { "big", sizeof(data), data } };
	make_archive(f, files, 1);
	/* cut inside the data */
	assert_int_equal(truncate(f->archive, 512 + 1000), 0);
	FILE *in = fopen(f->archive, "rb");
	struct tar_entry ent;
	assert_int_equal(tar_next(in, &ent, &f->e), 1);
	assert_int_equal(tar_read_data(in, &ent, NULL, &f->e), -1);
	assert_contains(f->e.msg, "truncated");
	fclose(in);
	/* cut inside the header */
	assert_int_equal(truncate(f->archive, 100), 0);
	in = fopen(f->archive, "rb");
	assert_int_equal(tar_next(in, &ent, &f->e), -1);
	assert_contains(f->e.msg, "truncated");
	fclose(in);
	/* an empty file reads as an empty archive */
	assert_int_equal(truncate(f->archive, 0), 0);
	in = fopen(f->archive, "rb");
	assert_int_equal(tar_next(in, &ent, &f->e), 0);
	fclose(in);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip),      T(test_header_fields),      T(test_add_errors),
		T(test_parse_ok),        T(test_parse_bad_checksum), T(test_parse_bad_names),
		T(test_parse_bad_types), T(test_parse_bad_size),     T(test_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
