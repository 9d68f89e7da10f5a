/* floor - the cheapest libmicrohttpd server that answers like cunwu, used by bench/run as
 * the baseline for cunwu's throughput.
 *
 * Usage: floor PORT THREADS BODY_FILE|@INDEX [READY_FILE]
 *
 * Listens on 127.0.0.1:PORT (0 picks a free port) and answers every request with the
 * bytes of BODY_FILE, status 200; or, given @INDEX, a file of lines "METHOD STATUS URL
 * FILE" (bench/suite writes it from cunwu's answers), each request with the FILE and STATUS
 * of its method and URL, query string included (404 and no body for any other). It sends
 * the same response headers cunwu sends
 * (Content-Type, X-Request-Id, X-Content-Type-Options, Cache-Control). It uses the
 * daemon flags, thread pool, connection limit and timeout of src/core/http.c, and, like
 * cunwu's on_request, answers on the second call of the access handler: libmicrohttpd
 * 0.9.75 closes the connection after a response queued on the first call, which would
 * make the floor far slower than the server it is meant to bound. The response is built
 * per request, as cunwu does; only the routing, database and JSON work are missing.
 * When READY_FILE is given, "127.0.0.1:PORT" is written to it once the server listens.
 * Runs until SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* what the floor answers: one entry for any request (BODY_FILE), or one per method and URL */
struct answer {
	char *method, *url; /* NULL: any */
	unsigned status;
	char *body;
	size_t body_len;
};
static struct answer *answers;
static size_t nanswers;
static atomic_uint_fast64_t counter;

/* per request: the URL as sent (with its query string), and whether headers were seen */
struct pending {
	char *url;
	int seen;
};

/* a request id of the same length as cunwu's (26 characters), different per request */
static void request_id(char out[27])
{
	static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint_fast64_t n = atomic_fetch_add(&counter, 1);
	memcpy(out, "01FLOOR00000000", 15);
	for (int i = 25; i >= 15; i--) {
		out[i] = digits[n & 31];
		n >>= 5;
	}
	out[26] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)version;
	(void)upload_data;
	struct pending *p = *con_cls;

	if (!p || !p->seen) { /* first call: headers only; answering now costs keep-alive */
		if (p)
			p->seen = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	static struct answer none = { NULL, NULL, 404, "", 0 };
	const struct answer *a = &none;
	for (size_t i = 0; i < nanswers; i++)
		if (!answers[i].method ||
		    (!strcmp(answers[i].method, method) && !strcmp(answers[i].url, p->url))) {
			a = &answers[i];
			break;
		}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(a->body_len, a->body, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	char rid[27];
	request_id(rid);
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", rid);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, a->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct pending *p = *con_cls;
	if (p) {
		free(p->url);
		free(p);
	}
	*con_cls = NULL;
}

/* the URL as the client sent it, kept for the access handler (MHD passes it the path) */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct pending *p = calloc(1, sizeof(*p));
	if (p && !(p->url = strdup(uri))) {
		free(p);
		p = NULL;
	}
	return p;
}

static int read_file(const char *path, struct answer *a)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "floor: unable to open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096;
	a->body = malloc(cap);
	for (;;) {
		if (!a->body) {
			fclose(f);
			fprintf(stderr, "floor: out of memory\n");
			return -1;
		}
		a->body_len += fread(a->body + a->body_len, 1, cap - a->body_len, f);
		if (a->body_len < cap)
			break;
		cap *= 2;
		a->body = realloc(a->body, cap);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "floor: unable to read '%s'\n", path);
		return -1;
	}
	return 0;
}

/* the answers of an index: lines "METHOD STATUS URL FILE" */
static int read_index(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "floor: unable to open '%s': %s\n", path, strerror(errno));
		return -1;
	}
	char line[8192], method[16], url[4096], file[4096];
	unsigned status;
	int rc = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %u %4095s %4095s", method, &status, url, file) != 4) {
			fprintf(stderr, "floor: '%s': not METHOD STATUS URL FILE: %s", path, line);
			rc = -1;
			break;
		}
		struct answer *more = realloc(answers, (nanswers + 1) * sizeof(*answers));
		if (!more) {
			rc = -1;
			break;
		}
		answers = more;
		struct answer *a = &answers[nanswers++];
		memset(a, 0, sizeof(*a));
		a->status = status;
		a->method = strdup(method);
		a->url = strdup(url);
		rc = !a->method || !a->url || read_file(file, a) ? -1 : 0;
	}
	fclose(f);
	return rc;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned port, threads;
	if (argc < 4 || argc > 5 || parse_uint(argv[1], 65535, &port) ||
	    parse_uint(argv[2], 1024, &threads) || threads == 0) {
		fprintf(stderr, "usage: floor PORT THREADS BODY_FILE|@INDEX [READY_FILE]\n");
		return 2;
	}
	if (argv[3][0] == '@') {
		if (read_index(argv[3] + 1))
			return 1;
	} else {
		answers = calloc(1, sizeof(*answers));
		nanswers = 1;
		if (!answers || read_file(argv[3], answers))
			return 1;
		answers->status = MHD_HTTP_OK;
	}

	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 512)) {
		fprintf(stderr, "floor: unable to listen on 127.0.0.1:%u: %s\n", port,
		        strerror(errno));
		return 1;
	}
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC, 0, NULL,
	    NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
	    threads, MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
	    NULL, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "floor: unable to start the HTTP server\n");
		return 1;
	}
	if (argc == 5) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[4]);
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "127.0.0.1:%u\n", ntohs(sa.sin_port)) < 0 || fclose(f) ||
		    rename(tmp, argv[4])) {
			fprintf(stderr, "floor: unable to write '%s'\n", argv[4]);
			MHD_stop_daemon(d);
			return 1;
		}
	}

	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d); /* closes the listening socket too */
	for (size_t i = 0; i < nanswers; i++) {
		free(answers[i].method);
		free(answers[i].url);
		free(answers[i].body);
	}
	free(answers);
	return 0;
}
