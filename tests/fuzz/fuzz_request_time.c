/*
 * fuzz_request_time.c - libFuzzer target for the 12345 import's call times
 * (requests_beijing_ms, src/requests/import.c), free text from the platform's export. An
 * accepted time is after 1900 and its date is what tab_date_parse reads before the time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "requests/requests.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_text(data, size);
	if (!s)
		return 0;
	int64_t ms = 0;
	/* 1900-01-01 Beijing is -2208988800000 - 8 h; 10000-01-01 is 253402300800000 */
	if (!requests_beijing_ms(s, &ms) && (ms < -2209017600000LL || ms >= 253402300800000LL))
		abort();
	free(s);
	return 0;
}
