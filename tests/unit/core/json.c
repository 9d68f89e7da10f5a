/* json.c - unit tests of src/core/json.c: the writer, parsing, and field-table decode/encode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../unit.h"
#include <sodium.h>

#include "core/json.h"
#include "core/util.h"
#include "core/banned.h"

struct fx {
	struct arena a;
	struct strbuf sb;
	struct jw w;
	struct err e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	arena_init(&f->a, 0);
	strbuf_init(&f->sb, &f->a, 0);
	jw_init(&f->w, &f->sb);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_release(&f->a);
	free(f);
	return 0;
}

/* what the writer wrote must always parse */
static void assert_valid_json(struct fx *f)
{
	json_error_t je;
	assert_int_equal(f->sb.err, 0);
	json_t *v = json_loadb(f->sb.buf, f->sb.len,
	                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (!v)
		fail_msg("writer output '%s' does not parse: %s", f->sb.buf, je.text);
	json_decref(v);
}

/* ---- writer ---- */

static void test_writer_commas_nesting(void **state)
{
	struct fx *f = *state;
	struct jw *w = &f->w;
	jw_obj(w);
	jw_kstr(w, "a", "x");
	jw_key(w, "b");
	jw_arr(w);
	jw_i64(w, 1);
	jw_i64(w, 2);
	jw_obj(w);
	jw_obj_end(w);
	jw_arr(w);
	jw_arr_end(w);
	jw_obj(w);
	jw_ki64(w, "deep", -3);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_kbool(w, "c", 1);
	jw_kbool(w, "f", 0);
	jw_key(w, "d");
	jw_null(w);
	jw_ki64(w, "e", INT64_MIN);
	jw_key(w, "r");
	jw_raw(w, "[1,{\"z\":2}]", 11);
	jw_kstr(w, "n", NULL);
	jw_obj_end(w);
	assert_string_equal(f->sb.buf, "{\"a\":\"x\",\"b\":[1,2,{},[],{\"deep\":-3}],\"c\":true,"
	                               "\"f\":false,\"d\":null,\"e\":-9223372036854775808,"
	                               "\"r\":[1,{\"z\":2}],\"n\":null}");
	assert_int_equal(w->depth, 0);
	assert_valid_json(f);
}

static void test_writer_top_level_array(void **state)
{
	struct fx *f = *state;
	struct jw *w = &f->w;
	jw_arr(w);
	for (int i = 0; i < 3; i++) {
		jw_obj(w);
		jw_ki64(w, "i", i);
		jw_obj_end(w);
	}
	jw_str(w, "");
	jw_arr_end(w);
	assert_string_equal(f->sb.buf, "[{\"i\":0},{\"i\":1},{\"i\":2},\"\"]");
	assert_valid_json(f);
}

static void test_writer_depth_limit(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < JW_MAX_DEPTH - 1; i++)
		jw_arr(&f->w);
	assert_int_equal(f->sb.err, 0);
	jw_arr(&f->w); /* one more than the writer can track */
	assert_int_equal(f->sb.err, 1);
}

static void test_escape_specials(void **state)
{
	struct fx *f = *state;
	jw_str(&f->w, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f<script>&amp;");
	assert_string_equal(f->sb.buf, "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f"
	                               "\\u003cscript\\u003e\\u0026amp;\"");
	assert_valid_json(f);
}

static void test_escape_nul_and_keys(void **state)
{
	struct fx *f = *state;
	jw_obj(&f->w);
	jw_key(&f->w, "k\"<");
	jw_strn(&f->w, "a\0b", 3);
	jw_obj_end(&f->w);
	assert_string_equal(f->sb.buf, "{\"k\\\"\\u003c\":\"a\\u0000b\"}");
	assert_valid_json(f);
}

static void test_escape_invalid_utf8(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a\xff"
		  "b",
		  "\"a\xef\xbf\xbd"
		  "b\"" },
		/* a truncated sequence: each stray byte becomes one U+FFFD */
		{ "\xe4\xb8", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* overlong encoding of '/' */
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* UTF-16 surrogate encoded in UTF-8 */
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* beyond U+10FFFF */
		{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* a lone continuation byte between valid characters */
		{ "村\x80镇", "\"村\xef\xbf\xbd镇\"" },
		/* valid multibyte: CJK, 2-byte, 4-byte */
		{ "秦家山村 é 😀", "\"秦家山村 é 😀\"" },
		/* the replacement character itself passes as it is */
		{ "\xef\xbf\xbd", "\"\xef\xbf\xbd\"" },
	};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&f->sb);
		jw_init(&f->w, &f->sb);
		jw_str(&f->w, cases[i].in);
		assert_string_equal(f->sb.buf, cases[i].out);
		assert_valid_json(f);
	}
}

static void test_jw_json_reencode(void **state)
{
	struct fx *f = *state;
	const char *src = "{\"name\":\"秦家山村\",\"n\":[1,-2,true,false,null,\"<x>\"],"
	                  "\"o\":{\"r\":1.5}}";
	json_t *v = json_parse(&f->a, src, strlen(src), &f->e);
	assert_non_null(v);
	jw_json(&f->w, v);
	assert_string_equal(f->sb.buf, "{\"name\":\"秦家山村\",\"n\":[1,-2,true,false,null,"
	                               "\"\\u003cx\\u003e\"],\"o\":{\"r\":1.5}}");
	assert_valid_json(f);
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(utf8_len("", 0), 0);
	assert_int_equal(utf8_len("abc", 3), 3);
	assert_int_equal(utf8_len("秦家山村", strlen("秦家山村")), 4);
	assert_int_equal(utf8_len("a😀", 5), 2);
	assert_int_equal(utf8_len("\xff", 1), -1);
	assert_int_equal(utf8_len("秦", 2), -1); /* cut in the middle of a character */
	assert_int_equal(utf8_len("\xc0\x80", 2), -1);
}

/* ---- parse ---- */

static void test_parse_ok(void **state)
{
	struct fx *f = *state;
	json_t *v = json_parse(&f->a, "{\"a\":[1,2]}", 11, &f->e);
	assert_non_null(v);
	assert_true(json_is_object(v));
	assert_int_equal(json_array_size(json_object_get(v, "a")), 2);
	/* only len bytes are read: the rest of the buffer is not part of the document */
	v = json_parse(&f->a, "[1] trailing", 3, &f->e);
	assert_non_null(v);
	assert_true(json_is_array(v));
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\":}",
		"{\"a\":1,}",
		"[1 2]",
		"{a:1}",
		"'x'",
		"[1] [2]",
		"nul",
		"{\"a\":1",
		"\"\xff\"",      /* invalid UTF-8 */
		"[\"\\ud800\"]", /* lone surrogate escape */
	};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&f->e);
		if (json_parse(&f->a, bad[i], strlen(bad[i]), &f->e))
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(f->e.status, 400);
		assert_string_equal(f->e.code, "json.malformed");
		assert_contains(f->e.msg, "line ");
	}
	/* the position is named */
	err_clear(&f->e);
	assert_null(json_parse(&f->a, "{\n\"a\": 1,\n\"b\": ]\n}", 19, &f->e));
	assert_contains(f->e.msg, "line 3");
}

static void test_parse_duplicate_keys(void **state)
{
	struct fx *f = *state;
	const char *dup = "{\"role\":\"user\",\"role\":\"sysadmin\"}";
	assert_null(json_parse(&f->a, dup, strlen(dup), &f->e));
	assert_string_equal(f->e.code, "json.malformed");
	assert_int_equal(f->e.status, 400);
	const char *nested = "{\"o\":{\"k\":1,\"k\":2}}";
	err_clear(&f->e);
	assert_null(json_parse(&f->a, nested, strlen(nested), &f->e));
	assert_string_equal(f->e.code, "json.malformed");
}

/* ---- decode / encode ---- */

struct rec {
	const char *name;
	int64_t age;
	int active;
	const char *born;
	int64_t at;
	const char *place_id;
	const char *password;
	const char *created;
	const json_t *tags;
	int64_t fee;
	const char *note;
};

#define OFF(m) offsetof(struct rec, m)
static const struct jfield rec_fields[] = {
	{ "name", JF_STR, OFF(name), JF_REQUIRED, 1, 5 },
	{ "age", JF_I64, OFF(age), 0, 0, 150 },
	{ "active", JF_BOOL, OFF(active), 0, 0, 0 },
	{ "born", JF_DATE, OFF(born), JF_NULLABLE, 0, 0 },
	{ "at", JF_INSTANT, OFF(at), 0, 0, 0 },
	{ "place_id", JF_ID, OFF(place_id), JF_REQUIRED, 0, 0 },
	{ "password", JF_STR, OFF(password), JF_SECRET, 0, 64 },
	{ "created", JF_STR, OFF(created), JF_READONLY, 0, 0 },
	{ "tags", JF_STRS, OFF(tags), JF_NULLABLE, 1, 3 },
	{ "fee", JF_FEN, OFF(fee), 0, 0, 1000000 },
	{ "note", JF_STR, OFF(note), 0, 0, 0 }, /* max 0 means 200 */
};
#define NF JF_COUNT(rec_fields)

/* Decode text into r; returns json_decode's result with f->e set. */
static int decode(struct fx *f, const char *text, struct rec *r, uint64_t *seen, int partial)
{
	memset(r, 0, sizeof(*r));
	err_clear(&f->e);
	json_t *v = json_parse(&f->a, text, strlen(text), &f->e);
	if (!v)
		fail_msg("'%s' does not parse: %s", text, f->e.msg);
	return json_decode(v, rec_fields, NF, r, seen, partial, &f->e);
}

static void expect_err(struct fx *f, const char *text, const char *code, const char *field)
{
	struct rec r;
	uint64_t seen = 0;
	if (decode(f, text, &r, &seen, 0) != -1)
		fail_msg("'%s' decoded", text);
	assert_int_equal(f->e.status, 400);
	assert_string_equal(f->e.code, code);
	assert_string_equal(f->e.field, field);
	if (*field)
		assert_contains(f->e.msg, field);
}

#define BASE "\"name\":\"王五\",\"place_id\":\"140406101204\""

static void test_decode_ok(void **state)
{
	struct fx *f = *state;
	struct rec r;
	uint64_t seen = 0;
	char id[ID_LEN + 1], text[512];
	id_new(id);
	snprintf(
	    text, sizeof(text),
	    "{\"name\":\"秦家山村村\",\"age\":150,\"active\":true,\"born\":\"2024-02-29\","
	    "\"at\":\"2024-03-01T08:00:00+08:00\",\"place_id\":\"%s\",\"password\":\"s3cret!\","
	    "\"tags\":[\"a\",\"低保\"],\"fee\":0,\"note\":\"\"}",
	    id);
	assert_int_equal(decode(f, text, &r, &seen, 0), 0);
	assert_string_equal(r.name, "秦家山村村"); /* 5 characters, 15 bytes */
	assert_int_equal(r.age, 150);
	assert_int_equal(r.active, 1);
	assert_string_equal(r.born, "2024-02-29");
	assert_int_equal(r.at, 1709251200000); /* 2024-03-01T00:00:00Z */
	assert_string_equal(r.place_id, id);
	assert_string_equal(r.password, "s3cret!");
	assert_int_equal(json_array_size(r.tags), 2);
	assert_int_equal(r.fee, 0);
	assert_string_equal(r.note, "");
	assert_null(r.created);
	/* every field but "created" (7) was present */
	assert_int_equal(seen, ((uint64_t)1 << NF) - 1 - ((uint64_t)1 << 7));
}

static void test_decode_required(void **state)
{
	struct fx *f = *state;
	expect_err(f, "{\"place_id\":\"140406101204\"}", "json.required", "name");
	expect_err(f, "{\"name\":\"x\"}", "json.required", "place_id");
	expect_err(f, "{}", "json.required", "name");
}

static void test_decode_not_object(void **state)
{
	struct fx *f = *state;
	struct rec r;
	json_t *v = json_parse(&f->a, "[1]", 3, &f->e);
	assert_non_null(v);
	assert_int_equal(json_decode(v, rec_fields, NF, &r, NULL, 0, &f->e), -1);
	assert_string_equal(f->e.code, "json.type");
	assert_int_equal(f->e.status, 400);
}

static void test_decode_unknown_and_read_only(void **state)
{
	struct fx *f = *state;
	expect_err(f, "{" BASE ",\"colour\":\"red\"}", "json.unknown_field", "colour");
	assert_contains(f->e.msg, "unknown field 'colour'");
	/* a key differing only in case is unknown too */
	expect_err(f, "{" BASE ",\"Name\":\"x\"}", "json.unknown_field", "Name");
	expect_err(f, "{" BASE ",\"created\":\"2024-01-01\"}", "json.read_only", "created");
}

static void test_decode_nulls(void **state)
{
	struct fx *f = *state;
	struct rec r;
	uint64_t seen = 0;
	/* nullable fields accept null and stay NULL; the bit is still set (the key was sent) */
	assert_int_equal(decode(f, "{" BASE ",\"born\":null,\"tags\":null}", &r, &seen, 0), 0);
	assert_null(r.born);
	assert_null(r.tags);
	assert_true(seen & ((uint64_t)1 << 3));
	assert_true(seen & ((uint64_t)1 << 8));
	expect_err(f, "{" BASE ",\"age\":null}", "json.null", "age");
	expect_err(f, "{\"name\":null,\"place_id\":\"140406101204\"}", "json.null", "name");
	expect_err(f, "{" BASE ",\"active\":null}", "json.null", "active");
}

static void test_decode_string_length(void **state)
{
	struct fx *f = *state;
	struct rec r;
	/* length is in characters: 5 CJK characters fit a max of 5, 6 do not */
	assert_int_equal(
	    decode(f, "{\"name\":\"一二三四五\",\"place_id\":\"140406101204\"}", &r, NULL, 0), 0);
	expect_err(f, "{\"name\":\"一二三四五六\",\"place_id\":\"140406101204\"}", "json.length",
	           "name");
	expect_err(f, "{\"name\":\"abcdef\",\"place_id\":\"140406101204\"}", "json.length", "name");
	/* min 1 */
	expect_err(f, "{\"name\":\"\",\"place_id\":\"140406101204\"}", "json.length", "name");
	/* max 0 in the table means 200 */
	char text[1024];
	char note[202];
	memset(note, 'n', 200);
	note[200] = '\0';
	snprintf(text, sizeof(text), "{" BASE ",\"note\":\"%s\"}", note);
	assert_int_equal(decode(f, text, &r, NULL, 0), 0);
	note[200] = 'n';
	note[201] = '\0';
	snprintf(text, sizeof(text), "{" BASE ",\"note\":\"%s\"}", note);
	expect_err(f, text, "json.length", "note");
	/* an escaped NUL does not get past the parser ... */
	const char *nul = "{\"name\":\"a\\u0000b\",\"place_id\":\"140406101204\"}";
	assert_null(json_parse(&f->a, nul, strlen(nul), &f->e));
	assert_string_equal(f->e.code, "json.malformed");
	/* ... and a value that holds one anyway is refused, not cut short */
	json_t *o = json_pack("{s:s#,s:s}", "name", "a\0b", (int)3, "place_id", "140406101204");
	assert_non_null(o);
	assert_int_equal(json_decode(o, rec_fields, NF, &r, NULL, 0, &f->e), -1);
	json_decref(o);
	assert_string_equal(f->e.code, "json.nul");
	assert_string_equal(f->e.field, "name");
	/* wrong JSON type */
	expect_err(f, "{\"name\":5,\"place_id\":\"140406101204\"}", "json.type", "name");
}

static void test_decode_int_range(void **state)
{
	struct fx *f = *state;
	struct rec r;
	assert_int_equal(decode(f, "{" BASE ",\"age\":0}", &r, NULL, 0), 0);
	assert_int_equal(r.age, 0);
	expect_err(f, "{" BASE ",\"age\":151}", "json.range", "age");
	expect_err(f, "{" BASE ",\"age\":-1}", "json.range", "age");
	expect_err(f, "{" BASE ",\"age\":9223372036854775807}", "json.range", "age");
	expect_err(f, "{" BASE ",\"age\":\"12\"}", "json.type", "age");
	expect_err(f, "{" BASE ",\"age\":1.5}", "json.type", "age");
	expect_err(f, "{" BASE ",\"age\":true}", "json.type", "age");
	expect_err(f, "{" BASE ",\"fee\":1000001}", "json.range", "fee");
	expect_err(f, "{" BASE ",\"fee\":0.5}", "json.type", "fee");
	expect_err(f, "{" BASE ",\"active\":1}", "json.type", "active");
}

static void test_decode_date(void **state)
{
	struct fx *f = *state;
	struct rec r;
	assert_int_equal(decode(f, "{" BASE ",\"born\":\"2024-02-29\"}", &r, NULL, 0), 0);
	assert_string_equal(r.born, "2024-02-29");
	expect_err(f, "{" BASE ",\"born\":\"2023-02-29\"}", "json.date", "born");
	expect_err(f, "{" BASE ",\"born\":\"2024-2-29\"}", "json.date", "born");
	expect_err(f, "{" BASE ",\"born\":\"2024-02-29T00:00:00Z\"}", "json.date", "born");
	expect_err(f, "{" BASE ",\"born\":20240229}", "json.type", "born");
}

static void test_decode_instant(void **state)
{
	struct fx *f = *state;
	struct rec r, z;
	assert_int_equal(decode(f, "{" BASE ",\"at\":\"2024-03-01T00:00:00Z\"}", &z, NULL, 0), 0);
	assert_int_equal(decode(f, "{" BASE ",\"at\":\"2024-03-01T08:00:00+08:00\"}", &r, NULL, 0),
	                 0);
	assert_int_equal(r.at, z.at);
	assert_int_equal(
	    decode(f, "{" BASE ",\"at\":\"2024-02-29T18:30:00.250-05:30\"}", &r, NULL, 0), 0);
	assert_int_equal(r.at, z.at + 250);
	expect_err(f, "{" BASE ",\"at\":\"2024-03-01T00:00:00\"}", "json.instant", "at");
	expect_err(f, "{" BASE ",\"at\":\"2024-03-01\"}", "json.instant", "at");
	expect_err(f, "{" BASE ",\"at\":1709251200000}", "json.instant", "at");
}

static void test_decode_id(void **state)
{
	struct fx *f = *state;
	expect_err(f, "{\"name\":\"x\",\"place_id\":\"abc\"}", "json.id", "place_id");
	expect_err(f, "{\"name\":\"x\",\"place_id\":\"01arz3ndektsv4rrffq69g5fav\"}", "json.id",
	           "place_id");
	expect_err(f, "{\"name\":\"x\",\"place_id\":\"1404061012\"}", "json.id", "place_id");
	expect_err(f, "{\"name\":\"x\",\"place_id\":140406101204}", "json.type", "place_id");
}

static void test_decode_strs(void **state)
{
	struct fx *f = *state;
	expect_err(f, "{" BASE ",\"tags\":[\"a\",1]}", "json.type", "tags");
	expect_err(f, "{" BASE ",\"tags\":[\"\"]}", "json.type", "tags");
	expect_err(f, "{" BASE ",\"tags\":[\"abcd\"]}", "json.type", "tags");
	expect_err(f, "{" BASE ",\"tags\":\"a\"}", "json.type", "tags");
}

static void test_decode_partial_seen(void **state)
{
	struct fx *f = *state;
	struct rec r;
	uint64_t seen = ~(uint64_t)0;
	/* PATCH: required fields may be absent; seen says exactly what was sent */
	assert_int_equal(decode(f, "{\"age\":3,\"note\":\"n\"}", &r, &seen, 1), 0);
	assert_int_equal(seen, ((uint64_t)1 << 1) | ((uint64_t)1 << 10));
	assert_int_equal(r.age, 3);
	assert_null(r.name);
	assert_int_equal(decode(f, "{}", &r, &seen, 1), 0);
	assert_int_equal(seen, 0);
	/* but what is sent is still checked */
	assert_int_equal(decode(f, "{\"age\":300}", &r, &seen, 1), -1);
	assert_string_equal(f->e.code, "json.range");
	assert_int_equal(decode(f, "{\"created\":\"x\"}", &r, &seen, 1), -1);
	assert_string_equal(f->e.code, "json.read_only");
	/* seen may be NULL */
	assert_int_equal(decode(f, "{\"age\":3}", &r, NULL, 1), 0);
}

static void test_encode(void **state)
{
	struct fx *f = *state;
	json_t *tags = json_pack("[ss]", "a", "<b>");
	struct rec r = {
		.name = "秦家山村",
		.age = 42,
		.active = 1,
		.born = NULL,
		.at = 1709251200123,
		.place_id = "140406101204",
		.password = "hunter2-secret",
		.created = "2024-01-01T00:00:00.000Z",
		.tags = tags,
		.fee = -5,
		.note = "a\"b",
	};
	jw_obj(&f->w);
	json_encode(&f->w, rec_fields, NF, &r);
	jw_obj_end(&f->w);
	json_decref(tags);
	assert_valid_json(f);
	assert_null(strstr(f->sb.buf, "password"));
	assert_null(strstr(f->sb.buf, "hunter2"));
	assert_string_equal(
	    f->sb.buf,
	    "{\"name\":\"秦家山村\",\"age\":42,\"active\":true,\"born\":null,"
	    "\"at\":\"2024-03-01T00:00:00.123Z\",\"place_id\":\"140406101204\","
	    "\"created\":\"2024-01-01T00:00:00.000Z\",\"tags\":[\"a\",\"\\u003cb\\u003e\"],"
	    "\"fee\":-5,\"note\":\"a\\\"b\"}");

	/* zero instant and NULL array encode as null */
	struct rec z;
	memset(&z, 0, sizeof(z));
	strbuf_reset(&f->sb);
	jw_init(&f->w, &f->sb);
	jw_obj(&f->w);
	json_encode(&f->w, rec_fields, NF, &z);
	jw_obj_end(&f->w);
	assert_valid_json(f);
	assert_contains(f->sb.buf, "\"at\":null");
	assert_contains(f->sb.buf, "\"tags\":null");
	assert_contains(f->sb.buf, "\"name\":null");
	assert_contains(f->sb.buf, "\"active\":false");
}

static void test_decode_encode_round_trip(void **state)
{
	struct fx *f = *state;
	struct rec r, r2;
	const char *text = "{\"name\":\"李四\",\"age\":7,\"active\":false,\"born\":\"2000-02-29\","
	                   "\"at\":\"2024-03-01T08:00:00+08:00\",\"place_id\":\"140406101204\","
	                   "\"tags\":[\"x\"],\"fee\":100,\"note\":\"<&>\"}";
	assert_int_equal(decode(f, text, &r, NULL, 0), 0);
	jw_obj(&f->w);
	json_encode(&f->w, rec_fields, NF, &r);
	jw_obj_end(&f->w);
	/* "created" is read-only, so take it out before decoding the output again */
	json_t *v = json_parse(&f->a, f->sb.buf, f->sb.len, &f->e);
	assert_non_null(v);
	assert_int_equal(json_object_del(v, "created"), 0);
	memset(&r2, 0, sizeof(r2));
	assert_int_equal(json_decode(v, rec_fields, NF, &r2, NULL, 0, &f->e), 0);
	assert_string_equal(r2.name, r.name);
	assert_int_equal(r2.age, r.age);
	assert_int_equal(r2.active, r.active);
	assert_string_equal(r2.born, r.born);
	assert_int_equal(r2.at, r.at);
	assert_string_equal(r2.place_id, r.place_id);
	assert_int_equal(r2.fee, r.fee);
	assert_string_equal(r2.note, "<&>");
	assert_null(r2.password);
}

static int group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0; /* id_new draws random bits */
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_writer_commas_nesting),
		T(test_writer_top_level_array),
		T(test_writer_depth_limit),
		T(test_escape_specials),
		T(test_escape_nul_and_keys),
		T(test_escape_invalid_utf8),
		T(test_jw_json_reencode),
		T(test_utf8_len),
		T(test_parse_ok),
		T(test_parse_malformed),
		T(test_parse_duplicate_keys),
		T(test_decode_ok),
		T(test_decode_required),
		T(test_decode_not_object),
		T(test_decode_unknown_and_read_only),
		T(test_decode_nulls),
		T(test_decode_string_length),
		T(test_decode_int_range),
		T(test_decode_date),
		T(test_decode_instant),
		T(test_decode_id),
		T(test_decode_strs),
		T(test_decode_partial_seen),
		T(test_encode),
		T(test_decode_encode_round_trip),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
