/* log.c - leveled one-line logging; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

static enum log_level log_min = LOG_INFO;
static int log_fd = 2;
static const char *const log_names[] = { "debug", "info", "warn", "error", "off" };

int log_level_parse(const char *name)
{
	for (int i = 0; i <= LOG_OFF; i++)
		if (!strcmp(name, log_names[i]))
			return i;
	return -1;
}

void log_set_level(enum log_level level)
{
	log_min = level;
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

int log_enabled(enum log_level level)
{
	return level >= log_min && level < LOG_OFF;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char line[2048];
	char ts[32];
	time_iso(time_now_ms(), ts);
	int n = snprintf(line, sizeof(line), "%s %-5s ", ts, log_names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(log_fd, line, len);
	(void)w;
}
