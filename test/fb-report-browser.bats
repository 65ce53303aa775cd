#!/usr/bin/env bats
# fb-report-browser.bats: the html report (fb-report --format html) as a
# browser sees it.  Headless Chromium is driven through chromedriver
# (WebDriver over HTTP, with curl and jq): the charts must be drawn, the
# tables there, hostile feedback text must stay text, and the console must
# be free of errors (a blocked load or script is one, under the page's CSP).
# Screenshots go to test/out/ for people to look at.
#
# Without /usr/bin/chromium and /usr/bin/chromedriver the browser tests
# are skipped, unless FB_BROWSER_TESTS=1 (CI sets it, and `make deps`
# then installs them), when they fail instead.

load helper

NOW=2026-10-31T12:00:00Z
OUT=$FB_ROOT/test/out

# Words a customer might send to break a page: markup, an early end of the
# chart, quotes, a spreadsheet formula, a control character and an RTL
# override (these two the page drops).
HOSTILE_TEXT='<script>alert(1)</script> </svg> "double" '\''single'\'' =HYPERLINK("http://x") 快递太慢了'

setup_file() {
	export LC_ALL=C TZ=UTC
	unset FB_STORE FB_CONFIG_DIR FB_DATADIR
	cd "$BATS_FILE_TMPDIR" || return 1

	# the demo's app feedback, as `make demo` builds it, with its events
	fb-gen --seed 9 --count 1250 --format ndjson > app.ndjson
	fb-ingest app.ndjson | fb-tag |
	    fb-rank --customers "$FB_ROOT/examples/customers.csv" |
	    fb-route > items.ndjson
	fb-gen --events --now "$NOW" < items.ndjson > demo.ndjson
	fb-report --format html --now "$NOW" --tz Asia/Shanghai \
	    demo.ndjson > demo.html
	# html shows 10 rows by default; json all unless told
	fb-report --format json --top 10 --now "$NOW" --tz Asia/Shanghai \
	    demo.ndjson > demo.json

	# one complaint, hostile in every string the report shows
	jq -nc --arg t "$HOSTILE_TEXT"$'\a \xe2\x80\xae' '{
	    id: "fb-hostile\"><b>1", ts: "2026-10-30T10:00:00Z",
	    channel: "</svg><script>alert(2)</script>", text: $t,
	    tags: ["logistics/delay"], category: "logistics",
	    sentiment: {label: "negative", score: -0.9}, priority: "P1",
	    urgency: 0.9, region: {province: "<script>alert(3)</script>"},
	    route: {queue: "q\"><img src=x onerror=alert(4)>"}}' > hostile.ndjson
	fb-report --format html --now "$NOW" --title '<i>T</i>' \
	    hostile.ndjson > hostile.html

	if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
		start_browser || :
	fi
}

teardown_file() {
	stop_browser
}

setup() {
	common_setup
}

# start_browser: chromedriver on a free port, in a process group of its
# own (so stop_browser ends Chromium with it), and one Chromium session
# with a fresh profile; exports WD_SESSION, the session's URL.
start_browser() {
	local dir=$BATS_FILE_TMPDIR/browser port="" caps id i

	mkdir -p "$dir/profile"
	setsid /usr/bin/chromedriver --port=0 > "$dir/chromedriver.log" \
	    2>&1 3>&- &
	echo $! > "$dir/chromedriver.pid"
	for ((i = 0; i < 100; i++)); do
		port=$(sed -n 's/.*started successfully on port \([0-9]*\).*/\1/p' \
		    "$dir/chromedriver.log")
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]] || { cat "$dir/chromedriver.log" >&2; return 1; }
	caps=$(jq -nc --arg profile "$dir/profile" '{capabilities: {alwaysMatch: {
	    browserName: "chrome",
	    "goog:chromeOptions": {binary: "/usr/bin/chromium", args: [
		"--headless=new", "--no-sandbox", "--disable-gpu",
		"--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir=" + $profile]},
	    "goog:loggingPrefs": {browser: "ALL"}}}}')
	id=$(curl -sS --max-time 60 -H 'Content-Type: application/json' \
	    --data-binary "$caps" "http://127.0.0.1:$port/session" |
	    jq -r '.value.sessionId // empty')
	[[ -n $id ]] || { cat "$dir/chromedriver.log" >&2; return 1; }
	export WD_SESSION=http://127.0.0.1:$port/session/$id
}

# stop_browser: end the session, then chromedriver's process group, and
# whatever of Chromium is left in it.
stop_browser() {
	local dir=$BATS_FILE_TMPDIR/browser pid i

	[[ -f $dir/chromedriver.pid ]] || return 0
	pid=$(< "$dir/chromedriver.pid")
	[[ -n ${WD_SESSION:-} ]] &&
	    curl -sS --max-time 20 -X DELETE "$WD_SESSION" > /dev/null 2>&1
	kill -TERM -- "-$pid" "$pid" 2> /dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 -- "-$pid" 2> /dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2> /dev/null
	rm -f "$dir/chromedriver.pid"
	return 0
}

# need_browser: skip the test when there is no browser, unless
# FB_BROWSER_TESTS=1, when that is a failure.
need_browser() {
	if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
		[[ ${FB_BROWSER_TESTS:-} == 1 ]] &&
		    fail "FB_BROWSER_TESTS=1 but /usr/bin/chromium or /usr/bin/chromedriver is missing (make deps)"
		skip "no /usr/bin/chromium or /usr/bin/chromedriver"
	fi
	[[ -n ${WD_SESSION:-} ]] ||
	    fail "chromedriver did not start: $(cat "$BATS_FILE_TMPDIR/browser/chromedriver.log")"
}

# wd METHOD PATH [JSON]: one WebDriver command of the session; prints its
# value as compact JSON, or fails with WebDriver's error.
wd() {
	local resp

	resp=$(curl -sS --max-time 60 -X "$1" -H 'Content-Type: application/json' \
	    ${3:+--data-binary "$3"} "$WD_SESSION$2") ||
	    fail "webdriver $1 $2: no answer"
	if jq -e '.value | type == "object" and has("error")' <<< "$resp" \
	    > /dev/null; then
		fail "webdriver $1 $2: $(jq -r '.value.error + ": " + .value.message' <<< "$resp" | head -1)"
	fi
	jq -c '.value' <<< "$resp"
}

# js BODY: run the function body BODY in the page; prints what it returns.
js() {
	wd POST /execute/sync "$(jq -nc --arg s "$1" '{script: $s, args: []}')"
}

# open FILE WIDTH HEIGHT: a window of WIDTH x HEIGHT showing FILE; the
# console log is emptied first, so console_clean sees only FILE's entries.
open_page() {
	wd POST /se/log '{"type":"browser"}' > /dev/null
	wd POST /window/rect "{\"width\":$2,\"height\":$3}" > /dev/null
	wd POST /url "$(jq -nc --arg u "file://$1" '{url: $u}')" > /dev/null
}

# screenshot FILE: the window as PNG into FILE.
screenshot() {
	mkdir -p "$(dirname "$1")"
	curl -sS --max-time 60 "$WD_SESSION/screenshot" | jq -r '.value' |
	    base64 -d > "$1"
	[[ $(head -c 4 "$1" | od -An -c | tr -d ' ') == '211PNG' ]] ||
	    fail "screenshot $1 is not a PNG"
}

# full_screenshot FILE WIDTH: the whole page at WIDTH as PNG (the window
# grown to the page's height; Chromium's limit is 16384 pixels).
full_screenshot() {
	local page chrome
	page=$(js 'return document.documentElement.scrollHeight')
	chrome=$(($(wd GET /window/rect | jq .height) - $(js 'return window.innerHeight')))
	wd POST /window/rect "{\"width\":$2,\"height\":$((page + chrome > 16000 ? 16000 : page + chrome))}" > /dev/null
	screenshot "$1"
}

# console_clean: fail on any SEVERE entry of the browser's console log.
console_clean() {
	local severe
	severe=$(wd POST /se/log '{"type":"browser"}' |
	    jq -r '.[] | select(.level == "SEVERE") | .message')
	[[ -z $severe ]] || fail "browser console: $severe"
}

# want_js WHAT BODY: adds to errs unless the page's BODY returns true.
want_js() {
	local got
	got=$(js "$2")
	[[ $got == true ]] || errs+=("$1: got $got")
}

@test "html: the raw page escapes hostile text and loads nothing" {
	local f
	errs=()
	for f in demo hostile; do
		f=$BATS_FILE_TMPDIR/$f.html
		grep -qi '<script' "$f" && errs+=("$f has a <script")
		grep -Eqi '<(iframe|object|embed|img|link|base|form)[ >]' "$f" &&
		    errs+=("$f has an element that loads or navigates")
		grep -Eqi '(src|href|action)="?(https?:|//)' "$f" &&
		    errs+=("$f refers to the network")
		grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$f" ||
		    errs+=("$f lacks its Content-Security-Policy")
	done
	f=$BATS_FILE_TMPDIR/hostile.html
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &lt;/svg&gt; &quot;double&quot; &#39;single&#39; =HYPERLINK(&quot;http://x&quot;)' "$f" ||
	    errs+=("the hostile text is not there, escaped")
	grep -qF '<title>&lt;i&gt;T&lt;/i&gt;</title>' "$f" ||
	    errs+=("the title is not escaped")
	grep -qF 'onerror=alert(4)&gt;' "$f" || errs+=("the queue is not escaped")
	grep -q $'\a' "$f" && errs+=("a control character came through")
	grep -q $'\xe2\x80\xae' "$f" && errs+=("an RTL override came through")
	fail_if_errors
}

@test "html: the demo report draws its charts and tables in Chromium" {
	need_browser
	local page=$BATS_FILE_TMPDIR/demo.html rows
	errs=()
	rows=$(jq '.heatmap.rows | length' "$BATS_FILE_TMPDIR/demo.json")
	((rows > 0)) || fail "the demo has no heat map rows"
	open_page "$page" 1280 900
	want_js "title" 'return document.title === "Feedback report"'
	want_js "three bars of nonzero width" 'return [...document.querySelectorAll("svg.chart.bars rect.bar")].filter(r => r.getBBox().width > 0).length >= 3'
	want_js "a line with points" 'return [...document.querySelectorAll("svg.chart.lines polyline, svg.chart.lines path")].filter(p => p.points ? p.points.numberOfItems > 0 : (p.getAttribute("d") || "").length > 0).length >= 1'
	want_js "the heat map has $rows x 24 cells" "return document.querySelectorAll('svg.chart.heatmap rect').length === $rows * 24"
	want_js "the heat map's cells have a tooltip" 'return [...document.querySelectorAll("svg.chart.heatmap rect")].every(r => /: \d+$/.test(r.querySelector("title").textContent))'
	want_js "every chart is named" 'return [...document.querySelectorAll("svg.chart")].every(s => s.getAttribute("role") === "img" && s.querySelector(":scope > title").textContent.length > 0)'
	want_js "a table per model table, and the series" "return document.querySelectorAll('table').length === $(jq '.tables | length' "$BATS_FILE_TMPDIR/demo.json") + 1"
	want_js "tables have rows" 'return [...document.querySelectorAll("table")].every(t => t.tBodies[0].rows.length > 0)'
	want_js "the channel table's first row" "return document.querySelector('#table-0 tbody th').textContent === $(jq '.tables[0].rows[0].key[0]' "$BATS_FILE_TMPDIR/demo.json")"
	want_js "top complaints with examples" 'return document.querySelectorAll("#top blockquote").length >= 2'
	want_js "no script" 'return document.querySelectorAll("script").length === 0'
	full_screenshot "$OUT/report.png" 1280
	wd POST /window/rect '{"width":390,"height":844}' > /dev/null
	want_js "no sideways scrolling on a phone" 'return document.documentElement.scrollWidth <= window.innerWidth'
	want_js "readable text on a phone" 'return parseFloat(getComputedStyle(document.body).fontSize) >= 14'
	screenshot "$OUT/report-phone.png"
	console_clean
	fail_if_errors
}

@test "html: hostile feedback stays text in Chromium" {
	need_browser
	local page=$BATS_FILE_TMPDIR/hostile.html
	errs=()
	open_page "$page" 1280 900
	want_js "no script element" 'return document.querySelectorAll("script").length === 0'
	want_js "no element from the texts" 'return document.querySelectorAll("img, iframe, object, embed, i, b, a[href^=\"http\"]").length === 0'
	want_js "the text is text" "return [...document.querySelectorAll('#top blockquote p')].some(p => p.textContent.startsWith($(jq -n --arg t "$HOSTILE_TEXT" '$t')))"
	want_js "textContent has <script>" 'return document.body.textContent.includes("<script>alert(1)</script>")'
	want_js "control and RTL override dropped" 'return !/[\u0007\u202e]/.test(document.body.textContent)'
	want_js "the title is text" 'return document.title === "<i>T</i>" && document.querySelector("h1").textContent === "<i>T</i>"'
	want_js "the charts survive </svg>" 'return document.querySelectorAll("svg.chart.heatmap rect").length === 24 && document.querySelectorAll("svg.chart.bars rect.bar").length === 2'
	want_js "the chart labels are text" 'return [...document.querySelectorAll("svg.chart.heatmap title")].some(t => t.textContent.startsWith("<script>alert(3)</script>, "))'
	want_js "the keys are text" 'return [...document.querySelectorAll("tbody th")].some(t => t.textContent === "</svg><script>alert(2)</script>")'
	want_js "the id is text" 'return document.querySelector("#top blockquote footer").textContent.startsWith("fb-hostile\"><b>1")'
	screenshot "$OUT/report-hostile.png"
	console_clean
	fail_if_errors
}
