# bad input, each refused with the right 4xx naming the field, or stored verbatim where it
# is only text; the generated sweep of every write's bad bodies is in 0102 (matrix-bad)
login cadre1

# SQL metacharacters are text: stored and answered verbatim, searched for as text
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村'); DROP TABLE people;-- 1号 \" OR 1=1 /* % _ \\", "kind": "registered"}
expect 201
{"address": "秦家山村'); DROP TABLE people;-- 1号 \" OR 1=1 /* % _ \\"}

capture hh = .id

GET /api/v1/households/${hh}
expect 200
{"address": "秦家山村'); DROP TABLE people;-- 1号 \" OR 1=1 /* % _ \\"}

GET /api/v1/people?q=%27%20OR%20%271%27%3D%271
expect 200
{"total": 0, "items": []}

GET /api/v1/people?q=%25
expect 200
{"total": 0}

GET /api/v1/households?sort=address%3BDROP
expect 400
{"error": {"code": "http.sort", "field": "sort"}}

# wrong types and missing fields name the field; nothing is written
POST /api/v1/households
{"place_id": 140406101204, "address": "秦家山村2号", "kind": "registered"}
expect 400
{"error": {"code": "json.type", "field": "place_id"}}

POST /api/v1/households
{"address": "秦家山村2号", "kind": "registered"}
expect 400
{"error": {"field": "place_id"}}

POST /api/v1/people
{"household_id": "${hh}", "name": ["王"], "relation": "head"}
expect 400
{"error": {"code": "json.type", "field": "name"}}

# overlong strings
POST /api/v1/households
{"place_id": "140406101204", "address": "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长", "kind": "registered"}
expect 400
{"error": {"field": "address"}}

GET /api/v1/people?q=一二三四五六七八九十一二三四五六七八九十一二三
expect 400
{"error": {"code": "people.q_too_long", "field": "q"}}

# invalid UTF-8 in a query string, and in a body
GET /api/v1/people?q=%FF%FE
expect 400
{"error": {"field": "q"}}

sql SELECT count(*) FROM households WHERE address LIKE '秦家山村2号%'
stdout ~ 0

# script in text fields is text: answered as JSON (never HTML), verbatim; the console
# escapes it, and its pages forbid inline script
POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "description": "<script>alert(1)</script><img src=x onerror=alert(2)>", "source": "staff_phone"}
expect 201
Content-Type: application/json
X-Content-Type-Options: nosniff
{"description": "<script>alert(1)</script><img src=x onerror=alert(2)>"}

GET /
expect 200
Content-Security-Policy: script-src 'self';
Content-Security-Policy: object-src 'none'
Content-Security-Policy: frame-ancestors 'none'
X-Content-Type-Options: nosniff

# path traversal in an uploaded file's name: only its last component is kept, and the
# file itself is stored under a name cunwu makes
upload /api/v1/imports?place=140406101204 file=@households.csv;filename=../../../etc/cron.d/x.csv
expect 201
{"file_name": "x.csv"}

upload /api/v1/imports?place=140406101204 file=@households.csv;filename=C:\Users\村委\..\登记表.csv
expect 201
{"file_name": "登记表.csv"}

upload /api/v1/imports?place=140406101204 file=@households.csv;filename=..
expect 201
{"file_name": "register"}

# a route that takes no body: the console's JSON null is "none"; anything else but an
# object is refused before the route acts
POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "后沟"}
expect 201

capture nv = .id

POST /api/v1/places/${nv}/retire
[]
expect 400
{"error": {"code": "json.type"}}

GET /api/v1/places/${nv}
expect 200
{"status": "active"}

POST /api/v1/places/${nv}/retire
null
expect 200
{"status": "retired"}
