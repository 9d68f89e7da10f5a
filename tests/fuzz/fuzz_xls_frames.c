/*
 * fuzz_xls_frames.c - libFuzzer target for the decoder of the .xls child's frames
 * (tab_xls_decode, src/tabular/xls.c): the parent must survive whatever a child that
 * freexl's bugs took over could write. The input is given the frames' magic and book tag if
 * it lacks them, then every sheet is read (fuzz_tab.h checks the rows).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tab.h"
#include "tabular/impl.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void frames_book(const uint8_t *data, size_t size)
{
	struct arena a;
	struct err e;
	struct tab_book *b = NULL;
	arena_init(&a, 0);
	err_clear(&e);
	if (tab_open_xls_frames(&a, data, size, &b, &e)) {
		if (e.status != 400)
			abort();
	} else {
		for (size_t s = 0; s < b->nsheets && s < 4; s++) {
			struct fuzz_tab f = { &a, b, { 0 }, 0, -1 };
			err_clear(&e);
			if (tab_rows(b, s, fuzz_tab_row, &f, &e) && e.status != 400)
				abort();
		}
	}
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 6 && !memcmp(data, "CXLS1", 5)) {
		frames_book(data, size);
		return 0;
	}
	uint8_t *buf = malloc(size + 6);
	if (!buf)
		return 0;
	memcpy(buf, "CXLS1B", 6);
	memcpy(buf + 6, data, size);
	frames_book(buf, size + 6);
	free(buf);
	return 0;
}
