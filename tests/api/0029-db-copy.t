# cunwu copy: a second township's SQLite database moves into the city database (the test
# database, on PostgreSQL, which holds 微子镇 140406101 and its eight accounts). Its rows
# are added beside the city's, every audit chain still verifies, a second copy adds
# nothing, and a login the city already gives to someone else stops the copy before
# anything is written, unless --rename-logins makes it <login>@<town>. See docs/copy.md.
backend postgresql

# the second township, 140406102, in a file of its own (the last --db wins), with an
# 'admin' of its own: the city has one already
cli --db ${dir}/b.db init --town 140406102
expect exit 0
stdout ~ places: 18 loaded for 140406102

cli --db ${dir}/b.db --set auth.argon2_memory_kib=8192 user add admin --name 管理员 --place 140406102 --role sysadmin
expect exit 0
stdout ~ user admin added

cli --db ${dir}/b.db --set auth.argon2_memory_kib=8192 user add clerk2 --name 文书 --place 140406102200
expect exit 0

# the clash is named, with the login it would get; nothing is written
cli copy --from ${dir}/b.db --to ${db}
expect exit 1
stderr ~ login 'admin' of
stderr ~ is taken in the target by another user
stderr ~ --rename-logins makes it 'admin@140406102'
stderr ~ nothing was copied
stdout ~ 1 login taken in the target

sql SELECT 'users=' || count(*) || ';' FROM users
stdout ~ users=8;

sql SELECT 'places=' || count(*) || ';' FROM places WHERE id LIKE '140406102%'
stdout ~ places=0;

# a dry run says what would happen and writes nothing either
cli copy --from ${dir}/b.db --to ${db} --rename-logins --dry-run
expect exit 0
stdout ~ 1 login renamed
stdout ~ dry run, nothing written

sql SELECT 'users=' || count(*) || ';' FROM users
stdout ~ users=8;

# with --rename-logins: the township's admin becomes admin@140406102
cli copy --from ${dir}/b.db --to ${db} --rename-logins
expect exit 0
stdout ~ 1 login renamed
stdout ~ copied:
stdout !~ , 0 added

sql SELECT 'users=' || count(*) || ';' FROM users
stdout ~ users=10;

sql SELECT login FROM users WHERE region = '140406' AND place_id LIKE '140406102%' ORDER BY login
stdout ~ admin@140406102
stdout ~ clerk2

# the places both townships loaded (province, city, county) are there once
sql SELECT 'counties=' || count(*) || ';' FROM places WHERE id = '140406000000'
stdout ~ counties=1;

# the copied chains verify beside the city's: three of each township, and the city's own
# chain of the county holds the copy and the rename
cli audit verify
expect exit 0
stdout ~ audit: ok,
stdout ~ in 6 chains

sql SELECT action || ':' || entity FROM audit_log WHERE entity IN ('copy', 'users') AND action IN ('copy', 'update') ORDER BY seq
stdout ~ update:users
stdout ~ copy:copy

# again, with or without --rename-logins: nothing is added, and nothing is audited
cli copy --from ${dir}/b.db --to ${db} --rename-logins
expect exit 0
stdout ~ , 0 added,
stdout !~ renamed

cli copy --from ${dir}/b.db --to ${db}
expect exit 0
stdout ~ , 0 added,

sql SELECT 'rows=' || count(*) || ';' FROM audit_log WHERE entity = 'copy'
stdout ~ rows=1;

cli audit verify
expect exit 0
stdout ~ audit: ok,

# the township's accounts work on the city server (a known password for the test: the
# copy keeps the township's password hashes as they are)
sql UPDATE users SET pw_hash = (SELECT pw_hash FROM users WHERE login = 'admin') WHERE login = 'admin@140406102'

login admin@140406102
# an administrator without a second factor on this server: the session only enrols one
GET /api/v1/users
expect 403
{"error": {"code": "auth.totp_enrol"}}

POST /api/v1/me/totp
expect 201

capture secret = .secret
totp admin@140406102 ${secret}

POST /api/v1/me/totp/confirm
{"code": "${code:admin@140406102}"}
expect 204

GET /api/v1/me
expect 200
{"user": {"login": "admin@140406102"},
 "grants": [{"role_id": "sysadmin", "place_id": "140406102000"}]}

GET /api/v1/users
expect 200
{"items": [{"login": "admin@140406102"}, {"login": "clerk2"}], "total": 2}

# the city's own admin still sees its own town only
login admin
GET /api/v1/users?page_size=1
expect 200
{"total": 8}

# media: files are checked against their names and copied once (here the server's own
# folder stands in for the township's)
login cadre1
upload /api/v1/media file=@dot.png
expect 201

cli copy --from ${dir}/b.db --to ${db} --from-media ${dir}/media --media ${dir}/moved
expect exit 0
stdout ~ media files              1         1         0

cli copy --from ${dir}/b.db --to ${db} --from-media ${dir}/media --media ${dir}/moved
expect exit 0
stdout ~ media files              1         0         1

# a wrong call
cli copy --from ${dir}/b.db
expect exit 2
stderr ~ missing --to URL
