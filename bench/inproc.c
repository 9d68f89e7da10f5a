/*
 * inproc - the floor without HTTP (issue 9): each scenario of bench/suite's scenarios.json
 * run in-process, through the same route handlers cunwu's HTTP layer calls (http_call:
 * the route found, the permission and place checked, the handler run in its transaction),
 * with a request built in memory, on the same database, with N threads for D seconds.
 * What it leaves out is libmicrohttpd, the socket and the parsing of the request; the
 * caller's grants are loaded once per thread, as the server's principal cache keeps them.
 *
 * Usage: inproc --db FILE --scenarios FILE [--key FILE] [--threads N] [--duration S]
 *               [--only S1,S2] [--check]
 *
 * Prints one line per scenario: "inproc NAME REQUESTS REQ/S US_PER_REQ P50_MS P99_MS",
 * where US_PER_REQ is the threads' wall time per request (threads x duration / requests).
 * --check runs each path (and body) once in one thread and prints "check NAME STATUS
 * BYTES PATH"; it fails unless every answer is 2xx with a body. Built by `make
 * build/bench/inproc`, never part of build/cunwu.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* cunwu's route tables and registrations (route_tables, registrations, COUNT), as the
 * server has them: src/main.c itself, its main renamed; routes are found by a walk over
 * the tables, so the walk costs what the server's does */
#define main cunwu_main
#include "main.c"
#undef main
#include "core/crypt.h"
#include "core/http.h"

#define HIST_US (1 << 17) /* latencies counted per microsecond up to 131 ms */

struct scenario {
	const char *name, *method, *login;
	const char **paths, **bodies; /* bodies[i] NULL: none */
	size_t npaths, nbodies;
};

struct worker {
	pthread_t th;
	const struct scenario *sc;
	const char *db_url;
	size_t index;        /* where this thread starts in the rotation */
	int64_t deadline_ns; /* 0: each path once (--check) */
	uint64_t done, bad;
	uint32_t *hist;
	int failed;
	char msg[300];
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* s[0..n) URL-decoded ('+' a space) into the arena */
static const char *url_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 1 && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i] == '+' ? ' ' : s[i];
		}
	}
	*o = '\0';
	return out;
}

/* r's path and query pairs from a URL "/api/…?a=1&b=2", as libmicrohttpd splits them */
static void split_url(struct req *r, const char *url)
{
	const char *q = strchr(url, '?');
	r->path = q ? arena_strndup(&r->arena, url, (size_t)(q - url)) : url;
	if (!q)
		return;
	size_t n = 1;
	for (const char *s = q; *s; s++)
		n += *s == '&';
	const char **pairs = arena_zalloc(&r->arena, (2 * n + 2) * sizeof(*pairs));
	size_t k = 0;
	for (const char *s = q + 1; *s;) {
		const char *end = strchr(s, '&'), *eq;
		if (!end)
			end = s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (!eq)
			eq = end;
		pairs[k++] = url_decode(&r->arena, s, (size_t)(eq - s));
		pairs[k++] = eq < end ? url_decode(&r->arena, eq + 1, (size_t)(end - eq - 1)) : "";
		s = *end ? end + 1 : end;
	}
	r->query = pairs;
}

/* one request, as dispatch runs it; the status answered (an error's status on failure) */
static int one(struct db *db, const struct principal *who, const struct scenario *sc, size_t i,
               uint64_t seq, size_t *bytes, struct err *e)
{
	struct req r;
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	r.db = db;
	r.method = sc->method;
	split_url(&r, sc->paths[i % sc->npaths]);
	r.file_fd = -1;
	r.who = (struct principal *)who;
	snprintf(r.request_id, sizeof(r.request_id), "01INPROC%018llu", (unsigned long long)seq);
	snprintf(r.addr, sizeof(r.addr), "127.0.0.1");
	strbuf_init(&r.out, &r.arena, 0);
	strbuf_init(&r.body, &r.arena, 0);
	const char *body = sc->nbodies ? sc->bodies[i % sc->nbodies] : NULL;
	if (body)
		strbuf_adds(&r.body, body);
	db_set_arena(db, &r.arena);
	err_clear(e);
	int rc = http_call(&r, e);
	db_reset_all(db);
	db_set_arena(db, NULL);
	int status = rc ? e->status : r.status;
	*bytes = r.out.len;
	arena_release(&r.arena);
	return status;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct scenario *sc = w->sc;
	struct err e;
	err_clear(&e);
	struct db *db;
	if (db_open(&db, w->db_url, 0, &e)) {
		snprintf(w->msg, sizeof(w->msg), "%s", e.msg);
		w->failed = 1;
		return NULL;
	}
	/* the caller, once per thread (the server's principal cache keeps it so) */
	struct req holder;
	memset(&holder, 0, sizeof(holder));
	arena_init(&holder.arena, 0);
	holder.db = db;
	db_set_arena(db, &holder.arena);
	if (sc->login && auth_principal_load(&holder, sc->login, &e)) {
		snprintf(w->msg, sizeof(w->msg), "%s: %s", sc->login, e.msg);
		w->failed = 1;
	}
	db_set_arena(db, NULL);
	for (size_t i = w->index; !w->failed; i++) {
		size_t bytes;
		int64_t t0 = now_ns();
		int status =
		    one(db, holder.who, sc, i, w->index * 1000000000ull + w->done, &bytes, &e);
		int64_t us = (now_ns() - t0) / 1000;
		w->hist[us < HIST_US ? us : HIST_US - 1]++;
		w->done++;
		if (status < 200 || status > 299 || !bytes) {
			w->bad++;
			if (!w->msg[0])
				snprintf(w->msg, sizeof(w->msg), "%d %s: %s", status,
				         sc->paths[i % sc->npaths], e.msg);
		}
		if (!w->deadline_ns) {
			printf("check %s %d %zu %s\n", sc->name, status, bytes,
			       sc->paths[i % sc->npaths]);
			if (w->done >= (sc->npaths > sc->nbodies ? sc->npaths : sc->nbodies))
				break;
		} else if (now_ns() >= w->deadline_ns) {
			break;
		}
	}
	arena_release(&holder.arena);
	db_close(db);
	return NULL;
}

/* the scenarios of FILE (see bench/suite), their strings kept in the arena */
static struct scenario *load_scenarios(struct arena *a, const char *file, size_t *n)
{
	json_error_t je;
	json_t *root = json_load_file(file, 0, &je);
	json_t *list = root ? json_object_get(root, "scenarios") : NULL;
	if (!json_is_array(list)) {
		fprintf(stderr, "inproc: unable to read '%s': %s\n", file,
		        root ? "no scenarios" : je.text);
		json_decref(root);
		return NULL;
	}
	*n = json_array_size(list);
	struct scenario *out = arena_zalloc(a, (*n + 1) * sizeof(*out));
	for (size_t i = 0; i < *n; i++) {
		json_t *s = json_array_get(list, i), *paths = json_object_get(s, "paths"),
		       *bodies = json_object_get(s, "bodies");
		struct scenario *sc = &out[i];
		const char *login = json_string_value(json_object_get(s, "login"));
		sc->name = arena_strdup(a, json_string_value(json_object_get(s, "name")));
		sc->method = arena_strdup(a, json_string_value(json_object_get(s, "method")));
		sc->login = login ? arena_strdup(a, login) : NULL;
		sc->npaths = json_array_size(paths);
		sc->paths = arena_zalloc(a, (sc->npaths + 1) * sizeof(char *));
		for (size_t k = 0; k < sc->npaths; k++)
			sc->paths[k] = arena_strdup(a, json_string_value(json_array_get(paths, k)));
		sc->nbodies = json_array_size(bodies);
		sc->bodies = arena_zalloc(a, (sc->nbodies + 1) * sizeof(char *));
		for (size_t k = 0; k < sc->nbodies; k++) {
			char *b = json_dumps(json_array_get(bodies, k), JSON_COMPACT);
			sc->bodies[k] = arena_strdup(a, b ? b : "");
			free(b);
		}
		if (!sc->npaths) {
			fprintf(stderr, "inproc: scenario %zu has no paths\n", i + 1);
			json_decref(root);
			return NULL;
		}
	}
	json_decref(root);
	return out;
}

/* the latency in ms under which share (0..1) of the requests answered */
static double percentile(const uint32_t *hist, uint64_t total, double share)
{
	uint64_t want = (uint64_t)(share * (double)total), seen = 0;
	for (size_t us = 0; us < HIST_US; us++) {
		seen += hist[us];
		if (seen > want)
			return (double)us / 1000.0;
	}
	return (double)HIST_US / 1000.0;
}

/* one scenario with nthreads for seconds (0: --check); 0 if every answer was 2xx */
static int run_scenario(const struct scenario *sc, const char *db_url, int nthreads, double seconds)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	uint32_t *hist = calloc(HIST_US, sizeof(*hist));
	if (!w || !hist) {
		fprintf(stderr, "inproc: out of memory\n");
		free(w);
		free(hist);
		return -1;
	}
	int64_t t0 = now_ns();
	int started = 0, rc = 0;
	for (int i = 0; i < nthreads; i++) {
		w[i].sc = sc;
		w[i].db_url = db_url;
		w[i].index = (size_t)i * 7;
		w[i].deadline_ns = seconds > 0 ? t0 + (int64_t)(seconds * 1e9) : 0;
		w[i].hist = calloc(HIST_US, sizeof(uint32_t));
		if (!w[i].hist || pthread_create(&w[i].th, NULL, work, &w[i])) {
			free(w[i].hist);
			rc = -1;
			break;
		}
		started++;
	}
	uint64_t done = 0, bad = 0;
	for (int i = 0; i < started; i++) {
		pthread_join(w[i].th, NULL);
		done += w[i].done;
		bad += w[i].bad;
		for (size_t us = 0; us < HIST_US; us++)
			hist[us] += w[i].hist[us];
		free(w[i].hist);
		if (w[i].failed || w[i].bad) {
			fprintf(stderr, "inproc: %s: %s\n", sc->name, w[i].msg);
			rc = -1;
		}
	}
	double wall = (double)(now_ns() - t0) / 1e9;
	if (seconds > 0 && done)
		printf("inproc %s %llu %.0f %.1f %.3f %.3f\n", sc->name, (unsigned long long)done,
		       (double)done / wall, wall * started * 1e6 / (double)done,
		       percentile(hist, done, 0.5), percentile(hist, done, 0.99));
	if (bad)
		fprintf(stderr, "inproc: %s: %llu of %llu answers were not 2xx with a body\n",
		        sc->name, (unsigned long long)bad, (unsigned long long)done);
	free(hist);
	free(w);
	return rc;
}

/* 1 if name is in the comma-separated list (NULL: every name) */
static int wanted(const char *list, const char *name)
{
	if (!list)
		return 1;
	size_t n = strlen(name);
	for (const char *s = list; (s = strstr(s, name)); s += n)
		if ((s == list || s[-1] == ',') && (s[n] == ',' || !s[n]))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *file = NULL, *key = NULL, *only = NULL;
	int threads = 2, check = 0;
	double seconds = 5;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--check")) {
			check = 1;
			continue;
		}
		if (!v)
			goto usage;
		if (!strcmp(a, "--db"))
			db = v;
		else if (!strcmp(a, "--scenarios"))
			file = v;
		else if (!strcmp(a, "--key"))
			key = v;
		else if (!strcmp(a, "--only"))
			only = v;
		else if (!strcmp(a, "--threads"))
			threads = (int)strtol(v, NULL, 10);
		else if (!strcmp(a, "--duration"))
			seconds = strtod(v, NULL);
		else
			goto usage;
		i++;
	}
	if (!db || !file || threads < 1 || threads > 256 || !(seconds > 0))
		goto usage;
	if (start_up())
		return 1;
	log_set_level(LOG_WARN);
	struct err e;
	err_clear(&e);
	struct arena a;
	arena_init(&a, 0);
	char keyfile[4096];
	snprintf(keyfile, sizeof(keyfile), "%s.key", db);
	size_t n = 0;
	struct scenario *sc = load_scenarios(&a, file, &n);
	int rc = !sc || config_load_env(&e) || config_set("db", db, "inproc", &e) ||
	         config_set("requests.public_per_hour", "1000000000", "inproc", &e) ||
	         crypt_load(key ? key : keyfile, &e);
	if (rc && e.msg[0])
		fprintf(stderr, "inproc: %s\n", e.msg);
	/* the server's group commit, as http_serve opens it (http.group_commit) */
	struct db_group *g = NULL;
	if (!rc && config_bool("http.group_commit") && db_group_open(&g, db, threads, &e)) {
		fprintf(stderr, "inproc: %s\n", e.msg);
		rc = 1;
	}
	http_set_group(g);
	for (size_t i = 0; !rc && i < n; i++)
		if (wanted(only, sc[i].name))
			rc = run_scenario(&sc[i], db, check ? 1 : threads, check ? 0 : seconds) ? 1
			                                                                        : 0;
	http_set_group(NULL);
	db_group_close(g);
	arena_release(&a);
	config_free();
	return rc ? 1 : 0;
usage:
	fprintf(stderr, "usage: inproc --db FILE --scenarios FILE [--key FILE] [--threads N] "
	                "[--duration S] [--only S1,S2] [--check]\n");
	return 2;
}
