#!/usr/bin/env python3
"""seeds-http.py - the seed corpus of tests/fuzz/fuzz_http.c, from the API tests.

Every request of tests/api/*.t (and every `upload`) is matched to its route in the table
`cunwu routes` prints (the order fuzz_http's first byte indexes), its ids made "$kind"
references the harness fills in, and written as one input; a route no test calls gets a
bare one. Then the router's own cases (raw paths, percent-encoding, 405, list parameters,
headers). Run it again when routes change:

    tests/fuzz/seeds-http.py build/cunwu tests/fuzz/corpus/fuzz_http
"""
import hashlib
import os
import re
import subprocess
import sys

cunwu, out = sys.argv[1], sys.argv[2]
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

routes = []
for line in subprocess.run([cunwu, "routes"], capture_output=True, text=True).stdout.splitlines()[1:]:
    f = line.split()
    if len(f) >= 2:
        routes.append((f[0], f[1]))


def route_of(method, path):
    path = path.split("?")[0]
    for i, (m, p) in enumerate(routes):
        rx = "^" + re.sub(r":[a-z_]+", "[^/]+", p) + "$"
        if m == method and re.match(rx, path):
            return i
    return None


KEYS = {"place_id": "$village", "parent_id": "$village", "household_id": "$household",
        "person_id": "$person", "duty_id": "$duty", "user_id": "$victim",
        "category_id": "$category", "request_id": "$request", "org_id": "$org",
        "media_id": "$media", "place": "$village", "media": "$media"}


def refs(text):
    """${captured} values as the harness's references, guessed from the key before them"""
    text = re.sub(r'"(\w+)":\s*"\$\{[^}]+\}"',
                  lambda m: '"%s": "%s"' % (m.group(1), KEYS.get(m.group(1), "$place")), text)
    text = re.sub(r'(\w+)=\$\{[^}]+\}', lambda m: "%s=%s" % (m.group(1), KEYS.get(m.group(1), "$place")), text)
    return re.sub(r"\$\{[^}]+\}", "$place", text)


def params(route, path):
    """the :param values of path, '/'-joined; ${captured} ones left empty (the default)"""
    pat = routes[route][1].split("/")
    vals = []
    for p, v in zip(pat, path.split("?")[0].split("/")):
        if p.startswith(":"):
            vals.append("" if "${" in v else v)
    return "/".join(vals)


def multipart(fields):
    parts = []
    for name, value in fields:
        if value.startswith("@"):
            fn = os.path.join(root, "tests/api/files", value[1:])
            data = open(fn, "rb").read() if os.path.exists(fn) else b"x"
            if len(data) > 2048:
                data = data[:2048]
            parts.append(b'--FuzzBoundary\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                         b"Content-Type: application/octet-stream\r\n\r\n" % (name.encode(), value[1:].encode()) + data + b"\r\n")
        else:
            parts.append(b'--FuzzBoundary\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                         % (name.encode(), refs(value).encode()))
    return b"".join(parts) + b"--FuzzBoundary--\r\n"


def seed(sel, flags, pline, query, headers, body):
    return bytes([sel, flags]) + b"\n".join([pline.encode(), query.encode()] + [h.encode() for h in headers]
                                            + [b""]) + b"\n" + body


seeds, covered = [], {}
HDR = re.compile(r"^[A-Za-z-]+: ")
for t in sorted(os.listdir(os.path.join(root, "tests/api"))):
    if not t.endswith(".t"):
        continue
    lines = open(os.path.join(root, "tests/api", t), encoding="utf-8").read().splitlines()
    who = 0
    i = 0
    while i < len(lines):
        l = lines[i]
        i += 1
        if l.startswith("login ") or l.startswith("as "):
            w = l.split()[1]
            who = 2 if w == "anon" else 0 if w in ("admin", "leader", "security", "auditor") else 1
            continue
        m = re.match(r"^(GET|POST|PUT|PATCH|DELETE|HEAD) (/\S+)$", l)
        u = re.match(r"^upload (/\S+)(.*)$", l)
        if not m and not u:
            continue
        method, path = (m.group(1), m.group(2)) if m else ("POST", u.group(1))
        r = route_of(method, refs(path) if "?" in path else path)
        if r is None or r >= 250 or covered.get(r, 0) >= 3:
            continue
        headers, body = [], b""
        if m:
            while i < len(lines) and HDR.match(lines[i]) and not lines[i].startswith("expect"):
                headers.append(refs(lines[i]))
                i += 1
            bl = []
            while i < len(lines) and not lines[i].startswith("expect") and lines[i].strip():
                bl.append(lines[i])
                i += 1
            if bl and not bl[0].startswith("body-size"):
                body = refs("\n".join(bl)).encode()
        else:
            body = multipart([f.split("=", 1) for f in u.group(2).split()])
        headers = [h for h in headers if not h.lower().startswith(("cookie", "content-length"))]
        query = refs(path.split("?", 1)[1]) if "?" in path else ""
        covered[r] = covered.get(r, 0) + 1
        seeds.append(seed(r, who, params(r, path), query, headers, body))

for r, (m, p) in enumerate(routes):
    if r not in covered and r < 250:
        seeds.append(seed(r, 0, "", "", [], b"{}" if m in ("POST", "PUT", "PATCH") else b""))

# the router, the query string and the headers
RAW = 250
seeds += [
    seed(RAW, 0, "/api/v1/places/%31%34%30%34%30%36%31%30%31", "", [], b""),
    seed(RAW, 0, "/api/v1//places", "", [], b""),
    seed(RAW, 0, "/api/v1/places/../people", "", [], b""),
    seed(RAW, 0, "/api/v1/places/140406101%2F204", "", [], b""),
    seed(RAW, 0, "/api/v1/public/requests/%00%ff", "", [], b""),
    seed(RAW, 0, "/healthz", "a=%zz&&=&b", [], b""),
    seed(RAW, 0x20, "/api/v1/version", "", [], b""),
    seed(RAW, 0xc0, "/api/v1/people", "", [], b""),
    seed(RAW, 0, "/assets/../../etc/passwd", "", [], b""),
    seed(RAW, 0, "/api/v1/public/places", "q=%E7%A7%A6&limit=5", [], b""),
]
for r, (m, p) in enumerate(routes):
    if m == "GET" and ("people" == p.split("/")[-1] or p.endswith("/requests") or p.endswith("/audit")
                       or p.endswith("/households") or p.endswith("/places")):
        seeds.append(seed(r, 0, "", "page=2&page_size=500&sort=-id,name&q=%E7%8E%8B&place=$village", [], b""))
        seeds.append(seed(r, 1, "", "page=0&page_size=501&sort=,-,nope", [], b""))
        seeds.append(seed(r, 0, "", "sort=" + "-id," * 40 + "&cursor=%FF", ["X-Request-Id: fuzz-1.2_3"], b""))
    if m in ("PATCH", "PUT"):
        seeds.append(seed(r, 0, "", "", ['If-Match: W/"1"'], b"{}"))
        seeds.append(seed(r, 0 | 4 | 0x80, "", "", [], b""))
    if m == "POST":
        seeds.append(seed(r, 0, "", "", ["Idempotency-Key: fuzz-key-0001", "X-Forwarded-For: 10.0.0.1, 127.0.0.1"], b"{}"))
        seeds.append(seed(r, 8, "", "", ["Content-Type: text/plain"], b"{\"a\":"))

os.makedirs(out, exist_ok=True)
for s in seeds:
    with open(os.path.join(out, hashlib.sha1(s).hexdigest()), "wb") as f:
        f.write(s)
print("%d seeds for %d routes (%d from the API tests)" % (len(set(seeds)), len(routes), len(covered)))
