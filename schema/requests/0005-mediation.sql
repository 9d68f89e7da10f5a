-- People's mediation (人民调解) of a neighbour dispute: one record a request — the mediator
-- (an account; the name kept as it was), the date and place it was held, the dispute, the
-- agreement, the result (agreed, not_agreed, referred) — and its parties, each a name and
-- a phone sealed as people's phones are (phone_enc by crypt_seal, phone_hash by
-- crypt_lookup, phone_masked shown; `cunwu keys rotate` re-seals them).
CREATE TABLE request_mediations (
	id                TEXT PRIMARY KEY,
	request_id        TEXT NOT NULL UNIQUE REFERENCES requests (id),
	region            TEXT NOT NULL,
	mediator_user_id  TEXT NOT NULL REFERENCES users (id),
	mediator_name     TEXT NOT NULL,
	held_on           TEXT NOT NULL,
	held_at           TEXT NOT NULL,
	dispute           TEXT NOT NULL,
	agreement         TEXT,
	result            TEXT NOT NULL,
	created_by        TEXT,
	created_at        TEXT NOT NULL
);

CREATE TABLE request_mediation_parties (
	id            TEXT PRIMARY KEY,
	mediation_id  TEXT NOT NULL REFERENCES request_mediations (id),
	seq           BIGINT NOT NULL,
	region        TEXT NOT NULL,
	name          TEXT NOT NULL,
	phone_enc     TEXT,
	phone_hash    TEXT,
	phone_masked  TEXT
);
CREATE INDEX request_mediation_parties_mediation ON request_mediation_parties (mediation_id, seq);
CREATE INDEX request_mediation_parties_phone ON request_mediation_parties (phone_hash);
