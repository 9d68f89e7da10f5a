# Renaming and editing a place: If-Match, history of every change with before and after,
# attributes cleared with null, and an edit that changes nothing writes nothing.

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "dwelling", "name": "王家院", "room": "前街12号"}
expect 201
ETag: "1"
capture house = .id
capture v1 = header ETag

PATCH /api/v1/places/${house}
If-Match: ${v1}
{"name": "王家老院"}
expect 200
ETag: "2"
{"name": "王家老院", "version": 2, "room": "前街12号"}

capture v2 = header ETag

# a stale version is refused and changes nothing
PATCH /api/v1/places/${house}
If-Match: ${v1}
{"name": "旧页面"}
expect 412
{"error": {"code": "http.precondition_failed"}}

GET /api/v1/places/${house}
expect 200
ETag: "2"
{"name": "王家老院"}

# attributes: set some, clear one with null
PATCH /api/v1/places/${house}
If-Match: ${v2}
{"area": 120.5, "lat": 36.33, "lng": 113.22, "room": null}
expect 200
ETag: "3"
{"name": "王家老院", "area": 120.50, "lat": 36.3300000, "lng": 113.2200000, "room": null}

# the same values again: nothing written, the version stays
PATCH /api/v1/places/${house}
{"area": 120.50, "name": "王家老院"}
expect 200
ETag: "3"
{"version": 3}

# a polygon, then none
PATCH /api/v1/places/${house}
{"geojson": {"type": "MultiPolygon", "coordinates": [[[[113.22, 36.33], [113.221, 36.33],
 [113.221, 36.331], [113.22, 36.33]]]]}}
expect 200
ETag: "4"
{"geojson": {"type": "MultiPolygon"}}

PATCH /api/v1/places/${house}
{"geojson": null, "lat": null, "lng": null}
expect 200
ETag: "5"
{"geojson": null, "lat": null, "lng": null, "area": 120.50}

# the history, newest first: what each change was, before and after
GET /api/v1/places/${house}/history
expect 200
{"items": [{"action": "edit", "before": {"geojson": "~sha256:", "lat": 36.3300000},
            "after": {"geojson": null, "lat": null, "lng": null}},
           {"action": "edit", "before": {"geojson": null}, "after": {"geojson": "~sha256:"}},
           {"action": "edit", "before": {"area": null, "room": "前街12号", "lat": null},
            "after": {"area": 120.50, "room": null, "lat": 36.3300000, "lng": 113.2200000}},
           {"action": "rename", "before": {"name": "王家院"}, "after": {"name": "王家老院"},
            "actor_name": "cadre1"},
           {"action": "create"}],
 "total": 5}

GET /api/v1/places/${house}/history?sort=at&page_size=2
expect 200
{"items": [{"action": "create"}, {"action": "rename"}], "total": 5, "page_size": 2}

GET /api/v1/places/${house}/history?sort=actor
expect 400
{"error": {"code": "http.sort"}}

# an NBS unit may be given a display name by hand; its NBS name stays
PATCH /api/v1/places/140406101204
{"name": "秦家山"}
expect 200
{"name": "秦家山", "nbs_name": "秦家山村村委会", "code": "140406101204"}

GET /api/v1/places/140406101204/history
expect 200
{"items": [{"action": "rename", "before": {"name": "秦家山村"}, "after": {"name": "秦家山"}}],
 "total": 1}

# the history is for whoever may read the place: the grid worker of the village too, not
# the secretary of another village
login grid1
GET /api/v1/places/${house}/history
expect 200
{"total": 5}

login cadre2
GET /api/v1/places/${house}/history
expect 403

PATCH /api/v1/places/${house}
{"name": "冯村的"}
expect 403

# every change is in the audit log too
login auditor
GET /api/v1/audit?entity=places&entity_id=${house}
expect 200
{"total": 5}
