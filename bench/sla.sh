#!/usr/bin/env bash
# bench/sla.sh: fb-sla on a month of feedback with its lifecycle events,
# against cat and the jq and Miller commands an analyst would write for a
# piece of the same job, in one run.  Usage: bench/sla.sh [ITEMS] (default
# 1000000 items over 30 days, with about 7 events each: some 1.4 GB).
# Prints MB/s, input lines/s and peak RSS (medians of 3 runs).
#
# What it shows besides speed: the summary's memory follows the items
# still open, not the items read -- the same input with its "closed"
# events removed (nothing ever closes) is run for contrast -- and four
# --partial shards merged give the single run's summary byte for byte.
# The jq programs do far less than fb-sla: they pick lines, the map step
# of a first-response report, with no folding by id, policy, pause,
# calendar or cycle (jq's reduce over a million ids runs at under 2 MB/s).
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/bench/lib.sh"
NOW=2026-10-31T00:00:00Z

"$BIN/fb-gen" --seed 1 --count "$N" --days 30 --format record |
    "$BIN/fb-gen" --events --now "$NOW" > "$W/in.ndjson"
grep -v '"event":"closed"' "$W/in.ndjson" > "$W/never-closed.ndjson"
bytes=$(stat -c %s "$W/in.ndjson")
lines=$(wc -l < "$W/in.ndjson")
printf 'input: %d items, %d lines (items and events), %.1f MB of NDJSON\n' \
    "$N" "$lines" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
"$BIN/fb-sla" --summary --now "$NOW" "$W/in.ndjson" 2> /dev/null |
    head -1 | jq -r '"as of \(.as_of): \(.items) items, \(.open) open"'
echo
# bench_run counts records per second; here the input lines
N=$lines
bench_header lines

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'fb-sla --summary' "'$BIN/fb-sla' -q --summary --now $NOW '$W/in.ndjson'"
bench_run 'fb-sla --summary (no item ever closes)' \
    "'$BIN/fb-sla' -q --summary --now $NOW '$W/never-closed.ndjson'"
bench_run 'fb-sla (annotate every item)' \
    "'$BIN/fb-sla' -q --now $NOW '$W/in.ndjson'"
bench_run 'fb-sla --breaches --within 30m' \
    "'$BIN/fb-sla' -q --breaches --within 30m --now $NOW '$W/in.ndjson'"

# four shards by lines, as parallel --pipe would cut them
split -n l/4 -d "$W/in.ndjson" "$W/shard."
bench_run 'fb-sla -s --partial x4 (2 at a time) | --merge' \
    "ls '$W'/shard.* | xargs -P 2 -I{} sh -c \"'$BIN/fb-sla' -q -s --partial --now $NOW {} > {}.state\" &&
     cat '$W'/shard.*.state | '$BIN/fb-sla' -q --merge"
"$BIN/fb-sla" -q --summary --now "$NOW" "$W/in.ndjson" > "$W/single"
for f in "$W"/shard.0?; do
	"$BIN/fb-sla" -q -s --partial --now "$NOW" "$f" > "$f.state"
done
cat "$W"/shard.0?.state | "$BIN/fb-sla" -q --merge > "$W/merged"
if cmp -s "$W/single" "$W/merged"; then
	echo '  four shards merged = one run: identical'
else
	echo '  four shards merged differ from one run'
fi

if command -v jq > /dev/null; then
	bench_run 'jq -c "select(.type == \"event\")"' \
	    "jq -c 'select(.type == \"event\")' '$W/in.ndjson'"
	bench_run 'jq -c (first responses: id, ts)' \
	    "jq -c 'select(.type == \"event\" and .event == \"first_response\") | [.id, .ts]' '$W/in.ndjson'"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr --ijsonl count-distinct -f event' \
	    "mlr --ijsonl --ojsonl count-distinct -f event '$W/in.ndjson'"
fi
