/*
 * authz.c - unit tests of authorization over the two place trees (src/core/auth.c): authz
 * and authz2 against a caller's grants, and the scope SQL of authz_sql / authz_sql2 —
 * which subtrees it names, over which columns, with which arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"

#include "core/auth.h"
#include "core/http.h"
#include "core/banned.h"

#define TOWN    "/14/1404/140406/140406101000/"
#define VILLAGE TOWN "140406101204/"
#define GRID    VILLAGE "01GRID/"
#define OTHER   TOWN "140406101205/"

static const char *read_only[] = { "places.read" };
static const char *read_write[] = { "places.read", "places.write" };

struct fx {
	struct req r;
	struct principal who;
	struct grant grants[4];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	arena_init(&f->r.arena, 0);
	f->who.kind = "session";
	f->who.grants = f->grants;
	f->r.who = &f->who;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_release(&f->r.arena);
	free(f);
	return 0;
}

static void grant(struct fx *f, const char *path, const char **perms, size_t n)
{
	struct grant *g = &f->grants[f->who.ngrants++];
	g->place_path = path;
	g->perms = perms;
	g->nperms = n;
}

static void test_authz_two_trees(void **state)
{
	struct fx *f = *state;
	struct err e;
	grant(f, GRID, read_only, 1);
	/* the grid itself and its micro-grids by path */
	assert_int_equal(authz(&f->r, "places.read", GRID, &e), 0);
	assert_int_equal(authz(&f->r, "places.read", GRID "01MICRO/", &e), 0);
	/* a compound of another village covered by the grid: by its gpath only */
	assert_int_equal(authz(&f->r, "places.read", OTHER "01COMPOUND/", &e), -1);
	assert_int_equal(e.status, 403);
	assert_int_equal(authz2(&f->r, "places.read", OTHER "01COMPOUND/", GRID, &e), 0);
	assert_int_equal(authz2(&f->r, "places.read", OTHER "01COMPOUND/", GRID "01MICRO/", &e), 0);
	/* not covered, covered by another grid, or a permission the grant lacks */
	assert_int_equal(authz2(&f->r, "places.read", OTHER "01COMPOUND/", NULL, &e), -1);
	assert_int_equal(authz2(&f->r, "places.read", OTHER "01B/", VILLAGE "01GRID2/", &e), -1);
	assert_int_equal(authz2(&f->r, "places.write", OTHER "01COMPOUND/", GRID, &e), -1);
	assert_string_equal(e.code, "auth.forbidden");
	/* a prefix is a whole id: 01GRID does not cover 01GRIDX */
	assert_int_equal(authz2(&f->r, "places.read", OTHER "01B/", VILLAGE "01GRIDX/", &e), -1);
	/* the village above the grid is not the grid's */
	assert_int_equal(authz2(&f->r, "places.read", VILLAGE, NULL, &e), -1);
	/* without a caller: 401 */
	f->r.who = NULL;
	assert_int_equal(authz2(&f->r, "places.read", GRID, GRID, &e), -1);
	assert_int_equal(e.status, 401);
}

static const char *scope_sql(struct fx *f, const char *perm, const char *gcol, struct db_arg *args,
                             size_t *n)
{
	*n = 0;
	return authz_sql2(&f->r, perm, "p.path", gcol, args, n, 64);
}

static void test_scope_sql(void **state)
{
	struct fx *f = *state;
	struct db_arg args[64];
	size_t n;
	/* no grant: nothing */
	assert_string_equal(scope_sql(f, "places.read", "p.gpath", args, &n), "(0 = 1)");
	assert_int_equal(n, 0);

	/* a town: one range, no gpath term (grids cover places of their own town only) */
	grant(f, TOWN, read_write, 2);
	assert_string_equal(scope_sql(f, "places.read", "p.gpath", args, &n),
	                    "((p.path >= ? AND p.path < ?))");
	assert_int_equal(n, 2);
	assert_string_equal(args[0].s, TOWN);
	assert_string_equal(args[1].s, TOWN "~");

	/* a grid elsewhere (another town's) adds both columns */
	f->who.ngrants = 0;
	grant(f, GRID, read_only, 1);
	grant(f, "/14/1404/140406/140406102000/", read_only, 1);
	assert_string_equal(scope_sql(f, "places.read", "p.gpath", args, &n),
	                    "((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?) OR "
	                    "(p.path >= ? AND p.path < ?))");
	assert_int_equal(n, 6);
	assert_string_equal(args[2].s, GRID);
	assert_string_equal(args[3].s, GRID "~");
	/* without a gpath column it is authz_sql, as before */
	n = 0;
	assert_string_equal(authz_sql(&f->r, "places.read", "p.path", args, &n, 64),
	                    "((p.path >= ? AND p.path < ?) OR (p.path >= ? AND p.path < ?))");
	assert_int_equal(n, 4);
	/* a permission held by no grant: nothing */
	assert_string_equal(scope_sql(f, "places.write", "p.gpath", args, &n), "(0 = 1)");

	/* a grant inside another is dropped */
	f->who.ngrants = 0;
	grant(f, VILLAGE, read_only, 1);
	grant(f, GRID, read_only, 1);
	assert_string_equal(scope_sql(f, "places.read", "gpath", args, &n),
	                    "((p.path >= ? AND p.path < ?) OR (gpath >= ? AND gpath < ?))");
	assert_string_equal(args[0].s, VILLAGE);

	/* too many subtrees for the arguments: fewer subtrees, never more (fails closed) */
	n = 60;
	const char *sql = authz_sql2(&f->r, "places.read", "p.path", "p.gpath", args, &n, 64);
	assert_int_equal(n, 60);
	assert_string_equal(sql, "(0 = 1)");
}

static void test_query_scope2(void **state)
{
	struct fx *f = *state;
	struct query q;
	grant(f, GRID, read_only, 1);
	query_scope2(&f->r, &q, "places.read", "p.path", "p.gpath");
	query_and(&q, "p.kind = ?", DB_T("building"));
	assert_string_equal(q.where.buf, "((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND "
	                                 "p.gpath < ?)) AND p.kind = ?");
	assert_int_equal(q.n, 5);
	assert_string_equal(q.args[4].s, "building");
	/* query_scope is the physical tree alone */
	query_scope(&f->r, &q, "places.read", "path");
	assert_string_equal(q.where.buf, "((path >= ? AND path < ?))");
	assert_int_equal(q.n, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_authz_two_trees),
		T(test_scope_sql),
		T(test_query_scope2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
