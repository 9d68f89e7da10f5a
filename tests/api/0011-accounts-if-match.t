# Optimistic locking: PATCH with If-Match; a stale version is refused and changes nothing.

login admin
GET /api/v1/users?q=cadre1
expect 200

capture uid = .items[0].id

GET /api/v1/users/${uid}
expect 200
ETag: "1"
{"name": "秦家山书记", "version": 1}

capture v1 = header ETag

PATCH /api/v1/users/${uid}
If-Match: ${v1}
{"name": "秦书记"}
expect 200
ETag: "2"
{"name": "秦书记", "version": 2}

capture v2 = header ETag

# someone still holding version 1 tries to write
PATCH /api/v1/users/${uid}
If-Match: ${v1}
{"name": "旧页面"}
expect 412
{"error": {"code": "http.precondition_failed", "field": "If-Match", "message": "~version 2"}}

GET /api/v1/users/${uid}
expect 200
ETag: "2"
{"name": "秦书记", "version": 2}

# a version from the future is no better
PATCH /api/v1/users/${uid}
If-Match: "99"
{"name": "未来"}
expect 412
{"error": {"code": "http.precondition_failed"}}

# the current version goes through and the version moves on
PATCH /api/v1/users/${uid}
If-Match: ${v2}
{"name": "秦家山书记"}
expect 200
ETag: "3"
{"name": "秦家山书记", "version": 3}

GET /api/v1/users/${uid}
expect 200
ETag: "3"

# a password reset also moves the version, so a form opened before it is stale
PUT /api/v1/users/${uid}/password
{"password": "Reset-pass-789"}
expect 204

PATCH /api/v1/users/${uid}
If-Match: "3"
{"disabled": true}
expect 412
{"error": {"code": "http.precondition_failed"}}

GET /api/v1/users/${uid}
expect 200
ETag: "4"
{"disabled": false}

# the body is checked too: nothing to change, or a field that cannot be patched
PATCH /api/v1/users/${uid}
If-Match: "4"
{}
expect 400
{"error": {"code": "json.empty"}}

PATCH /api/v1/users/${uid}
If-Match: "4"
{"login": "renamed"}
expect 400
{"error": {"code": "json.unknown_field", "field": "login"}}

# the audit log records the change and who made it
login auditor
GET /api/v1/audit?entity=users&entity_id=${uid}&sort=-seq&page_size=1
expect 200
{"items": [{"action": "password", "actor_name": "admin", "changes": {"password": "(changed)"}}]}

GET /api/v1/audit?entity=users&entity_id=${uid}&sort=seq
expect 200
{"items": [{"action": "create"}, {"action": "update", "changes": {"name": "秦书记"}},
           {"action": "update", "changes": {"name": "秦家山书记"}}, {"action": "password"}],
 "total": 4}
