#!/usr/bin/env bats
# fb-tag.bats: tags, category, sentiment, emotion, lang and quality
# (/tmp/fbspec/TAGCLI.md "fb-tag", TAG.md 2, DESIGN.md 2-3).
#
# Two kinds of test live here.  Those about what the product promises
# ("没有破损" is not damage, an angry text is anger) use the shipped rules
# and models that bin/fb-tag finds in share/fb beside it, and assert only
# clear-cut outcomes, never exact scores, since the phrase lists are tuned
# and the models retrained.  Those about the engine (negation scope,
# degree, contrast, overrides, rule-file errors) run with FB_CONFIG_DIR
# pointing at a tiny rule set of their own ($ENGINE, made once per file in
# setup_file, with models trained there on test/fixtures/fb-train), so that
# editing the shipped lists cannot break them.

load helper

setup_file() {
	ENGINE=$BATS_FILE_TMPDIR/engine
	mkdir -p "$ENGINE"
	cat > "$ENGINE/lexicon.zh.rules" <<'EOF'
# engine tests: a few Chinese lexicon words whose behaviour the tests know
[positive]
好          1
满意        1.5
[negative]
差          1
糟糕        2
[negation]
不
没有
一点也不
[nonnegation]
不错
[degree]
非常        2
有点        0.5
[contrast]
但是
EOF
	cat > "$ENGINE/tags.zh.rules" <<'EOF'
# engine tests: Chinese tag phrases
[logistics/delay]
送得慢      2
慢          0.5     # alone it is not enough
晚到        1
[logistics/damaged]
破损        1.5
压坏        1
[logistics/lost]
丢件
[praise]
满意
[emotion/anxiety]
着急        1
担心        0.6
EOF
	cat > "$ENGINE/lexicon.en.rules" <<'EOF'
[positive]
good
great       2
[negative]
bad
awful       2
[negation]
not
no
never
*n't
[nonnegation]
not only
[degree]
very        2
slightly    0.5
[contrast]
but
EOF
	cat > "$ENGINE/tags.en.rules" <<'EOF'
[logistics/delay]
late
deliver*    0.5
[logistics/damaged]
damaged
*proof      -1
[product/defective]
broken
[emotion/anger]
furious
EOF
	FB_CONFIG_DIR=$ENGINE fb-train -q --lang zh --epochs 10 \
	    -o "$ENGINE/sentiment.zh.model" "$FB_FIXTURES/fb-train/zh.ndjson" > /dev/null
	FB_CONFIG_DIR=$ENGINE fb-train -q --lang en --epochs 10 \
	    -o "$ENGINE/sentiment.en.model" "$FB_FIXTURES/fb-train/en.ndjson" > /dev/null
	export ENGINE
}

# shipped_data: the tools find the shipped rules and models in share/fb
# beside their directory; the sanitizer build in build/san/bin has none
# there, so point FB_DATADIR (searched just before) at the source tree's.
shipped_data() {
	local dir
	dir=$(dirname "$(command -v fb-tag)")
	[[ -d $dir/../share/fb ]] || export FB_DATADIR=$FB_ROOT/share/fb
}

setup() {
	common_setup
	shipped_data
	errs=()
}

# engine: use the tiny rule set and the models trained on the fixtures.
engine() {
	export FB_CONFIG_DIR=$ENGINE
}

# rec TEXT: one compact record {"text": TEXT}.
rec() {
	jq -nc --arg t "$1" '{text: $t}'
}

# tagged TEXT [ARGS...]: the record fb-tag ARGS writes for TEXT.
tagged() {
	local t=$1
	shift
	rec "$t" | fb-tag "$@"
}

# tags_of TEXT [ARGS...]: the tags fb-tag gives TEXT, comma-separated.
tags_of() {
	tagged "$@" | jq -r '.tags | join(",")'
}

# want_tag TEXT TAG [ARGS...]: TEXT must get TAG (errors go to errs).
want_tag() {
	local t=$1 tag=$2 got
	shift 2
	got=$(tags_of "$t" "$@")
	[[ ,$got, == *,"$tag",* ]] || errs+=("'$t': tags '$got', want $tag")
}

# no_tag TEXT TAG [ARGS...]: TEXT must not get TAG.
no_tag() {
	local t=$1 tag=$2 got
	shift 2
	got=$(tags_of "$t" "$@")
	[[ -n $got && ,$got, != *,"$tag",* ]] ||
	    errs+=("'$t': tags '$got', must not have $tag")
}

# field TEXT FILTER [ARGS...]: jq -r FILTER of the record fb-tag writes.
field() {
	local t=$1 f=$2
	shift 2
	tagged "$t" "$@" | jq -r "$f"
}

# explained TEXT [ARGS...]: fb-tag --explain's report on TEXT.
explained() {
	local t=$1
	shift
	rec "$t" | fb-tag --explain "$@"
}

# top_keys: the top-level keys of the JSON object on stdin, one per
# member, repeated keys repeated (jq --stream sees what a parse merges).
top_keys() {
	jq -c --stream 'select((length == 2 and (.[0] | length) == 1) or
	    (length == 1 and (.[0] | length) == 2)) | .[0][0]' | tr -d '"'
}

#---- Command line

@test "--help: usage on stdout naming every option, exit 0" {
	run -0 --separate-stderr fb-tag --help
	assert_equal "$stderr" ""
	[[ ${lines[0]} == "usage: fb-tag "* ]] || fail "first line: ${lines[0]}"
	local opt
	for opt in --rules --model --explain --neutral --category-field --reject \
	    --strict --max-line --pretty; do
		[[ $output == *"$opt"* ]] || errs+=("--help does not mention $opt")
	done
	for opt in -r -m -e; do
		[[ $output == *" $opt, --"* ]] || errs+=("--help does not show $opt")
	done
	fail_if_errors
}

@test "--version prints 'fb-tag X.Y.Z', exit 0" {
	run -0 --separate-stderr fb-tag --version
	[[ $output =~ ^fb-tag\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "printed: $output"
	run -0 --separate-stderr fb-tag -V
	[[ $output =~ ^fb-tag\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "printed: $output"
}

@test "--list-options lists exactly fb-tag's long options" {
	run -0 --separate-stderr fb-tag --list-options
	assert_equal "$(sort <<< "$output")" "$(printf '%s\n' --category-field --explain \
	    --help --max-line --model --neutral --no-progress --pretty --progress \
	    --quiet --reject --rules --strict --unbuffered --verbose --version | sort)"
}

@test "the man page documents every option of --list-options" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	local man opt
	man_lacks_options fb-tag
	for opt in "RULE FILES" FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qx "$opt" <<< "$man" || errs+=("fb-tag.1 has no $opt section")
	done
	fail_if_errors
}

@test "bash completion: options, and files for -r, -m and their long forms" {
	mkdir c && cd c
	touch my.rules my.model
	assert_equal "$(complete_bash fb-tag --r)" "--reject --rules"
	assert_equal "$(complete_bash fb-tag --ex)" "--explain"
	local o
	for o in -r --rules -m --model --reject; do
		assert_equal "$(complete_bash fb-tag "$o" "")" "my.model my.rules"
	done
	assert_equal "$(complete_bash fb-tag --rules=my.r)" "my.rules"
	assert_equal "$(complete_bash fb-tag --neutral "")" ""
	assert_equal "$(complete_bash fb-tag --category-field "")" ""
	# an option's argument is not taken for a file to complete after it
	assert_equal "$(complete_bash fb-tag -e --neutral 0.2 -m my.model m)" "my.model my.rules"
	# fb-ingest's -m is still --map
	assert_equal "$(complete_bash fb-ingest -m "")" ""
}

@test "bad option values are exit 2 with nothing on stdout" {
	local -a bad=("--neutral 1" "--neutral -0.1" "--neutral abc" "--neutral ''"
	    "--bogus" "-r" "--model")
	local a
	for a in "${bad[@]}"; do
		eval "run --separate-stderr fb-tag $a < /dev/null"
		((status == 2)) || errs+=("fb-tag $a: exit $status, want 2")
		[[ -z $output ]] || errs+=("fb-tag $a: stdout: $output")
		[[ $stderr == fb-tag:* ]] || errs+=("fb-tag $a: stderr: $stderr")
	done
	fail_if_errors
}

#---- What the product promises (shipped rules and models)

@test "negation: 没有破损, 包装完好没有破损 and 一点也不慢 are no complaint" {
	no_tag "没有破损" logistics/damaged
	no_tag "包装完好没有破损" logistics/damaged
	no_tag "包装完好，没有破损，非常满意" logistics/damaged
	no_tag "一点也不慢" logistics/delay
	no_tag "送货一点也不慢，很满意" logistics/delay
	# and without the negator they are
	want_tag "包装破损了" logistics/damaged
	want_tag "送得太慢了" logistics/delay
	fail_if_errors
}

@test "negation in English: not damaged, no delay" {
	no_tag "The box was not damaged." logistics/damaged
	no_tag "Not damaged at all, thanks" logistics/damaged
	no_tag "There was no delay at all." logistics/delay
	want_tag "The box arrived damaged." logistics/damaged
	want_tag "The delivery was late again." logistics/delay
	fail_if_errors
}

@test "contrast: 包装很好，但是送得太慢了 is a delay, and negative" {
	run -0 --separate-stderr tagged "包装很好，但是送得太慢了"
	local tags label
	tags=$(jq -r '.tags | join(",")' <<< "$output")
	label=$(jq -r .sentiment.label <<< "$output")
	[[ ,$tags, == *,logistics/delay,* ]] || errs+=("tags '$tags', want logistics/delay")
	assert_equal "$(jq -r .category <<< "$output")" logistics
	[[ $label == negative ]] ||
	    errs+=("sentiment $(jq -c .sentiment <<< "$output"): the clause after 但是 must decide")
	fail_if_errors
}

@test "mixed praise and complaint carries praise and the problem tag" {
	local out tags
	out=$(tagged "衣服质量很好，很满意，就是快递太慢了")
	tags=$(jq -r '.tags | join(",")' <<< "$out")
	[[ ,$tags, == *,praise,* ]] || fail "tags '$tags': no praise"
	[[ ,$tags, == *,logistics/delay,* ]] || fail "tags '$tags': no logistics/delay"
	# praise comes after the problem tags; the category is the problem's
	assert_equal "$(jq -r '.tags[-1]' <<< "$out")" praise
	assert_equal "$(jq -r .category <<< "$out")" logistics
}

@test "a purely positive record is praise only, and positive" {
	local out
	out=$(tagged "质量很好，非常满意，下次还会再来")
	assert_equal "$(jq -c .tags <<< "$out")" '["praise"]'
	assert_equal "$(jq -r .category <<< "$out")" praise
	assert_equal "$(jq -r .sentiment.label <<< "$out")" positive
	out=$(tagged "Great product, works perfectly, highly recommend!")
	assert_equal "$(jq -c .tags <<< "$out")" '["praise"]'
	assert_equal "$(jq -r .sentiment.label <<< "$out")" positive
}

@test "Chinese and English records in one stream: each tagged, lang set" {
	{
		rec "送得太慢了，汤都洒了"
		rec "Very disappointed, the parcel arrived late and damaged."
		rec "东西很好，谢谢"
		rec "Absolutely love it, great quality."
	} > in.ndjson
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(jq -r .lang out | paste -sd ' ')" "zh en zh en"
	assert_equal "$(jq -r .sentiment.label out | paste -sd ' ')" \
	    "negative negative positive positive"
	local t1 t2
	t1=$(sed -n 1p out | jq -r '.tags | join(",")')
	t2=$(sed -n 2p out | jq -r '.tags | join(",")')
	[[ ,$t1, == *,logistics/delay,* && ,$t1, == *,logistics/damaged,* ]] ||
	    errs+=("line 1: tags '$t1', want logistics/delay and logistics/damaged")
	[[ ,$t2, == *,logistics/delay,* ]] || errs+=("line 2: tags '$t2', want logistics/delay")
	assert_equal "$(sed -n 3p out | jq -c .tags)" '["praise"]'
	assert_equal "$(sed -n 4p out | jq -c .tags)" '["praise"]'
	fail_if_errors
}

@test "empty, missing and null text: other, neutral 0, no lang, no emotion, exit 0" {
	printf '%s\n' '{"id":"e","text":""}' '{"id":"m"}' '{"id":"n","text":null}' > in.ndjson
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(lines out)" 3
	assert_equal "$(jq -c '[.tags, .category, .sentiment, .quality, .lang, .emotion]' out | sort -u)" \
	    '[["other"],"other",{"label":"neutral","score":0},0,null,null]'
	# the text field itself is left as it was
	assert_equal "$(jq -c '[.id, .text]' out | paste -sd ' ')" \
	    '["e",""] ["m",null] ["n",null]'
	grep -q '"text":null' out || fail "null text was rewritten: $(cat out)"
	# attachments still count towards quality
	echo '{"text":"","attachments":{"images":2,"videos":0}}' |
	    fb-tag | jq -e '.quality == 0.2' > /dev/null || fail "quality of images only"
}

@test "a 200 KB text completes and is tagged" {
	# the complaint comes first, as in a mail whose quoted thread follows
	{
		printf '送得太慢了，汤都洒了。'
		printf '这个东西一般般吧，%.0s' $(seq 1 7500)
	} | jq -Rc '{id: "long", text: .}' > long.ndjson
	(($(stat -c %s long.ndjson) > 200000)) || fail "the record is only $(stat -c %s long.ndjson) bytes"
	run -0 --separate-stderr to_file out timeout 60 fb-tag long.ndjson
	local tags
	tags=$(jq -r '.tags | join(",")' out)
	[[ ,$tags, == *,logistics/damaged,* ]] || fail "tags '$tags'"
	jq -e '.quality >= 0.4 and .lang == "zh" and (.text | length) > 60000' out > /dev/null ||
	    fail "$(jq -c 'del(.text)' out)"
	# English too: words, not characters
	{
		printf 'the box arrived damaged. '
		printf 'the product is fine I guess and %.0s' $(seq 1 6500)
	} | jq -Rc '{text: .}' > long-en.ndjson
	run -0 --separate-stderr to_file out timeout 60 fb-tag long-en.ndjson
	tags=$(jq -r '.tags | join(",")' out)
	[[ ,$tags, == *,logistics/damaged,* ]] || fail "English: tags '$tags'"
}

@test "re-tagging: owned fields, even duplicated, come out once; twice equals once" {
	cat > in.ndjson <<'EOF'
{"id":"a","tags":["x"],"text":"送得太慢了，汤都洒了","tags":["y"],"category":"c","sentiment":{"label":"positive","score":1},"emotion":"anger","quality":9,"quality":8,"z":1}
{"id":"b","text":"东西很好，谢谢","emotion":"anger","emotion":"anxiety","sentiment":7,"category":null}
{"id":"c","text":"垃圾商家，骗子，我要投诉！！","category":"x","tags":[],"lang":"zh"}
EOF
	run -0 --separate-stderr to_file once fb-tag in.ndjson
	run -0 --separate-stderr to_file twice fb-tag once
	cmp once twice
	local k n l line=0
	while IFS= read -r l; do
		line=$((line + 1))
		for k in tags category sentiment quality lang; do
			n=$(top_keys <<< "$l" | grep -cx "$k" || true)
			((n == 1)) || errs+=("line $line: '$k' appears $n times: $l")
		done
		n=$(top_keys <<< "$l" | grep -cx emotion || true)
		((n <= 1)) || errs+=("line $line: 'emotion' appears $n times: $l")
	done < once
	# the old values are gone: no stale "x", "y", 9, anger on a calm text
	assert_equal "$(sed -n 1p once | jq -r '.tags | index("x"), index("y")' | sort -u)" null
	assert_equal "$(sed -n 2p once | jq -r '.emotion')" null
	grep -q '"emotion"' <(sed -n 2p once) && errs+=("line 2 still has an emotion: $(sed -n 2p once)")
	assert_equal "$(sed -n 3p once | jq -r .emotion)" anger
	# fields keep their place; new ones go at the end
	assert_equal "$(sed -n 3p once | jq -c 'keys_unsorted')" \
	    '["id","text","category","tags","lang","sentiment","emotion","quality"]'
	assert_equal "$(sed -n 1p once | jq -c 'keys_unsorted | map(select(IN("id", "text", "z")))')" \
	    '["id","text","z"]'
	fail_if_errors
}

@test "unknown fields pass through with their exact bytes and order" {
	printf '%s\n' '{"id" : "x1","n":123456789012345678901234567890,"f":1.50E-400,"g":2116.18,"e":"\"q\" \\ \/ \b\f\n\r\t \u0041 \ud83d\ude00 \u4f60","a":[ 1 , {"b" : null} ],"text":"包装破损了","z":true,"nested":{"deep":[[[{}]]],"empty":""}}' > in.ndjson
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	local m
	for m in '"id" : "x1"' '"n":123456789012345678901234567890' '"f":1.50E-400' \
	    '"g":2116.18' '"e":"\"q\" \\ \/ \b\f\n\r\t \u0041 \ud83d\ude00 \u4f60"' \
	    '"a":[ 1 , {"b" : null} ]' '"text":"包装破损了"' '"z":true' \
	    '"nested":{"deep":[[[{}]]],"empty":""}'; do
		grep -qF -- "$m" out || errs+=("member changed or lost: $m")
	done
	# the input's keys come first, in order, then fb-tag's
	assert_equal "$(jq -c 'keys_unsorted' out)" \
	    '["id","n","f","g","e","a","text","z","nested","tags","category","sentiment","lang","quality"]'
	fail_if_errors
}

@test "events and alerts pass through byte for byte; type feedback is tagged" {
	cat > in.ndjson <<'EOF'
{"type":"event","id":"fb-1","event":"first_response","ts":"2026-11-22T02:15:00Z","agent":"a17", "text":"破损" , "n":1.0}
{ "type" : "alert", "text":"送得太慢了", "tags":["keep"] }
{"type":"event","id":"fb-1","event":"csat","score":5,"text":null,"sentiment":"odd"}
{"type":"feedback","id":"fb-2","text":"包装破损了"}
EOF
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	assert_equal "$stderr" ""
	head -n 3 in.ndjson > want
	head -n 3 out > got
	cmp got want
	sed -n 4p out | jq -e '.tags | index("logistics/damaged")' > /dev/null ||
	    fail "type feedback not tagged: $(sed -n 4p out)"
	# --explain says nothing about events
	run -0 --separate-stderr fb-tag --explain in.ndjson
	[[ $output == "in.ndjson:4"* ]] || fail "explain output: $output"
	[[ $output != *in.ndjson:1* ]] || fail "explained an event"
}

@test "a text that is not a string is rejected with FILE:LINE, copied to --reject, exit 1" {
	cat > in.ndjson <<'EOF'
{"id":"ok1","text":"包装破损了"}
{"id":"num","text":123}
{"id":"obj","text":{"zh":"破损"}}
{"id":"arr","text":["破损"]}
{"id":"bool","text":true}
{"id":"ok2","text":"东西很好"}
EOF
	run -1 --separate-stderr to_file out fb-tag --reject rej in.ndjson
	printf '%s\texact\t%s\n' 2 "'text' is not a string" 3 "'text' is not a string" \
	    4 "'text' is not a string" 5 "'text' is not a string" > diag
	check_diags fb-tag in.ndjson diag
	assert_equal "$(jq -r .id out | paste -sd ' ')" "ok1 ok2"
	sed -n '2,5p' in.ndjson > want-rej
	cmp rej want-rej
	# --strict stops at the first, after the records before it
	run -2 --separate-stderr to_file out fb-tag --strict in.ndjson
	assert_equal "$(jq -r .id out)" "ok1"
	[[ $stderr == "fb-tag: in.ndjson:2: 'text' is not a string"* ]] || fail "stderr: $stderr"
}

@test "invalid JSON lines are rejected with FILE:LINE, the rest tagged, exit 1" {
	build_mixed
	run -1 --separate-stderr to_file out fb-tag --reject rej mixed.ndjson
	check_diags fb-tag mixed.ndjson mixed.diag
	cmp rej mixed.bad
	assert_equal "$(lines out)" "$(lines mixed.good)"
	# every good record, tagged, keeps its own fields' values
	assert_equal "$(jq -c 'del(.tags, .category, .sentiment, .quality, .lang)' out)" \
	    "$(jq -c . mixed.good)"
	assert_equal "$(jq -r 'select(.tags | length == 0)' out)" ""
	# on stdin the diagnostics name <stdin>
	run -1 --separate-stderr to_file out2 fb-tag < mixed.ndjson
	check_diags fb-tag '<stdin>' mixed.diag
	cmp out out2
}

@test "--rules adds a phrase: a new tag appears" {
	local t="收到一只紫色的小兔子"
	no_tag "$t" order/wrong_item
	printf '# our shop\n[order/wrong_item]\n紫色的小兔子    2\n' > shop.rules
	want_tag "$t" order/wrong_item -r shop.rules
	want_tag "$t" order/wrong_item --rules shop.rules
	want_tag "$t" order/wrong_item --rules=shop.rules
	fail_if_errors
}

@test "--rules weight 0 removes shipped phrases" {
	local t="包装破损了" phrases
	want_tag "$t" logistics/damaged
	# every phrase of the section that fired, from --explain, set to 0
	phrases=$(explained "$t" | awk '$2 == "[logistics/damaged]" { print $1 }' | sort -u)
	[[ -n $phrases ]] || fail "--explain shows no [logistics/damaged] phrase"
	{
		echo '[logistics/damaged]'
		sed 's/$/ 0/' <<< "$phrases"
	} > zero.rules
	no_tag "$t" logistics/damaged -r zero.rules
	fail_if_errors
}

@test "lang is added when missing or empty, kept when present" {
	printf '%s\n' '{"text":"送得太慢了"}' '{"text":"送得太慢了","lang":"en"}' \
	    '{"text":"The box was crushed","lang":""}' '{"text":"12345 !!!"}' \
	    '{"text":"Привет, посылка пришла разбитой"}' '{"lang":"fr","text":"colis abîmé"}' > in.ndjson
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	assert_equal "$(jq -r '.lang // "-"' out | paste -sd ' ')" "zh en en - other fr"
	# a record's own lang keeps its place and its bytes
	assert_equal "$(sed -n 2p out | jq -c keys_unsorted)" \
	    '["text","lang","tags","category","sentiment","quality"]'
	grep -c '"lang"' out | grep -qx 5 || fail "a lang was duplicated: $(cat out)"
}

@test "quality: a detailed complaint with attachments beats 不好" {
	local hi lo
	hi=$(jq -nc '{text: "订单号2026112200012345，11月20日下单付了299元，说好两天到，到现在物流一直不更新，客服也不回复，请尽快处理。", attachments: {images: 3, videos: 1}}' |
	    fb-tag | jq .quality)
	lo=$(field "不好" .quality)
	awk -v h="$hi" -v l="$lo" 'BEGIN { exit !(h >= 0.8 && h <= 1 && l <= 0.1 && l >= 0 && h > l) }' ||
	    fail "quality $hi for the detailed text, $lo for 不好"
	# an order number written in the text adds 0.1 (and its length); an
	# order_id field from the channel says nothing of the description
	local plain with field_only
	plain=$(field "物流一直不更新，请尽快处理" .quality)
	with=$(field "物流一直不更新，请尽快处理 12345678" .quality)
	field_only=$(jq -nc '{text: "物流一直不更新，请尽快处理", order_id: "O-1"}' | fb-tag | jq .quality)
	awk -v a="$plain" -v b="$with" 'BEGIN { d = b - a; exit !(d > 0.1 && d < 0.2) }' ||
	    fail "order number: quality $plain -> $with, want +0.1 and a little length"
	assert_equal "$field_only" "$plain"
	# nonsense attachment counts add nothing
	assert_equal "$(jq -nc '{text: "不好", attachments: {images: -3, videos: "x"}}' | fb-tag | jq .quality)" \
	    "$(field "不好" .quality)"
}

@test "quality and score are numbers in range with at most 2 and 3 decimals" {
	run -0 --separate-stderr to_file out fb-tag "$FB_ROOT/examples/sample.ndjson"
	local bad
	bad=$(jq -c 'select(.type == null) | select((.quality < 0 or .quality > 1 or
	    .sentiment.score < -1 or .sentiment.score > 1)) | .id' out)
	[[ -z $bad ]] || fail "out of range: $bad"
	bad=$(grep -oE '"quality":[-0-9.e]+' out | grep -vE '"quality":(0|1|0\.[0-9]{1,2})$' || true)
	[[ -z $bad ]] || fail "quality not 0..1 with 2 decimals: $bad"
	bad=$(grep -oE '"sentiment":\{"label":"[a-z]+","score":[^}]*\}' out |
	    grep -vE '"score":-?(0|1|0\.[0-9]{1,3})\}$' || true)
	[[ $(grep -c '"sentiment"' out) == $(jq -r 'select(.type == null) | .id' out | wc -l) ]] ||
	    fail "not every record has a sentiment"
	[[ -z $bad ]] || fail "score not -1..1 with 3 decimals: $bad"
}

@test "emotion: anger for an angry text, none for a calm positive one" {
	assert_equal "$(field "垃圾商家，骗子，我要投诉！！" .emotion)" anger
	assert_equal "$(field "东西很好，包装也很仔细，谢谢" .emotion)" null
	assert_equal "$(field "东西很好，包装也很仔细，谢谢" .sentiment.label)" positive
	# an old emotion goes when the text shows none
	assert_equal "$(jq -nc '{text: "东西很好，谢谢", emotion: "anger"}' | fb-tag | grep -c '"emotion"')" 0
}

@test "examples/sample.ndjson: every record tagged, events untouched, same line count" {
	local in=$FB_ROOT/examples/sample.ndjson
	run -0 --separate-stderr to_file out fb-tag "$in"
	assert_equal "$stderr" ""
	assert_equal "$(lines out)" "$(lines "$in")"
	assert_equal "$(grep '"type":"event"' out)" "$(grep '"type":"event"' "$in")"
	local bad n
	n=$(jq -r 'select(.type == null) | .id' "$in" | wc -l)
	((n > 20)) || fail "only $n feedback records in the sample"
	bad=$(jq -c 'select(.type == null) | select((.tags | type) != "array" or
	    (.tags | length) == 0 or (.category | type) != "string" or
	    (.sentiment.label | IN("negative", "neutral", "positive") | not) or
	    (.sentiment.score | type) != "number" or (.quality | type) != "number") | .id' out)
	[[ -z $bad ]] || fail "records without tags/category/sentiment/quality: $bad"
	# tags are taxonomy ids, the category is one of theirs
	bad=$(jq -r 'select(.type == null) | .tags[]' out | sort -u |
	    grep -vxE '(product/(not_as_described|defective|counterfeit|expired|value)|logistics/(delay|damaged|lost|tracking|pickup_point|courier)|service/(slow_response|attitude|return_refund|bot|after_sales)|order/(wrong_item|missing_item|cancel_modify|payment|billing)|marketing/(coupon|promotion|price|misleading)|platform/(crash|login|performance|usability|accessibility|search)|compliance/(privacy|fraud|security|illegal_content)|suggestion/feature|praise|other)' || true)
	[[ -z $bad ]] || fail "not taxonomy ids: $bad"
	bad=$(jq -c 'select(.type == null) | select(.category as $c |
	    [.tags[] | split("/")[0]] | index($c) | not) | [.id, .category, .tags]' out)
	[[ -z $bad ]] || fail "category not among the tags: $bad"
	bad=$(jq -c 'select(.type == null) | select((.sentiment.score >= 0.3 and .sentiment.label != "positive") or
	    (.sentiment.score <= -0.3 and .sentiment.label != "negative") or
	    (.sentiment.score > -0.3 and .sentiment.score < 0.3 and .sentiment.label != "neutral")) | .id' out)
	[[ -z $bad ]] || fail "label does not match score: $bad"
	# the input's fields are all still there with their values
	assert_equal "$(jq -c 'select(.type == null) | del(.tags, .category, .sentiment, .emotion, .quality, .lang)' out)" \
	    "$(jq -c 'select(.type == null) | del(.tags, .category, .sentiment, .emotion, .quality, .lang)' "$in")"
	run -0 --separate-stderr to_file again fb-tag out
	cmp out again
}

@test "--pretty indents the same records" {
	local in=$FB_ROOT/examples/sample.ndjson
	run -0 --separate-stderr to_file compact fb-tag "$in"
	run -0 --separate-stderr to_file pretty fb-tag --pretty "$in"
	(($(lines pretty) > 5 * $(lines compact))) || fail "not indented: $(head -3 pretty)"
	assert_equal "$(jq -c . pretty)" "$(jq -c . compact)"
}

@test "gzip input, stdin and '-' give the same output" {
	local in=$FB_ROOT/examples/sample.ndjson
	gzip -c "$in" > in.ndjson.gz
	run -0 --separate-stderr to_file a fb-tag "$in"
	run -0 --separate-stderr to_file b fb-tag in.ndjson.gz
	cmp a b
	fb-tag < "$in" > c
	cmp a c
	fb-tag - < "$in" > d
	cmp a d
	fb-tag -u "$in" > e
	cmp a e
}

@test "--neutral sets the band of neutral scores" {
	local t="东西很好，谢谢" s
	s=$(field "$t" .sentiment.score)
	assert_equal "$(field "$t" .sentiment.label --neutral 0.99)" neutral
	awk -v s="$s" 'BEGIN { exit !(s > 0) }' || fail "score $s"
	assert_equal "$(field "$t" .sentiment.label --neutral 0)" positive
	assert_equal "$(field "包装破损了，太差了" .sentiment.label --neutral 0)" negative
}

@test "a write error on stdout is exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	run -2 --separate-stderr bash -c 'fb-tag "$1" > /dev/full' _ "$FB_ROOT/examples/sample.ndjson"
	[[ $stderr == "fb-tag: write error: No space left on device" ]] || fail "stderr: $stderr"
}

#---- The engine (the tiny rule set of setup_file)

@test "engine: a negator reaches over two tokens, within its clause" {
	engine
	no_tag "没有破损" logistics/damaged
	want_tag "破损" logistics/damaged
	no_tag "不是那破损" logistics/damaged		# 2 tokens between
	want_tag "不是那个破损" logistics/damaged	# 3 tokens between
	no_tag "没有 破损" logistics/damaged		# a space is no break
	local sep
	for sep in "，" "," "。" "！" "?" "；" ":"; do
		want_tag "没有${sep}破损" logistics/damaged
	done
	# 、 and … are tokens, not clause breaks; ~ is neither
	for sep in "、" "…" "~"; do
		no_tag "没有${sep}破损" logistics/damaged
	done
	no_tag "一点也不慢，送得慢" logistics/damaged
	want_tag "一点也不慢，送得慢" logistics/delay	# the second clause
	no_tag "not damaged" logistics/damaged
	no_tag "NOT DAMAGED" logistics/damaged
	no_tag "not a b damaged" logistics/damaged
	want_tag "not a b c damaged" logistics/damaged
	want_tag "not now. damaged" logistics/damaged
	no_tag "never late" logistics/delay
	no_tag "it wasn't late" logistics/delay		# *n't
	no_tag "it wasn’t late" logistics/delay		# a curly apostrophe
	want_tag "no, late" logistics/delay
	fail_if_errors
}

@test "engine: a contrast word ends a negation and marks the clause after it" {
	engine
	want_tag "没有晚到但是破损" logistics/damaged
	want_tag "not late but damaged" logistics/damaged
	no_tag "not late but damaged" logistics/delay
	run -0 --separate-stderr explained "破损但是没有晚到"
	[[ $output == *"晚到  [logistics/delay] 1, negated, after contrast  ($ENGINE/tags.zh.rules:5)"* ]] ||
	    fail "explain: $output"
	[[ $output == *"破损  [logistics/damaged] 1.5  ($ENGINE/tags.zh.rules:7)"* ]] ||
	    fail "explain: $output"
	[[ $output == *"但是  [contrast] 1  ($ENGINE/lexicon.zh.rules:18)"* ]] ||
	    fail "explain: $output"
}

@test "engine: a negator inside a non-negating or sentiment phrase does not negate" {
	engine
	want_tag "不错破损" logistics/damaged
	want_tag "not only late" logistics/delay
	run -0 --separate-stderr explained "不错破损"
	[[ $output == *"不  [negation] 1, cancelled (part of a longer phrase)"* ]] ||
	    fail "explain: $output"
	# a negated positive word: marked negated in the explanation
	run -0 --separate-stderr explained "不满意"
	[[ $output == *"满意  [positive] 1.5, negated"* ]] || fail "explain: $output"
	[[ $output == *"negated positive"* ]] || fail "no negated positive lexicon feature: $output"
}

@test "engine: English phrases match whole words; * makes prefixes and suffixes" {
	engine
	want_tag "it came late" logistics/delay
	want_tag "Late!" logistics/delay
	want_tag "ＬＡＴＥ" logistics/delay		# full-width
	want_tag "late-ish" logistics/delay
	no_tag "chocolate" logistics/delay
	no_tag "lately" logistics/delay
	no_tag "belated" logistics/delay
	# deliver* (0.5) and late (1): prefix only at a word's start
	run -0 --separate-stderr explained "delivered late"
	[[ $output == *"evidence: logistics/delay 1.50"* ]] || fail "explain: $output"
	run -0 --separate-stderr explained "undelivered late"
	[[ $output == *"evidence: logistics/delay 1.00"* ]] || fail "explain: $output"
	# *proof (-1) is evidence against, at a word's end only
	no_tag "waterproof, damaged" logistics/damaged
	want_tag "proofread, damaged" logistics/damaged
	# Chinese phrases match anywhere
	want_tag "快递压坏了" logistics/damaged
	fail_if_errors
}

@test "engine: a tag phrase inside a longer one of its section counts once" {
	engine
	run -0 --separate-stderr explained "送得慢"
	[[ $output == *"慢  [logistics/delay] 0.5, ignored (inside a longer phrase)"* ]] ||
	    fail "explain: $output"
	[[ $output == *"evidence: logistics/delay 2.00"* ]] || fail "explain: $output"
	no_tag "有点慢" logistics/delay
}

@test "engine: a phrase counts once however often it occurs" {
	engine
	# 慢 is 0.5: twice is still not enough for a tag ("慢慢享受")
	no_tag "慢慢享受" logistics/delay
	no_tag "慢，慢" logistics/delay
	# nor are three weak cues an emotion
	assert_equal "$(field "担心担心担心" .emotion)" null
	fail_if_errors
}

@test "engine: degree words multiply sentiment words within two tokens, never tags or emotions" {
	engine
	assert_equal "$(field "着急" .emotion)" anxiety
	assert_equal "$(field "有点着急" .emotion)" anxiety	# evidence is not scaled
	assert_equal "$(field "担心" .emotion)" null		# 0.6
	assert_equal "$(field "非常担心" .emotion)" null		# still 0.6
	assert_equal "$(field "没有着急" .emotion)" null		# negated
	no_tag "非常慢" logistics/delay				# 0.5, not multiplied
	run -0 --separate-stderr explained "非常好"
	[[ $output == *"好  [positive] 1, x2 (degree)"* ]] || fail "explain: $output"
	run -0 --separate-stderr explained "非常地好"
	[[ $output == *"好  [positive] 1, x2 (degree)"* ]] || fail "explain: $output"
	run -0 --separate-stderr explained "非常的东西好"
	[[ $output != *"x2 (degree)"* ]] || fail "3 tokens between: $output"
}

@test "engine: later rules override earlier ones; weight 0 removes; negative weights count against" {
	engine
	printf '[logistics/damaged]\n破损 0\n' > zero.rules
	printf '[logistics/damaged]\n破损 0.5\n' > half.rules
	printf '[logistics/damaged]\n破损 0.5\n破损 2\n' > twice.rules
	printf '[logistics/damaged]\n盒子坏了\n' > add.rules
	printf '[logistics/damaged]\n破损 -2\n压坏 2\n' > against.rules
	no_tag "破损" logistics/damaged -r zero.rules
	no_tag "破损" logistics/damaged -r half.rules
	want_tag "破损" logistics/damaged -r twice.rules		# the last line wins
	want_tag "破损" logistics/damaged -r zero.rules -r twice.rules
	no_tag "破损" logistics/damaged -r twice.rules -r zero.rules	# the last file wins
	no_tag "破损" logistics/damaged -r twice.rules -r half.rules
	want_tag "盒子坏了" logistics/damaged -r add.rules
	want_tag "破损" logistics/damaged -r add.rules		# the others stay
	no_tag "破损，压坏" logistics/damaged -r against.rules	# -2 + 2
	want_tag "压坏" logistics/damaged -r against.rules
	# the same phrase counts in each of its sections
	printf '[logistics/lost]\n破损\n' > two.rules
	want_tag "破损" logistics/lost -r two.rules
	want_tag "破损" logistics/damaged -r two.rules
	fail_if_errors
}

@test "engine: --explain shows phrases, evidence, tags, sentiment, emotion and quality" {
	engine
	printf '[logistics/lost]\n# a comment line\n\n丢件了    2   # trailing comment\n' > my.rules
	printf '%s\n' '{"type":"event","id":"x"}' \
	    "$(jq -nc '{text: "非常好，没有破损，但是送得慢，还丢件了！！"}')" > in.ndjson
	run -0 --separate-stderr fb-tag --explain -r my.rules in.ndjson
	assert_equal "$stderr" ""
	local want
	for want in "in.ndjson:2" "  text: 非常好,没有破损,但是送得慢,还丢件了!!" "  lang: zh" "  phrases:" \
	    "    非常  [degree] 2  ($ENGINE/lexicon.zh.rules:15)" \
	    "    好  [positive] 1, x2 (degree)  ($ENGINE/lexicon.zh.rules:3)" \
	    "    没有  [negation] 1  ($ENGINE/lexicon.zh.rules:10)" \
	    "    破损  [logistics/damaged] 1.5, negated  ($ENGINE/tags.zh.rules:7)" \
	    "    送得慢  [logistics/delay] 2, after contrast  ($ENGINE/tags.zh.rules:3)" \
	    "    丢件了  [logistics/lost] 2, after contrast  (my.rules:4)" \
	    "    丢件  [logistics/lost] 1, ignored (inside a longer phrase)  ($ENGINE/tags.zh.rules:10)" \
	    "  tags: logistics/delay logistics/lost" "  category: logistics"; do
		grep -qxF -- "$want" <<< "$output" || errs+=("no line: $want")
	done
	grep -qE '^  evidence: .*logistics/delay 2\.00.*logistics/lost 2\.00.* \(a tag needs 1\)$' <<< "$output" ||
	    errs+=("evidence line")
	grep -qE '^  sentiment: (negative|neutral|positive) -?[0-9.]+ \(log-odds -?[0-9.]+ = bias -?[0-9.]+ \+ [0-9]+ features -?[0-9.]+ \+ lexicon -?[0-9.]+\)$' <<< "$output" ||
	    errs+=("sentiment line")
	grep -qE '^    strongest features:$' <<< "$output" || errs+=("strongest features")
	grep -qE '^  emotion: (none strong|[a-z_]+)$' <<< "$output" || errs+=("emotion line")
	grep -qE '^  quality: [0-9.]+ = length [0-9.]+ \+ details [0-9.]+ .*\+ attachments [0-9.]+ \+ specific tag 0\.05$' <<< "$output" ||
	    errs+=("quality line")
	# nothing but the explanation: no records
	[[ $output != *'"text"'* ]] || errs+=("a record was written")
	[[ $output != *"in.ndjson:1"* ]] || errs+=("the event was explained")
	((${#errs[@]} == 0)) || errs+=("--- output:" "$output")
	fail_if_errors
}

@test "engine: bad rule files are FILE:LINE errors, exit 2, nothing on stdout" {
	engine
	local -a cases=(
	    $'[foo/bar]\nx'"|1|unknown section '[foo/bar]': not a tag of the taxonomy, emotion/NAME or a lexicon section"
	    $'# only a comment\nx'"|2|phrase before any [section]"
	    $'[positive\nx'"|1|section header without ']'"
	    $'[positive]\ngood 2\nx 101'"|3|weight 101 out of range (-100 to 100)"
	    $'[positive]\nx -100.5'"|2|weight -100.5 out of range (-100 to 100)"
	    $'[positive]\n'"$(printf 'a%.0s' $(seq 1 65))|2|phrase longer than 64 characters"
	    $'[positive]\n*'"|2|empty phrase"
	    $'[degree]\nvery -1'"|2|a degree word's weight is a multiplier and cannot be negative"
	    $'[emotion/Anger]\nx'"|1|bad emotion name '[emotion/Anger]' (lowercase letters and '_')"
	    $'[praise]\nok\n[logistics]\nx'"|3|unknown section '[logistics]': not a tag of the taxonomy, emotion/NAME or a lexicon section"
	)
	local c text line msg
	for c in "${cases[@]}"; do
		IFS='|' read -r text line msg <<< "${c//$'\n'/$'\x01'}"
		text=${text//$'\x01'/$'\n'}
		printf '%s\n' "$text" > bad.rules
		run --separate-stderr fb-tag -r bad.rules <<< '{"text":"x"}'
		((status == 2)) || errs+=("$msg: exit $status")
		[[ -z $output ]] || errs+=("$msg: stdout: $output")
		[[ $stderr == "fb-tag: bad.rules:$line: $msg" ]] ||
		    errs+=("want 'fb-tag: bad.rules:$line: $msg', got '$stderr'")
	done
	printf '[positive]\n\xff\xfe\n' > bad.rules
	run -2 --separate-stderr fb-tag -r bad.rules < /dev/null
	assert_equal "$stderr" "fb-tag: bad.rules:2: not valid UTF-8"
	run -2 --separate-stderr fb-tag -r no-such.rules < /dev/null
	[[ $stderr == "fb-tag: no-such.rules: "* ]] || errs+=("missing file: $stderr")
	# the shipped lookup too: a bad file in FB_CONFIG_DIR names its path
	mkdir cfg
	cp "$ENGINE"/* cfg/
	printf '[positive]\nok\nphrase 1000\n' > cfg/lexicon.en.rules
	FB_CONFIG_DIR=$PWD/cfg run -2 --separate-stderr fb-tag < /dev/null
	assert_equal "$stderr" "fb-tag: $PWD/cfg/lexicon.en.rules:3: weight 1000 out of range (-100 to 100)"
	fail_if_errors
}

@test "engine: rule lines: comments, weights, spaces, BOM, CRLF" {
	engine
	printf '\xef\xbb\xbf# BOM first\r\n[logistics/lost]\r\n  包裹不见了   # a comment\r\nC# error 2\r\nlost my parcel\r\nnumber 42 1\r\n' > my.rules
	want_tag "包裹不见了" logistics/lost -r my.rules
	want_tag "got a c# error" logistics/lost -r my.rules
	want_tag "they lost my parcel" logistics/lost -r my.rules
	no_tag "they lost the parcel" logistics/lost -r my.rules
	want_tag "see number 42 here" logistics/lost -r my.rules
	fail_if_errors
}

@test "--model with a model trained in the test; it replaces its language's model only" {
	fb-train -q --lang zh --epochs 10 -o zh.model "$FB_FIXTURES/fb-train/zh.ndjson" > /dev/null
	fb-train -q --lang en --epochs 10 -o en.model "$FB_FIXTURES/fb-train/en.ndjson" > /dev/null
	assert_equal "$(field "质量很好，非常满意，推荐购买" .sentiment.label -m zh.model)" positive
	assert_equal "$(field "质量太差了，用了一天就坏了，非常失望" .sentiment.label -m zh.model)" negative
	assert_equal "$(field "Great quality, highly recommend" .sentiment.label -m en.model)" positive
	assert_equal "$(field "Terrible, it broke and I want a refund" .sentiment.label -m en.model)" negative
	# the model is really used: scores differ from the shipped model's
	local t="物流很快，包装完好" shipped mine en_only
	shipped=$(field "$t" .sentiment.score)
	mine=$(field "$t" .sentiment.score --model zh.model)
	en_only=$(field "$t" .sentiment.score -m en.model)
	[[ $shipped != "$mine" ]] || fail "the same score $mine with and without -m"
	assert_equal "$en_only" "$shipped"
	assert_equal "$(field "$t" .sentiment.score -m en.model -m zh.model)" "$mine"
}

@test "a damaged model file is refused with exit 2" {
	local shipped
	fb-train -q --lang en -o good.model "$FB_FIXTURES/fb-train/en.ndjson" > /dev/null
	size=$(stat -c %s good.model)
	cp good.model trunc.model
	truncate -s $((size - 1)) trunc.model
	cp good.model long.model
	printf 'x' >> long.model
	cp good.model flip.model
	printf '\x7f' | dd of=flip.model bs=1 seek=$((size / 2)) conv=notrunc status=none
	cmp -s good.model flip.model && fail "the byte flip changed nothing"
	cp good.model crc.model
	printf '\x00\x00\x00\x00' | dd of=crc.model bs=1 seek=$((size - 4)) conv=notrunc status=none
	head -c 100 good.model > short.model
	echo 'not a model' > text.model
	: > empty.model
	local m
	for m in trunc:"model file truncated or too long" long:"model file truncated or too long" \
	    flip:"model checksum mismatch (damaged file)" crc:"model checksum mismatch (damaged file)" \
	    short:"model file truncated or too long" text:"not an fb sentiment model" \
	    empty:"not an fb sentiment model"; do
		run --separate-stderr fb-tag -m "${m%%:*}.model" <<< '{"text":"good"}'
		((status == 2)) || errs+=("${m%%:*}: exit $status")
		[[ -z $output ]] || errs+=("${m%%:*}: stdout: $output")
		[[ $stderr == "fb-tag: ${m%%:*}.model: ${m#*:}" ]] ||
		    errs+=("${m%%:*}: stderr '$stderr', want '${m#*:}'")
	done
	run -2 --separate-stderr fb-tag -m no-such.model < /dev/null
	[[ $stderr == "fb-tag: no-such.model: "* ]] || errs+=("missing model: $stderr")
	run -0 --separate-stderr fb-tag -m good.model <<< '{"text":"good"}'
	fail_if_errors
}

@test "--category-field: the model joins the named field with the text" {
	jq -c '. + {cat: (if .label == 1 then "食品" else "家电" end)}' \
	    "$FB_FIXTURES/fb-train/zh.ndjson" > train.ndjson
	fb-train -q --lang zh --category-field cat -o cat.model train.ndjson > /dev/null
	printf '%s\n' '{"text":"一般般吧","cat":"食品"}' '{"text":"一般般吧","cat":"家电"}' \
	    '{"text":"一般般吧","product_category":"食品"}' > in.ndjson
	run -0 --separate-stderr to_file a fb-tag -m cat.model --category-field cat in.ndjson
	run -0 --separate-stderr to_file b fb-tag -m cat.model in.ndjson
	local s1 s2 s3 b1 b3
	s1=$(sed -n 1p a | jq .sentiment.score)
	s2=$(sed -n 2p a | jq .sentiment.score)
	s3=$(sed -n 3p a | jq .sentiment.score)
	awk -v a="$s1" -v b="$s2" 'BEGIN { exit !(a > b) }' ||
	    fail "food $s1 should score above appliances $s2"
	# without the option the field "cat" is not read; product_category is
	b1=$(sed -n 1p b | jq .sentiment.score)
	b3=$(sed -n 3p b | jq .sentiment.score)
	assert_equal "$s3" "$(sed -n 2p b | jq .sentiment.score)"
	assert_equal "$b1" "$s3"
	assert_equal "$b3" "$s1"
}

@test "FB_CONFIG_DIR overrides one file at a time; a file found nowhere is exit 2 naming it" {
	# a rule file of our own beside the shipped ones
	mkdir cfg
	printf '[logistics/lost]\n紫色的小兔子 2\n' > cfg/tags.zh.rules
	cp "$ENGINE/lexicon.zh.rules" cfg/
	FB_CONFIG_DIR=$PWD/cfg run -0 --separate-stderr tags_of "收到一只紫色的小兔子"
	assert_equal "$output" logistics/lost
	# a copy of the binary with a share/fb of its own that lacks a file
	local bin
	bin=$(command -v fb-tag)
	unset FB_DATADIR
	for f in /etc/fb /usr/local/share/fb; do
		[[ -e $f/tags.en.rules ]] && skip "$f holds fb data"
	done
	mkdir -p tree/bin tree/share/fb
	cp "$bin" tree/bin/
	cp "$ENGINE"/lexicon.zh.rules "$ENGINE"/lexicon.en.rules "$ENGINE"/tags.zh.rules \
	    "$ENGINE"/*.model tree/share/fb/
	HOME=$PWD run -2 --separate-stderr tree/bin/fb-tag < /dev/null
	assert_equal "$output" ""
	[[ $stderr == "fb-tag: cannot find the rule file 'tags.en.rules'"* ]] || fail "stderr: $stderr"
	cp "$ENGINE/tags.en.rules" tree/share/fb/
	rm tree/share/fb/sentiment.en.model
	HOME=$PWD run -2 --separate-stderr tree/bin/fb-tag < /dev/null
	[[ $stderr == "fb-tag: cannot find the model 'sentiment.en.model'"* ]] || fail "stderr: $stderr"
	cp "$ENGINE/sentiment.en.model" tree/share/fb/
	HOME=$PWD run -0 --separate-stderr tree/bin/fb-tag <<< '{"text":"破损"}'
	assert_equal "$(jq -c .tags <<< "$output")" '["logistics/damaged"]'
	# FB_DATADIR comes before share/fb beside the binary
	mkdir data
	printf '[logistics/lost]\n破损 5\n' > data/tags.zh.rules
	FB_DATADIR=$PWD/data HOME=$PWD run -0 --separate-stderr tree/bin/fb-tag <<< '{"text":"破损"}'
	assert_equal "$(jq -c .tags <<< "$output")" '["logistics/lost"]'
	# ~/.config/fb is read when FB_CONFIG_DIR is unset, and beats FB_DATADIR
	mkdir -p .config/fb
	printf '[logistics/courier]\n破损 5\n' > .config/fb/tags.zh.rules
	FB_DATADIR=$PWD/data HOME=$PWD run -0 --separate-stderr tree/bin/fb-tag <<< '{"text":"破损"}'
	assert_equal "$(jq -c .tags <<< "$output")" '["logistics/courier"]'
}

@test "memory stays flat however many records" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	local small=2000 big=${FB_TEST_TAG_N:-40000} slack=$((8 * 1024))
	[[ -n ${FB_TEST_SANITIZE:-} ]] &&
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	local in=$FB_ROOT/examples/sample.ndjson
	for ((k = 0; k < big / 40; k++)); do cat "$in"; done > big.ndjson
	head -n "$small" big.ndjson > small.ndjson
	/usr/bin/time -f %M -o rss.big fb-tag big.ndjson > /dev/null
	/usr/bin/time -f %M -o rss.small fb-tag small.ndjson > /dev/null
	local b s
	b=$(tail -n 1 rss.big)
	s=$(tail -n 1 rss.small)
	echo "# fb-tag peak RSS: $b KB for $(lines big.ndjson) lines, $s KB for $small" >&3
	((b - s < slack)) || fail "peak RSS $b KB vs $s KB"
	[[ -n ${FB_TEST_SANITIZE:-} ]] || ((b < 32 * 1024)) || fail "peak RSS $b KB is over 32 MB"
}

#---- Real data (beside the project, absent from a clone)

@test "shared data: the shipped model gets most of zh-sentiment-dev right" {
	local data=$FB_ROOT/../shared/data/zh-sentiment-dev.ndjson.gz
	[[ -r $data ]] || skip "../shared/data is absent"
	zcat "$data" | head -n 3000 > dev.ndjson
	run -0 --separate-stderr to_file out fb-tag --category-field product_cat dev.ndjson
	assert_equal "$(lines out)" 3000
	local acc
	acc=$(jq -r '[.label, (if .sentiment.score >= 0 then 1 else 0 end)] | @tsv' out |
	    awk '$1 == $2 { r++ } END { printf "%.3f", r / NR }')
	echo "# zh-sentiment-dev, first 3000: accuracy $acc" >&3
	awk -v a="$acc" 'BEGIN { exit !(a >= 0.85) }' || fail "accuracy $acc"
}

@test "shared data: hand-tagged dev reviews: most top-level categories agree" {
	local data=$FB_ROOT/../shared/data/zh-tags-dev.tsv
	[[ -r $data ]] || skip "../shared/data is absent"
	tail -n +2 "$data" | jq -R -c 'split("\t") | {product_category: .[1], text: .[2],
	    gold: (.[3] | split(","))}' > in.ndjson
	run -0 --separate-stderr to_file out fb-tag in.ndjson
	local hit
	hit=$(jq -r '[(.gold | map(split("/")[0])), (.tags | map(split("/")[0]))] |
	    if (.[0] - (.[0] - .[1])) | length > 0 then 1 else 0 end' out |
	    awk '{ s += $1 } END { printf "%.3f", s / NR }')
	echo "# zh-tags-dev: a gold category found in $hit of the records" >&3
	awk -v h="$hit" 'BEGIN { exit !(h >= 0.6) }' || fail "only $hit"
}

@test "shipped rules: the regression sentences of fixtures/fb-tag/vectors.tsv get exactly their tags" {
	local text want got
	errs=()
	while IFS=$'\t' read -r text want; do
		[[ -z $text || $text == \#* ]] && continue
		got=$(rec "$text" | fb-tag | jq -r '.tags | sort | join(",")')
		want=$(tr ',' '\n' <<< "$want" | sort | paste -sd, -)
		[[ $got == "$want" ]] || errs+=("'$text': tags '$got', want '$want'")
	done < "$FB_FIXTURES/fb-tag/vectors.tsv"
	fail_if_errors
}

@test "a text near the line limit is read to its first 20,000 characters, in little memory" {
	[[ -n ${FB_TEST_SANITIZE:-} ]] &&
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	# 250,000 overlapping phrase matches (慢, 慢慢) and 340,000 negators
	jq -nc '{text: ("慢" * 250000)}' > long.ndjson
	jq -nc '{text: ("不" * 340000)}' >> long.ndjson
	jq -nc '{text: ("破损" + ("x" * 900000))}' >> long.ndjson
	/usr/bin/time -f %M -o rss fb-tag long.ndjson > out
	assert_equal "$(lines out)" 3
	# the damage in the first characters is found; the whole text is kept
	assert_equal "$(sed -n 3p out | jq -c '[.tags, (.text | length)]')" \
	    '[["logistics/damaged"],900002]'
	local rss
	rss=$(tail -n 1 rss)
	echo "# fb-tag peak RSS on 1 MB lines: $rss KB" >&3
	[[ -n ${FB_TEST_SANITIZE:-}${FB_TEST_VALGRIND:-} ]] || ((rss < 32 * 1024)) || fail "peak RSS $rss KB"
}
