/*
 * fb-report's md format: GitHub-flavoured Markdown for chat and mail,
 * laid out so that it reads as plain text too.
 *
 * Every string of the model may come from a customer, so each goes
 * through md_text(), which keeps it from becoming markup: links, images,
 * emphasis, raw HTML, table cells, mentions, autolinks, math.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "report.h"

/* Longest key in a cell and longest example, in characters. */
#define KEY_MAX 80
#define EXAMPLE_MAX 280

static int
is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * Whether the ASCII character s[i] must be escaped.  Most punctuation
 * always is; '_' only where it could start or end emphasis (not between
 * two letters, as in no_sentiment); ':' and '.' only where GitHub would
 * make a link of "http://" or "www.".
 */
static int
needs_escape(const unsigned char *s, size_t i, size_t n)
{
	switch (s[i]) {
	case '\\': case '`': case '*': case '[': case ']': case '|':
	case '#': case '~': case '@': case '$':
		return 1;
	case '_':
		return i == 0 || i + 1 >= n || !is_alnum(s[i - 1]) ||
		    !is_alnum(s[i + 1]);
	case ':':
		return i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/';
	case '.':
		return i >= 3 && strncasecmp((const char *)s + i - 3, "www",
		    3) == 0 && (i == 3 || !is_alnum(s[i - 4]));
	}
	return 0;
}

/*
 * Adds 'n' bytes of the untrusted 's' as inline Markdown text: < > &
 * as entities, markup characters behind a backslash, line breaks and
 * tabs as spaces, control and bidi characters dropped, cut with "..."
 * after 'max' characters.
 */
static void
md_text(struct fb_buf *out, const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, shown = 0;
	enum fb_shown how;
	uint32_t cp;

	while (i < n) {
		if (shown == max) {
			fb_buf_adds(out, "...");
			return;
		}
		k = fb_utf8_next(s, n, i, &cp);
		how = fb_text_shown(cp);
		if (how == FB_SHOWN_SPACE) {
			fb_buf_addc(out, ' ');
		} else if (how == FB_SHOWN_DROP) {
			i += k;
			continue;
		} else if (cp == '<') {
			fb_buf_adds(out, "&lt;");
		} else if (cp == '>') {
			fb_buf_adds(out, "&gt;");
		} else if (cp == '&') {
			fb_buf_adds(out, "&amp;");
		} else {
			if (k == 1 && needs_escape(u, i, n))
				fb_buf_addc(out, '\\');
			fb_buf_add(out, s + i, k);
		}
		shown++;
		i += k;
	}
}

static void
md_str(struct fb_buf *out, const char *s, size_t max)
{
	md_text(out, s, strlen(s), max);
}

/* A string of the model, or 'none' when it is not one. */
static void
md_json(struct fb_buf *out, const json_t *v, const char *none, size_t max)
{
	if (json_is_string(v))
		md_text(out, json_string_value(v), json_string_length(v), max);
	else
		md_str(out, none, max);
}

static void
md_key(struct fb_buf *out, const json_t *key)
{
	char buf[4 * KEY_MAX + 16];

	md_str(out, report_key_label(key, buf, sizeof(buf)), KEY_MAX);
}

/*---- Numbers ----*/

static void
add_value(struct fb_buf *out, const struct report_measure *m,
    const json_t *v)
{
	char buf[64];

	if (m != NULL)
		report_format_value(m, v, buf, sizeof(buf));
	else if (json_is_number(v))
		snprintf(buf, sizeof(buf), "%g", json_number_value(v));
	else
		snprintf(buf, sizeof(buf), "-");
	fb_buf_adds(out, buf);
}

/* A fraction as a signed percentage, "+25.0%"; "-" for null. */
static void
add_change(struct fb_buf *out, const json_t *v)
{
	double x = json_number_value(v) * 100;

	if (!json_is_number(v))
		fb_buf_adds(out, "-");
	else
		fb_buf_printf(out, "%+.1f%%", fabs(x) < 0.05 ? 0 : x);
}

/*
 * 'cur' against 'prev': counts and times change by a percentage, rates
 * by percentage points, scores and NPS by their difference.
 */
static void
add_delta(struct fb_buf *out, const struct report_measure *m,
    const json_t *cur, const json_t *prev)
{
	char buf[48];

	if (m == NULL || report_format_change(m, cur, prev, buf,
	    sizeof(buf)) == 0)
		fb_buf_adds(out, "-");
	else
		fb_buf_adds(out, buf);
}

/*---- Tables ----*/

/* The delimiter row: 'text' left-aligned columns, then 'num' numbers. */
static void
delimiter_row(struct fb_buf *out, size_t text, size_t num)
{
	size_t i;

	fb_buf_addc(out, '|');
	for (i = 0; i < text; i++)
		fb_buf_adds(out, " --- |");
	for (i = 0; i < num; i++)
		fb_buf_adds(out, " ---: |");
	fb_buf_addc(out, '\n');
}

static void
measure_heads(struct fb_buf *out, const json_t *measures)
{
	const struct report_measure *m;
	const json_t *name;
	size_t i;

	json_array_foreach(measures, i, name) {
		m = report_measure_find(json_string_value(name) != NULL ?
		    json_string_value(name) : "");
		fb_buf_addc(out, ' ');
		if (m != NULL)
			md_str(out, m->label, KEY_MAX);
		else
			md_json(out, name, "?", KEY_MAX);
		fb_buf_adds(out, " |");
	}
}

static void
measure_cells(struct fb_buf *out, const json_t *measures, const json_t *row)
{
	const json_t *name;
	const char *s;
	size_t i;

	json_array_foreach(measures, i, name) {
		s = json_string_value(name) != NULL ? json_string_value(name) :
		    "";
		fb_buf_addc(out, ' ');
		add_value(out, report_measure_find(s), json_object_get(row, s));
		fb_buf_adds(out, " |");
	}
}

static void
md_summary(struct fb_buf *out, json_t *model)
{
	const json_t *summary = json_object_get(model, "summary"),
	    *prev = json_object_get(model, "previous"), *name;
	const struct report_measure *m;
	size_t i;

	if (!json_is_object(summary))
		return;
	fb_buf_adds(out, "\n## Summary\n\n| Measure | Value |");
	fb_buf_adds(out, json_is_object(prev) ? " Change vs previous |\n" :
	    "\n");
	delimiter_row(out, 1, json_is_object(prev) ? 2 : 1);
	json_array_foreach(json_object_get(model, "measures"), i, name) {
		const char *s = json_string_value(name) != NULL ?
		    json_string_value(name) : "";

		m = report_measure_find(s);
		fb_buf_adds(out, "| ");
		md_str(out, m != NULL ? m->label : s, KEY_MAX);
		fb_buf_adds(out, " | ");
		add_value(out, m, json_object_get(summary, s));
		if (json_is_object(prev)) {
			fb_buf_adds(out, " | ");
			add_delta(out, m, json_object_get(summary, s),
			    json_object_get(prev, s));
		}
		fb_buf_adds(out, " |\n");
	}
}

static void
md_table(struct fb_buf *out, json_t *model, const json_t *t)
{
	const json_t *measures = json_object_get(model, "measures"),
	    *fields = json_object_get(t, "fields"), *rows =
	    json_object_get(t, "rows"), *row, *f;
	int prev = json_is_object(json_object_get(model, "previous"));
	size_t i, j, nfields = json_array_size(fields);
	json_int_t more = json_integer_value(json_object_get(t, "more"));

	fb_buf_adds(out, "\n## ");
	md_json(out, json_object_get(t, "title"), "By group", KEY_MAX);
	fb_buf_adds(out, "\n\n");
	if (json_array_size(rows) == 0) {
		fb_buf_adds(out, "No items.\n");
		return;
	}
	fb_buf_addc(out, '|');
	json_array_foreach(fields, i, f) {
		fb_buf_addc(out, ' ');
		md_json(out, f, "?", KEY_MAX);
		fb_buf_adds(out, " |");
	}
	measure_heads(out, measures);
	fb_buf_adds(out, prev ? " Items vs previous |\n" : "\n");
	delimiter_row(out, nfields, json_array_size(measures) + (prev ? 1 :
	    0));
	json_array_foreach(rows, i, row) {
		const json_t *key = json_object_get(row, "key");

		fb_buf_addc(out, '|');
		for (j = 0; j < nfields; j++) {
			fb_buf_addc(out, ' ');
			md_key(out, json_is_array(key) ? json_array_get(key, j) :
			    key);
			fb_buf_adds(out, " |");
		}
		measure_cells(out, measures, row);
		if (prev) {
			fb_buf_addc(out, ' ');
			add_change(out, json_object_get(row, "items_change"));
			fb_buf_adds(out, " |");
		}
		fb_buf_addc(out, '\n');
	}
	if (more > 0)
		fb_buf_printf(out, "\n%lld more not shown (%lld in all).\n",
		    (long long)more, (long long)json_integer_value(
		    json_object_get(t, "groups")));
}

/* "Day", "Week", "Month" from the model's period name. */
static const char *
period_head(const json_t *period)
{
	const char *p = json_string_value(period);

	if (p != NULL && strcmp(p, "day") == 0)
		return "Day";
	if (p != NULL && strcmp(p, "month") == 0)
		return "Month";
	return "Week";
}

static void
md_series(struct fb_buf *out, json_t *model, const json_t *s)
{
	const json_t *measures = json_object_get(model, "measures"), *row;
	const char *head = period_head(json_object_get(s, "period"));
	size_t i;

	fb_buf_printf(out, "\n## By %c%s\n\n| %s |", head[0] + 'a' - 'A',
	    head + 1, head);
	measure_heads(out, measures);
	fb_buf_adds(out, " Items vs previous |\n");
	delimiter_row(out, 1, json_array_size(measures) + 1);
	json_array_foreach(json_object_get(s, "rows"), i, row) {
		fb_buf_adds(out, "| ");
		md_json(out, json_object_get(row, "label"), "?", KEY_MAX);
		if (json_is_true(json_object_get(row, "partial")))
			fb_buf_adds(out, " (partial)");
		fb_buf_adds(out, " |");
		measure_cells(out, measures, row);
		fb_buf_addc(out, ' ');
		add_change(out, json_object_get(row, "items_change"));
		fb_buf_adds(out, " |\n");
	}
}

/* A row of the trend or the heat map: key, counts, total. */
static void
counts_row(struct fb_buf *out, const json_t *row, const char *counts)
{
	const json_t *v;
	size_t i;

	fb_buf_adds(out, "| ");
	md_key(out, json_object_get(row, "key"));
	fb_buf_adds(out, " |");
	json_array_foreach(json_object_get(row, counts), i, v)
		fb_buf_printf(out, " %lld |", (long long)json_integer_value(v));
	fb_buf_printf(out, " %lld |\n", (long long)json_integer_value(
	    json_object_get(row, "total")));
}

static void
md_trend(struct fb_buf *out, const json_t *trend)
{
	const json_t *labels = json_object_get(trend, "labels"), *row, *v;
	const char *head = period_head(json_object_get(trend, "period"));
	size_t i;

	fb_buf_printf(out, "\n## Categories by %c%s\n\n| Category |",
	    head[0] + 'a' - 'A', head + 1);
	json_array_foreach(labels, i, v) {
		fb_buf_addc(out, ' ');
		md_json(out, v, "?", KEY_MAX);
		fb_buf_adds(out, " |");
	}
	fb_buf_adds(out, " Total |\n");
	delimiter_row(out, 1, json_array_size(labels) + 1);
	json_array_foreach(json_object_get(trend, "rows"), i, row)
		counts_row(out, row, "counts");
}

static void
md_heatmap(struct fb_buf *out, json_t *model, const json_t *h)
{
	const struct report_measure *m = report_measure_find(
	    json_string_value(json_object_get(h, "measure")) != NULL ?
	    json_string_value(json_object_get(h, "measure")) : "");
	const json_t *row, *v;
	json_int_t more = json_integer_value(json_object_get(h, "more"));
	long long sum = 0;
	size_t i, j;

	fb_buf_adds(out, "\n## ");
	md_str(out, m != NULL ? m->label : "Complaints", KEY_MAX);
	fb_buf_adds(out, " by province and hour (");
	md_json(out, json_object_get(json_object_get(model, "window"), "tz"),
	    "UTC", KEY_MAX);
	fb_buf_adds(out, ")\n\n| Province |");
	for (i = 0; i < 24; i++)
		fb_buf_printf(out, " %zu |", i);
	fb_buf_adds(out, " Total |\n");
	delimiter_row(out, 1, 25);
	json_array_foreach(json_object_get(h, "rows"), i, row)
		counts_row(out, row, "cells");
	if (json_array_size(json_object_get(h, "hours")) > 0) {
		fb_buf_adds(out, "| Total |");
		json_array_foreach(json_object_get(h, "hours"), j, v) {
			sum += json_integer_value(v);
			fb_buf_printf(out, " %lld |",
			    (long long)json_integer_value(v));
		}
		fb_buf_printf(out, " %lld |\n", sum);
	}
	if (more > 0)
		fb_buf_printf(out, "\n%lld more provinces not shown.\n",
		    (long long)more);
}

static void
md_top(struct fb_buf *out, const json_t *top)
{
	static const struct report_measure share = { "share", "share",
		"Share", REPORT_RATE };
	const json_t *row, *ex, *prio;
	size_t i, j;
	int indent;

	fb_buf_printf(out, "\n## Top complaints\n\n%lld complaints in all.\n\n",
	    (long long)json_integer_value(json_object_get(top, "complaints")));
	json_array_foreach(json_object_get(top, "rows"), i, row) {
		/* nested lines must start under the item's text */
		indent = snprintf(NULL, 0, "%zu. ", i + 1);
		fb_buf_printf(out, "%zu. **", i + 1);
		md_key(out, json_object_get(row, "tag"));
		fb_buf_printf(out, "**: %lld, ", (long long)json_integer_value(
		    json_object_get(row, "count")));
		add_value(out, &share, json_object_get(row, "share"));
		fb_buf_adds(out, " of complaints");
		if (json_is_number(json_object_get(row, "prev_count"))) {
			fb_buf_printf(out, " (previous %lld, ",
			    (long long)json_integer_value(json_object_get(row,
			    "prev_count")));
			add_change(out, json_object_get(row, "change"));
			fb_buf_addc(out, ')');
		}
		fb_buf_addc(out, '\n');
		json_array_foreach(json_object_get(row, "examples"), j, ex) {
			fb_buf_printf(out, "%*s- \"", indent, "");
			md_json(out, json_object_get(ex, "text"), "",
			    EXAMPLE_MAX);
			fb_buf_adds(out, "\" (");
			md_json(out, json_object_get(ex, "id"), "no id",
			    KEY_MAX);
			prio = json_object_get(ex, "priority");
			if (json_is_string(prio)) {
				fb_buf_adds(out, ", ");
				md_json(out, prio, "", KEY_MAX);
			}
			fb_buf_adds(out, ")\n");
		}
	}
}

/* The window as one line: what was counted, in which zone, against what. */
static void
md_window(struct fb_buf *out, json_t *model)
{
	const json_t *w = json_object_get(model, "window");
	const json_t *since = json_object_get(w, "since"),
	    *until = json_object_get(w, "until"),
	    *prev = json_object_get(w, "previous");

	fb_buf_adds(out, "Window: ");
	if (json_is_string(since) && json_is_string(until)) {
		md_json(out, since, "", KEY_MAX);
		fb_buf_adds(out, " to ");
		md_json(out, until, "", KEY_MAX);
	} else if (json_is_string(since)) {
		fb_buf_adds(out, "from ");
		md_json(out, since, "", KEY_MAX);
	} else if (json_is_string(until)) {
		fb_buf_adds(out, "before ");
		md_json(out, until, "", KEY_MAX);
	} else {
		fb_buf_adds(out, "all items");
	}
	fb_buf_adds(out, " (");
	md_json(out, json_object_get(w, "tz"), "UTC", KEY_MAX);
	fb_buf_addc(out, ')');
	if (json_is_object(prev)) {
		fb_buf_adds(out, ", compared with ");
		md_json(out, json_object_get(prev, "since"), "?", KEY_MAX);
		fb_buf_adds(out, " to ");
		md_json(out, json_object_get(prev, "until"), "?", KEY_MAX);
	}
	fb_buf_adds(out, "; generated ");
	md_json(out, json_object_get(model, "generated"), "?", KEY_MAX);
	fb_buf_adds(out, ".\n");
}

int
report_md(json_t *model, const struct report_view *v, struct fb_buf *out)
{
	const json_t *t;
	size_t i;

	(void)v;
	fb_buf_adds(out, "# ");
	md_json(out, json_object_get(model, "title"), "Feedback report",
	    KEY_MAX);
	fb_buf_adds(out, "\n\n");
	md_window(out, model);
	md_summary(out, model);
	json_array_foreach(json_object_get(model, "tables"), i, t)
		md_table(out, model, t);
	if (json_is_object(t = json_object_get(model, "series")))
		md_series(out, model, t);
	if (json_is_object(t = json_object_get(model, "trend")))
		md_trend(out, t);
	if (json_is_object(t = json_object_get(model, "heatmap")))
		md_heatmap(out, model, t);
	if (json_is_object(t = json_object_get(model, "top_complaints")))
		md_top(out, t);
	return 0;
}
