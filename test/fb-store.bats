#!/usr/bin/env bats
# fb-store.bats: the gzip-rotated log store (DESIGN.md 4, SPEC "fb-store").
#
# Loop counts and sizes are variables so the suite stays quick, also under
# ASan; override them from the environment for a heavier run.

load helper

CRASH_RUNS=${FB_TEST_CRASH_RUNS:-40}
CRASH_BATCH=${FB_TEST_CRASH_BATCH:-300}
CONC_WRITERS=${FB_TEST_CONC_WRITERS:-4}
CONC_N=${FB_TEST_CONC_N:-3000}
BIG_N=${FB_TEST_BIG_N:-1000000}
SMALL_N=10000
RSS_SLACK_KB=$((16 * 1024))
# ASan keeps freed blocks in quarantine and pads every allocation, so a
# sanitized build's peak RSS says less; the plain run holds the real limit.
[[ -n ${FB_TEST_SANITIZE:-} ]] && RSS_SLACK_KB=$((40 * 1024))
# valgrind (make valgrind) runs each process 20-50 times slower: fewer and
# smaller runs; the constant-memory tests skip, as they would see valgrind.
if [[ -n ${FB_TEST_VALGRIND:-} ]]; then
	CRASH_RUNS=${FB_TEST_CRASH_RUNS:-6}
	CRASH_BATCH=${FB_TEST_CRASH_BATCH:-60}
	CONC_N=${FB_TEST_CONC_N:-300}
	BIG_N=${FB_TEST_BIG_N:-20000}
fi

setup() {
	common_setup
	S=$BATS_TEST_TMPDIR/st
	errs=()
}

# same_instant HDR TS: HDR (a min= or max= value of a segment header) names
# the instant of TS (RFC 3339 Z). SPEC leaves the notation open, so take it
# as RFC 3339, the compact name form, epoch seconds or epoch milliseconds.
same_instant() {
	local hdr=$1 ts=$2 e
	e=$(epoch "$ts")
	[[ $hdr == "$ts" || $hdr == "$(ts_compact "$ts")" ||
	    $hdr == "$e" || $hdr == "${e}000" ]]
}

# gz_comment FILE: the comment field of a gzip header.
gz_comment() {
	perl -e '
		open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		read($f, my $h, 10) == 10 or die "short gzip header\n";
		my ($id1, $id2, $cm, $flg) = unpack("CCCC", $h);
		die "not gzip\n" unless $id1 == 0x1f && $id2 == 0x8b;
		if ($flg & 4) { read($f, my $x, 2); read($f, my $d, unpack("v", $x)); }
		local $/ = "\0";
		if ($flg & 8) { my $name = <$f>; }
		if ($flg & 16) { my $c = <$f>; chop $c; print "$c\n"; }
	' "$1"
}

# gz_rewrite FILE COMMENT: replace FILE by gzip of stdin, header comment
# COMMENT (as a damaged or forged sealed segment would look).
gz_rewrite() {
	perl -MIO::Compress::Gzip=gzip -e '
		local $/; my $in = <STDIN>;
		gzip(\$in => $ARGV[0], Comment => $ARGV[1], Minimal => 0)
		    or die "gzip failed\n";
	' "$1" "$2"
}

# gz_readable FILE: all the bytes that can be inflated from FILE, up to
# where it is damaged (zcat may keep back its last window on an error).
gz_readable() {
	perl -MCompress::Zlib -e '
		my ($z) = inflateInit(-WindowBits => WANT_GZIP) or die;
		local $/;
		open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		my $d = <$f>;
		my ($out) = $z->inflate($d);
		print $out if defined $out;
	' "$1"
}

# damage MODE FILE: truncate to half, overwrite 64 middle bytes, or flip
# one bit in the middle.
damage() {
	local mode=$1 f=$2 size off b
	size=$(stat -c %s "$f")
	off=$((size / 2))
	case $mode in
	truncate)
		truncate -s "$off" "$f"
		;;
	overwrite)
		head -c 64 /dev/zero | tr '\0' U |
		    dd of="$f" bs=1 seek="$off" conv=notrunc status=none
		;;
	flip)
		b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
		# shellcheck disable=SC2059
		printf "\\x$(printf %02x $((b ^ 0x10)))" |
		    dd of="$f" bs=1 seek="$off" conv=notrunc status=none
		;;
	esac
}

# in_window FILE SINCE UNTIL: the lines of FILE whose ts (RFC 3339 Z, all of
# the same shape) is in [SINCE, UNTIL); an empty bound is open.
in_window() {
	awk -v a="$2" -v b="$3" '{
		match($0, /"ts":"[^"]*"/)
		ts = substr($0, RSTART + 6, RLENGTH - 7)
		if ((a == "" || ts >= a) && (b == "" || ts < b))
			print
	}' "$1"
}

# valid_lines FILE: every line of FILE is one JSON object (fb-passthru
# --strict is line-based, where jq would accept two objects on one line).
valid_lines() {
	run -0 --separate-stderr fb-passthru --strict "$1"
	assert_equal "$stderr" ""
}

# quarantine_has BYTES: some file under $S/quarantine holds BYTES.
quarantine_has() {
	[[ -d $S/quarantine ]] || fail "no $S/quarantine"
	grep -rqF -- "$1" "$S/quarantine" || fail "quarantine/ lacks '$1'"
}

# quarantine_copy FILE: some file under $S/quarantine equals FILE.
quarantine_copy() {
	local q
	while IFS= read -r q; do
		cmp -s "$q" "$1" && return 0
	done < <(find "$S/quarantine" -type f)
	fail "no file in quarantine/ equals the damaged segment"
}

# ---------------------------------------------------------------- append, cat

@test "append then cat returns the records byte-for-byte" {
	gen_records 200 a > in
	run -0 --separate-stderr store append in
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	cmp out in
}

@test "the store is its owner's alone: 0700 and 0600, a tighter umask honoured" {
	gen_records 50 a > in
	(umask 022 && fb-store -s "$S" --max-size 1k append in) || false
	store verify --repair
	run -0 stat -c '%a %n' "$S"
	assert_output "700 $S"
	run -0 sh -c 'cd "$1" && stat -c "%a %n" * | sort -u -k1,1' sh "$S"
	assert_output --regexp '^600 '
	refute_output --regexp '^(644|664|666|755) '
	# a umask of 077 is already the default; 0277 takes away the owner's w
	(umask 0277 && fb-store -s "$BATS_TEST_TMPDIR/ro" append in) || true
	run -0 stat -c '%a' "$BATS_TEST_TMPDIR/ro"
	assert_output 500
	# parents made on the way get the usual mode, only the store is private
	(umask 022 && fb-store -s "$BATS_TEST_TMPDIR/p/q/st" append in) || false
	run -0 stat -c '%a' "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/p/q/st"
	assert_output $'755\n700'
}

@test "append reads stdin, with no operand or with '-'" {
	gen_records 20 a > a
	gen_records 20 b $((1795313700 + 3600)) > b
	run -0 --separate-stderr store append < a
	run -0 --separate-stderr store append - < b
	run -0 --separate-stderr to_file out store cat
	cat a b > want
	cmp out want
}

@test "records are stored byte-for-byte: escapes, huge numbers, key order, spacing, CRLF" {
	build_mixed store
	run -0 --separate-stderr store append mixed.good
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	cmp out mixed.good
	run -0 store rotate
	run -0 --separate-stderr to_file out store cat
	cmp out mixed.good
}

@test "a single large append seals segments as the open one grows past --max-size" {
	gen_records 60000 big > in
	(($(stat -c %s in) > 3 * 1024 * 1024))
	run -0 --separate-stderr store append --max-size 1M in
	(($(sealed | wc -l) >= 3)) || fail "$(sealed | wc -l) sealed segments"
	run -0 --separate-stderr to_file out store cat
	cmp out in
}

@test "a .gz file appends like the plain one" {
	gen_records 300 a 1795313700 shuffle > in
	gzip -c in > in.gz
	run -0 --separate-stderr store append in.gz
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	sort_by_ts in > want
	cmp out want
}

@test "append of empty input stores nothing, exit 0" {
	run -0 --separate-stderr store append < /dev/null
	assert_equal "$stderr" ""
	run -0 --separate-stderr store cat
	assert_output ""
}

@test "cat of an empty store prints nothing, exit 0" {
	mkdir -p "$S"
	run -0 --separate-stderr store cat
	assert_output ""
	assert_equal "$stderr" ""
}

@test "records appended out of order come back sorted by ts" {
	gen_records 500 a 1795313700 shuffle > a
	gen_records 200 b 1795313730 dec > b
	run -0 store append a
	run -0 store append b
	run -0 --separate-stderr to_file out store cat
	cat a b | sort_by_ts > want
	cmp out want
}

@test "equal ts keep their append order (stable), within and across batches" {
	gen_records 300 a 1795313700 blocks > a
	gen_records 50 s 1795313700 same > s
	gen_records 50 t 1795313700 same > t
	run -0 store append a
	run -0 store append s
	run -0 store append t
	run -0 --separate-stderr to_file out store cat
	cat a s t | sort_by_ts > want
	cmp out want
}

@test "equal ts keep their append order across sealed segments" {
	gen_records 50 s 1795313700 same > s
	gen_records 50 t 1795313700 same > t
	gen_records 50 u 1795313700 same > u
	run -0 store append s
	run -0 store rotate
	run -0 store append t
	run -0 store rotate
	run -0 store append u
	run -0 --separate-stderr to_file out store cat
	cat s t u > want
	cmp out want
}

@test "ts with offsets sort by instant; names and windows are in UTC" {
	{
		echo '{"id":"o1","ts":"2026-11-22T10:30:00+08:00"}'
		echo '{"id":"o2","ts":"2026-11-22T02:00:00Z"}'
		echo '{"id":"o3","ts":"2026-11-21T21:15:00-05:00"}'
	} > in
	run -0 store append in
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(ids out | paste -sd ' ')" "o2 o3 o1"
	run -0 store rotate
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(ids out | paste -sd ' ')" "o2 o3 o1"
	assert_regex "$(sealed)" '^feedback-20261122T020000Z-[0-9]{8}\.ndjson\.gz$'
	run -0 --separate-stderr to_file out store cat --since 2026-11-22T02:10:00Z
	assert_equal "$(ids out | paste -sd ' ')" "o3 o1"
	run -0 --separate-stderr to_file out store cat --until 2026-11-22T02:30:00Z
	assert_equal "$(ids out | paste -sd ' ')" "o2 o3"
}

@test "fractional seconds order records within one second" {
	{
		echo '{"id":"f1","ts":"2026-11-22T02:00:00.5Z"}'
		echo '{"id":"f2","ts":"2026-11-22T02:00:00.25Z"}'
		echo '{"id":"f3","ts":"2026-11-22T10:00:00+08:00"}'
		echo '{"id":"f4","ts":"2026-11-22T02:00:00.250001Z"}'
	} > in
	run -0 store append in
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(ids out | paste -sd ' ')" "f3 f2 f4 f1"
	run -0 --separate-stderr to_file out store cat --since 2026-11-22T02:00:00.3Z
	assert_equal "$(ids out | paste -sd ' ')" "f1"
}

@test "times count to the millisecond: within one, records keep their append order" {
	{
		echo '{"id":"u3","ts":"2026-11-22T02:15:00.250001Z"}'
		echo '{"id":"u2","ts":"2026-11-22T02:15:00.2500001Z"}'
		echo '{"id":"u1","ts":"2026-11-22T02:15:00.25Z"}'
		echo '{"id":"u0","ts":"2026-11-22T02:15:00.249Z"}'
	} > in
	run -0 store append in
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(ids out | paste -sd ' ')" "u0 u3 u2 u1"
	run -0 store rotate
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(ids out | paste -sd ' ')" "u0 u3 u2 u1"
	run -0 --separate-stderr to_file out store cat --since 2026-11-22T02:15:00.2500005Z
	assert_equal "$(ids out | paste -sd ' ')" "u3 u2 u1"
}

@test "a ts or an id nested in another field, or inside a string, is not the record's" {
	{
		echo '{"meta":{"ts":"2026-11-22T02:15:00Z"},"id":"n1"}'
		echo '{"text":"\"ts\":\"2026-11-22T02:15:00Z\"","id":"n2"}'
		echo '{"a":["ts","2026-11-22T02:15:00Z"],"id":"n3"}'
	} > nots
	run -1 --separate-stderr store append nots
	assert_equal "$stderr" "fb-store: nots:1: field 'ts' is missing"$'\n'"fb-store: nots:2: field 'ts' is missing"$'\n'"fb-store: nots:3: field 'ts' is missing"
	# every record carries customer.id; --dedup must key on the top-level id
	{
		echo '{"customer":{"id":"c1"},"id":"fb-1","ts":"2026-11-22T02:15:00Z"}'
		echo '{"customer":{"id":"c1"},"id":"fb-2","ts":"2026-11-22T02:16:00Z"}'
		echo '{"customer":{"id":"fb-1"},"ts":"2026-11-22T02:17:00Z","id":"fb-3"}'
		echo '{"customer":{"id":"c2"},"ts":"2026-11-22T02:18:00Z","id":"fb-1"}'
	} > nested
	run -0 --separate-stderr store append --dedup nested
	assert_equal "$stderr" "fb-store: dropped 1 duplicate records"
	run -0 --separate-stderr to_file out store cat
	head -n 3 nested > want
	cmp out want
}

@test "a record of 10 MB (with --max-line 20M) is stored and read back whole" {
	{
		printf '{"id":"huge","ts":"2026-11-22T02:15:00Z","text":"'
		head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' h
		printf '"}\n'
		mkrec small 2026-11-22T02:16:00Z
	} > in
	run -0 --separate-stderr store append --max-line 20M in
	run -0 --separate-stderr to_file out store cat
	cmp out in
	run -0 store rotate
	run -0 --separate-stderr to_file out store cat
	cmp out in
	run -0 --separate-stderr store verify
}

@test "a store path that is not a directory is a fatal error, exit 2" {
	touch afile
	mkrec a 2026-11-22T02:15:00Z > a
	run -2 --separate-stderr fb-store -s afile append a
	assert_regex "$stderr" "'afile'"
	run -2 --separate-stderr fb-store -s afile cat
	assert_regex "$stderr" "'afile'"
}

@test "an unknown --tz is a usage error, exit 2" {
	mkdir -p "$S"
	run -2 --separate-stderr store cat --tz Mars/Olympus --since 2026-11-21
	assert_output ""
	assert_regex "$stderr" "'Mars/Olympus'"
}

@test "cat keeps few files open: many sealed segments read under ulimit -n 32" {
	local i n=${FB_TEST_MANY_SEGS:-60}
	for ((i = 1; i <= n; i++)); do
		gen_records 10 "s$i" $((1795313700 + i * 86400))
	done > all
	# one segment per day of records
	for ((i = 1; i <= n; i++)); do
		sed -n "$((i * 10 - 9)),$((i * 10))p" all |
		    fb-store -s "$S" append || fail "append $i"
		fb-store -s "$S" rotate || fail "rotate $i"
	done
	assert_equal "$(sealed | wc -l)" "$n"
	run -0 --separate-stderr bash -c 'ulimit -n 32 && fb-store -s "$1" cat > out' _ "$S"
	assert_equal "$stderr" ""
	cmp out all
	run -0 --separate-stderr bash -c 'ulimit -n 32 && fb-store -s "$1" cat --since 2026-12-01 > out' _ "$S"
	in_window all 2026-12-01T00:00:00Z "" | cmp - out
	run -0 --separate-stderr bash -c 'ulimit -n 32 && fb-store -s "$1" verify' _ "$S"
}

@test "sealed (rotate) and open segments are merged in ts order" {
	gen_records 300 a 1795313700 shuffle > a
	gen_records 300 b 1795313730 shuffle > b
	run -0 store append a
	run -0 --separate-stderr store rotate
	assert_equal "$stderr" ""
	[[ $(sealed | wc -l) -eq 1 ]]
	run -0 store append b
	[[ -s $S/$(openseg) ]]
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	cat a b | sort_by_ts > want
	cmp out want
}

@test "--max-size seals within one append, each segment just past the limit" {
	local f size
	gen_records 200 a 1795313700 shuffle > a
	run -0 --separate-stderr store append --max-size 1k a
	(($(sealed | wc -l) >= 10)) || fail "$(sealed | wc -l) sealed segments"
	for f in $(sealed); do
		size=$(zcat "$S/$f" | wc -c)
		((size >= 1024 && size < 1024 + 100)) ||
		    fail "$f holds $size bytes, want 1024 plus at most one record"
	done
	run -0 --separate-stderr to_file out store cat
	sort_by_ts a | cmp - out
}

@test "--max-size 1k seals many segments; cat merges them all in order" {
	local i
	: > all
	for ((i = 0; i < 10; i++)); do
		gen_records 40 "m$i" $((1795313700 + i * 7)) shuffle > "b$i"
		cat "b$i" >> all
		run -0 --separate-stderr store append --max-size 1k "b$i"
		assert_equal "$stderr" ""
	done
	(($(sealed | wc -l) >= 10)) || fail "only $(sealed | wc -l) sealed segments"
	run -0 --separate-stderr to_file out store cat
	sort_by_ts all > want
	cmp out want
	# the segments together hold each record exactly once
	{
		for f in $(sealed); do zcat "$S/$f"; done
		for f in $(openseg); do cat "$S/$f"; done
	} | sort > held
	sort all > want.sorted
	cmp held want.sorted
}

@test "sealed segments: plain gzip, named feedback-<first-ts>-<seq8>.ndjson.gz, sorted, with the header comment" {
	local f first last n c name_ts seqs=()
	for i in 1 2 3; do
		gen_records 200 "z$i" $((1795313700 + i * 86400)) shuffle > "b$i"
		run -0 store append "b$i"
		run -0 store rotate
	done
	gen_records 200 zz 1795313700 shuffle > b4
	run -0 store append --max-size 2k b4
	(($(sealed | wc -l) >= 4))
	for f in $(sealed); do
		[[ $f =~ ^feedback-([0-9]{8}T[0-9]{6}Z)-([0-9]{8})\.ndjson\.gz$ ]] ||
		    fail "bad segment name $f"
		name_ts=${BASH_REMATCH[1]}
		seqs+=("${BASH_REMATCH[2]}")
		gzip -t "$S/$f" || fail "$f: gzip -t failed"
		zcat "$S/$f" > seg
		first=$(head -n 1 seg | sed 's/.*"ts":"\([^"]*\)".*/\1/')
		last=$(tail -n 1 seg | sed 's/.*"ts":"\([^"]*\)".*/\1/')
		n=$(lines seg)
		assert_equal "$name_ts" "$(ts_compact "$first")"
		sort_by_ts seg | cmp - seg || fail "$f: lines not sorted by ts"
		c=$(gz_comment "$S/$f")
		[[ $c =~ ^fb-store\ 1\ min=([^ ]+)\ max=([^ ]+)\ records=([0-9]+)$ ]] ||
		    fail "$f: header comment '$c'"
		assert_equal "${BASH_REMATCH[3]}" "$n"
		same_instant "${BASH_REMATCH[1]}" "$first" ||
		    fail "$f: min=${BASH_REMATCH[1]}, first ts $first"
		same_instant "${BASH_REMATCH[2]}" "$last" ||
		    fail "$f: max=${BASH_REMATCH[2]}, last ts $last"
	done
	assert_equal "$(printf '%s\n' "${seqs[@]}" | sort -u | wc -l)" "${#seqs[@]}"
}

@test "the open segment is open-<seq8>-<created-epoch>.ndjson, plain NDJSON" {
	local t0 t1
	gen_records 30 a > a
	t0=$(date +%s)
	run -0 store append a
	t1=$(date +%s)
	[[ $(openseg | wc -l) -eq 1 ]]
	[[ $(openseg) =~ ^open-[0-9]{8}-([0-9]+)\.ndjson$ ]] || fail "name $(openseg)"
	((BASH_REMATCH[1] >= t0 - 5 && BASH_REMATCH[1] <= t1 + 5)) ||
	    fail "created-epoch ${BASH_REMATCH[1]} not near $t0"
	cmp "$S/$(openseg)" a
	[[ -f $S/lock ]]
	[[ -f $S/ids.idx ]]
}

@test "rotate: seals the open segment; again, or on an empty store, is fine" {
	run -0 --separate-stderr fb-store -s "$BATS_TEST_TMPDIR/never" rotate
	assert_equal "$stderr" ""
	mkdir -p "$S"
	run -0 --separate-stderr store rotate
	assert_equal "$stderr" ""
	assert_equal "$(sealed)" ""
	gen_records 30 a > a
	run -0 store append a
	run -0 --separate-stderr store rotate
	assert_equal "$(sealed | wc -l)" 1
	for f in $(openseg); do [[ ! -s $S/$f ]] || fail "$f still holds records"; done
	run -0 --separate-stderr store rotate
	assert_equal "$stderr" ""
	assert_equal "$(sealed | wc -l)" 1
	run -0 --separate-stderr to_file out store cat
	cmp out a
}

@test "--max-age seals an open segment older than the limit" {
	gen_records 30 a > a
	gen_records 30 b $((1795313700 + 3600)) > b
	run -0 store append --max-age 1s a
	sleep 2
	run -0 store append --max-age 1s b
	(($(sealed | wc -l) >= 1)) || fail "no segment sealed"
	run -0 --separate-stderr to_file out store cat
	cat a b > want
	cmp out want
}

@test "cat --pretty indents each record" {
	printf '%s\n' '{"id":"p1","ts":"2026-11-22T02:15:00Z","a":{"b":[1,2]}}' \
	    '{"id":"p2","ts":"2026-11-22T02:16:00Z","text":"x"}' > in
	run -0 store append in
	run -0 --separate-stderr to_file out store cat --pretty
	(($(lines out) > 2))
	grep -q '^ \+"id"' out
	assert_equal "$(jq -c . out)" "$(jq -c . in)"
}

# ---------------------------------------------------------------- windows

# window_store: 96 hourly records from 2026-11-20T00:00:00Z, the first 48
# sealed, the rest in the open segment; "all" holds them in order.
window_store() {
	gen_records 96 w 1795132800 inc 3600 > all
	head -n 48 all > first
	tail -n 48 all > second
	run -0 store append first
	run -0 store rotate
	run -0 store append second
}

# check_window WANT_SINCE WANT_UNTIL CAT-ARGS...: cat with CAT-ARGS gives
# exactly the records of [WANT_SINCE, WANT_UNTIL).
check_window() {
	local a=$1 b=$2
	shift 2
	run -0 --separate-stderr to_file out store cat "$@"
	assert_equal "$stderr" ""
	in_window all "$a" "$b" > want
	cmp out want || fail "cat $* : want [$a, $b), got $(ids out | head -n 1) .. $(ids out | tail -n 1) ($(lines out) records)"
}

@test "--since is inclusive, --until exclusive" {
	window_store
	[[ $(head -n 1 all) == *'"ts":"2026-11-20T00:00:00Z"'* ]]
	check_window 2026-11-21T00:00:00Z 2026-11-22T00:00:00Z \
	    --since 2026-11-21T00:00:00Z --until 2026-11-22T00:00:00Z
	assert_equal "$(lines out)" 24
	check_window 2026-11-21T05:00:00Z "" --since 2026-11-21T05:00:00Z
	check_window "" 2026-11-21T05:00:00Z --until 2026-11-21T05:00:00Z
	check_window 2026-11-21T05:00:00Z 2026-11-21T05:00:00Z \
	    --since 2026-11-21T05:00:00Z --until 2026-11-21T05:00:00Z
	assert_equal "$(lines out)" 0
	check_window 2026-11-21T04:59:59Z 2026-11-21T05:00:01Z \
	    --since 2026-11-21T04:59:59Z --until 2026-11-21T05:00:01Z
	assert_equal "$(lines out)" 1
	# (the records are hourly: 05:00:01 selects what 05:00:00.001 must)
	check_window 2026-11-21T05:00:01Z "" --since 2026-11-21T05:00:00.001Z
	check_window 2026-11-21T00:00:00Z "" --since 2026-11-21T08:00:00+08:00
	check_window 2026-11-19T00:00:00Z 2026-11-30T00:00:00Z \
	    --since 2026-11-19T00:00:00Z --until 2026-11-30T00:00:00Z
	assert_equal "$(lines out)" 96
}

@test "--since/--until accept epoch seconds and @epoch" {
	window_store
	check_window 2026-11-21T00:00:00Z 2026-11-22T00:00:00Z \
	    --since "$(epoch 2026-11-21T00:00:00Z)" --until "@$(epoch 2026-11-22T00:00:00Z)"
}

@test "relative times count from --now" {
	window_store
	local now=2026-11-23T12:00:00Z
	check_window 2026-11-21T12:00:00Z 2026-11-22T00:00:00Z --now "$now" --since -2d --until -36h
	check_window 2026-11-23T10:30:00Z "" --now "$now" --since -90m
	check_window 2026-11-23T11:58:30Z "" --now "$now" --since -90s
	check_window 2026-11-23T11:30:00Z "" --now "$now" --since -30m
	check_window "" 2026-11-09T12:00:00Z --now "$now" --until -2w
	check_window "" 2026-11-23T12:00:00Z --now "$now" --until now
	check_window 2026-11-21T00:00:00Z 2026-11-21T01:00:00Z \
	    --now 2026-11-21T00:00:00Z --since now --until +1h
}

@test "YYYY-MM-DD and local date-times are read in --tz" {
	window_store
	check_window 2026-11-20T16:00:00Z 2026-11-21T16:00:00Z \
	    --tz Asia/Shanghai --since 2026-11-21 --until 2026-11-22
	check_window 2026-11-21T00:00:00Z 2026-11-22T00:00:00Z \
	    --tz UTC --since 2026-11-21 --until 2026-11-22
	check_window 2026-11-21T05:00:00Z 2026-11-22T05:00:00Z \
	    --tz America/New_York --since 2026-11-21 --until 2026-11-22
	check_window 2026-11-21T00:30:00Z 2026-11-21T02:00:00Z \
	    --tz Asia/Shanghai --since '2026-11-21 08:30' --until '2026-11-21 10:00:00'
	check_window 2026-11-21T00:30:00Z 2026-11-21T02:00:00Z \
	    --tz Asia/Shanghai --since 2026-11-21T08:30 --until 2026-11-21T10:00:00
}

@test "without --tz, local times are read in \$TZ, else Asia/Shanghai" {
	window_store
	TZ=America/New_York check_window 2026-11-21T05:00:00Z 2026-11-22T05:00:00Z \
	    --since 2026-11-21 --until 2026-11-22
	TZ=UTC check_window 2026-11-21T00:00:00Z 2026-11-22T00:00:00Z \
	    --since 2026-11-21 --until 2026-11-22
	unset TZ
	check_window 2026-11-20T16:00:00Z 2026-11-21T16:00:00Z \
	    --since 2026-11-21 --until 2026-11-22
	# --tz wins over $TZ
	TZ=America/New_York check_window 2026-11-21T00:00:00Z 2026-11-22T00:00:00Z \
	    --tz UTC --since 2026-11-21 --until 2026-11-22
}

@test "every documented time form is accepted" {
	local t
	mkdir -p "$S"
	for t in 2026-11-22T10:15:00+08:00 2026-11-22T02:15:00Z \
	    2026-11-22T02:15:00.250Z 2026-11-22 '2026-11-22 10:15' \
	    '2026-11-22 10:15:30' 2026-11-22T10:15 2026-11-22T10:15:30 \
	    1795313700 @1795313700 -7d -36h -30m -90s -2w +1h now; do
		run --separate-stderr store cat --now 2026-11-23T00:00:00Z --since "$t"
		((status == 0)) || errs+=("--since '$t': exit $status: $stderr")
	done
	fail_if_errors
}

@test "a bad time is a usage error naming the value and the option, exit 2" {
	local t
	mkdir -p "$S"
	for t in yesterday 2026-02-30 2026-11-21T25:00:00Z 2026-11-21T10:61:00Z \
	    -7x @abc 12:30 ''; do
		run --separate-stderr store cat --since "$t"
		((status == 2)) || errs+=("--since '$t': exit $status, want 2")
		[[ $stderr == "fb-store: invalid time '$t' for --since (say 2026-11-01, 2026-11-01T08:00, -7d or now)" ]] ||
		    errs+=("--since '$t': stderr '$stderr'")
		[[ -z $output ]] || errs+=("--since '$t': stdout '$output'")
	done
	fail_if_errors
}

@test "a missing option argument: message, exit 2" {
	mkdir -p "$S"
	run -2 --separate-stderr store cat --since
	assert_output ""
	assert_equal "${stderr%%$'\n'*}" "fb-store: option '--since' needs an argument"
}

@test "bad sizes and durations are usage errors, exit 2" {
	gen_records 5 a > a
	run -2 --separate-stderr store append --max-size 12q a
	assert_regex "$stderr" "'12q'"
	run -2 --separate-stderr store append --max-age soon a
	assert_regex "$stderr" "'soon'"
	run -2 --separate-stderr store prune --older-than 10x
	assert_regex "$stderr" "'10x'"
	# nothing was stored: not even the store
	run -2 --separate-stderr store cat
	assert_output ""
	assert_equal "$stderr" "fb-store: no store at '$S' (-s DIR or \$FB_STORE names one; append creates it)"
}

@test "no subcommand or an unknown one: usage on stderr, exit 2" {
	run -2 --separate-stderr store
	assert_output ""
	assert_regex "$stderr" "usage: fb-store"
	run -2 --separate-stderr store frobnicate
	assert_output ""
	assert_regex "$stderr" "frobnicate"
	assert_regex "$stderr" "usage: fb-store"
}

@test "prune without --older-than is a usage error, exit 2" {
	mkdir -p "$S"
	run -2 --separate-stderr store prune
	assert_output ""
}

@test "append of a missing file: cannot open message, exit 2" {
	run -2 --separate-stderr store append nosuch.ndjson
	assert_output ""
	assert_regex "$stderr" "^fb-store: cannot open 'nosuch.ndjson': No such file or directory"
}

@test "cat and stats into /dev/full: write error, exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	gen_records 50000 a > a
	run -0 store append a
	run -2 --separate-stderr to_file /dev/full store cat
	assert_equal "$stderr" "fb-store: write error: No space left on device"
	run -2 --separate-stderr to_file /dev/full store stats
	assert_equal "$stderr" "fb-store: write error: No space left on device"
}

@test "cat into a closed pipe: write error, exit 2" {
	gen_records 100000 a > a
	run -0 store append a
	run -0 store rotate
	run -0 --separate-stderr bash -c '
		env --default-signal=PIPE fb-store -s "$1" cat 2> err |
		    head -c 10 > /dev/null
		echo "${PIPESTATUS[0]}"' _ "$S"
	assert_output 2
	assert_equal "$(cat err)" "fb-store: write error: Broken pipe"
}

@test "golden: bad-since" {
	golden fb-store bad-since
}

@test "golden: bad-until" {
	golden fb-store bad-until
}

@test "golden: bad-now" {
	golden fb-store bad-now
}

# three sealed segments (Nov 1, Nov 10, Nov 20) and an open one (Nov 25)
three_segments() {
	gen_records 200 n01 "$(epoch 2026-11-01T00:00:00Z)" shuffle > n01
	gen_records 200 n10 "$(epoch 2026-11-10T00:00:00Z)" shuffle > n10
	gen_records 200 n20 "$(epoch 2026-11-20T00:00:00Z)" shuffle > n20
	gen_records 50 n25 "$(epoch 2026-11-25T00:00:00Z)" shuffle > n25
	local f
	for f in n01 n10 n20; do
		run -0 store append "$f"
		run -0 store rotate
	done
	run -0 store append n25
	assert_equal "$(sealed | wc -l)" 3
	seg01=$(sealed | grep 20261101T)
	seg10=$(sealed | grep 20261110T)
	seg20=$(sealed | grep 20261120T)
	[[ -n $seg01 && -n $seg10 && -n $seg20 ]]
	sort_by_ts n01 > n01.s
	sort_by_ts n10 > n10.s
	sort_by_ts n20 > n20.s
	sort_by_ts n25 > n25.s
}

# skip_window MODE: damage the Nov 10 segment; windows that leave it out
# must not touch it, windows that cover it must say it is damaged.
skip_window() {
	three_segments
	damage "$1" "$S/$seg10"
	run -0 --separate-stderr to_file out store cat --since 2026-11-15
	assert_equal "$stderr" ""
	cat n20.s n25.s > want
	cmp out want
	run -0 --separate-stderr to_file out store cat --until 2026-11-05
	assert_equal "$stderr" ""
	cmp out n01.s
	run -0 --separate-stderr to_file out store cat --since 2026-11-01 --until 2026-11-05
	assert_equal "$stderr" ""
	cmp out n01.s
	run --separate-stderr to_file out store cat --since 2026-11-05 --until 2026-11-15
	((status == 1 || status == 2)) || fail "cat over the damaged segment: exit $status"
	[[ $stderr == *"$seg10"* ]] || fail "stderr does not name $seg10: $stderr"
	run --separate-stderr to_file out store cat
	((status == 1 || status == 2)) || fail "cat of everything: exit $status"
	[[ $stderr == *"$seg10"* ]] || fail "stderr does not name $seg10: $stderr"
}

@test "cat skips segments outside the window without opening them (truncated segment)" {
	skip_window truncate
}

@test "cat skips segments outside the window without opening them (overwritten middle)" {
	skip_window overwrite
}

# ---------------------------------------------------------------- bad input

@test "append: bad lines and records without a usable ts are reported, rejected verbatim; the rest stored; exit 1" {
	build_mixed store
	run -1 --separate-stderr store append --reject rej mixed.ndjson
	assert_output ""
	check_diags fb-store mixed.ndjson mixed.diag
	cmp rej mixed.bad
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	cmp out mixed.good
}

@test "append: bad input on stdin is reported as <stdin>" {
	build_mixed store
	run -1 --separate-stderr store append --reject rej < mixed.ndjson
	check_diags fb-store '<stdin>' mixed.diag
	cmp rej mixed.bad
	run -0 --separate-stderr to_file out store cat
	cmp out mixed.good
}

@test "append: bad input from a .gz file" {
	build_mixed store
	gzip -c mixed.ndjson > mixed.ndjson.gz
	run -1 --separate-stderr store append --reject rej mixed.ndjson.gz
	check_diags fb-store mixed.ndjson.gz mixed.diag
	cmp rej mixed.bad
	run -0 --separate-stderr to_file out store cat
	cmp out mixed.good
}

@test "append --strict stops at the first bad line, exit 2; the store stays consistent" {
	build_mixed store
	run -2 --separate-stderr store append --strict mixed.ndjson
	[[ ${stderr%%$'\n'*} =~ ^fb-store:\ mixed\.ndjson:3:\ invalid\ JSON ]] ||
	    fail "first stderr line: ${stderr%%$'\n'*}"
	run -0 --separate-stderr to_file out store cat
	# either nothing or exactly the two records before the bad line
	head -n 2 mixed.good > two
	cmp -s out two || [[ ! -s out ]] || fail "stored: $(cat out)"
	run -0 --separate-stderr store verify
}

@test "append --strict of good input exits 0" {
	gen_records 50 a > a
	run -0 --separate-stderr store append --strict a
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	cmp out a
}

@test "append --max-line rejects longer records" {
	gen_records 3 a > a
	long=$(printf '{"id":"long","ts":"2026-11-22T03:00:00Z","text":"%s"}' "$(head -c 300 /dev/zero | tr '\0' l)")
	{ head -n 1 a; echo "$long"; tail -n 2 a; } > in
	run -1 --separate-stderr store append --max-line 200 in
	assert_equal "$stderr" "fb-store: in:2: line longer than 200 bytes"
	run -0 --separate-stderr to_file out store cat
	cmp out a
}

# ---------------------------------------------------------------- dedup

@test "--dedup: re-appending the same file adds nothing and says so" {
	gen_records 100 d 1795313700 shuffle > d
	run -0 --separate-stderr store append --dedup d
	assert_equal "$stderr" ""
	run -0 --separate-stderr store append --dedup d
	assert_equal "$stderr" "fb-store: dropped 100 duplicate records"
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(lines out)" 100
	sort_by_ts d | cmp - out
}

@test "--dedup -q drops silently" {
	gen_records 10 d > d
	run -0 store append --dedup d
	run -0 --separate-stderr fb-store -q -s "$S" append --dedup d
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(lines out)" 10
}

@test "--dedup recognises ids stored without --dedup, in sealed segments too" {
	gen_records 200 d 1795313700 shuffle > d
	gen_records 5 e $((1795313700 + 86400)) > e
	head -n 100 d > d1
	tail -n 100 d > d2
	run -0 store append d1
	run -0 store rotate
	run -0 store append d2
	run -0 store rotate
	assert_equal "$(sealed | wc -l)" 2
	cat e d > again
	run -0 --separate-stderr store append --dedup again
	assert_equal "$stderr" "fb-store: dropped 200 duplicate records"
	run -0 --separate-stderr to_file out store cat
	cat d e | sort_by_ts > want
	cmp out want
}

@test "--dedup drops duplicates within one input, keeping the first" {
	{
		mkrec r1 2026-11-22T02:00:00Z first-r1
		mkrec r2 2026-11-22T02:01:00Z first-r2
		mkrec r1 2026-11-22T02:02:00Z second-r1
		mkrec r3 2026-11-22T02:03:00Z first-r3
		mkrec r2 2026-11-22T02:04:00Z second-r2
		mkrec r1 2026-11-22T01:00:00Z third-r1
	} > in
	run -0 --separate-stderr store append --dedup in
	assert_equal "$stderr" "fb-store: dropped 3 duplicate records"
	run -0 --separate-stderr to_file out store cat
	{
		mkrec r1 2026-11-22T02:00:00Z first-r1
		mkrec r2 2026-11-22T02:01:00Z first-r2
		mkrec r3 2026-11-22T02:03:00Z first-r3
	} > want
	cmp out want
}

@test "--dedup keeps events with the same id but another event or ts; exact repeats are dropped" {
	mkrec r1 2026-11-22T02:00:00Z > fb
	{
		echo '{"type":"event","id":"r1","event":"assigned","ts":"2026-11-22T02:05:00Z","agent":"a1"}'
		echo '{"type":"event","id":"r1","event":"first_response","ts":"2026-11-22T02:10:00Z","agent":"a1"}'
		echo '{"type":"event","id":"r1","event":"pending","ts":"2026-11-22T02:20:00Z"}'
		echo '{"type":"event","id":"r1","event":"resumed","ts":"2026-11-22T02:30:00Z"}'
		echo '{"type":"event","id":"r1","event":"pending","ts":"2026-11-22T02:40:00Z"}'
		echo '{"type":"event","id":"r1","event":"resolved","ts":"2026-11-22T02:50:00Z"}'
		echo '{"type":"event","id":"r1","event":"csat","ts":"2026-11-22T03:00:00Z","score":5}'
	} > ev
	run -0 --separate-stderr store append --dedup fb
	run -0 --separate-stderr store append --dedup ev
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	cat fb ev > want
	cmp out want
	# the same events again: every one is an exact repeat
	run -0 --separate-stderr store append --dedup ev
	assert_equal "$stderr" "fb-store: dropped 7 duplicate records"
	run -0 --separate-stderr to_file out store cat
	cmp out want
}

@test "--dedup: records without an id are keyed by the whole line" {
	{
		echo '{"ts":"2026-11-22T02:00:00Z","text":"anonymous"}'
		echo '{"ts":"2026-11-22T02:00:00Z","text":"anonymous"}'
		echo '{"ts":"2026-11-22T02:00:00Z","text":"another"}'
		echo '{"type":"alert","ts":"2026-11-22T02:01:00Z","what":"spike"}'
		echo '{"type":"alert","ts":"2026-11-22T02:01:00Z","what":"spike"}'
	} > in
	run -0 --separate-stderr store append --dedup in
	assert_equal "$stderr" "fb-store: dropped 2 duplicate records"
	run -0 --separate-stderr to_file out store cat
	sed -n '1p;3p;4p' in > want
	cmp out want
}

@test "without --dedup, duplicates are stored" {
	gen_records 50 d > d
	run -0 --separate-stderr store append d
	run -0 --separate-stderr store append d
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file out store cat
	assert_equal "$(lines out)" 100
	assert_equal "$(ids out | sort | uniq -d | wc -l)" 50
}

# ---------------------------------------------------------------- crash, concurrency

@test "crash safety: appenders killed by SIGKILL at random moments lose no acknowledged record" {
	local i pid rc t0 t1 span delay ok=() killed=0
	for ((i = 1; i <= CRASH_RUNS; i++)); do
		gen_records "$CRASH_BATCH" "c$i" $((1795313700 + i * 7)) shuffle > "batch$i"
	done
	# Spread the kills over about 1.5 times one append's run time (a
	# measurement to aim the kills, never asserted on).
	t0=$(date +%s%N)
	fb-store -s "$BATS_TEST_TMPDIR/calibrate" append --max-size 4k batch1
	t1=$(date +%s%N)
	span=$(((t1 - t0) * 3 / 2 / 1000))
	((span >= 10000)) || span=10000
	for ((i = 1; i <= CRASH_RUNS; i++)); do
		fb-store -s "$S" append --max-size 4k "batch$i" 2>> crash.err 3>&- &
		pid=$!
		delay=$(((RANDOM * 32768 + RANDOM) % span))
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -9 "$pid" 2> /dev/null || true
		rc=0
		wait "$pid" || rc=$?
		echo "run $i: delay ${delay}us exit $rc" >> runs.log
		if ((rc == 0)); then
			ok+=("$i")
		else
			killed=$((killed + 1))
		fi
	done
	echo "# $CRASH_RUNS runs: ${#ok[@]} finished, $killed killed" >&3

	# the store is readable at once, before any repair
	run -0 --separate-stderr to_file out store cat
	valid_lines out
	# every record is one that was appended, unchanged, and only once
	cat batch* | sort > all.sorted
	sort out > out.sorted
	assert_equal "$(comm -23 out.sorted all.sorted | head -n 5)" ""
	assert_equal "$(ids out | sort | uniq -d | head -n 5)" ""
	# every acknowledged batch is there in full
	ids out | sort > have
	for i in "${ok[@]}"; do
		ids "batch$i" | sort | comm -23 - have > missing
		[[ ! -s missing ]] || fail "batch $i (exit 0) lost $(wc -l < missing) records, e.g. $(head -n 1 missing)"
	done
	sort_by_ts out | cmp - out || fail "cat output not in ts order"

	# verify is clean, or repair makes it clean
	run --separate-stderr store verify
	if ((status == 1)); then
		run -1 --separate-stderr store verify --repair
		run -0 --separate-stderr store verify
		assert_equal "$stderr" ""
	else
		((status == 0)) || fail "verify: exit $status: $stderr"
	fi
	run -0 --separate-stderr to_file out2 store cat
	valid_lines out2
	ids out2 | sort > have2
	for i in "${ok[@]}"; do
		ids "batch$i" | sort | comm -23 - have2 > missing
		[[ ! -s missing ]] || fail "after verify: batch $i lost records"
	done
	assert_equal "$(ids out2 | sort | uniq -d | head -n 5)" ""

	# and the store takes new batches
	gen_records 100 after 1795400000 > after
	run -0 store append after
	run -0 --separate-stderr to_file out3 store cat
	ids after | sort | comm -23 - <(ids out3 | sort) > missing
	[[ ! -s missing ]]
	run -0 --separate-stderr store verify
}

@test "crash safety with --dedup: appending every batch again after the crashes gives each record once" {
	local i pid rc t0 t1 span delay runs=$(((CRASH_RUNS + 1) / 2))
	for ((i = 1; i <= runs; i++)); do
		gen_records "$CRASH_BATCH" "d$i" $((1795313700 + i * 7)) shuffle > "batch$i"
	done
	t0=$(date +%s%N)
	fb-store -s "$BATS_TEST_TMPDIR/calibrate" append --dedup --max-size 4k batch1
	t1=$(date +%s%N)
	span=$(((t1 - t0) * 3 / 2 / 1000))
	((span >= 10000)) || span=10000
	for ((i = 1; i <= runs; i++)); do
		fb-store -s "$S" append --dedup --max-size 4k "batch$i" 2>> crash.err 3>&- &
		pid=$!
		delay=$(((RANDOM * 32768 + RANDOM) % span))
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -9 "$pid" 2> /dev/null || true
		rc=0
		wait "$pid" || rc=$?
		echo "run $i: delay ${delay}us exit $rc" >> runs.log
	done
	echo "# $runs runs: $(grep -c 'exit 0$' runs.log) finished, $(grep -vc 'exit 0$' runs.log) killed" >&3
	cat batch* > all
	run --separate-stderr store append --dedup all
	((status == 0)) || fail "append --dedup after the crashes: exit $status: $stderr"
	run -0 --separate-stderr to_file out store cat
	valid_lines out
	sort out > out.sorted
	sort all > all.sorted
	cmp out.sorted all.sorted
	run --separate-stderr store verify
	if ((status != 0)); then
		run -1 --separate-stderr store verify --repair
		run -0 --separate-stderr store verify
	fi
	run -0 --separate-stderr store append --dedup all
	assert_equal "$stderr" "fb-store: dropped $(lines all) duplicate records"
}

@test "crash safety: rotate killed by SIGKILL at random moments loses and duplicates nothing" {
	local i pid rc t0 t1 span delay runs=$(((CRASH_RUNS + 1) / 2))
	local batch=$((CRASH_BATCH * 10))
	: > all
	gen_records "$batch" cal > cal
	fb-store -s "$BATS_TEST_TMPDIR/calibrate" append cal
	t0=$(date +%s%N)
	fb-store -s "$BATS_TEST_TMPDIR/calibrate" rotate
	t1=$(date +%s%N)
	span=$(((t1 - t0) * 2 / 1000))
	((span >= 5000)) || span=5000
	for ((i = 1; i <= runs; i++)); do
		gen_records "$batch" "r$i" $((1795313700 + i * 7)) shuffle > "batch$i"
		cat "batch$i" >> all
		# an acknowledged batch, then a rotate that may die mid-seal
		fb-store -s "$S" append "batch$i" 2>> crash.err ||
		    fail "append $i: exit $?"
		fb-store -s "$S" rotate 2>> crash.err 3>&- &
		pid=$!
		delay=$(((RANDOM * 32768 + RANDOM) % span))
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -9 "$pid" 2> /dev/null || true
		rc=0
		wait "$pid" || rc=$?
		echo "run $i: delay ${delay}us exit $rc" >> runs.log
	done
	echo "# $runs rotates: $(grep -c 'exit 0$' runs.log) finished, $(grep -vc 'exit 0$' runs.log) killed" >&3
	sort all > all.sorted
	run -0 --separate-stderr to_file out store cat
	valid_lines out
	sort out | cmp - all.sorted
	run --separate-stderr store verify
	if ((status != 0)); then
		run -1 --separate-stderr store verify --repair
		run -0 --separate-stderr store verify
		run -0 --separate-stderr to_file out store cat
		sort out | cmp - all.sorted
	fi
	run -0 --separate-stderr store rotate
	run -0 --separate-stderr to_file out store cat
	sort out | cmp - all.sorted
}

@test "concurrent appenders with --dedup of the same records store each once" {
	local w pids=() rc
	gen_records "$CONC_N" same 1795313700 shuffle > in
	mkdir -p "$S"
	for ((w = 1; w <= CONC_WRITERS; w++)); do
		fb-store -s "$S" append --dedup --max-size 64k in 2> "err$w" 3>&- &
		pids+=($!)
	done
	for ((w = 1; w <= CONC_WRITERS; w++)); do
		rc=0
		wait "${pids[w - 1]}" || rc=$?
		((rc == 0)) || fail "appender $w: exit $rc: $(cat "err$w")"
	done
	run -0 --separate-stderr to_file out store cat
	sort_by_ts in | cmp - out
	# between them, the appenders dropped all but one copy
	cat err* | sed -n 's/^fb-store: dropped \([0-9]*\) duplicate records$/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }' > dropped
	assert_equal "$(cat dropped)" "$(((CONC_WRITERS - 1) * CONC_N))"
	run -0 --separate-stderr store verify
}

@test "concurrent appenders are serialised: the union, no torn or mixed line" {
	local w pid pids=() rc n=0
	: > all
	for ((w = 1; w <= CONC_WRITERS; w++)); do
		gen_records "$CONC_N" "w$w" $((1795313700 + w)) shuffle > "in$w"
		cat "in$w" >> all
	done
	mkdir -p "$S"
	for ((w = 1; w <= CONC_WRITERS; w++)); do
		fb-store -s "$S" append --max-size 64k "in$w" 2> "err$w" 3>&- &
		pids+=($!)
	done
	# readers meanwhile see whole records only
	while kill -0 "${pids[@]}" 2> /dev/null && ((n < 20)); do
		n=$((n + 1))
		fb-store -s "$S" cat > "reader$n" 2> "reader$n.err" 3>&- ||
		    fail "cat during appends: $(cat "reader$n.err")"
		fb-passthru --strict "reader$n" > /dev/null ||
		    fail "cat during appends gave a bad line"
		[[ -z $(ids "reader$n" | sort | uniq -d) ]] ||
		    fail "cat during appends gave a record twice"
	done
	for ((w = 1; w <= CONC_WRITERS; w++)); do
		rc=0
		wait "${pids[w - 1]}" || rc=$?
		((rc == 0)) || fail "appender $w: exit $rc: $(cat "err$w")"
		[[ ! -s err$w ]] || fail "appender $w: stderr: $(cat "err$w")"
	done
	run -0 --separate-stderr to_file out store cat
	valid_lines out
	assert_equal "$(ids out | sort)" "$(ids all | sort)"
	sort out > out.sorted
	sort all > all.sorted
	cmp out.sorted all.sorted
	sort_by_ts all | cmp - out
	run -0 --separate-stderr store verify
	assert_equal "$stderr" ""
}

@test "cat runs in constant memory: $BIG_N records vs $SMALL_N" {
	local big small
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	run -0 --separate-stderr bash -o pipefail -c \
	    "$(declare -f gen_records); gen_records $BIG_N big | fb-store -s big append"
	run -0 --separate-stderr bash -o pipefail -c \
	    "$(declare -f gen_records); gen_records $SMALL_N small | fb-store -s small append"
	run -0 --separate-stderr bash -o pipefail -c \
	    '/usr/bin/time -f %M -o rss.big fb-store -s big cat | wc -l'
	assert_output "$BIG_N"
	run -0 --separate-stderr bash -o pipefail -c \
	    '/usr/bin/time -f %M -o rss.small fb-store -s small cat | wc -l'
	assert_output "$SMALL_N"
	big=$(tail -n 1 rss.big)
	small=$(tail -n 1 rss.small)
	echo "# peak RSS: $big KB for $BIG_N records, $small KB for $SMALL_N" >&3
	((big - small < RSS_SLACK_KB)) ||
	    fail "peak RSS $big KB for $BIG_N records vs $small KB for $SMALL_N"
}

@test "cat runs in constant memory when the open segment is out of order: $BIG_N records vs $SMALL_N" {
	local big small late='{"id":"late","ts":"2020-01-01T00:00:00Z","text":"late"}'
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	# in ts order, then one late record: the open segment is not sorted
	run -0 --separate-stderr bash -o pipefail -c \
	    "$(declare -f gen_records); gen_records $BIG_N big | fb-store -s big append"
	run -0 --separate-stderr fb-store -s big append <<< "$late"
	run -0 --separate-stderr bash -o pipefail -c \
	    "$(declare -f gen_records); gen_records $SMALL_N small | fb-store -s small append"
	run -0 --separate-stderr fb-store -s small append <<< "$late"
	# the first line and the count
	run -0 --separate-stderr bash -o pipefail -c \
	    '/usr/bin/time -f %M -o rss.big fb-store -s big cat |
		awk "NR == 1 { print } END { print NR }"'
	assert_output "$late"$'\n'"$((BIG_N + 1))"
	run -0 --separate-stderr bash -o pipefail -c \
	    '/usr/bin/time -f %M -o rss.small fb-store -s small cat |
		awk "NR == 1 { print } END { print NR }"'
	assert_output "$late"$'\n'"$((SMALL_N + 1))"
	big=$(tail -n 1 rss.big)
	small=$(tail -n 1 rss.small)
	echo "# peak RSS: $big KB for $BIG_N records, $small KB for $SMALL_N" >&3
	((big - small < RSS_SLACK_KB)) ||
	    fail "peak RSS $big KB for $BIG_N records vs $small KB for $SMALL_N"
}

# ---------------------------------------------------------------- stats, prune, dirs

@test "stats: one JSON object with the right counts" {
	gen_records 30 a 1795313700 shuffle > a
	gen_records 20 b $((1795313700 + 86400)) shuffle > b
	run -0 store append a
	run -0 store rotate
	run -0 store append b
	run -0 --separate-stderr store stats
	assert_equal "$stderr" ""
	assert_equal "$(printf '%s\n' "$output" | wc -l)" 1
	printf '%s\n' "$output" > stats.json
	local seg sealed_bytes open_bytes
	seg=$(sealed)
	sealed_bytes=$(stat -c %s "$S/$seg")
	open_bytes=$(stat -c %s "$S/$(openseg)")
	jq -e --arg store "$S" --argjson cb "$sealed_bytes" --argjson ob "$open_bytes" '
		type == "object"
		and .store == $store
		and .records == 50 and .sealed_records == 30 and .open_records == 20
		and .bytes_compressed == $cb and .bytes_open == $ob
		and .min_ts == "2026-11-22T02:15:00Z"
		and .max_ts == "2026-11-23T02:34:00Z"
		and .index_ids == 50 and .quarantined == 0
	' stats.json || fail "stats: $output"
	# SPEC does not say whether "segments" counts the open segment
	jq -e '.segments == 1 or .segments == 2' stats.json || fail "segments: $output"
}

@test "stats of an empty store: zero counts, null min_ts and max_ts" {
	mkdir -p "$S"
	run -0 --separate-stderr store stats
	assert_equal "$stderr" ""
	printf '%s\n' "$output" > stats.json
	jq -e '.records == 0 and .segments == 0 and .sealed_records == 0
		and .open_records == 0 and .min_ts == null and .max_ts == null
		and .index_ids == 0 and .quarantined == 0' stats.json ||
	    fail "stats: $output"
}

@test "stats --pretty is the same object, indented" {
	gen_records 10 a > a
	run -0 store append a
	compact=$(store stats | jq -cS .)
	run -0 --separate-stderr store stats --pretty
	(($(printf '%s\n' "$output" | wc -l) > 1))
	assert_equal "$(printf '%s\n' "$output" | jq -cS .)" "$compact"
}

# prune_store: sealed segments from Jan, Feb, Jun and Nov 2026 (20 records
# each) and an open segment with old records from Dec 2025.
prune_store() {
	local m
	for m in 2026-01-10 2026-02-10 2026-06-10 2026-11-10; do
		gen_records 20 "p$m" "$(epoch "${m}T00:00:00Z")" > "p$m"
		run -0 store append "p$m"
		run -0 store rotate
	done
	gen_records 5 old "$(epoch 2025-12-01T00:00:00Z)" > old
	run -0 store append old
	segjan=$(sealed | grep 20260110T)
	segfeb=$(sealed | grep 20260210T)
	segjun=$(sealed | grep 20260610T)
	segnov=$(sealed | grep 20261110T)
	[[ -n $segjan && -n $segfeb && -n $segjun && -n $segnov ]]
}

@test "prune --older-than removes exactly the old sealed segments and says so" {
	prune_store
	run -0 --separate-stderr store prune --older-than 180d --now 2026-11-30T00:00:00Z
	assert_output ""
	assert_equal "$stderr" "fb-store: pruned 2 segments (40 records)"
	assert_equal "$(sealed)" "$(printf '%s\n' "$segjun" "$segnov" | sort)"
	run -0 --separate-stderr to_file out store cat
	cat old p2026-06-10 p2026-11-10 > want
	cmp out want
	run -0 --separate-stderr store verify
}

@test "prune --dry-run lists the segments and removes nothing" {
	prune_store
	ls -l "$S" > before
	run -0 --separate-stderr store prune --older-than 180d --dry-run --now 2026-11-30T00:00:00Z
	assert_output ""
	[[ $stderr == *"$segjan"* && $stderr == *"$segfeb"* ]] || fail "stderr: $stderr"
	[[ $stderr != *"$segjun"* && $stderr != *"$segnov"* ]] || fail "stderr: $stderr"
	ls -l "$S" > after
	cmp before after
}

@test "prune never touches the open segment; -q is quiet" {
	prune_store
	run -0 --separate-stderr fb-store -q -s "$S" prune --older-than 1d --now 2026-11-30T00:00:00Z
	assert_equal "$stderr" ""
	assert_equal "$(sealed)" ""
	run -0 --separate-stderr to_file out store cat
	cmp out old
}

@test "the store is ./var/fb by default, \$FB_STORE overrides it, -s overrides both" {
	gen_records 5 a > a
	gen_records 5 b > b
	gen_records 5 c > c
	mkdir work
	cd work
	run -0 --separate-stderr fb-store append ../a
	[[ -d var/fb ]]
	[[ -n $(openseg var/fb) ]]
	FB_STORE=$PWD/envstore run -0 --separate-stderr fb-store append ../b
	[[ -n $(openseg envstore) ]]
	FB_STORE=$PWD/envstore run -0 --separate-stderr fb-store -s opt append ../c
	[[ -n $(openseg opt) ]]
	run -0 --separate-stderr to_file ../o1 fb-store cat
	FB_STORE=$PWD/envstore run -0 --separate-stderr to_file ../o2 fb-store cat
	FB_STORE=$PWD/envstore run -0 --separate-stderr to_file ../o3 fb-store -s opt cat
	run -0 --separate-stderr to_file ../o4 fb-store --store opt cat
	cmp ../o1 ../a
	cmp ../o2 ../b
	cmp ../o3 ../c
	cmp ../o4 ../c
	# nothing written outside the stores
	assert_equal "$(ls | sort | paste -sd ' ')" "envstore opt var"
	assert_equal "$(ls var)" "fb"
}

# ---------------------------------------------------------------- verify, repair

@test "verify: a clean store exits 0 and says nothing" {
	three_segments
	run -0 --separate-stderr store verify
	assert_output ""
	assert_equal "$stderr" ""
}

# verify_damaged MODE: damage the Nov 10 segment; verify must name it;
# --repair moves it to quarantine/ and leaves a clean store with every
# record of the other segments.
verify_damaged() {
	three_segments
	damage "$1" "$S/$seg10"
	cp "$S/$seg10" damaged.gz
	run -1 --separate-stderr store verify
	assert_output ""
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$seg10': .+"
	run -1 --separate-stderr store verify --repair
	run -0 --separate-stderr store verify
	assert_equal "$stderr" ""
	quarantine_copy damaged.gz
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	valid_lines out
	grep -v '"id":"n10-' out > others
	cat n01.s n20.s n25.s > want
	cmp others want
	# no record of the damaged segment twice, none invented
	grep '"id":"n10-' out | sort > salvaged || true
	comm -23 salvaged <(sort n10) > invented
	if [[ $1 != flip ]]; then
		# flipping a bit may change a byte of a record (even an id)
		# without breaking its line, so only the other modes must
		# salvage exact records
		[[ ! -s invented ]] || fail "salvaged records not in the input: $(head -n 2 invented)"
		assert_equal "$(ids out | sort | uniq -d)" ""
	else
		assert_equal "$(ids others | sort | uniq -d)" ""
	fi
	run -0 --separate-stderr store stats
	jq -e '.quarantined >= 1' <<< "$output"
}

@test "verify finds a truncated sealed segment; --repair salvages its readable records" {
	verify_damaged truncate
	# every complete line zcat could read from the damaged copy is kept
	gz_readable damaged.gz | sed '$d' | sort > readable
	[[ -s readable ]] || fail "test setup: nothing readable in the truncated copy"
	comm -23 readable salvaged > lost
	[[ ! -s lost ]] || fail "readable records not salvaged: $(wc -l < lost), e.g. $(head -n 1 lost)"
}

@test "verify finds a sealed segment with overwritten bytes" {
	verify_damaged overwrite
}

@test "verify finds a bit-flipped sealed segment" {
	verify_damaged flip
}

@test "verify finds a sealed segment whose lines are not sorted" {
	three_segments
	local c
	c=$(gz_comment "$S/$seg10")
	zcat "$S/$seg10" | sort -r | gz_rewrite "$S/$seg10" "$c"
	zcat "$S/$seg10" > /dev/null
	run -1 --separate-stderr store verify
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$seg10': .+"
}

@test "verify finds a sealed segment whose header count is wrong" {
	three_segments
	local c
	c=$(gz_comment "$S/$seg10")
	[[ $c == *" records=200" ]] || fail "header comment '$c'"
	zcat "$S/$seg10" | gz_rewrite "$S/$seg10" "${c% records=200} records=201"
	run -1 --separate-stderr store verify
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$seg10': .+"
}

# spoil_open_line N: replace line N of the open segment by a same-length
# line that is not a record (the file keeps its size).
spoil_open_line() {
	local open line bad
	open=$(openseg)
	line=$(sed -n "${1}p" "$S/$open")
	bad=$(printf '[%*s]' $((${#line} - 2)) '')
	awk -v n="$1" -v b="$bad" 'NR == n { print b; next } { print }' \
	    "$S/$open" > spoiled
	cat spoiled > "$S/$open"
}

@test "verify finds a bad line inside the open segment" {
	three_segments
	local open
	open=$(openseg)
	spoil_open_line 20
	run -1 --separate-stderr store verify
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$open': .+"
}

@test "verify finds a bad line appended to the open segment" {
	three_segments
	local open
	open=$(openseg)
	printf '[1,2]\n' >> "$S/$open"
	run -1 --separate-stderr store verify
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$open': .+"
}

@test "cat reports a bad line in the open segment, never drops it silently" {
	three_segments
	local open
	open=$(openseg)
	spoil_open_line 20
	run --separate-stderr to_file out store cat --since 2026-11-24
	((status == 1 || status == 2)) || fail "exit $status, stderr: $stderr"
	[[ $stderr == *"$open"* ]] || fail "stderr does not name $open: $stderr"
	assert_equal "$(lines out)" 49
}

@test "verify finds a torn tail in the open segment; --repair quarantines it" {
	three_segments
	local open torn='{"id":"torn","ts":"2026-11-2'
	open=$(openseg)
	printf '%s' "$torn" >> "$S/$open"
	run -1 --separate-stderr store verify
	assert_output ""
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?$open': .+"
	run -1 --separate-stderr store verify --repair
	run -0 --separate-stderr store verify
	assert_equal "$stderr" ""
	quarantine_has "$torn"
	run -0 --separate-stderr to_file out store cat
	cat n01.s n10.s n20.s n25.s > want
	cmp out want
}

@test "verify finds a missing index; --repair rebuilds it and --dedup works again" {
	three_segments
	rm "$S/ids.idx"
	run -1 --separate-stderr store verify
	assert_regex "$stderr" "fb-store: verify: '([^']*/)?ids\.idx': .+"
	run -1 --separate-stderr store verify --repair
	run -0 --separate-stderr store verify
	run -0 --separate-stderr store append --dedup n10
	assert_equal "$stderr" "fb-store: dropped 200 duplicate records"
}

@test "cat never prints a torn tail" {
	gen_records 20 a > a
	run -0 store append a
	printf '%s' '{"id":"torn","ts":"2026-11-22T0' >> "$S/$(openseg)"
	run -0 --separate-stderr to_file out store cat
	cmp out a
}

@test "a torn tail is repaired by the next append, with a warning" {
	local open torn='{"id":"torn","ts":"2026-11-22T03:00:00Z","te'
	gen_records 50 a > a
	gen_records 50 b $((1795313700 + 86400)) > b
	run -0 store append a
	open=$(openseg)
	printf '%s' "$torn" >> "$S/$open"
	run -0 --separate-stderr store append b
	assert_output ""
	assert_regex "$stderr" "^fb-store: warning: repaired torn tail of '([^']*/)?$open': ${#torn} bytes moved to quarantine/[^ ]+$"
	quarantine_has "$torn"
	run -0 --separate-stderr to_file out store cat
	assert_equal "$stderr" ""
	cat a b > want
	cmp out want
	valid_lines out
	run -0 --separate-stderr store verify
	assert_equal "$stderr" ""
}

@test "a torn tail repaired by append -q: no warning, same repair" {
	local torn='{"id":"torn","ts":"2026-11-22T03:00:00Z","te'
	gen_records 10 a > a
	gen_records 10 b $((1795313700 + 86400)) > b
	run -0 store append a
	printf '%s' "$torn" >> "$S/$(openseg)"
	run -0 --separate-stderr fb-store -q -s "$S" append b
	assert_equal "$stderr" ""
	quarantine_has "$torn"
	run -0 --separate-stderr to_file out store cat
	cat a b > want
	cmp out want
}

@test "a torn tail is repaired by rotate too; the sealed segment holds only whole records" {
	local torn='{"id":"torn","ts":"2026-11-22T03:00:00Z","te'
	gen_records 10 a > a
	run -0 store append a
	printf '%s' "$torn" >> "$S/$(openseg)"
	run -0 --separate-stderr store rotate
	assert_regex "$stderr" "^fb-store: warning: repaired torn tail of '"
	quarantine_has "$torn"
	assert_equal "$(sealed | wc -l)" 1
	zcat "$S/$(sealed)" > seg
	cmp seg a
	run -0 --separate-stderr store verify
}

# ---------------------------------------------------------------- EXAMPLES
# Each EXAMPLES snippet of fb-store(1), and the fb-store ones of fb-ndjson(5).

@test "fb-store(1) example: the crontab line stores an inbox once, bad lines aside" {
	mkdir in
	gen_records 30 inbox1 > in/a.ndjson
	{
		gen_records 20 inbox2 $((1795313700 + 86400))
		printf '{"id":"broken",\n'
	} > in/b.ndjson
	run -1 --separate-stderr fb-store -q append --dedup --reject "$PWD/rej.ndjson" in/a.ndjson in/b.ndjson
	[[ $stderr =~ ^fb-store:\ in/b\.ndjson:21:\ invalid\ JSON ]] || fail "stderr: $stderr"
	[[ $stderr != *dropped* ]]
	printf '{"id":"broken",\n' > want.rej
	cmp rej.ndjson want.rej
	# the next hour: the same files again, and one new
	gen_records 10 inbox3 $((1795313700 + 2 * 86400)) > in/c.ndjson
	run -1 --separate-stderr fb-store -q append --dedup --reject "$PWD/rej.ndjson" in/*
	[[ $stderr != *dropped* ]]
	grep -qxF '{"id":"broken",' rej.ndjson
	run -0 --separate-stderr to_file out fb-store cat
	head -n 20 in/b.ndjson > b20
	cat in/a.ndjson b20 in/c.ndjson > want
	cmp out want
}

@test "fb-store(1) example: count the last seven days per channel" {
	local now
	now=$(date +%s)
	{
		printf '{"id":"e1","ts":"%s","channel":"app"}\n' "$(iso $((now - 10 * 86400)))"
		printf '{"id":"e2","ts":"%s","channel":"web"}\n' "$(iso $((now - 3 * 86400)))"
		printf '{"id":"e3","ts":"%s","channel":"app"}\n' "$(iso $((now - 2 * 86400)))"
		printf '{"id":"e4","ts":"%s","channel":"app"}\n' "$(iso $((now - 3600)))"
	} > in
	run -0 fb-store append in
	run -0 --separate-stderr bash -o pipefail -c \
	    'fb-store cat --since -7d | jq -r .channel | sort | uniq -c'
	assert_equal "$(sed 's/^ *//' <<< "$output")" $'2 app\n1 web'
}

@test "fb-store(1) example: ids of low-rated feedback from the first week of November, Beijing time" {
	{
		echo '{"id":"a","ts":"2026-10-31T16:30:00Z","rating":1}'
		echo '{"id":"b","ts":"2026-10-31T15:30:00Z","rating":1}'
		echo '{"id":"c","ts":"2026-11-07T15:59:59Z","rating":2}'
		echo '{"id":"d","ts":"2026-11-07T16:00:00Z","rating":1}'
		echo '{"id":"e","ts":"2026-11-03T00:00:00Z","rating":5}'
		echo '{"id":"f","ts":"2026-11-03T00:00:00Z"}'
		echo '{"type":"event","id":"a","event":"resolved","ts":"2026-11-02T00:00:00Z"}'
	} > in
	run -0 fb-store append in
	cat > example.sh <<'SH'
fb-store cat --since 2026-11-01 --until 2026-11-08 --tz Asia/Shanghai |
    jq -r 'select(.rating != null and .rating <= 2) | .id'
SH
	run -0 --separate-stderr bash -o pipefail example.sh
	assert_output $'a\nc'
}

@test "fb-store(1) example: prune half a year, first looking at what would go" {
	local now m old=()
	now=$(date +%s)
	for m in 2020-01-10 2020-02-10; do
		gen_records 20 "p$m" "$(epoch "${m}T00:00:00Z")" > "p$m"
		run -0 fb-store append "p$m"
		run -0 fb-store rotate
	done
	mapfile -t old < <(sealed var/fb)
	gen_records 20 recent $((now - 86400)) > recent
	run -0 fb-store append recent
	run -0 fb-store rotate
	assert_equal "$(sealed var/fb | wc -l)" 3
	run -0 --separate-stderr fb-store prune --older-than 180d --dry-run
	[[ $stderr == *"${old[0]}"* && $stderr == *"${old[1]}"* ]] || fail "stderr: $stderr"
	assert_equal "$(sealed var/fb | wc -l)" 3
	run -0 --separate-stderr fb-store prune --older-than 180d
	assert_equal "$stderr" "fb-store: pruned 2 segments (40 records)"
	run -0 --separate-stderr to_file out fb-store cat
	cmp out recent
}

@test "fb-store(1) example: verify after a power cut, repair what can be repaired" {
	gen_records 40 a > a
	run -0 fb-store -s "$S" append a
	printf '{"id":"cut","ts":"2026-11-22T0' >> "$S/$(openseg)"
	run -1 --separate-stderr bash -c 'fb-store -s "$1" verify || fb-store -s "$1" verify --repair' _ "$S"
	run -0 --separate-stderr fb-store -s "$S" verify
	run -0 --separate-stderr to_file out fb-store -s "$S" cat
	cmp out a
}

@test "fb-store(1) example: zcat reads a sealed segment without fb-store" {
	gen_records 40 a 1795313700 dec > a
	run -0 fb-store append a
	run -0 fb-store rotate
	run -0 --separate-stderr bash -o pipefail -c 'zcat var/fb/feedback-*.ndjson.gz | head -3'
	assert_output "$(sort_by_ts a | head -n 3)"
}

@test "fb-ndjson(5) example: store a lifecycle event made with jq" {
	cat > example.sh <<'SH'
jq -nc --arg ts "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{type:"event",id:"fb-3f9a0c21b7e4",event:"resolved",
      ts:$ts,agent:"a17"}' | fb-store append
SH
	run -0 --separate-stderr bash -o pipefail example.sh
	assert_equal "$stderr" ""
	run -0 --separate-stderr fb-store cat
	assert_regex "$output" '^\{"type":"event","id":"fb-3f9a0c21b7e4","event":"resolved","ts":"[0-9T:-]+Z","agent":"a17"\}$'
}

@test "fb-ndjson(5) example: the rejected items of a file, and why" {
	gen_records 6 ok > in.ndjson
	printf '{"id":"x77","ts":"2026-11-22T02:15:00Z",X}\n' >> in.ndjson
	gen_records 2 ok2 $((1795313700 + 3600)) >> in.ndjson
	run -1 --separate-stderr fb-store append --reject bad.ndjson in.ndjson
	[[ $stderr =~ ^fb-store:\ in\.ndjson:7:\ invalid\ JSON\ at\ byte\ 41:\ .+$ ]] ||
	    fail "stderr: $stderr"
	run -0 --separate-stderr cat bad.ndjson
	assert_output '{"id":"x77","ts":"2026-11-22T02:15:00Z",X}'
}

@test "--level sets the gzip level of the segments append and rotate seal; readers take any mix" {
	gen_records 4000 lvl > in
	# append seals what passes --max-size at its level, rotate the rest at its own
	run -0 --separate-stderr store append --level 1 --max-size 100K in
	run -0 store rotate --level 1
	S2=$BATS_TEST_TMPDIR/st9
	run -0 --separate-stderr fb-store -s "$S2" append --level 9 --max-size 100K in
	run -0 fb-store -s "$S2" rotate --level 9
	(($(sealed | wc -l) > 1))
	fast=$(cd "$S" && cat $(sealed) | wc -c)
	small=$(cd "$S2" && cat $(sealed "$S2") | wc -c)
	((small < fast))
	run -0 --separate-stderr to_file out1 store cat
	run -0 --separate-stderr to_file out9 fb-store -s "$S2" cat
	cmp out1 out9
	cmp out1 in
	# a level 9 segment joins the level 1 store
	gen_records 100 more > in2
	run -0 --separate-stderr store append in2
	run -0 store rotate --level 9
	run -0 --separate-stderr store verify
	run -0 --separate-stderr to_file out store cat
	(($(wc -l < out) == 4100))
	run -2 --separate-stderr store append --level 0 in
	[[ $stderr == *--level* ]]
	run -2 --separate-stderr store append --level 10 in
	run -2 --separate-stderr store cat --level 3
}
