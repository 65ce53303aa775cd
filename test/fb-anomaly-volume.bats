#!/usr/bin/env bats
# fb-anomaly-volume.bats: the volume detector (cmd/fb-anomaly/volume.c):
# complaints per key per hour against a share-of-the-hour baseline, and
# the platform's total against an hour-of-week baseline with the
# promotion calendar.
#
# Data: fb-gen months with a planted regional logistics surge (seeds 3
# and 13: the surge on day 14 and on day 5, just past the 3 days of
# history the detector needs), the same months with --incidents none, and
# test/fixtures/fb-anomaly/volume-weekly.awk: four weeks from Monday
# 2026-09-07 whose weekday evenings (19-23h UTC) are three times as busy
# as weekend ones every week.  Day 16 of it is Wednesday 2026-09-23.
#
# Every run names its policy, a bare [volume] section, so the defaults
# tested are the code's.

load helper

WEEKLY=$FB_FIXTURES/fb-anomaly/volume-weekly.awk

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export TZ=UTC
	local seed
	for seed in 3 13; do
		fb-gen --seed $seed --count 8000 --days 21 --format record \
		    --truth truth$seed.ndjson | fb-tag > items$seed.ndjson
		fb-gen --seed $seed --count 8000 --days 21 --format record \
		    --incidents none | fb-tag > clean$seed.ndjson
	done
	awk -f "$WEEKLY" > weekly.ndjson
	awk -v promo=16 -f "$WEEKLY" > promo.ndjson
	awk -v extra=16 -f "$WEEKLY" > extra.ndjson
	printf '[volume]\n' > policy.conf
}

setup() {
	common_setup
	export FB_CONFIG_DIR=$PWD/no-config
	D=$BATS_FILE_TMPDIR
}

# volume ARGS...: the volume detector alone into 'out'; exit 0, no stderr.
volume() {
	run -0 --separate-stderr to_file out fb-anomaly -p "$D/policy.conf" \
	    --detectors volume "$@"
	[[ -z $stderr ]] || fail "fb-anomaly $*: stderr: $stderr"
}

# surge_alerts SEED: the alerts of 'out' on the surge of truthSEED: its
# province and logistics, a window overlapping the planted one.
surge_alerts() {
	jq -c --slurpfile t <(jq -c 'select(.incident == "surge")' \
	    "$D/truth$1.ndjson") '$t[0] as $s |
	    select(.key.province == $s.province and
	    .key.category == "logistics" and .since < $s.until and
	    .until > $s.since)' out
}

@test "volume: the planted regional logistics surge is found, seeds 3 and 13" {
	local seed
	for seed in 3 13; do
		volume "$D/items$seed.ndjson"
		run -0 surge_alerts $seed
		[[ -n $output ]] || fail "seed $seed: no alert on the surge" \
		    "$(jq -c 'select(.incident == "surge")' "$D/truth$seed.ndjson")"
		# one run of hours, not an alert per hour (36 hours planted;
		# the quiet night between its two days may split it in two)
		(($(wc -l <<<"$output") <= 2)) ||
		    fail "seed $seed: the surge split into $(wc -l <<<"$output") alerts"
	done
}

@test "volume: the surge's alert has every field, and evidence from the surge" {
	volume "$D/items3.ndjson"
	run -0 surge_alerts 3
	a=$(head -1 <<<"$output")
	prov=$(jq -r .key.province <<<"$a")
	run -0 jq -e '.type == "alert" and .detector == "volume" and
	    (.key | keys == ["category", "province"]) and
	    .id == "anomaly:volume:\(.key.province):logistics:" +
	        (.since | gsub("[-:]"; "")) and
	    (.since | test("T..:00:00Z$")) and (.until | test("T..:00:00Z$")) and
	    .since < .until and .observed > .expected + 5 and .spread > 0 and
	    .score >= 7 and (.severity | IN("medium", "high", "critical")) and
	    (.evidence | length >= 1 and length <= 10) and
	    (.summary | contains("logistics")) and .hours >= 1 and
	    .baseline == "share" and .share > 0 and .share < 0.2 and
	    .peak_observed > .peak_expected' <<<"$a"
	# evidence: complaints of that province about logistics in the window
	since=$(jq -r .since <<<"$a")
	until=$(jq -r .until <<<"$a")
	jq -r '.evidence[]' <<<"$a" | sort > evidence
	jq -r --arg p "$prov" --arg s "$since" --arg u "$until" 'select(
	    .region.province == $p and .category == "logistics" and
	    .ts >= $s and .ts < $u) | .id' "$D/items3.ndjson" | sort > surge
	run -0 comm -23 evidence surge
	assert_output ''
}

@test "volume: no alarm on the same months without incidents" {
	# measured: 0 alerts on seeds 3, 5, 7, 11, 13, 17 (8000 items, 21
	# days) and 3, 5, 7, 11 (20000 items, 30 days), seed 9 (60000, 90)
	local seed
	for seed in 3 13; do
		volume "$D/clean$seed.ndjson"
		run -0 cat out
		assert_output ''
	done
}

@test "volume: a weekday-evening peak every week raises no alarm" {
	# the fixture does peak: Wednesday 20h holds over twice Saturday 20h
	wed=$(grep -c '"ts":"2026-09-16T20:' "$D/weekly.ndjson")
	sat=$(grep -c '"ts":"2026-09-19T20:' "$D/weekly.ndjson")
	((wed > 2 * sat)) || fail "no evening peak: Wed $wed, Sat $sat"
	volume "$D/weekly.ndjson"
	run -0 cat out
	assert_output ''
}

@test "volume: a platform-wide surge on an ordinary evening is found by the total" {
	# Wednesday 2026-09-23 19-23h three times its usual evening, every
	# key alike: the total, not any key, alarms
	volume "$D/extra.ndjson"
	run -0 jq -c '[.key, .since <= "2026-09-23T22:00:00Z",
	    .until > "2026-09-23T19:00:00Z", .baseline]' out
	assert_output '[{"scope":"all"},true,true,"hour-of-week"]'
	run -0 jq -r .id out
	assert_output --regexp '^anomaly:volume:all:20260923T..0000Z$'
}

@test "volume: a promotion day in volume.promotions does not alarm when every key rises" {
	# 2026-09-23 twice as busy all day, every key alike: the keys never
	# alarm (the hour's own total carries the lift); the total alarms
	# unless the day is a promotion, at the default promotion_lift 2
	volume "$D/promo.ndjson"
	run -0 jq -c '[.key, .since >= "2026-09-23", .until <= "2026-09-24"]' out
	assert_output '[{"scope":"all"},true,true]'
	volume --set volume.promotions=2026-06-18,2026-09-23,2026-11-11 \
	    "$D/promo.ndjson"
	run -0 cat out
	assert_output ''
	# a day's own lift: told 1, the doubled day is a surge again
	volume --set volume.promotions=2026-09-23:1 "$D/promo.ndjson"
	run -0 jq -r '.key.scope' out
	assert_output 'all'
}

@test "volume: a flapping series alerts once within the hold, and apart without it" {
	# 12 extra Tianjin logistics complaints at 10h, 12h, 14h and 16h of
	# Monday 2026-09-28, about 0.5 an hour usually; 11h, 13h, 15h normal
	cp "$D/weekly.ndjson" flap.ndjson
	for h in 10 12 14 16; do
		for n in $(seq 10 21); do
			printf '{"id":"fb-flap%s%s","ts":"2026-09-28T%s:%s:00Z","channel":"app","category":"logistics","region":{"province":"天津市"},"sentiment":{"label":"negative","score":-0.9}}\n' \
			    "$h" "$n" "$h" "$n"
		done
	done >> flap.ndjson
	sort -t'"' -k8,8 flap.ndjson -o flap.ndjson
	volume flap.ndjson
	run -0 jq -c 'select(.key.province == "天津市") |
	    [.key.category, .since, .until, .observed, .hours]' out
	assert_output '["logistics","2026-09-28T10:00:00Z","2026-09-28T17:00:00Z",'"$(jq -s '[.[] | select(.region.province == "天津市" and .category == "logistics" and (.ts | test("^2026-09-28T1[0246]:")))] | length' flap.ndjson)"',4]'
	# hold 1: a quiet hour ends the run, four alerts
	volume --set volume.hold=1 flap.ndjson
	run -0 jq -r 'select(.key.province == "天津市") | .since' out
	assert_output "$(printf '2026-09-28T%s:00:00Z\n' 10 12 14 16)"
}

@test "volume: bad settings are refused with exit 2" {
	run -2 fb-anomaly -p "$D/policy.conf" --detectors volume \
	    --set volume.keys=region+colour /dev/null
	assert_output --partial "unknown field 'colour'"
	run -2 fb-anomaly -p "$D/policy.conf" --detectors volume \
	    --set volume.promotions=2026-13-01 /dev/null
	assert_output --partial "not a date"
	run -2 fb-anomaly -p "$D/policy.conf" --detectors volume \
	    --set volume.threshold=x /dev/null
	run -2 fb-anomaly -p "$D/policy.conf" --detectors volume \
	    --set volume.shape=0 /dev/null
	assert_output --partial "shape must be between"
}
