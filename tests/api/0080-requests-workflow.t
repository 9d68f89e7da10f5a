# requests: the categories, staff intake routed to the grid worker holding the category's
# role over the place, the whole way (sign, start, resolve with a reply, follow-up by
# someone else, close) on the timeline; the public form, its tracking page without personal
# data; send back and reroute up the ladder; no holder: the next rung up

GET /api/v1/request-categories
expect 200
{"items": [{"id": "env", "name": "环境卫生", "children": [{"id": "env.dumping", "name": "垃圾乱倒", "duty_role": "grid_worker", "response_hours": 4, "resolution_hours": 48, "attributes": [{"key": "kind", "required": true}, "..."]}, "..."]}, "..."]}

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

POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01"}
expect 201

capture ds = .id

# a phone call: routed to the grid worker of the grid covering 东沟
POST /api/v1/requests
{"category_id": "env.dumping", "place_id": "${east}", "title": "路口有人倒<b>建筑垃圾</b>", "description": "<script>alert(1)</script> 东沟村口", "source": "staff_phone", "contact_name": "王大妈", "contact_phone": "13912345678", "attributes": {"kind": "建筑垃圾", "amount": 2}}
expect 201
{"status": "submitted", "handler_duty_id": "${dg}", "handler_name": "?", "handler_role": "grid_worker", "title": "路口有人倒<b>建筑垃圾</b>", "description": "<script>alert(1)</script> 东沟村口", "contact_phone": "139****5678", "attributes": {"kind": "建筑垃圾", "amount": 2}, "tracking_code": "*", "overdue": false, "actions": ["sign", "assign", "supervise", "classify", "merge", "comment"], "timeline": [{"action": "submit", "status_after": "submitted", "actor_name": "cadre1"}, {"action": "route", "data": {"role": "grid_worker", "duty_id": "${dg}", "vacant": []}}]}

capture q = .id
capture code = .tracking_code

# cadre1 is a leader, not the handler: they may not start or resolve it
POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "好"}
expect 409
{"error": {"code": "requests.state", "field": "action"}}

login grid1
GET /api/v1/requests?mine=1
expect 200
{"total": 1, "items": [{"id": "${q}", "status": "submitted"}]}

POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200
{"status": "signed_for", "signed_at": "*", "actions": ["start", "resolve", "send_back", "request_extension", "comment"]}

POST /api/v1/requests/${q}/actions
{"action": "start"}
expect 200
{"status": "in_progress"}

# a reply is required
POST /api/v1/requests/${q}/actions
{"action": "resolve"}
expect 400
{"error": {"code": "requests.reply_required", "field": "reply"}}

POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "已联系保洁清运"}
expect 200
{"status": "resolved", "reply": "已联系保洁清运", "resolved_at": "*"}

# the handler may not follow up their own work
POST /api/v1/requests/${q}/actions
{"action": "follow_up", "satisfaction": 5}
expect 403
{"error": {"code": "requests.follow_up_self"}}

login cadre1
POST /api/v1/requests/${q}/actions
{"action": "follow_up", "satisfaction": 9}
expect 400
{"error": {"field": "satisfaction"}}

POST /api/v1/requests/${q}/actions
{"action": "follow_up", "satisfaction": 4, "comment": "清了，还想装个监控"}
expect 200
{"status": "followed_up", "satisfaction": 4, "satisfaction_note": "清了，还想装个监控"}

# a second rating
POST /api/v1/requests/${q}/actions
{"action": "follow_up", "satisfaction": 5}
expect 409
{"error": {"code": "requests.state"}}

POST /api/v1/requests/${q}/actions
{"action": "classify", "reasonable": true}
expect 200
{"reasonable": true}

POST /api/v1/requests/${q}/actions
{"action": "close"}
expect 200
{"status": "closed", "closed_at": "*", "actions": ["reopen", "classify", "comment"], "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "sign", "actor_name": "grid1"}, {"action": "start"}, {"action": "resolve", "note": "已联系保洁清运"}, {"action": "follow_up", "data": {"satisfaction": 4}}, {"action": "classify"}, {"action": "close", "status_before": "followed_up", "status_after": "closed"}]}

# a reply on a closed request
login grid1
POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "再答复一次"}
expect 409
{"error": {"code": "requests.state", "field": "action"}}

# the tracking page: the status and steps, nothing personal (nor the classing)
as anon
GET /api/v1/public/requests/${code}
expect 200
{"status": "closed", "category_name": "垃圾乱倒", "reply": "已联系保洁清运", "satisfaction": 4, "title": "!", "description": "!", "contact_phone": "!", "contact_name": "!", "timeline": [{"action": "submit", "status": "submitted", "actor_name": "!", "note": "!"}, {"action": "route"}, {"action": "sign"}, {"action": "start"}, {"action": "resolve"}, {"action": "follow_up"}, {"action": "close", "status": "closed"}]}

GET /api/v1/public/requests/0000000000
expect 404
{"error": {"code": "requests.not_found"}}

GET /api/v1/public/requests/not-a-code
expect 404

# the public form: no account, contact optional, the tracking code back
POST /api/v1/public/requests
{"category_id": "heating.cold", "place_id": "${east}", "description": "家里只有十五度", "attributes": {"temperature": 15, "rooms": ["客厅", "卧室"]}}
expect 201
{"tracking_code": "*", "status": "submitted", "id": "!"}

capture code2 = .tracking_code

GET /api/v1/public/requests/${code2}
expect 200
{"status": "submitted", "category_name": "不热", "timeline": [{"action": "submit"}, {"action": "route"}]}

# nobody is 片长 (area_leader) of 东沟, nor 组长 above it: the branch secretary has it
login cadre1
GET /api/v1/requests?category=heating
expect 200
{"total": 1, "items": [{"handler_role": "branch_secretary", "handler_duty_id": "${ds}", "source": "public", "contact_phone": null}]}

capture q2 = .items[0].id

GET /api/v1/requests/${q2}
expect 200
{"timeline": [{"action": "submit", "actor_kind": "public"}, {"action": "route", "data": {"role": "branch_secretary", "vacant": ["area_leader"]}}]}

# sent back with a reason, then rerouted a rung up: the town
POST /api/v1/requests/${q2}/actions
{"action": "send_back"}
expect 400
{"error": {"code": "requests.reason_required", "field": "reason"}}

POST /api/v1/requests/${q2}/actions
{"action": "send_back", "reason": "供暖归热力公司"}
expect 200
{"status": "sent_back"}

POST /api/v1/requests/${q2}/actions
{"action": "reroute", "note": "转镇里协调热力公司"}
expect 200
{"status": "submitted", "handler_role": "town", "handler_duty_id": null, "handler_rung": 4}

# supervised by the town leader; an extension asked and approved
login leader
POST /api/v1/requests/${q2}/actions
{"action": "supervise", "note": "三天内答复"}
expect 200
{"supervised": true}

POST /api/v1/requests/${q2}/actions
{"action": "sign"}
expect 200
{"status": "signed_for", "handler_user_id": "*", "handler_name": "*"}

POST /api/v1/requests/${q2}/actions
{"action": "request_extension", "reason": "等热力公司换阀门", "hours": 24}
expect 200
{"extension_hours": 24}

POST /api/v1/requests/${q2}/actions
{"action": "request_extension", "reason": "再等等", "hours": 24}
expect 409
{"error": {"code": "requests.extension_pending"}}

POST /api/v1/requests/${q2}/actions
{"action": "approve_extension"}
expect 200
{"extension_hours": null, "resolution_due_at": "*"}

POST /api/v1/requests/${q2}/actions
{"action": "fly"}
expect 400
{"error": {"code": "requests.action", "field": "action"}}

# the three rates over the village: both signed in time, the one owed resolved, satisfied
login cadre1
GET /api/v1/requests/rates?place=140406101204
expect 200
{"total": {"requests": 2, "unreasonable": 0, "responded_permille": 1000, "resolved_permille": 1000, "satisfied_permille": 1000, "avg_response_minutes": 0}, "weeks": [{"week": "*", "requests": 2}]}

GET /api/v1/requests/rates?category=heating
expect 200
{"total": {"requests": 1, "resolved_permille": null, "satisfied_permille": null}}

GET /api/v1/requests/rates?from=2026-03-01&to=2025-03-01
expect 400
{"error": {"code": "requests.range", "field": "to"}}

GET /api/v1/requests/rates?from=yesterday
expect 400
{"error": {"code": "json.date", "field": "from"}}

# the cockpit: one open (the heating one), none overdue
login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons"}, {"key": "people.households"}, {"key": "people.elderly_alone"}, {"key": "duties.coverage"}, {"key": "duties.uncovered"}, {"key": "requests.open", "value": 1}, {"key": "requests.overdue", "value": 0}, "..."]}
