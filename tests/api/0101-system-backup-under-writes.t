# a backup taken while residents and a cadre write restores into a database that is
# intact, whose audit chain verifies, and which holds every write acknowledged before
# the backup began
backend sqlite
set requests.public_per_hour=1000000
login cadre1
writer anon POST /api/v1/public/requests {"category_id": "wires", "place_id": "140406101204", "description": "路灯不亮 @n"} -> .tracking_code GET /api/v1/public/requests/@v
writer cadre1 POST /api/v1/households {"place_id": "140406101204", "address": "秦家山村三组@n号", "kind": "registered"} -> .id GET /api/v1/households/@v
load start 2
sleep 300
load mark
cli backup ${dir}/b.tar
expect exit 0
stdout ~ backup written

sleep 100
load stop
verify

cli --db ${dir}/r.db --set media.dir=${dir}/r.media restore ${dir}/b.tar
expect exit 0
stdout ~ restored

cli --db ${dir}/r.db audit verify
expect exit 0
stdout ~ audit: ok

restart ${dir}/r.db
verify marked

sql PRAGMA integrity_check
stdout ~ ok
