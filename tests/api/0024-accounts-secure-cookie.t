# Behind HTTPS (session.secure_cookie=true) the session cookie is also marked Secure.
set session.secure_cookie=true

POST /api/v1/session
{"login": "leader", "password": "${password}"}
expect 200
Set-Cookie: ; Secure
Set-Cookie: HttpOnly
Set-Cookie: SameSite=Strict
