/*
 * test_sla.c: SLA policies and clocks (fb_sla.c), each case's arithmetic
 * worked by hand in its comment: a 24x7 P1 clock through its states, a
 * Shanghai business calendar across a weekend, National Day and a make-up
 * Saturday (listed and from an .ics file), pause and resume, reopening,
 * next-response cycles, the update due, events out of order, duplicated
 * or out of place, the spans, policy matching and every load error.  The
 * policies are written to temp files, so share/fb/sla.conf may change;
 * it is only checked to load and to cover P0-P3.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"
#include "tmpfiles.h"

#define MIN	60000LL
#define HOUR	3600000LL
#define DAYMS	86400000LL

static fb_time_t
utc(int y, int mo, int d, int h, int mi)
{
	return fb_time_from_civil(y, mo, d, h, mi, 0, 0);
}

/* Shanghai is UTC+8 all year. */
static fb_time_t
cst(int y, int mo, int d, int h, int mi)
{
	return utc(y, mo, d, h, mi) - 8 * HOUR;
}

static struct fb_sla *
load(const char *name, const char *text)
{
	const char *path = tpath(name);
	struct fb_error err;
	struct fb_sla *s;

	write_plain(path, text, strlen(text));
	if ((s = fb_sla_load(path, &err)) == NULL) {
		diag("%s", err.msg);
		abort();
	}
	return s;
}

static const struct fb_sla_policy *
policy(const struct fb_sla *s, const char *priority)
{
	struct fb_sla_keys k = { priority, NULL, NULL, NULL, NULL, NULL };
	const struct fb_sla_policy *p = fb_sla_match(s, &k);

	if (p == NULL)
		abort();
	return p;
}

/* The clock run() fills, its span buffer reused from call to call. */
static struct fb_sla_clock clk;

/* The clock as of 'now', with no 'within'; aborts on error. */
static struct fb_sla_clock *
run(const struct fb_sla_policy *p, fb_time_t created,
    const struct fb_sla_ev *ev, size_t n, fb_time_t now)
{
	struct fb_error err;

	if (fb_sla_clock(p, created, ev, n, now, 0, &clk, &err) < 0) {
		diag("%s", err.msg);
		abort();
	}
	return &clk;
}

static const char *
st(int state)
{
	return fb_sla_state_name(state);
}

/*---- 24x7 P1: 1h first response, 24h resolution ----*/

static const char p1_conf[] =
    "# test policies\n"
    "policy P1\n"
    "    when priority P1\n"
    "    first-response 1h\n"
    "    resolution 24h\n";

static void
test_24x7(void)
{
	struct fb_sla *s = load("p1.conf", p1_conf);
	const struct fb_sla_policy *p = policy(s, "P1");
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev fr = {
		utc(2026, 11, 20, 10, 40), FB_SLA_FIRST_RESPONSE
	};
	struct fb_sla_clock *c;
	struct fb_error err;

	is_str(fb_sla_policy_name(p), "P1", "24x7: policy name");
	ok(fb_sla_policy_calendar(p) == NULL, "24x7: wall-clock policy has "
	    "no calendar");

	/* answered 10:40, 40m of 60m: met; resolution runs 90m of 24h */
	c = run(p, c0, &fr, 1, utc(2026, 11, 20, 11, 30));
	is_str(st(c->first_response.state), "met", "24x7: answered 10:40 met");
	is_int(c->first_response.stopped, fr.ts, "24x7: stopped 10:40");
	is_int(c->first_response.elapsed, 40 * MIN, "24x7: elapsed 40m");
	is_int(c->first_response.due, utc(2026, 11, 20, 11, 0),
	    "24x7: due stays 11:00");
	is_int(c->first_response.target, HOUR, "24x7: target 1h");
	is_int(c->first_response.late, 0, "24x7: not late");
	is_str(st(c->resolution.state), "ok", "24x7: resolution ok");
	is_int(c->resolution.due, utc(2026, 11, 21, 10, 0),
	    "24x7: resolution due 10:00 next day");
	is_str(st(c->state), "ok", "24x7: overall ok (ok beats met)");
	ok(!c->next_response.present, "24x7: no next-response target");
	is_int(c->next_response.state, FB_SLA_NONE, "24x7: next response none");
	is_int(c->update_state, FB_SLA_NONE, "24x7: no update target");
	is_int(c->update_due, FB_TIME_MAX, "24x7: update never due");

	/* nothing by 11:30: 90m of 60m, breached since 11:00 */
	c = run(p, c0, NULL, 0, utc(2026, 11, 20, 11, 30));
	is_str(st(c->first_response.state), "breached", "24x7: 11:30 breached");
	is_int(c->first_response.due, utc(2026, 11, 20, 11, 0),
	    "24x7: breached, due 11:00");
	is_int(c->first_response.stopped, FB_TIME_MIN, "24x7: not stopped");
	is_int(c->first_response.elapsed, 90 * MIN, "24x7: elapsed 90m");
	is_int(c->first_response.late, 1, "24x7: running late counts");
	is_str(st(c->state), "breached", "24x7: overall breached");
	ok(c->open && !c->pending, "24x7: open, not pending");

	/* 10:50: 10m left <= 20% of 60m = 12m */
	c = run(p, c0, NULL, 0, utc(2026, 11, 20, 10, 50));
	is_str(st(c->first_response.state), "at_risk", "24x7: 10:50 at_risk");
	is_str(st(c->state), "at_risk", "24x7: overall at_risk");
	/* 10:48: exactly 12m left is "at most" 20% */
	c = run(p, c0, NULL, 0, utc(2026, 11, 20, 10, 48));
	is_str(st(c->first_response.state), "at_risk", "24x7: 10:48 at_risk");
	/* 10:47: 13m left */
	c = run(p, c0, NULL, 0, utc(2026, 11, 20, 10, 47));
	is_str(st(c->first_response.state), "ok", "24x7: 10:47 ok");
	/* 10:20: 40m left */
	c = run(p, c0, NULL, 0, utc(2026, 11, 20, 10, 20));
	is_str(st(c->first_response.state), "ok", "24x7: 10:20 ok");
	is_int(c->first_response.due, utc(2026, 11, 20, 11, 0),
	    "24x7: 10:20 due 11:00");
	is_int(c->first_response.elapsed, 20 * MIN, "24x7: 10:20 elapsed 20m");

	/* 'within': at 10:20 the due 11:00 is 40m away */
	if (fb_sla_clock(p, c0, NULL, 0, utc(2026, 11, 20, 10, 20), 40 * MIN,
	    c, &err) < 0)
		abort();
	is_str(st(c->first_response.state), "at_risk",
	    "24x7: due within 40m is at_risk");
	if (fb_sla_clock(p, c0, NULL, 0, utc(2026, 11, 20, 10, 20), 39 * MIN,
	    c, &err) < 0)
		abort();
	is_str(st(c->first_response.state), "ok", "24x7: not within 39m");

	/* 11:00 exactly is in time, 11:05 is late */
	fr.ts = utc(2026, 11, 20, 11, 0);
	c = run(p, c0, &fr, 1, utc(2026, 11, 20, 12, 0));
	is_str(st(c->first_response.state), "met", "24x7: answered at due met");
	fr.ts = utc(2026, 11, 20, 11, 5);
	c = run(p, c0, &fr, 1, utc(2026, 11, 20, 12, 0));
	is_str(st(c->first_response.state), "breached",
	    "24x7: answered 11:05 breached");
	is_int(c->first_response.late, 1, "24x7: answered late counts");
	fb_sla_free(s);
}

/*---- business hours in Shanghai ----*/

static const char cn_ics_text[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20261001\r\n"
    "DTEND;VALUE=DATE:20261008\r\n"
    "SUMMARY:National Day\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20261010\r\n"
    "SUMMARY:补班\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

static const char cn_conf[] =
    "calendar cn-office Asia/Shanghai\n"
    "    hours mon-fri 09:00-12:00 13:30-18:00\n"
    "    holiday 2026-10-01 2026-10-07 National Day\n"
    "    workday 2026-10-10 mon\n"
    "calendar cn-noswap Asia/Shanghai\n"
    "    hours mon,tue,wed,thu,fri 09:00-12:00, 13:30-18:00\n"
    "    holiday 2026-10-01 2026-10-07\n"
    "calendar cn-ics Asia/Shanghai\n"
    "    hours mon-fri 09:00-12:00 13:30-18:00\n"
    "    ics cn.ics\n"
    "calendar open-all UTC\n"
    "    holiday 2026-11-21\n"
    "policy biz\n"
    "    when priority B\n"
    "    first-response 2h\n"
    "    time business\n"
    "    calendar cn-office\n"
    "policy noswap\n"
    "    when priority N\n"
    "    first-response 2h\n"
    "    time business\n"
    "    calendar cn-noswap\n"
    "policy ics\n"
    "    when priority I\n"
    "    first-response 2h\n"
    "    time business\n"
    "    calendar cn-ics\n"
    "policy wall\n"
    "    when priority W\n"
    "    first-response 2h\n"
    "    calendar cn-office\n"
    "    time calendar\n"
    "policy named\n"
    "    when priority C\n"
    "    first-response 2h\n"
    "    calendar cn-office\n"
    "policy allweek\n"
    "    when priority A\n"
    "    first-response 2h\n"
    "    time business\n"
    "    calendar open-all\n";

static void
test_business(void)
{
	struct fb_sla *s;
	const struct fb_sla_policy *biz, *noswap, *ics, *wall, *named, *allweek;
	struct fb_sla_ev fr = { 0, FB_SLA_FIRST_RESPONSE };
	struct fb_sla_clock *c;
	fb_time_t c0 = cst(2026, 11, 20, 17, 0);	/* a Friday */

	write_plain(tpath("cn.ics"), cn_ics_text, strlen(cn_ics_text));
	s = load("cn.conf", cn_conf);
	biz = policy(s, "B");
	noswap = policy(s, "N");
	ics = policy(s, "I");
	wall = policy(s, "W");
	named = policy(s, "C");
	allweek = policy(s, "A");
	ok(fb_sla_policy_calendar(biz) != NULL &&
	    strcmp(fb_calendar_name(fb_sla_policy_calendar(biz)),
	    "cn-office") == 0, "business: the policy's calendar");

	/* Fri 17:00-18:00 is 1h, Mon 09:00-10:00 the other: due Mon 10:00 */
	c = run(biz, c0, NULL, 0, cst(2026, 11, 21, 12, 0));
	is_int(c->first_response.due, cst(2026, 11, 23, 10, 0),
	    "business: Fri 17:00 + 2h due Mon 10:00");
	is_int(c->first_response.elapsed, HOUR,
	    "business: Sat noon has 1h elapsed");
	is_str(st(c->first_response.state), "ok",
	    "business: Sat noon ok (50%% left)");
	/* Mon 09:40: 1h40m, 20m left <= 24m */
	c = run(biz, c0, NULL, 0, cst(2026, 11, 23, 9, 40));
	is_str(st(c->first_response.state), "at_risk",
	    "business: Mon 09:40 at_risk");
	is_int(c->first_response.due, cst(2026, 11, 23, 10, 0),
	    "business: Mon 09:40 still due 10:00");
	c = run(biz, c0, NULL, 0, cst(2026, 11, 23, 10, 1));
	is_str(st(c->first_response.state), "breached",
	    "business: Mon 10:01 breached");
	is_int(c->first_response.elapsed, 2 * HOUR + MIN,
	    "business: Mon 10:01 elapsed 2h1m");
	/* answered Mon 09:30: 1h + 30m */
	fr.ts = cst(2026, 11, 23, 9, 30);
	c = run(biz, c0, &fr, 1, cst(2026, 11, 23, 12, 0));
	is_str(st(c->first_response.state), "met",
	    "business: answered Mon 09:30 met");
	is_int(c->first_response.elapsed, 90 * MIN,
	    "business: answered after 1h30m of working time");
	/* answered on the weekend: no working time passed since Fri 18:00 */
	fr.ts = cst(2026, 11, 22, 11, 0);
	c = run(biz, c0, &fr, 1, cst(2026, 11, 23, 12, 0));
	is_int(c->first_response.elapsed, HOUR,
	    "business: answered Sunday, 1h counted");
	is_int(c->first_response.due, cst(2026, 11, 23, 10, 0),
	    "business: stopped clock keeps due Mon 10:00");

	/*
	 * Wed 2026-09-30 17:00: 1h that day; 10-01..07 holidays (10-03 and
	 * 10-04 the weekend in them); Thu 10-08 09:00-10:00 the second hour.
	 */
	c0 = cst(2026, 9, 30, 17, 0);
	c = run(biz, c0, NULL, 0, cst(2026, 10, 5, 12, 0));
	is_int(c->first_response.due, cst(2026, 10, 8, 10, 0),
	    "business: across National Day due 10-08 10:00");
	is_int(c->first_response.elapsed, HOUR,
	    "business: no time counted in the holiday");
	c = run(ics, c0, NULL, 0, cst(2026, 10, 5, 12, 0));
	is_int(c->first_response.due, cst(2026, 10, 8, 10, 0),
	    "business: the .ics holiday gives the same due");

	/* Fri 10-09 17:00: 1h; make-up Sat 10-10 09:00-10:00 */
	c0 = cst(2026, 10, 9, 17, 0);
	c = run(biz, c0, NULL, 0, c0);
	is_int(c->first_response.due, cst(2026, 10, 10, 10, 0),
	    "business: make-up Saturday counts, due Sat 10:00");
	c = run(ics, c0, NULL, 0, c0);
	is_int(c->first_response.due, cst(2026, 10, 10, 10, 0),
	    "business: make-up Saturday from the .ics too");
	c = run(noswap, c0, NULL, 0, c0);
	is_int(c->first_response.due, cst(2026, 10, 12, 10, 0),
	    "business: without it due Mon 10-12 10:00");
	/* answered Sat 10-10 09:45: 1h + 45m */
	fr.ts = cst(2026, 10, 10, 9, 45);
	c = run(biz, c0, &fr, 1, cst(2026, 10, 12, 0, 0));
	is_int(c->first_response.elapsed, 105 * MIN,
	    "business: 45m counted on the make-up Saturday");
	is_str(st(c->first_response.state), "met", "business: met Saturday");

	/* time calendar ignores the calendar's hours */
	c = run(wall, c0, NULL, 0, c0);
	is_int(c->first_response.due, cst(2026, 10, 9, 19, 0),
	    "business: wall-clock policy due 19:00");
	ok(fb_sla_policy_calendar(wall) == NULL,
	    "business: wall-clock policy names no calendar");
	/* naming a calendar without 'time' counts its hours: Fri 17:00 + 2h */
	c = run(named, cst(2026, 11, 20, 17, 0), NULL, 0,
	    cst(2026, 11, 20, 17, 0));
	is_int(c->first_response.due, cst(2026, 11, 23, 10, 0),
	    "business: a named calendar means business time: due Mon 10:00");

	/* a calendar with no hours runs all week; minus its holiday */
	c0 = utc(2026, 11, 20, 23, 0);
	c = run(allweek, c0, NULL, 0, c0);
	is_int(c->first_response.due, utc(2026, 11, 22, 1, 0),
	    "business: all-week calendar skips its holiday: 1h Fri, 1h Sun");
	fb_sla_free(s);
}

/*---- pause, resume, reopen, next response, update ----*/

static const char flow_conf[] =
    "policy flow\n"
    "    first-response 1h\n"
    "    next-response 1h\n"
    "    resolution 4h\n"
    "    update-after 48h\n";

static void
test_pause(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 20), FB_SLA_PENDING },
		{ utc(2026, 11, 20, 11, 20), FB_SLA_RESUMED },
	};
	struct fb_sla_clock *c;

	/* 10:00-10:20 runs, 10:20-11:20 paused, 11:20-12:00 runs: 60m */
	c = run(p, c0, ev, 2, utc(2026, 11, 20, 12, 0));
	is_int(c->resolution.elapsed, HOUR, "pause: 60m counted by 12:00");
	is_int(c->resolution.due, utc(2026, 11, 20, 15, 0),
	    "pause: resolution due 15:00 (4h + 1h paused)");
	is_str(st(c->resolution.state), "ok", "pause: resolution ok");
	ok(c->open && !c->pending, "pause: resumed");
	/* first response: 20m, then 40m from 11:20: due 12:00 exactly */
	is_int(c->first_response.due, utc(2026, 11, 20, 12, 0),
	    "pause: first response due 12:00");
	is_str(st(c->first_response.state), "at_risk",
	    "pause: first response at its due is at_risk, not breached");

	/* as of 11:00, paused: 20m counted, due assumes it runs from now */
	c = run(p, c0, ev, 2, utc(2026, 11, 20, 11, 0));
	ok(c->pending, "pause: pending at 11:00");
	is_int(c->resolution.elapsed, 20 * MIN, "pause: 20m at 11:00");
	is_int(c->resolution.due, utc(2026, 11, 20, 14, 40),
	    "pause: paused due 11:00 + 3h40m");

	/* a customer reply resumes too */
	ev[1].kind = FB_SLA_CUSTOMER_REPLY;
	c = run(p, c0, ev, 2, utc(2026, 11, 20, 12, 0));
	is_int(c->resolution.due, utc(2026, 11, 20, 15, 0),
	    "pause: a customer reply resumes, due 15:00");
	is_int(c->next_response.cycles, 0,
	    "pause: a reply before the first response opens no cycle");
	is_int(c->ignored, 0, "pause: nothing ignored");

	/* breached before the pause stays breached while paused */
	ev[0].ts = utc(2026, 11, 20, 11, 30);
	c = run(p, c0, ev, 1, utc(2026, 11, 20, 13, 0));
	is_str(st(c->first_response.state), "breached",
	    "pause: breached 11:00, paused 11:30: still breached");
	is_int(c->first_response.due, utc(2026, 11, 20, 11, 0),
	    "pause: due 11:00 kept");
}

static void
test_reopen(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_RESOLVED },
		{ utc(2026, 11, 22, 9, 0), FB_SLA_REOPENED },
	};
	struct fb_sla_clock *c;

	/* resolved after 2h of 4h: met; as if running on, due 14:00 */
	c = run(p, c0, ev, 2, utc(2026, 11, 21, 0, 0));
	is_str(st(c->resolution.state), "met", "reopen: resolved 12:00 met");
	is_int(c->resolution.stopped, utc(2026, 11, 20, 12, 0),
	    "reopen: stopped 12:00");
	is_int(c->resolution.elapsed, 2 * HOUR, "reopen: 2h elapsed");
	ok(!c->open, "reopen: not open when resolved");
	is_str(st(c->state), "met", "reopen: overall met");

	/* reopened 11-22 09:00: a new 4h cycle due 13:00 */
	c = run(p, c0, ev, 3, utc(2026, 11, 22, 10, 0));
	is_int(c->resolution.due, utc(2026, 11, 22, 13, 0),
	    "reopen: new cycle due 13:00");
	is_int(c->resolution.elapsed, HOUR, "reopen: 1h into the new cycle");
	is_str(st(c->resolution.state), "ok", "reopen: new cycle ok");
	is_int(c->resolution.stopped, FB_TIME_MIN, "reopen: running again");
	is_int(c->resolution.cycles, 2, "reopen: two cycles");
	is_int(c->resolution.late, 0, "reopen: first cycle was met");
	ok(c->open, "reopen: open again");

	/* a first cycle resolved at 15:00 (5h) was late */
	ev[1].ts = utc(2026, 11, 20, 15, 0);
	c = run(p, c0, ev, 3, utc(2026, 11, 22, 10, 0));
	is_int(c->resolution.late, 1, "reopen: a late first cycle counts");
	is_str(st(c->resolution.state), "ok", "reopen: current cycle ok");

	/* a resolution without any response stops the first response clock */
	c = run(p, c0, ev + 1, 1, utc(2026, 11, 21, 0, 0));
	is_str(st(c->first_response.state), "breached",
	    "reopen: unanswered until resolved at 15:00 (5h): breached");
	is_int(c->first_response.stopped, utc(2026, 11, 20, 15, 0),
	    "reopen: first response stopped by the resolution");
}

static void
test_next_response(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_CUSTOMER_REPLY },
		{ utc(2026, 11, 20, 13, 30), FB_SLA_RESPONSE },
		{ utc(2026, 11, 20, 14, 0), FB_SLA_CUSTOMER_REPLY },
		{ utc(2026, 11, 20, 14, 10), FB_SLA_CUSTOMER_REPLY },
		{ utc(2026, 11, 20, 14, 20), FB_SLA_RESPONSE },
	};
	struct fb_sla_clock *c;

	/* no reply yet: present, but no cycle */
	c = run(p, c0, ev, 1, utc(2026, 11, 20, 11, 0));
	ok(c->next_response.present, "next: target present");
	is_int(c->next_response.cycles, 0, "next: no cycle yet");
	is_str(st(c->next_response.state), "none", "next: state none");
	is_int(c->next_response.due, FB_TIME_MAX, "next: never due");

	/* reply 12:00, 1h target, answered 13:30: 90m, late */
	c = run(p, c0, ev, 3, utc(2026, 11, 20, 13, 45));
	is_int(c->next_response.cycles, 1, "next: one cycle");
	is_int(c->next_response.late, 1, "next: answered late");
	is_str(st(c->next_response.state), "breached",
	    "next: the cycle is breached");
	is_int(c->next_response.due, utc(2026, 11, 20, 13, 0),
	    "next: was due 13:00");
	is_int(c->next_response.elapsed, 90 * MIN, "next: 90m elapsed");
	is_int(c->next_response.stopped, utc(2026, 11, 20, 13, 30),
	    "next: stopped 13:30");
	is_str(st(c->state), "breached", "next: overall breached");

	/* still waiting at 13:10: running past 13:00 */
	c = run(p, c0, ev, 2, utc(2026, 11, 20, 13, 10));
	is_str(st(c->next_response.state), "breached",
	    "next: waiting past due breached");
	is_int(c->next_response.late, 1, "next: the running late cycle counts");

	/* replies 14:00 and 14:10 are one cycle, answered 14:20: 20m, met */
	c = run(p, c0, ev, 6, utc(2026, 11, 20, 15, 0));
	is_int(c->next_response.cycles, 2, "next: two cycles");
	is_int(c->next_response.late, 1, "next: one late");
	is_str(st(c->next_response.state), "met", "next: latest cycle met");
	is_int(c->next_response.elapsed, 20 * MIN,
	    "next: latest cycle from the first waiting reply");
	is_int(c->ignored, 0, "next: nothing ignored");
}

static void
test_update(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 22, 10, 30), FB_SLA_RESPONSE },
	};
	struct fb_sla_clock *c;

	/* due 11-22 10:00; at 11-22 09:00 1h left <= 20% of 48h */
	c = run(p, c0, ev, 1, utc(2026, 11, 22, 9, 0));
	is_int(c->update_due, utc(2026, 11, 22, 10, 0), "update: due +48h");
	is_str(st(c->update_state), "at_risk", "update: 1h left at_risk");
	c = run(p, c0, ev, 1, utc(2026, 11, 21, 10, 0));
	is_str(st(c->update_state), "ok", "update: 24h left ok");
	c = run(p, c0, ev, 1, utc(2026, 11, 22, 11, 0));
	is_str(st(c->update_state), "breached", "update: past due breached");
	is_str(st(c->state), "breached",
	    "update: (the resolution is breached too)");
	/* a response after the due meets it, and is no ignored event */
	c = run(p, c0, ev, 2, utc(2026, 11, 22, 11, 0));
	is_str(st(c->update_state), "met", "update: response 10:30 meets it");
	is_int(c->ignored, 0, "update: a proactive response is not ignored");
	/* the first response, before the due, does not */
	c = run(p, c0, ev, 1, utc(2026, 11, 22, 10, 0));
	is_str(st(c->update_state), "at_risk", "update: at the due, at_risk");
}

static void
test_update_state(void)
{
	struct fb_sla *s = load("upd.conf",
	    "policy u\n  first-response 1h\n  update-after 2d\n");
	const struct fb_sla_policy *p = policy(s, "P3");
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 20, 11, 0), FB_SLA_RESOLVED },
	};
	struct fb_sla_clock *c;

	c = run(p, c0, ev, 1, utc(2026, 11, 23, 0, 0));
	is_str(st(c->update_state), "breached", "update: open past 2d");
	is_str(st(c->state), "met", "update: not part of the overall state");
	c = run(p, c0, ev, 2, utc(2026, 11, 23, 0, 0));
	is_str(st(c->update_state), "met", "update: none owed once resolved");
	fb_sla_free(s);
}

/*---- events: none, out of order, duplicated, out of place ----*/

static int
same_target(const struct fb_sla_target *a, const struct fb_sla_target *b)
{
	return a->present == b->present && a->state == b->state &&
	    a->due == b->due && a->stopped == b->stopped &&
	    a->elapsed == b->elapsed && a->target == b->target &&
	    a->cycles == b->cycles && a->late == b->late;
}

static int
same_clock(const struct fb_sla_clock *a, const struct fb_sla_clock *b)
{
	size_t i;

	if (!same_target(&a->first_response, &b->first_response) ||
	    !same_target(&a->next_response, &b->next_response) ||
	    !same_target(&a->resolution, &b->resolution) ||
	    a->update_due != b->update_due ||
	    a->update_state != b->update_state || a->state != b->state ||
	    a->open != b->open || a->pending != b->pending ||
	    a->nspans != b->nspans)
		return 0;
	for (i = 0; i < a->nspans; i++)
		if (a->spans[i].from != b->spans[i].from ||
		    a->spans[i].to != b->spans[i].to ||
		    a->spans[i].what != b->spans[i].what ||
		    a->spans[i].cause != b->spans[i].cause)
			return 0;
	return 1;
}

static void
test_events(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0), now;
	struct fb_sla_ev sorted[] = {
		{ utc(2026, 11, 20, 10, 20), FB_SLA_ASSIGNED },
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 20, 11, 0), FB_SLA_PENDING },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_CUSTOMER_REPLY },
		{ utc(2026, 11, 20, 12, 40), FB_SLA_RESPONSE },
		{ utc(2026, 11, 20, 13, 0), FB_SLA_RESOLVED },
		{ utc(2026, 11, 20, 13, 5), FB_SLA_CLOSED },
		{ utc(2026, 11, 20, 14, 0), FB_SLA_CSAT },
	};
	struct fb_sla_ev shuffled[8], twice[16], extra[9];
	struct fb_sla_clock a, b;
	struct fb_error err;
	size_t i;

	fb_sla_clock_init(&a);
	fb_sla_clock_init(&b);
	now = utc(2026, 11, 21, 0, 0);

	/* created just now: every clock ok, due from creation */
	if (fb_sla_clock(p, c0, NULL, 0, c0, 0, &a, &err) < 0)
		abort();
	is_str(st(a.state), "ok", "events: new item ok");
	is_int(a.first_response.due, c0 + HOUR, "events: new item fr due +1h");
	is_int(a.resolution.due, c0 + 4 * HOUR, "events: new item due +4h");
	is_int(a.first_response.elapsed, 0, "events: nothing elapsed");
	is_int(a.nspans, 1, "events: one span");
	ok(a.spans[0].what == FB_SLA_RUNNING && a.spans[0].cause_is_creation &&
	    a.spans[0].from == c0 && a.spans[0].to == c0,
	    "events: running since creation");

	if (fb_sla_clock(p, c0, sorted, 8, now, 0, &a, &err) < 0)
		abort();
	/* resolution: 10:00-11:00 runs, pending to 12:00, 12:00-13:00: 2h */
	is_int(a.resolution.elapsed, 2 * HOUR, "events: resolved after 2h");
	is_str(st(a.resolution.state), "met", "events: resolution met");
	is_int(a.next_response.elapsed, 40 * MIN, "events: reply answered 40m");
	is_int(a.ignored, 0, "events: sorted list, nothing ignored");

	/* reversed and rotated */
	for (i = 0; i < 8; i++)
		shuffled[i] = sorted[(8 - i + 3) % 8];
	if (fb_sla_clock(p, c0, shuffled, 8, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b), "events: out of order gives the same clock");
	is_int(b.ignored, 0, "events: out of order is not ignored");

	/* a PENDING and a RESUMED of the same second: running, either way */
	{
		struct fb_sla_ev pr[2] = {
			{ c0 + 30 * MIN, FB_SLA_PENDING },
			{ c0 + 30 * MIN, FB_SLA_RESUMED },
		}, rp[2] = {
			{ c0 + 30 * MIN, FB_SLA_RESUMED },
			{ c0 + 30 * MIN, FB_SLA_PENDING },
		};
		struct fb_sla_clock x, y;

		fb_sla_clock_init(&x);
		fb_sla_clock_init(&y);
		if (fb_sla_clock(p, c0, pr, 2, c0 + HOUR, 0, &x, &err) < 0 ||
		    fb_sla_clock(p, c0, rp, 2, c0 + HOUR, 0, &y, &err) < 0)
			abort();
		ok(same_clock(&x, &y) && !x.pending,
		    "events: same-second PENDING and RESUMED leave it running "
		    "in either order");
		is_int(x.resolution.elapsed, HOUR, "events: and nothing paused");
		fb_sla_clock_release(&x);
		fb_sla_clock_release(&y);
	}

	/* every event twice: the copies count once and are reported */
	for (i = 0; i < 8; i++)
		twice[2 * i] = twice[2 * i + 1] = sorted[7 - i];
	if (fb_sla_clock(p, c0, twice, 16, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b), "events: duplicates count once");
	is_int(b.ignored, 8, "events: 8 duplicates ignored");

	/* a RESUMED with no PENDING is ignored and counted */
	memcpy(extra, sorted, sizeof(sorted));
	extra[8].ts = utc(2026, 11, 20, 10, 45);
	extra[8].kind = FB_SLA_RESUMED;
	if (fb_sla_clock(p, c0, extra, 9, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b), "events: stray RESUMED changes nothing");
	is_int(b.ignored, 1, "events: stray RESUMED counted");
	/* so are a second PENDING, a second first response, REOPENED open */
	extra[8].ts = utc(2026, 11, 20, 11, 30);
	extra[8].kind = FB_SLA_PENDING;
	if (fb_sla_clock(p, c0, extra, 9, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b) && b.ignored == 1,
	    "events: second PENDING ignored");
	extra[8].kind = FB_SLA_FIRST_RESPONSE;
	if (fb_sla_clock(p, c0, extra, 9, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b) && b.ignored == 1,
	    "events: second FIRST_RESPONSE ignored");
	extra[8].kind = FB_SLA_REOPENED;
	if (fb_sla_clock(p, c0, extra, 9, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b) && b.ignored == 1,
	    "events: REOPENED while open ignored");
	extra[8].ts = utc(2026, 11, 20, 13, 30);
	extra[8].kind = FB_SLA_RESOLVED;
	if (fb_sla_clock(p, c0, extra, 9, now, 0, &b, &err) < 0)
		abort();
	ok(same_clock(&a, &b) && b.ignored == 1,
	    "events: RESOLVED when resolved ignored");

	/* an event before creation counts at creation */
	extra[0].ts = c0 - HOUR;
	extra[0].kind = FB_SLA_FIRST_RESPONSE;
	if (fb_sla_clock(p, c0, extra, 1, now, 0, &b, &err) < 0)
		abort();
	ok(b.first_response.stopped == c0 &&
	    b.first_response.elapsed == 0 &&
	    b.first_response.state == FB_SLA_MET,
	    "events: an early response counts at creation");
	/* events after now are left out, not counted as ignored */
	if (fb_sla_clock(p, c0, sorted, 8, utc(2026, 11, 20, 10, 45), 0, &b,
	    &err) < 0)
		abort();
	ok(b.open && b.resolution.elapsed == 45 * MIN && b.ignored == 0,
	    "events: the future is left out");
	/* a kind out of range is an error */
	extra[0].kind = (enum fb_sla_event)99;
	ok(fb_sla_clock(p, c0, extra, 1, now, 0, &b, &err) < 0 &&
	    strcmp(err.msg, "unknown event kind 99") == 0,
	    "events: an unknown kind is an error");
	fb_sla_clock_release(&a);
	fb_sla_clock_release(&b);
}

/*---- spans ----*/

static void
test_spans(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 13, 0), FB_SLA_REOPENED },
		{ utc(2026, 11, 20, 10, 30), FB_SLA_PENDING },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_RESOLVED },
		{ utc(2026, 11, 20, 11, 0), FB_SLA_RESUMED },
		{ utc(2026, 11, 20, 10, 15), FB_SLA_FIRST_RESPONSE },
	};
	static const struct {
		int h0, m0, h1, m1, what;
		enum fb_sla_event cause;
		int creation;
	} want[] = {
		{ 10, 0, 10, 30, FB_SLA_RUNNING, FB_SLA_ASSIGNED, 1 },
		{ 10, 30, 11, 0, FB_SLA_PAUSED, FB_SLA_PENDING, 0 },
		{ 11, 0, 12, 0, FB_SLA_RUNNING, FB_SLA_RESUMED, 0 },
		{ 12, 0, 13, 0, FB_SLA_STOPPED, FB_SLA_RESOLVED, 0 },
		{ 13, 0, 14, 0, FB_SLA_RUNNING, FB_SLA_REOPENED, 0 },
	};
	struct fb_sla_ev same[] = {
		{ utc(2026, 11, 20, 10, 30), FB_SLA_PENDING },
		{ utc(2026, 11, 20, 10, 30), FB_SLA_RESUMED },
	};
	struct fb_sla_clock *c;
	size_t i;

	c = run(p, c0, ev, 5, utc(2026, 11, 20, 14, 0));
	is_int(c->nspans, 5, "spans: five spans");
	for (i = 0; i < 5 && i < c->nspans; i++) {
		const struct fb_sla_span *sp = &c->spans[i];

		ok(sp->from == utc(2026, 11, 20, want[i].h0, want[i].m0) &&
		    sp->to == utc(2026, 11, 20, want[i].h1, want[i].m1) &&
		    sp->what == want[i].what &&
		    sp->cause_is_creation == want[i].creation &&
		    (want[i].creation || sp->cause == want[i].cause),
		    "spans: %02d:%02d-%02d:%02d %s", want[i].h0, want[i].m0,
		    want[i].h1, want[i].m1, want[i].creation ? "creation" :
		    fb_sla_event_name(want[i].cause));
	}
	/* resolution: 30m + 1h in the first cycle, 1h in the second */
	is_int(c->resolution.elapsed, HOUR, "spans: second cycle 1h");
	is_int(c->resolution.cycles, 2, "spans: two resolution cycles");

	/* a pause and resume at one instant leave one running span */
	c = run(p, c0, same, 2, utc(2026, 11, 20, 11, 0));
	ok(c->nspans == 1 && c->spans[0].what == FB_SLA_RUNNING &&
	    c->spans[0].cause_is_creation &&
	    c->spans[0].to == utc(2026, 11, 20, 11, 0),
	    "spans: an empty pause leaves one span");
}

/*---- matching ----*/

static void
test_match(void)
{
	struct fb_sla *s = load("match.conf",
	    "policy vip-chat\n"
	    "    when priority P0 P1\n"
	    "    when channel chat, hotline\n"
	    "    when tier vip\n"
	    "    first-response 15m\n"
	    "policy p1\n"
	    "    when priority P1\n"
	    "    first-response 1h\n"
	    "policy fallback\n"
	    "    resolution 72h\n");
	struct fb_sla *s2 = load("match2.conf",
	    "policy p1\n    when priority P1\n    first-response 1h\n");
	struct fb_sla_keys k = { "P1", "chat", NULL, NULL, "vip", NULL };
	const struct fb_sla_policy *p;

	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "vip-chat",
	    "match: P1 chat vip");
	k.channel = "hotline";
	k.priority = "P0";
	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "vip-chat",
	    "match: P0 hotline vip (alternatives)");
	k.priority = "P1";
	k.tier = NULL;
	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "p1",
	    "match: no tier fails the tier condition");
	k.tier = "vip";
	k.channel = "email";
	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "p1", "match: P1 email");
	k.priority = "P3";
	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "fallback",
	    "match: P3 falls back");
	k.priority = NULL;
	p = fb_sla_match(s, &k);
	is_str(p ? fb_sla_policy_name(p) : NULL, "fallback",
	    "match: no priority falls back");
	k.priority = "p1";
	ok(fb_sla_match(s2, &k) == NULL, "match: values are case-sensitive");
	k.priority = "P2";
	ok(fb_sla_match(s2, &k) == NULL, "match: no fallback, no policy");
	fb_sla_free(s);
	fb_sla_free(s2);
}

/*---- load errors ----*/

static void
test_errors(void)
{
	static const struct {
		const char *text, *msg;
		long line;
	} cases[] = {
		{ "policy a\n  first-response 1h\n  frobnicate 2\n",
		  "unknown keyword 'frobnicate' in a policy", 3 },
		{ "# x\nfrobnicate 2\n", "unknown keyword 'frobnicate'", 2 },
		{ "calendar c\n  first-response 1h\n",
		  "unknown keyword 'first-response' in a calendar", 2 },
		{ "first-response 1h\n",
		  "'first-response' outside a policy (start one with "
		  "'policy NAME')", 1 },
		{ "\nhours mon-fri 09:00-18:00\n",
		  "'hours' outside a calendar (start one with "
		  "'calendar NAME [ZONE]')", 2 },
		{ "policy a\n  calendar office\n  first-response 1h\n",
		  "unknown calendar 'office'", 2 },
		{ "policy a\n  first-response 1h\n  calendar c UTC\n",
		  "'calendar' in a policy takes one calendar name (define "
		  "calendars before the first policy)", 3 },
		{ "policy a\n  first-response 1h\npolicy a\n  resolution 1h\n",
		  "duplicate policy name 'a' (first on line 1)", 3 },
		{ "calendar c\ncalendar c\npolicy a\n  resolution 1h\n",
		  "duplicate calendar name 'c'", 2 },
		{ "calendar always\n", "duplicate calendar name 'always'", 1 },
		{ "policy a\n  first-response 1x\n",
		  "invalid duration '1x' (use e.g. 180d, 36h, 1h30m, 90s or "
		  "2w)", 2 },
		{ "policy a\n  resolution 0s\n",
		  "duration '0s' must be more than 0", 2 },
		{ "policy a\n  resolution 1h\n  resolution 2h\n",
		  "'resolution' given twice in policy 'a'", 3 },
		{ "policy a\n  resolution 1h\n  at-risk 20\n",
		  "bad percentage '20' (use e.g. 20%)", 3 },
		{ "policy a\n  resolution 1h\n  at-risk 120%\n",
		  "bad percentage '120%' (use e.g. 20%)", 3 },
		{ "policy a\n  resolution 1h\n  time office\n",
		  "'time' takes business or calendar", 3 },
		{ "policy a\n  when colour red\n  resolution 1h\n",
		  "'when' takes a field (priority, channel, category, "
		  "province, tier or queue) and values", 2 },
		{ "calendar c Mars/Olympus\n",
		  "unknown time zone 'Mars/Olympus'", 1 },
		{ "calendar c\n  hours mon-fri 09:00-18:00 17:00-19:00\n",
		  "invalid hours '09:00-18:00 17:00-19:00': intervals overlap",
		  2 },
		{ "calendar c\n  hours 09:00-18:00\n",
		  "'hours' takes days and intervals (e.g. hours mon-fri "
		  "09:00-12:00 13:30-18:00)", 2 },
		{ "calendar c\n  ics missing.ics\n", NULL, 2 },
		{ "policy a\n  when priority P1\n  update-after 2d\n"
		  "policy b\n  resolution 1h\n",
		  "policy 'a' sets no target (first-response, next-response "
		  "or resolution)", 1 },
		{ "", "no policy in the file", 1 },
		{ "# only\n# comments\n", "no policy in the file", 2 },
		{ "calendar c\n", "no policy in the file", 1 },
		{ "policy \"a\n", "unterminated quote", 1 },
	};
	const char *path = tpath("bad.conf");
	struct fb_error err;
	char want[512];
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fb_sla *s;

		write_plain(path, cases[i].text, strlen(cases[i].text));
		memset(&err, 0, sizeof(err));
		s = fb_sla_load(path, &err);
		ok(s == NULL, "errors: case %zu fails", i);
		fb_sla_free(s);
		snprintf(want, sizeof(want), "%s:%ld: %s", path, cases[i].line,
		    cases[i].msg ? cases[i].msg : "");
		if (cases[i].msg != NULL) {
			is_str(err.msg, want, "errors: case %zu message", i);
		} else {
			/* the calendar's own message, after FILE:LINE */
			len = strlen(want);
			ok(strncmp(err.msg, want, len) == 0 &&
			    strstr(err.msg, "missing.ics") != NULL,
			    "errors: case %zu message '%s'", i, err.msg);
		}
		is_int(err.line, cases[i].line, "errors: case %zu line", i);
	}
	ok(fb_sla_load(tpath("nonexistent.conf"), &err) == NULL &&
	    strstr(err.msg, "cannot open") != NULL,
	    "errors: a missing file");
}

/*---- the shipped policy ----*/

static void
test_shipped(void)
{
	static const struct {
		const char *prio;
		int64_t first, resolution;
	} want[] = {
		{ "P0", 15 * MIN, 4 * HOUR }, { "P1", HOUR, 24 * HOUR },
		{ "P2", 2 * HOUR, 48 * HOUR }, { "P3", 24 * HOUR, 72 * HOUR },
	};
	struct fb_error err;
	struct fb_sla *s = fb_sla_load("share/fb/sla.conf", &err);
	struct fb_sla_clock *c;
	size_t i;

	if (!ok(s != NULL, "shipped: share/fb/sla.conf loads")) {
		diag("%s", err.msg);
		return;
	}
	for (i = 0; i < 4; i++) {
		c = run(policy(s, want[i].prio), 0, NULL, 0, 0);
		ok(c->first_response.target == want[i].first &&
		    c->next_response.target == want[i].first &&
		    c->resolution.target == want[i].resolution &&
		    c->update_due == 48 * HOUR,
		    "shipped: %s targets", want[i].prio);
	}
	fb_sla_free(s);
}

static void
test_names(void)
{
	enum fb_sla_event ev;
	int i, good = 1;

	for (i = 0; i <= FB_SLA_CSAT; i++)
		if (fb_sla_event_parse(fb_sla_event_name(
		    (enum fb_sla_event)i), &ev) < 0 || (int)ev != i)
			good = 0;
	ok(good, "names: every event name parses back");
	ok(fb_sla_event_parse("first_response", &ev) == 0 &&
	    ev == FB_SLA_FIRST_RESPONSE, "names: first_response");
	ok(fb_sla_event_parse("escalated", &ev) < 0, "names: unknown event");
	is_str(fb_sla_state_name(FB_SLA_AT_RISK), "at_risk", "names: at_risk");
	is_str(fb_sla_state_name(FB_SLA_BREACHED), "breached",
	    "names: breached");
	is_str(fb_sla_outcome_name(FB_SLA_OUT_OF_PLACE), "out of place",
	    "names: an outcome");
	is_str(fb_sla_outcome_name(99), "unknown", "names: no such outcome");
}

/*---- closing is final; what each event did; totals ----*/

static void
test_outcomes(const struct fb_sla_policy *p)
{
	fb_time_t c0 = utc(2026, 11, 20, 10, 0);
	struct fb_sla_ev ev[] = {
		{ utc(2026, 11, 20, 10, 20), FB_SLA_ASSIGNED },
		{ utc(2026, 11, 20, 10, 30), FB_SLA_FIRST_RESPONSE },
		{ utc(2026, 11, 20, 11, 0), FB_SLA_RESOLVED },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_REOPENED },
		{ utc(2026, 11, 20, 12, 0), FB_SLA_REOPENED },
		{ utc(2026, 11, 20, 15, 0), FB_SLA_RESOLVED },
		{ utc(2026, 11, 20, 16, 0), FB_SLA_CLOSED },
		{ utc(2026, 11, 20, 17, 0), FB_SLA_REOPENED },
		{ utc(2026, 11, 20, 17, 30), FB_SLA_CSAT },
		{ utc(2026, 11, 20, 18, 0), FB_SLA_PENDING },
		{ utc(2026, 11, 23, 0, 0), FB_SLA_CUSTOMER_REPLY },
	};
	unsigned char oc[11];
	static const unsigned char want[11] = {
		FB_SLA_NO_EFFECT, FB_SLA_APPLIED, FB_SLA_APPLIED,
		FB_SLA_APPLIED, FB_SLA_DUPLICATE, FB_SLA_APPLIED,
		FB_SLA_APPLIED, FB_SLA_OUT_OF_PLACE, FB_SLA_NO_EFFECT,
		FB_SLA_OUT_OF_PLACE, FB_SLA_AFTER_NOW
	};
	struct fb_sla_clock c;
	struct fb_error err;

	fb_sla_clock_init(&c);
	memset(oc, 0xff, sizeof(oc));
	c.outcome = oc;
	if (fb_sla_clock(p, c0, ev, 11, utc(2026, 11, 22, 0, 0), 0, &c,
	    &err) < 0)
		abort();
	ok(memcmp(oc, want, sizeof(want)) == 0,
	    "outcomes: each event's fate, in the caller's order");
	ok(c.outcome == oc, "outcomes: the caller's array is kept");
	is_int(c.ignored, 3, "outcomes: a repeat, a reopen after closing and "
	    "a pending after closing are ignored");
	ok(!c.open, "outcomes: closing is final");
	is_int(c.resolution.cycles, 2, "outcomes: two resolution cycles");
	/* 10:00-11:00 and 12:00-15:00 */
	is_int(c.resolution.elapsed, 3 * HOUR, "outcomes: latest cycle 3h");
	is_int(c.resolution.total, 4 * HOUR, "outcomes: all cycles 4h");
	is_int(c.first_response_at, utc(2026, 11, 20, 10, 30),
	    "outcomes: first answer at 10:30");
	fb_sla_clock_release(&c);

	/* resolved unanswered: the clock stopped, but nobody answered */
	c.outcome = NULL;
	if (fb_sla_clock(p, c0, ev + 2, 1, utc(2026, 11, 22, 0, 0), 0, &c,
	    &err) < 0)
		abort();
	is_int(c.first_response_at, FB_TIME_MIN,
	    "outcomes: no answer, no first_response_at");
	ok(c.first_response.stopped != FB_TIME_MIN,
	    "outcomes: yet the first response clock stopped");
	fb_sla_clock_release(&c);
}

int
main(void)
{
	struct fb_sla *flow;
	const struct fb_sla_policy *p;

	tmp_init("sla");
	fb_sla_clock_init(&clk);
	test_24x7();
	test_business();
	flow = load("flow.conf", flow_conf);
	p = policy(flow, "P2");
	test_pause(p);
	test_reopen(p);
	test_next_response(p);
	test_update(p);
	test_events(p);
	test_spans(p);
	test_outcomes(p);
	fb_sla_free(flow);
	test_update_state();
	test_match();
	test_errors();
	test_shipped();
	test_names();
	fb_sla_clock_release(&clk);
	tmp_cleanup();
	return done_testing();
}
