/* text.c - UTF-8, full-width folding, spaces, middle dots and surnames; see text.h. */
#include "text.h"

#include <string.h>

#include "core/util.h"
#include "core/banned.h"

size_t people_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	return utf8_next(s, n, cp);
}

size_t people_utf8_put(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

uint32_t people_fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	if (cp == 0x3000)
		return ' ';
	return cp;
}

int people_is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000 ||
	       (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0xFEFF;
}

int people_is_dot(uint32_t cp)
{
	switch (cp) {
	case 0x00B7: /* · middle dot, the one names use */
	case 0x30FB: /* ・ katakana middle dot (Japanese input methods) */
	case 0x2022: /* • bullet */
	case 0x2027: /* ‧ hyphenation point (Taiwan) */
	case 0xFF65: /* ･ half-width katakana middle dot */
	case 0x2219: /* ∙ bullet operator */
	case 0x22C5: /* ⋅ dot operator */
	case 0x0387: /* · Greek ano teleia */
	case 0x2E31: /* ⸱ word separator middle dot */
		return 1;
	}
	return 0;
}

/*
 * Surnames: every two-character surname in common use (simplified and traditional), and
 * the single characters whose surname reading is not the dictionary's first reading.
 * A NULL reading means the first readings of the characters are right.
 */
static const struct {
	const char *name, *reading;
} surnames[] = {
	/* compound surnames */
	{ "欧阳", NULL },
	{ "歐陽", NULL },
	{ "司马", NULL },
	{ "司馬", NULL },
	{ "上官", NULL },
	{ "诸葛", NULL },
	{ "諸葛", NULL },
	{ "东方", NULL },
	{ "東方", NULL },
	{ "皇甫", NULL },
	{ "尉迟", "yu chi" },
	{ "尉遲", "yu chi" },
	{ "公孙", NULL },
	{ "公孫", NULL },
	{ "慕容", NULL },
	{ "长孙", "zhang sun" },
	{ "長孫", "zhang sun" },
	{ "宇文", NULL },
	{ "司徒", NULL },
	{ "夏侯", NULL },
	{ "轩辕", NULL },
	{ "軒轅", NULL },
	{ "令狐", "ling hu" },
	{ "端木", NULL },
	{ "独孤", NULL },
	{ "獨孤", NULL },
	{ "南宫", NULL },
	{ "南宮", NULL },
	{ "西门", NULL },
	{ "西門", NULL },
	{ "万俟", "mo qi" },
	{ "萬俟", "mo qi" },
	{ "闻人", NULL },
	{ "聞人", NULL },
	{ "澹台", "tan tai" },
	{ "澹臺", "tan tai" },
	{ "公冶", NULL },
	{ "宗政", NULL },
	{ "濮阳", NULL },
	{ "濮陽", NULL },
	{ "太叔", NULL },
	{ "申屠", NULL },
	{ "钟离", NULL },
	{ "鍾離", NULL },
	{ "鐘離", NULL },
	{ "呼延", NULL },
	{ "赫连", NULL },
	{ "赫連", NULL },
	{ "拓跋", NULL },
	{ "拓拔", NULL },
	{ "单于", "chan yu" },
	{ "單于", "chan yu" },
	{ "司空", NULL },
	{ "淳于", NULL },
	{ "仲孙", NULL },
	{ "仲孫", NULL },
	{ "左丘", NULL },
	{ "东郭", NULL },
	{ "東郭", NULL },
	{ "百里", NULL },
	{ "第五", NULL },
	{ "羊舌", NULL },
	{ "微生", NULL },
	{ "梁丘", NULL },
	{ "公良", NULL },
	{ "乐正", "yue zheng" },
	{ "樂正", "yue zheng" },
	{ "漆雕", NULL },
	{ "壤驷", NULL },
	{ "壤駟", NULL },
	{ "公西", NULL },
	{ "巫马", NULL },
	{ "巫馬", NULL },
	{ "谷梁", NULL },
	{ "穀梁", NULL },
	{ "段干", NULL },
	{ "东门", NULL },
	{ "東門", NULL },
	{ "子车", "zi ju" },
	{ "子車", "zi ju" },
	{ "颛孙", NULL },
	{ "顓孫", NULL },
	{ "亓官", NULL },
	{ "司寇", NULL },
	{ "公羊", NULL },
	{ "鲜于", NULL },
	{ "鮮于", NULL },
	{ "闾丘", NULL },
	{ "閭丘", NULL },
	{ "范姜", NULL },
	{ "张简", NULL },
	{ "張簡", NULL },
	/* single characters read differently as a surname */
	{ "单", "shan" },
	{ "單", "shan" },
	{ "曾", "zeng" },
	{ "解", "xie" },
	{ "仇", "qiu" },
	{ "区", "ou" },
	{ "區", "ou" },
	{ "朴", "piao" },
	{ "查", "zha" },
	{ "盖", "ge" },
	{ "蓋", "ge" },
	{ "翟", "zhai" },
	{ "覃", "qin" },
	{ "缪", "miao" },
	{ "繆", "miao" },
	{ "秘", "bi" },
	{ "召", "shao" },
	{ "祭", "zhai" },
	{ "繁", "po" },
	{ "员", "yun" },
	{ "員", "yun" },
	{ "隗", "wei" },
	{ "句", "gou" },
	{ "能", "nai" },
	{ "折", "she" },
	{ "乜", "nie" },
	{ "薄", "bo" },
	{ "蔚", "yu" },
	{ "番", "pan" },
	{ "阚", "kan" },
	{ "闞", "kan" },
	{ "便", "pian" },
	{ "长", "chang" },
	{ "長", "chang" },
	{ "乐", "yue" },
	{ "樂", "yue" },
	{ "重", "chong" },
	{ "种", "chong" },
	{ "種", "chong" },
	{ "卜", "bu" },
	{ "藏", "zang" },
	{ "都", "du" },
	{ "洗", "xian" },
	{ "黑", "he" },
};

size_t people_surname(const char *name, size_t len, int compound_only, const char **reading)
{
	size_t best = 0;
	const char *r = NULL;
	for (size_t i = 0; i < sizeof(surnames) / sizeof(surnames[0]); i++) {
		size_t n = strlen(surnames[i].name);
		if (n <= best || n > len || memcmp(name, surnames[i].name, n))
			continue;
		if (compound_only && n == 3)
			continue; /* one character (every character here takes 3 bytes) */
		best = n;
		r = surnames[i].reading;
	}
	if (reading)
		*reading = best ? r : NULL;
	return best;
}
