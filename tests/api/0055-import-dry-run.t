# cunwu import dry-run: a village's register (tests/api/files/register.csv: a title row, 序号,
# 合计) checked against the registry under 微子镇 without writing: the village and group each
# row writes found as people write them (秦家山 = 秦家山村, 1组 = 一组), a place that does not
# exist, an identity number already registered (a warning: a re-import leaves the person), one
# Excel mangled, one that two rows share.

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
stdout !~ E3
stdout !~ E4
stdout ~ checked:  5 rows, 3 with errors, 5 problems; nothing written

# nothing was written: the people are the one registered
GET /api/v1/people?place=140406101204
expect 200
{"total": 1}

# a place that is not there
cli import dry-run tests/api/files/register.csv --place 999999
expect exit 1
stderr ~ no place '999999'
