-- person_grams stored in its search order: a search reads (gram, pinyin, person_id) ranges,
-- and that key is the table now (on SQLite WITHOUT ROWID: one B-tree where there were a
-- table, its primary key's index and the order index). A name's grams cost a third of the
-- writes an import makes, and the county database's grams half the space.
CREATE TABLE person_grams_clustered (
	gram       TEXT NOT NULL,
	pinyin     TEXT NOT NULL DEFAULT '',
	person_id  TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
	PRIMARY KEY (gram, pinyin, person_id)
) /* cunwu: clustered */;
INSERT INTO person_grams_clustered (gram, pinyin, person_id)
	SELECT gram, pinyin, person_id FROM person_grams;
DROP TABLE person_grams;
ALTER TABLE person_grams_clustered RENAME TO person_grams;
CREATE INDEX person_grams_person ON person_grams (person_id);
