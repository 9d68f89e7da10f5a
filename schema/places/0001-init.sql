-- places: the minimal place tree the foundation needs (NBS administrative units).
-- path is the materialized path of ids from the root, '/140000000000/.../<id>/', so a
-- subtree is the range path >= P AND path < P || '~'. Administrative units use their
-- 12-digit NBS code as id, so townships loading the same county merge without clashes.

CREATE TABLE places (
	id          TEXT PRIMARY KEY,
	region      TEXT NOT NULL,
	code        TEXT UNIQUE,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	parent_id   TEXT REFERENCES places (id),
	path        TEXT NOT NULL UNIQUE,
	depth       BIGINT NOT NULL,
	version     BIGINT NOT NULL DEFAULT 1,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX places_parent ON places (parent_id, name);
