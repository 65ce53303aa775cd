/*
 * fb-report's csv format: the whole model as long rows (table, key,
 * measure, value), or one section as a wide table with --table.
 *
 * Every text cell is quoted (libcsv) and every number is bare, so a
 * reader can tell the SKU "123" from the count 123.  Text that a
 * spreadsheet would run as a formula is neutralised (DESIGN.md 7).
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb_cli.h"
#include "report.h"

/* Rows of M that are not measures, and what a section adds to them. */
static const char *const table_extra[] = { "prev_items", "items_change",
	NULL };
static const char *const series_extra[] = { "items_change", "partial",
	NULL };

/*
 * Adds 'n' bytes of 's' as one quoted cell.  Control characters are
 * dropped (tab kept; a line break becomes a space, so words stay apart
 * and a row stays one line for line-based tools).  A cell whose first
 * non-blank character is = + - @ or a tab gets a leading ' so that a
 * spreadsheet shows it as text: the OWASP advice for CSV injection.
 */
static void
text_cell(struct fb_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	struct fb_buf clean = { NULL, 0, 0, 0 };
	size_t i, need;

	for (i = 0; i < n; i++) {
		if (u[i] == '\n' || u[i] == '\r')
			fb_buf_addc(&clean, ' ');
		else if (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 &&
		    u[i + 1] < 0xA0)
			i++;	/* a C1 control */
		else if ((u[i] >= 0x20 && u[i] != 0x7F) || u[i] == '\t')
			fb_buf_addc(&clean, u[i]);
	}
	fb_buf_addc(&clean, '\0');	/* csv_write() wants a non-NULL source */
	clean.len--;
	for (i = 0; i < clean.len && clean.p[i] == ' '; i++)
		;
	if (i < clean.len && strchr("=+-@\t", clean.p[i]) != NULL) {
		fb_buf_grow(&clean, 1);
		if (clean.err == 0) {
			memmove(clean.p + 1, clean.p, clean.len + 1);
			clean.p[0] = '\'';
			clean.len++;
		}
	}
	if (clean.err != 0) {
		out->err = clean.err;
		fb_buf_release(&clean);
		return;
	}
	need = csv_write(NULL, 0, clean.p, clean.len);
	if (fb_buf_grow(out, need) == 0) {
		csv_write(out->p + out->len, need, clean.p, clean.len);
		out->len += need;
		out->p[out->len] = '\0';
	}
	fb_buf_release(&clean);
}

static void
str_cell(struct fb_buf *out, const char *s)
{
	text_cell(out, s, strlen(s));
}

/*
 * A value of the model: integers as they are, reals with at most 4
 * decimals and no exponent, null as an empty cell, strings as text,
 * booleans as 1 and 0 (a number to every spreadsheet).
 */
static void
value_cell(struct fb_buf *out, const json_t *v)
{
	if (json_is_integer(v))
		fb_buf_addint(out, json_integer_value(v));
	else if (json_is_real(v))
		fb_buf_addnum(out, json_real_value(v), 4);
	else if (json_is_string(v))
		text_cell(out, json_string_value(v), json_string_length(v));
	else if (json_is_boolean(v))
		fb_buf_addc(out, json_is_true(v) ? '1' : '0');
}

/* A row's key as report_key_label() words it, however long. */
static void
key_cell(struct fb_buf *out, const json_t *key)
{
	size_t i, size = 16;
	char *buf;

	/* room for each part, "(none)" included, and its " / " */
	if (json_is_array(key))
		for (i = 0; i < json_array_size(key); i++)
			size += json_string_length(json_array_get(key, i)) + 9;
	else
		size += json_string_length(key);
	if ((buf = malloc(size)) == NULL) {
		out->err = ENOMEM;
		return;
	}
	str_cell(out, report_key_label(key, buf, size));
	free(buf);
}

/*---- Long format ----*/

static void
long_value(struct fb_buf *out, const char *table, const json_t *key,
    const char *measure, const json_t *v)
{
	str_cell(out, table);
	fb_buf_addc(out, ',');
	key_cell(out, key);
	fb_buf_addc(out, ',');
	str_cell(out, measure);
	fb_buf_addc(out, ',');
	value_cell(out, v);
	fb_buf_addc(out, '\n');
}

/* Every member of 'row' but those named in 'skip' (NULL-ended). */
static void
long_row(struct fb_buf *out, const char *table, const json_t *key,
    json_t *row, const char *const *skip)
{
	const char *name;
	json_t *v;
	size_t i;

	json_object_foreach(row, name, v) {
		for (i = 0; skip[i] != NULL; i++)
			if (strcmp(name, skip[i]) == 0)
				break;
		if (skip[i] == NULL)
			long_value(out, table, key, name, v);
	}
}

static void
long_format(json_t *model, struct fb_buf *out)
{
	static const char *const no_skip[] = { NULL };
	static const char *const key_skip[] = { "key", NULL };
	static const char *const series_skip[] = { "start", "label", NULL };
	json_t *all = json_string("all"), *sec, *t, *row, *ex;
	size_t i, j, k;
	char name[32];

	if (all == NULL) {
		out->err = ENOMEM;
		return;
	}
	str_cell(out, "table");
	fb_buf_addc(out, ',');
	str_cell(out, "key");
	fb_buf_addc(out, ',');
	str_cell(out, "measure");
	fb_buf_addc(out, ',');
	str_cell(out, "value");
	fb_buf_addc(out, '\n');
	if (json_is_object(sec = json_object_get(model, "summary")))
		long_row(out, "summary", all, sec, no_skip);
	if (json_is_object(sec = json_object_get(model, "previous")))
		long_row(out, "previous", all, sec, no_skip);
	json_array_foreach(json_object_get(model, "tables"), i, t) {
		const char *tname = json_string_value(json_object_get(t,
		    "name"));

		json_array_foreach(json_object_get(t, "rows"), j, row)
			long_row(out, tname != NULL ? tname : "", json_object_get(
			    row, "key"), row, key_skip);
	}
	sec = json_object_get(model, "series");
	json_array_foreach(json_object_get(sec, "rows"), i, row)
		long_row(out, "series", json_object_get(row, "label"), row,
		    series_skip);
	sec = json_object_get(model, "trend");
	json_array_foreach(json_object_get(sec, "rows"), i, row) {
		json_t *key = json_object_get(row, "key");
		const char *label;

		json_array_foreach(json_object_get(row, "counts"), j, t) {
			label = json_string_value(json_array_get(
			    json_object_get(sec, "labels"), j));
			long_value(out, "trend", key, label != NULL ? label :
			    "", t);
		}
		long_value(out, "trend", key, "total",
		    json_object_get(row, "total"));
	}
	sec = json_object_get(model, "heatmap");
	json_array_foreach(json_object_get(sec, "rows"), i, row) {
		json_array_foreach(json_object_get(row, "cells"), j, t) {
			snprintf(name, sizeof(name), "h%02zu", j);
			long_value(out, "heatmap", json_object_get(row, "key"),
			    name, t);
		}
		long_value(out, "heatmap", json_object_get(row, "key"),
		    "total", json_object_get(row, "total"));
	}
	sec = json_object_get(model, "top_complaints");
	json_array_foreach(json_object_get(sec, "rows"), i, row) {
		static const char *const top[] = { "count", "share",
			"prev_count", "change", NULL };
		json_t *tag = json_object_get(row, "tag");

		for (k = 0; top[k] != NULL; k++)
			long_value(out, "top_complaints", tag, top[k],
			    json_object_get(row, top[k]));
		json_array_foreach(json_object_get(row, "examples"), j, ex) {
			snprintf(name, sizeof(name), "example%zu", j + 1);
			long_value(out, "top_complaints", tag, name,
			    json_object_get(ex, "text"));
			snprintf(name, sizeof(name), "example_id%zu", j + 1);
			long_value(out, "top_complaints", tag, name,
			    json_object_get(ex, "id"));
		}
	}
	json_decref(all);
}

/*---- Wide format: one section ----*/

/*
 * The header cells of M's measures, then of 'extra', ending the line;
 * after a comma unless 'first'.
 */
static void
measure_heads(struct fb_buf *out, const char *const *extra, int first)
{
	const struct report_measure *m;
	size_t i;

	for (m = report_measures; m->name != NULL; m++) {
		if (!first || m != report_measures)
			fb_buf_addc(out, ',');
		str_cell(out, m->name);
	}
	for (i = 0; extra[i] != NULL; i++) {
		fb_buf_addc(out, ',');
		str_cell(out, extra[i]);
	}
	fb_buf_addc(out, '\n');
}

static void
measure_cells(struct fb_buf *out, const json_t *row,
    const char *const *extra, int first)
{
	const struct report_measure *m;
	size_t i;

	for (m = report_measures; m->name != NULL; m++) {
		if (!first || m != report_measures)
			fb_buf_addc(out, ',');
		value_cell(out, json_object_get(row, m->name));
	}
	for (i = 0; extra[i] != NULL; i++) {
		fb_buf_addc(out, ',');
		value_cell(out, json_object_get(row, extra[i]));
	}
	fb_buf_addc(out, '\n');
}

static void
wide_summary(struct fb_buf *out, const json_t *m)
{
	static const char *const none[] = { NULL };

	measure_heads(out, none, 1);
	measure_cells(out, m, none, 1);
}

static void
wide_table(struct fb_buf *out, const json_t *t)
{
	const json_t *fields = json_object_get(t, "fields"), *row;
	size_t i, j;

	json_array_foreach(fields, i, row) {
		if (i > 0)
			fb_buf_addc(out, ',');
		value_cell(out, row);
	}
	measure_heads(out, table_extra, 0);
	json_array_foreach(json_object_get(t, "rows"), i, row) {
		const json_t *key = json_object_get(row, "key");

		for (j = 0; j < json_array_size(fields); j++) {
			if (j > 0)
				fb_buf_addc(out, ',');
			value_cell(out, json_is_array(key) ?
			    json_array_get(key, j) : key);
		}
		measure_cells(out, row, table_extra, 0);
	}
}

static void
wide_series(struct fb_buf *out, const json_t *s)
{
	const json_t *row;
	size_t i;

	str_cell(out, "label");
	fb_buf_addc(out, ',');
	str_cell(out, "start");
	measure_heads(out, series_extra, 0);
	json_array_foreach(json_object_get(s, "rows"), i, row) {
		value_cell(out, json_object_get(row, "label"));
		fb_buf_addc(out, ',');
		value_cell(out, json_object_get(row, "start"));
		measure_cells(out, row, series_extra, 0);
	}
}

/* A row of the trend or the heat map: key, counts, total. */
static void
counts_row(struct fb_buf *out, const json_t *row, const char *counts)
{
	const json_t *v;
	size_t i;

	value_cell(out, json_object_get(row, "key"));
	json_array_foreach(json_object_get(row, counts), i, v) {
		fb_buf_addc(out, ',');
		value_cell(out, v);
	}
	fb_buf_addc(out, ',');
	value_cell(out, json_object_get(row, "total"));
	fb_buf_addc(out, '\n');
}

static void
wide_trend(struct fb_buf *out, const json_t *trend)
{
	const json_t *row, *v;
	size_t i;

	str_cell(out, "category");
	json_array_foreach(json_object_get(trend, "labels"), i, v) {
		fb_buf_addc(out, ',');
		value_cell(out, v);
	}
	fb_buf_addc(out, ',');
	str_cell(out, "total");
	fb_buf_addc(out, '\n');
	json_array_foreach(json_object_get(trend, "rows"), i, row)
		counts_row(out, row, "counts");
}

static void
wide_heatmap(struct fb_buf *out, const json_t *h)
{
	const json_t *row;
	char hour[4];
	size_t i;

	str_cell(out, "province");
	for (i = 0; i < 24; i++) {
		snprintf(hour, sizeof(hour), "%zu", i);
		fb_buf_addc(out, ',');
		str_cell(out, hour);
	}
	fb_buf_addc(out, ',');
	str_cell(out, "total");
	fb_buf_addc(out, '\n');
	json_array_foreach(json_object_get(h, "rows"), i, row)
		counts_row(out, row, "cells");
}

/* 'fmt' with %zu = 1..n, each a header cell after a comma. */
static void
numbered_heads(struct fb_buf *out, const char *fmt, size_t n)
{
	char name[32];
	size_t i;

	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), fmt, i);
		fb_buf_addc(out, ',');
		str_cell(out, name);
	}
}

static void
wide_top(struct fb_buf *out, const json_t *top)
{
	static const char *const heads[] = { "rank", "tag", "count", "share",
		"prev_count", "change", NULL };
	const json_t *rows = json_object_get(top, "rows"), *row, *ex;
	size_t i, j, nex = 0;

	json_array_foreach(rows, i, row)
		if (json_array_size(json_object_get(row, "examples")) > nex)
			nex = json_array_size(json_object_get(row, "examples"));
	for (i = 0; heads[i] != NULL; i++) {
		if (i > 0)
			fb_buf_addc(out, ',');
		str_cell(out, heads[i]);
	}
	numbered_heads(out, "example%zu", nex);
	numbered_heads(out, "example_id%zu", nex);
	fb_buf_addc(out, '\n');
	json_array_foreach(rows, i, row) {
		const json_t *examples = json_object_get(row, "examples");

		fb_buf_addint(out, (long long)i + 1);
		for (j = 1; heads[j] != NULL; j++) {
			fb_buf_addc(out, ',');
			value_cell(out, json_object_get(row, heads[j]));
		}
		for (j = 0; j < 2 * nex; j++) {
			ex = json_array_get(examples, j % nex);
			fb_buf_addc(out, ',');
			value_cell(out, json_object_get(ex, j < nex ? "text" :
			    "id"));
		}
		fb_buf_addc(out, '\n');
	}
}

/* Adds 'name' to the list in 'b' when 'present'. */
static void
list_add(struct fb_buf *b, const char *name, int present)
{
	if (present)
		fb_buf_printf(b, "%s%s", b->len > 0 ? ", " : "", name);
}

/* The names in 'model' that --table can ask for, in its order, into 'b'. */
static void
present_sections(json_t *model, struct fb_buf *b)
{
	static const char *const sections[] = { "series", "trend", "heatmap",
		"top_complaints", NULL };
	const json_t *t;
	size_t i;

	list_add(b, "summary", json_is_object(json_object_get(model,
	    "summary")));
	json_array_foreach(json_object_get(model, "tables"), i, t)
		list_add(b, json_string_value(json_object_get(t, "name")),
		    json_is_string(json_object_get(t, "name")));
	for (i = 0; sections[i] != NULL; i++)
		list_add(b, sections[i], json_is_object(json_object_get(model,
		    sections[i])));
}

static int
wide_format(json_t *model, const char *name, struct fb_buf *out)
{
	struct fb_buf have = { NULL, 0, 0, 0 };
	const json_t *sec = json_object_get(model, name), *t;
	size_t i;

	if (strcmp(name, "summary") == 0 && json_is_object(sec)) {
		wide_summary(out, sec);
		return 0;
	} else if (strcmp(name, "series") == 0 && json_is_object(sec)) {
		wide_series(out, sec);
		return 0;
	} else if (strcmp(name, "trend") == 0 && json_is_object(sec)) {
		wide_trend(out, sec);
		return 0;
	} else if (strcmp(name, "heatmap") == 0 && json_is_object(sec)) {
		wide_heatmap(out, sec);
		return 0;
	} else if (strcmp(name, "top_complaints") == 0 && json_is_object(sec)) {
		wide_top(out, sec);
		return 0;
	}
	json_array_foreach(json_object_get(model, "tables"), i, t) {
		const char *tname = json_string_value(json_object_get(t,
		    "name"));

		if (tname != NULL && strcmp(tname, name) == 0) {
			wide_table(out, t);
			return 0;
		}
	}
	present_sections(model, &have);
	fb_warnx("--table '%s': no such table in this report (it has %s)",
	    name, have.len > 0 && have.err == 0 ? have.p : "none");
	fb_buf_release(&have);
	return -1;
}

int
report_csv(json_t *model, const struct report_view *v, struct fb_buf *out)
{
	if (v->table == NULL) {
		long_format(model, out);
		return 0;
	}
	return wide_format(model, v->table, out);
}
