/*
 * fuzz_time.c: one string through every time parser: fb_time_parse_rfc3339,
 * fb_time_parse (relative, epoch, local), fb_time_parse_loose (the dates
 * of exports and mail), fb_duration_parse and fb_size_parse.
 *
 * Beyond "no crash" (UBSan catches arithmetic overflow) it checks that
 * a time that parses formats back (fb_time_format) and parses again to
 * the same instant, that a duration of whole seconds formats back
 * (fb_duration_format) to one that parses to the same length, and that
 * what parses is in range: durations and sizes are not negative.
 */
#include "fuzz.h"

#include <time.h>

#include "fb.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A zone with a history of offsets, and a fixed "now". */
	if (fb_tz_set("Asia/Shanghai", NULL) < 0 && fb_tz_set("UTC", NULL) < 0)
		abort();
	fb_time_set_now(1795313700000LL);
	return 0;
}

static void
formats_back(fb_time_t t)
{
	char buf[FB_TIME_BUFSZ];
	fb_time_t again;
	size_t n = fb_time_format(t, buf);
	struct tm tm;

	FUZZ_CHECK(n > 0 && n < FB_TIME_BUFSZ && buf[n] == '\0');
	/* Only four-digit years are RFC 3339. */
	if (buf[0] != '-' && n >= 20 && buf[4] == '-') {
		FUZZ_CHECK(fb_time_parse_rfc3339(buf, n, &again) == 0);
		FUZZ_CHECK(again == t);
	}
	n = fb_time_format_compact(t, buf);
	FUZZ_CHECK(n < FB_TIME_BUFSZ);
	(void)fb_time_local(t, &tm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_error err;
	char *s, buf[64];
	fb_time_t t;
	int64_t ms, again;
	uint64_t bytes;
	size_t len;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	if (fb_time_parse_rfc3339(s, len, &t) == 0)
		formats_back(t);
	if (fb_time_parse(s, &t, &err) == 0)
		formats_back(t);
	else
		FUZZ_CHECK(err.msg[0] != '\0');
	if (fb_time_parse_loose(s, &t, &err) == 0)
		formats_back(t);
	if (fb_duration_parse(s, &ms, &err) == 0) {
		FUZZ_CHECK(ms >= 0);
		len = fb_duration_format(ms, buf, sizeof(buf));
		FUZZ_CHECK(len < sizeof(buf) && buf[len] == '\0');
		if (ms >= 1000 && ms % 1000 == 0) {
			FUZZ_CHECK(fb_duration_parse(buf, &again, &err) == 0);
			FUZZ_CHECK(again == ms);
		}
	}
	/* Short buffers cut whole amounts only. */
	if (size >= 8) {
		int64_t any;

		memcpy(&any, data, sizeof(any));
		len = fb_duration_format(any, buf, 1 + data[0] % 12);
		FUZZ_CHECK(len <= (size_t)data[0] % 12 && buf[len] == '\0');
	}
	(void)fb_size_parse(s, &bytes, &err);
	free(s);
	return 0;
}
