# 三员分立 beyond grants: the system administrator cannot take over the security
# administrator's or the auditor's account, and no one grants a role to themselves.
login auditor
GET /api/v1/me
expect 200
capture auditor_id = .user.id

login security
GET /api/v1/me
expect 200
capture security_id = .user.id

login cadre1
GET /api/v1/me
expect 200
capture cadre1_id = .user.id

# the sysadmin may not reset the auditor's password, nor disable the security admin
login admin
PUT /api/v1/users/${auditor_id}/password
{"password": "Another-pass-456"}
expect 403
{"error": {"code": "accounts.separation_of_duties"}}

GET /api/v1/users/${security_id}
expect 200
capture v = .version

PATCH /api/v1/users/${security_id}
If-Match: "${v}"
{"disabled": true}
expect 403
{"error": {"code": "accounts.separation_of_duties"}}

# the auditor still signs in with the old password: nothing changed
login auditor
GET /api/v1/me
expect 200
{"user": {"login": "auditor", "disabled": false}}

# the sysadmin may still reset an ordinary account
as admin
PUT /api/v1/users/${cadre1_id}/password
{"password": "Another-pass-456"}
expect 204

# the security administrator may not grant itself a role with data access
as security
POST /api/v1/grants
{"user_id": "${security_id}", "role_id": "town_leader", "place_id": "140406101000"}
expect 403
{"error": {"code": "accounts.self_grant", "field": "user_id"}}

GET /api/v1/users/${security_id}/grants
expect 200
{"items": [{"role_id": "secadmin"}]}
