/* cli.c - commands of the place tree; see places.h. */
#include "places.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

extern const char cunwu_nbs_shanxi[], cunwu_nbs_shanxi_end[];

const char *places_nbs_shanxi(size_t *len)
{
	*len = (size_t)(cunwu_nbs_shanxi_end - cunwu_nbs_shanxi);
	return cunwu_nbs_shanxi;
}

static char *slurp(struct arena *a, const char *path, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_invalid(e, "places.file", "file", "unable to open '%s': %s", path,
		            strerror(errno));
		return NULL;
	}
	struct strbuf sb;
	strbuf_init(&sb, a, (size_t)256 << 20);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, r);
	fclose(f);
	if (sb.err) {
		err_invalid(e, "places.file", "file", "'%s' is over 256 MiB", path);
		return NULL;
	}
	*len = sb.len;
	return sb.buf;
}

/* cunwu places load [FILE] [--under CODE]: FILE defaults to the built-in Shanxi file */
static int cmd_load(struct cli *c, struct err *e)
{
	const char *under = cli_opt(c, "--under");
	const char *file = cli_arg(c, "FILE", 0, e);
	if (cli_end(c, e))
		return -1;
	size_t len;
	const char *text = file ? slurp(&c->arena, file, &len, e) : places_nbs_shanxi(&len);
	if (!text)
		return -1;
	struct nbs_row *rows;
	size_t n;
	if (places_nbs_parse(&c->arena, text, len, under, &rows, &n, e))
		return -1;
	if (!n)
		return err_invalid(e, "places.none", "under", "no places under '%s' in the file",
		                   under ? under : "");
	int64_t added;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	if (cli_commit(c, places_load(c->db, &c->actor, rows, n, &added, e), e))
		return -1;
	printf("places: %lld added, %lld already present\n", (long long)added,
	       (long long)((int64_t)n - added));
	return 0;
}

static const struct command cmds[] = {
	{ "places load", cmd_load, NEED_DB, "places load [FILE] [--under CODE]",
	  "load NBS division codes (default: the built-in Shanxi file)" },
};

const struct command_table places_commands = { "places", cmds, sizeof(cmds) / sizeof(cmds[0]) };
