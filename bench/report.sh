#!/usr/bin/env bash
# bench/report.sh: fb-report on a month of tagged, ranked and routed
# feedback with its lifecycle events, against cat and the jq and Miller
# commands an analyst would write for one piece of the report, in one run.
# Usage: bench/report.sh [ITEMS] (default 1000000 items over 30 days, with
# about 5 events each).  Prints MB/s, input lines/s and peak RSS (medians
# of 3 runs).
#
# What it shows besides speed: memory follows the groups (and the items
# still open), not the records -- a quarter of the month is run for
# contrast -- and four --partial shards merged give the single run's
# report byte for byte.
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# shellcheck source=bench/lib.sh source-path=SCRIPTDIR/..
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/equivalents.sh source-path=SCRIPTDIR/..
. "$ROOT/bench/equivalents.sh"
NOW=2026-10-31T00:00:00Z

"$BIN/fb-gen" --seed 1 --count "$N" --days 30 --format record |
    "$BIN/fb-tag" | "$BIN/fb-rank" | "$BIN/fb-route" |
    "$BIN/fb-gen" --events --now "$NOW" > "$W/in.ndjson"
head -n "$(($(wc -l < "$W/in.ndjson") / 4))" "$W/in.ndjson" > "$W/quarter.ndjson"
bytes=$(stat -c %s "$W/in.ndjson")
lines=$(wc -l < "$W/in.ndjson")
printf 'input: %d items, %d lines (items and events), %.1f MB of NDJSON\n' \
    "$N" "$lines" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
"$BIN/fb-report" -q -f json --now "$NOW" "$W/in.ndjson" |
    jq -r '"\(.summary.items) items, \(.summary.open) open; groups: " +
      ([.tables[] | "\(.name) \(.groups)"] | join(", "))'
echo
# bench_run counts records per second; here the input lines
N=$lines
bench_header lines

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'fb-report -f json (every section)' \
    "'$BIN/fb-report' -q -f json --now $NOW '$W/in.ndjson'"
bench_run 'fb-report (text)' \
    "'$BIN/fb-report' -q --now $NOW '$W/in.ndjson'"
bench_run 'fb-report -f html' \
    "'$BIN/fb-report' -q -f html --now $NOW '$W/in.ndjson'"
bench_run 'fb-report -g channel -t summary,by' \
    "'$BIN/fb-report' -q -g channel --now $NOW '$W/in.ndjson'"
# its own size and lines, so that MB/s compare; RSS is the point
all_bytes=$bytes all_lines=$N
bytes=$(stat -c %s "$W/quarter.ndjson") N=$(wc -l < "$W/quarter.ndjson")
bench_run 'fb-report -f json, a quarter of the month' \
    "'$BIN/fb-report' -q -f json --now $NOW '$W/quarter.ndjson'"
bytes=$all_bytes N=$all_lines

# four shards by item id (an item with its events), as a map step would
awk -v d="$W" '{
	c = match($0, /"id":"[^"]*"/) ? substr($0, RSTART + RLENGTH - 2, 1) : "0"
	print > (d "/shard." index("0123456789abcdef", c) % 4) }' "$W/in.ndjson"
bench_run 'fb-report --partial x4 (2 at a time) | --merge' \
    "ls '$W'/shard.? | xargs -P 2 -I{} sh -c \"'$BIN/fb-report' -q --partial --now $NOW {} > {}.state\" &&
     cat '$W'/shard.?.state | '$BIN/fb-report' -q --merge -f json --now $NOW"
"$BIN/fb-report" -q -f json --now "$NOW" "$W/in.ndjson" > "$W/single"
for f in "$W"/shard.?; do
	"$BIN/fb-report" -q --partial --now "$NOW" "$f" > "$f.state"
done
cat "$W"/shard.?.state | "$BIN/fb-report" -q --merge -f json --now "$NOW" > "$W/merged"
if cmp -s "$W/single" "$W/merged"; then
	echo '  four shards merged = one run: identical'
else
	echo '  four shards merged differ from one run'
fi

if command -v jq > /dev/null; then
	bench_run 'jq -r (items: channel, category) | sort | uniq -c' \
	    "jq -r '$JQ_GROUP' '$W/in.ndjson' | sort | uniq -c"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr --ijsonl count-distinct -f channel,category' \
	    "mlr --ijsonl --ojsonl filter '$MLR_GROUP' then count-distinct -f channel,category '$W/in.ndjson'"
fi
