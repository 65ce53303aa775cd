# shellcheck shell=bash disable=SC2016,SC2034
# bench/equivalents.sh: the jq and Miller programs the bench scripts run
# against fb, one copy of each.  Sourced by bench/all, tag.sh, rank.sh,
# report.sh and anomaly.sh; sets variables only.  The scripts put each
# program inside '...' in a shell command, so none may contain a single
# quote.  To rerun one by hand:
#   . bench/equivalents.sh; jq -c "$JQ_TAG" records.ndjson
#   mlr --ijsonl --ojsonl put "$MLR_TAG" records.ndjson
#
# They are what an analyst would write for the same job: each computes
# what its comment says, and each comment says what fb does that it does
# not.  The jq and Miller programs of a stage compute the same thing, and
# each stage reads the fields the one before it writes, so that they make
# a pipeline (bench/all) as the fb stages do.

# Ingest: a raw NDJSON export (fb-gen --format ndjson: every channel's own
# field names and time formats) into records, as fb-ingest does: the
# export's id as source.ref and, prefixed "fb-", as id; created_at in any
# of the export's formats (epoch seconds or milliseconds, ISO 8601 with or
# without a zone, 2026.10.01 09:00, 2026/10/01, 2026年10月01日, RFC 2822),
# local times read as Asia/Shanghai (+08:00, no daylight saving), to UTC
# with the milliseconds kept; customer, region and attachments nested;
# text with its white space collapsed; lang "zh" when the text has a Han
# character, else "en"; every other field kept.  On 20,000 fb-gen items the
# ts, channel, customer, region, text and attachments are fb-ingest's,
# lang differs on 2 (mixed texts).  Left out: the content hash that makes
# fb-ingest's id stable across re-exports, source.line, the language guess
# for mixed texts, --redact, --store (dropping what the store holds),
# other encodings (GB18030, GBK, Big5) and formats (CSV, TSV, mbox,
# e-mail, JSON arrays), control characters, and rejecting bad lines (a
# time jq cannot read drops the record silently; Miller writes "").
JQ_INGEST='def utc:
  if type == "number" then
    if . > 1e11 then {e: (. / 1000 | floor),
      f: (. % 1000 | if . > 0 then "." + ("00" + tostring | .[-3:]) else null end)}
    else {e: .} end
  elif test("^[A-Z][a-z]{2}, ") then
    capture("(?<d>\\d+) (?<b>[A-Z][a-z]{2}) (?<y>\\d{4}) (?<h>\\d+):(?<mi>\\d+):(?<s>\\d+) (?<z>[+-]\\d{4})")
    | .mo = ({Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8,
        Sep: 9, Oct: 10, Nov: 11, Dec: 12}[.b] | tostring)
  else
    capture("^(?<y>\\d{4})\\D(?<mo>\\d{1,2})\\D(?<d>\\d{1,2})\\D*(?<h>\\d{1,2}):(?<mi>\\d{2})(:(?<s>\\d{2}))?(?<f>\\.\\d+)?(?<z>Z|[+-]\\d{2}:?\\d{2})?")
  end
  | if .e then .
    else ([.y, .mo, .d, .h, .mi, .s // "0"] | map(tonumber)) as [$y, $mo, $d, $h, $mi, $s]
      | (.z // "+0800" | if . == "Z" then 0 else sub(":"; "") | tonumber
          | (if . < 0 then -1 else 1 end) * ((fabs / 100 | floor) * 3600 + (fabs % 100) * 60)
          end) as $off
      | {e: ([$y, $mo - 1, $d, $h, $mi, $s, 0, 0] | mktime - $off), f}
    end
  | (.e | todate) as $t | if .f then $t[:-1] + .f + "Z" else $t end;
(.ticket_id // .review_id // .call_id // .message_id // .id | tostring) as $ref
| {id: ("fb-" + $ref), ts: (.created_at | utc), channel,
   source: {file: input_filename, ref: $ref},
   customer: {id: .user_id, tier, annual_spend},
   order_id, sku, product_category: .category,
   region: {province, city, district},
   text: (.content | gsub("\\s+"; " ") | sub("^ | $"; "")),
   lang: (if .content | test("\\p{Han}") then "zh" else "en" end),
   rating, attachments: {images, videos}}
  + del(.ticket_id, .review_id, .call_id, .message_id, .id, .created_at, .channel,
      .user_id, .tier, .annual_spend, .order_id, .sku, .category, .province, .city,
      .district, .content, .rating, .images, .videos)
| del(.customer[], .region[], .attachments[] | nulls)
| del(.[] | select(. == null or . == {}))'
MLR_INGEST='func pad(str s): str { return strlen(s) < 2 ? "0" . s : s }
t = $created_at;
ts = "";
if (is_numeric(t)) {
  ms = t > 1e11 ? t % 1000 : 0;
  ts = sec2gmt(t > 1e11 ? int(t / 1000) : t);
  ts = ms == 0 ? ts : sub(ts, "Z$", "." . fmtnum(ms, "%03d") . "Z");
} elif (t =~ "^[A-Z][a-z]{2}, ([0-9]{1,2}) ([A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4})") {
  ts = sec2gmt(strptime(pad("\1") . " \2", "%d %b %Y %H:%M:%S %z"));
} elif (t =~ "^([0-9]{4})[^0-9]([0-9]{1,2})[^0-9]([0-9]{1,2})[^0-9]*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?") {
  z = "\8" == "" ? "+0800" : "\8" == "Z" ? "+0000" : sub("\8", ":", "");
  e = strptime(format("{}-{}-{} {}:{}:{} {}", "\1", pad("\2"), pad("\3"), pad("\4"), "\5",
      "\6" == "" ? "00" : "\6", z), "%Y-%m-%d %H:%M:%S %z");
  ts = "\7" == "" ? sec2gmt(e) : sub(sec2gmt(e), "Z$", "\7Z");
}
ref = string($ticket_id ?? $review_id ?? $call_id ?? $message_id ?? $id);
m = {"id": "fb-" . ref, "ts": ts, "channel": $channel,
  "source": {"file": FILENAME, "ref": ref},
  "customer": {"id": $user_id, "tier": $tier, "annual_spend": $annual_spend},
  "order_id": $order_id, "sku": $sku, "product_category": $category,
  "region": {"province": $province, "city": $city, "district": $district},
  "text": strip(gsub($content, "\s+", " ")),
  "lang": $content =~ "\p{Han}" ? "zh" : "en",
  "rating": $rating, "attachments": {"images": $images, "videos": $videos}};
for (k, v in m) { if (is_empty_map(v)) { unset m[k] } }
$* = mapsum(m, mapexcept($*, "ticket_id", "review_id", "call_id", "message_id", "id",
  "created_at", "channel", "user_id", "tier", "annual_spend", "order_id", "sku", "category",
  "province", "city", "district", "content", "rating", "images", "videos"))'

# Tag: six keyword tests for tags, the primary category (the first tag's,
# else "other"), a keyword sentiment (label and score) and a length-based
# quality.  fb-tag matches some 8,000 phrases with negation and contrast
# (没有破损 tags nothing), scores a 2-million-weight model for each record,
# and adds emotion, lang and a quality from detail and actionability.
JQ_TAG='.text as $t
| [ (if ($t | test("慢|超时|late|delay")) then "logistics/delay" else empty end),
    (if ($t | test("破损|压坏|洒了|damaged|broken")) then "logistics/damaged" else empty end),
    (if ($t | test("退款|退货|refund|return")) then "service/return_refund" else empty end),
    (if ($t | test("质量|坏了|难吃|defect|awful")) then "product/defective" else empty end),
    (if ($t | test("闪退|崩溃|crash")) then "platform/crash" else empty end),
    (if ($t | test("优惠券|coupon")) then "marketing/coupon" else empty end) ] as $tags
| . + {tags: $tags, category: ($tags[0] // "other" | split("/")[0]),
  sentiment: (if ($t | test("差|垃圾|失望|bad|terrible|awful"))
    then {label: "negative", score: -0.8} else {label: "positive", score: 0.6} end),
  quality: (($t | length) / 100 | if . > 1 then 1 else . end)}'
MLR_TAG='t = $text;
tags = [];
if (t =~ "慢|超时|late|delay") { tags = append(tags, "logistics/delay") }
if (t =~ "破损|压坏|洒了|damaged|broken") { tags = append(tags, "logistics/damaged") }
if (t =~ "退款|退货|refund|return") { tags = append(tags, "service/return_refund") }
if (t =~ "质量|坏了|难吃|defect|awful") { tags = append(tags, "product/defective") }
if (t =~ "闪退|崩溃|crash") { tags = append(tags, "platform/crash") }
if (t =~ "优惠券|coupon") { tags = append(tags, "marketing/coupon") }
$tags = tags;
$category = length(tags) > 0 ? splitax(tags[1], "/")[1] : "other";
$sentiment = t =~ "差|垃圾|失望|bad|terrible|awful" ? {"label": "negative", "score": -0.8}
  : {"label": "positive", "score": 0.6};
$quality = min(strlen(t) / 100, 1)'

# Rank: five of the six factors (not history) weighted as rank.conf weighs
# them, the compliance override (urgency 0.8) and the priority thresholds,
# with each factor simplified: severity from 10 of rank.conf's 36 tag
# entries (any other tag 0.35, no tag 0.3, no wildcards); negativity the
# negative sentiment's score; emotion 1 for anger and 0.5 for any other
# (rank.conf: anxiety 0.7); value from the tier alone (not annual spend,
# not the accessibility flag); spread from weibo and douyin alone (not
# review, not reach).  Left out: history, the customer's earlier complaints
# and the repeat raise, similar complaints about the same SKU (bursts),
# since jq and Miller hold no state across records without reading the
# whole input into memory; the P1 floor of illegal content; the
# explanation.
JQ_RANK='([.tags[]? | {"compliance/security":1, "compliance/fraud":1,
    "compliance/privacy":1, "order/payment":0.8, "platform/crash":0.75,
    "logistics/lost":0.7, "product/defective":0.55, "logistics/delay":0.45,
    "praise":0, "suggestion/feature":0.1}[.] // 0.35] | max // 0.3) as $sev
  | (if .sentiment.label == "negative" then -.sentiment.score else 0 end) as $neg
  | (if .emotion == "anger" then 1 elif .emotion then 0.5 else 0 end) as $emo
  | ({"vip": 0.6, "svip": 1}[.customer.tier // ""] // 0) as $val
  | (if .channel == "weibo" or .channel == "douyin" then 0.7 else 0 end) as $spr
  | (0.45 * $sev + 0.2 * $neg + 0.1 * $emo + 0.08 * $val + 0.09 * $spr) as $u
  | (if any(.tags[]?; test("^compliance/(security|fraud|privacy)$")) then 0.8
     else $u end) as $u
  | . + {priority: (if $u >= 0.8 then "P0" elif $u >= 0.5 then "P1"
      elif $u >= 0.3 then "P2" else "P3" end), urgency: $u,
    rank_factors: {severity: $sev, negativity: $neg, emotion: $emo,
      value: $val, spread: $spr}}'
MLR_RANK='sevs = {"compliance/security": 1, "compliance/fraud": 1,
  "compliance/privacy": 1, "order/payment": 0.8, "platform/crash": 0.75,
  "logistics/lost": 0.7, "product/defective": 0.55, "logistics/delay": 0.45,
  "praise": 0, "suggestion/feature": 0.1};
tags = is_array($tags) ? $tags : [];
sev = 0.3;
if (length(tags) > 0) {
  sev = 0;
  for (tag in tags) { sev = max(sev, sevs[tag] ?? 0.35) }
}
neg = $sentiment["label"] == "negative" ? -($sentiment["score"]) : 0;
emo = is_absent($emotion) ? 0 : $emotion == "anger" ? 1 : 0.5;
val = {"vip": 0.6, "svip": 1}[$customer["tier"] ?? "-"] ?? 0;
spr = $channel == "weibo" || $channel == "douyin" ? 0.7 : 0;
u = 0.45 * sev + 0.2 * neg + 0.1 * emo + 0.08 * val + 0.09 * spr;
if (any(tags, func(tag) { return tag =~ "^compliance/(security|fraud|privacy)$" })) { u = 0.8 }
$priority = u >= 0.8 ? "P0" : u >= 0.5 ? "P1" : u >= 0.3 ? "P2" : "P3";
$urgency = u;
$rank_factors = {"severity": sev, "negativity": neg, "emotion": emo, "value": val, "spread": spr}'

# Route: the shipped share/fb/routes.conf written as one if-elif chain,
# the first rule that matches giving the queue, skill, escalation, notice
# and the rule's name.  On fb-rank's output it writes what fb-route writes,
# byte for byte (checked on 20,000 fb-gen records).  Left out: reading the
# rules from a file (here they are the program), agents, skills, shifts and
# capacity (--agents), --coverage, --shadow and --explain.
JQ_ROUTE='(.category // "other") as $cat | [.tags[]?] as $tags
| (.sentiment.label != "positive") as $notpos
| . + {route: (
  if .priority == "P0" and any($tags[]; . == "compliance/security"
      or . == "compliance/fraud" or . == "order/payment" or . == "order/billing")
    then {queue: "security", skill: "security", escalate: ["security-oncall", "duty-manager"],
      notify_within: "15m", rule: "security-p0"}
  elif any($tags[]; . == "compliance/privacy" or . == "compliance/illegal_content")
    then {queue: "legal", skill: "legal", escalate: ["legal-counsel"], notify_within: "2h",
      rule: "legal", advice: ["freeze"]}
  elif (.channel == "weibo" or .channel == "douyin") and (any(.rank_factors.flags[]?; . == "burst")
      or ((.rank_factors.spread | objects | .reach) // 0) >= 10000)
    then {queue: "pr", skill: "pr", escalate: ["pr-lead"], notify_within: "1h", rule: "social-pr"}
  elif .customer.tier == "vip" or .customer.tier == "svip"
      or any(.customer.flags[]?; . == "accessibility")
    then {queue: "senior", skill: "senior", notify_within: "1h", rule: "vip-senior", front: true}
  elif $notpos and .product_category == "beauty" and any($tags[]; startswith("product/"))
    then {queue: "cosmetics", skill: "cosmetics", notify_within: "2h", rule: "cosmetics"}
  elif $notpos and (.product_category == "electronics" or .product_category == "appliances")
      and any($tags[]; startswith("product/") or . == "service/after_sales")
    then {queue: "devices", skill: "devices", notify_within: "2h", rule: "devices"}
  elif $notpos and (.product_category == "fresh" or .product_category == "food")
      and any($tags[]; startswith("product/") or . == "logistics/delay" or . == "logistics/damaged")
    then {queue: "cold-chain", skill: "cold-chain", notify_within: "2h", rule: "cold-chain"}
  elif ($tags | length) > 0 and all($tags[]; . == "logistics/tracking" or . == "service/return_refund")
      and .sentiment.label != "negative" and (.priority == "P2" or .priority == "P3")
    then {queue: "bot", skill: "bot", notify_within: "1h", rule: "auto-reply"}
  elif .priority == "P0"
    then {queue: ("general/" + $cat), skill: $cat, escalate: ["duty-manager"],
      notify_within: "15m", rule: "general-p0"}
  elif .priority == "P1"
    then {queue: ("general/" + $cat), skill: $cat, escalate: ["team-lead"],
      notify_within: "1h", rule: "general-p1"}
  elif .priority == "P2"
    then {queue: ("general/" + $cat), skill: $cat, notify_within: "2h", rule: "general-p2"}
  else {queue: ("general/" + $cat), skill: $cat, notify_within: "1d", rule: "general"}
  end)}'
MLR_ROUTE='tags = is_array($tags) ? $tags : [];
flags = is_array($rank_factors["flags"]) ? $rank_factors["flags"] : [];
spread = $rank_factors["spread"];
reach = is_map(spread) ? spread["reach"] ?? 0 : 0;
cflags = is_array($customer["flags"]) ? $customer["flags"] : [];
tier = $customer["tier"] ?? "";
label = $sentiment["label"] ?? "";
pc = $product_category ?? "";
cat = $category ?? "other";
pri = $priority ?? "";
if (pri == "P0" && any(tags, func(tag) { return tag == "compliance/security"
    || tag == "compliance/fraud" || tag == "order/payment" || tag == "order/billing" })) {
  $route = {"queue": "security", "skill": "security", "escalate": ["security-oncall", "duty-manager"],
    "notify_within": "15m", "rule": "security-p0"};
} elif (any(tags, func(tag) { return tag == "compliance/privacy" || tag == "compliance/illegal_content" })) {
  $route = {"queue": "legal", "skill": "legal", "escalate": ["legal-counsel"], "notify_within": "2h",
    "rule": "legal", "advice": ["freeze"]};
} elif (($channel == "weibo" || $channel == "douyin")
    && (any(flags, func(f) { return f == "burst" }) || reach >= 10000)) {
  $route = {"queue": "pr", "skill": "pr", "escalate": ["pr-lead"], "notify_within": "1h", "rule": "social-pr"};
} elif (tier == "vip" || tier == "svip" || any(cflags, func(f) { return f == "accessibility" })) {
  $route = {"queue": "senior", "skill": "senior", "notify_within": "1h", "rule": "vip-senior", "front": true};
} elif (label != "positive" && pc == "beauty" && any(tags, func(tag) { return tag =~ "^product/" })) {
  $route = {"queue": "cosmetics", "skill": "cosmetics", "notify_within": "2h", "rule": "cosmetics"};
} elif (label != "positive" && (pc == "electronics" || pc == "appliances")
    && any(tags, func(tag) { return tag =~ "^product/" || tag == "service/after_sales" })) {
  $route = {"queue": "devices", "skill": "devices", "notify_within": "2h", "rule": "devices"};
} elif (label != "positive" && (pc == "fresh" || pc == "food")
    && any(tags, func(tag) { return tag =~ "^product/" || tag == "logistics/delay" || tag == "logistics/damaged" })) {
  $route = {"queue": "cold-chain", "skill": "cold-chain", "notify_within": "2h", "rule": "cold-chain"};
} elif (length(tags) > 0 && every(tags, func(tag) { return tag == "logistics/tracking" || tag == "service/return_refund" })
    && label != "negative" && (pri == "P2" || pri == "P3")) {
  $route = {"queue": "bot", "skill": "bot", "notify_within": "1h", "rule": "auto-reply"};
} elif (pri == "P0") {
  $route = {"queue": "general/" . cat, "skill": cat, "escalate": ["duty-manager"],
    "notify_within": "15m", "rule": "general-p0"};
} elif (pri == "P1") {
  $route = {"queue": "general/" . cat, "skill": cat, "escalate": ["team-lead"],
    "notify_within": "1h", "rule": "general-p1"};
} elif (pri == "P2") {
  $route = {"queue": "general/" . cat, "skill": cat, "notify_within": "2h", "rule": "general-p2"};
} else {
  $route = {"queue": "general/" . cat, "skill": cat, "notify_within": "1d", "rule": "general"};
}'

# Report, one piece: items (lines without a type) per channel and primary
# category, the map step of the report's grouped table (fb-report -g
# channel,category -t by -m items), run as jq -r "$JQ_GROUP" | sort |
# uniq -c; for Miller, the filter before count-distinct -f channel,category.
JQ_GROUP='select(.type == null) | [.channel, .category] | @tsv'
MLR_GROUP='is_absent($type)'

# Report, the counts of every by-table in one pass, run as jq -n: for the
# summary and per channel, category, subcategory (each tag), product
# category, SKU, province, priority and queue, the items, the complaints
# (negative, or a tag of the seven complaint categories, as fb-report
# counts them) and the sentiment mix; each table sorted by items.  Left
# out, being what needs each item joined with its lifecycle events (by id,
# over a million ids) or more than counting: first-response and resolution
# times (mean, median, p90), answered and resolved in target, closed within
# 48h, the closed-loop rate, CSAT and NPS, the open items, the series by
# week, the trend per category, the heat map by local hour, the top
# complaints with their examples and the change against the window before.
JQ_REPORT='def count($table; $key; $s; $c):
  .[$table][$key // "(none)" | tostring] |= (.items += 1
    | .complaints += (if $c then 1 else 0 end) | .[$s] += 1);
reduce (inputs | select(.type == null)) as $r ({};
  ($r.sentiment.label // "no_sentiment") as $s
  | ($s == "negative" or any($r.tags[]?;
      test("^(product|logistics|service|order|marketing|platform|compliance)(/|$)"))) as $c
  | count("summary"; "all"; $s; $c)
  | count("channel"; $r.channel; $s; $c)
  | count("category"; $r.category; $s; $c)
  | reduce ($r.tags[]?) as $t (.; count("subcategory"; $t; $s; $c))
  | count("product_category"; $r.product_category; $s; $c)
  | count("sku"; $r.sku; $s; $c)
  | count("region"; $r.region.province; $s; $c)
  | count("priority"; $r.priority; $s; $c)
  | count("queue"; $r.route.queue; $s; $c))
| map_values(to_entries | sort_by(-.value.items) | map({key} + .value))'

# Anomaly, one piece: negative items per SKU, the counting behind the sku
# detector, run as jq -r "$JQ_ANOMALY" | sort | uniq -c; for Miller, the
# filter before count -g sku.  Left out: each SKU against its product
# category's rate, the other four detectors (volume by hour of week, bursts
# of near-identical texts, trends month on month, repeat complainers) and
# the alerts themselves.
JQ_ANOMALY='select(.sentiment.label == "negative") | .sku // empty'
MLR_ANOMALY='$sentiment["label"] == "negative"'
