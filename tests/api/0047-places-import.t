# cunwu places import-nbs: yearly releases of 微子镇's codes (tests/api/files/nbs-weizi-*.csv,
# the built-in file's lines with changes). 2024 renames 秦家山村, drops 李园村 (230) and adds
# 新园村 (231); 2025 gives 230 to another village; 2026 drops 冯村, which has a compound.
# A release changes what it must, with history; the same release again writes nothing; a
# retired code never hands its history to a new unit.

login auditor
GET /api/v1/audit?entity=places
expect 200

capture before = .total

cli places import-nbs tests/api/files/nbs-weizi-2024.csv --under 140406101
expect exit 0
stdout ~ places: 22 rows: 1 created, 1 renamed, 1 retired, 0 restored, 20 unchanged

# one audit row for the import: counts and the file's SHA-256
GET /api/v1/audit?entity=places&sort=-seq&page_size=1
expect 200
{"items": [{"action": "import", "actor_kind": "cli", "region": "140406", "entity_id": null,
            "changes": {"under": "140406101", "rows": 22, "created": 1, "renamed": 1,
                        "retired": 1, "restored": 0, "sha256": "*"}}]}

capture after = .total

# the same file again: nothing at all
cli places import-nbs tests/api/files/nbs-weizi-2024.csv --under 140406101
expect exit 0
stdout ~ places: 22 rows: 0 created, 0 renamed, 0 retired, 0 restored, 22 unchanged

GET /api/v1/audit?entity=places
expect 200
{"total": ${after}}

# the rename, in the village's history, for its cadres to read
login cadre1
GET /api/v1/places/140406101204
expect 200
{"name": "秦家山新村", "nbs_name": "秦家山新村村委会", "version": 2}

GET /api/v1/places/140406101204/history
expect 200
{"items": [{"action": "rename", "actor_kind": "cli",
            "before": {"name": "秦家山村", "nbs_name": "秦家山村村委会", "kind": "village"},
            "after": {"name": "秦家山新村", "nbs_name": "秦家山新村村委会"}}],
 "total": 1}

login leader
GET /api/v1/places?kind=village
expect 200
{"total": 18}

GET /api/v1/places/140406101230
expect 200
{"status": "retired", "code": null, "retired_code": "140406101230", "name": "李园村"}

GET /api/v1/places/140406101231
expect 200
{"name": "新园村", "code": "140406101231", "parent_id": "140406101000"}

# 2025: code 230 again, for another village: a new place, with no history of 李园村
cli places import-nbs tests/api/files/nbs-weizi-2025.csv --under 140406101
expect exit 0
stdout ~ 1 created, 0 renamed, 0 retired, 0 restored

GET /api/v1/places?q=新李园
expect 200
{"items": [{"code": "140406101230", "name": "新李园村", "status": "active"}], "total": 1}

capture newid = .items[0].id

GET /api/v1/places/${newid}/history
expect 200
{"items": [], "total": 0}

GET /api/v1/places/140406101230
expect 200
{"status": "retired", "name": "李园村"}

GET /api/v1/places/140406101230/history
expect 200
{"items": [{"action": "retire"}], "total": 1}

# 2026 drops 冯村, which has a compound: the import stops and writes nothing
POST /api/v1/places
{"parent_id": "140406101205", "kind": "compound", "name": "新村小区"}
expect 201

cli places import-nbs tests/api/files/nbs-weizi-2026.csv --under 140406101
expect exit 1
stderr ~ '冯村' has active places under it, such as '新村小区'

GET /api/v1/places/140406101205
expect 200
{"status": "active", "code": "140406101205"}

# a bad file: the line and the reason
cli places import-nbs tests/api/files/notes.png
expect exit 1
stderr ~ line 1: expected header

cli places import-nbs tests/api/files/no-such-file.csv
expect exit 1
stderr ~ unable to open 'tests/api/files/no-such-file.csv'

cli places import-nbs tests/api/files/nbs-weizi-2025.csv --under 1404061
expect exit 1
stderr ~ is not an NBS code

# `places load` is the same command
cli places load tests/api/files/nbs-weizi-2025.csv --under 140406101
expect exit 0
stdout ~ 0 created, 0 renamed, 0 retired, 0 restored, 23 unchanged
