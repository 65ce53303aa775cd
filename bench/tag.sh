#!/usr/bin/env bash
# bench/tag.sh: fb-tag against cat and the jq and Miller commands an analyst
# would write for a per-record enrichment, on the same fb-gen records in one
# run.  Usage: bench/tag.sh [RECORDS] (default 1000000, about 470 MB).
# Prints MB/s, records/s and peak RSS (medians of 3 runs); tools that are
# not installed are skipped (Debian: jq, miller).
#
# The jq and Miller programs are far simpler than fb-tag: a dozen keyword
# tests for tags, a keyword sentiment and a length-based quality.  They are
# here so that anyone can see what "comparable enrichment" means and rerun
# it; fb-tag matches some 8,000 phrases with negation and contrast and
# scores a 2-million-weight model for each record.
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/bench/lib.sh"

bench_records

JQ_TAG='.text as $t | . + {
  tags: [
    (if ($t | test("慢|超时|late|delay")) then "logistics/delay" else empty end),
    (if ($t | test("破损|压坏|洒了|damaged|broken")) then "logistics/damaged" else empty end),
    (if ($t | test("退款|退货|refund|return")) then "service/return_refund" else empty end),
    (if ($t | test("质量|坏了|难吃|defect|awful")) then "product/defective" else empty end),
    (if ($t | test("闪退|崩溃|crash")) then "platform/crash" else empty end),
    (if ($t | test("优惠券|coupon")) then "marketing/coupon" else empty end)
  ],
  sentiment: {label: (if ($t | test("差|垃圾|失望|bad|terrible|awful")) then "negative" else "positive" end)},
  quality: (($t | length) / 100 | if . > 1 then 1 else . end)
}'
MLR_TAG='$sentiment_label = ($text =~ "差|垃圾|失望|bad|terrible|awful") ? "negative" : "positive";
  $tag_delay = ($text =~ "慢|超时|late|delay");
  $tag_damaged = ($text =~ "破损|压坏|洒了|damaged|broken");
  $tag_refund = ($text =~ "退款|退货|refund|return");
  $quality = min(strlen($text) / 100, 1)'

bench_run 'cat' "cat '$W/in.ndjson'"
bench_run 'fb-tag' "'$BIN/fb-tag' '$W/in.ndjson'"
if command -v jq > /dev/null; then
	bench_run 'jq -c (6 keyword tags, sentiment, quality)' "jq -c '$JQ_TAG' '$W/in.ndjson'"
	bench_run 'jq -c ". + {tagged: true}"' "jq -c '. + {tagged: true}' '$W/in.ndjson'"
fi
if command -v mlr > /dev/null; then
	bench_run 'mlr --ijsonl --ojsonl put (3 tags)' "mlr --ijsonl --ojsonl put '$MLR_TAG' '$W/in.ndjson'"
fi
