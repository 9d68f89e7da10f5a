# An import whose job fails at each attempt (import.stop_after: the machine dies after each
# batch) is taken up again where it stopped, and after its last attempt is marked failed
# with the reason, not left "running". Uploads never imported expire after import.keep_days
# (the daily job import.expire): state "expired", audited, their sealed file removed, and
# they can no longer be checked or run; a recent upload is left alone.
set import.stop_after=1
set import.batch_rows=2

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "一组"}
expect 201

POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "二组"}
expect 201

upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture imp = .id

POST /api/v1/imports/${imp}/check
expect 202

poll GET /api/v1/imports/${imp}
expect 200
{"state": "checked"}

POST /api/v1/imports/${imp}/run
expect 202

# the first attempt writes a batch and dies; the job waits to try again
poll GET /api/v1/imports/${imp}
expect 200
{"state": "running", "counts": {"households_added": 1}}

sql SELECT 'attempts:' || attempts || ':' || state FROM jobs WHERE kind = 'import.run'
stdout ~ attempts:1:queued

# its second attempt is its last: it writes the next batch, dies again, and gives up
sql UPDATE jobs SET max_attempts = 2, run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'import.run' AND state = 'queued'
poll GET /api/v1/imports/${imp}
expect 200
{"state": "failed", "error": "~gave up after the last attempt"}

sql SELECT 'job:' || state FROM jobs WHERE kind = 'import.run'
stdout ~ job:failed

# a second upload, never checked, and a third, recent
upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture old = .id

upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture recent = .id

# and a fourth whose check was cut off (a dry run interrupted): left checking
upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture stuck = .id

sql UPDATE imports SET state = 'checking' WHERE id = '${stuck}'
sql UPDATE imports SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id IN ('${imp}', '${old}', '${stuck}')
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'import.expire' AND state = 'queued'
poll GET /api/v1/imports/${old}
expect 200
{"state": "expired", "error": "~removed after 30 days unused"}

GET /api/v1/imports/${imp}
expect 200
{"state": "expired"}

GET /api/v1/imports/${stuck}
expect 200
{"state": "expired"}

GET /api/v1/imports/${recent}
expect 200
{"state": "uploaded", "error": null}

capture v = header ETag

sql SELECT 'expire:' || count(*) || ':' FROM audit_log WHERE entity = 'imports' AND action = 'expire'
stdout ~ expire:3:

sql SELECT 'queued:' || count(*) || ':' FROM jobs WHERE kind = 'import.expire' AND state = 'queued'
stdout ~ queued:1:

# an expired import can no longer be changed, checked or run
GET /api/v1/imports/${old}
expect 200

capture vo = header ETag

POST /api/v1/imports/${old}/check
If-Match: ${vo}
expect 409
{"error": {"code": "import.state"}}

# the recent one still works
POST /api/v1/imports/${recent}/check
If-Match: ${v}
expect 202
