# cunwu import run on the command line: columns left out by hand (--map), an import cut off
# after its first batch (import.stop_after, as if the machine died) and taken up again with
# `cunwu import resume`: the rows written before are not written twice, the counts carry on.

cli --set import.stop_after=1 import run tests/api/files/households.csv --place 140406101205 --map F=-,G=- --batch 2
expect exit 1
stderr ~ stopped after 1 batches (import.stop_after)

# the first batch (two rows: 王守仁 and his wife) is in, in its own transaction
sql SELECT count(*) FROM persons p JOIN households h ON h.id = p.household_id WHERE h.place_id = '140406101205'
stdout ~ 2

login cadre2
GET /api/v1/imports?place=140406101205
expect 200
{"total": 1, "items": [{"state": "failed", "persons_added": 2}]}

capture imp = .items[0].id

cli import resume ${imp}
expect exit 0
stdout ~ (done)
stdout ~ rows:     7, 1 with errors left out
stdout ~ written:  3 households, 6 persons added; 0 persons already registered
stdout ~ C8      people.id_check

GET /api/v1/people?place=140406101205
expect 200
{"total": 6}

GET /api/v1/households?place=140406101205
expect 200
{"total": 3}

# the people's search grams, as a first load of the same file writes them (0108)
sql SELECT 'grams:' || count(*) || ':' || count(DISTINCT g.person_id) || ':' || sum(CASE WHEN g.place_id = x.place_id THEN 0 ELSE 1 END) || ':' FROM person_grams g JOIN persons x ON x.id = g.person_id WHERE x.place_id = '140406101205'
stdout ~ grams:48:6:0:

# done: nothing left to resume
cli import resume ${imp}
expect exit 1
stderr ~ is done already

cli import problems ${imp}
expect exit 0
stdout ~ I5      (warning) import.tag_unknown
stdout ~ C8      people.id_check

# --map that names no column, or a field twice, is refused before anything is written
cli import run tests/api/files/households.csv --place 140406101205 --map Q=phone
expect exit 1
stderr ~ is not COLUMN=FIELD

cli import run tests/api/files/households.csv --place 140406101205 --map H=name
expect exit 1
stderr ~ are both mapped to name
