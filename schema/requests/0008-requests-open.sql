-- cunwu: outside-transaction
-- The open requests by place, with their deadlines: the cockpit's tiles (open, overdue)
-- count a place's subtree from its places through this alone, never reading a request
-- row; closed requests, most of them in time, stay out of it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS requests_open ON requests (place_id, status, resolution_due_at, response_due_at) WHERE status IN ('submitted', 'signed_for', 'in_progress', 'sent_back');
