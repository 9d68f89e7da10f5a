/* config.c - the settings table and its layers; see config.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static const struct cfg_def defs[] = {
	{ "db", CFG_STR, "cunwu.db", "CUNWU_DB", 0, 0,
	  "database: a SQLite file path, or postgresql://..." },
	{ "db.mmap_mb", CFG_INT, "0", "CUNWU_DB_MMAP_MB", 0, 1 << 20,
	  "SQLite: map up to this many MiB of the database file into the process (0: read it "
	  "through the kernel's page cache; docs/internals/db.md, \"Memory\")" },
	{ "db.wal_gather", CFG_BOOL, "true", "CUNWU_DB_WAL_GATHER", 0, 0,
	  "SQLite: write a transaction's WAL frames in one system call, at its commit frame "
	  "(docs/internals/db.md, \"Gathered WAL writes\")" },
	{ "listen", CFG_STR, "127.0.0.1:8080", "CUNWU_LISTEN", 0, 0,
	  "address:port to serve on; port 0 picks a free one" },
	{ "ready_file", CFG_STR, "", "CUNWU_READY_FILE", 0, 0,
	  "write the bound address here once serving (for tests and supervisors)" },
	{ "http.threads", CFG_INT, "16", "CUNWU_HTTP_THREADS", 1, 1024,
	  "worker threads; a handler may wait on the database, so size for its latency" },
	{ "http.group_commit", CFG_BOOL, "true", "CUNWU_HTTP_GROUP_COMMIT", 0, 0,
	  "SQLite: requests that write share one connection and commit together "
	  "(docs/internals/db.md, \"Group commit\")" },
	{ "http.answer_cache_ms", CFG_INT, "5000", "CUNWU_HTTP_ANSWER_CACHE_MS", 0, 3600000,
	  "keep the answers of cacheable lists (ROUTE_CACHE), for every thread, until a commit "
	  "writes what they read or this many milliseconds, for answers that age with the clock "
	  "(0: off)" },
	{ "cockpit.late_cost_ms", CFG_INT, "50", "CUNWU_COCKPIT_LATE_COST_MS", 0, 3600000,
	  "a cockpit figure that took at least this long to count is counted again off the "
	  "request after a write, and given meanwhile marked late (docs/internals/cockpit.md, "
	  "\"Late figures\"; 3600000: never)" },
	{ "cockpit.recount_ms", CFG_INT, "1000", "CUNWU_COCKPIT_RECOUNT_MS", 0, 3600000,
	  "count a late cockpit figure again at most once in this long: the writes meanwhile are "
	  "counted together" },
	{ "http.body_max", CFG_INT, "1048576", "CUNWU_HTTP_BODY_MAX", 1024, 64 << 20,
	  "largest JSON body accepted, in bytes (413 beyond)" },
	{ "http.connection_limit", CFG_INT, "1024", "CUNWU_HTTP_CONNECTION_LIMIT", 8, 65536,
	  "simultaneous connections; beyond them new ones wait in the listen queue" },
	{ "http.per_ip_connection_limit", CFG_INT, "128", "CUNWU_HTTP_PER_IP_CONNECTION_LIMIT", 0,
	  65536,
	  "connections one client address may hold (0: any); http.trusted_proxies are exempt, "
	  "so limit clients at the proxy" },
	{ "http.connection_timeout", CFG_INT, "30", "CUNWU_HTTP_CONNECTION_TIMEOUT", 1, 3600,
	  "seconds a connection may stay idle (no byte either way) before it is closed" },
	{ "http.shutdown_seconds", CFG_INT, "20", "CUNWU_HTTP_SHUTDOWN_SECONDS", 0, 600,
	  "on SIGTERM, wait this long for requests in flight" },
	{ "http.stop_after", CFG_INT, "0", "CUNWU_HTTP_STOP_AFTER", 0, 86400 * 365,
	  "stop by itself after this many seconds (0: never); tests use it as a safety net" },
	{ "http.trusted_proxies", CFG_STR, "", "CUNWU_TRUSTED_PROXIES", 0, 0,
	  "comma-separated addresses whose X-Forwarded-For is believed" },
	{ "log.level", CFG_STR, "info", "CUNWU_LOG_LEVEL", 0, 0,
	  "debug, info, warn, error or off" },
	{ "log.access", CFG_BOOL, "true", "CUNWU_LOG_ACCESS", 0, 0, "one log line per request" },
	{ "media.dir", CFG_STR, "", "CUNWU_MEDIA_DIR", 0, 0,
	  "folder for uploaded files (default: <db>.media beside a SQLite file)" },
	{ "media.max_bytes", CFG_INT, "20971520", "CUNWU_MEDIA_MAX_BYTES", 1024, 1 << 30,
	  "largest upload, in bytes" },
	{ "key_file", CFG_STR, "", "CUNWU_KEY_FILE", 0, 0,
	  "the key for personal data (default: <db>.key beside a SQLite file)" },
	{ "keys.rotate_stop_after", CFG_INT, "0", "CUNWU_KEYS_ROTATE_STOP_AFTER", 0, 1000000000,
	  "tests: `keys rotate` stops after this many batches, as if it crashed (0: never)" },
	{ "import.batch_rows", CFG_INT, "5000", "CUNWU_IMPORT_BATCH_ROWS", 1, 1000000,
	  "rows of a register written in one transaction by an import" },
	{ "import.load_rows", CFG_INT, "0", "CUNWU_IMPORT_LOAD_ROWS", 0, 1000000000,
	  "a register of at least this many rows, into a registry with fewer than half as many "
	  "people, is imported "
	  "in one transaction, its indexes made again at the end (0: never; `import run`: 50000)" },
	{ "import.load_grams", CFG_INT, "1000000", "CUNWU_IMPORT_LOAD_GRAMS", 1, 1000000000,
	  "a first load holds its search grams to its end (24 bytes each), and hands each this "
	  "many "
	  "to another thread to be sorted meanwhile" },
	{ "import.load_grams_max", CFG_INT, "10000000", "CUNWU_IMPORT_LOAD_GRAMS_MAX", 1,
	  1000000000,
	  "a first load that holds this many search grams writes them before it goes on (a "
	  "million people have 6.5 million)" },
	{ "import.keep_days", CFG_INT, "30", "CUNWU_IMPORT_KEEP_DAYS", 1, 3650,
	  "days an uploaded register not imported keeps its (sealed) file before it expires" },
	{ "import.stop_after", CFG_INT, "0", "CUNWU_IMPORT_STOP_AFTER", 0, 1000000000,
	  "tests: an import stops after this many batches, as if it crashed (0: never)" },
	{ "session.idle_minutes", CFG_INT, "120", "CUNWU_SESSION_IDLE_MINUTES", 1, 60 * 24 * 30,
	  "a session unused this long expires" },
	{ "session.absolute_hours", CFG_INT, "12", "CUNWU_SESSION_ABSOLUTE_HOURS", 1, 24 * 90,
	  "a session expires this long after login, used or not" },
	{ "session.secure_cookie", CFG_BOOL, "false", "CUNWU_SESSION_SECURE_COOKIE", 0, 0,
	  "mark the session cookie Secure (set it when users reach cunwu over HTTPS)" },
	{ "auth.hash_concurrency", CFG_INT, "2", "CUNWU_HASH_CONCURRENCY", 1, 64,
	  "password hashes computed at once (each takes auth.argon2_memory_kib)" },
	{ "auth.argon2_memory_kib", CFG_INT, "65536", "CUNWU_ARGON2_MEMORY_KIB", 8, 1 << 22,
	  "Argon2id memory per hash, KiB (new hashes only)" },
	{ "auth.argon2_ops", CFG_INT, "2", "CUNWU_ARGON2_OPS", 1, 32,
	  "Argon2id passes (new hashes only)" },
	{ "auth.login_failures", CFG_INT, "5", "CUNWU_LOGIN_FAILURES", 1, 1000,
	  "failed logins for one account within auth.login_window_seconds before 429" },
	{ "auth.login_failures_per_address", CFG_INT, "100", "CUNWU_LOGIN_FAILURES_PER_ADDRESS", 1,
	  100000, "failed logins from one address (a township may share one) before 429" },
	{ "auth.login_window_seconds", CFG_INT, "900", "CUNWU_LOGIN_WINDOW_SECONDS", 1, 86400,
	  "window over which failed logins are counted" },
	{ "auth.password_min", CFG_INT, "10", "CUNWU_PASSWORD_MIN", 8, 128,
	  "shortest password accepted, in characters" },
	{ "auth.admin_totp", CFG_BOOL, "true", "CUNWU_ADMIN_TOTP", 0, 0,
	  "the administrator roles (sysadmin, secadmin, auditor) must sign in with a second "
	  "factor (TOTP); until they enrol one their session may only enrol" },
	{ "auth.totp_issuer", CFG_STR, "cunwu", "CUNWU_TOTP_ISSUER", 0, 0,
	  "the name authenticator apps show beside a second factor's codes" },
	{ "requests.public_per_hour", CFG_INT, "20", "CUNWU_REQUESTS_PUBLIC_PER_HOUR", 1,
	  1000000000, "requests one address may submit on the public form per hour before 429" },
	{ "requests.public_media_max_bytes", CFG_INT, "5242880",
	  "CUNWU_REQUESTS_PUBLIC_MEDIA_MAX_BYTES", 1024, 1 << 30,
	  "largest photo uploaded without an account (POST /api/v1/public/media), in bytes" },
	{ "requests.public_media_per_hour", CFG_INT, "60", "CUNWU_REQUESTS_PUBLIC_MEDIA_PER_HOUR",
	  1, 100000, "photos one address may upload without an account per hour before 429" },
	{ "requests.reopen_days", CFG_INT, "7", "CUNWU_REQUESTS_REOPEN_DAYS", 0, 365,
	  "days after the reply within which a request may be reopened" },
	{ "notify.wecom_url", CFG_STR, "", "CUNWU_NOTIFY_WECOM_URL", 0, 0,
	  "WeCom group robot webhook (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…); "
	  "empty: off. The key is a secret: set it in the environment" },
	{ "notify.dingtalk_url", CFG_STR, "", "CUNWU_NOTIFY_DINGTALK_URL", 0, 0,
	  "DingTalk group robot webhook (https://oapi.dingtalk.com/robot/send?access_token=…); "
	  "empty: off. A secret: set it in the environment" },
	{ "notify.dingtalk_secret", CFG_STR, "", "CUNWU_NOTIFY_DINGTALK_SECRET", 0, 0,
	  "the DingTalk robot's signing secret (SEC…), when it has one; environment only" },
	{ "notify.sms_url", CFG_STR, "", "CUNWU_NOTIFY_SMS_URL", 0, 0,
	  "the government SMS gateway's URL (a JSON POST); empty: off" },
	{ "notify.sms_token", CFG_STR, "", "CUNWU_NOTIFY_SMS_TOKEN", 0, 0,
	  "the SMS gateway's token (sent as Authorization: Bearer); environment only" },
	{ "notify.sms_template", CFG_STR, "", "CUNWU_NOTIFY_SMS_TEMPLATE", 0, 0,
	  "the SMS gateway's template id for a request's notices" },
	{ "notify.console_url", CFG_STR, "", "CUNWU_NOTIFY_CONSOLE_URL", 0, 0,
	  "the console's address (https://cunwu.example.gov.cn): notices link the request's page" },
	{ "notify.max_attempts", CFG_INT, "5", "CUNWU_NOTIFY_MAX_ATTEMPTS", 1, 100,
	  "attempts to send a notice before it is marked failed" },
	{ "notify.retry_seconds", CFG_INT, "60", "CUNWU_NOTIFY_RETRY_SECONDS", 0, 86400,
	  "wait before the second attempt; doubled for each further one" },
	{ "notify.timeout_seconds", CFG_INT, "10", "CUNWU_NOTIFY_TIMEOUT_SECONDS", 1, 120,
	  "time limit of one sending (connection and answer)" },
	{ "jobs.poll_ms", CFG_INT, "1000", "CUNWU_JOBS_POLL_MS", 10, 60000,
	  "how often the scheduler looks for due jobs" },
	{ "audit.sign_key", CFG_STR, "", "CUNWU_AUDIT_SIGN_KEY", 0, 0,
	  "Ed25519 secret key file for signing exported audit heads (keep it off this machine's "
	  "database disk)" },
	/* the zones, log retention and TLS (docs/deploy.md) */
	{ "http.public_only", CFG_BOOL, "false", "CUNWU_HTTP_PUBLIC_ONLY", 0, 0,
	  "serve only the public form, tracking page and their API; every other route is 404 "
	  "(serve --public-only)" },
	{ "http.tls_cert", CFG_STR, "", "CUNWU_HTTP_TLS_CERT", 0, 0,
	  "PEM certificate (chain) file: serve HTTPS natively (with http.tls_key)" },
	{ "http.tls_key", CFG_STR, "", "CUNWU_HTTP_TLS_KEY", 0, 0,
	  "PEM private key file of http.tls_cert" },
	{ "log.file", CFG_STR, "", "CUNWU_LOG_FILE", 0, 0,
	  "the server's log lines go to this file instead of stderr" },
	{ "log.rotate", CFG_STR, "daily", "CUNWU_LOG_ROTATE", 0, 0,
	  "daily: log.file becomes log.file.YYYY-MM-DD at UTC midnight, old days removed after "
	  "log.keep_days; off: left to logrotate (SIGHUP reopens log.file)" },
	{ "log.keep_days", CFG_INT, "180", "CUNWU_LOG_KEEP_DAYS", 180, 36500,
	  "days rotated log files are kept; at least 180 (Cybersecurity Law art. 21: six months)" },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static char *values[NDEFS];
static char *sources[NDEFS];

const struct cfg_def *config_defs(size_t *n)
{
	*n = NDEFS;
	return defs;
}

static int find(const char *name)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (!strcmp(defs[i].name, name))
			return (int)i;
	return -1;
}

void config_free(void)
{
	for (size_t i = 0; i < NDEFS; i++) {
		free(values[i]);
		free(sources[i]);
		values[i] = sources[i] = NULL;
	}
}

void config_init(void)
{
	config_free();
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = 0;
	else
		return -1;
	return 0;
}

int config_set(const char *name, const char *value, const char *source, struct err *e)
{
	int i = find(name);
	if (i < 0)
		return err_invalid(e, "config.unknown", name, "unknown setting '%s' (%s)", name,
		                   source);
	const struct cfg_def *d = &defs[i];
	if (d->type == CFG_INT) {
		int64_t v;
		/* the law's floor said as such, not as a range */
		if (!strcmp(name, "log.keep_days") && !parse_i64(value, INT64_MIN, INT64_MAX, &v) &&
		    v < d->min)
			return err_invalid(
			    e, "config.retention", name,
			    "setting '%s' must be at least %lld days (logs are kept six "
			    "months: Cybersecurity Law art. 21), not '%s' (%s)",
			    name, (long long)d->min, value, source);
		if (parse_i64(value, d->min, d->max, &v))
			return err_invalid(e, "config.invalid", name,
			                   "setting '%s' must be an integer from %lld to %lld, not "
			                   "'%s' (%s)",
			                   name, (long long)d->min, (long long)d->max, value,
			                   source);
	} else if (d->type == CFG_BOOL) {
		int b;
		if (parse_bool(value, &b))
			return err_invalid(e, "config.invalid", name,
			                   "setting '%s' must be true or false, not '%s' (%s)",
			                   name, value, source);
	}
	char *v = strdup(value), *s = strdup(source);
	if (!v || !s) {
		free(v);
		free(s);
		return err_internal(e, "out of memory");
	}
	free(values[i]);
	free(sources[i]);
	values[i] = v;
	sources[i] = s;
	return 0;
}

static char *trim(char *s, char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

int config_parse(const char *text, size_t len, const char *path, struct err *e)
{
	int lineno = 0;
	const char *p = text, *end = text + len;
	char line[4096], src[512];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		lineno++;
		snprintf(src, sizeof(src), "file %s:%d", path, lineno);
		if (n >= sizeof(line))
			return err_invalid(e, "config.syntax", NULL, "line too long (%s)", src);
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : end;
		if (memchr(line, '\0', n))
			return err_invalid(e, "config.syntax", NULL, "NUL byte (%s)", src);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line, line + strlen(line));
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return err_invalid(e, "config.syntax", NULL, "expected 'name = value' (%s)",
			                   src);
		char *name = trim(s, eq);
		char *value = trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (config_set(name, value, src, e))
			return -1;
	}
	return 0;
}

int config_load_file(const char *path, int required, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!required && errno == ENOENT)
			return 0;
		return err_invalid(e, "config.open", "config", "unable to open '%s': %s", path,
		                   strerror(errno));
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > (1 << 20)) {
				free(buf);
				fclose(f);
				return err_invalid(e, "config.too_large", "config",
				                   "config file '%s' is over 1 MiB", path);
			}
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return err_internal(e, "out of memory");
			}
			buf = nb;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		if (!r)
			break;
		len += r;
	}
	fclose(f);
	int rc = config_parse(buf ? buf : "", len, path, e);
	free(buf);
	return rc;
}

int config_load_env(struct err *e)
{
	for (size_t i = 0; i < NDEFS; i++) {
		const char *v = getenv(defs[i].env);
		if (v && config_set(defs[i].name, v, defs[i].env, e))
			return -1;
	}
	return 0;
}

const char *config_str(const char *name)
{
	int i = find(name);
	if (i < 0) {
		fprintf(stderr, "fatal: no setting '%s'\n", name);
		abort();
	}
	return values[i] ? values[i] : defs[i].def;
}

int64_t config_int(const char *name)
{
	int64_t v = 0;
	parse_i64(config_str(name), INT64_MIN, INT64_MAX, &v);
	return v;
}

int config_bool(const char *name)
{
	int b = 0;
	parse_bool(config_str(name), &b);
	return b;
}

const char *config_source(const char *name)
{
	int i = find(name);
	return i >= 0 && sources[i] ? sources[i] : "default";
}
