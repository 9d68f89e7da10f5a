/* json.c - JSON writer, jansson parse, field-table decode/encode; see json.h. */
#include "json.h"

#include <string.h>

#include "util.h"
#include "banned.h"

void jw_init(struct jw *w, struct strbuf *sb)
{
	memset(w, 0, sizeof(*w));
	w->sb = sb;
}

static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->need_comma[w->depth])
		strbuf_addch(w->sb, ',');
	w->need_comma[w->depth] = 1;
}

static void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	strbuf_addch(w->sb, c);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	else
		w->sb->err = 1;
	w->need_comma[w->depth] = 0;
}

static void jw_close(struct jw *w, char c)
{
	strbuf_addch(w->sb, c);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj(struct jw *w)
{
	jw_open(w, '{');
}

void jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}

void jw_arr(struct jw *w)
{
	jw_open(w, '[');
}

void jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

/*
 * 0: copy as is; 1: escape as \u00XX; 2: two-character escape; 3: start of a multibyte
 * UTF-8 sequence, validated before it is copied.
 */
static const unsigned char esc_class[256] = {
	['\b'] = 2,     ['\f'] = 2, ['\n'] = 2, ['\r'] = 2, ['\t'] = 2, ['"'] = 2, ['\\'] = 2,
	[0] = 1,        [1] = 1,    [2] = 1,    [3] = 1,    [4] = 1,    [5] = 1,   [6] = 1,
	[7] = 1,        [11] = 1,   [14] = 1,   [15] = 1,   [16] = 1,   [17] = 1,  [18] = 1,
	[19] = 1,       [20] = 1,   [21] = 1,   [22] = 1,   [23] = 1,   [24] = 1,  [25] = 1,
	[26] = 1,       [27] = 1,   [28] = 1,   [29] = 1,   [30] = 1,   [31] = 1,  ['<'] = 1,
	['>'] = 1,      ['&'] = 1,  [127] = 1,
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
	[128] = R16(3), R16(3),     R16(3),     R16(3),     R16(3),     R16(3),    R16(3),
	R16(3)
#undef R16
};

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

long utf8_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;
	size_t i = 0;
	while (i < n) {
		size_t l = utf8_seq(p + i, n - i);
		if (!l)
			return -1;
		i += l;
		count++;
	}
	return count;
}

/*
 * 1 if any of the 8 bytes in x needs a look: below 0x20, '"', '\\', '<', '>', '&', or
 * 0x7f and above (SWAR: eight bytes per step through the plain ASCII that JSON mostly is).
 */
static inline int word_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
#define HAS_ZERO(v)    (((v)-ones) & ~(v)&high)
#define HAS_BYTE(v, b) HAS_ZERO((v) ^ (ones * (b)))
	uint64_t lt20 = (x - ones * 0x20) & ~x & high;
	return (lt20 | (x & high) | HAS_BYTE(x, '"') | HAS_BYTE(x, '\\') | HAS_BYTE(x, '<') |
	        HAS_BYTE(x, '>') | HAS_BYTE(x, '&') | HAS_BYTE(x, 0x7f)) != 0;
#undef HAS_BYTE
#undef HAS_ZERO
}

void json_escape(struct strbuf *sb, const char *s, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	while (p < end) {
		while (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (word_special(x))
				break;
			p += 8;
		}
		if (p >= end)
			break;
		unsigned char cls = esc_class[*p];
		if (!cls) {
			p++;
			continue;
		}
		if (cls == 3) {
			size_t l = utf8_seq(p, (size_t)(end - p));
			if (l) {
				p += l;
				continue;
			}
		}
		strbuf_add(sb, run, (size_t)(p - run));
		if (cls == 2) {
			char e[2] = { '\\', (char)*p };
			switch (*p) {
			case '\b':
				e[1] = 'b';
				break;
			case '\f':
				e[1] = 'f';
				break;
			case '\n':
				e[1] = 'n';
				break;
			case '\r':
				e[1] = 'r';
				break;
			case '\t':
				e[1] = 't';
				break;
			}
			strbuf_add(sb, e, 2);
		} else if (cls == 1) {
			char e[6] = { '\\', 'u', '0', '0', hx[*p >> 4], hx[*p & 15] };
			strbuf_add(sb, e, 6);
		} else {
			strbuf_add(sb, "\xef\xbf\xbd", 3); /* U+FFFD for a bad byte */
		}
		run = ++p;
	}
	strbuf_add(sb, run, (size_t)(p - run));
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	strbuf_addch(w->sb, '"');
	json_escape(w->sb, key, strlen(key));
	strbuf_add(w->sb, "\":", 2);
	w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	if (!s) {
		strbuf_add(w->sb, "null", 4);
		return;
	}
	strbuf_addch(w->sb, '"');
	json_escape(w->sb, s, n);
	strbuf_addch(w->sb, '"');
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_i64(struct jw *w, int64_t v)
{
	jw_sep(w);
	strbuf_add_i64(w->sb, v);
}

void jw_bool(struct jw *w, int v)
{
	jw_sep(w);
	if (v)
		strbuf_add(w->sb, "true", 4);
	else
		strbuf_add(w->sb, "false", 5);
}

void jw_null(struct jw *w)
{
	jw_sep(w);
	strbuf_add(w->sb, "null", 4);
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
	jw_sep(w);
	strbuf_add(w->sb, json, n);
}

void jw_json(struct jw *w, const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_obj(w);
		json_object_foreach((json_t *)v, k, x)
		{
			jw_key(w, k);
			jw_json(w, x);
		}
		jw_obj_end(w);
		break;
	case JSON_ARRAY:
		jw_arr(w);
		json_array_foreach(v, i, x) jw_json(w, x);
		jw_arr_end(w);
		break;
	case JSON_STRING:
		jw_strn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_i64(w, json_integer_value(v));
		break;
	case JSON_REAL: {
		char tmp[40];
		int n = snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
		jw_raw(w, tmp, (size_t)n);
		break;
	}
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	default:
		jw_null(w);
	}
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_ki64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_i64(w, v);
}

void jw_kbool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

static void json_release(void *v)
{
	json_decref(v);
}

json_t *json_parse(struct arena *a, const char *buf, size_t len, struct err *e)
{
	json_error_t je;
	json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		err_set(e, 400, "json.malformed", NULL, "malformed JSON at line %d column %d: %s",
		        je.line, je.column, je.text);
		return NULL;
	}
	arena_defer(a, json_release, v);
	return v;
}

#define FIELD(out, f, T) ((T *)((char *)(out) + (f)->off))

static int decode_one(const json_t *v, const struct jfield *f, void *out, struct err *e)
{
	const char *k = f->key;
	if (json_is_null(v)) {
		if (!(f->flags & JF_NULLABLE))
			return err_invalid(e, "json.null", k, "'%s' must not be null", k);
		return 0; /* caller zeroed the struct */
	}
	switch (f->type) {
	case JF_STR:
	case JF_DATE:
	case JF_ID: {
		if (!json_is_string(v))
			return err_invalid(e, "json.type", k, "'%s' must be a string", k);
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (memchr(s, '\0', n))
			return err_invalid(e, "json.nul", k, "'%s' must not contain NUL", k);
		if (f->type == JF_DATE && date_check(s))
			return err_invalid(e, "json.date", k, "'%s' must be a date YYYY-MM-DD", k);
		if (f->type == JF_ID && !id_valid(s))
			return err_invalid(e, "json.id", k, "'%s' is not a valid id", k);
		if (f->type == JF_STR) {
			long chars = utf8_len(s, n);
			int64_t max = f->max ? f->max : 200;
			if (chars < f->min || chars > max)
				return err_invalid(e, "json.length", k,
				                   "'%s' must be %lld to %lld characters", k,
				                   (long long)f->min, (long long)max);
		}
		*FIELD(out, f, const char *) = s;
		return 0;
	}
	case JF_I64:
	case JF_FEN: {
		if (!json_is_integer(v))
			return err_invalid(e, "json.type", k, "'%s' must be an integer", k);
		int64_t x = json_integer_value(v);
		if ((f->min || f->max) && (x < f->min || x > f->max))
			return err_invalid(e, "json.range", k, "'%s' must be between %lld and %lld",
			                   k, (long long)f->min, (long long)f->max);
		*FIELD(out, f, int64_t) = x;
		return 0;
	}
	case JF_BOOL:
		if (!json_is_boolean(v))
			return err_invalid(e, "json.type", k, "'%s' must be true or false", k);
		*FIELD(out, f, int) = json_is_true(v);
		return 0;
	case JF_INSTANT: {
		int64_t ms;
		if (!json_is_string(v) || time_parse_iso(json_string_value(v), &ms))
			return err_invalid(e, "json.instant", k,
			                   "'%s' must be an ISO-8601 instant with offset", k);
		*FIELD(out, f, int64_t) = ms;
		return 0;
	}
	case JF_STRS: {
		if (!json_is_array(v))
			return err_invalid(e, "json.type", k, "'%s' must be an array of strings",
			                   k);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			long chars = json_is_string(x)
			                 ? utf8_len(json_string_value(x), json_string_length(x))
			                 : -1;
			int64_t max = f->max ? f->max : 200;
			if (chars < 0 || chars < f->min || chars > max)
				return err_invalid(e, "json.type", k,
				                   "'%s' item %zu must be a string of %lld to %lld "
				                   "characters",
				                   k, i, (long long)f->min, (long long)max);
		}
		*FIELD(out, f, const json_t *) = v;
		return 0;
	}
	}
	return err_internal(e, "unknown field type");
}

int json_decode(const json_t *obj, const struct jfield *f, size_t n, void *out, uint64_t *seen,
                int partial, struct err *e)
{
	const char *k;
	json_t *v;
	uint64_t mask = 0;

	if (!json_is_object(obj))
		return err_invalid(e, "json.type", NULL, "body must be a JSON object");
	json_object_foreach((json_t *)obj, k, v)
	{
		size_t i;
		for (i = 0; i < n; i++)
			if (!strcmp(f[i].key, k))
				break;
		if (i == n)
			return err_invalid(e, "json.unknown_field", k, "unknown field '%s'", k);
		if (f[i].flags & JF_READONLY)
			return err_invalid(e, "json.read_only", k, "'%s' cannot be set", k);
		if (decode_one(v, &f[i], out, e))
			return -1;
		mask |= (uint64_t)1 << (i & 63);
	}
	if (!partial)
		for (size_t i = 0; i < n; i++)
			if ((f[i].flags & JF_REQUIRED) && !(mask & ((uint64_t)1 << (i & 63))))
				return err_invalid(e, "json.required", f[i].key, "'%s' is required",
				                   f[i].key);
	if (seen)
		*seen = mask;
	return 0;
}

void json_encode(struct jw *w, const struct jfield *f, size_t n, const void *in)
{
	char ts[32];
	for (size_t i = 0; i < n; i++) {
		if (f[i].flags & JF_SECRET)
			continue;
		jw_key(w, f[i].key);
		switch (f[i].type) {
		case JF_STR:
		case JF_DATE:
		case JF_ID:
			jw_str(w, *FIELD(in, &f[i], const char *const));
			break;
		case JF_I64:
		case JF_FEN:
			jw_i64(w, *FIELD(in, &f[i], const int64_t));
			break;
		case JF_BOOL:
			jw_bool(w, *FIELD(in, &f[i], const int));
			break;
		case JF_INSTANT: {
			int64_t ms = *FIELD(in, &f[i], const int64_t);
			if (ms) {
				time_iso(ms, ts);
				jw_str(w, ts);
			} else {
				jw_null(w);
			}
			break;
		}
		case JF_STRS: {
			const json_t *a = *FIELD(in, &f[i], const json_t *const);
			if (a)
				jw_json(w, a);
			else
				jw_null(w);
			break;
		}
		}
	}
}

struct jw *jdoc_open(struct jdoc *d, struct arena *a)
{
	strbuf_init(&d->sb, a, 4096);
	jw_init(&d->w, &d->sb);
	jw_obj(&d->w);
	return &d->w;
}

const char *jdoc_close(struct jdoc *d)
{
	jw_obj_end(&d->w);
	return d->sb.buf;
}
