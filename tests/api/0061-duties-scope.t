# duties under a grid: a grid worker sees their grid's duties and households (with their
# people counted by tag) and nothing of the village's; coverage, the uncovered households,
# the org chart with its vacancies, the cockpit tile; writing needs duties.write

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture g = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第二网格"}
expect 201

capture g2 = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "东沟"}
expect 201

capture east = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "西沟"}
expect 201

capture west = .id

PUT /api/v1/places/${g}/coverage
{"place_ids": ["${east}"]}
expect 200

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${west}"]}
expect 200

POST /api/v1/households
{"place_id": "${east}", "address": "东沟1号"}
expect 201

capture he = .id

POST /api/v1/people
{"household_id": "${he}", "name": "东方红", "relation": "head"}
expect 201

capture pe = .id

POST /api/v1/people/${pe}/tags
{"tag_id": "veteran"}
expect 204

POST /api/v1/households
{"place_id": "${west}", "address": "西沟1号"}
expect 201

capture hw = .id

login admin
POST /api/v1/users
{"login": "gw2", "name": "网格员丙", "place_id": "${g}", "password": "${password}"}
expect 201

capture gw2 = .id

login security
POST /api/v1/grants
{"user_id": "${gw2}", "role_id": "grid_worker", "place_id": "${g}"}
expect 201

login cadre1
POST /api/v1/duties
{"role": "grid_worker", "place_id": "${g}", "user_id": "${gw2}", "from_date": "2025-01-01"}
expect 201

capture dg = .id

POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01"}
expect 201

capture ds = .id

POST /api/v1/duties
{"role": "area_leader", "place_id": "${east}", "person_id": "${pe}", "from_date": "2025-01-01"}
expect 201

# cadre2 of 冯村 may not give duties in 秦家山村, nor read them
login cadre2
POST /api/v1/duties
{"role": "area_leader", "place_id": "${west}", "person_id": "${pe}", "from_date": "2025-01-01"}
expect 403

GET /api/v1/duties/${ds}
expect 403

GET /api/v1/duties?place=140406101204
expect 200
{"total": 0}

GET /api/v1/duties
expect 200
{"total": 0}

# the grid worker: their grid's duties and what it covers, nothing above
login gw2
GET /api/v1/duties
expect 200
{"total": 2}

GET /api/v1/duties/${dg}
expect 200
{"role_name": "网格员", "holder_name": "网格员丙", "active": true}

GET /api/v1/duties/${ds}
expect 403

GET /api/v1/duties/${dg}/households
expect 200
{"total": 1, "items": [{"id": "${he}", "address": "东沟1号", "head_name": "东方*", "member_count": 1, "tags": [{"id": "veteran", "count": 1}]}]}

GET /api/v1/households/${he}/chain
expect 200
{"items": [{"id": "${dg}"}, {"role": "area_leader"}, {"id": "${ds}", "holder_name": "~"}]}

GET /api/v1/households/${hw}/chain
expect 403

POST /api/v1/duties/${dg}/end
{"to_date": "2026-01-01"}
expect 403

GET /api/v1/places/140406101204/orgchart
expect 403

GET /api/v1/duties/coverage?place=${g}
expect 200
{"households": 1, "with_grid_worker": 1}

# the village: one household of two has a grid worker; the second grid has none
login cadre1
GET /api/v1/duties/coverage?place=140406101204
expect 200
{"households": 2, "with_grid_worker": 1, "without_grid_worker": 1, "percent_grid_worker": 50, "grids_without_worker": [{"id": "${g2}", "name": "第二网格"}], "buildings_without_leader": []}

GET /api/v1/duties/uncovered?place=140406101204
expect 200
{"total": 1, "items": [{"id": "${hw}", "address": "西沟1号", "grid_name": "第二网格"}]}

GET /api/v1/duties/uncovered?place=140406101204&kind=mayor
expect 400
{"error": {"code": "duties.kind", "field": "kind"}}

GET /api/v1/places/140406101204/orgchart
expect 200
{"root": {"id": "140406101204", "duties": [{"id": "${ds}", "role": "branch_secretary"}, {"role": "village_liaison", "vacant": true}], "children": [{"name": "东沟", "duties": [{"role": "area_leader", "holder_name": "东方红"}]}, {"name": "西沟", "duties": [{"role": "area_leader", "vacant": true}]}, {"name": "第一网格", "duties": [{"id": "${dg}"}]}, {"name": "第二网格", "duties": [{"role": "grid_worker", "vacant": true}]}]}, "vacancies": 3}

GET /api/v1/places/${east}/orgchart
expect 400
{"error": {"code": "duties.orgchart_kind"}}

# the hand-over of the grid: the households go with the duty's place
POST /api/v1/duties/${dg}/handover
{"person_id": "${pe}", "date": "2026-01-01"}
expect 201
{"started": {"holder_name": "东方红", "place_id": "${g}"}}

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons"}, {"key": "people.households"}, {"key": "people.elderly_alone"}, {"key": "duties.coverage", "unit": "%", "value": 50}, {"key": "duties.uncovered", "value": 1}, {"key": "requests.open"}, {"key": "requests.overdue"}, {"key": "imports.persons_30d"}]}
