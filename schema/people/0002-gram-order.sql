-- The name search pages in pinyin order straight from the gram index: each gram carries its
-- person's pinyin, so "the first 50 people whose name has 建国, by pinyin" reads 50 index
-- entries instead of sorting every match.
ALTER TABLE person_grams ADD COLUMN pinyin TEXT NOT NULL DEFAULT '';
UPDATE person_grams SET pinyin = (SELECT name_pinyin FROM persons WHERE persons.id = person_grams.person_id);
CREATE INDEX person_grams_order ON person_grams (gram, pinyin, person_id);
