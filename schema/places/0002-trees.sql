-- places: the two trees. One table holds the physical tree (province … dwelling) and the
-- management tree (grids and micro-grids under a village or community), and a grid's path
-- continues its village's. A physical place's gpath is the path of the finest grid that
-- covers it (NULL if none), so a grant over a grid reaches the places it covers. Places are
-- retired, never deleted: a retired NBS unit's code moves to retired_code so that code
-- stays unique among active units. Coordinates are integers of 1e-7 degrees, areas of
-- hundredths of a square metre. See docs/internals/places.md.

ALTER TABLE places ADD COLUMN tree TEXT NOT NULL DEFAULT 'physical'
	CHECK (tree IN ('physical', 'grid'));
ALTER TABLE places ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
	CHECK (status IN ('active', 'retired'));
ALTER TABLE places ADD COLUMN retired_at TEXT;
ALTER TABLE places ADD COLUMN retired_code TEXT;
-- the NBS name with its 村委会 / 居委会 suffix (name is the display name), NULL for places
-- loaded before this migration until the next import fills it in
ALTER TABLE places ADD COLUMN nbs_name TEXT;
ALTER TABLE places ADD COLUMN is_virtual BIGINT NOT NULL DEFAULT 0;
ALTER TABLE places ADD COLUMN in_zone BIGINT NOT NULL DEFAULT 0;
ALTER TABLE places ADD COLUMN gpath TEXT;
ALTER TABLE places ADD COLUMN lat BIGINT;
ALTER TABLE places ADD COLUMN lng BIGINT;
ALTER TABLE places ADD COLUMN geojson TEXT;
ALTER TABLE places ADD COLUMN floor BIGINT;
ALTER TABLE places ADD COLUMN room TEXT;
ALTER TABLE places ADD COLUMN area BIGINT;

-- partial indexes: most places have neither, a range on the column implies NOT NULL
CREATE INDEX places_gpath ON places (gpath) WHERE gpath IS NOT NULL;
CREATE INDEX places_retired_code ON places (retired_code) WHERE retired_code IS NOT NULL;

-- every change of a place, for whoever may read the place (the audit log is for auditors)
CREATE TABLE place_history (
	id           TEXT PRIMARY KEY,
	place_id     TEXT NOT NULL REFERENCES places (id),
	region       TEXT NOT NULL,
	at           TEXT NOT NULL,
	action       TEXT NOT NULL CHECK (action IN ('create', 'rename', 'move', 'edit', 'retire',
	                                             'restore', 'cover', 'uncover')),
	before_json  TEXT,
	after_json   TEXT,
	actor_kind   TEXT NOT NULL,
	actor_id     TEXT,
	actor_name   TEXT,
	request_id   TEXT
);
CREATE INDEX place_history_place ON place_history (place_id, id);

-- the physical places a grid or micro-grid covers directly (their subtrees with them)
CREATE TABLE grid_places (
	grid_id     TEXT NOT NULL REFERENCES places (id),
	place_id    TEXT NOT NULL REFERENCES places (id),
	region      TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	created_by  TEXT,
	PRIMARY KEY (grid_id, place_id)
);
CREATE INDEX grid_places_place ON grid_places (place_id);
