# notifications: routing queues the holder's inbox row (delivered) and one message for each
# configured robot; the job requests.notify posts them (WeCom's text message, DingTalk's
# signed URL) with ID numbers and phones masked; the inbox lists, counts and marks read the
# caller's own; supervision tells the handler, the reply texts the reporter's contact by the
# SMS gateway; a failing receiver: tried again, then failed after notify.max_attempts

receiver start
set notify.wecom_url=${receiver}/wecom
set notify.dingtalk_url=${receiver}/dingtalk?access_token=abc
set notify.dingtalk_secret=SECtest
set notify.sms_url=${receiver}/sms
set notify.sms_token=tok-123
set notify.sms_template=T100
set notify.console_url=https://cunwu.example.gov.cn
set notify.max_attempts=3
set notify.retry_seconds=0

login cadre1
POST /api/v1/places
{"parent_id": "140406101204", "kind": "grid", "name": "第一网格"}
expect 201

capture g = .id

POST /api/v1/places
{"parent_id": "140406101204", "kind": "natural_village", "name": "东沟"}
expect 201

capture east = .id

PUT /api/v1/places/${g}/coverage
{"place_ids": ["${east}"]}
expect 200

POST /api/v1/duties
{"role": "grid_worker", "place_id": "${g}", "user_login": "grid1", "from_date": "2025-01-01"}
expect 201

POST /api/v1/duties
{"role": "branch_secretary", "place_id": "140406101204", "user_login": "cadre1", "from_date": "2021-05-01"}
expect 201

# routed to grid1: their inbox row (sent as written), a message for each robot (queued)
POST /api/v1/requests
{"category_id": "env.dumping", "place_id": "${east}", "title": "村口倒垃圾 报告人身份证140406199001011234 电话13800001111", "source": "staff_phone", "contact_name": "王大妈", "contact_phone": "13912345678", "attributes": {"kind": "建筑垃圾"}}
expect 201

capture q = .id

GET /api/v1/requests/${q}/notifications
expect 200
{"items": [{"kind": "route", "channel": "inbox", "recipient_name": "网格员", "state": "sent", "sent_at": "*", "subject": "~新诉求待签收", "body": "~140***********1234"}, {"kind": "route", "channel": "wecom", "state": "queued", "attempts": 0, "recipient_name": "网格员", "body": "~138****1111"}, {"kind": "route", "channel": "dingtalk", "state": "queued"}]}

# the job, made due now, posts them
sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.notify' AND state = 'queued'

poll GET /api/v1/requests/${q}/notifications
expect 200
{"items": [{"channel": "inbox"}, {"channel": "wecom", "state": "sent", "attempts": 1, "sent_at": "*", "error": null}, {"channel": "dingtalk", "state": "sent", "attempts": 1}]}

received ~ POST /hook/wecom HTTP/1.1
received ~ {"msgtype":"text","text":{"content":"【诉求】新诉求待签收：村口倒垃圾
received ~ 140***********1234
received ~ 138****1111
received ~ 接收人：网格员
received ~ https://cunwu.example.gov.cn/requests/${q}
received ~ POST /hook/dingtalk?access_token=abc&timestamp=
received ~ &sign=
received !~ 140406199001011234
received !~ 13800001111
received !~ 13912345678

# the inbox: grid1's own, unread counted, marked read
login grid1
GET /api/v1/me/notifications/unread
expect 200
{"unread": 1}

GET /api/v1/me/notifications
expect 200
{"total": 1, "items": [{"kind": "route", "request_id": "${q}", "title": "!", "subject": "~新诉求待签收", "read_at": null}]}

capture n1 = .items[0].id

# another's notification is not found
login cadre2
GET /api/v1/me/notifications
expect 200
{"total": 0}

POST /api/v1/me/notifications/read
{"ids": ["${n1}"]}
expect 404
{"error": {"code": "notify.not_found"}}

POST /api/v1/me/notifications/read
{}
expect 400
{"error": {"code": "notify.ids", "field": "ids"}}

as grid1
POST /api/v1/me/notifications/read
{"ids": ["${n1}"]}
expect 200
{"unread": 0}

GET /api/v1/me/notifications?unread=1
expect 200
{"total": 0}

# supervision (督办) tells the handler
login cadre1
POST /api/v1/requests/${q}/actions
{"action": "supervise", "note": "今天务必清走"}
expect 200

as grid1
GET /api/v1/me/notifications?unread=1
expect 200
{"total": 1, "items": [{"kind": "supervise", "subject": "~督办", "body": "~今天务必清走"}]}

POST /api/v1/me/notifications/read
{"all": true}
expect 200
{"unread": 0}

# the reply: the reporter's contact gets an SMS by the gateway (the number only to it)
POST /api/v1/requests/${q}/actions
{"action": "sign"}
expect 200

POST /api/v1/requests/${q}/actions
{"action": "resolve", "reply": "已清运，回电13800001111"}
expect 200

as cadre1
GET /api/v1/requests/${q}/notifications
expect 200
{"items": [{"kind": "route"}, {"kind": "route"}, {"kind": "route"}, {"kind": "supervise", "channel": "inbox"}, {"kind": "supervise", "channel": "wecom"}, {"kind": "supervise", "channel": "dingtalk"}, {"kind": "resolve", "channel": "sms", "target": "139****5678", "state": "queued", "body": "~已清运，回电138****1111"}]}

sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.notify' AND state = 'queued'

poll GET /api/v1/requests/${q}/notifications
expect 200
{"items": [{"state": "sent"}, {"state": "sent"}, {"state": "sent"}, {"state": "sent"}, {"state": "sent"}, {"state": "sent"}, {"channel": "sms", "state": "sent", "attempts": 1}]}

received ~ POST /hook/sms HTTP/1.1
received ~ {"template_id":"T100","phone":"13912345678","params":{"subject":"您反映的诉求已答复"
received ~ 查询码

# a failing receiver: tried again at each run, failed after 3 attempts
receiver fail
POST /api/v1/requests
{"category_id": "wires", "place_id": "${east}", "title": "电线乱拉", "source": "staff_visit"}
expect 201

capture q2 = .id

sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.notify' AND state = 'queued'

poll GET /api/v1/requests/${q2}/notifications
expect 200
{"items": [{"channel": "inbox"}, {"channel": "wecom", "state": "queued", "attempts": 1, "error": "~HTTP 500", "next_try_at": "*"}, {"channel": "dingtalk", "state": "queued", "attempts": 1}]}

sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.notify' AND state = 'queued'

poll GET /api/v1/requests/${q2}/notifications
expect 200
{"items": [{"channel": "inbox"}, {"channel": "wecom", "state": "queued", "attempts": 2}, {"channel": "dingtalk", "state": "queued", "attempts": 2}]}

sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.notify' AND state = 'queued'

poll GET /api/v1/requests/${q2}/notifications
expect 200
{"items": [{"channel": "inbox"}, {"channel": "wecom", "state": "failed", "attempts": 3, "next_try_at": null, "sent_at": null, "error": "~HTTP 500"}, {"channel": "dingtalk", "state": "failed", "attempts": 3}]}

log ~ notify: wecom

# nothing more to send, from the command line too
cli --set notify.wecom_url=${receiver}/wecom request notify
stdout ~ 0 sent, 0 failed

# escalation tells the new holder and the leader above (the town's)
sql UPDATE requests SET response_due_at = '2000-01-01T00:00:00.000Z' WHERE id = '${q2}'

sql UPDATE jobs SET run_at = '2000-01-01T00:00:00.000Z' WHERE kind = 'requests.escalate' AND state = 'queued'

poll GET /api/v1/requests/${q2}/notifications
expect 200
{"items": [{}, {}, {}, {"kind": "escalate", "channel": "inbox", "recipient_name": "秦家山书记", "body": "~已升级至秦家山书记。办结时限 "}, {"kind": "escalate", "channel": "inbox", "recipient_name": "镇长"}, {"kind": "escalate", "channel": "wecom", "recipient_name": "秦家山书记、镇长"}, {"kind": "escalate", "channel": "dingtalk"}]}

# the inbox needs an account
as anon
GET /api/v1/me/notifications
expect 401
