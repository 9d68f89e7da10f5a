# a building's diagram: units × floors (top first, every floor of the building even without
# rooms) × rooms, each with its households (heads masked) and the tags of its people and
# households the caller may see, a legend with counts, the ?tag filter; scope and refusals

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "示意小区"}
expect 201

capture cp = .id

POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "1号楼", "floors": 3}
expect 201

capture b = .id

POST /api/v1/places
{"parent_id": "${b}", "kind": "unit", "name": "2单元"}
expect 201

capture u2 = .id

POST /api/v1/places
{"parent_id": "${b}", "kind": "unit", "name": "1单元"}
expect 201

capture u1 = .id

POST /api/v1/places
{"parent_id": "${u1}", "kind": "dwelling", "name": "101", "floor": 1, "room": "101", "area": 56.5}
expect 201

capture d101 = .id

POST /api/v1/places
{"parent_id": "${u1}", "kind": "dwelling", "name": "301", "floor": 3, "room": "301"}
expect 201

capture d301 = .id

POST /api/v1/places
{"parent_id": "${u2}", "kind": "dwelling", "name": "201", "floor": 2, "room": "201"}
expect 201

# 101: an old man alone (独居老人, 高龄 by rule)
POST /api/v1/households
{"place_id": "${d101}", "address": "示意小区1号楼1单元101室"}
expect 201

capture h1 = .id

POST /api/v1/people
{"household_id": "${h1}", "name": "王建国", "relation": "head", "birth_date": "1940-03-12"}
expect 201

# 301: a party member with a child, and a restricted tag (社区矫正) on her; a resident-only
# household
POST /api/v1/households
{"place_id": "${d301}", "address": "示意小区1号楼1单元301室", "kind": "resident"}
expect 201

capture h2 = .id

POST /api/v1/people
{"household_id": "${h2}", "name": "李秀英", "relation": "head", "birth_date": "1980-01-01"}
expect 201

capture p2 = .id

POST /api/v1/people
{"household_id": "${h2}", "name": "李小明", "relation": "child", "birth_date": "2015-01-01"}
expect 201

POST /api/v1/people/${p2}/tags
{"tag_id": "party_member"}
expect 204

POST /api/v1/people/${p2}/tags
{"tag_id": "community_correction", "source": "import:police"}
expect 204

POST /api/v1/households/${h2}/tags
{"tag_id": "dibao"}
expect 204

# the secretary sees the restricted tag; 201 is empty; floor 3 first
GET /api/v1/places/${b}/diagram
expect 200
{"title": "秦家山村 示意小区 1号楼", "place": {"id": "${b}", "floors": 3}, "floors": [3, 2, 1], "tag": null,
 "units": [
  {"id": "${u1}", "name": "1单元", "building": false, "floors": [
    {"floor": 3, "rooms": [{"place_id": "${d301}", "room": "301", "empty": false, "people": 2,
      "households": [{"id": "${h2}", "head_name": "李*英", "member_count": 2, "kind": "resident"}],
      "tags": ["dibao", "party_member", "minor", "community_correction"], "match": "!"}]},
    {"floor": 2, "rooms": []},
    {"floor": 1, "rooms": [{"room": "101", "area": 56.5, "households": [{"head_name": "王*国", "member_count": 1, "kind": "registered"}],
      "tags": ["elderly_alone", "aged80"]}]}]},
  {"id": "${u2}", "name": "2单元", "floors": [{"floor": 3, "rooms": []}, {"floor": 2, "rooms": [{"room": "201", "empty": true, "households": [], "tags": []}]}, {"floor": 1, "rooms": []}]}],
 "legend": [{"id": "elderly_alone", "name": "独居老人", "people": 1, "rooms": 1},
            {"id": "aged80", "people": 1, "rooms": 1},
            {"id": "dibao", "households": 1, "people": 0, "rooms": 1},
            {"id": "party_member", "people": 1, "rooms": 1},
            {"id": "minor", "people": 1, "rooms": 1},
            {"id": "community_correction", "restricted": true, "people": 1, "rooms": 1}],
 "counts": {"rooms": 3, "empty": 1, "households": 2, "people": 3, "matching": "!"}}

# the filter flags the rooms that match and counts them
GET /api/v1/places/${b}/diagram?tag=aged80
expect 200
{"tag": "aged80", "counts": {"matching": 1},
 "units": [{"floors": [{"rooms": [{"room": "301", "match": false}]}, {"rooms": []}, {"rooms": [{"room": "101", "match": true}]}]}, {"floors": [{}, {"rooms": [{"match": false}]}, {}]}]}

GET /api/v1/places/${b}/diagram?tag=no_such_tag
expect 400
{"error": {"code": "people.tag_not_found", "field": "tag"}}

# a diagram is for a building
GET /api/v1/places/${cp}/diagram
expect 400
{"error": {"code": "people.diagram_kind", "field": "id"}}

GET /api/v1/places/01ZZZZZZZZZZZZZZZZZZZZZZZZ/diagram
expect 404

# the grid worker may not see 社区矫正: not on the room, not in the legend, not as a filter
login grid1
GET /api/v1/places/${b}/diagram
expect 200
{"units": [{"floors": [{"rooms": [{"room": "301", "tags": ["dibao", "party_member", "minor"]}]}, {}, {}]}, {}],
 "legend": [{"id": "elderly_alone"}, {"id": "aged80"}, {"id": "dibao"}, {"id": "party_member"}, {"id": "minor"}]}

GET /api/v1/places/${b}/diagram?tag=community_correction
expect 400
{"error": {"code": "people.tag_not_found", "field": "tag"}}

# outside the caller's places: refused; no account without people.read
login cadre2
GET /api/v1/places/${b}/diagram
expect 403

login admin
GET /api/v1/places/${b}/diagram
expect 403
