#!/usr/bin/env bats
# readme.bats: the README's ten-minute tour runs as written, and its
# troubleshooting section quotes the messages the tools really print.
#
# The tour is the sh block after the comment "test/readme.bats runs the
# block below".  Troubleshooting's ```console blocks run afterwards in the
# tour's directory: a line "$ CMD" is run by bash, and the lines after it,
# up to the next "$ ", are what CMD must print on standard error, line for
# line; "…" in a line stands for any text, and a line "…" alone for any
# further lines.  Standard output is not compared.

load helper

setup_file() {
	export README=$BATS_TEST_DIRNAME/../README.md
	export TOUR=$BATS_FILE_TMPDIR/tour
	mkdir -p "$TOUR"
	# As a newcomer runs it: no FB_* settings, the default time zone.
	unset FB_STORE FB_CONFIG_DIR FB_DATADIR TZ
	awk '/test\/readme.bats runs the block below/ { want = 1; next }
	    want && /^```sh$/ { on = 1; next }
	    on && /^```$/ { exit }
	    on { print }' "$README" > "$BATS_FILE_TMPDIR/tour.sh"
	# -e but not pipefail, as people type it: "jq ... | head -3" ends
	# jq by SIGPIPE; a tool that fails mid-pipeline says so on stderr,
	# which must stay empty.
	local status=0
	(cd "$TOUR" && bash -eu "$BATS_FILE_TMPDIR/tour.sh" \
	    > "$BATS_FILE_TMPDIR/tour.out" 2> "$BATS_FILE_TMPDIR/tour.err") ||
	    status=$?
	echo "$status" > "$BATS_FILE_TMPDIR/tour.status"
}

setup() {
	common_setup
	unset TZ
}

@test "the tour runs as written, says nothing on stderr, and ends in the HTML report" {
	[[ $(wc -l < "$BATS_FILE_TMPDIR/tour.sh") -gt 10 ]] ||
	    fail "no tour found in the README"
	assert_equal "$(cat "$BATS_FILE_TMPDIR/tour.status")" 0
	assert_equal "$(cat "$BATS_FILE_TMPDIR/tour.err")" ""
	cd "$TOUR"
	assert_equal "$(wc -l < items.ndjson)" 3000
	assert [ ! -s rejects.csv ]
	assert_equal "$(fb-store -s store cat | jq -s 'map(select(.type == null)) | length')" 3000
	run -0 grep -c -e '^<!DOCTYPE html>' -e '</html>' report.html
	assert_output 2
	# each step printed what the README says it shows
	run -0 cat "$BATS_FILE_TMPDIR/tour.out"
	assert_line --index 0 --regexp '^反馈编号,提交时间,用户ID,'
	assert_output --regexp $'\n\\[P[0-3]\\] sla_breach item fb-'
	assert_output --partial $'\nFeedback report\n'
}

# console_blocks: the ```console blocks of the Troubleshooting section,
# one line each, blocks separated by a line "@@".
console_blocks() {
	awk '/^## Troubleshooting/ { in_section = 1; next }
	    in_section && /^## / { exit }
	    in_section && /^```console$/ { on = 1; next }
	    on && /^```$/ { on = 0; print "@@"; next }
	    on { print }' "$README"
}

# check_command CMD EXPECTED...: run CMD in the tour's directory and
# compare its standard error with EXPECTED, line by line.
check_command() {
	local cmd=$1 i pattern
	shift
	local -a want=("$@") got
	mapfile -t got < <(cd "$TOUR" && bash -c "$cmd" 2>&1 > /dev/null)
	for ((i = 0; i < ${#want[@]}; i++)); do
		if [[ ${want[i]} == … ]]; then
			return 0
		fi
		# "…" is any text; everything else is itself
		pattern=${want[i]//\\/\\\\}
		pattern=${pattern//\*/\\*}
		pattern=${pattern//\?/\\?}
		pattern=${pattern//\[/\\[}
		pattern=${pattern//…/*}
		# shellcheck disable=SC2053 # the pattern is meant to match
		[[ ${got[i]-} == $pattern ]] ||
		    errs+=("\$ $cmd" "  want: ${want[i]}" "  got:  ${got[i]-(no line)}")
	done
	((${#got[@]} == ${#want[@]})) ||
	    errs+=("\$ $cmd: ${#got[@]} lines on stderr, want ${#want[@]}:" "${got[@]}")
}

@test "troubleshooting: every message quoted is what the command prints" {
	assert_equal "$(cat "$BATS_FILE_TMPDIR/tour.status")" 0
	local line cmd= n=0
	local -a want=()
	while IFS= read -r line; do
		if [[ $line == '$ '* || $line == @@ ]]; then
			if [[ -n $cmd ]]; then
				check_command "$cmd" "${want[@]}"
				n=$((n + 1))
			fi
			cmd=${line#'$ '}
			[[ $line == @@ ]] && cmd=
			want=()
		else
			want+=("$line")
		fi
	done < <(console_blocks)
	((n >= 15)) || fail "only $n commands found in Troubleshooting"
	fail_if_errors
}
