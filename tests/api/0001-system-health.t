# /healthz answers anyone, and every answer carries a request id
GET /healthz
expect 200
X-Request-Id: *
Content-Type: application/json
{"status": "ok"}

# a caller's own request id is echoed back
GET /healthz
X-Request-Id: trace-abc.123
expect 200
X-Request-Id: trace-abc.123

# version names the schema of every module
GET /api/v1/version
expect 200
{"name": "cunwu", "backend": "*", "schema": {"core": 2, "places": 3, "accounts": 5, "people": 9, "duties": 1, "requests": 8, "tabular": 2}}
