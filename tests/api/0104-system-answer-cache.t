# Lists marked ROUTE_CACHE are kept by each server thread until the next commit, by anyone,
# and for at most http.answer_cache_ms: asked twice, the same rows; after a write through
# the server or by another process, the new rows at once; callers never get each other's
# answer (masks and restricted tags differ by caller), nor one for other query arguments.
set http.threads=1

login grid1
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村缓存1号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王守仁", "relation": "head", "id_no": "140406194003120016"}
expect 201

capture head = .id

POST /api/v1/people/${head}/tags
{"tag_id": "community_correction"}
expect 204

GET /api/v1/people?place=140406101204
expect 200
{"total": 1, "items": [{"name": "王守仁", "tags": [{"id": "elderly_alone"}, {"id": "aged80"}, {"id": "community_correction"}]}]}

GET /api/v1/people?place=140406101204
expect 200
{"total": 1, "items": [{"name": "王守仁", "tags": [{"id": "elderly_alone"}, {"id": "aged80"}, {"id": "community_correction"}]}]}

# another caller of the same URL on the same thread, nothing committed in between: their
# own answer (the grid worker may not see the restricted tag)
as grid1
GET /api/v1/people?place=140406101204
expect 200
{"total": 1, "items": [{"tags": [{"id": "elderly_alone"}, {"id": "aged80"}]}]}

# other query arguments: another answer
as cadre1
GET /api/v1/people?place=140406101204&tag=community_correction
expect 200
{"total": 1}

GET /api/v1/people?place=140406101204&tag=aged90
expect 200
{"total": 0}

# a write through the server
POST /api/v1/people
{"household_id": "${hh}", "name": "王阳明", "relation": "child"}
expect 201

GET /api/v1/people?place=140406101204
expect 200
{"total": 2}

# a write by another process on the same database: on SQLite sqlite3 itself; on PostgreSQL
# a cunwu process, whose writer's mark tells its commit from the cluster's others (a raw
# psql write, which leaves none, is seen at this server's next write: docs/internals/db.md)
GET /api/v1/households?place=140406101204
expect 200
{"total": 1, "items": [{"address": "秦家山村缓存1号"}]}

sql UPDATE households SET address = '秦家山村缓存2号' WHERE id = '${hh}'
on postgresql cli places retire 140406101230
expect exit 0

GET /api/v1/households?place=140406101204
expect 200
{"total": 1, "items": [{"address": "秦家山村缓存2号"}]}

# the public list: the same for everyone, fresh after a resident's request
as anon
GET /api/v1/public/requests?place=140406101204
expect 200
{"total": 0}

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "巷子里电线垂到头顶"}
expect 201

GET /api/v1/public/requests?place=140406101204
expect 200
{"total": 1}

