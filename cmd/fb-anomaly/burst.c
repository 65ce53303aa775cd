/*
 * burst.c: fb-anomaly's burst detector -- many near-identical complaints
 * in a short window, the group incident or the PR crisis that copies one
 * post across Weibo and Douyin within the hour.
 *
 * Each complaint's text is normalised (whitespace, punctuation, emoji,
 * #hashtags#, @mentions and forward prefixes such as "转发微博" or "RT"
 * dropped: the small edits of people who copy a post), cut into
 * 3-code-point shingles (Chinese is not segmented, so characters are the
 * words) and summarised by a MinHash signature of NHASH minimums.  LSH
 * over NBAND bands of NROW rows finds earlier complaints that probably
 * share most shingles; the estimated Jaccard similarity (equal minimums
 * over NHASH) confirms them (`threshold`), and the new complaint joins
 * their cluster, else starts its own.  When it matches complaints of
 * two clusters, these were one text all along and are merged.
 *
 * Only the last `window` of complaints is kept, in a ring by time: a
 * cluster's size is the weight of its complaints still in the ring
 * (social ones count `social_weight`), so copies spread over a day never
 * add up.  A cluster with nothing left in the ring has gone quiet and is
 * forgotten -- unless its text repeated (two complaints or more): some
 * texts recur all the time ("请问怎么修改绑定的手机号？" from a hundred
 * customers a day is no incident), so those are remembered, by up to
 * MAX_REP signatures in a second LSH table, for `memory` after their
 * last complaint, and a text that comes back wakes with its history.
 * Memory is thus bounded by the complaints of one window and the
 * repeated texts of `memory`, never by the records read.
 *
 * The expected size of a cluster in the window is its share of all the
 * complaints before the window times the complaints in it (so the hour
 * of the day and the season are allowed for); for a new text, the
 * background: the mean peak size of the clusters that went quiet
 * without alarming (about 1.2 to 1.6 on fb-gen data).
 *
 * A cluster alarms once per episode (until it goes quiet), the moment
 * its weighted size reaches `min_size`, `min_ratio` times the expected
 * size and a score of `min_score`, with at least `min_customers`
 * distinct customers: alerting early is the point, within the hour.
 * Since is its oldest complaint in the window, until the one that
 * crossed; the score is -log10 of the Poisson chance of reaching the
 * size from the expected one.
 *
 * The first window of the input has no history: a text that is simply
 * common can alarm there, so feed a day or more before the time of
 * interest.  Input is taken to be in time order; a complaint older than
 * the window behind the latest one is ignored.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "fb.h"
#include "fb_cli.h"

/* 16 bands of 4 rows: a pair at Jaccard 0.6 is a candidate 89% of the time */
#define NHASH		64	/* MinHash minimums per text */
#define NBAND		16	/* LSH bands */
#define NROW		(NHASH / NBAND)
#define MAX_CPS		2000	/* a copied post is short; cut a pasted log */
#define CLIP_CPS	60	/* the key's text */
#define NEVIDENCE	10
#define MAX_MENTION	30	/* code points of an @name */
#define MAX_HASHTAG	40	/* code points between the #s of a #topic# */
#define PRIOR_CLUSTERS	30	/* quiet clusters before their mean counts */
#define MAX_REP		8	/* signatures a remembered text keeps */
#define REP_NEW		0.8	/* one less like all of them is another */

/* One complaint in the window. */
struct entry {
	fb_time_t ts;
	uint32_t cluster;	/* index into burst.cl */
	uint32_t channel;	/* number in burst.names, 0 for none */
	uint64_t customer;	/* hash of the customer id, else the item id */
	double weight;
	int social;
	char *id;
	char *text;		/* the words as written, clipped to CLIP_CPS */
	uint32_t sig[NHASH];
};

struct cluster {
	double weight;		/* of its complaints in the window */
	double peak;		/* the most 'weight' has been this episode */
	double next_check;	/* weight at which to count customers again */
	double total;		/* weight of all its complaints ever */
	size_t items;		/* its complaints in the window */
	uint64_t count;		/* all its complaints ever */
	fb_time_t born, last;	/* first and latest complaint */
	double traffic_born;	/* burst.traffic when it was born */
	uint32_t gen;		/* bumped when the slot is reused */
	int used, alerted;
	uint32_t next_free;	/* free list, when !used */
	/*
	 * Signatures it is known by when it comes back: its first
	 * complaint's, and those of complaints unlike all kept so far (a
	 * template filled with another product), MAX_REP at most.
	 */
	uint32_t (*rep)[NHASH];
	uint32_t nrep;
};

/*
 * An LSH table: a band's key to the latest complaint with it (seq1 is
 * the ring sequence + 1), or to a remembered cluster's signature (seq1
 * is its index + 1, gen its generation, rep the signature's index);
 * seq1 0 for an empty slot.
 */
struct slot {
	uint64_t key;
	uint64_t seq1;
	uint32_t gen, rep;
};

struct table {
	struct slot *s;
	size_t cap, used;
};

struct burst {
	struct an_run *run;
	int64_t window;		/* ms */
	int64_t memory;		/* ms a repeated text is remembered */
	double threshold, min_size, min_customers, social_weight, min_chars;
	double min_ratio, min_score;
	char window_word[32];

	fb_time_t now;		/* the latest ts seen */
	double traffic;		/* weight of all complaints so far */
	double in_window;	/* weight of the complaints in the ring */
	struct entry *ring;	/* seq s at ring[s & (cap - 1)] */
	size_t cap;		/* a power of 2 */
	uint64_t head, tail;	/* oldest live seq, next seq */

	struct table tab;	/* band keys of the complaints in the window */
	struct table rtab;	/* band keys of repeated clusters */

	struct cluster *cl;
	size_t ncl, clcap;
	uint32_t cl_free;	/* UINT32_MAX for none */
	fb_time_t next_sweep;	/* when to forget clusters past 'memory' */

	struct fb_pool names;	/* channels */
	struct fb_cps cps;	/* scratch: the text's code points */
	uint32_t *norm;		/* scratch: normalised code points */
	size_t normcap;

	/* Welford over the peaks of clusters that went quiet unalarmed */
	double bg_n, bg_mean, bg_m2;
};

/*---- Normalising ----*/

/*
 * Whether 'c' carries none of the words: whitespace, punctuation,
 * symbols, emoji and their modifiers.  fb_cps_set() has folded
 * full-width ASCII to ASCII and lowercased it already.
 */
static int
is_noise(uint32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'));
	if (c <= 0xbf)		/* Latin-1 punctuation, NBSP */
		return 1;
	/* punctuation, arrows, symbols, dingbats */
	if (c >= 0x2000 && c <= 0x2bff)
		return 1;
	if (c >= 0x3000 && c <= 0x303f)	/* CJK punctuation: 。，【】 */
		return 1;
	/* variation selectors, CJK compatibility forms */
	if (c >= 0xfe00 && c <= 0xfe6f)
		return 1;
	if (c >= 0xff00 && (c <= 0xff65 || (c >= 0xffe0 && c <= 0xffff)))
		return 1;	/* full-width punctuation left, U+FFFD */
	if (c == 0xfeff)	/* a byte order mark inside the text */
		return 1;
	if (c >= 0x1f000 && c <= 0x1faff)	/* emoji, skin tones */
		return 1;
	if (c >= 0xe0000 && c <= 0xe007f)	/* emoji tag sequences */
		return 1;
	return 0;
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == 0x3000 || c == 0xa0;
}

static int
match_at(const uint32_t *cp, size_t n, size_t i, const uint32_t *w, size_t wn)
{
	size_t k;

	if (n - i < wn)
		return 0;
	for (k = 0; k < wn; k++)
		if (cp[i + k] != w[k])
			return 0;
	return 1;
}

/*
 * The words of 'text' that every copy shares, into b->norm; returns how
 * many code points.  What people change when they pass a post on goes:
 * forward prefixes, @names (to the next space or punctuation), #topics#,
 * and then everything is_noise().
 */
static size_t
normalise(struct burst *b, const char *text, size_t len)
{
	/* 转发微博 */
	static const uint32_t fwd[] = { 0x8f6c, 0x53d1, 0x5fae, 0x535a };
	const uint32_t *cp;
	size_t n, i, k, out = 0;

	if (fb_cps_set(&b->cps, text, len) < 0)
		fb_diex("out of memory");
	cp = b->cps.cp;
	n = b->cps.n < MAX_CPS ? b->cps.n : MAX_CPS;
	if (b->normcap < n + 1) {
		b->norm = fb_xrealloc(b->norm, n + 1, sizeof(*b->norm));
		b->normcap = n + 1;
	}
	i = 0;
	while (i < n && is_space(cp[i]))
		i++;
	/* "RT @name: ...", "rt: ..." */
	if (n - i >= 3 && cp[i] == 'r' && cp[i + 1] == 't' &&
	    (is_space(cp[i + 2]) || cp[i + 2] == ':' || cp[i + 2] == '@'))
		i += 2;
	while (i < n) {
		uint32_t c = cp[i];

		if (match_at(cp, n, i, fwd, 4)) {
			i += 4;
			continue;
		}
		if (c == '@') {
			for (k = i + 1; k < n && k - i <= MAX_MENTION; k++)
				if ((is_noise(cp[k]) && cp[k] != '_' &&
				    cp[k] != '-') || cp[k] == '@')
					break;
			i = k;
			continue;
		}
		if (c == '#') {
			/* a #topic#; a lone '#' goes as punctuation */
			for (k = i + 1; k < n && k - i <= MAX_HASHTAG; k++)
				if (cp[k] == '#' || cp[k] == '\n')
					break;
			if (k < n && cp[k] == '#' && k - i <= MAX_HASHTAG) {
				i = k + 1;
				continue;
			}
		}
		if (!is_noise(c))
			b->norm[out++] = c;
		i++;
	}
	return out;
}

/*---- MinHash ----*/

/* splitmix64's finaliser: spreads the double-hashing sequence. */
static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * The NHASH minimums over the 3-shingles of 'cp'.  One fb_hash128 per
 * shingle gives h0 and h1, and h0 + j*h1 mixed stands for the j-th hash
 * function (Kirsch and Mitzenmacher): 64 independent-enough hashes for
 * the price of one.
 */
static void
signature(const uint32_t *cp, size_t n, uint32_t sig[NHASH])
{
	size_t i, j, nsh = n >= 3 ? n - 2 : 1;
	uint64_t h[2];

	for (j = 0; j < NHASH; j++)
		sig[j] = UINT32_MAX;
	for (i = 0; i < nsh; i++) {
		fb_hash128(cp + i, (n >= 3 ? 3 : n) * sizeof(*cp), 0x62727374,
		    h);
		for (j = 0; j < NHASH; j++) {
			uint32_t v = (uint32_t)(mix64(h[0] + j * (h[1] | 1)) >>
			    32);

			if (v < sig[j])
				sig[j] = v;
		}
	}
}

static double
jaccard(const uint32_t *a, const uint32_t *b)
{
	int j, same = 0;

	for (j = 0; j < NHASH; j++)
		same += a[j] == b[j];
	return (double)same / NHASH;
}

static uint64_t
band_key(const uint32_t *sig, int band)
{
	uint64_t h[2];

	fb_hash128(sig + band * NROW, NROW * sizeof(*sig), (uint32_t)band, h);
	return h[0];
}

/*---- The LSH tables ----*/

static struct slot *
tab_find(struct table *t, uint64_t key)
{
	size_t i = (size_t)mix64(key) & (t->cap - 1);

	while (t->s[i].seq1 != 0 && t->s[i].key != key)
		i = (i + 1) & (t->cap - 1);
	return &t->s[i];
}

/* Whether slot 's' still points at something alive. */
static int
slot_live(const struct burst *b, const struct table *t, const struct slot *s)
{
	if (s->seq1 == 0)
		return 0;
	if (t == &b->tab)
		return s->seq1 - 1 >= b->head;
	return s->seq1 - 1 < b->ncl && b->cl[s->seq1 - 1].used &&
	    b->cl[s->seq1 - 1].gen == s->gen;
}

/*
 * Keeps a table at most half full: keys of complaints that left the
 * window and of clusters forgotten are dropped on a rebuild, so it grows
 * with what is alive, not with the input.
 */
static void
tab_rebuild(struct burst *b, struct table *t)
{
	struct slot *old = t->s;
	size_t oldcap = t->cap, live = 0, i;

	for (i = 0; i < oldcap; i++)
		live += slot_live(b, t, &old[i]);
	t->cap = 1024;
	while (t->cap < 4 * live)
		t->cap *= 2;
	t->s = fb_xcalloc(t->cap, sizeof(*t->s));
	t->used = 0;
	for (i = 0; i < oldcap; i++)
		if (slot_live(b, t, &old[i])) {
			*tab_find(t, old[i].key) = old[i];
			t->used++;
		}
	free(old);
}

static void
tab_put(struct burst *b, struct table *t, uint64_t key, uint64_t seq,
    uint32_t gen, uint32_t r)
{
	struct slot *s;

	if (2 * (t->used + 1) > t->cap)
		tab_rebuild(b, t);
	s = tab_find(t, key);
	if (s->seq1 == 0)
		t->used++;
	s->key = key;
	s->seq1 = seq + 1;
	s->gen = gen;
	s->rep = r;
}

/*---- Clusters and the ring ----*/

static struct entry *
at(const struct burst *b, uint64_t seq)
{
	return &b->ring[seq & (b->cap - 1)];
}

static uint32_t
cluster_new(struct burst *b)
{
	uint32_t k, gen = 1;

	if (b->cl_free != UINT32_MAX) {
		k = b->cl_free;
		b->cl_free = b->cl[k].next_free;
		/* a reused slot: what still points at its old self is stale */
		gen = b->cl[k].gen + 1;
	} else {
		if (b->ncl == b->clcap) {
			b->clcap = b->clcap ? 2 * b->clcap : 256;
			b->cl = fb_xrealloc(b->cl, b->clcap, sizeof(*b->cl));
		}
		k = (uint32_t)b->ncl++;
	}
	memset(&b->cl[k], 0, sizeof(b->cl[k]));
	b->cl[k].gen = gen;
	b->cl[k].used = 1;
	b->cl[k].next_check = b->min_size;
	return k;
}

/* Adds 'sig' to the signatures cluster 'k' is remembered by, if room. */
static void
cluster_rep(struct burst *b, uint32_t k, const uint32_t *sig)
{
	struct cluster *c = &b->cl[k];
	int i;

	if (c->nrep == MAX_REP)
		return;
	c->rep = fb_xrealloc(c->rep, c->nrep + 1, sizeof(*c->rep));
	memcpy(c->rep[c->nrep], sig, sizeof(c->rep[0]));
	if (c->count >= 2)
		for (i = 0; i < NBAND; i++)
			tab_put(b, &b->rtab, band_key(sig, i), k, c->gen,
			    c->nrep);
	c->nrep++;
}

/* Indexes cluster 'k' in the table of remembered texts: it repeated. */
static void
cluster_index(struct burst *b, uint32_t k)
{
	struct cluster *c = &b->cl[k];
	uint32_t r;
	int i;

	for (r = 0; r < c->nrep; r++)
		for (i = 0; i < NBAND; i++)
			tab_put(b, &b->rtab, band_key(c->rep[r], i), k, c->gen,
			    r);
}

static void
cluster_free(struct burst *b, uint32_t k)
{
	free(b->cl[k].rep);
	b->cl[k].rep = NULL;
	b->cl[k].nrep = 0;
	b->cl[k].used = 0;
	b->cl[k].next_free = b->cl_free;
	b->cl_free = k;
}

/*
 * A cluster with nothing left in the window: its peak joins the
 * background, and it is remembered when its text repeated, else
 * forgotten.
 */
static void
cluster_quiet(struct burst *b, uint32_t k)
{
	struct cluster *c = &b->cl[k];

	if (!c->alerted) {
		double d = c->peak - b->bg_mean;

		b->bg_n++;
		b->bg_mean += d / b->bg_n;
		b->bg_m2 += d * (c->peak - b->bg_mean);
	}
	c->peak = 0;
	c->alerted = 0;		/* the next episode is news again */
	c->next_check = b->min_size;
	if (c->count < 2)
		cluster_free(b, k);
}

/* Forgets the remembered clusters whose last complaint is past 'memory'. */
static void
sweep(struct burst *b)
{
	size_t k;

	for (k = 0; k < b->ncl; k++)
		if (b->cl[k].used && b->cl[k].items == 0 &&
		    b->cl[k].last < b->now - b->memory)
			cluster_free(b, (uint32_t)k);
	b->next_sweep = b->now + b->window;
}

/* Drops the complaints older than the window before 'now'. */
static void
evict(struct burst *b)
{
	while (b->head < b->tail && at(b, b->head)->ts < b->now - b->window) {
		struct entry *e = at(b, b->head);
		struct cluster *c = &b->cl[e->cluster];

		c->weight -= e->weight;
		b->in_window -= e->weight;
		if (--c->items == 0)
			cluster_quiet(b, e->cluster);
		free(e->id);
		free(e->text);
		e->id = e->text = NULL;
		b->head++;
	}
}

static struct entry *
ring_push(struct burst *b)
{
	if (b->tail - b->head == b->cap) {
		size_t ncap = b->cap ? 2 * b->cap : 1024;
		struct entry *nr = fb_xcalloc(ncap, sizeof(*nr));
		uint64_t s;

		for (s = b->head; s < b->tail; s++)
			nr[s & (ncap - 1)] = *at(b, s);
		free(b->ring);
		b->ring = nr;
		b->cap = ncap;
	}
	return at(b, b->tail++);
}

/* A copy of the first CLIP_CPS code points of 'text'. */
static char *
clip(const char *text, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && n < CLIP_CPS) {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	return fb_xstrndup(text, i);
}

/*---- Alerts ----*/

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Looks at cluster 'k' (its weight just reached what needed a look) and
 * raises its alert when enough customers stand behind it.  Counting
 * customers walks the window, so a cluster short of customers is looked
 * at again only after it grew by an eighth: a single spammer costs
 * O(window) a few times, not on every post.
 */
static int
check(struct burst *b, uint32_t k, const struct entry *last)
{
	struct cluster *c = &b->cl[k];
	const struct entry *first = NULL;
	const char *ev[NEVIDENCE];
	uint64_t *cust, s;
	size_t ncust = 0, nev = 0, nsocial = 0, i, ncustomers;
	double *chw, best = -1, expected, spread, score, bg, bgsd, past, span;
	uint32_t topch = 0;
	char dur[32], summary[512];
	struct an_alert a;
	json_t *key, *extra;

	/* the background: ordinary repetition, 1 until enough is known */
	if (b->bg_n >= PRIOR_CLUSTERS) {
		bg = b->bg_mean;
		bgsd = sqrt(b->bg_m2 / (b->bg_n - 1));
	} else {
		bg = 1;
		bgsd = 1;
	}
	/*
	 * A text known from before the window: its own share of the
	 * complaints before the window, times the complaints in it (so the
	 * hour of day and the season are allowed for); the share is taken
	 * over a window's traffic at least, so that a short past does not
	 * make a big one.
	 */
	expected = bg;
	spread = bgsd;
	past = c->total - c->weight;
	span = b->traffic - b->in_window - c->traffic_born;
	if (past > 0 && span > 0) {
		double lam = past / (span > b->in_window ? span :
		    b->in_window) * b->in_window;

		if (lam > expected) {
			expected = lam;
			spread = sqrt(lam);
		}
	}
	/*
	 * Many texts are tested in every window: a size that is merely
	 * unlikely happens somewhere every day, so the score must be high.
	 */
	score = an_tail_score(c->weight, expected > 1 ? expected : 1,
	    INFINITY);
	if (c->weight < b->min_ratio * expected || score < b->min_score) {
		c->next_check = c->weight + 1;
		return 0;
	}

	cust = fb_xcalloc(c->items, sizeof(*cust));
	chw = fb_xcalloc(b->names.n + 1, sizeof(*chw));
	for (s = b->head; s < b->tail; s++) {
		const struct entry *e = at(b, s);

		if (e->cluster != k)
			continue;
		if (first == NULL)
			first = e;
		if (nev < NEVIDENCE)
			ev[nev++] = e->id;
		cust[ncust++] = e->customer;
		chw[e->channel] += e->weight;
		nsocial += e->social != 0;
	}
	qsort(cust, ncust, sizeof(*cust), cmp_u64);
	for (ncustomers = 0, i = 0; i < ncust; i++)
		if (i == 0 || cust[i] != cust[i - 1])
			ncustomers++;
	free(cust);
	if ((double)ncustomers < b->min_customers || first == NULL) {
		free(chw);
		c->next_check = c->weight + (c->weight / 8 > 1 ?
		    c->weight / 8 : 1);
		return 0;
	}
	for (i = 0; i <= b->names.n; i++)
		if (chw[i] > best) {
			best = chw[i];
			topch = (uint32_t)i;
		}
	free(chw);
	c->alerted = 1;

	key = json_object();
	json_object_set_new(key, "channel", topch ?
	    json_string(fb_pool_str(&b->names, topch)) : json_null());
	json_object_set_new(key, "text", json_string(first->text));
	extra = json_object();
	json_object_set_new(extra, "customers",
	    json_integer((json_int_t)ncustomers));
	json_object_set_new(extra, "items", json_integer((json_int_t)c->items));
	json_object_set_new(extra, "social_items",
	    json_integer((json_int_t)nsocial));
	json_object_set_new(extra, "window", json_string(b->window_word));
	/* complaints of the same text before the window, remembered */
	json_object_set_new(extra, "history",
	    json_integer((json_int_t)(c->count - c->items)));

	if (last->ts - first->ts < 60000)
		snprintf(dur, sizeof(dur), "a minute");
	else
		fb_duration_format(last->ts - first->ts, dur, sizeof(dur));
	snprintf(summary, sizeof(summary), "%zu near-identical complaints "
	    "(weighted %g) from %zu customers within %s, mostly on %s: %s",
	    c->items, c->weight, ncustomers, dur,
	    topch ? fb_pool_str(&b->names, topch) : "no channel", first->text);

	memset(&a, 0, sizeof(a));
	a.detector = "burst";
	a.key = key;
	a.since = first->ts;
	a.until = last->ts;
	a.observed = c->weight;
	a.expected = expected;
	a.spread = spread;
	a.score = score;
	/* a crisis on social media spreads by itself: it is the urgent kind */
	a.severity = 2 * nsocial >= c->items ? "high" : "medium";
	a.evidence = ev;
	a.nevidence = nev;
	a.summary = summary;
	a.extra = extra;
	return an_emit(b->run, &a);
}

/*---- The detector ----*/

static void *
burst_create(const struct an_conf *conf, struct an_run *run)
{
	struct burst *b = fb_xcalloc(1, sizeof(*b));
	const char *const *w = an_conf_words(conf, "burst", "window");
	const char *win = w != NULL && w[0] != NULL ? w[0] : "2h";
	const char *mem;
	struct fb_error err;

	b->run = run;
	if (fb_duration_parse(win, &b->window, &err) < 0 || b->window <= 0)
		fb_diex("[burst] window: invalid duration '%s'", win);
	w = an_conf_words(conf, "burst", "memory");
	mem = w != NULL && w[0] != NULL ? w[0] : "7d";
	if (fb_duration_parse(mem, &b->memory, &err) < 0 || b->memory < 0)
		fb_diex("[burst] memory: invalid duration '%s'", mem);
	snprintf(b->window_word, sizeof(b->window_word), "%s", win);
	b->threshold = an_conf_num(conf, "burst", "threshold", 0.6);
	b->min_size = an_conf_num(conf, "burst", "min_size", 12);
	b->min_customers = an_conf_num(conf, "burst", "min_customers", 5);
	b->social_weight = an_conf_num(conf, "burst", "social_weight", 2);
	b->min_chars = an_conf_num(conf, "burst", "min_chars", 8);
	b->min_ratio = an_conf_num(conf, "burst", "min_ratio", 4);
	b->min_score = an_conf_num(conf, "burst", "min_score", 6);
	if (b->threshold <= 0 || b->threshold > 1)
		fb_diex("[burst] threshold: %g is not in (0, 1]", b->threshold);
	if (b->min_size <= 0 || b->social_weight <= 0)
		fb_diex("[burst] min_size and social_weight must be positive");
	b->now = FB_TIME_MIN;
	b->cl_free = UINT32_MAX;
	b->next_sweep = FB_TIME_MIN;
	b->tab.cap = b->rtab.cap = 1024;
	b->tab.s = fb_xcalloc(b->tab.cap, sizeof(*b->tab.s));
	b->rtab.s = fb_xcalloc(b->rtab.cap, sizeof(*b->rtab.s));
	return b;
}

/* Whether the words are praise, whatever tag made the item a complaint. */
static int
is_praise(const struct an_item *it)
{
	size_t i;

	if (it->sentiment == NULL)
		return 0;
	if (strcmp(it->sentiment, "positive") == 0)
		return 1;
	if (strcmp(it->sentiment, "negative") == 0)
		return 0;
	for (i = 0; i < it->ntags; i++)
		if (strcmp(it->tags[i], "praise") == 0)
			return 1;
	return 0;
}

/*
 * Adds to 'out' (of *nout, at most 2 * NBAND) the clusters of what 'sig'
 * matches in table 't' over the bands 'keys': complaints in the window
 * or remembered clusters whose estimated Jaccard similarity reaches the
 * threshold.
 */
static void
matches(struct burst *b, struct table *t, const uint64_t keys[NBAND],
    const uint32_t *sig, uint32_t *out, size_t *nout)
{
	uint64_t seen[NBAND], x;
	size_t nseen = 0, i, j;
	uint32_t k;

	for (i = 0; i < NBAND; i++) {
		struct slot *s = tab_find(t, keys[i]);

		if (!slot_live(b, t, s))
			continue;
		x = s->seq1 - 1;
		/* cppcheck-suppress uninitvar ; only seen[0..nseen) is read */
		for (j = 0; j < nseen && seen[j] != x; j++)
			;
		/* a cluster may be known by several signatures */
		if (j < nseen && t == &b->tab)
			continue;
		if (j == nseen)
			seen[nseen++] = x;
		if (t == &b->tab) {
			if (jaccard(sig, at(b, x)->sig) < b->threshold)
				continue;
			k = at(b, x)->cluster;
		} else {
			if (jaccard(sig, b->cl[x].rep[s->rep]) < b->threshold)
				continue;
			k = (uint32_t)x;
		}
		for (j = 0; j < *nout && out[j] != k; j++)
			;
		if (j == *nout)
			out[(*nout)++] = k;
	}
}

/*
 * Cluster 'from' and 'into' turned out to be one text (a complaint
 * matched both): 'from' joins 'into', so that a text's history is not
 * split over clusters.  Relabelling walks the window; it happens at most
 * once per cluster born.
 */
static void
merge(struct burst *b, uint32_t from, uint32_t into)
{
	struct cluster *f = &b->cl[from], *c = &b->cl[into];
	uint64_t s;
	uint32_t r;

	if (f->items > 0)
		for (s = b->head; s < b->tail; s++)
			if (at(b, s)->cluster == from)
				at(b, s)->cluster = into;
	c->weight += f->weight;
	c->items += f->items;
	c->total += f->total;
	c->count += f->count;
	if (c->weight > c->peak)
		c->peak = c->weight;
	if (f->born < c->born) {
		c->born = f->born;
		c->traffic_born = f->traffic_born;
	}
	if (f->last > c->last)
		c->last = f->last;
	c->alerted |= f->alerted;
	for (r = 0; r < f->nrep; r++)
		cluster_rep(b, into, f->rep[r]);
	cluster_free(b, from);
}

static int
burst_item(void *state, const struct an_item *it)
{
	struct burst *b = state;
	uint32_t sig[NHASH];
	uint64_t keys[NBAND], seq, h[2];
	uint32_t found[2 * NBAND], k;
	size_t n, i, nfound = 0;
	struct entry *e;
	struct cluster *c;

	/* praise copied a hundred times ("好评") is no incident */
	if (!it->complaint || it->text == NULL || is_praise(it))
		return 0;
	if (it->ts > b->now) {
		b->now = it->ts;
		evict(b);
		if (b->now >= b->next_sweep)
			sweep(b);
	} else if (it->ts < b->now - b->window)
		return 0;	/* out of order by over a window: too late */
	n = normalise(b, it->text, it->text_len);
	if ((double)n < b->min_chars)
		return 0;	/* "太差了" from many is no copy-paste */
	signature(b->norm, n, sig);
	for (i = 0; i < NBAND; i++)
		keys[i] = band_key(sig, (int)i);

	/*
	 * Copies of complaints in the window, and texts remembered: all one
	 * cluster from now on, the oldest, which has the longest history.
	 */
	matches(b, &b->tab, keys, sig, found, &nfound);
	matches(b, &b->rtab, keys, sig, found, &nfound);
	if (nfound > 0) {
		k = found[0];
		for (i = 1; i < nfound; i++)
			if (b->cl[found[i]].born < b->cl[k].born)
				k = found[i];
		for (i = 0; i < nfound; i++)
			if (found[i] != k)
				merge(b, found[i], k);
	} else {
		k = cluster_new(b);
		cluster_rep(b, k, sig);
		b->cl[k].born = it->ts;
		b->cl[k].traffic_born = b->traffic;
	}

	e = ring_push(b);
	seq = b->tail - 1;
	e->ts = it->ts;
	e->cluster = k;
	e->channel = it->channel != NULL ?
	    fb_xintern(&b->names, it->channel, strlen(it->channel)) : 0;
	/* without a customer id each post stands for its own author */
	if (it->customer != NULL)
		fb_hash128(it->customer, strlen(it->customer), 1, h);
	else
		fb_hash128(it->id != NULL ? it->id : "", it->id != NULL ?
		    strlen(it->id) : 0, 2, h);
	e->customer = h[0];
	e->social = it->social;
	e->weight = it->social ? b->social_weight : 1;
	e->id = fb_xstrdup(it->id != NULL ? it->id : "");
	e->text = clip(it->text, it->text_len);
	memcpy(e->sig, sig, sizeof(sig));
	for (i = 0; i < NBAND; i++)
		tab_put(b, &b->tab, keys[i], seq, 0, 0);

	b->traffic += e->weight;
	b->in_window += e->weight;
	c = &b->cl[k];
	c->items++;
	c->weight += e->weight;
	c->total += e->weight;
	c->last = it->ts;
	if (++c->count == 2)
		/* it repeats: worth remembering when it goes quiet */
		cluster_index(b, k);
	if (c->nrep < MAX_REP) {
		uint32_t r;

		for (r = 0; r < c->nrep; r++)
			if (jaccard(sig, c->rep[r]) >= REP_NEW)
				break;
		if (r == c->nrep)
			cluster_rep(b, k, sig);
	}
	if (c->weight > c->peak)
		c->peak = c->weight;
	if (!c->alerted && c->weight >= b->min_size &&
	    c->weight >= c->next_check)
		return check(b, k, e);
	return 0;
}

static int
burst_finish(void *state)
{
	(void)state;	/* every alert went out when its cluster crossed */
	return 0;
}

static void
burst_destroy(void *state)
{
	struct burst *b = state;
	uint64_t s;

	if (b == NULL)
		return;
	for (s = b->head; s < b->tail; s++) {
		free(at(b, s)->id);
		free(at(b, s)->text);
	}
	for (s = 0; s < b->ncl; s++)
		free(b->cl[s].rep);
	free(b->ring);
	free(b->tab.s);
	free(b->rtab.s);
	free(b->cl);
	free(b->norm);
	fb_cps_release(&b->cps);
	fb_pool_release(&b->names);
	free(b);
}

const struct an_detector an_burst = {
	"burst", burst_create, burst_item, burst_finish, burst_destroy
};
