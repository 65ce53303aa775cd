/*
 * fb-rank: gives each feedback item a priority (P0-P3), an urgency (0..1)
 * and the factors behind it (DESIGN.md 2), by the weights of a policy
 * file people can read and edit (share/fb/rank.conf).
 *
 * Per record it reads only the fields it scores; what it remembers across
 * records (each customer's complaints, complaints per SKU and campaign) is
 * a fixed-size ring (fb_recent.c), so memory stays bounded however long
 * the stream.  Events and alerts pass through untouched.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_POLICY = FB_OPT_TOOL,
	OPT_CUSTOMERS,
	OPT_HISTORY,
	OPT_ID,
	OPT_PSEUDONYMIZE,
};

static const struct fb_opt opts[] = {
	{ 'p', "policy", "FILE", "weights and tables (default rank.conf)" },
	{ OPT_CUSTOMERS, "customers", "FILE",
	    "tier, spend and flags from a CSV or NDJSON table" },
	{ OPT_PSEUDONYMIZE, "pseudonymize", "KEYFILE",
	    "hash the --customers ids as fb-ingest did" },
	{ OPT_HISTORY, "history", "DIR",
	    "count earlier complaints from the store in DIR" },
	{ 'e', "explain", NULL, "print the reasoning, instead of records" },
	{ OPT_ID, "id", "ID", "with --explain: only the item with this id" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-rank [-equv] [--pretty] [--strict] [-p policy] [--customers file] "
	    "[--pseudonymize keyfile] [--history dir] [--id id] "
	    "[--now time] [--tz zone] "
	    "[--reject file] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Rank feedback records: priority P0-P3, urgency and the factors "
	    "behind them.",
	opts, NULL,
	"fb-tag feedback.ndjson | fb-rank --customers crm.csv --history var/fb"
};

/*---- The policy ----*/

enum factor {
	F_SEVERITY, F_NEGATIVITY, F_EMOTION, F_VALUE, F_HISTORY, F_SPREAD,
	NFACTORS
};

static const char *const factor_names[NFACTORS] = {
	"severity", "negativity", "emotion", "value", "history", "spread"
};

static const char *const priority_names[4] = { "P0", "P1", "P2", "P3" };
static const char *const priority_words[4] = {
	"紧急 urgent", "高 high", "中 medium", "低 low"
};

#define MAX_KEYS	8
#define NO_FLOOR	4
#define CHAIN_MAX	64	/* history entries looked at per record */

struct severity_rule {
	char *pattern;
	double score;
	int floor;		/* 0..3, or NO_FLOOR */
	long line;
};

struct named_score {
	char *name;
	double score;
};

struct named_scores {
	struct named_score *v;
	size_t n;
};

struct spend_point {
	double spend, score;
};

struct policy {
	const char *path;
	double weight[NFACTORS];
	double threshold[3];		/* least urgency of P0, P1, P2 */
	struct severity_rule *sev;
	size_t nsev;
	double tag_score[FB_TAXONOMY_NTAGS];	/* compiled from 'sev' */
	int tag_floor[FB_TAXONOMY_NTAGS];
	long tag_rule[FB_TAXONOMY_NTAGS];	/* index into 'sev', or -1 */
	struct named_scores emotions, tiers, flags, channels;
	struct spend_point *spend;
	size_t nspend;
	char *reach[MAX_KEYS];
	size_t nreach;
	double reach_full;
	int64_t history_window;
	double history_full;
	long repeat_raise;
	size_t history_size;
	char *similar[MAX_KEYS];
	size_t nsimilar;
	int64_t similar_window;
	int64_t burst_window;
	double similar_full;
	long burst;
};

static void
policy_release(struct policy *p)
{
	struct named_scores *lists[] = {
		&p->emotions, &p->tiers, &p->flags, &p->channels
	};
	size_t i, k;

	for (i = 0; i < p->nsev; i++)
		free(p->sev[i].pattern);
	free(p->sev);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < lists[k]->n; i++)
			free(lists[k]->v[i].name);
		free(lists[k]->v);
	}
	free(p->spend);
	for (i = 0; i < p->nreach; i++)
		free(p->reach[i]);
	for (i = 0; i < p->nsimilar; i++)
		free(p->similar[i]);
}

static void *
xgrow(void *p, size_t n, size_t size)
{
	/* grow by one, doubling the allocation at powers of two */
	if ((n & (n - 1)) == 0)
		p = fb_xrealloc(p, n ? n * 2 : 1, size);
	return p;
}

/*
 * The policy file being read and the first problem found in it: the
 * loader returns it to its caller (fb-rank exits 2 with it; the fuzz
 * target test/fuzz/fuzz_rank_conf.c goes on to the next input).
 */
struct policy_ld {
	const char *path;
	long line;
	struct fb_error *err;
	int failed;
};

/* Keeps the first problem, as "FILE:LINE: what". */
static void __attribute__((format(printf, 2, 3)))
ld_fail(struct policy_ld *ld, const char *fmt, ...)
{
	char what[sizeof(ld->err->msg)];
	va_list ap;

	if (ld->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fb_error_set(ld->err, "%s:%ld: %s", ld->path, ld->line, what);
	ld->err->line = ld->line;
	ld->failed = 1;
}

/* A number in [lo, hi] from a policy line; 'lo' after a problem. */
static double
policy_num(struct policy_ld *ld, const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (*end != '\0' || end == s || !(v >= lo && v <= hi)) {
		ld_fail(ld, "'%s' is not a number from %g to %g", s, lo, hi);
		return lo;
	}
	return v;
}

/* A whole number in [lo, hi] from a policy line; 'lo' after a problem. */
static long
policy_int(struct policy_ld *ld, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || end == s || v < lo || v > hi) {
		ld_fail(ld, "'%s' is not a whole number from %ld to %ld", s,
		    lo, hi);
		return lo;
	}
	return v;
}

static int
priority_of(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, priority_names[i]) == 0)
			return i;
	return -1;
}

static void
add_named(struct named_scores *l, struct policy_ld *ld, char **w, int n)
{
	size_t i;

	if (n != 3) {
		ld_fail(ld, "'%s' takes a name and a score", w[0]);
		return;
	}
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, w[1]) == 0) {
			ld_fail(ld, "%s '%s' given twice", w[0], w[1]);
			return;
		}
	l->v = xgrow(l->v, l->n, sizeof(*l->v));
	l->v[l->n].name = fb_xstrdup(w[1]);
	l->v[l->n++].score = policy_num(ld, w[2], 0, 1);
}

static int64_t
policy_duration(struct policy_ld *ld, const char *s)
{
	struct fb_error err;
	int64_t ms;

	if (fb_duration_parse(s, &ms, &err) < 0 || ms <= 0) {
		ld_fail(ld, "invalid duration '%s' (use e.g. 30d, 24h, 90m)",
		    s);
		return 1;
	}
	return ms;
}

static void
policy_fields(char **dst, size_t *n, struct policy_ld *ld, char **w, int nw)
{
	int i;

	if (nw < 2 || nw - 1 > MAX_KEYS) {
		ld_fail(ld, "'%s' takes 1 to %d field names", w[0], MAX_KEYS);
		return;
	}
	for (i = 0; (size_t)i < *n; i++)
		free(dst[i]);
	for (i = 1; i < nw; i++)
		dst[i - 1] = fb_xstrdup(w[i]);
	*n = (size_t)nw - 1;
}

/*
 * Reads the policy file.  Returns 0, or -1 with 'err' saying "FILE:LINE:
 * what"; the caller releases 'p' either way.
 */
static int
policy_load(struct policy *p, const char *path, struct fb_error *err)
{
	struct policy_ld ld = { path, 0, err, 0 };
	struct fb_reader *r;
	struct fb_line ln;
	struct fb_error rerr;
	double sum = 0;
	int got, i, have_weight = 0;

	memset(p, 0, sizeof(*p));
	p->path = path;
	for (i = 0; i < NFACTORS; i++)
		p->weight[i] = -1;
	p->threshold[0] = 0.8;
	p->threshold[1] = 0.5;
	p->threshold[2] = 0.3;
	p->history_window = 30LL * 86400 * 1000;
	p->history_full = 3;
	p->repeat_raise = 1;
	p->history_size = 100000;
	p->reach_full = 10000;
	p->similar_window = 86400LL * 1000;
	p->similar_full = 10;
	p->burst = 5;
	p->burst_window = 3600LL * 1000;
	if ((r = fb_reader_open(path, 4096, &rerr)) == NULL)
		return fb_error_set(err, "cannot read the policy '%s': %s",
		    path, rerr.msg);
	while ((got = fb_reader_next(r, &ln, &rerr)) == 1) {
		char *w[64];
		int n = 0;

		ld.line = (long)ln.pos.line;
		if (ln.status == FB_LINE_TOO_LONG)
			ld_fail(&ld, "line longer than 4096 bytes");
		else if (fb_utf8_check(ln.data, ln.len) != ln.len)
			ld_fail(&ld, "not valid UTF-8");
		else if ((n = fb_words_split(ln.data, w, 64, &rerr)) < 0)
			ld_fail(&ld, "%s", rerr.msg);
		if (ld.failed)
			break;
		if (n == 0)
			continue;
		if (strcmp(w[0], "weight") == 0) {
			for (i = 0; i < NFACTORS; i++)
				if (n == 3 && strcmp(w[1], factor_names[i]) == 0)
					break;
			if (i == NFACTORS) {
				ld_fail(&ld, "'weight' takes a factor "
				    "(severity, negativity, emotion, value, "
				    "history or spread) and a number");
				break;
			}
			p->weight[i] = policy_num(&ld, w[2], 0, 100);
			have_weight = 1;
		} else if (strcmp(w[0], "priority") == 0) {
			int pr = n == 3 ? priority_of(w[1]) : -1;

			if (pr < 0 || pr > 2) {
				ld_fail(&ld, "'priority' takes P0, P1 or P2 "
				    "and the least urgency for it");
				break;
			}
			p->threshold[pr] = policy_num(&ld, w[2], 0, 1);
		} else if (strcmp(w[0], "severity") == 0) {
			struct severity_rule *s;

			if (n != 3 && n != 4) {
				ld_fail(&ld, "'severity' takes a tag pattern, "
				    "a score and optionally a priority");
				break;
			}
			p->sev = xgrow(p->sev, p->nsev, sizeof(*p->sev));
			s = &p->sev[p->nsev++];
			s->pattern = fb_xstrdup(w[1]);
			s->score = policy_num(&ld, w[2], 0, 1);
			s->floor = NO_FLOOR;
			s->line = ld.line;
			if (n == 4 && (s->floor = priority_of(w[3])) < 0)
				ld_fail(&ld, "'%s' is not a priority "
				    "(P0 to P3)", w[3]);
			if (strpbrk(w[1], "*?[") == NULL &&
			    !fb_taxonomy_has(w[1]))
				ld_fail(&ld, "'%s' is not a tag of the "
				    "taxonomy (write a pattern with * for "
				    "others)", w[1]);
		} else if (strcmp(w[0], "emotion") == 0)
			add_named(&p->emotions, &ld, w, n);
		else if (strcmp(w[0], "tier") == 0)
			add_named(&p->tiers, &ld, w, n);
		else if (strcmp(w[0], "flag") == 0)
			add_named(&p->flags, &ld, w, n);
		else if (strcmp(w[0], "channel") == 0)
			add_named(&p->channels, &ld, w, n);
		else if (strcmp(w[0], "spend") == 0) {
			struct spend_point *sp;

			if (n != 3) {
				ld_fail(&ld, "'spend' takes an amount and a "
				    "score");
				break;
			}
			p->spend = xgrow(p->spend, p->nspend, sizeof(*p->spend));
			sp = &p->spend[p->nspend];
			sp->spend = policy_num(&ld, w[1], 0, 1e15);
			sp->score = policy_num(&ld, w[2], 0, 1);
			if (p->nspend > 0 && sp->spend <= sp[-1].spend)
				ld_fail(&ld, "spend amounts must grow from "
				    "line to line");
			p->nspend++;
		} else if (strcmp(w[0], "reach") == 0)
			policy_fields(p->reach, &p->nreach, &ld, w, n);
		else if (strcmp(w[0], "similar-key") == 0)
			policy_fields(p->similar, &p->nsimilar, &ld, w, n);
		else if (n != 2)
			ld_fail(&ld, "%s '%s'",
			    strcmp(w[0], "reach-full") == 0 ||
			    strcmp(w[0], "history-window") == 0 ||
			    strcmp(w[0], "history-full") == 0 ||
			    strcmp(w[0], "history-size") == 0 ||
			    strcmp(w[0], "repeat-raise") == 0 ||
			    strcmp(w[0], "similar-window") == 0 ||
			    strcmp(w[0], "similar-full") == 0 ||
			    strcmp(w[0], "burst") == 0 ||
			    strcmp(w[0], "burst-window") == 0 ?
			    "one value expected after" : "unknown keyword", w[0]);
		else if (strcmp(w[0], "reach-full") == 0)
			p->reach_full = policy_num(&ld, w[1], 1, 1e12);
		else if (strcmp(w[0], "history-window") == 0)
			p->history_window = policy_duration(&ld, w[1]);
		else if (strcmp(w[0], "history-full") == 0)
			p->history_full = policy_num(&ld, w[1], 1, 1e6);
		else if (strcmp(w[0], "history-size") == 0)
			p->history_size = (size_t)policy_int(&ld, w[1], 16,
			    1L << 26);
		else if (strcmp(w[0], "repeat-raise") == 0)
			p->repeat_raise = policy_int(&ld, w[1], 0, 2);
		else if (strcmp(w[0], "similar-window") == 0)
			p->similar_window = policy_duration(&ld, w[1]);
		else if (strcmp(w[0], "similar-full") == 0)
			p->similar_full = policy_num(&ld, w[1], 1, 1e6);
		else if (strcmp(w[0], "burst-window") == 0)
			p->burst_window = policy_duration(&ld, w[1]);
		else if (strcmp(w[0], "burst") == 0)
			p->burst = policy_int(&ld, w[1], 1, 1000000);
		else
			ld_fail(&ld, "unknown keyword '%s'", w[0]);
		if (ld.failed)
			break;
	}
	fb_reader_close(r);
	if (ld.failed)
		return -1;
	if (got < 0)
		return fb_error_set(err, "cannot read the policy '%s': %s",
		    path, rerr.msg);

	if (!have_weight)
		return fb_error_set(err, "%s: no 'weight' lines", path);
	for (i = 0; i < NFACTORS; i++) {
		if (p->weight[i] < 0)
			p->weight[i] = 0;
		sum += p->weight[i];
	}
	if (sum <= 0)
		return fb_error_set(err, "%s: the weights add up to 0", path);
	for (i = 0; i < NFACTORS; i++)
		p->weight[i] /= sum;
	if (!(p->threshold[0] > p->threshold[1] &&
	    p->threshold[1] > p->threshold[2]))
		return fb_error_set(err, "%s: the priorities' urgencies must "
		    "fall from P0 to P2", path);
	/* each taxonomy tag's first matching rule, found once */
	for (i = 0; i < FB_TAXONOMY_NTAGS; i++) {
		size_t k;

		p->tag_rule[i] = -1;
		p->tag_score[i] = 0;
		p->tag_floor[i] = NO_FLOOR;
		for (k = 0; k < p->nsev; k++)
			if (fnmatch(p->sev[k].pattern, fb_taxonomy_tag(i), 0) == 0)
				break;
		if (k < p->nsev) {
			p->tag_rule[i] = (long)k;
			p->tag_score[i] = p->sev[k].score;
			p->tag_floor[i] = p->sev[k].floor;
		}
	}
	return 0;
}

static const struct named_score *
find_named(const struct named_scores *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/*---- What fb-rank remembers ----*/

/* One earlier complaint of a customer (fb_recent payload). */
struct past {
	uint64_t tags;		/* bit i: taxonomy tag i */
	uint64_t order;		/* hash of order_id, 0 when none */
	uint64_t id_hash;	/* of the id's JSON text, any length */
	char id[37];		/* "" when longer: fb's ids take 19, UUIDs 36 */
	int8_t category;	/* index into fb_taxonomy_categories, or -1 */
};

/* One complaint about a SKU or campaign. */
struct similar {
	uint64_t customer;
};

/* Tags that say nothing is wrong, so they never make a repeat. */
static uint64_t benign_tags;

static uint64_t
hash_str(const char *s, size_t len, uint32_t seed)
{
	uint64_t h[2];

	fb_hash128(s, len, seed, h);
	return h[0] ? h[0] : 1;
}

/*---- One record ----*/

#define STR_MAX	256

/* The fields of one record fb-rank reads. */
struct item {
	char id[STR_MAX], customer[STR_MAX], channel[64], category[32];
	char label[16], emotion[32], tier[64], order[STR_MAX];
	const char *tier_from;
	int has_ts, has_sentiment, has_rating, has_spend, has_tags;
	fb_time_t ts;
	uint64_t id_hash;	/* 0 when the item has no id */
	double score, rating, spend;
	uint64_t tags;		/* taxonomy tags */
	int unknown_tags;	/* tags outside the taxonomy */
	struct fb_span tags_raw, flags_raw;
	json_t *table_flags;	/* borrowed from the customer table */
	int complaint;
	/* the keys it is remembered by, worked out once (item_keys()) */
	uint64_t cust_hash;		/* 0 without a customer id */
	uint64_t group[MAX_KEYS];	/* by each similar-key field */
	unsigned groups;		/* bit i: group[i] is set */
	uint64_t words;			/* its first words, when 'has_words' */
	int has_words;
};

/* What fb-rank decides, with the parts shown by --explain. */
struct verdict {
	double part[NFACTORS];
	int priority;
	double urgency, raw_urgency;
	/* severity */
	const char *sev_tag, *floor_tag;	/* point into the two below */
	char sev_buf[128], floor_buf[128];
	long sev_rule;
	int floor, floored;
	/* negativity */
	const char *neg_from;
	/* value */
	double tier_score, spend_score, flag_score;
	const char *best_flag;
	/* history */
	int earlier, repeat, raised;
	char repeat_id[37];
	const char *repeat_why;
	char repeat_tag[48];
	/* spread */
	double channel_score, reach, reach_score, similar_score, words_score;
	const char *reach_field, *similar_field;
	int similar, same_words, burst;
};

struct ranker {
	struct policy pol;
	struct fb_customers *customers;
	struct fb_recent *history;	/* struct past by customer */
	struct fb_recent *similar;	/* struct similar by SKU, campaign */
	struct fb_buf buf;
	struct fb_buf text;	/* a decoded text, for words_key() */
	int explain;
	const char *only_id;
	unsigned long explained;
};

/* Copies the string at 'path' into 'buf'; returns its length or -1. */
static long
get_str(struct fb_rec *rec, const char *path, char *buf, size_t cap)
{
	struct fb_span v;
	const char *s;
	long n;

	if (!fb_rec_raw(rec, path, &v) || v.len < 2 || *v.p != '"' ||
	    v.len - 2 >= cap)
		return -1;
	if ((n = fb_json_string(v, buf, cap - 1, &s)) < 0)
		return -1;
	if (s != buf)
		memcpy(buf, s, (size_t)n);
	buf[n] = '\0';
	/* a NUL inside would cut the string short, and ids must not */
	return memchr(buf, '\0', (size_t)n) == NULL ? n : -1;
}

static int
get_num(struct fb_rec *rec, const char *path, double *num)
{
	struct fb_span v;

	return fb_rec_raw(rec, path, &v) && fb_json_number(v, num) == 0 &&
	    isfinite(*num) ? 0 : -1;
}

static void
read_tags(struct item *it)
{
	struct fb_span el;
	size_t pos = 0;
	char buf[128];
	const char *s;
	long n;

	while (fb_json_array_next(it->tags_raw, &pos, &el)) {
		int k;

		if (el.len < 2 || *el.p != '"' || el.len > sizeof(buf) ||
		    (n = fb_json_string(el, buf, sizeof(buf), &s)) < 0)
			continue;
		if ((k = fb_taxonomy_index(s, (size_t)n)) >= 0)
			it->tags |= 1ULL << k;
		else
			it->unknown_tags = 1;
	}
}

static void item_keys(struct ranker *rk, struct fb_rec *rec,
    struct item *it);

static void
read_item(struct ranker *rk, struct fb_rec *rec, struct item *it)
{
	struct fb_span v;
	char buf[FB_TIME_BUFSZ + 8];
	long n;

	memset(it, 0, sizeof(*it));
	it->spend = NAN;
	get_str(rec, "id", it->id, sizeof(it->id));
	/* the id's bytes as written, so an id of any length knows itself */
	if (fb_rec_raw(rec, "id", &v) && !(v.len == 4 &&
	    memcmp(v.p, "null", 4) == 0))
		it->id_hash = hash_str(v.p, v.len, 5);
	if ((n = get_str(rec, "ts", buf, sizeof(buf))) > 0 &&
	    fb_time_parse_rfc3339(buf, (size_t)n, &it->ts) == 0)
		it->has_ts = 1;
	if (get_str(rec, "customer.id", it->customer,
	    sizeof(it->customer)) < 0 && fb_rec_raw(rec, "customer.id", &v) &&
	    fb_json_number(v, &(double){ 0 }) == 0 && v.len < sizeof(it->customer)) {
		/* a numeric id, as some CRMs export them: its digits */
		memcpy(it->customer, v.p, v.len);
		it->customer[v.len] = '\0';
	}
	get_str(rec, "channel", it->channel, sizeof(it->channel));
	get_str(rec, "category", it->category, sizeof(it->category));
	get_str(rec, "order_id", it->order, sizeof(it->order));
	get_str(rec, "emotion", it->emotion, sizeof(it->emotion));
	if (get_str(rec, "sentiment.label", it->label, sizeof(it->label)) >= 0 &&
	    get_num(rec, "sentiment.score", &it->score) == 0)
		it->has_sentiment = 1;
	else if (get_num(rec, "sentiment.score", &it->score) == 0) {
		it->has_sentiment = 1;
		strcpy(it->label, it->score < 0 ? "negative" : "neutral");
	}
	if (get_num(rec, "rating", &it->rating) == 0)
		it->has_rating = 1;
	if (fb_rec_raw(rec, "tags", &v) && v.len > 0 && *v.p == '[') {
		it->tags_raw = v;
		it->has_tags = 1;
		read_tags(it);
	}

	/* customer value: the record first, the table for what it lacks */
	if (get_str(rec, "customer.tier", it->tier, sizeof(it->tier)) >= 0)
		it->tier_from = "record";
	if (get_num(rec, "customer.annual_spend", &it->spend) == 0)
		it->has_spend = 1;
	/* "flags":[] says nothing the customer table could not add to */
	if (fb_rec_raw(rec, "customer.flags", &v) && v.len > 0 && *v.p == '[' &&
	    fb_json_array_next(v, &(size_t){ 0 }, &(struct fb_span){ 0 }))
		it->flags_raw = v;
	if (rk->customers != NULL && it->customer[0] != '\0') {
		struct fb_customer c;

		if (fb_customers_find(rk->customers, it->customer,
		    strlen(it->customer), &c)) {
			if (it->tier_from == NULL && c.tier != NULL &&
			    strlen(c.tier) < sizeof(it->tier)) {
				strcpy(it->tier, c.tier);
				it->tier_from = "table";
			}
			if (!it->has_spend && !isnan(c.annual_spend)) {
				it->spend = c.annual_spend;
				it->has_spend = 2;
			}
			if (it->flags_raw.p == NULL)
				it->table_flags = c.flags;
		}
	}

	/*
	 * A complaint names a problem, or at least sounds unhappy: praise,
	 * suggestions and "other" alone are not.
	 */
	it->complaint = (it->tags & ~benign_tags) != 0 || it->unknown_tags ||
	    strcmp(it->label, "negative") == 0;
	item_keys(rk, rec, it);
}

/* The tag's severity rule: its compiled one, or a pattern for a foreign tag. */
static long
severity_rule(const struct policy *p, const char *tag, size_t len)
{
	char buf[128];
	size_t k;
	int i = fb_taxonomy_index(tag, len);

	if (i >= 0)
		return p->tag_rule[i];
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, tag, len);
	buf[len] = '\0';
	for (k = 0; k < p->nsev; k++)
		if (fnmatch(p->sev[k].pattern, buf, 0) == 0)
			return (long)k;
	return -1;
}

static void
score_severity(const struct policy *p, const struct item *it,
    struct verdict *v)
{
	struct fb_span el;
	size_t pos = 0;
	long rule;

	v->sev_rule = -1;
	v->floor = NO_FLOOR;
	if (!it->has_tags || !fb_json_array_next(it->tags_raw, &(size_t){ 0 },
	    &(struct fb_span){ 0 })) {
		/* untagged: the "*" line, if the policy has one */
		v->sev_rule = severity_rule(p, "", 0);
		v->part[F_SEVERITY] = v->sev_rule >= 0 ?
		    p->sev[v->sev_rule].score : 0;
		return;
	}
	while (fb_json_array_next(it->tags_raw, &pos, &el)) {
		const char *s;
		char buf[128];
		long n;

		if (el.len < 2 || *el.p != '"' || el.len > sizeof(buf) ||
		    (n = fb_json_string(el, buf, sizeof(buf), &s)) < 0 ||
		    memchr(s, '\0', (size_t)n) != NULL)
			continue;
		if ((rule = severity_rule(p, s, (size_t)n)) < 0)
			continue;
		if (p->sev[rule].floor < v->floor) {
			v->floor = p->sev[rule].floor;
			memcpy(v->floor_buf, s, (size_t)n);
			v->floor_buf[n] = '\0';
			v->floor_tag = v->floor_buf;
		}
		if (v->sev_rule < 0 ||
		    p->sev[rule].score > v->part[F_SEVERITY]) {
			v->part[F_SEVERITY] = p->sev[rule].score;
			v->sev_rule = rule;
			memcpy(v->sev_buf, s, (size_t)n);
			v->sev_buf[n] = '\0';
			v->sev_tag = v->sev_buf;
		}
	}
}

static void
score_negativity(const struct item *it, struct verdict *v)
{
	double s = 0, r = 0;

	if (it->has_sentiment && strcmp(it->label, "positive") != 0 &&
	    it->score < 0)
		s = it->score < -1 ? 1 : -it->score;
	/* 1 star says as much as the angriest words; 3 and up say nothing */
	if (it->has_rating && it->rating >= 1 && it->rating < 3)
		r = (3 - it->rating) / 2;
	v->part[F_NEGATIVITY] = s >= r ? s : r;
	v->neg_from = s == 0 && r == 0 ? NULL : s >= r ? "sentiment" :
	    "rating";
}

/* Piecewise-linear score of an annual spend. */
static double
spend_score(const struct policy *p, double spend)
{
	size_t i;

	if (p->nspend == 0 || spend <= p->spend[0].spend)
		return p->nspend ? p->spend[0].score : 0;
	for (i = 1; i < p->nspend; i++)
		if (spend < p->spend[i].spend) {
			const struct spend_point *a = &p->spend[i - 1],
			    *b = &p->spend[i];

			return a->score + (b->score - a->score) *
			    (spend - a->spend) / (b->spend - a->spend);
		}
	return p->spend[p->nspend - 1].score;
}

static void
flag_score(const struct policy *p, const char *flag, struct verdict *v)
{
	const struct named_score *ns = find_named(&p->flags, flag);

	if (ns != NULL && ns->score > v->flag_score) {
		v->flag_score = ns->score;
		v->best_flag = ns->name;
	}
}

static void
score_value(const struct policy *p, const struct item *it, struct verdict *v)
{
	const struct named_score *ns;
	double best;

	if (it->tier_from != NULL &&
	    (ns = find_named(&p->tiers, it->tier)) != NULL)
		v->tier_score = ns->score;
	if (it->has_spend)
		v->spend_score = spend_score(p, it->spend);
	if (it->flags_raw.p != NULL) {
		struct fb_span el;
		size_t pos = 0;
		char buf[64];
		const char *s;
		long n;

		while (fb_json_array_next(it->flags_raw, &pos, &el))
			if (el.len >= 2 && *el.p == '"' && el.len <= sizeof(buf) &&
			    (n = fb_json_string(el, buf, sizeof(buf) - 1, &s)) >= 0) {
				if (s != buf)
					memcpy(buf, s, (size_t)n);
				buf[n] = '\0';
				flag_score(p, buf, v);
			}
	} else if (it->table_flags != NULL) {
		size_t i;

		for (i = 0; i < json_array_size(it->table_flags); i++) {
			const char *s = json_string_value(
			    json_array_get(it->table_flags, i));

			if (s != NULL)
				flag_score(p, s, v);
		}
	}
	best = v->tier_score;
	if (v->spend_score > best)
		best = v->spend_score;
	if (v->flag_score > best)
		best = v->flag_score;
	v->part[F_VALUE] = best;
}

/*
 * The customer's complaints before this one: 'earlier' counts those in
 * the window, a shared specific tag or the same order and category makes
 * a repeat.  Returns whether this very item is remembered already (seen in
 * the store, or a second run over the same stream part).
 */
static int
score_history(struct ranker *rk, const struct item *it, struct verdict *v)
{
	const struct policy *p = &rk->pol;
	const struct past *e;
	uint64_t cur, order, mine = it->tags & ~benign_tags;
	fb_time_t ts;
	int seen = 0, looked = 0, category = -1, i;

	if (it->customer[0] == '\0' || rk->history == NULL)
		return 0;
	for (i = 0; fb_taxonomy_categories[i] != NULL; i++)
		if (strcmp(fb_taxonomy_categories[i], it->category) == 0)
			category = i;
	order = it->order[0] ? hash_str(it->order, strlen(it->order), 3) : 0;
	for (e = fb_recent_first(rk->history, it->cust_hash, &cur, &ts);
	    e != NULL &&
	    looked < CHAIN_MAX; e = fb_recent_next(rk->history, &cur, &ts),
	    looked++) {
		if (it->id_hash != 0 && e->id_hash == it->id_hash) {
			seen = 1;
			continue;
		}
		if (!it->has_ts || ts > it->ts || ts <= it->ts -
		    p->history_window)
			continue;
		v->earlier++;
		if (!it->complaint || v->repeat)
			continue;
		if ((e->tags & mine) != 0) {
			int k;

			for (k = 0; k < FB_TAXONOMY_NTAGS; k++)
				if ((e->tags & mine) >> k & 1)
					break;
			snprintf(v->repeat_tag, sizeof(v->repeat_tag), "%s",
			    fb_taxonomy_tag(k));
			v->repeat_why = "tag";
		} else if (order != 0 && e->order == order &&
		    e->category == category && category >= 0)
			v->repeat_why = "order";
		else
			continue;
		v->repeat = 1;
		memcpy(v->repeat_id, e->id, sizeof(v->repeat_id));
	}
	v->part[F_HISTORY] = v->repeat ? 1 : v->earlier >= p->history_full ?
	    1 : v->earlier / p->history_full;
	return seen;
}

static void
remember_complaint(struct ranker *rk, const struct item *it)
{
	struct past *e;
	size_t i;

	if (rk->history == NULL || it->customer[0] == '\0' || !it->has_ts)
		return;
	if ((e = fb_recent_add(rk->history, it->cust_hash, it->ts)) == NULL)
		fb_diex("out of memory");
	e->tags = it->tags;
	e->order = it->order[0] ? hash_str(it->order, strlen(it->order), 3) :
	    0;
	e->id_hash = it->id_hash;
	if (strlen(it->id) < sizeof(e->id))
		memcpy(e->id, it->id, strlen(it->id) + 1);
	e->category = -1;
	for (i = 0; fb_taxonomy_categories[i] != NULL; i++)
		if (strcmp(fb_taxonomy_categories[i], it->category) == 0)
			e->category = (int8_t)i;
}

/* The key of a similar-complaint group: a field's name and value. */
static int
group_key(struct fb_rec *rec, const char *field, uint64_t *key)
{
	char value[STR_MAX];

	if (get_str(rec, field, value, sizeof(value)) <= 0)
		return 0;
	*key = hash_str(value, strlen(value), 7) ^ hash_str(field,
	    strlen(field), 11);
	return 1;
}

/*
 * The key of a text's words: its first 16 letters and Chinese
 * characters.  A social burst is many people posting the same words, give
 * or take an emoji, a "转起来" or an amount, and it names no SKU; so
 * digits, punctuation and symbols are skipped, and a text of fewer than 6
 * letters or characters (差评, "ok") joins no group.  Returns 1 and sets
 * '*key', or 0.
 */
static int
words_key(struct ranker *rk, struct fb_rec *rec, uint64_t *key)
{
	char print[64];
	const unsigned char *t;
	struct fb_span v;
	const char *s;
	size_t n = 0, i = 0, chars = 0;
	long len;

	if (!fb_rec_raw(rec, "text", &v) || v.len < 2 || *v.p != '"' ||
	    fb_buf_grow(&rk->text, v.len) < 0 ||
	    (len = fb_json_string(v, rk->text.p, rk->text.cap, &s)) < 0)
		return 0;
	t = (const unsigned char *)s;
	while (i < (size_t)len && chars < 16) {
		unsigned char c = t[i];

		if (c < 0x80) {
			if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
				print[n++] = (char)(c | 0x20);
				chars++;
			}
			i++;
		} else if (c >= 0xe4 && c <= 0xe9 && i + 2 < (size_t)len) {
			/* U+4E00..U+9FFF, the CJK ideographs, are E4..E9 xx xx */
			memcpy(print + n, t + i, 3);
			n += 3;
			chars++;
			i += 3;
		} else
			i++;
	}
	if (chars < 6)
		return 0;
	*key = hash_str(print, n, 13);
	return 1;
}

/*
 * Distinct other customers among the events of 'key' in the 'window'
 * before the item (anonymous ones count one each: who knows who).  The
 * ring holds events in arrival order, which is nearly time order, so the
 * walk stops after a run of events older than the window, or at once at
 * one older than two windows: each step is a likely cache miss.
 */
static int
count_others(const struct fb_recent *ring, uint64_t key, const struct item *it,
    uint64_t cust, int64_t window)
{
	uint64_t seen[64], cur;
	const struct similar *e;
	fb_time_t ts;
	int n = 0, k, looked = 0, old = 0;

	for (e = fb_recent_first(ring, key, &cur, &ts); e != NULL && n < 64 &&
	    looked < 256 && old < 16;
	    e = fb_recent_next(ring, &cur, &ts), looked++) {
		if (ts <= it->ts - window) {
			if (ts <= it->ts - 2 * window)
				break;
			old++;
			continue;
		}
		old = 0;
		if (ts > it->ts || (e->customer == cust && cust != 0))
			continue;
		for (k = 0; e->customer != 0 && k < n && seen[k] != e->customer;
		    k++)
			;
		if (k == n || e->customer == 0)
			seen[n++] = e->customer;
	}
	return n;
}

/* Whether the item is a public, negative post: what makes a burst. */
static int
public_outcry(const struct policy *p, const struct item *it)
{
	const struct named_score *ns = find_named(&p->channels, it->channel);

	return ns != NULL && ns->score > 0 && it->complaint &&
	    strcmp(it->label, "negative") == 0;
}

static void
score_spread(struct ranker *rk, struct fb_rec *rec, const struct item *it,
    struct verdict *v)
{
	const struct policy *p = &rk->pol;
	const struct named_score *ns;
	size_t i;

	if ((ns = find_named(&p->channels, it->channel)) != NULL)
		v->channel_score = ns->score;
	for (i = 0; i < p->nreach; i++)
		if (get_num(rec, p->reach[i], &v->reach) == 0 && v->reach >= 0) {
			v->reach_field = p->reach[i];
			v->reach_score = log10(1 + v->reach) /
			    log10(1 + p->reach_full);
			if (v->reach_score > 1)
				v->reach_score = 1;
			break;
		}
	/* similar complaints by other customers: distinct ones counted */
	for (i = 0; it->complaint && it->has_ts && i < p->nsimilar; i++) {
		int n;

		if (!(it->groups & 1u << i))
			continue;
		n = count_others(rk->similar, it->group[i], it, it->cust_hash,
		    p->similar_window);
		if (n > v->similar) {
			v->similar = n;
			v->similar_field = p->similar[i];
		}
	}
	/* the same words posted by others in the last hour: a burst */
	if (it->has_ts && it->has_words)
		v->same_words = count_others(rk->similar, it->words, it,
		    it->cust_hash, p->burst_window);
	v->similar_score = v->similar >= p->similar_full ? 1 :
	    v->similar / p->similar_full;
	v->words_score = v->same_words >= p->burst ? 1 :
	    (double)v->same_words / p->burst;
	v->part[F_SPREAD] = 1 - (1 - v->channel_score) *
	    (1 - v->reach_score) * (1 - v->similar_score) *
	    (1 - v->words_score);
	v->burst = v->same_words >= p->burst;
}

static void
remember_similar(struct ranker *rk, const struct item *it)
{
	struct similar *e;
	size_t i;

	if (!it->has_ts)
		return;
	for (i = 0; i < rk->pol.nsimilar; i++) {
		if (!(it->groups & 1u << i))
			continue;
		if ((e = fb_recent_add(rk->similar, it->group[i],
		    it->ts)) == NULL)
			fb_diex("out of memory");
		e->customer = it->cust_hash;
	}
	if (it->has_words) {
		if ((e = fb_recent_add(rk->similar, it->words, it->ts)) == NULL)
			fb_diex("out of memory");
		e->customer = it->cust_hash;
	}
}

/* The keys a complaint is remembered and compared by, once per item. */
static void
item_keys(struct ranker *rk, struct fb_rec *rec, struct item *it)
{
	const struct policy *p = &rk->pol;
	size_t i;

	it->cust_hash = it->customer[0] ? hash_str(it->customer,
	    strlen(it->customer), 1) : 0;
	/* the walks come after the other factors: start their misses now */
	if (rk->history != NULL && it->cust_hash != 0)
		fb_recent_prefetch(rk->history, it->cust_hash);
	if (!it->complaint)
		return;
	for (i = 0; i < p->nsimilar; i++)
		if (group_key(rec, p->similar[i], &it->group[i]))
			it->groups |= 1u << i;
	it->has_words = public_outcry(p, it) && words_key(rk, rec, &it->words);
	for (i = 0; i < p->nsimilar; i++)
		if (it->groups & 1u << i)
			fb_recent_prefetch(rk->similar, it->group[i]);
	if (it->has_words)
		fb_recent_prefetch(rk->similar, it->words);
}

static void
judge(struct ranker *rk, struct fb_rec *rec, const struct item *it,
    struct verdict *v)
{
	const struct policy *p = &rk->pol;
	const struct named_score *ns;
	double u = 0;
	int i, pr, seen;

	memset(v, 0, sizeof(*v));
	score_severity(p, it, v);
	score_negativity(it, v);
	if (it->emotion[0] != '\0')
		v->part[F_EMOTION] = (ns = find_named(&p->emotions,
		    it->emotion)) != NULL ? ns->score : 0.5;
	score_value(p, it, v);
	seen = score_history(rk, it, v);
	score_spread(rk, rec, it, v);
	for (i = 0; i < NFACTORS; i++)
		u += p->weight[i] * v->part[i];
	/*
	 * Decide on the urgency as written (3 decimals), so that 0.9 on the
	 * record is never P1 under a P0 threshold of 0.9 because the sum
	 * came to 0.8999999999999999.
	 */
	u = round(u * 1000) / 1000;
	v->raw_urgency = u;
	for (pr = 0; pr < 3 && u < p->threshold[pr]; pr++)
		;
	/*
	 * A hole that loses money or data is urgent however calm, or even
	 * pleased, the words: "别的都挺好" after "不是我本人操作" is still an
	 * account takeover.  A false alarm costs a specialist minutes.
	 */
	if (v->floor < pr) {
		pr = v->floor;
		v->floored = 1;
	}
	if (v->repeat && p->repeat_raise > 0 && pr > 1) {
		int raised = pr - (int)p->repeat_raise;

		v->raised = pr - (raised < 1 ? 1 : raised);
		pr -= v->raised;
	}
	/* the urgency agrees with the priority, so sorting by either works */
	if (pr < 3 && u < p->threshold[pr])
		u = p->threshold[pr];
	v->priority = pr;
	v->urgency = u > 1 ? 1 : u;

	if (it->complaint && !seen)
		remember_complaint(rk, it);
	if (it->complaint)
		remember_similar(rk, it);
}

/*---- Output ----*/

static void
add_factor(struct fb_buf *b, const struct policy *p, const struct verdict *v,
    enum factor f)
{
	if (f > 0)
		fb_buf_addc(b, ',');
	fb_buf_addc(b, '"');
	fb_buf_adds(b, factor_names[f]);
	fb_buf_adds(b, "\":{\"score\":");
	fb_buf_addnum(b, v->part[f], 3);
	fb_buf_adds(b, ",\"weight\":");
	fb_buf_addnum(b, p->weight[f], 3);
}

static void
add_key_str(struct fb_buf *b, const char *key, const char *s)
{
	fb_buf_adds(b, ",\"");
	fb_buf_adds(b, key);
	fb_buf_adds(b, "\":");
	fb_buf_json_str(b, s, strlen(s));
}

static void
add_key_num(struct fb_buf *b, const char *key, double x, int digits)
{
	fb_buf_adds(b, ",\"");
	fb_buf_adds(b, key);
	fb_buf_adds(b, "\":");
	fb_buf_addnum(b, x, digits);
}

static void
add_flags(struct fb_buf *b, const struct item *it)
{
	size_t i;

	fb_buf_adds(b, ",\"flags\":");
	if (it->flags_raw.p != NULL) {
		fb_buf_add(b, it->flags_raw.p, it->flags_raw.len);
		return;
	}
	fb_buf_addc(b, '[');
	for (i = 0; i < json_array_size(it->table_flags); i++) {
		const char *s = json_string_value(json_array_get(it->table_flags,
		    i));

		if (s == NULL)
			continue;
		if (b->p[b->len - 1] != '[')
			fb_buf_addc(b, ',');
		fb_buf_json_str(b, s, strlen(s));
	}
	fb_buf_addc(b, ']');
}

static int
write_fields(struct ranker *rk, struct fb_rec *rec, const struct item *it,
    const struct verdict *v)
{
	const struct policy *p = &rk->pol;
	struct fb_buf *b = &rk->buf;
	char win[32];
	int nflags = 0;

	b->len = 0;
	fb_buf_addc(b, '"');
	fb_buf_adds(b, priority_names[v->priority]);
	fb_buf_addc(b, '"');
	if (b->err || fb_rec_set_raw(rec, "priority", b->p, b->len) < 0)
		return -1;
	b->len = 0;
	fb_buf_addnum(b, v->urgency, 3);
	if (b->err || fb_rec_set_raw(rec, "urgency", b->p, b->len) < 0)
		return -1;

	b->len = 0;
	fb_buf_addc(b, '{');
	add_factor(b, p, v, F_SEVERITY);
	if (v->sev_tag != NULL)
		add_key_str(b, "tag", v->sev_tag);
	if (v->floor != NO_FLOOR) {
		add_key_str(b, "floor", priority_names[v->floor]);
		if (v->sev_tag == NULL || strcmp(v->floor_tag, v->sev_tag) != 0)
			add_key_str(b, "floor_tag", v->floor_tag);
	}
	fb_buf_addc(b, '}');
	add_factor(b, p, v, F_NEGATIVITY);
	if (v->neg_from != NULL)
		add_key_str(b, "from", v->neg_from);
	fb_buf_addc(b, '}');
	add_factor(b, p, v, F_EMOTION);
	if (it->emotion[0] != '\0')
		add_key_str(b, "name", it->emotion);
	fb_buf_addc(b, '}');
	add_factor(b, p, v, F_VALUE);
	if (it->tier_from != NULL)
		add_key_str(b, "tier", it->tier);
	if (it->has_spend)
		add_key_num(b, "annual_spend", it->spend, 2);
	if (it->flags_raw.p != NULL || it->table_flags != NULL)
		add_flags(b, it);
	if (it->tier_from != NULL || it->has_spend ||
	    it->flags_raw.p != NULL || it->table_flags != NULL)
		add_key_str(b, "from", (it->tier_from != NULL &&
		    strcmp(it->tier_from, "table") == 0) || it->has_spend == 2 ||
		    it->table_flags != NULL ? "table" : "record");
	fb_buf_addc(b, '}');
	add_factor(b, p, v, F_HISTORY);
	add_key_num(b, "complaints", v->earlier, 0);
	fb_duration_format(p->history_window, win, sizeof(win));
	add_key_str(b, "window", win);
	if (v->repeat && v->repeat_id[0] != '\0')
		add_key_str(b, "repeat", v->repeat_id);
	else if (v->repeat)
		fb_buf_adds(b, ",\"repeat\":true");
	fb_buf_addc(b, '}');
	add_factor(b, p, v, F_SPREAD);
	if (it->channel[0] != '\0')
		add_key_str(b, "channel", it->channel);
	if (v->reach_field != NULL)
		add_key_num(b, "reach", v->reach, 0);
	if (v->similar > 0)
		add_key_num(b, "similar", v->similar, 0);
	if (v->same_words > 0)
		add_key_num(b, "same_words", v->same_words, 0);
	fb_buf_addc(b, '}');
	fb_buf_adds(b, ",\"flags\":[");
	if (v->floored) {
		fb_buf_adds(b, "\"floor\"");
		nflags++;
	}
	if (v->repeat) {
		fb_buf_adds(b, nflags++ ? ",\"repeat\"" : "\"repeat\"");
	}
	if (v->burst)
		fb_buf_adds(b, nflags++ ? ",\"burst\"" : "\"burst\"");
	fb_buf_adds(b, "]}");
	if (b->err || fb_rec_set_raw(rec, "rank_factors", b->p, b->len) < 0)
		return -1;
	return 0;
}

/*---- --explain ----*/

static void
explain_line(struct fb_buf *b, const struct policy *p, const struct verdict *v,
    enum factor f)
{
	fb_buf_printf(b, "  %-10s %.2f x %.2f = %.3f  ", factor_names[f],
	    v->part[f], p->weight[f], v->part[f] * p->weight[f]);
}

/* A value from the record for people: control characters dropped. */
static void
explain_str(struct fb_buf *b, const char *s)
{
	fb_buf_add_clean(b, s, strlen(s), SIZE_MAX);
}

static void
explain(struct ranker *rk, const struct fb_pos *pos, const struct item *it,
    const struct verdict *v)
{
	const struct policy *p = &rk->pol;
	struct fb_buf b = { 0 };
	char win[32];

	if (rk->explained++ > 0)
		fb_buf_addc(&b, '\n');
	explain_str(&b, it->id[0] ? it->id : "(no id)");
	fb_buf_printf(&b, " (%s:%lu): %s %s, urgency %.3f\n", pos->file,
	    pos->line, priority_names[v->priority],
	    priority_words[v->priority], v->urgency);

	explain_line(&b, p, v, F_SEVERITY);
	if (v->sev_rule < 0)
		fb_buf_adds(&b, "no tag the policy scores");
	else if (v->sev_tag == NULL)
		fb_buf_printf(&b, "no tags: the policy's '%s' line (%s:%ld)",
		    p->sev[v->sev_rule].pattern, p->path,
		    p->sev[v->sev_rule].line);
	else {
		fb_buf_adds(&b, "worst tag ");
		explain_str(&b, v->sev_tag);
		fb_buf_printf(&b, " (%s:%ld)", p->path, p->sev[v->sev_rule].line);
	}
	if (v->floor != NO_FLOOR) {
		fb_buf_adds(&b, "; ");
		explain_str(&b, v->floor_tag);
		fb_buf_printf(&b, " brings %s on its own%s",
		    priority_names[v->floor], v->floored ? "" :
		    " (already reached)");
	}
	fb_buf_addc(&b, '\n');

	explain_line(&b, p, v, F_NEGATIVITY);
	if (v->neg_from == NULL)
		fb_buf_printf(&b, "%s\n", it->has_sentiment ?
		    "the text is not negative" : "no sentiment or low rating");
	else if (strcmp(v->neg_from, "sentiment") == 0)
		fb_buf_printf(&b, "sentiment %s %.3f\n", it->label, it->score);
	else
		fb_buf_printf(&b, "rating %g of 5\n", it->rating);

	explain_line(&b, p, v, F_EMOTION);
	if (it->emotion[0] == '\0')
		fb_buf_adds(&b, "no strong emotion\n");
	else {
		explain_str(&b, it->emotion);
		fb_buf_addc(&b, '\n');
	}

	explain_line(&b, p, v, F_VALUE);
	if (it->tier_from == NULL && !it->has_spend && v->best_flag == NULL)
		fb_buf_printf(&b, "customer %s unknown%s\n", it->customer[0] ?
		    "value" : "id", rk->customers && it->customer[0] ?
		    " to the customer table too" : "");
	else {
		if (it->tier_from != NULL) {
			fb_buf_adds(&b, "tier ");
			explain_str(&b, it->tier);
			fb_buf_printf(&b, " %.2f (from the %s)", v->tier_score,
			    it->tier_from);
		}
		if (it->has_spend)
			fb_buf_printf(&b, "%sannual spend %.2f scores %.2f%s",
			    it->tier_from ? ", " : "", it->spend,
			    v->spend_score, it->has_spend == 2 ?
			    " (from the table)" : "");
		if (v->best_flag != NULL)
			fb_buf_printf(&b, ", flag %s %.2f", v->best_flag,
			    v->flag_score);
		fb_buf_adds(&b, "; the best counts\n");
	}

	explain_line(&b, p, v, F_HISTORY);
	fb_duration_format(p->history_window, win, sizeof(win));
	fb_buf_printf(&b, "%d earlier complaint%s in %s", v->earlier,
	    v->earlier == 1 ? "" : "s", win);
	if (v->repeat) {
		fb_buf_adds(&b, "; repeat of ");
		explain_str(&b, v->repeat_id[0] ? v->repeat_id :
		    "an earlier item (its id is too long to keep)");
		if (strcmp(v->repeat_why, "tag") == 0)
			fb_buf_printf(&b, " (both %s)", v->repeat_tag);
		else
			fb_buf_adds(&b, " (same order and category)");
		fb_buf_adds(&b, ": a high-care customer");
	}
	if (it->customer[0] == '\0')
		fb_buf_adds(&b, " (no customer id)");
	fb_buf_addc(&b, '\n');

	explain_line(&b, p, v, F_SPREAD);
	fb_buf_adds(&b, "channel ");
	explain_str(&b, it->channel[0] ? it->channel : "unknown");
	fb_buf_printf(&b, " %.2f", v->channel_score);
	if (v->reach_field != NULL)
		fb_buf_printf(&b, ", %s %.0f scores %.2f", v->reach_field,
		    v->reach, v->reach_score);
	if (v->similar > 0) {
		fb_duration_format(p->similar_window, win, sizeof(win));
		fb_buf_printf(&b, ", %d other customer%s complained about the "
		    "same %s in %s (%.2f)", v->similar, v->similar == 1 ? "" :
		    "s", v->similar_field, win, v->similar_score);
	}
	if (v->same_words > 0) {
		fb_duration_format(p->burst_window, win, sizeof(win));
		fb_buf_printf(&b, ", %d other%s posted the same words in %s "
		    "(%.2f)", v->same_words, v->same_words == 1 ? "" : "s",
		    win, v->words_score);
	}
	if (v->burst)
		fb_buf_adds(&b, ": a burst");
	fb_buf_addc(&b, '\n');

	fb_buf_printf(&b, "  urgency %.3f", v->raw_urgency);
	{
		int pr;

		for (pr = 0; pr < 3 && v->raw_urgency < p->threshold[pr]; pr++)
			;
		if (pr < 3)
			fb_buf_printf(&b, " >= %.2f: %s", p->threshold[pr],
			    priority_names[pr]);
		else
			fb_buf_printf(&b, " < %.2f: P3", p->threshold[2]);
		if (v->floored && v->floor != NO_FLOOR) {
			fb_buf_printf(&b, "; raised to %s by tag ",
			    priority_names[v->floor]);
			explain_str(&b, v->floor_tag);
		}
		if (v->raised)
			fb_buf_printf(&b, "; raised %d level%s for the repeat",
			    v->raised, v->raised == 1 ? "" : "s");
		if (v->floored || v->raised)
			fb_buf_printf(&b, " (urgency %.3f)", v->urgency);
	}
	fb_buf_addc(&b, '\n');
	if (!b.err)
		fb_out_write(&fb_stdout, b.p, b.len);
	fb_buf_release(&b);
}

/*---- The record loop ----*/

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct ranker *rk = arg;
	struct item it;
	struct verdict v;

	if (!fb_rec_is_feedback(rec))
		return rk->explain ? FB_DROP : FB_EMIT;
	read_item(rk, rec, &it);
	judge(rk, rec, &it, &v);
	if (rk->explain) {
		if (rk->only_id == NULL || strcmp(rk->only_id, it.id) == 0)
			explain(rk, pos, &it, &v);
		return FB_DROP;
	}
	if (write_fields(rk, rec, &it, &v) < 0) {
		fb_warnx("out of memory");
		return FB_FATAL;
	}
	return FB_EMIT;
}

/* Earlier complaints from the store, oldest first, as if streamed. */
static int
on_stored(void *arg, const char *line, size_t len)
{
	struct ranker *rk = arg;
	struct fb_rec rec;
	struct fb_error err;
	struct item it;

	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, line, len, &err) == 0 && fb_rec_is_feedback(&rec)) {
		read_item(rk, &rec, &it);
		if (it.complaint && it.has_ts) {
			struct verdict v;

			/* skips what the store holds twice, as the stream does */
			memset(&v, 0, sizeof(v));
			if (!score_history(rk, &it, &v))
				remember_complaint(rk, &it);
			remember_similar(rk, &it);
		}
	}
	fb_rec_release(&rec);
	return 0;
}

static void
load_history(struct ranker *rk, const char *dir)
{
	struct fb_store *st;
	struct fb_error err;
	fb_time_t now = fb_time_now(), since;
	int64_t window = rk->pol.history_window > rk->pol.similar_window ?
	    rk->pol.history_window : rk->pol.similar_window;

	if ((st = fb_store_open(dir, 0, NULL, NULL, NULL, &err)) == NULL)
		fb_diex("cannot open the store '%s': %s", dir, err.msg);
	since = now - window;
	if (fb_store_cat(st, since, FB_TIME_MAX, on_stored, rk, &err) < 0)
		fb_diex("cannot read the store '%s': %s", dir, err.msg);
	fb_store_close(st);
}

int
main(int argc, char *argv[])
{
	struct ranker rk;
	struct fb_error err;
	const char *arg, *policy = NULL, *customers = NULL, *history = NULL;
	const char *key_file = NULL;
	struct fb_hmac key;
	char path[4096];
	int opt, status, i;

	fb_cli_init("fb-rank");
	memset(&rk, 0, sizeof(rk));
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'p':
			policy = arg;
			break;
		case OPT_CUSTOMERS:
			customers = arg;
			break;
		case OPT_HISTORY:
			history = arg;
			break;
		case 'e':
			rk.explain = 1;
			break;
		case OPT_ID:
			rk.only_id = arg;
			break;
		case OPT_PSEUDONYMIZE:
			key_file = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (rk.only_id != NULL && !rk.explain)
		fb_diex("--id goes with --explain");
	if (policy == NULL) {
		if (fb_config_find("rank.conf", path, sizeof(path)) < 0) {
			fb_config_not_found(&err, "the policy", "rank.conf");
			fb_diex("%s; name one with -p", err.msg);
		}
		policy = path;
	}
	for (i = 0; fb_taxonomy_tag(i) != NULL; i++)
		if (strcmp(fb_taxonomy_tag(i), "praise") == 0 ||
		    strcmp(fb_taxonomy_tag(i), "other") == 0 ||
		    strncmp(fb_taxonomy_tag(i), "suggestion/", 11) == 0)
			benign_tags |= 1ULL << i;
	if (policy_load(&rk.pol, policy, &err) < 0)
		fb_diex("%s", err.msg);
	if (key_file != NULL && customers == NULL)
		fb_diex("--pseudonymize goes with --customers");
	if (key_file != NULL && fb_hmac_key_load(key_file, &key, &err) < 0)
		fb_diex("%s", err.msg);
	if (customers != NULL && (rk.customers = fb_customers_load_keyed(
	    customers, key_file != NULL ? &key : NULL, &err)) == NULL)
		fb_diex("%s", err.msg);
	rk.history = fb_recent_create(rk.pol.history_size, sizeof(struct past));
	/*
	 * A day of complaints about SKUs, campaigns and words: fewer than a
	 * month's complaints, but each may be remembered under three keys.
	 */
	rk.similar = fb_recent_create(rk.pol.history_size,
	    sizeof(struct similar));
	if (rk.history == NULL || rk.similar == NULL)
		fb_diex("out of memory");
	if (history != NULL)
		load_history(&rk, history);
	status = fb_each_record(argc - optind, argv + optind, on_record, &rk);
	if (rk.explain && rk.only_id != NULL && rk.explained == 0)
		fb_warnx("no feedback item with id '%s'", rk.only_id);

	fb_buf_release(&rk.buf);
	fb_buf_release(&rk.text);
	fb_recent_free(rk.history);
	fb_recent_free(rk.similar);
	fb_customers_free(rk.customers);
	policy_release(&rk.pol);
	return fb_cli_finish(status);
}
