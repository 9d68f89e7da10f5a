-- A 12345 ticket number is unique in its region: importing the same export twice creates
-- nothing (src/requests/import.c checks first; this makes it so under two writers too).
DROP INDEX requests_external;
CREATE UNIQUE INDEX requests_external ON requests (region, external_no);
