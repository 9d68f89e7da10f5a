# The command line: wrong calls exit 2 with a usage line; right ones exit 0.

cli user add
expect exit 2
stderr ~ missing LOGIN
stderr ~ usage: cunwu user add LOGIN

cli user add bob
expect exit 2
stderr ~ missing --name
stderr ~ usage

cli user add bob --name Bob
expect exit 2
stderr ~ missing --place
stderr ~ usage

cli user add bob --name Bob --place 140406999999
expect exit 2
stderr ~ no place '140406999999'

cli user add bob --name Bob --place 140406101204 --colour blue
expect exit 2
stderr ~ unknown option '--colour'

cli user
expect exit 2
stderr ~ needs a subcommand
stderr ~ cunwu user add

cli frobnicate
expect exit 2
stderr ~ no command 'frobnicate'

cli audit verify
expect exit 0
stdout ~ audit: ok, 47 rows in 3 chains

cli audit verify --fast
expect exit 2
stderr ~ unknown option '--fast'
stderr ~ usage: cunwu audit verify

# a correct call: the account is made with a generated password, shown once
cli --set auth.argon2_memory_kib=8192 user add bob --name 鲍勃 --place 140406101204 --role grid_worker
expect exit 0
stdout ~ user bob added
stdout ~ password:

cli user add bob --name 鲍勃 --place 140406101204
expect exit 1
stderr ~ login 'bob' is taken

cli user list
expect exit 0
stdout ~ bob
stdout ~ 鲍勃

# a role the account may not also hold (三员分立) is refused on the command line too
cli user grant auditor sysadmin 140406101000
expect exit 1
stderr ~ must be different people

# the command-line changes are in the audit log, which still verifies
cli audit verify
expect exit 0
stdout ~ audit: ok, 49 rows in 3 chains

# the server sees the new account
login security
GET /api/v1/users?q=bob
expect 200
{"items": [{"login": "bob", "name": "鲍勃"}], "total": 1}
