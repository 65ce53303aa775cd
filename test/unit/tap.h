/*
 * tap.h: a tiny Test Anything Protocol helper for the C unit tests of
 * libfb in test/unit/ (STYLE.md 3.10).
 *
 * Each test program includes it, calls ok()/is_str()/is_int()/is_mem() once
 * per check and ends with "return done_testing();", which prints the plan
 * "1..N" last and returns the exit status: 0 when every check passed, 1
 * otherwise.  Results go to stdout as "ok K - name" or "not ok K - name";
 * the details of a failure follow as "# " comment lines, which TAP
 * consumers (and `make unit`) show as they are.  Everything is static so a
 * program pulls in only what it uses.
 */
#ifndef FB_TAP_H
#define FB_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failures;

/* Prints "# " and the message as a TAP comment line. */
static inline void diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/*
 * Prints one result line.  The name is kept on the line: control bytes
 * show as \xNN and '#' as "\#" (TAP reads "# " after a name as a directive).
 */
static inline int
tap_vresult(int cond, const char *fmt, va_list ap)
{
	char name[1024];
	const char *p;

	tap_count++;
	if (!cond)
		tap_failures++;
	vsnprintf(name, sizeof(name), fmt, ap);
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	for (p = name; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else if (c == '#')
			fputs("\\#", stdout);
		else
			fputc(c, stdout);
	}
	fputc('\n', stdout);
	fflush(stdout);
	return cond;
}

/* One check: passes when 'cond' is true.  Returns 'cond' (as 0 or 1). */
static inline int ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int
ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vresult(cond != 0, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Shows the bytes of 's' from 'from' on (at most 400) in a diagnostic,
 * escaping what is not printable.
 */
static inline void
tap_show_from(const char *label, const char *s, size_t len, size_t from)
{
	size_t k, end;

	if (s == NULL) {
		printf("#   %s: (null)\n", label);
		return;
	}
	if (from > len)
		from = len;
	end = len - from > 400 ? from + 400 : len;
	printf("#   %s: %s'", label, from > 0 ? "..." : "");
	for (k = from; k < end; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			fputc(c, stdout);
	}
	printf("'%s (%zu bytes)\n", end < len ? "..." : "", len);
}

static inline void
tap_show(const char *label, const char *s, size_t len)
{
	tap_show_from(label, s, len, 0);
}

/* Shows two byte strings from a little before where they first differ. */
static inline void
tap_show_diff(const char *got, size_t glen, const char *want, size_t wlen)
{
	size_t k = 0, from;

	while (got != NULL && want != NULL && k < glen && k < wlen &&
	    got[k] == want[k])
		k++;
	from = k > 60 ? k - 60 : 0;
	tap_show_from("got     ", got, glen, from);
	tap_show_from("expected", want, wlen, from);
	if (got != NULL && want != NULL)
		printf("#   first difference at byte %zu\n", k);
	fflush(stdout);
}

/* Compares 'glen' bytes at 'got' with 'wlen' bytes at 'want' (NULL never equals). */
static inline int is_mem(const char *got, size_t glen, const char *want,
    size_t wlen, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static inline int
is_mem(const char *got, size_t glen, const char *want, size_t wlen,
    const char *fmt, ...)
{
	va_list ap;
	int r, cond;

	cond = got != NULL && want != NULL && glen == wlen &&
	    memcmp(got, want, glen) == 0;
	va_start(ap, fmt);
	r = tap_vresult(cond, fmt, ap);
	va_end(ap);
	if (!r)
		tap_show_diff(got, glen, want, wlen);
	return r;
}

/* Compares two NUL-terminated strings; NULL equals only NULL. */
static inline int is_str(const char *got, const char *want,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline int
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int r, cond;

	if (got == NULL || want == NULL)
		cond = got == want;
	else
		cond = strcmp(got, want) == 0;
	va_start(ap, fmt);
	r = tap_vresult(cond, fmt, ap);
	va_end(ap);
	if (!r)
		tap_show_diff(got, got ? strlen(got) : 0, want,
		    want ? strlen(want) : 0);
	return r;
}

/* Compares two integers (any signed type up to intmax_t). */
static inline int is_int(intmax_t got, intmax_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int
is_int(intmax_t got, intmax_t want, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vresult(got == want, fmt, ap);
	va_end(ap);
	if (!r) {
		printf("#   got:      %jd\n#   expected: %jd\n", got, want);
		fflush(stdout);
	}
	return r;
}

/* Compares two unsigned integers, shown in decimal and hex. */
static inline int is_uint(uintmax_t got, uintmax_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int
is_uint(uintmax_t got, uintmax_t want, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vresult(got == want, fmt, ap);
	va_end(ap);
	if (!r) {
		printf("#   got:      %ju (0x%jx)\n#   expected: %ju (0x%jx)\n",
		    got, got, want, want);
		fflush(stdout);
	}
	return r;
}

/* Prints the plan; returns the exit status for main(). */
static inline int
done_testing(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failures > 0)
		printf("# failed %d of %d tests\n", tap_failures, tap_count);
	fflush(stdout);
	return tap_failures > 0 ? 1 : 0;
}

#endif /* FB_TAP_H */
