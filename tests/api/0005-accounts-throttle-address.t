# Login throttling per client address: past auth.login_failures_per_address failures
# (any logins) from one address, every login from it waits, even a correct one.
set auth.login_failures_per_address=3

POST /api/v1/session
{"login": "cadre1", "password": "Wrong-pass-123"}
expect 401

POST /api/v1/session
{"login": "cadre2", "password": "Wrong-pass-123"}
expect 401

POST /api/v1/session
{"login": "someone", "password": "Wrong-pass-123"}
expect 401
{"error": {"code": "auth.login_failed"}}

POST /api/v1/session
{"login": "grid1", "password": "${password}"}
expect 429
Retry-After: *
{"error": {"code": "auth.throttled"}}
