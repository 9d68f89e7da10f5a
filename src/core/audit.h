/*
 * audit.h - the hash-chained audit log.
 *
 * Every write appends, in the same transaction, one row: who, when, request id, entity,
 * id, action and the changed fields (personal data masked before it gets here; the log
 * never holds plaintext personal data). Rows are chained per county and per deployment
 * (chain "<region>.<origin>", db_origin) by SHA-256 over the row's fields and the previous
 * hash, so writes in different counties do not serialize on one head, and township
 * databases merged into a city database keep their chains apart. Hashes are written "sha256:<hex>":
 * the algorithm id lets SM3 replace SHA-256 where the cryptography assessment asks for it.
 *
 * audit_verify recomputes every chain and names the first bad row; exported heads
 * (audit_heads_export, optionally Ed25519-signed with a key kept off the database disk)
 * let verify notice a tail cut off, which a chain alone cannot show.
 */
#ifndef CUNWU_AUDIT_H
#define CUNWU_AUDIT_H

#include <stdio.h>

#include "db.h"
#include "err.h"
#include "strbuf.h"

struct actor {
	const char *kind; /* "user", "token", "system", "cli" */
	const char *id, *name, *request_id;
};

/*
 * Append one row in the caller's open write transaction. changes is a JSON object text
 * (built with jw; "{}" if nothing). region is the 6-digit county code of the entity.
 */
int audit_write(struct db *db, const struct actor *who, const char *region, const char *entity,
                const char *entity_id, const char *action, const char *changes, struct err *e);

/* One row of the log, as stored. */
struct audit_row {
	const char *chain, *region;
	int64_t seq;
	const char *id, *at, *actor_kind, *actor_id, *actor_name, *request_id, *entity, *entity_id,
	    *action, *changes, *prev_hash;
};

/*
 * "sha256:<hex>" of one row's canonical form: every column but the hash itself, each
 * length-prefixed (NULL differs from ""), so no two rows share a form. out holds 72 bytes.
 */
void audit_hash(const struct audit_row *row, char out[80]);

struct audit_report {
	int64_t rows, chains;
	int ok;
	char first_bad[512]; /* "region 140406 seq 17 (chain 140406.X): hash does not match" */
};
/*
 * Verify every chain; with heads_json (an exported head file's text) also check that
 * each exported head is still present and unchanged. With trusted_pub (the hex Ed25519
 * public key from `audit keygen`'s .pub file) the head file must be signed by that key;
 * without it a signed file is checked only against the key it carries, which shows
 * accidental damage but not a forger. progress (may be NULL) gets 0..100.
 */
int audit_verify(struct db *db, const char *heads_json, const char *trusted_pub,
                 struct audit_report *rep, void (*progress)(void *arg, int pct), void *arg,
                 struct err *e);

/* Write the current heads as JSON; signed with the Ed25519 secret key file if given. */
int audit_heads_export(struct db *db, const char *sign_key_path, struct strbuf *out, struct err *e);
/* Create an Ed25519 key pair: secret to path, public to path.pub. */
int audit_keygen(const char *path, struct err *e);

#endif
