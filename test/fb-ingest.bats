#!/usr/bin/env bats
# fb-ingest.bats: every channel's export in, one record shape out
# (/tmp/fbspec/INGEST.md "fb-ingest", issue 3 "What it must show").
#
# The fixtures in test/fixtures/fb-ingest/ are copied into each test's
# directory, so source.file is the plain file name.  Records are compared
# without their id (a hash whose function is the tool's own business);
# ids are checked apart: their form, stability and uniqueness.
#
# The GB18030 CSV is not checked in: the tests make it from hotline.csv
# with iconv(1), the way a Chinese spreadsheet would save it (no BOM).

load helper

setup() {
	common_setup
	FX=$FB_FIXTURES/fb-ingest
	cp "$FX"/* .
	errs=()
}

# noid FILE: the records of FILE without their id, compact.
noid() {
	jq -c 'del(.id)' "$1"
}

# want_records FILE: the records of FILE (ids dropped) must be the lines
# of stdin, in order.
want_records() {
	local want got
	want=$(cat)
	got=$(noid "$1")
	assert_equal "$got" "$want"
}

# rec_ids FILE: the id of each record, in order.
rec_ids() {
	jq -r .id "$@"
}

# check_ids FILE: every record of FILE has an id "fb-" + 16 lowercase hex.
check_ids() {
	local bad
	bad=$(jq -r 'select((.id | type) != "string" or
	    (.id | test("^fb-[0-9a-f]{16}$") | not)) | .id' "$1")
	[[ -z $bad ]] || fail "ids not of the form fb-XXXXXXXXXXXXXXXX: $bad"
}

# gb_hotline: hotline.csv as a GB18030 spreadsheet export (no BOM, CRLF).
gb_hotline() {
	tail -c +4 hotline.csv | iconv -f UTF-8 -t GB18030 > hotline-gb.csv
}

ALL_FIXTURES=(hotline.csv calls.tsv app-export.ndjson fb-shape.ndjson
    reviews.json single.json complaint.eml support.mbox notes.txt)

#---- CSV and TSV

@test "csv: BOM, CRLF, Chinese headers, quoted commas, doubled quotes, newlines" {
	head -c 3 hotline.csv | od -An -tx1 | grep -q 'ef bb bf' ||
	    fail "fixture lost its BOM"
	grep -q $'\r$' hotline.csv || fail "fixture lost its CRLF"
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai hotline.csv
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-22T02:15:00Z","channel":"hotline","source":{"file":"hotline.csv","line":2,"ref":"HL-1001"},"customer":{"id":"U10001","tier":"黄金会员"},"order_id":"DD20261122000123","sku":"SKU-88231","product_category":"家电","region":{"province":"广东省","city":"深圳市","district":"南山区"},"text":"空调安装师傅迟到三个小时,打电话也不接","lang":"zh","rating":2,"extra":{"备注":"回访"}}
{"ts":"2026-11-22T03:40:05Z","channel":"hotline","source":{"file":"hotline.csv","line":3,"ref":"HL-1002"},"customer":{"id":"U10002","tier":"普通会员"},"order_id":"DD20261122000207","sku":"SKU-10017","product_category":"生鲜","region":{"province":"浙江省","city":"杭州市","district":"西湖区"},"text":"客户原话：\"包装很好,送得也快\"","lang":"zh","rating":4}
{"ts":"2026-11-22T06:03:00Z","channel":"hotline","source":{"file":"hotline.csv","line":4,"ref":"HL-1003"},"customer":{"id":"U10003","tier":"钻石会员"},"sku":"SKU-55001","product_category":"手机","region":{"province":"北京市","city":"北京市","district":"朝阳区"},"text":"第一行：屏幕有坏点 第二行：申请换货被拒绝 第三行：要求主管回电","lang":"zh","rating":1,"extra":{"备注":"加急"}}
{"ts":"2026-11-23T01:00:00Z","channel":"hotline","source":{"file":"hotline.csv","line":7,"ref":"HL-1004"},"customer":{"id":"U10001","tier":"黄金会员"},"order_id":"DD20261123000991","sku":"SKU-88231","product_category":"家电","region":{"province":"广东省","city":"深圳市","district":"南山区"},"text":"师傅后来上门处理好了， 谢谢","lang":"zh","rating":5}
EOF
}

@test "csv: a GB18030 export with multi-line quoted fields gives the same records" {
	gb_hotline
	# really GB18030: not UTF-8, and no U+FFFD anywhere after ingesting
	! iconv -f UTF-8 -t UTF-8 hotline-gb.csv > /dev/null 2>&1 ||
	    fail "hotline-gb.csv is valid UTF-8: iconv did not convert it"
	run -0 --separate-stderr to_file utf fb-ingest --tz Asia/Shanghai hotline.csv
	run -0 --separate-stderr to_file gb fb-ingest --tz Asia/Shanghai \
	    --encoding gb18030 hotline-gb.csv
	assert_equal "$stderr" ""
	assert_equal "$(jq -c 'del(.source.file)' gb)" "$(jq -c 'del(.source.file)' utf)"
	assert_equal "$(jq -r .source.file gb | sort -u)" "hotline-gb.csv"
	assert_equal "$(jq -r 'select(.source.ref == "HL-1003") | .text' gb)" \
	    "第一行：屏幕有坏点 第二行：申请换货被拒绝 第三行：要求主管回电"
	assert_equal "$(jq -r 'select(.source.ref == "HL-1002") | .text' gb)" \
	    '客户原话："包装很好,送得也快"'
	! grep -q $'\xef\xbf\xbd' gb || fail "U+FFFD in the output"
}

@test "csv: gbk and the encoding names are accepted; an unknown encoding is exit 2" {
	printf '编号,内容\nK1,发票没有寄到\n' | iconv -f UTF-8 -t GBK > k.csv
	run -0 --separate-stderr fb-ingest --encoding gbk k.csv
	assert_equal "$(jq -r .text <<< "$output")" "发票没有寄到"
	printf 'ref,content\nB1,商品與描述不符\n' | iconv -f UTF-8 -t BIG5 > b.csv
	run -0 --separate-stderr fb-ingest --encoding big5 b.csv
	assert_equal "$(jq -r .text <<< "$output")" "商品與描述不符"
	assert_equal "$(jq -r .source.ref <<< "$output")" "B1"
	run -2 --separate-stderr fb-ingest --encoding no-such-charset k.csv
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*no-such-charset* ]] || fail "stderr: $stderr"
}

@test "csv: an invalid GB18030 byte is reported with file:line and rejected, the rest kept" {
	# header 编号,内容 then rows; row 3 holds 0xff, never valid in GB18030
	printf '\xb1\xe0\xba\xc5,\xc4\xda\xc8\xdd\r\nG1,\xba\xc3\xc6\xc0\r\nG2,bad\xffbyte\r\nG3,\xb2\xee\xc6\xc0\r\n' > bad-gb.csv
	run -1 --separate-stderr to_file out fb-ingest --encoding gb18030 \
	    --reject rej bad-gb.csv
	assert_equal "$stderr" "fb-ingest: bad-gb.csv:3: invalid gb18030 at byte 7"
	assert_equal "$(jq -r '[.source.ref, .text] | @tsv' out)" $'G1\t好评\nG3\t差评'
	printf 'G2,bad\xffbyte\r\n' > want-rej
	cmp rej want-rej
}

@test "csv: GB18030 read as UTF-8 is rejected line by line, never mojibake" {
	gb_hotline
	run -1 --separate-stderr to_file out fb-ingest hotline-gb.csv
	[[ ! -s out ]] || fail "records came out of undecoded GB18030: $(cat out)"
	[[ $stderr == *"fb-ingest: hotline-gb.csv:1: invalid UTF-8"* ]] ||
	    fail "stderr: $stderr"
	# the first message says what to do, once
	assert_equal "$(grep -c -- '--encoding gb18030' <<< "$stderr")" 1
	[[ ${stderr%%$'\n'*} == *"(another charset? say which: --encoding gb18030)" ]] ||
	    fail "first line: ${stderr%%$'\n'*}"
}

@test "csv: a broken row is reported at its first line, kept byte for byte, good rows pass, exit 1" {
	run -1 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    --reject rej broken.csv
	printf '5\tre\tmalformed.*\n7\texact\trow has 3 fields, the header has 5\n' > diag
	check_diags fb-ingest broken.csv diag
	want_records out <<'EOF'
{"ts":"2026-11-20T00:00:00Z","channel":"other","source":{"file":"broken.csv","line":2,"ref":"B1"},"customer":{"id":"u1"},"text":"物流很快，包装完好","lang":"zh","rating":5}
{"ts":"2026-11-20T01:00:00Z","channel":"other","source":{"file":"broken.csv","line":3,"ref":"B2"},"customer":{"id":"u2"},"text":"多行的 内容也没有问题","lang":"zh","rating":4}
{"ts":"2026-11-20T03:00:00Z","channel":"other","source":{"file":"broken.csv","line":6,"ref":"B4"},"customer":{"id":"u4"},"text":"客服态度很好","lang":"zh","rating":5}
{"ts":"2026-11-20T05:00:00Z","channel":"other","source":{"file":"broken.csv","line":9,"ref":"B6"},"customer":{"id":"u6"},"text":"最后一行正常","lang":"zh","rating":4}
EOF
	sed -n '5p; 7,8p' broken.csv > want-rej
	cmp rej want-rej
}

@test "csv: the broken row of a CRLF file goes to --reject with its CRs" {
	sed 's/$/\r/' broken.csv > crlf.csv
	run -1 --separate-stderr to_file out fb-ingest --reject rej crlf.csv
	printf '5\tre\tmalformed.*\n7\texact\trow has 3 fields, the header has 5\n' > diag
	check_diags fb-ingest crlf.csv diag
	assert_equal "$(jq -r .source.ref out | paste -sd ' ')" "B1 B2 B4 B6"
	sed -n '5p; 7,8p' crlf.csv > want-rej
	cmp rej want-rej
}

@test "csv: a bad byte inside a multi-line quoted field rejects that whole row only" {
	# row A spans lines 2-5; its line 4 looks like a row of its own but is
	# inside the quotes, so it must not become an item, and B must survive
	printf '\xb1\xe0\xba\xc5,\xc4\xda\xc8\xdd\nA,"line1\nline\xff2\nX,looks like a row\n"\nB,ok\n' > ml.csv
	run -1 --separate-stderr to_file out fb-ingest --encoding gb18030 --reject rej ml.csv
	assert_equal "$(jq -r .source.ref out)" "B"
	[[ $stderr =~ ^fb-ingest:\ ml\.csv:[23]:\ invalid\ gb18030\ at\ byte\ [0-9]+$ ]] ||
	    fail "want one diagnostic for row A, got: $stderr"
	sed -n '2,5p' ml.csv > want-rej
	cmp rej want-rej
	# the same with UTF-8 input and a byte that is not UTF-8
	printf '编号,内容\nA,"第一行\n第二\xff行\nX,看起来像一行\n"\nB,好\n' > ml8.csv
	run -1 --separate-stderr to_file out fb-ingest --reject rej8 ml8.csv
	assert_equal "$(jq -r .source.ref out)" "B"
	[[ $stderr =~ ^fb-ingest:\ ml8\.csv:[23]:\ invalid\ UTF-8 ]] &&
	    [[ $stderr != *$'\n'* ]] || fail "want one diagnostic for row A, got: $stderr"
	sed -n '2,5p' ml8.csv > want-rej8
	cmp rej8 want-rej8
}

@test "csv: a quoted field still open at the end of the input is rejected" {
	printf '编号,内容\nQ1,正常\nQ2,"没有结束\n的引号\n' > open.csv
	run -1 --separate-stderr to_file out fb-ingest --reject rej open.csv
	assert_equal "$(jq -r .source.ref out)" "Q1"
	[[ $stderr == "fb-ingest: open.csv:3: "* ]] || fail "stderr: $stderr"
	printf 'Q2,"没有结束\n的引号\n' > want-rej
	cmp rej want-rej
}

@test "csv: --strict stops at the broken row, exit 2" {
	run -2 --separate-stderr to_file out fb-ingest --strict broken.csv
	assert_equal "$(jq -r .source.ref out | paste -sd ' ')" "B1 B2"
	[[ $stderr == "fb-ingest: broken.csv:5: malformed"* ]] || fail "stderr: $stderr"
	assert_equal "$(wc -l <<< "$stderr" | tr -d ' ')" 1
}

@test "csv: no text column in the header is exit 2 and suggests --map" {
	printf 'a,b\n1,2\n' > notext.csv
	run -2 --separate-stderr fb-ingest notext.csv
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*notext.csv*--map* ]] || fail "stderr: $stderr"
}

@test "tsv: tab-separated with a quoted field, extra columns" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai calls.tsv
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-21T10:20:00Z","channel":"other","source":{"file":"calls.tsv","line":2,"ref":"T-501"},"customer":{"id":"C-88"},"region":{"city":"成都市"},"text":"退款, 到现在还没有到账","lang":"zh","rating":1,"extra":{"agent":"a07"}}
{"ts":"2026-11-21T11:05:00Z","channel":"other","source":{"file":"calls.tsv","line":3,"ref":"T-502"},"customer":{"id":"C-89"},"region":{"city":"武汉市"},"text":"The courier was polite and on time","lang":"en","rating":5}
{"ts":"2026-11-22T04:00:00Z","channel":"other","source":{"file":"calls.tsv","line":4,"ref":"T-503"},"customer":{"id":"C-90"},"region":{"city":"西安市"},"text":"发票抬头开错了，需要重开","lang":"zh","rating":3,"extra":{"agent":"a11"}}
EOF
}

@test "csv: a column named id is the reference, not the customer" {
	printf 'id,user_id,text\nX-1,U-1,快递丢件了\n' > ids.csv
	run -0 --separate-stderr to_file out fb-ingest ids.csv
	assert_equal "$(jq -c '[.source.ref, .customer.id]' out)" '["X-1","U-1"]'
	# with another reference column, "id" must not become the customer
	printf '工单号,id,用户ID,内容\nW-1,row-7,U-2,退款慢\n' > ids2.csv
	run -0 --separate-stderr to_file out fb-ingest ids2.csv
	assert_equal "$(jq -c '[.source.ref, .customer.id]' out)" '["W-1","U-2"]'
}

#---- JSON and NDJSON

@test "ndjson: an export with English keys; other keys kept at top level" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai app-export.ndjson
	[[ $stderr =~ ^fb-ingest:\ warning:\ app-export\.ndjson:5:\ .*\'9\' ]] ||
	    fail "want a warning for rating 9 at line 5, got: $stderr"
	assert_equal "$(wc -l <<< "$stderr" | tr -d ' ')" 1
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-21T14:05:00Z","channel":"other","source":{"file":"app-export.ndjson","line":1,"ref":"R-9001"},"customer":{"id":"C-311"},"text":"The blender arrived with a cracked jar, please send a replacement.","lang":"en","rating":2,"platform":"ios","app_version":"5.2.1"}
{"ts":"2026-11-21T16:00:00Z","channel":"app","source":{"file":"app-export.ndjson","line":2,"ref":"R-9002"},"customer":{"id":"C-312"},"text":"界面 很清爽， 结账流程顺畅","lang":"zh","rating":5}
{"ts":"2026-11-22T03:00:00Z","channel":"other","source":{"file":"app-export.ndjson","line":3,"ref":"R-9003"},"customer":{"id":"C-313"},"region":{"city":"Chengdu"},"text":"Delivery was late again","lang":"en","rating":4,"attachments":{"images":2},"meta":{"os":"android","build":20261120}}
{"ts":"2026-11-22T01:30:00Z","channel":"other","source":{"file":"app-export.ndjson","line":5,"ref":"R-9004"},"customer":{"id":"C-314"},"region":{"province":"四川省"},"text":"退款一直没到账","lang":"zh"}
EOF
	# unknown members keep their bytes, not a re-serialisation
	grep -qF '"meta":{"os":"android","build":20261120}' out
}

@test "ndjson: records of fb's own shape keep their id, source and fields" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai fb-shape.ndjson
	assert_equal "$stderr" ""
	check_ids out
	head -n 1 fb-shape.ndjson > want1
	head -n 1 out > got1
	cmp got1 want1
	want_records out <<'EOF'
{"ts":"2026-11-20T03:00:00Z","channel":"app","source":{"file":"app-2026-11-20.ndjson","line":7,"ref":"A-77"},"customer":{"id":"C-9","tier":"gold","annual_spend":12800.5,"flags":["accessibility"]},"order_id":"O-1","sku":"SKU-1","product_category":"家电","region":{"province":"广东省","city":"广州市","district":"天河区"},"text":"冰箱噪音太大，晚上睡不着","lang":"zh","rating":2,"attachments":{"images":1,"videos":0},"tags":["product/quality"],"priority":"P2"}
{"ts":"2026-11-20T04:30:00Z","channel":"weibo","source":{"file":"fb-shape.ndjson","line":2},"customer":{"id":"wb_7781"},"region":{"city":"上海市"},"text":"快递员把包裹扔在门口就走了","lang":"zh","flags":["rate_limited"],"note":{"k":[1,2,3]}}
EOF
}

@test "ndjson: bad lines are reported and rejected as fb-ndjson(5) says" {
	printf '{"text":"good one","ts":"2026-11-22T00:00:00Z"}\n{"text":\n[1,2]\n{"text":"bad \xff byte"}\n{"text":"good two","ts":"2026-11-22T00:00:00Z"}\n' > bad.ndjson
	run -1 --separate-stderr to_file out fb-ingest --reject rej bad.ndjson
	printf '2\tre\tinvalid JSON at byte [0-9]+: .+\n3\texact\tnot a JSON object\n4\texact\tinvalid UTF-8 at byte 14\n' > diag
	check_diags fb-ingest bad.ndjson diag
	assert_equal "$(jq -r .text out | paste -sd '|')" "good one|good two"
	sed -n '2,4p' bad.ndjson > want-rej
	cmp rej want-rej
}

@test "json: a pretty-printed array: one record per element, at its first line" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai reviews.json
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-19T12:00:00Z","channel":"other","source":{"file":"reviews.json","line":2,"ref":"J-1"},"customer":{"id":"u-501"},"product_category":"数码","text":"耳机音质不错， 但是佩戴久了耳朵疼","lang":"zh","rating":4}
{"ts":"2026-11-19T13:15:00Z","channel":"other","source":{"file":"reviews.json","line":10,"ref":"J-2"},"customer":{"id":"u-502"},"sku":"SKU-7001","text":"Battery drains in two hours.","lang":"en","rating":1,"extra_note":{"returned":true}}
EOF
}

@test "json: a file holding one object" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai single.json
	assert_equal "$stderr" ""
	want_records out <<'EOF'
{"ts":"2026-11-18T08:00:00Z","channel":"web","source":{"file":"single.json","line":1,"ref":"W-42"},"customer":{"id":"C-4242"},"text":"网站结算页面一直转圈，无法下单","lang":"zh"}
EOF
}

@test "json: an array element that is not an object is rejected, the others kept" {
	printf '[\n  {"text": "第一条"},\n  42,\n  {"text": "第三条"}\n]\n' > mixed.json
	run -1 --separate-stderr to_file out fb-ingest --reject rej mixed.json
	assert_equal "$(jq -r .text out | paste -sd ' ')" "第一条 第三条"
	assert_equal "$(jq -r .source.line out | paste -sd ' ')" "2 4"
	[[ $stderr == "fb-ingest: mixed.json:3: "* ]] || fail "stderr: $stderr"
	assert_equal "$(cat rej)" "42"
}

#---- E-mail

@test "eml: encoded subject and sender, multipart/alternative plain part, QP body, an image" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai complaint.eml
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-22T02:15:00Z","channel":"email","source":{"file":"complaint.eml","line":1,"ref":"20261122101500.1234@example.com"},"customer":{"id":"li.wei@example.com"},"text":"订单 DD20261122000555 少发了一件 您好，我收到的包裹里少了一条数据线。 请尽快补发，谢谢！ 李伟","lang":"zh","attachments":{"images":1,"videos":0},"extra":{"subject":"订单 DD20261122000555 少发了一件","from_name":"李伟"}}
EOF
	! grep -q 'HTML' out || fail "the text/html part was used"
}

@test "mbox: GB2312 and UTF-8 encoded subjects, base64 GBK and QP bodies, >From, attachments" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai support.mbox
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-22T02:15:00Z","channel":"email","source":{"file":"support.mbox","line":1,"ref":"m1.20261122@example.cn"},"customer":{"id":"wang.fang@example.cn"},"text":"退货申请 买的电饭煲内胆有划痕，申请退货。 订单号 DD20261121000888。","lang":"zh","extra":{"subject":"退货申请","from_name":"王芳"}}
{"ts":"2026-11-22T03:00:00Z","channel":"email","source":{"file":"support.mbox","line":14,"ref":"m2.20261122@example.com"},"customer":{"id":"zhao.lei@example.com"},"text":"物流太慢 已经等了五天，包裹还在中转站没有动静。 From the tracking page it looks stuck.","lang":"zh","extra":{"subject":"物流太慢"}}
{"ts":"2026-11-22T04:30:00Z","channel":"email","source":{"file":"support.mbox","line":38,"ref":"m3.20261122@example.org"},"customer":{"id":"chen.jing@example.org"},"text":"Wrong size shipped I ordered size M but got XL. Please exchange it.","lang":"en","extra":{"subject":"Wrong size shipped","from_name":"Chen Jing"}}
{"ts":"2026-11-23T01:00:00Z","channel":"email","source":{"file":"support.mbox","line":59},"customer":{"id":"sun.li@example.net"},"text":"商品破损照片 收到的花瓶碎了，照片见附件。","lang":"zh","attachments":{"images":1,"videos":0},"extra":{"subject":"商品破损照片"}}
EOF
	! grep -q 'HTML part' out || fail "the text/html part was used"
	! grep -q '客服写道\|耐心等待' out || fail "quoted reply lines were kept"
}

@test "eml: an HTML-only message gives its text without tags" {
	printf 'From: Buyer <buyer@example.com>\nSubject: =?UTF-8?Q?=E5=B7=AE=E8=AF=84?=\nDate: 22 Nov 2026 10:15:00 +0800\nContent-Type: text/html; charset=utf-8\n\n<html><head><style>p{color:red}</style></head><body><p>Screen &amp; case <b>broken</b></p><br>换货</body></html>\n' > h.eml
	run -0 --separate-stderr to_file out fb-ingest h.eml
	assert_equal "$(jq -r .text out)" "差评 Screen & case broken 换货"
	assert_equal "$(jq -r .ts out)" "2026-11-22T02:15:00Z"
}

@test "eml: a body past U+10FFFF is rejected, not stored as invalid UTF-8 (fuzz_mail)" {
	# glibc's iconv passes F6 BC 90 91 from UTF-8 to UTF-8 unchanged.
	printf 'From: a@example.com\nContent-Type: text/html\n\n<p>ok \xf6\xbc\x90\x91</p>\n' > bad.eml
	run -1 --separate-stderr to_file out fb-ingest bad.eml
	assert_equal "$(wc -c < out)" 0
	[[ $stderr == *"bad.eml:1: cannot decode the body as 'us-ascii': invalid utf-8 at byte 7"* ]] ||
	    fail "stderr: $stderr"
}

@test "eml: --channel overrides email" {
	run -0 --separate-stderr to_file out fb-ingest -c chat complaint.eml
	assert_equal "$(jq -r .channel out)" "chat"
}

#---- Plain text

@test "text: one item per line, blank lines skipped, ts is --now" {
	run -0 --separate-stderr to_file out fb-ingest --now 2026-11-25T08:00:00Z notes.txt
	assert_equal "$stderr" ""
	check_ids out
	want_records out <<'EOF'
{"ts":"2026-11-25T08:00:00Z","channel":"other","source":{"file":"notes.txt","line":1},"text":"手机壳颜色和图片不一样","lang":"zh"}
{"ts":"2026-11-25T08:00:00Z","channel":"other","source":{"file":"notes.txt","line":3},"text":"The size chart is wrong, order one size up.","lang":"en"}
{"ts":"2026-11-25T08:00:00Z","channel":"other","source":{"file":"notes.txt","line":5},"text":"客服回复太慢了","lang":"zh"}
EOF
}

@test "text: --encoding gb18030 converts each line" {
	iconv -f UTF-8 -t GB18030 notes.txt > notes-gb.txt
	run -0 --separate-stderr to_file out fb-ingest -c weibo --encoding gb18030 \
	    --now 2026-11-25T08:00:00Z notes-gb.txt
	assert_equal "$(jq -r .text out | paste -sd '|')" \
	    "手机壳颜色和图片不一样|The size chart is wrong, order one size up.|客服回复太慢了"
	assert_equal "$(jq -r .channel out | sort -u)" "weibo"
}

#---- Format detection

@test "format: detected from the name: .ndjson .jsonl .json .csv .tsv .eml .mbox .txt" {
	local f
	cp app-export.ndjson a.jsonl
	for f in hotline.csv calls.tsv app-export.ndjson a.jsonl reviews.json \
	    complaint.eml support.mbox notes.txt; do
		run --separate-stderr to_file "out.$f" fb-ingest --tz Asia/Shanghai "$f"
		((status == 0)) || errs+=("$f: exit $status: $stderr")
		[[ -s out.$f ]] || errs+=("$f: no records")
	done
	fail_if_errors
	assert_equal "$(lines out.hotline.csv) $(lines out.calls.tsv) $(lines out.a.jsonl) $(lines out.reviews.json) $(lines out.support.mbox) $(lines out.notes.txt)" \
	    "4 3 4 2 4 3"
}

@test "format: detected from the content when the name says nothing" {
	local f base
	for f in hotline.csv calls.tsv app-export.ndjson reviews.json single.json \
	    complaint.eml support.mbox notes.txt; do
		base=${f%.*}
		cp "$f" "$base-export"
		fb-ingest --tz Asia/Shanghai --now 2026-11-25T00:00:00Z "$f" |
		    jq -c 'del(.source.file)' > want
		run --separate-stderr to_file got fb-ingest --tz Asia/Shanghai \
		    --now 2026-11-25T00:00:00Z "$base-export"
		((status == 0)) || errs+=("$base-export: exit $status: $stderr")
		[[ $(jq -c 'del(.source.file)' got) == "$(cat want)" ]] ||
		    errs+=("$base-export: not read as $f was")
	done
	fail_if_errors
}

@test "format: gzip input, named .gz or not, is read transparently" {
	local f
	for f in hotline.csv support.mbox app-export.ndjson reviews.json; do
		gzip -c "$f" > "$f.gz"
		gzip -c "$f" > "blob-${f%.*}"
		fb-ingest --tz Asia/Shanghai "$f" | jq -c 'del(.source.file)' > want
		run --separate-stderr to_file got1 fb-ingest --tz Asia/Shanghai "$f.gz"
		((status == 0)) || errs+=("$f.gz: exit $status: $stderr")
		[[ $(jq -c 'del(.source.file)' got1) == "$(cat want)" ]] ||
		    errs+=("$f.gz: not read as $f was")
		[[ $(jq -r .source.file got1 | sort -u) == "$f.gz" ]] ||
		    errs+=("$f.gz: source.file is not the name given")
		run --separate-stderr to_file got2 fb-ingest --tz Asia/Shanghai "blob-${f%.*}"
		((status == 0)) || errs+=("blob-${f%.*}: exit $status: $stderr")
		[[ $(jq -c 'del(.source.file)' got2) == "$(cat want)" ]] ||
		    errs+=("blob-${f%.*} (gzip $f): not read as $f was")
	done
	fail_if_errors
}

@test "format: -f overrides the name" {
	cp calls.tsv calls.txt
	cp notes.txt notes.csv
	fb-ingest --tz Asia/Shanghai calls.tsv | jq -c 'del(.source.file)' > want
	run -0 --separate-stderr to_file got fb-ingest --tz Asia/Shanghai -f tsv calls.txt
	assert_equal "$(jq -c 'del(.source.file)' got)" "$(cat want)"
	run -0 --separate-stderr to_file got fb-ingest --now 2026-11-25T00:00:00Z \
	    --format text notes.csv
	assert_equal "$(jq -r .text got | paste -sd '|')" \
	    "手机壳颜色和图片不一样|The size chart is wrong, order one size up.|客服回复太慢了"
	run -2 --separate-stderr fb-ingest -f xml notes.txt
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*xml* ]] || fail "stderr: $stderr"
}

@test "stdin: NDJSON by default, named <stdin>; - and -f csv work" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai < app-export.ndjson
	assert_equal "$(jq -r .source.file out | sort -u)" "<stdin>"
	assert_equal "$(jq -r .source.ref out | paste -sd ' ')" "R-9001 R-9002 R-9003 R-9004"
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai -f csv - < hotline.csv
	assert_equal "$(jq -r .source.file out | sort -u)" "<stdin>"
	fb-ingest --tz Asia/Shanghai hotline.csv | jq -c 'del(.source.file)' > want
	assert_equal "$(jq -c 'del(.source.file)' out)" "$(cat want)"
	run -0 --separate-stderr to_file out fb-ingest -f mbox < support.mbox
	assert_equal "$(lines out)" 4
}

#---- Field mapping

@test "map: --map names the columns of fields and overrides the recognised names" {
	printf '内容,通话摘要,时间,来电号码,工单\nignored text,坐席记录：客户要求退款,2026-11-22 10:15,13900001111,T-1\n' > m.csv
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    -m text=通话摘要,customer.id=来电号码 --map ref=工单 m.csv
	assert_equal "$stderr" ""
	want_records out <<'EOF'
{"ts":"2026-11-22T02:15:00Z","channel":"other","source":{"file":"m.csv","line":2,"ref":"T-1"},"customer":{"id":"13900001111"},"text":"坐席记录：客户要求退款","lang":"zh","extra":{"内容":"ignored text"}}
EOF
}

@test "map: JSON keys and dotted paths" {
	printf '%s\n' '{"payload":{"body":"下单后一直显示待发货","at":"2026-11-22 10:15"},"who":"V-7","star":"★★"}' > p.ndjson
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    --map text=payload.body,ts=payload.at,customer.id=who,rating=star p.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(jq -c '[.text, .ts, .customer.id, .rating]' out)" \
	    '["下单后一直显示待发货","2026-11-22T02:15:00Z","V-7",2]'
	assert_equal "$(jq -c 'has("who"), has("star")' out | paste -sd ' ')" "false false"
}

@test "map: an unknown field is a usage error, exit 2" {
	run -2 --separate-stderr fb-ingest --map colour=颜色 hotline.csv
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*colour* ]] || fail "stderr: $stderr"
	run -2 --separate-stderr fb-ingest -m text hotline.csv
	assert_equal "$output" ""
}

@test "map: a column missing from the CSV header is exit 2" {
	run -2 --separate-stderr fb-ingest --map text=通话摘要 hotline.csv
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*通话摘要* ]] || fail "stderr: $stderr"
}

@test "channel: the item's own channel with synonyms; --channel wins; an unknown one is exit 2" {
	local c
	for c in 微博 抖音 小程序 电话 热线 邮件 在线客服 客服 网站 APP 客户端 评价 weibo Web; do
		printf '{"channel":"%s","text":"渠道 %s","ts":"2026-11-22T00:00:00Z"}\n' "$c" "$c"
	done > ch.ndjson
	run -0 --separate-stderr to_file out fb-ingest ch.ndjson
	assert_equal "$(jq -r .channel out | paste -sd ' ')" \
	    "weibo douyin miniprogram hotline hotline email chat chat web app app review weibo web"
	run -0 --separate-stderr to_file out fb-ingest -c douyin ch.ndjson
	assert_equal "$(jq -r .channel out | sort -u)" "douyin"
	run -0 --separate-stderr to_file out fb-ingest --channel review ch.ndjson
	assert_equal "$(jq -r .channel out | sort -u)" "review"
	run -2 --separate-stderr fb-ingest -c fax ch.ndjson
	assert_equal "$output" ""
	[[ $stderr == "fb-ingest: "*fax* ]] || fail "stderr: $stderr"
}

#---- Normalisation

@test "ts: the input forms, local times read in --tz, written as UTC" {
	local -a forms=(
	    '2026/11/22 10:15'
	    '2026-11-22T10:15:00+08:00'
	    '2026-11-22 10:15:00'
	    '2026年11月22日 10:15'
	    '22 Nov 2026 10:15'
	    'Sun, 22 Nov 2026 10:15:00 +0800'
	    '1795313700'
	    '1795313700000'
	    '2026-11-22T02:15:00Z'
	)
	local f
	for f in "${forms[@]}"; do
		printf '{"ts":"%s","text":"at %s"}\n' "$f" "$f"
	done > t.ndjson
	printf '{"ts":1795313700,"text":"epoch as a number"}\n' >> t.ndjson
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai t.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(jq -r .ts out | sort -u)" "2026-11-22T02:15:00Z"
	assert_equal "$(lines out)" 10
	# dates without a time, and Excel serial days
	printf '%s\n' '{"ts":"2026.11.22","text":"a"}' '{"ts":"Nov 22 2026","text":"b"}' \
	    '{"ts":"46348.5","text":"c"}' > d.ndjson
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai d.ndjson
	assert_equal "$(jq -r .ts out | paste -sd ' ')" \
	    "2026-11-21T16:00:00Z 2026-11-21T16:00:00Z 2026-11-22T04:00:00Z"
	# another zone
	run -0 --separate-stderr to_file out fb-ingest --tz America/New_York d.ndjson
	assert_equal "$(jq -r .ts out | paste -sd ' ')" \
	    "2026-11-22T05:00:00Z 2026-11-22T05:00:00Z 2026-11-22T17:00:00Z"
}

@test "ts: \$TZ is the default zone, else Asia/Shanghai" {
	printf '{"ts":"2026-11-22 10:15","text":"x"}\n' > t.ndjson
	run -0 --separate-stderr env TZ=Asia/Tokyo fb-ingest t.ndjson
	assert_equal "$(jq -r .ts <<< "$output")" "2026-11-22T01:15:00Z"
	run -0 --separate-stderr env -u TZ fb-ingest t.ndjson
	assert_equal "$(jq -r .ts <<< "$output")" "2026-11-22T02:15:00Z"
	run -0 --separate-stderr env TZ=Asia/Tokyo fb-ingest --tz UTC t.ndjson
	assert_equal "$(jq -r .ts <<< "$output")" "2026-11-22T10:15:00Z"
}

@test "ts: a time that cannot be read is rejected with the item" {
	printf '%s\n' '{"ts":"2026-11-22 10:15","text":"ok"}' '{"ts":"yesterday-ish","text":"bad time"}' \
	    '{"ts":"2026-13-45 10:00","text":"no such day"}' > t.ndjson
	run -1 --separate-stderr to_file out fb-ingest --reject rej t.ndjson
	printf "2\texact\tcannot read time 'yesterday-ish'\n3\texact\tcannot read time '2026-13-45 10:00'\n" > diag
	check_diags fb-ingest t.ndjson diag
	assert_equal "$(jq -r .text out)" "ok"
	sed -n '2,3p' t.ndjson > want-rej
	cmp rej want-rej
	printf '编号,时间,内容\nA,2026-11-22,好\nB,明天,坏\n' > t.csv
	run -1 --separate-stderr to_file out fb-ingest --reject rej2 t.csv
	assert_equal "$stderr" "fb-ingest: t.csv:3: cannot read time '明天'"
	assert_equal "$(jq -r .source.ref out)" "A"
	printf 'B,明天,坏\n' > want-rej2
	cmp rej2 want-rej2
}

@test "text: controls, invisible characters and whitespace cleaned; lang detected" {
	printf '%s\n' \
	    '{"id":"1","text":"\u0007 发货\u200b太慢\u3000了\r\n\t真的 "}' \
	    '{"id":"2","text":"Great\u00a0phone,\u2028fast   delivery"}' \
	    '{"id":"3","text":"配送がとても遅かったです"}' \
	    '{"id":"4","text":"Доставка опоздала"}' \
	    '{"id":"5","text":"iPhone 15 的屏幕有划痕"}' \
	    '{"id":"6","text":"英文 given","lang":"en"}' > c.ndjson
	run -0 --separate-stderr to_file out fb-ingest --now 2026-11-25T00:00:00Z c.ndjson
	assert_equal "$(jq -r '[.text, .lang] | @tsv' out)" "$(printf '%s\t%s\n' \
	    '发货太慢 了 真的' zh 'Great phone, fast delivery' en \
	    '配送がとても遅かったです' other 'Доставка опоздала' other \
	    'iPhone 15 的屏幕有划痕' zh '英文 given' en)"
}

@test "text: items with no text are rejected" {
	printf '%s\n' '{"id":"a","text":"有内容"}' '{"id":"b","text":"  \u200b \t "}' \
	    '{"id":"c","rating":5}' '{"id":"d","text":""}' > n.ndjson
	run -1 --separate-stderr to_file out fb-ingest --reject rej n.ndjson
	printf '2\texact\tno text\n3\texact\tno text\n4\texact\tno text\n' > diag
	check_diags fb-ingest n.ndjson diag
	assert_equal "$(jq -r .source.ref out)" "a"
	sed -n '2,4p' n.ndjson > want-rej
	cmp rej want-rej
	printf '编号,内容\nA,好\nB,\nC,"  "\n' > n.csv
	run -1 --separate-stderr to_file out fb-ingest --reject rej2 n.csv
	printf '3\texact\tno text\n4\texact\tno text\n' > diag
	check_diags fb-ingest n.csv diag
	printf 'B,\nC,"  "\n' > want-rej2
	cmp rej2 want-rej2
}

@test "rating: 4, 4.0, ★★★★, 4星 are 4; out of range or words are left out with a warning" {
	printf '编号,评分,内容\nr1,4,a\nr2,4.0,b\nr3,★★★★,c\nr4,4星,d\nr5,9,e\nr6,很好,f\nr7,0,g\nr8,,h\nr9,1,i\n' > r.csv
	run -0 --separate-stderr to_file out fb-ingest r.csv
	assert_equal "$(jq -r '[.source.ref, (.rating // "none")] | @tsv' out)" "$(printf '%s\t%s\n' \
	    r1 4 r2 4 r3 4 r4 4 r5 none r6 none r7 none r8 none r9 1)"
	assert_equal "$(jq -r 'select(.rating) | .rating | type' out | sort -u)" "number"
	local -a w
	mapfile -t w <<< "$stderr"
	assert_equal "${#w[@]}" 3
	[[ ${w[0]} =~ ^fb-ingest:\ warning:\ r\.csv:6:\ .*\'9\' ]] || fail "warning: ${w[0]}"
	[[ ${w[1]} =~ ^fb-ingest:\ warning:\ r\.csv:7:\ .*很好 ]] || fail "warning: ${w[1]}"
	[[ ${w[2]} =~ ^fb-ingest:\ warning:\ r\.csv:8:\ .*\'0\' ]] || fail "warning: ${w[2]}"
	run -0 --separate-stderr fb-ingest -q r.csv
	assert_equal "$stderr" ""
}

#---- Identity and duplicates

@test "id: fb- and 16 hex digits, the same across runs and with another --now" {
	run -0 --separate-stderr to_file run1 fb-ingest --tz Asia/Shanghai \
	    --now 2026-11-25T00:00:00Z "${ALL_FIXTURES[@]}"
	run -0 --separate-stderr to_file run2 fb-ingest --tz Asia/Shanghai \
	    --now 2027-03-01T12:34:56Z "${ALL_FIXTURES[@]}"
	check_ids run1
	assert_equal "$(lines run1)" 24
	assert_equal "$(rec_ids run2)" "$(rec_ids run1)"
	# different items, different ids
	assert_equal "$(rec_ids run1 | sort -u | wc -l | tr -d ' ')" 24
}

@test "id: from channel and ref when there is one, else from channel, customer, time and text" {
	printf '%s\n' \
	    '{"ref":"A1","text":"one","ts":"2026-11-22T00:00:00Z"}' \
	    '{"ref":"A1","text":"one, edited later","ts":"2026-11-23T00:00:00Z"}' > ref1.ndjson
	printf '%s\n' '{"ref":"A1","text":"one","ts":"2026-11-22T00:00:00Z"}' > ref2.ndjson
	run -0 --separate-stderr to_file a fb-ingest -c app ref1.ndjson
	# the second line has the first one's ref: the same item, a duplicate
	assert_equal "$(lines a)" 1
	assert_equal "$stderr" "fb-ingest: dropped 1 duplicate items"
	run -0 --separate-stderr to_file b fb-ingest -c web ref2.ndjson
	[[ $(rec_ids a) != "$(rec_ids b)" ]] || fail "same ref in another channel gave the same id"
	printf '%s\n' \
	    '{"user_id":"u1","text":"same words","ts":"2026-11-22T00:00:00Z"}' \
	    '{"user_id":"u2","text":"same words","ts":"2026-11-22T00:00:00Z"}' \
	    '{"user_id":"u1","text":"same words","ts":"2026-11-22T00:00:01Z"}' \
	    '{"user_id":"u1","text":"other words","ts":"2026-11-22T00:00:00Z"}' > noref.ndjson
	run -0 --separate-stderr to_file c fb-ingest noref.ndjson
	assert_equal "$(lines c)" 4
	assert_equal "$(rec_ids c | sort -u | wc -l | tr -d ' ')" 4
	check_ids c
}

@test "id: an item without a ref keeps its id when --tz changes (ts as given)" {
	printf 'x,时间,用户,内容\n1,2026/11/22 10:15,u1,没有工单号的来电\n' > noref.csv
	run -0 --separate-stderr to_file a fb-ingest --tz Asia/Shanghai noref.csv
	run -0 --separate-stderr to_file b fb-ingest --tz UTC noref.csv
	[[ $(jq -r .source.ref a) == null ]] || fail "the fixture has a ref"
	assert_equal "$(rec_ids b)" "$(rec_ids a)"
}

@test "duplicates within a run are dropped and counted; -q keeps quiet" {
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    hotline.csv support.mbox hotline.csv support.mbox
	assert_equal "$(lines out)" 8
	assert_equal "$stderr" "fb-ingest: dropped 8 duplicate items"
	fb-ingest --tz Asia/Shanghai hotline.csv support.mbox > want
	cmp out want
	run -0 --separate-stderr to_file out fb-ingest -q hotline.csv hotline.csv
	assert_equal "$stderr" ""
	assert_equal "$(lines out)" 4
}

@test "--store: ingesting the same files twice adds nothing the second time" {
	local S=$BATS_TEST_TMPDIR/st n1 n2
	local files="hotline.csv calls.tsv app-export.ndjson reviews.json complaint.eml support.mbox"
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-ingest --tz Asia/Shanghai --store '$S' $files | fb-store -s '$S' append"
	n1=$(fb-store -s "$S" cat | wc -l)
	assert_equal "$n1" 18
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-ingest --tz Asia/Shanghai --store '$S' $files | fb-store -s '$S' append"
	assert_equal "$stderr" "fb-ingest: dropped 18 duplicate items"
	n2=$(fb-store -s "$S" cat | wc -l)
	assert_equal "$n2" "$n1"
	assert_equal "$(fb-store -s "$S" stats | jq .records)" 18
	# with a new file among the old ones, only the new items go in
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-ingest -q --tz Asia/Shanghai --store '$S' $files single.json |
	    fb-store -s '$S' append"
	assert_equal "$(fb-store -s "$S" cat | wc -l)" 19
	assert_equal "$(fb-store -s "$S" cat | rec_ids | sort | uniq -d)" ""
}

@test "--store: also after the open segment was sealed; a store not made yet is empty" {
	local S=$BATS_TEST_TMPDIR/st
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai --store "$S" hotline.csv
	assert_equal "$(lines out)" 4
	[[ ! -e $S ]] || fail "fb-ingest --store created the store"
	fb-store -s "$S" append < out
	fb-store -s "$S" rotate
	run -0 --separate-stderr to_file out2 fb-ingest --tz Asia/Shanghai --store "$S" hotline.csv
	assert_equal "$(lines out2)" 0
	assert_equal "$stderr" "fb-ingest: dropped 4 duplicate items"
}

@test "fb-store append --dedup also drops what fb-ingest sends twice" {
	local S=$BATS_TEST_TMPDIR/st
	fb-ingest --tz Asia/Shanghai hotline.csv support.mbox | fb-store -s "$S" append --dedup
	assert_equal "$(fb-store -s "$S" cat | wc -l)" 8
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-ingest --tz Asia/Shanghai hotline.csv support.mbox | fb-store -s '$S' append --dedup"
	assert_equal "$stderr" "fb-store: dropped 8 duplicate records"
	assert_equal "$(fb-store -s "$S" cat | wc -l)" 8
}

@test "re-ingesting fb-ingest's own output gives the same records" {
	run -0 --separate-stderr to_file first fb-ingest --tz Asia/Shanghai \
	    --now 2026-11-25T00:00:00Z "${ALL_FIXTURES[@]}"
	run -0 --separate-stderr to_file second fb-ingest --tz Asia/Tokyo \
	    --now 2027-01-01T00:00:00Z first
	assert_equal "$stderr" ""
	cmp second first
	# also through the store, and with the options that add to a record
	local S=$BATS_TEST_TMPDIR/st
	fb-ingest --tz Asia/Shanghai --redact --max-per-customer-day 1 \
	    "${ALL_FIXTURES[@]}" > third
	fb-store -s "$S" append < third
	fb-store -s "$S" cat | fb-ingest --redact --max-per-customer-day 1 > fourth
	assert_equal "$(jq -cS . fourth | sort)" "$(jq -cS . third | sort)"
}

#---- Redaction and abuse control

@test "--redact masks mobile, e-mail, ID card and bank card, keeping the last 4; order numbers stay" {
	printf '%s\n' \
	    '{"id":"P1","ts":"2026-11-22T00:00:00Z","text":"手机13800138000，邮箱 zhang.san@example.com，身份证11010519491231002X，卡号4111111111111111，订单号DD20261122000123 一直没发货"}' \
	    '{"id":"P2","ts":"2026-11-22T00:00:00Z","text":"call 138 0013 8000 or 010-62345678, card 4111 1111 1111 1111, order 20261122000123"}' > pii.ndjson
	run -0 --separate-stderr to_file out fb-ingest --redact pii.ndjson
	assert_equal "$(jq -r .text out)" "$(printf '%s\n' \
	    '手机*******8000，邮箱 *********@example.com，身份证**************002X，卡号************1111，订单号DD20261122000123 一直没发货' \
	    'call *** **** 8000 or ***-****5678, card **** **** **** 1111, order 20261122000123')"
	! grep -q '13800138000\|zhang.san\|11010519491231002X\|4111111111111111' out ||
	    fail "personal data left in the output"
	# without --redact the text is as written, and the ids are the same
	# (the ref decides them)
	run -0 --separate-stderr to_file plain fb-ingest pii.ndjson
	grep -q '13800138000' plain
	assert_equal "$(rec_ids plain)" "$(rec_ids out)"
}

@test "--redact: the id comes from the masked text, stable across runs" {
	printf '{"text":"我的电话13800138000","ts":"2026-11-22T00:00:00Z"}\n' > p.ndjson
	run -0 --separate-stderr to_file a fb-ingest --redact p.ndjson
	run -0 --separate-stderr to_file b fb-ingest --redact --now 2027-01-01T00:00:00Z p.ndjson
	assert_equal "$(rec_ids a)" "$(rec_ids b)"
	check_ids a
}

@test "--max-per-customer-day 2 flags the third item of a customer on one local day only" {
	printf '%s\n' \
	    '{"user_id":"u1","text":"a1","ts":"2026-11-22 09:00"}' \
	    '{"user_id":"u1","text":"a2","ts":"2026-11-22 12:00"}' \
	    '{"user_id":"u2","text":"b1","ts":"2026-11-22 12:00"}' \
	    '{"user_id":"u1","text":"a3","ts":"2026-11-22 23:59"}' \
	    '{"user_id":"u1","text":"a4","ts":"2026-11-23 00:30"}' \
	    '{"user_id":"u1","text":"a5","ts":"2026-11-22T23:50:00+08:00","flags":["vip"]}' \
	    '{"user_id":"u2","text":"b2","ts":"2026-11-22 13:00"}' \
	    '{"text":"anonymous","ts":"2026-11-22 13:00"}' > day.ndjson
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    --max-per-customer-day 2 day.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(jq -c '[.text, .flags]' out)" "$(printf '%s\n' \
	    '["a1",null]' '["a2",null]' '["b1",null]' '["a3",["rate_limited"]]' \
	    '["a4",null]' '["a5",["vip","rate_limited"]]' '["b2",null]' \
	    '["anonymous",null]')"
	# marked, not dropped
	assert_equal "$(lines out)" 8
	# the day is the day in --tz: 17:00Z is the 23rd in Shanghai, the 22nd in UTC
	printf '%s\n' \
	    '{"user_id":"u9","text":"z1","ts":"2026-11-22T10:00:00Z"}' \
	    '{"user_id":"u9","text":"z2","ts":"2026-11-22T12:00:00Z"}' \
	    '{"user_id":"u9","text":"z3","ts":"2026-11-22T17:00:00Z"}' > z.ndjson
	run -0 --separate-stderr to_file out fb-ingest --tz Asia/Shanghai \
	    --max-per-customer-day 2 z.ndjson
	assert_equal "$(jq -r 'select(.flags) | .text' out)" ""
	run -0 --separate-stderr to_file out fb-ingest --tz UTC \
	    --max-per-customer-day 2 z.ndjson
	assert_equal "$(jq -r 'select(.flags) | .text' out)" "z3"
	run -2 --separate-stderr fb-ingest --max-per-customer-day 0 day.ndjson
	run -2 --separate-stderr fb-ingest --max-per-customer-day many day.ndjson
}

#---- Errors and output

@test "a missing file is exit 2, the other files still read" {
	run -2 --separate-stderr to_file out fb-ingest --now 2026-11-25T00:00:00Z \
	    nope.csv notes.txt
	[[ $stderr == "fb-ingest: cannot open 'nope.csv'"* ]] || fail "stderr: $stderr"
	assert_equal "$(lines out)" 3
	local f
	for f in nope.ndjson nope.json nope.mbox nope.eml nope.txt nope; do
		run -2 --separate-stderr fb-ingest "$f"
		[[ $stderr == *"'$f'"* ]] || errs+=("$f: stderr: $stderr")
	done
	fail_if_errors
}

@test "a write error on stdout is exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	run -2 --separate-stderr bash -c 'fb-ingest --tz Asia/Shanghai hotline.csv support.mbox > /dev/full'
	assert_equal "$stderr" "fb-ingest: write error: No space left on device"
}

@test "--reject to a file that cannot be written is exit 2" {
	run -2 --separate-stderr fb-ingest --reject /nonexistent/dir/rej broken.csv
	[[ $stderr == *"/nonexistent/dir/rej"* ]] || fail "stderr: $stderr"
}

@test "--pretty indents the same records" {
	run -0 --separate-stderr to_file compact fb-ingest --tz Asia/Shanghai hotline.csv support.mbox
	run -0 --separate-stderr to_file pretty fb-ingest --pretty --tz Asia/Shanghai hotline.csv support.mbox
	(($(lines pretty) > 8 * 5)) || fail "not indented: $(head -3 pretty)"
	assert_equal "$(jq -c . pretty)" "$(cat compact)"
}

@test "-u flushes each record; the records are the same" {
	run -0 --separate-stderr to_file a fb-ingest -u --tz Asia/Shanghai hotline.csv
	run -0 --separate-stderr to_file b fb-ingest --tz Asia/Shanghai hotline.csv
	cmp a b
}

#---- The man page's examples

@test "man EXAMPLES: a GB18030 hotline export with --map into fb-store" {
	export TZ=Asia/Shanghai
	printf '来电日期,来电号码,通话摘要,坐席\r\n2026/11/22 09:05,13812345678,"客户反映冰箱不制冷,要求上门",\r\n2026/11/22 09:40,13987654321,"催促退款进度，""已经一周了""",a03\r\n' |
	    iconv -f UTF-8 -t GB18030 > calls.csv
	local S=$BATS_TEST_TMPDIR/st
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-ingest -c hotline --encoding gb18030 \
	      -m text=通话摘要,ts=来电日期,customer.id=来电号码 calls.csv |
	    fb-store -s '$S' append"
	assert_equal "$stderr" ""
	assert_equal "$(fb-store -s "$S" cat | jq -c '[.channel, .ts, .customer.id, .text, .extra]')" \
	    "$(printf '%s\n' \
	    '["hotline","2026-11-22T01:05:00Z","13812345678","客户反映冰箱不制冷,要求上门",null]' \
	    '["hotline","2026-11-22T01:40:00Z","13987654321","催促退款进度，\"已经一周了\"",{"坐席":"a03"}]')"
}

@test "man EXAMPLES: the complaints mailbox with --reject" {
	local n
	n=$(($(lines support.mbox) + 1))
	# a message with neither subject nor body: no text
	{ cat support.mbox; printf 'From nobody Mon Nov 23 10:00:00 2026\nFrom: nobody@example.com\nDate: Mon, 23 Nov 2026 10:00:00 +0800\n\n\n'; } > in.mbox
	run -1 --separate-stderr bash -c 'fb-ingest --reject bad-mail.txt in.mbox > mail.ndjson'
	assert_equal "$(lines mail.ndjson)" 4
	assert_equal "$stderr" "fb-ingest: in.mbox:$n: no text"
	{ tail -n +"$n" in.mbox; echo; } > want-rej
	cmp bad-mail.txt want-rej
}

@test "man EXAMPLES: hourly ingest into the store adds nothing the second time" {
	mkdir -p in
	cp hotline.csv calls.tsv in/
	gzip -c app-export.ndjson > in/app.ndjson.gz
	local S=$BATS_TEST_TMPDIR/srv-fb k
	for k in 1 2; do
		run -0 --separate-stderr bash -c "set -o pipefail
		    fb-ingest -q --store '$S' in/*.csv in/*.tsv in/*.ndjson.gz |
		    fb-store -s '$S' append --dedup"
		assert_equal "$stderr" ""
		assert_equal "$(fb-store -s "$S" stats | jq .records)" 11
	done
}

@test "man EXAMPLES: --redact and --max-per-customer-day 5 with jq" {
	local k
	for k in 1 2 3 4 5 6 7; do
		printf '{"user_id":"spam-1","ts":"2026-11-22 1%d:00","content":"返现 %d 请加 13800138000"}\n' "$k" "$k"
	done > app-export.ndjson
	run -0 --separate-stderr bash -c "fb-ingest --redact --max-per-customer-day 5 app-export.ndjson |
	    jq -c 'select(.flags) | {id, customer: .customer.id}'"
	assert_equal "$(wc -l <<< "$output" | tr -d ' ')" 2
	assert_equal "$(jq -r .customer <<< "$output" | sort -u)" "spam-1"
	run -0 --separate-stderr fb-ingest --redact app-export.ndjson
	! grep -q 13800138000 <<< "$output" || fail "not redacted"
}

@test "man EXAMPLES: one CSV row from printf, --pretty" {
	export TZ=Asia/Shanghai
	run -0 --separate-stderr bash -c "printf '内容,时间\n\"好评,发货快\",2026/11/22 10:15\n' |
	    fb-ingest -f csv --now 2026-11-22 --pretty"
	assert_equal "$(jq -c 'del(.id)' <<< "$output")" \
	    '{"ts":"2026-11-22T02:15:00Z","channel":"other","source":{"file":"<stdin>","line":2},"text":"好评,发货快","lang":"zh"}'
}

#---- Real data

@test "shared data: 2000 lines of zh-sentiment-dev as NDJSON, one record each, mostly zh" {
	local data=$FB_ROOT/../shared/data/zh-sentiment-dev.ndjson.gz zh
	[[ -r $data ]] || skip "../shared/data is absent"
	zcat "$data" | head -n 2000 > dev.ndjson
	run -0 --separate-stderr to_file out fb-ingest --now 2026-11-25T00:00:00Z dev.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(lines out)" 2000
	check_ids out
	assert_equal "$(jq -r .source.line out)" "$(seq 1 2000)"
	assert_equal "$(jq -r .source.ref out)" "$(jq -r .id dev.ndjson)"
	# fields the tool does not read stay as they were
	assert_equal "$(jq -c '[.product_cat, .label]' out)" "$(jq -c '[.product_cat, .label]' dev.ndjson)"
	assert_equal "$(jq -r .lang out | sort -u | grep -vx 'zh\|en\|other')" ""
	zh=$(jq -r 'select(.lang == "zh") | .id' out | wc -l)
	((zh >= 1900)) || fail "only $zh of 2000 records are zh"
}

@test "an input id that is neither fb's nor the ref goes to extra, never a second id key" {
	printf '%s\n' '{"id":"X-77","source":{"ref":"R-1"},"text":"物流太慢","ts":"2026-11-22T02:15:00Z"}' \
	    '{"id":"fb-0123456789ab","text":"kept id","ts":"2026-11-22T02:15:00Z"}' > in.ndjson
	run -0 --separate-stderr to_file out fb-ingest in.ndjson
	# jq --stream shows repeated keys that a plain parse would merge
	while IFS= read -r line; do
		run -0 bash -c "printf '%s\\n' \"\$1\" | jq -c --stream 'select(length == 2 and (.[0] | length) == 1) | .[0][0]' | sort | uniq -d" _ "$line"
		assert_output ""
	done < out
	assert_equal "$(sed -n 1p out | jq -r '[.source.ref, .extra.id] | @tsv')" $'R-1\tX-77'
	assert_equal "$(sed -n 2p out | jq -r .id)" "fb-0123456789ab"
}

@test "memory stays bounded on a long run: the duplicate set keeps two generations" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	local big=${FB_TEST_BIG_N:-1000000} small=100000 slack=$((24 * 1024))
	# ASan holds freed memory in quarantine (256 MB by default), which a
	# stage that frees per record fills; without it the peak is real.
	[[ -n ${FB_TEST_SANITIZE:-} ]] &&
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	fb-gen --seed 3 --count "$big" --format text > big.txt
	head -n "$small" big.txt > small.txt
	printf '%s\n' "$(head -n 1 big.txt)" >> big.txt	# a duplicate a million lines apart
	/usr/bin/time -f %M -o rss.big fb-ingest --now 2026-11-22T00:00:00Z big.txt > big.out
	/usr/bin/time -f %M -o rss.small fb-ingest --now 2026-11-22T00:00:00Z small.txt > small.out
	# line numbers tell identical lines of a text file apart: none dropped
	assert_equal "$(wc -l < big.out)" "$((big + 1))"
	local b s
	b=$(tail -n 1 rss.big)
	s=$(tail -n 1 rss.small)
	echo "# peak RSS: $b KB for $big lines, $s KB for $small" >&3
	((b - s < slack)) || fail "peak RSS $b KB for $big lines vs $s KB for $small"
}
