/* strbuf.c - capped arena string builder with sticky error; see strbuf.h. */
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

static char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, struct arena *a, size_t cap)
{
	sb->arena = a;
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	sb->cap = cap ? cap : (size_t)64 << 20;
	sb->err = 0;
}

char *strbuf_grow(struct strbuf *sb, size_t n)
{
	if (sb->err)
		return NULL;
	if (n > sb->cap - sb->len) {
		sb->err = 1;
		return NULL;
	}
	if (sb->len + n + 1 > sb->alloc) {
		size_t want = sb->alloc ? sb->alloc : 256;
		while (want < sb->len + n + 1)
			want *= 2;
		if (want > sb->cap + 1)
			want = sb->cap + 1;
		char *old = sb->alloc ? sb->buf : NULL;
		sb->buf = arena_realloc(sb->arena, old, sb->alloc, want);
		if (!old)
			sb->buf[0] = '\0';
		sb->alloc = want;
	}
	return sb->buf + sb->len;
}

void strbuf_add_slow(struct strbuf *sb, const void *data, size_t n)
{
	char *p = strbuf_grow(sb, n);
	if (!p)
		return;
	memcpy(p, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	char tmp[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		strbuf_add(sb, tmp, (size_t)n);
		return;
	}
	char *p = strbuf_grow(sb, (size_t)n);
	if (!p)
		return;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_i64(struct strbuf *sb, int64_t v)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp), *p = end;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(end - p));
}

void strbuf_add_pct(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			strbuf_addch(sb, (char)*p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
	sb->err = 0;
}
