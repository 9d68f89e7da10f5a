/*
 * main.c - cunwu's entry point: joins every module's command and route tables, applies
 * the configuration layers (defaults < file < environment < flags), and runs one command
 * with its own arena, database connection and audit identity.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "places/places.h"
#include "people/people.h"
#include "duties/duties.h"
#include "requests/requests.h"
#include "system/system.h"
#include "tabular/tabular.h"
#include "version.h"
#include "core/banned.h"

static const struct command_table *const command_tables[] = {
	&system_commands, &accounts_commands, &places_commands,   &people_commands,
	&duties_commands, &tabular_commands,  &requests_commands, &tabular_export_commands,
};

static const struct route_table *const route_tables[] = {
	&system_routes,  &accounts_routes,       &places_routes,
	&people_routes,  &duties_routes,         &requests_routes,
	&tabular_routes, &tabular_export_routes, &requests_notify_routes,
};

static void (*const registrations[])(void) = {
	system_register, accounts_register, places_register,  people_register,
	duties_register, requests_register, tabular_register,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void print_usage(FILE *f)
{
	fprintf(f, "usage: cunwu [--db URL] [--config FILE] [--set NAME=VALUE] [--log-level L] "
	           "COMMAND [ARGS]\n\ncommands:\n");
	for (size_t t = 0; t < COUNT(command_tables); t++)
		for (size_t i = 0; i < command_tables[t]->n; i++) {
			const struct command *c = &command_tables[t]->cmds[i];
			fprintf(f, "  %-14s %s\n", c->name, c->summary);
		}
	fprintf(f, "\n'cunwu help COMMAND' shows one command; 'cunwu help config' the settings.\n");
}

static void print_config_help(void)
{
	size_t n;
	const struct cfg_def *d = config_defs(&n);
	printf("settings (defaults < config file < environment < --set/flags):\n\n");
	for (size_t i = 0; i < n; i++)
		printf("  %-32s %-28s default '%s'\n      %s\n", d[i].name, d[i].env, d[i].def,
		       d[i].help);
}

/* Find the command named by argv[0] (and argv[1] for two-word names). */
static const struct command *find_command(int argc, char **argv, int *used)
{
	for (size_t t = 0; t < COUNT(command_tables); t++)
		for (size_t i = 0; i < command_tables[t]->n; i++) {
			const struct command *c = &command_tables[t]->cmds[i];
			const char *sp = strchr(c->name, ' ');
			if (!sp && argc >= 1 && !strcmp(c->name, argv[0])) {
				*used = 1;
				return c;
			}
			if (sp && argc >= 2 && !strncmp(c->name, argv[0], (size_t)(sp - c->name)) &&
			    strlen(argv[0]) == (size_t)(sp - c->name) && !strcmp(sp + 1, argv[1])) {
				*used = 2;
				return c;
			}
		}
	return NULL;
}

/* 1 if argv[0] starts some two-word command ("user", "audit", ...) */
static int is_group(const char *word)
{
	size_t n = strlen(word);
	for (size_t t = 0; t < COUNT(command_tables); t++)
		for (size_t i = 0; i < command_tables[t]->n; i++) {
			const char *name = command_tables[t]->cmds[i].name;
			if (!strncmp(name, word, n) && name[n] == ' ')
				return 1;
		}
	return 0;
}

static void print_group(const char *word)
{
	size_t n = strlen(word);
	fprintf(stderr, "usage:\n");
	for (size_t t = 0; t < COUNT(command_tables); t++)
		for (size_t i = 0; i < command_tables[t]->n; i++) {
			const struct command *c = &command_tables[t]->cmds[i];
			if (!strncmp(c->name, word, n) && c->name[n] == ' ')
				fprintf(stderr, "  cunwu %s\n", c->usage);
		}
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 0) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "config")) {
		print_config_help();
		return 0;
	}
	int used;
	const struct command *c = find_command(argc, argv, &used);
	if (!c) {
		if (is_group(argv[0])) {
			print_group(argv[0]);
			return 0;
		}
		fprintf(stderr, "cunwu: no command '%s'\n", argv[0]);
		return 2;
	}
	printf("usage: cunwu %s\n\n%s\n", c->usage, c->summary);
	return 0;
}

/* Take the global options out of argv, in place; apply them after file and env. */
struct globals {
	const char *db, *config, *log_level;
	const char *sets[32];
	int nsets;
};

static int take_globals(int *argc, char **argv, struct globals *g, struct err *e)
{
	int out = 0;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char **slot = NULL;
		static const char *const names[] = { "--db", "--config", "--log-level", "--set" };
		int which = -1;
		for (int k = 0; k < 4; k++) {
			size_t n = strlen(names[k]);
			if (!strncmp(a, names[k], n) && (a[n] == '\0' || a[n] == '=')) {
				which = k;
				v = a[n] == '=' ? a + n + 1 : NULL;
				break;
			}
		}
		if (which < 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (!v) {
			if (i + 1 >= *argc)
				return cli_usage(e, "%s needs a value", names[which]);
			v = argv[++i];
		}
		switch (which) {
		case 0:
			slot = &g->db;
			break;
		case 1:
			slot = &g->config;
			break;
		case 2:
			slot = &g->log_level;
			break;
		default:
			if (g->nsets == 32)
				return cli_usage(e, "too many --set options");
			g->sets[g->nsets++] = v;
		}
		if (slot)
			*slot = v;
	}
	*argc = out;
	return 0;
}

static int apply_config(const struct globals *g, struct err *e)
{
	const char *file = g->config ? g->config : getenv("CUNWU_CONFIG");
	if (config_load_file(file ? file : "cunwu.conf", file != NULL, e) || config_load_env(e))
		return -1;
	for (int i = 0; i < g->nsets; i++) {
		const char *eq = strchr(g->sets[i], '=');
		if (!eq)
			return cli_usage(e, "--set wants NAME=VALUE, not '%s'", g->sets[i]);
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)(eq - g->sets[i]), g->sets[i]);
		if (config_set(name, eq + 1, "flag --set", e))
			return -1;
	}
	if (g->db && config_set("db", g->db, "flag --db", e))
		return -1;
	if (g->log_level && config_set("log.level", g->log_level, "flag --log-level", e))
		return -1;
	int level = log_level_parse(config_str("log.level"));
	if (level < 0)
		return err_invalid(e, "config.invalid", "log.level",
		                   "log.level must be debug, info, warn, error or off");
	log_set_level((enum log_level)level);
	return 0;
}

static int run(const struct command *cmd, int argc, char **argv, struct err *e)
{
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.argc = argc;
	c.argv = argv;
	c.cmd = cmd;
	c.db_url = config_str("db");
	arena_init(&c.arena, 0);
	const struct passwd *pw = getpwuid(getuid());
	c.actor.kind = "cli";
	c.actor.name = arena_printf(&c.arena, "cli:%s", pw ? pw->pw_name : "unknown");
	int rc = 0;
	if (cmd->flags & NEED_DB) {
		int create = (cmd->flags & OPEN_ONLY) != 0;
		rc = db_open(&c.db, c.db_url, create, e);
		if (!rc) {
			db_set_arena(c.db, &c.arena);
			if (!(cmd->flags & OPEN_ONLY))
				rc = db_schema_check(c.db, e);
		}
	}
	if (!rc)
		rc = cmd->fn(&c, e);
	if (c.db)
		db_close(c.db);
	arena_release(&c.arena);
	return rc;
}

/* libsodium, the database layer, the settings, the routes and every module's jobs and tiles:
 * what a command or the server needs first (bench/inproc.c too); -1 if libsodium fails */
static int start_up(void)
{
	if (sodium_init() < 0)
		return -1;
	db_global_init();
	config_init();
	auth_init();
	for (size_t i = 0; i < COUNT(route_tables); i++)
		http_add_routes(route_tables[i]);
	for (size_t i = 0; i < COUNT(registrations); i++)
		registrations[i]();
	return 0;
}

int main(int argc, char **argv)
{
	struct err e;
	err_clear(&e);
	/* hidden: the .xls reader's child process (src/tabular/xls.c), before any setup */
	if (argc > 1 && !strcmp(argv[1], "internal"))
		return tab_xls_child(argc - 1, argv + 1);
	if (start_up()) {
		fprintf(stderr, "cunwu: libsodium failed to start\n");
		return 1;
	}

	argc--;
	argv++;
	struct globals g;
	memset(&g, 0, sizeof(g));
	int rc = take_globals(&argc, argv, &g, &e) || apply_config(&g, &e);
	if (rc) {
		fprintf(stderr, "cunwu: %s\n", e.msg);
		config_free();
		return e.status == 2 ? 2 : 1;
	}
	if (argc == 0) {
		print_usage(stderr);
		config_free();
		return 2;
	}
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		rc = cmd_help(argc - 1, argv + 1);
		config_free();
		return rc;
	}
	if (!strcmp(argv[0], "--version")) {
		printf("cunwu %s\n", CUNWU_VERSION);
		config_free();
		return 0;
	}
	int used = 0;
	const struct command *cmd = find_command(argc, argv, &used);
	if (!cmd) {
		if (is_group(argv[0])) {
			fprintf(stderr, "cunwu: '%s' needs a subcommand%s%s\n", argv[0],
			        argc > 1 ? ", not " : "", argc > 1 ? argv[1] : "");
			print_group(argv[0]);
		} else {
			fprintf(stderr, "cunwu: no command '%s'\n\n", argv[0]);
			print_usage(stderr);
		}
		config_free();
		return 2;
	}
	rc = run(cmd, argc - used, argv + used, &e);
	if (rc) {
		if (e.status == 2) {
			fprintf(stderr, "cunwu %s: %s\nusage: cunwu %s\n", cmd->name, e.msg,
			        cmd->usage);
		} else if (e.status != 1 || strcmp(e.code, "audit.broken")) {
			fprintf(stderr, "cunwu %s: %s%s%s%s\n", cmd->name, e.msg,
			        e.field[0] ? " (" : "", e.field, e.field[0] ? ")" : "");
		}
		rc = e.status == 2 ? 2 : 1;
	}
	config_free();
	return rc;
}
