/*
 * fb_recent.c: a bounded memory of recent events by key, for the
 * questions "what did this customer complain about in the last 30 days"
 * and "how many complaints about this SKU today" asked of an endless
 * stream.
 *
 * Events live in a ring of 'cap' fixed-size entries in arrival order; each
 * links to the previous event with the same key, and a hash table maps a
 * key to its newest event.  When the ring is full the oldest event is
 * overwritten, so memory never grows: an entry's sequence number tells
 * whether a link or a table slot still points at a live event.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"

struct recent_head {
	uint64_t key;
	uint64_t seq;		/* of the newest event with 'key' */
};

struct fb_recent {
	unsigned char *ring;	/* cap entries of 'esize' bytes */
	size_t cap, esize, payload;
	uint64_t next;		/* the sequence number of the next event */
	struct recent_head *heads;	/* seq 0 = empty */
	size_t nheads, used;	/* slots; slots holding a key (live or stale) */
};

/* What each ring entry starts with; the payload follows. */
struct recent_entry {
	uint64_t seq;
	uint64_t prev;		/* seq of the previous event with 'key' */
	fb_time_t ts;
};

#define ENTRY(r, seq) \
	((struct recent_entry *)((r)->ring + ((seq) % (r)->cap) * (r)->esize))

static int
live(const struct fb_recent *r, uint64_t seq)
{
	return seq != 0 && seq < r->next && r->next - seq <= r->cap &&
	    ENTRY(r, seq)->seq == seq;
}

static uint64_t
mix(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key;
}

struct fb_recent *
fb_recent_create(size_t cap, size_t payload)
{
	struct fb_recent *r;
	size_t n = 16;

	if (cap == 0 || cap > SIZE_MAX / 4)
		return NULL;
	while (n < cap * 2)
		n *= 2;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->cap = cap;
	r->payload = payload;
	r->esize = (sizeof(struct recent_entry) + payload + 7) & ~(size_t)7;
	r->next = 1;
	r->nheads = n;
	r->ring = calloc(cap, r->esize);
	r->heads = calloc(n, sizeof(*r->heads));
	if (r->ring == NULL || r->heads == NULL) {
		fb_recent_free(r);
		return NULL;
	}
	return r;
}

/* Drops the stale keys, whose slots only lengthen the probes. */
static void
sweep(struct fb_recent *r)
{
	struct recent_head *old = r->heads;
	size_t i, mask = r->nheads - 1;

	if ((r->heads = calloc(r->nheads, sizeof(*r->heads))) == NULL) {
		r->heads = old;	/* keep working, slower */
		return;
	}
	r->used = 0;
	for (i = 0; i < r->nheads; i++) {
		size_t k;

		if (old[i].seq == 0 || !live(r, old[i].seq))
			continue;
		for (k = mix(old[i].key) & mask; r->heads[k].seq != 0;
		    k = (k + 1) & mask)
			;
		r->heads[k] = old[i];
		r->used++;
	}
	free(old);
}

void *
fb_recent_add(struct fb_recent *r, uint64_t key, fb_time_t ts)
{
	size_t mask = r->nheads - 1, k, reuse = SIZE_MAX;
	struct recent_entry *e;
	uint64_t seq = r->next, prev = 0;

	if (r->used * 4 >= r->nheads * 3)
		sweep(r);
	/* a failed sweep must not fill the table: probes would never end */
	if (r->used * 8 >= r->nheads * 7)
		return NULL;
	for (k = mix(key) & mask; r->heads[k].seq != 0; k = (k + 1) & mask) {
		if (r->heads[k].key == key)
			break;
		if (reuse == SIZE_MAX && !live(r, r->heads[k].seq))
			reuse = k;
	}
	if (r->heads[k].seq != 0) {
		if (live(r, r->heads[k].seq))
			prev = r->heads[k].seq;
	} else if (reuse != SIZE_MAX)
		k = reuse;
	else
		r->used++;
	r->heads[k].key = key;
	r->heads[k].seq = seq;
	r->next++;
	e = ENTRY(r, seq);
	memset(e, 0, r->esize);
	e->seq = seq;
	e->prev = prev;
	e->ts = ts;
	return e + 1;
}

void
fb_recent_prefetch(const struct fb_recent *r, uint64_t key)
{
#if defined(__GNUC__)
	__builtin_prefetch(&r->heads[mix(key) & (r->nheads - 1)]);
#else
	(void)r;
	(void)key;
#endif
}

const void *
fb_recent_first(const struct fb_recent *r, uint64_t key, uint64_t *it,
    fb_time_t *ts)
{
	size_t mask = r->nheads - 1, k;

	for (k = mix(key) & mask; r->heads[k].seq != 0; k = (k + 1) & mask)
		if (r->heads[k].key == key) {
			*it = r->heads[k].seq;
			if (!live(r, *it))
				return NULL;
			*ts = ENTRY(r, *it)->ts;
			return ENTRY(r, *it) + 1;
		}
	return NULL;
}

const void *
fb_recent_next(const struct fb_recent *r, uint64_t *it, fb_time_t *ts)
{
	const struct recent_entry *e;

	if (!live(r, *it))
		return NULL;
	*it = ENTRY(r, *it)->prev;
	if (!live(r, *it))
		return NULL;
	e = ENTRY(r, *it);
	*ts = e->ts;
	return e + 1;
}

size_t
fb_recent_bytes(const struct fb_recent *r)
{
	return sizeof(*r) + r->cap * r->esize + r->nheads * sizeof(*r->heads);
}

void
fb_recent_free(struct fb_recent *r)
{
	if (r == NULL)
		return;
	free(r->ring);
	free(r->heads);
	free(r);
}
