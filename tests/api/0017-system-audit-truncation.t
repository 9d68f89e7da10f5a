# uses SQLite functions in its sql steps (strftime, readfile)
backend sqlite
# A cut-off tail: the chain alone cannot see rows removed from its end (with the head
# table rewound to match), but an exported head can; a signed head cannot be forged.

login admin
POST /api/v1/users
{"login": "tail.one", "name": "尾一", "place_id": "140406101204", "password": "${password}"}
expect 201

POST /api/v1/users
{"login": "tail.two", "name": "尾二", "place_id": "140406101204", "password": "${password}"}
expect 201

cli audit verify
expect exit 0
stdout ~ audit: ok

# export the heads now: the newest row of 140406 is the create of tail.two
cli audit head --out ${dir}/head.json
expect exit 0
stdout ~ audit heads written to

cli audit keygen ${dir}/sign.key
expect exit 0

cli audit head --sign ${dir}/sign.key --out ${dir}/signed.json
expect exit 0

cli audit verify --head ${dir}/head.json
expect exit 0
stdout ~ exported heads present

cli audit verify --head ${dir}/signed.json
expect exit 0
stdout ~ exported heads present

# with the trusted public key: accepted; a head re-signed with another key is refused
cli audit verify --head ${dir}/signed.json --pub ${dir}/sign.key.pub
expect exit 0

cli audit keygen ${dir}/attacker.key
expect exit 0

cli audit head --sign ${dir}/attacker.key --out ${dir}/resigned.json
expect exit 0

cli audit verify --head ${dir}/resigned.json --pub ${dir}/sign.key.pub
expect exit 1
stderr ~ signed by another key

cli audit verify --head ${dir}/head.json --pub ${dir}/sign.key.pub
expect exit 1
stderr ~ not signed

# a signed head that was edited does not verify
sql SELECT writefile('${dir}/forged.json', replace(readfile('${dir}/signed.json'), '"seq":', '"seq":1'))
cli audit verify --head ${dir}/forged.json
expect exit 1
stderr ~ signature does not verify

# the attacker removes the last three rows of 140406 (both creates and the admin's login)
# and rewinds audit_heads to the row that is now last
sql DELETE FROM audit_log WHERE region = '140406' AND seq > (SELECT seq - 3 FROM audit_heads WHERE region = '140406')
sql UPDATE audit_heads SET seq = (SELECT max(seq) FROM audit_log WHERE region = '140406'), hash = (SELECT hash FROM audit_log WHERE region = '140406' ORDER BY seq DESC LIMIT 1) WHERE region = '140406'

# the chain alone is consistent ...
cli audit verify
expect exit 0
stdout ~ audit: ok

# ... but the exported heads point at a row that is gone
cli audit verify --head ${dir}/head.json
expect exit 1
stderr ~ cut off
stderr ~ region 140406

cli audit verify --head ${dir}/signed.json
expect exit 1
stderr ~ cut off

# a head file that is not one
sql SELECT writefile('${dir}/junk.json', '{"heads": 1}')
cli audit verify --head ${dir}/junk.json
expect exit 1
stderr ~ no 'heads' list

cli audit verify --head ${dir}/missing.json
expect exit 1
stderr ~ unable to open
