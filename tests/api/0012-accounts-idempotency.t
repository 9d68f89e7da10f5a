# Idempotency-Key: a retried POST answers the first answer again and does nothing twice.

login admin
POST /api/v1/users
Idempotency-Key: create-zhao-liu-0001
{"login": "zhao.liu", "name": "赵六", "place_id": "140406101204", "password": "${password}"}
expect 201
!Idempotent-Replayed:
{"login": "zhao.liu", "version": 1}

capture uid = .id
capture created = .created_at

# the retry: the same status and body, marked as replayed
POST /api/v1/users
Idempotency-Key: create-zhao-liu-0001
{"login": "zhao.liu", "name": "赵六", "place_id": "140406101204", "password": "${password}"}
expect 201
Idempotent-Replayed: true
{"id": "${uid}", "login": "zhao.liu", "created_at": "${created}", "version": 1}

# one user, one audit row
GET /api/v1/users?q=zhao.liu
expect 200
{"items": [{"id": "${uid}"}], "total": 1}

# the same key with another body is a client bug
POST /api/v1/users
Idempotency-Key: create-zhao-liu-0001
{"login": "zhao.qi", "name": "赵七", "place_id": "140406101204", "password": "${password}"}
expect 422
{"error": {"code": "http.idempotency_mismatch", "field": "Idempotency-Key"}}

GET /api/v1/users?q=zhao.qi
expect 200
{"total": 0}

# keys are per user: another account may use the same key for its own request
login auditor
POST /api/v1/audit/verify
Idempotency-Key: create-zhao-liu-0001
expect 202
!Idempotent-Replayed:
{"job": {"id": "*"}}

capture job = .job.id

POST /api/v1/audit/verify
Idempotency-Key: create-zhao-liu-0001
expect 202
Idempotent-Replayed: true
{"job": {"id": "${job}"}}

# a token secret is kept only as a hash, so the answer that shows it is never stored for
# replay: a retry with the same key makes a second token
login cadre1
POST /api/v1/tokens
Idempotency-Key: token-phone-0003
{"name": "phone"}
expect 201
!Idempotent-Replayed:
{"name": "phone", "token": "*"}

sql SELECT 'stored:' || count(*) || ':' FROM idempotency WHERE response LIKE '%"token"%'
stdout ~ stored:0:

POST /api/v1/tokens
Idempotency-Key: token-phone-0003
{"name": "phone"}
expect 201
!Idempotent-Replayed:
{"name": "phone", "token": "*"}

GET /api/v1/tokens
expect 200
{"items": [{"name": "phone"}, {"name": "phone"}]}

as admin

# failures are not remembered: the retry is run again, and can then succeed
POST /api/v1/users
Idempotency-Key: create-qian-0002
{"login": "zhao.liu", "name": "钱八", "place_id": "140406101204", "password": "${password}"}
expect 409
!Idempotent-Replayed:
{"error": {"code": "accounts.login_taken"}}

POST /api/v1/users
Idempotency-Key: create-qian-0002
{"login": "zhao.liu", "name": "钱八", "place_id": "140406101204", "password": "${password}"}
expect 409
!Idempotent-Replayed:

POST /api/v1/users
Idempotency-Key: create-qian-0002
{"login": "qian.ba", "name": "钱八", "place_id": "140406101204", "password": "${password}"}
expect 201
{"login": "qian.ba"}

# keys must be 8 to 128 characters
POST /api/v1/users
Idempotency-Key: short
{"login": "sun.jiu", "name": "孙九", "place_id": "140406101204", "password": "${password}"}
expect 400
{"error": {"code": "http.idempotency_key", "field": "Idempotency-Key"}}

# the audit log has one create for zhao.liu
login auditor
GET /api/v1/audit?entity=users&entity_id=${uid}
expect 200
{"items": [{"action": "create"}], "total": 1}
