# uses SQLite functions in its sql steps (strftime, readfile)
backend sqlite
# Sessions end after session.idle_minutes (120) without use, and at expires_at
# (session.absolute_hours after login) however busy they are.

login cadre1
GET /api/v1/me
expect 200

# idle for more than two hours
sql UPDATE sessions SET seen_at = '2000-01-01T00:00:00.000Z'
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_expired"}}

# the expired session was removed: the same cookie is now simply unknown
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_invalid"}}

# signing in again with the dead cookie still in the browser works
POST /api/v1/session
{"login": "cadre1", "password": "${password}"}
expect 200

# idle for 119 minutes: still good, and the use moves seen_at to now
login cadre1
sql UPDATE sessions SET seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-119 minutes')
GET /api/v1/me
expect 200
{"user": {"login": "cadre1"}}

# proof that seen_at moved: end the session only if seen_at is within the last minute
sql UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE seen_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 minutes')
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_expired"}}

# absolute expiry: recently used, but past expires_at
login cadre1
GET /api/v1/me
expect 200

sql UPDATE sessions SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds')
GET /api/v1/me
expect 401
{"error": {"code": "auth.session_expired"}}

# an unsafe request with an expired session is refused the same way (not as a CSRF error)
login cadre1
sql UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'
POST /api/v1/tokens
{"name": "late"}
expect 401
{"error": {"code": "auth.session_expired"}}
