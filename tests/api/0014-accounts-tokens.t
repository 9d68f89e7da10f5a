# API tokens: shown once, stored hashed, act as their user, end when revoked.

login cadre1
POST /api/v1/tokens
{"name": "phone"}
expect 201
{"id": "*", "name": "phone", "token": "~cw_"}

capture token = .token
capture tid = .id

# the list never shows the secret again
GET /api/v1/tokens
expect 200
{"items": [{"id": "${tid}", "name": "phone", "created_at": "*", "revoked_at": null,
            "token": "!", "secret_hash": "!"}]}

POST /api/v1/tokens
{"name": ""}
expect 400
{"error": {"field": "name"}}

# the token acts as cadre1, with cadre1's grants
as bearer ${token}
GET /api/v1/me
expect 200
{"user": {"login": "cadre1"}, "auth": "token", "csrf_token": "!",
 "grants": [{"role_id": "branch_secretary", "place_id": "140406101204"}]}

GET /api/v1/places
expect 200
{"items": [{"id": "140406101204"}], "total": 1}

GET /api/v1/places/140406101205
expect 403
{"error": {"code": "auth.forbidden"}}

# a token is not a session
DELETE /api/v1/session
expect 400
{"error": {"code": "auth.not_a_session"}}

# its use is recorded
as cadre1
GET /api/v1/tokens
expect 200
{"items": [{"id": "${tid}", "last_used_at": "*"}]}

# a second token, to tamper with
POST /api/v1/tokens
{"name": "laptop"}
expect 201

capture tid2 = .id
capture token2 = .token

# the right id with a wrong secret, garbage, and a token of nobody
as bearer cw_${tid2}_not-the-secret
GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

as bearer not-a-token
GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

as bearer cw_01BBBBBBBBBBBBBBBBBBBBBBBB_abcdefghijklmnop
GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

as bearer cw_
GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

# another user cannot revoke cadre1's token, nor see it
login cadre2
DELETE /api/v1/tokens/${tid2}
expect 404
{"error": {"code": "accounts.token_not_found"}}

GET /api/v1/tokens
expect 200
{"items": []}

as bearer ${token2}
GET /api/v1/me
expect 200
{"user": {"login": "cadre1"}}

# revoking: 204, then the token is refused; revoking again is 404
as cadre1
DELETE /api/v1/tokens/${tid}
expect 204

as bearer ${token}
GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

as cadre1
DELETE /api/v1/tokens/${tid}
expect 404
{"error": {"code": "accounts.token_not_found"}}

GET /api/v1/tokens
expect 200
{"items": [{"id": "${tid}", "revoked_at": "*"}, {"id": "${tid2}", "revoked_at": null}]}

# a token may revoke itself
as bearer ${token2}
DELETE /api/v1/tokens/${tid2}
expect 204

GET /api/v1/me
expect 401
{"error": {"code": "auth.token_invalid"}}

# the audit log names the token as the actor of what it did
login auditor
GET /api/v1/audit?entity=tokens&entity_id=${tid2}&sort=seq
expect 200
{"items": [{"action": "create", "actor_kind": "user", "actor_name": "cadre1"},
           {"action": "revoke", "actor_kind": "token", "actor_name": "cadre1"}],
 "total": 2}
