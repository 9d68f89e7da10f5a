/*
 * export_cli.c - `cunwu export …`: the exports and template fills of the API, run in-process
 * by the operator of the database: the same route handlers over a request without a
 * connection (its query given as pairs), as a caller reading people and duties everywhere
 * (masked: an unmasked export is the API's, with its permission and audit). Template
 * uploads are audited with the CLI's actor.
 */
#include "tabular.h"

#include <stdio.h>
#include <string.h>

#include "duties/duties.h"
#include "people/people.h"
#include "places/places.h"
#include "core/auth.h"
#include "core/http.h"
#include "core/banned.h"

/* the route of a table answering method path */
static const struct route *route_of(const char *method, const char *path)
{
	const struct route_table *tables[] = { &people_routes, &duties_routes,
		                               &tabular_export_routes };
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			if (!strcmp(tables[t]->routes[i].method, method) &&
			    !strcmp(tables[t]->routes[i].path, path))
				return &tables[t]->routes[i];
	return NULL;
}

/*
 * Run the GET route at path over the query (pairs, NULL-ended), id its :id (or NULL), and
 * save its answer to out. The caller reads people (with every restricted tag) and duties
 * everywhere.
 */
static int run_get(struct cli *c, const char *path, const char *id, const char *const *query,
                   const char *out, struct err *e)
{
	static const char *perms[] = { "people.read", "duties.read", "people.tags.justice",
		                       "people.tags.health" };
	struct grant g = { .place_path = "/",
		           .perms = perms,
		           .nperms = sizeof(perms) / sizeof(perms[0]) };
	struct principal who = { .login = "cli", .name = "cli", .kind = "cli" };
	who.grants = &g;
	who.ngrants = 1;
	struct req r;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	r.db = c->db;
	r.method = "GET";
	r.path = path;
	r.query = query;
	r.who = &who;
	r.file_fd = -1;
	strbuf_init(&r.out, &r.arena, 0);
	if (id) {
		r.param_names[0] = "id";
		r.param_values[0] = id;
		r.nparams = 1;
	}
	const struct route *rt = route_of("GET", path);
	r.route = rt;
	int rc = -1;
	if (!rt)
		err_internal(e, "no route %s", path);
	else if (!db_begin(c->db, DB_READ, e)) {
		rc = rt->fn(&r, e);
		db_rollback(c->db);
		if (!rc)
			rc = tab_answer_save(&r, out, e);
	}
	if (!rc)
		printf("written: %s\n", out);
	arena_release(&r.arena);
	return rc;
}

/* the place --place names, or 404 */
static int place_arg(struct cli *c, const char *ref, struct place *p, struct err *e)
{
	if (!ref)
		return cli_usage(e, "--place is required");
	return places_find(c->db, ref, "place", p, e);
}

/* cunwu export people|households|orgs|roster --place REF [--tag T] [--status S]
 * [--format xlsx|csv] [-o FILE] */
static int cmd_export(struct cli *c, struct err *e)
{
	const char *what = cli_arg(c, "what to export (people, households, orgs, roster)", 1, e);
	if (!what)
		return -1;
	const char *ref = cli_opt(c, "--place"), *tag = cli_opt(c, "--tag"),
	           *status = cli_opt(c, "--status"), *format = cli_opt(c, "--format"),
	           *out = cli_opt(c, "-o");
	if (!out)
		out = cli_opt(c, "--out");
	if (cli_end(c, e))
		return -1;
	const char *path = !strcmp(what, "people")       ? "/api/v1/people/export"
	                   : !strcmp(what, "households") ? "/api/v1/households/export"
	                   : !strcmp(what, "orgs")       ? "/api/v1/orgs/export"
	                   : !strcmp(what, "roster")     ? "/api/v1/duties/roster/export"
	                                                 : NULL;
	if (!path)
		return cli_usage(e, "export people, households, orgs or roster, not '%s'", what);
	enum tab_out fmt;
	struct place p;
	if (tab_out_format(format, &fmt, e) || place_arg(c, ref, &p, e))
		return -1;
	if (!out)
		out = arena_printf(&c->arena, "%s.%s", what, fmt == TAB_OUT_CSV ? "csv" : "xlsx");
	const char *q[12] = { "place", p.id, "format", fmt == TAB_OUT_CSV ? "csv" : "xlsx" };
	int n = 4;
	if (tag) {
		q[n++] = "tag";
		q[n++] = tag;
	}
	if (status) {
		q[n++] = "status";
		q[n++] = status;
	}
	return run_get(c, path, NULL, q, out, e);
}

/* cunwu export template add FILE --name NAME --place REF [--bind JSON] */
static int cmd_template_add(struct cli *c, struct err *e)
{
	const char *file = cli_arg(c, "the template (.xlsx)", 1, e);
	if (!file)
		return -1;
	const char *name = cli_opt(c, "--name"), *ref = cli_opt(c, "--place"),
	           *bind = cli_opt(c, "--bind");
	if (cli_end(c, e))
		return -1;
	if (!name)
		return cli_usage(e, "--name is required");
	struct place p;
	if (place_arg(c, ref, &p, e) || db_begin(c->db, DB_WRITE, e))
		return -1;
	const char *id;
	int rc = tab_template_add_file(c->db, &c->arena, &c->actor, file, name, p.id, bind, &id, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("template %s added: %s\n", id, name);
	return 0;
}

/* cunwu export template list: the active templates, each with its columns' fields */
static int cmd_template_list(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	struct db_stmt *st =
	    db_query(c->db, e,
	             "SELECT id, region, name, kind, columns FROM export_templates "
	             "WHERE status = 'active' ORDER BY region, name, id",
	             DB_NOARGS);
	if (!st)
		return -1;
	int rc, n = 0;
	while ((rc = db_step(st, e)) == 1) {
		printf("%s  %s  %s  %s\n  %s\n", db_text(st, 0), db_text(st, 1), db_text(st, 3),
		       db_text(st, 2), db_text(st, 4));
		n++;
	}
	if (rc < 0)
		return -1;
	printf("%d template%s\n", n, n == 1 ? "" : "s");
	return 0;
}

/* cunwu export fill TEMPLATE --place REF [--month YYYY-MM] [-o FILE] */
static int cmd_fill(struct cli *c, struct err *e)
{
	const char *id = cli_arg(c, "the template's id", 1, e);
	if (!id)
		return -1;
	const char *ref = cli_opt(c, "--place"), *month = cli_opt(c, "--month"),
	           *out = cli_opt(c, "-o");
	if (!out)
		out = cli_opt(c, "--out");
	if (cli_end(c, e))
		return -1;
	struct place p;
	if (place_arg(c, ref, &p, e))
		return -1;
	const char *q[6] = { "place", p.id };
	if (month) {
		q[2] = "month";
		q[3] = month;
	}
	return run_get(c, "/api/v1/export-templates/:id/fill", id, q,
	               out ? out : arena_printf(&c->arena, "form-%s.xlsx", p.id), e);
}

/* cunwu export template add|list … */
static int cmd_template(struct cli *c, struct err *e)
{
	const char *sub = cli_arg(c, "add or list", 1, e);
	if (!sub)
		return -1;
	if (!strcmp(sub, "add"))
		return cmd_template_add(c, e);
	if (!strcmp(sub, "list"))
		return cmd_template_list(c, e);
	return cli_usage(e, "export template add or list, not '%s'", sub);
}

static const struct command cmds[] = {
	{ "export template", cmd_template, NEED_DB,
	  "export template add FILE --name NAME --place REF [--bind JSON] | export template list",
	  "add a superior's form (.xlsx) as a template of the place's county — its title and "
	  "header kept, each column bound to a field by its name or by --bind '{\"C\": "
	  "\"id_no\"}' — or list the active ones with their columns' fields" },
	{ "export fill", cmd_fill, NEED_DB,
	  "export fill TEMPLATE --place REF [--month YYYY-MM] [-o FILE]",
	  "fill a template for a place: its people, or one row a village or group counted" },
	{ "export", cmd_export, NEED_DB,
	  "export people|households|orgs|roster --place REF [--tag T] [--status S] [--format "
	  "xlsx|csv] [-o FILE]",
	  "a list as the console exports it (masked): a spreadsheet of the place and under it" },
};

const struct command_table tabular_export_commands = { "tabular", cmds,
	                                               sizeof(cmds) / sizeof(cmds[0]) };
