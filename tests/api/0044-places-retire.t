# Retiring and restoring places: not while active children remain; a retired place is
# still readable (with its history) but hidden from lists unless asked for; it cannot be
# edited or get children; restoring needs an active parent. An NBS unit's code moves
# aside while it is retired.

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "旧小区"}
expect 201
capture compound = .id

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "1号楼"}
expect 201
capture building = .id

POST /api/v1/places/${compound}/retire
expect 409
{"error": {"code": "places.has_children", "message": "~'1号楼'"}}

GET /api/v1/places/${compound}
expect 200
{"status": "active", "version": 1}

POST /api/v1/places/${building}/retire
If-Match: "1"
expect 200
ETag: "2"
{"status": "retired", "retired_at": "*", "version": 2}

POST /api/v1/places/${building}/retire
expect 409
{"error": {"code": "places.retired"}}

POST /api/v1/places/${compound}/retire
expect 200
{"status": "retired"}

# lists hide the retired unless asked
GET /api/v1/places?parent=140406101204
expect 200
{"total": 0}

GET /api/v1/places?parent=140406101204&status=retired
expect 200
{"items": [{"id": "${compound}", "status": "retired"}], "total": 1}

GET /api/v1/places?kind=building&status=all
expect 200
{"items": [{"id": "${building}"}], "total": 1}

GET /api/v1/places/140406101204
expect 200
{"children": {}}

# a retired place is read as it was, but not edited, moved or built on
GET /api/v1/places/${building}
expect 200
{"name": "1号楼", "status": "retired"}

PATCH /api/v1/places/${building}
{"name": "一号楼"}
expect 409
{"error": {"code": "places.retired"}}

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "2号楼"}
expect 409
{"error": {"code": "places.retired", "field": "parent_id"}}

# restoring a child of a retired place: its parent first
POST /api/v1/places/${building}/restore
expect 409
{"error": {"code": "places.retired", "message": "~restore it first"}}

POST /api/v1/places/${compound}/restore
expect 200
{"status": "active", "retired_at": null}

POST /api/v1/places/${compound}/restore
expect 409
{"error": {"code": "places.active"}}

POST /api/v1/places/${building}/restore
expect 200
{"status": "active"}

GET /api/v1/places/${building}/history
expect 200
{"items": [{"action": "restore", "before": {"status": "retired"}, "after": {"status": "active"}},
           {"action": "retire", "before": {"status": "active"}, "after": {"status": "retired"}},
           {"action": "create"}],
 "total": 3}

# an NBS unit: its code moves to retired_code, and back
login leader
POST /api/v1/places/140406101230/retire
expect 200
{"id": "140406101230", "code": null, "retired_code": "140406101230", "status": "retired"}

GET /api/v1/places?kind=village
expect 200
{"total": 17}

# the cockpit counts active villages, and drills down into active physical places only
GET /api/v1/cockpit?place=140406101000
expect 200
{"tiles": [{"key": "accounts.users", "children": [{"place_id": "140406101204"}, "?", "?", "?",
                                                  "?", "?", "?", "?", "?", "?", "?", "?",
                                                  "?", "?", "?", "?", "?"]},
           {"key": "places.villages", "value": 17}, "..."]}

POST /api/v1/places/140406101230/restore
expect 200
{"code": "140406101230", "retired_code": null, "status": "active"}

GET /api/v1/places/140406101230/history
expect 200
{"items": [{"action": "restore", "after": {"code": "140406101230"}},
           {"action": "retire", "before": {"code": "140406101230"}, "after": {"code": null}}]}

# retiring the town with 18 active villages: no
POST /api/v1/places/140406101000/retire
expect 409
{"error": {"code": "places.has_children"}}

# outside one's places
login cadre2
POST /api/v1/places/${building}/retire
expect 403

POST /api/v1/places/${building}/restore
expect 403

# the grid worker reads, but does not retire
login grid1
POST /api/v1/places/${building}/retire
expect 403
