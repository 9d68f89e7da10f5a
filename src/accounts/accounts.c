/* accounts.c - pure rules of accounts; see accounts.h. */
#include "accounts.h"

#include <string.h>

#include "core/auth.h"
#include "core/banned.h"

int accounts_login_check(const char *login, struct err *e)
{
	size_t n = strlen(login);
	if (n < 3 || n > 64)
		return err_invalid(e, "accounts.login_invalid", "login",
		                   "login must be 3 to 64 characters");
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return err_invalid(e, "accounts.login_invalid", "login",
			                   "login may hold only a-z, 0-9, '.', '_' and '-', and "
			                   "must start with a letter or digit");
	}
	return 0;
}

int accounts_roles_conflict(const char *have, const char *add)
{
	return auth_admin_role(have) && auth_admin_role(add) && strcmp(have, add) != 0;
}
