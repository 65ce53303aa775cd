/*
 * fb_buf.c: a growable byte buffer, always NUL-terminated, that remembers
 * running out of memory so a writer checks once per record, not per call.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

int
fb_buf_grow(struct fb_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *p;

	if (b->err)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->err = ENOMEM;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
fb_buf_add(struct fb_buf *b, const void *s, size_t n)
{
	if (fb_buf_grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
fb_buf_adds(struct fb_buf *b, const char *s)
{
	fb_buf_add(b, s, strlen(s));
}

void
fb_buf_addc(struct fb_buf *b, int c)
{
	if (b->len + 2 > b->cap && fb_buf_grow(b, 1) < 0)
		return;
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
fb_buf_addint(struct fb_buf *b, long long v)
{
	unsigned long long u = (unsigned long long)v;
	char tmp[24];
	int i = 0;

	if (v < 0)
		u = 0 - u;
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[i++] = '-';
	if (fb_buf_grow(b, (size_t)i) < 0)
		return;
	while (i > 0)
		b->p[b->len++] = tmp[--i];
	b->p[b->len] = '\0';
}

void
fb_buf_printf(struct fb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fb_buf_grow(b, 128) < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = EINVAL;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (fb_buf_grow(b, (size_t)n) < 0)
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
fb_buf_add_clean(struct fb_buf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0, shown = 0, k;
	uint32_t cp;

	while (i < n) {
		k = fb_utf8_next(s, n, i, &cp);
		if (shown + k > max) {
			fb_buf_adds(b, "...");
			return;
		}
		switch (fb_text_shown(cp)) {
		case FB_SHOWN_KEEP:
			fb_buf_add(b, s + i, k);
			shown += k;
			break;
		case FB_SHOWN_SPACE:
			fb_buf_addc(b, ' ');
			shown++;
			break;
		case FB_SHOWN_DROP:
			break;
		}
		i += k;
	}
}

void
fb_buf_json_str(struct fb_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	fb_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];

		/* Most bytes need nothing: only quotes, backslashes and controls do. */
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		fb_buf_add(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': fb_buf_add(b, "\\\"", 2); break;
		case '\\': fb_buf_add(b, "\\\\", 2); break;
		case '\n': fb_buf_add(b, "\\n", 2); break;
		case '\r': fb_buf_add(b, "\\r", 2); break;
		case '\t': fb_buf_add(b, "\\t", 2); break;
		case '\b': fb_buf_add(b, "\\b", 2); break;
		case '\f': fb_buf_add(b, "\\f", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			fb_buf_add(b, esc, 6);
			break;
		}
	}
	fb_buf_add(b, s + start, n - start);
	fb_buf_addc(b, '"');
}

void
fb_buf_release(struct fb_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * Hand-rolled because printf's %f costs fb-tag a tenth of its time, and
 * every record carries a few of these numbers.
 */
void
fb_buf_addnum(struct fb_buf *b, double x, int digits)
{
	long long scale = 1, v;
	char num[16];
	int n = 0, i;

	if (digits > 9)
		digits = 9;
	for (i = 0; i < digits; i++)
		scale *= 10;
	if (!isfinite(x)) {
		/* JSON has no NaN or infinity */
		fb_buf_adds(b, "null");
		return;
	}
	if (fabs(x) >= 0x1p53) {
		/* an integer, all of them this large; keep %g's form */
		fb_buf_printf(b, "%.17g", x);
		return;
	}
	/* fewer decimals where x * scale is past a double's integers */
	while (scale > 1 && fabs(x) * (double)scale >= 0x1p53) {
		scale /= 10;
		digits--;
	}
	v = llround(x * (double)scale);
	if (v < 0) {
		fb_buf_addc(b, '-');
		v = -v;
	}
	/* cppcheck-suppress zerodivcond ; scale >= 1 */
	fb_buf_addint(b, v / scale);
	v %= scale;
	if (v == 0)
		return;
	for (i = 0; i < digits; i++, scale /= 10)
		num[n++] = (char)('0' + v * 10 / scale % 10);
	while (n > 0 && num[n - 1] == '0')
		n--;
	fb_buf_addc(b, '.');
	fb_buf_add(b, num, (size_t)n);
}
