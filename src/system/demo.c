/*
 * demo.c - `cunwu demo`: 微子镇 of 潞城区, 长治市, 山西省 from the NBS codes, with the
 * accounts a town really has: the three separated administrators, the town leader,
 * village liaison cadres (包村干部) over several villages each, and a branch secretary
 * and a grid worker in every village. Names are synthetic but drawn the way Shanxi
 * names are; the generator is seeded, so every demo is the same town.
 * Later modules add their demo data here.
 */
#include "system.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/config.h"
#include "core/crypt.h"
#include "people/people.h"
#include "places/places.h"
#include "core/banned.h"

#define DEMO_TOWN   "140406101"
#define DEMO_COUNTY "140406"
#define TOWN_ID     "140406101000"

static uint32_t demo_rng = 20261129;

static uint32_t next(void)
{
	demo_rng ^= demo_rng << 13;
	demo_rng ^= demo_rng >> 17;
	demo_rng ^= demo_rng << 5;
	return demo_rng;
}

static const char *person_name(struct arena *a)
{
	static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "郝",
		                                "申", "牛", "秦", "冯", "贾", "韩", "宋", "常" };
	static const char *const given[] = { "建国", "红梅", "志强", "秀英", "海军", "丽娟",
		                             "国栋", "玉兰", "晓东", "俊峰", "美玲", "永胜",
		                             "淑芬", "文斌", "翠萍", "宏伟", "春燕", "鹏飞" };
	return arena_printf(a, "%s%s", surnames[next() % 16], given[next() % 18]);
}

static int add_user(struct cli *c, const char *login, const char *name, const char *place,
                    const char *role, const char *password, struct err *e)
{
	const char *id;
	char pw[17];
	if (!password) {
		auth_random_password(pw);
		password = pw;
	}
	if (accounts_user_create(c->db, &c->actor, login, name, place, password, &id, e) ||
	    (role && accounts_grant(c->db, &c->actor, id, role, place, NULL, e)))
		return -1;
	return 0;
}

static int grant(struct cli *c, const char *login, const char *role, const char *place,
                 struct err *e)
{
	struct user u;
	if (accounts_user_by_login(c->db, login, &u, NULL, e) != 1)
		return -1;
	return accounts_grant(c->db, &c->actor, u.id, role, place, NULL, e);
}

static void remove_demo(struct cli *c, const char *path)
{
	const char *suffix[] = { "", "-wal", "-shm", ".key" };
	for (size_t i = 0; i < 4; i++)
		unlink(arena_printf(&c->arena, "%s%s", path, suffix[i]));
	/* the media folder of a demo holds nothing but what the demo made */
	const char *m = system_media_path(&c->arena, path);
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", m);
	if (strchr(m, '\'') == NULL && system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", m);
}

/*
 * The people of every village loaded: about 20,000 in the town (380 households a village,
 * give or take a third), about 500,000 with --scale county.
 */
static int demo_people(struct cli *c, const struct nbs_row *rows, size_t n, int county,
                       int64_t *persons, struct err *e)
{
	size_t villages = 0;
	for (size_t i = 0; i < n; i++)
		villages += rows[i].level == 4;
	if (!villages)
		return 0;
	if (!crypt_loaded() && crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	struct people_demo_place *pl = arena_alloc(&c->arena, villages * sizeof(*pl));
	int per = county ? (int)(500000 / 29 * 10 / (int64_t)villages) : 380;
	uint64_t s = 20261129;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].level != 4)
			continue;
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		pl[k].place_id = rows[i].code;
		pl[k].households = per * 2 / 3 + (int)((s >> 33) % (uint64_t)(per * 2 / 3 + 1));
		pl[k].address_fmt = arena_printf(&c->arena, "%s%%d号",
		                                 places_short_name(&c->arena, rows[i].name, NULL));
		k++;
	}
	return people_demo(c->db, &c->actor, &c->arena, pl, k, 1404061, persons, e);
}

int system_demo(struct cli *c, struct err *e)
{
	int force = cli_flag(c, "--force");
	const char *scale = cli_opt(c, "--scale");
	if (cli_end(c, e))
		return -1;
	if (scale && strcmp(scale, "town") && strcmp(scale, "county"))
		return err_invalid(e, "demo.scale", "scale", "--scale is town or county, not '%s'",
		                   scale);
	int county = scale && !strcmp(scale, "county");
	if (!strcmp(config_source("db"), "default"))
		c->db_url = "demo.db";
	int pg = !strncmp(c->db_url, "postgres", 8);
	if (!pg && access(c->db_url, F_OK) == 0) {
		if (!force)
			return err_invalid(e, "demo.exists", "db",
			                   "'%s' exists; serve it, or pass --force to make it anew",
			                   c->db_url);
		remove_demo(c, c->db_url);
	}
	if (db_open(&c->db, c->db_url, 1, e))
		return -1;
	db_set_arena(c->db, &c->arena);
	if (system_init_db(c, e) < 0)
		return -1;
	if (pg) { /* a PostgreSQL database is made by its administrator; it must be empty */
		int64_t n = 0;
		if (db_get_int(c->db, e, &n, "SELECT count(*) FROM users", DB_ARGS(DB_NOARGS)) < 0)
			return -1;
		if (n > 0)
			return err_invalid(e, "demo.exists", "db",
			                   "the database already holds accounts; give the demo an "
			                   "empty one");
	}

	size_t len, n;
	const char *text = places_nbs_shanxi(&len);
	struct nbs_row *rows;
	int64_t added;
	/* the county: every town of Lucheng and its villages, people in all of them */
	if (places_nbs_parse(&c->arena, text, len, county ? DEMO_COUNTY : DEMO_TOWN, &rows, &n, e))
		return -1;

	char admin_pw[17], sec_pw[17], aud_pw[17];
	auth_random_password(admin_pw);
	auth_random_password(sec_pw);
	auth_random_password(aud_pw);
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = places_load(c->db, &c->actor, rows, n, &added, e) ||
	         add_user(c, "admin", "系统管理员", TOWN_ID, "sysadmin", admin_pw, e) ||
	         grant(c, "admin", "town_leader", TOWN_ID, e) ||
	         add_user(c, "security", "安全管理员", TOWN_ID, "secadmin", sec_pw, e) ||
	         add_user(c, "auditor", "审计管理员", TOWN_ID, "auditor", aud_pw, e) ||
	         add_user(c, "leader", person_name(&c->arena), TOWN_ID, "town_leader", NULL, e);
	/* villages: a liaison cadre for every six, a secretary and a grid worker in each */
	int village = 0, liaison = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		if (rows[i].level != 4 || strncmp(rows[i].code, DEMO_TOWN, 9))
			continue;
		const char *code = rows[i].code, *suffix = code + 9;
		if (village % 6 == 0) {
			liaison++;
			/* the liaison's grants are over villages, not the town */
			rc = add_user(c, arena_printf(&c->arena, "bc%d", liaison),
			              person_name(&c->arena), TOWN_ID, NULL, NULL, e);
		}
		if (!rc)
			rc = grant(c, arena_printf(&c->arena, "bc%d", liaison), "village_liaison",
			           code, e);
		if (!rc)
			rc = add_user(c, arena_printf(&c->arena, "sj%s", suffix),
			              person_name(&c->arena), code, "branch_secretary", NULL, e);
		if (!rc)
			rc = add_user(c, arena_printf(&c->arena, "wg%s", suffix),
			              person_name(&c->arena), code, "grid_worker", NULL, e);
		village++;
	}
	int64_t persons = 0;
	if (!rc)
		rc = demo_people(c, rows, n, county, &persons, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("demo: %s — 微子镇 (%s) with %d villages, %lld places, %lld people, accounts for "
	       "every village\n\n",
	       c->db_url, TOWN_ID, village, (long long)added, (long long)persons);
	printf("  administrator  admin     %s\n", admin_pw);
	printf("  security       security  %s\n", sec_pw);
	printf("  auditor        auditor   %s\n\n", aud_pw);
	printf("These passwords are shown once. Reset one with: cunwu --db %s user passwd LOGIN\n",
	       c->db_url);
	return 0;
}
