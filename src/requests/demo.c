/*
 * demo.c - residents' requests in the demo town: 36 of them over 微子镇's natural villages
 * and groups, of every category, from every source, each routed by the chain the duties
 * demo made and taken along the way to a stage drawn from a seeded generator — submitted,
 * signed for, in progress, resolved, followed up with a satisfaction, closed, or sent back.
 * Those still open were submitted up to five days ago, so some are overdue. The places are
 * chosen in the order of codes and names, so every demo is the same (but for the tracking
 * codes and instants, which the demo's determinism test does not read).
 */
#include "requests.h"

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "core/banned.h"

#define DEMO_REQUESTS 36

/* what a resident says, by category */
static const struct {
	const char *category, *title, *description, *attributes;
} says[] = {
	{ "env.dumping", "村口有人倒建筑垃圾", "村口老槐树下堆了一堆砖头瓦块，好几天了没人管。",
	  "{\"kind\": \"建筑垃圾\", \"amount\": 3}" },
	{ "env.sanitation", "垃圾箱满了没人清", "巷子里的两个垃圾箱满了，味道很大。", "{}" },
	{ "municipal.manhole", "窨井盖碎了", "路中间的井盖裂成两半，晚上骑车很危险。",
	  "{\"danger\": \"是\"}" },
	{ "municipal.streetlight", "路灯不亮", "从小卖部到学校那段路灯一个多星期不亮了。", "{}" },
	{ "water.leak", "水管漏水", "院墙外的水管一直往外冒水，路面结冰了。",
	  "{\"where\": \"室外管道\"}" },
	{ "water.outage", "停水两天", "家里停水两天了，也没见通知。", "{}" },
	{ "heating.cold", "暖气不热", "家里暖气摸着是凉的，屋里只有十四五度。",
	  "{\"temperature\": 15, \"rooms\": [\"客厅\", \"卧室\"]}" },
	{ "parking.blocking", "车堵在路口", "一辆面包车停在路口好几天，三轮车过不去。",
	  "{\"plate\": \"晋D·5K2**\"}" },
	{ "wires", "电线乱拉", "邻居从屋顶拉了一根电线过巷子，下雨天怕出事。", "{}" },
	{ "property", "小区没人扫", "小区没有物业，楼道很脏。", "{}" },
	{ "elderly", "独居老人没人照看", "隔壁老人一个人住，这几天没见出门。",
	  "{\"alone\": \"是\"}" },
	{ "dispute", "邻里为排水吵架", "两家为院子排水的事吵了好几次。",
	  "{\"parties\": 2, \"details\": \"东家的水流到西家院里。\"}" },
};

static const char *const sources[] = { "staff_phone", "staff_visit", "hotline_12345",
	                               "public",      "staff_phone", "resident" };

static const char *const replies[] = {
	"已联系村保洁员清理完毕，并在路口立了提示牌。",
	"已请供水站维修，今天下午恢复。",
	"已协调相关单位处理，请您留意。",
	"已上门查看并解决，感谢您的反映。",
};

static uint64_t rng;
static int draw(int n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (int)((rng >> 33) % (uint64_t)n);
}

/* take action name on request id as the demo's actor with relations rel */
static int act(struct db *db, const struct actor *who, const char *id, const char *name,
               unsigned rel, const struct request_act *base, struct err *e)
{
	struct request_act in = *base;
	const char *handler = NULL;
	in.action = name;
	in.rel = rel;
	if (db_get_text(db, e, &handler, "SELECT handler_user_id FROM requests WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0)
		return -1;
	in.user_id = handler;
	return requests_act(db, who, id, &in, e);
}

/* the ids of the places sql selects, in the arena; *n gets their count */
static const char **demo_places(struct db *db, struct arena *a, const char *sql, size_t *n,
                                struct err *e)
{
	size_t cap = 256;
	const char **places = arena_alloc(a, cap * sizeof(*places));
	*n = 0;
	struct db_stmt *st = db_query(db, e, sql, DB_NOARGS);
	if (!st)
		return NULL;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (*n == cap) {
			places = arena_realloc(a, places, cap * sizeof(*places),
			                       2 * cap * sizeof(*places));
			cap *= 2;
		}
		places[(*n)++] = db_text(st, 0);
	}
	return rc < 0 ? NULL : places;
}

/* the i-th request of the demo at place, taken to a drawn stage */
static int demo_request(struct db *db, const struct actor *who, struct arena *a, int i,
                        const char *place, struct err *e)
{
	const size_t nsays = sizeof(says) / sizeof(says[0]);
	const char *id, *code;
	size_t k = (size_t)i % nsays;
	json_t *attrs = json_loads(says[k].attributes, 0, NULL);
	struct request_in in = { 0 };
	in.category_id = says[k].category;
	in.place_id = place;
	in.title = says[k].title;
	in.description = says[k].description;
	in.attributes = attrs;
	in.source = sources[draw(6)];
	in.public_form = !strcmp(in.source, "public");
	if (!strcmp(in.source, "resident"))
		in.source = "staff_visit";
	if (!strcmp(in.source, "hotline_12345"))
		in.external_no = arena_printf(a, "GD2026%06d", 100 + i);
	int rc = requests_create(db, who, &in, &id, &code, e);
	json_decref(attrs);
	if (rc)
		return -1;
	struct request_act base = { 0 };
	base.reasonable = -1;
	base.reply = replies[draw(4)];
	base.satisfaction = 3 + draw(3);
	base.comment = base.satisfaction >= 4 ? "满意" : "还行，希望以后快一点";
	base.reason = "不属于本村职责，请镇里协调";
	int stage = draw(7);
	const unsigned H = RR_HANDLER, F = RR_STAFF | RR_LEADER;
	if (stage == 6)
		return act(db, who, id, "send_back", H, &base, e);
	if ((stage >= 1 && act(db, who, id, "sign", H, &base, e)) ||
	    (stage >= 2 && act(db, who, id, "start", H, &base, e)) ||
	    (stage >= 3 && act(db, who, id, "resolve", H, &base, e)) ||
	    (stage >= 4 && act(db, who, id, "follow_up", F, &base, e)) ||
	    (stage >= 5 && act(db, who, id, "close", F, &base, e)))
		return -1;
	if (stage >= 3)
		return 0;
	/* still open: submitted up to five days ago, so some are overdue */
	int64_t t = time_now_ms() - (int64_t)draw(5 * 24) * HOUR_MS, r, s;
	int64_t hours[2] = { 0, 0 };
	if (db_get_int(db, e, &hours[0],
	               "SELECT c.response_hours FROM requests q JOIN request_categories "
	               "c ON c.id = q.category_id WHERE q.id = ?",
	               DB_ARGS(DB_T(id))) < 0 ||
	    db_get_int(db, e, &hours[1],
	               "SELECT c.resolution_hours FROM requests q JOIN "
	               "request_categories c ON c.id = q.category_id WHERE q.id = ?",
	               DB_ARGS(DB_T(id))) < 0)
		return -1;
	requests_deadlines(t, hours[0], hours[1], &r, &s);
	char at[32], rd[32], sd[32];
	time_iso(t, at);
	time_iso(r, rd);
	time_iso(s, sd);
	if (db_exec(db, e,
	            "UPDATE requests SET created_at = ?, response_due_at = ?, "
	            "resolution_due_at = ? WHERE id = ?",
	            DB_T(at), DB_T(rd), DB_T(sd), DB_T(id)) < 0 ||
	    db_exec(db, e,
	            "UPDATE request_events SET at = ? WHERE request_id = ? AND "
	            "action IN "
	            "('submit', 'route')",
	            DB_T(at), DB_T(id)) < 0)
		return -1;
	return 0;
}

int requests_demo(struct db *db, const struct actor *who, struct arena *a, int64_t want,
                  int64_t *made, struct err *e)
{
	rng = 20261129;
	*made = 0;
	size_t n, nall = 0;
	const char **places = demo_places(
	    db, a,
	    "SELECT p.id FROM places p JOIN places v ON v.id = p.parent_id WHERE v.kind = "
	    "'village' AND v.path LIKE '%/140406101000/%' AND p.kind IN ('natural_village', "
	    "'group') AND p.status = 'active' ORDER BY v.code, p.name, p.kind",
	    &n, e);
	if (!places)
		return -1;
	if (!n)
		return 0;
	/* a benchmark's many more: over every village's natural villages and groups */
	const char **all = places;
	if (want > DEMO_REQUESTS) {
		all = demo_places(db, a,
		                  "SELECT p.id FROM places p JOIN places v ON v.id = p.parent_id "
		                  "WHERE v.kind = 'village' AND p.kind IN ('natural_village', "
		                  "'group') AND p.status = 'active' ORDER BY v.code, p.name, "
		                  "p.kind",
		                  &nall, e);
		if (!all)
			return -1;
	}
	if (want < DEMO_REQUESTS)
		want = DEMO_REQUESTS;
	/* each request's rows in an arena of its own: a county's 200,000 stay in bounds */
	struct arena *outer = db_arena(db);
	int rc = 0;
	for (int64_t i = 0; i < want && !rc; i++) {
		struct arena scratch;
		arena_init(&scratch, 0);
		db_set_arena(db, &scratch);
		const char *place =
		    i < DEMO_REQUESTS ? places[(size_t)draw((int)n)] : all[(size_t)draw((int)nall)];
		rc = demo_request(db, who, &scratch, (int)i, place, e);
		db_set_arena(db, outer);
		arena_release(&scratch);
		*made += !rc;
	}
	return rc;
}
