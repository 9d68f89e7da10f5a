# The second factor (TOTP, RFC 6238): required of the three administrator roles, voluntary
# for others. Enrolment (a secret shown once, confirmed with a code), login with a missing,
# wrong, replayed and good code, the session of an administrator without one (it may only
# enrol), the secret sealed at rest and never audited, reset by the security administrator
# (refused to others) and on the command line, and wrong codes in the login throttle.
# The fixture's admin, security and auditor enrolled at fixture time (tests/api/runner.c);
# `login` and ${code:USER} send their next code.

# ---- an enrolled administrator signs in with password and code ----
POST /api/v1/session
{"login": "admin", "password": "${password}"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.totp_required", "field": "code"}}

POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "000000"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.totp_invalid", "field": "code"}}

POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "12ab56"}
expect 401
{"error": {"code": "auth.totp_invalid"}}

# a wrong password with a code is a wrong password: the code is not even looked at
POST /api/v1/session
{"login": "admin", "password": "Wrong-pass-123", "code": "123456"}
expect 401
{"error": {"code": "auth.login_failed"}}

POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "${code:admin}"}
expect 200
Set-Cookie: cunwu_session=
{"user": {"login": "admin", "totp": true}, "totp_enrol": false}

# the same code again: a replay, refused
POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "${code_admin}"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.totp_invalid"}}

login admin
GET /api/v1/me
expect 200
{"user": {"login": "admin", "totp": true}, "totp": "active", "totp_enrol": false}

# ---- a new system administrator: signed in, the session may only enrol ----
POST /api/v1/users
{"login": "sys2", "name": "第二管理员", "place_id": "140406101000", "password": "${password}"}
expect 201

capture sys2 = .id

login security
POST /api/v1/grants
{"user_id": "${sys2}", "role_id": "sysadmin", "place_id": "140406101000"}
expect 201

login sys2
GET /api/v1/me
expect 200
{"user": {"login": "sys2", "totp": false}, "totp": "off", "totp_enrol": true,
 "grants": [{"role_id": "sysadmin"}]}

GET /api/v1/users
expect 403
{"error": {"code": "auth.totp_enrol"}}

GET /api/v1/places/140406101000
expect 403
{"error": {"code": "auth.totp_enrol"}}

# no token can be made to get around it
POST /api/v1/tokens
{"name": "script"}
expect 403
{"error": {"code": "auth.totp_enrol"}}

PUT /api/v1/me/password
{"old_password": "${password}", "password": "New-pass-4567"}
expect 403
{"error": {"code": "auth.totp_enrol"}}

# nothing to confirm yet
POST /api/v1/me/totp/confirm
{"code": "123456"}
expect 409
{"error": {"code": "accounts.totp_not_pending"}}

# enrol: the secret (base32 of 20 bytes) and the otpauth URI, once
POST /api/v1/me/totp
expect 201
{"secret": "*", "uri": "~otpauth://totp/cunwu:sys2?secret=", "issuer": "cunwu", "digits": 6,
 "period": 30}

capture secret = .secret
totp sys2 ${secret}

GET /api/v1/me
expect 200
{"totp": "pending", "totp_enrol": true}

# not yet active: the next login still needs no code, and is still enrol-only
POST /api/v1/session
{"login": "sys2", "password": "${password}"}
expect 200
{"totp_enrol": true}

# the secret is sealed at rest like personal data
sql SELECT 'sealed:' || secret_enc FROM user_totp WHERE id = '${sys2}'
stdout ~ sealed:x1:
stdout !~ ${secret}

# the body is checked; a wrong code is 400 naming the field
POST /api/v1/me/totp/confirm
{}
expect 400
{"error": {"code": "json.required", "field": "code"}}

POST /api/v1/me/totp/confirm
{"code": "000000"}
expect 400
{"error": {"code": "auth.totp_invalid", "field": "code"}}

POST /api/v1/me/totp/confirm
{"code": "${code:sys2}"}
expect 204

# the same session now reaches the rest
GET /api/v1/users
expect 200

GET /api/v1/me
expect 200
{"user": {"totp": true}, "totp": "active", "totp_enrol": false}

# an active second factor is not replaced by enrolling again
POST /api/v1/me/totp
expect 409
{"error": {"code": "accounts.totp_active"}}

# signing in now needs the code; the confirming code cannot be replayed
POST /api/v1/session
{"login": "sys2", "password": "${password}"}
expect 401
{"error": {"code": "auth.totp_required"}}

POST /api/v1/session
{"login": "sys2", "password": "${password}", "code": "${code_sys2}"}
expect 401
{"error": {"code": "auth.totp_invalid"}}

login sys2
GET /api/v1/users/${sys2}
expect 200
{"login": "sys2", "totp": true}

# neither the secret nor a code reaches the audit log
sql SELECT 'audit:' || action || changes FROM audit_log WHERE entity_id = '${sys2}' AND action LIKE 'totp%'
stdout ~ totp_enrol{}
stdout ~ totp_confirm{}
stdout !~ ${secret}
stdout !~ ${code_sys2}

# ---- another role may enrol of its own accord ----
login grid1
GET /api/v1/me
expect 200
{"totp": "off", "totp_enrol": false}

capture grid1 = .user.id

POST /api/v1/me/totp
expect 201

capture gsecret = .secret
totp grid1 ${gsecret}

POST /api/v1/me/totp/confirm
{"code": "${code:grid1}"}
expect 204

POST /api/v1/session
{"login": "grid1", "password": "${password}"}
expect 401
{"error": {"code": "auth.totp_required"}}

login grid1

# ---- reset: the security administrator only ----
DELETE /api/v1/users/${sys2}/totp
expect 403
{"error": {"code": "auth.forbidden"}}

login admin
DELETE /api/v1/users/${sys2}/totp
expect 403
{"error": {"code": "auth.forbidden"}}

login auditor
DELETE /api/v1/users/${sys2}/totp
expect 403
{"error": {"code": "auth.forbidden"}}

login security
DELETE /api/v1/users/${sys2}/totp
expect 204

DELETE /api/v1/users/${sys2}/totp
expect 404
{"error": {"code": "accounts.totp_not_found"}}

DELETE /api/v1/users/01AAAAAAAAAAAAAAAAAAAAAAAA/totp
expect 404
{"error": {"code": "accounts.user_not_found"}}

sql SELECT 'reset:' || actor_name || changes FROM audit_log WHERE entity_id = '${sys2}' AND action = 'totp_reset'
stdout ~ reset:security{}

# the reset ended sys2's sessions; signing in again gives an enrol-only session
as sys2
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_invalid"}}

POST /api/v1/session
{"login": "sys2", "password": "${password}"}
expect 200
{"totp_enrol": true}

# the machine's operator resets too (cunwu user totp-reset); grid1 then signs in without
cli user totp-reset grid1
expect exit 0
stdout ~ second factor of grid1 removed

cli user totp-reset grid1
expect exit 1
stderr ~ has no second factor

cli user totp-reset nobody-here
expect exit 2
stderr ~ no user 'nobody-here'

POST /api/v1/session
{"login": "grid1", "password": "${password}"}
expect 200
{"user": {"login": "grid1", "totp": false}, "totp_enrol": false}

# ---- wrong and missing codes count as failed logins (5, then 429) ----
repeat 5
POST /api/v1/session
{"login": "auditor", "password": "${password}", "code": "000000"}
expect 401
{"error": {"code": "auth.totp_invalid"}}

POST /api/v1/session
{"login": "auditor", "password": "${password}", "code": "${code:auditor}"}
expect 429
Retry-After: *
{"error": {"code": "auth.throttled"}}

sql SELECT 'failed:' || count(*) || ':' FROM audit_log WHERE action = 'login_failed' AND changes LIKE '%auth.totp_invalid%' AND actor_name = 'auditor'
stdout ~ failed:5:

repeat 5
POST /api/v1/session
{"login": "security", "password": "${password}"}
expect 401
{"error": {"code": "auth.totp_required"}}

POST /api/v1/session
{"login": "security", "password": "${password}", "code": "${code:security}"}
expect 429
{"error": {"code": "auth.throttled"}}

# wrong codes at confirmation count too
login leader
POST /api/v1/me/totp
expect 201

repeat 5
POST /api/v1/me/totp/confirm
{"code": "000000"}
expect 400
{"error": {"code": "auth.totp_invalid"}}

POST /api/v1/me/totp/confirm
{"code": "000000"}
expect 429
{"error": {"code": "auth.throttled"}}
