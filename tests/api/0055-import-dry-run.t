# cunwu import dry-run: a village's register (tests/api/files/register.csv: a title row, 序号,
# 合计) checked against the registry under 微子镇 without writing: the village and group each
# row writes found as people write them (秦家山 = 秦家山村, 1组 = 一组), a place that does not
# exist, an identity number already registered (a warning: a re-import leaves the person), one
# Excel mangled, one that two rows share; and within households, as the import itself checks
# them: members of a household whose head has errors. The dry run is the import's pass
# without writing, kept as an import that `import resume` writes.

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "一组"}
expect 201

POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村一组1号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194003120016"}
expect 201

# the file alone: what is wrong with its rows, before the registry is asked
cli import check tests/api/files/register.csv
expect exit 1
stdout ~ C6      import.id_number
stdout ~ C7      import.duplicate_in_file: the same identity number is on row 4
stdout ~ checked:  5 rows, 2 with errors, 2 problems

# against the registry: the places, and who is registered already
cli import dry-run tests/api/files/register.csv --place 140406101
expect exit 1
stdout ~ place:    微子镇 (140406101000)
stdout ~ C3      (warning) import.registered: already registered at 秦家山村
stdout ~ D5      import.place_unknown: no village or community '东风村'
stdout ~ E7      import.place_unknown: no villagers' group '二组'
stdout ~ A6      import.household_bad: the household's head on row 5 has errors
stdout ~ A7      import.household_bad: the household's head on row 5 has errors
stdout ~ C7      import.duplicate_in_file: the same identity number is on row 4
stdout !~ E3      import
stdout !~ E4      import
stdout ~ checked:  5 rows, 3 with errors, 7 problems; nothing written

# nothing was written: the people are the one registered
GET /api/v1/people?place=140406101204
expect 200
{"total": 1}

# the check is kept as an import, and `import resume` writes its good rows: the two with no
# error but the one registered already (read by the town's civil affairs, who may write people)
sql INSERT INTO grants (id, region, user_id, role_id, place_id, created_at) SELECT '01M8Q3PT2Q9E1EMPG8WJ7A1Q9G', '140406', id, 'civil_affairs', '140406101000', '2026-11-30T00:00:00Z' FROM users WHERE login = 'leader'

login leader
GET /api/v1/imports?place=140406101000
expect 200
{"items": [{"state": "checked", "rows": 5, "rows_bad": 3, "persons_added": 0}]}

capture checked = .items[0].id
cli import resume ${checked}
expect exit 0
stdout ~ rows:     5, 3 with errors left out
stdout ~ written:  0 households, 1 persons added; 1 persons already registered

# a place that is not there
cli import dry-run tests/api/files/register.csv --place 999999
expect exit 1
stderr ~ no place '999999'
