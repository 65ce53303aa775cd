/*
 * fb_calendar.c: business calendars, for SLA clocks that run only in
 * working hours.
 *
 * Everything is worked out one local date at a time in the calendar's
 * zone: a date's hours (its weekday's, a make-up day's, or none on a
 * holiday) become instants through the zone, so a daylight-saving day
 * has 23 or 25 hours and 09:00-18:00 is still 9 of them.  A date's
 * intervals start on it and may run into the next, so the dates are
 * walked in order and the intervals merged as they come; every query
 * (elapsed time, due time, excluded spans) is a pass over that stream.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fb.h"

#define CAL_MAX_SPANS	16	/* intervals in one day's hours */
#define CAL_TLIMIT	((fb_time_t)1 << 52)
#define CAL_MAX_DAYS	366	/* in one holiday call or .ics event */
#define CAL_MAX_ICS	(16 * 1024 * 1024)
#define DAY_S		86400
#define DAY_MS		86400000LL

static const char why_hours[] = "outside working hours";
static const char why_weekend[] = "weekend";

/* Local seconds after midnight; an interval may end up to 24h later. */
struct cal_span {
	int32_t start, end;
};

struct cal_hours {
	int n;
	struct cal_span span[CAL_MAX_SPANS];	/* ascending, apart */
};

/* What a date says beyond its weekday. */
struct cal_date {
	int64_t day;		/* local date: days since 1970-01-01 */
	const char *holiday;	/* "holiday NAME", or NULL */
	int as;			/* worked with this weekday's hours, or -1 */
};

struct fb_calendar {
	char *name;
	struct fb_zone *zone;
	struct cal_hours week[7];	/* 0 = Sunday */
	struct cal_date *dates;		/* ascending by day */
	size_t ndates, dates_cap;
	char **whys;		/* the "holiday NAME" strings */
	size_t nwhys, whys_cap;
	int always;		/* every day 00:00-24:00, no holidays */
};

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int
weekday(int64_t day)
{
	return (int)(day + 4 - floordiv(day + 4, 7) * 7);
}

static fb_time_t
clamp(fb_time_t t)
{
	return t < -CAL_TLIMIT ? -CAL_TLIMIT : t > CAL_TLIMIT ? CAL_TLIMIT : t;
}

/* Whether the calendar is 24x7, when elapsed time is just b - a. */
static void
update_always(struct fb_calendar *cal)
{
	size_t i;
	int d;

	cal->always = 1;
	for (d = 0; d < 7; d++)
		if (cal->week[d].n != 1 || cal->week[d].span[0].start != 0 ||
		    cal->week[d].span[0].end != DAY_S)
			cal->always = 0;
	for (i = 0; i < cal->ndates; i++)
		if (cal->dates[i].holiday != NULL && cal->dates[i].as < 0)
			cal->always = 0;
}

struct fb_calendar *
fb_calendar_create(const char *name, const char *zone, struct fb_error *err)
{
	struct fb_calendar *cal;

	if ((cal = calloc(1, sizeof(*cal))) == NULL ||
	    (cal->name = strdup(name ? name : "")) == NULL) {
		fb_calendar_free(cal);
		fb_error_set(err, "out of memory");
		return NULL;
	}
	if ((cal->zone = fb_zone_load(zone ? zone : "UTC", err)) == NULL) {
		fb_calendar_free(cal);
		return NULL;
	}
	return cal;
}

struct fb_calendar *
fb_calendar_always(void)
{
	struct fb_calendar *cal = fb_calendar_create("24x7", "UTC", NULL);
	int d;

	if (cal == NULL)
		return NULL;
	for (d = 0; d < 7; d++) {
		cal->week[d].n = 1;
		cal->week[d].span[0].start = 0;
		cal->week[d].span[0].end = DAY_S;
	}
	cal->always = 1;
	return cal;
}

void
fb_calendar_free(struct fb_calendar *cal)
{
	size_t i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->nwhys; i++)
		free(cal->whys[i]);
	free(cal->whys);
	free(cal->dates);
	fb_zone_free(cal->zone);
	free(cal->name);
	free(cal);
}

const char *
fb_calendar_name(const struct fb_calendar *cal)
{
	return cal->name;
}

const struct fb_zone *
fb_calendar_zone(const struct fb_calendar *cal)
{
	return cal->zone;
}

/*---- Building ----*/

/* "mon" or "monday" (any case) at 's' for 'n' bytes: 0-6, or -1. */
static int
day_name(const char *s, size_t n)
{
	static const char *const names[] = {
		"sunday", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday"
	};
	int d;

	for (d = 0; d < 7; d++)
		if ((n == 3 || n == strlen(names[d])) &&
		    strncasecmp(s, names[d], n) == 0)
			return d;
	return -1;
}

/* Sets bit d of '*set' for each weekday of "mon-fri,sun"; 0 or -1. */
static int
parse_days(const char *s, int *set)
{
	*set = 0;
	for (;;) {
		const char *p = s;
		int from, to;

		while (isalpha((unsigned char)*p))
			p++;
		if ((from = day_name(s, (size_t)(p - s))) < 0)
			return -1;
		to = from;
		if (*p == '-') {
			s = ++p;
			while (isalpha((unsigned char)*p))
				p++;
			if ((to = day_name(s, (size_t)(p - s))) < 0)
				return -1;
		}
		/* a range may wrap round the week: "fri-mon" */
		for (;;) {
			*set |= 1 << from;
			if (from == to)
				break;
			from = (from + 1) % 7;
		}
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return -1;
		for (s = p + 1; *s == ' '; s++)
			;
	}
}

/* "9:00" or "09:00" (and "24:00" when 'end'), in seconds; NULL if not. */
static const char *
parse_clock(const char *s, int end, int32_t *secs)
{
	int h = 0, m, n = 0;

	while (isdigit((unsigned char)*s) && n < 2) {
		h = h * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || *s != ':' || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return NULL;
	m = (s[1] - '0') * 10 + (s[2] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
		return NULL;
	*secs = h * 3600 + m * 60;
	return s + 3;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct cal_span *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static int
parse_hours(const char *s, struct cal_hours *h, struct fb_error *err)
{
	const char *p = s;
	int i;

	h->n = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strcasecmp(p, "closed") == 0)
		return 0;
	while (*p != '\0') {
		struct cal_span sp;

		if (h->n == CAL_MAX_SPANS)
			return fb_error_set(err, "more than %d intervals in "
			    "hours '%s'", CAL_MAX_SPANS, s);
		if ((p = parse_clock(p, 0, &sp.start)) == NULL || *p != '-' ||
		    (p = parse_clock(p + 1, 1, &sp.end)) == NULL ||
		    (*p != '\0' && *p != ' ' && *p != '\t' && *p != ','))
			return fb_error_set(err, "invalid hours '%s' (use e.g. "
			    "09:00-12:00 13:30-18:00, or closed)", s);
		/* 22:00-06:00 runs into the next day; 09:00-09:00 is unclear */
		if (sp.end == sp.start)
			return fb_error_set(err, "invalid hours '%s': an "
			    "interval that ends where it starts (write "
			    "00:00-24:00 for a whole day)", s);
		if (sp.end < sp.start)
			sp.end += DAY_S;
		h->span[h->n++] = sp;
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
	}
	if (h->n == 0)
		return fb_error_set(err, "invalid hours '%s' (use e.g. "
		    "09:00-12:00 13:30-18:00, or closed)", s);
	qsort(h->span, (size_t)h->n, sizeof(h->span[0]), span_cmp);
	for (i = 1; i < h->n; i++)
		if (h->span[i - 1].end > h->span[i].start)
			return fb_error_set(err, "invalid hours '%s': "
			    "intervals overlap", s);
	return 0;
}

int
fb_calendar_hours(struct fb_calendar *cal, const char *days,
    const char *hours, struct fb_error *err)
{
	struct cal_hours h;
	int set, d;

	if (parse_days(days, &set) < 0)
		return fb_error_set(err, "invalid days '%s' (use e.g. mon-fri, "
		    "sat or mon,wed,fri)", days);
	if (parse_hours(hours, &h, err) < 0)
		return -1;
	for (d = 0; d < 7; d++)
		if (set & 1 << d)
			cal->week[d] = h;
	update_always(cal);
	return 0;
}

/* "YYYY-MM-DD" as a day number; 0 or -1. */
static int
parse_date(const char *s, int64_t *day)
{
	static const int dm[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y, m, d, k;

	for (k = 0; k < 10; k++)
		if (k == 4 || k == 7 ? s[k] != '-' :
		    !isdigit((unsigned char)s[k]))
			return -1;
	if (s[10] != '\0')
		return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > dm[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -1;
	*day = fb_time_from_civil(y, m, d, 0, 0, 0, 0) / DAY_MS;
	return 0;
}

/* The entry of 'day', or NULL; '*at' where it is or would go. */
static struct cal_date *
find_date(const struct fb_calendar *cal, int64_t day, size_t *at)
{
	size_t lo = 0, hi = cal->ndates;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->dates[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at != NULL)
		*at = lo;
	return lo < cal->ndates && cal->dates[lo].day == day ?
	    &cal->dates[lo] : NULL;
}

static int
reserve_dates(struct fb_calendar *cal, size_t more)
{
	size_t cap = cal->dates_cap;
	struct cal_date *p;

	if (cal->ndates + more <= cap)
		return 0;
	while (cap < cal->ndates + more)
		cap = cap ? cap * 2 : 64;
	if ((p = realloc(cal->dates, cap * sizeof(*p))) == NULL)
		return -1;
	cal->dates = p;
	cal->dates_cap = cap;
	return 0;
}

/* The entry of 'day', made when missing (room must be reserved). */
static struct cal_date *
date_entry(struct fb_calendar *cal, int64_t day)
{
	struct cal_date *e;
	size_t at;

	if ((e = find_date(cal, day, &at)) != NULL)
		return e;
	memmove(cal->dates + at + 1, cal->dates + at,
	    (cal->ndates - at) * sizeof(*e));
	cal->ndates++;
	e = &cal->dates[at];
	e->day = day;
	e->holiday = NULL;
	e->as = -1;
	return e;
}

/* The calendar's copy of "holiday NAME", shared by holidays of one name. */
static const char *
holiday_why(struct fb_calendar *cal, const char *name)
{
	char *s;
	size_t i, n;

	if (name == NULL)
		name = "";
	n = strlen(name);
	for (i = 0; i < cal->nwhys; i++)
		if (strncmp(cal->whys[i], "holiday", 7) == 0 &&
		    (n == 0 ? cal->whys[i][7] == '\0' :
		    cal->whys[i][7] == ' ' &&
		    strcmp(cal->whys[i] + 8, name) == 0))
			return cal->whys[i];
	if (cal->nwhys == cal->whys_cap) {
		size_t cap = cal->whys_cap ? cal->whys_cap * 2 : 16;
		char **p = realloc(cal->whys, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		cal->whys = p;
		cal->whys_cap = cap;
	}
	if ((s = malloc(n + 9)) == NULL)
		return NULL;
	snprintf(s, n + 9, n ? "holiday %s" : "holiday", name);
	return cal->whys[cal->nwhys++] = s;
}

/* Marks the days [from, to] once room and strings are in place. */
static void
mark_days(struct fb_calendar *cal, int64_t from, int64_t to,
    const char *why, int as)
{
	int64_t day;

	for (day = from; day <= to; day++) {
		struct cal_date *e = date_entry(cal, day);

		if (why != NULL && e->holiday == NULL)
			e->holiday = why;
		if (as >= 0)
			e->as = as;
	}
}

int
fb_calendar_holiday(struct fb_calendar *cal, const char *from,
    const char *to, const char *name, struct fb_error *err)
{
	int64_t d0, d1;
	const char *why;

	if (parse_date(from, &d0) < 0)
		return fb_error_set(err, "invalid date '%s' (use YYYY-MM-DD)",
		    from);
	if (to == NULL)
		d1 = d0;
	else if (parse_date(to, &d1) < 0)
		return fb_error_set(err, "invalid date '%s' (use YYYY-MM-DD)",
		    to);
	if (d1 < d0)
		return fb_error_set(err, "holiday %s to %s ends before it "
		    "starts", from, to);
	if (d1 - d0 >= CAL_MAX_DAYS)
		return fb_error_set(err, "holiday %s to %s is longer than "
		    "%d days", from, to, CAL_MAX_DAYS);
	if ((why = holiday_why(cal, name)) == NULL ||
	    reserve_dates(cal, (size_t)(d1 - d0 + 1)) < 0)
		return fb_error_set(err, "out of memory");
	mark_days(cal, d0, d1, why, -1);
	update_always(cal);
	return 0;
}

int
fb_calendar_workday(struct fb_calendar *cal, const char *date,
    const char *as, struct fb_error *err)
{
	int64_t day;
	int wd = 1;

	if (parse_date(date, &day) < 0)
		return fb_error_set(err, "invalid date '%s' (use YYYY-MM-DD)",
		    date);
	if (as != NULL && (wd = day_name(as, strlen(as))) < 0)
		return fb_error_set(err, "invalid weekday '%s' (use mon, tue, "
		    "... sun)", as);
	if (reserve_dates(cal, 1) < 0)
		return fb_error_set(err, "out of memory");
	mark_days(cal, day, day, NULL, wd);
	update_always(cal);
	return 0;
}

/*---- iCalendar ----*/

struct ics_event {
	int64_t from, to;	/* dates, 'to' exclusive */
	int work;
	char *summary;
};

struct ics {
	const char *path;
	struct ics_event *ev;
	size_t n, cap;
	struct ics_event cur;	/* the VEVENT being read */
	long cur_line;		/* where it began; 0 outside one */
	int depth;		/* components open inside it (VALARM) */
	int have_start, have_end, have_dur, cancelled;
	int64_t dur;
	int calendar;		/* BEGIN:VCALENDAR seen */
	struct fb_error *err;
};

/* Whether the property name at 'name' ('n' bytes) is 'want'. */
static int
prop_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/*
 * Undoes the TEXT escapes of RFC 5545 3.3.11 in place (newlines become
 * blanks) and trims the blanks around.
 */
static void
ics_unescape(char *s)
{
	char *w = s, *r = s;

	while (*r == ' ' || *r == '\t')
		r++;
	for (; *r != '\0'; r++) {
		if (*r == '\\' && r[1] != '\0') {
			r++;
			*w++ = *r == 'n' || *r == 'N' ? ' ' : *r;
		} else
			*w++ = *r;
	}
	while (w > s && (w[-1] == ' ' || w[-1] == '\t'))
		w--;
	*w = '\0';
}

/*
 * A DATE or DATE-TIME value: "20261001" or "20261001T000000[Z]", as a
 * date; '*late' says the time is after midnight.  0 or -1.
 */
static int
ics_date(const char *v, int date_only, int64_t *day, int *late)
{
	char buf[11];
	int k;

	for (k = 0; k < 8; k++)
		if (!isdigit((unsigned char)v[k]))
			return -1;
	*late = 0;
	if (v[8] == 'T' && !date_only) {
		for (k = 9; k < 15; k++)
			if (!isdigit((unsigned char)v[k]))
				return -1;
		if (v[15] != '\0' && !(v[15] == 'Z' && v[16] == '\0'))
			return -1;
		*late = strncmp(v + 9, "000000", 6) != 0;
	} else if (v[8] != '\0')
		return -1;
	snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", v, v + 4, v + 6);
	return parse_date(buf, day);
}

/* "P3D", "P1W", "P2DT0H": whole days only. */
static int
ics_duration(const char *v, int64_t *days)
{
	char *end;
	long n;

	if (*v == '+')
		v++;
	if (*v != 'P' || !isdigit((unsigned char)v[1]))
		return -1;
	errno = 0;
	n = strtol(v + 1, &end, 10);
	if (errno != 0 || n < 0 || n > CAL_MAX_DAYS)
		return -1;
	if (*end == 'W' && end[1] == '\0')
		n *= 7;
	else if (*end != 'D' || (end[1] != '\0' &&
	    strcmp(end + 1, "T0H") != 0 && strcmp(end + 1, "T0S") != 0))
		return -1;
	*days = n;
	return 0;
}

/* Whether a CATEGORIES value lists WORKDAY. */
static int
ics_workday_category(const char *v)
{
	while (*v != '\0') {
		size_t n = strcspn(v, ",");

		while (n > 0 && v[n - 1] == ' ')
			n--;
		while (*v == ' ' && n > 0) {
			v++;
			n--;
		}
		if (n == 7 && strncasecmp(v, "WORKDAY", 7) == 0)
			return 1;
		v += strcspn(v, ",");
		if (*v == ',')
			v++;
	}
	return 0;
}

static int
ics_end_event(struct ics *x, long line)
{
	struct ics_event *e = &x->cur;

	if (!x->have_start)
		return fb_error_set(x->err, "%s:%ld: VEVENT without DTSTART",
		    x->path, x->cur_line);
	if (x->have_dur)
		e->to = e->from + x->dur;
	else if (!x->have_end)
		e->to = e->from + 1;
	if (e->to <= e->from)
		return fb_error_set(x->err, "%s:%ld: the event ends before it "
		    "starts", x->path, line);
	if (e->to - e->from > CAL_MAX_DAYS)
		return fb_error_set(x->err, "%s:%ld: the event is longer than "
		    "%d days", x->path, line, CAL_MAX_DAYS);
	if (e->summary != NULL && (strstr(e->summary, "补班") != NULL ||
	    strstr(e->summary, "调休上班") != NULL))
		e->work = 1;
	if (x->cancelled) {
		free(e->summary);
		return 0;
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		struct ics_event *p = realloc(x->ev, cap * sizeof(*p));

		if (p == NULL)
			return fb_error_set(x->err, "out of memory");
		x->ev = p;
		x->cap = cap;
	}
	x->ev[x->n++] = *e;
	return 0;
}

/* Whether the parameters (";VALUE=DATE;X=\"a;b\"") hold VALUE=DATE. */
static int
ics_value_date(const char *p)
{
	while (*p == ';') {
		const char *q = ++p;
		int quoted = 0;

		for (; *q != '\0' && (*q != ';' || quoted); q++)
			if (*q == '"')
				quoted = !quoted;
		if (q - p == 10 && strncasecmp(p, "VALUE=DATE", 10) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/* One unfolded content line "NAME;PARAMS:VALUE" (changed in place). */
static int
ics_line(struct ics *x, char *s, long line)
{
	char *colon, *value, *params;
	size_t nlen = strcspn(s, ";:");
	int quoted = 0, late;
	int64_t day;

	/* the value starts at the first ':' outside a quoted parameter */
	for (colon = s + nlen; *colon != '\0'; colon++) {
		if (*colon == '"')
			quoted = !quoted;
		else if (*colon == ':' && !quoted)
			break;
	}
	if (*colon != ':') {
		if (*s == '\0')
			return 0;	/* a blank line */
		return fb_error_set(x->err, "%s:%ld: not a content line "
		    "(NAME:VALUE)", x->path, line);
	}
	*colon = '\0';
	value = colon + 1;
	params = s + nlen;
	if (prop_is(s, nlen, "BEGIN") && strcasecmp(value, "VCALENDAR") == 0)
		x->calendar = 1;
	if (!x->calendar)
		return fb_error_set(x->err, "%s:%ld: not an iCalendar file "
		    "(no BEGIN:VCALENDAR)", x->path, line);
	if (prop_is(s, nlen, "BEGIN")) {
		if (x->cur_line != 0)
			x->depth++;
		else if (strcasecmp(value, "VEVENT") == 0) {
			memset(&x->cur, 0, sizeof(x->cur));
			x->cur_line = line;
			x->depth = 0;
			x->have_start = x->have_end = x->have_dur = 0;
			x->cancelled = 0;
		}
		return 0;
	}
	if (prop_is(s, nlen, "END")) {
		if (x->cur_line != 0 && x->depth > 0)
			x->depth--;
		else if (x->cur_line != 0) {
			if (strcasecmp(value, "VEVENT") != 0)
				return fb_error_set(x->err, "%s:%ld: END:%s "
				    "inside a VEVENT", x->path, line, value);
			if (ics_end_event(x, line) < 0)
				return -1;
			x->cur_line = 0;
		}
		return 0;
	}
	if (x->cur_line == 0 || x->depth > 0)
		return 0;
	if (prop_is(s, nlen, "DTSTART") || prop_is(s, nlen, "DTEND")) {
		int start = prop_is(s, nlen, "DTSTART");
		int date_only = ics_value_date(params);

		if (ics_date(value, date_only, &day, &late) < 0)
			return fb_error_set(x->err, "%s:%ld: invalid %s '%s'",
			    x->path, line, start ? "DTSTART" : "DTEND", value);
		if (start) {
			x->cur.from = day;
			x->have_start = 1;
		} else {
			/* an end within a day keeps that day */
			x->cur.to = day + late;
			x->have_end = 1;
		}
	} else if (prop_is(s, nlen, "DURATION")) {
		if (ics_duration(value, &x->dur) < 0)
			return fb_error_set(x->err, "%s:%ld: unsupported "
			    "DURATION '%s' (whole days or weeks only)",
			    x->path, line, value);
		x->have_dur = 1;
	} else if (prop_is(s, nlen, "SUMMARY")) {
		free(x->cur.summary);
		ics_unescape(value);
		if ((x->cur.summary = strdup(value)) == NULL)
			return fb_error_set(x->err, "out of memory");
	} else if (prop_is(s, nlen, "CATEGORIES")) {
		ics_unescape(value);
		if (ics_workday_category(value))
			x->cur.work = 1;
	} else if (prop_is(s, nlen, "STATUS")) {
		x->cancelled = strcasecmp(value, "CANCELLED") == 0;
	} else if (prop_is(s, nlen, "RRULE") || prop_is(s, nlen, "RDATE")) {
		return fb_error_set(x->err, "%s:%ld: repeating events (%.*s) "
		    "are not supported: list each date", x->path, line,
		    (int)nlen, s);
	}
	return 0;
}

/* Reads 'path' whole (NUL-terminated); 0 or -1 with 'err'. */
static int
ics_read(const char *path, char **out, size_t *outlen, struct fb_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (fp == NULL)
		return fb_error_set(err, "cannot open '%s': %s", path,
		    strerror(errno));
	do {
		if (cap - len < 65536) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			if (cap > CAL_MAX_ICS + 65536 ||
			    (p = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(fp);
				return fb_error_set(err, cap > CAL_MAX_ICS ?
				    "cannot read '%s': larger than 16M" :
				    "cannot read '%s': out of memory", path);
			}
			buf = p;
		}
		r = fread(buf + len, 1, cap - len, fp);
		len += r;
	} while (r > 0);
	if (ferror(fp)) {
		fb_error_set(err, "cannot read '%s': %s", path,
		    strerror(errno));
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/*
 * Ends the logical line [s, w).  UTF-8 is checked only now: a folder may
 * cut a character in two (RFC 5545 3.1 allows it), unfolding rejoins it.
 */
static int
ics_logical(struct ics *x, char *s, char *w, long line)
{
	*w = '\0';
	if (fb_utf8_check(s, (size_t)(w - s)) < (size_t)(w - s) ||
	    memchr(s, '\0', (size_t)(w - s)) != NULL)
		return fb_error_set(x->err, "%s:%ld: not valid UTF-8", x->path,
		    line);
	return ics_line(x, s, line);
}

/*
 * Parses the file into x->ev.  Lines end in CRLF (or LF alone); one that
 * starts with a blank continues the one before (RFC 5545 3.1).
 */
static int
ics_parse(struct ics *x, char *buf, size_t len)
{
	char *p = buf, *end = buf + len, *w = NULL;
	long line = 0, start_line = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	/* unfold in place: 'w' writes the current logical line */
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		size_t n;

		line++;
		if (eol > p && eol[-1] == '\r')
			eol--;
		n = (size_t)(eol - p);
		if ((*p == ' ' || *p == '\t') && w != NULL) {
			memmove(w, p + 1, n - 1);
			w += n - 1;
		} else {
			if (w != NULL && ics_logical(x, buf, w, start_line) < 0)
				return -1;
			memmove(buf, p, n);
			w = buf + n;
			start_line = line;
		}
		p = nl ? nl + 1 : end;
	}
	if (w != NULL && ics_logical(x, buf, w, start_line) < 0)
		return -1;
	if (!x->calendar)
		return fb_error_set(x->err, "%s:1: not an iCalendar file (no "
		    "BEGIN:VCALENDAR)", x->path);
	if (x->cur_line != 0)
		return fb_error_set(x->err, "%s:%ld: VEVENT without END:VEVENT",
		    x->path, x->cur_line);
	return 0;
}

int
fb_calendar_ics(struct fb_calendar *cal, const char *path,
    struct fb_error *err)
{
	struct ics x;
	char *buf = NULL;
	size_t len = 0, i, days = 0;
	int rc = -1;

	if (ics_read(path, &buf, &len, err) < 0)
		return -1;
	memset(&x, 0, sizeof(x));
	x.path = path;
	x.err = err;
	if (ics_parse(&x, buf, len) < 0) {
		if (x.cur_line != 0)
			free(x.cur.summary);
		goto out;
	}
	for (i = 0; i < x.n; i++)
		days += (size_t)(x.ev[i].to - x.ev[i].from);
	if (reserve_dates(cal, days) < 0) {
		fb_error_set(err, "out of memory");
		goto out;
	}
	for (i = 0; i < x.n; i++) {
		const char *why = NULL;

		if (!x.ev[i].work &&
		    (why = holiday_why(cal, x.ev[i].summary)) == NULL) {
			fb_error_set(err, "out of memory");
			goto out;
		}
		mark_days(cal, x.ev[i].from, x.ev[i].to - 1, why,
		    x.ev[i].work ? 1 : -1);
	}
	update_always(cal);
	rc = 0;
out:
	for (i = 0; i < x.n; i++)
		free(x.ev[i].summary);
	free(x.ev);
	free(buf);
	return rc;
}

/*---- Queries ----*/

/* A local date's working intervals as instants. */
struct cal_day {
	fb_time_t midnight;	/* its first instant */
	const char *why;	/* why its time outside them is excluded */
	int n;
	fb_time_t s[CAL_MAX_SPANS], e[CAL_MAX_SPANS];
};

/* The hours a date has, and why time outside them does not count. */
static const struct cal_hours *
day_hours(const struct fb_calendar *cal, int64_t day, const char **why)
{
	const struct cal_date *d = find_date(cal, day, NULL);
	const struct cal_hours *h;

	if (d != NULL && d->as < 0 && d->holiday != NULL) {
		*why = d->holiday;
		return NULL;
	}
	h = &cal->week[d != NULL && d->as >= 0 ? d->as : weekday(day)];
	*why = h->n > 0 ? why_hours : why_weekend;
	return h;
}

static int64_t
wall_ms(const struct fb_zone *z, fb_time_t t)
{
	return t + (int64_t)fb_zone_offset(z, t) * 1000;
}

/*
 * The first instant at which the wall clock shows 'secs' after the
 * midnight starting local date 'day', or a later time.  That is
 * fb_zone_instant() except in a gap: there the interval starts (or ends)
 * when the clock jumps, so that "02:30-03:15" on the spring-forward
 * night is the 15 minutes from 03:00 EDT, not an interval turned inside
 * out from 03:30 to 03:15.  The jump is found by bisection: gaps are
 * rare, and the zone knows no more than offsets.
 */
static fb_time_t
wall_first(const struct fb_zone *z, int64_t day, int32_t secs)
{
	int64_t want = (day * DAY_S + secs) * 1000, lo, hi;
	fb_time_t t;

	fb_zone_instant(z, 1970, 1, (int)(day + 1), 0, 0, secs, &t);
	if (wall_ms(z, t) <= want)
		return t;
	lo = t - (wall_ms(z, t) - want);	/* still before the gap */
	hi = t;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (wall_ms(z, mid) >= want)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static void
plan_day(const struct fb_calendar *cal, int64_t day, struct cal_day *p)
{
	const struct cal_hours *h = day_hours(cal, day, &p->why);
	int i;

	p->midnight = wall_first(cal->zone, day, 0);
	p->n = 0;
	for (i = 0; h != NULL && i < h->n; i++) {
		fb_time_t s = h->span[i].start == 0 ? p->midnight :
		    wall_first(cal->zone, day, h->span[i].start);
		fb_time_t e = wall_first(cal->zone, day, h->span[i].end);

		if (e > s) {
			p->s[p->n] = s;
			p->e[p->n++] = e;
		}
	}
}

/* The local date of 't'. */
static int64_t
local_day(const struct fb_zone *z, fb_time_t t)
{
	struct fb_civil c;

	fb_zone_civil(z, t, &c);
	return fb_time_from_civil(c.year, c.mon, c.day, 0, 0, 0, 0) / DAY_MS;
}

/* The working time in [from, to), an interval at a time, merged. */
struct cal_walk {
	const struct fb_calendar *cal;
	fb_time_t from, to;
	int64_t day;		/* the next date to plan */
	struct cal_day cur;	/* the date before it */
	int i;			/* the next interval of 'cur' */
	int done;
	int pending;		/* [ps, pe) waits for what may join it */
	fb_time_t ps, pe;
};

static void
walk_init(struct cal_walk *w, const struct fb_calendar *cal, fb_time_t from,
    fb_time_t to)
{
	memset(w, 0, sizeof(*w));
	w->cal = cal;
	w->from = from;
	w->to = to;
	/* the date before may have an interval running past midnight */
	w->day = local_day(cal->zone, from) - 1;
}

/* The next interval of the dates in order, clipped; 1, or 0 at the end. */
static int
walk_raw(struct cal_walk *w, fb_time_t *s, fb_time_t *e)
{
	for (;;) {
		while (w->i < w->cur.n) {
			fb_time_t a = w->cur.s[w->i], b = w->cur.e[w->i];

			w->i++;
			if (a < w->from)
				a = w->from;
			if (b > w->to)
				b = w->to;
			if (a < b) {
				*s = a;
				*e = b;
				return 1;
			}
		}
		if (w->done)
			return 0;
		plan_day(w->cal, w->day++, &w->cur);
		w->i = 0;
		/* later dates start later still */
		if (w->cur.midnight >= w->to) {
			w->done = 1;
			w->cur.n = 0;
		}
	}
}

/*
 * The next maximal working interval in [from, to).  The intervals come
 * in order of their starts, so one only has to wait to see whether the
 * next touches it (a night shift running into a morning one).
 */
static int
walk_next(struct cal_walk *w, fb_time_t *s, fb_time_t *e)
{
	fb_time_t a, b;

	while (walk_raw(w, &a, &b)) {
		if (!w->pending) {
			w->ps = a;
			w->pe = b;
			w->pending = 1;
		} else if (a <= w->pe) {
			if (b > w->pe)
				w->pe = b;
		} else {
			*s = w->ps;
			*e = w->pe;
			w->ps = a;
			w->pe = b;
			return 1;
		}
	}
	if (!w->pending)
		return 0;
	*s = w->ps;
	*e = w->pe;
	w->pending = 0;
	return 1;
}

/* Clamps [a, b) to what the queries look at; 0 when empty. */
static int
window(fb_time_t *a, fb_time_t *b)
{
	*a = clamp(*a);
	*b = clamp(*b);
	if (*b - *a > FB_CALENDAR_MAX_SPAN)
		*b = *a + FB_CALENDAR_MAX_SPAN;
	return *b > *a;
}

int64_t
fb_calendar_elapsed(const struct fb_calendar *cal, fb_time_t a, fb_time_t b)
{
	struct cal_walk w;
	fb_time_t s, e;
	int64_t sum = 0;

	if (!window(&a, &b))
		return 0;
	if (cal->always)
		return b - a;
	walk_init(&w, cal, a, b);
	while (walk_next(&w, &s, &e))
		sum += e - s;
	return sum;
}

fb_time_t
fb_calendar_add(const struct fb_calendar *cal, fb_time_t start, int64_t ms)
{
	struct cal_walk w;
	fb_time_t s, e;

	if (start < -CAL_TLIMIT || start > CAL_TLIMIT)
		return FB_TIME_MAX;
	if (ms <= 0)
		return start;
	if (ms > FB_CALENDAR_MAX_SPAN)
		return FB_TIME_MAX;
	if (cal->always)
		return start + ms;
	walk_init(&w, cal, start, start + FB_CALENDAR_MAX_SPAN);
	while (walk_next(&w, &s, &e)) {
		if (ms <= e - s)
			return s + ms;
		ms -= e - s;
	}
	return FB_TIME_MAX;
}

/* An excluded span waiting to be joined by the next with its reason. */
struct cal_gaps {
	int (*fn)(void *arg, fb_time_t from, fb_time_t to, const char *why);
	void *arg;
	int have;
	fb_time_t from, to;
	const char *why;
};

static int
gap_emit(struct cal_gaps *g, fb_time_t from, fb_time_t to, const char *why)
{
	int rc;

	if (g->have && g->to == from && g->why == why) {
		g->to = to;
		return 0;
	}
	if (g->have && (rc = g->fn(g->arg, g->from, g->to, g->why)) != 0)
		return rc;
	g->have = 1;
	g->from = from;
	g->to = to;
	g->why = why;
	return 0;
}

/* Cuts the excluded [from, to) at local midnights, each day with its reason. */
static int
gap_days(const struct fb_calendar *cal, struct cal_gaps *g, fb_time_t from,
    fb_time_t to)
{
	int64_t day = local_day(cal->zone, from);
	const char *why;
	int rc;

	while (from < to) {
		fb_time_t next = wall_first(cal->zone, day + 1, 0);

		day_hours(cal, day, &why);
		if (next > to)
			next = to;
		if (next > from) {
			if ((rc = gap_emit(g, from, next, why)) != 0)
				return rc;
			from = next;
		}
		day++;
	}
	return 0;
}

int
fb_calendar_excluded(const struct fb_calendar *cal, fb_time_t a,
    fb_time_t b, int (*fn)(void *arg, fb_time_t from, fb_time_t to,
    const char *why), void *arg)
{
	struct cal_walk w;
	struct cal_gaps g;
	fb_time_t s, e, at;
	int rc;

	if (!window(&a, &b) || cal->always)
		return 0;
	memset(&g, 0, sizeof(g));
	g.fn = fn;
	g.arg = arg;
	walk_init(&w, cal, a, b);
	at = a;
	while (walk_next(&w, &s, &e)) {
		if (s > at && (rc = gap_days(cal, &g, at, s)) != 0)
			return rc;
		at = e;
	}
	if (at < b && (rc = gap_days(cal, &g, at, b)) != 0)
		return rc;
	return g.have ? g.fn(g.arg, g.from, g.to, g.why) : 0;
}
