/* cockpit.c - the registry of cockpit tiles; see cockpit.h. */
#include "cockpit.h"

#include <stdio.h>
#include <string.h>

#include "answers.h"

#include "banned.h"

#define MAX_TILES 128

static const struct cockpit_tile *tiles[MAX_TILES];
static int ntiles;

void cockpit_register(const struct cockpit_tile *t)
{
	for (int i = 0; i < ntiles; i++)
		if (!strcmp(tiles[i]->key, t->key))
			return;
	if (ntiles < MAX_TILES)
		tiles[ntiles++] = t;
}

int64_t cockpit_tile_ttl(const struct cockpit_tile *t, int64_t now_ms)
{
	if (t->ages_ms == COCKPIT_DATED)
		return answers_today_ms(now_ms);
	return t->ages_ms > 0 ? t->ages_ms : INT64_MAX;
}

const struct cockpit_tile *const *cockpit_tiles(int *n)
{
	*n = ntiles;
	return tiles;
}

int cockpit_count(struct db *db, const char *sql, const char *path, int64_t *out, struct err *e)
{
	char hi[1024];
	snprintf(hi, sizeof(hi), "%s~", path);
	return db_get_int(db, e, out, sql, DB_ARGS(DB_T(path), DB_T(hi))) < 0 ? -1 : 0;
}
