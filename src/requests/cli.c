/* cli.c - the commands of requests: none yet (the 12345 import and `request escalate` are
 * next; docs/internals/requests.md). */
#include "requests.h"

#include "core/banned.h"

const struct command_table requests_commands = { "requests", NULL, 0 };
