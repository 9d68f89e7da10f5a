-- cunwu: outside-transaction
-- Users by place: the users of a subtree (GET /api/v1/users, the cockpit's users tile) are
-- found from the places in the range, then their users; and a place's users when the
-- place is checked as a foreign key. Built without blocking writes on a city database
-- (CREATE INDEX CONCURRENTLY on PostgreSQL; SQLite builds it as usual).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_place ON users (place_id);
