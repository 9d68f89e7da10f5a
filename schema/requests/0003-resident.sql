-- Residents' own accounts submit requests over their place (source 'resident',
-- reporter_user_id) and follow theirs at /api/v1/me/requests; the public form takes photos
-- uploaded without an account (POST /api/v1/public/media), each remembered here with the
-- instant it was (last) uploaded, so that a request attaches only files sent through that
-- route within the hour, never another's upload.
INSERT INTO role_perms (role_id, perm) VALUES ('resident', 'requests.submit');

CREATE TABLE request_uploads (
	media_id    TEXT PRIMARY KEY REFERENCES media (id),
	created_at  TEXT NOT NULL
);
CREATE INDEX request_uploads_at ON request_uploads (created_at);
