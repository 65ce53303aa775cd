#!/usr/bin/env bats
# fb-gen.bats: the feedback generator (SPEC "fb-gen", issue 3 item 8).
#
# Every format is read back by a reader that is not fb's own (jq, Python's
# csv, mailbox and email modules, iconv), the planted incidents are looked
# for in the data, and the same options must give the same bytes.

load helper

FORMATS=(ndjson record csv tsv mbox text json)
# Peak RSS may differ this much between 2,000 and 200,000 items. ASan keeps
# freed blocks in quarantine, so a sanitized build gets more room.
RSS_SLACK_KB=$((4 * 1024))

setup() {
	common_setup
	export PYTHONIOENCODING=utf-8
	errs=()
	if [[ -n ${FB_TEST_SANITIZE:-} ]] ||
	    ldd "$(command -v fb-gen)" 2>/dev/null | grep -q libasan; then
		RSS_SLACK_KB=$((24 * 1024))
	fi
}

# gen FILE ARGS...: fb-gen ARGS > FILE, which must succeed with no stderr.
gen() {
	local f=$1
	shift
	run -0 --separate-stderr to_file "$f" fb-gen "$@"
	[[ -z $stderr ]] || fail "fb-gen $*: stderr: $stderr"
}

# csv_rows FILE ENCODING DELIM: the data rows of FILE read by Python's csv
# module, checking that each has the 14 columns of the header.
csv_rows() {
	python3 - "$@" <<'EOF'
import csv, sys
path, enc, delim = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, encoding=enc, newline='') as f:
    rows = list(csv.reader(f, delimiter='\t' if delim == 'tab' else ','))
head = ["反馈编号", "提交时间", "用户ID", "会员等级", "订单号", "SKU", "品类",
        "省份", "城市", "区县", "渠道", "评分", "反馈内容", "图片数"]
if rows[0] != head:
    sys.exit("header is %r" % rows[0])
for i, r in enumerate(rows[1:]):
    if len(r) != 14:
        sys.exit("row %d has %d fields" % (i + 1, len(r)))
print(len(rows) - 1)
EOF
}

# mbox_count FILE: the number of messages Python's mailbox module finds.
mbox_count() {
	python3 -c 'import mailbox, sys; print(len(mailbox.mbox(sys.argv[1])))' "$1"
}

# ----------------------------------------------------------- reproducibility

@test "the same seed and options give the same bytes, in every format and encoding" {
	local f
	for f in "${FORMATS[@]}"; do
		gen a.$f -s 7 -n 600 --days 20 -f "$f" --truth a.truth
		gen b.$f -s 7 -n 600 --days 20 -f "$f" --truth b.truth
		cmp -s a.$f b.$f || errs+=("$f: two runs differ")
		cmp -s a.truth b.truth || errs+=("$f: the truth files differ")
		# no wall clock, locale or zone in the output
		TZ=America/New_York LC_ALL=C.UTF-8 fb-gen -s 7 -n 600 --days 20 \
		    -f "$f" > c.$f
		cmp -s a.$f c.$f || errs+=("$f: another TZ and locale change the output")
	done
	for f in csv tsv; do
		gen a.gb.$f -s 7 -n 600 -f "$f" --encoding gb18030
		gen b.gb.$f -s 7 -n 600 -f "$f" --encoding gb18030
		cmp -s a.gb.$f b.gb.$f || errs+=("$f gb18030: two runs differ")
	done
	fail_if_errors
}

@test "a different seed gives different output, in every format" {
	local f
	for f in "${FORMATS[@]}"; do
		gen a.$f -s 1 -n 300 -f "$f"
		gen b.$f -s 2 -n 300 -f "$f"
		cmp -s a.$f b.$f && errs+=("$f: seeds 1 and 2 give the same bytes")
	done
	fail_if_errors
}

@test "the defaults: seed 1, 1000 items, ndjson, from 2026-10-01 over 30 days" {
	gen def
	gen explicit -s 1 -n 1000 -f ndjson --days 30 --since 2026-10-01T00:00:00Z \
	    --incidents all
	cmp def explicit
	assert_equal "$(lines def)" 1000
}

# ------------------------------------------------------------------ counts

@test "--count is honoured in every format (rows by a real CSV parse, mbox messages)" {
	local n=777 got
	for f in "${FORMATS[@]}"; do
		gen out.$f -s 3 -n $n -f "$f"
	done
	gen out.gb.csv -s 3 -n $n -f csv --encoding gb18030
	assert_equal "$(lines out.ndjson)" $n
	assert_equal "$(jq -c . out.ndjson | wc -l)" $n
	assert_equal "$(lines out.record)" $n
	assert_equal "$(lines out.text)" $n
	assert_equal "$(jq length out.json)" $n
	got=$(csv_rows out.csv utf-8-sig comma) || fail "csv: $got"
	assert_equal "$got" $n
	got=$(csv_rows out.tsv utf-8 tab) || fail "tsv: $got"
	assert_equal "$got" $n
	got=$(csv_rows out.gb.csv gb18030 comma) || fail "gb18030 csv: $got"
	assert_equal "$got" $n
	assert_equal "$(mbox_count out.mbox)" $n
	assert_equal "$(grep -c '^From ' out.mbox)" $n
}

@test "--count 0 writes no items: an empty array, a bare header, nothing" {
	local f
	for f in ndjson record text mbox; do
		gen out.$f -n 0 -f "$f"
		[[ -s out.$f ]] && errs+=("$f: not empty")
	done
	gen out.json -n 0 -f json
	assert_equal "$(jq -c . out.json)" "[]"
	gen out.csv -n 0 -f csv
	assert_equal "$(csv_rows out.csv utf-8-sig comma)" 0
	fail_if_errors
}

@test "incidents take their items from --count" {
	gen all.rec -s 5 -n 3000 -f record --incidents all --truth t.all
	gen none.rec -s 5 -n 3000 -f record --incidents none --truth t.none
	assert_equal "$(lines all.rec)" 3000
	assert_equal "$(lines none.rec)" 3000
	assert_equal "$(lines t.all)" "$(jq -c . t.all | wc -l)"
	(($(lines t.all) >= 5)) || fail "$(lines t.all) incidents planted"
	[[ ! -s t.none ]] || fail "--incidents none planted: $(cat t.none)"
}

# ----------------------------------------------------------------- formats

@test "ndjson: raw channel exports with references, created_at and content fb-ingest knows" {
	gen out.ndjson -s 4 -n 3000
	# every line one object with these keys
	run -0 jq -e -s 'all(type == "object" and has("created_at") and
	    has("channel") and has("user_id") and (.content | type == "string") and
	    (has("ticket_id") or has("call_id") or has("review_id") or
	     has("message_id") or has("id")))' out.ndjson
	# all nine channels
	assert_equal "$(jq -r .channel out.ndjson | sort -u | tr '\n' ' ')" \
	    "app chat douyin email hotline miniprogram review web weibo "
	# each channel writes its time its own way
	jq -r '[.channel, (.created_at | tostring)] | @tsv' out.ndjson |
	    while IFS=$'\t' read -r ch ts; do
		case $ch in
		app) re='^[0-9]{13}$' ;;
		douyin) re='^[0-9]{10}$' ;;
		web) re='^2026-[0-9-]{5}T[0-9:]{8}\+08:00$' ;;
		miniprogram) re='^2026-[0-9-]{5} [0-9:]{8}$' ;;
		hotline) re='^2026/[0-9/]{5} [0-9]{2}:[0-9]{2}$' ;;
		chat) re='^2026-[0-9-]{5}T[0-9:]{8}(\.[0-9]{3})?Z$' ;;
		weibo) re='^2026年[0-9]{2}月[0-9]{2}日 [0-9]{2}:[0-9]{2}$' ;;
		review) re='^2026\.[0-9.]{5} [0-9]{2}:[0-9]{2}$' ;;
		email) re='^[A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} 2026 [0-9:]{8} \+0800$' ;;
		esac
		[[ $ts =~ $re ]] || echo "$ch: $ts"
	done > badtimes
	[[ ! -s badtimes ]] || fail "created_at of the wrong form: $(head -5 badtimes)"
	# ids, orders, SKUs, tiers, regions
	run -0 jq -e -s 'all(.user_id | test("^c-[0-9]{6,}$")) and
	    all(.[] | select(.order_id); .order_id | test("^O[0-9]{15}$")) and
	    all(.[] | select(.sku); .sku | test("^SKU-[0-9]{8}$")) and
	    all(.[] | select(.tier); .tier | IN("normal", "vip", "svip")) and
	    ([.[].city] | unique | length) >= 30 and
	    ([.[].category | select(.)] | unique | length) == 12' out.ndjson
}

@test "record: the fb record shape, ids unique, ts RFC 3339 UTC within the span" {
	gen out.rec -s 4 -n 3000 -f record --since 2026-11-01T00:00:00Z --days 10
	run -0 jq -e -s 'all(.id | test("^fb-[0-9a-f]{16}$")) and
	    ([.[].id] | unique | length) == length and
	    all(.ts | test("^2026-11-[0-9]{2}T[0-9:]{8}(\\.[0-9]{3})?Z$")) and
	    all(.ts >= "2026-11-01T00:00:00Z" and .ts < "2026-11-11T00:00:00Z") and
	    all((.source | type) == "object" and (.source.ref | type) == "string") and
	    all((.customer.id | type) == "string") and
	    all((.region.province | type) == "string") and
	    all(.text | type == "string" and (contains("\n") | not)) and
	    all(.lang | IN("zh", "en")) and
	    all(.[] | select(.rating); .rating | IN(1, 2, 3, 4, 5)) and
	    all(.[] | select(.attachments); .attachments.images >= 0)' out.rec
	# the customers' tiers and spending agree
	run -0 jq -e -s '[.[].customer | select(.tier)] |
	    all(if .tier == "normal" then .annual_spend < 10000
	        elif .tier == "vip" then .annual_spend >= 10000 and .annual_spend < 50000
	        else .annual_spend >= 50000 end)' out.rec
	# about 1% of customers need accessibility
	run -0 jq -e -s '[.[].customer | select(.flags) | .flags[]] | length > 0 and
	    all(. == "accessibility")' out.rec
}

@test "json: one pretty-printed array of the ndjson objects" {
	gen out.json -s 9 -n 400 -f json
	gen out.ndjson -s 9 -n 400 -f ndjson
	run -0 jq -e 'type == "array"' out.json
	head -c 5 out.json | grep -q '^\[$' || fail "does not start with [ on its own line"
	grep -q '^    "content": ' out.json || fail "not indented by two spaces"
	jq -c '.[]' out.json > elems
	jq -c . out.ndjson > want
	cmp elems want
}

@test "csv: BOM, CRLF, the Chinese header, local times, quoted commas, quotes and newlines" {
	gen out.csv -s 2 -n 2000 -f csv
	assert_equal "$(head -c 3 out.csv | od -An -tx1 | tr -d ' ')" efbbbf
	python3 - out.csv <<'EOF'
import csv, re, sys
raw = open(sys.argv[1], 'rb').read()
# every record ends in CRLF; bare LF only inside quoted fields
assert raw.endswith(b'\r\n')
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
body = rows[1:]
assert all(re.fullmatch(r'2026/1[01]/[0-9]{2} [0-9]{2}:[0-9]{2}', r[1]) for r in body)
assert {r[10] for r in body} <= {'APP', '网站', '小程序', '邮件', '电话', '在线客服', '微博', '抖音', '评价'}
assert all(r[11] in ('', '1', '2', '3', '4', '5') for r in body)
texts = [r[12] for r in body]
assert any(',' in t for t in texts), 'no comma in a field'
assert any('"' in t for t in texts), 'no quote in a field'
assert any('\n' in t for t in texts), 'no line break in a field'
# records are joined by CRLF: the unquoted line ends are all CRLF
assert raw.count(b'\r\n') == len(rows)
EOF
}

@test "csv --encoding gb18030: no BOM, CRLF, iconv decodes it to the UTF-8 export" {
	gen gb.csv -s 2 -n 1500 -f csv --encoding gb18030
	gen utf.csv -s 2 -n 1500 -f csv
	[[ $(head -c 3 gb.csv | od -An -tx1 | tr -d ' ') != efbbbf ]] ||
	    fail "starts with a UTF-8 BOM"
	run -0 iconv -f GB18030 -t UTF-8 -o dec.csv gb.csv
	# not UTF-8 as it stands: it really is GB18030
	run ! iconv -f UTF-8 -t UTF-8 -o /dev/null gb.csv
	tail -c +4 utf.csv > want.csv
	cmp dec.csv want.csv
	[[ $(head -n 1 gb.csv | tail -c 2 | od -An -tx1 | tr -d ' ') == 0d0a ]] ||
	    fail "the header line does not end in CRLF"
	assert_equal "$(csv_rows gb.csv gb18030 comma)" 1500
}

@test "tsv: tab-separated, the same header, LF lines; with gb18030 CRLF" {
	gen out.tsv -s 2 -n 800 -f tsv
	head -n 1 out.tsv | grep -q $'^反馈编号\t提交时间\t' || fail "header: $(head -n 1 out.tsv)"
	grep -q $'\r' out.tsv && fail "CR in a UTF-8 TSV"
	assert_equal "$(csv_rows out.tsv utf-8 tab)" 800
	gen gb.tsv -s 2 -n 800 -f tsv --encoding gb18030
	iconv -f GB18030 -t UTF-8 gb.tsv | tr -d '\r' > dec.tsv
	cmp dec.tsv out.tsv
}

@test "mbox: headers, encoded subjects, the four body forms, attachments; Python reads it" {
	gen out.mbox -s 6 -n 400 -f mbox
	grep -q '^Subject: =?UTF-8?B?' out.mbox || fail "no base64 UTF-8 subject"
	grep -q '^Subject: =?gb18030?B?' out.mbox || fail "no base64 GB18030 subject"
	grep -q '^Subject: =?UTF-8?Q?' out.mbox || fail "no quoted-printable subject"
	python3 - out.mbox <<'EOF'
import mailbox, sys, re
from email.header import decode_header, make_header
forms, ids, n, images = set(), set(), 0, 0
for m in mailbox.mbox(sys.argv[1]):
    n += 1
    for h in ('From', 'To', 'Date', 'Subject', 'Message-ID'):
        assert m[h], (n, h)
    assert re.fullmatch(r'[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} 2026 [0-9:]{8} \+0800', m['Date']), m['Date']
    ids.add(m['Message-ID'])
    subject = str(make_header(decode_header(m['Subject'])))
    assert subject and '=?' not in subject, subject
    body = None
    for part in m.walk():
        ct = part.get_content_type()
        if ct == 'image/jpeg':
            images += 1
            data = part.get_payload(decode=True)
            assert data[:3] == b'\xff\xd8\xff' and data[-2:] == b'\xff\xd9'
        elif ct.startswith('multipart/'):
            forms.add(ct)
        elif ct in ('text/plain', 'text/html'):
            forms.add((ct, part['Content-Transfer-Encoding'], part.get_content_charset()))
            text = part.get_payload(decode=True).decode(part.get_content_charset())
            if ct == 'text/plain' and body is None:
                body = text
    assert body and body.strip(), n
assert len(ids) == n
for want in [('text/plain', '8bit', 'utf-8'), ('text/plain', 'quoted-printable', 'utf-8'),
             ('text/plain', 'base64', 'utf-8'), ('text/html', 'quoted-printable', 'utf-8'),
             'multipart/alternative', 'multipart/mixed']:
    assert want in forms, (want, forms)
assert ('text/plain', 'base64', 'gbk') in forms or ('text/plain', 'base64', 'gb18030') in forms, forms
assert images > 0
EOF
}

@test "mbox: a body line starting with 'From ' never splits a message" {
	gen out.mbox -s 6 -n 2000 -f mbox
	# mboxrd: every "From " line is a separator followed by headers
	awk '/^From / { getline nxt; if (nxt !~ /^From: /) bad++ } END { exit bad > 0 }' out.mbox
	assert_equal "$(mbox_count out.mbox)" 2000
}

@test "text: one item per line; about 80% Chinese; emoji, phone numbers and e-mails for --redact" {
	gen out.text -s 8 -n 4000 -f text
	gen out.rec -s 8 -n 4000 -f record
	jq -r .text out.rec > want
	cmp out.text want
	run -0 jq -e -s '([.[] | select(.lang == "zh")] | length) / length |
	    . > 0.7 and . < 0.9' out.rec
	python3 -c 'import re, sys; sys.exit(not re.search("[\U0001F300-\U0001FAFF]", open(sys.argv[1], encoding="utf-8").read()))' out.text ||
	    fail "no emoji"
	grep -qP '1[3-9][0-9]{9}' out.text || fail "no mobile number"
	grep -qP '[a-z0-9.]+@[a-z0-9]+\.[a-z]+' out.text || fail "no e-mail address"
	grep -q '0[0-9]\{2,3\}-[2-8][0-9]\{6,7\}' out.text || fail "no landline number"
	# mixed feedback: a complaint with praise, 3 stars
	run -0 jq -e -s 'any(.rating == 3) and any(.rating == 1) and any(.rating == 5)' out.rec
	# texts vary: over 1000 different ones among 4000
	(($(sort -u out.text | wc -l) > 1000)) || fail "$(sort -u out.text | wc -l) distinct texts"
}

@test "times: the span, a daily rhythm (busy 10-12 and 20-23) and busier weekends" {
	# 2026-11-02 is a Monday: four whole weeks, China time
	gen out.rec -s 3 -n 20000 -f record --incidents none \
	    --since 2026-11-01T16:00:00Z --days 28
	jq -r .ts out.rec | python3 -c '
import sys, datetime
hours, days = [0] * 24, [0] * 7
for l in sys.stdin:
    t = datetime.datetime.fromisoformat(l.strip().replace("Z", "+00:00"))
    assert "2026-11-01T16:00:00+00:00" <= t.isoformat() < "2026-11-29T16:00:00+00:00", t
    t += datetime.timedelta(hours=8)
    hours[t.hour] += 1
    days[t.weekday()] += 1
peak = sum(hours[h] for h in (10, 11, 20, 21, 22))
night = sum(hours[h] for h in (2, 3, 4, 5, 6))
assert peak > 5 * night, (peak, night)
assert hours[11] > hours[15] and hours[21] > hours[17], hours
weekend, midweek = days[5] + days[6], days[1] + days[2]
assert weekend > 1.1 * midweek, days
'
}

# ---------------------------------------------------------------- incidents

@test "--truth lists the planted incidents: all by default, those asked for, none" {
	gen out -s 11 -n 5000 --truth all.truth
	assert_equal "$(jq -r .incident all.truth | uniq | tr '\n' ' ')" \
	    "sku surge burst growth repeat "
	gen out -s 11 -n 5000 --truth some.truth --incidents burst,sku
	assert_equal "$(jq -r .incident some.truth | tr '\n' ' ')" "sku burst "
	# an incident is planted the same way whatever else is
	assert_equal "$(jq -c 'select(.incident == "sku")' some.truth)" \
	    "$(jq -c 'select(.incident == "sku")' all.truth)"
	gen out -s 11 -n 5000 --truth none.truth --incidents none
	[[ ! -s none.truth ]] || fail "none planted: $(cat none.truth)"
	run -0 jq -e -s 'all(.count > 0) and
	    (map(select(.incident == "repeat")) | length) >= 3 and
	    all(.[] | select(.since); .since < .until or .incident == "repeat")' all.truth
}

@test "sku: the planted SKU has the count said, mostly 1-2 stars, and far more than the rest" {
	gen out.rec -s 12 -n 6000 -f record --truth t
	jq -c 'select(.incident == "sku")' t > sku.truth
	run -0 jq -e '.count >= 20 and .negative_rate >= 0.6' sku.truth
	run -0 jq -e -s --slurpfile t sku.truth '
	    $t[0] as $s |
	    [.[] | select(.sku == $s.sku)] as $mine |
	    [.[] | select(.sku != $s.sku and .rating)] as $rest |
	    ($mine | length) == $s.count and
	    all($mine[]; .product_category == $s.product_category and .rating) and
	    ([$mine[] | select(.rating <= 2)] | length) == $s.negative and
	    ([$mine[] | select(.rating <= 2)] | length) / ($mine | length) > 0.5 and
	    ([$rest[] | select(.rating <= 2)] | length) / ($rest | length) < 0.5' out.rec
}

@test "surge: the city's items in the window reach the count, far above its usual rate" {
	gen out.rec -s 13 -n 6000 -f record --truth t
	jq -c 'select(.incident == "surge")' t > surge.truth
	run -0 jq -e '.category == "logistics" and .count >= 20' surge.truth
	run -0 jq -e -s --slurpfile t surge.truth '
	    $t[0] as $s |
	    [.[] | select(.region.city == $s.city)] as $city |
	    [$city[] | select(.ts >= $s.since and .ts < $s.until)] as $in |
	    ($in | length) >= $s.count and
	    # the window is 1.5 of 30 days: without a surge it would hold ~5%
	    ($in | length) > 0.3 * ($city | length)' out.rec
}

@test "burst: near-identical complaints on one social channel within the hour" {
	gen out.rec -s 14 -n 6000 -f record --truth t
	jq -c 'select(.incident == "burst")' t > burst.truth
	run -0 jq -e '.channel | IN("weibo", "douyin")' burst.truth
	run -0 jq -e -s --slurpfile t burst.truth '
	    $t[0] as $b |
	    ($b.text | .[4:-4]) as $core |
	    [.[] | select(.channel == $b.channel and .ts >= $b.since and
	        .ts < $b.until and (.text | contains($core)))] as $copies |
	    ($copies | length) == $b.count and
	    ([$copies[].customer.id] | unique | length) > ($b.count * 0.8) and
	    ([$copies[].text] | unique | length) > 1 and
	    any($copies[]; .text == $b.text)' out.rec
	run -0 jq -e '((.until | fromdate) - (.since | fromdate)) == 3600' burst.truth
}

@test "repeat: each complainer appears count times about one order, days apart" {
	gen out.rec -s 15 -n 8000 -f record --truth t
	jq -c 'select(.incident == "repeat")' t > rep.truth
	(($(lines rep.truth) >= 3)) || fail "$(lines rep.truth) repeat complainers"
	while read -r line; do
		run -0 jq -e -s --argjson r "$line" '
		    [.[] | select(.customer.id == $r.customer)] as $mine |
		    ($mine | length) == $r.count and
		    all($mine[]; .order_id == $r.order_id and .rating != 3) and
		    ($mine[0].ts < $mine[-1].ts)' out.rec
	done < rep.truth
}

@test "growth: with --days 90 the planted tag grows month over month" {
	local s tag
	# find a seed that grows app crashes, whose words are easy to spot
	for s in 1 2 3 4 5 6 7 8 9 10; do
		fb-gen -s $s -n 30000 --days 90 -f text --incidents growth \
		    --truth t > /dev/null
		tag=$(jq -r .tag t)
		[[ $tag == platform/crash ]] && break
	done
	assert_equal "$tag" platform/crash
	run -0 jq -e '.monthly_growth == 0.15 and .months == 3' t
	gen out.rec -s $s -n 30000 --days 90 -f record --incidents growth
	jq -r 'select(.text | test("闪退|崩溃|崩了|白屏|crash|blank white")) |
	    .ts[0:7]' out.rec | sort | uniq -c | awk '{ print $1 }' > months
	assert_equal "$(lines months)" 3
	mapfile -t m < months
	((m[0] < m[1] && m[1] < m[2])) || fail "monthly counts ${m[*]}"
	((m[2] * 100 > m[0] * 120)) || fail "monthly counts ${m[*]}: too little growth"
	# shorter spans rise as much over the span
	fb-gen -n 3000 --days 30 --incidents growth --truth t30 > /dev/null
	run -0 jq -e '.monthly_growth > 0.5 and .months == 1 and
	    .total_growth == 0.521' t30
	# long spans rise over their last six months, flat before
	fb-gen -n 3000 --days 400 --incidents growth --truth t400 > /dev/null
	run -0 jq -e '.monthly_growth == 0.15 and .months == 6 and
	    ((.until | fromdate) - (.since | fromdate)) == 180 * 86400' t400
}

@test "small counts plant smaller incidents or none, still exactly --count items" {
	local n
	for n in 1 10 100 399; do
		run -0 --separate-stderr to_file out fb-gen -n $n --truth t
		assert_equal "$(lines out)" $n
		run -0 jq -e -s 'map(.count) | add // 0 | . <= '"$n"' / 4' t
	done
}

# ------------------------------------------------------------------ memory

@test "constant memory: peak RSS for 200,000 items within a few MB of 2,000" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	local f big small
	for f in ndjson mbox; do
		/usr/bin/time -f %M -o rss.big fb-gen -n 200000 -f $f > /dev/null
		/usr/bin/time -f %M -o rss.small fb-gen -n 2000 -f $f > /dev/null
		big=$(tail -n 1 rss.big)
		small=$(tail -n 1 rss.small)
		echo "# $f: peak RSS $big KB for 200000 items, $small KB for 2000" >&3
		((big - small < RSS_SLACK_KB)) ||
		    errs+=("$f: peak RSS $big KB for 200000 items vs $small KB for 2000")
	done
	fail_if_errors
}

# ------------------------------------------------------------------- errors

@test "bad options and values: a message, exit 2, nothing on stdout" {
	local -a cases=(
		"-f bogus|unknown format 'bogus'"
		"--format XML|unknown format 'XML'"
		"-n -1|invalid number '-1' for --count"
		"-n lots|invalid number 'lots' for --count"
		"-s x|invalid number 'x' for --seed"
		"--days 0|invalid number '0' for --days"
		"--days 4000|invalid number '4000' for --days"
		"--incidents sku,fire|unknown incident 'fire'"
		"--encoding latin1 -f csv|unknown encoding 'latin1'"
		"--encoding gb18030 -f ndjson|--encoding gb18030 applies only to csv and tsv"
		"--since yesterday|for --since"
		"extra|unexpected operand 'extra'"
		"--count|option '--count' needs an argument"
		"--bogus|unknown option '--bogus'"
	)
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086
		run --separate-stderr fb-gen $args
		((status == 2)) || errs+=("fb-gen $args: exit $status, want 2")
		[[ -z $output ]] || errs+=("fb-gen $args: stdout not empty")
		[[ ${stderr%%$'\n'*} == "fb-gen: "*"$want"* ]] ||
		    errs+=("fb-gen $args: stderr '${stderr%%$'\n'*}' lacks '$want'")
	done
	fail_if_errors
}

@test "--truth in a directory that does not exist: exit 2, said so" {
	run -2 --separate-stderr fb-gen -n 10 --truth nodir/t.ndjson
	assert_output ""
	[[ $stderr == "fb-gen: cannot open 'nodir/t.ndjson': No such file or directory" ]] ||
	    fail "stderr: $stderr"
}

@test "a write error on stdout is reported, exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	run -2 --separate-stderr bash -c 'fb-gen -n 100000 -f mbox > /dev/full'
	assert_output ""
	[[ $stderr == "fb-gen: write error: No space left on device" ]] ||
	    fail "stderr: $stderr"
}

@test "a closed pipe stops the generator, exit 2" {
	run bash -c 'fb-gen -n 1000000 2> err | head -n 1 > /dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 2
	[[ $(cat err) == "fb-gen: write error: Broken pipe" ]] || fail "stderr: $(cat err)"
}

@test "-v says how many items were written and planted" {
	run -0 --separate-stderr to_file out fb-gen -v -n 2000
	[[ ${stderr%%$'\n'*} =~ ^fb-gen:\ wrote\ 2000\ items\ \([0-9]+\ planted\)\ from\ 2026-10-01T00:00:00Z\ to\ 2026-10-31T00:00:00Z$ ]] ||
	    fail "stderr: $stderr"
	# then the summary every tool ends -v with
	[[ ${stderr#*$'\n'} =~ ^fb-gen:\ 2,000\ records\ written,\ [0-9.]+\ s$ ]] ||
	    fail "stderr: $stderr"
}

# ----------------------------------------------------------- man examples

@test "the EXAMPLES of fb-gen(1) run (smaller)" {
	fb-gen -n 500 -f csv --encoding gb18030 > calls.csv
	if command -v fb-ingest > /dev/null; then
		fb-ingest --encoding gb18030 --tz Asia/Shanghai calls.csv > recs
		head -1 recs > first
		run -0 jq -e '.channel and .ts and .text' first
	fi
	fb-gen -s 42 -n 2000 --days 90 -f mbox --truth truth.ndjson > inbox.mbox
	run -0 jq -e -s 'map(select(.incident == "growth")) | .[0].months == 3' \
	    truth.ndjson
	fb-gen -n 3000 -f record --incidents none | fb-store -s st append
	run -0 jq -e '.records == 3000' <(fb-store -s st stats)
	fb-gen -f record --truth t.ndjson > r.ndjson
	sku=$(jq -r 'select(.incident == "sku") | .sku' t.ndjson)
	jq -r --arg s "$sku" 'select(.sku == $s) | .rating' r.ndjson |
	    sort | uniq -c | sort -rn | head -1 > top
	[[ $(awk '{ print $2 }' top) == 1 ]] || fail "most common rating: $(cat top)"
}

# ------------------------------------------------------ fb-ingest reads it

@test "fb-ingest reads every format; from ndjson it makes the record format's records" {
	command -v fb-ingest > /dev/null || skip "no fb-ingest"
	local f n=500
	for f in ndjson json csv tsv mbox; do
		gen in.$f -s 21 -n $n -f "$f"
		run -0 --separate-stderr to_file out.$f fb-ingest --tz Asia/Shanghai in.$f
		[[ -z $stderr ]] || errs+=("$f: fb-ingest says: $stderr")
		[[ $(jq -c . out.$f | wc -l) == "$n" ]] ||
		    errs+=("$f: fb-ingest made $(jq -c . out.$f | wc -l) records of $n")
	done
	gen in.gb.csv -s 21 -n $n -f csv --encoding gb18030
	run -0 --separate-stderr to_file out.gb fb-ingest --tz Asia/Shanghai \
	    --encoding gb18030 -f csv in.gb.csv
	[[ $(lines out.gb) == "$n" ]] || errs+=("gb18030 csv: $(lines out.gb) records")
	fail_if_errors
	gen in.rec -s 21 -n $n -f record
	jq -c 'del(.source.file, .customer.flags)' in.rec > want
	jq -c 'del(.source.file) | with_entries(select(.key | IN("app_version",
	    "os", "agent", "duration_s", "reposts", "likes", "digg_count",
	    "user_tags", "from", "subject") | not))' out.ndjson > got
	cmp got want
}

# ------------------------------------------------ --events: lifecycle events

# life_check OUT [NOW]: check the lifecycle events in fb-gen --events
# output OUT, item by item, and print what was found as one JSON object.
# The events fb-gen wrote are the lines starting '{"type":"event","id":';
# events in the input must be written another way (key order) to tell
# them apart. NOW (RFC 3339) is the --now of the run.
life_check() {
	python3 - "$@" <<'EOF_PY'
import json, re, sys
from datetime import datetime

def t(s):
    return datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()

out = sys.argv[1]
now = t(sys.argv[2]) if len(sys.argv) > 2 else None
KINDS = {'assigned', 'first_response', 'response', 'customer_reply',
         'pending', 'resumed', 'resolved', 'reopened', 'closed', 'csat'}
NO_AGENT = {'customer_reply', 'pending', 'resumed', 'csat', 'closed'}
FIRST = {'P0': 900, 'P1': 3600, 'P2': 7200, 'P3': 86400}
TS = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z')
errs, items, cur = [], [], None

for n, line in enumerate(open(out, encoding='utf-8'), 1):
    o = json.loads(line)
    if line.startswith('{"type":"event","id":'):
        if cur is None or cur['skip']:
            errs.append('%d: an event after no item with an id and ts' % n)
            continue
        if o['id'] != cur['id']:
            errs.append('%d: id %r after item %r' % (n, o['id'], cur['id']))
        cur['ev'].append((n, o))
        continue
    cur = None
    if o.get('type') in (None, 'feedback'):
        ok = isinstance(o.get('id'), str) and isinstance(o.get('ts'), str)
        cur = {'id': o.get('id'), 'ts': t(o['ts']) if ok else None,
               'prio': o.get('priority'), 'ev': [], 'skip': not ok}
        items.append(cur)

st = dict(items=len(items), with_events=0, first_responses=0, late_first=0,
          reopened=0, closed=0, open=0, csat=0, pending=0, resumed=0,
          customer_reply=0, unclosed_resolved=0, kinds=[])
kinds = set()
for it in items:
    ev = it['ev']
    if not ev:
        continue
    st['with_events'] += 1
    agents, last, resolved, reopened_after = set(), it['ts'], None, False
    for n, o in ev:
        k = o.get('event')
        kinds.add(k)
        want = ['type', 'id', 'event', 'ts']
        if k not in NO_AGENT:
            want.append('agent')
        if k == 'csat':
            want += ['score', 'nps']
        if list(o) != want:
            errs.append('%d: keys %s, want %s' % (n, list(o), want))
        if k not in KINDS:
            errs.append('%d: unknown event %r' % (n, k))
        if not TS.fullmatch(o.get('ts', '')):
            errs.append('%d: ts %r' % (n, o.get('ts')))
            continue
        x = t(o['ts'])
        if x < last:
            errs.append('%d: %s at %s, before the one before' % (n, k, o['ts']))
        if now is not None and x > now:
            errs.append('%d: %s at %s, after now' % (n, k, o['ts']))
        last = x
        if 'agent' in o:
            agents.add(o['agent'])
            if not re.fullmatch(r'a(0[1-9]|[1-3][0-9]|40)', o['agent']):
                errs.append('%d: agent %r' % (n, o['agent']))
        if k == 'csat':
            st['csat'] += 1
            if o['score'] not in (1, 2, 3, 4, 5) or type(o['score']) is not int:
                errs.append('%d: score %r' % (n, o['score']))
            elif o['nps'] not in range(11) or type(o['nps']) is not int or \
                    abs(o['nps'] - 2.5 * (o['score'] - 1)) > 3.5:
                errs.append('%d: nps %r for score %r' % (n, o['nps'], o['score']))
        if k == 'first_response':
            st['first_responses'] += 1
            if x - it['ts'] > FIRST.get(it['prio'], 7200):
                st['late_first'] += 1
        if k == 'resolved':
            resolved, reopened_after = x, False
        if k == 'reopened':
            st['reopened'] += 1
            reopened_after = True
        if k in ('pending', 'resumed', 'customer_reply'):
            st[k] += 1
        if k == 'closed':
            st['closed'] += 1
            if resolved is None or x != resolved + 72 * 3600:
                errs.append('%d: closed not 72h after the last resolved' % n)
            if (n, o) != ev[-1]:
                errs.append('%d: events after closed' % n)
    if len(agents) > 1:
        errs.append('item %r: agents %s' % (it['id'], sorted(agents)))
    if ev[0][1]['event'] != 'assigned':
        errs.append('item %r: first event %s' % (it['id'], ev[0][1]['event']))
    if it['prio'] == 'P0' and t(ev[0][1]['ts']) - it['ts'] > 180:
        errs.append('item %r: P0 assigned after 3 minutes' % it['id'])
    if ev[-1][1]['event'] != 'closed':
        st['open'] += 1
        # auto-close: resolved (and not reopened) 72h before now
        if (now is not None and resolved is not None and not reopened_after
                and resolved <= now - 72 * 3600):
            st['unclosed_resolved'] += 1
            errs.append('item %r: resolved 72h before now, not closed' % it['id'])
st['kinds'] = sorted(kinds)
for e in errs[:20]:
    print(e, file=sys.stderr)
print(json.dumps(st))
sys.exit(1 if errs else 0)
EOF_PY
}

# gen_events OUT ARGS...: fb-gen --events ARGS > OUT, which must succeed
# with no stderr.
gen_events() {
	local f=$1
	shift
	run -0 --separate-stderr to_file "$f" fb-gen --events "$@"
	[[ -z $stderr ]] || fail "fb-gen --events $*: stderr: $stderr"
}

# strip_events FILE: FILE without the event lines fb-gen --events wrote.
strip_events() {
	grep -v '^{"type":"event","id":' "$1" || true
}

@test "--events: every input line comes out unchanged and in order, events only after items" {
	gen in.rec -s 31 -n 200 -f record --days 5
	# other records and odd but valid items among them, byte for byte
	{
		printf '%s\n' '{"id":"fb-x1","type":"event","event":"assigned","ts":"2026-10-02T00:00:00Z"}'
		head -n 50 in.rec
		printf '%s\n' '{ "type" : "alert" , "kind" : "surge", "n" : 123456789012345678901234567890 }'
		printf '%s\n' '{"ts":"2026-10-03T00:00:00.250Z","id":"x\u00e9\"q","type":"feedback","f":2116.18}'
		printf '%s\n' '{"id":"p","ts":"2026-10-03T08:00:00+08:00","type":null,"priority":"P0"}'
		tail -n +51 in.rec
		printf '%s\n' '{"id":"fb-x2","type":"event","event":"closed","ts":"2026-10-09T00:00:00Z"}'
	} > in.ndjson
	gen_events out.ndjson --now 2026-11-30T00:00:00Z in.ndjson
	strip_events out.ndjson > kept
	cmp kept in.ndjson
	(($(lines out.ndjson) > $(lines in.ndjson) + 4 * 202)) ||
	    fail "only $(($(lines out.ndjson) - $(lines in.ndjson))) events"
	run -0 life_check out.ndjson 2026-11-30T00:00:00Z
	run -0 jq -e '.items == 202 and .with_events == 202 and .closed == 202' <<< "$output"
	# the events come right after their item, with its id as it was written
	grep -A1 -F '"id":"x\u00e9\"q","type":"feedback"' out.ndjson | tail -n 1 |
	    grep -q '^{"type":"event","id":"x\\u00e9\\"q","event":"assigned","ts":"2026-10-03T00:0[0-9]:[0-9][0-9]\.250Z","agent":"a[0-9][0-9]"}$' ||
	    fail "after the escaped id: $(grep -A1 -F 'x\u00e9' out.ndjson)"
	# nothing after an alert or an event of the input
	grep -A1 -e '"type" : "alert"' -e '"id":"fb-x1"' out.ndjson | grep -q '^{"type":"event","id":' &&
	    fail "events after a record that is no item"
	true
}

@test "--events: each item's events are valid: known kinds, in time order, after the item, one agent, csat 1..5" {
	gen in.rec -s 32 -n 1500 -f record --days 20
	# priorities as fb-rank would set them, from the seconds of ts
	jq -c '.priority = ("P" + ((.ts[17:19] | tonumber) % 5 | tostring)) |
	    if .priority == "P4" then del(.priority) else . end' in.rec > in.ndjson
	gen_events out.ndjson -s 3 --now 2027-01-01T00:00:00Z in.ndjson
	run -0 life_check out.ndjson 2027-01-01T00:00:00Z
	echo "# $output" >&3
	run -0 jq -e '.items == 1500 and .with_events == 1500 and .closed == 1500 and
	    .open == 0 and .csat > 0 and .pending > 0 and .resumed > 0 and
	    .customer_reply > 0 and .reopened > 0 and
	    .late_first / .first_responses >= 0.03 and
	    .late_first / .first_responses <= 0.30 and
	    .kinds == ["assigned", "closed", "csat", "customer_reply",
	        "first_response", "pending", "reopened", "resolved", "response",
	        "resumed"]' <<< "$output"
	# all five csat scores, mostly high
	run -0 jq -e -s '[.[] | select(.event == "csat") | .score] as $s |
	    ($s | unique) == [1, 2, 3, 4, 5] and
	    ([$s[] | select(. >= 4)] | length) > ($s | length) / 2' out.ndjson
	# agents a01..a40, each item one of them, spread over many
	run -0 jq -e -s '[.[] | select(.agent) | .agent] | unique | length >= 35' out.ndjson
}

@test "--events: the same seed gives the same bytes, another seed other events" {
	gen in.rec -s 33 -n 500 -f record
	gen_events a --now 2026-11-15T00:00:00Z -s 9 in.rec
	gen_events b --now 2026-11-15T00:00:00Z -s 9 < in.rec
	cmp a b
	gen_events c --now 2026-11-15T00:00:00Z -s 10 in.rec
	cmp -s a c && fail "seeds 9 and 10 give the same bytes"
	strip_events c > kept
	cmp kept in.rec
	# the default seed is 1
	gen_events d --now 2026-11-15T00:00:00Z in.rec
	gen_events e --now 2026-11-15T00:00:00Z -s 1 in.rec
	cmp d e
	# no locale or zone in the output
	TZ=America/New_York LC_ALL=C.UTF-8 fb-gen --events -s 9 \
	    --now 2026-11-15T00:00:00Z in.rec > f
	cmp a f
}

@test "--events: an item gets the same events alone, in a bigger input or elsewhere in it" {
	gen in.rec -s 34 -n 400 -f record
	gen_events all --now 2026-12-01T00:00:00Z in.rec
	tac in.rec > rev.rec
	gen_events rev --now 2026-12-01T00:00:00Z rev.rec
	# each item's block of events, keyed by id
	blocks() {
		awk '/^{"type":"event","id":/ { print id "\t" $0; next }
		    { id = $0; sub(/^{"id":"/, "", id); sub(/".*/, "", id) }' "$1" |
		    sort -s -t "$(printf '\t')" -k1,1
	}
	blocks all > all.blocks
	blocks rev > rev.blocks
	cmp all.blocks rev.blocks
	local k id
	for k in 1 137 400; do
		sed -n "${k}p" in.rec > one.rec
		gen_events one --now 2026-12-01T00:00:00Z one.rec
		id=$(jq -r .id one.rec)
		grep -F "\"id\":\"$id\"" all > want
		cmp one want || errs+=("item $k ($id): alone it gets other events")
	done
	# a repeated item gets its events each time
	cat one.rec one.rec > two.rec
	gen_events two --now 2026-12-01T00:00:00Z two.rec
	cat one one > want
	cmp two want || errs+=("a repeated item gets other events the second time")
	fail_if_errors
}

@test "--events --now: nothing after now; inside the span the newest items are still open" {
	gen in.rec -s 35 -n 1000 -f record --days 30
	gen_events full --now 2027-06-01T00:00:00Z in.rec
	gen_events cut --now 2026-10-20T12:00:00Z in.rec
	run -0 life_check cut 2026-10-20T12:00:00Z
	run -0 jq -e '.items == 1000 and .with_events < .items and
	    .with_events > 400 and .open > 10 and .closed > 100' <<< "$output"
	# cutting at now only leaves events out: the rest is the full run's
	jq -c --arg now 2026-10-20T12:00:00Z '
	    def ms: (.[0:19] + "Z" | fromdate) * 1000 +
	        (if .[19:20] == "." then .[20:23] | tonumber else 0 end);
	    select(.type != "event" or (.ts | ms) <= ($now | ms))' full > want
	jq -c . cut > got
	cmp got want
	# items after now have no events at all
	run -0 jq -e -s '([.[] | select(.type == "event") | {key: .id, value: true}] |
	    from_entries) as $has |
	    [.[] | select(.type != "event" and .ts > "2026-10-21")] |
	    length > 100 and all(has("id") and ($has[.id] | not))' cut
	# without --now, now is the clock: long ago everything, in 2099 nothing
	mkrec old 2001-01-01T00:00:00Z > clock.ndjson
	mkrec new 2099-01-01T00:00:00Z >> clock.ndjson
	gen_events clock clock.ndjson
	run -0 jq -e -s '[.[] | select(.type == "event")] as $e |
	    ($e | map(.id) | unique) == ["old"] and
	    ($e | last | .event) == "closed"' clock
	# --now in --tz: local times read in the zone
	gen_events utc --now 2026-10-20T04:00:00Z in.rec
	gen_events local --tz Asia/Shanghai --now "2026-10-20 12:00" in.rec
	cmp utc local
}

@test "--events on 2,000 items: late first responses in a band, reopens, every old resolution closed" {
	fb-gen -n 2000 -f record | fb-gen --events --now 2026-10-25T00:00:00Z > out.ndjson
	run -0 life_check out.ndjson 2026-10-25T00:00:00Z
	echo "# $output" >&3
	local st=$output
	# no priority: the 2h target; the share late is about 12%
	run -0 jq -e '.first_responses > 1000 and
	    .late_first / .first_responses >= 0.03 and
	    .late_first / .first_responses <= 0.30' <<< "$st"
	run -0 jq -e '.reopened >= 1 and .unclosed_resolved == 0 and
	    .closed > 500 and .open > 100' <<< "$st"
	# about a quarter wait on the customer, three in ten give a score
	run -0 jq -e '.pending / .with_events > 0.15 and
	    .pending / .with_events < 0.35' <<< "$st"
	run -0 jq -e '.csat / .closed > 0.2 and .csat / .closed < 0.45' <<< "$st"
}

@test "--events: a bad line is reported as FILE:LINE, exit 1, the rest processed; --reject and --strict" {
	mkrec a 2026-10-01T00:00:00Z > in.ndjson
	printf '%s\n' '{"id":"b",' >> in.ndjson
	mkrec c 2026-10-02T00:00:00Z >> in.ndjson
	printf '%s\n' '[1,2]' >> in.ndjson
	mkrec d 2026-10-03T00:00:00Z >> in.ndjson
	run -1 --separate-stderr to_file out fb-gen --events --now 2027-01-01T00:00:00Z \
	    --reject bad in.ndjson
	[[ $stderr =~ ^fb-gen:\ in\.ndjson:2:\ invalid\ JSON\ at\ byte\ [0-9]+:\ .+$'\n'fb-gen:\ in\.ndjson:4:\ not\ a\ JSON\ object$ ]] ||
	    fail "stderr: $stderr"
	assert_equal "$(cat bad)" '{"id":"b",
[1,2]'
	assert_equal "$(jq -r 'select(.type == "event" and .event == "closed") | .id' out |
	    tr '\n' ' ')" "a c d "
	# standard input is <stdin>
	run -1 --separate-stderr to_file out2 fb-gen --events --now 2027-01-01T00:00:00Z < in.ndjson
	[[ $stderr == "fb-gen: <stdin>:2: "* ]] || fail "stderr: $stderr"
	cmp out out2
	# --strict stops at the first, exit 2
	run -2 --separate-stderr to_file out3 fb-gen --events --strict \
	    --now 2027-01-01T00:00:00Z in.ndjson
	assert_equal "$(jq -r 'select(.type != "event") | .id' out3)" a
	# gzip input is read as it is; an unreadable file is exit 2
	gzip -c in.ndjson > in.gz
	run -1 --separate-stderr to_file out4 fb-gen --events --now 2027-01-01T00:00:00Z in.gz
	cmp out out4
	run -2 --separate-stderr fb-gen --events nosuch.ndjson
	[[ $stderr == "fb-gen: "*"nosuch.ndjson"* ]] || fail "stderr: $stderr"
}

@test "--events: an item without a string id or a valid ts passes through with no events and a warning" {
	{
		printf '%s\n' '{"ts":"2026-10-01T00:00:00Z"}'
		printf '%s\n' '{"id":7,"ts":"2026-10-01T00:00:00Z"}'
		printf '%s\n' '{"id":"t1"}'
		printf '%s\n' '{"id":"t2","ts":"yesterday"}'
		printf '%s\n' '{"id":"t3","ts":1790000000}'
		mkrec ok 2026-10-01T00:00:00Z
	} > in.ndjson
	run -0 --separate-stderr to_file out fb-gen --events --now 2027-01-01T00:00:00Z in.ndjson
	assert_equal "$stderr" "fb-gen: warning: in.ndjson:1: field 'id' is missing; no events
fb-gen: warning: in.ndjson:2: field 'id' is not a string; no events
fb-gen: warning: in.ndjson:3: field 'ts' is missing; no events
fb-gen: warning: in.ndjson:4: field 'ts' is not a valid time; no events
fb-gen: warning: in.ndjson:5: field 'ts' is not a valid time; no events"
	strip_events out > kept
	cmp kept in.ndjson
	assert_equal "$(jq -r 'select(.type == "event") | .id' out | sort -u)" ok
	run -0 --separate-stderr to_file out2 fb-gen -q --events --now 2027-01-01T00:00:00Z in.ndjson
	assert_equal "$stderr" ""
	cmp out out2
}

@test "--events with generating options is a usage error, and input options without it" {
	local -a cases=(
		"--events -n 10|--count does not apply with --events"
		"-n 10 --events|--count does not apply with --events"
		"--events -f record|--format does not apply with --events"
		"--events --days 3|--days does not apply with --events"
		"--events --encoding utf-8|--encoding does not apply with --events"
		"--events --incidents none|--incidents does not apply with --events"
		"--events --since 2026-10-01|--since does not apply with --events"
		"--events --truth t|--truth does not apply with --events"
		"--reject r|--reject applies only with --events"
		"--strict|--strict applies only with --events"
		"--max-line 10k|--max-line applies only with --events"
		"--events --now never|for --now"
		"--events --tz Nowhere/City|for --tz"
	)
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086
		run --separate-stderr fb-gen $args < /dev/null
		((status == 2)) || errs+=("fb-gen $args: exit $status, want 2")
		[[ -z $output ]] || errs+=("fb-gen $args: stdout not empty")
		[[ ${stderr%%$'\n'*} == "fb-gen: "*"$want"* ]] ||
		    errs+=("fb-gen $args: stderr '${stderr%%$'\n'*}' lacks '$want'")
	done
	[[ ! -e t && ! -e r ]] || errs+=("a file was created")
	fail_if_errors
}

@test "--now and --tz leave --since meaning what it meant" {
	gen a -n 300 --since 2026-10-01T00:00:00Z
	gen b -n 300 --since 2026-10-01
	cmp a b
	gen c -n 300 --since 2026-10-08T00:00:00Z --now 2026-10-15T00:00:00Z
	gen d -n 300 --since -7d --now 2026-10-15T00:00:00Z
	cmp c d
	gen e -n 300 --since 2026-09-30T16:00:00Z
	gen f -n 300 --since 2026-10-01 --tz Asia/Shanghai
	cmp e f
	TZ=Asia/Shanghai fb-gen -n 300 --since 2026-10-01 > g
	cmp e g
}

@test "--events: -v says how many items were read and events written" {
	gen in.rec -n 100 -f record
	run -0 --separate-stderr to_file out fb-gen -v --events --now 2027-01-01T00:00:00Z in.rec
	assert_equal "${stderr%$'\n'*}" "fb-gen: reading in.rec
fb-gen: wrote $(($(lines out) - 100)) events for 100 items"
	assert_regex "${stderr##*$'\n'}" \
	    "^fb-gen: 1 file, 100 records read, $(lines out) written, 0 rejected, [0-9.]+ s\$"
}

@test "--events: a closed pipe stops it, exit 2" {
	gen in.rec -n 20000 -f record
	run bash -c 'fb-gen --events --now 2027-01-01T00:00:00Z in.rec 2> err |
	    head -n 1 > /dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 2
	[[ $(cat err) == "fb-gen: write error: Broken pipe" ]] || fail "stderr: $(cat err)"
}

@test "--events: constant memory, peak RSS for 100,000 items within a few MB of 2,000" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	local big small
	fb-gen -n 100000 -f record > big.rec
	head -n 2000 big.rec > small.rec
	/usr/bin/time -f %M -o rss.big fb-gen --events --now 2027-01-01T00:00:00Z \
	    big.rec > /dev/null
	/usr/bin/time -f %M -o rss.small fb-gen --events --now 2027-01-01T00:00:00Z \
	    small.rec > /dev/null
	big=$(tail -n 1 rss.big)
	small=$(tail -n 1 rss.small)
	echo "# --events: peak RSS $big KB for 100000 items, $small KB for 2000" >&3
	((big - small < RSS_SLACK_KB)) ||
	    fail "peak RSS $big KB for 100000 items vs $small KB for 2000"
}

@test "--events completes as a flag: bash, and fish when installed" {
	assert_equal "$(complete_bash fb-gen --ev)" --events
	# after it come files, not a value
	touch recs.ndjson
	assert_equal "$(complete_bash fb-gen --events rec)" recs.ndjson
	grep -q '^		(--events)$' "$FB_ROOT/completions/_fb" ||
	    fail "no --events entry in completions/_fb"
	if command -v fish > /dev/null; then
		run -0 fish -c "source '$FB_ROOT/completions/fb.fish'
		    complete -C 'fb-gen --ev'"
		[[ $output == --events$'\t'* ]] || fail "fish: $output"
	fi
}

@test "the --events EXAMPLE of fb-gen(1) runs" {
	fb-gen -n 1000 -f record | fb-gen --events --now 2026-10-31T00:00:00Z \
	    > demo.ndjson
	jq -r 'select(.type == "event") | .event' demo.ndjson | sort | uniq -c > kinds
	assert_equal "$(awk '{ print $2 }' kinds | tr '\n' ' ')" \
	    "assigned closed csat customer_reply first_response pending reopened resolved response resumed "
	run -0 life_check demo.ndjson 2026-10-31T00:00:00Z
	run -0 jq -e '.items == 1000 and .open > 0' <<< "$output"
}
