# Export templates refused precisely: not an .xlsx, no header, a binding naming no field or
# no column, no name, people and roll-up columns together; and scope — a village's reader
# fills only for places they read, uploads only where they may; nothing half-written.

login cadre1
upload /api/v1/export-templates file=@register.csv name=名册 place_id=140406101204
expect 400
{"error": {"code": "export.template_format", "field": "file"}}

upload /api/v1/export-templates file=@tiny.pdf name=名册 place_id=140406101204
expect 400
{"error": {"code": "import.format", "field": "file"}}

upload /api/v1/export-templates file=@template-nohead.xlsx name=统计 place_id=140406101204
expect 400
{"error": {"code": "export.template_header", "field": "file"}}

upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204 bind={"H":"salary"}
expect 400
{"error": {"code": "export.template_field", "field": "bind", "message": "~'salary'"}}

upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204 bind={"Z":"note"}
expect 400
{"error": {"code": "export.template_column", "field": "bind"}}

upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204 bind=[1]
expect 400
{"error": {"code": "export.template_bind", "field": "bind"}}

upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204 bind={"H":"households"}
expect 400
{"error": {"code": "export.template_mixed", "field": "bind"}}

upload /api/v1/export-templates file=@template-people.xlsx place_id=140406101204
expect 400
{"error": {"code": "export.template_name", "field": "name"}}

upload /api/v1/export-templates file=@template-people.xlsx name=名册
expect 400
{"error": {"field": "place_id"}}

sql SELECT 'templates:' || count(*) || ':' FROM export_templates
stdout ~ templates:0:

# 冯村's secretary may not upload at 秦家山村; the grid worker may upload nowhere
login cadre2
upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204
expect 403

login grid1
upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204
expect 403

login cadre1
upload /api/v1/export-templates file=@template-people.xlsx name=名册 place_id=140406101204
expect 201

capture tpl = .id

GET /api/v1/export-templates/${tpl}/fill?place=140406101204&month=2026-13
expect 400
{"error": {"code": "export.month", "field": "month"}}

GET /api/v1/export-templates/${tpl}/fill
expect 400

GET /api/v1/export-templates/nosuch/fill?place=140406101204
expect 404
{"error": {"code": "export.template_not_found"}}

# the county's template is 冯村's too, but only for 冯村
login cadre2
GET /api/v1/export-templates
expect 200
{"items": [{"id": "${tpl}"}]}

GET /api/v1/export-templates/${tpl}/fill?place=140406101204
expect 403

GET /api/v1/export-templates/${tpl}/fill?place=140406101205
expect 200

DELETE /api/v1/export-templates/${tpl}
expect 403

# a county elsewhere sees nothing of it
login resident1
GET /api/v1/export-templates
expect 403

# the CLI refuses the same way, and adds one
cli export template add tests/api/files/template-nohead.xlsx --name 统计 --place 140406101204
expect exit 1
stderr ~ no header row

cli export template add tests/api/files/template-rollup.xlsx --name 各村统计 --place 140406101000
expect exit 0
stdout ~ added: 各村统计

cli export people --place 140406101204 --format pdf
expect exit 1
stderr ~ xlsx or csv
