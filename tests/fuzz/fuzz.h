/*
 * fuzz.h - what the libFuzzer targets share: the input as a C string.
 */
#ifndef CUNWU_TEST_FUZZ_H
#define CUNWU_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated copy (an inner NUL ends it early); free it. NULL if out of
 * memory, which the target treats as an empty run. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
