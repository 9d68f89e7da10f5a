# every route declares its permission and how the place it acts on is found
cli routes
expect exit 0
stdout !~ UNDECLARED
stdout ~ GET     /healthz                           system     public
stdout ~ POST    /api/v1/users                      accounts   accounts.users.write   body place_id
stdout ~ GET     /api/v1/places                     places     places.read            scope

# what is public is only what must be
GET /api/v1/me
expect 401
GET /api/v1/users
expect 401
GET /api/v1/places
expect 401
GET /api/v1/cockpit
expect 401
GET /api/v1/audit
expect 401
GET /api/v1/roles
expect 401
GET /api/v1/tokens
expect 401
GET /api/v1/media/0000000000000000000000000000000000000000000000000000000000000000
expect 401
GET /api/v1/jobs/01M8K7H3AZ2BBGANP0KY2HAT5H
expect 401
GET /
expect 200
Content-Type: text/html
