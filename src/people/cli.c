/* cli.c - commands and jobs of people: deriving the rule tags now or daily. */
#include "people.h"

#include <stdio.h>
#include <string.h>

#include "core/jobs.h"
#include "places/places.h"
#include "core/banned.h"

/* the daily job: ages move on (高龄, minors), so every rule tag is derived again */
static int job_tags(struct job_ctx *j, struct err *e)
{
	char today[11];
	people_today(today);
	int64_t changed;
	if (db_begin(j->db, DB_WRITE, e) ||
	    people_derive_tags(j->db, NULL, NULL, today, &changed, e))
		return -1;
	if (db_commit(j->db, e))
		return -1;
	strbuf_addf(&j->result, "{\"changed\":%lld}", (long long)changed);
	return 0;
}

static const struct job_kind tags_kind = { "people.tags", job_tags, 86400 };

void people_jobs_register(void)
{
	jobs_register(&tags_kind);
}

/* cunwu people derive-tags [--place PLACE]: derive the rule tags now */
static int cmd_derive(struct cli *c, struct err *e)
{
	const char *ref = cli_opt(c, "--place");
	if (cli_end(c, e))
		return -1;
	struct place p;
	if (ref) {
		int rc = places_resolve(c->db, ref, &p, e);
		if (rc <= 0)
			return rc < 0 ? -1
			              : err_invalid(e, "places.not_found", "place", "no place '%s'",
			                            ref);
	}
	char today[11];
	people_today(today);
	int64_t changed;
	if (db_begin(c->db, DB_WRITE, e) ||
	    cli_commit(c, people_derive_tags(c->db, NULL, ref ? p.path : NULL, today, &changed, e),
	               e))
		return -1;
	printf("people: %lld rule tags added or removed\n", (long long)changed);
	return 0;
}

static const struct command cmds[] = {
	{ "people derive-tags", cmd_derive, NEED_DB, "people derive-tags [--place PLACE]",
	  "derive the rule tags (高龄, 独居老人, minors) now; a job does it daily" },
};

const struct command_table people_commands = { "people", cmds, sizeof(cmds) / sizeof(cmds[0]) };
