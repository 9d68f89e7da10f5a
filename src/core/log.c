/* log.c - leveled one-line logging, a log file and its daily rotation; see log.h. */
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
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

/*
 * The log file: writers hold the lock shared, so that rotation and reopening (held
 * exclusively) never close the descriptor under a write or let its number be reused.
 */
static pthread_rwlock_t file_lock = PTHREAD_RWLOCK_INITIALIZER;
static int file_on, file_daily, file_keep;
static char file_path[4096];
static char file_day[11]; /* the UTC day of the lines in the file */

/* days since 1970-01-01 of YYYY-MM-DD, or INT64_MIN */
static int64_t day_number(const char *day, size_t len)
{
	char iso[32];
	int64_t ms;
	if (len != 10)
		return INT64_MIN;
	snprintf(iso, sizeof(iso), "%.10sT00:00:00Z", day);
	iso[10] = '\0';
	if (date_check(iso))
		return INT64_MIN;
	iso[10] = 'T';
	if (time_parse_iso(iso, &ms))
		return INT64_MIN;
	return ms / 86400000;
}

int log_expired(const char *base, const char *name, const char *today, int keep_days)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) || name[n] != '.')
		return 0;
	const char *day = name + n + 1, *rest = day + strnlen(day, 10);
	if (*rest == '.') { /* a second file of one day: ".N" */
		const char *p = rest + 1;
		if (!*p)
			return 0;
		for (; *p; p++)
			if (*p < '0' || *p > '9')
				return 0;
	} else if (*rest) {
		return 0;
	}
	int64_t d = day_number(day, (size_t)(rest - day)),
	        t = day_number(today, strnlen(today, 10));
	if (d == INT64_MIN || t == INT64_MIN)
		return 0;
	if (keep_days < LOG_KEEP_DAYS_MIN)
		keep_days = LOG_KEEP_DAYS_MIN;
	return t - d > keep_days;
}

int log_rotated_name(const char *path, const char *day, int (*exists)(const char *name), char *out,
                     size_t n)
{
	if ((size_t)snprintf(out, n, "%s.%s", path, day) >= n)
		return -1;
	for (int i = 1; exists(out) && i < 10000; i++)
		if ((size_t)snprintf(out, n, "%s.%s.%d", path, day, i) >= n)
			return -1;
	return 0;
}

static int file_exists(const char *name)
{
	return access(name, F_OK) == 0;
}

/* the day of the lines already in fd: its last change, or today for an empty file */
static void take_day(int fd, const char *today)
{
	struct stat st;
	char ts[32];
	if (!fstat(fd, &st) && st.st_size > 0) {
		time_iso((int64_t)st.st_mtime * 1000, ts);
		snprintf(file_day, sizeof(file_day), "%.10s", ts);
	} else {
		snprintf(file_day, sizeof(file_day), "%.10s", today);
	}
}

/* remove the rotated files beside file_path older than file_keep days */
static void prune(const char *today)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", file_path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : file_path;
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (log_expired(base, de->d_name, today, file_keep))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static int open_path(void)
{
	return open(file_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

/* under the exclusive lock: FILE to FILE.<its day>, a new FILE, old days removed */
static void rotate(const char *today)
{
	char to[4200];
	if (!log_rotated_name(file_path, file_day, file_exists, to, sizeof(to)) &&
	    !rename(file_path, to)) {
		int fd = open_path();
		if (fd >= 0) {
			close(log_fd);
			log_fd = fd;
		}
	}
	/* whatever happened, this day's lines go on where they can; not tried again today */
	snprintf(file_day, sizeof(file_day), "%.10s", today);
	prune(today);
}

int log_open(const char *path, int daily, int keep_days, struct err *e)
{
	if (strlen(path) >= sizeof(file_path) - 32)
		return err_invalid(e, "log.file", "log.file", "log.file is too long");
	pthread_rwlock_wrlock(&file_lock);
	snprintf(file_path, sizeof(file_path), "%s", path);
	int fd = open_path();
	if (fd < 0) {
		pthread_rwlock_unlock(&file_lock);
		return err_invalid(e, "log.file", "log.file", "unable to open '%s': %s", path,
		                   strerror(errno));
	}
	if (file_on)
		close(log_fd);
	log_fd = fd;
	file_on = 1;
	file_daily = daily;
	file_keep = keep_days < LOG_KEEP_DAYS_MIN ? LOG_KEEP_DAYS_MIN : keep_days;
	char today[32];
	time_iso(time_now_ms(), today);
	take_day(fd, today);
	if (daily && strncmp(file_day, today, 10))
		rotate(today); /* lines of an earlier day, from before a restart */
	else if (daily)
		prune(today);
	pthread_rwlock_unlock(&file_lock);
	return 0;
}

void log_reopen(void)
{
	pthread_rwlock_wrlock(&file_lock);
	if (file_on) {
		int fd = open_path();
		if (fd >= 0) {
			close(log_fd);
			log_fd = fd;
			char today[32];
			time_iso(time_now_ms(), today);
			take_day(fd, today);
		}
	}
	pthread_rwlock_unlock(&file_lock);
}

void log_close(void)
{
	pthread_rwlock_wrlock(&file_lock);
	if (file_on)
		close(log_fd);
	file_on = 0;
	log_fd = 2;
	pthread_rwlock_unlock(&file_lock);
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
	if (!file_on) {
		ssize_t w = write(log_fd, line, len);
		(void)w;
		return;
	}
	pthread_rwlock_rdlock(&file_lock);
	if (file_daily && strncmp(ts, file_day, 10)) { /* the first line of a new day */
		pthread_rwlock_unlock(&file_lock);
		pthread_rwlock_wrlock(&file_lock);
		if (file_on && file_daily && strncmp(ts, file_day, 10))
			rotate(ts);
		pthread_rwlock_unlock(&file_lock);
		pthread_rwlock_rdlock(&file_lock);
	}
	ssize_t w = write(log_fd, line, len);
	(void)w;
	pthread_rwlock_unlock(&file_lock);
}
