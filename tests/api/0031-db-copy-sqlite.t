# cunwu copy into a SQLite target (the test database): the same rules as 0029 on
# PostgreSQL, here so that the SQLite run, and the run under AddressSanitizer, cover the
# copy too. A second township comes in beside 微子镇; its clashing 'admin' is refused,
# then renamed; the chains verify; a second copy adds nothing. See docs/copy.md.
backend sqlite

cli --db ${dir}/b.db init --town 140406102
expect exit 0

cli --db ${dir}/b.db --set auth.argon2_memory_kib=8192 user add admin --name 管理员 --place 140406102 --role sysadmin
expect exit 0

# refused, and nothing written (the server is running: the copy waits for its lock)
cli copy --from ${dir}/b.db --to ${db}
expect exit 1
stderr ~ login 'admin' of
stderr ~ 'admin@140406102'
stderr ~ nothing was copied

sql SELECT 'users=' || count(*) || ';' FROM users
stdout ~ users=8;

cli copy --from ${dir}/b.db --to ${db} --rename-logins
expect exit 0
stdout ~ 1 login renamed
stdout ~ copied:

sql SELECT group_concat(login) FROM users WHERE place_id LIKE '140406102%'
stdout ~ admin@140406102

cli audit verify
expect exit 0
stdout ~ audit: ok,
stdout ~ in 6 chains

cli copy --from ${dir}/b.db --to ${db}
expect exit 0
stdout ~ , 0 added,

# the source and the target the same database: refused
cli copy --from ${dir}/b.db --to ${dir}/b.db
expect exit 1
stderr ~ both have origin

# the township's admin logs in to the city server
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

GET /api/v1/users
expect 200
{"items": [{"login": "admin@140406102"}], "total": 1}
