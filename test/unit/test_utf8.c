/* test_utf8: fb_utf8_check on valid text, every kind of ill-formed UTF-8, and the ASCII fast path. */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

struct utf8_case {
	const char *name;
	const char *s;
	size_t len;		/* 0: strlen(s) */
	size_t want;		/* (size_t)-1: the whole length is valid */
};

#define VALID ((size_t)-1)

static const struct utf8_case cases[] = {
	/* Well-formed. */
	{ "empty", "", 0, VALID },
	{ "ASCII", "hello, world", 0, VALID },
	{ "ASCII control bytes and DEL", "\x01\x1f\t\n\x7f", 0, VALID },
	{ "embedded NUL counts by length", "a\0b", 3, VALID },
	{ "2-byte U+00E9", "caf\xc3\xa9", 0, VALID },
	{ "2-byte lowest U+0080", "\xc2\x80", 0, VALID },
	{ "2-byte highest U+07FF", "\xdf\xbf", 0, VALID },
	{ "3-byte U+4E2D", "\xe4\xb8\xad\xe6\x96\x87", 0, VALID },
	{ "3-byte lowest U+0800", "\xe0\xa0\x80", 0, VALID },
	{ "3-byte U+D7FF (below surrogates)", "\xed\x9f\xbf", 0, VALID },
	{ "3-byte U+E000 (above surrogates)", "\xee\x80\x80", 0, VALID },
	{ "3-byte highest U+FFFF", "\xef\xbf\xbf", 0, VALID },
	{ "4-byte U+1F600", "\xf0\x9f\x98\x80", 0, VALID },
	{ "4-byte lowest U+10000", "\xf0\x90\x80\x80", 0, VALID },
	{ "4-byte highest U+10FFFF", "\xf4\x8f\xbf\xbf", 0, VALID },
	{ "mixed widths", "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80z", 0, VALID },

	/* Overlong forms. */
	{ "overlong '/' C0 AF", "\xc0\xaf", 0, 0 },
	{ "overlong C1 BF", "\xc1\xbf", 0, 0 },
	{ "overlong NUL C0 80", "\xc0\x80", 0, 0 },
	{ "overlong '/' E0 80 AF", "\xe0\x80\xaf", 0, 0 },
	{ "overlong U+07FF E0 9F BF", "\xe0\x9f\xbf", 0, 0 },
	{ "overlong '/' F0 80 80 AF", "\xf0\x80\x80\xaf", 0, 0 },
	{ "overlong U+FFFF F0 8F BF BF", "\xf0\x8f\xbf\xbf", 0, 0 },
	{ "overlong after text", "ok \xc0\xaf", 0, 3 },

	/* Surrogates. */
	{ "surrogate U+D800 ED A0 80", "\xed\xa0\x80", 0, 0 },
	{ "surrogate U+DFFF ED BF BF", "\xed\xbf\xbf", 0, 0 },
	{ "surrogate pair in CESU-8", "\xed\xa0\xbd\xed\xb8\x80", 0, 0 },
	{ "surrogate after text", "x\xed\xa0\x80", 0, 1 },

	/* Past U+10FFFF and bytes that never start a sequence. */
	{ "U+110000 F4 90 80 80", "\xf4\x90\x80\x80", 0, 0 },
	{ "F5 80 80 80", "\xf5\x80\x80\x80", 0, 0 },
	{ "F7 BF BF BF", "\xf7\xbf\xbf\xbf", 0, 0 },
	{ "5-byte F8 88 80 80 80", "\xf8\x88\x80\x80\x80", 0, 0 },
	{ "6-byte FC 84 80 80 80 80", "\xfc\x84\x80\x80\x80\x80", 0, 0 },
	{ "FE", "\xfe", 0, 0 },
	{ "FF", "ab\xff", 0, 2 },

	/* Truncated sequences at the end of the input. */
	{ "truncated 2-byte at end", "ab\xc3", 0, 2 },
	{ "truncated 3-byte (1 of 2) at end", "ab\xe4", 0, 2 },
	{ "truncated 3-byte (2 of 3) at end", "ab\xe4\xb8", 0, 2 },
	{ "truncated 4-byte (1 of 4) at end", "ab\xf0", 0, 2 },
	{ "truncated 4-byte (2 of 4) at end", "ab\xf0\x9f", 0, 2 },
	{ "truncated 4-byte (3 of 4) at end", "ab\xf0\x9f\x98", 0, 2 },
	{ "lone lead byte", "\xc3", 0, 0 },

	/* Truncated sequences followed by more text. */
	{ "2-byte lead then ASCII", "\xc3" "A", 0, 0 },
	{ "3-byte cut short by ASCII", "\xe4\xb8" "A", 0, 0 },
	{ "4-byte cut short by ASCII", "\xf0\x9f\x98" "A", 0, 0 },
	{ "3-byte cut short by a new lead", "\xe4\xb8\xe4\xb8\xad", 0, 0 },

	/* Continuation bytes with no lead. */
	{ "lone continuation 80", "\x80", 0, 0 },
	{ "lone continuation BF after ASCII", "a\xbf", 0, 1 },
	{ "extra continuation after 2-byte", "\xc3\xa9\x80", 0, 2 },
	{ "extra continuation after 4-byte", "\xf0\x9f\x98\x80\x80", 0, 4 },

	/* The offset is that of the first bad byte. */
	{ "first bad byte after valid multibyte text",
	    "h\xc3\xa9llo \xe4\xb8\xad \xff\xfe", 0, 11 },
	{ "two errors: the first is reported", "ab\x80\xc0\xaf", 0, 2 },
};

/* Checks one buffer copied to the heap at its exact size, so ASan sees over-reads. */
static size_t
check_exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	size_t r;

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	r = fb_utf8_check(p, len);
	free(p);
	return r;
}

static void
test_table(void)
{
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct utf8_case *c = &cases[k];
		size_t len = c->len ? c->len : strlen(c->s);
		size_t want = c->want == VALID ? len : c->want;

		is_uint(check_exact(c->s, len), want, "%s", c->name);
	}
}

/*
 * The ASCII fast path reads 8 bytes at a time: a bad byte must be found
 * wherever it falls relative to those words and to the end.
 */
static void
test_ascii_runs(void)
{
	static const unsigned char bad[] = { 0x80, 0xbf, 0xc0, 0xf5, 0xff };
	char buf[64];
	size_t off, len, b;
	int fails;

	for (off = 0; off <= 20; off++) {
		memset(buf, 'a', sizeof(buf));
		buf[off] = (char)0x80;
		is_uint(check_exact(buf, 40), off,
		    "bad byte 0x80 at offset %zu of 40 ASCII bytes", off);
	}
	for (off = 0; off <= 20; off++) {
		memset(buf, 'x', sizeof(buf));
		buf[off] = (char)0xff;
		is_uint(check_exact(buf, off + 1), off,
		    "bad byte 0xff as the last of %zu bytes", off + 1);
	}

	/* Every offset, every total length, several bad bytes. */
	fails = 0;
	for (len = 1; len <= 40; len++)
		for (off = 0; off < len; off++)
			for (b = 0; b < sizeof(bad); b++) {
				memset(buf, 'q', sizeof(buf));
				buf[off] = (char)bad[b];
				if (check_exact(buf, len) != off && fails++ < 5)
					diag("len %zu, 0x%02x at %zu: got %zu",
					    len, bad[b], off,
					    check_exact(buf, len));
			}
	ok(fails == 0, "bad byte at every offset of ASCII runs of length 1..40");

	fails = 0;
	for (len = 0; len <= 40; len++) {
		memset(buf, 'z', sizeof(buf));
		if (check_exact(buf, len) != len && fails++ < 5)
			diag("all-ASCII length %zu: got %zu", len,
			    check_exact(buf, len));
	}
	ok(fails == 0, "all-ASCII runs of length 0..40 are valid");

	/* A valid multibyte character inside a run, then a bad byte later. */
	fails = 0;
	for (off = 0; off <= 20; off++) {
		memset(buf, 'm', sizeof(buf));
		memcpy(buf + off, "\xe4\xb8\xad", 3);
		buf[off + 3 + 9] = (char)0xc1;
		if (check_exact(buf, 48) != off + 12 && fails++ < 5)
			diag("3-byte at %zu: got %zu", off,
			    check_exact(buf, 48));
		if (check_exact(buf, off + 12) != off + 12 && fails++ < 5)
			diag("3-byte at %zu, valid prefix: got %zu", off,
			    check_exact(buf, off + 12));
	}
	ok(fails == 0, "multibyte character inside ASCII runs, bad byte after it");

	/* A high bit only in the last byte of an 8-byte word. */
	memset(buf, 'w', sizeof(buf));
	memcpy(buf + 7, "\xc3\xa9", 2);
	is_uint(check_exact(buf, 24), 24, "2-byte sequence straddling an 8-byte word");
	buf[8] = 'w';
	is_uint(check_exact(buf, 24), 7, "lead byte at the end of an 8-byte word, then ASCII");
}

static void
test_long(void)
{
	size_t n = 1 << 20, k;
	char *p = malloc(n);

	if (p == NULL)
		abort();
	for (k = 0; k < n; k++)
		p[k] = (char)('a' + k % 26);
	is_uint(fb_utf8_check(p, n), n, "1 MiB of ASCII is valid");
	p[n - 1] = (char)0x80;
	is_uint(fb_utf8_check(p, n), n - 1, "1 MiB of ASCII with a bad last byte");
	p[n - 1] = 'a';
	p[777777] = (char)0xed;
	p[777778] = (char)0xa0;
	p[777779] = (char)0x80;
	is_uint(fb_utf8_check(p, n), 777777, "surrogate deep inside 1 MiB");
	free(p);
}

/* fb_utf8_next(): one character at a time, by fb_utf8_check()'s rules. */
static void
test_next(void)
{
	static const struct {
		const char *s;
		size_t len, want_len;
		uint32_t want_cp;
		const char *what;
	} seqs[] = {
		{ "a", 1, 1, 'a', "ASCII" },
		{ "\xc3\xa9", 2, 2, 0xe9, "two bytes" },
		{ "\xe5\xbf\xab", 3, 3, 0x5feb, "a CJK character" },
		{ "\xf0\x9f\x98\x93", 4, 4, 0x1f613, "an emoji" },
		{ "\xc0\xaf", 2, 1, 0xfffd, "an overlong form" },
		{ "\xed\xa0\x80", 3, 1, 0xfffd, "a surrogate" },
		{ "\xf4\x90\x80\x80", 4, 1, 0xfffd, "past U+10FFFF" },
		{ "\xe5\xbf", 2, 1, 0xfffd, "cut short" },
		{ "\x80", 1, 1, 0xfffd, "a lone continuation byte" },
	};
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		n = fb_utf8_next(seqs[i].s, seqs[i].len, 0, &cp);
		ok(n == seqs[i].want_len && cp == seqs[i].want_cp,
		    "fb_utf8_next: %s (got %zu bytes, U+%04X)", seqs[i].what,
		    n, (unsigned)cp);
	}
}

int
main(void)
{
	test_next();
	test_table();
	test_ascii_runs();
	test_long();
	return done_testing();
}
