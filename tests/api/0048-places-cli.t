# The place commands on the machine: places add/rename/move/retire/restore, grid
# add/cover/uncover; each audited as the CLI (cli:<unix user>), each refusing what the API
# refuses. The new places' ids are read back through the API.

cli places add --parent 140406101204 --kind compound --name 和平小区 --lat 36.3383 --lng 113.2265
expect exit 0

cli places add --parent 140406101204 --kind compound --name 东风小区
expect exit 0

cli grid add --parent 140406101204 --name 第一网格
expect exit 0

login leader
GET /api/v1/places?kind=compound&sort=name
expect 200
{"items": [{"name": "东风小区"}, {"name": "和平小区", "lat": 36.3383000, "lng": 113.2265000}],
 "total": 2}

capture dongfeng = .items[0].id
capture heping = .items[1].id

GET /api/v1/places?tree=grid
expect 200
{"items": [{"kind": "grid", "name": "第一网格"}], "total": 1}

capture grid = .items[0].id

# a micro-grid: grid add under a grid
cli grid add --parent ${grid} --name 第一微网格
expect exit 0

cli places add --parent ${heping} --kind building --name 1号楼
expect exit 0

GET /api/v1/places?kind=building
expect 200

capture b1 = .items[0].id

cli places add --parent ${b1} --kind dwelling --name 301 --floor 3 --room 301 --area 86.50
expect exit 0

GET /api/v1/places?kind=dwelling
expect 200
{"items": [{"floor": 3, "room": "301", "area": 86.50, "parent_id": "${b1}"}]}

# what the API refuses, the commands refuse
cli places add --parent ${b1} --kind dwelling --name 302 --area 86.555
expect exit 2
stderr ~ --area

cli places add --parent ${b1} --kind compound --name x
expect exit 1
stderr ~ cannot hang under a building

cli places add --parent 140406101204 --kind compound
expect exit 2
stderr ~ --parent, --kind and --name are required

cli places add --parent 140406101204 --kind building --name 楼 --lat 36
expect exit 2
stderr ~ --lat and --lng go together

cli grid add --parent ${heping} --name 小区网格
expect exit 1
stderr ~ cannot hang under a compound

# rename, move, retire, restore
cli places rename ${b1} 一号楼
expect exit 0
stdout ~ renamed

cli places move ${b1} --parent ${dongfeng}
expect exit 0
stdout ~ moved under

cli places move ${dongfeng} --parent ${b1}
expect exit 1
stderr ~ cannot move under itself or its own descendant

cli places retire ${heping}
expect exit 0
stdout ~ retired

cli places retire ${dongfeng}
expect exit 1
stderr ~ has active places under it

cli places restore ${heping}
expect exit 0
stdout ~ restored

cli places retire 140406
expect exit 1
stderr ~ has active places under it

# coverage
cli grid cover ${grid} ${dongfeng} ${heping}
expect exit 0
stdout ~ 2 places covered

cli grid cover ${grid} ${b1}
expect exit 1
stderr ~ is already covered by 网格 '第一网格'

GET /api/v1/places/${b1}/grid
expect 200
{"grid": {"id": "${grid}", "via": "${dongfeng}"}}

cli grid uncover ${grid} ${heping}
expect exit 0
stdout ~ 1 place uncovered

cli grid uncover ${grid} ${heping}
expect exit 1
stderr ~ is not covered

GET /api/v1/places/${grid}/coverage
expect 200
{"items": [{"id": "${dongfeng}"}]}

# the history and the audit log name the command's user
GET /api/v1/places/${b1}/history?sort=at
expect 200
{"items": [{"action": "create", "actor_kind": "cli", "actor_name": "~cli:"},
           {"action": "rename", "after": {"name": "一号楼"}},
           {"action": "move", "after": {"parent_id": "${dongfeng}"}}],
 "total": 3}

login auditor
GET /api/v1/audit?entity=places&entity_id=${grid}
expect 200
{"items": [{"action": "uncover", "actor_kind": "cli"}, {"action": "cover"}, {"action": "cover"},
           {"action": "create"}],
 "total": 4}
