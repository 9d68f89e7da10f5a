/*
 * matrix.c - the authorization matrix, generated from the route declarations
 * (`cunwu routes --json`): every route x every identity (and no session) x a target
 * inside and outside the caller's scope. A request the declaration does not allow must be
 * refused (401 without a session, 403 or 404 with one); one it allows must not be
 * refused (401/403) unless the test file says why (matrix-except); no answer is a 5xx; an
 * allowed read never shows a target of a village the caller has no grant over, and a
 * list's total counts only the rows it shows. See tests/api/README.md ("matrix").
 */
#include "matrix.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "load.h"

#define MAX_KINDS   32
#define MAX_PARAMS  32
#define MAX_EXCEPTS 32
#define MAX_WHO     17
#define MAX_GRANTS  8

struct target {
	char kind[32];
	char id[2][128]; /* [0] in village A, [1] in village B */
	char place[128]; /* or one target, at this place (KIND ID@PLACE) */
	char path[256];  /* that place's path */
};

struct param {
	char key[128]; /* ":name", or a route's path pattern for its :id */
	char value[128];
};

struct except {
	char method[8], path[128], who[64];
	long status;
};

struct grant {
	char path[256];
	json_t *perms;
};

struct ident {
	char name[64], cookie[128], csrf[128];
	struct grant g[MAX_GRANTS];
	int ng;
};

struct matrix {
	struct target t[MAX_KINDS];
	int nt;
	struct param p[MAX_PARAMS];
	int np;
	struct except x[MAX_EXCEPTS];
	int nx;
	char village[2][256]; /* the paths of the place targets A and B */
	struct ident who[MAX_WHO];
	int nwho;
	const struct matrix_env *env;
	int bad; /* matrix-bad: every write also sent bad bodies */
	int requests, failures;
	char *err;
	size_t errlen;
};

struct matrix *matrix_new(void)
{
	return calloc(1, sizeof(struct matrix));
}

void matrix_free(struct matrix *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->nwho; i++)
		for (int k = 0; k < m->who[i].ng; k++)
			json_decref(m->who[i].g[k].perms);
	free(m);
}

int matrix_line(struct matrix *m, const char *l, char *err, size_t errlen)
{
	if (!strncmp(l, "matrix-target ", 14)) {
		struct target *t = &m->t[m->nt];
		int n = m->nt == MAX_KINDS
		            ? 0
		            : sscanf(l + 14, "%31s %127s %127s", t->kind, t->id[0], t->id[1]);
		char *at = n == 2 ? strchr(t->id[0], '@') : NULL;
		if (n != 3 && !at) {
			snprintf(err, errlen, "matrix-target KIND ID_IN_A ID_IN_B | KIND ID@PLACE");
			return -1;
		}
		if (at) {
			*at = '\0';
			snprintf(t->place, sizeof(t->place), "%s", at + 1);
		}
		m->nt++;
		return 0;
	}
	if (!strncmp(l, "matrix-param ", 13)) {
		struct param *p = &m->p[m->np];
		if (m->np == MAX_PARAMS || sscanf(l + 13, "%127s %127s", p->key, p->value) != 2) {
			snprintf(err, errlen, "matrix-param :NAME VALUE | matrix-param PATH VALUE");
			return -1;
		}
		m->np++;
		return 0;
	}
	if (!strcmp(l, "matrix-bad")) {
		m->bad = 1;
		return 0;
	}
	if (!strncmp(l, "matrix-except ", 14)) {
		struct except *x = &m->x[m->nx];
		if (m->nx == MAX_EXCEPTS || sscanf(l + 14, "%7s %127s %63s %ld", x->method, x->path,
		                                   x->who, &x->status) != 4) {
			snprintf(err, errlen, "matrix-except METHOD PATH WHO STATUS");
			return -1;
		}
		m->nx++;
		return 0;
	}
	snprintf(err, errlen, "unknown matrix line '%.60s'", l);
	return -1;
}

static int failf(struct matrix *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct matrix *m, const char *fmt, ...)
{
	m->failures++;
	size_t used = strlen(m->err);
	if (m->failures <= 12 && used + 2 < m->errlen) {
		va_list ap;
		va_start(ap, fmt);
		if (used)
			m->err[used++] = '\n';
		vsnprintf(m->err + used, m->errlen - used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static json_t *get_json(struct matrix *m, const struct ident *id, const char *path)
{
	char *out = NULL;
	long st =
	    load_http(m->env->addr, id->cookie, id->csrf, "GET", path, NULL, NULL, NULL, &out);
	json_t *j = st == 200 && out ? json_loads(out, 0, NULL) : NULL;
	free(out);
	return j;
}

/* The materialized path of a place, read by the first identity (who must see them all). */
static int place_path(struct matrix *m, const char *place_id, char *out, size_t len)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/places/%s", place_id);
	json_t *j = get_json(m, &m->who[0], path);
	const char *p = json_string_value(json_object_get(j, "path"));
	if (p)
		snprintf(out, len, "%s", p);
	json_decref(j);
	return p ? 0 : -1;
}

/* The id of the newest audit row the auditor sees (malloc'd), or NULL. */
static char *audit_head(struct matrix *m, struct ident *auditor)
{
	json_t *j = get_json(m, auditor, "/api/v1/audit?page_size=1");
	const char *id = json_string_value(
	    json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
	char *v = id ? strdup(id) : NULL;
	json_decref(j);
	return v;
}

static int sign_in(struct matrix *m, struct ident *id)
{
	return m->env->login(m->env->arg, id->name, id->cookie, sizeof(id->cookie), id->csrf,
	                     sizeof(id->csrf));
}

/* Each identity's grants: the place's path and the permissions held over it. */
static int load_grants(struct matrix *m)
{
	for (int i = 0; i < m->nwho; i++) {
		struct ident *id = &m->who[i];
		json_t *me = get_json(m, id, "/api/v1/me"), *g;
		size_t k;
		if (!me)
			return failf(m, "GET /api/v1/me as %s failed", id->name);
		json_array_foreach(json_object_get(me, "grants"), k, g)
		{
			if (id->ng == MAX_GRANTS)
				break;
			struct grant *gr = &id->g[id->ng];
			const char *place = json_string_value(json_object_get(g, "place_id"));
			if (!place || place_path(m, place, gr->path, sizeof(gr->path))) {
				json_decref(me);
				return failf(m, "the place of %s's grant is unknown", id->name);
			}
			gr->perms = json_incref(json_object_get(g, "perms"));
			id->ng++;
		}
		json_decref(me);
	}
	return 0;
}

static int holds(const struct grant *g, const char *perm)
{
	size_t k;
	json_t *p;
	json_array_foreach(g->perms, k, p) if (!strcmp(json_string_value(p), perm)) return 1;
	return 0;
}

/* Does the identity hold perm over the place at path, or anywhere (path NULL)? A perm of
 * NULL asks for any grant at all. */
static int covers(const struct ident *id, const char *perm, const char *path)
{
	for (int k = 0; k < id->ng; k++) {
		if (perm && !holds(&id->g[k], perm))
			continue;
		if (!path || !strncmp(path, id->g[k].path, strlen(id->g[k].path)))
			return 1;
	}
	return 0;
}

static const struct target *find_target(const struct matrix *m, const char *kind)
{
	for (int i = 0; i < m->nt; i++)
		if (!strcmp(m->t[i].kind, kind))
			return &m->t[i];
	return NULL;
}

static const char *find_param(const struct matrix *m, const char *key)
{
	for (int i = 0; i < m->np; i++)
		if (!strcmp(m->p[i].key, key))
			return m->p[i].value;
	return NULL;
}

/* How a route finds its place, read from its declaration: the kind of its target and
 * where the target's id goes. */
enum where {
	NOWHERE,
	PARAM,
	BODY,
	FORM,
	QUERY
};

struct how {
	enum where where;
	char kind[32], field[32];
};

static void read_how(const char *how, struct how *h)
{
	memset(h, 0, sizeof(*h));
	const char *is = strstr(how, " is a");
	if (!strncmp(how, "param :id", 9) && is) {
		is += 5;
		if (*is == 'n')
			is++;
		is += *is == ' ';
		snprintf(h->kind, sizeof(h->kind), "%.*s", (int)strcspn(is, ";:, "), is);
		h->where = PARAM;
	} else if (!strncmp(how, "body ", 5)) {
		h->where = BODY;
		snprintf(h->field, sizeof(h->field), "%.*s", (int)strcspn(how + 5, ";, "), how + 5);
		snprintf(h->kind, sizeof(h->kind), "%s",
		         !strcmp(h->field, "household_id") ? "household" : "place");
	} else if (!strncmp(how, "form field ", 11)) {
		h->where = FORM;
		snprintf(h->field, sizeof(h->field), "%.*s", (int)strcspn(how + 11, " "), how + 11);
		snprintf(h->kind, sizeof(h->kind), "place");
	} else if (!strncmp(how, "query place=", 12)) {
		h->where = QUERY;
		snprintf(h->kind, sizeof(h->kind), "place");
	}
}

struct call {
	const char *method, *pattern, *perm;
	const char *at; /* the target's place's path, or NULL */
	int village, upload;
	char path[512], body[256], form[256];
};

/* The path with every :param filled; -1 when one has no value. */
static int fill_path(struct matrix *m, struct call *c, const struct how *h, const struct target *t)
{
	size_t n = 0;
	for (const char *s = c->pattern; *s && n + 130 < sizeof(c->path);) {
		if (*s != ':') {
			c->path[n++] = *s++;
			continue;
		}
		char name[64];
		size_t len = strcspn(s, "/");
		snprintf(name, sizeof(name), "%.*s", (int)len, s);
		const char *v = NULL;
		if (!strcmp(name, ":id") && h->where == PARAM && t)
			v = t->id[c->village];
		if (!v && !strcmp(name, ":id"))
			v = find_param(m, c->pattern);
		if (!v)
			v = find_param(m, name);
		if (!v)
			return failf(
			    m, "%s %s: no value for %s (add matrix-target %s or matrix-param)",
			    c->method, c->pattern, name, h->kind[0] ? h->kind : name + 1);
		n += (size_t)snprintf(c->path + n, sizeof(c->path) - n, "%s", v);
		s += len;
	}
	c->path[n] = '\0';
	return 0;
}

static int is_except(const struct matrix *m, const struct call *c, const char *who, long st)
{
	for (int i = 0; i < m->nx; i++)
		if (!strcmp(m->x[i].method, c->method) && !strcmp(m->x[i].path, c->pattern) &&
		    (!strcmp(m->x[i].who, who) || !strcmp(m->x[i].who, "*")) &&
		    m->x[i].status == st)
			return 1;
	return 0;
}

/* An allowed read shows nothing of a village the caller has no grant over, and a list's
 * total is the number of rows it shows (when they fit one page). */
static void check_rows(struct matrix *m, const struct call *c, const struct ident *id,
                       const char *body, int scoped_list)
{
	for (int v = 0; v < 2; v++) {
		if (covers(id, NULL, m->village[v]))
			continue;
		/* village codes are public; a target at a place of its own is not a village's */
		for (int i = 0; i < m->nt; i++)
			if (strcmp(m->t[i].kind, "place") && !m->t[i].place[0] &&
			    strstr(body, m->t[i].id[v]))
				failf(m,
				      "%s %s as %s: shows %s %s of a village outside the caller's "
				      "grants",
				      c->method, c->path, id->name, m->t[i].kind, m->t[i].id[v]);
	}
	if (!scoped_list)
		return;
	json_t *j = json_loads(body, 0, NULL);
	json_t *total = json_object_get(j, "total"), *items = json_object_get(j, "items");
	if (json_is_integer(total) && json_is_array(items) && json_array_size(items) < 50 &&
	    !json_is_true(json_object_get(j, "total_capped")) &&
	    json_integer_value(total) != (json_int_t)json_array_size(items))
		failf(m, "%s %s as %s: total %lld but %zu rows", c->method, c->path, id->name,
		      (long long)json_integer_value(total), json_array_size(items));
	json_decref(j);
}

/* One request as one identity (NULL: no session), checked against the declaration. */
static void try_one(struct matrix *m, const struct call *c, struct ident *id, int scoped_list)
{
	const char *who = id ? id->name : "anon";
	int is_public = !strcmp(c->perm, "public");
	int allowed =
	    is_public || (id && (!strcmp(c->perm, "login") || covers(id, c->perm, c->at)));
	const char *body = strcmp(c->method, "GET") && !c->upload ? c->body : NULL;
	const char *form = c->upload ? c->form : NULL;
	char *out = NULL;
	long st = load_http(m->env->addr, id ? id->cookie : NULL, id ? id->csrf : NULL, c->method,
	                    c->path, NULL, body, form, &out);
	if (st == 401 && id && !is_public) { /* signed out by an earlier call: sign in again */
		free(out);
		out = NULL;
		if (!sign_in(m, id))
			st = load_http(m->env->addr, id->cookie, id->csrf, c->method, c->path, NULL,
			               body, form, &out);
	}
	m->requests++;
	if (m->env->verbose)
		fprintf(stderr, "  matrix %s %s as %s (%s): %ld\n", c->method, c->path, who,
		        allowed ? "allowed" : "refused", st);
	const char *text = out ? out : "";
	if (!st)
		failf(m, "%s %s as %s: no answer", c->method, c->path, who);
	else if (st >= 500)
		failf(m, "%s %s as %s: %ld %.200s", c->method, c->path, who, st, text);
	else if (!id && !is_public) {
		if (st != 401)
			failf(m, "%s %s without a session: %ld, not 401", c->method, c->path, st);
	} else if (!allowed && st != 403 && st != 404 && !is_except(m, c, who, st))
		failf(m, "%s %s as %s: %ld, but '%s' is not held there: 403 or 404 expected",
		      c->method, c->path, who, st, c->perm);
	else if (allowed && (st == 401 || st == 403) && !is_except(m, c, who, st))
		failf(m, "%s %s as %s: %ld %.200s, but '%s' is held there (or matrix-except)",
		      c->method, c->path, who, st, text, c->perm);
	else if (allowed && id && !is_public && st == 200 && !strcmp(c->method, "GET"))
		check_rows(m, c, id, text, scoped_list);
	free(out);
}

/* Bad bodies, sent by someone the route allows: each is refused with its 4xx and an
 * error code, before anything is written (the caller compares the audit log's head). */
static void try_bad(struct matrix *m, const struct call *c)
{
	struct ident *id = NULL;
	if (strcmp(c->perm, "public"))
		for (int i = 0; i < m->nwho && !id; i++)
			if (!strcmp(c->perm, "login") || covers(&m->who[i], c->perm, c->at))
				id = &m->who[i];
	if (!id && strcmp(c->perm, "public"))
		return;
	static char big[9000];
	if (!big[0]) {
		memset(big, ' ', sizeof(big) - 3);
		big[0] = '{';
		big[sizeof(big) - 3] = '}';
	}
	static const struct {
		const char *what, *ctype, *body;
		long status;
	} bad[] = {
		{ "malformed JSON", NULL, "{\"a\": ", 400 },
		{ "an array for an object", NULL, "[]", 400 },
		{ "invalid UTF-8", NULL, "{\"name\": \"\xff\xfe\"}", 400 },
		{ "a NUL in a string", NULL, "{\"name\": \"a\\u0000b\"}", 400 },
		{ "text/plain", "text/plain", "{}", 415 },
		{ "a body over http.body_max", NULL, big, 413 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = NULL;
		long st = load_http(m->env->addr, id ? id->cookie : NULL, id ? id->csrf : NULL,
		                    c->method, c->path, bad[i].ctype, bad[i].body, NULL, &out);
		json_t *j = out ? json_loads(out, 0, NULL) : NULL;
		const char *code =
		    json_string_value(json_object_get(json_object_get(j, "error"), "code"));
		m->requests++;
		if (m->env->verbose)
			fprintf(stderr, "  matrix-bad %s %s (%s): %ld %s\n", c->method, c->path,
			        bad[i].what, st, code ? code : "");
		if (st != bad[i].status || !code)
			failf(m, "%s %s with %s as %s: %ld %.150s, not %ld with an error code",
			      c->method, c->path, bad[i].what, id ? id->name : "anon", st,
			      out ? out : "", bad[i].status);
		json_decref(j);
		free(out);
	}
}

static void try_route(struct matrix *m, json_t *rt, int bad)
{
	struct call c = { 0 };
	c.method = json_string_value(json_object_get(rt, "method"));
	c.pattern = json_string_value(json_object_get(rt, "path"));
	c.perm = json_string_value(json_object_get(rt, "perm"));
	const char *how = json_string_value(json_object_get(rt, "place"));
	size_t k;
	json_t *f;
	json_array_foreach(json_object_get(rt, "flags"), k,
	                   f) if (!strcmp(json_string_value(f), "upload")) c.upload = 1;
	if (!how) {
		failf(m, "%s %s declares no place rule", c.method, c.pattern);
		return;
	}
	struct how h;
	read_how(how, &h);
	const struct target *t = h.where ? find_target(m, h.kind) : NULL;
	if (h.where && !t) {
		failf(m, "%s %s: no target for '%s' (add matrix-target %s IN OUT)", c.method,
		      c.pattern, h.kind, h.kind);
		return;
	}
	int scoped_list = !strncmp(how, "scope", 5);
	int ntry = bad ? 1 : !t ? 1 : t->place[0] ? 1 : 2;
	for (int v = 0; v < ntry; v++) {
		c.village = v;
		c.at = !t ? NULL : t->place[0] ? t->path : m->village[v];
		if (fill_path(m, &c, &h, t))
			return;
		const char *id = t ? t->id[v] : "";
		size_t plen = strlen(c.pattern);
		int export = !strcmp(c.method, "GET") && plen > 7 &&
		             !strcmp(c.pattern + plen - 7, "/export");
		if (h.where == QUERY || export) {
			size_t n = strlen(c.path);
			snprintf(c.path + n, sizeof(c.path) - n, "%s%s%s",
			         strchr(c.path, '?') ? "&" : "?",
			         h.where == QUERY ? "place=" : "format=csv",
			         h.where == QUERY ? id : "");
		}
		if (h.where == BODY)
			snprintf(c.body, sizeof(c.body), "{\"%s\": \"%s\"}", h.field, id);
		else
			snprintf(c.body, sizeof(c.body), "{}");
		snprintf(c.form, sizeof(c.form), "%s=%s", h.where == FORM ? h.field : "note", id);
		if (bad) {
			if (!c.upload && strcmp(c.method, "DELETE"))
				try_bad(m, &c);
			continue;
		}
		try_one(m, &c, NULL, scoped_list);
		for (int i = 0; i < m->nwho; i++)
			try_one(m, &c, &m->who[i], scoped_list);
	}
}

int matrix_run(struct matrix *m, const struct matrix_env *env, const char *routes_json, char *err,
               size_t errlen)
{
	m->env = env;
	m->err = err;
	m->errlen = errlen;
	err[0] = '\0';
	const struct target *places = find_target(m, "place");
	if (!places) {
		snprintf(err, errlen, "matrix: matrix-target place VILLAGE_A VILLAGE_B is needed");
		return -1;
	}
	for (int i = 0; i < env->nwho && m->nwho < MAX_WHO; i++) {
		struct ident *id = &m->who[m->nwho++];
		snprintf(id->name, sizeof(id->name), "%s", env->who[i]);
		if (sign_in(m, id))
			return failf(m, "matrix: unable to sign in as %s", id->name);
	}
	if (place_path(m, places->id[0], m->village[0], sizeof(m->village[0])) ||
	    place_path(m, places->id[1], m->village[1], sizeof(m->village[1])))
		return failf(m, "matrix: the places %s and %s are unknown", places->id[0],
		             places->id[1]);
	for (int i = 0; i < m->nt; i++) { /* a place above the first identity's: an ancestor */
		struct target *t = &m->t[i];
		char key[140];
		snprintf(key, sizeof(key), "/%s/", t->place);
		const char *above = strstr(m->village[0], key);
		if (above)
			snprintf(t->path, sizeof(t->path), "%.*s",
			         (int)(above - m->village[0]) + (int)strlen(key), m->village[0]);
		else if (t->place[0] && place_path(m, t->place, t->path, sizeof(t->path)))
			return failf(m, "matrix: the place %s is unknown", t->place);
	}
	if (load_grants(m))
		return -1;
	json_t *routes = json_loads(routes_json, 0, NULL), *rt;
	if (!json_is_array(routes))
		return failf(m, "matrix: the routes are not a JSON array");
	size_t k;
	/* bad bodies first (nothing may be written: the audit log's head stays), reads, then
	 * writes, and signing out last of all */
	struct ident *auditor = NULL;
	for (int i = 0; i < m->nwho && !auditor; i++)
		if (covers(&m->who[i], "audit.read", NULL))
			auditor = &m->who[i];
	char *head = m->bad && auditor ? audit_head(m, auditor) : NULL;
	if (m->bad && !head)
		return failf(m,
		             "matrix-bad: no WHO reads the audit log, to see nothing is written");
	for (int pass = m->bad ? -1 : 0; pass < 3; pass++)
		json_array_foreach(routes, k, rt)
		{
			const char *method = json_string_value(json_object_get(rt, "method"));
			const char *path = json_string_value(json_object_get(rt, "path"));
			int logout = !strcmp(method, "DELETE") && !strcmp(path, "/api/v1/session");
			int read = !strcmp(method, "GET") || !strcmp(method, "HEAD");
			if ((pass == -1 && !read) || (pass == 0 && read) ||
			    (pass == 1 && !read && !logout) || (pass == 2 && logout))
				try_route(m, rt, pass == -1);
			if (pass == -1 && k + 1 == json_array_size(routes) && head) {
				char *now = audit_head(m, auditor);
				if (!now || strcmp(now, head))
					failf(m,
					      "bad bodies wrote to the database: the audit log's "
					      "head "
					      "moved from %s to %s",
					      head, now ? now : "(none)");
				free(now);
			}
		}
	free(head);
	json_decref(routes);
	if (env->verbose)
		fprintf(stderr, "  matrix: %d requests, %d failures\n", m->requests, m->failures);
	if (m->failures > 12) {
		size_t used = strlen(err);
		snprintf(err + used, errlen - used, "\n... %d failures in all", m->failures);
	}
	return m->failures ? -1 : 0;
}
