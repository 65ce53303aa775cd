/*
 * test_fold.c: interned strings (fb_pool.c) and items held with their
 * events until they close (fb_fold.c): numbering, lookups after growth,
 * removal from the probe chains, the closing heap against a naive
 * model of when each closed item must be finished, the ids remembered
 * as done, and the held items' order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "fb_cli.h"
#include "tap.h"

#define HOUR	(3600 * 1000LL)

static void
test_pool(void)
{
	struct fb_pool pl = { 0 };
	char buf[32];
	uint32_t k[5000];
	int i, bad = 0;

	is_int(fb_pool_intern(&pl, NULL, 0), 0, "NULL is 0");
	is_int(fb_pool_intern(&pl, "app", 3), 1, "first string is 1");
	is_int(fb_pool_intern(&pl, "web", 3), 2, "second is 2");
	is_int(fb_pool_intern(&pl, "app", 3), 1, "the same string again");
	is_int(fb_pool_intern(&pl, "a\0b", 3), 3, "bytes with a NUL");
	is_int(fb_pool_len(&pl, 3), 3, "its length is kept");
	is_int(fb_pool_find(&pl, "a", 1), 0, "a prefix is another string");
	is_str(fb_pool_str(&pl, 2), "web", "the string of a number");
	ok(fb_pool_str(&pl, 0) == NULL && fb_pool_str(&pl, 99) == NULL,
	    "no string for 0 or a number not given");
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "v%d", i);
		k[i] = fb_pool_intern(&pl, buf, strlen(buf));
	}
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "v%d", i);
		bad += fb_pool_find(&pl, buf, strlen(buf)) != k[i] ||
		    strcmp(fb_pool_str(&pl, k[i]), buf) != 0;
	}
	is_int(bad, 0, "5000 strings found again after the table grew");
	is_int(k[4999], 5003, "numbers follow the order of first sight");
	fb_pool_release(&pl);
}

/* What the finish callback saw. */
struct seen {
	char ids[64][16];
	int n;
	int stop_at;		/* return -1 on this call, 0 for never */
	int released;
};

static int
on_finish(void *arg, struct fb_fold_item *it)
{
	struct seen *s = arg;

	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", it->id);
	s->n++;
	return s->n == s->stop_at ? -1 : 0;
}

static void
on_release(void *arg, void *data)
{
	struct seen *s = arg;

	s->released++;
	free(data);
}

static struct fb_fold *
new_fold(struct seen *s, int64_t lateness, int hold)
{
	struct fb_fold_conf c = { 0 };

	memset(s, 0, sizeof(*s));
	c.lateness = lateness;
	c.now = 1000 * HOUR;
	c.hold = hold;
	c.finish = on_finish;
	c.release = on_release;
	c.arg = s;
	return fb_fold_create(&c);
}

static struct fb_fold_item *
item(struct fb_fold *f, const char *id, fb_time_t ts)
{
	struct fb_fold_item *it = fb_fold_get(f, id, strlen(id), 1);

	fb_fold_seen(f, it, ts);
	if (it->data == NULL)
		it->data = malloc(8);
	return it;
}

static void
test_lateness(void)
{
	struct fb_fold_item *a, *b, *c;
	struct seen s;
	struct fb_fold *f = new_fold(&s, 2 * HOUR, 0);

	a = item(f, "a", 0);
	fb_fold_add_event(a, FB_SLA_CLOSED, 5 * HOUR);
	fb_fold_add_event(a, FB_SLA_CLOSED, 3 * HOUR);
	is_int(a->closed_at, 3 * HOUR, "the earliest close counts");
	is_int(fb_fold_settle(f, a, 0), 0, "settle");
	b = item(f, "b", HOUR);
	fb_fold_add_event(b, FB_SLA_CLOSED, 2 * HOUR);
	fb_fold_settle(f, b, HOUR);
	c = item(f, "c", HOUR);
	fb_fold_settle(f, c, HOUR);
	is_int(s.n, 0, "nothing finished before the stream passes close + lateness");
	fb_fold_settle(f, NULL, 4 * HOUR);
	is_int(s.n, 1, "b (closed 2h) finished at 4h");
	is_str(s.ids[0], "b", "b first: the earliest close");
	ok(fb_fold_get(f, "b", 1, 0) == NULL && fb_fold_done(f, "b", 1),
	    "b is forgotten and remembered as done");
	fb_fold_settle(f, NULL, 3 * HOUR);
	is_int(s.n, 1, "the stream's time never goes back");
	fb_fold_settle(f, NULL, 5 * HOUR);
	is_int(s.n, 2, "a (closed 3h) at 5h");
	is_int((long long)fb_fold_count(f), 1, "c, never closed, still held");
	fb_fold_get(f, "orphan", 6, 1);
	fb_fold_add_event(fb_fold_get(f, "orphan", 6, 0), FB_SLA_RESOLVED,
	    HOUR);
	is_int(fb_fold_finish_all(f), 0, "finish all");
	is_int(s.n, 3, "c finished at the end, the orphan not");
	{
		uint64_t items, events;
		const char *ex;

		fb_fold_orphans(f, &items, &events, &ex);
		ok(items == 1 && events == 1 && strcmp(ex, "orphan") == 0,
		    "the orphan counted: 1 item, 1 event, its id");
	}
	is_int(s.released, 3, "each item's data released once");
	fb_fold_free(f);
}

static void
test_hold_and_order(void)
{
	struct fb_fold_item **v;
	struct seen s;
	struct fb_fold *f = new_fold(&s, 0, 1);
	char id[16];
	size_t n;
	int i, bad = 0;

	fb_fold_get(f, "early-event", 11, 1);
	for (i = 0; i < 3000; i++) {
		snprintf(id, sizeof(id), "i%04d", i);
		fb_fold_add_event(item(f, id, i), FB_SLA_CLOSED, i);
		fb_fold_settle(f, fb_fold_get(f, id, strlen(id), 0), 2 * i);
	}
	is_int(s.n, 0, "hold: nothing finished before finish_all");
	/* take out every third, so that probe chains have gaps */
	for (i = 0; i < 3000; i += 3) {
		snprintf(id, sizeof(id), "i%04d", i);
		fb_fold_forget(f, fb_fold_get(f, id, strlen(id), 0));
	}
	for (i = 0; i < 3000; i++) {
		snprintf(id, sizeof(id), "i%04d", i);
		bad += (fb_fold_get(f, id, strlen(id), 0) == NULL) != (i % 3 == 0);
	}
	is_int(bad, 0, "after removals every other item is still found");
	v = fb_fold_held(f, &n);
	is_int((long long)n, 2001, "2000 items and one event-only entry held");
	ok(strcmp(v[0]->id, "i0001") == 0 && strcmp(v[1]->id, "i0002") == 0 &&
	    strcmp(v[n - 1]->id, "early-event") == 0,
	    "held in the order items came, event-only entries last");
	free(v);
	s.stop_at = 5;
	is_int(fb_fold_finish_all(f), -1, "a finish that fails stops the rest");
	is_int(s.n, 5, "no finish after the failure");
	is_int((long long)fb_fold_count(f), 0, "and every item is let go");
	fb_fold_free(f);
}

static void
test_read(void)
{
	struct fb_sla_ev times[FB_FOLD_TIMES];
	struct fb_rec rec;
	struct fb_error err;
	enum fb_sla_event kind;
	const char *id, *line;
	size_t len, n;
	fb_time_t t;

	fb_rec_init(&rec);
	line = "{\"type\":\"event\",\"id\":\"x1\",\"event\":\"csat\","
	    "\"ts\":\"2026-10-01T00:00:00Z\",\"score\":4}";
	fb_rec_parse(&rec, line, strlen(line), NULL);
	ok(fb_fold_read_event(&rec, &id, &len, &kind, &t, &err) == 0 &&
	    len == 2 && kind == FB_SLA_CSAT, "an event line");
	line = "{\"type\":\"event\",\"id\":\"x1\",\"event\":\"closd\","
	    "\"ts\":\"2026-10-01T00:00:00Z\"}";
	fb_rec_parse(&rec, line, strlen(line), NULL);
	ok(fb_fold_read_event(&rec, &id, &len, &kind, &t, &err) < 0 &&
	    strstr(err.msg, "unknown event 'closd'") != NULL,
	    "an unknown event is named");
	line = "{\"id\":\"x2\",\"ts\":\"2026-10-01T00:00:00Z\","
	    "\"resolved_at\":\"2026-10-02T00:00:00Z\",\"closed_at\":null}";
	fb_rec_parse(&rec, line, strlen(line), NULL);
	ok(fb_fold_read_item(&rec, &id, &len, &t, times, &n, &err) == 0 &&
	    n == 1 && times[0].kind == FB_SLA_RESOLVED,
	    "an item's own times are events; null is none");
	line = "{\"id\":\"x3\",\"ts\":\"yesterday\"}";
	fb_rec_parse(&rec, line, strlen(line), NULL);
	ok(fb_fold_read_item(&rec, &id, &len, &t, times, &n, &err) < 0 &&
	    strstr(err.msg, "RFC 3339") != NULL, "a bad ts is named");
	fb_rec_release(&rec);
}

int
main(void)
{
	test_pool();
	test_lateness();
	test_hold_and_order();
	test_read();
	return done_testing();
}
