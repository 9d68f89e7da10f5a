# Jobs: unknown ids, who may read a job, and jobs that survive a restart.

login auditor
GET /api/v1/jobs/01BBBBBBBBBBBBBBBBBBBBBBBB
expect 404
{"error": {"code": "jobs.not_found"}}

GET /api/v1/jobs/not-a-job
expect 404
{"error": {"code": "jobs.not_found"}}

as anon
GET /api/v1/jobs/01BBBBBBBBBBBBBBBBBBBBBBBB
expect 401
{"error": {"code": "auth.required"}}

as auditor
POST /api/v1/audit/verify
expect 202

capture job = .job.id

poll GET /api/v1/jobs/${job}
expect 200
{"job": {"state": "done", "attempts": 1, "result": {"ok": true}, "finished_at": "*"}}

# the server stops while the job runs (as if it crashed): on start it runs again
sql UPDATE jobs SET state = 'running', progress = 40, result = NULL, finished_at = NULL WHERE id = '${job}'
GET /api/v1/jobs/${job}
expect 200
{"job": {"state": "running", "progress": 40, "result": null}}

restart

# the session is in the database, so it survives the restart too
poll GET /api/v1/jobs/${job}
expect 200
{"job": {"state": "done", "attempts": 2, "progress": 100, "result": {"ok": true, "chains": 3}}}

# a job queued by another process (no kick) is found by polling
sql INSERT INTO jobs (id, region, kind, state, run_at, created_by, created_at) SELECT '01CCCCCCCCCCCCCCCCCCCCCCCC', '140406', 'audit.verify', 'queued', '2000-01-01T00:00:00.000Z', id, '2000-01-01T00:00:00.000Z' FROM users WHERE login = 'auditor'

poll GET /api/v1/jobs/01CCCCCCCCCCCCCCCCCCCCCCCC
expect 200
{"job": {"state": "done", "result": {"ok": true}}}

# a job of a kind nobody handles fails, with the reason, after its last attempt
sql INSERT INTO jobs (id, region, kind, state, run_at, max_attempts, created_by, created_at) SELECT '01DDDDDDDDDDDDDDDDDDDDDDDD', '140406', 'no.such.kind', 'queued', '2000-01-01T00:00:00.000Z', 1, id, '2000-01-01T00:00:00.000Z' FROM users WHERE login = 'auditor'

poll GET /api/v1/jobs/01DDDDDDDDDDDDDDDDDDDDDDDD
expect 200
{"job": {"state": "failed", "attempts": 1, "error": "~no.such.kind", "result": null}}

# another user's job: not for a branch secretary without jobs.read
login cadre1
GET /api/v1/jobs/${job}
expect 403
{"error": {"code": "auth.forbidden"}}
