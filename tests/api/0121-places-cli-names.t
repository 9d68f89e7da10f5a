# A place on the command line by its name as people write it (秦家山 = 秦家山村, 1组 =
# 一组), or by names from a place above it down (冯村/1组); a name that fits two places is
# refused, listing both, and nothing is done. `places list` shows the tree with each
# place's kind and id. Runs on both backends.

cli places list --depth 0
expect exit 0
stdout ~ 山西省  省  140000000000
stdout !~ 长治市

cli places list
expect exit 0
stdout ~ 山西省  省  140000000000
stdout ~       微子镇  乡镇街道  140406101000
stdout ~         秦家山村  村  140406101204

# groups added under villages named without 村, and with it
cli places add --parent 秦家山 --kind group --name 一组
expect exit 0

cli places add --parent 冯村 --kind group --name 第一村民小组
expect exit 0

cli places list 冯村
expect exit 0
stdout ~ 冯村  村  140406101205
stdout ~   第一村民小组  村民小组
stdout !~ 秦家山村

# two groups are 1组: refused, both named with their villages, neither renamed
cli places rename 1组 改名组
expect exit 1
stderr ~ '1组' names 2 places
stderr ~ in 秦家山村
stderr ~ in 冯村
stderr ~ write the place above it too (

sql SELECT 'renamed=' || count(*) || ';' FROM places WHERE name = '改名组'
stdout ~ renamed=0;

# with the village in front, the one meant and no other
cli places rename 冯村/1组 冯村一组
expect exit 0

sql SELECT 'name=' || name || ';' FROM places WHERE parent_id = '140406101205' AND kind = 'group'
stdout ~ name=冯村一组;

sql SELECT 'name=' || name || ';' FROM places WHERE parent_id = '140406101204' AND kind = 'group'
stdout ~ name=一组;

# a town's name, then a village below it, then a group below that
cli places list 微子镇/秦家山/一组 --depth 0
expect exit 0
stdout ~ 一组  村民小组

cli places list 微子镇 --depth 1
expect exit 0
stdout ~   秦家山村  村  140406101204
stdout !~ 一组

# retired: gone from names and from the list, back with --all
cli places retire 秦家山村/一组
expect exit 0

cli places list 秦家山
expect exit 0
stdout !~ 一组

cli places list 秦家山 --all
expect exit 0
stdout ~ 一组  村民小组
stdout ~ (retired)

cli places list 秦家山村/一组
expect exit 1
stderr ~ no place '秦家山村/一组'

cli places list 不存在村
expect exit 1
stderr ~ no place '不存在村'

cli places list --depth x
expect exit 2
stderr ~ --depth takes a number from 0 to 100

# the importer's place by name, as a cadre types it
cli import dry-run tests/api/files/register.csv --place 秦家山
expect exit 1
stdout ~ 秦家山村 (140406101204)

cli export people --place 1组 --format csv -o ${dir}/none.csv
expect exit 1
stderr ~ no place '1组'

# a natural village 秦家山 under 秦家山村: the short name fits both and is refused; the
# village's full name, or the path, names each
cli places add --parent 秦家山村 --kind natural_village --name 秦家山
expect exit 0

cli places list 秦家山 --depth 0
expect exit 1
stderr ~ '秦家山' names 2 places
stderr ~ 秦家山 in 秦家山村
stderr ~ 秦家山村 in 微子镇

cli places list 秦家山村 --depth 0
expect exit 0
stdout ~ 秦家山村  村  140406101204
stdout !~ 自然村

cli places list 秦家山村/秦家山 --depth 0
expect exit 0
stdout ~ 秦家山  自然村
