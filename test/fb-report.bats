#!/usr/bin/env bats
# fb-report.bats: fb-report's numbers, every measure of the report model
# (/tmp/fbspec/report-model.md, fb-report(1)) in every format, on a small
# month of feedback whose every figure is worked out by hand below.  None
# was copied from the tool's output.
#
# THE FIXTURE: test/fixtures/fb-report/month.ndjson, with the policy
# test/fixtures/fb-report/sla.conf: wall-clock time, 24x7; P1 items must be
# answered in 30m and resolved in 8h, all others in 1h and 24h.
#
# THE RUN: --since 2026-10-05 --until 2026-10-26 --tz Asia/Shanghai (+08:00,
# no DST), so the window is 2026-10-04T16:00Z .. 2026-10-25T16:00Z (21 days)
# and the previous window, as long, 2026-09-13T16:00Z .. 2026-10-04T16:00Z;
# --now 2026-10-25T16:00Z (the end of the window).  Weeks start on Monday,
# local: 2026-10-05, 2026-10-12 (no item: an empty week), 2026-10-19.
# GD 广东省, ZJ 浙江省, SH 上海市; u = urgency; times are UTC, "loc" local.
#
# id  ts (UTC)    loc          chan  tags                       senti  u   P  queue   rgn
# r01 10-05 02:30 Mon 10:30    app   logistics/delay            neg-.5 .6  P2 general GD
# r02 10-05 06:00 Mon 14:00    email logistics/delay + service/attitude (two tags)
#                                                               neg-.3 .8  P1 vip     ZJ
# r03 10-06 01:00 Tue 09:00    app   product/defective          neg-.9 .9  P2 returns GD
# r04 10-07 04:00 Wed 12:00    web   account/password           neu 0  .4  P3 returns SH
# r05 10-08 13:00 Thu 21:00    app   logistics/delay            neg-.7 .8  P2 general GD
# r06 10-09 03:00 Fri 11:00    email service/attitude           none   .3  P2 general ZJ
# r07 10-09 18:00 Sat 02:00(!) web   praise/staff               pos .8 .1  P3 general SH
# r08 10-19 01:30 Mon 09:30    app   account/login              neg-.6 .5  P2 general SH
# r09 10-20 02:00 Tue 10:00    app   logistics/delay            neg-.7 .8  P1 vip     GD
# r10 10-21 10:00 Wed 18:00    email product/defective          neg-.4 .7  P2 returns ZJ
# r11 10-22 05:00 Thu 13:00    web   (no tags)                  neg-.1 .2  P3 general (no region)
# r13 10-23 12:00 Fri 20:00    app   praise/staff               pos .9 .1  P3 general GD
# r12 10-25 15:30 Sun 23:30    app   logistics/delay            neg-.2 .6  P2 general SH
# Categories are the tags' first parts (r11: service).  product_category /
# sku: r01 electronics/SKU-1, r02 electronics/SKU-2, r03 electronics/SKU-1,
# r04 home/SKU-3, r05 home/SKU-4, r09 electronics/SKU-2, r10 home/SKU-3;
# the others have neither.
#
# Their clocks (FR first response, res resolution; "in" = closed within 48h):
# r01 FR 30m met; resolved +4h (closed +5h): met, 4h; in; csat 5 nps 10
# r02 FR 1h05m > 30m: breached; resolved +6h <= 8h: met, 6h, never closed;
#     in; csat 2/3 at 10-06 and 4/8 at 10-07 (listed first): 4/8 counts
# r03 FR 20m met; pending 02:00-12:00, resolved 16:00: 1h + 4h = 5h met
#     (15h of wall clock); in; csat 3 without nps
# r04 FR 10m met; resolved +2h, reopened 10-08 04:00, resolved 10:00: the
#     latest cycle 6h met, time 2h + 6h = 8h; stopped at +30h: in
# r05 (its events come before it) FR 50m met; closed at +50h unresolved:
#     breached, 50h; 50h > 48h: not in
# r06 FR 2h breached; resolved +20h met, 20h; in; csat 1 nps 0
# r07 FR 45m met; resolved and closed +1h: met, 1h; in; csat 5 nps 9
# r08 FR exactly 1h: met; resolved exactly +24h: met, 24h; in
# r09 no event: FR and res breached, open; old enough: eligible, not in
# r10 FR 40m met; pending since +1h: res running (1h of 24h), open;
#     eligible, not in
# r11 FR 3h breached; resolved +5h met, 5h; in; csat 4 nps 7
# r12 no event, 30m old: FR running (30m of 1h), res running, open; too
#     young to be eligible
# r13 FR 15m met; resolved +30m met, 30m; in; csat 4 nps 9
# Previous window:
# p01 09-15 02:00 (Tue) app logistics/delay neg P2 general GD: FR 30m met,
#     res 3h met, in, csat 2 nps 5
# p02 09-22 06:00 (Tue) email product/defective neg P2 returns ZJ: FR 2h
#     breached, res 30h breached, in
# p03 10-02 03:00 (Fri) app praise/staff pos P3 general GD: FR 10m met,
#     res 20m met, in, csat 5 nps 10
# p04 10-03 10:00 (Sat 18:00) app logistics/delay neg P1 vip GD: no event:
#     breached, breached, open, eligible
# Outside: x02 09-10 (before the previous window), x01 10-26 02:00 (after
# the window; one event before it in the file, one after): never counted.
#
# SUMMARY (13 items):
#  complaints 10 (negative, or a problem tag: all but r04 r07 r13) 10/13
#  .7692; negative 9, neutral 1 (r04), positive 2 (r07 r13), none 1 (r06),
#  9/13 .6923; open 3 (r09 r10 r12).
#  FR met 8 (r01 r03 r04 r05 r07 r08 r10 r13), breached 4 (r02 r06 r09
#  r11), running 1 (r12), in target 8/12 .6667; answered 11: 600 900 1200
#  1800 2400 2700 3000 3600 3900 7200 10800 s, sum 38100, mean 3463.636.
#  res met 9, breached 2 (r05 r09), running 2 (r10 r12), 9/11 .8182;
#  resolved 10: 1800 3600 14400 18000 18000 21600 28800 72000 86400 180000,
#  sum 444600, mean 44460.
#  closed within 9 of eligible 12 (all but r12) .75; closed loop 10 (all
#  but r09 r10 r12) 10/13 .7692; csat 7: 5 4 3 1 5 4 4 = 26, 3.71, good 5
#  .7143; nps 6: promoters 3 (10 9 9), passives 2 (8 7), detractors 1 (0):
#  (3-1)/6 = 33.3.
# PREVIOUS (4 items): complaints 3 .75; negative 3, positive 1 .75; open 1;
#  FR met 2 breached 2 .5; answered 3: 600 1800 7200, mean 3200; res met 2
#  breached 2 .5; resolved 3: 1200 10800 108000, mean 40000; closed within
#  3 of 4 .75; loop 3 .75; csat 2 5: 3.5, .5; nps 5 10: 1 - 1 = 0.
#
# MEDIANS AND P90s are nearest ranks (rank ceil(q n)) read from a
# log-histogram (lib/fb_sketch.c): rank 1 and rank n come back exactly,
# others as their bin's value 2*1.02^k/2.02 ms, k = ceil(log_1.02 v), within
# 1%: 900 s -> 902.813, 1200 -> 1191.242, 1800 -> 1805.526, 2400 ->
# 2382.353, 2700 -> 2682.916, 3600 -> 3610.852, 3900 -> 3908.502, 7200 ->
# 7221.305, 10800 -> 10730.479, 14400 -> 14441.813, 18000 -> 17956.579,
# 21600 -> 21459.774, 28800 -> 28882.03, 72000 -> 71818.382, 86400 ->
# 85829.615.  So the summary's FR median (rank 6 of 11, 2700 s) is
# 2682.916 = "44m43s", its p90 (rank 10, 7200) 7221.305 = "2h00m"; the
# resolution median (rank 5 of 10, 18000) 17956.579 = "4h59m", p90 (rank
# 9, 86400) 85829.615 = "23h50m"; the previous FR median 1805.526, p90
# 7200 exact (rank 3 of 3), res median 10730.479, p90 108000 exact.
#
# TABLES (items; prev_items; items_change), sorted by items, then key:
#  channel   app 7 (r01 r03 r05 r08 r09 r12 r13; 3; 1.3333), email 3 (r02
#            r06 r10; 1; 2), web 3 (r04 r07 r11; 0; null)
#  category  logistics 5 (2; 1.5), account 2 (0), praise 2 (1; 1),
#            product 2 (1; 1), service 2 (0)
#  subcategory logistics/delay 5 (2), praise/staff 2 (1), product/defective
#            2 (1), service/attitude 2 (r02 r06; 0), account/login 1,
#            account/password 1, null 1 (r11): 7 groups, r02 in two
#  product_category null 6 (4; .5), electronics 4, home 3
#  sku       null 6 (4; .5), SKU-1 2, SKU-2 2, SKU-3 2, SKU-4 1
#  region    广东省 5 (3; .6667), 上海市 4 (0), 浙江省 3 (1; 2), null 1
#  priority  P2 7 (2; 2.5), P3 4 (1; 3), P1 2 (r02 r09; 1; 1)
#  queue     general 8 (2; 3), returns 3 (1; 2), vip 2 (1; 1)
# The default measures' rows are worked out where they are asserted.
#
# SERIES by week: 10-05 7 items (r01-r07), 10-12 0 (items_change -1),
# 10-19 6 (r08-r13; change null: the week before had none).
# TREND: logistics [3,0,2] 5, account [1,0,1], praise [1,0,1], product
# [1,0,1], service [1,0,1] (ties by name).
# HEATMAP (complaints, local hour): 广东省 9:r03 10:r01,r09 21:r05 = 4;
# 浙江省 11:r06 14:r02 18:r10 = 3; 上海市 9:r08 23:r12 = 2; null 13:r11 = 1;
# hours 9:2 10:2 11:1 13:1 14:1 18:1 21:1 23:1; max 2.
# TOP COMPLAINTS of 10: logistics/delay 5 (.5; previous 2, +1.5), examples
# by urgency desc, score asc, id: r05 (.8, -.7), r09 (.8, -.7), r02 (.8,
# -.3), r01, r12; product/defective 2 (.2; 1, +1): r03, r10;
# service/attitude 2 (.2; 0, null): r02, r06.  account/login (a complaint
# by its sentiment) is no problem tag.

load helper

FIX=$FB_FIXTURES/fb-report
MONTH=$FIX/month.ndjson
WIN=(--now 2026-10-25T16:00:00Z --tz Asia/Shanghai --since 2026-10-05
	--until 2026-10-26 --policy "$FIX/sla.conf")
ALL_MEASURES=items,complaints,complaint_rate,negative,neutral,positive,no_sentiment,negative_rate,open,fr_met,fr_breached,fr_running,fr_in_target,fr_n,fr_mean,fr_median,fr_p90,res_met,res_breached,res_running,res_in_target,res_n,res_mean,res_median,res_p90,closed_within_n,closed_within_eligible,closed_within_rate,closed_loop_n,closed_loop_rate,csat_n,csat_mean,csat_rate,nps_n,nps_promoters,nps_passives,nps_detractors,nps

# Every measure of the summary and of the previous window: the model's
# number, and as people read it (report_format_value), and the change the
# formats show ("-": none, the previous window had 0).
#   name                   summary    previous   shown    prev     change
SUMMARY='
items                      13         4          13       4        +225.0%
complaints                 10         3          10       3        +233.3%
complaint_rate             0.7692     0.75       76.9%    75.0%    +1.9pp
negative                   9          3          9        3        +200.0%
neutral                    1          0          1        0        new
positive                   2          1          2        1        +100.0%
no_sentiment               1          0          1        0        new
negative_rate              0.6923     0.75       69.2%    75.0%    -5.8pp
open                       3          1          3        1        +200.0%
fr_met                     8          2          8        2        +300.0%
fr_breached                4          2          4        2        +100.0%
fr_running                 1          0          1        0        new
fr_in_target               0.6667     0.5        66.7%    50.0%    +16.7pp
fr_n                       11         3          11       3        +266.7%
fr_mean                    3463.636   3200       57m44s   53m20s   +8.2%
fr_median                  2682.916   1805.526   44m43s   30m06s   +48.6%
fr_p90                     7221.305   7200       2h00m    2h00m    +0.3%
res_met                    9          2          9        2        +350.0%
res_breached               2          2          2        2        +0.0%
res_running                2          0          2        0        new
res_in_target              0.8182     0.5        81.8%    50.0%    +31.8pp
res_n                      10         3          10       3        +233.3%
res_mean                   44460      40000      12h21m   11h06m   +11.1%
res_median                 17956.579  10730.479  4h59m    2h58m    +67.3%
res_p90                    85829.615  108000     23h50m   1d06h    -20.5%
closed_within_n            9          3          9        3        +200.0%
closed_within_eligible     12         4          12       4        +200.0%
closed_within_rate         0.75       0.75       75.0%    75.0%    +0.0pp
closed_loop_n              10         3          10       3        +233.3%
closed_loop_rate           0.7692     0.75       76.9%    75.0%    +1.9pp
csat_n                     7          2          7        2        +250.0%
csat_mean                  3.71       3.5        3.71     3.50     +0.21
csat_rate                  0.7143     0.5        71.4%    50.0%    +21.4pp
nps_n                      6          2          6        2        +200.0%
nps_promoters              3          1          3        1        +200.0%
nps_passives               2          0          2        0        new
nps_detractors             1          1          1        1        +0.0%
nps                        33.3       0          +33.3    +0.0     +33.3
'

# Rows of the dimension tables under the default measures: key, items,
# complaint rate, negative share, FR median, FR in target, resolution
# median, closed within 48h, CSAT, NPS, items vs previous.
#  email: r02 r06 r10: complaints 3/3; negative 2/3; FR 3900 7200 2400, rank
#   2 3900 -> 3908.502 "1h05m"; FR met 1 of 3; resolved 21600 72000 (r10
#   pending), rank 1 "6h00m"; in 2 of 3 (r10); csat 4 1 2.50; nps 8 0:
#   (0-1)/2 = -50.0; 3 vs 1 +200%.
#  app: 6/7 complaints and negative; FR 900 1200 1800 3000 3600, rank 3
#   1800 "30m06s"; met 5 of 6 (r09 late, r12 running); resolved 1800 14400
#   18000 86400 180000, rank 3 "4h59m"; in 4 of 6 (r05 r09; r12 too young);
#   csat 5 3 4 4.00; nps 10 9 +100.0; 7 vs 3 +133.3%.
#  web: r11 1/3; FR 600 2700 10800 rank 2 "44m43s"; met 2/3; resolved 28800
#   3600 18000, rank 2 "4h59m"; in 3/3; csat 5 4 4.50; nps 9 7 +50.0; 0 before.
CHANNEL_ROWS=(
	'app | 7 | 85.7% | 85.7% | 30m06s | 83.3% | 4h59m | 66.7% | 4.00 | +100.0 | +133.3%'
	'email | 3 | 100.0% | 66.7% | 1h05m | 33.3% | 6h00m | 66.7% | 2.50 | -50.0 | +200.0%'
	'web | 3 | 33.3% | 33.3% | 44m43s | 66.7% | 4h59m | 100.0% | 4.50 | +50.0 | -'
)
#  P2: r01 r03 r05 r06 r08 r10 r12: all complaints (r06 by its tag), 6
#   negative; FR 1200 1800 2400 3000 3600 7200 rank 3 2400 "39m42s"; met 5
#   of 6; resolved 14400 18000 72000 86400 180000 rank 3 72000 -> 71818.382
#   "19h56m"; in 4 of 6; csat 5 3 1 3.00; nps 10 0 +0.0; 7 vs 2 +250%.
#  P3: r04 r07 r11 r13: r11 1/4; FR 600 900 2700 10800 rank 2 900 "15m03s";
#   met 3/4; resolved 1800 3600 18000 28800 rank 2 3600 "1h00m"; in 4/4;
#   csat 5 4 4 4.33; nps 9 7 9 +66.7; 4 vs 1 +300%.
#  P1: r02 r09: 2/2; FR 3900 (r09 never) "1h05m"; met 0 of 2; resolved
#   21600 "6h00m"; in 1 of 2; csat 4.00; nps 8: +0.0; 2 vs 1 +100%.
PRIORITY_ROWS=(
	'P2 | 7 | 100.0% | 85.7% | 39m42s | 83.3% | 19h56m | 66.7% | 3.00 | +0.0 | +250.0%'
	'P3 | 4 | 25.0% | 25.0% | 15m03s | 75.0% | 1h00m | 100.0% | 4.33 | +66.7 | +300.0%'
	'P1 | 2 | 100.0% | 100.0% | 1h05m | 0.0% | 6h00m | 50.0% | 4.00 | +0.0 | +100.0%'
)
#  广东省 r01 r03 r05 r09 r13: 4/5; FR 900 1200 1800 3000 rank 2 1200
#   "19m51s"; met 4/5; resolved 1800 14400 18000 180000 rank 2 14400
#   "4h00m"; in 3 of 5; csat 5 3 4; nps 10 9; 5 vs 3 +66.7%.
#  上海市 r04 r07 r08 r12: 2/4; FR 600 2700 3600 "44m43s"; met 3/3 (r12
#   running); resolved 3600 28800 86400 rank 2 28800 "8h01m"; in 3/3; csat
#   5; nps 9; 0 before.  浙江省 = email's items.  (none) r11.
REGION_ROWS=(
	'广东省 | 5 | 80.0% | 80.0% | 19m51s | 80.0% | 4h00m | 60.0% | 4.00 | +100.0 | +66.7%'
	'上海市 | 4 | 50.0% | 50.0% | 44m43s | 100.0% | 8h01m | 100.0% | 5.00 | +100.0 | -'
	'浙江省 | 3 | 100.0% | 66.7% | 1h05m | 33.3% | 6h00m | 66.7% | 2.50 | -50.0 | +200.0%'
	'(none) | 1 | 100.0% | 100.0% | 3h00m | 0.0% | 5h00m | 100.0% | 4.00 | +0.0 | -'
)
#  Weeks: 10-05 r01-r07: complaints 5/7, negative 4/7; FR 600 1200 1800
#   2700 3000 3900 7200 rank 4 2700 "44m43s"; met 5/7; resolved 3600 14400
#   18000 21600 28800 72000 180000 rank 4 21600 -> 21459.774 "5h57m"; in
#   6/7; csat 5 4 3 1 5 3.60; nps 10 8 0 9 (2-1)/4 +25.0.  10-19 r08-r13:
#   5/6 and 5/6; FR 900 2400 3600 10800 rank 2 "39m42s"; met 3 of 5;
#   resolved 1800 18000 86400 rank 2 "4h59m"; in 3 of 5; csat 4 4; nps 7 9.
SERIES_ROWS=(
	'2026-10-05 | 7 | 71.4% | 57.1% | 44m43s | 71.4% | 5h57m | 85.7% | 3.60 | +25.0 | -'
	'2026-10-12 | 0 | - | - | - | - | - | - | - | - | -100.0%'
	'2026-10-19 | 6 | 83.3% | 83.3% | 39m42s | 60.0% | 4h59m | 60.0% | 4.00 | +50.0 | -'
)

setup() {
	common_setup
	mkdir -p no-config
	export FB_CONFIG_DIR=$PWD/no-config
	errs=()
}

# report ARGS...: fb-report WIN ARGS MONTH > out; exit 0, stderr empty.
report() {
	run -0 --separate-stderr to_file out fb-report "${WIN[@]}" "$@" "$MONTH"
	[[ -z $stderr ]] || fail "fb-report $*: stderr: $stderr"
}

# is FILTER VALUE: adds to errs unless jq -c FILTER of out is VALUE.
is() {
	local got
	got=$(jq -c "$1" out)
	[[ $got == "$2" ]] || errs+=("$1 is $got, want $2")
}

# measures COLUMN: the SUMMARY table's column COLUMN (2 summary, 3
# previous, 4 shown, 5 previous shown, 6 change) as "name value" lines.
measures() {
	awk -v c="$1" 'NF { print $1, $c }' <<< "$SUMMARY"
}

# has LINE [FILE]: adds to errs unless FILE (out) has a line exactly LINE.
has() {
	grep -qFx -- "$1" "${2:-out}" || errs+=("no line: $1")
}

# norm_change TEXT: a change as the SUMMARY table writes it: no blanks,
# "pt" and " pp" both "pp", and none ("") "-".
norm_change() {
	local c=${1// /}
	c=${c%pt}
	c=${c%pp}
	[[ $c == "" ]] && c=-
	[[ $1 == *p[pt] ]] && c+=pp
	printf '%s\n' "$c"
}

# text_rows SECTION: the rows of the text section whose heading line is
# SECTION, up to the blank line after it, words joined by one blank, the
# bars (block elements) left out.
text_rows() {
	python3 - "$1" out <<'EOF'
import sys
want, path = sys.argv[1], sys.argv[2]
lines = open(path, encoding='utf-8').read().split('\n')
start = lines.index(want) + 1
for l in lines[start:]:
    if l.strip() == '':
        break
    words = [w for w in l.split()
             if not all('\u2580' <= ch <= '\u259f' for ch in w)]
    print(' '.join(words))
EOF
}

# text_has_row SECTION WORDS: adds to errs unless a row of SECTION starts
# with WORDS (then ends or goes on after a blank).
text_has_row() {
	text_rows "$1" > rows.txt
	awk -v w="$2" 'index($0 " ", w " ") == 1 { f = 1 } END { exit !f }' \
	    rows.txt || errs+=("$1: no row starting '$2' in: $(cat rows.txt)")
}

# html_flat FILE: the HTML page as lines: "row: CELL | CELL..." per table
# row, "title: ..." per SVG title, "dt: ...", "dd: ...", "label: ...",
# "value: ...", "change: ..." (the KPIs), "h3: ...", "p: ...", "footer: ...".
html_flat() {
	python3 - "$1" <<'EOF'
import sys, html.parser
VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
        'meta', 'source', 'track', 'wbr'}
class Flat(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.row = [], None
    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        cls = dict(attrs).get('class') or ''
        key = None
        if tag == 'tr':
            self.row = []
        elif tag in ('td', 'th') and self.row is not None:
            key = 'cell'
        elif tag in ('title', 'dt', 'dd', 'h3', 'p', 'footer'):
            key = tag
        elif tag == 'div' and cls in ('label', 'value', 'change'):
            key = cls
        self.stack.append([tag, key, ''])
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        while self.stack:
            t, key, text = self.stack.pop()
            text = ' '.join(text.split())
            if key == 'cell':
                self.row.append(text)
            elif key is not None:
                print('%s: %s' % (key, text))
            if t == tag:
                break
        if tag == 'tr' and self.row is not None:
            print('row: ' + ' | '.join(self.row))
            self.row = None
    def handle_data(self, data):
        for e in self.stack:
            if e[1] is not None:
                e[2] += data
Flat().feed(open(sys.argv[1], encoding='utf-8').read())
EOF
}

#---- json ----

@test "json: the header and the window" {
	report -f json
	is '[.type, .version, .title, .generated]' \
	    '["report",1,"Feedback report","2026-10-25T16:00:00Z"]'
	# first and last: r01 and r12; p01-p04 and x01 x02 do not count
	is .window '{"since":"2026-10-04T16:00:00Z","until":"2026-10-25T16:00:00Z","first":"2026-10-05T02:30:00Z","last":"2026-10-25T15:30:00Z","tz":"Asia/Shanghai","period":"week","close_within":172800,"previous":{"since":"2026-09-13T16:00:00Z","until":"2026-10-04T16:00:00Z"}}'
	is .measures '["items","complaint_rate","negative_rate","fr_median","fr_in_target","res_median","closed_within_rate","csat_mean","nps"]'
	is '[.tables[].name]' '["channel","category","subcategory","product_category","sku","region","priority","queue"]'
	fail_if_errors
}

@test "json: summary, every measure, in the model's order" {
	report -f json
	diff -u <(measures 2) <(jq -r '.summary | to_entries[] |
	    "\(.key) \(.value)"' out)
}

@test "json: previous, every measure" {
	report -f json
	diff -u <(measures 3) <(jq -r '.previous | to_entries[] |
	    "\(.key) \(.value)"' out)
}

@test "json: numbers are written rounded, not as binary fractions" {
	# The model's rates have 4 decimals, seconds 3, CSAT 2, NPS 1; the
	# text must say so too: "complaint_rate":0.7692, not
	# 0.76919999999999999 (jq would hide the difference, so grep).
	report -f json
	grep -qF '"complaint_rate":0.7692,' out ||
	    errs+=("summary complaint_rate: $(grep -o '"complaint_rate":[^,]*' out | head -1)")
	grep -qF '"res_p90":85829.615,' out ||
	    errs+=("summary res_p90: $(grep -o '"res_p90":[^,]*' out | head -1)")
	grep -qF '"nps":33.3}' out ||
	    errs+=("summary nps: $(grep -o '"nps":[^,}]*' out | head -1)")
	long=$(grep -oE '"[a-z_]+":-?[0-9]+\.[0-9]{7,}' out | sort -u | head -5)
	[[ -z $long ]] || errs+=("numbers with 7 or more decimals: $long")
	fail_if_errors
}

@test "json: the channel table, the email row with every measure" {
	report -f json
	is '.tables[0] | [.name, .title, .fields, .groups, .more]' \
	    '["channel","By channel",["channel"],3,0]'
	# app 7 (3 before), email 3 (1 before), web 3 (none before)
	is '[.tables[0].rows[] | [.key[0], .items, .prev_items, .items_change]]' \
	    '[["app",7,3,1.3333],["email",3,1,2],["web",3,0,null]]'
	# email = r02 r06 r10: see CHANNEL_ROWS; r10 open and pending (res
	# running), r06 no sentiment; FR mean (3900+7200+2400)/3 = 4500, p90
	# rank 3 7200; res mean (21600+72000)/2, p90 72000
	is '.tables[0].rows[1]' '{"key":["email"],"items":3,"complaints":3,"complaint_rate":1,"negative":2,"neutral":0,"positive":0,"no_sentiment":1,"negative_rate":0.6667,"open":1,"fr_met":1,"fr_breached":2,"fr_running":0,"fr_in_target":0.3333,"fr_n":3,"fr_mean":4500,"fr_median":3908.502,"fr_p90":7200,"res_met":2,"res_breached":0,"res_running":1,"res_in_target":1,"res_n":2,"res_mean":46800,"res_median":21600,"res_p90":72000,"closed_within_n":2,"closed_within_eligible":3,"closed_within_rate":0.6667,"closed_loop_n":2,"closed_loop_rate":0.6667,"csat_n":2,"csat_mean":2.5,"csat_rate":0.5,"nps_n":2,"nps_promoters":0,"nps_passives":1,"nps_detractors":1,"nps":-50,"prev_items":1,"items_change":2}'
	fail_if_errors
}

@test "json: category and subcategory rows (two tags count twice, no tag is null)" {
	report -f json
	is '.tables[1] | [.groups, [.rows[] | [.key[0], .items, .prev_items, .items_change]]]' \
	    '[5,[["logistics",5,2,1.5],["account",2,0,null],["praise",2,1,1],["product",2,1,1],["service",2,0,null]]]'
	is '.tables[2] | [.fields, .groups, [.rows[] | [.key[0], .items, .complaints, .prev_items]]]' \
	    '[["subcategory"],7,[["logistics/delay",5,5,2],["praise/staff",2,0,1],["product/defective",2,2,1],["service/attitude",2,2,0],["account/login",1,1,0],["account/password",1,0,0],[null,1,1,0]]]'
	# service/attitude = r02 r06: FR 3900 late, 7200 late; resolved 21600
	# 72000; csat 4 1; nps 8 0
	is '.tables[2].rows[3] | [.fr_met, .fr_breached, .fr_n, .fr_mean, .res_n, .res_mean, .csat_mean, .nps]' \
	    '[0,2,2,5550,2,46800,2.5,-50]'
	fail_if_errors
}

@test "json: region, priority (P1 with every measure), queue, product_category, sku" {
	report -f json
	is '.tables[5] | [.fields, [.rows[] | [.key[0], .items, .complaints, .prev_items, .items_change]]]' \
	    '[["region"],[["广东省",5,4,3,0.6667],["上海市",4,2,0,null],["浙江省",3,3,1,2],[null,1,1,0,null]]]'
	is '[.tables[6].rows[] | [.key[0], .items, .prev_items, .items_change]]' \
	    '[["P2",7,2,2.5],["P3",4,1,3],["P1",2,1,1]]'
	# P1 = r02 r09 under the urgent policy: r02 answered after 1h05m > 30m,
	# resolved after 6h <= 8h, never closed; r09 no event, breached both,
	# open.  One value each: medians and p90s exact.
	is '.tables[6].rows[2]' '{"key":["P1"],"items":2,"complaints":2,"complaint_rate":1,"negative":2,"neutral":0,"positive":0,"no_sentiment":0,"negative_rate":1,"open":1,"fr_met":0,"fr_breached":2,"fr_running":0,"fr_in_target":0,"fr_n":1,"fr_mean":3900,"fr_median":3900,"fr_p90":3900,"res_met":1,"res_breached":1,"res_running":0,"res_in_target":0.5,"res_n":1,"res_mean":21600,"res_median":21600,"res_p90":21600,"closed_within_n":1,"closed_within_eligible":2,"closed_within_rate":0.5,"closed_loop_n":1,"closed_loop_rate":0.5,"csat_n":1,"csat_mean":4,"csat_rate":1,"nps_n":1,"nps_promoters":0,"nps_passives":1,"nps_detractors":0,"nps":0,"prev_items":1,"items_change":1}'
	is '[.tables[7].rows[] | [.key[0], .items, .prev_items, .items_change]]' \
	    '[["general",8,2,3],["returns",3,1,2],["vip",2,1,1]]'
	is '[.tables[3].rows[] | [.key[0], .items, .prev_items, .items_change]]' \
	    '[[null,6,4,0.5],["electronics",4,0,null],["home",3,0,null]]'
	is '[.tables[4].rows[] | [.key[0], .items]]' \
	    '[[null,6],["SKU-1",2],["SKU-2",2],["SKU-3",2],["SKU-4",1]]'
	fail_if_errors
}

@test "json: a period the window cuts is partial" {
	# from Wednesday 7 to Wednesday 21 October: both ends cut a week
	run -0 fb-report --now 2026-10-25T16:00:00Z --tz Asia/Shanghai \
	    --since 2026-10-07 --until 2026-10-21 --policy "$FIX/sla.conf" \
	    -f json "$MONTH"
	assert_equal "$(jq -c '[.series.rows[] | [.label, .partial]], .trend.partial' <<< "$output")" \
	    '[["2026-10-05",true],["2026-10-12",false],["2026-10-19",true]]
[true,false,true]'
	run -0 fb-report --now 2026-10-25T16:00:00Z --tz Asia/Shanghai \
	    --since 2026-10-07 --until 2026-10-21 --policy "$FIX/sla.conf" \
	    -t series "$MONTH"
	assert_line '* the window covers part of the period only'
	assert_line --regexp '^2026-10-05\* '
}

@test "json: series by week, the empty week included" {
	report -f json
	is '.series.period' '"week"'
	is '[.series.rows[] | [.start, .label, .items, .items_change, .complaints, .negative]]' \
	    '[["2026-10-04T16:00:00Z","2026-10-05",7,null,5,4],["2026-10-11T16:00:00Z","2026-10-12",0,-1,0,0],["2026-10-18T16:00:00Z","2026-10-19",6,null,5,5]]'
	# the empty week: every count 0, every rate, time and score null
	is '.series.rows[1] | [to_entries[] | select(.value != 0 and .value != null and .value != false) | .key]' \
	    '["start","label","items_change"]'
	# the window is whole weeks, from Monday 5 to Monday 26 October
	is '[.series.rows[].partial]' '[false,false,false]'
	is '.series.rows[1] | [.complaint_rate, .fr_median, .res_mean, .csat_mean, .nps]' \
	    '[null,null,null,null,null]'
	is '.series.rows[0] | [.fr_met, .fr_breached, .fr_n, .res_n, .closed_within_n, .closed_within_eligible, .csat_n, .csat_mean, .nps]' \
	    '[5,2,7,7,6,7,5,3.6,25]'
	is '.series.rows[2] | [.open, .fr_running, .res_running, .fr_p90, .res_median, .closed_within_eligible, .nps]' \
	    '[3,1,2,10800,17956.579,5,50]'
	fail_if_errors
}

@test "json: trend labels and counts per category" {
	report -f json
	is .trend '{"period":"week","labels":["2026-10-05","2026-10-12","2026-10-19"],"partial":[false,false,false],"rows":[{"key":"logistics","counts":[3,0,2],"total":5},{"key":"account","counts":[1,0,1],"total":2},{"key":"praise","counts":[1,0,1],"total":2},{"key":"product","counts":[1,0,1],"total":2},{"key":"service","counts":[1,0,1],"total":2}]}'
	fail_if_errors
}

@test "json: heatmap cells at the local hours" {
	report -f json
	is '[.heatmap.measure, .heatmap.max, .heatmap.more]' '["complaints",2,0]'
	# [key, total, the hours with a complaint as hour:count]
	is '[.heatmap.rows[] | [.key, .total, [.cells | to_entries[] | select(.value > 0) | "\(.key):\(.value)"]]]' \
	    '[["广东省",4,["9:1","10:2","21:1"]],["浙江省",3,["11:1","14:1","18:1"]],["上海市",2,["9:1","23:1"]],[null,1,["13:1"]]]'
	is '[.heatmap.hours | to_entries[] | select(.value > 0) | "\(.key):\(.value)"]' \
	    '["9:2","10:2","11:1","13:1","14:1","18:1","21:1","23:1"]'
	is '[.heatmap.rows[].cells | length] + [.heatmap.hours | length]' '[24,24,24,24,24]'
	fail_if_errors
}

@test "json: top complaints, counts, shares and examples in order" {
	report -f json
	is '.top_complaints.complaints' 10
	is '[.top_complaints.rows[] | [.tag, .count, .share, .prev_count, .change, [.examples[] | .id]]]' \
	    '[["logistics/delay",5,0.5,2,1.5,["r05","r09"]],["product/defective",2,0.2,1,1,["r03","r10"]],["service/attitude",2,0.2,0,null,["r02","r06"]]]'
	is '.top_complaints.rows[0].examples' \
	    '[{"id":"r05","text":"parcel arrived three days late, box crushed","priority":"P2"},{"id":"r09","text":"where is my order? tracking has not moved","priority":"P1"}]'
	# a third example: r02 (urgency .8 like r05 r09, but score -.3);
	# shown under logistics/delay, it is not shown again under
	# service/attitude, whose other candidate is r06
	report -f json --examples 3 -t top_complaints
	is '[.top_complaints.rows[] | [.tag, [.examples[] | .id]]]' \
	    '[["logistics/delay",["r05","r09","r02"]],["product/defective",["r03","r10"]],["service/attitude",["r06"]]]'
	fail_if_errors
}

@test "json: --group-by channel,priority" {
	report -f json -g channel,priority
	is '[.tables[] | [.name, .fields, .groups, .more]]' '[["by",["channel","priority"],6,0]]'
	# previous: p01 app/P2, p02 email/P2, p03 app/P3, p04 app/P1
	is '[.tables[0].rows[] | [.key, .items, .prev_items, .items_change]]' \
	    '[[["app","P2"],5,1,4],[["web","P3"],3,0,null],[["email","P2"],2,1,1],[["app","P1"],1,1,0],[["app","P3"],1,1,0],[["email","P1"],1,0,null]]'
	# app/P2 = r01 r03 r05 r08 r12
	is '.tables[0].rows[0] | [.complaints, .fr_met, .fr_running, .res_breached, .open]' '[5,4,1,1,1]'
	is '[.summary.items, .previous.items, .series, .trend, .heatmap, .top_complaints]' \
	    '[13,4,null,null,null,null]'
	fail_if_errors
}

@test "json: --group-by weekday is the local weekday" {
	report -f json -g weekday
	# r07 is Friday 18:00 UTC, Saturday 02:00 in Shanghai; previous: p01
	# p02 Tuesday, p03 Friday, p04 Saturday
	is '[.tables[0].rows[] | [.key[0], .items, .prev_items, .items_change]]' \
	    '[["1-Mon",3,0,null],["2-Tue",2,2,0],["3-Wed",2,0,null],["4-Thu",2,0,null],["5-Fri",2,1,1],["6-Sat",1,1,0],["7-Sun",1,0,null]]'
	fail_if_errors
}

@test "json: --measure reaches the model in its order, and is checked" {
	report -f json -m nps,items,fr_p90
	is .measures '["nps","items","fr_p90"]'
	is '.summary.nps' 33.3
	run -2 --separate-stderr fb-report "${WIN[@]}" -f json -m items,bogus "$MONTH"
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-report: --measure: unknown measure 'bogus' (see fb-report(1) MEASURES)"
	fail_if_errors
}

@test "json: --top 1 cuts every table and says how much" {
	report -f json -n 1
	is '[.tables[] | [.name, .groups, .more, (.rows | length), .rows[0].key[0]]]' \
	    '[["channel",3,2,1,"app"],["category",5,4,1,"logistics"],["subcategory",7,6,1,"logistics/delay"],["product_category",3,2,1,null],["sku",5,4,1,null],["region",4,3,1,"广东省"],["priority",3,2,1,"P2"],["queue",3,2,1,"general"]]'
	is '[.heatmap.more, (.heatmap.rows | length), .heatmap.rows[0].key, .heatmap.hours[10]]' \
	    '[3,1,"广东省",2]'
	is '[.top_complaints.rows[] | .tag]' '["logistics/delay"]'
	# the summary and the series are not cut
	is '[.summary.items, (.series.rows | length), (.trend.rows | length)]' '[13,3,5]'
	fail_if_errors
}

@test "json: --period day, local days" {
	report -f json -P day
	# r01 r02 on 10-05; r07 on 10-10 local (10-09 UTC); none 10-11..18, 10-24
	is '[.series.rows[] | .items]' '[2,1,1,1,1,1,0,0,0,0,0,0,0,0,1,1,1,1,1,0,1]'
	is '[.series.rows[0].label, .series.rows[0].start, .series.rows[20].label, .series.rows[20].start]' \
	    '["2026-10-05","2026-10-04T16:00:00Z","2026-10-25","2026-10-24T16:00:00Z"]'
	is '[.series.rows[1].items_change, .series.rows[14].items_change, .series.rows[5].label]' \
	    '[-0.5,null,"2026-10-10"]'
	is '[.trend.labels | length, .[0], .[20]]' '[21,"2026-10-05","2026-10-25"]'
	is '.trend.rows[0] | [.key, .counts[0], .counts[3], .counts[15], .counts[20], .total]' \
	    '["logistics",2,1,1,1,5]'
	fail_if_errors
}

@test "json: --period month" {
	report -f json -P month
	is '[.series.rows[] | [.start, .label, .items, .items_change]]' \
	    '[["2026-09-30T16:00:00Z","2026-10",13,null]]'
	is .trend.labels '["2026-10"]'
	# a window over two months, 2026-09-14 .. 2026-10-26 local: September
	# p01 p02, October p03 p04 and the 13; the previous window, 42 days
	# before, holds x02
	run -0 --separate-stderr to_file out fb-report --now 2026-10-25T16:00:00Z \
	    --tz Asia/Shanghai --since 2026-09-14 --until 2026-10-26 \
	    --policy "$FIX/sla.conf" -f json -P month "$MONTH"
	is '[.series.rows[] | [.start, .label, .items, .items_change]]' \
	    '[["2026-08-31T16:00:00Z","2026-09",2,null],["2026-09-30T16:00:00Z","2026-10",15,6.5]]'
	is '[.trend.rows[] | [.key, .counts, .total]]' \
	    '[["logistics",[1,6],7],["praise",[0,3],3],["product",[1,2],3],["account",[0,2],2],["service",[0,2],2]]'
	is '[.window.previous.since, .previous.items, .previous.complaints]' \
	    '["2026-08-02T16:00:00Z",1,1]'
	fail_if_errors
}

@test "json: items outside the windows and their events change nothing" {
	report -f json
	mv out with-outside
	grep -v '"id":"x0' "$MONTH" > inside.ndjson
	run -0 --separate-stderr to_file out fb-report "${WIN[@]}" -f json inside.ndjson
	assert_equal "$stderr" ""
	cmp with-outside out
}

#---- text ----

@test "text: the header" {
	report
	has 'Feedback report'
	has 'Window      2026-10-05 → 2026-10-26  Asia/Shanghai'
	has 'Compared    2026-09-14 → 2026-10-05'
	has 'Generated   2026-10-26 00:00'
	fail_if_errors
}

@test "text: summary, every measure and its change" {
	local name model prev shown pshown change line label value got n=0
	while read -r name model prev shown pshown change; do
		[[ -n $name ]] || continue
		n=$((n + 1))
		report -m "$name" -t summary
		line=$(sed -n '/^Summary/{n;p;q}' out)
		# "Label   value (change)", or "Label   value" without change
		if [[ $line =~ ^(.*[^\ ])\ +([^\ \(][^\ ]*)(\ \(([^\)]*)\))?$ ]]; then
			label=${BASH_REMATCH[1]}
			value=${BASH_REMATCH[2]}
			got=$(norm_change "${BASH_REMATCH[4]}")
			[[ $value == "$shown" ]] ||
			    errs+=("$name: '$label' is $value, want $shown")
			[[ $got == "$change" ]] ||
			    errs+=("$name: change is '${BASH_REMATCH[4]}', want $change")
		else
			errs+=("$name: no summary line, got '$line'")
		fi
	done <<< "$SUMMARY"
	[[ $n == 38 ]] || errs+=("$n measures, want 38")
	fail_if_errors
}

@test "text: the sentiment mix agrees with the negative share" {
	# Summary says "Negative share 69.2%" (9 of 13); the bar under it
	# must not say 75% (9 of the 12 with a sentiment): shares of all 13
	# items, the one without a sentiment (r06) too, as html has them.
	local share
	report -t summary
	line=$(grep '^Sentiment' out)
	for share in 'neg 69%' 'neu 8%' 'pos 15%' 'none 8%'; do
		[[ $line == *"$share"* ]] || errs+=("no '$share' in: $line")
	done
	fail_if_errors
}

@test "text: rows of channel, priority and region" {
	local row words
	report
	for row in "${CHANNEL_ROWS[@]}" "${PRIORITY_ROWS[@]}" "${REGION_ROWS[@]}"; do
		# key and the first 7 measures: at 80 columns NPS and the change
		# may not fit
		words=$(awk -F' [|] ' '{ for (i = 1; i <= 8; i++)
		    printf "%s%s", $i, (i < 8 ? " " : "\n") }' <<< "$row")
		case $row in
		P[0-9]*) text_has_row 'By priority' "$words" ;;
		app* | email* | web*) text_has_row 'By channel' "$words" ;;
		*) text_has_row 'By region' "$words" ;;
		esac
	done
	text_has_row 'By subcategory' 'service/attitude 2 100.0% 50.0% 1h05m 0.0% 6h00m'
	text_has_row 'By subcategory' '(none) 1 100.0% 100.0% 3h00m 0.0% 5h00m'
	text_has_row 'By queue' 'vip 2 100.0% 100.0% 1h05m 0.0% 6h00m 50.0% 4.00'
	fail_if_errors
}

@test "text: series, trend and top complaints" {
	report
	# the series' change comes right after items
	text_has_row 'By week' '2026-10-05 7 71.4% 57.1% 44m43s 71.4% 5h57m'
	text_has_row 'By week' '2026-10-12 0 -100.0% - - - - -'
	text_has_row 'By week' '2026-10-19 6 83.3% 83.3% 39m42s 60.0% 4h59m'
	# counts per week, total, change from the first week to the last
	text_has_row 'Trend by category, per week' 'category 10-05 10-12 10-19 total change'
	text_has_row 'Trend by category, per week' 'logistics 3 0 2 5 -33.3%'
	text_has_row 'Trend by category, per week' 'service 1 0 1 2 +0.0%'
	text_has_row 'Top complaints (10 complaints)' '1. logistics/delay 5 50.0% +150.0%'
	text_has_row 'Top complaints (10 complaints)' '2. product/defective 2 20.0% +100.0%'
	text_has_row 'Top complaints (10 complaints)' '3. service/attitude 2 20.0% new'
	has '    “parcel arrived three days late, box crushed” (r05, P2)'
	has '    “where is my order? tracking has not moved” (r09, P1)'
	has '    “the agent hung up on me” (r06, P2)'
	fail_if_errors
}

@test "text: the heatmap marks the local hours" {
	report -t heatmap
	# a row: the key, 24 cells of two columns ("··" none), the total
	python3 - out > heat.txt <<'EOF'
import sys
for l in open(sys.argv[1], encoding='utf-8').read().split('\n'):
    w = l.split()
    if len(w) != 3 or len(w[1]) != 48 or any(c.isalnum() for c in w[1]):
        continue
    hours = [str(h) for h in range(24) if w[1][2 * h:2 * h + 2] != '\u00b7\u00b7']
    print(w[0], ','.join(hours), w[2])
EOF
	diff -u - heat.txt <<'EOF'
广东省 9,10,21 4
浙江省 11,14,18 3
上海市 9,23 2
(none) 13 1
EOF
}

#---- md ----

@test "md: summary table, every measure and its change" {
	local name model prev shown pshown change
	report -f md -m "$ALL_MEASURES" -t summary
	awk '/^## Summary/ { s = 1; next } s && /^[|] / { print; t = 1; next }
	    t { exit }' out | sed 1,2d |
	    awk -F' [|] ' '{ sub(/ [|]$/, "", $3); print $2 "\t" $3 }' > got.tsv
	while read -r name model prev shown pshown change; do
		[[ -n $name ]] || continue
		printf '%s\t%s\n' "$shown" "$change"
	done <<< "$SUMMARY" > want.tsv
	# the change normalised: "+1.9 pp" is +1.9pp
	sed 's/ pp$/pp/' got.tsv | diff -u want.tsv -
	has '| Items | 13 | +225.0% |'
	has '| First response, median | 44m43s | +48.6% |'
	fail_if_errors
}

@test "md: table rows" {
	local row
	report -f md
	for row in "${CHANNEL_ROWS[@]}" "${PRIORITY_ROWS[@]}" "${REGION_ROWS[@]}" \
	    "${SERIES_ROWS[@]}"; do
		has "| $row |"
	done
	has '| (none) | 1 | 100.0% | 100.0% | 3h00m | 0.0% | 5h00m | 100.0% | 4.00 | +0.0 | - |'
	has '| logistics/delay | 5 | 100.0% | 100.0% | 50m21s | 50.0% | 5h57m | 50.0% | 4.50 | +50.0 | +150.0% |'
	fail_if_errors
}

@test "md: trend, heatmap and top complaints" {
	report -f md
	has '| Category | 2026-10-05 | 2026-10-12 | 2026-10-19 | Total |'
	has '| logistics | 3 | 0 | 2 | 5 |'
	has '| service | 1 | 0 | 1 | 2 |'
	has '| 广东省 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 4 |'
	has '| (none) | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |'
	has '| Total | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 2 | 2 | 1 | 0 | 1 | 1 | 0 | 0 | 0 | 1 | 0 | 0 | 1 | 0 | 1 | 10 |'
	has '10 complaints in all.'
	has '1. **logistics/delay**: 5, 50.0% of complaints (previous 2, +150.0%)'
	has '   - "parcel arrived three days late, box crushed" (r05, P2)'
	has '   - "where is my order? tracking has not moved" (r09, P1)'
	has '3. **service/attitude**: 2, 20.0% of complaints (previous 0, -)'
	fail_if_errors
}

#---- csv ----

@test "csv: summary and previous, every measure, long format" {
	report -f csv
	head -1 out | grep -qFx '"table","key","measure","value"' ||
	    errs+=("header: $(head -1 out)")
	# null is an empty cell; there is none in these two
	diff -u <(measures 2) <(grep '^"summary","all",' out |
	    awk -F, '{ gsub(/"/, "", $3); print $3, $4 }')
	diff -u <(measures 3) <(grep '^"previous","all",' out |
	    awk -F, '{ gsub(/"/, "", $3); print $3, $4 }')
	fail_if_errors
}

@test "csv: table rows, series, trend, heatmap and top complaints, long format" {
	report -f csv
	# the email row as in json; P1 the same
	has '"channel","email","fr_median",3908.502'
	has '"channel","email","res_running",1'
	has '"channel","email","nps",-50'
	has '"channel","email","prev_items",1'
	has '"channel","email","items_change",2'
	has '"channel","web","items_change",'
	has '"priority","P1","fr_in_target",0'
	has '"priority","P1","closed_within_rate",0.5'
	has '"region","(none)","items",1'
	has '"subcategory","service/attitude","items",2'
	has '"series","2026-10-12","items",0'
	has '"series","2026-10-12","complaint_rate",'
	has '"series","2026-10-12","items_change",-1'
	has '"series","2026-10-19","items_change",'
	has '"series","2026-10-05","csat_mean",3.6'
	has '"trend","logistics","2026-10-19",2'
	has '"trend","logistics","total",5'
	has '"heatmap","广东省","h10",2'
	has '"heatmap","广东省","h21",1'
	has '"heatmap","上海市","h23",1'
	has '"heatmap","广东省","total",4'
	has '"top_complaints","logistics/delay","count",5'
	has '"top_complaints","logistics/delay","share",0.5'
	has '"top_complaints","logistics/delay","change",1.5'
	has '"top_complaints","logistics/delay","example_id2","r09"'
	has '"top_complaints","service/attitude","change",'
	# one row per measure and key: 38 + prev_items + items_change for each
	# of app, email and web
	n=$(grep -c '^"channel",' out)
	[[ $n == 120 ]] || errs+=("channel: $n rows, want 3 x 40")
	n=$(grep -c '^"heatmap","浙江省",' out)
	[[ $n == 25 ]] || errs+=("heatmap 浙江省: $n rows, want 24 hours and total")
	fail_if_errors
}

@test "csv: --table channel, wide" {
	report -f csv --table channel
	diff -u - out <<'EOF'
"channel","items","complaints","complaint_rate","negative","neutral","positive","no_sentiment","negative_rate","open","fr_met","fr_breached","fr_running","fr_in_target","fr_n","fr_mean","fr_median","fr_p90","res_met","res_breached","res_running","res_in_target","res_n","res_mean","res_median","res_p90","closed_within_n","closed_within_eligible","closed_within_rate","closed_loop_n","closed_loop_rate","csat_n","csat_mean","csat_rate","nps_n","nps_promoters","nps_passives","nps_detractors","nps","prev_items","items_change"
"app",7,6,0.8571,6,0,1,0,0.8571,2,5,1,1,0.8333,5,2100,1805.526,3600,4,2,1,0.6667,5,60120,17956.579,180000,4,6,0.6667,5,0.7143,3,4,0.6667,2,2,0,0,100,3,1.3333
"email",3,3,1,2,0,0,1,0.6667,1,1,2,0,0.3333,3,4500,3908.502,7200,2,0,1,1,2,46800,21600,72000,2,3,0.6667,2,0.6667,2,2.5,0.5,2,0,1,1,-50,1,2
"web",3,1,0.3333,1,1,1,0,0.3333,0,2,1,0,0.6667,3,4700,2682.916,10800,3,0,0,1,3,16800,17956.579,28800,3,3,1,3,1,2,4.5,1,2,1,1,0,50,0,
EOF
}

#---- html ----

@test "html: summary, every measure, its change and the previous value" {
	local name model prev shown pshown change
	report -f html -m "$ALL_MEASURES" -t summary
	html_flat out > flat.txt
	mapfile -t values < <(sed -n 's/^value: //p' flat.txt)
	# "▲ +1.9 pp vs 75.0% in the previous window"
	mapfile -t changes < <(sed -n 's/^change: //p' flat.txt)
	k=0
	while read -r name model prev shown pshown change; do
		[[ -n $name ]] || continue
		printf '%s %s %s\n' "$shown" "$change" "$pshown" >> want.txt
		c=${changes[k]#* }
		p=${c##* vs }
		c=${c%% vs *}
		printf '%s %s %s\n' "${values[k]}" "$(norm_change "$c")" \
		    "${p% in the previous window}" >> got.txt
		k=$((k + 1))
	done <<< "$SUMMARY"
	[[ ${#values[@]} == 38 && ${#changes[@]} == 38 ]] ||
	    errs+=("${#values[@]} values and ${#changes[@]} changes, want 38")
	diff -u want.txt got.txt
	fail_if_errors
}

@test "html: the window, table rows, trend, heatmap and top complaints" {
	local row
	report -f html
	html_flat out > flat.txt
	has 'dd: 2026-10-04T16:00:00Z – 2026-10-25T16:00:00Z' flat.txt
	has 'dd: 2026-10-05T02:30:00Z – 2026-10-25T15:30:00Z' flat.txt
	has 'dd: 2026-09-13T16:00:00Z – 2026-10-04T16:00:00Z' flat.txt
	for row in "${CHANNEL_ROWS[@]}" "${PRIORITY_ROWS[@]}" "${REGION_ROWS[@]}" \
	    "${SERIES_ROWS[@]}"; do
		has "row: $row" flat.txt
	done
	has 'title: logistics, 2026-10-05: 3' flat.txt
	has 'title: logistics, 2026-10-12: 0' flat.txt
	has 'title: logistics, 2026-10-19: 2' flat.txt
	has 'title: 广东省, 10:00-10:59: 2' flat.txt
	has 'title: 广东省, 21:00-21:59: 1' flat.txt
	has 'title: 上海市, 23:00-23:59: 1' flat.txt
	has 'title: (none), 13:00-13:59: 1' flat.txt
	n=$(grep -cE '^title: [^,]+, [0-9]{2}:00-[0-9]{2}:59: [1-9]' flat.txt)
	# 广东省 3, 浙江省 3, 上海市 2, (none) 1
	[[ $n == 9 ]] || errs+=("$n heatmap cells with complaints, want 9")
	has 'h3: logistics/delay 5, 50.0% of complaints, +150.0% vs 2 before' flat.txt
	has 'p: parcel arrived three days late, box crushed' flat.txt
	has 'footer: r05, priority P2' flat.txt
	has 'footer: r09, priority P1' flat.txt
	has 'h3: service/attitude 2, 20.0% of complaints, 0 before' flat.txt
	fail_if_errors
}

#---- --partial and --merge ----

@test "--partial on two halves, then --merge, is the single run" {
	report -f json
	mv out single.json
	# each item with its events: x02 p01 p02 r01-r07 in one half
	grep -E '"id":"(x02|p01|p02|r0[1-7])"' "$MONTH" > a.ndjson
	grep -vE '"id":"(x02|p01|p02|r0[1-7])"' "$MONTH" > b.ndjson
	run -0 --separate-stderr to_file a.state fb-report "${WIN[@]}" --partial a.ndjson
	assert_equal "$stderr" ""
	run -0 --separate-stderr to_file b.state fb-report "${WIN[@]}" --partial b.ndjson
	assert_equal "$stderr" ""
	# r02 (resolved, never closed) is still held in a's state
	grep -q '"type":"report_item","id":"r02"' a.state
	run -0 --separate-stderr to_file merged.json fb-report "${WIN[@]}" --merge -f json a.state b.state
	assert_equal "$stderr" ""
	cmp single.json merged.json
	run -0 --separate-stderr to_file merged.json fb-report "${WIN[@]}" --merge -f json b.state a.state
	cmp single.json merged.json
}

@test "--merge --partial keeps a state that merges again" {
	report
	mv out single.txt
	grep -E '"id":"(x02|p01|p02|r0[1-7])"' "$MONTH" > a.ndjson
	grep -vE '"id":"(x02|p01|p02|r0[1-7])"' "$MONTH" > b.ndjson
	fb-report "${WIN[@]}" --partial a.ndjson > a.state
	fb-report "${WIN[@]}" --partial b.ndjson > b.state
	fb-report "${WIN[@]}" --merge --partial a.state b.state > ab.state
	run -0 --separate-stderr to_file merged.txt fb-report "${WIN[@]}" --merge ab.state
	assert_equal "$stderr" ""
	cmp single.txt merged.txt
}

#---- reports that need no events ----

# Counts of items, complaints and sentiment in tables by field need no
# lifecycle events: fb-report then counts items as they come and holds
# none.  The same report through --partial and --merge, which hold every
# item with its events, must be byte for byte the same.
@test "item counts alone: no events held, the same report as the full way" {
	fb-report "${WIN[@]}" --partial -g channel,priority "$MONTH" > all.state
	for args in "-f md -t channel,category,region -m items,complaints,negative_rate" \
	    "-f text -t by,sku -m items,complaint_rate,positive,neutral,no_sentiment" \
	    "-f html -t by,queue,product_category -m negative,items -n 1"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr to_file quick fb-report "${WIN[@]}" \
		    -g channel,priority -v $args "$MONTH"
		[[ ${stderr%%$'\n'*} == "fb-report: no measure or section shown needs lifecycle events: items are counted as they come, events only checked" ]] ||
		    fail "-v does not say events are not read: $stderr"
		# shellcheck disable=SC2086
		run -0 --separate-stderr to_file full fb-report "${WIN[@]}" \
		    -g channel,priority --merge $args all.state
		assert_equal "$stderr" ""
		cmp quick full || fail "differs from the full way: $args"
	done
	# anything that needs events takes the full way
	for args in "-f md -t channel -m items,fr_median" "-f md -t summary -m items" \
	    "-f json -t channel -m items" "-f csv -t channel -m items" \
	    "-f md -t series -m items"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr fb-report "${WIN[@]}" -v $args "$MONTH"
		[[ $stderr != *"no measure or section"* ]] || fail "no events read: $args"
	done
}

@test "item counts alone: a bad event is still an error, a repeated item counted once" {
	report -f md -t channel -m items,complaints
	mv out good.md
	{
		head -22 "$MONTH"
		echo '{"type":"event","id":"r01","event":"escalated","ts":"2026-10-05T04:00:00Z"}'
		tail -n +23 "$MONTH"
	} > bad.ndjson
	run -1 --separate-stderr to_file out fb-report "${WIN[@]}" -f md -t channel -m items,complaints bad.ndjson
	assert_equal "$stderr" "fb-report: bad.ndjson:23: unknown event 'escalated' (assigned, first_response, response, customer_reply, pending, resumed, resolved, reopened, closed or csat)"
	cmp good.md out
	{ cat "$MONTH"; grep -m 1 '"id":"r01"' "$MONTH"; } > twice.ndjson
	run -0 --separate-stderr to_file out fb-report "${WIN[@]}" -f md -t channel -m items,complaints twice.ndjson
	assert_regex "$stderr" "item 'r01' again: counted once"
	cmp good.md out
}

#---- errors ----

@test "a line that is not JSON: FILE:LINE, exit 1, the rest counted" {
	report -f json
	mv out good.json
	{ head -20 "$MONTH"; echo 'this is not json'; tail -n +21 "$MONTH"; } > bad.ndjson
	run -1 --separate-stderr to_file out fb-report "${WIN[@]}" -f json bad.ndjson
	assert_regex "$stderr" '^fb-report: bad.ndjson:21: invalid JSON at byte 1: [^'$'\n'']+$'
	cmp good.json out
}

@test "an event of an unknown kind: FILE:LINE, exit 1, the rest counted" {
	report -f json
	mv out good.json
	{
		head -22 "$MONTH"
		echo '{"type":"event","id":"r01","event":"escalated","ts":"2026-10-05T04:00:00Z"}'
		tail -n +23 "$MONTH"
	} > bad.ndjson
	run -1 --separate-stderr to_file out fb-report "${WIN[@]}" -f json bad.ndjson
	assert_equal "$stderr" "fb-report: bad.ndjson:23: unknown event 'escalated' (assigned, first_response, response, customer_reply, pending, resumed, resolved, reopened, closed or csat)"
	cmp good.json out
}

@test "--format bogus: exit 2" {
	run -2 --separate-stderr fb-report "${WIN[@]}" --format bogus "$MONTH"
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-report: --format: text, md, csv, json or html, not 'bogus'"
}

@test "--merge of records, not states: a clear error" {
	# one message, at the first line, not one per line
	run -2 --separate-stderr fb-report "${WIN[@]}" --merge -f json "$MONTH"
	assert_equal "$output" ""
	assert_equal "$stderr" "fb-report: $MONTH:1: not a partial state of fb-report (run fb-report --partial first)"
}

@test "--merge of states made with another --since: exit 2" {
	fb-report "${WIN[@]}" --partial "$MONTH" > month.state
	# stdout stays empty: every line of output is stderr's
	run -2 fb-report --now 2026-10-25T16:00:00Z \
	    --tz Asia/Shanghai --since 2026-10-06 --until 2026-10-26 \
	    --policy "$FIX/sla.conf" --merge -f json month.state
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --partial 'month.state:1: the state was made with {"since":"2026-10-04T16:00:00Z",'
	assert_line --index 1 --partial 'but this run has {"since":"2026-10-05T16:00:00Z",'
	assert_line --index 2 'fb-report: give --merge the --since, --until, --period, --group-by, --tz, --now, --close-within and --examples of the --partial runs'
}

#---- help ----

@test "--help lists every option; --version" {
	local opt
	run -0 fb-report --help
	for opt in format since until period group-by measure table top \
	    examples title color policy close-within lateness partial merge \
	    reject strict max-line tz now; do
		[[ $output == *"--$opt"[\ ,$'\n']* ]] ||
		    errs+=("--help lacks --$opt")
	done
	assert_line --index 0 --regexp '^usage: fb-report '
	run -0 fb-report --list-options
	assert_equal "$(sort <<< "$output" | paste -sd ' ')" \
	    "--close-within --color --examples --format --group-by --help --lateness --max-line --measure --merge --no-progress --now --partial --period --policy --progress --quiet --reject --since --strict --table --title --top --tz --until --verbose --version"
	run -0 fb-report --version
	assert_regex "$output" '^fb-report [0-9]+\.[0-9]+\.[0-9]+$'
	fail_if_errors
}

@test "the man page has an OPTIONS entry for every option" {
	command -v mandoc > /dev/null || skip "mandoc is not installed"
	# shellcheck disable=SC2034 # man_lacks_options sets it
	local man
	man_lacks_options fb-report
	fail_if_errors
}

@test "bash completion: formats, periods, comma lists of tables, measures and fields" {
	mkdir c && cd c
	touch my.conf
	assert_equal "$(complete_bash fb-report --format "")" "csv html json md text"
	assert_equal "$(complete_bash fb-report -f h)" "html"
	assert_equal "$(complete_bash fb-report -P "")" "day month week"
	assert_equal "$(complete_bash fb-report --table summary,se)" "summary,series"
	assert_equal "$(complete_bash fb-report -m items,fr_m)" "items,fr_mean items,fr_median items,fr_met"
	assert_equal "$(complete_bash fb-report -g queue,week)" "queue,weekday"
	assert_equal "$(complete_bash fb-report --color "")" "always auto never"
	assert_equal "$(complete_bash fb-report -p "")" "my.conf"
	assert_equal "$(complete_bash fb-report --mer)" "--merge"
}
