# `cunwu import run` of a large register on SQLite (import.first_load_rows, here 1): one
# transaction; the scattered indexes dropped inside it and made again, sorted, at its end,
# the name grams gathered aside and written in key order. What it writes is what batches
# write: the people found by name, pinyin and tag, every index back, nothing left over;
# the same file again adds nothing (the unique ID index stayed).
backend sqlite

cli --set import.first_load_rows=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=-
expect exit 0
stdout ~ (done)
stdout ~ rows:     7, 1 with errors left out
stdout ~ written:  3 households, 6 persons added; 0 persons already registered

# one batch, the first load, audited as such
sql SELECT 'batches:' || count(*) || ':' || max(changes) FROM audit_log WHERE entity = 'imports' AND action = 'batch'
stdout ~ batches:1:
stdout ~ "first_load":true

sql SELECT 'indexes:' || count(*) || ':' FROM sqlite_master WHERE type = 'index' AND name IN ('persons_phone_hash', 'persons_pinyin', 'persons_birth', 'persons_place', 'person_grams_person')
stdout ~ indexes:5:

sql SELECT 'load:' || count(*) || ':' FROM sqlite_master WHERE name = 'person_grams_load'
stdout ~ load:0:

sql PRAGMA integrity_check
stdout ~ ok

# the grams of every person, in the search
sql SELECT 'grams:' || count(DISTINCT person_id) || ':' FROM person_grams
stdout ~ grams:6:

login cadre2
GET /api/v1/people?place=140406101205
expect 200
{"total": 6}

GET /api/v1/people?q=%E7%8E%8B%E5%AE%88
expect 200
{"total": 1, "items": [{"name": "王守仁"}]}

GET /api/v1/people?q=wsr
expect 200
{"total": 1}

GET /api/v1/people?place=140406101205&tag=disability
expect 200
{"total": 1}

# the same file again: everyone found by the ID index that stayed, nothing added
cli --set import.first_load_rows=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=-
expect exit 0
stdout ~ written:  0 households, 0 persons added; 6 persons already registered

# below the threshold (the default, 100,000 rows), batches as before
cli import run tests/api/files/households.csv --place 140406101205 --map F=-,G=-
expect exit 0
stdout ~ 6 persons already registered

sql SELECT 'first:' || count(*) || ':' FROM audit_log WHERE entity = 'imports' AND action = 'batch' AND changes LIKE '%first_load%'
stdout ~ first:2:

sql SELECT 'persons:' || count(*) || ':' FROM persons
stdout ~ persons:6:
