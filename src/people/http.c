/* http.c - routes of households, persons, organizations and tags; see people.h. */
#include "people.h"

#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "tabular/tabular.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

/* ---- where a row is: the place rules of the routes ---- */

static int paths_of(struct req *r, const char *sql, const char *id, const char *code,
                    const char *what, const char **path, const char **gpath, struct err *e)
{
	if (!id || !*id)
		return err_notfound(e, code, "no such %s", what);
	struct db_stmt *st = db_query(r->db, e, sql, DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_notfound(e, code, "no %s '%s'", what, id);
	*path = db_text(st, 0);
	*gpath = db_text(st, 1);
	db_done(st);
	return 0;
}

static int place_of_person(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return paths_of(r,
	                "SELECT p.path, p.gpath FROM persons x JOIN places p ON p.id = x.place_id "
	                "WHERE x.id = ?",
	                req_param(r, "id"), "people.person_not_found", "person", path, gpath, e);
}
static const struct place_rule PLACE_PERSON = { "param :id is a person; their place", NULL,
	                                        place_of_person };

static int place_of_household(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return paths_of(
	    r,
	    "SELECT p.path, p.gpath FROM households h JOIN places p ON p.id = h.place_id "
	    "WHERE h.id = ?",
	    req_param(r, "id"), "people.household_not_found", "household", path, gpath, e);
}
static const struct place_rule PLACE_HOUSEHOLD = { "param :id is a household; its place", NULL,
	                                           place_of_household };

static int place_of_org(struct req *r, const char **path, const char **gpath, struct err *e)
{
	return paths_of(r,
	                "SELECT p.path, p.gpath FROM orgs o JOIN places p ON p.id = o.place_id "
	                "WHERE o.id = ?",
	                req_param(r, "id"), "people.org_not_found", "organization", path, gpath, e);
}
static const struct place_rule PLACE_ORG = { "param :id is an organization; its place", NULL,
	                                     place_of_org };

/* the path and gpath of the place of household id; 400 naming the field if there is none */
static int household_paths(struct req *r, const char *id, const char **path, const char **gpath,
                           struct err *e)
{
	int rc = paths_of(r,
	                  "SELECT p.path, p.gpath FROM households h JOIN places p ON "
	                  "p.id = h.place_id WHERE h.id = ?",
	                  id, "people.household_not_found", "household", path, gpath, e);
	if (rc && e->status == 404)
		return err_invalid(e, "people.household_not_found", "household_id",
		                   "no household '%s'", id ? id : "");
	return rc;
}

/* POST /people: the household_id of the body; 400 (not 404) if it names none */
static int place_of_body_household(struct req *r, const char **path, const char **gpath,
                                   struct err *e)
{
	json_t *j = req_json(r, e);
	if (!j)
		return -1;
	const char *id = json_string_value(json_object_get(j, "household_id"));
	if (!id)
		return err_invalid(e, "json.required", "household_id",
		                   "'household_id' is required");
	return household_paths(r, id, path, gpath, e);
}
static const struct place_rule PLACE_BODY_HOUSEHOLD = { "body household_id; its place", NULL,
	                                                place_of_body_household };

/* 412 unless If-Match (if sent) names the row's version now; the update checks it again */
static int check_if_match(struct req *r, const char *sql, const char *id, struct err *e)
{
	int64_t version = 0;
	if (db_get_int(r->db, e, &version, sql, DB_ARGS(DB_T(id))) < 0)
		return -1;
	return req_if_match(r, version, e);
}

/*
 * Start a list: paging and sorting, the caller's scope for people.read, and the `place`
 * filter (a subtree the caller may read) — the same for people, households and orgs.
 */
static int list_start(struct req *r, const char *const *sorts, const char *default_sort,
                      struct page *pg, struct query *q, int *narrow, struct err *e)
{
	if (req_page(r, sorts, default_sort, pg, e))
		return -1;
	query_scope2(r, q, "people.read", "p.path", "p.gpath");
	const char *v = req_query(r, "place");
	if (narrow) /* the rows lie below a town: a few thousand at most */
		*narrow = authz_scope_below_town(r, "people.read");
	if (v) {
		/* a place of either tree: a village, a compound, or a grid and what it covers */
		const char *path, *gpath;
		if (req_place_paths(r, v, &path, &gpath, e))
			return -1;
		/* inside a grant: the place alone narrows (a county's range would lead the
		 * planner to read the county) */
		if (authz_scope_implied(r, "people.read", path)) {
			strbuf_init(&q->where, &r->arena, 1024);
			strbuf_adds(&q->where, "1 = 1");
			q->n = 0;
		}
		query_and_under2(r, q, "p.path", "p.gpath", path);
		if (narrow && authz_below_town(path))
			*narrow = 1;
	}
	return 0;
}

/*
 * The start of every PATCH here: the body decoded partially into in, the first field of
 * the table (where the row is) refused with `moved` (a row changes place by other means),
 * an empty body refused, and If-Match checked against the row's version now.
 */
struct patch_rule {
	const struct jfield *fields;
	size_t nfields;
	const char *moved_code, *moved_msg, *version_sql;
};

static int patch_start(struct req *r, const struct patch_rule *pr, void *in, uint64_t *seen,
                       struct err *e)
{
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, pr->fields, pr->nfields, in, seen, 1, e))
		return -1;
	if (*seen & 1)
		return err_invalid(e, pr->moved_code, pr->fields[0].key, "%s", pr->moved_msg);
	if (!*seen)
		return err_invalid(e, "json.empty", NULL, "nothing to change");
	return check_if_match(r, pr->version_sql, req_param(r, "id"), e);
}

/* ---- tags the caller may see ---- */

int people_tag_visible(struct req *r, const char *perm, const char *path, const char *gpath)
{
	struct err ignore;
	return !perm || !authz2(r, perm, path, gpath, &ignore);
}

/* "tags":[{"id","name","source","as_of"}...] of one row, only those the caller may see */
static int write_row_tags(struct req *r, struct jw *w, const char *entity, const char *id,
                          const char *path, const char *gpath, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    !strcmp(entity, "persons")
	        ? "SELECT t.id, t.name, t.perm, x.source, x.as_of, t.rule FROM person_tags x JOIN "
	          "tags t ON t.id = x.tag_id WHERE x.person_id = ? ORDER BY t.sort, t.id"
	        : "SELECT t.id, t.name, t.perm, x.source, x.as_of, t.rule FROM household_tags x "
	          "JOIN tags t ON t.id = x.tag_id WHERE x.household_id = ? ORDER BY t.sort, t.id",
	    DB_T(id));
	if (!st)
		return -1;
	jw_key(w, "tags");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (!people_tag_visible(r, db_text(st, 2), path, gpath))
			continue;
		jw_obj(w);
		jw_kstr(w, "id", db_text(st, 0));
		jw_kstr(w, "name", db_text(st, 1));
		jw_kstr(w, "source", db_text(st, 3));
		jw_kstr(w, "as_of", db_text(st, 4));
		jw_kbool(w, "derived", !db_isnull(st, 5));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return rc < 0 ? -1 : 0;
}

/* ---- persons ---- */

static const char *const person_states[] = { "present", "away", "moved_out", "deceased", NULL };

static int check_person_status(const char *v, struct err *e)
{
	for (const char *const *s = person_states; *s; s++)
		if (!strcmp(v, *s))
			return 0;
	return err_invalid(e, "people.person_status", "status", "'%s' is not a valid status", v);
}

/* the civil date n years before ymd ("YYYY-MM-DD"); 29 February becomes 28 February */
static const char *years_before(struct arena *a, const char *ymd, int64_t n)
{
	int y = (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 + (ymd[3] - '0');
	int m = (ymd[5] - '0') * 10 + (ymd[6] - '0'), d = (ymd[8] - '0') * 10 + (ymd[9] - '0');
	y -= (int)n;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		d = 28;
	return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

#define PERSON_COLS                                                                                \
	"x.id, x.region, x.household_id, x.place_id, p.name, x.name, x.name_pinyin, x.relation, "  \
	"x.status, x.id_kind, x.id_masked, x.birth_date, x.sex, x.phone_masked, x.ethnicity, "     \
	"x.note, x.version, x.created_at, x.updated_at, p.path, p.gpath"
#define PERSON_FROM "persons x JOIN places p ON p.id = x.place_id"

static const char *const person_keys[] = { "id",         "region",     "household_id", "place_id",
	                                   "place_name", "name",       "pinyin",       "relation",
	                                   "status",     "id_kind",    "id_no",        "birth_date",
	                                   "sex",        "phone",      "ethnicity",    "note",
	                                   "#version",   "created_at", "updated_at",   NULL };

static void write_person_fields(struct jw *w, struct db_stmt *st, const char *today)
{
	for (int i = 0; person_keys[i]; i++) {
		const char *k = person_keys[i];
		if (*k == '#')
			jw_ki64(w, k + 1, db_int(st, i));
		else
			jw_kstr(w, k, db_text(st, i));
	}
	const char *birth = db_text(st, 11);
	int age = birth ? age_on(birth, today) : -1;
	jw_key(w, "age");
	if (age >= 0)
		jw_i64(w, age);
	else
		jw_null(w);
}

/* the page of a list: today, and the catalogue to name each row's tags */
struct person_page {
	struct req *r;
	char today[11];
	struct people_tag_def tags[64];
	size_t ntags;
};
static _Thread_local struct person_page *cur_page;

int people_tag_defs(struct db *db, struct people_tag_def *defs, size_t cap, size_t *n,
                    struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT id, name, perm, rule FROM tags ORDER BY sort, id", DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	*n = 0;
	while ((rc = db_step(st, e)) == 1)
		if (*n < cap)
			defs[(*n)++] = (struct people_tag_def){ db_text(st, 0), db_text(st, 1),
				                                db_text(st, 2), !db_isnull(st, 3) };
	return rc < 0 ? -1 : 0;
}

/* the row's tags come folded into one column, "id|source|as_of,..." (no query per row);
 * written in catalogue order, only those the caller may see at the row's place */
/* where tag id starts in a folded "id|source|as_of,..." column, or NULL */
static const char *folded_find(const char *folded, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = folded; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, id, n) && p[n] == '|')
			return p;
	return NULL;
}

static void write_folded_tags(struct jw *w, const struct person_page *pp, const char *folded,
                              const char *path, const char *gpath)
{
	jw_key(w, "tags");
	jw_arr(w);
	for (size_t t = 0; folded && t < pp->ntags; t++) {
		const struct people_tag_def *d = &pp->tags[t];
		const char *p = folded_find(folded, d->id);
		if (!p || !people_tag_visible(pp->r, d->perm, path, gpath))
			continue;
		const char *src = p + strlen(d->id) + 1, *bar = strchr(src, '|');
		const char *end = strchr(src, ',');
		if (!bar || (end && bar > end))
			continue;
		jw_obj(w);
		jw_kstr(w, "id", d->id);
		jw_kstr(w, "name", d->name);
		jw_key(w, "source");
		jw_strn(w, src, (size_t)(bar - src));
		jw_key(w, "as_of");
		jw_strn(w, bar + 1, end ? (size_t)(end - bar - 1) : strlen(bar + 1));
		jw_kbool(w, "derived", d->derived);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void write_person_row(struct jw *w, struct db_stmt *st)
{
	struct person_page *pp = cur_page;
	jw_obj(w);
	write_person_fields(w, st, pp->today);
	write_folded_tags(w, pp, db_text(st, 21), db_text(st, 19), db_text(st, 20));
	jw_obj_end(w);
}

static const char *const person_sorts[] = { "name=x.name_pinyin",      "birth_date=x.birth_date",
	                                    "created_at=x.created_at", "place=p.path",
	                                    "status=x.status",         NULL };

static int all_ascii_letters(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

static int looks_like_number(const char *s, size_t min)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if (!((*s >= '0' && *s <= '9') || *s == 'X' || *s == 'x' || *s == '-' ||
		      *s == ' ' || *s == '+'))
			return 0;
	return n >= min;
}

/* narrow q by the search text: an identity number or a phone exactly, pinyin initials, or
 * characters of the name through the gram index */
/* the name search starts from the gram index: SQLite joins in the order written after
 * CROSS JOIN, PostgreSQL plans it freely */
/* what a text search counts at most (each match counted costs about 2 µs) */
#define PEOPLE_COUNT_CAP 100
/* a gram carries its person's place (people/0008): the caller's scope drops the matches
 * elsewhere before their rows are read */
#define PERSON_FROM_GRAM "person_grams g CROSS JOIN places p CROSS JOIN persons x"
#define PERSON_GRAM_JOIN "p.id = g.place_id AND x.id = g.person_id"
#define PERSON_FROM_TAG  "person_tags t CROSS JOIN persons x JOIN places p ON p.id = x.place_id"

static int search_text(struct req *r, struct query *q, const char *text, const char *today,
                       const char **from, struct err *e)
{
	struct arena *a = &r->arena;
	size_t len = strlen(text);
	if (len > 64)
		return err_invalid(e, "people.q_too_long", "q", "'q' is over 64 bytes");
	if (looks_like_number(text, 7)) {
		char digits[64];
		size_t n = 0;
		for (const char *s = text; *s && n < sizeof(digits) - 1; s++)
			if (*s != ' ' && *s != '-')
				digits[n++] = *s;
		digits[n] = '\0';
		/* a mobile (11 digits from 1) or a landline (from 0) is a phone; else an ID */
		int phone = (n == 11 && digits[0] == '1') || digits[0] == '0' || digits[0] == '+';
		if (!phone && n >= 15) {
			struct id_doc doc;
			if (idno_parse(text, ID_NONE, today, "q", &doc, e))
				return -1;
			const char *h[2];
			query_and_in(q, "x.id_hash", h, crypt_lookups(a, doc.norm, h));
			return 0;
		}
		char norm[32];
		enum phone_kind pk;
		if (phone_parse(text, "q", norm, &pk, e))
			return -1;
		const char *h[2];
		query_and_in(q, "x.phone_hash", h, crypt_lookups(a, norm, h));
		return 0;
	}
	if (all_ascii_letters(text)) {
		char lower[65], upper[65];
		size_t i = 0, vowels = 0;
		for (; text[i] && i < 64; i++) {
			lower[i] = upper[i] = (char)(text[i] | 0x20);
			vowels += strchr("aeiouv", lower[i]) != NULL;
		}
		lower[i] = upper[i] = '\0';
		const char *gram = arena_printf(a, INITIALS_GRAM "%s", lower);
		/* letters without a vowel are initials ("zw", "wjg"): their gram, in pinyin order
		 */
		if (!vowels && i <= INITIALS_GRAM_MAX) {
			*from = PERSON_FROM_GRAM;
			query_and(q, PERSON_GRAM_JOIN, DB_NOARGS);
			query_and(q, "g.gram = ?", DB_T(gram));
			return 0;
		}
		/* else the start of the whole pinyin ("wang", "zhangw"), as a range so that both
		 * backends read it in order from the index: "wang" <= x < "wanh"; and initials
		 * too where a syllable starts with a vowel (欧阳念慈 "oync"), sorted then */
		upper[i - 1]++;
		const char *lo = arena_strdup(a, lower), *hi = arena_strdup(a, upper);
		int64_t initials = 0;
		if (i <= INITIALS_GRAM_MAX &&
		    db_get_int(r->db, e, &initials,
		               "SELECT count(*) FROM (SELECT 1 FROM person_grams WHERE gram = ? "
		               "LIMIT 1) c",
		               DB_ARGS(DB_T(gram))) < 0)
			return -1;
		if (!initials) {
			query_and(q, "x.name_pinyin >= ?", DB_T(lo));
			query_and(q, "x.name_pinyin < ?", DB_T(hi));
			return 0;
		}
		query_and(q,
		          "(x.id IN (SELECT person_id FROM person_grams WHERE gram = ?) OR "
		          "(x.name_pinyin >= ? AND x.name_pinyin < ?))",
		          DB_T(gram));
		q->args[q->n++] = DB_T(lo);
		q->args[q->n++] = DB_T(hi);
		return 0;
	}
	const char **grams;
	size_t n = name_grams(a, text, &grams);
	size_t chars = (size_t)utf8_len(text, len);
	if (n == 0)
		return err_invalid(e, "people.q_empty", "q", "nothing to search for in 'q'");
	/* one character: its unigram; two: their pair; more: the first pair, and LIKE checks
	 * the whole text (a name has at most a handful of people per pair) */
	const char *gram = grams[0];
	for (size_t i = 0; chars > 1 && i < n; i++)
		if (utf8_len(grams[i], strlen(grams[i])) == 2) {
			gram = grams[i];
			break;
		}
	*from = PERSON_FROM_GRAM;
	query_and(q, PERSON_GRAM_JOIN, DB_NOARGS);
	query_and(q, "g.gram = ?", DB_T(gram));
	if (chars > 2)
		query_and(q, "x.name LIKE ? ESCAPE '\\'", DB_T(db_like_contains(a, text)));
	return 0;
}

/* GET /api/v1/people?q=&tag=&place=&status=&sex=&age_min=&age_max=&household_id= */
/* the people a list or an export gives: its query (q, from, cols, pg) from the request's
 * filters, and the page's catalogue of tags (pp) */
struct person_query {
	struct page pg;
	struct query q;
	const char *from, *cols;
};

static int people_query(struct req *r, struct person_page *pp, struct person_query *pq,
                        struct err *e)
{
	struct page pg;
	struct query q;
	people_today(pp->today);
	int narrow;
	if (list_start(r, person_sorts, "name", &pg, &q, &narrow, e))
		return -1;
	const char *tag = req_query(r, "tag");
	const char *tag_perm = NULL;
	if (tag && db_get_text(r->db, e, &tag_perm, "SELECT perm FROM tags WHERE id = ?",
	                       DB_ARGS(DB_T(tag))) < 0)
		return -1;
	/* a restricted tag narrows the scope to where the caller may see it */
	if (tag_perm) {
		struct query tq;
		query_scope2(r, &tq, tag_perm, "p.path", "p.gpath");
		query_and(&q, tq.where.buf, DB_NOARGS);
		for (size_t i = 0; i < tq.n && q.n < QUERY_MAX_ARGS - 16; i++)
			q.args[q.n++] = tq.args[i];
	}
	const char *from = PERSON_FROM, *text = req_query(r, "q");
	/* a tag over a town or more: its people are fewer than the places', start from them;
	 * below a town (a grid, a village) the places' people are the fewer, read from the
	 * place index without their rows */
	if (tag && ((text && *text) || narrow))
		query_and(&q,
		          "EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = x.id AND "
		          "t.tag_id = ?)",
		          DB_T(tag));
	else if (tag) {
		from = PERSON_FROM_TAG;
		query_and(&q, "x.id = t.person_id", DB_NOARGS);
		query_and(&q, "t.tag_id = ?", DB_T(tag));
	}
	const char *v;
	if ((v = req_query(r, "status"))) {
		if (check_person_status(v, e))
			return -1;
		query_and(&q, "x.status = ?", DB_T(v));
	}
	if ((v = req_query(r, "sex")))
		query_and(&q, "x.sex = ?", DB_T(v));
	if ((v = req_query(r, "household_id")))
		query_and(&q, "x.household_id = ?", DB_T(v));
	int64_t age;
	if ((v = req_query(r, "age_min"))) {
		if (parse_i64(v, 0, 150, &age))
			return err_invalid(e, "people.age", "age_min",
			                   "'age_min' must be 0 to 150");
		/* at least N years old: born on or before today N years ago */
		query_and(&q, "x.birth_date <= ?", DB_T(years_before(&r->arena, pp->today, age)));
	}
	if ((v = req_query(r, "age_max"))) {
		if (parse_i64(v, 0, 150, &age))
			return err_invalid(e, "people.age", "age_max",
			                   "'age_max' must be 0 to 150");
		/* at most N: born after today N+1 years ago */
		query_and(&q, "x.birth_date > ?",
		          DB_T(years_before(&r->arena, pp->today, age + 1)));
	}
	if (text && *text && search_text(r, &q, text, pp->today, &from, e))
		return -1;
	/* a name may match thousands in a county: "100+" says as much as an exact count,
	 * and counting stops there */
	if (text && *text)
		pg.count_cap = PEOPLE_COUNT_CAP;
	/* by name is by pinyin, then id (pages never reorder); a name search reads that order
	 * from the gram index itself, so a page stops after its rows instead of sorting all */
	int gram = strstr(from, "person_grams g") != NULL;
	if (!strcmp(pg.order, "x.name_pinyin"))
		pg.order = gram ? "g.pinyin, g.person_id" : "x.name_pinyin, x.id";
	else if (!strcmp(pg.order, "x.name_pinyin DESC"))
		pg.order =
		    gram ? "g.pinyin DESC, g.person_id DESC" : "x.name_pinyin DESC, x.id DESC";
	/* a sort over many matches reads only their keys; the index order of a name search
	 * needs no sort */
	if (!gram) {
		pg.key = "x.id";
		pg.key_from = PERSON_FROM;
	}
	if (people_tag_defs(r->db, pp->tags, sizeof(pp->tags) / sizeof(pp->tags[0]), &pp->ntags, e))
		return -1;
	pq->cols = arena_printf(
	    &r->arena, "%s, (SELECT %s FROM person_tags t2 WHERE t2.person_id = x.id)", PERSON_COLS,
	    db_sql_concat_agg(r->db, &r->arena,
	                      "t2.tag_id || '|' || t2.source || '|' || t2.as_of"));
	pq->pg = pg;
	pq->q = q;
	pq->from = from;
	return 0;
}

static int list_people(struct req *r, struct err *e)
{
	struct person_page pp = { .r = r };
	struct person_query pq;
	if (people_query(r, &pp, &pq, e))
		return -1;
	cur_page = &pp;
	int rc = req_list(r, pq.cols, pq.from, &pq.q, &pq.pg, write_person_row, e);
	cur_page = NULL;
	return rc;
}

/* SELECT cols FROM from WHERE q ORDER BY order, at most max + 1 rows (an export sees the
 * one too many and refuses) */
static struct db_stmt *export_stmt(struct req *r, const char *cols, const char *from,
                                   struct query *q, const char *order, int64_t max, struct err *e)
{
	if (q->where.err) {
		err_internal(e, "list query too long");
		return NULL;
	}
	q->args[q->n] = DB_I(max + 1);
	q->args[q->n + 1] = DB_NOARGS;
	return db_query_(r->db, e,
	                 arena_printf(&r->arena, "SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT ?",
	                              cols, from, q->where.buf, order),
	                 q->args);
}

static int export_too_large(struct db_stmt *st, int64_t max, const char *what, struct err *e)
{
	db_done(st);
	return err_invalid(e, "people.export_too_large", NULL,
	                   "an export holds at most %lld %s: narrow it by place, tag or status",
	                   (long long)max, what);
}

int people_export_rows(struct req *r, int64_t max, int unmasked, people_export_fn fn, void *ctx,
                       struct err *e)
{
	struct person_page pp = { .r = r };
	struct person_query pq;
	if (people_query(r, &pp, &pq, e))
		return -1;
	struct db_stmt *st =
	    export_stmt(r, arena_printf(&r->arena, "%s, x.id_enc, x.phone_enc", pq.cols), pq.from,
	                &pq.q, pq.pg.order, max, e);
	if (!st)
		return -1;
	int rc;
	int64_t n = 0;
	while ((rc = db_step(st, e)) == 1) {
		if (n++ == max)
			return export_too_large(st, max, "people", e);
		struct strbuf tags;
		strbuf_init(&tags, &r->arena, 0);
		const char *folded = db_text(st, 21), *path = db_text(st, 19),
		           *gpath = db_text(st, 20);
		for (size_t t = 0; folded && t < pp.ntags; t++) {
			const struct people_tag_def *d = &pp.tags[t];
			if (folded_find(folded, d->id) &&
			    people_tag_visible(r, d->perm, path, gpath))
				strbuf_addf(&tags, "%s%s", tags.len ? "、" : "", d->name);
		}
		const char *birth = db_text(st, 11);
		struct people_export_row row = {
			.name = db_text(st, 5),
			.sex = db_text(st, 12),
			.birth_date = birth,
			.age = birth ? age_on(birth, pp.today) : -1,
			.id_masked = db_text(st, 10),
			.phone_masked = db_text(st, 13),
			.relation = db_text(st, 7),
			.status = db_text(st, 8),
			.place_name = db_text(st, 4),
			.tags = tags.buf,
			.region = db_text(st, 1),
			.path = path,
			.ethnicity = db_text(st, 14),
			.note = db_text(st, 15),
		};
		if (unmasked) {
			const char *id_enc = db_text(st, 22), *phone_enc = db_text(st, 23);
			if (authz2(r, "people.reveal", path, gpath, e) ||
			    (id_enc && !(row.id_no = crypt_open(&r->arena, id_enc, e))) ||
			    (phone_enc && !(row.phone = crypt_open(&r->arena, phone_enc, e)))) {
				db_done(st);
				return -1;
			}
		}
		fn(ctx, &row);
	}
	return rc < 0 ? -1 : 0;
}

/* the person at :id as one object, with household, tags and history; 1 found, 0 not */
static int write_person(struct req *r, const char *id, struct err *e)
{
	char today[11];
	people_today(today);
	struct db_stmt *st = db_query(
	    r->db, e, "SELECT " PERSON_COLS " FROM " PERSON_FROM " WHERE x.id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc;
	const char *path = db_text(st, 19), *gpath = db_text(st, 20);
	int64_t version = db_int(st, 16);
	struct jw *w = req_jw(r);
	jw_obj(w);
	write_person_fields(w, st, today);
	db_done(st);
	req_etag(r, version);
	if (write_row_tags(r, w, "persons", id, path, gpath, e))
		return -1;
	/* moves and changes of status, newest first */
	st = db_query(r->db, e,
	              "SELECT on_date, from_household_id, to_household_id, from_status, to_status, "
	              "reason, created_at FROM person_moves WHERE person_id = ? ORDER BY on_date "
	              "DESC, created_at DESC",
	              DB_T(id));
	if (!st)
		return -1;
	static const char *const keys[] = { "on_date",         "from_household_id",
		                            "to_household_id", "from_status",
		                            "to_status",       "reason",
		                            "created_at",      NULL };
	if (jw_key_rows(w, "history", st, keys, e))
		return -1;
	jw_obj_end(w);
	return 1;
}

/* GET /api/v1/people/:id */
static int get_person(struct req *r, struct err *e)
{
	int rc = write_person(r, req_param(r, "id"), e);
	return rc == 1  ? 0
	       : rc < 0 ? -1
	                : err_notfound(e, "people.person_not_found", "no such person");
}

struct person_body {
	struct person_in in;
};

static const struct jfield person_fields[] = {
	{ "household_id", JF_ID, offsetof(struct person_in, household_id), JF_REQUIRED, 0, 0 },
	{ "name", JF_STR, offsetof(struct person_in, name), JF_REQUIRED, 1, 50 },
	{ "relation", JF_STR, offsetof(struct person_in, relation), JF_REQUIRED, 1, 20 },
	{ "status", JF_STR, offsetof(struct person_in, status), 0, 1, 20 },
	{ "id_kind", JF_STR, offsetof(struct person_in, id_kind), JF_NULLABLE, 1, 20 },
	{ "id_no", JF_STR, offsetof(struct person_in, id_no), JF_NULLABLE | JF_SECRET, 0, 40 },
	{ "birth_date", JF_DATE, offsetof(struct person_in, birth_date), JF_NULLABLE, 0, 0 },
	{ "sex", JF_STR, offsetof(struct person_in, sex), JF_NULLABLE, 1, 1 },
	{ "phone", JF_STR, offsetof(struct person_in, phone), JF_NULLABLE | JF_SECRET, 0, 40 },
	{ "ethnicity", JF_STR, offsetof(struct person_in, ethnicity), JF_NULLABLE, 1, 20 },
	{ "note", JF_STR, offsetof(struct person_in, note), 0, 0, 500 },
};

/* POST /api/v1/people */
static int post_person(struct req *r, struct err *e)
{
	struct person_in in = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, person_fields, JF_COUNT(person_fields), &in, NULL, 0, e))
		return -1;
	char today[11];
	people_today(today);
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (people_person_create(r->db, &a, &in, today, &id, e))
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/people/%s", id));
	return write_person(r, id, e) == 1 ? 0 : -1;
}

/* PATCH /api/v1/people/:id with If-Match: the fields sent (household_id: use move) */
static int patch_person(struct req *r, struct err *e)
{
	static const struct patch_rule rule = {
		person_fields, JF_COUNT(person_fields), "people.use_move",
		"a person changes household by POST /api/v1/people/:id/move",
		"SELECT version FROM persons WHERE id = ?"
	};
	const char *id = req_param(r, "id");
	struct person_in in = { 0 };
	uint64_t seen = 0;
	if (patch_start(r, &rule, &in, &seen, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	char today[11];
	people_today(today);
	return people_person_update(r->db, &a, id, &in, seen, req_header(r, "If-Match") != NULL,
	                            today, e) ||
	               write_person(r, id, e) != 1
	           ? -1
	           : 0;
}

struct move_body {
	const char *household_id, *on_date, *reason, *status;
};
static const struct jfield move_fields[] = {
	{ "household_id", JF_ID, offsetof(struct move_body, household_id), 0, 0, 0 },
	{ "status", JF_STR, offsetof(struct move_body, status), 0, 1, 20 },
	{ "on_date", JF_DATE, offsetof(struct move_body, on_date), JF_REQUIRED, 0, 0 },
	{ "reason", JF_STR, offsetof(struct move_body, reason), 0, 0, 200 },
};

/* POST /api/v1/people/:id/move {household_id?, status?, on_date, reason}: to another
 * household (the caller must also may write there), or a change of status (moved out,
 * deceased, away, back), kept as history */
static int move_person(struct req *r, struct err *e)
{
	struct move_body b = { 0 };
	uint64_t seen = 0;
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, move_fields, JF_COUNT(move_fields), &b, &seen, 0, e))
		return -1;
	if (!b.household_id && !b.status)
		return err_invalid(e, "json.required", "household_id",
		                   "give the new 'household_id', the new 'status', or both");
	if (b.status && check_person_status(b.status, e))
		return -1;
	if (b.household_id) {
		const char *path, *gpath;
		if (household_paths(r, b.household_id, &path, &gpath, e) ||
		    authz2(r, "people.write", path, gpath, e))
			return -1;
	}
	char today[11];
	people_today(today);
	if (strcmp(b.on_date, today) > 0)
		return err_invalid(e, "people.date_future", "on_date", "%s is in the future",
		                   b.on_date);
	struct actor a;
	accounts_actor(r, &a);
	const char *id = req_param(r, "id");
	if (people_person_move(r->db, &a, id, b.household_id, b.status, b.on_date,
	                       b.reason ? b.reason : "", today, e))
		return -1;
	return write_person(r, id, e) == 1 ? 0 : -1;
}

struct reveal_body {
	json_t *fields;
	const char *reason;
};
static const struct jfield reveal_fields[] = {
	{ "fields", JF_STRS, offsetof(struct reveal_body, fields), JF_REQUIRED, 1, 20 },
	{ "reason", JF_STR, offsetof(struct reveal_body, reason), JF_REQUIRED, 2, 200 },
};

/*
 * POST /api/v1/people/:id/reveal {fields: ["id_no", "phone"], reason}: the full values,
 * for people.reveal over the person's place; the audit row names who saw which fields of
 * whom, and why. Never stored for replay.
 */
static int reveal(struct req *r, const char *entity, const char *sql, struct err *e)
{
	struct reveal_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, reveal_fields, JF_COUNT(reveal_fields), &b, NULL, 0, e))
		return -1;
	int want_id = 0, want_phone = 0;
	size_t i;
	json_t *f;
	json_array_foreach(b.fields, i, f)
	{
		const char *name = json_string_value(f);
		if (!strcmp(name, "id_no") && !strcmp(entity, "persons"))
			want_id = 1;
		else if (!strcmp(name, "phone"))
			want_phone = 1;
		else
			return err_invalid(e, "people.reveal_field", "fields",
			                   "'%s' cannot be revealed here", name);
	}
	const char *id = req_param(r, "id");
	struct db_stmt *st = db_query(r->db, e, sql, DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "people.not_found", "no such row");
	const char *region = db_text(st, 0), *id_enc = db_text(st, 1), *phone_enc = db_text(st, 2);
	db_done(st);
	const char *id_no = NULL, *phone = NULL;
	if (want_id && id_enc && !(id_no = crypt_open(&r->arena, id_enc, e)))
		return -1;
	if (want_phone && phone_enc && !(phone = crypt_open(&r->arena, phone_enc, e)))
		return -1;
	struct jdoc doc;
	struct jw *cwp = jdoc_open(&doc, &r->arena);
	jw_key(cwp, "fields");
	jw_arr(cwp);
	if (want_id)
		jw_str(cwp, "id_no");
	if (want_phone)
		jw_str(cwp, "phone");
	jw_arr_end(cwp);
	jw_kstr(cwp, "reason", b.reason);
	struct actor a;
	accounts_actor(r, &a);
	if (audit_write(r->db, &a, region, entity, id, "reveal", jdoc_close(&doc), e))
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	if (want_id)
		jw_kstr(w, "id_no", id_no);
	if (want_phone)
		jw_kstr(w, "phone", phone);
	jw_obj_end(w);
	return 0;
}

static int reveal_person(struct req *r, struct err *e)
{
	return reveal(r, "persons", "SELECT region, id_enc, phone_enc FROM persons WHERE id = ?",
	              e);
}

static int reveal_org(struct req *r, struct err *e)
{
	return reveal(r, "orgs", "SELECT region, NULL, phone_enc FROM orgs WHERE id = ?", e);
}

/* ---- tags on rows ---- */

struct tag_body {
	const char *tag_id, *source, *as_of;
};
static const struct jfield tag_fields[] = {
	{ "tag_id", JF_STR, offsetof(struct tag_body, tag_id), JF_REQUIRED, 1, 40 },
	{ "source", JF_STR, offsetof(struct tag_body, source), 0, 1, 40 },
	{ "as_of", JF_DATE, offsetof(struct tag_body, as_of), 0, 0, 0 },
};

static const char *const tag_sources[] = {
	"hand", "import:civil_affairs", "import:disability", "import:police", "import:other", NULL
};

/* may the caller set or remove tag_id on a row at path? (restricted tags need their perm) */
static int tag_allowed(struct req *r, const char *tag_id, struct err *e)
{
	const char *perm = NULL, *rule = NULL;
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT perm, rule FROM tags WHERE id = ?", DB_T(tag_id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_invalid(e, "people.tag_not_found", "tag_id", "no tag '%s'", tag_id);
	perm = db_text(st, 0);
	rule = db_text(st, 1);
	db_done(st);
	if (rule)
		return err_invalid(e, "people.tag_derived", "tag_id",
		                   "'%s' is derived by a rule and cannot be set by hand", tag_id);
	const char *path = NULL, *gpath = NULL;
	if (perm) {
		if (r->route->place->find2(r, &path, &gpath, e))
			return -1;
		if (authz2(r, perm, path, gpath, e))
			return err_set(e, 403, "people.tag_restricted", "tag_id",
			               "you may not see or set the tag '%s' here", tag_id);
	}
	return 0;
}

static int post_tag(struct req *r, const char *entity, struct err *e)
{
	struct tag_body b = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, tag_fields, JF_COUNT(tag_fields), &b, NULL, 0, e))
		return -1;
	const char *source = b.source ? b.source : "hand";
	int ok = 0;
	for (const char *const *s = tag_sources; *s; s++)
		ok |= !strcmp(*s, source);
	if (!ok)
		return err_invalid(e, "people.tag_source", "source", "'%s' is not a tag source",
		                   source);
	char today[11];
	people_today(today);
	if (b.as_of && strcmp(b.as_of, today) > 0)
		return err_invalid(e, "people.date_future", "as_of", "%s is in the future",
		                   b.as_of);
	if (tag_allowed(r, b.tag_id, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	if (people_tag_set(r->db, &a, entity, req_param(r, "id"), b.tag_id, source,
	                   b.as_of ? b.as_of : today, e))
		return -1;
	r->status = 204;
	return 0;
}

static int delete_tag(struct req *r, const char *entity, struct err *e)
{
	const char *tag_id = req_param(r, "tag"), *id = req_param(r, "id");
	if (tag_allowed(r, tag_id, e))
		return -1;
	int person = !strcmp(entity, "persons");
	int64_t n =
	    db_exec(r->db, e,
	            person ? "DELETE FROM person_tags WHERE person_id = ? AND tag_id = ?"
	                   : "DELETE FROM household_tags WHERE household_id = ? AND tag_id = ?",
	            DB_T(id), DB_T(tag_id));
	if (n < 0)
		return -1;
	if (n == 0)
		return err_notfound(e, "people.tag_not_set", "the tag is not set");
	const char *region = NULL;
	if (db_get_text(r->db, e, &region,
	                person ? "SELECT region FROM persons WHERE id = ?"
	                       : "SELECT region FROM households WHERE id = ?",
	                DB_ARGS(DB_T(id))) < 0)
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	if (audit_write(r->db, &a, region, entity, id, "untag",
	                arena_printf(&r->arena, "{\"tag_id\":\"%s\"}", tag_id), e))
		return -1;
	r->status = 204;
	return 0;
}

static int post_person_tag(struct req *r, struct err *e)
{
	return post_tag(r, "persons", e);
}
static int delete_person_tag(struct req *r, struct err *e)
{
	return delete_tag(r, "persons", e);
}
static int post_household_tag(struct req *r, struct err *e)
{
	return post_tag(r, "households", e);
}
static int delete_household_tag(struct req *r, struct err *e)
{
	return delete_tag(r, "households", e);
}

/* GET /api/v1/tags: the catalogue, without the tags the caller may see nowhere */
static int list_tags(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT id, name, applies_to, perm, rule FROM tags ORDER BY "
	                              "sort, id",
	                              DB_NOARGS);
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *perm = db_text(st, 3);
		if (perm && !authz_any(r, perm))
			continue;
		jw_obj(w);
		jw_kstr(w, "id", db_text(st, 0));
		jw_kstr(w, "name", db_text(st, 1));
		jw_kstr(w, "applies_to", db_text(st, 2));
		jw_kbool(w, "restricted", perm != NULL);
		jw_kbool(w, "derived", !db_isnull(st, 4));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* GET /api/v1/tags/counts?place=ID: people and households per tag under the place, only
 * tags the caller may see there */
static int tag_counts(struct req *r, struct err *e)
{
	const char *path, *gpath;
	if (req_place_paths(r, req_query(r, "place"), &path, &gpath, e))
		return -1;
	/* under the place in either tree: a village's places, or the places a grid covers */
	const char *end = arena_printf(&r->arena, "%s~", path);
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT t.id, t.name, t.applies_to, t.perm, "
	    "(SELECT count(*) FROM person_tags x JOIN persons y ON y.id = x.person_id JOIN places "
	    "p "
	    "ON p.id = y.place_id WHERE x.tag_id = t.id AND ((p.path >= ? AND p.path < ?) OR "
	    "(p.gpath >= ? AND p.gpath < ?)) AND y.status IN ('present', 'away')), "
	    "(SELECT count(*) FROM household_tags x JOIN households y ON y.id = x.household_id "
	    "JOIN "
	    "places p ON p.id = y.place_id WHERE x.tag_id = t.id AND ((p.path >= ? AND p.path < ?) "
	    "OR (p.gpath >= ? AND p.gpath < ?)) AND y.status = 'active') "
	    "FROM tags t ORDER BY t.sort, t.id",
	    DB_T(path), DB_T(end), DB_T(path), DB_T(end), DB_T(path), DB_T(end), DB_T(path),
	    DB_T(end));
	if (!st)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (!people_tag_visible(r, db_text(st, 3), path, gpath))
			continue;
		jw_obj(w);
		jw_kstr(w, "id", db_text(st, 0));
		jw_kstr(w, "name", db_text(st, 1));
		jw_kstr(w, "applies_to", db_text(st, 2));
		jw_ki64(w, "count", db_int(st, !strcmp(db_text(st, 2), "person") ? 4 : 5));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 0;
}

/* ---- households ---- */

#define HOUSEHOLD_COLS                                                                             \
	"h.id, h.region, h.place_id, p.name, h.address, h.kind, h.hukou_no, h.head_id, "           \
	"(SELECT y.name FROM persons y WHERE y.id = h.head_id), h.status, h.note, "                \
	"(SELECT count(*) FROM persons y WHERE y.household_id = h.id AND y.status IN "             \
	"('present', 'away')), h.version, h.created_at, h.updated_at, p.path, p.gpath"
#define HOUSEHOLD_FROM "households h JOIN places p ON p.id = h.place_id"

static const char *const household_keys[] = {
	"id",       "region",     "place_id",   "place_name", "address", "kind",
	"hukou_no", "head_id",    "head_name",  "status",     "note",    "#member_count",
	"#version", "created_at", "updated_at", NULL
};

static void write_household_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, household_keys);
}

static const char *const household_sorts[] = { "place=p.path", "created_at=h.created_at",
	                                       "address=h.address", NULL };

/* the households a list or an export gives: GET /api/v1/households?place=&q=&tag=&kind=&status= */
static int households_query(struct req *r, struct page *pg, struct query *qp, struct err *e)
{
	struct query q;
	if (list_start(r, household_sorts, "place,address", pg, &q, NULL, e))
		return -1;
	const char *v;
	if ((v = req_query(r, "kind")))
		query_and(&q, "h.kind = ?", DB_T(v));
	if ((v = req_query(r, "status")))
		query_and(&q, "h.status = ?", DB_T(v));
	if ((v = req_query(r, "tag")))
		query_and(&q, "h.id IN (SELECT household_id FROM household_tags WHERE tag_id = ?)",
		          DB_T(v));
	if ((v = req_query(r, "q")) && *v) {
		if (strlen(v) > 64)
			return err_invalid(e, "people.q_too_long", "q", "'q' is over 64 bytes");
		/* the head's name through the gram index: its first pair (or its one character),
		 * and LIKE for the whole name */
		const char **grams;
		size_t ng = name_grams(&r->arena, v, &grams), k = 0;
		while (k < ng && utf8_len(grams[k], strlen(grams[k])) != 2)
			k++;
		const char *like = db_like_contains(&r->arena, v);
		query_and(
		    &q,
		    "(h.address LIKE ? ESCAPE '\\' OR h.hukou_no = ? OR h.head_id IN (SELECT "
		    "y.id FROM person_grams g CROSS JOIN persons y WHERE y.id = g.person_id AND "
		    "g.gram = ? AND y.name LIKE ? ESCAPE '\\'))",
		    DB_T(like));
		q.args[q.n++] = DB_T(v);
		q.args[q.n++] = DB_T(ng ? grams[k < ng ? k : 0] : "");
		q.args[q.n++] = DB_T(like);
	}
	*qp = q;
	return 0;
}

static int list_households(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (households_query(r, &pg, &q, e))
		return -1;
	return req_list(r, HOUSEHOLD_COLS, HOUSEHOLD_FROM, &q, &pg, write_household_row, e);
}

/* the household at id with its members and tags; 1 found, 0 not */
static int write_household(struct req *r, const char *id, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e, "SELECT " HOUSEHOLD_COLS " FROM " HOUSEHOLD_FROM " WHERE h.id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc;
	const char *path = db_text(st, 15), *gpath = db_text(st, 16);
	req_etag(r, db_int(st, 12));
	struct jw *w = req_jw(r);
	jw_obj(w);
	for (int i = 0; household_keys[i]; i++) {
		const char *k = household_keys[i];
		if (*k == '#')
			jw_ki64(w, k + 1, db_int(st, i));
		else
			jw_kstr(w, k, db_text(st, i));
	}
	db_done(st);
	if (write_row_tags(r, w, "households", id, path, gpath, e))
		return -1;
	char today[11];
	people_today(today);
	st = db_query(r->db, e,
	              "SELECT " PERSON_COLS " FROM " PERSON_FROM
	              " WHERE x.household_id = ? ORDER BY "
	              "CASE WHEN x.relation = 'head' THEN 0 ELSE 1 END, x.birth_date, x.id",
	              DB_T(id));
	if (!st)
		return -1;
	jw_key(w, "members");
	jw_arr(w);
	while ((rc = db_step(st, e)) == 1) {
		jw_obj(w);
		write_person_fields(w, st, today);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	return rc < 0 ? -1 : 1;
}

static int get_household(struct req *r, struct err *e)
{
	int rc = write_household(r, req_param(r, "id"), e);
	return rc == 1  ? 0
	       : rc < 0 ? -1
	                : err_notfound(e, "people.household_not_found", "no such household");
}

static const struct jfield household_fields[] = {
	{ "place_id", JF_ID, offsetof(struct household_in, place_id), JF_REQUIRED, 0, 0 },
	{ "address", JF_STR, offsetof(struct household_in, address), 0, 0, 200 },
	{ "kind", JF_STR, offsetof(struct household_in, kind), 0, 1, 20 },
	{ "hukou_no", JF_STR, offsetof(struct household_in, hukou_no), JF_NULLABLE, 1, 30 },
	{ "note", JF_STR, offsetof(struct household_in, note), 0, 0, 500 },
	{ "status", JF_STR, offsetof(struct household_in, status), 0, 1, 20 },
	{ "head_id", JF_ID, offsetof(struct household_in, head_id), JF_NULLABLE, 0, 0 },
};

/* POST /api/v1/households */
static int post_household(struct req *r, struct err *e)
{
	struct household_in in = { 0 };
	uint64_t seen = 0;
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, household_fields, JF_COUNT(household_fields), &in, &seen, 0, e))
		return -1;
	if (seen & (1u << 6))
		return err_invalid(e, "people.head_later", "head_id",
		                   "a new household has no members yet: add its head as a person "
		                   "with relation \"head\"");
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (people_household_create(r->db, &a, &in, &id, e))
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/households/%s", id));
	return write_household(r, id, e) == 1 ? 0 : -1;
}

/* PATCH /api/v1/households/:id {address?, kind?, hukou_no?, note?, status?, head_id?} */
static int patch_household(struct req *r, struct err *e)
{
	static const struct patch_rule rule = {
		household_fields, JF_COUNT(household_fields), "people.household_place",
		"a household does not move; its members move to another household",
		"SELECT version FROM households WHERE id = ?"
	};
	const char *id = req_param(r, "id");
	struct household_in in = { 0 };
	uint64_t seen = 0;
	if (patch_start(r, &rule, &in, &seen, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	return people_household_update(r->db, &a, id, &in, seen, req_header(r, "If-Match") != NULL,
	                               e) ||
	               write_household(r, id, e) != 1
	           ? -1
	           : 0;
}

/* ---- organizations ---- */

#define ORG_COLS                                                                                   \
	"o.id, o.region, o.place_id, p.name, o.name, o.kind, o.uscc, o.address, o.contact_name, "  \
	"o.phone_masked, o.status, o.note, o.version, o.created_at, o.updated_at"
#define ORG_FROM "orgs o JOIN places p ON p.id = o.place_id"
static const char *const org_keys[] = { "id",           "region",     "place_id",   "place_name",
	                                "name",         "kind",       "uscc",       "address",
	                                "contact_name", "phone",      "status",     "note",
	                                "#version",     "created_at", "updated_at", NULL };

static void write_org_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, org_keys);
}

static const char *const org_sorts[] = { "name=o.name_pinyin", "created_at=o.created_at",
	                                 "place=p.path", NULL };

/* the organizations a list or an export gives: GET /api/v1/orgs?place=&q=&kind= */
static int orgs_query(struct req *r, struct page *pg, struct query *qp, struct err *e)
{
	struct query q;
	if (list_start(r, org_sorts, "name", pg, &q, NULL, e))
		return -1;
	const char *v;
	if ((v = req_query(r, "kind")))
		query_and(&q, "o.kind = ?", DB_T(v));
	if ((v = req_query(r, "q")) && *v) {
		if (strlen(v) > 64)
			return err_invalid(e, "people.q_too_long", "q", "'q' is over 64 bytes");
		const char *like = db_like_contains(&r->arena, v);
		query_and(&q, "(o.name LIKE ? ESCAPE '\\' OR o.uscc = ?)", DB_T(like));
		q.args[q.n++] = DB_T(v);
	}
	*qp = q;
	return 0;
}

static int list_orgs(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (orgs_query(r, &pg, &q, e))
		return -1;
	return req_list(r, ORG_COLS, ORG_FROM, &q, &pg, write_org_row, e);
}

static int write_org(struct req *r, const char *id, struct err *e)
{
	struct db_stmt *st =
	    db_query(r->db, e, "SELECT " ORG_COLS " FROM " ORG_FROM " WHERE o.id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc;
	req_etag(r, db_int(st, 12));
	jw_row(req_jw(r), st, org_keys);
	db_done(st);
	return 1;
}

static int get_org(struct req *r, struct err *e)
{
	int rc = write_org(r, req_param(r, "id"), e);
	return rc == 1  ? 0
	       : rc < 0 ? -1
	                : err_notfound(e, "people.org_not_found", "no such organization");
}

static const struct jfield org_fields[] = {
	{ "place_id", JF_ID, offsetof(struct org_in, place_id), JF_REQUIRED, 0, 0 },
	{ "name", JF_STR, offsetof(struct org_in, name), JF_REQUIRED, 1, 100 },
	{ "kind", JF_STR, offsetof(struct org_in, kind), JF_REQUIRED, 1, 20 },
	{ "uscc", JF_STR, offsetof(struct org_in, uscc), JF_NULLABLE, 0, 30 },
	{ "address", JF_STR, offsetof(struct org_in, address), 0, 0, 200 },
	{ "contact_name", JF_STR, offsetof(struct org_in, contact_name), 0, 0, 50 },
	{ "phone", JF_STR, offsetof(struct org_in, phone), JF_NULLABLE | JF_SECRET, 0, 40 },
	{ "status", JF_STR, offsetof(struct org_in, status), 0, 1, 20 },
	{ "note", JF_STR, offsetof(struct org_in, note), 0, 0, 500 },
};

/* POST /api/v1/orgs */
static int post_org(struct req *r, struct err *e)
{
	struct org_in in = { 0 };
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, org_fields, JF_COUNT(org_fields), &in, NULL, 0, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	const char *id;
	if (people_org_create(r->db, &a, &in, &id, e))
		return -1;
	r->status = 201;
	req_set_header(r, "Location", arena_printf(&r->arena, "/api/v1/orgs/%s", id));
	return write_org(r, id, e) == 1 ? 0 : -1;
}

/* PATCH /api/v1/orgs/:id with If-Match: the fields sent (an organization does not move) */
static int patch_org(struct req *r, struct err *e)
{
	static const struct patch_rule rule = {
		org_fields, JF_COUNT(org_fields), "people.org_place",
		"an organization that moves is closed here and registered there",
		"SELECT version FROM orgs WHERE id = ?"
	};
	const char *id = req_param(r, "id");
	struct org_in in = { 0 };
	uint64_t seen = 0;
	if (patch_start(r, &rule, &in, &seen, e))
		return -1;
	struct actor a;
	accounts_actor(r, &a);
	return people_org_update(r->db, &a, id, &in, seen, req_header(r, "If-Match") != NULL, e) ||
	               write_org(r, id, e) != 1
	           ? -1
	           : 0;
}

/* ---- exports of households and organizations ---- */

/* the words of a household's kind and status, and an organization's, as registers write them */
static const char *const list_words[] = {
	"registered",  "户籍户",       "resident",    "常住户",   "active",     "正常",
	"dissolved",   "已注销",       "closed",      "已关闭",   "shop",       "商铺",
	"enterprise",  "企业",         "cooperative", "合作社",   "nine_small", "九小场所",
	"institution", "机关事业单位", "social_org",  "社会组织", "individual", "个体工商户",
	"other",       "其他",         NULL,
};

static const char *list_word(const char *code)
{
	for (size_t i = 0; code && list_words[i]; i += 2)
		if (!strcmp(list_words[i], code))
			return list_words[i + 1];
	return code;
}

/* one export of a list: its rows (cols from from by q) as cells in columns */
struct list_export {
	const char *what, *title, *ascii, *name, *cols, *from, *sheet;
	const char *const *heads;
	const double *widths;
	int ncols;
	void (*cells)(struct db_stmt *st, const char **cell);
};

#define LIST_EXPORT_MAX 100000

static int list_export(struct req *r, const struct list_export *x, struct query *q,
                       const char *order, struct err *e)
{
	enum tab_out fmt;
	if (tab_out_format(req_query(r, "format"), &fmt, e))
		return -1;
	struct tab_writer *w = tab_writer_new(&r->arena, fmt, x->sheet, 1, e);
	if (!w)
		return -1;
	char day[32];
	time_iso(time_now_ms(), day);
	day[10] = '\0';
	tab_write_list_head(w, arena_printf(&r->arena, "%s（导出于 %s）", x->title, day), x->heads,
	                    x->widths, x->ncols);
	struct db_stmt *st = export_stmt(r, x->cols, x->from, q, order, LIST_EXPORT_MAX, e);
	if (!st)
		return -1;
	int rc;
	int64_t n = 0;
	const char *cell[16];
	while ((rc = db_step(st, e)) == 1) {
		if (n++ == LIST_EXPORT_MAX)
			return export_too_large(st, LIST_EXPORT_MAX, x->what, e);
		cell[0] = arena_printf(&r->arena, "%lld", (long long)n);
		x->cells(st, cell + 1);
		tab_write_row(w, cell, x->ncols);
	}
	if (rc < 0)
		return -1;
	return tab_writer_send(w, r, arena_printf(&r->arena, "%s-%s", x->ascii, day),
	                       arena_printf(&r->arena, "%s-%s", x->name, day), e);
}

static void household_cells(struct db_stmt *st, const char **cell)
{
	cell[0] = db_text(st, 8); /* the head's name, as the list shows it */
	cell[1] = db_text(st, 6); /* 户号 */
	cell[2] = db_text(st, 4); /* address */
	cell[3] = list_word(db_text(st, 5));
	cell[4] = db_text(st, 11); /* members present or away */
	cell[5] = list_word(db_text(st, 9));
	cell[6] = db_text(st, 3);
}

static const char *const household_heads[] = { "序号",   "户主姓名", "户号",   "地址",
	                                       "户类别", "人数",     "户状态", "所在地点" };
static const double household_widths[] = { 6, 10, 14, 30, 9, 6, 8, 24 };

/* GET /api/v1/households/export?format=xlsx|csv&<the list's filters> */
static int export_households(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (households_query(r, &pg, &q, e))
		return -1;
	static const struct list_export x = {
		"households",    "户籍名单", "households",    "户籍名单",       HOUSEHOLD_COLS,
		HOUSEHOLD_FROM,  "户",       household_heads, household_widths, 8,
		household_cells,
	};
	return list_export(r, &x, &q, arena_printf(&r->arena, "%s, h.id", pg.order), e);
}

static void org_cells(struct db_stmt *st, const char **cell)
{
	cell[0] = db_text(st, 4);
	cell[1] = db_text(st, 5);
	cell[2] = db_text(st, 6); /* 统一社会信用代码: a text cell */
	cell[3] = db_text(st, 7);
	cell[4] = db_text(st, 8);
	cell[5] = db_text(st, 9); /* masked, as the list */
	cell[6] = list_word(db_text(st, 10));
	cell[7] = db_text(st, 3);
}

static const char *const org_heads[] = { "序号",   "名称",     "类别", "统一社会信用代码", "地址",
	                                 "联系人", "联系电话", "状态", "所在地点" };
static const double org_widths[] = { 6, 30, 10, 22, 30, 10, 14, 8, 24 };

/* GET /api/v1/orgs/export?format=xlsx|csv&<the list's filters> */
static int export_orgs(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	if (orgs_query(r, &pg, &q, e))
		return -1;
	static const struct list_export x = {
		"organizations", "单位名单", "orgs",     "单位名单", ORG_COLS,  ORG_FROM,
		"单位",          org_heads,  org_widths, 9,          org_cells,
	};
	return list_export(r, &x, &q, arena_printf(&r->arena, "%s, o.id", pg.order), e);
}

/* ---- cockpit ---- */

static int count_persons(struct db *db, const char *path, int64_t *out, struct err *e)
{
	return cockpit_count(db,
	                     "SELECT count(*) FROM persons x JOIN places p ON p.id = x.place_id "
	                     "WHERE p.path >= ? AND p.path < ? AND x.status IN ('present', 'away')",
	                     path, out, e);
}

static int count_households(struct db *db, const char *path, int64_t *out, struct err *e)
{
	return cockpit_count(db,
	                     "SELECT count(*) FROM households h JOIN places p ON p.id = h.place_id "
	                     "WHERE p.path >= ? AND p.path < ? AND h.status = 'active'",
	                     path, out, e);
}

static int count_elderly_alone(struct db *db, const char *path, int64_t *out, struct err *e)
{
	/* the subtree's places, their people, then each one's tag (by the tag first, every
	 * holder in the database was read for each place: 80 ms a village of a county) */
	return cockpit_count(
	    db,
	    "SELECT count(*) FROM places p CROSS JOIN persons x CROSS JOIN person_tags t "
	    "WHERE p.path >= ? AND p.path < ? AND x.place_id = p.id AND t.person_id = x.id "
	    "AND t.tag_id = 'elderly_alone'",
	    path, out, e);
}

static const struct cockpit_tile tile_persons = { "people.persons", "people.read", "人",
	                                          count_persons };
static const struct cockpit_tile tile_households = { "people.households", "people.read", "户",
	                                             count_households };
static const struct cockpit_tile tile_elderly_alone = { "people.elderly_alone", "people.read", "人",
	                                                count_elderly_alone };

/* ---- the routes ---- */

static const struct route routes[] = {
	{ "GET", "/api/v1/people", list_people, "people.read", &PLACE_SCOPE,
	  ROUTE_CACHE | ROUTE_DATED, 0 },
	{ "GET", "/api/v1/people/export", people_export, "people.read", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/people/export", people_export, "people.read", &PLACE_SCOPE,
	  ROUTE_NO_REPLAY, 0 },
	{ "POST", "/api/v1/people", post_person, "people.write", &PLACE_BODY_HOUSEHOLD, 0, 0 },
	{ "GET", "/api/v1/people/:id", get_person, "people.read", &PLACE_PERSON, 0, 0 },
	{ "PATCH", "/api/v1/people/:id", patch_person, "people.write", &PLACE_PERSON, 0, 0 },
	{ "POST", "/api/v1/people/:id/move", move_person, "people.write", &PLACE_PERSON, 0, 0 },
	{ "POST", "/api/v1/people/:id/reveal", reveal_person, "people.reveal", &PLACE_PERSON,
	  ROUTE_NO_REPLAY, 0 },
	{ "POST", "/api/v1/people/:id/tags", post_person_tag, "people.write", &PLACE_PERSON, 0, 0 },
	{ "DELETE", "/api/v1/people/:id/tags/:tag", delete_person_tag, "people.write",
	  &PLACE_PERSON, 0, 0 },
	{ "GET", "/api/v1/households", list_households, "people.read", &PLACE_SCOPE,
	  ROUTE_CACHE | ROUTE_DATED, 0 },
	{ "GET", "/api/v1/households/export", export_households, "people.read", &PLACE_SCOPE, 0,
	  0 },
	{ "POST", "/api/v1/households", post_household, "people.write", &PLACE_BODY, 0, 0 },
	{ "GET", "/api/v1/households/:id", get_household, "people.read", &PLACE_HOUSEHOLD, 0, 0 },
	{ "PATCH", "/api/v1/households/:id", patch_household, "people.write", &PLACE_HOUSEHOLD, 0,
	  0 },
	{ "POST", "/api/v1/households/:id/tags", post_household_tag, "people.write",
	  &PLACE_HOUSEHOLD, 0, 0 },
	{ "DELETE", "/api/v1/households/:id/tags/:tag", delete_household_tag, "people.write",
	  &PLACE_HOUSEHOLD, 0, 0 },
	{ "GET", "/api/v1/orgs", list_orgs, "people.read", &PLACE_SCOPE, 0, 0 },
	{ "GET", "/api/v1/orgs/export", export_orgs, "people.read", &PLACE_SCOPE, 0, 0 },
	{ "POST", "/api/v1/orgs", post_org, "people.write", &PLACE_BODY, 0, 0 },
	{ "GET", "/api/v1/orgs/:id", get_org, "people.read", &PLACE_ORG, 0, 0 },
	{ "PATCH", "/api/v1/orgs/:id", patch_org, "people.write", &PLACE_ORG, 0, 0 },
	{ "POST", "/api/v1/orgs/:id/reveal", reveal_org, "people.reveal", &PLACE_ORG,
	  ROUTE_NO_REPLAY, 0 },
	{ "GET", "/api/v1/tags", list_tags, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/tags/counts", tag_counts, "people.read", &PLACE_QUERY, 0, 0 },
	{ "GET", "/api/v1/places/:id/diagram", people_diagram_get, "people.read", &PLACE_PARAM_ID,
	  ROUTE_CACHE | ROUTE_DATED, 0 },
	{ "GET", "/api/v1/places/:id/houses", people_houses_get, "people.read", &PLACE_PARAM_ID,
	  ROUTE_CACHE | ROUTE_DATED, 0 },
};

const struct route_table people_routes = { "people", routes, sizeof(routes) / sizeof(routes[0]) };

void people_register(void)
{
	cockpit_register(&tile_persons);
	cockpit_register(&tile_households);
	cockpit_register(&tile_elderly_alone);
	people_jobs_register();
}
