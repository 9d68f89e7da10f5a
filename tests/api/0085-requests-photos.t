# photos: uploaded first (POST /api/v1/media), then named by id at intake ("report") and
# with the reply ("reply"); only uploaded images, at most nine, and only with those steps

login cadre1
upload /api/v1/media file=@dot.png
expect 201

capture png = .id

upload /api/v1/media file=@gps.jpg
expect 201

capture png2 = .id

upload /api/v1/media file=@tiny.pdf
expect 201

capture pdf = .id

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit", "photos": ["${pdf}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit", "photos": ["0000000000000000000000000000000000000000000000000000000000000000"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit", "photos": ["${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}", "${png}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit", "photos": ["short"]}
expect 400
{"error": {"field": "photos"}}

sql SELECT 'n=' || count(*) FROM requests
stdout ~ n=0

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit", "photos": ["${png}"]}
expect 201
{"photos": [{"media_id": "${png}", "kind": "report", "mime": "image/png"}]}

capture q = .id

POST /api/v1/requests/${q}/actions
{"action": "sign", "photos": ["${png2}"]}
expect 400
{"error": {"code": "requests.photo", "field": "photos"}}

POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "线已收好", "photos": ["${png2}"]}
expect 200
{"status": "resolved", "photos": [{"media_id": "${png}", "kind": "report"}, {"media_id": "${png2}", "kind": "reply"}]}

# the photos are the staff's to see, not the tracking page's
GET /api/v1/requests/${q}
expect 200
{"tracking_code": "*"}

capture code = .tracking_code

as anon
GET /api/v1/public/requests/${code}
expect 200
{"status": "resolved", "photos": "!"}
