# the authorization matrix, generated from the route declarations (`cunwu routes --json`):
# every route, as every role of the fixture and without a session, over a target in
# 秦家山村 (A: cadre1's, grid1's, resident1's) and one in 冯村 (B: cadre2's). What the
# declaration does not allow is refused (401 / 403 / 404); what it allows is not refused;
# nothing answers 5xx; an allowed read shows nothing of a village outside the caller's
# grants, and a list's total counts only its rows. A route added without a target here
# fails this test until one is given.
set requests.public_per_hour=1000000
set http.body_max=8192
login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村矩阵1号", "kind": "registered"}
expect 201

capture hh_a = .id

login cadre2
POST /api/v1/households
{"place_id": "140406101205", "address": "冯村矩阵1号", "kind": "registered"}
expect 201

capture hh_b = .id

login cadre1
POST /api/v1/people
{"household_id": "${hh_a}", "name": "秦甲", "relation": "head", "id_no": "140406194003120016", "phone": "13812345678"}
expect 201

capture p_a = .id

login cadre2
POST /api/v1/people
{"household_id": "${hh_b}", "name": "冯乙", "relation": "head", "id_no": "140406195001010010"}
expect 201

capture p_b = .id

login cadre1
POST /api/v1/orgs
{"place_id": "140406101204", "name": "秦家山村矩阵超市", "kind": "shop"}
expect 201

capture o_a = .id

login cadre2
POST /api/v1/orgs
{"place_id": "140406101205", "name": "冯村矩阵超市", "kind": "shop"}
expect 201

capture o_b = .id

login leader
POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101204", "description": "秦家山村电线", "source": "staff_phone"}
expect 201

capture r_a = .id

POST /api/v1/requests
{"category_id": "wires", "place_id": "140406101205", "description": "冯村电线", "source": "staff_phone"}
expect 201

capture r_b = .id

POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01"}
expect 201

capture d_a = .id

POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101205", "user_login": "cadre2", "from_date": "2021-05-01"}
expect 201

capture d_b = .id

login cadre1
upload /api/v1/imports?place=140406101204 file=@households.csv
expect 201

capture i_a = .id

login cadre2
upload /api/v1/imports?place=140406101205 file=@households.csv
expect 201

capture i_b = .id

login leader
upload /api/v1/media file=@dot.png
expect 201

capture media = .id

login admin
POST /api/v1/users
{"login": "matrix.a", "name": "矩阵甲", "place_id": "140406101204", "password": "Matrix-pass-1"}
expect 201

capture u_a = .id

POST /api/v1/users
{"login": "matrix.b", "name": "矩阵乙", "place_id": "140406101205", "password": "Matrix-pass-1"}
expect 201

capture u_b = .id

login security
POST /api/v1/grants
{"user_id": "${u_a}", "role_id": "grid_worker", "place_id": "140406101204"}
expect 201

capture g_a = .id

POST /api/v1/grants
{"user_id": "${u_b}", "role_id": "grid_worker", "place_id": "140406101205"}
expect 201

capture g_b = .id

login leader
upload /api/v1/export-templates file=@template-people.xlsx name=矩阵花名册 place_id=140406101204
expect 201

capture t_a = .id

login auditor
POST /api/v1/audit/verify
expect 202

capture job = .job.id

login resident1
POST /api/v1/me/requests
{"category_id": "wires", "place_id": "140406101204", "description": "院墙外的电线垂下来了"}
expect 201

capture mine = .id
capture code = .tracking_code

POST /api/v1/tokens
{"name": "phone"}
expect 201

capture tok = .id

matrix-target place 140406101204 140406101205
matrix-target household ${hh_a} ${hh_b}
matrix-target person ${p_a} ${p_b}
matrix-target organization ${o_a} ${o_b}
matrix-target request ${r_a} ${r_b}
matrix-target duty ${d_a} ${d_b}
matrix-target import ${i_a} ${i_b}
matrix-target user ${u_a} ${u_b}
matrix-target grant ${g_a} ${g_b}
matrix-target template ${t_a}@140406101204
matrix-target job ${job}@140406000000
matrix-param :code ${code}
matrix-param :tag aged80
matrix-param /api/v1/me/requests/:id ${mine}
matrix-param /api/v1/me/requests/:id/actions ${mine}
matrix-param /api/v1/tokens/:id ${tok}
matrix-param /api/v1/media/:id ${media}
matrix-param /api/v1/export-templates/:id/fill ${t_a}
matrix-param /api/v1/request-categories/:id wires
matrix-param /api/v1/request-categories/:id/retire wires
# stricter than declared, on purpose (the handler's rule, told in its declaration)
matrix-except GET /api/v1/jobs/:id * 403
# a county's forms are read by whoever reads people in the county (told in its declaration)
matrix-except GET /api/v1/export-templates/:id * 200
# every write is also sent bad bodies first: malformed JSON, an array, invalid UTF-8, a NUL,
# text/plain and one over http.body_max; each refused with its code, nothing written
matrix-bad
matrix admin security auditor leader cadre1 cadre2 grid1 resident1
