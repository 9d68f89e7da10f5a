# duties: give, refuse what cannot be (overlap, ends before it starts, wrong kind of place,
# unknown holder), edit with If-Match, end, hand over with history, and the chain of a
# household on a day in the past

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "一组"}
expect 201

capture grp = .id

POST /api/v1/households
{"place_id": "${grp}", "address": "一组1号"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "李建国", "relation": "head"}
expect 201

capture li = .id

GET /api/v1/duties/roles
expect 200
{"items": [{"id": "village_liaison", "name": "包村干部", "exclusive": true}, {"id": "first_secretary"}, {"id": "branch_secretary", "kinds": ["village", "community"]}, {"id": "area_leader"}, {"id": "group_leader"}, {"id": "grid_worker"}, {"id": "building_leader"}, {"id": "party_contact", "exclusive": false}]}

# the village's branch secretary since 2021, an account
POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01", "to_date": "2026-02-28"}
expect 201
{"role": "branch_secretary", "role_name": "村党支部书记", "holder_name": "~", "user_login": "cadre1", "from_date": "2021-05-01", "to_date": "2026-02-28", "version": 1, "place_name": "秦家山村"}

capture sec = .id

# a second holder of an exclusive role on a day the first holds it
POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "person_id": "${li}", "from_date": "2026-02-01"}
expect 409
{"error": {"code": "duties.overlap", "field": "from_date", "message": "~2021-05-01 to 2026-02-28"}}

# the day after it ends is free
POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "person_id": "${li}", "from_date": "2026-03-01"}
expect 201
{"holder_name": "李建国", "person_id": "${li}", "user_id": null}

capture sec2 = .id

# ends before it starts
POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "person_id": "${li}", "from_date": "2026-03-01", "to_date": "2026-02-01"}
expect 400
{"error": {"code": "duties.dates", "field": "to_date"}}

# not a date
POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "person_id": "${li}", "from_date": "2026-02-30"}
expect 400
{"error": {"code": "json.date", "field": "from_date"}}

# a grid worker is not held over a group
POST /api/v1/duties
{"role": "grid_worker", "place_id": "${grp}", "person_id": "${li}", "from_date": "2026-03-01"}
expect 400
{"error": {"code": "duties.role_kind", "field": "role"}}

POST /api/v1/duties
{"role": "mayor", "place_id": "${grp}", "person_id": "${li}", "from_date": "2026-03-01"}
expect 400
{"error": {"code": "duties.role", "field": "role"}}

POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "from_date": "2026-03-01"}
expect 400
{"error": {"code": "duties.holder_required"}}

POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "user_login": "nobody", "from_date": "2026-03-01"}
expect 400
{"error": {"code": "duties.user_not_found", "field": "user_login"}}

POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "person_id": "01JAAAAAAAAAAAAAAAAAAAAAAA", "from_date": "2026-03-01"}
expect 400
{"error": {"code": "duties.person_not_found", "field": "person_id"}}

POST /api/v1/duties
{"role": "group_leader", "place_id": "01JAAAAAAAAAAAAAAAAAAAAAAA", "person_id": "${li}", "from_date": "2026-03-01"}
expect 404
{"error": {"code": "places.not_found"}}

# the group leader, then handed over on 2026-03-04
POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "person_id": "${li}", "from_date": "2025-01-01"}
expect 201

capture gl = .id

PATCH /api/v1/duties/${gl}
If-Match: "7"
{"note": "村民推选"}
expect 412

PATCH /api/v1/duties/${gl}
If-Match: "1"
{"note": "村民推选"}
expect 200
{"note": "村民推选", "version": 2}

PATCH /api/v1/duties/${gl}
{"to_date": "2024-12-01"}
expect 400
{"error": {"code": "duties.dates", "field": "to_date"}}

POST /api/v1/duties/${gl}/handover
{"user_login": "grid1", "date": "2025-01-01"}
expect 400
{"error": {"code": "duties.handover_date", "field": "date"}}

POST /api/v1/duties/${gl}/handover
{"user_login": "grid1", "date": "2026-03-04"}
expect 201
{"ended": {"id": "${gl}", "to_date": "2026-03-03", "next_id": "*"}, "started": {"from_date": "2026-03-04", "to_date": null, "prev_id": "${gl}", "user_login": "grid1"}}

capture gl2 = .started.id

POST /api/v1/duties/${gl}/end
{"to_date": "2026-03-05"}
expect 409
{"error": {"code": "duties.ended"}}

# who answered for the household on 3 March, and on 4 March
GET /api/v1/households/${hh}/chain?on=2026-03-03
expect 200
{"on": "2026-03-03", "items": [{"id": "${gl}", "role": "group_leader", "holder_name": "李建国"}, {"id": "${sec2}", "role": "branch_secretary"}]}

GET /api/v1/households/${hh}/chain?on=2026-03-04
expect 200
{"items": [{"id": "${gl2}", "role": "group_leader", "user_login": "grid1"}, {"id": "${sec2}"}]}

GET /api/v1/households/${hh}/chain?on=2026-02-15
expect 200
{"items": [{"id": "${gl}"}, {"id": "${sec}", "user_login": "cadre1"}]}

GET /api/v1/places/${grp}/chain?on=2020-01-01
expect 200
{"items": []}

GET /api/v1/households/${hh}/chain?on=2026-3-3
expect 400
{"error": {"code": "json.date", "field": "on"}}

# the history of the place: every holder, ended ones too
GET /api/v1/duties?place=140406101204&role=group_leader&sort=from_date
expect 200
{"total": 2, "items": [{"id": "${gl}", "to_date": "2026-03-03"}, {"id": "${gl2}"}]}

GET /api/v1/duties?place=140406101204&active_on=2026-03-03
expect 200
{"total": 2}

GET /api/v1/duties/${gl2}
expect 200
{"prev_id": "${gl}", "households": []}

POST /api/v1/duties/${gl2}/end
{"to_date": "2026-01-01"}
expect 400
{"error": {"code": "duties.dates", "field": "to_date"}}

POST /api/v1/duties/${gl2}/end
{"to_date": "2026-12-31"}
expect 200
{"to_date": "2026-12-31", "version": 2}

# a party member linked to households, only under the duty's place
POST /api/v1/duties
{"role": "party_contact", "place_id": "${grp}", "person_id": "${li}", "from_date": "2026-01-01", "household_ids": ["${hh}"]}
expect 201
{"households": [{"id": "${hh}", "address": "一组1号"}]}

capture pc = .id

POST /api/v1/duties
{"role": "group_leader", "place_id": "${grp}", "person_id": "${li}", "from_date": "2027-01-01", "household_ids": ["${hh}"]}
expect 400
{"error": {"code": "duties.households", "field": "household_ids"}}

GET /api/v1/households/${hh}/chain?on=2026-03-04
expect 200
{"items": [{"id": "${pc}", "role": "party_contact"}, {"id": "${gl2}"}, {"id": "${sec2}"}]}

# every change audited
login auditor
GET /api/v1/audit?entity=duties
expect 200
{"total": 8}
