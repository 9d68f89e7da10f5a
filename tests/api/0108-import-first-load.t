# cunwu import run as a first load (import.load_rows; `import run` sets 50,000 rows, lowered
# here to 1): the whole register in one transaction, the indexes of persons and person_grams
# that adding people does not read dropped inside it and made again at its end, foreign keys
# not checked row by row. What lands is what a load in batches writes: the same people, the
# same search, the same indexes. A load cut off writes nothing and leaves every index.
backend sqlite

# 李秀英 (row 4 of the file) is registered already, in 秦家山村: a first load reads the ID
# numbers registered before it once, and finds her among them
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村二组3号", "kind": "registered"}
expect 201
capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "李秀英", "relation": "head", "id_no": "140406195506020249"}
expect 201

# cut off after its first batch of two rows: nothing written, every index there (its grams,
# handed to be sorted on another thread at the batch's end, freed unwritten)
cli --set import.load_rows=1 --set import.load_grams=1 --set import.stop_after=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=- --batch 2
expect exit 1
stderr ~ a first load of about 8 rows
stderr ~ stopped after 1 batches (import.stop_after)

sql SELECT 'persons:' || count(*) || ':' FROM persons WHERE place_id = '140406101205'
stdout ~ persons:0:

sql SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'person_grams') AND sql IS NOT NULL ORDER BY name)
stdout ~ persons_birth persons_household persons_id_hash persons_phone_hash persons_pinyin persons_place

# the whole register, in batches of two inside the one transaction, its grams sorted by
# another thread at the end of each batch (import.load_grams) and merged as they are written
# at the load's end, or when it holds import.load_grams_max (20 here: after two batches)
cli --set import.load_rows=1 --set import.load_grams=1 --set import.load_grams_max=20 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=- --batch 2
expect exit 0
stderr ~ a first load of about 8 rows, in one transaction
stdout ~ (done)
stdout ~ rows:     7, 1 with errors left out
stdout ~ written:  3 households, 5 persons added; 1 persons already registered
stdout ~ already registered elsewhere

sql SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'person_grams') AND sql IS NOT NULL ORDER BY name)
stdout ~ persons_birth persons_household persons_id_hash persons_phone_hash persons_pinyin persons_place

# every reference holds, though none was checked row by row
sql SELECT 'broken:' || count(*) || ':' FROM pragma_foreign_key_check
stdout ~ broken:0:

# a gram per character, pair and initials prefix, each with its person's place: the 48 that
# the same file written in batches has (0067), less 李秀英's eight
sql SELECT 'grams:' || count(*) || ':' || count(DISTINCT g.person_id) || ':' || sum(CASE WHEN g.place_id = x.place_id THEN 0 ELSE 1 END) || ':' FROM person_grams g JOIN persons x ON x.id = g.person_id WHERE x.place_id = '140406101205'
stdout ~ grams:40:5:0:

# an audit row a batch (four of two rows at most) and one at the end
sql SELECT 'audit:' || count(*) || ':' FROM audit_log WHERE entity = 'imports' AND action IN ('batch', 'done')
stdout ~ audit:5:

login cadre2
GET /api/v1/people?place=140406101205
expect 200
{"total": 5}

# the search reads the grams the load wrote, in pinyin order
GET /api/v1/people?q=王&place=140406101205
expect 200
{"total": 3, "items": [{"name": "王守仁"}, {"name": "王小雨"}, {"name": "王志刚"}]}

GET /api/v1/people?q=wsr
expect 200
{"total": 1, "items": [{"name": "王守仁", "id_no": "140406********0132", "phone": "138****1234", "tags": []}]}

# derived tags were set at the batches' ends: 赵老汉, 78, lives alone; 王守仁, 74, above, lives
# with three others
GET /api/v1/people?q=赵老汉
expect 200
{"total": 1, "items": [{"tags": [{"id": "elderly_alone", "source": "rule"}]}]}

# the same file again into a registry that has its people (more than half as many as the
# register has rows): in batches, nothing written
cli --set import.load_rows=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=-
expect exit 0
stderr !~ a first load
stdout ~ written:  0 households, 0 persons added; 6 persons already registered

# the server holds the test's database open, so the loads above stayed in its WAL. Alone on
# a database of its own, a first load leaves the WAL for a rollback journal while it writes,
# and takes the WAL up again: what it wrote is there when the database is opened again
cli --db ${dir}/alone.db init --town 140406101
expect exit 0

cli --db ${dir}/alone.db --set import.load_rows=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=- --batch 2
expect exit 0
stderr ~ a first load of about 8 rows, in one transaction
stderr ~ a first load alone on the database: written straight into it
stdout ~ written:  3 households, 6 persons added; 0 persons already registered

cli --db ${dir}/alone.db import run tests/api/files/households.csv --place 140406101205 --map F=-,G=-
expect exit 0
stdout ~ written:  0 households, 0 persons added; 6 persons already registered

cli --db ${dir}/alone.db audit verify
expect exit 0
