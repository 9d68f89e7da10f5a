/* answers.c - each worker thread's cache of answers; see answers.h. */
#include "answers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "banned.h"

#define SETS      64         /* two slots each: a key's set by its hash */
#define MAX_BYTES (16 << 20) /* a thread keeps at most this many bytes of answers */

struct answer {
	char *key;
	struct db_stamp stamp;
	char *body;
	size_t len;
};

struct slots {
	struct answer a[SETS][2];
	size_t bytes;
};

static pthread_key_t slots_key;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void slots_free(void *arg)
{
	struct slots *s = arg;
	for (int i = 0; i < SETS; i++)
		for (int k = 0; k < 2; k++) {
			free(s->a[i][k].key);
			free(s->a[i][k].body);
		}
	free(s);
}

static void slots_make_key(void)
{
	pthread_key_create(&slots_key, slots_free);
}

static struct slots *thread_slots(void)
{
	pthread_once(&slots_once, slots_make_key);
	struct slots *s = pthread_getspecific(slots_key);
	if (!s && (s = calloc(1, sizeof(*s))))
		pthread_setspecific(slots_key, s);
	return s;
}

int answers_find(const char *key, const struct db_stamp *now, int64_t stale_ms, int64_t ttl_ms,
                 const char **body, size_t *len, const struct db_stamp **made)
{
	struct slots *s = thread_slots();
	if (!s)
		return 0;
	uint64_t h = str_hash(key);
	struct answer *set = s->a[h % SETS];
	/* answers made together (a page's, a list's first askers) are not made again together:
	 * each key lives 75 to 100 % of ttl_ms, by its hash */
	if (ttl_ms != INT64_MAX)
		ttl_ms -= ttl_ms / 4 * (int64_t)(h >> 56) / 256;
	for (int k = 0; k < 2; k++) {
		struct answer *a = &set[k];
		if (a->body && !strcmp(a->key, key) && db_stamp_holds(&a->stamp, now, stale_ms) &&
		    now->ms - a->stamp.ms < ttl_ms) {
			*body = a->body;
			*len = a->len;
			if (made)
				*made = &a->stamp;
			return 1;
		}
	}
	return 0;
}

int64_t answers_today_ms(int64_t now_ms)
{
	const int64_t day = 24 * 3600 * 1000, east8 = 8 * 3600 * 1000;
	return (now_ms + east8) % day + 1;
}

void answers_keep(const char *key, const struct db_stamp *stamp, const char *body, size_t len)
{
	struct slots *s = len <= ANSWERS_MAX_BYTES ? thread_slots() : NULL;
	if (!s)
		return;
	struct answer *set = s->a[str_hash(key) % SETS], *a;
	/* the same key's slot, else an empty one, else the older of the two */
	if (set[0].key && !strcmp(set[0].key, key))
		a = &set[0];
	else if (set[1].key && !strcmp(set[1].key, key))
		a = &set[1];
	else if (!set[0].body)
		a = &set[0];
	else if (!set[1].body)
		a = &set[1];
	else
		a = set[0].stamp.ms <= set[1].stamp.ms ? &set[0] : &set[1];
	if (s->bytes - a->len + len > MAX_BYTES)
		return;
	char *k = strdup(key), *b = malloc(len ? len : 1);
	if (!k || !b) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, len);
	s->bytes = s->bytes - a->len + len;
	free(a->key);
	free(a->body);
	*a = (struct answer){ .key = k, .stamp = *stamp, .body = b, .len = len };
}
