#!/usr/bin/env bats
# fb-notify.bats: alert records out by mail, webhook and chat line, each
# alert once within the window (fb-notify(1)).
#
# Mail goes to a fake sendmail on $FB_SENDMAIL that keeps each message and
# its arguments; webhooks go to a Python HTTP listener on 127.0.0.1 that
# writes each request as one JSON line.  Times come from --now.

load helper

setup() {
	common_setup
	cat > sendmail <<'EOF'
#!/bin/sh
# a fake sendmail: keeps its arguments and the message, numbered
n=$(($(cat count 2>/dev/null || echo 0) + 1))
echo "$n" > count
printf '%s\n' "$@" > "args.$n"
cat > "msg.$n"
exit "${FAKE_SENDMAIL_STATUS:-0}"
EOF
	chmod +x sendmail
	export FB_SENDMAIL=$PWD/sendmail
	NOW=2026-11-22T02:00:00Z
	ALERT='{"type":"alert","kind":"sla_breach","id":"sla:x1:first_response:1:breached","item":"x1","priority":"P1","queue":"vip","overdue":600}'
	listener_pid=
}

teardown() {
	if [[ -n $listener_pid ]]; then
		kill "$listener_pid" 2>/dev/null || true
		wait "$listener_pid" 2>/dev/null || true
	fi
}

# start_listener: an HTTP server on 127.0.0.1 (port in $PORT) that answers
# 200 and appends {"method","path","headers","body"} per request to
# 'requests'; a path starting /fail is answered 500.
start_listener() {
	cat > listener.py <<'EOF'
import http.server, json, sys

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with open("requests", "a", encoding="utf-8") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8")}) + "\n")
        self.send_response(500 if self.path.startswith("/fail") else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open("port.tmp", "w") as f:
    f.write(str(server.server_port))
import os
os.rename("port.tmp", "port")
server.serve_forever()
EOF
	python3 listener.py 3>&- &
	listener_pid=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s port ]] && break
		sleep 0.1
	done
	[[ -s port ]] || fail "the HTTP listener did not start"
	PORT=$(cat port)
}

# header MSG NAME: the value of header NAME of the mail in MSG, decoded.
header() {
	python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
print(m[sys.argv[2]] or "")' "$1" "$2"
}

@test "mail: sendmail -t -i gets To, Subject, Date, UTF-8 type and the fields in the body" {
	echo "$ALERT" > in
	run -0 --separate-stderr fb-notify -m ops@example.com -m lead@example.com \
	    --from fb@example.com --now "$NOW" in
	[[ -z $output ]]
	[[ $(cat count) == 1 ]]
	[[ $(cat args.1) == $'-t\n-i' ]]
	grep -qx 'To: ops@example.com,' msg.1
	grep -qx ' lead@example.com' msg.1
	grep -qx 'From: fb@example.com' msg.1
	grep -qx 'Subject: fb: \[P1\] sla_breach item x1 queue vip' msg.1
	grep -qx 'Date: Sun, 22 Nov 2026 02:00:00 +0000' msg.1
	grep -qx 'Content-Type: text/plain; charset=UTF-8' msg.1
	grep -qx 'item: x1' msg.1
	grep -qx 'overdue: 600' msg.1
	grep -qx 'id: sla:x1:first_response:1:breached' msg.1
}

@test "mail: a Chinese summary makes an RFC 2047 subject that decodes back" {
	printf '%s\n' '{"type":"alert","id":"a1","detector":"sku","severity":"high","summary":"SKU 8848 投诉激增：屏幕碎裂、电池鼓包、充电发烫，三小时内四十二条"}' > in
	run -0 fb-notify -m ops@example.com --now "$NOW" in
	subject=$(grep '^Subject:' msg.1)
	# the header itself is ASCII, in encoded words
	LC_ALL=C grep -q '[^ -~]' <<< "$subject" && fail "raw 8-bit subject: $subject"
	[[ $subject == *'=?UTF-8?B?'* ]]
	run -0 header msg.1 Subject
	assert_output 'fb: [high] sku: SKU 8848 投诉激增：屏幕碎裂、电池鼓包、充电发烫，三小时内四十二条'
	# every header line stays short
	sed '/^$/q' msg.1 | awk 'length > 78 { bad = 1 } END { exit bad }'
	grep -q '^summary: SKU 8848 投诉激增' msg.1
}

@test "mail: CR and LF in alert data never start a header of their own" {
	printf '%s\n' '{"type":"alert","id":"a2","kind":"sla_breach","priority":"P1\r\nBcc: evil@example.org","summary":"x\nTo: evil@example.org\r\n\r\nforged body","item":"i\rCc: evil@example.org"}' > in
	run -0 fb-notify -m ops@example.com --now "$NOW" in
	sed '/^$/q' msg.1 > headers
	! grep -qi '^\(bcc\|cc\):' headers
	[[ $(grep -c '^To:' headers) == 1 ]]
	grep -qx 'To: ops@example.com' headers
	! grep -q $'\r' msg.1
	! grep -q '^forged body' msg.1
	# the data is still there, on the subject's one line
	grep -q '^Subject: fb: \[P1  Bcc: evil@example.org\] sla_breach: x To: evil@example.org' headers
}

@test "mail: a bad --mail or --from address is a usage error" {
	echo "$ALERT" > in
	run -2 fb-notify -m $'ops@example.com\nBcc: x@y' in
	assert_output --partial 'not an address'
	run -2 fb-notify -m 'a@b, c@d' in
	run -2 fb-notify -m ops@example.com --from '<x@y>' in
	[[ ! -e count ]]
}

@test "webhook: a POST whose body is the alert line, as JSON" {
	command -v curl > /dev/null || skip "curl is not installed"
	start_listener
	printf '%s\n' "$ALERT" '{"type":"alert","id":"a3","detector":"volume","severity":"medium","summary":"量 升"}' > in
	run -0 --separate-stderr fb-notify --webhook "http://127.0.0.1:$PORT/hook?x=1" --now "$NOW" in
	[[ -z $output ]]
	[[ $(wc -l < requests) == 2 ]]
	run -0 jq -r '.method + " " + .path + " " + .headers["content-type"]' requests
	assert_output $'POST /hook?x=1 application/json\nPOST /hook?x=1 application/json'
	[[ $(jq -r 'select(.body | fromjson | .id == "a3") | .body' requests) == "$(sed -n 2p in)" ]]
	[[ $(sed -n 1p requests | jq -r .body) == "$ALERT" ]]
}

@test "webhook: a dead port or an HTTP error exits 2, named, and is retried" {
	command -v curl > /dev/null || skip "curl is not installed"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	echo "$ALERT" > in
	run -2 --separate-stderr fb-notify --webhook "http://127.0.0.1:$port/" --timeout 5s \
	    --state st --now "$NOW" in
	[[ $stderr == *'fb-notify: webhook failed: curl exit status 7'* ]]
	[[ $stderr == *'1 alerts not sent by webhook; the next run tries again'* ]]
	[[ ! -s st ]]
	start_listener
	run -2 --separate-stderr fb-notify --webhook "http://127.0.0.1:$PORT/fail" \
	    --state st --now "$NOW" in
	[[ $stderr == *'webhook failed: curl exit status 22'* ]]
	run -0 fb-notify --webhook "http://127.0.0.1:$PORT/ok" --state st --now "$NOW" in
	[[ $(jq -r .path requests) == $'/fail\n/ok' ]]
}

@test "webhook: only http and https URLs" {
	echo "$ALERT" > in
	run -2 fb-notify --webhook 'file:///etc/passwd' in
	run -2 fb-notify --webhook '-K/etc/passwd' in
}

@test "chat: one line per alert, control characters removed" {
	printf '%s\n' "$ALERT" '{"type":"alert","id":"a4","detector":"burst","severity":"high","summary":"burst\u001b[31m red\u0007 \u202eevil\r\nnext"}' > in
	run -0 --separate-stderr fb-notify --chat --now "$NOW" in
	assert_output $'[P1] sla_breach item x1 queue vip\n[high] burst: burst[31m red evil  next'
	! grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<< "$output"
}

@test "rate limit: the same alert once within --window, again after it, across runs" {
	echo "$ALERT" > in
	run -0 fb-notify -m ops@example.com --chat --state st --window 1h --now 2026-11-22T02:00:00Z in
	[[ $output == '[P1] sla_breach item x1 queue vip' ]]
	[[ $(cat count) == 1 ]]
	[[ $(jq -r .via st | sort | tr '\n' ' ') == 'chat mail ' ]]
	[[ -e st.lock ]]
	# 59 minutes on: held back by either channel
	run -0 --separate-stderr fb-notify -v -m ops@example.com --chat --state st --window 1h \
	    --now 2026-11-22T02:59:00Z in
	[[ -z $output ]]
	[[ $(cat count) == 1 ]]
	[[ $stderr == *'sent within --window already'* ]]
	# an hour on: sent again, and the state says when
	run -0 fb-notify -m ops@example.com --chat --state st --window 1h --now 2026-11-22T03:00:00Z in
	[[ $output == '[P1] sla_breach item x1 queue vip' ]]
	[[ $(cat count) == 2 ]]
	[[ $(jq -r .sent st | sort -u) == 2026-11-22T03:00:00Z ]]
	# the same alert twice in one input goes once
	cat in in > twice
	run -0 fb-notify --chat --state st2 --now "$NOW" twice
	[[ $output == '[P1] sla_breach item x1 queue vip' ]]
}

@test "rate limit: an alert without an id is keyed by its kind and what it is about" {
	printf '%s\n' '{"type":"alert","detector":"sku","key":{"sku":"A"},"summary":"one"}' \
	    '{"type":"alert","detector":"sku","key":{"sku":"B"},"summary":"two"}' \
	    '{"type":"alert","detector":"sku","key":{"sku":"A"},"summary":"one again"}' > in
	run -0 fb-notify --chat --state st --now "$NOW" in
	assert_output $'[alert] sku: one\n[alert] sku: two'
}

@test "a failing sendmail: exit 2, named, not marked sent, sent on the next run" {
	echo "$ALERT" > in
	FAKE_SENDMAIL_STATUS=1 run -2 --separate-stderr fb-notify -m ops@example.com --chat \
	    --state st --now "$NOW" in
	[[ $stderr == *"fb-notify: mail failed: $FB_SENDMAIL exit status 1"* ]]
	# the chat line went out and is remembered; the mail is not
	[[ $output == '[P1] sla_breach item x1 queue vip' ]]
	[[ $(jq -r .via st) == chat ]]
	run -0 fb-notify -m ops@example.com --chat --state st --now 2026-11-22T02:05:00Z in
	[[ -z $output ]]
	[[ $(cat count) == 2 ]]
	grep -q '^Subject: fb: \[P1\] sla_breach' msg.2
}

@test "a sendmail that cannot be run: exit 2" {
	echo "$ALERT" > in
	FB_SENDMAIL=$PWD/no-such-sendmail run -2 --separate-stderr fb-notify -m ops@example.com --now "$NOW" in
	[[ $stderr == *'cannot run'*'no-such-sendmail'* ]]
	[[ $stderr == *'mail failed'* ]]
}

@test "records that are not alerts pass through byte for byte" {
	printf '%s\n' '{"id":"a", "text":"caf\u00e9 \"q\"",  "n":1.50e1}' \
	    '{"type":"event","id":"a","event":"closed","ts":"2026-11-22T01:00:00Z"}' \
	    "$ALERT" \
	    '{"type":"alerts","x":[1,2]}' \
	    '{"b":2,"a":{"z":[],"y":null}}' > in
	run -0 --separate-stderr fb-notify --chat --now "$NOW" in
	grep -v '"type":"alert",' in > expect
	printf '%s\n' "$output" | grep -v '^\[P1\]' > got
	cmp expect got
}

@test "bad lines are rejected with FILE:LINE, exit 1, and the rest is sent" {
	printf '%s\n' "$ALERT" 'not json' '{"type":"alert","summary":"no id"}' '{"id":"ok"}' > in
	run -1 --separate-stderr fb-notify --chat --reject rej --now "$NOW" in
	[[ $stderr == *'fb-notify: in:2: '* ]]
	[[ $stderr == *'fb-notify: in:3: an alert needs an id, a kind or a detector'* ]]
	assert_output $'[P1] sla_breach item x1 queue vip\n{"id":"ok"}'
	[[ $(cat rej) == $'not json\n{"type":"alert","summary":"no id"}' ]]
}

@test "--dry-run says what it would send and sends nothing" {
	start_listener
	echo "$ALERT" > in
	run -0 --separate-stderr fb-notify --dry-run -m ops@example.com --chat \
	    --webhook "http://127.0.0.1:$PORT/" --state st --now "$NOW" in
	[[ -z $output ]]
	[[ $stderr == *'dry run: would pipe to'*'Subject: fb: [P1] sla_breach item x1 queue vip'* ]]
	[[ $stderr == *"dry run: would POST to http://127.0.0.1:$PORT/: $ALERT"* ]]
	[[ $stderr == *'dry run: would write: [P1] sla_breach item x1 queue vip'* ]]
	[[ ! -e count && ! -e requests && ! -e st ]]
}

@test "--max-per-run: the rest are held back, one summary says how many, next run sends them" {
	for i in 1 2 3 4 5; do
		printf '{"type":"alert","id":"f%s","kind":"sla_breach","priority":"P2"}\n' "$i"
	done > in
	run -0 --separate-stderr fb-notify -m ops@example.com --chat --state st \
	    --max-per-run 2 --now "$NOW" in
	assert_output $'[P2] sla_breach\n[P2] sla_breach\n[fb] 3 more alerts held back by --max-per-run'
	[[ $stderr == *'3 alerts held back by --max-per-run 2'* ]]
	[[ $(cat count) == 3 ]]
	grep -qx 'Subject: fb: 3 more alerts held back by --max-per-run' msg.3
	[[ $(jq -r .key st | sort -u | tr '\n' ' ') == 'f1 f2 ' ]]
	run -0 fb-notify -m ops@example.com --state st --max-per-run 2 --now "$NOW" in
	[[ $(cat count) == 6 ]]
	grep -q '^id: f3$' msg.4
	grep -q '^id: f4$' msg.5
}

@test "nothing to send by, or --from without --mail: a usage error" {
	echo "$ALERT" > in
	run -2 fb-notify in
	assert_output --partial 'give --mail, --webhook or --chat'
	run -2 fb-notify --chat --from a@b in
}

@test "the state file is rewritten whole, with no temporary files left" {
	echo "$ALERT" > in
	run -0 fb-notify --chat --state st --now "$NOW" in
	run -0 fb-notify --chat --state st --now 2026-11-22T05:00:00Z in
	[[ $(wc -l < st) == 1 ]]
	[[ -z $(find . -name 'st.??????') ]]
	jq -e 'select(.key == "sla:x1:first_response:1:breached" and .via == "chat")' st
}

@test "fb-sla --breaches into fb-notify --chat: the pipeline's alerts come out as lines" {
	printf '%s\n' '{"id":"p1","ts":"2026-11-20T02:00:00Z","text":"broken","priority":"P1","channel":"app","route":{"queue":"vip"}}' > items
	run -0 --separate-stderr fb-sla --breaches --now 2026-11-22T02:00:00Z items
	[[ -n $output ]] || skip "fb-sla wrote no breach for the sample item"
	printf '%s\n' "$output" > alerts
	run -0 --separate-stderr fb-notify --chat --now 2026-11-22T02:00:00Z alerts
	[[ $(wc -l <<< "$output") == $(wc -l < alerts) ]]
	[[ ${lines[0]} == '[P1] sla_'* ]]
	[[ ${lines[0]} == *'item p1'* ]]
}

@test "completions: bash and fish know the options and what follows them" {
	assert_equal "$(complete_bash fb-notify --sta)" --state
	assert_equal "$(complete_bash fb-notify --max)" '--max-line --max-per-run'
	touch notify.state
	assert_equal "$(complete_bash fb-notify --state notify.)" notify.state
	# an address or a window is typed, not a file
	assert_equal "$(complete_bash fb-notify -m notify.)" ''
	assert_equal "$(complete_bash fb-notify --window notify.)" ''
	if command -v fish > /dev/null; then
		run -0 fish -c "source '$FB_ROOT/completions/fb.fish'
		    complete -C 'fb-notify --max-per'"
		[[ $output == --max-per-run$'\t'* ]] || fail "fish: $output"
	fi
}

@test "the man page describes every option" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	errs=()
	man_lacks_options fb-notify
	fail_if_errors
	[[ $man == *'FB_SENDMAIL'* ]]
}

@test "fb-anomaly's alerts: one chat line each, severity, detector and summary" {
	fb-gen -n 3000 -f record --seed 3 2> /dev/null |
	    fb-anomaly --now 2026-11-22T00:00:00Z > alerts 2> /dev/null || true
	[[ -s alerts ]] || skip "fb-anomaly raised no alert on the sample"
	run -0 --separate-stderr fb-notify --chat --now "$NOW" alerts
	[[ $(wc -l <<< "$output") == $(wc -l < alerts) ]]
	jq -r '"[" + .severity + "] " + .detector + ": " + .summary' alerts > expect
	[[ $output == "$(cat expect)" ]]
}
