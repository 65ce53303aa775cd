/*
 * fuzz_calendar.c: an iCalendar file (holidays and make-up working
 * days, as sla.conf's `ics` line reads it) through fb_calendar_ics on a
 * business calendar in Asia/Shanghai, then working-time queries over
 * spans around the dates it may have set.
 *
 * Beyond "no crash" (and no endless loop over days) it checks the
 * calendar's documented arithmetic: the working time of [a, b) is
 * between 0 and b - a; the excluded spans come in order inside [a, b)
 * and add up to (b - a) minus the working time; and fb_calendar_add of
 * that working time from a lands at or before b.
 */
#include "fuzz.h"
#include "fb.h"

struct sum {
	fb_time_t last;
	int64_t total;
	fb_time_t a, b;
};

static int
excluded(void *arg, fb_time_t from, fb_time_t to, const char *why)
{
	struct sum *s = arg;

	FUZZ_CHECK(why != NULL);
	FUZZ_CHECK(from < to && from >= s->last && from >= s->a && to <= s->b);
	s->last = to;
	s->total += to - from;
	return 0;
}

static void
queries(const struct fb_calendar *cal, fb_time_t a, fb_time_t b)
{
	struct sum s = { a, 0, a, b };
	int64_t work = fb_calendar_elapsed(cal, a, b);
	fb_time_t end;

	FUZZ_CHECK(work >= 0 && work <= b - a);
	FUZZ_CHECK(fb_calendar_excluded(cal, a, b, excluded, &s) == 0);
	FUZZ_CHECK(s.total == (b - a) - work);
	if (work > 0) {
		end = fb_calendar_add(cal, a, work);
		FUZZ_CHECK(end <= b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_calendar *cal;
	struct fb_error err;

	if ((cal = fb_calendar_create("fuzz", "Asia/Shanghai", &err)) == NULL)
		abort();
	if (fb_calendar_hours(cal, "mon-fri", "09:00-12:00 13:30-18:00",
	    &err) < 0 || fb_calendar_hours(cal, "sat", "22:00-06:00", &err) < 0)
		abort();
	if (fb_calendar_ics(cal, fuzz_file("holidays.ics", data, size),
	    &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
	} else {
		/* 2026-09-28 to 2026-10-19, Shanghai time, and a whole year. */
		queries(cal, 1790524800000LL, 1792339200000LL);
		queries(cal, 1790524800000LL + 3600000 * 11,
		    1790524800000LL + 3600000 * 60);
		queries(cal, 1767196800000LL, 1798732800000LL);
	}
	fb_calendar_free(cal);
	return 0;
}
