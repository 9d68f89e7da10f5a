/*
 * log.h - one line per event on stderr (or a file), UTC timestamps, levels.
 * Lines are written with a single write(2) so that threads do not interleave.
 *
 * A log file (log.file, `cunwu serve` only) is rotated daily: the first line of a new UTC
 * day moves FILE to FILE.YYYY-MM-DD (the day its lines are from) and starts FILE afresh, then
 * removes FILE.YYYY-MM-DD older than the days to keep, never fewer than LOG_KEEP_DAYS_MIN.
 * log_reopen (on SIGHUP) opens FILE again, for an outside rotator such as logrotate.
 */
#ifndef CUNWU_LOG_H
#define CUNWU_LOG_H

#include <stddef.h>

struct err;

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

/* Cybersecurity Law art. 21: network logs kept at least six months */
#define LOG_KEEP_DAYS_MIN 180

/*
 * Append lines to path (created 0640) instead of stderr. daily: rotate at UTC midnight as
 * above, keeping keep_days days (raised to LOG_KEEP_DAYS_MIN). -1 with e (log.file) if the
 * file cannot be opened.
 */
int log_open(const char *path, int daily, int keep_days, struct err *e);
/* Open the file again (after an outside rotation); lines keep going to the old one if that
 * fails. Nothing without log_open. */
void log_reopen(void);
/* Back to stderr; the file closed. */
void log_close(void);

/* ---- the rotation's rules, pure (tests/unit/core/log.c) ---- */

/* 1 if name (a file beside base, no folder) is a rotated copy of base, "BASE.YYYY-MM-DD" or
 * "BASE.YYYY-MM-DD.N", and its day is over keep_days (at least LOG_KEEP_DAYS_MIN) before
 * today (YYYY-MM-DD); 0 for every other name, which is never removed. */
int log_expired(const char *base, const char *name, const char *today, int keep_days);
/* The name a file of lines of day gets, "PATH.YYYY-MM-DD", or with ".N" (N from 1) when
 * taken: exists says whether a name is taken. 0, or -1 if out is too small. */
int log_rotated_name(const char *path, const char *day, int (*exists)(const char *name), char *out,
                     size_t n);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
