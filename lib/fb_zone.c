/*
 * fb_zone.c: IANA time zones read from their TZif files (RFC 8536), so
 * that one process can hold several at once (an SLA policy with
 * calendars in Asia/Shanghai and America/New_York) without the
 * process-wide TZ that fb_tz_set() and localtime_r() share.
 *
 * A zone is its list of transitions (the 64-bit data of version 2 and
 * later files, else the 32-bit data) and the POSIX TZ rule of the footer,
 * which says what happens after the last listed transition: "slim" files
 * stop listing in 2007, "fat" ones in 2037.  The rule's transitions up
 * to 2200 are listed at load as if the file had them, so that looking up
 * any date of this century is one binary search.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb.h"

#define ZONE_MAX_FILE	(1024 * 1024)
#define ZONE_MAX_NAME	255
/* tzdata's widest offset is an LMT under 16h; more means a broken file */
#define ZONE_MAX_OFF	(26 * 3600)
/* fb_zone_instant()'s years, so that its seconds stay far inside int64 */
#define ZONE_MAX_YEAR	1000000
#define DAY		86400
/* the footer's transitions are listed up to this year at load */
#define ZONE_RULE_UNTIL	2200

/* A date of a POSIX TZ rule, and the local time of day it happens at. */
struct tz_date {
	char kind;		/* 'J' (1-365, no Feb 29), 'D' (0-365), 'M' */
	int a, b, c;		/* n; or month, week 1-5 (5 = last), weekday */
	int32_t time;		/* seconds after local midnight, +-167h */
};

/* "EST5EDT,M3.2.0,M11.1.0": offsets east of UTC, as fb uses them. */
struct tz_rule {
	int32_t std_off, dst_off;
	int has_dst;
	struct tz_date start, end;	/* into daylight time, and out */
};

struct fb_zone {
	char *name;
	int64_t *trans;		/* seconds since the epoch, ascending */
	unsigned char *idx;	/* the type each transition starts */
	size_t ntrans;
	int32_t *offs;		/* the types' offsets; [0] before trans[0] */
	size_t ntypes;
	int has_rule;		/* the footer, from the last transition on */
	struct tz_rule rule;
};

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
floormod(int64_t a, int64_t b)
{
	return a - floordiv(a, b) * b;
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
month_days(int64_t y, int m)
{
	static const int dm[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/*---- POSIX TZ rules (RFC 8536 3.3, POSIX.1 TZ) ----*/

/* An abbreviation: three or more letters, or <...> ("<+0330>"). */
static const char *
tz_abbr(const char *s)
{
	const char *p = s;

	if (*p == '<') {
		for (p++; isalnum((unsigned char)*p) || *p == '+' || *p == '-';
		    p++)
			;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hh <= 'maxh', in seconds. */
static const char *
tz_hms(const char *s, int maxh, int32_t *out)
{
	int sign = 1, h = 0, m = 0, sec = 0, n = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	while (isdigit((unsigned char)*s) && n < 3) {
		h = h * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || h > maxh)
		return NULL;
	if (*s == ':') {
		if (!isdigit((unsigned char)s[1]) ||
		    !isdigit((unsigned char)s[2]))
			return NULL;
		m = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
		if (*s == ':') {
			if (!isdigit((unsigned char)s[1]) ||
			    !isdigit((unsigned char)s[2]))
				return NULL;
			sec = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
		}
		if (m > 59 || sec > 59)
			return NULL;
	}
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

static const char *
tz_int(const char *s, int min, int max, int *out)
{
	int v = 0, n = 0;

	while (isdigit((unsigned char)*s) && n < 4) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || v < min || v > max)
		return NULL;
	*out = v;
	return s;
}

/* "Jn", "n" or "Mm.w.d", then "/time" (default 02:00). */
static const char *
tz_date(const char *s, struct tz_date *d)
{
	memset(d, 0, sizeof(*d));
	if (*s == 'J') {
		d->kind = 'J';
		s = tz_int(s + 1, 1, 365, &d->a);
	} else if (*s == 'M') {
		d->kind = 'M';
		if ((s = tz_int(s + 1, 1, 12, &d->a)) == NULL || *s != '.' ||
		    (s = tz_int(s + 1, 1, 5, &d->b)) == NULL || *s != '.')
			return NULL;
		s = tz_int(s + 1, 0, 6, &d->c);
	} else {
		d->kind = 'D';
		s = tz_int(s, 0, 365, &d->a);
	}
	if (s == NULL)
		return NULL;
	d->time = 7200;
	/* RFC 8536 widens the time to -167..167 hours (America/Nuuk: /-1) */
	if (*s == '/')
		s = tz_hms(s + 1, 167, &d->time);
	return s;
}

/* Parses a whole TZ string ("CST-8", "EST5EDT,M3.2.0,M11.1.0"). */
static int
tz_rule_parse(const char *s, struct tz_rule *r)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if ((s = tz_abbr(s)) == NULL || (s = tz_hms(s, 24, &v)) == NULL)
		return -1;
	r->std_off = -v;	/* POSIX counts hours west of Greenwich */
	if (*s == '\0')
		return 0;
	if ((s = tz_abbr(s)) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s != ',' && *s != '\0') {
		if ((s = tz_hms(s, 24, &v)) == NULL)
			return -1;
		r->dst_off = -v;
	}
	/* no dates: the US rules, as glibc and tzcode assume */
	if (*s == '\0')
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || (s = tz_date(s + 1, &r->start)) == NULL ||
	    *s != ',' || (s = tz_date(s + 1, &r->end)) == NULL || *s != '\0')
		return -1;
	return 0;
}

/* The day (since the epoch) a rule date falls on in year 'y'. */
static int64_t
rule_day(const struct tz_date *d, int64_t y)
{
	int64_t first, day;

	switch (d->kind) {
	case 'J':
		return fb_days_from_civil(y, 1, 1) + d->a - 1 +
		    (is_leap(y) && d->a >= 60);
	case 'D':
		return fb_days_from_civil(y, 1, 1) + d->a;
	default:
		first = fb_days_from_civil(y, d->a, 1);
		/* 1970-01-01 was a Thursday (4) */
		day = first + floormod(d->c - floormod(first + 4, 7), 7) +
		    (int64_t)(d->b - 1) * 7;
		if (day >= first + month_days(y, d->a))
			day -= 7;	/* week 5 is the last, maybe the 4th */
		return day;
	}
}

/* A transition of a rule: into daylight time or out of it. */
struct rule_event {
	int64_t t;
	int dst;
};

/*
 * The offset the rule gives at 's' (seconds), and the next instant it
 * changes.  The transitions of the years around 's' are laid out in
 * order, so southern zones (daylight time across New Year) and rules
 * whose times run past midnight ("M3.5.0/-1", "J365/25") come out right.
 */
static int32_t
rule_at(const struct tz_rule *r, int64_t s, int64_t *next)
{
	struct rule_event ev[6], tmp;
	int64_t y;
	int m, d, i, j, dst;

	if (!r->has_dst) {
		*next = INT64_MAX;
		return r->std_off;
	}
	fb_civil_from_days(floordiv(s, DAY), &y, &m, &d);
	for (i = 0; i < 3; i++) {
		/* the start is in standard time, the end in daylight time */
		ev[2 * i].t = rule_day(&r->start, y - 1 + i) * DAY +
		    r->start.time - r->std_off;
		ev[2 * i].dst = 1;
		ev[2 * i + 1].t = rule_day(&r->end, y - 1 + i) * DAY +
		    r->end.time - r->dst_off;
		ev[2 * i + 1].dst = 0;
	}
	for (i = 1; i < 6; i++)
		for (j = i; j > 0 && ev[j - 1].t > ev[j].t; j--) {
			tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
	dst = !ev[0].dst;
	*next = INT64_MAX;
	for (i = 0; i < 6; i++) {
		if (ev[i].t > s) {
			*next = ev[i].t;
			break;
		}
		dst = ev[i].dst;
	}
	return dst ? r->dst_off : r->std_off;
}

/*---- TZif files ----*/

static int
event_cmp(const void *a, const void *b)
{
	const struct rule_event *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

/* The index of the type with offset 'off', added when missing; -1 if full. */
static int
type_of(struct fb_zone *z, int32_t off)
{
	int32_t *p;
	size_t i;

	for (i = 0; i < z->ntypes; i++)
		if (z->offs[i] == off)
			return (int)i;
	if (z->ntypes == 256 ||
	    (p = realloc(z->offs, (z->ntypes + 1) * sizeof(*p))) == NULL)
		return -1;
	z->offs = p;
	z->offs[z->ntypes] = off;
	return (int)z->ntypes++;
}

/*
 * Lists the footer rule's transitions up to ZONE_RULE_UNTIL as if the
 * file held them, so that a date of this century is a binary search
 * rather than the rule worked out each time ("slim" files stop listing
 * in 2007).  Later dates still go through rule_at().  0, or -1 when out
 * of memory.
 */
static int
extend_by_rule(struct fb_zone *z)
{
	struct rule_event *ev;
	int64_t last = z->trans[z->ntrans - 1], y0, y;
	size_t n = 0, i, cap;
	int m, d, tstd, tdst;
	void *p;

	fb_civil_from_days(floordiv(last, DAY), &y0, &m, &d);
	if (y0 >= ZONE_RULE_UNTIL)
		return 0;
	if ((tstd = type_of(z, z->rule.std_off)) < 0 ||
	    (tdst = type_of(z, z->rule.dst_off)) < 0)
		return z->ntypes == 256 ? 0 : -1;
	cap = 2 * (size_t)(ZONE_RULE_UNTIL - y0 + 1);
	if ((ev = malloc(cap * sizeof(*ev))) == NULL)
		return -1;
	for (y = y0; y <= ZONE_RULE_UNTIL; y++) {
		ev[n].t = rule_day(&z->rule.start, y) * DAY +
		    z->rule.start.time - z->rule.std_off;
		ev[n++].dst = 1;
		ev[n].t = rule_day(&z->rule.end, y) * DAY + z->rule.end.time -
		    z->rule.dst_off;
		ev[n++].dst = 0;
	}
	qsort(ev, n, sizeof(*ev), event_cmp);
	if ((p = realloc(z->trans, (z->ntrans + n) * sizeof(*z->trans))) ==
	    NULL) {
		free(ev);
		return -1;
	}
	z->trans = p;
	if ((p = realloc(z->idx, z->ntrans + n)) == NULL) {
		free(ev);
		return -1;
	}
	z->idx = p;
	for (i = 0; i < n; i++)
		if (ev[i].t > z->trans[z->ntrans - 1]) {
			z->trans[z->ntrans] = ev[i].t;
			z->idx[z->ntrans++] = (unsigned char)(ev[i].dst ?
			    tdst : tstd);
		}
	free(ev);
	return 0;
}

static int64_t
be32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)(uint32_t)be32(p) << 32 |
	    (uint32_t)be32(p + 4));
}

/*
 * Reads the TZif data in 'p' into 'z'.  Returns 0, or -1 with a reason
 * in 'why'.
 */
static int
tzif_parse(struct fb_zone *z, const unsigned char *p, size_t len,
    const char **why)
{
	size_t at = 0, tsize = 4, need, i, n[6];
	size_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
	int pass;

	*why = "not a TZif file";
	for (pass = 0; pass < 2; pass++) {
		if (len - at < 44 || memcmp(p + at, "TZif", 4) != 0)
			return -1;
		for (i = 0; i < 6; i++)
			n[i] = (uint32_t)be32(p + at + 20 + 4 * i);
		isutcnt = n[0], isstdcnt = n[1], leapcnt = n[2];
		timecnt = n[3], typecnt = n[4], charcnt = n[5];
		need = timecnt * (tsize + 1) + typecnt * 6 + charcnt +
		    leapcnt * (tsize + 4) + isstdcnt + isutcnt;
		if (typecnt == 0 || typecnt > 256 || need > len - at - 44 ||
		    (isstdcnt != 0 && isstdcnt != typecnt) ||
		    (isutcnt != 0 && isutcnt != typecnt))
			return -1;
		/* version 2 and later repeat the data with 64-bit times */
		if (pass == 1 || p[at + 4] < '2')
			break;
		at += 44 + need;
		tsize = 8;
	}
	if (leapcnt != 0) {
		*why = "leap seconds (right/ zones) are not supported";
		return -1;
	}
	at += 44;
	z->ntrans = timecnt;
	z->ntypes = typecnt;
	z->trans = malloc((timecnt ? timecnt : 1) * sizeof(*z->trans));
	z->idx = malloc(timecnt ? timecnt : 1);
	z->offs = malloc(typecnt * sizeof(*z->offs));
	if (z->trans == NULL || z->idx == NULL || z->offs == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < timecnt; i++) {
		z->trans[i] = tsize == 8 ? be64(p + at + 8 * i) :
		    be32(p + at + 4 * i);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return -1;
	}
	at += timecnt * tsize;
	for (i = 0; i < timecnt; i++)
		if ((z->idx[i] = p[at + i]) >= typecnt)
			return -1;
	at += timecnt;
	for (i = 0; i < typecnt; i++) {
		int64_t off = be32(p + at + 6 * i);

		if (off < -ZONE_MAX_OFF || off > ZONE_MAX_OFF)
			return -1;
		z->offs[i] = (int32_t)off;
	}
	at += need - timecnt * (tsize + 1);
	if (tsize == 8) {
		const unsigned char *nl;
		char footer[128];
		size_t flen;

		if (at >= len || p[at] != '\n' ||
		    (nl = memchr(p + at + 1, '\n', len - at - 1)) == NULL)
			return -1;
		flen = (size_t)(nl - (p + at + 1));
		if (flen >= sizeof(footer))
			return -1;
		memcpy(footer, p + at + 1, flen);
		footer[flen] = '\0';
		if (flen > 0) {
			if (tz_rule_parse(footer, &z->rule) < 0) {
				*why = "its TZ rule is not understood";
				return -1;
			}
			z->has_rule = 1;
			if (z->rule.has_dst && timecnt > 0 &&
			    extend_by_rule(z) < 0) {
				*why = "out of memory";
				return -1;
			}
		}
	}
	return 0;
}

static int
read_all(int fd, unsigned char **out, size_t *outlen)
{
	struct stat sb;
	unsigned char *buf;
	size_t len = 0;
	ssize_t r;

	if (fstat(fd, &sb) < 0)
		return -1;
	if (!S_ISREG(sb.st_mode) || sb.st_size > ZONE_MAX_FILE) {
		errno = EINVAL;
		return -1;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL)
		return -1;
	while (len < (size_t)sb.st_size + 1) {
		r = read(fd, buf + len, (size_t)sb.st_size + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* A zone with a single offset or a POSIX rule, and no file. */
static int
zone_from_rule(struct fb_zone *z, const struct tz_rule *r)
{
	if ((z->offs = malloc(sizeof(*z->offs))) == NULL)
		return -1;
	z->ntypes = 1;
	z->offs[0] = r->std_off;
	z->rule = *r;
	z->has_rule = 1;
	return 0;
}

struct fb_zone *
fb_zone_load(const char *name, struct fb_error *err)
{
	struct fb_zone *z;
	struct tz_rule rule;
	const char *dir = getenv("TZDIR"), *why;
	char path[1024];
	unsigned char *data;
	size_t len;
	int fd, rc, file = 0;

	/* as TZ allows: ":Asia/Shanghai", and ":/etc/localtime" for a file */
	if (name != NULL && *name == ':') {
		name++;
		file = *name == '/';
	}
	if (name != NULL && strcmp(name, "/etc/localtime") == 0)
		file = 1;
	if (name == NULL || *name == '\0' || (*name == '/' && !file) ||
	    strstr(name, "..") != NULL || strlen(name) > ZONE_MAX_NAME) {
		fb_error_set(err, "unknown time zone '%s'", name ? name : "");
		return NULL;
	}
	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->name = strdup(name)) == NULL)
		goto nomem;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0) {
		memset(&rule, 0, sizeof(rule));
		if (zone_from_rule(z, &rule) < 0)
			goto nomem;
		return z;
	}
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	if (file)
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY)) < 0) {
		/* like TZ itself, a name no file has may be a POSIX rule */
		if (errno == ENOENT || errno == ENOTDIR) {
			if (strpbrk(name, "0123456789") != NULL &&
			    tz_rule_parse(name, &rule) == 0) {
				if (zone_from_rule(z, &rule) < 0)
					goto nomem;
				return z;
			}
			fb_error_set(err, "unknown time zone '%s'", name);
		} else
			fb_error_set(err, "cannot open '%s': %s", path,
			    strerror(errno));
		fb_zone_free(z);
		return NULL;
	}
	rc = read_all(fd, &data, &len);
	close(fd);
	if (rc < 0) {
		if (errno == EINVAL)
			fb_error_set(err, "unknown time zone '%s'", name);
		else
			fb_error_set(err, "cannot read '%s': %s", path,
			    strerror(errno));
		fb_zone_free(z);
		return NULL;
	}
	rc = tzif_parse(z, data, len, &why);
	free(data);
	if (rc < 0) {
		fb_error_set(err, "invalid time zone file '%s': %s", path, why);
		fb_zone_free(z);
		return NULL;
	}
	return z;
nomem:
	fb_zone_free(z);
	fb_error_set(err, "out of memory");
	return NULL;
}

void
fb_zone_free(struct fb_zone *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->offs);
	free(z);
}

const char *
fb_zone_name(const struct fb_zone *z)
{
	return z->name;
}

/*
 * The offset at 's' (seconds since the epoch) and in '*next' the next
 * instant it may change (INT64_MAX when never).  RFC 8536: type 0 before
 * the first transition, the footer from the last one on (or, without a
 * footer, the last transition's type).
 */
static int32_t
zone_at(const struct fb_zone *z, int64_t s, int64_t *next)
{
	size_t lo, hi;

	if (z->ntrans == 0 || s >= z->trans[z->ntrans - 1]) {
		if (z->has_rule)
			return rule_at(&z->rule, s, next);
		*next = INT64_MAX;
		return z->offs[z->ntrans == 0 ? 0 : z->idx[z->ntrans - 1]];
	}
	if (s < z->trans[0]) {
		*next = z->trans[0];
		return z->offs[0];
	}
	/* the last transition at or before 's': trans[lo] <= s < trans[hi] */
	lo = 0;
	hi = z->ntrans - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (z->trans[mid] <= s)
			lo = mid;
		else
			hi = mid;
	}
	*next = z->trans[hi];
	return z->offs[z->idx[lo]];
}

int
fb_zone_offset(const struct fb_zone *z, fb_time_t t)
{
	int64_t next;

	return zone_at(z, floordiv(t, 1000), &next);
}

int
fb_zone_civil(const struct fb_zone *z, fb_time_t t, struct fb_civil *c)
{
	int64_t next, y, local, days, rem;
	int32_t off;

	off = zone_at(z, floordiv(t, 1000), &next);
	local = floordiv(t, 1000) + off;
	days = floordiv(local, DAY);
	rem = local - days * DAY;
	fb_civil_from_days(days, &y, &c->mon, &c->day);
	c->year = (int)y;
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem / 60 % 60);
	c->sec = (int)(rem % 60);
	c->wday = (int)floormod(days + 4, 7);
	c->yday = (int)(days - fb_days_from_civil(y, 1, 1));
	c->offset = off;
	return 0;
}

/*
 * The instant (seconds) of the local time 'L' (seconds since the local
 * epoch).  Each stretch of constant offset o near L offers L - o; the
 * first that falls inside its own stretch is the earliest reading (the
 * earlier one in an overlap).  None does in a gap, which is read with
 * the offset before it.  Offsets are under 26h, so two days either side
 * hold every candidate.
 */
static int64_t
local_to_utc(const struct fb_zone *z, int64_t L)
{
	int64_t seg = L - 2 * DAY, end = L + 2 * DAY, next, next2, cand;
	int64_t gap = INT64_MIN;
	int32_t off = zone_at(z, seg, &next), off2;
	int i;

	if (next > end)
		return L - off;
	for (i = 0; i < 32; i++) {
		cand = L - off;
		if (cand >= seg && cand < next)
			return cand;
		if (next == INT64_MAX || next > end)
			break;
		off2 = zone_at(z, next, &next2);
		/* the clock leaves this stretch by L, enters the next after */
		if (cand >= next && L - off2 < next && gap == INT64_MIN)
			gap = cand;
		seg = next;
		off = off2;
		next = next2;
	}
	return gap != INT64_MIN ? gap : L - off;
}

int
fb_zone_instant(const struct fb_zone *z, int year, int mon, int day,
    int hour, int min, int sec, fb_time_t *t)
{
	int64_t L;

	if (mon < 1 || mon > 12 || year < -ZONE_MAX_YEAR ||
	    year > ZONE_MAX_YEAR)
		return -1;
	L = (fb_days_from_civil(year, mon, 1) + day - 1) * DAY +
	    (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
	*t = local_to_utc(z, L) * 1000;
	return 0;
}
