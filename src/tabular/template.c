/*
 * template.c - the pure half of export templates: what a superior's form's header binds to
 * (a person field, 序号, or a roll-up measure by place), and its titles' placeholders. The
 * stored templates and their fill are templates.c. See docs/internals/tabular.md.
 */
#include "tabular.h"

#include <stdio.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/banned.h"

struct measure {
	const char *field;
	const char *const *names; /* as tab_header_key has them */
};

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct measure measures[] = {
	{ "households", NAMES("户数", "总户数", "户籍户数", "家庭户数", "户数(户)", "户数（户）") },
	{ "persons", NAMES("人数", "总人数", "人口数", "总人口", "人口", "户籍人口", "人口数(人)",
	                   "人数(人)", "人口数（人）", "人数（人）") },
	{ "male", NAMES("男", "男性", "男性人数", "男(人)", "男（人）") },
	{ "female", NAMES("女", "女性", "女性人数", "女(人)", "女（人）") },
	{ "age60", NAMES("60岁以上", "60岁以上人数", "60周岁以上", "60周岁以上人数", "60岁及以上",
	                 "60岁及以上人数", "60周岁及以上人数", "老年人", "老年人数") },
	{ "age80", NAMES("80岁以上", "80岁以上人数", "80周岁以上", "80周岁以上人数", "80岁及以上",
	                 "80岁及以上人数", "高龄老人") },
	{ "minors", NAMES("18岁以下", "18岁以下人数", "18周岁以下", "18周岁以下人数", "未成年人",
	                  "未成年人数") },
};

/* the person fields a fill writes (the rest of tab_field's bind but stay empty) */
static const char *const person_fields[] = { "name",      "sex",   "birth_date", "age",
	                                     "id_no",     "phone", "relation",   "status",
	                                     "village",   "group", "address",    "tags",
	                                     "ethnicity", "note",  NULL };

static const char *measure_of(const char *key)
{
	for (size_t i = 0; i < sizeof(measures) / sizeof(measures[0]); i++)
		for (const char *const *n = measures[i].names; *n; n++)
			if (!strcmp(*n, key))
				return measures[i].field;
	return NULL;
}

/* a tag's name, alone or with 人数, 户数 or 人 after it */
static const char *tag_of(struct arena *a, const char *key, const struct tab_tag_name *tags,
                          size_t ntags)
{
	static const char *const tails[] = { "", "人数", "户数", "人", "(人)", "（人）", NULL };
	for (size_t i = 0; i < ntags; i++) {
		size_t n = strlen(tags[i].name);
		if (strncmp(key, tags[i].name, n))
			continue;
		for (const char *const *t = tails; *t; t++)
			if (!strcmp(key + n, *t))
				return arena_printf(a, "tag:%s", tags[i].id);
	}
	return NULL;
}

static const char *field_of_key(struct arena *a, const char *key, const struct tab_tag_name *tags,
                                size_t ntags)
{
	if (!strcmp(key, "序号") || !strcmp(key, "序") || !strcmp(key, "编号"))
		return "seq";
	const char *f = measure_of(key);
	return f ? f : tag_of(a, key, tags, ntags);
}

const char *tab_template_field(struct arena *a, const char *header, const struct tab_tag_name *tags,
                               size_t ntags)
{
	const char *key = tab_header_key(a, header);
	if (!*key)
		return NULL;
	const char *f = field_of_key(a, key, tags, ntags);
	const char *slash = strrchr(key, '/');
	if (!f && slash && slash[1])
		f = field_of_key(a, slash + 1, tags, ntags);
	if (f)
		return f;
	enum tab_field tf = tab_field_of_header(a, header);
	return tf == TF_NONE ? NULL : tab_field_id(tf);
}

int tab_template_measure(const char *field)
{
	if (!field)
		return 0;
	if (!strncmp(field, "tag:", 4))
		return 1;
	for (size_t i = 0; i < sizeof(measures) / sizeof(measures[0]); i++)
		if (!strcmp(measures[i].field, field))
			return 1;
	return 0;
}

int tab_template_field_known(const char *field, const struct tab_tag_name *tags, size_t ntags)
{
	if (!strncmp(field, "tag:", 4)) {
		for (size_t i = 0; i < ntags; i++)
			if (!strcmp(tags[i].id, field + 4))
				return 1;
		return 0;
	}
	if (!strcmp(field, "seq") || tab_template_measure(field))
		return 1;
	for (const char *const *p = person_fields; *p; p++)
		if (!strcmp(*p, field))
			return 1;
	return 0;
}

const char *tab_template_title(struct arena *a, const char *text, const char *place,
                               const char *date, const char *month)
{
	if (!strchr(text, '{'))
		return text;
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	int y = 0, m = 0;
	if (month && sscanf(month, "%4d-%2d", &y, &m) != 2)
		y = m = 0;
	for (const char *p = text; *p; p++) {
		if (!strncmp(p, "{place}", 7)) {
			strbuf_adds(&sb, place ? place : "");
			p += 6;
		} else if (!strncmp(p, "{date}", 6)) {
			strbuf_adds(&sb, date ? date : "");
			p += 5;
		} else if (!strncmp(p, "{month}", 7)) {
			if (y)
				strbuf_addf(&sb, "%d年%d月", y, m);
			p += 6;
		} else if (!strncmp(p, "{year}", 6)) {
			if (y)
				strbuf_addf(&sb, "%d", y);
			p += 5;
		} else
			strbuf_addch(&sb, *p);
	}
	return sb.buf;
}
