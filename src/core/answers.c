/* answers.c - the server's cache of answers, shared by its threads; see answers.h. */
#include "answers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#include "banned.h"

#define SETS      256 /* WAYS slots each, a lock each: a key's set by its hash */
#define WAYS      2
#define MAX_BYTES (32 << 20) /* the process keeps at most this many bytes of answers */

struct answer {
	char *key;
	struct db_stamp stamp;
	char *body;
	size_t len;
	int64_t cost_ms; /* how long it took to make */
};

/* a reader-writer lock: threads giving the same answer copy it at once, and one that keeps
 * an answer goes before readers that come after it (else a key read without pause would
 * never be replaced) */
struct set {
	pthread_rwlock_t lock;
	struct answer a[WAYS];
};

static struct set sets[SETS];
static atomic_size_t bytes;
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void sets_init(void)
{
	pthread_rwlockattr_t at;
	pthread_rwlockattr_init(&at);
	pthread_rwlockattr_setkind_np(&at, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (int i = 0; i < SETS; i++)
		pthread_rwlock_init(&sets[i].lock, &at);
	pthread_rwlockattr_destroy(&at);
}

static struct set *set_of(uint64_t h)
{
	pthread_once(&sets_once, sets_init);
	return &sets[h % SETS];
}

/* give the answer kept under key, if it holds at now (NULL: whatever changed since) and
 * cost at least min_cost_ms to make */
static int give_kept(const char *key, uint64_t h, const struct db_stamp *now, int64_t stale_ms,
                     int64_t ttl_ms, int64_t min_cost_ms, answers_give_fn give, void *ctx,
                     struct db_stamp *made)
{
	struct set *s = set_of(h);
	int found = 0;
	pthread_rwlock_rdlock(&s->lock);
	for (int k = 0; k < WAYS && !found; k++) {
		struct answer *a = &s->a[k];
		if (a->body && !strcmp(a->key, key) && a->cost_ms >= min_cost_ms &&
		    (!now || (db_stamp_holds(&a->stamp, now, stale_ms) &&
		              now->ms - a->stamp.ms < ttl_ms))) {
			give(ctx, a->body, a->len); /* while held: another thread may replace it */
			if (made)
				*made = a->stamp;
			found = 1;
		}
	}
	pthread_rwlock_unlock(&s->lock);
	return found;
}

int answers_find(const char *key, const struct db_stamp *now, int64_t stale_ms, int64_t ttl_ms,
                 answers_give_fn give, void *ctx, struct db_stamp *made)
{
	uint64_t h = str_hash(key);
	/* answers made together (a page's, a list's first askers) are not made again together:
	 * each key lives 75 to 100 % of ttl_ms, by its hash */
	if (ttl_ms != INT64_MAX)
		ttl_ms -= ttl_ms / 4 * (int64_t)(h >> 56) / 256;
	return give_kept(key, h, now, stale_ms, ttl_ms, 0, give, ctx, made);
}

int64_t answers_today_ms(int64_t now_ms)
{
	const int64_t day = 24 * 3600 * 1000, east8 = 8 * 3600 * 1000;
	return (now_ms + east8) % day + 1;
}

int answers_late(const char *key, int64_t min_cost_ms, answers_give_fn give, void *ctx,
                 struct db_stamp *made)
{
	return give_kept(key, str_hash(key), NULL, 0, 0, min_cost_ms, give, ctx, made);
}

void answers_keep(const char *key, const struct db_stamp *stamp, const char *body, size_t len)
{
	answers_keep_cost(key, stamp, body, len, 0);
}

int answers_keep_cost(const char *key, const struct db_stamp *stamp, const char *body, size_t len,
                      int64_t cost_ms)
{
	if (len > ANSWERS_MAX_BYTES)
		return 0;
	char *k = strdup(key), *b = malloc(len ? len : 1);
	if (!k || !b) {
		free(k);
		free(b);
		return 0;
	}
	memcpy(b, body, len);
	struct set *s = set_of(str_hash(key));
	struct answer old = { 0 };
	pthread_rwlock_wrlock(&s->lock);
	/* the same key's slot, else an empty one, else the oldest */
	struct answer *a = NULL;
	for (int i = 0; i < WAYS && !a; i++)
		if (s->a[i].key && !strcmp(s->a[i].key, key))
			a = &s->a[i];
	for (int i = 0; i < WAYS && !a; i++)
		if (!s->a[i].body)
			a = &s->a[i];
	if (!a) {
		a = &s->a[0];
		for (int i = 1; i < WAYS; i++)
			if (s->a[i].stamp.ms < a->stamp.ms)
				a = &s->a[i];
	}
	/* a newer answer than the one kept: another thread may have made it meanwhile */
	int keep = !(a->body && a->stamp.ms > stamp->ms && !strcmp(a->key, key)) &&
	           atomic_load(&bytes) - a->len + len <= MAX_BYTES;
	if (keep) {
		atomic_fetch_add(&bytes, len);
		atomic_fetch_sub(&bytes, a->len);
		old = *a;
		*a = (struct answer){
			.key = k, .stamp = *stamp, .body = b, .len = len, .cost_ms = cost_ms
		};
	}
	pthread_rwlock_unlock(&s->lock);
	if (!keep) {
		free(k);
		free(b);
	}
	free(old.key);
	free(old.body);
	return keep;
}

void answers_clear(void)
{
	pthread_once(&sets_once, sets_init);
	for (int i = 0; i < SETS; i++) {
		struct set *s = &sets[i];
		pthread_rwlock_wrlock(&s->lock);
		for (int k = 0; k < WAYS; k++) {
			free(s->a[k].key);
			free(s->a[k].body);
			s->a[k] = (struct answer){ 0 };
		}
		pthread_rwlock_unlock(&s->lock);
	}
	atomic_store(&bytes, 0);
}
