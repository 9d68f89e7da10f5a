/* accounts.c - unit tests of the pure account rules: logins, duties kept apart, passwords. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "accounts/accounts.h"
#include "core/auth.h"
#include "core/config.h"
#include "core/banned.h"

static void test_login_valid(void **state)
{
	static const char *const good[] = { "zhang.san", "abc",    "a1_", "9abc",
		                            "li-si",     "w_2024", "0.0" };
	struct err e;
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear(&e);
		if (accounts_login_check(good[i], &e))
			fail_msg("'%s' was refused: %s", good[i], e.msg);
	}
	char max[65];
	memset(max, 'a', 64);
	max[64] = '\0';
	assert_int_equal(accounts_login_check(max, &e), 0);
}

static void test_login_invalid(void **state)
{
	static const char *const bad[] = {
		"",          "ab",                /* too short */
		"Zhang",     "zhangSan",          /* uppercase */
		"-abc",      ".abc",      "_abc", /* must start with a letter or digit */
		"zhang san", "zhang@san", "张三", "a/b", "a\tb", "abc\n",
	};
	struct err e;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		if (accounts_login_check(bad[i], &e) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_string_equal(e.code, "accounts.login_invalid");
		assert_string_equal(e.field, "login");
		assert_int_equal(e.status, 400);
	}
	char long_login[66];
	memset(long_login, 'a', 65);
	long_login[65] = '\0';
	assert_int_equal(accounts_login_check(long_login, &e), -1);
	assert_non_null(strstr(e.msg, "3 to 64"));
}

static void test_roles_conflict(void **state)
{
	static const char *const sys[] = { "sysadmin", "secadmin", "auditor" };
	(void)state;
	/* any two different system roles conflict, in either order */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			assert_int_equal(accounts_roles_conflict(sys[i], sys[j]), i != j);
	/* a system role beside an ordinary one is fine */
	assert_int_equal(accounts_roles_conflict("sysadmin", "town_leader"), 0);
	assert_int_equal(accounts_roles_conflict("town_leader", "auditor"), 0);
	assert_int_equal(accounts_roles_conflict("town_leader", "village_clerk"), 0);
	/* the same role again is not a conflict */
	assert_int_equal(accounts_roles_conflict("town_leader", "town_leader"), 0);
	/* names are exact */
	assert_int_equal(accounts_roles_conflict("sysadmin", "SecAdmin"), 0);
	assert_int_equal(accounts_roles_conflict("sysadmin", "secadmin2"), 0);
}

static void expect_policy(const char *password, const char *code)
{
	struct err e;
	err_clear(&e);
	if (auth_password_policy(password, &e) != -1)
		fail_msg("'%s' was accepted", password);
	assert_string_equal(e.code, code);
	assert_string_equal(e.field, "password");
	assert_int_equal(e.status, 400);
}

static void test_password_policy(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(config_int("auth.password_min"), 10);
	/* long enough, two classes */
	assert_int_equal(auth_password_policy("abcdefgh12", &e), 0);
	assert_int_equal(auth_password_policy("ABCDEFGHI-", &e), 0);
	assert_int_equal(auth_password_policy("村委会的密码是2024年", &e), 0);
	/* too short: 9 characters, whatever the mix */
	expect_policy("abcdefg1!", "accounts.password_too_short");
	expect_policy("", "accounts.password_too_short");
	/* length is in characters, not bytes: 9 CJK characters are 27 bytes but too short */
	expect_policy("一二三四五六七八1", "accounts.password_too_short");
	assert_int_equal(auth_password_policy("一二三四五六七八九1", &e), 0);
	/* a single class */
	expect_policy("aaaaaaaaaaaa", "accounts.password_too_simple");
	expect_policy("ABCDEFGHIJKL", "accounts.password_too_simple");
	expect_policy("123456789012", "accounts.password_too_simple");
	expect_policy("一二三四五六七八九十", "accounts.password_too_simple");
	/* too long */
	char long_pw[131];
	memset(long_pw, 'a', 129);
	long_pw[0] = '1';
	long_pw[129] = '\0';
	expect_policy(long_pw, "accounts.password_too_long");
	long_pw[128] = '\0';
	assert_int_equal(auth_password_policy(long_pw, &e), 0);
	/* not UTF-8 */
	expect_policy("abcdefgh1\xff", "accounts.password_invalid");
}

static void test_password_min_setting(void **state)
{
	struct err e;
	(void)state;
	assert_int_equal(config_set("auth.password_min", "12", "flag", &e), 0);
	expect_policy("abcdefgh12", "accounts.password_too_short");
	err_clear(&e);
	assert_int_equal(auth_password_policy("abcdefgh12", &e), -1);
	assert_non_null(strstr(e.msg, "at least 12"));
	assert_int_equal(auth_password_policy("abcdefgh1234", &e), 0);
	config_init();
	assert_int_equal(auth_password_policy("abcdefgh12", &e), 0);
}

static int group_setup(void **state)
{
	(void)state;
	config_init();
	return sodium_init() < 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	config_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_valid),          cmocka_unit_test(test_login_invalid),
		cmocka_unit_test(test_roles_conflict),       cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_password_min_setting),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
