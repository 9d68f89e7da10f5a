/* db.c - queries of the place tree; see places.h. */
#include "places.h"

#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

void places_read_row(struct db_stmt *st, struct place *p)
{
	p->id = db_text(st, 0);
	p->region = db_text(st, 1);
	p->code = db_text(st, 2);
	p->name = db_text(st, 3);
	p->kind = db_text(st, 4);
	p->parent_id = db_text(st, 5);
	p->path = db_text(st, 6);
	p->depth = db_int(st, 7);
	p->version = db_int(st, 8);
	p->created_at = db_text(st, 9);
	p->updated_at = db_text(st, 10);
}

int places_get(struct db *db, const char *id, struct place *p, struct err *e)
{
	struct db_stmt *st =
	    db_query(db, e, "SELECT " PLACES_COLS " FROM places WHERE id = ?", DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc == 1) {
		places_read_row(st, p);
		db_done(st);
	}
	return rc;
}

int places_resolve(struct db *db, const char *ref, struct place *p, struct err *e)
{
	size_t n = strlen(ref);
	if ((n == 2 || n == 4 || n == 6 || n == 9) && strspn(ref, "0123456789") == n) {
		char code[13];
		memcpy(code, ref, n);
		memset(code + n, '0', 12 - n);
		code[12] = '\0';
		return places_get(db, code, p, e);
	}
	if (!id_valid(ref))
		return 0;
	return places_get(db, ref, p, e);
}

int places_load(struct db *db, const struct actor *who, const struct nbs_row *rows, size_t n,
                int64_t *added, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	*added = 0;
	struct arena *a = db_arena(db);
	for (size_t i = 0; i < n; i++) {
		const struct nbs_row *r = &rows[i];
		const char *path;
		if (r->parent[0]) {
			const char *pp = NULL;
			int rc = db_get_text(db, e, &pp, "SELECT path FROM places WHERE id = ?",
			                     DB_ARGS(DB_T(r->parent)));
			if (rc < 0)
				return -1;
			if (rc == 0)
				return err_invalid(e, "places.parent_missing", "parent",
				                   "place %s has no parent %s loaded", r->code,
				                   r->parent);
			path = arena_printf(a, "%s%s/", pp, r->code);
		} else {
			path = arena_printf(a, "/%s/", r->code);
		}
		char region[7];
		memcpy(region, r->code, 6);
		region[6] = '\0';
		int64_t ch = db_exec(
		    db, e,
		    "INSERT INTO places (id, region, code, name, kind, parent_id, path, depth, "
		    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		    "ON CONFLICT (id) DO NOTHING",
		    DB_T(r->code), DB_T(region), DB_T(r->code), DB_T(r->name), DB_T(r->kind),
		    DB_T(r->parent[0] ? r->parent : NULL), DB_T(path), DB_I(r->level), DB_T(now),
		    DB_T(now));
		if (ch < 0)
			return -1;
		if (ch == 0)
			continue;
		(*added)++;
		struct strbuf sb;
		strbuf_init(&sb, a, 4096);
		struct jw w;
		jw_init(&w, &sb);
		jw_obj(&w);
		jw_kstr(&w, "code", r->code);
		jw_kstr(&w, "name", r->name);
		jw_kstr(&w, "kind", r->kind);
		jw_kstr(&w, "parent_id", r->parent[0] ? r->parent : NULL);
		jw_obj_end(&w);
		if (audit_write(db, who, region, "places", r->code, "create", sb.buf, e))
			return -1;
	}
	return 0;
}
