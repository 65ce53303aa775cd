#!/usr/bin/env bash
# bench/ingest.sh: CSV exports to records with fb-ingest, against cat and
# the jq and Miller commands an analyst would use instead, on the same
# fb-gen rows in one run.  Usage: bench/ingest.sh [ROWS] (default 1000000).
# Prints MB/s, rows/s and peak RSS (medians of 3 runs); tools that are not
# installed are skipped (Debian: jq, miller).
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/bench/lib.sh"

"$BIN/fb-gen" --seed 1 --count "$N" --format csv > "$W/in.csv"
"$BIN/fb-gen" --seed 1 --count "$N" --format csv --encoding gb18030 > "$W/in-gb.csv"
"$BIN/fb-gen" --seed 1 --count "$N" --format ndjson > "$W/in.ndjson"
bytes=$(stat -c %s "$W/in.csv")
printf 'input: %d rows, %.1f MB of CSV\n\n' "$N" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
bench_header rows

bench_run 'cat' "cat '$W/in.csv'"
bench_run 'fb-ingest (UTF-8 CSV)' "'$BIN/fb-ingest' --tz Asia/Shanghai '$W/in.csv'"
bench_run 'fb-ingest --encoding gb18030' "'$BIN/fb-ingest' --tz Asia/Shanghai --encoding gb18030 '$W/in-gb.csv'"
bench_run 'fb-ingest --redact' "'$BIN/fb-ingest' --tz Asia/Shanghai --redact '$W/in.csv'"
bench_run 'fb-ingest (NDJSON export)' "'$BIN/fb-ingest' --tz Asia/Shanghai '$W/in.ndjson'"
if command -v mlr > /dev/null; then
	bench_run 'mlr --icsv --ojsonl cat' "mlr --icsv --ojsonl cat '$W/in.csv'"
fi
if command -v jq > /dev/null; then
	bench_run 'jq -c (NDJSON export, rename 2 fields)' \
	    "jq -c '{id: .review_id, text: .content} + .' '$W/in.ndjson'"
fi
