/*
 * crypt.h - encryption of personal data at rest, and keyed hashes to find it.
 *
 * The key file (32 random bytes, hex, mode 0600) lives beside the database, never in it
 * and never in the repository; `cunwu init` makes it. Ciphertexts and hashes carry an
 * algorithm id ("x1:" XChaCha20-Poly1305, "k1:" keyed BLAKE2b) so that SM4/SM3 can be
 * added beside them where the cryptography assessment asks, and old rows still read.
 */
#ifndef CUNWU_CRYPT_H
#define CUNWU_CRYPT_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

/* Create a new key file (refuses to overwrite). */
int crypt_keygen(const char *path, struct err *e);
/* Load the key used by crypt_seal/open/lookup. */
int crypt_load(const char *path, struct err *e);
int crypt_loaded(void);

/* "x1:<base64 nonce||ciphertext>" in a, or NULL with e set. */
const char *crypt_seal(struct arena *a, const char *plain, struct err *e);
/* Plaintext in a, or NULL with e set (tampered, or an unknown algorithm). */
const char *crypt_open(struct arena *a, const char *sealed, struct err *e);
/* "k1:<hex>" keyed hash, to look a value up without decrypting every row; NULL if no key
 * is loaded. */
const char *crypt_lookup(struct arena *a, const char *plain);

#endif
