# Export templates (上报表): a superior's form uploaded once — its title rows, two-row merged
# header and columns bound to fields by their names — then filled for a place: the people of
# a search (masked, IDs as text cells) under the form's own header, its {place} and {month}
# replaced (tests/unit/tabular/write.c reads the titles back); read back with `cunwu import
# inspect`.

login cadre1
POST /api/v1/households
{"place_id": "140406101204", "address": "秦家山村三组12号", "kind": "registered"}
expect 201

capture hh = .id

POST /api/v1/people
{"household_id": "${hh}", "name": "王建国", "relation": "head", "id_no": "140406194003120016", "phone": "138 1234 5678"}
expect 201

capture wang = .id

POST /api/v1/people/${wang}/tags
{"tag_id": "veteran"}
expect 204

POST /api/v1/people
{"household_id": "${hh}", "name": "=王小明", "relation": "child", "id_no": "140406201001010019"}
expect 201

# the form: its header found under two title rows, each column bound by its name; one
# bound by hand (帮扶措施 -> note)
upload /api/v1/export-templates file=@template-people.xlsx name=重点人群花名册 place_id=140406101204 bind={"H":"note"}
expect 201
{"name": "重点人群花名册", "kind": "people", "region": "140406", "sheet_name": "花名册", "data_first": 4, "ncols": 8, "columns": [{"col": 0, "name": "序号", "field": "seq"}, {"name": "基本信息/姓名", "field": "name"}, {"field": "sex"}, {"field": "age"}, {"field": "id_no"}, {"field": "village"}, {"field": "tags"}, {"name": "帮扶措施", "field": "note"}]}

capture tpl = .id

GET /api/v1/export-templates
expect 200
{"items": [{"id": "${tpl}", "kind": "people"}]}

GET /api/v1/export-templates/${tpl}
expect 200
{"layout": {"cells": "*", "merges": "*"}}

GET /api/v1/export-templates/${tpl}/fill?place=140406101204&month=2026-11
expect 200
Content-Type: spreadsheetml
Content-Disposition: filename*=UTF-8''%E9%87%8D%E7%82%B9

save filled.xlsx

cli import inspect ${dir}/filled.xlsx
expect exit 0
stdout ~ header:   rows 3-4, under 2 title rows
stdout ~ A=1 (number) B=王建国 (text) C=男 (text) D=86 (number) E=140406********0016 (text) F=秦家山村 (text) G=高龄、退役军人 (text)
stdout ~ B='=王小明 (text)

# the audit names who added it
sql SELECT 'audit:' || action FROM audit_log WHERE entity = 'export_templates'
stdout ~ audit:create

# a roll-up: one row a village of the town, then 合计
login leader
upload /api/v1/export-templates file=@template-rollup.xlsx name=各村人口统计表 place_id=140406101000
expect 201
{"kind": "rollup", "columns": [{"field": "seq"}, {"field": "village"}, {"field": "households"}, {"field": "persons"}, {"field": "age60"}, {"field": "tag:dibao"}]}

capture roll = .id

GET /api/v1/export-templates/${roll}/fill?place=140406101000
expect 200

save rollup.xlsx

cli import inspect ${dir}/rollup.xlsx
expect exit 0
stdout ~ header:   row 2, under 1 title row
stdout ~ B=秦家山村 (text) C=1 (number) D=2 (number) E=1 (number) F=0 (number)
stdout ~ data:     rows 3-20 (18 rows), ends at row 21: 合计

# the CLI: the same fill, and an export
cli export fill ${roll} --place 140406101000 -o ${dir}/cli-rollup.xlsx
expect exit 0
stdout ~ written:

cli import inspect ${dir}/cli-rollup.xlsx
expect exit 0
stdout ~ B=秦家山村 (text) C=1 (number) D=2 (number)

cli export people --place 140406101204 --format csv -o ${dir}/cli-people.csv
expect exit 0

cli import inspect ${dir}/cli-people.csv
expect exit 0
stdout ~ B=王建国 (text)
stdout ~ F=140406********0016 (text)

cli export template list
expect exit 0
stdout ~ 2 templates

# retired: no longer listed nor filled
DELETE /api/v1/export-templates/${roll}
expect 204

GET /api/v1/export-templates/${roll}/fill?place=140406101000
expect 404
{"error": {"code": "export.template_not_found"}}
