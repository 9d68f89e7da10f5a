# Moving a place moves its subtree (path and depth of every descendant) in one go; a move
# under itself or a descendant, under a kind it may not hang under, of an NBS unit, or to
# a parent outside the caller's places is refused and changes nothing.

login leader
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "东小区"}
expect 201
capture east = .id

POST /api/v1/places
{"parent_id": "140406101205", "kind": "compound", "name": "西小区"}
expect 201
capture west = .id

POST /api/v1/places
{"parent_id": "${east}", "kind": "building", "name": "3号楼"}
expect 201
capture b3 = .id

POST /api/v1/places
{"parent_id": "${b3}", "kind": "unit", "name": "2单元"}
expect 201
capture u2 = .id

POST /api/v1/places
{"parent_id": "${u2}", "kind": "dwelling", "name": "502", "floor": 5}
expect 201
capture d502 = .id

# under itself, under its own descendant
POST /api/v1/places/${east}/move
{"parent_id": "${east}"}
expect 400
{"error": {"code": "places.move_cycle", "field": "parent_id"}}

POST /api/v1/places/${b3}/move
{"parent_id": "${u2}"}
expect 400
{"error": {"code": "places.move_cycle", "field": "parent_id",
           "message": "'3号楼' cannot move under itself or its own descendant '2单元'"}}

# a kind that may not hang there
POST /api/v1/places/${b3}/move
{"parent_id": "140406101000"}
expect 400
{"error": {"code": "places.parent_kind", "field": "parent_id"}}

POST /api/v1/places/${u2}/move
{"parent_id": "${west}"}
expect 400
{"error": {"code": "places.parent_kind", "field": "parent_id",
           "message": "a unit (单元) cannot hang under a compound (小区)"}}

# an NBS unit moves with the import only
POST /api/v1/places/140406101204/move
{"parent_id": "140406101000"}
expect 400
{"error": {"code": "places.move_nbs"}}

# nothing of that changed anything
GET /api/v1/places/${d502}
expect 200
{"path": "~/140406101204/${east}/${b3}/${u2}/${d502}/", "depth": 8, "version": 1}

# the building moves to the other village's compound, with its unit and dwelling
GET /api/v1/places/${b3}
expect 200
ETag: "1"

POST /api/v1/places/${b3}/move
If-Match: "1"
{"parent_id": "${west}"}
expect 200
ETag: "2"
{"id": "${b3}", "parent_id": "${west}", "path": "~/140406101205/${west}/${b3}/", "depth": 6,
 "version": 2}

GET /api/v1/places/${d502}
expect 200
{"path": "~/140406101205/${west}/${b3}/${u2}/${d502}/", "depth": 8}

GET /api/v1/places/${u2}
expect 200
{"path": "~/140406101205/${west}/${b3}/${u2}/", "depth": 7}

GET /api/v1/places/${east}
expect 200
{"children": {}}

GET /api/v1/places/${west}
expect 200
{"children": {"building": 1}}

GET /api/v1/places/${b3}/history
expect 200
{"items": [{"action": "move", "before": {"parent_id": "${east}", "path": "~/${east}/${b3}/"},
            "after": {"parent_id": "${west}", "path": "~/${west}/${b3}/"}},
           {"action": "create"}]}

# a stale If-Match
POST /api/v1/places/${b3}/move
If-Match: "1"
{"parent_id": "${east}"}
expect 412

# a building may hang right under a village too; moving to where it is changes nothing
POST /api/v1/places/${b3}/move
{"parent_id": "140406101205"}
expect 200
{"depth": 5, "version": 3}

POST /api/v1/places/${b3}/move
{"parent_id": "140406101205"}
expect 200
{"version": 3}

# the secretary of 冯村 now sees the building, 秦家山村's does not
login cadre2
GET /api/v1/places/${d502}
expect 200

GET /api/v1/places?kind=dwelling
expect 200
{"items": [{"id": "${d502}"}], "total": 1}

login cadre1
GET /api/v1/places/${d502}
expect 403

GET /api/v1/places?kind=dwelling
expect 200
{"total": 0}

# a move needs places.write over the place and over the new parent
POST /api/v1/places
{"parent_id": "140406101204", "kind": "building", "name": "5号楼"}
expect 201
capture b5 = .id

POST /api/v1/places/${b5}/move
{"parent_id": "${west}"}
expect 403

POST /api/v1/places/${b3}/move
{"parent_id": "${east}"}
expect 403

GET /api/v1/places/${b5}
expect 200
{"parent_id": "140406101204", "version": 1}
