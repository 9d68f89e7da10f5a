/* duties.c - the pure rules of duties: the roles, dates, overlaps; see duties.h. */
#include "duties.h"

#include <string.h>

#include "core/util.h"
#include "core/banned.h"

/*
 * The roles, in the order of the chain. Levels: 0 the town's cadre over villages, 1 the
 * village's own leadership, 2 片长 over a natural village or compound (or a grid), 3 组长,
 * 4 网格员, 5 楼栋长, 6 a party member over named households.
 */
static const struct duty_role roles[] = {
	{ "village_liaison",
	  "包村干部",
	  0,
	  1,
	  { "village", "community" },
	  { "village", "community" } },
	{ "first_secretary", "驻村第一书记", 1, 1, { "village", "community" }, { NULL } },
	{ "branch_secretary",
	  "村党支部书记",
	  1,
	  1,
	  { "village", "community" },
	  { "village", "community" } },
	{ "area_leader",
	  "片长",
	  2,
	  1,
	  { "natural_village", "group", "compound", "grid" },
	  { "natural_village", "compound" } },
	{ "group_leader", "组长", 3, 1, { "group", "natural_village" }, { "group" } },
	{ "grid_worker", "网格员", 4, 1, { "grid", "micro_grid" }, { "grid" } },
	{ "building_leader", "楼栋长", 5, 1, { "building", "unit" }, { "building" } },
	{ "party_contact",
	  "党员联系户",
	  6,
	  0,
	  { "village", "community", "natural_village", "group", "compound", "building", "unit",
	    "grid", "micro_grid" },
	  { NULL } },
};

const struct duty_role *duties_roles(size_t *n)
{
	*n = sizeof(roles) / sizeof(roles[0]);
	return roles;
}

const struct duty_role *duties_role(const char *id)
{
	for (size_t i = 0; id && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].id, id))
			return &roles[i];
	return NULL;
}

static int listed(const char *const *list, size_t n, const char *kind)
{
	for (size_t i = 0; kind && i < n && list[i]; i++)
		if (!strcmp(list[i], kind))
			return 1;
	return 0;
}

int duties_role_may_hold(const struct duty_role *role, const char *kind)
{
	return listed(role->kinds, sizeof(role->kinds) / sizeof(role->kinds[0]), kind);
}

int duties_role_expected(const struct duty_role *role, const char *kind)
{
	return listed(role->expected, sizeof(role->expected) / sizeof(role->expected[0]), kind);
}

int duties_dates_check(const char *from, const char *to, struct err *e)
{
	if (!from)
		return err_invalid(e, "json.required", "from_date", "'from_date' is required");
	if (date_check(from))
		return err_invalid(e, "json.date", "from_date",
		                   "'from_date' must be a date YYYY-MM-DD");
	if (to && date_check(to))
		return err_invalid(e, "json.date", "to_date",
		                   "'to_date' must be a date YYYY-MM-DD");
	if (to && strcmp(to, from) < 0)
		return err_invalid(e, "duties.dates", "to_date",
		                   "the duty ends on %s, before it starts on %s", to, from);
	return 0;
}

int duties_overlap(const char *a_from, const char *a_to, const char *b_from, const char *b_to)
{
	/* dates YYYY-MM-DD compare as text; an open end is later than any day */
	return (!b_to || strcmp(a_from, b_to) <= 0) && (!a_to || strcmp(b_from, a_to) <= 0);
}

int duties_active_on(const char *from, const char *to, const char *day)
{
	return strcmp(from, day) <= 0 && (!to || strcmp(day, to) <= 0);
}

void duties_day_before(const char *ymd, char out[11])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = 0, m = 0, d = 0;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (ymd[i] - '0');
	m = (ymd[5] - '0') * 10 + (ymd[6] - '0');
	d = (ymd[8] - '0') * 10 + (ymd[9] - '0');
	if (--d == 0) {
		if (--m == 0) {
			m = 12;
			y--;
		}
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		d = mdays[m - 1] + (m == 2 && leap);
	}
	int v[] = { y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10, -1,
		    m / 10,        m % 10,       -1,          d / 10, d % 10 };
	for (int i = 0; i < 10; i++)
		out[i] = v[i] < 0 ? '-' : (char)('0' + v[i]);
	out[10] = '\0';
}
