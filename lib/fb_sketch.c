/*
 * fb_sketch.c: a mergeable log-histogram of durations, for the median and
 * the 90th percentile of response and resolution times without keeping
 * every value.
 *
 * A value v >= 1 falls in bin ceil(log(v) / log(gamma)); a bin's value is
 * the one that errs least on both of its ends, so any quantile is within
 * (gamma - 1) / (gamma + 1), about 1%, of a value that was added (the idea
 * of DDSketch, Masson et al., VLDB 2019).  Counts add, and the sum is an
 * exact integer, so sketches merged in any order, from any split of the
 * values, give the same figures as one sketch of them all.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define GAMMA		1.02
#define NBINS		2400	/* gamma^2400 > 2^63: every int64 fits */

void
fb_sketch_init(struct fb_sketch *s)
{
	memset(s, 0, sizeof(*s));
}

void
fb_sketch_release(struct fb_sketch *s)
{
	free(s->bins);
	fb_sketch_init(s);
}

static int
bin_by_log(int64_t v)
{
	int k = (int)ceil(log((double)v) / log(GAMMA) - 1e-9);

	return k < 0 ? 0 : k >= NBINS ? NBINS - 1 : k;
}

/*
 * A report adds each duration to a dozen groups' sketches, and log() was
 * most of the cost; so the smallest value of each of the first bins (up
 * to about 35 years in milliseconds) is worked out once, from the same
 * formula so that every value lands where it always did, and a value's
 * bin is found by binary search.  Built on first use: single-threaded
 * tools, and a few thousand log() calls.
 */
#define TABLE_BINS	1400

static int64_t bin_floor[TABLE_BINS];

static void
build_bin_floor(void)
{
	int k;

	bin_floor[0] = 1;
	for (k = 1; k < TABLE_BINS; k++) {
		int64_t v = (int64_t)pow(GAMMA, k - 1);

		if (v < bin_floor[k - 1])
			v = bin_floor[k - 1];
		while (v > bin_floor[k - 1] && bin_by_log(v - 1) >= k)
			v--;
		while (bin_by_log(v) < k)
			v++;
		bin_floor[k] = v;
	}
}

static int
bin_of(int64_t v)
{
	int lo = 0, hi = TABLE_BINS - 1;

	if (bin_floor[0] == 0)
		build_bin_floor();
	if (v >= bin_floor[TABLE_BINS - 1])
		return bin_by_log(v);
	/* the last bin whose floor is at most v */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (bin_floor[mid] <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int64_t
bin_value(int k)
{
	double v = 2 * pow(GAMMA, k) / (GAMMA + 1);

	return v >= 9.2e18 ? INT64_MAX : (int64_t)llround(v);
}

/*
 * Makes bin 'k' part of the array, which covers only the bins in use
 * (a few hundred: response times span minutes to days) rather than all
 * 2400, so that a report with thousands of groups stays small.  It grows
 * by half again, so a sketch is copied a few times in its life.
 */
static int
cover(struct fb_sketch *s, int k)
{
	int lo, hi, slack;
	uint64_t *bins;

	if (s->bins != NULL && k >= s->lo && k < s->lo + s->len)
		return 0;
	if (s->bins == NULL) {
		lo = k - 8;
		hi = k + 24;
	} else {
		slack = s->len / 2 > 16 ? s->len / 2 : 16;
		lo = k < s->lo ? k - slack : s->lo;
		hi = k >= s->lo + s->len ? k + slack : s->lo + s->len;
	}
	lo = lo < 0 ? 0 : lo;
	hi = hi > NBINS ? NBINS : hi;
	if ((bins = calloc((size_t)(hi - lo), sizeof(*bins))) == NULL)
		return -1;
	if (s->bins != NULL)
		memcpy(bins + (s->lo - lo), s->bins, (size_t)s->len *
		    sizeof(*bins));
	free(s->bins);
	s->bins = bins;
	s->lo = lo;
	s->len = hi - lo;
	return 0;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int
fb_sketch_add(struct fb_sketch *s, int64_t v)
{
	if (v < 0)
		v = 0;
	if (v >= 1) {
		int k = bin_of(v);

		if (cover(s, k) < 0)
			return -1;
		s->bins[k - s->lo]++;
	} else {
		s->zeros++;
	}
	if (s->n == 0 || v < s->min)
		s->min = v;
	if (s->n == 0 || v > s->max)
		s->max = v;
	s->n++;
	s->sum = sat_add(s->sum, v);
	return 0;
}

int
fb_sketch_merge(struct fb_sketch *into, const struct fb_sketch *from)
{
	int k;

	if (from->n == 0)
		return 0;
	if (from->bins != NULL) {
		if (cover(into, from->lo) < 0 ||
		    cover(into, from->lo + from->len - 1) < 0)
			return -1;
		for (k = 0; k < from->len; k++)
			into->bins[from->lo + k - into->lo] += from->bins[k];
	}
	if (into->n == 0 || from->min < into->min)
		into->min = from->min;
	if (into->n == 0 || from->max > into->max)
		into->max = from->max;
	into->zeros += from->zeros;
	into->n += from->n;
	into->sum = sat_add(into->sum, from->sum);
	return 0;
}

int64_t
fb_sketch_quantile(const struct fb_sketch *s, double q)
{
	uint64_t rank, seen;
	int64_t v;
	int k;

	if (s->n == 0)
		return -1;
	/* the nearest rank: the smallest value with at least q of them */
	rank = (uint64_t)ceil(q * (double)s->n);
	if (rank < 1)
		rank = 1;
	if (rank > s->n)
		rank = s->n;
	if (rank <= s->zeros || rank == 1)
		return s->min;
	if (rank == s->n)
		return s->max;
	seen = s->zeros;
	v = s->max;
	for (k = 0; s->bins != NULL && k < s->len; k++) {
		seen += s->bins[k];
		if (seen >= rank) {
			v = bin_value(s->lo + k);
			break;
		}
	}
	/* the ends are known exactly: a lone value comes back as it was */
	return v < s->min ? s->min : v > s->max ? s->max : v;
}

json_t *
fb_sketch_to_json(const struct fb_sketch *s)
{
	json_t *o, *bins;
	int k;

	if ((o = json_object()) == NULL || (bins = json_array()) == NULL) {
		json_decref(o);
		return NULL;
	}
	for (k = 0; s->bins != NULL && k < s->len; k++)
		if (s->bins[k] > 0 && json_array_append_new(bins,
		    json_pack("[iI]", s->lo + k, (json_int_t)s->bins[k])) < 0)
			goto fail;
	if (json_object_set_new(o, "n", json_integer((json_int_t)s->n)) < 0 ||
	    json_object_set_new(o, "sum", json_integer(s->sum)) < 0 ||
	    json_object_set_new(o, "min", json_integer(s->min)) < 0 ||
	    json_object_set_new(o, "max", json_integer(s->max)) < 0 ||
	    json_object_set_new(o, "zeros",
	    json_integer((json_int_t)s->zeros)) < 0)
		goto fail;
	if (json_object_set_new(o, "bins", bins) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
fail:
	json_decref(bins);
	json_decref(o);
	return NULL;
}

int
fb_sketch_from_json(struct fb_sketch *s, json_t *j, struct fb_error *err)
{
	json_int_t n, sum, min, max, zeros, k, c;
	uint64_t total;
	json_t *bins, *bin;
	size_t i;

	fb_sketch_release(s);
	if (json_unpack(j, "{s:I, s:I, s:I, s:I, s:I, s:o}", "n", &n, "sum",
	    &sum, "min", &min, "max", &max, "zeros", &zeros, "bins", &bins) < 0 ||
	    !json_is_array(bins))
		return fb_error_set(err, "a sketch needs n, sum, min, max, "
		    "zeros and bins");
	if (n < 0 || sum < 0 || min < 0 || max < min || zeros < 0 ||
	    zeros > n)
		return fb_error_set(err, "a sketch with impossible counts");
	total = (uint64_t)zeros;
	json_array_foreach(bins, i, bin) {
		if (json_unpack(bin, "[II]", &k, &c) < 0 || k < 0 ||
		    k >= NBINS || c <= 0)
			return fb_error_set(err, "bad sketch bin %zu", i);
		if (cover(s, (int)k) < 0)
			return fb_error_set(err, "out of memory");
		s->bins[k - s->lo] += (uint64_t)c;
		total += (uint64_t)c;
	}
	if (total != (uint64_t)n) {
		fb_sketch_release(s);
		return fb_error_set(err, "a sketch whose bins do not add up "
		    "to its count");
	}
	s->n = (uint64_t)n;
	s->sum = sum;
	s->min = min;
	s->max = max;
	s->zeros = (uint64_t)zeros;
	return 0;
}
