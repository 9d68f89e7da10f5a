/*
 * fuzz_xls.c - libFuzzer target for the .xls reader (src/tabular/xls.c, on freexl): the
 * input is given the OLE2 magic if it lacks it, so that every run reaches freexl (through
 * the temporary file tab_open_mem writes). See fuzz_tab.h for what is checked.
 *
 * The whole path runs as in the server: tab_open_mem spawns this binary as the reader's
 * child (`internal xls-rows FILE`, handed to tab_xls_child in LLVMFuzzerInitialize, before
 * libFuzzer starts), the child runs freexl under ASan and UBSan and writes its frames, and
 * the parent decodes them. freexl's known out-of-bounds read (docs/internals/tabular.md)
 * shows as the child's ASan report in the log and an import.corrupt here, not as a crash
 * of the target: freexl is not ours to fix, the isolation is what is tested. The decoder
 * alone, over any bytes, is fuzz_xls_frames.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_tab.h"
#include "core/banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (*argc > 1 && !strcmp((*argv)[1], "internal"))
		exit(tab_xls_child(*argc - 1, *argv + 1));
	tab_xls_seconds = 10;
	return 0;
}

static const uint8_t magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 8 && !memcmp(data, magic, 8)) {
		fuzz_tab_book(data, size);
		return 0;
	}
	uint8_t *buf = malloc(size + 8);
	if (!buf)
		return 0;
	memcpy(buf, magic, 8);
	memcpy(buf + 8, data, size);
	fuzz_tab_book(buf, size + 8);
	free(buf);
	return 0;
}
