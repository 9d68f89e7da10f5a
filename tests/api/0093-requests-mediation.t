# people's mediation (人民调解) of a neighbour dispute: one record a request (parties with
# their phones sealed and shown masked, the mediator an account, the date, the place, the
# dispute, the agreement, the result), on the request page and its timeline, audited

login grid1
GET /api/v1/me
expect 200
capture grid = .user.id

login cadre1
POST /api/v1/requests
{"category_id": "dispute", "place_id": "140406101204", "source": "staff_visit", "description": "两家为院子排水吵架"}
expect 201
{"may_mediate": true, "mediation": null}

capture q = .id

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "source": "staff_visit"}
expect 201
{"may_mediate": false}

capture wires = .id

GET /api/v1/requests/${q}/mediation
expect 404
{"error": {"code": "requests.mediation_not_found"}}

# bad input: nothing written
POST /api/v1/requests/${wires}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "x", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"code": "requests.mediation_category"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "agreed", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"code": "requests.agreement_required", "field": "agreement"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "maybe", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"code": "requests.mediation_result", "field": "result"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}]}
expect 400
{"error": {"code": "requests.parties", "field": "parties"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": ""}]}
expect 400
{"error": {"code": "requests.parties", "field": "parties[1].name"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四", "age": 3}]}
expect 400
{"error": {"code": "requests.parties", "field": "parties[1]"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三", "phone": "139"}, {"name": "李四"}]}
expect 400
{"error": {"field": "parties[0].phone"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "nobody", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"code": "requests.mediator", "field": "mediator_user_id"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2999-01-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"code": "requests.mediation_date", "field": "held_on"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-02-30", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"field": "held_on"}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 400
{"error": {"field": "dispute"}}

sql SELECT 'm=' || (SELECT count(*) FROM request_mediations) || ' p=' || (SELECT count(*) FROM request_mediation_parties)
stdout ~ m=0 p=0

# not the place of a village's secretary elsewhere; a resident is no staff
login cadre2
POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 403

login resident1
GET /api/v1/requests/${q}/mediation
expect 403

login cadre1
POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "秦家山村委会调解室", "dispute": "东家院子的水流到西家院里", "agreement": "东家三日内改排水沟，西家不再堆土", "result": "agreed", "parties": [{"name": "张三", "phone": "13912345678"}, {"name": "李四", "phone": null}]}
expect 201
{"mediation": {"id": "*", "request_id": "${q}", "mediator_user_id": "${grid}", "mediator_name": "*", "held_on": "2026-03-01", "held_at": "秦家山村委会调解室", "result": "agreed", "agreement": "东家三日内改排水沟，西家不再堆土", "parties": [{"name": "张三", "phone": "139****5678"}, {"name": "李四", "phone": null}]}}

POST /api/v1/requests/${q}/mediation
{"mediator_user_id": "${grid}", "held_on": "2026-03-01", "held_at": "村委会", "dispute": "排水", "result": "referred", "parties": [{"name": "张三"}, {"name": "李四"}]}
expect 409
{"error": {"code": "requests.mediation_exists"}}

# sealed: no phone in the clear
sql SELECT 'clear=' || count(*) FROM request_mediation_parties WHERE phone_enc LIKE '%13912345678%'
stdout ~ clear=0

sql SELECT 'sealed=' || count(*) FROM request_mediation_parties WHERE phone_enc IS NOT NULL AND phone_hash IS NOT NULL
stdout ~ sealed=1

login grid1
GET /api/v1/requests/${q}
expect 200
{"may_mediate": false, "mediation": {"result": "agreed", "parties": [{"name": "张三"}, {"name": "李四"}]}, "timeline": [{"action": "submit"}, {"action": "route"}, {"action": "mediate", "actor_kind": "user", "data": {"result": "agreed", "parties": 2}}]}

GET /api/v1/requests/${q}/mediation
expect 200
{"mediation": {"dispute": "东家院子的水流到西家院里"}}

sql SELECT 'audit=' || count(*) FROM audit_log WHERE entity = 'request_mediations' AND action = 'create' AND changes NOT LIKE '%139%'
stdout ~ audit=1
