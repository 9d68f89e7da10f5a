/*
 * fuzz_config.c - libFuzzer target for the config file parser (src/core/config.c).
 *
 * After any input, accepted or not, every setting must still read back within its
 * declared range, since a value is checked before it is stored.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	size_t n;
	config_init();
	err_clear(&e);
	int rc = config_parse((const char *)data, size, "fuzz.conf", &e);
	if (rc != 0 && (rc != -1 || e.status != 400 || !e.code[0]))
		abort();
	const struct cfg_def *d = config_defs(&n);
	for (size_t i = 0; i < n; i++) {
		const char *v = config_str(d[i].name);
		if (!v || !config_source(d[i].name))
			abort();
		if (d[i].type == CFG_INT) {
			int64_t x = config_int(d[i].name);
			if (x < d[i].min || x > d[i].max)
				abort();
		} else if (d[i].type == CFG_BOOL) {
			int b = config_bool(d[i].name);
			if (b != 0 && b != 1)
				abort();
		}
	}
	config_free();
	return 0;
}
