# `serve --public-only` (http.public_only): the public form, tracking and their API only;
# every other route, staff login included, is 404 as if it did not exist (not 401, 403, 405)
set http.public_only=true

cli routes --public-only
expect exit 0
stdout ~ /api/v1/public/requests
stdout ~ [public zone]
stdout !~ /api/v1/session
stdout !~ /api/v1/me/requests
cli routes
expect exit 0
stdout ~ GET     /healthz                           system     public                 none  [public zone]
stdout ~ POST    /api/v1/public/media
stdout ~ POST    /api/v1/session                    accounts   public                 none
stdout !~ /api/v1/session                    accounts   public                 none  [public zone]

# staff sign-in and everything behind it
POST /api/v1/session
{"login": "admin", "password": "Test-pass-123"}
expect 404
{"error": {"code": "http.not_found"}}

DELETE /api/v1/session
expect 404

GET /api/v1/me
expect 404

GET /api/v1/users
expect 404
{"error": {"code": "http.not_found"}}

GET /api/v1/places/140406101204
expect 404

PATCH /api/v1/places/140406101204
{"name": "x"}
expect 404
!Allow:

GET /api/v1/cockpit
expect 404

GET /api/v1/audit
expect 404

GET /api/v1/version
expect 404

POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "description": "x"}
expect 404

# the staff console is not there: no index.html, no login page, no staff bundle
GET /index.html
expect 404

GET /login
expect 404

GET /users/01M8K7H3AZ2BBGANP0KY2HAT5H
expect 404

GET /assets/no-such-file.js
expect 404

# the public pages are
GET /
expect 200
Content-Type: text/html

GET /r
expect 200
Content-Type: text/html

GET /r/ABCD2345
expect 200
Content-Type: text/html

GET /public.html
expect 200

GET /healthz
expect 200

# and the public API: categories, places, the form, tracking, a resident's rating
GET /api/v1/request-categories
expect 200

GET /api/v1/public/places
expect 200
{"items": "*"}

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "公网上报：巷子里电线垂到头顶", "contact_phone": "13912345678"}
expect 201
{"tracking_code": "*", "status": "submitted"}

capture code = .tracking_code

GET /api/v1/public/requests/${code}
expect 200
{"status": "submitted"}

GET /api/v1/public/requests?place=140406101204
expect 200

sql SELECT 'stored:' || count(*) || ':' FROM requests WHERE description LIKE '公网上报%'
stdout ~ stored:1:

# the full server starts and stops over the same database while this one serves
cli --set key_file=${dir}/cunwu.key --set media.dir=${dir}/media --set http.stop_after=1 serve --listen 127.0.0.1:0
expect exit 0

GET /api/v1/public/requests/${code}
expect 200
