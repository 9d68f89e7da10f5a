# The audit log: who may read it, what it holds, and the verify job.

# the system administrator has no audit.read
login admin
GET /api/v1/audit
expect 403
{"error": {"code": "auth.forbidden"}}

POST /api/v1/audit/verify
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/audit/heads
expect 403

POST /api/v1/users
{"login": "audit.me", "name": "审计对象", "place_id": "140406101204", "password": "${password}"}
expect 201

capture uid = .id

# neither do the security administrator and the town leader
login security
GET /api/v1/audit
expect 403

login leader
GET /api/v1/audit
expect 403

# the auditor reads the chain of the county their town writes into (region 140406)
login auditor
GET /api/v1/audit?page_size=3
expect 200
{"items": [{"region": "140406", "seq": "*", "id": "*", "at": "*", "entity": "sessions",
            "action": "login", "actor_name": "auditor", "hash": "~sha256:"},
           "*", "*"],
 "page_size": 3}

# fixture: 8 accounts from the command line, the three administrators' second factors
# (enrolled and confirmed: two rows each), and audit.me from the API
GET /api/v1/audit?entity=users
expect 200
{"total": 15}

GET /api/v1/audit?entity=users&entity_id=${uid}
expect 200
{"items": [{"entity": "users", "entity_id": "${uid}", "action": "create", "actor_kind": "user",
            "actor_name": "admin", "request_id": "*",
            "changes": {"login": "audit.me", "name": "审计对象", "place_id": "140406101204",
                        "password": "!"}}],
 "total": 1}

# of the 22 places, the 20 in region 140406 (county, town, villages) are the auditor's to read
GET /api/v1/audit?entity=places
expect 200
{"total": 20}

# failed logins are recorded too
as anon
POST /api/v1/session
{"login": "cadre1", "password": "Wrong-pass-123"}
expect 401

as auditor
GET /api/v1/audit?entity=sessions&sort=-seq&page_size=1
expect 200
{"items": [{"action": "login_failed", "actor_name": "cadre1", "changes": {"address": "127.0.0.1"}}]}

GET /api/v1/audit?sort=actor
expect 400
{"error": {"code": "http.sort"}}

# the heads of every chain
GET /api/v1/audit/heads
expect 200
{"exported_at": "*", "heads": [{"region": "140000", "seq": 1}, {"region": "140400", "seq": 1},
                               {"region": "140406", "seq": "*", "hash": "~sha256:"}]}

# verifying runs as a job
POST /api/v1/audit/verify
expect 202
Location: /api/v1/jobs/
{"job": {"id": "*", "state": "queued", "progress": 0}}

capture job = .job.id
capture location = header Location

poll GET ${location}
expect 200
{"job": {"id": "${job}", "kind": "audit.verify", "state": "done", "progress": 100,
         "result": {"ok": true, "chains": 3, "rows": "*", "first_bad": null}}}

# a job is shown to its creator, and to jobs.read over its place; not to others
login cadre1
GET /api/v1/jobs/${job}
expect 403
{"error": {"code": "auth.forbidden"}}
