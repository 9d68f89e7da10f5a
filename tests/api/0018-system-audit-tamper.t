# Tampering with the audit log: an edited row, a removed row, and a rewritten hash are
# each named by region and sequence number, by the CLI and by the verify job.

login admin
POST /api/v1/users
{"login": "honest", "name": "老实人", "place_id": "140406101204", "password": "${password}"}
expect 201

capture uid = .id

cli audit verify
expect exit 0
stdout ~ audit: ok

# someone edits what a row says was changed
sql CREATE TABLE saved AS SELECT * FROM audit_log WHERE region = '140406' AND seq = 30
sql UPDATE audit_log SET changes = '{"login":"mallory"}' WHERE region = '140406' AND seq = 30
cli audit verify
expect exit 1
stderr ~ region 140406 seq 30
stderr ~ hash does not match

login auditor
POST /api/v1/audit/verify
expect 202

capture job = .job.id

poll GET /api/v1/jobs/${job}
expect 200
{"job": {"state": "done", "result": {"ok": false, "first_bad": "~region 140406 seq 30"}}}

# put it back: the log verifies again
sql UPDATE audit_log SET changes = (SELECT changes FROM saved) WHERE region = '140406' AND seq = 30
cli audit verify
expect exit 0
stdout ~ audit: ok

# someone removes a row from the middle
sql DELETE FROM saved
sql INSERT INTO saved SELECT * FROM audit_log WHERE region = '140406' AND seq = 12
sql DELETE FROM audit_log WHERE region = '140406' AND seq = 12
cli audit verify
expect exit 1
stderr ~ region 140406 seq 12
stderr ~ row missing

sql INSERT INTO audit_log SELECT * FROM saved
cli audit verify
expect exit 0

# someone rewrites the head of a chain
sql UPDATE audit_heads SET hash = 'sha256:0000' WHERE region = '140400'
cli audit verify
expect exit 1
stderr ~ region 140400 seq 1
stderr ~ head row does not match
