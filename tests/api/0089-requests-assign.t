# assigning by hand (派单): a leader sends a request to a named account holding
# requests.handle over its place (the accounts offered by …/assignees), an event on the
# timeline and a notice in that account's inbox; refused for an account without the
# permission there, a missing account, or a caller who is not a leader. A duty handed over
# moves its open requests to the successor (a reassign event each); finished ones stay.
# Notifications are not configured here: only inbox rows, nothing posted.

receiver start

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

capture dg = .id

POST /api/v1/requests
{"category_id": "wires", "place_id": "${east}", "title": "电线乱拉", "source": "staff_visit"}
expect 201
{"handler_name": "网格员", "handler_duty_id": "${dg}", "actions": ["sign", "assign", "..."]}

capture q = .id

# whom it may go to: the accounts handling requests over 东沟, the holder marked
GET /api/v1/requests/${q}/assignees
expect 200
{"items": [{"login": "cadre1", "name": "秦家山书记", "handler": false}, {"login": "grid1", "handler": true}, {"login": "leader", "name": "镇长", "handler": false}]}

capture leader_id = .items[2].id

login admin
GET /api/v1/users?q=cadre2
expect 200

capture cadre2_id = .items[0].id

GET /api/v1/users?q=resident1
expect 200

capture resident_id = .items[0].id

as cadre1
# refused: no account named, an account without requests.handle here, a resident
POST /api/v1/requests/${q}/actions
{"action": "assign"}
expect 400
{"error": {"code": "requests.assignee", "field": "assignee_id"}}

POST /api/v1/requests/${q}/actions
{"action": "assign", "assignee_id": "${cadre2_id}"}
expect 400
{"error": {"code": "requests.assignee", "field": "assignee_id"}}

POST /api/v1/requests/${q}/actions
{"action": "assign", "assignee_id": "${resident_id}"}
expect 400
{"error": {"code": "requests.assignee", "field": "assignee_id"}}

POST /api/v1/requests/${q}/actions
{"action": "assign", "assignee_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}
expect 400
{"error": {"code": "requests.assignee"}}

# the handler is not a leader: may not assign, nor see the list
login grid1
POST /api/v1/requests/${q}/actions
{"action": "assign", "assignee_id": "${leader_id}"}
expect 403
{"error": {"code": "requests.not_allowed"}}

GET /api/v1/requests/${q}/assignees
expect 403

# nothing was written by the refusals
GET /api/v1/requests/${q}
expect 200
{"handler_name": "网格员", "version": 1, "timeline": [{"action": "submit"}, {"action": "route"}]}

# 派单 to the town leader: submitted for them to sign, on the timeline, in their inbox
as cadre1
POST /api/v1/requests/${q}/actions
{"action": "assign", "assignee_id": "${leader_id}", "note": "请镇里协调供电所"}
expect 200
{"status": "submitted", "handler_user_id": "${leader_id}", "handler_name": "镇长", "handler_duty_id": null, "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "assign", "actor_name": "cadre1", "note": "请镇里协调供电所", "data": {"from_name": "网格员", "user_id": "${leader_id}", "name": "镇长"}}]}

# not configured: inbox rows only, nothing to send, nothing posted
GET /api/v1/requests/${q}/notifications
expect 200
{"items": [{"kind": "route", "channel": "inbox", "recipient_name": "网格员"}, {"kind": "assign", "channel": "inbox", "recipient_name": "镇长", "state": "sent", "body": "~cadre1将 东沟·电线乱搭：电线乱拉 派给镇长"}]}

cli request notify
stdout ~ 0 sent, 0 failed

received !~ POST

login leader
GET /api/v1/me/notifications
expect 200
{"total": 1, "items": [{"kind": "assign", "request_id": "${q}", "subject": "派单：电线乱拉", "read_at": null}]}

POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200
{"status": "signed_for", "handler_name": "镇长"}

# the grid worker's duty handed over (to the leader's account): open requests held by the
# duty go over, a resolved one stays
as cadre1
POST /api/v1/requests
{"category_id": "wires", "place_id": "${east}", "title": "电线又乱了", "source": "staff_visit"}
expect 201

capture q2 = .id

POST /api/v1/requests
{"category_id": "parking.blocking", "place_id": "${east}", "title": "车堵门口", "source": "staff_phone"}
expect 201

capture q3 = .id

as grid1
POST /api/v1/requests/${q2}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${q3}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${q3}/actions
{"action": "resolve", "reply": "已挪车"}
expect 200
{"status": "resolved"}

as cadre1
POST /api/v1/duties/${dg}/handover
{"user_login": "leader", "date": "2025-06-01", "note": "网格员调走"}
expect 201

capture dn = .started.id

GET /api/v1/requests/${q2}
expect 200
{"status": "signed_for", "handler_duty_id": "${dn}", "handler_user_id": "${leader_id}", "handler_name": "镇长", "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "sign"}, {"action": "reassign", "actor_name": "cadre1", "status_before": "signed_for", "status_after": "signed_for", "data": {"from_duty_id": "${dg}", "from_name": "网格员", "duty_id": "${dn}", "name": "镇长"}}]}

GET /api/v1/requests/${q3}
expect 200
{"status": "resolved", "handler_duty_id": "${dg}", "handler_name": "网格员"}

sql SELECT 'reassigned=' || count(*) FROM request_events WHERE action = 'reassign'
stdout ~ reassigned=1

sql SELECT 'audited=' || count(*) FROM audit_log WHERE entity = 'requests' AND action = 'reassign'
stdout ~ audited=1

as leader
GET /api/v1/me/notifications?unread=1
expect 200
{"total": 2, "items": [{"kind": "reassign", "request_id": "${q2}", "body": "~随职责交接转由镇长办理"}, {"kind": "assign"}]}
