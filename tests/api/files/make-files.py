#!/usr/bin/env python3
# make-files.py - writes the upload fixtures of tests/api/ (run from this folder).
# The files are committed; this script says exactly what is in them and why.
import hashlib
import struct
import zlib


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def png(extra=b""):
    """A valid 1x1 RGB PNG (one red pixel); `extra` chunks go after IHDR."""
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00", 9))
    return b"\x89PNG\r\n\x1a\n" + ihdr + extra + idat + png_chunk(b"IEND", b"")


def jpeg(app1=b""):
    """A valid 1x1 grayscale baseline JPEG: one 8x8 block, DC diff 0, then EOB."""
    seg = lambda m, d: b"\xff" + bytes([m]) + struct.pack(">H", len(d) + 2) + d
    dqt = seg(0xDB, b"\x00" + b"\x01" * 64)
    sof = seg(0xC0, b"\x08" + struct.pack(">HH", 1, 1) + b"\x01" + b"\x01\x11\x00")
    # one code of length 1 per table: DC category 0, AC end-of-block
    dht_dc = seg(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
    dht_ac = seg(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00")
    sos = seg(0xDA, b"\x01" + b"\x01\x00" + b"\x00\x3f\x00")
    # bits "0" (DC, category 0) and "0" (EOB), padded with ones
    return b"\xff\xd8" + app1 + dqt + sof + dht_dc + dht_ac + sos + b"\x3f" + b"\xff\xd9"


def exif_gps():
    """APP1 Exif (big-endian TIFF): IFD0 points at a GPS IFD with latitude and longitude
    of 潞城 (36°19'30"N 113°13'12"E); the rationals lie outside the entries."""
    gps_at = 8 + 2 + 12 + 4
    data_at = gps_at + 2 + 4 * 12 + 4
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, gps_at) + b"\0\0\0\0"
    ent = lambda tag, typ, cnt, val: struct.pack(">HHI", tag, typ, cnt) + val
    gps = struct.pack(">H", 4)
    gps += ent(1, 2, 2, b"N\0\0\0")
    gps += ent(2, 5, 3, struct.pack(">I", data_at))
    gps += ent(3, 2, 2, b"E\0\0\0")
    gps += ent(4, 5, 3, struct.pack(">I", data_at + 24))
    gps += b"\0\0\0\0"
    lat = struct.pack(">6I", 36, 1, 19, 1, 3000, 100)
    lon = struct.pack(">6I", 113, 1, 13, 1, 1200, 100)
    tiff = b"MM\0*" + struct.pack(">I", 8) + ifd0 + gps + lat + lon
    assert len(tiff) == data_at + 48
    body = b"Exif\0\0" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    # what the server must store: the GPS IFD's count and entries, and the values they
    # point at, zeroed; everything else byte for byte
    t = bytearray(tiff)
    t[data_at:data_at + 48] = b"\0" * 48
    t[gps_at:gps_at + 2 + 4 * 12] = b"\0" * (2 + 4 * 12)
    stripped = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + b"Exif\0\0" + bytes(t)
    return app1, stripped


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)
    print("%-16s %5d bytes  sha256 %s" % (name, len(data), hashlib.sha256(data).hexdigest()))


write("dot.png", png())
# the same PNG with an eXIf chunk: the server removes the chunk, so it stores dot.png
write("dot-exif.png", png(png_chunk(b"eXIf", b"MM\0*\0\0\0\x08\0\0\0\0\0\0")))
# over 2048 bytes, for the media.max_bytes=2048 cap
write("big.png", png(png_chunk(b"tEXt", b"Comment\0" + b"x" * 3000)))
app1, stripped = exif_gps()
write("gps.jpg", jpeg(app1))
print("gps.jpg stripped -> sha256 %s" % hashlib.sha256(jpeg(stripped)).hexdigest())
# starts like a JPEG, but its first segment runs past the end of the file
write("broken.jpg", b"\xff\xd8\xff\xe1\xff\xf0Exif\0\0MM\0*")
write("image.svg.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
# a PDF is served as an attachment, never inline
write("tiny.pdf", b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
      b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
write("notes.png", b"just some text, not a picture\n")


def resident_id(area, birth, seq):
    """An 18-digit resident identity number (GB 11643) with its check character."""
    body = area + birth.replace("-", "") + "%03d" % seq
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def rule_tags_register():
    """tags.csv (test 0110): 300 households of one to four persons (75 of each size), 750
    persons with identity numbers, whose births and whereabouts make every rule tag: heads
    born in 1930, 1960, 1962, 1985 or 1940, wives in 1932, 1958 or 1988, sons in 1975
    (away), granddaughters in 2020 (at home); one head in seven and every other wife away."""
    surname, second, third = "赵钱孙李周吴郑王冯陈", "一二三四五六七八九十", "春夏秋冬东南西北中发"
    heads = ["1930-03-01", "1960-06-15", "1962-01-01", "1985-07-07", "1940-12-31"]
    wives = ["1932-02-02", "1958-08-08", "1988-03-03"]
    lines, born = ["户号,姓名,身份证号,与户主关系,出生日期,人员状态"], {}
    for i in range(300):
        for k in range(i % 4 + 1):
            name = surname[i % 10] + second[i // 10 % 10] + third[i // 100] + "甲乙丙丁"[k]
            relation = ["户主", "妻", "子", "孙女"][k]
            birth = [heads[i % 5], wives[i % 3], "1975-05-05", "2020-09-09"][k]
            born[birth] = born.get(birth, 0) + 1
            away = [i % 7 == 0, i % 2 == 1, True, False][k]
            lines.append("T%d,%s,%s,%s,%s,%s" % (i, name, resident_id("140406", birth, born[birth]),
                                                 relation, birth,
                                                 ("外出务工" if k != 1 else "外出") if away else "在家"))
    return ("\n".join(lines) + "\n").encode()


write("tags.csv", rule_tags_register())


def groups_register(mark, surnames):
    """groups.csv and groups-b.csv (test 0122): 40 households of one or two persons in the
    ten groups 一组 … 十组, written as cadres do (1组, 第二组, 03组, 四组 …), a group coming back
    after one or two others (1 2 1 3 2 4 3 5 …): more groups than the import keeps checked
    (eight), so some households find their group kept and others have it looked up again.
    Its 户号 says its group: G7-12 is the twelfth household, in 七组."""
    forms = ["1组", "第二组", "03组", "四组", "5组", "六组", "第七组", "8组", "九组", "十组"]
    turns = [1, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 9, 10]
    lines = ["户号,姓名,与户主关系,组"]
    for i in range(40):
        g = turns[i % 20] - 1
        for k in range(i % 2 + 1):
            lines.append("%s%d-%02d,%s%s%s,%s,%s" % (mark, g + 1, i, surnames[k],
                                                     "一二三四五六七八九十"[g], "春夏秋冬"[i // 10],
                                                     ["户主", "妻"][k], forms[g]))
    return ("\n".join(lines) + "\n").encode()


write("groups.csv", groups_register("G", "郑吴"))
write("groups-b.csv", groups_register("H", "冯陈"))
