/* crypt.c - unit tests of src/core/crypt.c: key files, sealing personal data, lookup hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit.h"
#include <sodium.h>

#include "core/crypt.h"
#include "core/banned.h"

static char dir[64] = "/tmp/cunwu-crypt-XXXXXX";
static char key1[128], key2[128];
static struct arena a;

static const char *const person = "张三 110101199003077777 13800138000";

#define NONCE_B64 32 /* a nonce's 24 bytes in base64, first after "x1:" */

static void test_not_loaded(void **state)
{
	/* before any key is loaded nothing is sealed with a zero key */
	struct err e;
	(void)state;
	assert_int_equal(crypt_loaded(), 0);
	err_clear(&e);
	assert_null(crypt_seal(&a, "x", &e));
	assert_int_equal(e.status, 500);
	assert_null(crypt_open(&a, "x1:AAAA", &e));
	assert_null(crypt_lookup(&a, "110101199003077777")); /* nor hashed with one */
}

static void test_keygen(void **state)
{
	struct err e;
	struct stat st;
	char buf[128];
	(void)state;
	assert_int_equal(crypt_keygen(key1, &e), 0);
	assert_int_equal(stat(key1, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65); /* 64 hex digits and a newline */
	FILE *f = fopen(key1, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(strspn(buf, "0123456789abcdef"), 64);
	/* refuses to overwrite: a lost key is lost data */
	err_clear(&e);
	assert_int_equal(crypt_keygen(key1, &e), -1);
	assert_string_equal(e.code, "crypt.key");
	assert_int_equal(stat(key1, &st), 0);
	/* two keys differ */
	assert_int_equal(crypt_keygen(key2, &e), 0);
	char buf2[128];
	f = fopen(key2, "r");
	assert_non_null(fgets(buf2, sizeof(buf2), f));
	fclose(f);
	assert_string_not_equal(buf, buf2);
}

static void test_load_errors(void **state)
{
	struct err e;
	char path[160];
	(void)state;
	snprintf(path, sizeof(path), "%s/missing.key", dir);
	assert_int_equal(crypt_load(path, &e), -1);
	assert_string_equal(e.code, "crypt.key");
	snprintf(path, sizeof(path), "%s/short.key", dir);
	FILE *f = fopen(path, "w");
	fputs("abcdef\n", f);
	fclose(f);
	assert_int_equal(crypt_load(path, &e), -1);
	assert_string_equal(e.code, "crypt.key");
	snprintf(path, sizeof(path), "%s/nothex.key", dir);
	f = fopen(path, "w");
	fputs("zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", f);
	fclose(f);
	assert_int_equal(crypt_load(path, &e), -1);
	assert_string_equal(e.code, "crypt.key");
}

static void test_seal_open(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(crypt_load(key1, &e), 0);
	assert_int_equal(crypt_loaded(), 1);
	const char *s = crypt_seal(&a, person, &e);
	assert_non_null(s);
	assert_memory_equal(s, "x1:", 3);
	assert_null(strstr(s, "110101199003077777"));
	assert_null(strstr(s, "张三"));
	const char *p = crypt_open(&a, s, &e);
	assert_non_null(p);
	assert_string_equal(p, person);
	/* a fresh nonce each time: equal values do not give equal ciphertexts */
	const char *s2 = crypt_seal(&a, person, &e);
	assert_string_not_equal(s, s2);
	assert_string_equal(crypt_open(&a, s2, &e), person);
	/* the empty string, and a long one */
	assert_string_equal(crypt_open(&a, crypt_seal(&a, "", &e), &e), "");
	char *big = arena_alloc(&a, 100001);
	for (int i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	big[100000] = '\0';
	assert_string_equal(crypt_open(&a, crypt_seal(&a, big, &e), &e), big);
}

static int cmp_nonce(const void *x, const void *y)
{
	return memcmp(*(char *const *)x, *(char *const *)y, NONCE_B64);
}

/* a child forked now seals: its nonce must not be the one its parent seals with next */
static void fork_nonce(void)
{
	struct err e;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *c = crypt_seal(&a, person, &e);
		_exit(c && write(fd[1], c + 3, NONCE_B64) == NONCE_B64 ? 0 : 1);
	}
	close(fd[1]);
	const char *mine = crypt_seal(&a, person, &e);
	char child[NONCE_B64];
	assert_int_equal(read(fd[0], child, NONCE_B64), NONCE_B64);
	close(fd[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!memcmp(mine + 3, child, NONCE_B64))
		fail_msg("the child of fork() sealed with its parent's next nonce");
}

/* the nonces come from a pool each thread draws at once: every one handed out once, the
 * pool refilled past its end (64 a pool), and a forked child never given its parent's */
static void test_nonces(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(crypt_load(key1, &e), 0);
	enum {
		N = 1000
	};
	const char **s = arena_alloc(&a, N * sizeof(*s));
	for (int i = 0; i < N; i++) {
		s[i] = crypt_seal(&a, person, &e);
		assert_non_null(s[i]);
		assert_string_equal(crypt_open(&a, s[i], &e), person);
		s[i] += 3; /* after "x1:", the nonce's 32 base64 characters */
	}
	qsort(s, N, sizeof(*s), cmp_nonce);
	for (int i = 1; i < N; i++)
		if (!memcmp(s[i - 1], s[i], NONCE_B64))
			fail_msg("a nonce handed out twice: %.32s", s[i]);

	/* twice, a seal between: a pool empty at a fork would prove nothing (both draw from
	 * the kernel), and at most one of the two forks can find it so */
	fork_nonce();
	assert_non_null(crypt_seal(&a, person, &e));
	fork_nonce();
}

static void test_tampered(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(crypt_load(key1, &e), 0);
	const char *s = crypt_seal(&a, person, &e);
	size_t n = strlen(s);
	/* flip one base64 character at several places: nonce, ciphertext, tag */
	size_t at[] = { 4, 3 + 32, n / 2, n - 6 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char *t = arena_strdup(&a, s);
		t[at[i]] = t[at[i]] == 'A' ? 'B' : 'A';
		err_clear(&e);
		if (crypt_open(&a, t, &e))
			fail_msg("tampered at %zu and still opened", at[i]);
		assert_int_equal(e.status, 500);
	}
	/* cut short, not base64, unknown algorithm, nothing at all */
	char *cut = arena_strndup(&a, s, 3 + 20);
	assert_null(crypt_open(&a, cut, &e));
	assert_null(crypt_open(&a, "x1:!!!!", &e));
	assert_null(crypt_open(&a, "x1:", &e));
	char *other = arena_strdup(&a, s);
	other[1] = '2';
	assert_null(crypt_open(&a, other, &e));
	assert_null(crypt_open(&a, s + 3, &e)); /* the algorithm id is required */
	/* another key cannot open it */
	assert_int_equal(crypt_load(key2, &e), 0);
	assert_null(crypt_open(&a, s, &e));
	assert_int_equal(crypt_load(key1, &e), 0);
	assert_string_equal(crypt_open(&a, s, &e), person);
}

static void test_lookup(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(crypt_load(key1, &e), 0);
	const char *h1 = crypt_lookup(&a, "110101199003077777");
	const char *h2 = crypt_lookup(&a, "110101199003077777");
	const char *h3 = crypt_lookup(&a, "110101199003077778");
	assert_memory_equal(h1, "k1:", 3);
	assert_int_equal(strlen(h1), 3 + 64);
	assert_int_equal(strspn(h1 + 3, "0123456789abcdef"), 64);
	assert_string_equal(h1, h2); /* deterministic, so it can be searched */
	assert_string_not_equal(h1, h3);
	assert_null(strstr(h1, "110101"));
	/* not a plain hash of the value: it depends on the key */
	unsigned char plain[32];
	char plain_hex[65];
	crypto_generichash(plain, sizeof(plain), (const unsigned char *)"110101199003077777", 18,
	                   NULL, 0);
	for (int i = 0; i < 32; i++)
		snprintf(plain_hex + 2 * i, 3, "%02x", plain[i]);
	assert_string_not_equal(h1 + 3, plain_hex);
	assert_int_equal(crypt_load(key2, &e), 0);
	assert_string_not_equal(crypt_lookup(&a, "110101199003077777"), h1);
	assert_int_equal(crypt_load(key1, &e), 0);
	assert_string_equal(crypt_lookup(&a, "110101199003077777"), h1);
	/* the empty string hashes too, differently */
	assert_string_not_equal(crypt_lookup(&a, ""), h1);
}

/* the first line of a key file, without its newline */
static void first_line(const char *path, char out[65])
{
	char buf[128];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	memcpy(out, buf, 64);
	out[64] = '\0';
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_all(const char *path)
{
	static char buf[512];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* a bad key file is refused with crypt.key, naming the file and what is wrong */
static void refused(const char *text, const char *what)
{
	struct err e;
	char path[160];
	snprintf(path, sizeof(path), "%s/bad.key", dir);
	write_text(path, text);
	err_clear(&e);
	if (crypt_load(path, &e) == 0)
		fail_msg("'%s' loaded", text);
	assert_string_equal(e.code, "crypt.key");
	assert_int_equal(e.status, 400);
	if (!strstr(e.msg, path) || !strstr(e.msg, what))
		fail_msg("message '%s' does not name '%s' and '%s'", e.msg, path, what);
}

static void test_bad_files(void **state)
{
	char a1[65], b1[65], text[512];
	(void)state;
	first_line(key1, a1);
	first_line(key2, b1);
	snprintf(text, sizeof(text), "%s\n%s\n%s\n", b1, a1, b1);
	refused(text, "more than two lines");
	snprintf(text, sizeof(text), "%s\n%s\n\n", b1, a1);
	refused(text, "more than two lines");
	snprintf(text, sizeof(text), "%s\n%.62s\n", b1, a1);
	refused(text, "line 2 is not a key");
	snprintf(text, sizeof(text), "%s\n%.63sg\n", b1, a1);
	refused(text, "line 2 is not a key");
	snprintf(text, sizeof(text), "%s\n\n", b1);
	refused(text, "line 2 is not a key");
	snprintf(text, sizeof(text), "%s\n%s\n", a1, a1);
	refused(text, "the same key twice");
	refused("", "holds no key");
	refused("abcdef\n", "line 1 is not a key");
	/* one key without a final newline, and CRLF lines, are keys */
	struct err e;
	char path[160];
	snprintf(path, sizeof(path), "%s/ok.key", dir);
	write_text(path, a1);
	assert_int_equal(crypt_load(path, &e), 0);
	assert_int_equal(crypt_loaded(), 1);
	snprintf(text, sizeof(text), "%s\r\n%s\r\n", b1, a1);
	write_text(path, text);
	assert_int_equal(crypt_load(path, &e), 0);
	assert_int_equal(crypt_loaded(), 2);
}

/* during a rotation: "B\nA" opens what A sealed, seals under B, finds under both */
static void test_two_keys(void **state)
{
	struct err e;
	char a1[65], b1[65], text[160], path[160];
	const char *h[2];
	(void)state;
	first_line(key1, a1);
	first_line(key2, b1);
	assert_int_equal(crypt_load(key1, &e), 0);
	const char *under_a = crypt_seal(&a, person, &e);
	const char *hash_a = crypt_lookup(&a, "110101199003077777");
	assert_int_equal(crypt_lookups(&a, "110101199003077777", h), 1);
	assert_string_equal(h[0], hash_a);
	assert_null(h[1]);
	assert_int_equal(crypt_load(key2, &e), 0);
	const char *hash_b = crypt_lookup(&a, "110101199003077777");

	snprintf(path, sizeof(path), "%s/both.key", dir);
	snprintf(text, sizeof(text), "%s\n%s\n", b1, a1);
	write_text(path, text);
	assert_int_equal(crypt_load(path, &e), 0);
	assert_int_equal(crypt_loaded(), 2);
	int slot = -1;
	assert_string_equal(crypt_open_slot(&a, under_a, &slot, &e), person);
	assert_int_equal(slot, 1);
	assert_string_equal(crypt_open(&a, under_a, &e), person);
	const char *under_b = crypt_seal(&a, person, &e); /* new data: the current key */
	assert_string_equal(crypt_open_slot(&a, under_b, &slot, &e), person);
	assert_int_equal(slot, 0);
	assert_int_equal(crypt_lookups(&a, "110101199003077777", h), 2);
	assert_string_equal(h[0], hash_b);
	assert_string_equal(h[1], hash_a);
	assert_string_equal(crypt_lookup(&a, "110101199003077777"), hash_b);

	/* the rotation done: B alone no longer opens what A sealed */
	snprintf(text, sizeof(text), "%s\n", b1);
	write_text(path, text);
	assert_int_equal(crypt_load(path, &e), 0);
	assert_int_equal(crypt_loaded(), 1);
	err_clear(&e);
	assert_null(crypt_open(&a, under_a, &e));
	assert_int_equal(e.status, 500);
	assert_string_equal(crypt_open(&a, under_b, &e), person);
}

/* crypt_rotate_begin and _finish: "new\nold", resumed, retired, "new" */
static void test_rotate_file(void **state)
{
	struct err e;
	char a1[65], path[160], text[160];
	struct stat st;
	(void)state;
	first_line(key1, a1);
	snprintf(path, sizeof(path), "%s/rot.key", dir);
	snprintf(text, sizeof(text), "%s\n", a1);
	write_text(path, text);
	chmod(path, 0600);
	assert_int_equal(crypt_load(path, &e), 0);
	const char *under_a = crypt_seal(&a, person, &e);

	int resumed = -1, fd = -1;
	long long age = -1;
	assert_int_equal(crypt_rotate_begin(path, &resumed, &age, &fd, &e), 0);
	assert_int_equal(resumed, 0);
	assert_true(age >= 0 && age < 2000);
	assert_true(fd >= 0);
	const char *two = arena_strdup(&a, read_all(path));
	assert_int_equal(strlen(two), 2 * 65);
	assert_memory_equal(two + 65, text, 65); /* the old key second */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypt_loaded(), 2);
	/* a second rotation at once is refused */
	int resumed2, fd2 = -1;
	err_clear(&e);
	assert_int_equal(crypt_rotate_begin(path, &resumed2, &age, &fd2, &e), -1);
	assert_string_equal(e.code, "keys.busy");
	close(fd);
	/* interrupted, taken up again: no third key */
	assert_int_equal(crypt_rotate_begin(path, &resumed, &age, &fd, &e), 0);
	assert_int_equal(resumed, 1);
	assert_string_equal(read_all(path), two);
	const char *under_b = crypt_seal(&a, person, &e);

	const char *retired = NULL;
	assert_int_equal(crypt_rotate_finish(&a, path, &retired, &e), 0);
	close(fd);
	assert_non_null(strstr(retired, ".retired-"));
	assert_int_equal(stat(retired, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(read_all(retired), text); /* the old key, for old backups */
	assert_int_equal(strlen(read_all(path)), 65);
	assert_memory_equal(read_all(path), two, 65); /* the new key alone */
	assert_int_equal(crypt_loaded(), 1);
	assert_null(crypt_open(&a, under_a, &e));
	assert_string_equal(crypt_open(&a, under_b, &e), person);
	/* the retired file is a key file: an old backup opens with it */
	assert_int_equal(crypt_load(retired, &e), 0);
	assert_string_equal(crypt_open(&a, under_a, &e), person);
	assert_int_equal(crypt_same_key(retired, key1, &e), 1);
	assert_int_equal(crypt_same_key(path, key1, &e), 0);
}

/* a server takes up a rewritten key file by itself */
static void test_reload(void **state)
{
	struct err e;
	char a1[65], b1[65], path[160], text[160], tmp[170];
	(void)state;
	first_line(key1, a1);
	first_line(key2, b1);
	snprintf(path, sizeof(path), "%s/served.key", dir);
	snprintf(text, sizeof(text), "%s\n", a1);
	write_text(path, text);
	assert_int_equal(crypt_load(path, &e), 0);
	const char *under_a = crypt_seal(&a, person, &e);
	/* renamed over, as keys rotate does */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	snprintf(text, sizeof(text), "%s\n%s\n", b1, a1);
	write_text(tmp, text);
	assert_int_equal(rename(tmp, path), 0);
	int rc = 0;
	for (int i = 0; i < 30 && rc == 0; i++) { /* looks at most once a second */
		rc = crypt_reload();
		if (!rc)
			usleep(100 * 1000);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(crypt_loaded(), 2);
	int slot;
	assert_string_equal(crypt_open_slot(&a, crypt_seal(&a, person, &e), &slot, &e), person);
	assert_int_equal(slot, 0);
	assert_string_equal(crypt_open_slot(&a, under_a, &slot, &e), person);
	assert_int_equal(slot, 1);
	/* a broken file is not taken up: the keys loaded stay */
	write_text(tmp, "not a key\n");
	assert_int_equal(rename(tmp, path), 0);
	rc = 0;
	for (int i = 0; i < 30 && rc == 0; i++) {
		rc = crypt_reload();
		if (!rc)
			usleep(100 * 1000);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(crypt_loaded(), 2);
	assert_string_equal(crypt_open(&a, under_a, &e), person);
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	snprintf(key1, sizeof(key1), "%s/one.key", dir);
	snprintf(key2, sizeof(key2), "%s/two.key", dir);
	arena_init(&a, 0);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	arena_release(&a);
	unit_rmtree(dir);
	return 0;
}

int main(void)
{
	/* in order: the first test needs no key loaded, the later ones the keys made */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_loaded),  cmocka_unit_test(test_keygen),
		cmocka_unit_test(test_load_errors), cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_nonces),      cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_lookup),      cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_two_keys),    cmocka_unit_test(test_rotate_file),
		cmocka_unit_test(test_reload),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
