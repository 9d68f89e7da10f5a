-- bench/import --lean: the rows cunwu's import wrote (in schema.db, the schema's floor),
-- written again as CSV for the leanest schema that keeps what the registry asks: integer
-- keys in place of ULIDs, seals (24-byte nonce, 16-byte tag) and hashes (16 bytes) as
-- bytes, here text of those lengths, times as integers. Run in the bench's directory.
CREATE TEMP TABLE pm AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM persons;
CREATE TEMP TABLE hm AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM households;
CREATE TEMP TABLE lm AS
	SELECT id, row_number() OVER (ORDER BY id) AS n
	  FROM (SELECT DISTINCT place_id AS id FROM households);
CREATE INDEX tpm ON pm (id);
CREATE INDEX thm ON hm (id);
CREATE INDEX tlm ON lm (id);
.mode csv
.headers off
.output lean-persons.csv
SELECT pm.n, hm.n, lm.n, p.name, p.name_pinyin, p.name_initials, p.relation, p.status,
       p.id_kind, substr(p.id_enc, 4, 58), substr(p.id_hash, 4, 16), p.id_masked,
       p.birth_date, p.sex, substr(p.phone_enc, 4, 51), substr(p.phone_hash, 4, 16),
       p.phone_masked, 1764554400
  FROM persons p
  JOIN pm ON pm.id = p.id JOIN hm ON hm.id = p.household_id JOIN lm ON lm.id = p.place_id
 ORDER BY pm.n;
.output lean-person_grams.csv
SELECT g.gram, g.pinyin, pm.n, lm.n
  FROM person_grams g JOIN pm ON pm.id = g.person_id JOIN lm ON lm.id = g.place_id
 ORDER BY g.gram, g.pinyin, pm.n;
.output lean-households.csv
SELECT hm.n, lm.n, h.kind, h.hukou_no, pm.n, 1764554400
  FROM households h JOIN hm ON hm.id = h.id JOIN lm ON lm.id = h.place_id
  LEFT JOIN pm ON pm.id = h.head_id
 ORDER BY hm.n;
.output lean-person_tags.csv
SELECT pm.n, t.tag_id, 1 FROM person_tags t JOIN pm ON pm.id = t.person_id ORDER BY pm.n;
.output stdout
