/*
 * test_ac: the Aho-Corasick automaton of fb_ac.c on the textbook and CJK
 * examples, nested and repeated patterns, code points up to 0xFFFFFFFF,
 * thousands of random pattern sets checked against a naive search, and
 * 10,000 patterns over a text of a million code points.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

struct match {
	size_t end;
	uint32_t len, value;
};

/* What a scan reported, and when the callback should stop it. */
struct matches {
	struct match *m;
	size_t n, cap;
	size_t stop_at;		/* call returning stop_ret; 0: none */
	int stop_ret;
};

static void
matches_add(struct matches *ms, size_t end, uint32_t len, uint32_t value)
{
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 64;
		if ((ms->m = realloc(ms->m, ms->cap * sizeof(*ms->m))) == NULL)
			abort();
	}
	ms->m[ms->n].end = end;
	ms->m[ms->n].len = len;
	ms->m[ms->n].value = value;
	ms->n++;
}

static int
collect(void *arg, size_t end, uint32_t len, uint32_t value)
{
	struct matches *ms = arg;

	matches_add(ms, end, len, value);
	if (ms->stop_at != 0 && ms->n == ms->stop_at)
		return ms->stop_ret;
	return 0;
}

static void
matches_reset(struct matches *ms)
{
	ms->n = 0;
	ms->stop_at = 0;
	ms->stop_ret = 0;
}

static int
matches_equal(const struct matches *a, const struct matches *b)
{
	size_t k;

	if (a->n != b->n)
		return 0;
	for (k = 0; k < a->n; k++)
		if (a->m[k].end != b->m[k].end || a->m[k].len != b->m[k].len ||
		    a->m[k].value != b->m[k].value)
			return 0;
	return 1;
}

/* "end:len:value" for each match, space-separated, for is_str(). */
static const char *
matches_str(const struct matches *ms, char *buf, size_t size)
{
	size_t k, used = 0;
	int w;

	buf[0] = '\0';
	for (k = 0; k < ms->n && used < size; k++) {
		w = snprintf(buf + used, size - used, "%s%zu:%u:%u",
		    k ? " " : "", ms->m[k].end, (unsigned)ms->m[k].len,
		    (unsigned)ms->m[k].value);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

/* Decodes well-formed UTF-8 into code points; returns how many. */
static size_t
decode(const char *s, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c;
	int more;

	while (*p != '\0' && n < max) {
		if (*p < 0x80) {
			c = *p++;
			more = 0;
		} else if (*p < 0xe0) {
			c = *p++ & 0x1f;
			more = 1;
		} else if (*p < 0xf0) {
			c = *p++ & 0x0f;
			more = 2;
		} else {
			c = *p++ & 0x07;
			more = 3;
		}
		while (more-- > 0)
			c = c << 6 | (*p++ & 0x3f);
		out[n++] = c;
	}
	return n;
}

/*
 * Builds an automaton of the UTF-8 'pats' (value = index, or vals[index]),
 * scans 'text' and compares what it reports with 'want'.
 */
static void
check_scan(const char *name, const char *const *pats, size_t npat,
    const uint32_t *vals, const char *text, const char *want)
{
	struct fb_ac *ac;
	struct matches ms = { 0 };
	uint32_t cps[64], tcps[256];
	size_t k, n, tn;
	char buf[1024];
	int rc = 0;

	if ((ac = fb_ac_new()) == NULL)
		abort();
	for (k = 0; k < npat; k++) {
		n = decode(pats[k], cps, 64);
		rc |= fb_ac_add(ac, cps, n, vals ? vals[k] : (uint32_t)k);
	}
	rc |= fb_ac_build(ac);
	tn = decode(text, tcps, 256);
	rc |= fb_ac_scan(ac, tcps, tn, collect, &ms);
	ok(rc == 0, "%s: add, build and scan succeed", name);
	is_str(matches_str(&ms, buf, sizeof(buf)), want, "%s", name);
	fb_ac_free(ac);
	free(ms.m);
}

static void
test_examples(void)
{
	static const char *const classic[] = { "he", "she", "his", "hers" };
	static const char *const cjk[] = { "没有", "破损", "没有破损" };
	static const char *const nested[] = { "abcd", "bc", "b", "abc", "d" };
	static const char *const aa[] = { "aa" };
	static const char *const twice[] = { "ab", "ab", "b" };
	static const uint32_t twice_vals[] = { 10, 20, 0xffffffff };
	static const char *const whole[] = { "hello", "hello!" };
	static const char *const chain[] = { "a", "ab", "bab", "cbab", "abab" };
	static const char *const mixed[] = { "破损", "not damaged", "慢",
	    "n't" };

	check_scan("he/she/his/hers in ushers", classic, 4, NULL, "ushers",
	    "4:3:1 4:2:0 6:4:3");
	check_scan("he/she/his/hers in ahishers", classic, 4, NULL,
	    "ahishers", "4:3:2 6:3:1 6:2:0 8:4:3");
	check_scan("没有/破损/没有破损 in 包装没有破损", cjk, 3, NULL,
	    "包装没有破损", "4:2:0 6:4:2 6:2:1");
	check_scan("没有/破损 in text with neither", cjk, 3, NULL,
	    "包装完好没有问题", "6:2:0");
	check_scan("nested patterns", nested, 5, NULL, "xabcdx",
	    "3:1:2 4:3:3 4:2:1 5:4:0 5:1:4");
	check_scan("overlapping aa in aaaa", aa, 1, NULL, "aaaa",
	    "2:2:0 3:2:0 4:2:0");
	check_scan("same pattern twice reports both, in the order added",
	    twice, 3, twice_vals, "abab",
	    "2:2:10 2:2:20 2:1:4294967295 4:2:10 4:2:20 4:1:4294967295");
	check_scan("pattern equal to the whole text", whole, 2, NULL, "hello",
	    "5:5:0");
	check_scan("text shorter than every pattern", whole, 2, NULL, "hell",
	    "");
	check_scan("empty text", classic, 4, NULL, "", "");
	check_scan("output links through states without values", chain, 5,
	    NULL, "cbabab", "3:1:0 4:4:3 4:3:2 4:2:1 5:1:0 6:4:4 6:3:2 6:2:1");
	check_scan("CJK and Latin phrases mixed", mixed, 4, NULL,
	    "it's not damaged, 不慢也没破损 isn't",
	    "16:11:1 20:1:2 24:2:0 30:3:3");
}

static void
test_large_code_points(void)
{
	static const uint32_t p1[] = { 0x10ffff, 0xffffffff };
	static const uint32_t p2[] = { 0xffffffff };
	static const uint32_t p3[] = { 0, 0xffff, 0x10000 };
	static const uint32_t p4[] = { 0x110000, 0 };
	static const uint32_t text[] = { 0xffffffff, 0x10ffff, 0xffffffff, 0,
	    0xffff, 0x10000, 0x110000, 0, 0xffff, 0x10000 };
	struct fb_ac *ac;
	struct matches ms = { 0 };
	char buf[256];

	if ((ac = fb_ac_new()) == NULL)
		abort();
	is_int(fb_ac_add(ac, p1, 2, 1), 0, "add U+10FFFF 0xFFFFFFFF");
	is_int(fb_ac_add(ac, p2, 1, 2), 0, "add 0xFFFFFFFF alone");
	is_int(fb_ac_add(ac, p3, 3, 3), 0, "add 0 U+FFFF U+10000");
	is_int(fb_ac_add(ac, p4, 2, 4), 0, "add 0x110000 0");
	is_int(fb_ac_build(ac), 0, "build");
	is_int(fb_ac_scan(ac, text, 10, collect, &ms), 0, "scan");
	is_str(matches_str(&ms, buf, sizeof(buf)),
	    "1:1:2 3:2:1 3:1:2 6:3:3 8:2:4 10:3:3",
	    "code points at and beyond U+10FFFF, and NUL");
	fb_ac_free(ac);
	free(ms.m);
}

static void
test_api(void)
{
	static const uint32_t ab[] = { 'a', 'b' };
	static const uint32_t text[] = { 'x', 'a', 'b', 'a', 'b', 'a', 'b' };
	struct fb_ac *ac;
	struct matches ms = { 0 };
	char buf[256];

	if ((ac = fb_ac_new()) == NULL)
		abort();
	is_uint(fb_ac_patterns(ac), 0, "a new automaton has no patterns");
	is_int(fb_ac_add(ac, ab, 0, 1), -1, "an empty pattern is refused");
	is_int(fb_ac_scan(ac, text, 7, collect, &ms), -1,
	    "scanning before build fails");
	is_int(fb_ac_add(ac, ab, 2, 1), 0, "add ab");
	is_int(fb_ac_add(ac, ab, 1, 2), 0, "add a");
	is_uint(fb_ac_patterns(ac), 2, "two patterns added");
	is_int(fb_ac_build(ac), 0, "build");
	is_int(fb_ac_build(ac), 0, "a second build does nothing");
	is_int(fb_ac_add(ac, ab, 2, 3), -1, "add after build is refused");
	is_uint(fb_ac_patterns(ac), 2, "still two patterns");

	ms.stop_at = 1;
	ms.stop_ret = 42;
	is_int(fb_ac_scan(ac, text, 7, collect, &ms), 42,
	    "a nonzero return stops the scan and is returned");
	is_str(matches_str(&ms, buf, sizeof(buf)), "2:1:2",
	    "no call after the one that stopped");
	matches_reset(&ms);
	ms.stop_at = 4;
	ms.stop_ret = -7;
	is_int(fb_ac_scan(ac, text, 7, collect, &ms), -7,
	    "a negative return stops the scan too");
	is_str(matches_str(&ms, buf, sizeof(buf)), "2:1:2 3:2:1 4:1:2 5:2:1",
	    "stopped at the fourth match");
	matches_reset(&ms);
	is_int(fb_ac_scan(ac, text, 7, collect, &ms), 0, "a full scan");
	is_uint(ms.n, 6, "six matches in xababab");
	matches_reset(&ms);
	is_int(fb_ac_scan(ac, NULL, 0, collect, &ms), 0,
	    "empty text as NULL, 0");
	is_uint(ms.n, 0, "nothing found in empty text");
	fb_ac_free(ac);

	if ((ac = fb_ac_new()) == NULL)
		abort();
	is_int(fb_ac_build(ac), 0, "build with no patterns");
	matches_reset(&ms);
	is_int(fb_ac_scan(ac, text, 7, collect, &ms), 0,
	    "scan with no patterns");
	is_uint(ms.n, 0, "no patterns, no matches");
	fb_ac_free(ac);
	fb_ac_free(NULL);
	free(ms.m);
}

/* Deep tries and long output chains, without recursion. */
static void
test_long_patterns(void)
{
	size_t n = 20000, plen = 5000, k, end, fails;
	uint32_t *text = malloc(n * sizeof(*text));
	struct fb_ac *ac;
	struct matches ms = { 0 };

	if (text == NULL || (ac = fb_ac_new()) == NULL)
		abort();
	for (k = 0; k < n; k++)
		text[k] = 'a';
	is_int(fb_ac_add(ac, text, plen, 7), 0, "add a pattern of 5000 a's");
	is_int(fb_ac_build(ac), 0, "build it");
	is_int(fb_ac_scan(ac, text, n, collect, &ms), 0, "scan 20000 a's");
	ok(ms.n == n - plen + 1 && ms.m[0].end == plen &&
	    ms.m[ms.n - 1].end == n, "found at each of the %zu places",
	    n - plen + 1);
	fb_ac_free(ac);

	/* a, aa, ..., a^50: at each end every shorter one is an output link. */
	if ((ac = fb_ac_new()) == NULL)
		abort();
	for (k = 1; k <= 50; k++)
		if (fb_ac_add(ac, text, k, (uint32_t)k) < 0)
			abort();
	is_int(fb_ac_build(ac), 0, "build a .. a^50");
	matches_reset(&ms);
	is_int(fb_ac_scan(ac, text, 100, collect, &ms), 0, "scan a^100");
	fails = 0;
	k = 0;
	for (end = 1; end <= 100; end++) {
		uint32_t len;

		for (len = end < 50 ? (uint32_t)end : 50; len >= 1; len--, k++)
			if (k >= ms.n || ms.m[k].end != end ||
			    ms.m[k].len != len || ms.m[k].value != len)
				fails++;
	}
	ok(fails == 0 && k == ms.n,
	    "all %zu matches of a .. a^50 in a^100, longest first", k);
	fb_ac_free(ac);
	free(ms.m);
	free(text);
}

/*---- Random cross-check against a naive search ----*/

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: deterministic, so a failure repeats. */
static uint32_t
rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

struct patset {
	uint32_t *cps;		/* all patterns, one after another */
	size_t *off;		/* pattern k: cps[off[k] .. off[k + 1]) */
	size_t n;
};

static size_t
patlen(const struct patset *ps, size_t k)
{
	return ps->off[k + 1] - ps->off[k];
}

/* Every occurrence, in the order fb_ac_scan promises. */
static void
naive(const struct patset *ps, size_t maxlen, const uint32_t *text,
    size_t n, struct matches *out)
{
	size_t end, len, k;

	for (end = 1; end <= n; end++)
		for (len = end < maxlen ? end : maxlen; len >= 1; len--)
			for (k = 0; k < ps->n; k++)
				if (patlen(ps, k) == len &&
				    memcmp(ps->cps + ps->off[k],
				    text + end - len, len * 4) == 0)
					matches_add(out, end, (uint32_t)len,
					    (uint32_t)k);
}

/*
 * 'sets' random sets of 1..maxpat patterns of 1..maxlen code points drawn
 * from 'alpha', each scanned over 'texts' random texts of 0..maxtext code
 * points, then once more stopping at a random match.
 */
static void
cross_check(const char *name, const uint32_t *alpha, uint32_t asize,
    int sets, uint32_t maxpat, uint32_t maxlen, uint32_t maxtext, int texts)
{
	struct patset ps;
	struct matches got = { 0 }, want = { 0 };
	uint32_t text[64];
	size_t k, j, tn, nmatch = 0, nscan = 0;
	int set, t, fails = 0, r;
	struct fb_ac *ac;

	ps.cps = malloc(maxpat * maxlen * sizeof(*ps.cps));
	ps.off = malloc((maxpat + 1) * sizeof(*ps.off));
	if (ps.cps == NULL || ps.off == NULL || maxtext > 64)
		abort();
	for (set = 0; set < sets; set++) {
		if ((ac = fb_ac_new()) == NULL)
			abort();
		ps.n = 1 + rnd(maxpat);
		ps.off[0] = 0;
		for (k = 0; k < ps.n; k++) {
			size_t len = 1 + rnd(maxlen);

			for (j = 0; j < len; j++)
				ps.cps[ps.off[k] + j] = alpha[rnd(asize)];
			ps.off[k + 1] = ps.off[k] + len;
			if (fb_ac_add(ac, ps.cps + ps.off[k], len,
			    (uint32_t)k) < 0)
				abort();
		}
		if (fb_ac_build(ac) < 0 || fb_ac_patterns(ac) != ps.n)
			abort();
		for (t = 0; t < texts; t++) {
			tn = rnd(maxtext + 1);
			for (j = 0; j < tn; j++)
				text[j] = alpha[rnd(asize)];
			matches_reset(&got);
			matches_reset(&want);
			r = fb_ac_scan(ac, text, tn, collect, &got);
			naive(&ps, maxlen, text, tn, &want);
			nscan++;
			nmatch += want.n;
			if ((r != 0 || !matches_equal(&got, &want)) &&
			    fails++ < 3)
				diag("%s: set %d text %d: %zu matches, "
				    "want %zu", name, set, t, got.n, want.n);
			if (want.n == 0)
				continue;
			matches_reset(&got);
			got.stop_at = 1 + rnd((uint32_t)want.n);
			got.stop_ret = 1000 + (int)got.stop_at;
			r = fb_ac_scan(ac, text, tn, collect, &got);
			want.n = got.stop_at;
			if ((r != got.stop_ret ||
			    !matches_equal(&got, &want)) && fails++ < 3)
				diag("%s: set %d text %d: stop at %zu: "
				    "returned %d after %zu", name, set, t,
				    got.stop_at, r, got.n);
		}
		fb_ac_free(ac);
	}
	ok(fails == 0, "%s: %d pattern sets, %zu scans, %zu matches agree "
	    "with a naive search", name, sets, nscan, nmatch);
	free(ps.cps);
	free(ps.off);
	free(got.m);
	free(want.m);
}

static void
test_random(void)
{
	static const uint32_t abc[] = { 'a', 'b', 'c' };
	static const uint32_t ab[] = { 'a', 'b' };
	static const uint32_t cjk[] = { 0x4e0d, 0x6ca1, 0x6709, 0x7834 };
	static const uint32_t wide[] = { 0, 'a', 0x4e2d, 0xffff, 0x10000,
	    0x10ffff, 0x110000, 0xfffffffe, 0xffffffff };

	cross_check("3 letters, up to 8 patterns of 1-5", abc, 3, 4000, 8, 5,
	    40, 3);
	cross_check("2 letters, up to 30 patterns of 1-6", ab, 2, 1000, 30, 6,
	    40, 3);
	cross_check("4 CJK characters, up to 12 patterns of 1-4", cjk, 4, 1000,
	    12, 4, 40, 3);
	cross_check("NUL to 0xFFFFFFFF, up to 12 patterns of 1-3", wide, 9,
	    1000, 12, 3, 40, 3);
}

/*---- 10,000 patterns over a million code points ----*/

#define BIG_ALPHA 2000		/* CJK characters from U+4E00 */

static int
match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

static void
test_big(void)
{
	size_t npat = 10000, n = (size_t)1 << 20, k, j, i, len, planted = 0;
	struct patset ps;
	size_t *first;		/* bucket ends, by first character */
	size_t *byfirst;
	uint32_t *text, c;
	struct matches got = { 0 }, want = { 0 };
	struct fb_ac *ac;
	int r;

	ps.cps = malloc(npat * 10 * sizeof(*ps.cps));
	ps.off = malloc((npat + 1) * sizeof(*ps.off));
	first = calloc(BIG_ALPHA + 1, sizeof(*first));
	byfirst = malloc(npat * sizeof(*byfirst));
	text = malloc(n * sizeof(*text));
	if (ps.cps == NULL || ps.off == NULL || first == NULL ||
	    byfirst == NULL || text == NULL || (ac = fb_ac_new()) == NULL)
		abort();
	ps.n = npat;
	ps.off[0] = 0;
	r = 0;
	for (k = 0; k < npat; k++) {
		len = 2 + rnd(9);
		for (j = 0; j < len; j++)
			ps.cps[ps.off[k] + j] = 0x4e00 + rnd(BIG_ALPHA);
		ps.off[k + 1] = ps.off[k] + len;
		r |= fb_ac_add(ac, ps.cps + ps.off[k], len, (uint32_t)k);
	}
	is_int(r, 0, "add 10,000 random CJK patterns of 2-10 characters");
	is_int(fb_ac_build(ac), 0, "build the automaton");
	is_uint(fb_ac_patterns(ac), npat, "it holds 10,000 patterns");

	/* Random CJK and ASCII, with a known pattern every 60 or so places. */
	for (i = 0; i < n; i++)
		text[i] = rnd(10) < 7 ? 0x4e00 + rnd(BIG_ALPHA) : 'a' + rnd(27);
	for (i = rnd(60); i < n; i += len + rnd(60)) {
		k = rnd((uint32_t)npat);
		len = patlen(&ps, k);
		if (i + len > n)
			break;
		memcpy(text + i, ps.cps + ps.off[k], len * sizeof(*text));
		planted++;
	}
	r = fb_ac_scan(ac, text, n, collect, &got);
	is_int(r, 0, "scan 1M code points");
	ok(got.n >= planted, "at least the %zu planted patterns found (%zu)",
	    planted, got.n);

	/* A naive search, affordable with patterns by first character. */
	for (k = 0; k < npat; k++)
		first[ps.cps[ps.off[k]] - 0x4e00 + 1]++;
	for (c = 1; c <= BIG_ALPHA; c++)
		first[c] += first[c - 1];
	for (k = 0; k < npat; k++)
		byfirst[first[ps.cps[ps.off[k]] - 0x4e00]++] = k;
	/* first[c] is now the end of c's run; the start is first[c - 1]. */
	for (i = 0; i < n; i++) {
		if (text[i] < 0x4e00 || text[i] >= 0x4e00 + BIG_ALPHA)
			continue;
		c = text[i] - 0x4e00;
		for (j = c ? first[c - 1] : 0; j < first[c]; j++) {
			k = byfirst[j];
			len = patlen(&ps, k);
			if (i + len <= n && memcmp(text + i,
			    ps.cps + ps.off[k], len * sizeof(*text)) == 0)
				matches_add(&want, i + len, (uint32_t)len,
				    (uint32_t)k);
		}
	}
	qsort(want.m, want.n, sizeof(*want.m), match_cmp);
	ok(matches_equal(&got, &want),
	    "all %zu matches agree with a naive search, in order", want.n);

	fb_ac_free(ac);
	free(ps.cps);
	free(ps.off);
	free(first);
	free(byfirst);
	free(text);
	free(got.m);
	free(want.m);
}

int
main(void)
{
	test_examples();
	test_large_code_points();
	test_api();
	test_long_patterns();
	test_random();
	test_big();
	return done_testing();
}
