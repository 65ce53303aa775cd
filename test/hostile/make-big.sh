#!/bin/sh
# make-big.sh KIND [N]: writes one big hostile input on stdout, for
# test/hostile.bats to pipe into a tool (never checked in).
#
#	line N		N lines of an NDJSON record whose text is 100 MB of 'a'
#	csvcell		a CSV with one 100 MB quoted cell between two good rows
#	mailheader	a message whose Subject: line is 100 MB, then a good one
#	nest N		an object holding N nested arrays ({"x":[[[...]]]})
#	nestobj N	an object holding N nested objects ({"a":{"a":...}})
#	longarray N	a record whose tags array has N elements
#	manykeys N	a record with N distinct keys
set -eu
MB100=$((100 * 1024 * 1024))
TS=2026-11-22T02:15:00Z

# a: N bytes of 'a' without holding them in memory
a() {
	head -c "$1" /dev/zero | tr '\0' a
}

# rep STR N: STR N times, streamed
rep() {
	yes "$1" | head -n "$2" | tr -d '\n'
}

case ${1:-} in
line)
	i=0
	while [ "$i" -lt "${2:-1}" ]; do
		i=$((i + 1))
		printf '{"id":"big-%d","ts":"%s","text":"' "$i" "$TS"
		a "$MB100"
		printf '"}\n'
	done
	printf '{"id":"after-big","ts":"%s","text":"small"}\n' "$TS"
	;;
csvcell)
	printf 'ticket_id,created_at,comment\r\n'
	printf 'T-1,2026-11-22 10:00,before\r\n'
	printf 'T-2,2026-11-22 10:01,"'
	a "$MB100"
	printf '"\r\n'
	printf 'T-3,2026-11-22 10:02,after\r\n'
	;;
mailheader)
	printf 'From x@example.com Sun Nov 22 02:15:00 2026\n'
	printf 'From: x@example.com\nSubject: '
	a "$MB100"
	printf '\nDate: Sun, 22 Nov 2026 10:15:00 +0800\n\nbig header\n\n'
	printf 'From y@example.com Sun Nov 22 02:16:00 2026\n'
	printf 'From: y@example.com\nSubject: small\n'
	printf 'Date: Sun, 22 Nov 2026 10:16:00 +0800\n\nthe parcel was broken\n'
	;;
nest)
	printf '{"id":"nest","ts":"%s","x":' "$TS"
	rep '[' "$2"
	rep ']' "$2"
	printf '}\n'
	;;
nestobj)
	printf '{"id":"nestobj","ts":"%s","x":' "$TS"
	rep '{"a":' "$2"
	printf '1'
	rep '}' "$2"
	printf '}\n'
	;;
longarray)
	printf '{"id":"longarray","ts":"%s","text":"x","tags":["a/b"' "$TS"
	rep ',"t/x"' "$2"
	printf ']}\n'
	;;
manykeys)
	printf '{"id":"manykeys","ts":"%s","text":"x"' "$TS"
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf ",\"k%d\":%d", i, i }'
	printf '}\n'
	;;
*)
	echo "usage: make-big.sh line|csvcell|mailheader|nest|nestobj|longarray|manykeys [N]" >&2
	exit 2
	;;
esac
