/*
 * keys.c - `cunwu keys rotate`: a new key for personal data, every sealed value re-sealed
 * and every lookup hash recomputed under it, in batches, each step crash-safe: until the
 * last step the key file holds both keys, so every row stays readable and findable. See
 * docs/internals/keys.md.
 */
#include "system.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

/*
 * Every sealed column and the hash column that finds it (schema/people/0001-init.sql,
 * schema/requests/0001-init.sql, 0005-mediation.sql; NULL: none, as for the second factor's
 * secret of schema/accounts/0005-totp.sql, never looked up by value). A
 * database with an *_enc column not named here is refused before anything changes.
 */
struct sealed_table {
	const char *table;
	int n;
	const char *enc[2], *hash[2];
};

static const struct sealed_table sealed_tables[] = {
	{ "persons", 2, { "id_enc", "phone_enc" }, { "id_hash", "phone_hash" } },
	{ "orgs", 1, { "phone_enc" }, { "phone_hash" } },
	{ "requests", 1, { "contact_enc" }, { "contact_hash" } },
	{ "request_mediation_parties", 1, { "phone_enc" }, { "phone_hash" } },
	{ "user_totp", 1, { "secret_enc" }, { NULL } },
};

#define NTABLES    (sizeof(sealed_tables) / sizeof(sealed_tables[0]))
#define MAX_PASSES 5
/* a server looks at the key file at most once a second (crypt_reload) */
#define SETTLE_MS 2000

/* what a pass over one table did */
struct counts {
	int64_t rows;       /* rows holding sealed values */
	int64_t resealed;   /* rows written under the new key */
	int64_t current;    /* rows already all under the new key */
	int64_t raced;      /* rows changed by someone else between read and write */
	int64_t unreadable; /* values that open under neither key: left alone */
};

struct rotation {
	struct cli *c;
	int64_t batch, stop_after, batches, started_ms, printed_ms;
	const char *first_unreadable;
};

/* refuse a sealed column (*_enc) this file does not know */
static int check_columns(struct db *db, struct err *e)
{
	const char *sql =
	    !strcmp(db_backend(db), "sqlite")
	        ? "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
	          "WHERE m.type = 'table' AND p.name LIKE '%\\_enc' ESCAPE '\\'"
	        : "SELECT table_name, column_name FROM information_schema.columns "
	          "WHERE table_schema = current_schema() AND column_name LIKE '%\\_enc' ESCAPE "
	          "'\\'";
	struct db_stmt *st = db_query(db, e, sql, DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *table = db_text(st, 0), *col = db_text(st, 1);
		int known = 0;
		for (size_t t = 0; t < NTABLES && !known; t++)
			for (int i = 0; i < sealed_tables[t].n; i++)
				if (!strcmp(table, sealed_tables[t].table) &&
				    !strcmp(col, sealed_tables[t].enc[i]))
					known = 1;
		if (!known) {
			db_done(st);
			return err_internal(e,
			                    "%s.%s looks sealed but keys rotate does not know it; "
			                    "nothing was changed",
			                    table, col);
		}
	}
	return rc < 0 ? -1 : 0;
}

struct row {
	const char *id, *enc[2], *hash[2];
};

/*
 * Re-seal one row's values that are not under the current key (or whose hash is not the
 * current one): 1 written, 0 nothing to do, -1 error.
 */
static int reseal_row(struct rotation *rot, const struct sealed_table *t, const char *update,
                      const struct row *r, struct counts *k, struct err *e)
{
	struct arena *a = db_arena(rot->c->db);
	const char *enc[2] = { NULL, NULL }, *hash[2] = { NULL, NULL };
	int changed = 0;
	for (int i = 0; i < t->n; i++) {
		enc[i] = r->enc[i];
		hash[i] = r->hash[i];
		if (!r->enc[i])
			continue;
		int slot;
		struct err ignore;
		const char *plain = crypt_open_slot(a, r->enc[i], &slot, &ignore);
		if (!plain) {
			k->unreadable++;
			if (!rot->first_unreadable)
				rot->first_unreadable = arena_printf(&rot->c->arena, "%s %s (%s)",
				                                     t->table, r->id, t->enc[i]);
			continue;
		}
		const char *h = t->hash[i] ? crypt_lookup(a, plain) : NULL;
		if (slot == 0 && (!t->hash[i] || (hash[i] && !strcmp(hash[i], h))))
			continue;
		if (!(enc[i] = crypt_seal(a, plain, e)))
			return -1;
		hash[i] = h;
		changed = 1;
	}
	if (!changed) {
		k->current++;
		return 0;
	}
	/* new values; the row's id; what it held, so a row changed meanwhile is left alone */
	struct db_arg args[2 * 2 + 1 + 2 + 1];
	int n = 0;
	for (int i = 0; i < t->n; i++) {
		args[n++] = DB_T(enc[i]);
		if (t->hash[i])
			args[n++] = DB_T(hash[i]);
	}
	args[n++] = DB_T(r->id);
	for (int i = 0; i < t->n; i++)
		args[n++] = DB_T(r->enc[i] ? r->enc[i] : "");
	args[n] = DB_NOARGS;
	int64_t w = db_exec_(rot->c->db, e, update, args);
	if (w < 0)
		return -1;
	if (w == 0)
		k->raced++;
	return w == 1;
}

/* One pass over a table, a transaction per batch of rows. */
static int reseal_table(struct rotation *rot, const struct sealed_table *t, struct counts *k,
                        struct err *e)
{
	struct cli *c = rot->c;
	struct strbuf sel, upd;
	strbuf_init(&sel, &c->arena, 0);
	strbuf_init(&upd, &c->arena, 0);
	strbuf_addf(&sel, "SELECT id");
	strbuf_addf(&upd, "UPDATE %s SET ", t->table);
	for (int i = 0; i < t->n; i++) {
		/* no hash column: the enc column read twice keeps the row's shape */
		const char *hcol = t->hash[i] ? t->hash[i] : t->enc[i];
		strbuf_addf(&sel, ", %s, %s", t->enc[i], hcol);
		strbuf_addf(&upd, "%s%s = ?", i ? ", " : "", t->enc[i]);
		if (t->hash[i])
			strbuf_addf(&upd, ", %s = ?", t->hash[i]);
	}
	strbuf_addf(&sel, " FROM %s WHERE id > ? AND (", t->table);
	strbuf_addf(&upd, " WHERE id = ?");
	for (int i = 0; i < t->n; i++) {
		strbuf_addf(&sel, "%s%s IS NOT NULL", i ? " OR " : "", t->enc[i]);
		strbuf_addf(&upd, " AND COALESCE(%s, '') = ?", t->enc[i]);
	}
	strbuf_addf(&sel, ") ORDER BY id LIMIT ?");
	if (sel.err || upd.err)
		return err_internal(e, "query too long");
	const char *last = "";
	for (;;) {
		struct arena ba; /* one batch's values */
		arena_init(&ba, 0);
		db_set_arena(c->db, &ba);
		int64_t n = 0;
		int rc = db_begin(c->db, DB_WRITE, e);
		struct db_stmt *st =
		    rc ? NULL : db_query(c->db, e, sel.buf, DB_T(last), DB_I(rot->batch));
		struct row *rows = arena_alloc(&ba, sizeof(*rows) * (size_t)rot->batch);
		if (!st)
			rc = -1;
		while (!rc && (rc = db_step(st, e)) == 1) {
			struct row *r = &rows[n++];
			r->id = db_text(st, 0);
			for (int i = 0; i < t->n; i++) {
				r->enc[i] = db_text(st, 1 + 2 * i);
				r->hash[i] = db_text(st, 2 + 2 * i);
			}
			rc = 0;
		}
		for (int64_t i = 0; !rc && i < n; i++) {
			int w = reseal_row(rot, t, upd.buf, &rows[i], k, e);
			if (w < 0)
				rc = -1;
			else if (w)
				k->resealed++;
		}
		if (!rc && n)
			last = arena_strdup(&c->arena, rows[n - 1].id);
		rc = cli_commit(c, rc, e);
		db_set_arena(c->db, &c->arena);
		arena_release(&ba);
		if (rc)
			return -1;
		k->rows += n;
		rot->batches++;
		int64_t now = time_now_ms();
		if (n && now - rot->printed_ms >= 1000) {
			printf("  %s: %lld rows checked\n", t->table, (long long)k->rows);
			fflush(stdout);
			rot->printed_ms = now;
		}
		if (rot->stop_after && rot->batches >= rot->stop_after)
			return err_internal(e,
			                    "stopped after %lld batches (keys.rotate_stop_after)",
			                    (long long)rot->batches);
		if (n < rot->batch)
			return 0;
	}
}

static int write_audit(struct rotation *rot, int resumed, const struct counts *total,
                       int64_t unreadable, struct err *e)
{
	struct cli *c = rot->c;
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, &c->arena);
	jw_kbool(w, "resumed", resumed);
	for (size_t t = 0; t < NTABLES; t++)
		jw_ki64(w, sealed_tables[t].table, total[t].resealed);
	jw_ki64(w, "unreadable", unreadable);
	jw_ki64(w, "seconds", (time_now_ms() - rot->started_ms + 500) / 1000);
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	return cli_commit(
	    c, audit_write(c->db, &c->actor, "000000", "keys", NULL, "rotate", jdoc_close(&doc), e),
	    e);
}

/* cunwu keys rotate [--batch N] */
int system_keys_rotate(struct cli *c, struct err *e)
{
	const char *batch = cli_opt(c, "--batch");
	if (cli_end(c, e))
		return -1;
	struct rotation rot = { .c = c, .batch = 500, .started_ms = time_now_ms() };
	if (batch && parse_i64(batch, 1, 100000, &rot.batch))
		return cli_usage(e, "--batch wants a number of rows from 1 to 100000");
	rot.stop_after = config_int("keys.rotate_stop_after");
	const char *path = system_key_path(&c->arena, c->db_url);
	if (check_columns(c->db, e))
		return -1;
	int resumed, lock_fd;
	long long age_ms;
	if (crypt_rotate_begin(path, &resumed, &age_ms, &lock_fd, e))
		return -1;
	if (resumed)
		printf("key file %s holds two keys: a rotation was interrupted; taking it up again "
		       "(no new key made)\n",
		       path);
	else
		printf("key file %s: a new key made; the file holds it and the previous key until "
		       "every row is re-sealed\n",
		       path);
	if (age_ms >= 0 && age_ms < SETTLE_MS) {
		printf("waiting %.1f s for running servers to take up the new key\n",
		       (double)(SETTLE_MS - age_ms) / 1000);
		fflush(stdout);
		struct timespec ts = { (SETTLE_MS - age_ms) / 1000,
			               (SETTLE_MS - age_ms) % 1000 * 1000000 };
		nanosleep(&ts, NULL);
	}
	/* pass 1 re-seals; later passes catch rows a server wrote under the old key meanwhile,
	 * until one finds nothing left */
	struct counts total[NTABLES], pass[NTABLES];
	memset(total, 0, sizeof(total));
	int rc = 0, p = 1;
	int64_t unreadable = 0;
	for (; !rc && p <= MAX_PASSES; p++) {
		memset(pass, 0, sizeof(pass));
		int64_t changed = 0;
		for (size_t t = 0; !rc && t < NTABLES; t++) {
			rc = reseal_table(&rot, &sealed_tables[t], &pass[t], e);
			total[t].resealed += pass[t].resealed;
			changed += pass[t].resealed + pass[t].raced;
		}
		if (rc)
			break;
		if (p == 1)
			memcpy(total, pass, sizeof(pass));
		else if (changed)
			printf("pass %d: %lld rows written under the previous key meanwhile, "
			       "re-sealed\n",
			       p, (long long)changed);
		unreadable = 0;
		for (size_t t = 0; t < NTABLES; t++)
			unreadable += pass[t].unreadable;
		if (p > 1 && !changed)
			break;
	}
	if (!rc && p > MAX_PASSES)
		rc = err_internal(e, "rows keep changing under the previous key: is an older cunwu "
		                     "serving this database? The key file keeps both keys; run "
		                     "'cunwu keys rotate' again");
	if (rc) {
		close(lock_fd);
		return -1;
	}
	for (size_t t = 0; t < NTABLES; t++)
		printf("%s: %lld re-sealed, %lld already under the new key\n",
		       sealed_tables[t].table, (long long)total[t].resealed,
		       (long long)total[t].current);
	if (unreadable)
		fprintf(stderr,
		        "warning: %lld values open under neither key (the first: %s); left as "
		        "they were\n",
		        (long long)unreadable, rot.first_unreadable);
	const char *retired = NULL;
	rc = write_audit(&rot, resumed, total, unreadable, e) ||
	     crypt_rotate_finish(&c->arena, path, &retired, e);
	close(lock_fd);
	if (rc)
		return -1;
	printf("previous key kept in %s for backups made before now: destroy it once they have "
	       "all aged out\nkey file %s holds the new key alone (%.1f s)\n",
	       retired, path, (double)(time_now_ms() - rot.started_ms) / 1000);
	return 0;
}
