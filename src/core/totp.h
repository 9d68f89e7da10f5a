/*
 * totp.h - time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30 s
 * steps, 6 digits, as every authenticator app reads them; and base32 (RFC 4648), the form
 * of the secret those apps take.
 *
 * Pure and self-contained (nettle's HMAC-SHA1 alone), so that the API test runner
 * (tests/api/runner.c) computes the fixture administrators' codes with this same file.
 */
#ifndef CUNWU_TOTP_H
#define CUNWU_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_PERIOD       30 /* seconds per step */
#define TOTP_DIGITS       6
#define TOTP_SECRET_BYTES 20 /* the HMAC-SHA1 key size RFC 4226 recommends */
/* base32 of TOTP_SECRET_BYTES, unpadded, and its NUL */
#define TOTP_SECRET_B32 33

/* The step of a Unix time in seconds. */
int64_t totp_step(int64_t unix_s);
/* HOTP of key at counter step: a number below 10^digits (digits 1..9). */
uint32_t totp_code(const unsigned char *key, size_t keylen, int64_t step, int digits);
/* The code of step as TOTP_DIGITS decimal digits and a NUL. */
void totp_format(const unsigned char *key, size_t keylen, int64_t step, char out[TOTP_DIGITS + 1]);
/*
 * Check code (TOTP_DIGITS ASCII digits) at unix_s, one step of clock skew either way,
 * accepting only a step after last_step (a code used once is refused again: replay). 1 and
 * *step the step it matched (the caller stores it as the new last_step); 0 if it matches
 * none, is malformed or was used already.
 */
int totp_verify(const unsigned char *key, size_t keylen, int64_t unix_s, int64_t last_step,
                const char *code, int64_t *step);

/* base32 (A-Z, 2-7) of n bytes, unpadded, into out of (n * 8 + 4) / 5 + 1 bytes */
void totp_b32_encode(const unsigned char *in, size_t n, char *out);
/*
 * Decode base32 of len bytes (either case; spaces and trailing '=' ignored) into out of
 * cap bytes: the number of bytes, or -1 if a character is not base32, the leftover bits
 * are not zero, or it does not fit.
 */
long totp_b32_decode(const char *in, size_t len, unsigned char *out, size_t cap);

#endif
