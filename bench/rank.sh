#!/usr/bin/env bash
# bench/rank.sh: fb-rank and fb-route against cat and the jq and Miller
# commands an analyst would write for the same single-stage enrichment, on
# the same tagged fb-gen records in one run.  Usage: bench/rank.sh
# [RECORDS] (default 1000000, about 560 MB once tagged).  Prints MB/s,
# records/s and peak RSS (medians of 3 runs); jq and Miller are skipped
# when not installed (Debian: jq, miller).
#
# The jq and Miller programs do less than fb-rank: a severity table, the
# sentiment, anger, tier and social channel, weighted the same way, but no
# customer history, no similar-complaint counting and no explanation (jq
# and Miller hold no state across records without slurping the input).
# The jq router is the shipped routes.conf written as one if-elif chain.
set -euo pipefail
N=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/bench/lib.sh"

bench_records "$BIN/fb-tag"
"$BIN/fb-rank" "$W/in.ndjson" > "$W/ranked.ndjson"

JQ_RANK='([.tags[]? | {"compliance/security":1, "compliance/fraud":1,
    "compliance/privacy":1, "order/payment":0.8, "platform/crash":0.75,
    "logistics/lost":0.7, "product/defective":0.55, "logistics/delay":0.45,
    "praise":0, "suggestion/feature":0.1}[.] // 0.35] | max // 0.3) as $sev
  | (if .sentiment.label == "negative" then -.sentiment.score else 0 end) as $neg
  | (if .emotion == "anger" then 1 elif .emotion then 0.5 else 0 end) as $emo
  | ({"vip": 0.6, "svip": 1}[.customer.tier // ""] // 0) as $val
  | (if .channel == "weibo" or .channel == "douyin" then 0.7 else 0 end) as $spr
  | (0.45 * $sev + 0.2 * $neg + 0.1 * $emo + 0.08 * $val + 0.09 * $spr) as $u
  | (if any(.tags[]?; test("^compliance/(security|fraud|privacy)$")) then 0.8
     else $u end) as $u
  | . + {priority: (if $u >= 0.8 then "P0" elif $u >= 0.5 then "P1"
      elif $u >= 0.3 then "P2" else "P3" end), urgency: $u,
    rank_factors: {severity: $sev, negativity: $neg, emotion: $emo,
      value: $val, spread: $spr}}'
JQ_ROUTE='. + {route: (
  if .priority == "P0" and any(.tags[]?; test("^(compliance/(security|fraud)|order/(payment|billing))$"))
    then {queue: "security", skill: "security", notify_within: "15m"}
  elif any(.tags[]?; . == "compliance/privacy" or . == "compliance/illegal_content")
    then {queue: "legal", skill: "legal", notify_within: "2h", advice: ["freeze"]}
  elif (.channel == "weibo" or .channel == "douyin") and any(.rank_factors.flags[]?; . == "burst")
    then {queue: "pr", skill: "pr", notify_within: "1h"}
  elif .customer.tier == "vip" or .customer.tier == "svip" or any(.customer.flags[]?; . == "accessibility")
    then {queue: "senior", skill: "senior", front: true, notify_within: "1h"}
  elif .sentiment.label != "positive" and .product_category == "beauty"
    then {queue: "cosmetics", skill: "cosmetics", notify_within: "2h"}
  elif .sentiment.label != "positive" and (.product_category == "electronics" or .product_category == "appliances")
    then {queue: "devices", skill: "devices", notify_within: "2h"}
  elif .sentiment.label != "positive" and (.product_category == "fresh" or .product_category == "food")
    then {queue: "cold-chain", skill: "cold-chain", notify_within: "2h"}
  elif (.tags | length) > 0 and all(.tags[]; . == "logistics/tracking" or . == "service/return_refund")
      and .sentiment.label != "negative" and (.priority == "P2" or .priority == "P3")
    then {queue: "bot", skill: "bot", notify_within: "1h"}
  else {queue: ("general/" + (.category // "other")), skill: (.category // "other")}
  end)}'
MLR_RANK='$urgency = 0.45 * ($category == "compliance" ? 1 : 0.4)
    + 0.2 * ($sentiment.label == "negative" ? -$sentiment.score : 0)
    + 0.1 * (is_present($emotion) ? 1 : 0);
  $priority = $urgency >= 0.8 ? "P0" : $urgency >= 0.5 ? "P1" : $urgency >= 0.3 ? "P2" : "P3"'

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
	bench_run 'mlr --ijsonl --ojsonl put (rank, 3 factors)' \
	    "mlr --ijsonl --ojsonl put '$MLR_RANK' '$W/in.ndjson'"
fi
