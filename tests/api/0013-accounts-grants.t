# Grants and 三员分立: the security administrator grants roles, the system administrator
# cannot, and no account holds two of sysadmin, secadmin and auditor.

login security
GET /api/v1/users?q=auditor
expect 200

capture aud = .items[0].id

GET /api/v1/users?q=cadre2
expect 200

capture c2 = .items[0].id

GET /api/v1/users?q=admin
expect 200

capture adm = .items[0].id

# the auditor cannot also be system or security administrator
POST /api/v1/grants
{"user_id": "${aud}", "role_id": "sysadmin", "place_id": "140406101000"}
expect 409
{"error": {"code": "accounts.separation_of_duties", "field": "role_id"}}

POST /api/v1/grants
{"user_id": "${aud}", "role_id": "secadmin", "place_id": "140406101204"}
expect 409
{"error": {"code": "accounts.separation_of_duties"}}

# nor the system administrator auditor
POST /api/v1/grants
{"user_id": "${adm}", "role_id": "auditor", "place_id": "140406101000"}
expect 409
{"error": {"code": "accounts.separation_of_duties"}}

# the same role twice over the same place
POST /api/v1/grants
{"user_id": "${aud}", "role_id": "auditor", "place_id": "140406101000"}
expect 409
{"error": {"code": "accounts.grant_exists"}}

# bad references
POST /api/v1/grants
{"user_id": "${c2}", "role_id": "emperor", "place_id": "140406101204"}
expect 400
{"error": {"code": "accounts.role_not_found", "field": "role_id", "message": "~grid_worker, resident"}}

POST /api/v1/grants
{"user_id": "01BBBBBBBBBBBBBBBBBBBBBBBB", "role_id": "grid_worker", "place_id": "140406101204"}
expect 400
{"error": {"code": "accounts.user_not_found", "field": "user_id"}}

POST /api/v1/grants
{"user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406999999"}
expect 404
{"error": {"code": "places.not_found"}}

# a place above the security administrator's town
POST /api/v1/grants
{"user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406000000"}
expect 403
{"error": {"code": "auth.forbidden"}}

# the system administrator makes accounts but does not grant roles
login admin
POST /api/v1/grants
{"user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406101204"}
expect 403
{"error": {"code": "auth.forbidden", "message": "~accounts.grants.write"}}

# and the security administrator does not make accounts
login security
POST /api/v1/users
{"login": "sneaky", "name": "偷偷", "place_id": "140406101204", "password": "${password}"}
expect 403
{"error": {"code": "auth.forbidden"}}

# cadre2 (冯村) cannot see 秦家山村 ...
login cadre2
GET /api/v1/places/140406101204
expect 403

# ... until the security administrator makes them grid worker there
as security
POST /api/v1/grants
{"user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406101204"}
expect 201
{"id": "*", "user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406101204"}

capture gid = .id

GET /api/v1/users/${c2}/grants
expect 200
{"items": [{"role_id": "branch_secretary", "place_id": "140406101205"},
           {"id": "${gid}", "role_id": "grid_worker", "place_id": "140406101204",
            "place_name": "秦家山村"}]}

# the open session sees the new grant at once
as cadre2
GET /api/v1/places/140406101204
expect 200
{"name": "秦家山村"}

GET /api/v1/places
expect 200
{"total": 2}

GET /api/v1/me
expect 200
{"grants": [{"role_id": "branch_secretary"}, {"id": "${gid}", "role_id": "grid_worker"}]}

# withdrawing the grant ends the access
as security
DELETE /api/v1/grants/${gid}
expect 204

DELETE /api/v1/grants/${gid}
expect 404
{"error": {"code": "accounts.grant_not_found"}}

as cadre2
GET /api/v1/places/140406101204
expect 403
{"error": {"code": "auth.forbidden"}}

# the system administrator cannot withdraw grants either
GET /api/v1/me
expect 200

capture c2_grant = .grants[0].id

login admin
DELETE /api/v1/grants/${c2_grant}
expect 403
{"error": {"code": "auth.forbidden"}}

# roles are public knowledge to any signed-in user
login resident1
GET /api/v1/roles
expect 200
{"items": [{"id": "accountant", "builtin": true, "perms": ["cockpit.read", "media.read", "media.write", "places.read"]}, "..."]}

# the auditor reads both changes in the log
login auditor
GET /api/v1/audit?entity=grants&entity_id=${gid}&sort=seq
expect 200
{"items": [{"action": "create", "actor_name": "security",
            "changes": {"user_id": "${c2}", "role_id": "grid_worker", "place_id": "140406101204"}},
           {"action": "delete", "actor_name": "security"}],
 "total": 2}
