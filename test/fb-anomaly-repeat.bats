#!/usr/bin/env bats
# fb-anomaly-repeat.bats: the repeat detector (cmd/fb-anomaly/repeat.c):
# the same customer complaining about the same issue -- the order, else
# the first problem tag -- twice or more within 14 days.
#
# Data: fb-gen with its repeat incident (a few customers complaining
# about one order two or three times, a day or a few apart; all of them
# must be found) for seeds 3, 5, 7 over 30 days and seed 11 over 90, the
# same with --incidents none, and made-up complaints (rec below).
#
# Every run names its policy, a bare [repeat] section, so the defaults
# tested are the code's.

load helper

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export TZ=UTC
	local seed
	for seed in 3 5 7; do
		fb-gen --seed $seed --count 20000 --days 30 --format record \
		    --truth truth$seed.ndjson | fb-tag > items$seed.ndjson
		fb-gen --seed $seed --count 20000 --days 30 --format record \
		    --incidents none | fb-tag > clean$seed.ndjson
	done
	fb-gen --seed 11 --count 40000 --days 90 --format record \
	    --truth truth11.ndjson | fb-tag > items11.ndjson
	fb-gen --seed 11 --count 40000 --days 90 --format record \
	    --incidents none | fb-tag > clean11.ndjson
	# a small one: fewer repeat customers planted
	fb-gen --seed 9 --count 3000 --days 30 --format record \
	    --truth truth9.ndjson | fb-tag > items9.ndjson
	printf '[repeat]\n' > policy.conf
}

setup() {
	common_setup
	export FB_CONFIG_DIR=$PWD/no-config
	D=$BATS_FILE_TMPDIR
}

# repeat ARGS...: the repeat detector alone into 'out'; exit 0, no stderr.
repeat() {
	run -0 --separate-stderr to_file out fb-anomaly -p "$D/policy.conf" \
	    --detectors repeat "$@"
	[[ -z $stderr ]] || fail "fb-anomaly $*: stderr: $stderr"
}

# missed SEED: the planted repeats of truthSEED that no alert of 'out'
# matches (same customer and order, overlapping window), one a line.
missed() {
	jq -c --slurpfile a out 'select(.incident == "repeat") | . as $t |
	    select([$a[] | select(.key.customer == $t.customer and
	    .key.order_id == $t.order_id and .since <= $t.until and
	    .until >= $t.since)] | length == 0)' "$D/truth$1.ndjson"
}

# rec ID TS CUSTOMER ORDER TAG [LABEL]: one made-up item ("-" for no
# order); LABEL is the sentiment (default negative).
rec() {
	local order=
	[[ $2 =~ ^[0-9]+$ ]] && set -- "$1" "$(iso "$2")" "${@:3}"
	[[ $4 != - ]] && order=",\"order_id\":\"$4\""
	printf '{"id":"%s","ts":"%s","customer":{"id":"%s"}%s,"tags":["%s"],"sentiment":{"label":"%s"}}\n' \
	    "$1" "$2" "$3" "$order" "$5" "${6:-negative}"
}

T0=1790812800	# 2026-10-01T00:00:00Z
DAY=86400

@test "repeat: every planted repeat is found, seeds 3, 5, 7 (30 days) and 11 (90 days)" {
	local seed n
	for seed in 3 5 7 11 9; do
		n=$(jq -c 'select(.incident == "repeat")' "$D/truth$seed.ndjson" | wc -l)
		((n >= 3)) || fail "seed $seed: only $n repeats planted"
		repeat "$D/items$seed.ndjson"
		run -0 missed $seed
		[[ -z $output ]] || fail "seed $seed: missed $output"
	done
}

@test "repeat: each planted repeat is one alert with its count, severity and evidence" {
	repeat "$D/items3.ndjson"
	while read -r t; do
		c=$(jq -r .customer <<<"$t")
		o=$(jq -r .order_id <<<"$t")
		n=$(jq -r .count <<<"$t")
		run -0 jq -c --arg c "$c" --arg o "$o" \
		    'select(.key.customer == $c and .key.order_id == $o)' out
		(($(wc -l <<<"$output") == 1)) || fail "$c $o: $output"
		a=$output
		run -0 jq -e --argjson n "$n" --argjson t "$t" '
		    .type == "alert" and .detector == "repeat" and
		    (.key | keys == ["customer", "issue", "order_id", "tag"]) and
		    .key.issue == .key.order_id and (.key.tag | type) == "string" and
		    .observed == $n and .expected == 1 and .spread == 1 and
		    .score == $n - 1 and
		    .severity == (if $n >= 3 then "high" else "medium" end) and
		    (.evidence | length) == $n and
		    .since == $t.since and .until <= $t.until and
		    (.channels | length) >= 1 and (.summary | test($t.customer))' \
		    <<<"$a"
		# the evidence is that customer's items about that order
		for id in $(jq -r '.evidence[]' <<<"$a"); do
			grep -F "\"id\":\"$id\"" "$D/items3.ndjson" > item
			run -0 jq -e --arg c "$c" --arg o "$o" \
			    '.customer.id == $c and .order_id == $o' item
		done
	done < <(jq -c 'select(.incident == "repeat")' "$D/truth3.ndjson")
}

@test "repeat: few alarms on --incidents none (ordinary customers may repeat)" {
	# measured: 0, 0, 2 and 0 on these; a repeat of the same tag by a
	# busy customer, three times in two weeks, is all they can be
	local seed total=0
	for seed in 3 5 7 11; do
		repeat "$D/clean$seed.ndjson"
		(($(lines out) <= 3)) || fail "seed $seed: $(lines out) alarms: $(cat out)"
		run -0 jq -e -s 'all(.key.order_id == null and .observed >= 3)' out
		total=$((total + $(lines out)))
	done
	((total <= 5)) || fail "$total alarms on 4 clean runs"
}

@test "repeat: twice about one order alarms once; two orders do not" {
	{
		rec a1 $T0 c-1 O-1 logistics/delay
		rec a2 $((T0 + 2 * DAY)) c-1 O-1 logistics/lost
		rec b1 $T0 c-2 O-2 logistics/delay
		rec b2 $((T0 + DAY)) c-2 O-3 logistics/delay
	} > two.ndjson
	repeat two.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key == {"customer": "c-1",
	    "issue": "O-1", "order_id": "O-1", "tag": "logistics/delay"} and
	    .[0].since == "2026-10-01T00:00:00Z" and
	    .[0].until == "2026-10-03T00:00:00Z" and
	    .[0].evidence == ["a1", "a2"] and .[0].observed == 2 and
	    .[0].severity == "medium" and
	    .[0].id == "anomaly:repeat:c-1:O-1:O-1:logistics/delay:20261001T000000Z"' out
}

@test "repeat: the window: 13 days apart is a repeat, 15 is not, unless --set" {
	{
		rec a1 $T0 c-1 O-1 product/defective
		rec a2 $((T0 + 13 * DAY)) c-1 O-1 product/defective
		rec b1 $T0 c-2 O-2 product/defective
		rec b2 $((T0 + 15 * DAY)) c-2 O-2 product/defective
	} > win.ndjson
	repeat win.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key.customer == "c-1"' out
	repeat --set repeat.window=20 win.ndjson
	run -0 jq -e -s 'length == 2' out
}

@test "repeat: three times is one alert, high; a fourth after the window is a new one" {
	{
		rec a1 $T0 c-1 O-1 order/billing
		rec a2 $((T0 + DAY)) c-1 O-1 order/billing
		rec a3 $((T0 + 3 * DAY)) c-1 O-1 order/billing
		rec a4 $((T0 + 40 * DAY)) c-1 O-1 order/billing
		rec a5 $((T0 + 41 * DAY)) c-1 O-1 order/billing
	} > three.ndjson
	repeat three.ndjson
	run -0 jq -e -s 'length == 2 and .[0].observed == 3 and
	    .[0].severity == "high" and .[0].evidence == ["a1", "a2", "a3"] and
	    .[1].observed == 2 and .[1].evidence == ["a4", "a5"]' out
}

@test "repeat: without an order the tag is the issue, and needs 3 complaints" {
	{
		rec a1 $T0 c-1 - platform/login
		rec a2 $((T0 + DAY)) c-1 - platform/login
		rec b1 $T0 c-2 - platform/crash
		rec b2 $((T0 + DAY)) c-2 - platform/crash
		rec b3 $((T0 + 2 * DAY)) c-2 - platform/crash
		# praise is no problem: no issue
		rec p1 $T0 c-3 - praise positive
		rec p2 $((T0 + DAY)) c-3 - praise positive
		rec p3 $((T0 + 2 * DAY)) c-3 - praise positive
	} > tags.ndjson
	repeat tags.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key == {"customer": "c-2",
	    "issue": "platform/crash", "order_id": null,
	    "tag": "platform/crash"} and .[0].observed == 3' out
	repeat --set repeat.tag_min_count=2 tags.ndjson
	run -0 jq -e -s 'length == 2' out
}

@test "repeat: copies within the hour are one contact; positive words do not count" {
	{
		# three posts in ten minutes, then nothing: one contact
		rec a1 $T0 c-1 O-1 service/attitude
		rec a2 $((T0 + 300)) c-1 O-1 service/attitude
		rec a3 $((T0 + 600)) c-1 O-1 service/attitude
		# a complaint, then thanks about the same order
		rec b1 $T0 c-2 O-2 logistics/delay
		rec b2 $((T0 + DAY)) c-2 O-2 praise positive
		# a complaint, then a neutral note the tagger missed: counts
		rec c1 $T0 c-3 O-3 logistics/delay
		rec c2 $((T0 + DAY)) c-3 O-3 other neutral
	} > contact.ndjson
	repeat contact.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key.customer == "c-3" and
	    .[0].evidence == ["c1", "c2"]' out
}

@test "repeat: memory: a year of one-off complaints takes what a month does" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	# 100 new customers a day, each complaining once about an order: they
	# are forgotten 14 days on, so a year's peak memory is a month's.
	# ASan keeps freed blocks in quarantine (256 MB): a sanitized run
	# gets a small one, and more room.
	local slack=1024 n rss30 rss365
	if [[ -n ${FB_TEST_SANITIZE:-} ]] ||
	    ldd "$(command -v fb-anomaly)" 2>/dev/null | grep -q libasan; then
		slack=$((8 * 1024))
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1
	fi
	for n in 30 365; do
		awk -v t0=$T0 -v n=$n 'BEGIN {
			for (d = 0; d < n; d++)
				for (i = 0; i < 100; i++)
					printf("{\"id\":\"m-%d-%d\",\"ts\":\"%s\",\"customer\":{\"id\":\"c-%d-%d\"},\"order_id\":\"O-%d-%d\",\"tags\":[\"logistics/delay\"],\"sentiment\":{\"label\":\"negative\"}}\n",
					    d, i, strftime("%Y-%m-%dT%H:%M:%SZ",
					    t0 + d * 86400 + i * 800, 1), d, i, d, i)
		}' > days$n.ndjson
		run -0 --separate-stderr /usr/bin/time -f %M -o rss$n \
		    fb-anomaly -p "$D/policy.conf" --detectors repeat days$n.ndjson
		[[ -z $output ]] || fail "$n days: $output"
	done
	rss30=$(tail -1 rss30)
	rss365=$(tail -1 rss365)
	((rss365 - rss30 <= slack)) ||
	    fail "peak RSS: $rss30 KB for 30 days, $rss365 KB for 365"
}
