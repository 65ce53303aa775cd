/*
 * text.c: the text report, what people read in a terminal (the default
 * --format): the summary, each table as aligned columns with a bar, the
 * series, the trend as counts or sparklines, the heat map and the top
 * complaints with their examples.
 *
 * Every line fits in v->width display columns, counted with
 * fb_utf8_width() so that CJK keys line up.  Every string of the model
 * comes from the records and is untrusted: it goes through clean(),
 * which drops control and bidi characters (no escape sequence from
 * feedback text reaches the terminal), and is clipped to its column
 * with an ellipsis.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fb_cli.h"
#include "report.h"

#define ELLIPSIS "\xe2\x80\xa6"	/* … */
#define MIN_WIDTH 40		/* narrower views are drawn at this width */
#define GAP 2			/* spaces between columns */
#define BAR_CELLS 10		/* the bar after a table's items column */
#define MIX_CELLS 40		/* the stacked sentiment bar */
#define KEY_MIN 20		/* a key column shrinks to this before */
#define KEY_MAX 28		/* measures go, and grows to this after */
#define MAX_COLS 64
#define ID_MAX 24		/* the columns an example's id may take */

struct text {
	struct fb_buf *out;
	size_t line;		/* where the current line starts in 'out' */
	int width;
	int color;
	int sections;		/* written so far (a blank line between) */
	struct fb_buf clean;	/* the last string made safe by clean() */
	char hidden[512];	/* the measures last said not to fit */
};

/*---- Lines and cells ----*/

/* Drops the spaces at the end of the line so far (left by padding). */
static void
trim(struct text *t)
{
	struct fb_buf *o = t->out;

	while (o->len > t->line && o->p[o->len - 1] == ' ')
		o->len--;
	if (o->p != NULL)
		o->p[o->len] = '\0';
}

static void
newline(struct text *t)
{
	trim(t);
	fb_buf_addc(t->out, '\n');
	t->line = t->out->len;
}

static void
spaces(struct text *t, int n)
{
	while (n-- > 0)
		fb_buf_addc(t->out, ' ');
}

static int
str_width(const char *s)
{
	return (int)fb_utf8_width(s, strlen(s));
}

/* Makes '*w' wide enough for 's'. */
static void
widen(int *w, const char *s)
{
	if (str_width(s) > *w)
		*w = str_width(s);
}

static double
num(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : 0;
}

/* A count as text, in 'buf' of 32 bytes. */
static const char *
count_str(double x, char *buf)
{
	snprintf(buf, 32, "%.0f", x);
	return buf;
}

/* A string of the model, "" when it is not one. */
static const char *
jstr(const json_t *v, size_t *len)
{
	*len = json_is_string(v) ? json_string_length(v) : 0;
	return json_is_string(v) ? json_string_value(v) : "";
}

/*
 * Copies 'n' bytes of untrusted 's' into t->clean for a terminal, as
 * fb_text_shown() says: no escape sequence or bidi control from feedback
 * reaches the terminal.
 */
static void
clean(struct text *t, const char *s, size_t n)
{
	t->clean.len = 0;
	fb_buf_add_clean(&t->clean, s, n, SIZE_MAX);
}

/* The columns untrusted 's' takes once cleaned. */
static int
clean_width(struct text *t, const char *s, size_t n)
{
	clean(t, s, n);
	return (int)fb_utf8_width(t->clean.p != NULL ? t->clean.p : "",
	    t->clean.len);
}

/*
 * Writes untrusted 's' in at most 'cols' columns, cut with "…" when
 * wider, and pads it to 'cols' when 'pad'.  Returns the columns used.
 */
static int
put_text(struct text *t, const char *s, size_t n, int cols, int pad)
{
	const char *c;
	size_t len, k;
	int used;

	if (cols <= 0)
		return 0;
	clean(t, s, n);
	c = t->clean.p != NULL ? t->clean.p : "";
	len = t->clean.len;
	used = (int)fb_utf8_width(c, len);
	if (used > cols) {
		k = fb_utf8_fit(c, len, (size_t)cols - 1);
		fb_buf_add(t->out, c, k);
		fb_buf_adds(t->out, ELLIPSIS);
		used = (int)fb_utf8_width(c, k) + 1;
	} else {
		fb_buf_add(t->out, c, len);
	}
	if (pad)
		spaces(t, cols - used);
	return used;
}

static int
put_str(struct text *t, const char *s, int cols, int pad)
{
	return put_text(t, s, strlen(s), cols, pad);
}

/* A row's key ("(none)" for null) in 'buf', and its width once cleaned. */
static int
key_label(struct text *t, const json_t *key, char *buf, size_t size)
{
	report_key_label(key, buf, size);
	return clean_width(t, buf, strlen(buf));
}

/* A column of our own text (a number, a head), right-aligned after a gap. */
static void
put_col(struct text *t, const char *s, int cols)
{
	spaces(t, GAP + cols - str_width(s));
	fb_buf_adds(t->out, s);
}

/* A line of untrusted text, clipped to the width. */
static void
put_line(struct text *t, const char *s)
{
	put_str(t, s, t->width, 0);
	newline(t);
}

/* Starts a section: a blank line after the one before, then its heading. */
static void
heading(struct text *t, const char *s)
{
	if (t->sections++ > 0)
		newline(t);
	if (t->color)
		fb_buf_adds(t->out, "\033[1m");
	put_str(t, s, t->width, 0);
	trim(t);
	if (t->color)
		fb_buf_adds(t->out, "\033[0m");
	newline(t);
}

/* A bar of 'cells' cells filled to 'frac' in eighths; never empty above 0. */
static void
put_bar(struct text *t, double frac, int cells)
{
	static const char *const part[8] = { "", "\xe2\x96\x8f",
	    "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c", "\xe2\x96\x8b",
	    "\xe2\x96\x8a", "\xe2\x96\x89" };
	long e, i;

	frac = frac > 0 ? (frac < 1 ? frac : 1) : 0;
	e = lround(frac * cells * 8);
	if (frac > 0 && e == 0)
		e = 1;
	for (i = 0; i < e / 8; i++)
		fb_buf_adds(t->out, "\xe2\x96\x88");
	fb_buf_adds(t->out, part[e % 8]);
	spaces(t, cells - (int)(e / 8) - (e % 8 != 0));
}

/*
 * A relative change in percent between 'pre' and 'post': "+25.0%",
 * whole numbers from 1000% on, and ">+999999%" past that, so that a
 * count that grew from 1 to 50000 does not push a column off the line.
 */
/* "+25.0%" for a fraction; "" for null. */
static const char *
rel_str(const json_t *change, char *buf, size_t size)
{
	buf[0] = '\0';
	if (json_is_number(change))
		report_format_percent(json_number_value(change) * 100, buf,
		    size);
	return buf;
}

/* The change against the previous window in brackets; "" for none. */
static void
format_change(const struct report_measure *m, const json_t *cur,
    const json_t *prev, char *buf, size_t size)
{
	char change[24];

	buf[0] = '\0';
	if (report_format_change(m, cur, prev, change, sizeof(change)) > 0)
		snprintf(buf, size, "(%s)", change);
}

/*---- Header and summary ----*/

/*
 * An RFC 3339 time of the model in the report's zone: "2026-10-01
 * 08:03", or the date alone when 'date_only'; as it stands when it
 * cannot be read, "…" for null (an open end).  Returns whether it is a
 * local midnight.
 */
static int
local_time(const struct fb_zone *zone, const json_t *v, int date_only,
    char *buf, size_t size)
{
	struct fb_civil c;
	fb_time_t ts;
	size_t len;
	const char *s = jstr(v, &len);

	if (zone == NULL || fb_time_parse_rfc3339(s, len, &ts) != 0) {
		snprintf(buf, size, "%s", len > 0 ? s : ELLIPSIS);
		return 0;
	}
	fb_zone_civil(zone, ts, &c);
	snprintf(buf, size, date_only ? "%04d-%02d-%02d" :
	    "%04d-%02d-%02d %02d:%02d", c.year, c.mon, c.day, c.hour, c.min);
	return c.hour == 0 && c.min == 0 && c.sec == 0;
}

/* "LABEL FROM → TO", local, the dates alone when both are midnights. */
static void
put_span(struct text *t, const char *label, const struct fb_zone *zone,
    const json_t *from, const json_t *to, const char *tz)
{
	char a[64], b[64], line[256];
	int dates;

	dates = local_time(zone, from, 0, a, sizeof(a)) &
	    local_time(zone, to, 0, b, sizeof(b));
	local_time(zone, from, dates, a, sizeof(a));
	local_time(zone, to, dates, b, sizeof(b));
	snprintf(line, sizeof(line), "%-12s%s \xe2\x86\x92 %s  %s", label, a,
	    b, tz);
	put_line(t, line);
}

static void
put_header(struct text *t, const json_t *model, const struct fb_zone *zone)
{
	const json_t *w = json_object_get(model, "window");
	const json_t *since = json_object_get(w, "since");
	const json_t *until = json_object_get(w, "until");
	const json_t *prev = json_object_get(w, "previous");
	char line[256], tz[64], gen[64];
	size_t len;
	const char *s;

	s = jstr(json_object_get(model, "title"), &len);
	heading(t, len > 0 ? s : "Feedback report");
	s = jstr(json_object_get(w, "tz"), &len);
	snprintf(tz, sizeof(tz), "%s", s);
	if (json_is_null(since) && json_is_null(until) &&
	    json_is_null(json_object_get(w, "first"))) {
		snprintf(line, sizeof(line), "%-12s(no items)  %s", "Window",
		    tz);
		put_line(t, line);
	} else {
		put_span(t, json_is_null(since) && json_is_null(until) ?
		    "Items from" : "Window", zone, json_is_null(since) ?
		    json_object_get(w, "first") : since, json_is_null(until) ?
		    json_object_get(w, "last") : until, tz);
	}
	if (json_is_object(prev))
		put_span(t, "Compared", zone, json_object_get(prev, "since"),
		    json_object_get(prev, "until"), "");
	local_time(zone, json_object_get(model, "generated"), 0, gen,
	    sizeof(gen));
	snprintf(line, sizeof(line), "%-12s%s", "Generated", gen);
	put_line(t, line);
}

/* One measure of the summary, formatted. */
struct fact {
	const char *label;
	char value[32], change[32];
};

static int
fact_width(const int *lw, const int *vw, const int *cw, int c)
{
	return lw[c] + 1 + vw[c] + (cw[c] > 0 ? 1 + cw[c] : 0);
}

/*
 * The measures as "label value (change)" in two columns, filled down the
 * left one first.  Labels are cut when two columns do not fit with them
 * whole, down to 10 columns; below that it is one column.
 */
static void
put_facts(struct text *t, const struct fact *f, size_t n)
{
	size_t half = (n + 1) / 2, r, i;
	int lw[2] = { 0, 0 }, vw[2] = { 0, 0 }, cw[2] = { 0, 0 };
	int c, two = n > 1;

	for (i = 0; i < n; i++) {
		c = two && i >= half;
		widen(&lw[c], f[i].label);
		widen(&vw[c], f[i].value);
		widen(&cw[c], f[i].change);
	}
	while (fact_width(lw, vw, cw, 0) + (two ? 3 + fact_width(lw, vw, cw,
	    1) : 0) > t->width) {
		c = two && lw[1] > lw[0];
		if (lw[c] > (two ? 10 : 1)) {
			lw[c]--;
			continue;
		}
		if (!two)
			break;
		/* One column: the right one's widths join the left. */
		two = 0;
		half = n;
		lw[0] = lw[0] > lw[1] ? lw[0] : lw[1];
		vw[0] = vw[0] > vw[1] ? vw[0] : vw[1];
		cw[0] = cw[0] > cw[1] ? cw[0] : cw[1];
	}
	for (r = 0; r < half; r++) {
		for (c = 0; c <= two && (i = r + (size_t)c * half) < n; c++) {
			if (c > 0)
				spaces(t, 3);
			put_str(t, f[i].label, lw[c], 1);
			spaces(t, 1 + vw[c] - str_width(f[i].value));
			fb_buf_adds(t->out, f[i].value);
			if (cw[c] > 0) {
				spaces(t, 1);
				put_str(t, f[i].change, cw[c], 1);
			}
		}
		newline(t);
	}
}

/*
 * The sentiment mix as one bar over all items: █ negative, ▒ neutral,
 * ░ positive, · none (shown only when some item has no sentiment).
 */
static void
put_mix(struct text *t, const json_t *m)
{
	static const char *const shade[4] = { "\xe2\x96\x88", "\xe2\x96\x92",
	    "\xe2\x96\x91", "\xc2\xb7" };
	static const char *const key[4] = { "negative", "neutral",
	    "positive", "no_sentiment" };
	double n[4], total = 0, upto = 0;
	int cells[4], width, i, k, done = 0;
	char pct[80];

	for (i = 0; i < 4; i++) {
		n[i] = num(json_object_get(m, key[i]));
		total += n[i] = n[i] > 0 ? n[i] : 0;
	}
	if (!(total > n[3]))
		return;
	k = snprintf(pct, sizeof(pct), "neg %.0f%% neu %.0f%% pos %.0f%%",
	    n[0] / total * 100, n[1] / total * 100, n[2] / total * 100);
	if (n[3] > 0)
		snprintf(pct + k, sizeof(pct) - (size_t)k, " none %.0f%%",
		    n[3] / total * 100);
	width = t->width - 11 - 2 - str_width(pct);
	if (width > MIX_CELLS)
		width = MIX_CELLS;
	if (width < 10) {
		width = t->width - 11;
		pct[0] = '\0';
	}
	/* Rounding the running sum, so the cells add up to the bar. */
	for (i = 0; i < 4; i++) {
		upto += n[i];
		cells[i] = (int)lround(upto / total * width) - done;
		done += cells[i];
	}
	fb_buf_adds(t->out, "Sentiment  ");
	for (i = 0; i < 4; i++)
		for (k = 0; k < cells[i]; k++)
			fb_buf_adds(t->out, shade[i]);
	spaces(t, 2);
	fb_buf_adds(t->out, pct);
	newline(t);
}

/* The catalog entry of the model's i-th measure, or NULL. */
static const struct report_measure *
measure_at(const json_t *model, size_t i)
{
	const char *name = json_string_value(json_array_get(
	    json_object_get(model, "measures"), i));

	return report_measure_find(name != NULL ? name : "");
}

static void
put_summary(struct text *t, const json_t *model)
{
	const json_t *sum = json_object_get(model, "summary");
	const json_t *prev = json_object_get(model, "previous");
	size_t i, n = 0, all;
	const struct report_measure *m;
	struct fact f[MAX_COLS];

	if (!json_is_object(sum))
		return;
	heading(t, json_is_object(prev) ?
	    "Summary (in brackets: change vs the previous window)" :
	    "Summary");
	all = json_array_size(json_object_get(model, "measures"));
	for (i = 0; i < all && n < MAX_COLS; i++) {
		if ((m = measure_at(model, i)) == NULL)
			continue;
		f[n].label = m->label;
		report_format_value(m, json_object_get(sum, m->name),
		    f[n].value, sizeof(f[n].value));
		format_change(m, json_object_get(sum, m->name),
		    json_object_get(prev, m->name), f[n].change,
		    sizeof(f[n].change));
		n++;
	}
	put_facts(t, f, n);
	put_mix(t, sum);
}

/*---- Tables and the series ----*/

struct col {
	const struct report_measure *m;
	int w;			/* head and values */
};

/* The columns of a table and how wide they are. */
struct plan {
	struct col col[MAX_COLS];
	size_t n;		/* shown: the first n */
	size_t all;		/* asked for */
	int key_w;
	int bar_w;		/* the bar after the items column; 0: none */
	int change_w;		/* the change column after it; 0: none */
};

static void
add_col(struct plan *p, const struct report_measure *m, const json_t *rows)
{
	struct col *c = &p->col[p->all++];
	char buf[64];
	size_t i;

	c->m = m;
	c->w = str_width(m->head);
	for (i = 0; i < json_array_size(rows); i++) {
		report_format_value(m, json_object_get(json_array_get(rows,
		    i), m->name), buf, sizeof(buf));
		widen(&c->w, buf);
	}
}

static int
is_items(const struct col *c)
{
	return strcmp(c->m->name, "items") == 0;
}

/* The columns a measure takes with the gap before it (items: its bar too). */
static int
col_cost(const struct plan *p, size_t i)
{
	int cost = GAP + p->col[i].w;

	if (is_items(&p->col[i])) {
		if (p->bar_w > 0)
			cost += 1 + p->bar_w;
		if (p->change_w > 0)
			cost += GAP + p->change_w;
	}
	return cost;
}

/* How many measures fit in order; '*used' gets the columns they take. */
static size_t
fit_columns(const struct text *t, const struct plan *p, int *used)
{
	size_t i;

	*used = p->key_w;
	for (i = 0; i < p->all && *used + col_cost(p, i) <= t->width; i++)
		*used += col_cost(p, i);
	return i;
}

/*
 * Decides what a table shows.  The key column gets its widest key
 * ('key_w') up to KEY_MIN; then the measures of the model, in their
 * order, as long as the next one fits (the user orders --measure by
 * what matters); what is left widens the key up to KEY_MAX.  The bar
 * narrows from 10 cells to 8 when that makes room for one more measure,
 * and goes before the items column would not fit.  'change_w': the
 * series' change column, which comes with items, first there.
 */
static void
plan_columns(struct text *t, struct plan *p, const json_t *model,
    const json_t *rows, int key_w, int change_w)
{
	const struct report_measure *m;
	size_t i, n;
	int used, more;

	memset(p, 0, sizeof(*p));
	p->change_w = change_w;
	if (change_w > 0)
		add_col(p, report_measure_find("items"), rows);
	n = json_array_size(json_object_get(model, "measures"));
	for (i = 0; i < n && p->all < MAX_COLS; i++)
		if ((m = measure_at(model, i)) != NULL &&
		    !(change_w > 0 && strcmp(m->name, "items") == 0))
			add_col(p, m, rows);
	p->key_w = key_w < KEY_MIN ? key_w : KEY_MIN;
	for (i = 0; i < p->all; i++) {
		if (!is_items(&p->col[i]))
			continue;
		p->bar_w = BAR_CELLS;
		while (p->bar_w > 0 && p->key_w + col_cost(p, i) > t->width)
			p->bar_w = p->bar_w == BAR_CELLS ? 8 : 0;
	}
	p->n = fit_columns(t, p, &used);
	if (p->n < p->all && p->bar_w == BAR_CELLS) {
		p->bar_w = 8;
		if ((i = fit_columns(t, p, &more)) > p->n) {
			p->n = i;
			used = more;
		} else {
			p->bar_w = BAR_CELLS;
		}
	}
	more = (key_w < KEY_MAX ? key_w : KEY_MAX) - p->key_w;
	p->key_w += more < t->width - used ? more : t->width - used;
}

/*
 * A row of a table: the key, the measures, and after items its bar and
 * change.  'row' NULL: the header row, 'key' the key column's name.
 */
static void
put_row(struct text *t, const struct plan *p, const json_t *row,
    const char *key, size_t keylen, double max_items)
{
	char buf[64];
	size_t i;

	put_text(t, key, keylen, p->key_w, 1);
	for (i = 0; i < p->n; i++) {
		if (row != NULL)
			report_format_value(p->col[i].m, json_object_get(row,
			    p->col[i].m->name), buf, sizeof(buf));
		put_col(t, row != NULL ? buf : p->col[i].m->head,
		    p->col[i].w);
		if (!is_items(&p->col[i]))
			continue;
		spaces(t, p->bar_w > 0);
		if (row == NULL)
			spaces(t, p->bar_w);
		else if (p->bar_w > 0)
			put_bar(t, max_items > 0 ? num(json_object_get(row,
			    "items")) / max_items : 0, p->bar_w);
		if (p->change_w > 0)
			put_col(t, row == NULL ? "change" : rel_str(
			    json_object_get(row, "items_change"), buf,
			    sizeof(buf)), p->change_w);
	}
	newline(t);
}

/* Names the measures that did not fit, as many as the line holds. */
static void
put_not_shown(struct text *t, const struct plan *p)
{
	const char *pre = "(not shown: ";
	const char *post = "; use --format csv or --measure)";
	int avail, used = 0, need;
	size_t i;

	char names[512] = "";

	if (p->n == p->all)
		return;
	/* said once for a run of tables that leave out the same */
	for (i = p->n; i < p->all; i++) {
		strncat(names, p->col[i].m->name, sizeof(names) -
		    strlen(names) - 2);
		strcat(names, ",");
	}
	if (strcmp(names, t->hidden) == 0)
		return;
	memcpy(t->hidden, names, sizeof(names));
	avail = t->width - str_width(pre) - str_width(post);
	if (avail < 12) {
		post = ")";
		avail = t->width - str_width(pre) - 1;
	}
	fb_buf_adds(t->out, pre);
	for (i = p->n; i < p->all; i++) {
		need = (i > p->n ? 2 : 0) + str_width(p->col[i].m->name);
		/* Room for ", …" unless it is the last. */
		if (used + need + (i + 1 < p->all ? 3 : 0) > avail) {
			fb_buf_adds(t->out, i > p->n ? ", " ELLIPSIS :
			    ELLIPSIS);
			break;
		}
		if (i > p->n)
			fb_buf_adds(t->out, ", ");
		fb_buf_adds(t->out, p->col[i].m->name);
		used += need;
	}
	fb_buf_adds(t->out, post);
	newline(t);
}

static void
put_more(struct text *t, const json_t *more, const char *what)
{
	char buf[64];

	if (num(more) > 0) {
		snprintf(buf, sizeof(buf), ELLIPSIS " %.0f more%s", num(more),
		    what);
		put_line(t, buf);
	}
}

static void
put_table(struct text *t, const json_t *model, const json_t *table)
{
	const json_t *rows = json_object_get(table, "rows"), *row;
	char key[512], head[256];
	struct plan p;
	double max_items = 0;
	size_t i, len;
	const char *title = jstr(json_object_get(table, "title"), &len);
	int key_w, w;

	heading(t, len > 0 ? title : "Table");
	if (json_array_size(rows) == 0) {
		put_line(t, "(no items)");
		return;
	}
	key_w = key_label(t, json_object_get(table, "fields"), head,
	    sizeof(head));
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		w = key_label(t, json_object_get(row, "key"), key, sizeof(key));
		key_w = w > key_w ? w : key_w;
		if (num(json_object_get(row, "items")) > max_items)
			max_items = num(json_object_get(row, "items"));
	}
	plan_columns(t, &p, model, rows, key_w, 0);
	put_row(t, &p, NULL, head, strlen(head), 0);
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		report_key_label(json_object_get(row, "key"), key, sizeof(key));
		put_row(t, &p, row, key, strlen(key), max_items);
	}
	put_not_shown(t, &p);
	put_more(t, json_object_get(table, "more"), "");
}

static void
put_series(struct text *t, const json_t *model, const json_t *series)
{
	const json_t *rows = json_object_get(series, "rows"), *row;
	char buf[64];
	struct plan p;
	double max_items = 0;
	size_t i, len, plen;
	const char *period = jstr(json_object_get(series, "period"), &plen);
	const char *label;
	char mark[48];
	int key_w, change_w = 6, partial = 0;

	snprintf(buf, sizeof(buf), "By %s", period);
	heading(t, buf);
	if (json_array_size(rows) == 0) {
		put_line(t, "(no periods)");
		return;
	}
	key_w = clean_width(t, period, plen);
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		label = jstr(json_object_get(row, "label"), &len);
		/* room for the partial period's mark */
		if (clean_width(t, label, len) + 1 > key_w)
			key_w = clean_width(t, label, len) + 1;
		if (num(json_object_get(row, "items")) > max_items)
			max_items = num(json_object_get(row, "items"));
		widen(&change_w, rel_str(json_object_get(row, "items_change"),
		    buf, sizeof(buf)));
	}
	plan_columns(t, &p, model, rows, key_w, change_w);
	put_row(t, &p, NULL, period, plen, 0);
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		label = jstr(json_object_get(row, "label"), &len);
		if (json_is_true(json_object_get(row, "partial"))) {
			snprintf(mark, sizeof(mark), "%.*s*", (int)(len < 40 ?
			    len : 40), label);
			label = mark;
			len = strlen(mark);
			partial++;
		}
		put_row(t, &p, row, label, len, max_items);
	}
	if (partial > 0)
		put_line(t, "* the window covers part of the period only");
	put_not_shown(t, &p);
}

/*---- The trend ----*/

/*
 * A period's label without its year, to fit a column: "10-05" for a
 * week or day, "Oct" for a month; other labels in printable ASCII.
 */
static const char *
short_label(const json_t *v, char *buf, size_t size)
{
	static const char *const month[12] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	size_t len, k;
	const char *s = jstr(v, &len);
	int mon;

	if (len == 10 && s[4] == '-' && s[7] == '-') {
		s += 5;
		len = 5;
	} else if (len == 7 && s[4] == '-' && sscanf(s + 5, "%2d", &mon) ==
	    1 && mon >= 1 && mon <= 12) {
		s = month[mon - 1];
		len = 3;
	}
	for (k = 0; k < len && k + 1 < size; k++)
		buf[k] = s[k] > ' ' && s[k] < 0x7f ? s[k] : '?';
	buf[k] = '\0';
	return buf;
}

/* The change from 'first' to 'last': "+50.0%", "new", or "". */
static const char *
trend_change(double first, double last, char *buf, size_t size)
{
	if (first > 0)
		report_format_percent((last / first - 1) * 100, buf, size);
	else
		snprintf(buf, size, "%s", last > 0 ? "new" : "");
	return buf;
}

/* A sparkline of counts[from..n), scaled to its largest; 0 is a space. */
static void
put_spark(struct text *t, const json_t *counts, size_t from, size_t n)
{
	static const char *const level[8] = { "\xe2\x96\x81",
	    "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85",
	    "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	double max = 0, c;
	size_t k;

	for (k = from; k < n; k++)
		if (num(json_array_get(counts, k)) > max)
			max = num(json_array_get(counts, k));
	for (k = from; k < n; k++) {
		c = num(json_array_get(counts, k));
		if (c > 0)
			fb_buf_adds(t->out, level[(int)ceil(c / max * 8) - 1]);
		else
			spaces(t, 1);
	}
}

/*
 * Counts per period as columns when there are at most 8 periods and
 * they fit, with the total; else a sparkline over the periods (the
 * latest ones when the width does not hold them all) and the first and
 * last counts.  Either way the change from the first period shown to
 * the last.
 */
static void
put_trend(struct text *t, const json_t *trend)
{
	const json_t *labels = json_object_get(trend, "labels");
	const json_t *rows = json_object_get(trend, "rows"), *counts;
	size_t n = json_array_size(labels), nrows = json_array_size(rows);
	size_t from = 0, i, k;
	char key[256], buf[64], a[32], b[32];
	int key_w = 8, num_w = 5, tot_w = 5, cw = 0, chg_w = 6, cols, avail;
	int w;

	snprintf(buf, sizeof(buf), "Trend by category, per %s",
	    jstr(json_object_get(trend, "period"), &k));
	heading(t, buf);
	if (n == 0 || nrows == 0) {
		put_line(t, "(none)");
		return;
	}
	for (i = 0; i < nrows; i++) {
		counts = json_object_get(json_array_get(rows, i), "counts");
		w = key_label(t, json_object_get(json_array_get(rows, i),
		    "key"), key, sizeof(key));
		key_w = w > key_w ? w : key_w;
		widen(&tot_w, count_str(num(json_object_get(json_array_get(
		    rows, i), "total")), buf));
		for (k = 0; k < n; k++)
			widen(&num_w, count_str(num(json_array_get(counts, k)),
			    buf));
	}
	/* Leave a sparkline of 8 periods room on a narrow terminal. */
	w = t->width - 4 * GAP - 2 * num_w - 8 - 8;
	key_w = key_w < KEY_MIN ? key_w : KEY_MIN;
	key_w = key_w < w ? key_w : (w > 4 ? w : 4);
	for (k = 0; k < n; k++)
		widen(&cw, short_label(json_array_get(labels, k), buf,
		    sizeof(buf)));
	cw = cw > num_w ? cw : num_w;
	/*
	 * The changes depend on the first period shown, which depends on
	 * the room they leave: widen until they fit (they rarely pass 6).
	 */
	for (;;) {
		cols = n <= 8 && key_w + (int)n * (GAP + cw) + 2 * GAP +
		    tot_w + chg_w <= t->width;
		avail = t->width - key_w - 4 * GAP - 2 * num_w - chg_w;
		avail = avail > 1 ? avail : 1;
		from = !cols && n > (size_t)avail ? n - (size_t)avail : 0;
		w = 6;
		for (i = 0; i < nrows; i++) {
			counts = json_object_get(json_array_get(rows, i),
			    "counts");
			widen(&w, trend_change(num(json_array_get(counts,
			    from)), num(json_array_get(counts, n - 1)), buf,
			    sizeof(buf)));
		}
		if (w <= chg_w)
			break;
		chg_w = w;
	}
	put_str(t, "category", key_w, 1);
	if (cols) {
		for (k = 0; k < n; k++)
			put_col(t, short_label(json_array_get(labels, k), buf,
			    sizeof(buf)), cw);
		put_col(t, "total", tot_w);
	} else {
		spaces(t, GAP);
		snprintf(buf, sizeof(buf), "%s " ELLIPSIS " %s",
		    short_label(json_array_get(labels, from), a, sizeof(a)),
		    short_label(json_array_get(labels, n - 1), b, sizeof(b)));
		put_str(t, str_width(buf) <= (int)(n - from) ? buf : "",
		    (int)(n - from), 1);
		put_col(t, "first", num_w);
		put_col(t, "last", num_w);
	}
	put_col(t, "change", chg_w);
	newline(t);
	for (i = 0; i < nrows; i++) {
		counts = json_object_get(json_array_get(rows, i), "counts");
		report_key_label(json_object_get(json_array_get(rows, i),
		    "key"), key, sizeof(key));
		put_str(t, key, key_w, 1);
		if (cols) {
			for (k = 0; k < n; k++)
				put_col(t, count_str(num(json_array_get(counts,
				    k)), buf), cw);
			put_col(t, count_str(num(json_object_get(
			    json_array_get(rows, i), "total")), buf), tot_w);
		} else {
			spaces(t, GAP);
			put_spark(t, counts, from, n);
			put_col(t, count_str(num(json_array_get(counts, from)),
			    buf), num_w);
			put_col(t, count_str(num(json_array_get(counts, n - 1)),
			    buf), num_w);
		}
		put_col(t, trend_change(num(json_array_get(counts, from)),
		    num(json_array_get(counts, n - 1)), buf, sizeof(buf)),
		    chg_w);
		newline(t);
	}
	if (json_is_true(json_array_get(json_object_get(trend, "partial"),
	    from)) || json_is_true(json_array_get(json_object_get(trend,
	    "partial"), n - 1)))
		put_line(t, "(the change compares a partial first or last "
		    "period)");
}

/*---- The heat map ----*/

/* Shades by quarters of the maximum; 0 is a dot, so the grid shows. */
static const char *const heat_glyph[5] = { "\xc2\xb7",
	"\xe2\x96\x91", "\xe2\x96\x92", "\xe2\x96\x93", "\xe2\x96\x88" };
/* 256-colour backgrounds, light to dark. */
static const int heat_color[5] = { 0, 230, 222, 208, 160 };

/* The shade of 'v': 0 for nothing, else 1-4 by quarters of 'max'. */
static int
heat_level(long long v, long long max)
{
	if (v <= 0 || max <= 0)
		return 0;
	return v >= max ? 4 : (int)((4 * v + max - 1) / max);
}

/* One cell 'cw' columns wide: coloured spaces, or the shade glyphs. */
static void
put_cell(struct text *t, int level, int cw)
{
	int i;

	if (t->color && level > 0) {
		/* cppcheck-suppress arrayIndexOutOfBoundsCond ; level <= 4 */
		fb_buf_printf(t->out, "\033[48;5;%dm", heat_color[level]);
		spaces(t, cw);
		fb_buf_adds(t->out, "\033[0m");
		return;
	}
	for (i = 0; i < cw; i++)
		fb_buf_adds(t->out, heat_glyph[level]);
}

/*
 * Provinces by hour: keys in 8 columns, 24 cells of 2 columns (1 when
 * the width is short), the row's total; then a legend with the values
 * each shade stands for, level k being up to k/4 of the maximum.
 */
static void
put_heatmap(struct text *t, const json_t *hm, const char *tz)
{
	const json_t *rows = json_object_get(hm, "rows"), *row;
	long long max = (long long)num(json_object_get(hm, "max")), lo, hi;
	char key[256], buf[128];
	size_t i, h, len;
	int cw = 2, tot_w = 5, key_w, level, used;
	const char *what = jstr(json_object_get(hm, "measure"), &len);

	snprintf(buf, sizeof(buf), "Heat map: %s by province and hour (%s)",
	    len > 0 ? what : "items", tz);
	heading(t, buf);
	if (json_array_size(rows) == 0) {
		put_line(t, "(none)");
		return;
	}
	for (i = 0; i < json_array_size(rows); i++)
		widen(&tot_w, count_str(num(json_object_get(json_array_get(
		    rows, i), "total")), buf));
	if (8 + 1 + 24 * 2 + GAP + tot_w > t->width)
		cw = 1;
	key_w = t->width - 1 - 24 * cw - GAP - tot_w;
	key_w = key_w < 8 ? (key_w > 2 ? key_w : 2) : 8;
	spaces(t, key_w + 1);
	for (h = 0; h < 24; h += 6) {
		snprintf(buf, sizeof(buf), "%zu", h);
		put_str(t, buf, 6 * cw, 1);
	}
	put_col(t, "total", tot_w);
	newline(t);
	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		report_key_label(json_object_get(row, "key"), key, sizeof(key));
		put_str(t, key, key_w, 1);
		spaces(t, 1);
		for (h = 0; h < 24; h++)
			put_cell(t, heat_level((long long)num(json_array_get(
			    json_object_get(row, "cells"), h)), max), cw);
		put_col(t, count_str(num(json_object_get(row, "total")), buf),
		    tot_w);
		if (t->color)
			fb_buf_adds(t->out, "\033[0m");
		newline(t);
	}
	put_more(t, json_object_get(hm, "more"), " provinces");
	for (level = 1, used = 0; level <= 4 && max > 0; level++) {
		lo = max * (level - 1) / 4 + 1;
		hi = level == 4 ? max : max * level / 4;
		snprintf(buf, sizeof(buf), lo == hi ? " %lld" : " %lld-%lld",
		    lo, hi);
		if (lo > hi || used + 2 + cw + str_width(buf) > t->width)
			continue;
		spaces(t, used > 0 ? 2 : 0);
		put_cell(t, level, cw);
		fb_buf_adds(t->out, buf);
		used += (used > 0 ? 2 : 0) + cw + str_width(buf);
	}
	if (t->color)
		fb_buf_adds(t->out, "\033[0m");
	newline(t);
}

/*---- The top complaints ----*/

/*
 * An example as "“text…” (id, P1)" under its tag: the id and priority
 * keep their place, the text takes what is left of the line.
 */
static void
put_example(struct text *t, const json_t *ex, int indent)
{
	size_t tlen, ilen, plen;
	const char *text = jstr(json_object_get(ex, "text"), &tlen);
	const char *id = jstr(json_object_get(ex, "id"), &ilen);
	const char *prio = jstr(json_object_get(ex, "priority"), &plen);
	int id_w = clean_width(t, id, ilen), prio_w = clean_width(t, prio,
	    plen), suffix, avail;

	id_w = id_w < ID_MAX ? id_w : ID_MAX;
	prio_w = prio_w < 8 ? prio_w : 8;
	suffix = id_w + prio_w == 0 ? 0 : 3 + id_w + prio_w +
	    (id_w > 0 && prio_w > 0 ? 2 : 0);
	avail = t->width - indent - 2 - suffix;
	if (avail < 10) {
		suffix = 0;
		avail = t->width - indent - 2;
	}
	spaces(t, indent);
	fb_buf_adds(t->out, "\xe2\x80\x9c");
	put_text(t, text, tlen, avail, 0);
	fb_buf_adds(t->out, "\xe2\x80\x9d");
	if (suffix > 0) {
		fb_buf_adds(t->out, " (");
		put_text(t, id, ilen, id_w, 0);
		if (id_w > 0 && prio_w > 0)
			fb_buf_adds(t->out, ", ");
		put_text(t, prio, plen, prio_w, 0);
		fb_buf_adds(t->out, ")");
	}
	newline(t);
}

/* A top complaint's change: "+50.0%", "new" after none, "" unknown. */
static const char *
top_change(const json_t *row, char *buf, size_t size)
{
	const json_t *prev = json_object_get(row, "prev_count");

	if (json_is_number(prev) && json_number_value(prev) == 0)
		snprintf(buf, size, "new");
	else
		rel_str(json_object_get(row, "change"), buf, size);
	return buf;
}

/*
 * Rank, tag, count, share and, when there is a previous window (some
 * change is known), the change; the examples under each.
 */
static void
put_top(struct text *t, const json_t *top)
{
	const json_t *rows = json_object_get(top, "rows"), *row, *ex;
	size_t i, k, len, nrows = json_array_size(rows);
	char buf[96];
	int tag_w = 3, cnt_w = 5, share_w = 6, chg_w = 0, rank_w = 3, w;
	const char *tag;

	snprintf(buf, sizeof(buf), "Top complaints (%.0f complaints)",
	    num(json_object_get(top, "complaints")));
	heading(t, buf);
	if (nrows == 0) {
		put_line(t, "(none)");
		return;
	}
	snprintf(buf, sizeof(buf), "%zu.", nrows);
	widen(&rank_w, buf);
	for (i = 0; i < nrows; i++) {
		row = json_array_get(rows, i);
		tag = jstr(json_object_get(row, "tag"), &len);
		w = clean_width(t, tag, len);
		tag_w = w > tag_w ? w : tag_w;
		widen(&cnt_w, count_str(num(json_object_get(row, "count")),
		    buf));
		widen(&chg_w, top_change(row, buf, sizeof(buf)));
		if (json_is_number(json_object_get(row, "prev_count")))
			chg_w = chg_w > 6 ? chg_w : 6;
	}
	w = t->width - rank_w - 1 - 2 * GAP - cnt_w - share_w -
	    (chg_w > 0 ? GAP + chg_w : 0);
	tag_w = tag_w < w ? tag_w : w;
	spaces(t, rank_w + 1);
	put_str(t, "tag", tag_w, 1);
	put_col(t, "count", cnt_w);
	put_col(t, "share", share_w);
	if (chg_w > 0)
		put_col(t, "change", chg_w);
	newline(t);
	for (i = 0; i < nrows; i++) {
		row = json_array_get(rows, i);
		snprintf(buf, sizeof(buf), "%zu.", i + 1);
		spaces(t, rank_w - str_width(buf));
		fb_buf_adds(t->out, buf);
		spaces(t, 1);
		tag = jstr(json_object_get(row, "tag"), &len);
		put_text(t, tag, len, tag_w, 1);
		put_col(t, count_str(num(json_object_get(row, "count")), buf),
		    cnt_w);
		report_format_value(report_measure_find("complaint_rate"),
		    json_object_get(row, "share"), buf, sizeof(buf));
		put_col(t, buf, share_w);
		if (chg_w > 0)
			put_col(t, top_change(row, buf, sizeof(buf)), chg_w);
		newline(t);
		ex = json_object_get(row, "examples");
		for (k = 0; k < json_array_size(ex); k++)
			put_example(t, json_array_get(ex, k), rank_w + 1);
	}
}

/*---- The report ----*/

int
report_text(json_t *model, const struct report_view *v, struct fb_buf *out)
{
	const json_t *tables = json_object_get(model, "tables"), *s;
	struct text t = { 0 };
	struct fb_zone *zone;
	struct fb_error err;
	size_t i, len;
	const char *tz = jstr(json_object_get(json_object_get(model,
	    "window"), "tz"), &len);

	t.out = out;
	t.line = out->len;
	t.width = v->width < MIN_WIDTH ? MIN_WIDTH : v->width;
	t.color = v->color;
	zone = fb_zone_load(len > 0 ? tz : "UTC", &err);
	put_header(&t, model, zone);
	put_summary(&t, model);
	for (i = 0; i < json_array_size(tables); i++)
		put_table(&t, model, json_array_get(tables, i));
	if (json_is_object(s = json_object_get(model, "series")))
		put_series(&t, model, s);
	if (json_is_object(s = json_object_get(model, "trend")))
		put_trend(&t, s);
	if (json_is_object(s = json_object_get(model, "heatmap")))
		put_heatmap(&t, s, len > 0 ? tz : "UTC");
	if (json_is_object(s = json_object_get(model, "top_complaints")))
		put_top(&t, s);
	fb_zone_free(zone);
	fb_buf_release(&t.clean);
	if (out->err != 0) {
		fb_warnx("text report: out of memory");
		return -1;
	}
	return 0;
}
