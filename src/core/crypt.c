/* crypt.c - personal-data encryption, lookup hashes and the key file; see crypt.h. */
#include "crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "util.h"
#include "banned.h"

#define KEY_LEN  32
#define HEX_LEN  64
#define FILE_MAX 512 /* two lines of 64 hex digits and a little slack */

/* the keys loaded: [0] current, [1] previous (during a rotation) */
struct keyring {
	unsigned char key[2][KEY_LEN], lookup[2][KEY_LEN];
	int n;
};

/* what was loaded from where, so crypt_reload can tell a changed file */
struct keyfile {
	char path[4096];
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static struct keyring ring;
static pthread_rwlock_t ring_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct keyfile loaded_file;
static pthread_mutex_t file_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_llong last_check; /* second of the last crypt_reload look */

static int key_error(struct err *e, const char *path, const char *what)
{
	return err_invalid(e, "crypt.key", "key_file", "'%s' %s", path, what);
}

/* Parse a key file's text: one or two lines of 64 hex digits (a final newline, and a
 * carriage return before each, allowed). */
static int parse_keys(const char *path, char *text, size_t len, struct keyring *kr, struct err *e)
{
	kr->n = 0;
	size_t at = 0;
	while (at < len) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		size_t n = end - at;
		if (n && text[at + n - 1] == '\r')
			n--;
		if (kr->n == 2)
			return key_error(
			    e, path,
			    "holds more than two lines: a key file holds one key, or two "
			    "during a rotation (the current one, then the previous one)");
		if (n != HEX_LEN)
			return err_invalid(e, "crypt.key", "key_file",
			                   "'%s' line %d is not a key: 64 hex digits expected",
			                   path, kr->n + 1);
		text[at + n] = '\0';
		if (hex_decode(text + at, kr->key[kr->n], KEY_LEN))
			return err_invalid(e, "crypt.key", "key_file",
			                   "'%s' line %d is not a key: 64 hex digits expected",
			                   path, kr->n + 1);
		kr->n++;
		at = end + 1;
	}
	if (kr->n == 0)
		return key_error(e, path, "holds no key (it is made by 'cunwu init')");
	if (kr->n == 2 && sodium_memcmp(kr->key[0], kr->key[1], KEY_LEN) == 0)
		return key_error(e, path, "holds the same key twice");
	/* a separate subkey for lookups, so hashes reveal nothing about ciphertexts */
	for (int i = 0; i < kr->n; i++)
		crypto_generichash(kr->lookup[i], KEY_LEN, (const unsigned char *)"cunwu-lookup",
		                   12, kr->key[i], KEY_LEN);
	return 0;
}

/* Read and parse path into kr; st gets the file's identity. */
static int read_keys(const char *path, struct keyring *kr, struct stat *st, struct err *e)
{
	char buf[FILE_MAX + 1];
	memset(kr, 0, sizeof(*kr));
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return err_invalid(e, "crypt.key", "key_file",
		                   "unable to open key file '%s': %s (it is made by 'cunwu init')",
		                   path, strerror(errno));
	ssize_t r = -1;
	if (fstat(fd, st) == 0)
		r = read(fd, buf, sizeof(buf));
	close(fd);
	if (r < 0)
		return err_invalid(e, "crypt.key", "key_file", "unable to read key file '%s'",
		                   path);
	if (r > FILE_MAX) {
		sodium_memzero(buf, sizeof(buf));
		return key_error(e, path, "is too long to be a cunwu key file");
	}
	int rc = parse_keys(path, buf, (size_t)r, kr, e);
	sodium_memzero(buf, sizeof(buf));
	if (rc)
		sodium_memzero(kr, sizeof(*kr));
	return rc;
}

/* Make kr the keys in use; kr is wiped. */
static void install(struct keyring *kr)
{
	pthread_rwlock_wrlock(&ring_lock);
	ring = *kr;
	pthread_rwlock_unlock(&ring_lock);
	sodium_memzero(kr, sizeof(*kr));
}

static void remember(const char *path, const struct stat *st)
{
	if (path) /* NULL: the same file again */
		snprintf(loaded_file.path, sizeof(loaded_file.path), "%s", path);
	loaded_file.dev = st->st_dev;
	loaded_file.ino = st->st_ino;
	loaded_file.size = st->st_size;
	loaded_file.mtime = st->st_mtim;
}

int crypt_load(const char *path, struct err *e)
{
	struct keyring kr;
	struct stat st;
	if (read_keys(path, &kr, &st, e))
		return -1;
	install(&kr);
	pthread_mutex_lock(&file_lock);
	remember(path, &st);
	pthread_mutex_unlock(&file_lock);
	return 0;
}

int crypt_loaded(void)
{
	pthread_rwlock_rdlock(&ring_lock);
	int n = ring.n;
	pthread_rwlock_unlock(&ring_lock);
	return n;
}

int crypt_reload(void)
{
	long long now = time_now_ms() / 1000;
	if (atomic_load(&last_check) == now || pthread_mutex_trylock(&file_lock))
		return 0;
	int rc = 0;
	struct stat st;
	if (atomic_load(&last_check) == now || !loaded_file.path[0])
		goto out;
	atomic_store(&last_check, now);
	if (stat(loaded_file.path, &st) ||
	    (st.st_dev == loaded_file.dev && st.st_ino == loaded_file.ino &&
	     st.st_size == loaded_file.size && st.st_mtim.tv_sec == loaded_file.mtime.tv_sec &&
	     st.st_mtim.tv_nsec == loaded_file.mtime.tv_nsec))
		goto out; /* gone for a moment (being renamed over) or unchanged */
	struct keyring kr;
	struct err e;
	err_clear(&e);
	if (read_keys(loaded_file.path, &kr, &st, &e)) {
		log_warn("key file changed but does not load, keeping the keys loaded: %s", e.msg);
		remember(NULL, &st); /* say it once per change */
		rc = -1;
		goto out;
	}
	int n = kr.n;
	install(&kr);
	remember(NULL, &st);
	log_info("key file '%s' reloaded: %s", loaded_file.path,
	         n == 1 ? "one key" : "two keys, a rotation is under way");
	rc = 1;
out:
	pthread_mutex_unlock(&file_lock);
	return rc;
}

/* ---- sealing and hashing ---- */

/*
 * A nonce is 24 random bytes. randombytes_buf asks the kernel for each (getrandom), and
 * a million persons' IDs and phones were two million system calls, 2 to 3 s of an import
 * on a virtual machine. So each thread draws NONCE_POOL bytes at once and hands them out
 * a nonce at a time, every byte used once. A child of fork() must not hand out what its
 * parent will: the pool of the thread that forks is emptied in the child (the only
 * thread the child has).
 */
#define NONCE_POOL (64 * crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)

static _Thread_local unsigned char nonce_pool[NONCE_POOL];
static _Thread_local size_t nonce_left;
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void nonce_pool_forget(void)
{
	sodium_memzero(nonce_pool, sizeof(nonce_pool));
	nonce_left = 0;
}

static void nonce_fork_hook(void)
{
	pthread_atfork(NULL, NULL, nonce_pool_forget);
}

static void nonce_new(unsigned char n[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES])
{
	pthread_once(&nonce_once, nonce_fork_hook);
	if (nonce_left < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) {
		randombytes_buf(nonce_pool, sizeof(nonce_pool));
		nonce_left = sizeof(nonce_pool);
	}
	unsigned char *from = nonce_pool + sizeof(nonce_pool) - nonce_left;
	memcpy(n, from, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	sodium_memzero(from, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	nonce_left -= crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
}

const char *crypt_seal(struct arena *a, const char *plain, struct err *e)
{
	size_t n = strlen(plain);
	size_t clen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n +
	              crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *c = arena_alloc(a, clen);
	nonce_new(c);
	unsigned long long out;
	pthread_rwlock_rdlock(&ring_lock);
	int have = ring.n > 0;
	if (have)
		crypto_aead_xchacha20poly1305_ietf_encrypt(
		    c + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &out,
		    (const unsigned char *)plain, n, (const unsigned char *)"x1", 2, NULL, c,
		    ring.key[0]);
	pthread_rwlock_unlock(&ring_lock);
	if (!have) {
		err_internal(e, "no key loaded");
		return NULL;
	}
	size_t b64 = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
	char *s = arena_alloc(a, 3 + b64);
	memcpy(s, "x1:", 3);
	sodium_bin2base64(s + 3, b64, c, clen, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

const char *crypt_open_slot(struct arena *a, const char *sealed, int *slot, struct err *e)
{
	if (strncmp(sealed, "x1:", 3)) {
		err_internal(e, "unknown cipher");
		return NULL;
	}
	size_t len = strlen(sealed + 3), clen;
	unsigned char *c = arena_alloc(a, len + 1);
	if (sodium_base642bin(c, len, sealed + 3, len, NULL, &clen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) ||
	    clen < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	               crypto_aead_xchacha20poly1305_ietf_ABYTES) {
		err_internal(e, "malformed ciphertext");
		return NULL;
	}
	size_t mlen = clen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
	              crypto_aead_xchacha20poly1305_ietf_ABYTES;
	char *m = arena_alloc(a, mlen + 1);
	unsigned long long out;
	int found = -1;
	pthread_rwlock_rdlock(&ring_lock);
	int n = ring.n;
	for (int i = 0; i < n && found < 0; i++)
		if (!crypto_aead_xchacha20poly1305_ietf_decrypt(
		        (unsigned char *)m, &out, NULL,
		        c + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		        clen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		        (const unsigned char *)"x1", 2, c, ring.key[i]))
			found = i;
	pthread_rwlock_unlock(&ring_lock);
	if (!n) {
		err_internal(e, "no key loaded");
		return NULL;
	}
	if (found < 0) {
		err_internal(e, "ciphertext does not verify");
		return NULL;
	}
	if (slot)
		*slot = found;
	m[mlen] = '\0';
	return m;
}

const char *crypt_open(struct arena *a, const char *sealed, struct err *e)
{
	return crypt_open_slot(a, sealed, NULL, e);
}

/* ---- files ---- */

#define FILE_MAGIC "CWF1"
#define FILE_CHUNK 65536

static void file_key(const unsigned char *key,
                     unsigned char out[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
	crypto_kdf_derive_from_key(out, crypto_secretstream_xchacha20poly1305_KEYBYTES, 1,
	                           "cunwufil", key);
}

/* the two files of a seal or an open; on failure the output is removed */
struct file_pair {
	FILE *in, *out;
	const char *out_path;
	unsigned char *buf, *cbuf;
};

static int pair_open(struct file_pair *p, const char *in_path, const char *out_path, struct err *e)
{
	memset(p, 0, sizeof(*p));
	p->out_path = out_path;
	p->in = fopen(in_path, "rb");
	if (!p->in)
		return err_internal(e, "cannot read %s: %s", in_path, strerror(errno));
	int fd = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || !(p->out = fdopen(fd, "wb"))) {
		if (fd >= 0)
			close(fd);
		fclose(p->in);
		return err_internal(e, "cannot write %s: %s", out_path, strerror(errno));
	}
	p->buf = sodium_malloc(FILE_CHUNK);
	p->cbuf = sodium_malloc(FILE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES);
	return 0;
}

static int pair_close(struct file_pair *p, int rc, struct err *e)
{
	if (p->out && (fflush(p->out) || fsync(fileno(p->out))) && !rc)
		rc = err_internal(e, "cannot write %s: %s", p->out_path, strerror(errno));
	if (p->out && fclose(p->out) && !rc)
		rc = err_internal(e, "cannot write %s: %s", p->out_path, strerror(errno));
	fclose(p->in);
	sodium_free(p->buf);
	sodium_free(p->cbuf);
	if (rc)
		unlink(p->out_path);
	return rc;
}

int crypt_seal_file(const char *in_path, const char *out_path, struct err *e)
{
	unsigned char k[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	pthread_rwlock_rdlock(&ring_lock);
	int have = ring.n > 0;
	if (have)
		file_key(ring.key[0], k);
	pthread_rwlock_unlock(&ring_lock);
	if (!have)
		return err_internal(e, "no key loaded");
	struct file_pair p;
	if (pair_open(&p, in_path, out_path, e))
		return -1;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_init_push(&st, hdr, k);
	sodium_memzero(k, sizeof(k));
	int rc = fwrite(FILE_MAGIC, 4, 1, p.out) == 1 && fwrite(hdr, sizeof(hdr), 1, p.out) == 1
	             ? 0
	             : -1;
	for (int last = 0; !rc && !last;) {
		size_t n = fread(p.buf, 1, FILE_CHUNK, p.in);
		if (ferror(p.in)) {
			rc = -1;
			break;
		}
		last = feof(p.in);
		unsigned long long clen;
		crypto_secretstream_xchacha20poly1305_push(
		    &st, p.cbuf, &clen, p.buf, n, NULL, 0,
		    last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		if (fwrite(p.cbuf, 1, (size_t)clen, p.out) != clen)
			rc = -1;
	}
	if (rc)
		err_internal(e, "cannot seal %s: %s", in_path, strerror(errno));
	return pair_close(&p, rc, e);
}

/* open with one key: 0, or -1 when the stream does not verify under it */
static int open_with(struct file_pair *p, const unsigned char *key)
{
	unsigned char k[crypto_secretstream_xchacha20poly1305_KEYBYTES], magic[4];
	unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	file_key(key, k);
	rewind(p->in);
	if (ftruncate(fileno(p->out), 0) || fseek(p->out, 0, SEEK_SET))
		return -1;
	crypto_secretstream_xchacha20poly1305_state st;
	int bad = fread(magic, 4, 1, p->in) != 1 || memcmp(magic, FILE_MAGIC, 4) ||
	          fread(hdr, sizeof(hdr), 1, p->in) != 1 ||
	          crypto_secretstream_xchacha20poly1305_init_pull(&st, hdr, k);
	sodium_memzero(k, sizeof(k));
	unsigned char tag = 0;
	while (!bad && tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		size_t n = fread(p->cbuf, 1,
		                 FILE_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES, p->in);
		unsigned long long mlen;
		if (ferror(p->in) ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, p->buf, &mlen, &tag, p->cbuf, n,
		                                               NULL, 0) ||
		    (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL && feof(p->in)) ||
		    fwrite(p->buf, 1, (size_t)mlen, p->out) != mlen)
			bad = 1;
	}
	return bad ? -1 : 0;
}

int crypt_open_file(const char *in_path, const char *out_path, struct err *e)
{
	struct file_pair p;
	if (pair_open(&p, in_path, out_path, e))
		return -1;
	int rc = -1;
	pthread_rwlock_rdlock(&ring_lock);
	unsigned char keys[2][KEY_LEN];
	int n = ring.n;
	memcpy(keys, ring.key, sizeof(keys));
	pthread_rwlock_unlock(&ring_lock);
	for (int i = 0; i < n && rc; i++)
		rc = open_with(&p, keys[i]);
	sodium_memzero(keys, sizeof(keys));
	if (rc && !n)
		err_internal(e, "no key loaded");
	else if (rc)
		err_internal(e, "%s does not open under the key file", in_path);
	return pair_close(&p, rc, e);
}

static const char *hash_with(struct arena *a, const unsigned char *k, const char *plain)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)plain, strlen(plain), k, KEY_LEN);
	char *s = arena_alloc(a, 3 + 65);
	memcpy(s, "k1:", 3);
	hex_encode(h, sizeof(h), s + 3);
	return s;
}

int crypt_lookups(struct arena *a, const char *plain, const char *out[2])
{
	pthread_rwlock_rdlock(&ring_lock);
	int n = ring.n; /* never hash with a zero key */
	for (int i = 0; i < n; i++)
		out[i] = hash_with(a, ring.lookup[i], plain);
	pthread_rwlock_unlock(&ring_lock);
	for (int i = n; i < 2; i++)
		out[i] = NULL;
	return n;
}

const char *crypt_lookup(struct arena *a, const char *plain)
{
	const char *h[2];
	return crypt_lookups(a, plain, h) ? h[0] : NULL;
}

/* ---- key files ---- */

/* n keys as hex lines into buf (at least n * 65 bytes); the length */
static size_t keys_text(const unsigned char (*keys)[KEY_LEN], int n, char *buf)
{
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		hex_encode(keys[i], KEY_LEN, buf + len);
		len += HEX_LEN;
		buf[len++] = '\n';
	}
	return len;
}

/* open the folder holding path (its name into dir) */
static int open_dir(const char *path, char *dir, size_t n)
{
	snprintf(dir, n, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, n, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return open(dir, O_RDONLY | O_DIRECTORY);
}

/* fsync the folder holding path, so a rename or a new file in it survives a crash */
static int sync_dir(const char *path, struct err *e)
{
	char dir[4096];
	int fd = open_dir(path, dir, sizeof(dir));
	if (fd < 0 || fsync(fd)) {
		if (fd >= 0)
			close(fd);
		return err_invalid(e, "crypt.key", "key_file", "unable to sync folder '%s': %s",
		                   dir, strerror(errno));
	}
	close(fd);
	return 0;
}

/* Write keys to path: created (O_EXCL) when excl, else written beside it and renamed over. */
static int write_keys(const char *path, const unsigned char (*keys)[KEY_LEN], int n, int excl,
                      struct err *e)
{
	char text[2 * (HEX_LEN + 1)], tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	const char *to = excl ? path : tmp;
	int fd = open(to, O_WRONLY | O_CREAT | (excl ? O_EXCL : O_TRUNC), 0600);
	if (fd < 0)
		return err_invalid(e, "crypt.key", "key_file", "unable to create '%s': %s", to,
		                   strerror(errno));
	size_t len = keys_text(keys, n, text);
	int ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
	sodium_memzero(text, sizeof(text));
	if (close(fd) || !ok) {
		unlink(to);
		return err_invalid(e, "crypt.key", "key_file", "unable to write '%s'", to);
	}
	if (!excl && rename(tmp, path)) {
		unlink(tmp);
		return err_invalid(e, "crypt.key", "key_file", "unable to replace '%s': %s", path,
		                   strerror(errno));
	}
	return sync_dir(path, e);
}

int crypt_keygen(const char *path, struct err *e)
{
	unsigned char k[1][KEY_LEN];
	randombytes_buf(k[0], KEY_LEN);
	int rc = write_keys(path, (const unsigned char(*)[KEY_LEN])k, 1, 1, e);
	sodium_memzero(k, sizeof(k));
	return rc;
}

/* an flock on the folder of path, so that two rotations never run at once */
static int lock_dir(const char *path, struct err *e)
{
	char dir[4096];
	int fd = open_dir(path, dir, sizeof(dir));
	if (fd < 0)
		return err_invalid(e, "crypt.key", "key_file", "unable to open folder '%s': %s",
		                   dir, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return err_conflict(e, "keys.busy", "key_file",
		                    "another 'cunwu keys rotate' is running on '%s'", path);
	}
	return fd;
}

int crypt_rotate_begin(const char *path, int *resumed, long long *age_ms, int *lock_fd,
                       struct err *e)
{
	struct keyring kr;
	struct stat st;
	int fd = lock_dir(path, e);
	if (fd < 0)
		return -1;
	if (read_keys(path, &kr, &st, e)) {
		close(fd);
		return -1;
	}
	*resumed = kr.n == 2;
	if (kr.n == 1) {
		memcpy(kr.key[1], kr.key[0], KEY_LEN);
		randombytes_buf(kr.key[0], KEY_LEN);
		int rc = write_keys(path, (const unsigned char(*)[KEY_LEN])kr.key, 2, 0, e);
		sodium_memzero(&kr, sizeof(kr));
		if (rc || stat(path, &st)) {
			close(fd);
			return rc ? -1 : err_internal(e, "'%s' vanished", path);
		}
	}
	sodium_memzero(&kr, sizeof(kr));
	if (crypt_load(path, e)) {
		close(fd);
		return -1;
	}
	*age_ms =
	    time_now_ms() - ((long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000);
	*lock_fd = fd;
	return 0;
}

int crypt_rotate_finish(struct arena *a, const char *path, const char **retired, struct err *e)
{
	struct keyring kr;
	struct stat st;
	if (read_keys(path, &kr, &st, e))
		return -1;
	pthread_rwlock_rdlock(&ring_lock);
	int same = kr.n == 2 && ring.n == 2 && !sodium_memcmp(kr.key, ring.key, sizeof(kr.key));
	pthread_rwlock_unlock(&ring_lock);
	if (!same) {
		sodium_memzero(&kr, sizeof(kr));
		return key_error(e, path,
		                 "changed during the rotation; run 'cunwu keys rotate' again");
	}
	char now[32];
	time_iso(time_now_ms(), now); /* 2025-01-02T03:04:05.678Z */
	char stamp[32];
	size_t j = 0;
	for (size_t i = 0; now[i] && now[i] != '.' && j < sizeof(stamp) - 2; i++)
		if (now[i] != '-' && now[i] != ':')
			stamp[j++] = now[i];
	stamp[j++] = 'Z';
	stamp[j] = '\0';
	*retired = arena_printf(a, "%s.retired-%s", path, stamp);
	int rc = 0;
	struct keyring old;
	struct err ignore;
	if (access(*retired, F_OK) == 0) { /* retired this very second by an interrupted run */
		if (read_keys(*retired, &old, &st, &ignore) ||
		    sodium_memcmp(old.key[0], kr.key[1], KEY_LEN))
			rc = err_invalid(e, "crypt.key", "key_file", "'%s' already exists",
			                 *retired);
		sodium_memzero(&old, sizeof(old));
	} else {
		rc = write_keys(*retired, (const unsigned char(*)[KEY_LEN])kr.key + 1, 1, 1, e);
	}
	if (!rc)
		rc = write_keys(path, (const unsigned char(*)[KEY_LEN])kr.key, 1, 0, e);
	sodium_memzero(&kr, sizeof(kr));
	return rc ? -1 : crypt_load(path, e);
}

int crypt_same_key(const char *path1, const char *path2, struct err *e)
{
	struct keyring k1, k2;
	struct stat st;
	if (read_keys(path1, &k1, &st, e))
		return -1;
	if (read_keys(path2, &k2, &st, e)) {
		sodium_memzero(&k1, sizeof(k1));
		return -1;
	}
	int same = k1.n == k2.n && !sodium_memcmp(k1.key, k2.key, (size_t)k1.n * KEY_LEN);
	sodium_memzero(&k1, sizeof(k1));
	sodium_memzero(&k2, sizeof(k2));
	return same;
}
