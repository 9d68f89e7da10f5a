/*
 * demo.c - `cunwu demo`: the places of the seed newspaper page, with the structure, people,
 * grids and accounts they really have.
 *
 * 微子镇 of 潞城区, 长治市, 山西省 from the NBS codes: its 18 villages, each with two to five
 * natural villages (自然村) or villagers' groups (村民小组), or two natural villages with
 * their groups; rural houses at them (a dwelling each, its house number in room, a few
 * empty); one grid over them, two in a village of 400 households or more; about 21,000
 * synthetic people (people_demo). The accounts a town has: the three separated
 * administrators, the town leader, village liaison cadres (包村干部) over six villages each,
 * a branch secretary (sjNNN) and a grid worker (wgNNN, the village's 网格长) over each
 * village, and a grid worker over each grid (wgNNN-1, wgNNN-2).
 *
 * The two other places the page reports, from the same NBS file: 长子县常张乡陈家峪村 with
 * its 东洼股份经济合作社 (a cooperative) and a few households; 太原市晋源区金胜镇's 金胜一社区
 * with the 1970 政府宿舍小区 (walk-ups of buildings × units × floors × rooms, mostly the
 * elderly, many alone, no property management) and the 新村小区 of the neighbouring 新村社区,
 * both covered by one grid of 金胜一社区: governed jointly (联合共治), a micro-grid each.
 *
 * The real people the page names (张玉刚, 崔红伟, 郭卫斌) are registered with their public
 * role as a note and no identity number, phone, birth date or sex: nothing about them is
 * made up. Accounts' names are synthetic, theirs too.
 *
 * Names are drawn the way Shanxi names are and every generator is seeded, so every demo is
 * the same (ages are reckoned from today). --scale county fills every village of Lucheng
 * (about 560,000 people; outside 微子镇 at the village place itself).
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
#include "core/media.h"
#include "core/util.h"
#include "duties/duties.h"
#include "people/people.h"
#include "tabular/tabular.h"
#include "places/places.h"
#include "requests/requests.h"
#include "tabular/tabular.h"
#include "core/banned.h"

#define DEMO_TOWN   "140406101"
#define DEMO_COUNTY "140406"
#define TOWN_ID     "140406101000"
#define MANLIUHE    "140406101218" /* 漫流河村 */
#define CHENJIAYU   "140428202221" /* 长子县常张乡陈家峪村 */
#define JINSHENG1   "140110100002" /* 晋源区金胜镇金胜一社区 */
#define XINCUN      "140110100017" /* 金胜镇新村社区, where 新村小区 is */
#define JINYUAN     "140110"       /* 晋源区: the area code of its people's ID numbers */
#define CHANGZI     "140428"       /* 长子县 */

struct demo {
	struct cli *c;
	uint32_t names;                 /* xorshift32 of the accounts' names */
	uint64_t rng;                   /* LCG of the places */
	struct people_demo_place *fill; /* who lives where, for people_demo */
	size_t nfill, cap;
	char today[11];
	int64_t places, units, grids, houses, empty, accounts, real;
};

static const char *person_name(struct demo *d)
{
	static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "郝",
		                                "申", "牛", "秦", "冯", "贾", "韩", "宋", "常" };
	static const char *const given[] = { "建国", "红梅", "志强", "秀英", "海军", "丽娟",
		                             "国栋", "玉兰", "晓东", "俊峰", "美玲", "永胜",
		                             "淑芬", "文斌", "翠萍", "宏伟", "春燕", "鹏飞" };
	uint32_t *s = &d->names, pick[2];
	for (int i = 0; i < 2; i++) {
		*s ^= *s << 13;
		*s ^= *s >> 17;
		*s ^= *s << 5;
		pick[i] = *s;
	}
	return arena_printf(&d->c->arena, "%s%s", surnames[pick[0] % 16], given[pick[1] % 18]);
}

/* 0 .. n-1 */
static int draw(struct demo *d, int n)
{
	d->rng = d->rng * 6364136223846793005ull + 1442695040888963407ull;
	return (int)((d->rng >> 33) % (uint64_t)n);
}

static int add_user(struct demo *d, const char *login, const char *name, const char *place,
                    const char *role, const char *password, struct err *e)
{
	struct cli *c = d->c;
	const char *id;
	char pw[17];
	if (!password) {
		auth_random_password(pw);
		password = pw;
	}
	if (accounts_user_create(c->db, &c->actor, login, name, place, password, &id, e) ||
	    (role && accounts_grant(c->db, &c->actor, id, role, place, NULL, e)))
		return -1;
	d->accounts++;
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

/* ---- places ---- */

static int place(struct demo *d, const char *parent, const char *kind, const char *name,
                 const struct place_attrs *a, const char **id, struct err *e)
{
	if (places_create(d->c->db, &d->c->actor, parent, kind, name, a, id, e))
		return -1;
	d->places++;
	return 0;
}

/* n households at place_id, for people_demo (address_fmt numbers them; else address) */
static void lives(struct demo *d, const char *place_id, int n, const char *address_fmt,
                  const char *address, const char *area, enum people_demo_mix mix)
{
	if (d->nfill == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		d->fill = arena_realloc(&d->c->arena, d->fill, d->cap * sizeof(*d->fill),
		                        cap * sizeof(*d->fill));
		d->cap = cap;
	}
	struct people_demo_place *p = &d->fill[d->nfill++];
	*p = (struct people_demo_place){ place_id, n, address_fmt, address, area, mix };
}

/*
 * A grid or micro-grid named name under parent, covering cover[0..n); with login, the grid
 * worker granted it (an account with a synthetic name). *id gets the grid.
 */
static int grid(struct demo *d, const char *parent, const char *kind, const char *name,
                const char *const *cover, size_t n, const char *login, const char **id,
                struct err *e)
{
	if (place(d, parent, kind, name, NULL, id, e) ||
	    places_coverage_set(d->c->db, &d->c->actor, *id, cover, n, NULL, NULL, e) ||
	    (login && add_user(d, login, person_name(d), *id, "grid_worker", NULL, e)))
		return -1;
	d->grids++;
	return 0;
}

/* A rural house: a dwelling under unit, house number no ("12号") in room and as its name;
 * *address gets prefix + the number. */
static int house(struct demo *d, const char *unit, const char *prefix, int no, const char **id,
                 const char **address, struct err *e)
{
	struct place_attrs a = { 0 };
	a.has = PLACE_ROOM | PLACE_AREA;
	a.room = arena_printf(&d->c->arena, "%d号", no);
	a.area = (80 + draw(d, 160)) * 100 + 25 * draw(d, 4); /* a courtyard house, m² */
	if (place(d, unit, "dwelling", a.room, &a, id, e))
		return -1;
	d->houses++;
	*address = arena_printf(&d->c->arena, "%s%s", prefix, a.room);
	return 0;
}

/* A real person of the seed page: their public role as the note, nothing made up. */
struct real {
	const char *name, *note;
	int party; /* a party member: every branch secretary is one */
};

/* A household of its own for r, in a new house at unit. */
static int real_household(struct demo *d, const char *unit, const char *prefix, int no,
                          const struct real *r, struct err *e)
{
	struct cli *c = d->c;
	const char *house_id, *address, *household, *person;
	struct household_in h = { 0 };
	struct person_in p = { 0 };
	if (house(d, unit, prefix, no, &house_id, &address, e))
		return -1;
	h.place_id = house_id;
	h.address = address;
	h.kind = "registered";
	if (people_household_create(c->db, &c->actor, &h, &household, e))
		return -1;
	p.household_id = household;
	p.name = r->name;
	p.relation = "head";
	p.status = "present";
	p.note = r->note;
	if (people_person_create(c->db, &c->actor, &p, d->today, &person, e) ||
	    (r->party && people_tag_set(c->db, &c->actor, "persons", person, "party_member", "hand",
	                                d->today, e)))
		return -1;
	d->real++;
	return 0;
}

/*
 * The inside of village code (its display name vname): 2 to 5 natural villages or
 * villagers' groups, or two natural villages with 4 or 5 groups between them; `households`
 * rural houses at the innermost of them (4% more, empty), numbered from 1 in each; one grid
 * over them, two (over halves) with 400 households or more, each with a grid worker
 * wg<tag>-1, wg<tag>-2. reals[i] get a house of their own in the i-th innermost unit.
 */
static int village(struct demo *d, const char *code, const char *vname, int households,
                   const char *area, const char *tag, const struct real *reals, size_t nreals,
                   struct err *e)
{
	static const char *const hamlets[] = { "东沟", "西坡", "后街", "前街", "南庄",
		                               "北岭", "上庄", "下庄", "河西", "河东",
		                               "岭上", "坡底", "窑头", "东岭", "西沟",
		                               "后沟", "南坡", "庙后", "店上", "圪台" };
	static const char *const groups[] = { "一组", "二组", "三组", "四组", "五组" };
	struct arena *ar = &d->c->arena;
	int n = 2 + draw(d, 4), style = draw(d, 10);
	int nested = style >= 8 && n >= 4; /* natural villages holding the groups */
	int hamlet = style < 4 || nested;  /* the top units are natural villages */
	int top = nested ? 2 : n, taken = 0;
	const char *top_id[5], *top_name[5], *unit_id[5], *prefix[5];
	for (int i = 0; i < top; i++) {
		int k;
		do /* a name not taken yet in this village */
			k = draw(d, (int)(sizeof(hamlets) / sizeof(hamlets[0])));
		while (hamlet && (taken >> k & 1));
		taken |= 1 << k;
		top_name[i] = hamlet ? hamlets[k] : groups[i];
		if (place(d, code, hamlet ? "natural_village" : "group", top_name[i], NULL,
		          &top_id[i], e))
			return -1;
		d->units++;
		unit_id[i] = top_id[i];
		prefix[i] = arena_printf(ar, "%s%s", vname, top_name[i]);
	}
	/* the grids first, so the houses made below inherit their gpath */
	int ngrids = households >= 400 && top >= 2 ? 2 : 1, half = (top + 1) / 2;
	for (int g = 0; g < ngrids; g++) {
		const char *id;
		int from = g ? half : 0, to = ngrids == 1 || g ? top : half;
		const char *name = ngrids == 1
		                       ? arena_printf(ar, "%s网格", vname)
		                       : arena_printf(ar, "%s第%s网格", vname, g ? "二" : "一");
		if (grid(d, code, "grid", name, top_id + from, (size_t)(to - from),
		         arena_printf(ar, "wg%s-%d", tag, g + 1), &id, e))
			return -1;
	}
	for (int i = 0; nested && i < n; i++) {
		int nv = i < (n + 1) / 2 ? 0 : 1;
		if (place(d, top_id[nv], "group", groups[i], NULL, &unit_id[i], e))
			return -1;
		d->units++;
		prefix[i] = arena_printf(ar, "%s%s%s", vname, top_name[nv], groups[i]);
	}
	for (int i = 0; i < n; i++) {
		int want = households / n + (i < households % n), no = 0;
		while (want > 0) {
			const char *id, *address;
			if (house(d, unit_id[i], prefix[i], ++no, &id, &address, e))
				return -1;
			if (draw(d, 100) < 4) {
				d->empty++; /* moved to the city, or fallen in */
				continue;
			}
			lives(d, id, 1, NULL, address, area, PEOPLE_DEMO_RURAL);
			want--;
		}
		if ((size_t)i < nreals &&
		    real_household(d, unit_id[i], prefix[i], no + 1, &reals[i], e))
			return -1;
	}
	return 0;
}

/*
 * The flats of compound (named name): buildings × units × floors × rooms, "1号楼" …
 * "2单元" … "301", each room a dwelling with its floor, room number and an area from lo to
 * hi m²; empty of every thousand stand empty, the others are households of mix.
 */
static int flats(struct demo *d, const char *compound, const char *name, int buildings, int units,
                 int floors, int rooms, int lo, int hi, int empty, enum people_demo_mix mix,
                 struct err *e)
{
	struct arena *ar = &d->c->arena;
	for (int b = 1; b <= buildings; b++) {
		const char *building, *unit, *flat;
		struct place_attrs ba = { 0 };
		ba.has = PLACE_FLOORS;
		ba.floors = floors;
		if (place(d, compound, "building", arena_printf(ar, "%d号楼", b), &ba, &building,
		          e))
			return -1;
		for (int u = 1; u <= units; u++) {
			if (place(d, building, "unit", arena_printf(ar, "%d单元", u), NULL, &unit,
			          e))
				return -1;
			for (int f = 1; f <= floors; f++)
				for (int r = 1; r <= rooms; r++) {
					struct place_attrs a = { 0 };
					a.has = PLACE_DWELLING;
					a.floor = f;
					a.room = arena_printf(ar, "%d%02d", f, r);
					a.area = lo * 100 + draw(d, (hi - lo) * 100);
					if (place(d, unit, "dwelling", a.room, &a, &flat, e))
						return -1;
					d->houses++;
					if (draw(d, 1000) < empty) {
						d->empty++;
						continue;
					}
					lives(d, flat, 1, NULL,
					      arena_printf(ar, "%s%d号楼%d单元%s室", name, b, u,
					                   a.room),
					      JINYUAN, mix);
				}
		}
	}
	return 0;
}

/* The NBS units of under (a code) and the ones above it, from the built-in file. */
static int load(struct demo *d, const char *under, struct nbs_row **rows, size_t *n, struct err *e)
{
	size_t len;
	const char *text = places_nbs_shanxi(&len);
	int64_t added;
	if (places_nbs_parse(&d->c->arena, text, len, under, rows, n, e) ||
	    places_load(d->c->db, &d->c->actor, *rows, *n, &added, e))
		return -1;
	d->places += added;
	return 0;
}

/* 长子县常张乡陈家峪村: a few households, the cooperative of the greenhouse park, and the
 * branch secretary and a grower the page names. */
static int chenjiayu(struct demo *d, struct err *e)
{
	static const struct real reals[] = {
		{ "崔红伟", "陈家峪村党支部书记、陈家峪村东洼股份经济合作社负责人（见报道）", 1 },
		{ "郭卫斌", "种植户，2023年起承包东洼股份经济合作社两个高标准温室大棚（见报道）",
		  0 },
	};
	struct cli *c = d->c;
	struct nbs_row *rows;
	size_t n;
	const char *coop;
	struct org_in o = { 0 };
	o.place_id = CHENJIAYU;
	o.name = "陈家峪村东洼股份经济合作社";
	o.kind = "cooperative";
	o.address = "陈家峪村东洼大棚园区";
	o.contact_name = "崔红伟";
	o.note = "大棚园区总投资350余万元，占地100亩，11个大棚，种植青（尖）椒；"
	         "“党支部+村集体+合作社+农户”经营，每年为村集体增收30万元（见报道）";
	return load(d, CHENJIAYU, &rows, &n, e) ||
	       village(d, CHENJIAYU, "陈家峪村", 14, CHANGZI, "-chenjiayu", reals, 2, e) ||
	       people_org_create(c->db, &c->actor, &o, &coop, e) ||
	       add_user(d, "sj-chenjiayu", person_name(d), CHENJIAYU, "branch_secretary", NULL, e);
}

/*
 * 金胜镇's 金胜一社区 and its 1970 政府宿舍小区 (no property management), and the 新村小区 of
 * 新村社区 next to it, whose property company serves both: one grid of 金胜一社区 over the
 * two compounds, a micro-grid over each.
 */
static int jinsheng(struct demo *d, struct err *e)
{
	struct cli *c = d->c;
	struct nbs_row *rows;
	size_t n;
	const char *cp[2], *g, *micro, *org;
	if (load(d, JINSHENG1, &rows, &n, e) || load(d, XINCUN, &rows, &n, e) ||
	    place(d, JINSHENG1, "compound", "政府宿舍小区", NULL, &cp[0], e) ||
	    place(d, XINCUN, "compound", "新村小区", NULL, &cp[1], e) ||
	    grid(d, JINSHENG1, "grid", "政府宿舍—新村联合网格", cp, 2, "wg-jinsheng1-1", &g, e) ||
	    grid(d, g, "micro_grid", "政府宿舍微网格", cp, 1, NULL, &micro, e) ||
	    grid(d, g, "micro_grid", "新村微网格", cp + 1, 1, NULL, &micro, e))
		return -1;
	/* four-storey walk-ups of 1970, 50–68 m²; the owners grown old, an eighth empty */
	if (flats(d, cp[0], "政府宿舍小区", 4, 2, 4, 2, 50, 68, 120, PEOPLE_DEMO_ELDERLY, e) ||
	    flats(d, cp[1], "新村小区", 4, 2, 6, 2, 86, 128, 70, PEOPLE_DEMO_URBAN, e))
		return -1;
	struct org_in o = { 0 };
	o.place_id = cp[1];
	o.name = "新村花园物业";
	o.kind = "enterprise";
	o.note = "新村小区的物业；政府宿舍小区（1970年建成）长期无物业，"
	         "由其提供供电、供暖等部分物业服务（联合共治，见报道）";
	return people_org_create(c->db, &c->actor, &o, &org, e) ||
	       add_user(d, "sj-jinsheng1", person_name(d), JINSHENG1, "branch_secretary", NULL, e);
}

/*
 * The places of the county (or town) in rows and what is in them: 微子镇's villages with
 * their structure (漫流河村 with its branch secretary), the other villages of the county
 * with `per` households, give or take a third, at the village place.
 */
static int lucheng(struct demo *d, const struct nbs_row *rows, size_t n, int per, struct err *e)
{
	static const struct real zhang = { "张玉刚", "漫流河村党支部书记、村委会主任（见报道）",
		                           1 };
	struct arena *ar = &d->c->arena;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].level != 4)
			continue;
		int households = per * 2 / 3 + draw(d, per * 2 / 3 + 1);
		const char *code = rows[i].code, *vname = places_short_name(ar, rows[i].name, NULL);
		if (strncmp(code, DEMO_TOWN, 9)) {
			lives(d, code, households, arena_printf(ar, "%s%%d号", vname), NULL, NULL,
			      PEOPLE_DEMO_RURAL);
			continue;
		}
		int manliuhe = !strcmp(code, MANLIUHE);
		if (village(d, code, vname, households, NULL, code + 9, &zhang, manliuhe ? 1 : 0,
		            e))
			return -1;
	}
	return 0;
}

/*
 * The accounts of 微子镇: the three separated administrators (with the passwords given),
 * the town leader, a liaison cadre for every six villages, a branch secretary and a grid
 * worker over each village.
 */
static int town_accounts(struct demo *d, const struct nbs_row *rows, size_t n, const char *admin_pw,
                         const char *sec_pw, const char *aud_pw, struct err *e)
{
	struct cli *c = d->c;
	if (add_user(d, "admin", "系统管理员", TOWN_ID, "sysadmin", admin_pw, e) ||
	    grant(c, "admin", "town_leader", TOWN_ID, e) ||
	    add_user(d, "security", "安全管理员", TOWN_ID, "secadmin", sec_pw, e) ||
	    add_user(d, "auditor", "审计管理员", TOWN_ID, "auditor", aud_pw, e) ||
	    add_user(d, "leader", person_name(d), TOWN_ID, "town_leader", NULL, e))
		return -1;
	int k = 0; /* villages so far */
	for (size_t i = 0; i < n; i++) {
		if (rows[i].level != 4 || strncmp(rows[i].code, DEMO_TOWN, 9))
			continue;
		const char *code = rows[i].code, *suffix = code + 9;
		const char *bc = arena_printf(&c->arena, "bc%d", k / 6 + 1);
		/* the liaison's grants are over villages, not the town */
		if ((k++ % 6 == 0 && add_user(d, bc, person_name(d), TOWN_ID, NULL, NULL, e)) ||
		    grant(c, bc, "village_liaison", code, e) ||
		    add_user(d, arena_printf(&c->arena, "sj%s", suffix), person_name(d), code,
		             "branch_secretary", NULL, e) ||
		    add_user(d, arena_printf(&c->arena, "wg%s", suffix), person_name(d), code,
		             "grid_worker", NULL, e))
			return -1;
	}
	return 0;
}

int system_demo(struct cli *c, struct err *e)
{
	int force = cli_flag(c, "--force");
	const char *scale = cli_opt(c, "--scale");
	const char *nreq = cli_opt(c, "--requests"); /* for benchmarks: bench/suite */
	if (cli_end(c, e))
		return -1;
	int64_t want_requests = 0;
	if (nreq && parse_i64(nreq, 0, 10000000, &want_requests))
		return err_invalid(e, "demo.requests", "requests",
		                   "--requests is a whole number up to 10,000,000, not '%s'", nreq);
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
	if (system_init_db(c, e) < 0 || crypt_load(system_key_path(&c->arena, c->db_url), e))
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

	struct demo d = { 0 };
	d.c = c;
	d.names = 20261129;
	d.rng = 20261129;
	people_today(d.today);
	struct nbs_row *rows;
	size_t n;
	char admin_pw[17], sec_pw[17], aud_pw[17];
	auth_random_password(admin_pw);
	auth_random_password(sec_pw);
	auth_random_password(aud_pw);
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	/* the county: every town of Lucheng and its villages, people in all of them */
	int rc = load(&d, county ? DEMO_COUNTY : DEMO_TOWN, &rows, &n, e) ||
	         town_accounts(&d, rows, n, admin_pw, sec_pw, aud_pw, e);
	/* about 20,000 people in the town (350 households a village, give or take a third),
	 * about 500,000 in the county's villages */
	size_t villages = 0;
	for (size_t i = 0; i < n; i++)
		villages += rows[i].level == 4;
	int per = county ? (int)(500000 / 29 * 10 / (int64_t)villages) : 350;
	int64_t persons = 0;
	rc = rc || lucheng(&d, rows, n, per, e) || chenjiayu(&d, e) || jinsheng(&d, e) ||
	     people_demo(c->db, &c->actor, &c->arena, d.fill, d.nfill, 1404061, &persons, e);
	/* the responsibility chain over the places, people and accounts made above */
	int64_t duties = 0;
	rc = rc || duties_demo(c->db, &c->actor, &c->arena, &duties, e);
	/* residents' requests, routed by that chain */
	int64_t requests = 0;
	rc = rc || requests_demo(c->db, &c->actor, &c->arena, want_requests, &requests, e);
	/* the county's report forms (上报表), filled every month */
	rc = rc || tabular_demo(c->db, &c->actor, &c->arena, TOWN_ID, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	/* registers brought in from spreadsheets, each import its own transactions */
	int64_t imported = 0;
	media_set_dir(system_media_path(&c->arena, c->db_url));
	if (tabular_import_demo(c->db, &c->actor, &c->arena, &imported, e))
		return -1;
	printf("demo: %s — %s with %zu villages: %lld natural villages and groups, %lld grids, "
	       "%lld houses and flats (%lld empty), %lld places, %lld people, %lld accounts\n",
	       c->db_url, county ? "潞城区 (140406), 微子镇's in detail," : "微子镇 (" TOWN_ID ")",
	       villages, (long long)d.units, (long long)d.grids, (long long)d.houses,
	       (long long)d.empty, (long long)d.places, (long long)(persons + d.real),
	       (long long)d.accounts);
	printf("also 长子县常张乡陈家峪村 and its 东洼股份经济合作社, 晋源区金胜镇金胜一社区 with "
	       "政府宿舍小区 and 新村小区 under one grid; %lld people of the seed page, with no ID "
	       "number or phone\n",
	       (long long)d.real);
	printf("%lld duties (branch secretaries, liaison cadres, area, group, grid and building "
	       "leaders, party contacts; some handed over, two grids left vacant)\n",
	       (long long)duties);
	printf("%lld residents' requests in %s, routed by the chain, at every stage\n",
	       (long long)requests, requests > 36 ? "the villages" : "微子镇");
	printf(
	    "two registers from spreadsheets: 秦家山村's incomers imported (%lld people), 冯村's "
	    "elderly checked and waiting\n",
	    (long long)imported);
	printf("2 report templates (各村人口统计表, 重点人群花名册) for the town to fill\n\n");
	printf("  administrator  admin     %s\n", admin_pw);
	printf("  security       security  %s\n", sec_pw);
	printf("  auditor        auditor   %s\n\n", aud_pw);
	printf("These passwords are shown once. Reset one with: cunwu --db %s user passwd LOGIN\n",
	       c->db_url);
	printf(
	    "The administrators sign in with a second factor: at their first sign-in the console "
	    "shows a QR code for an authenticator app (TOTP) and asks for its code.\n");
	return 0;
}
