/*
 * config.h - settings, layered: defaults < config file < environment < command-line flags.
 *
 * Every setting is a row of one table (config.c): name, default, environment variable,
 * and a line of help; `cunwu help config` prints the table. Values are kept as strings and
 * read through typed getters, which parse and range-check them when the layer is applied,
 * so a bad value is reported once, naming its source, before anything starts.
 *
 * The file format is lines of `name = value`; '#' starts a comment; blank lines are fine.
 */
#ifndef CUNWU_CONFIG_H
#define CUNWU_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum cfg_type {
	CFG_STR,
	CFG_INT,
	CFG_BOOL
};

struct cfg_def {
	const char *name; /* "http.threads" */
	enum cfg_type type;
	const char *def;
	const char *env; /* "CUNWU_HTTP_THREADS" */
	int64_t min, max;
	const char *help;
};

/* Reset every setting to its default. Not thread-safe; call before threads start. */
void config_init(void);
/* Free what the layers allocated. */
void config_free(void);
/* Set one value from a layer named by source ("file cunwu.conf:3", "CUNWU_DB", "flag"). */
int config_set(const char *name, const char *value, const char *source, struct err *e);
/* Apply a file; a missing file is an error only when required. */
int config_load_file(const char *path, int required, struct err *e);
/* Parse a config file's text (also the fuzz entry point). */
int config_parse(const char *text, size_t len, const char *path, struct err *e);
/* Apply every CUNWU_* environment variable that names a setting. */
int config_load_env(struct err *e);

const char *config_str(const char *name);
int64_t config_int(const char *name);
int config_bool(const char *name);
/* Where the current value came from: "default", a file position, the environment
 * variable's name, or the flag. */
const char *config_source(const char *name);

const struct cfg_def *config_defs(size_t *n);

#endif
