/* err.c - structured errors; see err.h. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

int err_set(struct err *e, int status, const char *code, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->status = status;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "internal");
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->retry_after = NULL;
	return -1;
}

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}
