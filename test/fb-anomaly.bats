#!/usr/bin/env bats
# fb-anomaly.bats: the command as a whole (fb-anomaly(1)): every incident
# fb-gen plants is found by its detector, and the command's own behaviour:
# the policy file and --set, bad input, events skipped, the alert's
# fields, help, man page and completion.  Each detector has its own file,
# test/fb-anomaly-DETECTOR.bats, for its method and its hard cases.

load helper

NOW=2026-12-01T00:00:00Z

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	# as common_setup has it for the tests
	export LC_ALL=C TZ=UTC
	unset FB_STORE FB_DATADIR
	export FB_CONFIG_DIR=$BATS_FILE_TMPDIR/no-config
	# a month with one incident of every kind, tagged as the store has it
	fb-gen --seed 3 --count 30000 --days 30 --format record \
	    --truth truth.ndjson | fb-tag > items.ndjson
	fb-anomaly -q --now "$NOW" items.ndjson > alerts.ndjson
}

setup() {
	common_setup
	export FB_CONFIG_DIR=$PWD/no-config
	D=$BATS_FILE_TMPDIR
}

@test "every incident fb-gen planted is found by its detector" {
	# one line per incident no alert names; none may be missed
	run "$FB_ROOT/bench/anomaly-score" --missed "$D/truth.ndjson" "$D/alerts.ndjson"
	assert_success
	assert_output ''
	# and every kind was planted, so that the test covers each detector
	run -0 jq -rs '[.[].incident] | unique | join(",")' "$D/truth.ndjson"
	assert_output 'burst,growth,repeat,sku,surge'
}

@test "an alert has every field, a stable id and evidence from the input" {
	run -0 jq -e -s 'length > 0 and all(.[];
	    .type == "alert" and (.detector as $d | .id | startswith("anomaly:" + $d + ":")) and
	    (.detector | IN("sku", "volume", "burst", "trend", "repeat")) and
	    (.key | type == "object") and (.since <= .until) and
	    (.observed | type == "number") and (.expected | type == "number") and
	    (.spread | type == "number") and (.score | type == "number") and
	    (.severity | IN("low", "medium", "high", "critical")) and
	    (.evidence | type == "array" and length >= 1 and length <= 10) and
	    (.summary | type == "string" and length > 0))' "$D/alerts.ndjson"
	# evidence ids are items of the input
	jq -r .id "$D/items.ndjson" | sort -u > ids
	jq -r '.evidence[]' "$D/alerts.ndjson" | sort -u > evidence
	run -0 comm -13 ids evidence
	assert_output ''
	# the same input, the same alerts, byte for byte
	fb-anomaly -q --now "$NOW" "$D/items.ndjson" | cmp - "$D/alerts.ndjson"
}

@test "events and alerts in the input are skipped; bad lines are rejected with FILE:LINE" {
	{
		head -200 "$D/items.ndjson"
		echo '{"type":"event","id":"x","event":"closed","ts":"2026-10-01T00:00:00Z"}'
		echo 'not json'
		echo '{"text":"no id or ts"}'
		tail -n +201 "$D/items.ndjson"
	} > mixed.ndjson
	run -1 --separate-stderr to_file got fb-anomaly --now "$NOW" mixed.ndjson
	[[ $stderr == *"mixed.ndjson:202: invalid JSON"* && $stderr == *"mixed.ndjson:203: an item needs an id"* ]] ||
	    fail "stderr: $stderr"
	# and the rest is read as if they were not there
	[[ -s got ]] || fail "no alerts"
	cmp got "$D/alerts.ndjson"
}

@test "the policy: defaults from anomaly.conf, errors name FILE:LINE, --set overrides" {
	printf '[sku]\nmin_volume 100000\n' > high.conf
	run -0 fb-anomaly -d sku -p high.conf --now "$NOW" "$D/items.ndjson"
	assert_output ''
	run -0 fb-anomaly -d sku -p high.conf --set sku.min_volume=20 --now "$NOW" "$D/items.ndjson"
	[[ -n $output ]] || fail "--set did not lower the bar"
	printf '[sku]\nmin_volume lots\n' > bad.conf
	run -2 fb-anomaly -d sku -p bad.conf "$D/items.ndjson"
	assert_output "fb-anomaly: bad.conf:2: sku.min_volume: 'lots' is not a number"
	printf 'min_volume 3\n' > nosection.conf
	run -2 fb-anomaly -p nosection.conf "$D/items.ndjson"
	assert_output "fb-anomaly: nosection.conf:1: 'min_volume' before any [section]"
	printf '[nosuch]\n' > unknown.conf
	run -2 fb-anomaly -p unknown.conf "$D/items.ndjson"
	assert_output --partial "unknown.conf:1: unknown detector 'nosuch'"
	run -2 fb-anomaly --set sku.min_volume "$D/items.ndjson"
	assert_output "fb-anomaly: --set: DETECTOR.KEY=VALUE, not 'sku.min_volume'"
	run -2 fb-anomaly -d sku,nosuch "$D/items.ndjson"
	assert_output --partial "--detectors: unknown detector 'nosuch'"
}

@test "the shipped policy has a commented section for every detector" {
	local d
	for d in sku volume burst trend repeat; do
		grep -qx "\[$d\]" "$FB_ROOT/share/fb/anomaly.conf" ||
		    errs+=("no [$d] in anomaly.conf")
	done
	fail_if_errors
}

@test "--since and --until: only items in the window are looked at" {
	run -0 fb-anomaly -q -d repeat --now "$NOW" --since 2030-01-01 "$D/items.ndjson"
	assert_output ''
	run -2 fb-anomaly --since 2026-10-10 --until 2026-10-01 "$D/items.ndjson"
	assert_output 'fb-anomaly: --since must come before --until'
}

@test "--help, --version, the man page's options and bash completion" {
	run -0 fb-anomaly --help
	assert_line --index 0 --regexp '^usage: fb-anomaly '
	run -0 fb-anomaly --version
	assert_regex "$output" '^fb-anomaly [0-9]+\.[0-9]+\.[0-9]+$'
	if command -v mandoc > /dev/null; then
		# shellcheck disable=SC2034 # man_lacks_options sets it
		local man
		man_lacks_options fb-anomaly
	fi
	assert_equal "$(complete_bash fb-anomaly -d sku,b)" "sku,burst"
	assert_equal "$(complete_bash fb-anomaly --detectors "")" "burst repeat sku trend volume"
	assert_equal "$(complete_bash fb-anomaly --se)" "--set"
	fail_if_errors
}
