/*
 * demo.c - unit tests of `cunwu demo` (src/system/demo.c): the town demo is made twice, in
 * two temporary folders, and read back. Its structure (微子镇's villages with natural
 * villages or groups, rural houses and grids, a grid worker each), the two compounds of
 * 金胜 governed jointly by one grid, the real people of the seed page without ID number or
 * phone, and the same rows both times, but for ids, times and what the key seals.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "../unit.h"

#include "core/config.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "system/system.h"
#include "core/banned.h"

struct run {
	char dir[64], path[128];
	struct db *db;
	struct arena a;
};

static struct run runs[2];

/* `cunwu demo` in run's folder (its default database, demo.db there), stdout muted */
static int make_demo(struct run *r, struct err *e)
{
	char cwd[4096];
	snprintf(r->dir, sizeof(r->dir), "/tmp/cunwu-demo-XXXXXX");
	if (!mkdtemp(r->dir) || !getcwd(cwd, sizeof(cwd)) || chdir(r->dir))
		return -1;
	struct cli c;
	memset(&c, 0, sizeof(c));
	arena_init(&c.arena, 0);
	c.db_url = config_str("db");
	c.actor.kind = "cli";
	c.actor.name = "cli:test";
	fflush(stdout);
	int out = dup(1), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	int rc = system_demo(&c, e);
	fflush(stdout);
	dup2(out, 1);
	close(out);
	close(null);
	if (c.db)
		db_close(c.db);
	arena_release(&c.arena);
	snprintf(r->path, sizeof(r->path), "%s/demo.db", r->dir);
	if (chdir(cwd) || rc)
		return -1;
	arena_init(&r->a, 0);
	if (db_open(&r->db, r->path, 0, e))
		return -1;
	db_set_arena(r->db, &r->a);
	return 0;
}

static int group_setup(void **state)
{
	struct err e;
	(void)state;
	err_clear(&e);
	log_set_level(LOG_OFF);
	config_init();
	db_global_init();
	if (sodium_init() < 0 || config_set("auth.argon2_memory_kib", "8192", "test", &e) ||
	    config_set("auth.argon2_ops", "1", "test", &e))
		return -1;
	for (int i = 0; i < 2; i++)
		if (make_demo(&runs[i], &e)) {
			fprintf(stderr, "demo: %s\n", e.msg);
			return -1;
		}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		if (runs[i].db)
			unit_db_close(runs[i].dir, runs[i].db, &runs[i].a);
	config_free();
	return 0;
}

static int64_t count(struct db *db, const char *sql, const char *arg)
{
	struct err e;
	int64_t n = -1;
	err_clear(&e);
	if (db_get_int(db, &e, &n, sql, arg ? DB_ARGS(DB_T(arg)) : DB_ARGS(DB_NOARGS)) != 1)
		fail_msg("%s: %s", sql, e.msg);
	return n;
}

/* every village of 微子镇: 2 to 5 natural villages or groups, 1 or 2 grids over them, a
 * grid worker over each grid and the village's own wgNNN over the village */
static void test_villages(void **state)
{
	struct db *db = runs[0].db;
	struct err e;
	(void)state;
	err_clear(&e);
	struct db_stmt *st = db_query(
	    db, &e,
	    "SELECT v.id, v.name, "
	    "(SELECT count(*) FROM places u WHERE u.parent_id = v.id "
	    "AND u.kind IN ('natural_village', 'group')), "
	    "(SELECT count(*) FROM places g WHERE g.parent_id = v.id AND g.kind = 'grid'), "
	    "(SELECT count(*) FROM grants t JOIN users u ON u.id = t.user_id "
	    "JOIN places g ON g.id = t.place_id WHERE g.parent_id = v.id AND "
	    "g.kind = 'grid' AND t.role_id = 'grid_worker' AND u.login LIKE 'wg%-_'), "
	    "(SELECT count(*) FROM grants t JOIN users u ON u.id = t.user_id "
	    "WHERE t.place_id = v.id AND u.login = 'wg' || substr(v.id, 10)) "
	    "FROM places v WHERE v.kind = 'village' AND v.path LIKE '%/140406101000/%'",
	    DB_NOARGS);
	int villages = 0;
	while (db_step(st, &e) == 1) {
		const char *name = db_text(st, 1);
		int64_t units = db_int(st, 2), grids = db_int(st, 3), workers = db_int(st, 4);
		if (units < 2 || units > 5 || grids < 1 || grids > 2 || workers != grids ||
		    db_int(st, 5) != 1)
			fail_msg("%s: %lld units, %lld grids, %lld grid workers, wg %lld", name,
			         (long long)units, (long long)grids, (long long)workers,
			         (long long)db_int(st, 5));
		villages++;
	}
	assert_int_equal(villages, 18);
	/* natural villages with groups inside them too */
	assert_true(count(db,
	                  "SELECT count(*) FROM places g JOIN places n ON n.id = g.parent_id "
	                  "WHERE g.kind = 'group' AND n.kind = 'natural_village'",
	                  NULL) > 0);
	/* every household of the town in a rural house: a dwelling with its house number,
	 * under a natural village or group, covered by a grid of its own village */
	const char *town = "%/140406101000/%";
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM households h JOIN places d ON d.id = "
	                       "h.place_id JOIN places u ON u.id = d.parent_id WHERE d.path LIKE "
	                       "? AND NOT (d.kind = 'dwelling' AND d.room LIKE '%号' AND u.kind "
	                       "IN ('natural_village', 'group') AND d.gpath IS NOT NULL AND "
	                       "substr(d.path, 1, 66) = substr(d.gpath, 1, 66))",
	                       town),
	                 0);
	assert_true(count(db,
	                  "SELECT count(*) FROM households h JOIN places d ON d.id = "
	                  "h.place_id WHERE d.path LIKE ?",
	                  town) > 6000);
	/* some houses stand empty */
	assert_true(count(db,
	                  "SELECT count(*) FROM places d WHERE d.kind = 'dwelling' AND d.path "
	                  "LIKE ? AND NOT EXISTS (SELECT 1 FROM households h WHERE h.place_id = "
	                  "d.id)",
	                  town) > 50);
	/* 20,000 people or so, with valid synthetic ID numbers of Lucheng */
	int64_t people = count(db, "SELECT count(*) FROM persons WHERE region = '140406'", NULL);
	assert_true(people > 18000 && people < 26000);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM persons WHERE region = '140406' AND "
	                       "id_hash IS NULL AND name <> '张玉刚'",
	                       NULL),
	                 0);
}

/* 政府宿舍小区 of 金胜一社区 and 新村小区 of 新村社区: one grid of 金胜一社区 over both */
static void test_joint_grid(void **state)
{
	struct db *db = runs[0].db;
	(void)state;
	assert_int_equal(
	    count(db,
	          "SELECT count(*) FROM grid_places gp JOIN places g ON g.id = gp.grid_id "
	          "JOIN places c ON c.id = gp.place_id WHERE g.kind = 'grid' AND g.parent_id = "
	          "'140110100002' AND c.kind = 'compound' AND ((c.name = '政府宿舍小区' AND "
	          "c.parent_id = '140110100002') OR (c.name = '新村小区' AND c.parent_id = "
	          "'140110100017'))",
	          NULL),
	    2);
	/* the households of both are in the grid (through a micro-grid each), so its
	 * worker sees them */
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM households h JOIN places d ON d.id = "
	                       "h.place_id WHERE d.path LIKE '%/140110100000/%' AND (d.gpath IS "
	                       "NULL OR d.gpath NOT LIKE (SELECT g.path || '%' FROM places g JOIN "
	                       "grants t ON t.place_id = g.id JOIN users u ON u.id = t.user_id "
	                       "WHERE u.login = 'wg-jinsheng1-1'))",
	                       NULL),
	                 0);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM places WHERE kind = 'micro_grid' AND path "
	                       "LIKE '%/140110100002/%'",
	                       NULL),
	                 2);
	/* the dormitory: buildings, units, floors, rooms as dwellings with floor, room and
	 * area; some empty; mostly the elderly, many alone */
	const char *dorm = "SELECT %s FROM places d JOIN places c ON d.path LIKE c.path || '%%' "
	                   "%s WHERE c.name = '政府宿舍小区' AND d.kind = 'dwelling' %s";
	struct arena a;
	arena_init(&a, 0);
	int64_t rooms = count(db, arena_printf(&a, dorm, "count(*)", "", ""), NULL);
	assert_true(rooms >= 48);
	assert_int_equal(count(db,
	                       arena_printf(&a, dorm, "count(*)", "",
	                                    "AND (d.floor IS NULL OR d.room IS NULL OR d.area "
	                                    "IS NULL OR d.depth <> 8)"),
	                       NULL),
	                 0);
	int64_t lived = count(db,
	                      arena_printf(&a, dorm, "count(DISTINCT d.id)",
	                                   "JOIN households h ON h.place_id = d.id", ""),
	                      NULL);
	assert_true(lived < rooms && lived > rooms / 2);
	int64_t people =
	    count(db, arena_printf(&a, dorm, "count(*)", "JOIN persons p ON p.place_id = d.id", ""),
	          NULL);
	int64_t old =
	    count(db,
	          arena_printf(&a, dorm, "count(*)", "JOIN persons p ON p.place_id = d.id",
	                       "AND p.birth_date <= date('now', '-60 years')"),
	          NULL);
	int64_t alone = count(db,
	                      arena_printf(&a, dorm, "count(*)",
	                                   "JOIN persons p ON p.place_id = d.id JOIN person_tags "
	                                   "t ON t.person_id = p.id",
	                                   "AND t.tag_id = 'elderly_alone'"),
	                      NULL);
	arena_release(&a);
	assert_true(old * 2 > people);
	assert_true(alone * 5 > lived);
	/* the property company of 新村 serves the dormitory, which has none of its own */
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM orgs o JOIN places c ON c.id = o.place_id "
	                       "WHERE c.name = '新村小区' AND o.note LIKE '%无物业%'",
	                       NULL),
	                 1);
}

/* the people the seed page names: registered once each, no ID number, phone or birth
 * date; no synthetic person has their name */
static void test_real_people(void **state)
{
	static const char *const real[] = { "张玉刚", "崔红伟", "郭卫斌" };
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct db *db = runs[0].db;
		assert_int_equal(count(db, "SELECT count(*) FROM persons WHERE name = ?", real[i]),
		                 1);
		assert_int_equal(
		    count(db,
		          "SELECT count(*) FROM persons WHERE name = ? AND id_kind IS "
		          "NULL AND id_enc IS NULL AND id_hash IS NULL AND id_masked IS "
		          "NULL AND phone_enc IS NULL AND phone_hash IS NULL AND "
		          "phone_masked IS NULL AND birth_date IS NULL AND sex IS NULL "
		          "AND note LIKE '%见报道%'",
		          real[i]),
		    1);
	}
	struct db *db = runs[0].db;
	/* 张玉刚 in 漫流河村; the other two in 陈家峪村, with its cooperative */
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM persons p JOIN places d ON d.id = p.place_id "
	                       "WHERE (p.name = '张玉刚' AND d.path LIKE '%/140406101218/%') OR "
	                       "(p.name IN ('崔红伟', '郭卫斌') AND d.path LIKE "
	                       "'%/140428202221/%')",
	                       NULL),
	                 3);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM orgs WHERE place_id = '140428202221' AND "
	                       "kind = 'cooperative' AND name = '陈家峪村东洼股份经济合作社' AND "
	                       "phone_enc IS NULL AND uscc IS NULL",
	                       NULL),
	                 1);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM users u JOIN grants t ON t.user_id = u.id "
	                       "WHERE t.role_id = 'branch_secretary' AND ((u.login = "
	                       "'sj-chenjiayu' AND t.place_id = '140428202221') OR (u.login = "
	                       "'sj-jinsheng1' AND t.place_id = '140110100002'))",
	                       NULL),
	                 2);
}

/* the chain: a branch secretary in every village, the seed page's real ones where the page
 * names them, hand-overs in the past, grid workers but for two vacant grids, building
 * leaders in 政府宿舍小区 */
static void test_duties(void **state)
{
	struct db *db = runs[0].db;
	(void)state;
	assert_int_equal(
	    count(db,
	          "SELECT count(*) FROM places v WHERE v.path LIKE ? AND v.kind = "
	          "'village' AND NOT EXISTS (SELECT 1 FROM duties d WHERE d.place_id = "
	          "v.id AND d.role = 'branch_secretary' AND d.to_date IS NULL)",
	          "%/140406101000/%"),
	    0);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM duties d JOIN persons y ON y.id = d.person_id "
	                       "WHERE d.role = 'branch_secretary' AND d.to_date IS NULL AND "
	                       "y.name IN ('张玉刚', '崔红伟') AND d.holder_name = y.name",
	                       NULL),
	                 2);
	assert_true(count(db, "SELECT count(*) FROM duties WHERE prev_id IS NOT NULL", NULL) >= 5);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM places g WHERE g.kind = 'grid' AND NOT EXISTS "
	                       "(SELECT 1 FROM duties d WHERE d.place_id = g.id AND d.to_date IS "
	                       "NULL)",
	                       NULL),
	                 2);
	assert_int_equal(count(db,
	                       "SELECT count(DISTINCT d.place_id) FROM duties d JOIN places b ON "
	                       "b.id = d.place_id JOIN places c ON c.id = b.parent_id WHERE "
	                       "d.role = 'building_leader' AND d.to_date IS NULL AND c.name = ?",
	                       "政府宿舍小区"),
	                 4);
	assert_true(count(db, "SELECT count(*) FROM duty_households", NULL) >= 10);
}

/* requests over 微子镇 at every stage, routed by the chain: most to a grid worker or an
 * area or group leader, none to nobody's name in a village with a secretary */
static void test_requests(void **state)
{
	struct db *db = runs[0].db;
	(void)state;
	assert_int_equal(count(db, "SELECT count(*) FROM requests", NULL), 36);
	assert_true(count(db, "SELECT count(DISTINCT status) FROM requests", NULL) >= 6);
	assert_true(count(db,
	                  "SELECT count(*) FROM requests WHERE handler_role IN ('grid_worker', "
	                  "'group_leader', 'area_leader')",
	                  NULL) >= 18);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM requests WHERE handler_duty_id IS NULL AND "
	                       "handler_role <> 'town'",
	                       NULL),
	                 0);
	assert_int_equal(
	    count(db,
	          "SELECT count(*) FROM requests WHERE status IN ('resolved', "
	          "'followed_up', 'closed') AND (reply IS NULL OR resolved_at IS NULL)",
	          NULL),
	    0);
	assert_int_equal(count(db,
	                       "SELECT count(*) FROM requests q WHERE (SELECT count(*) FROM "
	                       "request_events x WHERE x.request_id = q.id AND x.action IN "
	                       "('submit', 'route')) <> 2",
	                       NULL),
	                 0);
}

/*
 * Everything the demo wrote, one line a row, with places named by their path of names
 * instead of ids; no times, no sealed values or keyed hashes (the key differs), no
 * passwords. Sorted, so the order of equal ULIDs does not matter.
 */
static const char *const dump_sql =
    "WITH RECURSIVE np(id, n) AS (SELECT id, name FROM places WHERE parent_id IS NULL "
    "UNION ALL SELECT p.id, np.n || '/' || p.name FROM places p JOIN np ON p.parent_id = np.id), "
    "hk(id, k) AS (SELECT h.id, np.n || ' ' || h.address FROM households h "
    "JOIN np ON np.id = h.place_id), "
    "pk(id, k) AS (SELECT p.id, hk.k || ' ' || p.name || ' ' || p.relation || ' ' || "
    "coalesce(p.birth_date, '') FROM persons p JOIN hk ON hk.id = p.household_id) "
    "SELECT x FROM ("
    "SELECT 'P ' || np.n || '|' || p.kind || '|' || p.tree || '|' || coalesce(p.code, '') || "
    "'|' || coalesce(p.floor, '') || '|' || coalesce(p.room, '') || '|' || "
    "coalesce(p.area, '') || '|' || p.status || '|' || coalesce(gn.n, '') AS x "
    "FROM places p JOIN np ON np.id = p.id LEFT JOIN places g ON g.path = p.gpath "
    "LEFT JOIN np gn ON gn.id = g.id "
    "UNION ALL SELECT 'C ' || gn.n || '|' || pn.n FROM grid_places gp "
    "JOIN np gn ON gn.id = gp.grid_id JOIN np pn ON pn.id = gp.place_id "
    "UNION ALL SELECT 'H ' || hk.k || '|' || h.kind || '|' || h.status || '|' || "
    "coalesce(h.hukou_no, '') || '|' || h.note || '|' || coalesce(hp.name, '') "
    "FROM households h JOIN hk ON hk.id = h.id LEFT JOIN persons hp ON hp.id = h.head_id "
    "UNION ALL SELECT 'M ' || pk.k || '|' || p.status || '|' || coalesce(p.id_kind, '') || "
    "'|' || coalesce(p.id_masked, '') || '|' || coalesce(p.sex, '') || '|' || "
    "coalesce(p.phone_masked, '') || '|' || p.name_pinyin || '|' || p.note "
    "FROM persons p JOIN pk ON pk.id = p.id "
    "UNION ALL SELECT 'T ' || pk.k || '|' || t.tag_id || '|' || t.source || '|' || t.as_of "
    "FROM person_tags t JOIN pk ON pk.id = t.person_id "
    "UNION ALL SELECT 'U ' || hk.k || '|' || t.tag_id || '|' || t.source || '|' || t.as_of "
    "FROM household_tags t JOIN hk ON hk.id = t.household_id "
    "UNION ALL SELECT 'O ' || np.n || '|' || o.name || '|' || o.kind || '|' || o.address || "
    "'|' || o.contact_name || '|' || coalesce(o.phone_masked, '') || '|' || o.note "
    "FROM orgs o JOIN np ON np.id = o.place_id "
    "UNION ALL SELECT 'A ' || u.login || '|' || u.name || '|' || np.n || '|' || u.disabled "
    "FROM users u JOIN np ON np.id = u.place_id "
    "UNION ALL SELECT 'G ' || u.login || '|' || t.role_id || '|' || np.n FROM grants t "
    "JOIN users u ON u.id = t.user_id JOIN np ON np.id = t.place_id "
    "UNION ALL SELECT 'L ' || entity || '|' || action || '|' || count(*) FROM audit_log "
    "GROUP BY entity, action "
    "UNION ALL SELECT 'Y ' || action || '|' || count(*) FROM place_history GROUP BY action "
    "UNION ALL SELECT 'D ' || d.role || '|' || np.n || '|' || d.holder_name || '|' || "
    "d.from_date || '|' || coalesce(d.to_date, '') || '|' || (d.prev_id IS NOT NULL) "
    "FROM duties d JOIN np ON np.id = d.place_id "
    "UNION ALL SELECT 'DH ' || d.role || '|' || np.n || '|' || d.holder_name || '|' || hk.k "
    "FROM duty_households x JOIN duties d ON d.id = x.duty_id JOIN np ON np.id = d.place_id "
    "JOIN hk ON hk.id = x.household_id "
    "UNION ALL SELECT 'R ' || q.category_id || '|' || np.n || '|' || q.title || '|' || "
    "q.status || '|' || q.source || '|' || coalesce(q.external_no, '') || '|' || "
    "q.handler_role || '|' || coalesce(q.handler_name, '') || '|' || "
    "coalesce(q.satisfaction, '') || '|' || coalesce(q.reply, '') FROM requests q "
    "JOIN np ON np.id = q.place_id "
    "UNION ALL SELECT 'RE ' || action || '|' || status_after || '|' || count(*) "
    "FROM request_events GROUP BY action, status_after "
    "UNION ALL SELECT 'XT ' || name || '|' || kind || '|' || region || '|' || ncols || '|' || "
    "data_first || '|' || columns || '|' || layout FROM export_templates"
    ") ORDER BY x";

static const char *dump(struct run *r, size_t *lines)
{
	struct err e;
	struct strbuf sb;
	err_clear(&e);
	strbuf_init(&sb, &r->a, 0);
	*lines = 0;
	struct db_stmt *st = db_query(r->db, &e, dump_sql, DB_NOARGS);
	int rc;
	while ((rc = db_step(st, &e)) == 1) {
		strbuf_adds(&sb, db_text(st, 0));
		strbuf_addch(&sb, '\n');
		++*lines;
	}
	if (rc < 0)
		fail_msg("dump: %s", e.msg);
	return sb.buf;
}

/* two demos are the same demo */
static void test_same_twice(void **state)
{
	(void)state;
	size_t n0, n1;
	const char *d0 = dump(&runs[0], &n0), *d1 = dump(&runs[1], &n1);
	assert_true(n0 > 40000);
	if (strcmp(d0, d1)) {
		size_t i = 0, line = 1;
		while (d0[i] && d0[i] == d1[i])
			line += d0[i++] == '\n';
		while (i && d0[i - 1] != '\n')
			i--;
		fail_msg("the demos differ at line %zu of %zu:\n  %.200s\n  %.200s", line, n0,
		         d0 + i, d1 + i);
	}
	assert_int_equal(n0, n1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_villages),    cmocka_unit_test(test_joint_grid),
		cmocka_unit_test(test_real_people), cmocka_unit_test(test_duties),
		cmocka_unit_test(test_requests),    cmocka_unit_test(test_same_twice),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
