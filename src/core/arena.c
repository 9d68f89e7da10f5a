/* arena.c - block allocator with deferred cleanups; see arena.h. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

struct arena_defer {
	struct arena_defer *next;
	void (*fn)(void *);
	void *arg;
};

#define ALIGN(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->defers = NULL;
	a->block_size = block_size ? block_size : 8192;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	while (a->defers) {
		struct arena_defer *d = a->defers;
		a->defers = d->next;
		d->fn(d->arg);
	}
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
	a->total = 0;
}

static void *oom(size_t n)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t need = ALIGN(n ? n : 1);

	if (b && b->size - b->used >= need) {
		void *p = b->data + b->used;
		b->used += need;
		return p;
	}
	size_t size = need > a->block_size / 4 ? need : a->block_size;
	if (size > SIZE_MAX - sizeof(*b))
		return oom(n);
	b = malloc(sizeof(*b) + size);
	if (!b)
		return oom(n);
	a->total += sizeof(*b) + size;
	b->size = size;
	b->used = need;
	if (size == need && a->head) {
		/* a large one-off allocation: keep the current block as the one to fill */
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = a->head;
		a->head = b;
	}
	return b->data;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
	struct arena_block *b = a->head;
	if (p && b && (unsigned char *)p + ALIGN(old_n) == b->data + b->used &&
	    (unsigned char *)p >= b->data) {
		size_t start = (size_t)((unsigned char *)p - b->data);
		if (b->size - start >= ALIGN(new_n)) {
			b->used = start + ALIGN(new_n ? new_n : 1);
			return p;
		}
	}
	if (new_n <= old_n && p)
		return p;
	void *q = arena_alloc(a, new_n);
	if (p && old_n)
		memcpy(q, p, old_n < new_n ? old_n : new_n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_defer *d = arena_alloc(a, sizeof(*d));
	d->fn = fn;
	d->arg = arg;
	d->next = a->defers;
	a->defers = d;
}
