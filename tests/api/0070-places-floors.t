# a building's floors: a dwelling under it (directly or in a unit) must be on one of them,
# and the floors cannot be lowered below a dwelling; both refused with places.floor_outside

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "楼层小区"}
expect 201
capture cp = .id

POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "1号楼", "floors": 0}
expect 400
{"error": {"code": "places.floors_invalid", "field": "floors"}}

POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "1号楼", "floors": "six"}
expect 400
{"error": {"code": "places.floors_invalid", "field": "floors"}}

POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "1号楼", "basements": 10}
expect 400
{"error": {"code": "places.floors_invalid", "field": "basements"}}

# floors belong to buildings only
POST /api/v1/places
{"parent_id": "${cp}", "kind": "dwelling", "name": "1", "floors": 6}
expect 400
{"error": {"code": "places.attr_kind", "field": "floors"}}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "层数小区", "floors": 6}
expect 400
{"error": {"code": "places.attr_kind", "field": "floors"}}

POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "1号楼", "floors": 6, "basements": 1}
expect 201
{"floors": 6, "basements": 1}

capture b = .id

POST /api/v1/places
{"parent_id": "${b}", "kind": "unit", "name": "1单元"}
expect 201
capture u = .id

# a dwelling in the unit above the top floor, on floor 0, or below the basement
POST /api/v1/places
{"parent_id": "${u}", "kind": "dwelling", "name": "701", "floor": 7, "room": "701"}
expect 400
{"error": {"code": "places.floor_outside", "field": "floor", "message": "~-1–6"}}

POST /api/v1/places
{"parent_id": "${u}", "kind": "dwelling", "name": "001", "floor": 0, "room": "001"}
expect 400
{"error": {"code": "places.floor_outside", "field": "floor"}}

POST /api/v1/places
{"parent_id": "${b}", "kind": "dwelling", "name": "B201", "floor": -2, "room": "B201"}
expect 400
{"error": {"code": "places.floor_outside", "field": "floor"}}

POST /api/v1/places
{"parent_id": "${b}", "kind": "dwelling", "name": "B101", "floor": -1, "room": "B101"}
expect 201

POST /api/v1/places
{"parent_id": "${u}", "kind": "dwelling", "name": "601", "floor": 6, "room": "601"}
expect 201
{"floor": 6}

capture d = .id

# nothing was half-written: the refused dwellings are not there
GET /api/v1/places?parent=${u}
expect 200
{"items": [{"name": "601"}]}

# editing the dwelling up a floor too many
PATCH /api/v1/places/${d}
{"floor": 9}
expect 400
{"error": {"code": "places.floor_outside", "field": "floor"}}

# lowering the building below the dwelling on floor 6, or taking its basement away
PATCH /api/v1/places/${b}
{"floors": 5}
expect 409
{"error": {"code": "places.floor_outside", "field": "floors", "message": "~'601'"}}

PATCH /api/v1/places/${b}
{"basements": 0}
expect 409
{"error": {"code": "places.floor_outside", "field": "basements"}}

GET /api/v1/places/${b}
expect 200
{"floors": 6, "basements": 1}

# raising it is fine, and history records it
PATCH /api/v1/places/${b}
{"floors": 7}
expect 200
{"floors": 7}

GET /api/v1/places/${b}/history
expect 200
{"items": [{"action": "edit", "before": {"floors": 6}, "after": {"floors": 7}}, "..."]}

# a unit moved into a lower building brings its flats along: refused
POST /api/v1/places
{"parent_id": "${cp}", "kind": "building", "name": "2号楼", "floors": 3}
expect 201
capture b2 = .id

POST /api/v1/places/${u}/move
{"parent_id": "${b2}"}
expect 400
{"error": {"code": "places.floor_outside", "field": "parent_id"}}

# a building without floors checks nothing; the kinds say who carries floors
GET /api/v1/places/kinds
expect 200
{"items": [{"kind": "province"}, "..."]}

# the CLI takes --floors and --basements
cli places add --parent ${cp} --kind building --name 3号楼 --floors 4 --basements 0
expect exit 0
cli places add --parent ${cp} --kind building --name 4号楼 --floors 0
expect exit 2
