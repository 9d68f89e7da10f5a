/*
 * fuzz_json.c - libFuzzer target for JSON in and out (src/core/json.c).
 *
 * The input is parsed as a request body would be, decoded through a field table with every
 * field type (whole and as a PATCH), and written back out with jw_json and json_encode.
 * Whatever the writer is given it must write valid JSON, so its output is parsed again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/banned.h"

struct rec {
	const char *name, *born, *id, *secret, *ro;
	int64_t age, at, fee;
	int active;
	const json_t *tags;
};

#define OFF(m) offsetof(struct rec, m)
static const struct jfield fields[] = {
	{ "name", JF_STR, OFF(name), JF_REQUIRED, 1, 20 },
	{ "age", JF_I64, OFF(age), JF_NULLABLE, 0, 150 },
	{ "active", JF_BOOL, OFF(active), 0, 0, 0 },
	{ "born", JF_DATE, OFF(born), JF_NULLABLE, 0, 0 },
	{ "at", JF_INSTANT, OFF(at), 0, 0, 0 },
	{ "id", JF_ID, OFF(id), 0, 0, 0 },
	{ "password", JF_STR, OFF(secret), JF_SECRET, 0, 64 },
	{ "created", JF_STR, OFF(ro), JF_READONLY, 0, 0 },
	{ "tags", JF_STRS, OFF(tags), JF_NULLABLE, 1, 8 },
	{ "fee", JF_FEN, OFF(fee), 0, -1000000, 1000000 },
};

/* The writer's output must parse; the writer only gives up (sticky error) past its depth. */
static void reparse(struct arena *a, struct strbuf *sb)
{
	struct err e;
	if (sb->err)
		return;
	if (!json_parse(a, sb->buf, sb->len, &e))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct err e;
	arena_init(&a, 0);
	json_t *v = json_parse(&a, (const char *)data, size, &e);
	if (!v) {
		if (e.status != 400 || strcmp(e.code, "json.malformed"))
			abort();
		arena_release(&a);
		return 0;
	}

	struct strbuf sb;
	struct jw w;
	strbuf_init(&sb, &a, 0);
	jw_init(&w, &sb);
	jw_json(&w, v);
	reparse(&a, &sb);

	for (int partial = 0; partial <= 1; partial++) {
		struct rec r;
		uint64_t seen = 0;
		memset(&r, 0, sizeof(r));
		if (json_decode(v, fields, JF_COUNT(fields), &r, &seen, partial, &e)) {
			if (e.status != 400)
				abort();
			continue;
		}
		if (seen >> JF_COUNT(fields))
			abort();
		if (r.name && utf8_len(r.name, strlen(r.name)) > 20)
			abort();
		strbuf_reset(&sb);
		jw_init(&w, &sb);
		jw_obj(&w);
		json_encode(&w, fields, JF_COUNT(fields), &r);
		jw_obj_end(&w);
		reparse(&a, &sb);
		/* the secret's key never appears; the word itself may be some other value */
		if (r.secret && *r.secret && strstr(sb.buf, "\"password\":"))
			abort();
	}

	arena_release(&a);
	return 0;
}
