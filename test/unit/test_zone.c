/*
 * test_zone.c: time zones read from their files (fb_zone.c): names that
 * are refused, UTC, Asia/Shanghai, the 2026 daylight-saving changes of
 * America/New_York, Europe/London and Australia/Sydney (southern), the
 * half-hour ones of Australia/Lord_Howe, gaps and overlaps, 1900 and
 * 2100 (the footer rule), POSIX TZ strings, hand-made TZif files, and
 * thousands of random instants against localtime_r() with TZ set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "fb.h"
#include "rng.h"
#include "tap.h"
#include "tmpfiles.h"

/* An instant given as UTC civil time. */
static fb_time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return fb_time_from_civil(y, mo, d, h, mi, s, 0);
}

static struct fb_zone *
load(const char *name)
{
	struct fb_error err;
	struct fb_zone *z = fb_zone_load(name, &err);

	if (z == NULL) {
		diag("cannot load %s: %s", name, err.msg);
		abort();
	}
	return z;
}

/*
 * Checks the local time of 't' in 'z' ("YYYY-MM-DD HH:MM:SS"), its
 * offset and weekday (unless -1).
 */
static void
civil_is(const struct fb_zone *z, fb_time_t t, const char *want, int off,
    int wday, const char *what)
{
	struct fb_civil c;
	char got[64];

	fb_zone_civil(z, t, &c);
	snprintf(got, sizeof(got), "%04d-%02d-%02d %02d:%02d:%02d", c.year,
	    c.mon, c.day, c.hour, c.min, c.sec);
	is_str(got, want, "%s: %s: local time", fb_zone_name(z), what);
	is_int(c.offset, off, "%s: %s: offset %+d", fb_zone_name(z), what,
	    off);
	if (wday >= 0)
		is_int(c.wday, wday, "%s: %s: weekday", fb_zone_name(z), what);
	is_int(fb_zone_offset(z, t), off, "%s: %s: fb_zone_offset",
	    fb_zone_name(z), what);
}

/* Checks fb_zone_instant() of a local time. */
static void
instant_is(const struct fb_zone *z, int y, int mo, int d, int h, int mi,
    int s, fb_time_t want, const char *what)
{
	fb_time_t t = 0;
	int rc = fb_zone_instant(z, y, mo, d, h, mi, s, &t);
	char a[FB_TIME_BUFSZ], b[FB_TIME_BUFSZ];

	fb_time_format(t, a);
	fb_time_format(want, b);
	ok(rc == 0 && t == want, "%s: %04d-%02d-%02d %02d:%02d:%02d %s is "
	    "%s (got %s)", fb_zone_name(z), y, mo, d, h, mi, s, what, b, a);
}

static void
names(void)
{
	struct fb_error err;
	struct fb_zone *z;
	static const char *const bad[] = {
		"Nowhere/City", "../../etc/passwd", "/etc/passwd",
		"America/../UTC", "", "America", "Asia/Shanghai/x",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		z = fb_zone_load(bad[i], &err);
		ok(z == NULL, "'%s' is refused", bad[i]);
		fb_zone_free(z);
	}
	fb_zone_load("Nowhere/City", &err);
	is_str(err.msg, "unknown time zone 'Nowhere/City'", "the message");
	fb_zone_load("../../etc/passwd", &err);
	is_str(err.msg, "unknown time zone '../../etc/passwd'",
	    "a path out of the zone directory is just unknown");
	ok(fb_zone_load("Nowhere/City", NULL) == NULL, "err may be NULL");
	/* TZ=":/etc/localtime", as containers and systemd set it */
	if (access("/etc/localtime", R_OK) == 0) {
		z = fb_zone_load(":/etc/localtime", &err);
		ok(z != NULL, "':/etc/localtime' is the file itself (%s)",
		    z ? "" : err.msg);
		fb_zone_free(z);
		z = fb_zone_load("/etc/localtime", &err);
		ok(z != NULL, "'/etc/localtime' too");
		fb_zone_free(z);
	} else
		ok(1, "# skip no /etc/localtime"), ok(1, "# skip");
	z = load(":Asia/Shanghai");
	is_str(fb_zone_name(z), "Asia/Shanghai", "a leading ':' is dropped");
	fb_zone_free(z);
	z = fb_zone_load("/etc/../etc/localtime", NULL);
	ok(z == NULL, "a path with '..' is refused, even from ':'");
	fb_zone_free(z);
	z = fb_zone_load("right/UTC", &err);
	ok(z == NULL && strstr(err.msg, "leap seconds") != NULL,
	    "right/UTC (leap seconds) is refused: %s", err.msg);
	fb_zone_free(z);
	fb_zone_free(NULL);
	ok(1, "fb_zone_free(NULL) does nothing");
}

static void
utc_zones(void)
{
	static const char *const names_[] = { "UTC", "Z", "Etc/UTC",
		"CST-8" };
	struct fb_zone *z;
	size_t i;

	for (i = 0; i < 3; i++) {
		z = load(names_[i]);
		is_str(fb_zone_name(z), names_[i], "the name is kept");
		/* 2026-11-22 was a Sunday, day 325 of the year from 0 */
		civil_is(z, utc(2026, 11, 22, 2, 15, 0) + 999,
		    "2026-11-22 02:15:00", 0, 0, "a Sunday");
		civil_is(z, -1, "1969-12-31 23:59:59", 0, 3,
		    "1 ms before the epoch");
		instant_is(z, 2026, 2, 29, 0, 0, 0, utc(2026, 3, 1, 0, 0, 0),
		    "29 February 2026 = 1 March");
		fb_zone_free(z);
	}
	z = load(names_[3]);
	civil_is(z, utc(2026, 11, 22, 2, 15, 0), "2026-11-22 10:15:00", 28800,
	    0, "a POSIX string: CST-8");
	civil_is(z, utc(1950, 6, 1, 0, 0, 0), "1950-06-01 08:00:00", 28800,
	    -1, "CST-8 has no history");
	fb_zone_free(z);
}

static void
shanghai(void)
{
	struct fb_zone *z = load("Asia/Shanghai");
	struct fb_civil c;

	civil_is(z, utc(2026, 11, 22, 2, 15, 0), "2026-11-22 10:15:00", 28800,
	    0, "2026");
	fb_zone_civil(z, utc(2026, 11, 22, 2, 15, 0), &c);
	is_int(c.yday, 325, "yday: Jan-Oct has 304 days, + 21");
	civil_is(z, utc(2026, 12, 31, 16, 0, 0), "2027-01-01 00:00:00", 28800,
	    5, "New Year 2027 (a Friday) starts at 16:00Z");
	civil_is(z, utc(2100, 7, 1, 0, 0, 0), "2100-07-01 08:00:00", 28800,
	    -1, "2100: CST-8 from the footer");
	/* China kept daylight time 1986-1991: +9 in July 1988 */
	civil_is(z, utc(1988, 6, 30, 15, 0, 0), "1988-07-01 00:00:00", 32400,
	    -1, "1988 summer, CDT");
	/* before 1901, local mean time +8:05:43 */
	civil_is(z, utc(1899, 12, 31, 15, 54, 17), "1900-01-01 00:00:00",
	    29143, -1, "1900, LMT");
	instant_is(z, 2026, 10, 1, 9, 0, 0, utc(2026, 10, 1, 1, 0, 0),
	    "01:00Z");
	fb_zone_free(z);
}

static void
new_york(void)
{
	struct fb_zone *z = load("America/New_York");
	fb_time_t spring = utc(2026, 3, 8, 7, 0, 0);	/* 02:00 EST */
	fb_time_t fall = utc(2026, 11, 1, 6, 0, 0);	/* 02:00 EDT */

	/* 2026-03-08 (a Sunday) 02:00 EST becomes 03:00 EDT */
	civil_is(z, spring - 1000, "2026-03-08 01:59:59", -18000, 0,
	    "the last second of EST");
	civil_is(z, spring - 1, "2026-03-08 01:59:59", -18000, 0,
	    "the last ms of EST");
	civil_is(z, spring, "2026-03-08 03:00:00", -14400, 0,
	    "the first of EDT");
	/* 2026-11-01 02:00 EDT becomes 01:00 EST */
	civil_is(z, fall - 1000, "2026-11-01 01:59:59", -14400, 0,
	    "the last second of EDT");
	civil_is(z, fall, "2026-11-01 01:00:00", -18000, 0,
	    "the first of EST");
	civil_is(z, utc(2026, 7, 4, 16, 0, 0), "2026-07-04 12:00:00", -14400,
	    6, "summer");
	civil_is(z, utc(2026, 1, 15, 17, 0, 0), "2026-01-15 12:00:00", -18000,
	    4, "winter");

	/* the gap: 02:00-02:59 does not exist; read with EST (-5h) */
	instant_is(z, 2026, 3, 8, 1, 59, 59, spring - 1000, "EST");
	instant_is(z, 2026, 3, 8, 2, 0, 0, spring, "in the gap: 07:00Z, "
	    "03:00 EDT");
	instant_is(z, 2026, 3, 8, 2, 30, 0, spring + 1800000,
	    "in the gap: 07:30Z, 03:30 EDT");
	instant_is(z, 2026, 3, 8, 3, 0, 0, spring, "EDT: 07:00Z");
	instant_is(z, 2026, 3, 8, 3, 30, 0, spring + 1800000, "EDT: 07:30Z");
	/* the overlap: 01:00-01:59 happens twice; the earlier, EDT */
	instant_is(z, 2026, 11, 1, 0, 59, 59, utc(2026, 11, 1, 4, 59, 59),
	    "EDT before the overlap");
	instant_is(z, 2026, 11, 1, 1, 0, 0, utc(2026, 11, 1, 5, 0, 0),
	    "in the overlap: EDT, 05:00Z");
	instant_is(z, 2026, 11, 1, 1, 30, 0, utc(2026, 11, 1, 5, 30, 0),
	    "in the overlap: EDT, 05:30Z");
	instant_is(z, 2026, 11, 1, 1, 59, 59, utc(2026, 11, 1, 5, 59, 59),
	    "in the overlap: EDT, 05:59:59Z");
	instant_is(z, 2026, 11, 1, 2, 0, 0, utc(2026, 11, 1, 7, 0, 0),
	    "after the overlap: EST, 07:00Z");

	/* fields past their range carry over */
	instant_is(z, 2026, 3, 7, 24, 0, 0, utc(2026, 3, 8, 5, 0, 0),
	    "(hour 24 of 7 March = midnight)");
	instant_is(z, 2026, 1, 31 + 28 + 8, 2, 30, 0, spring + 1800000,
	    "(day 67 of January = 8 March)");
	/* 56 years of 365 days and 14 leap days, then 31 + 28 + 8 */
	instant_is(z, 1970, 1, 1 + 56 * 365 + 14 + 67, 12, 0, 0,
	    utc(2026, 3, 9, 16, 0, 0), "(day 1 + 20521 of 1970 = 2026-03-09)");
	instant_is(z, 2026, 3, 8, 0, 0, 9000, spring + 1800000,
	    "(9000 seconds after midnight)");
	instant_is(z, 2026, 3, 1, 0, 0, -1, utc(2026, 3, 1, 4, 59, 59),
	    "(second -1 of 1 March)");
	{
		fb_time_t t;

		ok(fb_zone_instant(z, 2026, 13, 1, 0, 0, 0, &t) == -1 &&
		    fb_zone_instant(z, 2026, 0, 1, 0, 0, 0, &t) == -1,
		    "month 0 and 13 are refused");
		ok(fb_zone_instant(z, 2000000, 1, 1, 0, 0, 0, &t) == -1,
		    "year 2,000,000 is refused");
		ok(fb_zone_instant(z, 999999, 1, 1, 0, 0, 0, &t) == 0 &&
		    fb_zone_instant(z, -999999, 1, 1, 0, 0, 0, &t) == 0,
		    "year +-999,999 is not");
	}

	/* 2100 from the footer EST5EDT,M3.2.0,M11.1.0: 14 March, 7 November */
	civil_is(z, utc(2100, 7, 1, 16, 0, 0), "2100-07-01 12:00:00", -14400,
	    4, "2100 summer");
	civil_is(z, utc(2100, 1, 1, 5, 0, 0), "2100-01-01 00:00:00", -18000,
	    5, "2100 winter");
	civil_is(z, utc(2100, 3, 14, 7, 0, 0) - 1, "2100-03-14 01:59:59",
	    -18000, 0, "2100: before spring forward");
	civil_is(z, utc(2100, 3, 14, 7, 0, 0), "2100-03-14 03:00:00", -14400,
	    0, "2100: after spring forward");
	civil_is(z, utc(2100, 11, 7, 6, 0, 0) - 1, "2100-11-07 01:59:59",
	    -14400, 0, "2100: before fall back");
	civil_is(z, utc(2100, 11, 7, 6, 0, 0), "2100-11-07 01:00:00", -18000,
	    0, "2100: after fall back");
	instant_is(z, 2100, 3, 14, 2, 30, 0, utc(2100, 3, 14, 7, 30, 0),
	    "2100 gap: EST");
	instant_is(z, 2100, 11, 7, 1, 30, 0, utc(2100, 11, 7, 5, 30, 0),
	    "2100 overlap: EDT");
	civil_is(z, utc(9999, 7, 1, 16, 0, 0), "9999-07-01 12:00:00", -14400,
	    -1, "9999 summer");
	/* 1900: EST, no daylight time yet */
	civil_is(z, utc(1900, 1, 1, 5, 0, 0), "1900-01-01 00:00:00", -18000,
	    1, "1900");
	instant_is(z, 1900, 7, 1, 0, 0, 0, utc(1900, 7, 1, 5, 0, 0),
	    "1900 summer: still EST");
	/* before 18 November 1883 12:03:58 local: LMT -4:56:02 */
	civil_is(z, utc(1850, 1, 1, 4, 56, 2), "1850-01-01 00:00:00", -17762,
	    -1, "1850, LMT");
	fb_zone_free(z);
}

static void
london_sydney(void)
{
	struct fb_zone *z = load("Europe/London");

	civil_is(z, utc(2026, 3, 29, 1, 0, 0) - 1000, "2026-03-29 00:59:59", 0,
	    0, "GMT ends");
	civil_is(z, utc(2026, 3, 29, 1, 0, 0), "2026-03-29 02:00:00", 3600, 0,
	    "BST begins");
	civil_is(z, utc(2026, 10, 25, 1, 0, 0) - 1000, "2026-10-25 01:59:59",
	    3600, 0, "BST ends");
	civil_is(z, utc(2026, 10, 25, 1, 0, 0), "2026-10-25 01:00:00", 0, 0,
	    "GMT again");
	civil_is(z, utc(1900, 1, 1, 0, 0, 0), "1900-01-01 00:00:00", 0, 1,
	    "1900");
	instant_is(z, 2026, 3, 29, 1, 30, 0, utc(2026, 3, 29, 1, 30, 0),
	    "in the gap: GMT");
	instant_is(z, 2026, 10, 25, 1, 30, 0, utc(2026, 10, 25, 0, 30, 0),
	    "in the overlap: BST");
	fb_zone_free(z);

	/* southern: daylight time across New Year, ending in April */
	z = load("Australia/Sydney");
	civil_is(z, utc(2026, 1, 1, 0, 0, 0), "2026-01-01 11:00:00", 39600, 4,
	    "January: AEDT");
	civil_is(z, utc(2026, 7, 1, 0, 0, 0), "2026-07-01 10:00:00", 36000, 3,
	    "July: AEST");
	civil_is(z, utc(2026, 4, 4, 16, 0, 0) - 1000, "2026-04-05 02:59:59",
	    39600, 0, "AEDT ends at 03:00");
	civil_is(z, utc(2026, 4, 4, 16, 0, 0), "2026-04-05 02:00:00", 36000, 0,
	    "back to 02:00 AEST");
	civil_is(z, utc(2026, 10, 3, 16, 0, 0) - 1000, "2026-10-04 01:59:59",
	    36000, 0, "AEST ends at 02:00");
	civil_is(z, utc(2026, 10, 3, 16, 0, 0), "2026-10-04 03:00:00", 39600,
	    0, "on to 03:00 AEDT");
	civil_is(z, utc(2100, 1, 1, 0, 0, 0), "2100-01-01 11:00:00", 39600, 5,
	    "2100 January: the footer's southern rule");
	civil_is(z, utc(2100, 7, 1, 0, 0, 0), "2100-07-01 10:00:00", 36000, 4,
	    "2100 July");
	instant_is(z, 2026, 10, 4, 2, 30, 0, utc(2026, 10, 3, 16, 30, 0),
	    "in the gap: AEST");
	instant_is(z, 2026, 4, 5, 2, 30, 0, utc(2026, 4, 4, 15, 30, 0),
	    "in the overlap: AEDT");
	civil_is(z, utc(1899, 12, 31, 14, 0, 0), "1900-01-01 00:00:00", 36000,
	    1, "1900");
	fb_zone_free(z);

	/* Lord Howe Island moves its clocks by half an hour */
	z = load("Australia/Lord_Howe");
	civil_is(z, utc(2026, 10, 3, 15, 30, 0) - 1000, "2026-10-04 01:59:59",
	    37800, 0, "+10:30 ends");
	civil_is(z, utc(2026, 10, 3, 15, 30, 0), "2026-10-04 02:30:00", 39600,
	    0, "+11 begins");
	instant_is(z, 2026, 10, 4, 2, 15, 0, utc(2026, 10, 3, 15, 45, 0),
	    "in the half-hour gap: +10:30");
	instant_is(z, 2026, 4, 5, 1, 45, 0, utc(2026, 4, 4, 14, 45, 0),
	    "in the half-hour overlap: +11");
	fb_zone_free(z);
}

/* POSIX strings, alone, against the zones whose footers they are. */
static void
posix_strings(void)
{
	static const struct {
		const char *posix, *zone;
	} pairs[] = {
		{ "EST5EDT,M3.2.0,M11.1.0", "America/New_York" },
		{ "AEST-10AEDT,M10.1.0,M4.1.0/3", "Australia/Sydney" },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "America/Nuuk" },
		{ "<-04>4<-03>,M9.1.6/24,M4.1.6/24", "America/Santiago" },
		{ "GMT0BST,M3.5.0/1,M10.5.0", "Europe/London" },
		{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		  "Australia/Lord_Howe" },
	};
	static const char *const bad[] = {
		"EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
		"EST5EDT,J0,J100", "EST5EDT,366,1",
		"EST5EDT,M3.2.0/168,M11.1.0",
		"EST25", "E5", "<E5", "EST5EDT,M3.2.0,M11.1.0x",
	};
	size_t i, k;
	long mismatches;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct fb_zone *p = load(pairs[i].posix);
		struct fb_zone *z = load(pairs[i].zone);
		fb_time_t t;

		mismatches = 0;
		/*
		 * every 7 hours from 2038 (past every file's last transition),
		 * across 2200, where the rule's transitions listed at load
		 * end and the rule is worked out for each call
		 */
		for (t = utc(2038, 1, 1, 0, 0, 0); t < utc(2210, 1, 1, 0, 0, 0);
		    t += 7 * 3600000LL)
			if (fb_zone_offset(p, t) != fb_zone_offset(z, t) &&
			    mismatches++ == 0)
				diag("at %lld: %d, the zone %d", (long long)t,
				    fb_zone_offset(p, t), fb_zone_offset(z, t));
		is_int(mismatches, 0, "'%s' gives %s's offsets 2038-2210",
		    pairs[i].posix, pairs[i].zone);
		fb_zone_free(p);
		fb_zone_free(z);
	}
	/* "EST5EDT" without dates takes the US rules */
	{
		struct fb_zone *p = load("XST5XDT");

		ok(fb_zone_offset(p, utc(2100, 3, 14, 7, 0, 0)) == -14400 &&
		    fb_zone_offset(p, utc(2100, 3, 14, 7, 0, 0) - 1) == -18000,
		    "'XST5XDT' has the US rules");
		fb_zone_free(p);
	}
	/*
	 * Julian days: J60 is 1 March, leap year or not; zero-based 59
	 * counts 29 February, so it is 29 February in a leap year.
	 */
	{
		struct fb_zone *p = load("AAA0BBB,J60/0,J305/0");
		struct fb_zone *q = load("AAA0BBB,59/0,304/0");

		ok(fb_zone_offset(p, utc(2028, 2, 29, 23, 0, 0)) == 0 &&
		    fb_zone_offset(p, utc(2028, 3, 1, 0, 0, 0)) == 3600,
		    "J60 in 2028 is 1 March");
		ok(fb_zone_offset(q, utc(2028, 2, 28, 23, 59, 59)) == 0 &&
		    fb_zone_offset(q, utc(2028, 2, 29, 0, 0, 0)) == 3600,
		    "day 59 in 2028 is 29 February");
		ok(fb_zone_offset(q, utc(2027, 2, 28, 23, 59, 59)) == 0 &&
		    fb_zone_offset(q, utc(2027, 3, 1, 0, 0, 0)) == 3600,
		    "day 59 in 2027 is 1 March too");
		ok(fb_zone_offset(p, utc(2027, 11, 1, 0, 0, 0) - 3600001) ==
		    3600 && fb_zone_offset(p, utc(2027, 11, 1, 0, 0, 0) -
		    3600000) == 0, "J305 is 1 November, read in daylight time");
		fb_zone_free(p);
		fb_zone_free(q);
	}
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct fb_zone *z = fb_zone_load(bad[k], NULL);

		ok(z == NULL, "'%s' is not a zone", bad[k]);
		fb_zone_free(z);
	}
}

/*---- hand-made TZif files ----*/

static void
put32(unsigned char *p, int64_t v)
{
	p[0] = (unsigned char)((uint64_t)v >> 24);
	p[1] = (unsigned char)((uint64_t)v >> 16);
	p[2] = (unsigned char)((uint64_t)v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * A TZif header and data block: 'ntrans' transitions of 'tsize' bytes,
 * 2 types (+1h "AAA", +2h "BBB").  Returns the bytes written.
 */
static size_t
tzif_block(unsigned char *p, int version, size_t tsize, const int64_t *trans,
    size_t ntrans, const unsigned char *idx)
{
	size_t at = 44, i;

	memset(p, 0, 44);
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)version;
	put32(p + 32, (int64_t)ntrans);	/* timecnt */
	put32(p + 36, 2);		/* typecnt */
	put32(p + 40, 8);		/* charcnt */
	for (i = 0; i < ntrans; i++, at += tsize) {
		if (tsize == 8) {
			put32(p + at, trans[i] >> 32);
			put32(p + at + 4, trans[i] & 0xffffffff);
		} else
			put32(p + at, trans[i]);
	}
	for (i = 0; i < ntrans; i++)
		p[at++] = idx[i];
	put32(p + at, 3600);
	p[at + 4] = 0;
	p[at + 5] = 0;
	put32(p + at + 6, 7200);
	p[at + 10] = 1;
	p[at + 11] = 4;
	at += 12;
	memcpy(p + at, "AAA\0BBB\0", 8);
	return at + 8;
}

static void
tzif_files(void)
{
	unsigned char buf[1024];
	int64_t trans[] = { 1000000000, 2000000000 };
	int64_t trans64[] = { -5000000000LL, 5000000000LL };
	unsigned char idx[] = { 1, 0 };
	struct fb_error err;
	struct fb_zone *z;
	size_t n;

	tmp_init("zone");
	setenv("TZDIR", tmp_dir, 1);

	/* version 1: 32-bit times only, no footer */
	n = tzif_block(buf, 0, 4, trans, 2, idx);
	write_plain(tpath("V1"), (char *)buf, n);
	z = load("V1");
	ok(fb_zone_offset(z, 999999999999LL) == 3600 &&
	    fb_zone_offset(z, 1000000000000LL) == 7200 &&
	    fb_zone_offset(z, 1999999999999LL) == 7200 &&
	    fb_zone_offset(z, 2000000000000LL) == 3600 &&
	    fb_zone_offset(z, 9000000000000LL) == 3600 &&
	    fb_zone_offset(z, -9000000000000LL) == 3600,
	    "a version 1 file: type 0 before, the last type after");
	fb_zone_free(z);

	/*
	 * version 2: a v1 block (ignored: it says +2h from 1970), then the
	 * 64-bit data and the footer
	 */
	{
		unsigned char idx0[] = { 1 };
		int64_t t0[] = { 0 };

		n = tzif_block(buf, '2', 4, t0, 1, idx0);
		n += tzif_block(buf + n, '2', 8, trans64, 2, idx);
		memcpy(buf + n, "\nAAA-1BBB,M3.5.0,M10.5.0/3\n", 27);
		n += 27;
	}
	write_plain(tpath("V2"), (char *)buf, n);
	z = load("V2");
	ok(fb_zone_offset(z, -5000000001000LL) == 3600 &&
	    fb_zone_offset(z, -5000000000000LL) == 7200 &&
	    fb_zone_offset(z, 0) == 7200,
	    "version 2: the 64-bit transitions, before 1901 too");
	/* after 5e9 s (2128) the footer: CET-like rule */
	ok(fb_zone_offset(z, utc(2200, 1, 15, 0, 0, 0)) == 3600 &&
	    fb_zone_offset(z, utc(2200, 7, 15, 0, 0, 0)) == 7200,
	    "version 2: the footer after the last transition");
	fb_zone_free(z);

	/* version 2 with an empty footer: the last type goes on */
	n = tzif_block(buf, '2', 4, trans, 2, idx);
	n += tzif_block(buf + n, '2', 8, trans, 2, idx);
	memcpy(buf + n, "\n\n", 2);
	write_plain(tpath("V2EMPTY"), (char *)buf, n + 2);
	z = load("V2EMPTY");
	ok(fb_zone_offset(z, utc(2200, 7, 15, 0, 0, 0)) == 3600,
	    "an empty footer: the last type from then on");
	fb_zone_free(z);

	/* broken files */
	write_plain(tpath("BAD1"), "TZif2", 5);
	z = fb_zone_load("BAD1", &err);
	ok(z == NULL && strstr(err.msg, "invalid time zone file") != NULL &&
	    strstr(err.msg, "BAD1") != NULL, "a truncated file: %s", err.msg);
	n = tzif_block(buf, '2', 4, trans, 2, idx);
	n += tzif_block(buf + n, '2', 8, trans, 2, idx);
	memcpy(buf + n, "\nnonsense\n", 10);
	write_plain(tpath("BAD2"), (char *)buf, n + 10);
	z = fb_zone_load("BAD2", &err);
	ok(z == NULL && strstr(err.msg, "TZ rule") != NULL,
	    "a footer that is no rule: %s", err.msg);
	{
		unsigned char bidx[] = { 1, 2 };

		n = tzif_block(buf, 0, 4, trans, 2, bidx);
		write_plain(tpath("BAD3"), (char *)buf, n);
		ok(fb_zone_load("BAD3", NULL) == NULL,
		    "a transition to type 2 of 2");
	}
	{
		int64_t back[] = { 2000000000, 1000000000 };

		n = tzif_block(buf, 0, 4, back, 2, idx);
		write_plain(tpath("BAD4"), (char *)buf, n);
		ok(fb_zone_load("BAD4", NULL) == NULL,
		    "transitions out of order");
	}
	n = tzif_block(buf, 0, 4, trans, 2, idx);
	put32(buf + 44 + 8 + 2, 200000);	/* type 0 offset: +55h */
	write_plain(tpath("BAD5"), (char *)buf, n);
	ok(fb_zone_load("BAD5", NULL) == NULL, "an offset of 55 hours");
	write_plain(tpath("EMPTY"), "", 0);
	ok(fb_zone_load("EMPTY", NULL) == NULL, "an empty file");

	unsetenv("TZDIR");
	tmp_cleanup();
	z = load("Asia/Shanghai");
	ok(z != NULL, "TZDIR unset: /usr/share/zoneinfo again");
	fb_zone_free(z);
}

/*---- against the C library ----*/

static void
against_libc(const char *name, fb_time_t from, fb_time_t to, int n)
{
	struct fb_zone *z = load(name);
	long bad = 0, badinst = 0;
	int i;

	setenv("TZ", name, 1);
	tzset();
	for (i = 0; i < n; i++) {
		fb_time_t t = from + (fb_time_t)(rnd() % (uint64_t)(to - from));
		time_t secs = (time_t)(t / 1000 - (t % 1000 < 0));
		struct fb_civil c, c2;
		struct tm tm;
		fb_time_t back;

		/* every tenth near a transition of this year, to the second */
		if (i % 10 == 0) {
			int off = fb_zone_offset(z, t), k;

			for (k = 0; k < 400 && fb_zone_offset(z, t) == off; k++)
				t += 86400000LL;
			if (k < 400) {
				fb_time_t lo = t - 86400000LL;

				while (t - lo > 1000) {
					fb_time_t mid = lo + (t - lo) / 2;

					if (fb_zone_offset(z, mid) == off)
						lo = mid;
					else
						t = mid;
				}
				t += (fb_time_t)(rnd() % 5000) - 2500;
			}
			secs = (time_t)(t / 1000 - (t % 1000 < 0));
		}
		localtime_r(&secs, &tm);
		fb_zone_civil(z, t, &c);
		if (c.year != tm.tm_year + 1900 || c.mon != tm.tm_mon + 1 ||
		    c.day != tm.tm_mday || c.hour != tm.tm_hour ||
		    c.min != tm.tm_min || c.sec != tm.tm_sec ||
		    c.wday != tm.tm_wday || c.yday != tm.tm_yday ||
		    c.offset != tm.tm_gmtoff) {
			if (bad++ < 3)
				diag("%s at %lld: %04d-%02d-%02d "
				    "%02d:%02d:%02d %+d, libc "
				    "%04d-%02d-%02d %02d:%02d:%02d %+ld",
				    name, (long long)t, c.year, c.mon,
				    c.day, c.hour, c.min, c.sec, c.offset,
				    tm.tm_year + 1900, tm.tm_mon + 1,
				    tm.tm_mday, tm.tm_hour, tm.tm_min,
				    tm.tm_sec, tm.tm_gmtoff);
		}
		/*
		 * Back again: the same local time, at 't' or, in an overlap,
		 * the earlier instant.
		 */
		fb_zone_instant(z, c.year, c.mon, c.day, c.hour, c.min, c.sec,
		    &back);
		fb_zone_civil(z, back, &c2);
		if (back > t - (t % 1000 + 1000) % 1000 ||
		    t - back > 3 * 3600000LL || c2.year != c.year ||
		    c2.mon != c.mon || c2.day != c.day || c2.hour != c.hour ||
		    c2.min != c.min || c2.sec != c.sec ||
		    (back != t - (t % 1000 + 1000) % 1000 &&
		    c2.offset <= c.offset))
			if (badinst++ < 3)
				diag("%s at %lld: back at %lld", name,
				    (long long)t, (long long)back);
	}
	is_int(bad, 0, "%s: %d instants agree with localtime_r", name, n);
	is_int(badinst, 0, "%s: fb_zone_instant() of their local times gives "
	    "them back (the earlier of an overlap)", name);
	fb_zone_free(z);
}

int
main(void)
{
	rng_seed(0x2545f4914f6cdd1dULL);
	fb_time_t y1970 = 0, y2100 = utc(2100, 1, 1, 0, 0, 0);
	fb_time_t y1900 = utc(1900, 1, 1, 0, 0, 0);

	names();
	utc_zones();
	shanghai();
	new_york();
	london_sydney();
	posix_strings();
	tzif_files();

	against_libc("America/New_York", y1970, y2100, 4000);
	against_libc("Europe/London", y1970, y2100, 4000);
	against_libc("Australia/Sydney", y1970, y2100, 4000);
	against_libc("Asia/Shanghai", y1970, y2100, 4000);
	against_libc("Australia/Lord_Howe", y1970, y2100, 3000);
	against_libc("America/Nuuk", y1970, y2100, 3000);
	against_libc("America/Santiago", y1970, y2100, 3000);
	against_libc("Africa/Casablanca", y1970, y2100, 3000);
	against_libc("Asia/Kolkata", y1970, y2100, 1000);
	against_libc("America/New_York", y1900, y1970, 2000);
	against_libc("Europe/London", y1900, y1970, 2000);
	unsetenv("TZ");
	tzset();
	return done_testing();
}
