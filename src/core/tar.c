/* tar.c - minimal ustar writer and strict reader; see tar.h. */
#include "tar.h"

#include <errno.h>
#include <string.h>

#include "banned.h"

static void octal(char *dst, size_t width, uint64_t v)
{
	/* width-1 digits and a NUL */
	dst[width - 1] = '\0';
	for (size_t i = width - 1; i-- > 0;) {
		dst[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

int tar_add_file(FILE *out, const char *name, const char *src, struct err *e)
{
	if (strlen(name) > 99)
		return err_internal(e, "name too long for the archive: '%s'", name);
	FILE *in = fopen(src, "rb");
	if (!in)
		return err_internal(e, "unable to open '%s': %s", src, strerror(errno));
	fseek(in, 0, SEEK_END);
	long size = ftell(in);
	fseek(in, 0, SEEK_SET);
	unsigned char h[512];
	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name));
	octal((char *)h + 100, 8, 0640);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, (uint64_t)size);
	octal((char *)h + 136, 12, 0);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += h[i];
	octal((char *)h + 148, 7, sum);
	h[155] = ' ';
	int ok = fwrite(h, 1, 512, out) == 512;
	char buf[65536];
	size_t r, total = 0;
	while (ok && (r = fread(buf, 1, sizeof(buf), in)) > 0) {
		ok = fwrite(buf, 1, r, out) == r;
		total += r;
	}
	fclose(in);
	if (ok && total != (size_t)size)
		ok = 0;
	size_t pad = (512 - total % 512) % 512;
	memset(buf, 0, pad);
	if (!ok || fwrite(buf, 1, pad, out) != pad)
		return err_internal(e, "unable to write the archive (%s)", src);
	return 0;
}

int tar_finish(FILE *out, struct err *e)
{
	static const unsigned char zero[1024];
	if (fwrite(zero, 1, sizeof(zero), out) != sizeof(zero) || fflush(out))
		return err_internal(e, "unable to write the archive");
	return 0;
}

static int parse_octal(const unsigned char *p, size_t width, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	while (i < width && p[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < width && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v > (INT64_MAX >> 3))
			return -1;
		v = v << 3 | (p[i] - '0');
	}
	for (; i < width; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return -1;
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

int tar_parse_header(const unsigned char h[512], struct tar_entry *ent, struct err *e)
{
	int zero = 1;
	for (int i = 0; i < 512 && zero; i++)
		zero = h[i] == 0;
	if (zero)
		return 0;
	int64_t sum, size;
	if (parse_octal(h + 148, 8, &sum) || parse_octal(h + 124, 12, &size))
		return err_invalid(e, "backup.malformed", "file", "malformed archive header");
	int64_t calc = 0;
	for (int i = 0; i < 512; i++)
		calc += (i >= 148 && i < 156) ? ' ' : h[i];
	if (calc != sum)
		return err_invalid(e, "backup.malformed", "file",
		                   "archive header checksum is wrong");
	if (h[156] != '0' && h[156] != '\0')
		return err_invalid(e, "backup.malformed", "file",
		                   "archive holds something not a file");
	if (!memchr(h, '\0', 100))
		return err_invalid(e, "backup.malformed", "file", "archive name is not terminated");
	memcpy(ent->name, h, 100);
	ent->name[100] = '\0';
	if (!ent->name[0] || ent->name[0] == '/' || strstr(ent->name, ".."))
		return err_invalid(e, "backup.malformed", "file",
		                   "archive name '%s' is not allowed", ent->name);
	ent->size = size;
	return 1;
}

int tar_next(FILE *in, struct tar_entry *ent, struct err *e)
{
	unsigned char h[512];
	size_t r = fread(h, 1, sizeof(h), in);
	if (r == 0)
		return 0;
	if (r != sizeof(h))
		return err_invalid(e, "backup.malformed", "file", "archive is truncated");
	return tar_parse_header(h, ent, e);
}

int tar_read_data(FILE *in, const struct tar_entry *ent, FILE *out, struct err *e)
{
	char buf[65536];
	int64_t left = ent->size + (512 - ent->size % 512) % 512, data = ent->size;
	while (left > 0) {
		size_t want = left > (int64_t)sizeof(buf) ? sizeof(buf) : (size_t)left;
		size_t r = fread(buf, 1, want, in);
		if (r != want)
			return err_invalid(e, "backup.malformed", "file", "archive is truncated");
		size_t keep = data > (int64_t)r ? r : (size_t)data;
		if (out && keep && fwrite(buf, 1, keep, out) != keep)
			return err_internal(e, "unable to write '%s'", ent->name);
		data -= (int64_t)keep;
		left -= (int64_t)r;
	}
	return 0;
}
