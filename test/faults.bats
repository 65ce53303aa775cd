#!/usr/bin/env bats
# faults.bats: fault injection across every tool (issue 10, item 3): a full
# or closed stdout, a full --reject disk, the store's disk full, a
# read-only store, SIGKILL and SIGTERM during writes, damaged segments and
# a damaged index, truncated .gz input.  Each fault must end with a clear
# message and exit 2 (or the documented status), never a crash, a hang or
# a silent success, and never lose an acknowledged record.
#
# records.bats and fb-store.bats already cover fb-passthru's /dev/full and
# closed pipe, cat/stats into /dev/full, SIGKILL during append and rotate,
# and verify on a damaged sealed segment; this file does not repeat them.
#
# Tests that mount a tmpfs, bind-mount a store read-only or run as nobody
# need root (or those rights) and skip without them.

load helper

KILL_RUNS=${FB_TEST_KILL_RUNS:-8}
if [[ -n ${FB_TEST_SANITIZE:-} || -n ${FB_TEST_VALGRIND:-} ]]; then
	KILL_RUNS=${FB_TEST_KILL_RUNS:-4}
fi
NOW=2026-12-01T00:00:00Z

setup_file() {
	local d=$BATS_FILE_TMPDIR
	export LC_ALL=C TZ=UTC
	unset FB_STORE FB_CONFIG_DIR FB_DATADIR
	# one pipeline's data, big enough to pass every output buffer
	fb-gen -s 3 -n 1500 > "$d/raw"
	fb-ingest "$d/raw" > "$d/ing"
	fb-tag "$d/ing" > "$d/tag"
	fb-rank "$d/tag" > "$d/rank"
	fb-route "$d/rank" > "$d/route"
	fb-gen --events "$d/route" > "$d/ev"
	fb-store -s "$d/store" append "$d/ev" > /dev/null
	fb-store -s "$d/store" rotate
	# lines that are not JSON, for --reject
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "not json %d %s\n", i, \
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }' \
	    > "$d/junk"
}

setup() {
	common_setup
	D=$BATS_FILE_TMPDIR
	S=$BATS_TEST_TMPDIR/st
	MOUNTS=$BATS_TEST_TMPDIR/.mounts
	errs=()
}

teardown() {
	local m
	if [[ -f $MOUNTS ]]; then
		# the last mount first
		tac "$MOUNTS" | while IFS= read -r m; do
			umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true
		done
	fi
	[[ -z ${NOBODY_DIR:-} ]] || rm -rf "$NOBODY_DIR"
}

# mount_tmpfs DIR SIZE: a tmpfs of SIZE on DIR (made); skips without rights.
mount_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" 2> /dev/null ||
	    skip "cannot mount a tmpfs here (needs root)"
	echo "$1" >> "$MOUNTS"
}

# grow_tmpfs DIR SIZE: make room on the tmpfs on DIR.
grow_tmpfs() {
	mount -o "remount,size=$2" "$1"
}

# mount_ro DIR: make DIR a read-only bind mount of itself.
mount_ro() {
	mount --bind "$1" "$1" 2> /dev/null || skip "cannot bind-mount (needs root)"
	echo "$1" >> "$MOUNTS"
	mount -o remount,bind,ro "$1" 2> /dev/null || skip "cannot remount read-only"
}

# closed_pipe default|ignore CMD...: run CMD with stdout a pipe whose
# reader is gone, SIGPIPE at its default or ignored.
closed_pipe() {
	perl -e '
		my $how = shift;
		pipe(my $r, my $w) or die "pipe: $!\n";
		close($r);
		$SIG{PIPE} = $how eq "ignore" ? "IGNORE" : "DEFAULT";
		open(STDOUT, ">&", $w) or die "dup: $!\n";
		close($w);
		exec(@ARGV) or die "exec $ARGV[0]: $!\n";
	' "$@"
}

# sealed_whole: every sealed segment of $S is sound gzip.
sealed_whole() {
	local f
	for f in "$S"/feedback-*.ndjson.gz; do
		[[ -e $f ]] || continue
		gzip -t "$f" 2> /dev/null || fail "sealed segment $(basename "$f") is corrupt"
	done
}

# verify_clean: verify exits 0, or 1 and then --repair makes it clean.
verify_clean() {
	run --separate-stderr store verify
	if ((status == 1)); then
		run -1 --separate-stderr store verify --repair
		run -0 --separate-stderr store verify
	fi
	((status == 0)) || fail "verify: exit $status: $stderr"
	assert_equal "$stderr" ""
}

# once_each FILE: the store holds the lines of FILE, each exactly once.
once_each() {
	run -0 --separate-stderr to_file out store cat
	sort out > out.sorted
	sort "$1" > want.sorted
	cmp out.sorted want.sorted || fail "the store does not hold $1 exactly once"
}

# holds_all FILE: every line of FILE is in the store.
holds_all() {
	run -0 --separate-stderr to_file have store cat
	sort "$1" | comm -23 - <(sort have) > missing
	[[ ! -s missing ]] || fail "$(lines missing) acknowledged records lost, e.g. $(head -n 1 missing)"
}

# The commands that write data on stdout: every tool and output mode.
# Each is one line of shell words, $D expanded when run.
OUTPUT_MODES=(
	'fb-ingest $D/raw'
	'fb-ingest -f csv --channel hotline $D/raw.csv'
	'fb-tag $D/ing'
	'fb-tag --explain $D/ing'
	'fb-rank $D/tag'
	'fb-rank --explain $D/tag'
	'fb-route $D/rank'
	'fb-route --explain $D/rank'
	'fb-route --coverage $D/rank'
	'fb-route --coverage --format json $D/rank'
	"fb-sla --now $NOW \$D/ev"
	"fb-sla --summary --now $NOW \$D/ev"
	"fb-sla --summary --partial --now $NOW \$D/ev"
	'fb-sla --breaches --now 2026-10-05 $D/ev'
	"fb-report -f text --now $NOW \$D/ev"
	"fb-report -f md --now $NOW \$D/ev"
	"fb-report -f csv --now $NOW \$D/ev"
	"fb-report -f json --now $NOW \$D/ev"
	"fb-report -f html --now $NOW \$D/ev"
	"fb-report --partial --now $NOW \$D/ev"
	"fb-anomaly --now $NOW \$D/ev"
	'fb-store -s $D/store cat'
	'fb-store -s $D/store cat --pretty'
	'fb-store -s $D/store stats'
	'fb-gen -n 3000'
	'fb-gen -n 3000 -f csv'
	'fb-gen -n 3000 -f mbox'
	'fb-gen --events $D/route'
)

# each_output_mode HOW WANT: run every output mode with HOW (a function
# taking the command) and expect exit 2 and exactly WANT on stderr's
# last line, once.
each_output_mode() {
	local how=$1 want=$2 mode tool
	[[ -f $D/raw.csv ]] || fb-gen -s 3 -n 1500 -f csv > "$D/raw.csv"
	for mode in "${OUTPUT_MODES[@]}"; do
		eval "set -- $mode"
		tool=$1
		run --separate-stderr "$how" "$@"
		if ((status != 2)); then
			errs+=("$mode: exit $status, want 2 (stderr: ${stderr:0:200})")
		elif [[ ${stderr##*$'\n'} != "$tool: $want" ]]; then
			errs+=("$mode: last message '${stderr##*$'\n'}', want '$tool: $want'")
		elif (($(grep -c "write error" <<< "$stderr") != 1)); then
			errs+=("$mode: the write error is reported $(grep -c "write error" <<< "$stderr") times")
		fi
	done
	fail_if_errors
}

to_full() {
	"$@" > /dev/full
}

pipe_default() {
	closed_pipe default "$@"
}

pipe_ignored() {
	closed_pipe ignore "$@"
}

# ---------------------------------------------------------------- stdout

@test "stdout to /dev/full: every tool and output mode reports the write error, exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	each_output_mode to_full "write error: No space left on device"
}

@test "stdout into a closed pipe, SIGPIPE at its default: every tool and output mode reports it, exit 2" {
	each_output_mode pipe_default "write error: Broken pipe"
}

@test "stdout into a closed pipe, SIGPIPE ignored: every tool and output mode reports it, exit 2" {
	each_output_mode pipe_ignored "write error: Broken pipe"
}

@test "stdout past a file-size limit: a write error, not a silent death by SIGXFSZ" {
	local how
	for how in --default-signal=XFSZ --ignore-signal=XFSZ; do
		run --separate-stderr bash -c 'ulimit -f 64; env "$1" fb-tag "$2" > out' _ \
		    "$how" "$D/ing"
		((status == 2)) || errs+=("$how: exit $status, want 2")
		[[ $stderr == "fb-tag: write error: File too large" ]] ||
		    errs+=("$how: stderr '$stderr'")
	done
	fail_if_errors
}

# ---------------------------------------------------------------- --reject

@test "--reject on a full disk: fatal, exit 2, the file named once, for every tool that takes it" {
	local t out
	mount_tmpfs full 16k
	for t in fb-ingest fb-tag fb-rank fb-route fb-sla fb-report fb-anomaly fb-gen fb-train fb-store; do
		"$t" --list-options | grep -qx -- --reject || continue
		rm -f full/rej
		case $t in
		fb-ingest) set -- fb-ingest -f ndjson ;;
		fb-gen) set -- fb-gen --events ;;
		fb-train) set -- fb-train -o model ;;
		fb-store) set -- fb-store -s "$S" append ;;
		*) set -- "$t" ;;
		esac
		run --separate-stderr "$@" --reject full/rej "$D/junk"
		out=$(grep -v -- "$D/junk:" <<< "$stderr" || true)
		((status == 2)) || errs+=("$t: exit $status, want 2")
		[[ $out == "$t: cannot write 'full/rej': No space left on device" ]] ||
		    errs+=("$t: stderr besides the rejects: '$out'")
	done
	fail_if_errors
}

# ---------------------------------------------------------------- fb-train -o

@test "fb-train -o onto a full disk: exit 2 naming the model; the old model stays whole, no temporary left" {
	local fx=$FB_FIXTURES/fb-train
	run -0 fb-train -o old.model --lang en "$fx/en.ndjson"
	mount_tmpfs m "$(($(stat -c %s old.model) + 64 * 1024))"
	cp old.model m/model
	run -2 --separate-stderr fb-train -o m/model --lang en "$fx/en.ndjson"
	assert_output ""
	assert_regex "$stderr" "^fb-train: cannot write 'm/model': No space left on device$"
	cmp old.model m/model
	assert_equal "$(ls m)" model
}

# ---------------------------------------------------------------- truncated .gz input

@test "a truncated .gz input: every tool names the file, exit 2" {
	local t size
	gzip -c "$D/ev" > ev.gz
	size=$(stat -c %s ev.gz)
	head -c $((size / 2)) ev.gz > cut.gz
	for t in "fb-ingest -f ndjson" fb-tag fb-rank fb-route "fb-sla --now $NOW" \
	    "fb-report --now $NOW" "fb-anomaly --now $NOW" "fb-gen --events" \
	    "fb-store -s $S append" "fb-train -o m.model"; do
		run --separate-stderr $t cut.gz
		((status == 2)) || errs+=("$t: exit $status, want 2")
		[[ $stderr == *"'cut.gz'"* || $stderr == *"cut.gz:"* ]] ||
		    errs+=("$t: stderr does not name cut.gz: ${stderr:0:200}")
	done
	fail_if_errors
}

# ---------------------------------------------------------------- the store's disk full

# full_append HOW: append under HOW (a function that runs its arguments
# with little room) fails with exit 2 naming a store file; the batch
# acknowledged before is there byte-for-byte, the store stays readable
# and sound, and after room is made, --dedup stores each record once.
full_append() {
	local how=$1 open
	gen_records 300 a > a
	gen_records 30000 b $((1795313700 + 86400)) > b
	run -0 store append a
	open=$(openseg)
	cp "$S/$open" open.before
	run -2 --separate-stderr "$how" fb-store -s "$S" append b
	assert_regex "$stderr" "^fb-store: cannot write '$S/open-[0-9]+-[0-9]+\.ndjson': (No space left on device|File too large)$"
	# the acknowledged bytes are there, and nothing torn after them
	head -c "$(stat -c %s open.before)" "$S/$open" | cmp - open.before
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	holds_all a
	run -0 --separate-stderr store verify
	assert_equal "$stderr" ""
	sealed_whole
	room
	run -0 --separate-stderr store append --dedup a b
	cat a b > ab
	once_each ab
	run -0 --separate-stderr store verify
}

@test "append past ulimit -f (SIGXFSZ at its default): exit 2 naming the segment; nothing acknowledged lost" {
	small() { bash -c 'ulimit -f 256; exec env --default-signal=XFSZ "$@"' _ "$@"; }
	room() { :; }
	full_append small
}

@test "append past ulimit -f (SIGXFSZ ignored): exit 2 naming the segment; nothing acknowledged lost" {
	small() { bash -c 'ulimit -f 256; exec env --ignore-signal=XFSZ "$@"' _ "$@"; }
	room() { :; }
	full_append small
}

@test "append on a full tmpfs: exit 2 naming the segment; nothing acknowledged lost; room made, --dedup stores each once" {
	mount_tmpfs m 1400k
	S=$PWD/m/st
	small() { "$@"; }
	room() { grow_tmpfs "$S/.." 64m; }
	full_append small
}

@test "a store too small for its index: append exits 2 naming ids.idx, no crash" {
	mount_tmpfs m 256k
	S=$PWD/m/st
	gen_records 10 a > a
	run -2 --separate-stderr store append a
	assert_regex "$stderr" "^fb-store: cannot write 'ids\.idx': No space left on device$"
	grow_tmpfs m 64m
	run -0 store append a
	once_each a
}

@test "rotate on a full disk (tmpfs, ulimit -f): exit 2 naming the segment; the open segment kept, no temporary left" {
	local how open
	for how in tmpfs ulimit; do
		S=$BATS_TEST_TMPDIR/st-$how
		if [[ $how == tmpfs ]]; then
			mount_tmpfs m2 1600k
			S=$PWD/m2/st
		fi
		# random text does not compress: the sealed copy needs room too
		head -c 150000 /dev/urandom | base64 -w 100 |
		    awk '{ printf "{\"id\":\"r%d\",\"ts\":\"2026-11-22T02:%02d:00Z\",\"text\":\"%s\"}\n", NR, NR % 60, $0 }' > r
		run -0 store append r
		open=$(openseg)
		cp "$S/$open" open.before
		if [[ $how == tmpfs ]]; then
			# fill the disk to the last block
			dd if=/dev/zero of="$S/../filler" bs=4k status=none 2> /dev/null || true
			run -2 --separate-stderr store rotate
		else
			run -2 --separate-stderr bash -c 'ulimit -f 100; exec "$@"' _ fb-store -s "$S" rotate
		fi
		assert_regex "$stderr" "^fb-store: cannot write '$S/feedback-[0-9TZ]+-[0-9]+\.ndjson\.gz\.tmp': (No space left on device|File too large)$"
		cmp "$S/$open" open.before
		assert_equal "$(ls "$S" | grep -c '\.tmp$')" 0
		assert_equal "$(sealed)" ""
		once_each r
		run -0 store verify
		rm -f "$S/../filler"
		run -0 store rotate
		[[ -z $(openseg) ]] || fail "rotate left the open segment"
		sealed_whole
		once_each r
	done
}

@test "the id index cannot grow on a full disk (tmpfs, ulimit -f): exit 2, no crash; with room, --dedup stores each once" {
	local how n=52000
	gen_records "$n" g > g
	for how in tmpfs ulimit; do
		S=$BATS_TEST_TMPDIR/st-$how
		if [[ $how == tmpfs ]]; then
			mount_tmpfs m3 2000k
			S=$PWD/m3/st
			run --separate-stderr store append --max-size 200k g
		else
			run --separate-stderr bash -c 'ulimit -f 1500; exec "$@"' _ \
			    fb-store -s "$S" append --max-size 200k g
		fi
		((status == 2)) || fail "$how: exit $status, want 2: $stderr"
		assert_regex "$stderr" "^fb-store: cannot write 'ids\.idx\.tmp': (No space left on device|File too large)$"
		run -0 --separate-stderr to_file out store cat
		assert_equal "$(ids out | sort | uniq -d | head -n 3)" ""
		sealed_whole
		[[ $how == tmpfs ]] && grow_tmpfs m3 64m
		run -0 --separate-stderr store append --dedup g
		once_each g
		run -0 --separate-stderr store verify
		assert_equal "$stderr" ""
	done
}

# ---------------------------------------------------------------- read-only store

# ro_checks: writers fail with exit 2 and MSG; readers work as before.
ro_checks() {
	local msg=$1 cmd
	for cmd in "append a2" rotate "prune --older-than 1d" "verify --repair"; do
		run --separate-stderr $RUNAS fb-store -s "$S" $cmd
		((status == 2)) || errs+=("$cmd: exit $status, want 2")
		[[ $stderr =~ ^fb-store:\ .*$msg ]] || errs+=("$cmd: stderr '$stderr'")
	done
	run --separate-stderr $RUNAS fb-store -s "$S" cat
	((status == 0)) || errs+=("cat: exit $status: $stderr")
	[[ $output == "$(cat "$BATS_TEST_TMPDIR/want.cat")" ]] || errs+=("cat: not the stored records")
	run --separate-stderr $RUNAS fb-store -s "$S" stats
	((status == 0)) || errs+=("stats: exit $status: $stderr")
	[[ $output == "$(cat "$BATS_TEST_TMPDIR/want.stats")" ]] || errs+=("stats: '$output'")
	run --separate-stderr $RUNAS fb-store -s "$S" verify
	((status == 0)) || errs+=("verify: exit $status: $stderr")
	fail_if_errors
}

ro_store() {
	gen_records 200 a > a
	gen_records 100 a2 $((1795313700 + 86400)) > a2
	run -0 store append a
	run -0 store rotate
	gen_records 50 o $((1795313700 + 3600)) > o
	run -0 store append o
	store cat > want.cat
	store stats > want.stats
}

@test "a read-only store (ro mount): append, rotate, prune and verify --repair exit 2; cat, stats, verify work" {
	ro_store
	RUNAS=
	mount_ro "$S"
	ro_checks "Read-only file system"
}

@test "a read-only store (run as nobody, 0500 directory): writers exit 2; cat, stats, verify work" {
	command -v setpriv > /dev/null || skip "no setpriv"
	NOBODY_DIR=$(mktemp -d /tmp/fb-faults.XXXXXX)
	chmod 755 "$NOBODY_DIR"
	S=$NOBODY_DIR/st
	ro_store
	cp a2 "$NOBODY_DIR/a2"
	chown -R nobody "$S" 2> /dev/null || skip "cannot chown (needs root)"
	chmod -R a-w "$S"
	RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$RUNAS true 2> /dev/null || skip "cannot run as nobody"
	cd "$NOBODY_DIR"
	ro_checks "Permission denied"
}

# ---------------------------------------------------------------- signals

# kill_at_random SIG SPAN_US CMD...: start CMD, send SIG after a random
# delay under SPAN_US microseconds; sets rc to its exit status.
kill_at_random() {
	local sig=$1 span=$2 pid delay
	shift 2
	"$@" 2>> kill.err 3>&- &
	pid=$!
	delay=$(((RANDOM * 32768 + RANDOM) % span))
	sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
	kill -s "$sig" "$pid" 2> /dev/null || true
	rc=0
	wait "$pid" || rc=$?
	echo "$* $sig after ${delay}us: exit $rc" >> kill.log
}

# span_of CMD...: about twice CMD's run time in microseconds (a measurement
# to aim the signals, never asserted on), at least 20 ms.
span_of() {
	local t0 t1 span
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s%N)
	span=$(((t1 - t0) * 2 / 1000))
	((span >= 20000)) || span=20000
	echo "$span"
}

@test "SIGTERM during append (with and without --dedup): exit 0, or 2 with a message; never a torn tail; nothing acknowledged lost" {
	local i span dedup
	gen_records 20000 cal > cal
	span=$(span_of fb-store -s "$BATS_TEST_TMPDIR/calstore" append --max-size 256k cal)
	: > acked
	for ((i = 1; i <= KILL_RUNS; i++)); do
		gen_records 20000 "t$i" $((1795313700 + i * 7)) shuffle > "batch$i"
		dedup=
		((i % 2)) && dedup=--dedup
		kill_at_random TERM "$span" fb-store -s "$S" append $dedup --max-size 256k "batch$i"
		case $rc in
		0) cat "batch$i" >> acked ;;
		2) ;;
		143) ;;	# before the handler was in place: nothing was written
		*) fail "run $i: exit $rc" ;;
		esac
		# a stopped writer leaves the store as clean as a finished one
		run --separate-stderr store verify
		((status == 0)) || fail "run $i (exit $rc): verify: $stderr"
	done
	echo "# $KILL_RUNS appends: $(grep -c 'exit 0$' kill.log) finished, $(grep -c 'exit 2$' kill.log) stopped" >&3
	if grep -q 'exit 2$' kill.log; then
		grep -qx "fb-store: stopped by SIGTERM: the records read before it are stored" kill.err ||
		    fail "no 'stopped by SIGTERM' message: $(head -n 3 kill.err)"
	fi
	[[ ! -s acked ]] || holds_all acked
	sealed_whole
	cat batch* > all
	run -0 --separate-stderr store append --dedup all
	once_each all
}

@test "SIGTERM during rotate and prune: each finishes first (exit 0 or 2 with a message), never a torn or lost segment" {
	local i span cutoff
	gen_records 30000 cal > cal
	fb-store -s "$BATS_TEST_TMPDIR/calstore" append cal
	span=$(span_of fb-store -s "$BATS_TEST_TMPDIR/calstore" rotate)
	: > all
	for ((i = 1; i <= KILL_RUNS; i++)); do
		gen_records 30000 "r$i" $((1795313700 + i * 86400)) > "batch$i"
		cat "batch$i" >> all
		run -0 store append "batch$i"
		kill_at_random TERM "$span" fb-store -s "$S" rotate
		((rc == 0 || rc == 2 || rc == 143)) || fail "rotate $i: exit $rc"
		run -0 --separate-stderr store verify
	done
	once_each all
	sealed_whole
	# prune the first half of the days, a signal at a random moment
	cutoff=$(iso $((1795313700 + (KILL_RUNS / 2 + 1) * 86400)))
	kill_at_random TERM 20000 fb-store -s "$S" prune --older-than 1d --now "$cutoff"
	((rc == 0 || rc == 2 || rc == 143)) || fail "prune: exit $rc"
	run -0 --separate-stderr store verify
	run -0 --separate-stderr store prune --older-than 1d --now "$cutoff"
	in_days() { awk -v c="$cutoff" '{ match($0, /"ts":"[^"]*"/); if (substr($0, RSTART + 6, RLENGTH - 7) >= c) print }' "$1"; }
	cat batch* | sort > all.sorted
	run -0 --separate-stderr to_file out store cat
	sort out | comm -13 all.sorted - > invented
	[[ ! -s invented ]] || fail "records that were never appended"
	assert_equal "$(ids out | sort | uniq -d | head -n 3)" ""
	if grep -q 'exit 2$' kill.log; then
		grep -qE "^fb-store: stopped by SIGTERM: the (rotate|prune) was finished first$" kill.err ||
		    fail "no 'stopped by SIGTERM' message: $(head -n 3 kill.err)"
	fi
}

@test "SIGKILL during prune: no sealed segment corrupt, the newer ones all kept; prune again completes" {
	local i span keep
	for ((i = 1; i <= 12; i++)); do
		gen_records 2000 "p$i" $((1795313700 + i * 86400)) inc 30 > "day$i"
		run -0 store append "day$i"
		run -0 store rotate
	done
	cp -a "$S" pristine
	span=$(span_of fb-store -s "$BATS_TEST_TMPDIR/pristine" prune --older-than 1d --now "$(iso $((1795313700 + 8 * 86400)))")
	cp -a "$S" pristine
	for ((i = 1; i <= KILL_RUNS; i++)); do
		rm -rf "$S"
		cp -a pristine "$S"
		kill_at_random KILL "$span" fb-store -s "$S" prune --older-than 1d --now "$(iso $((1795313700 + 8 * 86400)))"
		sealed_whole
		verify_clean
		# days 7 to 12 are newer than the cutoff: all kept
		cat day7 day8 day9 day10 day11 day12 > keep
		holds_all keep
		run -0 --separate-stderr store prune --older-than 1d --now "$(iso $((1795313700 + 8 * 86400)))"
		once_each keep
	done
}

# ---------------------------------------------------------------- damaged segments

# two_days: two sealed segments (Nov 22, Nov 23) and an open one (Nov 24).
two_days() {
	gen_records 3000 d1 1795313700 inc 20 > d1
	gen_records 3000 d2 $((1795313700 + 86400)) inc 20 > d2
	gen_records 300 d3 $((1795313700 + 2 * 86400)) inc 20 > d3
	run -0 store append d1
	run -0 store rotate
	run -0 store append d2
	run -0 store rotate
	run -0 store append d3
	seg1=$(sealed | head -n 1)
	seg2=$(sealed | tail -n 1)
}

# flip_at FILE OFFSET: flip one bit of FILE's byte at OFFSET.
flip_at() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059
	printf "\\x$(printf %02x $((b ^ 0x04)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "a sealed segment truncated or bit-flipped: cat names it, exit 2, writes every other record and none of it; append, rotate, verify --repair work" {
	local how size k
	for how in truncate flip1 flip2 flip3; do
		rm -rf "$S"
		two_days
		size=$(stat -c %s "$S/$seg1")
		case $how in
		truncate) truncate -s $((size / 2)) "$S/$seg1" ;;
		flip1) flip_at "$S/$seg1" $((size / 3)) ;;
		flip2) flip_at "$S/$seg1" $((size / 2)) ;;
		flip3) flip_at "$S/$seg1" $((size - 100)) ;;
		esac
		run -2 --separate-stderr to_file out store cat
		assert_regex "$stderr" "^fb-store: '$seg1': damaged gzip data \(.+\): none of its records written; run 'fb-store verify --repair'$"
		cat d2 d3 > want
		cmp out want || fail "$how: cat did not write exactly the other segments' records"
		gen_records 100 d4 $((1795313700 + 3 * 86400)) > d4
		run -0 store append d4
		run -0 store rotate
		run -1 --separate-stderr store verify
		[[ $stderr == *"'$seg1'"* ]] || fail "$how: verify does not name $seg1: $stderr"
		run -1 --separate-stderr store verify --repair
		run -0 --separate-stderr store verify
		run -0 --separate-stderr to_file out store cat
		cat d2 d3 d4 | sort > want.sorted
		grep -v '"id":"d1-' out | sort | cmp - want.sorted
	done
}

@test "a bit flipped in the open segment: cat names it and writes the other records; never a line that is not a record" {
	local open line
	two_days
	open=$(openseg)
	# break the quote of line 100's first field name (a flip that keeps
	# the line valid JSON cannot be told from the text the customer typed:
	# the open segment is plain NDJSON without a checksum)
	line=$(sed -n 100p "$S/$open")
	flip_at "$S/$open" $(($(head -n 99 "$S/$open" | wc -c) + 1))
	run --separate-stderr to_file out store cat
	((status == 2 || status == 1)) || fail "exit $status"
	[[ $stderr == *"$open"* ]] || fail "stderr does not name $open: $stderr"
	valid_out() { run -0 --separate-stderr fb-passthru --strict out; }
	valid_out
	assert_equal "$(lines out)" $((6000 + 299))
	grep -vxF -- "$line" d3 > d3.rest
	cat d1 d2 d3.rest > want
	cmp out want
	run -1 --separate-stderr store verify
	run -0 store append <(gen_records 5 d5 $((1795313700 + 3 * 86400)))
	run -0 store rotate
	sealed_whole
}

@test "a truncated or garbage ids.idx: detected, rebuilt by the next writer, --dedup right again, no crash" {
	local how
	for how in truncate garbage empty short; do
		rm -rf "$S"
		two_days
		case $how in
		truncate) truncate -s $(($(stat -c %s "$S/ids.idx") / 2)) "$S/ids.idx" ;;
		garbage) head -c 1048640 /dev/urandom > "$S/ids.idx" ;;
		empty) : > "$S/ids.idx" ;;
		short) printf 'FBIDX001' > "$S/ids.idx" ;;
		esac
		run -0 --separate-stderr to_file out store cat
		run -1 --separate-stderr store verify
		[[ $stderr == *"ids.idx"* ]] || fail "$how: verify does not name ids.idx: $stderr"
		# a reader of the index (fb-ingest --store) says so, never crashes
		run --separate-stderr fb-ingest --store "$S" "$D/raw"
		((status == 0 || status == 2)) || fail "$how: fb-ingest --store: exit $status"
		run -0 --separate-stderr store append --dedup d1 d2 d3
		[[ $stderr == *"dropped 6300 duplicate records"* ]] ||
		    fail "$how: append --dedup after a rebuild: $stderr"
		run -0 --separate-stderr store verify
		cat d1 d2 d3 > all
		once_each all
	done
}
