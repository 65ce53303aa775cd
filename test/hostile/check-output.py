#!/usr/bin/env python3
# check-output.py KIND FILE: checks that FILE, an fb output of KIND, lets
# none of the hostile corpus's payloads act (DESIGN.md 7); prints each
# problem and exits 1 when there is one.
#
#	html	no element, attribute or URL from the data: no <script>,
#		<img>, <iframe>, <object>, <embed>, <form>, <input>, <link>,
#		<meta http-equiv=refresh>, no on* attribute, no href/src/action
#		but "#..." or data:, nothing that names javascript: or
#		evil.example as a URL; exactly the <style> and <title> fb writes
#	md	rendered by cmark-gfm (raw HTML kept, so nothing is hidden),
#		then checked as html
#	csv	no cell a spreadsheet would run: first character = + - @ tab
#		CR, unless the cell is a plain number
#	text	no C0 control but LF (and a TAB), no DEL, no C1 (U+0080-
#		U+009F), no bidi control (U+202A-202E, U+2066-2069, U+200E,
#		U+200F, U+061C); the bytes are UTF-8
#	json	one JSON text, or NDJSON when every line is one
import csv
import html.parser
import io
import json
import re
import subprocess
import sys

BAD_TAGS = {"script", "img", "iframe", "object", "embed", "form", "input",
            "link", "base", "frame", "frameset", "textarea", "audio",
            "video", "source", "math", "button", "a"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster",
             "background", "data", "srcset"}
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")
problems = []


class Checker(html.parser.HTMLParser):
    def __init__(self, allow_anchor_links):
        super().__init__(convert_charrefs=True)
        self.allow_anchor_links = allow_anchor_links
        self.counts = {}
        self.svg = 0

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg > 0:
            self.svg -= 1

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svg += 1
        # an SVG <title> is a tooltip; the page's own is outside any <svg>
        if not (tag == "title" and self.svg > 0):
            self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag in BAD_TAGS and not (tag == "a" and self.allow_anchor_links):
            problems.append("element <%s> at line %d" % (tag, self.getpos()[0]))
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh"
                                 for k, v in attrs):
            problems.append("<meta http-equiv=refresh> at line %d" % self.getpos()[0])
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                problems.append("attribute %s=%r on <%s> at line %d" %
                                (k, v[:60], tag, self.getpos()[0]))
            if k in URL_ATTRS and not (v.startswith("#") or v.startswith("data:image/")):
                problems.append("URL %s=%r on <%s> at line %d" %
                                (k, v[:60], tag, self.getpos()[0]))
            if re.search(r"javascript:|evil\.example", v, re.I) and k not in ("title", "alt", "aria-label", "value", "content"):
                problems.append("attribute %s=%r on <%s> at line %d" %
                                (k, v[:60], tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)


def check_html(data, own_style_title):
    p = Checker(allow_anchor_links=own_style_title)
    p.feed(data.decode("utf-8"))
    p.close()
    if own_style_title:
        # fb writes one <style> and one <title>; a payload's "</style>"
        # or "</title>" that broke out would start more elements
        for tag in ("style", "title", "html", "head", "body"):
            if p.counts.get(tag, 0) > 1:
                problems.append("%d <%s> elements" % (p.counts[tag], tag))


def check_text(data):
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("not UTF-8: %s" % e)
        return
    for n, ln in enumerate(s.split("\n"), 1):
        for c in ln:
            o = ord(c)
            if (o < 0x20 and c != "\t") or 0x7f <= o <= 0x9f or \
                    0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069 or \
                    o in (0x200e, 0x200f, 0x061c):
                problems.append("U+%04X in line %d: %r" % (o, n, ln[:80]))
                break


def check_csv(data):
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    for n, row in enumerate(rows, 1):
        for cell in row:
            if cell and cell[0] in "=+-@\t\r" and not NUMBER.match(cell):
                problems.append("row %d: formula cell %r" % (n, cell[:60]))


def check_json(data):
    s = data.decode("utf-8")
    try:
        json.loads(s)
        return
    except ValueError:
        pass
    for n, ln in enumerate(s.split("\n"), 1):
        if ln == "" and n == len(s.split("\n")):
            continue
        try:
            json.loads(ln)
        except ValueError as e:
            problems.append("line %d is not JSON: %s" % (n, e))
            return


def check_rejects(tool, inp, name, err, rej, out):
    """The bad-input contract of DESIGN.md 3 for a run of 'tool' on the
    NDJSON file 'inp' (named 'name' in diagnostics): every stderr line is
    the tool's; each 'TOOL: NAME:LINE: reason' has its line, verbatim, in
    the --reject file 'rej', in order; with 'out' (a per-record tool),
    output + rejected (+ duplicates fb-ingest dropped) == input lines."""
    lines = open(inp, "rb").read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    rejected = open(rej, "rb").read().split(b"\n") if rej else []
    if rejected and rejected[-1] == b"":
        rejected.pop()
    errtext = open(err, "rb").read()
    check_text(errtext)
    diag = re.compile(r"^%s: %s:(\d+): (.+)$" % (re.escape(tool), re.escape(name)))
    at = []
    dropped = 0
    for ln in errtext.decode("utf-8", "replace").split("\n"):
        if ln == "":
            continue
        if not ln.startswith(tool + ": "):
            problems.append("stray stderr line %r" % ln[:80])
            continue
        m = diag.match(ln)
        if m:
            at.append(int(m.group(1)))
        d = re.match(r"^%s: dropped (\d+) duplicate items?$" % re.escape(tool), ln)
        if d:
            dropped += int(d.group(1))
    if len(at) != len(rejected):
        problems.append("%d diagnostics, %d rejected lines" % (len(at), len(rejected)))
    for k, n in enumerate(at[:len(rejected)]):
        if n < 1 or n > len(lines) or rejected[k] != lines[n - 1]:
            problems.append("rejected line %d is not input line %d" % (k + 1, n))
            break
    if out is not None:
        got = open(out, "rb").read().count(b"\n")
        nonblank = sum(1 for ln in lines if ln.strip(b" \t\r") != b"")
        if got + len(rejected) + dropped != nonblank:
            problems.append("%d out + %d rejected + %d dropped != %d in" %
                            (got, len(rejected), dropped, nonblank))


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "rejects":
        # rejects TOOL INPUT NAME ERR REJ [OUT]
        a = sys.argv[2:]
        check_rejects(a[0], a[1], a[2], a[3], a[4], a[5] if len(a) > 5 else None)
        path = a[3]
        data = None
    else:
        data = open(path, "rb").read()
    if kind == "rejects":
        pass
    elif kind == "html":
        check_html(data, True)
    elif kind == "md":
        check_text(data)
        out = subprocess.run(["cmark-gfm", "--unsafe", "-e", "table",
                              "-e", "autolink", "-e", "strikethrough"],
                             input=data, stdout=subprocess.PIPE, check=True).stdout
        check_html(out, False)
    elif kind == "csv":
        check_csv(data)
    elif kind == "text":
        check_text(data)
    elif kind == "json":
        check_json(data)
    else:
        sys.exit("check-output.py: unknown kind '%s'" % kind)
    sys.stdout.reconfigure(errors="backslashreplace")
    for p in problems[:20]:
        print("%s: %s: %s" % (path, kind, p))
    if len(problems) > 20:
        print("%s: %s: %d more" % (path, kind, len(problems) - 20))
    sys.exit(1 if problems else 0)


main()
