# duties from the command line: add (an account by login, or a resident), list, end; the
# same refusals as the API; audited as cli:<user>

cli duty add --place 140406101204 --role branch_secretary --user cadre1 --from 2021-05-01
expect exit 0

login leader
GET /api/v1/duties?place=140406101204
expect 200
{"total": 1, "items": [{"holder_name": "秦家山书记", "user_login": "cadre1"}]}

capture sec = .items[0].id

cli duty add --place 140406101204 --role branch_secretary --user cadre2 --from 2024-01-01
expect exit 1
stderr ~ 秦家山村 is held by

cli duty add --place 140406101204 --role grid_worker --user grid1 --from 2024-01-01
expect exit 1
stderr ~ 网格员

cli duty add --place 140406101204 --role village_liaison --user nobody --from 2024-01-01
expect exit 1
stderr ~ no account 'nobody'

cli duty add --place 140406101204 --role village_liaison --from 2024-01-01
expect exit 2

cli duty list --place 140406101204
expect exit 0
stdout ~ 村党支部书记  秦家山村  秦家山书记  2021-05-01..

cli duty end ${sec} --to 2021-04-01
expect exit 1
stderr ~ before it starts

cli duty end ${sec} --to 2026-03-31
expect exit 0
stdout ~ ended on 2026-03-31

cli duty list --place 140406101204 --all
expect exit 0
stdout ~ 2021-05-01..2026-03-31

login auditor
GET /api/v1/audit?entity=duties
expect 200
{"total": 2, "items": [{"action": "end", "actor_name": "~cli:"}, {"action": "create"}]}
