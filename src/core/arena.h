/*
 * arena.h - one memory owner per unit of work (an HTTP request, a CLI command, a job).
 *
 * Allocations come from large blocks and are released all at once by arena_release().
 * Nothing allocated from an arena is ever freed alone. Resources that are not memory
 * (jansson values, temporary files) are tied to the arena with arena_defer() and
 * released, in reverse order, when the arena is.
 *
 * Allocation failure aborts the process: an arena that cannot grow is out of memory,
 * and no caller could do better.
 */
#ifndef CUNWU_ARENA_H
#define CUNWU_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;
struct arena_defer;

struct arena {
	struct arena_block *head;
	struct arena_defer *defers;
	size_t block_size;
	size_t total; /* bytes obtained from malloc, for accounting */
};

/* Ready an arena; blocks of block_size bytes (0 means 8 KiB). No memory is taken yet. */
void arena_init(struct arena *a, size_t block_size);
/* Run deferred callbacks (last first) and free every block. The arena can be reused. */
void arena_release(struct arena *a);

/* Aligned to max_align_t. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Zeroed. */
void *arena_zalloc(struct arena *a, size_t n);
/* Grow the last allocation or copy to a new one; old contents are kept. */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Call fn(arg) when the arena is released. */
void arena_defer(struct arena *a, void (*fn)(void *), void *arg);

#endif
