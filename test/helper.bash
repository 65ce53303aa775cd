# helper.bash: common setup and helpers for the fb bats suite.
#
# Every .bats file starts with `load helper` and calls common_setup from its
# setup(). Tests run from the project root as
#	PATH=$PWD/bin:$PWD/build/test:$PATH bats test/
# and each test works inside its own $BATS_TEST_TMPDIR.

bats_require_minimum_version 1.5.0

# bats 1.8.2 (Debian bookworm) compares versions in bats_version_lt with a
# global 'i', so every `run -N` clobbers a test's own loop counter 'i' (an
# endless loop when the test counts to 3 or more).  Give it a local one.
if declare -f bats_version_lt >/dev/null &&
	! declare -f bats_version_lt | grep -q 'local i'; then
	eval "$(declare -f bats_version_lt | sed '0,/{/s//{ local i;/')"
fi

load '/usr/lib/bats/bats-support/load.bash'
load '/usr/lib/bats/bats-assert/load.bash'

FB_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
FB_FIXTURES=$FB_ROOT/test/fixtures

# common_setup: a clean, deterministic environment in the test's own dir.
common_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	unset FB_STORE FB_CONFIG_DIR FB_DATADIR
	export LC_ALL=C
	export TZ=UTC
}

# iso EPOCH: print EPOCH as RFC 3339 UTC (2026-11-22T02:15:00Z).
iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# epoch TIME: print TIME (anything date -d reads) as epoch seconds.
epoch() {
	date -u -d "$1" +%s
}

# ts_compact TS: 2026-11-22T02:15:00Z -> 20261122T021500Z (segment names).
ts_compact() {
	printf '%s\n' "$1" | tr -d ':-'
}

# mkrec ID TS [TEXT]: print one compact feedback record. TS is RFC 3339, or
# epoch seconds (all digits), which are converted.
mkrec() {
	local id=$1 ts=$2 text=${3:-feedback $1}
	[[ $ts =~ ^[0-9]+$ ]] && ts=$(iso "$ts")
	printf '{"id":"%s","ts":"%s","text":"%s"}\n' "$id" "$ts" "$text"
}

# gen_records N PREFIX [START_EPOCH [ORDER [STEP]]]: print N records with ids
# PREFIX-1 .. PREFIX-N. Record i gets ts START + k*STEP (START defaults to
# 1795313700 = 2026-11-22T02:15:00Z, STEP to 60 s), where k depends on ORDER:
#	inc	k = i-1 (increasing, the default)
#	dec	k = N-i (decreasing)
#	shuffle	k = (i*7919) mod N (a fixed permutation, out of order)
#	same	k = 0 (every record has the same ts)
#	blocks	k = (i-1) mod 10 (ten interleaved runs, many equal ts)
gen_records() {
	awk -v n="$1" -v p="$2" -v t0="${3:-1795313700}" -v order="${4:-inc}" \
	    -v step="${5:-60}" '
	function iso(t,   days, secs, z, era, doe, yoe, y, doy, mp, d, m) {
		days = int(t / 86400)
		secs = t - days * 86400
		if (secs < 0) { secs += 86400; days-- }
		z = days + 719468
		era = int((z >= 0 ? z : z - 146096) / 146097)
		doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - \
		    int(doe / 146096)) / 365)
		y = yoe + era * 400
		doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153)
		d = doy - int((153 * mp + 2) / 5) + 1
		m = mp < 10 ? mp + 3 : mp - 9
		if (m <= 2) y++
		return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
		    int(secs / 3600), int((secs % 3600) / 60), secs % 60)
	}
	BEGIN {
		for (i = 1; i <= n; i++) {
			if (order == "dec") k = n - i
			else if (order == "shuffle") k = (i * 7919) % n
			else if (order == "same") k = 0
			else if (order == "blocks") k = (i - 1) % 10
			else k = i - 1
			printf "{\"id\":\"%s-%d\",\"ts\":\"%s\",\"text\":\"r%d\"}\n", \
			    p, i, iso(t0 + k * step), i
		}
	}'
}

# sort_by_ts [FILE]: stable sort of gen_records/mkrec lines by their ts
# (which are all RFC 3339 Z with the same shape, so they sort as strings).
sort_by_ts() {
	sed 's/^.*"ts":"\([^"]*\)".*$/\1\t&/' "${@:--}" | sort -s -t "$(printf '\t')" -k1,1 | cut -f2-
}

# ids [FILE]: the "id" of each line, in order.
ids() {
	sed -n 's/^.*"id":"\([^"]*\)".*$/\1/p' "${@:--}"
}

# to_file FILE CMD...: run CMD with stdout into FILE (for `run`, whose
# $output cannot hold exact bytes: NULs and trailing newlines get lost).
to_file() {
	local f=$1
	shift
	"$@" > "$f"
}

# lines FILE: number of lines of FILE.
lines() {
	wc -l < "$1" | tr -d ' '
}

# fail_if_errors: fail with every message collected in the errs array.
fail_if_errors() {
	if ((${#errs[@]} > 0)); then
		printf '%s\n' "${errs[@]}" | fail
	fi
}

# golden TOOL CASE: run the golden case test/fixtures/TOOL/CASE.*:
#	CASE.args	one line of shell words (optional; may use $FB_FIXTURES)
#	CASE.in		stdin (optional; default /dev/null)
#	CASE.out	expected stdout (optional; default empty)
#	CASE.err	expected stderr (optional; default empty)
#	CASE.status	expected exit status (optional; default 0)
# It runs in $BATS_TEST_TMPDIR and checks status, stdout and stderr apart.
golden() {
	local tool=$1 case=$2
	local base=$FB_FIXTURES/$tool/$case
	local args="" in=/dev/null want_status=0 want_out="" want_err=""
	local -a argv=()

	[[ -f $base.args || -f $base.in || -f $base.out ]] ||
	    fail "golden: no fixture files for $tool/$case"
	[[ -f $base.args ]] && args=$(< "$base.args")
	[[ -f $base.in ]] && in=$base.in
	[[ -f $base.status ]] && want_status=$(tr -d ' \n' < "$base.status")
	[[ -f $base.out ]] && want_out=$(< "$base.out")
	[[ -f $base.err ]] && want_err=$(< "$base.err")
	eval "argv=($args)"

	cd "$BATS_TEST_TMPDIR" || return 1
	run "-$want_status" --separate-stderr "$tool" "${argv[@]}" < "$in"
	assert_equal "$output" "$want_out"
	assert_equal "$stderr" "$want_err"
}

# check_diags PROG FILE DIAGFILE: $stderr must hold exactly one diagnostic
# per line of DIAGFILE, in order. DIAGFILE lines are LINE<TAB>HOW<TAB>REASON
# where HOW is "exact" or "re" (REASON is then an extended regex).
check_diags() {
	local prog=$1 file=$2 diagfile=$3
	local -a got=() want=()
	local i n lineno how reason prefix rest
	errs=()

	[[ -n $stderr ]] && mapfile -t got <<< "$stderr"
	mapfile -t want < "$diagfile"
	if ((${#got[@]} != ${#want[@]})); then
		errs+=("expected ${#want[@]} diagnostic lines, got ${#got[@]}")
	fi
	n=${#want[@]}
	for ((i = 0; i < n; i++)); do
		IFS=$'\t' read -r lineno how reason <<< "${want[i]}"
		prefix="$prog: $file:$lineno: "
		if ((i >= ${#got[@]})); then
			errs+=("missing: $prefix$reason")
			continue
		fi
		if [[ ${got[i]} != "$prefix"* ]]; then
			errs+=("line $((i + 1)): want prefix '$prefix', got '${got[i]}'")
			continue
		fi
		rest=${got[i]#"$prefix"}
		if [[ $how == exact && $rest != "$reason" ]]; then
			errs+=("line $((i + 1)): want '$prefix$reason', got '${got[i]}'")
		elif [[ $how == re ]] && ! [[ $rest =~ ^($reason)$ ]]; then
			errs+=("line $((i + 1)): want /$prefix$reason/, got '${got[i]}'")
		fi
	done
	for ((; i < ${#got[@]}; i++)); do
		errs+=("unexpected: ${got[i]}")
	done
	fail_if_errors
}

# The mixed stream of good and bad lines used by records.bats and
# fb-store.bats. build_mixed [store] writes, in the current directory:
#	mixed.ndjson	the input
#	mixed.good	the valid records, as they must come out (CR stripped)
#	mixed.bad	the bad lines exactly as --reject must hold them
#	mixed.diag	the expected diagnostics (see check_diags)
# With "store", records without a usable ts are bad lines too (fb-store
# append rejects them); without it they are not in the stream at all.
# Good records have increasing ts, so store order equals input order.
MIXED_BIG=$((10 * 1024 * 1024))
build_mixed() {
	local store=${1:-} pre
	: > mixed.ndjson
	: > mixed.good
	: > mixed.bad
	: > mixed.diag
	_mx_line=0
	_mx good '{"id":"g1","ts":"2026-11-22T02:15:00Z","text":"plain ascii"}\n'
	_mx good '{"text":"\\u4f60\\u597d \\ud83d\\ude00 caf\\u00e9","id":"g2","ts":"2026-11-22T02:16:00Z"}\n'
	_mx bad '{"id":"b1",\n' re 'invalid JSON at byte [0-9]+: .+'
	_mx good '{"id":"g3","n":123456789012345678901234567890,"f":1e400,"g":-1.50E-400,"h":2116.18,"ts":"2026-11-22T02:17:00Z"}\n'
	_mx blank '\n'
	_mx bad '[1,2]\n' exact 'not a JSON object'
	_mx good '{ "id" : "g4" ,\t"ts" : "2026-11-22T02:18:00Z" , "a" : [ 1 , {"b" : null} ] , "t" : true }\n'
	_mx bad '"just a string"\n' exact 'not a JSON object'
	_mx good '{"id":"g5","ts":"2026-11-22T02:19:00Z","dup":1,"dup":2}\n'
	pre='{"id":"b2","text":"'
	_mx bad "$pre\\xff\"}\n" exact "invalid UTF-8 at byte $((${#pre} + 1))"
	_mx blank '  \t \n'
	pre='{"id":"b3","text":"overlong '
	_mx bad "$pre\\xc0\\xaf\"}\n" exact "invalid UTF-8 at byte $((${#pre} + 1))"
	pre='{"id":"b4","text":"surrogate '
	_mx bad "$pre\\xed\\xa0\\x80\"}\n" exact "invalid UTF-8 at byte $((${#pre} + 1))"
	_mx good '{"id":"g6","ts":"2026-11-22T02:20:00Z","text":"\xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80 raw utf-8"}\n'
	pre='{"id":"b5","text":"a'
	_mx bad "$pre\\x00b\"}\n" exact "NUL byte at byte $((${#pre} + 1))"
	# 10 MB: a valid object, but longer than the default 1 MiB limit
	_mx_line=$((_mx_line + 1))
	{
		printf '{"id":"big","ts":"2026-11-22T02:21:00Z","text":"'
		head -c "$MIXED_BIG" /dev/zero | tr '\0' a
		printf '"}\n'
	} | tee -a mixed.ndjson >> mixed.bad
	printf '%s\texact\t%s\n' "$_mx_line" 'line longer than 1048576 bytes' >> mixed.diag
	_mx good '{"id":"g7","ts":"2026-11-22T02:22:00Z","text":"crlf"}\r\n'
	_mx blank '\r\n'
	_mx bad '{"id":"b6"} trailing\n' re 'invalid JSON at byte [0-9]+: .+'
	_mx bad 'not json at all\n' re 'invalid JSON at byte [0-9]+: .+'
	if [[ $store == store ]]; then
		_mx bad '{"id":"s1","text":"no ts"}\n' exact "field 'ts' is missing"
		_mx bad '{"id":"s2","ts":"not a time"}\n' exact "field 'ts' is not a valid time"
		_mx bad '{"id":"s3","ts":"2026-13-45T99:00:00Z"}\n' exact "field 'ts' is not a valid time"
		_mx bad '{"id":"s4","ts":""}\n' exact "field 'ts' is not a valid time"
		# SPEC names only two ts reasons; a number is "not a valid
		# time", though "not a string" (STYLE 3.5's example) is fair too
		_mx bad '{"id":"s5","ts":1763777700}\n' re "field 'ts' is not (a valid time|a string)"
	fi
	_mx good '{"id":"g8","ts":"2026-11-22T02:23:00Z","e":"\\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u0041"}\n'
	_mx bad '{"id":"b7"}{"id":"b8"}\n' re 'invalid JSON at byte [0-9]+: .+'
	_mx good '{"id":"g9","ts":"2026-11-22T02:24:00Z","nested":{"deep":[[[{}]]],"empty":""}}\n'
}

# _mx KIND FORMAT [HOW REASON]: add one printf FORMAT line to the mixed
# stream as a good, bad or blank line.
_mx() {
	local kind=$1 fmt=$2 how=${3:-} reason=${4:-}
	_mx_line=$((_mx_line + 1))
	# shellcheck disable=SC2059
	printf "$fmt" >> mixed.ndjson
	case $kind in
	good)
		# shellcheck disable=SC2059
		printf "$fmt" | sed 's/\r$//' >> mixed.good
		;;
	bad)
		# shellcheck disable=SC2059
		printf "$fmt" >> mixed.bad
		printf '%s\t%s\t%s\n' "$_mx_line" "$how" "$reason" >> mixed.diag
		;;
	esac
}

# complete_bash WORD...: what the bash completion offers for the last
# WORD of the command line WORD..., sorted, on one line.
complete_bash() {
	bash -c 'source "$1/completions/fb.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_fb "$1" 2> /dev/null; printf "%s\n" "${COMPREPLY[@]}"' _ "$FB_ROOT" "$@" |
	    sort | sed '/^$/d' | paste -sd ' '
}

# man_lacks_options TOOL: adds to errs each option of TOOL --list-options
# that has no OPTIONS entry in TOOL's man page; sets 'man' to the page as
# plain text for further checks.
man_lacks_options() {
	local t=$1 opt
	man=$(mandoc -Tascii "$FB_ROOT/share/man/man1/$t.1" | sed 's/.\x08//g')
	for opt in $("$t" --list-options); do
		grep -qE -- "^ +(-[a-zA-Z] [a-z]+, |-[a-zA-Z], )?$opt( |$)" <<< "$man" ||
		    errs+=("$t.1 has no OPTIONS entry for $opt")
	done
}

# want ID FILTER VALUE [FILE]: adds to errs unless "get ID FILTER [FILE]"
# (each tool's test file defines get: how it finds the record ID) is VALUE.
want() {
	local got
	got=$(get "$1" "$2" "${4:-out}")
	[[ $got == "$3" ]] || errs+=("$1: $2 is '$got', want '$3'")
}

# tools_dir: where the binaries under test are: the first directory on
# PATH holding an fb-* tool (make check puts bin/, or build/san/bin under
# SANITIZE, first), else bin/. The test driver fb-passthru is no tool.
tools_dir() {
	local d f
	local -a dirs
	IFS=: read -ra dirs <<< "$PATH"
	for d in "${dirs[@]}"; do
		for f in "$d"/fb-*; do
			if [[ -x $f && ${f##*/} != fb-passthru ]]; then
				printf '%s\n' "$d"
				return
			fi
		done
	done
	printf '%s\n' "$FB_ROOT/bin"
}

# The store tests (fb-store, faults, privacy) keep their store in $S.

# store ARGS...: fb-store on the test's store.
store() {
	fb-store -s "$S" "$@"
}

# sealed [DIR]: the sealed segment names, in name order.
sealed() {
	ls "${1:-$S}" | grep -E '^feedback-.*\.ndjson\.gz$' || true
}

# openseg [DIR]: the open segment names.
openseg() {
	ls "${1:-$S}" | grep -E '^open-.*\.ndjson$' || true
}
