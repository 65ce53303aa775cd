/*
 * fb_table.c: small keyed tables people keep beside fb (customers from
 * the CRM, agents and their shifts), read from CSV, TSV or NDJSON.
 *
 * Every row becomes a JSON object, so the tools that use a table read a
 * spreadsheet export and a JSON dump alike.  Tables are configuration,
 * not the stream: the first bad row fails the whole load with FILE:LINE.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define TABLE_MAX_LINE	(1024 * 1024)

struct csv_rows {
	json_t *header;		/* array of column names */
	json_t *row;		/* the row being read: array of cells */
	int row_done;
	int failed;
	int open;		/* a quoted cell runs on past the line */
	int rows;		/* rows ended in the line being parsed */
};

static void
cell_cb(void *data, size_t len, void *arg)
{
	struct csv_rows *cr = arg;
	json_t *s;

	if (cr->failed)
		return;
	if (cr->row == NULL && (cr->row = json_array()) == NULL) {
		cr->failed = 1;
		return;
	}
	/* trim the blanks that hand-edited CSV carries around cells */
	while (len > 0 && (((char *)data)[len - 1] == ' ' ||
	    ((char *)data)[len - 1] == '\t'))
		len--;
	while (len > 0 && (*(char *)data == ' ' || *(char *)data == '\t')) {
		data = (char *)data + 1;
		len--;
	}
	if ((s = json_stringn(data, len)) == NULL ||
	    json_array_append_new(cr->row, s) < 0)
		cr->failed = 1;
}

static void
row_cb(int c, void *arg)
{
	struct csv_rows *cr = arg;

	(void)c;
	cr->row_done = 1;
	cr->rows++;
}

/* Turns the cells of one CSV row into an object keyed by the header. */
static int
csv_object(struct csv_rows *cr, const struct fb_pos *pos,
    fb_table_row_fn *fn, void *arg, struct fb_error *err)
{
	json_t *obj;
	size_t i, n = json_array_size(cr->row);
	int rc;

	if (cr->header == NULL) {
		cr->header = cr->row;
		cr->row = NULL;
		if (n == 0)
			return fb_error_set(err, "%s:%lu: empty header",
			    pos->file, pos->line);
		return 0;
	}
	if (n == 1 && json_string_length(json_array_get(cr->row, 0)) == 0) {
		json_decref(cr->row);
		cr->row = NULL;
		return 0;	/* a blank line */
	}
	if (n != json_array_size(cr->header)) {
		fb_error_set(err, "%s:%lu: row has %zu fields, the header has "
		    "%zu", pos->file, pos->line, n,
		    json_array_size(cr->header));
		return -1;
	}
	if ((obj = json_object()) == NULL)
		return fb_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *cell = json_array_get(cr->row, i);

		if (json_string_length(cell) == 0)
			continue;
		if (json_object_set(obj, json_string_value(
		    json_array_get(cr->header, i)), cell) < 0) {
			json_decref(obj);
			return fb_error_set(err, "out of memory");
		}
	}
	json_decref(cr->row);
	cr->row = NULL;
	rc = fn(obj, pos, arg, err);
	json_decref(obj);
	return rc;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

static int
ndjson_row(const struct fb_line *line, const char *s, fb_table_row_fn *fn,
    void *arg, struct fb_error *err)
{
	json_error_t jerr;
	json_t *obj;
	int rc;

	/* 's' is the line after a BOM and leading blanks */
	obj = json_loadb(s, line->len - (size_t)(s - line->data),
	    JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL)
		return fb_error_set(err, "%s:%lu: %s", line->pos.file,
		    line->pos.line, jerr.text);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return fb_error_set(err, "%s:%lu: not a JSON object",
		    line->pos.file, line->pos.line);
	}
	rc = fn(obj, &line->pos, arg, err);
	json_decref(obj);
	return rc;
}

int
fb_table_load(const char *path, fb_table_row_fn *fn, void *arg,
    struct fb_error *err)
{
	struct fb_reader *r;
	struct fb_line line;
	struct csv_parser p;
	struct csv_rows cr = { NULL, NULL, 0, 0, 0, 0 };
	struct fb_pos start = { path, 0 };
	int format = 0;		/* 0 unknown yet, 'j' NDJSON, 'c' CSV */
	int rc = 0, got;

	if ((r = fb_reader_open(path, TABLE_MAX_LINE, err)) == NULL)
		return -1;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fb_reader_close(r);
		return fb_error_set(err, "out of memory");
	}
	if (ends_with(path, ".tsv") || ends_with(path, ".tsv.gz"))
		csv_set_delim(&p, '\t');
	while ((got = fb_reader_next(r, &line, err)) == 1) {
		const char *s = line.data, *q;

		if (line.status == FB_LINE_TOO_LONG) {
			rc = fb_error_set(err, "%s:%lu: line longer than 1M",
			    path, line.pos.line);
			break;
		}
		if (format == 0) {
			/* a BOM from a spreadsheet export is not a cell */
			if (line.pos.line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
				s += 3;
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '\0')
				continue;
			format = *s == '{' ? 'j' : 'c';
		}
		if (fb_utf8_check(line.data, line.len) != line.len) {
			rc = fb_error_set(err, "%s:%lu: not valid UTF-8", path,
			    line.pos.line);
			break;
		}
		if (format == 'j') {
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '\0')
				continue;
			if ((rc = ndjson_row(&line, s, fn, arg, err)) < 0)
				break;
			continue;
		}
		if (!cr.open)
			start = line.pos;
		cr.rows = 0;
		if (csv_parse(&p, s, line.len - (size_t)(s - line.data),
		    cell_cb, row_cb, &cr) != line.len - (size_t)(s - line.data) ||
		    csv_parse(&p, "\n", 1, cell_cb, row_cb, &cr) != 1) {
			rc = fb_error_set(err, "%s:%lu: %s", path,
			    start.line, csv_strerror(csv_error(&p)));
			break;
		}
		/* libcsv ends a row at a lone CR too: one row per line here */
		if (cr.rows > 1) {
			rc = fb_error_set(err, "%s:%lu: a carriage return inside "
			    "the line ends a row (CR line ends?)", path,
			    line.pos.line);
			break;
		}
		/* RFC 4180: inside quotes after an odd number of '"' */
		for (q = s; (q = memchr(q, '"', (size_t)(line.data + line.len -
		    q))) != NULL; q++)
			cr.open = !cr.open;
		if (cr.failed) {
			rc = fb_error_set(err, "out of memory");
			break;
		}
		/* a row is complete unless a quoted cell runs on */
		if (cr.row_done) {
			cr.row_done = 0;
			if (cr.row != NULL &&
			    (rc = csv_object(&cr, &start, fn, arg, err)) < 0)
				break;
		}
	}
	if (got < 0)
		rc = -1;
	if (rc == 0 && format == 'c' && cr.open)
		rc = fb_error_set(err, "%s:%lu: malformed quoted field",
		    path, start.line);
	csv_free(&p);
	json_decref(cr.row);
	json_decref(cr.header);
	fb_reader_close(r);
	return rc;
}

const char *
fb_table_str(json_t *row, const char *const *names, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		json_t *v = json_object_get(row, names[i]);

		if (json_is_string(v) && json_string_length(v) > 0)
			return json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(buf, bufsz, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			return buf;
		}
		if (json_is_real(v)) {
			snprintf(buf, bufsz, "%.17g", json_real_value(v));
			return buf;
		}
	}
	return NULL;
}
