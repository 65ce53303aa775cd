#!/usr/bin/env bash
# bench/anomaly.sh: fb-anomaly's quality and speed, in one run.
# Usage: bench/anomaly.sh [ITEMS] (default 1000000 for the speed run).
#
# Quality: on fb-gen data with planted incidents (its --truth file), per
# detector how many incidents were found (recall) and how many alerts
# name a planted incident (precision), over several seeds, 30 days and
# 120 days; and the alerts on the same data without incidents (false
# alarms: there fb-gen plants nothing).  bench/anomaly-score matches.
# Speed: MB/s and peak RSS over ITEMS tagged records, against cat and the
# jq and Miller commands for one piece of the job (negative items per SKU).
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
NOW=2026-12-31T00:00:00Z

echo '== quality: planted incidents found (recall) and alerts that name one (precision)'
for spec in "1 30 40000" "2 30 40000" "3 30 40000" "4 120 80000" "5 120 80000"; do
	read -r seed days count <<< "$spec"
	"$BIN/fb-gen" --seed "$seed" --count "$count" --days "$days" \
	    --format record --truth "$W/truth.$seed" | "$BIN/fb-tag" > "$W/in.$seed"
	"$BIN/fb-anomaly" -q --now "$NOW" "$W/in.$seed" > "$W/alerts.$seed"
	echo "-- seed $seed, $days days, $count items"
	"$ROOT/bench/anomaly-score" "$W/truth.$seed" "$W/alerts.$seed" | column -t
	"$BIN/fb-gen" --seed "$seed" --count "$count" --days "$days" \
	    --format record --incidents none | "$BIN/fb-tag" |
	    "$BIN/fb-anomaly" -q --now "$NOW" > "$W/clean.$seed"
	clean=$(jq -r .detector "$W/clean.$seed" | sort | uniq -c | tr -s ' \n' ' ')
	printf '   false alarms without incidents: %s\n' "${clean:-none}"
done
echo

"$BIN/fb-gen" --seed 1 --count "$N" --days 30 --format record | "$BIN/fb-tag" > "$W/big.ndjson"
bytes=$(stat -c %s "$W/big.ndjson")
printf 'speed: %d tagged records, %.1f MB of NDJSON\n\n' "$N" \
    "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
bench_header records
bench_run 'cat' "cat '$W/big.ndjson'"
bench_run 'fb-anomaly (all five detectors)' "'$BIN/fb-anomaly' -q --now $NOW '$W/big.ndjson'"
for d in sku volume burst trend repeat; do
	bench_run "fb-anomaly -d $d" "'$BIN/fb-anomaly' -q -d $d --now $NOW '$W/big.ndjson'"
done
if command -v jq > /dev/null; then
	bench_run 'jq -r (negative: sku) | sort | uniq -c' \
	    "jq -r '$JQ_ANOMALY' '$W/big.ndjson' | sort | uniq -c"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr count -g sku (negative)' \
	    "mlr --ijsonl --ojsonl filter '$MLR_ANOMALY' then count -g sku '$W/big.ndjson'"
fi
