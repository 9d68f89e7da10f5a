/*
 * import_demo.c - the demo's imports, made the way a cadre makes them: 秦家山村's register of
 * people who came to live there (流动人口登记表, a GBK CSV as Excel in China saves it: a
 * title, 户号 on each household's first row, two rows Excel or a hurried hand spoiled)
 * checked and imported; and 冯村's register of the elderly, uploaded and checked but not
 * yet run, so the console shows a report waiting for its cadre. Deterministic.
 */
#include "import.h"

#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/media.h"
#include "people/rules.h"
#include "core/banned.h"

/* a synthetic identity number: area, birth date, sequence, and its check character */
static const char *demo_id(struct arena *a, const char *area, const char *birth, int seq)
{
	char first[18];
	snprintf(first, sizeof(first), "%.6s%.8s%03u", area, birth, (unsigned)seq % 1000u);
	return arena_printf(a, "%s%c", first, idno_check_char(first));
}

struct demo_row {
	const char *hukou, *name, *relation, *area, *birth, *phone, *group, *house, *note;
};

/* 流动人口: six households from other provinces renting in 秦家山村 */
static const struct demo_row incomers[] = {
	{ "LD-01", "马振东", "户主", "410526", "19820314", "13803451201", "一组", "12号", "租住" },
	{ "", "马丽娟", "妻", "410526", "19840709", "", "一组", "12号", "租住" },
	{ "", "马小乐", "长子", "410526", "20120220", "", "一组", "12号", "租住" },
	{ "LD-02", "侯建设", "户主", "130682", "19760511", "13934562202", "一组", "27号", "租住" },
	{ "", "郝桂花", "妻", "130682", "19780918", "13934562203", "一组", "27号", "租住" },
	{ "LD-03", "钟明亮", "户主", "610321", "19900123", "15034123304", "二组", "8号", "暂住" },
	{ "LD-04", "付海燕", "户主", "370881", "19881106", "18635674405", "二组", "31号", "租住" },
	{ "", "付思远", "长女", "370881", "20150302", "", "二组", "31号", "租住" },
	{ "LD-05", "邢国强", "户主", "411402", "19690727", "1390345", "一组", "45号", "租住" },
	{ "LD-06", "骆永福", "户主", "150429", "19950812", "", "二组", "19号", "暂住" },
	{ "", "骆晓彤", "妻", "150429", "19961201", "", "二组", "19号", "暂住" },
};

/* the elderly of 冯村 to be checked against the registry (not yet imported); the group
 * column holds their natural village */
static const struct demo_row elderly[] = {
	{ "FC-101", "申福全", "户主", "140481", "19410102", "", "前街", "6号", "" },
	{ "", "申秀兰", "妻", "140481", "19430715", "", "前街", "6号", "" },
	{ "FC-102", "闫守义", "户主", "140481", "19380930", "03552012233", "南坡", "14号", "" },
	{ "FC-103", "", "户主", "140481", "19450405", "", "坡底", "3号", "" },
	{ "FC-104", "牛来喜", "儿媳", "140481", "19470818", "", "坡底", "21号", "" },
};

/* the register as a GBK CSV at path; the row at bad has its ID as Excel's 1.40406E+17 */
static int write_register(struct arena *a, const char *path, const char *title,
                          const char *place_head, const struct demo_row *rows, size_t n, size_t bad,
                          int seq, struct err *e)
{
	struct strbuf sb;
	strbuf_init(&sb, a, 4096);
	strbuf_adds(&sb, title);
	strbuf_addf(&sb,
	            "\r\n序号,户号,姓名,公民身份号码,与户主关系,%s,门牌号,联系电话,户籍类型\r\n",
	            place_head);
	for (size_t i = 0; i < n; i++) {
		const struct demo_row *r = &rows[i];
		const char *id = i == bad ? arena_printf(a, "%.1s.%.5sE+17", r->area, r->area + 1)
		                          : demo_id(a, r->area, r->birth, seq + (int)i * 7);
		strbuf_addf(&sb, "%zu,%s,%s,%s,%s,%s,%s,%s,%s\r\n", i + 1, r->hukou, r->name, id,
		            r->relation, r->group, r->house, r->phone, r->note);
	}
	strbuf_adds(&sb, "填表人：王会计,,,,,,,,\r\n");
	/* in GB18030, as Excel in China saves a CSV */
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	if (cd == (iconv_t)-1)
		return err_internal(e, "no GB18030 converter");
	size_t inleft = sb.len, outleft = 2 * sb.len + 16;
	char *in = sb.buf, *out = arena_alloc(a, outleft), *o = out;
	size_t rc = iconv(cd, &in, &inleft, &o, &outleft);
	iconv_close(cd);
	FILE *f = rc == (size_t)-1 ? NULL : fopen(path, "wb");
	if (!f || fwrite(out, 1, (size_t)(o - out), f) != (size_t)(o - out) || fclose(f))
		return err_internal(e, "cannot write the demo register %s", path);
	return 0;
}

/* upload (as the village's secretary would) and check; run it too if run */
static int demo_import(struct db *db, const struct actor *who, struct arena *a,
                       const char *place_id, const char *file_name, const char *title,
                       const char *place_head, const struct demo_row *rows, size_t n, size_t bad,
                       int seq, int run, int64_t *persons, struct err *e)
{
	struct place p;
	int found = places_get(db, place_id, &p, e);
	if (found <= 0)
		return found < 0 ? -1 : 0; /* not in this demo */
	const char *path = arena_printf(a, "%s/demo-register-%d.csv", media_dir(), seq);
	char id[ID_LEN + 1];
	int rc = write_register(a, path, title, place_head, rows, n, bad, seq, e) ||
	         import_create(db, a, who, path, file_name, &p, NULL, id, e) ||
	         import_pass(db, a, id, 0, who, NULL, NULL, e) ||
	         (run && import_pass(db, a, id, 1, who, NULL, NULL, e));
	unlink(path);
	if (rc)
		return -1;
	struct import_row im;
	if (import_load(db, id, &im, e))
		return -1;
	*persons += im.counts[5];
	return 0;
}

int tabular_import_demo(struct db *db, const struct actor *who, struct arena *a, int64_t *persons,
                        struct err *e)
{
	*persons = 0;
	return demo_import(db, who, a, "140406101204", "秦家山村流动人口登记表.csv",
	                   "秦家山村流动人口登记表（2026年11月）", "组", incomers,
	                   sizeof(incomers) / sizeof(incomers[0]), 5, 401, 1, persons, e) ||
	               demo_import(db, who, a, "140406101205", "冯村高龄老人花名册.csv",
	                           "冯村80岁以上老人花名册", "自然村", elderly,
	                           sizeof(elderly) / sizeof(elderly[0]), 99, 701, 0, persons, e)
	           ? -1
	           : 0;
}
