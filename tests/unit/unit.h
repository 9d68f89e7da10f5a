/*
 * unit.h - what the cmocka unit tests share: a substring assertion, an arena fixture and
 * temporary folders.
 * Include after <cmocka.h>.
 */
#ifndef CUNWU_TEST_UNIT_H
#define CUNWU_TEST_UNIT_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"

#define assert_contains(hay, needle)                                                               \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (!h_ || !strstr(h_, n_))                                                        \
			fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", n_);            \
	} while (0)

/* A cmocka fixture whose state is an arena (default block size), for tests that allocate. */
static inline int unit_arena_setup(void **state)
{
	struct arena *a = malloc(sizeof(*a));
	if (!a)
		return -1;
	arena_init(a, 0);
	*state = a;
	return 0;
}

static inline int unit_arena_teardown(void **state)
{
	arena_release(*state);
	free(*state);
	return 0;
}

static inline int unit_rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Remove a folder and everything in it. */
static inline void unit_rmtree(const char *dir)
{
	nftw(dir, unit_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * A temporary SQLite database for a test: dir (64 bytes) gets a new folder, path (128) the
 * file in it; the connection copies values into a. With migrate, every migration applies.
 * 0 or -1 (e says why).
 */
/* a test's database, for unit_db_open and unit_db_close */
struct unit_db {
	char dir[64];
	char path[128];
	struct db *db;
	struct arena a;
	struct err e;
};

static inline int unit_db_open(char *dir, char *path, const char *name, struct db **db,
                               struct arena *a, struct err *e, int migrate)
{
	snprintf(dir, 64, "/tmp/cunwu-%s-XXXXXX", name);
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, 128, "%s/t.db", dir);
	arena_init(a, 0);
	if (db_open(db, path, 1, e))
		return -1;
	db_set_arena(*db, a);
	if (migrate && db_migrate(*db, NULL, e)) {
		fprintf(stderr, "migrate: %s\n", e->msg);
		return -1;
	}
	return 0;
}

static inline void unit_db_close(const char *dir, struct db *db, struct arena *a)
{
	db_close(db);
	arena_release(a);
	unit_rmtree(dir);
}

#endif
