-- tabular: export templates, the forms superiors ask for (上报表), defined once and filled
-- every month (src/tabular/templates.c, docs/internals/tabular.md).
--
-- A template is an .xlsx uploaded at a place; it belongs to that place's county (region)
-- and every reader of people in the county may fill it for a place they may read. What is
-- kept is its layout, not the file: the cells of its title and header rows (layout: JSON
-- {"cells": [[row, col, text] ...], "merges": [[r1, c1, r2, c2] ...]}), where its data
-- starts (data_first), and each column's binding (columns: JSON [{"col", "name", "field"}],
-- field a person field such as "id_no", "seq", or a roll-up measure such as "households",
-- "age60", "tag:dibao"). kind: "people" (one row per person of a search) or "rollup" (one
-- row per place under the place filled for). Titles may hold {place}, {date}, {month} and
-- {year}, replaced at each fill. Retired templates stay (status 'retired') for the audit.
CREATE TABLE export_templates (
	id          TEXT PRIMARY KEY,
	region      TEXT NOT NULL,
	place_id    TEXT NOT NULL REFERENCES places (id),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('people', 'rollup')),
	file_name   TEXT NOT NULL,
	file_sha256 TEXT NOT NULL,
	sheet_name  TEXT NOT NULL,
	ncols       INTEGER NOT NULL,
	data_first  INTEGER NOT NULL,
	layout      TEXT NOT NULL,
	columns     TEXT NOT NULL,
	status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
	version     BIGINT NOT NULL DEFAULT 1,
	created_by  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX export_templates_region ON export_templates (region, status, name);

-- tabular.templates: upload and retire the county's templates (filling is people.read)
INSERT INTO role_perms (role_id, perm) VALUES
	('town_leader', 'tabular.templates'), ('branch_secretary', 'tabular.templates'),
	('committee_director', 'tabular.templates'), ('civil_affairs', 'tabular.templates');
