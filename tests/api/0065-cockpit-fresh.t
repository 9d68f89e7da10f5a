# The cockpit's answers are kept by the server until the next commit, by anyone: asked
# twice, the same figures; after a write through the server, or by another process (a
# `cunwu` command on the same file), the new figures at once, on whichever thread answers.
# Two callers who see different tiles never get each other's answer.

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users", "value": 3}, {"key": "places.villages", "value": 1}, {"key": "people.persons", "value": 0}, "..."]}

GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users", "value": 3}, {"key": "places.villages", "value": 1}, {"key": "people.persons", "value": 0}, "..."]}

# a write through the server
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村1号"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王守仁", "relation": "head"}
expect 201

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users", "value": 3}, {"key": "places.villages", "value": 1}, {"key": "people.persons", "value": 1}, "..."]}

# a write by another process on the same file: a village retired
GET /api/v1/cockpit
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages", "value": 18}, "..."]}

cli places retire 140406101230
expect exit 0

GET /api/v1/cockpit
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages", "value": 17}, "..."]}

# another caller, who sees other tiles over the same place (not the accounts): not the
# leader's answer, which the thread has kept
login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons", "value": 1}, "..."]}

login cadre1
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "places.villages"}, {"key": "people.persons", "value": 1}, "..."]}

# each tile's figures are kept apart: a resident's request counts the request tiles again
# and leaves the people's kept, a person added the other way round; each right after either
login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons", "value": 1}, {"key": "people.households", "value": 1}, {"key": "people.elderly_alone"}, {"key": "duties.coverage"}, {"key": "duties.uncovered"}, {"key": "requests.open", "value": 0}, "..."]}

as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "电线垂到路面"}
expect 201

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons", "value": 1}, {"key": "people.households", "value": 1}, {"key": "people.elderly_alone"}, {"key": "duties.coverage"}, {"key": "duties.uncovered"}, {"key": "requests.open", "value": 1}, "..."]}

login cadre1
POST /api/v1/people
{"household_id": "${hh}", "name": "王阳明", "relation": "child"}
expect 201

login leader
GET /api/v1/cockpit?place=140406101204
expect 200
{"tiles": [{"key": "accounts.users"}, {"key": "places.villages"}, {"key": "people.persons", "value": 2}, {"key": "people.households", "value": 1}, {"key": "people.elderly_alone"}, {"key": "duties.coverage"}, {"key": "duties.uncovered"}, {"key": "requests.open", "value": 1}, "..."]}
