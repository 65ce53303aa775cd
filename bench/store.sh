#!/usr/bin/env bash
# bench/store.sh: fb-store throughput and memory against cat, gzip, zcat and
# jq on the same fb-gen records, in one run.  Usage: bench/store.sh [N]
# (default 200000 records).  Prints MB/s, records/s and peak RSS; medians
# of 3 runs.
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/bench/lib.sh"

# shellcheck disable=SC2119 # no stages: the records as fb-gen makes them
bench_records

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'gzip -6' "gzip -6 -c '$W/in.ndjson'"
bench_run 'jq -c . (parse and print)' "jq -c . '$W/in.ndjson'"
BENCH_BEFORE="rm -rf '$W/st'" bench_run 'fb-store append' \
    "'$BIN/fb-store' -s '$W/st' append '$W/in.ndjson'"
bench_run 'fb-store append --dedup (all dups)' \
    "'$BIN/fb-store' -s '$W/st' -q append --dedup '$W/in.ndjson'"
"$BIN/fb-store" -s "$W/st" rotate
bench_run 'zcat (the sealed segments)' "zcat '$W'/st/*.gz"
bench_run 'fb-store cat' "'$BIN/fb-store' -s '$W/st' cat"
bench_run 'fb-store cat --since (last 3 days)' \
    "'$BIN/fb-store' -s '$W/st' cat --since 2026-10-28T00:00:00Z"
bench_run 'jq select (the same window)' \
    "zcat '$W'/st/*.gz | jq -c 'select(.ts >= \"2026-10-28T00:00:00Z\")'"
