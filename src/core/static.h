/*
 * static.h - the web console's files, compiled into the binary (scripts/gen-web writes
 * the table from web/dist) and served from memory.
 *
 * GET or HEAD of a path no route claims: the file itself if there is one; else, outside
 * /api/ and for a path that does not name a file, index.html, so the console's own
 * routes (/users/01M…) load the app. Hashed assets are cached for a year (immutable),
 * everything else is revalidated (no-cache, ETag, 304). A gzip copy is sent to clients
 * that accept it. An unknown /api/ path stays the router's JSON 404.
 */
#ifndef CUNWU_STATIC_H
#define CUNWU_STATIC_H

struct static_file {
	const char *path; /* "/assets/index-DkSZw4nZ.js" */
	const char *type; /* Content-Type */
	const char *etag; /* quoted */
	int immutable;    /* content-hashed name: cache forever */
	int zone_public;  /* reached from web/public.html (web/dist/public-zone.txt) */
	const unsigned char *data, *end;
	const unsigned char *gz, *gz_end; /* gzip -9 copy, or NULL */
};

extern const struct static_file static_files[];
extern const unsigned static_nfiles;

struct req;

/* The file at path, or NULL. */
const struct static_file *static_find(const char *path);
/*
 * Answer r from the embedded files: 1 answered, 0 not ours (the router says 404). With
 * public_only (`serve --public-only`), only the public zone's files; "/" and the public pages
 * (/r, /r/CODE) get public.html, and no other path is a page.
 */
int static_serve(struct req *r, int public_only);
/* 1 if an Accept-Encoding value accepts gzip (a token "gzip" or "*" without q=0). */
int static_accepts_gzip(const char *accept_encoding);
/* 1 if an If-None-Match value names etag (quoted; weak W/ accepted) or is "*". */
int static_etag_matches(const char *if_none_match, const char *etag);

#endif
