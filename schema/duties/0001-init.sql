-- duties: who answers for a place (the responsibility chain of the "1231" model: branch
-- secretary → area leader 片长 → group leader 组长 → grid worker → building leader, and
-- beside it the liaison cadre 包村干部, the first secretary 驻村第一书记 and the party
-- members linked to households 党员联系户). The roles and the place kinds each may hold
-- are a table in src/duties/duties.c (duties_roles); a duty names its role by id.
--
-- A duty is held by a resident (person_id), an account (user_id) or both, from from_date
-- to to_date inclusive (NULL: open). Duties are never deleted: they end, and a hand-over
-- ends one and starts the next (prev_id names the duty it took over), so "who answered
-- for this household on 3 March" reads the rows whose dates hold that day. holder_name is
-- the holder's name when the duty was made: an official's name, shown in full.
CREATE TABLE duties (
	id           TEXT PRIMARY KEY,
	region       TEXT NOT NULL,
	role         TEXT NOT NULL,
	place_id     TEXT NOT NULL REFERENCES places (id),
	person_id    TEXT REFERENCES persons (id),
	user_id      TEXT REFERENCES users (id),
	holder_name  TEXT NOT NULL,
	from_date    TEXT NOT NULL,
	to_date      TEXT,
	prev_id      TEXT REFERENCES duties (id),
	note         TEXT NOT NULL DEFAULT '',
	version      BIGINT NOT NULL DEFAULT 1,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
);
CREATE INDEX duties_place ON duties (place_id, role, from_date);
CREATE INDEX duties_role ON duties (role, from_date);
CREATE INDEX duties_user ON duties (user_id);
CREATE INDEX duties_person ON duties (person_id);

-- the households a party member (党员联系户) is linked to
CREATE TABLE duty_households (
	duty_id       TEXT NOT NULL REFERENCES duties (id),
	household_id  TEXT NOT NULL REFERENCES households (id),
	region        TEXT NOT NULL,
	PRIMARY KEY (duty_id, household_id)
);
CREATE INDEX duty_households_household ON duty_households (household_id);

INSERT INTO role_perms (role_id, perm) VALUES
	('town_leader', 'duties.read'), ('town_leader', 'duties.write'),
	('village_liaison', 'duties.read'), ('first_secretary', 'duties.read'),
	('branch_secretary', 'duties.read'), ('branch_secretary', 'duties.write'),
	('committee_director', 'duties.read'), ('committee_director', 'duties.write'),
	('grid_worker', 'duties.read'), ('supervision', 'duties.read'),
	('civil_affairs', 'duties.read');
