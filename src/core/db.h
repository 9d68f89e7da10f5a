/*
 * db.h - the database interface every module uses; backends live behind it.
 *
 * One connection per thread (a worker, the job scheduler, a CLI command). Statements are
 * cached per connection by their SQL text and reset, not re-prepared. Parameters are '?'
 * in the portable SQL subset (docs/internals/sql.md); a backend rewrites them if it must.
 * Column values are copied into the connection's current arena (db_set_arena), so they
 * live as long as the request, not the statement.
 *
 * Writes happen inside db_begin(db, DB_WRITE, ...), which on SQLite is BEGIN IMMEDIATE: the
 * write lock is taken at the start, so a transaction never fails half-way on a lock.
 *
 * Errors: -1 with e set. A lock wait that runs out is 503 db.busy (Retry-After: 1); a
 * constraint violation is 409 db.conflict; anything else is 500 db.error, logged with
 * its SQL.
 */
#ifndef CUNWU_DB_H
#define CUNWU_DB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

struct db;
struct db_stmt;

enum db_arg_type {
	DB_ARG_END = 0,
	DB_ARG_NULL,
	DB_ARG_TEXT,
	DB_ARG_I64,
	DB_ARG_BLOB
};

struct db_arg {
	enum db_arg_type type;
	const char *s; /* TEXT (NULL binds NULL), BLOB bytes */
	int64_t i;     /* I64, BLOB length */
};

#define DB_T(x) ((struct db_arg){ .type = DB_ARG_TEXT, .s = (x) })
/* text of n bytes (n > 0), not measured again; x[n] is still its NUL (PostgreSQL reads
 * to it) */
#define DB_TN(x, n) ((struct db_arg){ .type = DB_ARG_TEXT, .s = (x), .i = (n) })
#define DB_I(x)     ((struct db_arg){ .type = DB_ARG_I64, .i = (x) })
#define DB_B(p, n)                                                                                 \
	((struct db_arg){ .type = DB_ARG_BLOB, .s = (const char *)(p), .i = (int64_t)(n) })
#define DB_NULL   ((struct db_arg){ .type = DB_ARG_NULL })
#define DB_NOARGS ((struct db_arg){ .type = DB_ARG_END })

enum {
	DB_READ = 0,
	DB_WRITE = 1
};

/*
 * Open a connection. url is a SQLite path (or "sqlite:PATH"); "postgresql://" URLs go to
 * the PostgreSQL backend. With create 0 a missing SQLite file is an error.
 */
int db_open(struct db **out, const char *url, int create, struct err *e);
void db_close(struct db *db);
/* Copy column values into a from now on. */
void db_set_arena(struct db *db, struct arena *a);
struct arena *db_arena(struct db *db);
const char *db_backend(struct db *db); /* "sqlite" or "postgresql" */

int db_begin(struct db *db, int write, struct err *e);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
int db_in_tx(struct db *db);
/*
 * How many write transactions this process has committed. A cache of rows that writes may
 * change compares it to know whether it may still be right (other processes are not
 * counted: such caches also expire by age).
 */
uint64_t db_write_epoch(void);
/*
 * Group commit: the writes of several threads run one after another on one connection,
 * each in a savepoint of a transaction they share, committed once for all. A commit
 * writes each page it changed once, however many rows changed on it, and rows appended to
 * a table or an index land on the same last pages: on SQLite N requests in one commit write
 * a fraction of what N commits write (the WAL's frames, their checkpoint). One connection
 * does every write, so its page cache is not dropped for another's commit either.
 * docs/internals/db.md, "Group commit".
 *
 * db_group_open: *out stays NULL (and 0 is returned) where the backend gains nothing:
 * PostgreSQL (its server commits each connection's transactions), SQLite without WAL.
 * max: writes a transaction takes at most.
 * db_group_run: queue fn and wait. The thread that finds no transaction running runs the
 * queue's writes itself, one after another (those queued meanwhile too, up to max), each
 * as fn(db, arg, e) with db's values copied into a: fn returns 1 to keep what it wrote
 * (its savepoint released), 0 to undo it (rolled back to its savepoint: a 4xx answer), -1
 * with e set to undo it and fail. Then that thread commits, and each write's thread
 * returns: 0 once the commit is durable (or at once for 0 from fn), or -1 with e set
 * (fn's error, or the commit's: then nothing of any write was kept). fn may run on
 * another thread than its caller's, which waits meanwhile.
 */
struct db_group;
int db_group_open(struct db_group **out, const char *url, int max, struct err *e);
void db_group_close(struct db_group *g);
int db_group_run(struct db_group *g, int (*fn)(struct db *db, void *arg, struct err *e), void *arg,
                 struct arena *a, struct err *e);
int db_group_waiting(struct db_group *g); /* writes queued, not yet running (tests) */
/*
 * A number that changes whenever another connection (of this process or another) has
 * committed a write since the last call on this connection; -1 if the backend cannot
 * tell cheaply (then caches must expire by age). SQLite: PRAGMA data_version.
 */
int64_t db_data_version(struct db *db);
/*
 * What a cache of answers made from the database keeps beside each answer, taken before the
 * reads it is made from (so a commit meanwhile shows), then told what those reads were
 * (db_stamp_reads). db_stamp_holds: since the first stamp, no write transaction of this
 * process changed a table the answer read, and no other process committed; where the
 * backend cannot tell of other processes, the answer is also not older than max_age_ms.
 *
 * Tables are told apart on SQLite, which names the tables each statement reads and writes
 * as it is prepared (a write to a table also counts for the tables whose rows its foreign
 * keys cascade to); a table is one of 64 bits (the 64th and later tables share the last,
 * which costs kept answers, never a stale one). On PostgreSQL every write counts for
 * every table.
 * Another process's commit is seen within a millisecond (each thread asks at most once a
 * millisecond): cunwu processes leave their mark in the database file when they write
 * (db_sqlite.c), and a commit while this process wrote nothing is another's too. The
 * principal cache (auth.c), the kept answers (http.c) and the cockpit (system/http.c)
 * believe entries so.
 */
struct db_stamp {
	uint64_t epoch;   /* this process's write transactions, then */
	uint64_t foreign; /* other processes' commits seen by this process, then */
	uint64_t tables;  /* the tables read (db_stamp_reads); all until told */
	int64_t version, ms;
};
void db_stamp(struct db *db, int64_t now_ms, struct db_stamp *s);
/* the tables db read since s was taken (db_stamp on the same connection; stamps do not
 * nest: a db_stamp starts the count again, so a caller that keeps answers inside another
 * adds their tables to the outer one's, as the cockpit does) */
void db_stamp_reads(struct db *db, struct db_stamp *s);
int db_stamp_holds(const struct db_stamp *then, const struct db_stamp *now, int64_t max_age_ms);
/* the bit of a table: each of the first 63 tables named its own, the rest share one */
uint64_t db_table_bit(const char *table);
/*
 * A pass that writes a great many rows at random places in the indexes (an import) sets
 * bulk on for its connection, outside a transaction, and off when done: on SQLite a page
 * cache of 256 MiB instead of 16 MB, so index pages are not read again and again; on
 * PostgreSQL, whose server keeps its own cache, no table scanned where an index serves (a
 * plan kept from when a table was small would scan it whole as the pass grows it).
 */
void db_bulk(struct db *db, int on);
/* Give back the memory of the connection's page cache (SQLite), between rare uses of a
 * connection kept open: the cockpit's counter after each count. */
void db_release_memory(struct db *db);
/* Keep the connection's page cache to 2 MiB (SQLite): a connection that works in the
 * background, whose speed matters less than the server's memory. */
void db_cache_small(struct db *db);
/*
 * This database's origin: a random id made once per database (table deployment), naming
 * what this deployment wrote (its audit chains) apart from what merged databases wrote.
 * Read once per connection.
 */
const char *db_origin(struct db *db, struct err *e);
/* Process-wide settings of the backends; call once at start, before any connection. */
void db_global_init(void);

/* Prepare (or take from the cache), bind, and return a statement ready to step. */
struct db_stmt *db_query_(struct db *db, struct err *e, const char *sql, const struct db_arg *args);
#define db_query(db, e, sql, ...)                                                                  \
	db_query_((db), (e), (sql), (const struct db_arg[]){ __VA_ARGS__, DB_NOARGS })
/* 1 with a row, 0 when done (the statement is then reset), -1 on error (reset too). */
int db_step(struct db_stmt *st, struct err *e);
/* Reset a statement left before its last row. Harmless after 0 or -1 from db_step. */
void db_done(struct db_stmt *st);
/* Run a statement to the end; the number of rows it changed, or -1. */
int64_t db_exec_(struct db *db, struct err *e, const char *sql, const struct db_arg *args);
#define db_exec(db, e, sql, ...)                                                                   \
	db_exec_((db), (e), (sql), (const struct db_arg[]){ __VA_ARGS__, DB_NOARGS })
/* Run several ;-separated statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql, struct err *e);
/* head ("INSERT INTO t (a, b) VALUES") and rows times "(?, ?)" of cols places, in a: one
 * statement for many rows, one round trip on PostgreSQL (at most 256 parameters there) */
const char *db_rows_sql(struct arena *a, const char *head, int cols, int rows);

int db_cols(struct db_stmt *st);
int db_isnull(struct db_stmt *st, int col);
/* Text in the arena; NULL for SQL NULL. */
const char *db_text(struct db_stmt *st, int col);
int64_t db_int(struct db_stmt *st, int col);
/* Bytes in the arena; *n gets the length. */
const void *db_blob(struct db_stmt *st, int col, size_t *n);
/*
 * The kind of a column's value in the current row: 'i' integer, 'f' real, 't' text, 'b'
 * blob, 'n' NULL. SQLite answers the stored value's type; PostgreSQL the column's type
 * (int2/int4/int8/bool 'i', float4/float8/numeric 'f', anything else 't', bytea too: its
 * db_blob is the text form). For code that moves values it does not know, such as `cunwu
 * copy`, so that an integer is bound as an integer (DB_I), not as its text.
 */
char db_coltype(struct db_stmt *st, int col);

/* One value from a one-row query: 1 found, 0 no row, -1 error. */
int db_get_int(struct db *db, struct err *e, int64_t *out, const char *sql,
               const struct db_arg *args);
int db_get_text(struct db *db, struct err *e, const char **out, const char *sql,
                const struct db_arg *args);
#define DB_ARGS(...) ((const struct db_arg[]){ __VA_ARGS__, DB_NOARGS })

/*
 * A LIKE pattern that finds text anywhere: "%<text>%" with %, _ and \ escaped. Use it as
 * "col LIKE ? ESCAPE '\'" (the same on SQLite and PostgreSQL). In a.
 */
const char *db_like_contains(struct arena *a, const char *text);
/*
 * SQL for "the values of expr over a group, joined with ','" (SQLite group_concat,
 * PostgreSQL string_agg), in no particular order; NULL for no rows. In a. The one
 * backend difference a module may need to fold a short list into a column.
 */
const char *db_sql_concat_agg(struct db *db, struct arena *a, const char *expr);

/* Reset statements a request left open; called by the HTTP layer after each request. */
void db_reset_all(struct db *db);

/*
 * Migrations: schema/<module>/NNNN-name.sql, compiled in (build/gen/schema.c) in module
 * order. db_migrate applies what is missing in one transaction and records each in
 * schema_migrations. A database that holds a migration this binary does not know is
 * refused (db.too_new) before anything is touched.
 *
 * A migration marked outside_tx (first line "-- cunwu: outside-transaction": one
 * CREATE INDEX CONCURRENTLY IF NOT EXISTS) runs after the others, alone and outside any
 * transaction, under the backend's session lock, and is recorded after it; an interrupted
 * one runs again (docs/internals/db.md).
 */
struct migration {
	const char *module;
	int version;
	const char *name;
	int outside_tx;
	const char *sql;
};
extern const struct migration schema_migrations_list[];
extern const size_t schema_migrations_count;

/* applied: how many were applied now (may be NULL) */
int db_migrate(struct db *db, int *applied, struct err *e);
/* The same with another list than schema_migrations_list (tests). */
int db_migrate_list(struct db *db, const struct migration *list, size_t n, int *applied,
                    struct err *e);
/* 0 if the schema is current, else -1 with db.needs_migration or db.too_new */
int db_schema_check(struct db *db, struct err *e);

/* Backup a live database into a new SQLite file at path (consistent snapshot). */
int db_backup_to(struct db *db, const char *path, struct err *e);

#endif
