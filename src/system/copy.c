/*
 * copy.c - `cunwu copy --from FILE.db --to URL`: move a township's SQLite database into a
 * city database (PostgreSQL, or another cunwu SQLite file), several townships side by side.
 *
 * Every table of the source but schema_migrations, deployment and writer_mark (the last
 * writer's mark, db.c) is copied row by row, a table after the tables its foreign keys name,
 * with INSERT ... ON CONFLICT (primary key)
 * DO NOTHING. Ids are ULIDs or NBS codes, so townships never clash by id, the places both
 * loaded (province, city, county) merge, and a second run adds nothing. A row that clashes
 * on any other unique key stops the copy (409), except users.login, which has its own rule
 * (reported, or renamed "<login>@<town>" with --rename-logins). Audit rows keep their
 * chains ("<region>.<origin of the source>"), so they verify in the target as they did in
 * the source; a chain that forked between the two stops the copy. Everything happens in
 * one write transaction on the target, under one read snapshot of the source; media files
 * (checked against their names) are copied before it commits. See docs/copy.md.
 */
#include "system.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

#define MAX_TABLES 128
#define MAX_COLS   64 /* a row is one statement, a parameter a column (PostgreSQL: 256) */
#define MAX_NOTES  5  /* "other contents" lines printed per table */

struct table {
	const char *name;
	int ncols, npk;
	const char *cols[MAX_COLS];
	int pk[MAX_COLS]; /* column indexes, in primary-key order */
	const char *deps[MAX_TABLES];
	int ndeps;
	const char *self_from, *self_to; /* a one-column foreign key to the table itself */
	int placed;
	int64_t read, added, present, differ, renamed, skipped, advanced;
};

struct copy {
	struct cli *c;
	struct db *src, *dst;
	const char *from;   /* the source's path, for messages */
	const char *origin; /* the source's origin */
	const char *town;   /* the source's one town (9 digits), or NULL */
	const char *region; /* its county, for the copy's own audit row */
	int rename, dry_run, clashes;
	struct arena *row;     /* values of the row in hand */
	struct strbuf renames; /* "id\tlogin\tregion\n" of renamed users, for their audit rows */
	struct strbuf notes;   /* lines printed after the table's own */
	struct table t[MAX_TABLES];
	int nt;
};

static int is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

static const char *sqlite_path(const char *url)
{
	return !strncmp(url, "sqlite:", 7) ? url + 7 : url;
}

/* The URL without its password, to print. */
static const char *redact(struct arena *a, const char *url)
{
	const char *s = strstr(url, "://"), *at, *colon;
	if (!s || !(at = strchr(s + 3, '@')) || !(colon = memchr(s + 3, ':', (size_t)(at - s - 3))))
		return url;
	return arena_printf(a, "%.*s:***%s", (int)(colon - url), url, at);
}

/* Table and column names are written into SQL: accept only names like cunwu's own. */
static int plain_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int col_index(const struct table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return i;
	return -1;
}

/* ---- the source: its tables, their columns and order ---- */

static int read_table(struct copy *k, struct table *t, struct err *e)
{
	struct db_stmt *st = db_query(
	    k->src, e, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", DB_T(t->name));
	if (!st)
		return -1;
	int rc, pkpos[MAX_COLS];
	while ((rc = db_step(st, e)) == 1) {
		const char *name = db_text(st, 0);
		if (t->ncols == MAX_COLS || !plain_name(name)) {
			db_done(st);
			return err_invalid(
			    e, "copy.table", "from",
			    t->ncols == MAX_COLS
			        ? "table %s has more than 64 columns, which copy cannot "
			          "bind (at '%s')"
			        : "table %s: column '%s' is not one cunwu makes",
			    t->name, name);
		}
		pkpos[t->ncols] = (int)db_int(st, 1);
		t->cols[t->ncols++] = name;
	}
	if (rc < 0)
		return -1;
	for (int p = 1; p <= t->ncols; p++)
		for (int i = 0; i < t->ncols; i++)
			if (pkpos[i] == p)
				t->pk[t->npk++] = i;
	if (!t->npk)
		return err_invalid(e, "copy.table", "from",
		                   "table %s has no primary key: copy cannot tell a row already "
		                   "there",
		                   t->name);
	st = db_query(k->src, e,
	              "SELECT \"table\", \"from\", \"to\", id, "
	              "(SELECT count(*) FROM pragma_foreign_key_list(?) g WHERE g.id = f.id) "
	              "FROM pragma_foreign_key_list(?) f",
	              DB_T(t->name), DB_T(t->name));
	if (!st)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		const char *ref = db_text(st, 0);
		if (!strcmp(ref, t->name)) {
			if (db_int(st, 4) == 1) {
				t->self_from = db_text(st, 1);
				t->self_to = db_text(st, 2);
			}
		} else if (t->ndeps < MAX_TABLES) {
			t->deps[t->ndeps++] = ref;
		}
	}
	if (rc < 0)
		return -1;
	if (t->self_from && !t->self_to) /* REFERENCES t without a column: its key */
		t->self_to = t->cols[t->pk[0]];
	if (t->self_from && (!plain_name(t->self_from) || !plain_name(t->self_to)))
		t->self_from = t->self_to = NULL;
	return 0;
}

static int read_tables(struct copy *k, struct err *e)
{
	struct table *found = arena_zalloc(&k->c->arena, MAX_TABLES * sizeof(*found));
	int n = 0;
	/* creation order, which is migration order: the tiebreak below */
	struct db_stmt *st = db_query(
	    k->src, e,
	    "SELECT name FROM sqlite_master WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "AND name NOT IN ('schema_migrations', 'deployment', 'writer_mark') ORDER BY rowid",
	    DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *name = db_text(st, 0);
		if (n == MAX_TABLES || !plain_name(name)) {
			db_done(st);
			return err_invalid(e, "copy.table", "from",
			                   "table '%s' is not one copy can move", name);
		}
		found[n++].name = name;
	}
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (read_table(k, &found[i], e))
			return -1;
	/* a table after every table it refers to (a later migration may rebuild a table, which
	 * moves it to the end of sqlite_master) */
	while (k->nt < n) {
		int pick = -1;
		for (int i = 0; i < n && pick < 0; i++) {
			if (found[i].placed)
				continue;
			int ready = 1;
			for (int d = 0; d < found[i].ndeps && ready; d++)
				for (int j = 0; j < n; j++)
					if (!found[j].placed &&
					    !strcmp(found[j].name, found[i].deps[d]))
						ready = 0;
			if (ready)
				pick = i;
		}
		if (pick < 0)
			return err_invalid(e, "copy.table", "from",
			                   "the source's tables refer to each other in a cycle");
		found[pick].placed = 1;
		k->t[k->nt++] = found[pick];
	}
	return 0;
}

/* The 9-digit town of the source when it has exactly one town (depth 3), else NULL. */
static int read_town(struct copy *k, struct err *e)
{
	struct db_stmt *st =
	    db_query(k->src, e, "SELECT id, region FROM places WHERE depth = 3", DB_NOARGS);
	if (!st)
		return -1;
	int rc, n = 0;
	while ((rc = db_step(st, e)) == 1) {
		if (++n == 1) {
			k->town = arena_strndup(&k->c->arena, db_text(st, 0), 9);
			k->region = db_text(st, 1);
		}
	}
	if (rc < 0)
		return -1;
	if (n != 1)
		k->town = NULL;
	if (n != 1 || !k->region)
		k->region = "000000";
	return 0;
}

/*
 * The town (9 digits) of a user's place: the source's one town; else the town in the
 * place's own path; else (a county account, say) the first 9 digits of its NBS code.
 */
static const char *user_town(struct copy *k, const char *place_id, struct err *e)
{
	if (k->town)
		return k->town;
	const char *path = NULL;
	int rc = db_get_text(k->src, e, &path, "SELECT path FROM places WHERE id = ?",
	                     DB_ARGS(DB_T(place_id)));
	if (rc < 0)
		return NULL;
	/* "/province/city/county/town/...": the fourth component */
	const char *p = rc == 1 ? path : NULL;
	for (int level = 0; level < 3 && p; level++)
		p = strchr(p + 1, '/');
	if (p && strspn(p + 1, "0123456789") == 12)
		return arena_strndup(k->row, p + 1, 9);
	if (strlen(place_id) == 12 && strspn(place_id, "0123456789") == 12)
		return arena_strndup(k->row, place_id, 9);
	err_invalid(e, "copy.login_town", "from",
	            "place %s is in no town: no town to rename its user's login with", place_id);
	return NULL;
}

/* ---- one row ---- */

struct row {
	char type[MAX_COLS];
	const char *val[MAX_COLS]; /* text form, NULL for NULL */
	struct db_arg args[MAX_COLS + 1];
	int skip;
};

/*
 * users.login is unique: a login of the source that the target gives to another user is a
 * clash. Reported (and the copy ends without writing), or renamed "<login>@<town>" with
 * --rename-logins; '@' is outside what a login may hold, so the new one clashes with no
 * login made later.
 */
static int rule_users(struct copy *k, struct table *t, struct row *r, struct err *e)
{
	int ci = col_index(t, "id"), cl = col_index(t, "login"), cp = col_index(t, "place_id");
	if (ci < 0 || cl < 0 || cp < 0 || !r->val[cl])
		return 0;
	const char *id = r->val[ci], *login = r->val[cl], *other = NULL;
	int rc = db_get_text(k->dst, e, &other, "SELECT id FROM users WHERE login = ?",
	                     DB_ARGS(DB_T(login)));
	if (rc < 0)
		return -1;
	if (rc == 0 || !strcmp(other, id))
		return 0;
	int64_t have = 0; /* copied (and renamed) by an earlier run: simply present */
	if (db_get_int(k->dst, e, &have, "SELECT count(*) FROM users WHERE id = ?",
	               DB_ARGS(DB_T(id))) < 0)
		return -1;
	if (have)
		return 0;
	const char *town = user_town(k, r->val[cp], e);
	if (!town)
		return -1;
	const char *renamed = arena_printf(k->row, "%s@%s", login, town);
	if (!k->rename) {
		fprintf(stderr,
		        "copy: login '%s' of %s (user %s) is taken in the target by another user "
		        "(%s); --rename-logins makes it '%s'\n",
		        login, k->from, id, other, renamed);
		k->clashes++;
		r->skip = 1;
		return 0;
	}
	if (strlen(renamed) > 64)
		return err_conflict(e, "copy.login_taken", "login",
		                    "login '%s' of %s is taken in the target, and '%s' is too long",
		                    login, k->from, renamed);
	rc = db_get_text(k->dst, e, &other, "SELECT id FROM users WHERE login = ?",
	                 DB_ARGS(DB_T(renamed)));
	if (rc < 0)
		return -1;
	if (rc == 1) {
		fprintf(stderr,
		        "copy: login '%s' of %s (user %s) is taken in the target, and so is '%s' "
		        "(user %s)\n",
		        login, k->from, id, renamed, other);
		k->clashes++;
		r->skip = 1;
		return 0;
	}
	int cr = col_index(t, "region");
	strbuf_addf(&k->renames, "%s\t%s\t%s\n", id, renamed,
	            cr >= 0 && r->val[cr] ? r->val[cr] : k->region);
	r->val[cl] = renamed;
	r->args[cl] = DB_T(renamed);
	t->renamed++;
	return 0;
}

/*
 * A repeating job (system.prune, ...) still queued in the source is left out when the
 * target already has one of its kind and region queued or running: the target keeps its
 * own schedule (jobs_ensure_repeating's rule), and never runs two.
 */
static int rule_jobs(struct copy *k, struct table *t, struct row *r, struct err *e)
{
	int ci = col_index(t, "id"), ck = col_index(t, "kind"), cr = col_index(t, "region"),
	    cs = col_index(t, "state"), cp = col_index(t, "repeat_seconds");
	if (ci < 0 || ck < 0 || cr < 0 || cs < 0 || cp < 0 || !r->val[cs] || !r->val[cp])
		return 0;
	if ((strcmp(r->val[cs], "queued") && strcmp(r->val[cs], "running")) ||
	    !strcmp(r->val[cp], "0"))
		return 0;
	int64_t have = 0, other = 0;
	if (db_get_int(k->dst, e, &have, "SELECT count(*) FROM jobs WHERE id = ?",
	               DB_ARGS(DB_T(r->val[ci]))) < 0)
		return -1;
	if (have)
		return 0;
	if (db_get_int(k->dst, e, &other,
	               "SELECT count(*) FROM jobs WHERE kind = ? AND region = ? "
	               "AND state IN ('queued', 'running')",
	               DB_ARGS(DB_T(r->val[ck]), DB_T(r->val[cr]))) < 0)
		return -1;
	if (other) {
		r->skip = 1;
		t->skipped++;
	}
	return 0;
}

/* "k1=v1, k2=v2" of the row's primary key, for messages. */
static const char *key_text(struct copy *k, const struct table *t, const struct row *r)
{
	struct strbuf sb;
	strbuf_init(&sb, k->row, 512);
	for (int i = 0; i < t->npk; i++)
		strbuf_addf(&sb, "%s%s=%s", i ? ", " : "", t->cols[t->pk[i]],
		            r->val[t->pk[i]] ? r->val[t->pk[i]] : "NULL");
	return sb.buf;
}

/* A renamed login is the same login. */
static int same_login(const char *src, const char *dst)
{
	size_t n = strlen(src);
	return !strncmp(src, dst, n) && dst[n] == '@' && strlen(dst + n + 1) == 9 &&
	       strspn(dst + n + 1, "0123456789") == 9;
}

/*
 * The row is in the target already (by its key): compare every column. A difference is
 * reported and the target's row kept; an audit head the source has moved on is advanced.
 */
static int compare_present(struct copy *k, struct table *t, const char *lookup, struct row *r,
                           struct err *e)
{
	struct db_arg args[MAX_COLS + 1];
	for (int i = 0; i < t->npk; i++)
		args[i] = r->args[t->pk[i]];
	args[t->npk] = DB_NOARGS;
	struct db_stmt *st = db_query_(k->dst, e, lookup, args);
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0) /* gone since the insert saw it: a concurrent delete */
		return rc < 0
		           ? -1
		           : err_set(e, 503, "db.retry", NULL,
		                     "table %s: a row changed during the copy; try again", t->name);
	struct strbuf diff;
	strbuf_init(&diff, k->row, 4096);
	int nd = 0, stamps = 0, is_users = !strcmp(t->name, "users");
	for (int i = 0; i < t->ncols; i++) {
		const char *have = db_text(st, i), *want = r->val[i];
		if (!have && !want)
			continue;
		if (have && want &&
		    (!strcmp(have, want) ||
		     (is_users && !strcmp(t->cols[i], "login") && same_login(want, have))))
			continue;
		if (!strcmp(t->cols[i], "created_at") || !strcmp(t->cols[i], "updated_at"))
			stamps++;
		strbuf_addf(&diff, "%s%s", nd++ ? ", " : "", t->cols[i]);
	}
	/* the same row made at another time (the county both townships loaded) */
	if (nd == stamps)
		nd = 0;
	int64_t have_seq = 0;
	int cs = col_index(t, "seq");
	if (nd && !strcmp(t->name, "audit_heads") && cs >= 0)
		have_seq = db_int(st, cs);
	db_done(st);
	if (!nd)
		return 0;
	if (!strcmp(t->name, "audit_heads") && cs >= 0 && r->type[cs] == 'i' &&
	    r->args[cs].i > have_seq) {
		/* the source's chain grew since the last copy; its rows were copied above */
		int ch = col_index(t, "chain"), hh = col_index(t, "hash");
		if (ch < 0 || hh < 0)
			return err_internal(e, "audit_heads without chain or hash");
		if (db_exec(k->dst, e, "UPDATE audit_heads SET seq = ?, hash = ? WHERE chain = ?",
		            DB_I(r->args[cs].i), DB_T(r->val[hh]), DB_T(r->val[ch])) < 0)
			return -1;
		t->advanced++;
		return 0;
	}
	if (!strcmp(t->name, "audit_log"))
		return err_conflict(e, "copy.audit_forked", NULL,
		                    "audit_log %s differs between the source and the target (%s): "
		                    "the chain forked (was one restored from an older backup?)",
		                    key_text(k, t, r), diff.buf);
	if (t->differ++ < MAX_NOTES)
		strbuf_addf(&k->notes,
		            "  note: %s %s is in the target with other %s; the target's kept\n",
		            t->name, key_text(k, t, r), diff.buf);
	return 0;
}

/* The error of a failed insert, naming the table and the row. */
static int row_error(struct copy *k, struct table *t, struct row *r, struct err *e)
{
	char msg[sizeof(e->msg)], code[sizeof(e->code)];
	snprintf(msg, sizeof(msg), "%s", e->msg);
	snprintf(code, sizeof(code), "%s", e->code);
	if (e->status == 409)
		return err_conflict(e, "copy.conflict", NULL,
		                    "%s %s clashes with another row of the target on a unique key "
		                    "(%s); nothing was copied",
		                    t->name, key_text(k, t, r), msg);
	return err_set(e, e->status ? e->status : 500, code, NULL, "%s %s: %s", t->name,
	               key_text(k, t, r), msg);
}

/*
 * audit_log, per chain: rows are hash-chained, so two logs that hold the same row at seq m
 * hold the same rows before it (each side's verify answers for its own). At a new chain
 * the source's and the target's last rows are looked up and compared at the lower of the
 * two seqs: equal, the rows up to there are counted present without a query each and the
 * rest inserted; different, the chain forked (one side restored from an older backup and
 * written since), and the copy stops before it mixes two histories.
 */
static int chain_start(struct copy *k, const char *chain, int64_t *common, struct err *e)
{
	int64_t have = 0, want = 0;
	if (db_get_int(k->dst, e, &have, "SELECT max(seq) FROM audit_log WHERE chain = ?",
	               DB_ARGS(DB_T(chain))) < 0 ||
	    db_get_int(k->src, e, &want, "SELECT max(seq) FROM audit_log WHERE chain = ?",
	               DB_ARGS(DB_T(chain))) < 0)
		return -1;
	*common = have < want ? have : want;
	if (*common <= 0)
		return 0;
	const char *h1 = NULL, *h2 = NULL;
	static const char q[] = "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?";
	if (db_get_text(k->dst, e, &h1, q, DB_ARGS(DB_T(chain), DB_I(*common))) < 0 ||
	    db_get_text(k->src, e, &h2, q, DB_ARGS(DB_T(chain), DB_I(*common))) < 0)
		return -1;
	if (!h1 || !h2 || strcmp(h1, h2))
		return err_conflict(
		    e, "copy.audit_forked", NULL,
		    "audit chain %s differs between the source and the target at "
		    "seq %lld: the chain forked (was one side restored from an older "
		    "backup?); nothing was copied",
		    chain, (long long)*common);
	return 0;
}

static int copy_table(struct copy *k, struct table *t, struct err *e)
{
	struct arena *a = &k->c->arena;
	/* names quoted: a column may be a keyword of one dialect ("key", "user") */
	struct strbuf cols, marks, keys, where;
	strbuf_init(&cols, a, 0);
	strbuf_init(&marks, a, 0);
	strbuf_init(&keys, a, 0);
	strbuf_init(&where, a, 0);
	for (int i = 0; i < t->ncols; i++) {
		strbuf_addf(&cols, "%s\"%s\"", i ? ", " : "", t->cols[i]);
		strbuf_adds(&marks, i ? ", ?" : "?");
	}
	for (int i = 0; i < t->npk; i++) {
		strbuf_addf(&keys, "%s\"%s\"", i ? ", " : "", t->cols[t->pk[i]]);
		strbuf_addf(&where, "%s\"%s\" = ?", i ? " AND " : "", t->cols[t->pk[i]]);
	}
	const char *tn = arena_printf(a, "\"%s\"", t->name), *select, *insert, *lookup;
	if (t->self_from) {
		/* parents first: rows by their depth below a root, then by key */
		const char *to = arena_printf(a, "\"%s\"", t->self_to);
		const char *from = arena_printf(a, "\"%s\"", t->self_from);
		select = arena_printf(a,
		                      "WITH RECURSIVE copy_lv(copy_key, copy_depth) AS ("
		                      "SELECT %s, 0 FROM %s WHERE %s IS NULL OR %s NOT IN "
		                      "(SELECT %s FROM %s WHERE %s IS NOT NULL) UNION ALL "
		                      "SELECT c.%s, l.copy_depth + 1 FROM %s c JOIN copy_lv l "
		                      "ON c.%s = l.copy_key WHERE l.copy_depth < 1000) "
		                      "SELECT %s FROM %s JOIN copy_lv ON %s.%s = copy_key "
		                      "ORDER BY copy_depth, %s",
		                      to, tn, from, from, to, tn, to, to, tn, from, cols.buf, tn,
		                      tn, to, keys.buf);
	} else {
		select = arena_printf(a, "SELECT %s FROM %s ORDER BY %s", cols.buf, tn, keys.buf);
	}
	insert = arena_printf(a, "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO NOTHING", tn,
	                      cols.buf, marks.buf, keys.buf);
	lookup = arena_printf(a, "SELECT %s FROM %s WHERE %s", cols.buf, tn, where.buf);
	int is_users = !strcmp(t->name, "users"), is_jobs = !strcmp(t->name, "jobs");
	int lc = col_index(t, "chain"), ls = col_index(t, "seq");
	int is_log = !strcmp(t->name, "audit_log") && lc >= 0 && ls >= 0;
	char chain[128] = "";
	int64_t common = 0;

	/* the row's values live in k->row, released row by row */
	db_set_arena(k->src, k->row);
	db_set_arena(k->dst, k->row);
	struct db_stmt *st = db_query_(k->src, e, select, DB_ARGS(DB_NOARGS));
	if (!st)
		goto fail;
	struct row r;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		arena_release(k->row);
		t->read++;
		r.skip = 0;
		for (int i = 0; i < t->ncols; i++) {
			char ty = db_coltype(st, i);
			r.type[i] = ty;
			r.val[i] = db_text(st, i);
			if (ty == 'i') {
				r.args[i] = DB_I(db_int(st, i));
			} else if (ty == 'b') {
				size_t n;
				const void *p = db_blob(st, i, &n);
				r.args[i] = DB_B(p, n);
			} else {
				r.args[i] = DB_T(r.val[i]); /* NULL binds NULL */
			}
		}
		r.args[t->ncols] = DB_NOARGS;
		if (is_log && r.val[lc] && r.type[ls] == 'i') {
			if (strcmp(r.val[lc], chain)) {
				snprintf(chain, sizeof(chain), "%s", r.val[lc]);
				if (chain_start(k, chain, &common, e))
					goto fail;
			}
			if (r.args[ls].i <= common) {
				t->present++;
				continue;
			}
		}
		if ((is_users && rule_users(k, t, &r, e)) || (is_jobs && rule_jobs(k, t, &r, e)))
			goto fail;
		if (r.skip)
			continue;
		int64_t n = db_exec_(k->dst, e, insert, r.args);
		if (n < 0) {
			row_error(k, t, &r, e);
			goto fail;
		}
		if (n > 0) {
			t->added++;
			continue;
		}
		t->present++;
		if (compare_present(k, t, lookup, &r, e))
			goto fail;
	}
	st = NULL;
	if (rc < 0)
		goto fail;
	arena_release(k->row);
	db_set_arena(k->src, a);
	db_set_arena(k->dst, a);
	if (t->self_from) { /* a row in a cycle is below no root: it would be left behind */
		int64_t all = 0;
		if (db_get_int(k->src, e, &all, arena_printf(a, "SELECT count(*) FROM %s", tn),
		               DB_ARGS(DB_NOARGS)) < 0)
			return -1;
		if (all != t->read)
			return err_invalid(e, "copy.cycle", "from",
			                   "table %s: %lld rows are below no root of %s (a cycle)",
			                   t->name, (long long)(all - t->read), t->self_from);
	}
	return 0;
fail:
	if (st)
		db_done(st);
	arena_release(k->row);
	db_set_arena(k->src, a);
	db_set_arena(k->dst, a);
	return -1;
}

/* ---- media ---- */

struct media_count {
	int64_t read, copied, present;
};

static int is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int ensure_dir(const char *path, struct err *e)
{
	if (mkdir(path, 0750) && errno != EEXIST)
		return err_invalid(e, "copy.media", "media", "unable to create '%s': %s", path,
		                   strerror(errno));
	return 0;
}

/*
 * Copy one file, hashing it on the way: the name must be the SHA-256 of the bytes (a
 * damaged file is refused, not spread). Written beside its final name, synced, renamed;
 * with dst NULL (a dry run) only checked.
 */
static int copy_file(const char *src, const char *dst, const char *name, struct err *e)
{
	int in = open(src, O_RDONLY), out = -1;
	if (in < 0)
		return err_internal(e, "unable to read '%s': %s", src, strerror(errno));
	char tmp[PATH_MAX + 8];
	if (dst) {
		snprintf(tmp, sizeof(tmp), "%s.XXXXXX", dst); /* dst is shorter than PATH_MAX */
		out = mkstemp(tmp);
		if (out < 0) {
			close(in);
			return err_internal(e, "unable to write beside '%s': %s", dst,
			                    strerror(errno));
		}
		fchmod(out, 0640);
	}
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	unsigned char buf[65536];
	ssize_t n;
	int rc = 0;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
		for (ssize_t off = 0; out >= 0 && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w <= 0) {
				rc = err_internal(e, "unable to write '%s': %s", tmp,
				                  strerror(errno));
				break;
			}
			off += w;
		}
		if (rc)
			break;
	}
	if (n < 0 && !rc)
		rc = err_internal(e, "unable to read '%s': %s", src, strerror(errno));
	close(in);
	unsigned char sum[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256_final(&h, sum);
	hex_encode(sum, sizeof(sum), hex);
	if (!rc && strcmp(hex, name))
		rc = err_invalid(e, "copy.media_damaged", "from-media",
		                 "media file '%s' does not hash to its name (damaged?)", src);
	if (out >= 0) {
		if (!rc && fsync(out))
			rc = err_internal(e, "unable to write '%s': %s", tmp, strerror(errno));
		close(out);
		if (!rc && rename(tmp, dst))
			rc = err_internal(e, "unable to rename '%s': %s", tmp, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	return rc;
}

static int sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* "<a>/<b>" into buf; -1 (e set) if it does not fit. */
static int path_join(char *buf, size_t n, const char *a, const char *b, struct err *e)
{
	int w = snprintf(buf, n, "%s/%s", a, b);
	if (w < 0 || (size_t)w >= n)
		return err_invalid(e, "copy.media", "media", "path '%s/%s' is too long", a, b);
	return 0;
}

/* The files of one <h0h1>/<h2h3> folder: src and dst are that folder on each side (dst
 * and its parent dst_up are made when the first file is copied). */
static int copy_leaf(struct copy *k, const char *src, const char *dst_up, const char *dst,
                     const char *prefix, struct media_count *m, struct err *e)
{
	DIR *d = opendir(src);
	if (!d)
		return 0;
	int rc = 0, wrote = 0;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		const char *f = de->d_name;
		char pf[PATH_MAX], qf[PATH_MAX];
		struct stat sb;
		if (!is_hex(f, 64) || strncmp(f, prefix, 4))
			continue;
		if (path_join(pf, sizeof(pf), src, f, e) || path_join(qf, sizeof(qf), dst, f, e)) {
			rc = -1;
			break;
		}
		if (stat(pf, &sb) || !S_ISREG(sb.st_mode))
			continue;
		m->read++;
		if (!stat(qf, &sb)) { /* content-addressed: the same name holds the same bytes */
			m->present++;
			continue;
		}
		if (!k->dry_run && !wrote && (ensure_dir(dst_up, e) || ensure_dir(dst, e))) {
			rc = -1;
			break;
		}
		rc = copy_file(pf, k->dry_run ? NULL : qf, f, e);
		if (!rc) {
			m->copied++;
			wrote = 1;
		}
	}
	closedir(d);
	if (!rc && wrote && sync_dir(dst))
		rc = err_internal(e, "unable to sync '%s': %s", dst, strerror(errno));
	return rc;
}

/* <src>/<h0h1>/<h2h3>/<sha256> into the same place under dst (see core/media.h). */
static int copy_media(struct copy *k, const char *src, const char *dst, struct media_count *m,
                      struct err *e)
{
	DIR *d1 = opendir(src);
	if (!d1) {
		if (errno == ENOENT)
			return 0;
		return err_invalid(e, "copy.media", "from-media", "unable to read '%s': %s", src,
		                   strerror(errno));
	}
	int rc = !k->dry_run && ensure_dir(dst, e) ? -1 : 0;
	struct dirent *a1;
	while (!rc && (a1 = readdir(d1))) {
		char p1[PATH_MAX], q1[PATH_MAX];
		if (!is_hex(a1->d_name, 2))
			continue;
		if (path_join(p1, sizeof(p1), src, a1->d_name, e) ||
		    path_join(q1, sizeof(q1), dst, a1->d_name, e)) {
			rc = -1;
			break;
		}
		DIR *d2 = opendir(p1);
		if (!d2)
			continue;
		struct dirent *a2;
		while (!rc && (a2 = readdir(d2))) {
			char p2[PATH_MAX], q2[PATH_MAX], prefix[8];
			if (!is_hex(a2->d_name, 2))
				continue;
			snprintf(prefix, sizeof(prefix), "%.2s%.2s", a1->d_name, a2->d_name);
			if (path_join(p2, sizeof(p2), p1, a2->d_name, e) ||
			    path_join(q2, sizeof(q2), q1, a2->d_name, e) ||
			    copy_leaf(k, p2, q1, q2, prefix, m, e))
				rc = -1;
		}
		closedir(d2);
	}
	closedir(d1);
	return rc;
}

/* Media rows of the source whose file is in neither folder (reported, not fatal). */
static int media_missing(struct copy *k, const char *src, const char *dst, int64_t *missing,
                         struct err *e)
{
	int has = 0;
	for (int i = 0; i < k->nt; i++)
		has |= !strcmp(k->t[i].name, "media");
	if (!has)
		return 0;
	struct db_stmt *st = db_query(k->src, e, "SELECT id FROM media", DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *id = db_text(st, 0);
		char p[PATH_MAX], q[PATH_MAX];
		struct stat sb;
		if (!id || !is_hex(id, 64))
			continue;
		int np = snprintf(p, sizeof(p), "%s/%.2s/%.2s/%s", src, id, id + 2, id);
		int nq = snprintf(q, sizeof(q), "%s/%.2s/%.2s/%s", dst, id, id + 2, id);
		if (np < 0 || (size_t)np >= sizeof(p) || nq < 0 || (size_t)nq >= sizeof(q) ||
		    (stat(p, &sb) && stat(q, &sb)))
			(*missing)++;
	}
	return rc < 0 ? -1 : 0;
}

/* ---- the command ---- */

/* The copy's own audit rows, in the target's chains: one per renamed login, one for it. */
static int audit_copy(struct copy *k, int64_t added, struct err *e)
{
	struct arena *a = &k->c->arena;
	char *line = k->renames.buf;
	while (line && *line) {
		char *nl = strchr(line, '\n'), *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!nl || !t1 || !t2)
			break;
		const char *id = arena_strndup(a, line, (size_t)(t1 - line));
		const char *login = arena_strndup(a, t1 + 1, (size_t)(t2 - t1 - 1));
		const char *region = arena_strndup(a, t2 + 1, (size_t)(nl - t2 - 1));
		struct strbuf sb;
		strbuf_init(&sb, a, 1024);
		struct jw w;
		jw_init(&w, &sb);
		jw_obj(&w);
		jw_kstr(&w, "login", login);
		jw_obj_end(&w);
		if (audit_write(k->dst, &k->c->actor, region, "users", id, "update", sb.buf, e))
			return -1;
		line = nl + 1;
	}
	struct strbuf sb;
	strbuf_init(&sb, a, 4096);
	struct jw w;
	jw_init(&w, &sb);
	jw_obj(&w);
	jw_kstr(&w, "from", k->from);
	jw_kstr(&w, "origin", k->origin);
	jw_kstr(&w, "town", k->town);
	jw_ki64(&w, "rows_added", added);
	jw_obj_end(&w);
	return audit_write(k->dst, &k->c->actor, k->region, "copy", k->origin, "copy", sb.buf, e);
}

static int check_source(struct copy *k, struct err *e)
{
	int64_t n = 0;
	if (db_get_int(k->src, e, &n,
	               "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	               "AND name IN ('schema_migrations', 'deployment')",
	               DB_ARGS(DB_NOARGS)) < 0)
		return -1;
	if (n != 2)
		return err_invalid(e, "copy.not_cunwu", "from", "'%s' is not a cunwu database",
		                   k->from);
	if (db_schema_check(k->src, e)) {
		if (!strcmp(e->code, "db.needs_migration"))
			return err_set(
			    e, 409, "db.needs_migration", "from",
			    "'%s' is behind this cunwu; run 'cunwu --db %s migrate' first", k->from,
			    k->from);
		return -1;
	}
	return 0;
}

/*
 * Sealed personal data is copied as it is (x1: ciphertexts, k1: hashes): the target reads
 * it and finds it only under the same key. Refused, before anything is written, when the
 * source holds any and its key file and the target's do not hold the same keys.
 */
static int check_keys(struct copy *k, const char *src_key, const char *to, struct err *e)
{
	int64_t n = 0;
	if (db_get_int(k->src, e, &n,
	               "SELECT (SELECT count(*) FROM persons WHERE id_enc IS NOT NULL "
	               "OR phone_enc IS NOT NULL) + "
	               "(SELECT count(*) FROM orgs WHERE phone_enc IS NOT NULL) + "
	               "(SELECT count(*) FROM user_totp)",
	               DB_ARGS(DB_NOARGS)) < 0)
		return -1;
	if (!n)
		return 0;
	const char *dst_key = system_key_path(&k->c->arena, to);
	int same = crypt_same_key(src_key, dst_key, e);
	if (same < 0)
		return -1;
	if (!same)
		return err_conflict(
		    e, "copy.key_differs", "to",
		    "'%s' holds sealed personal data under the key in '%s', and the "
		    "target's key file '%s' holds another key: the target could not "
		    "read or find it (see docs/copy.md)",
		    k->from, src_key, dst_key);
	return 0;
}

int system_copy(struct cli *c, struct err *e)
{
	const char *from = cli_opt(c, "--from"), *to = cli_opt(c, "--to");
	const char *from_media = cli_opt(c, "--from-media"), *media = cli_opt(c, "--media");
	const char *from_key = cli_opt(c, "--from-key");
	int rename_logins = cli_flag(c, "--rename-logins"), dry_run = cli_flag(c, "--dry-run");
	if (cli_end(c, e))
		return -1;
	if (!from)
		return cli_usage(e, "missing --from FILE.db (the township's database)");
	if (!to)
		return cli_usage(e, "missing --to URL (the city database)");
	if (is_pg(from))
		return cli_usage(e, "--from is a township's SQLite file, not '%s'",
		                 redact(&c->arena, from));

	int64_t t0 = time_now_ms();
	static struct copy k; /* large (the table descriptions); one per process */
	memset(&k, 0, sizeof(k));
	struct arena row;
	arena_init(&row, 0);
	k.c = c;
	k.from = sqlite_path(from);
	k.rename = rename_logins;
	k.dry_run = dry_run;
	k.row = &row;
	strbuf_init(&k.renames, &c->arena, 0);
	strbuf_init(&k.notes, &c->arena, 0);
	const char *src_media =
	    from_media ? from_media : arena_printf(&c->arena, "%s.media", k.from);
	const char *dst_media = media ? media : system_media_path(&c->arena, to);
	struct media_count mc = { 0, 0, 0 };
	int64_t missing = 0, read = 0, added = 0, present = 0;
	int rc = -1, applied = 0;

	if (access(k.from, F_OK)) {
		err_invalid(e, "copy.from", "from", "no database at '%s'", k.from);
		goto out;
	}
	if (db_open(&k.src, from, 0, e))
		goto out;
	db_set_arena(k.src, &c->arena);
	if (check_source(&k, e) ||
	    check_keys(&k, from_key ? from_key : arena_printf(&c->arena, "%s.key", k.from), to, e))
		goto out;
	if (db_open(&k.dst, to, 0, e))
		goto out;
	db_set_arena(k.dst, &c->arena);
	/* the target's schema first, in its own transaction: copy needs every table there */
	if (dry_run ? db_schema_check(k.dst, e) : db_migrate(k.dst, &applied, e)) {
		if (dry_run && !strcmp(e->code, "db.needs_migration"))
			err_set(e, 409, "db.needs_migration", "to",
			        "the target needs migrations, which a dry run does not apply; run "
			        "'cunwu --db URL migrate' first");
		goto out;
	}

	/* one snapshot of the source (it may be serving), one transaction on the target */
	if (db_begin(k.src, DB_READ, e) || db_begin(k.dst, DB_WRITE, e))
		goto out;
	const char *origin = NULL;
	if (db_get_text(k.src, e, &origin, "SELECT value FROM deployment WHERE key = 'origin'",
	                DB_ARGS(DB_NOARGS)) < 0)
		goto out;
	k.origin = origin ? origin : "";
	const char *dst_origin = db_origin(k.dst, e);
	if (!dst_origin)
		goto out;
	if (origin && !strcmp(origin, dst_origin)) {
		err_conflict(
		    e, "copy.same_origin", "to",
		    "'%s' and the target are the same database, or one was made from a "
		    "copy of the other (both have origin %s): their audit chains would mix",
		    k.from, origin);
		goto out;
	}
	if (read_tables(&k, e) || read_town(&k, e))
		goto out;

	printf("copy %s (origin %s, town %s) into %s%s\n", k.from, origin ? origin : "none",
	       k.town ? k.town : "several", redact(&c->arena, to), dry_run ? " (dry run)" : "");
	if (applied)
		printf("target: %d migration%s applied\n", applied, applied == 1 ? "" : "s");
	printf("%-16s %9s %9s %9s\n", "table", "read", "added", "present");
	for (int i = 0; i < k.nt; i++) {
		struct table *t = &k.t[i];
		if (copy_table(&k, t, e))
			goto out;
		printf("%-16s %9lld %9lld %9lld", t->name, (long long)t->read, (long long)t->added,
		       (long long)t->present);
		if (t->differ)
			printf("  %lld with other contents (the target's kept)",
			       (long long)t->differ);
		if (t->renamed)
			printf("  %lld login%s renamed", (long long)t->renamed,
			       t->renamed == 1 ? "" : "s");
		if (t->skipped)
			printf("  %lld repeating job%s left to the target's own",
			       (long long)t->skipped, t->skipped == 1 ? "" : "s");
		if (k.clashes && !strcmp(t->name, "users"))
			printf("  %d login%s taken in the target", k.clashes,
			       k.clashes == 1 ? "" : "s");
		if (t->advanced)
			printf("  %lld head%s moved on", (long long)t->advanced,
			       t->advanced == 1 ? "" : "s");
		printf("\n%s", k.notes.buf);
		strbuf_init(&k.notes, &c->arena, 0);
		read += t->read;
		added += t->added;
		present += t->present;
		if (k.clashes)
			break; /* every clash of the users table is reported; nothing more to do */
	}
	if (k.clashes) {
		err_conflict(e, "copy.login_taken", "login",
		             "%d login%s of %s taken in the target; nothing was copied (see "
		             "docs/copy.md: --rename-logins)",
		             k.clashes, k.clashes == 1 ? "" : "s", k.from);
		goto out;
	}
	if (copy_media(&k, src_media, dst_media, &mc, e))
		goto out;
	printf("%-16s %9lld %9lld %9lld  (%s into %s)\n", "media files", (long long)mc.read,
	       (long long)mc.copied, (long long)mc.present, src_media, dst_media);
	if (media_missing(&k, src_media, dst_media, &missing, e))
		goto out;
	if (missing)
		printf("  note: %lld media row%s of the source ha%s no file in %s\n",
		       (long long)missing, missing == 1 ? "" : "s", missing == 1 ? "s" : "ve",
		       src_media);
	if (added && !dry_run && audit_copy(&k, added, e))
		goto out;
	if (dry_run) {
		db_rollback(k.dst);
	} else if (db_commit(k.dst, e)) {
		goto out;
	}
	db_rollback(k.src); /* a read snapshot: nothing to keep */
	printf("%s: %lld rows read, %lld added, %lld already present",
	       dry_run ? "dry run, nothing written" : "copied", (long long)read, (long long)added,
	       (long long)present);
	if (read - added - present)
		printf(", %lld left out", (long long)(read - added - present));
	printf("; %.2f s\n", (double)(time_now_ms() - t0) / 1000.0);
	rc = 0;
out:
	if (k.dst) {
		db_rollback(k.dst);
		db_close(k.dst);
	}
	if (k.src) {
		db_rollback(k.src);
		db_close(k.src);
	}
	arena_release(&row);
	fflush(stdout); /* before main prints an error */
	return rc;
}
