-- cunwu: outside-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS requests_created ON requests (created_at);
