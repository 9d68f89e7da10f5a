/* cli.c - commands of requests: escalate now, the category tree; see requests.h. Changes
 * are audited with the CLI's actor (cli:<unix user>). The 12345 import is next
 * (docs/internals/requests.md). */
#include "requests.h"

#include <stdio.h>

#include "core/util.h"
#include "core/banned.h"

/* cunwu request escalate: what the requests.escalate job does, now (after an outage, or to
 * check a deadline); opens its own transaction */
static int cmd_escalate(struct cli *c, struct err *e)
{
	int64_t n;
	if (cli_end(c, e) || requests_escalate(c->db, &c->actor, time_now_ms(), &n, e))
		return -1;
	printf("%lld request%s escalated\n", (long long)n, n == 1 ? "" : "s");
	return 0;
}

/* cunwu request categories: the tree, with deadlines and the duty role */
static int cmd_categories(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	struct db_stmt *st = db_query(
	    c->db, e,
	    "SELECT c.id, c.name, c.response_hours, c.resolution_hours, c.duty_role, c.parent_id "
	    "FROM request_categories c LEFT JOIN request_categories pc ON pc.id = c.parent_id "
	    "WHERE c.active = 1 ORDER BY coalesce(pc.sort, c.sort), c.parent_id IS NOT NULL, "
	    "c.sort, c.id",
	    DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1)
		printf("%s%-22s %s  %lldh / %lldh  %s\n", db_text(st, 5) ? "  " : "",
		       db_text(st, 0), db_text(st, 1), (long long)db_int(st, 2),
		       (long long)db_int(st, 3), db_text(st, 4));
	return rc < 0 ? -1 : 0;
}

static const struct command cmds[] = {
	{ "request escalate", cmd_escalate, NEED_DB, "request escalate",
	  "escalate the requests whose deadlines have passed, now (the job does it every 5 "
	  "minutes)" },
	{ "request categories", cmd_categories, NEED_DB, "request categories",
	  "the request categories: deadlines (response / resolution) and the duty role" },
};

const struct command_table requests_commands = { "requests", cmds, sizeof(cmds) / sizeof(cmds[0]) };
