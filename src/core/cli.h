/*
 * cli.h - the git-style command table every module contributes to.
 *
 * `cunwu [global options] COMMAND [SUBCOMMAND] [args]`. Global options (--db, --config,
 * --set name=value, --log-level) may appear anywhere; main applies them to the config
 * layers before the command runs. A command takes its own options with cli_opt() and
 * cli_flag(), its arguments with cli_arg(), then calls cli_end(), which refuses anything
 * left over. A wrong call prints one line naming the problem, then the usage, and exits 2.
 */
#ifndef CUNWU_CLI_H
#define CUNWU_CLI_H

#include "arena.h"
#include "audit.h"
#include "db.h"
#include "err.h"

struct command;

struct cli {
	int argc;
	char **argv; /* what is left to take; NULL entries were taken */
	struct arena arena;
	struct db *db; /* open when the command has NEED_DB */
	struct actor actor;
	const struct command *cmd;
	const char *db_url;
};

enum {
	NEED_DB = 1,   /* open --db, refusing a schema that is not current */
	OPEN_ONLY = 2, /* with NEED_DB: open without checking the schema (migrate) */
};

struct command {
	const char *name; /* "user add" */
	int (*fn)(struct cli *c, struct err *e);
	unsigned flags;
	const char *usage;   /* "user add LOGIN --name NAME --place PLACE [--role ROLE]" */
	const char *summary; /* one line */
};

struct command_table {
	const char *module;
	const struct command *cmds;
	size_t n;
};

/* Value of --name VALUE or --name=VALUE, taken out of argv; NULL if absent. */
const char *cli_opt(struct cli *c, const char *name);
/* 1 if --name is present (taken out). */
int cli_flag(struct cli *c, const char *name);
/* The next positional argument, or NULL with e set naming what (when required). */
const char *cli_arg(struct cli *c, const char *what, int required, struct err *e);
/* -1 with an error if anything is left. */
int cli_end(struct cli *c, struct err *e);
/* A usage error (exit 2 and the usage). */
int cli_usage(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read a password from stdin (one line) when --password-stdin was given. */
int cli_read_secret(struct arena *a, const char **out, struct err *e);

/* End a command's write transaction (begun with db_begin): commit if rc is 0, else roll
 * back; returns -1 if either failed or rc was not 0. */
int cli_commit(struct cli *c, int rc, struct err *e);

#endif
