/*
 * util.h - small pure helpers: clock and time formats, row ids, number parsing, hex.
 */
#ifndef CUNWU_UTIL_H
#define CUNWU_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a of a string: for hash tables and cache slots, never for secrets. */
uint64_t str_hash(const char *s);
/* Milliseconds since the Unix epoch, UTC. */
int64_t time_now_ms(void);
/* The CLOCK_REALTIME instant ms from now, for pthread_cond_timedwait. */
struct timespec;
void time_deadline(struct timespec *ts, int64_t ms);
/* Format an instant as "2026-11-29T08:28:13.123Z" (24 bytes + NUL; buf holds 32). */
void time_iso(int64_t ms, char buf[32]);
/* Parse an ISO-8601 instant with an offset ("...Z" or "...+08:00"); -1 if malformed. */
int time_parse_iso(const char *s, int64_t *ms);
/* A civil date "YYYY-MM-DD" that exists in the calendar; 0 if valid, -1 if not. */
int date_check(const char *s);

/*
 * Row ids: 26-character ULIDs (Crockford base32 of 48 bits of milliseconds and 80 random
 * bits), monotonic within a process. They are unique across every township without any
 * coordination, so townships merge into one city database without renumbering, and they
 * are strings in JSON, which JavaScript cannot round into another id.
 */
#define ID_LEN 26
void id_new(char buf[ID_LEN + 1]);
/* 1 if s looks like an id this program made (or an NBS code used as a place id) */
int id_valid(const char *s);

/* Whole-string decimal parse with range check; 0 on success, -1 otherwise. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decode exactly n bytes from 2n hex characters; -1 on anything else. */
int hex_decode(const char *in, unsigned char *out, size_t n);

/*
 * Decode one UTF-8 character of s (n bytes left, n > 0) into *cp: the bytes it takes (1 to
 * 4), or 0 if s does not start with a valid character (overlong forms, surrogates and
 * values above U+10FFFF are invalid).
 */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);

/* Constant-time comparison of two NUL-terminated strings. */
int str_eq_ct(const char *a, const char *b);

#endif
