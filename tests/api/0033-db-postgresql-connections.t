# Each worker thread's PostgreSQL connection is opened when the server starts, not by the
# thread's first request; a server that cannot open them all refuses to start, saying why.
backend postgresql
set http.threads=3

# before any request (this line only waits for the server): the three workers' connections,
# and perhaps the job scheduler's
log ~ serving http://
sql SELECT CASE WHEN count(*) >= 3 THEN 'opened' ELSE 'only ' || count(*) END FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cunwu'
stdout ~ opened

repeat 10
GET /healthz
expect 200

# more threads than PostgreSQL takes clients (max_connections 200 in the test cluster)
cli --set http.stop_after=1 serve --threads 250 --listen 127.0.0.1:0
expect exit 1
stderr ~ database connection
stderr ~ of 250 (one per thread)
stderr ~ too many clients

# all of them closed again (a backend still starting when its client left takes a moment
# to see it: up to 10 s); the running server is unharmed
sql DO $$ BEGIN FOR i IN 1..100 LOOP PERFORM pg_stat_clear_snapshot(); EXIT WHEN (SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cunwu') < 10; PERFORM pg_sleep(0.1); END LOOP; END $$; SELECT CASE WHEN count(*) < 10 THEN 'closed' ELSE 'left ' || count(*) END FROM pg_stat_activity WHERE application_name = 'cunwu'
stdout ~ closed

GET /healthz
expect 200
