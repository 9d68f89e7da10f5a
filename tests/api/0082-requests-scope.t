# requests in scope: a grid worker granted one grid sees and works the requests at the
# places it covers, not the rest of the village; the village's cadre sees the village's,
# the next village's cadre none; the town's leader all; mine and overdue; the grid worker
# may not supervise

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture g = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "东沟"}
expect 201

capture east = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "西沟"}
expect 201

capture west = .id

PUT /api/v1/places/${g}/coverage
{"place_ids": ["${east}"]}
expect 200

login admin
POST /api/v1/users
{"login": "gw2", "name": "网格员丙", "place_id": "${g}", "password": "${password}"}
expect 201

capture gw2 = .id

login security
POST /api/v1/grants
{"user_id": "${gw2}", "role_id": "grid_worker", "place_id": "${g}"}
expect 201

login cadre1
POST /api/v1/duties
{"role": "grid_worker", "place_id": "${g}", "user_id": "${gw2}", "from_date": "2025-01-01"}
expect 201

POST /api/v1/requests
{"category_id": "parking.blocking", "place_id": "${east}", "source": "staff_visit", "title": "东沟路口堵车"}
expect 201
{"handler_name": "网格员丙", "handler_user_id": "${gw2}"}

capture qe = .id

POST /api/v1/requests
{"category_id": "parking.blocking", "place_id": "${west}", "source": "staff_visit", "title": "西沟路口堵车"}
expect 201
{"handler_role": "town", "handler_user_id": null}

capture qw = .id

# the grid worker: what their grid covers, nothing else
login gw2
GET /api/v1/requests
expect 200
{"total": 1, "items": [{"id": "${qe}", "place_name": "东沟"}]}

GET /api/v1/requests?mine=1
expect 200
{"total": 1}

GET /api/v1/requests/${qw}
expect 403

POST /api/v1/requests/${qw}/actions
{"action": "sign"}
expect 403

POST /api/v1/requests
{"category_id": "parking.blocking", "place_id": "${west}", "source": "staff_visit"}
expect 403

GET /api/v1/requests/${qe}
expect 200
{"actions": ["sign", "send_back", "comment"]}

POST /api/v1/requests/${qe}/actions
{"action": "supervise", "note": "快"}
expect 403
{"error": {"code": "requests.not_allowed"}}

# the village's cadre sees both; the next village's none; the town's leader both
login cadre1
GET /api/v1/requests
expect 200
{"total": 2}

GET /api/v1/requests?place=${west}
expect 200
{"total": 1, "items": [{"id": "${qw}"}]}

GET /api/v1/requests?mine=1
expect 200
{"total": 0}

login cadre2
GET /api/v1/requests
expect 200
{"total": 0}

GET /api/v1/requests?place=${east}
expect 200
{"total": 0}

login leader
GET /api/v1/requests?category=parking
expect 200
{"total": 2}

GET /api/v1/requests?status=submitted&category=parking.blocking
expect 200
{"total": 2}

# overdue: the response deadline passed without a signature
sql UPDATE requests SET response_due_at = '2026-01-01T00:00:00.000Z' WHERE id = '${qe}'

GET /api/v1/requests?overdue=1
expect 200
{"total": 1, "items": [{"id": "${qe}", "overdue": true}]}

login gw2
POST /api/v1/requests/${qe}/actions
{"action": "sign"}
expect 200
{"status": "signed_for"}

login leader
GET /api/v1/requests?overdue=1
expect 200
{"total": 0}
