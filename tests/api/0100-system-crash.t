# nothing acknowledged is lost when the server is killed (SIGKILL) at random moments
# while residents and a village cadre write: after each restart every write the server
# answered 2xx is there, readable (sealed ID numbers open with the key), the database
# is intact and the audit chain verifies
set requests.public_per_hour=1000000
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村一组1号", "kind": "registered"}
expect 201

capture hh = .id

writer anon POST /api/v1/public/requests {"category_id": "wires", "place_id": "140406101204", "description": "巷子里电线垂到头顶 @n"} -> .tracking_code GET /api/v1/public/requests/@v
writer cadre1 POST /api/v1/households {"place_id": "140406101204", "address": "秦家山村二组@n号", "kind": "registered"} -> .id GET /api/v1/households/@v
writer cadre1 POST /api/v1/people {"household_id": "${hh}", "name": "王建国", "relation": "child", "id_no": "@idno", "phone": "13812345678"} -> .id GET /api/v1/people/@v
crash 20 2

on sqlite sql PRAGMA integrity_check
stdout ~ ok

cli audit verify
expect exit 0
stdout ~ audit: ok
