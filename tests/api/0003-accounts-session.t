# Signing in and out: the session cookie, its flags, and the answers without one.

# a good login: an HttpOnly, SameSite=Strict cookie; the body has the user and a CSRF token
# (admin is an administrator: the password and a code of the second factor, see 0094)
POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "${code:admin}"}
expect 200
Set-Cookie: cunwu_session=
Set-Cookie: HttpOnly
Set-Cookie: SameSite=Strict
Set-Cookie: Path=/
{"user": {"id": "*", "login": "admin", "place_id": "140406101000", "place_name": "微子镇",
          "disabled": false, "password": "!", "pw_hash": "!"},
 "csrf_token": "*"}

# a wrong password: 401, no cookie
POST /api/v1/session
{"login": "admin", "password": "Wrong-pass-123"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.login_failed", "field": null}}

capture wrong_msg = .error.message

# an unknown login answers exactly the same, so logins cannot be probed
POST /api/v1/session
{"login": "nobody-here", "password": "${password}"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.login_failed", "message": "${wrong_msg}", "field": null}}

# the body is checked like any other
POST /api/v1/session
{"login": "admin"}
expect 400
{"error": {"code": "json.required", "field": "password"}}

POST /api/v1/session
{"login": "admin", "password": "${password}", "remember": true}
expect 400
{"error": {"code": "json.unknown_field", "field": "remember"}}

# signed in: /me names the user, how they signed in, and their grants
login admin
GET /api/v1/me
expect 200
{"user": {"login": "admin", "password": "!"}, "auth": "session", "csrf_token": "*",
 "grants": [{"role_id": "sysadmin", "place_id": "140406101000", "perms": "*"}]}

# logout: 204, the cookie is cleared, and the session no longer works
DELETE /api/v1/session
expect 204
Set-Cookie: Max-Age=0

GET /api/v1/me
expect 401
{"error": {"code": "auth.session_invalid"}}

# the browser still sends the dead cookie when the user signs in again: that must work
POST /api/v1/session
{"login": "admin", "password": "${password}", "code": "${code:admin}"}
expect 200
Set-Cookie: cunwu_session=
{"user": {"login": "admin"}, "csrf_token": "*"}

# session fixation: a cookie planted before login never becomes the session; the login
# issues a cookie of its own, which works, and which logout revokes on the server
POST /api/v1/session
Cookie: cunwu_session=planted-by-someone-else-0123456789abcdef
{"login": "leader", "password": "${password}"}
expect 200
Set-Cookie: cunwu_session=

capture fresh = header Set-Cookie

as anon
GET /api/v1/me
Cookie: cunwu_session=planted-by-someone-else-0123456789abcdef
expect 401
{"error": {"code": "auth.session_invalid"}}

GET /api/v1/me
Cookie: ${fresh}
expect 200
{"user": {"login": "leader"}}

capture fresh_csrf = .csrf_token

DELETE /api/v1/session
Cookie: ${fresh}
X-CSRF-Token: ${fresh_csrf}
expect 204

GET /api/v1/me
Cookie: ${fresh}
expect 401
{"error": {"code": "auth.session_invalid"}}

# without a session
as anon
GET /api/v1/me
expect 401
{"error": {"code": "auth.required"}}

GET /api/v1/users
expect 401
{"error": {"code": "auth.required"}}

DELETE /api/v1/session
expect 401
{"error": {"code": "auth.required"}}

# a cookie the server never issued
GET /api/v1/me
Cookie: cunwu_session=not-a-session-the-server-made
expect 401
{"error": {"code": "auth.session_invalid"}}

GET /api/v1/users
Cookie: cunwu_session=not-a-session-the-server-made
expect 401
{"error": {"code": "auth.session_invalid"}}

# an Authorization header that is not Bearer
GET /api/v1/me
Authorization: Basic YWRtaW46VGVzdC1wYXNzLTEyMw==
expect 401
{"error": {"code": "auth.scheme"}}

# a public route does not look at the cookie
GET /healthz
Cookie: cunwu_session=not-a-session-the-server-made
expect 200
