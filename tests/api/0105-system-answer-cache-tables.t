# A commit makes stale only the answers read from the tables it wrote (SQLite names the
# tables each statement reads and writes; on PostgreSQL every commit makes every answer
# stale, test 0104): a resident's request leaves the people list kept (Age: a kept answer)
# and the public list is made again; a person added, the people list; a rename, a search.
backend sqlite
set http.threads=1

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村缓存3号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王守仁", "relation": "head"}
expect 201

POST /api/v1/people
{"household_id": "${hh}", "name": "王阳明", "relation": "child"}
expect 201

as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "巷子里电线垂到头顶"}
expect 201

as cadre1
GET /api/v1/people?place=140406101204
expect 200
{"total": 2}

GET /api/v1/people?place=140406101204
expect 200
Age: 0
{"total": 2}

as anon
GET /api/v1/public/requests?place=140406101204
expect 200
!Age:
{"total": 1}

GET /api/v1/public/requests?place=140406101204
expect 200
Age: 0
{"total": 1}

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "路灯整夜不亮"}
expect 201

GET /api/v1/public/requests?place=140406101204
expect 200
!Age:
{"total": 2}

as cadre1
GET /api/v1/people?place=140406101204
expect 200
Age: 0
{"total": 2}

# a write to people: the people list is made again, with the new person
POST /api/v1/people
{"household_id": "${hh}", "name": "王伯安", "relation": "child"}
expect 201

GET /api/v1/people?place=140406101204
expect 200
!Age:
{"total": 3}

# a name search, kept, then the name changed: found under the new name only
GET /api/v1/people?q=伯安
expect 200
{"total": 1}

capture bo = .items[0].id

GET /api/v1/people?q=伯安
expect 200
Age: 0
{"total": 1}

PATCH /api/v1/people/${bo}
If-Match: "1"
{"name": "王守文"}
expect 200

GET /api/v1/people?q=伯安
expect 200
!Age:
{"total": 0}

# the caller's grants decide what a list holds: a grant changed, their kept answer goes
login cadre1
GET /api/v1/people?place=140406101204
expect 200
{"total": 3}

GET /api/v1/people?place=140406101204
expect 200
Age: 0
{"total": 3}

login security
GET /api/v1/users?q=cadre1
expect 200

capture c1 = .items[0].id

POST /api/v1/grants
{"user_id": "${c1}", "role_id": "grid_worker", "place_id": "140406101205"}
expect 201

login cadre1
GET /api/v1/people?place=140406101204
expect 200
!Age:
{"total": 3}
