/* auth.c - identification, authorization, passwords, sessions, throttling; see auth.h. */
#include "auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <sodium.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "util.h"
#include "banned.h"

/* ---- hashing ---- */

void auth_sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, n);
	hex_encode(h, sizeof(h), out);
}

void auth_random_token(char *out, size_t outlen, size_t nbytes)
{
	unsigned char buf[64];
	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	randombytes_buf(buf, nbytes);
	sodium_bin2base64(out, outlen, buf, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void auth_random_password(char out[17])
{
	/* no 0/O, 1/l/I: people read these aloud and type them on phones */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (int i = 0; i < 16; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[16] = '\0';
}

/* At most auth.hash_concurrency Argon2id computations at once. */
static pthread_mutex_t hash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hash_cond = PTHREAD_COND_INITIALIZER;
static int hash_running;

static void hash_enter(void)
{
	int limit = (int)config_int("auth.hash_concurrency");
	pthread_mutex_lock(&hash_lock);
	while (hash_running >= limit)
		pthread_cond_wait(&hash_cond, &hash_lock);
	hash_running++;
	pthread_mutex_unlock(&hash_lock);
}

static void hash_leave(void)
{
	pthread_mutex_lock(&hash_lock);
	hash_running--;
	pthread_cond_signal(&hash_cond);
	pthread_mutex_unlock(&hash_lock);
}

int auth_hash_password(const char *password, char *out, size_t outlen, struct err *e)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return err_internal(e, "hash buffer too small");
	hash_enter();
	int rc = crypto_pwhash_str(out, password, strlen(password),
	                           (unsigned long long)config_int("auth.argon2_ops"),
	                           (size_t)config_int("auth.argon2_memory_kib") * 1024);
	hash_leave();
	if (rc)
		return err_internal(e, "out of memory hashing a password");
	return 0;
}

int auth_verify_password(const char *hash, const char *password)
{
	hash_enter();
	int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	hash_leave();
	return rc == 0;
}

int auth_password_policy(const char *password, struct err *e)
{
	int64_t min = config_int("auth.password_min");
	long n = utf8_len(password, strlen(password));
	if (n < 0)
		return err_invalid(e, "accounts.password_invalid", "password",
		                   "password must be valid UTF-8");
	if (n < min)
		return err_invalid(e, "accounts.password_too_short", "password",
		                   "password must be at least %lld characters", (long long)min);
	if (n > 128)
		return err_invalid(e, "accounts.password_too_long", "password",
		                   "password must be at most 128 characters");
	int classes = 0, lower = 0, upper = 0, digit = 0, other = 0;
	for (const char *p = password; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			lower = 1;
		else if (*p >= 'A' && *p <= 'Z')
			upper = 1;
		else if (*p >= '0' && *p <= '9')
			digit = 1;
		else
			other = 1;
	}
	classes = lower + upper + digit + other;
	if (classes < 2)
		return err_invalid(
		    e, "accounts.password_too_simple", "password",
		    "password must mix at least two of: lowercase, uppercase, digits, symbols");
	return 0;
}

/* ---- throttling ---- */

#define THROTTLE_SLOTS 4096

struct throttle_slot {
	char key[136];
	int count;
	int64_t since_ms;
};

static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct throttle_slot throttle[THROTTLE_SLOTS];

/* The slot for key (created if create); caller holds the lock. */
static struct throttle_slot *slot_for(const char *key, int create, int64_t now, int64_t window)
{
	size_t i = (size_t)(str_hash(key) % THROTTLE_SLOTS);
	struct throttle_slot *free_slot = NULL;
	for (size_t probe = 0; probe < 16; probe++, i = (i + 1) % THROTTLE_SLOTS) {
		struct throttle_slot *s = &throttle[i];
		int expired = !s->key[0] || now - s->since_ms > window;
		if (s->key[0] && !strcmp(s->key, key)) {
			if (expired) {
				s->count = 0;
				s->since_ms = now;
			}
			return s;
		}
		if (expired && !free_slot)
			free_slot = s;
	}
	if (!create)
		return NULL;
	if (!free_slot) /* table under attack: reuse the home slot */
		free_slot = &throttle[str_hash(key) % THROTTLE_SLOTS];
	snprintf(free_slot->key, sizeof(free_slot->key), "%s", key);
	free_slot->count = 0;
	free_slot->since_ms = now;
	return free_slot;
}

int auth_throttle_check(const char *login, const char *addr, struct err *e)
{
	int64_t now = time_now_ms(), window = config_int("auth.login_window_seconds") * 1000;
	char k1[136], k2[136];
	snprintf(k1, sizeof(k1), "u:%s", login);
	snprintf(k2, sizeof(k2), "a:%s", addr);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *u = slot_for(k1, 0, now, window), *a = slot_for(k2, 0, now, window);
	int64_t wait = 0;
	if (u && u->count >= config_int("auth.login_failures"))
		wait = u->since_ms + window - now;
	if (a && a->count >= config_int("auth.login_failures_per_address")) {
		int64_t w2 = a->since_ms + window - now;
		if (w2 > wait)
			wait = w2;
	}
	pthread_mutex_unlock(&throttle_lock);
	if (wait <= 0)
		return 0;
	static _Thread_local char retry[24];
	snprintf(retry, sizeof(retry), "%lld", (long long)(wait + 999) / 1000);
	err_set(e, 429, "auth.throttled", NULL, "too many failed logins; try again in %s seconds",
	        retry);
	e->retry_after = retry;
	return -1;
}

int auth_rate_take(const char *key, int64_t limit, int64_t window_ms, const char *code,
                   struct err *e)
{
	int64_t now = time_now_ms(), wait = 0;
	char k[136];
	snprintf(k, sizeof(k), "r:%s", key);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = slot_for(k, 1, now, window_ms);
	if (s->count >= limit)
		wait = s->since_ms + window_ms - now;
	else
		s->count++;
	pthread_mutex_unlock(&throttle_lock);
	if (wait <= 0)
		return 0;
	static _Thread_local char retry[24];
	snprintf(retry, sizeof(retry), "%lld", (long long)(wait + 999) / 1000);
	err_set(e, 429, code, NULL, "too many submissions; try again in %s seconds", retry);
	e->retry_after = retry;
	return -1;
}

void auth_throttle_fail(const char *login, const char *addr)
{
	int64_t now = time_now_ms(), window = config_int("auth.login_window_seconds") * 1000;
	char k1[136], k2[136];
	snprintf(k1, sizeof(k1), "u:%s", login);
	snprintf(k2, sizeof(k2), "a:%s", addr);
	pthread_mutex_lock(&throttle_lock);
	slot_for(k1, 1, now, window)->count++;
	slot_for(k2, 1, now, window)->count++;
	pthread_mutex_unlock(&throttle_lock);
}

void auth_throttle_ok(const char *login)
{
	char k1[136];
	snprintf(k1, sizeof(k1), "u:%s", login);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *u = slot_for(k1, 0, time_now_ms(), INT64_MAX / 2);
	if (u)
		u->key[0] = '\0';
	pthread_mutex_unlock(&throttle_lock);
}

void auth_throttle_reset(void)
{
	pthread_mutex_lock(&throttle_lock);
	memset(throttle, 0, sizeof(throttle));
	pthread_mutex_unlock(&throttle_lock);
}

void auth_init(void)
{
	auth_throttle_reset();
}

/* ---- sessions ---- */

int auth_session_create(struct db *db, struct arena *a, const char *user_id, const char *addr,
                        const char **cookie, const char **csrf, struct err *e)
{
	char tok[64], c[48], hash[65], now_s[32], exp_s[32];
	int64_t now = time_now_ms();
	auth_random_token(tok, sizeof(tok), 32);
	auth_random_token(c, sizeof(c), 24);
	auth_sha256_hex(tok, strlen(tok), hash);
	time_iso(now, now_s);
	time_iso(now + config_int("session.absolute_hours") * 3600 * 1000, exp_s);
	if (db_exec(
	        db, e,
	        "INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, expires_at, "
	        "address) VALUES (?, ?, ?, ?, ?, ?, ?)",
	        DB_T(hash), DB_T(user_id), DB_T(c), DB_T(now_s), DB_T(now_s), DB_T(exp_s),
	        DB_T(addr)) < 0)
		return -1;
	*cookie = arena_strdup(a, tok);
	*csrf = arena_strdup(a, c);
	return 0;
}

int auth_session_delete(struct db *db, const char *session_hash, struct err *e)
{
	return db_exec(db, e, "DELETE FROM sessions WHERE id_hash = ?", DB_T(session_hash)) < 0 ? -1
	                                                                                        : 0;
}

static int load_grants(struct req *r, struct principal *p, struct err *e)
{
	struct db_stmt *st =
	    db_query(r->db, e,
	             "SELECT g.id, g.role_id, ro.name, g.place_id, pl.path, pl.name, rp.perm "
	             "FROM grants g JOIN roles ro ON ro.id = g.role_id "
	             "JOIN places pl ON pl.id = g.place_id "
	             "LEFT JOIN role_perms rp ON rp.role_id = g.role_id "
	             "WHERE g.user_id = ? ORDER BY g.id, rp.perm",
	             DB_T(p->user_id));
	if (!st)
		return -1;
	size_t cap = 0, pcap = 0;
	struct grant *g = NULL;
	int rc;
	while ((rc = db_step(st, e)) == 1) {
		const char *gid = db_text(st, 0);
		if (!g || strcmp(g->id, gid)) {
			if (p->ngrants == cap) {
				size_t ncap = cap ? cap * 2 : 4;
				p->grants =
				    arena_realloc(&r->arena, p->grants, cap * sizeof(*p->grants),
				                  ncap * sizeof(*p->grants));
				cap = ncap;
			}
			g = &p->grants[p->ngrants++];
			memset(g, 0, sizeof(*g));
			g->id = gid;
			g->role_id = db_text(st, 1);
			g->role_name = db_text(st, 2);
			g->place_id = db_text(st, 3);
			g->place_path = db_text(st, 4);
			g->place_name = db_text(st, 5);
			pcap = 0;
		}
		const char *perm = db_text(st, 6);
		if (!perm)
			continue;
		if (g->nperms == pcap) {
			size_t ncap = pcap ? pcap * 2 : 16;
			g->perms = arena_realloc(&r->arena, g->perms, pcap * sizeof(*g->perms),
			                         ncap * sizeof(*g->perms));
			pcap = ncap;
		}
		g->perms[g->nperms++] = perm;
	}
	return rc < 0 ? -1 : 0;
}

/* ---- the principal cache ---- */

/*
 * Each worker thread keeps the principals it identified lately, keyed by the hash of the
 * credential, so an authenticated request usually costs no query. An entry is believed
 * only while nothing was committed since it was loaded: no write transaction of this
 * process (db_write_epoch) and no commit of any other connection or process, such as the
 * cunwu command on the same file (db_data_version). A logout, a revoked grant or a
 * disabled account thus clears every cache before the next request (one starting a
 * millisecond later, for a commit by another process). Where the backend cannot tell about
 * other processes, entries also expire after AUTH_CACHE_MS.
 */
#define AUTH_CACHE_SLOTS 64
#define AUTH_CACHE_MS    1000

struct cache_entry {
	char kind;             /* 's' session, 't' token */
	char key[128];         /* the credential itself, compared in constant time */
	struct db_stamp stamp; /* at load (db_stamp) */
	int64_t touched_ms, expires_ms;
	struct arena arena;
	struct principal *p;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *arg)
{
	struct cache_entry *c = arg;
	for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
		arena_release(&c[i].arena);
	free(c);
}

static void cache_make_key(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct cache_entry *cache_slot(char kind, const char *cred)
{
	pthread_once(&cache_once, cache_make_key);
	struct cache_entry *c = pthread_getspecific(cache_key);
	if (!c) {
		c = calloc(AUTH_CACHE_SLOTS, sizeof(*c));
		if (!c)
			return NULL;
		for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
			arena_init(&c[i].arena, 2048);
		pthread_setspecific(cache_key, c);
	}
	return &c[(str_hash(cred) + (unsigned char)kind) % AUTH_CACHE_SLOTS];
}

static const char *dup_or_null(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static struct principal *principal_copy(struct arena *a, const struct principal *s)
{
	struct principal *p = arena_alloc(a, sizeof(*p));
	*p = *s;
	p->user_id = dup_or_null(a, s->user_id);
	p->login = dup_or_null(a, s->login);
	p->name = dup_or_null(a, s->name);
	p->place_id = dup_or_null(a, s->place_id);
	p->region = dup_or_null(a, s->region);
	p->place_name = dup_or_null(a, s->place_name);
	p->created_at = dup_or_null(a, s->created_at);
	p->updated_at = dup_or_null(a, s->updated_at);
	p->lang = dup_or_null(a, s->lang);
	p->session_hash = dup_or_null(a, s->session_hash);
	p->csrf = dup_or_null(a, s->csrf);
	p->token_id = dup_or_null(a, s->token_id);
	p->grants = arena_alloc(a, (s->ngrants ? s->ngrants : 1) * sizeof(*p->grants));
	for (size_t i = 0; i < s->ngrants; i++) {
		const struct grant *g = &s->grants[i];
		struct grant *h = &p->grants[i];
		h->id = dup_or_null(a, g->id);
		h->role_id = dup_or_null(a, g->role_id);
		h->role_name = dup_or_null(a, g->role_name);
		h->place_id = dup_or_null(a, g->place_id);
		h->place_path = dup_or_null(a, g->place_path);
		h->place_name = dup_or_null(a, g->place_name);
		h->nperms = g->nperms;
		h->perms = arena_alloc(a, (g->nperms ? g->nperms : 1) * sizeof(*h->perms));
		for (size_t k = 0; k < g->nperms; k++)
			h->perms[k] = arena_strdup(a, g->perms[k]);
	}
	return p;
}

static uint64_t principal_tables(const struct db_stamp *s)
{
	return s->tables & ~(db_table_bit("sessions") | db_table_bit("tokens"));
}

/* A still-believable entry for the credential, or NULL. */
static struct cache_entry *cache_find(char kind, const char *cred, const struct db_stamp *now)
{
	struct cache_entry *c = cache_slot(kind, cred);
	if (!c || !c->p || c->kind != kind || !str_eq_ct(c->key, cred) ||
	    !db_stamp_holds(&c->stamp, now, AUTH_CACHE_MS))
		return NULL;
	return c;
}

static void cache_store(char kind, const char *cred, const struct principal *p,
                        const struct db_stamp *stamp, int64_t touched, int64_t expires)
{
	struct cache_entry *c = cache_slot(kind, cred);
	if (!c || strlen(cred) >= sizeof(c->key))
		return;
	arena_release(&c->arena);
	c->kind = kind;
	snprintf(c->key, sizeof(c->key), "%s", cred);
	c->stamp = *stamp;
	c->touched_ms = touched;
	c->expires_ms = expires;
	c->p = principal_copy(&c->arena, p);
}

/*
 * Write the idle-touch (seen_at / last_used_at) at most once a minute. Identification
 * runs before the request's transaction, so this is a write transaction of its own: it
 * queues with the other writers (db_sqlite.c) instead of polling for the lock.
 */
static int touch(struct req *r, const char *sql, const char *key, int64_t now, struct err *e)
{
	char now_s[32];
	time_iso(now, now_s);
	if (db_begin(r->db, DB_WRITE, e))
		return -1;
	if (db_exec(r->db, e, sql, DB_T(now_s), DB_T(key)) < 0) {
		db_rollback(r->db);
		return -1;
	}
	return db_commit(r->db, e);
}

/* The rest of the user row that read_user_rest reads, after u.region; then AUTH_TOTP_*. */
#define USER_REST                                                                                  \
	"u.region, p.name, u.version, u.created_at, u.updated_at, u.lang, "                        \
	"(SELECT CASE WHEN t.active_at IS NULL THEN 1 ELSE 2 END FROM user_totp t "                \
	"WHERE t.id = u.id)"

/* region, place name, version, created_at, updated_at, lang, totp from column col on */
static void read_user_rest(struct db_stmt *st, int col, struct principal *p)
{
	p->region = db_text(st, col);
	p->place_name = db_text(st, col + 1);
	p->version = db_int(st, col + 2);
	p->created_at = db_text(st, col + 3);
	p->updated_at = db_text(st, col + 4);
	p->lang = db_text(st, col + 5);
	p->totp = db_isnull(st, col + 6) ? AUTH_TOTP_OFF : (int)db_int(st, col + 6);
}

int auth_admin_role(const char *role_id)
{
	return !strcmp(role_id, "sysadmin") || !strcmp(role_id, "secadmin") ||
	       !strcmp(role_id, "auditor");
}

/* a session of an administrator who has no active second factor yet may only enrol one */
static int must_enrol(const struct principal *p)
{
	if (p->totp == AUTH_TOTP_ACTIVE || !config_bool("auth.admin_totp"))
		return 0;
	for (size_t i = 0; i < p->ngrants; i++)
		if (auth_admin_role(p->grants[i].role_id))
			return 1;
	return 0;
}

static int identify_session(struct req *r, const char *cookie, struct err *e)
{
	int64_t now = time_now_ms();
	int64_t idle = config_int("session.idle_minutes") * 60 * 1000;
	struct db_stamp stamp; /* before the reads, so a write meanwhile shows */
	db_stamp(r->db, now, &stamp);
	struct cache_entry *ce = cache_find('s', cookie, &stamp);
	if (ce && now < ce->expires_ms && now - ce->touched_ms < idle) {
		if (now - ce->touched_ms >= 60 * 1000) {
			if (touch(r, "UPDATE sessions SET seen_at = ? WHERE id_hash = ?",
			          ce->p->session_hash, now, e))
				return -1;
			ce->touched_ms = now;
		}
		/* the entry outlives the handler: nothing else runs on this thread meanwhile */
		r->who = ce->p;
		return 0;
	}
	char hash[65];
	auth_sha256_hex(cookie, strlen(cookie), hash);
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT s.user_id, s.csrf, s.seen_at, s.expires_at, u.login, u.name, u.place_id, "
	    "u.disabled, " USER_REST " "
	    "FROM sessions s JOIN users u ON u.id = s.user_id JOIN places p ON p.id = u.place_id "
	    "WHERE s.id_hash = ?",
	    DB_T(hash));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0 ? -1
		              : err_set(e, 401, "auth.session_invalid", NULL,
		                        "session is not valid; sign in again");
	struct principal *p = arena_zalloc(&r->arena, sizeof(*p));
	p->user_id = db_text(st, 0);
	p->csrf = db_text(st, 1);
	const char *seen = db_text(st, 2), *expires = db_text(st, 3);
	p->login = db_text(st, 4);
	p->name = db_text(st, 5);
	p->place_id = db_text(st, 6);
	int disabled = (int)db_int(st, 7);
	read_user_rest(st, 8, p);
	db_done(st);
	p->kind = "session";
	p->session_hash = arena_strdup(&r->arena, hash);

	int64_t seen_ms = 0, exp_ms = 0;
	time_parse_iso(seen, &seen_ms);
	time_parse_iso(expires, &exp_ms);
	if (disabled || now >= exp_ms || now - seen_ms >= idle) {
		struct err ignore;
		auth_session_delete(r->db, hash, &ignore);
		if (disabled)
			return err_set(e, 401, "auth.account_disabled", NULL,
			               "this account is disabled");
		return err_set(e, 401, "auth.session_expired", NULL,
		               "session expired; sign in again");
	}
	if (now - seen_ms >= 60 * 1000) { /* idle-touch at most once a minute */
		if (touch(r, "UPDATE sessions SET seen_at = ? WHERE id_hash = ?", hash, now, e))
			return -1;
		seen_ms = now;
	}
	if (load_grants(r, p, e))
		return -1;
	p->totp_enrol = must_enrol(p);
	db_stamp_reads(r->db, &stamp);
	p->tables = principal_tables(&stamp);
	cache_store('s', cookie, p, &stamp, seen_ms, exp_ms);
	r->who = p;
	return 0;
}

static int identify_token(struct req *r, const char *tok, struct err *e)
{
	/* cw_<id>_<secret> */
	if (strncmp(tok, "cw_", 3) || strlen(tok) < 3 + ID_LEN + 2 || tok[3 + ID_LEN] != '_')
		return err_set(e, 401, "auth.token_invalid", NULL, "API token is not valid");
	char id[ID_LEN + 1], hash[65];
	memcpy(id, tok + 3, ID_LEN);
	id[ID_LEN] = '\0';
	const char *secret = tok + 3 + ID_LEN + 1;
	int64_t now = time_now_ms();
	struct db_stamp stamp; /* before the reads, so a write meanwhile shows */
	db_stamp(r->db, now, &stamp);
	struct cache_entry *ce = cache_find('t', tok, &stamp);
	if (ce) {
		if (now - ce->touched_ms >= 60 * 1000) {
			if (touch(r, "UPDATE tokens SET last_used_at = ? WHERE id = ?", id, now, e))
				return -1;
			ce->touched_ms = now;
		}
		r->who = ce->p;
		return 0;
	}
	auth_sha256_hex(secret, strlen(secret), hash);
	struct db_stmt *st =
	    db_query(r->db, e,
	             "SELECT t.user_id, t.secret_hash, t.revoked_at, u.login, u.name, u.place_id, "
	             "u.disabled, t.last_used_at, " USER_REST " FROM tokens t "
	             "JOIN users u ON u.id = t.user_id "
	             "JOIN places p ON p.id = u.place_id WHERE t.id = ?",
	             DB_T(id));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0
		           ? -1
		           : err_set(e, 401, "auth.token_invalid", NULL, "API token is not valid");
	struct principal *p = arena_zalloc(&r->arena, sizeof(*p));
	p->user_id = db_text(st, 0);
	const char *want = db_text(st, 1);
	int revoked = !db_isnull(st, 2);
	p->login = db_text(st, 3);
	p->name = db_text(st, 4);
	p->place_id = db_text(st, 5);
	int disabled = (int)db_int(st, 6);
	const char *last = db_text(st, 7);
	read_user_rest(st, 8, p);
	db_done(st);
	if (!str_eq_ct(want, hash) || revoked)
		return err_set(e, 401, "auth.token_invalid", NULL, "API token is not valid");
	if (disabled)
		return err_set(e, 401, "auth.account_disabled", NULL, "this account is disabled");
	p->kind = "token";
	p->token_id = arena_strdup(&r->arena, id);
	int64_t last_ms = 0;
	if (!last || time_parse_iso(last, &last_ms) || now - last_ms >= 60 * 1000) {
		if (touch(r, "UPDATE tokens SET last_used_at = ? WHERE id = ?", id, now, e))
			return -1;
		last_ms = now;
	}
	if (load_grants(r, p, e))
		return -1;
	db_stamp_reads(r->db, &stamp);
	p->tables = principal_tables(&stamp);
	cache_store('t', tok, p, &stamp, last_ms, INT64_MAX);
	r->who = p;
	return 0;
}

int auth_principal_load(struct req *r, const char *login, struct err *e)
{
	struct db_stmt *st = db_query(r->db, e,
	                              "SELECT u.id, u.login, u.name, u.place_id, " USER_REST
	                              " FROM users u JOIN places p ON p.id = u.place_id "
	                              "WHERE u.login = ?",
	                              DB_T(login));
	if (!st)
		return -1;
	int rc = db_step(st, e);
	if (rc <= 0)
		return rc < 0
		           ? -1
		           : err_set(e, 404, "auth.unknown_login", NULL, "no account '%s'", login);
	struct principal *p = arena_zalloc(&r->arena, sizeof(*p));
	p->user_id = db_text(st, 0);
	p->login = db_text(st, 1);
	p->name = db_text(st, 2);
	p->place_id = db_text(st, 3);
	read_user_rest(st, 4, p);
	db_done(st);
	p->kind = "session";
	if (load_grants(r, p, e))
		return -1;
	r->who = p;
	return 0;
}

int auth_identify(struct req *r, struct err *e)
{
	r->who = NULL;
	const char *authz_h = req_header(r, "Authorization");
	if (authz_h) {
		if (strncmp(authz_h, "Bearer ", 7))
			return err_set(e, 401, "auth.scheme", "Authorization",
			               "use 'Authorization: Bearer <token>'");
		return identify_token(r, authz_h + 7, e);
	}
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "cunwu_session");
	if (cookie && *cookie)
		return identify_session(r, cookie, e);
	return 0;
}

/* ---- authorization ---- */

static int grant_has(const struct grant *g, const char *perm)
{
	for (size_t i = 0; i < g->nperms; i++)
		if (!strcmp(g->perms[i], perm))
			return 1;
	return 0;
}

static int under(const char *path, const char *prefix)
{
	return path && !strncmp(path, prefix, strlen(prefix));
}

int authz2(struct req *r, const char *perm, const char *path, const char *gpath, struct err *e)
{
	if (!r->who)
		return err_set(e, 401, "auth.required", NULL, "sign in first");
	for (size_t i = 0; i < r->who->ngrants; i++) {
		const struct grant *g = &r->who->grants[i];
		if (grant_has(g, perm) &&
		    (under(path, g->place_path) || under(gpath, g->place_path)))
			return 0;
	}
	return err_forbidden(e, "you do not have '%s' over this place", perm);
}

int authz(struct req *r, const char *perm, const char *path, struct err *e)
{
	return authz2(r, perm, path, NULL, e);
}

int authz_any(struct req *r, const char *perm)
{
	if (!r->who)
		return 0;
	for (size_t i = 0; i < r->who->ngrants; i++)
		if (grant_has(&r->who->grants[i], perm))
			return 1;
	return 0;
}

const char **authz_scope(struct req *r, const char *perm)
{
	size_t n = r->who ? r->who->ngrants : 0, k = 0;
	const char **out = arena_zalloc(&r->arena, (n + 1) * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct grant *g = &r->who->grants[i];
		if (!grant_has(g, perm))
			continue;
		/* skip a prefix already covered by a shorter one */
		int covered = 0;
		for (size_t j = 0; j < n && !covered; j++) {
			const struct grant *o = &r->who->grants[j];
			size_t ol = strlen(o->place_path);
			if (j != i && grant_has(o, perm) && strlen(g->place_path) > ol &&
			    !strncmp(g->place_path, o->place_path, ol))
				covered = 1;
		}
		for (size_t j = 0; j < k && !covered; j++)
			if (!strcmp(out[j], g->place_path))
				covered = 1;
		if (!covered)
			out[k++] = g->place_path;
	}
	return out;
}

int authz_scope_implied(struct req *r, const char *perm, const char *path)
{
	const char **scope = authz_scope(r, perm);
	for (size_t i = 0; scope[i]; i++)
		if (!strncmp(path, scope[i], strlen(scope[i])))
			return 1;
	return 0;
}

/*
 * A grant at town level or above (a path of at most AUTH_TOWN_IDS ids) needs no gpath term:
 * grids cover places of their own town only, so a row whose gpath is under such a prefix
 * has its path under it too, and the scope of a town or county stays one range per grant.
 */
#define AUTH_TOWN_IDS 4

static int path_ids(const char *path)
{
	int n = 0;
	for (const char *p = path; *p; p++)
		n += *p == '/';
	return n - 1;
}

int authz_below_town(const char *path)
{
	return path_ids(path) > AUTH_TOWN_IDS;
}

int authz_scope_below_town(struct req *r, const char *perm)
{
	const char **scope = authz_scope(r, perm);
	if (!scope[0])
		return 0;
	for (size_t i = 0; scope[i]; i++)
		if (!authz_below_town(scope[i]))
			return 0;
	return 1;
}

const char *authz_sql2(struct req *r, const char *perm, const char *col, const char *gcol,
                       struct db_arg *args, size_t *nargs, size_t max_args)
{
	const char **scope = authz_scope(r, perm);
	struct strbuf sb;
	strbuf_init(&sb, &r->arena, 8192);
	strbuf_addch(&sb, '(');
	for (size_t i = 0; scope[i]; i++) {
		int both = gcol && path_ids(scope[i]) > AUTH_TOWN_IDS;
		if (*nargs + (both ? 4 : 2) >= max_args)
			break; /* fails closed: fewer subtrees, never more */
		const char *hi = arena_printf(&r->arena, "%s~", scope[i]);
		strbuf_addf(&sb, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col, col);
		args[(*nargs)++] = DB_T(scope[i]);
		args[(*nargs)++] = DB_T(hi);
		if (both) {
			strbuf_addf(&sb, " OR (%s >= ? AND %s < ?)", gcol, gcol);
			args[(*nargs)++] = DB_T(scope[i]);
			args[(*nargs)++] = DB_T(hi);
		}
	}
	if (sb.len == 1)
		strbuf_adds(&sb, "0 = 1");
	strbuf_addch(&sb, ')');
	return sb.buf;
}

const char *authz_sql(struct req *r, const char *perm, const char *col, struct db_arg *args,
                      size_t *nargs, size_t max_args)
{
	return authz_sql2(r, perm, col, NULL, args, nargs, max_args);
}
