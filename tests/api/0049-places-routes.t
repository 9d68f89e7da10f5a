# The places routes as `cunwu routes` lists them (each with its permission and how its
# place is found), a retried create done once (a phone on a weak signal), and an API token
# of a grid worker, whose grant is over a grid, reaching what the grid covers.

cli routes
expect exit 0
stdout !~ UNDECLARED
stdout ~ POST    /api/v1/places                     places     places.write           body parent_id
stdout ~ PATCH   /api/v1/places/:id                 places     places.write           param :id is a place
stdout ~ POST    /api/v1/places/:id/move            places     places.write           param :id is a place
stdout ~ PUT     /api/v1/places/:id/coverage        places     places.write           param :id is a place
stdout ~ GET     /api/v1/places/:id/history         places     places.read            param :id is a place
stdout ~ GET     /api/v1/places/:id/grid            places     places.read            param :id is a place

as anon
GET /api/v1/places/140406101204/history
expect 401

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "x"}
expect 401

# places.write is granted to the registry's keepers, not to every role
sql SELECT 'keepers=' || count(*) || ';' FROM role_perms WHERE perm = 'places.write' AND role_id IN ('sysadmin', 'town_leader', 'branch_secretary', 'committee_director', 'civil_affairs')
stdout ~ keepers=5;

sql SELECT 'others=' || count(*) || ';' FROM role_perms WHERE perm = 'places.write' AND role_id NOT IN ('sysadmin', 'town_leader', 'branch_secretary', 'committee_director', 'civil_affairs')
stdout ~ others=0;

login cadre1
POST /api/v1/places
Idempotency-Key: new-compound-0001
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201
!Idempotent-Replayed:

capture compound = .id

POST /api/v1/places
Idempotency-Key: new-compound-0001
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201
Idempotent-Replayed: true
{"id": "${compound}"}

GET /api/v1/places?kind=compound
expect 200
{"total": 1}

POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture grid = .id

PUT /api/v1/places/${grid}/coverage
{"place_ids": ["${compound}"]}
expect 200

# a grid worker with a grant over the grid, through an API token
login admin
POST /api/v1/users
{"login": "gw1", "name": "网格员", "place_id": "${grid}", "password": "${password}"}
expect 201

capture gw1 = .id

login security
POST /api/v1/grants
{"user_id": "${gw1}", "role_id": "grid_worker", "place_id": "${grid}"}
expect 201

login gw1
POST /api/v1/tokens
{"name": "手机"}
expect 201

capture token = .token

as bearer ${token}
GET /api/v1/places/${compound}
expect 200
{"name": "和平小区", "gpath": "~/${grid}/"}

GET /api/v1/places
expect 200
{"total": 2}

GET /api/v1/places/140406101204
expect 403

GET /api/v1/me
expect 200
{"grants": [{"role_id": "grid_worker", "place_id": "${grid}", "place_name": "第一网格"}]}
