/*
 * load.c - the api-runner's writers under load: threads that write over HTTP until told
 * to stop, and remember every write the server acknowledged, so that a test can kill the
 * server (SIGKILL), start it again and prove that every acknowledged write is there
 * (tests/api/README.md: "writer", "load", "crash", "verify").
 *
 * A writer is one line:
 *
 *   WHO METHOD PATH BODY -> .CAPTURE GET VERIFY_PATH
 *
 * WHO is "anon" or a login already signed in; in PATH, BODY and VERIFY_PATH, "@n" is a
 * number unique in the run, "@idno" a valid identity number made from it, and (in
 * VERIFY_PATH) "@v" the value captured from the answer. A write counts as acknowledged
 * only when the server answered 2xx with a body holding .CAPTURE.
 */
#include "load.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

struct writer {
	char cookie[128], csrf[128];
	char method[16];
	char *path, *body, *capture, *verify;
	long acked, refused;
	int expect; /* "-> refused STATUS": every answer must be this status */
	long wrong; /* such a writer's answers that were not */
	char last_error[256];
};

struct ack {
	int writer;
	char *value;
};

struct load {
	struct writer w[LOAD_MAX_WRITERS];
	int nw;
	pthread_t threads[LOAD_MAX_WRITERS * LOAD_MAX_THREADS];
	int nthreads;
	char addr[64];
	atomic_int stop;
	atomic_long next;
	pthread_mutex_t mu;
	struct ack *acks;
	size_t nacks, cap, marked, verified;
	long failed; /* answered, but not 2xx: counted, to tell a test what went wrong */
};

struct load *load_new(void)
{
	struct load *l = calloc(1, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	atomic_init(&l->next, 1);
	return l;
}

void load_free(struct load *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->nw; i++) {
		free(l->w[i].path);
		free(l->w[i].body);
		free(l->w[i].capture);
		free(l->w[i].verify);
	}
	for (size_t i = 0; i < l->nacks; i++)
		free(l->acks[i].value);
	free(l->acks);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	while (n && p[n - 1] == ' ')
		p[--n] = '\0';
	return p;
}

int load_add_writer(struct load *l, const char *spec, const char *cookie, const char *csrf,
                    char *err, size_t errlen)
{
	if (l->nw == LOAD_MAX_WRITERS) {
		snprintf(err, errlen, "at most %d writers", LOAD_MAX_WRITERS);
		return -1;
	}
	struct writer *w = &l->w[l->nw];
	memset(w, 0, sizeof(*w));
	char method[16];
	int off = 0;
	if (sscanf(spec, "%15s%n", method, &off) != 1) {
		snprintf(err, errlen, "writer: WHO METHOD PATH BODY -> .CAPTURE GET PATH");
		return -1;
	}
	const char *p = spec + off;
	while (*p == ' ')
		p++;
	const char *sp = strchr(p, ' ');
	const char *arrow = strstr(p, " -> ");
	if (!sp || !arrow || arrow < sp) {
		snprintf(err, errlen, "writer: WHO METHOD PATH BODY -> .CAPTURE GET PATH");
		return -1;
	}
	char capture[128], get[8], verify[512];
	if (!strncmp(arrow + 4, "refused ", 8)) {
		w->expect = (int)strtol(arrow + 12, NULL, 10);
		if (w->expect < 400 || w->expect > 599) {
			snprintf(err, errlen, "writer: after '-> refused', a 4xx or 5xx status");
			return -1;
		}
		snprintf(capture, sizeof(capture), ".-");
		verify[0] = '\0';
	} else if (sscanf(arrow + 4, "%127s %7s %511s", capture, get, verify) != 3 ||
	           strcmp(get, "GET") || capture[0] != '.') {
		snprintf(err, errlen, "writer: after '->', .CAPTURE GET PATH");
		return -1;
	}
	snprintf(w->method, sizeof(w->method), "%s", method);
	w->path = dup_range(p, (size_t)(sp - p));
	w->body = dup_range(sp + 1, (size_t)(arrow - sp - 1));
	w->capture = strdup(capture + 1);
	w->verify = strdup(verify);
	snprintf(w->cookie, sizeof(w->cookie), "%s", cookie ? cookie : "");
	snprintf(w->csrf, sizeof(w->csrf), "%s", csrf ? csrf : "");
	l->nw++;
	return 0;
}

/* An 18-digit identity number under 140406 (GB 11643): birth date from n, check digit. */
static void make_idno(unsigned long n, char out[19])
{
	unsigned day = (unsigned)(n % 28) + 1, month = (unsigned)(n / 28 % 12) + 1;
	unsigned year = 1940 + (unsigned)(n / 336 % 60), seq = (unsigned)(n / 20160 % 1000);
	char digits[32];
	snprintf(digits, sizeof(digits), "140406%04u%02u%02u%03u", year, month, day, seq);
	memcpy(out, digits, 17);
	static const int wt[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * wt[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* s with @n, @idno and @v replaced; the caller frees it. */
static char *fill(const char *s, long n, const char *v)
{
	size_t cap = strlen(s) + 64 + (v ? strlen(v) : 0) * 4, len = 0;
	char *o = malloc(cap);
	while (*s && len + 32 < cap) {
		if (!strncmp(s, "@idno", 5)) {
			make_idno((unsigned long)n, o + len);
			len += 18;
			s += 5;
		} else if (!strncmp(s, "@n", 2)) {
			len += (size_t)snprintf(o + len, cap - len, "%ld", n);
			s += 2;
		} else if (v && !strncmp(s, "@v", 2)) {
			len += (size_t)snprintf(o + len, cap - len, "%s", v);
			s += 2;
		} else {
			o[len++] = *s++;
		}
	}
	o[len] = '\0';
	return o;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	char **b = arg;
	size_t old = *b ? strlen(*b) : 0, add = size * n;
	char *nb = realloc(*b, old + add + 1);
	memcpy(nb + old, p, add);
	nb[old + add] = '\0';
	*b = nb;
	return add;
}

long load_http(const char *addr, const char *cookie, const char *csrf, const char *method,
               const char *path, const char *ctype, const char *body, const char *form, char **out)
{
	CURL *c = curl_easy_init();
	char url[1024], line[256];
	snprintf(url, sizeof(url), "http://%s%s", addr, path);
	struct curl_slist *h = curl_slist_append(NULL, "Expect:");
	if (cookie && cookie[0]) {
		snprintf(line, sizeof(line), "Cookie: cunwu_session=%s", cookie);
		h = curl_slist_append(h, line);
		snprintf(line, sizeof(line), "X-CSRF-Token: %s", csrf ? csrf : "");
		h = curl_slist_append(h, line);
	}
	curl_mime *mime = NULL;
	if (form) {
		const char *eq = strchr(form, '=');
		mime = curl_mime_init(c);
		curl_mimepart *part = curl_mime_addpart(mime);
		char name[64];
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - form) : 0, form);
		curl_mime_name(part, name);
		curl_mime_data(part, eq ? eq + 1 : "", CURL_ZERO_TERMINATED);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	} else if (body) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		         ctype ? ctype : "application/json");
		h = curl_slist_append(h, line);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (mime)
		curl_mime_free(mime);
	return status;
}

/* The string (or integer) at a dotted path of a JSON text; the caller frees it. */
static char *capture(const char *text, const char *path)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;
	const json_t *x = j;
	char key[128];
	while (x && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		x = json_object_get(x, key);
		path += n + (path[n] == '.');
	}
	char *v = NULL;
	if (json_is_string(x))
		v = strdup(json_string_value(x));
	else if (json_is_integer(x) && asprintf(&v, "%lld", (long long)json_integer_value(x)) < 0)
		v = NULL;
	json_decref(j);
	return v;
}

struct worker {
	struct load *l;
	int writer;
};

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct load *l = wk->l;
	struct writer *w = &l->w[wk->writer];
	while (!atomic_load(&l->stop)) {
		long n = atomic_fetch_add(&l->next, 1);
		char *path = fill(w->path, n, NULL), *body = fill(w->body, n, NULL), *out = NULL;
		long status =
		    load_http(l->addr, w->cookie, w->csrf, w->method, path, NULL, body, NULL, &out);
		char *v =
		    status >= 200 && status < 300 && !w->expect ? capture(out, w->capture) : NULL;
		pthread_mutex_lock(&l->mu);
		if (w->expect && status) {
			if (status == w->expect) {
				w->refused++;
			} else {
				w->wrong++;
				snprintf(w->last_error, sizeof(w->last_error), "%s -> %ld %.150s",
				         path, status, out ? out : "");
			}
		} else if (v) {
			if (l->nacks == l->cap) {
				l->cap = l->cap ? l->cap * 2 : 256;
				l->acks = realloc(l->acks, l->cap * sizeof(*l->acks));
			}
			l->acks[l->nacks++] = (struct ack){ wk->writer, v };
			w->acked++;
		} else if (status) {
			l->failed++;
			w->refused++;
			char e[sizeof(w->last_error)];
			snprintf(e, sizeof(e), "%s -> %ld %.150s", path, status, out ? out : "");
			memcpy(w->last_error, e, sizeof(e));
		}
		pthread_mutex_unlock(&l->mu);
		free(path);
		free(body);
		free(out);
		if (!status) { /* no server: wait for the test to stop us */
			struct timespec ms = { 0, 5 * 1000 * 1000 };
			nanosleep(&ms, NULL);
		}
	}
	free(wk);
	return NULL;
}

int load_start(struct load *l, const char *addr, int threads)
{
	if (threads > LOAD_MAX_THREADS)
		threads = LOAD_MAX_THREADS;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	atomic_store(&l->stop, 0);
	l->nthreads = 0;
	for (int i = 0; i < l->nw; i++)
		for (int k = 0; k < threads; k++) {
			struct worker *wk = malloc(sizeof(*wk));
			*wk = (struct worker){ l, i };
			if (pthread_create(&l->threads[l->nthreads], NULL, work, wk)) {
				free(wk);
				load_stop(l);
				return -1;
			}
			l->nthreads++;
		}
	return 0;
}

size_t load_stop(struct load *l)
{
	atomic_store(&l->stop, 1);
	for (int i = 0; i < l->nthreads; i++)
		pthread_join(l->threads[i], NULL);
	l->nthreads = 0;
	return l->nacks;
}

void load_mark(struct load *l)
{
	pthread_mutex_lock(&l->mu);
	l->marked = l->nacks;
	pthread_mutex_unlock(&l->mu);
}

int load_verify(struct load *l, const char *addr, enum load_which which, char *err, size_t errlen)
{
	for (int i = 0; i < l->nw; i++)
		if (l->w[i].expect && (l->w[i].wrong || !l->w[i].refused)) {
			snprintf(
			    err, errlen, "writer %d: %ld answers not %d (last: %s), %ld refused",
			    i + 1, l->w[i].wrong, l->w[i].expect,
			    l->w[i].last_error[0] ? l->w[i].last_error : "none", l->w[i].refused);
			return -1;
		} else if (which != LOAD_NEW && !l->w[i].expect && !l->w[i].acked) {
			snprintf(err, errlen,
			         "writer %d: no write acknowledged (%ld refused; last: %s)", i + 1,
			         l->w[i].refused,
			         l->w[i].last_error[0] ? l->w[i].last_error : "none");
			return -1;
		}
	size_t n = which == LOAD_MARKED ? l->marked : l->nacks;
	size_t from = which == LOAD_NEW ? l->verified : 0;
	for (size_t i = from; i < n; i++) {
		const struct writer *w = &l->w[l->acks[i].writer];
		char *path = fill(w->verify, 0, l->acks[i].value), *out = NULL;
		long status =
		    load_http(addr, w->cookie, w->csrf, "GET", path, NULL, NULL, NULL, &out);
		if (status != 200) {
			snprintf(err, errlen,
			         "acknowledged write %zu of %zu lost: GET %s -> %ld %.200s", i + 1,
			         n, path, status, out ? out : "");
			free(path);
			free(out);
			return -1;
		}
		free(path);
		free(out);
	}
	if (which != LOAD_MARKED)
		l->verified = n;
	return 0;
}

size_t load_acked(const struct load *l)
{
	return l->nacks;
}

long load_refused(const struct load *l)
{
	return l->failed;
}
