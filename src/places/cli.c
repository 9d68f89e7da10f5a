/* cli.c - commands of the place trees: the NBS import, places and grids by hand; see
 * places.h. Every change is audited with the CLI's actor (cli:<unix user>). */
#include "places.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/util.h"
#include "core/banned.h"

extern const char cunwu_nbs_shanxi[], cunwu_nbs_shanxi_end[];

const char *places_nbs_shanxi(size_t *len)
{
	*len = (size_t)(cunwu_nbs_shanxi_end - cunwu_nbs_shanxi);
	return cunwu_nbs_shanxi;
}

static char *slurp(struct arena *a, const char *path, size_t max, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_invalid(e, "places.file", "file", "unable to open '%s': %s", path,
		            strerror(errno));
		return NULL;
	}
	struct strbuf sb;
	strbuf_init(&sb, a, max);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, r);
	fclose(f);
	if (sb.err) {
		err_invalid(e, "places.file", "file", "'%s' is over %zu MiB", path, max >> 20);
		return NULL;
	}
	*len = sb.len;
	return sb.buf;
}

static double seconds_since(int64_t t0)
{
	return (double)(time_now_ms() - t0) / 1000.0;
}

/*
 * cunwu places import-nbs [FILE] [--under CODE] (also `places load`): FILE defaults to the
 * built-in Shanxi file. One transaction; one audit row with the counts and the file's hash.
 */
static int cmd_import(struct cli *c, struct err *e)
{
	const char *under = cli_opt(c, "--under");
	const char *file = cli_arg(c, "FILE", 0, e);
	if (cli_end(c, e))
		return -1;
	int64_t t0 = time_now_ms();
	size_t len;
	const char *text =
	    file ? slurp(&c->arena, file, (size_t)256 << 20, &len, e) : places_nbs_shanxi(&len);
	if (!text)
		return -1;
	char sha[65];
	auth_sha256_hex(text, len, sha);
	struct nbs_row *rows;
	size_t n;
	if (places_nbs_parse(&c->arena, text, len, under, &rows, &n, e))
		return -1;
	if (!n)
		return err_invalid(e, "places.none", "under", "no places under '%s' in the file",
		                   under ? under : "");
	struct places_import_opts o = { .under = under, .sha256 = sha, .retire = 1 };
	struct places_import_stats st;
	if (db_begin(c->db, DB_WRITE, e) ||
	    cli_commit(c, places_import(c->db, &c->actor, rows, n, &o, &st, e), e))
		return -1;
	printf("places: %lld rows: %lld created, %lld renamed, %lld retired, %lld restored, "
	       "%lld unchanged%s in %.2f s\n",
	       (long long)st.rows, (long long)st.created, (long long)st.renamed,
	       (long long)st.retired, (long long)st.restored, (long long)st.unchanged,
	       st.filled
	           ? arena_printf(&c->arena, ", %lld NBS names filled in", (long long)st.filled)
	           : "",
	       seconds_since(t0));
	return 0;
}

/* --lat, --lng, --floor, --room, --area, --floors, --basements, --geojson FILE into a. */
static int opt_attrs(struct cli *c, struct place_attrs *a, unsigned *present, struct err *e)
{
	const char *lat = cli_opt(c, "--lat"), *lng = cli_opt(c, "--lng");
	const char *floor = cli_opt(c, "--floor"), *room = cli_opt(c, "--room");
	const char *area = cli_opt(c, "--area"), *geo = cli_opt(c, "--geojson");
	const char *floors = cli_opt(c, "--floors"), *basements = cli_opt(c, "--basements");
	memset(a, 0, sizeof(*a));
	*present = 0;
	if (!lat != !lng)
		return cli_usage(e, "--lat and --lng go together");
	if (lat) {
		if (places_decimal_parse(lat, 7, -900000000, 900000000, &a->lat) ||
		    places_decimal_parse(lng, 7, -1800000000, 1800000000, &a->lng))
			return cli_usage(e, "--lat is degrees within ±90 and --lng within ±180, "
			                    "with at most 7 decimals");
		a->has |= PLACE_LATLNG;
	}
	if (floor) {
		if (parse_i64(floor, -9, 200, &a->floor))
			return cli_usage(e, "--floor is an integer from -9 to 200");
		a->has |= PLACE_FLOOR;
	}
	if (floors) {
		if (parse_i64(floors, 1, 200, &a->floors))
			return cli_usage(e, "--floors is an integer from 1 to 200");
		a->has |= PLACE_FLOORS;
	}
	if (basements) {
		if (parse_i64(basements, 0, 9, &a->basements))
			return cli_usage(e, "--basements is an integer from 0 to 9");
		a->has |= PLACE_BASEMENTS;
	}
	if (room) {
		a->room = room;
		a->has |= PLACE_ROOM;
	}
	if (area) {
		if (places_decimal_parse(area, 2, 1, 100000000, &a->area))
			return cli_usage(e, "--area is m² more than 0, with at most two decimals");
		a->has |= PLACE_AREA;
	}
	if (geo) {
		size_t len;
		const char *text = slurp(&c->arena, geo, (size_t)4 << 20, &len, e);
		if (!text || places_geojson_parse(&c->arena, text, len, &a->geojson, e))
			return -1;
		a->has |= PLACE_GEOJSON;
	}
	*present = a->has;
	return 0;
}

/* Make name under parent (kind NULL: a grid, or a micro-grid under a grid); print its id. */
static int add(struct cli *c, const char *parent, const char *kind, const char *name,
               const struct place_attrs *a, struct err *e)
{
	struct place p;
	const char *id;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, parent, "parent_id", &p, e);
	if (!rc && !kind)
		kind = !strcmp(p.kind, "grid") ? "micro_grid" : "grid";
	rc = rc || places_create(c->db, &c->actor, p.id, kind, name, a, &id, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s\n", id);
	return 0;
}

/* cunwu places add --parent PLACE --kind K --name N [--lat D --lng D] [--floor N] ... */
static int cmd_add(struct cli *c, struct err *e)
{
	const char *parent = cli_opt(c, "--parent"), *kind = cli_opt(c, "--kind");
	const char *name = cli_opt(c, "--name");
	struct place_attrs a;
	unsigned present;
	if (opt_attrs(c, &a, &present, e) || cli_end(c, e))
		return -1;
	if (!parent || !kind || !name)
		return cli_usage(e, "--parent, --kind and --name are required");
	return add(c, parent, kind, name, &a, e);
}

/* cunwu grid add --parent PLACE --name N: a grid under a village or community, a micro-grid
 * under a grid */
static int cmd_grid_add(struct cli *c, struct err *e)
{
	const char *parent = cli_opt(c, "--parent"), *name = cli_opt(c, "--name");
	if (cli_end(c, e))
		return -1;
	if (!parent || !name)
		return cli_usage(e, "--parent and --name are required");
	return add(c, parent, NULL, name, NULL, e);
}

/* cunwu places rename PLACE NAME */
static int cmd_rename(struct cli *c, struct err *e)
{
	const char *ref = cli_arg(c, "ID", 1, e);
	const char *name = ref ? cli_arg(c, "NAME", 1, e) : NULL;
	if (!name || cli_end(c, e))
		return -1;
	struct place p;
	struct place_edit ed = { .set = PLACE_NAME, .name = name };
	int changed = 0;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, ref, NULL, &p, e) ||
	         places_edit(c->db, &c->actor, p.id, &ed, -1, &changed, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s %s\n", p.id, changed ? "renamed" : "unchanged");
	return 0;
}

/* cunwu places move PLACE --parent PLACE */
static int cmd_move(struct cli *c, struct err *e)
{
	const char *parent = cli_opt(c, "--parent");
	const char *ref = cli_arg(c, "ID", 1, e);
	if (!ref || cli_end(c, e))
		return -1;
	if (!parent)
		return cli_usage(e, "--parent is required");
	struct place p, np;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, ref, NULL, &p, e) ||
	         places_find(c->db, parent, "parent_id", &np, e) ||
	         places_move(c->db, &c->actor, p.id, np.id, e);
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s moved under %s\n", p.id, np.id);
	return 0;
}

/* cunwu places retire ID, cunwu places restore ID */
static int status_cmd(struct cli *c, int retire, struct err *e)
{
	const char *ref = cli_arg(c, "ID", 1, e);
	if (!ref || cli_end(c, e))
		return -1;
	struct place p;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, ref, NULL, &p, e) ||
	         (retire ? places_retire(c->db, &c->actor, p.id, e)
	                 : places_restore(c->db, &c->actor, p.id, e));
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s %s\n", p.id, retire ? "retired" : "restored");
	return 0;
}

static int cmd_retire(struct cli *c, struct err *e)
{
	return status_cmd(c, 1, e);
}

static int cmd_restore(struct cli *c, struct err *e)
{
	return status_cmd(c, 0, e);
}

/* cunwu grid cover GRID PLACE..., cunwu grid uncover GRID PLACE... */
static int cover_cmd(struct cli *c, int cover, struct err *e)
{
	const char *gref = cli_arg(c, "GRID", 1, e);
	if (!gref)
		return -1;
	const char *refs[64];
	int n = 0;
	while (n < 64 && (refs[n] = cli_arg(c, "PLACE", n == 0, e)))
		n++;
	if (!n || cli_end(c, e))
		return -1;
	struct place g, p;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_find(c->db, gref, "grid_id", &g, e);
	for (int i = 0; !rc && i < n; i++)
		rc = places_find(c->db, refs[i], "place_ids", &p, e) ||
		     (cover ? places_cover(c->db, &c->actor, g.id, p.id, e)
		            : places_uncover(c->db, &c->actor, g.id, p.id, e));
	if (cli_commit(c, rc, e))
		return -1;
	printf("%s: %d place%s %s\n", g.id, n, n == 1 ? "" : "s", cover ? "covered" : "uncovered");
	return 0;
}

static int cmd_cover(struct cli *c, struct err *e)
{
	return cover_cmd(c, 1, e);
}

static int cmd_uncover(struct cli *c, struct err *e)
{
	return cover_cmd(c, 0, e);
}

/* cunwu places list [PLACE] [--depth N] [--all]: the tree under PLACE (by default every
 * root, down to its villages and communities), a place a line, indented: name, kind, id */
static int cmd_list(struct cli *c, struct err *e)
{
	const char *ref = cli_arg(c, "PLACE", 0, e), *depth = cli_opt(c, "--depth");
	int all = cli_flag(c, "--all");
	int64_t levels = 0;
	if (cli_end(c, e))
		return -1;
	if (depth && parse_i64(depth, 0, 100, &levels))
		return cli_usage(e, "--depth takes a number from 0 to 100, not '%s'", depth);
	struct place p = { .path = "/" };
	if (ref && places_find(c->db, ref, "place", &p, e))
		return -1;
	/* by default a place's children and grandchildren; without one, every root down to
	 * the villages (depth 4) */
	int64_t top = ref ? p.depth : 0, below = depth ? levels : ref ? 2 : 4;
	struct db_stmt *st = db_query(
	    c->db, e,
	    "SELECT id, name, kind, depth, status FROM places WHERE path >= ? AND path < ? "
	    "AND depth <= ? AND (? = 1 OR status = 'active') ORDER BY path",
	    DB_T(p.path), DB_T(arena_printf(&c->arena, "%s~", p.path)), DB_I(top + below),
	    DB_I(all));
	int rc, n = 0;
	while (st && (rc = db_step(st, e)) == 1) {
		const struct place_kind *k = places_kind(db_text(st, 2));
		int indent = 2 * (int)(db_int(st, 3) - top);
		printf("%*s%s  %s  %s%s\n", indent, "", db_text(st, 1),
		       k ? k->label : db_text(st, 2), db_text(st, 0),
		       strcmp(db_text(st, 4), "active") ? "  (retired)" : "");
		n++;
	}
	if (!st || rc < 0)
		return -1;
	if (!n)
		fprintf(stderr, "no places: load a town first (cunwu places import-nbs)\n");
	return 0;
}

static const struct command cmds[] = {
	{ "places import-nbs", cmd_import, NEED_DB, "places import-nbs [FILE] [--under CODE]",
	  "import an NBS release of division codes: create, rename, retire (default: the "
	  "built-in Shanxi file)" },
	{ "places load", cmd_import, NEED_DB, "places load [FILE] [--under CODE]",
	  "the same as 'places import-nbs'" },
	{ "places list", cmd_list, NEED_DB, "places list [PLACE] [--depth N] [--all]",
	  "the tree of places under PLACE (a name, code or id; by default down to the villages), "
	  "a place a line with its kind and id; --all: retired ones too" },
	{ "places add", cmd_add, NEED_DB,
	  "places add --parent PLACE --kind KIND --name NAME [--lat DEG --lng DEG] [--geojson "
	  "FILE] "
	  "[--floor N] [--room R] [--area M2] [--floors N] [--basements N]",
	  "add a place (a compound, building, unit, dwelling, natural village, group …)" },
	{ "places rename", cmd_rename, NEED_DB, "places rename PLACE NAME", "rename a place" },
	{ "places move", cmd_move, NEED_DB, "places move PLACE --parent PLACE",
	  "move a place and its subtree under another parent" },
	{ "places retire", cmd_retire, NEED_DB, "places retire PLACE", "retire a place" },
	{ "places restore", cmd_restore, NEED_DB, "places restore ID", "restore a retired place" },
	{ "grid add", cmd_grid_add, NEED_DB, "grid add --parent PLACE --name NAME",
	  "add a grid under a village or community, or a micro-grid under a grid" },
	{ "grid cover", cmd_cover, NEED_DB, "grid cover GRID PLACE...",
	  "make a grid cover physical places" },
	{ "grid uncover", cmd_uncover, NEED_DB, "grid uncover GRID PLACE...",
	  "stop a grid covering places" },
};

const struct command_table places_commands = { "places", cmds, sizeof(cmds) / sizeof(cmds[0]) };
