#!/usr/bin/env bash
# bench/store.sh: fb-store throughput and memory against cat, gzip, zcat and
# jq on the same records, in one run.  Usage: bench/store.sh [N] (default
# 200000 records).  Prints MB/s, records/s and peak RSS; medians of 3 runs.
# The record generator is a stand-in until fb-gen exists (issue 3).
set -euo pipefail
N=${1:-200000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/bin
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

awk -v n="$N" 'BEGIN {
	srand(42)
	split("app web miniprogram email hotline chat weibo douyin", ch, " ")
	for (i = 1; i <= n; i++) {
		t = 1793491200 + int(i * 2592000 / n)
		printf "{\"id\":\"fb-%012x\",\"ts\":\"%s\",\"channel\":\"%s\",", i, \
		    strftime("%Y-%m-%dT%H:%M:%SZ", t, 1), ch[1 + i % 8]
		printf "\"customer\":{\"id\":\"c-%06d\",\"tier\":\"%s\",\"annual_spend\":%d.%02d},", \
		    int(rand() * 999999), (i % 17 ? "normal" : "vip"), int(rand() * 20000), i % 100
		printf "\"sku\":\"SKU-%08d\",\"region\":{\"province\":\"广东省\",\"city\":\"深圳市\"},", int(rand() * 1e8)
		printf "\"text\":\"快递三天了还没到，客服一直说在路上，订单号%d，希望尽快处理，不然就退款。\",\"lang\":\"zh\",\"rating\":%d}\n", i, 1 + i % 5
	}
}' > "$W/in.ndjson"
bytes=$(stat -c %s "$W/in.ndjson")
printf 'input: %d records, %.1f MB\n\n' "$N" "$(echo "$bytes" | awk '{print $1/1e6}')"
printf '%-34s %9s %12s %10s\n' command MB/s records/s 'RSS MB'

# run NAME CMD: median wall time of 3 runs and the peak RSS of the last.
run() {
	local name=$1 t rss times=()
	shift
	for _ in 1 2 3; do
		[[ $name == fb-store\ append* ]] && rm -rf "$W/st"
		/usr/bin/time -f '%e %M' -o "$W/time" bash -c "$*" > /dev/null
		read -r t rss < "$W/time"
		times+=("$t")
	done
	t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
	awk -v n="$name" -v t="$t" -v b="$bytes" -v r="$N" -v m="$rss" 'BEGIN {
		if (t < 0.01) t = 0.01
		printf "%-34s %9.1f %12.0f %10.1f\n", n, b / t / 1e6, r / t, m / 1024 }'
}

run 'cat' "cat '$W/in.ndjson'"
run 'gzip -6' "gzip -6 -c '$W/in.ndjson'"
run 'jq -c . (parse and print)' "jq -c . '$W/in.ndjson'"
run 'fb-store append' "'$BIN/fb-store' -s '$W/st' append '$W/in.ndjson'"
run 'fb-store append --dedup (all dups)' "'$BIN/fb-store' -s '$W/st' -q append --dedup '$W/in.ndjson'"
"$BIN/fb-store" -s "$W/st" rotate
run 'zcat (the sealed segments)' "zcat '$W'/st/*.gz"
run 'fb-store cat' "'$BIN/fb-store' -s '$W/st' cat"
run 'fb-store cat --since (last 3 days)' "'$BIN/fb-store' -s '$W/st' cat --since 2026-11-28T00:00:00Z"
run "jq select (the same window)" "zcat '$W'/st/*.gz | jq -c 'select(.ts >= \"2026-11-28T00:00:00Z\")'"
