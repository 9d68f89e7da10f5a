# unknown path: 404 with a JSON error
GET /api/v1/nothing-here
expect 404
{"error": {"code": "http.not_found", "message": "*", "field": null}}

# known path, wrong method: 405 with Allow
DELETE /healthz
expect 405
Allow: GET
{"error": {"code": "http.method_not_allowed"}}

# malformed JSON: 400
login admin
POST /api/v1/users
{"login": "x",
expect 400
{"error": {"code": "json.malformed"}}

# a body over 1 MiB: 413, and nothing is read into memory past the cap
POST /api/v1/users
body-size 1100000
expect 413
{"error": {"code": "http.body_too_large"}}

# a JSON route refuses other content types
POST /api/v1/users
Content-Type: text/plain
hello
expect 415
{"error": {"code": "http.unsupported_media_type"}}

# a chunked body declares no length: its type is still checked
POST /api/v1/users
Content-Type: text/plain
Transfer-Encoding: chunked
hello
expect 415
{"error": {"code": "http.unsupported_media_type"}}

# and so is its size
POST /api/v1/users
Transfer-Encoding: chunked
body-size 1100000
expect 413
{"error": {"code": "http.body_too_large"}}
