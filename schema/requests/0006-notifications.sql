-- notifications: the outbox of requests (src/requests/notify.c, docs/internals/notify.md).
--
-- One row a message, written in the transaction of the step it tells of (routing,
-- escalation, supervision, send-back, resolve, assignment, a hand-over's reassignment):
-- the request and its event, the kind of step, the channel (inbox: the console's own list,
-- delivered when written; wecom, dingtalk: a group robot's webhook; sms: the government
-- gateway, to the reporter's sealed contact, read from the request when sent), the
-- recipient (an account: user_id; recipient_name; target: the robot or the masked phone),
-- subject and body (digit runs masked: no ID numbers or phones), and the sending: state
-- queued / sent / failed, attempts, next_try_at, sent_at, error. read_at: the inbox.
CREATE TABLE notifications (
	id              TEXT PRIMARY KEY,
	region          TEXT NOT NULL,
	request_id      TEXT NOT NULL REFERENCES requests (id),
	event_id        TEXT REFERENCES request_events (id),
	kind            TEXT NOT NULL,
	channel         TEXT NOT NULL,
	user_id         TEXT REFERENCES users (id),
	recipient_name  TEXT,
	target          TEXT,
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        BIGINT NOT NULL DEFAULT 0,
	next_try_at     TEXT,
	sent_at         TEXT,
	read_at         TEXT,
	error           TEXT,
	created_at      TEXT NOT NULL
);
CREATE INDEX notifications_inbox ON notifications (user_id, channel, created_at);
CREATE INDEX notifications_due ON notifications (state, next_try_at);
CREATE INDEX notifications_request ON notifications (request_id, created_at);
