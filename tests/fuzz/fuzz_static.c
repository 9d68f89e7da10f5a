/*
 * fuzz_static.c - libFuzzer target for the header parsers of src/core/static.c
 * (Accept-Encoding, If-None-Match) and the embedded-file lookup.
 *
 * The input is split at its first newline: before it a header value, after it a path.
 * Nothing may crash, and the answers must agree with simple facts: a value without the
 * letters of "gzip" and without '*' never accepts gzip; a path that is found is found
 * under its own name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/static.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *path = strchr(buf, '\n');
	if (path)
		*path++ = '\0';
	else
		path = buf;

	int gz = static_accepts_gzip(buf);
	if (gz && !strchr(buf, '*') && !strcasestr(buf, "gzip"))
		abort();
	static_etag_matches(buf, "\"0123456789abcdef0123\"");
	if (static_etag_matches(buf, "\"\"") && !strchr(buf, '*') && !strstr(buf, "\"\""))
		abort();
	const struct static_file *f = static_find(path);
	if (f && strcmp(f->path, path))
		abort();
	free(buf);
	return 0;
}
