/*
 * slowclients.c - idle and byte-at-a-time (slowloris) connections against a running
 * `cunwu serve` must not stop other clients being served (issue 10, item 5).
 *
 * Usage: slowclients ADDR:PORT [--idle N] [--slow N] [--sources K] [--seconds S]
 *                    [--bound-ms B] [--expect-open N]
 *
 * The attack comes from K loopback addresses (127.0.0.2 ...), as from K machines: N
 * connections that send nothing, and N' that send a request's head one byte every 200 ms
 * and never finish it (half of them a POST whose declared body then trickles in). Every
 * connection the server closes is opened again 100 ms later, as an attacker would. Meanwhile
 * the client under test, from 127.0.0.1, opens a new connection every 100 ms and asks GET
 * /healthz: each must be answered 200 within B ms (default 1000). Prints what happened and
 * exits 1 if any request of the client under test failed or was late, or (--expect-open)
 * if the attack's connections open at the end are not N: what the server let in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct attacker {
	int fd;
	int slow;      /* sends a byte at a time */
	size_t sent;   /* bytes of the script sent */
	int64_t next;  /* when the next byte goes (ms) */
	int64_t again; /* closed: when it is opened again (ms) */
	unsigned src;  /* 127.0.0.(2 + src) */
};

static struct sockaddr_in server;
static long opened;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a non-blocking connection from 127.0.0.(2 + src) */
static int dial(unsigned src)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in from = { .sin_family = AF_INET };
	from.sin_addr.s_addr = htonl(0x7f000002u + src);
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) ||
	    (connect(fd, (struct sockaddr *)&server, sizeof(server)) && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	opened++;
	return fd;
}

static const char *script(int kind)
{
	return kind == 1
	           ? "GET /api/v1/version HTTP/1.1\r\nHost: slow\r\nX-Slow: "
	             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	           : "POST /api/v1/session HTTP/1.1\r\nHost: slow\r\nContent-Type: "
	             "application/json\r\nContent-Length: 100000\r\n\r\n{\"login\":\"";
}

/* one request of the client under test: the milliseconds it took, or -1 */
static int64_t probe(int bound_ms, char *why, size_t whyn)
{
	int64_t t0 = now_ms();
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = bound_ms / 1000 + 2 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	const char req[] = "GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";
	char buf[4096];
	size_t have = 0;
	if (connect(fd, (struct sockaddr *)&server, sizeof(server)) ||
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1)) {
		snprintf(why, whyn, "connect/send: %s", strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		ssize_t r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		if (have == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[have] = '\0';
	if (strncmp(buf, "HTTP/1.1 200", 12)) {
		snprintf(why, whyn, "answer '%.40s'", have ? buf : "(nothing)");
		return -1;
	}
	return now_ms() - t0;
}

int main(int argc, char **argv)
{
	int idle = 300, slow = 300, sources = 6, seconds = 15, bound_ms = 1000, expect_open = -1;
	if (argc < 2) {
		fprintf(stderr, "usage: slowclients ADDR:PORT [--idle N] [--slow N] [--sources K] "
		                "[--seconds S] [--bound-ms B]\n");
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		int v = (int)strtol(argv[i + 1], NULL, 10);
		if (!strcmp(argv[i], "--idle"))
			idle = v;
		else if (!strcmp(argv[i], "--slow"))
			slow = v;
		else if (!strcmp(argv[i], "--sources"))
			sources = v < 1 ? 1 : v;
		else if (!strcmp(argv[i], "--seconds"))
			seconds = v;
		else if (!strcmp(argv[i], "--bound-ms"))
			bound_ms = v;
		else if (!strcmp(argv[i], "--expect-open"))
			expect_open = v;
	}
	char host[64];
	const char *colon = strrchr(argv[1], ':');
	if (!colon || (size_t)(colon - argv[1]) >= sizeof(host))
		return 2;
	memcpy(host, argv[1], (size_t)(colon - argv[1]));
	host[colon - argv[1]] = '\0';
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)strtol(colon + 1, NULL, 10));
	inet_pton(AF_INET, host, &server.sin_addr);

	int n = idle + slow;
	struct attacker *at = calloc((size_t)n, sizeof(*at));
	struct pollfd *pf = calloc((size_t)n, sizeof(*pf));
	for (int i = 0; i < n; i++) {
		at[i].slow = i >= idle ? 1 + (i % 2) : 0;
		at[i].src = (unsigned)i % (unsigned)sources;
		at[i].fd = dial(at[i].src);
	}
	int64_t start = now_ms(), next_probe = start + 500, worst = 0;
	long probes = 0, failed = 0, late = 0, bytes = 0, dropped = 0;
	char why[200];
	while (now_ms() - start < (int64_t)seconds * 1000) {
		int64_t t = now_ms();
		for (int i = 0; i < n; i++) {
			struct attacker *a = &at[i];
			if (a->fd < 0) { /* the server closed it, or it never opened: again */
				if (t < a->again)
					continue;
				a->again = t + 100;
				a->fd = dial(a->src);
				a->sent = 0;
				continue;
			}
			const char *s = script(a->slow);
			if (a->slow && t >= a->next) {
				char c = a->sent < strlen(s) ? s[a->sent] : 'a';
				if (send(a->fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
					a->sent++;
					bytes++;
				}
				a->next = t + 200;
			}
			pf[i].fd = a->fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		poll(pf, (nfds_t)n, 20);
		for (int i = 0; i < n; i++) {
			if (at[i].fd < 0 || pf[i].fd != at[i].fd ||
			    !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char buf[4096];
			ssize_t r = recv(at[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r <= 0 && !(r < 0 && errno == EAGAIN)) {
				close(at[i].fd);
				at[i].fd = -1;
				at[i].again = now_ms() + 100;
				dropped++;
			}
		}
		if (now_ms() >= next_probe) {
			int64_t ms = probe(bound_ms, why, sizeof(why));
			probes++;
			if (ms < 0) {
				failed++;
				fprintf(stderr, "slowclients: request %ld failed: %s\n", probes,
				        why);
			} else {
				if (ms > worst)
					worst = ms;
				if (ms > bound_ms) {
					late++;
					fprintf(stderr, "slowclients: request %ld took %lld ms\n",
					        probes, (long long)ms);
				}
			}
			next_probe = now_ms() + 100;
		}
	}
	int open_now = 0;
	for (int i = 0; i < n; i++)
		open_now += at[i].fd >= 0;
	printf("slowclients: %d idle + %d slow connections from %d addresses for %d s: %ld opened, "
	       "%ld closed by the server, %d open at the end, %ld bytes trickled\n",
	       idle, slow, sources, seconds, opened, dropped, open_now, bytes);
	int bad = failed || late || !probes || (expect_open >= 0 && open_now != expect_open);
	if (expect_open >= 0 && open_now != expect_open)
		printf("slowclients: %d connections open at the end, not %d\n", open_now,
		       expect_open);
	printf("slowclients: %ld requests of the client under test, %ld failed, %ld over %d ms, "
	       "slowest %lld ms: %s\n",
	       probes, failed, late, bound_ms, (long long)worst, bad ? "FAIL" : "ok");
	for (int i = 0; i < n; i++)
		if (at[i].fd >= 0)
			close(at[i].fd);
	free(at);
	free(pf);
	return bad;
}
