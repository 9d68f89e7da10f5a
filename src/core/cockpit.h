/*
 * cockpit.h - the extension point through which modules put figures on the town cockpit.
 *
 * A module registers tiles. GET /api/v1/cockpit?place=ID asks every tile the caller may see
 * for its figure over that place, and for the same figure for each child place (the
 * drill-down), so the console can draw the town and click into a village. A tile returns
 * one number for the subtree at a path (the caller is already authorized for it); the
 * router answers {"key", "unit", "value", "children": [{"place_id", "name", "value"}]}.
 */
#ifndef CUNWU_COCKPIT_H
#define CUNWU_COCKPIT_H

#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "json.h"

struct cockpit_tile {
	const char *key;  /* "accounts.users" - also the console's i18n key for the title */
	const char *perm; /* the permission a caller needs to see it */
	const char *unit; /* "人", "户", "件", "fen", ... */
	/* the figure for the subtree at path; -1 with e set on failure */
	int (*value)(struct db *db, const char *path, int64_t *out, struct err *e);
	/* 0: the figure changes only with rows; COCKPIT_DATED: also with the date (duties in
	 * force today, the last 30 days), counted again after midnight (Beijing); > 0: with the
	 * clock (deadlines passing), counted again after this many milliseconds */
	int64_t ages_ms;
};

#define COCKPIT_DATED (-1)

void cockpit_register(const struct cockpit_tile *t);
/* how long a kept figure of t may be believed at now_ms (INT64_MAX: until rows change) */
int64_t cockpit_tile_ttl(const struct cockpit_tile *t, int64_t now_ms);
/*
 * For tiles that count: run sql, a count whose first two parameters are the subtree range
 * ("... WHERE p.path >= ? AND p.path < ? ..."), over the subtree at path.
 */
int cockpit_count(struct db *db, const char *sql, const char *path, int64_t *out, struct err *e);
const struct cockpit_tile *const *cockpit_tiles(int *n);

/*
 * Where the backend cannot tell of other processes' commits, a kept figure is believed for
 * this long (answers.h).
 */
#define COCKPIT_CACHE_MS 1000

/* A place and its children for the drill-down (active, physical, by code), read in db's
 * arena. */
#define COCKPIT_MAX_CHILDREN 256
struct cockpit_place {
	const char *id, *name, *kind, *path;
	int nc;
	const char *cid[COCKPIT_MAX_CHILDREN], *cname[COCKPIT_MAX_CHILDREN],
	    *cpath[COCKPIT_MAX_CHILDREN];
};
int cockpit_place_read(struct db *db, const char *path, struct cockpit_place *p, struct err *e);

/*
 * One tile's figures over p and its children into w: {"key", "unit", "value", "children"},
 * kept by tile and place (answers.h) and given again while they hold. The whole answer's
 * stamp (*whole) gains the tables they were counted from, and their age.
 *
 * Late figures: a kept figure that no longer holds, and took at least cockpit.late_cost_ms
 * to count, is given again with "late": true (and *late set) while the counter, a thread
 * of the server with its own connection, counts it again: at most once a
 * cockpit.recount_ms, so that writes meanwhile are counted together. A town's home page
 * then never waits for a county's recount after a write. A figure is counted on the
 * request as before when the counter is not running (commands, tests in-process), has no
 * room in its queue, or has had the figure waiting for over COCKPIT_LATE_MAX_MS.
 */
#define COCKPIT_LATE_MAX_MS 30000
int cockpit_tile_answer(struct db *db, struct arena *a, struct jw *w, const struct cockpit_tile *t,
                        const struct cockpit_place *p, struct db_stamp *whole, int *late,
                        struct err *e);

/* Start the counter on its own connection to db_url, and stop it (idempotent). */
int cockpit_counter_start(const char *db_url, struct err *e);
void cockpit_counter_stop(void);

#endif
