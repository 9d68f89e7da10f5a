/* media.c - content-addressed file store, type sniffing, position stripping; see media.h. */
#include "media.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "json.h"
#include "util.h"
#include "banned.h"

static char dir[4096] = "media";

const char *media_dir(void)
{
	return dir;
}

void media_set_dir(const char *d)
{
	snprintf(dir, sizeof(dir), "%s", d);
}

const char *media_sniff(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 5 && !memcmp(p, "%PDF-", 5))
		return "application/pdf";
	return NULL;
}

/* ---- JPEG: EXIF GPS ---- */

struct tiff {
	unsigned char *p;
	size_t n;
	int be; /* big-endian ("MM") */
};

static int rd16(const struct tiff *t, size_t off, unsigned *v)
{
	if (off > t->n || t->n - off < 2)
		return -1;
	*v = t->be ? (unsigned)(t->p[off] << 8 | t->p[off + 1])
	           : (unsigned)(t->p[off + 1] << 8 | t->p[off]);
	return 0;
}

static int rd32(const struct tiff *t, size_t off, uint32_t *v)
{
	if (off > t->n || t->n - off < 4)
		return -1;
	const unsigned char *b = t->p + off;
	*v = t->be ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
	           : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
	return 0;
}

static size_t type_size(unsigned type)
{
	static const unsigned char sz[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8 };
	return type < sizeof(sz) ? sz[type] : 0;
}

/* Zero the GPS IFD of one TIFF block: entries, their out-of-line values, and its count. */
static int strip_gps(struct tiff *t)
{
	unsigned count;
	uint32_t ifd0, gps = 0;
	if (t->n < 8)
		return -1;
	if (!memcmp(t->p, "MM\0*", 4))
		t->be = 1;
	else if (!memcmp(t->p, "II*\0", 4))
		t->be = 0;
	else
		return -1;
	if (rd32(t, 4, &ifd0) || rd16(t, ifd0, &count))
		return -1;
	for (unsigned i = 0; i < count; i++) {
		size_t ent = (size_t)ifd0 + 2 + 12 * (size_t)i;
		unsigned tag;
		if (rd16(t, ent, &tag) || (tag == 0x8825 && rd32(t, ent + 8, &gps)))
			return -1;
		if (tag == 0x8825)
			break;
	}
	if (!gps)
		return 0;
	unsigned n;
	if (rd16(t, gps, &n) || (size_t)gps + 2 + 12 * (size_t)n > t->n)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		size_t ent = (size_t)gps + 2 + 12 * (size_t)i;
		unsigned type;
		uint32_t cnt, off;
		if (rd16(t, ent + 2, &type) || rd32(t, ent + 4, &cnt) || rd32(t, ent + 8, &off))
			return -1;
		size_t sz = type_size(type);
		if (sz && cnt <= t->n / sz && sz * cnt > 4) {
			if (off > t->n || sz * cnt > t->n - off)
				return -1;
			memset(t->p + off, 0, sz * cnt);
		}
	}
	memset(t->p + gps, 0, 2 + 12 * (size_t)n);
	return (int)n;
}

static int strip_jpeg(unsigned char *p, size_t n)
{
	size_t i = 2;
	int removed = 0;
	while (i + 4 <= n) {
		if (p[i] != 0xff)
			return -1;
		unsigned m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xd9 || m == 0xda) /* end of image, or start of scan: no more metadata */
			return removed;
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (len < 2 || i + 2 + len > n)
			return -1;
		if (m == 0xe1 && len >= 8 && !memcmp(p + i + 4, "Exif\0\0", 6)) {
			struct tiff t = { p + i + 10, len - 8, 0 };
			int r = strip_gps(&t);
			if (r < 0)
				return -1;
			removed += r;
		}
		i += 2 + len;
	}
	return removed;
}

/* ---- PNG: the eXIf chunk ---- */

static int strip_png(unsigned char *p, size_t *n)
{
	size_t i = 8;
	int removed = 0;
	while (i < *n) {
		if (*n - i < 12)
			return -1;
		size_t len =
		    (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 | (size_t)p[i + 2] << 8 | p[i + 3];
		if (len > *n - i - 12)
			return -1;
		size_t whole = 12 + len;
		if (!memcmp(p + i + 4, "eXIf", 4)) {
			memmove(p + i, p + i + whole, *n - i - whole);
			*n -= whole;
			removed++;
			continue;
		}
		if (!memcmp(p + i + 4, "IEND", 4))
			return removed;
		i += whole;
	}
	return -1; /* no IEND */
}

int media_strip_position(const char *mime, unsigned char *buf, size_t *n)
{
	if (!strcmp(mime, "image/jpeg"))
		return strip_jpeg(buf, *n);
	if (!strcmp(mime, "image/png"))
		return strip_png(buf, n);
	return 0;
}

int media_path(const char *id, char *buf, size_t len)
{
	if (strlen(id) != 64)
		return -1;
	for (const char *c = id; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return -1;
	snprintf(buf, len, "%s/%.2s/%.2s/%s", dir, id, id + 2, id);
	return 0;
}

static int read_all(const char *path, int64_t max, unsigned char **out, size_t *n, struct err *e)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return err_internal(e, "unable to read upload: %s", strerror(errno));
	}
	if (st.st_size > max) {
		close(fd);
		return err_set(e, 413, "media.too_large", "file", "file is over %lld bytes",
		               (long long)max);
	}
	unsigned char *b = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (b && got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!b || got != (size_t)st.st_size) {
		free(b);
		return err_internal(e, "unable to read upload");
	}
	*out = b;
	*n = got;
	return 0;
}

static int write_durable(const char *path, const unsigned char *p, size_t n)
{
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%.4200s.XXXXXX", path);
	int fd = mkstemp(tmp); /* unique per call: two equal uploads at once do not collide */
	if (fd < 0)
		return -1;
	fchmod(fd, 0640);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != n || fsync(fd)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	/* the new name must survive a power loss too */
	char dirpath[4300];
	snprintf(dirpath, sizeof(dirpath), "%s", path);
	char *slash = strrchr(dirpath, '/');
	if (slash) {
		*slash = '\0';
		int dfd = open(dirpath, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

int media_store(const char *tmp_path, int64_t max_bytes, int keep_position, char out_id[65],
                const char **out_mime, int64_t *out_size, struct err *e)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	if (read_all(tmp_path, max_bytes, &buf, &n, e))
		return -1;
	const char *mime = media_sniff(buf, n);
	if (!mime) {
		free(buf);
		return err_set(e, 415, "media.type", "file",
		               "file is not a JPEG, PNG or PDF (judged by its content)");
	}
	if (!keep_position && media_strip_position(mime, buf, &n) < 0) {
		free(buf);
		return err_set(e, 415, "media.malformed", "file", "the %s file is malformed", mime);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, buf, n);
	hex_encode(h, sizeof(h), out_id);
	char path[4200], sub[4200];
	media_path(out_id, path, sizeof(path));
	snprintf(sub, sizeof(sub), "%s/%.2s", dir, out_id);
	mkdir(sub, 0750);
	snprintf(sub, sizeof(sub), "%s/%.2s/%.2s", dir, out_id, out_id + 2);
	mkdir(sub, 0750);
	struct stat st;
	int rc = 0;
	if (stat(path, &st) && write_durable(path, buf, n))
		rc = err_internal(e, "unable to store file: %s", strerror(errno));
	free(buf);
	unlink(tmp_path);
	*out_mime = mime;
	*out_size = (int64_t)n;
	return rc;
}

int media_record(struct db *db, const struct actor *who, const char *region, const char *id,
                 const char *mime, int64_t size, const char *filename, int keep_position,
                 const char *created_by, int *added, struct err *e)
{
	char now[32];
	time_iso(time_now_ms(), now);
	int64_t n = db_exec(db, e,
	                    "INSERT INTO media (id, region, mime, bytes, original_name, "
	                    "kept_position, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
	                    "?) ON CONFLICT (id) DO NOTHING",
	                    DB_T(id), DB_T(region), DB_T(mime), DB_I(size), DB_T(filename),
	                    DB_I(keep_position), DB_T(created_by), DB_T(now));
	if (n < 0)
		return -1;
	*added = n > 0;
	if (!n)
		return 0;
	struct jdoc doc;
	struct jw *w = jdoc_open(&doc, db_arena(db));
	jw_kstr(w, "mime", mime);
	jw_ki64(w, "bytes", size);
	jw_kbool(w, "kept_position", keep_position);
	return audit_write(db, who, region, "media", id, "create", jdoc_close(&doc), e);
}
