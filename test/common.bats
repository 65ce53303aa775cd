#!/usr/bin/env bats
# common.bats: what every fb-* binary does alike (DESIGN.md 3, STYLE.md 3.3,
# 3.10, 3.12): --help, --version, bad options, the man SYNOPSIS, completions
# and the hidden --list-options / --list-commands.
#
# Each test loops over every binary in bin/ and reports all the tools that
# fail, not only the first.

load helper

setup() {
	common_setup
	local f
	tools=()
	bindir=$(tools_dir)
	for f in "$bindir"/fb-*; do
		[[ -x $f && ${f##*/} != fb-passthru ]] && tools+=("${f##*/}")
	done
	((${#tools[@]} > 0)) || fail "no fb-* binaries in $bindir (run make)"
	errs=()
}

# usage_block TEXT: the usage lines of TEXT: the line starting "usage: " and
# the lines after it indented by 7 spaces or more (a long one is wrapped).
usage_block() {
	awk '/^usage: / { on = 1; print; next }
	    on && /^       / { print; next }
	    { on = 0 }' <<< "$1"
}

# first_usage TEXT: the first usage of --help's TEXT on one line, its
# wrapped lines (indented deeper than the next usage's 7 spaces) joined.
first_usage() {
	awk 'NR == 1 { sub(/^usage: /, ""); print; next }
	    /^        / { print; next }
	    { exit }' <<< "$1" | tr -s ' \t\n' '   '
}

@test "the binaries under test include fb-store, and PATH finds those" {
	[[ -x $bindir/fb-store ]] || fail "no fb-store in $bindir"
	local t
	for t in "${tools[@]}"; do
		[[ $(command -v "$t") == "$bindir/$t" ]] ||
		    errs+=("$t: PATH finds $(command -v "$t"), not $bindir/$t")
	done
	fail_if_errors
}

@test "--help and -h: usage on stdout only, exit 0" {
	local t opt first
	for t in "${tools[@]}"; do
		for opt in --help -h; do
			run --separate-stderr "$t" "$opt" < /dev/null
			((status == 0)) || errs+=("$t $opt: exit $status, want 0")
			[[ -z $stderr ]] || errs+=("$t $opt: stderr not empty: $stderr")
			first=${output%%$'\n'*}
			[[ $first == "usage: $t "* || $first == "usage: $t" ]] ||
			    errs+=("$t $opt: first line '$first' does not start with 'usage: $t'")
		done
		run --separate-stderr "$t" --help
		[[ $output != *--list-options* ]] ||
		    errs+=("$t --help: mentions the hidden --list-options")
	done
	fail_if_errors
}

@test "--help fits one screen, 80 columns by 24 lines, and ends with an example" {
	local t help n
	for t in "${tools[@]}"; do
		help=$("$t" --help)
		n=$(wc -l <<< "$help")
		((n <= 24)) || errs+=("$t --help: $n lines")
		while IFS= read -r line; do
			((${#line} <= 80)) ||
			    errs+=("$t --help: ${#line} columns: $line")
		done <<< "$help"
		[[ $(tail -n 2 <<< "$help" | head -n 1) == example: ]] ||
		    errs+=("$t --help: the line before the last is not 'example:'")
		[[ $(tail -n 1 <<< "$help") == "  "*"$t "* ]] ||
		    errs+=("$t --help: the last line is not an example of $t")
	done
	fail_if_errors
}

@test "--help names every option, the common ones in two lines" {
	local t help opt
	# named by their short form, or described in fb(7) only
	local common=" --help --version --quiet --verbose --unbuffered "
	for t in "${tools[@]}"; do
		help=$("$t" --help)
		for opt in $("$t" --list-options); do
			[[ $common == *" $opt "* ]] && continue
			[[ $help == *"$opt"[\ ,$'\n']* ]] ||
			    errs+=("$t --help: $opt not named")
		done
		[[ $help == *$'\n'"common options, see fb(7): -h, -V, -q, -v,"* ]] ||
		    errs+=("$t --help: no 'common options' line")
	done
	fail_if_errors
}

@test "--version and -V print 'TOOL VERSION' on stdout, exit 0" {
	local t opt
	for t in "${tools[@]}"; do
		for opt in --version -V; do
			run --separate-stderr "$t" "$opt"
			((status == 0)) || errs+=("$t $opt: exit $status, want 0")
			[[ -z $stderr ]] || errs+=("$t $opt: stderr not empty: $stderr")
			[[ $output =~ ^$t\ [0-9]+\.[0-9]+\.[0-9]+$ ]] ||
			    errs+=("$t $opt: printed '$output', want '$t X.Y.Z'")
		done
	done
	fail_if_errors
}

@test "every tool reports the same version" {
	local t v first=""
	for t in "${tools[@]}"; do
		v=$("$t" --version)
		v=${v#"$t "}
		[[ -z $first ]] && first=$v
		[[ $v == "$first" ]] || errs+=("$t: version $v, another tool says $first")
	done
	fail_if_errors
}

@test "an unknown long option: message and usage on stderr, nothing on stdout, exit 2" {
	local t help_usage err_usage first
	for t in "${tools[@]}"; do
		run --separate-stderr "$t" --bogus-option < /dev/null
		((status == 2)) || errs+=("$t --bogus-option: exit $status, want 2")
		[[ -z $output ]] || errs+=("$t --bogus-option: stdout not empty: $output")
		first=${stderr%%$'\n'*}
		[[ $first == "$t: unknown option '--bogus-option'" ]] ||
		    errs+=("$t --bogus-option: first stderr line '$first'")
		[[ $stderr == *$'\n'"usage: $t"* ]] ||
		    errs+=("$t --bogus-option: no 'usage: $t' line on stderr")
		err_usage=$(usage_block "$stderr")
		help_usage=$(usage_block "$("$t" --help)")
		[[ $err_usage == "$help_usage" ]] ||
		    errs+=("$t --bogus-option: usage on stderr differs from --help's:" "$err_usage" "---" "$help_usage")
	done
	fail_if_errors
}

@test "an unknown short option: message and usage on stderr, exit 2" {
	local t
	for t in "${tools[@]}"; do
		run --separate-stderr "$t" -@ < /dev/null
		((status == 2)) || errs+=("$t -@: exit $status, want 2")
		[[ -z $output ]] || errs+=("$t -@: stdout not empty: $output")
		[[ ${stderr%%$'\n'*} == "$t: unknown option '-@'" ]] ||
		    errs+=("$t -@: first stderr line '${stderr%%$'\n'*}'")
		[[ $stderr == *$'\n'"usage: $t"* ]] ||
		    errs+=("$t -@: no 'usage: $t' line on stderr")
	done
	fail_if_errors
}

@test "the first usage line equals the man page's first SYNOPSIS line" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	local t man syn use
	for t in "${tools[@]}"; do
		man=$FB_ROOT/share/man/man1/$t.1
		if [[ ! -f $man ]]; then
			errs+=("$t: no man page $man")
			continue
		fi
		# Render wide, drop overstrike, then take the first synopsis
		# block (a 5-space line plus any deeper-indented wraps).
		syn=$(mandoc -Tascii -O width=1000 "$man" | sed 's/.\x08//g' |
		    awk '/^SYNOPSIS/ { on = 1; next }
			on && /^[^ ]/ { exit }
			on && /^     [^ ]/ { if (n++) exit; print; next }
			on && n && /^      / { print; next }
			on && n && /^$/ { exit }' | tr -s ' \t\n' '   ')
		syn=$(sed 's/^ *//; s/ *$//' <<< "$syn")
		use=$(first_usage "$("$t" --help)")
		use=$(sed 's/^ *//; s/ *$//' <<< "$use")
		[[ -n $syn ]] || errs+=("$t: no SYNOPSIS in $man")
		[[ $syn == "$use" ]] ||
		    errs+=("$t: usage and SYNOPSIS differ:" "  usage:    $use" "  SYNOPSIS: $syn")
	done
	fail_if_errors
}

@test "every tool has bash, zsh and fish completions" {
	local t f
	for f in fb.bash _fb fb.fish; do
		[[ -f $FB_ROOT/completions/$f ]] || errs+=("missing completions/$f")
	done
	fail_if_errors
	for t in "${tools[@]}"; do
		for f in fb.bash _fb fb.fish; do
			grep -qF -- "$t" "$FB_ROOT/completions/$f" ||
			    errs+=("$t: not named in completions/$f")
		done
	done
	head -n 1 "$FB_ROOT/completions/_fb" | grep -q '^#compdef ' ||
	    errs+=("completions/_fb does not start with #compdef")
	for t in "${tools[@]}"; do
		head -n 1 "$FB_ROOT/completions/_fb" | grep -qw -- "$t" ||
		    errs+=("$t: not in the #compdef line of completions/_fb")
	done
	fail_if_errors
}

@test "--list-options prints long options, one per line, with --help and --version" {
	local t opt
	for t in "${tools[@]}"; do
		run --separate-stderr "$t" --list-options
		((status == 0)) || errs+=("$t --list-options: exit $status")
		[[ -z $stderr ]] || errs+=("$t --list-options: stderr: $stderr")
		[[ -n $output ]] || errs+=("$t --list-options: no output")
		if grep -qv -- '^--[a-z0-9][a-z0-9-]*$' <<< "$output"; then
			errs+=("$t --list-options: lines not of the form --option:" "$(grep -v -- '^--[a-z0-9][a-z0-9-]*$' <<< "$output")")
		fi
		for opt in --help --version; do
			grep -qx -- "$opt" <<< "$output" ||
			    errs+=("$t --list-options: $opt missing")
		done
	done
	fail_if_errors
}

@test "--list-options names every long option that --help shows" {
	local t list opt
	for t in "${tools[@]}"; do
		list=$("$t" --list-options)
		for opt in $("$t" --help | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
			grep -qx -- "$opt" <<< "$list" ||
			    errs+=("$t: $opt is in --help but not in --list-options")
		done
	done
	fail_if_errors
}

@test "--list-commands: fb-store lists its subcommands, exit 0" {
	local t
	for t in "${tools[@]}"; do
		run --separate-stderr "$t" --list-commands
		((status == 0)) || errs+=("$t --list-commands: exit $status")
		[[ -z $stderr ]] || errs+=("$t --list-commands: stderr: $stderr")
		if [[ $t == fb-store ]]; then
			[[ $output == $'append\ncat\nrotate\nverify\nprune\nstats\nforget' ]] ||
			    errs+=("fb-store --list-commands printed:" "$output")
		elif [[ -n $output ]] && grep -qv '^[a-z][a-z0-9-]*$' <<< "$output"; then
			errs+=("$t --list-commands: not one word per line:" "$output")
		fi
	done
	fail_if_errors
}
