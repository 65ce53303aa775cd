/*
 * test_recent.c: the bounded memory of recent events by key
 * (fb_recent.c): newest-first iteration, zeroed payloads, the capacity
 * (the oldest forgotten, never returned), key 0, the fixed size, and a
 * long random run against a naive model, with many more keys than the
 * ring holds and keys that all hash to one slot, so that the table's
 * stale-slot reuse and sweeps are exercised.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "rng.h"
#include "tap.h"

/* What the tests keep in a payload. */
struct pay {
	uint64_t serial;	/* the event's number in the test */
	uint64_t key;
	unsigned char fill[13];	/* odd-sized, written in full */
};

/*
 * The inverse of fb_recent.c's mix(), so that keys can be made whose
 * table slot is chosen: mix is x ^= x >> 33; x *= C; x ^= x >> 33, and
 * x ^ x >> 33 is its own inverse.
 */
static uint64_t
unmix(uint64_t h)
{
	const uint64_t c = 0xff51afd7ed558ccdULL;
	uint64_t inv = c;
	int i;

	for (i = 0; i < 6; i++)
		inv *= 2 - c * inv;
	h ^= h >> 33;
	h *= inv;
	h ^= h >> 33;
	return h;
}

/* Every event of the model, in order of arrival. */
struct ev {
	uint64_t key;
	fb_time_t ts;
	uint64_t serial;
};

struct model {
	struct ev *v;
	size_t n, cap;		/* events; 'cap' the ring's */
	size_t vcap;
};

static void
model_add(struct model *m, uint64_t key, fb_time_t ts, uint64_t serial)
{
	if (m->n == m->vcap) {
		m->vcap = m->vcap ? m->vcap * 2 : 1024;
		if ((m->v = realloc(m->v, m->vcap * sizeof(*m->v))) == NULL)
			abort();
	}
	m->v[m->n].key = key;
	m->v[m->n].ts = ts;
	m->v[m->n].serial = serial;
	m->n++;
}

/* The serials of the remembered events of 'key', newest first. */
static size_t
model_query(const struct model *m, uint64_t key, uint64_t *out, size_t max)
{
	size_t i = m->n, lo = m->n > m->cap ? m->n - m->cap : 0, n = 0;

	while (i > lo) {
		i--;
		if (m->v[i].key == key && n < max)
			out[n++] = m->v[i].serial;
	}
	return n;
}

/* Adds an event to both; fills the payload (checked zero first). */
static int
add_both(struct fb_recent *r, struct model *m, uint64_t key, fb_time_t ts,
    uint64_t serial)
{
	struct pay *p = fb_recent_add(r, key, ts);
	/* every byte, padding too */
	static const unsigned char zero[sizeof(*p)];
	int zeroed;

	if (p == NULL)
		return 0;
	zeroed = memcmp((const unsigned char *)p, zero, sizeof(zero)) == 0 &&
	    ((uintptr_t)p & 7) == 0;
	p->serial = serial;
	p->key = key;
	memset(p->fill, 0xa5, sizeof(p->fill));
	model_add(m, key, ts, serial);
	return zeroed;
}

/*
 * Compares the iteration of 'key' with the model; on a mismatch says
 * why in 'why' and returns 0.
 */
static int
same_as_model(const struct fb_recent *r, const struct model *m, uint64_t key,
    char *why, size_t whysz)
{
	static uint64_t want[4096];
	size_t nwant = model_query(m, key, want, 4096), n = 0;
	const struct pay *p;
	uint64_t it = 0;
	fb_time_t ts = 0;

	for (p = fb_recent_first(r, key, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++) {
		if (n >= nwant) {
			snprintf(why, whysz, "key %#jx: event %zu (serial %ju) "
			    "beyond the model's %zu", (uintmax_t)key, n,
			    (uintmax_t)p->serial, nwant);
			return 0;
		}
		if (p->serial != want[n] || p->key != key ||
		    ts != m->v[want[n]].ts || p->fill[12] != 0xa5) {
			snprintf(why, whysz, "key %#jx: event %zu is serial "
			    "%ju (key %#jx, ts %jd), the model says %ju",
			    (uintmax_t)key, n, (uintmax_t)p->serial,
			    (uintmax_t)p->key, (intmax_t)ts,
			    (uintmax_t)want[n]);
			return 0;
		}
	}
	if (n != nwant) {
		snprintf(why, whysz, "key %#jx: %zu events, the model has %zu",
		    (uintmax_t)key, n, nwant);
		return 0;
	}
	return 1;
}

/*
 * The random run: 'ops' operations on a ring of 'cap', keys drawn from a
 * hot set, a warm set, colliding keys (when 'collide') and fresh ones.
 */
static void
random_run(size_t cap, long ops, int collide)
{
	struct fb_recent *r = fb_recent_create(cap, sizeof(struct pay));
	struct model m = { NULL, 0, cap, 0 };
	uint64_t hot[8], warm[512], recent_keys[64];
	size_t bytes, nrk = 0;
	long i, queries = 0, bad = 0, notzero = 0, badbytes = 0;
	char why[256] = "";

	if (r == NULL)
		abort();
	bytes = fb_recent_bytes(r);
	for (i = 0; i < 8; i++)
		hot[i] = collide ? unmix(((uint64_t)i + 1) << 24 | 3) :
		    (rnd() | 2);
	for (i = 0; i < 512; i++)
		warm[i] = collide && i % 2 ? unmix(((uint64_t)i + 9) << 24 |
		    3) : (rnd() | 2);
	for (i = 0; i < ops; i++) {
		uint64_t x = rnd(), key;
		unsigned kind = (unsigned)(x % 100);

		if (kind < 20)
			key = hot[(x >> 8) % 8];
		else if (kind < 45)
			key = warm[(x >> 8) % 512];
		else if (kind < 60 && nrk > 0)
			key = recent_keys[(x >> 8) % nrk];
		else if (collide && kind < 80)
			key = unmix((rnd() << 24) | 3);
		else
			key = rnd() | 2;	/* never 0 or 1: see key0() */
		if ((x >> 40) % 3 != 0) {
			if (!add_both(r, &m, key, (fb_time_t)(x >> 20) -
			    ((fb_time_t)1 << 40), (uint64_t)m.n))
				notzero++;
			recent_keys[nrk < 64 ? nrk++ : (x >> 50) % 64] = key;
		} else {
			queries++;
			if (!same_as_model(r, &m, key, why, sizeof(why)) &&
			    bad++ == 0)
				diag("op %ld: %s", i, why);
		}
		if (fb_recent_bytes(r) != bytes)
			badbytes++;
	}
	/* at the end every key of the ring's window answers as the model */
	for (i = 0; i < (long)cap && (size_t)i < m.n; i++) {
		uint64_t key = m.v[m.n - 1 - (size_t)i].key;

		if (!same_as_model(r, &m, key, why, sizeof(why)) && bad++ == 0)
			diag("at the end: %s", why);
	}
	is_int(bad, 0, "cap %zu%s: %ld ops, %ld queries and every live key "
	    "match the model", cap, collide ? ", colliding keys" : "", ops,
	    queries + i);
	is_int(notzero, 0, "cap %zu%s: every payload zeroed and aligned", cap,
	    collide ? ", colliding keys" : "");
	is_int(badbytes, 0, "cap %zu%s: fb_recent_bytes() never changes", cap,
	    collide ? ", colliding keys" : "");
	fb_recent_free(r);
	free(m.v);
}

/* Key 0 is a key like any other, not another key's alias. */
static void
key0(void)
{
	struct fb_recent *r = fb_recent_create(8, sizeof(uint64_t));
	const uint64_t *p;
	uint64_t it;
	fb_time_t ts;
	int n;

	*(uint64_t *)fb_recent_add(r, 0, 100) = 1000;
	p = fb_recent_first(r, 0, &it, &ts);
	ok(p != NULL && *p == 1000 && ts == 100, "key 0 is remembered");
	ok(p != NULL && fb_recent_next(r, &it, &ts) == NULL,
	    "with its one event");
	*(uint64_t *)fb_recent_add(r, 1, 200) = 2000;
	*(uint64_t *)fb_recent_add(r, 2, 300) = 3000;

	for (n = 0, p = fb_recent_first(r, 0, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++)
		if (*p != 1000)
			diag("key 0 returned the event of ts %jd, payload %ju",
			    (intmax_t)ts, (uintmax_t)*p);
	ok(n == 1, "BUG: key 0 still has exactly its own event after key 1 "
	    "is added (got %d events; fb_recent maps key 0 to 1)", n);
	for (n = 0, p = fb_recent_first(r, 1, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++)
		if (*p != 2000)
			diag("key 1 returned the event of ts %jd, payload %ju",
			    (intmax_t)ts, (uintmax_t)*p);
	ok(n == 1, "BUG: key 1 has exactly its own event, not key 0's "
	    "(got %d events)", n);
	fb_recent_free(r);
}

int
main(void)
{
	struct fb_recent *r;
	const struct pay *p;
	struct pay *w;
	uint64_t it, it2;
	fb_time_t ts;
	size_t bytes, n;
	int i, good;

	/* creation */
	ok(fb_recent_create(0, 8) == NULL, "create(0) is NULL");
	ok(fb_recent_create(0, 0) == NULL, "create(0, 0) is NULL");
	ok(fb_recent_create(SIZE_MAX, 8) == NULL, "create(SIZE_MAX) is NULL");
	r = fb_recent_create(1, 0);
	ok(r != NULL, "create(1, 0): no payload");
	ok(r != NULL && fb_recent_add(r, 5, 1) != NULL &&
	    fb_recent_first(r, 5, &it, &ts) != NULL && ts == 1,
	    "an event without payload is remembered");
	fb_recent_free(r);
	fb_recent_free(NULL);
	ok(1, "fb_recent_free(NULL) does nothing");

	/* an empty one */
	r = fb_recent_create(4, sizeof(struct pay));
	bytes = fb_recent_bytes(r);
	ok(bytes >= 4 * sizeof(struct pay), "fb_recent_bytes() counts the "
	    "ring: %zu", bytes);
	it = 12345;
	ok(fb_recent_first(r, 7, &it, &ts) == NULL, "nothing in a new one");
	ok(fb_recent_first(r, 0, &it, &ts) == NULL, "not even under key 0");

	/* newest first, payload zeroed and writable */
	for (i = 1; i <= 3; i++) {
		w = fb_recent_add(r, 42, i * 10);
		ok(w != NULL && ((uintptr_t)w & 7) == 0,
		    "add %d: a payload, 8-byte aligned", i);
		if (w == NULL)
			break;
		w->serial = (uint64_t)i;
		memset(w->fill, i, sizeof(w->fill));
	}
	n = 0;
	good = 1;
	for (p = fb_recent_first(r, 42, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts)) {
		if (p->serial != 3 - n || ts != (fb_time_t)(30 - 10 * n) ||
		    p->fill[12] != 3 - n)
			good = 0;
		n++;
	}
	ok(n == 3 && good, "three events, newest first, with their ts and "
	    "payloads (%zu)", n);
	/* NOLINTNEXTLINE(misc-redundant-expression): the end stays the end */
	ok(fb_recent_next(r, &it, &ts) == NULL &&
	    fb_recent_next(r, &it, &ts) == NULL,
	    "next after the end stays NULL");
	ok(fb_recent_first(r, 43, &it, &ts) == NULL, "another key: nothing");

	/* capacity: 4; add two more of key 42 and see the oldest go */
	w = fb_recent_add(r, 42, 40);
	w->serial = 4;
	w = fb_recent_add(r, 42, 50);
	ok(w->serial == 0 && w->fill[12] == 0,
	    "a reused entry's payload is zeroed again");
	w->serial = 5;
	n = 0;
	good = 1;
	for (p = fb_recent_first(r, 42, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++)
		if (p->serial != 5 - n)
			good = 0;
	ok(n == 4 && good, "after cap + 1 adds the 4 newest, newest first "
	    "(%zu)", n);
	is_uint(fb_recent_bytes(r), bytes, "the size has not changed");

	/* interleaved keys */
	fb_recent_free(r);
	r = fb_recent_create(6, sizeof(struct pay));
	for (i = 0; i < 6; i++) {
		w = fb_recent_add(r, i % 2 ? 0xbbbb : 0xaaaa, i);
		w->serial = (uint64_t)i;
	}
	n = 0;
	good = 1;
	for (p = fb_recent_first(r, 0xaaaa, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++)
		if (p->serial != 4 - 2 * n || ts != (fb_time_t)(4 - 2 * n))
			good = 0;
	ok(n == 3 && good, "interleaved: key a has 4, 2, 0");
	n = 0;
	good = 1;
	for (p = fb_recent_first(r, 0xbbbb, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts), n++)
		if (p->serial != 5 - 2 * n)
			good = 0;
	ok(n == 3 && good, "interleaved: key b has 5, 3, 1");

	/* two cursors at once */
	p = fb_recent_first(r, 0xaaaa, &it, &ts);
	ok(p != NULL && fb_recent_first(r, 0xbbbb, &it2, &ts) != NULL &&
	    fb_recent_next(r, &it, &ts) != NULL && ts == 2 &&
	    fb_recent_next(r, &it2, &ts) != NULL && ts == 3,
	    "two cursors do not disturb each other");

	/*
	 * Adding while iterating: the cursor at key a's event 2 must stop,
	 * not step into entries that were overwritten.
	 */
	p = fb_recent_first(r, 0xaaaa, &it, &ts);	/* event 4 */
	ok(p != NULL && fb_recent_next(r, &it, &ts) != NULL && ts == 2,
	    "a cursor on key a's event 2");
	w = fb_recent_add(r, 0xcccc, 6);	/* forgets event 0 */
	w->serial = 6;
	p = fb_recent_next(r, &it, &ts);
	ok(p == NULL, "its older event 0 was forgotten: the cursor ends");
	p = fb_recent_first(r, 0xaaaa, &it, &ts);	/* event 4 */
	ok(p != NULL && p->serial == 4, "a cursor on key a's event 4");
	for (i = 7; i < 12; i++) {	/* forgets 1..5 */
		w = fb_recent_add(r, 0xcccc, i);
		w->serial = (uint64_t)i;
	}
	ok(fb_recent_next(r, &it, &ts) == NULL,
	    "after its entry is overwritten, the cursor ends");
	ok(fb_recent_first(r, 0xaaaa, &it, &ts) == NULL &&
	    fb_recent_first(r, 0xbbbb, &it, &ts) == NULL,
	    "keys a and b are forgotten");
	n = 0;
	for (p = fb_recent_first(r, 0xcccc, &it, &ts); p != NULL;
	    p = fb_recent_next(r, &it, &ts))
		n++;
	is_int((long)n, 6, "key c has the 6 of the ring");
	fb_recent_free(r);

	/* key 0 */
	key0();

	/* many distinct keys, far beyond cap, each findable while live */
	r = fb_recent_create(100, sizeof(struct pay));
	bytes = fb_recent_bytes(r);
	{
		long missing = 0, extra = 0, stale = 0;
		const uint64_t g = 0x9e3779b97f4a7c15ULL;
		uint64_t k;

		for (k = 2; k < 1000002; k++) {
			w = fb_recent_add(r, k * g, (fb_time_t)k);
			w->serial = k;
			if (k % 997 == 0) {
				uint64_t j;

				for (j = k > 101 ? k - 99 : 2; j <= k; j++) {
					p = fb_recent_first(r, j * g, &it,
					    &ts);
					if (p == NULL || p->serial != j ||
					    ts != (fb_time_t)j)
						missing++;
					else if (fb_recent_next(r, &it, &ts))
						extra++;
				}
				if (k > 200 && fb_recent_first(r,
				    (k - 100) * g, &it, &ts) != NULL)
					stale++;
			}
		}
		is_int(missing, 0, "1,000,000 distinct keys through a ring of "
		    "100: every live key found");
		is_int(extra, 0, "each with one event");
		is_int(stale, 0, "and the key just forgotten is gone");
		is_uint(fb_recent_bytes(r), bytes,
		    "fb_recent_bytes() is what it was at creation");
	}
	fb_recent_free(r);

	/* random operations against the model */
	random_run(1, 20000, 0);
	random_run(2, 20000, 0);
	random_run(7, 60000, 0);
	random_run(7, 60000, 1);
	random_run(64, 100000, 0);
	random_run(64, 100000, 1);
	random_run(1000, 100000, 0);
	random_run(1000, 60000, 1);

	return done_testing();
}
