# people under a grid: a grid worker granted a grid sees exactly the households and people
# of the places the grid covers (lists, searches, counts, single reads), and may write
# there; elsewhere in the same village, nothing

login leader
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第二网格"}
expect 201

capture g = .id

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

login admin
POST /api/v1/users
{"login": "gw2", "name": "网格员丙", "place_id": "${g}", "password": "${password}"}
expect 201

capture gw2 = .id

login security
POST /api/v1/grants
{"user_id": "${gw2}", "role_id": "grid_worker", "place_id": "${g}"}
expect 201

# the village secretary registers a household in each natural village
login cadre1
POST /api/v1/households
{"place_id": "${east}", "address": "东沟1号"}
expect 201

capture he = .id

POST /api/v1/people
{"household_id": "${he}", "name": "东方红", "relation": "head", "id_no": "140406195208140058"}
expect 201

capture pe = .id

POST /api/v1/households
{"place_id": "${west}", "address": "西沟1号"}
expect 201

capture hw = .id

POST /api/v1/people
{"household_id": "${hw}", "name": "西门庆红", "relation": "head"}
expect 201

capture pw = .id

POST /api/v1/people/${pe}/tags
{"tag_id": "veteran"}
expect 204

POST /api/v1/people/${pw}/tags
{"tag_id": "veteran"}
expect 204

# the grid worker: the covered natural village only
login gw2
GET /api/v1/households
expect 200
{"total": 1, "items": [{"id": "${he}"}]}

GET /api/v1/people
expect 200
{"total": 1, "items": [{"id": "${pe}", "id_no": "140406********0058"}]}

GET /api/v1/people?q=红
expect 200
{"total": 1, "items": [{"id": "${pe}"}]}

GET /api/v1/people?tag=veteran
expect 200
{"total": 1}

GET /api/v1/people?place=${g}
expect 200
{"total": 1}

GET /api/v1/people/${pe}
expect 200
{"name": "东方红"}

GET /api/v1/people/${pw}
expect 403

GET /api/v1/households/${hw}
expect 403

GET /api/v1/tags/counts?place=${g}
expect 200
{"items": [{"id": "elderly_alone"}, {"id": "left_behind_elderly"}, {"id": "aged80"}, {"id": "disabled_care"}, {"id": "disability"}, {"id": "dibao"}, {"id": "tekun"}, {"id": "poverty_watch"}, {"id": "left_behind_child"}, {"id": "veteran", "count": 1}, "..."]}

GET /api/v1/tags/counts?place=140406101204
expect 403

POST /api/v1/people/${pe}/reveal
{"fields": ["id_no"], "reason": "入户核实"}
expect 200
{"id_no": "140406195208140058"}

POST /api/v1/people
{"household_id": "${he}", "name": "东方明", "relation": "child"}
expect 201

POST /api/v1/people
{"household_id": "${hw}", "name": "西门小红", "relation": "child"}
expect 403

# the secretary of the whole village still sees both
login cadre1
GET /api/v1/tags/counts?place=${g}
expect 200
{"items": [{"id": "elderly_alone"}, {"id": "left_behind_elderly"}, {"id": "aged80"}, {"id": "disabled_care"}, {"id": "disability"}, {"id": "dibao"}, {"id": "tekun"}, {"id": "poverty_watch"}, {"id": "left_behind_child"}, {"id": "veteran", "count": 1}, "..."]}

GET /api/v1/people?tag=veteran
expect 200
{"total": 2}
