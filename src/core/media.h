/*
 * media.h - uploaded files, stored once by content hash.
 *
 * A file is kept at <media.dir>/<h0h1>/<h2h3>/<sha256>, its type decided by its first
 * bytes (JPEG, PNG, PDF; nothing else, and never SVG, whose scripts a browser would run),
 * its size capped per route. The position a phone writes into a photo (EXIF GPS in JPEG,
 * the eXIf chunk in PNG) is removed before the hash is taken, unless the uploader asks to
 * keep it (keep_position=1, for a leak or a pothole whose place matters).
 */
#ifndef CUNWU_MEDIA_H
#define CUNWU_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* "image/jpeg", "image/png", "application/pdf", or NULL when the bytes are none of them. */
const char *media_sniff(const unsigned char *p, size_t n);

/*
 * Remove position data from an image in place (buf, *n updated). Returns how many
 * position records were removed, or -1 if the image structure is malformed (the upload is
 * then refused: a file we cannot read we cannot vouch for). Pure; fuzzed.
 */
int media_strip_position(const char *mime, unsigned char *buf, size_t *n);

/* The media folder for a database URL and the media.dir setting. */
const char *media_dir(void);
void media_set_dir(const char *dir);

/*
 * Take the file at tmp_path (an upload), check and clean it, and move it into the store.
 * out_id gets the sha256 hex (65 bytes); out_mime the type. The temp file is consumed.
 */
int media_store(const char *tmp_path, int64_t max_bytes, int keep_position, char out_id[65],
                const char **out_mime, int64_t *out_size, struct err *e);
struct db;
struct actor;
/*
 * The media row of a stored file (media_store): region, type, size, the uploader's file name
 * and account (NULL for an upload without one); a new row is audited ("media" create with
 * its type and size). *added gets 1 for a new row, 0 for a file stored before.
 */
int media_record(struct db *db, const struct actor *who, const char *region, const char *id,
                 const char *mime, int64_t size, const char *filename, int keep_position,
                 const char *created_by, int *added, struct err *e);

/* Path of a stored file (into buf), or -1 if id is malformed. */
int media_path(const char *id, char *buf, size_t len);

#endif
