# The cockpit: one tile per module the caller may see, over a place and each child place.

login leader
GET /api/v1/cockpit
expect 200
{"place": {"id": "140406101000", "name": "微子镇", "kind": "town"},
 "tiles": [{"key": "accounts.users", "unit": "人", "value": 8,
            "children": [{"place_id": "140406101204", "name": "秦家山村", "value": 3},
                         {"place_id": "140406101205", "name": "冯村", "value": 1},
                         {"value": 0}, {"value": 0}, {"value": 0}, {"value": 0},
                         {"value": 0}, {"value": 0}, {"value": 0}, {"value": 0},
                         {"value": 0}, {"value": 0}, {"value": 0}, {"value": 0},
                         {"value": 0}, {"value": 0}, {"value": 0},
                         {"place_id": "140406101230", "name": "李园村", "value": 0}]},
           {"key": "places.villages", "unit": "个", "value": 18,
            "children": [{"place_id": "140406101204", "value": 1},
                         {"value": 1}, {"value": 1}, {"value": 1}, {"value": 1},
                         {"value": 1}, {"value": 1}, {"value": 1}, {"value": 1},
                         {"value": 1}, {"value": 1}, {"value": 1}, {"value": 1},
                         {"value": 1}, {"value": 1}, {"value": 1}, {"value": 1},
                         {"place_id": "140406101230", "value": 1}]},
           {"key": "people.persons", "unit": "人", "value": 0},
           {"key": "people.households", "unit": "户", "value": 0},
           {"key": "people.elderly_alone", "unit": "人", "value": 0},
           {"key": "duties.coverage", "unit": "%", "value": 100},
           {"key": "duties.uncovered", "unit": "户", "value": 0},
           {"key": "requests.open", "unit": "件", "value": 0},
           {"key": "requests.overdue", "unit": "件", "value": 0},
           {"key": "imports.persons_30d", "unit": "人", "value": 0}]}

# one village, drilled down from the town
GET /api/v1/cockpit?place=140406101204
expect 200
{"place": {"id": "140406101204", "name": "秦家山村", "kind": "village"},
 "tiles": [{"key": "accounts.users", "value": 3, "children": []},
           {"key": "places.villages", "value": 1, "children": []}, "..."]}

# above the leader's town, or nowhere
GET /api/v1/cockpit?place=140406000000
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/cockpit?place=140406999999
expect 404
{"error": {"code": "places.not_found"}}

# a branch secretary sees their village, without the accounts tile (no accounts.users.read)
login cadre1
GET /api/v1/cockpit
expect 200
{"place": {"id": "140406101204"},
 "tiles": [{"key": "places.villages", "value": 1, "children": []},
           {"key": "people.persons"}, {"key": "people.households"},
           {"key": "people.elderly_alone"}, {"key": "duties.coverage"},
           {"key": "duties.uncovered"}, {"key": "requests.open"},
           {"key": "requests.overdue"}, {"key": "imports.persons_30d"}]}

GET /api/v1/cockpit?place=140406101205
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/cockpit?place=140406101000
expect 403
{"error": {"code": "auth.forbidden"}}

# a grid worker and a resident have no cockpit
login grid1
GET /api/v1/cockpit
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/cockpit?place=140406101204
expect 403
{"error": {"code": "auth.forbidden"}}

login resident1
GET /api/v1/cockpit
expect 403
{"error": {"code": "auth.forbidden"}}

as anon
GET /api/v1/cockpit
expect 401
{"error": {"code": "auth.required"}}
