# shellcheck shell=bash
# bench/lib.sh: what the bench scripts share.  Sourced; expects W (a work
# directory), N (records in the input) and bytes (its size) to be set.
# BENCH_REPS (default 3) is how many times bench_run runs each command;
# one whose first run takes more than BENCH_LONG seconds (default 120)
# runs once, since minutes-long runs vary by a percent or two and jq's
# would otherwise make a million records take hours.

# bench_header UNIT: the column heads, UNIT being "records" or "rows".
bench_header() {
	printf '%-44s %9s %12s %10s\n' command MB/s "$1/s" 'RSS MB'
}

# bench_input FILE: take FILE as the input the next rows are measured
# against: bytes is its size, N its lines.
bench_input() {
	bytes=$(stat -c %s "$1")
	N=$(wc -l < "$1")
}

# bench_mb BYTES: BYTES as MB, one decimal.
bench_mb() {
	awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'
}

# bench_run NAME CMD: median wall time of BENCH_REPS runs of CMD (a shell
# command, run with pipefail) and the highest peak RSS among them, as MB/s
# and records/s of the input (bytes, N).  The row is printed and also
# appended to $W/results as NAME, MB/s, records/s and RSS MB separated by
# tabs, for bench_result.  A command that fails is reported as such, and
# has no result.  BENCH_BEFORE, when set, runs before each repetition (say,
# to empty a store).  For a pipeline the RSS is that of its largest process.
bench_run() {
	local name=$1 reps=${BENCH_REPS:-3} t rss max=0 rc times=() i
	shift
	for ((i = 0; i < reps; i++)); do
		if [[ -n ${BENCH_BEFORE:-} ]]; then eval "$BENCH_BEFORE"; fi
		rc=0
		/usr/bin/time -f '%e %M' -o "$W/time" \
		    bash -o pipefail -c "$*" > /dev/null || rc=$?
		if ((rc != 0)); then
			printf '%-44s failed (exit %d)\n' "$name" "$rc"
			return 0
		fi
		# the last line: GNU time may write a note of its own first
		read -r t rss < <(tail -n 1 "$W/time")
		times+=("$t")
		if ((rss > max)); then max=$rss; fi
		if awk -v t="$t" -v l="${BENCH_LONG:-120}" 'BEGIN { exit !(t > l) }'; then
			break
		fi
	done
	t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ v[NR] = $1 }
		END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	awk -v n="$name" -v t="$t" -v b="$bytes" -v r="$N" -v m="$max" \
	    -v out="$W/results" 'BEGIN {
		if (t < 0.01) t = 0.01
		printf "%-44s %9.1f %12.0f %10.1f\n", n, b / t / 1e6, r / t, m / 1024
		printf "%s\t%.3f\t%.0f\t%.1f\n", n, b / t / 1e6, r / t, m / 1024 >> out }'
}

# bench_result NAME [FIELD]: what bench_run measured for NAME: FIELD 2 is
# MB/s (the default), 3 records/s, 4 peak RSS in MB; nothing when NAME was
# not measured or failed.
bench_result() {
	[[ -f $W/results ]] || return 0
	awk -F '\t' -v n="$1" -v f="${2:-2}" '$1 == n { v = $f } END { if (v != "") print v }' \
	    "$W/results"
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
	printf 'input: %d records, %s MB of NDJSON\n\n' "$N" "$(bench_mb "$bytes")"
	bench_header records
}
