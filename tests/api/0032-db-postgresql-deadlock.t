# A real deadlock on PostgreSQL: the request loses (40P01, db.retry), the HTTP layer runs
# it again, and the client gets its 200, the change made once.
backend postgresql
login admin
GET /api/v1/users?q=cadre1
expect 200
capture uid = .items[0].id

# Another session takes the county's audit head, waits until a request is blocked by it
# (this PATCH, holding the user's row and asking for the head), then asks for the user's
# row: each waits for the other. Its deadlock_timeout is long, so the request is the one
# PostgreSQL picks after its own second.
sql & SET application_name = 'holder'; BEGIN; SET LOCAL deadlock_timeout = '30s'; UPDATE audit_heads SET seq = seq WHERE region = '140406'; DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))); PERFORM pg_sleep(0.01); END LOOP; END $$; UPDATE users SET name = name WHERE login = 'cadre1'; COMMIT

# once it holds the head (its transaction has an id)
sql DO $$ BEGIN FOR i IN 1..1000 LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'holder' AND l.locktype = 'transactionid'); PERFORM pg_sleep(0.01); END LOOP; END $$

PATCH /api/v1/users/${uid}
{"name": "秦书记"}
expect 200
{"name": "秦书记", "version": 2}

# the other session committed too
wait

log ~ retry 1 after database conflict between transactions

# written once: one version more, one audit row, the chain intact
GET /api/v1/users/${uid}
expect 200
ETag: "2"
{"name": "秦书记", "version": 2}

sql SELECT 'rows=' || count(*) || ';' FROM audit_log WHERE entity = 'users' AND entity_id = '${uid}' AND action = 'update'
stdout ~ rows=1;

cli audit verify
stdout ~ audit: ok
