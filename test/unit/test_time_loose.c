/*
 * test_time_loose: fb_time_parse_loose() on the date forms of feedback
 * exports, in Asia/Shanghai and UTC.  Expected instants were computed
 * independently with Python's datetime and zoneinfo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

#define T_NOV22 1795313700000LL		/* 2026-11-22T02:15Z, Shanghai 10:15 */
#define H (3600 * 1000LL)
#define MIDNIGHT_SH 1795276800000LL	/* 2026-11-22T00:00 in Shanghai */
#define MIDNIGHT_UTC 1795305600000LL	/* 2026-11-22T00:00Z */

static void
loose_is(const char *s, fb_time_t want)
{
	struct fb_error err = { "", 0, 0 };
	fb_time_t t = 42;

	if (ok(fb_time_parse_loose(s, &t, &err) == 0, "loose '%s' in %s", s,
	    fb_tz_get()))
		is_int(t, want, "loose '%s' in %s: instant", s, fb_tz_get());
	else
		diag("error: %s", err.msg);
}

static void
loose_bad(const char *s)
{
	struct fb_error err = { "", 0, 0 };
	fb_time_t t = 42;
	char want[300];

	snprintf(want, sizeof(want), "cannot read time '%s'", s);
	if (ok(fb_time_parse_loose(s, &t, &err) == -1, "loose rejects '%s'",
	    s)) {
		is_str(err.msg, want, "loose '%s': message", s);
		is_int(t, 42, "loose '%s': time untouched", s);
	}
}

/* The forms fb_time_parse() reads too, minus the relative ones. */
static void
test_strict_forms(void)
{
	struct fb_error err = { "", 0, 0 };

	is_int(fb_tz_set("Asia/Shanghai", &err), 0, "tz Asia/Shanghai");
	loose_is("2026-11-22T02:15:00Z", T_NOV22);
	loose_is("2026-11-22T10:15:00+08:00", T_NOV22);
	loose_is("2026-11-22T10:15:00.250+08:00", T_NOV22 + 250);
	loose_is("2026-11-22 10:15", T_NOV22);
	loose_is("2026-11-22T10:15:30", T_NOV22 + 30000);
	loose_is("2026-11-22", MIDNIGHT_SH);
	loose_is("2026-1-5 9:05", 1767575100000LL);
	loose_is("2026-11-22 10:15 +0800", T_NOV22);
	loose_is("2026-11-22 02:15:00 UTC", T_NOV22);
	loose_is("  2026-11-22 10:15\n", T_NOV22);
	loose_is("\t2026-11-22T02:15:00Z \r\n", T_NOV22);

	fb_time_set_now(T_NOV22);
	loose_bad("now");
	loose_bad("-7d");
	loose_bad("+30m");
	loose_bad("@1795313700");
	loose_bad("");
	loose_bad("   ");
	loose_bad("yesterday");
	loose_bad("2026-02-29");
	loose_bad("2026-11-31 10:00");
	loose_bad("2026-11-22 24:00");
	loose_bad("2026-11-22 10:60");
	loose_bad("2026-11-22 10:15 junk");
	loose_bad("2026-11-22T10:15:00+25:00");
}

static void
test_numeric_dates(void)
{
	loose_is("2026/11/22 10:15", T_NOV22);
	loose_is("2026/11/22 10:15:30", T_NOV22 + 30000);
	loose_is("2026/11/22 10:15:30.5", T_NOV22 + 30500);
	loose_is("2026/11/22T10:15", T_NOV22);
	loose_is("2026/11/22", MIDNIGHT_SH);
	loose_is("2026/1/5 9:05", 1767575100000LL);
	loose_is("2026/01/05 09:05", 1767575100000LL);
	loose_is("2026.11.22", MIDNIGHT_SH);
	loose_is("2026.11.22 10:15", T_NOV22);
	loose_is("2026.1.5 9:05:00", 1767575100000LL);
	loose_is("2026/11/22 10:15 PM", T_NOV22 + 12 * H);
	loose_is("2026/11/22 10:15am", T_NOV22);
	loose_is("2026/11/22 02:15:00 GMT", T_NOV22);
	loose_is("2026/11/22 10:15:00 +08:00", T_NOV22);
	loose_is("2024/2/29", 1709136000000LL);

	loose_bad("2026/02/29");
	loose_bad("2026/13/01");
	loose_bad("2026/0/10");
	loose_bad("2026/11/31");
	loose_bad("2026/11/00");
	loose_bad("2026/11-22");
	loose_bad("2026/11/22 10");
	loose_bad("2026/11/22 10:5");
	loose_bad("2026/11/22 25:00");
	loose_bad("2026/11/22 13:00 PM");
	loose_bad("2026/11/22 0:30 AM");
	loose_bad("2026/11/2210:15");
	loose_bad("2026/11/22 10:15 +0800x");
	loose_bad("2026/111/22");
	loose_bad("26/11/22");
	loose_bad("22/11/2026");
	loose_bad("2026.11.22.10");
	loose_bad("2026.11");
	loose_bad("2026/");
}

static void
test_chinese_dates(void)
{
	loose_is("2026年11月22日 10:15", T_NOV22);
	loose_is("2026年11月22日10:15", T_NOV22);
	loose_is("2026年11月22日", MIDNIGHT_SH);
	loose_is("2026年1月5日 9:05", 1767575100000LL);
	loose_is("2026 年 11 月 22 日", MIDNIGHT_SH);
	loose_is("2026年11月22日 10时15分", T_NOV22);
	loose_is("2026年11月22日10时15分30秒", T_NOV22 + 30000);
	loose_is("2026年11月22日 10点15分", T_NOV22);
	loose_is("2026年11月22日 10点", MIDNIGHT_SH + 10 * H);
	loose_is("2026年11月22日 下午3点", MIDNIGHT_SH + 15 * H);
	loose_is("2026年11月22日 上午10:15", T_NOV22);
	loose_is("2026年11月22日 晚上10:15", T_NOV22 + 12 * H);
	loose_is("2026年11月22号 10:15", T_NOV22);
	loose_is("2026年11月22日 早上8点", MIDNIGHT_SH + 8 * H);
	loose_is("2026 年 11 月 22 日 10 时 15 分", T_NOV22);
	loose_is("2026年11月22日 10:15 +0800", T_NOV22);

	loose_bad("2026年2月29日");
	loose_bad("2026年13月1日");
	loose_bad("2026年11月31日");
	loose_bad("2026年11月22");
	loose_bad("2026年11月22日 25时");
	loose_bad("2026年11月22日 10时61分");
	loose_bad("2026年11月22日 下午");
	loose_bad("2026年11月22日 下午13点");
	loose_bad("2026年11月22日 10时15分30");
	loose_bad("11月22日");
}

static void
test_month_names(void)
{
	loose_is("Nov 22 2026", MIDNIGHT_SH);
	loose_is("Nov 22, 2026", MIDNIGHT_SH);
	loose_is("Nov 22,2026", MIDNIGHT_SH);
	loose_is("nov. 22 2026", MIDNIGHT_SH);
	loose_is("22 Nov 2026", MIDNIGHT_SH);
	loose_is("22 November, 2026", MIDNIGHT_SH);
	loose_is("22-Nov-2026", MIDNIGHT_SH);
	loose_is("November 22, 2026 10:15", T_NOV22);
	loose_is("NOVEMBER 22 2026 10:15:30", T_NOV22 + 30000);
	loose_is("November 22nd, 2026", MIDNIGHT_SH);
	loose_is("Sept 1, 2026", 1788192000000LL);
	loose_is("Sep 1 2026", 1788192000000LL);
	loose_is("Jan 5, 2026 9:05 AM", 1767575100000LL);
	loose_is("Jan 5, 2026 9:05 a.m.", 1767575100000LL);
	loose_is("Nov 22, 2026 10:15 PM", T_NOV22 + 12 * H);
	loose_is("Nov 22, 2026 10:15pm", T_NOV22 + 12 * H);
	loose_is("Nov 22, 2026 12:30 AM", MIDNIGHT_SH + 30 * 60000LL);
	loose_is("Nov 22, 2026 12:30 PM", MIDNIGHT_SH + 12 * H + 30 * 60000LL);
	loose_is("22 Nov 2026 10:15", T_NOV22);
	loose_is("Sunday, November 22, 2026 10:15", T_NOV22);
	loose_is("Sun Nov 22 10:15:00 2026", T_NOV22);
	loose_is("Sun Nov  1 10:15:00 2026", T_NOV22 - 21 * 24 * H);
	loose_is("Sun Nov 22 2026 10:15:00 GMT+0800 (China Standard Time)",
	    T_NOV22);
	loose_is("Feb 29 2024", 1709136000000LL);

	loose_bad("Feb 29 2026");
	loose_bad("Nov 31 2026");
	loose_bad("Nov 0 2026");
	loose_bad("Nov 2026");
	loose_bad("Novem 22 2026");
	loose_bad("Nov22 2026");
	loose_bad("22 Nov2026");
	loose_bad("Nov 22 26");
	loose_bad("Nov 22 2026 10");
	loose_bad("Nov 22 2026 13:00 PM");
	loose_bad("Nov 22 2026 10:15 PMX");
	loose_bad("22-Nov 2026");
	loose_bad("Sunday");
	loose_bad("Sun Nov 22 10:15:00");
}

static void
test_rfc5322(void)
{
	static const struct {
		const char *s;
		fb_time_t want;
	} good[] = {
		{ "Sun, 22 Nov 2026 10:15:00 +0800", T_NOV22 },
		{ "Sun, 22 Nov 2026 10:15 +0800", T_NOV22 },
		{ "22 Nov 2026 10:15:00 +0800", T_NOV22 },
		{ "Sun, 22 Nov 2026 10:15:00 +0800 (CST)", T_NOV22 },
		{ "Sun,  22 Nov 2026  10:15:00  +0800", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 GMT", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 UT", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 UTC", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 Z", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 +0000", T_NOV22 },
		{ "Sun, 22 Nov 2026 02:15:00 -0000", T_NOV22 },
		{ "Sat, 21 Nov 2026 21:15:00 -0500", T_NOV22 },
		{ "Sat, 21 Nov 2026 21:15:00 EST", T_NOV22 },
		{ "Sat, 21 Nov 2026 22:15:00 EDT", T_NOV22 },
		{ "Sat, 21 Nov 2026 20:15:00 CST", T_NOV22 },
		{ "Sat, 21 Nov 2026 21:15:00 CDT", T_NOV22 },
		{ "Sat, 21 Nov 2026 19:15:00 MST", T_NOV22 },
		{ "Sat, 21 Nov 2026 20:15:00 MDT", T_NOV22 },
		{ "Sat, 21 Nov 2026 18:15:00 PST", T_NOV22 },
		{ "Sat, 21 Nov 2026 19:15:00 pdt", T_NOV22 },
		{ "Sun, 22 Nov 2026 07:45:00 +0530", T_NOV22 },
		{ "Sun, 22 Nov 2026 10:15:00.250 +0800", T_NOV22 + 250 },
		{ "Thu, 31 Dec 2026 23:59:60 +0000", 1798761599000LL },
	};
	size_t k;

	for (k = 0; k < sizeof(good) / sizeof(good[0]); k++)
		loose_is(good[k].s, good[k].want);
	loose_bad("Sun, 22 Nov 2026 10:15:00 +2500");
	loose_bad("Sun, 22 Nov 2026 10:15:00 +0860");
	loose_bad("Sun, 22 Nov 2026 10:15:00 +080");
	loose_bad("Sun, 22 Nov 2026 10:15:00 +08000");
	loose_bad("Sun, 22 Nov 2026 10:15:00 XYZ");
	loose_bad("Sun, 22 Nov 2026 10:15:00 +0800 (CST");
	loose_bad("Sun, 22 Nov 2026 10:15:00 +0800 extra");
	loose_bad("Sun, 31 Nov 2026 10:15:00 +0800");
	loose_bad("Sun, 22 Nov 2026 10:15:61 +0800");
}

static void
test_numbers(void)
{
	loose_is("1795313700", T_NOV22);
	loose_is("1795313700.5", T_NOV22 + 500);
	loose_is("1795313700.123456", T_NOV22 + 123);
	loose_is("1795313700123", T_NOV22 + 123);
	loose_is("999999999", 999999999000LL);
	loose_is("999999999999", 999999999999LL);
	loose_is(" 1795313700 ", T_NOV22);
	/* Excel serials are local: 46348 is 2026-11-22, .427 is 10:14:52.8. */
	loose_is("46348", MIDNIGHT_SH);
	loose_is("46348.5", MIDNIGHT_SH + 12 * H);
	loose_is("46348.427", 1795313692800LL);
	loose_is("46348.42708333333", T_NOV22);
	loose_is("46348.99999999999", MIDNIGHT_SH + 24 * H);
	loose_is("20000", -481190400000LL);

	loose_bad("19999");
	loose_bad("80000.5");
	loose_bad("80001");
	loose_bad("12345");
	loose_bad("0");
	loose_bad("1234567");
	loose_bad("17953137001");	/* 11 digits: neither s nor ms */
	loose_bad("17953137001234");
	loose_bad("1795313700123.5");
	loose_bad("1795313700.");
	loose_bad(".5");
	loose_bad("1795313700.5.1");
	loose_bad("1795 313 700");
	loose_bad("-1795313700");
	loose_bad("99999999999999999999999");
}

/* The same wall-clock forms in UTC and across a DST change. */
static void
test_other_zones(void)
{
	struct fb_error err = { "", 0, 0 };

	is_int(fb_tz_set("UTC", &err), 0, "tz UTC");
	loose_is("2026/11/22 02:15", T_NOV22);
	loose_is("2026.11.22", MIDNIGHT_UTC);
	loose_is("2026年11月22日 02:15", T_NOV22);
	loose_is("Nov 22, 2026 2:15 AM", T_NOV22);
	loose_is("22 Nov 2026", MIDNIGHT_UTC);
	loose_is("Sun, 22 Nov 2026 10:15:00 +0800", T_NOV22);
	loose_is("1795313700", T_NOV22);
	loose_is("46348", MIDNIGHT_UTC);
	loose_is("46348.427", MIDNIGHT_UTC + 36892800LL);
	loose_is("2026-11-22 02:15", T_NOV22);
	loose_is("2026-01-05 01:05", 1767575100000LL);

	is_int(fb_tz_set("America/New_York", &err), 0, "tz America/New_York");
	loose_is("2026/3/8 1:59", 1772953140000LL);		/* EST */
	loose_is("2026/3/8 3:00", 1772953200000LL);		/* EDT */
	loose_is("Nov 21, 2026 9:15 PM", T_NOV22);
	loose_is("Sun, 22 Nov 2026 10:15:00 +0800", T_NOV22);

	is_int(fb_tz_set("Asia/Shanghai", &err), 0, "tz back to Asia/Shanghai");
}

static void
test_err_null(void)
{
	fb_time_t t = 42;
	char *heap;

	is_int(fb_time_parse_loose("nonsense", &t, NULL), -1,
	    "loose with a NULL error struct fails quietly");
	is_int(t, 42, "and leaves the time alone");
	heap = malloc(400);
	if (heap == NULL)
		abort();
	memset(heap, '1', 399);
	heap[399] = '\0';
	is_int(fb_time_parse_loose(heap, &t, NULL), -1,
	    "loose rejects 399 digits");
	memset(heap, ' ', 399);
	memcpy(heap + 150, "2026/11/22 10:15", 16);
	is_int(fb_time_parse_loose(heap, &t, NULL), 0,
	    "loose trims long runs of spaces");
	is_int(t, T_NOV22, "loose trims long runs of spaces: instant");
	free(heap);
}

int
main(void)
{
	test_strict_forms();
	test_numeric_dates();
	test_chinese_dates();
	test_month_names();
	test_rfc5322();
	test_numbers();
	test_other_zones();
	test_err_null();
	return done_testing();
}
