# CSRF: a cookie-authenticated unsafe request must carry the session's X-CSRF-Token;
# a bearer token is not sent by browsers on their own, so it needs none.

login cadre1

capture c1_csrf = .csrf_token

login admin
GET /api/v1/users?q=resident1
expect 200

capture res = .items[0].id

csrf off

POST /api/v1/users
{"login": "csrf.victim", "name": "受害", "place_id": "140406101204", "password": "${password}"}
expect 403
{"error": {"code": "auth.csrf", "field": "X-CSRF-Token"}}

PATCH /api/v1/users/${res}
{"name": "改名"}
expect 403
{"error": {"code": "auth.csrf"}}

PUT /api/v1/me/password
{"old_password": "${password}", "password": "Other-pass-456"}
expect 403
{"error": {"code": "auth.csrf"}}

DELETE /api/v1/session
expect 403
{"error": {"code": "auth.csrf"}}

# a wrong token, and another session's token, are no better than none
POST /api/v1/users
X-CSRF-Token: not-the-token
{"login": "csrf.victim", "name": "受害", "place_id": "140406101204", "password": "${password}"}
expect 403
{"error": {"code": "auth.csrf"}}

POST /api/v1/users
X-CSRF-Token: ${c1_csrf}
{"login": "csrf.victim", "name": "受害", "place_id": "140406101204", "password": "${password}"}
expect 403
{"error": {"code": "auth.csrf"}}

# nothing happened: no user, same name, the session still works
GET /api/v1/users?q=csrf.victim
expect 200
{"items": [], "total": 0}

GET /api/v1/users/${res}
expect 200
{"name": "居民", "version": 1}

# reads need no token
GET /api/v1/me
expect 200
{"user": {"login": "admin"}}

# with the token the same requests go through
csrf on
POST /api/v1/users
{"login": "csrf.victim", "name": "受害", "place_id": "140406101204", "password": "${password}"}
expect 201

POST /api/v1/tokens
{"name": "script"}
expect 201

capture token = .token

# a bearer token needs no CSRF token for unsafe requests
as bearer ${token}
csrf off
POST /api/v1/users
{"login": "by.token", "name": "令牌", "place_id": "140406101204", "password": "${password}"}
expect 201
{"login": "by.token"}

PATCH /api/v1/users/${res}
{"name": "居民甲"}
expect 200
{"name": "居民甲", "version": 2}
