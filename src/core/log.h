/*
 * log.h - one line per event on stderr (or a file), UTC timestamps, levels.
 * Lines are written with a single write(2) so that threads do not interleave.
 */
#ifndef CUNWU_LOG_H
#define CUNWU_LOG_H

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG_OFF
};

/* level by name ("debug", "info", "warn", "error", "off"); -1 on an unknown name */
int log_level_parse(const char *name);
void log_set_level(enum log_level level);
/* Send lines to fd instead of 2 (stderr). */
void log_set_fd(int fd);
int log_enabled(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
