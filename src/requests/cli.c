/* cli.c - commands of requests: escalate now, the category tree, the 12345 import, the
 * notices sent now; see requests.h. Changes are audited with the CLI's actor (cli:<unix
 * user>). */
#include "requests.h"

#include <stdio.h>

#include "core/crypt.h"
#include "core/util.h"
#include "notify.h"
#include "places/places.h"
#include "system/system.h"
#include "tabular/tabular.h"
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

static void print_problem(void *ctx, int row, const char *cell, const char *code, const char *msg)
{
	(void)ctx;
	(void)row;
	printf("%-7s %s: %s\n", cell, code, msg);
}

/* cunwu request import FILE --place REF [--sheet N|NAME] [--dry-run]: a 12345 export's work
 * orders as requests under the place; one transaction; problems one a line */
static int cmd_import(struct cli *c, struct err *e)
{
	const char *ref = cli_opt(c, "--place"), *sheet_arg = cli_opt(c, "--sheet");
	int dry = cli_flag(c, "--dry-run");
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	if (!ref)
		return cli_usage(e, "--place is required: the town or village the orders are for");
	/* contacts are sealed with the key */
	if (crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	struct place root;
	if (places_find(c->db, ref, "place", &root, e))
		return -1;
	struct tab_book *b;
	size_t s;
	if (tab_open(&c->arena, file, &b, e) || tab_sheet_pick(b, sheet_arg, &s, e))
		return -1;
	struct requests_import r;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = requests_import(c->db, &c->actor, &c->arena, b, s, &root, dry, print_problem, NULL,
	                         &r, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("place:    %s (%s)\n%lld rows: %lld %s, %lld already there, %lld with problems%s\n",
	       root.name, root.id, (long long)r.rows, (long long)r.created,
	       dry ? "to import" : "imported", (long long)r.existing, (long long)r.bad,
	       dry ? "; nothing written" : "");
	return 0;
}

/* request notify: send the queued notices due now (what the job requests.notify does) */
static int cmd_notify(struct cli *c, struct err *e)
{
	int64_t sent, failed;
	if (cli_end(c, e) || notify_send_due(c->db, time_now_ms(), &sent, &failed, e))
		return -1;
	printf("%lld sent, %lld failed\n", (long long)sent, (long long)failed);
	return 0;
}

static const struct command cmds[] = {
	{ "request escalate", cmd_escalate, NEED_DB, "request escalate",
	  "escalate the requests whose deadlines have passed, now (the job does it every 5 "
	  "minutes)" },
	{ "request import", cmd_import, NEED_DB,
	  "request import FILE --place REF [--sheet N|NAME] [--dry-run]",
	  "import a 12345 hotline export (xlsx, xls, csv) as requests under a place" },
	{ "request categories", cmd_categories, NEED_DB, "request categories",
	  "the request categories: deadlines (response / resolution) and the duty role" },
	{ "request notify", cmd_notify, NEED_DB, "request notify",
	  "send the queued notices (WeCom, DingTalk, SMS) due now (the job does it every 30 "
	  "seconds)" },
};

const struct command_table requests_commands = { "requests", cmds, sizeof(cmds) / sizeof(cmds[0]) };
