/*
 * fuzz_tar.c - libFuzzer target for the backup archive reader (src/core/tar.c).
 *
 * Every 512-byte block of the input goes through tar_parse_header, and the whole input is
 * read as an archive with tar_next / tar_read_data, as `cunwu restore` does. An accepted
 * header must name a relative path without ".." and a size that is not negative.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tar.h"
#include "core/banned.h"

static void check_entry(const struct tar_entry *ent)
{
	if (!ent->name[0] || ent->name[0] == '/' || strstr(ent->name, "..") || ent->size < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tar_entry ent;
	struct err e;

	for (size_t off = 0; size - off >= 512; off += 512) {
		memset(&ent, 0, sizeof(ent));
		if (tar_parse_header(data + off, &ent, &e) == 1)
			check_entry(&ent);
	}

	if (!size)
		return 0;
	unsigned char *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	FILE *in = fmemopen(copy, size, "rb");
	if (in) {
		int rc;
		while ((rc = tar_next(in, &ent, &e)) == 1) {
			check_entry(&ent);
			if (tar_read_data(in, &ent, NULL, &e))
				break;
		}
		fclose(in);
	}
	free(copy);
	return 0;
}
