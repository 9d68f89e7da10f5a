/*
 * runner.c - runs the API tests in tests/api/NNNN-*.t over real HTTP against a real
 * `cunwu serve`, one fresh server and database per file, after curl's tests/data.
 *
 * usage: api-runner [-v] FILE...
 * env:   CUNWU_BIN      the binary under test (default build/cunwu)
 *        CUNWU_TEST_PG  a PostgreSQL server URL without a database name
 *                       (postgresql://user@127.0.0.1:PORT): run every file on PostgreSQL,
 *                       each in a database copied from a fixture database
 *
 * A test file is a list of steps; the first failing step ends the file. See
 * tests/api/README.md for the format. Output: one "ok"/"not ok" line per file and a
 * summary line "api: N passed, N failed, N skipped".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/totp.h"
#include "load.h"
#include "matrix.h"

#define PASSWORD "Test-pass-123"
#define MAXVARS  64
#define MAXIDS   16
#define MAXTOTP  8

static const char *bin = "build/cunwu";
static const char *pg; /* CUNWU_TEST_PG, or NULL for SQLite */
static char fixture_dir[512];
static int verbose;

/* ---- small helpers ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_reset(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* Start argv with stdout and stderr to those files (NULL: inherited); its pid or -1. */
static pid_t spawn_cmd(char *const argv[], const char *out_path, const char *err_path)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (out_path) {
			int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			dup2(fd, 1);
			close(fd);
		}
		if (err_path) {
			int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Wait for a spawned command: its exit status, 128 + signal, or -1. */
static int wait_cmd(pid_t pid)
{
	int st;
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int run_cmd(char *const argv[], const char *out_path, const char *err_path)
{
	return wait_cmd(spawn_cmd(argv, out_path, err_path));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = { 0 };
	char tmp[8192];
	size_t r;
	buf_add(&b, "", 0);
	while ((r = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_add(&b, tmp, r);
	fclose(f);
	return b.p;
}

/* ---- second factors ---- */

/*
 * An account's TOTP secret as the runner knows it: the fixture's administrators enrol
 * through the API at fixture time (make_fixture), and `totp USER SECRET` adds one a test
 * enrolled. The last step used is kept so that no code is sent twice (the server refuses a
 * replay): each login takes the earliest step the server still accepts (one of skew either
 * way), waiting for the next step when all three are used. The step before is taken only
 * while ten seconds or more of the current one are left: a code sent just before a step
 * ends reaches a slow server (ASan, a loaded machine) when it is two steps old.
 */
struct totp_user {
	char login[64];
	unsigned char key[TOTP_SECRET_BYTES];
	int64_t last;
};

static struct totp_user fixture_totp[MAXTOTP];
static int nfixture_totp;

static struct totp_user *totp_find(struct totp_user *v, int n, const char *login)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].login, login))
			return &v[i];
	return NULL;
}

/* the next code of u into out (TOTP_DIGITS + 1), its step marked used */
static void totp_next(struct totp_user *u, char *out)
{
	for (;;) {
		int64_t t = (int64_t)time(NULL), now = totp_step(t);
		int64_t first = totp_step(t + 10) == now ? now - 1 : now;
		int64_t s = u->last + 1 > first ? u->last + 1 : first;
		if (s <= now + 1) {
			totp_format(u->key, sizeof(u->key), s, out);
			u->last = s;
			return;
		}
		struct timespec ms = { 0, 200 * 1000 * 1000 };
		nanosleep(&ms, NULL);
	}
}

/* ---- test state ---- */

struct ident {
	char name[64];
	char cookie[128];
	char csrf[128];
	char bearer[256];
};

struct test {
	const char *file;
	char dir[512];
	char db[600];
	char key_set[800], media_set[800]; /* --set key_file=..., --set media.dir=... */
	int skip;                          /* "backend sqlite" on another backend */
	pid_t bg;                          /* "sql & ...", until "wait" */
	pid_t receiver;                    /* "receiver start": the webhook stand-in */
	char addr[64];
	pid_t server;
	char *sets[32];
	int nsets;
	char var_name[MAXVARS][64];
	char *var_value[MAXVARS];
	int nvars;
	struct ident ids[MAXIDS];
	int nids, cur;                  /* cur -1: anonymous */
	struct totp_user totp[MAXTOTP]; /* the fixture's, then those `totp` adds */
	int ntotp;
	char code[TOTP_DIGITS + 1]; /* the last ${code:USER} */
	int csrf_on;
	/* last response */
	long status;
	struct buf body, headers;
	json_t *json;
	char fail[2048];
	int lineno;
	struct load *load;     /* "writer" lines, "load", "crash", "verify" */
	struct matrix *matrix; /* "matrix-..." lines, until "matrix" */
};

static int failf(struct test *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(t->fail, sizeof(t->fail), "%s:%d: ", t->file, t->lineno);
	vsnprintf(t->fail + n, sizeof(t->fail) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void var_set(struct test *t, const char *name, const char *value);

static const char *var_get(struct test *t, const char *name)
{
	if (!strcmp(name, "dir"))
		return t->dir;
	if (!strcmp(name, "addr"))
		return t->addr;
	if (!strcmp(name, "db"))
		return t->db;
	if (!strcmp(name, "password"))
		return PASSWORD;
	if (!strncmp(name, "code:", 5)) { /* USER's next code; ${code_USER} repeats it */
		struct totp_user *u = totp_find(t->totp, t->ntotp, name + 5);
		if (!u)
			return NULL;
		totp_next(u, t->code);
		char last[80];
		snprintf(last, sizeof(last), "code_%s", name + 5);
		var_set(t, last, t->code);
		return t->code;
	}
	for (int i = 0; i < t->nvars; i++)
		if (!strcmp(t->var_name[i], name))
			return t->var_value[i];
	return NULL;
}

static void var_set(struct test *t, const char *name, const char *value)
{
	for (int i = 0; i < t->nvars; i++)
		if (!strcmp(t->var_name[i], name)) {
			free(t->var_value[i]);
			t->var_value[i] = strdup(value);
			return;
		}
	if (t->nvars < MAXVARS) {
		snprintf(t->var_name[t->nvars], 64, "%s", name);
		t->var_value[t->nvars++] = strdup(value);
	}
}

/* Expand ${name}; unknown names fail. */
static char *expand(struct test *t, const char *s)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	while (*s) {
		if (s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s, '}');
			if (end) {
				char name[64];
				snprintf(name, sizeof(name), "%.*s", (int)(end - s - 2), s + 2);
				const char *v = var_get(t, name);
				if (!v) {
					failf(t, "unknown variable ${%s}", name);
					free(b.p);
					return NULL;
				}
				buf_adds(&b, v);
				s = end + 1;
				continue;
			}
		}
		buf_add(&b, s, 1);
		s++;
	}
	return b.p;
}

/* "WHAT ~ text" / "WHAT !~ text": ${dir}/name holds the text, or not (said as what) */
static int file_holds(struct test *t, const char *name, const char *l, const char *what)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	const char *tilde = strchr(l, '~');
	char *text = slurp(path), *needle = expand(t, tilde + 2);
	int negate = tilde[-1] == '!', found = needle && text && strstr(text, needle), rc = 0;
	if (!needle || found == negate)
		rc = failf(t, "%s %s '%s': %.600s", what, negate ? "holds" : "lacks",
		           needle ? needle : "", text ? text : "(nothing)");
	free(text);
	free(needle);
	return rc;
}

/* ---- the webhook receiver ---- */

/*
 * A child process answering HTTP POSTs on a loopback port, standing in for a WeCom or
 * DingTalk robot or an SMS gateway: each request's line and body are appended to
 * ${dir}/received; it answers {"errcode":0} with 200, or with the status written in
 * ${dir}/receiver.status ("receiver fail": 500).
 */
static void receiver_serve(int fd, const char *dir)
{
	char path[700], spath[700];
	snprintf(path, sizeof(path), "%s/received", dir);
	snprintf(spath, sizeof(spath), "%s/receiver.status", dir);
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		struct buf b = { 0 };
		char tmp[4096];
		ssize_t n;
		size_t head = 0, want = 0;
		while ((n = read(c, tmp, sizeof(tmp))) > 0) {
			buf_add(&b, tmp, (size_t)n);
			char *end = head ? NULL : strstr(b.p, "\r\n\r\n");
			if (end) {
				head = (size_t)(end - b.p) + 4;
				*end = '\0';
				const char *cl = strcasestr(b.p, "content-length:");
				want = head + (cl ? strtoul(cl + 15, NULL, 10) : 0);
				*end = '\r';
			}
			if (head && b.n >= want)
				break;
		}
		char *st = slurp(spath);
		int status = st ? atoi(st) : 200;
		free(st);
		FILE *f = fopen(path, "ab");
		if (f && b.p) {
			fprintf(f, "%.*s\n%s\n\n", (int)strcspn(b.p, "\r"), b.p,
			        head ? b.p + head : "");
			fclose(f);
		}
		const char *body = status == 200 ? "{\"errcode\":0,\"errmsg\":\"ok\"}"
		                                 : "{\"errcode\":1,\"errmsg\":\"refused\"}";
		dprintf(c,
		        "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: "
		        "%zu\r\nConnection: close\r\n\r\n%s",
		        status, strlen(body), body);
		close(c);
		free(b.p);
	}
}

/* "receiver start" (${receiver} its URL), "receiver fail" (answer 500), "receiver ok" */
static int receiver_step(struct test *t, const char *what)
{
	char spath[700];
	snprintf(spath, sizeof(spath), "%s/receiver.status", t->dir);
	if (!strcmp(what, "fail") || !strcmp(what, "ok")) {
		FILE *f = fopen(spath, "w");
		if (!f || fputs(what[0] == 'f' ? "500" : "200", f) < 0 || fclose(f))
			return failf(t, "cannot write %s", spath);
		return 0;
	}
	if (strcmp(what, "start") || t->receiver)
		return failf(t, "receiver start | fail | ok (started once)");
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return failf(t, "receiver: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		return failf(t, "fork: %s", strerror(errno));
	if (pid == 0)
		receiver_serve(fd, t->dir);
	close(fd);
	t->receiver = pid;
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", ntohs(sa.sin_port));
	var_set(t, "receiver", url);
	return 0;
}

/* ---- server ---- */

static int server_start(struct test *t)
{
	char ready[700], log[700];
	snprintf(ready, sizeof(ready), "%s/ready", t->dir);
	snprintf(log, sizeof(log), "%s/server.log", t->dir);
	unlink(ready);
	char *argv[96];
	int n = 0;
	argv[n++] = (char *)bin;
	argv[n++] = "--db";
	argv[n++] = t->db;
	argv[n++] = "--set";
	argv[n++] = t->key_set;
	argv[n++] = "--set";
	argv[n++] = t->media_set;
	argv[n++] = "--set";
	argv[n++] = "http.stop_after=300";
	argv[n++] = "--set";
	argv[n++] = "auth.argon2_memory_kib=8192";
	argv[n++] = "--set";
	argv[n++] = "auth.argon2_ops=1";
	argv[n++] = "--set";
	argv[n++] = "jobs.poll_ms=50";
	/* a figure is never given late (a slow machine could make a fixture's figure costly):
	 * a test that writes then reads the cockpit sees its write; 0107 sets its own */
	argv[n++] = "--set";
	argv[n++] = "cockpit.late_cost_ms=3600000";
	char *sets[32];
	for (int i = 0; i < t->nsets; i++) { /* ${receiver} is known once it has started */
		if (!(sets[i] = expand(t, t->sets[i]))) {
			while (i--)
				free(sets[i]);
			return -1;
		}
		argv[n++] = "--set";
		argv[n++] = sets[i];
	}
	argv[n++] = "serve";
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--ready-file";
	argv[n++] = ready;
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return failf(t, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	t->server = pid;
	for (int i = 0; i < t->nsets; i++)
		free(sets[i]);
	for (int i = 0; i < 300; i++) {
		char *a = slurp(ready);
		if (a) {
			a[strcspn(a, "\n")] = '\0';
			snprintf(t->addr, sizeof(t->addr), "%s", a);
			free(a);
			return 0;
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			t->server = 0;
			char *l = slurp(log);
			failf(t, "server exited at start: %s", l ? l : "");
			free(l);
			return -1;
		}
		struct timespec ms = { 0, 20 * 1000 * 1000 };
		nanosleep(&ms, NULL);
	}
	return failf(t, "server did not become ready");
}

/* Stop with SIGTERM; a clean stop must exit 0 (under ASan, leaks make it non-zero). */
static int server_stop(struct test *t)
{
	if (!t->server)
		return 0;
	kill(t->server, SIGTERM);
	int st = 0;
	for (int i = 0; i < 1000; i++) {
		if (waitpid(t->server, &st, WNOHANG) == t->server)
			break;
		struct timespec ms = { 0, 20 * 1000 * 1000 };
		nanosleep(&ms, NULL);
		if (i == 999) {
			kill(t->server, SIGKILL);
			waitpid(t->server, &st, 0);
		}
	}
	t->server = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char log[700];
		snprintf(log, sizeof(log), "%s/server.log", t->dir);
		char *l = slurp(log);
		size_t len = l ? strlen(l) : 0;
		failf(t, "server did not stop cleanly (status %d); log tail: %s", st,
		      l ? l + (len > 1500 ? len - 1500 : 0) : "");
		free(l);
		return -1;
	}
	return 0;
}

/* ---- HTTP ---- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	buf_add(arg, p, size * n);
	return size * n;
}

/* Value of a response header (case-insensitive), copied into out; 0 if found. */
static int header_value(struct test *t, const char *name, char *out, size_t len)
{
	size_t nl = strlen(name);
	for (const char *p = t->headers.p; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			break;
		if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			snprintf(out, len, "%.*s", (int)(eol - v), v);
			return 0;
		}
		p = eol + 2;
	}
	return -1;
}

struct request {
	char method[16];
	char *path;
	struct curl_slist *headers;
	struct buf body;
	int has_body;
	/* upload: field=@file or field=value pairs */
	char *upload[8];
	int nupload;
};

static int http_do(struct test *t, struct request *rq)
{
	CURL *c = curl_easy_init();
	char url[2048];
	snprintf(url, sizeof(url), "http://%s%s", t->addr, rq->path);
	buf_reset(&t->body);
	buf_reset(&t->headers);
	buf_add(&t->body, "", 0);
	buf_add(&t->headers, "", 0);
	json_decref(t->json);
	t->json = NULL;
	struct curl_slist *h = NULL;
	for (struct curl_slist *x = rq->headers; x; x = x->next)
		h = curl_slist_append(h, x->data);
	char line[512];
	if (t->cur >= 0) {
		struct ident *id = &t->ids[t->cur];
		if (id->bearer[0]) {
			snprintf(line, sizeof(line), "Authorization: Bearer %s", id->bearer);
			h = curl_slist_append(h, line);
		} else if (id->cookie[0]) {
			snprintf(line, sizeof(line), "Cookie: cunwu_session=%s", id->cookie);
			h = curl_slist_append(h, line);
			if (t->csrf_on && strcmp(rq->method, "GET")) {
				snprintf(line, sizeof(line), "X-CSRF-Token: %s", id->csrf);
				h = curl_slist_append(h, line);
			}
		}
	}
	curl_mime *mime = NULL;
	if (rq->nupload) {
		mime = curl_mime_init(c);
		for (int i = 0; i < rq->nupload; i++) {
			char *eq = strchr(rq->upload[i], '=');
			if (!eq)
				continue;
			curl_mimepart *part = curl_mime_addpart(mime);
			*eq = '\0';
			if (eq > rq->upload[i]) /* "=value": a part without a name */
				curl_mime_name(part, rq->upload[i]);
			char *as = eq[1] == '@' ? strstr(eq + 1, ";filename=") : NULL;
			if (as) /* field=@file;filename=NAME: the name the client sends */
				*as = '\0';
			if (eq[1] == '@')
				curl_mime_filedata(part, eq + 2);
			if (as) {
				curl_mime_filename(part, as + 10);
				*as = ';';
			} else if (eq[1] != '@')
				curl_mime_data(part, eq + 1, CURL_ZERO_TERMINATED);
			*eq = '=';
		}
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	} else if (rq->has_body) {
		int has_ct = 0;
		for (struct curl_slist *x = rq->headers; x; x = x->next)
			if (!strncasecmp(x->data, "Content-Type:", 13))
				has_ct = 1;
		if (!has_ct)
			h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body.p);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)rq->body.n);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
	if (!strcmp(rq->method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &t->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &t->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (mime)
		curl_mime_free(mime);
	if (rc != CURLE_OK)
		return failf(t, "%s %s: %s", rq->method, rq->path, curl_easy_strerror(rc));
	if (t->body.n) {
		json_error_t je;
		t->json = json_loadb(t->body.p, t->body.n, JSON_DECODE_ANY, &je);
	}
	if (verbose)
		fprintf(stderr, "  %s %s -> %ld %.300s\n", rq->method, rq->path, t->status,
		        t->body.p);
	return 0;
}

/* ---- JSON matching: expected is a subset of actual ---- */

static int match(const json_t *want, const json_t *have, char *where, size_t wl);

static int match_string(const char *w, const json_t *have)
{
	if (!strcmp(w, "!")) /* the key must be absent */
		return have == NULL;
	if (!strcmp(w, "?"))
		return 1;
	if (!strcmp(w, "*"))
		return have && !json_is_null(have);
	if (!json_is_string(have))
		return 0;
	if (w[0] == '~')
		return strstr(json_string_value(have), w + 1) != NULL;
	return !strcmp(w, json_string_value(have));
}

static int match(const json_t *want, const json_t *have, char *where, size_t wl)
{
	size_t base = strlen(where);
	if (json_is_string(want))
		return match_string(json_string_value(want), have);
	if (!have)
		return 0;
	if (json_is_object(want)) {
		if (!json_is_object(have))
			return 0;
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)want, k, v)
		{
			snprintf(where + base, wl - base, ".%s", k);
			if (!match(v, json_object_get(have, k), where, wl))
				return 0;
		}
		where[base] = '\0';
		return 1;
	}
	if (json_is_array(want)) {
		if (!json_is_array(have))
			return 0;
		size_t n = json_array_size(want);
		int prefix = n && json_is_string(json_array_get(want, n - 1)) &&
		             !strcmp(json_string_value(json_array_get(want, n - 1)), "...");
		if (prefix)
			n--;
		if (prefix ? json_array_size(have) < n : json_array_size(have) != n) {
			snprintf(where + base, wl - base, " (length %zu)", json_array_size(have));
			return 0;
		}
		for (size_t i = 0; i < n; i++) {
			snprintf(where + base, wl - base, "[%zu]", i);
			if (!match(json_array_get(want, i), json_array_get(have, i), where, wl))
				return 0;
		}
		where[base] = '\0';
		return 1;
	}
	return json_equal((json_t *)want, (json_t *)have);
}

/* .a.b[2].c */
static const json_t *json_path(const json_t *j, const char *path)
{
	const char *p = path;
	while (j && *p) {
		if (*p == '.') {
			p++;
			size_t n = strcspn(p, ".[");
			char key[128];
			snprintf(key, sizeof(key), "%.*s", (int)n, p);
			j = n ? json_object_get(j, key) : j;
			p += n;
		} else if (*p == '[') {
			size_t idx = strtoul(p + 1, NULL, 10);
			j = json_array_get(j, idx);
			p = strchr(p, ']');
			if (!p)
				return NULL;
			p++;
		} else {
			return NULL;
		}
	}
	return j;
}

/* ---- the file ---- */

struct lines {
	char **v;
	int n;
};

static struct lines read_lines(const char *path)
{
	struct lines l = { 0 };
	char *text = slurp(path);
	if (!text)
		return l;
	int cap = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (l.n == cap) {
			cap = cap ? cap * 2 : 64;
			l.v = realloc(l.v, (size_t)cap * sizeof(*l.v));
		}
		l.v[l.n++] = strndup(p, n);
		p += n + (nl ? 1 : 0);
	}
	free(text);
	return l;
}

static int is_method(const char *s)
{
	static const char *const m[] = { "GET ",    "POST ", "PUT ",    "PATCH ",
		                         "DELETE ", "HEAD ", "OPTIONS " };
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strncmp(s, m[i], strlen(m[i])))
			return 1;
	return 0;
}

static int is_blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return !*s;
}

/* A step begins at a line that is not indented, not blank, not a comment. */
static int starts_step(const char *s)
{
	static const char *const words[] = {
		"login ", "as ",        "csrf ",   "expect ",   "capture ",  "repeat ",
		"cli ",   "sql ",       "sleep ",  "restart",   "upload ",   "poll ",
		"set ",   "body-size ", "stdout ", "stderr ",   "pg ",       "backend ",
		"wait",   "log ",       "save ",   "receiver ", "received ", "writer ",
		"load ",  "crash ",     "verify",  "on ",       "matrix",    "totp "
	};
	if (is_method(s))
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strncmp(s, words[i], strlen(words[i])))
			return 1;
	return 0;
}

static int check_expect(struct test *t, struct lines *L, int *i, const char *what)
{
	/* expect STATUS, then header lines, then JSON until blank line or next step */
	const char *line = L->v[*i];
	t->lineno = *i + 1;
	long want = strtol(line + 7, NULL, 10);
	(*i)++;
	struct buf json = { 0 };
	buf_add(&json, "", 0);
	int rc = 0;
	if (t->status != want)
		rc = failf(t, "%s: expected status %ld, got %ld: %.600s", what, want, t->status,
		           t->body.p);
	for (; *i < L->n && !rc; (*i)++) {
		char *l = L->v[*i];
		t->lineno = *i + 1;
		if (is_blank(l) || (starts_step(l) && !json.n))
			break;
		if (l[0] == '#')
			continue;
		if (!json.n && l[0] != '{' && l[0] != '[' && strchr(l, ':')) {
			/* header expectation: Name: value (substring), "*" any, !Name absent */
			char *x = expand(t, l);
			if (!x)
				return -1;
			char name[128], have[1024];
			int absent = x[0] == '!';
			char *colon = strchr(x, ':');
			snprintf(name, sizeof(name), "%.*s", (int)(colon - x - absent), x + absent);
			const char *v = colon + 1;
			while (*v == ' ')
				v++;
			int found = header_value(t, name, have, sizeof(have)) == 0;
			if (absent && found)
				rc = failf(t, "header %s should be absent, is '%s'", name, have);
			else if (!absent && !found)
				rc = failf(t, "header %s is missing", name);
			else if (!absent && strcmp(v, "*") && !strstr(have, v))
				rc = failf(t, "header %s is '%s', expected '%s'", name, have, v);
			free(x);
			continue;
		}
		char *x = expand(t, l);
		if (!x)
			return -1;
		buf_adds(&json, x);
		buf_adds(&json, "\n");
		free(x);
	}
	if (!rc && json.n) {
		json_error_t je;
		json_t *w = json_loads(json.p, JSON_DECODE_ANY, &je);
		char where[512] = "";
		if (!w)
			rc = failf(t, "bad expected JSON: %s", je.text);
		else if (!match(w, t->json, where, sizeof(where)))
			rc = failf(t, "%s: body does not match at '%s': %.800s", what, where,
			           t->body.p);
		json_decref(w);
	}
	free(json.p);
	return rc;
}

static void request_free(struct request *rq)
{
	free(rq->path);
	curl_slist_free_all(rq->headers);
	free(rq->body.p);
	for (int k = 0; k < rq->nupload; k++)
		free(rq->upload[k]);
	memset(rq, 0, sizeof(*rq));
}

/* Parse METHOD PATH + headers + body starting at *i; leaves *i at the expect line. */
static int parse_request(struct test *t, struct lines *L, int *i, struct request *rq)
{
	char *x = expand(t, L->v[*i]);
	if (!x)
		return -1;
	char *sp = strchr(x, ' ');
	snprintf(rq->method, sizeof(rq->method), "%.*s", (int)(sp - x), x);
	if (!strcmp(rq->method, "upload")) {
		snprintf(rq->method, sizeof(rq->method), "POST");
		char *save, *tok = strtok_r(sp + 1, " ", &save);
		rq->path = strdup(tok ? tok : "/");
		while ((tok = strtok_r(NULL, " ", &save)) && rq->nupload < 8) {
			char *eq = strchr(tok, '=');
			if (eq && eq[1] == '@' && eq[2] != '/') {
				/* relative to tests/api/ */
				char full[1024];
				snprintf(full, sizeof(full), "%.*s=@%s/files/%s", (int)(eq - tok),
				         tok, fixture_dir, eq + 2);
				rq->upload[rq->nupload++] = strdup(full);
			} else {
				rq->upload[rq->nupload++] = strdup(tok);
			}
		}
	} else {
		rq->path = strdup(sp + 1);
	}
	free(x);
	(*i)++;
	for (; *i < L->n; (*i)++) {
		char *l = L->v[*i];
		if (!strncmp(l, "expect ", 7) || (!rq->body.n && is_blank(l)))
			break;
		if (!strncmp(l, "body-size ", 10)) {
			long n = strtol(l + 10, NULL, 10);
			buf_adds(&rq->body, "{\"x\":\"");
			for (long k = 0; k < n; k++)
				buf_add(&rq->body, "a", 1);
			buf_adds(&rq->body, "\"}");
			rq->has_body = 1;
			continue;
		}
		char *y = expand(t, l);
		if (!y)
			return -1;
		if (!rq->body.n && y[0] != '{' && y[0] != '[' && strchr(y, ':') && !rq->has_body)
			rq->headers = curl_slist_append(rq->headers, y);
		else {
			buf_adds(&rq->body, y);
			buf_adds(&rq->body, "\n");
			rq->has_body = 1;
		}
		free(y);
	}
	if (*i >= L->n || strncmp(L->v[*i], "expect ", 7))
		return failf(t, "request without 'expect STATUS'");
	if (rq->has_body && rq->body.n && rq->body.p[rq->body.n - 1] == '\n')
		rq->body.p[--rq->body.n] = '\0';
	return 0;
}

/* The "stdout ~ text" / "stderr ~ text" lines after a cli or sql step ("!~": absent). */
static int check_output(struct test *t, struct lines *L, int *i, const char *out, const char *err)
{
	int rc = 0;
	while (!rc && *i < L->n &&
	       (!strncmp(L->v[*i], "stdout ", 7) || !strncmp(L->v[*i], "stderr ", 7))) {
		const char *l = L->v[*i];
		int negate = !strncmp(l + 7, "!~ ", 3);
		if (!negate && strncmp(l + 7, "~ ", 2))
			break;
		t->lineno = *i + 1;
		const char *hay = l[3] == 'o' ? out : err;
		char *needle = expand(t, l + 7 + (negate ? 3 : 2));
		int found = needle && hay && strstr(hay, needle);
		if (!needle || found == negate)
			rc = failf(t, "%.6s %s '%s': %s", l, negate ? "holds" : "lacks",
			           needle ? needle : "", hay ? hay : "");
		free(needle);
		(*i)++;
	}
	return rc;
}

static int find_ident(struct test *t, const char *name)
{
	for (int k = 0; k < t->nids; k++)
		if (!strcmp(t->ids[k].name, name))
			return k;
	return -1;
}

static int do_login(struct test *t, const char *user, const char *password)
{
	struct request rq = { 0 };
	snprintf(rq.method, sizeof(rq.method), "POST");
	rq.path = strdup("/api/v1/session");
	char body[512], code[TOTP_DIGITS + 1] = "";
	struct totp_user *u = totp_find(t->totp, t->ntotp, user);
	if (u)
		totp_next(u, code);
	snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"%s%s%s}", user, password,
	         u ? ",\"code\":\"" : "", code, u ? "\"" : "");
	buf_adds(&rq.body, body);
	rq.has_body = 1;
	int save = t->cur;
	t->cur = -1;
	int rc = http_do(t, &rq);
	request_free(&rq);
	t->cur = save;
	if (rc)
		return -1;
	if (t->status != 200)
		return failf(t, "login %s: status %ld: %s", user, t->status, t->body.p);
	char cookie[512];
	if (header_value(t, "Set-Cookie", cookie, sizeof(cookie)))
		return failf(t, "login %s: no Set-Cookie", user);
	int k = find_ident(t, user);
	if (k < 0) {
		if (t->nids == MAXIDS)
			return failf(t, "too many identities");
		k = t->nids++;
	}
	struct ident *id = &t->ids[k];
	memset(id, 0, sizeof(*id));
	snprintf(id->name, sizeof(id->name), "%s", user);
	char *v = strstr(cookie, "cunwu_session=");
	if (!v)
		return failf(t, "login %s: no cunwu_session cookie", user);
	v += 14;
	snprintf(id->cookie, sizeof(id->cookie), "%.*s", (int)strcspn(v, ";"), v);
	const json_t *csrf = json_path(t->json, ".csrf_token");
	snprintf(id->csrf, sizeof(id->csrf), "%s", csrf ? json_string_value(csrf) : "");
	t->cur = k;
	return 0;
}

/* Kill the server with SIGKILL while the writers write, `rounds` times; after each
 * restart every write acknowledged so far must be there. The moments are random; the
 * seed is in the failure message (CUNWU_CRASH_SEED repeats a run). */
static int crash_rounds(struct test *t, int rounds, int threads)
{
	unsigned seed = getenv("CUNWU_CRASH_SEED")
	                    ? (unsigned)strtoul(getenv("CUNWU_CRASH_SEED"), NULL, 10)
	                    : (unsigned)time(NULL) ^ (unsigned)getpid();
	char err[600];
	for (int r = 1; r <= rounds; r++) {
		if (load_start(t->load, t->addr, threads))
			return failf(t, "unable to start the writers");
		long ms = 20 + (long)(rand_r(&seed) % 300);
		struct timespec ts = { 0, ms * 1000000 };
		nanosleep(&ts, NULL);
		kill(t->server, SIGKILL);
		waitpid(t->server, NULL, 0);
		t->server = 0;
		load_stop(t->load);
		if (server_start(t))
			return -1;
		if (load_verify(t->load, t->addr, r < rounds ? LOAD_NEW : LOAD_ALL, err,
		                sizeof(err)))
			return failf(t, "round %d (killed after %ld ms; seed %u): %s", r, ms, seed,
			             err);
		if (verbose)
			fprintf(stderr, "  crash round %d: killed after %ld ms, %zu acknowledged\n",
			        r, ms, load_acked(t->load));
	}
	return 0;
}

static int load_step(struct test *t, const char *l)
{
	char err[600];
	if (!t->load)
		t->load = load_new();
	if (!strncmp(l, "writer ", 7)) {
		char *x = expand(t, l + 7);
		if (!x)
			return -1;
		char who[64];
		int off = 0, rc = -1;
		if (sscanf(x, "%63s %n", who, &off) != 1) {
			free(x);
			return failf(t, "writer WHO METHOD PATH BODY -> .CAPTURE GET PATH");
		}
		int k = strcmp(who, "anon") ? find_ident(t, who) : -1;
		if (strcmp(who, "anon") && k < 0)
			failf(t, "writer: '%s' has not signed in", who);
		else if (load_add_writer(t->load, x + off, k < 0 ? NULL : t->ids[k].cookie,
		                         k < 0 ? NULL : t->ids[k].csrf, err, sizeof(err)))
			failf(t, "%s", err);
		else
			rc = 0;
		free(x);
		return rc;
	}
	if (!strncmp(l, "load start", 10)) {
		int threads = l[10] == ' ' ? (int)strtol(l + 11, NULL, 10) : 2;
		return load_start(t->load, t->addr, threads > 0 ? threads : 2)
		           ? failf(t, "unable to start the writers")
		           : 0;
	}
	if (!strcmp(l, "load mark")) {
		load_mark(t->load);
		return 0;
	}
	if (!strcmp(l, "load stop")) {
		size_t n = load_stop(t->load);
		if (verbose)
			fprintf(stderr, "  load: %zu acknowledged, %ld refused\n", n,
			        load_refused(t->load));
		return 0;
	}
	if (!strncmp(l, "crash ", 6)) {
		int rounds = 0, threads = 2;
		if (sscanf(l + 6, "%d %d", &rounds, &threads) < 1 || rounds < 1)
			return failf(t, "crash ROUNDS [THREADS]");
		if (getenv("CUNWU_CRASH_ROUNDS")) /* the long version: make soak */
			rounds = (int)strtol(getenv("CUNWU_CRASH_ROUNDS"), NULL, 10);
		return crash_rounds(t, rounds, threads);
	}
	if (!strcmp(l, "verify") || !strcmp(l, "verify marked"))
		return load_verify(t->load, t->addr, l[6] == ' ' ? LOAD_MARKED : LOAD_ALL, err,
		                   sizeof(err))
		           ? failf(t, "%s", err)
		           : 0;
	return failf(t, "unknown step '%s'", l);
}

static int matrix_login(void *arg, const char *who, char *cookie, size_t cookie_len, char *csrf,
                        size_t csrf_len)
{
	struct test *t = arg;
	int save = t->cur;
	if (do_login(t, who, PASSWORD))
		return -1;
	snprintf(cookie, cookie_len, "%s", t->ids[t->cur].cookie);
	snprintf(csrf, csrf_len, "%s", t->ids[t->cur].csrf);
	t->cur = save;
	return 0;
}

/* "matrix-target KIND A B", "matrix-param", "matrix-except" collect; "matrix WHO..." runs
 * every route as every one of them, and without a session */
static int matrix_step(struct test *t, const char *l)
{
	char err[4096];
	if (!t->matrix)
		t->matrix = matrix_new();
	if (strncmp(l, "matrix ", 7)) {
		char *x = expand(t, l);
		int rc = !x || matrix_line(t->matrix, x, err, sizeof(err));
		free(x);
		return rc ? (x ? failf(t, "%s", err) : -1) : 0;
	}
	struct matrix_env env = {
		.addr = t->addr, .login = matrix_login, .arg = t, .verbose = verbose
	};
	char who[16][64];
	for (const char *s = l + 7; *s && env.nwho < 16;) {
		int n = 0;
		if (sscanf(s, "%63s%n", who[env.nwho], &n) != 1)
			break;
		env.who[env.nwho] = who[env.nwho];
		env.nwho++;
		s += n;
	}
	char out[700];
	snprintf(out, sizeof(out), "%s/routes.json", t->dir);
	char *argv[] = { (char *)bin, "routes", "--json", NULL };
	char *routes = run_cmd(argv, out, NULL) ? NULL : slurp(out);
	if (!routes)
		return failf(t, "cunwu routes --json failed");
	int rc = matrix_run(t->matrix, &env, routes, err, sizeof(err));
	free(routes);
	matrix_free(t->matrix);
	t->matrix = NULL;
	return rc ? failf(t, "%s", err) : 0;
}

static int run_file(struct test *t)
{
	struct lines L = read_lines(t->file);
	if (!L.n)
		return failf(t, "unable to read");
	int rc = 0, started = 0;
	t->cur = -1;
	t->csrf_on = 1;
	/* set lines configure the server and must come first */
	int i = 0;
	for (; i < L.n; i++) {
		if (!strncmp(L.v[i], "set ", 4) && t->nsets < 32)
			t->sets[t->nsets++] = strdup(L.v[i] + 4);
		if (!strncmp(L.v[i], "backend ", 8) &&
		    strcmp(L.v[i] + 8, pg ? "postgresql" : "sqlite"))
			t->skip = 1;
	}
	if (t->skip) {
		for (int k = 0; k < L.n; k++)
			free(L.v[k]);
		free(L.v);
		return 0;
	}
	for (i = 0; i < L.n && !rc;) {
		char *l = L.v[i];
		t->lineno = i + 1;
		if (!strncmp(l, "on sqlite ", 10) || !strncmp(l, "on postgresql ", 14)) {
			/* one step for one backend; on the other, it and its expectations are
			 * skipped */
			const char *b = pg ? "postgresql " : "sqlite ";
			if (!strncmp(l + 3, b, strlen(b))) {
				memmove(l, l + 3 + strlen(b), strlen(l + 3 + strlen(b)) + 1);
			} else {
				for (i++; i < L.n && !is_blank(L.v[i]) &&
				          (!starts_step(L.v[i]) || !strncmp(L.v[i], "expect ", 7) ||
				           !strncmp(L.v[i], "stdout ", 7) ||
				           !strncmp(L.v[i], "stderr ", 7));
				     i++)
					;
				continue;
			}
		}
		if (is_blank(l) || l[0] == '#' || !strncmp(l, "set ", 4) ||
		    !strncmp(l, "backend ", 8)) {
			i++;
			continue;
		}
		if (!started && strncmp(l, "sql ", 4) && strncmp(l, "cli ", 4) &&
		    strncmp(l, "receiver ", 9)) {
			if ((rc = server_start(t)))
				break;
			started = 1;
		}
		int repeat = 1, poll = 0;
		if (!strncmp(l, "repeat ", 7)) {
			repeat = atoi(l + 7);
			l = L.v[++i];
		}
		if (!strncmp(l, "poll ", 5)) {
			poll = 1;
		}
		if (!strncmp(l, "totp ", 5)) {
			/* totp USER SECRET: USER enrolled with SECRET (base32) in this test */
			char user[64], sec[128];
			char *x = expand(t, l + 5);
			struct totp_user *u = NULL;
			if (!x || sscanf(x, "%63s %127s", user, sec) != 2) {
				rc = x ? failf(t, "totp USER SECRET") : -1;
			} else if (!(u = totp_find(t->totp, t->ntotp, user)) &&
			           t->ntotp == MAXTOTP) {
				rc = failf(t, "too many second factors");
			} else {
				if (!u)
					u = &t->totp[t->ntotp++];
				memset(u, 0, sizeof(*u));
				snprintf(u->login, sizeof(u->login), "%s", user);
				if (totp_b32_decode(sec, strlen(sec), u->key, sizeof(u->key)) !=
				    TOTP_SECRET_BYTES)
					rc = failf(t, "totp: '%s' is not a secret", sec);
			}
			free(x);
			i++;
		} else if (!strncmp(l, "login ", 6)) {
			char user[64], pw[128] = PASSWORD;
			if (sscanf(l + 6, "%63s %127s", user, pw) < 1)
				rc = failf(t, "login USER [PASSWORD]");
			else
				rc = do_login(t, user, pw);
			i++;
		} else if (!strncmp(l, "as ", 3)) {
			const char *who = l + 3;
			if (!strcmp(who, "anon")) {
				t->cur = -1;
			} else if (!strncmp(who, "bearer ", 7)) {
				char *x = expand(t, who + 7);
				if (!x) {
					rc = -1;
					break;
				}
				int k = find_ident(t, "#bearer");
				if (k < 0)
					k = t->nids++;
				memset(&t->ids[k], 0, sizeof(t->ids[k]));
				snprintf(t->ids[k].name, 64, "#bearer");
				snprintf(t->ids[k].bearer, sizeof(t->ids[k].bearer), "%s", x);
				free(x);
				t->cur = k;
			} else if ((t->cur = find_ident(t, who)) < 0) {
				rc = failf(t, "no identity '%s' (login first)", who);
			}
			i++;
		} else if (!strncmp(l, "csrf ", 5)) {
			t->csrf_on = !strcmp(l + 5, "on");
			i++;
		} else if (!strncmp(l, "capture ", 8)) {
			char name[64], src[256];
			if (sscanf(l + 8, "%63s = %255[^\n]", name, src) != 2) {
				rc = failf(t, "capture NAME = .json.path | header NAME");
			} else if (!strncmp(src, "header ", 7)) {
				char v[1024];
				if (header_value(t, src + 7, v, sizeof(v)))
					rc = failf(t, "no header %s to capture", src + 7);
				else
					var_set(t, name, v);
			} else {
				const json_t *v = json_path(t->json, src);
				if (json_is_string(v)) {
					var_set(t, name, json_string_value(v));
				} else if (json_is_integer(v)) {
					char num[32];
					snprintf(num, sizeof(num), "%lld",
					         (long long)json_integer_value(v));
					var_set(t, name, num);
				} else {
					rc = failf(t, "nothing at %s to capture in %.300s", src,
					           t->body.p);
				}
			}
			i++;
		} else if (!strncmp(l, "save ", 5)) {
			/* the last answer's body into ${dir}/NAME (a download to look into) */
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", t->dir, l + 5);
			FILE *f = fopen(path, "wb");
			if (!f || fwrite(t->body.p, 1, t->body.n, f) != t->body.n || fclose(f))
				rc = failf(t, "cannot save the answer to %s", path);
			i++;
		} else if (!strncmp(l, "sleep ", 6)) {
			long ms = strtol(l + 6, NULL, 10);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
			nanosleep(&ts, NULL);
			i++;
		} else if (!strcmp(l, "pg stop") || !strcmp(l, "pg start")) {
			/* the PostgreSQL server goes away, or comes back (fault tests) */
			const char *dir = getenv("CUNWU_TEST_PG_DIR");
			char *argv[] = { "scripts/pg-cluster",
				         l[3] == 's' && l[5] == 'o' ? "pause" : "resume",
				         (char *)(dir ? dir : ""), NULL };
			if (!pg || !dir)
				rc = failf(t, "'%s' needs CUNWU_TEST_PG and CUNWU_TEST_PG_DIR", l);
			else if (run_cmd(argv, "/dev/null", NULL))
				rc = failf(t, "'%s' failed", l);
			i++;
		} else if (!strcmp(l, "restart")) {
			rc = server_stop(t) || server_start(t);
			i++;
		} else if (!strncmp(l, "restart ", 8)) {
			/* serve another database (a restored backup) from now on */
			char *db = expand(t, l + 8);
			rc = !db || server_stop(t);
			if (!rc) {
				snprintf(t->db, sizeof(t->db), "%s", db);
				rc = server_start(t);
			}
			free(db);
			i++;
		} else if (!strncmp(l, "writer ", 7) || !strncmp(l, "load ", 5) ||
		           !strncmp(l, "crash ", 6) || !strncmp(l, "verify", 6)) {
			rc = load_step(t, l);
			i++;
		} else if (!strncmp(l, "matrix", 6)) {
			rc = matrix_step(t, l);
			i++;
		} else if (!strncmp(l, "sql ", 4) || !strcmp(l, "wait")) {
			/* "sql & STATEMENT" runs in the background until "wait" */
			int bg = !strncmp(l, "sql & ", 6), rc_sql = 0;
			const char *sfx = bg || l[0] == 'w' ? "-bg" : "";
			char out[700], err[700];
			snprintf(out, sizeof(out), "%s/sql%s.out", t->dir, sfx);
			snprintf(err, sizeof(err), "%s/sql%s.err", t->dir, sfx);
			if (l[0] == 'w') {
				if (!t->bg) {
					rc = failf(t, "wait without 'sql & ...'");
					break;
				}
				rc_sql = wait_cmd(t->bg);
				t->bg = 0;
			} else {
				char *x = expand(t, l + (bg ? 6 : 4));
				if (!x || (bg && t->bg)) {
					rc = x ? failf(t, "one 'sql &' at a time") : -1;
					free(x);
					break;
				}
				/* wait for the server's locks (the job scheduler writes as it
				 * polls) */
				char *lite[] = {
					"sqlite3", "-cmd", ".timeout 5000", t->db, x, NULL
				};
				char *psql[] = { "psql", "-X",  "-q",
					         "-tA",  "-v",  "ON_ERROR_STOP=1",
					         "-d",   t->db, "-c",
					         x,      NULL };
				pid_t pid = spawn_cmd(pg ? psql : lite, out, err);
				free(x);
				if (bg) {
					t->bg = pid;
					i++;
					continue;
				}
				rc_sql = wait_cmd(pid);
			}
			if (rc_sql != 0) {
				char *m = slurp(err);
				rc = failf(t, "sql failed: %s", m ? m : "");
				free(m);
			}
			i++;
			char *o = slurp(out);
			if (!rc)
				rc = check_output(t, &L, &i, o, NULL);
			free(o);
		} else if (!strncmp(l, "log ~ ", 6) || !strncmp(l, "log !~ ", 7)) {
			/* the server's log holds the text, or not */
			rc = file_holds(t, "server.log", l, "server log");
			i++;
		} else if (!strncmp(l, "receiver ", 9)) {
			rc = receiver_step(t, l + 9);
			i++;
		} else if (!strncmp(l, "received ~ ", 11) || !strncmp(l, "received !~ ", 12)) {
			/* what the receiver was sent holds the text, or not */
			rc = file_holds(t, "received", l, "the receiver's file");
			i++;
		} else if (!strncmp(l, "cli ", 4)) {
			char *x = expand(t, l + 4);
			if (!x) {
				rc = -1;
				break;
			}
			char *argv[64];
			int n = 0;
			argv[n++] = (char *)bin;
			argv[n++] = "--db";
			argv[n++] = t->db;
			argv[n++] = "--set";
			argv[n++] = t->key_set;
			argv[n++] = "--set";
			argv[n++] = t->media_set;
			char *save;
			for (char *tok = strtok_r(x, " ", &save); tok && n < 62;
			     tok = strtok_r(NULL, " ", &save))
				argv[n++] = tok;
			argv[n] = NULL;
			char out[700], err[700];
			snprintf(out, sizeof(out), "%s/cli.out", t->dir);
			snprintf(err, sizeof(err), "%s/cli.err", t->dir);
			int code = run_cmd(argv, out, err);
			free(x);
			i++;
			long want = 0;
			if (i < L.n && !strncmp(L.v[i], "expect exit ", 12)) {
				want = strtol(L.v[i] + 12, NULL, 10);
				i++;
			}
			char *o = slurp(out), *e = slurp(err);
			if (code != want)
				rc = failf(t, "cli exited %d, expected %ld: %s%s", code, want,
				           o ? o : "", e ? e : "");
			if (!rc)
				rc = check_output(t, &L, &i, o, e);
			if (!rc) { /* capture the first token of stdout as ${out} */
				var_set(t, "out", o ? o : "");
			}
			free(o);
			free(e);
		} else if (is_method(l) || !strncmp(l, "upload ", 7) || poll) {
			int start = i;
			if (poll) {
				char *rest = strdup(l + 5); /* l is L.v[i]: copy before freeing */
				free(L.v[i]);
				L.v[i] = rest;
			}
			struct request rq = { 0 };
			if ((rc = parse_request(t, &L, &i, &rq))) {
				request_free(&rq);
				break;
			}
			int expect_at = i;
			for (int r = 0; r < repeat && !rc; r++) {
				if (poll) {
					/* retry until the expectation holds, up to 20 s */
					for (int tries = 0;; tries++) {
						rc = http_do(t, &rq);
						int j = expect_at;
						if (!rc)
							rc = check_expect(t, &L, &j, L.v[start]);
						i = j;
						if (!rc || tries == 400)
							break;
						rc = 0;
						struct timespec ms = { 0, 50 * 1000 * 1000 };
						nanosleep(&ms, NULL);
					}
				} else {
					int j = expect_at;
					rc = http_do(t, &rq) || check_expect(t, &L, &j, L.v[start]);
					i = j;
				}
			}
			request_free(&rq);
		} else {
			rc = failf(t, "unknown step '%s'", l);
		}
	}
	if (t->bg) { /* a failed step left it running */
		kill(t->bg, SIGTERM);
		wait_cmd(t->bg);
		t->bg = 0;
	}
	if (t->receiver) {
		kill(t->receiver, SIGTERM);
		waitpid(t->receiver, NULL, 0);
		t->receiver = 0;
	}
	if (server_stop(t) && !rc)
		rc = -1;
	for (int k = 0; k < L.n; k++)
		free(L.v[k]);
	free(L.v);
	return rc;
}

/* The fixture: a database with the demo town and one account per role we test. */
/* psql against the server's maintenance database; 0 on success */
static int pg_admin(const char *sql)
{
	char url[600];
	snprintf(url, sizeof(url), "%s/postgres", pg);
	char *argv[] = { "psql", "-X", "-q", "-v",        "ON_ERROR_STOP=1",
		         "-d",   url,  "-c", (char *)sql, NULL };
	return run_cmd(argv, "/dev/null", NULL);
}

/* one request of the fixture's enrolment: 0 if it answered want */
static int fixture_call(struct test *t, const char *method, const char *path, const char *body,
                        long want)
{
	struct request rq = { 0 };
	snprintf(rq.method, sizeof(rq.method), "%s", method);
	rq.path = strdup(path);
	if (body) {
		buf_adds(&rq.body, body);
		rq.has_body = 1;
	}
	int rc = http_do(t, &rq);
	request_free(&rq);
	if (!rc && t->status != want)
		rc = failf(t, "%s %s: status %ld: %s", method, path, t->status, t->body.p);
	return rc;
}

/*
 * The administrators (admin, security, auditor) must sign in with a second factor
 * (auth.admin_totp): each enrols one as a person would, over the API of a server on the
 * fixture database (a session that may only enrol, a new secret, confirmed with a code).
 * The runner keeps the secrets (fixture_totp) to send codes at each `login`.
 */
static int fixture_enrol(const char *dir, const char *db, const char *key_set,
                         const char *media_set)
{
	static const char *const admins[] = { "admin", "security", "auditor" };
	struct test *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	t->file = "fixture";
	snprintf(t->dir, sizeof(t->dir), "%s", dir);
	snprintf(t->db, sizeof(t->db), "%s", db);
	snprintf(t->key_set, sizeof(t->key_set), "%s", key_set);
	snprintf(t->media_set, sizeof(t->media_set), "%s", media_set);
	t->cur = -1;
	t->csrf_on = 1;
	char media[700];
	snprintf(media, sizeof(media), "%s/media", dir);
	mkdir(media, 0755);
	int rc = server_start(t);
	for (size_t i = 0; !rc && i < sizeof(admins) / sizeof(admins[0]); i++) {
		rc = do_login(t, admins[i], PASSWORD) ||
		     fixture_call(t, "POST", "/api/v1/me/totp", NULL, 201);
		const json_t *sec = rc ? NULL : json_path(t->json, ".secret");
		if (rc || !json_is_string(sec)) {
			rc = rc ? rc : failf(t, "no secret in %s", t->body.p);
			break;
		}
		struct totp_user *u = &fixture_totp[nfixture_totp++];
		snprintf(u->login, sizeof(u->login), "%s", admins[i]);
		const char *b = json_string_value(sec);
		if (totp_b32_decode(b, strlen(b), u->key, sizeof(u->key)) != TOTP_SECRET_BYTES) {
			rc = failf(t, "secret '%s' does not decode", b);
			break;
		}
		char code[TOTP_DIGITS + 1], body[64];
		totp_next(u, code);
		snprintf(body, sizeof(body), "{\"code\":\"%s\"}", code);
		rc = fixture_call(t, "POST", "/api/v1/me/totp/confirm", body, 204);
	}
	if (server_stop(t) && !rc)
		rc = -1;
	if (rc)
		fprintf(stderr, "api: the fixture's second factors: %s\n", t->fail);
	free(t->body.p);
	free(t->headers.p);
	json_decref(t->json);
	free(t);
	return rc;
}

static int make_fixture(const char *dir)
{
	char db[600], key_set[700], media_set[700];
	if (pg) {
		char sql[200];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS cunwu_fixture");
		pg_admin(sql);
		if (pg_admin("CREATE DATABASE cunwu_fixture TEMPLATE template0 LC_COLLATE 'C' "
		             "LC_CTYPE 'C' ENCODING 'UTF8'"))
			return -1;
		snprintf(db, sizeof(db), "%s/cunwu_fixture", pg);
	} else {
		snprintf(db, sizeof(db), "%s/fixture.db", dir);
	}
	snprintf(key_set, sizeof(key_set), "key_file=%s/cunwu.key", dir);
	snprintf(media_set, sizeof(media_set), "media.dir=%s/media", dir);
	struct {
		const char *login, *name, *place, *role;
	} users[] = {
		{ "admin", "管理员", "140406101", "sysadmin" },
		{ "security", "安全员", "140406101", "secadmin" },
		{ "auditor", "审计员", "140406101", "auditor" },
		{ "leader", "镇长", "140406101", "town_leader" },
		{ "cadre1", "秦家山书记", "140406101204", "branch_secretary" },
		{ "cadre2", "冯村书记", "140406101205", "branch_secretary" },
		{ "grid1", "网格员", "140406101204", "grid_worker" },
		{ "resident1", "居民", "140406101204", "resident" },
	};
	char *init[] = { (char *)bin, "--db",   db,
		         "--set",     key_set,  "--set",
		         media_set,   "--set",  "auth.argon2_memory_kib=8192",
		         "init",      "--town", "140406101",
		         NULL };
	if (run_cmd(init, "/dev/null", NULL))
		return -1;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		char pwfile[700];
		snprintf(pwfile, sizeof(pwfile), "%s/pw", dir);
		FILE *f = fopen(pwfile, "w");
		fprintf(f, "%s\n", PASSWORD);
		fclose(f);
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open(pwfile, O_RDONLY);
			dup2(fd, 0);
			int nul = open("/dev/null", O_WRONLY);
			dup2(nul, 1);
			execl(bin, bin, "--db", db, "--set", key_set, "--set", media_set, "--set",
			      "auth.argon2_memory_kib=8192", "--set", "auth.argon2_ops=1", "user",
			      "add", users[i].login, "--name", users[i].name, "--place",
			      users[i].place, "--role", users[i].role, "--password-stdin",
			      (char *)NULL);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			return -1;
	}
	/* the town leader also sees the cockpit of the town: already in town_leader */
	return fixture_enrol(dir, db, key_set, media_set);
}

static int copy_file(const char *from, const char *to)
{
	char *argv[] = { "cp", (char *)from, (char *)to, NULL };
	return run_cmd(argv, NULL, NULL);
}

int main(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		first = 2;
	}
	if (getenv("CUNWU_BIN"))
		bin = getenv("CUNWU_BIN");
	if (getenv("CUNWU_TEST_PG") && *getenv("CUNWU_TEST_PG")) {
		pg = getenv("CUNWU_TEST_PG");
		setenv("PGOPTIONS", "--client-min-messages=warning", 1);
	}
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char fixture[] = "/tmp/cunwu-api-XXXXXX";
	if (!mkdtemp(fixture)) {
		perror("mkdtemp");
		return 1;
	}
	if (first < argc) {
		snprintf(fixture_dir, sizeof(fixture_dir), "%s", argv[first]);
		char *slash = strrchr(fixture_dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(fixture_dir, sizeof(fixture_dir), ".");
	}
	if (make_fixture(fixture)) {
		fprintf(stderr, "api: unable to make the fixture database with %s\n", bin);
		return 1;
	}
	int passed = 0, failed = 0, skipped = 0;
	for (int a = first; a < argc; a++) {
		struct test t;
		memset(&t, 0, sizeof(t));
		t.file = argv[a];
		memcpy(t.totp, fixture_totp, sizeof(fixture_totp));
		t.ntotp = nfixture_totp;
		snprintf(t.dir, sizeof(t.dir), "%s/t%d", fixture, a);
		mkdir(t.dir, 0755);
		char from[700], to[700], sql[200];
		if (pg) {
			snprintf(sql, sizeof(sql),
			         "CREATE DATABASE cunwu_t%d TEMPLATE cunwu_fixture", a);
			if (pg_admin(sql)) {
				fprintf(stderr, "api: unable to copy the fixture database\n");
				return 1;
			}
			snprintf(t.db, sizeof(t.db), "%s/cunwu_t%d", pg, a);
		} else {
			snprintf(t.db, sizeof(t.db), "%s/t.db", t.dir);
			snprintf(from, sizeof(from), "%s/fixture.db", fixture);
			copy_file(from, t.db);
		}
		snprintf(from, sizeof(from), "%s/cunwu.key", fixture);
		snprintf(to, sizeof(to), "%s/cunwu.key", t.dir);
		copy_file(from, to);
		snprintf(t.key_set, sizeof(t.key_set), "key_file=%s", to);
		snprintf(to, sizeof(to), "%s/media", t.dir);
		mkdir(to, 0755);
		snprintf(t.media_set, sizeof(t.media_set), "media.dir=%s", to);
		const char *name = strrchr(t.file, '/') ? strrchr(t.file, '/') + 1 : t.file;
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = run_file(&t);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (pg) {
			snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS cunwu_t%d", a);
			pg_admin(sql);
		}
		if (!rc && t.skip) {
			skipped++;
			printf("ok %d - %s # SKIP not on this backend\n", a - first + 1, name);
		} else if (rc) {
			failed++;
			printf("not ok %d - %s (%.0f ms)\n  # %s\n", a - first + 1, name, ms,
			       t.fail);
		} else {
			passed++;
			printf("ok %d - %s (%.0f ms)\n", a - first + 1, name, ms);
		}
		fflush(stdout);
		free(t.body.p);
		free(t.headers.p);
		json_decref(t.json);
		if (t.load) {
			load_stop(t.load);
			load_free(t.load);
		}
		matrix_free(t.matrix);
		for (int k = 0; k < t.nvars; k++)
			free(t.var_value[k]);
		for (int k = 0; k < t.nsets; k++)
			free(t.sets[k]);
	}
	char *rm[] = { "rm", "-rf", fixture, NULL };
	if (!getenv("CUNWU_KEEP"))
		run_cmd(rm, NULL, NULL);
	curl_global_cleanup();
	printf("api: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
