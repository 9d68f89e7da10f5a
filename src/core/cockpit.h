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

#include "db.h"
#include "err.h"

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

#endif
