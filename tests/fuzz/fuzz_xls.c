/*
 * fuzz_xls.c - libFuzzer target for the .xls reader (src/tabular/xls.c, on freexl): the
 * input is given the OLE2 magic if it lacks it, so that every run reaches freexl (through
 * the temporary file tab_open_mem writes). See fuzz_tab.h for what is checked. freexl 1.0.6
 * leaks on some broken files (its own allocations, after freexl_close): leak checking is
 * off while it runs. Its out-of-bounds reads are caught in xls.c's child process.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/lsan_interface.h>

#include "fuzz_tab.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__lsan_disable();
	if (size >= 8 && !memcmp(data, magic, 8)) {
		fuzz_tab_book(data, size);
		__lsan_enable();
		return 0;
	}
	uint8_t *buf = malloc(size + 8);
	if (!buf) {
		__lsan_enable();
		return 0;
	}
	memcpy(buf, magic, 8);
	memcpy(buf + 8, data, size);
	fuzz_tab_book(buf, size + 8);
	free(buf);
	__lsan_enable();
	return 0;
}
