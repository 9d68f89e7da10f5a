/* arena.c - unit tests of src/core/arena.c: alignment, large blocks, realloc, strings, defers. */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/banned.h"

#define ALIGNED(p) (((uintptr_t)(p) % alignof(max_align_t)) == 0)

static void test_alloc_alignment(void **state)
{
	struct arena a;
	unsigned char *p[64];
	size_t sizes[64];
	(void)state;
	arena_init(&a, 256); /* small blocks, so the allocations span several */
	for (size_t i = 0; i < 64; i++) {
		sizes[i] = (i * 7) % 61; /* includes 0 */
		p[i] = arena_alloc(&a, sizes[i]);
		assert_non_null(p[i]);
		if (!ALIGNED(p[i]))
			fail_msg("allocation %zu of %zu bytes at %p is not aligned", i, sizes[i],
			         (void *)p[i]);
		memset(p[i], (int)i, sizes[i]);
	}
	/* no allocation overlaps another: each still holds its own pattern */
	for (size_t i = 0; i < 64; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(p[i][j], i);
	/* a zero-byte allocation is still a distinct, usable pointer */
	void *z1 = arena_alloc(&a, 0), *z2 = arena_alloc(&a, 0);
	assert_non_null(z1);
	assert_ptr_not_equal(z1, z2);
	assert_true(a.total > 0);
	arena_release(&a);
	assert_int_equal(a.total, 0);
	assert_null(a.head);
}

static void test_alloc_default_block(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 0);
	assert_int_equal(a.block_size, 8192);
	assert_null(a.head); /* nothing taken before the first allocation */
	assert_int_equal(a.total, 0);
	char *p = arena_alloc(&a, 10), *q = arena_alloc(&a, 10);
	/* consecutive small allocations come from one block, one aligned step apart */
	assert_int_equal(q - p, (ptrdiff_t)((10 + alignof(max_align_t) - 1) / alignof(max_align_t) *
	                                    alignof(max_align_t)));
	arena_release(&a);
}

static void test_large_allocations(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 1024);
	char *small1 = arena_alloc(&a, 16);
	size_t before = a.total;
	size_t big_n = (size_t)4 << 20;
	unsigned char *big = arena_alloc(&a, big_n);
	assert_true(ALIGNED(big));
	assert_true(a.total >= before + big_n);
	memset(big, 0xab, big_n); /* ASan checks the whole range is ours */
	/* the big one-off block does not replace the current block: small ones still fill it */
	char *small2 = arena_alloc(&a, 16);
	assert_ptr_equal(small2, small1 + 16);
	/* several large blocks in a row, each fully usable */
	unsigned char *bigs[8];
	for (int i = 0; i < 8; i++) {
		bigs[i] = arena_alloc(&a, 100000 + (size_t)i);
		memset(bigs[i], i, 100000 + (size_t)i);
	}
	for (int i = 0; i < 8; i++) {
		assert_int_equal(bigs[i][0], i);
		assert_int_equal(bigs[i][100000 + (size_t)i - 1], i);
	}
	assert_int_equal(big[0], 0xab);
	assert_int_equal(big[big_n - 1], 0xab);
	arena_release(&a);
	assert_int_equal(a.total, 0);
}

static void test_zalloc(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 512);
	/* dirty a block, release, then zalloc: fresh memory must still read as zero */
	for (int round = 0; round < 2; round++) {
		unsigned char *d = arena_alloc(&a, 300);
		memset(d, 0xff, 300);
		unsigned char *z = arena_zalloc(&a, 5000);
		for (size_t i = 0; i < 5000; i++)
			assert_int_equal(z[i], 0);
		unsigned char *z2 = arena_zalloc(&a, 100);
		for (size_t i = 0; i < 100; i++)
			assert_int_equal(z2[i], 0);
		arena_release(&a);
	}
}

static void test_realloc_in_place(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 4096);
	char *p = arena_alloc(&a, 32);
	memcpy(p, "0123456789abcdef0123456789abcde", 32);
	/* the last allocation grows where it is */
	char *q = arena_realloc(&a, p, 32, 200);
	assert_ptr_equal(q, p);
	assert_string_equal(q, "0123456789abcdef0123456789abcde");
	memset(q + 32, 'x', 168);
	/* and the next allocation comes after the grown size, not the old one */
	char *next = arena_alloc(&a, 8);
	assert_true(next >= q + 200);
	/* shrinking keeps the pointer and the contents */
	char *s = arena_realloc(&a, next, 8, 4);
	assert_ptr_equal(s, next);
	arena_release(&a);
}

static void test_realloc_copy(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 4096);
	char *p = arena_alloc(&a, 32);
	memcpy(p, "abcdefghijklmnopqrstuvwxyz01234", 32);
	char *other = arena_alloc(&a, 16); /* p is no longer the last allocation */
	memset(other, 'o', 16);
	char *q = arena_realloc(&a, p, 32, 64);
	assert_ptr_not_equal(q, p);
	assert_true(ALIGNED(q));
	assert_string_equal(q, "abcdefghijklmnopqrstuvwxyz01234");
	/* growing past the block copies into a new block */
	char *r = arena_realloc(&a, q, 64, 10000);
	assert_ptr_not_equal(r, q);
	assert_string_equal(r, "abcdefghijklmnopqrstuvwxyz01234");
	memset(r + 64, 'r', 10000 - 64);
	/* the neighbour was not disturbed */
	for (int i = 0; i < 16; i++)
		assert_int_equal(other[i], 'o');
	/* NULL behaves as a fresh allocation */
	char *n = arena_realloc(&a, NULL, 0, 40);
	assert_non_null(n);
	memset(n, 0, 40);
	/* a shrink of a non-last allocation keeps it where it is */
	assert_ptr_equal(arena_realloc(&a, p, 32, 8), p);
	arena_release(&a);
}

static void test_realloc_growth_loop(void **state)
{
	/* the pattern strbuf uses: double a buffer while other allocations interleave */
	struct arena a;
	(void)state;
	arena_init(&a, 1024);
	size_t n = 16;
	unsigned char *buf = arena_alloc(&a, n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)i;
	while (n < 70000) {
		if (n % 64 == 0)
			(void)arena_alloc(&a, 24);
		buf = arena_realloc(&a, buf, n, n * 2);
		for (size_t i = n; i < n * 2; i++)
			buf[i] = (unsigned char)i;
		n *= 2;
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (unsigned char)i)
			fail_msg("byte %zu is %u after growth", i, buf[i]);
	arena_release(&a);
}

static void test_strings(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 64);
	assert_null(arena_strdup(&a, NULL));
	char *s = arena_strdup(&a, "秦家山村");
	assert_string_equal(s, "秦家山村");
	assert_string_equal(arena_strdup(&a, ""), "");
	char *t = arena_strndup(&a, "hello world", 5);
	assert_string_equal(t, "hello");
	/* strndup copies exactly n bytes, even past an embedded NUL */
	char *u = arena_strndup(&a, "a\0b", 3);
	assert_memory_equal(u, "a\0b", 4);
	assert_string_equal(arena_printf(&a, "%s-%d-%05.1f", "x", -42, 3.14159), "x--42-003.1");
	assert_string_equal(arena_printf(&a, "%s", ""), "");
	/* longer than the block and than any fixed buffer */
	char big[20001];
	memset(big, 'z', 20000);
	big[20000] = '\0';
	char *p = arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(p), 20002);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[20001], '>');
	assert_memory_equal(p + 1, big, 20000);
	/* earlier strings are intact after later allocations */
	assert_string_equal(s, "秦家山村");
	assert_string_equal(t, "hello");
	arena_release(&a);
}

struct trace {
	int order[8];
	int n;
};
struct rec {
	struct trace *t;
	int id;
};

static void record(void *arg)
{
	struct rec *r = arg;
	r->t->order[r->t->n++] = r->id;
}

static void test_defer_lifo(void **state)
{
	struct arena a;
	struct trace t = { { 0 }, 0 };
	struct rec r[4] = { { &t, 1 }, { &t, 2 }, { &t, 3 }, { &t, 4 } };
	(void)state;
	arena_init(&a, 128);
	for (int i = 0; i < 3; i++) {
		arena_defer(&a, record, &r[i]);
		(void)arena_alloc(&a, 100); /* defers survive block changes */
	}
	assert_int_equal(t.n, 0); /* nothing runs before release */
	arena_release(&a);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.order[0], 3);
	assert_int_equal(t.order[1], 2);
	assert_int_equal(t.order[2], 1);
	assert_null(a.defers);

	/* the arena is reusable, and a second release runs only the new defer, once */
	arena_defer(&a, record, &r[3]);
	arena_release(&a);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.order[3], 4);
	arena_release(&a);
	assert_int_equal(t.n, 4);
}

struct cleanup {
	const char *text; /* in the arena */
	char copy[16];    /* outside it */
};

static void copy_out(void *arg)
{
	struct cleanup *c = arg;
	snprintf(c->copy, sizeof(c->copy), "%s", c->text);
}

static void test_defer_runs_before_free(void **state)
{
	/* a defer may still read its arena: blocks are freed after every defer has run */
	struct arena a;
	struct cleanup c = { NULL, "" };
	(void)state;
	arena_init(&a, 64);
	c.text = arena_strdup(&a, "still here");
	arena_defer(&a, copy_out, &c);
	(void)arena_alloc(&a, 1000); /* and a later block */
	assert_string_equal(c.copy, "");
	arena_release(&a);
	assert_string_equal(c.copy, "still here");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_alignment),
		cmocka_unit_test(test_alloc_default_block),
		cmocka_unit_test(test_large_allocations),
		cmocka_unit_test(test_zalloc),
		cmocka_unit_test(test_realloc_in_place),
		cmocka_unit_test(test_realloc_copy),
		cmocka_unit_test(test_realloc_growth_loop),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_defer_lifo),
		cmocka_unit_test(test_defer_runs_before_free),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
