# What fuzz_http (tests/fuzz/fuzz_http.c) found in the HTTP layer, each kept as a test.

# A multipart part without a name (no name= in its Content-Disposition) crashed the server
# in the route's place rule (req_form compared a NULL name); now it is a 400 naming the
# body as malformed, on a route that reads form fields and on one that reads files.
login cadre1
upload /api/v1/export-templates =@template-people.xlsx name=名册 place_id=140406101204
expect 400
{"error": {"code": "http.multipart"}}

upload /api/v1/media =@dot.png
expect 400
{"error": {"code": "http.multipart"}}

upload /api/v1/media =hello
expect 400
{"error": {"code": "http.multipart"}}

# the server is still up, and a part with a name still works
upload /api/v1/media file=@dot.png
expect 201
