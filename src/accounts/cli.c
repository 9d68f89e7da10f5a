/* cli.c - commands of accounts: user add|passwd|list|grant|totp-reset, token add|revoke. */
#include "accounts.h"

#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "places/places.h"
#include "core/banned.h"

static int resolve_place(struct cli *c, const char *ref, const char **id, struct err *e)
{
	struct place p;
	int rc = places_resolve(c->db, ref, &p, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return cli_usage(e, "no place '%s' (give its name, NBS code or id)", ref);
	*id = p.id;
	return 0;
}

static int password_arg(struct cli *c, int from_stdin, const char **pw, int *generated,
                        struct err *e)
{
	*generated = 0;
	if (from_stdin)
		return cli_read_secret(&c->arena, pw, e);
	char *buf = arena_alloc(&c->arena, 17);
	auth_random_password(buf);
	/* the alphabet mixes cases and digits, so it passes the policy */
	*pw = buf;
	*generated = 1;
	return 0;
}

/* the account login into u (in the command's transaction): 0, or -1 (usage if unknown) */
static int user_in(struct cli *c, const char *login, struct user *u, struct err *e)
{
	int rc = accounts_user_by_login(c->db, login, u, NULL, e);
	if (rc == 0)
		cli_usage(e, "no user '%s'", login);
	return rc == 1 ? 0 : -1;
}

/* cunwu user add LOGIN --name NAME --place PLACE [--role ROLE] [--password-stdin] */
static int cmd_user_add(struct cli *c, struct err *e)
{
	const char *name = cli_opt(c, "--name"), *place = cli_opt(c, "--place");
	const char *role = cli_opt(c, "--role");
	int from_stdin = cli_flag(c, "--password-stdin");
	const char *login = cli_arg(c, "LOGIN", 1, e);
	if (!login || cli_end(c, e))
		return -1;
	if (!name)
		return cli_usage(e, "missing --name");
	if (!place)
		return cli_usage(e, "missing --place");
	const char *pw, *place_id = NULL, *id = NULL;
	int generated;
	if (password_arg(c, from_stdin, &pw, &generated, e))
		return -1;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = resolve_place(c, place, &place_id, e) ||
	         accounts_user_create(c->db, &c->actor, login, name, place_id, pw, &id, e) ||
	         (role && accounts_grant(c->db, &c->actor, id, role, place_id, NULL, e));
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("user %s added (id %s)\n", login, id);
	if (generated)
		printf("password: %s\n(shown once; change it after the first login)\n", pw);
	return 0;
}

/* cunwu user passwd LOGIN [--password-stdin] */
static int cmd_user_passwd(struct cli *c, struct err *e)
{
	int from_stdin = cli_flag(c, "--password-stdin");
	const char *login = cli_arg(c, "LOGIN", 1, e);
	if (!login || cli_end(c, e))
		return -1;
	const char *pw;
	int generated;
	if (password_arg(c, from_stdin, &pw, &generated, e))
		return -1;
	struct user u;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc =
	    user_in(c, login, &u, e) || accounts_set_password(c->db, &c->actor, &u, pw, NULL, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("password of %s changed; their sessions ended\n", login);
	if (generated)
		printf("password: %s\n", pw);
	return 0;
}

/* cunwu user list */
static int cmd_user_list(struct cli *c, struct err *e)
{
	if (cli_end(c, e))
		return -1;
	struct db_stmt *st =
	    db_query(c->db, e,
	             "SELECT u.login, u.name, p.name, u.disabled, "
	             "(SELECT count(*) FROM grants g WHERE g.user_id = u.id) FROM users u "
	             "JOIN places p ON p.id = u.place_id ORDER BY u.login",
	             DB_NOARGS);
	if (!st)
		return -1;
	int rc;
	printf("%-20s %-16s %-20s %s\n", "LOGIN", "NAME", "PLACE", "GRANTS");
	while ((rc = db_step(st, e)) == 1)
		printf("%-20s %-16s %-20s %lld%s\n", db_text(st, 0), db_text(st, 1), db_text(st, 2),
		       (long long)db_int(st, 4), db_int(st, 3) ? " (disabled)" : "");
	return rc < 0 ? -1 : 0;
}

/* cunwu user grant LOGIN ROLE PLACE */
static int cmd_user_grant(struct cli *c, struct err *e)
{
	const char *login = cli_arg(c, "LOGIN", 1, e);
	const char *role = login ? cli_arg(c, "ROLE", 1, e) : NULL;
	const char *place = role ? cli_arg(c, "PLACE", 1, e) : NULL;
	if (!place || cli_end(c, e))
		return -1;
	struct user u;
	const char *place_id = NULL;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = user_in(c, login, &u, e) || resolve_place(c, place, &place_id, e) ||
	         accounts_grant(c->db, &c->actor, u.id, role, place_id, NULL, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("%s is now %s over %s\n", login, role, place);
	return 0;
}

/* cunwu user totp-reset LOGIN: the operator's way to the security administrator's reset */
static int cmd_user_totp_reset(struct cli *c, struct err *e)
{
	const char *login = cli_arg(c, "LOGIN", 1, e);
	if (!login || cli_end(c, e))
		return -1;
	struct user u;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = user_in(c, login, &u, e) || accounts_totp_reset(c->db, &c->actor, &u, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("second factor of %s removed; their sessions ended (they enrol again at the next "
	       "login)\n",
	       login);
	return 0;
}

/* cunwu token add LOGIN NAME */
static int cmd_token_add(struct cli *c, struct err *e)
{
	const char *login = cli_arg(c, "LOGIN", 1, e);
	const char *name = login ? cli_arg(c, "NAME", 1, e) : NULL;
	if (!name || cli_end(c, e))
		return -1;
	struct user u;
	const char *token, *id;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	int rc = user_in(c, login, &u, e) ||
	         accounts_token_create(c->db, &c->actor, &u, name, &token, &id, e);
	if (cli_commit(c, rc ? -1 : 0, e))
		return -1;
	printf("token %s for %s:\n%s\n(shown once; send it as 'Authorization: Bearer <token>')\n",
	       id, login, token);
	return 0;
}

/* cunwu token revoke ID */
static int cmd_token_revoke(struct cli *c, struct err *e)
{
	const char *id = cli_arg(c, "ID", 1, e);
	if (!id || cli_end(c, e))
		return -1;
	if (db_begin(c->db, DB_WRITE, e))
		return -1;
	if (cli_commit(c, accounts_token_revoke(c->db, &c->actor, id, NULL, e), e))
		return -1;
	printf("token %s revoked\n", id);
	return 0;
}

static const struct command cmds[] = {
	{ "user add", cmd_user_add, NEED_DB,
	  "user add LOGIN --name NAME --place PLACE [--role ROLE] [--password-stdin]",
	  "add an account (a password is generated unless given on stdin)" },
	{ "user passwd", cmd_user_passwd, NEED_DB, "user passwd LOGIN [--password-stdin]",
	  "set a new password and end the user's sessions" },
	{ "user list", cmd_user_list, NEED_DB, "user list", "list accounts" },
	{ "user grant", cmd_user_grant, NEED_DB, "user grant LOGIN ROLE PLACE",
	  "grant a role over a place subtree (roles: see GET /api/v1/roles)" },
	{ "user totp-reset", cmd_user_totp_reset, NEED_DB, "user totp-reset LOGIN",
	  "remove a user's second factor (TOTP) and end their sessions" },
	{ "token add", cmd_token_add, NEED_DB, "token add LOGIN NAME",
	  "make an API token for a user (shown once)" },
	{ "token revoke", cmd_token_revoke, NEED_DB, "token revoke ID", "revoke an API token" },
};

const struct command_table accounts_commands = { "accounts", cmds, sizeof(cmds) / sizeof(cmds[0]) };
