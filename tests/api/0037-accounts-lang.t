# the console's language is remembered per user

login cadre1
GET /api/v1/me
expect 200
{"user": {"login": "cadre1", "lang": null}}

PATCH /api/v1/me
{"lang": "en"}
expect 204

GET /api/v1/me
expect 200
{"user": {"lang": "en"}}

# a new session of the same user gets it back; others are unaffected
login cadre1
GET /api/v1/me
expect 200
{"user": {"lang": "en"}}

login cadre2
GET /api/v1/me
expect 200
{"user": {"lang": null}}

# an administrator sees it, and the user's version (If-Match) did not move
login admin
GET /api/v1/users?q=cadre1
expect 200
{"items": [{"login": "cadre1", "lang": "en", "version": 1}]}

# bad input names the field; nothing changes
login cadre1
PATCH /api/v1/me
{"lang": "fr"}
expect 400
{"error": {"code": "accounts.lang", "field": "lang"}}

PATCH /api/v1/me
{"lang": 5}
expect 400
{"error": {"field": "lang"}}

PATCH /api/v1/me
{}
expect 400
{"error": {"code": "json.required", "field": "lang"}}

PATCH /api/v1/me
{"lang": "zh-CN", "theme": "dark"}
expect 400
{"error": {"code": "json.unknown_field", "field": "theme"}}

GET /api/v1/me
expect 200
{"user": {"lang": "en"}}

PATCH /api/v1/me
{"lang": "zh-CN"}
expect 204

GET /api/v1/me
expect 200
{"user": {"lang": "zh-CN"}}

# the change is in the audit log
login auditor
GET /api/v1/audit?entity=users
expect 200
{"items": [{"action": "lang"}, "..."]}

as anon
PATCH /api/v1/me
{"lang": "en"}
expect 401
