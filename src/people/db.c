/* db.c - households, persons, organizations and tags in the database; see people.h. */
#include "people.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

void people_today(char out[11])
{
	char iso[32];
	time_iso(time_now_ms() + 8 * 3600 * 1000, iso); /* Asia/Shanghai: UTC+8, no DST */
	memcpy(out, iso, 10);
	out[10] = '\0';
}

static int one_of(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (!strcmp(v, *allowed))
			return 1;
	return 0;
}

static const char *const household_kinds[] = { "registered", "resident", NULL };
static const char *const household_states[] = { "active", "dissolved", NULL };
static const char *const relations[] = { "head",       "spouse",      "child",   "parent",
	                                 "grandchild", "grandparent", "sibling", "child_in_law",
	                                 "other",      NULL };
static const char *const person_states[] = { "present", "away", "moved_out", "deceased", NULL };
static const char *const org_kinds[] = { "shop",       "enterprise",  "cooperative",
	                                 "nine_small", "institution", "social_org",
	                                 "individual", "other",       NULL };
static const char *const org_states[] = { "active", "closed", NULL };

/* the kinds of physical place a household or an organization may be at */
static const char *const home_kinds[] = { "village", "community", "natural_village",
	                                  "group",   "compound",  "building",
	                                  "unit",    "dwelling",  NULL };

/* check v against allowed, naming field; NULL passes (the caller decided it is optional) */
static int check_enum(const char *v, const char *const *allowed, const char *code,
                      const char *field, struct err *e)
{
	if (v && !one_of(v, allowed))
		return err_invalid(e, code, field, "'%s' is not a valid %s", v, field);
	return 0;
}

/* the place must exist, be physical and active, and be a kind people live or work at */
static int home_place(struct db *db, const char *id, struct place *p, struct err *e)
{
	int rc = places_get(db, id, p, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_invalid(e, "places.not_found", "place_id", "no place '%s'", id);
	if (!one_of(p->kind, home_kinds))
		return err_invalid(e, "people.place_kind", "place_id",
		                   "a %s is not a place people live or work at; choose a village, "
		                   "community or a place under one",
		                   p->kind);
	return 0;
}

/* sealed value, keyed hash and masked form of a personal value; prev_hash is the hash
 * under the previous key while a rotation is under way (rows not yet re-sealed carry it),
 * else NULL */
struct sealed {
	const char *enc, *hash, *prev_hash, *masked;
};

static int seal(struct db *db, const char *plain, const char *masked, struct sealed *s,
                struct err *e)
{
	struct arena *a = db_arena(db);
	s->enc = crypt_seal(a, plain, e);
	if (!s->enc)
		return -1;
	const char *h[2];
	if (!crypt_lookups(a, plain, h))
		return err_internal(e, "no key loaded for personal data");
	s->hash = h[0];
	s->prev_hash = h[1];
	s->masked = masked;
	return 0;
}

/* ---- households ---- */

int people_household_add(struct db *db, const struct actor *who, const struct household_in *in,
                         struct people_bulk *bulk, const char **id_out, struct err *e)
{
	struct place p = { 0 };
	unsigned k = 0, n = bulk && in->place_id ? bulk->nplaces : 0;
	while (k < n && k < 8 && strcmp(bulk->places[k].id, in->place_id))
		k++;
	if (k < n && k < 8) { /* checked already in this batch */
		p.id = bulk->places[k].id;
		p.region = bulk->places[k].region;
	} else if (home_place(db, in->place_id, &p, e)) {
		return -1;
	} else if (bulk) { /* kept in bulk, for as long as the batch */
		k = bulk->nplaces++ % 8;
		p.id = bulk->places[k].id = arena_strdup(&bulk->fa, p.id);
		p.region = bulk->places[k].region = arena_strdup(&bulk->fa, p.region);
	}
	const char *kind = in->kind ? in->kind : "registered";
	if (check_enum(kind, household_kinds, "people.household_kind", "kind", e) ||
	    check_enum(in->status, household_states, "people.household_status", "status", e))
		return -1;
	char id[ID_LEN + 1], now[32];
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(
	        db, e,
	        "INSERT INTO households (id, region, place_id, address, kind, hukou_no, status, "
	        "note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        DB_T(id), DB_T(p.region), DB_T(p.id), DB_T(in->address ? in->address : ""),
	        DB_T(kind), DB_T(in->hukou_no), DB_T(in->status ? in->status : "active"),
	        DB_T(in->note ? in->note : ""), DB_T(now), DB_T(now)) < 0)
		return -1;
	if (!bulk) { /* an import audits its batch instead */
		struct jdoc doc;
		struct jw *wp = jdoc_open(&doc, db_arena(db));
		jw_kstr(wp, "place_id", p.id);
		jw_kstr(wp, "kind", kind);
		jw_kstr(wp, "hukou_no", in->hukou_no);
		if (audit_write(db, who, p.region, "households", id, "create", jdoc_close(&doc), e))
			return -1;
	}
	if (bulk && (!in->status || !strcmp(in->status, "active"))) { /* its first member next */
		bulk->hh_id = arena_strdup(&bulk->fa, id);
		bulk->hh_region = p.region;
		bulk->hh_place = p.id;
		bulk->hh_head = NULL;
	}
	if (id_out)
		*id_out = arena_strdup(db_arena(db), id);
	return 0;
}

int people_household_create(struct db *db, const struct actor *who, const struct household_in *in,
                            const char **id_out, struct err *e)
{
	return people_household_add(db, who, in, NULL, id_out, e);
}

/* ---- persons ---- */

/* The checked, derived and sealed values of a person_in. */
struct person_row {
	const char *name, *pinyin, *initials, *relation, *status, *id_kind, *birth, *sex;
	struct sealed id, phone;
	int has_id, has_phone;
};

static int person_check(struct db *db, const struct person_in *in, const char *today,
                        struct person_row *pr, struct err *e)
{
	struct arena *a = db_arena(db);
	memset(pr, 0, sizeof(*pr));
	pr->name = in->name;
	pr->relation = in->relation;
	pr->status = in->status ? in->status : "present";
	if (check_enum(in->relation, relations, "people.relation", "relation", e) ||
	    check_enum(pr->status, person_states, "people.person_status", "status", e))
		return -1;
	if (in->sex && strcmp(in->sex, "M") && strcmp(in->sex, "F"))
		return err_invalid(e, "people.sex", "sex", "'sex' must be \"M\" or \"F\"");
	pr->sex = in->sex;
	pr->birth = in->birth_date;
	if (pr->birth && strcmp(pr->birth, today) > 0)
		return err_invalid(e, "people.birth_future", "birth_date",
		                   "the birth date %s is in the future", pr->birth);
	enum id_kind kind = ID_NONE;
	if (in->id_kind) {
		kind = idno_kind_from_name(in->id_kind);
		if (kind == ID_NONE)
			return err_invalid(e, "people.id_kind", "id_kind",
			                   "'%s' is not a kind of identity document", in->id_kind);
	}
	if (in->id_no && *in->id_no) {
		struct id_doc doc;
		if (idno_parse(in->id_no, kind, today, "id_no", &doc, e))
			return -1;
		if (doc.birth[0]) {
			if (pr->birth && strcmp(pr->birth, doc.birth))
				return err_invalid(e, "people.birth_mismatch", "birth_date",
				                   "the identity number says the birth date is %s",
				                   doc.birth);
			pr->birth = arena_strdup(a, doc.birth);
		}
		if (doc.sex) {
			char s[2] = { doc.sex, 0 };
			if (pr->sex && strcmp(pr->sex, s))
				return err_invalid(e, "people.sex_mismatch", "sex",
				                   "the identity number says the sex is %s", s);
			pr->sex = arena_strdup(a, s);
		}
		pr->id_kind = idno_kind_name(doc.kind);
		if (seal(db, doc.norm, mask_id(a, doc.norm), &pr->id, e))
			return -1;
		pr->has_id = 1;
	} else if (in->id_kind) {
		return err_invalid(e, "json.required", "id_no",
		                   "'id_kind' was given without 'id_no'");
	}
	if (in->phone && *in->phone) {
		char norm[32];
		enum phone_kind pk;
		if (phone_parse(in->phone, "phone", norm, &pk, e) ||
		    seal(db, norm, mask_phone(a, norm), &pr->phone, e))
			return -1;
		pr->has_phone = 1;
	}
	pinyin_of_name(a, in->name, &pr->pinyin, &pr->initials);
	return 0;
}

/* the household a person may join: it exists and is not dissolved */
static int household_get(struct db *db, const char *id, const char **region, const char **place_id,
                         const char **head_id, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT region, place_id, head_id, status FROM households WHERE id = ?",
	             DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return err_invalid(e, "people.household_not_found", "household_id",
		                   "no household '%s'", id);
	*region = db_text(st, 0);
	*place_id = db_text(st, 1);
	*head_id = db_text(st, 2);
	int dissolved = !strcmp(db_text(st, 3), "dissolved");
	db_done(st);
	if (dissolved)
		return err_conflict(e, "people.household_dissolved", "household_id",
		                    "the household is dissolved");
	return 0;
}

/* 409 if the ID number is already someone else's, under either key during a rotation (the
 * unique index would say so less clearly) */
static int unique_id(struct db *db, const struct sealed *id, const char *self, struct err *e)
{
	const char *other = NULL;
	int rc =
	    db_get_text(db, e, &other,
	                id->prev_hash ? "SELECT id FROM persons WHERE id_hash IN (?, ?)"
	                              : "SELECT id FROM persons WHERE id_hash = ?",
	                DB_ARGS(DB_T(id->hash), id->prev_hash ? DB_T(id->prev_hash) : DB_NOARGS));
	if (rc < 0)
		return -1;
	if (rc == 1 && (!self || strcmp(other, self)))
		return err_conflict(e, "people.duplicate_id", "id_no",
		                    "a person with this identity number is already registered");
	return 0;
}

/* the search grams of a name: its characters and pairs, then the prefixes of its initials
 * ("py:z", "py:zw", ...); n returned, each in *grams */
static size_t grams_of(struct arena *a, const struct person_row *pr, const char ***out)
{
	const char **grams;
	size_t n = name_grams(a, pr->name, &grams), ni = strlen(pr->initials), m = n;
	if (ni > INITIALS_GRAM_MAX)
		ni = INITIALS_GRAM_MAX;
	const char **all = arena_alloc(a, (n + ni) * sizeof(*all));
	memcpy(all, grams, n * sizeof(*all));
	for (size_t i = 0; i < ni; i++)
		all[m++] = arena_printf(a, INITIALS_GRAM "%.*s", (int)(i + 1), pr->initials);
	*out = all;
	return m;
}

#define GRAM_INSERT_HEAD "INSERT INTO person_grams (gram, person_id, pinyin, place_id) VALUES"
#define GRAM_INSERT      GRAM_INSERT_HEAD " (?, ?, ?, ?)"
#define GRAM_ROWS        64 /* grams held written by one INSERT: on PostgreSQL, one round trip */

/* k grams' arguments (4 each) written: GRAM_ROWS by `rows`, fewer (the last) by statements
 * of 32, 16, ... 1 rows, so that a flush adds at most six texts to the statement cache */
static int grams_write(struct db *db, const char *rows, struct db_arg *args, int k, struct err *e)
{
	for (int at = 0, size = GRAM_ROWS; at < k; size /= 2) {
		if (k - at < size)
			continue;
		struct db_arg end = args[4 * (at + size)];
		args[4 * (at + size)] = DB_NOARGS;
		int64_t rc = db_exec_(
		    db, e,
		    size == GRAM_ROWS ? rows : db_rows_sql(db_arena(db), GRAM_INSERT_HEAD, 4, size),
		    args + 4 * at);
		args[4 * (at + size)] = end;
		if (rc < 0)
			return -1;
		at += size;
	}
	return 0;
}

/* what a person is now, as the registry holds them */
struct person_now {
	const char *region, *household_id, *name, *relation, *status, *id_enc, *birth, *sex,
	    *head_id, *place_id, *pinyin, *initials;
	int64_t version;
};

/* a person's grams as they are: those of their stored name, pinyin and initials, each found
 * by its key (person_grams has no index by person: migration people/0009). place_id NULL:
 * removed; else moved there. Grams are what a search reads, so they are always those of
 * the stored name, or the search would not find the person either. */
static int grams_now(struct db *db, const struct person_now *p, const char *person_id,
                     const char *place_id, struct err *e)
{
	struct person_row pr = { .name = p->name, .pinyin = p->pinyin, .initials = p->initials };
	const char **grams;
	size_t n = grams_of(db_arena(db), &pr, &grams);
	for (size_t i = 0; i < n; i++)
		if ((place_id
		         ? db_exec(db, e,
		                   "UPDATE person_grams SET place_id = ? WHERE gram = ? AND "
		                   "pinyin = ? AND person_id = ?",
		                   DB_T(place_id), DB_T(grams[i]), DB_T(p->pinyin), DB_T(person_id))
		         : db_exec(db, e,
		                   "DELETE FROM person_grams WHERE gram = ? AND pinyin = ? AND "
		                   "person_id = ?",
		                   DB_T(grams[i]), DB_T(p->pinyin), DB_T(person_id))) < 0)
			return -1;
	return 0;
}

/* replace a person's search grams with those of their name, each with the name's pinyin,
 * the order a search pages in, and their place, the scope a search checks (was NULL: a new
 * person, who has none to remove) */
static int grams_set(struct db *db, const struct person_row *pr, const char *person_id,
                     const char *place_id, const struct person_now *was, struct err *e)
{
	const char **grams;
	size_t n = grams_of(db_arena(db), pr, &grams);
	if (was && grams_now(db, was, person_id, NULL, e))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (db_exec(db, e, GRAM_INSERT, DB_T(grams[i]), DB_T(person_id), DB_T(pr->pinyin),
		            DB_T(place_id)) < 0)
			return -1;
	return 0;
}

/* a person whose grams are held: what each of their rows in person_grams repeats */
struct bulk_person {
	const char *pinyin, *id, *place;
	int pinyin_len, id_len, place_len;
};

/* a gram held: its text, padded with zeros (a pair of characters of 4 bytes, or "py:" and
 * eight initials, at most 11 bytes), and its person */
#define GRAM_HELD 16
struct people_gram {
	char gram[GRAM_HELD];
	const struct bulk_person *person;
};

/* grams handed to a thread to be sorted */
struct people_run {
	struct people_gram *g;
	size_t n, next; /* next: the first not yet written, while runs are merged */
	pthread_t sorter;
	int started;
	struct people_run *older;
};

/* what the rules of the derived tags need of a person (rules.h) */
struct people_fact {
	const char *household_id, *id;
	struct person_facts f;
};

void people_bulk_init(struct people_bulk *b)
{
	memset(b, 0, sizeof(*b));
	arena_init(&b->a, 1u << 20);
	arena_init(&b->fa, 1u << 16);
}

/* the grams held, and their persons, let go of (a sort under way waited for) */
static void grams_release(struct people_bulk *b)
{
	for (struct people_run *r = b->runs, *older; r; r = older) {
		older = r->older;
		if (r->started)
			pthread_join(r->sorter, NULL);
		free(r->g);
		free(r);
	}
	free(b->grams);
	arena_release(&b->a);
	b->grams = NULL;
	b->runs = NULL;
	b->n = b->cap = b->held = 0;
}

void people_bulk_release(struct people_bulk *b)
{
	grams_release(b);
	free(b->facts);
	arena_release(&b->fa);
	memset(b, 0, sizeof(*b));
}

static void bulk_person_of(struct arena *a, struct bulk_person *bp, const char *pinyin,
                           const char *id, const char *place)
{
	*bp = (struct bulk_person){ arena_strdup(a, pinyin), arena_strdup(a, id),
		                    arena_strdup(a, place),  (int)strlen(pinyin),
		                    (int)strlen(id),         (int)strlen(place) };
}

/* hold a person's grams, and what their rule tags need; a gram too long to be held is
 * written now (none is, by grams_of) */
static int bulk_hold(struct db *db, struct people_bulk *b, const struct person_row *pr,
                     const char *person_id, const char *household_id, const char *place_id,
                     struct err *e)
{
	if (b->nfacts == b->capfacts) {
		size_t cap = b->capfacts ? 2 * b->capfacts : 1024;
		struct people_fact *f = realloc(b->facts, cap * sizeof(*f));
		if (!f)
			return err_internal(e, "out of memory");
		b->facts = f;
		b->capfacts = cap;
	}
	b->facts[b->nfacts++] = (struct people_fact){
		arena_strdup(&b->fa, household_id),
		arena_strdup(&b->fa, person_id),
		{ pr->birth ? arena_strdup(&b->fa, pr->birth) : NULL,
		  arena_strdup(&b->fa, pr->status), 0, 0 },
	};
	const char **grams; /* copied below: made in the row's arena */
	size_t n = grams_of(db_arena(db), pr, &grams);
	struct bulk_person *bp = arena_alloc(&b->a, sizeof(*bp));
	bulk_person_of(&b->a, bp, pr->pinyin, person_id, place_id);
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		struct people_gram *g = realloc(b->grams, cap * sizeof(*g));
		if (!g)
			return err_internal(e, "out of memory");
		b->grams = g;
		b->cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(grams[i]);
		if (len >= GRAM_HELD) {
			if (db_exec(db, e, GRAM_INSERT, DB_T(grams[i]), DB_T(person_id),
			            DB_T(pr->pinyin), DB_T(place_id)) < 0)
				return -1;
			continue;
		}
		b->held++;
		struct people_gram *g = &b->grams[b->n++];
		memset(g->gram, 0, sizeof(g->gram));
		memcpy(g->gram, grams[i], len);
		g->person = bp;
	}
	return 0;
}

/* person_grams' key order: (gram, pinyin, person_id), bytewise as SQLite's BINARY (the
 * zeros after a gram order it as strcmp would) */
static int gram_cmp(const void *x, const void *y)
{
	const struct people_gram *a = x, *b = y;
	int c = memcmp(a->gram, b->gram, sizeof(a->gram));
	if (c || a->person == b->person)
		return c;
	c = strcmp(a->person->pinyin, b->person->pinyin);
	return c ? c : strcmp(a->person->id, b->person->id);
}

static void *run_sort(void *arg)
{
	struct people_run *r = arg;
	if (r->n) /* qsort takes no NULL, even for nothing */
		qsort(r->g, r->n, sizeof(*r->g), gram_cmp);
	return NULL;
}

/* the grams held become a run, sorted by a thread (threaded) or now */
static int bulk_run(struct people_bulk *b, int threaded, struct err *e)
{
	if (!b->n)
		return 0;
	struct people_run *r = calloc(1, sizeof(*r));
	if (!r)
		return err_internal(e, "out of memory");
	if (b->runs && b->runs->started) { /* one sort at a time beside the import */
		pthread_join(b->runs->sorter, NULL);
		b->runs->started = 0;
	}
	*r = (struct people_run){ b->grams, b->n, 0, 0, 0, b->runs };
	b->runs = r;
	b->grams = NULL;
	b->n = b->cap = 0;
	r->started = threaded && !pthread_create(&r->sorter, NULL, run_sort, r);
	if (!r->started)
		run_sort(r);
	return 0;
}

int people_bulk_hand(struct people_bulk *b, struct err *e)
{
	return bulk_run(b, 1, e);
}

/* heap[] of runs, by their next gram: the least at the root */
static int run_less(const struct people_run *x, const struct people_run *y)
{
	return gram_cmp(&x->g[x->next], &y->g[y->next]) < 0;
}

static void heap_down(struct people_run **heap, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && run_less(heap[l], heap[m]))
			m = l;
		if (l + 1 < n && run_less(heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		struct people_run *t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

int people_bulk_flush(struct db *db, struct people_bulk *b, struct err *e)
{
	int rc = bulk_run(b, 0, e);
	size_t n = 0;
	for (struct people_run *r = b->runs; r; r = r->older) {
		if (r->started)
			pthread_join(r->sorter, NULL);
		r->started = 0;
		n += r->n > 0;
	}
	struct people_run **heap = n ? malloc(n * sizeof(*heap)) : NULL;
	if (n && !heap && !rc)
		rc = err_internal(e, "out of memory");
	if (!rc) {
		n = 0;
		for (struct people_run *r = b->runs; r; r = r->older)
			if (r->n)
				heap[n++] = r;
		for (size_t i = n / 2; i-- > 0;)
			heap_down(heap, n, i);
		/* the least next gram of every run, GRAM_ROWS an INSERT */
		const char *rows = db_rows_sql(db_arena(db), GRAM_INSERT_HEAD, 4, GRAM_ROWS);
		struct db_arg args[4 * GRAM_ROWS + 1];
		int k = 0;
		while (n && !rc) {
			struct people_run *r = heap[0];
			const struct people_gram *g = &r->g[r->next++];
			const struct bulk_person *bp = g->person;
			args[4 * k] = DB_TN(g->gram, (int)strlen(g->gram));
			args[4 * k + 1] = DB_TN(bp->id, bp->id_len);
			args[4 * k + 2] = DB_TN(bp->pinyin, bp->pinyin_len);
			args[4 * k + 3] = DB_TN(bp->place, bp->place_len);
			if (++k == GRAM_ROWS) {
				rc = grams_write(db, rows, args, k, e);
				k = 0;
			}
			if (r->next == r->n)
				heap[0] = heap[--n];
			heap_down(heap, n, 0);
		}
		if (!rc && k) /* the last, fewer */
			rc = grams_write(db, rows, args, k, e);
	}
	free(heap);
	grams_release(b);
	arena_init(&b->a, 1u << 20);
	return rc;
}

/* what a first load drops: the indexes of persons and person_grams that are not unique and
 * not read while people are added (an ID number found again, a household's people) */
#define LOAD_DROPS                                                                                 \
	"SELECT m.name, m.sql FROM sqlite_master m, pragma_index_list(m.tbl_name) l "              \
	"WHERE m.type = 'index' AND m.tbl_name IN ('persons', 'person_grams') "                    \
	"AND l.name = m.name AND l.\"unique\" = 0 AND m.sql IS NOT NULL "                          \
	"AND m.name NOT IN ('persons_id_hash', 'persons_household') ORDER BY m.name"

/*
 * Alone on the database, a load is written straight into it, under a rollback journal: a
 * load is larger than SQLite's cache, and in the WAL every page it spills is written there,
 * read back, and copied into the database at the checkpoint (a million people: 75 s,
 * against 62 s so). Pages past the database's end, most of what a load writes, are not
 * journaled; synchronous is FULL meanwhile (NORMAL, the WAL's, is weaker in a rollback
 * journal). SQLite changes the mode only when no other connection is open (a server), and
 * answers busy at once otherwise: the load is not kept waiting, and stays in the WAL. A
 * crash leaves a hot journal, rolled back by the next to open the database, which takes
 * the WAL up again. l->wal_left is set as soon as the mode has changed, so that
 * people_load_abort puts it back whatever fails after.
 */
static int leave_wal(struct db *db, struct arena *a, struct people_load *l, struct err *e)
{
	const char *mode = NULL;
	int64_t busy = 0, sync = 0;
	if (db_get_text(db, e, &mode, "PRAGMA journal_mode", DB_ARGS(DB_NOARGS)) < 0)
		return -1;
	if (!mode || strcmp(mode, "wal")) /* SQLite refused the WAL at open: nothing to leave */
		return 0;
	if (db_get_int(db, e, &sync, "PRAGMA synchronous", DB_ARGS(DB_NOARGS)) < 0 ||
	    db_get_int(db, e, &busy, "PRAGMA busy_timeout", DB_ARGS(DB_NOARGS)) < 0 ||
	    db_exec(db, e, "PRAGMA busy_timeout = 0", DB_NOARGS) < 0)
		return -1;
	struct err je;
	err_clear(&je);
	int got = db_get_text(db, &je, &mode, "PRAGMA journal_mode = DELETE", DB_ARGS(DB_NOARGS));
	l->wal_left = got == 1 && mode && !strcmp(mode, "delete");
	l->synchronous = (int)sync;
	if (db_exec(db, e, arena_printf(a, "PRAGMA busy_timeout = %lld", (long long)busy),
	            DB_NOARGS) < 0)
		return -1;
	if (got < 0 && strcmp(je.code, "db.busy")) {
		*e = je;
		return -1;
	}
	if (!l->wal_left)
		return 0;
	log_info("a first load alone on the database: written straight into it");
	return db_exec(db, e, "PRAGMA synchronous = FULL", DB_NOARGS) < 0 ? -1 : 0;
}

int people_load_begin(struct db *db, struct arena *a, struct people_load *l, struct err *e)
{
	memset(l, 0, sizeof(*l));
	if (strcmp(db_backend(db), "sqlite")) /* an index dropped locks its table */
		return db_begin(db, 1, e);
	/* every row's references are found as it is made (a household, its place), and the
	 * grams' person is the row just written: the check on each would cost more than a gram.
	 * The sorts that make the indexes again spill to files, not memory (a million people's
	 * grams are 400 MB of keys). */
	int64_t temp = 0;
	if (db_get_int(db, e, &temp, "PRAGMA temp_store", DB_ARGS(DB_NOARGS)) < 0 ||
	    db_exec(db, e, "PRAGMA foreign_keys = OFF", DB_NOARGS) < 0)
		return -1;
	l->fk_off = 1;
	l->temp_store = (int)temp;
	if (db_exec(db, e, "PRAGMA temp_store = FILE", DB_NOARGS) < 0)
		return -1;
	if (leave_wal(db, a, l, e))
		return -1;
	if (db_begin(db, 1, e))
		return -1;
	struct db_stmt *st = db_query(db, e, LOAD_DROPS, DB_NOARGS);
	if (!st)
		return -1;
	const char **names = NULL;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (l->n == cap) {
			size_t more = cap ? 2 * cap : 8;
			names =
			    arena_realloc(a, names, cap * sizeof(*names), more * sizeof(*names));
			l->sql =
			    arena_realloc(a, l->sql, cap * sizeof(*l->sql), more * sizeof(*l->sql));
			cap = more;
		}
		names[l->n] = arena_strdup(a, db_text(st, 0));
		l->sql[l->n++] = arena_strdup(a, db_text(st, 1));
	}
	for (size_t i = 0; i < l->n && !rc; i++)
		if (db_exec(db, e, arena_printf(a, "DROP INDEX \"%s\"", names[i]), DB_NOARGS) < 0)
			rc = -1;
	return rc;
}

/* the connection's settings as they were before the load */
static void load_settings_back(struct db *db, struct people_load *l)
{
	struct err e;
	if (l->fk_off &&
	    (db_exec(db, &e, "PRAGMA foreign_keys = ON", DB_NOARGS) < 0 ||
	     db_exec(db, &e, arena_printf(db_arena(db), "PRAGMA temp_store = %d", l->temp_store),
	             DB_NOARGS) < 0))
		log_warn("people_load: settings left as for the load: %s", e.msg);
	l->fk_off = 0;
	const char *mode = NULL;
	if (!l->wal_left)
		return;
	l->wal_left = 0;
	if (db_get_text(db, &e, &mode, "PRAGMA journal_mode = WAL", DB_ARGS(DB_NOARGS)) < 0 ||
	    !mode || strcmp(mode, "wal")) /* synchronous stays FULL, the safe one */
		log_warn("people_load: the WAL not taken up again (the next to open the "
		         "database does): %s",
		         mode ? mode : e.msg);
	else if (db_exec(db, &e,
	                 arena_printf(db_arena(db), "PRAGMA synchronous = %d", l->synchronous),
	                 DB_NOARGS) < 0)
		log_warn("people_load: synchronous left FULL: %s", e.msg);
}

int people_load_end(struct db *db, struct people_load *l, struct err *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (db_exec_script(db, l->sql[i], e))
			return -1;
	if (db_commit(db, e))
		return -1;
	l->n = 0;
	load_settings_back(db, l);
	return 0;
}

void people_load_abort(struct db *db, struct people_load *l)
{
	if (db_in_tx(db))
		db_rollback(db);
	load_settings_back(db, l);
}

int people_person_add(struct db *db, const struct actor *who, const struct person_in *in,
                      const char *today, struct people_bulk *bulk, const char **id_out,
                      struct err *e)
{
	struct person_row pr;
	const char *region, *place_id, *head_id;
	if (person_check(db, in, today, &pr, e))
		return -1;
	if (bulk && bulk->hh_id && !strcmp(bulk->hh_id, in->household_id)) {
		region = bulk->hh_region;
		place_id = bulk->hh_place;
		head_id = bulk->hh_head;
	} else if (household_get(db, in->household_id, &region, &place_id, &head_id, e)) {
		return -1;
	} else if (bulk) {
		bulk->hh_id = arena_strdup(&bulk->fa, in->household_id);
		bulk->hh_region = arena_strdup(&bulk->fa, region);
		bulk->hh_place = arena_strdup(&bulk->fa, place_id);
		bulk->hh_head = head_id ? arena_strdup(&bulk->fa, head_id) : NULL;
	}
	/* an import has looked the number up already (and the unique index stands) */
	if (pr.has_id && !bulk && unique_id(db, &pr.id, NULL, e))
		return -1;
	if (!strcmp(pr.relation, "head") && head_id)
		return err_conflict(e, "people.head_exists", "relation",
		                    "the household already has a head; change theirs first");
	char id[ID_LEN + 1], now[32];
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(
	        db, e,
	        "INSERT INTO persons (id, region, household_id, place_id, name, name_pinyin, "
	        "name_initials, relation, status, id_kind, id_enc, id_hash, id_masked, "
	        "birth_date, sex, phone_enc, phone_hash, phone_masked, ethnicity, note, "
	        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	        "?, ?, ?, ?, ?, ?)",
	        DB_T(id), DB_T(region), DB_T(in->household_id), DB_T(place_id), DB_T(pr.name),
	        DB_T(pr.pinyin), DB_T(pr.initials), DB_T(pr.relation), DB_T(pr.status),
	        DB_T(pr.id_kind), DB_T(pr.id.enc), DB_T(pr.id.hash), DB_T(pr.id.masked),
	        DB_T(pr.birth), DB_T(pr.sex), DB_T(pr.phone.enc), DB_T(pr.phone.hash),
	        DB_T(pr.phone.masked), DB_T(in->ethnicity), DB_T(in->note ? in->note : ""),
	        DB_T(now), DB_T(now)) < 0)
		return -1;
	if (!strcmp(pr.relation, "head") &&
	    db_exec(db, e, "UPDATE households SET head_id = ?, updated_at = ? WHERE id = ?",
	            DB_T(id), DB_T(now), DB_T(in->household_id)) < 0)
		return -1;
	if (bulk && !strcmp(pr.relation, "head"))
		bulk->hh_head = arena_strdup(&bulk->fa, id);
	if (bulk) { /* audited by the batch; tags derived at its end */
		if (bulk_hold(db, bulk, &pr, id, in->household_id, place_id, e))
			return -1;
		if (id_out)
			*id_out = arena_strdup(db_arena(db), id);
		return 0;
	}
	if (grams_set(db, &pr, id, place_id, NULL, e))
		return -1;
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, db_arena(db));
	jw_kstr(wp, "household_id", in->household_id);
	jw_kstr(wp, "name", mask_name(db_arena(db), pr.name));
	jw_kstr(wp, "relation", pr.relation);
	jw_kstr(wp, "status", pr.status);
	jw_kstr(wp, "id_no", pr.id.masked);
	jw_kstr(wp, "phone", pr.phone.masked);
	if (audit_write(db, who, region, "persons", id, "create", jdoc_close(&doc), e))
		return -1;
	int64_t changed;
	if (people_derive_tags(db, in->household_id, NULL, today, &changed, e))
		return -1;
	if (id_out)
		*id_out = arena_strdup(db_arena(db), id);
	return 0;
}

int people_person_create(struct db *db, const struct actor *who, const struct person_in *in,
                         const char *today, const char **id_out, struct err *e)
{
	return people_person_add(db, who, in, today, NULL, id_out, e);
}

/* ---- organizations ---- */

/* the checked values of an org_in: the credit code normalized, the phone sealed */
struct org_row {
	char uscc[19];
	struct sealed phone;
	const char *pinyin, *initials;
};

static int org_check(struct db *db, const struct org_in *in, const char *self, struct org_row *o,
                     struct err *e)
{
	struct arena *a = db_arena(db);
	memset(o, 0, sizeof(*o));
	if (check_enum(in->kind, org_kinds, "people.org_kind", "kind", e) ||
	    check_enum(in->status, org_states, "people.org_status", "status", e))
		return -1;
	if (in->uscc && *in->uscc) {
		if (uscc_parse(in->uscc, "uscc", o->uscc, e))
			return -1;
		const char *other = NULL;
		int rc = db_get_text(db, e, &other, "SELECT id FROM orgs WHERE uscc = ?",
		                     DB_ARGS(DB_T(o->uscc)));
		if (rc < 0)
			return -1;
		if (rc == 1 && (!self || strcmp(other, self)))
			return err_conflict(e, "people.duplicate_uscc", "uscc",
			                    "an organization with code %s is already registered",
			                    o->uscc);
	}
	if (in->phone && *in->phone) {
		char norm[32];
		enum phone_kind pk;
		if (phone_parse(in->phone, "phone", norm, &pk, e) ||
		    seal(db, norm, mask_phone(a, norm), &o->phone, e))
			return -1;
	}
	if (in->name)
		pinyin_of_name(a, in->name, &o->pinyin, &o->initials);
	return 0;
}

static const char *org_changes(struct db *db, const struct org_in *in, const struct org_row *o,
                               uint64_t seen)
{
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, db_arena(db));
	static const char *const keys[] = { "place_id",     "name",  "kind",   "uscc", "address",
		                            "contact_name", "phone", "status", "note" };
	const char *vals[] = { in->place_id,    in->name,
		               in->kind,        o->uscc[0] ? o->uscc : NULL,
		               in->address,     in->contact_name,
		               o->phone.masked, in->status,
		               in->note };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (seen & (1u << i))
			jw_kstr(wp, keys[i], vals[i]);
	return jdoc_close(&doc);
}

int people_org_create(struct db *db, const struct actor *who, const struct org_in *in,
                      const char **id_out, struct err *e)
{
	struct place p;
	struct org_row o;
	if (home_place(db, in->place_id, &p, e) || org_check(db, in, NULL, &o, e))
		return -1;
	char id[ID_LEN + 1], now[32];
	id_new(id);
	time_iso(time_now_ms(), now);
	if (db_exec(
	        db, e,
	        "INSERT INTO orgs (id, region, place_id, name, name_pinyin, kind, uscc, address, "
	        "contact_name, phone_enc, phone_hash, phone_masked, status, note, created_at, "
	        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        DB_T(id), DB_T(p.region), DB_T(p.id), DB_T(in->name), DB_T(o.pinyin),
	        DB_T(in->kind), DB_T(o.uscc[0] ? o.uscc : NULL),
	        DB_T(in->address ? in->address : ""),
	        DB_T(in->contact_name ? in->contact_name : ""), DB_T(o.phone.enc),
	        DB_T(o.phone.hash), DB_T(o.phone.masked), DB_T(in->status ? in->status : "active"),
	        DB_T(in->note ? in->note : ""), DB_T(now), DB_T(now)) < 0)
		return -1;
	if (audit_write(db, who, p.region, "orgs", id, "create", org_changes(db, in, &o, 0x1ff), e))
		return -1;
	if (id_out)
		*id_out = arena_strdup(db_arena(db), id);
	return 0;
}

int people_org_update(struct db *db, const struct actor *who, const char *id,
                      const struct org_in *in, uint64_t seen, int if_match, struct err *e)
{
	enum {
		OF_NAME = 2,
		OF_USCC = 8,
		OF_PHONE = 64
	};
	const char *region = NULL;
	int64_t version = 0;
	struct db_stmt *st =
	    db_query(db, e, "SELECT region, version FROM orgs WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "people.org_not_found", "no such organization");
	region = db_text(st, 0);
	version = db_int(st, 1);
	db_done(st);
	struct org_row o;
	if (org_check(db, in, id, &o, e))
		return -1;
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n = db_exec(
	    db, e,
	    "UPDATE orgs SET name = COALESCE(?, name), name_pinyin = COALESCE(?, name_pinyin), "
	    "kind = COALESCE(?, kind), uscc = CASE WHEN ? = 1 THEN ? ELSE uscc END, "
	    "address = COALESCE(?, address), contact_name = COALESCE(?, contact_name), "
	    "phone_enc = CASE WHEN ? = 1 THEN ? ELSE phone_enc END, "
	    "phone_hash = CASE WHEN ? = 1 THEN ? ELSE phone_hash END, "
	    "phone_masked = CASE WHEN ? = 1 THEN ? ELSE phone_masked END, "
	    "status = COALESCE(?, status), note = COALESCE(?, note), updated_at = ?, "
	    "version = version + 1 WHERE id = ? AND (? = 0 OR version = ?)",
	    DB_T((seen & OF_NAME) ? in->name : NULL), DB_T((seen & OF_NAME) ? o.pinyin : NULL),
	    DB_T(in->kind), DB_I((seen & OF_USCC) != 0), DB_T(o.uscc[0] ? o.uscc : NULL),
	    DB_T(in->address), DB_T(in->contact_name), DB_I((seen & OF_PHONE) != 0),
	    DB_T(o.phone.enc), DB_I((seen & OF_PHONE) != 0), DB_T(o.phone.hash),
	    DB_I((seen & OF_PHONE) != 0), DB_T(o.phone.masked), DB_T(in->status), DB_T(in->note),
	    DB_T(now), DB_T(id), DB_I(if_match), DB_I(version));
	if (n != 1)
		return n < 0 ? -1
		             : err_set(e, 412, "http.precondition_failed", NULL,
		                       "the organization changed meanwhile; reload and try again");
	return audit_write(db, who, region, "orgs", id, "update", org_changes(db, in, &o, seen), e);
}

/* ---- tags ---- */

int people_tag_add(struct db *db, const struct actor *who, const char *entity, const char *row_id,
                   const char *tag_id, const char *source, const char *as_of, int flags,
                   struct err *e)
{
	int person = !strcmp(entity, "persons");
	const char *applies = NULL, *region = NULL;
	if (!(flags & PEOPLE_BULK)) { /* an import's tag and row are known (people.h) */
		if (db_get_text(db, e, &applies, "SELECT applies_to FROM tags WHERE id = ?",
		                DB_ARGS(DB_T(tag_id))) < 0)
			return -1;
		if (!applies)
			return err_invalid(e, "people.tag_not_found", "tag_id", "no tag '%s'",
			                   tag_id);
		if (strcmp(applies, person ? "person" : "household"))
			return err_invalid(e, "people.tag_applies", "tag_id",
			                   "tag '%s' is for a %s", tag_id, applies);
		if (db_get_text(db, e, &region,
		                person ? "SELECT region FROM persons WHERE id = ?"
		                       : "SELECT region FROM households WHERE id = ?",
		                DB_ARGS(DB_T(row_id))) < 0)
			return -1;
		if (!region)
			return err_notfound(
			    e, person ? "people.person_not_found" : "people.household_not_found",
			    "no such %s", person ? "person" : "household");
	}
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n = db_exec(
	    db, e,
	    person ? "INSERT INTO person_tags (person_id, tag_id, source, as_of, created_by, "
	             "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id, tag_id) DO "
	             "UPDATE SET source = excluded.source, as_of = excluded.as_of"
	           : "INSERT INTO household_tags (household_id, tag_id, source, as_of, created_by, "
	             "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (household_id, tag_id) DO "
	             "UPDATE SET source = excluded.source, as_of = excluded.as_of",
	    DB_T(row_id), DB_T(tag_id), DB_T(source), DB_T(as_of), DB_T(who->id), DB_T(now));
	if (n < 0)
		return -1;
	if (flags & PEOPLE_BULK)
		return 0;
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, db_arena(db));
	jw_kstr(wp, "tag_id", tag_id);
	jw_kstr(wp, "source", source);
	jw_kstr(wp, "as_of", as_of);
	return audit_write(db, who, region, entity, row_id, "tag", jdoc_close(&doc), e);
}

int people_tag_set(struct db *db, const struct actor *who, const char *entity, const char *row_id,
                   const char *tag_id, const char *source, const char *as_of, struct err *e)
{
	return people_tag_add(db, who, entity, row_id, tag_id, source, as_of, 0, e);
}

/* the rule tags of one person now, and the ones stored: add and remove the difference (a
 * person just added has none stored: fresh) */
static int derive_one(struct db *db, const char *person_id, const struct person_facts *f, int fresh,
                      const char *today, int64_t *changed, struct err *e)
{
	const char *want[8];
	size_t n = tag_rules_person(f, today, want, 8);
	if (fresh && !n)
		return 0;
	char now[32];
	time_iso(time_now_ms(), now);
	const char *have[16];
	size_t nh = 0;
	if (!fresh) {
		struct db_stmt *st = db_query(db, e,
		                              "SELECT pt.tag_id FROM person_tags pt JOIN tags t ON "
		                              "t.id = pt.tag_id WHERE pt.person_id = ? AND "
		                              "t.rule IS NOT NULL AND pt.source = 'rule'",
		                              DB_T(person_id));
		if (!st)
			return -1;
		int rc;
		while ((rc = db_step(st, e)) == 1)
			if (nh < 16)
				have[nh++] = db_text(st, 0);
		if (rc < 0)
			return -1;
	}
	for (size_t i = 0; i < nh; i++) {
		int keep = 0;
		for (size_t k = 0; k < n; k++)
			keep |= !strcmp(have[i], want[k]);
		if (!keep) {
			if (db_exec(db, e,
			            "DELETE FROM person_tags WHERE person_id = ? AND tag_id = ?",
			            DB_T(person_id), DB_T(have[i])) < 0)
				return -1;
			(*changed)++;
		}
	}
	for (size_t k = 0; k < n; k++) {
		int there = 0;
		for (size_t i = 0; i < nh; i++)
			there |= !strcmp(have[i], want[k]);
		if (there)
			continue;
		/* a tag set by hand or by an import stays theirs; the rule only adds its own */
		int64_t added =
		    db_exec(db, e,
		            "INSERT INTO person_tags (person_id, tag_id, source, as_of, "
		            "created_at) VALUES (?, ?, 'rule', ?, ?) ON CONFLICT "
		            "(person_id, tag_id) DO NOTHING",
		            DB_T(person_id), DB_T(want[k]), DB_T(today), DB_T(now));
		if (added < 0)
			return -1;
		*changed += added;
	}
	return 0;
}

/* the counts of one household's people, present and not gone, given to each of them */
static void household_counts(struct people_fact *x, size_t n)
{
	int present = 0, size = 0;
	for (size_t i = 0; i < n; i++) {
		present += !strcmp(x[i].f.status, "present");
		size += !strcmp(x[i].f.status, "present") || !strcmp(x[i].f.status, "away");
	}
	for (size_t i = 0; i < n; i++) {
		x[i].f.household_present = present;
		x[i].f.household_size = size;
	}
}

int people_derive_tags(struct db *db, const char *household_id, const char *path, const char *today,
                       int64_t *changed, struct err *e)
{
	*changed = 0;
	/* every person with the counts of their household: present, and not gone */
	static const char cols[] =
	    "SELECT x.id, x.birth_date, x.status, "
	    "(SELECT count(*) FROM persons y WHERE y.household_id = x.household_id AND "
	    "y.status = 'present'), "
	    "(SELECT count(*) FROM persons y WHERE y.household_id = x.household_id AND "
	    "y.status IN ('present', 'away')) FROM persons x ";
	struct db_stmt *st;
	struct arena *a = db_arena(db);
	if (household_id) /* one household: its counts are counted here, from its people */
		st = db_query(db, e,
		              "SELECT x.id, x.birth_date, x.status, 0, 0 FROM persons x "
		              "WHERE x.household_id = ?",
		              DB_T(household_id));
	else if (path)
		st = db_query(db, e,
		              arena_printf(a,
		                           "%sJOIN places p ON p.id = x.place_id WHERE p.path >= ? "
		                           "AND p.path < ?",
		                           cols),
		              DB_T(path), DB_T(arena_printf(a, "%s~", path)));
	else
		st = db_query(db, e, arena_printf(a, "%s", cols), DB_NOARGS);
	if (!st)
		return -1;
	/* read them all first: the statement must not be open while we write */
	struct people_fact *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct people_fact *grown = arena_alloc(a, ncap * sizeof(*grown));
			if (n)
				memcpy(grown, rows, n * sizeof(*rows));
			rows = grown;
			cap = ncap;
		}
		rows[n].household_id = household_id;
		rows[n].id = db_text(st, 0);
		rows[n].f.birth = db_text(st, 1);
		rows[n].f.status = db_text(st, 2);
		rows[n].f.household_present = (int)db_int(st, 3);
		rows[n].f.household_size = (int)db_int(st, 4);
		n++;
	}
	if (rc < 0)
		return -1;
	if (household_id)
		household_counts(rows, n);
	for (size_t i = 0; i < n; i++)
		if (derive_one(db, rows[i].id, &rows[i].f, 0, today, changed, e))
			return -1;
	return 0;
}

static int fact_cmp(const void *x, const void *y)
{
	const struct people_fact *a = x, *b = y;
	return strcmp(a->household_id, b->household_id);
}

int people_bulk_derive(struct db *db, struct people_bulk *b, const char *const *households,
                       const unsigned char *made, size_t n, const char *today, struct err *e)
{
	int rc = 0;
	int64_t changed = 0;
	if (b->nfacts)
		qsort(b->facts, b->nfacts, sizeof(*b->facts), fact_cmp);
	for (size_t i = 0; i < n && !rc; i++) {
		if (!made[i]) {
			rc = people_derive_tags(db, households[i], NULL, today, &changed, e);
			continue;
		}
		size_t lo = 0, hi = b->nfacts; /* the household's first fact */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(b->facts[mid].household_id, households[i]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t end = lo;
		while (end < b->nfacts && !strcmp(b->facts[end].household_id, households[i]))
			end++;
		household_counts(b->facts + lo, end - lo);
		for (size_t k = lo; k < end && !rc; k++)
			rc = derive_one(db, b->facts[k].id, &b->facts[k].f, 1, today, &changed, e);
	}
	b->nfacts = 0;
	/* asked again in the next batch: another may have changed them */
	b->hh_id = NULL;
	b->nplaces = 0;
	arena_release(&b->fa);
	arena_init(&b->fa, 1u << 16);
	return rc;
}

/* ---- changing a person ---- */

enum {
	PF_HOUSEHOLD = 1 << 0,
	PF_NAME = 1 << 1,
	PF_RELATION = 1 << 2,
	PF_STATUS = 1 << 3,
	PF_ID_KIND = 1 << 4,
	PF_ID_NO = 1 << 5,
	PF_BIRTH = 1 << 6,
	PF_SEX = 1 << 7,
	PF_PHONE = 1 << 8,
	PF_ETHNICITY = 1 << 9,
	PF_NOTE = 1 << 10,
};

static int person_now(struct db *db, const char *id, struct person_now *p, struct err *e)
{
	struct db_stmt *st = db_query(db, e,
	                              "SELECT x.region, x.household_id, x.name, x.relation, "
	                              "x.status, x.id_enc, x.birth_date, x.sex, x.version, "
	                              "h.head_id, x.place_id, x.name_pinyin, x.name_initials "
	                              "FROM persons x JOIN households h ON h.id = "
	                              "x.household_id WHERE x.id = ?",
	                              DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1 : err_notfound(e, "people.person_not_found", "no such person");
	p->region = db_text(st, 0);
	p->household_id = db_text(st, 1);
	p->name = db_text(st, 2);
	p->relation = db_text(st, 3);
	p->status = db_text(st, 4);
	p->id_enc = db_text(st, 5);
	p->birth = db_text(st, 6);
	p->sex = db_text(st, 7);
	p->version = db_int(st, 8);
	p->head_id = db_text(st, 9);
	p->place_id = db_text(st, 10);
	p->pinyin = db_text(st, 11);
	p->initials = db_text(st, 12);
	db_done(st);
	return 0;
}

int people_person_update(struct db *db, const struct actor *who, const char *id,
                         const struct person_in *in, uint64_t seen, int if_match, const char *today,
                         struct err *e)
{
	struct arena *a = db_arena(db);
	struct person_now now_row;
	if (person_now(db, id, &now_row, e))
		return -1;
	/* check the merged person, so that a birth date is checked against the ID number kept */
	struct person_in m = *in;
	m.name = (seen & PF_NAME) ? in->name : now_row.name;
	m.relation = (seen & PF_RELATION) ? in->relation : now_row.relation;
	m.status = (seen & PF_STATUS) ? in->status : now_row.status;
	if (!(seen & PF_ID_NO)) {
		m.id_kind = NULL;
		m.id_no = NULL;
		if (now_row.id_enc && (seen & (PF_BIRTH | PF_SEX))) {
			struct err ignore;
			m.id_no = crypt_open(a, now_row.id_enc, &ignore); /* checked, not shown */
		}
	}
	m.birth_date = (seen & PF_BIRTH) ? in->birth_date : m.id_no ? NULL : now_row.birth;
	m.sex = (seen & PF_SEX) ? in->sex : m.id_no ? NULL : now_row.sex;
	m.phone = (seen & PF_PHONE) ? in->phone : NULL;
	struct person_row pr;
	if (person_check(db, &m, today, &pr, e))
		return -1;
	int id_changes = (seen & PF_ID_NO) != 0;
	if (id_changes && pr.has_id && unique_id(db, &pr.id, id, e))
		return -1;
	if ((seen & PF_RELATION) && !strcmp(pr.relation, "head") && now_row.head_id &&
	    strcmp(now_row.head_id, id))
		return err_conflict(e, "people.head_exists", "relation",
		                    "the household already has a head; change theirs first");
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n = db_exec(
	    db, e,
	    "UPDATE persons SET name = ?, name_pinyin = ?, name_initials = ?, relation = ?, "
	    "status = ?, id_kind = CASE WHEN ? = 1 THEN ? ELSE id_kind END, "
	    "id_enc = CASE WHEN ? = 1 THEN ? ELSE id_enc END, "
	    "id_hash = CASE WHEN ? = 1 THEN ? ELSE id_hash END, "
	    "id_masked = CASE WHEN ? = 1 THEN ? ELSE id_masked END, birth_date = ?, sex = ?, "
	    "phone_enc = CASE WHEN ? = 1 THEN ? ELSE phone_enc END, "
	    "phone_hash = CASE WHEN ? = 1 THEN ? ELSE phone_hash END, "
	    "phone_masked = CASE WHEN ? = 1 THEN ? ELSE phone_masked END, "
	    "ethnicity = CASE WHEN ? = 1 THEN ? ELSE ethnicity END, "
	    "note = CASE WHEN ? = 1 THEN ? ELSE note END, updated_at = ?, version = version + 1 "
	    "WHERE id = ? AND (? = 0 OR version = ?)",
	    DB_T(pr.name), DB_T(pr.pinyin), DB_T(pr.initials), DB_T(pr.relation), DB_T(pr.status),
	    DB_I(id_changes), DB_T(pr.id_kind), DB_I(id_changes), DB_T(pr.id.enc), DB_I(id_changes),
	    DB_T(pr.id.hash), DB_I(id_changes), DB_T(pr.id.masked), DB_T(pr.birth), DB_T(pr.sex),
	    DB_I((seen & PF_PHONE) != 0), DB_T(pr.phone.enc), DB_I((seen & PF_PHONE) != 0),
	    DB_T(pr.phone.hash), DB_I((seen & PF_PHONE) != 0), DB_T(pr.phone.masked),
	    DB_I((seen & PF_ETHNICITY) != 0), DB_T(in->ethnicity), DB_I((seen & PF_NOTE) != 0),
	    DB_T(in->note ? in->note : ""), DB_T(now), DB_T(id), DB_I(if_match),
	    DB_I(now_row.version));
	if (n != 1)
		return n < 0 ? -1
		             : err_set(e, 412, "http.precondition_failed", NULL,
		                       "the person changed meanwhile; reload and try again");
	if ((seen & PF_RELATION) && !strcmp(pr.relation, "head") &&
	    db_exec(db, e, "UPDATE households SET head_id = ?, updated_at = ? WHERE id = ?",
	            DB_T(id), DB_T(now), DB_T(now_row.household_id)) < 0)
		return -1;
	if ((seen & PF_RELATION) && strcmp(pr.relation, "head") && now_row.head_id &&
	    !strcmp(now_row.head_id, id) &&
	    db_exec(db, e, "UPDATE households SET head_id = NULL, updated_at = ? WHERE id = ?",
	            DB_T(now), DB_T(now_row.household_id)) < 0)
		return -1;
	if ((seen & PF_NAME) && grams_set(db, &pr, id, now_row.place_id, &now_row, e))
		return -1;
	if ((seen & PF_STATUS) && strcmp(now_row.status, pr.status)) {
		char mid[ID_LEN + 1];
		id_new(mid);
		if (db_exec(
		        db, e,
		        "INSERT INTO person_moves (id, region, person_id, on_date, from_status, "
		        "to_status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		        DB_T(mid), DB_T(now_row.region), DB_T(id), DB_T(today),
		        DB_T(now_row.status), DB_T(pr.status), DB_T(who->id), DB_T(now)) < 0)
			return -1;
	}
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, a);
	if (seen & PF_NAME)
		jw_kstr(wp, "name", mask_name(a, pr.name));
	if (seen & PF_RELATION)
		jw_kstr(wp, "relation", pr.relation);
	if (seen & PF_STATUS)
		jw_kstr(wp, "status", pr.status);
	if (id_changes)
		jw_kstr(wp, "id_no", pr.id.masked);
	if (seen & PF_BIRTH)
		jw_kstr(wp, "birth_date", pr.birth);
	if (seen & PF_SEX)
		jw_kstr(wp, "sex", pr.sex);
	if (seen & PF_PHONE)
		jw_kstr(wp, "phone", pr.phone.masked);
	if (seen & PF_ETHNICITY)
		jw_kstr(wp, "ethnicity", in->ethnicity);
	if (audit_write(db, who, now_row.region, "persons", id, "update", jdoc_close(&doc), e))
		return -1;
	int64_t changed;
	return people_derive_tags(db, now_row.household_id, NULL, today, &changed, e);
}

int people_person_move(struct db *db, const struct actor *who, const char *id,
                       const char *household_id, const char *status, const char *on_date,
                       const char *reason, const char *today, struct err *e)
{
	struct person_now p;
	if (person_now(db, id, &p, e))
		return -1;
	const char *region = p.region, *place_id = NULL, *head_id = NULL;
	int moves = household_id && strcmp(household_id, p.household_id);
	if (moves && household_get(db, household_id, &region, &place_id, &head_id, e))
		return -1;
	if (!moves && (!status || !strcmp(status, p.status)))
		return err_invalid(e, "people.move_nothing",
		                   household_id ? "household_id" : "status",
		                   "the person is already there and so");
	char now[32], mid[ID_LEN + 1];
	time_iso(time_now_ms(), now);
	id_new(mid);
	if (moves) {
		/* the head who leaves leaves the household without one; the new one joins as other
		 */
		if (p.head_id && !strcmp(p.head_id, id) &&
		    db_exec(db, e,
		            "UPDATE households SET head_id = NULL, updated_at = ? WHERE id = ?",
		            DB_T(now), DB_T(p.household_id)) < 0)
			return -1;
		if (db_exec(
		        db, e,
		        "UPDATE persons SET household_id = ?, place_id = ?, region = ?, "
		        "relation = CASE WHEN relation = 'head' THEN 'other' ELSE relation END, "
		        "updated_at = ?, version = version + 1 WHERE id = ?",
		        DB_T(household_id), DB_T(place_id), DB_T(region), DB_T(now),
		        DB_T(id)) < 0 ||
		    grams_now(db, &p, id, place_id, e))
			return -1;
	}
	if (status &&
	    db_exec(db, e,
	            "UPDATE persons SET status = ?, updated_at = ?, version = version + 1 "
	            "WHERE id = ?",
	            DB_T(status), DB_T(now), DB_T(id)) < 0)
		return -1;
	if (db_exec(db, e,
	            "INSERT INTO person_moves (id, region, person_id, on_date, from_household_id, "
	            "to_household_id, from_status, to_status, reason, created_by, created_at) "
	            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            DB_T(mid), DB_T(region), DB_T(id), DB_T(on_date), DB_T(p.household_id),
	            DB_T(moves ? household_id : p.household_id), DB_T(p.status),
	            DB_T(status ? status : p.status), DB_T(reason), DB_T(who->id), DB_T(now)) < 0)
		return -1;
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, db_arena(db));
	jw_kstr(wp, "from_household_id", p.household_id);
	if (moves)
		jw_kstr(wp, "to_household_id", household_id);
	if (status)
		jw_kstr(wp, "status", status);
	jw_kstr(wp, "on_date", on_date);
	if (audit_write(db, who, region, "persons", id, "move", jdoc_close(&doc), e))
		return -1;
	int64_t changed;
	if (people_derive_tags(db, p.household_id, NULL, today, &changed, e))
		return -1;
	return moves ? people_derive_tags(db, household_id, NULL, today, &changed, e) : 0;
}

/* ---- changing a household ---- */

int people_household_update(struct db *db, const struct actor *who, const char *id,
                            const struct household_in *in, uint64_t seen, int if_match,
                            struct err *e)
{
	enum {
		HF_ADDRESS = 2,
		HF_KIND = 4,
		HF_HUKOU = 8,
		HF_NOTE = 16,
		HF_STATUS = 32,
		HF_HEAD = 64
	};
	struct db_stmt *st =
	    db_query(db, e, "SELECT region, version FROM households WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_notfound(e, "people.household_not_found", "no such household");
	const char *region = db_text(st, 0);
	int64_t version = db_int(st, 1);
	db_done(st);
	if (check_enum((seen & HF_KIND) ? in->kind : NULL, household_kinds, "people.household_kind",
	               "kind", e) ||
	    check_enum((seen & HF_STATUS) ? in->status : NULL, household_states,
	               "people.household_status", "status", e))
		return -1;
	if ((seen & HF_HEAD) && in->head_id) {
		const char *hh = NULL;
		if (db_get_text(db, e, &hh, "SELECT household_id FROM persons WHERE id = ?",
		                DB_ARGS(DB_T(in->head_id))) < 0)
			return -1;
		if (!hh || strcmp(hh, id))
			return err_invalid(e, "people.head_not_member", "head_id",
			                   "the head must be a member of the household");
	}
	if ((seen & HF_STATUS) && !strcmp(in->status, "dissolved")) {
		int64_t members = 0;
		if (db_get_int(db, e, &members,
		               "SELECT count(*) FROM persons WHERE household_id = ? AND status IN "
		               "('present', 'away')",
		               DB_ARGS(DB_T(id))) < 0)
			return -1;
		if (members)
			return err_conflict(
			    e, "people.household_has_members", "status",
			    "%lld people still live in the household; move them first",
			    (long long)members);
	}
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n =
	    db_exec(db, e,
	            "UPDATE households SET address = CASE WHEN ? = 1 THEN ? ELSE address END, "
	            "kind = CASE WHEN ? = 1 THEN ? ELSE kind END, "
	            "hukou_no = CASE WHEN ? = 1 THEN ? ELSE hukou_no END, "
	            "note = CASE WHEN ? = 1 THEN ? ELSE note END, "
	            "status = CASE WHEN ? = 1 THEN ? ELSE status END, "
	            "head_id = CASE WHEN ? = 1 THEN ? ELSE head_id END, updated_at = ?, "
	            "version = version + 1 WHERE id = ? AND (? = 0 OR version = ?)",
	            DB_I((seen & HF_ADDRESS) != 0), DB_T(in->address ? in->address : ""),
	            DB_I((seen & HF_KIND) != 0), DB_T(in->kind), DB_I((seen & HF_HUKOU) != 0),
	            DB_T(in->hukou_no), DB_I((seen & HF_NOTE) != 0), DB_T(in->note ? in->note : ""),
	            DB_I((seen & HF_STATUS) != 0), DB_T(in->status), DB_I((seen & HF_HEAD) != 0),
	            DB_T(in->head_id), DB_T(now), DB_T(id), DB_I(if_match), DB_I(version));
	if (n != 1)
		return n < 0 ? -1
		             : err_set(e, 412, "http.precondition_failed", NULL,
		                       "the household changed meanwhile; reload and try again");
	/* the new head's relation says so; the old head's becomes "other" */
	if ((seen & HF_HEAD) && in->head_id &&
	    (db_exec(db, e,
	             "UPDATE persons SET relation = 'other', updated_at = ? WHERE household_id = ? "
	             "AND relation = 'head' AND id <> ?",
	             DB_T(now), DB_T(id), DB_T(in->head_id)) < 0 ||
	     db_exec(db, e, "UPDATE persons SET relation = 'head', updated_at = ? WHERE id = ?",
	             DB_T(now), DB_T(in->head_id)) < 0))
		return -1;
	struct jdoc doc;
	struct jw *wp = jdoc_open(&doc, db_arena(db));
	if (seen & HF_ADDRESS)
		jw_kstr(wp, "address", in->address);
	if (seen & HF_KIND)
		jw_kstr(wp, "kind", in->kind);
	if (seen & HF_HUKOU)
		jw_kstr(wp, "hukou_no", in->hukou_no);
	if (seen & HF_STATUS)
		jw_kstr(wp, "status", in->status);
	if (seen & HF_HEAD)
		jw_kstr(wp, "head_id", in->head_id);
	return audit_write(db, who, region, "households", id, "update", jdoc_close(&doc), e);
}
