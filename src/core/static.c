/*
 * static.c - serve the embedded console. See static.h.
 */
#include "static.h"

#include <string.h>
#include <strings.h>

#include "http.h"

#include "banned.h"

const struct static_file *static_find(const char *path)
{
	/* the table is sorted by path (scripts/gen-web sorts with LC_ALL=C) */
	unsigned lo = 0, hi = static_nfiles;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(path, static_files[mid].path);
		if (!c)
			return &static_files[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* the q value of one Accept-Encoding element ("gzip;q=0.5"), 1 if none; 0 means refused */
static int q_nonzero(const char *p, const char *end)
{
	const char *q = p;
	while ((q = memchr(q, ';', (size_t)(end - q)))) {
		q++;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (end - q >= 2 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
			q += 2;
			/* q=0, q=0.0, q=0.000 refuse; anything else accepts */
			if (q < end && *q == '0') {
				q++;
				if (q < end && *q == '.')
					q++;
				while (q < end && *q == '0')
					q++;
				return q < end && *q >= '1' && *q <= '9';
			}
			return 1;
		}
	}
	return 1;
}

int static_accepts_gzip(const char *ae)
{
	if (!ae)
		return 0;
	const char *p = ae;
	while (*p) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *t = p;
		while (t < end && (*t == ' ' || *t == '\t'))
			t++;
		size_t n = 0;
		while (t + n < end && t[n] != ';' && t[n] != ' ' && t[n] != '\t')
			n++;
		if (((n == 4 && !strncasecmp(t, "gzip", 4)) || (n == 1 && *t == '*')) &&
		    q_nonzero(t, end))
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int static_etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return 0;
	size_t n = strlen(etag);
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return 1;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}

/* the last path segment has a dot: the client asked for a file, not a page */
static int names_a_file(const char *path)
{
	const char *slash = strrchr(path, '/');
	return strchr(slash ? slash : path, '.') != NULL;
}

/* the client routes of web/src/public.js: the request form and a request's tracking page */
static int public_page(const char *path)
{
	return !strcmp(path, "/") || !strcmp(path, "/r") || !strncmp(path, "/r/", 3);
}

int static_serve(struct req *r, int public_only)
{
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return 0;
	const char *path = r->path;
	if (!strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strncmp(path, "/open311/", 9))
		return 0;
	const char *app = public_only ? "/public.html" : "/index.html";
	const struct static_file *f = static_find(strcmp(path, "/") ? path : app);
	if (f && public_only && !f->zone_public)
		return 0;
	if (!f) {
		if (names_a_file(path) || !strncmp(path, "/assets/", 8))
			return 0;
		if (public_only && !public_page(path))
			return 0;
		f = static_find(app); /* a client route */
		if (!f)
			return 0;
	}
	req_set_header(r, "ETag", f->etag);
	req_set_header(r, "Vary", "Accept-Encoding");
	r->cache_control = f->immutable ? "public, max-age=31536000, immutable" : "no-cache";
	r->content_type = f->type;
	r->status = 200;
	if (static_etag_matches(req_header(r, "If-None-Match"), f->etag)) {
		r->status = 304;
		r->content_type = NULL;
		r->static_body = (const unsigned char *)"";
		r->static_len = 0;
		return 1;
	}
	if (f->gz && static_accepts_gzip(req_header(r, "Accept-Encoding"))) {
		req_set_header(r, "Content-Encoding", "gzip");
		r->static_body = f->gz;
		r->static_len = (size_t)(f->gz_end - f->gz);
	} else {
		r->static_body = f->data;
		r->static_len = (size_t)(f->end - f->data);
	}
	return 1;
}
