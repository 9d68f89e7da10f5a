# the web console is served by cunwu itself, with the headers a browser needs

# index.html: revalidated every time, gzip when accepted, the CSP on it
GET /
Accept-Encoding: gzip, deflate
expect 200
Content-Type: text/html; charset=utf-8
Cache-Control: no-cache
Content-Encoding: gzip
Vary: Accept-Encoding
ETag: *
Content-Security-Policy: script-src 'self';
Content-Security-Policy: frame-ancestors 'none'
X-Content-Type-Options: nosniff
Referrer-Policy: same-origin
capture index_etag = header ETag

# without gzip in Accept-Encoding (or refused with q=0) the plain bytes
GET /
Accept-Encoding: gzip;q=0, identity
expect 200
!Content-Encoding:
Content-Type: text/html

GET /index.html
expect 200
!Content-Encoding:

# an unchanged index.html is not sent again
GET /
If-None-Match: ${index_etag}
expect 304

# the console's own routes load the app
GET /users/01M8K7H3AZ2BBGANP0KY2HAT5H
expect 200
Content-Type: text/html
Cache-Control: no-cache

GET /places
expect 200
Content-Type: text/html

HEAD /login
expect 200
Content-Type: text/html

# a file the console does not have is a 404, not the app
GET /assets/nothing-AbCdEf12.js
expect 404
Content-Type: application/json
{"error": {"code": "http.not_found"}}

GET /robots-missing.txt
expect 404

GET /favicon.svg
expect 200
Content-Type: image/svg+xml

# the API's own 404 stays JSON, also for a path that looks like a page
GET /api/v1/no-such-thing
expect 404
Content-Type: application/json
Content-Security-Policy: default-src 'self'
X-Frame-Options: DENY
{"error": {"code": "http.not_found"}}

GET /api/v1
expect 404
Content-Type: application/json

# writing to the console is not a thing
POST /index.html
{}
expect 404

# the API answers carry the same security headers and are never cached
login leader
GET /api/v1/me
expect 200
Cache-Control: no-store
Content-Security-Policy: frame-ancestors 'none'
Referrer-Policy: same-origin
