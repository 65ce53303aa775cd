#!/usr/bin/env bats
# examples/: the crontab, the systemd units, fb.env and the job wrapper
# fb-job.  The files are checked as shipped (syntax, systemd-analyze
# verify, the same schedule in cron and systemd), and every job is run
# once through fb-job against a store and spool in the test's directory.

load helper

EX=$FB_ROOT/examples
JOBS="intake breaches anomalies report-daily report-weekly prune"
NOW=2026-10-31T12:00:00Z

setup() {
	common_setup
}

# job_env: fb.env as shipped, its paths moved under ./var, the tools
# under test, logs to stderr and the time fixed; FB_ENV and FB_NOW
# exported for fb-job.
job_env() {
	local bindir
	bindir=$(dirname "$(command -v fb-ingest)")
	sed -e "s|/var/lib/fb|$PWD/var|" -e "s|^FB_BIN=.*|FB_BIN=$bindir|" \
	    -e 's|^TZ=.*|TZ=UTC|' -e 's|^FB_LOG=.*||' "$EX/fb.env" > fb.env
	echo FB_LOG=stderr >> fb.env
	grep -q "^FB_STORE=$PWD/var/store\$" fb.env ||
	    fail "fb.env: FB_STORE is not under /var/lib/fb"
	export FB_ENV=$PWD/fb.env FB_NOW=$NOW
}

# spool_exports: two fb-gen exports in the spool, an NDJSON one for no
# channel in particular and a CSV one from the hotline.
spool_exports() {
	mkdir -p var/spool/incoming/hotline
	fb-gen -s 4 -n 200 --since 2026-10-20 --days 10 > var/spool/incoming/app.ndjson
	fb-gen -s 5 -n 150 -f csv --since 2026-10-20 --days 10 \
	    > var/spool/incoming/hotline/calls.csv
	# written under a temporary name: not taken until renamed
	fb-gen -s 6 -n 10 > var/spool/incoming/next.ndjson.part
}

# stored: the number of records in the test's store.
stored() {
	fb-store -s var/store cat | wc -l | tr -d ' '
}

# cron_values FIELD MIN MAX: the values the crontab FIELD stands for, one a
# line; fails on anything out of range or not understood.
cron_values() {
	local field=$1 min=$2 max=$3 part range step lo hi v
	local -a parts
	IFS=, read -ra parts <<< "$field"
	for part in "${parts[@]}"; do
		step=1
		range=$part
		if [[ $part == */* ]]; then
			range=${part%/*}
			step=${part#*/}
			[[ $step =~ ^[1-9][0-9]*$ ]] || return 1
		fi
		if [[ $range == '*' ]]; then
			lo=$min hi=$max
		elif [[ $range =~ ^([0-9]+)-([0-9]+)$ ]]; then
			lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
		elif [[ $range =~ ^[0-9]+$ ]]; then
			lo=$range hi=$range
			[[ $part == */* ]] && hi=$max
		else
			return 1
		fi
		((10#$lo >= min && 10#$hi <= max && 10#$lo <= 10#$hi)) || return 1
		for ((v = 10#$lo; v <= 10#$hi; v += step)); do
			echo "$v"
		done
	done
}

# cron_jobs: "JOB<TAB>minute-of-week ..." for each job line of the
# crontab, checking each line on the way (errs).
cron_jobs() {
	local line m h dom mon dow user cmd job d hh mm
	local -a ms hs ds
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		[[ $line =~ ^[A-Z_]+= ]] && continue
		read -r m h dom mon dow user cmd <<< "$line"
		if [[ -z $cmd ]]; then
			errs+=("crontab: no user or command: $line")
			continue
		fi
		[[ $user == fb ]] || errs+=("crontab: user is '$user', not fb: $line")
		mapfile -t ms < <(cron_values "$m" 0 59) || true
		mapfile -t hs < <(cron_values "$h" 0 23) || true
		mapfile -t ds < <(cron_values "$dow" 0 7) || true
		cron_values "$dom" 1 31 > /dev/null && cron_values "$mon" 1 12 > /dev/null ||
		    errs+=("crontab: bad day of month or month: $line")
		((${#ms[@]} && ${#hs[@]} && ${#ds[@]})) ||
		    errs+=("crontab: bad time field: $line")
		[[ $dom == '*' && $mon == '*' ]] ||
		    errs+=("crontab: the check only compares weekly schedules: $line")
		bash -n -c "$cmd" || errs+=("crontab: bash -n fails: $cmd")
		[[ $cmd =~ ^fb-job\ ([a-z-]+)$ ]] || {
			errs+=("crontab: not 'fb-job JOB': $cmd")
			continue
		}
		job=${BASH_REMATCH[1]}
		printf '%s\t' "$job"
		for d in "${ds[@]}"; do
			for hh in "${hs[@]}"; do
				for mm in "${ms[@]}"; do
					printf '%d ' $(((d % 7) * 1440 + hh * 60 + mm))
				done
			done
		done | tr ' ' '\n' | sort -n | uniq | paste -sd ' '
	done < "$EX/cron/fb.crontab"
}

# timer_jobs: the same for the systemd timers, from their OnCalendar= of
# the forms "[Dow ]HH:MM", "*:MM" and "*:M/STEP" (anything else fails).
timer_jobs() {
	local t job cal dows dow hour min step d hh mm
	local -a days=(Sun Mon Tue Wed Thu Fri Sat)
	for t in "$EX"/systemd/fb-*.timer; do
		job=${t##*/fb-}
		job=${job%.timer}
		cal=$(sed -n 's/^OnCalendar=//p' "$t")
		[[ $cal =~ ^(([A-Z][a-z][a-z])\ )?(\*|[0-9][0-9]):([0-9]+)(/([0-9]+))?$ ]] || {
			errs+=("$t: OnCalendar=$cal is not a form this test reads")
			continue
		}
		dow=${BASH_REMATCH[2]} hour=${BASH_REMATCH[3]}
		min=${BASH_REMATCH[4]} step=${BASH_REMATCH[6]:-60}
		dows="0 1 2 3 4 5 6"
		if [[ -n $dow ]]; then
			dows=
			for d in "${!days[@]}"; do
				[[ ${days[d]} == "$dow" ]] && dows=$d
			done
		fi
		printf '%s\t' "$job"
		for d in $dows; do
			for ((hh = 0; hh < 24; hh++)); do
				[[ $hour == '*' ]] || ((hh == 10#$hour)) || continue
				for ((mm = 10#$min; mm < 60; mm += step)); do
					printf '%d ' $((d * 1440 + hh * 60 + mm))
				done
			done
		done | tr ' ' '\n' | sort -n | uniq | paste -sd ' '
	done
}

@test "examples: fb-job and fb-failure pass bash -n (and shellcheck when installed)" {
	local f
	for f in "$EX"/bin/*; do
		[[ -x $f ]] || fail "$f is not executable"
		bash -n "$f" || fail "bash -n $f"
		if command -v shellcheck > /dev/null; then
			run shellcheck "$f"
			assert_success
		fi
	done
}

@test "examples: fb.env is plain KEY=value lines, readable by sh and systemd" {
	local line
	errs=()
	while IFS= read -r line; do
		[[ $line =~ ^(#.*)?$ ]] && continue
		[[ $line =~ ^[A-Z_][A-Z0-9_]*=[^\"\'\$\`\\]*$ ]] ||
		    errs+=("fb.env: $line")
	done < "$EX/fb.env"
	for v in FB_STORE FB_SPOOL FB_ALERTS FB_REPORTS FB_LOCKDIR FB_BIN; do
		grep -q "^$v=/" "$EX/fb.env" || errs+=("fb.env: no absolute $v")
	done
	fail_if_errors
}

@test "examples: the crontab parses: time fields, user, commands, MAILTO and PATH" {
	errs=()
	grep -q '^MAILTO=.' "$EX/cron/fb.crontab" || errs+=("crontab: no MAILTO")
	grep -q '^PATH=.*/usr/local/bin' "$EX/cron/fb.crontab" ||
	    errs+=("crontab: PATH lacks /usr/local/bin")
	grep -q 'system crontab' "$EX/cron/fb.crontab" ||
	    errs+=("crontab: its header does not say it is a system crontab")
	cron_jobs > jobs.cron
	fail_if_errors
	assert_equal "$(cut -f1 jobs.cron | sort | paste -sd ' ')" \
	    "$(tr ' ' '\n' <<< "$JOBS" | sort | paste -sd ' ')"
	# the checker can fail: a minute out of range is caught
	run ! cron_values 60 0 59
	run ! cron_values '*/0' 0 59
	assert_equal "$(cron_values '*/20' 0 59 | paste -sd ' ')" "0 20 40"
}

@test "examples: cron and the systemd timers run the same jobs at the same times" {
	errs=()
	cron_jobs | sort > jobs.cron
	timer_jobs | sort > jobs.timer
	fail_if_errors
	# every 5 minutes: 7 * 24 * 12 times a week; hourly: 7 * 24
	assert_equal "$(awk -F'\t' '$1 == "intake" { print split($2, a, " ") }' jobs.cron)" 2016
	assert_equal "$(awk -F'\t' '$1 == "anomalies" { print split($2, a, " ") }' jobs.cron)" 168
	assert_equal "$(awk -F'\t' '$1 == "report-weekly" { print split($2, a, " ") }' jobs.cron)" 1
	run diff jobs.cron jobs.timer
	assert_success
}

@test "examples: every unit passes systemd-analyze verify" {
	command -v systemd-analyze > /dev/null || skip "no systemd-analyze"
	printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' > probe.service
	systemd-analyze --man=no verify ./probe.service > /dev/null 2>&1 ||
	    skip "systemd-analyze verify does not work here"
	# verify checks that ExecStart= is executable: stage the units with
	# /usr/local/bin/ pointing at the wrapper scripts as shipped
	local bin=$PWD/bin
	mkdir -p units "$bin"
	cp "$EX"/bin/* "$bin"
	for f in "$EX"/systemd/*; do
		sed "s|/usr/local/bin/|$bin/|g" "$f" > "units/${f##*/}"
	done
	cd units
	# Documentation=man:fb(7) is checked against the project's pages
	local -a man=(--man=no)
	command -v man > /dev/null && man=(--man=yes)
	MANPATH=$FB_ROOT/share/man run systemd-analyze "${man[@]}" verify \
	    ./fb-*.service ./fb-*.timer ./fb-failure@fb-intake.service.service
	assert_success
	assert_output ""
	# and it can fail: a broken calendar is caught
	sed -i 's/^OnCalendar=.*/OnCalendar=bogus/' fb-prune.timer
	run systemd-analyze --man=no verify ./fb-prune.timer
	assert_failure
	# each service runs its own job, and fails over to fb-failure@
	for f in fb-*.service; do
		[[ $f == fb-failure@.service ]] && continue
		grep -qx "ExecStart=$bin/fb-job ${f:3:-8}" "$f" ||
		    fail "$f does not run fb-job ${f:3:-8}"
		grep -qx 'OnFailure=fb-failure@%n.service' "$f" ||
		    fail "$f has no OnFailure=fb-failure@%n.service"
		grep -qx 'SuccessExitStatus=75' "$f" ||
		    fail "$f counts a skipped run as a failure"
	done
}

@test "fb-job: usage and configuration errors exit 2" {
	run -2 "$EX/bin/fb-job"
	assert_output --partial "usage: fb-job"
	run -2 "$EX/bin/fb-job" bogus
	FB_ENV=$PWD/none run -2 "$EX/bin/fb-job" intake
	assert_output "fb-job: cannot read $PWD/none"
	printf 'FB_STORE=/x\nnot a setting\n' > bad.env
	FB_ENV=$PWD/bad.env run -2 "$EX/bin/fb-job" intake
	assert_output "fb-job: $PWD/bad.env: not KEY=value: not a setting"
	printf 'FB_STORE=/x\n' > short.env
	FB_ENV=$PWD/short.env run -2 "$EX/bin/fb-job" prune
	assert_output "fb-job: $PWD/short.env: FB_SPOOL is not set"
}

@test "fb-job intake: stores new exports, moves them to done/; a rerun adds nothing" {
	job_env
	spool_exports
	run -0 --separate-stderr "$EX/bin/fb-job" intake
	assert_output ""
	local n
	n=$(stored)
	# 350 generated, less the duplicates fb-gen plants
	((n > 300 && n <= 350)) || fail "stored $n records"
	assert [ -f var/spool/done/2026-10-31/app.ndjson ]
	assert [ -f var/spool/done/2026-10-31/hotline/calls.csv ]
	assert [ -f var/spool/incoming/next.ndjson.part ]
	assert_equal "$(find var/spool/processing -type f | wc -l)" 0
	assert_equal "$(find var/spool/incoming -type f | wc -l)" 1
	# the CSV of incoming/hotline/ was ingested as -c hotline
	fb-store -s var/store cat | grep '"file":"[^"]*/hotline/calls.csv"' > calls
	(($(lines calls) > 100)) || fail "$(lines calls) records from calls.csv"
	assert_equal "$(grep -vc '"channel":"hotline"' calls)" 0
	run -0 "$EX/bin/fb-job" intake
	assert_equal "$(stored)" "$n"
	# the same export again: moved aside, nothing new stored
	cp var/spool/done/2026-10-31/app.ndjson var/spool/incoming/
	run -0 "$EX/bin/fb-job" intake
	assert_equal "$(stored)" "$n"
	assert [ -f var/spool/done/2026-10-31/app.ndjson.~1~ ]
}

@test "fb-job intake: a failed run leaves the file for the next; rejected lines are kept" {
	job_env
	mkdir -p var/spool/incoming
	fb-gen -s 4 -n 20 > var/spool/incoming/a.ndjson
	# a store that cannot be written: fb-store append fails
	sed -i "s|^FB_STORE=.*|FB_STORE=$PWD/fb.env|" fb.env
	run -2 --separate-stderr "$EX/bin/fb-job" intake
	assert_output ""
	assert [ -f var/spool/processing/a.ndjson ]
	assert [ ! -e var/spool/done/2026-10-31/a.ndjson ]
	[[ $stderr == *"a.ndjson: failed (statuses "*"), left in processing/"* ]] ||
	    fail "stderr: $stderr"
	# fixed, the next run takes it
	sed -i "s|^FB_STORE=.*|FB_STORE=$PWD/var/store|" fb.env
	run -0 "$EX/bin/fb-job" intake
	assert [ -f var/spool/done/2026-10-31/a.ndjson ]
	assert_equal "$(stored)" 20
	# a bad line: status 1, the rest stored, the line beside the file
	{
		fb-gen -s 9 -n 5
		echo 'not json'
	} > var/spool/incoming/b.ndjson
	run -1 "$EX/bin/fb-job" intake
	assert_equal "$(stored)" 25
	assert_equal "$(cat var/spool/done/2026-10-31/b.ndjson.rejects)" "not json"
	assert_output --partial "some input was rejected (status 1)"
}

@test "fb-job breaches, anomalies: alerts into dated files, each alert once a day" {
	job_env
	spool_exports
	"$EX/bin/fb-job" intake 2> /dev/null
	run -0 "$EX/bin/fb-job" breaches
	assert_output --regexp "^fb-breaches: [1-9][0-9]* new sla alerts in $PWD/var/alerts/sla-2026-10-31.ndjson\$"
	local f=var/alerts/sla-2026-10-31.ndjson n
	n=$(lines "$f")
	assert_equal "$(grep -c '^{"type":"alert","kind":"\(sla_breach\|sla_at_risk\|customer_update_due\)"' "$f")" "$n"
	assert_equal "$(ids "$f" | sort | uniq -d)" ""
	run -0 "$EX/bin/fb-job" breaches
	assert_output "fb-breaches: 0 new sla alerts in $PWD/$f"
	assert_equal "$(lines "$f")" "$n"
	run -0 "$EX/bin/fb-job" anomalies
	f=var/alerts/anomaly-2026-10-31.ndjson
	assert [ -s "$f" ]
	assert_equal "$(grep -vc '^{"type":"alert",' "$f")" 0
	# no temporary file is left behind
	assert_equal "$(find var/alerts -name '.*' | wc -l)" 0
}

@test "fb-job breaches with FB_NOTIFY_OPTS: each alert mailed once; a failed mail is sent next run" {
	job_env
	spool_exports
	"$EX/bin/fb-job" intake 2> /dev/null
	sed -i 's|^FB_NOTIFY_OPTS=.*|FB_NOTIFY_OPTS=-m leads@example.com --from fb@example.com|' fb.env
	mkdir mail
	cat > mail/sendmail <<'EOF'
#!/bin/sh
[ -e "$(dirname "$0")/down" ] && exit 75
cat > "$(mktemp "$(dirname "$0")/msg.XXXXXX")"
EOF
	chmod +x mail/sendmail
	export FB_SENDMAIL=$PWD/mail/sendmail
	# the mail system is down: the job fails, and the alerts are kept
	touch mail/down
	run -2 --separate-stderr "$EX/bin/fb-job" breaches
	[[ $stderr == *"alerts not sent by mail; the next run tries again"* ]] ||
	    fail "stderr: $stderr"
	rm mail/down
	run -0 "$EX/bin/fb-job" breaches
	local n
	n=$(ids var/alerts/sla-2026-10-31.ndjson | sort -u | wc -l)
	assert [ "$n" -gt 0 ]
	assert_equal "$(find mail -name 'msg.*' | wc -l)" "$n"
	grep -qx 'To: leads@example.com' mail/msg.* || fail "no To: header"
	# later the same day: nothing is mailed twice
	run -0 "$EX/bin/fb-job" breaches
	assert_equal "$(find mail -name 'msg.*' | wc -l)" "$n"
}

@test "fb-job report-daily, report-weekly: yesterday's and last week's HTML report" {
	job_env
	spool_exports
	"$EX/bin/fb-job" intake 2> /dev/null
	run -0 "$EX/bin/fb-job" report-daily
	assert_output "fb-report-daily: wrote $PWD/var/reports/daily-2026-10-30.html"
	grep -q '<html' var/reports/daily-2026-10-30.html
	# 2026-10-31 is a Saturday: last week began on Monday 19 October
	run -0 "$EX/bin/fb-job" report-weekly
	assert_output "fb-report-weekly: wrote $PWD/var/reports/weekly-2026-10-19.html"
	grep -q '2026-10-19' var/reports/weekly-2026-10-19.html
	assert_equal "$(find var/reports -name '.*' | wc -l)" 0
}

@test "fb-job prune: old segments and old done/ files go" {
	job_env
	spool_exports
	"$EX/bin/fb-job" intake 2> /dev/null
	fb-store -s var/store rotate
	# done/ by the day intake finished a file, whatever the file's time
	mkdir -p var/spool/done/2026-09-30/hotline var/spool/done/2026-10-01
	touch var/spool/done/2026-09-30/hotline/old.csv
	touch -d '2026-01-01' var/spool/done/2026-10-31/app.ndjson
	run -0 "$EX/bin/fb-job" prune
	assert_line "fb-store: pruned 0 segments (0 records)"
	assert_line "fb-prune: removed $PWD/var/spool/done/2026-09-30"
	assert [ ! -e var/spool/done/2026-09-30 ]
	assert [ -d var/spool/done/2026-10-01 ]
	assert [ -f var/spool/done/2026-10-31/app.ndjson ]
	sed -i 's/^FB_KEEP=.*/FB_KEEP=1d/' fb.env
	run -0 "$EX/bin/fb-job" prune
	assert_output --regexp "pruned [1-9][0-9]* segments"
	assert_equal "$(stored)" 0
}

@test "fb-job: a job whose lock is held exits 75 at once without running" {
	job_env
	spool_exports
	mkdir -p var/lock
	local fd
	exec {fd}> var/lock/intake.lock
	flock -n "$fd"
	run -75 "$EX/bin/fb-job" intake
	assert_output "fb-intake: skipped: the previous run still holds $PWD/var/lock/intake.lock"
	assert [ -f var/spool/incoming/app.ndjson ]
	assert [ ! -e var/store ]
	# another job has its own lock
	run -0 "$EX/bin/fb-job" prune
	exec {fd}>&-
	run -0 "$EX/bin/fb-job" intake
	assert [ ! -e var/spool/incoming/app.ndjson ]
}

@test "fb-job under cron: logs to syslog, silent when it works, says why when not" {
	job_env
	spool_exports
	sed -i 's/^FB_LOG=.*/FB_LOG=syslog/' fb.env
	mkdir fake
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> %s/logged\n[ "$3" = -f ] && cat "$4" >> %s/logged\nexit 0\n' \
	    "$PWD" "$PWD" > fake/logger
	chmod +x fake/logger
	PATH=$PWD/fake:$PATH run -0 --separate-stderr "$EX/bin/fb-job" intake
	assert_output ""
	assert_equal "$stderr" ""
	grep -qx -- '-t fb-intake -- app.ndjson: done' logged
	PATH=$PWD/fake:$PATH run -0 --separate-stderr "$EX/bin/fb-job" breaches
	assert_equal "$stderr" ""
	sed -i "s|^FB_STORE=.*|FB_STORE=$PWD/fb.env|" fb.env
	PATH=$PWD/fake:$PATH run -2 --separate-stderr "$EX/bin/fb-job" breaches
	assert_output ""
	[[ $stderr == "fb-breaches: failed with status 2"$'\n'* ]] || fail "stderr: $stderr"
	grep -q '^fb-store: ' logged
}

@test "fb-failure: mails the failed unit's journal with sendmail" {
	mkdir fake
	printf '#!/bin/sh\necho "sendmail $*" > %s/mail\ncat >> %s/mail\n' "$PWD" "$PWD" > fake/sendmail
	printf '#!/bin/sh\necho "journal of $*"\n' > fake/journalctl
	printf '#!/bin/sh\necho "status of $*"\nexit 3\n' > fake/systemctl
	chmod +x fake/*
	printf 'FB_STORE=/x\nFB_MAILTO=ops@example.com\n' > fb.env
	FB_ENV=$PWD/fb.env PATH=$PWD/fake:$PATH run -0 "$EX/bin/fb-failure" fb-intake.service
	assert_output ""
	run cat mail
	assert_line --index 0 "sendmail -t -i"
	assert_line --index 1 "To: ops@example.com"
	assert_line --index 2 --regexp "^Subject: fb: fb-intake.service failed on "
	assert_line --partial "journal of --no-pager --output=short-iso --lines=40 --unit=fb-intake.service"
	# without FB_MAILTO it only logs
	rm mail
	printf 'FB_STORE=/x\n' > fb.env
	FB_ENV=$PWD/fb.env PATH=$PWD/fake:$PATH run -0 "$EX/bin/fb-failure" fb-intake.service
	assert_line --partial "journal of"
	assert [ ! -e mail ]
}
