/*
 * tar.h - the ustar subset cunwu's backups use: regular files with relative paths.
 * The reader checks every header (checksum, octal fields, sizes, names without "..")
 * and is fuzzed; a backup is only ever unpacked into a fresh directory.
 */
#ifndef CUNWU_TAR_H
#define CUNWU_TAR_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* Append the file at src as name (at most 99 bytes). */
int tar_add_file(FILE *out, const char *name, const char *src, struct err *e);
/* Write the two zero blocks that end an archive. */
int tar_finish(FILE *out, struct err *e);

struct tar_entry {
	char name[101];
	int64_t size;
};

/*
 * Read the next header from in: 1 with *ent filled (the caller then reads exactly
 * ent->size bytes with tar_read_data), 0 at the end, -1 on a malformed archive.
 */
int tar_next(FILE *in, struct tar_entry *ent, struct err *e);
/* Copy the entry's data to out (NULL to skip) and consume its padding. */
int tar_read_data(FILE *in, const struct tar_entry *ent, FILE *out, struct err *e);
/* Check one 512-byte header block; pure, the fuzz entry point. 1 entry, 0 end, -1 bad. */
int tar_parse_header(const unsigned char block[512], struct tar_entry *ent, struct err *e);

#endif
