-- a household found by its 户号 at its place (an import finds the households of a register
-- again this way): the index on place_id alone made each lookup read every household of the
-- village. (place_id, hukou_no) serves the place's households as well, so it replaces it.
CREATE INDEX households_place_hukou ON households (place_id, hukou_no);
DROP INDEX households_place;
