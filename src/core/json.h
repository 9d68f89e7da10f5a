/*
 * json.h - JSON out and in.
 *
 * Out: struct jw, a streaming writer on a strbuf. It tracks commas itself, escapes with a
 * table (control characters, quote, backslash and the HTML-significant < > & as \u00XX so
 * responses can be embedded in a page) and replaces invalid UTF-8 with U+FFFD, so whatever
 * it is given it writes valid JSON. Errors are the strbuf's sticky error.
 *
 * In: jansson parses (it rejects invalid UTF-8 and, with our flags, duplicate keys); the
 * parsed value belongs to the arena. A field table (struct jfield) then decodes and
 * validates an object into a C struct in one pass, naming the field at fault, and encodes
 * the struct back out: one schema per entity for decode, validation and JSON.
 */
#ifndef CUNWU_JSON_H
#define CUNWU_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "arena.h"
#include "err.h"
#include "strbuf.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct strbuf *sb;
	int depth;
	unsigned char need_comma[JW_MAX_DEPTH];
	unsigned char after_key;
};

void jw_init(struct jw *w, struct strbuf *sb);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
/* NULL writes null */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* Already-encoded JSON, inserted as one value. */
void jw_raw(struct jw *w, const char *json, size_t n);
/* A jansson value, encoded through the writer. */
void jw_json(struct jw *w, const json_t *v);

/* key + value shorthands */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_ki64(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, int v);

/* Escape s as a JSON string body (no quotes) onto sb. */
void json_escape(struct strbuf *sb, const char *s, size_t n);

/*
 * Parse buf as JSON. The value is released with the arena. On failure sets e to
 * 400 json.malformed naming the line and column; returns NULL.
 */
json_t *json_parse(struct arena *a, const char *buf, size_t len, struct err *e);

enum jf_type {
	JF_STR,     /* char *, UTF-8, length in characters within [min, max] */
	JF_I64,     /* int64_t within [min, max] */
	JF_BOOL,    /* int, 0 or 1 */
	JF_DATE,    /* char *, a civil date YYYY-MM-DD */
	JF_INSTANT, /* int64_t ms, from an ISO-8601 instant with offset */
	JF_ID,      /* char *, a row id */
	JF_FEN,     /* int64_t money in fen (integer), within [min, max] */
	JF_STRS,    /* json_t * array of strings (borrowed), each within [min, max] chars */
};

enum {
	JF_REQUIRED = 1, /* must be present on create */
	JF_NULLABLE = 2, /* null is accepted (the field is left NULL / 0) */
	JF_SECRET = 4,   /* decoded but never encoded (passwords) */
	JF_READONLY = 8, /* encoded but not accepted on input */
};

struct jfield {
	const char *key;
	enum jf_type type;
	size_t off;
	unsigned flags;
	int64_t min, max;
};

#define JF_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Decode obj into out by the field table. Unknown keys and read-only keys are refused
 * (json.unknown_field, json.read_only). *seen gets bit i for field i present (at most 64
 * fields). With partial set (PATCH), required fields may be absent. Strings point into
 * obj, which lives as long as the arena.
 */
int json_decode(const json_t *obj, const struct jfield *f, size_t n, void *out, uint64_t *seen,
                int partial, struct err *e);
/* Encode every non-secret field of in as keys of the current object. */
void json_encode(struct jw *w, const struct jfield *f, size_t n, const void *in);

/*
 * A JSON object built in an arena (audit changes, job results): take the writer from
 * jdoc_open, add keys with jw_k*, and jdoc_close gives the text.
 */
struct jdoc {
	struct strbuf sb;
	struct jw w;
};
struct jw *jdoc_open(struct jdoc *d, struct arena *a);
const char *jdoc_close(struct jdoc *d);

/* Count UTF-8 characters; -1 if s is not valid UTF-8. */
long utf8_len(const char *s, size_t n);

#endif
