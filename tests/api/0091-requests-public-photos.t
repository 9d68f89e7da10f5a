# photos on the public form: uploaded without an account (POST /api/v1/public/media) —
# JPEG or PNG by their bytes, their own size cap, position stripped, limited per address —
# then named on the form (at most nine, only such uploads of the last hour)
set requests.public_media_max_bytes=2048
set requests.public_media_per_hour=6

as anon
upload /api/v1/public/media file=@dot.png
expect 201
{"mime": "image/png", "bytes": 69}

capture png = .id

# the position a phone writes is removed
upload /api/v1/public/media file=@gps.jpg
expect 201
{"mime": "image/jpeg"}

capture jpg = .id

sql SELECT 'kept=' || kept_position || ' by=' || coalesce(created_by, 'none') FROM media WHERE id = '${jpg}'
stdout ~ kept=0 by=none

# not an image, not an image by its bytes, over the cap, no file
upload /api/v1/public/media file=@tiny.pdf
expect 400
{"error": {"code": "requests.photo", "field": "file"}}

upload /api/v1/public/media file=@image.svg.png
expect 400
{"error": {"code": "requests.photo", "field": "file"}}

upload /api/v1/public/media file=@big.png
expect 413
{"error": {"code": "media.too_large", "field": "file"}}

upload /api/v1/public/media note=x
expect 400
{"error": {"code": "media.file_required", "field": "file"}}

# the same dot with its eXIf position: once stripped, the file stored already
upload /api/v1/public/media file=@dot-exif.png
expect 200
{"id": "${png}"}

# six an hour from one address (the refused ones count)
upload /api/v1/public/media file=@dot.png
expect 429
{"error": {"code": "requests.throttled"}}

sql SELECT 'up=' || count(*) FROM request_uploads
stdout ~ up=2

# a staff's upload (not through the public route) cannot be attached on the form
login cadre1
upload /api/v1/media file=@gps.jpg keep_position=1
expect 201

capture staff = .id

as anon
POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "photos": ["${staff}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "photos": ["${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "photos": [42]}
expect 400
{"error": {"field": "photos"}}

# an upload of more than an hour ago
sql UPDATE request_uploads SET created_at = '2020-01-01T00:00:00.000Z' WHERE media_id = '${jpg}'

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "photos": ["${png}", "${jpg}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

sql SELECT 'n=' || count(*) FROM requests
stdout ~ n=0

POST /api/v1/public/requests
{"category_id": "wires", "place_id": "140406101204", "description": "电线垂下来了", "photos": ["${png}"]}
expect 201

capture code = .tracking_code

# the tracking page shows none; staff see it as the report's photo
GET /api/v1/public/requests/${code}
expect 200
{"photos": "!"}

login cadre1
GET /api/v1/requests
expect 200
capture q = .items[0].id

GET /api/v1/requests/${q}
expect 200
{"source": "public", "photos": [{"media_id": "${png}", "kind": "report", "mime": "image/png"}]}

GET /api/v1/media/${png}
expect 200
Content-Type: image/png

# a resident's own account attaches such uploads too
login resident1
POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "photos": ["${staff}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "photos": ["${png}"]}
expect 201

sql SELECT 'attached=' || count(*) FROM request_media WHERE media_id = '${png}'
stdout ~ attached=2
