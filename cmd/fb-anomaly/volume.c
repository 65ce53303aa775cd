/*
 * volume: complaints per key per hour against a baseline that knows the
 * calendar (issue 8).
 *
 * Two questions are asked of every hour, once it is over:
 *
 *   - Is one key (province x category, channel, category, ... as the
 *     policy's `keys` says) taking more of the hour's complaints than it
 *     usually does?  Its expected count is its usual odds against all
 *     other complaints times the other complaints of this very hour:
 *     E = s / (1 - s) * (T - c).  The hour's own total carries the
 *     hour-of-week rhythm, holidays and promotions, so a weekday-evening
 *     peak or a double-11 peak, which lifts every key together, is no
 *     alarm, while one region's surge is; and the key's own surge does
 *     not raise its own expectation (that is why it is the rest, T - c,
 *     and not T).  The share s is pooled over the trailing `window` days,
 *     the hours flagged for the key left out, with a pseudo-count `prior`
 *     at the even share 1/keys so that a sparse or new key is not
 *     expected at exactly 0.  (A median of daily shares is more robust
 *     but is 0 for most province x category keys, which would make every
 *     complaint of theirs an alarm; leaving flagged hours out does the
 *     work of robustness here.)
 *
 *   - Is the platform as a whole complaining more than usual?  The total
 *     of the hour against the mean of the same hour of the week over the
 *     trailing `weeks`, blended with the mean of the same hour of the day
 *     (weight `prior_weeks` weeks) so that the first weeks have a
 *     baseline, times the calendar's lift: `promotion_lift` on the
 *     policy's `promotions` days (a date may carry its own:
 *     2026-11-11:4), `holiday_lift` on `holidays`.  Promotion and holiday
 *     days are kept out of this baseline.
 *
 * Counts are negative binomial, never a normal z-score, which is wrong
 * at small counts: the predictive of a Poisson count whose rate was
 * learnt from n complaints is negative binomial with shape n
 * (Gamma-Poisson), variance mean + mean^2 / n, so a rarely seen key is
 * trusted less; `shape` (`total_shape`) caps n, for the wobble that no
 * history removes.  An hour is anomalous when -log10 P(X >= observed)
 * >= `threshold`, observed - expected >= `min_excess` and observed >=
 * `min_count`, either alone or summed with the `span` hours before it
 * (a broad, slow surge is striking in no single hour).  Anomalous hours
 * of a key run together into one alert, which stays open until `hold`
 * hours pass without one, so a flapping series alerts once; the alert is
 * raised when its run closes, or at the end of the input.  Anomalous
 * hours, hours above expectation scoring `keep_out`, and those above
 * expectation inside an open run are kept out of the baseline, so an
 * incident does not teach the model that it is normal.
 *
 * Memory: per key one ring of hourly counts over the trailing days and
 * the ids of the hours not yet judged (at most 10 each), and at most
 * `max_keys` keys: bounded by keys and window, not by items read.  Items
 * should come roughly in time order (fb-store cat, fb-gen); an hour is
 * judged `lateness` hours after it ends, later items still count into
 * the baseline, and items older than the ring are ignored.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "fb_cli.h"

#define HOUR_MS		3600000LL
#define EVID		10	/* ids kept per hour and per alert */
#define MAX_FIELDS	3	/* fields of one key type */
#define MAX_TYPES	16
#define MAX_CAL		256	/* calendar days */
#define MAX_SPAN	24	/* hours summed for a slow surge */

enum field {
	F_PROVINCE, F_CITY, F_CATEGORY, F_CHANNEL, F_SKU, F_PCAT, F_NFIELDS
};

/* The policy's names for fields; "region" is the province. */
static const struct {
	const char *word, *member;
	enum field f;
} field_names[] = {
	{ "region", "province", F_PROVINCE },
	{ "province", "province", F_PROVINCE },
	{ "city", "city", F_CITY },
	{ "category", "category", F_CATEGORY },
	{ "channel", "channel", F_CHANNEL },
	{ "sku", "sku", F_SKU },
	{ "product_category", "product_category", F_PCAT },
};

struct ktype {
	int nf;
	enum field f[MAX_FIELDS];
	size_t nkeys;		/* keys seen of this type: the even share */
};

/* The ids of one hour not judged yet. */
struct pend {
	int64_t hour;
	int n;
	char *id[EVID];
};

/* An open alert: a run of anomalous hours. */
struct arun {
	int on;
	int64_t since, until;	/* hours; 'until' is past the last anomalous */
	int quiet;		/* hours since the last anomalous one */
	int hours;		/* anomalous hours */
	double obs, exp;	/* summed over the anomalous hours */
	double best, peak_obs, peak_exp, share;
	double shape;		/* the least of its hours' */
	int64_t peak;
	int calendar;		/* bit 1 promotion, bit 2 holiday */
	char *ev[EVID];
	int nev;
};

/* The hourly counts of a key (or of the total) and its open alert. */
struct series {
	uint32_t *cnt;		/* ring: complaints per hour */
	uint8_t *flag;		/* ring: kept out of the baseline */
	struct pend *pend;	/* ring of npend */
	struct arun run;
	/* the last hours judged, for the test over `span` hours */
	int64_t wh[MAX_SPAN];
	float wc[MAX_SPAN], we[MAX_SPAN];
};

struct vkey {
	int type;
	uint32_t v[MAX_FIELDS];	/* interned field values */
	uint64_t hash;
	struct series s;
};

struct calday {
	int64_t day;		/* local days since 1970-01-01 */
	double lift;
	int kind;		/* 1 promotion, 2 holiday */
};

struct volume {
	struct an_run *run;
	const struct fb_zone *zone;

	/* the policy */
	struct ktype types[MAX_TYPES];
	int ntypes;
	int window_h, weeks_h, hold, lateness, min_history_h, total, span;
	int complaints_only;
	double threshold, keep_out, shape, tshape, min_count, min_excess;
	double prior;
	double prior_weeks;
	size_t max_keys;
	struct calday cal[MAX_CAL];
	int ncal;

	/* the clock */
	int started;
	int64_t first;		/* the first hour seen */
	int64_t hi;		/* the latest hour opened */
	int64_t next_eval;	/* the first hour not judged */

	/* per hour of the ring */
	int R;			/* ring hours */
	int npend;		/* pending hours per series */
	int64_t *hour_of;	/* which hour a slot holds, or -1 */
	int16_t *how;		/* local hour of the week, 0 = Monday 0h */
	int8_t *hod;		/* local hour of the day */
	uint8_t *calkind;	/* 0, 1 promotion, 2 holiday */
	float *lift;

	struct series tot;
	double tot_exp;		/* the total model's for this hour, or -1 */
	struct vkey **keys;	/* in order of creation */
	size_t nkeys;
	struct vkey **slot;	/* open addressing */
	size_t nslot;
	struct fb_pool pool;
	int warned;
};

/*---- Tail probabilities ----*/

/*---- Keys ----*/

static uint64_t
key_hash(int type, const uint32_t *v)
{
	uint32_t buf[1 + MAX_FIELDS];
	uint64_t h[2];

	buf[0] = (uint32_t)type;
	memcpy(buf + 1, v, sizeof(uint32_t) * MAX_FIELDS);
	fb_hash128(buf, sizeof(buf), 0x766f6c75, h);
	return h[0];
}

static void
series_init(struct volume *st, struct series *s)
{
	int i;

	s->cnt = fb_xcalloc((size_t)st->R, sizeof(*s->cnt));
	s->flag = fb_xcalloc((size_t)st->R, sizeof(*s->flag));
	s->pend = fb_xcalloc((size_t)st->npend, sizeof(*s->pend));
	for (i = 0; i < st->npend; i++)
		s->pend[i].hour = -1;
	for (i = 0; i < MAX_SPAN; i++)
		s->wh[i] = -1;
}

static void
pend_clear(struct pend *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		free(p->id[i]);
	p->n = 0;
}

static void
run_clear(struct arun *r)
{
	int i;

	for (i = 0; i < r->nev; i++)
		free(r->ev[i]);
	memset(r, 0, sizeof(*r));
}

static void
series_release(struct volume *st, struct series *s)
{
	int i;

	if (s->pend != NULL)
		for (i = 0; i < st->npend; i++)
			pend_clear(&s->pend[i]);
	run_clear(&s->run);
	free(s->cnt);
	free(s->flag);
	free(s->pend);
}

static void
grow_slots(struct volume *st)
{
	struct vkey **old = st->slot;
	size_t oldn = st->nslot, i, j;

	st->nslot = oldn ? oldn * 2 : 256;
	st->slot = fb_xcalloc(st->nslot, sizeof(*st->slot));
	for (i = 0; i < oldn; i++) {
		if (old[i] == NULL)
			continue;
		for (j = old[i]->hash & (st->nslot - 1); st->slot[j] != NULL;
		    j = (j + 1) & (st->nslot - 1))
			;
		st->slot[j] = old[i];
	}
	free(old);
}

/* The key of 'type' with values 'v', made when new; NULL past max_keys. */
static struct vkey *
key_get(struct volume *st, int type, const uint32_t *v)
{
	uint64_t h = key_hash(type, v);
	struct vkey *k;
	size_t j;

	if (st->nslot != 0)
		for (j = h & (st->nslot - 1); (k = st->slot[j]) != NULL;
		    j = (j + 1) & (st->nslot - 1))
			if (k->hash == h && k->type == type &&
			    memcmp(k->v, v, sizeof(k->v)) == 0)
				return k;
	if (st->nkeys >= st->max_keys) {
		if (!st->warned)
			fb_warning("volume: more than %zu keys; the rest are "
			    "not watched (raise volume.max_keys)",
			    st->max_keys);
		st->warned = 1;
		return NULL;
	}
	if ((st->nkeys + 1) * 2 > st->nslot)
		grow_slots(st);
	k = fb_xcalloc(1, sizeof(*k));
	k->type = type;
	memcpy(k->v, v, sizeof(k->v));
	k->hash = h;
	series_init(st, &k->s);
	for (j = h & (st->nslot - 1); st->slot[j] != NULL;
	    j = (j + 1) & (st->nslot - 1))
		;
	st->slot[j] = k;
	st->keys = fb_xrealloc(st->keys, st->nkeys + 1, sizeof(*st->keys));
	st->keys[st->nkeys++] = k;
	st->types[type].nkeys++;
	return k;
}

static const char *
item_field(const struct an_item *it, enum field f)
{
	switch (f) {
	case F_PROVINCE:
		return it->province;
	case F_CITY:
		return it->city;
	case F_CATEGORY:
		return it->category;
	case F_CHANNEL:
		return it->channel;
	case F_SKU:
		return it->sku;
	case F_PCAT:
		return it->product_category;
	default:
		return NULL;
	}
}

static const char *
field_member(enum field f)
{
	size_t i;

	for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
		if (field_names[i].f == f)
			return field_names[i].member;
	return "?";
}

/*---- The policy ----*/

/* "region+category" into a key type; exits on an unknown field. */
static void
parse_type(struct volume *st, const char *word)
{
	struct ktype *t;
	char *copy = fb_xstrdup(word), *w, *save = NULL;
	size_t i;

	if (st->ntypes >= MAX_TYPES)
		fb_diex("volume: more than %d key types", MAX_TYPES);
	t = &st->types[st->ntypes];
	memset(t, 0, sizeof(*t));
	for (w = strtok_r(copy, "+", &save); w != NULL;
	    w = strtok_r(NULL, "+", &save)) {
		for (i = 0; i < sizeof(field_names) / sizeof(field_names[0]);
		    i++)
			if (strcmp(field_names[i].word, w) == 0)
				break;
		if (i == sizeof(field_names) / sizeof(field_names[0]))
			fb_diex("volume: keys: unknown field '%s' (region, "
			    "province, city, category, channel, sku, "
			    "product_category)", w);
		if (t->nf >= MAX_FIELDS)
			fb_diex("volume: keys: '%s' has more than %d fields",
			    word, MAX_FIELDS);
		t->f[t->nf++] = field_names[i].f;
	}
	free(copy);
	if (t->nf > 0)
		st->ntypes++;
}

/* "2026-11-11" or "2026-11-11:4" (a lift of its own) into the calendar. */
static void
parse_days(struct volume *st, const char *const *words, int kind,
    double dflt)
{
	int y, m, d, n;
	double lift;
	char *end;

	for (; words != NULL && *words != NULL; words++) {
		n = 0;
		if (sscanf(*words, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
		    m < 1 || m > 12 || d < 1 || d > 31)
			fb_diex("volume: %s: '%s' is not a date YYYY-MM-DD"
			    "[:LIFT]", kind == 1 ? "promotions" : "holidays",
			    *words);
		lift = dflt;
		if ((*words)[n] == ':') {
			lift = strtod(*words + n + 1, &end);
			if (end == *words + n + 1 || *end != '\0' ||
			    !(lift > 0))
				fb_diex("volume: '%s': the lift after ':' must "
				    "be a positive number", *words);
		} else if ((*words)[n] != '\0')
			fb_diex("volume: '%s' is not a date YYYY-MM-DD[:LIFT]",
			    *words);
		if (st->ncal >= MAX_CAL)
			fb_diex("volume: more than %d promotion and holiday "
			    "days", MAX_CAL);
		st->cal[st->ncal].day = fb_days_from_civil(y, m, d);
		st->cal[st->ncal].lift = lift;
		st->cal[st->ncal].kind = kind;
		st->ncal++;
	}
}

static double
conf_range(const struct an_conf *c, const char *key, double dflt, double lo,
    double hi)
{
	double v = an_conf_num(c, "volume", key, dflt);

	if (!(v >= lo && v <= hi))
		fb_diex("volume: %s must be between %g and %g, not %g", key,
		    lo, hi, v);
	return v;
}

static void *
volume_create(const struct an_conf *conf, struct an_run *run)
{
	struct volume *st = fb_xcalloc(1, sizeof(*st));
	const char *const *w;
	double window, weeks, hist;
	int days, i;

	st->run = run;
	st->zone = an_zone(run);
	if ((w = an_conf_words(conf, "volume", "keys")) == NULL) {
		static const char *const dflt[] = { "region+category",
		    "channel", "category", NULL };
		w = dflt;
	}
	for (; *w != NULL; w++)
		parse_type(st, *w);
	window = conf_range(conf, "window", 14, 1, 120);
	weeks = conf_range(conf, "weeks", 4, 1, 17);
	hist = conf_range(conf, "min_history", 3, 0, 120);
	st->window_h = (int)(window * 24);
	st->weeks_h = (int)(weeks * 7 * 24);
	st->min_history_h = (int)(hist * 24);
	st->total = conf_range(conf, "total", 1, 0, 1) != 0;
	st->complaints_only = conf_range(conf, "complaints", 1, 0, 1) != 0;
	st->threshold = conf_range(conf, "threshold", 7, 0, 1e6);
	st->keep_out = conf_range(conf, "keep_out", 3, 0, 1e6);
	st->shape = conf_range(conf, "shape", 30, 0.1, 1e9);
	st->tshape = conf_range(conf, "total_shape", 100, 0.1, 1e9);
	st->min_count = conf_range(conf, "min_count", 5, 0, 1e9);
	st->min_excess = conf_range(conf, "min_excess", 5, 0, 1e9);
	st->prior = conf_range(conf, "prior", 1, 0, 1e6);
	st->prior_weeks = conf_range(conf, "prior_weeks", 1, 0, 100);
	st->hold = (int)conf_range(conf, "hold", 6, 0, 24 * 30);
	st->lateness = (int)conf_range(conf, "lateness", 1, 0, 48);
	st->span = (int)conf_range(conf, "span", 6, 1, MAX_SPAN);
	st->max_keys = (size_t)conf_range(conf, "max_keys", 5000, 1, 1e7);
	parse_days(st, an_conf_words(conf, "volume", "promotions"), 1,
	    conf_range(conf, "promotion_lift", 2, 0.01, 1000));
	parse_days(st, an_conf_words(conf, "volume", "holidays"), 2,
	    conf_range(conf, "holiday_lift", 1, 0.01, 1000));

	/* the ring outlives both baselines and the hours waiting judgement */
	days = (st->window_h > st->weeks_h ? st->window_h : st->weeks_h) / 24;
	st->R = (days + 2) * 24 + st->lateness;
	st->npend = st->lateness + st->span + 2;
	st->hour_of = fb_xcalloc((size_t)st->R, sizeof(*st->hour_of));
	st->how = fb_xcalloc((size_t)st->R, sizeof(*st->how));
	st->hod = fb_xcalloc((size_t)st->R, sizeof(*st->hod));
	st->calkind = fb_xcalloc((size_t)st->R, sizeof(*st->calkind));
	st->lift = fb_xcalloc((size_t)st->R, sizeof(*st->lift));
	for (i = 0; i < st->R; i++)
		st->hour_of[i] = -1;
	series_init(st, &st->tot);
	return st;
}

static void
volume_destroy(void *state)
{
	struct volume *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nkeys; i++) {
		series_release(st, &st->keys[i]->s);
		free(st->keys[i]);
	}
	series_release(st, &st->tot);
	free(st->keys);
	free(st->slot);
	free(st->hour_of);
	free(st->how);
	free(st->hod);
	free(st->calkind);
	free(st->lift);
	fb_pool_release(&st->pool);
	free(st);
}

/*---- Alerts ----*/

static const char *
severity(const struct volume *st, double score)
{
	if (score >= 10 * st->threshold)
		return "critical";
	if (score >= 3 * st->threshold)
		return "high";
	return "medium";
}

/* Raises the alert of the run of 'k' (NULL: the total) and closes it. */
static int
emit_run(struct volume *st, struct vkey *k, struct series *s)
{
	struct arun *r = &s->run;
	struct an_alert a;
	struct fb_buf sum = { 0 };
	json_t *key, *extra;
	char tb[FB_TIME_BUFSZ];
	const struct ktype *t;
	int i, rc;

	memset(&a, 0, sizeof(a));
	key = json_object();
	if (k == NULL) {
		json_object_set_new(key, "scope", json_string("all"));
		fb_buf_adds(&sum, "all complaints");
	} else {
		t = &st->types[k->type];
		for (i = 0; i < t->nf; i++) {
			json_object_set_new(key, field_member(t->f[i]),
			    json_string(fb_pool_str(&st->pool, k->v[i])));
			if (i > 0)
				fb_buf_adds(&sum, " / ");
			fb_buf_adds(&sum, fb_pool_str(&st->pool, k->v[i]));
		}
	}
	fb_time_format(r->peak * HOUR_MS, tb);
	fb_buf_printf(&sum, ": %.0f complaints in %d anomalous hour%s, %.1f "
	    "expected; peak %.0f against %.1f at %s", r->obs, r->hours,
	    r->hours == 1 ? "" : "s", r->exp, r->peak_obs, r->peak_exp, tb);
	if (r->calendar & 1)
		fb_buf_adds(&sum, " (a promotion day)");
	else if (r->calendar & 2)
		fb_buf_adds(&sum, " (a holiday)");
	fb_buf_addc(&sum, '\0');
	if (sum.err)
		fb_diex("out of memory");

	extra = json_object();
	json_object_set_new(extra, "hours", json_integer(r->hours));
	json_object_set_new(extra, "peak_at", json_string(tb));
	json_object_set_new(extra, "peak_observed", json_real(r->peak_obs));
	json_object_set_new(extra, "peak_expected",
	    json_real(round(r->peak_exp * 1000) / 1000));
	json_object_set_new(extra, "peak_score",
	    json_real(round(r->best * 100) / 100));
	json_object_set_new(extra, "baseline", json_string(k == NULL ?
	    "hour-of-week" : "share"));
	if (k != NULL)
		json_object_set_new(extra, "share",
		    json_real(round(r->share * 1e5) / 1e5));
	if (r->calendar)
		json_object_set_new(extra, "calendar", json_string(
		    (r->calendar & 1) ? "promotion" : "holiday"));

	a.detector = "volume";
	a.key = key;
	a.since = r->since * HOUR_MS;
	a.until = r->until * HOUR_MS;
	a.observed = r->obs;
	a.expected = r->exp;
	a.spread = sqrt(r->exp + r->exp * r->exp / r->shape);
	/*
	 * the run as a whole: one tail over its summed counts, with the
	 * shape of its least certain hour, as the hours share one baseline
	 */
	a.score = an_tail_score(r->obs, r->exp, r->shape);
	a.severity = severity(st, a.score);
	a.evidence = (const char *const *)r->ev;
	a.nevidence = (size_t)r->nev;
	a.summary = sum.p;
	a.extra = extra;
	rc = an_emit(st->run, &a);
	fb_buf_release(&sum);
	run_clear(r);
	return rc;
}

/* Moves the ids of hour 'h' into the run's evidence, first when 'lead'. */
static void
take_evidence(struct volume *st, struct series *s, int64_t h, int lead)
{
	struct pend *p = &s->pend[h % st->npend];
	struct arun *r = &s->run;
	char *ev[EVID];
	int n = 0, i;

	if (p->hour != h)
		return;
	if (lead) {
		for (i = 0; i < p->n && n < EVID; i++)
			ev[n++] = p->id[i];
		for (i = 0; i < r->nev; i++)
			if (n < EVID)
				ev[n++] = r->ev[i];
			else
				free(r->ev[i]);
	} else {
		for (i = 0; i < r->nev; i++)
			ev[n++] = r->ev[i];
		for (i = 0; i < p->n; i++)
			if (n < EVID)
				ev[n++] = p->id[i];
			else
				free(p->id[i]);
	}
	p->n = 0;
	memcpy(r->ev, ev, sizeof(ev[0]) * (size_t)n);
	r->nev = n;
}

/*
 * -log10 P over the last `span` hours of 's' up to 'h', summed, or 0
 * when one of them went unjudged (a sparse key: the hourly test is its).
 */
static double
span_score(const struct volume *st, const struct series *s, int64_t h,
    double shape, double *sc, double *se)
{
	int i, j;

	*sc = *se = 0;
	for (i = 0; i < st->span; i++) {
		j = (int)((h - i) % MAX_SPAN);
		if (s->wh[j] != h - i)
			return 0;
		*sc += s->wc[j];
		*se += s->we[j];
	}
	return an_tail_score(*sc, *se, shape);
}

/*
 * One hour of a series judged: 'c' seen, 'e' expected (< 0: no
 * baseline yet), 'shape' how far 'e' is trusted.  Extends, starts or
 * holds its run, and raises the alert when the run has been quiet for
 * `hold` hours.  An hour is anomalous on its own, or as the end of
 * `span` hours that are together (a slow, broad surge: a platform
 * complaining twice as much all day is not striking in any one hour).
 */
static int
step(struct volume *st, struct vkey *k, struct series *s, int64_t h,
    double c, double e, double shape, double share)
{
	struct arun *r = &s->run;
	int slot = (int)(h % st->R), w = (int)(h % MAX_SPAN), anomalous = 0;
	int by_span = 0, i, j;
	double score = 0, wscore, sc, se;

	s->wh[w] = e >= 0 ? h : -1;
	s->wc[w] = (float)c;
	s->we[w] = (float)e;
	if (e >= 0 && c > e) {
		score = an_tail_score(c, e, shape);
		anomalous = score >= st->threshold && c >= st->min_count &&
		    c - e >= st->min_excess;
		if (!anomalous && st->span > 1) {
			wscore = span_score(st, s, h, shape, &sc, &se);
			anomalous = by_span = wscore >= st->threshold &&
			    sc >= st->min_count && sc - se >= st->min_excess;
			score = fmax(score, wscore);
		}
		if (k == NULL && !st->total)
			anomalous = 0;
	}
	if (anomalous) {
		s->flag[slot] = 1;
		if (!r->on) {
			r->on = 1;
			r->since = h;
			r->shape = shape;
			/* a slow surge began at the span's first high hour */
			for (i = st->span - 1; by_span && i > 0; i--) {
				j = (int)((h - i) % MAX_SPAN);
				if (s->wc[j] <= s->we[j])
					continue;
				if (r->hours == 0)
					r->since = h - i;
				s->flag[(h - i) % st->R] = 1;
				r->hours++;
				r->obs += s->wc[j];
				r->exp += s->we[j];
				take_evidence(st, s, h - i, 0);
			}
		}
		if (shape < r->shape)
			r->shape = shape;
		r->until = h + 1;
		r->quiet = 0;
		r->hours++;
		r->obs += c;
		r->exp += e;
		r->share = share;
		if (st->calkind[slot])
			r->calendar |= st->calkind[slot];
		if (score > r->best) {
			r->best = score;
			r->peak = h;
			r->peak_obs = c;
			r->peak_exp = e;
			take_evidence(st, s, h, 1);
		} else
			take_evidence(st, s, h, 0);
		return 0;
	}
	/*
	 * hours that look wrong but not enough to alarm, and the tails of an
	 * incident, stay out of the baseline too, or a rising surge would
	 * teach it that the surge is normal before it crosses the threshold
	 */
	if (e >= 0 && c > e && (score >= st->keep_out || r->on))
		s->flag[slot] = 1;
	if (!r->on)
		return 0;
	if (++r->quiet >= st->hold || st->hold == 0)
		return emit_run(st, k, s);
	return 0;
}

/*---- Judging an hour ----*/

static int
judge_total(struct volume *st, int64_t h)
{
	int slot = (int)(h % st->R), j, nw = 0, nd = 0;
	double sw = 0, sd = 0, c = st->tot.cnt[slot], e, shape;
	int64_t x, lo = h - st->weeks_h;

	if (lo < st->first)
		lo = st->first;
	for (x = h - 1; x >= lo; x--) {
		j = (int)(x % st->R);
		if (st->hour_of[j] != x || st->tot.flag[j] || st->calkind[j])
			continue;
		if (st->hod[j] != st->hod[slot])
			continue;
		sd += st->tot.cnt[j];
		nd++;
		if (st->how[j] == st->how[slot]) {
			sw += st->tot.cnt[j];
			nw++;
		}
	}
	/* warming up: too few days to know the rhythm */
	st->tot_exp = -1;
	if (nd == 0 || nd * 24 < st->min_history_h)
		return step(st, NULL, &st->tot, h, c, -1, 0, 0);
	e = (sw + st->prior_weeks * sd / nd) / (nw + st->prior_weeks);
	/* Gamma-Poisson again: the complaints the baseline rests on */
	shape = fmin(sw + st->prior_weeks * sd / nd, st->tshape);
	e *= st->lift[slot];
	st->tot_exp = e;
	return step(st, NULL, &st->tot, h, c, e, fmax(shape, 1), 0);
}

static int
judge_key(struct volume *st, struct vkey *k, int64_t h)
{
	struct series *s = &k->s;
	int slot = (int)(h % st->R), j;
	double c = s->cnt[slot], t = st->tot.cnt[slot], cs = 0, ns = 0;
	double s0, odds, share, e, shape;
	int64_t x, lo = h - st->window_h;

	/* an empty hour is no surge: spare the baseline's sums */
	if (c == 0 || h - st->first < st->min_history_h)
		return step(st, k, s, h, c, -1, 0, 0);
	if (lo < st->first)
		lo = st->first;
	for (x = h - 1; x >= lo; x--) {
		j = (int)(x % st->R);
		if (st->hour_of[j] != x || s->flag[j])
			continue;
		cs += s->cnt[j];
		ns += st->tot.cnt[j];
	}
	s0 = 1.0 / (double)(st->types[k->type].nkeys + 1);
	/* odds against the rest, with 'prior' complaints at the even share */
	odds = (cs + st->prior) / (ns - cs + st->prior * (1 - s0) / s0);
	share = odds / (1 + odds);
	/*
	 * The predictive of a Poisson count whose rate is known from 'cs'
	 * complaints is negative binomial with shape cs (Gamma-Poisson), so
	 * a key seen rarely is trusted less; 'shape' caps the trust, for
	 * the day-to-day wobble of shares that no amount of history removes.
	 */
	shape = fmin(cs + st->prior, st->shape);
	/* a key that is nearly everything is the total's job */
	if (share > 0.9)
		return step(st, k, s, h, c, -1, 0, share);
	/*
	 * In a quiet hour the rest may be nearly nothing by chance (five
	 * complaints at 3 a.m., all of one category); then the total model's
	 * rest stands in, so that an hour is never expected to be empty.
	 */
	e = odds * fmax(t - c, st->tot_exp * (1 - share));
	return step(st, k, s, h, c, e, shape, share);
}

static int
judge(struct volume *st, int64_t h)
{
	size_t i;

	if (st->hour_of[h % st->R] != h)
		return 0;
	st->tot_exp = -1;
	if (judge_total(st, h) < 0)
		return -1;
	for (i = 0; i < st->nkeys; i++) {
		struct vkey *k = st->keys[i];

		if (k->s.cnt[h % st->R] == 0 && !k->s.run.on)
			continue;
		if (judge_key(st, k, h) < 0)
			return -1;
	}
	return 0;
}

/* The local hour of the week and calendar day of hour 'h'. */
static void
open_hour(struct volume *st, int64_t h)
{
	int slot = (int)(h % st->R), i;
	struct fb_civil c;
	int64_t day;
	size_t k;

	st->hour_of[slot] = h;
	st->tot.cnt[slot] = 0;
	st->tot.flag[slot] = 0;
	for (k = 0; k < st->nkeys; k++) {
		st->keys[k]->s.cnt[slot] = 0;
		st->keys[k]->s.flag[slot] = 0;
	}
	if (st->zone != NULL)
		fb_zone_civil(st->zone, h * HOUR_MS, &c);
	else {
		int64_t y;

		memset(&c, 0, sizeof(c));
		fb_civil_from_days(h / 24, &y, &c.mon, &c.day);
		c.year = (int)y;
		c.hour = (int)(h % 24);
		/* 1970-01-01 was a Thursday */
		c.wday = (int)((h / 24 + 4) % 7);
	}
	st->hod[slot] = (int8_t)c.hour;
	st->how[slot] = (int16_t)(((c.wday + 6) % 7) * 24 + c.hour);
	st->calkind[slot] = 0;
	st->lift[slot] = 1;
	day = fb_days_from_civil(c.year, c.mon, c.day);
	for (i = 0; i < st->ncal; i++)
		if (st->cal[i].day == day) {
			st->calkind[slot] = (uint8_t)st->cal[i].kind;
			st->lift[slot] = (float)st->cal[i].lift;
			break;
		}
}

/* The stream has reached hour 'h': judge the hours that are over. */
static int
advance(struct volume *st, int64_t h)
{
	int64_t x;
	size_t k;

	if (h - st->hi > st->R) {
		/* a gap longer than the ring: finish what is held */
		for (x = st->hi + 1; x <= st->hi + st->R; x++) {
			while (st->next_eval + 1 + st->lateness <= x)
				if (judge(st, st->next_eval++) < 0)
					return -1;
			open_hour(st, x);
		}
		if (st->tot.run.on && emit_run(st, NULL, &st->tot) < 0)
			return -1;
		for (k = 0; k < st->nkeys; k++)
			if (st->keys[k]->s.run.on &&
			    emit_run(st, st->keys[k], &st->keys[k]->s) < 0)
				return -1;
		for (x = 0; x < st->R; x++)
			st->hour_of[x] = -1;
		st->first = st->next_eval = h;
		st->hi = h - 1;
	}
	for (x = st->hi + 1; x <= h; x++) {
		while (st->next_eval + 1 + st->lateness <= x)
			if (judge(st, st->next_eval++) < 0)
				return -1;
		open_hour(st, x);
	}
	st->hi = h;
	return 0;
}

static void
pend_add(struct volume *st, struct series *s, int64_t h, const char *id)
{
	struct pend *p = &s->pend[h % st->npend];

	if (p->hour != h) {
		pend_clear(p);
		p->hour = h;
	}
	if (p->n < EVID && id != NULL)
		p->id[p->n++] = fb_xstrdup(id);
}

static int
volume_item(void *state, const struct an_item *it)
{
	struct volume *st = state;
	uint32_t v[MAX_FIELDS];
	const char *val;
	struct vkey *k;
	int64_t h;
	int slot, t, i, judged;

	/* before 1970 is no feedback anyone has; it keeps hours >= 0 */
	if ((st->complaints_only && !it->complaint) || it->ts < 0)
		return 0;
	h = it->ts / HOUR_MS;
	if (!st->started) {
		st->started = 1;
		st->first = st->next_eval = h;
		st->hi = h - 1;
	}
	if (h > st->hi && advance(st, h) < 0)
		return -1;
	slot = (int)(h % st->R);
	if (h < st->first || st->hour_of[slot] != h)
		return 0;	/* older than the ring holds */
	judged = h < st->next_eval;
	st->tot.cnt[slot]++;
	if (!judged)
		pend_add(st, &st->tot, h, it->id);
	for (t = 0; t < st->ntypes; t++) {
		memset(v, 0, sizeof(v));
		for (i = 0; i < st->types[t].nf; i++) {
			val = item_field(it, st->types[t].f[i]);
			if (val == NULL || val[0] == '\0')
				break;
			v[i] = fb_xintern(&st->pool, val, strlen(val));
		}
		if (i < st->types[t].nf || (k = key_get(st, t, v)) == NULL)
			continue;
		k->s.cnt[slot]++;
		if (!judged)
			pend_add(st, &k->s, h, it->id);
	}
	return 0;
}

static int
volume_finish(void *state)
{
	struct volume *st = state;
	size_t k;

	if (!st->started)
		return 0;
	while (st->next_eval <= st->hi)
		if (judge(st, st->next_eval++) < 0)
			return -1;
	if (st->tot.run.on && emit_run(st, NULL, &st->tot) < 0)
		return -1;
	for (k = 0; k < st->nkeys; k++)
		if (st->keys[k]->s.run.on &&
		    emit_run(st, st->keys[k], &st->keys[k]->s) < 0)
			return -1;
	return 0;
}

const struct an_detector an_volume = {
	"volume", volume_create, volume_item, volume_finish, volume_destroy
};
