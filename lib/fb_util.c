/* fb_util.c: small pieces every part of libfb uses (errors, UTF-8). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fb.h"

#undef fb_error_set	/* fb.h defines it for the analyzer only */

int
fb_error_set(struct fb_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The table-free form of the Unicode "well-formed UTF-8" table (Unicode
 * 15, table 3-7): the length of the sequence a lead byte 'c' starts, 0
 * when none, and the range of its second byte, which is what rules out
 * overlong forms, surrogates and code points past U+10FFFF.
 */
static inline size_t
utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0;
		else if (c == 0xed)
			*hi = 0x9f;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90;
		else if (c == 0xf4)
			*hi = 0x8f;
		return 4;
	}
	return 0;
}

size_t
fb_utf8_next(const char *str, size_t len, size_t i, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[i], lo, hi;
	size_t n, k;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((n = utf8_lead(c, &lo, &hi)) == 0 || n > len - i ||
	    s[i + 1] < lo || s[i + 1] > hi)
		goto bad;
	v = c & (0xff >> (n + 1));
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (s[i + k] & 0x3f);
	}
	*cp = v;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

size_t
fb_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i], lo, hi;
		size_t n, k;

		/* ASCII runs dominate real input: skip them 8 bytes at a time. */
		if (c < 0x80) {
			while (i + 8 <= len) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		if ((n = utf8_lead(c, &lo, &hi)) == 0 || n > len - i ||
		    s[i + 1] < lo || s[i + 1] > hi)
			return i;	/* not a lead byte, truncated, or overlong */
		for (k = 2; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
		i += n;
	}
	return len;
}
