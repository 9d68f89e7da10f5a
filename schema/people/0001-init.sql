-- people: households, persons, organizations (一标三实: real people, real houses, real
-- organizations), their tags, and the name grams that search them.
--
-- Personal data (identity numbers, phones) is stored three ways, never in clear: *_enc
-- sealed with the key file (crypt_seal, "x1:"), *_hash a keyed hash to find a row by the
-- exact value (crypt_lookup, "k1:"), *_masked what lists and exports show. Rows are
-- scoped by their place (places.path, and places.gpath for grids): a person's place_id
-- is their household's, kept in step when either moves.

CREATE TABLE households (
	id          TEXT PRIMARY KEY,
	region      TEXT NOT NULL,
	place_id    TEXT NOT NULL REFERENCES places (id),
	address     TEXT NOT NULL DEFAULT '',
	kind        TEXT NOT NULL,
	hukou_no    TEXT,
	head_id     TEXT,
	status      TEXT NOT NULL DEFAULT 'active',
	note        TEXT NOT NULL DEFAULT '',
	version     BIGINT NOT NULL DEFAULT 1,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX households_place ON households (place_id);

CREATE TABLE persons (
	id             TEXT PRIMARY KEY,
	region         TEXT NOT NULL,
	household_id   TEXT NOT NULL REFERENCES households (id),
	place_id       TEXT NOT NULL REFERENCES places (id),
	name           TEXT NOT NULL,
	name_pinyin    TEXT NOT NULL,
	name_initials  TEXT NOT NULL,
	relation       TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT 'present',
	id_kind        TEXT,
	id_enc         TEXT,
	id_hash        TEXT,
	id_masked      TEXT,
	birth_date     TEXT,
	sex            TEXT,
	phone_enc      TEXT,
	phone_hash     TEXT,
	phone_masked   TEXT,
	ethnicity      TEXT,
	note           TEXT NOT NULL DEFAULT '',
	version        BIGINT NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX persons_id_hash ON persons (id_hash);
CREATE INDEX persons_phone_hash ON persons (phone_hash);
CREATE INDEX persons_household ON persons (household_id);
CREATE INDEX persons_place ON persons (place_id, name_pinyin);
CREATE INDEX persons_pinyin ON persons (name_pinyin, id);
CREATE INDEX persons_initials ON persons (name_initials);
CREATE INDEX persons_birth ON persons (birth_date);

-- every character and every pair of adjacent characters of a person's name: a search
-- for one or two characters is one index lookup (FTS5 trigram and pg_trgm need three)
CREATE TABLE person_grams (
	gram       TEXT NOT NULL,
	person_id  TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	PRIMARY KEY (gram, person_id)
);
CREATE INDEX person_grams_person ON person_grams (person_id);

-- moves between households (and so places), and changes of status, kept for history
CREATE TABLE person_moves (
	id                 TEXT PRIMARY KEY,
	region             TEXT NOT NULL,
	person_id          TEXT NOT NULL REFERENCES persons (id),
	on_date            TEXT NOT NULL,
	from_household_id  TEXT,
	to_household_id    TEXT,
	from_status        TEXT,
	to_status          TEXT,
	reason             TEXT NOT NULL DEFAULT '',
	created_by         TEXT,
	created_at         TEXT NOT NULL
);
CREATE INDEX person_moves_person ON person_moves (person_id, on_date);

CREATE TABLE orgs (
	id             TEXT PRIMARY KEY,
	region         TEXT NOT NULL,
	place_id       TEXT NOT NULL REFERENCES places (id),
	name           TEXT NOT NULL,
	name_pinyin    TEXT NOT NULL,
	kind           TEXT NOT NULL,
	uscc           TEXT,
	address        TEXT NOT NULL DEFAULT '',
	contact_name   TEXT NOT NULL DEFAULT '',
	phone_enc      TEXT,
	phone_hash     TEXT,
	phone_masked   TEXT,
	status         TEXT NOT NULL DEFAULT 'active',
	note           TEXT NOT NULL DEFAULT '',
	version        BIGINT NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX orgs_uscc ON orgs (uscc);
CREATE INDEX orgs_place ON orgs (place_id, name_pinyin);

-- the tag catalogue: perm (if set) is what a viewer needs to see or set the tag at all
-- (restricted tags: PIPL art. 28); rule (if set) names the rule that derives it
CREATE TABLE tags (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	applies_to  TEXT NOT NULL,
	perm        TEXT,
	rule        TEXT,
	sort        BIGINT NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL
);

CREATE TABLE person_tags (
	person_id   TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	tag_id      TEXT NOT NULL REFERENCES tags (id),
	source      TEXT NOT NULL,
	as_of       TEXT NOT NULL,
	created_by  TEXT,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (person_id, tag_id)
);
CREATE INDEX person_tags_tag ON person_tags (tag_id, person_id);

CREATE TABLE household_tags (
	household_id  TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE,
	tag_id        TEXT NOT NULL REFERENCES tags (id),
	source        TEXT NOT NULL,
	as_of         TEXT NOT NULL,
	created_by    TEXT,
	created_at    TEXT NOT NULL,
	PRIMARY KEY (household_id, tag_id)
);
CREATE INDEX household_tags_tag ON household_tags (tag_id, household_id);

INSERT INTO tags (id, name, applies_to, perm, rule, sort, created_at) VALUES
	('elderly_alone', '独居老人', 'person', NULL, 'elderly_alone', 10, '2026-11-29T00:00:00.000Z'),
	('left_behind_elderly', '留守老人', 'person', NULL, NULL, 20, '2026-11-29T00:00:00.000Z'),
	('aged80', '高龄', 'person', NULL, 'aged80', 30, '2026-11-29T00:00:00.000Z'),
	('disabled_care', '失能', 'person', NULL, NULL, 40, '2026-11-29T00:00:00.000Z'),
	('disability', '残疾', 'person', NULL, NULL, 50, '2026-11-29T00:00:00.000Z'),
	('dibao', '低保', 'household', NULL, NULL, 60, '2026-11-29T00:00:00.000Z'),
	('tekun', '特困', 'person', NULL, NULL, 70, '2026-11-29T00:00:00.000Z'),
	('poverty_watch', '防止返贫监测对象', 'household', NULL, NULL, 80, '2026-11-29T00:00:00.000Z'),
	('left_behind_child', '留守儿童', 'person', NULL, NULL, 90, '2026-11-29T00:00:00.000Z'),
	('veteran', '退役军人', 'person', NULL, NULL, 100, '2026-11-29T00:00:00.000Z'),
	('party_member', '党员', 'person', NULL, NULL, 110, '2026-11-29T00:00:00.000Z'),
	('volunteer', '志愿者', 'person', NULL, NULL, 120, '2026-11-29T00:00:00.000Z'),
	('key_attention', '重点关注', 'person', NULL, NULL, 130, '2026-11-29T00:00:00.000Z'),
	('minor', '未成年人', 'person', NULL, 'minor', 140, '2026-11-29T00:00:00.000Z'),
	('community_correction', '社区矫正', 'person', 'people.tags.justice', NULL, 200, '2026-11-29T00:00:00.000Z'),
	('severe_mental', '严重精神障碍', 'person', 'people.tags.health', NULL, 210, '2026-11-29T00:00:00.000Z');

-- people.read: masked records; people.write: create and edit; people.reveal: see an ID
-- number or phone in full (each view audited); people.tags.justice / .health: the
-- restricted tags
INSERT INTO role_perms (role_id, perm) VALUES
	('town_leader', 'people.read'), ('town_leader', 'people.tags.justice'),
	('village_liaison', 'people.read'),
	('first_secretary', 'people.read'),
	('branch_secretary', 'people.read'), ('branch_secretary', 'people.write'),
	('branch_secretary', 'people.reveal'), ('branch_secretary', 'people.tags.justice'),
	('committee_director', 'people.read'), ('committee_director', 'people.write'),
	('committee_director', 'people.reveal'),
	('grid_worker', 'people.read'), ('grid_worker', 'people.write'),
	('grid_worker', 'people.reveal'),
	('supervision', 'people.read'),
	('civil_affairs', 'people.read'), ('civil_affairs', 'people.write'),
	('civil_affairs', 'people.reveal'), ('civil_affairs', 'people.tags.health'),
	('civil_affairs', 'people.tags.justice');
