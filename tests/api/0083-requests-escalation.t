# escalation: a missed response deadline climbs one rung (grid worker → group leader, vacant
# here, so the area leader); after a restart the job, reading only the stored instants,
# climbs on for the missed resolution deadline and every period since — to the town at
# most; a resolved request climbs no more

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture g = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "东沟"}
expect 201

capture east = .id

PUT /api/v1/places/${g}/coverage
{"place_ids": ["${east}"]}
expect 200

POST /api/v1/duties
{"role": "grid_worker", "place_id": "${g}", "user_login": "grid1", "from_date": "2025-01-01"}
expect 201

POST /api/v1/duties
{"role": "area_leader", "place_id": "${east}", "user_login": "cadre2", "from_date": "2025-01-01"}
expect 201

capture da = .id

POST /api/v1/requests
{"category_id": "parking.blocking", "place_id": "${east}", "source": "staff_phone"}
expect 201
{"handler_role": "grid_worker", "handler_name": "*", "escalation_level": 0}

capture q = .id

POST /api/v1/requests
{"category_id": "wires", "place_id": "${east}", "source": "staff_phone"}
expect 201

capture done = .id

login grid1
POST /api/v1/requests/${done}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${done}/actions
{"action": "resolve", "reply": "已整理"}
expect 200

sql UPDATE requests SET response_due_at = '2026-01-01T00:00:00.000Z'
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.escalate' AND state = 'queued'

login cadre1
poll GET /api/v1/requests/${q}
expect 200
{"escalation_level": 1, "handler_role": "area_leader", "handler_duty_id": "${da}", "handler_name": "*"}

GET /api/v1/requests/${q}
expect 200
{"timeline": [{"action": "submit"}, {"action": "route"}, {"action": "escalate", "actor_kind": "system", "data": {"from_role": "grid_worker", "level": 1, "vacant": ["group_leader"], "role": "area_leader"}}]}

GET /api/v1/requests/${done}
expect 200
{"escalation_level": 0, "handler_role": "grid_worker"}

restart

sql UPDATE requests SET resolution_due_at = '2026-01-01T00:00:00.000Z'
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.escalate' AND state = 'queued'

poll GET /api/v1/requests/${q}
expect 200
{"escalation_level": 6, "handler_role": "town", "handler_duty_id": null, "overdue": true}

GET /api/v1/requests/${done}
expect 200
{"escalation_level": 0, "status": "resolved"}

sql SELECT 'escalations=' || count(*) FROM request_events WHERE action = 'escalate'
stdout ~ escalations=2

# the same from the command line: nothing more to climb now
cli request escalate
expect exit 0
stdout ~ 0 requests escalated

cli request categories
expect exit 0
stdout ~ municipal.manhole
stdout ~ 窨井盖破损  1h / 24h  area_leader
