/*
 * fuzz_http.c - libFuzzer target for cunwu's whole HTTP stack: libmicrohttpd as cunwu
 * drives it, the router (path matching with :params, percent-decoding, 404 and 405), query
 * strings and the list parameters, the headers cunwu reads (Idempotency-Key, If-Match,
 * X-Request-Id, X-Forwarded-For through a trusted proxy), the post processor of multipart
 * uploads, and the JSON body of every route.
 *
 * LLVMFuzzerInitialize builds a fixture once, as the API tests do: `cunwu demo` (微子镇 with
 * its people, households, duties and requests) and three accounts (a sysadmin of the town,
 * a branch secretary of one village, and a victim the session-ending routes run as; kept
 * in build/fuzz-fixture/ for the next run of the same binary), then
 * starts the real `cunwu serve` on a loopback port in a thread of this process, so that
 * the server's code is instrumented and its crashes are this target's. It signs in and keeps
 * each session's cookie and CSRF token.
 *
 * One input is one request over a kept-alive connection, built from the input:
 *   byte 0   the route (an index into the route table); 250 and over: a raw path
 *   byte 1   bits 0-1 the caller (0 sysadmin, 1 branch secretary, 2 anonymous, 3 the
 *            sysadmin by the victim's session), bit 2 another method than the route's
 *            (bits 5-7 pick it), bit 3 no X-CSRF-Token
 *   then lines: the :param values separated by '/' (empty: a real row's id), the query
 *   string, header lines up to an empty line, and the body (the rest).
 * "$person", "$household", "$place" ... anywhere in the text become the id of a real row of
 * that kind (see refs[]), so seeds and mutations reach past the 404s.
 *
 * What must hold, else the target aborts: the server answers within 20 s; never 5xx; every
 * answer with a JSON content type parses; every 4xx of cunwu's but HEAD's is
 * {"error":{"code":...}} (libmicrohttpd's own answers to what it cannot parse are not).
 * Leaks are looked for once, at the end (see LLVMFuzzerInitialize).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define main cunwu_main
#include "main.c"
#undef main
#include "core/db.h"
#include "core/http.h"

#define PASSWORD "Fuzz-pass-123"

static char dir[64], db_path[128], ready_path[128];
static char server_addr[64];
static struct sockaddr_in server_sa;
static int sock = -1;

/* the route table as the server has it */
static const struct route **routes;
static size_t nroutes;

/* "$name" in the input: the id (or code) of a real row, looked up once */
static struct ref {
	const char *name, *sql;
	char value[80];
} refs[] = {
	{ "$household", "SELECT id FROM households ORDER BY id LIMIT 1" },
	{ "$person", "SELECT id FROM persons ORDER BY id LIMIT 1" },
	{ "$village", "SELECT id FROM places WHERE id = '140406101204'" },
	{ "$place", "SELECT id FROM places WHERE kind <> 'village' AND id LIKE '140406101204%' "
	            "ORDER BY length(id) DESC, id LIMIT 1" },
	{ "$town", "SELECT id FROM places WHERE id = '140406101'" },
	{ "$duty", "SELECT id FROM duties ORDER BY id LIMIT 1" },
	{ "$org", "SELECT id FROM orgs ORDER BY id LIMIT 1" },
	{ "$request", "SELECT id FROM requests ORDER BY id LIMIT 1" },
	{ "$code", "SELECT tracking_code FROM requests ORDER BY id LIMIT 1" },
	{ "$category", "SELECT id FROM request_categories ORDER BY id LIMIT 1" },
	{ "$tag", "SELECT id FROM tags ORDER BY id LIMIT 1" },
	{ "$victim", "SELECT id FROM users WHERE login = 'fzvictim'" },
	{ "$user", "SELECT id FROM users WHERE login = 'bc1'" },
	{ "$grant", "SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id "
	            "WHERE u.login = 'fzvictim'" },
	{ "$media", "SELECT id FROM media ORDER BY id LIMIT 1" },
	{ "$job", "SELECT id FROM jobs ORDER BY id LIMIT 1" },
	{ "$import", "SELECT id FROM imports ORDER BY id LIMIT 1" },
	{ "$template", "SELECT id FROM export_templates ORDER BY id LIMIT 1" },
	{ "$token", "SELECT id FROM tokens ORDER BY id LIMIT 1" },
};

/* the kind of row a path's :param names, by the segment before it */
static const char *const param_kinds[][2] = {
	{ "places", "$place" }, { "people", "$person" },  { "households", "$household" },
	{ "orgs", "$org" },     { "duties", "$duty" },    { "requests", "$request" },
	{ "users", "$victim" }, { "grants", "$grant" },   { "tokens", "$token" },
	{ "jobs", "$job" },     { "imports", "$import" }, { "export-templates", "$template" },
	{ "media", "$media" },  { "tags", "$tag" },       { "request-categories", "$category" },
};

/* the callers: a session cookie and its CSRF token each */
static struct caller {
	const char *login;
	char cookie[128], csrf[80];
} callers[] = { { "fzadmin" }, { "fzcadre" }, { NULL }, { "fzvictim" } };

/* the sysadmin's own user and grant, which no input may disable or take away */
static char admin_id[40], cadre_id[40];

static void die(const char *what)
{
	fprintf(stderr, "fuzz_http: %s\n", what);
	abort();
}

/* ---- the fixture ---- */

/* cunwu ARGS... in a child process (stdin from a file when in is set) */
static void cunwu_run(const char *in, const char *const *args)
{
	char *argv[32];
	int n = 0;
	argv[n++] = "cunwu";
	argv[n++] = "--db";
	argv[n++] = db_path;
	argv[n++] = "--set";
	argv[n++] = "auth.argon2_memory_kib=8192";
	argv[n++] = "--set";
	argv[n++] = "auth.argon2_ops=1";
	argv[n++] = "--log-level";
	argv[n++] = "warn";
	for (int i = 0; args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		if (in) {
			int fd = open(in, O_RDONLY);
			dup2(fd, 0);
		}
		int nul = open("/dev/null", O_WRONLY);
		dup2(nul, 1);
		_exit(cunwu_main(n, argv));
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("making the fixture failed");
}

static void *serve_thread(void *arg)
{
	(void)arg;
	char *argv[] = { "cunwu",
		         "--db",
		         db_path,
		         "--log-level",
		         "warn",
		         "--set",
		         "log.access=false",
		         "--set",
		         "auth.argon2_memory_kib=8192",
		         "--set",
		         "auth.argon2_ops=1",
		         "--set",
		         "http.trusted_proxies=127.0.0.1",
		         "--set",
		         "requests.public_per_hour=1000000000",
		         "--set",
		         "requests.public_media_per_hour=100000",
		         "--set",
		         "media.max_bytes=65536",
		         "serve",
		         "--listen",
		         "127.0.0.1:0",
		         "--threads",
		         "2",
		         "--ready-file",
		         ready_path,
		         NULL };
	int rc = cunwu_main((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
	fprintf(stderr, "fuzz_http: the server stopped (%d)\n", rc);
	abort();
}

static void add_route(const struct route *rt, const char *module, void *arg)
{
	(void)module;
	(void)arg;
	routes = realloc(routes, (nroutes + 1) * sizeof(*routes));
	routes[nroutes++] = rt;
}

static void load_refs(void)
{
	struct db *db;
	struct err e;
	struct arena a;
	arena_init(&a, 0);
	if (db_open(&db, db_path, 0, &e))
		die(e.msg);
	db_set_arena(db, &a);
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		const char *v = NULL;
		if (db_get_text(db, &e, &v, refs[i].sql, DB_ARGS(DB_NOARGS)) > 0 && v)
			snprintf(refs[i].value, sizeof(refs[i].value), "%s", v);
		else /* none of that kind: a well-formed id that names nothing */
			snprintf(refs[i].value, sizeof(refs[i].value),
			         "01M8MVXKS7DVSJAW43196Q9RZZ");
	}
	const char *v;
	if (db_get_text(db, &e, &v, "SELECT id FROM users WHERE login = 'fzadmin'",
	                DB_ARGS(DB_NOARGS)) > 0)
		snprintf(admin_id, sizeof(admin_id), "%s", v);
	if (db_get_text(db, &e, &v, "SELECT id FROM users WHERE login = 'fzcadre'",
	                DB_ARGS(DB_NOARGS)) > 0)
		snprintf(cadre_id, sizeof(cadre_id), "%s", v);
	db_set_arena(db, NULL);
	db_close(db);
	arena_release(&a);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* the fixture's folder goes when the run ends (a crash leaves it for a look) */
static void remove_fixture(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The fixture is kept in build/fuzz-fixture/fuzz_http with the binary's
 * size and time, and copied from there while they are the same: the demo takes most of the
 * start, and CI runs each target for 15 s.
 */
static char cache_dir[4200], stamp[64];

static int run_argv(char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static int fixture_cached(void)
{
	struct stat st;
	char exe[4096], want[64] = "", path[4300];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || stat("/proc/self/exe", &st))
		return 0;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return 0;
	*slash = '\0'; /* build/fuzz/fuzz_http: build/fuzz-fixture/fuzz_http (not in build/fuzz,
	                  where scripts/test runs everything) */
	snprintf(cache_dir, sizeof(cache_dir), "%s-fixture", exe);
	mkdir(cache_dir, 0700);
	snprintf(cache_dir + strlen(cache_dir), sizeof(cache_dir) - strlen(cache_dir), "/%s",
	         slash + 1);
	snprintf(stamp, sizeof(stamp), "%lld-%lld", (long long)st.st_size, (long long)st.st_mtime);
	snprintf(path, sizeof(path), "%s/stamp", cache_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(want, sizeof(want), f) && !strcmp(want, stamp);
	fclose(f);
	snprintf(path, sizeof(path), "%s/.", cache_dir);
	return ok && !run_argv((char *const[]){ "cp", "-a", path, dir, NULL });
}

static void fixture_keep(void)
{
	char tmp[4300], from[128], path[4400];
	if (!cache_dir[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", cache_dir);
	snprintf(from, sizeof(from), "%s/.", dir);
	run_argv((char *const[]){ "rm", "-rf", tmp, cache_dir, NULL });
	if (mkdir(tmp, 0700) || run_argv((char *const[]){ "cp", "-a", from, tmp, NULL }))
		return;
	snprintf(path, sizeof(path), "%s/stamp", tmp);
	FILE *f = fopen(path, "w");
	if (f && fputs(stamp, f) >= 0 && !fclose(f))
		rename(tmp, cache_dir);
}

/* ---- the connection ---- */

static void conn_close(void)
{
	if (sock >= 0)
		close(sock);
	sock = -1;
}

static int conn_open(void)
{
	if (sock >= 0)
		return 0;
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 20 };
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(sock, (struct sockaddr *)&server_sa, sizeof(server_sa))) {
		conn_close();
		return -1;
	}
	return 0;
}

struct answer {
	int status;
	char headers[8192];
	char *body;
	size_t len;
};

/* one exchange; -1 when the connection failed before an answer (the caller retries once) */
static int exchange(const char *req, size_t n, int head, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	if (conn_open())
		return -1;
	for (size_t off = 0; off < n;) {
		ssize_t w = send(sock, req + off, n - off, MSG_NOSIGNAL);
		if (w <= 0) {
			conn_close();
			return -1;
		}
		off += (size_t)w;
	}
	size_t cap = 65536, have = 0;
	char *buf = malloc(cap);
	char *end = NULL;
	long long clen = -1;
	int closing = 0;
	for (;;) {
		if (!end) {
			buf[have] = '\0';
			end = strstr(buf, "\r\n\r\n");
			if (end) {
				size_t hl = (size_t)(end - buf);
				snprintf(a->headers, sizeof(a->headers), "%.*s", (int)hl, buf);
				if (sscanf(buf, "HTTP/1.%*c %d", &a->status) != 1)
					die("an answer without a status line");
				for (char *l = strstr(a->headers, "\r\n"); l;
				     l = strstr(l + 2, "\r\n")) {
					if (!strncasecmp(l + 2, "Content-Length:", 15))
						clen = strtoll(l + 17, NULL, 10);
					if (!strncasecmp(l + 2, "Connection: close", 17))
						closing = 1;
					if (!strncasecmp(l + 2, "Transfer-Encoding:", 18))
						die("a chunked answer (the harness reads lengths "
						    "only)");
				}
				if (head || a->status == 204 || a->status == 304)
					clen = 0;
			}
		}
		if (end) {
			size_t got = have - (size_t)(end + 4 - buf);
			if (clen >= 0 && got >= (size_t)clen)
				break;
		}
		if (have + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			end = NULL;
		}
		ssize_t r = recv(sock, buf + have, cap - have - 1, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			die("no answer within 20 s");
		if (r <= 0) {
			if (end && clen < 0)
				break; /* the body ends with the connection */
			free(buf);
			conn_close();
			if (have)
				die("the connection closed in the middle of an answer");
			return -1;
		}
		have += (size_t)r;
		if (!end)
			continue;
	}
	size_t hl = (size_t)(end + 4 - buf);
	a->len = have - hl;
	if (clen >= 0 && a->len > (size_t)clen) { /* more than one answer (MHD's own 400 after
		                                      a malformed head): the rest is dropped */
		a->len = (size_t)clen;
		closing = 1;
	}
	a->body = malloc(a->len + 1);
	memcpy(a->body, buf + hl, a->len);
	a->body[a->len] = '\0';
	free(buf);
	if (closing || clen < 0)
		conn_close();
	return 0;
}

static const char *header_value(const struct answer *a, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *l = strstr(a->headers, "\r\n"); l; l = strstr(l + 2, "\r\n"))
		if (!strncasecmp(l + 2, name, nl) && l[2 + nl] == ':') {
			const char *v = l + 3 + nl, *e;
			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			snprintf(out, n, "%.*s", (int)(e ? (size_t)(e - v) : strlen(v)), v);
			return out;
		}
	return NULL;
}

static void sign_in(struct caller *c)
{
	char body[200], req[600];
	struct answer a;
	int bl = snprintf(body, sizeof(body), "{\"login\":\"%s\",\"password\":\"%s\"}", c->login,
	                  PASSWORD);
	int n = snprintf(req, sizeof(req),
	                 "POST /api/v1/session HTTP/1.1\r\nHost: fuzz\r\nContent-Type: "
	                 "application/json\r\nContent-Length: %d\r\n\r\n%s",
	                 bl, body);
	c->cookie[0] = c->csrf[0] = '\0';
	if (exchange(req, (size_t)n, 0, &a) && exchange(req, (size_t)n, 0, &a))
		die("no answer to the sign-in");
	char cookie[256];
	json_t *j = json_loadb(a.body, a.len, 0, NULL);
	const char *csrf = json_string_value(json_object_get(j, "csrf_token"));
	if (a.status == 200 && csrf && header_value(&a, "Set-Cookie", cookie, sizeof(cookie))) {
		snprintf(c->cookie, sizeof(c->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
		snprintf(c->csrf, sizeof(c->csrf), "%s", csrf);
	}
	json_decref(j);
	free(a.body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* the .xls reader's child: the server spawns its own executable, this one */
	if (*argc > 1 && !strcmp((*argv)[1], "internal"))
		_exit(tab_xls_child(*argc - 1, *argv + 1));
	/*
	 * -detect_leaks=0 unless asked: libFuzzer checks for a leak after every input whose
	 * mallocs and frees differ, which the server's own threads make every input, and runs
	 * it again with a scan of the heap: a tenth of the speed. LeakSanitizer still looks
	 * once when the run ends.
	 */
	int asked = 0;
	for (int i = 1; i < *argc; i++)
		asked |= !strncmp((*argv)[i], "-detect_leaks=", 14);
	if (!asked) {
		static char *args[256];
		int n = *argc < 254 ? *argc : 254;
		memcpy(args, *argv, (size_t)n * sizeof(*args));
		args[n++] = "-detect_leaks=0";
		args[n] = NULL;
		*argc = n;
		*argv = args;
	}
	snprintf(dir, sizeof(dir), "/tmp/cunwu-fuzz-http-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp");
	atexit(remove_fixture);
	snprintf(db_path, sizeof(db_path), "%s/fuzz.db", dir);
	snprintf(ready_path, sizeof(ready_path), "%s/ready", dir);
	char pw[160];
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	FILE *f = fopen(pw, "w");
	fprintf(f, "%s\n", PASSWORD);
	fclose(f);
	if (!fixture_cached()) {
		cunwu_run(NULL, (const char *const[]){ "demo", NULL });
		cunwu_run(pw, (const char *const[]){ "user", "add", "fzadmin", "--name",
		                                     "模糊管理员", "--place", "140406101", "--role",
		                                     "sysadmin", "--password-stdin", NULL });
		cunwu_run(pw,
		          (const char *const[]){ "user", "add", "fzcadre", "--name", "模糊书记",
		                                 "--place", "140406101204", "--role",
		                                 "branch_secretary", "--password-stdin", NULL });
		cunwu_run(pw,
		          (const char *const[]){ "user", "add", "fzvictim", "--name", "模糊",
		                                 "--place", "140406101205", "--role",
		                                 "branch_secretary", "--password-stdin", NULL });
		fixture_keep();
	}
	load_refs();

	pthread_t th;
	if (pthread_create(&th, NULL, serve_thread, NULL))
		die("pthread_create");
	for (int i = 0; i < 1200; i++) {
		FILE *rf = fopen(ready_path, "r");
		if (rf) {
			int ok = fscanf(rf, "%63s", server_addr) == 1;
			fclose(rf);
			if (ok)
				break;
		}
		struct timespec ms50 = { 0, 50 * 1000 * 1000 };
		nanosleep(&ms50, NULL);
	}
	char *colon = strrchr(server_addr, ':');
	if (!colon)
		die("the server did not start within 60 s");
	server_sa.sin_family = AF_INET;
	server_sa.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
	inet_pton(AF_INET, "127.0.0.1", &server_sa.sin_addr);
	http_each_route(add_route, NULL);
	for (size_t i = 0; i < sizeof(callers) / sizeof(callers[0]); i++)
		if (callers[i].login) {
			sign_in(&callers[i]);
			if (!callers[i].cookie[0])
				die("signing in failed");
		}
	fprintf(stderr, "fuzz_http: serving %s from %s, %zu routes\n", server_addr, dir, nroutes);
	return 0;
}

/* ---- one input, one request ---- */

struct text {
	char *buf;
	size_t len, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void puts_(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* s[0..n) with "$name" replaced by the rows' ids; in a URL (url set) the bytes a request
 * line cannot hold are percent-encoded, and so is '?' in a path segment */
static void put_subst(struct text *t, const char *s, size_t n, int url, int segment)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$') {
			size_t k;
			for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
				size_t rl = strlen(refs[k].name);
				if (n - i >= rl && !memcmp(s + i, refs[k].name, rl)) {
					puts_(t, refs[k].value);
					i += rl - 1;
					break;
				}
			}
			if (k < sizeof(refs) / sizeof(refs[0]))
				continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (url &&
		    (c <= ' ' || c == 0x7f || c == '#' || (segment && (c == '?' || c == '/')))) {
			char hex[4];
			snprintf(hex, sizeof(hex), "%%%02X", c);
			puts_(t, hex);
		} else {
			put(t, s + i, 1);
		}
	}
}

/* the next line of the input (without its '\n'), or NULL at the end */
static const char *next_line(const char **p, const char *end, size_t *n)
{
	if (*p >= end)
		return NULL;
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	*n = nl ? (size_t)(nl - s) : (size_t)(end - s);
	*p = nl ? nl + 1 : end;
	return s;
}

static const char *default_param(const char *path, const char *colon)
{
	if (!strncmp(colon, ":tag", 4))
		return "elderly_alone";
	if (!strncmp(colon, ":code", 5))
		return "$code";
	const char *seg_end = colon - 1, *seg = seg_end;
	while (seg > path && seg[-1] != '/')
		seg--;
	for (size_t i = 0; i < sizeof(param_kinds) / sizeof(param_kinds[0]); i++)
		if ((size_t)(seg_end - seg) == strlen(param_kinds[i][0]) &&
		    !strncmp(seg, param_kinds[i][0], (size_t)(seg_end - seg)))
			return param_kinds[i][1];
	return "$place";
}

static const char *const methods[] = { "GET",    "POST", "PUT",     "PATCH",
	                               "DELETE", "HEAD", "OPTIONS", "GET" };

/* the routes that end or weaken the caller's own account: run as the victim */
static int harms_caller(const char *method, const char *path)
{
	return (!strcmp(path, "/api/v1/session") && !strcmp(method, "DELETE")) ||
	       !strcmp(path, "/api/v1/me/password") || !strcmp(path, "/api/v1/me") ||
	       !strncmp(path, "/api/v1/users/", 14) || !strncmp(path, "/api/v1/grants/", 15);
}

static int is_own(const char *value)
{
	return (admin_id[0] && strstr(value, admin_id)) || (cadre_id[0] && strstr(value, cadre_id));
}

static void check_answer(const char *req, size_t req_len, const char *method,
                         const struct answer *a)
{
	char ct[200];
	const char *why = NULL;
	json_t *j = NULL;
	int json =
	    header_value(a, "Content-Type", ct, sizeof(ct)) && !strncmp(ct, "application/json", 16);
	if (json && a->len && strcmp(method, "HEAD")) {
		j = json_loadb(a->body, a->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (!j)
			why = "the answer is not valid JSON";
	}
	/* libmicrohttpd answers a request it cannot parse itself (its HTML 400, 413, 431):
	 * cunwu never saw it, and every answer of cunwu's carries X-Request-Id */
	int own = header_value(a, "X-Request-Id", ct, sizeof(ct)) != NULL;
	if (a->status >= 500)
		why = "a 5xx answer";
	else if (a->status < 100)
		why = "no status";
	else if (!why && own && a->status >= 400 && strcmp(method, "HEAD")) {
		json_t *code = json_object_get(json_object_get(j, "error"), "code");
		if (!json_is_string(code) || !*json_string_value(code))
			why = "a 4xx answer without {\"error\":{\"code\":...}}";
	}
	json_decref(j);
	if (why) {
		fprintf(stderr, "fuzz_http: %s\n--- request\n%.*s\n--- answer %d\n%s\n\n%.*s\n",
		        why, (int)(req_len > 8000 ? 8000 : req_len), req, a->status, a->headers,
		        (int)(a->len > 4000 ? 4000 : a->len), a->body);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 256 * 1024)
		return 0;
	unsigned sel = data[0], flags = data[1];
	const char *p = (const char *)data + 2, *end = (const char *)data + size, *line;
	size_t n;
	struct text path = { 0 }, req = { 0 }, hdrs = { 0 }, body = { 0 };
	const struct route *rt = sel < 250 ? routes[sel % nroutes] : NULL;
	int who = (int)(flags & 3);
	const char *method = rt ? rt->method : "GET";

	/* the path: the route's with its :params filled, or the input's own */
	line = next_line(&p, end, &n);
	if (!rt) {
		if (!line || !n || line[0] != '/')
			puts_(&path, "/");
		put_subst(&path, line ? line : "", line ? n : 0, 1, 0);
		who = 2; /* anonymous: any route may be reached this way */
		method = methods[(flags >> 5) & 7];
	} else {
		const char *pat = rt->path;
		while (*pat) {
			if (*pat != ':') {
				put(&path, pat++, 1);
				continue;
			}
			size_t vn = 0;
			const char *v = line;
			if (line) {
				const char *slash = memchr(line, '/', n);
				vn = slash ? (size_t)(slash - line) : n;
				line = slash ? slash + 1 : NULL;
				n = slash ? n - vn - 1 : 0;
			}
			if (v && vn)
				put_subst(&path, v, vn, 1, 1);
			else
				put_subst(&path, default_param(rt->path, pat),
				          strlen(default_param(rt->path, pat)), 1, 1);
			while (*pat && *pat != '/')
				pat++;
		}
		if (flags & 4)
			method = methods[(flags >> 5) & 7];
		if (harms_caller(rt->method, rt->path) && who != 2) {
			who = 3;
			if (is_own(path.buf)) /* never the harness's own accounts */
				goto done;
		}
	}
	line = next_line(&p, end, &n); /* the query string */
	if (line && n) {
		puts_(&path, "?");
		put_subst(&path, line, n, 1, 0);
	}

	/* the input's headers, but never those that frame the request or name the caller */
	int has_ct = 0;
	while ((line = next_line(&p, end, &n)) && n) {
		static const char *const framing[] = {
			"host:",       "content-length:", "transfer-encoding:",
			"connection:", "cookie:",         "expect:",
			"upgrade:"
		};
		int skip = !memchr(line, ':', n) || memchr(line, '\r', n) || memchr(line, '\0', n);
		for (size_t i = 0; !skip && i < sizeof(framing) / sizeof(framing[0]); i++)
			skip = !strncasecmp(line, framing[i], strlen(framing[i]));
		if (skip)
			continue;
		has_ct |= !strncasecmp(line, "content-type:", 13);
		put_subst(&hdrs, line, n, 0, 0);
		puts_(&hdrs, "\r\n");
	}
	if (!hdrs.buf)
		puts_(&hdrs, "");
	if (p < end)
		put_subst(&body, p, (size_t)(end - p), 0, 0);
	if (who != 2 && rt && rt == routes[sel % nroutes] && harms_caller(method, rt->path) &&
	    body.buf && is_own(body.buf))
		goto done;

	struct caller *c = &callers[who];
	char line0[256];
	snprintf(line0, sizeof(line0), "%s ", method);
	puts_(&req, line0);
	puts_(&req, path.buf);
	puts_(&req, " HTTP/1.1\r\nHost: fuzz\r\n");
	if (c->login && c->cookie[0]) {
		puts_(&req, "Cookie: ");
		puts_(&req, c->cookie);
		puts_(&req, "\r\n");
		if (!(flags & 8)) {
			puts_(&req, "X-CSRF-Token: ");
			puts_(&req, c->csrf);
			puts_(&req, "\r\n");
		}
	}
	if (!has_ct && body.len)
		puts_(&req, rt && (rt->flags & ROUTE_UPLOAD)
		                ? "Content-Type: multipart/form-data; boundary=FuzzBoundary\r\n"
		                : "Content-Type: application/json\r\n");
	puts_(&req, hdrs.buf);
	snprintf(line0, sizeof(line0), "Content-Length: %zu\r\n\r\n", body.len);
	puts_(&req, line0);
	if (body.len)
		put(&req, body.buf, body.len);

	struct answer a;
	int head = !strcmp(method, "HEAD");
	if (exchange(req.buf, req.len, head, &a) && exchange(req.buf, req.len, head, &a))
		die("the server does not answer");
	if (a.status == 401 && c->login && !strstr(hdrs.buf, "Authorization:"))
		sign_in(
		    c); /* the session ended (the victim signed out): again for the next input */
	check_answer(req.buf, req.len, method, &a);
	free(a.body);
done:
	free(body.buf);
	free(path.buf);
	free(req.buf);
	free(hdrs.buf);
	return 0;
}
