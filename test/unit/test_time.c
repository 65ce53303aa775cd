/*
 * test_time: RFC 3339 and user time parsing (zones, DST, epoch, relative),
 * durations, sizes and formatting.  Expected instants were computed
 * independently with Python's datetime and zoneinfo.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

#define T_NOV22 1795313700000LL		/* 2026-11-22T02:15:00Z */

/* fb_time_parse_rfc3339 on an exact-size heap copy (no NUL, so ASan sees over-reads). */
static int
rfc3339(const char *s, size_t len, fb_time_t *t)
{
	char *p = malloc(len ? len : 1);
	int rc;

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	rc = fb_time_parse_rfc3339(p, len, t);
	free(p);
	return rc;
}

static const struct {
	const char *s;
	fb_time_t want;
} rfc_good[] = {
	{ "2026-11-22T02:15:00Z", T_NOV22 },
	{ "2026-11-22t02:15:00z", T_NOV22 },
	{ "2026-11-22T10:15:00+08:00", T_NOV22 },
	{ "2026-11-21T20:45:00-05:30", T_NOV22 },
	{ "2026-11-22T02:15:00+00:00", T_NOV22 },
	{ "2026-11-22T02:15:00-00:00", T_NOV22 },
	{ "2026-11-22T02:15:00.5Z", T_NOV22 + 500 },
	{ "2026-11-22T02:15:00.123Z", T_NOV22 + 123 },
	{ "2026-11-22T02:15:00.007Z", T_NOV22 + 7 },
	{ "2026-11-22T02:15:00.123456789Z", T_NOV22 + 123 },
	{ "2026-11-22T10:15:00.250+08:00", T_NOV22 + 250 },
	{ "2016-12-31T23:59:60Z", 1483228799000LL },
	{ "2024-02-29T00:00:00Z", 1709164800000LL },
	{ "2000-02-29T12:00:00Z", 951825600000LL },
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1969-07-20T20:17:40Z", -14182940000LL },
	{ "1900-01-01T00:00:00Z", -2208988800000LL },
	{ "2100-03-01T00:00:00Z", 4107542400000LL },
	{ "9999-12-31T23:59:59Z", 253402300799000LL },
	{ "0001-01-01T00:00:00Z", -62135596800000LL },
};

static const char *const rfc_bad[] = {
	"2026-02-29T00:00:00Z",		/* 2026 is not a leap year */
	"1900-02-29T00:00:00Z",		/* nor is 1900 */
	"2026-13-01T00:00:00Z",
	"2026-00-10T00:00:00Z",
	"2026-04-31T00:00:00Z",
	"2026-11-00T00:00:00Z",
	"2026-11-22T24:00:00Z",
	"2026-11-22T02:60:00Z",
	"2026-11-22T02:15:61Z",
	"2026-11-22T02:15Z",		/* seconds are required */
	"2026-11-22T02:15:00",		/* so is the offset */
	"2026-11-22",
	"2026-11-22T02:15:00+0800",
	"2026-11-22T02:15:00+08",
	"2026-11-22T02:15:00+24:00",
	"2026-11-22T02:15:00Zjunk",
	"2026-11-22T02:15:00.Z",
	"2026-11-22X02:15:00Z",
	"26-11-22T02:15:00Z",
	"2026-1-22T02:15:00Z",
	"2026/11/22T02:15:00Z",
	"2026-11-22T2:15:00Z",
	"",
	"Z",
};

static void
test_rfc3339(void)
{
	size_t k;
	fb_time_t t;

	for (k = 0; k < sizeof(rfc_good) / sizeof(rfc_good[0]); k++) {
		t = 42;
		if (ok(rfc3339(rfc_good[k].s, strlen(rfc_good[k].s), &t) == 0,
		    "rfc3339 accepts %s", rfc_good[k].s))
			is_int(t, rfc_good[k].want, "rfc3339 %s", rfc_good[k].s);
	}
	for (k = 0; k < sizeof(rfc_bad) / sizeof(rfc_bad[0]); k++)
		is_int(rfc3339(rfc_bad[k], strlen(rfc_bad[k]), &t), -1,
		    "rfc3339 rejects '%s'", rfc_bad[k]);
	t = 0;
	ok(rfc3339("2026-11-22T02:15:00Zxxx", 20, &t) == 0 && t == T_NOV22,
	    "rfc3339 reads only 'len' bytes");
	is_int(rfc3339("2026-11-22T02:15:00Z", 19, &t), -1,
	    "rfc3339 with the 'Z' cut off by 'len' fails");
}

/*---- fb_time_parse ----*/

static void
parse_is(const char *s, fb_time_t want)
{
	struct fb_error err = { "", 0, 0 };
	fb_time_t t = 42;

	if (ok(fb_time_parse(s, &t, &err) == 0, "parse '%s' in %s", s, fb_tz_get()))
		is_int(t, want, "parse '%s' in %s: instant", s, fb_tz_get());
	else
		diag("error: %s", err.msg);
}

static void
parse_bad(const char *s)
{
	struct fb_error err = { "", 0, 0 };
	fb_time_t t;
	char want[300];

	snprintf(want, sizeof(want), "invalid time '%s'", s);
	if (ok(fb_time_parse(s, &t, &err) == -1, "parse rejects '%s'", s))
		is_str(err.msg, want, "parse '%s': message", s);
}

static void
test_parse_zones(void)
{
	struct fb_error err = { "", 0, 0 };
	fb_time_t t;

	is_int(fb_tz_set("Asia/Shanghai", &err), 0, "tz Asia/Shanghai");
	is_str(fb_tz_get(), "Asia/Shanghai", "tz_get after setting Asia/Shanghai");
	parse_is("2026-11-22", 1795276800000LL);
	parse_is("2026-11-22 10:15", T_NOV22);
	parse_is("2026-11-22T10:15", T_NOV22);
	parse_is("2026-11-22T10:15:30", T_NOV22 + 30000);
	parse_is("2026-11-22 10:15:30.250", T_NOV22 + 30250);
	parse_is("2026-11-22T02:15:00Z", T_NOV22);
	parse_is("2026-11-22T10:15:00+08:00", T_NOV22);

	is_int(fb_tz_set("America/New_York", &err), 0, "tz America/New_York");
	parse_is("2026-03-08", 1772946000000LL);		/* EST */
	parse_is("2026-03-08 01:59", 1772953140000LL);		/* EST */
	parse_is("2026-03-08 03:00", 1772953200000LL);		/* EDT */
	parse_is("2026-03-09", 1773028800000LL);
	parse_is("2026-11-01", 1793505600000LL);		/* EDT */
	parse_is("2026-11-01 03:00", 1793520000000LL);		/* EST */
	parse_is("2026-11-02", 1793595600000LL);
	/* 01:30 happens twice on 2026-11-01; either reading is right. */
	ok(fb_time_parse("2026-11-01 01:30", &t, &err) == 0 &&
	    (t == 1793511000000LL || t == 1793514600000LL),
	    "parse the repeated hour 2026-11-01 01:30 (EDT or EST)");
	parse_is("2026-11-22T02:15:00Z", T_NOV22);

	is_int(fb_tz_set("UTC", &err), 0, "tz UTC");
	is_str(fb_tz_get(), "UTC", "tz_get after setting UTC");
	parse_is("2026-11-22 02:15", T_NOV22);

	err.msg[0] = '\0';
	is_int(fb_tz_set("Nowhere/Invalid", &err), -1, "tz Nowhere/Invalid fails");
	is_str(err.msg, "unknown time zone 'Nowhere/Invalid'", "tz Nowhere/Invalid: message");
	is_str(fb_tz_get(), "UTC", "a failed tz_set keeps the zone");
	is_int(fb_tz_set("../../../../etc/passwd", &err), -1, "tz with '..' fails");
	is_int(fb_tz_set("Asia/Shanghai", &err), 0, "tz Asia/Shanghai again");
}

static void
test_parse_epoch_relative(void)
{
	const fb_time_t now = T_NOV22 + 123;

	parse_is("1795313700", T_NOV22);
	parse_is("@1795313700", T_NOV22);
	parse_is("@1795313700.5", T_NOV22 + 500);
	parse_is("1795313700.25", T_NOV22 + 250);
	parse_is("0", 0);
	parse_is("@0", 0);

	fb_time_set_now(now);
	is_int(fb_time_now(), now, "time_now returns the fixed time");
	parse_is("now", now);
	parse_is("-7d", now - 7 * 86400000LL);
	parse_is("-36h", now - 36 * 3600000LL);
	parse_is("+30m", now + 30 * 60000LL);
	parse_is("-2w", now - 14 * 86400000LL);
	parse_is("-90s", now - 90000);
	parse_is("+0s", now);

	parse_bad("yesterday");
	parse_bad("-7x");
	parse_bad("-7");
	parse_bad("7d");
	parse_bad("--7d");
	parse_bad("-d");
	parse_bad("-7d ");
	parse_bad("-");
	parse_bad("NOW");
	parse_bad("now ");
	parse_bad("2026-11-22 25:00");
	parse_bad("2026-11-22 10:60");
	parse_bad("2026-11-22 10:15:");
	parse_bad("2026-11-22 10:5");
	parse_bad("2026-11-22T");
	parse_bad("2026-11-31");
	parse_bad("2026-02-29");
	parse_bad("@");
	parse_bad("@-5");
	parse_bad("@abc");
	parse_bad("1.2.3");
	parse_bad("");
}

/*---- Durations and sizes ----*/

static void
test_duration(void)
{
	static const struct {
		const char *s;
		int64_t ms;
	} good_d[] = {
		{ "180d", 180 * 86400000LL }, { "36h", 36 * 3600000LL },
		{ "30m", 30 * 60000LL }, { "90s", 90000 }, { "2w", 14 * 86400000LL },
		{ "0s", 0 }, { "1d", 86400000LL },
		/* several amounts, in falling units */
		{ "1h30m", 90 * 60000LL }, { "2d12h", 60 * 3600000LL },
		{ "1w1d1h1m1s", (8 * 86400LL + 3661) * 1000 },
	};
	static const char *const bad_d[] = {
		"", "5", "d", "-5d", "+5d", "5x", "5dd", "1.5h", " 5d", "5d ",
		"99999999999999999999d", "9223372036854775807w",
		"30m1h", "1h1h", "1h30", "1h 30m", "1536000000000w1d",
	};
	static const struct {
		int64_t ms;
		const char *s;
	} fmt[] = {
		{ 15 * 60000LL, "15m" }, { 86400000LL, "1d" },
		{ 90 * 60000LL, "1h30m" }, { 14 * 86400000LL, "14d" },
		{ 86400000LL + 1000, "1d1s" }, { 250, "250ms" }, { 0, "0ms" },
	};
	char buf[40];
	struct fb_error err = { "", 0, 0 };
	size_t k;
	int64_t ms;

	for (k = 0; k < sizeof(good_d) / sizeof(good_d[0]); k++) {
		ms = -1;
		ok(fb_duration_parse(good_d[k].s, &ms, &err) == 0 && ms == good_d[k].ms,
		    "duration %s is %lld ms (got %lld)", good_d[k].s,
		    (long long)good_d[k].ms, (long long)ms);
	}
	for (k = 0; k < sizeof(bad_d) / sizeof(bad_d[0]); k++)
		is_int(fb_duration_parse(bad_d[k], &ms, &err), -1,
		    "duration rejects '%s'", bad_d[k]);
	fb_duration_parse("5x", &ms, &err);
	ok(strncmp(err.msg, "invalid duration '5x'", 21) == 0,
	    "duration error names the input (%s)", err.msg);
	for (k = 0; k < sizeof(fmt) / sizeof(fmt[0]); k++) {
		fb_duration_format(fmt[k].ms, buf, sizeof(buf));
		ok(strcmp(buf, fmt[k].s) == 0, "%lld ms is written %s (got %s)",
		    (long long)fmt[k].ms, fmt[k].s, buf);
	}
	fb_duration_format(90 * 60000LL, buf, 4);
	ok(strcmp(buf, "1h") == 0, "a short buffer keeps whole amounts "
	    "(got %s)", buf);
}

static void
test_size(void)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} good_s[] = {
		{ "4096", 4096 }, { "0", 0 }, { "512k", 524288 }, { "512K", 524288 },
		{ "16M", 16777216 }, { "16m", 16777216 }, { "1G", 1073741824ULL },
		{ "3g", 3221225472ULL }, { "18446744073709551615", UINT64_MAX },
	};
	static const char *const bad_s[] = {
		"", "k", "M16", "-1", "1.5M", "16X", "16 M", " 16", "16 ",
		"18446744073709551616", "17179869184G",
	};
	struct fb_error err = { "", 0, 0 };
	size_t k;
	uint64_t b;

	for (k = 0; k < sizeof(good_s) / sizeof(good_s[0]); k++) {
		b = 1;
		ok(fb_size_parse(good_s[k].s, &b, &err) == 0 && b == good_s[k].bytes,
		    "size %s is %llu bytes (got %llu)", good_s[k].s,
		    (unsigned long long)good_s[k].bytes, (unsigned long long)b);
	}
	for (k = 0; k < sizeof(bad_s) / sizeof(bad_s[0]); k++)
		is_int(fb_size_parse(bad_s[k], &b, &err), -1, "size rejects '%s'",
		    bad_s[k]);
	fb_size_parse("16X", &b, &err);
	ok(strncmp(err.msg, "invalid size '16X'", 18) == 0,
	    "size error names the input (%s)", err.msg);
}

/*---- Formatting ----*/

static void
test_format(void)
{
	static const struct {
		fb_time_t t;
		const char *s;
	} fmt[] = {
		{ T_NOV22, "2026-11-22T02:15:00Z" },
		{ T_NOV22 + 123, "2026-11-22T02:15:00.123Z" },
		{ T_NOV22 + 1, "2026-11-22T02:15:00.001Z" },
		{ T_NOV22 + 30250, "2026-11-22T02:15:30.250Z" },
		{ 0, "1970-01-01T00:00:00Z" },
		{ -1, "1969-12-31T23:59:59.999Z" },
		{ -1000, "1969-12-31T23:59:59Z" },
		{ -14182940000LL, "1969-07-20T20:17:40Z" },
		{ -2208988800000LL, "1900-01-01T00:00:00Z" },
		{ -11670998400000LL, "1600-02-29T00:00:00Z" },
		{ -62135596800000LL, "0001-01-01T00:00:00Z" },
		{ 4102444800000LL, "2100-01-01T00:00:00Z" },
		{ 4107542400000LL - 1, "2100-02-28T23:59:59.999Z" },
		{ 7258118400000LL, "2200-01-01T00:00:00Z" },
		{ 253402300799999LL, "9999-12-31T23:59:59.999Z" },
	};
	char buf[FB_TIME_BUFSZ];
	size_t k, n;

	for (k = 0; k < sizeof(fmt) / sizeof(fmt[0]); k++) {
		memset(buf, 'X', sizeof(buf));
		n = fb_time_format(fmt[k].t, buf);
		is_str(buf, fmt[k].s, "format %lld", (long long)fmt[k].t);
		is_uint(n, strlen(fmt[k].s), "format %lld: length", (long long)fmt[k].t);
	}
	n = fb_time_format_compact(T_NOV22 + 123, buf);
	is_str(buf, "20261122T021500Z", "compact format drops milliseconds");
	is_uint(n, 16, "compact format length");
	fb_time_format_compact(-2208988800000LL, buf);
	is_str(buf, "19000101T000000Z", "compact format before 1970");
	fb_time_format_compact(7258118400000LL - 1, buf);
	is_str(buf, "21991231T235959Z", "compact format after 2100");

	is_int(fb_time_from_civil(2026, 11, 22, 2, 15, 0, 0), T_NOV22, "from_civil 2026-11-22T02:15Z");
	is_int(fb_time_from_civil(1900, 1, 1, 0, 0, 0, 0), -2208988800000LL, "from_civil 1900-01-01");
	is_int(fb_time_from_civil(2016, 12, 31, 23, 59, 59, 999), 1483228799999LL,
	    "from_civil with milliseconds");
}

static void
test_round_trip(void)
{
	const fb_time_t lo = -62135596800000LL, hi = 253402300799999LL;
	const fb_time_t step = 63113904013LL;
	char buf[FB_TIME_BUFSZ];
	struct fb_error err;
	fb_time_t t, back;
	int fails = 0, fails2 = 0, n = 0;

	for (t = lo; t <= hi; t += step, n++) {
		size_t len = fb_time_format(t, buf);

		if ((rfc3339(buf, len, &back) < 0 || back != t) && fails++ < 5)
			diag("rfc3339 round trip of %lld via %s gave %lld",
			    (long long)t, buf, (long long)back);
		if ((fb_time_parse(buf, &back, &err) < 0 || back != t) &&
		    fails2++ < 5)
			diag("parse round trip of %lld via %s gave %lld",
			    (long long)t, buf, (long long)back);
	}
	ok(fails == 0 && n > 4000, "format then rfc3339 gives the same time (%d times, years 1-9999)", n);
	ok(fails2 == 0, "format then fb_time_parse gives the same time (%d times)", n);

	fails = 0;
	for (t = -86400000LL * 3; t <= 86400000LL * 3; t += 86400000LL / 7 + 1) {
		size_t len = fb_time_format(t, buf);

		if ((rfc3339(buf, len, &back) < 0 || back != t) && fails++ < 5)
			diag("round trip near the epoch of %lld via %s gave %lld",
			    (long long)t, buf, (long long)back);
	}
	ok(fails == 0, "round trips around 1970-01-01");
}

int
main(void)
{
	test_rfc3339();
	test_parse_zones();
	test_parse_epoch_relative();
	test_duration();
	test_size();
	test_format();
	test_round_trip();
	return done_testing();
}
