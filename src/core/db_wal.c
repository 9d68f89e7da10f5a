/*
 * db_wal.c - a SQLite VFS over the default one that writes a transaction's WAL frames in one
 * system call.
 *
 * SQLite appends a frame to the WAL as two writes, its 24-byte header and its page: a
 * resident's request (S2) dirties about ten pages, and a group of eight commits made 160
 * pwrite calls, each a trip into the kernel that costs more than the copy on a virtual
 * machine. Here a write transaction's appends to the WAL are gathered in memory and written
 * at once, when SQLite writes the page of the commit frame (the frame whose header holds the
 * database's size): that write answers for all of them, so a full disk fails the commit
 * as before, before the commit is published in the wal-index. Written at once also:
 *
 * - what is gathered, before any other use of the WAL file (a read: SQLite reading back a
 *   page it spilled; a sync, a truncation, its size, a lock, a file control, closing it)
 *   and past WAL_GATHER_MAX bytes. (At most WAL_WRITE_MAX in one call: the default VFS
 *   takes no more.)
 * - a write that is not an append (SQLite overwriting a frame of the same transaction, or
 *   rewriting checksums after the commit frame), after what is gathered: written through;
 * - as a safety net, what is gathered when the database file's wal-index is locked or
 *   fenced (xShmLock, xShmBarrier: readers believe a commit only after the barrier).
 *
 * So the file holds what SQLite wrote, in the order it wrote it, before any reader,
 * checkpointer or sync can look; only the number of calls changes. The database file and
 * its WAL are paired by name (sqlite3_filename_database), as SQLite opens them for one
 * connection, which one thread uses at a time. Other files pass through untouched. Turned
 * off by db.wal_gather=false.
 */
#include "db_backend.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config.h"
#include "log.h"
#include "banned.h"

#define WAL_GATHER_MAX (4 << 20)
#define WAL_KEEP       (1 << 20) /* kept between transactions at most */
/* the default VFS writes at most 128 KiB - 1 in one call (unix: seekAndWriteFd) */
#define WAL_WRITE_MAX (124 << 10)

struct shim {
	sqlite3_file base;  /* our methods */
	sqlite3_file *real; /* the default VFS's file, just after this struct */
	struct shim *pair;  /* the database file's WAL, or the WAL's database file */
	const char *name;   /* a database file's name as SQLite passed it (the pairing) */
	struct shim *next;  /* the open database files */
	/* a WAL's gathered bytes, for [off, off + len) */
	char *buf;
	size_t len, cap;
	sqlite3_int64 off;
	sqlite3_int64 end; /* past the last byte this transaction appended */
	int commit;        /* the commit frame's header was gathered: its page ends it */
	int err;           /* a write that failed where none could be told, told at the sync */
};

static sqlite3_vfs vfs, *base_vfs;
static _Atomic uint64_t appends_gathered, wal_writes; /* db_sqlite_wal_counts */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shim *open_dbs;

#define REAL(f) (((struct shim *)(f))->real)
#define RM(f)   (REAL(f)->pMethods)
#define SHIM(f) ((struct shim *)(f))

static int flush(struct shim *w)
{
	if (!w->len)
		return SQLITE_OK;
	int rc = SQLITE_OK;
	for (size_t at = 0; at < w->len && rc == SQLITE_OK; at += WAL_WRITE_MAX) {
		size_t n = w->len - at < WAL_WRITE_MAX ? w->len - at : WAL_WRITE_MAX;
		rc = RM(w)->xWrite(w->real, w->buf + at, (int)n, w->off + (sqlite3_int64)at);
		atomic_fetch_add(&wal_writes, 1);
	}
	w->len = 0;
	if (w->cap > WAL_KEEP) { /* a large transaction's room is not kept for the next */
		free(w->buf);
		w->buf = NULL;
		w->cap = 0;
	}
	return rc;
}

/* where the caller cannot be told: kept for the next sync, and logged (nothing should be
 * gathered there: the commit frame's page wrote it) */
static void flush_untold(struct shim *w)
{
	int rc = flush(w);
	if (rc != SQLITE_OK) {
		log_error("db: writing the WAL failed: %s", sqlite3_errstr(rc));
		if (!w->err)
			w->err = rc;
	}
}

/* ---- the WAL ---- */

static int wal_close(sqlite3_file *f)
{
	struct shim *w = SHIM(f);
	flush_untold(w);
	pthread_mutex_lock(&open_lock);
	if (w->pair)
		w->pair->pair = NULL;
	pthread_mutex_unlock(&open_lock);
	free(w->buf);
	return RM(f)->xClose(w->real);
}

static int wal_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	int rc = flush(SHIM(f));
	return rc ? rc : RM(f)->xRead(REAL(f), p, n, off);
}

#define WAL_HEADER       32 /* the WAL file's header, at offset 0 */
#define WAL_FRAME_HEADER 24 /* each frame's: page number, database size if a commit, ... */

/* write p now, after what is gathered */
static int write_through(struct shim *w, const void *p, int n, sqlite3_int64 off)
{
	int rc = flush(w);
	atomic_fetch_add(&wal_writes, 1);
	return rc ? rc : RM(w)->xWrite(w->real, p, n, off);
}

static int wal_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	struct shim *w = SHIM(f);
	/* the commit frame's page ends the transaction: what it answers is the commit's, on
	 * whichever path it is written */
	const unsigned char *h = p;
	int commit_page = 0;
	if (n == WAL_FRAME_HEADER)
		w->commit = h[4] | h[5] | h[6] | h[7];
	else if (w->commit) {
		w->commit = 0;
		commit_page = 1;
	}
	if (off == 0 && n == WAL_HEADER)
		w->end = 0; /* a new WAL, written from its start */
	if (off < w->end || (w->len && off != w->off + (sqlite3_int64)w->len))
		return write_through(w, p, n, off); /* not an append */
	if (off + n > w->end)
		w->end = off + n;
	if (w->len + (size_t)n > w->cap) {
		size_t cap = w->cap ? w->cap : 64 << 10;
		while (cap < w->len + (size_t)n)
			cap *= 2;
		char *b = cap <= WAL_GATHER_MAX ? realloc(w->buf, cap) : NULL;
		if (!b) /* too much gathered, or no memory: written as SQLite wrote it */
			return write_through(w, p, n, off);
		w->buf = b;
		w->cap = cap;
	}
	if (!w->len)
		w->off = off;
	memcpy(w->buf + w->len, p, (size_t)n);
	w->len += (size_t)n;
	atomic_fetch_add(&appends_gathered, 1);
	return commit_page ? flush(w) : SQLITE_OK;
}

static int wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	int rc = flush(SHIM(f));
	return rc ? rc : RM(f)->xTruncate(REAL(f), size);
}

static int wal_sync(sqlite3_file *f, int flags)
{
	struct shim *w = SHIM(f);
	int rc = flush(w);
	if (!rc)
		rc = w->err;
	w->err = 0;
	return rc ? rc : RM(f)->xSync(w->real, flags);
}

static int wal_size(sqlite3_file *f, sqlite3_int64 *size)
{
	int rc = flush(SHIM(f));
	return rc ? rc : RM(f)->xFileSize(REAL(f), size);
}

static int wal_lock(sqlite3_file *f, int lock)
{
	flush_untold(SHIM(f));
	return RM(f)->xLock(REAL(f), lock);
}

static int wal_unlock(sqlite3_file *f, int lock)
{
	flush_untold(SHIM(f));
	return RM(f)->xUnlock(REAL(f), lock);
}

static int wal_reserved(sqlite3_file *f, int *out)
{
	flush_untold(SHIM(f));
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int wal_control(sqlite3_file *f, int op, void *arg)
{
	flush_untold(SHIM(f));
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int any_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int any_device(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static const sqlite3_io_methods wal_methods = {
	1,        wal_close,  wal_read,     wal_write,   wal_truncate, wal_sync,   wal_size,
	wal_lock, wal_unlock, wal_reserved, wal_control, any_sector,   any_device,
};

/* ---- every other file: passed through; a database file's barrier writes its WAL ---- */

static int any_close(sqlite3_file *f)
{
	struct shim *d = SHIM(f);
	if (d->name) {
		pthread_mutex_lock(&open_lock);
		for (struct shim **p = &open_dbs; *p; p = &(*p)->next)
			if (*p == d) {
				*p = d->next;
				break;
			}
		if (d->pair)
			d->pair->pair = NULL;
		pthread_mutex_unlock(&open_lock);
	}
	return RM(f)->xClose(d->real);
}

static int any_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return RM(f)->xRead(REAL(f), p, n, off);
}

static int any_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	return RM(f)->xWrite(REAL(f), p, n, off);
}

static int any_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return RM(f)->xTruncate(REAL(f), size);
}

static int any_sync(sqlite3_file *f, int flags)
{
	return RM(f)->xSync(REAL(f), flags);
}

static int any_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return RM(f)->xFileSize(REAL(f), size);
}

static int any_lock(sqlite3_file *f, int lock)
{
	return RM(f)->xLock(REAL(f), lock);
}

static int any_unlock(sqlite3_file *f, int lock)
{
	return RM(f)->xUnlock(REAL(f), lock);
}

static int any_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int any_control(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int any_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **p)
{
	return RM(f)->xShmMap(REAL(f), page, size, extend, p);
}

/* the WAL's frames are in its file before the wal-index says they are there; taking the
 * write lock (slot 0) begins a transaction: nothing before it is overwritten */
static int any_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	struct shim *w = SHIM(f)->pair;
	if (w) {
		flush_untold(w);
		if (offset == 0 && (flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE))
			w->end = 0;
	}
	return RM(f)->xShmLock(REAL(f), offset, n, flags);
}

static void any_shm_barrier(sqlite3_file *f)
{
	if (SHIM(f)->pair)
		flush_untold(SHIM(f)->pair);
	RM(f)->xShmBarrier(REAL(f));
}

static int any_shm_unmap(sqlite3_file *f, int delete)
{
	return RM(f)->xShmUnmap(REAL(f), delete);
}

static int any_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return RM(f)->xFetch(REAL(f), off, n, p);
}

static int any_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods any_methods = {
	3,           any_close,   any_read,     any_write,       any_truncate,  any_sync,
	any_size,    any_lock,    any_unlock,   any_reserved,    any_control,   any_sector,
	any_device,  any_shm_map, any_shm_lock, any_shm_barrier, any_shm_unmap, any_fetch,
	any_unfetch,
};

/* ---- the VFS ---- */

static int shim_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	(void)v;
	struct shim *s = SHIM(f);
	memset(s, 0, sizeof(*s));
	s->real = (sqlite3_file *)(s + 1);
	int rc = base_vfs->xOpen(base_vfs, name, s->real, flags, out_flags);
	if (rc != SQLITE_OK || !s->real->pMethods || s->real->pMethods->iVersion < 3) {
		if (rc == SQLITE_OK && s->real->pMethods) /* an older file: refused, not wrapped */
			s->real->pMethods->xClose(s->real);
		s->base.pMethods = NULL;
		return rc == SQLITE_OK ? SQLITE_CANTOPEN : rc;
	}
	pthread_mutex_lock(&open_lock);
	if (flags & SQLITE_OPEN_WAL) {
		const char *db = sqlite3_filename_database(name);
		for (struct shim *d = open_dbs; d; d = d->next)
			if (d->name == db && !d->pair) {
				d->pair = s;
				s->pair = d;
				break;
			}
	} else if ((flags & SQLITE_OPEN_MAIN_DB) && name) {
		s->name = name;
		s->next = open_dbs;
		open_dbs = s;
	}
	pthread_mutex_unlock(&open_lock);
	/* a WAL no database file claims (none should be) is passed through */
	s->base.pMethods = s->pair && (flags & SQLITE_OPEN_WAL) ? &wal_methods : &any_methods;
	return SQLITE_OK;
}

static int shim_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int shim_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int shim_full_path(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static int shim_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base_vfs->xRandomness(base_vfs, n, out);
}

static int shim_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return base_vfs->xSleep(base_vfs, us);
}

static int shim_time(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static void *shim_dl_open(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return base_vfs->xDlOpen(base_vfs, name);
}

static void shim_dl_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	base_vfs->xDlError(base_vfs, n, out);
}

static void (*shim_dl_sym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return base_vfs->xDlSym(base_vfs, h, sym);
}

static void shim_dl_close(sqlite3_vfs *v, void *h)
{
	(void)v;
	base_vfs->xDlClose(base_vfs, h);
}

static int shim_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return base_vfs->xCurrentTime(base_vfs, out);
}

static int shim_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void shim_register(void)
{
	sqlite3_vfs *b = sqlite3_vfs_find(NULL);
	if (!b || b->iVersion < 2 || !b->xCurrentTimeInt64 || !b->xDlOpen || !b->xCurrentTime)
		return;
	base_vfs = b;
	vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct shim) + b->szOsFile,
		.mxPathname = b->mxPathname,
		.zName = "cunwu-wal",
		.xOpen = shim_open,
		.xDelete = shim_delete,
		.xAccess = shim_access,
		.xFullPathname = shim_full_path,
		.xDlOpen = shim_dl_open,
		.xDlError = shim_dl_error,
		.xDlSym = shim_dl_sym,
		.xDlClose = shim_dl_close,
		.xRandomness = shim_random,
		.xSleep = shim_sleep,
		.xCurrentTime = shim_current_time,
		.xGetLastError = shim_error,
		.xCurrentTimeInt64 = shim_time,
	};
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK)
		base_vfs = NULL;
}

const char *db_sqlite_vfs(void)
{
	if (!config_bool("db.wal_gather"))
		return NULL;
	pthread_once(&once, shim_register);
	return base_vfs ? vfs.zName : NULL;
}

void db_sqlite_wal_counts(uint64_t *gathered, uint64_t *written)
{
	*gathered = atomic_load(&appends_gathered);
	*written = atomic_load(&wal_writes);
}
