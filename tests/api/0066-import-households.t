# An import over the API (tests/api/files/households.csv: 秦家山村's register under a title,
# 户号 written on each household's first row only, as a merged cell leaves it; 人员类别 tags;
# one member's ID with a wrong check character): uploaded, mapped, checked as a job (every
# problem stored with its cell), run as a job (households and persons written, the bad row
# left out), then the same file again changes nothing. Scope: another village's secretary
# sees none of it.

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "一组"}
expect 201

POST /api/v1/places
{"parent_id": "140406101204", "kind": "group", "name": "二组"}
expect 201

# bad uploads: no file, a place outside the caller's grant, not a register
upload /api/v1/imports?place=140406101204 sheet=1
expect 400
{"error": {"code": "import.file_required", "field": "file"}}

upload /api/v1/imports?place=140406101205 file=@households.csv
expect 403

upload /api/v1/imports?place=140406101204 file=@dot.png
expect 400
{"error": {"code": "import.format"}}

upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201
Location: /api/v1/imports/
{"state": "uploaded", "format": "csv", "place": {"id": "140406101204", "name": "秦家山村"}, "sheet": 1, "header_row": 2, "data_row": 3, "columns": [{"column": "A", "name": "序号", "field": null}, {"column": "B", "name": "户号", "field": "hukou_no"}, {"column": "C", "name": "身份证号", "field": "id_no"}, {"column": "D", "name": "姓名", "field": "name"}, {"column": "E", "name": "与户主关系", "field": "relation"}, {"column": "F", "name": "村", "field": "village"}, {"column": "G", "name": "组", "field": "group"}, {"column": "H", "name": "联系电话", "field": "phone"}, {"column": "I", "name": "人员类别", "field": "tags"}]}

capture imp = .id
capture v = header ETag

# the file is kept sealed, never in the clear
sql SELECT count(*) FROM imports WHERE file_sha256 <> '' AND state = 'uploaded'
stdout ~ 1

# the mapping by hand: bad ones are refused naming the column
PUT /api/v1/imports/${imp}
{"mapping": [null, "hukou_no", "id_no", "name", "relation", "village", "group", "phone", "shoe_size"]}
expect 400
{"error": {"code": "import.field", "field": "mapping[8]"}}

PUT /api/v1/imports/${imp}
{"mapping": [null, "hukou_no", "id_no", "name", "relation", "village", "group", "phone"]}
expect 400
{"error": {"code": "import.mapping_columns"}}

PUT /api/v1/imports/${imp}
{"mapping": [null, "hukou_no", "id_no", "name", "relation", "village", "group", "name", "tags"]}
expect 400
{"error": {"code": "import.field_twice"}}

PUT /api/v1/imports/${imp}
{"mapping": [null, "hukou_no", "id_no", null, "relation", "village", "group", "phone", "tags"]}
expect 400
{"error": {"code": "import.name_unmapped"}}

PUT /api/v1/imports/${imp}
{"sheet": 2}
expect 400
{"error": {"code": "import.sheet", "field": "sheet"}}

# running before the dry run is refused
POST /api/v1/imports/${imp}/run
expect 409
{"error": {"code": "import.not_checked"}}

# the dry run, as a job
POST /api/v1/imports/${imp}/check
expect 202
{"job": {"state": "queued"}}

poll GET /api/v1/imports/${imp}
expect 200
{"state": "checked", "counts": {"rows": 7, "rows_bad": 1, "problems": 1, "warnings": 1, "persons_added": 0}}

GET /api/v1/imports/${imp}/problems
expect 200
{"total": 2, "items": [{"line": 5, "cell": "I5", "code": "import.tag_unknown", "warning": true}, {"line": 8, "column": 3, "cell": "C8", "code": "people.id_check", "warning": false}]}

GET /api/v1/imports/${imp}/problems?errors=1
expect 200
{"total": 1}

# nothing was written by the dry run
GET /api/v1/people?place=140406101204
expect 200
{"total": 0}

POST /api/v1/imports/${imp}/run
expect 202

poll GET /api/v1/imports/${imp}
expect 200
{"state": "done", "counts": {"rows": 7, "rows_bad": 1, "households_added": 3, "persons_added": 6, "persons_same": 0}, "finished_at": "*"}

GET /api/v1/people?place=140406101204&sort=name
expect 200
{"total": 6}

# the households as the register grouped them: 户号 kept, the head set, the tags imported
GET /api/v1/households?place=140406101204
expect 200
{"total": 3}

GET /api/v1/people?place=140406101204&tag=disability
expect 200
{"total": 1, "items": [{"name": "张桂兰", "tags": [{"id": "disability", "source": "import:other"}]}]}

# a done import cannot be changed or run again
POST /api/v1/imports/${imp}/run
expect 409
{"error": {"code": "import.state"}}

# one audit row per batch and one at the end, no personal data in them
sql SELECT action FROM audit_log WHERE entity = 'imports' AND entity_id = '${imp}' ORDER BY seq
stdout ~ create
stdout ~ batch
stdout ~ done

# the same file again: every person found, nothing added
upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture imp2 = .id

POST /api/v1/imports/${imp2}/check
expect 202

poll GET /api/v1/imports/${imp2}
expect 200
{"state": "checked"}

POST /api/v1/imports/${imp2}/run
expect 202

poll GET /api/v1/imports/${imp2}
expect 200
{"state": "done", "counts": {"households_added": 0, "persons_added": 0, "persons_same": 6}}

GET /api/v1/people?place=140406101204
expect 200
{"total": 6}

# the list, in scope
GET /api/v1/imports?place=140406101204
expect 200
{"total": 2}

# another village's secretary sees none of it
login cadre2
GET /api/v1/imports
expect 200
{"total": 0}

GET /api/v1/imports/${imp}
expect 403

GET /api/v1/imports/${imp}/problems
expect 403

POST /api/v1/imports/${imp}/check
expect 403

# an import that does not exist
GET /api/v1/imports/01M8M5DPBWA15T3ZB1EJ44FWYM
expect 404
{"error": {"code": "import.not_found"}}
