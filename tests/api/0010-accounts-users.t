# Users, as the system administrator of 微子镇: create, validate, scope, list and page.

login admin
POST /api/v1/users
{"login": "wang.wu", "name": "王五", "place_id": "140406101206", "password": "${password}"}
expect 201
Location: /api/v1/users/
ETag: "1"
{"id": "*", "login": "wang.wu", "name": "王五", "place_id": "140406101206",
 "place_name": "贾街村", "region": "140406", "disabled": false, "version": 1,
 "created_at": "*", "password": "!", "pw_hash": "!"}

capture uid = .id
capture location = header Location

GET ${location}
expect 200
ETag: "1"
{"id": "${uid}", "login": "wang.wu", "password": "!", "pw_hash": "!"}

# the new account can sign in with the password it was given
login wang.wu
GET /api/v1/me
expect 200
{"user": {"id": "${uid}"}, "grants": []}

as admin

# the same login again
POST /api/v1/users
{"login": "wang.wu", "name": "另一个王五", "place_id": "140406101206", "password": "${password}"}
expect 409
{"error": {"code": "accounts.login_taken", "field": "login"}}

# bad logins
POST /api/v1/users
{"login": "Wang Wu", "name": "王五", "place_id": "140406101206", "password": "${password}"}
expect 400
{"error": {"code": "accounts.login_invalid", "field": "login"}}

POST /api/v1/users
{"login": ".wangwu", "name": "王五", "place_id": "140406101206", "password": "${password}"}
expect 400
{"error": {"code": "accounts.login_invalid", "field": "login"}}

POST /api/v1/users
{"login": "ww", "name": "王五", "place_id": "140406101206", "password": "${password}"}
expect 400
{"error": {"field": "login"}}

# weak passwords
POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406101206", "password": "Ab1"}
expect 400
{"error": {"code": "accounts.password_too_short", "field": "password"}}

POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406101206", "password": "abcdefghijkl"}
expect 400
{"error": {"code": "accounts.password_too_simple", "field": "password"}}

# fields the API does not know, wrong types, missing fields
POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406101206", "password": "${password}", "role": "sysadmin"}
expect 400
{"error": {"code": "json.unknown_field", "field": "role", "message": "~role"}}

POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406101206", "password": 12345678901}
expect 400
{"error": {"code": "json.type", "field": "password"}}

POST /api/v1/users
{"login": "li.si", "name": "李四", "password": "${password}"}
expect 400
{"error": {"code": "json.required", "field": "place_id"}}

POST /api/v1/users
{"login": "li.si", "place_id": "140406101206", "password": "${password}"}
expect 400
{"error": {"code": "json.required", "field": "name"}}

# a place that is not loaded (another town of the county)
POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406102000", "password": "${password}"}
expect 404
{"error": {"code": "places.not_found"}}

# a place that is loaded but above the administrator's town
POST /api/v1/users
{"login": "li.si", "name": "李四", "place_id": "140406000000", "password": "${password}"}
expect 403
{"error": {"code": "auth.forbidden"}}

# none of those made a user
GET /api/v1/users?q=li.si
expect 200
{"items": [], "total": 0}

# a county-level account (made on the command line) is outside the town administrator's reach
cli --set auth.argon2_memory_kib=8192 user add outsider --name 区里 --place 140406000000
expect exit 0
stdout ~ user outsider added

sql UPDATE users SET id = '01AAAAAAAAAAAAAAAAAAAAAAAA' WHERE login = 'outsider'
GET /api/v1/users/01AAAAAAAAAAAAAAAAAAAAAAAA
expect 403
{"error": {"code": "auth.forbidden"}}

PATCH /api/v1/users/01AAAAAAAAAAAAAAAAAAAAAAAA
{"disabled": true}
expect 403
{"error": {"code": "auth.forbidden"}}

PUT /api/v1/users/01AAAAAAAAAAAAAAAAAAAAAAAA/password
{"password": "Taken-over-123"}
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/users/01BBBBBBBBBBBBBBBBBBBBBBBB
expect 404
{"error": {"code": "accounts.user_not_found"}}

# paging: nine accounts in the town (eight, and wang.wu); the outsider is not listed
GET /api/v1/users?page_size=2
expect 200
{"items": [{"login": "admin"}, {"login": "auditor"}], "page": 1, "page_size": 2, "total": 9}

GET /api/v1/users?page_size=2&page=2
expect 200
{"items": [{"login": "cadre1"}, {"login": "cadre2"}], "page": 2, "total": 9}

GET /api/v1/users?page_size=2&page=5
expect 200
{"items": [{"login": "wang.wu"}], "page": 5, "total": 9}

GET /api/v1/users?page_size=2&page=6
expect 200
{"items": [], "total": 9}

GET /api/v1/users?sort=-login&page_size=3
expect 200
{"items": [{"login": "wang.wu"}, {"login": "security"}, {"login": "resident1"}], "total": 9}

GET /api/v1/users?sort=place,login&page_size=2
expect 200
{"items": [{"login": "admin"}, {"login": "auditor"}], "total": 9}

GET /api/v1/users?q=cadre
expect 200
{"items": [{"login": "cadre1"}, {"login": "cadre2"}], "total": 2}

# bad paging and sorting
GET /api/v1/users?sort=pw_hash
expect 400
{"error": {"code": "http.sort", "field": "sort"}}

GET /api/v1/users?sort=-
expect 400
{"error": {"code": "http.sort"}}

GET /api/v1/users?page_size=501
expect 400
{"error": {"code": "http.page_size", "field": "page_size"}}

GET /api/v1/users?page_size=0
expect 400
{"error": {"code": "http.page_size"}}

GET /api/v1/users?page=0
expect 400
{"error": {"code": "http.page", "field": "page"}}

GET /api/v1/users?page=two
expect 400
{"error": {"code": "http.page"}}

GET /api/v1/users?page_size=500
expect 200
{"total": 9}
