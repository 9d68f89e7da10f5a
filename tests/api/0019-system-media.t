# Media: uploads are typed by their content, stored by their SHA-256, stripped of their
# position unless asked, and served so that a browser never runs them.
# tests/api/files/make-files.py says what each file holds.

login cadre1
upload /api/v1/media file=@dot.png
expect 201
Location: /api/v1/media/2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20
{"id": "2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20",
 "mime": "image/png", "bytes": 69, "kept_position": false}

GET /api/v1/media/2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20
expect 200
Content-Type: image/png
X-Content-Type-Options: nosniff
Content-Security-Policy: sandbox
Content-Security-Policy: frame-ancestors 'none'
!Content-Disposition:

# the same file again: already stored, same id
upload /api/v1/media file=@dot.png
expect 200
{"id": "2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20", "mime": "image/png"}

# the same picture with an eXIf chunk: the chunk is removed, which leaves dot.png
upload /api/v1/media file=@dot-exif.png
expect 200
{"id": "2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20", "bytes": 69}

# unless the uploader keeps the position: then the file is stored as sent
upload /api/v1/media file=@dot-exif.png keep_position=1
expect 201
{"id": "98d41ecde6382bd748438d3c9ee9c4dc41b20f5364b062c3fc02948dc5516115", "bytes": 95,
 "kept_position": true}

# a JPEG with GPS coordinates: stored with the GPS directory and its values zeroed
upload /api/v1/media file=@gps.jpg
expect 201
{"id": "18be539291c7dc18786c36348574b8c7c31166db5bb1ccaea6e29e116f31d256",
 "mime": "image/jpeg", "bytes": 279, "kept_position": false}

GET /api/v1/media/18be539291c7dc18786c36348574b8c7c31166db5bb1ccaea6e29e116f31d256
expect 200
Content-Type: image/jpeg
X-Content-Type-Options: nosniff

upload /api/v1/media file=@gps.jpg keep_position=1
expect 201
{"id": "3d13e926a1570381390ffb3bd0e84a1db72883cb82c473ea2e6daf3a3eac2721", "kept_position": true}

# a PDF is served as a download, never inline
upload /api/v1/media file=@tiny.pdf
expect 201
{"id": "79370862c6cb54e96ed3125464c11e4ce3e8b08fb5048723695b6b9e9728d701",
 "mime": "application/pdf"}

GET /api/v1/media/79370862c6cb54e96ed3125464c11e4ce3e8b08fb5048723695b6b9e9728d701
expect 200
Content-Type: application/pdf
Content-Disposition: attachment
X-Content-Type-Options: nosniff

# the name does not make the type: an SVG and a text file called .png are refused
upload /api/v1/media file=@image.svg.png
expect 415
{"error": {"code": "media.type", "field": "file"}}

upload /api/v1/media file=@notes.png
expect 415
{"error": {"code": "media.type", "field": "file"}}

# a JPEG whose first segment runs past its end
upload /api/v1/media file=@broken.jpg
expect 415
{"error": {"code": "media.malformed", "field": "file"}}

# no file field; not multipart at all
upload /api/v1/media note=hello
expect 400
{"error": {"code": "media.file_required", "field": "file"}}

POST /api/v1/media
{"file": "aGVsbG8="}
expect 415
{"error": {"code": "http.unsupported_media_type"}}

# ids that are not stored, or not ids
GET /api/v1/media/0000000000000000000000000000000000000000000000000000000000000000
expect 404
{"error": {"code": "media.not_found"}}

GET /api/v1/media/2E9B06DC65A4DEC84A3EB3124553EC93CA27C78221E64AB2177D0F1412CFCB20
expect 404
{"error": {"code": "media.not_found"}}

GET /api/v1/media/..%2F..%2Ft.db
expect 404


# a resident may neither upload nor read
login resident1
upload /api/v1/media file=@dot.png
expect 403
{"error": {"code": "auth.forbidden"}}

GET /api/v1/media/2e9b06dc65a4dec84a3eb3124553ec93ca27c78221e64ab2177d0f1412cfcb20
expect 403
{"error": {"code": "auth.forbidden"}}

# nor may anyone signed out
as anon
upload /api/v1/media file=@dot.png
expect 401
{"error": {"code": "auth.required"}}

# uploads are audited once per stored file
login auditor
GET /api/v1/audit?entity=media
expect 200
{"total": 5}

GET /api/v1/audit?entity=media&entity_id=18be539291c7dc18786c36348574b8c7c31166db5bb1ccaea6e29e116f31d256
expect 200
{"items": [{"action": "create", "actor_name": "cadre1",
            "changes": {"mime": "image/jpeg", "bytes": 279, "kept_position": false}}]}
