/*
 * fb_sla_stats.c: what a summary counts of SLA clocks (fb-sla --summary,
 * fb-report): met, breached and running per clock with the times in a
 * mergeable sketch, the closure window, the closed loop, updates due.
 * One reading of a clock for both tools, so that their figures agree.
 */
#include <string.h>

#include "fb.h"

static void
tally_state(struct fb_sla_tally *t, const struct fb_sla_target *c)
{
	if (!c->present)
		return;
	if (c->state == FB_SLA_MET)
		t->met++;
	else if (c->state == FB_SLA_BREACHED)
		t->breached++;
	else if (c->state != FB_SLA_NONE)
		t->running++;
}

int
fb_sla_stats_add(struct fb_sla_stats *s, const struct fb_sla_clock *c,
    fb_time_t created, fb_time_t now, int64_t close_within)
{
	const struct fb_sla_span *last;

	s->open += c->open;
	s->pending += c->pending;
	tally_state(&s->fr, &c->first_response);
	tally_state(&s->res, &c->resolution);
	/* the time to the first answer, not to a resolution without one */
	if (c->first_response.present && c->first_response_at != FB_TIME_MIN &&
	    c->first_response.stopped == c->first_response_at &&
	    fb_sketch_add(&s->fr.times, c->first_response.elapsed) < 0)
		return -1;
	if (c->resolution.present && !c->open &&
	    fb_sketch_add(&s->res.times, c->resolution.total) < 0)
		return -1;
	s->nr_cycles += (uint64_t)c->next_response.cycles;
	s->nr_late += (uint64_t)c->next_response.late;
	last = c->nspans > 0 ? &c->spans[c->nspans - 1] : NULL;
	if (!c->open && last != NULL && last->what == FB_SLA_STOPPED) {
		s->eligible++;
		if (last->from - created <= close_within)
			s->closed_in++;
	} else if (now - created >= close_within) {
		s->eligible++;
	}
	if (!c->open && c->first_response_at != FB_TIME_MIN)
		s->closed_loop++;
	if (c->open && c->update_state == FB_SLA_BREACHED)
		s->update_due++;
	return 0;
}

static int
tally_merge(struct fb_sla_tally *into, const struct fb_sla_tally *from)
{
	into->met += from->met;
	into->breached += from->breached;
	into->running += from->running;
	return fb_sketch_merge(&into->times, &from->times);
}

int
fb_sla_stats_merge(struct fb_sla_stats *into, const struct fb_sla_stats *from)
{
	into->open += from->open;
	into->pending += from->pending;
	if (tally_merge(&into->fr, &from->fr) < 0 ||
	    tally_merge(&into->res, &from->res) < 0)
		return -1;
	into->nr_cycles += from->nr_cycles;
	into->nr_late += from->nr_late;
	into->eligible += from->eligible;
	into->closed_in += from->closed_in;
	into->closed_loop += from->closed_loop;
	into->update_due += from->update_due;
	return 0;
}

void
fb_sla_stats_release(struct fb_sla_stats *s)
{
	fb_sketch_release(&s->fr.times);
	fb_sketch_release(&s->res.times);
}

static json_t *
tally_to_json(const struct fb_sla_tally *t)
{
	return json_pack("{s:I, s:I, s:I, s:o}", "met", (json_int_t)t->met,
	    "breached", (json_int_t)t->breached, "running",
	    (json_int_t)t->running, "times", fb_sketch_to_json(&t->times));
}

int
fb_sla_stats_to_json(const struct fb_sla_stats *s, json_t *o)
{
	json_t *fr = tally_to_json(&s->fr), *res = tally_to_json(&s->res);

	if (fr == NULL || res == NULL ||
	    json_object_set_new(o, "open", json_integer((json_int_t)s->open)) ||
	    json_object_set_new(o, "pending",
	    json_integer((json_int_t)s->pending)) ||
	    json_object_set_new(o, "first_response", fr) ||
	    json_object_set_new(o, "resolution", res) ||
	    json_object_set_new(o, "nr_cycles",
	    json_integer((json_int_t)s->nr_cycles)) ||
	    json_object_set_new(o, "nr_late",
	    json_integer((json_int_t)s->nr_late)) ||
	    json_object_set_new(o, "eligible",
	    json_integer((json_int_t)s->eligible)) ||
	    json_object_set_new(o, "closed_in",
	    json_integer((json_int_t)s->closed_in)) ||
	    json_object_set_new(o, "closed_loop",
	    json_integer((json_int_t)s->closed_loop)) ||
	    json_object_set_new(o, "update_due",
	    json_integer((json_int_t)s->update_due)))
		return -1;
	return 0;
}

static int
tally_from_json(struct fb_sla_tally *t, json_t *j, struct fb_error *err)
{
	json_int_t met, breached, running;
	json_t *times;

	if (json_unpack(j, "{s:I, s:I, s:I, s:o}", "met", &met, "breached",
	    &breached, "running", &running, "times", &times) < 0 ||
	    met < 0 || breached < 0 || running < 0)
		return fb_error_set(err, "bad tally");
	t->met = (uint64_t)met;
	t->breached = (uint64_t)breached;
	t->running = (uint64_t)running;
	return fb_sketch_from_json(&t->times, times, err);
}

int
fb_sla_stats_from_json(struct fb_sla_stats *s, json_t *o,
    struct fb_error *err)
{
	json_int_t v[8];
	json_t *fr, *res;
	int i;

	memset(s, 0, sizeof(*s));
	if (json_unpack(o, "{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I, "
	    "s:I}", "open", &v[0], "pending", &v[1], "first_response", &fr,
	    "resolution", &res, "nr_cycles", &v[2], "nr_late", &v[3],
	    "eligible", &v[4], "closed_in", &v[5], "closed_loop", &v[6],
	    "update_due", &v[7]) < 0)
		return fb_error_set(err, "SLA counts lack a member");
	for (i = 0; i < 8; i++)
		if (v[i] < 0)
			return fb_error_set(err, "a negative count");
	s->open = (uint64_t)v[0];
	s->pending = (uint64_t)v[1];
	s->nr_cycles = (uint64_t)v[2];
	s->nr_late = (uint64_t)v[3];
	s->eligible = (uint64_t)v[4];
	s->closed_in = (uint64_t)v[5];
	s->closed_loop = (uint64_t)v[6];
	s->update_due = (uint64_t)v[7];
	if (tally_from_json(&s->fr, fr, err) < 0 ||
	    tally_from_json(&s->res, res, err) < 0) {
		fb_sla_stats_release(s);
		return -1;
	}
	return 0;
}
