#!/usr/bin/env bats
# privacy.bats: privacy that keeps the numbers (issue 10 item 5):
# fb-ingest --pseudonymize, fb-rank --pseudonymize and fb-store forget.

load helper

PRIV_CRASH_RUNS=${FB_TEST_PRIV_CRASH_RUNS:-12}
NOW=2026-11-05T00:00:00Z
# the customer to forget, and words of theirs nobody else wrote
WHO=c-900001
SECRET='Archibald the parrot sings opera at midnight'
SECRET2='Archibald called again about the cage'

setup() {
	common_setup
	S=$BATS_TEST_TMPDIR/st
	KEY=$BATS_TEST_TMPDIR/fb.key
	head -c 32 /dev/urandom > "$KEY"
	chmod 600 "$KEY"
}

# everything in the store directory, decompressed where it is gzip
store_bytes() {
	find "$S" -type f -exec zcat -f {} + 2> /dev/null
}

# records ARGS...: fb-gen's items for 40 days, tagged, ranked and routed,
# three of them by $WHO, and every item's events, one of $WHO's with a
# comment in its own words.
make_records() {
	fb-gen -s 11 -n 1500 --days 40 > raw.ndjson
	{
		cat raw.ndjson
		printf '{"ts":"2026-10-03T08:00:00Z","channel":"app","customer":{"id":"%s","tier":"vip"},"order_id":"O-77001","text":"%s, and the courier lost my parcel twice","region":{"province":"浙江省","city":"杭州市","district":"西湖区"},"note":"call me back"}\n' "$WHO" "$SECRET"
		printf '{"ts":"2026-10-21T09:30:00Z","channel":"web","customer":{"id":"%s","tier":"vip"},"text":"%s. The refund never came.","sku":"SKU-1"}\n' "$WHO" "$SECRET"
		printf '{"ts":"2026-11-01T10:00:00Z","channel":"hotline","customer":{"id":"%s"},"text":"%s, still no refund"}\n' "$WHO" "$SECRET"
	} > in.ndjson
	fb-ingest "$@" in.ndjson | fb-tag | fb-rank | fb-route > items
	fb-gen --events --now "$NOW" items > recs
	# a CSAT comment: free text in an event of one of the items
	jq -c --arg who "$WHO" 'select(.customer.id == $who or (.customer.id | tostring | startswith("h:")) and .text != null and (.text | contains("Archibald")))' items |
	    head -1 | jq -c --arg t "$SECRET2" \
	    '{type:"event",id:.id,event:"csat",ts:"2026-11-02T00:00:00Z",score:1,comment:$t}' >> recs
}

# the ids of the items holding $SECRET
secret_ids() {
	jq -r --arg s "$SECRET" 'select(.text != null and (.text | contains($s))) | .id' items | sort -u
}

report() {
	store cat | fb-report --format json --now "$NOW" 2> /dev/null |
	    jq -S 'del(.generated) | del(.top_complaints.rows[].examples)'
}

@test "fb-ingest --pseudonymize: customer ids become h: and 32 hex digits, the same for the same id in every format" {
	printf 'id,text,customer_id,phone,姓名\nT1,the box was crushed,c-1,13800138000,张三\nT2,late again,c-2,13900139000,李四\n' > a.csv
	printf 'id\ttext\tcustomer_id\nT3\tfine\tc-1\n' > a.tsv
	printf '{"text":"hello","customer":{"id":"c-1"},"email":"zhang@example.com","mine":42}\n' > a.ndjson
	printf 'From: 张三 <c-1>\nDate: Sun, 22 Nov 2026 10:15:00 +0800\nSubject: hi\nMessage-ID: <m1@x>\n\nthe mail body\n' > a.eml
	printf 'From c-1 Sun Nov 22 10:15:00 2026\nFrom: Zhang <c-1>\nDate: Sun, 22 Nov 2026 10:15:00 +0800\nSubject: hi\n\nmbox body\n' > a.mbox
	run -0 --separate-stderr to_file out fb-ingest --pseudonymize "$KEY" a.csv a.tsv a.ndjson a.eml a.mbox
	run -0 jq -r '.customer.id' out
	local want
	want=$(printf '%s' c-1 | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(xxd -p -c 256 "$KEY")" | awk '{print $NF}' | cut -c1-32)
	assert_equal "$(jq -r .customer.id out | sort | uniq -c | awk '{print $1, $2}')" \
	    "$(printf '5 h:%s\n1 h:%s' "$want" "$(printf c-2 | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(xxd -p -c 256 "$KEY")" | awk '{print $NF}' | cut -c1-32)" | sort -k2)"
	run ! grep -E 'c-1|c-2|13800138000|张三|李四|zhang@example.com|Zhang' out
	# the other columns and members pass through
	run -0 jq -r 'select(.mine) | .mine' out
	assert_output 42
	run -0 jq -r 'select(.extra.phone) | .extra.phone' out
	assert_line --regexp '^h:[0-9a-f]{32}$'
}

@test "fb-ingest --pseudonymize twice gives what once gives; ids hash the pseudonym, not the raw id" {
	printf 'text,customer_id\nthe box was crushed,c-1\n' > a.csv
	run -0 --separate-stderr to_file once fb-ingest --pseudonymize "$KEY" a.csv
	run -0 --separate-stderr to_file twice fb-ingest --pseudonymize "$KEY" once
	cmp once twice
	run -0 --separate-stderr to_file plain fb-ingest a.csv
	[[ $(jq -r .id once) != "$(jq -r .id plain)" ]] || fail "the id did not change"
	# another key, another pseudonym
	head -c 32 /dev/urandom > k2
	chmod 600 k2
	run -0 --separate-stderr to_file other fb-ingest --pseudonymize k2 a.csv
	[[ $(jq -r .customer.id once) != "$(jq -r .customer.id other)" ]] || fail "same pseudonym under two keys"
}

@test "the key file: readable by others, too short, missing or inside the store is refused, exit 2" {
	printf 'text,customer_id\nhi,c-1\n' > a.csv
	chmod 644 "$KEY"
	run -2 --separate-stderr fb-ingest --pseudonymize "$KEY" a.csv
	assert_equal "$output" ""
	[[ $stderr == *"chmod 600"* ]] || fail "no chmod 600 hint: $stderr"
	chmod 600 "$KEY"
	head -c 15 /dev/urandom > short.key
	chmod 600 short.key
	run -2 --separate-stderr fb-ingest --pseudonymize short.key a.csv
	[[ $stderr == *"short.key"* ]] || fail "$stderr"
	run -2 --separate-stderr fb-ingest --pseudonymize nonexistent.key a.csv
	mkdir -p "$S"
	cp "$KEY" "$S/fb.key"
	run -2 --separate-stderr fb-ingest --pseudonymize "$S/fb.key" --store "$S" a.csv
	[[ $stderr == *"inside the store"* ]] || fail "$stderr"
	run -2 --separate-stderr fb-store -s "$S" forget --pseudonymize "$S/fb.key" --customer c-1
	[[ $stderr == *"inside the store"* ]] || fail "$stderr"
	# a binary key with a newline in it is fine
	printf 'abc\n\0def\nghijklmnopqrst\n' > bin.key
	chmod 600 bin.key
	run -0 --separate-stderr fb-ingest --pseudonymize bin.key a.csv
}

@test "fb-rank --pseudonymize: the --customers table matches pseudonymized records, so a VIP goes first" {
	printf 'customer_id,tier,annual_spend\nc-770019,svip,86200\n' > crm.csv
	printf '{"text":"订单一直没发货，客服也不回复，太失望了","customer":{"id":"c-770019"},"ts":"2026-11-20T02:00:00Z","channel":"app"}\n' |
	    fb-ingest --pseudonymize "$KEY" | fb-tag > tagged
	run -0 --separate-stderr to_file without fb-rank --customers crm.csv tagged
	run -0 --separate-stderr to_file with fb-rank --customers crm.csv --pseudonymize "$KEY" tagged
	run -0 jq -r '.rank_factors | tostring' without
	[[ $output != *svip* ]] || fail "without the key the table matched: $output"
	run -0 jq -r '.rank_factors | tostring' with
	[[ $output == *svip* ]] || fail "with the key the table did not match: $output"
	run -0 jq -n --slurpfile a without --slurpfile b with '$b[0].urgency > $a[0].urgency'
	assert_output true
	run -2 --separate-stderr fb-rank --pseudonymize "$KEY" tagged
}

@test "forget: their items become skeletons, their words leave every file; reports, index and other records stay" {
	make_records
	store append --max-size 200k recs
	mkdir -p "$S/quarantine"
	# what quarantine holds of them: a torn tail and a line without ts
	{ grep -F "$SECRET" items | head -1 | cut -c1-200; echo; } > "$S/quarantine/torn-00000099-0.ndjson"
	grep -F "$SECRET" items | tail -1 | jq -c 'del(.ts)' > "$S/quarantine/bad-00000098.ndjson"
	echo '{"id":"keep-me","text":"not theirs"}' >> "$S/quarantine/bad-00000098.ndjson"
	secret_ids > ids
	(($(lines ids) == 3)) || fail "fixture: $(lines ids) items"
	report > before.json
	to_file before.ndjson store cat
	local nids
	nids=$(store stats | jq .index_ids)
	run -0 store verify
	[[ $(store_bytes | grep -ac "$SECRET") -gt 0 ]] || fail "fixture: no secret stored"

	run -0 --separate-stderr store forget --customer "$WHO"
	[[ $stderr == *"forgot 1 customer: 4 records redacted, 1 events, 1 other lines"* ]] || fail "$stderr"

	run -0 --separate-stderr store verify
	# nothing of theirs anywhere: segments, open segment, quarantine, log
	run ! grep -aF -e "$WHO" -e "$SECRET" -e "$SECRET2" -e "call me back" -e O-77001 < <(store_bytes)
	# their items are skeletons that still count
	run -0 --separate-stderr to_file after.ndjson store cat
	run -0 jq -c --slurpfile ids <(jq -R . ids) 'select(.id as $i | $ids | index($i)) | select(.type == null) | keys' after.ndjson
	assert_equal "$(lines <(echo "$output"))" 3
	refute_output --partial text
	refute_output --partial source
	assert_output --partial forgotten
	run -0 jq -r --slurpfile ids <(jq -R . ids) 'select(.type == null and (.id as $i | $ids | index($i))) | [.customer.tier, .region.province, .region.district] | @tsv' after.ndjson
	assert_line $'vip\t浙江省\t'
	# the reports are the same (examples quote text, so they are left out)
	report > after.json
	diff before.json after.json
	# every other line is as it was, byte for byte
	cmp <(grep -vFf ids before.ndjson) <(grep -vFf ids after.ndjson)
	# the index keeps every id; the one rewritten event adds its new key
	assert_equal "$(store stats | jq .index_ids)" $((nids + 1))
	[[ $(grep -c keep-me "$S/quarantine/bad-00000098.ndjson") == 1 ]] || fail "quarantine lost another record"
	# the audit line: counts and digests, never the id
	[[ $(stat -c %a "$S/forget.log") == 600 ]] || fail "forget.log is $(stat -c %a "$S/forget.log")"
	run -0 cat "$S/forget.log"
	assert_output --regexp "^[0-9T:.Z-]+ forget customers=1 records=4 events=1 segments=[0-9]+ mode=redact customer_sha256=$(printf %s "$WHO" | sha256sum | cut -c1-64) ids=[^ ]+$"
	refute_output --partial "$WHO"
	# a second run erases nothing, exit 1, and logs that it ran
	run -1 --separate-stderr store forget --customer "$WHO"
	[[ $stderr == *"0 records"* ]] || fail "$stderr"
	assert_equal "$(lines "$S/forget.log")" 2
	run -0 --separate-stderr store verify
}

@test "forget --dry-run says what would go and changes nothing" {
	make_records
	store append --max-size 200k recs
	run -0 sh -c "cd '$S' && find . -type f -exec md5sum {} + | sort"
	local sums=$output
	run -0 --separate-stderr store forget --dry-run --customer "$WHO"
	[[ $stderr == *"would forget 1 customer: 3 records"* ]] || fail "$stderr"
	run -0 sh -c "cd '$S' && find . -type f -exec md5sum {} + | sort"
	assert_equal "$output" "$sums"
	run -1 --separate-stderr store forget --dry-run --customer nobody-at-all
}

@test "forget --customers-from: ids one a line from a file or stdin, blanks and #comments skipped" {
	make_records
	store append --max-size 200k recs
	printf '# erasure requests of the week\n\n  %s  \nnobody-at-all\n' "$WHO" > who.txt
	run -0 --separate-stderr store forget --customers-from who.txt
	[[ $stderr == *"forgot 2 customers: 3 records"* ]] || fail "$stderr"
	run ! grep -aF "$SECRET" < <(store_bytes)
	run -1 --separate-stderr store forget --customers-from - <<< "$WHO"
	run -2 --separate-stderr store forget --customers-from - <<< '# nobody'
	run -2 --separate-stderr store forget
	run -2 --separate-stderr store append --drop recs
}

@test "pseudonymized ingest, then forget --pseudonymize with the raw id" {
	make_records --pseudonymize "$KEY"
	local ps
	ps=$(jq -r 'select(.text != null and (.text | contains("Archibald"))) | .customer.id' items | sort -u)
	[[ $ps =~ ^h:[0-9a-f]{32}$ ]] || fail "pseudonym '$ps'"
	store append --max-size 200k recs
	run ! grep -aF "$WHO" < <(store_bytes)
	report > before.json
	# without the key the raw id names nobody stored
	run -1 --separate-stderr store forget --customer "$WHO"
	run -0 --separate-stderr store forget --customer "$WHO" --pseudonymize "$KEY"
	[[ $stderr == *"3 records redacted"* ]] || fail "$stderr"
	run ! grep -aF -e "$ps" -e "$SECRET" -e "$SECRET2" < <(store_bytes)
	grep -q "customer_sha256=$(printf %s "$ps" | sha256sum | cut -c1-64)" "$S/forget.log"
	report > after.json
	diff before.json after.json
	run -0 store verify
}

@test "forget --drop removes items and events; the index keeps their ids, so re-ingesting with --dedup adds nothing" {
	make_records
	store append --max-size 200k recs
	secret_ids > ids
	to_file before.ndjson store cat
	run -0 --separate-stderr store forget --drop --customer "$WHO"
	[[ $stderr == *"3 records removed, "* ]] || fail "$stderr"
	run -0 --separate-stderr to_file after.ndjson store cat
	run ! grep -F -f ids after.ndjson
	cmp <(grep -vFf ids before.ndjson) after.ndjson
	run -0 store verify
	grep -q 'mode=drop' "$S/forget.log"
	# the same source again: nothing comes back
	fb-ingest --store "$S" in.ndjson | fb-tag | fb-rank | fb-route | fb-store -q -s "$S" append --dedup
	fb-ingest in.ndjson | fb-tag | fb-rank | fb-route | fb-store -q -s "$S" append --dedup
	run -0 --separate-stderr to_file again.ndjson store cat
	cmp after.ndjson again.ndjson
	run ! grep -aF "$SECRET" < <(store_bytes)
}

@test "forget killed by SIGKILL at random moments: the store stays readable, others intact; forget again finishes the job" {
	make_records
	store append --max-size 100k recs
	secret_ids > ids
	to_file before.ndjson store cat
	grep -vFf ids before.ndjson > others
	cp -a "$S" "$BATS_TEST_TMPDIR/st0"
	# aim the kills over one run's time (measured, never asserted on)
	local i pid delay span t0 t1 killed=0
	t0=$(date +%s%N)
	fb-store -q -s "$S" forget --customer "$WHO"
	t1=$(date +%s%N)
	span=$(((t1 - t0) * 12 / 10000))
	((span >= 20000)) || span=20000
	for ((i = 1; i <= PRIV_CRASH_RUNS; i++)); do
		rm -rf "$S"
		cp -a "$BATS_TEST_TMPDIR/st0" "$S"
		fb-store -q -s "$S" forget --customer "$WHO" 2>> crash.err &
		pid=$!
		delay=$(((RANDOM * 32768 + RANDOM) % span))
		sleep "$(printf '%d.%06d' $((delay / 1000000)) $((delay % 1000000)))"
		kill -9 "$pid" 2> /dev/null && killed=$((killed + 1))
		wait "$pid" || true
		# readable, and every other record as it was
		run -0 --separate-stderr to_file now.ndjson store cat
		cmp others <(grep -vFf ids now.ndjson) || fail "run $i: other records changed"
		# forget again finishes the job, whatever the first got done
		run --separate-stderr store forget --customer "$WHO"
		((status == 0 || status == 1)) || fail "run $i: forget again: exit $status: $stderr"
		run -0 --separate-stderr store verify
		run ! grep -aF -e "$WHO" -e "$SECRET" -e "$SECRET2" < <(store_bytes)
		[[ ! -e $S/forget.pending ]] || fail "run $i: forget.pending left behind"
		run -1 --separate-stderr store forget --customer "$WHO"
		run -0 --separate-stderr to_file now.ndjson store cat
		cmp others <(grep -vFf ids now.ndjson) || fail "run $i: other records changed"
		assert_equal "$(grep -cFf ids now.ndjson)" "$(grep -cFf ids before.ndjson)"
	done
	echo "# $PRIV_CRASH_RUNS runs, $killed killed in ${span}us" >&3
}

@test "forget --drop at a segment's ends, escaped ids, an alert naming them, a segment left empty" {
	{
		printf '{"id":"a-1","ts":"2026-10-01T00:00:00Z","customer":{"id":"%s"},"text":"%s"}\n' "$WHO" "$SECRET"
		printf '{"id":"b-1","ts":"2026-10-01T01:00:00Z","customer":{"id":"c-2"},"text":"other one"}\n'
		printf '{"id":"a-\\u0032","ts":"2026-10-01T02:00:00Z","customer":{"id":"c-90000\\u0031"},"text":"escaped"}\n'
		printf '{"type":"event","id":"a-2","event":"csat","ts":"2026-10-01T02:30:00Z","score":1,"comment":"%s"}\n' "$SECRET2"
		printf '{"type":"alert","ts":"2026-10-01T02:40:00Z","detector":"repeat","customer":"%s"}\n' "$WHO"
		printf '{"id":"b-2","ts":"2026-10-01T03:00:00Z","customer":{"id":"c-2"},"text":"other two"}\n'
		printf '{"id":"a-3","ts":"2026-10-01T04:00:00Z","customer":{"id":"%s"},"text":"%s"}\n' "$WHO" "$SECRET"
	} > seg1
	printf '{"id":"a-4","ts":"2026-10-02T00:00:00Z","customer":{"id":"%s"},"text":"%s"}\n' "$WHO" "$SECRET" > seg2
	printf '{"id":"b-3","ts":"2026-10-03T00:00:00Z","customer":{"id":"c-2"},"text":"open one"}\n' > seg3
	store append seg1
	store rotate
	store append seg2
	store rotate
	store append seg3
	(($(ls "$S"/feedback-*.gz | wc -l) == 2)) || fail "fixture: $(ls "$S")"
	run -0 --separate-stderr store forget --drop --customer "$WHO"
	[[ $stderr == *"forgot 1 customer: 4 records removed, 1 events, 1 other lines, in 2 files"* ]] || fail "$stderr"
	run -0 --separate-stderr store verify
	run ! grep -aF -e "$WHO" -e "$SECRET" -e "$SECRET2" -e 'u0031' < <(store_bytes)
	run -0 --separate-stderr store cat
	assert_equal "$(jq -r .id <<< "$output" | tr '\n' ' ')" "b-1 b-2 b-3 "
	# the segment that held only theirs is gone; the other's header is its ends
	(($(ls "$S"/feedback-*.gz | wc -l) == 1)) || fail "$(ls "$S")"
	run -0 sh -c "zcat '$S'/feedback-*.gz | wc -l"
	assert_output 2
}

@test "forget finishes a run cut short: forget.pending links events to items already erased" {
	# as a run killed after rewriting the item's segment leaves it
	{
		printf '{"id":"a-1","ts":"2026-10-01T00:00:00Z","channel":"app","forgotten":true}\n'
		printf '{"id":"b-1","ts":"2026-10-01T01:00:00Z","customer":{"id":"c-2"},"text":"other one"}\n'
	} > seg1
	printf '{"type":"event","id":"a-1","event":"csat","ts":"2026-10-02T00:00:00Z","score":1,"comment":"%s"}\n' "$SECRET2" > seg2
	store append seg1
	store rotate
	store append seg2
	printf '{"mode":"redact","customer_sha256":["%s"],"ids":["a-1"]}' \
	    "$(printf %s "$WHO" | sha256sum | cut -c1-64)" > "$S/forget.pending"
	run -0 --separate-stderr store forget --customer someone-else
	[[ $stderr == *"cut short"* ]] || fail "$stderr"
	[[ $stderr == *"forgot 2 customers: 0 records redacted, 1 events"* ]] || fail "$stderr"
	[[ ! -e $S/forget.pending ]] || fail "forget.pending left behind"
	run ! grep -aF "$SECRET2" < <(store_bytes)
	grep -q ' resumed=1$' "$S/forget.log"
	run -0 --separate-stderr store cat
	assert_line '{"type":"event","id":"a-1","event":"csat","ts":"2026-10-02T00:00:00Z","score":1}'
	run -0 --separate-stderr store verify
}
