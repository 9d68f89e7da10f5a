# A disabled account: its sessions end, its tokens stop working, and it cannot sign in.

login cadre2
POST /api/v1/tokens
{"name": "phone"}
expect 201

capture c2_token = .token

login admin
GET /api/v1/users?q=cadre2
expect 200
{"items": [{"login": "cadre2"}], "total": 1}

capture c2 = .items[0].id

GET /api/v1/users/${c2}
expect 200
ETag: "1"

capture etag = header ETag

# an administrator cannot disable themselves
GET /api/v1/me
expect 200

capture me = .user.id

PATCH /api/v1/users/${me}
{"disabled": true}
expect 400
{"error": {"code": "accounts.disable_self", "field": "disabled"}}

PATCH /api/v1/users/${c2}
If-Match: ${etag}
{"disabled": true}
expect 200
ETag: "2"
{"id": "${c2}", "login": "cadre2", "disabled": true, "version": 2}

# the open session of cadre2 was ended with the change
as cadre2
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_invalid"}}

# the API token of cadre2 is refused as disabled
as bearer ${c2_token}
GET /api/v1/me
expect 401
{"error": {"code": "auth.account_disabled"}}

# signing in with the right password says the account is disabled; no cookie
as anon
POST /api/v1/session
{"login": "cadre2", "password": "${password}"}
expect 401
!Set-Cookie:
{"error": {"code": "auth.account_disabled"}}

# with a wrong password it says nothing more than for anyone else
POST /api/v1/session
{"login": "cadre2", "password": "Wrong-pass-123"}
expect 401
{"error": {"code": "auth.login_failed"}}

# a session that outlives the flag (set behind the server's back) is refused as disabled
login grid1
sql UPDATE users SET disabled = 1 WHERE login = 'grid1'
GET /api/v1/me
expect 401
{"error": {"code": "auth.account_disabled"}}

# enabling the account again lets it sign in
as admin
PATCH /api/v1/users/${c2}
If-Match: "2"
{"disabled": false}
expect 200
{"disabled": false, "version": 3}

login cadre2
GET /api/v1/me
expect 200
{"user": {"login": "cadre2", "disabled": false}}

# the token works again too
as bearer ${c2_token}
GET /api/v1/me
expect 200
{"auth": "token", "user": {"login": "cadre2"}}

# the cockpit counts only enabled accounts: grid1 is still disabled
login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users", "value": 2}, {"key": "places.villages", "value": 1}, "..."]}
