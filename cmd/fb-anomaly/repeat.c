/*
 * repeat.c: the repeat detector of fb-anomaly -- the same customer
 * complaining about the same issue twice or more within a window (issue
 * 8), a customer whose problem was not solved the first time.
 *
 * The issue of a complaint is its order_id when it has one, else its
 * first problem tag; a complaint with neither (negative words about
 * nothing the taxonomy names, no order) has no issue and is not counted.
 * So a customer complaining about two different orders is two issues,
 * not a repeat.  Only complaints count (fb-report's rule: negative, or a
 * problem tag), except that about an order anything not positive does:
 * fb-tag takes "second time reporting this: only one of 5 items came"
 * for neutral, and ordinary customers never write twice about one order
 * (none does in fb-gen's data).  A tag is weaker evidence than an order
 * -- a busy customer may well have two late parcels in two weeks -- so
 * an issue that is a tag needs tag_min_count (3) complaints, an order
 * min_count (2).  Complaints less than `gap` (an hour) apart are one
 * contact: the same words sent twice, or a customer among the copies of
 * a burst on Weibo.
 *
 * Per customer it keeps a few open issues, each with its complaints in
 * time order (ids and times, at most ITEMS of them).  While an issue has
 * fewer than min_count complaints, those older than `window` before its
 * newest are forgotten: min_count within the window makes it a repeat.
 * A repeat stays open while more complaints come within `window` of the
 * last one, and is raised once, when the window after its last complaint
 * has passed (or the input ends), so that an issue raised three times is
 * one alert with the three, not one at two and another at three.  Time
 * is the newest ts read; once a day of it every customer is swept: what
 * is due is raised, what has expired is forgotten.  Memory is therefore
 * bounded by the customers who complained within the window, times
 * `issues` issues each, times ITEMS complaints -- never by records read.
 *
 * observed is the number of complaints, expected 1 (a complaint is
 * normally made once) with spread 1 (Poisson), and score is observed -
 * expected in those units.  Severity is medium at min_count, high at
 * `high` (3) complaints or more.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "fb_cli.h"
#include "anomaly.h"

#define ITEMS	10		/* complaints kept per issue (evidence) */
#define DAY_MS	(24 * 3600 * 1000LL)

struct entry {
	fb_time_t ts;
	char *id;
	const char *channel;	/* interned in state.names */
};

/*
 * Most issues have one complaint, and a month of a large shop has
 * hundreds of thousands of them open: entries grow as needed, and tags
 * and channels are interned rather than copied.
 */
struct issue {
	const char *issue;	/* the order id (owned), or the tag */
	const char *order_id;	/* 'issue' when it is an order, else NULL */
	const char *tag;	/* the first problem tag, interned */
	struct entry *e;
	size_t n, cap;		/* entries kept, allocated (ITEMS at most) */
	uint64_t count;		/* complaints, kept or not */
	int hit;		/* reached min_count */
};

struct cust {
	struct cust *next;	/* in its bucket */
	uint64_t hash;
	char *name;
	struct issue *v;	/* grown as needed, up to conf.issues */
	size_t nv, cap;
};

struct conf {
	double min_count, tag_min_count, high;
	fb_time_t window, gap;
	size_t issues;
};

struct state {
	struct an_run *run;
	struct conf conf;
	struct cust **bucket;
	size_t nbucket, ncust;
	fb_time_t now, swept;
	int any;
	struct fb_pool names;	/* tags and channels */
};

static void *
repeat_create(const struct an_conf *c, struct an_run *run)
{
	struct state *S = fb_xcalloc(1, sizeof(*S));
	struct conf *f = &S->conf;
	double v;

	S->run = run;
	f->min_count = an_conf_num(c, "repeat", "min_count", 2);
	f->tag_min_count = an_conf_num(c, "repeat", "tag_min_count", 3);
	f->high = an_conf_num(c, "repeat", "high", 3);
	v = an_conf_num(c, "repeat", "window", 14);
	f->window = (fb_time_t)(v * DAY_MS);
	v = an_conf_num(c, "repeat", "gap", 1);
	f->gap = (fb_time_t)(v * 3600 * 1000);
	v = an_conf_num(c, "repeat", "issues", 8);
	f->issues = v < 1 ? 1 : v > 64 ? 64 : (size_t)v;
	if (f->min_count < 2)
		f->min_count = 2;	/* one complaint is not a repeat */
	if (f->tag_min_count < f->min_count)
		f->tag_min_count = f->min_count;
	if (f->min_count > ITEMS)
		f->min_count = ITEMS;	/* counted among the kept ones */
	if (f->tag_min_count > ITEMS)
		f->tag_min_count = ITEMS;
	S->nbucket = 1024;
	S->bucket = fb_xcalloc(S->nbucket, sizeof(*S->bucket));
	return S;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h[2];

	fb_hash128(s, strlen(s), 0, h);
	return h[0];
}

static void
issue_free(struct issue *is)
{
	size_t i;

	for (i = 0; i < is->n; i++)
		free(is->e[i].id);
	free(is->e);
	if (is->order_id != NULL)
		free((char *)is->issue);
	memset(is, 0, sizeof(*is));
}

/* Removes issue i of c (the order of the rest is kept). */
static void
issue_drop(struct cust *c, size_t i)
{
	issue_free(&c->v[i]);
	memmove(&c->v[i], &c->v[i + 1], (c->nv - i - 1) * sizeof(*c->v));
	c->nv--;
	memset(&c->v[c->nv], 0, sizeof(*c->v));
}

static int
raise_alert(struct state *S, const struct cust *c, const struct issue *is)
{
	const char *ev[ITEMS];
	struct an_alert a;
	json_t *chans;
	char sum[512];
	size_t i, j;

	memset(&a, 0, sizeof(a));
	a.detector = "repeat";
	a.key = json_pack("{s:s, s:s, s:s?, s:s?}", "customer", c->name,
	    "issue", is->issue, "order_id", is->order_id, "tag", is->tag);
	chans = json_array();
	for (i = 0; i < is->n; i++) {
		int dup = is->e[i].channel == NULL;

		for (j = 0; j < i && !dup; j++)
			dup = is->e[j].channel != NULL &&
			    strcmp(is->e[j].channel, is->e[i].channel) == 0;
		if (!dup)
			json_array_append_new(chans,
			    json_string(is->e[i].channel));
	}
	a.extra = json_pack("{s:o}", "channels", chans);
	if (a.key == NULL || a.extra == NULL)
		fb_diex("out of memory");
	for (i = 0; i < is->n; i++)
		ev[i] = is->e[i].id;
	a.since = is->e[0].ts;
	a.until = is->e[is->n - 1].ts;
	a.observed = (double)is->count;
	a.expected = 1;
	a.spread = 1;
	a.score = (double)is->count - 1;
	a.severity = (double)is->count >= S->conf.high ? "high" : "medium";
	a.evidence = ev;
	a.nevidence = is->n;
	snprintf(sum, sizeof(sum), "customer %s complained %llu times about "
	    "%s %s", c->name, (unsigned long long)is->count,
	    is->order_id != NULL ? "order" : "tag", is->issue);
	a.summary = sum;
	return an_emit(S->run, &a);
}

/* An issue of a customer, due to be raised. */
struct due {
	struct cust *c;
	struct issue *is;
};

static int
due_cmp(const void *pa, const void *pb)
{
	const struct due *a = pa, *b = pb;
	fb_time_t x = a->is->e[0].ts, y = b->is->e[0].ts;
	int r;

	if (x != y)
		return x < y ? -1 : 1;
	if ((r = strcmp(a->c->name, b->c->name)) != 0)
		return r;
	return strcmp(a->is->issue, b->is->issue);
}

/* An issue whose window has passed by 'now'; with 'all', every one. */
static int
expired(const struct state *S, const struct issue *is, fb_time_t now,
    int all)
{
	return all || now - is->e[is->n - 1].ts > S->conf.window;
}

static void
cust_unlink_free(struct state *S, struct cust **pp)
{
	struct cust *c = *pp;

	*pp = c->next;
	free(c->v);
	free(c->name);
	free(c);
	S->ncust--;
}

/*
 * Raises the repeats whose window has passed by 'now' (with 'all', every
 * repeat: the input ended), in order of their since so that the output
 * does not depend on the hash table, and forgets the expired issues and
 * the customers left with none.
 */
static int
sweep(struct state *S, fb_time_t now, int all)
{
	struct due *due = NULL;
	struct cust **pp, *c;
	size_t b, i, ndue = 0, cap = 0;
	int rc = 0;

	for (b = 0; b < S->nbucket; b++)
		for (c = S->bucket[b]; c != NULL; c = c->next)
			for (i = 0; i < c->nv; i++) {
				if (!c->v[i].hit ||
				    !expired(S, &c->v[i], now, all))
					continue;
				if (ndue == cap) {
					cap = cap ? 2 * cap : 64;
					due = fb_xrealloc(due, cap,
					    sizeof(*due));
				}
				due[ndue].c = c;
				due[ndue++].is = &c->v[i];
			}
	if (ndue > 1)
		qsort(due, ndue, sizeof(*due), due_cmp);
	for (i = 0; i < ndue && rc == 0; i++)
		rc = raise_alert(S, due[i].c, due[i].is);
	free(due);
	for (b = 0; b < S->nbucket; b++) {
		pp = &S->bucket[b];
		while ((c = *pp) != NULL) {
			for (i = 0; i < c->nv; )
				if (expired(S, &c->v[i], now, all))
					issue_drop(c, i);
				else
					i++;
			if (c->nv == 0)
				cust_unlink_free(S, pp);
			else
				pp = &c->next;
		}
	}
	return rc;
}

static void
grow(struct state *S)
{
	struct cust **nb, *c, *next;
	size_t n = S->nbucket * 2, b;

	nb = fb_xcalloc(n, sizeof(*nb));
	for (b = 0; b < S->nbucket; b++)
		for (c = S->bucket[b]; c != NULL; c = next) {
			next = c->next;
			c->next = nb[c->hash & (n - 1)];
			nb[c->hash & (n - 1)] = c;
		}
	free(S->bucket);
	S->bucket = nb;
	S->nbucket = n;
}

static struct cust *
cust_get(struct state *S, const char *name)
{
	uint64_t h = hash_str(name);
	struct cust *c;

	for (c = S->bucket[h & (S->nbucket - 1)]; c != NULL; c = c->next)
		if (c->hash == h && strcmp(c->name, name) == 0)
			return c;
	if (S->ncust >= 2 * S->nbucket)
		grow(S);
	c = fb_xcalloc(1, sizeof(*c));
	c->hash = h;
	c->name = fb_xstrdup(name);
	c->next = S->bucket[h & (S->nbucket - 1)];
	S->bucket[h & (S->nbucket - 1)] = c;
	S->ncust++;
	return c;
}

/* Adds a complaint to 'is', its entries kept in time order. */
static void
issue_add(struct state *S, struct issue *is, const struct an_item *it)
{
	const struct conf *f = &S->conf;
	size_t i, j;

	if (!is->hit) {
		/* Not yet a repeat: forget what the window has left behind. */
		fb_time_t newest = is->n > 0 && is->e[is->n - 1].ts > it->ts ?
		    is->e[is->n - 1].ts : it->ts;

		for (i = 0; i < is->n && newest - is->e[i].ts > f->window; i++)
			;
		if (i > 0) {
			for (j = 0; j < i; j++)
				free(is->e[j].id);
			memmove(is->e, is->e + i, (is->n - i) * sizeof(*is->e));
			is->n -= i;
			is->count = is->n;
		}
		if (newest - it->ts > f->window)
			return;	/* itself out of the window */
	}
	/*
	 * One contact, not a repeat: the same words posted twice in a
	 * minute, or a customer among a burst's many copies on Weibo.
	 */
	for (i = 0; i < is->n; i++)
		if (is->e[i].ts - it->ts < f->gap &&
		    it->ts - is->e[i].ts < f->gap)
			return;
	is->count++;
	if (is->n == ITEMS) {
		/* Full: the first complaints are the evidence that matters. */
		return;
	}
	if (is->n == is->cap) {
		is->cap = is->cap == 0 ? 1 : is->cap * 2 > ITEMS ? ITEMS :
		    is->cap * 2;
		is->e = fb_xrealloc(is->e, is->cap, sizeof(*is->e));
	}
	for (i = is->n; i > 0 && is->e[i - 1].ts > it->ts; i--)
		;
	memmove(&is->e[i + 1], &is->e[i], (is->n - i) * sizeof(*is->e));
	is->e[i].ts = it->ts;
	is->e[i].id = fb_xstrdup(it->id);
	is->e[i].channel = fb_pool_str(&S->names, fb_xintern(&S->names,
	    it->channel, it->channel != NULL ? strlen(it->channel) : 0));
	is->n++;
}

static int
repeat_item(void *state, const struct an_item *it)
{
	struct state *S = state;
	const struct conf *f = &S->conf;
	const char *tag = NULL, *issue;
	int has_order;
	struct cust *c;
	struct issue *is = NULL;
	size_t i;
	int rc = 0;

	if (!S->any || it->ts > S->now) {
		S->now = it->ts;
		if (!S->any)
			S->swept = it->ts;
		S->any = 1;
	}
	/* Once a day of data: raise what is due, forget what expired. */
	if (S->now - S->swept >= DAY_MS) {
		S->swept = S->now;
		if ((rc = sweep(S, S->now, 0)) != 0)
			return -1;
	}
	if (it->customer == NULL || it->customer[0] == '\0')
		return 0;
	for (i = 0; i < it->ntags && tag == NULL; i++)
		if (fb_taxonomy_problem(it->tags[i]))
			tag = it->tags[i];
	has_order = it->order_id != NULL && it->order_id[0] != '\0';
	issue = has_order ? it->order_id : tag;
	/* complaints; about an order, anything not positive (see above) */
	if (issue == NULL || (!it->complaint && (!has_order ||
	    (it->sentiment != NULL && strcmp(it->sentiment, "positive") == 0))))
		return 0;
	c = cust_get(S, it->customer);
	for (i = 0; i < c->nv; i++)
		if (strcmp(c->v[i].issue, issue) == 0 &&
		    (c->v[i].order_id != NULL) == has_order) {
			is = &c->v[i];
			break;
		}
	if (is == NULL) {
		if (c->nv == f->issues) {
			/* Full: forget the oldest issue not yet a repeat. */
			for (i = 0; i < c->nv && c->v[i].hit; i++)
				;
			if (i == c->nv) {
				/* all repeats: the oldest is raised now */
				i = 0;
				rc = raise_alert(S, c, &c->v[0]);
			}
			issue_drop(c, i);
		}
		if (c->nv == c->cap) {
			/* most customers have one issue: grow by one */
			c->cap++;
			c->v = fb_xrealloc(c->v, c->cap, sizeof(*c->v));
		}
		is = &c->v[c->nv++];
		memset(is, 0, sizeof(*is));
		if (has_order)
			is->issue = is->order_id = fb_xstrdup(issue);
		else
			is->issue = fb_pool_str(&S->names,
			    fb_xintern(&S->names, issue, strlen(issue)));
	}
	if (is->tag == NULL && tag != NULL)
		is->tag = fb_pool_str(&S->names, fb_xintern(&S->names, tag,
		    strlen(tag)));
	issue_add(S, is, it);
	if (!is->hit && (double)is->count >= (is->order_id != NULL ?
	    f->min_count : f->tag_min_count))
		is->hit = 1;
	return rc;
}

static int
repeat_finish(void *state)
{
	struct state *S = state;

	return sweep(S, S->now, 1);
}

static void
repeat_destroy(void *state)
{
	struct state *S = state;
	struct cust *c, *next;
	size_t b, i;

	if (S == NULL)
		return;
	for (b = 0; b < S->nbucket; b++)
		for (c = S->bucket[b]; c != NULL; c = next) {
			next = c->next;
			for (i = 0; i < c->nv; i++)
				issue_free(&c->v[i]);
			free(c->v);
			free(c->name);
			free(c);
		}
	free(S->bucket);
	fb_pool_release(&S->names);
	free(S);
}

const struct an_detector an_repeat = {
	"repeat", repeat_create, repeat_item, repeat_finish, repeat_destroy
};
