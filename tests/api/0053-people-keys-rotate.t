# cunwu keys rotate while the server serves: interrupted, taken up again, then a second
# rotation; people are found by ID and phone throughout, reveal shows the plaintext, every
# ciphertext and hash changes, one audit row per rotation; the administrators' second
# factors (user_totp.secret_enc) are re-sealed too and their codes still sign them in

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村五组3号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "赵立新", "relation": "head", "id_no": "140406198001010014", "phone": "13900001111"}
expect 201

capture p1 = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "孙丽", "relation": "spouse", "id_no": "140406198512120020", "phone": "13900002222"}
expect 201

capture p2 = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "赵晨", "relation": "child", "id_no": "140406200103150042", "phone": "0355-6012399"}
expect 201

capture p3 = .id

POST /api/v1/orgs
{"place_id": "140406101204", "name": "秦家山村农机合作社", "kind": "cooperative", "phone": "13900009999"}
expect 201

capture org = .id

# (other names: keys rotate refuses a column named *_enc it does not know)
sql CREATE TABLE keys_before AS SELECT id, id_enc AS ie, id_hash AS ih, phone_enc AS pe, phone_hash AS ph FROM persons
sql CREATE TABLE totp_before AS SELECT id, secret_enc AS se FROM user_totp

# a rotation that stops after its first batch of one row, as a crash would
cli --set keys.rotate_stop_after=1 keys rotate --batch 1
expect exit 1
stdout ~ a new key made
stderr ~ stopped after 1 batches

# the server takes up the file of two keys: the row re-sealed is found by its new hash,
# the others by their old one
GET /api/v1/people?q=140406198001010014
expect 200
{"total": 1, "items": [{"id": "${p1}"}]}

log ~ reloaded: two keys

GET /api/v1/people?q=140406198512120020
expect 200
{"total": 1, "items": [{"id": "${p2}"}]}

GET /api/v1/people?q=140406200103150042
expect 200
{"total": 1, "items": [{"id": "${p3}"}]}

GET /api/v1/people?q=13900002222
expect 200
{"total": 1, "items": [{"id": "${p2}"}]}

# an ID number under either key is a duplicate
POST /api/v1/people
{"household_id": "${hh}", "name": "孙丽丽", "relation": "other", "id_no": "140406198512120020"}
expect 409
{"error": {"code": "people.duplicate_id"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "孙丽丽", "relation": "other", "id_no": "140406198001010014"}
expect 409
{"error": {"code": "people.duplicate_id"}}

# written mid-rotation: under the new key already
POST /api/v1/people
{"household_id": "${hh}", "name": "赵小满", "relation": "grandchild", "id_no": "140406199006060031", "phone": "13900004444"}
expect 201

capture p4 = .id

POST /api/v1/people/${p2}/reveal
{"fields": ["id_no", "phone"], "reason": "轮换中核实"}
expect 200
{"id_no": "140406198512120020", "phone": "13900002222"}

sql CREATE TABLE keys_audit AS SELECT count(*) AS n FROM audit_log

# taken up again: no third key; the two rows left are re-sealed, the other two were done
cli keys rotate
expect exit 0
stdout ~ a rotation was interrupted; taking it up again
stdout ~ persons: 2 re-sealed, 2 already under the new key
stdout ~ orgs: 1 re-sealed, 0 already under the new key
stdout ~ previous key kept in
stdout ~ cunwu.key.retired-
stdout ~ holds the new key alone
stdout !~ a new key made

# one audit row for the rotation, none per person, no key in it
sql SELECT 'grew:' || ((SELECT count(*) FROM audit_log) - (SELECT n FROM keys_audit)) || ':' FROM keys_audit
stdout ~ grew:1:

sql SELECT actor_name || '|' || changes FROM audit_log WHERE entity = 'keys' AND action = 'rotate'
stdout ~ cli:
stdout ~ "resumed":true,"persons":2,"orgs":1,"requests":0,"request_mediation_parties":0,"user_totp":3,"unreadable":0

# every ciphertext and every hash changed from before
sql SELECT 'same:' || count(*) || ':' FROM persons p JOIN keys_before b ON b.id = p.id WHERE p.id_enc = b.ie OR p.id_hash = b.ih OR p.phone_enc = b.pe OR p.phone_hash = b.ph
stdout ~ same:0:

sql SELECT 'changed:' || count(*) || ':' FROM persons p JOIN keys_before b ON b.id = p.id WHERE p.id_enc <> b.ie AND p.id_hash <> b.ih AND p.phone_enc <> b.pe AND p.phone_hash <> b.ph
stdout ~ changed:3:

sql SELECT 'totp changed:' || count(*) || ':' FROM user_totp t JOIN totp_before b ON b.id = t.id WHERE t.secret_enc <> b.se
stdout ~ totp changed:3:

# the server takes up the file of one key (it looks at most once a second)
sleep 1100
GET /api/v1/people?q=140406198001010014
expect 200
{"total": 1, "items": [{"id": "${p1}"}]}

log ~ reloaded: one key

GET /api/v1/people?q=140406198512120020
expect 200
{"total": 1, "items": [{"id": "${p2}"}]}

GET /api/v1/people?q=0355-6012399
expect 200
{"total": 1, "items": [{"id": "${p3}"}]}

GET /api/v1/people?q=13900004444
expect 200
{"total": 1, "items": [{"id": "${p4}"}]}

POST /api/v1/people/${p3}/reveal
{"fields": ["id_no", "phone"], "reason": "轮换后核实"}
expect 200
{"id_no": "140406200103150042", "phone": "0355-6012399"}

POST /api/v1/orgs/${org}/reveal
{"fields": ["phone"], "reason": "轮换后核实"}
expect 200
{"phone": "13900009999"}

# the secrets open under the new key alone: the administrators sign in with their codes
login admin
login security

as cadre1

# a second rotation, uninterrupted, from a file of one key
cli keys rotate --batch 2
expect exit 0
stdout ~ a new key made
stdout ~ persons: 4 re-sealed, 0 already under the new key
stdout ~ orgs: 1 re-sealed
stdout ~ user_totp: 3 re-sealed

sql SELECT 'rotations:' || count(*) || ':' FROM audit_log WHERE entity = 'keys' AND action = 'rotate'
stdout ~ rotations:2:

sleep 1100
GET /api/v1/people?q=13900001111
expect 200
{"total": 1, "items": [{"id": "${p1}"}]}

POST /api/v1/people/${p4}/reveal
{"fields": ["id_no", "phone"], "reason": "第二次轮换后核实"}
expect 200
{"id_no": "140406199006060031", "phone": "13900004444"}

login auditor
GET /api/v1/me
expect 200
{"user": {"login": "auditor", "totp": true}, "totp": "active", "totp_enrol": false}

as cadre1

# a new person after it, and the chain still verifies
POST /api/v1/people
{"household_id": "${hh}", "name": "赵小雪", "relation": "grandchild", "phone": "13900005555"}
expect 201

GET /api/v1/people?q=13900005555
expect 200
{"total": 1}

cli audit verify
expect exit 0
stdout ~ audit: ok
