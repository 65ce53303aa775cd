/*
 * test_sketch.c: the quantile sketch: accuracy against exact quantiles,
 * merging in any split equal to one sketch, and its JSON form.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

/* Within 1.01% of 'want'. */
static int
close_to(int64_t got, int64_t want)
{
	double d = (double)(got - want);

	return (d < 0 ? -d : d) <= 0.0101 * (double)want + 0.5;
}

static char *
dump(const struct fb_sketch *s)
{
	json_t *j = fb_sketch_to_json(s);
	char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	return text;
}

static void
test_basics(void)
{
	struct fb_sketch s;

	fb_sketch_init(&s);
	is_int(fb_sketch_quantile(&s, 0.5), -1, "empty: no median");
	fb_sketch_add(&s, 2700000);
	is_int(fb_sketch_quantile(&s, 0.5), 2700000,
	    "one value: the median is that value exactly");
	is_int(fb_sketch_quantile(&s, 0.9), 2700000, "one value: p90 too");
	fb_sketch_add(&s, 0);
	fb_sketch_add(&s, -5);
	is_int(s.n, 3, "three values");
	is_int(s.zeros, 2, "a negative counts as zero");
	is_int(fb_sketch_quantile(&s, 0.5), 0, "median of 0, 0, 2700000");
	is_int(s.sum, 2700000, "the sum is exact");
	fb_sketch_release(&s);
}

static void
test_accuracy(void)
{
	struct fb_sketch s;
	int64_t v, worst = 0;
	int i, bad = 0;

	fb_sketch_init(&s);
	/* 1s, 2s, ... 10000s in ms */
	for (i = 1; i <= 10000; i++)
		fb_sketch_add(&s, (int64_t)i * 1000);
	v = fb_sketch_quantile(&s, 0.5);
	ok(close_to(v, 5000000), "median of 1..10000 s within 1%% (%lld)",
	    (long long)v);
	v = fb_sketch_quantile(&s, 0.9);
	ok(close_to(v, 9000000), "p90 within 1%% (%lld)", (long long)v);
	is_int(fb_sketch_quantile(&s, 1.0), 10000000, "p100 is the max");
	is_int(s.sum, 50005000LL * 1000, "sum exact");
	fb_sketch_release(&s);

	/* every single value from 1 ms to 1e12 ms comes back within 1% */
	for (v = 1; v < 1000000000000LL; v = v * 3 / 2 + 1) {
		int64_t got;

		fb_sketch_init(&s);
		fb_sketch_add(&s, v);
		fb_sketch_add(&s, v);
		fb_sketch_add(&s, v * 4);
		got = fb_sketch_quantile(&s, 0.5);
		if (!close_to(got, v)) {
			bad++;
			worst = v;
		}
		fb_sketch_release(&s);
	}
	ok(bad == 0, "medians within 1%% from 1 ms to 30 years (worst %lld)",
	    (long long)worst);
}

static void
test_merge(void)
{
	struct fb_sketch whole, part[4], merged;
	char *a, *b;
	uint64_t x = 88172645463325252ULL;
	int i;

	fb_sketch_init(&whole);
	fb_sketch_init(&merged);
	for (i = 0; i < 4; i++)
		fb_sketch_init(&part[i]);
	for (i = 0; i < 20000; i++) {
		int64_t v;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = (int64_t)(x % 400000000);
		fb_sketch_add(&whole, v);
		fb_sketch_add(&part[x % 4], v);
	}
	for (i = 3; i >= 0; i--)
		fb_sketch_merge(&merged, &part[i]);
	a = dump(&whole);
	b = dump(&merged);
	is_str(b, a, "four parts merged equal the whole");
	is_int(fb_sketch_quantile(&merged, 0.9),
	    fb_sketch_quantile(&whole, 0.9), "and give the same p90");
	free(a);
	free(b);
	for (i = 0; i < 4; i++)
		fb_sketch_release(&part[i]);
	fb_sketch_release(&merged);
	fb_sketch_release(&whole);
}

static void
test_json(void)
{
	struct fb_sketch s, t;
	struct fb_error err;
	json_t *j;
	char *a, *b;

	fb_sketch_init(&s);
	fb_sketch_init(&t);
	fb_sketch_add(&s, 0);
	fb_sketch_add(&s, 1500);
	fb_sketch_add(&s, 7200000);
	j = fb_sketch_to_json(&s);
	ok(fb_sketch_from_json(&t, j, &err) == 0, "json: read back");
	json_decref(j);
	a = dump(&s);
	b = dump(&t);
	is_str(b, a, "json: the same sketch");
	free(a);
	free(b);

	j = json_loads("{\"n\":3,\"sum\":1,\"min\":0,\"max\":1,\"zeros\":1,"
	    "\"bins\":[[0,1]]}", 0, NULL);
	ok(fb_sketch_from_json(&t, j, &err) < 0 &&
	    strstr(err.msg, "add up") != NULL, "json: counts must agree: %s",
	    err.msg);
	json_decref(j);
	j = json_loads("{\"n\":1,\"sum\":1,\"min\":0,\"max\":1,\"zeros\":0,"
	    "\"bins\":[[99999,1]]}", 0, NULL);
	ok(fb_sketch_from_json(&t, j, &err) < 0, "json: bin out of range");
	json_decref(j);
	j = json_loads("{\"n\":1}", 0, NULL);
	ok(fb_sketch_from_json(&t, j, &err) < 0, "json: missing members");
	json_decref(j);
	fb_sketch_release(&s);
	fb_sketch_release(&t);
}

int
main(void)
{
	test_basics();
	test_accuracy();
	test_merge();
	test_json();
	return done_testing();
}
