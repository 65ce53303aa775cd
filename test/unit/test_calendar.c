/*
 * test_calendar.c: business calendars (fb_calendar.c), with the
 * arithmetic of each hand-computed case in its comment: a Shanghai
 * calendar with a lunch break across a weekend and across the 2026
 * Mid-Autumn and National Day holidays with their make-up working days
 * (the real 2026 arrangement, see test/fixtures/calendar/README); New
 * York across both 2026 daylight-saving changes; night shifts; the
 * excluded spans and their reasons; the .ics reader against the same
 * days given by calls; random calendars against a minute-by-minute
 * model; the caps; and the time a two-day query takes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fb.h"
#include "rng.h"
#include "tap.h"
#include "tmpfiles.h"

#define MIN	60000LL
#define HOUR	3600000LL
#define DAYMS	86400000LL

static const char cn_ics[] = "test/fixtures/calendar/cn-2026.ics";

static fb_time_t
utc(int y, int mo, int d, int h, int mi)
{
	return fb_time_from_civil(y, mo, d, h, mi, 0, 0);
}

/* The instant of a local time in the calendar's zone. */
static fb_time_t
loc(const struct fb_calendar *cal, int y, int mo, int d, int h, int mi)
{
	fb_time_t t;

	if (fb_zone_instant(fb_calendar_zone(cal), y, mo, d, h, mi, 0, &t) < 0)
		abort();
	return t;
}

/* "MM-DD HH:MM" in the calendar's zone. */
static const char *
show(const struct fb_calendar *cal, fb_time_t t)
{
	static char buf[4][32];
	static int k;
	struct fb_civil c;

	if (t == FB_TIME_MAX)
		return "never";
	k = (k + 1) % 4;
	fb_zone_civil(fb_calendar_zone(cal), t, &c);
	snprintf(buf[k], sizeof(buf[k]), "%02d-%02d %02d:%02d", c.mon, c.day,
	    c.hour, c.min);
	return buf[k];
}

static struct fb_calendar *
make(const char *name, const char *zone)
{
	struct fb_error err;
	struct fb_calendar *cal = fb_calendar_create(name, zone, &err);

	if (cal == NULL) {
		diag("%s", err.msg);
		abort();
	}
	return cal;
}

static void
must(int rc, const struct fb_error *err)
{
	if (rc < 0) {
		diag("%s", err->msg);
		abort();
	}
}

/* The working hours of the Shanghai tests. */
static struct fb_calendar *
cn_office(void)
{
	struct fb_calendar *cal = make("cn-office", "Asia/Shanghai");
	struct fb_error err;

	must(fb_calendar_hours(cal, "mon-fri", "09:00-12:00 13:30-18:00",
	    &err), &err);
	return cal;
}

/* The 2026 arrangement by calls, as in test/fixtures/calendar/cn-2026.ics. */
static void
cn_2026(struct fb_calendar *cal)
{
	static const char *const hol[][3] = {
		{ "2026-01-01", "2026-01-03", "元旦" },
		{ "2026-02-15", "2026-02-23", "春节" },
		{ "2026-04-04", "2026-04-06", "清明节" },
		{ "2026-05-01", "2026-05-05", "劳动节" },
		{ "2026-06-19", "2026-06-21", "端午节" },
		{ "2026-09-25", "2026-09-27", "中秋节" },
		{ "2026-10-01", "2026-10-07", "国庆节" },
	};
	static const char *const work[] = {
		"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
		"2026-09-20", "2026-10-10",
	};
	struct fb_error err;
	size_t i;

	for (i = 0; i < sizeof(hol) / sizeof(hol[0]); i++)
		must(fb_calendar_holiday(cal, hol[i][0], hol[i][1], hol[i][2],
		    &err), &err);
	for (i = 0; i < sizeof(work) / sizeof(work[0]); i++)
		must(fb_calendar_workday(cal, work[i], NULL, &err), &err);
}

/*---- excluded spans, collected ----*/

struct spans {
	const struct fb_calendar *cal;
	char text[4096];	/* "MM-DD HH:MM..MM-DD HH:MM why; " */
	int64_t total;
	long n, stop_at;
	fb_time_t last;		/* where the previous span ended */
	int disorder;
};

static int
collect(void *arg, fb_time_t from, fb_time_t to, const char *why)
{
	struct spans *sp = arg;
	size_t len = strlen(sp->text);

	if (to <= from || (sp->n > 0 && from < sp->last))
		sp->disorder++;
	sp->last = to;
	sp->total += to - from;
	if (len + 100 < sizeof(sp->text))
		snprintf(sp->text + len, sizeof(sp->text) - len, "%s..%s %s; ",
		    show(sp->cal, from), show(sp->cal, to), why);
	if (++sp->n == sp->stop_at)
		return 7;
	return 0;
}

static void
excluded_is(const struct fb_calendar *cal, fb_time_t a, fb_time_t b,
    const char *want, const char *what)
{
	struct spans sp;

	memset(&sp, 0, sizeof(sp));
	sp.cal = cal;
	fb_calendar_excluded(cal, a, b, collect, &sp);
	is_str(sp.text, want, "%s: excluded spans", what);
	is_int(sp.total, (b - a) - fb_calendar_elapsed(cal, a, b),
	    "%s: they add up to (b - a) - elapsed", what);
}

static void
add_is(const struct fb_calendar *cal, fb_time_t start, int64_t ms,
    fb_time_t want, const char *what)
{
	fb_time_t got = fb_calendar_add(cal, start, ms);

	ok(got == want, "%s: due %s (got %s)", what, show(cal, want),
	    show(cal, got));
	if (got != FB_TIME_MAX && ms > 0)
		is_int(fb_calendar_elapsed(cal, start, got), ms,
		    "%s: and elapsed() to it is the target", what);
}

/*---- Shanghai: weekends, lunch, holidays ----*/

static void
shanghai(void)
{
	struct fb_calendar *cal = cn_office();
	fb_time_t fri17 = loc(cal, 2026, 11, 20, 17, 0);

	is_str(fb_calendar_name(cal), "cn-office", "the name");
	is_str(fb_zone_name(fb_calendar_zone(cal)), "Asia/Shanghai",
	    "the zone");
	/* Fri 17:00-18:00 is 1h; Mon 09:00-10:00 the other */
	add_is(cal, fri17, 2 * HOUR, loc(cal, 2026, 11, 23, 10, 0),
	    "Friday 17:00 + 2h");
	ok(fri17 == utc(2026, 11, 20, 9, 0), "Friday 17:00 is 09:00Z (+8)");
	/* a target that uses up Friday is due at its close */
	add_is(cal, fri17, HOUR, loc(cal, 2026, 11, 20, 18, 0),
	    "Friday 17:00 + 1h");
	/* Fri 10:00-12:00 2h + 13:30-18:00 4.5h + Mon 09:00-10:00 1h */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 20, 10, 0),
	    loc(cal, 2026, 11, 23, 10, 0)), 7 * HOUR + 30 * MIN,
	    "Friday 10:00 to Monday 10:00: 7.5h");
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 21, 0, 0),
	    loc(cal, 2026, 11, 23, 0, 0)), 0, "the weekend: nothing");
	/* lunch: 11:00-12:00 1h + 13:30-14:00 0.5h */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 23, 11, 0),
	    loc(cal, 2026, 11, 23, 14, 0)), 90 * MIN,
	    "Monday 11:00-14:00 without lunch: 1.5h");
	/* 11:30-12:00 0.5h, 13:30-14:00 0.5h */
	add_is(cal, loc(cal, 2026, 11, 23, 11, 30), HOUR,
	    loc(cal, 2026, 11, 23, 14, 0), "Monday 11:30 + 1h");
	add_is(cal, loc(cal, 2026, 11, 23, 12, 10), 10 * MIN,
	    loc(cal, 2026, 11, 23, 13, 40), "Monday 12:10 (lunch) + 10m");
	/* Saturday: counting starts Monday 09:00 */
	add_is(cal, loc(cal, 2026, 11, 21, 15, 0), HOUR,
	    loc(cal, 2026, 11, 23, 10, 0), "Saturday 15:00 + 1h");
	add_is(cal, loc(cal, 2026, 11, 21, 15, 0), 0,
	    loc(cal, 2026, 11, 21, 15, 0), "Saturday 15:00 + 0");
	add_is(cal, loc(cal, 2026, 11, 21, 15, 0), -5 * MIN,
	    loc(cal, 2026, 11, 21, 15, 0), "Saturday 15:00 - 5m");
	/* a week is 5 x 7.5h = 37.5h: Mon 09:00 + 37.5h is Fri 18:00 */
	add_is(cal, loc(cal, 2026, 11, 23, 9, 0), 37 * HOUR + 30 * MIN,
	    loc(cal, 2026, 11, 27, 18, 0), "Monday 09:00 + 37.5h");
	add_is(cal, loc(cal, 2026, 11, 23, 9, 0), 37 * HOUR + 30 * MIN + 1,
	    loc(cal, 2026, 11, 30, 9, 0) + 1, "Monday 09:00 + 37.5h + 1ms");
	is_int(fb_calendar_elapsed(cal, fri17, fri17), 0, "a = b: 0");
	is_int(fb_calendar_elapsed(cal, fri17 + HOUR, fri17), 0, "b < a: 0");

	excluded_is(cal, fri17, loc(cal, 2026, 11, 23, 10, 0),
	    "11-20 18:00..11-21 00:00 outside working hours; "
	    "11-21 00:00..11-23 00:00 weekend; "
	    "11-23 00:00..11-23 09:00 outside working hours; ",
	    "Friday 17:00 to Monday 10:00");
	excluded_is(cal, loc(cal, 2026, 11, 23, 11, 0),
	    loc(cal, 2026, 11, 23, 14, 0),
	    "11-23 12:00..11-23 13:30 outside working hours; ", "lunch");
	excluded_is(cal, loc(cal, 2026, 11, 23, 9, 30),
	    loc(cal, 2026, 11, 23, 11, 0), "", "inside hours: nothing");
	excluded_is(cal, loc(cal, 2026, 11, 22, 9, 30),
	    loc(cal, 2026, 11, 22, 11, 0),
	    "11-22 09:30..11-22 11:00 weekend; ", "inside a weekend");
	{
		struct spans sp;

		memset(&sp, 0, sizeof(sp));
		sp.cal = cal;
		sp.stop_at = 2;
		is_int(fb_calendar_excluded(cal, fri17,
		    loc(cal, 2026, 11, 23, 10, 0), collect, &sp), 7,
		    "fn's nonzero return is returned");
		is_int(sp.n, 2, "and stops the calls");
	}
	fb_calendar_free(cal);
}

/*
 * The 2026 arrangement: Mid-Autumn 25-27 Sep (Fri-Sun), National Day
 * 1-7 Oct (Thu-Wed), make-up working days Sun 20 Sep and Sat 10 Oct
 * with Monday's hours.  (The brief that asked for these tests named Sun
 * 27 Sep as a make-up day; in the real arrangement it is the last day of
 * Mid-Autumn, and 20 Sep is worked instead.)
 */
static void
national_day(struct fb_calendar *cal, const char *what)
{
	/* Wed 30 Sep 17:00-18:00 1h; 1-7 Oct off; Thu 8 Oct 09:00-10:00 */
	add_is(cal, loc(cal, 2026, 9, 30, 17, 0), 2 * HOUR,
	    loc(cal, 2026, 10, 8, 10, 0), what);
	/* Fri 9 Oct 17:00-18:00 1h; Sat 10 Oct is worked: 09:00-10:00 */
	add_is(cal, loc(cal, 2026, 10, 9, 17, 0), 2 * HOUR,
	    loc(cal, 2026, 10, 10, 10, 0), what);
	/* Sat 19 Sep is off; Sun 20 Sep is worked: 09:00-11:00 */
	add_is(cal, loc(cal, 2026, 9, 19, 10, 0), 2 * HOUR,
	    loc(cal, 2026, 9, 20, 11, 0), what);
	/*
	 * Thu 24 Sep 17:00 + 8h: Thu 1h; 25-27 off (Mid-Autumn); Mon 28
	 * Sep 09:00-12:00 3h, then 4h more from 13:30: 17:30.
	 */
	add_is(cal, loc(cal, 2026, 9, 24, 17, 0), 8 * HOUR,
	    loc(cal, 2026, 9, 28, 17, 30), what);
	/*
	 * Wed 30 Sep 09:00 to Mon 12 Oct 09:00: 30 Sep 7.5h, 1-7 Oct 0,
	 * 8 Oct 7.5h, 9 Oct 7.5h, Sat 10 Oct 7.5h, Sun 11 Oct 0 = 30h.
	 */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 9, 30, 9, 0),
	    loc(cal, 2026, 10, 12, 9, 0)), 30 * HOUR,
	    "%s: 30 Sep to 12 Oct is 30h", what);
	/* 17 Sep 09:00 to 21 Sep 09:00: Thu 7.5 + Fri 7.5 + Sun 20 7.5 */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 9, 17, 9, 0),
	    loc(cal, 2026, 9, 21, 9, 0)), 22 * HOUR + 30 * MIN,
	    "%s: Thu 17 to Mon 21 Sep is 22.5h (Sunday worked)", what);
	/* Oct 3-4 are a weekend inside the holiday: the holiday says why */
	excluded_is(cal, loc(cal, 2026, 9, 30, 17, 0),
	    loc(cal, 2026, 10, 8, 10, 0),
	    "09-30 18:00..10-01 00:00 outside working hours; "
	    "10-01 00:00..10-08 00:00 holiday 国庆节; "
	    "10-08 00:00..10-08 09:00 outside working hours; ", what);
	/* 6h + 168h + 9h = 183h = 185h - 2h */
	excluded_is(cal, loc(cal, 2026, 9, 24, 17, 0),
	    loc(cal, 2026, 9, 28, 17, 30),
	    "09-24 18:00..09-25 00:00 outside working hours; "
	    "09-25 00:00..09-28 00:00 holiday 中秋节; "
	    "09-28 00:00..09-28 09:00 outside working hours; "
	    "09-28 12:00..09-28 13:30 outside working hours; ", what);
	excluded_is(cal, loc(cal, 2026, 10, 9, 17, 0),
	    loc(cal, 2026, 10, 12, 10, 0),
	    "10-09 18:00..10-10 09:00 outside working hours; "
	    "10-10 12:00..10-10 13:30 outside working hours; "
	    "10-10 18:00..10-11 00:00 outside working hours; "
	    "10-11 00:00..10-12 00:00 weekend; "
	    "10-12 00:00..10-12 09:00 outside working hours; ", what);
}

static void
holidays(void)
{
	struct fb_calendar *cal = cn_office(), *ics = cn_office();
	struct fb_error err;

	cn_2026(cal);
	national_day(cal, "by calls");
	must(fb_calendar_ics(ics, cn_ics, &err), &err);
	national_day(ics, "from cn-2026.ics");

	/* New Year: Thu 1 - Sat 3 Jan off, Sun 4 worked */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2025, 12, 31, 0, 0),
	    loc(cal, 2026, 1, 6, 0, 0)), 3 * (7 * HOUR + 30 * MIN),
	    "31 Dec, 4 Jan and 5 Jan are worked: 22.5h");
	/* Spring Festival: Sat 14 Feb worked, 15-23 off */
	add_is(cal, loc(cal, 2026, 2, 13, 17, 0), 2 * HOUR,
	    loc(cal, 2026, 2, 14, 10, 0), "13 Feb 17:00 + 2h: Saturday 14th");
	add_is(cal, loc(cal, 2026, 2, 14, 17, 0), 2 * HOUR,
	    loc(cal, 2026, 2, 24, 10, 0), "14 Feb 17:00 + 2h: 24th");

	/* a make-up day with another weekday's hours */
	must(fb_calendar_hours(cal, "sat", "10:00-16:00", &err), &err);
	must(fb_calendar_workday(cal, "2026-11-29", "sat", &err), &err);
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 28, 0, 0),
	    loc(cal, 2026, 11, 30, 0, 0)), 12 * HOUR,
	    "Saturday 10:00-16:00, and Sunday 29 Nov worked as a Saturday");
	/* a workday beats a holiday, in either order */
	must(fb_calendar_holiday(cal, "2026-12-01", "2026-12-02", "x", &err),
	    &err);
	must(fb_calendar_workday(cal, "2026-12-02", "tue", &err), &err);
	must(fb_calendar_workday(cal, "2026-12-03", "thu", &err), &err);
	must(fb_calendar_holiday(cal, "2026-12-03", NULL, NULL, &err), &err);
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 12, 1, 0, 0),
	    loc(cal, 2026, 12, 4, 0, 0)), 2 * (7 * HOUR + 30 * MIN),
	    "1 Dec off, 2 and 3 Dec worked");
	/* a day made a holiday twice keeps its first name */
	must(fb_calendar_holiday(cal, "2026-12-08", NULL, "first", &err),
	    &err);
	must(fb_calendar_holiday(cal, "2026-12-08", "2026-12-09", NULL, &err),
	    &err);
	excluded_is(cal, loc(cal, 2026, 12, 8, 0, 0),
	    loc(cal, 2026, 12, 10, 0, 0),
	    "12-08 00:00..12-09 00:00 holiday first; "
	    "12-09 00:00..12-10 00:00 holiday; ", "holiday names");
	fb_calendar_free(cal);
	fb_calendar_free(ics);
}

/*---- New York: daylight saving ----*/

static void
new_york(void)
{
	struct fb_calendar *cal = make("us-office", "America/New_York");
	struct fb_calendar *all = make("us-24x7", "America/New_York");
	struct fb_calendar *sun = make("sunday", "America/New_York");
	struct fb_error err;
	fb_time_t t, spring = utc(2026, 3, 8, 7, 0);

	must(fb_calendar_hours(cal, "mon-fri", "09:00-17:00", &err), &err);
	/* Fri 6 Mar 09:00-17:00 EST 8h, Mon 9 Mar 09:00-17:00 EDT 8h */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 3, 6, 9, 0),
	    loc(cal, 2026, 3, 9, 17, 0)), 16 * HOUR,
	    "Friday to Monday across spring forward: 16h");
	/* Fri 16:00-17:00 1h; Mon 09:00-10:00 EDT (-4h), which is 14:00Z */
	add_is(cal, loc(cal, 2026, 3, 6, 16, 0), 2 * HOUR,
	    utc(2026, 3, 9, 14, 0), "Friday 16:00 EST + 2h: Monday 10:00 EDT");
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 10, 30, 9, 0),
	    loc(cal, 2026, 11, 2, 17, 0)), 16 * HOUR,
	    "Friday to Monday across fall back: 16h");
	/* Mon 2 Nov 10:00 EST is 15:00Z */
	add_is(cal, loc(cal, 2026, 10, 30, 16, 0), 2 * HOUR,
	    utc(2026, 11, 2, 15, 0), "Friday 16:00 EDT + 2h: Monday 10:00 EST");
	excluded_is(cal, loc(cal, 2026, 3, 6, 16, 0), utc(2026, 3, 9, 14, 0),
	    "03-06 17:00..03-07 00:00 outside working hours; "
	    "03-07 00:00..03-09 00:00 weekend; "
	    "03-09 00:00..03-09 09:00 outside working hours; ",
	    "New York weekend of 8 March");

	/*
	 * 24x7 in New York (a holiday in 2030 keeps it off the b - a
	 * shortcut): the local day of 8 March has 23 hours, of 1 November 25,
	 * and each real hour across the nights counts 3600000 ms.
	 */
	must(fb_calendar_hours(all, "mon-sun", "00:00-24:00", &err), &err);
	must(fb_calendar_holiday(all, "2030-01-01", NULL, NULL, &err), &err);
	is_int(fb_calendar_elapsed(all, loc(all, 2026, 3, 8, 0, 0),
	    loc(all, 2026, 3, 9, 0, 0)), 23 * HOUR, "24x7: 8 March is 23h");
	is_int(fb_calendar_elapsed(all, loc(all, 2026, 11, 1, 0, 0),
	    loc(all, 2026, 11, 2, 0, 0)), 25 * HOUR, "24x7: 1 November is 25h");
	{
		long bad = 0;

		for (t = spring - 6 * HOUR; t < spring + 6 * HOUR;
		    t += 15 * MIN)
			if (fb_calendar_elapsed(all, t, t + HOUR) != HOUR ||
			    fb_calendar_add(all, t, HOUR) != t + HOUR)
				bad++;
		for (t = utc(2026, 11, 1, 6, 0) - 6 * HOUR;
		    t < utc(2026, 11, 1, 6, 0) + 6 * HOUR; t += 15 * MIN)
			if (fb_calendar_elapsed(all, t, t + HOUR) != HOUR)
				bad++;
		is_int(bad, 0, "24x7: every real hour across both nights is "
		    "3600000 ms");
	}
	excluded_is(all, loc(all, 2026, 3, 7, 0, 0),
	    loc(all, 2026, 3, 10, 0, 0), "", "24x7: nothing excluded");

	/*
	 * Sunday hours on the two nights.  09:00-18:00 is 9h both days;
	 * 00:00-24:00 is 23h and 25h; 01:00-04:00 is 01:00-02:00 EST and
	 * 03:00-04:00 EDT = 2h in March, 01:00 EDT to 04:00 EST = 4h in
	 * November; 02:30-03:15 in March is what the clock shows, 03:00 to
	 * 03:15 EDT.
	 */
	{
		static const struct {
			const char *hours;
			int64_t march, nov;
		} cases[] = {
			{ "09:00-18:00", 9 * HOUR, 9 * HOUR },
			{ "00:00-24:00", 23 * HOUR, 25 * HOUR },
			{ "01:00-04:00", 2 * HOUR, 4 * HOUR },
			{ "02:30-03:15", 15 * MIN, 45 * MIN },
			{ "02:00-03:00", 0, HOUR },
			{ "01:00-02:00", HOUR, 2 * HOUR },
		};
		size_t i;

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			must(fb_calendar_hours(sun, "sun", cases[i].hours,
			    &err), &err);
			is_int(fb_calendar_elapsed(sun, utc(2026, 3, 7, 0, 0),
			    utc(2026, 3, 10, 0, 0)), cases[i].march,
			    "Sunday %s on 8 March", cases[i].hours);
			is_int(fb_calendar_elapsed(sun, utc(2026, 10, 31, 0, 0),
			    utc(2026, 11, 3, 0, 0)), cases[i].nov,
			    "Sunday %s on 1 November", cases[i].hours);
		}
		/* 09:00 EDT is 13:00Z; 9h on */
		must(fb_calendar_hours(sun, "sun", "09:00-18:00", &err), &err);
		add_is(sun, utc(2026, 3, 7, 0, 0), 9 * HOUR,
		    utc(2026, 3, 8, 22, 0), "Sunday 8 March 09:00 + 9h");
		/* a Saturday night shift into the gap ends at the jump */
		must(fb_calendar_hours(sun, "sun", "closed", &err), &err);
		must(fb_calendar_hours(sun, "sat", "22:00-02:30", &err), &err);
		is_int(fb_calendar_elapsed(sun, utc(2026, 3, 7, 0, 0),
		    utc(2026, 3, 10, 0, 0)), 4 * HOUR,
		    "Saturday 22:00-02:30 into 8 March: 22:00-02:00 EST, 4h");
		excluded_is(sun, loc(sun, 2026, 3, 7, 20, 0),
		    loc(sun, 2026, 3, 8, 4, 0),
		    "03-07 20:00..03-07 22:00 outside working hours; "
		    "03-08 03:00..03-08 04:00 weekend; ", "the gap");
	}
	/* far in the future the zone's rule carries the calendar */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2100, 3, 12, 9, 0),
	    loc(cal, 2100, 3, 15, 17, 0)), 16 * HOUR,
	    "2100: Friday to Monday across 14 March");
	fb_calendar_free(cal);
	fb_calendar_free(all);
	fb_calendar_free(sun);
}

/*---- night shifts ----*/

static void
night_shifts(void)
{
	struct fb_calendar *cal = make("nights", "Asia/Shanghai");
	struct fb_error err;

	must(fb_calendar_hours(cal, "mon-fri", "22:00-06:00", &err), &err);
	/* Fri 22:00 to Sat 06:00 belongs to Friday */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 20, 20, 0),
	    loc(cal, 2026, 11, 21, 12, 0)), 8 * HOUR,
	    "the Friday night shift runs into Saturday");
	/* Mon 23 Nov 22:00 + 8h = Tue 06:00 */
	add_is(cal, loc(cal, 2026, 11, 21, 12, 0), 8 * HOUR,
	    loc(cal, 2026, 11, 24, 6, 0), "Saturday noon + 8h");
	/*
	 * Friday 27 Nov a holiday: Thursday's shift still runs to 06:00
	 * Friday, Friday's does not start.
	 */
	must(fb_calendar_holiday(cal, "2026-11-27", NULL, "day off", &err),
	    &err);
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 26, 12, 0),
	    loc(cal, 2026, 11, 28, 12, 0)), 8 * HOUR,
	    "a holiday Friday: only Thursday's shift, into Friday morning");
	excluded_is(cal, loc(cal, 2026, 11, 26, 12, 0),
	    loc(cal, 2026, 11, 28, 12, 0),
	    "11-26 12:00..11-26 22:00 outside working hours; "
	    "11-27 06:00..11-28 00:00 holiday day off; "
	    "11-28 00:00..11-28 12:00 weekend; ", "night shifts");

	/*
	 * A night shift that meets the next morning's: Mon 22:00-Tue 06:00
	 * and Tue 05:00-09:00 make one span, 11h.
	 */
	must(fb_calendar_hours(cal, "mon-sun", "22:00-06:00 05:00-09:00",
	    &err), &err);
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 30, 21, 0),
	    loc(cal, 2026, 12, 1, 10, 0)), 11 * HOUR,
	    "overlapping night and morning shifts count once");
	add_is(cal, loc(cal, 2026, 11, 30, 21, 0), 11 * HOUR,
	    loc(cal, 2026, 12, 1, 9, 0), "Monday 21:00 + 11h");
	excluded_is(cal, loc(cal, 2026, 11, 30, 21, 0),
	    loc(cal, 2026, 12, 1, 10, 0),
	    "11-30 21:00..11-30 22:00 outside working hours; "
	    "12-01 09:00..12-01 10:00 outside working hours; ", "merged");
	fb_calendar_free(cal);
}

/*---- 24x7, empty calendars, caps ----*/

static void
limits(void)
{
	struct fb_calendar *all = fb_calendar_always();
	struct fb_calendar *none = make("none", "Asia/Shanghai");
	struct fb_calendar *cal = cn_office();
	fb_time_t t = utc(2026, 11, 20, 9, 0);
	struct spans sp;

	is_str(fb_calendar_name(all), "24x7", "fb_calendar_always() is 24x7");
	is_str(fb_zone_name(fb_calendar_zone(all)), "UTC", "in UTC");
	is_int(fb_calendar_elapsed(all, t, t + 3 * DAYMS), 3 * DAYMS,
	    "24x7: elapsed is b - a");
	ok(fb_calendar_add(all, t, 5 * HOUR) == t + 5 * HOUR,
	    "24x7: add is start + ms");
	excluded_is(all, t, t + 3 * DAYMS, "", "24x7");

	is_int(fb_calendar_elapsed(none, t, t + 30 * DAYMS), 0,
	    "no hours: nothing elapses");
	ok(fb_calendar_add(none, t, 1) == FB_TIME_MAX,
	    "no hours: never due");
	excluded_is(none, loc(none, 2026, 11, 20, 0, 0),
	    loc(none, 2026, 11, 27, 0, 0),
	    "11-20 00:00..11-27 00:00 weekend; ", "no hours: all weekend");

	/* ten years (3660 days) is where the queries stop */
	is_int(fb_calendar_elapsed(all, t, t + 20 * 366 * DAYMS),
	    FB_CALENDAR_MAX_SPAN, "24x7: 20 years count as 3660 days");
	ok(fb_calendar_add(all, t, FB_CALENDAR_MAX_SPAN) ==
	    t + FB_CALENDAR_MAX_SPAN && fb_calendar_add(all, t,
	    FB_CALENDAR_MAX_SPAN + 1) == FB_TIME_MAX,
	    "24x7: a target past 3660 days is never");
	/* 3660 days hold 522 weeks and 6 days: 522 x 37.5h + 5 x 7.5h */
	{
		int64_t span = fb_calendar_elapsed(cal, loc(cal, 2026, 11, 23,
		    0, 0), loc(cal, 2046, 11, 23, 0, 0));

		is_int(span, 522 * (37 * HOUR + 30 * MIN) + 5 * (7 * HOUR +
		    30 * MIN), "business: 20 years count as 3660 days");
		ok(fb_calendar_add(cal, loc(cal, 2026, 11, 23, 0, 0), span) !=
		    FB_TIME_MAX && fb_calendar_add(cal, loc(cal, 2026, 11, 23,
		    0, 0), span + 1) == FB_TIME_MAX,
		    "business: the last due time in reach, then never");
	}
	memset(&sp, 0, sizeof(sp));
	sp.cal = none;
	fb_calendar_excluded(none, t, t + 20 * 366 * DAYMS, collect, &sp);
	is_int(sp.total, FB_CALENDAR_MAX_SPAN,
	    "excluded spans stop at 3660 days too");
	/* absurd instants neither loop nor overflow */
	is_int(fb_calendar_elapsed(all, FB_TIME_MIN, FB_TIME_MAX),
	    FB_CALENDAR_MAX_SPAN, "24x7 over all of fb_time_t");
	ok(fb_calendar_elapsed(cal, FB_TIME_MIN, FB_TIME_MAX) > 0,
	    "business over all of fb_time_t");
	ok(fb_calendar_add(cal, FB_TIME_MAX, HOUR) == FB_TIME_MAX &&
	    fb_calendar_add(cal, FB_TIME_MIN, HOUR) == FB_TIME_MAX,
	    "add from FB_TIME_MAX or FB_TIME_MIN is never");
	is_int(fb_calendar_elapsed(cal, FB_TIME_MAX - 5, FB_TIME_MAX), 0,
	    "elapsed at the top of the range");
	fb_calendar_free(all);
	fb_calendar_free(none);
	fb_calendar_free(cal);
	fb_calendar_free(NULL);
	ok(1, "fb_calendar_free(NULL) does nothing");
}

/*---- errors ----*/

static void
errors(void)
{
	struct fb_calendar *cal = cn_office();
	struct fb_error err;
	static const char *const bad_hours[] = {
		"9-17", "09:00-09:00", "00:00-00:00", "25:00-26:00",
		"09:00-24:01", "24:00-01:00", "09:00-12:00 11:00-13:00",
		"09:00-12:00 x", "", "09:00", "09:00-12:00;13:00-14:00",
		/* one long list */
		/* NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
		"01:00-02:00 02:00-03:00 03:00-04:00 04:00-05:00 05:00-06:00 "
		"06:00-07:00 07:00-08:00 08:00-09:00 09:00-10:00 10:00-11:00 "
		"11:00-12:00 12:00-13:00 13:00-14:00 14:00-15:00 15:00-16:00 "
		"16:00-17:00 17:00-18:00",
	};
	static const char *const bad_days[] = {
		"mon-xyz", "", "mon,,fri", "mo", "monday-", "sat sun",
	};
	static const char *const bad_dates[] = {
		"2026-02-29", "2026-13-01", "2026-1-1", "2026-10-01x",
		"20261001", "", "2026-04-31",
	};
	size_t i;
	int64_t before = fb_calendar_elapsed(cal, utc(2026, 11, 16, 0, 0),
	    utc(2026, 11, 23, 0, 0));

	for (i = 0; i < sizeof(bad_hours) / sizeof(bad_hours[0]); i++)
		ok(fb_calendar_hours(cal, "mon", bad_hours[i], &err) == -1,
		    "hours '%.30s' refused: %s", bad_hours[i], err.msg);
	for (i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++)
		ok(fb_calendar_hours(cal, bad_days[i], "09:00-10:00", &err) ==
		    -1, "days '%s' refused: %s", bad_days[i], err.msg);
	for (i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++)
		ok(fb_calendar_holiday(cal, bad_dates[i], NULL, "x", &err) ==
		    -1 && fb_calendar_workday(cal, bad_dates[i], NULL, NULL) ==
		    -1, "date '%s' refused: %s", bad_dates[i], err.msg);
	fb_calendar_hours(cal, "mon", "09:00", &err);
	is_str(err.msg, "invalid hours '09:00' (use e.g. 09:00-12:00 "
	    "13:30-18:00, or closed)", "the hours message");
	fb_calendar_hours(cal, "mon-xyz", "09:00-10:00", &err);
	is_str(err.msg, "invalid days 'mon-xyz' (use e.g. mon-fri, sat or "
	    "mon,wed,fri)", "the days message");
	ok(fb_calendar_holiday(cal, "2026-10-07", "2026-10-01", "x", &err) ==
	    -1, "a holiday backwards: %s", err.msg);
	ok(fb_calendar_holiday(cal, "2026-01-01", "2027-01-02", "x", &err) ==
	    -1, "a holiday of 367 days: %s", err.msg);
	ok(fb_calendar_holiday(cal, "2028-01-01", "2028-12-31", "leap", &err)
	    == 0, "a holiday of 366 days is allowed (2028)");
	ok(fb_calendar_workday(cal, "2026-10-10", "xyz", &err) == -1,
	    "a workday as 'xyz': %s", err.msg);
	is_int(fb_calendar_elapsed(cal, utc(2026, 11, 16, 0, 0),
	    utc(2026, 11, 23, 0, 0)), before,
	    "failed calls changed nothing");
	ok(fb_calendar_create("x", "Mars/Olympus", &err) == NULL &&
	    strcmp(err.msg, "unknown time zone 'Mars/Olympus'") == 0,
	    "an unknown zone: %s", err.msg);
	/* good forms */
	ok(fb_calendar_hours(cal, "Monday,wed, FRI", "9:00-12:00,13:00-24:00",
	    &err) == 0 && fb_calendar_hours(cal, "fri-mon", "closed", &err) ==
	    0 && fb_calendar_hours(cal, "sun-sat", "10:00-11:00", &err) == 0,
	    "full names, commas, wrapping ranges, closed");
	is_int(fb_calendar_elapsed(cal, utc(2026, 11, 16, 0, 0),
	    utc(2026, 11, 23, 0, 0)), 7 * HOUR, "and the week is 7 x 1h");
	fb_calendar_free(cal);
}

/*---- iCalendar ----*/

static const char *
put(const char *name, const char *text)
{
	const char *path = tpath(name);

	write_plain(path, text, strlen(text));
	return path;
}

static void
ics_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
		  ":1: not an iCalendar file (no BEGIN:VCALENDAR)" },
		{ "hello\n", ":1: not a content line (NAME:VALUE)" },
		{ "", ":1: not an iCalendar file (no BEGIN:VCALENDAR)" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n"
		  "END:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":2: VEVENT without DTSTART" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		  "DTSTART;VALUE=DATE:2026100\r\nEND:VEVENT\r\n"
		  "END:VCALENDAR\r\n", ":3: invalid DTSTART '2026100'" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		  "DTSTART;VALUE=DATE:20261001T000000\r\n"
		  "END:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":3: invalid DTSTART '20261001T000000'" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261301\r\n"
		  "END:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":3: invalid DTSTART '20261301'" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n"
		  "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":4: repeating events (RRULE) are not supported: list each "
		  "date" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n"
		  "DTEND:20261001\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":5: the event ends before it starts" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n"
		  "DURATION:PT8H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":4: unsupported DURATION 'PT8H' (whole days or weeks "
		  "only)" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101\r\n"
		  "DTEND:20270103\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		  ":5: the event is longer than 366 days" },
		{ "BEGIN:VCALENDAR\r\n\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n",
		  ":3: VEVENT without END:VEVENT" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:a\xff\r\n b\r\n",
		  ":3: not valid UTF-8" },
		{ "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261001\r\n"
		  "END:VCALENDAR\r\n", ":4: END:VCALENDAR inside a VEVENT" },
	};
	struct fb_calendar *cal = cn_office();
	struct fb_error err;
	size_t i;
	int64_t before = fb_calendar_elapsed(cal, utc(2026, 9, 1, 0, 0),
	    utc(2026, 11, 1, 0, 0));
	char name[32], want[256];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path;

		snprintf(name, sizeof(name), "bad%zu.ics", i);
		path = put(name, cases[i].text);
		snprintf(want, sizeof(want), "%s%s", path, cases[i].want);
		memset(&err, 0, sizeof(err));
		ok(fb_calendar_ics(cal, path, &err) == -1, "bad .ics %zu "
		    "refused", i);
		is_str(err.msg, want, "bad .ics %zu: the message", i);
	}
	/* a good event before a bad one: nothing is taken */
	put("half.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
	    "DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\n"
	    "SUMMARY:国庆节\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n"
	    "END:VCALENDAR\r\n");
	ok(fb_calendar_ics(cal, tpath("half.ics"), &err) == -1,
	    "a file with a bad event fails");
	is_int(fb_calendar_elapsed(cal, utc(2026, 9, 1, 0, 0),
	    utc(2026, 11, 1, 0, 0)), before, "and changes nothing");
	ok(fb_calendar_ics(cal, tpath("nonexistent.ics"), &err) == -1 &&
	    strstr(err.msg, "cannot open") != NULL &&
	    strstr(err.msg, "No such file") != NULL, "a missing file: %s",
	    err.msg);
	fb_calendar_free(cal);
}

static void
ics_forms(void)
{
	/*
	 * LF line ends; a SUMMARY folded inside a character (国 is
	 * E5 9B BD) and with escapes; DTSTART and DTEND with times and
	 * TZID; DURATION; a cancelled event; a VALARM whose SUMMARY says
	 * 补班 (the event is still a holiday); a VTIMEZONE with its own
	 * DTSTART; WORKDAY among other categories; a BOM.
	 */
	static const char text[] =
	    "\xef\xbb\xbf" "BEGIN:VCALENDAR\n"
	    "VERSION:2.0\n"
	    "BEGIN:VTIMEZONE\nTZID:Asia/Shanghai\nBEGIN:STANDARD\n"
	    "DTSTART:19700101T000000\nTZOFFSETFROM:+0800\nTZOFFSETTO:+0800\n"
	    "END:STANDARD\nEND:VTIMEZONE\n"
	    "BEGIN:VEVENT\n"
	    "DTSTART;TZID=Asia/Shanghai:20261001T000000\n"
	    "DTEND;TZID=\"Asia/Shanghai\":20261007T180000\n"
	    "SUMMARY:\xe5\x9b\n \xbd\xe5\xba\x86\xe8\x8a\x82\\, \n"
	    "\tGolden Week\n"
	    "BEGIN:VALARM\nACTION:DISPLAY\nSUMMARY:补班\nTRIGGER:-PT1H\n"
	    "END:VALARM\n"
	    "END:VEVENT\n"
	    "BEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20261116\nDURATION:P2D\nSUMMARY:retreat\n"
	    "END:VEVENT\n"
	    "BEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20261118\nSTATUS:CANCELLED\nSUMMARY:off\n"
	    "END:VEVENT\n"
	    "BEGIN:VEVENT\n"
	    "DTSTART:20261010T000000Z\nCATEGORIES:HOLIDAY, workday\n"
	    "SUMMARY:weekend swap\n"
	    "END:VEVENT\n"
	    "BEGIN:VEVENT\n"
	    "DTSTART;VALUE=DATE:20261121\nDTEND;VALUE=DATE:20261122\n"
	    "SUMMARY:公司年会 调休上班\n"
	    "END:VEVENT\n"
	    "END:VCALENDAR";	/* no newline at the end */
	struct fb_calendar *cal = cn_office();
	struct fb_error err;

	put("forms.ics", text);
	must(fb_calendar_ics(cal, tpath("forms.ics"), &err), &err);
	/* 1 Oct 00:00 to 7 Oct 18:00 with a time: 1-7 Oct, all seven */
	excluded_is(cal, loc(cal, 2026, 9, 30, 18, 0),
	    loc(cal, 2026, 10, 8, 9, 0),
	    "09-30 18:00..10-01 00:00 outside working hours; "
	    "10-01 00:00..10-08 00:00 holiday 国庆节, Golden Week; "
	    "10-08 00:00..10-08 09:00 outside working hours; ",
	    "folded, escaped, timed");
	/* P2D: Mon 16 and Tue 17 Nov; the cancelled 18th is worked */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 16, 0, 0),
	    loc(cal, 2026, 11, 19, 0, 0)), 7 * HOUR + 30 * MIN,
	    "DURATION:P2D, and a cancelled event");
	/* Sat 10 Oct (DTSTART with Z), Sat 21 Nov (调休上班) are worked */
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 10, 10, 0, 0),
	    loc(cal, 2026, 10, 11, 0, 0)), 7 * HOUR + 30 * MIN,
	    "CATEGORIES with WORKDAY");
	is_int(fb_calendar_elapsed(cal, loc(cal, 2026, 11, 21, 0, 0),
	    loc(cal, 2026, 11, 22, 0, 0)), 7 * HOUR + 30 * MIN,
	    "a SUMMARY with 调休上班");
	fb_calendar_free(cal);
}

/*
 * The same holidays from the .ics and from calls: 1000 random spans
 * give the same elapsed time, due times and excluded spans.
 */
static void
ics_same(void)
{
	struct fb_calendar *a = cn_office(), *b = cn_office();
	struct fb_error err;
	fb_time_t lo, hi;
	long bad = 0, badsum = 0;
	int i;

	cn_2026(a);
	must(fb_calendar_ics(b, cn_ics, &err), &err);
	lo = loc(a, 2025, 12, 20, 0, 0);
	hi = loc(a, 2027, 1, 10, 0, 0);
	for (i = 0; i < 1000; i++) {
		fb_time_t x = lo + (fb_time_t)(rnd() % (uint64_t)(hi - lo));
		fb_time_t y = x + (fb_time_t)(rnd() % (uint64_t)(30 * DAYMS));
		int64_t ms = (int64_t)(rnd() % (uint64_t)(80 * HOUR));
		struct spans sa, sb;

		if (i % 4 == 0) {	/* on the minute, where hours begin */
			x -= x % MIN;
			y -= y % MIN;
		}
		memset(&sa, 0, sizeof(sa));
		memset(&sb, 0, sizeof(sb));
		sa.cal = a;
		sb.cal = b;
		fb_calendar_excluded(a, x, y, collect, &sa);
		fb_calendar_excluded(b, x, y, collect, &sb);
		if (fb_calendar_elapsed(a, x, y) !=
		    fb_calendar_elapsed(b, x, y) ||
		    fb_calendar_add(a, x, ms) != fb_calendar_add(b, x, ms) ||
		    strcmp(sa.text, sb.text) != 0 || sa.total != sb.total) {
			if (bad++ == 0)
				diag("%s to %s: %s / %s", show(a, x),
				    show(a, y), sa.text, sb.text);
		}
		if (sa.total != (y - x) - fb_calendar_elapsed(a, x, y) ||
		    sa.disorder)
			badsum++;
	}
	is_int(bad, 0, ".ics and calls agree on 1000 random spans");
	is_int(badsum, 0, "excluded spans cover (b - a) - elapsed, in order");
	fb_calendar_free(a);
	fb_calendar_free(b);
}

/*---- random calendars against a model ----*/

/*
 * A minute-by-minute model of a calendar in a zone without daylight
 * saving (+8, no transitions since 1991), built independently of
 * fb_zone: the local day and minute of 't' are plain arithmetic.
 */
struct model {
	int nspans[7];
	int start[7][4], end[7][4];	/* minutes; end may pass 1440 */
	int64_t hday[40];		/* holidays */
	int nhol;
	int64_t wday_[10];		/* make-up days */
	int was[10];
	int nwork;
};

static int
model_hours(const struct model *m, int64_t day, const char **why,
    const char *const *holnames)
{
	int i, wd = (int)(((day + 4) % 7 + 7) % 7);

	for (i = m->nwork - 1; i >= 0; i--)
		if (m->wday_[i] == day) {
			*why = m->nspans[m->was[i]] ? "outside working hours" :
			    "weekend";
			return m->was[i];
		}
	for (i = 0; i < m->nhol; i++)
		if (m->hday[i] == day) {
			*why = holnames[i];
			return -1;
		}
	*why = m->nspans[wd] ? "outside working hours" : "weekend";
	return wd;
}

/* Whether minute 'min' of local day 'day' is worked; else '*why'. */
static int
model_works(const struct model *m, int64_t day, int min, const char **why,
    const char *const *holnames)
{
	const char *w2;
	int d = model_hours(m, day, why, holnames), p, i;

	for (i = 0; d >= 0 && i < m->nspans[d]; i++)
		if (m->start[d][i] <= min && min < m->end[d][i])
			return 1;
	p = model_hours(m, day - 1, &w2, holnames);
	for (i = 0; p >= 0 && i < m->nspans[p]; i++)
		if (m->end[p][i] > 1440 && min + 1440 < m->end[p][i])
			return 1;
	return 0;
}

static void
random_calendars(void)
{
	static const char *const dn[] = { "sun", "mon", "tue", "wed", "thu",
		"fri", "sat" };
	fb_time_t base = utc(2026, 1, 1, 0, 0) - 8 * HOUR;
	int64_t day0 = (utc(2026, 1, 1, 0, 0)) / DAYMS;
	long bad = 0, badadd = 0, badwhy = 0, checks = 0;
	int round;

	for (round = 0; round < 30; round++) {
		struct fb_calendar *cal = make("random", "Asia/Shanghai");
		struct model m;
		struct fb_error err;
		char holwhy[40][32];
		const char *holnames[40];
		int d, i, pair;

		memset(&m, 0, sizeof(m));
		for (d = 0; d < 7; d++) {
			char hours[128] = "";
			int k = (int)(rnd() % 4), pts[8] = { 0 }, j, n = 0;

			/* 2k distinct quarter hours, sorted */
			while (n < 2 * k) {
				int q = (int)(rnd() % 97);

				for (j = 0; j < n && pts[j] != q; j++)
					;
				if (j == n)
					pts[n++] = q;
			}
			for (i = 1; i < n; i++)
				for (j = i; j > 0 && pts[j - 1] > pts[j]; j--) {
					int t = pts[j];

					pts[j] = pts[j - 1];
					pts[j - 1] = t;
				}
			for (i = 0; i < k; i++) {
				int s = pts[2 * i] * 15;
				int e = pts[2 * i + 1] * 15;
				size_t len = strlen(hours);

				if (s == 1440)
					continue;
				/* sometimes the last runs past midnight */
				if (i == k - 1 && rnd() % 3 == 0)
					e = s + 15 + (int)(rnd() % 95) * 15;
				if (e - s >= 1440)
					e = s + 1425;
				m.start[d][m.nspans[d]] = s;
				m.end[d][m.nspans[d]++] = e;
				if (e > 1440)	/* written as 06:00 */
					e -= 1440;
				snprintf(hours + len, sizeof(hours) - len,
				    "%s%02d:%02d-%02d:%02d", len ? " " : "",
				    s / 60, s % 60, e / 60, e % 60);
			}
			must(fb_calendar_hours(cal, dn[d], m.nspans[d] ? hours :
			    "closed", &err), &err);
		}
		m.nhol = 12;
		for (i = 0; i < m.nhol; i++) {
			char date[16], name[16];
			struct fb_civil c;
			struct fb_zone *u = fb_zone_load("UTC", NULL);

			m.hday[i] = day0 + (int64_t)(rnd() % 60);
			fb_zone_civil(u, m.hday[i] * DAYMS, &c);
			fb_zone_free(u);
			snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year,
			    c.mon, c.day);
			snprintf(name, sizeof(name), "h%d", i % 3);
			must(fb_calendar_holiday(cal, date, NULL, name, &err),
			    &err);
			/* the first name given to a day stays */
			for (d = 0; d < i && m.hday[d] != m.hday[i]; d++)
				;
			snprintf(holwhy[i], sizeof(holwhy[i]), "holiday %s",
			    d < i ? holwhy[d] + 8 : name);
			holnames[i] = holwhy[i];
		}
		m.nwork = 5;
		for (i = 0; i < m.nwork; i++) {
			char date[16];
			struct fb_civil c;
			struct fb_zone *u = fb_zone_load("UTC", NULL);

			m.wday_[i] = day0 + (int64_t)(rnd() % 60);
			m.was[i] = (int)(rnd() % 7);
			fb_zone_civil(u, m.wday_[i] * DAYMS, &c);
			fb_zone_free(u);
			snprintf(date, sizeof(date), "%04d-%02d-%02d", c.year,
			    c.mon, c.day);
			must(fb_calendar_workday(cal, date, dn[m.was[i]], &err),
			    &err);
		}
		for (pair = 0; pair < 12; pair++) {
			fb_time_t a = base + (fb_time_t)(rnd() % (55 * 1440)) *
			    MIN;
			fb_time_t b = a + (fb_time_t)(rnd() % (4 * 1440)) * MIN;
			fb_time_t t;
			int64_t sum = 0, want_ms, target, got_el;
			fb_time_t want_due = FB_TIME_MAX;
			struct spans sp;
			const char *why;
			char expect[4096] = "", last_why[64] = "";
			fb_time_t run_from = 0;
			int in_gap = 0;

			target = (int64_t)(1 + rnd() % (20 * 60)) * MIN;
			want_ms = target;
			for (t = a; t < b || (want_due == FB_TIME_MAX &&
			    t < a + 20 * DAYMS); t += MIN) {
				fb_time_t local = t + 8 * HOUR;
				int64_t day = local / DAYMS;
				int min = (int)(local % DAYMS / MIN);
				int w = model_works(&m, day, min, &why,
				    holnames);

				if (w) {
					if (t < b)
						sum += MIN;
					if (want_due == FB_TIME_MAX &&
					    want_ms > 0 && (t - a) >= 0) {
						want_ms -= MIN;
						if (want_ms == 0)
							want_due = t + MIN;
					}
				}
				if (t >= b)
					continue;
				/* the excluded spans, as the model sees them */
				if (!w && (!in_gap ||
				    strcmp(why, last_why) != 0)) {
					size_t len = strlen(expect);

					if (in_gap &&
					    len + 100 < sizeof(expect))
						snprintf(expect + len,
						    sizeof(expect) - len,
						    "%s..%s %s; ",
						    show(cal, run_from),
						    show(cal, t), last_why);
					run_from = t;
					snprintf(last_why, sizeof(last_why),
					    "%s", why);
					in_gap = 1;
				} else if (w && in_gap) {
					size_t len = strlen(expect);

					if (len + 100 < sizeof(expect))
						snprintf(expect + len,
						    sizeof(expect) - len,
						    "%s..%s %s; ",
						    show(cal, run_from),
						    show(cal, t), last_why);
					in_gap = 0;
				}
			}
			if (in_gap) {
				size_t len = strlen(expect);

				if (len + 100 < sizeof(expect))
					snprintf(expect + len,
					    sizeof(expect) - len, "%s..%s %s; ",
					    show(cal, run_from), show(cal, b),
					    last_why);
			}
			got_el = fb_calendar_elapsed(cal, a, b);
			checks++;
			if (got_el != sum && bad++ < 3)
				diag("round %d: %s to %s: elapsed %lld, the "
				    "model %lld", round, show(cal, a),
				    show(cal, b), (long long)got_el,
				    (long long)sum);
			if (want_due != FB_TIME_MAX) {
				fb_time_t got = fb_calendar_add(cal, a, target);

				if (got != want_due && badadd++ < 3)
					diag("round %d: add from %s: %s, "
					    "the model %s", round,
					    show(cal, a), show(cal, got),
					    show(cal, want_due));
			}
			memset(&sp, 0, sizeof(sp));
			sp.cal = cal;
			fb_calendar_excluded(cal, a, b, collect, &sp);
			if (strcmp(sp.text, expect) != 0 && badwhy++ < 3)
				diag("round %d: %s to %s: excluded %s, the "
				    "model %s", round, show(cal, a),
				    show(cal, b), sp.text, expect);
		}
		fb_calendar_free(cal);
	}
	is_int(bad, 0, "random calendars: elapsed matches a minute-by-minute "
	    "model (%ld spans)", checks);
	is_int(badadd, 0, "random calendars: due times match the model");
	is_int(badwhy, 0, "random calendars: excluded spans and reasons match "
	    "the model");
}

/*
 * Laws for any calendar and zone: elapsed adds up over a split, add
 * inverts elapsed and is the earliest such instant.
 */
static void
laws(struct fb_calendar *cal, const char *what)
{
	fb_time_t lo = loc(cal, 2026, 1, 1, 0, 0), hi = loc(cal, 2027, 1, 1,
	    0, 0);
	long badsplit = 0, badadd = 0, badmin = 0;
	int i;

	for (i = 0; i < 2000; i++) {
		fb_time_t a = lo + (fb_time_t)(rnd() % (uint64_t)(hi - lo));
		fb_time_t c = a + (fb_time_t)(rnd() % (uint64_t)(9 * DAYMS));
		fb_time_t b = a + (fb_time_t)(rnd() % (uint64_t)(c - a + 1));
		int64_t ms = 1 + (int64_t)(rnd() % (uint64_t)(40 * HOUR));
		fb_time_t due;

		if (fb_calendar_elapsed(cal, a, c) !=
		    fb_calendar_elapsed(cal, a, b) +
		    fb_calendar_elapsed(cal, b, c))
			badsplit++;
		due = fb_calendar_add(cal, a, ms);
		if (due == FB_TIME_MAX ||
		    fb_calendar_elapsed(cal, a, due) != ms)
			badadd++;
		else if (fb_calendar_elapsed(cal, a, due - 1) != ms - 1)
			badmin++;
	}
	is_int(badsplit, 0, "%s: elapsed(a, c) = elapsed(a, b) + elapsed(b, c)",
	    what);
	is_int(badadd, 0, "%s: elapsed(a, add(a, ms)) = ms", what);
	is_int(badmin, 0, "%s: add() is the earliest such instant", what);
}

static void
all_laws(void)
{
	struct fb_calendar *ny = make("ny", "America/New_York");
	struct fb_calendar *cn = cn_office();
	struct fb_calendar *syd = make("syd", "Australia/Sydney");
	struct fb_error err;

	must(fb_calendar_hours(ny, "mon-fri", "09:00-17:00", &err), &err);
	must(fb_calendar_hours(ny, "sun", "00:30-02:30 22:00-03:00", &err),
	    &err);
	must(fb_calendar_hours(syd, "mon-sun", "01:30-02:30 08:00-20:00",
	    &err), &err);
	must(fb_calendar_holiday(syd, "2026-04-05", NULL, "Easter", &err),
	    &err);
	cn_2026(cn);
	laws(ny, "New York with night hours on DST Sundays");
	laws(cn, "Shanghai with the 2026 holidays");
	laws(syd, "Sydney");
	fb_calendar_free(ny);
	fb_calendar_free(cn);
	fb_calendar_free(syd);
}

/*---- speed ----*/

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
speed(void)
{
	struct fb_calendar *cn = cn_office(), *ny = make("ny",
	    "America/New_York");
	struct fb_error err;
	fb_time_t lo = utc(2026, 1, 1, 0, 0);
	int64_t sink = 0;
	double t0, us_cn, us_ny;
	int i, n = 100000;

	cn_2026(cn);
	must(fb_calendar_hours(ny, "mon-fri", "09:00-12:00 13:00-17:00", &err),
	    &err);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		fb_time_t a = lo + (fb_time_t)(rnd() % (365 * DAYMS));

		sink += fb_calendar_elapsed(cn, a, a + 2 * DAYMS);
	}
	us_cn = (now_s() - t0) * 1e6 / n;
	/* 2050: past the file's transitions, the footer rule every time */
	lo = utc(2050, 1, 1, 0, 0);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		fb_time_t a = lo + (fb_time_t)(rnd() % (365 * DAYMS));

		sink += fb_calendar_elapsed(ny, a, a + 2 * DAYMS);
	}
	us_ny = (now_s() - t0) * 1e6 / n;
	diag("elapsed over 2 days: %.2f us (Shanghai, 2026 holidays), "
	    "%.2f us (New York, 2050) per call (%lld)", us_cn, us_ny,
	    (long long)(sink % 10));
	/* generous, for sanitizer builds and busy machines */
	ok(us_cn < 100 && us_ny < 100, "a two-day elapsed() takes "
	    "microseconds (%.1f, %.1f)", us_cn, us_ny);
	fb_calendar_free(cn);
	fb_calendar_free(ny);
}

int
main(void)
{
	tmp_init("calendar");
	shanghai();
	holidays();
	new_york();
	night_shifts();
	limits();
	errors();
	ics_errors();
	ics_forms();
	ics_same();
	random_calendars();
	all_laws();
	speed();
	tmp_cleanup();
	return done_testing();
}
