/*
 * sku.c: the sku detector of fb-anomaly -- SKUs whose share of negative
 * feedback is unusually high for their product category (issue 8).
 *
 * Per SKU it counts the items with a sentiment label (n) and the negative
 * ones (k), and keeps the ids of its few most negative items as evidence;
 * nothing else per item, so memory grows with the SKUs, not the records.
 *
 * At the end of the input, per product category (a SKU's is the one
 * most of its items name), empirical-Bayes shrinkage:
 *
 *   - the strength w = a + b of a beta prior for its SKUs' negative rates
 *     is fitted by the method of moments over the SKUs with fit_volume
 *     items or more: their rates' variance less what binomial noise alone
 *     gives is how much the SKUs really differ.  A month holds only a
 *     handful of SKUs with volume per category, so that excess variance
 *     is pooled with all categories' as if the pool were prior_df SKUs;
 *     with nothing to fit, the prior is a weak one (prior_weak);
 *   - the prior's mean, for judging a SKU, is the category's pooled rate
 *     without the SKU's own items (which would pull the bar up to it);
 *   - each SKU's rate is shrunk to (k + a) / (n + a + b), so that a new
 *     SKU with 2 negative reviews of 3 sits near its category, not at 67%;
 *   - the category's mean and standard deviation of the shrunk rates of
 *     the other SKUs with peer_volume items (leave-one-out, so that one
 *     very bad SKU does not raise its own bar) are the baseline; with
 *     fewer than min_peers of them, the prior's own mean and sd.
 *
 * A SKU alarms, the seed rule, when its shrunk rate is above
 * mean + sigmas * sd, with at least min_volume items and min_negative
 * negative ones, and at least min_excess above the mean: among thousands
 * of SKUs some are 2 sd out by chance, and a SKU a few points worse than
 * a uniform category is not news.  The score is the shrunk rate's z-score.
 * Shrinkage was chosen over a Wilson bound because it learns from the
 * category how much its SKUs really differ, and so how far to trust a
 * small count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "fb_cli.h"
#include "anomaly.h"

#define NCAT		4	/* categories counted per SKU (Misra-Gries) */
#define EVIDENCE_MAX	10	/* what an alert can carry */

/* One evidence item: a negative item's id and its sentiment score. */
struct ev {
	double score;
	char *id;
};

struct sku {
	uint64_t n, k;		/* labelled items, negative ones */
	fb_time_t first, last;
	uint32_t cat[NCAT];	/* product categories seen (interned) */
	uint32_t catn[NCAT];	/* and their votes */
	struct ev *ev;		/* most negative first, up to conf.evidence */
	size_t nev;
	uint32_t c;		/* at the end: its category, the most common */
};

/*
 * Sums over a category's SKUs, from which its prior and, for any prior
 * mean, its peers' mean and spread are worked out without going over
 * the SKUs again.
 */
struct cat {
	double n, k;		/* all its SKUs' items, negative ones */
	double fm, fr, fr2, finv;	/* fitting: SKUs, sum of r, r^2, 1/n */
	double w;		/* the prior's strength a + b, in items */
	/*
	 * Peers, with d = n + w: how many, and the sums of k / d, 1 / d,
	 * k^2 / d^2, k / d^2, 1 / d^2.  A peer's shrunk rate under prior
	 * mean u is k / d + u w / d, so the sum of the shrunk rates and of
	 * their squares is a polynomial in u with these coefficients.
	 */
	double pm, s1, s0, q2, q1, q0;
};

/* The [sku] section of the policy; share/fb/anomaly.conf says what each is. */
struct conf {
	double min_volume, min_negative;	/* to alarm at all */
	double sigmas, min_excess;		/* how far above the bar */
	double peer_volume, min_peers;		/* who sets the bar */
	double fit_volume, prior_df;		/* fitting the prior */
	double prior_weak, prior_min, prior_max;	/* its strength */
	double overall_weight, sd_min;
	double sev_medium, sev_high, sev_critical;	/* scores */
	size_t evidence;			/* ids kept per SKU */
};

struct state {
	struct an_run *run;
	struct conf conf;
	struct fb_pool skus;	/* SKU names; number i is v[i - 1] */
	struct fb_pool cats;	/* product category names */
	struct sku *v;
	size_t nv, capv;
};

static void *
sku_create(const struct an_conf *c, struct an_run *run)
{
	struct state *S = fb_xcalloc(1, sizeof(*S));
	struct conf *f = &S->conf;
	double ev;

	S->run = run;
	f->min_volume = an_conf_num(c, "sku", "min_volume", 20);
	f->peer_volume = an_conf_num(c, "sku", "peer_volume", 10);
	f->min_negative = an_conf_num(c, "sku", "min_negative", 5);
	f->sigmas = an_conf_num(c, "sku", "sigmas", 2);
	f->min_excess = an_conf_num(c, "sku", "min_excess", 0.08);
	f->fit_volume = an_conf_num(c, "sku", "fit_volume", 10);
	f->prior_df = an_conf_num(c, "sku", "prior_df", 20);
	f->prior_weak = an_conf_num(c, "sku", "prior_weak", 10);
	f->prior_min = an_conf_num(c, "sku", "prior_min", 20);
	f->prior_max = an_conf_num(c, "sku", "prior_max", 200);
	f->overall_weight = an_conf_num(c, "sku", "overall_weight", 20);
	f->min_peers = an_conf_num(c, "sku", "min_peers", 3);
	f->sd_min = an_conf_num(c, "sku", "sd_min", 0.01);
	f->sev_medium = an_conf_num(c, "sku", "medium", 3);
	f->sev_high = an_conf_num(c, "sku", "high", 5);
	f->sev_critical = an_conf_num(c, "sku", "critical", 8);
	ev = an_conf_num(c, "sku", "evidence", 5);
	f->evidence = ev < 0 ? 0 : ev > EVIDENCE_MAX ? EVIDENCE_MAX :
	    (size_t)ev;
	/* Below two peers their sd is not defined. */
	if (f->min_peers < 2)
		f->min_peers = 2;
	if (f->fit_volume < 1)
		f->fit_volume = 1;
	if (f->prior_df < 0)
		f->prior_df = 0;
	if (f->overall_weight < 0)
		f->overall_weight = 0;
	if (f->prior_weak < 1e-3)
		f->prior_weak = 1e-3;
	if (f->prior_min < 1e-3)
		f->prior_min = 1e-3;
	if (f->prior_max < f->prior_min)
		f->prior_max = f->prior_min;
	return S;
}

/* Counts one more vote for category 'c' (Misra-Gries: NCAT counters). */
static void
sku_vote(struct sku *s, uint32_t c)
{
	size_t i;

	for (i = 0; i < NCAT; i++)
		if (s->catn[i] > 0 && s->cat[i] == c) {
			s->catn[i]++;
			return;
		}
	for (i = 0; i < NCAT; i++)
		if (s->catn[i] == 0) {
			s->cat[i] = c;
			s->catn[i] = 1;
			return;
		}
	/* All taken: every counter loses one, so a rare one frees its slot. */
	for (i = 0; i < NCAT; i++)
		s->catn[i]--;
}

/* Keeps the item as evidence when it is among the most negative so far. */
static void
sku_keep(struct sku *s, size_t max, const char *id, double score)
{
	size_t i;

	if (max == 0 || id == NULL)
		return;
	if (s->nev == max && score >= s->ev[max - 1].score)
		return;		/* ties: the earlier item stays */
	if (s->ev == NULL)
		s->ev = fb_xcalloc(max, sizeof(*s->ev));
	if (s->nev == max)
		free(s->ev[--s->nev].id);
	for (i = s->nev; i > 0 && s->ev[i - 1].score > score; i--)
		s->ev[i] = s->ev[i - 1];
	s->ev[i].score = score;
	s->ev[i].id = fb_xstrdup(id);
	s->nev++;
}

static int
sku_item(void *state, const struct an_item *it)
{
	struct state *S = state;
	struct sku *s;
	uint32_t k;
	int neg;

	if (it->sku == NULL || it->sku[0] == '\0' || it->sentiment == NULL)
		return 0;
	k = fb_xintern(&S->skus, it->sku, strlen(it->sku));
	if (k > S->nv) {
		if (k > S->capv) {
			size_t cap = S->capv ? S->capv * 2 : 256;

			S->v = fb_xrealloc(S->v, cap, sizeof(*S->v));
			memset(S->v + S->capv, 0,
			    (cap - S->capv) * sizeof(*S->v));
			S->capv = cap;
		}
		S->nv = k;
		S->v[k - 1].first = it->ts;
		S->v[k - 1].last = it->ts;
	}
	s = &S->v[k - 1];
	neg = strcmp(it->sentiment, "negative") == 0;
	s->n++;
	s->k += neg;
	if (it->ts < s->first)
		s->first = it->ts;
	if (it->ts > s->last)
		s->last = it->ts;
	if (it->product_category != NULL && it->product_category[0] != '\0')
		sku_vote(s, fb_xintern(&S->cats, it->product_category,
		    strlen(it->product_category)));
	if (neg)
		sku_keep(s, S->conf.evidence, it->id, it->sentiment_score);
	return 0;
}

/* The category with the most votes, 0 (none) when there were none. */
static uint32_t
sku_category(const struct sku *s)
{
	uint32_t best = 0, bestn = 0;
	size_t i;

	for (i = 0; i < NCAT; i++)
		if (s->catn[i] > bestn) {
			best = s->cat[i];
			bestn = s->catn[i];
		}
	return best;
}

static double
clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * The excess variance of a category's SKU rates over what binomial noise
 * alone would give them (method of moments): how much its SKUs really
 * differ.  Sets '*df' to its degrees of freedom (0: none).
 */
static double
cat_excess(const struct cat *c, double *df)
{
	double m, s2, noise;

	*df = c->fm - 1;
	if (c->fm < 2)
		return 0;
	m = c->fr / c->fm;
	s2 = (c->fr2 - c->fm * m * m) / (c->fm - 1);
	noise = m * (1 - m) * c->finv / c->fm;
	return s2 - noise;
}

/*
 * The strength a + b of the category's beta prior.  A beta of mean m and
 * variance t2 has a + b = m (1 - m) / t2 - 1.  A month of data gives a
 * category only a handful of SKUs with volume, too few for t2 alone, so
 * its t2 is pooled with all categories' ('pool', with 'pooldf' degrees
 * of freedom) as if the pool were worth prior_df SKUs.  No excess
 * variance means the SKUs are alike: the strongest prior; nothing to fit
 * at all, a weak one.
 */
static double
cat_strength(const struct conf *f, const struct cat *c, double pool,
    double pooldf)
{
	double df, t2, m, w0 = f->prior_df;

	t2 = cat_excess(c, &df);
	if (df < 1)
		df = 0;
	if (pooldf < 1)
		w0 = 0;
	if (df + w0 <= 0 || c->n <= 0)
		return f->prior_weak;
	t2 = (df * t2 + w0 * pool) / (df + w0);
	m = clamp(c->k / c->n, 1e-3, 1 - 1e-3);
	if (t2 <= 0)
		return f->prior_max;
	return clamp(m * (1 - m) / t2 - 1, f->prior_min, f->prior_max);
}

/*
 * The prior mean for judging SKU 's': its category's pooled rate without
 * its own items (which would pull the bar up to it), with overall_weight
 * items' worth of the rate over all categories (again without it) for
 * categories with few items.
 */
static double
sku_mean(const struct conf *f, const struct cat *c, double gn, double gk,
    const struct sku *s)
{
	double on = gn - (double)s->n, ok = gk - (double)s->k, g;

	g = on > 0 ? ok / on : 0.5;
	on = c->n - (double)s->n;
	ok = c->k - (double)s->k;
	if (on + f->overall_weight <= 0)
		return g;
	return clamp((ok + f->overall_weight * g) / (on + f->overall_weight),
	    1e-3, 1 - 1e-3);
}

static const char *
severity(const struct conf *f, double z)
{
	if (z >= f->sev_critical)
		return "critical";
	if (z >= f->sev_high)
		return "high";
	if (z >= f->sev_medium)
		return "medium";
	return "low";
}

/* An alarm found at the end, to be raised in order of score. */
struct hit {
	size_t i;
	double shrunk, mean, sd, z, w;
	size_t peers;
};

static const struct fb_pool *hit_names;	/* for qsort's comparison */

static int
hit_cmp(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;

	if (a->z != b->z)
		return a->z > b->z ? -1 : 1;
	return strcmp(fb_pool_str(hit_names, (uint32_t)a->i + 1),
	    fb_pool_str(hit_names, (uint32_t)b->i + 1));
}

static int
sku_raise(struct state *S, const struct hit *h)
{
	const struct conf *f = &S->conf;
	const struct sku *s = &S->v[h->i];
	const char *name = fb_pool_str(&S->skus, (uint32_t)h->i + 1);
	const char *cat = fb_pool_str(&S->cats, s->c);
	const char *ids[EVIDENCE_MAX];
	struct an_alert a;
	char summary[512];
	double rate = (double)s->k / (double)s->n;
	size_t i;

	for (i = 0; i < s->nev; i++)
		ids[i] = s->ev[i].id;
	snprintf(summary, sizeof(summary), "%s (%s): %llu of %llu items "
	    "negative (%.0f%%, %.1f%% after shrinkage), against %.1f%% "
	    "+/- %.1f%% for its category", name, cat ? cat : "no category",
	    (unsigned long long)s->k, (unsigned long long)s->n, 100 * rate,
	    100 * h->shrunk, 100 * h->mean, 100 * h->sd);
	memset(&a, 0, sizeof(a));
	a.detector = "sku";
	a.key = json_pack("{s:s, s:s?}", "sku", name,
	    "product_category", cat);
	a.since = s->first;
	a.until = s->last;
	a.observed = h->shrunk;
	a.expected = h->mean;
	a.spread = h->sd;
	a.score = h->z;
	a.severity = severity(f, h->z);
	a.evidence = ids;
	a.nevidence = s->nev;
	a.summary = summary;
	a.extra = json_pack("{s:I, s:I, s:f, s:I, s:f}",
	    "negative", (json_int_t)s->k, "count", (json_int_t)s->n,
	    "rate", round(rate * 1e4) / 1e4, "peers", (json_int_t)h->peers,
	    "prior_weight", round(h->w * 10) / 10);
	if (a.key == NULL || a.extra == NULL)
		fb_diex("out of memory");
	return an_emit(S->run, &a);
}

/*
 * Judges SKU 's' of category 'c' against its peers; 1 when it alarms,
 * with 'h' filled in.
 */
static int
sku_judge(const struct conf *f, const struct cat *c, double gn, double gk,
    const struct sku *s, struct hit *h)
{
	double n = (double)s->n, k = (double)s->k, w = c->w, u, d;
	double pm = c->pm, s1 = c->s1, s0 = c->s0, q2 = c->q2, q1 = c->q1;
	double q0 = c->q0, sum, sum2;

	if (n < f->min_volume || k < f->min_negative)
		return 0;
	u = sku_mean(f, c, gn, gk, s);
	h->shrunk = (k + u * w) / (n + w);
	/* When it is a peer itself, it is left out. */
	if (n >= f->peer_volume) {
		d = n + w;
		pm -= 1;
		s1 -= k / d;
		s0 -= 1 / d;
		q2 -= k * k / (d * d);
		q1 -= k / (d * d);
		q0 -= 1 / (d * d);
	}
	if (pm >= f->min_peers) {
		sum = s1 + u * w * s0;
		sum2 = q2 + 2 * u * w * q1 + u * u * w * w * q0;
		h->mean = sum / pm;
		h->sd = sqrt(fmax(0, (sum2 - pm * h->mean * h->mean) /
		    (pm - 1)));
	} else {
		/* Too few peers: the prior's own mean and spread. */
		h->mean = u;
		h->sd = sqrt(u * (1 - u) / (w + 1));
	}
	h->sd = fmax(h->sd, f->sd_min);
	h->z = (h->shrunk - h->mean) / h->sd;
	h->w = w;
	h->peers = pm > 0 ? (size_t)(pm + 0.5) : 0;
	return h->shrunk > h->mean + f->sigmas * h->sd &&
	    h->shrunk > h->mean + f->min_excess;
}

static int
sku_finish(void *state)
{
	struct state *S = state;
	const struct conf *f = &S->conf;
	size_t ncat = S->cats.n + 1, i, nhit = 0;
	struct cat *cats = fb_xcalloc(ncat, sizeof(*cats));
	struct hit *hits = NULL, h;
	double gn = 0, gk = 0, pool = 0, pooldf = 0, t2, df;
	int rc = 0;

	/* The sums per category for fitting. */
	for (i = 0; i < S->nv; i++) {
		struct sku *s = &S->v[i];
		struct cat *c = &cats[s->c = sku_category(s)];
		double n = (double)s->n, r = (double)s->k / n;

		c->n += n;
		c->k += (double)s->k;
		gn += n;
		gk += (double)s->k;
		if (n >= f->fit_volume) {
			c->fm++;
			c->fr += r;
			c->fr2 += r * r;
			c->finv += 1 / n;
		}
	}
	/* The excess variance pooled over categories, then each prior. */
	for (i = 0; i < ncat; i++) {
		t2 = cat_excess(&cats[i], &df);
		if (df >= 1) {
			pool += df * t2;
			pooldf += df;
		}
	}
	if (pooldf > 0)
		pool /= pooldf;
	for (i = 0; i < ncat; i++)
		cats[i].w = cat_strength(f, &cats[i], pool, pooldf);

	/* The peers' sums under their category's prior strength. */
	for (i = 0; i < S->nv; i++) {
		struct sku *s = &S->v[i];
		struct cat *c = &cats[s->c];
		double n = (double)s->n, k = (double)s->k, d = n + c->w;

		if (n < f->peer_volume)
			continue;
		c->pm++;
		c->s1 += k / d;
		c->s0 += 1 / d;
		c->q2 += k * k / (d * d);
		c->q1 += k / (d * d);
		c->q0 += 1 / (d * d);
	}

	for (i = 0; i < S->nv; i++) {
		if (!sku_judge(f, &cats[S->v[i].c], gn, gk, &S->v[i], &h))
			continue;
		h.i = i;
		hits = fb_xrealloc(hits, nhit + 1, sizeof(*hits));
		hits[nhit++] = h;
	}
	hit_names = &S->skus;
	if (nhit > 1)
		qsort(hits, nhit, sizeof(*hits), hit_cmp);
	for (i = 0; i < nhit && rc == 0; i++)
		rc = sku_raise(S, &hits[i]);
	free(hits);
	free(cats);
	return rc;
}

static void
sku_destroy(void *state)
{
	struct state *S = state;
	size_t i, j;

	if (S == NULL)
		return;
	for (i = 0; i < S->nv; i++) {
		for (j = 0; j < S->v[i].nev; j++)
			free(S->v[i].ev[j].id);
		free(S->v[i].ev);
	}
	free(S->v);
	fb_pool_release(&S->skus);
	fb_pool_release(&S->cats);
	free(S);
}

const struct an_detector an_sku = {
	"sku", sku_create, sku_item, sku_finish, sku_destroy
};
