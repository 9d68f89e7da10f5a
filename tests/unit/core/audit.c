/*
 * audit.c - unit tests of src/core/audit.c: the row hash, chain verification on a real
 * SQLite database, and exported (optionally signed) heads that reveal a cut-off tail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"
#include <jansson.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/db.h"
#include "core/log.h"
#include "core/banned.h"

/* ---- audit_hash ---- */

#define NFIELDS 13 /* the text fields of a row, seq aside */

static void hash_of(const char *const f[NFIELDS], int64_t seq, char out[80])
{
	struct audit_row row = { f[0], f[1], seq,  f[2], f[3],  f[4],  f[5],
		                 f[6], f[7], f[8], f[9], f[10], f[11], f[12] };
	audit_hash(&row, out);
}

static const char *const base_fields[NFIELDS] = {
	"140406.ABCDEFGHJK",
	"140406",
	"01HQ000000000000000000000A",
	"2024-03-01T00:00:00.000Z",
	"user",
	"01HQ0000000000000000000000",
	"wang",
	"req-1",
	"people",
	"01HQ0000000000000000000001",
	"update",
	"{\"name\":\"x\"}",
	"sha256:genesis",
};

static void test_hash_deterministic(void **state)
{
	char a[80], b[80];
	(void)state;
	hash_of(base_fields, 1, a);
	hash_of(base_fields, 1, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 7 + 64);
	assert_memory_equal(a, "sha256:", 7);
	for (int i = 7; i < 71; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
}

static void test_hash_every_field_counts(void **state)
{
	char base[80], h[80];
	const char *f[NFIELDS];
	(void)state;
	hash_of(base_fields, 1, base);
	/* the sequence number */
	hash_of(base_fields, 2, h);
	assert_string_not_equal(base, h);
	/* each text field: changed by one character, set to "", and set to NULL */
	for (int i = 0; i < NFIELDS; i++) {
		char changed[128];
		memcpy(f, base_fields, sizeof(f));
		snprintf(changed, sizeof(changed), "%s.", base_fields[i]);
		f[i] = changed;
		hash_of(f, 1, h);
		if (!strcmp(h, base))
			fail_msg("changing field %d does not change the hash", i);
		f[i] = "";
		hash_of(f, 1, h);
		if (!strcmp(h, base))
			fail_msg("emptying field %d does not change the hash", i);
		char empty[80];
		memcpy(empty, h, sizeof(empty));
		f[i] = NULL;
		hash_of(f, 1, h);
		if (!strcmp(h, empty))
			fail_msg("field %d: NULL and \"\" hash the same", i);
	}
}

static void test_hash_no_shifting(void **state)
{
	/* moving characters from one field to the next must not give the same hash */
	char a[80], b[80];
	(void)state;
	const char *f1[NFIELDS] = { "14.x", "14", "i",  "ab", "user", "c", NULL,
		                    NULL,   "e",  NULL, "a",  "{}",   "p" };
	const char *f2[NFIELDS] = { "14.x", "14", "i",  "a", "buser", "c", NULL,
		                    NULL,   "e",  NULL, "a", "{}",    "p" };
	const char *f3[NFIELDS] = { "1.x", "1", "i",  "ab", "user", "c", NULL,
		                    NULL,  "e", NULL, "a",  "{}",   "p" };
	hash_of(f1, 1, a);
	hash_of(f2, 1, b);
	assert_string_not_equal(a, b);
	hash_of(f3, 41, b);
	assert_string_not_equal(a, b);
}

/* ---- a database ---- */

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct err e;
	struct audit_report rep;
};

static int db_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f || unit_db_open(f->dir, f->path, "audit", &f->db, &f->a, &f->e, 1))
		return -1;
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fx *f = *state;
	unit_db_close(f->dir, f->db, &f->a);
	free(f);
	return 0;
}

static const struct actor who = { "user", "01HQ0000000000000000000000", "张三", "req-1" };
static const struct actor cli = { "cli", NULL, NULL, NULL };

/* Three rows in 140406 and two in 140405, in one transaction. */
static void write_rows(struct fx *f)
{
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(audit_write(f->db, &who, "140406", "people", "p1", "create",
	                             "{\"name\":\"李四\"}", &f->e),
	                 0);
	assert_int_equal(audit_write(f->db, &who, "140405", "people", "p2", "create", NULL, &f->e),
	                 0);
	assert_int_equal(audit_write(f->db, &cli, "140406", "people", "p1", "update",
	                             "{\"phone\":\"138****0000\"}", &f->e),
	                 0);
	assert_int_equal(audit_write(f->db, &who, "140405", "places", NULL, "load", "{}", &f->e),
	                 0);
	assert_int_equal(audit_write(f->db, &who, "140406", "people", "p1", "delete", "{}", &f->e),
	                 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
}

static int verify(struct fx *f, const char *heads)
{
	err_clear(&f->e);
	return audit_verify(f->db, heads, NULL, &f->rep, NULL, NULL, &f->e);
}

static void exec(struct fx *f, const char *sql)
{
	if (db_exec(f->db, &f->e, sql, DB_NOARGS) < 0)
		fail_msg("'%s': %s", sql, f->e.msg);
}

static void test_write_and_verify(void **state)
{
	struct fx *f = *state;
	write_rows(f);
	int64_t n = 0;
	assert_int_equal(db_get_int(f->db, &f->e, &n,
	                            "SELECT max(seq) FROM audit_log WHERE region = '140406'",
	                            DB_ARGS(DB_NOARGS)),
	                 1);
	assert_int_equal(n, 3);
	/* the first row of a chain starts from genesis, later rows from the row before */
	const char *prev = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &prev,
	                             "SELECT prev_hash FROM audit_log WHERE region = '140405' AND "
	                             "seq = 1",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	assert_string_equal(prev, "sha256:genesis");
	/* the log stores what it was given; NULL changes become "{}" */
	const char *changes = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &changes,
	                             "SELECT changes FROM audit_log WHERE region = '140405' AND "
	                             "seq = 1",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	assert_string_equal(changes, "{}");

	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
	assert_int_equal(f->rep.rows, 5);
	assert_int_equal(f->rep.chains, 2);
	assert_string_equal(f->rep.first_bad, "");
}

static void test_write_outside_tx(void **state)
{
	struct fx *f = *state;
	assert_int_equal(audit_write(f->db, &who, "140406", "people", "p1", "create", "{}", &f->e),
	                 -1);
	assert_int_equal(f->e.status, 500);
	int64_t n = -1;
	assert_int_equal(
	    db_get_int(f->db, &f->e, &n, "SELECT count(*) FROM audit_log", DB_ARGS(DB_NOARGS)), 1);
	assert_int_equal(n, 0);
}

static void test_empty_log_verifies(void **state)
{
	struct fx *f = *state;
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
	assert_int_equal(f->rep.rows, 0);
	assert_int_equal(f->rep.chains, 0);
}

static int last_pct;
static void progress(void *arg, int pct)
{
	(*(int *)arg)++;
	last_pct = pct;
}

static void test_progress(void **state)
{
	struct fx *f = *state;
	int calls = 0;
	write_rows(f);
	last_pct = -1;
	assert_int_equal(audit_verify(f->db, NULL, NULL, &f->rep, progress, &calls, &f->e), 0);
	assert_true(calls >= 1);
	assert_int_equal(last_pct, 100);
}

static void test_tampered_row(void **state)
{
	struct fx *f = *state;
	write_rows(f);
	const char *orig = NULL;
	assert_int_equal(db_get_text(f->db, &f->e, &orig,
	                             "SELECT changes FROM audit_log WHERE region = '140406' AND "
	                             "seq = 2",
	                             DB_ARGS(DB_NOARGS)),
	                 1);
	exec(f, "UPDATE audit_log SET changes = '{\"phone\":\"13800000000\"}' "
	        "WHERE region = '140406' AND seq = 2");
	assert_int_equal(verify(f, NULL), 0); /* verify ran; the report says what it found */
	assert_int_equal(f->rep.ok, 0);
	assert_int_equal(f->rep.rows, 5);
	assert_contains(f->rep.first_bad, "region 140406 seq 2");
	assert_contains(f->rep.first_bad, "hash does not match");
	/* putting the row back makes the chain whole again: the check is exact */
	assert_true(db_exec(f->db, &f->e,
	                    "UPDATE audit_log SET changes = ? WHERE region = '140406' AND seq = 2",
	                    DB_T(orig)) == 1);
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
}

static void test_tampered_other_fields(void **state)
{
	static const char *const edits[] = {
		"UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE region = '140405' AND "
		"seq = 2",
		"UPDATE audit_log SET actor_id = 'someone' WHERE region = '140405' AND seq = 2",
		"UPDATE audit_log SET entity_id = 'p9' WHERE region = '140405' AND seq = 2",
		"UPDATE audit_log SET action = 'read' WHERE region = '140405' AND seq = 2",
	};
	struct fx *f = *state;
	write_rows(f);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		exec(f, "SAVEPOINT s");
		exec(f, edits[i]);
		assert_int_equal(verify(f, NULL), 0);
		if (f->rep.ok)
			fail_msg("'%s' was not noticed", edits[i]);
		assert_contains(f->rep.first_bad, "region 140405 seq 2");
		exec(f, "ROLLBACK TO s");
		exec(f, "RELEASE s");
	}
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
}

static void test_rehashed_row_breaks_link(void **state)
{
	/* rewriting a row and its own hash still breaks the next row's prev_hash */
	struct fx *f = *state;
	write_rows(f);
	exec(f, "UPDATE audit_log SET hash = 'sha256:forged' WHERE region = '140406' AND seq = 1");
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_contains(f->rep.first_bad, "region 140406 seq 1");
}

static void test_deleted_middle_row(void **state)
{
	struct fx *f = *state;
	write_rows(f);
	exec(f, "DELETE FROM audit_log WHERE region = '140406' AND seq = 2");
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_contains(f->rep.first_bad, "region 140406 seq 2");
	assert_contains(f->rep.first_bad, "missing");
}

static void test_deleted_last_row(void **state)
{
	struct fx *f = *state;
	write_rows(f);
	exec(f, "DELETE FROM audit_log WHERE region = '140405' AND seq = 2");
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_int_equal(f->rep.rows, 4);
	assert_contains(f->rep.first_bad, "region 140405 seq 2");
	assert_contains(f->rep.first_bad, "head row does not match the log");
}

/* Cut the last row of 140406 off and fix audit_heads so that the chain looks whole. */
static void cut_tail(struct fx *f)
{
	exec(f, "DELETE FROM audit_log WHERE region = '140406' AND seq = 3");
	exec(f, "UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE "
	        "region = '140406' AND seq = 2) WHERE region = '140406'");
}

static void test_heads_unsigned(void **state)
{
	struct fx *f = *state;
	struct strbuf sb;
	write_rows(f);
	strbuf_init(&sb, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, NULL, &sb, &f->e), 0);
	json_error_t je;
	json_t *doc = json_loads(sb.buf, 0, &je);
	assert_non_null(doc);
	json_t *heads = json_object_get(doc, "heads");
	assert_int_equal(json_array_size(heads), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(heads, 1), "region")),
	                    "140406");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(heads, 1), "seq")), 3);
	assert_null(json_object_get(doc, "signature"));
	json_decref(doc);

	assert_int_equal(verify(f, sb.buf), 0);
	assert_int_equal(f->rep.ok, 1);

	cut_tail(f);
	/* the chain alone cannot tell */
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
	assert_int_equal(f->rep.rows, 4);
	/* the exported heads can */
	assert_int_equal(verify(f, sb.buf), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_contains(f->rep.first_bad, "region 140406 seq 3");
	assert_contains(f->rep.first_bad, "cut off");
}

static void test_heads_replaced_tail(void **state)
{
	/*
	 * The tail is cut and a different row appended in its place: the chain is whole and
	 * the head seq is back where it was, but the exported head's hash no longer matches.
	 */
	struct fx *f = *state;
	struct strbuf sb;
	write_rows(f);
	strbuf_init(&sb, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, NULL, &sb, &f->e), 0);
	cut_tail(f);
	assert_int_equal(db_begin(f->db, DB_WRITE, &f->e), 0);
	assert_int_equal(audit_write(f->db, &who, "140406", "people", "p1", "update",
	                             "{\"note\":\"nothing to see\"}", &f->e),
	                 0);
	assert_int_equal(db_commit(f->db, &f->e), 0);
	assert_int_equal(verify(f, NULL), 0);
	assert_int_equal(f->rep.ok, 1);
	assert_int_equal(f->rep.rows, 5);
	assert_int_equal(verify(f, sb.buf), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_contains(f->rep.first_bad, "region 140406 seq 3");
	assert_contains(f->rep.first_bad, "differs from the exported head");
}

static void test_heads_signed(void **state)
{
	struct fx *f = *state;
	struct strbuf sb;
	char key[160], pub[170];
	struct stat st;
	write_rows(f);
	snprintf(key, sizeof(key), "%s/audit.key", f->dir);
	snprintf(pub, sizeof(pub), "%s.pub", key);
	assert_int_equal(audit_keygen(key, &f->e), 0);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pub, &st), 0);
	/* never overwrites a key */
	assert_int_equal(audit_keygen(key, &f->e), -1);
	assert_string_equal(f->e.code, "audit.key");

	strbuf_init(&sb, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, key, &sb, &f->e), 0);
	json_error_t je;
	json_t *doc = json_loads(sb.buf, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "alg")), "ed25519");
	const char *sig = json_string_value(json_object_get(doc, "signature"));
	const char *pk = json_string_value(json_object_get(doc, "public_key"));
	assert_non_null(sig);
	assert_int_equal(strlen(sig), 2 * crypto_sign_BYTES);
	assert_non_null(pk);
	/* the public key in the file is the one written beside the secret key */
	char pub_text[128] = "";
	FILE *pf = fopen(pub, "r");
	assert_non_null(pf);
	assert_non_null(fgets(pub_text, sizeof(pub_text), pf));
	fclose(pf);
	pub_text[strcspn(pub_text, "\n")] = '\0';
	assert_string_equal(pk, pub_text);

	assert_int_equal(verify(f, sb.buf), 0);
	assert_int_equal(f->rep.ok, 1);

	/* with the trusted key: accepted; with another key: refused, though self-consistent */
	assert_int_equal(audit_verify(f->db, sb.buf, pub_text, &f->rep, NULL, NULL, &f->e), 0);
	assert_int_equal(f->rep.ok, 1);
	char other[256];
	snprintf(other, sizeof(other), "%s/other.key", f->dir);
	assert_int_equal(audit_keygen(other, &f->e), 0);
	struct strbuf forged;
	strbuf_init(&forged, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, other, &forged, &f->e), 0);
	assert_int_equal(verify(f, forged.buf), 0); /* consistent in itself */
	assert_int_equal(audit_verify(f->db, forged.buf, pub_text, &f->rep, NULL, NULL, &f->e), -1);
	assert_string_equal(f->e.code, "audit.head_signature");
	/* an unsigned file when a trusted key is given */
	struct strbuf plain;
	strbuf_init(&plain, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, NULL, &plain, &f->e), 0);
	assert_int_equal(audit_verify(f->db, plain.buf, pub_text, &f->rep, NULL, NULL, &f->e), -1);
	assert_string_equal(f->e.code, "audit.head_unsigned");

	/* a forged signature */
	char *bad_sig = strdup(sb.buf);
	char *p = strstr(bad_sig, sig);
	assert_non_null(p);
	p[10] = p[10] == '0' ? '1' : '0';
	assert_int_equal(verify(f, bad_sig), -1);
	assert_string_equal(f->e.code, "audit.head_signature");
	free(bad_sig);

	/* heads edited after signing (an older seq, to hide a later cut) */
	json_object_set_new(json_array_get(json_object_get(doc, "heads"), 1), "seq",
	                    json_integer(2));
	char *edited = json_dumps(doc, 0);
	assert_non_null(edited);
	assert_int_equal(verify(f, edited), -1);
	assert_string_equal(f->e.code, "audit.head_signature");
	free(edited);

	/* a signature that is not hex */
	json_object_set_new(doc, "signature", json_string("zz"));
	edited = json_dumps(doc, 0);
	assert_int_equal(verify(f, edited), -1);
	assert_string_equal(f->e.code, "audit.head_invalid");
	free(edited);
	json_decref(doc);

	/* and a cut tail is still caught through a good signed file */
	cut_tail(f);
	assert_int_equal(verify(f, sb.buf), 0);
	assert_int_equal(f->rep.ok, 0);
	assert_contains(f->rep.first_bad, "cut off");
}

static void test_heads_bad_files(void **state)
{
	struct fx *f = *state;
	write_rows(f);
	assert_int_equal(verify(f, "not json"), -1);
	assert_string_equal(f->e.code, "json.malformed");
	assert_int_equal(verify(f, "{\"exported_at\":\"x\"}"), -1);
	assert_string_equal(f->e.code, "audit.head_invalid");
	assert_int_equal(verify(f, "{\"heads\":[{\"region\":\"140406\"}]}"), -1);
	assert_string_equal(f->e.code, "audit.head_invalid");
	/* a signing key that is not there */
	struct strbuf sb;
	strbuf_init(&sb, &f->a, 0);
	assert_int_equal(audit_heads_export(f->db, "/nonexistent/audit.key", &sb, &f->e), -1);
	assert_string_equal(f->e.code, "audit.key");
}

static int group_setup(void **state)
{
	(void)state;
	log_set_level(LOG_OFF);
	return sodium_init() < 0 ? -1 : 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, db_setup, db_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_deterministic),
		cmocka_unit_test(test_hash_every_field_counts),
		cmocka_unit_test(test_hash_no_shifting),
		T(test_write_and_verify),
		T(test_write_outside_tx),
		T(test_empty_log_verifies),
		T(test_progress),
		T(test_tampered_row),
		T(test_tampered_other_fields),
		T(test_rehashed_row_breaks_link),
		T(test_deleted_middle_row),
		T(test_deleted_last_row),
		T(test_heads_unsigned),
		T(test_heads_replaced_tail),
		T(test_heads_signed),
		T(test_heads_bad_files),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
