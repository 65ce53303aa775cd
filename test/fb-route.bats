#!/usr/bin/env bats
# fb-route.bats: routing feedback items by ordered rules
# (fb-route(1), DESIGN.md 2-3).
#
# The tests of the shipped share/fb/routes.conf route the hand-written
# items of test/fixtures/fb-route/items.ndjson, which carry the fields
# fb-tag and fb-rank would have written, so no model is involved.  The
# tests of the rule language write small rule files of their own.

load helper

FIX=$FB_FIXTURES/fb-route

setup() {
	common_setup
	# the shipped routes.conf, never one in /etc/fb or ~/.config/fb
	mkdir -p no-config
	export FB_CONFIG_DIR=$PWD/no-config
	errs=()
}

# route_items [OPTION...]: routes the fixture items into 'routed'.
route_items() {
	run -0 --separate-stderr to_file routed fb-route "$@" "$FIX/items.ndjson"
}

# route_of ID [FILE]: the route of item ID in FILE (default routed) on one
# line: queue skill notify rule [escalate=a,b] [advice=x] [front] [agent=id].
route_of() {
	jq -r --arg id "$1" 'select(.id == $id) | .route |
	    [.queue, .skill, (.notify_within // "-"), (.rule // "null")] +
	    (if .escalate then ["escalate=" + (.escalate | join(","))] else [] end) +
	    (if .advice then ["advice=" + (.advice | join(","))] else [] end) +
	    (if .front then ["front"] else [] end) +
	    (if has("agent") then ["agent=" + (.agent // "null")] else [] end) |
	    join(" ")' "${2:-routed}"
}

# agents_of FILE: the agent of each item of FILE, in order, on one line.
agents_of() {
	jq -r '.route.agent // "null"' "$1" | paste -sd ' '
}

# rules_fail LINE REGEX: fb-route -r r.conf exits 2 with nothing on stdout
# and exactly "fb-route: r.conf:LINE: " and a message matching REGEX.
rules_fail() {
	run -2 --separate-stderr fb-route -r r.conf < /dev/null
	assert_equal "$output" ""
	[[ $stderr =~ ^fb-route:\ r\.conf:$1:\ ($2)$ ]] ||
	    fail "want 'fb-route: r.conf:$1: /$2/', got '$stderr'"
}

#---- the shipped rules ----

@test "security-p0: a P0 account takeover or card fraud goes to security within 15m" {
	route_items
	assert_equal "$(route_of sec-zh)" \
	    "security security 15m security-p0 escalate=security-oncall,duty-manager"
	assert_equal "$(route_of sec-en)" \
	    "security security 15m security-p0 escalate=security-oncall,duty-manager"
}

@test "legal: a privacy leak or illegal content goes to legal with advice freeze, any priority" {
	route_items
	assert_equal "$(route_of legal-zh)" \
	    "legal legal 2h legal escalate=legal-counsel advice=freeze"
	assert_equal "$(route_of legal-en)" \
	    "legal legal 2h legal escalate=legal-counsel advice=freeze"
}

@test "social-pr: a weibo burst or a far-reaching douyin post goes to pr; a quiet weibo post does not" {
	route_items
	assert_equal "$(route_of pr-zh)" "pr pr 1h social-pr escalate=pr-lead"
	assert_equal "$(route_of pr-en)" "pr pr 1h social-pr escalate=pr-lead"
	assert_equal "$(route_of pr-quiet)" "general/product product 2h general-p2"
}

@test "vip-senior: a VIP's complaint and an SVIP's praise go to senior, at the front" {
	route_items
	assert_equal "$(route_of vip-zh)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of vip-en)" "senior senior 1h vip-senior front"
}

@test "vip-senior: a customer with the accessibility flag goes to senior" {
	route_items
	assert_equal "$(route_of a11y-en)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of a11y-zh)" "senior senior 1h vip-senior front"
}

@test "cosmetics: beauty complaints go to the cosmetics experts; beauty praise stays general" {
	route_items
	assert_equal "$(route_of cos-zh)" "cosmetics cosmetics 2h cosmetics"
	assert_equal "$(route_of cos-en)" "cosmetics cosmetics 2h cosmetics"
	assert_equal "$(route_of cos-praise)" "general/praise praise 1d general"
}

@test "devices: electronics and appliances complaints go to devices" {
	route_items
	assert_equal "$(route_of dev-zh)" "devices devices 2h devices"
	assert_equal "$(route_of dev-en)" "devices devices 2h devices"
}

@test "cold-chain: fresh and food complaints go to cold-chain; food_delivery stays general" {
	route_items
	assert_equal "$(route_of cold-zh)" "cold-chain cold-chain 2h cold-chain"
	assert_equal "$(route_of cold-en)" "cold-chain cold-chain 2h cold-chain"
	assert_equal "$(route_of takeout-zh)" "general/logistics logistics 2h general-p2"
}

@test "auto-reply: a calm tracking or return question goes to the bot; an angry one does not" {
	route_items
	assert_equal "$(route_of bot-zh)" "bot bot 1h auto-reply"
	assert_equal "$(route_of bot-en)" "bot bot 1h auto-reply"
	assert_equal "$(route_of notbot-zh)" "general/logistics logistics 2h general-p2"
	assert_equal "$(route_of notbot-en)" "general/logistics logistics 1d general"
}

@test "general: everything else by priority, in a queue per category" {
	route_items
	assert_equal "$(route_of gen-p0)" \
	    "general/product product 15m general-p0 escalate=duty-manager"
	assert_equal "$(route_of gen-p1)" \
	    "general/order order 1h general-p1 escalate=team-lead"
	assert_equal "$(route_of gen-p2)" "general/marketing marketing 2h general-p2"
	assert_equal "$(route_of gen-p3)" "general/suggestion suggestion 1d general"
	# not ranked, not tagged: the catch-all with the default category
	assert_equal "$(route_of gen-bare)" "general/other other 1d general"
}

@test "rule order: a VIP with a P0 security hole goes to security, not senior" {
	route_items
	assert_equal "$(route_of vip-sec)" \
	    "security security 15m security-p0 escalate=security-oncall,duty-manager"
}

@test "every item comes out once with a route, in input order, other fields unchanged" {
	route_items
	assert_equal "$(lines routed)" "$(lines "$FIX/items.ndjson")"
	assert_equal "$(jq -r .id routed)" "$(jq -r .id "$FIX/items.ndjson")"
	assert_equal "$(jq -c 'del(.route)' routed)" "$(jq -c . "$FIX/items.ndjson")"
	assert_equal "$(jq -r 'select(.route.queue == null)' routed)" ""
}

@test "the shipped rules are found beside the binary, and FB_CONFIG_DIR overrides them" {
	printf '{"id":"x","priority":"P0","tags":["order/payment"]}\n' > in.ndjson
	run -0 --separate-stderr to_file out fb-route in.ndjson
	assert_equal "$(route_of x out)" \
	    "security security 15m security-p0 escalate=security-oncall,duty-manager"
	printf 'rule mine\n  queue local\n' > no-config/routes.conf
	run -0 --separate-stderr to_file out fb-route in.ndjson
	assert_equal "$(route_of x out)" "local local - mine"
}

#---- customer value from fb-rank and --customers ----

@test "--customers CSV: a record without a tier whose customer is vip in the table goes to senior" {
	cat > in.ndjson <<'EOF'
{"id":"t1","customer":{"id":"c-8001"},"category":"logistics","priority":"P2","text":"快递还没到"}
{"id":"t2","customer":{"id":"c-8002"},"category":"platform","priority":"P2","text":"看不清按钮"}
{"id":"t3","customer":{"id":"c-8003"},"category":"product","priority":"P2","text":"a bit small"}
{"id":"t4","customer":{"id":"c-8001","tier":"normal"},"category":"product","priority":"P2","text":"the record's own tier wins"}
{"id":"t5","customer":{"id":"c-9999"},"category":"product","priority":"P2","text":"not in the table"}
EOF
	run -0 --separate-stderr to_file out fb-route --customers "$FIX/customers.csv" in.ndjson
	assert_equal "$(route_of t1 out)" "senior senior 1h vip-senior front"
	# flags from the table too (accessibility)
	assert_equal "$(route_of t2 out)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of t3 out)" "general/product product 2h general-p2"
	assert_equal "$(route_of t4 out)" "general/product product 2h general-p2"
	assert_equal "$(route_of t5 out)" "general/product product 2h general-p2"
	# the table is read, never written into the record
	assert_equal "$(jq -c 'del(.route)' out)" "$(jq -c . in.ndjson)"
}

@test "--customers NDJSON: the same table as NDJSON" {
	printf '%s\n' '{"id":"t1","customer":{"id":"c-8001"},"priority":"P3","text":"hello"}' \
	    '{"id":"t2","customer":{"id":"c-8003"},"priority":"P3","text":"hello"}' > in.ndjson
	run -0 --separate-stderr to_file out fb-route --customers "$FIX/customers.ndjson" in.ndjson
	assert_equal "$(route_of t1 out)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of t2 out)" "general/other other 1d general"
}

@test "rank_factors.value.tier and .flags from fb-rank stand in for a missing customer.tier" {
	cat > in.ndjson <<'EOF'
{"id":"r1","customer":{"id":"c-1"},"priority":"P2","rank_factors":{"value":{"score":0.6,"weight":0.1,"tier":"vip","annual_spend":12860.5,"from":"table"}}}
{"id":"r2","customer":{"id":"c-2","tier":null},"priority":"P2","rank_factors":{"value":{"tier":"normal","flags":["accessibility"]}}}
{"id":"r3","customer":{"id":"c-3"},"priority":"P2","rank_factors":{"value":{"tier":"normal"}}}
EOF
	run -0 --separate-stderr to_file out fb-route --customers "$FIX/customers.csv" in.ndjson
	assert_equal "$(route_of r1 out)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of r2 out)" "senior senior 1h vip-senior front"
	assert_equal "$(route_of r3 out)" "general/other other 2h general-p2"
}

@test "a bad customer table fails at start with FILE:LINE, exit 2" {
	printf 'id,tier,annual_spend\nc1,vip,lots\n' > bad.csv
	run -2 --separate-stderr fb-route --customers bad.csv < /dev/null
	assert_equal "$output" ""
	[[ $stderr == "fb-route: bad.csv:2: "* ]] || fail "stderr: $stderr"
}

#---- agents ----

# security items, N of them
security_items() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '{"id":"s%d","priority":"P0","tags":["compliance/security"]}\n' "$i"
	done
}

@test "--agents: capacities 2/2/1 take 5 items in a balanced order; the 6th finds nobody and is warned of" {
	security_items 6 > in.ndjson
	run -0 --separate-stderr to_file out fb-route --agents "$FIX/agents.csv" \
	    --now 2026-11-23T10:00:00+08:00 --tz Asia/Shanghai in.ndjson
	# least load/capacity first, ties to the lower load, then file order
	assert_equal "$(agents_of out)" "a1 a2 a3 a1 a2 null"
	assert_equal "$stderr" \
	    "fb-route: warning: 1 item found no agent on shift with capacity (skills: security 1)"
	assert_equal "$(route_of s6 out)" \
	    "security security 15m security-p0 escalate=security-oncall,duty-manager agent=null"
	# -q silences the warning, not the routing
	run -0 --separate-stderr to_file out2 fb-route -q --agents "$FIX/agents.csv" \
	    --now 2026-11-23T10:00:00+08:00 --tz Asia/Shanghai in.ndjson
	assert_equal "$stderr" ""
	cmp out out2
}

@test "--agents: an agent off shift at --now gets nothing; the load column counts" {
	security_items 4 > in.ndjson
	# 20:00 in Shanghai: a2 (09:00-18:00) is off shift
	run -0 --separate-stderr to_file out fb-route --agents "$FIX/agents.csv" \
	    --now 2026-11-23T20:00:00+08:00 --tz Asia/Shanghai in.ndjson
	assert_equal "$(agents_of out)" "a1 a3 a1 null"
	printf 'id,skills,capacity,load\nb1,security,3,2\nb2,security,3,0\n' > busy.csv
	run -0 --separate-stderr to_file out fb-route --agents busy.csv --now 2026-11-23T10:00:00Z in.ndjson
	assert_equal "$(agents_of out)" "b2 b2 b1 b2"
}

@test "--agents: night hours cross midnight and belong to the day they start" {
	security_items 1 > in.ndjson
	local when want
	# 2026-11-20 is a Friday: its night runs into Saturday morning
	for when in "2026-11-20T23:00:00 n1" "2026-11-21T03:00:00 n1" \
	    "2026-11-22T03:00:00 null" "2026-11-23T05:59:00 null" \
	    "2026-11-24T05:59:00 n1" "2026-11-23T06:00:00 null" \
	    "2026-11-23T10:00:00 d1" "2026-11-23T12:30:00 null" \
	    "2026-11-21T11:00:00 d1" "2026-11-22T11:00:00 null"; do
		want=${when#* }
		run -0 --separate-stderr to_file out fb-route -q --agents "$FIX/agents.ndjson" \
		    --tz Asia/Shanghai --now "${when% *}" in.ndjson
		[[ $(agents_of out) == "$want" ]] ||
		    errs+=("at ${when% *}: agent $(agents_of out), want $want")
	done
	fail_if_errors
}

@test "--agents: bad rows fail at start with FILE:LINE, exit 2" {
	local row
	for row in 'x1,security,0,' 'x1,security,two,' 'x1,,3,' ',security,3,' \
	    'x1,security,3,25:00-26:00' 'x1,security,3,9-17' 'x1,security,3,mon-xyz 09:00-18:00'; do
		printf 'id,skills,capacity,hours\nok,security,,\n%s\n' "$row" > bad.csv
		run -2 --separate-stderr fb-route --agents bad.csv < /dev/null
		[[ $stderr == "fb-route: bad.csv:3: "* ]] ||
		    errs+=("row '$row': stderr '$stderr'")
		[[ -z $output ]] || errs+=("row '$row': stdout '$output'")
	done
	printf '{"id":"a","skills":"security"}\n{"id":"a","skills":["legal"]}\n' > dup.ndjson
	run -2 --separate-stderr fb-route --agents dup.ndjson < /dev/null
	[[ $stderr == "fb-route: dup.ndjson:2: agent 'a' twice" ]] || errs+=("dup: $stderr")
	fail_if_errors
}

#---- --explain, --coverage, --shadow ----

@test "--explain names the matching rule and why each earlier rule failed" {
	run -0 --separate-stderr fb-route --explain "$FIX/items.ndjson"
	local block
	block=$(awk '/^cos-zh /,/^$/' <<< "$output")
	[[ $block == "cos-zh ($FIX/items.ndjson:12)"* ]] || fail "no header: $block"
	assert_line --partial '  no   security-p0 (routes.conf:'
	grep -qF '  no   security-p0 (routes.conf:' <<< "$block" || fail "$block"
	grep -qE '^  no   security-p0 \(routes.conf:[0-9]+\): priority is "P2", not P0$' <<< "$block" ||
	    fail "security-p0 reason: $block"
	grep -qE '^  no   vip-senior \(routes.conf:[0-9]+\): customer.tier is "normal", not vip/svip; customer.flags is missing$' <<< "$block" ||
	    fail "vip-senior reason: $block"
	grep -qE '^  YES  cosmetics \(routes.conf:[0-9]+\) -> queue cosmetics, skill cosmetics, notify 2h$' <<< "$block" ||
	    fail "YES line: $block"
	# nothing after the match is tried
	grep -q devices <<< "$block" && fail "tried past the match: $block"
	# the praise of cos-praise fails the "unless" of the expert rules
	block=$(awk '/^cos-praise /,/^$/' <<< "$output")
	grep -qE '^  no   cosmetics \(routes.conf:[0-9]+\): sentiment.label is "positive" \(unless sentiment.label = positive\)$' <<< "$block" ||
	    fail "unless reason: $block"
	assert_equal "$stderr" ""
}

@test "--explain shows values short and without control characters, and the fallback's source" {
	printf '%s\n' '{"id":"e\u001b[31m1","channel":"\u0007 a very long channel name that goes on and on and on","priority":"P3","rank_factors":{"value":{"tier":"normal"}}}' > in.ndjson
	run -0 --separate-stderr fb-route --explain in.ndjson
	[[ $output != *$'\e'* && $output != *$'\a'* ]] || fail "control characters: $output"
	assert_line --index 0 'e[31m1 (in.ndjson:1)'
	assert_line --regexp '^  no   social-pr \(routes.conf:[0-9]+\): channel is "\\u0007 a very long channel name [a-z ]*\.\.\., not weibo/douyin$'
	assert_line --regexp '^  no   vip-senior .*customer.tier is "normal" \(from rank_factors.value.tier\), not vip/svip; customer.flags is missing$'
}

@test "--explain --agents says which agent and why, or why none" {
	security_items 3 > in.ndjson
	printf 'id,skills,capacity,hours\nk1,security,1,\nk2,security,2,09:00-18:00\n' > crew.csv
	run -0 --separate-stderr fb-route --explain --agents crew.csv --tz UTC \
	    --now 2026-11-23T20:00:00Z in.ndjson
	assert_line '  agent k1: the least loaded of 2 with skill security (k1 0/1, k2 0/2 off shift (09:00-18:00))'
	assert_line '  agent none: none on shift with room, of 2 with skill security (k1 1/1 full, k2 0/2 off shift (09:00-18:00))'
	assert_equal "$stderr" \
	    "fb-route: warning: 2 items found no agent on shift with capacity (skills: security 2)"
}

@test "--coverage: a text table of how often each rule fired, never-fired rules marked" {
	route_items --coverage
	assert_equal "$(head -n 1 routed | tr -s ' ')" "rule file:line fired share"
	grep -qE '^security-p0 +routes.conf:[0-9]+ +3 +10\.3%$' routed || fail "$(cat routed)"
	grep -qE '^legal +routes.conf:[0-9]+ +2 +6\.9%$' routed || fail "$(cat routed)"
	grep -qE '^general +routes.conf:[0-9]+ +4 +13\.8%$' routed || fail "$(cat routed)"
	assert_equal "$(tail -n 2 routed | tr -s ' ')" $'unrouted - 0 0.0%\ntotal 29'
	# every shipped rule fires for some fixture item
	grep -q never routed && fail "a shipped rule never fired: $(cat routed)"
	printf 'rule p0\n  if priority = P0\n  queue a\nrule never\n  if channel = fax\n  queue b\n' > r.conf
	run -0 --separate-stderr to_file cov fb-route --coverage -r r.conf "$FIX/items.ndjson"
	grep -qE '^never +r.conf:4 +0 +never$' cov || fail "$(cat cov)"
	grep -qE '^unrouted +- +25 +86\.2%$' cov || fail "$(cat cov)"
}

@test "--coverage --format json: one object per rule, then unrouted and the total" {
	printf 'rule p0\n  if priority = P0\n  queue a\n\nrule never\n  if channel = fax\n  queue b\n' > r.conf
	run -0 --separate-stderr to_file cov fb-route --coverage --format json -r r.conf "$FIX/items.ndjson"
	assert_equal "$(cat cov)" '{"type":"coverage","rule":"p0","line":1,"fired":4,"share":0.1379}
{"type":"coverage","rule":"never","line":5,"fired":0,"share":0}
{"type":"coverage","rule":null,"fired":25,"share":0.8621}
{"type":"coverage","total":29}'
	assert_equal "$stderr" ""
}

@test "--shadow lists exactly the items routed differently, and says how many on stderr" {
	# the candidate: the same rules, but fresh food stays general and
	# social-pr is renamed (a new name alone is no difference)
	sed -e 's/^rule social-pr$/rule social-media/' \
	    -e 's/if product_category = fresh food$/if product_category = food/' \
	    "$FB_ROOT/share/fb/routes.conf" > candidate.conf
	run -0 --separate-stderr to_file diff.ndjson fb-route --shadow candidate.conf "$FIX/items.ndjson"
	assert_equal "$stderr" "fb-route: shadow: 1 of 29 items routed differently"
	assert_equal "$(cat diff.ndjson)" \
	    '{"id":"cold-zh","live":{"queue":"cold-chain","skill":"cold-chain","notify_within":"2h","rule":"cold-chain"},"shadow":{"queue":"general/logistics","skill":"logistics","notify_within":"2h","rule":"general-p2"}}'
	# the same rules: nothing differs, the summary is still printed (even -q)
	run -0 --separate-stderr fb-route -q --shadow "$FB_ROOT/share/fb/routes.conf" "$FIX/items.ndjson"
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-route: shadow: 0 of 29 items routed differently"
}

@test "--shadow: a change of escalation, advice, front or notify counts; a bad candidate is FILE:LINE" {
	printf '{"id":"a","priority":"P1"}\n{"id":"b","priority":"P2"}\n{"id":"c","priority":"P3"}\n' > in.ndjson
	printf 'rule x\n if priority = P1\n queue q\n escalate boss\nrule y\n if priority = P2\n queue q\n front\nrule z\n queue q\n' > live.conf
	printf 'rule x\n if priority = P1\n queue q\nrule y2\n if priority = P2\n queue q\n front\nrule z\n queue q\n notify 1h\n' > cand.conf
	run -0 --separate-stderr to_file diff.ndjson fb-route -r live.conf --shadow cand.conf in.ndjson
	assert_equal "$(jq -r .id diff.ndjson | paste -sd ' ')" "a c"
	assert_equal "$stderr" "fb-route: shadow: 2 of 3 items routed differently"
	printf 'rule x\n queue\n' > bad.conf
	run -2 --separate-stderr fb-route -r live.conf --shadow bad.conf < /dev/null
	assert_equal "$stderr" "fb-route: bad.conf:2: missing value after 'queue'"
}

#---- the rule language ----

@test "operators: = with globs and numbers, !=, only, ~, !~, < on numbers and strings, literals" {
	cat > r.conf <<'EOF'
rule glob
	if region.province = 广东* 福建省
	queue glob
rule num
	if rating = 1 2
	queue num
rule lit
	if verified = true or gift = null
	queue lit
rule only
	if tags only logistics/* service/bot
	queue only
rule re
	if text ~ "退(款|货)" "refund"
	unless text !~ 订单
	queue re
rule ne
	if channel != app web
	queue ne
rule lt
	if priority <= P1
	if sentiment.score < -0.5
	queue lt
rule rest
	queue rest
EOF
	cat > in.ndjson <<'EOF'
{"id":"1","region":{"province":"广东省","city":"深圳"}}
{"id":"2","region":{"province":"福建省"}}
{"id":"3","rating":2.0}
{"id":"4","rating":"2.0"}
{"id":"5","verified":true}
{"id":"6","gift":null}
{"id":"7","tags":["logistics/delay","service/bot"]}
{"id":"8","tags":["logistics/delay","product/defective"]}
{"id":"9","tags":[]}
{"id":"10","text":"订单退款还没到","channel":"app"}
{"id":"11","text":"退款还没到","channel":"app"}
{"id":"12","channel":"hotline"}
{"id":"13","channel":"app","priority":"P0","sentiment":{"score":-0.8}}
{"id":"14","channel":"app","priority":"P2","sentiment":{"score":-0.8}}
{"id":"15","channel":"app","priority":"P1","sentiment":{"score":-0.2}}
EOF
	run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
	assert_equal "$(jq -r '.id + "=" + .route.queue' out | paste -sd ' ')" \
	    "1=glob 2=glob 3=num 4=rest 5=lit 6=lit 7=only 8=rest 9=rest 10=re 11=rest 12=ne 13=lt 14=rest 15=rest"
}

@test "globs and regexes match characters, not bytes, whatever the locale" {
	cat > r.conf <<'EOF'
rule one-char
	if region.province = 广?省
	if text ~ "^[退换]货.$"
	queue hit
rule rest
	queue rest
EOF
	printf '%s\n' '{"id":"a","region":{"province":"广东省"},"text":"换货吗"}' \
	    '{"id":"b","region":{"province":"广东省"},"text":"换货吗吗"}' \
	    '{"id":"c","region":{"province":"黑龙江省"},"text":"退货吗"}' > in.ndjson
	LC_ALL=C run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
	assert_equal "$(jq -r .route.queue out | paste -sd ' ')" "hit rest rest"
}

@test "a record missing the fields a rule reads falls through to the next rule" {
	cat > r.conf <<'EOF'
rule needs-all
	if priority = P0
	if tags = compliance/*
	if customer.tier exists
	queue first
rule missing-tier
	if customer.tier missing
	queue second
rule last
	queue last
EOF
	printf '%s\n' '{"id":"a","priority":"P0","tags":["compliance/fraud"],"customer":{"tier":"normal"}}' \
	    '{"id":"b","priority":"P0","tags":["compliance/fraud"]}' \
	    '{"id":"c","tags":["compliance/fraud"],"customer":{"tier":"vip"}}' > in.ndjson
	run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
	assert_equal "$(jq -r .route.queue out | paste -sd ' ')" "first second last"
}

@test "fields of the wrong type never crash and never match: the record falls through" {
	cat > r.conf <<'EOF'
rule tags
	if tags = compliance/security
	queue tags
rule prio
	if priority <= P1
	queue prio
rule tier
	if customer.tier = vip
	queue tier
rule re
	if sentiment ~ neg
	queue re
rule score
	if sentiment.score < 0
	queue score
rule last
	queue last
EOF
	cat > in.ndjson <<'EOF'
{"id":"a","tags":"compliance/security-ish","priority":0,"customer":"c-1","sentiment":{"label":"negative"}}
{"id":"b","tags":{"compliance/security":true},"priority":[0],"customer":["vip"],"sentiment":"negative","text":7}
{"id":"c","tags":[["compliance/security"]],"priority":null,"customer":{"tier":["vip"]},"sentiment":{"score":"-1"}}
{"id":"d","tags":[1,true,null],"priority":{"p":"P0"},"customer":{"tier":{"v":1}},"sentiment":{"score":[-1]}}
EOF
	run -0 --separate-stderr to_file out fb-route -r r.conf --customers "$FIX/customers.csv" in.ndjson
	assert_equal "$stderr" ""
	# b: "negative" is a string, so ~ matches it; c: tier ["vip"] is an array holding vip
	assert_equal "$(jq -r .route.queue out | paste -sd ' ')" "last re tier last"
}

@test "queue and skill placeholders: the field, else the default, else empty; JSON-escaped" {
	cat > r.conf <<'EOF'
rule p
	queue    team/{region.province|nowhere}/{channel}
	skill    "{category|other} desk"
	notify   90m
EOF
	printf '%s\n' '{"id":"a","region":{"province":"广东省"},"channel":"app","category":"order"}' \
	    '{"id":"b","channel":"we\"ird\\\u0001","category":""}' \
	    '{"id":"c","region":{"province":7},"category":["x"]}' > in.ndjson
	run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
	assert_equal "$(sed -n 1p out | jq -c .route)" \
	    '{"queue":"team/广东省/app","skill":"order desk","notify_within":"1h30m","rule":"p"}'
	assert_equal "$(sed -n 2p out | jq -r .route.queue)" $'team/nowhere/we"ird\\\x01'
	assert_equal "$(sed -n 2p out | jq -r .route.skill)" "other desk"
	assert_equal "$(sed -n 3p out | jq -c '[.route.queue, .route.skill]')" '["team/nowhere/","other desk"]'
}

@test "notify durations are written back normalised" {
	local d want
	printf '{"id":"a"}\n' > in.ndjson
	for d in "15m 15m" "90m 1h30m" "24h 1d" "1h30m 1h30m" "2w 14d" "3600s 1h" "1d2h 1d2h"; do
		want=${d#* }
		printf 'rule n\n  queue q\n  notify %s\n' "${d% *}" > r.conf
		run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
		[[ $(jq -r .route.notify_within out) == "$want" ]] ||
		    errs+=("notify ${d% *}: got $(jq -r .route.notify_within out), want $want")
	done
	fail_if_errors
}

@test "a record no rule matches is unrouted; with --agents it gets no agent" {
	printf 'rule only-p0\n  if priority = P0\n  queue urgent\n' > r.conf
	printf '{"id":"a","priority":"P3"}\n' > in.ndjson
	run -0 --separate-stderr to_file out fb-route -r r.conf in.ndjson
	assert_equal "$(jq -c .route out)" '{"queue":"unrouted","skill":"unrouted","rule":null}'
	run -0 --separate-stderr to_file out fb-route -r r.conf --agents "$FIX/agents.csv" in.ndjson
	assert_equal "$(jq -c .route out)" '{"queue":"unrouted","skill":"unrouted","rule":null,"agent":null}'
	assert_equal "$stderr" ""
}

@test "@hour and @weekday read the record's ts in --tz; a missing or bad ts does not hold" {
	cat > r.conf <<'EOF'
rule office
	if @hour >= 9
	if @hour < 18
	if @weekday <= fri
	queue office
rule weekend
	if @weekday = sat sun
	queue weekend
rule rest
	queue rest
EOF
	# 01:15Z on Friday 20 November: 09:15 Friday in Shanghai
	printf '%s\n' '{"id":"a","ts":"2026-11-20T01:15:00Z"}' '{"id":"b","ts":"2026-11-21T01:15:00Z"}' \
	    '{"id":"c","ts":"yesterday"}' '{"id":"d"}' '{"id":"e","ts":1795313700}' > in.ndjson
	run -0 --separate-stderr to_file out fb-route -r r.conf --tz Asia/Shanghai in.ndjson
	assert_equal "$(jq -r .route.queue out | paste -sd ' ')" "office weekend rest rest rest"
	run -0 --separate-stderr to_file out fb-route -r r.conf --tz UTC in.ndjson
	assert_equal "$(jq -r .route.queue out | paste -sd ' ')" "rest weekend rest rest rest"
	printf 'rule late\n  if @now.hour >= 22 or @now.weekday = sun\n  queue late\nrule rest\n  queue rest\n' > r.conf
	run -0 --separate-stderr to_file out fb-route -r r.conf --tz UTC --now 2026-11-20T23:00:00Z in.ndjson
	assert_equal "$(jq -r .route.queue out | sort -u)" "late"
}

#---- malformed rule files: FILE:LINE and exit 2 ----

@test "rule file error: unknown keyword" {
	printf 'rule a\n  queue q\n  send q\n' > r.conf
	rules_fail 3 "unknown keyword 'send'"
}

@test "rule file error: a condition or an action outside a rule" {
	printf '# routes\nif priority = P0\nrule a\n  queue q\n' > r.conf
	rules_fail 2 "'if' outside a rule .*"
	printf '\nqueue q\nrule a\n  queue q\n' > r.conf
	rules_fail 2 "'queue' outside a rule .*"
}

@test "rule file error: a rule without a queue" {
	printf 'rule a\n  queue q\n\nrule b\n  if priority = P0\n  notify 1h\nrule c\n  queue q\n' > r.conf
	rules_fail 4 "rule 'b' has no queue"
	printf 'rule a\n  queue q\nrule z\n' > r.conf
	rules_fail 3 "rule 'z' has no queue"
}

@test "rule file error: a duplicate rule name" {
	printf 'rule a\n  queue q\nrule a\n  queue r\n' > r.conf
	rules_fail 3 "duplicate rule name 'a' \\(first on line 1\\)"
}

@test "rule file error: an action twice in a rule" {
	printf 'rule a\n  queue q\n  notify 1h\n  notify 2h\n' > r.conf
	rules_fail 4 "'notify' repeated in rule 'a' \\(first on line 3\\)"
}

@test "rule file error: a bad rule name, or none" {
	printf 'rule a:b\n  queue q\n' > r.conf
	rules_fail 1 "bad rule name 'a:b' .*"
	printf 'rule\n  queue q\n' > r.conf
	rules_fail 1 "missing rule name after 'rule'"
}

@test "rule file error: unknown operator" {
	printf 'rule a\n  if priority == P0\n  queue q\n' > r.conf
	rules_fail 2 "unknown operator '=='"
	printf 'rule a\n  if priority=P0\n  queue q\n' > r.conf
	rules_fail 2 "missing operator after 'priority=P0'"
}

@test "rule file error: a missing VALUE" {
	printf 'rule a\n  if priority =\n  queue q\n' > r.conf
	rules_fail 2 "missing value after '='"
	printf 'rule a\n  queue\n' > r.conf
	rules_fail 2 "missing value after 'queue'"
	printf 'rule a\n  if priority = P0 or\n  queue q\n' > r.conf
	rules_fail 2 "missing condition"
}

@test "rule file error: an extra VALUE" {
	printf 'rule a\n  if tags exists x\n  queue q\n' > r.conf
	rules_fail 2 "extra value 'x' after 'exists'"
	printf 'rule a\n  if urgency < 0.5 0.7\n  queue q\n' > r.conf
	rules_fail 2 "extra value '0.7': '<' takes one value"
	printf 'rule a\n  queue q r\n' > r.conf
	rules_fail 2 "extra word 'r' after 'queue q'"
	printf 'rule a\n  queue q\n  front now\n' > r.conf
	rules_fail 3 "extra word 'now' after 'front'"
}

@test "rule file error: a bad number for < and for @hour" {
	printf 'rule a\n  if urgency >= 0.5x\n  queue q\n' > r.conf
	rules_fail 2 "bad number '0.5x' for '>='"
	printf 'rule a\n  if @hour = nine\n  queue q\n' > r.conf
	rules_fail 2 "bad number 'nine' for @hour"
}

@test "rule file error: a bad regex" {
	printf 'rule a\n  queue q\nrule b\n  if text ~ "(退款"\n  queue q\n' > r.conf
	rules_fail 4 "bad regex '\\(退款': .+"
}

@test "rule file error: a bad or zero duration" {
	printf 'rule a\n  queue q\n  notify soon\n' > r.conf
	rules_fail 3 "invalid duration 'soon' .*"
	printf 'rule a\n  queue q\n  notify 0m\n' > r.conf
	rules_fail 3 "notify '0m': the duration must be more than 0"
	printf 'rule a\n  queue q\n  notify 30m1h\n' > r.conf
	rules_fail 3 "invalid duration '30m1h' .*"
}

@test "rule file error: an unterminated quote" {
	printf 'rule a\n  if text = "unfinished\n  queue q\n' > r.conf
	rules_fail 2 "unterminated quote"
}

@test "rule file error: an unknown @pseudo-field" {
	printf 'rule a\n  if @minute < 30\n  queue q\n' > r.conf
	rules_fail 2 "unknown pseudo-field '@minute' .*"
	printf 'rule a\n  queue q/{@day}\n' > r.conf
	rules_fail 2 "unknown pseudo-field '@day' .*"
	printf 'rule a\n  if @weekday = monday\n  queue q\n' > r.conf
	rules_fail 2 "unknown weekday 'monday' .*"
}

@test "rule file error: a bad placeholder" {
	printf 'rule a\n  queue general/{category|other\n' > r.conf
	rules_fail 2 "unterminated placeholder in 'general/\\{category\\|other': .*"
	printf 'rule a\n  queue q\n  skill x}\n' > r.conf
	rules_fail 3 "bad placeholder in 'x\\}': .*"
	printf 'rule a\n  queue q/{|x}\n' > r.conf
	rules_fail 2 "bad placeholder in 'q/\\{\\|x\\}': no field"
	printf 'rule a\n  queue q/{a{b}}\n' > r.conf
	rules_fail 2 "bad placeholder .*"
}

@test "rule file error: an empty file, or one of comments only" {
	: > r.conf
	rules_fail 1 "no rules"
	printf '# nothing yet\n\n   # really\n' > r.conf
	rules_fail 3 "no rules"
}

@test "rule file error: a line longer than 4096 bytes" {
	{
		printf 'rule a\n  queue q\n  if text = '
		head -c 5000 /dev/zero | tr '\0' x
		printf '\n'
	} > r.conf
	rules_fail 3 "line longer than 4096 bytes"
}

@test "rule file error: a rule may not read route, fb-route's own field" {
	printf 'rule a\n  if route.queue = bot\n  queue q\n' > r.conf
	rules_fail 2 "'route.queue': fb-route never reads its own field 'route'"
}

@test "a missing rule file, or no routes.conf anywhere, is exit 2" {
	run -2 --separate-stderr fb-route -r no-such.conf < /dev/null
	[[ $stderr == "fb-route: "*no-such.conf* ]] || fail "stderr: $stderr"
	mkdir -p empty/bin
	cp "$(command -v fb-route)" empty/bin/
	FB_CONFIG_DIR=$PWD/no-config FB_DATADIR=$PWD/no-config run -2 --separate-stderr \
	    empty/bin/fb-route < /dev/null
	[[ $stderr == "fb-route: cannot find the rules 'routes.conf' in $PWD/no-config, $PWD/no-config, $PWD/empty/share/fb or "*"; name one with -r" ]] ||
	    fail "stderr: $stderr"
}

#---- the record contract ----

@test "idempotence: routing the output again changes nothing" {
	route_items
	run -0 --separate-stderr to_file again fb-route routed
	cmp routed again
	# an old route, even repeated, is replaced once
	printf '%s\n' '{"id":"x","route":{"queue":"old"},"priority":"P0","route":1,"tags":["order/payment"]}' > in.ndjson
	run -0 --separate-stderr to_file out fb-route in.ndjson
	assert_equal "$(grep -o '"route"' out | wc -l)" 1
	assert_equal "$(jq -c 'keys_unsorted' out)" '["id","priority","route","tags"]'
}

@test "unknown fields, key order, big numbers, floats and escapes pass through byte for byte" {
	local line='{"z":1,"id" : "x1","n":12345678901234567890,"f":2116.18,"g":1.50E-400,"e":"\"q\" \\ \/ \b\f\n\r\t \u0041 \ud83d\ude00 \u4f60","a":[ 1 , {"b" : null} ],"text":"包装破损了","nested":{"deep":[[[{}]]],"empty":""}}'
	printf '%s\n' "$line" > in.ndjson
	run -0 --separate-stderr to_file out fb-route in.ndjson
	assert_equal "$(cat out)" "${line%\}},\"route\":{\"queue\":\"general/other\",\"skill\":\"other\",\"notify_within\":\"1d\",\"rule\":\"general\"}}"
}

@test "events and alerts pass through unchanged; type feedback is routed" {
	cat > in.ndjson <<'EOF'
{"type":"event","id":"fb-1","event":"assigned","ts":"2026-11-22T02:15:00Z","agent":"a17","priority":"P0","tags":["order/payment"]}
{ "type" : "alert", "kind":"burst", "route":{"queue":"keep"} }
{"type":"feedback","id":"fb-2","priority":"P0","tags":["order/payment"]}
{"type":null,"id":"fb-3"}
EOF
	run -0 --separate-stderr to_file out fb-route in.ndjson
	head -n 2 in.ndjson > want
	head -n 2 out > got
	cmp got want
	assert_equal "$(sed -n 3p out | jq -r .route.queue)" security
	assert_equal "$(sed -n 4p out | jq -r .route.queue)" general/other
	# nothing in the reports about events
	run -0 --separate-stderr fb-route --explain in.ndjson
	[[ $output != *"<stdin>"* && $output != *"in.ndjson:1)"* ]] || fail "explained an event: $output"
	run -0 --separate-stderr fb-route --coverage --format json in.ndjson
	assert_line '{"type":"coverage","total":2}'
}

@test "bad input lines are rejected with FILE:LINE, the rest routed, exit 1" {
	printf '{"id":"a"}\nnot json\n{"id":"b"}\n' > in.ndjson
	run -1 --separate-stderr to_file out fb-route --reject bad.txt in.ndjson
	[[ $stderr == "fb-route: in.ndjson:2: invalid JSON at byte "* ]] || fail "stderr: $stderr"
	assert_equal "$(jq -r .id out | paste -sd ' ')" "a b"
	assert_equal "$(cat bad.txt)" "not json"
}

@test "--pretty indents the records" {
	printf '{"id":"a"}\n' > in.ndjson
	run -0 --separate-stderr to_file out fb-route --pretty in.ndjson
	assert_equal "$(jq -c . out)" '{"id":"a","route":{"queue":"general/other","skill":"other","notify_within":"1d","rule":"general"}}'
	(($(lines out) > 1)) || fail "not indented: $(cat out)"
}

#---- options ----

@test "--help lists every option; usage errors are exit 2" {
	run -0 --separate-stderr fb-route --help
	assert_line --index 0 "usage: fb-route [-equv] [--coverage] [--pretty] [--strict] [-r rules]"
	local opt
	for opt in --rules --explain --coverage --shadow --agents --customers --format \
	    --now --tz --reject --strict --pretty; do
		grep -qe "$opt" <<< "$output" || errs+=("--help lacks $opt")
	done
	fail_if_errors
	run -2 --separate-stderr fb-route --coverage --format csv < /dev/null
	assert_equal "${stderr%%$'\n'*}" "fb-route: invalid --format 'csv' (text or json)"
	run -2 --separate-stderr fb-route --explain --coverage < /dev/null
	assert_equal "${stderr%%$'\n'*}" "fb-route: --explain, --coverage and --shadow exclude each other"
	run -2 --separate-stderr fb-route --coverage --agents "$FIX/agents.csv" < /dev/null
	assert_equal "${stderr%%$'\n'*}" "fb-route: --agents goes with routing or --explain, not with --coverage"
	run -2 --separate-stderr fb-route --bogus < /dev/null
	assert_equal "${stderr%%$'\n'*}" "fb-route: unknown option '--bogus'"
}

# man page EXAMPLES
#
# Each example of share/man/man1/fb-route.1, run as the page gives it on
# the files of examples/ (fb-tag and fb-rank included, so these tests
# follow the shipped models and policy: what they check is what the page
# says).

# man_setup: the examples/ directory in the test's own directory.
man_setup() {
	cp -R "$FB_ROOT/examples" .
}

@test "man EXAMPLES: the usual pipeline routes every item; senior is the biggest queue" {
	man_setup
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson |
	    fb-rank --customers examples/customers.csv |
	    fb-route > routed.ndjson"
	assert_equal "$stderr" ""
	assert_equal "$(lines routed.ndjson)" "$(lines examples/sample.ndjson)"
	# the events pass through byte for byte
	assert_equal "$(grep '"type":"event"' routed.ndjson)" \
	    "$(grep '"type":"event"' examples/sample.ndjson)"
	run -0 --separate-stderr bash -c "set -o pipefail
	    jq -r 'select(.route) | .route.queue' routed.ndjson |
	    sort | uniq -c | sort -rn"
	assert_equal "${lines[0]}" "     21 senior"
	assert_equal "${lines[1]}" "      5 general/logistics"
	assert_equal "$(awk '{ n += $1 } END { print n }' <<< "$output")" 40
	# the P0 account takeover and the privacy leak
	assert_equal "$(jq -r 'select(.id == "fb-7dd5b7d3c759") | .route.queue' routed.ndjson)" security
	assert_equal "$(jq -r 'select(.id == "fb-0d28973a3853") | .route.queue' routed.ndjson)" legal
}

@test "man EXAMPLES: --explain of a P0 payment item names security-p0 at once" {
	run -0 --separate-stderr bash -c "echo '{\"priority\":\"P0\",\"tags\":[\"order/payment\"]}' |
	    fb-route --explain"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "(no id) (<stdin>:1)"
	[[ ${lines[1]} == "  YES  security-p0 (routes.conf:"*") -> queue security, skill security, escalate security-oncall duty-manager, notify 15m" ]] ||
	    fail "${lines[1]}"
}

@test "man EXAMPLES: --explain shows that cold-chain does not name groceries" {
	man_setup
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-rank |
	    jq -c 'select(.id == \"fb-8b43f5e00ff0\")' | fb-route -e"
	assert_equal "$stderr" ""
	assert_equal "${lines[0]}" "fb-8b43f5e00ff0 (<stdin>:1)"
	assert_line --regexp '^  no   cold-chain \(routes\.conf:[0-9]+\): product_category is "groceries", not fresh/food$'
	[[ ${lines[-1]} == "  YES  general-p2 (routes.conf:"*") -> queue general/logistics, skill logistics, notify 2h" ]] ||
	    fail "last line: ${lines[-1]}"
}

@test "man EXAMPLES: --coverage counts every item; cold-chain never fires on the sample" {
	man_setup
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-rank | fb-route --coverage"
	assert_equal "$stderr" ""
	# a header, the 12 shipped rules, unrouted and total
	assert_equal "${#lines[@]}" 15
	[[ ${lines[0]} =~ ^rule\ +file:line\ +fired\ +share$ ]] || fail "${lines[0]}"
	assert_line --regexp '^cold-chain +routes\.conf:[0-9]+ +0 +never$'
	assert_line --regexp '^unrouted +- +0 +0\.0%$'
	assert_line --regexp '^total +40$'
	# the same counts as JSON add up to the total
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-rank | fb-route --coverage --format json"
	assert_equal "$(jq -s '[.[] | .fired // 0] | add' <<< "$output")" 40
	assert_equal "$(jq -s '.[-1].total' <<< "$output")" 40
}

@test "man EXAMPLES: --shadow with groceries in cold-chain lists the three grocery complaints" {
	man_setup
	sed 's/= fresh food$/= fresh food groceries/' \
	    "$FB_ROOT/share/fb/routes.conf" > new-routes.conf
	# the sed changed exactly one line
	assert_equal "$(diff "$FB_ROOT/share/fb/routes.conf" new-routes.conf | grep -c '^>')" 1
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-rank |
	    fb-route --shadow new-routes.conf > shadow.ndjson"
	assert_equal "$stderr" "fb-route: shadow: 3 of 40 items routed differently"
	assert_equal "$(jq -r .id shadow.ndjson)" "$(printf '%s\n' fb-690651147983 fb-8b43f5e00ff0 fb-62f622cc8077)"
	assert_equal "$(jq -r .shadow.queue shadow.ndjson | sort -u)" cold-chain
	assert_equal "$(jq -r '.live.rule' shadow.ndjson | grep -c cold-chain)" 0
}

@test "man EXAMPLES: --agents at ten on a Monday in Shanghai: nobody over capacity, the night shift idle" {
	man_setup
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson |
	    fb-rank --customers examples/customers.csv |
	    fb-route --agents examples/agents.csv \
	    --tz Asia/Shanghai --now '2026-11-23 10:00' > assigned.ndjson"
	local none
	none=$(jq -r 'select(.route) | .route.agent // "none"' assigned.ndjson | grep -c '^none$')
	((none > 0)) || fail "every item found an agent: the example shows the warning"
	assert_equal "$stderr" "fb-route: warning: $none items found no agent on shift with capacity (skills: senior $none)"
	run -0 --separate-stderr bash -c "set -o pipefail
	    jq -r 'select(.route) | .route.agent // \"none\"' assigned.ndjson |
	    sort | uniq -c"
	assert_line --regexp "^ +$none none\$"
	# a32 works 21:00-09:00: off shift at 10:00
	refute_line --regexp ' a32$'
	# nobody gets more items than the capacity of agents.csv
	local n id cap
	while read -r n id; do
		[[ $id == none ]] && continue
		cap=$(awk -F, -v id="$id" '$1 == id { print $4 }' examples/agents.csv)
		((n <= cap)) || errs+=("$id got $n items, capacity $cap")
	done <<< "$output"
	fail_if_errors
	# the same items, given one by one with --explain, go to the same agents
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson |
	    fb-rank --customers examples/customers.csv |
	    fb-route -e --agents examples/agents.csv \
	    --tz Asia/Shanghai --now '2026-11-23 10:00' |
	    sed -n 's/^  agent \([^:]*\):.*/\1/p'"
	assert_equal "$output" "$(jq -r 'select(.route) | .route.agent // "none"' assigned.ndjson)"
}

@test "man EXAMPLES: --customers without fb-rank finds the VIPs and accessibility flags of the CRM table" {
	man_setup
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson |
	    fb-route --customers examples/customers.csv |
	    jq -r 'select(.route.rule == \"vip-senior\") | .id'"
	assert_equal "$stderr" ""
	local with=$output id
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-route |
	    jq -r 'select(.route.rule == \"vip-senior\") | .id'"
	local without=$output
	assert_equal "$(wc -l <<< "$with")" $(($(wc -l <<< "$without") + 4))
	# only an id (svip, vip, accessibility), and flags [] with accessibility in the table
	for id in fb-adb2f35f9e6d fb-54172e8d43aa fb-231186488891 fb-97d505cdafb8; do
		grep -qx "$id" <<< "$with" || errs+=("$id is not senior with --customers")
		! grep -qx "$id" <<< "$without" || errs+=("$id is senior without --customers")
	done
	# the record's tier normal wins over the table's vip
	! grep -qx fb-13d0fded1c42 <<< "$with" || errs+=("fb-13d0fded1c42: the table overrode the record")
	fail_if_errors
}

@test "man EXAMPLES: a night desk of one's own with @hour, @weekday and --tz" {
	man_setup
	printf 'rule night\n\tif priority = P0 P1\n\tif @hour >= 22 or @hour < 8\n\tqueue  night/{@weekday}\n\tnotify 30m\nrule day\n\tqueue  day/{category|other}\n' > night.conf
	run -0 --separate-stderr bash -c "set -o pipefail
	    fb-tag examples/sample.ndjson | fb-rank |
	    fb-route -r night.conf --tz Asia/Shanghai > night.ndjson"
	assert_equal "$stderr" ""
	assert_equal "$(jq -r 'select(.route.rule == "night") | .id + " " + .route.queue' night.ndjson)" \
	    "$(printf '%s\n' 'fb-13d0fded1c42 night/wed' 'fb-fe3ebe50cf40 night/thu' 'fb-7dd5b7d3c759 night/thu')"
	# what the rules mean, worked out apart: Shanghai is UTC+8 all year
	local want
	want=$(jq -r 'select(.type != "event") |
	    (.ts | fromdate + 8 * 3600 | gmtime) as $t |
	    if (.priority == "P0" or .priority == "P1") and ($t[3] >= 22 or $t[3] < 8)
	    then "night/" + (["sun","mon","tue","wed","thu","fri","sat"][$t[6]])
	    else "day/" + (.category // "other") end' night.ndjson)
	assert_equal "$(jq -r 'select(.type != "event") | .route.queue' night.ndjson)" "$want"
	assert_equal "$(jq -r 'select(.route.rule == "night") | .route.notify_within' night.ndjson | sort -u)" 30m
}

# Regressions found while the man page was written

@test "--now is read in the --tz that follows it on the command line" {
	printf 'rule ten\n\tif @now.hour = 10\n\tqueue ten\nrule other\n\tqueue other\n' > r.conf
	run -0 --separate-stderr fb-route -r r.conf --now '2026-11-23 10:00' --tz Asia/Shanghai <<< '{"id":"n1"}'
	assert_equal "$(jq -r .route.queue <<< "$output")" ten
	run -0 --separate-stderr fb-route -r r.conf --tz Asia/Shanghai --now '2026-11-23 10:00' <<< '{"id":"n1"}'
	assert_equal "$(jq -r .route.queue <<< "$output")" ten
}

@test "a queue placeholder with no value and no default routes to unrouted, never to an empty queue" {
	printf 'rule by-shop\n\tqueue {shop}\n' > r.conf
	run -0 --separate-stderr fb-route -r r.conf <<< '{"id":"q1"}'
	assert_equal "$(jq -c '[.route.queue, .route.skill, .route.rule]' <<< "$output")" '["unrouted","unrouted","by-shop"]'
	run -0 --separate-stderr fb-route -r r.conf <<< '{"id":"q2","shop":"旗舰店"}'
	assert_equal "$(jq -r .route.queue <<< "$output")" 旗舰店
}

@test "an explicit null customer.flags stays null when fb-rank joined an empty list" {
	printf 'rule nul\n\tif customer.flags = null\n\tqueue nul\nrule other\n\tqueue other\n' > r.conf
	run -0 --separate-stderr fb-route -r r.conf <<< '{"id":"f1","customer":{"id":"c1","flags":null},"rank_factors":{"value":{"flags":[]}}}'
	assert_equal "$(jq -r .route.queue <<< "$output")" nul
}

@test "--format without --coverage is a usage error" {
	run -2 --separate-stderr fb-route --format json < /dev/null
	assert_output ""
	[[ $stderr == *"--format goes with --coverage"* ]] || fail "$stderr"
}

@test "agents' hours: days in any case and separated by blanks, as spreadsheets write them" {
	printf 'id,skills,hours\nwe,x,Sat Sun 10:00-12:00\nwd,x,MON-FRI 09:00-18:00\n' > ag.csv
	printf 'rule a\n\tqueue x\n' > r.conf
	run -0 --separate-stderr fb-route -r r.conf --agents ag.csv --tz Asia/Shanghai --now '2026-11-22 11:00' <<< '{"id":"s"}'
	assert_equal "$(jq -r .route.agent <<< "$output")" we
	run -0 --separate-stderr fb-route -r r.conf --agents ag.csv --tz Asia/Shanghai --now '2026-11-23 11:00' <<< '{"id":"m"}'
	assert_equal "$(jq -r .route.agent <<< "$output")" wd
	printf 'id,skills,hours\nbad,x,Mon-Fri 9-18\n' > bad.csv
	run -2 --separate-stderr fb-route -r r.conf --agents bad.csv <<< '{}'
	[[ $stderr == "fb-route: bad.csv:2: agent 'bad': bad hours 'Mon-Fri 9-18': "* ]] || fail "$stderr"
}

@test "a rule file that starts with a UTF-8 BOM, as Notepad saves it, is read" {
	printf '\xef\xbb\xbfrule a\n\tqueue x\n' > r.conf
	run -0 --separate-stderr fb-route -r r.conf <<< '{"id":"b"}'
	assert_equal "$(jq -r .route.queue <<< "$output")" x
}
