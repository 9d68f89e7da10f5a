# A register of 5,000 households, two persons each, grouped by 户号: more households than the
# import's table of them starts with (4,096 buckets, doubled as it fills), so the table
# grows twice while rows look their household up. Every household is found again for its
# second person, none is made twice, and none takes another's person. After them, a second
# head for each household, each refused: a household found in the database (the import
# looks there for one it does not hold) would not know its head's row.
backend sqlite

sql SELECT writefile('${dir}/many.csv', '户号,姓名,与户主关系' || char(10) || (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999) SELECT group_concat('H' || i || ',' || substr('赵钱孙李周吴郑王冯陈', i % 10 + 1, 1) || substr('一二三四五六七八九十', i / 10 % 10 + 1, 1) || substr('春夏秋冬东南西北中发', i / 100 % 10 + 1, 1) || substr('山水林田湖草沙石木金', i / 1000 + 1, 1) || ',户主' || char(10) || 'H' || i || ',' || substr('褚卫蒋沈韩杨朱秦尤许', i % 10 + 1, 1) || substr('一二三四五六七八九十', i / 10 % 10 + 1, 1) || substr('春夏秋冬东南西北中发', i / 100 % 10 + 1, 1) || substr('山水林田湖草沙石木金', i / 1000 + 1, 1) || ',妻', char(10)) FROM n) || char(10) || (WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999) SELECT group_concat('H' || i || ',' || '又' || substr('一二三四五六七八九十', i / 10 % 10 + 1, 1) || ',户主', char(10)) FROM n) || char(10))

# the dry run has no database to find a household in: the table alone must know them all
cli import dry-run ${dir}/many.csv --place 140406101205
expect exit 1
stdout ~ checked:  15000 rows, 5000 with errors, 5000 problems; nothing written

sql SELECT 'two_heads:' || count(*) || ':' FROM import_problems WHERE code = 'import.two_heads'
stdout ~ two_heads:5000:

cli import run ${dir}/many.csv --place 140406101205
expect exit 0
stdout ~ problems: 5000 errors, 0 warnings
stdout ~ rows:     15000, 5000 with errors left out
stdout ~ written:  5000 households, 10000 persons added

sql SELECT 'two_heads:' || count(*) || ':' FROM import_problems WHERE code = 'import.two_heads'
stdout ~ two_heads:10000:

# each household once, with its 户号, its head and its wife, and nothing else
sql SELECT 'households:' || count(*) || ':' || count(DISTINCT hukou_no) || ':' || sum(CASE WHEN head_id IS NULL THEN 1 ELSE 0 END) || ':' FROM households WHERE place_id = '140406101205'
stdout ~ households:5000:5000:0:

sql SELECT 'pairs:' || count(*) || ':' FROM households h WHERE h.place_id = '140406101205' AND (SELECT count(*) FROM persons p WHERE p.household_id = h.id) = 2 AND (SELECT count(*) FROM persons p WHERE p.household_id = h.id AND p.relation = 'spouse' AND substr(p.name, 2) = (SELECT substr(x.name, 2) FROM persons x WHERE x.id = h.head_id)) = 1
stdout ~ pairs:5000:

# the same file again: every household found, nothing written
cli import run ${dir}/many.csv --place 140406101205
expect exit 0
stdout ~ written:  0 households, 0 persons added
