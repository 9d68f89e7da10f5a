/* answers.c - each worker thread's cache of answers; see answers.h. */
#include "answers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "banned.h"

#define SLOTS 64 /* direct-mapped by the key's hash */

struct answer {
	char *key;
	struct db_stamp stamp;
	char *body;
	size_t len;
};

static pthread_key_t slots_key;
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void slots_free(void *arg)
{
	struct answer *a = arg;
	for (int i = 0; i < SLOTS; i++) {
		free(a[i].key);
		free(a[i].body);
	}
	free(a);
}

static void slots_make_key(void)
{
	pthread_key_create(&slots_key, slots_free);
}

static struct answer *slot(const char *key)
{
	pthread_once(&slots_once, slots_make_key);
	struct answer *a = pthread_getspecific(slots_key);
	if (!a) {
		if (!(a = calloc(SLOTS, sizeof(*a))))
			return NULL;
		pthread_setspecific(slots_key, a);
	}
	return &a[str_hash(key) % SLOTS];
}

int answers_find(const char *key, const struct db_stamp *now, int64_t stale_ms, int64_t ttl_ms,
                 const char **body, size_t *len)
{
	struct answer *a = slot(key);
	if (!a || !a->body || strcmp(a->key, key) || !db_stamp_holds(&a->stamp, now, stale_ms) ||
	    now->ms - a->stamp.ms >= ttl_ms)
		return 0;
	*body = a->body;
	*len = a->len;
	return 1;
}

void answers_keep(const char *key, const struct db_stamp *stamp, const char *body, size_t len)
{
	struct answer *a = len <= ANSWERS_MAX_BYTES ? slot(key) : NULL;
	if (!a)
		return;
	char *k = strdup(key), *b = malloc(len ? len : 1);
	if (!k || !b) {
		free(k);
		free(b);
		return;
	}
	memcpy(b, body, len);
	free(a->key);
	free(a->body);
	*a = (struct answer){ .key = k, .stamp = *stamp, .body = b, .len = len };
}
