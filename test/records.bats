#!/usr/bin/env bats
# records.bats: the bad-input contract every tool shares (DESIGN.md 3,
# SPEC "Common behaviour"), tested through build/test/fb-passthru, which runs
# libfb's record loop and writes every valid record back unchanged.

load helper

setup() {
	common_setup
}

# bigfile FILE N: N records, about 60 bytes each.
bigfile() {
	gen_records "$2" big > "$1"
}

@test "mixed stream from a file: good records byte-for-byte, one diagnostic per bad line, rejects verbatim, exit 1" {
	build_mixed
	run -1 --separate-stderr to_file out fb-passthru --reject rej mixed.ndjson
	check_diags fb-passthru mixed.ndjson mixed.diag
	cmp out mixed.good
	cmp rej mixed.bad
}

@test "mixed stream on stdin: diagnostics name <stdin>" {
	build_mixed
	run -1 --separate-stderr to_file out fb-passthru --reject rej < mixed.ndjson
	check_diags fb-passthru '<stdin>' mixed.diag
	cmp out mixed.good
	cmp rej mixed.bad
}

@test "mixed stream through '-': diagnostics name <stdin>" {
	build_mixed
	run -1 --separate-stderr to_file out fb-passthru --reject rej - < mixed.ndjson
	check_diags fb-passthru '<stdin>' mixed.diag
	cmp out mixed.good
	cmp rej mixed.bad
}

@test "mixed stream without --reject: same output and diagnostics, exit 1" {
	build_mixed
	run -1 --separate-stderr to_file out fb-passthru mixed.ndjson
	check_diags fb-passthru mixed.ndjson mixed.diag
	cmp out mixed.good
}

@test "--strict stops at the first bad line with exit 2, after the records before it" {
	build_mixed
	run -2 --separate-stderr to_file out fb-passthru --strict mixed.ndjson
	head -n 2 mixed.good > want
	cmp out want
	[[ ${stderr%%$'\n'*} =~ ^fb-passthru:\ mixed\.ndjson:3:\ invalid\ JSON\ at\ byte\ [0-9]+:\ .+$ ]] ||
	    fail "first stderr line: ${stderr%%$'\n'*}"
	# nothing about the lines after it
	[[ $stderr != *mixed.ndjson:6:* ]]
}

@test "--strict on input with no bad line exits 0" {
	build_mixed
	run -0 --separate-stderr to_file out fb-passthru --strict mixed.good
	assert_equal "$stderr" ""
	cmp out mixed.good
}

@test "all-good input: identical output, no stderr, exit 0" {
	build_mixed
	cat mixed.good mixed.good > in
	run -0 --separate-stderr to_file out fb-passthru --reject rej in
	assert_equal "$stderr" ""
	cmp out in
	# the reject file, if created, is empty
	[[ ! -s rej ]]
}

@test "empty input: no output, exit 0" {
	: > empty
	run -0 --separate-stderr fb-passthru empty
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr fb-passthru < /dev/null
	assert_output ""
	assert_equal "$stderr" ""
}

@test "a last line without a newline is still a record" {
	printf '{"a":1}\n{"b":2}' > in
	run -0 --separate-stderr to_file out fb-passthru in
	assert_equal "$stderr" ""
	printf '{"a":1}\n{"b":2}\n' > want
	cmp out want
}

@test "a bad last line without a newline is reported and rejected with a newline" {
	printf '{"a":1}\n{"b":' > in
	run -1 --separate-stderr to_file out fb-passthru --reject rej in
	[[ $stderr =~ ^fb-passthru:\ in:2:\ invalid\ JSON\ at\ byte\ [0-9]+:\ .+$ ]] ||
	    fail "stderr: $stderr"
	printf '{"b":\n' > want
	cmp rej want
}

@test "an escaped \\u0000 is valid JSON, not a NUL byte" {
	printf '{"id":"z","text":"a\\u0000b"}\n' > in
	run -0 --separate-stderr to_file out fb-passthru in
	assert_equal "$stderr" ""
	cmp out in
}

@test "a line just under the 1 MiB default passes byte-for-byte" {
	{
		printf '{"id":"long","text":"'
		head -c $((1024 * 1024 - 100)) /dev/zero | tr '\0' b
		printf '"}\n'
	} > in
	run -0 --separate-stderr to_file out fb-passthru in
	assert_equal "$stderr" ""
	cmp out in
}

@test ".gz input reads the same as plain input" {
	build_mixed
	gzip -c mixed.ndjson > mixed.ndjson.gz
	run -1 --separate-stderr to_file out fb-passthru --reject rej mixed.ndjson.gz
	check_diags fb-passthru mixed.ndjson.gz mixed.diag
	cmp out mixed.good
	cmp rej mixed.bad
}

@test ".gz on stdin is read transparently too" {
	gen_records 500 z > in
	gzip -c in > in.gz
	run -0 --separate-stderr to_file out fb-passthru < in.gz
	assert_equal "$stderr" ""
	cmp out in
}

@test "a multi-member .gz (cat a.gz b.gz) is read whole, as zcat does" {
	gen_records 300 a > a
	gen_records 300 b > b
	gzip -c a > ab.gz
	gzip -c b >> ab.gz
	cat a b > want
	run -0 --separate-stderr to_file out fb-passthru ab.gz
	assert_equal "$stderr" ""
	cmp out want
}

@test "a truncated .gz is reported, never taken as a short file" {
	gen_records 20000 t > in
	gzip -c in > full.gz
	head -c $(($(stat -c %s full.gz) / 2)) full.gz > half.gz
	run --separate-stderr to_file out fb-passthru half.gz
	((status == 1 || status == 2)) || fail "exit $status, want 1 or 2"
	assert_regex "$stderr" "half\.gz"
}

@test "several files keep their own line numbers" {
	build_mixed
	printf '{"id":"one-1"}\n[1]\n{"id":"one-3"}\n' > one.ndjson
	printf '\n"two"\n{"id":"two-3"}\n' > two.in
	run -1 --separate-stderr to_file out fb-passthru --reject rej one.ndjson mixed.ndjson - < two.in
	{
		printf '{"id":"one-1"}\n{"id":"one-3"}\n'
		cat mixed.good
		printf '{"id":"two-3"}\n'
	} > want
	cmp out want
	{
		printf '[1]\n'
		cat mixed.bad
		printf '"two"\n'
	} > want.rej
	cmp rej want.rej
	mapfile -t got <<< "$stderr"
	assert_equal "${got[0]}" "fb-passthru: one.ndjson:2: not a JSON object"
	assert_equal "${got[-1]}" "fb-passthru: <stdin>:2: not a JSON object"
	stderr=$(printf '%s\n' "${got[@]:1:${#got[@]}-2}")
	check_diags fb-passthru mixed.ndjson mixed.diag
}

@test "a missing file: cannot open message, exit 2" {
	run -2 --separate-stderr fb-passthru nosuch.ndjson
	assert_output ""
	assert_equal "$stderr" "fb-passthru: cannot open 'nosuch.ndjson': No such file or directory"
}

@test "a missing file after a good one: still exit 2 with the message" {
	gen_records 3 a > a
	run -2 --separate-stderr fb-passthru a nosuch.ndjson
	[[ $stderr == *"fb-passthru: cannot open 'nosuch.ndjson': No such file or directory"* ]] ||
	    fail "stderr: $stderr"
}

@test "writing to /dev/full: write error, exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	gen_records 10 a > small
	run -2 --separate-stderr to_file /dev/full fb-passthru small
	assert_equal "$stderr" "fb-passthru: write error: No space left on device"
}

@test "writing several MB to /dev/full: write error once, exit 2" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	bigfile big 100000
	run -2 --separate-stderr to_file /dev/full fb-passthru big
	assert_equal "$stderr" "fb-passthru: write error: No space left on device"
}

@test "writing into a closed pipe: write error, exit 2 (SIGPIPE at its default)" {
	bigfile big.ndjson 100000
	run -0 --separate-stderr bash -c '
		env --default-signal=PIPE fb-passthru big.ndjson 2> err |
		    head -c 10 > /dev/null
		echo "${PIPESTATUS[0]}"'
	assert_output 2
	assert_equal "$(cat err)" "fb-passthru: write error: Broken pipe"
}

@test "writing into a closed pipe with SIGPIPE ignored: write error, exit 2" {
	bigfile big.ndjson 100000
	run -0 --separate-stderr bash -c '
		env --ignore-signal=PIPE fb-passthru big.ndjson 2> err |
		    head -c 10 > /dev/null
		echo "${PIPESTATUS[0]}"'
	assert_output 2
	assert_equal "$(cat err)" "fb-passthru: write error: Broken pipe"
}

@test "--max-line 100 rejects a 200-byte line and keeps shorter ones" {
	short='{"id":"short","text":"s"}'
	long=$(printf '{"id":"long","text":"%s"}' "$(head -c 180 /dev/zero | tr '\0' l)")
	((${#long} >= 200))
	printf '%s\n%s\n%s\n' "$short" "$long" "$short" > in
	run -1 --separate-stderr to_file out fb-passthru --max-line 100 --reject rej in
	assert_equal "$stderr" "fb-passthru: in:2: line longer than 100 bytes"
	printf '%s\n%s\n' "$short" "$short" > want
	cmp out want
	printf '%s\n' "$long" > want.rej
	cmp rej want.rej
}

@test "--max-line takes a k suffix (1024-based)" {
	mid=$(printf '{"id":"mid","text":"%s"}' "$(head -c 900 /dev/zero | tr '\0' m)")
	long=$(printf '{"id":"long","text":"%s"}' "$(head -c 1100 /dev/zero | tr '\0' l)")
	printf '%s\n%s\n' "$mid" "$long" > in
	run -1 --separate-stderr to_file out fb-passthru --max-line 1k in
	assert_equal "$stderr" "fb-passthru: in:2: line longer than 1024 bytes"
	printf '%s\n' "$mid" > want
	cmp out want
}

@test "--max-line with a bad size is a usage error, exit 2" {
	printf '{"a":1}\n' > in
	run -2 --separate-stderr fb-passthru --max-line lots in
	assert_output ""
	assert_regex "$stderr" "'lots'"
}

@test "--reject into an impossible path is fatal, exit 2" {
	printf '[1]\n' > in
	run -2 --separate-stderr fb-passthru --reject nodir/rej in
	assert_regex "$stderr" "nodir/rej"
}

@test "golden: not-object" {
	golden fb-passthru not-object
}

@test "golden: blank-crlf" {
	golden fb-passthru blank-crlf
}

@test "golden: max-line" {
	golden fb-passthru max-line
}

@test "golden: strict" {
	golden fb-passthru strict
}

@test "golden: utf8" {
	golden fb-passthru utf8
}

@test "golden: nul" {
	golden fb-passthru nul
}

@test "golden: missing-file" {
	golden fb-passthru missing-file
}

@test "golden: stdin-dash" {
	golden fb-passthru stdin-dash
}

@test "real feedback from ../shared/data passes unchanged (optional)" {
	local data=$FB_ROOT/../shared/data/zh-sentiment-dev.ndjson.gz
	[[ -r $data ]] || skip "no $data"
	zcat "$data" > want
	run -0 --separate-stderr to_file out fb-passthru "$data"
	assert_equal "$stderr" ""
	cmp out want
}
