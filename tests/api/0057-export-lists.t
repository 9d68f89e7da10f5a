# Exports of every list through one writer: households, organizations and the duty roster
# as .xlsx or CSV (text cells, a formula's start neutralised in both formats); people
# masked, unmasked only as a POST with a reason by someone holding people.reveal over every
# row, and then audited with the count, the filter and the reason.

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "@秦家山村三组12号", "kind": "registered", "hukou_no": "140406000123"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194003120016", "phone": "138 1234 5678"}
expect 201

POST /api/v1/people
{"household_id": "${hh}", "name": "+SUM(A1)", "relation": "other"}
expect 201

POST /api/v1/orgs
{"place_id": "140406101204", "name": "-秦家山合作社", "kind": "cooperative", "uscc": "93140406MA0K000017"}
expect 201

# households: the head, 户号 as a text cell, the address neutralised
GET /api/v1/households/export?place=140406101204
expect 200
Content-Type: spreadsheetml
Content-Disposition: attachment; filename="households-

save households.xlsx

cli import inspect ${dir}/households.xlsx
expect exit 0
stdout ~ header:   row 2, under 1 title row
stdout ~ B   户主姓名
stdout ~ B=王建国 (text) C=140406000123 (text) D='@秦家山村三组12号 (text)

GET /api/v1/households/export?place=140406101204&format=csv
expect 200
Content-Type: text/csv; charset=utf-8

save households.csv

cli import inspect ${dir}/households.csv
expect exit 0
stdout ~ D='@秦家山村三组12号 (text)

GET /api/v1/orgs/export?place=140406101204&format=csv
expect 200
Content-Disposition: filename*=UTF-8''%E5%8D%95%E4%BD%8D

# people, masked; a formula's start neutralised in the .xlsx too
GET /api/v1/people/export?place=140406101204
expect 200

save people.xlsx

cli import inspect ${dir}/people.xlsx
expect exit 0
stdout ~ B='+SUM(A1) (text)
stdout ~ F=140406********0016 (text) G=138****5678 (text)

# unmasked: a GET is refused, a POST needs a reason
GET /api/v1/people/export?place=140406101204&unmasked=1
expect 400
{"error": {"code": "people.export_unmasked_post", "field": "unmasked"}}

POST /api/v1/people/export?place=140406101204&unmasked=1
{}
expect 400
{"error": {"field": "reason"}}

POST /api/v1/people/export?place=140406101204
{"reason": "x"}
expect 400
{"error": {"code": "people.export_unmasked"}}

POST /api/v1/people/export?place=140406101204&unmasked=1&format=xlsx
{"reason": "低保年审，报民政所"}
expect 200
Content-Type: spreadsheetml

save full.xlsx

cli import inspect ${dir}/full.xlsx
expect exit 0
stdout ~ F=140406194003120016 (text) G=13812345678 (text)

sql SELECT 'audit:' || action || ':' || changes FROM audit_log WHERE entity = 'persons' AND action = 'export'
stdout ~ "count":2
stdout ~ "place":"140406101204"
stdout ~ 低保年审，报民政所

# the town leader reads people but may not reveal them
login leader
POST /api/v1/people/export?place=140406101204&unmasked=1
{"reason": "想看看"}
expect 403

GET /api/v1/people/export?place=140406101204&format=csv
expect 200

# the roster: today's holders by place, names in full
login cadre1
POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01"}
expect 201

GET /api/v1/duties/roster/export?place=140406101204&format=csv
expect 200
Content-Disposition: filename*=UTF-8''%E8%B4%A3%E4%BB%BB%E4%BA%BA

save roster.csv

cli import inspect ${dir}/roster.csv
expect exit 0
stdout ~ B=秦家山村 (text) C=村 (text) D=村党支部书记 (text)

GET /api/v1/duties/roster/export?place=140406101204&format=pdf
expect 400
{"error": {"code": "export.format", "field": "format"}}

# scope: 冯村's secretary exports nobody of 秦家山村, and not its roster
login cadre2
GET /api/v1/households/export?place=140406101204&format=csv
expect 200

save other.csv

cli import inspect ${dir}/other.csv
expect exit 0
stdout ~ data:     none

GET /api/v1/duties/roster/export?place=140406101204
expect 403
