#!/usr/bin/env bats
# fb-anomaly-burst.bats: the burst detector (cmd/fb-anomaly/burst.c):
# near-identical complaints (MinHash over character 3-shingles, LSH,
# estimated Jaccard >= 0.6) clustered in a sliding 2h window, Weibo and
# Douyin counting 2, alarming at a weighted size of 12 from 5 customers.
#
# Data: fb-gen months (seeds 3, 5, 7 and 11) with the planted burst -- a
# post copied with small edits on Weibo or Douyin within an hour, 12 to
# 300 of them -- and the same months with --incidents none; and small
# hand-made streams (post below) for the cases the issue names: praise
# copied many times, one text pasted by customers over a whole day, one
# customer posting the same complaint again and again.
#
# Every run names its policy, a bare [burst] section, so the defaults
# tested are the code's.

load helper

SEEDS="3 5 7 11"

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export TZ=UTC
	local seed
	for seed in $SEEDS; do
		fb-gen --seed $seed --count 20000 --days 30 --format record \
		    --truth truth$seed.ndjson | fb-tag > items$seed.ndjson
		fb-gen --seed $seed --count 20000 --days 30 --format record \
		    --incidents none | fb-tag > clean$seed.ndjson
	done
	printf '[burst]\n' > policy.conf
}

setup() {
	common_setup
	export FB_CONFIG_DIR=$PWD/no-config
	D=$BATS_FILE_TMPDIR
}

# burst ARGS...: the burst detector alone into 'out'; exit 0, no stderr.
burst() {
	run -0 --separate-stderr to_file out fb-anomaly -p "$D/policy.conf" \
	    --detectors burst "$@"
	[[ -z $stderr ]] || fail "fb-anomaly $*: stderr: $stderr"
}

# truth_burst SEED: the planted burst's truth line.
truth_burst() {
	jq -c 'select(.incident == "burst")' "$D/truth$1.ndjson"
}

# matching SEED: the alerts of 'out' on the planted burst of truthSEED:
# its channel, its words (the key's text, the first complaint's, may
# carry an edit in front, so the middle of the planted text is looked
# for) and a window overlapping the planted one.
matching() {
	jq -c --argjson b "$(truth_burst "$1")" '
	    select(.key.channel == $b.channel and
	    (.key.text | contains($b.text[5:15])) and
	    .since <= $b.until and .until >= $b.since)' out
}

# post ID MINUTE CHANNEL CUSTOMER TEXT [SENTIMENT [TAG]]: one item at
# 2026-11-02 00:00Z plus MINUTE minutes.
post() {
	local ts
	ts=$(iso $(($(epoch 2026-11-02T00:00:00Z) + $2 * 60)))
	jq -cn --arg id "$1" --arg ts "$ts" --arg ch "$3" --arg cu "$4" \
	    --arg text "$5" --arg s "${6:-negative}" --arg tag "${7:-service/return_refund}" \
	    '{id: $id, ts: $ts, channel: $ch, customer: {id: $cu}, text: $text,
	     tags: [$tag], sentiment: {label: $s}}'
}

# copies N STEP CHANNEL TEXT [SENTIMENT [TAG]]: N posts of TEXT (with
# the edits people make when they copy: a prefix, a hashtag, an emoji),
# STEP minutes apart, each from another customer.
copies() {
	local i edit
	local -a edits=("" "转发微博：" "" " #避雷#" "+1 " "😡😡" "" "我也是！" "!")
	for ((i = 0; i < $1; i++)); do
		edit=${edits[i % ${#edits[@]}]}
		case $edit in
		" #"* | "😡"* | "!") post "p$i" $((i * $2)) "$3" "c-$i" "$4$edit" "${@:5}" ;;
		*) post "p$i" $((i * $2)) "$3" "c-$i" "$edit$4" "${@:5}" ;;
		esac
	done
}

COMPLAINT='退款5天了还没到账，客服电话永远打不通，@商城客服 给个说法'

@test "burst: the planted burst is found within the hour on every seed" {
	local seed b n
	for seed in $SEEDS; do
		b=$(truth_burst $seed)
		[[ -n $b ]] || fail "seed $seed: no burst planted"
		burst "$D/items$seed.ndjson"
		n=$(matching $seed | wc -l)
		((n == 1)) || fail "seed $seed: $n alerts on the burst $b: $(cat out)"
		# alerted early: at most an hour after the burst began, on
		# the social channel it was planted on
		run -0 jq -e --argjson b "$b" '
		    select(.key.channel == $b.channel) |
		    (.until | fromdateiso8601) - ($b.since | fromdateiso8601) <= 3600' out
	done
}

@test "burst: no alarm on months without incidents" {
	local seed
	for seed in $SEEDS; do
		burst "$D/clean$seed.ndjson"
		[[ ! -s out ]] || fail "seed $seed: false alarms: $(cat out)"
	done
}

@test "burst: with incidents, the only burst alerts are the planted burst" {
	local seed all
	# at 20000 items a month the regional surge's logistics complaints
	# are too few to look like a burst; nothing else may alarm
	for seed in $SEEDS; do
		burst "$D/items$seed.ndjson"
		all=$(wc -l < out)
		((all == 1)) || fail "seed $seed: $all burst alerts: $(cat out)"
	done
}

@test "burst: the alert's fields" {
	burst "$D/items3.ndjson"
	run -0 jq -e --argjson b "$(truth_burst 3)" '
	    .type == "alert" and .detector == "burst" and
	    (.id | startswith("anomaly:burst:" + $b.channel + ":")) and
	    (.key | keys) == ["channel", "text"] and
	    (.key.text | length <= 60) and
	    .since >= $b.since and .since <= .until and
	    .observed >= 12 and .expected >= 1 and .expected < 3 and
	    .spread > 0 and .score >= 6 and .severity == "high" and
	    .customers >= 5 and .items >= 6 and .social_items == .items and
	    .window == "2h" and
	    (.evidence | length >= 5 and length <= 10) and
	    (.summary | contains("near-identical"))' out
	# the evidence: complaints of the input, from as many customers,
	# all copies of the planted post
	jq -r '.evidence[]' out > ids
	run -0 jq -r --rawfile ids ids --argjson b "$(truth_burst 3)" '
	    ($ids | split("\n")) as $l | select(.id | IN($l[])) |
	    [.customer.id, (.text | contains($b.text[5:15]))] | @tsv' \
	    "$D/items3.ndjson"
	[[ $(wc -l <<< "$output") -eq $(wc -l < ids) ]] || fail "evidence not in the input: $output"
	[[ $output != *false* ]] || fail "evidence that is not the post: $output"
	[[ $(cut -f1 <<< "$output" | sort -u | wc -l) -eq $(wc -l < ids) ]] ||
	    fail "evidence from the same customer: $output"
}

@test "burst: a post copied on Weibo alarms once, at its 6th copy" {
	copies 30 1 weibo "$COMPLAINT" > posts.ndjson
	burst posts.ndjson
	run -0 jq -r '[.key.channel, .key.text, .since, .until, .observed,
	    .customers] | @tsv' out
	# 6 posts weigh 12, but the 5th customer comes with the 5th post:
	# the alarm is at the 6th, minute 5, and only once for the 30
	assert_output "$(printf 'weibo\t%s\t2026-11-02T00:00:00Z\t2026-11-02T00:05:00Z\t12\t6' "$COMPLAINT")"
	# off social media a post weighs 1: 12 are needed
	copies 11 1 app "$COMPLAINT" > app11.ndjson
	burst app11.ndjson
	assert_equal "$(wc -l < out)" 0
	copies 12 1 app "$COMPLAINT" > app12.ndjson
	burst app12.ndjson
	run -0 jq -r '[.key.channel, .observed, .severity] | @tsv' out
	assert_output "$(printf 'app\t12\tmedium')"
}

@test "burst: praise copied many times is no burst, short texts neither" {
	local praise='物流很快，包装也很好，宝贝和描述的一模一样，好评！'
	copies 40 1 weibo "$praise" positive praise > praise.ndjson
	burst praise.ndjson
	assert_equal "$(wc -l < out)" 0
	# the same words as a complaint would alarm: only complaints count
	copies 40 1 weibo "$praise" negative product/quality > negative.ndjson
	burst negative.ndjson
	assert_equal "$(wc -l < out)" 1
	# "好评", "很好", "太差了" from many: too short to be a copied post
	{
		copies 20 1 weibo '好评' positive praise
		copies 20 1 douyin '很好！' neutral praise | sed 's/"p/"q/; s/"c-/"d-/'
		copies 20 1 weibo '太差了！！' negative product/quality | sed 's/"p/"r/; s/"c-/"e-/'
	} > short.ndjson
	burst short.ndjson
	assert_equal "$(wc -l < out)" 0
}

@test "burst: customers pasting a complaint over a day is no burst" {
	# 24 customers, one an hour: at most 3 in any 2h window (weight 6)
	copies 24 60 weibo "$COMPLAINT" > day.ndjson
	burst day.ndjson
	assert_equal "$(wc -l < out)" 0
	# the same 24 within 4 hours are one: 13 in a 2h window
	copies 24 10 weibo "$COMPLAINT" > hours.ndjson
	burst hours.ndjson
	assert_equal "$(wc -l < out)" 1
	# a shorter window sees fewer of them
	burst --set burst.window=30m hours.ndjson
	assert_equal "$(wc -l < out)" 0
}

@test "burst: one customer posting 30 times is no burst" {
	copies 30 1 weibo "$COMPLAINT" | jq -c '.customer.id = "c-1"' > one.ndjson
	burst one.ndjson
	assert_equal "$(wc -l < out)" 0
	# 4 customers neither (min_customers 5), 5 are enough
	copies 30 1 weibo "$COMPLAINT" |
	    jq -c '.customer.id = "c-\(.id[1:] | tonumber % 4)"' > four.ndjson
	burst four.ndjson
	assert_equal "$(wc -l < out)" 0
	burst --set burst.min_customers=4 four.ndjson
	assert_equal "$(wc -l < out)" 1
}

@test "burst: the policy's keys are read and checked" {
	burst --set burst.min_size=1000 "$D/items3.ndjson"
	assert_equal "$(wc -l < out)" 0
	burst --set burst.social_weight=1 --set burst.min_size=100 "$D/items3.ndjson"
	assert_equal "$(wc -l < out)" 1
	run -2 fb-anomaly -p "$D/policy.conf" -d burst --set burst.window=lots \
	    "$D/items3.ndjson"
	assert_output --partial "window"
	run -2 fb-anomaly -p "$D/policy.conf" -d burst --set burst.threshold=2 \
	    "$D/items3.ndjson"
	assert_output --partial "threshold"
}
