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

/* H. Hinnant's algorithms, in days so that no year overflows. */
int64_t
fb_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
fb_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
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
	int64_t days = fb_days_from_civil(year, mon, day);

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

int
fb_time_now_fixed(void)
{
	return have_fixed_now;
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
/*
 * One amount ("90m") or several in falling units ("1h30m", "2d12h"), as
 * people write durations in policy files.
 */
static int
parse_amount(const char *s, int64_t *ms)
{
	static const char units[] = "wdhms";
	static const int64_t unit_ms[] = {
		7 * 86400000LL, 86400000LL, 3600000LL, 60000LL, 1000LL
	};
	const char *u;
	int64_t total = 0;
	int last = -1;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		char *end;
		long long n;
		int64_t part;

		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno != 0 || *end == '\0' ||
		    (u = strchr(units, *end)) == NULL || (int)(u - units) <= last)
			return -1;
		last = (int)(u - units);
		if (n > INT64_MAX / unit_ms[last])
			return -1;
		part = n * unit_ms[last];
		if (total > INT64_MAX - part)
			return -1;
		total += part;
		s = end + 1;
	}
	*ms = total;
	return 0;
}

int
fb_duration_parse(const char *s, int64_t *ms, struct fb_error *err)
{
	if (parse_amount(s, ms) < 0)
		return fb_error_set(err, "invalid duration '%s' (use e.g. "
		    "180d, 36h, 1h30m, 90s or 2w)", s);
	return 0;
}

size_t
fb_duration_format(int64_t ms, char *buf, size_t size)
{
	static const char units[] = "dhms";
	static const int64_t unit_ms[] = {
		86400000LL, 3600000LL, 60000LL, 1000LL
	};
	size_t len = 0;
	int i;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (ms < 1000) {
		/* below a second, milliseconds are all there is to say */
		len = (size_t)snprintf(buf, size, "%lldms", (long long)ms);
		return len < size ? len : size - 1;
	}
	for (i = 0; i < 4; i++) {
		int64_t n = ms / unit_ms[i];
		int k;

		if (n == 0)
			continue;
		ms -= n * unit_ms[i];
		k = snprintf(buf + len, size - len, "%lld%c", (long long)n,
		    units[i]);
		if (k < 0 || (size_t)k >= size - len) {
			buf[len] = '\0';	/* no amount cut in half */
			return len;
		}
		len += (size_t)k;
	}
	return len;
}

int
fb_size_parse(const char *s, uint64_t *bytes, struct fb_error *err)
{
	char *end;
	unsigned long long n;
	uint64_t mult = 1;

	if (!isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0)
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

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z */
#define TIME_FIRST (-62135596800000LL)
#define TIME_LAST 253402300799999LL

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
	/*
	 * Only the instants RFC 3339 can write, years 0001 to 9999: a tool
	 * adds and subtracts windows to what it is given ("--since
	 * -99999999999d"), which past them would overflow.
	 */
	if ((s[0] == '-' || s[0] == '+') && parse_amount(s + 1, &ms) == 0) {
		if (ms > TIME_LAST - TIME_FIRST)
			goto bad;
		*t = fb_time_now() + (s[0] == '-' ? -ms : ms);
		return *t < TIME_FIRST || *t > TIME_LAST ? fb_error_set(err,
		    "invalid time '%s'", s) : 0;
	}
	if (s[0] == '@' || (len > 0 && strspn(s, "0123456789.") == len)) {
		const char *p = s[0] == '@' ? s + 1 : s;
		char *end;
		double secs;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		secs = strtod(p, &end);
		if (secs >= 0 && errno == 0 && *end == '\0' &&
		    /* whole seconds */
		    /* NOLINTNEXTLINE(bugprone-integer-division) */
		    secs < (double)(TIME_LAST / 1000 + 1)) {
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
	fb_civil_from_days(days, y, mo, d);
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

/*---- fb_time_parse_loose ----*/

/* What the loose parser has read so far. */
struct loose {
	const char *s;		/* the trimmed input, NUL-terminated */
	size_t i;
	struct civil c;
	int ampm;		/* 0 none, 1 AM, 2 PM */
	int zoned;
	int off;		/* minutes east of UTC, when 'zoned' */
};

/* Reads a run of 'min' to 'max' digits (no more digits may follow). */
static int
loose_num(struct loose *l, int min, int max, int *out)
{
	const char *p = l->s + l->i;
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)p[n])) {
		v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n < min || isdigit((unsigned char)p[n]))
		return -1;
	l->i += n;
	*out = v;
	return 0;
}

static size_t
loose_ws(struct loose *l)
{
	size_t n = 0;

	while (l->s[l->i] == ' ' || l->s[l->i] == '\t') {
		l->i++;
		n++;
	}
	return n;
}

/* Consumes 'lit' (such as "年") if it comes next. */
static int
loose_lit(struct loose *l, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(l->s + l->i, lit, n) != 0)
		return 0;
	l->i += n;
	return 1;
}

/* A comma, spaces or both, as in "Nov 22, 2026" and "Nov 22 2026". */
static int
loose_comma(struct loose *l)
{
	int comma = loose_lit(l, ",");

	return loose_ws(l) > 0 || comma ? 0 : -1;
}

/* The length of the run of ASCII letters at 'l->i'. */
static size_t
loose_word(const struct loose *l)
{
	size_t n = 0;

	while (isalpha((unsigned char)l->s[l->i + n]))
		n++;
	return n;
}

/* Compares the 'n' letters at 'l->i' with the lowercase 'name'. */
static int
word_is(const struct loose *l, size_t n, const char *name)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (tolower((unsigned char)l->s[l->i + k]) != name[k])
			return 0;
	return name[n] == '\0';
}

/* "Nov", "nov.", "November", "Sept": the month number, or 0. */
static int
loose_month(struct loose *l)
{
	static const char *const names[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december"
	};
	size_t n = loose_word(l);
	char abbr[4];
	int m;

	for (m = 0; m < 12; m++) {
		memcpy(abbr, names[m], 3);
		abbr[3] = '\0';
		if (word_is(l, n, names[m]) || word_is(l, n, abbr) ||
		    (m == 8 && word_is(l, n, "sept"))) {
			l->i += n;
			if (l->s[l->i] == '.')
				l->i++;
			return m + 1;
		}
	}
	return 0;
}

/* Skips a day name ("Sun", "Sunday", "Sun.,"); it is not checked. */
static void
loose_dayname(struct loose *l)
{
	static const char *const names[] = {
		"sunday", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday"
	};
	size_t n = loose_word(l);
	char abbr[4];
	int d;

	for (d = 0; d < 7; d++) {
		memcpy(abbr, names[d], 3);
		abbr[3] = '\0';
		if (word_is(l, n, names[d]) || word_is(l, n, abbr)) {
			l->i += n;
			if (l->s[l->i] == '.')
				l->i++;
			if (l->s[l->i] == ',')
				l->i++;
			loose_ws(l);
			return;
		}
	}
}

/* "H:MM", "HH:MM:SS", "HH:MM:SS.fff" */
static int
loose_clock(struct loose *l)
{
	struct civil *c = &l->c;

	if (loose_num(l, 1, 2, &c->hour) < 0 || l->s[l->i] != ':')
		return -1;
	l->i++;
	if (loose_num(l, 2, 2, &c->min) < 0)
		return -1;
	if (l->s[l->i] == ':') {
		int scale = 100;

		l->i++;
		if (loose_num(l, 2, 2, &c->sec) < 0)
			return -1;
		if ((l->s[l->i] == '.' || l->s[l->i] == ',') &&
		    isdigit((unsigned char)l->s[l->i + 1])) {
			const char *p = l->s + ++l->i;

			for (; isdigit((unsigned char)*p); p++, l->i++) {
				c->ms += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	return 0;
}

/* "AM", "pm", "a.m.", "P.M." */
static int
loose_ampm(struct loose *l)
{
	const char *p = l->s + l->i;
	int which;
	size_t n = 1;

	if (*p == 'a' || *p == 'A')
		which = 1;
	else if (*p == 'p' || *p == 'P')
		which = 2;
	else
		return 0;
	if (p[n] == '.')
		n++;
	if (p[n] != 'm' && p[n] != 'M')
		return 0;
	n++;
	if (p[n] == '.')
		n++;
	if (isalpha((unsigned char)p[n]))
		return 0;
	l->i += n;
	l->ampm = which;
	return 1;
}

/*
 * "+0800", "-05:00", "Z", "UT", "UTC", "GMT", "GMT+0800", and the zones
 * RFC 5322 keeps from RFC 822.  "CST" is US Central (-0600) there, not
 * China Standard Time; mail from China writes "+0800 (CST)" instead.
 */
static int
loose_zone(struct loose *l)
{
	static const struct {
		const char *name;
		int off;
	} zones[] = {
		{ "z", 0 }, { "ut", 0 }, { "utc", 0 }, { "gmt", 0 },
		{ "est", -300 }, { "edt", -240 }, { "cst", -360 },
		{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
		{ "pst", -480 }, { "pdt", -420 },
	};
	size_t n = loose_word(l), k;
	int hh, mm, sign;

	if (n > 0) {
		for (k = 0; k < sizeof(zones) / sizeof(zones[0]); k++)
			if (word_is(l, n, zones[k].name))
				break;
		if (k == sizeof(zones) / sizeof(zones[0]))
			return -1;
		l->i += n;
		l->zoned = 1;
		l->off = zones[k].off;
		if (zones[k].off != 0 || (l->s[l->i] != '+' &&
		    l->s[l->i] != '-'))
			return 0;
	}
	if (l->s[l->i] != '+' && l->s[l->i] != '-')
		return -1;
	sign = l->s[l->i++] == '-' ? -1 : 1;
	if (loose_num(l, 2, 2, &hh) < 0) {
		if (l->s[l->i] == ':' || !isdigit((unsigned char)l->s[l->i]))
			return -1;
		/* "+0800": four digits read as hours and minutes */
		if (digits(l->s, strlen(l->s), l->i, 4, &hh) < 0 ||
		    isdigit((unsigned char)l->s[l->i + 4]))
			return -1;
		mm = hh % 100;
		hh /= 100;
		l->i += 4;
	} else if (l->s[l->i] == ':') {
		l->i++;
		if (loose_num(l, 2, 2, &mm) < 0)
			return -1;
	} else
		return -1;
	if (hh > 23 || mm > 59)
		return -1;
	l->zoned = 1;
	l->off = sign * (hh * 60 + mm);
	return 0;
}

/*
 * Reads what may follow a date: a time of day (after spaces, 'T' or ", ")
 * unless 'have_clock', AM or PM, a zone, a "(comment)" as in "+0800
 * (CST)", and then the end.
 */
static int
loose_tail(struct loose *l, int have_clock)
{
	size_t save = l->i;

	if (!have_clock) {
		if (l->s[l->i] == ',')
			l->i++;
		if ((l->s[l->i] == 'T' || l->s[l->i] == 't') &&
		    isdigit((unsigned char)l->s[l->i + 1]))
			l->i++;
		else
			loose_ws(l);
		if (isdigit((unsigned char)l->s[l->i]) && l->i > save) {
			if (loose_clock(l) < 0)
				return -1;
			have_clock = 1;
		} else
			l->i = save;
	}
	if (have_clock && l->ampm == 0) {
		save = l->i;
		loose_ws(l);
		if (!loose_ampm(l))
			l->i = save;
	}
	loose_ws(l);
	if (l->s[l->i] != '\0' && l->s[l->i] != '(' && loose_zone(l) < 0)
		return -1;
	loose_ws(l);
	if (l->s[l->i] == '(') {
		const char *close = strchr(l->s + l->i, ')');

		if (close == NULL)
			return -1;
		l->i = (size_t)(close - l->s) + 1;
		loose_ws(l);
	}
	return l->s[l->i] == '\0' ? 0 : -1;
}

/* "2026/11/22", "2026.1.5", "2026-1-5", then the tail. */
static int
loose_numeric_date(struct loose *l)
{
	char sep;

	if (loose_num(l, 4, 4, &l->c.year) < 0)
		return -1;
	sep = l->s[l->i];
	if (sep != '/' && sep != '.' && sep != '-')
		return -1;
	l->i++;
	if (loose_num(l, 1, 2, &l->c.mon) < 0 || l->s[l->i++] != sep ||
	    loose_num(l, 1, 2, &l->c.day) < 0)
		return -1;
	return loose_tail(l, 0);
}

/* A number and its unit, maybe spaced: "2026年", "11 月", "22号". */
static int
loose_cjk_field(struct loose *l, int min, int max, int *out,
    const char *unit, const char *alt)
{
	loose_ws(l);
	if (loose_num(l, min, max, out) < 0)
		return -1;
	loose_ws(l);
	return loose_lit(l, unit) || (alt != NULL && loose_lit(l, alt)) ?
	    0 : -1;
}

/* "2026年11月22日", then "10:15", "10时15分", "下午3点" or the tail. */
static int
loose_chinese_date(struct loose *l)
{
	struct civil *c = &l->c;
	size_t save;

	if (loose_cjk_field(l, 4, 4, &c->year, "年", NULL) < 0 ||
	    loose_cjk_field(l, 1, 2, &c->mon, "月", NULL) < 0 ||
	    loose_cjk_field(l, 1, 2, &c->day, "日", "号") < 0)
		return -1;
	loose_ws(l);
	if (loose_lit(l, "上午") || loose_lit(l, "早上"))
		l->ampm = 1;
	else if (loose_lit(l, "下午") || loose_lit(l, "晚上"))
		l->ampm = 2;
	loose_ws(l);
	if (!isdigit((unsigned char)l->s[l->i]))
		return l->ampm != 0 ? -1 : loose_tail(l, 0);
	save = l->i;
	if (loose_clock(l) == 0)
		return loose_tail(l, 1);
	l->i = save;
	if (loose_cjk_field(l, 1, 2, &c->hour, "时", "点") < 0)
		return -1;
	loose_ws(l);
	if (isdigit((unsigned char)l->s[l->i])) {
		if (loose_num(l, 1, 2, &c->min) < 0)
			return -1;
		loose_ws(l);
		loose_lit(l, "分");
		loose_ws(l);
		if (isdigit((unsigned char)l->s[l->i]) &&
		    loose_cjk_field(l, 1, 2, &c->sec, "秒", NULL) < 0)
			return -1;
	}
	return loose_tail(l, 1);
}

/*
 * "Nov 22 2026", "November 22, 2026 10:15", "22 Nov 2026", "22-Nov-2026",
 * RFC 5322 "Sun, 22 Nov 2026 10:15:00 +0800", asctime "Sun Nov 22
 * 10:15:00 2026" and JavaScript's "Sun Nov 22 2026 10:15:00 GMT+0800".
 */
static int
loose_named_date(struct loose *l)
{
	int have_clock = 0;
	size_t save;

	loose_dayname(l);
	if (isdigit((unsigned char)l->s[l->i])) {
		int dash;

		if (loose_num(l, 1, 2, &l->c.day) < 0)
			return -1;
		if ((dash = (l->s[l->i] == '-')))
			l->i++;
		else if (loose_ws(l) == 0)
			return -1;
		if ((l->c.mon = loose_month(l)) == 0)
			return -1;
		if (dash) {
			if (l->s[l->i++] != '-')
				return -1;
		} else if (loose_comma(l) < 0)
			return -1;
	} else {
		if ((l->c.mon = loose_month(l)) == 0 || loose_ws(l) == 0 ||
		    loose_num(l, 1, 2, &l->c.day) < 0)
			return -1;
		if (loose_word(l) == 2 && (word_is(l, 2, "st") ||
		    word_is(l, 2, "nd") || word_is(l, 2, "rd") ||
		    word_is(l, 2, "th")))
			l->i += 2;
		if (loose_comma(l) < 0)
			return -1;
		save = l->i;
		if (loose_clock(l) == 0) {
			if (loose_ws(l) == 0)
				return -1;
			have_clock = 1;
		} else {
			l->i = save;
			l->c.hour = l->c.min = l->c.sec = l->c.ms = 0;
		}
	}
	if (loose_num(l, 4, 4, &l->c.year) < 0)
		return -1;
	return loose_tail(l, have_clock);
}

/* A civil time in the zone of fb_tz_set(), read as fb_time_parse() does. */
static int
local_time(const struct civil *c, fb_time_t *t)
{
	struct tm tm;
	time_t tt;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = c->year - 1900;
	tm.tm_mon = c->mon - 1;
	tm.tm_mday = c->day;
	tm.tm_hour = c->hour;
	tm.tm_min = c->min;
	tm.tm_sec = c->sec;
	tm.tm_isdst = -1;
	tt = mktime(&tm);
	if (tt == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mday == 31))
		return -1;
	*t = (fb_time_t)tt * 1000 + c->ms;
	return 0;
}

static int
loose_finish(struct loose *l, fb_time_t *t)
{
	struct civil *c = &l->c;

	if (l->ampm != 0) {
		if (c->hour < 1 || c->hour > 12)
			return -1;
		c->hour = c->hour % 12 + (l->ampm == 2 ? 12 : 0);
	}
	if (c->mon < 1 || c->mon > 12 || c->day < 1 ||
	    c->day > days_in_month(c->year, c->mon) || c->hour > 23 ||
	    c->min > 59 || c->sec > 60)
		return -1;
	if (c->sec == 60)
		c->sec = 59;
	if (!l->zoned)
		return local_time(c, t);
	*t = fb_time_from_civil(c->year, c->mon, c->day, c->hour, c->min,
	    c->sec, c->ms) - (fb_time_t)l->off * 60000;
	return 0;
}

/*
 * A plain number: epoch seconds (9-10 digits, maybe a fraction), epoch
 * milliseconds (12-13 digits), or an Excel serial date (20000-80000, the
 * fraction the time of day, in the local zone).  Other lengths are too
 * ambiguous to guess at.  Returns 1 if 's' is a number and was read, 0
 * if it is not a number, -1 if it is one but none of these.
 */
static int
loose_number(const char *s, fb_time_t *t)
{
	size_t nint = strspn(s, "0123456789"), nfrac = 0;
	const char *frac = NULL;
	int64_t v = 0;
	size_t k;

	if (nint == 0)
		return 0;
	if (s[nint] == '.') {
		frac = s + nint + 1;
		nfrac = strspn(frac, "0123456789");
		if (nfrac == 0 || frac[nfrac] != '\0')
			return 0;
	} else if (s[nint] != '\0')
		return 0;
	if (nint > 13)
		return -1;
	for (k = 0; k < nint; k++)
		v = v * 10 + (s[k] - '0');
	if (nint == 9 || nint == 10) {
		int64_t ms = 0, scale = 100;

		for (k = 0; k < nfrac && scale > 0; k++, scale /= 10)
			ms += (frac[k] - '0') * scale;
		*t = v * 1000 + ms;
		return 1;
	}
	if ((nint == 12 || nint == 13) && frac == NULL) {
		*t = v;
		return 1;
	}
	if (nint == 5 && v >= 20000 && v <= 80000) {
		struct civil c;
		double f = frac ? strtod(frac - 1, NULL) : 0.0;
		int64_t y, day = v - 25569, ms;

		/* Excel keeps times as fractions of a day: round to the ms. */
		ms = (int64_t)(f * 86400000.0 + 0.5);
		if (v == 80000 && ms > 0)
			return -1;
		day += ms / 86400000;
		ms %= 86400000;
		memset(&c, 0, sizeof(c));
		fb_civil_from_days(day, &y, &c.mon, &c.day);
		c.year = (int)y;
		c.hour = (int)(ms / 3600000);
		c.min = (int)(ms / 60000 % 60);
		c.sec = (int)(ms / 1000 % 60);
		c.ms = (int)(ms % 1000);
		return local_time(&c, t) == 0 ? 1 : -1;
	}
	return -1;
}

int
fb_time_parse_loose(const char *s, fb_time_t *t, struct fb_error *err)
{
	char buf[128];
	struct loose l;
	size_t len;
	const char *p = s;
	int rc;

	while (isspace((unsigned char)*p))
		p++;
	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(buf))
		goto bad;
	memcpy(buf, p, len);
	buf[len] = '\0';

	if ((rc = loose_number(buf, t)) > 0)
		return 0;
	if (rc < 0)
		goto bad;
	/*
	 * Only the absolute forms of fb_time_parse(): a data file that says
	 * "now" or "-7d" is broken, not relative.  Numbers were read above.
	 */
	if (len > 4 && isdigit((unsigned char)buf[0]) && buf[4] == '-' &&
	    fb_time_parse(buf, t, NULL) == 0)
		return 0;
	memset(&l, 0, sizeof(l));
	l.s = buf;
	if (isdigit((unsigned char)buf[0]) && isdigit((unsigned char)buf[1]) &&
	    isdigit((unsigned char)buf[2]) && isdigit((unsigned char)buf[3]))
		rc = strchr("/.-", buf[4]) != NULL && buf[4] != '\0' ?
		    loose_numeric_date(&l) : loose_chinese_date(&l);
	else
		rc = loose_named_date(&l);
	if (rc == 0 && loose_finish(&l, t) == 0)
		return 0;
bad:
	return fb_error_set(err, "cannot read time '%s'", s);
}

int
fb_time_local(fb_time_t t, struct tm *tm)
{
	/* floor division, so times before 1970 land in the right second */
	time_t secs = (time_t)(t / 1000 - (t % 1000 < 0));

	return localtime_r(&secs, tm) == NULL ? -1 : 0;
}
