#!/usr/bin/env bats
# parallel.bats: the stages run on many cores with GNU parallel give what
# one process gives (DESIGN.md 5, README "Many cores, many hosts").
# Per-record stages: the same lines, as a multiset (parallel --pipe
# keeps no order unless told to).  Aggregating stages: --partial on each
# block, --merge as the reduce step, equal to the single run byte for
# byte.  Blocks are small so that the input really is cut in many places,
# between an item and its events too.

load helper

NOW=2026-10-31T12:00:00Z

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export LC_ALL=C TZ=UTC
	unset FB_STORE FB_CONFIG_DIR FB_DATADIR
	command -v parallel > /dev/null || return 0
	fb-gen --seed 21 --count 6000 --days 30 --format ndjson > raw.ndjson
	fb-ingest raw.ndjson > items.ndjson
	fb-tag < items.ndjson | fb-rank | fb-route > routed.ndjson
	fb-gen --events --now "$NOW" < routed.ndjson > events.ndjson
}

setup() {
	common_setup
	command -v parallel > /dev/null ||
	    skip "GNU parallel is not installed (make deps)"
	D=$BATS_FILE_TMPDIR
}

# pipe ARGS...: parallel --pipe in 64 KB blocks on 4 jobs
pipe() {
	parallel --pipe --block 64k -j 4 "$@"
}

@test "fb-tag and fb-route in parallel: the serial output's lines" {
	fb-tag < "$D/items.ndjson" | sort > serial
	pipe fb-tag < "$D/items.ndjson" | sort > par
	[[ $(wc -l < par) -eq 6000 ]] || fail "$(wc -l < par) lines, not 6000"
	cmp serial par
	fb-tag < "$D/items.ndjson" | fb-rank > ranked
	fb-route < ranked | sort > serial
	pipe fb-route < ranked | sort > par
	cmp serial par
}

@test "fb-ingest in parallel over files: the serial output's lines" {
	# by file, not by block: a record's source names its file and line
	split -n l/4 -d "$D/raw.ndjson" part.
	fb-ingest part.0? | sort > serial
	parallel -j 4 fb-ingest ::: part.0? | sort > par
	[[ $(wc -l < par) -eq 6000 ]] || fail "$(wc -l < par) lines, not 6000"
	cmp serial par
}

@test "fb-rank in parallel: only what it remembers of the stream differs" {
	# a customer's earlier complaints and similar ones (history,
	# spread, the repeat flag) are those its process saw: a block
	# sees fewer
	fb-tag < "$D/items.ndjson" > tagged
	fb-rank < tagged > serial.ndjson
	pipe fb-rank < tagged > par.ndjson
	strip='del(.rank_factors.history, .rank_factors.spread, .rank_factors.flags, .urgency, .priority)'
	jq -c "$strip" serial.ndjson | sort > serial
	jq -c "$strip" par.ndjson | sort > par
	cmp serial par
	# and it does differ, or this test would show nothing
	sort serial.ndjson > a
	sort par.ndjson > b
	! cmp -s a b
}

@test "fb-report: --partial per block, then --merge, equals one run" {
	local win=(--now "$NOW" --since 2026-10-08 --until 2026-10-22)
	fb-report -q "${win[@]}" -f json "$D/events.ndjson" > single
	# an item and its events may land in two blocks: hold every item
	# to the end of its block, and join them in --merge
	pipe fb-report -q "${win[@]}" --lateness inf --partial \
	    < "$D/events.ndjson" > states
	[[ $(grep -c '"report_partial"' states) -gt 4 ]] ||
	    fail "the input was not cut into many blocks"
	fb-report -q "${win[@]}" --merge -f json states > merged
	cmp single merged
	# as a Hadoop reducer gets them: sorted, the headers last
	sort states | fb-report -q "${win[@]}" --merge -f json > merged
	cmp single merged
}

@test "fb-sla: --summary --partial per block, then --merge, equals one run" {
	fb-sla -q --summary --now "$NOW" "$D/events.ndjson" > single
	pipe fb-sla -q --summary --partial --lateness inf --now "$NOW" \
	    < "$D/events.ndjson" > states
	fb-sla -q --merge states > merged
	cmp single merged
}
