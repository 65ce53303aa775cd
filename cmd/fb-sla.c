/*
 * fb-sla: the SLA clocks of feedback items, derived from their lifecycle
 * events under the policies of share/fb/sla.conf (DESIGN.md 2).
 *
 * Items and events come in any order, so each item is held, with its
 * events, until it closes (closing is final) or the input ends; then its
 * clock is worked out once (lib/fb_sla.c) and the item is written with
 * `sla`, turned into alerts, or counted into the summary, and forgotten.
 * Memory is therefore proportional to the items still open, and a clock
 * is never stored: another policy or a late event gives the right answer
 * on the next run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_WITHIN = FB_OPT_TOOL,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_BY,
	OPT_CLOSE_WITHIN,
	OPT_FORMAT,
	OPT_LATENESS,
};

static const struct fb_opt opts[] = {
	{ 'p', "policy", "FILE", "the SLA policies (default sla.conf)" },
	{ 'b', "breaches", NULL, "an alert per open item breached or due soon" },
	{ 'w', "within", "DURATION", "count clocks due within DURATION at risk" },
	{ 's', "summary", NULL, "write compliance figures per group" },
	{ OPT_BY, "by", "LIST", "the summary's groups, e.g. priority,queue" },
	{ OPT_CLOSE_WITHIN, "close-within", "DURATION",
	    "the summary's closure window (default 48h)" },
	{ OPT_PARTIAL, "partial", NULL,
	    "write the summary's state, for --merge" },
	{ OPT_MERGE, "merge", NULL, "combine --partial states into a summary" },
	{ 'e', "explain", "ID", "print the clock of item ID as a timeline" },
	{ OPT_FORMAT, "format", "FMT", "--summary as json (default) or text" },
	{ OPT_LATENESS, "lateness", "DURATION",
	    "how long to wait for events of closed items" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-sla [-qv] [-p policy] [-w duration] [--now time] [file ...]",
	"fb-sla --breaches [-w duration] [-p policy] [--now time] [file ...]",
	"fb-sla --summary [--by list] [--close-within duration] [file ...]",
	"fb-sla --merge [--partial] [--format fmt] [file ...]",
	"fb-sla --explain id [-p policy] [--now time] [--tz zone] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Keep the SLA clocks of feedback items from their lifecycle events: "
	    "annotate, alert, summarise, explain.",
	opts, NULL,
	"fb-sla --breaches --within 30m items.ndjson events.ndjson.gz"
};

enum mode {
	MODE_ANNOTATE, MODE_BREACHES, MODE_SUMMARY, MODE_PARTIAL, MODE_MERGE,
	MODE_EXPLAIN
};

/*
 * What an item is grouped and matched by: the fields of struct
 * fb_sla_keys, and the policy, which is worked out from them.
 */
enum dim {
	D_PRIORITY, D_CHANNEL, D_CATEGORY, D_PROVINCE, D_TIER, D_QUEUE,
	NKEYS,
	D_POLICY = NKEYS,
	NDIMS
};

static const char *const dim_names[NDIMS] = {
	"priority", "channel", "category", "province", "tier", "queue",
	"policy"
};

/* Where each key is in a record. */
static const char *const key_paths[NKEYS] = {
	"priority", "channel", "category", "region.province",
	"customer.tier", "route.queue"
};

#define WARN_MAX	5	/* warnings of one kind before a count */

/*---- Interned strings: the few values of priority, channel, queue ----*/

#define pool_str fb_pool_str

/*---- Items held until they close (lib/fb_fold.c) ----*/

struct line_copy {
	char *p;
	size_t len;
};

/* What fb-sla keeps of a held item besides its events. */
struct held {
	uint32_t key[NKEYS];	/* interned, 0 when absent */
	struct line_copy *lines;	/* annotate: the item's lines */
	size_t nlines;
};

/* Every held item has one: made with the item (see hold()). */
static struct held *
held(const struct fb_fold_item *it)
{
	return it->data;
}

static void
held_release(void *arg, void *data)
{
	struct held *h = data;
	size_t i;

	(void)arg;
	for (i = 0; i < h->nlines; i++)
		free(h->lines[i].p);
	free(h->lines);
	free(h);
}

/*---- Summary groups ----*/

struct group {
	int dim;		/* NDIMS for the whole */
	uint32_t key;		/* interned value, 0 when the items lack it */
	uint64_t items, no_policy;
	struct fb_sla_stats st;
};

/*---- The run ----*/

struct sla_run {
	enum mode mode;
	struct fb_sla *sla;
	fb_time_t now;
	int64_t within, close_within;
	int text;		/* --format text */
	int dims[NDIMS];	/* --by, in order */
	int ndims;
	int dims_given, now_given, within_given;
	const char *explain_id;

	struct fb_pool pool;
	struct fb_fold *fold;	/* the items held until they close */
	int64_t lateness;	/* -1: hold every item to the end */

	struct group *groups;
	size_t ngroups, gcap;
	struct group whole;
	int have_header;	/* --merge: a partial's header seen */

	struct fb_sla_clock clock;
	struct fb_buf buf;
	struct fb_rec rec;

	/* what is reported at the end */
	uint64_t out_of_order, ignored, late_for_closed, items_seen;
	char *ignored_example;
	struct fb_warn_limit dup_items, copies_after_close;
	int explained;
};

/*---- Writing the clock as JSON ----*/

static void
add_time(struct fb_buf *b, fb_time_t t)
{
	char tb[FB_TIME_BUFSZ];

	if (t == FB_TIME_MAX || t == FB_TIME_MIN) {
		fb_buf_adds(b, "null");
		return;
	}
	fb_time_format(t, tb);
	fb_buf_addc(b, '"');
	fb_buf_adds(b, tb);
	fb_buf_addc(b, '"');
}

static void
add_secs(struct fb_buf *b, int64_t ms)
{
	fb_buf_addnum(b, (double)ms / 1000, 3);
}

static void
add_state(struct fb_buf *b, int state)
{
	fb_buf_addc(b, '"');
	fb_buf_adds(b, fb_sla_state_name(state));
	fb_buf_addc(b, '"');
}

static void
target_json(struct fb_buf *b, const char *name,
    const struct fb_sla_target *t, int cycles)
{
	if (!t->present)
		return;
	fb_buf_printf(b, ",\"%s\":{\"state\":", name);
	add_state(b, t->state);
	fb_buf_adds(b, ",\"target\":");
	add_secs(b, t->target);
	fb_buf_adds(b, ",\"elapsed\":");
	add_secs(b, t->elapsed);
	fb_buf_adds(b, ",\"due\":");
	add_time(b, t->due);
	if (t->stopped != FB_TIME_MIN) {
		fb_buf_adds(b, ",\"stopped\":");
		add_time(b, t->stopped);
	}
	if (cycles) {
		fb_buf_printf(b, ",\"cycles\":%d,\"late\":%d", t->cycles,
		    t->late);
		if (t->total != t->elapsed) {
			fb_buf_adds(b, ",\"total\":");
			add_secs(b, t->total);
		}
	}
	fb_buf_addc(b, '}');
}

/* The `sla` object of an item. */
static void
sla_json(struct sla_run *S, const struct fb_sla_policy *p,
    const struct fb_sla_clock *c, struct fb_buf *b)
{
	const struct fb_calendar *cal;

	fb_buf_adds(b, "{\"policy\":");
	if (p == NULL) {
		fb_buf_adds(b, "null,\"state\":\"none\",\"as_of\":");
		add_time(b, S->now);
		fb_buf_addc(b, '}');
		return;
	}
	fb_buf_json_str(b, fb_sla_policy_name(p),
	    strlen(fb_sla_policy_name(p)));
	fb_buf_adds(b, ",\"state\":");
	add_state(b, c->state);
	fb_buf_printf(b, ",\"open\":%s,\"pending\":%s",
	    c->open ? "true" : "false", c->pending ? "true" : "false");
	fb_buf_adds(b, ",\"first_response_due\":");
	add_time(b, c->first_response.due);
	fb_buf_adds(b, ",\"resolution_due\":");
	add_time(b, c->resolution.due);
	if (c->update_state != FB_SLA_NONE) {
		fb_buf_adds(b, ",\"update_due\":");
		add_time(b, c->update_due);
		fb_buf_adds(b, ",\"update\":");
		add_state(b, c->update_state);
	}
	target_json(b, "first_response", &c->first_response, 0);
	target_json(b, "next_response", &c->next_response, 1);
	target_json(b, "resolution", &c->resolution, 1);
	cal = fb_sla_policy_calendar(p);
	if (cal != NULL) {
		fb_buf_adds(b, ",\"time\":\"business\",\"calendar\":");
		fb_buf_json_str(b, fb_calendar_name(cal),
		    strlen(fb_calendar_name(cal)));
	} else {
		fb_buf_adds(b, ",\"time\":\"calendar\"");
	}
	if (c->ignored)
		fb_buf_printf(b, ",\"ignored\":%u", c->ignored);
	fb_buf_adds(b, ",\"as_of\":");
	add_time(b, S->now);
	fb_buf_addc(b, '}');
}

/*---- Working out an item's clock ----*/

static const struct fb_sla_policy *
policy_of(struct sla_run *S, const struct fb_fold_item *it)
{
	struct fb_sla_keys k;

	k.priority = pool_str(&S->pool, held(it)->key[D_PRIORITY]);
	k.channel = pool_str(&S->pool, held(it)->key[D_CHANNEL]);
	k.category = pool_str(&S->pool, held(it)->key[D_CATEGORY]);
	k.province = pool_str(&S->pool, held(it)->key[D_PROVINCE]);
	k.tier = pool_str(&S->pool, held(it)->key[D_TIER]);
	k.queue = pool_str(&S->pool, held(it)->key[D_QUEUE]);
	return fb_sla_match(S->sla, &k);
}

static void
work_out(struct sla_run *S, const struct fb_sla_policy *p,
    const struct fb_fold_item *it)
{
	struct fb_error err;

	if (fb_sla_clock(p, it->created, it->ev, it->nev, S->now, S->within,
	    &S->clock, &err) < 0)
		fb_diex("%s", err.msg);
	if (S->clock.ignored) {
		S->ignored += S->clock.ignored;
		if (S->ignored_example == NULL)
			S->ignored_example = fb_xstrdup(it->id);
	}
}

/*---- Annotate ----*/

static int
annotate(struct sla_run *S, const struct fb_sla_policy *p, struct fb_fold_item *it)
{
	struct fb_error err;
	size_t i;

	S->buf.len = 0;
	sla_json(S, p, &S->clock, &S->buf);
	if (S->buf.err)
		fb_diex("out of memory");
	for (i = 0; i < held(it)->nlines; i++) {
		if (fb_rec_parse(&S->rec, held(it)->lines[i].p, held(it)->lines[i].len,
		    &err) < 0)
			fb_diex("item '%s' no longer parses: %s", it->id,
			    err.msg);
		if (fb_rec_set_raw(&S->rec, "sla", S->buf.p, S->buf.len) < 0)
			fb_diex("out of memory");
		if (fb_rec_write(&S->rec, &fb_stdout,
		    fb_conf.pretty ? FB_REC_PRETTY : 0) < 0)
			return -1;
	}
	return 0;
}

/*---- Breaches ----*/

static const char *const clock_names[3] = {
	"first_response", "next_response", "resolution"
};

static void
alert_head(struct sla_run *S, struct fb_buf *b, const struct fb_fold_item *it,
    const struct fb_sla_policy *p, const char *kind, const char *idpart)
{
	static const int shown[] = { D_PRIORITY, D_CHANNEL, D_CATEGORY,
	    D_QUEUE };
	size_t i;

	b->len = 0;
	fb_buf_printf(b, "{\"type\":\"alert\",\"kind\":\"%s\",\"id\":", kind);
	S->buf.len = 0;
	fb_buf_adds(&S->buf, "sla:");
	fb_buf_add(&S->buf, it->id, it->idlen);
	fb_buf_adds(&S->buf, idpart);
	fb_buf_json_str(b, S->buf.p, S->buf.len);
	fb_buf_adds(b, ",\"item\":");
	fb_buf_json_str(b, it->id, it->idlen);
	fb_buf_adds(b, ",\"ts\":");
	add_time(b, S->now);
	fb_buf_adds(b, ",\"policy\":");
	fb_buf_json_str(b, fb_sla_policy_name(p),
	    strlen(fb_sla_policy_name(p)));
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		const char *v = pool_str(&S->pool, held(it)->key[shown[i]]);

		if (v == NULL)
			continue;
		fb_buf_printf(b, ",\"%s\":", dim_names[shown[i]]);
		fb_buf_json_str(b, v, strlen(v));
	}
	fb_buf_adds(b, ",\"created\":");
	add_time(b, it->created);
}

/* Adds "overdue" or "left" in seconds for a clock due at 'due'. */
static void
add_lateness(struct sla_run *S, struct fb_buf *b, fb_time_t due)
{
	if (due < S->now) {
		fb_buf_adds(b, ",\"overdue\":");
		add_secs(b, S->now - due);
	} else {
		fb_buf_adds(b, ",\"left\":");
		add_secs(b, due - S->now);
	}
}

/* Whether clock 't' calls for an alert: breached, or due within --within. */
static int
alarming(struct sla_run *S, const struct fb_sla_target *t, int pending)
{
	if (!t->present || t->stopped != FB_TIME_MIN ||
	    t->state == FB_SLA_NONE)
		return 0;
	if (t->state == FB_SLA_BREACHED)
		return 1;
	/* a paused clock cannot run out while the customer is away */
	return !pending && t->due != FB_TIME_MAX &&
	    t->due - S->now <= S->within;
}

static int
breaches(struct sla_run *S, const struct fb_sla_policy *p,
    const struct fb_fold_item *it)
{
	const struct fb_sla_clock *c = &S->clock;
	const struct fb_sla_target *t[3] = {
		&c->first_response, &c->next_response, &c->resolution
	};
	struct fb_buf line = { 0 };
	int i, worst = -1, breached = 0, rc = 0;
	char idpart[64];

	if (!c->open)
		return 0;
	for (i = 0; i < 3; i++) {
		if (!alarming(S, t[i], c->pending))
			continue;
		if (t[i]->state == FB_SLA_BREACHED && !breached) {
			breached = 1;
			worst = i;
		} else if (worst < 0) {
			worst = i;
		}
	}
	if (worst >= 0) {
		snprintf(idpart, sizeof(idpart), ":%s:%d:%s",
		    clock_names[worst], t[worst]->cycles > 0 ?
		    t[worst]->cycles : 1, breached ? "breached" : "at_risk");
		alert_head(S, &line, it, p, breached ? "sla_breach" :
		    "sla_at_risk", idpart);
		fb_buf_printf(&line, ",\"clock\":\"%s\",\"state\":",
		    clock_names[worst]);
		add_state(&line, t[worst]->state == FB_SLA_BREACHED ?
		    FB_SLA_BREACHED : FB_SLA_AT_RISK);
		fb_buf_adds(&line, ",\"due\":");
		add_time(&line, t[worst]->due);
		add_lateness(S, &line, t[worst]->due);
		fb_buf_printf(&line, ",\"pending\":%s,\"clocks\":[",
		    c->pending ? "true" : "false");
		for (i = 0; i < 3; i++) {
			if (!alarming(S, t[i], c->pending))
				continue;
			if (line.p[line.len - 1] != '[')
				fb_buf_addc(&line, ',');
			fb_buf_printf(&line, "{\"clock\":\"%s\",\"state\":",
			    clock_names[i]);
			add_state(&line, t[i]->state == FB_SLA_BREACHED ?
			    FB_SLA_BREACHED : FB_SLA_AT_RISK);
			fb_buf_adds(&line, ",\"due\":");
			add_time(&line, t[i]->due);
			add_lateness(S, &line, t[i]->due);
			fb_buf_adds(&line, ",\"target\":");
			add_secs(&line, t[i]->target);
			fb_buf_adds(&line, ",\"elapsed\":");
			add_secs(&line, t[i]->elapsed);
			fb_buf_addc(&line, '}');
		}
		fb_buf_adds(&line, "]}");
		rc = fb_write_json_line(&line);
	}
	/* open this long with no word to the customer since */
	if (rc == 0 && (c->update_state == FB_SLA_BREACHED ||
	    (c->update_state == FB_SLA_AT_RISK &&
	    c->update_due - S->now <= S->within))) {
		alert_head(S, &line, it, p, "customer_update_due", ":update");
		fb_buf_adds(&line, ",\"state\":");
		add_state(&line, c->update_state == FB_SLA_BREACHED ?
		    FB_SLA_BREACHED : FB_SLA_AT_RISK);
		fb_buf_adds(&line, ",\"due\":");
		add_time(&line, c->update_due);
		add_lateness(S, &line, c->update_due);
		fb_buf_printf(&line, ",\"pending\":%s}",
		    c->pending ? "true" : "false");
		rc = fb_write_json_line(&line);
	}
	fb_buf_release(&line);
	return rc;
}

/*---- Summary ----*/

static struct group *
group_of(struct sla_run *S, int dim, uint32_t key)
{
	struct group *g;
	size_t i;

	if (dim == NDIMS)
		return &S->whole;
	for (i = 0; i < S->ngroups; i++)
		if (S->groups[i].dim == dim && S->groups[i].key == key)
			return &S->groups[i];
	if (S->ngroups == S->gcap) {
		S->gcap = S->gcap ? S->gcap * 2 : 32;
		S->groups = fb_xrealloc(S->groups, S->gcap,
		    sizeof(*S->groups));
	}
	g = &S->groups[S->ngroups++];
	memset(g, 0, sizeof(*g));
	g->dim = dim;
	g->key = key;
	return g;
}

static void
count_into(struct sla_run *S, struct group *g, const struct fb_fold_item *it,
    const struct fb_sla_policy *p)
{
	g->items++;
	if (p == NULL) {
		g->no_policy++;
		return;
	}
	if (fb_sla_stats_add(&g->st, &S->clock, it->created, S->now,
	    S->close_within) < 0)
		fb_diex("out of memory");
}

static void
count_item(struct sla_run *S, const struct fb_fold_item *it,
    const struct fb_sla_policy *p)
{
	uint32_t key;
	int d;

	count_into(S, &S->whole, it, p);
	for (d = 0; d < S->ndims; d++) {
		if (S->dims[d] == D_POLICY)
			key = p == NULL ? 0 : fb_xintern(&S->pool,
			    fb_sla_policy_name(p),
			    strlen(fb_sla_policy_name(p)));
		else
			key = held(it)->key[S->dims[d]];
		count_into(S, group_of(S, S->dims[d], key), it, p);
	}
}

static void
group_merge(struct group *into, const struct group *from)
{
	into->items += from->items;
	into->no_policy += from->no_policy;
	if (fb_sla_stats_merge(&into->st, &from->st) < 0)
		fb_diex("out of memory");
}

/*---- Finishing an item ----*/

/* Works out, writes or counts the item, which the fold then forgets. */
static int
finish(void *arg, struct fb_fold_item *it)
{
	struct sla_run *S = arg;
	const struct fb_sla_policy *p = policy_of(S, it);

	if (p != NULL)
		work_out(S, p, it);
	switch (S->mode) {
	case MODE_ANNOTATE:
		return annotate(S, p, it);
	case MODE_BREACHES:
		/* an item from after --now cannot have breached yet */
		if (p != NULL && it->created <= S->now)
			return breaches(S, p, it);
		break;
	case MODE_SUMMARY:
	case MODE_PARTIAL:
	case MODE_MERGE:
		/* nor does it count among the items as of --now */
		if (it->created <= S->now)
			count_item(S, it, p);
		break;
	case MODE_EXPLAIN:
		break;
	}
	return 0;
}

/* The held item 'id', with fb-sla's part, made when absent. */
static struct fb_fold_item *
hold(struct sla_run *S, const char *id, size_t len)
{
	struct fb_fold_item *it = fb_fold_get(S->fold, id, len, 1);

	if (it->data == NULL)
		it->data = fb_xcalloc(1, sizeof(struct held));
	return it;
}

/*---- Reading the input ----*/

static int
on_event(struct sla_run *S, struct fb_rec *rec, const struct fb_pos *pos)
{
	const char *id;
	size_t idlen;
	enum fb_sla_event kind;
	struct fb_fold_item *it;
	struct fb_error err;
	fb_time_t t;

	if (fb_fold_read_event(rec, &id, &idlen, &kind, &t, &err) < 0)
		return fb_bad(pos, "%s", err.msg);
	if (S->explain_id != NULL && strcmp(id, S->explain_id) != 0)
		return FB_DROP;
	it = fb_fold_get(S->fold, id, idlen, 0);
	if (it == NULL && fb_fold_done(S->fold, id, idlen)) {
		/* a survey after closing is normal; anything else is late */
		if (kind != FB_SLA_CSAT)
			S->late_for_closed++;
		return FB_EMIT;
	}
	if (it == NULL)
		it = hold(S, id, idlen);
	if (t < it->last_event)
		S->out_of_order++;
	else
		it->last_event = t;
	fb_fold_add_event(it, kind, t);
	return fb_fold_settle(S->fold, it, t) < 0 ? FB_FATAL : FB_EMIT;
}

static int
on_item(struct sla_run *S, struct fb_rec *rec, const struct fb_pos *pos)
{
	struct fb_sla_ev times[FB_FOLD_TIMES];
	const char *id, *v;
	size_t idlen, len, ntimes, i;
	struct fb_fold_item *it;
	struct fb_error err;
	struct held *h;
	fb_time_t t;
	int k;

	if (fb_fold_read_item(rec, &id, &idlen, &t, times, &ntimes,
	    &err) < 0)
		return fb_bad(pos, "%s", err.msg);
	if (S->explain_id != NULL && strcmp(id, S->explain_id) != 0)
		return FB_DROP;
	S->items_seen++;
	it = fb_fold_get(S->fold, id, idlen, 0);
	if (it == NULL && fb_fold_done(S->fold, id, idlen)) {
		fb_warn_limited(&S->copies_after_close, pos, "item '%s' again "
		    "after it closed: left as it was", id);
		return S->mode == MODE_ANNOTATE ? FB_EMIT : FB_DROP;
	}
	if (it == NULL)
		it = hold(S, id, idlen);
	else if (it->have_item)
		fb_warn_limited(&S->dup_items, pos, "item '%s' again: the later "
		    "copy's fields count", id);
	fb_fold_seen(S->fold, it, t);
	h = held(it);
	for (k = 0; k < NKEYS; k++) {
		v = fb_rec_get_str(rec, key_paths[k], &len);
		h->key[k] = fb_xintern(&S->pool, v, len);
	}
	for (i = 0; i < ntimes; i++)
		fb_fold_add_event(it, times[i].kind, times[i].ts);
	if (S->mode == MODE_ANNOTATE) {
		h->lines = fb_xrealloc(h->lines, h->nlines + 1,
		    sizeof(*h->lines));
		h->lines[h->nlines].p = fb_xstrndup(rec->line, rec->len);
		h->lines[h->nlines].len = rec->len;
		h->nlines++;
	}
	return fb_fold_settle(S->fold, it, t) < 0 ? FB_FATAL : FB_DROP;
}

/*---- Partial state ----*/

static json_t *
key_json(struct sla_run *S, uint32_t key)
{
	const char *v = pool_str(&S->pool, key);

	return v == NULL ? json_null() : json_string(v);
}

static int
write_group_state(struct sla_run *S, const struct group *g)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:I, s:I}", "type", "sla_group",
	    "by", g->dim == NDIMS ? "all" : dim_names[g->dim],
	    "key", g->dim == NDIMS ? json_string("all") : key_json(S, g->key),
	    "items", (json_int_t)g->items,
	    "no_policy", (json_int_t)g->no_policy);

	if (o == NULL || fb_sla_stats_to_json(&g->st, o) < 0)
		fb_diex("out of memory");
	return fb_write_json(o);
}

static int
write_item_state(struct sla_run *S, const struct fb_fold_item *it)
{
	json_t *o, *keys, *ev;
	char tb[FB_TIME_BUFSZ];
	size_t i;
	int k;

	o = json_pack("{s:s, s:s%}", "type", "sla_item", "id", it->id,
	    it->idlen);
	keys = json_object();
	ev = json_array();
	if (o == NULL || keys == NULL || ev == NULL)
		fb_diex("out of memory");
	if (it->have_item) {
		fb_time_format(it->created, tb);
		json_object_set_new(o, "ts", json_string(tb));
		for (k = 0; k < NKEYS; k++)
			if (held(it)->key[k] != 0)
				json_object_set_new(keys, dim_names[k],
				    key_json(S, held(it)->key[k]));
		json_object_set_new(o, "keys", keys);
	} else {
		json_decref(keys);
	}
	for (i = 0; i < it->nev; i++) {
		fb_time_format(it->ev[i].ts, tb);
		json_array_append_new(ev, json_pack("[ss]", tb,
		    fb_sla_event_name(it->ev[i].kind)));
	}
	json_object_set_new(o, "events", ev);
	return fb_write_json(o);
}

static int
write_partial(struct sla_run *S)
{
	struct fb_fold_item **v;
	json_t *by;
	char tb[FB_TIME_BUFSZ];
	size_t i, n;
	int d, rc;

	by = json_array();
	for (d = 0; d < S->ndims; d++)
		json_array_append_new(by, json_string(dim_names[S->dims[d]]));
	fb_time_format(S->now, tb);
	rc = fb_write_json(json_pack("{s:s, s:i, s:s, s:o, s:I}", "type",
	    "sla_partial", "version", 1, "as_of", tb, "by", by,
	    "close_within", (json_int_t)S->close_within));
	if (rc == 0)
		rc = write_group_state(S, &S->whole);
	for (i = 0; rc == 0 && i < S->ngroups; i++)
		rc = write_group_state(S, &S->groups[i]);
	v = fb_fold_held(S->fold, &n);
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_item_state(S, v[i]);
	free(v);
	return rc;
}

static int
read_group_state(struct sla_run *S, json_t *j, struct fb_error *err)
{
	json_int_t items, no_policy;
	json_t *key;
	const char *by;
	struct group g;
	int d, i, rc;

	memset(&g, 0, sizeof(g));
	if (json_unpack(j, "{s:s, s:o, s:I, s:I}", "by", &by, "key", &key,
	    "items", &items, "no_policy", &no_policy) < 0)
		return fb_error_set(err, "an sla_group line lacks a member");
	if (items < 0 || no_policy < 0)
		return fb_error_set(err, "a negative count");
	if (strcmp(by, "all") == 0) {
		d = NDIMS;
	} else {
		for (d = 0; d < NDIMS; d++)
			if (strcmp(by, dim_names[d]) == 0)
				break;
		for (i = 0; i < S->ndims && d < NDIMS; i++)
			if (S->dims[i] == d)
				break;
		if (d == NDIMS || i == S->ndims)
			return fb_error_set(err, "a group by '%s', which the "
			    "header does not list", by);
	}
	if (!json_is_string(key) && !json_is_null(key))
		return fb_error_set(err, "a group key must be a string or "
		    "null");
	if ((rc = fb_sla_stats_from_json(&g.st, j, err)) < 0)
		return rc;
	g.items = (uint64_t)items;
	g.no_policy = (uint64_t)no_policy;
	group_merge(group_of(S, d, d == NDIMS ? 0 : json_is_null(key) ? 0 :
	    fb_xintern(&S->pool, json_string_value(key),
	    json_string_length(key))), &g);
	fb_sla_stats_release(&g.st);
	return 0;
}

static int
read_item_state(struct sla_run *S, json_t *j, struct fb_error *err)
{
	json_t *keys = NULL, *events, *e, *v;
	const char *id, *ts = NULL, *t, *name;
	size_t idlen, i;
	enum fb_sla_event kind;
	struct fb_fold_item *it;
	fb_time_t when, created = 0;
	int k;

	if (json_unpack(j, "{s:s%, s?s, s?o, s:o}", "id", &id, &idlen, "ts",
	    &ts, "keys", &keys, "events", &events) < 0 ||
	    !json_is_array(events) || idlen == 0)
		return fb_error_set(err, "an sla_item line needs an id and "
		    "events");
	if (ts != NULL && fb_time_parse_rfc3339(ts, strlen(ts), &created) < 0)
		return fb_error_set(err, "bad ts '%s'", ts);
	json_array_foreach(events, i, e) {
		if (json_unpack(e, "[ss]", &t, &name) < 0 ||
		    fb_time_parse_rfc3339(t, strlen(t), &when) < 0 ||
		    fb_sla_event_parse(name, &kind) < 0)
			return fb_error_set(err, "bad event %zu", i);
	}
	it = fb_fold_get(S->fold, id, idlen, 0);
	if (it == NULL && fb_fold_done(S->fold, id, idlen)) {
		S->late_for_closed += json_array_size(events);
		return 0;
	}
	if (it == NULL)
		it = hold(S, id, idlen);
	if (ts != NULL) {
		fb_fold_seen(S->fold, it, created);
		for (k = 0; k < NKEYS; k++) {
			v = keys == NULL ? NULL :
			    json_object_get(keys, dim_names[k]);
			held(it)->key[k] = json_is_string(v) ? fb_xintern(&S->pool,
			    json_string_value(v), json_string_length(v)) : 0;
		}
	}
	json_array_foreach(events, i, e) {
		json_unpack(e, "[ss]", &t, &name);
		fb_time_parse_rfc3339(t, strlen(t), &when);
		fb_sla_event_parse(name, &kind);
		fb_fold_add_event(it, kind, when);
	}
	return 0;
}

static int
read_header(struct sla_run *S, json_t *j, struct fb_error *err)
{
	json_int_t version, close_within;
	json_t *by, *name;
	const char *as_of;
	int dims[NDIMS], n = 0, d;
	fb_time_t t;
	size_t i;

	if (json_unpack(j, "{s:I, s:s, s:o, s:I}", "version", &version,
	    "as_of", &as_of, "by", &by, "close_within", &close_within) < 0 ||
	    !json_is_array(by))
		return fb_error_set(err, "an sla_partial line needs version, "
		    "as_of, by and close_within");
	if (version != 1)
		return fb_error_set(err, "partial state version %lld; this "
		    "fb-sla reads version 1", (long long)version);
	if (fb_time_parse_rfc3339(as_of, strlen(as_of), &t) < 0)
		return fb_error_set(err, "bad as_of '%s'", as_of);
	json_array_foreach(by, i, name) {
		for (d = 0; d < NDIMS; d++)
			if (json_is_string(name) &&
			    strcmp(json_string_value(name), dim_names[d]) == 0)
				break;
		if (d == NDIMS || n == NDIMS)
			return fb_error_set(err, "bad 'by' list");
		dims[n++] = d;
	}
	if (!S->have_header) {
		if (S->now_given && t != S->now)
			return fb_error_set(err, "the state is as of %s, not "
			    "--now", as_of);
		if (S->dims_given && (n != S->ndims ||
		    memcmp(dims, S->dims, (size_t)n * sizeof(*dims)) != 0))
			return fb_error_set(err, "the state is grouped "
			    "otherwise than --by says");
		S->now = t;
		S->ndims = n;
		memcpy(S->dims, dims, (size_t)n * sizeof(*dims));
		S->close_within = close_within;
		S->have_header = 1;
		return 0;
	}
	/* every state must be of the same moment and grouping */
	if (t != S->now || n != S->ndims ||
	    memcmp(dims, S->dims, (size_t)n * sizeof(*dims)) != 0 ||
	    close_within != S->close_within)
		return fb_error_set(err, "partial states of different runs: "
		    "give every --partial run the same --now, --by and "
		    "--close-within");
	return 0;
}

static int
on_partial(struct sla_run *S, struct fb_rec *rec, const struct fb_pos *pos)
{
	struct fb_span whole = { rec->line, rec->len };
	struct fb_error err;
	const char *type;
	json_t *j;
	int rc;

	type = fb_rec_get_str(rec, "type", NULL);
	if (type == NULL || (strcmp(type, "sla_partial") != 0 &&
	    strcmp(type, "sla_group") != 0 && strcmp(type, "sla_item") != 0))
		return fb_bad(pos, "not a partial state of fb-sla (run "
		    "fb-sla --summary --partial first)");
	if ((j = fb_json_decode(whole)) == NULL)
		fb_diex("out of memory");
	if (strcmp(type, "sla_partial") == 0) {
		rc = read_header(S, j, &err);
		json_decref(j);
		if (rc < 0)
			fb_diex("%s:%lu: %s", pos->file, pos->line, err.msg);
		return FB_DROP;
	}
	if (!S->have_header) {
		json_decref(j);
		fb_diex("%s:%lu: a partial state starts with its sla_partial "
		    "line", pos->file, pos->line);
	}
	rc = strcmp(type, "sla_group") == 0 ? read_group_state(S, j, &err) :
	    read_item_state(S, j, &err);
	json_decref(j);
	return rc < 0 ? fb_bad(pos, "%s", err.msg) : FB_DROP;
}

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct sla_run *S = arg;
	const char *type;
	int rc;

	if (S->mode == MODE_MERGE)
		return on_partial(S, rec, pos);
	if (fb_rec_is_feedback(rec))
		return on_item(S, rec, pos);
	type = fb_rec_get_str(rec, "type", NULL);
	if (type != NULL && strcmp(type, "event") == 0) {
		rc = on_event(S, rec, pos);
		if (rc == FB_EMIT && S->mode != MODE_ANNOTATE)
			rc = FB_DROP;
		return rc;
	}
	/* alerts and the like are not ours: through, in annotate mode */
	return S->mode == MODE_ANNOTATE ? FB_EMIT : FB_DROP;
}

/*---- Explain ----*/

/* Adds 't' as local time in --tz, "2026-10-09 17:30:00 +0800". */
static void
add_local(struct fb_buf *b, fb_time_t t)
{
	char tb[64];
	struct tm tm;

	if (t == FB_TIME_MAX) {
		fb_buf_adds(b, "never");
		return;
	}
	if (fb_time_local(t, &tm) < 0 ||
	    strftime(tb, sizeof(tb), "%Y-%m-%d %H:%M:%S %z", &tm) == 0) {
		fb_time_format(t, tb);
	}
	fb_buf_adds(b, tb);
}

static void
add_duration(struct fb_buf *b, int64_t ms)
{
	char db[64];

	fb_duration_format(ms, db, sizeof(db));
	fb_buf_adds(b, ms == 0 ? "0s" : db);
}

/* Adds record data ('s') for a terminal: ids and keys are untrusted. */
static void
add_clean(struct fb_buf *b, const char *s)
{
	fb_buf_add_clean(b, s, strlen(s), SIZE_MAX);
}

static int
on_excluded(void *arg, fb_time_t from, fb_time_t to, const char *why)
{
	struct fb_buf *b = arg;

	fb_buf_adds(b, "           not counted ");
	add_local(b, from);
	fb_buf_adds(b, " -> ");
	add_local(b, to);
	fb_buf_adds(b, "  ");
	add_clean(b, why);
	fb_buf_adds(b, " (");
	add_duration(b, to - from);
	fb_buf_adds(b, ")\n");
	return 0;
}

static void
explain_target(struct sla_run *S, struct fb_buf *b, const char *name,
    const struct fb_sla_target *t)
{
	fb_buf_printf(b, "  %-16s", name);
	if (!t->present) {
		fb_buf_adds(b, "no target\n");
		return;
	}
	fb_buf_printf(b, "%-9s target ", fb_sla_state_name(t->state));
	add_duration(b, t->target);
	if (t->state == FB_SLA_NONE) {
		fb_buf_adds(b, ", no cycle yet\n");
		return;
	}
	fb_buf_adds(b, ", counted ");
	add_duration(b, t->elapsed);
	fb_buf_adds(b, ", due ");
	add_local(b, t->due);
	if (t->stopped != FB_TIME_MIN) {
		fb_buf_adds(b, ", stopped ");
		add_local(b, t->stopped);
	}
	if (t->due != FB_TIME_MAX && t->state == FB_SLA_BREACHED) {
		fb_buf_adds(b, ", late by ");
		add_duration(b, (t->stopped != FB_TIME_MIN ? t->stopped :
		    S->now) - t->due);
	}
	if (t->cycles > 1 || t->late > 0)
		fb_buf_printf(b, " (cycle %d; %d late)", t->cycles, t->late);
	fb_buf_addc(b, '\n');
}

static void
explain_policy(struct fb_buf *b, const struct fb_sla_policy *p,
    const struct fb_sla_clock *c)
{
	const struct fb_calendar *cal = fb_sla_policy_calendar(p);
	const struct fb_sla_target *t[3] = {
		&c->first_response, &c->next_response, &c->resolution
	};
	static const char *const words[3] = {
		"first response", "next response", "resolution"
	};
	int i, first = 1;

	fb_buf_adds(b, "policy ");
	add_clean(b, fb_sla_policy_name(p));
	fb_buf_adds(b, ": ");
	for (i = 0; i < 3; i++) {
		if (!t[i]->present)
			continue;
		fb_buf_printf(b, "%s%s ", first ? "" : ", ", words[i]);
		add_duration(b, t[i]->target);
		first = 0;
	}
	if (c->update_state != FB_SLA_NONE) {
		fb_buf_adds(b, ", a customer update after ");
		add_duration(b, c->update_due - c->spans[0].from);
	}
	if (cal != NULL) {
		fb_buf_adds(b, "\n  business time on calendar ");
		add_clean(b, fb_calendar_name(cal));
		fb_buf_adds(b, " (");
		add_clean(b, fb_zone_name(fb_calendar_zone(cal)));
		fb_buf_adds(b, ")\n");
	} else {
		fb_buf_adds(b, "\n  wall-clock time, 24x7\n");
	}
}

/* The events in time order, as the clock took them, with their fates. */
static void
explain_events(struct fb_buf *b, struct fb_fold_item *it, unsigned char *outcome)
{
	const char *name;
	size_t i, j;

	for (i = 1; i < it->nev; i++) {
		struct fb_sla_ev e = it->ev[i];
		unsigned char o = outcome[i];

		for (j = i; j > 0 && (it->ev[j - 1].ts > e.ts ||
		    (it->ev[j - 1].ts == e.ts && it->ev[j - 1].kind > e.kind));
		    j--) {
			it->ev[j] = it->ev[j - 1];
			outcome[j] = outcome[j - 1];
		}
		it->ev[j] = e;
		outcome[j] = o;
	}
	fb_buf_adds(b, "\nevents\n  ");
	add_local(b, it->created);
	fb_buf_adds(b, "  created\n");
	for (i = 0; i < it->nev; i++) {
		name = fb_sla_event_name(it->ev[i].kind);
		fb_buf_adds(b, "  ");
		add_local(b, it->ev[i].ts);
		fb_buf_printf(b, "  %s", name);
		if (outcome[i] != FB_SLA_APPLIED)
			fb_buf_printf(b, "%*s%s%s", 16 - (int)strlen(name), "",
			    fb_sla_outcome_name(outcome[i]),
			    outcome[i] == FB_SLA_DUPLICATE ||
			    outcome[i] == FB_SLA_OUT_OF_PLACE ?
			    ": ignored" : "");
		if (it->ev[i].ts < it->created)
			fb_buf_adds(b, " (before creation: taken as at it)");
		fb_buf_addc(b, '\n');
	}
}

/* The spans, and inside running ones the time the calendar leaves out. */
static void
explain_timeline(struct fb_buf *b, const struct fb_sla_policy *p,
    const struct fb_sla_clock *c)
{
	static const char *const what[] = { "running", "paused", "stopped" };
	const struct fb_calendar *cal = fb_sla_policy_calendar(p);
	size_t i;

	fb_buf_adds(b, "\ntimeline\n");
	for (i = 0; i < c->nspans; i++) {
		const struct fb_sla_span *sp = &c->spans[i];

		fb_buf_printf(b, "  %-8s ", what[sp->what]);
		add_local(b, sp->from);
		fb_buf_adds(b, " -> ");
		add_local(b, sp->to);
		fb_buf_printf(b, "  %s", sp->cause_is_creation ?
		    "since creation" : fb_sla_event_name(sp->cause));
		if (sp->what == FB_SLA_RUNNING) {
			fb_buf_adds(b, ", counted ");
			add_duration(b, cal != NULL ?
			    fb_calendar_elapsed(cal, sp->from, sp->to) :
			    sp->to - sp->from);
		}
		fb_buf_addc(b, '\n');
		if (sp->what == FB_SLA_RUNNING && cal != NULL)
			fb_calendar_excluded(cal, sp->from, sp->to,
			    on_excluded, b);
	}
}

static int
explain(struct sla_run *S)
{
	struct fb_fold_item *it = fb_fold_get(S->fold, S->explain_id,
	    strlen(S->explain_id), 0);
	const struct fb_sla_policy *p;
	struct fb_sla_clock *c = &S->clock;
	struct fb_buf *b = &S->buf;
	unsigned char *outcome;
	int k;

	if (it == NULL || !it->have_item) {
		fb_warnx("no feedback item '%s' in the input%s",
		    S->explain_id, it != NULL ? " (only events for it)" : "");
		return 1;
	}
	b->len = 0;
	fb_buf_adds(b, "item ");
	add_clean(b, it->id);
	fb_buf_adds(b, "\n");
	for (k = 0; k < NKEYS; k++) {
		const char *v = pool_str(&S->pool, held(it)->key[k]);

		fb_buf_printf(b, "%s%s ", k ? ", " : "  ", dim_names[k]);
		add_clean(b, v != NULL ? v : "-");
	}
	fb_buf_adds(b, "\n");
	if ((p = policy_of(S, it)) == NULL) {
		fb_buf_adds(b, "no policy takes it: it has no SLA\n");
		return fb_out_write(&fb_stdout, b->p, b->len) < 0 ? -1 : 0;
	}
	outcome = fb_xcalloc(it->nev + 1, 1);
	c->outcome = outcome;
	work_out(S, p, it);
	c->outcome = NULL;

	explain_policy(b, p, c);
	fb_buf_adds(b, "as of ");
	add_local(b, S->now);
	fb_buf_addc(b, '\n');
	explain_events(b, it, outcome);
	free(outcome);
	explain_timeline(b, p, c);
	fb_buf_adds(b, "\nclocks\n");
	explain_target(S, b, "first response", &c->first_response);
	explain_target(S, b, "next response", &c->next_response);
	explain_target(S, b, "resolution", &c->resolution);
	if (c->update_state != FB_SLA_NONE) {
		fb_buf_printf(b, "  %-16s%-9s due ", "customer update",
		    fb_sla_state_name(c->update_state));
		add_local(b, c->update_due);
		fb_buf_addc(b, '\n');
	}
	fb_buf_printf(b, "state %s%s%s\n", fb_sla_state_name(c->state),
	    c->open ? (c->pending ? ", open, waiting on the customer" :
	    ", open") : ", not open", c->ignored ? "; some events ignored" :
	    "");
	if (b->err)
		fb_diex("out of memory");
	S->explained = 1;
	return fb_out_write(&fb_stdout, b->p, b->len) < 0 ? -1 : 0;
}

/*---- The summary ----*/

static void
add_rate(struct fb_buf *b, uint64_t num, uint64_t den)
{
	if (den == 0)
		fb_buf_adds(b, "null");
	else
		fb_buf_addnum(b, (double)num / (double)den, 4);
}

static void
add_ms_or_null(struct fb_buf *b, int64_t ms)
{
	if (ms < 0)
		fb_buf_adds(b, "null");
	else
		add_secs(b, ms);
}

static int64_t
mean_of(const struct fb_sketch *s)
{
	return s->n == 0 ? -1 : (int64_t)((double)s->sum / (double)s->n + 0.5);
}

static void
tally_json(struct fb_buf *b, const char *name, const struct fb_sla_tally *t)
{
	fb_buf_printf(b, ",\"%s\":{\"met\":%llu,\"breached\":%llu,"
	    "\"running\":%llu,\"rate\":", name, (unsigned long long)t->met,
	    (unsigned long long)t->breached, (unsigned long long)t->running);
	add_rate(b, t->met, t->met + t->breached);
	fb_buf_adds(b, ",\"mean\":");
	add_ms_or_null(b, mean_of(&t->times));
	fb_buf_adds(b, ",\"median\":");
	add_ms_or_null(b, fb_sketch_quantile(&t->times, 0.5));
	fb_buf_adds(b, ",\"p90\":");
	add_ms_or_null(b, fb_sketch_quantile(&t->times, 0.9));
	fb_buf_adds(b, ",\"answered\":");
	fb_buf_printf(b, "%llu}", (unsigned long long)t->times.n);
}

static void
summary_json(struct sla_run *S, const struct group *g, struct fb_buf *b)
{
	const char *key = g->dim == NDIMS ? "all" : pool_str(&S->pool, g->key);
	uint64_t with = g->items - g->no_policy;

	b->len = 0;
	fb_buf_printf(b, "{\"type\":\"sla_summary\",\"by\":\"%s\",\"key\":",
	    g->dim == NDIMS ? "all" : dim_names[g->dim]);
	if (key == NULL)
		fb_buf_adds(b, "null");
	else
		fb_buf_json_str(b, key, strlen(key));
	fb_buf_adds(b, ",\"as_of\":");
	add_time(b, S->now);
	fb_buf_printf(b, ",\"items\":%llu,\"no_policy\":%llu,\"open\":%llu,"
	    "\"pending\":%llu", (unsigned long long)g->items,
	    (unsigned long long)g->no_policy, (unsigned long long)g->st.open,
	    (unsigned long long)g->st.pending);
	tally_json(b, "first_response", &g->st.fr);
	fb_buf_printf(b, ",\"next_response\":{\"cycles\":%llu,\"late\":%llu,"
	    "\"rate\":", (unsigned long long)g->st.nr_cycles,
	    (unsigned long long)g->st.nr_late);
	add_rate(b, g->st.nr_cycles - g->st.nr_late, g->st.nr_cycles);
	fb_buf_addc(b, '}');
	tally_json(b, "resolution", &g->st.res);
	fb_buf_adds(b, ",\"closed_within\":{\"window\":");
	add_secs(b, S->close_within);
	fb_buf_printf(b, ",\"eligible\":%llu,\"closed\":%llu,\"rate\":",
	    (unsigned long long)g->st.eligible, (unsigned long long)g->st.closed_in);
	add_rate(b, g->st.closed_in, g->st.eligible);
	fb_buf_printf(b, "},\"closed_loop\":{\"count\":%llu,\"rate\":",
	    (unsigned long long)g->st.closed_loop);
	add_rate(b, g->st.closed_loop, with);
	fb_buf_printf(b, "},\"update_due\":%llu}",
	    (unsigned long long)g->st.update_due);
}

static void
add_pct(struct fb_buf *b, uint64_t num, uint64_t den)
{
	if (den == 0)
		fb_buf_printf(b, " %7s", "-");
	else
		fb_buf_printf(b, " %6.1f%%", 100.0 * (double)num / (double)den);
}

static void
add_dur_cell(struct fb_buf *b, int64_t ms)
{
	char db[64];

	long long sec = ms / 1000;

	/* the two largest units are enough to compare groups by */
	if (ms < 0)
		snprintf(db, sizeof(db), "-");
	else if (sec < 60)
		snprintf(db, sizeof(db), "%llds", sec);
	else if (sec < 3600)
		snprintf(db, sizeof(db), "%lldm%02llds", sec / 60, sec % 60);
	else if (sec < 86400)
		snprintf(db, sizeof(db), "%lldh%02lldm", sec / 3600,
		    sec % 3600 / 60);
	else
		snprintf(db, sizeof(db), "%lldd%02lldh", sec / 86400,
		    sec % 86400 / 3600);
	fb_buf_printf(b, " %9s", db);
}

static void
summary_text(struct sla_run *S, const struct group *g, struct fb_buf *b)
{
	const char *key = g->dim == NDIMS ? "all" : pool_str(&S->pool, g->key);
	char cell[40];
	size_t n = 0;

	b->len = 0;
	snprintf(cell, sizeof(cell), "%s", g->dim == NDIMS ? "all" :
	    dim_names[g->dim]);
	fb_buf_printf(b, "%-9s ", cell);
	/* keys are the customers' data: no control characters to a terminal */
	add_clean(b, key != NULL ? key : "-");
	n = strlen(key != NULL ? key : "-");
	for (; n < 16; n++)
		fb_buf_addc(b, ' ');
	fb_buf_printf(b, " %7llu %6llu", (unsigned long long)g->items,
	    (unsigned long long)g->st.open);
	add_pct(b, g->st.fr.met, g->st.fr.met + g->st.fr.breached);
	add_dur_cell(b, fb_sketch_quantile(&g->st.fr.times, 0.5));
	add_dur_cell(b, fb_sketch_quantile(&g->st.fr.times, 0.9));
	add_pct(b, g->st.res.met, g->st.res.met + g->st.res.breached);
	add_dur_cell(b, mean_of(&g->st.res.times));
	add_dur_cell(b, fb_sketch_quantile(&g->st.res.times, 0.9));
	add_pct(b, g->st.closed_in, g->st.eligible);
	add_pct(b, g->st.closed_loop, g->items - g->no_policy);
	fb_buf_printf(b, " %6llu\n", (unsigned long long)g->st.update_due);
}

static struct sla_run *sort_run;	/* for qsort's comparison */

/* Groups in the order of --by, then by key, those lacking it last. */
static int
group_order(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	struct sla_run *S = sort_run;
	const char *kx, *ky;
	int i, dx = 0, dy = 0;

	for (i = 0; i < S->ndims; i++) {
		if (S->dims[i] == x->dim)
			dx = i;
		if (S->dims[i] == y->dim)
			dy = i;
	}
	if (dx != dy)
		return dx < dy ? -1 : 1;
	kx = pool_str(&S->pool, x->key);
	ky = pool_str(&S->pool, y->key);
	if (kx == NULL || ky == NULL)
		return (kx == NULL) - (ky == NULL);
	return strcmp(kx, ky);
}

static int
write_summary(struct sla_run *S)
{
	struct fb_buf *b = &S->buf;
	size_t i;
	int rc;

	sort_run = S;
	qsort(S->groups, S->ngroups, sizeof(*S->groups), group_order);
	if (S->text) {
		b->len = 0;
		fb_buf_adds(b, "as of ");
		add_local(b, S->now);
		fb_buf_printf(b, "; closed within ");
		add_duration(b, S->close_within);
		fb_buf_adds(b, "\nanswered, resolved: share in target, then "
		    "the time it took; closed: resolved within the window;\n"
		    "loop: answered and closed; update: open items owed a "
		    "customer update\n");
		fb_buf_printf(b, "\n%-9s %-16s %7s %6s %8s %9s %9s %8s %9s %9s "
		    "%8s %8s %6s\n", "by", "key", "items", "open", "answered",
		    "median", "p90", "resolved", "mean", "p90", "closed",
		    "loop", "update");
		if (b->err || fb_out_write(&fb_stdout, b->p, b->len) < 0)
			return -1;
	}
	for (i = 0; i <= S->ngroups; i++) {
		const struct group *g = i == 0 ? &S->whole : &S->groups[i - 1];

		if (S->text)
			summary_text(S, g, b);
		else
			summary_json(S, g, b);
		if (b->err)
			fb_diex("out of memory");
		rc = S->text ? fb_out_write(&fb_stdout, b->p, b->len) :
		    fb_write_json_line(b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*---- The end of the input ----*/

static void
report_ends(struct sla_run *S)
{
	fb_fold_warn_orphans(S->fold);
	if (S->ignored > 0)
		fb_warning("%llu repeated or out-of-place events changed "
		    "nothing (e.g. in item '%s'; see --explain)",
		    (unsigned long long)S->ignored, S->ignored_example);
	if (S->out_of_order > 0)
		fb_warning("%llu events came later than events after them; "
		    "clocks follow the events' times, not their order",
		    (unsigned long long)S->out_of_order);
	if (S->late_for_closed > 0)
		fb_warning("%llu events came after their item had closed and "
		    "been counted; closing is final",
		    (unsigned long long)S->late_for_closed);
	if (S->dup_items.more > 0)
		fb_warning("%llu more items came more than once",
		    (unsigned long long)S->dup_items.more);
	if (S->copies_after_close.more > 0)
		fb_warning("%llu more items came again after closing",
		    (unsigned long long)S->copies_after_close.more);
}

static void
parse_by(struct sla_run *S, const char *list)
{
	char *copy = fb_xstrdup(list), *w, *save = NULL;
	int d, i;

	S->ndims = 0;
	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		for (d = 0; d < NDIMS; d++)
			if (strcmp(w, dim_names[d]) == 0)
				break;
		if (d == NDIMS)
			fb_diex("--by: unknown field '%s' (policy, priority, "
			    "channel, category, province, tier, queue)", w);
		for (i = 0; i < S->ndims; i++)
			if (S->dims[i] == d)
				fb_diex("--by: '%s' twice", w);
		S->dims[S->ndims++] = d;
	}
	free(copy);
}

int
main(int argc, char *argv[])
{
	static struct sla_run run;
	struct sla_run *S = &run;
	struct fb_fold_conf fold;
	const char *arg, *policy = NULL, *by = NULL;
	int opt, status, breaches = 0, summary = 0, partial = 0, merge = 0;
	int rc = 0;
	size_t i;

	fb_cli_init("fb-sla");
	S->close_within = 48 * 3600 * 1000LL;
	S->lateness = 24 * 3600 * 1000LL;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'p':
			policy = arg;
			break;
		case 'b':
			breaches = 1;
			break;
		case 'w':
			S->within = fb_parse_duration(arg, "--within");
			S->within_given = 1;
			if (S->within < 0)
				fb_diex("--within: a duration of 0 or more");
			break;
		case 's':
			summary = 1;
			break;
		case OPT_BY:
			by = arg;
			break;
		case OPT_CLOSE_WITHIN:
			S->close_within = fb_parse_duration(arg,
			    "--close-within");
			if (S->close_within <= 0)
				fb_diex("--close-within: a duration of more "
				    "than 0");
			break;
		case OPT_PARTIAL:
			partial = 1;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case 'e':
			S->explain_id = arg;
			break;
		case OPT_LATENESS:
			S->lateness = fb_parse_lateness(arg);
			break;
		case OPT_FORMAT:
			if (strcmp(arg, "text") == 0)
				S->text = 1;
			else if (strcmp(arg, "json") != 0)
				fb_diex("--format: json or text, not '%s'",
				    arg);
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (breaches + summary + merge + (S->explain_id != NULL) > 1)
		fb_diex("--breaches, --summary, --merge and --explain do "
		    "not go together");
	if (partial && !summary && !merge)
		fb_diex("--partial goes with --summary or --merge");
	if (partial && S->text)
		fb_diex("--partial writes JSON state, not text");
	if ((by != NULL || S->text) && !summary && !merge)
		fb_diex("--by and --format go with --summary or --merge");
	if (S->within_given && (summary || merge))
		fb_diex("--within does not change the summary");
	S->mode = S->explain_id != NULL ? MODE_EXPLAIN : breaches ?
	    MODE_BREACHES : merge ? MODE_MERGE : summary ? (partial ?
	    MODE_PARTIAL : MODE_SUMMARY) : MODE_ANNOTATE;
	if (partial && merge)
		S->mode = MODE_MERGE;
	S->ndims = 4;
	S->dims[0] = D_POLICY;
	S->dims[1] = D_PRIORITY;
	S->dims[2] = D_CHANNEL;
	S->dims[3] = D_QUEUE;
	if (by != NULL) {
		parse_by(S, by);
		S->dims_given = 1;
	}
	S->now_given = fb_time_now_fixed();
	S->now = fb_time_now();
	S->whole.dim = NDIMS;
	S->sla = fb_sla_open(policy);
	fold.lateness = S->lateness;
	fold.now = S->now;
	/*
	 * --merge joins states that come in no order, and --explain shows
	 * one item: both finish every item at the end.
	 */
	fold.hold = S->mode == MODE_MERGE || S->mode == MODE_EXPLAIN;
	fold.finish = finish;
	fold.release = held_release;
	fold.arg = S;
	if ((S->fold = fb_fold_create(&fold)) == NULL)
		fb_diex("out of memory");
	fb_sla_clock_init(&S->clock);
	fb_rec_init(&S->rec);

	status = fb_each_record(argc - optind, argv + optind, on_record, S);
	if (S->mode == MODE_MERGE && !S->have_header)
		fb_diex("no partial state in the input");
	if (S->mode == MODE_EXPLAIN)
		rc = explain(S);
	else if (S->mode == MODE_PARTIAL || (merge && partial))
		rc = write_partial(S);
	else
		rc = fb_fold_finish_all(S->fold);
	if (rc == 0 && (S->mode == MODE_SUMMARY || (merge && !partial)))
		rc = write_summary(S);
	if (rc < 0)
		status = FB_EXIT_ERROR;
	else if (rc > 0 && status == FB_EXIT_OK)
		status = FB_EXIT_REJECTED;
	if (S->mode != MODE_EXPLAIN)
		report_ends(S);

	fb_fold_free(S->fold);
	for (i = 0; i < S->ngroups; i++)
		fb_sla_stats_release(&S->groups[i].st);
	free(S->groups);
	fb_sla_stats_release(&S->whole.st);
	fb_pool_release(&S->pool);
	fb_sla_clock_release(&S->clock);
	fb_rec_release(&S->rec);
	fb_buf_release(&S->buf);
	free(S->ignored_example);
	fb_sla_free(S->sla);
	return fb_cli_finish(status);
}
