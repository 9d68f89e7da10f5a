/*
 * fuzz_media.c - libFuzzer target for upload sniffing and position stripping
 * (src/core/media.c). The input is sniffed, then stripped as its sniffed type and also as
 * JPEG and PNG whatever it is, each time on a copy: stripping works in place and must stay
 * inside the buffer, and may only shrink it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/media.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void strip(const char *mime, const uint8_t *data, size_t size)
{
	/*
	 * An exact-size malloc copy rather than an arena one, so that ASan sees any read or
	 * write past the end; it is freed before returning.
	 */
	unsigned char *copy = malloc(size ? size : 1);
	if (!copy)
		return;
	memcpy(copy, data, size);
	size_t n = size;
	int r = media_strip_position(mime, copy, &n);
	if (r < -1 || n > size)
		abort();
	if (r >= 0 && strcmp(mime, "image/png") && n != size)
		abort(); /* only PNG chunks are removed; JPEG is cleaned in place */
	if (r >= 0 && !strcmp(mime, "image/png")) {
		/* a second pass over the cleaned PNG finds nothing more to remove */
		size_t m = n;
		if (media_strip_position(mime, copy, &m) != 0 || m != n)
			abort();
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *mime = media_sniff(data, size);
	if (mime)
		strip(mime, data, size);
	strip("image/jpeg", data, size);
	strip("image/png", data, size);
	strip("application/pdf", data, size);
	return 0;
}
