# cunwu copy moves sealed personal data as it is, so it refuses a source whose key file
# holds other keys than the target's (the target could neither read nor find it). The
# source here is a SQLite restore of the test database itself. See docs/copy.md.
backend sqlite

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村六组1号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "钱进", "relation": "head", "id_no": "140406197511110053"}
expect 201

cli backup ${dir}/t.tar
expect exit 0

cli --db ${dir}/src.db restore ${dir}/t.tar
expect exit 0

# another key: made by init of a database of its own
cli --db ${dir}/other.db --set key_file=${dir}/other.key init
expect exit 0

cli copy --from ${dir}/src.db --to ${db} --from-key ${dir}/other.key
expect exit 1
stderr ~ holds sealed personal data under the key in
stderr ~ holds another key

# no key file beside the source: named
cli copy --from ${dir}/src.db --to ${db}
expect exit 1
stderr ~ src.db.key

# the same key passes the check (and the copy then stops on the shared origin)
cli copy --from ${dir}/src.db --to ${db} --from-key ${dir}/cunwu.key
expect exit 1
stderr !~ another key
stderr ~ origin
