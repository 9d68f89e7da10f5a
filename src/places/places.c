/*
 * places.c - pure rules of the place trees: the kinds and where they hang, NBS file
 * parsing, names and kinds, decimal values (coordinates, areas), GeoJSON; see places.h.
 */
#include "places.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "core/banned.h"

/* ---- kinds ---- */

/*
 * The physical tree, then the management tree. A rural house is a dwelling hanging
 * directly under its village, natural village or villagers' group (its house number in
 * room); a flat is a dwelling under a unit or a building.
 */
static const struct place_kind kinds[] = {
	{ "province", "省", "physical", 1, { NULL }, 0 },
	{ "city", "市", "physical", 1, { "province" }, 0 },
	{ "county", "县", "physical", 1, { "city" }, 0 },
	{ "town", "乡镇街道", "physical", 1, { "county" }, 0 },
	{ "village", "村", "physical", 1, { "town" }, 0 },
	{ "community", "社区", "physical", 1, { "town" }, 0 },
	{ "natural_village", "自然村", "physical", 0, { "village" }, 0 },
	{ "group", "村民小组", "physical", 0, { "village", "natural_village" }, 0 },
	{ "compound", "小区", "physical", 0, { "community", "village" }, 0 },
	{ "building",
	  "楼栋",
	  "physical",
	  0,
	  { "compound", "community", "village", "natural_village" },
	  PLACE_BUILDING },
	{ "unit", "单元", "physical", 0, { "building" }, 0 },
	{ "dwelling",
	  "户室",
	  "physical",
	  0,
	  { "unit", "building", "village", "natural_village", "group" },
	  PLACE_DWELLING },
	{ "grid", "网格", "grid", 0, { "village", "community" }, 0 },
	{ "micro_grid", "微网格", "grid", 0, { "grid" }, 0 },
};

const struct place_kind *places_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct place_kind *places_kind(const char *name)
{
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

int places_kind_may_hang(const char *kind, const char *parent_kind)
{
	const struct place_kind *k = places_kind(kind);
	if (!k)
		return 0;
	if (!parent_kind)
		return !k->parents[0];
	for (int i = 0; i < 6 && k->parents[i]; i++)
		if (!strcmp(k->parents[i], parent_kind))
			return 1;
	return 0;
}

int places_floor_inside(int64_t floor, int64_t floors, int64_t basements)
{
	return floor >= 1 ? floor <= floors : floor <= -1 && floor >= -basements;
}

const char *places_floors_text(struct arena *a, int64_t floors, int64_t basements)
{
	return basements > 0 ? arena_printf(a, "-%lld–%lld (no floor 0)", (long long)basements,
	                                    (long long)floors)
	                     : arena_printf(a, "1–%lld", (long long)floors);
}

const char *places_town_path(struct arena *a, const char *path)
{
	int seg = 0;
	for (const char *p = path; p && *p; p++)
		if (*p == '/' && p != path && ++seg == 4)
			return arena_strndup(a, path, (size_t)(p - path + 1));
	return NULL;
}

const char **places_path_ids(struct arena *a, const char *path, size_t *n)
{
	size_t cap = 1;
	for (const char *s = path; *s; s++)
		cap += *s == '/';
	const char **out = arena_alloc(a, cap * sizeof(*out));
	*n = 0;
	for (const char *s = path; *s;) {
		const char *slash = strchr(s + 1, '/');
		if (*s != '/' || !slash)
			break;
		if (slash > s + 1)
			out[(*n)++] = arena_strndup(a, s + 1, (size_t)(slash - s - 1));
		s = slash;
	}
	return out;
}

/* ---- decimals ---- */

static const int64_t pow10s[] = { 1,      10,      100,      1000,      10000,
	                          100000, 1000000, 10000000, 100000000, 1000000000 };

int places_decimal_parse(const char *s, int scale, int64_t min, int64_t max, int64_t *out)
{
	if (!s || scale < 0 || scale > 9)
		return -1;
	int neg = *s == '-';
	s += neg;
	int64_t whole = 0, frac = 0;
	int nd = 0, nf = 0;
	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		if (nd == 12)
			return -1;
		whole = whole * 10 + (*s - '0');
	}
	if (!nd)
		return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf == scale)
				return -1;
			frac = frac * 10 + (*s - '0');
		}
		if (!nf)
			return -1;
	}
	if (*s)
		return -1;
	int64_t v = whole * pow10s[scale] + frac * pow10s[scale - nf];
	v = neg ? -v : v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int places_decimal_json(const json_t *v, int scale, int64_t min, int64_t max, int64_t *out)
{
	if (scale < 0 || scale > 9)
		return -1;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i > 999999999999LL || i < -999999999999LL)
			return -1;
		int64_t x = (int64_t)i * pow10s[scale];
		if (x < min || x > max)
			return -1;
		*out = x;
		return 0;
	}
	if (!json_is_real(v))
		return -1;
	double x = json_real_value(v) * (double)pow10s[scale];
	if (!(fabs(x) < 9e15))
		return -1;
	double r = nearbyint(x);
	/* a double carries the decimals the client wrote only approximately */
	if (fabs(x - r) > 1e-3)
		return -1;
	if (r < (double)min || r > (double)max)
		return -1;
	*out = (int64_t)r;
	return 0;
}

void places_decimal_format(int64_t v, int scale, char buf[48])
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = (uint64_t)pow10s[scale < 0 || scale > 9 ? 0 : scale];
	if (scale <= 0 || scale > 9)
		snprintf(buf, 48, "%s%llu", v < 0 ? "-" : "", (unsigned long long)u);
	else
		snprintf(buf, 48, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(u / p),
		         scale, (unsigned long long)(u % p));
}

/* ---- GeoJSON ---- */

struct geo {
	struct strbuf out;
	size_t positions;
	const char *field;
	struct err *e;
};

static int geo_fail(struct geo *g, const char *fmt, const char *where)
{
	return err_invalid(g->e, "places.geojson_invalid", g->field, fmt, g->field, where);
}

static void geo_number(struct strbuf *sb, const json_t *v)
{
	if (json_is_integer(v))
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
	else {
		double d = json_real_value(v);
		/* -0.0 would be written "-0", which reads back as the integer 0. */
		strbuf_addf(sb, "%.15g", d == 0 ? 0.0 : d);
	}
}

/* A position [lng, lat] or [lng, lat, alt]. */
static int geo_position(struct geo *g, const json_t *p, const char *where)
{
	size_t n = json_array_size(p);
	if (!json_is_array(p) || n < 2 || n > 3)
		return geo_fail(g, "%s: a position in %s is not [lng, lat]", where);
	for (size_t i = 0; i < n; i++)
		if (!json_is_number(json_array_get(p, i)))
			return geo_fail(g, "%s: a position in %s holds something else than numbers",
			                where);
	double lng = json_number_value(json_array_get(p, 0));
	double lat = json_number_value(json_array_get(p, 1));
	if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
		return geo_fail(g, "%s: a position in %s is outside lng -180..180, lat -90..90",
		                where);
	if (++g->positions > PLACES_GEOJSON_MAX)
		return err_invalid(g->e, "places.geojson_too_large", g->field,
		                   "%s: more than %d positions", g->field, PLACES_GEOJSON_MAX);
	strbuf_addch(&g->out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&g->out, ',');
		geo_number(&g->out, json_array_get(p, i));
	}
	strbuf_addch(&g->out, ']');
	return 0;
}

static int same_position(const json_t *a, const json_t *b)
{
	if (json_array_size(a) != json_array_size(b))
		return 0;
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_number_value(json_array_get(a, i)) !=
		    json_number_value(json_array_get(b, i)))
			return 0;
	return 1;
}

/* A polygon: rings of at least 4 positions, each closed. */
static int geo_polygon(struct geo *g, const json_t *rings, const char *where)
{
	if (!json_is_array(rings) || !json_array_size(rings))
		return geo_fail(g, "%s: %s must be a non-empty array of rings", where);
	strbuf_addch(&g->out, '[');
	for (size_t r = 0; r < json_array_size(rings); r++) {
		const json_t *ring = json_array_get(rings, r);
		size_t n = json_array_size(ring);
		if (!json_is_array(ring) || n < 4)
			return geo_fail(g, "%s: a ring of %s has fewer than 4 positions", where);
		strbuf_adds(&g->out, r ? ",[" : "[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addch(&g->out, ',');
			if (geo_position(g, json_array_get(ring, i), where))
				return -1;
		}
		if (!same_position(json_array_get(ring, 0), json_array_get(ring, n - 1)))
			return geo_fail(g,
			                "%s: a ring of %s is not closed (first and last "
			                "positions differ)",
			                where);
		strbuf_addch(&g->out, ']');
	}
	strbuf_addch(&g->out, ']');
	return 0;
}

int places_geojson_check(struct arena *a, const json_t *v, const char *field, const char **out,
                         struct err *e)
{
	struct geo g = { .field = field ? field : "geojson", .e = e };
	strbuf_init(&g.out, a, 4u << 20);
	if (!json_is_object(v))
		return geo_fail(&g, "%s: %s must be a GeoJSON Polygon or MultiPolygon object",
		                "the value");
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)v, key, val)
	{
		if (strcmp(key, "type") && strcmp(key, "coordinates") && strcmp(key, "bbox"))
			return geo_fail(&g, "%s: unknown member '%s'", key);
	}
	const char *type = json_string_value(json_object_get(v, "type"));
	const json_t *coords = json_object_get(v, "coordinates");
	if (!type || (strcmp(type, "Polygon") && strcmp(type, "MultiPolygon")))
		return geo_fail(&g, "%s: %s must be \"Polygon\" or \"MultiPolygon\"", "type");
	if (!json_is_array(coords))
		return geo_fail(&g, "%s: %s must be an array", "coordinates");
	strbuf_addf(&g.out, "{\"type\":\"%s\",\"coordinates\":", type);
	if (!strcmp(type, "Polygon")) {
		if (geo_polygon(&g, coords, "the polygon"))
			return -1;
	} else {
		if (!json_array_size(coords))
			return geo_fail(&g, "%s: %s must hold at least one polygon", "coordinates");
		strbuf_addch(&g.out, '[');
		for (size_t i = 0; i < json_array_size(coords); i++) {
			char where[40];
			snprintf(where, sizeof(where), "polygon %zu", i + 1);
			if (i)
				strbuf_addch(&g.out, ',');
			if (geo_polygon(&g, json_array_get(coords, i), where))
				return -1;
		}
		strbuf_addch(&g.out, ']');
	}
	strbuf_addch(&g.out, '}');
	if (g.out.err)
		return err_invalid(e, "places.geojson_too_large", g.field, "%s: too large",
		                   g.field);
	*out = g.out.buf;
	return 0;
}

int places_geojson_parse(struct arena *a, const char *text, size_t len, const char **out,
                         struct err *e)
{
	json_t *v = json_parse(a, text, len, e);
	if (!v) {
		snprintf(e->field, sizeof(e->field), "geojson");
		return -1;
	}
	return places_geojson_check(a, v, "geojson", out, e);
}

/* ---- NBS names, kinds and zones ---- */

static const char *const levels[] = { "province", "city", "county", "town", "village" };
static const int level_digits[] = { 2, 4, 6, 9, 12 };

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void pad12(char out[13], const char *code, size_t n)
{
	memcpy(out, code, n);
	memset(out + n, '0', 12 - n);
	out[12] = '\0';
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

/* The committee suffixes, longest first; the clipped forms (…村委, …居委) are as NBS
 * publishes some. */
static const struct {
	const char *suffix, *replace, *kind;
} suffixes[] = {
	{ "社区居民委员会", "社区", "community" },
	{ "社区居民委员", "社区", "community" },
	{ "社区居委会", "社区", "community" },
	{ "社区居委", "社区", "community" },
	{ "居民委员会", "", "community" },
	{ "居委会", "", "community" },
	{ "村民委员会", "", "village" },
	{ "村民委会", "", "village" },
	{ "村民委员", "", "village" },
	{ "村委会", "", "village" },
	{ "村委", "", "village" },
};

static int find_suffix(const char *nbs)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(nbs, suffixes[i].suffix))
			return (int)i;
	return -1;
}

const char *places_short_name(struct arena *a, const char *nbs, const char **kind)
{
	int i = find_suffix(nbs);
	if (i < 0)
		return arena_strdup(a, nbs);
	if (kind)
		*kind = suffixes[i].kind;
	size_t keep = strlen(nbs) - strlen(suffixes[i].suffix);
	return arena_printf(a, "%.*s%s", (int)keep, nbs, suffixes[i].replace);
}

/* the endings a place name is written with or without, longest first */
static const char *const endings[] = {
	"社区居民委员会", "村民委员会", "居民委员会", "社区居委会", "村民小组", "生产队", "村委会",
	"居委会",         "社区",       "小组",       "村",         "组",       "队",     NULL
};

static int ends_with_n(const char *s, size_t n, const char *end)
{
	size_t e = strlen(end);
	return n > e && !memcmp(s + n - e, end, e);
}

/* the value of a Chinese numeral 一…九十九 (十, 十一, 二十, 二十三), or -1 */
static int chinese_number(const uint32_t *cp, size_t n)
{
	static const uint32_t digits[] = { 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
		                           0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D }; /* 零一…九 */
	int v[4];
	for (size_t i = 0; i < n; i++) {
		v[i] = -1;
		for (int d = 0; d < 10; d++)
			if (cp[i] == digits[d])
				v[i] = d;
		if (cp[i] == 0x5341) /* 十 */
			v[i] = 10;
		if (cp[i] == 0x4E24) /* 两 */
			v[i] = 2;
		if (v[i] < 0)
			return -1;
	}
	if (n == 1)
		return v[0] == 10 ? 10 : v[0];
	if (n == 2 && v[0] == 10 && v[1] < 10)
		return 10 + v[1]; /* 十一 */
	if (n == 2 && v[0] < 10 && v[1] == 10)
		return v[0] * 10; /* 二十 */
	if (n == 3 && v[0] < 10 && v[1] == 10 && v[2] < 10)
		return v[0] * 10 + v[2]; /* 二十三 */
	return -1;
}

const char *places_name_key(struct arena *a, const char *key)
{
	size_t n = strlen(key);
	/* a leading 第 of an ordinal (第一组, 第3村民小组) */
	if (n > 3 && !memcmp(key, "第", 3))
		key += 3, n -= 3;
	for (size_t i = 0; endings[i]; i++)
		if (ends_with_n(key, n, endings[i])) {
			n -= strlen(endings[i]);
			break;
		}
	/* the rest all Chinese numerals: the number in digits (一 -> 1), so 一组 = 1组 */
	uint32_t cps[4];
	size_t k = 0, i = 0;
	while (i < n && k < 4) {
		size_t l = utf8_next(key + i, n - i, &cps[k]);
		if (!l)
			break;
		i += l;
		k++;
	}
	if (i == n && k) {
		int v = chinese_number(cps, k);
		if (v >= 0)
			return arena_printf(a, "%d", v);
	}
	/* digits with leading zeros (01组) */
	size_t z = 0;
	while (z + 1 < n && key[z] == '0')
		z++;
	int digits = n > 0;
	for (size_t j = z; j < n; j++)
		digits &= key[j] >= '0' && key[j] <= '9';
	if (digits)
		return arena_strndup(a, key + z, n - z);
	return arena_strndup(a, key, n);
}

const char *places_nbs_kind(const char *nbs, const char *town_name, unsigned *flags)
{
	int i = find_suffix(nbs);
	*flags = ends_with(nbs, "虚拟社区") || !strcmp(nbs, "虚拟社区") ? NBS_VIRTUAL : 0;
	if (i >= 0)
		return suffixes[i].kind;
	if (strstr(nbs, "社区") || strstr(nbs, "居委") || strstr(nbs, "居民委"))
		return "community";
	if (ends_with(nbs, "村") || ends_with(nbs, "嘎查") || strstr(nbs, "村委") ||
	    strstr(nbs, "村民委"))
		return "village";
	if (town_name && (ends_with(town_name, "街道") || ends_with(town_name, "办事处")))
		return "community";
	return "village";
}

unsigned places_nbs_zone(const char *code, int level)
{
	if (level >= 2 && code[4] == '7' && code[5] >= '1' && code[5] <= '9')
		return NBS_ZONE;
	if (level >= 3 && (code[6] == '4' || code[6] == '5'))
		return NBS_ZONE;
	return 0;
}

/* ---- NBS files ---- */

static int cmp_rows(const void *x, const void *y)
{
	const struct nbs_row *a = x, *b = y;
	if (a->level != b->level)
		return a->level - b->level;
	return strcmp(a->code, b->code);
}

/* split one CSV line of 4 plain fields (NBS files have no quoting) */
static int split4(char *line, char *f[4])
{
	for (int i = 0; i < 4; i++) {
		f[i] = line;
		char *comma = strchr(line, ',');
		if (i < 3) {
			if (!comma)
				return -1;
			*comma = '\0';
			line = comma + 1;
		} else if (comma) {
			return -1;
		}
	}
	return 0;
}

static const struct nbs_row *find_row(const struct nbs_row *rows, size_t n, const char *code,
                                      int level)
{
	struct nbs_row key;
	memset(&key, 0, sizeof(key));
	key.level = level;
	memcpy(key.code, code, 13);
	return bsearch(&key, rows, n, sizeof(*rows), cmp_rows);
}

const char *places_nbs_id(struct arena *a, const struct nbs_row *r)
{
	if (!(r->flags & NBS_SAME))
		return r->code;
	return arena_printf(a, "0000000000000%d%s", r->level, r->code);
}

int places_nbs_parse(struct arena *a, const char *text, size_t len, const char *under,
                     struct nbs_row **rows, size_t *nrows, struct err *e)
{
	size_t ulen = under ? strlen(under) : 0;
	if (under && ((ulen != 2 && ulen != 4 && ulen != 6 && ulen != 9 && ulen != 12) ||
	              !all_digits(under, ulen)))
		return err_invalid(e, "places.code_invalid", "under",
		                   "'%s' is not an NBS code of 2, 4, 6, 9 or 12 digits", under);
	size_t cap = 256, n = 0;
	struct nbs_row *out = arena_alloc(a, cap * sizeof(*out));
	const char *p = text, *end = text + len;
	int lineno = 0;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) /* BOM */
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl ? nl : end) - p);
		char *line = arena_strndup(a, p, ll);
		p = nl ? nl + 1 : end;
		lineno++;
		if (ll && line[ll - 1] == '\r')
			line[--ll] = '\0';
		if (lineno == 1) {
			if (strcmp(line, "code,name,level,parent_code"))
				return err_invalid(e, "places.nbs_header", "file",
				                   "line 1: expected header "
				                   "'code,name,level,parent_code'");
			continue;
		}
		if (!ll)
			continue;
		char *f[4];
		if (memchr(line, '\0', ll) || split4(line, f))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: expected 4 comma-separated fields", lineno);
		int level = -1;
		for (int i = 0; i < 5; i++)
			if (!strcmp(f[2], levels[i]))
				level = i;
		size_t cl = strlen(f[0]), pl = strlen(f[3]);
		if (level < 0)
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: unknown level '%s'", lineno, f[2]);
		if (cl != (size_t)level_digits[level] || !all_digits(f[0], cl))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: code '%s' does not fit level %s", lineno, f[0],
			                   f[2]);
		if ((level == 0 && pl) ||
		    (level > 0 && (pl != (size_t)level_digits[level - 1] || !all_digits(f[3], pl) ||
		                   strncmp(f[0], f[3], pl))))
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: parent '%s' does not fit code '%s'", lineno,
			                   f[3], f[0]);
		long nl8 = utf8_len(f[1], strlen(f[1]));
		if (nl8 < 1 || nl8 > 100)
			return err_invalid(e, "places.nbs_line", "file",
			                   "line %d: name must be 1 to 100 characters of UTF-8",
			                   lineno);
		/* keep ancestors of `under` and its subtree */
		int keep = !under ||
		           (cl <= ulen ? !strncmp(under, f[0], cl) : !strncmp(f[0], under, ulen));
		if (!keep)
			continue;
		if (n == cap) {
			out = arena_realloc(a, out, cap * sizeof(*out), 2 * cap * sizeof(*out));
			cap *= 2;
		}
		struct nbs_row *r = &out[n++];
		pad12(r->code, f[0], cl);
		if (pl)
			pad12(r->parent, f[3], pl);
		else
			r->parent[0] = '\0';
		r->level = level;
		r->kind = levels[level];
		r->nbs_name = f[1];
		r->name = places_short_name(a, f[1], NULL);
		r->flags = places_nbs_zone(r->code, level);
	}
	if (lineno == 0)
		return err_invalid(e, "places.nbs_header", "file",
		                   "line 1: expected header 'code,name,level,parent_code'");
	qsort(out, n, sizeof(*out), cmp_rows);
	for (size_t i = 0; i < n; i++) {
		if (i && !cmp_rows(&out[i - 1], &out[i]))
			return err_invalid(e, "places.nbs_duplicate", "file",
			                   "code %s appears twice in the file", out[i].code);
		if (!out[i].parent[0])
			continue;
		/* every parent must be present before its children */
		const struct nbs_row *parent = find_row(out, n, out[i].parent, out[i].level - 1);
		if (!parent && under)
			return err_invalid(e, "places.nbs_orphan", "file",
			                   "code %s has no parent %s in the file", out[i].code,
			                   out[i].parent);
		if (parent && !strcmp(parent->code, out[i].code))
			out[i].flags |= NBS_SAME;
		if (out[i].level == 4) {
			unsigned virt;
			out[i].kind = places_nbs_kind(out[i].nbs_name,
			                              parent ? parent->nbs_name : NULL, &virt);
			out[i].flags |= virt;
		}
	}
	*rows = out;
	*nrows = n;
	return 0;
}
