/*
 * fb_text.c: cleaning customer text, guessing its language and masking
 * the personal data in it (phone, ID and bank card numbers, e-mail).
 *
 * All three work on UTF-8 that fb_utf8_check() has passed; a stray byte
 * is still never read past the end, only classified as "other".
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"

/*---- fb_text_clean ----*/

/*
 * Unicode White_Space: besides what the brief of fb.h names, VT, FF and
 * NEL (U+0085) are line breaks, so they separate words like '\n' does
 * instead of gluing the words on either side together.
 */
static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

/*
 * Controls and invisible format characters.  U+200D (zero-width joiner)
 * stays: it glues emoji sequences such as the family emoji together.
 * U+061C is the Arabic letter mark, a bidi control like U+200E.
 */
static int
is_invisible(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
	    c == 0x061c || c == 0x200b || c == 0x200c || c == 0x200e ||
	    c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0xfeff;
}

size_t
fb_text_clean(char *text, size_t len)
{
	unsigned char *s = (unsigned char *)text;
	size_t i = 0, o = 0, n;
	uint32_t cp;
	int space = 0;

	/*
	 * Output never overtakes input: a pending space stands for at least
	 * one whitespace byte already read, so the memmove() is safe.
	 */
	while (i < len) {
		n = fb_utf8_next(text, len, i, &cp);
		if (is_space(cp))
			space = 1;
		else if (!is_invisible(cp)) {
			if (space && o > 0)
				s[o++] = ' ';
			space = 0;
			memmove(s + o, s + i, n);
			o += n;
		}
		i += n;
	}
	if (o < len)
		s[o] = '\0';
	return o;
}

/*---- fb_text_lang ----*/

enum script {
	SC_NONE,	/* digits, punctuation, symbols, emoji */
	SC_HAN,
	SC_LATIN,
	SC_KANA,	/* Japanese kana and Korean Hangul */
	SC_OTHER,
};

static enum script
script_of(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return SC_LATIN;
	if (c < 0xc0)
		return SC_NONE;
	/* U+00D7 and U+00F7 are the multiplication and division signs. */
	if (c <= 0x24f)
		return c == 0xd7 || c == 0xf7 ? SC_NONE : SC_LATIN;
	if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff))
		return SC_HAN;
	if ((c >= 0x3041 && c <= 0x30fa) || c == 0x30fc ||
	    (c >= 0x31f0 && c <= 0x31ff) || (c >= 0xff66 && c <= 0xff9d) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) ||
	    (c >= 0x3131 && c <= 0x318e) || (c >= 0xffa0 && c <= 0xffdc))
		return SC_KANA;
	/* Latin Extended Additional (Vietnamese) and full-width Latin. */
	if ((c >= 0x1e00 && c <= 0x1eff) || (c >= 0xff21 && c <= 0xff3a) ||
	    (c >= 0xff41 && c <= 0xff5a))
		return SC_LATIN;
	/*
	 * The letters of the alphabetic scripts most likely in feedback:
	 * Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic blocks (their
	 * digits excluded), Thai, Lao, Georgian.  A rough cut, not Unicode's
	 * Alphabetic property: marks and a few signs count too.
	 */
	if ((c >= 0x370 && c <= 0x3ff && c != 0x37e && c != 0x387) ||
	    (c >= 0x400 && c <= 0x52f && (c < 0x482 || c > 0x489)) ||
	    (c >= 0x531 && c <= 0x587) || (c >= 0x5d0 && c <= 0x5ea) ||
	    (c >= 0x620 && c <= 0x64a) || (c >= 0x671 && c <= 0x6d3) ||
	    (c >= 0x900 && c <= 0xdff && (c & 0x7f) < 0x66) ||
	    (c >= 0xe01 && c <= 0xe30) || (c >= 0xe81 && c <= 0xeb0) ||
	    (c >= 0x10a0 && c <= 0x10ff))
		return SC_OTHER;
	return SC_NONE;
}

enum fb_shown
fb_text_shown(uint32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
	    cp == '\f' || cp == 0x2028 || cp == 0x2029)
		return FB_SHOWN_SPACE;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return FB_SHOWN_DROP;
	return FB_SHOWN_KEEP;
}

const char *
fb_text_lang(const char *text, size_t len)
{
	size_t i = 0, han = 0, latin = 0, kana = 0, letters = 0;
	uint32_t cp;

	while (i < len) {
		i += fb_utf8_next(text, len, i, &cp);
		switch (script_of(cp)) {
		case SC_HAN: han++; break;
		case SC_LATIN: latin++; break;
		case SC_KANA: kana++; break;
		case SC_OTHER: break;
		case SC_NONE: continue;
		}
		letters++;
	}
	if (letters == 0)
		return "";
	/*
	 * Japanese writes a third or so of its letters in kanji, which would
	 * pass for Chinese below; kana (or Hangul) at a quarter of the letters
	 * is never Chinese, while Chinese text may hold a stray "の".
	 */
	if (kana * 4 >= letters)
		return "other";
	/* Chinese feedback names products in English: a quarter Han is zh. */
	if (han * 4 >= letters)
		return "zh";
	if (latin * 2 > letters)
		return "en";
	return "other";
}

/*---- fb_text_redact ----*/

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_sep(char c)
{
	return c == ' ' || c == '-';
}

/* The number of digits from 's[i]' on. */
static size_t
run(const char *s, size_t len, size_t i)
{
	size_t k = i;

	while (k < len && is_digit(s[k]))
		k++;
	return k - i;
}

/*
 * A number may end at 'e': no digit follows, nor a dash and a digit, which
 * would make it part of a longer dashed number ("2026-13800138000-01").
 * A space and a digit may follow: "13800138000 13900139000" is two numbers.
 */
static int
right_ok(const char *s, size_t len, size_t e)
{
	if (e == len)
		return 1;
	if (is_digit(s[e]))
		return 0;
	return !(s[e] == '-' && e + 1 < len && is_digit(s[e + 1]));
}

/* A separator at 's[p]' (the same as '*sep' once one is seen), a digit. */
static int
next_group(const char *s, size_t len, size_t p, char *sep)
{
	if (p + 1 >= len || !is_sep(s[p]) || !is_digit(s[p + 1]))
		return 0;
	if (*sep != '\0' && s[p] != *sep)
		return 0;
	*sep = s[p];
	return 1;
}

/* Luhn (ISO/IEC 7812) over the digits of 's[from..to)', separators skipped. */
static int
luhn_ok(const char *s, size_t from, size_t to)
{
	int sum = 0, dbl = 0, d;
	size_t k;

	for (k = to; k > from; k--) {
		if (!is_digit(s[k - 1]))
			continue;
		d = s[k - 1] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

/*
 * GB 11643 resident ID: six digits of region, the birth date YYYYMMDD,
 * three of sequence, and an ISO 7064 MOD 11-2 check character (0-9 or X).
 * The date is checked too: a checksum alone lets one in eleven random
 * 18-digit order numbers through.
 */
static int
idcard_ok(const char *id)
{
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	static const char check[] = "10X98765432";
	int k, sum = 0, year, mon, day;

	for (k = 0; k < 17; k++)
		sum += (id[k] - '0') * w[k];
	if ((id[17] == 'x' ? 'X' : id[17]) != check[sum % 11])
		return 0;
	year = (id[6] - '0') * 1000 + (id[7] - '0') * 100 +
	    (id[8] - '0') * 10 + (id[9] - '0');
	mon = (id[10] - '0') * 10 + (id[11] - '0');
	day = (id[12] - '0') * 10 + (id[13] - '0');
	return year >= 1800 && year <= 2099 && mon >= 1 && mon <= 12 &&
	    day >= 1 && day <= 31;
}

/*
 * An ID number at 'i': 18 characters, or grouped 6-8-4 ("110105 19491231
 * 002X").  Returns the end, or 0.
 */
static size_t
match_idcard(const char *s, size_t len, size_t i)
{
	static const size_t groups[] = { 6, 8, 4 };
	char id[18], sep = '\0';
	size_t p = i, n = 0, g, r, want;

	for (g = 0; g < 3; g++) {
		want = g == 0 && run(s, len, i) >= 17 ? 18 : groups[g];
		if (g > 0 && !next_group(s, len, p++, &sep))
			return 0;
		r = run(s, len, p);
		if (r == want - 1 && p + r < len &&
		    (s[p + r] == 'X' || s[p + r] == 'x') && n + r + 1 == 18) {
			/* "...002X" must end there, not run into a word. */
			if (p + r + 1 < len && is_alnum(s[p + r + 1]))
				return 0;
			r++;
		} else if (r != want)
			return 0;
		memcpy(id + n, s + p, r);
		n += r;
		p += r;
		if (n == 18)
			break;
	}
	if (n != 18 || !right_ok(s, len, p) || !idcard_ok(id))
		return 0;
	return p;
}

/*
 * A bank card at 'i': 13-19 digits, or groups of four with one separator
 * and a shorter last group.  The longest grouping that passes Luhn wins,
 * so a card followed by " 2026" is still found.  Returns the end, or 0.
 */
static size_t
match_bankcard(const char *s, size_t len, size_t i)
{
	size_t ends[5], n = 0, p = i, r, total = 0;
	char sep = '\0';

	r = run(s, len, i);
	if (r >= 13 && r <= 19)
		return right_ok(s, len, i + r) && luhn_ok(s, i, i + r) ?
		    i + r : 0;
	if (r != 4)
		return 0;
	for (;;) {
		r = run(s, len, p);
		if (r < 1 || r > 4 || total + r > 19)
			break;
		total += r;
		p += r;
		if (total >= 13)
			ends[n++] = p;
		if (r != 4 || !next_group(s, len, p, &sep))
			break;
		p++;
	}
	while (n > 0) {
		n--;
		if (right_ok(s, len, ends[n]) && luhn_ok(s, i, ends[n]))
			return ends[n];
	}
	return 0;
}

/* A mobile number's 11 digits at 'j', whole or as 3-4-4 or 3-8. */
static size_t
mobile_core(const char *s, size_t len, size_t j)
{
	size_t r = run(s, len, j), p;
	char sep = '\0';

	if (r < 2 || s[j] != '1' || s[j + 1] < '3')
		return 0;
	if (r == 11)
		p = j + 11;
	else if (r == 3 && next_group(s, len, j + 3, &sep)) {
		p = j + 4;
		r = run(s, len, p);
		if (r == 8)
			p += 8;
		else if (r == 4 && next_group(s, len, p + 4, &sep) &&
		    run(s, len, p + 5) == 4)
			p += 9;
		else
			return 0;
	} else
		return 0;
	return right_ok(s, len, p) ? p : 0;
}

/*
 * A mainland mobile number at 'i', maybe after the country code 86
 * ("8613800138000", "86 138 0013 8000"); '*core' gets where its own 11
 * digits start, which are the ones masked.  Returns the end, or 0.
 */
static size_t
match_mobile(const char *s, size_t len, size_t i, size_t *core)
{
	size_t e, r = run(s, len, i);
	char sep = '\0';

	if (r >= 2 && s[i] == '8' && s[i + 1] == '6') {
		if (r == 13 && (e = mobile_core(s, len, i + 2)) != 0) {
			*core = i + 2;
			return e;
		}
		if (r == 2 && next_group(s, len, i + 2, &sep) &&
		    (e = mobile_core(s, len, i + 3)) != 0) {
			*core = i + 3;
			return e;
		}
	}
	*core = i;
	return mobile_core(s, len, i);
}

/*
 * A landline at 'i': 0, an area code of two or three digits, maybe a
 * separator, then seven or eight digits (maybe grouped 3-4 or 4-4).
 * Returns the end, or 0.
 */
static size_t
match_landline(const char *s, size_t len, size_t i)
{
	size_t r = run(s, len, i), p;
	char sep = '\0';

	if (r < 2 || s[i] != '0' || s[i + 1] == '0')
		return 0;
	if (r >= 10 && r <= 12)
		p = i + r;
	else if ((r == 3 || r == 4) && next_group(s, len, i + r, &sep)) {
		p = i + r + 1;
		r = run(s, len, p);
		if (r == 7 || r == 8)
			p += r;
		else if (r >= 3 && r <= 4 && next_group(s, len, p + r, &sep) &&
		    run(s, len, p + r + 1) == 4)
			p += r + 5;
		else
			return 0;
	} else
		return 0;
	return right_ok(s, len, p) ? p : 0;
}

/* Masks every digit of 's[from..to)' but the last four digits (or X). */
static void
mask_keep4(char *s, size_t from, size_t to)
{
	size_t k;
	int kept = 0;

	for (k = to; k > from; k--) {
		char c = s[k - 1];

		if (!is_digit(c) && c != 'X' && c != 'x')
			continue;
		if (kept < 4)
			kept++;
		else
			s[k - 1] = '*';
	}
}

static int
is_local_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

/*
 * Checks the domain of an address starting at 's[p]' and returns its end,
 * or 0: dot-separated labels of letters, digits and inner dashes, the last
 * all letters and at least two long.  A trailing '.' ends the sentence.
 */
static size_t
email_domain(const char *s, size_t len, size_t p)
{
	size_t e = p, k, label = p, dots = 0;

	while (e < len && (is_alnum(s[e]) || s[e] == '.' || s[e] == '-'))
		e++;
	while (e > p && (s[e - 1] == '.' || s[e - 1] == '-'))
		e--;
	for (k = p; k <= e; k++) {
		if (k < e && s[k] != '.')
			continue;
		if (k == label || s[label] == '-' || s[k - 1] == '-')
			return 0;
		if (k < e) {
			dots++;
			label = k + 1;
		}
	}
	if (dots == 0 || e - label < 2)
		return 0;
	for (k = label; k < e; k++)
		if (is_digit(s[k]) || s[k] == '-')
			return 0;
	return e;
}

/* Masks the local part of each address; returns how many. */
static int
redact_email(char *s, size_t len)
{
	size_t a, l, e;
	int found = 0;

	for (a = 0; a < len; a++) {
		if (s[a] != '@')
			continue;
		for (l = a; l > 0 && is_local_char(s[l - 1]); l--)
			;
		while (l < a && s[l] == '.')
			l++;
		if (l == a || (e = email_domain(s, len, a + 1)) == 0)
			continue;
		memset(s + l, '*', a - l);
		found++;
		a = e - 1;
	}
	return found;
}

/*
 * Tries each kind at 'i', the start of a digit run, in the order that
 * settles overlaps: an 18-digit run with a valid ID checksum is an ID
 * card even if it also passes Luhn, and 13 digits "86..." passing Luhn
 * are a card unless written "+86...".  Returns the end of the match and
 * sets '*core' to where its masked part starts, or returns 0.
 */
static size_t
match_number(const char *s, size_t len, size_t i, int kinds, size_t *core)
{
	size_t e;

	*core = i;
	if ((kinds & FB_REDACT_IDCARD) && (e = match_idcard(s, len, i)) != 0)
		return e;
	if ((kinds & FB_REDACT_BANKCARD) && (i == 0 || s[i - 1] != '+') &&
	    (e = match_bankcard(s, len, i)) != 0)
		return e;
	if ((kinds & FB_REDACT_MOBILE) &&
	    (e = match_mobile(s, len, i, core)) != 0)
		return e;
	*core = i;
	if (kinds & FB_REDACT_LANDLINE)
		return match_landline(s, len, i);
	return 0;
}

/* Masks the numbers of 'kinds'; returns how many. */
static int
redact_numbers(char *s, size_t len, int kinds)
{
	size_t i = 0, e, core;
	int found = 0;

	while (i < len) {
		if (!is_digit(s[i])) {
			i++;
			continue;
		}
		/* A run after "digit-" is the tail of a dashed number. */
		if (i >= 2 && s[i - 1] == '-' && is_digit(s[i - 2]))
			e = 0;
		else
			e = match_number(s, len, i, kinds, &core);
		if (e == 0) {
			i += run(s, len, i);
			continue;
		}
		mask_keep4(s, core, e);
		found++;
		i = e;
	}
	return found;
}

char *
fb_text_redact(const char *text, size_t len, int kinds, size_t *outlen,
    int *found)
{
	char *s;
	int n = 0;

	/* Masks replace bytes one for one, so the copy keeps its length. */
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, text, len);
	s[len] = '\0';
	/*
	 * Addresses first: "13800138000@qq.com" is one address, not a phone
	 * number, and its masked local part leaves no digits behind.
	 */
	if (kinds & FB_REDACT_EMAIL)
		n += redact_email(s, len);
	if (kinds & (FB_REDACT_MOBILE | FB_REDACT_LANDLINE |
	    FB_REDACT_IDCARD | FB_REDACT_BANKCARD))
		n += redact_numbers(s, len, kinds);
	if (outlen != NULL)
		*outlen = len;
	if (found != NULL)
		*found = n;
	return s;
}
