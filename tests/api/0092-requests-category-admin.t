# category admin (requests.admin, the town leader's): create, edit with If-Match, retire;
# the attribute spec and the rest checked as saved; a retired category takes no new
# requests and keeps its old ones

# not an admin
login cadre1
POST /api/v1/request-categories
{"id": "roads", "name": "道路", "response_hours": 4, "resolution_hours": 72, "duty_role": "area_leader"}
expect 403

login leader
POST /api/v1/request-categories
{"id": "roads", "name": "道路", "sort": 100, "response_hours": 4, "resolution_hours": 72, "duty_role": "area_leader"}
expect 201
ETag: "1"
{"id": "roads", "parent_id": null, "name": "道路", "attributes": [], "active": true, "version": 1}

POST /api/v1/request-categories
{"id": "roads.pothole", "parent_id": "roads", "name": "坑洼", "response_hours": 2, "resolution_hours": 48, "duty_role": "grid_worker", "attributes": [{"key": "size", "label": "大小", "type": "single", "required": true, "choices": ["小", "大"]}, {"key": "note", "label": "说明", "type": "text"}]}
expect 201
{"id": "roads.pothole", "parent_id": "roads", "attributes": [{"key": "size", "choices": ["小", "大"]}, {"key": "note"}]}

GET /api/v1/request-categories
expect 200
{"items": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {"id": "roads", "children": [{"id": "roads.pothole", "duty_role": "grid_worker"}]}]}

# bad input: nothing written
POST /api/v1/request-categories
{"id": "roads", "name": "道路", "response_hours": 4, "resolution_hours": 72, "duty_role": "area_leader"}
expect 409
{"error": {"code": "requests.category_exists", "field": "id"}}

POST /api/v1/request-categories
{"id": "Roads!", "name": "道路", "response_hours": 4, "resolution_hours": 72, "duty_role": "area_leader"}
expect 400
{"error": {"code": "requests.category_id", "field": "id"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "mayor"}
expect 400
{"error": {"code": "requests.duty_role", "field": "duty_role"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 80, "resolution_hours": 72, "duty_role": "town"}
expect 400
{"error": {"code": "requests.category_hours", "field": "resolution_hours"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 0, "resolution_hours": 72, "duty_role": "town"}
expect 400
{"error": {"field": "response_hours"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "colour"}]}
expect 400
{"error": {"code": "requests.spec_type", "field": "attributes[0].type"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "single"}]}
expect 400
{"error": {"code": "requests.spec_choices", "field": "attributes[0].choices"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "multi", "choices": ["甲", "甲"]}]}
expect 400
{"error": {"code": "requests.spec_choices", "field": "attributes[0].choices"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "number", "choices": ["1"]}]}
expect 400
{"error": {"code": "requests.spec_choices", "field": "attributes[0].choices"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "string"}, {"key": "a", "label": "B", "type": "text"}]}
expect 400
{"error": {"code": "requests.spec_key", "field": "attributes[1].key"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "A b", "label": "A", "type": "string"}]}
expect 400
{"error": {"code": "requests.spec_key", "field": "attributes[0].key"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "string", "required": "yes"}]}
expect 400
{"error": {"code": "requests.spec", "field": "attributes[0].required"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "type": "string"}]}
expect 400
{"error": {"code": "requests.spec", "field": "attributes[0].label"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": [{"key": "a", "label": "A", "type": "string", "colour": "red"}]}
expect 400
{"error": {"code": "requests.spec", "field": "attributes[0].colour"}}

POST /api/v1/request-categories
{"id": "r1", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town", "attributes": {"key": "a"}}
expect 400
{"error": {"code": "requests.spec", "field": "attributes"}}

POST /api/v1/request-categories
{"id": "r1", "parent_id": "nope", "name": "x", "response_hours": 4, "resolution_hours": 72, "duty_role": "town"}
expect 400
{"error": {"code": "requests.category_parent", "field": "parent_id"}}

# a leaf with requests turned into a parent
login cadre1
POST /api/v1/requests
{"category_id": "roads.pothole", "place_id": "140406101204", "source": "staff_phone", "attributes": {"size": "大"}}
expect 201
{"category_id": "roads.pothole", "handler_role": "*"}

capture q = .id

login leader
POST /api/v1/request-categories
{"id": "roads.pothole.deep", "parent_id": "roads.pothole", "name": "深坑", "response_hours": 1, "resolution_hours": 24, "duty_role": "grid_worker"}
expect 409
{"error": {"code": "requests.category_has_requests", "field": "parent_id"}}

PATCH /api/v1/request-categories/wires
{"parent_id": "roads.pothole"}
expect 409
{"error": {"code": "requests.category_has_requests", "field": "parent_id"}}

# under itself
PATCH /api/v1/request-categories/roads
{"parent_id": "roads.pothole"}
expect 400
{"error": {"code": "requests.category_parent", "field": "parent_id"}}

PATCH /api/v1/request-categories/roads
{"id": "streets"}
expect 400
{"error": {"code": "json.read_only", "field": "id"}}

PATCH /api/v1/request-categories/nope
{"name": "x"}
expect 404
{"error": {"code": "requests.category_not_found"}}

sql SELECT 'cats=' || count(*) FROM request_categories WHERE id LIKE 'r%'
stdout ~ cats=2

# edit with If-Match: a stale version is refused
PATCH /api/v1/request-categories/roads.pothole
If-Match: "7"
{"name": "路面坑洼"}
expect 412

PATCH /api/v1/request-categories/roads.pothole
If-Match: "1"
{"name": "路面坑洼", "resolution_hours": 36, "attributes": [{"key": "size", "label": "大小", "type": "single", "required": true, "choices": ["小", "中", "大"]}]}
expect 200
ETag: "2"
{"name": "路面坑洼", "resolution_hours": 36, "response_hours": 2, "version": 2, "attributes": [{"key": "size", "choices": ["小", "中", "大"]}]}

PATCH /api/v1/request-categories/roads.pothole
{"response_hours": 40}
expect 400
{"error": {"code": "requests.category_hours"}}

# a parent with active categories is not retired; a leaf is, and keeps its requests
POST /api/v1/request-categories/roads/retire
expect 409
{"error": {"code": "requests.category_children"}}

POST /api/v1/request-categories/roads.pothole/retire
If-Match: "1"
expect 412

POST /api/v1/request-categories/roads.pothole/retire
If-Match: "2"
expect 200
{"active": false, "version": 3}

POST /api/v1/request-categories/roads.pothole/retire
expect 409
{"error": {"code": "requests.category_retired"}}

GET /api/v1/request-categories
expect 200
{"items": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {"id": "roads", "children": []}]}

GET /api/v1/request-categories?retired=1
expect 200
{"items": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {"id": "roads", "children": [{"id": "roads.pothole", "active": false}]}]}

login cadre1
POST /api/v1/requests
{"category_id": "roads.pothole", "place_id": "140406101204", "source": "staff_phone", "attributes": {"size": "大"}}
expect 400
{"error": {"code": "requests.category_retired", "field": "category_id"}}

GET /api/v1/requests/${q}
expect 200
{"category_id": "roads.pothole", "category_name": "路面坑洼", "attributes": {"size": "大"}}

# audited
sql SELECT 'audit=' || count(*) FROM audit_log WHERE entity = 'request_categories'
stdout ~ audit=4
