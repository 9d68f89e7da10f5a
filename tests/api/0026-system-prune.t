# the daily prune job forgets old idempotent answers and dead sessions, never audit rows
login admin
POST /api/v1/users
Idempotency-Key: prune-test-key-1
{"login": "prune.me", "name": "临时", "place_id": "140406101204", "password": "Prune-pass-123"}
expect 201

sql UPDATE idempotency SET created_at = '2000-01-01T00:00:00.000Z'
sql UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE login = 'admin')

# the job was queued when the server started; run it again now
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'system.prune' AND state = 'queued'
sleep 400
sql SELECT 'idempotency:' || count(*) || ':' FROM idempotency
stdout ~ idempotency:0:
sql SELECT 'expired:' || count(*) || ':' FROM sessions WHERE expires_at < '2001-01-01'
stdout ~ expired:0:
sql SELECT CASE WHEN count(*) >= 1 THEN 'ran' ELSE 'never' END FROM jobs WHERE kind = 'system.prune' AND state = 'done'
stdout ~ ran
sql SELECT 'queued:' || count(*) || ':' FROM jobs WHERE kind = 'system.prune' AND state = 'queued'
stdout ~ queued:1:
