/*
 * fb-report: the weekly and monthly picture of feedback (DESIGN.md 5).
 *
 * Items are counted into groups as they come (volume, complaints,
 * sentiment, tags, examples); their SLA clocks and CSAT wait, with their
 * events, until they close (lib/fb_fold.c, as in fb-sla), and are then
 * counted into the same groups.  Memory is proportional to the groups
 * and to the items still open, never to the records read.  At the end the
 * groups become one JSON object, the model, which --format json prints
 * and the other formats render (text.c, md.c, csv.c, html.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"
#include "report.h"

enum {
	OPT_SINCE = FB_OPT_TOOL,
	OPT_UNTIL,
	OPT_PERIOD,
	OPT_EXAMPLES,
	OPT_TITLE,
	OPT_COLOR,
	OPT_CLOSE_WITHIN,
	OPT_LATENESS,
	OPT_PARTIAL,
	OPT_MERGE,
};

static const struct fb_opt opts[] = {
	{ 'f', "format", "FMT",
	    "text (default), md, csv, json or html" },
	{ OPT_SINCE, "since", "TIME", "the items in [since, until)" },
	{ OPT_UNTIL, "until", "TIME", NULL },
	{ 'P', "period", "PERIOD",
	    "series periods: day, week (default), month" },
	{ 'g', "group-by", "LIST", "one table grouped by the fields in LIST" },
	{ 'm', "measure", "LIST", "the measures to show, in order" },
	{ 't', "table", "LIST", "the sections to include (default all)" },
	{ 'n', "top", "N", "rows per table (default 10; 0: all)" },
	{ OPT_EXAMPLES, "examples", "N",
	    "example texts per top complaint (default 2)" },
	{ OPT_TITLE, "title", "TEXT", "the report's title" },
	{ OPT_COLOR, "color", "WHEN",
	    "text: colour auto (default), always or never" },
	{ 'p', "policy", "FILE", "SLA policies (default sla.conf)" },
	{ OPT_CLOSE_WITHIN, "close-within", "DURATION",
	    "the closure window (default 48h)" },
	{ OPT_LATENESS, "lateness", "DURATION",
	    "how long to wait for events of closed items" },
	{ OPT_PARTIAL, "partial", NULL, "write the report's state, for --merge" },
	{ OPT_MERGE, "merge", NULL, "combine --partial states into a report" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-report [-f fmt] [-P period] [--since time] [--until time] "
	    "[file ...]",
	"fb-report --partial [-P period] [--since time] [--until time] "
	    "[file ...]",
	"fb-report --merge [--partial] [-f format] [-m list] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Report volume, complaints, sentiment, SLA, CSAT and NPS by group and "
	    "period.",
	opts, NULL,
	"fb-report --since 2026-10-01 --until 2026-11-01 -f html oct.ndjson "
	    "> oct.html"
};

enum format { FMT_TEXT, FMT_MD, FMT_CSV, FMT_JSON, FMT_HTML };

/*---- Fields: what items are grouped by ----*/

enum field_kind {
	K_PATH,			/* a string (or number) at a path */
	K_TAGS,			/* each string of an array */
	K_PERIOD,		/* the local period of ts */
	K_HOUR,			/* the local hour of ts, "00".."23" */
	K_WEEKDAY		/* the local weekday of ts, "1-Mon".."7-Sun" */
};

struct field {
	const char *name;	/* as in --group-by and the model */
	const char *path;
	enum field_kind kind;
};

/* The standard fields, by index; --group-by appends others. */
enum {
	F_CHANNEL, F_CATEGORY, F_TAG, F_PRODUCT, F_SKU, F_PROVINCE,
	F_PRIORITY, F_QUEUE, F_TIER, F_PERIOD, F_HOUR,
	NSTD_FIELDS
};

#define MAX_FIELDS	32
#define MAX_GROUP_BY	4

static const struct field std_fields[NSTD_FIELDS] = {
	{ "channel", "channel", K_PATH },
	{ "category", "category", K_PATH },
	{ "subcategory", "tags", K_TAGS },
	{ "product_category", "product_category", K_PATH },
	{ "sku", "sku", K_PATH },
	{ "region", "region.province", K_PATH },
	{ "priority", "priority", K_PATH },
	{ "queue", "route.queue", K_PATH },
	{ "tier", "customer.tier", K_PATH },
	{ "period", NULL, K_PERIOD },
	{ "hour", NULL, K_HOUR },
};

/* Other names --group-by knows. */
static const struct {
	const char *alias;
	int field;
} field_aliases[] = {
	{ "tag", F_TAG }, { "tags", F_TAG }, { "province", F_PROVINCE },
	{ "region.province", F_PROVINCE }, { "route.queue", F_QUEUE },
	{ "customer.tier", F_TIER },
};

static const struct field extra_fields[] = {
	{ "city", "region.city", K_PATH },
	{ "sentiment", "sentiment.label", K_PATH },
	{ "weekday", NULL, K_WEEKDAY },
};

/*---- Tables: the sections, each a list of fields ----*/

enum table_kind {
	T_SUMMARY, T_PREVIOUS, T_DIM, T_BY, T_SERIES, T_TREND, T_HEATMAP,
	T_TOP
};

struct table {
	const char *name, *title;
	enum table_kind kind;
	int nf;
	int field[MAX_GROUP_BY];
	int counted;		/* groups are kept for it */
	int shown;		/* it is in the model */
};

enum {
	TB_SUMMARY, TB_PREVIOUS, TB_CHANNEL, TB_CATEGORY, TB_SUBCATEGORY,
	TB_PRODUCT, TB_SKU, TB_REGION, TB_PRIORITY, TB_QUEUE, TB_BY,
	TB_SERIES, TB_TREND, TB_HEATMAP, TB_TOP,
	NTABLES
};

static struct table tables[NTABLES] = {
	{ "summary", "Summary", T_SUMMARY, 0, { 0 }, 0, 0 },
	{ "previous", "Previous window", T_PREVIOUS, 0, { 0 }, 0, 0 },
	{ "channel", "By channel", T_DIM, 1, { F_CHANNEL }, 0, 0 },
	{ "category", "By category", T_DIM, 1, { F_CATEGORY }, 0, 0 },
	{ "subcategory", "By subcategory", T_DIM, 1, { F_TAG }, 0, 0 },
	{ "product_category", "By product category", T_DIM, 1,
	    { F_PRODUCT }, 0, 0 },
	{ "sku", "By SKU", T_DIM, 1, { F_SKU }, 0, 0 },
	{ "region", "By region", T_DIM, 1, { F_PROVINCE }, 0, 0 },
	{ "priority", "By priority", T_DIM, 1, { F_PRIORITY }, 0, 0 },
	{ "queue", "By queue", T_DIM, 1, { F_QUEUE }, 0, 0 },
	{ "by", "Grouped", T_BY, 0, { 0 }, 0, 0 },
	{ "series", "By period", T_SERIES, 1, { F_PERIOD }, 0, 0 },
	{ "trend", "Trend per category", T_TREND, 2,
	    { F_PERIOD, F_CATEGORY }, 0, 0 },
	{ "heatmap", "Complaints by region and hour", T_HEATMAP, 2,
	    { F_PROVINCE, F_HOUR }, 0, 0 },
	{ "top_complaints", "Top complaints", T_TOP, 0, { 0 }, 0, 0 },
};

/*---- Measures of one group ----*/

struct example {
	char *id, *text, *priority;
	double urgency, score;
};

enum { S_NEGATIVE, S_NEUTRAL, S_POSITIVE, S_NONE, NSENTIMENTS };

struct measures {
	uint64_t items, complaints, senti[NSENTIMENTS];
	struct fb_sla_stats st;	/* the clocks, as fb-sla --summary counts */
	uint64_t csat_n, csat_sum, csat_good;
	uint64_t nps_n, nps_pro, nps_pas, nps_det;
	uint64_t prev_items, prev_complaints;
};

struct group {
	int table;
	uint32_t val[MAX_GROUP_BY];	/* interned values, 0 for none */
	struct measures m;
	struct example *ex;	/* subcategory groups: the top examples */
	size_t nex;
};

/*---- What is held of an item until it closes ----*/

enum { PK_PRIORITY, PK_CHANNEL, PK_CATEGORY, PK_PROVINCE, PK_TIER, PK_QUEUE,
	NPK };

static const int pk_field[NPK] = {
	F_PRIORITY, F_CHANNEL, F_CATEGORY, F_PROVINCE, F_TIER, F_QUEUE
};

struct held {
	uint32_t pk[NPK];	/* what its policy is matched on */
	uint32_t *groups;	/* the groups its clock and CSAT count in */
	size_t ngroups;
	fb_time_t csat_at;	/* its latest csat event, or FB_TIME_MIN */
	int csat, nps;		/* its score 1-5, nps 0-10; -1 when none */
};

/*---- The run ----*/

/*
 * The ids of the items counted when events are not read (items_only):
 * without the fold, this is what tells an item that comes again.  Ids are
 * kept as 64-bit hashes, 8 bytes an item.
 */
struct id_set {
	uint64_t *slot;		/* 0: empty */
	size_t cap, n;
};

struct report_run {
	enum format format;
	int partial, merge;
	struct fb_sla *sla;
	struct fb_zone *zone;
	fb_time_t now;
	fb_time_t since, until;	/* FB_TIME_MIN/MAX when open */
	fb_time_t prev_since;	/* the previous window, or FB_TIME_MAX */
	int has_previous;
	int64_t close_within, lateness;
	const char *period;	/* day, week, month */
	const char *title;
	size_t top, examples;
	size_t keep;		/* example candidates kept per tag */
	int top_given;
	const char *measures_arg, *tables_arg, *group_by_arg;

	struct field fields[MAX_FIELDS];
	int nfields;

	struct fb_pool values;	/* field values */
	struct fb_pool keys;	/* group keys: table and value numbers */
	struct group *groups;	/* by key number - 1 */
	size_t ngroups, gcap;
	struct fb_fold *fold;
	struct fb_recent *outside_ids;	/* items skipped: drop their events */
	int items_only;		/* nothing shown needs events: no fold */
	unsigned char field_used[MAX_FIELDS];	/* by a counted table or the policy */
	struct id_set counted;	/* items_only: the ids counted, for repeats */
	int have_header;	/* --merge: a partial's header seen */
	int seen_state;		/* --merge: a line of a state seen */
	json_t *settings;	/* what states must agree on to merge */

	fb_time_t first, last;	/* the items counted in the window */
	struct fb_sla_clock clock;
	struct fb_rec rec;

	uint64_t outside, late_csat, bad_scores;
	struct fb_warn_limit dup_items;
};

/*---- Groups ----*/

static struct group *
group_of(struct report_run *R, int table, const uint32_t *val)
{
	unsigned char key[1 + MAX_GROUP_BY * 4];
	size_t len = 1;
	uint32_t k;
	int i;

	key[0] = (unsigned char)table;
	for (i = 0; i < tables[table].nf; i++) {
		memcpy(key + len, &val[i], 4);
		len += 4;
	}
	k = fb_xintern(&R->keys, (const char *)key, len);
	if (k > R->ngroups) {
		struct group *g;

		if (R->ngroups == R->gcap) {
			R->gcap = R->gcap ? R->gcap * 2 : 256;
			R->groups = fb_xrealloc(R->groups, R->gcap,
			    sizeof(*R->groups));
		}
		g = &R->groups[R->ngroups++];
		memset(g, 0, sizeof(*g));
		g->table = table;
		memcpy(g->val, val, (size_t)tables[table].nf * sizeof(*val));
	}
	return &R->groups[k - 1];
}

static void
example_free(struct example *e)
{
	free(e->id);
	free(e->text);
	free(e->priority);
}

static void
group_release(struct group *g)
{
	size_t i;

	fb_sla_stats_release(&g->m.st);
	for (i = 0; i < g->nex; i++)
		example_free(&g->ex[i]);
	free(g->ex);
}

/* Whether 'a' is a better example than 'b': more urgent, angrier, then id. */
static int
example_before(const struct example *a, const struct example *b)
{
	if (a->urgency != b->urgency)
		return a->urgency > b->urgency;
	if (a->score != b->score)
		return a->score < b->score;
	return strcmp(a->id, b->id) < 0;
}

/* Keeps 'e' (taking its strings) among the group's best, or frees it. */
static void
offer_example(struct report_run *R, struct group *g, struct example *e)
{
	size_t i;

	if (R->keep == 0 || (g->nex == R->keep &&
	    !example_before(e, &g->ex[g->nex - 1]))) {
		example_free(e);
		return;
	}
	if (g->ex == NULL)
		g->ex = fb_xcalloc(R->keep, sizeof(*g->ex));
	if (g->nex == R->keep)
		example_free(&g->ex[--g->nex]);
	for (i = g->nex; i > 0 && example_before(e, &g->ex[i - 1]); i--)
		g->ex[i] = g->ex[i - 1];
	g->ex[i] = *e;
	g->nex++;
}

static void
measures_merge(struct measures *into, const struct measures *from)
{
	int i;

	into->items += from->items;
	into->complaints += from->complaints;
	for (i = 0; i < NSENTIMENTS; i++)
		into->senti[i] += from->senti[i];
	if (fb_sla_stats_merge(&into->st, &from->st) < 0)
		fb_diex("out of memory");
	into->csat_n += from->csat_n;
	into->csat_sum += from->csat_sum;
	into->csat_good += from->csat_good;
	into->nps_n += from->nps_n;
	into->nps_pro += from->nps_pro;
	into->nps_pas += from->nps_pas;
	into->nps_det += from->nps_det;
	into->prev_items += from->prev_items;
	into->prev_complaints += from->prev_complaints;
}

/*---- Reading an item ----*/

/* The period 't' falls in, as its local label: "2026-10-05", "2026-10". */
static size_t
period_label(struct report_run *R, fb_time_t t, char *buf, size_t size)
{
	struct fb_civil c;
	fb_time_t start;

	fb_zone_civil(R->zone, t, &c);
	if (R->period[0] == 'm')
		return (size_t)snprintf(buf, size, "%04d-%02d", c.year, c.mon);
	if (R->period[0] == 'w') {
		/* weeks start on Monday (ISO 8601) */
		fb_zone_instant(R->zone, c.year, c.mon,
		    c.day - (c.wday + 6) % 7, 12, 0, 0, &start);
		fb_zone_civil(R->zone, start, &c);
	}
	return (size_t)snprintf(buf, size, "%04d-%02d-%02d", c.year, c.mon,
	    c.day);
}

/* The start of the period labelled 'label', and of the one after it. */
static void
period_bounds(struct report_run *R, const char *label, fb_time_t *start,
    fb_time_t *next)
{
	int y = 0, m = 0, d = 1;

	/* a label this run made itself; fields it lacks keep their defaults */
	(void)sscanf(label, "%d-%d-%d", &y, &m, &d);
	fb_zone_instant(R->zone, y, m, d, 0, 0, 0, start);
	if (R->period[0] == 'm')
		fb_zone_instant(R->zone, y, m + 1, 1, 0, 0, 0, next);
	else
		fb_zone_instant(R->zone, y, m, d + (R->period[0] == 'w' ?
		    7 : 1), 0, 0, 0, next);
}

/* The value of field 'f' of the record, interned (0 when absent). */
static uint32_t
field_value(struct report_run *R, struct fb_rec *rec, const struct field *f,
    fb_time_t ts)
{
	static const char *const days[7] = {
		"7-Sun", "1-Mon", "2-Tue", "3-Wed", "4-Thu", "5-Fri", "6-Sat"
	};
	struct fb_civil c;
	struct fb_span raw;
	const char *s;
	char buf[32];
	size_t len;

	switch (f->kind) {
	case K_PATH:
		if ((s = fb_rec_get_str(rec, f->path, &len)) != NULL)
			return fb_xintern(&R->values, s, len);
		/* numbers and booleans group by their JSON text */
		if (fb_rec_raw(rec, f->path, &raw) && raw.len > 0 &&
		    raw.p[0] != '{' && raw.p[0] != '[' && raw.p[0] != 'n')
			return fb_xintern(&R->values, raw.p, raw.len);
		return 0;
	case K_PERIOD:
		len = period_label(R, ts, buf, sizeof(buf));
		return fb_xintern(&R->values, buf, len);
	case K_HOUR:
		fb_zone_civil(R->zone, ts, &c);
		len = (size_t)snprintf(buf, sizeof(buf), "%02d", c.hour);
		return fb_xintern(&R->values, buf, len);
	case K_WEEKDAY:
		fb_zone_civil(R->zone, ts, &c);
		return fb_xintern(&R->values, days[c.wday], 5);
	case K_TAGS:
		break;
	}
	return 0;
}

#define MAX_TAGS	16

/* The facts of one item that its groups and counts come from. */
struct facts {
	uint32_t val[MAX_FIELDS];
	uint32_t tags[MAX_TAGS];
	size_t ntags;
	int sentiment;
	int complaint;
	int problem_tag[MAX_TAGS];	/* the tag is a problem's */
};

static void
read_facts(struct report_run *R, struct fb_rec *rec, fb_time_t ts,
    struct facts *fx)
{
	char tags[MAX_TAGS][FB_TAG_MAX];
	const char *s;
	size_t t;
	int i;

	memset(fx, 0, sizeof(*fx));
	for (i = 0; i < R->nfields; i++)
		if (R->fields[i].kind != K_TAGS && R->field_used[i])
			fx->val[i] = field_value(R, rec, &R->fields[i], ts);
	fx->ntags = fb_rec_get_tags(rec, tags, MAX_TAGS);
	for (t = 0; t < fx->ntags; t++) {
		fx->problem_tag[t] = fb_taxonomy_problem(tags[t]);
		fx->tags[t] = fb_xintern(&R->values, tags[t], strlen(tags[t]));
	}
	s = fb_rec_get_str(rec, "sentiment.label", NULL);
	fx->sentiment = s == NULL ? S_NONE : strcmp(s, "negative") == 0 ?
	    S_NEGATIVE : strcmp(s, "neutral") == 0 ? S_NEUTRAL :
	    strcmp(s, "positive") == 0 ? S_POSITIVE : S_NONE;
	fx->complaint = fb_is_complaint(s, tags, fx->ntags);
}

/*
 * Calls 'fn' on every group of 'table' the item is in: one, or one per
 * tag when the table is grouped by tags (none: the "(none)" group).
 */
typedef void group_fn(struct report_run *R, struct group *g, int tag,
    void *arg);

static void
each_group(struct report_run *R, int table, const struct facts *fx,
    group_fn *fn, void *arg)
{
	uint32_t val[MAX_GROUP_BY];
	int i, tagged = -1;
	size_t t;

	for (i = 0; i < tables[table].nf; i++) {
		int f = tables[table].field[i];

		if (R->fields[f].kind == K_TAGS)
			tagged = i;
		else
			val[i] = fx->val[f];
	}
	if (tagged < 0) {
		fn(R, group_of(R, table, val), -1, arg);
		return;
	}
	if (fx->ntags == 0) {
		val[tagged] = 0;
		fn(R, group_of(R, table, val), -1, arg);
		return;
	}
	for (t = 0; t < fx->ntags; t++) {
		val[tagged] = fx->tags[t];
		fn(R, group_of(R, table, val), (int)t, arg);
	}
}

#define MAX_ITEM_GROUPS	(NTABLES * MAX_TAGS)

struct item_ctx {
	const struct facts *fx;
	struct fb_rec *rec;
	const char *id;
	int previous;		/* in the previous window */
	uint32_t groups[MAX_ITEM_GROUPS];	/* where its clock will count */
	size_t ngroups;
};

static void
add_held_group(struct held *h, const struct group *g, const struct report_run *R)
{
	h->groups = fb_xrealloc(h->groups, h->ngroups + 1,
	    sizeof(*h->groups));
	h->groups[h->ngroups++] = (uint32_t)(g - R->groups);
}

/* Counts the item's own facts into 'g'; its clock comes at the close. */
static void
count_item(struct report_run *R, struct group *g, int tag, void *arg)
{
	struct item_ctx *c = arg;
	const struct facts *fx = c->fx;
	int problem = tag >= 0 ? fx->problem_tag[tag] : 0;
	struct example e;
	const char *s;
	size_t len;

	if (c->previous && tables[g->table].kind != T_PREVIOUS) {
		g->m.prev_items++;
		g->m.prev_complaints += fx->complaint;
		return;
	}
	g->m.items++;
	g->m.complaints += fx->complaint;
	g->m.senti[fx->sentiment]++;
	if (c->ngroups < MAX_ITEM_GROUPS)
		c->groups[c->ngroups++] = (uint32_t)(g - R->groups);
	if (g->table != TB_SUBCATEGORY || !problem || !fx->complaint ||
	    R->keep == 0 || (s = fb_rec_get_str(c->rec, "text", &len)) ==
	    NULL)
		return;
	e.urgency = 0;
	e.score = 0;
	fb_rec_get_num(c->rec, "urgency", &e.urgency);
	fb_rec_get_num(c->rec, "sentiment.score", &e.score);
	if (g->nex > 0 && g->nex == R->keep) {
		/* most items are not among the best: no copies for them */
		struct example probe = { (char *)c->id, NULL, NULL, e.urgency,
		    e.score };

		if (!example_before(&probe, &g->ex[g->nex - 1]))
			return;
	}
	/* examples are shown, not searched: a few hundred bytes do */
	if (len > 600) {
		len = 600;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	e.text = fb_xstrndup(s, len);
	e.id = fb_xstrdup(c->id);
	s = fb_rec_get_str(c->rec, "priority", NULL);
	e.priority = s != NULL ? fb_xstrdup(s) : NULL;
	offer_example(R, g, &e);
}

/*---- Finishing an item: its clock and its CSAT ----*/

static void
count_csat(struct measures *m, const struct held *h)
{
	if (h->csat >= 1) {
		m->csat_n++;
		m->csat_sum += (uint64_t)h->csat;
		m->csat_good += h->csat >= 4;
	}
	if (h->nps >= 0) {
		m->nps_n++;
		if (h->nps >= 9)
			m->nps_pro++;
		else if (h->nps >= 7)
			m->nps_pas++;
		else
			m->nps_det++;
	}
}

static int
finish(void *arg, struct fb_fold_item *it)
{
	struct report_run *R = arg;
	struct held *h = it->data;
	const struct fb_sla_policy *p;
	struct fb_sla_keys k;
	struct fb_error err;
	int have_clock = 0;
	size_t i;

	/* an item from after --now has no clock as of now */
	if (it->created <= R->now) {
		k.priority = fb_pool_str(&R->values, h->pk[PK_PRIORITY]);
		k.channel = fb_pool_str(&R->values, h->pk[PK_CHANNEL]);
		k.category = fb_pool_str(&R->values, h->pk[PK_CATEGORY]);
		k.province = fb_pool_str(&R->values, h->pk[PK_PROVINCE]);
		k.tier = fb_pool_str(&R->values, h->pk[PK_TIER]);
		k.queue = fb_pool_str(&R->values, h->pk[PK_QUEUE]);
		if ((p = fb_sla_match(R->sla, &k)) != NULL) {
			if (fb_sla_clock(p, it->created, it->ev, it->nev,
			    R->now, 0, &R->clock, &err) < 0)
				fb_diex("%s", err.msg);
			have_clock = 1;
		}
	}
	for (i = 0; i < h->ngroups; i++) {
		struct measures *m = &R->groups[h->groups[i]].m;

		if (have_clock && fb_sla_stats_add(&m->st, &R->clock,
		    it->created, R->now, R->close_within) < 0)
			fb_diex("out of memory");
		count_csat(m, h);
	}
	return 0;
}

static void
held_release(void *arg, void *data)
{
	struct held *h = data;

	(void)arg;
	free(h->groups);
	free(h);
}

static struct fb_fold_item *
hold(struct report_run *R, const char *id, size_t len)
{
	struct fb_fold_item *it = fb_fold_get(R->fold, id, len, 1);
	struct held *h;

	if (it->data == NULL) {
		it->data = h = fb_xcalloc(1, sizeof(*h));
		h->csat_at = FB_TIME_MIN;
		h->csat = h->nps = -1;
	}
	return it;
}

/*---- Reading the input ----*/

static uint64_t
id_key(const char *id, size_t len)
{
	uint64_t h[2];

	fb_hash128(id, len, 0x0b5, h);
	return h[0];
}

/* Adds 'h' to 's'; returns 1 when it is new, 0 when it was there. */
static int
id_set_add(struct id_set *s, uint64_t h)
{
	size_t i;

	h = h ? h : 1;
	if (2 * (s->n + 1) > s->cap) {
		struct id_set bigger = { NULL, s->cap ? 2 * s->cap : 4096, 0 };

		bigger.slot = fb_xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (i = 0; i < s->cap; i++)
			if (s->slot[i] != 0)
				id_set_add(&bigger, s->slot[i]);
		free(s->slot);
		*s = bigger;
	}
	for (i = h & (s->cap - 1); s->slot[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == h)
			return 0;
	s->slot[i] = h;
	s->n++;
	return 1;
}

/*
 * Whether the report shows anything that needs an item's events: only
 * the counts of items, complaints and sentiment, in tables by field, in
 * a format that shows only the chosen measures, can do without them.
 * Then items are counted as they come and not held for their events.
 */
static int
needs_events(const struct report_run *R)
{
	static const char *const item_measures[] = { "items", "complaints",
	    "complaint_rate", "negative", "neutral", "positive",
	    "no_sentiment", "negative_rate", NULL };
	char *copy, *w, *save = NULL;
	int t, k, need = 0;

	if (R->partial || R->merge || R->format == FMT_JSON ||
	    R->format == FMT_CSV)
		return 1;
	for (t = 0; t < NTABLES; t++)
		if (tables[t].shown && tables[t].kind != T_DIM &&
		    tables[t].kind != T_BY)
			return 1;
	copy = fb_xstrdup(R->measures_arg);
	for (w = strtok_r(copy, ",", &save); w != NULL && !need;
	    w = strtok_r(NULL, ",", &save)) {
		for (k = 0; item_measures[k] != NULL; k++)
			if (strcmp(w, item_measures[k]) == 0)
				break;
		need = item_measures[k] == NULL;
	}
	free(copy);
	return need;
}

/* An item seen before: warned of, and not counted again. */
static int
counted_once(struct report_run *R, const struct fb_pos *pos, const char *id)
{
	fb_warn_limited(&R->dup_items, pos, "item '%s' again: counted once",
	    id);
	return FB_DROP;
}

static int
on_item(struct report_run *R, struct fb_rec *rec, const struct fb_pos *pos)
{
	struct fb_sla_ev times[FB_FOLD_TIMES];
	struct fb_fold_item *it;
	struct item_ctx ctx;
	struct fb_error err;
	struct facts fx;
	struct held *h;
	const char *id;
	size_t idlen, ntimes, i;
	fb_time_t ts;
	int t;

	if (fb_fold_read_item(rec, &id, &idlen, &ts, times, &ntimes,
	    &err) < 0)
		return fb_bad(pos, "%s", err.msg);
	it = R->items_only ? NULL : fb_fold_get(R->fold, id, idlen, 0);
	if ((it != NULL && it->have_item) ||
	    (it == NULL && !R->items_only && fb_fold_done(R->fold, id, idlen)))
		return counted_once(R, pos, id);
	ctx.previous = ts >= R->prev_since && ts < R->since;
	if (!ctx.previous && (ts < R->since || ts >= R->until)) {
		/* outside: its events, before or after it, are not wanted */
		R->outside++;
		if (R->items_only)
			return FB_DROP;
		if (it != NULL)
			fb_fold_forget(R->fold, it);
		if (fb_recent_add(R->outside_ids, id_key(id, idlen), ts) ==
		    NULL)
			fb_diex("out of memory");
		return FB_DROP;
	}
	/* an outside item is not held either way, so it is not remembered */
	if (R->items_only && !id_set_add(&R->counted, id_key(id, idlen)))
		return counted_once(R, pos, id);
	ctx.ngroups = 0;
	ctx.fx = &fx;
	ctx.rec = rec;
	ctx.id = id;
	read_facts(R, rec, ts, &fx);
	if (!ctx.previous) {
		if (ts < R->first)
			R->first = ts;
		if (ts > R->last)
			R->last = ts;
	}
	for (t = 0; t < NTABLES; t++) {
		if (!tables[t].counted || tables[t].kind == T_TOP ||
		    (tables[t].kind == T_SUMMARY && ctx.previous) ||
		    (tables[t].kind == T_PREVIOUS && !ctx.previous))
			continue;
		/* the previous window counts only where change is shown */
		if (ctx.previous && tables[t].kind != T_PREVIOUS &&
		    tables[t].kind != T_DIM && tables[t].kind != T_BY)
			continue;
		each_group(R, t, &fx, count_item, &ctx);
	}
	if (R->items_only)
		return FB_DROP;
	it = hold(R, id, idlen);
	fb_fold_seen(R->fold, it, ts);
	h = it->data;
	for (i = 0; i < NPK; i++)
		h->pk[i] = fx.val[pk_field[i]];
	/* one allocation of the right size: a month holds many items */
	h->groups = fb_xcalloc(ctx.ngroups + 1, sizeof(*h->groups));
	memcpy(h->groups, ctx.groups, ctx.ngroups * sizeof(*h->groups));
	h->ngroups = ctx.ngroups;
	for (i = 0; i < ntimes; i++)
		fb_fold_add_event(it, times[i].kind, times[i].ts);
	return fb_fold_settle(R->fold, it, ts) < 0 ? FB_FATAL : FB_DROP;
}

static int
on_event(struct report_run *R, struct fb_rec *rec, const struct fb_pos *pos)
{
	struct fb_fold_item *it;
	enum fb_sla_event kind;
	struct fb_error err;
	struct held *h;
	const char *id;
	size_t idlen;
	double score = -1, nps = -1;
	fb_time_t t, at;
	uint64_t cursor;

	if (fb_fold_read_event(rec, &id, &idlen, &kind, &t, &err) < 0)
		return fb_bad(pos, "%s", err.msg);
	/* a bad event is still bad input, though nothing shown needs it */
	if (R->items_only)
		return FB_DROP;
	if (kind == FB_SLA_CSAT) {
		if (fb_rec_get_num(rec, "score", &score) == 0 &&
		    (score < 1 || score > 5 || score != (int)score)) {
			R->bad_scores++;
			score = -1;
		}
		if (fb_rec_get_num(rec, "nps", &nps) == 0 &&
		    (nps < 0 || nps > 10 || nps != (int)nps)) {
			R->bad_scores++;
			nps = -1;
		}
	}
	it = fb_fold_get(R->fold, id, idlen, 0);
	if (it == NULL && fb_fold_done(R->fold, id, idlen)) {
		if (kind == FB_SLA_CSAT)
			R->late_csat++;
		return FB_DROP;
	}
	if (it == NULL && fb_recent_first(R->outside_ids, id_key(id, idlen),
	    &cursor, &at) != NULL)
		return FB_DROP;
	if (it == NULL)
		it = hold(R, id, idlen);
	fb_fold_add_event(it, kind, t);
	h = it->data;
	if (kind == FB_SLA_CSAT && t >= h->csat_at) {
		/* a customer's later answer replaces the earlier one */
		h->csat_at = t;
		h->csat = (int)score;
		h->nps = (int)nps;
	}
	/*
	 * The stream's time is its items' time: an item's events often
	 * follow it, days ahead, and must not hurry other items along.
	 */
	return fb_fold_settle(R->fold, it, FB_TIME_MIN) < 0 ? FB_FATAL :
	    FB_DROP;
}

static int on_partial(struct report_run *R, struct fb_rec *rec,
    const struct fb_pos *pos);

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct report_run *R = arg;
	const char *type;

	if (R->merge)
		return on_partial(R, rec, pos);
	if (fb_rec_is_feedback(rec))
		return on_item(R, rec, pos);
	type = fb_rec_get_str(rec, "type", NULL);
	if (type != NULL && strcmp(type, "event") == 0)
		return on_event(R, rec, pos);
	/* alerts and the like are not feedback */
	return FB_DROP;
}

/*---- Partial state ----*/

/* The counters of struct measures, by name, for the state. */
#define COUNTERS(X) \
	X(items) X(complaints) \
	X(csat_n) X(csat_sum) X(csat_good) X(nps_n) X(nps_pro) X(nps_pas) \
	X(nps_det) X(prev_items) X(prev_complaints)

static json_t *
measures_to_json(const struct measures *m)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
#define X(f) json_object_set_new(o, #f, json_integer((json_int_t)m->f));
	COUNTERS(X)
#undef X
	json_object_set_new(o, "sentiment", json_pack("[IIII]",
	    (json_int_t)m->senti[0], (json_int_t)m->senti[1],
	    (json_int_t)m->senti[2], (json_int_t)m->senti[3]));
	if (fb_sla_stats_to_json(&m->st, o) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
measures_from_json(struct measures *m, json_t *o, struct fb_error *err)
{
	json_t *v;
	int i;

	memset(m, 0, sizeof(*m));
#define X(f) \
	v = json_object_get(o, #f); \
	if (!json_is_integer(v) || json_integer_value(v) < 0) \
		return fb_error_set(err, "bad or missing count '%s'", #f); \
	m->f = (uint64_t)json_integer_value(v);
	COUNTERS(X)
#undef X
	v = json_object_get(o, "sentiment");
	if (!json_is_array(v) || json_array_size(v) != NSENTIMENTS)
		return fb_error_set(err, "bad sentiment counts");
	for (i = 0; i < NSENTIMENTS; i++) {
		json_t *n = json_array_get(v, (size_t)i);

		if (!json_is_integer(n) || json_integer_value(n) < 0)
			return fb_error_set(err, "bad sentiment counts");
		m->senti[i] = (uint64_t)json_integer_value(n);
	}
	return fb_sla_stats_from_json(&m->st, o, err);
}

static json_t *time_json(fb_time_t t);

static json_t *
value_json(struct report_run *R, uint32_t v)
{
	const char *s = fb_pool_str(&R->values, v);

	return s == NULL ? json_null() : json_stringn(s,
	    fb_pool_len(&R->values, v));
}

static json_t *
group_key_json(struct report_run *R, const struct group *g)
{
	json_t *key = json_array();
	int i;

	for (i = 0; i < tables[g->table].nf; i++)
		json_array_append_new(key, value_json(R, g->val[i]));
	return key;
}

static int
write_group_state(struct report_run *R, const struct group *g)
{
	json_t *o, *ex;
	size_t i;

	o = json_pack("{s:s, s:s, s:o, s:o}", "type", "report_group",
	    "table", tables[g->table].name, "key", group_key_json(R, g),
	    "m", measures_to_json(&g->m));
	if (o == NULL)
		fb_diex("out of memory");
	if (g->nex > 0) {
		ex = json_array();
		for (i = 0; i < g->nex; i++)
			json_array_append_new(ex, json_pack("{s:s, s:s, s:o, "
			    "s:f, s:f}", "id", g->ex[i].id, "text",
			    g->ex[i].text, "priority", g->ex[i].priority ?
			    json_string(g->ex[i].priority) : json_null(),
			    "urgency", g->ex[i].urgency, "score",
			    g->ex[i].score));
		json_object_set_new(o, "examples", ex);
	}
	return fb_write_json(o);
}

static int
write_item_state(struct report_run *R, const struct fb_fold_item *it)
{
	const struct held *h = it->data;
	json_t *o, *ev, *groups, *pk;
	char tb[FB_TIME_BUFSZ];
	size_t i;

	o = json_pack("{s:s, s:s%}", "type", "report_item", "id", it->id,
	    it->idlen);
	ev = json_array();
	if (o == NULL || ev == NULL)
		fb_diex("out of memory");
	if (it->have_item) {
		fb_time_format(it->created, tb);
		json_object_set_new(o, "ts", json_string(tb));
		pk = json_array();
		for (i = 0; i < NPK; i++)
			json_array_append_new(pk, value_json(R, h->pk[i]));
		json_object_set_new(o, "policy_keys", pk);
		groups = json_array();
		for (i = 0; i < h->ngroups; i++) {
			const struct group *g = &R->groups[h->groups[i]];

			json_array_append_new(groups, json_pack("[so]",
			    tables[g->table].name, group_key_json(R, g)));
		}
		json_object_set_new(o, "groups", groups);
	}
	for (i = 0; i < it->nev; i++) {
		fb_time_format(it->ev[i].ts, tb);
		json_array_append_new(ev, json_pack("[ss]", tb,
		    fb_sla_event_name(it->ev[i].kind)));
	}
	json_object_set_new(o, "events", ev);
	if (h->csat_at != FB_TIME_MIN) {
		fb_time_format(h->csat_at, tb);
		json_object_set_new(o, "csat", json_pack("{s:s, s:i, s:i}",
		    "at", tb, "score", h->csat, "nps", h->nps));
	}
	return fb_write_json(o);
}

static int
write_partial(struct report_run *R)
{
	struct fb_fold_item **v;
	size_t i, n;
	int rc;

	rc = fb_write_json(json_pack("{s:s, s:i, s:O, s:o, s:o}", "type",
	    "report_partial", "version", 1, "settings", R->settings, "first",
	    time_json(R->first), "last", time_json(R->last)));
	for (i = 0; rc == 0 && i < R->ngroups; i++)
		rc = write_group_state(R, &R->groups[i]);
	v = fb_fold_held(R->fold, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_item_state(R, v[i]);
	free(v);
	return rc;
}

static int
table_named(const char *name)
{
	int t;

	for (t = 0; t < NTABLES; t++)
		if (strcmp(tables[t].name, name) == 0)
			return t;
	return -1;
}

/* The group a state names: its table and its key of strings or nulls. */
static struct group *
group_from_json(struct report_run *R, const char *table, json_t *key,
    struct fb_error *err)
{
	uint32_t val[MAX_GROUP_BY];
	json_t *v;
	size_t i;
	int t;

	if ((t = table_named(table)) < 0 || !tables[t].counted)
		return fb_error_set(err, "a group of table '%s', which this "
		    "report does not keep", table), NULL;
	if (!json_is_array(key) || json_array_size(key) !=
	    (size_t)tables[t].nf)
		return fb_error_set(err, "a group key of the wrong size"),
		    NULL;
	json_array_foreach(key, i, v) {
		if (!json_is_string(v) && !json_is_null(v))
			return fb_error_set(err, "a group key holds strings "
			    "or nulls"), NULL;
		val[i] = json_is_null(v) ? 0 : fb_xintern(&R->values,
		    json_string_value(v), json_string_length(v));
	}
	return group_of(R, t, val);
}

static int
read_group_state(struct report_run *R, json_t *j, struct fb_error *err)
{
	const char *table;
	json_t *key, *m, *ex = NULL, *e;
	struct measures ms;
	struct group *g;
	struct example x;
	size_t i;
	int rc;

	if (json_unpack(j, "{s:s, s:o, s:o, s?o}", "table", &table, "key",
	    &key, "m", &m, "examples", &ex) < 0)
		return fb_error_set(err, "a report_group line needs table, "
		    "key and m");
	if ((g = group_from_json(R, table, key, err)) == NULL)
		return -1;
	rc = measures_from_json(&ms, m, err);
	if (rc == 0)
		measures_merge(&g->m, &ms);
	fb_sla_stats_release(&ms.st);
	if (rc < 0)
		return -1;
	json_array_foreach(ex, i, e) {
		const char *id, *text;
		json_t *prio;

		if (json_unpack(e, "{s:s, s:s, s:o, s:F, s:F}", "id", &id,
		    "text", &text, "priority", &prio, "urgency", &x.urgency,
		    "score", &x.score) < 0)
			return fb_error_set(err, "bad example");
		x.id = fb_xstrdup(id);
		x.text = fb_xstrdup(text);
		x.priority = json_is_string(prio) ?
		    fb_xstrdup(json_string_value(prio)) : NULL;
		offer_example(R, g, &x);
	}
	return 0;
}

static int
read_item_state(struct report_run *R, json_t *j, struct fb_error *err)
{
	json_t *events, *groups = NULL, *pk = NULL, *csat = NULL, *e;
	const char *id, *ts = NULL, *t, *name, *at;
	enum fb_sla_event kind;
	struct fb_fold_item *it;
	struct held *h;
	fb_time_t when, created = 0;
	size_t idlen, i;
	int score, nps;

	if (json_unpack(j, "{s:s%, s?s, s?o, s?o, s:o, s?o}", "id", &id,
	    &idlen, "ts", &ts, "policy_keys", &pk, "groups", &groups,
	    "events", &events, "csat", &csat) < 0 ||
	    !json_is_array(events) || idlen == 0)
		return fb_error_set(err, "a report_item line needs an id and "
		    "events");
	if (ts != NULL && (fb_time_parse_rfc3339(ts, strlen(ts),
	    &created) < 0 || !json_is_array(pk) || json_array_size(pk) != NPK ||
	    !json_is_array(groups)))
		return fb_error_set(err, "a report_item with a ts needs "
		    "policy_keys and groups");
	json_array_foreach(events, i, e) {
		if (json_unpack(e, "[ss]", &t, &name) < 0 ||
		    fb_time_parse_rfc3339(t, strlen(t), &when) < 0 ||
		    fb_sla_event_parse(name, &kind) < 0)
			return fb_error_set(err, "bad event %zu", i);
	}
	it = hold(R, id, idlen);
	h = it->data;
	if (ts != NULL) {
		if (it->have_item)
			return fb_error_set(err, "item '%s' in two states: "
			    "shard items and their events by id", id);
		fb_fold_seen(R->fold, it, created);
		for (i = 0; i < NPK; i++) {
			json_t *v = json_array_get(pk, i);

			h->pk[i] = json_is_string(v) ? fb_xintern(&R->values,
			    json_string_value(v), json_string_length(v)) : 0;
		}
		json_array_foreach(groups, i, e) {
			struct group *g;

			if (!json_is_array(e) || (g = group_from_json(R,
			    json_string_value(json_array_get(e, 0)) ?
			    json_string_value(json_array_get(e, 0)) : "",
			    json_array_get(e, 1), err)) == NULL)
				return -1;
			add_held_group(h, g, R);
		}
	}
	json_array_foreach(events, i, e) {
		json_unpack(e, "[ss]", &t, &name);
		fb_time_parse_rfc3339(t, strlen(t), &when);
		fb_sla_event_parse(name, &kind);
		fb_fold_add_event(it, kind, when);
	}
	if (csat != NULL) {
		if (json_unpack(csat, "{s:s, s:i, s:i}", "at", &at, "score",
		    &score, "nps", &nps) < 0 ||
		    fb_time_parse_rfc3339(at, strlen(at), &when) < 0)
			return fb_error_set(err, "bad csat");
		if (when >= h->csat_at) {
			h->csat_at = when;
			h->csat = score;
			h->nps = nps;
		}
	}
	return 0;
}

/* The first and last items of a state widen the merged report's. */
static void
read_span(struct report_run *R, json_t *j)
{
	const char *s;
	fb_time_t t;

	if ((s = json_string_value(json_object_get(j, "first"))) != NULL &&
	    fb_time_parse_rfc3339(s, strlen(s), &t) == 0 && t < R->first)
		R->first = t;
	if ((s = json_string_value(json_object_get(j, "last"))) != NULL &&
	    fb_time_parse_rfc3339(s, strlen(s), &t) == 0 && t > R->last)
		R->last = t;
}

static int
on_partial(struct report_run *R, struct fb_rec *rec, const struct fb_pos *pos)
{
	struct fb_span whole = { rec->line, rec->len };
	struct fb_error err;
	const char *type;
	json_t *j, *settings;
	int rc;

	type = fb_rec_get_str(rec, "type", NULL);
	if (type == NULL || (strcmp(type, "report_partial") != 0 &&
	    strcmp(type, "report_group") != 0 &&
	    strcmp(type, "report_item") != 0)) {
		/* a file that does not start as a state is not one: once */
		if (!R->seen_state)
			fb_diex("%s:%lu: not a partial state of fb-report (run "
			    "fb-report --partial first)", pos->file, pos->line);
		return fb_bad(pos, "not a partial state of fb-report (run "
		    "fb-report --partial first)");
	}
	/*
	 * States may come sorted (a Hadoop reducer's input): their lines
	 * count before a header, which must come and agree at some point.
	 */
	R->seen_state = 1;
	if ((j = fb_json_decode(whole)) == NULL)
		fb_diex("out of memory");
	if (strcmp(type, "report_partial") == 0) {
		settings = json_object_get(j, "settings");
		if (json_integer_value(json_object_get(j, "version")) != 1) {
			json_decref(j);
			fb_diex("%s:%lu: a partial state of another version; "
			    "this fb-report reads version 1", pos->file,
			    pos->line);
		}
		if (!json_equal(settings, R->settings)) {
			char *a = json_dumps(settings, JSON_COMPACT);
			char *b = json_dumps(R->settings, JSON_COMPACT);

			fb_warnx("%s:%lu: the state was made with %s", pos->file,
			    pos->line, a ? a : "?");
			fb_warnx("but this run has %s", b ? b : "?");
			free(a);
			free(b);
			json_decref(j);
			fb_diex("give --merge the --since, --until, --period, "
			    "--group-by, --tz, --now, --close-within and "
			    "--examples of the --partial runs");
		}
		read_span(R, j);
		R->have_header = 1;
		json_decref(j);
		return FB_DROP;
	}
	rc = strcmp(type, "report_group") == 0 ? read_group_state(R, j, &err) :
	    read_item_state(R, j, &err);
	json_decref(j);
	return rc < 0 ? fb_bad(pos, "%s", err.msg) : FB_DROP;
}

/*---- The model ----*/

static void
set_rate(json_t *o, const char *key, uint64_t num, uint64_t den)
{
	json_object_set_new(o, key, den == 0 ? json_null() :
	    json_real((double)(int64_t)((double)num / (double)den * 10000 +
	    0.5) / 10000));
}

static void
set_count(json_t *o, const char *key, uint64_t n)
{
	json_object_set_new(o, key, json_integer((json_int_t)n));
}

static json_t *
seconds_or_null(int64_t ms)
{
	return ms < 0 ? json_null() : json_real((double)ms / 1000);
}

static void
set_tally(json_t *o, const char *pre, const struct fb_sla_tally *t)
{
	const struct fb_sketch *s = &t->times;
	char key[32];

#define KEY(k) (snprintf(key, sizeof(key), "%s_%s", pre, k), key)
	set_count(o, KEY("met"), t->met);
	set_count(o, KEY("breached"), t->breached);
	set_count(o, KEY("running"), t->running);
	set_rate(o, KEY("in_target"), t->met, t->met + t->breached);
	set_count(o, KEY("n"), s->n);
	json_object_set_new(o, KEY("mean"), s->n == 0 ? json_null() :
	    json_real((double)(int64_t)((double)s->sum / (double)s->n + 0.5) /
	    1000));
	json_object_set_new(o, KEY("median"),
	    seconds_or_null(fb_sketch_quantile(s, 0.5)));
	json_object_set_new(o, KEY("p90"),
	    seconds_or_null(fb_sketch_quantile(s, 0.9)));
#undef KEY
}

/* Rounds to 'digits' decimals, for numbers people read. */
static json_t *
rounded(double x, int digits)
{
	double f = digits == 1 ? 10 : 100;

	return json_real((double)(int64_t)(x * f + (x < 0 ? -0.5 : 0.5)) / f);
}

/* The flat measures M of the model (report.h, fb-report(1)). */
static void
add_measures(json_t *o, const struct measures *m)
{
	set_count(o, "items", m->items);
	set_count(o, "complaints", m->complaints);
	set_rate(o, "complaint_rate", m->complaints, m->items);
	set_count(o, "negative", m->senti[S_NEGATIVE]);
	set_count(o, "neutral", m->senti[S_NEUTRAL]);
	set_count(o, "positive", m->senti[S_POSITIVE]);
	set_count(o, "no_sentiment", m->senti[S_NONE]);
	set_rate(o, "negative_rate", m->senti[S_NEGATIVE], m->items);
	set_count(o, "open", m->st.open);
	set_tally(o, "fr", &m->st.fr);
	set_tally(o, "res", &m->st.res);
	set_count(o, "closed_within_n", m->st.closed_in);
	set_count(o, "closed_within_eligible", m->st.eligible);
	set_rate(o, "closed_within_rate", m->st.closed_in, m->st.eligible);
	set_count(o, "closed_loop_n", m->st.closed_loop);
	set_rate(o, "closed_loop_rate", m->st.closed_loop, m->items);
	set_count(o, "csat_n", m->csat_n);
	json_object_set_new(o, "csat_mean", m->csat_n == 0 ? json_null() :
	    rounded((double)m->csat_sum / (double)m->csat_n, 2));
	set_rate(o, "csat_rate", m->csat_good, m->csat_n);
	set_count(o, "nps_n", m->nps_n);
	set_count(o, "nps_promoters", m->nps_pro);
	set_count(o, "nps_passives", m->nps_pas);
	set_count(o, "nps_detractors", m->nps_det);
	json_object_set_new(o, "nps", m->nps_n == 0 ? json_null() :
	    rounded(((double)m->nps_pro - (double)m->nps_det) /
	    (double)m->nps_n * 100, 1));
}

static json_t *
change_json(uint64_t now, uint64_t before)
{
	if (before == 0)
		return json_null();
	return json_real((double)(int64_t)(((double)now / (double)before - 1) *
	    10000 + ((double)now >= (double)before ? 0.5 : -0.5)) / 10000);
}

static json_t *
time_json(fb_time_t t)
{
	char tb[FB_TIME_BUFSZ];

	if (t == FB_TIME_MIN || t == FB_TIME_MAX)
		return json_null();
	fb_time_format(t, tb);
	return json_string(tb);
}

/* The groups of table 't', best first: most items, then by key. */
static struct report_run *sort_run;

static int
key_cmp(const struct group *x, const struct group *y)
{
	int i, c;

	for (i = 0; i < tables[x->table].nf; i++) {
		const char *a = fb_pool_str(&sort_run->values, x->val[i]);
		const char *b = fb_pool_str(&sort_run->values, y->val[i]);

		if (a == NULL || b == NULL) {
			if (a != b)
				return a == NULL ? 1 : -1;
			continue;
		}
		if ((c = strcmp(a, b)) != 0)
			return c;
	}
	return 0;
}

static int
by_items(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;

	if (x->m.items != y->m.items)
		return x->m.items > y->m.items ? -1 : 1;
	return key_cmp(x, y);
}

static int
by_complaints(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a;
	const struct group *y = *(struct group *const *)b;

	if (x->m.complaints != y->m.complaints)
		return x->m.complaints > y->m.complaints ? -1 : 1;
	return key_cmp(x, y);
}

static int
by_key(const void *a, const void *b)
{
	return key_cmp(*(struct group *const *)a, *(struct group *const *)b);
}

static struct group **
groups_of(struct report_run *R, int t, size_t *n,
    int (*cmp)(const void *, const void *))
{
	struct group **v = fb_xcalloc(R->ngroups + 1, sizeof(*v));
	size_t i, k = 0;

	for (i = 0; i < R->ngroups; i++)
		if (R->groups[i].table == t)
			v[k++] = &R->groups[i];
	sort_run = R;
	qsort(v, k, sizeof(*v), cmp);
	*n = k;
	return v;
}

static json_t *
dim_table_json(struct report_run *R, int t)
{
	struct group **v;
	json_t *o, *rows, *fields, *row;
	size_t n, i, shown;
	int f;

	v = groups_of(R, t, &n, by_items);
	shown = R->top == 0 || n < R->top ? n : R->top;
	fields = json_array();
	for (f = 0; f < tables[t].nf; f++)
		json_array_append_new(fields,
		    json_string(R->fields[tables[t].field[f]].name));
	rows = json_array();
	for (i = 0; i < shown; i++) {
		row = json_object();
		json_object_set_new(row, "key", group_key_json(R, v[i]));
		add_measures(row, &v[i]->m);
		json_object_set_new(row, "prev_items", R->has_previous ?
		    json_integer((json_int_t)v[i]->m.prev_items) : json_null());
		json_object_set_new(row, "items_change", R->has_previous ?
		    change_json(v[i]->m.items, v[i]->m.prev_items) :
		    json_null());
		json_array_append_new(rows, row);
	}
	o = json_pack("{s:s, s:s, s:o, s:I, s:I, s:o}", "name",
	    tables[t].name, "title", tables[t].title, "fields", fields,
	    "groups", (json_int_t)n, "more", (json_int_t)(n - shown),
	    "rows", rows);
	free(v);
	return o;
}

/*
 * Every period label from the first to the last counted, in order.  A
 * long window by the day is still a few thousand rows; one stray ts
 * centuries away (0001-01-01) would make millions, each row a few KB of
 * measures: the series keeps the last SERIES_MAX periods, which hold the
 * window's end, where the other items are.
 */
#define SERIES_MAX 5000
static char **
period_labels(struct report_run *R, size_t *n)
{
	fb_time_t from = R->since != FB_TIME_MIN ? R->since : R->first;
	fb_time_t to = R->until != FB_TIME_MAX ? R->until - 1 : R->last;
	fb_time_t start, next;
	char **v = NULL, *swap, buf[32];
	size_t k = 0, cap = 0, i;

	*n = 0;
	if (from == FB_TIME_MAX || to == FB_TIME_MIN || from > to)
		return NULL;
	/* from the last period back to the first, then turned round */
	period_label(R, to, buf, sizeof(buf));
	period_bounds(R, buf, &start, &next);
	for (;;) {
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			v = fb_xrealloc(v, cap, sizeof(*v));
		}
		v[k++] = fb_xstrdup(buf);
		if (start <= from || k == SERIES_MAX)
			break;
		period_label(R, start - 1, buf, sizeof(buf));
		period_bounds(R, buf, &start, &next);
	}
	for (i = 0; i < k / 2; i++) {
		swap = v[i];
		v[i] = v[k - 1 - i];
		v[k - 1 - i] = swap;
	}
	*n = k;
	return v;
}

static void
free_labels(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The group of 't' whose first value is 'label', or NULL. */
static struct group *
find_group(struct report_run *R, int t, const uint32_t *val)
{
	unsigned char key[1 + MAX_GROUP_BY * 4];
	size_t len = 1;
	uint32_t k;
	int i;

	key[0] = (unsigned char)t;
	for (i = 0; i < tables[t].nf; i++) {
		memcpy(key + len, &val[i], 4);
		len += 4;
	}
	k = fb_pool_find(&R->keys, (const char *)key, len);
	return k == 0 || k == FB_POOL_NOMEM ? NULL : &R->groups[k - 1];
}

/*
 * Whether the window (or the clock, without --until) ends or starts
 * inside the period: its counts are not a whole period's, and a change
 * against it says little.
 */
static int
period_partial(struct report_run *R, fb_time_t start, fb_time_t next)
{
	fb_time_t end = R->until != FB_TIME_MAX ? R->until : R->now;

	return (R->since != FB_TIME_MIN && start < R->since) || next > end;
}

static json_t *
series_json(struct report_run *R, char **labels, size_t nl)
{
	struct measures zero;
	json_t *rows = json_array(), *row;
	fb_time_t start, next;
	uint64_t before = 0;
	size_t i;

	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < nl; i++) {
		uint32_t val = fb_pool_find(&R->values, labels[i],
		    strlen(labels[i]));
		struct group *g = val == 0 ? NULL :
		    find_group(R, TB_SERIES, &val);
		const struct measures *m = g != NULL ? &g->m : &zero;

		period_bounds(R, labels[i], &start, &next);
		row = json_pack("{s:o, s:s, s:b}", "start", time_json(start),
		    "label", labels[i], "partial",
		    period_partial(R, start, next));
		add_measures(row, m);
		json_object_set_new(row, "items_change", i == 0 ?
		    json_null() : change_json(m->items, before));
		before = m->items;
		json_array_append_new(rows, row);
	}
	return json_pack("{s:s, s:o}", "period", R->period, "rows", rows);
}

static json_t *
trend_json(struct report_run *R, char **labels, size_t nl)
{
	struct group **v;
	json_t *rows, *lab, *partial, *row, *counts;
	uint32_t *cats = NULL, *pids;
	uint64_t *cnt = NULL, *tot = NULL;
	size_t n, i, j, ncat = 0;

	v = groups_of(R, TB_TREND, &n, by_key);
	pids = fb_xcalloc(nl + 1, sizeof(*pids));
	for (i = 0; i < nl; i++)
		pids[i] = fb_pool_find(&R->values, labels[i],
		    strlen(labels[i]));
	/* categories, each with its count per period */
	for (i = 0; i < n; i++) {
		for (j = 0; j < ncat && cats[j] != v[i]->val[1]; j++)
			;
		if (j == ncat) {
			cats = fb_xrealloc(cats, ncat + 1, sizeof(*cats));
			cnt = fb_xrealloc(cnt, (ncat + 1) * (nl + 1),
			    sizeof(*cnt));
			tot = fb_xrealloc(tot, ncat + 1, sizeof(*tot));
			memset(cnt + ncat * (nl + 1), 0, (nl + 1) *
			    sizeof(*cnt));
			tot[ncat] = 0;
			cats[ncat++] = v[i]->val[1];
		}
		for (size_t p = 0; p < nl; p++)
			if (pids[p] == v[i]->val[0]) {
				cnt[j * (nl + 1) + p] += v[i]->m.items;
				tot[j] += v[i]->m.items;
			}
	}
	rows = json_array();
	/* best first: most items, then by name */
	for (;;) {
		size_t best = ncat;

		for (j = 0; j < ncat; j++) {
			if (cats[j] == UINT32_MAX)
				continue;
			if (best == ncat || tot[j] > tot[best] ||
			    (tot[j] == tot[best] && (cats[best] == 0 ||
			    (cats[j] != 0 && strcmp(fb_pool_str(&R->values,
			    cats[j]), fb_pool_str(&R->values, cats[best])) <
			    0))))
				best = j;
		}
		if (best == ncat)
			break;
		counts = json_array();
		for (i = 0; i < nl; i++)
			json_array_append_new(counts, json_integer(
			    (json_int_t)cnt[best * (nl + 1) + i]));
		row = json_pack("{s:o, s:o, s:I}", "key",
		    value_json(R, cats[best]), "counts", counts, "total",
		    (json_int_t)tot[best]);
		json_array_append_new(rows, row);
		cats[best] = UINT32_MAX;
	}
	lab = json_array();
	partial = json_array();
	for (i = 0; i < nl; i++) {
		fb_time_t start, next;

		json_array_append_new(lab, json_string(labels[i]));
		period_bounds(R, labels[i], &start, &next);
		json_array_append_new(partial,
		    json_boolean(period_partial(R, start, next)));
	}
	free(v);
	free(pids);
	free(cats);
	free(cnt);
	free(tot);
	return json_pack("{s:s, s:o, s:o, s:o}", "period", R->period, "labels",
	    lab, "partial", partial, "rows", rows);
}

struct heat_row {
	uint32_t key;
	uint64_t cells[24], total;
};

static int
by_heat(const void *a, const void *b)
{
	const struct heat_row *x = a, *y = b;
	const char *p, *q;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	p = fb_pool_str(&sort_run->values, x->key);
	q = fb_pool_str(&sort_run->values, y->key);
	if (p == NULL || q == NULL)
		return p == q ? 0 : p == NULL ? 1 : -1;
	return strcmp(p, q);
}

static json_t *
heatmap_json(struct report_run *R)
{
	struct group **v;
	struct heat_row *hr = NULL;
	json_t *rows, *cells, *hours;
	uint64_t col[24] = { 0 }, max = 0;
	size_t n, i, j, nr = 0, shown;
	int hour;

	v = groups_of(R, TB_HEATMAP, &n, by_key);
	for (i = 0; i < n; i++) {
		if (v[i]->m.complaints == 0)
			continue;
		for (j = 0; j < nr && hr[j].key != v[i]->val[0]; j++)
			;
		if (j == nr) {
			hr = fb_xrealloc(hr, nr + 1, sizeof(*hr));
			memset(&hr[nr], 0, sizeof(*hr));
			hr[nr++].key = v[i]->val[0];
		}
		hour = atoi(fb_pool_str(&R->values, v[i]->val[1]));
		hr[j].cells[hour] += v[i]->m.complaints;
		hr[j].total += v[i]->m.complaints;
	}
	sort_run = R;
	/* qsort's array must not be NULL, even empty (C11 7.22.5) */
	if (nr > 0)
		qsort(hr, nr, sizeof(*hr), by_heat);
	shown = R->top == 0 || nr < R->top ? nr : R->top;
	rows = json_array();
	for (i = 0; i < shown; i++) {
		cells = json_array();
		for (hour = 0; hour < 24; hour++) {
			json_array_append_new(cells,
			    json_integer((json_int_t)hr[i].cells[hour]));
			col[hour] += hr[i].cells[hour];
			if (hr[i].cells[hour] > max)
				max = hr[i].cells[hour];
		}
		json_array_append_new(rows, json_pack("{s:o, s:o, s:I}", "key",
		    value_json(R, hr[i].key), "cells", cells, "total",
		    (json_int_t)hr[i].total));
	}
	hours = json_array();
	for (hour = 0; hour < 24; hour++)
		json_array_append_new(hours, json_integer((json_int_t)col[hour]));
	free(v);
	free(hr);
	return json_pack("{s:s, s:o, s:o, s:I, s:I}", "measure", "complaints",
	    "rows", rows, "hours", hours, "max", (json_int_t)max, "more",
	    (json_int_t)(nr - shown));
}

static json_t *
top_json(struct report_run *R, uint64_t complaints)
{
	struct group **v;
	json_t *rows, *ex;
	struct fb_pool used;	/* the ids shown already, by a tag above */
	size_t n, i, k, shown = 0;

	v = groups_of(R, TB_SUBCATEGORY, &n, by_complaints);
	memset(&used, 0, sizeof(used));
	rows = json_array();
	for (i = 0; i < n && (R->top == 0 || shown < R->top); i++) {
		const char *tag = fb_pool_str(&R->values, v[i]->val[0]);

		if (tag == NULL || !fb_taxonomy_problem(tag) ||
		    v[i]->m.complaints == 0)
			continue;
		ex = json_array();
		for (k = 0; k < v[i]->nex &&
		    json_array_size(ex) < R->examples; k++) {
			const struct example *e = &v[i]->ex[k];

			if (fb_pool_find(&used, e->id, strlen(e->id)) != 0)
				continue;
			fb_xintern(&used, e->id, strlen(e->id));
			json_array_append_new(ex, json_pack("{s:s, s:s, s:o}",
			    "id", e->id, "text", e->text, "priority",
			    e->priority ? json_string(e->priority) :
			    json_null()));
		}
		json_array_append_new(rows, json_pack("{s:s, s:I, s:o, s:o, "
		    "s:o, s:o}", "tag", tag, "count",
		    (json_int_t)v[i]->m.complaints, "share",
		    complaints == 0 ? json_null() : json_real((double)(int64_t)
		    ((double)v[i]->m.complaints / (double)complaints * 10000 +
		    0.5) / 10000), "prev_count", R->has_previous ?
		    json_integer((json_int_t)v[i]->m.prev_complaints) :
		    json_null(), "change", R->has_previous ?
		    change_json(v[i]->m.complaints, v[i]->m.prev_complaints) :
		    json_null(), "examples", ex));
		shown++;
	}
	free(v);
	fb_pool_release(&used);
	return json_pack("{s:I, s:o}", "complaints", (json_int_t)complaints,
	    "rows", rows);
}

static json_t *
model_json(struct report_run *R)
{
	static const uint32_t none[MAX_GROUP_BY];
	struct group *whole = find_group(R, TB_SUMMARY, none);
	struct group *prev = find_group(R, TB_PREVIOUS, none);
	struct measures zero;
	json_t *model, *window, *o, *list, *tabs;
	char **labels = NULL;
	size_t nl = 0;
	int t;

	memset(&zero, 0, sizeof(zero));
	window = json_pack("{s:o, s:o, s:o, s:o, s:s, s:s, s:I, s:o}",
	    "since", time_json(R->since), "until", time_json(R->until),
	    "first", time_json(R->first), "last", time_json(R->last),
	    "tz", fb_zone_name(R->zone), "period", R->period,
	    "close_within", (json_int_t)(R->close_within / 1000),
	    "previous", R->has_previous ? json_pack("{s:o, s:o}", "since",
	    time_json(R->prev_since), "until", time_json(R->since)) :
	    json_null());
	list = json_array();
	{
		char *copy = fb_xstrdup(R->measures_arg), *w, *save = NULL;

		for (w = strtok_r(copy, ",", &save); w != NULL;
		    w = strtok_r(NULL, ",", &save))
			json_array_append_new(list, json_string(w));
		free(copy);
	}
	model = json_pack("{s:s, s:i, s:s, s:o, s:o, s:o}", "type", "report",
	    "version", 1, "title", R->title, "generated", time_json(R->now),
	    "window", window, "measures", list);
	o = json_object();
	add_measures(o, whole != NULL ? &whole->m : &zero);
	json_object_set_new(model, "summary", tables[TB_SUMMARY].shown ? o :
	    json_null());
	if (!tables[TB_SUMMARY].shown)
		json_decref(o);
	if (R->has_previous && tables[TB_SUMMARY].shown) {
		o = json_object();
		add_measures(o, prev != NULL ? &prev->m : &zero);
		json_object_set_new(model, "previous", o);
	} else {
		json_object_set_new(model, "previous", json_null());
	}
	tabs = json_array();
	for (t = 0; t < NTABLES; t++)
		if (tables[t].shown && (tables[t].kind == T_DIM ||
		    tables[t].kind == T_BY))
			json_array_append_new(tabs, dim_table_json(R, t));
	json_object_set_new(model, "tables", tabs);
	if (tables[TB_SERIES].shown || tables[TB_TREND].shown)
		labels = period_labels(R, &nl);
	json_object_set_new(model, "series", tables[TB_SERIES].shown ?
	    series_json(R, labels, nl) : json_null());
	json_object_set_new(model, "trend", tables[TB_TREND].shown ?
	    trend_json(R, labels, nl) : json_null());
	free_labels(labels, nl);
	json_object_set_new(model, "heatmap", tables[TB_HEATMAP].shown ?
	    heatmap_json(R) : json_null());
	json_object_set_new(model, "top_complaints", tables[TB_TOP].shown ?
	    top_json(R, whole != NULL ? whole->m.complaints : 0) :
	    json_null());
	return model;
}

/*---- Setting up ----*/

static int
field_index(struct report_run *R, const char *name)
{
	size_t i;
	int f;

	for (f = 0; f < R->nfields; f++)
		if (strcmp(R->fields[f].name, name) == 0)
			return f;
	for (i = 0; i < sizeof(field_aliases) / sizeof(field_aliases[0]); i++)
		if (strcmp(field_aliases[i].alias, name) == 0)
			return field_aliases[i].field;
	if (R->nfields == MAX_FIELDS)
		fb_diex("--group-by: too many fields");
	for (i = 0; i < sizeof(extra_fields) / sizeof(extra_fields[0]); i++)
		if (strcmp(extra_fields[i].name, name) == 0) {
			R->fields[R->nfields] = extra_fields[i];
			return R->nfields++;
		}
	/* any other field by its path in the record */
	if (name[0] == '\0' || name[0] == '.' || strstr(name, "..") != NULL ||
	    name[strlen(name) - 1] == '.')
		fb_diex("--group-by: '%s' is not a field name", name);
	R->fields[R->nfields].name = name;
	R->fields[R->nfields].path = name;
	R->fields[R->nfields].kind = K_PATH;
	return R->nfields++;
}

static void
parse_group_by(struct report_run *R, char *list)
{
	struct table *t = &tables[TB_BY];
	char *w, *save = NULL;
	int f, i, tags = 0;

	for (w = strtok_r(list, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		if (t->nf == MAX_GROUP_BY)
			fb_diex("--group-by: at most %d fields", MAX_GROUP_BY);
		f = field_index(R, w);
		for (i = 0; i < t->nf; i++)
			if (t->field[i] == f)
				fb_diex("--group-by: '%s' twice", w);
		if (R->fields[f].kind == K_TAGS && tags++)
			fb_diex("--group-by: tags once");
		t->field[t->nf++] = f;
	}
	if (t->nf == 0)
		fb_diex("--group-by: no field given");
}

static void
parse_measures(const char *list)
{
	char *copy = fb_xstrdup(list), *w, *save = NULL;
	int n = 0;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save), n++)
		if (report_measure_find(w) == NULL)
			fb_diex("--measure: unknown measure '%s' (see "
			    "fb-report(1) MEASURES)", w);
	free(copy);
	if (n == 0)
		fb_diex("--measure: no measure given");
}

static void
parse_tables(struct report_run *R, const char *list)
{
	char *copy, *w, *save = NULL;
	int t;

	if (list == NULL) {
		/* --group-by answers one question: the summary and its table */
		for (t = 0; t < NTABLES; t++)
			tables[t].shown = R->group_by_arg != NULL ?
			    t == TB_SUMMARY || t == TB_BY : t != TB_BY &&
			    t != TB_PREVIOUS;
		return;
	}
	copy = fb_xstrdup(list);
	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		t = table_named(w);
		if (t < 0 || t == TB_PREVIOUS)
			fb_diex("--table: unknown table '%s' (summary, "
			    "channel, category, subcategory, product_category, "
			    "sku, region, priority, queue, by, series, trend, "
			    "heatmap, top_complaints)", w);
		if (t == TB_BY && R->group_by_arg == NULL)
			fb_diex("--table by needs --group-by");
		tables[t].shown = 1;
	}
	free(copy);
}

static json_t *
settings_json(struct report_run *R)
{
	json_t *by = json_array();
	int i;

	for (i = 0; i < tables[TB_BY].nf; i++)
		json_array_append_new(by,
		    json_string(R->fields[tables[TB_BY].field[i]].name));
	return json_pack("{s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:o}",
	    "since", time_json(R->since), "until", time_json(R->until),
	    "now", time_json(R->now), "tz", fb_zone_name(R->zone),
	    "period", R->period, "close_within", (json_int_t)R->close_within,
	    "examples", (json_int_t)R->examples, "group_by", by);
}

static void
report_ends(struct report_run *R)
{
	if (fb_conf.quiet)
		return;
	/*
	 * With --since, events of items from before the input are expected
	 * (the store was read from a time); without it they may be items
	 * the report should have had.
	 */
	if (R->since == FB_TIME_MIN || fb_conf.verbose)
		fb_fold_warn_orphans(R->fold);
	if (R->late_csat > 0)
		fb_warning("%llu csat events came after their item had been "
		    "counted (see --lateness)",
		    (unsigned long long)R->late_csat);
	if (R->bad_scores > 0)
		fb_warning("%llu csat scores were not 1-5 (score) or 0-10 "
		    "(nps) and were not counted",
		    (unsigned long long)R->bad_scores);
	if (R->dup_items.more > 0)
		fb_warning("%llu more items came more than once",
		    (unsigned long long)R->dup_items.more);
	if (fb_conf.verbose && R->outside > 0)
		fb_warning("%llu items outside the window were skipped",
		    (unsigned long long)R->outside);
}

/* Colour only on a terminal, or when asked, and never with NO_COLOR. */
static int
use_color(const char *when)
{
	const char *no = getenv("NO_COLOR");

	if (no != NULL && no[0] != '\0')
		return 0;
	if (strcmp(when, "always") == 0)
		return 1;
	return strcmp(when, "auto") == 0 && isatty(STDOUT_FILENO);
}

static int
render(struct report_run *R, json_t *model, int color)
{
	struct report_view view;
	struct fb_buf out = { 0 };
	int rc = 0;

	view.color = color;
	view.width = 80;
	view.table = R->tables_arg;
	switch (R->format) {
	case FMT_JSON:
		return fb_write_json(json_incref(model));
	case FMT_TEXT:
		rc = report_text(model, &view, &out);
		break;
	case FMT_MD:
		rc = report_md(model, &view, &out);
		break;
	case FMT_CSV:
		/* one section wide, or every section long */
		if (view.table != NULL && strchr(view.table, ',') != NULL)
			view.table = NULL;
		rc = report_csv(model, &view, &out);
		break;
	case FMT_HTML:
		rc = report_html(model, &view, &out);
		break;
	}
	if (out.err)
		fb_diex("out of memory");
	if (rc == 0 && out.len > 0 &&
	    fb_out_write(&fb_stdout, out.p, out.len) < 0)
		rc = -1;
	fb_buf_release(&out);
	return rc;
}

int
main(int argc, char *argv[])
{
	static struct report_run run;
	struct report_run *R = &run;
	struct fb_fold_conf fold;
	struct fb_error err;
	const char *arg, *policy = NULL, *since = NULL, *until = NULL;
	const char *color = "auto";
	char *group_by = NULL;
	int opt, status, rc = 0, t;
	json_t *model;
	size_t i;

	fb_cli_init("fb-report");
	R->close_within = 48 * 3600 * 1000LL;
	R->lateness = 24 * 3600 * 1000LL;
	R->period = "week";
	R->title = "Feedback report";
	R->examples = 2;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(arg, "text") == 0)
				R->format = FMT_TEXT;
			else if (strcmp(arg, "md") == 0)
				R->format = FMT_MD;
			else if (strcmp(arg, "csv") == 0)
				R->format = FMT_CSV;
			else if (strcmp(arg, "json") == 0)
				R->format = FMT_JSON;
			else if (strcmp(arg, "html") == 0)
				R->format = FMT_HTML;
			else
				fb_diex("--format: text, md, csv, json or "
				    "html, not '%s'", arg);
			break;
		case OPT_SINCE:
			since = arg;
			break;
		case OPT_UNTIL:
			until = arg;
			break;
		case 'P':
			if (strcmp(arg, "day") != 0 &&
			    strcmp(arg, "week") != 0 &&
			    strcmp(arg, "month") != 0)
				fb_diex("--period: day, week or month, not "
				    "'%s'", arg);
			R->period = arg;
			break;
		case 'g':
			R->group_by_arg = arg;
			break;
		case 'm':
			R->measures_arg = arg;
			break;
		case 't':
			R->tables_arg = arg;
			break;
		case 'n':
			R->top = (size_t)fb_parse_long(arg, 0, 1000000,
			    "--top");
			R->top_given = 1;
			break;
		case OPT_EXAMPLES:
			R->examples = (size_t)fb_parse_long(arg, 0, 20,
			    "--examples");
			break;
		case OPT_TITLE:
			R->title = arg;
			break;
		case OPT_COLOR:
			if (strcmp(arg, "auto") != 0 &&
			    strcmp(arg, "always") != 0 &&
			    strcmp(arg, "never") != 0)
				fb_diex("--color: auto, always or never, not "
				    "'%s'", arg);
			color = arg;
			break;
		case 'p':
			policy = arg;
			break;
		case OPT_CLOSE_WITHIN:
			R->close_within = fb_parse_duration(arg,
			    "--close-within");
			if (R->close_within <= 0)
				fb_diex("--close-within: a duration of more "
				    "than 0");
			break;
		case OPT_LATENESS:
			R->lateness = fb_parse_lateness(arg);
			break;
		case OPT_PARTIAL:
			R->partial = 1;
			break;
		case OPT_MERGE:
			R->merge = 1;
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (R->partial && R->format != FMT_TEXT)
		fb_diex("--partial writes JSON state; --format goes with the "
		    "run that merges");
	R->now = fb_time_now();
	R->since = since != NULL ? fb_parse_time(since, "--since") :
	    FB_TIME_MIN;
	R->until = until != NULL ? fb_parse_time(until, "--until") :
	    FB_TIME_MAX;
	if (R->since >= R->until)
		fb_diex("--since must come before --until");
	/* the window before, as long, when the window has a length */
	R->prev_since = FB_TIME_MAX;
	if (since != NULL) {
		fb_time_t end = until != NULL ? R->until : R->now;

		if (end > R->since) {
			R->prev_since = R->since - (end - R->since);
			R->has_previous = 1;
		}
	}
	if ((R->zone = fb_zone_load(fb_tz_get(), &err)) == NULL)
		fb_diex("%s", err.msg);
	/*
	 * One complaint often has several tags; candidates beyond those
	 * shown let each tag show texts no tag above it showed.
	 */
	R->keep = R->examples * 3;
	if (!R->top_given)
		R->top = R->format == FMT_JSON || R->format == FMT_CSV ? 0 : 10;
	if (R->measures_arg == NULL)
		R->measures_arg = "items,complaint_rate,negative_rate,"
		    "fr_median,fr_in_target,res_median,closed_within_rate,"
		    "csat_mean,nps";
	parse_measures(R->measures_arg);
	for (i = 0; i < NSTD_FIELDS; i++)
		R->fields[i] = std_fields[i];
	R->nfields = NSTD_FIELDS;
	if (R->group_by_arg != NULL) {
		group_by = fb_xstrdup(R->group_by_arg);
		parse_group_by(R, group_by);
	}
	parse_tables(R, R->tables_arg);
	/* a partial state keeps every table, so any report can be merged */
	for (t = 0; t < NTABLES; t++)
		tables[t].counted = R->partial || R->merge || tables[t].shown;
	tables[TB_SUMMARY].counted = 1;
	tables[TB_PREVIOUS].counted = R->has_previous;
	tables[TB_BY].counted = R->group_by_arg != NULL;
	if (tables[TB_TOP].counted)
		tables[TB_SUBCATEGORY].counted = 1;
	R->items_only = !needs_events(R);
	/* the fields an item is read for: its groups', and its policy's */
	for (t = 0; t < NTABLES; t++)
		for (i = 0; tables[t].counted && i < (size_t)tables[t].nf; i++)
			R->field_used[tables[t].field[i]] = 1;
	for (i = 0; !R->items_only && i < NPK; i++)
		R->field_used[pk_field[i]] = 1;
	if (R->items_only && fb_conf.verbose)
		fb_warnx("no measure or section shown needs lifecycle events: "
		    "items are counted as they come, events only checked");
	R->settings = settings_json(R);

	R->sla = fb_sla_open(policy);
	memset(&fold, 0, sizeof(fold));
	fold.lateness = R->lateness;
	fold.now = R->now;
	/* states come in no order: finish every item once all are read */
	fold.hold = R->merge;
	fold.finish = finish;
	fold.release = held_release;
	fold.arg = R;
	if ((R->fold = fb_fold_create(&fold)) == NULL ||
	    (R->outside_ids = fb_recent_create(131072, 0)) == NULL)
		fb_diex("out of memory");
	R->first = FB_TIME_MAX;
	R->last = FB_TIME_MIN;
	fb_sla_clock_init(&R->clock);
	fb_rec_init(&R->rec);

	status = fb_each_record(argc - optind, argv + optind, on_record, R);
	if (R->merge && !R->have_header && status != FB_EXIT_ERROR)
		fb_diex("no partial state in the input");
	if (status != FB_EXIT_ERROR) {
		if (R->partial) {
			rc = write_partial(R);
			if (rc == 0)
				fb_progress_written(1, "partial state written");
		} else {
			rc = fb_fold_finish_all(R->fold);
			if (rc == 0) {
				model = model_json(R);
				if (model == NULL)
					fb_diex("out of memory");
				rc = render(R, model, use_color(color));
				if (rc == 0)
					fb_progress_written(1, "report written");
				json_decref(model);
			}
		}
		report_ends(R);
	}
	if (rc < 0)
		status = FB_EXIT_ERROR;

	fb_fold_free(R->fold);
	fb_recent_free(R->outside_ids);
	free(R->counted.slot);
	for (i = 0; i < R->ngroups; i++)
		group_release(&R->groups[i]);
	free(R->groups);
	fb_pool_release(&R->values);
	fb_pool_release(&R->keys);
	fb_sla_clock_release(&R->clock);
	fb_rec_release(&R->rec);
	fb_sla_free(R->sla);
	fb_zone_free(R->zone);
	json_decref(R->settings);
	free(group_by);
	return fb_cli_finish(status);
}
