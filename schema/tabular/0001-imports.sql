-- tabular: registers imported from spreadsheets (src/tabular, docs/internals/tabular.md).
--
-- An import is a file uploaded for a place (the village, community or town it goes to):
-- the file is kept by its SHA-256 under the media folder (imports/), its sheet chosen, its
-- columns mapped to fields (mapping: a JSON array, one field id or null per column), then
-- checked (a dry run: every problem a row of import_problems) and run as a job that writes
-- the good rows in batches, each batch one transaction that also moves rows_done on, so a
-- job cut off by a restart resumes where the last batch ended. The same rows imported
-- twice change nothing: a person is found by the keyed hash of their identity number (or,
-- without one, by name in their household), a household by its 户号 at its place.
--
-- sheets: the workbook's sheets ({name, rows, cols, hidden}); columns: the chosen sheet's
-- header names. state: uploaded -> checking -> checked -> queued -> running -> done, or
-- failed; an import may be mapped and checked again until it is queued.
CREATE TABLE imports (
	id                TEXT PRIMARY KEY,
	region            TEXT NOT NULL,
	place_id          TEXT NOT NULL REFERENCES places (id),
	file_name         TEXT NOT NULL,
	file_sha256       TEXT NOT NULL,
	file_size         BIGINT NOT NULL,
	format            TEXT NOT NULL,
	sheets            TEXT NOT NULL DEFAULT '[]',
	sheet             INTEGER NOT NULL DEFAULT 0,
	columns           TEXT NOT NULL DEFAULT '[]',
	header_first      INTEGER NOT NULL DEFAULT 0,
	header_rows       INTEGER NOT NULL DEFAULT 0,
	data_first        INTEGER NOT NULL DEFAULT 0,
	template          TEXT NOT NULL DEFAULT '',
	mapping           TEXT NOT NULL DEFAULT '[]',
	state             TEXT NOT NULL DEFAULT 'uploaded',
	rows_total        BIGINT NOT NULL DEFAULT 0,
	rows_bad          BIGINT NOT NULL DEFAULT 0,
	problems          BIGINT NOT NULL DEFAULT 0,
	warnings          BIGINT NOT NULL DEFAULT 0,
	rows_done         BIGINT NOT NULL DEFAULT 0,
	households_added  BIGINT NOT NULL DEFAULT 0,
	persons_added     BIGINT NOT NULL DEFAULT 0,
	persons_same      BIGINT NOT NULL DEFAULT 0,
	job_id            TEXT,
	error             TEXT,
	version           BIGINT NOT NULL DEFAULT 1,
	created_by        TEXT NOT NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL,
	finished_at       TEXT
);
CREATE INDEX imports_place ON imports (place_id, created_at);

-- the problems of the last check, in the order found (seq)
CREATE TABLE import_problems (
	import_id  TEXT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	seq        INTEGER NOT NULL,
	line       INTEGER NOT NULL,
	col        INTEGER NOT NULL,
	cell       TEXT NOT NULL,
	code       TEXT NOT NULL,
	message    TEXT NOT NULL,
	warning    SMALLINT NOT NULL DEFAULT 0,
	PRIMARY KEY (import_id, seq)
);

-- a mapping saved for a template: the next file whose header has the same names (template:
-- the cleaned names joined by tabs, hashed) is mapped the same way in the same county
CREATE TABLE import_mappings (
	region      TEXT NOT NULL,
	template    TEXT NOT NULL,
	headers     TEXT NOT NULL,
	mapping     TEXT NOT NULL,
	updated_by  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (region, template)
);
