/*
 * notify.h - the notifications of requests: the outbox (one row a message, written in the
 * transaction of the step it tells of), the pure message builders, and the pluggable
 * senders (a WeCom group robot, a DingTalk group robot with its optional signature, a
 * government SMS gateway), all off until the operator configures them (notify.* settings);
 * the console's inbox (channel "inbox") always works. Internal to src/requests and its unit
 * tests. See docs/internals/notify.md.
 */
#ifndef CUNWU_REQUESTS_NOTIFY_H
#define CUNWU_REQUESTS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/db.h"
#include "core/err.h"
#include "core/http.h"

/* What a notice tells of. */
enum notice_kind {
	NK_ROUTE,     /* a new (or rerouted) request for its holder */
	NK_ESCALATE,  /* escalated: the new holder, and the leader above */
	NK_SUPERVISE, /* 督办: the handler */
	NK_SEND_BACK, /* 退单: the leader who reroutes */
	NK_RESOLVE,   /* 答复: the reporter */
	NK_ASSIGN,    /* 派单: the account named */
	NK_REASSIGN,  /* a duty handed over: the successor */
	NK_COUNT
};

/* "route" … for kind k; NULL out of range. Pure. */
const char *notify_kind_name(int k);

/* The facts a notice is written from (strings may be NULL). */
struct notice {
	int kind;
	const char *region, *request_id, *event_id;
	const char *title, *category, *place; /* the request */
	const char *actor;                    /* who took the step (supervise, assign) */
	const char *holder;                   /* the (new) holder's name */
	const char *note;                     /* the reason, the reply, the supervision's note */
	const char *due_at;                   /* an ISO instant, shown in Beijing time */
	const char *code;                     /* the tracking code: only in the reporter's text */
	const char *link;                     /* the console's page of the request, or NULL */
	int inbox_only;                       /* no robot (a 12345 import's thousands of rows) */
};

/*
 * text with every run of 7 or more digits masked (an ID number or a phone typed into a
 * title or a note): 11 and more keep the first 3 and the last 4 (139****5678), shorter
 * runs the last 2; an ID number's final X is part of its run. In a. Pure.
 */
const char *notify_mask(struct arena *a, const char *text);

/*
 * The subject and body of notice n, masked (notify_mask; the note cut to 100
 * characters); the tracking code and the link added after masking. In a. Pure.
 */
void notify_text(struct arena *a, const struct notice *n, const char **subject, const char **body);

/* {"msgtype":"text","text":{"content":…}}: the WeCom and DingTalk robots' text message. */
const char *notify_robot_payload(struct arena *a, const char *content);
/* 1 if a robot's answer says it took the message ({"errcode":0}). Pure. */
int notify_robot_ok(const char *answer);
/*
 * DingTalk's signature of a request at ts_ms: Base64(HMAC-SHA256(secret, ts_ms "\n"
 * secret)), URL-encoded, for "&timestamp=<ts_ms>&sign=<this>". In a.
 */
const char *notify_dingtalk_sign(struct arena *a, int64_t ts_ms, const char *secret);
/* The SMS gateway's body: {"template_id","phone","params":{"subject","content"},"content"}. */
const char *notify_sms_payload(struct arena *a, const char *template_id, const char *phone,
                               const char *subject, const char *content);

/* One message as a sender sees it. phone: the SMS recipient, opened only to send. */
struct notify_msg {
	const char *id, *channel, *subject, *body, *phone;
};

/* A sender: configured() when its settings are there; send 0, or -1 with e->message. */
struct notify_sender {
	const char *name; /* the channel: "wecom", "dingtalk", "sms" */
	int (*configured)(void);
	int (*send)(struct arena *a, const struct notify_msg *m, struct err *e);
};

/* The sender of channel, or NULL ("inbox" has none: written is delivered). */
const struct notify_sender *notify_sender(const char *channel);

/* An account a notice goes to (user_id NULL: a holder without an account, named only). */
struct notice_to {
	const char *user_id, *name;
};

/*
 * Queue notice n in the caller's transaction: an inbox row (delivered) for each account of
 * to (once each), and one row for each configured robot (its text names the recipients).
 * reporter (NK_RESOLVE): reporter_user_id's inbox, and an SMS to the request's contact
 * (contact_masked) when the gateway is configured.
 */
int notify_queue(struct db *db, const struct notice *n, const struct notice_to *to, size_t nto,
                 const char *reporter_user_id, const char *contact_masked, struct err *e);

/*
 * Send the queued messages due at now_ms (at most a batch), each outside any transaction,
 * its result written in a transaction of its own: sent, or tried again after
 * notify.retry_seconds doubling with each attempt, failed after notify.max_attempts (or at
 * once when its channel is no longer configured). *sent and *failed get the counts.
 */
int notify_send_due(struct db *db, int64_t now_ms, int64_t *sent, int64_t *failed, struct err *e);

/* GET /api/v1/requests/:id/notifications: the request's outbox (http.c routes it). */
int notify_list_request(struct req *r, struct err *e);
/* The job requests.notify (and libcurl's global start); requests_register calls it. */
void notify_register(void);

#endif
