/*
 * fb_time.c: parsing and formatting times, durations and sizes.
 *
 * Stored times are UTC and computed with the civil-date arithmetic below
 * rather than timegm(), which is not standard C and breaks on 32-bit
 * time_t.  Only local times read in --tz go through mktime().
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fb.h"

static fb_time_t fixed_now;
static int have_fixed_now;
static char tz_name[128] = "UTC";

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

fb_time_t
fb_time_from_civil(long year, int mon, int day, int hour, int min, int sec,
    int ms)
{
	int64_t days = days_from_civil(year, mon, day);

	return ((days * 86400 + hour * 3600 + min * 60 + sec) * 1000) + ms;
}

static int
days_in_month(long y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int
digits(const char *s, size_t len, size_t at, int n, int *out)
{
	int v = 0, k;

	if (at + (size_t)n > len)
		return -1;
	for (k = 0; k < n; k++) {
		if (s[at + k] < '0' || s[at + k] > '9')
			return -1;
		v = v * 10 + (s[at + k] - '0');
	}
	*out = v;
	return 0;
}

struct civil {
	int year, mon, day, hour, min, sec, ms;
};

/*
 * Reads "YYYY-MM-DD", then optionally "[T ]HH:MM[:SS[.fff]]"; returns the
 * bytes read or -1.  'need_secs' asks for the RFC 3339 form.
 */
static long
parse_civil(const char *s, size_t len, struct civil *c, int need_time)
{
	size_t i = 10;

	memset(c, 0, sizeof(*c));
	if (digits(s, len, 0, 4, &c->year) < 0 || len < 10 || s[4] != '-' ||
	    digits(s, len, 5, 2, &c->mon) < 0 || s[7] != '-' ||
	    digits(s, len, 8, 2, &c->day) < 0)
		return -1;
	if (c->mon < 1 || c->mon > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->mon))
		return -1;
	if (i == len)
		return need_time ? -1 : (long)i;
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return -1;
	i++;
	if (digits(s, len, i, 2, &c->hour) < 0 || i + 2 >= len ||
	    s[i + 2] != ':' || digits(s, len, i + 3, 2, &c->min) < 0)
		return -1;
	i += 5;
	if (i < len && s[i] == ':') {
		if (digits(s, len, i + 1, 2, &c->sec) < 0)
			return -1;
		i += 3;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			int scale = 100, any = 0;

			for (i++; i < len && isdigit((unsigned char)s[i]); i++) {
				c->ms += (s[i] - '0') * scale;
				scale /= 10;
				any = 1;
			}
			if (!any)
				return -1;
		}
	} else if (need_time)
		return -1;
	/* 60 is a leap second: read it as the last second of the minute. */
	if (c->hour > 23 || c->min > 59 || c->sec > 60)
		return -1;
	if (c->sec == 60)
		c->sec = 59;
	return (long)i;
}

int
fb_time_parse_rfc3339(const char *s, size_t len, fb_time_t *t)
{
	struct civil c;
	long i = parse_civil(s, len, &c, 1);
	int oh, om, off;

	if (i < 0 || (size_t)i >= len)
		return -1;
	if ((s[i] == 'Z' || s[i] == 'z') && (size_t)i + 1 == len)
		off = 0;
	else if ((s[i] == '+' || s[i] == '-') && (size_t)i + 6 == len &&
	    digits(s, len, (size_t)i + 1, 2, &oh) == 0 && s[i + 3] == ':' &&
	    digits(s, len, (size_t)i + 4, 2, &om) == 0 && oh < 24 && om < 60)
		off = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
	else
		return -1;
	*t = fb_time_from_civil(c.year, c.mon, c.day, c.hour, c.min, c.sec,
	    c.ms) - (fb_time_t)off * 60000;
	return 0;
}

int
fb_tz_set(const char *zone, struct fb_error *err)
{
	char path[512];
	const char *dir = getenv("TZDIR");
	struct stat sb;

	if (zone == NULL || *zone == '\0')
		zone = "UTC";
	if (*zone == ':')
		zone++;
	if (strlen(zone) >= sizeof(tz_name))
		return fb_error_set(err, "time zone name too long");
	if (strcmp(zone, "UTC") != 0 && strcmp(zone, "Z") != 0) {
		int found;

		if (zone[0] == '/')
			found = stat(zone, &sb) == 0 && S_ISREG(sb.st_mode);
		else {
			snprintf(path, sizeof(path), "%s/%s",
			    dir ? dir : "/usr/share/zoneinfo", zone);
			found = strstr(zone, "..") == NULL &&
			    stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
		}
		/* A POSIX TZ string such as "CST-8" carries its own rules. */
		if (!found && strpbrk(zone, "0123456789") == NULL)
			return fb_error_set(err, "unknown time zone '%s'", zone);
	}
	snprintf(tz_name, sizeof(tz_name), "%s", zone);
	if (setenv("TZ", zone, 1) < 0)
		return fb_error_set(err, "cannot set time zone: %s",
		    strerror(errno));
	tzset();
	return 0;
}

const char *
fb_tz_get(void)
{
	return tz_name;
}

void
fb_time_set_now(fb_time_t now)
{
	fixed_now = now;
	have_fixed_now = 1;
}

fb_time_t
fb_time_now(void)
{
	struct timespec ts;

	if (have_fixed_now)
		return fixed_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (fb_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads "N<unit>" with unit s, m, h, d or w; returns 0 or -1. */
static int
parse_amount(const char *s, int64_t *ms)
{
	char *end;
	long long n;
	int64_t unit;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case 's': unit = 1000; break;
	case 'm': unit = 60 * 1000; break;
	case 'h': unit = 3600 * 1000; break;
	case 'd': unit = 86400 * 1000; break;
	case 'w': unit = 7 * 86400 * 1000LL; break;
	default: return -1;
	}
	if (end[1] != '\0' || n > INT64_MAX / unit)
		return -1;
	*ms = n * unit;
	return 0;
}

int
fb_duration_parse(const char *s, int64_t *ms, struct fb_error *err)
{
	if (parse_amount(s, ms) < 0)
		return fb_error_set(err, "invalid duration '%s' (use e.g. "
		    "180d, 36h, 30m, 90s or 2w)", s);
	return 0;
}

int
fb_size_parse(const char *s, uint64_t *bytes, struct fb_error *err)
{
	char *end;
	unsigned long long n;
	uint64_t mult = 1;

	errno = 0;
	n = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	if (!isdigit((unsigned char)*s) || errno != 0)
		goto bad;
	switch (*end) {
	case 'k': case 'K': mult = 1024; end++; break;
	case 'm': case 'M': mult = 1024 * 1024; end++; break;
	case 'g': case 'G': mult = 1024ULL * 1024 * 1024; end++; break;
	default: break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || n > UINT64_MAX / mult)
		goto bad;
	*bytes = n * mult;
	return 0;
bad:
	return fb_error_set(err, "invalid size '%s' (use e.g. 4096, 512k, "
	    "16M or 1G)", s);
}

int
fb_time_parse(const char *s, fb_time_t *t, struct fb_error *err)
{
	size_t len = strlen(s);
	struct civil c;
	long i;
	int64_t ms;

	if (strcmp(s, "now") == 0) {
		*t = fb_time_now();
		return 0;
	}
	if ((s[0] == '-' || s[0] == '+') && parse_amount(s + 1, &ms) == 0) {
		*t = fb_time_now() + (s[0] == '-' ? -ms : ms);
		return 0;
	}
	if (s[0] == '@' || (len > 0 && strspn(s, "0123456789.") == len)) {
		const char *p = s[0] == '@' ? s + 1 : s;
		char *end;
		double secs;

		errno = 0;
		secs = isdigit((unsigned char)*p) ? strtod(p, &end) : -1;
		if (secs >= 0 && errno == 0 && *end == '\0' && secs < 9.2e15) {
			*t = (fb_time_t)(secs * 1000.0 + 0.5);
			return 0;
		}
		goto bad;
	}
	if (fb_time_parse_rfc3339(s, len, t) == 0)
		return 0;
	i = parse_civil(s, len, &c, 0);
	if (i >= 0 && (size_t)i == len) {
		struct tm tm;
		time_t tt;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = c.year - 1900;
		tm.tm_mon = c.mon - 1;
		tm.tm_mday = c.day;
		tm.tm_hour = c.hour;
		tm.tm_min = c.min;
		tm.tm_sec = c.sec;
		tm.tm_isdst = -1;
		tt = mktime(&tm);
		if (tt == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mday == 31))
			goto bad;
		*t = (fb_time_t)tt * 1000 + c.ms;
		return 0;
	}
bad:
	return fb_error_set(err, "invalid time '%s'", s);
}

static void
split(fb_time_t t, int64_t *y, int *mo, int *d, int *h, int *mi, int *s,
    int *ms)
{
	int64_t secs = t / 1000, days, rem;

	*ms = (int)(t % 1000);
	if (*ms < 0) {
		*ms += 1000;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, y, mo, d);
	*h = (int)(rem / 3600);
	*mi = (int)(rem / 60 % 60);
	*s = (int)(rem % 60);
}

size_t
fb_time_format(fb_time_t t, char buf[FB_TIME_BUFSZ])
{
	int64_t y;
	int mo, d, h, mi, s, ms, n;

	split(t, &y, &mo, &d, &h, &mi, &s, &ms);
	if (ms != 0)
		n = snprintf(buf, FB_TIME_BUFSZ,
		    "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    (long long)y, mo, d, h, mi, s, ms);
	else
		n = snprintf(buf, FB_TIME_BUFSZ,
		    "%04lld-%02d-%02dT%02d:%02d:%02dZ",
		    (long long)y, mo, d, h, mi, s);
	return n < 0 ? 0 : (size_t)n;
}

size_t
fb_time_format_compact(fb_time_t t, char buf[FB_TIME_BUFSZ])
{
	int64_t y;
	int mo, d, h, mi, s, ms, n;

	split(t, &y, &mo, &d, &h, &mi, &s, &ms);
	n = snprintf(buf, FB_TIME_BUFSZ, "%04lld%02d%02dT%02d%02d%02dZ",
	    (long long)y, mo, d, h, mi, s);
	return n < 0 ? 0 : (size_t)n;
}
