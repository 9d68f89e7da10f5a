# Requests that write share one connection and commit together (http.group_commit,
# docs/internals/db.md "Group commit"): residents and a cadre write from many threads at
# once while other requests are refused among them; every acknowledged write reads back,
# no refused one left a row, the audit chain (written in the order the writes joined)
# verifies and the file is intact.
backend sqlite
set requests.public_per_hour=1000000
set http.threads=16
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村一组1号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194001010016"}
expect 201

writer anon POST /api/v1/public/requests {"category_id": "wires", "place_id": "140406101204", "description": "巷子里电线垂到头顶 @n"} -> .tracking_code GET /api/v1/public/requests/@v
writer cadre1 POST /api/v1/households {"place_id": "140406101204", "address": "秦家山村二组@n号", "kind": "registered"} -> .id GET /api/v1/households/@v
writer anon POST /api/v1/public/requests {"category_id": "wires", "place_id": "999999999999", "description": "没有这个地方 @n"} -> refused 400
writer cadre1 POST /api/v1/people {"household_id": "${hh}", "name": "王建@n", "relation": "child", "id_no": "140406194001010016"} -> refused 409
load start 6
sleep 1500
load stop
verify

sql SELECT 'n=' || count(*) || ';' FROM requests WHERE description LIKE '没有这个地方%'
stdout ~ n=0;

sql SELECT 'n=' || count(*) || ';' FROM persons WHERE household_id = '${hh}'
stdout ~ n=1;

cli audit verify
expect exit 0
stdout ~ audit: ok

sql PRAGMA integrity_check
stdout ~ ok
