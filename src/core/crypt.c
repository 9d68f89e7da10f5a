/* crypt.c - personal-data encryption and lookup hashes; see crypt.h. */
#include "crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "util.h"
#include "banned.h"

static unsigned char key[32], lookup_key[32];
static int loaded;

int crypt_keygen(const char *path, struct err *e)
{
	unsigned char k[32];
	char hex[66];
	randombytes_buf(k, sizeof(k));
	hex_encode(k, sizeof(k), hex);
	sodium_memzero(k, sizeof(k));
	size_t n = strlen(hex);
	hex[n++] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return err_invalid(e, "crypt.key", "key_file", "unable to create '%s': %s", path,
		                   strerror(errno));
	int ok = write(fd, hex, n) == (ssize_t)n && fsync(fd) == 0;
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) || !ok)
		return err_invalid(e, "crypt.key", "key_file", "unable to write '%s'", path);
	return 0;
}

int crypt_load(const char *path, struct err *e)
{
	char buf[80];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return err_invalid(e, "crypt.key", "key_file",
		                   "unable to open key file '%s': %s (it is made by 'cunwu init')",
		                   path, strerror(errno));
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r < 64)
		return err_invalid(e, "crypt.key", "key_file", "'%s' is not a cunwu key", path);
	buf[64] = '\0';
	int bad = hex_decode(buf, key, sizeof(key));
	sodium_memzero(buf, sizeof(buf));
	if (bad)
		return err_invalid(e, "crypt.key", "key_file", "'%s' is not a cunwu key", path);
	/* a separate subkey for lookups, so hashes reveal nothing about ciphertexts */
	crypto_generichash(lookup_key, sizeof(lookup_key), (const unsigned char *)"cunwu-lookup",
	                   12, key, sizeof(key));
	loaded = 1;
	return 0;
}

int crypt_loaded(void)
{
	return loaded;
}

const char *crypt_seal(struct arena *a, const char *plain, struct err *e)
{
	if (!loaded) {
		err_internal(e, "no key loaded");
		return NULL;
	}
	size_t n = strlen(plain);
	size_t clen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n +
	              crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *c = arena_alloc(a, clen);
	randombytes_buf(c, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long out;
	crypto_aead_xchacha20poly1305_ietf_encrypt(c + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	                                           &out, (const unsigned char *)plain, n,
	                                           (const unsigned char *)"x1", 2, NULL, c, key);
	size_t b64 = sodium_base64_ENCODED_LEN(clen, sodium_base64_VARIANT_ORIGINAL);
	char *s = arena_alloc(a, 3 + b64);
	memcpy(s, "x1:", 3);
	sodium_bin2base64(s + 3, b64, c, clen, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

const char *crypt_open(struct arena *a, const char *sealed, struct err *e)
{
	if (!loaded) {
		err_internal(e, "no key loaded");
		return NULL;
	}
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
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        (unsigned char *)m, &out, NULL, c + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	        clen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)"x1", 2,
	        c, key)) {
		err_internal(e, "ciphertext does not verify");
		return NULL;
	}
	m[mlen] = '\0';
	return m;
}

const char *crypt_lookup(struct arena *a, const char *plain)
{
	unsigned char h[32];
	if (!loaded)
		return NULL; /* never hash with a zero key */
	crypto_generichash(h, sizeof(h), (const unsigned char *)plain, strlen(plain), lookup_key,
	                   sizeof(lookup_key));
	char *s = arena_alloc(a, 3 + 65);
	memcpy(s, "k1:", 3);
	hex_encode(h, sizeof(h), s + 3);
	return s;
}
