# A town's lists read requests newest first (requests_created, joins in a fixed order) and a
# village's public list starts from its places: each answers what the plain join answers —
# every request in scope, newest first, no other village's. Test of the plans of
# list_public and the inbox's wide scope (list_requests).
as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "一：村口电线垂下来"}
expect 201

sleep 5
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101205", "description": "二：冯村电线乱搭"}
expect 201

sleep 5
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101206", "description": "三：贾街学校门口电线"}
expect 201

# the town's public list: all three, newest first
GET /api/v1/public/requests?place=140406101000
expect 200
{"total": 3, "items": [{"place_name": "贾街村"}, {"place_name": "冯村"}, {"place_name": "秦家山村"}]}

# oldest first: the plain join, the same three reversed
GET /api/v1/public/requests?place=140406101000&sort=created
expect 200
{"total": 3, "items": [{"place_name": "秦家山村"}, {"place_name": "冯村"}, {"place_name": "贾街村"}]}

# a village's, from its places: its own only
GET /api/v1/public/requests?place=140406101204
expect 200
{"total": 1, "items": [{"place_name": "秦家山村"}]}

GET /api/v1/public/requests?place=140406101205
expect 200
{"total": 1, "items": [{"place_name": "冯村"}]}

# the town leader's inbox (a town's scope): newest first, every village
login leader
GET /api/v1/requests
expect 200
{"total": 3, "items": [{"description": "三：贾街学校门口电线"}, {"description": "二：冯村电线乱搭"}, {"description": "一：村口电线垂下来"}]}

GET /api/v1/requests?sort=created
expect 200
{"total": 3, "items": [{"description": "一：村口电线垂下来"}, {"description": "二：冯村电线乱搭"}, {"description": "三：贾街学校门口电线"}]}

GET /api/v1/requests?place=140406101205
expect 200
{"total": 1, "items": [{"description": "二：冯村电线乱搭"}]}

# a village's secretary (scope below a town): the plain plan, the village's own
login cadre1
GET /api/v1/requests
expect 200
{"total": 1, "items": [{"description": "一：村口电线垂下来"}]}
