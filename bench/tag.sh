#!/usr/bin/env bash
# bench/tag.sh: fb-tag against cat and the jq and Miller commands an analyst
# would write for a per-record enrichment, on the same fb-gen records in one
# run.  Usage: bench/tag.sh [RECORDS] (default 1000000, about 470 MB).
# Prints MB/s, records/s and peak RSS (medians of 3 runs); tools that are
# not installed are skipped (Debian: jq, miller).
#
# The jq and Miller programs (bench/equivalents.sh: JQ_TAG, MLR_TAG) are
# far simpler than fb-tag: six keyword tests for tags, a keyword sentiment
# and a length-based quality.  They are there so that anyone can see what
# "comparable enrichment" means and rerun it; fb-tag matches some 8,000
# phrases with negation and contrast and scores a 2-million-weight model
# for each record.
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

# shellcheck disable=SC2119 # no stages: the records as fb-gen makes them
bench_records

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'fb-tag' "'$BIN/fb-tag' '$W/in.ndjson'"
if command -v jq > /dev/null; then
	bench_run 'jq -c (6 keyword tags, sentiment, quality)' "jq -c '$JQ_TAG' '$W/in.ndjson'"
	bench_run 'jq -c ". + {tagged: true}"' "jq -c '. + {tagged: true}' '$W/in.ndjson'"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr put (6 keyword tags, sentiment)' "mlr --ijsonl --ojsonl put '$MLR_TAG' '$W/in.ndjson'"
fi
