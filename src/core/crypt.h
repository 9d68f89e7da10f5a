/*
 * crypt.h - encryption of personal data at rest, and keyed hashes to find it.
 *
 * The key file (32 random bytes, hex, mode 0600) lives beside the database, never in it
 * and never in the repository; `cunwu init` makes it. Ciphertexts and hashes carry an
 * algorithm id ("x1:" XChaCha20-Poly1305, "k1:" keyed BLAKE2b) so that SM4/SM3 can be
 * added beside them where the cryptography assessment asks, and old rows still read.
 *
 * The file holds one key, or two during `cunwu keys rotate`: line 1 the current key (new
 * data is sealed and hashed with it), line 2 the previous one (data not yet re-sealed still
 * opens and is still found). See docs/internals/keys.md.
 *
 * Thread-safe: the keys may be replaced (crypt_load, crypt_reload) while other threads
 * seal and open.
 */
#ifndef CUNWU_CRYPT_H
#define CUNWU_CRYPT_H

#include <stddef.h>

#include "arena.h"
#include "err.h"

/* Create a new key file (refuses to overwrite). */
int crypt_keygen(const char *path, struct err *e);
/* Load the key file (one key, or two during a rotation); 400 crypt.key naming the file if
 * it is missing or is not one or two lines of 64 hex digits. Remembers the file for
 * crypt_reload. */
int crypt_load(const char *path, struct err *e);
/* How many keys are loaded: 0, 1, or 2 during a rotation. */
int crypt_loaded(void);
/*
 * Load the key file again if it changed (inode, size or mtime) since it was loaded; looks
 * at most once a second, so a server may call it on every request. 1 reloaded, 0 not, -1
 * the changed file does not load (logged; the keys loaded stay).
 */
int crypt_reload(void);

/* "x1:<base64 nonce||ciphertext>" under the current key in a, or NULL with e set. */
const char *crypt_seal(struct arena *a, const char *plain, struct err *e);
/* Plaintext in a, or NULL with e set (tampered, another key, an unknown algorithm). Tries
 * the current key, then the previous one. */
const char *crypt_open(struct arena *a, const char *sealed, struct err *e);
/* The same; *slot gets the key that opened it: 0 the current one, 1 the previous one. */
const char *crypt_open_slot(struct arena *a, const char *sealed, int *slot, struct err *e);
/*
 * A file sealed whole (an uploaded register kept until its import is done): in_path read,
 * out_path written (mode 0600, created; refuses to overwrite), in 64 KiB chunks of
 * libsodium's secretstream under a key derived from the current key. crypt_open_file tries
 * the current key, then the previous one. On failure out_path is removed.
 */
int crypt_seal_file(const char *in_path, const char *out_path, struct err *e);
int crypt_open_file(const char *in_path, const char *out_path, struct err *e);
/* "k1:<hex>" keyed hash under the current key, to look a value up without decrypting
 * every row; NULL if no key is loaded. */
const char *crypt_lookup(struct arena *a, const char *plain);
/* The hash under every loaded key, current first, into out; how many (0, 1 or 2). A
 * search matches any of them: during a rotation a row may still carry the previous one. */
int crypt_lookups(struct arena *a, const char *plain, const char *out[2]);

/*
 * Rotation of the key file (`cunwu keys rotate`), each step crash-safe: the file is
 * written beside itself (mode 0600, fsynced), renamed over, and its folder fsynced.
 *
 * crypt_rotate_begin: with one key, make a new one and write "new\nold"; with two, a
 * rotation was interrupted (*resumed = 1) and is taken up again, no third key made.
 * Either way the file is loaded. *age_ms gets how long ago the file was last written (a
 * server notices a changed file within a second). *lock_fd is an flock on the file's
 * folder, held until the caller closes it: two rotations never run at once.
 *
 * crypt_rotate_finish: every row is under the new key. Copies the previous key to
 * "<path>.retired-<UTC time>" (0600; *retired in a gets its name) for older backups,
 * then writes the file with the current key alone and loads it.
 */
int crypt_rotate_begin(const char *path, int *resumed, long long *age_ms, int *lock_fd,
                       struct err *e);
int crypt_rotate_finish(struct arena *a, const char *path, const char **retired, struct err *e);
/* 1 if the two key files hold the same keys, 0 if not, -1 with e set (`cunwu copy`). */
int crypt_same_key(const char *path1, const char *path2, struct err *e);

#endif
