/* cli.c - argument helpers for commands; see cli.h. The command table is in main.c. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

const char *cli_opt(struct cli *c, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < c->argc; i++) {
		char *a = c->argv[i];
		if (!a)
			continue;
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, name, n) && a[n] == '=') {
			c->argv[i] = NULL;
			return a + n + 1;
		}
		if (!strcmp(a, name) && i + 1 < c->argc && c->argv[i + 1]) {
			const char *v = c->argv[i + 1];
			c->argv[i] = c->argv[i + 1] = NULL;
			return v;
		}
	}
	return NULL;
}

int cli_flag(struct cli *c, const char *name)
{
	for (int i = 0; i < c->argc; i++) {
		if (!c->argv[i])
			continue;
		if (!strcmp(c->argv[i], "--"))
			break;
		if (!strcmp(c->argv[i], name)) {
			c->argv[i] = NULL;
			return 1;
		}
	}
	return 0;
}

const char *cli_arg(struct cli *c, const char *what, int required, struct err *e)
{
	for (int i = 0; i < c->argc; i++) {
		char *a = c->argv[i];
		if (!a)
			continue;
		if (!strcmp(a, "--")) {
			c->argv[i] = NULL;
			continue;
		}
		if (a[0] == '-' && a[1])
			break;
		c->argv[i] = NULL;
		return a;
	}
	if (required)
		cli_usage(e, "missing %s", what);
	return NULL;
}

int cli_end(struct cli *c, struct err *e)
{
	for (int i = 0; i < c->argc; i++)
		if (c->argv[i]) {
			if (c->argv[i][0] == '-')
				return cli_usage(e, "unknown option '%s'", c->argv[i]);
			return cli_usage(e, "unexpected argument '%s'", c->argv[i]);
		}
	return 0;
}

int cli_usage(struct err *e, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->status = 2;
	snprintf(e->code, sizeof(e->code), "cli.usage");
	e->field[0] = '\0';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cli_read_secret(struct arena *a, const char **out, struct err *e)
{
	char buf[512];
	if (!fgets(buf, sizeof(buf), stdin))
		return cli_usage(e, "expected the password on standard input");
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	*out = arena_strdup(a, buf);
	return 0;
}

int cli_commit(struct cli *c, int rc, struct err *e)
{
	if (rc) {
		db_rollback(c->db);
		return -1;
	}
	return db_commit(c->db, e);
}
