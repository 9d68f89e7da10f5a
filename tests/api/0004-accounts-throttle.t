# Login throttling: five failures of one login lock it for the window, even for the
# right password; other logins are not affected; a success clears the count.

repeat 5
POST /api/v1/session
{"login": "admin", "password": "Wrong-pass-123"}
expect 401
{"error": {"code": "auth.login_failed"}}

# the sixth attempt is refused before the password is looked at
POST /api/v1/session
{"login": "admin", "password": "${password}"}
expect 429
Retry-After: *
!Set-Cookie:
{"error": {"code": "auth.throttled", "message": "*"}}

# and stays refused
POST /api/v1/session
{"login": "admin", "password": "Wrong-pass-123"}
expect 429
Retry-After: *
{"error": {"code": "auth.throttled"}}

# another login from the same address still signs in
login security
GET /api/v1/me
expect 200
{"user": {"login": "security"}}

# unknown logins are counted the same way, so probing them is throttled too
repeat 5
POST /api/v1/session
{"login": "ghost", "password": "Wrong-pass-123"}
expect 401
{"error": {"code": "auth.login_failed"}}

POST /api/v1/session
{"login": "ghost", "password": "Wrong-pass-123"}
expect 429
Retry-After: *
{"error": {"code": "auth.throttled"}}

# a success resets the count: 4 failures, a success, 4 more failures, still no lock
repeat 4
POST /api/v1/session
{"login": "leader", "password": "Wrong-pass-123"}
expect 401

login leader

repeat 4
POST /api/v1/session
{"login": "leader", "password": "Wrong-pass-123"}
expect 401
{"error": {"code": "auth.login_failed"}}

login leader
GET /api/v1/me
expect 200
{"user": {"login": "leader"}}
