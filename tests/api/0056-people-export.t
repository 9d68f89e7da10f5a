# GET /api/v1/people/export: the people a search shows, every one, as .xlsx or CSV — masked
# as lists are, IDs as text cells, a formula's start defused in CSV; read back with `cunwu
# import inspect`, which finds the export's header and sees the masked numbers for what they
# are.

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村三组12号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194003120016", "phone": "138 1234 5678"}
expect 201

POST /api/v1/people
{"household_id": "${hh}", "name": "=HYPERLINK(\"x\")", "relation": "other"}
expect 201

GET /api/v1/people/export?place=140406101204
expect 200
Content-Type: spreadsheetml
Content-Disposition: attachment; filename="people-

save people.xlsx

cli import inspect ${dir}/people.xlsx
expect exit 0
stdout ~ format:   xlsx
stdout ~ header:   row 2, under 1 title row
stdout ~ F   公民身份号码  -> id_no
stdout ~ 3: A=1 (text) B='=HYPERLINK("x") (text)
stdout ~ F=140406********0016 (text) G=138****5678 (text)
stdout ~ F4      import.id_masked
stdout ~ G4      import.phone_masked

GET /api/v1/people/export?place=140406101204&format=csv
expect 200
Content-Type: text/csv; charset=utf-8
Content-Disposition: filename*=UTF-8''%E4%BA%BA%E5%8F%A3

save people.csv

cli import inspect ${dir}/people.csv
expect exit 0
stdout ~ format:   csv, utf-8 with BOM
stdout ~ 2: A=1 (text) B='=HYPERLINK("x") (text)
stdout ~ B=王建国 (text) C=男 (text) D=1940-03-12 (text)

# scope: 冯村's secretary exports nobody of 秦家山村
login cadre2
GET /api/v1/people/export?format=csv&place=140406101204
expect 200

save other.csv

cli import inspect ${dir}/other.csv
expect exit 0
stdout ~ data:     none

GET /api/v1/people/export?format=pdf
expect 400
{"error": {"code": "people.export_format", "field": "format"}}
