/*
 * system.h - the routes and commands of the foundation itself: health, version, jobs,
 * the audit log, the cockpit, media, and init/serve/migrate/backup/restore/copy/demo.
 */
#ifndef CUNWU_SYSTEM_H
#define CUNWU_SYSTEM_H

#include "core/cli.h"
#include "core/http.h"

extern const struct route_table system_routes;
extern const struct command_table system_commands;
void system_register(void);

/* Paths that follow from --db for a SQLite file: "<db>.key", "<db>.media". */
const char *system_key_path(struct arena *a, const char *db_url);
const char *system_media_path(struct arena *a, const char *db_url);

/* Create a database: migrate, key file, media folder. Used by init and demo. */
int system_init_db(struct cli *c, struct err *e);

/* The demo: defined in demo.c. */
int system_demo(struct cli *c, struct err *e);

/* cunwu keys rotate: a new key for personal data, every row re-sealed; in keys.c. */
int system_keys_rotate(struct cli *c, struct err *e);

/* cunwu copy --from FILE.db --to URL: a township's database into a city's; in copy.c. */
int system_copy(struct cli *c, struct err *e);

#endif
