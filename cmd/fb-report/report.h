/*
 * fb-report's parts: the aggregation (main.c) builds one JSON object, the
 * model, and each output format is a renderer that reads only the model.
 * The model's shape is documented in fb-report(1) under JSON OUTPUT.
 */
#ifndef FB_REPORT_H
#define FB_REPORT_H

#include <jansson.h>

#include "fb.h"

enum report_kind {
	REPORT_COUNT,		/* an integer */
	REPORT_RATE,		/* a fraction 0..1, shown as a percentage */
	REPORT_SECONDS,		/* a duration in seconds */
	REPORT_SCORE,		/* CSAT, 1..5 */
	REPORT_NPS		/* -100..100 */
};

struct report_measure {
	const char *name;	/* the key in the model */
	const char *head;	/* a column head of at most 7 columns */
	const char *label;	/* for people: html and md headers */
	enum report_kind kind;
};

/* Every measure, in the model's order, ended by a NULL name. */
extern const struct report_measure report_measures[];

/* The measure called 'name', or NULL. */
const struct report_measure *report_measure_find(const char *name);

/*
 * 'v' (a number or null) for people: "1234", "87.5%", "2h05m", "4.21",
 * "+32.0"; "-" for null.  Returns the length written to 'buf'.
 */
size_t report_format_value(const struct report_measure *m, const json_t *v,
    char *buf, size_t size);

/*
 * 'cur' against 'prev' as people read a change: counts and times
 * relative ("+25.7%", "new" from 0), rates in percentage points
 * ("+1.8pp"), CSAT and NPS as differences ("+0.05", "-3.0"); "" when
 * either is null.  Returns the length written to 'buf'.
 */
size_t report_format_change(const struct report_measure *m,
    const json_t *cur, const json_t *prev, char *buf, size_t size);

/* A percentage change: "+25.7%", "+1250%", ">+999999%". */
size_t report_format_percent(double pct, char *buf, size_t size);

/*
 * A row's key for people: the strings of 'key' (an array, or one string)
 * joined by " / ", "(none)" for null.  Returns 'buf'.
 */
const char *report_key_label(const json_t *key, char *buf, size_t size);

/* What the renderers are told besides the model. */
struct report_view {
	int color;		/* text: ANSI colours */
	int width;		/* text: the terminal's columns */
	const char *table;	/* csv: the one table to write wide, or NULL */
};

/*
 * The renderers: each appends the whole report to 'out' and returns 0,
 * or -1 after reporting what is wrong (a --table the model lacks).
 */
int report_text(json_t *model, const struct report_view *v,
    struct fb_buf *out);
int report_md(json_t *model, const struct report_view *v, struct fb_buf *out);
int report_csv(json_t *model, const struct report_view *v, struct fb_buf *out);
int report_html(json_t *model, const struct report_view *v,
    struct fb_buf *out);

#endif /* FB_REPORT_H */
