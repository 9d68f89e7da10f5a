/*
 * db_pg.c - the PostgreSQL backend, through libpq.
 *
 * Statements are prepared once per connection (PQprepare, named s1, s2, ...) after their
 * '?' placeholders are rewritten to $1, $2, ...; binding executes them (parameters as
 * text), and stepping walks the result rows. A connection that breaks (the server was
 * restarted) answers 503 db.unavailable and is re-established on its next use, with its
 * prepared statements forgotten. Serialization failures and deadlocks answer db.retry,
 * which the HTTP layer retries.
 *
 * The database must compare text bytewise (LC_COLLATE "C"): subtrees are path ranges
 * (path >= P AND path < P || '~'), which a linguistic collation would break.
 */
#include "db_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "log.h"
#include "banned.h"

struct pg_conn {
	PGconn *c;
	char *url;
	int64_t changes;
	unsigned next_name;
	unsigned gen; /* connections made so far: statements prepared on older ones are gone */
	int broken;
};

struct pg_stmt {
	struct pg_conn *pc;
	char name[24];
	char *text; /* the rewritten SQL, to prepare again on a new connection */
	unsigned gen;
	int nparams;
	PGresult *res;
	int row, nrows;
};

#define PC(db) ((struct pg_conn *)(db)->conn)

/* 1 if the connection is gone (server stopped, restarted, or ended the session) */
static int conn_lost(struct pg_conn *pc, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return PQstatus(pc->c) != CONNECTION_OK || (state && !strncmp(state, "08", 2)) ||
	       (state && !strncmp(state, "57P", 3));
}

/* Map a failed result (or connection) to an err. */
static int pg_err(struct db *db, PGresult *res, const char *what, struct err *e)
{
	struct pg_conn *pc = PC(db);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	if (conn_lost(pc, res)) {
		pc->broken = 1;
		/* inside a transaction the work is lost with the connection: the HTTP layer
		 * runs the request again (db.retry), on a new connection if the server is back */
		if (db->in_tx)
			err_set(e, 503, "db.retry", NULL, "database connection lost; try again");
		else
			err_set(e, 503, "db.unavailable", NULL, "database unavailable; try again");
		if (e)
			e->retry_after = "1";
		return -1;
	}
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01"))) {
		err_set(e, 503, "db.retry", NULL,
		        "database conflict between transactions; try again");
		if (e)
			e->retry_after = "1";
		return -1;
	}
	if (state && !strcmp(state, "55P03")) { /* lock not available */
		err_set(e, 503, "db.busy", NULL, "database is busy; try again");
		if (e)
			e->retry_after = "1";
		return -1;
	}
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c);
	char clean[200];
	snprintf(clean, sizeof(clean), "%s", msg ? msg : "");
	clean[strcspn(clean, "\n")] = '\0';
	if (state && !strncmp(state, "23", 2))
		return err_set(e, 409, "db.conflict", NULL, "conflicts with existing data: %s",
		               clean);
	log_error("postgresql: %s %s (in: %.200s)", state ? state : "-", clean, what);
	return err_set(e, 500, "db.error", NULL, "database error: %s", clean);
}

/* Server notices and warnings go to the log, not straight to stderr as libpq would. */
static void pg_notice(void *arg, const char *msg)
{
	(void)arg;
	log_warn("postgresql: %.*s", (int)strcspn(msg, "\n"), msg);
}

static int pg_connect(struct db *db, struct err *e)
{
	struct pg_conn *pc = PC(db);
	if (pc->c)
		PQfinish(pc->c);
	/* "cunwu" in pg_stat_activity, unless the URL names an application_name itself */
	const char *const keys[] = { "dbname", "fallback_application_name", NULL };
	const char *const vals[] = { pc->url, "cunwu", NULL };
	pc->c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(pc->c) != CONNECTION_OK) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pc->c));
		msg[strcspn(msg, "\n")] = '\0';
		err_set(e, 503, "db.unavailable", "db", "unable to reach PostgreSQL: %s", msg);
		if (e)
			e->retry_after = "1";
		pc->broken = 1;
		return -1;
	}
	PQsetNoticeProcessor(pc->c, pg_notice, NULL);
	PGresult *r = PQexec(pc->c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
	                            "SET client_min_messages = warning");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok)
		return pg_err(db, NULL, "SET", e);
	pc->broken = 0;
	pc->gen++;
	db->stale_cache = 1; /* statements prepared on an earlier connection are gone */
	return 0;
}

/* Reconnect a broken connection before use; -1 (503) if the server is still away. */
static int pg_ready(struct db *db, struct err *e)
{
	struct pg_conn *pc = PC(db);
	if (!pc->broken && PQstatus(pc->c) == CONNECTION_OK)
		return 0;
	if (db->in_tx) /* the transaction died with the connection: run it again */
		return err_set(e, 503, "db.retry", NULL, "database connection lost; try again");
	return pg_connect(db, e);
}

static int pg_open(struct db *db, const char *url, int create, struct err *e)
{
	(void)create; /* PostgreSQL databases are made by their administrator */
	struct pg_conn *pc = calloc(1, sizeof(*pc));
	if (!pc || !(pc->url = strdup(url))) {
		free(pc);
		return err_internal(e, "out of memory");
	}
	db->conn = pc;
	if (pg_connect(db, e))
		goto fail;
	PGresult *r = PQexec(pc->c, "SELECT datcollate FROM pg_database "
	                            "WHERE datname = current_database()");
	const char *coll =
	    PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
	int bytewise = !strcmp(coll, "C") || !strcmp(coll, "POSIX") || !strcmp(coll, "C.UTF-8");
	char collation[64];
	snprintf(collation, sizeof(collation), "%s", coll);
	PQclear(r);
	if (!bytewise) {
		err_invalid(e, "db.collation", "db",
		            "the database compares text by '%s'; cunwu needs bytewise order: "
		            "CREATE DATABASE ... TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'",
		            collation);
		goto fail;
	}
	return 0;
fail:
	PQfinish(pc->c);
	free(pc->url);
	free(pc);
	db->conn = NULL;
	return -1;
}

/* the open transaction failed: only a rollback is left (a COMMIT answers so) */
static int pg_tx_failed(struct db *db)
{
	struct pg_conn *pc = db->conn;
	return pc && pc->c && PQtransactionStatus(pc->c) == PQTRANS_INERROR;
}

static void pg_close(struct db *db)
{
	struct pg_conn *pc = PC(db);
	if (!pc)
		return;
	PQfinish(pc->c);
	free(pc->url);
	free(pc);
}

/* '?' outside quotes and comments becomes $n; *nparams gets n. */
static char *rewrite(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1), *o = out;
	if (!out)
		return NULL;
	int n = 0;
	char quote = 0; /* ' or " inside a quoted string or name, - or * inside a comment */
	for (const char *p = sql; *p; p++) {
		if (quote == '-' || quote == '*') {
			if ((quote == '-' && *p == '\n') ||
			    (quote == '*' && *p == '*' && p[1] == '/'))
				quote = 0;
			if (*p == '*' && !quote)
				*o++ = *p++;
			*o++ = *p;
		} else if (quote) {
			if (*p == quote)
				quote = 0;
			*o++ = *p;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p;
		} else if ((*p == '-' && p[1] == '-') || (*p == '/' && p[1] == '*')) {
			quote = p[1];
			*o++ = *p++;
			*o++ = *p;
		} else if (*p == '?') {
			o += snprintf(o, 12, "$%d", ++n);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	*nparams = n;
	return out;
}

/* Prepare st->text on the current connection under a new name. */
static int pg_prepare_on(struct db *db, struct pg_stmt *st, struct err *e)
{
	struct pg_conn *pc = PC(db);
	PGresult *r = NULL;
	for (int attempt = 0;; attempt++) {
		snprintf(st->name, sizeof(st->name), "s%u", ++pc->next_name);
		PQclear(r);
		r = PQprepare(pc->c, st->name, st->text, 0, NULL);
		/* found dead outside a transaction: connect again and prepare once more */
		if (PQresultStatus(r) != PGRES_COMMAND_OK && attempt == 0 && !db->in_tx &&
		    conn_lost(pc, r)) {
			pc->broken = 1;
			if (pg_ready(db, e)) {
				PQclear(r);
				return -1;
			}
			continue;
		}
		break;
	}
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_err(db, r, st->text, e);
	PQclear(r);
	if (!rc) /* else prepared again at its next use; nothing to deallocate */
		st->gen = pc->gen;
	return rc;
}

static void *pg_prepare(struct db *db, const char *sql, struct err *e)
{
	if (pg_ready(db, e))
		return NULL;
	struct pg_stmt *st = calloc(1, sizeof(*st));
	if (st)
		st->text = rewrite(sql, &st->nparams);
	if (!st || !st->text) {
		free(st);
		err_internal(e, "out of memory");
		return NULL;
	}
	st->pc = PC(db);
	if (pg_prepare_on(db, st, e)) {
		free(st->text);
		free(st);
		return NULL;
	}
	return st;
}

static void pg_finalize(void *stmt)
{
	struct pg_stmt *st = stmt;
	if (!st)
		return;
	PQclear(st->res);
	/*
	 * The server keeps a prepared statement until the session ends: deallocate it there
	 * too, or evicted and one-off statements pile up in a long-lived connection. One
	 * prepared on an earlier connection is gone already.
	 */
	struct pg_conn *pc = st->pc;
	if (st->gen == pc->gen && !pc->broken && PQstatus(pc->c) == CONNECTION_OK) {
		char sql[40];
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
		PQclear(PQexec(pc->c, sql));
	}
	free(st->text);
	free(st);
}

/* the parameters a statement may have (an import writes 64 name grams of 4 at once) */
#define PG_MAX_PARAMS 256

/* Binding runs the statement: parameters go as text; stepping walks the rows. */
static int pg_bind(struct db *db, void *stmt, const struct db_arg *a, struct err *e)
{
	struct pg_stmt *st = stmt;
	struct pg_conn *pc = PC(db);
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
	char nums[PG_MAX_PARAMS][24];
	int i;
	for (i = 0; a[i].type != DB_ARG_END; i++) {
		if (i >= PG_MAX_PARAMS || i >= st->nparams)
			return err_internal(e, "too many parameters for statement %s", st->name);
		lengths[i] = 0;
		formats[i] = 0;
		switch (a[i].type) {
		case DB_ARG_TEXT:
			values[i] = a[i].s;
			break;
		case DB_ARG_I64:
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)a[i].i);
			values[i] = nums[i];
			break;
		case DB_ARG_BLOB:
			values[i] = a[i].s;
			lengths[i] = (int)a[i].i;
			formats[i] = 1;
			break;
		default:
			values[i] = NULL;
		}
	}
	if (i != st->nparams)
		return err_internal(e, "%d parameters for %d placeholders", i, st->nparams);
	ExecStatusType s;
	for (int attempt = 0;; attempt++) {
		if (pg_ready(db, e))
			return -1;
		if (st->gen != pc->gen && pg_prepare_on(db, st, e)) /* reconnected since */
			return -1;
		PQclear(st->res);
		st->res = PQexecPrepared(pc->c, st->name, i, values, lengths, formats, 0);
		s = PQresultStatus(st->res);
		/*
		 * A connection found dead by its first statement outside a transaction (the
		 * server restarted while this thread was idle): connect again and run it once
		 * more, so the first request after an outage does not fail for nothing.
		 */
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && attempt == 0 && !db->in_tx &&
		    conn_lost(pc, st->res)) {
			pc->broken = 1;
			continue;
		}
		break;
	}
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		pg_err(db, st->res, st->name, e);
		PQclear(st->res);
		st->res = NULL;
		return -1;
	}
	if (!strcmp(PQcmdStatus(st->res), "ROLLBACK") && !strcmp(st->text, "COMMIT")) {
		/* COMMIT of a transaction an earlier error aborted: rolled back, not an error */
		PQclear(st->res);
		st->res = NULL;
		log_error(
		    "postgresql: COMMIT rolled back a transaction aborted by an earlier error");
		return err_set(e, 500, "db.error", NULL,
		               "transaction rolled back after an earlier error");
	}
	const char *t = PQcmdTuples(st->res);
	pc->changes = t && *t ? strtoll(t, NULL, 10) : 0;
	st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
	st->row = -1;
	return 0;
}

static int pg_step(struct db *db, void *stmt, struct err *e)
{
	(void)db;
	(void)e;
	struct pg_stmt *st = stmt;
	if (!st->res)
		return 0;
	if (++st->row < st->nrows)
		return 1;
	return 0;
}

static void pg_reset(void *stmt)
{
	struct pg_stmt *st = stmt;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
}

static int pg_cols(void *stmt)
{
	struct pg_stmt *st = stmt;
	return st->res ? PQnfields(st->res) : 0;
}

static int pg_isnull(void *stmt, int col)
{
	struct pg_stmt *st = stmt;
	return PQgetisnull(st->res, st->row, col);
}

static const char *pg_text(void *stmt, int col, size_t *n)
{
	struct pg_stmt *st = stmt;
	*n = (size_t)PQgetlength(st->res, st->row, col);
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_int(void *stmt, int col)
{
	struct pg_stmt *st = stmt;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (!strcmp(v, "t"))
		return 1;
	return strtoll(v, NULL, 10);
}

static const void *pg_blob(void *stmt, int col, size_t *n)
{
	/* bytea comes back as text ("\\x..."); no table of cunwu stores blobs yet */
	return pg_text(stmt, col, n);
}

static char pg_coltype(void *stmt, int col)
{
	struct pg_stmt *st = stmt;
	if (PQgetisnull(st->res, st->row, col))
		return 'n';
	/* type OIDs of pg_type.dat, the same in every release */
	switch (PQftype(st->res, col)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		return 'i';
	case 700:  /* float4 */
	case 701:  /* float8 */
	case 1700: /* numeric */
		return 'f';
	default:
		return 't';
	}
}

static int64_t pg_changes(struct db *db)
{
	return PC(db)->changes;
}

static int pg_script(struct db *db, const char *sql, struct err *e)
{
	if (pg_ready(db, e))
		return -1;
	PGresult *r = PQexec(PC(db)->c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = 0;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = pg_err(db, r, sql, e);
	PQclear(r);
	return rc;
}

/*
 * The index a migration builds: the name after INDEX CONCURRENTLY IF NOT EXISTS (words
 * of letters, digits, '_' and '.', -- comments skipped) into name; 1 if found.
 */
static int concurrent_index_name(const char *sql, char *name, size_t size)
{
	static const char *const seq[] = { "INDEX", "CONCURRENTLY", "IF", "NOT", "EXISTS" };
	size_t matched = 0;
	for (const char *p = sql; *p;) {
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
			continue;
		}
		size_t n =
		    strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
		if (!n) {
			p++;
			continue;
		}
		if (matched == 5) {
			if (n >= size)
				return 0;
			memcpy(name, p, n);
			name[n] = '\0';
			return 1;
		}
		if (n == strlen(seq[matched]) && !strncasecmp(p, seq[matched], n))
			matched++;
		else
			matched = n == 5 && !strncasecmp(p, "INDEX", 5);
		p += n;
	}
	return 0;
}

/*
 * A CREATE INDEX CONCURRENTLY that failed or was interrupted leaves the index behind,
 * marked invalid: unused by queries, yet IF NOT EXISTS would skip it. Drop it so the
 * migration builds it again.
 */
static int pg_drop_invalid_index(struct db *db, const char *name, struct err *e)
{
	const char *params[1] = { name };
	PGresult *r = PQexecParams(PC(db)->c,
	                           "SELECT NOT indisvalid FROM pg_index "
	                           "WHERE indexrelid = to_regclass($1)",
	                           1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = pg_err(db, r, "SELECT NOT indisvalid", e);
		PQclear(r);
		return rc;
	}
	int invalid = PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), "t");
	PQclear(r);
	if (!invalid)
		return 0;
	log_warn("postgresql: dropping index %s, left invalid by an interrupted build", name);
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP INDEX CONCURRENTLY IF EXISTS %s", name);
	return pg_script(db, sql, e);
}

/* A migration that must run outside a transaction: CREATE INDEX CONCURRENTLY IF NOT EXISTS. */
static int pg_script_outside_tx(struct db *db, const char *sql, struct err *e)
{
	char name[64];
	if (pg_ready(db, e))
		return -1;
	if (concurrent_index_name(sql, name, sizeof(name)) && pg_drop_invalid_index(db, name, e))
		return -1;
	return pg_script(db, sql, e);
}

/* the advisory lock key of migrations */
#define MIGRATE_LOCK "7432201"

const struct db_ops db_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind = pg_bind,
	.step = pg_step,
	.reset = pg_reset,
	.cols = pg_cols,
	.isnull = pg_isnull,
	.text = pg_text,
	.integer = pg_int,
	.blob = pg_blob,
	.coltype = pg_coltype,
	.changes = pg_changes,
	.script = pg_script,
	.begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED", /* whatever the server's default */
	/* one snapshot for every statement of a read, as SQLite gives: a list and its total
	 * agree; read only, so a read can never fail on a serialization conflict */
	.begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	/* changes at every commit: the committed xid leaves the in-progress list. The
	 * cluster's, not the database's: another database's writes and autovacuum's change it
	 * too, so the mark (writer_mark, schema/core/0002) tells whose commit it was */
	.data_version = "SELECT hashtextextended(pg_current_snapshot()::text, 0)",
	.version_shared = 1,
	/* an import's lookups by their indexes: a plan made (and kept) while persons was small,
	 * or analyzed small, scans it whole for every row of the import that grows it. Planning
	 * each statement anew (force_custom_plan) did too, and took 2.3 times as long */
	.bulk_on = "SET enable_seqscan = off",
	.bulk_off = "RESET enable_seqscan",
	.mark_get = "SELECT process FROM writer_mark",
	/* at a write commit that found its own mark, read again under a share lock until it
	 * ends: another process setting its mark meanwhile waits for this commit, and one
	 * setting it now is seen (its row skipped: taken for another's), so that no commit of
	 * another process goes unseen. Share locks do not wait for each other: this process's
	 * writers do not queue on the row */
	.mark_lock = "SELECT process FROM writer_mark FOR SHARE SKIP LOCKED",
	.mark_set = "INSERT INTO writer_mark (id, process) VALUES (1, %ld) "
	            "ON CONFLICT (id) DO UPDATE SET process = excluded.process",
	.tx_failed = pg_tx_failed,
	.mark_ready = "SELECT CASE WHEN to_regclass('writer_mark') IS NULL THEN 0 ELSE 1 END",
	/* two servers starting at once must not both migrate: the second waits, then finds
	 * nothing to do (the lock ends with the transaction) */
	.migrate_lock = "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
	/* a session lock for what runs outside a transaction; it excludes the one above */
	.outside_lock = "SELECT pg_advisory_lock(" MIGRATE_LOCK ")",
	.outside_unlock = "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")",
	.script_outside_tx = pg_script_outside_tx,
	.backup = NULL,
	.concat_agg = "string_agg",
};
