/*
 * fuzz_csv.c - libFuzzer target for the CSV reader (src/tabular/csv.c) and what it shares
 * with the others (detection in tabular.c, the header layer, the value helpers): the input
 * is a file as a cadre would upload it. See fuzz_tab.h for what is checked.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_tab.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_tab_book(data, size);
	return 0;
}
