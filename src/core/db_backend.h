/*
 * db_backend.h - what a database backend provides to db.c. Only db.c and the backends
 * include this; modules see db.h alone.
 */
#ifndef CUNWU_DB_BACKEND_H
#define CUNWU_DB_BACKEND_H

#include "db.h"

struct db_ops {
	const char *name;
	int (*open)(struct db *db, const char *url, int create, struct err *e);
	void (*close)(struct db *db);
	/* prepare an uncached statement; the generic layer caches it */
	void *(*prepare)(struct db *db, const char *sql, struct err *e);
	void (*finalize)(void *stmt);
	int (*bind)(struct db *db, void *stmt, const struct db_arg *args, struct err *e);
	int (*step)(struct db *db, void *stmt, struct err *e);
	void (*reset)(void *stmt);
	int (*cols)(void *stmt);
	int (*isnull)(void *stmt, int col);
	const char *(*text)(void *stmt, int col, size_t *n);
	int64_t (*integer)(void *stmt, int col);
	const void *(*blob)(void *stmt, int col, size_t *n);
	char (*coltype)(void *stmt, int col); /* see db_coltype; NULL values are 'n' */
	int64_t (*changes)(struct db *db);
	int (*script)(struct db *db, const char *sql, struct err *e);
	const char *begin_write; /* SQL to start a write transaction */
	/* optional: taken before begin_write, released when that transaction ends */
	int (*write_lock)(struct db *db, struct err *e);
	void (*write_unlock)(struct db *db);
	/* optional: after a write transaction's commit, the write lock released; returns
	 * once the commit is on disk (a group commit), 0 or -1 */
	int (*durable)(struct db *db, struct err *e);
	/* optional: 0 once the backend ended the open transaction itself (an error that
	 * rolled it back whole) */
	int (*tx_open)(struct db *db);
	/* optional: 1 if the connection may carry a group's transactions (db_group_open) */
	int (*groups)(struct db *db);
	const char *begin_read;   /* SQL to start a read transaction (one snapshot) */
	const char *data_version; /* SQL answering one integer, or NULL (db_data_version) */
	const char *migrate_lock; /* SQL run first in the migration transaction, or NULL */
	/* around each migration run outside a transaction: take and release a session lock
	 * that excludes migrate_lock too (NULL: none needed) */
	const char *outside_lock, *outside_unlock;
	/* run such a migration (one statement) outside any transaction */
	int (*script_outside_tx)(struct db *db, const char *sql, struct err *e);
	int (*backup)(struct db *db, const char *path, struct err *e);
	const char *concat_agg; /* the aggregate joining text with ',' (db_sql_concat_agg) */
	/* optional: the tables the statement prepared last reads and writes (db_table_bit),
	 * writes widened to the tables they cascade to; without it, every table */
	void (*tables)(struct db *db, uint64_t *reads, uint64_t *writes);
	/* optional: SQL answering the mark of the process that committed a write last, and a
	 * format (one %ld) that sets it; db.c leaves this process's mark at each write commit
	 * and, when another connection committed, reads it to tell whether that was another
	 * process (db_stamp). mark_ready: SQL answering 1 once the mark can be read, or NULL */
	const char *mark_get, *mark_set, *mark_ready;
	/* optional: the mark read at a write commit instead of mark_get; no row if another
	 * writer is changing it (PostgreSQL: FOR SHARE SKIP LOCKED), then set as another's */
	const char *mark_lock;
	/* optional: 1 if the open transaction failed and will only roll back */
	int (*tx_failed)(struct db *db);
	/* data_version changes for more than this database's commits (PostgreSQL's snapshot is
	 * the cluster's): the mark is asked each time, even when this process committed nothing */
	int version_shared;
	const char *bulk_on, *bulk_off; /* SQL around a bulk writer (db_bulk), or NULL */
	void (*release)(struct db *db); /* give back the connection's page cache, or NULL */
	const char *cache_small;        /* SQL that keeps the page cache small (db_cache_small) */
};

#define DB_CACHE_SIZE 128

struct db_cached {
	const char *sql;  /* owned copy */
	const char *seen; /* the text it was last asked for by (a literal, mostly): tried first */
	uint64_t hash;
	void *stmt;
	int in_use;
	struct db_stmt *handle;
};

struct db_stmt {
	struct db *db;
	void *stmt;
	struct db_cached *cached; /* NULL for a one-off statement */
	uint64_t reads, writes;   /* its tables (db_table_bit) */
	int own_commit;           /* a write outside a transaction, under way */
	int active;
	struct db_stmt *next_oneoff; /* one-offs in use, so db_reset_all can end them */
};

struct db {
	const struct db_ops *ops;
	void *conn;
	struct arena *arena;
	struct arena own; /* used when no arena was set */
	int in_tx;
	int stale_cache; /* the backend reconnected: cached statements must be prepared anew */
	uint64_t reads;  /* tables read since the last db_stamp */
	uint64_t writes; /* tables written in the open write transaction */
	/* the write epoch and other processes' commits seen when the read transaction's
	 * snapshot began: what is read in it is kept as of then (db_stamp_reads) */
	uint64_t snap_epoch, snap_foreign;
	/* db_stamp's last look at the data version: when (-1: never), its answer, this
	 * process's commits begun then, and whether none was under way. A connection's own:
	 * the first look is taken at open, so that a commit by another process between then
	 * and the connection's first answer is seen (a thread's first look could not tell) */
	int64_t dv_ms, dv;
	uint64_t dv_begun;
	int dv_idle;
	int mark_ready; /* the mark can be read (ops->mark_ready answered 1) */
	char origin[16];
	struct db_cached cache[DB_CACHE_SIZE];
	struct db_stmt *oneoffs;
	size_t ncache, next_evict;
};

extern const struct db_ops db_sqlite_ops;
/* the VFS that gathers WAL writes (db_wal.c), or NULL: the default one */
const char *db_sqlite_vfs(void);
/* since the process began: WAL writes SQLite made that were gathered, and the writes of
 * WAL files made through the default VFS (gathered ones, and those written through) */
void db_sqlite_wal_counts(uint64_t *gathered, uint64_t *written);
extern const struct db_ops db_pg_ops;
void db_sqlite_global_init(void);
int db_sqlite_writers_waiting(struct db *db);
/* how many times the group sync has synced a WAL in this process (tests) */
uint64_t db_sqlite_wal_syncs(void);
void db_sqlite_sync_delay(int ms); /* tests: each sync of a WAL takes ms longer */

#endif
