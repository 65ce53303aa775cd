/*
 * fb-report --format html: the report as one self-contained page, with the
 * summary as cards, static SVG charts and the tables.
 *
 * The page runs no script and loads nothing: its Content-Security-Policy
 * allows inline styles and data: images only, and tooltips are SVG <title>
 * elements.  Every string of the model may come from a customer (texts,
 * keys, even the title or the time zone), so each one goes through
 * html_text(), which escapes it for text and attribute values alike; with
 * no script allowed, a text that slipped through could at worst look odd.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define TEXT_MAX 300		/* characters of a feedback text shown */
#define MAX_COLS 64		/* measures shown in a table */

/*
 * Okabe and Ito's palette, told apart under every common colour
 * blindness; the eighth colour, yellow, is too light for lines on white,
 * so series beyond seven change their dash pattern instead.
 */
static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
	"#000000"
};
#define PALETTE_N (sizeof palette / sizeof palette[0])
static const char *const dashes[] = { "", "6 3", "2 3", "8 3 2 3" };

#define COLOR_ITEMS "#0072B2"
#define COLOR_COMPLAINTS "#D55E00"

static const char page_style[] =
	":root{color-scheme:light}\n*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1100px;padding:16px;color:#1a1a1a;"
	"background:#f7f7f7;font:16px/1.45 system-ui,-apple-system,"
	"\"Segoe UI\",Roboto,\"Noto Sans\",\"Noto Sans CJK SC\","
	"\"PingFang SC\",\"Microsoft YaHei\",sans-serif;"
	"text-size-adjust:100%}\n"
	"h1{font-size:1.6rem;margin:0 0 .4rem}\n"
	"h2{font-size:1.25rem;margin:1.6rem 0 .5rem;padding-bottom:.2rem;"
	"border-bottom:2px solid #ccc}\n"
	"h3{font-size:1.05rem;margin:.8rem 0 .3rem}\np{margin:.3rem 0}\n"
	"a{color:#0057a0}\n.note{color:#555;font-size:.9rem}\n"
	".nw{white-space:nowrap}\n"
	"dl.window{display:flex;flex-wrap:wrap;gap:.2rem 1.5rem;margin:0}\n"
	"dl.window dt{font-size:.8rem;color:#555}\n"
	"dl.window dd{margin:0;overflow-wrap:break-word}\n"
	"nav ul,ul.legend{list-style:none;padding:0;display:flex;"
	"flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem;margin:.5rem 0}\n"
	".kpis{display:grid;gap:.6rem;"
	"grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr))}\n"
	".kpi,figure,.scroll{background:#fff;border:1px solid #ddd;"
	"border-radius:6px}\n"
	".kpi{padding:.5rem .7rem}\n.kpi .label{font-size:.85rem;color:#444}\n"
	".kpi .value{font-size:1.5rem;font-weight:600}\n"
	".kpi .change{font-size:.8rem;color:#444}\n"
	"figure{margin:.4rem 0;padding:.5rem}\n"
	"figcaption{font-size:.9rem;color:#444}\n"
	"svg.chart{display:block;width:100%;height:auto;max-width:600px}\n"
	"svg.chart text{font-size:13px;fill:#222}\n"
	"svg.chart .small{font-size:12px}\n"
	"svg.chart .axis{stroke:#bbb}\nsvg.chart .grid{stroke:#e4e4e4}\n"
	"ul.legend svg{width:1.6em;height:.8em;vertical-align:middle;"
	"margin-right:.3em}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;min-width:100%;font-size:.9rem}\n"
	"table,.kpi .value{font-variant-numeric:tabular-nums}\n"
	"th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;"
	"text-align:right;white-space:nowrap}\n"
	"thead th{background:#f0f0f0;vertical-align:bottom;"
	"white-space:normal;min-width:4.5em}\n"
	"th.key,td.key{text-align:left;white-space:normal}\n"
	".key>div{width:max-content;max-width:20em;overflow-wrap:anywhere}\n"
	"thead th.key,th.period{white-space:nowrap}\n"
	"ol.top{padding-left:1.4rem}\n"
	"ol.top h3 .n{font-weight:normal;color:#444;font-size:.9rem}\n"
	"blockquote{margin:.3rem 0;padding:.3rem .6rem;background:#fff;"
	"border-left:4px solid " COLOR_COMPLAINTS ";overflow-wrap:anywhere}\n"
	"blockquote p{margin:0}\n"
	"blockquote footer,footer.page{font-size:.8rem;color:#555}\n"
	"footer.page{margin-top:2rem}\n"
	"@media (max-width:600px){body{padding:10px}h1{font-size:1.35rem}}\n"
	"@media print{body{background:#fff;color:#000;max-width:none;"
	"padding:0;font-size:10pt}nav{display:none}"
	".kpi,figure,.scroll,blockquote{border-color:#888}"
	".note,.kpi .label,.kpi .change,figcaption,blockquote footer,"
	"dl.window dt{color:#000}.scroll{overflow:visible}"
	"figure,svg,tr,.kpi,blockquote,ol.top li{break-inside:avoid;"
	"page-break-inside:avoid}h2,h3{break-after:avoid;"
	"page-break-after:avoid}thead{display:table-header-group}}\n";

/* What the sections share: the output and the measures to show. */
struct page {
	struct fb_buf *out;
	const struct report_measure *cols[MAX_COLS];
	size_t ncols;
};

/*
 * Appends 'n' bytes of 's' as HTML (or SVG) text or attribute value: the
 * five characters that could end a text or a quoted attribute escaped,
 * tabs and line ends as spaces, other control characters dropped, and so
 * are the bidi embeddings, overrides and isolates, which would reorder
 * the report around an unclosed one.  Cut with an ellipsis after 'max'
 * characters, or columns when 'by_width' (a wide character counts two:
 * for SVG labels, which never wrap).
 */
static void
html_text(struct fb_buf *out, const char *s, size_t n, size_t max,
    int by_width)
{
	size_t i = 0, shown = 0, len, cost;
	uint32_t cp;

	while (i < n) {
		len = fb_utf8_next(s, n, i, &cp);
		/* a byte of ill-formed UTF-8 would make the page so too */
		if ((cp == 0xFFFD && len == 1) ||
		    fb_text_shown(cp) == FB_SHOWN_DROP) {
			i += len;
			continue;
		}
		cost = by_width && fb_cp_width(cp) == 2 ? 2 : 1;
		if (shown + cost > max) {
			fb_buf_adds(out, "\xe2\x80\xa6");
			return;
		}
		shown += cost;
		switch (cp) {
		case '&': fb_buf_adds(out, "&amp;"); break;
		case '<': fb_buf_adds(out, "&lt;"); break;
		case '>': fb_buf_adds(out, "&gt;"); break;
		case '"': fb_buf_adds(out, "&quot;"); break;
		case '\'': fb_buf_adds(out, "&#39;"); break;
		default:
			if (fb_text_shown(cp) == FB_SHOWN_SPACE)
				fb_buf_addc(out, ' ');
			else
				fb_buf_add(out, s + i, len);
		}
		i += len;
	}
}

static void
esc(struct fb_buf *out, const char *s)
{
	html_text(out, s, strlen(s), SIZE_MAX, 0);
}

/* A string of the model, escaped and cut after 'max'; 'none' otherwise. */
static void
esc_json(struct fb_buf *out, const json_t *v, const char *none, size_t max)
{
	if (json_is_string(v))
		html_text(out, json_string_value(v), json_string_length(v),
		    max, 0);
	else
		esc(out, none);
}

/* A row's key as a label of at most 'cols' columns (SVG). */
static void
esc_key(struct fb_buf *out, const json_t *key, size_t cols)
{
	char buf[1024];

	report_key_label(key, buf, sizeof buf);
	html_text(out, buf, strlen(buf), cols, cols != SIZE_MAX);
}

static double
num(const json_t *obj, const char *name)
{
	return json_number_value(json_object_get(obj, name));
}

static const json_t *
object_or_null(const json_t *model, const char *name)
{
	const json_t *v = json_object_get(model, name);

	return json_is_object(v) ? v : NULL;
}

/* A measure's value, formatted; only digits, signs and units, no escaping. */
static void
add_value(struct fb_buf *out, const struct report_measure *m,
    const json_t *row)
{
	char buf[64];

	report_format_value(m, json_object_get(row, m->name), buf, sizeof buf);
	fb_buf_adds(out, buf);
}

/* A relative change such as items_change: "+25.0%", "-" for null. */
static void
add_change(struct fb_buf *out, const json_t *v)
{
	if (json_is_number(v))
		fb_buf_printf(out, "%+.1f%%", json_number_value(v) * 100);
	else
		fb_buf_adds(out, "-");
}

/*
 * A legend's swatch: a block for bars ('dash' NULL), else a line in the
 * series' colour and dash ("" for solid).
 */
static void
swatch(struct fb_buf *out, const char *color, const char *dash)
{
	fb_buf_printf(out, "<svg viewBox=\"0 0 20 10\" aria-hidden=\"true\">"
	    "<line x1=\"0\" y1=\"5\" x2=\"20\" y2=\"5\" stroke=\"%s\" "
	    "stroke-width=\"%s\"", color, dash == NULL ? "8" : "3");
	if (dash != NULL && *dash != '\0')
		fb_buf_printf(out, " stroke-dasharray=\"%s\"", dash);
	fb_buf_adds(out, "/></svg>");
}

/*---- Header and summary ----*/

static void
window_item(struct fb_buf *out, const char *term, const json_t *from,
    const json_t *to, const char *open_from, const char *open_to)
{
	/* a time breaks badly at its hyphens: only the range may wrap */
	fb_buf_printf(out, "<div><dt>%s</dt><dd><span class=\"nw\">", term);
	esc_json(out, from, open_from, 40);
	fb_buf_adds(out, "</span> \xe2\x80\x93 <span class=\"nw\">");
	esc_json(out, to, open_to, 40);
	fb_buf_adds(out, "</span></dd></div>\n");
}

static void
page_header(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *w = object_or_null(model, "window"), *prev;
	static const struct report_measure dur = { "close_within", "", "",
	    REPORT_SECONDS };
	double within;
	char buf[64];

	fb_buf_adds(out, "<header>\n<h1>");
	esc_json(out, json_object_get(model, "title"), "Feedback report",
	    TEXT_MAX);
	fb_buf_adds(out, "</h1>\n<dl class=\"window\">\n");
	if (w != NULL) {
		window_item(out, "Window", json_object_get(w, "since"),
		    json_object_get(w, "until"), "the beginning", "no end");
		window_item(out, "Items seen", json_object_get(w, "first"),
		    json_object_get(w, "last"), "-", "-");
		fb_buf_adds(out, "<div><dt>Time zone, periods</dt><dd>");
		esc_json(out, json_object_get(w, "tz"), "-", TEXT_MAX);
		fb_buf_adds(out, ", by ");
		esc_json(out, json_object_get(w, "period"), "-", TEXT_MAX);
		/* "48h" says it better than "2d00h" */
		within = num(w, "close_within");
		if (within > 0 && fmod(within, 3600) == 0)
			snprintf(buf, sizeof buf, "%.0fh", within / 3600);
		else
			report_format_value(&dur, json_object_get(w,
			    "close_within"), buf, sizeof buf);
		fb_buf_printf(out, "</dd></div>\n<div><dt>Closure window</dt>"
		    "<dd>%s</dd></div>\n", buf);
		prev = json_object_get(w, "previous");
		if (json_is_object(prev))
			window_item(out, "Compared with",
			    json_object_get(prev, "since"),
			    json_object_get(prev, "until"), "-", "-");
	}
	fb_buf_adds(out, "<div><dt>Generated</dt><dd>");
	esc_json(out, json_object_get(model, "generated"), "-", TEXT_MAX);
	fb_buf_adds(out, "</dd></div>\n</dl>\n");
}

/*
 * How a card's value moved since the previous window: counts and times
 * relatively, rates in percentage points, scores as a difference (a
 * relative change of a rate reads as nonsense).
 */
static void
kpi_change(struct fb_buf *out, const struct report_measure *m,
    const json_t *now, const json_t *before)
{
	double d;
	char buf[64];

	if (!json_is_number(now) || !json_is_number(before)) {
		fb_buf_adds(out, "no comparison");
		return;
	}
	d = json_number_value(now) - json_number_value(before);
	fb_buf_adds(out, d > 0 ? "\xe2\x96\xb2 " : d < 0 ? "\xe2\x96\xbc " :
	    "= ");
	report_format_change(m, now, before, buf, sizeof buf);
	fb_buf_adds(out, buf);
	report_format_value(m, before, buf, sizeof buf);
	fb_buf_printf(out, " vs %s in the previous window", buf);
}

static void
summary_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *sum = object_or_null(model, "summary");
	const json_t *prev = object_or_null(model, "previous");
	size_t i;

	if (sum == NULL)
		return;
	fb_buf_adds(out, "<section id=\"summary\">\n<h2>Summary</h2>\n"
	    "<div class=\"kpis\">\n");
	for (i = 0; i < pg->ncols; i++) {
		const struct report_measure *m = pg->cols[i];

		fb_buf_printf(out, "<div class=\"kpi\"><div class=\"label\">%s"
		    "</div><div class=\"value\">", m->label);
		add_value(out, m, sum);
		fb_buf_adds(out, "</div>");
		if (prev != NULL) {
			fb_buf_adds(out, "<div class=\"change\">");
			kpi_change(out, m, json_object_get(sum, m->name),
			    json_object_get(prev, m->name));
			fb_buf_adds(out, "</div>");
		}
		fb_buf_adds(out, "</div>\n");
	}
	fb_buf_adds(out, "</div>\n</section>\n");
}

/*---- Charts ----*/

static const struct {
	const char *name, *label, *color, *ink;
} sentiments[] = {
	{ "negative", "Negative", "#D55E00", "#fff" },
	{ "neutral", "Neutral", "#BBBBBB", "#000" },
	{ "positive", "Positive", "#0072B2", "#fff" },
	{ "no_sentiment", "No sentiment", "#EEEEEE", "#000" },
};
#define SENTIMENTS_N (sizeof sentiments / sizeof sentiments[0])

static void
sentiment_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *sum = object_or_null(model, "summary");
	double total = 0, x = 0, w, n;
	size_t i;

	if (sum == NULL)
		return;
	for (i = 0; i < SENTIMENTS_N; i++)
		total += num(sum, sentiments[i].name);
	fb_buf_adds(out, "<section id=\"sentiment\">\n<h2>Sentiment</h2>\n");
	if (total <= 0) {
		fb_buf_adds(out, "<p class=\"note\">No items.</p>\n"
		    "</section>\n");
		return;
	}
	fb_buf_adds(out, "<figure>\n<svg class=\"chart sentiment\" "
	    "viewBox=\"0 0 400 28\" role=\"img\" aria-labelledby=\"sent-t\">"
	    "<title id=\"sent-t\">Sentiment mix of the window's items:");
	for (i = 0; i < SENTIMENTS_N; i++)
		fb_buf_printf(out, "%s %s %.0f (%.1f%%)", i > 0 ? "," : "",
		    sentiments[i].label, num(sum, sentiments[i].name),
		    num(sum, sentiments[i].name) / total * 100);
	fb_buf_adds(out, "</title>\n");
	for (i = 0; i < SENTIMENTS_N; i++) {
		n = num(sum, sentiments[i].name);
		if (n <= 0)
			continue;
		w = n / total * 400;
		fb_buf_printf(out, "<rect class=\"seg\" x=\"%.2f\" y=\"0\" "
		    "width=\"%.2f\" height=\"28\" fill=\"%s\"><title>%s: %.0f "
		    "(%.1f%%)</title></rect>\n", x, w, sentiments[i].color,
		    sentiments[i].label, n, n / total * 100);
		if (w >= 36)
			fb_buf_printf(out, "<text x=\"%.2f\" y=\"19\" "
			    "text-anchor=\"middle\" style=\"fill:%s\">%.0f%%"
			    "</text>\n", x + w / 2, sentiments[i].ink,
			    n / total * 100);
		x += w;
	}
	fb_buf_adds(out, "</svg>\n<ul class=\"legend\">\n");
	for (i = 0; i < SENTIMENTS_N; i++) {
		fb_buf_adds(out, "<li>");
		swatch(out, sentiments[i].color, NULL);
		fb_buf_printf(out, "%s %.0f (%.1f%%)</li>\n",
		    sentiments[i].label, num(sum, sentiments[i].name),
		    num(sum, sentiments[i].name) / total * 100);
	}
	fb_buf_adds(out, "</ul>\n</figure>\n</section>\n");
}

static const json_t *
find_table(const json_t *model, const char *name)
{
	const json_t *tables = json_object_get(model, "tables"), *t;
	size_t i;

	json_array_foreach(tables, i, t)
		if (json_is_string(json_object_get(t, "name")) &&
		    strcmp(json_string_value(json_object_get(t, "name")),
		    name) == 0)
			return t;
	return NULL;
}

/* Items and complaints per category, as pairs of horizontal bars. */
static void
category_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *t = find_table(model, "category"), *rows, *row;
	const double left = 116, span = 246, pitch = 34;
	double max = 0, y, w;
	size_t i, n;

	rows = json_object_get(t, "rows");
	n = json_array_size(rows);
	if (n == 0)
		return;
	json_array_foreach(rows, i, row) {
		max = fmax(max, num(row, "items"));
		max = fmax(max, num(row, "complaints"));
	}
	if (max <= 0)
		max = 1;
	fb_buf_adds(out, "<section id=\"categories\">\n"
	    "<h2>Items by category</h2>\n<figure>\n");
	fb_buf_printf(out, "<svg class=\"chart bars\" viewBox=\"0 0 400 %.0f\" "
	    "role=\"img\" aria-labelledby=\"bars-t\"><title id=\"bars-t\">"
	    "Items and complaints per category</title>\n",
	    n * pitch + 6);
	json_array_foreach(rows, i, row) {
		const json_t *key = json_object_get(row, "key");

		y = 4 + i * pitch;
		fb_buf_printf(out, "<text x=\"%.0f\" y=\"%.0f\" "
		    "text-anchor=\"end\">", left - 6, y + 17);
		esc_key(out, key, 14);
		fb_buf_adds(out, "<title>");
		esc_key(out, key, SIZE_MAX);
		fb_buf_adds(out, "</title></text>\n");
		w = fmax(0, num(row, "items") / max * span);
		fb_buf_printf(out, "<rect class=\"bar items\" x=\"%.0f\" "
		    "y=\"%.0f\" width=\"%.2f\" height=\"14\" fill=\"%s\">"
		    "<title>", left, y, w, COLOR_ITEMS);
		esc_key(out, key, SIZE_MAX);
		fb_buf_printf(out, ": %.0f items</title></rect>\n"
		    "<text class=\"small\" x=\"%.2f\" y=\"%.0f\">%.0f</text>\n",
		    num(row, "items"), left + w + 4, y + 11,
		    num(row, "items"));
		w = fmax(0, num(row, "complaints") / max * span);
		fb_buf_printf(out, "<rect class=\"bar complaints\" x=\"%.0f\" "
		    "y=\"%.0f\" width=\"%.2f\" height=\"10\" fill=\"%s\">"
		    "<title>", left, y + 16, w, COLOR_COMPLAINTS);
		esc_key(out, key, SIZE_MAX);
		fb_buf_printf(out, ": %.0f complaints</title></rect>\n"
		    "<text class=\"small\" x=\"%.2f\" y=\"%.0f\">%.0f</text>\n",
		    num(row, "complaints"), left + w + 4, y + 25,
		    num(row, "complaints"));
	}
	fb_buf_printf(out, "<line class=\"axis\" x1=\"%.0f\" y1=\"0\" "
	    "x2=\"%.0f\" y2=\"%.0f\"/>\n</svg>\n<ul class=\"legend\">\n<li>",
	    left, left, n * pitch + 2);
	swatch(out, COLOR_ITEMS, NULL);
	fb_buf_adds(out, "Items</li>\n<li>");
	swatch(out, COLOR_COMPLAINTS, NULL);
	fb_buf_adds(out, "Complaints</li>\n</ul>\n");
	if (num(t, "more") > 0)
		fb_buf_printf(out, "<figcaption>%.0f more categories not "
		    "shown.</figcaption>\n", num(t, "more"));
	fb_buf_adds(out, "</figure>\n</section>\n");
}

/* A round step for an axis from 0 to 'max' in about 'ticks' steps. */
static double
axis_step(double max, int ticks)
{
	double raw = max / ticks, mag, f;

	if (raw <= 1)
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* The line chart's plot area in SVG units, and its scale. */
#define PLOT_LEFT 36.0
#define PLOT_TOP 10.0
#define PLOT_WIDTH 330.0
#define PLOT_HEIGHT 170.0

static double
plot_x(size_t i, size_t n)
{
	return n == 1 ? PLOT_LEFT + PLOT_WIDTH / 2 :
	    PLOT_LEFT + i * PLOT_WIDTH / (n - 1);
}

static double
plot_y(double v, double ymax)
{
	return PLOT_TOP + PLOT_HEIGHT - v / ymax * PLOT_HEIGHT;
}

/* Items per category and period: one line per category. */
static void
trend_chart(struct fb_buf *out, const json_t *trend)
{
	const json_t *labels = json_object_get(trend, "labels");
	const json_t *rows = json_object_get(trend, "rows"), *row, *counts;
	size_t n = json_array_size(labels), i, j, every, k;
	double max = 0, step, ymax, v;

	if (n == 0 || json_array_size(rows) == 0)
		return;
	json_array_foreach(rows, i, row) {
		counts = json_object_get(row, "counts");
		for (j = 0; j < json_array_size(counts); j++)
			max = fmax(max, json_number_value(
			    json_array_get(counts, j)));
	}
	step = axis_step(max, 4);
	ymax = fmax(step, ceil(max / step) * step);
	fb_buf_adds(out, "<figure>\n<svg class=\"chart lines\" "
	    "viewBox=\"0 0 400 210\" role=\"img\" aria-labelledby=\"lines-t\">"
	    "<title id=\"lines-t\">Items per category and ");
	esc_json(out, json_object_get(trend, "period"), "period", 20);
	fb_buf_adds(out, "</title>\n");
	/* counted, not v += step: no rounding error builds up (CERT FLP30) */
	for (k = 0; (v = (double)k * step) <= ymax + step / 2; k++)
		fb_buf_printf(out, "<line class=\"%s\" x1=\"%.0f\" y1=\"%.2f\" "
		    "x2=\"%.0f\" y2=\"%.2f\"/><text class=\"small\" "
		    "x=\"%.0f\" y=\"%.2f\" text-anchor=\"end\">%.0f</text>\n",
		    k == 0 ? "axis" : "grid", PLOT_LEFT, plot_y(v, ymax),
		    PLOT_LEFT + PLOT_WIDTH, plot_y(v, ymax), PLOT_LEFT - 4,
		    plot_y(v, ymax) + 4, v);
	/* labels such as "2026-09-28" need about 60 units each */
	every = (n + 4) / 5;
	for (i = 0; i < n; i += every) {
		fb_buf_printf(out, "<text class=\"small\" x=\"%.2f\" "
		    "y=\"%.0f\" text-anchor=\"middle\">", plot_x(i, n),
		    PLOT_TOP + PLOT_HEIGHT + 16);
		esc_json(out, json_array_get(labels, i), "", 12);
		fb_buf_adds(out, "</text>\n");
	}
	json_array_foreach(rows, i, row) {
		const char *color = palette[i % PALETTE_N];
		const char *dash = dashes[i / PALETTE_N % 4];

		counts = json_object_get(row, "counts");
		fb_buf_printf(out, "<g><polyline class=\"line\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"%s\" "
		    "points=\"", color, *dash ? dash : "none");
		for (j = 0; j < n; j++)
			fb_buf_printf(out, "%s%.2f,%.2f", j > 0 ? " " : "",
			    plot_x(j, n), plot_y(json_number_value(
			    json_array_get(counts, j)), ymax));
		fb_buf_adds(out, "\"><title>");
		esc_key(out, json_object_get(row, "key"), SIZE_MAX);
		fb_buf_printf(out, ": %.0f in all</title></polyline>\n",
		    num(row, "total"));
		for (j = 0; j < n; j++) {
			v = json_number_value(json_array_get(counts, j));
			fb_buf_printf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" "
			    "r=\"2.5\" fill=\"%s\"><title>", plot_x(j, n),
			    plot_y(v, ymax), color);
			esc_key(out, json_object_get(row, "key"), SIZE_MAX);
			fb_buf_adds(out, ", ");
			esc_json(out, json_array_get(labels, j), "", TEXT_MAX);
			fb_buf_printf(out, ": %.0f</title></circle>\n", v);
		}
		fb_buf_adds(out, "</g>\n");
	}
	fb_buf_adds(out, "</svg>\n<ul class=\"legend\">\n");
	json_array_foreach(rows, i, row) {
		fb_buf_adds(out, "<li>");
		swatch(out, palette[i % PALETTE_N], dashes[i / PALETTE_N % 4]);
		esc_key(out, json_object_get(row, "key"), SIZE_MAX);
		fb_buf_printf(out, " (%.0f)</li>\n", num(row, "total"));
	}
	fb_buf_adds(out, "</ul>\n</figure>\n");
}

/*
 * The heat map's colour for 'v' of 'max': from a pale to a dark blue, one
 * hue, so darkness alone carries the value (and survives greyscale).
 */
static void
heat_color(struct fb_buf *out, double v, double max)
{
	static const double lo[3] = { 0xDE, 0xEB, 0xF7 }, hi[3] = { 0x08,
	    0x30, 0x6B };
	double t;

	if (v <= 0 || max <= 0) {
		fb_buf_adds(out, "#F4F4F4");
		return;
	}
	t = fmin(1, v / max);
	fb_buf_printf(out, "#%02X%02X%02X",
	    (unsigned)lround(lo[0] + (hi[0] - lo[0]) * t),
	    (unsigned)lround(lo[1] + (hi[1] - lo[1]) * t),
	    (unsigned)lround(lo[2] + (hi[2] - lo[2]) * t));
}

static void
heatmap_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *hm = object_or_null(model, "heatmap"), *rows, *row;
	const json_t *cells, *hours;
	const double left = 74, cell = 12, pitch = 18, top = 16;
	double max, v;
	size_t i, h, n;

	if (hm == NULL)
		return;
	rows = json_object_get(hm, "rows");
	hours = json_object_get(hm, "hours");
	n = json_array_size(rows);
	max = num(hm, "max");
	fb_buf_adds(out, "<section id=\"heatmap\">\n<h2>Heat map: ");
	esc_json(out, json_object_get(hm, "measure"), "", 40);
	fb_buf_adds(out, " by region and hour of day</h2>\n");
	if (n == 0) {
		fb_buf_adds(out, "<p class=\"note\">None.</p>\n</section>\n");
		return;
	}
	fb_buf_printf(out, "<figure>\n<svg class=\"chart heatmap\" "
	    "viewBox=\"0 0 400 %.0f\" role=\"img\" aria-labelledby=\"heat-t\">"
	    "<title id=\"heat-t\">", top + n * pitch + 2);
	esc_json(out, json_object_get(hm, "measure"), "", 40);
	fb_buf_adds(out, " per region and local hour of day</title>\n");
	for (h = 0; h < 24; h += 3) {
		fb_buf_printf(out, "<text class=\"small\" x=\"%.1f\" y=\"11\" "
		    "text-anchor=\"middle\">%02zu<title>%02zu:00: %.0f in all"
		    "</title></text>\n", left + h * cell + cell / 2, h, h,
		    json_number_value(json_array_get(hours, h)));
	}
	json_array_foreach(rows, i, row) {
		const json_t *key = json_object_get(row, "key");
		double y = top + i * pitch;

		fb_buf_printf(out, "<text class=\"small\" x=\"%.0f\" "
		    "y=\"%.1f\" text-anchor=\"end\">", left - 4, y + 12);
		esc_key(out, key, 10);
		fb_buf_adds(out, "<title>");
		esc_key(out, key, SIZE_MAX);
		fb_buf_adds(out, "</title></text>\n");
		cells = json_object_get(row, "cells");
		for (h = 0; h < 24; h++) {
			v = json_number_value(json_array_get(cells, h));
			fb_buf_printf(out, "<rect class=\"cell\" x=\"%.0f\" "
			    "y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" "
			    "fill=\"", left + h * cell, y, cell - 1,
			    pitch - 2);
			heat_color(out, v, max);
			fb_buf_adds(out, "\"><title>");
			esc_key(out, key, SIZE_MAX);
			fb_buf_printf(out, ", %02zu:00-%02zu:59: %.0f</title>"
			    "</rect>\n", h, h, v);
		}
		fb_buf_printf(out, "<text class=\"small\" x=\"%.0f\" "
		    "y=\"%.1f\">%.0f</text>\n", left + 24 * cell + 4, y + 12,
		    num(row, "total"));
	}
	fb_buf_adds(out, "</svg>\n<figcaption>Rows: regions, columns: local "
	    "hour of day (00-23), row totals at the right. Darker is more: "
	    "from <svg viewBox=\"0 0 60 10\" width=\"60\" height=\"10\" "
	    "aria-hidden=\"true\">");
	for (h = 0; h < 6; h++) {
		fb_buf_printf(out, "<rect x=\"%zu\" y=\"0\" width=\"10\" "
		    "height=\"10\" fill=\"", h * 10);
		heat_color(out, (double)h, 5);
		fb_buf_adds(out, "\"/>");
	}
	fb_buf_printf(out, "</svg> 0 to %.0f in one hour.", max);
	if (num(hm, "more") > 0)
		fb_buf_printf(out, " %.0f more regions not shown.",
		    num(hm, "more"));
	fb_buf_adds(out, "</figcaption>\n</figure>\n</section>\n");
}

/*---- Tables ----*/

/* The measure columns' heads, and a change column when 'change'. */
static void
table_head(struct page *pg, const char *change)
{
	size_t i;

	for (i = 0; i < pg->ncols; i++)
		fb_buf_printf(pg->out, "<th scope=\"col\">%s</th>",
		    pg->cols[i]->label);
	if (change != NULL)
		fb_buf_printf(pg->out, "<th scope=\"col\">%s</th>", change);
	fb_buf_adds(pg->out, "</tr></thead>\n<tbody>\n");
}

static void
table_cells(struct page *pg, const json_t *row, int change)
{
	struct fb_buf *out = pg->out;
	size_t i;

	for (i = 0; i < pg->ncols; i++) {
		fb_buf_adds(out, "<td>");
		add_value(out, pg->cols[i], row);
		fb_buf_adds(out, "</td>");
	}
	if (change) {
		fb_buf_adds(out, "<td>");
		add_change(out, json_object_get(row, "items_change"));
		fb_buf_adds(out, "</td>");
	}
	fb_buf_adds(out, "</tr>\n");
}

static int
any_change(const json_t *rows)
{
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row)
		if (json_is_number(json_object_get(row, "items_change")))
			return 1;
	return 0;
}

static void
dimension_table(struct page *pg, const json_t *t, size_t index)
{
	struct fb_buf *out = pg->out;
	const json_t *fields = json_object_get(t, "fields");
	const json_t *rows = json_object_get(t, "rows"), *row, *f;
	int change = any_change(rows);
	size_t i, j;

	fb_buf_printf(out, "<section id=\"table-%zu\">\n<h2>", index);
	esc_json(out, json_object_get(t, "title"), "Table", TEXT_MAX);
	fb_buf_printf(out, "</h2>\n<div class=\"scroll\" role=\"region\" "
	    "aria-labelledby=\"table-%zu-c\" tabindex=\"0\">\n<table>"
	    "<caption hidden id=\"table-%zu-c\">", index, index);
	esc_json(out, json_object_get(t, "title"), "Table", TEXT_MAX);
	fb_buf_adds(out, "</caption>\n<thead><tr>");
	json_array_foreach(fields, j, f) {
		fb_buf_adds(out, "<th scope=\"col\" class=\"key\">");
		esc_json(out, f, "", TEXT_MAX);
		fb_buf_adds(out, "</th>");
	}
	table_head(pg, change ? "Items, change" : NULL);
	json_array_foreach(rows, i, row) {
		const json_t *key = json_object_get(row, "key");

		fb_buf_adds(out, "<tr>");
		for (j = 0; j < json_array_size(fields); j++) {
			fb_buf_adds(out, j == 0 ? "<th scope=\"row\" "
			    "class=\"key\"><div>" : "<td class=\"key\"><div>");
			esc_json(out, json_is_array(key) ?
			    json_array_get(key, j) : key, "(none)", TEXT_MAX);
			fb_buf_adds(out, j == 0 ? "</div></th>" :
			    "</div></td>");
		}
		table_cells(pg, row, change);
	}
	fb_buf_adds(out, "</tbody></table>\n</div>\n");
	if (json_array_size(rows) == 0)
		fb_buf_adds(out, "<p class=\"note\">No items.</p>\n");
	if (num(t, "more") > 0)
		fb_buf_printf(out, "<p class=\"note\">%.0f of %.0f groups not "
		    "shown.</p>\n", num(t, "more"), num(t, "groups"));
	fb_buf_adds(out, "</section>\n");
}

static void
trend_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *trend = object_or_null(model, "trend");
	const json_t *series = object_or_null(model, "series"), *rows, *row;
	int change;
	size_t i;

	if (trend == NULL && series == NULL)
		return;
	fb_buf_adds(out, "<section id=\"trend\">\n<h2>Over time, by ");
	esc_json(out, json_object_get(trend != NULL ? trend : series,
	    "period"), "period", 20);
	fb_buf_adds(out, "</h2>\n");
	if (trend != NULL)
		trend_chart(out, trend);
	rows = json_object_get(series, "rows");
	if (series != NULL && json_array_size(rows) > 0) {
		change = any_change(rows);
		fb_buf_adds(out, "<div class=\"scroll\" role=\"region\" "
		    "aria-label=\"Measures per period\" tabindex=\"0\">\n"
		    "<table>\n<thead><tr><th scope=\"col\" class=\"period\">"
		    "Period from</th>");
		table_head(pg, change ? "Items, change" : NULL);
		json_array_foreach(rows, i, row) {
			fb_buf_adds(out, "<tr><th scope=\"row\" "
			    "class=\"period\">");
			esc_json(out, json_object_get(row, "label"), "-",
			    TEXT_MAX);
			if (json_is_true(json_object_get(row, "partial")))
				fb_buf_adds(out, " <span class=\"note\">"
				    "(partial)</span>");
			fb_buf_adds(out, "</th>");
			table_cells(pg, row, change);
		}
		fb_buf_adds(out, "</tbody></table>\n</div>\n");
	}
	fb_buf_adds(out, "</section>\n");
}

static void
top_section(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *top = object_or_null(model, "top_complaints");
	const json_t *rows, *row, *ex, *example;
	size_t i, j;

	if (top == NULL)
		return;
	rows = json_object_get(top, "rows");
	fb_buf_printf(out, "<section id=\"top\">\n<h2>Top complaints</h2>\n"
	    "<p class=\"note\">The most frequent problems among %.0f "
	    "complaints, with the most urgent examples.</p>\n",
	    num(top, "complaints"));
	if (json_array_size(rows) == 0) {
		fb_buf_adds(out, "<p class=\"note\">None.</p>\n</section>\n");
		return;
	}
	fb_buf_adds(out, "<ol class=\"top\">\n");
	json_array_foreach(rows, i, row) {
		fb_buf_adds(out, "<li>\n<h3>");
		esc_json(out, json_object_get(row, "tag"), "(none)", TEXT_MAX);
		fb_buf_printf(out, " <span class=\"n\">%.0f, %.1f%% of "
		    "complaints", num(row, "count"), num(row, "share") * 100);
		if (json_is_number(json_object_get(row, "change"))) {
			fb_buf_adds(out, ", ");
			add_change(out, json_object_get(row, "change"));
			fb_buf_printf(out, " vs %.0f before",
			    num(row, "prev_count"));
		} else if (json_is_number(json_object_get(row,
		    "prev_count"))) {
			fb_buf_printf(out, ", %.0f before",
			    num(row, "prev_count"));
		}
		fb_buf_adds(out, "</span></h3>\n");
		ex = json_object_get(row, "examples");
		json_array_foreach(ex, j, example) {
			fb_buf_adds(out, "<blockquote><p>");
			esc_json(out, json_object_get(example, "text"), "",
			    TEXT_MAX);
			fb_buf_adds(out, "</p><footer>");
			esc_json(out, json_object_get(example, "id"), "-",
			    TEXT_MAX);
			if (json_is_string(json_object_get(example,
			    "priority"))) {
				fb_buf_adds(out, ", priority ");
				esc_json(out, json_object_get(example,
				    "priority"), "", TEXT_MAX);
			}
			fb_buf_adds(out, "</footer></blockquote>\n");
		}
		fb_buf_adds(out, "</li>\n");
	}
	fb_buf_adds(out, "</ol>\n</section>\n");
}

/* Links to the sections the model has, in the page's order. */
static void
page_nav(struct page *pg, const json_t *model)
{
	struct fb_buf *out = pg->out;
	const json_t *tables = json_object_get(model, "tables"), *t;
	size_t i;

	fb_buf_adds(out, "<nav aria-label=\"Sections\"><ul>\n");
	if (object_or_null(model, "summary") != NULL)
		fb_buf_adds(out, "<li><a href=\"#summary\">Summary</a></li>\n"
		    "<li><a href=\"#sentiment\">Sentiment</a></li>\n");
	if (json_array_size(json_object_get(find_table(model, "category"),
	    "rows")) > 0)
		fb_buf_adds(out, "<li><a href=\"#categories\">Categories</a>"
		    "</li>\n");
	if (object_or_null(model, "trend") != NULL ||
	    object_or_null(model, "series") != NULL)
		fb_buf_adds(out, "<li><a href=\"#trend\">Over time</a></li>\n");
	if (object_or_null(model, "heatmap") != NULL)
		fb_buf_adds(out, "<li><a href=\"#heatmap\">Heat map</a>"
		    "</li>\n");
	json_array_foreach(tables, i, t) {
		fb_buf_printf(out, "<li><a href=\"#table-%zu\">", i);
		esc_json(out, json_object_get(t, "title"), "Table", 40);
		fb_buf_adds(out, "</a></li>\n");
	}
	if (object_or_null(model, "top_complaints") != NULL)
		fb_buf_adds(out, "<li><a href=\"#top\">Top complaints</a>"
		    "</li>\n");
	fb_buf_adds(out, "</ul></nav>\n</header>\n");
}

int
report_html(json_t *model, const struct report_view *v, struct fb_buf *out)
{
	struct page pg = { out, { NULL }, 0 };
	const json_t *names = json_object_get(model, "measures"), *name, *t;
	const struct report_measure *m;
	size_t i;

	(void)v;
	json_array_foreach(names, i, name) {
		m = json_is_string(name) ?
		    report_measure_find(json_string_value(name)) : NULL;
		if (m != NULL && pg.ncols < MAX_COLS)
			pg.cols[pg.ncols++] = m;
	}
	fb_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
	    "base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"referrer\" "
	    "content=\"no-referrer\">\n<meta name=\"generator\" "
	    "content=\"fb-report\">\n<title>");
	esc_json(out, json_object_get(model, "title"), "Feedback report",
	    TEXT_MAX);
	fb_buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    page_style);
	page_header(&pg, model);
	page_nav(&pg, model);
	fb_buf_adds(out, "<main>\n");
	summary_section(&pg, model);
	sentiment_section(&pg, model);
	category_section(&pg, model);
	trend_section(&pg, model);
	heatmap_section(&pg, model);
	json_array_foreach(json_object_get(model, "tables"), i, t)
		dimension_table(&pg, t, i);
	top_section(&pg, model);
	fb_buf_adds(out, "</main>\n<footer class=\"page\"><p>Made by "
	    "fb-report. This page runs no script and loads nothing from the "
	    "network.</p></footer>\n</body>\n</html>\n");
	return 0;
}
