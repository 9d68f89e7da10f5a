# Bad input to the places routes: each is a 400 (or 404) naming the field at fault, and
# nothing is written.

login leader
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201
capture compound = .id

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "1号楼"}
expect 201
capture building = .id

# the body's own fields
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound"}
expect 400
{"error": {"code": "json.required", "field": "name"}}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": ""}
expect 400
{"error": {"field": "name"}}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "x", "colour": "red"}
expect 400
{"error": {"code": "json.unknown_field", "field": "colour"}}

POST /api/v1/places
{"kind": "compound", "name": "x"}
expect 400
{"error": {"code": "json.required", "field": "parent_id"}}

POST /api/v1/places
{"parent_id": "140406999999", "kind": "compound", "name": "x"}
expect 404
{"error": {"code": "places.not_found", "field": "parent_id"}}

# kinds: unknown, an NBS unit, one that may not hang there
POST /api/v1/places
{"parent_id": "140406101204", "kind": "castle", "name": "x"}
expect 400
{"error": {"code": "places.kind_unknown", "field": "kind"}}

POST /api/v1/places
{"parent_id": "140406101000", "kind": "village", "name": "新村"}
expect 400
{"error": {"code": "places.kind_nbs", "field": "kind", "message": "~NBS import"}}

POST /api/v1/places
{"parent_id": "140406101000", "kind": "building", "name": "镇政府楼"}
expect 400
{"error": {"code": "places.parent_kind", "field": "parent_id",
           "message": "a building (楼栋) cannot hang under a town (乡镇街道)"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "compound", "name": "x"}
expect 400
{"error": {"code": "places.parent_kind", "field": "parent_id"}}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "micro_grid", "name": "x"}
expect 400
{"error": {"code": "places.parent_kind", "field": "parent_id"}}

# dwelling attributes belong to dwellings
POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "2号楼", "floor": 3}
expect 400
{"error": {"code": "places.attr_kind", "field": "floor"}}

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "2号楼", "area": 12}
expect 400
{"error": {"code": "places.attr_kind", "field": "area"}}

# values
POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "floor": 1.5}
expect 400
{"error": {"code": "places.floor_invalid", "field": "floor"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "floor": 300}
expect 400
{"error": {"code": "places.floor_invalid", "field": "floor"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "room": 101}
expect 400
{"error": {"code": "places.room_invalid", "field": "room"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "room": ""}
expect 400
{"error": {"code": "places.room_invalid", "field": "room"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "area": 86.555}
expect 400
{"error": {"code": "places.area_invalid", "field": "area"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "area": 0}
expect 400
{"error": {"code": "places.area_invalid", "field": "area"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "area": "86.5"}
expect 400
{"error": {"code": "places.area_invalid", "field": "area"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "lat": 36.3}
expect 400
{"error": {"code": "places.lat_lng_pair", "field": "lng"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "lng": 113.2}
expect 400
{"error": {"code": "places.lat_lng_pair", "field": "lat"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "lat": 91, "lng": 113.2}
expect 400
{"error": {"code": "places.lat_invalid", "field": "lat"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "lat": 36, "lng": 180.5}
expect 400
{"error": {"code": "places.lng_invalid", "field": "lng"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "lat": 36.123456789,
 "lng": 113}
expect 400
{"error": {"code": "places.lat_invalid", "field": "lat", "message": "~7 decimals"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101",
 "geojson": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}}
expect 400
{"error": {"code": "places.geojson_invalid", "field": "geojson", "message": "~not closed"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101",
 "geojson": {"type": "Point", "coordinates": [113, 36]}}
expect 400
{"error": {"code": "places.geojson_invalid", "field": "geojson"}}

POST /api/v1/places
{"parent_id": "${building}", "kind": "dwelling", "name": "101", "geojson": "POLYGON((0 0))"}
expect 400
{"error": {"code": "places.geojson_invalid", "field": "geojson"}}

# the list's filters
GET /api/v1/places?tree=forest
expect 400
{"error": {"code": "places.filter_invalid", "field": "tree"}}

GET /api/v1/places?status=lost
expect 400
{"error": {"code": "places.filter_invalid", "field": "status"}}

GET /api/v1/places?kind=castle
expect 400
{"error": {"code": "places.kind_unknown", "field": "kind"}}

GET /api/v1/places?sort=path
expect 400
{"error": {"code": "http.sort", "field": "sort"}}

# PATCH: nothing to change, a bad name, a read-only field
PATCH /api/v1/places/${building}
{}
expect 400
{"error": {"code": "json.empty"}}

PATCH /api/v1/places/${building}
{"name": ""}
expect 400
{"error": {"field": "name"}}

PATCH /api/v1/places/${building}
{"kind": "compound"}
expect 400
{"error": {"code": "json.unknown_field", "field": "kind"}}

PATCH /api/v1/places/${building}
{"floor": 2}
expect 400
{"error": {"code": "places.attr_kind", "field": "floor"}}

# moves: a missing parent, a bad body
POST /api/v1/places/${building}/move
{}
expect 400
{"error": {"code": "json.required", "field": "parent_id"}}

POST /api/v1/places/${building}/move
{"parent_id": "140406999999"}
expect 404
{"error": {"code": "places.not_found", "field": "parent_id"}}

# nothing of that was written: two places, two history rows
GET /api/v1/places?parent=${compound}
expect 200
{"items": [{"id": "${building}", "version": 1}], "total": 1}

GET /api/v1/places/${compound}
expect 200
{"children": {"building": 1}}

login auditor
GET /api/v1/audit?entity=places&sort=-seq
expect 200
{"items": [{"action": "create", "entity_id": "${building}"},
           {"action": "create", "entity_id": "${compound}"}, "..."]}
