/* notify.c - the notifications of requests: the outbox, the message texts, the senders
 * (libcurl), the job requests.notify, the console's inbox; see notify.h. */
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/crypt.h"
#include "core/jobs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "requests.h"
#include "core/banned.h"

/* ---- the texts (pure) ---- */

static const char *const kind_names[NK_COUNT] = { "route",   "escalate", "supervise", "send_back",
	                                          "resolve", "assign",   "reassign" };

const char *notify_kind_name(int k)
{
	return k >= 0 && k < NK_COUNT ? kind_names[k] : NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *notify_mask(struct arena *a, const char *text)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	if (!text)
		return "";
	for (const char *s = text; *s;) {
		if (!is_digit(*s)) {
			strbuf_add(&sb, s++, 1);
			continue;
		}
		size_t n = 0;
		while (is_digit(s[n]))
			n++;
		if (n >= 14 && (s[n] == 'X' || s[n] == 'x'))
			n++; /* an ID number's check character */
		if (n < 7) {
			strbuf_add(&sb, s, n);
		} else {
			size_t head = n >= 11 ? 3 : 0, tail = n >= 11 ? 4 : 2;
			strbuf_add(&sb, s, head);
			for (size_t i = head; i < n - tail; i++)
				strbuf_add(&sb, "*", 1);
			strbuf_add(&sb, s + n - tail, tail);
		}
		s += n;
	}
	return sb.buf ? sb.buf : "";
}

/* s cut to at most max characters (UTF-8), "…" when cut */
static const char *cut(struct arena *a, const char *s, size_t max)
{
	size_t len = strlen(s), at = 0, chars = 0;
	uint32_t cp;
	while (at < len && chars < max) {
		size_t k = utf8_next(s + at, len - at, &cp);
		at += k ? k : 1;
		chars++;
	}
	return at < len ? arena_printf(a, "%.*s…", (int)at, s) : s;
}

/* an ISO instant as Beijing time "YYYY-MM-DD HH:MM", or "" */
static const char *beijing(struct arena *a, const char *iso)
{
	int64_t ms;
	char buf[32];
	if (!iso || time_parse_iso(iso, &ms))
		return "";
	time_iso(ms + 8 * HOUR_MS, buf);
	buf[10] = ' ';
	buf[16] = '\0';
	return arena_strdup(a, buf);
}

void notify_text(struct arena *a, const struct notice *n, const char **subject, const char **body)
{
	const char *title = n->title ? n->title : "", *place = n->place ? n->place : "",
	           *cat = n->category ? n->category : "", *actor = n->actor ? n->actor : "",
	           *holder = n->holder ? n->holder : "",
	           *note = n->note ? cut(a, n->note, 100) : "", *due = beijing(a, n->due_at);
	const char *what = arena_printf(a, "%s·%s：%s", place, cat, title), *s = "", *b = "";
	switch (n->kind) {
	case NK_ROUTE:
		s = arena_printf(a, "新诉求待签收：%s", title);
		b = arena_printf(a, "%s。%s%s%s请签收办理。", what, *due ? "签收时限 " : "", due,
		                 *due ? "，" : "");
		break;
	case NK_ESCALATE:
		s = arena_printf(a, "诉求升级：%s", title);
		b = arena_printf(a, "%s 未按时办理，已升级至%s。%s%s", what,
		                 *holder ? holder : "上级", *due ? "办结时限 " : "", due);
		break;
	case NK_SUPERVISE:
		s = arena_printf(a, "督办：%s", title);
		b = arena_printf(a, "%s督办 %s。督办意见：%s", actor, what, note);
		break;
	case NK_SEND_BACK:
		s = arena_printf(a, "退单待改派：%s", title);
		b = arena_printf(a, "%s退回 %s。理由：%s", holder, what, note);
		break;
	case NK_RESOLVE:
		s = "您反映的诉求已答复";
		b = arena_printf(a, "您反映的“%s”已答复：%s", title, note);
		break;
	case NK_ASSIGN:
		s = arena_printf(a, "派单：%s", title);
		b = arena_printf(a, "%s将 %s 派给%s。%s%s%s请签收办理。", actor, what,
		                 *holder ? holder : "您", *due ? "签收时限 " : "", due,
		                 *due ? "，" : "");
		break;
	case NK_REASSIGN:
		s = arena_printf(a, "职责交接转来：%s", title);
		b = arena_printf(a, "%s 随职责交接转由%s办理。", what, *holder ? holder : "您");
		break;
	}
	*subject = notify_mask(a, s);
	b = notify_mask(a, b);
	if (n->code)
		b = arena_printf(a, "%s 查询码 %s，可查看进度并评价。", b, n->code);
	if (n->link)
		b = arena_printf(a, "%s\n%s", b, n->link);
	*body = b;
}

const char *notify_robot_payload(struct arena *a, const char *content)
{
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "msgtype", "text");
	jw_key(w, "text");
	jw_obj(w);
	jw_kstr(w, "content", content);
	jw_obj_end(w);
	return jdoc_close(&doc);
}

int notify_robot_ok(const char *answer)
{
	json_error_t jerr;
	json_t *j = answer ? json_loads(answer, 0, &jerr) : NULL;
	json_t *code = j ? json_object_get(j, "errcode") : NULL;
	int ok = json_is_integer(code) && json_integer_value(code) == 0;
	json_decref(j);
	return ok;
}

const char *notify_dingtalk_sign(struct arena *a, int64_t ts_ms, const char *secret)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL)];
	const char *msg = arena_printf(a, "%lld\n%s", (long long)ts_ms, secret);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	for (const char *p = b64; *p; p++) {
		if (*p == '+' || *p == '/' || *p == '=')
			strbuf_addf(&sb, "%%%02X", (unsigned char)*p);
		else
			strbuf_add(&sb, p, 1);
	}
	return sb.buf;
}

const char *notify_sms_payload(struct arena *a, const char *template_id, const char *phone,
                               const char *subject, const char *content)
{
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, a);
	jw_kstr(w, "template_id", template_id);
	jw_kstr(w, "phone", phone);
	jw_key(w, "params");
	jw_obj(w);
	jw_kstr(w, "subject", subject);
	jw_kstr(w, "content", content);
	jw_obj_end(w);
	jw_kstr(w, "content", content);
	return jdoc_close(&doc);
}

/* ---- the senders ---- */

#define ANSWER_MAX 65536

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct strbuf *sb = ctx;
	if (sb->len + size * n <= ANSWER_MAX)
		strbuf_add(sb, p, size * n);
	return size * n;
}

/* POST body (JSON) to url, auth an "Authorization" value or NULL: 0 with a 2xx answer in
 * *answer, else -1 with the reason in e (no URL in it: a robot's URL holds its key) */
static int post_json(struct arena *a, const char *url, const char *body, const char *auth,
                     const char **answer, struct err *e)
{
	CURL *c = curl_easy_init();
	if (!c)
		return err_internal(e, "curl_easy_init failed");
	struct curl_slist *h =
	    curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
	if (auth)
		h = curl_slist_append(h, arena_printf(a, "Authorization: %s", auth));
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	strbuf_adds(&sb, "");
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sb);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)config_int("notify.timeout_seconds"));
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cunwu");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		return err_set(e, 502, "notify.send", NULL, "%s",
		               *errbuf ? errbuf : curl_easy_strerror(rc));
	if (status < 200 || status > 299)
		return err_set(e, 502, "notify.send", NULL, "HTTP %ld: %.200s", status, sb.buf);
	*answer = sb.buf;
	return 0;
}

/* a robot: the payload posted to url; its errcode must be 0 */
static int robot_send(struct arena *a, const char *url, const struct notify_msg *m, struct err *e)
{
	const char *answer;
	const char *content = arena_printf(a, "【诉求】%s\n%s", m->subject, m->body);
	if (post_json(a, url, notify_robot_payload(a, content), NULL, &answer, e))
		return -1;
	if (!notify_robot_ok(answer))
		return err_set(e, 502, "notify.send", NULL, "the robot refused: %.200s", answer);
	return 0;
}

static int wecom_configured(void)
{
	return *config_str("notify.wecom_url") != '\0';
}

static int wecom_send(struct arena *a, const struct notify_msg *m, struct err *e)
{
	return robot_send(a, config_str("notify.wecom_url"), m, e);
}

static int dingtalk_configured(void)
{
	return *config_str("notify.dingtalk_url") != '\0';
}

static int dingtalk_send(struct arena *a, const struct notify_msg *m, struct err *e)
{
	const char *url = config_str("notify.dingtalk_url"),
	           *secret = config_str("notify.dingtalk_secret");
	if (*secret) {
		int64_t ts = time_now_ms();
		url =
		    arena_printf(a, "%s%stimestamp=%lld&sign=%s", url, strchr(url, '?') ? "&" : "?",
		                 (long long)ts, notify_dingtalk_sign(a, ts, secret));
	}
	return robot_send(a, url, m, e);
}

static int sms_configured(void)
{
	return *config_str("notify.sms_url") != '\0';
}

static int sms_send(struct arena *a, const struct notify_msg *m, struct err *e)
{
	const char *answer, *token = config_str("notify.sms_token");
	if (!m->phone)
		return err_set(e, 502, "notify.send", NULL, "no phone to send to");
	return post_json(
	    a, config_str("notify.sms_url"),
	    notify_sms_payload(a, config_str("notify.sms_template"), m->phone, m->subject, m->body),
	    *token ? arena_printf(a, "Bearer %s", token) : NULL, &answer, e);
}

static const struct notify_sender senders[] = {
	{ "wecom", wecom_configured, wecom_send },
	{ "dingtalk", dingtalk_configured, dingtalk_send },
	{ "sms", sms_configured, sms_send },
};

#define NSENDERS (sizeof(senders) / sizeof(senders[0]))

const struct notify_sender *notify_sender(const char *channel)
{
	for (size_t i = 0; channel && i < NSENDERS; i++)
		if (!strcmp(senders[i].name, channel))
			return &senders[i];
	return NULL;
}

/* ---- the outbox ---- */

/* one row: inbox rows are delivered as written, the others queued for now */
static int put(struct db *db, const struct notice *n, const char *channel, const char *user_id,
               const char *name, const char *target, const char *subject, const char *body,
               struct err *e)
{
	char id[ID_LEN + 1], now[32];
	int inbox = !strcmp(channel, "inbox");
	id_new(id);
	time_iso(time_now_ms(), now);
	return db_exec(db, e,
	               "INSERT INTO notifications (id, region, request_id, event_id, kind, "
	               "channel, user_id, recipient_name, target, subject, body, state, "
	               "next_try_at, sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	               "?, ?, ?, ?, ?)",
	               DB_T(id), DB_T(n->region), DB_T(n->request_id), DB_T(n->event_id),
	               DB_T(notify_kind_name(n->kind)), DB_T(channel), DB_T(user_id), DB_T(name),
	               DB_T(target), DB_T(subject), DB_T(body), DB_T(inbox ? "sent" : "queued"),
	               inbox ? DB_NULL : DB_T(now), inbox ? DB_T(now) : DB_NULL, DB_T(now)) < 0
	           ? -1
	           : 0;
}

int notify_queue(struct db *db, const struct notice *n, const struct notice_to *to, size_t nto,
                 const char *reporter_user_id, const char *contact_masked, struct err *e)
{
	struct arena *a = db_arena(db);
	const char *subject, *body;
	struct notice m = *n;
	if (n->kind == NK_RESOLVE) {
		notify_text(a, &m, &subject, &body);
		if (reporter_user_id &&
		    put(db, n, "inbox", reporter_user_id, NULL, NULL, subject, body, e))
			return -1;
		if (contact_masked && sms_configured() &&
		    put(db, n, "sms", NULL, NULL, contact_masked, subject, body, e))
			return -1;
		return 0;
	}
	m.code = NULL;
	struct strbuf names;
	strbuf_init(&names, a, 0);
	strbuf_adds(&names, "");
	for (size_t i = 0; i < nto; i++) {
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |=
			    to[k].user_id && to[i].user_id && !strcmp(to[k].user_id, to[i].user_id);
		if (seen || (!to[i].user_id && !to[i].name))
			continue;
		if (to[i].name)
			strbuf_addf(&names, "%s%s", names.len ? "、" : "", to[i].name);
		if (!to[i].user_id)
			continue;
		notify_text(a, &m, &subject, &body);
		if (put(db, n, "inbox", to[i].user_id, to[i].name, NULL, subject, body, e))
			return -1;
	}
	if (n->inbox_only)
		return 0;
	notify_text(a, &m, &subject, &body);
	if (names.len)
		body = arena_printf(a, "%s\n接收人：%s", body, names.buf);
	for (size_t i = 0; i < NSENDERS; i++) {
		if (!strcmp(senders[i].name, "sms") || !senders[i].configured())
			continue;
		if (put(db, n, senders[i].name, NULL, names.len ? names.buf : NULL, senders[i].name,
		        subject, body, e))
			return -1;
	}
	return 0;
}

/* ---- sending ---- */

#define SEND_BATCH 100

struct queued {
	const char *id, *channel, *subject, *body, *request_id;
	int64_t attempts;
};

/* the result of one attempt, in a transaction of its own */
static int settle(struct db *db, const struct queued *q, int ok, const char *error, int final,
                  int64_t now_ms, struct err *e)
{
	char now[32], next[32];
	time_iso(now_ms, now);
	int64_t wait = config_int("notify.retry_seconds") * 1000;
	for (int64_t i = 0; i < q->attempts && wait < 86400 * (int64_t)1000; i++)
		wait *= 2; /* 1, 2, 4 … times the base */
	time_iso(now_ms + wait, next);
	const char *state = ok ? "sent" : final ? "failed" : "queued";
	if (db_begin(db, DB_WRITE, e))
		return -1;
	if (db_exec(db, e,
	            "UPDATE notifications SET state = ?, attempts = attempts + 1, next_try_at = ?, "
	            "sent_at = ?, error = ? WHERE id = ? AND state = 'queued'",
	            DB_T(state), ok || final ? DB_NULL : DB_T(next), ok ? DB_T(now) : DB_NULL,
	            DB_T(error), DB_T(q->id)) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

int notify_send_due(struct db *db, int64_t now_ms, int64_t *sent, int64_t *failed, struct err *e)
{
	struct arena *a = db_arena(db);
	char now[32];
	time_iso(now_ms, now);
	*sent = *failed = 0;
	struct db_stmt *st = db_query(db, e,
	                              "SELECT id, channel, subject, body, request_id, attempts "
	                              "FROM notifications WHERE state = 'queued' AND next_try_at "
	                              "<= ? ORDER BY next_try_at, id LIMIT 100",
	                              DB_T(now));
	if (!st)
		return -1;
	struct queued *v = arena_alloc(a, SEND_BATCH * sizeof(*v));
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, e)) == 1 && n < SEND_BATCH)
		v[n++] = (struct queued){ db_text(st, 0), db_text(st, 1), db_text(st, 2),
			                  db_text(st, 3), db_text(st, 4), db_int(st, 5) };
	if (rc < 0)
		return -1;
	if (rc == 1)
		db_done(st);
	int64_t max = config_int("notify.max_attempts");
	for (size_t i = 0; i < n; i++) {
		const struct notify_sender *s = notify_sender(v[i].channel);
		struct notify_msg m = { v[i].id, v[i].channel, v[i].subject, v[i].body, NULL };
		struct err se = { 0 };
		int ok = 0, final = v[i].attempts + 1 >= max;
		if (!s || !s->configured()) {
			err_set(&se, 502, "notify.off", NULL, "the channel '%s' is not configured",
			        v[i].channel);
			final = 1;
		} else if (!strcmp(s->name, "sms") &&
		           (db_get_text(db, &se, &m.phone,
		                        "SELECT contact_enc FROM requests WHERE id = ?",
		                        DB_ARGS(DB_T(v[i].request_id))) != 1 ||
		            !m.phone || !(m.phone = crypt_open(a, m.phone, &se)))) {
			if (!se.status)
				err_set(&se, 502, "notify.send", NULL,
				        "the request has no contact");
			final = 1; /* no contact any more, or it does not open */
		} else {
			ok = !s->send(a, &m, &se);
		}
		if (!ok)
			log_msg(LOG_WARN, "notify: %s %s: %s", v[i].channel, v[i].id, se.msg);
		if (settle(db, &v[i], ok, ok ? NULL : se.msg, final, now_ms, e))
			return -1;
		ok ? (*sent)++ : final ? (*failed)++ : 0;
	}
	return 0;
}

/* ---- the job ---- */

/* requests.notify, every 30 seconds: the queued messages due */
static int job_notify(struct job_ctx *j, struct err *e)
{
	int64_t sent, failed;
	if (notify_send_due(j->db, time_now_ms(), &sent, &failed, e))
		return -1;
	strbuf_addf(&j->result, "{\"sent\":%lld,\"failed\":%lld}", (long long)sent,
	            (long long)failed);
	return 0;
}

static const struct job_kind notify_kind = { "requests.notify", job_notify, 30 };

void notify_register(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	jobs_register(&notify_kind);
}

/* ---- the inbox ---- */

static const char *const inbox_sorts[] = { "created=n.created_at", NULL };

static const char *const inbox_keys[] = { "id",   "kind",       "request_id", "subject",
	                                  "body", "created_at", "read_at",    NULL };

static void write_inbox_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, inbox_keys);
}

/* GET /api/v1/me/notifications?unread=1: the caller's inbox, newest first, and how many
 * are unread */
static int list_inbox(struct req *r, struct err *e)
{
	struct page pg;
	struct query q;
	const char *v = req_query(r, "unread");
	if (req_page(r, inbox_sorts, "-created", &pg, e))
		return -1;
	strbuf_init(&q.where, &r->arena, 0);
	q.n = 0;
	strbuf_adds(&q.where, "n.channel = 'inbox'");
	query_and(&q, "n.user_id = ?", DB_T(r->who->user_id));
	if (v && !strcmp(v, "1"))
		query_and(&q, "n.read_at IS NULL", DB_NOARGS);
	return req_list(r, "n.id, n.kind, n.request_id, n.subject, n.body, n.created_at, n.read_at",
	                "notifications n", &q, &pg, write_inbox_row, e);
}

/* GET /api/v1/me/notifications/unread: {"unread": n}, the console header's badge */
static int count_unread(struct req *r, struct err *e)
{
	int64_t n = 0;
	if (db_get_int(r->db, e, &n,
	               "SELECT count(*) FROM notifications WHERE user_id = ? AND channel = "
	               "'inbox' AND read_at IS NULL",
	               DB_ARGS(DB_T(r->who->user_id))) < 0)
		return -1;
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_ki64(w, "unread", n);
	jw_obj_end(w);
	return 0;
}

/* POST /api/v1/me/notifications/read {"ids": [...]} or {"all": true}: marked read; the
 * caller's own only (others' ids are not found: 404) */
struct read_body {
	const json_t *ids;
	int all;
};

static const struct jfield read_fields[] = {
	{ "ids", JF_STRS, offsetof(struct read_body, ids), 0, 1, 40 },
	{ "all", JF_BOOL, offsetof(struct read_body, all), 0, 0, 0 },
};

static int mark_read(struct req *r, struct err *e)
{
	struct read_body b = { 0 };
	char now[32];
	time_iso(time_now_ms(), now);
	json_t *j = req_json(r, e);
	if (!j || json_decode(j, read_fields, JF_COUNT(read_fields), &b, NULL, 0, e))
		return -1;
	if ((!b.all && !json_array_size(b.ids)) || json_array_size(b.ids) > 100)
		return err_invalid(e, "notify.ids", "ids",
		                   "name at most 100 notifications, or all");
	int64_t marked = 0; /* the router holds the transaction */
	if (b.all) {
		marked =
		    db_exec(r->db, e,
		            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND channel "
		            "= 'inbox' AND read_at IS NULL",
		            DB_T(now), DB_T(r->who->user_id));
	} else {
		for (size_t i = 0; i < json_array_size(b.ids) && marked >= 0; i++) {
			const char *id = json_string_value(json_array_get(b.ids, i));
			int64_t found = 0;
			if (db_get_int(
			        r->db, e, &found,
			        "SELECT count(*) FROM notifications WHERE id = ? AND user_id = ? "
			        "AND channel = 'inbox'",
			        DB_ARGS(DB_T(id), DB_T(r->who->user_id))) < 0)
				marked = -1;
			else if (!found)
				marked =
				    err_notfound(e, "notify.not_found", "no notification '%s'", id);
			else if (db_exec(r->db, e,
			                 "UPDATE notifications SET read_at = ? WHERE id = ? AND "
			                 "read_at "
			                 "IS NULL",
			                 DB_T(now), DB_T(id)) < 0)
				marked = -1;
			else
				marked++;
		}
	}
	return marked < 0 ? -1 : count_unread(r, e);
}

const struct route requests_notify_route_list[] = {
	{ "GET", "/api/v1/me/notifications", list_inbox, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "GET", "/api/v1/me/notifications/unread", count_unread, PERM_LOGIN, &PLACE_NONE, 0, 0 },
	{ "POST", "/api/v1/me/notifications/read", mark_read, PERM_LOGIN, &PLACE_NONE, 0, 0 },
};

const struct route_table requests_notify_routes = { "requests", requests_notify_route_list,
	                                            sizeof(requests_notify_route_list) /
	                                                sizeof(requests_notify_route_list[0]) };

/* ---- a request's outbox ---- */

static const char *const outbox_keys[] = {
	"id",      "kind",  "channel",    "user_id",   "recipient_name", "target",
	"subject", "body",  "state",      "#attempts", "next_try_at",    "sent_at",
	"read_at", "error", "created_at", NULL
};

static void write_outbox_row(struct jw *w, struct db_stmt *st)
{
	jw_row(w, st, outbox_keys);
}

int notify_list_request(struct req *r, struct err *e)
{
	struct db_stmt *st = db_query(
	    r->db, e,
	    "SELECT id, kind, channel, user_id, recipient_name, target, subject, body, state, "
	    "attempts, next_try_at, sent_at, read_at, error, created_at FROM notifications WHERE "
	    "request_id = ? ORDER BY created_at, id LIMIT 500",
	    DB_T(req_param(r, "id")));
	return st ? req_items(r, st, write_outbox_row, e) : -1;
}
