# bench/lib.sh: what the bench scripts share.  Sourced; expects W (a work
# directory), N (records in the input) and bytes (its size) to be set.

# bench_header UNIT: the column heads, UNIT being "records" or "rows".
bench_header() {
	printf '%-44s %9s %12s %10s\n' command MB/s "$1/s" 'RSS MB'
}

# bench_run NAME CMD: median wall time of 3 runs of CMD (a shell command)
# and the peak RSS of the last, as MB/s and records/s of the input.
# BENCH_BEFORE, when set, runs before each repetition (say, to empty a store).
bench_run() {
	local name=$1 t rss times=()
	shift
	for _ in 1 2 3; do
		[[ -n ${BENCH_BEFORE:-} ]] && eval "$BENCH_BEFORE"
		/usr/bin/time -f '%e %M' -o "$W/time" bash -c "$*" > /dev/null
		read -r t rss < "$W/time"
		times+=("$t")
	done
	t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
	awk -v n="$name" -v t="$t" -v b="$bytes" -v r="$N" -v m="$rss" 'BEGIN {
		if (t < 0.01) t = 0.01
		printf "%-44s %9.1f %12.0f %10.1f\n", n, b / t / 1e6, r / t, m / 1024 }'
}

# bench_records [STAGE...]: N fb-gen records into $W/in.ndjson (expects
# BIN), through the STAGE commands when given (say, fb-tag, so that a later
# stage gets the fields it reads); sets bytes, prints the size of the input
# and the column heads.
bench_records() {
	local stage
	"$BIN/fb-gen" --seed 1 --count "$N" --format record > "$W/in.ndjson"
	for stage in "$@"; do
		$stage < "$W/in.ndjson" > "$W/staged.ndjson"
		mv "$W/staged.ndjson" "$W/in.ndjson"
	done
	bytes=$(stat -c %s "$W/in.ndjson")
	printf 'input: %d records, %.1f MB of NDJSON\n\n' "$N" \
	    "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')"
	bench_header records
}
