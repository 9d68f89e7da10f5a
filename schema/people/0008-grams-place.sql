-- each gram carries its person's place, so that a search within a town or a village drops
-- the county's other matches in the gram index itself: two characters match about 1,200
-- people in the county and about a hundred in a town, and each match outside the caller's
-- places cost a read of its person's row to find its place (a page of the file each).
-- Kept by people_person_add and people_person_move, the only writers of persons.place_id.
ALTER TABLE person_grams ADD COLUMN place_id TEXT;
UPDATE person_grams SET place_id = persons.place_id FROM persons
	WHERE persons.id = person_grams.person_id;
