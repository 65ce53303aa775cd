#!/usr/bin/env bats
# fb-anomaly-trend.bats: the trend detector (cmd/fb-anomaly/trend.c): a
# complaint tag's share growing over min_growth (10%) a month for three
# months, or as much in total over a shorter span, in calendar months or,
# with less than three whole months of data, in 10-day periods.
#
# Data: fb-gen with its growth incident, whose tag rises by 15% a month
# over 90 days or more, or by a steeper rate to the same 52.1% over a
# shorter span; 60000 items, so that a 30-day rise of 52% stands out of
# the Poisson noise (at 20000 items a month about half the rises are
# found: see the report), for --days 30 (seeds 3, 4, 13) and --days 120
# (seeds 3, 5, 10) -- seeds whose growth tag fb-tag recognises (it misses
# most of platform/performance and marketing/coupon, seeds 6, 7, 8) --,
# the same spans with --incidents none, and made-up days (awk below:
# 2026-09-01 is 1788220800).
#
# Every run names its policy, a bare [trend] section, so the defaults
# tested are the code's.

load helper

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export TZ=UTC
	local seed days
	for days in 30 120; do
		case $days in
		30) seeds="3 4 13" ;;
		120) seeds="3 5 10" ;;
		esac
		for seed in $seeds; do
			fb-gen --seed $seed --count 60000 --days $days \
			    --format record --truth truth$days-$seed.ndjson |
			    fb-tag > items$days-$seed.ndjson
		done
		fb-gen --seed 3 --count 60000 --days $days --format record \
		    --incidents none | fb-tag > clean$days.ndjson
	done
	printf '[trend]\n' > policy.conf
}

setup() {
	common_setup
	export FB_CONFIG_DIR=$PWD/no-config
	D=$BATS_FILE_TMPDIR
}

# trend ARGS...: the trend detector alone into 'out'; exit 0, no stderr.
trend() {
	run -0 --separate-stderr to_file out fb-anomaly -p "$D/policy.conf" \
	    --detectors trend "$@"
	[[ -z $stderr ]] || fail "fb-anomaly $*: stderr: $stderr"
}

# growth_alerts TRUTH: the alerts of 'out' on the planted growth: its tag,
# a window overlapping the planted one.
growth_alerts() {
	jq -c --slurpfile t <(jq -c 'select(.incident == "growth")' "$1") \
	    '$t[0] as $g | select(.key.tag == $g.tag and
	    .since < $g.until and .until > $g.since)' out
}

@test "trend: the planted growth is found on --days 30 (10-day periods), seeds 3, 4, 13" {
	local seed
	for seed in 3 4 13; do
		trend "$D/items30-$seed.ndjson"
		run -0 growth_alerts "$D/truth30-$seed.ndjson"
		[[ -n $output ]] || fail "seed $seed: no alert on the growth" \
		    "$(jq -c 'select(.incident == "growth")' "$D/truth30-$seed.ndjson")" \
		    "alerts: $(cat out)"
		run -0 jq -e '.period == "days" and .period_days == 10' <<<"$output"
	done
}

@test "trend: the planted growth is found on --days 120 (months), seeds 3, 5, 10" {
	local seed
	for seed in 3 5 10; do
		trend "$D/items120-$seed.ndjson"
		run -0 growth_alerts "$D/truth120-$seed.ndjson"
		[[ -n $output ]] || fail "seed $seed: no alert on the growth" \
		    "$(jq -c 'select(.incident == "growth")' "$D/truth120-$seed.ndjson")" \
		    "alerts: $(cat out)"
		# four calendar months, October to January
		run -0 jq -e '.period == "month" and (.periods | length) >= 3' \
		    <<<"$output"
	done
}

@test "trend: no trend alarm on --incidents none, 30 and 120 days" {
	# measured: none on seed 3; over 9 seeds x 3 spans at most 1 a run
	trend "$D/clean30.ndjson"
	(($(lines out) == 0)) || fail "30 days: $(cat out)"
	trend "$D/clean120.ndjson"
	(($(lines out) <= 1)) || fail "120 days: $(cat out)"
}

@test "trend: the alert has every field, worked out as documented" {
	trend "$D/items120-3.ndjson"
	run -0 growth_alerts "$D/truth120-3.ndjson"
	a=$output
	tag=$(jq -r .key.tag <<<"$a")
	run -0 jq -e '.type == "alert" and .detector == "trend" and
	    (.key | keys == ["tag"]) and
	    .id == "anomaly:trend:\(.key.tag):" + (.since | gsub("[-:]"; "")) and
	    .since < .until and
	    # three months of 10%: 33.1% at least
	    .observed >= 0.331 and .monthly_growth >= 0.10 and
	    (.expected | type) == "number" and .spread > 0 and
	    ((.score - (.observed - .expected) / .spread) | fabs) < 0.01 and
	    (.severity == "medium" or .severity == "high") and
	    (.evidence | length) > 0 and (.summary | test("grew")) and
	    (.periods | all(.count >= 20 and .share > 0 and
	        (.start | type) == "string")) and
	    .periods[0].start == .since and
	    .periods[-1].share > .periods[0].share' <<<"$a"
	# the evidence is items of the tag
	for id in $(jq -r '.evidence[]' <<<"$a"); do
		grep -F "\"id\":\"$id\"" "$D/items120-3.ndjson" > item
		run -0 jq -e --arg t "$tag" '.tags | index($t) != null' item
	done
}

@test "trend: small counts do not alarm: 1 -> 2 -> 4 -> 8 a period" {
	# a tag doubling every 10 days, but from 1 to 8 items a period
	awk 'BEGIN {
		t0 = 1788220800
		for (d = 0; d < 40; d++) {
			k = (d % 10 == 0) ? 2 ^ int(d / 10) : 0
			for (i = 0; i < 200 + k; i++)
				printf("{\"id\":\"s-%d-%d\",\"ts\":\"%s\",\"tags\":[\"%s\"]}\n",
				    d, i, strftime("%Y-%m-%dT%H:%M:%SZ",
				    t0 + d * 86400 + i * 400, 1),
				    i < k ? "platform/crash" : "praise")
		}
	}' > small.ndjson
	trend small.ndjson
	(($(lines out) == 0)) || fail "$(cat out)"
	# the same doubling at 20 times the counts alarms: min_count did it
	awk 'BEGIN {
		t0 = 1788220800
		for (d = 0; d < 40; d++) {
			k = 2 * 2 ^ int(d / 10)
			for (i = 0; i < 200 + k; i++)
				printf("{\"id\":\"b-%d-%d\",\"ts\":\"%s\",\"tags\":[\"%s\"]}\n",
				    d, i, strftime("%Y-%m-%dT%H:%M:%SZ",
				    t0 + d * 86400 + i * 400, 1),
				    i < k ? "platform/crash" : "praise")
		}
	}' > big.ndjson
	trend big.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key.tag == "platform/crash" and
	    (.[0].periods | map(.count)) == [20, 40, 80, 160]' out
}

@test "trend: a one-day spike in the last period is not growth" {
	# 40 days of 20 crash complaints a day in 200 items; day 35 has 400
	awk 'BEGIN {
		t0 = 1788220800
		for (d = 0; d < 40; d++) {
			k = d == 35 ? 400 : 20
			for (i = 0; i < 200 + k; i++)
				printf("{\"id\":\"p-%d-%d\",\"ts\":\"%s\",\"tags\":[\"%s\"]}\n",
				    d, i, strftime("%Y-%m-%dT%H:%M:%SZ",
				    t0 + d * 86400 + int(i * 86400 / (200 + k)), 1),
				    i < k ? "platform/crash" : "praise")
		}
	}' > spike.ndjson
	trend spike.ndjson
	(($(lines out) == 0)) || fail "$(cat out)"
}

@test "trend: steady growth of 15% a month over 4 months alarms; under min_growth it does not" {
	# 4 calendar months from 2026-09-01, crash complaints growing by a
	# factor g a month, smoothly, 100 to 150 a day among 1000 items
	mk() {
		awk -v g="$1" 'BEGIN {
			t0 = 1788220800
			for (d = 0; d < 122; d++) {
				k = int(100 * g ^ (d / 30.4375) + 0.5)
				for (i = 0; i < 1000; i++)
					printf("{\"id\":\"g-%d-%d\",\"ts\":\"%s\",\"tags\":[\"%s\"]}\n",
					    d, i, strftime("%Y-%m-%dT%H:%M:%SZ",
					    t0 + d * 86400 + i * 86, 1),
					    i < k ? "platform/crash" : "praise")
			}
		}'
	}
	mk 1.15 > g15.ndjson
	trend g15.ndjson
	run -0 jq -e -s 'length == 1 and .[0].key.tag == "platform/crash" and
	    .[0].period == "month" and (.[0].periods | length) == 4 and
	    (.[0].monthly_growth - 0.15 | fabs) < 0.01 and
	    .[0].rule == "every_step" and
	    .[0].since == "2026-09-01T00:00:00Z" and
	    .[0].until == "2027-01-01T00:00:00Z"' out
	mk 1.05 > g05.ndjson
	trend g05.ndjson
	(($(lines out) == 0)) || fail "5% a month: $(cat out)"
	# --set lowers the bar
	trend --set trend.min_growth=0.03 g05.ndjson
	run -0 jq -e -s 'length == 1' out
}
