/*
 * fuzz_zone.c: a time zone through fb_zone_load: with the first byte
 * even, the rest is a TZif file (versions 1-4, its 64-bit data and POSIX
 * footer) found through $TZDIR; odd, it is a POSIX TZ string
 * ("CST-8", "EST5EDT,M3.2.0,M11.1.0").  Then local times of instants
 * across four centuries, and instants of local times.
 *
 * Beyond "no crash" it checks that offsets stay within 26 hours (POSIX
 * allows a standard offset of 24:59:59 and summer time an hour more; the
 * reader refuses TZif offsets past 26 hours), that civil fields are in
 * range, and that the local time of an instant read back as a local
 * time gives an instant with the same local time.
 */
#include "fuzz.h"
#include "fb.h"

static void
check(const struct fb_zone *z, fb_time_t t)
{
	struct fb_civil c, c2;
	fb_time_t back;
	int off = fb_zone_offset(z, t);

	FUZZ_CHECK(off >= -26 * 3600 && off <= 26 * 3600);
	FUZZ_CHECK(fb_zone_civil(z, t, &c) == 0);
	FUZZ_CHECK(c.mon >= 1 && c.mon <= 12 && c.day >= 1 && c.day <= 31);
	FUZZ_CHECK(c.hour >= 0 && c.hour < 24 && c.min >= 0 && c.min < 60 &&
	    c.sec >= 0 && c.sec < 60 && c.wday >= 0 && c.wday < 7 &&
	    c.yday >= 0 && c.yday < 366);
	if (fb_zone_instant(z, c.year, c.mon, c.day, c.hour, c.min, c.sec,
	    &back) == 0) {
		FUZZ_CHECK(fb_zone_civil(z, back, &c2) == 0);
		FUZZ_CHECK(c2.year == c.year && c2.mon == c.mon &&
		    c2.day == c.day && c2.hour == c.hour && c2.min == c.min &&
		    c2.sec == c.sec);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZDIR", fuzz_dir(), 1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_error err;
	struct fb_zone *z;
	char name[256];
	fb_time_t t;

	if (size < 1)
		return 0;
	if (data[0] % 2 == 0) {
		fuzz_file("Fuzz", data + 1, size - 1);
		z = fb_zone_load("Fuzz", &err);
	} else {
		size_t n = size - 1 < sizeof(name) - 1 ? size - 1 :
		    sizeof(name) - 1;

		memcpy(name, data + 1, n);
		name[n] = '\0';
		/* A name that is a file in the scratch folder is not a rule. */
		if (strchr(name, '/') != NULL || strcmp(name, "Fuzz") == 0)
			return 0;
		z = fb_zone_load(name, &err);
	}
	if (z == NULL) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return 0;
	}
	(void)fb_zone_name(z);
	/* 1900 to 2300, a step of 97 days and some hours. */
	for (t = -2208988800000LL; t < 10413792000000LL;
	    t += 97 * 86400000LL + 7777777)
		check(z, t);
	check(z, 1795313700000LL);
	check(z, -62135596800000LL);
	fb_zone_free(z);
	return 0;
}
