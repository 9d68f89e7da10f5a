/* cli.c - commands of duties: list, add, end; see duties.h. Every change is audited with
 * the CLI's actor (cli:<unix user>). */
#include "duties.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "people/people.h"
#include "places/places.h"
#include "core/banned.h"

/* cunwu duty list --place PLACE [--all]: the duties at the place and under it, today's or all */
static int cmd_list(struct cli *c, struct err *e)
{
	const char *ref = cli_opt(c, "--place");
	int all = cli_flag(c, "--all");
	if (cli_end(c, e))
		return -1;
	if (!ref)
		return cli_usage(e, "--place is required");
	struct place p;
	char today[11];
	people_today(today);
	if (places_find(c->db, ref, "place_id", &p, e))
		return -1;
	struct db_stmt *st = db_query(
	    c->db, e,
	    "SELECT d.id, d.role, p.name, d.holder_name, d.from_date, d.to_date FROM duties d "
	    "JOIN places p ON p.id = d.place_id WHERE ((p.path >= ? AND p.path < ?) OR (p.gpath "
	    ">= ? AND p.gpath < ?)) AND (? = 1 OR (d.from_date <= ? AND (d.to_date IS NULL OR "
	    "d.to_date >= ?))) ORDER BY p.path, d.role, d.from_date",
	    DB_T(p.path), DB_T(arena_printf(&c->arena, "%s~", p.path)), DB_T(p.path),
	    DB_T(arena_printf(&c->arena, "%s~", p.path)), DB_I(all), DB_T(today), DB_T(today));
	if (!st)
		return -1;
	int rc, n = 0;
	while ((rc = db_step(st, e)) == 1) {
		const struct duty_role *role = duties_role(db_text(st, 1));
		printf("%s  %s  %s  %s  %s..%s\n", db_text(st, 0),
		       role ? role->name : db_text(st, 1), db_text(st, 2), db_text(st, 3),
		       db_text(st, 4), db_text(st, 5) ? db_text(st, 5) : "");
		n++;
	}
	if (rc < 0)
		return -1;
	printf("%d dut%s\n", n, n == 1 ? "y" : "ies");
	return 0;
}

/* cunwu duty add --place PLACE --role R (--user LOGIN | --person ID) --from DATE [--to DATE]
 * [--note TEXT] */
static int cmd_add(struct cli *c, struct err *e)
{
	const char *ref = cli_opt(c, "--place"), *login = cli_opt(c, "--user");
	struct duty_in in = { 0 };
	in.role = cli_opt(c, "--role");
	in.person_id = cli_opt(c, "--person");
	in.from_date = cli_opt(c, "--from");
	in.to_date = cli_opt(c, "--to");
	in.note = cli_opt(c, "--note");
	if (cli_end(c, e))
		return -1;
	if (!ref || !in.role || !in.from_date || (!login && !in.person_id))
		return cli_usage(e, "--place, --role, --from and --user or --person are required");
	struct place p;
	struct user u;
	const char *id;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, ref, "place_id", &p, e);
	if (!rc && login) {
		int found = accounts_user_by_login(c->db, login, &u, NULL, e);
		rc = found < 0 ? -1
		     : !found  ? err_invalid(e, "duties.user_not_found", "user_login",
		                             "no account '%s'", login)
		               : 0;
		in.user_id = rc ? NULL : u.id;
	}
	in.place_id = p.id;
	rc = rc || duties_create(c->db, &c->actor, &in, &id, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s\n", id);
	return 0;
}

/* cunwu duty end ID --to DATE */
static int cmd_end(struct cli *c, struct err *e)
{
	const char *to = cli_opt(c, "--to");
	const char *id = cli_arg(c, "ID", 1, e);
	if (!id || cli_end(c, e))
		return -1;
	if (!to)
		return cli_usage(e, "--to is required");
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	if (cli_commit(c, duties_end(c->db, &c->actor, id, to, e), e))
		return -1;
	printf("%s ended on %s\n", id, to);
	return 0;
}

static const struct command cmds[] = {
	{ "duty list", cmd_list, NEED_DB, "duty list --place PLACE [--all]",
	  "the duties holding today at a place and under it (--all: every one, ended too)" },
	{ "duty add", cmd_add, NEED_DB,
	  "duty add --place PLACE --role ROLE (--user LOGIN | --person ID) --from DATE [--to DATE] "
	  "[--note TEXT]",
	  "give a duty (村党支部书记, 片长, 组长, 网格员, 楼栋长 …) over a place" },
	{ "duty end", cmd_end, NEED_DB, "duty end ID --to DATE",
	  "end a duty on a date (inclusive)" },
};

const struct command_table duties_commands = { "duties", cmds, sizeof(cmds) / sizeof(cmds[0]) };
