/*
 * fb_fold.c: feedback items held by id with their lifecycle events until
 * they close, for the tools that work out SLA clocks (fb-sla, fb-report).
 *
 * Items and events come in any order.  An item closes for good at its
 * first `closed` event; it then waits until the stream's time has moved
 * 'lateness' past the close, so that events written down late or read
 * from another file still count, and is finished: handed to the tool,
 * remembered as done, and forgotten.  Memory is therefore proportional to
 * the items still open.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "fb_cli.h"

#define RECENT_DONE	131072	/* finished ids remembered for late events */

struct closing {
	fb_time_t at;
	struct fb_fold_item *it;
};

struct fb_fold {
	struct fb_fold_conf conf;
	struct fb_fold_item **slot;	/* open addressing by id */
	size_t cap, n;
	uint64_t seq;
	fb_time_t latest;	/* the stream's time, up to now */
	struct closing *heap;	/* closed items waiting out the lateness */
	size_t nheap, heapcap;
	struct fb_recent *done;
	uint64_t orphan_items, orphan_events;
	char *orphan_example;
};

static uint64_t
id_hash(const char *id, size_t len)
{
	uint64_t h[2];

	fb_hash128(id, len, 0x51a, h);
	return h[0];
}

struct fb_fold *
fb_fold_create(const struct fb_fold_conf *conf)
{
	struct fb_fold *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->conf = *conf;
	f->latest = FB_TIME_MIN;
	if ((f->done = fb_recent_create(RECENT_DONE, 0)) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

static void
item_free(struct fb_fold *f, struct fb_fold_item *it)
{
	if (it->data != NULL && f->conf.release != NULL)
		f->conf.release(f->conf.arg, it->data);
	free(it->ev);
	free(it->id);
	free(it);
}

void
fb_fold_free(struct fb_fold *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->cap; i++)
		if (f->slot[i] != NULL)
			item_free(f, f->slot[i]);
	free(f->slot);
	free(f->heap);
	free(f->orphan_example);
	fb_recent_free(f->done);
	free(f);
}

static size_t
slot_of(const struct fb_fold *f, const char *id, size_t len, uint64_t h)
{
	size_t j, mask = f->cap - 1;

	for (j = h & mask; f->slot[j] != NULL; j = (j + 1) & mask)
		if (f->slot[j]->hash == h && f->slot[j]->idlen == len &&
		    memcmp(f->slot[j]->id, id, len) == 0)
			break;
	return j;
}

static void
grow(struct fb_fold *f)
{
	struct fb_fold_item **old = f->slot;
	size_t oldcap = f->cap, i;

	f->cap = f->cap ? f->cap * 2 : 1024;
	f->slot = fb_xcalloc(f->cap, sizeof(*f->slot));
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			f->slot[slot_of(f, old[i]->id, old[i]->idlen,
			    old[i]->hash)] = old[i];
	free(old);
}

struct fb_fold_item *
fb_fold_get(struct fb_fold *f, const char *id, size_t len, int make)
{
	uint64_t h = id_hash(id, len);
	struct fb_fold_item *it;
	size_t j;

	if ((f->n + 1) * 4 > f->cap * 3)
		grow(f);
	j = slot_of(f, id, len, h);
	if (f->slot[j] != NULL || !make)
		return f->slot[j];
	it = fb_xcalloc(1, sizeof(*it));
	it->id = fb_xstrndup(id, len);
	it->idlen = len;
	it->hash = h;
	it->closed_at = FB_TIME_MAX;
	it->last_event = FB_TIME_MIN;
	f->slot[j] = it;
	f->n++;
	return it;
}

/* Takes 'it' out of the table, closing the gap (linear probing). */
static void
table_remove(struct fb_fold *f, const struct fb_fold_item *it)
{
	size_t mask = f->cap - 1, i, j, home;

	i = slot_of(f, it->id, it->idlen, it->hash);
	if (f->slot[i] != it)
		return;
	f->slot[i] = NULL;
	f->n--;
	for (j = (i + 1) & mask; f->slot[j] != NULL; j = (j + 1) & mask) {
		home = f->slot[j]->hash & mask;
		/* moves back what cannot be found past the gap at i */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			f->slot[i] = f->slot[j];
			f->slot[j] = NULL;
			i = j;
		}
	}
}

int
fb_fold_done(const struct fb_fold *f, const char *id, size_t len)
{
	uint64_t cursor;
	fb_time_t ts;

	return fb_recent_first(f->done, id_hash(id, len), &cursor, &ts) !=
	    NULL;
}

static void
mark_done(struct fb_fold *f, const char *id, size_t len,
    fb_time_t ts)
{
	if (fb_recent_add(f->done, id_hash(id, len), ts) == NULL)
		fb_diex("out of memory");
}

void
fb_fold_seen(struct fb_fold *f, struct fb_fold_item *it, fb_time_t created)
{
	if (!it->have_item)
		it->seq = f->seq++;
	it->have_item = 1;
	it->created = created;
}

void
fb_fold_add_event(struct fb_fold_item *it, enum fb_sla_event kind,
    fb_time_t ts)
{
	if (it->nev == it->evcap) {
		it->evcap = it->evcap ? it->evcap * 2 : 4;
		it->ev = fb_xrealloc(it->ev, it->evcap, sizeof(*it->ev));
	}
	it->ev[it->nev].ts = ts;
	it->ev[it->nev].kind = kind;
	it->nev++;
	if (kind == FB_SLA_CLOSED && ts < it->closed_at)
		it->closed_at = ts;
}

int
fb_fold_finish(struct fb_fold *f, struct fb_fold_item *it)
{
	int rc = 0;

	if (f->conf.finish != NULL)
		rc = f->conf.finish(f->conf.arg, it);
	mark_done(f, it->id, it->idlen, it->created);
	fb_fold_forget(f, it);
	return rc;
}

void
fb_fold_forget(struct fb_fold *f, struct fb_fold_item *it)
{
	table_remove(f, it);
	item_free(f, it);
}

static void
heap_push(struct fb_fold *f, struct fb_fold_item *it)
{
	struct closing c = { it->closed_at, it };
	size_t i, up;

	if (f->nheap == f->heapcap) {
		f->heapcap = f->heapcap ? f->heapcap * 2 : 1024;
		f->heap = fb_xrealloc(f->heap, f->heapcap, sizeof(*f->heap));
	}
	for (i = f->nheap++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (f->heap[up].at <= c.at)
			break;
		f->heap[i] = f->heap[up];
	}
	f->heap[i] = c;
	it->waiting = 1;
}

static struct fb_fold_item *
heap_pop(struct fb_fold *f)
{
	struct fb_fold_item *top = f->heap[0].it;
	struct closing last = f->heap[--f->nheap];
	size_t i = 0, kid;

	for (;;) {
		kid = 2 * i + 1;
		if (kid >= f->nheap)
			break;
		if (kid + 1 < f->nheap && f->heap[kid + 1].at < f->heap[kid].at)
			kid++;
		if (last.at <= f->heap[kid].at)
			break;
		f->heap[i] = f->heap[kid];
		i = kid;
	}
	if (f->nheap > 0)
		f->heap[i] = last;
	return top;
}

int
fb_fold_settle(struct fb_fold *f, struct fb_fold_item *it, fb_time_t t)
{
	/* closing is final, so a closed item waits only for late events */
	if (it != NULL && !f->conf.hold && f->conf.lateness >= 0 &&
	    !it->waiting && it->have_item && it->closed_at <= f->conf.now)
		heap_push(f, it);
	if (t > f->conf.now)
		t = f->conf.now;
	if (t > f->latest)
		f->latest = t;
	while (f->nheap > 0 &&
	    f->heap[0].at <= f->latest - f->conf.lateness)
		if (fb_fold_finish(f, heap_pop(f)) < 0)
			return -1;
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct fb_fold_item *x = *(struct fb_fold_item *const *)a;
	const struct fb_fold_item *y = *(struct fb_fold_item *const *)b;

	if (x->have_item != y->have_item)
		return x->have_item ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct fb_fold_item **
fb_fold_held(const struct fb_fold *f, size_t *n)
{
	struct fb_fold_item **v;
	size_t i, k = 0;

	v = fb_xcalloc(f->n + 1, sizeof(*v));
	for (i = 0; i < f->cap; i++)
		if (f->slot[i] != NULL)
			v[k++] = f->slot[i];
	qsort(v, k, sizeof(*v), by_seq);
	*n = k;
	return v;
}

int
fb_fold_finish_all(struct fb_fold *f)
{
	struct fb_fold_item **v;
	size_t i, n;
	int rc = 0;

	v = fb_fold_held(f, &n);
	for (i = 0; i < n; i++) {
		if (!v[i]->have_item) {
			f->orphan_items++;
			f->orphan_events += v[i]->nev;
			if (f->orphan_example == NULL)
				f->orphan_example = fb_xstrdup(v[i]->id);
			fb_fold_forget(f, v[i]);
		} else if (rc == 0) {
			rc = fb_fold_finish(f, v[i]);
		} else {
			fb_fold_forget(f, v[i]);
		}
	}
	free(v);
	f->nheap = 0;
	return rc;
}

void
fb_fold_orphans(const struct fb_fold *f, uint64_t *items, uint64_t *events,
    const char **example)
{
	*items = f->orphan_items;
	*events = f->orphan_events;
	*example = f->orphan_example;
}

void
fb_fold_warn_orphans(const struct fb_fold *f)
{
	if (f->orphan_events > 0)
		fb_warning("%llu events for %llu items not in the input were "
		    "not counted (e.g. '%s'); read further back to include "
		    "their items", (unsigned long long)f->orphan_events,
		    (unsigned long long)f->orphan_items, f->orphan_example);
}

size_t
fb_fold_count(const struct fb_fold *f)
{
	return f->n;
}

int
fb_fold_read_event(struct fb_rec *rec, const char **id, size_t *idlen,
    enum fb_sla_event *kind, fb_time_t *ts, struct fb_error *err)
{
	const char *name, *s;
	size_t len;

	if ((*id = fb_rec_get_str(rec, "id", idlen)) == NULL || *idlen == 0)
		return fb_error_set(err, "an event needs the id of its item");
	if ((name = fb_rec_get_str(rec, "event", NULL)) == NULL ||
	    fb_sla_event_parse(name, kind) < 0)
		return fb_error_set(err, "unknown event '%s' (assigned, "
		    "first_response, response, customer_reply, pending, "
		    "resumed, resolved, reopened, closed or csat)",
		    name ? name : "");
	if ((s = fb_rec_get_str(rec, "ts", &len)) == NULL ||
	    fb_time_parse_rfc3339(s, len, ts) < 0)
		return fb_error_set(err, "an event needs a ts in RFC 3339 "
		    "(2026-11-22T02:15:00Z)");
	return 0;
}

int
fb_fold_read_item(struct fb_rec *rec, const char **id, size_t *idlen,
    fb_time_t *created, struct fb_sla_ev times[FB_FOLD_TIMES], size_t *n,
    struct fb_error *err)
{
	static const struct {
		const char *field;
		enum fb_sla_event kind;
	} fields[FB_FOLD_TIMES] = {
		{ "first_response_at", FB_SLA_FIRST_RESPONSE },
		{ "resolved_at", FB_SLA_RESOLVED },
		{ "closed_at", FB_SLA_CLOSED },
	};
	struct fb_span raw;
	const char *s;
	size_t i, len;
	fb_time_t t;

	if ((*id = fb_rec_get_str(rec, "id", idlen)) == NULL || *idlen == 0)
		return fb_error_set(err, "an item needs an id (run fb-ingest "
		    "first)");
	if ((s = fb_rec_get_str(rec, "ts", &len)) == NULL ||
	    fb_time_parse_rfc3339(s, len, created) < 0)
		return fb_error_set(err, "an item needs a ts in RFC 3339 "
		    "(2026-11-22T02:15:00Z)");
	*n = 0;
	for (i = 0; i < FB_FOLD_TIMES; i++) {
		if (!fb_rec_raw(rec, fields[i].field, &raw) ||
		    (raw.len == 4 && memcmp(raw.p, "null", 4) == 0))
			continue;
		if ((s = fb_rec_get_str(rec, fields[i].field, &len)) == NULL ||
		    fb_time_parse_rfc3339(s, len, &t) < 0)
			return fb_error_set(err, "%s is not an RFC 3339 time",
			    fields[i].field);
		times[*n].ts = t;
		times[(*n)++].kind = fields[i].kind;
	}
	return 0;
}
