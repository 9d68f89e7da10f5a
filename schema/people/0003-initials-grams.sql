-- A search by pinyin initials reads the gram index too: "py:" and each prefix of a person's
-- initials (up to 8 letters) is a gram, in pinyin order like the others, so "zw" pages
-- through its thousands of matches without sorting them. The initials index is no longer
-- read.
INSERT INTO person_grams (gram, person_id, pinyin)
SELECT 'py:' || substr(x.name_initials, 1, n.k), x.id, x.name_pinyin
  FROM persons x
  JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8) n
    ON length(x.name_initials) >= n.k;
DROP INDEX persons_initials;
