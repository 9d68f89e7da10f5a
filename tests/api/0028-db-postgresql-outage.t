# PostgreSQL stops while cunwu serves: requests fail with 503 and a JSON error, nothing
# is half-written, and service resumes by itself when PostgreSQL returns.
backend postgresql
login admin
GET /api/v1/users?page_size=1
expect 200
capture before = .total

pg stop

GET /api/v1/users?page_size=1
expect 503
Retry-After: 1
{"error": {"code": "db.unavailable"}}

POST /api/v1/users
{"login": "outage.user", "name": "停电", "place_id": "140406101204", "password": "Outage-pass-1"}
expect 503
{"error": {"code": "db.unavailable"}}

GET /healthz
expect 503

pg start

# every worker thread reconnects on its next request: none fails once the server is back
repeat 20
GET /healthz
expect 200

repeat 20
GET /api/v1/users?page_size=1
expect 200
{"total": ${before}}

# the POST made during the outage left nothing behind
GET /api/v1/users?q=outage
expect 200
{"items": [], "total": 0}

POST /api/v1/users
{"login": "outage.user", "name": "停电", "place_id": "140406101204", "password": "Outage-pass-1"}
expect 201
