-- places: a building's floors above ground and below (basements), so that its diagram is
-- a true grid of units × floors and a dwelling under it cannot be on a floor it lacks
-- (places.floor_outside). NULL: not known, nothing is checked. See docs/internals/places.md.

ALTER TABLE places ADD COLUMN floors BIGINT;
ALTER TABLE places ADD COLUMN basements BIGINT;
