# Grants over the management tree: a grid worker granted a grid sees exactly the grid, its
# micro-grids and the physical places they cover (lists, counts, single reads), and gets
# 403 elsewhere; a micro-grid's worker sees less; a village's cadre sees what its grids
# cover in a neighbouring village (two compounds governed jointly). Uncovering takes it away.

login leader
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture g1 = .id

POST /api/v1/places
{"parent_id": "${g1}", "kind": "micro_grid", "name": "第一微网格"}
expect 201

capture m1 = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201

capture a = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "东风小区"}
expect 201

capture d = .id

POST /api/v1/places
{"parent_id": "140406101205", "kind": "compound", "name": "新村小区"}
expect 201

capture b = .id

POST /api/v1/places
{"parent_id": "${a}", "kind": "building", "name": "A1"}
expect 201

capture a1 = .id

POST /api/v1/places
{"parent_id": "${a}", "kind": "building", "name": "A2"}
expect 201

capture a2 = .id

POST /api/v1/places
{"parent_id": "${a1}", "kind": "dwelling", "name": "101"}
expect 201

capture a1d = .id

POST /api/v1/places
{"parent_id": "${b}", "kind": "building", "name": "B1"}
expect 201

capture b1 = .id

PUT /api/v1/places/${g1}/coverage
{"place_ids": ["${a}", "${b}"]}
expect 200

PUT /api/v1/places/${m1}/coverage
{"place_ids": ["${a1}"]}
expect 200

# a grid worker of 第一网格 and one of 第一微网格
login admin
POST /api/v1/users
{"login": "gw1", "name": "网格员甲", "place_id": "${g1}", "password": "${password}"}
expect 201

capture gw1 = .id

POST /api/v1/users
{"login": "mw1", "name": "网格员乙", "place_id": "${m1}", "password": "${password}"}
expect 201

capture mw1 = .id

login security
POST /api/v1/grants
{"user_id": "${gw1}", "role_id": "grid_worker", "place_id": "${g1}"}
expect 201

POST /api/v1/grants
{"user_id": "${mw1}", "role_id": "grid_worker", "place_id": "${m1}"}
expect 201

# the grid worker: the grid, its micro-grid, the two compounds and what is in them (names
# sort by their bytes: 和 < 新 < 第)
login gw1
GET /api/v1/places?sort=depth,name
expect 200
{"items": [{"id": "${a}"}, {"id": "${b}"}, {"id": "${g1}"},
           {"id": "${a1}"}, {"id": "${a2}"}, {"id": "${b1}"}, {"id": "${m1}"},
           {"id": "${a1d}"}],
 "total": 8}

GET /api/v1/places?tree=physical
expect 200
{"total": 6}

GET /api/v1/places?kind=building&page_size=2
expect 200
{"items": ["*", "*"], "total": 3}

GET /api/v1/places?kind=compound
expect 200
{"total": 2}

GET /api/v1/places?parent=140406101205
expect 200
{"items": [{"id": "${b}"}], "total": 1}

GET /api/v1/places/${b1}
expect 200
{"name": "B1"}

GET /api/v1/places/${a1d}/history
expect 200
{"total": 1}

GET /api/v1/places/${a}
expect 200
{"children": {"building": 2},
 "ancestors": [{}, {}, {}, {"readable": false}, {"id": "140406101204", "readable": false}]}

GET /api/v1/places/${g1}/coverage
expect 200
{"items": [{"id": "${a}"}, {"id": "${b}"}]}

# …and nothing else
GET /api/v1/places/${d}
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/places/140406101204
expect 403

GET /api/v1/places/140406101205
expect 403

# a grid worker reads; keeping the registry is the cadres'
PATCH /api/v1/places/${a}
{"name": "和平"}
expect 403

# the micro-grid's worker: the micro-grid and the building it covers, with its dwelling
login mw1
GET /api/v1/places
expect 200
{"items": [{"id": "${m1}"}, {"id": "${a1}"}, {"id": "${a1d}"}], "total": 3}

GET /api/v1/places/${a2}
expect 403

GET /api/v1/places/${a}
expect 403

GET /api/v1/places/${g1}
expect 403

GET /api/v1/places/${a1d}/grid
expect 200
{"micro_grid": {"id": "${m1}"}}

# 秦家山村's secretary: his village, and through 第一网格 the compound of 冯村 it covers
login cadre1
GET /api/v1/places?kind=compound&sort=name
expect 200
{"items": [{"id": "${d}"}, {"id": "${a}"}, {"id": "${b}"}], "total": 3}

GET /api/v1/places/${b1}
expect 200

PATCH /api/v1/places/${b}
{"name": "新村"}
expect 200
{"name": "新村"}

GET /api/v1/places/140406101204
expect 200
{"children": {"compound": 2, "grid": 1}}

# 冯村's secretary has the compound by its place, and not 秦家山村's
login cadre2
GET /api/v1/places?kind=compound
expect 200
{"items": [{"id": "${b}"}], "total": 1}

GET /api/v1/places/${a}
expect 403

# uncovering takes it away
login leader
PUT /api/v1/places/${g1}/coverage
{"place_ids": ["${a}"]}
expect 200

login gw1
GET /api/v1/places/${b}
expect 403

GET /api/v1/places?tree=physical
expect 200
{"total": 4}

login cadre1
GET /api/v1/places?kind=compound
expect 200
{"total": 2}

GET /api/v1/places/${b1}
expect 403
