/*
 * demo.c - the responsibility chain of the demo, read from what the demo already made.
 *
 * Every village and community with households gets a branch secretary since the 2021
 * elections: the seed page's real secretary where the page names one (张玉刚 of 漫流河村,
 * 崔红伟 of 陈家峪村: a resident whose note says so), else the village's sjNNN account, else a
 * resident (the county's other villages); in every fourth village another resident held
 * it before and handed over on 2021-05-01. The liaison cadres (bcN) hold their villages,
 * every fifth village of 微子镇 has a first secretary (a new account dyNNN), every natural
 * village an area leader and every group a group leader (residents), every grid its grid
 * worker (wgNNN-n) — every third one handed over from a resident on 2025-01-01 — but for
 * two grids left vacant on purpose, so coverage shows gaps. Compounds have an area leader,
 * and their buildings building leaders (the 新村小区's 3号楼 and 4号楼 none). A party member
 * in every sixth village, and one in 政府宿舍小区, is linked to five households. The rows
 * are chosen in the order of codes, names and addresses, so every demo is the same.
 */
#include "duties.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/banned.h"

struct demo {
	struct db *db;
	const struct actor *who;
	struct arena *a;
	int64_t made;
	int vacant; /* grids left without a worker so far */
};

/* the rows of a query with two text parameters, ncols columns each, into out */
static int rows(struct demo *d, const char *sql, const char *arg, const char *arg2, int ncols,
                const char ***out, size_t *n, struct err *e)
{
	struct db_stmt *st = db_query(d->db, e, sql, DB_T(arg), DB_T(arg2));
	if (!st)
		return -1;
	size_t cap = 0;
	int rc;
	*n = 0;
	*out = NULL;
	while ((rc = db_step(st, e)) == 1) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			*out = arena_realloc(d->a, (void *)*out, cap * ncols * sizeof(**out),
			                     ncap * ncols * sizeof(**out));
			cap = ncap;
		}
		for (int i = 0; i < ncols; i++)
			(*out)[*n * ncols + i] = db_text(st, i);
		++*n;
	}
	return rc < 0 ? -1 : 0;
}

/* the head (present) of the nth household under path (or the grid at path), by address;
 * NULL if none */
static int resident(struct demo *d, const char *path, int nth, const char **id, struct err *e)
{
	const char *end = arena_printf(d->a, "%s~", path);
	*id = NULL;
	return db_get_text(d->db, e, id,
	                   "SELECT y.id FROM households h JOIN places p ON p.id = h.place_id JOIN "
	                   "persons y ON y.id = h.head_id WHERE ((p.path >= ? AND p.path < ?) OR "
	                   "(p.gpath >= ? AND p.gpath < ?)) AND y.status = 'present' ORDER BY "
	                   "h.address, y.name LIMIT 1 OFFSET ?",
	                   DB_ARGS(DB_T(path), DB_T(end), DB_T(path), DB_T(end), DB_I(nth))) < 0
	           ? -1
	           : 0;
}

/* the account granted role at place (the first by login), or NULL */
static int account(struct demo *d, const char *place, const char *role, const char **id,
                   struct err *e)
{
	*id = NULL;
	return db_get_text(d->db, e, id,
	                   "SELECT u.id FROM grants t JOIN users u ON u.id = t.user_id WHERE "
	                   "t.place_id = ? AND t.role_id = ? ORDER BY u.login LIMIT 1",
	                   DB_ARGS(DB_T(place), DB_T(role))) < 0
	           ? -1
	           : 0;
}

/*
 * role over place held by person or user from `from`; with past (a resident), they held
 * it from past_from and handed over on `from`. Nothing when no holder is found.
 */
static int give(struct demo *d, const char *role, const char *place, const char *person,
                const char *user, const char *from, const char *past, const char *past_from,
                const char *const *households, size_t nh, struct err *e)
{
	struct duty_in in = { 0 };
	const char *id, *next;
	if (!person && !user)
		return 0;
	in.role = role;
	in.place_id = place;
	in.households = households;
	in.nhouseholds = nh;
	if (past && (!person || strcmp(past, person))) {
		in.person_id = past;
		in.from_date = past_from;
		if (duties_create(d->db, d->who, &in, &id, e))
			return -1;
		struct duty_in to = { 0 };
		to.person_id = person;
		to.user_id = user;
		d->made += 2;
		return duties_handover(d->db, d->who, id, &to, from, &next, e);
	}
	in.person_id = person;
	in.user_id = user;
	in.from_date = from;
	d->made++;
	return duties_create(d->db, d->who, &in, &id, e);
}

/* a resident leader for each place of kind under parent (natural villages, groups …),
 * the nth household's head under it; recursing into natural villages for their groups */
static int leaders(struct demo *d, const char *parent, const char *kind, const char *role, int nth,
                   struct err *e)
{
	const char **r, *person;
	size_t n;
	if (rows(d,
	         "SELECT id, path FROM places WHERE parent_id = ? AND kind = ? AND status = "
	         "'active' ORDER BY name",
	         parent, kind, 2, &r, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (resident(d, r[2 * i + 1], nth, &person, e) ||
		    give(d, role, r[2 * i], person, NULL, "2021-06-01", NULL, NULL, NULL, 0, e) ||
		    (!strcmp(kind, "natural_village") &&
		     leaders(d, r[2 * i], "group", "group_leader", nth + 1, e)))
			return -1;
	return 0;
}

/* the grids of village v: their workers, every third handed over, two left vacant */
static int grid_workers(struct demo *d, const char *v, int k, struct err *e)
{
	const char **r, *user, *past;
	size_t n;
	if (rows(d,
	         "SELECT id, path, name FROM places WHERE parent_id = ? AND kind = ? AND status = "
	         "'active' ORDER BY name",
	         v, "grid", 3, &r, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* the second grid of the first village with two, and the grid of the eighth
		 * village: nobody holds them */
		if ((n == 2 && i == 1 && d->vacant == 0) || (k == 7 && d->vacant == 1)) {
			d->vacant++;
			continue;
		}
		if (account(d, r[3 * i], "grid_worker", &user, e) ||
		    resident(d, r[3 * i + 1], 3, &past, e) ||
		    give(d, "grid_worker", r[3 * i], NULL, user,
		         k % 3 == 0 ? "2025-01-01" : "2022-01-01", k % 3 == 0 ? past : NULL,
		         "2022-01-01", NULL, 0, e))
			return -1;
	}
	return 0;
}

/* a compound's area leader, its buildings' leaders (新村小区's third and fourth none), and
 * in the old compound a party member linked to five households */
static int compounds(struct demo *d, const char *v, struct err *e)
{
	const char **r, **b, **hh, *person;
	size_t n, nb, nh;
	if (rows(d,
	         "SELECT id, path, name FROM places WHERE parent_id = ? AND kind = ? AND status = "
	         "'active' ORDER BY name",
	         v, "compound", 3, &r, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int old = !strcmp(r[3 * i + 2], "政府宿舍小区");
		if (resident(d, r[3 * i + 1], 1, &person, e) ||
		    give(d, "area_leader", r[3 * i], person, NULL, "2023-03-01", NULL, NULL, NULL,
		         0, e) ||
		    rows(
		        d,
		        "SELECT id, path FROM places WHERE parent_id = ? AND kind = ? AND status = "
		        "'active' ORDER BY name",
		        r[3 * i], "building", 2, &b, &nb, e))
			return -1;
		for (size_t j = 0; j < nb && (old || j < 2); j++) {
			const char *past = NULL;
			if ((old && j == 0 && resident(d, b[2 * j + 1], 4, &past, e)) ||
			    resident(d, b[2 * j + 1], 0, &person, e) ||
			    give(d, "building_leader", b[2 * j], person, NULL,
			         past ? "2024-09-01" : "2023-03-01", past, "2023-03-01", NULL, 0,
			         e))
				return -1;
		}
		if (!old || !nb)
			continue;
		if (resident(d, b[1], 2, &person, e) ||
		    rows(d,
		         "SELECT h.id, h.address FROM households h JOIN places p ON p.id = "
		         "h.place_id "
		         "WHERE p.path >= ? AND p.path < ? AND h.status = 'active' ORDER BY "
		         "h.address "
		         "LIMIT 5",
		         b[1], arena_printf(d->a, "%s~", b[1]), 2, &hh, &nh, e))
			return -1;
		const char **ids = arena_alloc(d->a, (nh + 1) * sizeof(*ids));
		for (size_t h = 0; h < nh; h++)
			ids[h] = hh[2 * h];
		if (give(d, "party_contact", b[0], person, NULL, "2023-07-01", NULL, NULL, ids, nh,
		         e))
			return -1;
	}
	return 0;
}

/* a party member of village v (path) linked to the five first households of its first
 * natural village or group */
static int party_contact(struct demo *d, const char *v, const char *path, struct err *e)
{
	const char **u, **hh, *person = NULL;
	size_t n, nh;
	if (db_get_text(d->db, e, &person,
	                "SELECT y.id FROM person_tags t JOIN persons y ON y.id = t.person_id JOIN "
	                "households h ON h.id = y.household_id JOIN places p ON p.id = y.place_id "
	                "WHERE t.tag_id = 'party_member' AND p.path >= ? AND p.path < ? AND "
	                "y.status = 'present' ORDER BY h.address, y.name LIMIT 1",
	                DB_ARGS(DB_T(path), DB_T(arena_printf(d->a, "%s~", path)))) < 0 ||
	    rows(d,
	         "SELECT id, path FROM places WHERE parent_id = ? AND kind IN (?, 'group') AND "
	         "status = 'active' ORDER BY name LIMIT 1",
	         v, "natural_village", 2, &u, &n, e))
		return -1;
	if (!person || !n)
		return 0;
	if (rows(
	        d,
	        "SELECT h.id, h.address FROM households h JOIN places p ON p.id = h.place_id WHERE "
	        "p.path >= ? AND p.path < ? AND h.status = 'active' ORDER BY h.address LIMIT 5",
	        u[1], arena_printf(d->a, "%s~", u[1]), 2, &hh, &nh, e))
		return -1;
	const char **ids = arena_alloc(d->a, (nh + 1) * sizeof(*ids));
	for (size_t h = 0; h < nh; h++)
		ids[h] = hh[2 * h];
	return give(d, "party_contact", u[0], person, NULL, "2022-07-01", NULL, NULL, ids, nh, e);
}

/* an account dy<suffix> for the first secretary stationed in village v */
static int first_secretary(struct demo *d, const char *v, int k, struct err *e)
{
	static const char *const names[] = { "霍志远", "段晓明", "梁静怡", "闫文博", "曹晋峰" };
	const char *id;
	char pw[17];
	auth_random_password(pw);
	if (accounts_user_create(d->db, d->who, arena_printf(d->a, "dy%s", v + 9),
	                         names[(k / 5) % 5], v, pw, &id, e) ||
	    accounts_grant(d->db, d->who, id, "first_secretary", v, NULL, e))
		return -1;
	return give(d, "first_secretary", v, NULL, id, "2024-06-01", NULL, NULL, NULL, 0, e);
}

int duties_demo(struct db *db, const struct actor *who, struct arena *a, int64_t *made,
                struct err *e)
{
	struct demo d = { db, who, a, 0, 0 };
	const char **v;
	size_t n;
	if (rows(&d,
	         "SELECT v.id, v.path FROM places v WHERE v.kind IN (?, ?) AND v.status = "
	         "'active' AND EXISTS (SELECT 1 FROM households h JOIN places p ON p.id = "
	         "h.place_id WHERE p.path >= v.path AND p.path < v.path || '~') ORDER BY v.id",
	         "village", "community", 2, &v, &n, e))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *id = v[2 * i], *path = v[2 * i + 1], *real = NULL, *user = NULL,
		           *person = NULL, *past = NULL, *liaison = NULL;
		int k = (int)i, town = !strncmp(id, "140406101", 9);
		if (db_get_text(
		        db, e, &real,
		        "SELECT id FROM persons WHERE note LIKE '%党支部书记%' AND place_id IN "
		        "(SELECT id FROM places WHERE path >= ? AND path < ?) ORDER BY name",
		        DB_ARGS(DB_T(path), DB_T(arena_printf(a, "%s~", path)))) < 0 ||
		    account(&d, id, "branch_secretary", &user, e) ||
		    (!real && !user && resident(&d, path, 0, &person, e)) ||
		    (k % 4 == 1 && resident(&d, path, 1, &past, e)))
			return -1;
		if (real)
			user = NULL;
		if (give(&d, "branch_secretary", id, real ? real : person, user, "2021-05-01", past,
		         "2018-04-01", NULL, 0, e) ||
		    account(&d, id, "village_liaison", &liaison, e) ||
		    give(&d, "village_liaison", id, NULL, liaison, "2023-03-01", NULL, NULL, NULL,
		         0, e) ||
		    (town && k % 5 == 2 && first_secretary(&d, id, k, e)) ||
		    leaders(&d, id, "natural_village", "area_leader", 0, e) ||
		    leaders(&d, id, "group", "group_leader", 1, e) || grid_workers(&d, id, k, e) ||
		    compounds(&d, id, e) || (k % 6 == 3 && party_contact(&d, id, path, e)))
			return -1;
	}
	*made = d.made;
	return 0;
}
