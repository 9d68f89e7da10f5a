# house cards: the rural houses of a natural village (and its groups), of a village, or
# every dwelling a grid covers, with households, visible tags, legend, filter and paging

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "东庄"}
expect 201

capture nv = .id

POST /api/v1/places
{"parent_id": "${nv}", "kind": "group", "name": "东庄一组"}
expect 201

capture g = .id

POST /api/v1/places
{"parent_id": "${nv}", "kind": "dwelling", "name": "东庄1号", "room": "1号"}
expect 201

capture h1 = .id

POST /api/v1/places
{"parent_id": "${g}", "kind": "dwelling", "name": "东庄2号", "room": "2号"}
expect 201

capture h2 = .id

POST /api/v1/places
{"parent_id": "${g}", "kind": "dwelling", "name": "东庄10号", "room": "10号"}
expect 201

POST /api/v1/households
{"place_id": "${h2}", "address": "东庄2号"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "赵大娘", "relation": "head", "birth_date": "1938-05-01"}
expect 201

capture p = .id

POST /api/v1/people/${p}/tags
{"tag_id": "community_correction"}
expect 204

# the natural village: its own houses first, then its group's, by number
GET /api/v1/places/${nv}/houses
expect 200
{"title": "秦家山村 东庄", "total": 3, "page": 1,
 "items": [{"place_id": "${h1}", "room": "1号", "parent_name": "东庄", "empty": true},
           {"place_id": "${h2}", "room": "2号", "parent_name": "东庄一组", "empty": false,
            "households": [{"id": "${hh}", "head_name": "赵*娘", "member_count": 1}],
            "tags": ["elderly_alone", "aged80", "community_correction"]},
           {"room": "10号", "parent_id": "${g}"}],
 "legend": [{"id": "elderly_alone", "rooms": 1}, {"id": "aged80"}, {"id": "community_correction"}],
 "counts": {"rooms": 3, "empty": 2, "households": 1, "people": 1}}

# paged: the legend and counts stay those of every house
GET /api/v1/places/${nv}/houses?page=2&page_size=2&tag=aged80
expect 200
{"total": 3, "page": 2, "page_size": 2, "items": [{"room": "10号", "match": false}],
 "tag": "aged80", "counts": {"rooms": 3, "matching": 1}, "legend": [{}, {}, {}]}

# a group; and the village, whose houses include its natural villages' and groups'
GET /api/v1/places/${g}/houses
expect 200
{"total": 2, "items": [{"room": "2号"}, {"room": "10号"}]}

GET /api/v1/places/140406101204/houses?tag=elderly_alone
expect 200
{"counts": {"matching": 1}, "items": [{}, {}, {}, "..."]}

# a grid of the village covering the group: the houses it covers
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "东庄网格"}
expect 201

capture gr = .id

PUT /api/v1/places/${gr}/coverage
{"place_ids": ["${g}"]}
expect 200

GET /api/v1/places/${gr}/houses
expect 200
{"title": "秦家山村 东庄网格", "total": 2, "items": [{"place_id": "${h2}"}, {"room": "10号"}]}

# the grid worker sees no 社区矫正
login grid1
GET /api/v1/places/${nv}/houses
expect 200
{"items": [{}, {"tags": ["elderly_alone", "aged80"]}, {}], "legend": [{}, {}]}

# house cards are for villages, their parts and grids
login cadre1
GET /api/v1/places/${h1}/houses
expect 400
{"error": {"code": "people.diagram_kind", "field": "id"}}

login leader
GET /api/v1/places/140406101000/houses
expect 400
{"error": {"code": "people.diagram_kind"}}

# outside: refused
login cadre2
GET /api/v1/places/${nv}/houses
expect 403

GET /api/v1/places/${gr}/houses
expect 403
