/*
 * trend.c: the trend detector of fb-anomaly -- a complaint tag, or a
 * top-level category, whose share of the feedback keeps growing month
 * after month (issue 8: over min_growth, 10%, for `months`, 3, running).
 *
 * Per problem tag of the taxonomy and per problem category (the part of
 * a tag before '/'), it counts the items of each local day in a ring of
 * RING days, with the day's total of items; and it keeps the ids of the
 * last few items of each, as evidence.  Memory is keys x days: fixed.
 *
 * At the end of the input the days are grouped into periods: calendar
 * months when the data covers `months` whole months or more, else
 * `period`-day periods (10) counted from the first day, so that a month
 * of data still shows a trend (a period shorter when even that gives
 * fewer than three).  A period counts when items came on half its days.
 * A key's level in a period is its share of all items, not its count, so
 * that busier months do not look like growth; and robust to a day or two
 * of spike (a logistics surge, a burst on Weibo), so that they do not
 * look like a month of growth either: a day's count is capped near what
 * the period's median day says (e + cap sqrt(e) + 3), and no day weighs
 * more than the median day's items (see level()).
 *
 * For each run of three periods or more that ends with the last period,
 * with min_count items of the key in every period (so that 1 -> 2 is not
 * +100%), the log of the share is fitted against the period by weighted
 * least squares (weights the counts: Poisson variance, times the
 * dispersion the tags show, see dispersion()).  The run alarms when
 *   - its total growth, exp(slope x periods) - 1 from the start of its
 *     first period to the end of its last, is at least
 *     (1 + min_growth)^months - 1 (33.1%): three months of 10% each, or
 *     fb-gen's 52.1% in a month;
 *   - its growth per month is at least min_growth, so that a long run
 *     of slow growth is not three months of 10%;
 *   - the slope is min_z standard errors above 0;
 *   - over two steps neither falls, over three at most one ("one month
 *     short"); longer runs of 10-day periods leave it to the z-score.
 * The classic rule, every one of the last `months` month-over-month
 * steps over min_growth, is a special case of the first two (it gives
 * 46% over four months); the alert says which held ("rule").  Of a
 * key's runs the one with the highest z is reported.  A category is not
 * reported when one of its tags is: the tag says more.
 *
 * observed is the run's total growth; expected and spread are the mean
 * and standard deviation of the same run's growth over the other tags
 * with min_count items, and score is (observed - expected) / spread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "fb_cli.h"
#include "anomaly.h"

#define RING		400	/* days remembered: 13 months and more */
#define NCAT		16	/* problem categories (7 in the taxonomy) */
#define NKEY		(FB_TAXONOMY_NTAGS + NCAT)
#define EVIDENCE	8	/* last ids kept per key */
#define MAXBIN		16	/* periods looked at, the last ones */
#define DAYS_MONTH	30.4375

struct key {
	char *ev[EVIDENCE];	/* a ring of the last ids */
	size_t nev;		/* ids seen, for the ring's position */
	uint32_t day[RING];	/* items per day (slot day % RING) */
};

struct conf {
	double min_growth, months, period, min_count, min_z, cap, high;
	double dispersion;	/* estimate it (1) or take Poisson's (0) */
};

/* A period: local days [d0, d1). */
struct bin {
	int d0, d1;
	double n;		/* items in it */
};

/* What a key's best run came to. */
struct run {
	int fitted;		/* min_count items in every period */
	int ok;
	int i;			/* its first period */
	double slope, z, growth, monthly;
	double chi2;		/* of the fit: sum of w (y - fitted)^2 */
	int every_step;		/* the classic rule held too */
};

struct state {
	struct an_run *run;
	struct conf conf;
	struct key *keys;	/* NKEY: tags by taxonomy index, categories */
	char cats[NCAT][32];	/* category names, "" when free */
	uint32_t total[RING];	/* all items per day */
	int slot_day[RING];	/* the day a slot holds */
	int first, last;	/* local days seen */
	int any;
};

static void *
trend_create(const struct an_conf *c, struct an_run *run)
{
	struct state *S = fb_xcalloc(1, sizeof(*S));
	struct conf *f = &S->conf;
	size_t i;

	S->run = run;
	S->keys = fb_xcalloc(NKEY, sizeof(*S->keys));
	f->min_growth = an_conf_num(c, "trend", "min_growth", 0.10);
	f->months = an_conf_num(c, "trend", "months", 3);
	f->period = an_conf_num(c, "trend", "period", 10);
	f->min_count = an_conf_num(c, "trend", "min_count", 20);
	f->min_z = an_conf_num(c, "trend", "min_z", 2.5);
	f->cap = an_conf_num(c, "trend", "cap", 3);
	f->dispersion = an_conf_num(c, "trend", "dispersion", 1);
	f->high = an_conf_num(c, "trend", "high", 1.0);
	if (f->months < 1)
		f->months = 1;
	if (f->period < 1)
		f->period = 1;
	for (i = 0; i < RING; i++)
		S->slot_day[i] = INT32_MIN;
	return S;
}

/* The key of the category of 'tag' ("logistics/delay": "logistics"). */
static int
cat_key(struct state *S, const char *tag)
{
	const char *slash = strchr(tag, '/');
	size_t n = slash != NULL ? (size_t)(slash - tag) : strlen(tag);
	int i;

	if (n == 0 || n >= sizeof(S->cats[0]))
		return -1;
	for (i = 0; i < NCAT; i++) {
		if (S->cats[i][0] == '\0') {
			memcpy(S->cats[i], tag, n);
			S->cats[i][n] = '\0';
			return FB_TAXONOMY_NTAGS + i;
		}
		if (strncmp(S->cats[i], tag, n) == 0 && S->cats[i][n] == '\0')
			return FB_TAXONOMY_NTAGS + i;
	}
	return -1;
}

/* The ring slot of 'day', emptied when it held an older day. */
static size_t
slot(struct state *S, int day)
{
	size_t s = (size_t)(((day % RING) + RING) % RING), k;

	if (S->slot_day[s] != day) {
		S->slot_day[s] = day;
		S->total[s] = 0;
		for (k = 0; k < NKEY; k++)
			S->keys[k].day[s] = 0;
	}
	return s;
}

static void
count(struct state *S, int k, size_t s, const char *id)
{
	struct key *K = &S->keys[k];
	size_t e = K->nev++ % EVIDENCE;

	K->day[s]++;
	free(K->ev[e]);
	K->ev[e] = fb_xstrdup(id);
}

static int
trend_item(void *state, const struct an_item *it)
{
	struct state *S = state;
	int seen[NKEY] = { 0 };
	size_t s, i;
	int k;

	if (!S->any) {
		S->first = S->last = it->local_day;
		S->any = 1;
	}
	/* Out of order by more than the ring: too old to count. */
	if (it->local_day <= S->last - RING)
		return 0;
	if (it->local_day > S->last)
		S->last = it->local_day;
	if (it->local_day < S->first)
		S->first = it->local_day;
	s = slot(S, it->local_day);
	S->total[s]++;
	if (!it->complaint)
		return 0;
	for (i = 0; i < it->ntags; i++) {
		if (!fb_taxonomy_problem(it->tags[i]))
			continue;
		k = fb_taxonomy_index(it->tags[i], strlen(it->tags[i]));
		if (k >= 0 && !seen[k]) {
			seen[k] = 1;
			count(S, k, s, it->id);
		}
		k = cat_key(S, it->tags[i]);
		if (k >= 0 && !seen[k]) {
			seen[k] = 1;
			count(S, k, s, it->id);
		}
	}
	return 0;
}

/* Items of day 'd' (0 when the ring no longer holds it). */
static uint32_t
day_n(const struct state *S, const uint32_t *v, int d)
{
	size_t s = (size_t)(((d % RING) + RING) % RING);

	return S->slot_day[s] == d ? v[s] : 0;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Key k's level in bin b: its share of the items, robust to a day or two
 * of spike, so that they do not look like a month of growth.  A day's
 * count is capped near what the bin's median day says (e + cap sqrt(e)
 * + 3): a surge of this key.  And the day weighs at most as much as the
 * median day's items: a burst of other keys, which makes a busy day of
 * small shares of this one.  The effective count goes to '*cnt', the
 * count itself to '*raw'.
 */
static double
level(const struct state *S, int k, const struct bin *b, double *cnt,
    double *raw)
{
	double sh[40], tot[40], med, medt, e, c, w, n = 0;
	size_t nd = 0;
	uint32_t t;
	int d;

	*cnt = *raw = 0;
	for (d = b->d0; d < b->d1 && nd < sizeof(sh) / sizeof(sh[0]); d++)
		if ((t = day_n(S, S->total, d)) > 0) {
			*raw += day_n(S, S->keys[k].day, d);
			tot[nd] = t;
			sh[nd++] = (double)day_n(S, S->keys[k].day, d) / t;
		}
	if (nd == 0)
		return 0;
	med = median(sh, nd);
	medt = median(tot, nd);
	for (d = b->d0; d < b->d1; d++) {
		if ((t = day_n(S, S->total, d)) == 0)
			continue;
		e = med * t;
		c = day_n(S, S->keys[k].day, d);
		if (S->conf.cap > 0 && c > e + S->conf.cap * sqrt(e) + 3)
			c = e + S->conf.cap * sqrt(e) + 3;
		w = t < medt ? t : medt;
		*cnt += c * w / t;
		n += w;
	}
	return n > 0 ? *cnt / n : 0;
}

/* Days of bin b with items. */
static int
covered(const struct state *S, const struct bin *b)
{
	int d, n = 0;

	for (d = b->d0; d < b->d1; d++)
		n += day_n(S, S->total, d) > 0;
	return n;
}

/*
 * The periods, oldest first, the last MAXBIN of them at most; returns
 * how many and sets '*width' to their length in days.
 */
static size_t
make_bins(const struct state *S, struct bin *bins, double *width)
{
	struct bin all[RING];
	size_t n = 0, whole = 0, i, keep;
	int d0 = S->first > S->last - RING + 1 ? S->first : S->last - RING + 1;
	int d1 = S->last + 1, d, p;
	int64_t y;
	int mon, day;

	/* Calendar months, when enough of them are whole. */
	d = d0;
	while (d < d1) {
		int start, next;

		fb_civil_from_days(d, &y, &mon, &day);
		start = (int)fb_days_from_civil(y, mon, 1);
		next = (int)(mon == 12 ? fb_days_from_civil(y + 1, 1, 1) :
		    fb_days_from_civil(y, mon + 1, 1));
		all[n].d0 = start;
		all[n].d1 = next;
		if (start >= d0 && next <= d1)
			whole++;
		n++;
		d = next;
	}
	*width = DAYS_MONTH;
	if ((double)whole < S->conf.months) {
		/* Periods from the first day; shorter when too few. */
		p = (int)S->conf.period;
		if ((d1 - d0) / p < 3 && (d1 - d0) >= 9)
			p = (d1 - d0) / 3;
		if (p > 40)
			p = 40;	/* level()'s days */
		n = 0;
		for (d = d0; d < d1; d += p) {
			all[n].d0 = d;
			all[n].d1 = d + p;
			n++;
		}
		*width = p;
	}
	keep = 0;
	for (i = 0; i < n; i++) {
		all[i].n = 0;
		for (d = all[i].d0; d < all[i].d1; d++)
			all[i].n += day_n(S, S->total, d);
		if (2 * covered(S, &all[i]) >= all[i].d1 - all[i].d0)
			all[keep++] = all[i];
	}
	if (keep == 0)
		return 0;
	/* Only a run of consecutive periods ending with the last is used. */
	i = keep - 1;
	while (i > 0 && all[i - 1].d1 == all[i].d0)
		i--;
	if (keep - i > MAXBIN)
		i = keep - MAXBIN;
	memcpy(bins, all + i, (keep - i) * sizeof(*bins));
	return keep - i;
}

/*
 * Fits log share against the period over bins [i, nb) and judges the
 * run; 'lv' and 'cn' are the key's levels and counts.
 */
static void
fit(const struct conf *f, double phi, const double *lv, const double *cn,
    size_t i, size_t nb, double width, struct run *r)
{
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, w, x, y, den, n;
	double need, step_need, se;
	size_t j, falls = 0, steps_ok = 0;

	memset(r, 0, sizeof(*r));
	r->i = (int)i;
	for (j = i; j < nb; j++) {
		if (cn[j] < f->min_count || lv[j] <= 0)
			return;
		w = cn[j];
		x = (double)(j - i);
		y = log(lv[j]);
		sw += w;
		sx += w * x;
		sy += w * y;
		sxx += w * x * x;
		sxy += w * x * y;
	}
	den = sw * sxx - sx * sx;
	if (den <= 0)
		return;
	n = (double)(nb - i);
	r->fitted = 1;
	r->slope = (sw * sxy - sx * sy) / den;
	se = sqrt(phi * sw / den);
	for (j = i; j < nb; j++) {
		y = log(lv[j]) - ((sy - r->slope * sx) / sw +
		    r->slope * (double)(j - i));
		r->chi2 += cn[j] * y * y;
	}
	r->z = r->slope / se;
	r->growth = expm1(r->slope * n);
	r->monthly = expm1(r->slope * DAYS_MONTH / width);
	need = pow(1 + f->min_growth, f->months) - 1;
	step_need = pow(1 + f->min_growth, width / DAYS_MONTH) - 1;
	for (j = i + 1; j < nb; j++) {
		if (lv[j] <= lv[j - 1])
			falls++;
		if (lv[j] / lv[j - 1] - 1 >= step_need)
			steps_ok++;
		else
			steps_ok = 0;
	}
	/* The classic rule: the last `months` months each over min_growth. */
	r->every_step = (double)steps_ok * width >= f->months * DAYS_MONTH - 1;
	r->ok = r->growth >= need && r->monthly >= f->min_growth &&
	    r->z >= f->min_z && falls <= (nb - i - 1 == 2 ? 0u :
	    nb - i - 1 == 3 ? 1u : nb);
}

/* Mean and sd of the growth of the other tags over bins [i, nb). */
static void
peers(const struct state *S, double phi, double lv[][MAXBIN],
    double cn[][MAXBIN], size_t i, size_t nb, double width, int self,
    double *mean, double *sd)
{
	struct run r;
	double m = 0, s = 0, s2 = 0;
	int k;

	for (k = 0; k < FB_TAXONOMY_NTAGS; k++) {
		if (k == self)
			continue;
		fit(&S->conf, phi, lv[k], cn[k], i, nb, width, &r);
		if (!r.fitted)
			continue;
		m++;
		s += r.growth;
		s2 += r.growth * r.growth;
	}
	*mean = m > 0 ? s / m : 0;
	*sd = m > 1 ? sqrt(fmax(0, (s2 - m * *mean * *mean) / (m - 1))) : 0;
	if (*sd < 0.01)
		*sd = 0.01;
}

/*
 * How much more the tags' shares wander from period to period than
 * Poisson counts would (quasi-Poisson dispersion, at least 1): the
 * median over the tags with min_count items in every period of the
 * chi-square of a straight-line fit over all periods per degree of
 * freedom, over the median of chi-square itself (Wilson-Hilferty).  The
 * median, so that the one growing tag does not set it.  Standard errors
 * are multiplied by its square root.  fb-gen's calendar (the October
 * holiday, promotions) makes it 2 to 4 at 60000 items a month.
 */
static double
dispersion(const struct state *S, double lv[][MAXBIN], double cn[][MAXBIN],
    size_t nb, double width)
{
	double v[FB_TAXONOMY_NTAGS], df = (double)nb - 2, m;
	struct run r;
	size_t n = 0;
	int k;

	/* One degree of freedom says too little: Poisson, for 3 periods. */
	if (df < 2)
		return 1;
	for (k = 0; k < FB_TAXONOMY_NTAGS; k++) {
		fit(&S->conf, 1, lv[k], cn[k], 0, nb, width, &r);
		if (r.fitted)
			v[n++] = r.chi2 / df;
	}
	if (n < 5)
		return 1;
	m = median(v, n) / pow(1 - 2 / (9 * df), 3);
	return m > 1 ? m : 1;
}

static fb_time_t
day_start(const struct state *S, int day)
{
	fb_time_t t = 0;

	fb_zone_instant(an_zone(S->run), 1970, 1, 1 + day, 0, 0, 0, &t);
	return t;
}

static int
raise_alert(struct state *S, int k, const struct run *r,
    const struct bin *bins, size_t nb, double lv[][MAXBIN],
    double cn[][MAXBIN], double raw[][MAXBIN], double width)
{
	struct key *K = &S->keys[k];
	const char *ev[EVIDENCE];
	const char *name;
	struct an_alert a;
	json_t *periods;
	char tb[FB_TIME_BUFSZ], sum[256];
	double mean, sd;
	size_t j, n;
	/* the last period may run past the data: the alert stops with it */
	int end = bins[nb - 1].d1 < S->last + 1 ? bins[nb - 1].d1 :
	    S->last + 1;

	memset(&a, 0, sizeof(a));
	peers(S, 1, lv, cn, (size_t)r->i, nb, width, k, &mean, &sd);
	if (k < FB_TAXONOMY_NTAGS) {
		name = fb_taxonomy_tag(k);
		a.key = json_pack("{s:s}", "tag", name);
	} else {
		name = S->cats[k - FB_TAXONOMY_NTAGS];
		a.key = json_pack("{s:s}", "category", name);
	}
	periods = json_array();
	for (j = (size_t)r->i; j < nb; j++) {
		fb_time_format(day_start(S, bins[j].d0), tb);
		json_array_append_new(periods, json_pack("{s:s, s:i, s:f}",
		    "start", tb, "count", (json_int_t)raw[k][j], "share",
		    round(lv[k][j] * 1e5) / 1e5));
	}
	a.extra = json_pack("{s:o, s:s, s:f, s:f, s:s}", "periods", periods,
	    "period", width == DAYS_MONTH ? "month" : "days",
	    "monthly_growth", round(r->monthly * 1e4) / 1e4,
	    "z", round(r->z * 100) / 100,
	    "rule", r->every_step ? "every_step" : "total");
	if (a.key == NULL || a.extra == NULL)
		fb_diex("out of memory");
	if (width != DAYS_MONTH)
		json_object_set_new(a.extra, "period_days",
		    json_integer((json_int_t)width));
	/* newest first */
	n = K->nev < EVIDENCE ? K->nev : EVIDENCE;
	for (j = 0; j < n; j++)
		ev[j] = K->ev[(K->nev - 1 - j) % EVIDENCE];
	a.detector = "trend";
	a.since = day_start(S, bins[r->i].d0);
	a.until = day_start(S, end);
	a.observed = r->growth;
	a.expected = mean;
	a.spread = sd;
	a.score = (r->growth - mean) / sd;
	a.severity = r->growth >= S->conf.high ? "high" : "medium";
	a.evidence = ev;
	a.nevidence = n;
	snprintf(sum, sizeof(sum), "%s %s: its share grew %.0f%% in %.0f days "
	    "(%.0f%% a month)", k < FB_TAXONOMY_NTAGS ? "tag" : "category",
	    name, r->growth * 100, (double)(end - bins[r->i].d0),
	    r->monthly * 100);
	a.summary = sum;
	return an_emit(S->run, &a);
}

static int
trend_finish(void *state)
{
	struct state *S = state;
	struct bin bins[MAXBIN];
	double (*lv)[MAXBIN], (*cn)[MAXBIN], (*raw)[MAXBIN];
	struct run best[NKEY], r;
	int tagged[NCAT] = { 0 };
	double width, phi;
	size_t nb, i, j;
	int k, c, rc = 0;

	if (!S->any)
		return 0;
	nb = make_bins(S, bins, &width);
	if (nb < 3)
		return 0;
	lv = fb_xcalloc(NKEY, sizeof(*lv));
	cn = fb_xcalloc(NKEY, sizeof(*cn));
	raw = fb_xcalloc(NKEY, sizeof(*raw));
	for (k = 0; k < NKEY; k++)
		for (j = 0; j < nb; j++)
			lv[k][j] = level(S, k, &bins[j], &cn[k][j],
			    &raw[k][j]);
	phi = S->conf.dispersion > 0 ? dispersion(S, lv, cn, nb, width) : 1;
	for (k = 0; k < NKEY; k++) {
		memset(&best[k], 0, sizeof(best[k]));
		for (i = 0; i + 3 <= nb; i++) {
			fit(&S->conf, phi, lv[k], cn[k], i, nb, width, &r);
			if (r.ok && (!best[k].ok || r.z > best[k].z))
				best[k] = r;
		}
		if (k < FB_TAXONOMY_NTAGS && best[k].ok &&
		    (c = cat_key(S, fb_taxonomy_tag(k))) >= FB_TAXONOMY_NTAGS)
			tagged[c - FB_TAXONOMY_NTAGS] = 1;
	}
	for (k = 0; k < NKEY && rc == 0; k++) {
		if (!best[k].ok || (k >= FB_TAXONOMY_NTAGS &&
		    tagged[k - FB_TAXONOMY_NTAGS]))
			continue;
		rc = raise_alert(S, k, &best[k], bins, nb, lv, cn, raw, width);
	}
	free(lv);
	free(cn);
	free(raw);
	return rc;
}

static void
trend_destroy(void *state)
{
	struct state *S = state;
	size_t k, j;

	if (S == NULL)
		return;
	for (k = 0; k < NKEY; k++)
		for (j = 0; j < EVIDENCE; j++)
			free(S->keys[k].ev[j]);
	free(S->keys);
	free(S);
}

const struct an_detector an_trend = {
	"trend", trend_create, trend_item, trend_finish, trend_destroy
};
