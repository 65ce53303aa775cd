#!/usr/bin/env bats
# progress.bats: the progress line on stderr, and -q / -v the same in every
# tool (DESIGN.md 3; fb(7) "Common behaviour").
#
# The per-tool tests loop over every tool that reads records and report all
# the tools that fail, not only the first.

load helper

NOW=2026-11-01T00:00:00Z

# The command that reads records, per tool: @IN@ is the input file and
# @STORE@ a store of the run's own.  Every binary must be here.
declare -gA READS=(
	[fb-tag]="fb-tag @IN@"
	[fb-rank]="fb-rank --now $NOW @IN@"
	[fb-route]="fb-route --now $NOW @IN@"
	[fb-sla]="fb-sla --now $NOW @IN@"
	[fb-report]="fb-report --now $NOW @IN@"
	[fb-anomaly]="fb-anomaly --now $NOW @IN@"
	[fb-train]="fb-train -o model @IN@"
	[fb-ingest]="fb-ingest --now $NOW @IN@"
	[fb-gen]="fb-gen --events --now $NOW @IN@"
	[fb-notify]="fb-notify --chat --now $NOW --state state @IN@"
	[fb-store]="fb-store -s @STORE@ append @IN@"
)
# The tools that write one record per record read.
ONE_FOR_ONE="fb-tag fb-rank fb-route fb-sla fb-ingest"

setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	export LC_ALL=C TZ=UTC
	fb-gen -n 200 | fb-ingest --now "$NOW" > recs.ndjson
	# fb-train learns from labelled records
	sed 's/}$/,"label":1}/' recs.ndjson > labelled.ndjson
	{ head -n 100 recs.ndjson; echo '{bad'; sed -n '101,$p' recs.ndjson; } \
	    > bad.ndjson
	{ head -n 100 labelled.ndjson; echo '{bad'; sed -n '101,$p' \
	    labelled.ndjson; } > labelled-bad.ndjson
}

setup() {
	common_setup
	cp "$BATS_FILE_TMPDIR"/*.ndjson .
	local f
	tools=()
	for f in "$(tools_dir)"/fb-*; do
		[[ -x $f && ${f##*/} != fb-passthru ]] && tools+=("${f##*/}")
	done
	((${#tools[@]} > 0)) || fail "no fb-* binaries (run make)"
	errs=()
	runs=0
}

# cmd_for TOOL FILE [OPTIONS...]: the words of TOOL's reading command on
# FILE (the labelled twin for fb-train), OPTIONS after the tool's name.
cmd_for() {
	local t=$1 in=$2 w
	shift 2
	[[ $t == fb-train ]] && in=${in/recs/labelled} && in=${in/bad/labelled-bad}
	runs=$((runs + 1))
	cmd=()
	for w in ${READS[$t]}; do
		w=${w//@IN@/$in}
		w=${w//@STORE@/store$runs}
		cmd+=("$w")
	done
	# options go before the operands: after the subcommand for fb-store
	if [[ $t == fb-store ]]; then
		cmd=("${cmd[@]:0:4}" "$@" "${cmd[@]:4}")
	else
		cmd=("${cmd[0]}" "$@" "${cmd[@]:1}")
	fi
}

@test "every tool has its reading command here" {
	local t
	for t in "${tools[@]}"; do
		[[ -n ${READS[$t]:-} ]] || errs+=("$t: not in READS")
	done
	fail_if_errors
}

@test "--progress: a line with the tool's name and 100%; stdout byte-identical without it" {
	local t
	for t in "${tools[@]}"; do
		cmd_for "$t" recs.ndjson --progress
		"${cmd[@]}" > with.out 2> with.err
		cmd_for "$t" recs.ndjson
		"${cmd[@]}" > without.out 2> without.err
		grep -q "$t: .*100%" with.err ||
		    errs+=("$t --progress: no '$t: ... 100%' on stderr: $(cat -v with.err | head -c 300)")
		cmp -s with.out without.out ||
		    errs+=("$t: stdout differs with --progress")
		# erased at the end: the last thing written is the erase
		[[ $(tail -c 4 with.err | od -An -c | tr -d ' ') == '\r033[K' ]] ||
		    errs+=("$t --progress: the line is not erased at the end")
		! grep -q $'\r' without.err ||
		    errs+=("$t: a progress line when stderr is not a terminal")
	done
	fail_if_errors
}

@test "--no-progress after --progress: no line; --progress after --no-progress: the line" {
	run --separate-stderr fb-tag --progress --no-progress recs.ndjson
	assert_success
	[[ $stderr != *$'\r'* ]] || fail "a line with --no-progress last"
	run --separate-stderr fb-tag --no-progress --progress recs.ndjson
	assert_success
	[[ $stderr == *"100%"* ]] || fail "no line with --progress last: $stderr"
}

@test "--progress on gzip input: counted in compressed bytes, up to 100%" {
	gzip -c recs.ndjson > recs.ndjson.gz
	local size
	size=$(stat -c %s recs.ndjson.gz)
	run --separate-stderr fb-tag --progress recs.ndjson.gz
	assert_success
	[[ $stderr == *"recs.ndjson.gz  100%"* ]] || fail "no 100%: $stderr"
	# the total is the compressed size (in K), not the inflated one
	[[ $stderr == *"of $(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1024 }')K"* ]] ||
	    fail "total not the compressed size $size: $(cat -v <<< "$stderr")"
}

@test "--progress reading a pipe: counts, no percentage" {
	run --separate-stderr bash -c 'cat recs.ndjson | fb-tag --progress'
	assert_success
	[[ $stderr == *"fb-tag: <stdin>"*"200 records"* ]] || fail "$stderr"
	[[ $stderr != *%* ]] || fail "a percentage with no known total: $stderr"
}

@test "on a terminal: the line shows for a file after a second, not for a pipe, not with -q" {
	command -v script > /dev/null || skip "no script(1)"
	fb-gen -n 20000 | fb-ingest --now "$NOW" > big.ndjson
	# A slow reader of stdout keeps fb-tag running past the first second.
	script -qfec "fb-tag big.ndjson | { sleep 2; cat > /dev/null; }" \
	    /dev/null > tty.out < /dev/null
	grep -q 'fb-tag: big.ndjson .*%' tty.out ||
	    fail "no progress line on a terminal: $(cat -v tty.out | head -c 500)"
	script -qfec "cat big.ndjson | fb-tag | { sleep 2; cat > /dev/null; }" \
	    /dev/null > pipe.out < /dev/null
	! grep -q '%' pipe.out ||
	    fail "a progress line reading a pipe: $(cat -v pipe.out | head -c 500)"
	script -qfec "fb-tag -q big.ndjson | { sleep 2; cat > /dev/null; }" \
	    /dev/null > quiet.out < /dev/null
	! grep -q '%' quiet.out ||
	    fail "a progress line with -q: $(cat -v quiet.out | head -c 500)"
	# a short run shows nothing
	script -qfec "fb-tag recs.ndjson > /dev/null" /dev/null > short.out \
	    < /dev/null
	! grep -q '%' short.out ||
	    fail "a progress line on a short run: $(cat -v short.out | head -c 500)"
}

@test "a message while the line is up starts on a clean line" {
	local t
	for t in "${tools[@]}"; do
		cmd_for "$t" bad.ndjson --progress
		"${cmd[@]}" > /dev/null 2> err || true
		grep -q $'\r\e\\[K'"$t: [a-z-]*bad.ndjson:101: " err ||
		    errs+=("$t: the message is not after an erase: $(cat -v err | head -c 400)")
	done
	fail_if_errors
}

@test "-v: 'reading FILE' and one summary line with the counts, in every tool" {
	local t line
	for t in "${tools[@]}"; do
		cmd_for "$t" bad.ndjson -v
		"${cmd[@]}" > /dev/null 2> err || true
		grep -q "^$t: reading [a-z-]*bad.ndjson\$" err ||
		    errs+=("$t -v: no 'reading FILE'")
		line=$(tail -n 1 err)
		[[ $line =~ ^$t:\ 1\ file,\ 201\ records\ read,\ .*,\ 1\ rejected,\ [0-9]+\.[0-9]\ s$ ]] ||
		    errs+=("$t -v: last line '$line'")
		if [[ " $ONE_FOR_ONE " == *" $t "* && $line != *", 200 written,"* ]]; then
			errs+=("$t -v: not 200 written: '$line'")
		fi
		[[ $(grep -c 'lines rejected' err) == 0 ]] ||
		    errs+=("$t -v: the old 'N lines rejected' note")
	done
	fail_if_errors
}

@test "-v of the tools that write other things says what they wrote" {
	run --separate-stderr fb-report -v --now "$NOW" recs.ndjson
	[[ $stderr == *"fb-report: 1 file, 200 records read, 1 report written, 0 rejected, "* ]] ||
	    fail "fb-report: $stderr"
	run --separate-stderr fb-store -s st append -v recs.ndjson
	[[ $stderr == *"fb-store: 1 file, 200 records read, 200 stored, 0 rejected, "* ]] ||
	    fail "fb-store append: $stderr"
	run --separate-stderr fb-gen -v -n 300
	[[ ${stderr##*$'\n'} =~ ^fb-gen:\ 300\ records\ written,\ [0-9.]+\ s$ ]] ||
	    fail "fb-gen: $stderr"
}

@test "-q: a bad line is still named, alone on stderr; exit 1; the line in --reject" {
	local t rc
	for t in "${tools[@]}"; do
		cmd_for "$t" bad.ndjson -q --reject rej
		rc=0
		"${cmd[@]}" > /dev/null 2> err || rc=$?
		((rc == 1)) || errs+=("$t -q: exit $rc, want 1")
		# bad input is an error, not a warning: -q keeps it
		[[ $(cat err) =~ ^$t:\ [a-z-]*bad\.ndjson:[0-9]+:\ invalid\ JSON[^$'\n']*$ ]] ||
		    errs+=("$t -q: stderr: $(head -c 300 err)")
		[[ $(cat rej) == '{bad' ]] || errs+=("$t -q: --reject holds '$(cat rej)'")
	done
	fail_if_errors
}

@test "-q -v and -v -q: the last one wins" {
	local t
	for t in "${tools[@]}"; do
		cmd_for "$t" bad.ndjson -q -v
		"${cmd[@]}" > /dev/null 2> err || true
		grep -q "^$t: 1 file, 201 records read" err ||
		    errs+=("$t -q -v: no summary")
		cmd_for "$t" bad.ndjson -v -q
		"${cmd[@]}" > /dev/null 2> err || true
		! grep -q "records read" err || errs+=("$t -v -q: a summary: $(head -c 300 err)")
	done
	fail_if_errors
}

@test "errors still print under -q" {
	run --separate-stderr fb-tag -q no-such-file.ndjson
	assert_failure 2
	[[ $stderr == *"no-such-file.ndjson"* ]] || fail "no error: $stderr"
}

@test "fb-store cat --progress over several sealed segments reaches 100%; stdout unchanged" {
	local k
	for k in 1 2 3; do
		fb-gen -s "$k" -n 300 | fb-ingest --now "$NOW" |
		    fb-store -s st append
		fb-store -s st rotate
	done
	(($(ls st | grep -c '\.ndjson\.gz$') == 3)) || fail "not 3 sealed segments: $(ls st)"
	fb-store -s st cat > plain.out
	run --separate-stderr fb-store -s st cat --progress
	assert_success
	[[ $stderr == *"(3/3)  100%"*"900 records"* ]] ||
	    fail "no 100% over 3 segments: $(cat -v <<< "$stderr")"
	cmp -s plain.out <(fb-store -s st cat --progress 2> /dev/null) ||
	    fail "stdout differs with --progress"
	run --separate-stderr fb-store -s st cat -v
	[[ ${stderr##*$'\n'} =~ ^fb-store:\ 3\ segments,\ 900\ records\ read,\ 900\ written,\ 0\ rejected ]] ||
	    fail "fb-store cat -v: $stderr"
}

@test "fb-gen --progress: records written of -n, up to 100%" {
	run --separate-stderr fb-gen --progress -n 500
	assert_success
	[[ $stderr == *"fb-gen:  100%  500 of 500 records"* ]] ||
	    fail "$(cat -v <<< "$stderr")"
}
