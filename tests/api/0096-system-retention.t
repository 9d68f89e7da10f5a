# logs and the audit kept at least six months (Cybersecurity Law art. 21): a shorter
# log.keep_days is refused, naming the setting, and the daily prune never removes audit rows

cli --set log.keep_days=179 routes
expect exit 1
stderr ~ setting 'log.keep_days' must be at least 180 days
stderr ~ Cybersecurity Law art. 21

cli --set log.keep_days=30 --set log.file=${dir}/short.log serve --listen 127.0.0.1:0
expect exit 1
stderr ~ log.keep_days

cli --set log.keep_days=0 routes
expect exit 1
stderr ~ log.keep_days

cli --set log.keep_days=-1 routes
expect exit 1
stderr ~ at least 180 days

cli --set log.keep_days=180 routes
expect exit 0

cli --set log.keep_days=forever routes
expect exit 1
stderr ~ log.keep_days

cli --set log.rotate=weekly --set log.file=${dir}/w.log serve --listen 127.0.0.1:0
expect exit 1
stderr ~ log.rotate must be daily or off

cli --set log.file=${dir}/no/such/dir/x.log serve --listen 127.0.0.1:0
expect exit 1
stderr ~ log.file

# a write, its audit row made old, and the prune job run: the row stays
login admin
POST /api/v1/users
{"login": "keep.me", "name": "保留", "place_id": "140406101204", "password": "Keep-pass-1234"}
expect 201

sql UPDATE audit_log SET at = '2000-01-01T00:00:00.000Z'
sql SELECT 'old:' || count(*) || ':' FROM audit_log WHERE at < '2001-01-01' AND entity_id = (SELECT id FROM users WHERE login = 'keep.me')
stdout ~ old:1:
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'system.prune' AND state = 'queued'
sleep 400
sql SELECT CASE WHEN count(*) >= 1 THEN 'ran' ELSE 'never' END FROM jobs WHERE kind = 'system.prune' AND state = 'done'
stdout ~ ran
sql SELECT 'old:' || count(*) || ':' FROM audit_log WHERE at < '2001-01-01' AND entity_id = (SELECT id FROM users WHERE login = 'keep.me')
stdout ~ old:1:
