# cunwu backup FILE while the server runs: database and media in one tar; restore into
# a new database gives the same accounts, files and a verifying audit log.
backend sqlite
login admin
POST /api/v1/users
{"login": "backed.up", "name": "备份", "place_id": "140406101204", "password": "Backup-pass-1"}
expect 201

login leader
upload /api/v1/media file=@dot.png
expect 201
capture media = .id

# online: the server is serving while the backup is taken
cli backup ${dir}/b.tar
expect exit 0
stdout ~ backup written

# never over an existing file
cli backup ${dir}/b.tar
expect exit 1
stderr ~ already exists

cli --db ${dir}/r.db --set media.dir=${dir}/r.media restore ${dir}/b.tar
expect exit 0
stdout ~ restored

# never over an existing database
cli --db ${dir}/r.db --set media.dir=${dir}/r.media restore ${dir}/b.tar
expect exit 1
stderr ~ already exists

cli --db ${dir}/r.db audit verify
expect exit 0
stdout ~ audit: ok

cli --db ${dir}/r.db user list
expect exit 0
stdout ~ backed.up

# a damaged archive is refused and leaves nothing behind
sql SELECT writefile('${dir}/bad.tar', substr(readfile('${dir}/b.tar'), 1, 700))
cli --db ${dir}/bad.db restore ${dir}/bad.tar
expect exit 1
stderr ~ truncated
