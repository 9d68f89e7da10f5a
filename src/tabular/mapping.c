/*
 * mapping.c - the mapping layer of tabular.h (pure): the headers cadres write mapped to the
 * fields of a register, the words they write for a relation or a sex, and place names as
 * people write them (东靳 for 东靳村, 1组 for 第一村民小组) compared with the registry's.
 */
#include "tabular.h"

#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/util.h"
#include "places/places.h"
#include "core/banned.h"

/* ---- headers ---- */

struct field_names {
	enum tab_field field;
	const char *id;
	const char *const *names; /* as written, after tab_header_key */
};

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const struct field_names fields[] = {
	{ TF_NAME, "name", NAMES("姓名", "名字", "居民姓名", "人员姓名", "成员姓名", "家庭成员") },
	{ TF_HEAD_NAME, "head_name", NAMES("户主姓名", "户主", "户主名") },
	{ TF_ID_NO, "id_no",
	  NAMES("身份证号", "身份证号码", "公民身份号码", "公民身份证号", "公民身份证号码",
	        "身份证", "身份号码", "证件号码", "证件号", "居民身份证号码", "身份证件号码") },
	{ TF_PHONE, "phone",
	  NAMES("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码",
	        "移动电话", "联系手机") },
	{ TF_LANDLINE, "landline", NAMES("固话", "固定电话", "座机", "座机号码", "家庭电话") },
	{ TF_RELATION, "relation",
	  NAMES("与户主关系", "与户主的关系", "家庭关系", "关系", "与户主关系名称") },
	{ TF_HUKOU_NO, "hukou_no", NAMES("户号", "户编号", "户籍编号", "户口编号") },
	{ TF_VILLAGE, "village",
	  NAMES("村", "村/社区", "村社区", "村居", "村名", "行政村", "社区", "村委会", "所属村",
	        "所在村", "所属社区", "村(社区)", "村（社区）", "村(居)", "村（居）") },
	{ TF_NATURAL_VILLAGE, "natural_village", NAMES("自然村", "自然村名") },
	{ TF_GROUP, "group", NAMES("组", "村民小组", "小组", "组别", "所属组", "组名", "队") },
	{ TF_COMPOUND, "compound", NAMES("小区", "小区名称", "所属小区") },
	{ TF_BUILDING, "building", NAMES("楼栋", "楼号", "栋", "幢", "楼栋号", "楼") },
	{ TF_UNIT, "unit", NAMES("单元", "单元号") },
	{ TF_FLOOR, "floor", NAMES("楼层", "层", "所在楼层") },
	{ TF_ROOM, "room", NAMES("房号", "门牌号", "房间号", "室", "户室号", "门牌") },
	{ TF_ADDRESS, "address",
	  NAMES("地址", "住址", "现住址", "家庭住址", "居住地址", "详细地址", "现居住地址",
	        "户籍地址") },
	{ TF_SEX, "sex", NAMES("性别") },
	{ TF_BIRTH_DATE, "birth_date", NAMES("出生日期", "出生年月", "生日", "出生年月日") },
	{ TF_AGE, "age", NAMES("年龄", "周岁") },
	{ TF_ETHNICITY, "ethnicity", NAMES("民族") },
	{ TF_TAGS, "tags", NAMES("人员类别", "人员类型", "类别", "人群类别", "标签", "人员属性") },
	{ TF_STATUS, "status", NAMES("人员状态", "状态", "在家情况", "居住状态") },
	{ TF_HOUSEHOLD_KIND, "household_kind", NAMES("户籍类型", "人户状态", "户口类型", "户别") },
	{ TF_AREA, "area", NAMES("面积", "建筑面积", "住房面积", "房屋面积") },
	{ TF_NOTE, "note", NAMES("备注", "说明") },
};

const char *tab_field_id(enum tab_field f)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].field == f)
			return fields[i].id;
	return NULL;
}

enum tab_field tab_field_by_id(const char *id)
{
	for (size_t i = 0; id && i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].id, id))
			return fields[i].field;
	return TF_NONE;
}

/* 1 if cp opens or closes a bracket whose content a header's key drops */
static int bracket(uint32_t cp, int open)
{
	return open ? (cp == '(' || cp == 0xFF08 || cp == '[' || cp == 0x3010)
	            : (cp == ')' || cp == 0xFF09 || cp == ']' || cp == 0x3011);
}

const char *tab_header_key(struct arena *a, const char *name)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 0);
	size_t n = strlen(name);
	int depth = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_next(name + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		const char *at = name + i;
		i += k;
		/* full-width letters, digits and brackets as ASCII */
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0, k = 0;
		if (bracket(cp, 1)) {
			depth++;
			continue;
		}
		if (bracket(cp, 0)) {
			depth -= depth > 0;
			continue;
		}
		/* spaces, the marks of a required column (*, ※, ★) and a trailing colon go */
		if (depth || cp == ' ' || cp == 0x3000 || cp == '*' || cp == 0x203B ||
		    cp == 0x2605 || cp == ':' || cp == 0xFF1A || cp == '\t' || cp == '\n' ||
		    cp == '\r')
			continue;
		if (k)
			strbuf_add(&sb, at, k);
		else
			strbuf_addch(&sb, (char)cp);
	}
	return sb.buf ? sb.buf : "";
}

static enum tab_field field_of_key(const char *key)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		for (const char *const *nm = fields[i].names; *nm; nm++)
			if (!strcmp(*nm, key))
				return fields[i].field;
	return TF_NONE;
}

enum tab_field tab_field_of_header(struct arena *a, const char *name)
{
	const char *key = tab_header_key(a, name);
	enum tab_field f = field_of_key(key);
	if (f != TF_NONE)
		return f;
	/* a two-row header "联系方式/手机": the lower name, then the upper */
	const char *slash = strrchr(key, '/');
	if (!slash || slash == key || !slash[1])
		return TF_NONE;
	if ((f = field_of_key(slash + 1)) != TF_NONE)
		return f;
	return field_of_key(arena_strndup(a, key, (size_t)(slash - key)));
}

/* ---- values ---- */

struct word {
	const char *text, *value;
};

/* relations as registers write them (GB/T 4761 names and what people say) */
static const struct word relation_words[] = {
	{ "户主", "head" },          { "本人", "head" },
	{ "户主本人", "head" },      { "配偶", "spouse" },
	{ "妻", "spouse" },          { "妻子", "spouse" },
	{ "夫", "spouse" },          { "丈夫", "spouse" },
	{ "爱人", "spouse" },        { "之妻", "spouse" },
	{ "之夫", "spouse" },        { "子", "child" },
	{ "女", "child" },           { "儿子", "child" },
	{ "女儿", "child" },         { "长子", "child" },
	{ "次子", "child" },         { "三子", "child" },
	{ "四子", "child" },         { "五子", "child" },
	{ "独生子", "child" },       { "长女", "child" },
	{ "次女", "child" },         { "三女", "child" },
	{ "四女", "child" },         { "五女", "child" },
	{ "独生女", "child" },       { "养子", "child" },
	{ "养女", "child" },         { "继子", "child" },
	{ "继女", "child" },         { "之子", "child" },
	{ "之女", "child" },         { "子女", "child" },
	{ "父亲", "parent" },        { "母亲", "parent" },
	{ "父", "parent" },          { "母", "parent" },
	{ "父母", "parent" },        { "公公", "parent" },
	{ "婆婆", "parent" },        { "岳父", "parent" },
	{ "岳母", "parent" },        { "继父", "parent" },
	{ "继母", "parent" },        { "养父", "parent" },
	{ "养母", "parent" },        { "孙子", "grandchild" },
	{ "孙女", "grandchild" },    { "外孙", "grandchild" },
	{ "外孙子", "grandchild" },  { "外孙女", "grandchild" },
	{ "孙子女", "grandchild" },  { "曾孙", "grandchild" },
	{ "祖父", "grandparent" },   { "祖母", "grandparent" },
	{ "外祖父", "grandparent" }, { "外祖母", "grandparent" },
	{ "爷爷", "grandparent" },   { "奶奶", "grandparent" },
	{ "姥爷", "grandparent" },   { "姥姥", "grandparent" },
	{ "外公", "grandparent" },   { "外婆", "grandparent" },
	{ "兄", "sibling" },         { "弟", "sibling" },
	{ "姐", "sibling" },         { "妹", "sibling" },
	{ "哥哥", "sibling" },       { "弟弟", "sibling" },
	{ "姐姐", "sibling" },       { "妹妹", "sibling" },
	{ "兄弟姐妹", "sibling" },   { "儿媳", "child_in_law" },
	{ "女婿", "child_in_law" },  { "儿媳妇", "child_in_law" },
	{ "其他", "other" },         { "其他亲属", "other" },
	{ "非亲属", "other" },       { "侄子", "other" },
	{ "侄女", "other" },         { "外甥", "other" },
	{ "外甥女", "other" },       { "保姆", "other" },
};

/* GB/T 4761 two-digit codes by their first digit: 1x spouse, 2x son (28 son-in-law), 3x
 * daughter (38 daughter-in-law), 4x grandchild, 5x parent, 6x grandparent, 7x sibling, 8x
 * and 9x other; 01 本人 and 02 户主 head */
static const char *relation_code(const char *key)
{
	if (strlen(key) != 2 || key[0] < '0' || key[0] > '9' || key[1] < '0' || key[1] > '9')
		return NULL;
	int code = (key[0] - '0') * 10 + (key[1] - '0');
	if (code == 1 || code == 2)
		return "head";
	if (code == 28 || code == 38)
		return "child_in_law";
	static const char *const tens[] = { NULL,         "spouse", "child",       "child",
		                            "grandchild", "parent", "grandparent", "sibling",
		                            "other",      "other" };
	return code >= 10 ? tens[code / 10] : NULL;
}

static const char *word_value(const struct word *w, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].text, key))
			return w[i].value;
	return NULL;
}

const char *tab_relation_of(struct arena *a, const char *text)
{
	const char *key = tab_header_key(a, text);
	const char *v =
	    word_value(relation_words, sizeof(relation_words) / sizeof(relation_words[0]), key);
	return v ? v : relation_code(key);
}

const char *tab_sex_of(struct arena *a, const char *text)
{
	static const struct word sexes[] = { { "男", "M" },   { "女", "F" }, { "男性", "M" },
		                             { "女性", "F" }, { "M", "M" },  { "F", "F" },
		                             { "m", "M" },    { "f", "F" },  { "1", "M" },
		                             { "2", "F" } };
	return word_value(sexes, sizeof(sexes) / sizeof(sexes[0]), tab_header_key(a, text));
}

/* ---- place names ---- */

const char *tab_place_key(struct arena *a, const char *name)
{
	return places_name_key(a, tab_header_key(a, name));
}

int tab_place_matches(struct arena *a, const char *written, const char *registered)
{
	const char *w = tab_place_key(a, written);
	return *w && !strcmp(w, tab_place_key(a, registered));
}
