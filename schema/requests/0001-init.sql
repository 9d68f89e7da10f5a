-- requests: residents call, we respond (民有所呼、我有所应). See docs/internals/requests.md.
--
-- A category (a tree: 环境卫生 › 垃圾乱倒) sets the response and resolution deadlines in
-- hours, the duty role that handles it (a rung of the escalation ladder: grid_worker,
-- group_leader, area_leader, branch_secretary, or town) and the extra attributes a
-- request of it carries, as a JSON array of {key, label, type: string|number|datetime|
-- text|single|multi, required, choices}. Leaves take requests; a parent groups them.
CREATE TABLE request_categories (
	id                TEXT PRIMARY KEY,
	parent_id         TEXT REFERENCES request_categories (id),
	name              TEXT NOT NULL,
	sort              BIGINT NOT NULL DEFAULT 0,
	response_hours    BIGINT NOT NULL,
	resolution_hours  BIGINT NOT NULL,
	duty_role         TEXT NOT NULL,
	attributes        TEXT NOT NULL DEFAULT '[]',
	active            BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX request_categories_parent ON request_categories (parent_id, sort);

-- A request: where (place_id; region its county), what (category, title, description,
-- attributes), whence (source; external_no the 12345 ticket), who reported it (a resident
-- account, and/or a contact sealed like people's phones: contact_enc, found by
-- contact_hash, shown as contact_masked), who holds it (handler_duty_id, handler_user_id,
-- handler_name, at rung handler_rung of the ladder after escalation_level escalations),
-- the clock (UTC instants: response_due_at, resolution_due_at; signed_at, resolved_at),
-- and the outcome (reply, satisfaction 1–5, reasonable 1/0/NULL). tracking_code is the
-- resident's key to the public tracking page: 10 characters of Crockford base32.
CREATE TABLE requests (
	id                  TEXT PRIMARY KEY,
	region              TEXT NOT NULL,
	tracking_code       TEXT NOT NULL UNIQUE,
	category_id         TEXT NOT NULL REFERENCES request_categories (id),
	place_id            TEXT NOT NULL REFERENCES places (id),
	title               TEXT NOT NULL,
	description         TEXT NOT NULL DEFAULT '',
	attributes          TEXT NOT NULL DEFAULT '{}',
	status              TEXT NOT NULL,
	source              TEXT NOT NULL,
	external_no         TEXT,
	reporter_user_id    TEXT REFERENCES users (id),
	contact_name        TEXT,
	contact_enc         TEXT,
	contact_hash        TEXT,
	contact_masked      TEXT,
	handler_duty_id     TEXT REFERENCES duties (id),
	handler_user_id     TEXT REFERENCES users (id),
	handler_name        TEXT,
	handler_role        TEXT NOT NULL,
	handler_rung        BIGINT NOT NULL DEFAULT 0,
	escalation_level    BIGINT NOT NULL DEFAULT 0,
	response_due_at     TEXT NOT NULL,
	resolution_due_at   TEXT NOT NULL,
	signed_at           TEXT,
	resolved_at         TEXT,
	closed_at           TEXT,
	reply               TEXT,
	satisfaction        BIGINT,
	satisfaction_note   TEXT,
	reasonable          BIGINT,
	supervised          BIGINT NOT NULL DEFAULT 0,
	extension_hours     BIGINT,
	merged_into         TEXT REFERENCES requests (id),
	version             BIGINT NOT NULL DEFAULT 1,
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL
);
CREATE INDEX requests_place ON requests (place_id, created_at);
CREATE INDEX requests_status ON requests (status, resolution_due_at);
CREATE INDEX requests_handler ON requests (handler_user_id, status);
CREATE INDEX requests_category ON requests (category_id, created_at);
CREATE INDEX requests_contact ON requests (contact_hash);
CREATE INDEX requests_external ON requests (external_no);

-- The timeline: every step with who and when. actor_kind is user, token, system, cli or
-- public (the form); status_before/status_after are equal for a step that changes none.
CREATE TABLE request_events (
	id             TEXT PRIMARY KEY,
	request_id     TEXT NOT NULL REFERENCES requests (id),
	region         TEXT NOT NULL,
	at             TEXT NOT NULL,
	action         TEXT NOT NULL,
	actor_kind     TEXT NOT NULL,
	actor_id       TEXT,
	actor_name     TEXT,
	note           TEXT,
	status_before  TEXT,
	status_after   TEXT NOT NULL,
	data           TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX request_events_request ON request_events (request_id, at, id);

-- Photos (uploaded first through POST /api/v1/media, content-addressed): the resident's
-- or intake's ("report") and the handler's with the reply ("reply").
CREATE TABLE request_media (
	request_id  TEXT NOT NULL REFERENCES requests (id),
	media_id    TEXT NOT NULL REFERENCES media (id),
	region      TEXT NOT NULL,
	kind        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (request_id, media_id)
);

INSERT INTO request_categories (id, parent_id, name, sort, response_hours, resolution_hours, duty_role, attributes) VALUES
	('env', NULL, '环境卫生', 10, 4, 72, 'grid_worker', '[]'),
	('env.dumping', 'env', '垃圾乱倒', 11, 4, 48, 'grid_worker',
	 '[{"key": "kind", "label": "垃圾种类", "type": "single", "required": true, "choices": ["生活垃圾", "建筑垃圾", "大件垃圾", "其他"]}, {"key": "amount", "label": "大约多少（立方米）", "type": "number", "required": false}]'),
	('env.sanitation', 'env', '保洁不到位', 12, 4, 72, 'grid_worker', '[]'),
	('municipal', NULL, '市政设施', 20, 2, 72, 'area_leader', '[]'),
	('municipal.manhole', 'municipal', '窨井盖破损', 21, 1, 24, 'area_leader',
	 '[{"key": "danger", "label": "是否有人员车辆危险", "type": "single", "required": true, "choices": ["是", "否"]}]'),
	('municipal.streetlight', 'municipal', '路灯不亮', 22, 4, 120, 'area_leader', '[]'),
	('water', NULL, '供水', 30, 2, 48, 'area_leader', '[]'),
	('water.leak', 'water', '漏水', 31, 1, 24, 'area_leader',
	 '[{"key": "where", "label": "漏水位置", "type": "single", "required": true, "choices": ["户内", "楼道", "室外管道", "水表井"]}, {"key": "since", "label": "发现时间", "type": "datetime", "required": false}]'),
	('water.outage', 'water', '停水', 32, 1, 24, 'area_leader', '[]'),
	('heating', NULL, '供暖', 40, 2, 48, 'area_leader', '[]'),
	('heating.cold', 'heating', '不热', 41, 2, 48, 'area_leader',
	 '[{"key": "temperature", "label": "室温（℃）", "type": "number", "required": false}, {"key": "rooms", "label": "不热的房间", "type": "multi", "required": false, "choices": ["客厅", "卧室", "厨房", "卫生间"]}]'),
	('parking', NULL, '停车', 50, 2, 24, 'grid_worker', '[]'),
	('parking.blocking', 'parking', '乱停车', 51, 1, 12, 'grid_worker',
	 '[{"key": "plate", "label": "车牌号", "type": "string", "required": false}]'),
	('wires', NULL, '电线乱搭', 60, 2, 72, 'grid_worker', '[]'),
	('property', NULL, '物业服务', 70, 4, 120, 'area_leader', '[]'),
	('elderly', NULL, '养老服务', 80, 2, 72, 'branch_secretary',
	 '[{"key": "alone", "label": "是否独居", "type": "single", "required": true, "choices": ["是", "否", "不清楚"]}]'),
	('dispute', NULL, '邻里纠纷', 90, 4, 168, 'grid_worker',
	 '[{"key": "parties", "label": "当事人（户数）", "type": "number", "required": false}, {"key": "details", "label": "经过", "type": "text", "required": false}]'),
	('other', NULL, '其他', 99, 8, 168, 'branch_secretary', '[]');

INSERT INTO role_perms (role_id, perm) VALUES
	('town_leader', 'requests.read'), ('town_leader', 'requests.handle'),
	('town_leader', 'requests.supervise'), ('town_leader', 'requests.admin'),
	('village_liaison', 'requests.read'), ('village_liaison', 'requests.handle'),
	('village_liaison', 'requests.supervise'),
	('first_secretary', 'requests.read'), ('first_secretary', 'requests.handle'),
	('branch_secretary', 'requests.read'), ('branch_secretary', 'requests.handle'),
	('branch_secretary', 'requests.supervise'),
	('committee_director', 'requests.read'), ('committee_director', 'requests.handle'),
	('committee_director', 'requests.supervise'),
	('grid_worker', 'requests.read'), ('grid_worker', 'requests.handle'),
	('supervision', 'requests.read'), ('civil_affairs', 'requests.read'),
	('civil_affairs', 'requests.handle');
