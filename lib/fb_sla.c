/*
 * fb_sla.c: SLA policies and the clocks they set, for fb-sla.
 *
 * A clock is never stored: it is derived from the item's creation time and
 * its lifecycle events every time, so a changed policy or a late event
 * gives the right answer on the next run.  The events are replayed in time
 * order through a small state machine (open or resolved, pending or not);
 * between two events every active cycle (first response, the latest next
 * response, the latest resolution) counts the working time of the span if
 * the item was running, and notes the instant its target was reached.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define SLA_LINE_MAX	4096
#define SLA_WORDS_MAX	128

enum sla_field {
	F_PRIORITY, F_CHANNEL, F_CATEGORY, F_PROVINCE, F_TIER, F_QUEUE,
	NFIELDS
};

static const char *const field_names[NFIELDS] = {
	"priority", "channel", "category", "province", "tier", "queue"
};

static const char *const event_names[] = {
	"assigned", "first_response", "response", "customer_reply", "pending",
	"resumed", "resolved", "reopened", "closed", "csat"
};

#define NEVENTS	((int)(sizeof(event_names) / sizeof(event_names[0])))

/* One `when` line: the field must equal one of 'vals'. */
struct sla_when {
	int field;
	char **vals;
	size_t nvals;
};

struct fb_sla_policy {
	char *name;
	long line;
	struct sla_when *when;
	size_t nwhen;
	int64_t first, next, resolution, update;	/* ms; 0 = not set */
	int business;
	const struct fb_calendar *cal;	/* borrowed from the fb_sla */
	double at_risk;			/* percent of a target */
};

struct sla_cal {
	char *name;
	struct fb_calendar *cal;
	int has_hours;
};

struct fb_sla {
	struct fb_sla_policy *pol;
	size_t npol, polcap;
	struct sla_cal *cal;
	size_t ncal, calcap;
};

/*---- loading ----*/

struct load {
	struct fb_sla *s;
	const char *path;
	long line;
	struct fb_error *err;
	int in_cal, in_pol;	/* the open block: an index + 1, or 0 */
	unsigned seen;		/* policy settings given, one bit each */
};

static int lerr(struct load *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets "FILE:LINE: message"; returns -1. */
static int
lerr(struct load *ld, const char *fmt, ...)
{
	char msg[sizeof(ld->err->msg)];
	va_list ap;

	if (ld->err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fb_error_set(ld->err, "%s:%ld: %s", ld->path, ld->line, msg);
	ld->err->line = ld->line;
	ld->err->col = 0;
	return -1;
}

/* Passes on the message a callee left in ld->err, with FILE:LINE. */
static int
lerr_pass(struct load *ld)
{
	char msg[sizeof(ld->err->msg)];

	if (ld->err == NULL)
		return -1;
	memcpy(msg, ld->err->msg, sizeof(msg));
	return lerr(ld, "%s", msg);
}

static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *q;

	if (n < *cap)
		return p;
	c = *cap ? *cap * 2 : 8;
	if ((q = realloc(p, c * size)) == NULL)
		return NULL;
	memset((char *)q + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	return q;
}

static struct sla_cal *
find_cal(const struct fb_sla *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->ncal; i++)
		if (strcmp(s->cal[i].name, name) == 0)
			return &s->cal[i];
	return NULL;
}

/* Ends the open block: a calendar given no hours runs all week. */
static int
end_block(struct load *ld)
{
	struct fb_sla_policy *p;
	struct sla_cal *c;

	if (ld->in_cal) {
		c = &ld->s->cal[ld->in_cal - 1];
		ld->in_cal = 0;
		if (!c->has_hours && fb_calendar_hours(c->cal, "mon-sun",
		    "00:00-24:00", ld->err) < 0)
			return lerr_pass(ld);
	}
	if (ld->in_pol) {
		p = &ld->s->pol[ld->in_pol - 1];
		ld->in_pol = 0;
		if (p->first == 0 && p->next == 0 && p->resolution == 0) {
			ld->line = p->line;
			return lerr(ld, "policy '%s' sets no target "
			    "(first-response, next-response or resolution)",
			    p->name);
		}
	}
	return 0;
}

static int
start_calendar(struct load *ld, char **w, int n)
{
	struct sla_cal *c;
	struct fb_sla *s = ld->s;

	if (n != 2 && n != 3)
		return lerr(ld, "'calendar' takes a name and optionally a "
		    "time zone");
	if (end_block(ld) < 0)
		return -1;
	if (find_cal(s, w[1]) != NULL)
		return lerr(ld, "duplicate calendar name '%s'", w[1]);
	if ((s->cal = grow(s->cal, &s->calcap, s->ncal, sizeof(*s->cal))) ==
	    NULL)
		return lerr(ld, "out of memory");
	c = &s->cal[s->ncal];
	if ((c->cal = fb_calendar_create(w[1], n == 3 ? w[2] : "UTC",
	    ld->err)) == NULL)
		return lerr_pass(ld);
	if ((c->name = strdup(w[1])) == NULL) {
		fb_calendar_free(c->cal);
		c->cal = NULL;
		return lerr(ld, "out of memory");
	}
	s->ncal++;
	ld->in_cal = (int)s->ncal;
	return 0;
}

/* Joins 'n' words with 'sep' into 'buf'; -1 when it does not fit. */
static int
join(char *buf, size_t size, char **w, int n, const char *sep)
{
	size_t len = 0, k;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		k = strlen(w[i]) + (i ? strlen(sep) : 0);
		if (len + k >= size)
			return -1;
		snprintf(buf + len, size - len, "%s%s", i ? sep : "", w[i]);
		len += k;
	}
	return 0;
}

static int
calendar_line(struct load *ld, char **w, int n)
{
	struct sla_cal *c = &ld->s->cal[ld->in_cal - 1];
	char days[SLA_LINE_MAX], hours[SLA_LINE_MAX], name[SLA_LINE_MAX];
	char path[SLA_LINE_MAX];
	const char *slash;
	int i, rc;

	if (strcmp(w[0], "hours") == 0) {
		/*
		 * fb_words_split() splits "mon,wed,fri" at the commas, so the
		 * day words are those before the first interval.
		 */
		for (i = 1; i < n; i++)
			if (isdigit((unsigned char)w[i][0]) ||
			    strcmp(w[i], "closed") == 0)
				break;
		if (i == 1 || i == n)
			return lerr(ld, "'hours' takes days and intervals "
			    "(e.g. hours mon-fri 09:00-12:00 13:30-18:00)");
		if (join(days, sizeof(days), w + 1, i - 1, ",") < 0 ||
		    join(hours, sizeof(hours), w + i, n - i, " ") < 0)
			return lerr(ld, "line too long");
		if (fb_calendar_hours(c->cal, days, hours, ld->err) < 0)
			return lerr_pass(ld);
		c->has_hours = 1;
		return 0;
	}
	if (strcmp(w[0], "holiday") == 0) {
		int to = n > 2 && isdigit((unsigned char)w[2][0]);

		if (n < 2)
			return lerr(ld, "'holiday' takes a date, optionally "
			    "a last date and a name");
		if (join(name, sizeof(name), w + 2 + to, n - 2 - to, " ") < 0)
			return lerr(ld, "line too long");
		rc = fb_calendar_holiday(c->cal, w[1], to ? w[2] : NULL,
		    name, ld->err);
	} else if (strcmp(w[0], "workday") == 0) {
		if (n != 2 && n != 3)
			return lerr(ld, "'workday' takes a date and optionally "
			    "the weekday whose hours it has");
		rc = fb_calendar_workday(c->cal, w[1], n == 3 ? w[2] : NULL,
		    ld->err);
	} else if (strcmp(w[0], "ics") == 0) {
		if (n != 2)
			return lerr(ld, "'ics' takes one file name");
		slash = strrchr(ld->path, '/');
		if (w[1][0] == '/' || slash == NULL)
			rc = snprintf(path, sizeof(path), "%s", w[1]);
		else
			rc = snprintf(path, sizeof(path), "%.*s/%s",
			    (int)(slash - ld->path), ld->path, w[1]);
		if (rc < 0 || (size_t)rc >= sizeof(path))
			return lerr(ld, "file name too long");
		rc = fb_calendar_ics(c->cal, path, ld->err);
	} else {
		return lerr(ld, "unknown keyword '%s' in a calendar", w[0]);
	}
	return rc < 0 ? lerr_pass(ld) : 0;
}

static int
start_policy(struct load *ld, char **w, int n)
{
	struct fb_sla *s = ld->s;
	struct fb_sla_policy *p;
	size_t i;

	if (n != 2)
		return lerr(ld, "'policy' takes one name");
	if (end_block(ld) < 0)
		return -1;
	for (i = 0; i < s->npol; i++)
		if (strcmp(s->pol[i].name, w[1]) == 0)
			return lerr(ld, "duplicate policy name '%s' (first on "
			    "line %ld)", w[1], s->pol[i].line);
	if ((s->pol = grow(s->pol, &s->polcap, s->npol, sizeof(*s->pol))) ==
	    NULL)
		return lerr(ld, "out of memory");
	p = &s->pol[s->npol];
	if ((p->name = strdup(w[1])) == NULL)
		return lerr(ld, "out of memory");
	p->line = ld->line;
	p->cal = s->cal[0].cal;
	p->at_risk = 20;
	s->npol++;
	ld->in_pol = (int)s->npol;
	ld->seen = 0;
	return 0;
}

static int
add_when(struct load *ld, struct fb_sla_policy *p, char **w, int n)
{
	struct sla_when *wh;
	size_t cap = p->nwhen;
	int f, i;

	for (f = 0; f < NFIELDS; f++)
		if (n >= 2 && strcmp(w[1], field_names[f]) == 0)
			break;
	if (n < 3 || f == NFIELDS)
		return lerr(ld, "'when' takes a field (priority, channel, "
		    "category, province, tier or queue) and values");
	if ((wh = realloc(p->when, (cap + 1) * sizeof(*wh))) == NULL)
		return lerr(ld, "out of memory");
	p->when = wh;
	wh = &p->when[p->nwhen++];
	wh->field = f;
	wh->nvals = 0;
	if ((wh->vals = calloc((size_t)n - 2, sizeof(*wh->vals))) == NULL)
		return lerr(ld, "out of memory");
	for (i = 2; i < n; i++) {
		if ((wh->vals[i - 2] = strdup(w[i])) == NULL)
			return lerr(ld, "out of memory");
		wh->nvals++;
	}
	return 0;
}

static int
parse_percent(const char *s, double *pct)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &end);
	if (strcmp(end, "%") != 0 || !(v >= 0 && v <= 100))
		return -1;
	*pct = v;
	return 0;
}

static const char *const policy_keys[] = {
	"when", "first-response", "next-response", "resolution",
	"update-after", "time", "calendar", "at-risk", NULL
};

static int
policy_line(struct load *ld, char **w, int n)
{
	struct fb_sla_policy *p = &ld->s->pol[ld->in_pol - 1];
	struct sla_cal *c;
	int64_t *dur = NULL;
	int k;

	for (k = 0; policy_keys[k] != NULL; k++)
		if (strcmp(w[0], policy_keys[k]) == 0)
			break;
	if (policy_keys[k] == NULL)
		return lerr(ld, "unknown keyword '%s' in a policy", w[0]);
	if (k == 0)
		return add_when(ld, p, w, n);
	if (ld->seen & 1u << k)
		return lerr(ld, "'%s' given twice in policy '%s'", w[0],
		    p->name);
	ld->seen |= 1u << k;
	switch (k) {
	case 1:
		dur = &p->first;
		break;
	case 2:
		dur = &p->next;
		break;
	case 3:
		dur = &p->resolution;
		break;
	case 4:
		dur = &p->update;
		break;
	case 5:
		if (n != 2 || (strcmp(w[1], "business") != 0 &&
		    strcmp(w[1], "calendar") != 0))
			return lerr(ld, "'time' takes business or calendar");
		p->business = w[1][0] == 'b';
		return 0;
	case 6:
		/* calendars are defined before the policies that use them */
		if (n != 2)
			return lerr(ld, "'calendar' in a policy takes one "
			    "calendar name (define calendars before the "
			    "first policy)");
		if ((c = find_cal(ld->s, w[1])) == NULL)
			return lerr(ld, "unknown calendar '%s'", w[1]);
		p->cal = c->cal;
		/* naming a calendar means its hours, unless 'time' said not */
		if (!(ld->seen & 1u << 5))
			p->business = 1;
		return 0;
	default:
		if (n != 2 || parse_percent(w[1], &p->at_risk) < 0)
			return lerr(ld, "bad percentage '%s' (use e.g. 20%%)",
			    n >= 2 ? w[1] : "");
		return 0;
	}
	if (n != 2)
		return lerr(ld, "'%s' takes one duration", w[0]);
	if (fb_duration_parse(w[1], dur, ld->err) < 0)
		return lerr_pass(ld);
	if (*dur <= 0)
		return lerr(ld, "duration '%s' must be more than 0", w[1]);
	return 0;
}

static int
load_line(struct load *ld, char *text)
{
	char *w[SLA_WORDS_MAX];
	int n;

	if ((n = fb_words_split(text, w, SLA_WORDS_MAX, ld->err)) < 0)
		return lerr_pass(ld);
	if (n == 0)
		return 0;
	if (strcmp(w[0], "policy") == 0)
		return start_policy(ld, w, n);
	if (strcmp(w[0], "calendar") == 0 && !ld->in_pol)
		return start_calendar(ld, w, n);
	if (ld->in_cal)
		return calendar_line(ld, w, n);
	if (ld->in_pol)
		return policy_line(ld, w, n);
	for (n = 0; policy_keys[n] != NULL; n++)
		if (strcmp(w[0], policy_keys[n]) == 0)
			return lerr(ld, "'%s' outside a policy (start one "
			    "with 'policy NAME')", w[0]);
	if (strcmp(w[0], "hours") == 0 || strcmp(w[0], "holiday") == 0 ||
	    strcmp(w[0], "workday") == 0 || strcmp(w[0], "ics") == 0)
		return lerr(ld, "'%s' outside a calendar (start one with "
		    "'calendar NAME [ZONE]')", w[0]);
	return lerr(ld, "unknown keyword '%s'", w[0]);
}

struct fb_sla *
fb_sla_load(const char *path, struct fb_error *err)
{
	struct load ld;
	struct fb_reader *r;
	struct fb_line ln;
	int got;

	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.err = err;
	if ((ld.s = calloc(1, sizeof(*ld.s))) == NULL ||
	    (ld.s->cal = calloc(1, sizeof(*ld.s->cal))) == NULL ||
	    (ld.s->cal[0].name = strdup("always")) == NULL ||
	    (ld.s->cal[0].cal = fb_calendar_always()) == NULL) {
		fb_sla_free(ld.s);
		fb_error_set(err, "out of memory");
		return NULL;
	}
	ld.s->ncal = ld.s->calcap = 1;
	if ((r = fb_reader_open(path, SLA_LINE_MAX, err)) == NULL) {
		fb_sla_free(ld.s);
		return NULL;
	}
	while ((got = fb_reader_next(r, &ln, err)) == 1) {
		ld.line = (long)ln.pos.line;
		if (ln.status == FB_LINE_TOO_LONG) {
			got = lerr(&ld, "line longer than %d bytes",
			    SLA_LINE_MAX);
			break;
		}
		if (fb_utf8_check(ln.data, ln.len) != ln.len) {
			got = lerr(&ld, "not valid UTF-8");
			break;
		}
		if ((got = load_line(&ld, ln.data)) < 0)
			break;
	}
	fb_reader_close(r);
	if (got == 0 && (got = end_block(&ld)) == 0 && ld.s->npol == 0) {
		if (ld.line == 0)
			ld.line = 1;
		got = lerr(&ld, "no policy in the file");
	}
	if (got < 0) {
		fb_sla_free(ld.s);
		return NULL;
	}
	return ld.s;
}

void
fb_sla_free(struct fb_sla *s)
{
	size_t i, j, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->npol; i++) {
		for (j = 0; j < s->pol[i].nwhen; j++) {
			for (k = 0; k < s->pol[i].when[j].nvals; k++)
				free(s->pol[i].when[j].vals[k]);
			free(s->pol[i].when[j].vals);
		}
		free(s->pol[i].when);
		free(s->pol[i].name);
	}
	free(s->pol);
	for (i = 0; i < s->ncal; i++) {
		fb_calendar_free(s->cal[i].cal);
		free(s->cal[i].name);
	}
	free(s->cal);
	free(s);
}

const struct fb_sla_policy *
fb_sla_match(const struct fb_sla *s, const struct fb_sla_keys *k)
{
	const char *have[NFIELDS];
	size_t i, j, v;

	have[F_PRIORITY] = k->priority;
	have[F_CHANNEL] = k->channel;
	have[F_CATEGORY] = k->category;
	have[F_PROVINCE] = k->province;
	have[F_TIER] = k->tier;
	have[F_QUEUE] = k->queue;
	for (i = 0; i < s->npol; i++) {
		const struct fb_sla_policy *p = &s->pol[i];

		for (j = 0; j < p->nwhen; j++) {
			const char *val = have[p->when[j].field];

			for (v = 0; val != NULL && v < p->when[j].nvals; v++)
				if (strcmp(val, p->when[j].vals[v]) == 0)
					break;
			if (val == NULL || v == p->when[j].nvals)
				break;
		}
		if (j == p->nwhen)
			return p;
	}
	return NULL;
}

const char *
fb_sla_policy_name(const struct fb_sla_policy *p)
{
	return p->name;
}

const struct fb_calendar *
fb_sla_policy_calendar(const struct fb_sla_policy *p)
{
	return p->business ? p->cal : NULL;
}

/*---- names ----*/

int
fb_sla_event_parse(const char *name, enum fb_sla_event *ev)
{
	int i;

	for (i = 0; i < NEVENTS; i++)
		if (strcmp(name, event_names[i]) == 0) {
			*ev = (enum fb_sla_event)i;
			return 0;
		}
	return -1;
}

const char *
fb_sla_event_name(enum fb_sla_event ev)
{
	return (int)ev >= 0 && (int)ev < NEVENTS ? event_names[ev] : "unknown";
}

const char *
fb_sla_outcome_name(int outcome)
{
	static const char *const names[] = {
		"applied", "no effect", "duplicate", "out of place", "after now"
	};

	return outcome >= 0 && outcome <= FB_SLA_AFTER_NOW ? names[outcome] :
	    "unknown";
}

const char *
fb_sla_state_name(int state)
{
	static const char *const names[] = {
		"none", "met", "ok", "at_risk", "breached"
	};

	return state >= 0 && state <= FB_SLA_BREACHED ? names[state] : "none";
}

/*---- the clock ----*/

static int64_t
sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* b - a for b >= a, saturated. */
static int64_t
sat_diff(fb_time_t b, fb_time_t a)
{
	if (a < 0 && b > INT64_MAX + a)
		return INT64_MAX;
	return b - a;
}

/* One cycle of a clock: a first response, a next response, a resolution. */
struct cycle {
	fb_time_t start, stop;
	fb_time_t cross;	/* when the target was reached */
	int64_t elapsed;
	int active, stopped, crossed;
};

struct run {
	const struct fb_sla_policy *p;
	int open, pending, closed;
	int answered;		/* first response given, or cut short */
	fb_time_t last;		/* cycles are counted up to here */
	struct cycle fr, nr, res;
	int nr_cycles, nr_late, res_cycles, res_late;
	fb_time_t first_response_at;	/* FB_TIME_MIN until answered */
	int64_t res_total;	/* counted time of finished resolution cycles */
	fb_time_t update_met;	/* first response at or after update_due */
	fb_time_t update_due;
	struct fb_sla_clock *out;
};

static int64_t
counted(const struct fb_sla_policy *p, fb_time_t a, fb_time_t b)
{
	if (b <= a)
		return 0;
	return p->business ? fb_calendar_elapsed(p->cal, a, b) :
	    sat_diff(b, a);
}

/* The instant when 'ms' more of counted time have run from 'a'. */
static fb_time_t
later(const struct fb_sla_policy *p, fb_time_t a, int64_t ms)
{
	return p->business ? fb_calendar_add(p->cal, a, ms) : sat_add(a, ms);
}

static void
count(const struct fb_sla_policy *p, struct cycle *c, int64_t target,
    fb_time_t a, fb_time_t b)
{
	int64_t n;

	if (!c->active || target == 0)
		return;
	n = counted(p, a, b);
	if (!c->crossed && n >= target - c->elapsed) {
		c->cross = later(p, a, target - c->elapsed);
		c->crossed = 1;
	}
	c->elapsed = sat_add(c->elapsed, n);
}

static void
advance(struct run *r, fb_time_t t)
{
	if (t <= r->last)
		return;
	if (r->open && !r->pending) {
		count(r->p, &r->fr, r->p->first, r->last, t);
		count(r->p, &r->nr, r->p->next, r->last, t);
		count(r->p, &r->res, r->p->resolution, r->last, t);
	}
	r->last = t;
}

static void
start(struct cycle *c, fb_time_t t)
{
	memset(c, 0, sizeof(*c));
	c->start = t;
	c->active = 1;
}

/* Stops 'c' at 't'; returns 1 when it stopped past its target. */
static int
stop(struct cycle *c, fb_time_t t)
{
	if (!c->active)
		return 0;
	c->active = 0;
	c->stopped = 1;
	c->stop = t;
	return c->crossed && t > c->cross;
}

/*
 * Starts a span of what = RUNNING, PAUSED or STOPPED at 't'.  A span cut
 * to nothing by another change at the same instant is dropped, and the
 * next one then joins its predecessor when that is of the same kind.
 */
static int
span(struct run *r, fb_time_t t, int what, enum fb_sla_event cause,
    int creation)
{
	struct fb_sla_clock *o = r->out;
	struct fb_sla_span *sp;

	if (o->nspans > 0 && o->spans[o->nspans - 1].from == t)
		o->nspans--;
	if (o->nspans > 0 && o->spans[o->nspans - 1].what == what)
		return 0;
	if ((o->spans = grow(o->spans, &o->spans_cap, o->nspans,
	    sizeof(*o->spans))) == NULL)
		return -1;
	sp = &o->spans[o->nspans++];
	sp->from = t;
	sp->to = FB_TIME_MAX;
	sp->what = what;
	sp->cause = cause;
	sp->cause_is_creation = creation;
	return 0;
}

static void
stop_all(struct run *r, fb_time_t t)
{
	if (!r->answered) {
		stop(&r->fr, t);
		r->answered = 1;
	}
	r->nr_late += stop(&r->nr, t);
	r->res_late += stop(&r->res, t);
}

/*
 * Applies one event at 't'.  Returns its enum fb_sla_outcome, or -1 when
 * out of memory.
 */
static int
apply(struct run *r, enum fb_sla_event ev, fb_time_t t)
{
	int rc = FB_SLA_APPLIED;

	/* closing is final: only a satisfaction survey comes after it */
	if (r->closed && ev != FB_SLA_CSAT)
		return FB_SLA_OUT_OF_PLACE;
	switch (ev) {
	case FB_SLA_ASSIGNED:
	case FB_SLA_CSAT:
		return FB_SLA_NO_EFFECT;
	case FB_SLA_FIRST_RESPONSE:
	case FB_SLA_RESPONSE:
		if (t >= r->update_due && r->update_met == FB_TIME_MIN)
			r->update_met = t;
		if (!r->answered) {
			stop(&r->fr, t);
			r->answered = 1;
			r->first_response_at = t;
		} else if (r->nr.active) {
			r->nr_late += stop(&r->nr, t);
		} else if (ev == FB_SLA_FIRST_RESPONSE) {
			/* a second "first" response is a mistake */
			return FB_SLA_OUT_OF_PLACE;
		} else {
			/*
			 * A later RESPONSE that answers no reply is a proactive
			 * update: what update-after asks for, and no clock's.
			 */
			if (r->first_response_at == FB_TIME_MIN)
				r->first_response_at = t;
			return r->update_met == t ? FB_SLA_APPLIED :
			    FB_SLA_NO_EFFECT;
		}
		break;
	case FB_SLA_CUSTOMER_REPLY:
		if (!r->open)
			return FB_SLA_NO_EFFECT;
		if (r->pending) {
			r->pending = 0;
			if (span(r, t, FB_SLA_RUNNING, ev, 0) < 0)
				return -1;
		}
		if (r->answered && !r->nr.active) {
			start(&r->nr, t);
			r->nr_cycles++;
		}
		break;
	case FB_SLA_PENDING:
		if (!r->open || r->pending)
			return FB_SLA_OUT_OF_PLACE;
		r->pending = 1;
		rc = span(r, t, FB_SLA_PAUSED, ev, 0);
		break;
	case FB_SLA_RESUMED:
		if (!r->pending)
			return FB_SLA_OUT_OF_PLACE;
		r->pending = 0;
		rc = span(r, t, FB_SLA_RUNNING, ev, 0);
		break;
	case FB_SLA_RESOLVED:
	case FB_SLA_CLOSED:
		if (!r->open) {
			/* closing a resolved item is its normal end */
			if (ev == FB_SLA_RESOLVED)
				return FB_SLA_OUT_OF_PLACE;
			r->closed = 1;
			rc = span(r, t, FB_SLA_STOPPED, ev, 0);
			break;
		}
		stop_all(r, t);
		r->open = r->pending = 0;
		r->closed = ev == FB_SLA_CLOSED;
		rc = span(r, t, FB_SLA_STOPPED, ev, 0);
		break;
	case FB_SLA_REOPENED:
		if (r->open)
			return FB_SLA_OUT_OF_PLACE;
		r->open = 1;
		r->res_total = sat_add(r->res_total, r->res.elapsed);
		start(&r->res, t);
		r->res_cycles++;
		rc = span(r, t, FB_SLA_RUNNING, ev, 0);
		break;
	}
	return rc < 0 ? -1 : FB_SLA_APPLIED;
}

/* Fills one clock's report from its latest cycle, as of 'now'. */
static void
report(const struct run *r, const struct cycle *c, int64_t target,
    fb_time_t now, int64_t within, struct fb_sla_target *t)
{
	int64_t left;

	memset(t, 0, sizeof(*t));
	t->due = FB_TIME_MAX;
	t->stopped = FB_TIME_MIN;
	t->target = target;
	if (target == 0)
		return;
	t->present = 1;
	if (!c->active && !c->stopped)
		return;		/* no cycle yet: state none */
	t->elapsed = c->elapsed;
	if (c->crossed)
		t->due = c->cross;
	else
		t->due = later(r->p, c->stopped ? c->stop : now,
		    target - c->elapsed);
	if (c->stopped) {
		t->stopped = c->stop;
		t->state = c->crossed && c->stop > c->cross ? FB_SLA_BREACHED :
		    FB_SLA_MET;
		return;
	}
	left = target - (c->elapsed < target ? c->elapsed : target);
	if (c->crossed && now > c->cross)
		t->state = FB_SLA_BREACHED;
	else if ((double)left * 100 <= (double)target * r->p->at_risk ||
	    (t->due != FB_TIME_MAX && sat_diff(t->due, now) <= within))
		t->state = FB_SLA_AT_RISK;
	else
		t->state = FB_SLA_OK;
}

struct sorted {
	fb_time_t ts;
	enum fb_sla_event kind;
	size_t at;
};

static int
sorted_cmp(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	/*
	 * Events of the same instant in the order of their kinds, so that
	 * the clock never depends on the order a stream happened to carry
	 * them: a PENDING and a RESUMED logged in the same second leave the
	 * item running, a RESOLVED and a REOPENED leave it open.
	 */
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

void
fb_sla_clock_init(struct fb_sla_clock *c)
{
	memset(c, 0, sizeof(*c));
}

void
fb_sla_clock_release(struct fb_sla_clock *c)
{
	free(c->spans);
	fb_sla_clock_init(c);
}

int
fb_sla_clock(const struct fb_sla_policy *p, fb_time_t created,
    const struct fb_sla_ev *ev, size_t n, fb_time_t now, int64_t within,
    struct fb_sla_clock *out, struct fb_error *err)
{
	struct fb_sla_span *keep_spans = out->spans;
	unsigned char *outcome = out->outcome;
	size_t keep_cap = out->spans_cap, i;
	struct sorted *sv = NULL;
	struct run r;
	fb_time_t upd_left;
	int rc;

	memset(out, 0, sizeof(*out));
	out->spans = keep_spans;
	out->spans_cap = keep_cap;
	out->outcome = outcome;
	for (i = 0; i < n; i++)
		if ((int)ev[i].kind < 0 || (int)ev[i].kind >= NEVENTS)
			return fb_error_set(err, "unknown event kind %d",
			    (int)ev[i].kind);
	if (n > 0 && (sv = malloc(n * sizeof(*sv))) == NULL)
		return fb_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		sv[i].ts = ev[i].ts;
		sv[i].kind = ev[i].kind;
		sv[i].at = i;
	}
	if (n > 1)
		qsort(sv, n, sizeof(*sv), sorted_cmp);

	/* a 'now' before creation sees the item as just created */
	if (now < created)
		now = created;
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.out = out;
	r.open = 1;
	r.last = created;
	r.update_met = FB_TIME_MIN;
	r.first_response_at = FB_TIME_MIN;
	r.update_due = p->update ? sat_add(created, p->update) : FB_TIME_MAX;
	start(&r.fr, created);
	start(&r.res, created);
	r.res_cycles = 1;
	rc = span(&r, created, FB_SLA_RUNNING, FB_SLA_ASSIGNED, 1);
	for (i = 0; i < n && rc >= 0; i++) {
		fb_time_t t = sv[i].ts < created ? created : sv[i].ts;

		if (sv[i].ts > now) {
			rc = FB_SLA_AFTER_NOW;
		} else if (i > 0 && sv[i - 1].ts == sv[i].ts &&
		    sv[i - 1].kind == sv[i].kind) {
			rc = FB_SLA_DUPLICATE;	/* sorted: repeats are adjacent */
		} else {
			advance(&r, t);
			rc = apply(&r, sv[i].kind, t);
		}
		if (rc == FB_SLA_DUPLICATE || rc == FB_SLA_OUT_OF_PLACE)
			out->ignored++;
		if (outcome != NULL && rc >= 0)
			outcome[sv[i].at] = (unsigned char)rc;
	}
	free(sv);
	if (rc < 0)
		return fb_error_set(err, "out of memory");
	advance(&r, now);
	for (i = 0; i + 1 < out->nspans; i++)
		out->spans[i].to = out->spans[i + 1].from;
	if (out->nspans > 0)
		out->spans[out->nspans - 1].to = now;

	report(&r, &r.fr, p->first, now, within, &out->first_response);
	out->first_response.cycles = p->first ? 1 : 0;
	out->first_response.late =
	    out->first_response.state == FB_SLA_BREACHED;
	report(&r, &r.nr, p->next, now, within, &out->next_response);
	out->next_response.cycles = r.nr_cycles;
	out->next_response.late = r.nr_late + (r.nr.active &&
	    out->next_response.state == FB_SLA_BREACHED);
	report(&r, &r.res, p->resolution, now, within, &out->resolution);
	out->resolution.total = sat_add(r.res_total, out->resolution.elapsed);
	out->first_response.total = out->first_response.elapsed;
	out->next_response.total = out->next_response.elapsed;
	out->first_response_at = r.first_response_at;
	out->resolution.cycles = r.res_cycles;
	out->resolution.late = r.res_late + (r.res.active &&
	    out->resolution.state == FB_SLA_BREACHED);
	if (!p->next)
		out->next_response.cycles = out->next_response.late = 0;
	if (!p->resolution)
		out->resolution.cycles = out->resolution.late = 0;

	out->update_due = r.update_due;
	out->update_state = FB_SLA_NONE;
	if (p->update) {
		upd_left = sat_diff(r.update_due, now);
		if (r.update_met != FB_TIME_MIN || !r.open)
			out->update_state = FB_SLA_MET;
		else if (now > r.update_due)
			out->update_state = FB_SLA_BREACHED;
		else if ((double)upd_left * 100 <=
		    (double)p->update * p->at_risk || upd_left <= within)
			out->update_state = FB_SLA_AT_RISK;
		else
			out->update_state = FB_SLA_OK;
	}
	out->state = out->first_response.state;
	if (out->next_response.state > out->state)
		out->state = out->next_response.state;
	if (out->resolution.state > out->state)
		out->state = out->resolution.state;
	out->open = r.open;
	out->pending = r.pending;
	return 0;
}
