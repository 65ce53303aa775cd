#!/usr/bin/env bash
# bench/rank.sh: fb-rank and fb-route against cat and the jq and Miller
# commands an analyst would write for the same single-stage enrichment, on
# the same tagged fb-gen records in one run.  Usage: bench/rank.sh
# [RECORDS] (default 1000000, about 560 MB once tagged).  Prints MB/s,
# records/s and peak RSS (medians of 3 runs); jq and Miller are skipped
# when not installed (Debian: jq, miller).
#
# The jq and Miller programs (bench/equivalents.sh) do less than fb-rank: a
# severity table, the sentiment, anger, tier and social channel, weighted
# the same way, but no customer history, no similar-complaint counting and
# no explanation (jq and Miller hold no state across records without
# slurping the input).  The jq and Miller routers are the shipped
# routes.conf written as one if-elif chain.
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

bench_records "$BIN/fb-tag"
"$BIN/fb-rank" "$W/in.ndjson" > "$W/ranked.ndjson"

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'fb-rank' "'$BIN/fb-rank' '$W/in.ndjson'"
bench_run 'fb-route (on ranked records)' "'$BIN/fb-route' '$W/ranked.ndjson'"
bench_run 'fb-rank | fb-route' "'$BIN/fb-rank' '$W/in.ndjson' | '$BIN/fb-route'"
if command -v jq > /dev/null; then
	bench_run 'jq -c (rank: weighted severity table)' "jq -c '$JQ_RANK' '$W/in.ndjson'"
	bench_run 'jq -c (route: routes.conf as if-elif)' "jq -c '$JQ_ROUTE' '$W/ranked.ndjson'"
	bench_run 'jq -c ". + {ranked: true}"' "jq -c '. + {ranked: true}' '$W/in.ndjson'"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr put (rank: weighted severity table)' \
	    "mlr --ijsonl --ojsonl put '$MLR_RANK' '$W/in.ndjson'"
	bench_run 'mlr put (route: routes.conf as if-elif)' \
	    "mlr --ijsonl --ojsonl put '$MLR_ROUTE' '$W/ranked.ndjson'"
fi
