/*
 * test_misc_new.c: the small helpers added with fb-rank: numbers written
 * as JSON (fb_buf_addnum) and read from JSON (fb_json_number), civil
 * local time (fb_time_local) and the taxonomy by index
 * (fb_taxonomy_index, fb_taxonomy_tag).
 *
 * A check that can make the library misbehave (undefined behaviour, a
 * read out of bounds) runs in a child process, so that under ASan/UBSan
 * it fails as one check instead of ending the program.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "tap.h"

/*---- Running a piece in a child ----*/

/*
 * Runs fn(arg, out, outsz) in a child and returns what it wrote to 'out',
 * or "(child failed: ...)" when it died or exited non-zero; then the
 * sanitizer's one-line verdict from the child's stderr is shown as a
 * diagnostic instead of its whole report.
 */
static const char *
in_child(void (*fn)(const void *arg, char *out, size_t outsz),
    const void *arg)
{
	static char res[512];
	char buf[512], errpath[] = "/tmp/fb-unit-misc-XXXXXX";
	int fds[2], st, errfd;
	ssize_t n;
	size_t len = 0;
	pid_t pid;
	FILE *ef;

	fflush(stdout);
	fflush(stderr);
	if ((errfd = mkstemp(errpath)) < 0)
		abort();
	unlink(errpath);
	if (pipe(fds) < 0 || (pid = fork()) < 0)
		abort();
	if (pid == 0) {
		close(fds[0]);
		if (dup2(errfd, 2) < 0)
			_exit(3);
		buf[0] = '\0';
		fn(arg, buf, sizeof(buf));
		if (write(fds[1], buf, strlen(buf)) < 0)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	while (len < sizeof(res) - 1 &&
	    (n = read(fds[0], res + len, sizeof(res) - 1 - len)) > 0)
		len += (size_t)n;
	res[len] = '\0';
	close(fds[0]);
	if (waitpid(pid, &st, 0) < 0)
		abort();
	if (WIFSIGNALED(st))
		snprintf(res, sizeof(res), "(child failed: signal %d)",
		    WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		snprintf(res, sizeof(res), "(child failed: exit %d)",
		    WEXITSTATUS(st));
	if (lseek(errfd, 0, SEEK_SET) == 0 &&
	    (ef = fdopen(errfd, "r")) != NULL) {
		while (fgets(buf, sizeof(buf), ef) != NULL)
			if (strstr(buf, "runtime error:") != NULL ||
			    strncmp(buf, "SUMMARY:", 8) == 0) {
				buf[strcspn(buf, "\n")] = '\0';
				diag("child: %s", buf);
			}
		fclose(ef);
	} else
		close(errfd);
	return res;
}

/*---- fb_buf_addnum ----*/

static const char *
num(double x, int digits)
{
	static char out[128];
	struct fb_buf b = { NULL, 0, 0, 0 };

	fb_buf_addnum(&b, x, digits);
	snprintf(out, sizeof(out), "%s", b.err ? "(ENOMEM)" : b.p);
	fb_buf_release(&b);
	return out;
}

struct num_arg {
	double x;
	int digits;
};

static void
num_child(const void *arg, char *out, size_t outsz)
{
	const struct num_arg *a = arg;

	snprintf(out, outsz, "%s", num(a->x, a->digits));
}

/* fb_buf_addnum() in a child: for values whose scaling may overflow. */
static const char *
num_safe(double x, int digits)
{
	struct num_arg a = { x, digits };

	return in_child(num_child, &a);
}

static void
test_addnum(void)
{
	struct fb_buf b = { NULL, 0, 0, 0 };

	is_str(num(0.25, 3), "0.25", "0.25");
	is_str(num(-1, 3), "-1", "-1: no decimals");
	is_str(num(0, 3), "0", "0");
	is_str(num(12860.5, 2), "12860.5", "12860.5: no trailing zero");
	is_str(num(12860.5, 0), "12861", "12860.5 at 0 digits rounds up");
	is_str(num(0.0005, 3), "0.001", "0.0005 at 3 digits rounds up");
	is_str(num(0.0004, 3), "0", "0.0004 at 3 digits is 0");
	is_str(num(-0.0005, 3), "-0.001", "-0.0005 at 3 digits: -0.001");
	is_str(num(-0.0004, 3), "0", "-0.0004 at 3 digits is 0, not -0");
	is_str(num(-0.0, 3), "0", "negative zero is 0");
	is_str(num(-0.0, 0), "0", "negative zero at 0 digits");
	is_str(num(-0.4, 0), "0", "-0.4 at 0 digits is 0");
	is_str(num(2.5, 0), "3", "halves round away from zero");
	is_str(num(-2.5, 0), "-3", "and for negatives");
	is_str(num(-1.25, 3), "-1.25", "-1.25");
	is_str(num(-12.3456, 2), "-12.35", "-12.3456 at 2 digits");
	is_str(num(0.999, 2), "1", "0.999 at 2 digits carries to 1");
	is_str(num(9.9996, 3), "10", "9.9996 at 3 digits carries to 10");
	is_str(num(-9.9996, 3), "-10", "-9.9996 at 3 digits: -10");
	is_str(num(0.1 + 0.2, 9), "0.3", "0.1 + 0.2 at 9 digits is 0.3");
	is_str(num(0.05, 3), "0.05", "a leading zero decimal kept");
	is_str(num(1.000001, 9), "1.000001", "inner zeros kept");
	is_str(num(123.456789, 9), "123.456789", "9 digits");
	is_str(num(1.2345678901234, 12), "1.23456789",
	    "more than 9 digits counts as 9");
	is_str(num(1e-10, 9), "0", "below the last digit: 0");
	is_str(num(3.7, -2), "4", "negative digits count as 0");
	is_str(num(999999999999999.5, 0), "1000000000000000",
	    "999999999999999.5 at 0 digits");
	is_str(num(NAN, 3), "null", "NaN is null");
	is_str(num(-NAN, 3), "null", "-NaN is null");
	is_str(num(1e15, 3), "1000000000000000", "1e15 at 3 digits");
	is_str(num(-1e15, 3), "-1000000000000000", "-1e15 at 3 digits");
	is_str(num(1e16, 3), "10000000000000000", "1e16: %%.17g");
	is_str(num(1e20, 2), "1e+20", "1e20: a JSON exponent");
	is_str(num(-1.5e300, 2), "-1.5000000000000001e+300",
	    "-1.5e300: valid JSON");
	is_str(num(DBL_MAX, 2), "1.7976931348623157e+308", "DBL_MAX");
	is_str(num(INFINITY, 3), "null",
	    "BUG: infinity is not JSON: null like NaN (got \"inf\")");
	is_str(num(-INFINITY, 3), "null",
	    "BUG: -infinity is not JSON: null like NaN (got \"-inf\")");
	is_str(num_safe(1e15, 4), "1000000000000000",
	    "BUG: 1e15 at 4 digits (x * 10^4 overflows llround, then "
	    "v = -v on LLONG_MIN)");
	is_str(num_safe(123456789012.5, 9), "123456789012.5",
	    "BUG: 123456789012.5 at 9 digits (x * 10^9 overflows)");
	is_str(num_safe(-98765432109.25, 9), "-98765432109.25",
	    "BUG: -98765432109.25 at 9 digits");
	is_str(num(1e15 + 0.5, 0), "1000000000000001",
	    "BUG (minor): 1e15 + 0.5 at 0 digits has no decimals (the %%.17g "
	    "path prints \"1000000000000000.5\")");
	{
		/* past 2^53 / 10^digits the last decimals are noise, but
		 * they must still read back as the same double */
		const char *got = num(71692777.915, 9);

		ok(strtod(got, NULL) == 71692777.915 &&
		    strlen(strchr(got, '.') ? strchr(got, '.') + 1 : "") <= 9,
		    "71692777.915 at 9 digits reads back the same: %s", got);
	}

	/* it appends */
	fb_buf_adds(&b, "[");
	fb_buf_addnum(&b, 1.5, 1);
	fb_buf_addc(&b, ',');
	fb_buf_addnum(&b, NAN, 1);
	fb_buf_addc(&b, ',');
	fb_buf_addnum(&b, -7, 1);
	fb_buf_addc(&b, ']');
	is_str(b.p, "[1.5,null,-7]", "appends to what the buffer holds");
	fb_buf_release(&b);
}

/*---- fb_json_number ----*/

static double jnum_val;

static int
jnum(const char *s, size_t len)
{
	struct fb_span v = { s, len };

	jnum_val = -12345;
	return fb_json_number(v, &jnum_val);
}

static void
test_json_number(void)
{
	static const char *const not_json[] = {
		"0x10", "-inf", "-nan", "1.", "01", "-Infinity", "-0x1p3",
		"00", NULL
	};
	char longnum[200];
	size_t i;
	int taken;

	ok(jnum("0", 1) == 0 && jnum_val == 0, "0");
	ok(jnum("-1", 2) == 0 && jnum_val == -1, "-1");
	ok(jnum("12860.5", 7) == 0 && jnum_val == 12860.5, "12860.5");
	ok(jnum("1e3", 3) == 0 && jnum_val == 1000, "1e3");
	ok(jnum("-2.5E-3", 7) == 0 && jnum_val == -0.0025, "-2.5E-3");
	ok(jnum("1E+2", 4) == 0 && jnum_val == 100, "1E+2");
	ok(jnum("-0", 2) == 0 && jnum_val == 0 && signbit(jnum_val),
	    "-0 is -0.0");
	ok(jnum("9007199254740993", 16) == 0 && jnum_val == 9007199254740992.0,
	    "a 2^53 + 1 integer rounds to a double");
	ok(jnum("1e999", 5) == 0 && isinf(jnum_val),
	    "1e999 is a JSON number: infinity (callers check isfinite)");
	ok(jnum("123456", 3) == 0 && jnum_val == 123,
	    "only the span's bytes are read (\"123456\", 3)");
	ok(jnum("5,", 1) == 0 && jnum_val == 5, "a span inside a longer text");
	is_int(jnum("", 0), -1, "an empty span");
	is_int(jnum("\"12\"", 4), -1, "a string is no number");
	is_int(jnum("true", 4), -1, "true");
	is_int(jnum("null", 4), -1, "null");
	is_int(jnum("-", 1), -1, "a lone minus");
	is_int(jnum("1e", 2), -1, "1e");
	is_int(jnum("12abc", 5), -1, "12abc");
	is_int(jnum(" 1", 2), -1, "a leading blank");
	is_int(jnum("1 ", 2), -1, "a trailing blank");
	is_int(jnum("+1", 2), -1, "a plus sign");
	is_int(jnum(".5", 2), -1, ".5");
	is_int(jnum("[1]", 3), -1, "an array");

	/* length: 63 characters fit the buffer, longer ones must too */
	memset(longnum, '0', sizeof(longnum));
	longnum[0] = '1';
	longnum[1] = '.';
	ok(jnum(longnum, 63) == 0 && jnum_val == 1, "a 63-character number");
	ok(jnum(longnum, 64) == 0 && jnum_val == 1,
	    "BUG: a 64-character number is a number (got -1: it must fit a "
	    "64-byte buffer)");
	snprintf(longnum, sizeof(longnum), "%s", "3.14159265358979323846264"
	    "338327950288419716939937510582097494459230781640628620899");
	ok(jnum(longnum, strlen(longnum)) == 0 && fabs(jnum_val - M_PI) < 1e-15,
	    "BUG: pi to %zu characters is a number", strlen(longnum));

	/*
	 * Not JSON numbers, which strtod() reads: "-1 if 'v' is no number".
	 * Spans from fb_json_scan() never look like this, so it is minor.
	 */
	taken = 0;
	for (i = 0; not_json[i] != NULL; i++)
		if (jnum(not_json[i], strlen(not_json[i])) == 0) {
			diag("'%s' was read as %g", not_json[i], jnum_val);
			taken++;
		}
	is_int(taken, 0, "BUG (minor): tokens that are not JSON numbers "
	    "(0x10, -inf, -nan, 1., 01, ...) are rejected");
}

/*---- fb_time_local ----*/

/* 't' in the zone set as "YYYY-MM-DD HH:MM:SS wW dstD offO ydayY". */
static const char *
local(fb_time_t t)
{
	static char out[128];
	struct tm tm;

	memset(&tm, 0x5a, sizeof(tm));
	if (fb_time_local(t, &tm) < 0)
		return "-1";
	snprintf(out, sizeof(out), "%04d-%02d-%02d %02d:%02d:%02d w%d dst%d "
	    "off%ld yday%d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_wday, tm.tm_isdst > 0,
	    (long)tm.tm_gmtoff, tm.tm_yday);
	return out;
}

static fb_time_t
utc(long y, int mo, int d, int h, int mi, int s, int ms)
{
	return fb_time_from_civil(y, mo, d, h, mi, s, ms);
}

static void
test_time_local(void)
{
	struct fb_error err;
	struct tm tm;
	fb_time_t t = utc(2026, 11, 22, 2, 15, 0, 0);
	int rc;

	ok(fb_tz_set("Asia/Shanghai", &err) == 0, "fb_tz_set Asia/Shanghai");
	is_str(local(t), "2026-11-22 10:15:00 w0 dst0 off28800 yday325",
	    "2026-11-22T02:15:00Z is 10:15 on a Sunday in Shanghai");
	ok(fb_time_local(t, &tm) == 0 && tm.tm_wday == 0 && tm.tm_hour == 10,
	    "wday 0, hour 10");
	is_str(local(t + 999), "2026-11-22 10:15:00 w0 dst0 off28800 yday325",
	    "milliseconds are dropped, not rounded");
	is_str(local(utc(2026, 11, 22, 15, 59, 59, 999)),
	    "2026-11-22 23:59:59 w0 dst0 off28800 yday325",
	    "15:59:59.999Z is still Sunday there");
	is_str(local(utc(2026, 11, 22, 16, 0, 0, 0)),
	    "2026-11-23 00:00:00 w1 dst0 off28800 yday326",
	    "16:00Z is Monday there");
	is_str(local(-1), "1970-01-01 07:59:59 w4 dst0 off28800 yday0",
	    "1 ms before the epoch, in Shanghai");

	ok(fb_tz_set("America/New_York", &err) == 0,
	    "fb_tz_set America/New_York");
	is_str(local(utc(2026, 11, 1, 5, 30, 0, 0)),
	    "2026-11-01 01:30:00 w0 dst1 off-14400 yday304",
	    "2026-11-01T05:30Z is 01:30 EDT");
	is_str(local(utc(2026, 11, 1, 5, 59, 59, 999)),
	    "2026-11-01 01:59:59 w0 dst1 off-14400 yday304",
	    "05:59:59.999Z is the last of EDT");
	is_str(local(utc(2026, 11, 1, 6, 0, 0, 0)),
	    "2026-11-01 01:00:00 w0 dst0 off-18000 yday304",
	    "06:00Z is 01:00 EST: the hour repeats");
	is_str(local(utc(2026, 11, 1, 6, 30, 0, 0)),
	    "2026-11-01 01:30:00 w0 dst0 off-18000 yday304",
	    "06:30Z is 01:30 EST, the second time");
	is_str(local(utc(2026, 3, 8, 6, 59, 59, 0)),
	    "2026-03-08 01:59:59 w0 dst0 off-18000 yday66",
	    "2026-03-08T06:59:59Z is 01:59:59 EST");
	is_str(local(utc(2026, 3, 8, 7, 0, 0, 0)),
	    "2026-03-08 03:00:00 w0 dst1 off-14400 yday66",
	    "07:00Z is 03:00 EDT: 02:xx never happens");

	ok(fb_tz_set("UTC", &err) == 0, "fb_tz_set UTC");
	is_str(local(0), "1970-01-01 00:00:00 w4 dst0 off0 yday0", "the epoch");
	is_str(local(999), "1970-01-01 00:00:00 w4 dst0 off0 yday0",
	    "999 ms after it");
	is_str(local(-1), "1969-12-31 23:59:59 w3 dst0 off0 yday364",
	    "-1 ms is the second before: toward -inf");
	is_str(local(-999), "1969-12-31 23:59:59 w3 dst0 off0 yday364",
	    "-999 ms");
	is_str(local(-1000), "1969-12-31 23:59:59 w3 dst0 off0 yday364",
	    "-1000 ms, exactly a second");
	is_str(local(-1001), "1969-12-31 23:59:58 w3 dst0 off0 yday364",
	    "-1001 ms");
	is_str(local(utc(1900, 1, 1, 0, 0, 0, 1)),
	    "1900-01-01 00:00:00 w1 dst0 off0 yday0", "1900-01-01, a Monday");
	is_str(local(utc(1600, 2, 29, 12, 0, 0, 500) - 1),
	    "1600-02-29 12:00:00 w2 dst0 off0 yday59", "1600-02-29");
	is_str(local(utc(1, 1, 1, 0, 0, 0, 0) - 1),
	    "0000-12-31 23:59:59 w0 dst0 off0 yday365",
	    "the millisecond before 0001-01-01");
	is_str(local(utc(2026, 11, 22, 2, 15, 0, 0)),
	    "2026-11-22 02:15:00 w0 dst0 off0 yday325", "UTC itself");

	ok(fb_tz_set("CST-8", &err) == 0, "a POSIX zone CST-8");
	is_str(local(t), "2026-11-22 10:15:00 w0 dst0 off28800 yday325",
	    "gives the same 10:15");

	rc = fb_time_local(FB_TIME_MIN, &tm);
	ok(rc == 0 || rc == -1, "FB_TIME_MIN: 0 or -1 (%d), no crash", rc);
	rc = fb_time_local(FB_TIME_MAX, &tm);
	ok(rc == 0 || rc == -1, "FB_TIME_MAX: 0 or -1 (%d), no crash", rc);
	fb_tz_set("UTC", &err);
}

/*---- The taxonomy ----*/

static void
tax_child(const void *arg, char *out, size_t outsz)
{
	const char *name = arg;

	/* "praise", a NUL, then more: 47 bytes in all */
	snprintf(out, outsz, "%d", fb_taxonomy_index(name, 47));
}

static void
test_taxonomy(void)
{
	static const char nul_name[48] = "praise\0xxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxx";
	int i, k, good, distinct, cats;
	const char *s;

	k = fb_taxonomy_index("logistics/delay", 15);
	ok(k >= 0 && k < FB_TAXONOMY_NTAGS, "logistics/delay is found (%d)", k);
	is_str(fb_taxonomy_tag(k), "logistics/delay", "and its index names it");
	is_int(fb_taxonomy_index("logistics/del", 13), -1,
	    "logistics/del is not a tag");
	is_int(fb_taxonomy_index("logistics/delayed", 17), -1,
	    "nor logistics/delayed");
	is_int(fb_taxonomy_index("logistics/delay", 13), -1,
	    "the first 13 bytes of logistics/delay are not a tag");
	is_int(fb_taxonomy_index("logistics/delay\"]", 15), k,
	    "the name is length-limited: the bytes after 'len' are not read");
	is_int(fb_taxonomy_index("Logistics/Delay", 15), -1,
	    "case matters");
	is_int(fb_taxonomy_index("logistics", 9), -1, "a category is no tag");
	is_int(fb_taxonomy_index("", 0), -1, "the empty name");
	is_int(fb_taxonomy_index("物流/延迟", strlen("物流/延迟")), -1,
	    "a Chinese name");
	k = fb_taxonomy_index("praise", 6);
	is_str(fb_taxonomy_tag(k), "praise", "praise, a tag without a '/'");
	k = fb_taxonomy_index("other", 5);
	is_str(fb_taxonomy_tag(k), "other", "other");
	is_str(in_child(tax_child, nul_name), "-1",
	    "\"praise\\0xxx...\" (47 bytes) is no tag, read within bounds "
	    "(BUG, seen under ASan: strncmp stops at the NUL, then tag[len] "
	    "reads past the tag; fb-rank passes tags decoded from \\u0000)");

	/* every index 0..FB_TAXONOMY_NTAGS-1 */
	good = 1;
	distinct = 1;
	cats = 1;
	for (i = 0; i < FB_TAXONOMY_NTAGS; i++) {
		size_t j, n;

		if ((s = fb_taxonomy_tag(i)) == NULL) {
			good = 0;
			diag("tag %d is NULL", i);
			continue;
		}
		if (fb_taxonomy_index(s, strlen(s)) != i ||
		    !fb_taxonomy_has(s)) {
			good = 0;
			diag("tag %d '%s' has index %d", i, s,
			    fb_taxonomy_index(s, strlen(s)));
		}
		for (k = 0; k < i; k++)
			if (fb_taxonomy_tag(k) != NULL &&
			    strcmp(fb_taxonomy_tag(k), s) == 0)
				distinct = 0;
		n = strcspn(s, "/");
		for (j = 0; fb_taxonomy_categories[j] != NULL; j++)
			if (strlen(fb_taxonomy_categories[j]) == n &&
			    strncmp(fb_taxonomy_categories[j], s, n) == 0)
				break;
		if (fb_taxonomy_categories[j] == NULL) {
			cats = 0;
			diag("tag '%s' is in no category", s);
		}
	}
	ok(good, "each of the %d tags has its own index, and is a tag",
	    FB_TAXONOMY_NTAGS);
	ok(distinct, "no tag twice");
	ok(cats, "each tag starts with a category");
	is_int(FB_TAXONOMY_NTAGS, 38, "38 tags");
	is_str(fb_taxonomy_tag(-1), NULL, "index -1: NULL");
	is_str(fb_taxonomy_tag(FB_TAXONOMY_NTAGS), NULL,
	    "index FB_TAXONOMY_NTAGS: NULL");
	is_str(fb_taxonomy_tag(INT_MAX), NULL, "INT_MAX: NULL");
	is_str(fb_taxonomy_tag(INT_MIN), NULL, "INT_MIN: NULL");
	ok(fb_taxonomy_tag(0) != NULL &&
	    fb_taxonomy_tag(FB_TAXONOMY_NTAGS - 1) != NULL,
	    "the first and last index");
}

/*---- fb_buf_add_clean ----*/

static void
test_add_clean(void)
{
	/* C0, DEL and C1 (U+0085) dropped; Chinese kept whole */
	static const char in[] = "a\x01" "b\x7f\xc2\x85" "c 退款";
	struct fb_buf b = { 0 };

	fb_buf_add_clean(&b, in, strlen(in), SIZE_MAX);
	is_str(b.p, "abc 退款", "add_clean: control characters dropped");
	b.len = 0;
	fb_buf_add_clean(&b, in, strlen(in), 6);
	is_str(b.p, "abc ...", "add_clean: cut on a character after max bytes");
	fb_buf_release(&b);
}

int
main(void)
{
	test_addnum();
	test_add_clean();
	test_json_number();
	test_time_local();
	test_taxonomy();
	return done_testing();
}
