# Changing one's password, and an administrator's reset: other sessions end.

# a second session of grid1, held by hand (its cookie only; reads need no CSRF token)
POST /api/v1/session
{"login": "grid1", "password": "${password}"}
expect 200

capture other = header Set-Cookie

login grid1

GET /api/v1/me
Cookie: ${other}
expect 200
{"user": {"login": "grid1"}}

PUT /api/v1/me/password
{"old_password": "Wrong-pass-123", "password": "New-pass-4567"}
expect 400
{"error": {"code": "accounts.old_password_wrong", "field": "old_password"}}

PUT /api/v1/me/password
{"password": "New-pass-4567"}
expect 400
{"error": {"code": "json.required", "field": "old_password"}}

PUT /api/v1/me/password
{"old_password": "${password}", "password": "short1"}
expect 400
{"error": {"code": "accounts.password_too_short", "field": "password"}}

PUT /api/v1/me/password
{"old_password": "${password}", "password": "onlylowercaseletters"}
expect 400
{"error": {"code": "accounts.password_too_simple", "field": "password"}}

# none of those changed anything
GET /api/v1/me
Cookie: ${other}
expect 200

PUT /api/v1/me/password
{"old_password": "${password}", "password": "New-pass-4567"}
expect 204

# this session goes on; the other one ended
GET /api/v1/me
expect 200
{"user": {"login": "grid1"}}

as anon
GET /api/v1/me
Cookie: ${other}
expect 401
{"error": {"code": "auth.session_invalid"}}

# the old password no longer signs in, the new one does
POST /api/v1/session
{"login": "grid1", "password": "${password}"}
expect 401
{"error": {"code": "auth.login_failed"}}

login grid1 New-pass-4567
GET /api/v1/me
expect 200

# an administrator's reset ends every session of the user
login admin
GET /api/v1/users?q=grid1
expect 200

capture gid = .items[0].id

PUT /api/v1/users/${gid}/password
{"password": "short"}
expect 400
{"error": {"code": "accounts.password_too_short"}}

PUT /api/v1/users/${gid}/password
{"password": "Reset-pass-789"}
expect 204

as grid1
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_invalid"}}

as anon
POST /api/v1/session
{"login": "grid1", "password": "New-pass-4567"}
expect 401

login grid1 Reset-pass-789

# the audit log says a password changed, never what it is
login auditor
GET /api/v1/audit?entity=users&entity_id=${gid}&sort=seq
expect 200
{"items": [{"action": "create"},
           {"action": "password", "actor_name": "grid1", "changes": {"password": "(changed)"}},
           {"action": "password", "actor_name": "admin", "changes": {"password": "(changed)"}}],
 "total": 3}
