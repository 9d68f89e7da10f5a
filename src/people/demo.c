/*
 * demo.c - realistic synthetic households and people for the demo, deterministic.
 *
 * An ageing rural population as Shanxi's villages have it: elderly couples and elderly
 * people alone, three generations with the middle one working away (外出务工) and the
 * children left behind, younger families; common northern surnames; identity numbers that
 * pass every check, with Lucheng's area codes (140481 while it was a county-level city,
 * 140406 for those registered since it became a district in 2018); mobiles for most
 * adults; tags in plausible proportions. Two other mixes for the compounds of a town: an
 * old compound of the elderly, many alone, and a newer one of families. The same seed gives
 * the same people.
 */
#include "people.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "core/banned.h"

/* splitmix64: small, fast and good enough to draw a town */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
	return (int)(next(s) % (uint64_t)n);
}

static int chance(uint64_t *s, int percent_x10)
{
	return below(s, 1000) < percent_x10;
}

/* surnames of Lucheng's villages, the common ones first and more often */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "郭", "申", "牛", "崔", "秦", "冯", "靳", "魏", "韩", "郝",
	"贾", "陈", "杨", "赵", "常", "宋", "程", "史", "路", "暴", "连", "栗", "焦", "原",
	"杜", "马", "孙", "周", "吴", "徐", "胡", "董", "许", "曹", "梁", "段", "霍", "闫",
};
static const char *const male_chars[] = { "建", "国", "军", "伟", "强", "明", "平", "宏",
	                                  "刚", "勇", "斌", "杰", "文", "华", "林", "海",
	                                  "涛", "鹏", "飞", "志", "永", "玉", "福", "生",
	                                  "春", "富", "贵", "保", "全", "喜", "成", "德",
	                                  "忠", "立", "红", "旺", "晋", "锁", "拴", "宝" };
static const char *const female_chars[] = { "秀", "英", "兰", "芳", "玲", "丽", "霞", "梅",
	                                    "娟", "红", "艳", "萍", "燕", "桂", "花", "凤",
	                                    "琴", "翠", "云", "珍", "敏", "静", "婷", "娥",
	                                    "莲", "香", "爱", "转", "改", "芬" };
/* people named in the newspaper page the demo comes from: never given a synthetic ID */
static const char *const real_people[] = { "张玉刚", "崔红伟", "郭卫斌", "周珪喆",
	                                   "申婷婷", "李亚娟", "陈雨彤", "阴东玲" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *draw_name(struct arena *a, uint64_t *s, const char *surname, int male)
{
	for (;;) {
		const char *const *given = male ? male_chars : female_chars;
		size_t ng = male ? N(male_chars) : N(female_chars);
		const char *name =
		    chance(s, 250) ? arena_printf(a, "%s%s", surname, given[below(s, (int)ng)])
		                   : arena_printf(a, "%s%s%s", surname, given[below(s, (int)ng)],
		                                  given[below(s, (int)ng)]);
		int real = 0;
		for (size_t i = 0; i < N(real_people); i++)
			real |= !strcmp(name, real_people[i]);
		if (!real)
			return name;
	}
}

static const char *draw_surname(uint64_t *s)
{
	/* the first twelve are two thirds of the village */
	return chance(s, 660) ? surnames[below(s, 12)]
	                      : surnames[12 + below(s, (int)N(surnames) - 12)];
}

/* Who lives at a place: the cumulative percentages of the kinds of household (an old
 * person alone, an old couple, three generations, a younger family; the rest single
 * adults), years added to the old people's ages, and per mille away working. */
struct mix {
	int alone, couple, three, young;
	int older;
	int away_mid, away_head, away_single;
	int resident; /* per mille registered elsewhere (流动, 人户分离) */
};
static const struct mix mixes[] = {
	[PEOPLE_DEMO_RURAL] = { 12, 42, 77, 95, 0, 550, 300, 400, 70 },
	[PEOPLE_DEMO_ELDERLY] = { 45, 80, 88, 95, 6, 100, 100, 100, 100 },
	[PEOPLE_DEMO_URBAN] = { 8, 28, 45, 92, 0, 150, 80, 150, 200 },
};

struct demo {
	struct db *db;
	const struct actor *who;
	struct arena *a;
	uint64_t rng;
	const char *today, *household_id;
	int year; /* this year */
	int64_t persons, order;
	const char *last_id;   /* the person added last */
	const char *area;      /* the area code of ID numbers, or NULL: Lucheng's */
	const struct mix *mix; /* of the place being filled */
};

/* a birth date for someone aged age today */
static const char *birth_for(struct demo *d, int age)
{
	int y = d->year - age - (below(&d->rng, 2));
	int m = 1 + below(&d->rng, 12), day = 1 + below(&d->rng, 28);
	const char *b = arena_printf(d->a, "%04d-%02d-%02d", y, m, day);
	return strcmp(b, d->today) > 0 ? arena_printf(d->a, "%04d-01-01", y - 1) : b;
}

/* a valid 18-character number for the birth date and sex; the order code walks */
static const char *id_for(struct demo *d, const char *birth, int male)
{
	const char *area = d->area                            ? d->area
	                   : strcmp(birth, "2018-06-01") >= 0 ? "140406"
	                                                      : "140481";
	int order = (int)(d->order++ % 499);
	order = order - order % 2 + (male ? 1 : 0); /* odd for men, even for women */
	char first17[24];
	snprintf(first17, sizeof(first17), "%.6s%.4s%.2s%.2s%03d", area, birth, birth + 5,
	         birth + 8, order % 1000);
	return arena_printf(d->a, "%s%c", first17, idno_check_char(first17));
}

static const char *phone_for(struct demo *d)
{
	static const char *const prefixes[] = { "139", "138", "135", "136", "150", "151",
		                                "152", "155", "158", "159", "183", "187",
		                                "134", "131", "132", "177", "189", "199" };
	return arena_printf(d->a, "%s%08d", prefixes[below(&d->rng, (int)N(prefixes))],
	                    below(&d->rng, 100000000));
}

/* one person of the current household; tags by their age and luck */
static int add_person(struct demo *d, const char *name, const char *relation, int age, int male,
                      const char *status, struct err *e)
{
	const char *birth = birth_for(d, age);
	struct person_in in = { 0 };
	in.household_id = d->household_id;
	in.name = name;
	in.relation = relation;
	in.status = status;
	in.phone = age >= 18 && age < 80 && chance(&d->rng, 850) ? phone_for(d) : NULL;
	const char *id = NULL;
	for (int tries = 0; tries < 50; tries++) {
		in.id_no = id_for(d, birth, male);
		if (!people_person_create(d->db, d->who, &in, d->today, &id, e))
			break;
		if (strcmp(e->code, "people.duplicate_id"))
			return -1;
		err_clear(e); /* the same birth date and order code drawn twice: take the next */
	}
	if (!id)
		return -1;
	d->persons++;
	d->last_id = id;
	static const struct {
		const char *tag;
		int min_age, per_mille;
	} odds[] = {
		{ "party_member", 18, 80 },  { "veteran", 40, 30 },
		{ "disability", 0, 40 },     { "volunteer", 18, 30 },
		{ "key_attention", 18, 10 }, { "disabled_care", 75, 80 },
		{ "severe_mental", 18, 3 },  { "community_correction", 25, 1 },
	};
	for (size_t i = 0; i < N(odds); i++)
		if (age >= odds[i].min_age && chance(&d->rng, odds[i].per_mille) &&
		    (strcmp(odds[i].tag, "veteran") || male) &&
		    people_tag_set(d->db, d->who, "persons", id, odds[i].tag,
		                   !strcmp(odds[i].tag, "severe_mental") ||
		                           !strcmp(odds[i].tag, "disability")
		                       ? "import:disability"
		                       : "hand",
		                   d->today, e))
			return -1;
	return 0;
}

/* tag the person added last */
static int person_tag_last(struct demo *d, const char *tag, struct err *e)
{
	return people_tag_set(d->db, d->who, "persons", d->last_id, tag, "hand", d->today, e);
}

/* the households of one kind: who lives in them and who is away */
static int add_household(struct demo *d, const char *place_id, const char *address, struct err *e)
{
	struct household_in h = { 0 };
	h.place_id = place_id;
	h.address = address;
	h.kind = chance(&d->rng, 1000 - d->mix->resident) ? "registered" : "resident";
	if (people_household_create(d->db, d->who, &h, &d->household_id, e))
		return -1;
	const char *sn = draw_surname(&d->rng), *wife_sn = draw_surname(&d->rng);
	const struct mix *m = d->mix;
	int kind = below(&d->rng, 100);
	if (kind < m->alone) { /* an old person alone, more often a widow */
		int male = chance(&d->rng, 350);
		return add_person(d, draw_name(d->a, &d->rng, sn, male), "head",
		                  66 + m->older + below(&d->rng, 27 - m->older), male, "present",
		                  e);
	}
	if (kind < m->couple) { /* an elderly couple; the children live elsewhere */
		int age = 60 + m->older + below(&d->rng, 25);
		return add_person(d, draw_name(d->a, &d->rng, sn, 1), "head", age, 1, "present",
		                  e) ||
		       add_person(d, draw_name(d->a, &d->rng, wife_sn, 0), "spouse",
		                  age - below(&d->rng, 5), 0, "present", e);
	}
	if (kind < m->three) { /* three generations; the middle one often works in the city */
		int old = 62 + m->older + below(&d->rng, 18), mid = old - 24 - below(&d->rng, 6);
		int away = chance(&d->rng, m->away_mid), both = away && chance(&d->rng, 450);
		const char *son = draw_name(d->a, &d->rng, sn, 1);
		if (add_person(d, draw_name(d->a, &d->rng, sn, 1), "head", old, 1, "present", e) ||
		    add_person(d, draw_name(d->a, &d->rng, wife_sn, 0), "spouse",
		               old - below(&d->rng, 4), 0, "present", e) ||
		    add_person(d, son, "child", mid, 1, away ? "away" : "present", e) ||
		    add_person(d, draw_name(d->a, &d->rng, draw_surname(&d->rng), 0),
		               "child_in_law", mid - below(&d->rng, 4), 0,
		               both ? "away" : "present", e))
			return -1;
		int kids = 1 + below(&d->rng, 2);
		for (int k = 0; k < kids; k++) {
			int male = chance(&d->rng, 520);
			if (add_person(d, draw_name(d->a, &d->rng, sn, male), "grandchild",
			               3 + below(&d->rng, 14), male, "present", e) ||
			    (both && person_tag_last(d, "left_behind_child", e)))
				return -1;
		}
		return 0;
	}
	if (kind < m->young) { /* a younger family */
		int age = 28 + below(&d->rng, 25);
		if (add_person(d, draw_name(d->a, &d->rng, sn, 1), "head", age, 1,
		               chance(&d->rng, m->away_head) ? "away" : "present", e) ||
		    add_person(d, draw_name(d->a, &d->rng, wife_sn, 0), "spouse",
		               age - below(&d->rng, 4), 0, "present", e))
			return -1;
		int kids = below(&d->rng, 3);
		for (int k = 0; k < kids; k++) {
			int male = chance(&d->rng, 520);
			if (add_person(d, draw_name(d->a, &d->rng, sn, male), "child",
			               1 + below(&d->rng, age - 24), male, "present", e))
				return -1;
		}
		return 0;
	}
	/* a single adult */
	int male = chance(&d->rng, 600);
	return add_person(d, draw_name(d->a, &d->rng, sn, male), "head", 22 + below(&d->rng, 40),
	                  male, chance(&d->rng, m->away_single) ? "away" : "present", e);
}

int people_demo(struct db *db, const struct actor *who, struct arena *a,
                const struct people_demo_place *places, size_t n, uint64_t seed, int64_t *persons,
                struct err *e)
{
	char today[11];
	people_today(today);
	struct demo d = { db, who, a, seed, today, NULL, 0, 0, 0, NULL, NULL, NULL };
	d.year = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 +
	         (today[3] - '0');
	for (size_t i = 0; i < n; i++) {
		d.area = places[i].area;
		d.mix = &mixes[places[i].mix];
		for (int k = 0; k < places[i].households; k++) {
			const char *addr = places[i].address_fmt
			                       ? arena_printf(a, places[i].address_fmt, k + 1)
			                   : places[i].address ? places[i].address
			                                       : "";
			if (add_household(&d, places[i].place_id, addr, e))
				return -1;
			/* households with little income: 低保 and the monitored ones */
			if (chance(&d.rng, 50) &&
			    people_tag_set(db, who, "households", d.household_id, "dibao",
			                   "import:civil_affairs", today, e))
				return -1;
			if (chance(&d.rng, 20) &&
			    people_tag_set(db, who, "households", d.household_id, "poverty_watch",
			                   "import:civil_affairs", today, e))
				return -1;
		}
	}
	*persons = d.persons;
	return 0;
}
