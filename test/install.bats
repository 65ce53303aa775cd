#!/usr/bin/env bats
# install.bats: make install into a DESTDIR stages every binary, data file,
# man page and completion; the staged tools run the whole pipeline from
# outside the source tree with nothing but their own data; make uninstall
# takes back exactly what install put.
#
# make install runs with -o all and OUTBIN set to the binaries under test,
# so it copies those and never rebuilds anything the rest of the run uses.

load helper

PREFIX=/usr/local

setup() {
	common_setup
	local f
	[[ -z ${FB_TEST_VALGRIND:-} ]] ||
	    skip "the tools on PATH are valgrind wrappers, not installable"
	command -v make > /dev/null || skip "make is not installed"
	bindir=$(tools_dir)
	tools=()
	for f in "$bindir"/fb-*; do
		[[ -x $f && ${f##*/} != fb-passthru ]] && tools+=("${f##*/}")
	done
	((${#tools[@]} > 0)) || fail "no fb-* binaries in $bindir (run make)"
	root=$BATS_TEST_TMPDIR/root
	staged=$root$PREFIX
	errs=()
}

# fb_make TARGET: make TARGET in the source tree for the staged root, in a
# clean environment (no MAKEFLAGS or variables from a make check above),
# with BUILDDIR here so even the DATADIR stamp stays out of the tree.
fb_make() {
	env -i PATH="$PATH" HOME="$HOME" LC_ALL=C make -s --no-print-directory \
	    -C "$FB_ROOT" -o all "$1" DESTDIR="$root" PREFIX="$PREFIX" \
	    OUTBIN="$bindir" BUILDDIR="$BATS_TEST_TMPDIR/build"
}

# staged SCRIPT [ARG...]: run the bash SCRIPT as a user of the staged
# install would, in work/ outside the source tree: PATH holds only the
# staged bin and the system's, no FB_DATADIR, and a config directory with
# nothing in it so /etc/fb or ~/.config/fb here cannot stand in for the
# installed data.
staged() {
	mkdir -p "$BATS_TEST_TMPDIR/work" "$BATS_TEST_TMPDIR/home" \
	    "$BATS_TEST_TMPDIR/noconf"
	(cd "$BATS_TEST_TMPDIR/work" &&
	    env -i PATH="$staged/bin:/usr/bin:/bin" HOME="$BATS_TEST_TMPDIR/home" \
	    LC_ALL=C TZ=UTC FB_CONFIG_DIR="$BATS_TEST_TMPDIR/noconf" \
	    bash -o pipefail -c "$1" staged "${@:2}")
}

# expected_files: every path install must stage under $root, sorted, with
# 'l' after a symlink: the tools found under test, the data in share/fb,
# the man pages in share/man and one completion per tool for each shell.
expected_files() {
	local t f first
	{
		for t in "${tools[@]}"; do
			printf '%s\n' "$PREFIX/bin/$t"
		done
		(cd "$FB_ROOT/share" && find fb man -type f) |
		    sed "s|^|$PREFIX/share/|"
		printf '%s\n' "$PREFIX/share/zsh/site-functions/_fb"
	} | sort > expected.files
	# The Makefile's first tool holds the file, the others link to it.
	first=$(sed -n 's/^TOOLS = \([^ ]*\).*/\1/p' "$FB_ROOT/Makefile")
	for t in "${tools[@]}"; do
		f=$PREFIX/share/bash-completion/completions/$t
		[[ $t == "$first" ]] && printf '%s\n' "$f" || printf '%s l\n' "$f"
		f=$PREFIX/share/fish/vendor_completions.d/$t.fish
		[[ $t == "$first" ]] && printf '%s\n' "$f" || printf '%s l\n' "$f"
	done >> expected.files
	sort -o expected.files expected.files
}

# staged_files: what is under $root now, in expected_files' form.
staged_files() {
	(cd "$root" && find . ! -type d -printf '%p %y\n') |
	    sed -e 's|^\.||' -e 's| f$||' | sort
}

@test "make install stages exactly the binaries, data, man pages and completions" {
	run -0 fb_make install
	expected_files
	staged_files > staged.files
	run diff expected.files staged.files
	assert_success
	# binaries executable, everything else plain read-only data
	run find "$root" -type f -path "*$PREFIX/bin/*" ! -perm 0755
	assert_output ''
	run find "$root" -type f ! -path "*$PREFIX/bin/*" ! -perm 0644
	assert_output ''
	# installed data is byte for byte the tree's
	run diff -r "$FB_ROOT/share/fb" "$staged/share/fb"
	assert_success
}

@test "the staged tools run the pipeline from outside the tree on their own data" {
	local now=2026-10-31T12:00:00Z
	run -0 fb_make install
	run -0 staged 'fb-gen --seed 7 --count 300 --format csv > raw.csv'
	run -0 staged 'fb-ingest -c hotline raw.csv | fb-tag | fb-rank |
	    fb-route | fb-store append --store st'
	run -0 staged 'fb-store cat --store st > all.ndjson'
	cd "$BATS_TEST_TMPDIR/work"
	[[ $(lines all.ndjson) -eq 300 ]] ||
	    fail "the store gave $(lines all.ndjson) records back, want 300"
	# every stage left its fields on every record
	run -0 jq -se 'all(.[]; .channel == "hotline" and (.id | length) > 0 and
	    (.tags | type) == "array" and (.category | type) == "string" and
	    (.sentiment.label | IN("negative", "neutral", "positive")) and
	    (.priority | test("^P[0-3]$")) and (.route.queue | type) == "string")' \
	    all.ndjson
	run -0 staged "fb-sla --summary --now $now < all.ndjson > sla.ndjson"
	run -0 jq -se '.[0].type == "sla_summary" and .[0].by == "all" and
	    .[0].items == 300' sla.ndjson
	run -0 staged "fb-report -f html --now $now < all.ndjson > report.html"
	run -0 grep -c -e '^<!DOCTYPE html>' -e '</html>' report.html
	assert_output 2
	run -0 staged "fb-anomaly --now $now < all.ndjson > alerts.ndjson"
	[[ -s alerts.ndjson ]] || fail "fb-anomaly found nothing in fb-gen's planted data"
	run -0 jq -se 'all(.[]; .type == "alert" and (.detector | type) == "string")' \
	    alerts.ndjson
}

@test "without the staged share/fb the staged tools find no data" {
	# The check above must not pass thanks to data somewhere else.
	[[ ! -e $PREFIX/share/fb ]] ||
	    skip "$PREFIX/share/fb exists here: the compiled-in DATADIR would answer"
	run -0 fb_make install
	mv "$staged/share/fb" "$staged/share/fb.away"
	echo '{"id":"x","ts":"2026-10-01T00:00:00Z","text":"hello"}' > "$BATS_TEST_TMPDIR/one"
	run -2 staged "fb-tag < $BATS_TEST_TMPDIR/one"
	# the message names where it looked: the staged share/fb among them
	assert_output --partial "fb-tag: cannot find the rule file"
	assert_output --partial " $staged/share/fb or "
	run -2 staged "fb-route < $BATS_TEST_TMPDIR/one"
	assert_output --partial "fb-route: cannot find the rules 'routes.conf' in "
	assert_output --partial "; name one with -r"
}

@test "installed man pages render and every tool has its completions" {
	local t page
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	run -0 fb_make install
	for t in "${tools[@]}"; do
		[[ -f $staged/share/man/man1/$t.1 ]] || errs+=("no man page $t.1")
	done
	[[ -f $staged/share/man/man5/fb-ndjson.5 ]] || errs+=("no fb-ndjson.5")
	[[ -f $staged/share/man/man7/fb.7 ]] || errs+=("no fb.7")
	for page in "$staged"/share/man/man*/*; do
		mandoc -Tlint -Wwarning "$page" > lint.out 2>&1 ||
		    errs+=("mandoc -Tlint ${page#"$root"}: $(head -3 lint.out)")
	done
	# man finds the pages by name in the staged MANPATH
	if command -v man > /dev/null; then
		for t in fb-store fb; do
			MANPAGER=cat MANWIDTH=80 man -M "$staged/share/man" "$t" \
			    > man.out 2> /dev/null || errs+=("man -M ... $t failed")
			grep -q "^NAME" man.out || errs+=("man -M ... $t: no NAME section")
		done
	fi
	# Completions ask the staged tool for its options, so each shell
	# completes "TOOL --" with --help from the file it loads for TOOL.
	for t in "${tools[@]}"; do
		run staged 'source "$1" && COMP_WORDS=("$2" --) && COMP_CWORD=1 &&
		    _fb "$2" && printf "%s\n" "${COMPREPLY[@]}"' \
		    "$staged/share/bash-completion/completions/$t" "$t"
		grep -qx -- --help <<< "$output" ||
		    errs+=("bash: $t -- does not complete --help: $output")
		if command -v fish > /dev/null; then
			run staged 'XDG_DATA_DIRS=$1 fish -c "complete -C \"$2 --\""' \
			    "$staged/share" "$t"
			grep -q -- '^--help\b' <<< "$output" ||
			    errs+=("fish: $t -- does not complete --help: $output")
		fi
		grep -q "^#compdef.* $t\\b" "$staged/share/zsh/site-functions/_fb" ||
		    errs+=("zsh: _fb's #compdef does not name $t")
	done
	fail_if_errors
}

@test "make uninstall removes every file install put and nothing else" {
	run -0 fb_make install
	# a user's own rule file beside the shipped data stays
	echo '# local' > "$staged/share/fb/local.rules"
	run -0 fb_make uninstall
	run staged_files
	assert_output "$PREFIX/share/fb/local.rules"
	rm "$staged/share/fb/local.rules"
	run -0 fb_make uninstall
	run staged_files
	assert_output ''
	# fb's own data directory goes; the standard directories may stay
	[[ ! -e $staged/share/fb ]] || fail "uninstall left $PREFIX/share/fb"
	# uninstalling twice is harmless
	run -0 fb_make uninstall
}
