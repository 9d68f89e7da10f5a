# a resident's own account (role resident: requests.submit over their place): submits over
# their own place only (source resident, reporter_user_id set), lists only their own,
# rates and reopens their own as the tracking code allows, and is no staff

login resident1
GET /api/v1/me
expect 200
capture me = .user.id

POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "title": "<b>电线</b>", "description": "院墙外的电线垂下来了"}
expect 201
{"id": "*", "tracking_code": "*", "status": "submitted", "title": "<b>电线</b>", "place_name": "秦家山村", "actions": []}

capture mine = .id
capture code = .tracking_code

# another village: not theirs
POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101205", "description": "冯村的电线"}
expect 403

# bad input: a group of categories, a retired-or-unknown one, a missing required attribute,
# a choice not in its list, too long, a source they cannot set, a staff's upload
POST /api/v1/me/requests
{"category_id": "env", "place_id": "140406101204"}
expect 400
{"error": {"code": "requests.category_not_leaf", "field": "category_id"}}

POST /api/v1/me/requests
{"category_id": "nope", "place_id": "140406101204"}
expect 400
{"error": {"code": "requests.category_not_found", "field": "category_id"}}

POST /api/v1/me/requests
{"category_id": "elderly", "place_id": "140406101204"}
expect 400
{"error": {"code": "requests.attribute_required", "field": "attributes.alone"}}

POST /api/v1/me/requests
{"category_id": "elderly", "place_id": "140406101204", "attributes": {"alone": "也许"}}
expect 400
{"error": {"code": "requests.attribute_choice", "field": "attributes.alone"}}

POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_phone"}
expect 400
{"error": {"code": "json.unknown_field", "field": "source"}}

POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "contact_phone": "12345"}
expect 400
{"error": {"field": "contact_phone"}}

sql SELECT 'n=' || count(*) FROM requests
stdout ~ n=1

sql SELECT source || '/' || CASE WHEN reporter_user_id IS NULL THEN 'none' ELSE 'set' END FROM requests
stdout ~ resident/set

# someone else's request: a neighbour on the public form, and staff intake
as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "别人的"}
expect 201

capture other_code = .tracking_code

login cadre1
POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_phone"}
expect 201

capture other = .id

GET /api/v1/requests?sort=created
expect 200
{"total": 3, "items": [{"id": "${mine}", "source": "resident"}, {"source": "public"}, {"source": "staff_phone"}]}

# only their own
login resident1
GET /api/v1/me/requests
expect 200
{"total": 1, "items": [{"id": "${mine}", "tracking_code": "${code}", "category_id": "wires", "category_name": "电线乱搭", "place_name": "秦家山村", "status": "submitted", "satisfaction": null}]}

GET /api/v1/me/requests?status=closed
expect 200
{"total": 0, "items": []}

GET /api/v1/me/requests?status=nope
expect 400
{"error": {"code": "requests.status", "field": "status"}}

GET /api/v1/me/requests/${other}
expect 404
{"error": {"code": "requests.not_found"}}

POST /api/v1/me/requests/${other}/actions
{"action": "rate", "satisfaction": 5}
expect 404
{"error": {"code": "requests.not_found"}}

# no staff's lists, requests or actions
GET /api/v1/requests
expect 403

GET /api/v1/requests/${mine}
expect 403

POST /api/v1/requests/${mine}/actions
{"action": "sign"}
expect 403

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_phone"}
expect 403

GET /api/v1/requests/rates
expect 403

# too early to rate; a staff's action is not theirs
POST /api/v1/me/requests/${mine}/actions
{"action": "rate", "satisfaction": 5}
expect 409
{"error": {"code": "requests.state"}}

POST /api/v1/me/requests/${mine}/actions
{"action": "close"}
expect 400
{"error": {"code": "requests.action", "field": "action"}}

# staff see the resident as the reporter and work it
login cadre1
POST /api/v1/requests/${mine}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${mine}/actions
{"action": "resolve", "reply": "已请供电所重新架线"}
expect 200
{"status": "resolved"}

login resident1
GET /api/v1/me/requests/${mine}
expect 200
{"id": "${mine}", "status": "resolved", "reply": "已请供电所重新架线", "actions": ["rate", "reopen"], "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "sign"}, {"action": "resolve"}]}

POST /api/v1/me/requests/${mine}/actions
{"action": "rate", "satisfaction": 6}
expect 400
{"error": {"field": "satisfaction"}}

POST /api/v1/me/requests/${mine}/actions
{"action": "rate", "satisfaction": 3, "comment": "线还是低"}
expect 200
{"status": "resolved", "satisfaction": 3, "actions": ["reopen"]}

POST /api/v1/me/requests/${mine}/actions
{"action": "rate", "satisfaction": 5}
expect 409
{"error": {"code": "requests.rated"}}

POST /api/v1/me/requests/${mine}/actions
{"action": "reopen"}
expect 400
{"error": {"code": "requests.reason_required", "field": "reason"}}

POST /api/v1/me/requests/${mine}/actions
{"action": "reopen", "reason": "又垂下来了"}
expect 200
{"status": "in_progress", "satisfaction": null}

GET /api/v1/me/requests
expect 200
{"total": 1, "items": [{"id": "${mine}", "status": "in_progress"}]}

# the timeline names the resident's account, not "public"
login cadre1
GET /api/v1/requests/${mine}
expect 200
{"source": "resident", "timeline": [{"action": "submit", "actor_kind": "user", "actor_id": "${me}"}, {"action": "route"}, {"action": "sign"}, {"action": "resolve"}, {"action": "rate", "actor_id": "${me}"}, {"action": "reopen", "actor_id": "${me}"}]}

# without an account: none
as anon
GET /api/v1/me/requests
expect 401
