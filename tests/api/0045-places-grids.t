# Grids and micro-grids: created like places under a village; a grid covers physical places
# of its town (one grid over two compounds of two villages, governed jointly); no place is
# covered by two grids of one level; a micro-grid covers only what its grid covers; the
# finest covering grid is each place's gpath, kept through new places, moves and uncovering.

login leader
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201
{"kind": "grid", "tree": "grid", "depth": 5, "path": "~/140406101204/", "gpath": null}

capture g1 = .id
capture g1path = .path

POST /api/v1/places
{"parent_id": "${g1}", "kind": "micro_grid", "name": "第一微网格"}
expect 201
{"kind": "micro_grid", "tree": "grid", "depth": 6, "path": "~/${g1}/"}

capture m1 = .id
capture m1path = .path

POST /api/v1/places
{"parent_id": "140406101205", "kind": "grid", "name": "冯村网格"}
expect 201
capture g2 = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "compound", "name": "和平小区"}
expect 201
capture a = .id

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
{"parent_id": "140406101205", "kind": "building", "name": "冯村1号楼"}
expect 201
capture c = .id

# a grid is a grid: under a village or a community only
POST /api/v1/places
{"parent_id": "${a}", "kind": "grid", "name": "小区网格"}
expect 400
{"error": {"code": "places.parent_kind"}}

# one grid over two compounds of two villages
PUT /api/v1/places/${g1}/coverage
If-Match: "1"
{"place_ids": ["${a}", "${b}"]}
expect 200
ETag: "3"
{"added": 2, "removed": 0, "items": [{"id": "${a}", "gpath": "${g1path}"},
                                     {"id": "${b}", "gpath": "${g1path}"}]}

GET /api/v1/places/${g1}/coverage
expect 200
{"items": [{"id": "${a}"}, {"id": "${b}"}]}

GET /api/v1/places/${g1}
expect 200
{"covers": 2, "children": {"micro_grid": 1}}

# the whole subtree is covered: gpath, and the grid of a place
GET /api/v1/places/${a1d}
expect 200
{"gpath": "${g1path}"}

GET /api/v1/places/${a1d}/grid
expect 200
{"grid": {"id": "${g1}", "name": "第一网格", "kind": "grid", "via": "${a}"}, "micro_grid": null}

GET /api/v1/places/${c}/grid
expect 200
{"grid": null, "micro_grid": null}

GET /api/v1/places/${c}
expect 200
{"gpath": null}

# no second grid of that level over it, over a place inside it, or over its village
PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${b}"]}
expect 409
{"error": {"code": "places.already_covered", "field": "place_ids",
           "message": "'新村小区' is already covered by 网格 '第一网格' (${g1})"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${c}", "${a1}"]}
expect 409
{"error": {"code": "places.already_covered", "message": "~'第一网格'"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["140406101205"]}
expect 409
{"error": {"code": "places.already_covered",
           "message": "'新村小区' inside '冯村' is already covered by 网格 '第一网格' (${g1})"}}

# nothing of those was kept: g2 covers nothing, c has no grid
GET /api/v1/places/${g2}/coverage
expect 200
{"items": []}

# a micro-grid covers a building of what its grid covers: the finer grid wins there
PUT /api/v1/places/${m1}/coverage
{"place_ids": ["${a1}"]}
expect 200
{"added": 1, "items": [{"id": "${a1}", "gpath": "${m1path}"}]}

GET /api/v1/places/${a1d}/grid
expect 200
{"grid": {"id": "${g1}", "via": "${a}"}, "micro_grid": {"id": "${m1}", "via": "${a1}"}}

GET /api/v1/places/${a1d}
expect 200
{"gpath": "${m1path}"}

GET /api/v1/places/${a2}
expect 200
{"gpath": "${g1path}"}

# …but nothing its grid does not cover
PUT /api/v1/places/${m1}/coverage
{"place_ids": ["${a1}", "${c}"]}
expect 409
{"error": {"code": "places.coverage_outside", "message": "~'第一微网格'"}}

# a new place under a covered one is covered too
POST /api/v1/places
{"parent_id": "${a2}", "kind": "dwelling", "name": "202"}
expect 201
{"gpath": "${g1path}"}

# only physical places below the town, active ones, and into a grid
PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${m1}"]}
expect 400
{"error": {"code": "places.not_coverable"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["140406101000"]}
expect 400
{"error": {"code": "places.not_coverable"}}

PUT /api/v1/places/${a}/coverage
{"place_ids": ["${c}"]}
expect 400
{"error": {"code": "places.not_a_grid"}}

GET /api/v1/places/${a}/coverage
expect 400
{"error": {"code": "places.not_a_grid"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${c}", "${c}"]}
expect 400
{"error": {"code": "places.duplicate", "field": "place_ids"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": "${c}"}
expect 400
{"error": {"field": "place_ids"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${c}"], "also": 1}
expect 400
{"error": {"code": "json.unknown_field"}}

PUT /api/v1/places/${g2}/coverage
{"place_ids": ["140406999999"]}
expect 404
{"error": {"code": "places.not_found", "field": "place_ids"}}

# a grid of another town covers nothing here: 翟店镇 comes in from the built-in codes
cli places import-nbs --under 140406102
expect exit 0
stdout ~ created

cli grid cover ${g2} 140406102200
expect exit 1
stderr ~ is not in the town of grid '冯村网格'

# the grid over the building outside 第一网格 is fine
PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${c}"]}
expect 200
{"added": 1}

# moves keep coverage whole: a covered building moved out of what its micro-grid's grid
# covers is refused; moved within it, it keeps its micro-grid
POST /api/v1/places/${a1}/move
{"parent_id": "140406101204"}
expect 409
{"error": {"code": "places.coverage_outside"}}

GET /api/v1/places/${a1d}
expect 200
{"gpath": "${m1path}", "path": "~/${a}/${a1}/${a1d}/"}

POST /api/v1/places/${a1}/move
{"parent_id": "${b}"}
expect 200
{"gpath": "${m1path}"}

# a building that was covered through its compound takes the grid of where it goes
POST /api/v1/places/${a2}/move
{"parent_id": "140406101205"}
expect 200
{"gpath": null}

POST /api/v1/places/${a2}/move
{"parent_id": "${a}"}
expect 200
{"gpath": "${g1path}"}

# a compound under a covered one's grid cannot be covered by a second grid after a move
POST /api/v1/places/${c}/move
{"parent_id": "${b}"}
expect 409
{"error": {"code": "places.already_covered"}}

# uncovering: not while a micro-grid covers inside; then the coarser grid takes over
PUT /api/v1/places/${g1}/coverage
{"place_ids": ["${a}"]}
expect 409
{"error": {"code": "places.micro_covers", "message": "~'第一微网格'"}}

PUT /api/v1/places/${m1}/coverage
{"place_ids": []}
expect 200
{"added": 0, "removed": 1, "items": []}

GET /api/v1/places/${a1d}
expect 200
{"gpath": "${g1path}"}

PUT /api/v1/places/${g1}/coverage
{"place_ids": ["${a}"]}
expect 200
{"added": 0, "removed": 1}

GET /api/v1/places/${a1d}
expect 200
{"gpath": null}

GET /api/v1/places/${a2}
expect 200
{"gpath": "${g1path}"}

# retiring: not a covered place, not a grid that covers, not a grid with micro-grids
POST /api/v1/places/${c}/retire
expect 409
{"error": {"code": "places.covered", "message": "~'冯村网格'"}}

POST /api/v1/places/${g2}/retire
expect 409
{"error": {"code": "places.grid_covers"}}

POST /api/v1/places/${g1}/retire
expect 409
{"error": {"code": "places.has_children"}}

POST /api/v1/places/${m1}/retire
expect 200

# the history of covering, on the place and on the grid
GET /api/v1/places/${b}/history
expect 200
{"items": [{"action": "uncover", "before": {"grid_id": "${g1}", "grid_name": "第一网格"}},
           {"action": "cover", "after": {"grid_id": "${g1}"}}, {"action": "create"}]}

GET /api/v1/places/${g1}/history?sort=at
expect 200
{"items": [{"action": "create"}, {"action": "cover", "after": {"place_id": "${a}"}},
           {"action": "cover", "after": {"place_id": "${b}", "place_name": "新村小区"}},
           {"action": "uncover", "before": {"place_id": "${b}"}}],
 "total": 4}

# covering needs places.write over the grid and over each place: 冯村's secretary may not
# cover a compound of 秦家山村 with his grid
login cadre2
PUT /api/v1/places/${g2}/coverage
{"place_ids": ["${c}", "${a}"]}
expect 403

PUT /api/v1/places/${g2}/coverage
{"place_ids": []}
expect 200
{"removed": 1}

PUT /api/v1/places/${g1}/coverage
{"place_ids": ["${b}"]}
expect 403
