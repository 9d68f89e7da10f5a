-- accounts: users, roles and their permissions, grants of a role over a place subtree,
-- sessions (only a hash of the cookie is stored) and API tokens (hashed).

CREATE TABLE roles (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	builtin      BIGINT NOT NULL DEFAULT 0,
	description  TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);

CREATE TABLE role_perms (
	role_id  TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	perm     TEXT NOT NULL,
	PRIMARY KEY (role_id, perm)
);

CREATE TABLE users (
	id             TEXT PRIMARY KEY,
	region         TEXT NOT NULL,
	place_id       TEXT NOT NULL REFERENCES places (id),
	login          TEXT NOT NULL UNIQUE,
	name           TEXT NOT NULL,
	pw_hash        TEXT NOT NULL,
	disabled       BIGINT NOT NULL DEFAULT 0,
	version        BIGINT NOT NULL DEFAULT 1,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	pw_changed_at  TEXT NOT NULL
);

CREATE TABLE grants (
	id          TEXT PRIMARY KEY,
	region      TEXT NOT NULL,
	user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role_id     TEXT NOT NULL REFERENCES roles (id),
	place_id    TEXT NOT NULL REFERENCES places (id),
	created_by  TEXT,
	created_at  TEXT NOT NULL,
	UNIQUE (user_id, role_id, place_id)
);
CREATE INDEX grants_user ON grants (user_id);

CREATE TABLE sessions (
	id_hash     TEXT PRIMARY KEY,
	user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	seen_at     TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	address     TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
	id            TEXT PRIMARY KEY,
	region        TEXT NOT NULL,
	user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	secret_hash   TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	last_used_at  TEXT,
	revoked_at    TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

INSERT INTO roles (id, name, builtin, description, created_at) VALUES
	('sysadmin', '系统管理员', 1, 'accounts and system settings; cannot grant roles or read the audit log', '2026-01-01T00:00:00.000Z'),
	('secadmin', '安全管理员', 1, 'grants roles and keeps permissions; cannot create accounts or read the audit log', '2026-01-01T00:00:00.000Z'),
	('auditor', '审计管理员', 1, 'reads and verifies the audit log; changes nothing', '2026-01-01T00:00:00.000Z'),
	('town_leader', '镇领导', 1, 'the town cockpit and every village of the town', '2026-01-01T00:00:00.000Z'),
	('village_liaison', '包村干部', 1, 'a town cadre answering for one or more villages', '2026-01-01T00:00:00.000Z'),
	('first_secretary', '驻村第一书记', 1, 'first secretary stationed in a village', '2026-01-01T00:00:00.000Z'),
	('branch_secretary', '村党支部书记', 1, 'village party branch secretary', '2026-01-01T00:00:00.000Z'),
	('committee_director', '村委会主任', 1, 'director of the villagers'' committee', '2026-01-01T00:00:00.000Z'),
	('grid_worker', '网格员', 1, 'grid worker: households, visits, requests in a grid', '2026-01-01T00:00:00.000Z'),
	('supervision', '村务监督委员会', 1, 'village-affairs supervision committee: reads, does not edit', '2026-01-01T00:00:00.000Z'),
	('civil_affairs', '民政专干', 1, 'civil-affairs officer: subsidies and care', '2026-01-01T00:00:00.000Z'),
	('accountant', '农经站会计', 1, 'agricultural-economy station accountant: village books', '2026-01-01T00:00:00.000Z'),
	('resident', '居民', 1, 'a resident: submits and follows requests, reads notices', '2026-01-01T00:00:00.000Z');

INSERT INTO role_perms (role_id, perm) VALUES
	('sysadmin', 'accounts.users.read'), ('sysadmin', 'accounts.users.write'),
	('sysadmin', 'places.read'), ('sysadmin', 'places.write'), ('sysadmin', 'jobs.read'),
	('sysadmin', 'media.read'),
	('secadmin', 'accounts.users.read'), ('secadmin', 'accounts.grants.write'),
	('secadmin', 'places.read'),
	('auditor', 'audit.read'), ('auditor', 'accounts.users.read'), ('auditor', 'places.read'),
	('auditor', 'jobs.read'),
	('town_leader', 'places.read'), ('town_leader', 'cockpit.read'), ('town_leader', 'media.read'),
	('town_leader', 'media.write'), ('town_leader', 'accounts.users.read'), ('town_leader', 'jobs.read'),
	('village_liaison', 'places.read'), ('village_liaison', 'cockpit.read'),
	('village_liaison', 'media.read'), ('village_liaison', 'media.write'),
	('first_secretary', 'places.read'), ('first_secretary', 'cockpit.read'),
	('first_secretary', 'media.read'), ('first_secretary', 'media.write'),
	('branch_secretary', 'places.read'), ('branch_secretary', 'cockpit.read'),
	('branch_secretary', 'media.read'), ('branch_secretary', 'media.write'),
	('committee_director', 'places.read'), ('committee_director', 'cockpit.read'),
	('committee_director', 'media.read'), ('committee_director', 'media.write'),
	('grid_worker', 'places.read'), ('grid_worker', 'media.read'), ('grid_worker', 'media.write'),
	('supervision', 'places.read'), ('supervision', 'cockpit.read'), ('supervision', 'media.read'),
	('civil_affairs', 'places.read'), ('civil_affairs', 'cockpit.read'),
	('civil_affairs', 'media.read'), ('civil_affairs', 'media.write'),
	('accountant', 'places.read'), ('accountant', 'cockpit.read'), ('accountant', 'media.read'),
	('accountant', 'media.write'),
	('resident', 'places.read');
