# The upload cap (media.max_bytes): over it is 413, whether found while streaming the
# file or from the declared length; the server goes on serving.
set media.max_bytes=2048

login leader
upload /api/v1/media file=@dot.png
expect 201
{"mime": "image/png", "bytes": 69}

# big.png is 3089 bytes: refused while it streams in
upload /api/v1/media file=@big.png
expect 413
{"error": {"code": "media.too_large", "field": "file"}}

# a body declared far over the cap is refused before it is read
POST /api/v1/media
body-size 70000
expect 413
{"error": {"code": "media.too_large"}}

GET /healthz
expect 200

# nothing was stored for the refused uploads
login auditor
GET /api/v1/audit?entity=media
expect 200
{"total": 1}
