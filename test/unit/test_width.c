/*
 * test_width.c: fb_utf8_width and fb_utf8_fit, the display width of text
 * in a terminal: ASCII, CJK, fullwidth forms, emoji, combining marks,
 * zero-width and control characters, ill-formed bytes, and cutting text
 * to a number of columns without splitting a character.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

struct width_case {
	const char *name;
	const char *s;
	size_t len;		/* 0: strlen(s) */
	size_t want;
};

static const struct width_case width_cases[] = {
	{ "empty", "", 0, 0 },
	{ "ASCII", "hello, world", 0, 12 },
	{ "space and tilde", " ~", 0, 2 },
	{ "C0 controls and DEL", "a\t\n\x1b[31mb\x7f", 0, 6 },
	{ "embedded NUL counts 0", "a\0b", 3, 2 },
	{ "C1 control U+009B (CSI)", "\xc2\x9b" "1m", 0, 2 },
	{ "Latin-1 U+00E9", "caf\xc3\xa9", 0, 4 },
	{ "Cyrillic", "\xd0\xbf\xd1\x80\xd0\xb8", 0, 3 },
	{ "CJK ideographs",
	    "\xe9\x80\x81\xe5\xbe\x97\xe5\xa4\xaa\xe6\x85\xa2", 0, 8 },
	{ "province 黑龙江省",
	    "\xe9\xbb\x91\xe9\xbe\x99\xe6\xb1\x9f\xe7\x9c\x81", 0, 8 },
	{ "Hangul syllables", "\xed\x95\x9c\xea\xb8\x80", 0, 4 },
	{ "Hiragana", "\xe3\x81\x82\xe3\x81\x84", 0, 4 },
	{ "fullwidth comma and stop ，。", "\xef\xbc\x8c\xe3\x80\x82", 0, 4 },
	{ "fullwidth ？！", "\xef\xbc\x9f\xef\xbc\x81", 0, 4 },
	{ "fullwidth Latin Ａ", "\xef\xbc\xa1", 0, 2 },
	{ "ideographic space U+3000", "\xe3\x80\x80", 0, 2 },
	{ "halfwidth katakana U+FF76", "\xef\xbd\xb6", 0, 1 },
	{ "CJK extension B U+20000", "\xf0\xa0\x80\x80", 0, 2 },
	{ "emoji U+1F600", "\xf0\x9f\x98\x80", 0, 2 },
	{ "emoji U+1F321 (text default, counted wide)",
	    "\xf0\x9f\x8c\xa1", 0, 2 },
	{ "emoji U+1F914", "\xf0\x9f\xa4\x94", 0, 2 },
	{ "mixed ASCII and CJK", "a\xe4\xb8\xad" "b\xe6\x96\x87" "c", 0, 7 },
	{ "e + combining acute U+0301", "e\xcc\x81", 0, 1 },
	{ "combining U+036F", "a\xcd\xaf", 0, 1 },
	{ "Hebrew point U+05B0", "\xd7\x91\xd6\xb0", 0, 1 },
	{ "combining mark in CJK range U+3099",
	    "\xe3\x81\x8b\xe3\x82\x99", 0, 2 },
	{ "Hangul jamo L+V+T", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", 0, 2 },
	{ "zero width space U+200B", "a\xe2\x80\x8b" "b", 0, 2 },
	{ "RLM U+200F", "\xe2\x80\x8f", 0, 0 },
	{ "bidi override U+202E", "x\xe2\x80\xae" "y", 0, 2 },
	{ "word joiner U+2060 and U+2064", "\xe2\x81\xa0\xe2\x81\xa4", 0, 0 },
	{ "BOM U+FEFF", "\xef\xbb\xbf" "ok", 0, 2 },
	{ "soft hyphen shows", "\xc2\xad", 0, 1 },
	{ "block elements are narrow",
	    "\xe2\x96\x88\xe2\x96\x91\xe2\x96\x81", 0, 3 },
	{ "ellipsis and curly quotes are narrow",
	    "\xe2\x80\xa6\xe2\x80\x9c\xe2\x80\x9d", 0, 3 },
	{ "lone continuation byte", "a\x80" "b", 0, 3 },
	{ "byte FF", "\xff", 0, 1 },
	{ "overlong C0 AF is two bytes", "\xc0\xaf", 0, 2 },
	{ "surrogate ED A0 80 is three bytes", "\xed\xa0\x80", 0, 3 },
	{ "past U+10FFFF F4 90 80 80", "\xf4\x90\x80\x80", 0, 4 },
	{ "truncated CJK at end", "ab\xe4\xb8", 0, 4 },
	{ "CJK lead cut by ASCII", "\xe4\xb8" "A", 0, 3 },
	{ "highest code point U+10FFFF", "\xf4\x8f\xbf\xbf", 0, 1 },
	{ "private use U+E000", "\xee\x80\x80", 0, 1 },
};

static void
test_width(void)
{
	size_t i;

	for (i = 0; i < sizeof(width_cases) / sizeof(width_cases[0]); i++) {
		const struct width_case *c = &width_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->s);

		is_int((intmax_t)fb_utf8_width(c->s, len), (intmax_t)c->want,
		    "width: %s", c->name);
	}
}

struct fit_case {
	const char *name;
	const char *s;
	size_t cols;
	size_t want;		/* bytes */
};

static const struct fit_case fit_cases[] = {
	{ "ASCII all fits", "hello", 10, 5 },
	{ "ASCII exactly", "hello", 5, 5 },
	{ "ASCII cut", "hello", 3, 3 },
	{ "zero columns", "hello", 0, 0 },
	{ "empty", "", 4, 0 },
	/* 中文字 is 3 characters, 3 bytes and 2 columns each. */
	{ "CJK even boundary", "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, 6 },
	{ "CJK odd columns: no half character",
	    "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5, 6 },
	{ "CJK one column fits nothing", "\xe4\xb8\xad", 1, 0 },
	{ "CJK exactly", "\xe4\xb8\xad\xe6\x96\x87", 4, 6 },
	{ "mixed a中b, 2 columns", "a\xe4\xb8\xad" "b", 2, 1 },
	{ "mixed a中b, 3 columns", "a\xe4\xb8\xad" "b", 3, 4 },
	{ "combining mark kept with its base", "e\xcc\x81" "x", 1, 3 },
	{ "zero-width after the cut kept", "ab\xe2\x80\x8b" "c", 2, 5 },
	{ "controls take no column", "\x1b" "ab", 1, 2 },
	{ "emoji not split", "a\xf0\x9f\x98\x80", 2, 1 },
	{ "emoji fits", "a\xf0\x9f\x98\x80", 3, 5 },
	{ "invalid byte is one column", "\xff\xfe" "a", 2, 2 },
	{ "truncated sequence is bytes", "\xe4\xb8", 1, 1 },
};

static void
test_fit(void)
{
	size_t i;

	for (i = 0; i < sizeof(fit_cases) / sizeof(fit_cases[0]); i++) {
		const struct fit_case *c = &fit_cases[i];

		is_int((intmax_t)fb_utf8_fit(c->s, strlen(c->s), c->cols),
		    (intmax_t)c->want, "fit: %s", c->name);
	}
}

/*
 * For every column count, what fits is a character boundary and takes at
 * most that many columns, and one more character would not fit.
 */
static void
test_fit_agrees(void)
{
	static const char s[] = "Q3 \xe6\x8a\xa5\xe5\x91\x8a: e\xcc\x81t\xc3\xa9 "
	    "\xf0\x9f\x98\x80\xef\xbc\x81\xe2\x80\x8b\xed\x95\x9c z\xff";
	size_t len = strlen(s), total = fb_utf8_width(s, len), cols;
	int bad = 0;

	for (cols = 0; cols <= total + 2; cols++) {
		size_t n = fb_utf8_fit(s, len, cols), w = fb_utf8_width(s, n);

		if (w > cols || (n < len && (s[n] & 0xc0) == 0x80))
			bad++;
		if (n < len && w < cols &&
		    fb_utf8_width(s, n + 1) <= cols &&
		    ((unsigned char)s[n] < 0x80 || (unsigned char)s[n] >= 0xf8))
			bad++;
		if (cols >= total && n != len)
			bad++;
	}
	ok(bad == 0, "fit agrees with width at every column count");
}

int
main(void)
{
	test_width();
	test_fit();
	test_fit_agrees();
	return done_testing();
}
