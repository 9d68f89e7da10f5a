/*
 * strbuf.h - a growable string in an arena, after git's strbuf and curl's dynbuf.
 *
 * Guarantees: buf is never NULL and always NUL-terminated; the length never exceeds the
 * cap given at init; the first failure (over the cap) is sticky: every later append is
 * ignored, and the caller checks sb->err once at the end instead of after each call.
 */
#ifndef CUNWU_STRBUF_H
#define CUNWU_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

struct strbuf {
	struct arena *arena;
	char *buf;
	size_t len, alloc, cap;
	int err; /* sticky: 1 once an append would have passed the cap */
};

/* cap 0 means 64 MiB. */
void strbuf_init(struct strbuf *sb, struct arena *a, size_t cap);
void strbuf_add_slow(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);

/* Inline when the bytes fit (alloc never exceeds cap + 1, so the cap holds). */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (!sb->err && sb->len + n < sb->alloc) {
		memcpy(sb->buf + sb->len, data, n);
		sb->len += n;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add_slow(sb, data, n);
}

static inline void strbuf_addch(struct strbuf *sb, char c)
{
	if (!sb->err && sb->len + 1 < sb->alloc) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return;
	}
	strbuf_add_slow(sb, &c, 1);
}
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_add_i64(struct strbuf *sb, int64_t v);
/* s percent-encoded: RFC 3986's unreserved characters kept, every other byte %XX (an
 * otpauth URI's label, a Content-Disposition filename*) */
void strbuf_add_pct(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
/* Make room for n more bytes; returns where to write them, or NULL (and sets err). */
char *strbuf_grow(struct strbuf *sb, size_t n);

#endif
