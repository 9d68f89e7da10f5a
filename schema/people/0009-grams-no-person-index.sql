-- person_grams loses its index by person. A person's grams are found by their keys instead:
-- those of the name, pinyin and initials the person row holds (the same the search reads,
-- so they always agree), when the name changes or the person moves. Persons are never
-- deleted, so the ON DELETE CASCADE that would scan for them never runs. The index held a
-- copy of every gram's key, about a sixth of a county's database, and a first load of a
-- million people spent 14 s of its 100 making it again.
DROP INDEX person_grams_person;
