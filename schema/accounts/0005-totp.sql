-- The second factor of an account (TOTP, RFC 6238): the secret, base32, sealed like
-- personal data (crypt_seal; `cunwu keys rotate` re-seals it); active once confirmed with a
-- code (active_at); the last time step accepted, so that no code is accepted twice. One row
-- per account, keyed by the user's id. Resetting it (secadmin, `cunwu user totp-reset`)
-- deletes the row.
CREATE TABLE user_totp (
	id          TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret_enc  TEXT NOT NULL,
	last_step   BIGINT NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	active_at   TEXT
);

-- the security administrator resets another account's second factor
INSERT INTO role_perms (role_id, perm) VALUES ('secadmin', 'accounts.totp.reset');
