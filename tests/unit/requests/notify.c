/*
 * notify.c - unit tests of the pure part of src/requests/notify.c: digit runs masked, the
 * texts of each notice, the robots' message and answer, DingTalk's signature (a vector
 * from Python's hmac), the SMS gateway's body.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "../unit.h"

#include "requests/notify.h"
#include "core/banned.h"

static void test_mask(void **state)
{
	struct arena *a = *state;
	assert_string_equal(notify_mask(a, "电话13800001111"), "电话138****1111");
	assert_string_equal(notify_mask(a, "身份证140406199001011234。"),
	                    "身份证140***********1234。");
	assert_string_equal(notify_mask(a, "14040619900101123X"), "140***********123X");
	assert_string_equal(notify_mask(a, "14040619900101123x号"), "140***********123x号");
	assert_string_equal(notify_mask(a, "座机 3551234567"), "座机 ********67");
	assert_string_equal(notify_mask(a, "2 号楼 302 室，123456"), "2 号楼 302 室，123456");
	assert_string_equal(notify_mask(a, "Xx1234567X"), "Xx*****67X");
	assert_string_equal(notify_mask(a, ""), "");
	assert_string_equal(notify_mask(a, NULL), "");
}

static void test_text(void **state)
{
	struct arena *a = *state;
	const char *s, *b;
	struct notice n = { .kind = NK_ROUTE,
		            .title = "垃圾 13800001111",
		            .category = "垃圾乱倒",
		            .place = "东沟",
		            .due_at = "2026-03-01T00:30:00.000Z",
		            .code = "ABCDE12345",
		            .link = "https://x/requests/1234567890" };
	notify_text(a, &n, &s, &b);
	assert_string_equal(s, "新诉求待签收：垃圾 138****1111");
	/* the link after masking; the code only for the reporter; the deadline in Beijing */
	assert_string_equal(
	    b, "东沟·垃圾乱倒：垃圾 138****1111。签收时限 2026-03-01 08:30，请签收办理。 查询码 "
	       "ABCDE12345，可查看进度并评价。\nhttps://x/requests/1234567890");
	n.kind = NK_SUPERVISE;
	n.actor = "镇长";
	n.note = "今天务必处理";
	n.code = n.link = NULL;
	notify_text(a, &n, &s, &b);
	assert_string_equal(s, "督办：垃圾 138****1111");
	assert_string_equal(b, "镇长督办 东沟·垃圾乱倒：垃圾 138****1111。督办意见：今天务必处理");
	n.kind = NK_RESOLVE;
	n.note = "已清运";
	notify_text(a, &n, &s, &b);
	assert_string_equal(s, "您反映的诉求已答复");
	assert_string_equal(b, "您反映的“垃圾 138****1111”已答复：已清运");
	/* a long note is cut to 100 characters */
	char note[400];
	for (int i = 0; i < 120; i++)
		memcpy(note + 3 * i, "长", 3);
	note[360] = '\0';
	n.note = note;
	notify_text(a, &n, &s, &b);
	assert_non_null(strstr(b, "长…"));
	assert_true(strlen(b) < strlen(note));
	for (int k = 0; k < NK_COUNT; k++) {
		n.kind = k;
		notify_text(a, &n, &s, &b);
		assert_true(*s && *b);
		assert_non_null(notify_kind_name(k));
	}
	assert_null(notify_kind_name(NK_COUNT));
}

static void test_robot(void **state)
{
	struct arena *a = *state;
	assert_string_equal(
	    notify_robot_payload(a, "【诉求】a\n\"b\""),
	    "{\"msgtype\":\"text\",\"text\":{\"content\":\"【诉求】a\\n\\\"b\\\"\"}}");
	assert_true(notify_robot_ok("{\"errcode\":0,\"errmsg\":\"ok\"}"));
	assert_false(notify_robot_ok("{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}"));
	assert_false(notify_robot_ok("<html>"));
	assert_false(notify_robot_ok(NULL));
	assert_string_equal(
	    notify_sms_payload(a, "T100", "13912345678", "s", "c"),
	    "{\"template_id\":\"T100\",\"phone\":\"13912345678\",\"params\":{\"subject\":\"s\","
	    "\"content\":\"c\"},\"content\":\"c\"}");
	assert_non_null(notify_sender("wecom"));
	assert_non_null(notify_sender("dingtalk"));
	assert_non_null(notify_sender("sms"));
	assert_null(notify_sender("inbox"));
	assert_null(notify_sender(NULL));
}

/* python3: base64(hmac.new(b"SEC0123456789abcdef", b"1700000000000\nSEC0123456789abcdef",
 * sha256)), then urllib.parse.quote_plus */
static void test_dingtalk_sign(void **state)
{
	struct arena *a = *state;
	assert_string_equal(notify_dingtalk_sign(a, 1700000000000, "SEC0123456789abcdef"),
	                    "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mask, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_text, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_robot, unit_arena_setup, unit_arena_teardown),
		cmocka_unit_test_setup_teardown(test_dingtalk_sign, unit_arena_setup,
		                                unit_arena_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
