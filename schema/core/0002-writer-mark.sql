-- The mark of the process that committed a write last. A server that finds another's
-- mark knows that what it keeps may be old (db.c, db_stamp). PostgreSQL reads it here;
-- SQLite keeps it in the file's header (PRAGMA user_version) and leaves this row alone.
CREATE TABLE writer_mark (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	process INTEGER NOT NULL
);
INSERT INTO writer_mark (id, process) VALUES (1, 0);
