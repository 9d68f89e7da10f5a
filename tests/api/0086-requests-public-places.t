# the public form's place picker without an account (GET /api/v1/public/places): the towns,
# then what lies under a place that a resident may pick — never a unit or a dwelling (a
# home), a retired place, a grid or anything above the town; and the tracking page's
# actions: what the reporter may do now (rate once, reopen within requests.reopen_days)

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "一组"}
expect 201

capture grp = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201

capture compound = .id

POST /api/v1/places
{"parent_id": "${compound}", "kind": "building", "name": "1号楼"}
expect 201

capture building = .id

POST /api/v1/places
{"parent_id": "${building}", "kind": "unit", "name": "1单元"}
expect 201

POST /api/v1/places
{"parent_id": "140406101204", "kind": "dwelling", "name": "王家院", "room": "前街12号"}
expect 201

capture house = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "二组"}
expect 201

capture gone = .id

POST /api/v1/places/${gone}/retire
expect 200

as anon
GET /api/v1/public/places
expect 200
{"items": [{"id": "140406101000", "name": "微子镇", "kind": "town", "children": 18}]}

GET /api/v1/public/places?parent=140406101204
expect 200
{"items": [{"id": "${grp}", "name": "一组", "kind": "group", "children": 0, "path": "!"}, {"id": "${compound}", "name": "和平小区", "kind": "compound", "children": 1}]}

GET /api/v1/public/places?parent=${compound}
expect 200
{"items": [{"id": "${building}", "name": "1号楼", "kind": "building", "children": 0}]}

GET /api/v1/public/places?parent=${building}
expect 200
{"items": []}

# a home, a retired place, the county above the town, no such place
GET /api/v1/public/places?parent=${house}
expect 400
{"error": {"code": "requests.public_place", "field": "parent"}}

GET /api/v1/public/places?parent=${gone}
expect 400
{"error": {"code": "requests.public_place", "field": "parent"}}

GET /api/v1/public/places?parent=140406000000
expect 400
{"error": {"code": "requests.public_place", "field": "parent"}}

GET /api/v1/public/places?parent=nosuch
expect 400
{"error": {"code": "requests.public_place", "field": "parent"}}

# the tracking page says what the reporter may do
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "${building}", "description": "楼道电线乱搭"}
expect 201

capture code = .tracking_code

GET /api/v1/public/requests/${code}
expect 200
{"status": "submitted", "actions": []}

login cadre1
GET /api/v1/requests
expect 200
{"total": 1}

capture q = .items[0].id

POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "已清理"}
expect 200

as anon
GET /api/v1/public/requests/${code}
expect 200
{"status": "resolved", "reply": "已清理", "actions": ["rate", "reopen"]}

POST /api/v1/public/requests/${code}/actions
{"action": "rate", "satisfaction": 5, "comment": "快"}
expect 200
{"satisfaction": 5, "actions": ["reopen"]}

# past the days to reopen
sql UPDATE requests SET resolved_at = '2020-01-01T00:00:00.000Z'
GET /api/v1/public/requests/${code}
expect 200
{"actions": []}
