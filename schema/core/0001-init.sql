-- core: audit chains, jobs, media, idempotent replays.
-- Instants are TEXT in UTC, 'YYYY-MM-DDTHH:MM:SS.sssZ'; ids are ULIDs (TEXT);
-- region is the 6-digit county code a row belongs to (the partition key).

-- Which deployment made a row: a random id made once per database ("origin"). Audit
-- chains are per county and per origin, so township databases merged into a city database
-- keep their chains apart, each still verifiable.
CREATE TABLE deployment (
	key    TEXT PRIMARY KEY,
	value  TEXT NOT NULL
);

CREATE TABLE audit_log (
	chain       TEXT NOT NULL,
	region      TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	id          TEXT NOT NULL UNIQUE,
	at          TEXT NOT NULL,
	actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'token', 'system', 'cli')),
	actor_id    TEXT,
	actor_name  TEXT,
	request_id  TEXT,
	entity      TEXT NOT NULL,
	entity_id   TEXT,
	action      TEXT NOT NULL,
	changes     TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL,
	PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_log_region ON audit_log (region, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_heads (
	chain   TEXT PRIMARY KEY,
	region  TEXT NOT NULL,
	seq     BIGINT NOT NULL,
	hash    TEXT NOT NULL
);

CREATE TABLE jobs (
	id              TEXT PRIMARY KEY,
	region          TEXT NOT NULL,
	kind            TEXT NOT NULL,
	args            TEXT NOT NULL DEFAULT '{}',
	state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
	run_at          TEXT NOT NULL,
	attempts        BIGINT NOT NULL DEFAULT 0,
	max_attempts    BIGINT NOT NULL DEFAULT 3,
	progress        BIGINT NOT NULL DEFAULT 0,
	result          TEXT,
	error           TEXT,
	repeat_seconds  BIGINT NOT NULL DEFAULT 0,
	created_by      TEXT,
	created_at      TEXT NOT NULL,
	started_at      TEXT,
	finished_at     TEXT
);
CREATE INDEX jobs_due ON jobs (state, run_at);

CREATE TABLE media (
	id             TEXT PRIMARY KEY,
	region         TEXT NOT NULL,
	mime           TEXT NOT NULL,
	bytes          BIGINT NOT NULL,
	original_name  TEXT,
	kept_position  BIGINT NOT NULL DEFAULT 0,
	created_by     TEXT,
	created_at     TEXT NOT NULL
);

CREATE TABLE idempotency (
	user_id     TEXT NOT NULL,
	key         TEXT NOT NULL,
	method      TEXT NOT NULL,
	path        TEXT NOT NULL,
	body_hash   TEXT NOT NULL,
	status      BIGINT NOT NULL,
	response    TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (user_id, key)
);
