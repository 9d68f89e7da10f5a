#!/usr/bin/env python3
"""bench/register.py N FILE - a synthetic village register of N persons as a cadre keeps it
(UTF-8 CSV: a title row, 序号, 户号 on each household's first row, 身份证号 with its check
character, 姓名, 与户主关系, 村, 组, 联系电话, 人员类别), deterministic. Households of one to
five people in the four groups of 秦家山村 (140406101204)."""
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = "10X98765432"
SUR = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIV = "建国华明伟芳秀英兰军平刚桂凤志强丽敏静玉霞红梅德福海涛斌燕霖晨宇浩然子涵欣怡梓萱思远嘉豪雨轩文博俊杰淑珍春生秋菊冬梅守仁振华永庆"
REL = ["妻", "长子", "次子", "长女", "儿媳", "孙子", "孙女", "母亲", "父亲"]
TAGS = ["", "", "", "", "", "", "党员", "残疾人", "退役军人", "低保户"]


def idno(rnd, seq):
    y = rnd.randint(1930, 2020)
    m = rnd.randint(1, 12)
    d = rnd.randint(1, 28)
    s = "140406%04d%02d%02d%03d" % (y, m, d, seq % 1000)
    return s + C[sum(int(a) * b for a, b in zip(s, W)) % 11]


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(20261129)
    seen = set()
    with open(path, "w", encoding="utf-8") as f:
        f.write("秦家山村户籍人口花名册（2026年）\n")
        f.write("序号,户号,身份证号,姓名,与户主关系,村,组,联系电话,人员类别\n")
        i, hh = 0, 0
        while i < n:
            hh += 1
            size = min(rnd.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]), n - i)
            group = "%d组" % rnd.randint(1, 4)
            for k in range(size):
                i += 1
                while True:
                    id_ = idno(rnd, rnd.randint(0, 999))
                    if id_ not in seen:
                        seen.add(id_)
                        break
                name = rnd.choice(SUR) + "".join(rnd.choice(GIV) for _ in range(rnd.randint(1, 2)))
                rel = "户主" if k == 0 else rnd.choice(REL)
                phone = "1%d%09d" % (rnd.choice([3, 5, 8]), rnd.randint(0, 10**9 - 1)) if rnd.random() < 0.6 else ""
                f.write("%d,%s,%s,%s,%s,秦家山,%s,%s,%s\n" % (
                    i, "QJS-%06d" % hh if k == 0 else "", id_, name, rel, group, phone,
                    rnd.choice(TAGS)))
        f.write("填表人：王会计,,,,,,,,\n")


main()
