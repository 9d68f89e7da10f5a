# Places made by hand under a village: compound → building → unit → dwelling, a rural house
# under the village; each a ULID id with the village's path, region and history; the kinds
# table decides what hangs where; a place is read with its ancestors and children.

# cadre1 is the branch secretary of 秦家山村 (140406101204): places.write over it
login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区",
 "lat": 36.3383215, "lng": 113.2265, "geojson": {"type": "Polygon",
 "coordinates": [[[113.2260, 36.3380], [113.2270, 36.3380], [113.2270, 36.3386],
                  [113.2260, 36.3386], [113.2260, 36.3380]]]}}
expect 201
Location: /api/v1/places/
ETag: "1"
{"kind": "compound", "name": "和平小区", "tree": "physical", "status": "active",
 "parent_id": "140406101204", "region": "140406", "depth": 5, "version": 1, "code": null,
 "gpath": null, "lat": 36.3383215, "lng": 113.2265, "virtual": false, "zone": false,
 "geojson": {"type": "Polygon", "coordinates": [[[113.226, 36.338], "*", "*", "*", "*"]]},
 "floor": null, "room": null, "area": null}

capture compound = .id
capture cpath = .path

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "1号楼"}
expect 201
{"kind": "building", "name": "1号楼", "depth": 6, "path": "~${compound}/"}

capture building = .id

POST /api/v1/places
{"parent_id": "${building}", "kind": "unit", "name": "1单元"}
expect 201
capture unit = .id

# a flat: floor, room, area (m², two decimals); a basement is a negative floor
POST /api/v1/places
{"parent_id": "${unit}", "kind": "dwelling", "name": "301", "floor": 3, "room": "301",
 "area": 86.5}
expect 201
{"kind": "dwelling", "floor": 3, "room": "301", "area": 86.50, "depth": 8}

capture flat = .id

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "地下室1", "floor": -1}
expect 201
{"floor": -1, "area": null}

# a rural house: a dwelling right under the village, its house number in room
POST /api/v1/places
{"parent_id": "140406101204", "kind": "dwelling", "name": "王家院", "room": "前街12号",
 "area": 180.25}
expect 201
{"kind": "dwelling", "room": "前街12号", "area": 180.25, "depth": 5}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "后沟"}
expect 201
capture nv = .id

POST /api/v1/places
{"parent_id": "${nv}", "kind": "group", "name": "第三村民小组"}
expect 201

# one place with its breadcrumb (the town and above are not cadre1's to read) and its
# children by kind
GET /api/v1/places/${compound}
expect 200
ETag: "1"
{"id": "${compound}", "children": {"building": 1},
 "ancestors": [{"id": "140000000000", "kind": "province", "readable": false},
               {"id": "140400000000", "readable": false},
               {"id": "140406000000", "name": "潞城区", "readable": false},
               {"id": "140406101000", "name": "微子镇", "readable": false},
               {"id": "140406101204", "name": "秦家山村", "kind": "village", "readable": true}]}

GET /api/v1/places/140406101204
expect 200
{"children": {"compound": 1, "dwelling": 1, "natural_village": 1}, "nbs_name": "秦家山村村委会"}

GET /api/v1/places/${building}
expect 200
{"children": {"dwelling": 1, "unit": 1}, "ancestors": [{}, {}, {}, {}, {}, {"id": "${compound}"}]}

# the history of a place starts with its creation
GET /api/v1/places/${flat}/history
expect 200
{"items": [{"action": "create", "place_id": "${flat}", "before": null,
            "after": {"kind": "dwelling", "name": "301", "parent_id": "${unit}", "floor": 3,
                      "room": "301", "area": 86.50},
            "actor_kind": "user", "actor_name": "cadre1", "request_id": "*"}],
 "total": 1}

GET /api/v1/places/${compound}/history
expect 200
{"items": [{"action": "create", "after": {"geojson": "~sha256:", "lat": 36.3383215}}]}

# the list: filters by kind and tree, q, the new places in cadre1's subtree
GET /api/v1/places?kind=dwelling
expect 200
{"total": 3}

GET /api/v1/places?parent=140406101204&sort=name
expect 200
{"items": [{"name": "后沟"}, {"name": "和平小区"}, {"name": "王家院"}], "total": 3}

GET /api/v1/places?tree=physical&q=单元
expect 200
{"items": [{"id": "${unit}"}], "total": 1}

GET /api/v1/places?tree=grid
expect 200
{"items": [], "total": 0}

# the kinds, for the console's forms
GET /api/v1/places/kinds
expect 200
{"items": [{"kind": "province", "parents": [], "nbs": true}, "?", "?", "?", "?", "?", "?", "?",
           "?", "?", "?",
           {"kind": "dwelling", "label": "户室", "parents": ["unit", "building", "village",
            "natural_village", "group"], "attrs": ["floor", "room", "area"]},
           {"kind": "grid", "tree": "grid", "parents": ["village", "community"]},
           {"kind": "micro_grid", "parents": ["grid"]}]}

# creating is audited, in the county's chain
login auditor
GET /api/v1/audit?entity=places&entity_id=${flat}
expect 200
{"items": [{"action": "create", "region": "140406", "actor_name": "cadre1",
            "changes": {"before": null, "after": {"name": "301"}}}], "total": 1}

# outside one's places: 403, and nothing made
login cadre2
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "别人家的小区"}
expect 403
{"error": {"code": "auth.forbidden"}}

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "2号楼"}
expect 403

# reading is permission too: the grid worker of 秦家山村 reads, but may not write
login grid1
GET /api/v1/places/${flat}
expect 200
{"name": "301"}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "网格员的小区"}
expect 403

login cadre1
GET /api/v1/places?kind=compound
expect 200
{"total": 1}
