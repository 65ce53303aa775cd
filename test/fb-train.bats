#!/usr/bin/env bats
# fb-train.bats: fitting the sentiment model of fb-tag
# (/tmp/fbspec/TAGCLI.md "fb-train").
#
# The labelled texts are test/fixtures/fb-train/: zh.ndjson, 40 short
# Chinese reviews (positive and negative alternate, label 1/0), and
# en.ndjson, 20 English ones (label "positive"/"negative"), all made up for
# these tests.  The shipped rules are used (their lexicon feeds the dense
# features); nothing here depends on what the phrase lists hold.

load helper

# Model sizes: a 64-byte header, 11 dense floats, 2^bits 16-bit weights and
# a CRC-32.
ZH_SIZE=$((64 + 4 * 11 + 2 * (1 << 21) + 4))
EN_SIZE=$((64 + 4 * 11 + 2 * (1 << 18) + 4))

# shipped_data: the tools find the shipped rules and models in share/fb
# beside their directory; the sanitizer build in build/san/bin has none
# there, so point FB_DATADIR (searched just before) at the source tree's.
shipped_data() {
	local dir
	dir=$(dirname "$(command -v fb-train)")
	[[ -d $dir/../share/fb ]] || export FB_DATADIR=$FB_ROOT/share/fb
}

setup() {
	common_setup
	shipped_data
	FX=$FB_FIXTURES/fb-train
	cp "$FX"/*.ndjson .
	errs=()
}

# summary [JQ-OPTIONS] FILTER: jq -r of the summary line in $output.
summary() {
	jq -r "$@" <<< "$output"
}

# neutral_texts: ten labelled neutral Chinese texts.
neutral_texts() {
	local t
	for t in 一般般 还行吧 普普通通 中规中矩 说不上好坏 和预期差不多 没什么特别的 \
	    凑合能用 就那样吧 不好不坏; do
		jq -nc --arg t "$t" '{text: $t, label: "neutral"}'
	done
}

#---- Command line

@test "--help: usage on stdout naming every option, exit 0" {
	run -0 --separate-stderr fb-train --help
	assert_equal "$stderr" ""
	[[ ${lines[0]} == "usage: fb-train "* ]] || fail "first line: ${lines[0]}"
	local opt
	for opt in --output --lang --rules --holdout --test --epochs --rate --bits \
	    --ngrams --words --no-words --category-field --reject --strict \
	    --max-line; do
		[[ $output == *"$opt"* ]] || errs+=("--help does not mention $opt")
	done
	[[ $output == *" -o, --output"* ]] || errs+=("--help does not show -o")
	fail_if_errors
}

@test "--version prints 'fb-train X.Y.Z', exit 0" {
	run -0 --separate-stderr fb-train --version
	[[ $output =~ ^fb-train\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "printed: $output"
}

@test "--list-options lists exactly fb-train's long options" {
	run -0 --separate-stderr fb-train --list-options
	assert_equal "$(sort <<< "$output")" "$(printf '%s\n' --bits --category-field \
	    --epochs --help --holdout --lang --max-line --ngrams --no-progress \
	    --no-words --output --progress --quiet --rate --reject --rules --strict \
	    --test --verbose --version --words | sort)"
}

@test "the man page documents every option of --list-options" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	local man opt
	man_lacks_options fb-train
	for opt in held_out train_accuracy macro_f1 "NR % n == 0" AdaGrad "make model"; do
		grep -qF -- "$opt" <<< "$man" || errs+=("fb-train.1 does not mention $opt")
	done
	fail_if_errors
}

@test "bash completion: zh and en for --lang, files for -o and --test" {
	mkdir c && cd c
	touch a.ndjson b.model
	assert_equal "$(complete_bash fb-train --lang "")" "en zh"
	assert_equal "$(complete_bash fb-train --lang=z)" "zh"
	assert_equal "$(complete_bash fb-train --no-w)" "--no-words"
	local o
	for o in -o --output --test --rules --reject; do
		assert_equal "$(complete_bash fb-train "$o" "")" "a.ndjson b.model"
	done
	for o in --holdout --epochs --rate --bits --ngrams --category-field; do
		assert_equal "$(complete_bash fb-train "$o" "")" ""
	done
	assert_equal "$(complete_bash fb-train --holdout 5 -o b.model "")" "a.ndjson b.model"
}

@test "bad option values are exit 2 with nothing on stdout, and no model" {
	local -a bad=("--lang fr" "--lang ''" "--holdout 1" "--holdout x" "--epochs 0"
	    "--epochs 1001" "--bits 9" "--bits 27" "--ngrams 0-3" "--ngrams 3-2" "--ngrams 1-9"
	    "--ngrams x" "--rate 0" "--rate -1" "--rate 11" "--rate abc" "--rate 0.5x" "--rate ''" "--bogus")
	local a
	for a in "${bad[@]}"; do
		eval "run --separate-stderr fb-train -o m.model $a zh.ndjson"
		((status == 2)) || errs+=("fb-train $a: exit $status, want 2")
		[[ -z $output ]] || errs+=("fb-train $a: stdout: $output")
		[[ $stderr == fb-train:* ]] || errs+=("fb-train $a: stderr: $stderr")
		[[ ! -e m.model ]] || errs+=("fb-train $a: wrote a model")
		rm -f m.model
	done
	fail_if_errors
}

@test "no -o: exit 2, 'no model to write', nothing on stdout" {
	run -2 --separate-stderr fb-train zh.ndjson
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-train: no model to write: give -o MODEL"
}

#---- Training

@test "trains from the zh fixture: the model and the summary line" {
	run -0 --separate-stderr fb-train -o zh.model zh.ndjson
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	assert_equal "$(summary 'keys_unsorted | join(" ")')" \
	    "model lang texts held_out skipped train_accuracy"
	assert_equal "$(summary '[.model, .lang, .texts, .held_out, .skipped] | @tsv')" \
	    $'zh.model\tzh\t40\t0\t0'
	summary '.train_accuracy | type == "number" and . >= 0.9 and . <= 1' | grep -qx true ||
	    fail "train_accuracy $(summary .train_accuracy)"
	assert_equal "$(stat -c %s zh.model)" "$ZH_SIZE"
	assert_equal "$(head -c 8 zh.model | od -An -c | tr -s ' ')" ' F B S E N T \0 001'
	assert_equal "$(dd if=zh.model bs=1 skip=12 count=2 status=none)" zh
}

@test "trains an English model with --lang en: English features, 512 KB" {
	run -0 --separate-stderr fb-train --lang en -o en.model en.ndjson
	assert_equal "$(summary '[.lang, .texts, .skipped] | @tsv')" $'en\t20\t0'
	assert_equal "$(stat -c %s en.model)" "$EN_SIZE"
	assert_equal "$(dd if=en.model bs=1 skip=12 count=2 status=none)" en
}

@test "training is deterministic: the same input gives the same bytes" {
	run -0 --separate-stderr fb-train -o a.model zh.ndjson
	local sa=$output
	run -0 --separate-stderr fb-train -o b.model zh.ndjson
	cmp a.model b.model
	assert_equal "$(jq -c 'del(.model)' <<< "$output")" "$(jq -c 'del(.model)' <<< "$sa")"
	fb-train -o c.model < zh.ndjson > /dev/null
	cmp a.model c.model
	gzip -c zh.ndjson > zh.ndjson.gz
	fb-train -o d.model zh.ndjson.gz > /dev/null
	cmp a.model d.model
	fb-train --lang en -o e1.model en.ndjson > /dev/null
	fb-train --lang en -o e2.model - < en.ndjson > /dev/null
	cmp e1.model e2.model
	# and other data gives other bytes
	head -n 30 zh.ndjson > part.ndjson
	fb-train -o p.model part.ndjson > /dev/null
	! cmp -s a.model p.model || fail "30 texts gave the model of 40"
}

@test "the model replaces the old file atomically, leaving no temporary file" {
	echo old > m.model
	local ino
	ino=$(stat -c %i m.model)
	run -0 --separate-stderr fb-train -o m.model zh.ndjson
	[[ $(stat -c %i m.model) != "$ino" ]] || fail "m.model was rewritten in place"
	assert_equal "$(stat -c %s m.model)" "$ZH_SIZE"
	[[ -z $(ls -a | grep -F .tmp) ]] || fail "left behind: $(ls -a)"
	run -2 --separate-stderr fb-train -o no-such-dir/m.model zh.ndjson
	[[ $stderr == *no-such-dir/m.model* ]] || fail "stderr: $stderr"
	assert_equal "$output" ""
}

@test "--holdout 5 leaves out lines 5, 10, ... of each file, as awk 'NR % 5 == 0' selects" {
	run -0 --separate-stderr fb-train --holdout 5 -o h.model zh.ndjson
	assert_equal "$(summary '[.texts, .held_out] | @tsv')" $'32\t8'
	awk 'NR % 5 != 0' zh.ndjson > kept.ndjson
	fb-train -o k.model kept.ndjson > /dev/null
	cmp h.model k.model
	fb-train -o all.model zh.ndjson > /dev/null
	! cmp -s h.model all.model || fail "--holdout changed nothing"
	# per file: the line numbers restart in each file
	head -n 23 zh.ndjson > a.ndjson
	tail -n 17 zh.ndjson > b.ndjson
	run -0 --separate-stderr fb-train --holdout 5 -o ab.model a.ndjson b.ndjson
	assert_equal "$(summary '[.texts, .held_out] | @tsv')" $'33\t7'
	{ awk 'NR % 5 != 0' a.ndjson; awk 'NR % 5 != 0' b.ndjson; } > ab-kept.ndjson
	fb-train -o ab-k.model ab-kept.ndjson > /dev/null
	cmp ab.model ab-k.model
	# blank lines count as lines
	{ echo; echo; cat zh.ndjson; } > blank.ndjson
	run -0 --separate-stderr fb-train --holdout 5 -o bl.model blank.ndjson
	assert_equal "$(summary '[.texts, .held_out] | @tsv')" $'32\t8'
	awk 'NR % 5 != 0' blank.ndjson > bl-kept.ndjson
	fb-train -o bl-k.model bl-kept.ndjson > /dev/null
	cmp bl.model bl-k.model
}

@test "--test reports the test set's size, accuracy and macro-F1" {
	awk 'NR % 5 == 0' zh.ndjson > test.ndjson
	run -0 --separate-stderr fb-train --holdout 5 --test test.ndjson -o m.model zh.ndjson
	assert_equal "$(summary 'keys_unsorted | join(" ")')" \
	    "model lang texts held_out skipped train_accuracy test"
	assert_equal "$(summary '.test | keys_unsorted | join(" ")')" "file texts accuracy macro_f1"
	assert_equal "$(summary '[.test.file, .test.texts] | @tsv')" $'test.ndjson\t8'
	summary '.test | (.accuracy >= 0 and .accuracy <= 1 and .macro_f1 >= 0 and .macro_f1 <= 1)' |
	    grep -qx true || fail "test: $(summary -c .test)"
	# measured on the texts it was trained on, the test is the train accuracy
	run -0 --separate-stderr fb-train --test zh.ndjson -o m.model zh.ndjson
	assert_equal "$(summary .test.texts)" 40
	assert_equal "$(summary .test.accuracy)" "$(summary .train_accuracy)"
	# accuracy and F1 follow from the counts: a test set of one class
	head -n 1 zh.ndjson > one.ndjson
	run -0 --separate-stderr fb-train --test one.ndjson -o m.model zh.ndjson
	assert_equal "$(summary '[.test.texts, .test.accuracy, .test.macro_f1] | @tsv')" $'1\t1\t0.5'
	# only texts of the model's language are scored; neutral ones are not
	{ cat en.ndjson; head -n 4 zh.ndjson; neutral_texts; } > mixed.ndjson
	run -0 --separate-stderr fb-train --lang zh --test mixed.ndjson -o m.model zh.ndjson
	assert_equal "$(summary .test.texts)" 4
	# a test file that cannot be read is exit 2
	run -2 --separate-stderr fb-train --test no-such.ndjson -o m.model zh.ndjson
	[[ $stderr == *no-such.ndjson* ]] || fail "stderr: $stderr"
}

@test "every accepted label form trains the same model" {
	fb-train -o ref.model zh.ndjson > /dev/null
	local pos neg i=0
	local -a P=('1' 'true' '"1"' '"positive"' '"pos"' '1.0' '1e0')
	local -a N=('0' 'false' '"0"' '"negative"' '"neg"' '0.0' '-0')
	while IFS= read -r line; do
		pos=${P[i % ${#P[@]}]}
		neg=${N[i % ${#N[@]}]}
		i=$((i + 1))
		sed -e "s/\"label\":1}/\"label\":$pos}/" -e "s/\"label\":0}/\"label\":$neg}/" <<< "$line"
	done < zh.ndjson > forms.ndjson
	# every form really occurs
	for pos in "${P[@]}" "${N[@]}"; do
		grep -qF "\"label\":$pos}" forms.ndjson || fail "no label $pos in forms.ndjson"
	done
	run -0 --separate-stderr fb-train -o forms.model forms.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(summary .texts)" 40
	cmp ref.model forms.model
}

@test "neutral texts train as half and half; train_accuracy counts only the others" {
	{ cat zh.ndjson; neutral_texts; } > neu.ndjson
	run -0 --separate-stderr fb-train -o neu.model neu.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(summary .texts)" 50
	fb-train -o ref.model zh.ndjson > /dev/null
	! cmp -s ref.model neu.model || fail "neutral texts changed nothing"
	# the 40 positive and negative texts are learnt; 10 neutral ones are
	# neither right nor wrong
	summary '.train_accuracy >= 0.9' | grep -qx true ||
	    fail "train_accuracy $(summary .train_accuracy) with 10 neutral texts among 50"
}

@test "a bad label or text is rejected with FILE:LINE, exit 1; the model is still written" {
	{
		head -n 3 zh.ndjson
		printf '%s\n' '{"text":"一般","label":"maybe"}' '{"text":"一般","label":2}' \
		    '{"text":"一般","label":-1}' '{"text":"一般","label":null}' \
		    '{"text":"一般","label":"Positive"}' '{"text":"一般","label":[1]}' \
		    '{"text":"一般"}' '{"label":1}' '{"text":5,"label":1}' \
		    '{"text":null,"label":0}' 'not json' '{"type":"event","id":"x"}'
		tail -n 37 zh.ndjson
	} > bad.ndjson
	run -1 --separate-stderr fb-train --reject rej -o m.model bad.ndjson
	local L="no 'label' (0, 1, negative, neutral or positive)" T="no 'text' string"
	printf '%s\texact\t%s\n' 4 "$L" 5 "$L" 6 "$L" 7 "$L" 8 "$L" 9 "$L" 10 "$L" \
	    11 "$T" 12 "$T" 13 "$T" > diag
	printf '14\tre\tinvalid JSON at byte [0-9]+: .+\n15\texact\t%s\n' "$T" >> diag
	check_diags fb-train bad.ndjson diag
	sed -n '4,15p' bad.ndjson > want-rej
	cmp rej want-rej
	assert_equal "$(summary .texts)" 40
	fb-train -o ref.model zh.ndjson > /dev/null
	cmp ref.model m.model
	# --strict stops at the first and writes no model
	rm m.model
	run -2 --separate-stderr fb-train --strict -o m.model bad.ndjson
	assert_equal "$output" ""
	[[ $stderr == "fb-train: bad.ndjson:4: $L"* ]] || fail "stderr: $stderr"
	[[ ! -e m.model ]] || fail "--strict wrote a model"
}

@test "no labelled texts: exit 2, no model" {
	: > empty.ndjson
	run -2 --separate-stderr fb-train -o m.model empty.ndjson
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-train: no labelled texts to train on"
	[[ ! -e m.model ]] || fail "a model was written"
	run -2 --separate-stderr fb-train --lang en -o m.model zh.ndjson
	assert_equal "$stderr" "fb-train: no labelled texts to train on"
	[[ ! -e m.model ]] || fail "a model was written"
	printf '%s\n' '{"text":"一般","label":"maybe"}' > bad.ndjson
	run -2 --separate-stderr fb-train -o m.model bad.ndjson
	[[ ! -e m.model ]] || fail "a model was written"
}

@test "--lang keeps one language; without it the most common wins" {
	cat zh.ndjson en.ndjson > mix.ndjson
	run -0 --separate-stderr fb-train --lang en -o en.model mix.ndjson
	assert_equal "$(summary '[.lang, .texts, .skipped] | @tsv')" $'en\t20\t40'
	fb-train --lang en -o en-only.model en.ndjson > /dev/null
	cmp en.model en-only.model
	run -0 --separate-stderr fb-train --lang zh -o zh.model mix.ndjson
	assert_equal "$(summary '[.lang, .texts, .skipped] | @tsv')" $'zh\t40\t20'
	run -0 --separate-stderr fb-train -o auto.model mix.ndjson
	assert_equal "$(summary '[.lang, .texts, .skipped] | @tsv')" $'zh\t40\t20'
	cmp zh.model auto.model
	# English most common, no --lang: an English model, with a warning
	{ cat en.ndjson; head -n 4 zh.ndjson; } > mostly-en.ndjson
	run -0 --separate-stderr fb-train -o auto-en.model mostly-en.ndjson
	assert_equal "$(summary '[.lang, .texts, .skipped] | @tsv')" $'en\t20\t4'
	[[ $stderr == *"--lang en"* ]] || fail "no hint to give --lang en: $stderr"
	# a record's own lang decides, not its script
	jq -c '.lang = "en"' zh.ndjson > tagged-en.ndjson
	run -0 --separate-stderr fb-train --lang en -o t.model tagged-en.ndjson
	assert_equal "$(summary '[.lang, .texts] | @tsv')" $'en\t40'
}

@test "a text's holdout and language are counted apart" {
	cat zh.ndjson en.ndjson > mix.ndjson
	run -0 --separate-stderr fb-train --lang zh --holdout 10 -o m.model mix.ndjson
	# lines 10..60: 4 of the zh lines, 2 of the en lines are held out
	assert_equal "$(summary '[.texts, .held_out, .skipped] | @tsv')" $'36\t6\t18'
}

@test "the trained models work with fb-tag --model" {
	fb-train --lang zh --epochs 10 -o zh.model zh.ndjson > /dev/null
	fb-train --lang en --epochs 10 -o en.model en.ndjson > /dev/null
	printf '%s\n' '{"text":"质量很好，非常满意，推荐购买"}' \
	    '{"text":"质量太差了，用了一天就坏了，非常失望"}' \
	    '{"text":"Great quality, highly recommend"}' \
	    '{"text":"Terrible, it broke and I want a refund"}' > in.ndjson
	run -0 --separate-stderr to_file out fb-tag -m zh.model -m en.model in.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(jq -r .sentiment.label out | paste -sd ' ')" \
	    "positive negative positive negative"
	# the test set measured by fb-train agrees with fb-tag's signs
	run -0 --separate-stderr fb-train --lang zh --epochs 10 --test zh.ndjson -o zh.model zh.ndjson
	local acc
	acc=$(fb-tag -m zh.model zh.ndjson |
	    jq -r '[.label, (if .sentiment.score >= 0 then 1 else 0 end)] | @tsv' |
	    awk '$1 == $2 { r++ } END { printf "%g", r / NR }')
	assert_equal "$acc" "$(summary .test.accuracy)"
}

@test "--bits, --ngrams and --words shape the model" {
	run -0 --separate-stderr fb-train --bits 12 -o b12.model zh.ndjson
	assert_equal "$(stat -c %s b12.model)" $((64 + 44 + 2 * 4096 + 4))
	fb-tag -m b12.model zh.ndjson > /dev/null || fail "fb-tag refused a 2^12 model"
	fb-train --bits 12 -o ref.model zh.ndjson > /dev/null
	cmp b12.model ref.model
	local o
	for o in "--ngrams 2" "--ngrams 1-2" "--words" "--epochs 5" "--rate 0.1"; do
		# shellcheck disable=SC2086
		fb-train --bits 12 $o -o o.model zh.ndjson > /dev/null
		! cmp -s o.model ref.model || errs+=("$o changed nothing")
	done
	fb-train --lang en -o en.model en.ndjson > /dev/null
	fb-train --lang en --no-words -o nw.model en.ndjson > /dev/null
	! cmp -s en.model nw.model || errs+=("--no-words changed nothing")
	fb-train --lang en --words -o w.model en.ndjson > /dev/null
	cmp en.model w.model
	fail_if_errors
}

@test "--rules: bad files are FILE:LINE errors; the lexicon is fingerprinted in the model" {
	printf '[positive]\nok\n[nope]\n' > bad.rules
	run -2 --separate-stderr fb-train --rules bad.rules -o m.model zh.ndjson
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-train: bad.rules:3: unknown section '[nope]': not a tag of the taxonomy, emotion/NAME or a lexicon section"
	[[ ! -e m.model ]] || fail "a model was written"
	printf '[positive]\n推荐购买 3\n' > more.rules
	fb-train -o plain.model zh.ndjson > /dev/null
	fb-train --rules more.rules -o more.model zh.ndjson > /dev/null
	! cmp -s plain.model more.model || fail "--rules changed nothing"
	# bytes 40-47 hold the lexicon fingerprint; fb-tag -v notices a mismatch
	[[ $(od -An -tx1 -j40 -N8 plain.model) != "$(od -An -tx1 -j40 -N8 more.model)" ]] ||
	    fail "same lexicon fingerprint"
	run -0 --separate-stderr fb-tag -v -m more.model <<< '{"text":"好"}'
	[[ $stderr == *"more.model: trained with another lexicon"* ]] || fail "stderr: $stderr"
	run -0 --separate-stderr fb-tag -v -r more.rules -m more.model <<< '{"text":"好"}'
	[[ $stderr != *"more.model: trained with another lexicon"* ]] || fail "stderr: $stderr"
	# a tag phrase is not lexicon: the fingerprint stays
	printf '[logistics/lost]\n丢了\n' > tag.rules
	fb-train --rules tag.rules -o tag.model zh.ndjson > /dev/null
	assert_equal "$(od -An -tx1 -j40 -N8 tag.model)" "$(od -An -tx1 -j40 -N8 plain.model)"
}

@test "-v says what was trained; -q keeps the summary" {
	cat zh.ndjson en.ndjson > mix.ndjson
	run -0 --separate-stderr fb-train -v --lang zh --holdout 10 -o m.model mix.ndjson
	assert_equal "${stderr%$'\n'*}" "fb-train: reading mix.ndjson
fb-train: m.model: 36 texts (zh), 6 held out, 18 in other languages skipped"
	assert_regex "${stderr##*$'\n'}" \
	    '^fb-train: 1 file, 60 records read, 1 model written, 0 rejected, [0-9.]+ s$'
	run -0 --separate-stderr fb-train -q -o m.model en.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(summary .lang)" en
}

#---- Real data (beside the project, absent from a clone)

@test "shared data: English, holding out a fifth, is right on most of that fifth" {
	local data=$FB_ROOT/../shared/data/en-sentiment-train.ndjson.gz
	[[ -r $data ]] || skip "../shared/data is absent"
	zcat "$data" | awk 'NR % 5 == 0' > test.ndjson
	run -0 --separate-stderr fb-train --lang en --holdout 5 --test test.ndjson \
	    -o en.model "$data"
	assert_equal "$(summary .held_out)" "$(lines test.ndjson)"
	# a few sentences may not read as English
	(($(summary .test.texts) * 10 > $(lines test.ndjson) * 9)) ||
	    fail "only $(summary .test.texts) of $(lines test.ndjson) test texts scored"
	echo "# en held-out fifth: $(summary -c .test)" >&3
	summary '.test.accuracy >= 0.7 and .test.macro_f1 >= 0.7' | grep -qx true ||
	    fail "$(summary -c .test)"
}
