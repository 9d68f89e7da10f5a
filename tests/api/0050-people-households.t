# households and their people: create, derived facts and tags, masking, search, scope

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村三组12号", "kind": "registered", "hukou_no": "140406-0012"}
expect 201
Location: /api/v1/households/
{"place_id": "140406101204", "place_name": "秦家山村", "kind": "registered", "member_count": 0, "head_id": null, "members": []}

capture hh = .id

# the head: birth date and sex come from the ID number; the number and phone are masked
POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194003120016", "phone": "138 1234 5678"}
expect 201
{"name": "王建国", "pinyin": "wangjianguo", "id_kind": "resident", "id_no": "140406********0016", "phone": "138****5678", "birth_date": "1940-03-12", "sex": "M", "status": "present", "tags": [{"id": "elderly_alone", "source": "rule"}, {"id": "aged80", "source": "rule"}]}

capture head = .id

# the same number again, in any writing, is a duplicate
POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "id_no": "１４０４０６１９４００３１２００１６"}
expect 409
{"error": {"code": "people.duplicate_id", "field": "id_no"}}

# bad numbers say what is wrong, naming the field
POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "id_no": "140406194003120017"}
expect 400
{"error": {"code": "people.id_check", "field": "id_no"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "id_no": "140406194002300015"}
expect 400
{"error": {"code": "people.id_date", "field": "id_no"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "id_no": "1.40406E+17"}
expect 400
{"error": {"code": "people.id_mangled", "field": "id_no"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "cousin"}
expect 400
{"error": {"code": "people.relation", "field": "relation"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "phone": "12345"}
expect 400
{"error": {"code": "people.phone_format", "field": "phone"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "王建设", "relation": "sibling", "id_no": "140406195208140058", "birth_date": "1952-08-15"}
expect 400
{"error": {"code": "people.birth_mismatch", "field": "birth_date"}}

POST /api/v1/people
{"household_id": "${hh}", "name": "李秀英", "relation": "head"}
expect 409
{"error": {"code": "people.head_exists", "field": "relation"}}

POST /api/v1/people
{"household_id": "01M8K7H3AZ2BBGANP0KY2HAT5H", "name": "李秀英", "relation": "spouse"}
expect 400
{"error": {"code": "people.household_not_found", "field": "household_id"}}

# nothing of those was written
GET /api/v1/households/${hh}
expect 200
{"member_count": 1, "head_id": "${head}", "head_name": "王建国"}

# a spouse: the head no longer lives alone
POST /api/v1/people
{"household_id": "${hh}", "name": "李秀英", "relation": "spouse", "id_no": "140406194411110044", "phone": "0355-6012345"}
expect 201
{"sex": "F", "birth_date": "1944-11-11", "phone": "0355-***2345", "tags": [{"id": "aged80"}]}

capture spouse = .id

GET /api/v1/people/${head}
expect 200
ETag: "1"
{"tags": [{"id": "aged80"}]}

# search: two characters, initials, the whole ID number, the phone — always the same person
GET /api/v1/people?q=建国
expect 200
{"total": 1, "items": [{"id": "${head}", "id_no": "140406********0016"}]}

GET /api/v1/people?q=wjg
expect 200
{"total": 1, "items": [{"id": "${head}"}]}

# initials are a prefix too (w, wj); letters with a vowel are the start of the whole pinyin
GET /api/v1/people?q=W
expect 200
{"total": 1, "items": [{"id": "${head}"}]}

GET /api/v1/people?q=wangj
expect 200
{"total": 1, "items": [{"id": "${head}"}]}

GET /api/v1/people?q=wangx
expect 200
{"total": 0, "items": []}

# initials with a vowel-initial syllable (欧阳 ouyang) are found as initials and as pinyin
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村三组13号", "kind": "registered"}
expect 201

capture hh2 = .id

POST /api/v1/people
{"household_id": "${hh2}", "name": "欧阳念慈", "relation": "head"}
expect 201

capture ouyang = .id

GET /api/v1/people?q=oync
expect 200
{"total": 1, "items": [{"id": "${ouyang}"}]}

GET /api/v1/people?q=ouyang
expect 200
{"total": 1, "items": [{"id": "${ouyang}"}]}

GET /api/v1/people?q=o
expect 200
{"total": 1, "items": [{"id": "${ouyang}"}]}


# a search that matches over 100 stops counting there and says so; its pages go on
sql INSERT INTO persons (id, region, household_id, place_id, name, name_pinyin, name_initials, relation, created_at, updated_at) WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 1001) SELECT 'cap' || (10000 + k), h.region, h.household_id, h.place_id, '秦琴', 'qinqin', 'qq', 'other', h.created_at, h.updated_at FROM n, persons h WHERE h.id = '${head}'
sql INSERT INTO person_grams (gram, person_id, pinyin, place_id) SELECT 'py:qq', id, name_pinyin, place_id FROM persons WHERE name_initials = 'qq'

GET /api/v1/people?q=qq
expect 200
{"total": 100, "total_capped": true, "page": 1, "items": [{"id": "cap10001"}, "..."]}

GET /api/v1/people?q=qq&page=21
expect 200
{"total": 100, "total_capped": true, "items": [{"id": "cap11001"}]}

GET /api/v1/people?q=wjg
expect 200
{"total": 1}

sql DELETE FROM person_grams WHERE gram = 'py:qq'
sql DELETE FROM persons WHERE name_initials = 'qq'

GET /api/v1/people?q=王建国
expect 200
{"total": 1}

GET /api/v1/people?q=140406194003120016
expect 200
{"total": 1, "items": [{"id": "${head}"}]}

GET /api/v1/people?q=13812345678
expect 200
{"total": 1, "items": [{"id": "${head}"}]}

GET /api/v1/people?q=140406194003120017
expect 400
{"error": {"code": "people.id_check", "field": "q"}}

GET /api/v1/people?age_min=80&sort=birth_date
expect 200
{"total": 2, "items": [{"id": "${head}"}, {"id": "${spouse}"}]}

GET /api/v1/people?tag=aged80&place=140406101204
expect 200
{"total": 2}

GET /api/v1/people?age_max=79
expect 200
{"total": 0}

# another village's secretary sees none of it
login cadre2
GET /api/v1/people
expect 200
{"total": 0, "items": []}

GET /api/v1/people?q=王建国
expect 200
{"total": 0}

GET /api/v1/people/${head}
expect 403

GET /api/v1/households/${hh}
expect 403

POST /api/v1/people
{"household_id": "${hh}", "name": "王小明", "relation": "grandchild"}
expect 403

# the town leader reads, masked, but may not reveal
login leader
GET /api/v1/people/${head}
expect 200
{"id_no": "140406********0016", "phone": "138****5678"}

POST /api/v1/people/${head}/reveal
{"fields": ["id_no"], "reason": "核实身份"}
expect 403

# the village secretary may, and the audit log says who saw what of whom
login cadre1
POST /api/v1/people/${head}/reveal
{"fields": ["id_no", "phone"], "reason": "低保复核"}
expect 200
{"id_no": "140406194003120016", "phone": "13812345678"}

POST /api/v1/people/${head}/reveal
{"fields": ["password"], "reason": "核实"}
expect 400
{"error": {"field": "fields"}}

POST /api/v1/people/${head}/reveal
{"fields": ["id_no"]}
expect 400
{"error": {"code": "json.required", "field": "reason"}}

login auditor
GET /api/v1/audit?entity=persons&entity_id=${head}
expect 200
{"items": [{"action": "reveal", "changes": {"fields": ["id_no", "phone"], "reason": "低保复核"}}, "..."]}

# the audit log holds no personal data in clear
sql SELECT 'clear:' || count(*) || ':' FROM audit_log WHERE changes LIKE '%140406194003120016%' OR changes LIKE '%13812345678%' OR changes LIKE '%王建国%'
stdout ~ clear:0:

# nor does the database
sql SELECT 'clear:' || count(*) || ':' FROM persons WHERE id_enc LIKE '%1404061940%' OR phone_enc LIKE '%138123%'
stdout ~ clear:0:

as anon
GET /api/v1/people
expect 401
