/* cli.c - commands of the foundation: init, serve, migrate, backup, restore, audit, ... */
#include "system.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/answers.h"
#include "core/auth.h"
#include "core/cockpit.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/jobs.h"
#include "core/log.h"
#include "core/media.h"
#include "core/tar.h"
#include "core/util.h"
#include "places/places.h"
#include "version.h"
#include "core/banned.h"

static int is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

static const char *sqlite_path(const char *url)
{
	return !strncmp(url, "sqlite:", 7) ? url + 7 : url;
}

const char *system_key_path(struct arena *a, const char *db_url)
{
	const char *k = config_str("key_file");
	if (*k)
		return k;
	return is_pg(db_url) ? "cunwu.key" : arena_printf(a, "%s.key", sqlite_path(db_url));
}

const char *system_media_path(struct arena *a, const char *db_url)
{
	const char *m = config_str("media.dir");
	if (*m)
		return m;
	return is_pg(db_url) ? "media" : arena_printf(a, "%s.media", sqlite_path(db_url));
}

int system_init_db(struct cli *c, struct err *e)
{
	int applied;
	if (db_migrate(c->db, &applied, e))
		return -1;
	const char *key = system_key_path(&c->arena, c->db_url);
	if (access(key, F_OK) != 0 && crypt_keygen(key, e))
		return -1;
	const char *media = system_media_path(&c->arena, c->db_url);
	if (mkdir(media, 0750) && errno != EEXIST)
		return err_invalid(e, "media.dir", "media.dir", "unable to create '%s': %s", media,
		                   strerror(errno));
	return applied;
}

/* cunwu init [--town CODE]: create the database, key and media folder */
static int cmd_init(struct cli *c, struct err *e)
{
	const char *town = cli_opt(c, "--town");
	if (cli_end(c, e))
		return -1;
	int applied = system_init_db(c, e);
	if (applied < 0)
		return -1;
	printf("database %s ready (%d migrations applied)\nkey file %s (keep it safe, outside "
	       "backups of the database disk)\n",
	       c->db_url, applied, system_key_path(&c->arena, c->db_url));
	if (town) {
		size_t len;
		const char *text = places_nbs_shanxi(&len);
		struct nbs_row *rows;
		size_t n;
		int64_t added;
		if (places_nbs_parse(&c->arena, text, len, town, &rows, &n, e))
			return -1;
		if (!n)
			return cli_usage(e, "no town '%s' in the built-in Shanxi codes", town);
		if (db_begin(c->db, DB_WRITE, e) ||
		    cli_commit(c, places_load(c->db, &c->actor, rows, n, &added, e), e))
			return -1;
		printf("places: %lld loaded for %s\n", (long long)added, town);
	}
	return 0;
}

/* cunwu migrate */
static int cmd_migrate(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	int applied;
	if (db_migrate(c->db, &applied, e))
		return -1;
	printf("%d migration%s applied\n", applied, applied == 1 ? "" : "s");
	return 0;
}

/* log.file, if set, for the server's lines; rotated as log.rotate says (docs/deploy.md) */
static int serve_log(struct err *e)
{
	const char *file = config_str("log.file"), *rotate = config_str("log.rotate");
	int daily = !strcmp(rotate, "daily");
	if (!daily && strcmp(rotate, "off"))
		return err_invalid(e, "config.invalid", "log.rotate",
		                   "log.rotate must be daily or off, not '%s'", rotate);
	return *file ? log_open(file, daily, (int)config_int("log.keep_days"), e) : 0;
}

/* cunwu serve [--listen ADDR:PORT] [--ready-file F] [--threads N] [--public-only] */
static int cmd_serve(struct cli *c, struct err *e)
{
	const char *listen_on = cli_opt(c, "--listen"), *ready = cli_opt(c, "--ready-file");
	const char *threads = cli_opt(c, "--threads");
	int public_only = cli_flag(c, "--public-only");
	if (cli_end(c, e))
		return -1;
	if (public_only && config_set("http.public_only", "true", "flag --public-only", e))
		return -1;
	if (serve_log(e))
		return -1;
	if (listen_on && config_set("listen", listen_on, "flag", e))
		return -1;
	if (ready && config_set("ready_file", ready, "flag", e))
		return -1;
	if (threads && config_set("http.threads", threads, "flag", e))
		return -1;
	if (crypt_load(system_key_path(&c->arena, c->db_url), e))
		return -1;
	if (db_begin(c->db, DB_WRITE, e) || cli_commit(c, jobs_ensure_all_repeating(c->db, e), e))
		return -1;
	media_set_dir(system_media_path(&c->arena, c->db_url));
	struct server_opts o = {
		.db_url = c->db_url,
		.listen = config_str("listen"),
		.ready_file = config_str("ready_file"),
		.threads = (int)config_int("http.threads"),
		.body_max = (size_t)config_int("http.body_max"),
		.connection_limit = (int)config_int("http.connection_limit"),
		.per_ip_limit = (int)config_int("http.per_ip_connection_limit"),
		.connection_timeout = (int)config_int("http.connection_timeout"),
		.shutdown_seconds = (int)config_int("http.shutdown_seconds"),
		.stop_after = (int)config_int("http.stop_after"),
		.access_log = config_bool("log.access"),
		.public_only = config_bool("http.public_only"),
		.tls_cert = config_str("http.tls_cert"),
		.tls_key = config_str("http.tls_key"),
	};
	/* the serving threads open their own connections */
	db_close(c->db);
	c->db = NULL;
	/* every thread started from here on leaves SIGTERM to the main thread */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* the public zone runs no jobs: the full server beside it does (docs/deploy.md) */
	if (!o.public_only && jobs_start(c->db_url, e))
		return -1;
	if (!o.public_only && cockpit_counter_start(c->db_url, e)) {
		jobs_stop();
		return -1;
	}
	int rc = http_serve(&o, e);
	if (!o.public_only) {
		cockpit_counter_stop();
		answers_clear(); /* what it kept after the server's threads stopped */
		jobs_stop();
	}
	log_close();
	return rc;
}

/* ---- backup and restore ---- */

static int add_media(FILE *out, const char *dir, const char *rel, struct err *e)
{
	char path[4096], name[600];
	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : err_internal(e, "unable to read '%s'", path);
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "tmp"))
			continue;
		char sub[512], full[4400];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof(full), "%s/%s", dir, sub);
		struct stat st;
		if (stat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = add_media(out, dir, sub, e);
		} else if (S_ISREG(st.st_mode) && strlen(de->d_name) == 64) {
			snprintf(name, sizeof(name), "media/%s", sub);
			rc = tar_add_file(out, name, full, e);
		}
	}
	closedir(d);
	return rc;
}

/* Run a PostgreSQL client tool (pg_dump, pg_restore); its messages go to stderr. */
static int run_tool(char *const argv[], struct err *e)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return err_internal(e, "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "cunwu: unable to run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return err_internal(e, "%s failed", argv[0]);
	return 0;
}

/*
 * cunwu backup FILE: a consistent snapshot of the database, and the media, as one tar.
 * SQLite: the online backup API (cunwu.db); PostgreSQL: pg_dump's custom format, itself
 * one consistent snapshot (cunwu.pgdump).
 */
static int cmd_backup(struct cli *c, struct err *e)
{
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	if (access(file, F_OK) == 0)
		return err_invalid(e, "backup.exists", "file", "'%s' already exists", file);
	char snap[4200];
	snprintf(snap, sizeof(snap), "%s.db-snapshot", file);
	unlink(snap);
	int pg = is_pg(c->db_url);
	if (pg) {
		char *argv[] = { "pg_dump", "--format=custom", "--no-owner", "--file",
			         snap,      (char *)c->db_url, NULL };
		if (run_tool(argv, e))
			return -1;
	} else if (db_backup_to(c->db, snap, e)) {
		return -1;
	}
	FILE *out = fopen(file, "wbx");
	if (!out) {
		unlink(snap);
		return err_invalid(e, "backup.open", "file", "unable to create '%s': %s", file,
		                   strerror(errno));
	}
	int rc = tar_add_file(out, pg ? "cunwu.pgdump" : "cunwu.db", snap, e) ||
	         add_media(out, system_media_path(&c->arena, c->db_url), "", e) ||
	         tar_finish(out, e);
	unlink(snap);
	if (fclose(out) || rc) {
		unlink(file);
		return rc ? -1 : err_internal(e, "unable to write '%s'", file);
	}
	printf("backup written to %s (database and media; the key file is not included)\n", file);
	return 0;
}

/* cunwu restore FILE: unpack a backup into --db (which must not exist) and its media */
static int cmd_restore(struct cli *c, struct err *e)
{
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	int pg = is_pg(c->db_url);
	const char *dbpath = pg ? NULL : sqlite_path(c->db_url);
	char dump[4200];
	snprintf(dump, sizeof(dump), "%s.pgdump-restore", file);
	if (pg) {
		/* the target database must be empty: a restore never overwrites */
		struct db *db;
		int64_t n = 0;
		if (db_open(&db, c->db_url, 0, e))
			return -1;
		int rc = db_get_int(db, e, &n,
		                    "SELECT count(*) FROM information_schema.tables "
		                    "WHERE table_schema = 'public'",
		                    DB_ARGS(DB_NOARGS));
		db_close(db);
		if (rc < 0)
			return -1;
		if (n)
			return err_invalid(
			    e, "restore.exists", "db",
			    "the database already holds tables; restore into an empty one");
	} else if (access(dbpath, F_OK) == 0) {
		return err_invalid(e, "restore.exists", "db",
		                   "'%s' already exists; restore into a new path", dbpath);
	}
	FILE *in = fopen(file, "rb");
	if (!in)
		return err_invalid(e, "restore.open", "file", "unable to open '%s': %s", file,
		                   strerror(errno));
	const char *media = system_media_path(&c->arena, c->db_url);
	mkdir(media, 0750);
	struct tar_entry ent;
	int rc, have_db = 0;
	while ((rc = tar_next(in, &ent, e)) == 1) {
		char dst[4400];
		if (!strcmp(ent.name, pg ? "cunwu.pgdump" : "cunwu.db")) {
			snprintf(dst, sizeof(dst), "%s", pg ? dump : dbpath);
			have_db = 1;
		} else if (!strcmp(ent.name, pg ? "cunwu.db" : "cunwu.pgdump")) {
			rc = err_invalid(e, "restore.backend", "db",
			                 "'%s' is a backup of a %s database; restore it into one",
			                 file, pg ? "SQLite" : "PostgreSQL");
			break;
		} else if (!strncmp(ent.name, "media/", 6) && strlen(ent.name) == 6 + 6 + 64) {
			snprintf(dst, sizeof(dst), "%s/%.2s", media, ent.name + 6);
			mkdir(dst, 0750);
			snprintf(dst, sizeof(dst), "%s/%.5s", media, ent.name + 6);
			mkdir(dst, 0750);
			snprintf(dst, sizeof(dst), "%s/%s", media, ent.name + 6);
			if (access(dst, F_OK) == 0) { /* content-addressed: already there */
				rc = tar_read_data(in, &ent, NULL, e);
				if (rc)
					break;
				continue;
			}
		} else {
			rc = err_invalid(e, "restore.unexpected", "file",
			                 "'%s' holds an unexpected entry '%s'", file, ent.name);
			break;
		}
		FILE *out = fopen(dst, "wbx");
		if (!out) {
			rc = err_internal(e, "unable to create '%s': %s", dst, strerror(errno));
			break;
		}
		rc = tar_read_data(in, &ent, out, e);
		if (fclose(out) && !rc)
			rc = err_internal(e, "unable to write '%s'", dst);
		if (rc)
			break;
	}
	fclose(in);
	if (rc == 0 && !have_db)
		rc = err_invalid(e, "restore.no_db", "file", "'%s' holds no database", file);
	if (rc == 0 && pg) {
		char *argv[] = { "pg_restore",
			         "--no-owner",
			         "--exit-on-error",
			         "--single-transaction",
			         "-d",
			         (char *)c->db_url,
			         dump,
			         NULL };
		rc = run_tool(argv, e);
	}
	if (pg)
		unlink(dump);
	if (rc) {
		if (!pg)
			unlink(dbpath);
		return -1;
	}
	printf("restored %s and its media into %s; the key file must be at %s\n", file,
	       pg ? c->db_url : dbpath, system_key_path(&c->arena, c->db_url));
	return 0;
}

/* ---- audit ---- */

static char *read_text(struct arena *a, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_invalid(e, "audit.head_open", "head", "unable to open '%s': %s", path,
		            strerror(errno));
		return NULL;
	}
	struct strbuf sb;
	strbuf_init(&sb, a, 16 << 20);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, r);
	fclose(f);
	return sb.buf;
}

/* cunwu audit verify [--head FILE [--pub KEYFILE.pub]] */
static int cmd_audit_verify(struct cli *c, struct err *e)
{
	const char *head = cli_opt(c, "--head"), *pub = cli_opt(c, "--pub");
	if (cli_end(c, e))
		return -1;
	if (pub && !head)
		return cli_usage(e, "--pub checks a head file: give --head too");
	const char *text = head ? read_text(&c->arena, head, e) : NULL;
	if (head && !text)
		return -1;
	char *key = pub ? read_text(&c->arena, pub, e) : NULL;
	if (pub && !key)
		return -1;
	if (key)
		key[strcspn(key, " \r\n")] = '\0';
	struct audit_report rep;
	if (audit_verify(c->db, text, key, &rep, NULL, NULL, e))
		return -1;
	if (!rep.ok) {
		fprintf(stderr, "audit: FAILED after %lld rows: %s\n", (long long)rep.rows,
		        rep.first_bad);
		return err_set(e, 1, "audit.broken", NULL, "audit log does not verify");
	}
	printf("audit: ok, %lld rows in %lld chain%s%s\n", (long long)rep.rows,
	       (long long)rep.chains, rep.chains == 1 ? "" : "s",
	       head ? ", exported heads present" : "");
	return 0;
}

/* cunwu audit head [--sign KEYFILE] [--out FILE] */
static int cmd_audit_head(struct cli *c, struct err *e)
{
	const char *key = cli_opt(c, "--sign"), *out = cli_opt(c, "--out");
	if (cli_end(c, e))
		return -1;
	if (!key && *config_str("audit.sign_key"))
		key = config_str("audit.sign_key");
	struct strbuf sb;
	strbuf_init(&sb, &c->arena, 0);
	if (audit_heads_export(c->db, key, &sb, e))
		return -1;
	if (!out) {
		fputs(sb.buf, stdout);
		return 0;
	}
	FILE *f = fopen(out, "w");
	if (!f || fputs(sb.buf, f) < 0 || fclose(f))
		return err_invalid(e, "audit.head_write", "out", "unable to write '%s'", out);
	printf("audit heads written to %s\n", out);
	return 0;
}

/* cunwu audit keygen FILE */
static int cmd_audit_keygen(struct cli *c, struct err *e)
{
	const char *file = cli_arg(c, "FILE", 1, e);
	if (!file || cli_end(c, e))
		return -1;
	if (audit_keygen(file, e))
		return -1;
	printf("signing key %s (secret; keep it off the database machine) and %s.pub\n", file,
	       file);
	return 0;
}

/* cunwu jobs run: run every due job now */
static int cmd_jobs_run(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	int n = jobs_run_due(c->db, e);
	if (n < 0)
		return -1;
	printf("%d job%s run\n", n, n == 1 ? "" : "s");
	return 0;
}

/* one line; a route of the public zone (ROUTE_PUBLIC_ZONE) ends with "[public zone]" */
static void print_route(const struct route *rt, const char *module, void *arg)
{
	const int *public_only = arg;
	int zone = (rt->flags & ROUTE_PUBLIC_ZONE) != 0;
	if (*public_only && !zone)
		return;
	printf("%-7s %-34s %-10s %-22s %s%s\n", rt->method, rt->path, module,
	       rt->perm ? rt->perm : "public", rt->place ? rt->place->how : "UNDECLARED",
	       zone ? "  [public zone]" : "");
}

/* One route as JSON, for tests that are generated from the declarations (the
 * authorization matrix, tests/api/matrix.c). */
static void json_route(const struct route *rt, const char *module, void *arg)
{
	json_t *flags = json_array();
	if (rt->flags & ROUTE_UPLOAD)
		json_array_append_new(flags, json_string("upload"));
	if (rt->flags & ROUTE_NO_CSRF)
		json_array_append_new(flags, json_string("no_csrf"));
	if (rt->flags & ROUTE_CACHE)
		json_array_append_new(flags, json_string("cache"));
	if (rt->flags & ROUTE_DATED)
		json_array_append_new(flags, json_string("dated"));
	if (rt->flags & ROUTE_PUBLIC_ZONE)
		json_array_append_new(flags, json_string("public_zone"));
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:o}", "method",
	                                     rt->method, "path", rt->path, "module", module, "perm",
	                                     rt->perm ? rt->perm : "public", "place",
	                                     rt->place ? rt->place->how : NULL, "flags", flags));
}

/* cunwu routes [--public-only] [--json] */
static int cmd_routes(struct cli *c, struct err *e)
{
	int public_only = cli_flag(c, "--public-only"), as_json = cli_flag(c, "--json");
	if (cli_end(c, e))
		return -1;
	if (as_json) {
		json_t *all = json_array();
		http_each_route(json_route, all);
		json_dumpf(all, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(all);
		return 0;
	}
	printf("%-7s %-34s %-10s %-22s %s\n", "METHOD", "PATH", "MODULE", "PERMISSION",
	       "PLACE  [ZONE]");
	http_each_route(print_route, &public_only);
	return 0;
}

/* cunwu version */
static int cmd_version(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	printf("cunwu %s (schema: %zu migrations)\n", CUNWU_VERSION, schema_migrations_count);
	return 0;
}

static const struct command cmds[] = {
	{ "init", cmd_init, NEED_DB | OPEN_ONLY, "init [--town CODE]",
	  "create the database, its key file and media folder; optionally load a town" },
	{ "migrate", cmd_migrate, NEED_DB | OPEN_ONLY, "migrate", "apply pending migrations" },
	{ "serve", cmd_serve, NEED_DB,
	  "serve [--listen ADDR:PORT] [--ready-file FILE] [--threads N] [--public-only]",
	  "serve the API and console until SIGTERM (--public-only: the public zone alone)" },
	{ "backup", cmd_backup, NEED_DB, "backup FILE",
	  "write a consistent backup (database and media) while serving" },
	{ "restore", cmd_restore, 0, "restore FILE", "unpack a backup into a new --db path" },
	{ "copy", system_copy, 0,
	  "copy --from FILE.db --to URL [--rename-logins] [--from-media DIR] [--from-key FILE] "
	  "[--media DIR] [--dry-run]",
	  "copy a township's database and media into a city database; again adds nothing" },
	{ "keys rotate", system_keys_rotate, NEED_DB, "keys rotate [--batch N]",
	  "a new key for personal data, every sealed value re-sealed; a server keeps serving" },
	{ "audit verify", cmd_audit_verify, NEED_DB,
	  "audit verify [--head FILE [--pub KEYFILE.pub]]",
	  "recompute every audit chain; name the first bad row" },
	{ "audit head", cmd_audit_head, NEED_DB, "audit head [--sign KEYFILE] [--out FILE]",
	  "export the chain heads (signed) so a cut-off tail is caught later" },
	{ "audit keygen", cmd_audit_keygen, 0, "audit keygen FILE",
	  "make an Ed25519 key pair for signing audit heads" },
	{ "jobs run", cmd_jobs_run, NEED_DB, "jobs run", "run every due background job now" },
	{ "routes", cmd_routes, 0, "routes [--public-only] [--json]",
	  "list every HTTP route with its permission, how its place is found, and its zone" },
	{ "demo", system_demo, 0, "demo [--force] [--scale town|county] [--requests N]",
	  "create the demo database (微子镇, its villages, accounts)" },
	{ "version", cmd_version, 0, "version", "print the version" },
};

const struct command_table system_commands = { "system", cmds, sizeof(cmds) / sizeof(cmds[0]) };
