#!/usr/bin/env bats
# fb-sla.bats: SLA clocks from lifecycle events (fb-sla(1), the rules in
# lib/fb.h above fb_sla_clock(), the policy format in share/fb/sla.conf).
#
# Every expected time, duration, state and figure below is worked out by
# hand from the fixtures in test/fixtures/fb-sla (see its README), and the
# arithmetic is written next to the assertion.  None was copied from the
# tool's output.  Where the tool disagrees and the rules say it is wrong,
# the test keeps the hand-computed value and is skipped with "BUG: ...".
#
# Times: +08:00 is Asia/Shanghai (no daylight saving); America/New_York is
# -05:00 (EST) until 2026-03-08 02:00 and -04:00 (EDT) after.  Weekdays:
# 2026-11-20 Fri, 2026-09-30 Wed, 2026-10-08 Thu, 2026-10-09 Fri,
# 2026-10-10 Sat, 2026-09-19 Sat, 2026-09-20 Sun, 2026-09-24 Thu,
# 2026-09-28 Mon, 2026-10-03 Sat, 2026-03-06 Fri, 2026-03-09 Mon.

load helper

FIX=$FB_FIXTURES/fb-sla
BASIC=$FIX/basic.conf

# Room for noise in peak RSS beyond what the memory test works out; ASan
# keeps freed blocks in quarantine, so a sanitized build gets more.
RSS_SLACK_KB=$((2 * 1024))

setup() {
	common_setup
	# never a policy of /etc/fb or ~/.config/fb: tests name theirs
	mkdir -p no-config
	export FB_CONFIG_DIR=$PWD/no-config
	errs=()
	if [[ -n ${FB_TEST_SANITIZE:-} ]] ||
	    ldd "$(command -v fb-sla)" 2>/dev/null | grep -q libasan; then
		RSS_SLACK_KB=$((24 * 1024))
	fi
}

# sla ARGS...: fb-sla ARGS > out; it must exit 0 with nothing on stderr.
sla() {
	run -0 --separate-stderr to_file out fb-sla "$@"
	[[ -z $stderr ]] || fail "fb-sla $*: stderr: $stderr"
}

# get ID FILTER [FILE]: jq FILTER of the feedback item ID (not its events)
# in FILE (default out); strings raw, objects compact.
get() {
	jq -rc --arg id "$1" "select(.id == \$id and .type == null) | $2" "${3:-out}"
}

# near WHAT GOT WANT: adds to errs unless GOT is within 1% of WANT (the
# log-histogram's promise for medians and p90s).
near() {
	awk -v g="$2" -v w="$3" 'BEGIN { d = g - w; if (d < 0) d = -d
		exit !(g != "" && g != "null" && d <= w / 100) }' ||
	    errs+=("$1 is '$2', want $3 within 1%")
}

# event ID NAME TS: one lifecycle event line.
event() {
	printf '{"type":"event","id":"%s","event":"%s","ts":"%s"}\n' "$1" "$2" "$3"
}

#---- 24x7 clocks

@test "fb-sla: a 24x7 P1 item with no events: ok, at risk with 12m left, breached after its hour" {
	echo '{"id":"a1","ts":"2026-11-20T08:00:00Z","priority":"P1","text":"no answer yet"}' > in.ndjson

	# +30m: first response 1800 of 3600 s counted, half left (> 20%):
	# ok; due creation + 1h = 09:00Z; resolution due + 24h; update
	# due + 48h (47h30m of 48h left: ok)
	sla -p "$BASIC" --now 2026-11-20T08:30:00Z in.ndjson
	want a1 .sla.policy P1
	want a1 .sla.state ok
	want a1 .sla.open true
	want a1 .sla.pending false
	want a1 .sla.first_response_due 2026-11-20T09:00:00Z
	want a1 .sla.resolution_due 2026-11-21T08:00:00Z
	want a1 .sla.update_due 2026-11-22T08:00:00Z
	want a1 .sla.update ok
	want a1 .sla.first_response '{"state":"ok","target":3600,"elapsed":1800,"due":"2026-11-20T09:00:00Z"}'
	want a1 .sla.resolution '{"state":"ok","target":86400,"elapsed":1800,"due":"2026-11-21T08:00:00Z","cycles":1,"late":0}'
	# no customer reply yet: no next-response cycle
	want a1 .sla.next_response.state none
	want a1 .sla.next_response.cycles 0
	want a1 .sla.time calendar
	want a1 .sla.as_of 2026-11-20T08:30:00Z
	want a1 '.sla | has("ignored")' false
	# the item's own fields are kept as they were
	want a1 'del(.sla)' '{"id":"a1","ts":"2026-11-20T08:00:00Z","priority":"P1","text":"no answer yet"}'
	fail_if_errors

	# at-risk is 20% of 1h = 12m left: +47m leaves 13m (ok), +48m
	# exactly 12m (at_risk: "at most"), +50m 10m (at_risk)
	sla -p "$BASIC" --now 2026-11-20T08:47:00Z in.ndjson
	want a1 .sla.state ok
	sla -p "$BASIC" --now 2026-11-20T08:48:00Z in.ndjson
	want a1 .sla.state at_risk
	want a1 .sla.first_response.elapsed 2880
	sla -p "$BASIC" --now 2026-11-20T08:50:00Z in.ndjson
	want a1 .sla.state at_risk
	want a1 .sla.first_response.state at_risk
	want a1 .sla.resolution.state ok
	fail_if_errors

	# +2h: past 09:00 and still running: breached; it keeps counting
	sla -p "$BASIC" --now 2026-11-20T10:00:00Z in.ndjson
	want a1 .sla.state breached
	want a1 .sla.first_response '{"state":"breached","target":3600,"elapsed":7200,"due":"2026-11-20T09:00:00Z"}'
	fail_if_errors
}

@test "fb-sla: --breaches: sla_breach with overdue 3600, and --within makes an early one at risk" {
	echo '{"id":"a1","ts":"2026-11-20T08:00:00Z","priority":"P1"}' > in.ndjson

	# as of +2h the first response, due 09:00Z, is 10:00 - 09:00 =
	# 3600 s overdue; resolution (due tomorrow) is not alarming
	sla -p "$BASIC" --now 2026-11-20T10:00:00Z --breaches in.ndjson
	assert_equal "$(lines out)" 1
	assert_equal "$(jq -c '[.type, .kind, .id, .item, .ts, .policy, .priority, .created, .clock, .state, .due, .overdue, .pending]' out)" \
	    '["alert","sla_breach","sla:a1:first_response:1:breached","a1","2026-11-20T10:00:00Z","P1","P1","2026-11-20T08:00:00Z","first_response","breached","2026-11-20T09:00:00Z",3600,false]'
	assert_equal "$(jq -c .clocks out)" \
	    '[{"clock":"first_response","state":"breached","due":"2026-11-20T09:00:00Z","overdue":3600,"target":3600,"elapsed":7200}]'

	# as of +30m nothing is breached or at risk ...
	sla -p "$BASIC" --now 2026-11-20T08:30:00Z --breaches in.ndjson
	assert_equal "$(lines out)" 0
	# ... but the first response is due in 30m <= --within 30m
	sla -p "$BASIC" --now 2026-11-20T08:30:00Z --breaches --within 30m in.ndjson
	assert_equal "$(jq -c '[.kind, .id, .clock, .state, .due, .left]' out)" \
	    '["sla_at_risk","sla:a1:first_response:1:at_risk","first_response","at_risk","2026-11-20T09:00:00Z",1800]'
}

@test "fb-sla: --breaches: a late resolution, a customer update owed, an at-risk answer; closed and paused items are quiet" {
	# As of 2026-11-24T00:00Z (summary.ndjson):
	#  s3 P1 created 11-21 00:00, answered at 00:10, still open: resolution
	#     due 11-22 00:00, 2 days = 172800 s overdue, counted 72h = 259200;
	#     update due 11-21 + 48h = 11-23 00:00 with no response since:
	#     overdue 86400
	#  s4 P2 created 11-23 23:00, no answer: first response due 11-24
	#     01:00, 3600 s left: at risk only with --within 1h
	#  s8 pending: a paused clock cannot run out; s1 s2 s7 closed, s5
	#     resolved: no alerts; s6 has no policy
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --breaches --within 1h "$FIX/summary.ndjson"
	assert_equal "$(jq -c '[.kind, .id, .item, .policy, .channel, .queue, .state, .due, (.overdue // -1), (.left // -1)]' out)" \
	    '["sla_breach","sla:s3:resolution:1:breached","s3","P1","email","q-b","breached","2026-11-22T00:00:00Z",172800,-1]
["customer_update_due","sla:s3:update","s3","P1","email","q-b","breached","2026-11-23T00:00:00Z",86400,-1]
["sla_at_risk","sla:s4:first_response:1:at_risk","s4","P2","email","q-b","at_risk","2026-11-24T01:00:00Z",-1,3600]'
	assert_equal "$(jq -c 'select(.item == "s3" and .clocks) | .clocks' out)" \
	    '[{"clock":"resolution","state":"breached","due":"2026-11-22T00:00:00Z","overdue":172800,"target":86400,"elapsed":259200}]'
	# without --within only the two breaches
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --breaches "$FIX/summary.ndjson"
	assert_equal "$(jq -r .kind out | paste -sd ' ')" "sla_breach customer_update_due"
}

#---- Business calendars

@test "fb-sla: business hours skip the weekend and the lunch break" {
	cat > in.ndjson <<'EOF'
{"id":"w4","ts":"2026-11-20T16:00:00+08:00","category":"fr4h"}
{"id":"w6","ts":"2026-11-20T16:00:00+08:00","category":"fr6h"}
EOF
	# w4: 4h of mon-fri 09:00-12:00 13:30-18:00 from Fri 16:00 +08:00:
	# Fri 16:00-18:00 = 2h, Sat and Sun none, Mon 09:00-11:00 = 2h, so
	# due Mon 2026-11-23 11:00 +08:00 = 03:00Z.  Resolution 16h: Fri 2h,
	# Mon 3h + 4h30m (9h30m), Tue 09:00-12:00 (12h30m), 13:30-17:00
	# (16h): Tue 2026-11-24 17:00 +08:00 = 09:00Z.
	# w6: 6h: Fri 2h, Mon 09:00-12:00 3h (5h), lunch 12:00-13:30 not
	# counted, 13:30-14:30 1h: Mon 14:30 +08:00 = 06:30Z.

	# Fri 17:00 +08:00: 1h counted; the due time is projected from now:
	# Fri 17:00-18:00 1h, Mon 09:00-11:00 2h: still Mon 03:00Z
	sla -p "$FIX/cn.conf" --now 2026-11-20T17:00:00+08:00 in.ndjson
	want w4 .sla.first_response '{"state":"ok","target":14400,"elapsed":3600,"due":"2026-11-23T03:00:00Z"}'
	want w4 .sla.resolution_due 2026-11-24T09:00:00Z
	want w4 .sla.time business
	want w4 .sla.calendar cn-office
	want w4 '.sla | has("update_due")' false
	want w4 '.sla | has("next_response")' false
	# Sat noon: the weekend adds nothing: Fri's 2h
	sla -p "$FIX/cn.conf" --now 2026-11-21T12:00:00+08:00 in.ndjson
	want w4 .sla.first_response.elapsed 7200
	want w4 .sla.first_response.due 2026-11-23T03:00:00Z
	want w4 .sla.state ok
	# Mon 10:00: 2h + 1h = 3h, 1h (25%) left: ok; w6 has 3h of 6h
	sla -p "$FIX/cn.conf" --now 2026-11-23T10:00:00+08:00 in.ndjson
	want w4 .sla.first_response '{"state":"ok","target":14400,"elapsed":10800,"due":"2026-11-23T03:00:00Z"}'
	want w4 .sla.resolution.due 2026-11-24T09:00:00Z
	want w6 .sla.first_response '{"state":"ok","target":21600,"elapsed":10800,"due":"2026-11-23T06:30:00Z"}'
	# Mon 10:30: 3h30m, 30m (12.5%) left: at risk
	sla -p "$FIX/cn.conf" --now 2026-11-23T10:30:00+08:00 in.ndjson
	want w4 .sla.first_response.state at_risk
	want w4 .sla.first_response.elapsed 12600
	# Mon 11:30: past 11:00: breached, 4h30m counted
	sla -p "$FIX/cn.conf" --now 2026-11-23T11:30:00+08:00 in.ndjson
	want w4 .sla.first_response '{"state":"breached","target":14400,"elapsed":16200,"due":"2026-11-23T03:00:00Z"}'
	want w4 .sla.state breached
	fail_if_errors
}

@test "fb-sla: a public holiday: National Day moves a 4h first response to 12:00 on 8 October" {
	cat > in.ndjson <<'EOF'
{"id":"h4","ts":"2026-09-30T17:00:00+08:00","category":"fr4h"}
{"id":"h4p","ts":"2026-09-30T17:00:00+08:00","category":"fr4h-plain"}
EOF
	# h4 (holiday 2026-10-01 .. 2026-10-07): Wed 9-30 17:00-18:00 = 1h,
	# Oct 1-7 off, Thu Oct 8 09:00-12:00 = 3h: 4h at 12:00 sharp, the
	# close of the morning (not 13:30): 2026-10-08T04:00Z.
	# h4p, the same hours without the holiday: Wed 1h, Thu Oct 1
	# 09:00-12:00: due 2026-10-01 12:00 +08:00 = 04:00Z.
	sla -p "$FIX/cn.conf" --now 2026-10-04T12:00:00+08:00 in.ndjson
	# in the holiday: only Wednesday's hour; due projected past it
	want h4 .sla.first_response '{"state":"ok","target":14400,"elapsed":3600,"due":"2026-10-08T04:00:00Z"}'
	sla -p "$FIX/cn.conf" --now 2026-10-08T10:00:00+08:00 in.ndjson
	# Oct 8 10:00: 1h + 1h = 2h (7200 s), half left: ok
	want h4 .sla.first_response '{"state":"ok","target":14400,"elapsed":7200,"due":"2026-10-08T04:00:00Z"}'
	# h4p: 1h (9-30) + 7h30m (Thu 10-1) + 7h30m (Fri 10-2) + 3 x 7h30m
	# (Mon-Wed 10-5..7) + 1h (Thu 10-8) = 39h30m = 142200 s
	want h4p .sla.first_response '{"state":"breached","target":14400,"elapsed":142200,"due":"2026-10-01T04:00:00Z"}'
	fail_if_errors
}

@test "fb-sla: a 调休 working Saturday counts with Monday's hours; without it the clock waits for Monday" {
	cat > in.ndjson <<'EOF'
{"id":"s2","ts":"2026-10-09T17:00:00+08:00","category":"fr2h"}
{"id":"s2n","ts":"2026-10-09T17:00:00+08:00","category":"fr2h-no-makeup"}
EOF
	# s2 (workday 2026-10-10): Fri 17:00-18:00 1h, Sat 09:00-10:00 1h:
	# due Sat 2026-10-10 10:00 +08:00 = 02:00Z.
	# s2n (no workday line): Fri 1h, Sat and Sun off, Mon 10-12
	# 09:00-10:00: due 2026-10-12 10:00 +08:00 = 02:00Z.
	sla -p "$FIX/cn.conf" --now 2026-10-10T09:30:00+08:00 in.ndjson
	# Sat 09:30: 1h + 30m = 5400 s, 30m (25%) left: ok
	want s2 .sla.first_response '{"state":"ok","target":7200,"elapsed":5400,"due":"2026-10-10T02:00:00Z"}'
	want s2n .sla.first_response '{"state":"ok","target":7200,"elapsed":3600,"due":"2026-10-12T02:00:00Z"}'
	sla -p "$FIX/cn.conf" --now 2026-10-10T10:30:00+08:00 in.ndjson
	# Sat 10:30: 1h + 1h30m = 9000 s, past 10:00: breached
	want s2 .sla.first_response '{"state":"breached","target":7200,"elapsed":9000,"due":"2026-10-10T02:00:00Z"}'
	want s2n .sla.first_response.elapsed 3600
	fail_if_errors
}

@test "fb-sla: an .ics calendar gives the same bytes as holiday and workday lines" {
	# cn-2026.ics: holidays 9-25..27 (中秋节), 10-01..07 (国庆节), ...;
	# make-up days Sun 9-20 and Sat 10-10 (and five more).  Office
	# policy: first response 4h, next response 4h, resolution 16h.
	cat > in.ndjson <<'EOF'
{"id":"q1","ts":"2026-09-19T10:00:00+08:00","text":"Saturday before the make-up Sunday"}
{"id":"q2","ts":"2026-09-24T17:00:00+08:00","text":"before Mid-Autumn"}
{"id":"q3","ts":"2026-09-30T17:00:00+08:00","text":"before National Day"}
{"id":"q4","ts":"2026-10-09T17:00:00+08:00","text":"before the make-up Saturday"}
{"id":"q5","ts":"2026-10-03T10:00:00+08:00","text":"in the holiday"}
{"type":"event","id":"q1","event":"first_response","ts":"2026-09-20T10:00:00+08:00"}
{"type":"event","id":"q2","event":"first_response","ts":"2026-09-28T11:00:00+08:00"}
{"type":"event","id":"q3","event":"first_response","ts":"2026-10-08T09:30:00+08:00"}
{"type":"event","id":"q3","event":"customer_reply","ts":"2026-10-08T17:00:00+08:00"}
{"type":"event","id":"q3","event":"response","ts":"2026-10-10T09:30:00+08:00"}
EOF
	run -0 --separate-stderr to_file lines.out fb-sla -p "$FIX/cn-lines.conf" --now 2026-10-12T12:00:00+08:00 in.ndjson
	[[ -z $stderr ]] || fail "stderr: $stderr"
	run -0 --separate-stderr to_file ics.out fb-sla -p "$FIX/cn-ics.conf" --now 2026-10-12T12:00:00+08:00 in.ndjson
	[[ -z $stderr ]] || fail "stderr: $stderr"
	cmp lines.out ics.out || fail "the ics calendar and the lines differ: $(diff lines.out ics.out)"
	assert_equal "$(lines ics.out)" 10

	# and both are right, not merely equal:
	# q1 Sat 9-19 10:00: Sun 9-20 works 09:00-12:00 3h, 13:30-14:30 1h:
	#    due 9-20 14:30 = 06:30Z; answered 10:00 after 1h: met
	want q1 .sla.first_response '{"state":"met","target":14400,"elapsed":3600,"due":"2026-09-20T06:30:00Z","stopped":"2026-09-20T02:00:00Z"}' ics.out
	#    resolution 16h: Sun 7h30m, Mon 9-21 7h30m (15h), Tue 9-22
	#    09:00-10:00: due 9-22 10:00 = 02:00Z
	want q1 .sla.resolution_due 2026-09-22T02:00:00Z ics.out
	# q2 Thu 9-24 17:00: 1h, Fri-Sun 9-25..27 off, Mon 9-28 09:00-12:00:
	#    due 9-28 12:00 = 04:00Z; answered 11:00: 1h + 2h = 10800 s
	want q2 .sla.first_response '{"state":"met","target":14400,"elapsed":10800,"due":"2026-09-28T04:00:00Z","stopped":"2026-09-28T03:00:00Z"}' ics.out
	#    resolution: 1h + 7h30m (Mon) + 7h30m (Tue 9-29) = 16h at Tue
	#    18:00, the close of the day: 10:00Z
	want q2 .sla.resolution_due 2026-09-29T10:00:00Z ics.out
	# q3 Wed 9-30 17:00: 1h, Oct 1-7 off, Oct 8 09:00-12:00: due 04:00Z;
	#    answered Oct 8 09:30 after 1h30m
	want q3 .sla.first_response '{"state":"met","target":14400,"elapsed":5400,"due":"2026-10-08T04:00:00Z","stopped":"2026-10-08T01:30:00Z"}' ics.out
	#    the reply Oct 8 17:00 waits: Oct 8 17:00-18:00 1h, Oct 9
	#    09:00-12:00 3h: due Oct 9 12:00 = 04:00Z; answered Sat Oct 10
	#    09:30: 1h + 7h30m + 30m = 9h = 32400 s, late
	want q3 .sla.next_response '{"state":"breached","target":14400,"elapsed":32400,"due":"2026-10-09T04:00:00Z","stopped":"2026-10-10T01:30:00Z","cycles":1,"late":1}' ics.out
	#    resolution: 1h + 7h30m (Oct 8) + 7h30m (Oct 9) = 16h at Oct 9
	#    18:00 = 10:00Z; counted by Mon Oct 12 12:00: 1h + 3 x 7h30m
	#    (Oct 8, 9, 10) + 3h = 26h30m = 95400 s
	want q3 .sla.resolution '{"state":"breached","target":57600,"elapsed":95400,"due":"2026-10-09T10:00:00Z","cycles":1,"late":1}' ics.out
	# q4 Fri Oct 9 17:00: 1h, Sat Oct 10 (make-up) 09:00-12:00: due
	#    Oct 10 12:00 = 04:00Z; counted by Mon 12:00: 1h + 7h30m + 3h =
	#    11h30m = 41400 s.  Resolution: 1h + 7h30m + Mon 7h30m = 16h at
	#    Mon Oct 12 18:00 = 10:00Z; 4h30m of 16h (28%) left: ok
	want q4 .sla.first_response '{"state":"breached","target":14400,"elapsed":41400,"due":"2026-10-10T04:00:00Z"}' ics.out
	want q4 .sla.resolution '{"state":"ok","target":57600,"elapsed":41400,"due":"2026-10-12T10:00:00Z","cycles":1,"late":0}' ics.out
	# q5 Sat Oct 3 10:00 (a holiday): Oct 8 09:00-12:00, 13:30-14:30:
	#    due Oct 8 14:30 = 06:30Z
	want q5 .sla.first_response_due 2026-10-08T06:30:00Z ics.out
	fail_if_errors

	# the holiday names are the same too, as --explain shows them
	run -0 --separate-stderr to_file lines.txt fb-sla -p "$FIX/cn-lines.conf" --now 2026-10-12T12:00:00+08:00 --tz Asia/Shanghai --explain q3 in.ndjson
	run -0 --separate-stderr to_file ics.txt fb-sla -p "$FIX/cn-ics.conf" --now 2026-10-12T12:00:00+08:00 --tz Asia/Shanghai --explain q3 in.ndjson
	cmp lines.txt ics.txt || fail "--explain differs: $(diff lines.txt ics.txt)"
	grep -q '2026-10-01 00:00:00 +0800 -> 2026-10-08 00:00:00 +0800 *holiday 国庆节 (7d)' ics.txt ||
	    fail "no 7-day 国庆节 span in: $(cat ics.txt)"
}

@test "fb-sla: New York across the spring-forward night: business hours, wall-clock time, a 24x7 calendar" {
	cat > in.ndjson <<'EOF'
{"id":"n1","ts":"2026-03-06T16:00:00-05:00","category":"office"}
{"id":"n2","ts":"2026-03-08T06:00:00Z","category":"wall"}
{"id":"n3","ts":"2026-03-07T12:00:00-05:00","category":"always"}
EOF
	# n1: 8h of mon-fri 09:00-17:00 from Fri 16:00 EST: Fri 1h, then
	# 7h from Mon 09:00 = Mon 16:00, now EDT (-04:00) = 2026-03-09T20:00Z.
	# (The brief said Monday 15:00 local = 19:00Z; 1h + 09:00-15:00 is
	# only 7h.  A clock that kept EST would say 21:00Z.)
	# Fri 16:30 EST: 30m counted; 7h30m projected from now: Fri
	# 16:30-17:00, Mon 09:00-16:00 EDT: 20:00Z, across the jump
	sla -p "$FIX/ny.conf" --now 2026-03-06T16:30:00-05:00 in.ndjson
	want n1 .sla.first_response '{"state":"ok","target":28800,"elapsed":1800,"due":"2026-03-09T20:00:00Z"}'
	# Mon 12:00 EDT = 16:00Z: 1h + 3h = 14400 s, half left
	sla -p "$FIX/ny.conf" --now 2026-03-09T16:00:00Z in.ndjson
	want n1 .sla.first_response '{"state":"ok","target":28800,"elapsed":14400,"due":"2026-03-09T20:00:00Z"}'
	# Tue 00:00Z = Mon 20:00 EDT: 1h + 8h = 32400 s, breached
	sla -p "$FIX/ny.conf" --now 2026-03-10T00:00:00Z in.ndjson
	want n1 .sla.first_response '{"state":"breached","target":28800,"elapsed":32400,"due":"2026-03-09T20:00:00Z"}'
	fail_if_errors

	# n2: wall-clock time (time calendar) counts real time: created
	# 06:00Z (01:00 EST), 2h later is 08:00Z (04:00 EDT: three hours on
	# the wall clock, two real ones).  At 07:00Z: 3600 s, due 08:00Z.
	sla -p "$FIX/ny.conf" --now 2026-03-08T07:00:00Z in.ndjson
	want n2 .sla.first_response '{"state":"ok","target":7200,"elapsed":3600,"due":"2026-03-08T08:00:00Z"}'
	want n2 .sla.time calendar
	want n2 '.sla | has("calendar")' false
	fail_if_errors

	# n3: a business calendar with no hours line runs all week, and
	# time between instants is real time.  Created Sat 12:00 EST =
	# 17:00Z; 24h of real time later is Sun 2026-03-08T17:00Z (13:00
	# EDT on the wall clock, as the local day lost an hour).  (The brief
	# said 12:00Z; that is 19h after creation.)  At 12:00Z Sun: 19h =
	# 68400 s counted, 5h (20.8%) left: ok; at 13:00Z 4h (16.7%): at risk.
	sla -p "$FIX/ny.conf" --now 2026-03-08T12:00:00Z in.ndjson
	want n3 .sla.first_response '{"state":"ok","target":86400,"elapsed":68400,"due":"2026-03-08T17:00:00Z"}'
	want n3 .sla.time business
	want n3 .sla.calendar ny-always
	sla -p "$FIX/ny.conf" --now 2026-03-08T13:00:00Z in.ndjson
	want n3 .sla.first_response.state at_risk
	fail_if_errors
}

#---- Pending, reopening, explaining

@test "fb-sla: pending pauses the clocks; resumed or a customer reply starts them again" {
	cat > in.ndjson <<'EOF'
{"id":"p1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"id":"p2","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"p1","event":"pending","ts":"2026-11-20T08:30:00Z"}
{"type":"event","id":"p2","event":"pending","ts":"2026-11-20T08:30:00Z"}
{"type":"event","id":"p1","event":"resumed","ts":"2026-11-20T10:00:00Z"}
{"type":"event","id":"p2","event":"customer_reply","ts":"2026-11-20T10:00:00Z"}
EOF
	local id
	# 09:00, while paused: 30m counted; a paused clock's due time is
	# projected from now: 09:00 + 30m = 09:30; resolution 09:00 + 23h30m
	sla -p "$BASIC" --now 2026-11-20T09:00:00Z in.ndjson
	for id in p1 p2; do
		want $id .sla.pending true
		want $id .sla.open true
		want $id .sla.first_response '{"state":"ok","target":3600,"elapsed":1800,"due":"2026-11-20T09:30:00Z"}'
		want $id .sla.resolution_due 2026-11-21T08:30:00Z
	done
	fail_if_errors
	# paused 08:30-10:00 = 1h30m: first response due 09:00 + 1h30m =
	# 10:30, resolution 08:00 + 24h + 1h30m = 11-21 09:30.  At 10:10:
	# 30m + 10m = 2400 s, 20m (33%) left: ok.  The reply resumes p2 too
	# and, before any answer, starts no next-response cycle.
	sla -p "$BASIC" --now 2026-11-20T10:10:00Z in.ndjson
	for id in p1 p2; do
		want $id .sla.pending false
		want $id .sla.state ok
		want $id .sla.first_response '{"state":"ok","target":3600,"elapsed":2400,"due":"2026-11-20T10:30:00Z"}'
		want $id .sla.resolution '{"state":"ok","target":86400,"elapsed":2400,"due":"2026-11-21T09:30:00Z","cycles":1,"late":0}'
		want $id .sla.next_response.cycles 0
	done
	fail_if_errors
	# a paused clock never alarms, even due within --within
	sla -p "$BASIC" --now 2026-11-20T09:00:00Z --breaches --within 1h in.ndjson
	assert_equal "$(lines out)" 0
	# 10:40: 30m + 40m = 4200 s, past 10:30: breached
	sla -p "$BASIC" --now 2026-11-20T10:40:00Z in.ndjson
	want p1 .sla.first_response.state breached
	want p2 .sla.first_response.elapsed 4200
	fail_if_errors
}

@test "fb-sla: reopen: a second resolution cycle with a full target; the late first cycle counts" {
	cat > in.ndjson <<'EOF'
{"id":"r1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"r1","event":"first_response","ts":"2026-11-20T08:30:00Z"}
{"type":"event","id":"r1","event":"resolved","ts":"2026-11-21T09:00:00Z"}
{"type":"event","id":"r1","event":"reopened","ts":"2026-11-21T10:00:00Z"}
EOF
	# cycle 1: 08:00 -> 11-21 09:00 = 25h > 24h: late.  Reopened 11-21
	# 10:00: cycle 2 due 10:00 + 24h = 11-22 10:00Z; at 11:00 1h counted
	# (3600), 23h left: ok.  Total 25h + 1h = 26h = 93600 s.
	sla -p "$BASIC" --now 2026-11-21T11:00:00Z in.ndjson
	want r1 .sla.resolution '{"state":"ok","target":86400,"elapsed":3600,"due":"2026-11-22T10:00:00Z","cycles":2,"late":1,"total":93600}'
	want r1 .sla.resolution_due 2026-11-22T10:00:00Z
	want r1 .sla.open true
	# answered at 30m: met; the item's state is its worst clock: ok
	want r1 .sla.first_response.state met
	want r1 .sla.state ok
	fail_if_errors
	# before the reopening: resolved late, not open
	sla -p "$BASIC" --now 2026-11-21T09:30:00Z in.ndjson
	want r1 .sla.resolution '{"state":"breached","target":86400,"elapsed":90000,"due":"2026-11-21T08:00:00Z","stopped":"2026-11-21T09:00:00Z","cycles":1,"late":1}'
	want r1 .sla.open false
	fail_if_errors
}

@test "fb-sla: --explain shows every span (running, paused, running, stopped, running) and the time not counted" {
	cat > in.ndjson <<'EOF'
{"id":"x1","ts":"2026-11-20T16:00:00+08:00","category":"fr4h"}
{"type":"event","id":"x1","event":"assigned","ts":"2026-11-20T16:05:00+08:00"}
{"type":"event","id":"x1","event":"pending","ts":"2026-11-23T09:30:00+08:00"}
{"type":"event","id":"x1","event":"resumed","ts":"2026-11-23T10:00:00+08:00"}
{"type":"event","id":"x1","event":"first_response","ts":"2026-11-23T10:30:00+08:00"}
{"type":"event","id":"x1","event":"resolved","ts":"2026-11-23T11:00:00+08:00"}
{"type":"event","id":"x1","event":"reopened","ts":"2026-11-23T11:30:00+08:00"}
{"id":"other","ts":"2026-11-20T16:00:00+08:00","category":"fr4h"}
EOF
	sla -p "$FIX/cn.conf" --now 2026-11-23T14:30:00+08:00 --tz Asia/Shanghai --explain x1 in.ndjson
	# Spans on cn-office (mon-fri 09:00-12:00 13:30-18:00):
	#  running Fri 16:00 -> Mon 09:30: Fri 2h + Mon 30m = 2h30m; not
	#    counted: Fri 18:00-24:00 (6h), the weekend (2d), Mon 00:00-09:00
	#  paused Mon 09:30 -> 10:00 (pending)
	#  running 10:00 -> 11:00 (resumed): 1h
	#  stopped 11:00 -> 11:30 (resolved)
	#  running 11:30 -> now 14:30 (reopened): 30m + 1h = 1h30m; lunch
	#    12:00-13:30 not counted
	local want_tl
	want_tl=$(cat <<'EOF'
timeline
 running 2026-11-20 16:00:00 +0800 -> 2026-11-23 09:30:00 +0800 since creation, counted 2h30m
 not counted 2026-11-20 18:00:00 +0800 -> 2026-11-21 00:00:00 +0800 outside working hours (6h)
 not counted 2026-11-21 00:00:00 +0800 -> 2026-11-23 00:00:00 +0800 weekend (2d)
 not counted 2026-11-23 00:00:00 +0800 -> 2026-11-23 09:00:00 +0800 outside working hours (9h)
 paused 2026-11-23 09:30:00 +0800 -> 2026-11-23 10:00:00 +0800 pending
 running 2026-11-23 10:00:00 +0800 -> 2026-11-23 11:00:00 +0800 resumed, counted 1h
 stopped 2026-11-23 11:00:00 +0800 -> 2026-11-23 11:30:00 +0800 resolved
 running 2026-11-23 11:30:00 +0800 -> 2026-11-23 14:30:00 +0800 reopened, counted 1h30m
 not counted 2026-11-23 12:00:00 +0800 -> 2026-11-23 13:30:00 +0800 outside working hours (1h30m)
EOF
)
	assert_equal "$(sed -n '/^timeline$/,/^$/p' out | sed '/^$/d' | tr -s ' ')" "$want_tl"
	# the events with their fate: assigned changes no clock
	grep -Eq '^ +2026-11-20 16:00:00 \+0800 +created$' out || errs+=("no creation line")
	grep -Eq '^ +2026-11-20 16:05:00 \+0800 +assigned +no effect$' out || errs+=("assigned is not 'no effect'")
	grep -Eq '^ +2026-11-23 09:30:00 \+0800 +pending$' out || errs+=("no applied pending line")
	# first response: 2h30m + 30m (10:00-10:30) = 3h of 4h, met; due
	# had it run on from its stop: 1h more from 10:30 = 11:30.
	# resolution cycle 2: 1h30m counted, 14h30m left from 14:30: Mon
	# 14:30-18:00 3h30m (11h left), Tue 3h + 4h30m (3h30m left), Wed
	# 09:00-12:00 (30m left), 13:30-14:00: Wed 2026-11-25 14:00
	grep -Eq '^ +first response +met +target 4h, counted 3h, due 2026-11-23 11:30:00 \+0800, stopped 2026-11-23 10:30:00 \+0800$' out ||
	    errs+=("first response line")
	grep -Eq '^ +resolution +ok +target 16h, counted 1h30m, due 2026-11-25 14:00:00 \+0800 \(cycle 2; 0 late\)$' out ||
	    errs+=("resolution line")
	grep -Eq '^ +next response +no target$' out || errs+=("next response line")
	grep -qx 'state ok, open' out || errs+=("state line")
	# only x1 is explained
	grep -q other out && errs+=("the other item is in the explanation")
	[[ ${#errs[@]} -eq 0 ]] || errs+=("explanation: $(cat out)")
	fail_if_errors
}

#---- Items and their fields

@test "fb-sla: items with no events, an item with no policy, and first_response_at/resolved_at as events" {
	cat > fields.ndjson <<'EOF'
{"id":"f1","ts":"2026-11-20T08:00:00Z","priority":"P1","first_response_at":"2026-11-20T08:40:00Z","resolved_at":"2026-11-20T12:00:00Z"}
{"id":"f2","ts":"2026-11-20T08:00:00Z","priority":"P2","first_response_at":null,"resolved_at":null}
{"id":"f3","ts":"2026-11-20T08:00:00Z","priority":"P3"}
EOF
	cat > events.ndjson <<'EOF'
{"id":"f1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"f1","event":"first_response","ts":"2026-11-20T08:40:00Z"}
{"type":"event","id":"f1","event":"resolved","ts":"2026-11-20T12:00:00Z"}
{"id":"f2","ts":"2026-11-20T08:00:00Z","priority":"P2"}
{"id":"f3","ts":"2026-11-20T08:00:00Z","priority":"P3"}
EOF
	sla -p "$BASIC" --now 2026-11-20T13:00:00Z fields.ndjson
	mv out fields.out
	sla -p "$BASIC" --now 2026-11-20T13:00:00Z events.ndjson
	# the same clocks from the fields as from the events
	assert_equal "$(jq -c 'select(.type == null) | .sla' fields.out)" \
	    "$(jq -c 'select(.type == null) | .sla' out)"
	# f1: answered after 40m (2400 s, met), resolved after 4h (14400 s,
	# met), not open, so no update is owed
	want f1 .sla.state met fields.out
	want f1 .sla.open false fields.out
	want f1 .sla.update met fields.out
	want f1 .sla.first_response '{"state":"met","target":3600,"elapsed":2400,"due":"2026-11-20T09:00:00Z","stopped":"2026-11-20T08:40:00Z"}' fields.out
	want f1 .sla.resolution '{"state":"met","target":86400,"elapsed":14400,"due":"2026-11-21T08:00:00Z","stopped":"2026-11-20T12:00:00Z","cycles":1,"late":0}' fields.out
	# f2, null fields, no events: 5h without an answer, 2h target
	want f2 .sla.first_response '{"state":"breached","target":7200,"elapsed":18000,"due":"2026-11-20T10:00:00Z"}' fields.out
	want f2 .sla.resolution '{"state":"ok","target":172800,"elapsed":18000,"due":"2026-11-22T08:00:00Z","cycles":1,"late":0}' fields.out
	# f3 (P3): basic.conf has no policy for it
	want f3 .sla '{"policy":null,"state":"none","as_of":"2026-11-20T13:00:00Z"}' fields.out
	fail_if_errors

	# as of creation, and before it ("now" is then taken as creation):
	# nothing counted, everything due a full target ahead
	local now
	for now in 2026-11-20T08:00:00Z 2026-11-19T00:00:00Z; do
		sla -p "$BASIC" --now "$now" events.ndjson
		want f2 .sla.state ok
		want f2 .sla.first_response '{"state":"ok","target":7200,"elapsed":0,"due":"2026-11-20T10:00:00Z"}'
		want f2 .sla.resolution_due 2026-11-22T08:00:00Z
		# f1's events are after "now": left out
		want f1 .sla.first_response.elapsed 0
		want f1 .sla.open true
	done
	fail_if_errors
}

#---- Events in disorder, unknown, repeated, bad

@test "fb-sla: events out of order give the same items, a warning and exit 0" {
	# the reference: summary.ndjson in time order
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z "$FIX/summary.ndjson"
	jq -c 'select(.type == null)' out | sort > want.items
	assert_equal "$(lines want.items)" 8

	# reversed: every item's events come latest first.  An event counts
	# as late when an event of its item with a later ts came before it:
	# all but the first seen of each item: s1 3-1, s2 7-1, s3 1-1, s5
	# 4-1, s7 5-1, s8 2-1 = 2+6+0+3+4+1 = 16.  The item lines come after
	# their events (and their "closed"), so nothing closes early.
	tac "$FIX/summary.ndjson" > rev.ndjson
	run -0 --separate-stderr to_file rev.out fb-sla -p "$BASIC" --now 2026-11-24T00:00:00Z rev.ndjson
	assert_equal "$stderr" "fb-sla: warning: 16 events came later than events after them; clocks follow the events' times, not their order"
	jq -c 'select(.type == null)' rev.out | sort > got.items
	cmp want.items got.items || fail "reversed: $(diff want.items got.items)"
	# every event line still comes out, as it came
	assert_equal "$(grep -c '"type":"event"' rev.out)" 22

	# shuffled, without the closed events (see the next test): the
	# same items as the ordered stream without them
	grep -v '"event":"closed"' "$FIX/summary.ndjson" > open.ndjson
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z open.ndjson
	jq -c 'select(.type == null)' out | sort > want.items
	local seed
	for seed in 1 2 3 4 5; do
		shuf --random-source=<(yes "$seed") open.ndjson > shuf.ndjson
		run -0 --separate-stderr to_file shuf.out fb-sla -p "$BASIC" --lateness inf --now 2026-11-24T00:00:00Z shuf.ndjson
		[[ $stderr =~ ^fb-sla:\ warning:\ [0-9]+\ events\ came\ later\ than\ events\ after\ them ]] ||
		    errs+=("seed $seed: stderr '$stderr'")
		jq -c 'select(.type == null)' shuf.out | sort > got.items
		cmp -s want.items got.items || errs+=("seed $seed: $(diff want.items got.items)")
	done
	fail_if_errors
}

@test "fb-sla: a full shuffle, closed events included, gives the same items with --lateness inf" {
	# a closed item waits --lateness (1d) of stream time for late events;
	# a shuffle can put them any distance away, so hold every item
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z "$FIX/summary.ndjson"
	jq -c 'select(.type == null)' out | sort > want.items
	local seed
	for seed in 1 2 3; do
		shuf --random-source=<(yes "$seed") "$FIX/summary.ndjson" > shuf.ndjson
		run -0 --separate-stderr to_file shuf.out fb-sla -p "$BASIC" --lateness inf --now 2026-11-24T00:00:00Z shuf.ndjson
		jq -c 'select(.type == null)' shuf.out | sort > got.items
		cmp -s want.items got.items || errs+=("seed $seed: $(diff want.items got.items)")
	done
	fail_if_errors
}

@test "fb-sla: events for unknown ids: a warning with a count and an id, exit 0, the events pass through" {
	cat > in.ndjson <<'EOF'
{"id":"k1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"ghost","event":"first_response","ts":"2026-11-20T08:20:00Z"}
{"type":"event","id":"k1","event":"first_response","ts":"2026-11-20T08:20:00Z"}
{"type":"event","id":"ghost","event":"resolved","ts":"2026-11-20T09:20:00Z"}
EOF
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --now 2026-11-20T10:00:00Z in.ndjson
	# two events of one item that is not in the input
	assert_equal "$stderr" "fb-sla: warning: 2 events for 1 items not in the input were not counted (e.g. 'ghost'); read further back to include their items"
	assert_equal "$(grep -c '"id":"ghost"' out)" 2
	assert_equal "$(grep '"type":"event"' out)" "$(grep '"type":"event"' in.ndjson)"
	want k1 .sla.first_response.state met
	fail_if_errors
}

@test "fb-sla: a repeated event is ignored: ignored 1 in sla, a warning, exit 0" {
	cat > in.ndjson <<'EOF'
{"id":"d1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"d1","event":"first_response","ts":"2026-11-20T08:20:00Z"}
{"type":"event","id":"d1","event":"first_response","ts":"2026-11-20T08:20:00Z"}
EOF
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --now 2026-11-20T10:00:00Z in.ndjson
	assert_equal "$stderr" "fb-sla: warning: 1 repeated or out-of-place events changed nothing (e.g. in item 'd1'; see --explain)"
	want d1 .sla.ignored 1
	# answered once, after 20m
	want d1 .sla.first_response '{"state":"met","target":3600,"elapsed":1200,"due":"2026-11-20T09:00:00Z","stopped":"2026-11-20T08:20:00Z"}'
	fail_if_errors
	# otherwise the same as with one event
	sed 3d in.ndjson > once.ndjson
	run -0 --separate-stderr to_file once.out fb-sla -p "$BASIC" --now 2026-11-20T10:00:00Z once.ndjson
	assert_equal "$stderr" ""
	assert_equal "$(get d1 '.sla | del(.ignored)')" "$(get d1 .sla once.out)"
	# --explain names the fate of the copy
	sla -p "$BASIC" --now 2026-11-20T10:00:00Z --explain d1 in.ndjson
	grep -Eq '^ +2026-11-20 08:20:00 \+0000 +first_response +duplicate: ignored$' out ||
	    fail "no duplicate line in: $(cat out)"
}

@test "fb-sla: bad events are rejected with FILE:LINE, exit 1, and go verbatim to --reject" {
	cat > bad.ndjson <<'EOF'
{"id":"b1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","event":"first_response","ts":"2026-11-20T08:10:00Z"}
{"type":"event","id":"b1","event":"answered","ts":"2026-11-20T08:10:00Z"}
{"type":"event","id":"b1","event":"first_response","ts":"yesterday"}
{"type":"event","id":"b1","event":"first_response","ts":"2026-13-45T99:00:00Z"}
{"type":"event","id":"b1","event":"first_response","ts":"2026-11-20T08:20:00Z"}
EOF
	# no id; an unknown event name; a ts that is no time; a ts out of range
	printf '%s\t%s\t%s\n' \
	    2 re '.*(id|item).*' \
	    3 re "unknown event 'answered'.*" \
	    4 re '.*(ts|time).*' \
	    5 re '.*(ts|time).*' > bad.diag
	run -1 --separate-stderr to_file out fb-sla -p "$BASIC" --now 2026-11-20T10:00:00Z --reject rej.ndjson bad.ndjson
	check_diags fb-sla bad.ndjson bad.diag
	assert_equal "$(cat rej.ndjson)" "$(sed -n 2,5p bad.ndjson)"
	# the good lines still count: answered after 20m
	want b1 .sla.first_response.elapsed 1200
	assert_equal "$(grep -c '"type":"event"' out)" 1
	fail_if_errors
}

@test "fb-sla: closing is final: a reopened event after closed is ignored" {
	cat > in.ndjson <<'EOF'
{"id":"c1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"id":"c2","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"c1","event":"first_response","ts":"2026-11-20T08:30:00Z"}
{"type":"event","id":"c2","event":"first_response","ts":"2026-11-20T08:30:00Z"}
{"type":"event","id":"c2","event":"reopened","ts":"2026-11-20T12:00:00Z"}
{"type":"event","id":"c1","event":"resolved","ts":"2026-11-20T10:00:00Z"}
{"type":"event","id":"c2","event":"resolved","ts":"2026-11-20T10:00:00Z"}
{"type":"event","id":"c1","event":"closed","ts":"2026-11-20T11:00:00Z"}
{"type":"event","id":"c2","event":"closed","ts":"2026-11-20T11:00:00Z"}
{"type":"event","id":"c1","event":"reopened","ts":"2026-11-20T12:00:00Z"}
{"type":"event","id":"c1","event":"csat","ts":"2026-11-20T12:30:00Z"}
EOF
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --now 2026-11-21T00:00:00Z in.ndjson
	# Both: answered at 30m (met), resolved at 10:00 after 2h (met),
	# closed 11:00; the reopening at 12:00 comes after the close.
	# c1's reopened line comes an hour after c1 closed, well within the
	# day a closed item waits for late events (--lateness): the clock
	# ignores it (its csat after the close is normal).  c2's reopened
	# line came first but is later than c2's close: ignored too.  c2's
	# resolved and closed are earlier than its reopened, read after
	# it: 2 events out of order.
	local id
	for id in c1 c2; do
		want $id .sla.open false
		want $id .sla.state met
		want $id .sla.resolution '{"state":"met","target":86400,"elapsed":7200,"due":"2026-11-21T08:00:00Z","stopped":"2026-11-20T10:00:00Z","cycles":1,"late":0}'
	done
	want c1 .sla.ignored 1
	want c2 .sla.ignored 1
	fail_if_errors
	assert_equal "$stderr" "fb-sla: warning: 2 repeated or out-of-place events changed nothing (e.g. in item 'c1'; see --explain)
fb-sla: warning: 2 events came later than events after them; clocks follow the events' times, not their order"
	# with no time to wait, c1 is counted at its close, and its reopened
	# line, read after, is late: still ignored, and said so
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --lateness 0s --now 2026-11-21T00:00:00Z in.ndjson
	want c1 '.sla.ignored // 0' 0
	want c1 .sla.state met
	want c2 .sla.ignored 1
	fail_if_errors
	[[ $stderr == *"1 events came after their item had closed and been counted; closing is final"* ]] ||
	    fail "no word of the late event: $stderr"
	# every event line comes out
	assert_equal "$(grep -c '"type":"event"' out)" 9
	sla -p "$BASIC" --now 2026-11-21T00:00:00Z --explain c2 in.ndjson
	grep -Eq '^ +2026-11-20 12:00:00 \+0000 +reopened +out of place: ignored$' out ||
	    fail "no ignored reopening in: $(cat out)"
	grep -qx 'state met, not open; some events ignored' out || fail "state line: $(cat out)"
}

#---- What-if

@test "fb-sla: what-if: a stricter policy changes the states it must and nothing else" {
	# strict.conf cuts P1's first response from 1h to 15m (900 s):
	#  s1 answered after 30m: met -> breached, due 00:15Z; its state
	#     (met: first response met, resolution met) becomes breached
	#  s7 answered after 20m: met -> breached (state already breached)
	#  s3 answered after 10m: met either way; s2 after 2h: breached
	#     either way
	#  P2 items (s4 s5 s8) and s6 (no policy): not touched
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z "$FIX/summary.ndjson"
	mv out basic.out
	sla -p "$FIX/strict.conf" --now 2026-11-24T00:00:00Z "$FIX/summary.ndjson"
	mv out strict.out
	assert_equal "$(jq -c 'del(.sla)' strict.out)" "$(jq -c 'del(.sla)' basic.out)"
	local id
	for id in s4 s5 s6 s8; do
		[[ $(get $id .sla strict.out) == "$(get $id .sla basic.out)" ]] ||
		    errs+=("$id: sla changed")
	done
	for id in s1 s2 s3 s7; do
		[[ $(get $id '.sla | del(.first_response, .first_response_due, .state)' strict.out) == \
		    "$(get $id '.sla | del(.first_response, .first_response_due, .state)' basic.out)" ]] ||
		    errs+=("$id: more than the first response changed")
		want $id .sla.first_response.target 3600 basic.out
		want $id .sla.first_response.target 900 strict.out
	done
	want s1 '[.sla.state, .sla.first_response.state, .sla.first_response_due] | join(" ")' \
	    "met met 2026-11-20T01:00:00Z" basic.out
	want s1 '[.sla.state, .sla.first_response.state, .sla.first_response_due] | join(" ")' \
	    "breached breached 2026-11-20T00:15:00Z" strict.out
	want s7 '[.sla.state, .sla.first_response.state] | join(" ")' "breached met" basic.out
	want s7 '[.sla.state, .sla.first_response.state] | join(" ")' "breached breached" strict.out
	want s3 .sla.first_response.state met strict.out
	want s3 .sla.first_response_due 2026-11-21T00:15:00Z strict.out
	want s2 .sla.first_response.state breached strict.out
	fail_if_errors
}

#---- Summary

# The hand computation for summary.ndjson as of 2026-11-24T00:00Z
# (basic.conf: P1 1h/1h/24h, P2 2h/2h/48h, update after 48h):
#
#  item prio ch    queue  first response   resolution (total)       open
#  s1   P1   app   q-a    30m   met        10h met (closed)          no
#  s2   P1   app   q-a    2h    breached   26h breached (closed)     no
#  s3   P1   email q-b    10m   met        72h running: breached     yes
#  s4   P2   email q-b    none, 1h running: ok; resolution ok        yes
#  s5   P2   app   -      1h    met        2h + 26h = 28h met        no
#  s6   P3   app   -      no policy
#  s7   P1   app   q-a    20m   met        5h met, reopened, 26h     no
#                                          breached: latest breached,
#                                          total 31h (closed)
#  s8   P2   email q-b    30m   met        paused (pending): ok      yes
#
#  s2's replies: 03:00 answered 03:30 (met), 05:00 answered 07:00 (2h >
#  1h: late): next response cycles 2, late 1.
#  s5: pending 11-20 08:00 to 11-21 08:00; resolved 11-22 10:00, 52h
#  after creation; s7 resolved for good 11-23 08:00, 32h after creation.
@test "fb-sla: --summary: every figure of a small set, worked out by hand" {
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary "$FIX/summary.ndjson"
	# one line for all, then by policy, priority, channel, queue; keys
	# sorted, items lacking the field (null) last
	assert_equal "$(jq -r '.by + ":" + (.key // "null")' out | paste -sd ' ')" \
	    "all:all policy:P1 policy:P2 policy:null priority:P1 priority:P2 priority:P3 channel:app channel:email queue:q-a queue:q-b queue:null"
	jq -c 'select(.by == "all")' out > all.json

	# items 8, no policy 1 (s6), open 3 (s3 s4 s8), pending 1 (s8)
	assert_equal "$(jq -c '[.type, .as_of, .items, .no_policy, .open, .pending]' all.json)" \
	    '["sla_summary","2026-11-24T00:00:00Z",8,1,3,1]'
	# first response: met s1 s3 s5 s7 s8 = 5, breached s2 = 1, running s4
	# = 1; rate 5/6 = 0.8333.  Answer times 1800 7200 600 3600 1200 1800
	# (6 answered): mean 16200/6 = 2700; sorted 600 1200 1800 1800 3600
	# 7200: median (rank ceil(3)) 1800, p90 (rank ceil(5.4) = 6) 7200
	assert_equal "$(jq -c '.first_response | [.met, .breached, .running, .rate, .mean, .answered]' all.json)" \
	    '[5,1,1,0.8333,2700,6]'
	near "all first_response.median" "$(jq .first_response.median all.json)" 1800
	near "all first_response.p90" "$(jq .first_response.p90 all.json)" 7200
	# next response: 2 cycles, 1 late, rate (2-1)/2
	assert_equal "$(jq -c .next_response all.json)" '{"cycles":2,"late":1,"rate":0.5}'
	# resolution: met s1 s5 = 2, breached s2 s3 s7 = 3, running s4 s8 =
	# 2; rate 2/5 = 0.4.  Times of the items no longer open: s1 36000, s2
	# 93600, s5 100800, s7 31h = 111600: mean 342000/4 = 85500; median
	# (rank 2) 93600; p90 (rank ceil(3.6) = 4) 111600
	assert_equal "$(jq -c '.resolution | [.met, .breached, .running, .rate, .mean, .answered]' all.json)" \
	    '[2,3,2,0.4,85500,4]'
	near "all resolution.median" "$(jq .resolution.median all.json)" 93600
	near "all resolution.p90" "$(jq .resolution.p90 all.json)" 111600
	# closed within 48h (172800 s): eligible are the items no longer
	# open (s1 s2 s5 s7) and those open 48h or more (s3; not s4 1h, s8
	# 12h) = 5; closed in time s1 10h, s2 26h, s7 32h = 3 (s5 took 52h):
	# rate 0.6
	assert_equal "$(jq -c .closed_within all.json)" '{"window":172800,"eligible":5,"closed":3,"rate":0.6}'
	# closed loop: answered and no longer open: s1 s2 s5 s7 = 4 of the 7
	# with a policy: 0.5714.  Update due: open past 48h with no answer
	# since: s3 (due 11-23 00:00) = 1
	assert_equal "$(jq -c '[.closed_loop, .update_due]' all.json)" '[{"count":4,"rate":0.5714},1]'
	fail_if_errors

	# policy P2 (s4 s5 s8): answered s5 3600, s8 1800: mean 2700, median
	# (rank 1) 1800, p90 (rank 2) 3600; resolution one time, s5's
	# 100800, which comes back exactly; closed within: s5 only, late;
	# closed loop s5 = 1/3
	assert_equal "$(jq -c 'select(.by == "policy" and .key == "P2") | [.items, .no_policy, .open, .pending, .first_response, .next_response, .resolution, .closed_within, .closed_loop, .update_due]' out)" \
	    '[3,0,2,1,{"met":2,"breached":0,"running":1,"rate":1,"mean":2700,"median":1800,"p90":3600,"answered":2},{"cycles":0,"late":0,"rate":null},{"met":1,"breached":0,"running":2,"rate":1,"mean":100800,"median":100800,"p90":100800,"answered":1},{"window":172800,"eligible":1,"closed":0,"rate":0},{"count":1,"rate":0.3333},0]'
	# policy P1 (s1 s2 s3 s7): first response 3 met, 1 breached: 0.75;
	# times 1800 7200 600 1200: mean 2700, median (rank 2) 1200, p90
	# (rank 4) 7200.  Resolution: s1 met; s2 s3 s7 breached: 0.25; times
	# 36000 93600 111600: mean 80400, median 93600, p90 111600.  Closed
	# within: s1 s2 s3 s7 eligible, s1 s2 s7 in time: 0.75; loop 3/4
	jq -c 'select(.by == "policy" and .key == "P1")' out > p1.json
	assert_equal "$(jq -c '[.items, .open, .first_response.met, .first_response.breached, .first_response.rate, .first_response.mean, .first_response.p90, .resolution.met, .resolution.breached, .resolution.rate, .resolution.mean, .resolution.p90, .closed_within.eligible, .closed_within.closed, .closed_loop.count, .update_due]' p1.json)" \
	    '[4,1,3,1,0.75,2700,7200,1,3,0.25,80400,111600,4,3,3,1]'
	near "P1 first_response.median" "$(jq .first_response.median p1.json)" 1200
	near "P1 resolution.median" "$(jq .resolution.median p1.json)" 93600
	# the items without a policy have no rates: policy null is s6 alone
	assert_equal "$(jq -c 'select(.by == "policy" and .key == null) | [.items, .no_policy, .first_response.rate, .resolution.mean, .closed_within.rate, .closed_loop.rate]' out)" \
	    '[1,1,null,null,null,null]'
	# queue null (s5 s6): the closed loop counts over items with a
	# policy: s5 of 1
	assert_equal "$(jq -c 'select(.by == "queue" and .key == null) | [.items, .no_policy, .closed_loop]' out)" \
	    '[2,1,{"count":1,"rate":1}]'
	fail_if_errors

	# --by channel: all, then app (s1 s2 s5 s6 s7) and email (s3 s4 s8)
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary --by channel "$FIX/summary.ndjson"
	assert_equal "$(jq -c '[.key, .items, .open]' out | paste -sd ' ')" '["all",8,3] ["app",5,0] ["email",3,3]'

	# --format text: the same figures as percentages
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary --format text "$FIX/summary.ndjson"
	grep -q '^as of 2026-11-24 00:00:00' out || fail "no 'as of' line: $(cat out)"
	local row pct
	row=$(grep -E '^all +all ' out) || fail "no 'all' row: $(cat out)"
	# answered 5/6, resolved 2/5, closed in time 3/5, closed loop 4/7
	for pct in 83.3% 40.0% 60.0% 57.1%; do
		[[ $row == *" $pct"* ]] || errs+=("the all row lacks $pct: $row")
	done
	fail_if_errors
}

@test "fb-sla: --partial over contiguous blocks, merged, is the single run byte for byte; so are merged pairs" {
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary "$FIX/summary.ndjson"
	mv out single.out
	# four blocks of 7, 8, 8 and 7 lines: s7's item and its last events,
	# s5's and s2's item and later events fall in different blocks
	split -n l/4 -d "$FIX/summary.ndjson" blk
	local f
	for f in blk00 blk01 blk02 blk03; do
		sla -p "$BASIC" --now 2026-11-24T00:00:00Z --lateness inf --summary --partial "$f"
		mv out "$f.part"
	done
	assert_equal "$(head -1 blk00.part | jq -r .type)" sla_partial
	sla -p "$BASIC" --merge blk00.part blk01.part blk02.part blk03.part
	cmp out single.out || fail "merged: $(diff out single.out)"
	# in another order
	sla -p "$BASIC" --merge blk03.part blk02.part blk01.part blk00.part
	cmp out single.out || fail "merged backwards: $(diff out single.out)"
	# two pairs merged into states, then those merged
	sla -p "$BASIC" --merge --partial blk00.part blk01.part
	mv out p01
	sla -p "$BASIC" --merge --partial blk02.part blk03.part
	mv out p23
	assert_equal "$(head -1 p01 | jq -r .type)" sla_partial
	sla -p "$BASIC" --merge p01 p23
	cmp out single.out || fail "merged pairs: $(diff out single.out)"
}

@test "fb-sla: --partial --lateness inf over round-robin shards, merged, is the single run byte for byte" {
	# a round-robin shard can hold an item and its close without the
	# answers in between: it must keep every item for the merge to join
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary "$FIX/summary.ndjson"
	mv out single.out
	awk '{ print > ("rr" (NR % 4)) }' "$FIX/summary.ndjson"
	local f
	for f in rr0 rr1 rr2 rr3; do
		sla -p "$BASIC" --now 2026-11-24T00:00:00Z --lateness inf --summary --partial "$f"
		mv out "$f.part"
	done
	sla -p "$BASIC" --merge rr0.part rr1.part rr2.part rr3.part
	cmp out single.out || fail "merged: $(diff out single.out)"
	sla -p "$BASIC" --merge --partial rr0.part rr1.part
	mv out p01
	sla -p "$BASIC" --merge --partial rr2.part rr3.part
	mv out p23
	sla -p "$BASIC" --merge p01 p23
	cmp out single.out || fail "merged pairs: $(diff out single.out)"
}

@test "fb-sla: --merge gives the same summary whatever the order of its files" {
	# x P1 created 00:00, answered 00:30 (met, in C), resolved 02:00 and
	# closed 03:00 (in B): first response met 1, closed loop 1
	echo '{"id":"x","ts":"2026-11-20T00:00:00Z","priority":"P1"}' > A
	{ event x resolved 2026-11-20T02:00:00Z; event x closed 2026-11-20T03:00:00Z; } > B
	event x first_response 2026-11-20T00:30:00Z > C
	local f
	for f in A B C; do
		sla -p "$BASIC" --now 2026-11-20T12:00:00Z --summary --partial --by policy "$f"
		mv out "$f.part"
	done
	for f in "A.part C.part B.part" "A.part B.part C.part" "B.part C.part A.part"; do
		# shellcheck disable=SC2086
		sla -p "$BASIC" --merge $f
		assert_equal "$(head -1 out | jq -c '[.first_response.met, .first_response.breached, .closed_loop.count]')" '[1,0,1]'
	done
}

@test "fb-sla: partial states of another --now do not merge: exit 2" {
	head -3 "$FIX/summary.ndjson" > a.ndjson
	tail -3 "$FIX/summary.ndjson" > b.ndjson
	sla -p "$BASIC" --now 2026-11-24T00:00:00Z --summary --partial a.ndjson
	mv out a.part
	sla -p "$BASIC" --now 2026-11-25T00:00:00Z --summary --partial b.ndjson
	mv out b.part
	run -2 --separate-stderr fb-sla -p "$BASIC" --merge a.part b.part
	assert_equal "$output" ""
	[[ $stderr == "fb-sla: b.part:1: "*--now* ]] || fail "stderr: $stderr"
	# nor one of another --now than the merge's own
	run -2 --separate-stderr fb-sla -p "$BASIC" --merge --now 2026-11-25T00:00:00Z a.part
	[[ $stderr == "fb-sla: a.part:1: "* ]] || fail "stderr: $stderr"
}

@test "fb-sla: --merge of input with no partial state writes no summary" {
	run --separate-stderr fb-sla -p "$BASIC" --merge "$FIX/summary.ndjson"
	((status != 0)) || fail "exit 0"
	assert_equal "$output" ""
}

#---- Usage

@test "fb-sla: usage errors exit 2 with a message" {
	local -a cases=(
		"--breaches --summary|do not go together"
		"--summary --explain s1|do not go together"
		"--partial|--partial goes with --summary or --merge"
		"--summary --by bogus|--by: unknown field 'bogus'"
		"--summary --format xml|--format: json or text, not 'xml'"
		"--format text|--by and --format go with --summary or --merge"
		"--summary --partial --format text|not text"
	)
	local c args msg
	for c in "${cases[@]}"; do
		args=${c%%|*}
		msg=${c#*|}
		# shellcheck disable=SC2086
		run --separate-stderr fb-sla -p "$BASIC" $args < /dev/null
		((status == 2)) || errs+=("$args: exit $status, want 2")
		[[ -z $output ]] || errs+=("$args: stdout: $output")
		[[ $stderr == "fb-sla: "*"$msg"* ]] || errs+=("$args: stderr '$stderr', want '$msg'")
	done
	fail_if_errors
}

# bad_policy LINE REGEX: fb-sla -p p.conf exits 2, nothing on stdout, and
# stderr is "fb-sla: p.conf:LINE: " and a message matching REGEX.
bad_policy() {
	run -2 --separate-stderr fb-sla -p p.conf < /dev/null
	assert_equal "$output" ""
	[[ $stderr =~ ^fb-sla:\ p\.conf:$1:\ ($2)$ ]] ||
	    fail "want 'fb-sla: p.conf:$1: /$2/', got '$stderr'"
}

@test "fb-sla: a bad policy file: FILE:LINE: message, exit 2" {
	printf 'policy A\n    first-response 1h\n    bogus 2\n' > p.conf
	bad_policy 3 ".*unknown keyword 'bogus'.*"
	printf '# a comment\npolicy A\n    first-response 1x\n' > p.conf
	bad_policy 3 ".*'1x'.*"
	printf 'policy A\n    first-response 1h\n    calendar nope\n' > p.conf
	bad_policy 3 ".*unknown calendar 'nope'.*"
	printf 'policy A\n    when priority P1\npolicy B\n    first-response 1h\n' > p.conf
	bad_policy 1 ".*sets no target.*"
	printf 'policy A\n    first-response 1h\npolicy A\n    resolution 1h\n' > p.conf
	bad_policy 3 ".*duplicate policy name 'A'.*"
	printf 'policy A\n    first-response 1h\n    first-response 2h\n' > p.conf
	bad_policy 3 ".*twice.*"
	printf 'first-response 1h\n' > p.conf
	bad_policy 1 ".*outside a policy.*"
	printf 'calendar c Asia/Shanghai\n    hours mon-fri 09:00-18:00\n    ics missing.ics\npolicy A\n    first-response 1h\n' > p.conf
	bad_policy 3 ".*missing\.ics.*"
	printf '# nothing\n' > p.conf
	bad_policy 1 ".*no policy.*"
}

@test "fb-sla: --help exits 0 and names every option" {
	run -0 --separate-stderr fb-sla --help
	assert_equal "$stderr" ""
	local opt
	for opt in $(fb-sla --list-options); do
		# fb(7) describes these; --help shows their short forms
		[[ $opt == --@(help|version|quiet|verbose|unbuffered) ]] && continue
		grep -qE -- "(^| )$opt( |,|$)" <<< "$output" || errs+=("--help does not mention $opt")
	done
	[[ ${output%%$'\n'*} == "usage: fb-sla "* ]] || errs+=("first line: ${output%%$'\n'*}")
	fail_if_errors
}

@test "fb-sla: the man page documents every option" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	[[ -f $FB_ROOT/share/man/man1/fb-sla.1 ]] ||
	    skip "share/man/man1/fb-sla.1 does not exist yet (being written)"
	# shellcheck disable=SC2034 # man_lacks_options sets it
	local man
	man_lacks_options fb-sla
	fail_if_errors
}

#---- With fb-gen

@test "fb-sla: fb-gen records and their events: every item gets an sla, some are breached" {
	local dir
	dir=$(dirname "$(command -v fb-sla)")
	[[ -f $dir/../share/fb/sla.conf ]] || export FB_DATADIR=$FB_ROOT/share/fb
	run -0 --separate-stderr to_file records.ndjson fb-gen -n 300 -f record
	# the shipped policy, whose catch-all covers items without a priority
	sla --now 2026-10-31T00:00:00Z records.ndjson
	assert_equal "$(lines out)" 300
	assert_equal "$(jq -c 'select(.sla == null)' out | wc -l)" 0
	assert_equal "$(jq -r '.sla.policy // "none"' out | sort -u | paste -sd ' ')" default

	fb-gen --list-options | grep -qx -- --events || skip "fb-gen --events is not there yet"
	run -0 --separate-stderr to_file events.ndjson fb-gen --events --now 2026-10-31T00:00:00Z records.ndjson
	local n
	n=$(lines events.ndjson)
	((n > 300)) || fail "fb-gen --events wrote $n lines"
	sla --now 2026-10-31T00:00:00Z events.ndjson
	# every line comes out: the items with sla, the events as they were
	assert_equal "$(lines out)" "$n"
	assert_equal "$(jq -c 'select(.type == null and .sla == null)' out | wc -l)" 0
	assert_equal "$(grep '"type":"event"' out)" "$(grep '"type":"event"' events.ndjson)"
	(($(jq -c 'select(.sla.state == "breached")' out | wc -l) > 0)) || fail "no breached item"
	sla --now 2026-10-31T00:00:00Z --breaches events.ndjson
	(($(jq -c 'select(.kind == "sla_breach")' out | wc -l) > 0)) || fail "no sla_breach alert"
	assert_equal "$(jq -r .type out | sort -u)" alert
	sla --now 2026-10-31T00:00:00Z --summary --by policy events.ndjson
	assert_equal "$(head -1 out | jq .items)" 300
}

#---- Memory

# gen_closing N CLOSE: N P1 items, each followed by its first response
# (+1m), resolution (+2m) and, when CLOSE is 1, its close (+3m); two items
# a second from 2026-11-20T00:00:00Z.  A closed item waits --lateness of
# stream time for late events: 1h here holds 7,200 items, not the 172,800
# of the default day.
gen_closing() {
	awk -v n="$1" -v closing="$2" '
	function iso(s) {
		return sprintf("2026-11-%02dT%02d:%02d:%02dZ", 20 + int(s / 86400),
		    int(s % 86400 / 3600), int(s % 3600 / 60), s % 60)
	}
	BEGIN {
		for (i = 0; i < n; i++) {
			s = int(i / 2)
			printf "{\"id\":\"m%d\",\"ts\":\"%s\",\"priority\":\"P1\"}\n", i, iso(s)
			printf "{\"type\":\"event\",\"id\":\"m%d\",\"event\":\"first_response\",\"ts\":\"%s\"}\n", i, iso(s + 60)
			printf "{\"type\":\"event\",\"id\":\"m%d\",\"event\":\"resolved\",\"ts\":\"%s\"}\n", i, iso(s + 120)
			if (closing)
				printf "{\"type\":\"event\",\"id\":\"m%d\",\"event\":\"closed\",\"ts\":\"%s\"}\n", i, iso(s + 180)
		}
	}'
}

@test "fb-sla: memory: the summary of items that all close holds only the open ones" {
	[[ -z ${FB_TEST_VALGRIND:-} ]] || skip "valgrind: peak RSS would be valgrind's"
	[[ -n ${FB_TEST_SANITIZE:-} ]] &&
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	gen_closing 20000 1 > small.ndjson
	gen_closing 200000 1 > big.ndjson
	gen_closing 100000 0 > open.ndjson
	local now=2026-12-01T00:00:00Z s b o
	/usr/bin/time -f %M -o rss.small fb-sla -p "$BASIC" --now $now --lateness 1h --summary --by policy small.ndjson > small.out
	/usr/bin/time -f %M -o rss.big fb-sla -p "$BASIC" --now $now --lateness 1h --summary --by policy big.ndjson > big.out
	/usr/bin/time -f %M -o rss.open fb-sla -p "$BASIC" --now $now --lateness 1h --summary --by policy open.ndjson > open.out
	# all answered after 1m and resolved after 2m: all met
	assert_equal "$(head -1 small.out | jq -c '[.items, .open, .first_response.met, .resolution.met, .closed_loop.count]')" '[20000,0,20000,20000,20000]'
	assert_equal "$(head -1 big.out | jq -c '[.items, .open, .first_response.met, .resolution.met, .closed_loop.count]')" '[200000,0,200000,200000,200000]'
	# resolved but never closed: all held to the end of the input
	assert_equal "$(head -1 open.out | jq -c '[.items, .open]')" '[100000,0]'
	s=$(tail -n 1 rss.small)
	b=$(tail -n 1 rss.big)
	o=$(tail -n 1 rss.open)
	echo "# fb-sla peak RSS: $s KB for 20000 closing items, $b KB for 200000, $o KB for 100000 never closed" >&3
	# Closed items are forgotten, but their ids are remembered in a ring
	# (RECENT_CLOSED in cmd/fb-sla.c: 131,072 ids of 24 bytes, 3 MB, and
	# a 4 MB id table, touched as they fill) so that a late event can be
	# told from an unknown one.  It is bounded whatever the count, so
	# 200,000 closing items may take those 7 MB (say 8) more than 20,000
	# and no more; 2 to 3 MB is usual.
	((b - s < 8 * 1024 + RSS_SLACK_KB)) ||
	    fail "peak RSS $b KB for 200000 closing items vs $s KB for 20000"
	# a run where nothing closes holds every item to the end: 100,000
	# of them take well over 20 MB more than 20,000 that close
	((o - s > 20 * 1024)) ||
	    fail "peak RSS $o KB for 100000 items never closed vs $s KB for 20000 closing ones: are they held?"
}

#---- Lateness, and completion

@test "fb-sla: an event read late, within --lateness, still counts; past it, it is reported" {
	# L1 P1 at 08:00, closed at 09:00; its first response (08:20) is
	# read after an item of 20:00 has moved the stream 11h past the
	# close: within the default day it counts (met at 20m); with
	# --lateness 1h, L1 is counted at the close and the answer is late.
	cat > in.ndjson <<'EOF2'
{"id":"L1","ts":"2026-11-20T08:00:00Z","priority":"P1"}
{"type":"event","id":"L1","event":"resolved","ts":"2026-11-20T08:50:00Z"}
{"type":"event","id":"L1","event":"closed","ts":"2026-11-20T09:00:00Z"}
{"id":"L2","ts":"2026-11-20T20:00:00Z","priority":"P1"}
{"type":"event","id":"L1","event":"first_response","ts":"2026-11-20T08:20:00Z"}
EOF2
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --summary --by policy --now 2026-11-21T00:00:00Z in.ndjson
	# L1 met (20m), L2 open and breached (4h with no answer > 1h)
	assert_equal "$(head -1 out | jq -c '[.first_response.met, .first_response.breached, .closed_loop.count]')" '[1,1,1]'
	run -0 --separate-stderr to_file out fb-sla -p "$BASIC" --lateness 1h --summary --by policy --now 2026-11-21T00:00:00Z in.ndjson
	# L1 is counted at 20:00 without its answer: resolved unanswered at
	# 50m, which stops its first response clock within the hour (met),
	# but no agent answered, so the loop is not closed
	assert_equal "$(head -1 out | jq -c '[.first_response.met, .first_response.breached, .closed_loop.count]')" '[1,1,0]'
	[[ $stderr == *"1 events came after their item had closed and been counted"* ]] ||
	    fail "the late answer is not reported: $stderr"
}

@test "bash completion: fb-sla's -s and -b are flags, -e and -w take values, --by fields, --format json or text" {
	mkdir c && cd c
	touch my.conf
	assert_equal "$(complete_bash fb-sla --br)" "--breaches"
	assert_equal "$(complete_bash fb-sla -p "")" "my.conf"
	assert_equal "$(complete_bash fb-sla --policy "")" "my.conf"
	assert_equal "$(complete_bash fb-sla --format "")" "json text"
	assert_equal "$(complete_bash fb-sla --by pri)" "priority"
	assert_equal "$(complete_bash fb-sla --by policy,ch)" "policy,channel"
	# -s takes no argument: the next word is a file again
	assert_equal "$(complete_bash fb-sla -s "")" "my.conf"
	assert_equal "$(complete_bash fb-sla --explain "")" ""
	assert_equal "$(complete_bash fb-sla --within "")" ""
}
