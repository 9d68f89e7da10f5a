-- bench/rowsize.sql - synthetic rows for the tables docs/scale.md sizes, loaded into a
-- database that `cunwu init` made (so the tables and indexes are cunwu's own), then the
-- bytes each row takes on disk, table and indexes together. Run by bench/rowsize.
--
-- The values have the shapes and lengths cunwu writes: ULIDs (26 characters), instants
-- 'YYYY-MM-DDTHH:MM:SS.sssZ', 12-digit NBS codes, 'sha256:' + 64 hex digits, Argon2id
-- hashes in their encoded form (97 characters), Chinese names in UTF-8 (3 bytes a
-- character). Random hex stands in for ULIDs: same length, and PostgreSQL compresses
-- nothing this short anyway.
\set n 100000
\set QUIET on
\pset footer off
-- the synthetic rows name parents and places that are not there
SET session_replication_role = replica;
\o /dev/null

CREATE TEMP TABLE sizes (tbl TEXT, variant TEXT, nrows BIGINT, heap BIGINT, idx BIGINT, total BIGINT);

-- a ULID made at the i-th step (10 time characters, then 16 random ones: a table's own ids
-- arrive in order, as cunwu's do), and one of an older row (references: random order)
CREATE FUNCTION pg_temp.ulid(i BIGINT) RETURNS TEXT LANGUAGE SQL VOLATILE AS
	$$ SELECT upper(lpad(to_hex(1800000000000 + i * 137), 10, '0') ||
	                substr(md5(random()::text), 1, 16)) $$;
CREATE FUNCTION pg_temp.ulid() RETURNS TEXT LANGUAGE SQL VOLATILE AS
	$$ SELECT upper(substr(md5(random()::text), 1, 26)) $$;
CREATE FUNCTION pg_temp.instant(i BIGINT) RETURNS TEXT LANGUAGE SQL IMMUTABLE AS
	$$ SELECT to_char(TIMESTAMP '2027-03-01 08:00:00' + i * INTERVAL '137 milliseconds',
	                  'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;
CREATE FUNCTION pg_temp.sha() RETURNS TEXT LANGUAGE SQL VOLATILE AS
	$$ SELECT 'sha256:' || md5(random()::text) || md5(random()::text) $$;
CREATE FUNCTION pg_temp.measure(t TEXT, v TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO sizes SELECT %L, %L, count(*), pg_table_size(%L), '
	               'pg_indexes_size(%L), pg_total_relation_size(%L) FROM %I', t, v, t, t, t, t);
END $$;

-- audit_log: one county's chain; a short change (a rename, as bench/run's PATCH writes)
INSERT INTO audit_log (chain, region, seq, id, at, actor_kind, actor_id, actor_name, request_id,
                       entity, entity_id, action, changes, prev_hash, hash)
SELECT '140406.ZBGCZVGK66', '140406', i, pg_temp.ulid(i), pg_temp.instant(i), 'user',
       pg_temp.ulid(), 'wang.li' || (i % 500), pg_temp.ulid(i), 'users', pg_temp.ulid(), 'update',
       '{"name":"用户' || i || '"}', pg_temp.sha(), pg_temp.sha()
FROM generate_series(1, :n) i;
VACUUM ANALYZE audit_log;
SELECT pg_temp.measure('audit_log', 'changes ~20 B (a rename)');
-- and a typical domain change: a request answered (state, reply text, assignee)
TRUNCATE audit_log;
INSERT INTO audit_log (chain, region, seq, id, at, actor_kind, actor_id, actor_name, request_id,
                       entity, entity_id, action, changes, prev_hash, hash)
SELECT '1404' || lpad((i % 30)::text, 2, '0') || '.ZBGCZVGK66', '1404' || lpad((i % 30)::text, 2, '0'),
       i, pg_temp.ulid(i), pg_temp.instant(i), 'user', pg_temp.ulid(), 'wang.li' || (i % 500),
       pg_temp.ulid(i), 'requests', pg_temp.ulid(), 'reply',
       '{"state":"replied","reply":"已联系镇供水站，明天上午更换' || (i % 90) || '号阀门，请保持电话畅通。","assignee_id":"' || pg_temp.ulid() || '"}',
       pg_temp.sha(), pg_temp.sha()
FROM generate_series(1, :n) i;
VACUUM ANALYZE audit_log;
SELECT pg_temp.measure('audit_log', 'changes ~150 B (a request answered)');
TRUNCATE audit_log;

-- places: dwellings, the most numerous kind: town / village (community) / compound /
-- building / unit / dwelling, each below a coded parent, so the path holds five NBS codes
-- and four ULIDs
INSERT INTO places (id, region, code, name, kind, parent_id, path, depth, version, created_at, updated_at)
SELECT id, '140406', NULL, (i % 30 + 1) || '号楼' || (i % 4 + 1) || '单元' || (i % 18 + 1) || '0' || (i % 4 + 1),
       'dwelling', parent,
       '/140000000000/140400000000/140406000000/140406101000/140406101001/' ||
       pg_temp.ulid() || '/' || pg_temp.ulid() || '/' || parent || '/' || id || '/', 8, 1,
       pg_temp.instant(i), pg_temp.instant(i)
FROM (SELECT i, pg_temp.ulid(i) AS id, pg_temp.ulid() AS parent FROM generate_series(1, :n) i) s;
VACUUM ANALYZE places;
SELECT pg_temp.measure('places', 'dwellings (path of 9 ids)');

-- users: staff accounts (a place, a login, a name, an Argon2id hash)
INSERT INTO users (id, region, place_id, login, name, pw_hash, disabled, version, created_at,
                   updated_at, pw_changed_at)
SELECT pg_temp.ulid(i), '140406', '140406101000', 'wang.li' || i, '王丽' || i,
       '$argon2id$v=19$m=65536,t=2,p=1$' || substr(md5(random()::text), 1, 22) || '$' ||
       substr(md5(random()::text) || md5(random()::text), 1, 43), 0, 1,
       pg_temp.instant(i), pg_temp.instant(i), pg_temp.instant(i)
FROM generate_series(1, :n) i;
VACUUM ANALYZE users;
SELECT pg_temp.measure('users', 'staff accounts');

-- jobs: finished nightly jobs with a short result
INSERT INTO jobs (id, region, kind, args, state, run_at, attempts, max_attempts, progress, result,
                  error, repeat_seconds, created_by, created_at, started_at, finished_at)
SELECT pg_temp.ulid(i), '140406', 'water.night_flow', '{"village":"140406101' || lpad((i % 300)::text, 3, '0') || '"}',
       'done', pg_temp.instant(i), 1, 3, 100, '{"inlets":12,"alerts":' || (i % 3) || ',"orders":[]}',
       NULL, 86400, NULL, pg_temp.instant(i), pg_temp.instant(i), pg_temp.instant(i)
FROM generate_series(1, :n) i;
VACUUM ANALYZE jobs;
SELECT pg_temp.measure('jobs', 'finished jobs');

-- media: photos (the bytes are files in media.dir; the row is their index)
INSERT INTO media (id, region, mime, bytes, original_name, kept_position, created_by, created_at)
SELECT md5(random()::text) || md5(random()::text), '140406', 'image/jpeg', 250000 + i,
       'IMG_20270301_' || lpad(i::text, 6, '0') || '.jpg', 0, pg_temp.ulid(), pg_temp.instant(i)
FROM generate_series(1, :n) i;
VACUUM ANALYZE media;
SELECT pg_temp.measure('media', 'photo index rows');

\o
\set QUIET off
SELECT tbl AS "table", variant, nrows AS "rows",
       round(heap::numeric / nrows) AS "heap B/row",
       round(idx::numeric / nrows) AS "indexes B/row",
       round(total::numeric / nrows) AS "total B/row"
FROM sizes;
