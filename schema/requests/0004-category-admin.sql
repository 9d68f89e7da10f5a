-- Categories are edited by holders of requests.admin (If-Match against version) and
-- retired (active = 0: no new requests, the old ones keep theirs).
ALTER TABLE request_categories ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE request_categories ADD COLUMN updated_at TEXT;
