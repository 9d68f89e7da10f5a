# The 12345 import: the platform's Excel export (tests/api/files/hotline-12345.xlsx, made by
# tests/unit/tabular/gen/make-fixtures) as requests under 微子镇 — a dry run reporting the
# bad rows by cell and code, the import of the good ones (their places, categories, Beijing
# call times in UTC, source hotline_12345, the ticket as external_no, routed), a second
# import that creates nothing, and the place rule (a village's secretary, not the town's).

login leader
upload /api/v1/requests/import?place=140406101000&dry_run=1 file=@hotline-12345.xlsx
expect 200
{"place_id": "140406101000", "dry_run": true, "rows": 8, "created": 4, "existing": 0, "bad": 4,
 "problems": [
  {"row": 8, "cell": "C8", "code": "requests.import_time", "message": "~2026-02-30"},
  {"row": 9, "cell": "H9", "code": "import.place_unknown", "message": "~东风村"},
  {"row": 10, "cell": "E10", "code": "people.phone_format"},
  {"row": 11, "cell": "B11", "code": "requests.import_duplicate", "message": "~row 4"}]}

# the dry run wrote nothing
GET /api/v1/requests?place=140406101000
expect 200
{"total": 0}

upload /api/v1/requests/import?place=140406101000 file=@hotline-12345.xlsx
expect 200
{"dry_run": false, "rows": 8, "created": 4, "existing": 0, "bad": 4}

GET /api/v1/requests?place=140406101000
expect 200
{"total": 4}

sql SELECT external_no || ' ' || category_id || ' ' || place_id || ' ' || created_at || ' ' || source FROM requests ORDER BY external_no
stdout ~ GD2026030100001 env.dumping 140406101204 2026-03-01T00:15:22.000Z hotline_12345
stdout ~ GD2026030100002 municipal.streetlight 140406101205 2026-03-01T01:40:00.000Z hotline_12345
stdout ~ GD2026030200003 dispute 140406101204 2026-03-02T06:03:10.000Z hotline_12345
stdout ~ GD2026030200004 other 140406101000 2026-03-02T08:20:00.000Z hotline_12345

# 办理时限 is the platform's deadline; without it the category's
sql SELECT external_no || ' due ' || resolution_due_at FROM requests WHERE external_no = 'GD2026030100001'
stdout ~ GD2026030100001 due 2026-03-04T00:15:22.000Z

# each was routed and audited as intake routes
sql SELECT count(*) || ' routed' FROM request_events WHERE action = 'route'
stdout ~ 4 routed

# the same file again: nothing new
upload /api/v1/requests/import?place=140406101000 file=@hotline-12345.xlsx
expect 200
{"rows": 8, "created": 0, "existing": 4, "bad": 4}

sql SELECT count(*) || ' requests' FROM requests
stdout ~ 4 requests

# the CLI says the same
cli request import tests/api/files/hotline-12345.xlsx --place 140406101000 --dry-run
expect exit 0
stdout ~ H9      import.place_unknown
stdout ~ 8 rows: 0 to import, 4 already there, 4 with problems; nothing written

# not a 12345 export
upload /api/v1/requests/import?place=140406101000 file=@dot.png
expect 400
{"error": {"code": "import.format"}}

# a village's secretary: the town is outside their place (403); their own village is
# theirs (the tickets are there already: a ticket is unique in the region)
login cadre1
upload /api/v1/requests/import?place=140406101000&dry_run=1 file=@hotline-12345.xlsx
expect 403

upload /api/v1/requests/import?place=140406101204&dry_run=1 file=@hotline-12345.xlsx
expect 200
{"rows": 8, "created": 0, "existing": 4, "bad": 4}

# a grid worker handles requests but does not import them
login grid1
upload /api/v1/requests/import?place=140406101204&dry_run=1 file=@hotline-12345.xlsx
expect 403
