# A register whose households come from ten groups in turn, a group coming back after one
# or two others (files/groups.csv, make-files.py), written as cadres do (1组, 第二组, 03组):
# every household lands in the group its own row names, with its region, though the import
# keeps only eight places checked at a time, and every person in their household's place.
# Runs on both backends.

cli places add --parent 秦家山村 --kind group --name 一组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 二组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 三组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 四组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 五组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 六组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 七组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 八组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 九组
expect exit 0
cli places add --parent 秦家山村 --kind group --name 十组
expect exit 0

cli import run tests/api/files/groups.csv --place 秦家山
expect exit 0
stdout ~ written:  40 households, 60 persons added

sql WITH m(prefix, name) AS (VALUES ('G1-', '一组'), ('G2-', '二组'), ('G3-', '三组'), ('G4-', '四组'), ('G5-', '五组'), ('G6-', '六组'), ('G7-', '七组'), ('G8-', '八组'), ('G9-', '九组'), ('G10-', '十组')) SELECT 'right=' || count(*) || ';' FROM households h JOIN places p ON p.id = h.place_id JOIN m ON substr(h.hukou_no, 1, length(m.prefix)) = m.prefix AND p.name = m.name AND h.region = p.region WHERE p.parent_id = '140406101204'
stdout ~ right=40;

sql SELECT 'persons=' || count(*) || ',elsewhere=' || sum(CASE WHEN x.place_id = h.place_id AND x.region = h.region THEN 0 ELSE 1 END) || ';' FROM persons x JOIN households h ON h.id = x.household_id WHERE h.hukou_no LIKE 'G%'
stdout ~ persons=60,elsewhere=0;

# others in the same groups (files/groups-b.csv, 户号 H…), in batches of three rows: the
# places checked are let go at each batch's end, and the same holds
cli import run tests/api/files/groups-b.csv --place 秦家山 --batch 3
expect exit 0
stdout ~ written:  40 households, 60 persons added

sql WITH m(prefix, name) AS (VALUES ('H1-', '一组'), ('H2-', '二组'), ('H3-', '三组'), ('H4-', '四组'), ('H5-', '五组'), ('H6-', '六组'), ('H7-', '七组'), ('H8-', '八组'), ('H9-', '九组'), ('H10-', '十组')) SELECT 'right=' || count(*) || ';' FROM households h JOIN places p ON p.id = h.place_id JOIN m ON substr(h.hukou_no, 1, length(m.prefix)) = m.prefix AND p.name = m.name AND h.region = p.region WHERE p.parent_id = '140406101204'
stdout ~ right=40;

sql SELECT 'persons=' || count(*) || ',elsewhere=' || sum(CASE WHEN x.place_id = h.place_id AND x.region = h.region THEN 0 ELSE 1 END) || ';' FROM persons x JOIN households h ON h.id = x.household_id WHERE h.hukou_no LIKE 'G%' OR h.hukou_no LIKE 'H%'
stdout ~ persons=120,elsewhere=0;
