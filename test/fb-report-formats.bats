#!/usr/bin/env bats
# fb-report-formats.bats: fb-report's csv and md output (cmd/fb-report/csv.c,
# md.c) on feedback whose texts and keys are hostile (DESIGN.md 7): csv
# must not hand a spreadsheet a formula, md must not turn a customer's
# words into links, HTML or emphasis.
#
# The fixture, test/fixtures/fb-report/hostile.ndjson, has 10 items: 6 on
# 2026-10-30 (h1-h6) and 4 on 2026-10-31 (h7-h10), between 01:00Z and
# 07:00Z, so the same local day in UTC and in +08:00.  Complaints are the
# 9 that are negative or carry a problem tag (all but the praise h9).
# Problem tags among complaints: logistics/delay 4 (h1 h2 h6 h10),
# product/defective 3 (h3 h4 h7), service/attitude 2 (h5 h8),
# product/=2+3 1 (h10); of 9 complaints, 4/9 = 0.4444.  Examples are the
# most urgent: logistics/delay h1 (0.9) and h2 (0.7), product/defective
# h3 (0.95) and h7 (0.6), service/attitude h5 (0.5) and h8 (0.4).

load helper

FIX=$FB_FIXTURES/fb-report/hostile.ndjson
NOW=2026-10-31T12:00:00Z

setup() {
	common_setup
	errs=()
}

# report ARGS...: fb-report --now NOW ARGS FIX > out; exit 0, stderr empty.
report() {
	run -0 --separate-stderr to_file out fb-report --now "$NOW" "$@" "$FIX"
	[[ -z $stderr ]] || fail "fb-report $*: stderr: $stderr"
}

# has LINE: adds to errs unless out has a line that is exactly LINE.
has() {
	grep -qFx -- "$1" out || errs+=("no line: $1")
}

# has_start TEXT: adds to errs unless a line of out starts with TEXT.
has_start() {
	awk -v t="$1" 'index($0, t) == 1 { f = 1 } END { exit !f }' out ||
	    errs+=("no line starting: $1")
}

# csv_check FILE: each line one row of the header's width, cut by hand
# (no cell may hold a line break); a bare cell is a number (at most 4
# decimals, no exponent) or empty; a quoted cell never starts, after
# blanks, with = + - @ or a tab; no control character but tab anywhere.
csv_check() {
	python3 - "$1" <<'EOF'
import re, sys
raw = open(sys.argv[1], 'rb').read().decode('utf-8')
bad = []
if not raw.endswith('\n'):
    bad.append('no newline at the end')
if re.search(r'[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]', raw):
    bad.append('a control character')
width = None
for n, line in enumerate(raw.split('\n')[:-1], 1):
    cells, i = [], 0
    while True:
        if line[i:i + 1] == '"':
            j, s = i + 1, ''
            while True:
                k = line.find('"', j)
                if k < 0:
                    bad.append('%d: unterminated quote' % n)
                    k = len(line)
                    break
                if line[k + 1:k + 2] == '"':
                    s, j = s + line[j:k + 1], k + 2
                    continue
                s += line[j:k]
                break
            cells.append(('q', s))
            i = k + 1
        else:
            k = line.find(',', i)
            k = len(line) if k < 0 else k
            cells.append(('b', line[i:k]))
            i = k
        if i >= len(line):
            break
        if line[i] != ',':
            bad.append('%d: junk after a quoted cell' % n)
            break
        i += 1
    if width is None:
        width = len(cells)
    elif len(cells) != width:
        bad.append('%d: %d cells, the header has %d' % (n, len(cells), width))
    for kind, c in cells:
        if kind == 'b' and c != '' and not re.fullmatch(r'-?[0-9]+(\.[0-9]{1,4})?', c):
            bad.append('%d: bare cell %r is no number' % (n, c))
        if kind == 'q' and c.lstrip(' ')[:1] in ('=', '+', '-', '@', '\t'):
            bad.append('%d: cell %r would be a formula' % (n, c))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
EOF
}

# md_tables_check FILE: every row of a pipe table has as many cells as
# the table's header (escaped pipes are text, not cell borders).
md_tables_check() {
	awk '/^\|/ {
		line = $0
		gsub(/\\\\/, "", line)
		gsub(/\\\|/, "", line)
		n = gsub(/\|/, "|", line)
		if (!inside) { want = n; inside = 1 }
		else if (n != want) { print NR ": " n " pipes, want " want; bad = 1 }
		next
	}
	{ inside = 0 }
	END { exit bad }' "$1"
}

#---- csv, long

@test "fb-report csv: long rows for every section, text quoted, numbers bare" {
	report --format csv
	run -0 csv_check out
	assert_equal "$(head -n 1 out)" '"table","key","measure","value"'
	has '"summary","all","items",10'
	has '"summary","all","complaints",9'
	has '"channel","app","items",7'
	has "\"channel\",\"'@SUM(A1)\",\"items\",1"
	has '"sku","SKU-1","items",4'
	has '"region","广东省","items",6'
	has '"top_complaints","logistics/delay","count",4'
	has '"top_complaints","logistics/delay","share",0.4444'
	has '"top_complaints","product/defective","count",3'
	# trend: items per category; heat map: complaints per province
	has '"trend","logistics","total",4'
	has '"heatmap","广东省","total",5'
	has '"heatmap","浙江省","total",3'
	# every hour of the heat map, h00 to h23
	assert_equal "$(grep -c '^"heatmap","浙江省","h[0-2][0-9]",' out)" 24
	fail_if_errors
}

@test "fb-report csv: formula-like keys and texts get a leading quote, numbers never" {
	report --format csv
	run -0 csv_check out
	has "\"sku\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"items\",1"
	has "\"sku\",\"'+1+1\",\"items\",1"
	has "\"sku\",\"'-2\",\"items\",1"
	has "\"sku\",\"'@SUM(A1)\",\"items\",1"
	has "\"top_complaints\",\"logistics/delay\",\"example2\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
	has "\"top_complaints\",\"product/=2+3\",\"count\",1"
	has "\"top_complaints\",\"service/attitude\",\"example1\",\"'-2\""
	has "\"top_complaints\",\"product/defective\",\"example2\",\"'"$'\t'"TAB first\""
	# quotes doubled, HTML left alone: csv is not html
	has "\"top_complaints\",\"product/defective\",\"example1\",\"\"\"quotes\"\" and 'single' & </svg>\""
	# the ANSI escape is gone, the line break a space, so =cmd is inside
	has "\"top_complaints\",\"service/attitude\",\"example2\",\"[31mred[0m | *fast* [link](http://evil.example) _x_ \`code\` #1 @bob  =cmd\""
	has "\"region\",\"</svg>\",\"items\",1"
	run ! grep -q $'\e' out
	run ! grep -q $'\r' out
	fail_if_errors
}

#---- csv, wide

@test "fb-report csv --table top_complaints: one row per tag, examples as columns" {
	report --format csv --table top_complaints
	run -0 csv_check out
	assert_equal "$(head -n 1 out)" '"rank","tag","count","share","prev_count","change","example1","example2","example_id1","example_id2"'
	has_start '1,"logistics/delay",4,0.4444,'
	has_start '2,"product/defective",3,0.3333,'
	has_start '3,"service/attitude",2,0.2222,'
	has_start '4,"product/=2+3",1,0.1111,'
	grep -F '"logistics/delay"' out | grep -qF "\"<script>alert(1)</script> 快递太慢\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"fb-h1\",\"fb-h2\"" ||
	    errs+=("logistics/delay: examples h1, h2 not as expected")
	grep -F '"service/attitude"' out | grep -qF "\"'-2\"," ||
	    errs+=("service/attitude: example1 '-2 not neutralised")
	# product/=2+3 has one example: the second cells are empty
	grep -F '"product/=2+3"' out | grep -qE ',"late and broken",,"fb-h10",$' ||
	    errs+=("product/=2+3: want one example and empty cells")
	assert_equal "$(lines out)" 5
	fail_if_errors
}

@test "fb-report csv --table sku: the key's fields, then every measure" {
	report --format csv --table sku
	run -0 csv_check out
	has_start '"sku","items","complaints","complaint_rate",'
	[[ $(head -n 1 out) == *',"nps","prev_items","items_change"' ]] ||
	    errs+=("header ends: $(head -n 1 out | tail -c 60)")
	has_start '"SKU-1",4,'
	has_start '"SKU-2",2,'
	has_start "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,"
	has_start "\"'+1+1\",1,"
	has_start "\"'-2\",1,"
	has_start "\"'@SUM(A1)\",1,"
	fail_if_errors
}

@test "fb-report csv --table series: a negative change stays a bare number" {
	report --format csv --table series --period day
	run -0 csv_check out
	has_start '"label","start","items",'
	# 4 items on the 31st after 6 on the 30th: 4/6 - 1
	has_start '"2026-10-30",'
	# and the day ends after --now: partial (1)
	grep -E '^"2026-10-31",' out | grep -qE '^"2026-10-31","[^"]+",4,.*,-0\.3333,1$' ||
	    errs+=("2026-10-31: $(grep '^"2026-10-31"' out)")
	fail_if_errors
}

@test "fb-report csv --group-by: one key column per field, each neutralised" {
	report --format csv --group-by channel,sku --table by
	run -0 csv_check out
	has_start '"channel","sku","items","complaints",'
	has_start '"app","SKU-1",4,'
	has_start "\"'@SUM(A1)\",\"'+1+1\",1,"
	has_start "\"web\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,"
	fail_if_errors
}

@test "fb-report csv --table: an unknown table fails and names those there are" {
	run -2 --separate-stderr fb-report --format csv --now "$NOW" --table nosuch "$FIX"
	assert_output ''
	[[ $stderr == *"'nosuch'"*channel*top_complaints* ]] || fail "stderr: $stderr"
}

#---- md

@test "fb-report md: title, window, summary, tables, trend, heat map, top complaints" {
	report --format md
	assert_equal "$(head -n 1 out)" '# Feedback report'
	assert_equal "$(sed -n 2p out)" ''
	[[ $(sed -n 3p out) == 'Window: '*"; generated $NOW." ]] ||
	    errs+=("window line: $(sed -n 3p out)")
	has '## Summary'
	has '| Measure | Value |'
	has_start '| Items | 10 |'
	has '## By channel'
	has '## By SKU'
	has '## Top complaints'
	has '9 complaints in all.'
	has '1. **logistics/delay**: 4, 44.4% of complaints'
	has '   - "&lt;script&gt;alert(1)&lt;/script&gt; 快递太慢" (fb-h1, P1)'
	has '4. **product/=2+3**: 1, 11.1% of complaints'
	has_start '| Province | 0 | 1 | 2 |'
	# numbers are right-aligned
	grep -qE '^\| --- \| ---: \|' out || errs+=("no ---: column")
	run -0 md_tables_check out
	fail_if_errors
}

@test "fb-report md: customers' text and keys never become markup" {
	report --format md
	# no raw HTML at all: every < is an entity
	run ! grep -q '<' out
	run ! grep -q $'\e' out
	run ! grep -q $'\t' out
	run ! grep -q $'\r' out
	has '   - "\[31mred\[0m \| \*fast\* \[link\](http\://evil.example) \_x\_ \`code\` \#1 \@bob  =cmd" (fb-h8, P2)'
	has '   - "=HYPERLINK("http\://x","y")" (fb-h2, P2)'
	has '   - ""quotes" and '"'"'single'"'"' &amp; &lt;/svg&gt;" (fb-h3, P1)'
	has '   - " TAB first" (fb-h7, P2)'
	has_start '| \@SUM(A1) | 1 |'
	has_start '| &lt;/svg&gt; | 1 |'
	run -0 md_tables_check out
	if command -v cmark-gfm > /dev/null; then
		cmark-gfm -e table -e autolink -e strikethrough out > out.html
		run ! grep -E '<(a|img|script|svg|em|del|code|b|i)[ >]' out.html
	fi
	fail_if_errors
}
