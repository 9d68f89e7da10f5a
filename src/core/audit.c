/* audit.c - hash-chained audit log, verification, signed heads; see audit.h. */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "json.h"
#include "util.h"
#include "banned.h"

#define GENESIS "sha256:genesis"
/* how many times a writer reads a head that others keep moving before it gives up */
#define AUDIT_HEAD_ATTEMPTS 100

static void feed(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	/* length-prefixed, so no two rows can share a canonical form; NULL differs from "" */
	int l = s ? snprintf(len, sizeof(len), "%zu:", n) : snprintf(len, sizeof(len), "-:");
	crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)l);
	if (n)
		crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void audit_hash(const struct audit_row *row, char out[80])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char seqs[24];
	snprintf(seqs, sizeof(seqs), "%lld", (long long)row->seq);
	crypto_hash_sha256_init(&st);
	feed(&st, "cunwu-audit-v1");
	feed(&st, row->chain);
	feed(&st, row->region);
	feed(&st, seqs);
	feed(&st, row->id);
	feed(&st, row->at);
	feed(&st, row->actor_kind);
	feed(&st, row->actor_id);
	feed(&st, row->actor_name);
	feed(&st, row->request_id);
	feed(&st, row->entity);
	feed(&st, row->entity_id);
	feed(&st, row->action);
	feed(&st, row->changes);
	feed(&st, row->prev_hash);
	crypto_hash_sha256_final(&st, h);
	memcpy(out, "sha256:", 7);
	hex_encode(h, sizeof(h), out + 7);
}

int audit_write(struct db *db, const struct actor *who, const char *region, const char *entity,
                const char *entity_id, const char *action, const char *changes, struct err *e)
{
	if (!db_in_tx(db))
		return err_internal(e, "audit_write outside a transaction");
	const char *origin = db_origin(db, e);
	if (!origin)
		return -1;
	char chain[48];
	snprintf(chain, sizeof(chain), "%.16s.%s", region, origin);
	char id[ID_LEN + 1], at[32], hash[80];
	id_new(id);
	time_iso(time_now_ms(), at);
	if (!changes)
		changes = "{}";
	struct audit_row row = {
		chain,     region,          0,      id,        at,     who->kind, who->id,
		who->name, who->request_id, entity, entity_id, action, changes,   NULL
	};
	/*
	 * Read the chain's head, hash the new row after it, and move the head to it in one
	 * UPDATE if it is still where it was read: that UPDATE locks the head's row until
	 * commit (PostgreSQL; SQLite holds the whole write lock anyway), so writers in one
	 * county queue there and writers in other counties do not wait at all. Only on
	 * PostgreSQL can the head have moved meanwhile (another writer of the county committed
	 * first, whose lock this UPDATE waited for): it changes nothing, and the head is read
	 * again. A new chain starts from a genesis head at seq 0.
	 */
	for (int attempt = 0;; attempt++) {
		if (attempt == AUDIT_HEAD_ATTEMPTS)
			return err_set(e, 503, "db.retry", NULL,
			               "audit chain %s is busy; try again", chain);
		struct db_stmt *st = db_query(
		    db, e, "SELECT seq, hash FROM audit_heads WHERE chain = ?", DB_T(chain));
		if (!st)
			return -1;
		int rc = db_step(st, e);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			if (db_exec(db, e,
			            "INSERT INTO audit_heads (chain, region, seq, hash) "
			            "VALUES (?, ?, 0, ?) ON CONFLICT (chain) DO NOTHING",
			            DB_T(chain), DB_T(region), DB_T(GENESIS)) < 0)
				return -1;
			continue;
		}
		int64_t head = db_int(st, 0);
		row.seq = head + 1;
		row.prev_hash = db_text(st, 1);
		db_done(st);
		audit_hash(&row, hash);
		int64_t moved = db_exec(db, e,
		                        "UPDATE audit_heads SET seq = ?, hash = ? "
		                        "WHERE chain = ? AND seq = ?",
		                        DB_I(row.seq), DB_T(hash), DB_T(chain), DB_I(head));
		if (moved < 0)
			return -1;
		if (moved == 1)
			break;
	}
	return db_exec(db, e,
	               "INSERT INTO audit_log (chain, region, seq, id, at, actor_kind, actor_id, "
	               "actor_name, request_id, entity, entity_id, action, changes, prev_hash, "
	               "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	               DB_T(chain), DB_T(region), DB_I(row.seq), DB_T(id), DB_T(at),
	               DB_T(who->kind), DB_T(who->id), DB_T(who->name), DB_T(who->request_id),
	               DB_T(entity), DB_T(entity_id), DB_T(action), DB_T(changes),
	               DB_T(row.prev_hash), DB_T(hash)) < 0
	           ? -1
	           : 0;
}

/* chain is "<region>.<origin>": the message names both */
static int bad(struct audit_report *rep, const char *chain, int64_t seq, const char *what)
{
	if (rep->ok) {
		rep->ok = 0;
		int rl = (int)strcspn(chain, ".");
		snprintf(rep->first_bad, sizeof(rep->first_bad),
		         "region %.*s seq %lld (chain %s): %s", rl, chain, (long long)seq, chain,
		         what);
	}
	return 0;
}

/* The signed text: every head, one per line, then the export time. Heads are checked
 * (chain, seq, hash present) before this is built. */
static void heads_payload(struct strbuf *sb, const json_t *heads, const char *exported_at)
{
	size_t i;
	json_t *h;
	strbuf_adds(sb, "cunwu-audit-heads-v1\n");
	json_array_foreach(heads, i, h)
	{
		strbuf_addf(sb, "%s %lld %s\n", json_string_value(json_object_get(h, "chain")),
		            (long long)json_integer_value(json_object_get(h, "seq")),
		            json_string_value(json_object_get(h, "hash")));
	}
	strbuf_adds(sb, exported_at);
}

static int check_signature(struct arena *a, const json_t *doc, const json_t *heads,
                           const char *trusted_pub, struct err *e)
{
	const char *sig = json_string_value(json_object_get(doc, "signature"));
	const char *pub = json_string_value(json_object_get(doc, "public_key"));
	const char *at = json_string_value(json_object_get(doc, "exported_at"));
	if (!sig) {
		if (trusted_pub)
			return err_invalid(e, "audit.head_unsigned", "head",
			                   "head file is not signed, but a trusted key was given");
		return 0;
	}
	unsigned char s[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
	if (!pub || !at || hex_decode(sig, s, sizeof(s)) || hex_decode(pub, pk, sizeof(pk)))
		return err_invalid(e, "audit.head_invalid", "head",
		                   "head file signature is malformed");
	if (trusted_pub) {
		unsigned char tk[crypto_sign_PUBLICKEYBYTES];
		if (hex_decode(trusted_pub, tk, sizeof(tk)))
			return err_invalid(e, "audit.key", "pub",
			                   "the trusted key is not a cunwu key");
		if (sodium_memcmp(tk, pk, sizeof(pk)))
			return err_invalid(
			    e, "audit.head_signature", "head",
			    "head file was signed by another key than the trusted one");
	}
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	heads_payload(&sb, heads, at);
	if (crypto_sign_verify_detached(s, (const unsigned char *)sb.buf, sb.len, pk))
		return err_invalid(e, "audit.head_signature", "head",
		                   "head file signature does not verify");
	return 0;
}

static int check_exported(struct db *db, const char *heads_json, const char *trusted_pub,
                          struct audit_report *rep, struct err *e)
{
	struct arena *a = db_arena(db);
	json_t *doc = json_parse(a, heads_json, strlen(heads_json), e);
	if (!doc)
		return -1;
	json_t *heads = json_object_get(doc, "heads");
	if (!json_is_array(heads))
		return err_invalid(e, "audit.head_invalid", "head",
		                   "head file has no 'heads' list");
	size_t i;
	json_t *h;
	json_array_foreach(heads, i, h)
	{
		if (!json_is_string(json_object_get(h, "chain")) ||
		    !json_is_string(json_object_get(h, "hash")) ||
		    !json_is_integer(json_object_get(h, "seq")))
			return err_invalid(e, "audit.head_invalid", "head",
			                   "head %zu lacks chain, seq or hash", i);
	}
	if (check_signature(a, doc, heads, trusted_pub, e))
		return -1;
	json_array_foreach(heads, i, h)
	{
		const char *chain = json_string_value(json_object_get(h, "chain"));
		const char *hash = json_string_value(json_object_get(h, "hash"));
		int64_t seq = json_integer_value(json_object_get(h, "seq"));
		const char *have = NULL;
		int rc = db_get_text(db, e, &have,
		                     "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?",
		                     DB_ARGS(DB_T(chain), DB_I(seq)));
		if (rc < 0)
			return -1;
		if (rc == 0)
			bad(rep, chain, seq,
			    "exported head is missing: the log was cut off at or before it");
		else if (strcmp(have, hash))
			bad(rep, chain, seq, "row differs from the exported head");
	}
	return 0;
}

int audit_verify(struct db *db, const char *heads_json, const char *trusted_pub,
                 struct audit_report *rep, void (*progress)(void *arg, int pct), void *arg,
                 struct err *e)
{
	memset(rep, 0, sizeof(*rep));
	rep->ok = 1;
	int64_t total = 0;
	if (db_get_int(db, e, &total, "SELECT count(*) FROM audit_log", DB_ARGS(DB_NOARGS)) < 0)
		return -1;
	struct db_stmt *st =
	    db_query(db, e,
	             "SELECT chain, seq, id, at, actor_kind, actor_id, actor_name, request_id, "
	             "entity, entity_id, action, changes, prev_hash, hash, region FROM audit_log "
	             "ORDER BY chain, seq",
	             DB_NOARGS);
	if (!st)
		return -1;
	char chain[48] = "", prev[80] = GENESIS, want[80];
	int64_t expect = 1;
	struct arena tmp;
	arena_init(&tmp, 0);
	struct arena *saved = db_arena(db);
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		db_set_arena(db, &tmp);
		const char *rg = db_text(st, 0);
		int64_t seq = db_int(st, 1);
		if (strcmp(rg, chain)) {
			if (chain[0])
				rep->chains++;
			snprintf(chain, sizeof(chain), "%s", rg);
			snprintf(prev, sizeof(prev), "%s", GENESIS);
			expect = 1;
		}
		struct audit_row row = {
			rg,
			db_text(st, 14),
			seq,
			db_text(st, 2),
			db_text(st, 3),
			db_text(st, 4),
			db_text(st, 5),
			db_text(st, 6),
			db_text(st, 7),
			db_text(st, 8),
			db_text(st, 9),
			db_text(st, 10),
			db_text(st, 11),
			db_text(st, 12),
		};
		const char *prev_hash = row.prev_hash, *hash = db_text(st, 13);
		if (seq != expect)
			bad(rep, rg, expect, "row missing (sequence jumps)");
		if (strcmp(prev_hash, prev))
			bad(rep, rg, seq, "previous hash does not match the row before");
		audit_hash(&row, want);
		if (strcmp(want, hash))
			bad(rep, rg, seq, "hash does not match the row's contents");
		snprintf(prev, sizeof(prev), "%s", hash);
		expect = seq + 1;
		rep->rows++;
		if (progress && total && rep->rows % 1000 == 0)
			progress(arg, (int)(rep->rows * 100 / total));
		arena_release(&tmp);
		db_set_arena(db, saved);
	}
	db_set_arena(db, saved);
	arena_release(&tmp);
	if (rc < 0)
		return -1;
	if (chain[0])
		rep->chains++;
	/* the heads table must agree with each chain's last row */
	st = db_query(db, e,
	              "SELECT h.chain, h.seq, h.hash, l.hash FROM audit_heads h "
	              "LEFT JOIN audit_log l ON l.chain = h.chain AND l.seq = h.seq "
	              "WHERE h.seq > 0 ORDER BY h.chain",
	              DB_NOARGS);
	if (!st)
		return -1;
	while ((rc = db_step(st, e)) == 1) {
		const char *rg = db_text(st, 0), *hh = db_text(st, 2), *lh = db_text(st, 3);
		if (!lh || strcmp(hh, lh))
			bad(rep, rg, db_int(st, 1), "head row does not match the log");
	}
	if (rc < 0)
		return -1;
	if (heads_json && check_exported(db, heads_json, trusted_pub, rep, e))
		return -1;
	if (progress)
		progress(arg, 100);
	return 0;
}

static int read_key(const char *path, unsigned char *key, size_t n, struct err *e)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	if (!f)
		return err_invalid(e, "audit.key", "key", "unable to open '%s': %s", path,
		                   strerror(errno));
	size_t r = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[r] = '\0';
	while (r && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = '\0';
	if (hex_decode(buf, key, n))
		return err_invalid(e, "audit.key", "key", "'%s' is not a key cunwu made", path);
	return 0;
}

static void release_json(void *v)
{
	json_decref(v);
}

int audit_heads_export(struct db *db, const char *sign_key_path, struct strbuf *out, struct err *e)
{
	struct arena *a = db_arena(db);
	json_t *heads = json_array();
	arena_defer(a, release_json, heads);
	struct db_stmt *st = db_query(
	    db, e, "SELECT chain, region, seq, hash FROM audit_heads WHERE seq > 0 ORDER BY chain",
	    DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		json_t *h = json_object();
		json_object_set_new(h, "chain", json_string(db_text(st, 0)));
		json_object_set_new(h, "region", json_string(db_text(st, 1)));
		json_object_set_new(h, "seq", json_integer(db_int(st, 2)));
		json_object_set_new(h, "hash", json_string(db_text(st, 3)));
		json_array_append_new(heads, h);
	}
	if (rc < 0)
		return -1;
	char at[32];
	time_iso(time_now_ms(), at);
	struct jw w;
	jw_init(&w, out);
	jw_obj(&w);
	jw_kstr(&w, "exported_at", at);
	jw_key(&w, "heads");
	jw_json(&w, heads);
	if (sign_key_path && *sign_key_path) {
		unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
		unsigned char sig[crypto_sign_BYTES];
		char hex[2 * crypto_sign_SECRETKEYBYTES + 1];
		if (read_key(sign_key_path, sk, sizeof(sk), e))
			return -1;
		crypto_sign_ed25519_sk_to_pk(pk, sk);
		struct strbuf payload;
		strbuf_init(&payload, a, 0);
		heads_payload(&payload, heads, at);
		crypto_sign_detached(sig, NULL, (const unsigned char *)payload.buf, payload.len,
		                     sk);
		sodium_memzero(sk, sizeof(sk));
		jw_kstr(&w, "alg", "ed25519");
		hex_encode(pk, sizeof(pk), hex);
		jw_kstr(&w, "public_key", hex);
		hex_encode(sig, sizeof(sig), hex);
		jw_kstr(&w, "signature", hex);
	}
	jw_obj_end(&w);
	strbuf_addch(out, '\n');
	return out->err ? err_internal(e, "heads too large") : 0;
}

int audit_keygen(const char *path, struct err *e)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SECRETKEYBYTES + 2], pub_path[4096];
	crypto_sign_keypair(pk, sk);
	snprintf(pub_path, sizeof(pub_path), "%s.pub", path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return err_invalid(e, "audit.key", "key", "unable to create '%s': %s", path,
		                   strerror(errno));
	hex_encode(sk, sizeof(sk), hex);
	sodium_memzero(sk, sizeof(sk));
	size_t n = strlen(hex);
	hex[n++] = '\n';
	int ok = write(fd, hex, n) == (ssize_t)n;
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) || !ok)
		return err_invalid(e, "audit.key", "key", "unable to write '%s'", path);
	FILE *f = fopen(pub_path, "w");
	hex_encode(pk, sizeof(pk), hex);
	if (!f || fprintf(f, "%s\n", hex) < 0 || fclose(f))
		return err_invalid(e, "audit.key", "key", "unable to write '%s'", pub_path);
	return 0;
}
