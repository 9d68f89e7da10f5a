# Scope: a grant over a place covers its subtree and nothing else.

# cadre1 is branch secretary of 秦家山村 (140406101204)
login cadre1
GET /api/v1/places/140406101204
expect 200
ETag: *
{"id": "140406101204", "name": "秦家山村", "kind": "village", "parent_id": "140406101000",
 "depth": 4}

# a sibling village, the town above, and the county: forbidden
GET /api/v1/places/140406101205
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/places/140406101000
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/places/140406000000
expect 403
{"error": {"code": "auth.forbidden"}}

# a place that does not exist
GET /api/v1/places/140406999999
expect 404
{"error": {"code": "places.not_found"}}

GET /api/v1/places/not-an-id
expect 404
{"error": {"code": "places.not_found"}}

# the list holds only the subtree, whatever the filters ask for
GET /api/v1/places
expect 200
{"items": [{"id": "140406101204"}], "total": 1, "page": 1}

GET /api/v1/places?parent=140406101000
expect 200
{"items": [{"id": "140406101204"}], "total": 1}

GET /api/v1/places?q=冯村
expect 200
{"items": [], "total": 0}

# the town leader sees the town and its 18 villages, not the county above
login leader
GET /api/v1/places
expect 200
{"items": [{"id": "140406101000", "kind": "town", "name": "微子镇"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"},
           {"kind": "village"}, {"kind": "village"}, {"kind": "village"}],
 "total": 19}

GET /api/v1/places?kind=village&page_size=5
expect 200
{"items": ["*", "*", "*", "*", "*"], "total": 18, "page_size": 5}

GET /api/v1/places?parent=140406101000&sort=-code&page_size=1
expect 200
{"items": [{"id": "140406101230", "name": "李园村"}], "total": 18}

GET /api/v1/places?q=冯村
expect 200
{"items": [{"id": "140406101205", "name": "冯村"}], "total": 1}

GET /api/v1/places/140406101205
expect 200
{"name": "冯村"}

GET /api/v1/places/140406000000
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/places?sort=path
expect 400
{"error": {"code": "http.sort", "field": "sort"}}

# a resident may read places, but not the list of users
login resident1
GET /api/v1/places/140406101204
expect 200

GET /api/v1/users
expect 403
{"error": {"code": "auth.forbidden"}}

# a branch secretary has no accounts.users.read at all
login cadre2
GET /api/v1/users
expect 403
{"error": {"code": "auth.forbidden"}}

# the leader's users list covers the town: all eight accounts
login leader
GET /api/v1/users
expect 200
{"total": 8}

GET /api/v1/users?q=cadre1
expect 200
{"items": [{"login": "cadre1", "place_id": "140406101204"}], "total": 1}

# q finds text anywhere; % and _ are literal, not wildcards
as leader
GET /api/v1/places?q=%25
expect 200
{"items": [], "total": 0}

GET /api/v1/places?q=%E5%AE%B6
expect 200
{"total": 6}
