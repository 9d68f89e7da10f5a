# the reporter, known by the tracking code: rates the answer once (then neither they nor the
# follow-up call rate again), reopens it within requests.reopen_days, and nothing else; the
# public list without personal data

as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "巷子里电线垂到头顶", "contact_phone": "13912345678"}
expect 201

capture code = .tracking_code

POST /api/v1/public/requests/${code}/actions
{"action": "rate", "satisfaction": 5}
expect 409
{"error": {"code": "requests.state"}}

login cadre1
GET /api/v1/requests
expect 200
{"total": 1, "items": [{"handler_role": "town", "handler_user_id": null, "contact_phone": "139****5678", "source": "public"}]}

capture q = .items[0].id

POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200
{"status": "signed_for", "handler_user_id": "*"}

POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "已请供电所重新架线"}
expect 200
{"status": "resolved"}

as anon
POST /api/v1/public/requests/${code}/actions
{"action": "close"}
expect 400
{"error": {"code": "requests.action", "field": "action"}}

POST /api/v1/public/requests/${code}/actions
{"action": "rate", "satisfaction": 0}
expect 400
{"error": {"field": "satisfaction"}}

POST /api/v1/public/requests/${code}/actions
{"action": "rate", "satisfaction": 2, "comment": "线还是低"}
expect 200
{"status": "resolved", "satisfaction": 2, "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "sign"}, {"action": "resolve"}, {"action": "rate", "status": "resolved"}]}

# a second rating, from the resident or the follow-up call
POST /api/v1/public/requests/${code}/actions
{"action": "rate", "satisfaction": 4}
expect 409
{"error": {"code": "requests.rated", "field": "satisfaction"}}

login grid1
POST /api/v1/requests/${q}/actions
{"action": "follow_up", "satisfaction": 4}
expect 409
{"error": {"code": "requests.rated"}}

GET /api/v1/requests/${q}
expect 200
{"satisfaction": 2, "satisfaction_note": "线还是低", "timeline": [{"action": "submit", "actor_kind": "public"}, {"action": "route"}, {"action": "sign"}, {"action": "resolve"}, {"action": "rate", "actor_kind": "public", "actor_name": null, "note": "线还是低", "data": {"satisfaction": 2}}]}

# reopened within the days: back to work, the rating cleared
as anon
POST /api/v1/public/requests/${code}/actions
{"action": "reopen"}
expect 400
{"error": {"code": "requests.reason_required", "field": "reason"}}

POST /api/v1/public/requests/${code}/actions
{"action": "reopen", "reason": "线又掉下来了"}
expect 200
{"status": "in_progress", "satisfaction": null, "resolved_at": null}

login cadre1
POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "供电所已换杆"}
expect 200
{"status": "resolved"}

# too late to reopen
sql UPDATE requests SET resolved_at = '2026-01-01T00:00:00.000Z' WHERE id = '${q}'

as anon
POST /api/v1/public/requests/${code}/actions
{"action": "reopen", "reason": "又掉了"}
expect 409
{"error": {"code": "requests.reopen_late"}}

POST /api/v1/public/requests/0000000000/actions
{"action": "rate", "satisfaction": 5}
expect 404
{"error": {"code": "requests.not_found"}}

GET /api/v1/public/requests/${code}
expect 200
{"status": "resolved", "reply": "供电所已换杆"}

# the public list: categories, places that are not homes, statuses and dates, nothing more
GET /api/v1/public/requests?place=140406101000
expect 200
{"total": 1, "items": [{"service_code": "wires", "service_name": "电线乱搭", "place_name": "秦家山村", "status": "closed", "detailed_status": "resolved", "requested_datetime": "*", "resolved_datetime": "*", "id": "!", "tracking_code": "!", "title": "!", "description": "!", "contact_phone": "!", "handler_name": "!", "reply": "!"}]}

GET /api/v1/public/requests?place=140406101000&status=open
expect 200
{"total": 0}

GET /api/v1/public/requests?place=140406101000&status=closed
expect 200
{"total": 1}

GET /api/v1/public/requests?place=140406101205
expect 200
{"total": 0}

GET /api/v1/public/requests?place=140406101204&status=followed_up
expect 200
{"total": 0}

GET /api/v1/public/requests
expect 400
{"error": {"code": "requests.public_place", "field": "place"}}

GET /api/v1/public/requests?place=140406000000
expect 400
{"error": {"code": "requests.public_place", "field": "place"}}
