# A costly figure is counted again off the request: after a write, the cockpit gives the
# figure it kept, marked "late", while the server's counter counts it again (at most once a
# cockpit.recount_ms), then the new one. Here every figure counts as costly
# (cockpit.late_cost_ms=0) and the counter waits 3 s after a figure was counted.
set cockpit.late_cost_ms=0
set cockpit.recount_ms=3000

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users", "late": "!"}, {"key": "places.villages"}, {"key": "people.persons", "value": 0, "late": "!"}, {"key": "people.households", "value": 0, "late": "!"}, "..."]}

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村1号"}
expect 201

# the kept figures, late (on SQLite only those that read what was written; on PostgreSQL
# every write counts for every table)
login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons", "value": 0}, {"key": "people.households", "value": 0, "late": true}, "..."]}

# asked again: still late, and not counted on the request
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons"}, {"key": "people.households", "value": 0, "late": true}, "..."]}

# the counter's figures, once counted
poll GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons"}, {"key": "people.households", "value": 1, "late": "!"}, "..."]}

GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons"}, {"key": "people.households", "value": 1, "late": "!"}, "..."]}

# a write by another process is counted the same way
GET /api/v1/cockpit
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages", "value": 18, "late": "!"}, "..."]}

cli places retire 140406101230
expect exit 0

GET /api/v1/cockpit
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages", "value": 18, "late": true}, "..."]}

poll GET /api/v1/cockpit
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages", "value": 17, "late": "!"}, "..."]}

# a place asked for the first time is counted on the request: nothing kept to give late
GET /api/v1/cockpit?place=140406101205
expect 200
{"tiles": [{"key": "accounts.users", "late": "!"}, {"key": "places.villages", "late": "!"}, {"key": "people.persons", "value": 0, "late": "!"}, "..."]}
