/*
 * test_json_diff: a differential test of the JSON scanner against jansson.
 *
 * The record loop (lib/fb_loop.c) accepts a line when fb_utf8_check()
 * finds it valid UTF-8 and fb_json_scan() finds it one JSON text; every
 * record passes through both, so they must never let bad JSON in nor turn
 * good JSON away, however they are sped up.  This test holds them to an
 * independent parser: on thousands of inputs, hand-picked, mutated from
 * real-looking records, random token soup and generated documents, it
 * checks that
 *
 *   1. fb accepts exactly what jansson accepts, apart from the deliberate
 *      differences below, each recognised precisely, never by a looser
 *      comparison;
 *   2. for an accepted object, the members fb_json_scan() reports tile the
 *      object, and each key and value decodes to what jansson reads there
 *      (the last of a repeated key is the one jansson keeps);
 *   3. an accepted object goes through fb_rec_parse() and fb_rec_write()
 *      unchanged byte for byte, and with one fb_rec_set_raw() edit comes
 *      out as jansson's object with that key changed or added.
 *
 * Everything is scanned from exact-size heap copies, so ASan and valgrind
 * see any read past the end, and random inputs come from fixed seeds.  A
 * failure prints the input as a C string literal to paste into a test.
 *
 * The deliberate differences (fb keeps bytes; jansson builds values):
 *
 *   DIFF_RANGE    jansson rejects numbers it cannot hold (integers past 64
 *                 bits, reals past DBL_MAX: 1e999); fb only checks the
 *                 grammar and keeps the bytes.  Recognised by jansson's
 *                 json_error_numeric_overflow; the number it names is
 *                 replaced by a plain 0, after which both must agree.
 *   DIFF_NUL_KEY  jansson rejects "\u0000" in object keys (its keys are C
 *                 strings); fb accepts it as in any other string.
 *                 Recognised by json_error_null_byte_in_key; every
 *                 \u0000 becomes \u0001, after which both must agree.
 *   DIFF_DEPTH    fb rejects nesting deeper than FB_JSON_MAX_DEPTH (512);
 *                 jansson allows 2048.  Recognised only when fb says
 *                 "nesting too deep" at a bracket that opens level 513.
 *                 Past jansson's own limit both reject, so that limit
 *                 never makes a difference.
 *   DIFF_RAW_NUL  jansson's quirk: a raw NUL byte right after a number or
 *                 a literal ("1\0", "[true\0]") vanishes when its lexer
 *                 pushes the byte back (jansson 2.14 load.c: stream_get
 *                 takes the NUL stream_unget leaves in its buffer for an
 *                 empty buffer and reads on), so jansson accepts the
 *                 text; no JSON text holds a raw NUL, and fb rejects it.
 *                 Recognised when fb rejects, jansson accepts and the
 *                 text has raw NUL bytes: with each one made a blank,
 *                 both must accept.  Both accepting a raw NUL is a
 *                 failure.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "capture.h"
#include "rng.h"
#include "exact.h"
#include "tap.h"

/*
 * An over-read kills the test under ASan, and valgrind only counts it:
 * either way the input must still be shown, so ASan gets a death callback
 * and valgrind is asked after each input whether it found errors.
 */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TEST_MEMCHECK 1
#endif
#endif

/*
 * DECODE_ANY: fb_json_scan takes any value at the top, not just arrays
 * and objects.  ALLOW_NUL: fb accepts "\u0000" in strings (and
 * fb_json_decode keeps the NUL byte); without it jansson rejects them.
 * Not REJECT_DUPLICATES: fb accepts repeated keys, and both let the last
 * one win.  Not DISABLE_EOF_CHECK: both reject bytes after the value.
 * Not DECODE_INT_AS_REAL: fb_json_decode splits integers from reals the
 * way jansson does by default.
 */
#define JANSSON_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL)

/* Deliberate differences (see the top of the file). */
enum {
	DIFF_RANGE = 1 << 0,
	DIFF_NUL_KEY = 1 << 1,
	DIFF_DEPTH = 1 << 2,
	DIFF_RAW_NUL = 1 << 3,
};

/* What a hand-picked input must come out as. */
enum expect {
	ANY = -1,		/* random inputs: only agreement is asked */
	ACCEPT,			/* both accept */
	REJECT,			/* both reject */
	EXCEPT_RANGE,		/* fb accepts, jansson rejects: DIFF_RANGE */
	EXCEPT_NUL_KEY,		/* fb accepts, jansson rejects: DIFF_NUL_KEY */
	EXCEPT_DEPTH,		/* fb rejects, jansson accepts: DIFF_DEPTH */
	EXCEPT_RAW_NUL,		/* fb rejects, jansson accepts: DIFF_RAW_NUL */
	MISMATCH,		/* a disagreement nothing explains */
};

static const char *const outcome_names[] = {
	"both accept", "both reject", "out-of-range number (DIFF_RANGE)",
	"\\u0000 in a key (DIFF_NUL_KEY)", "nesting past 512 (DIFF_DEPTH)",
	"raw NUL jansson drops (DIFF_RAW_NUL)", "MISMATCH",
};

/*
 * Real scanner bugs found by this test, kept as TAP "# TODO" checks so the
 * suite stays green until they are fixed: the bytes of the input and why.
 * Empty: none known.
 */
static const struct {
	const char *s;
	size_t len;
	const char *why;
} known_bugs[] = {
	{ NULL, 0, NULL },
};

/*---- Counts and failure reports ----*/

/* What one family of inputs did, for the TAP comments and checks. */
struct tally {
	const char *family;
	long cases;
	long outcomes[MISMATCH + 1];
	long todo;		/* known bugs, reported as TODO */
	long objects, members, round_trips, values;
	long bad_accept, bad_values, bad_round_trip;
	long bad_memory;	/* inputs valgrind found errors on */
};

/* Failure details shown before the rest are only counted. */
static int details_left = 40;

/*
 * Prints 's' as a C string literal in TAP comments: quotes, backslashes
 * and every byte outside printable ASCII escaped, split into lines, so
 * the failing input can be pasted back into a test as it is.
 */
static void
show_input(const char *s, size_t len)
{
	size_t k, col = 0;
	int after_hex = 0;

	printf("#   input (%zu bytes):\n#     \"", len);
	for (k = 0; k < len; k++) {
		unsigned char c = (unsigned char)s[k];

		if (col >= 76) {
			printf("\"\n#     \"");
			col = 0;
			after_hex = 0;
		}
		if (c == '"' || c == '\\') {
			printf("\\%c", c);
			col += 2;
			after_hex = 0;
		} else if (c < 0x20 || c >= 0x7f) {
			printf("\\x%02x", c);
			col += 4;
			after_hex = 1;
		} else {
			/* "\x80" "a": a hex digit would join the escape */
			if (after_hex && ((c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
				printf("\" \"");
				col += 3;
			}
			putchar(c);
			col++;
			after_hex = 0;
		}
	}
	printf("\"\n");
	fflush(stdout);
}

static void
report(struct tally *t, long case_no, const char *what, const char *why,
    const char *s, size_t len)
{
	if (details_left == 0)
		return;
	diag("%s case %ld: %s: %s", t->family, case_no, what, why);
	show_input(s, len);
	if (--details_left == 0)
		diag("(further failures are counted, not shown)");
}

/* The input being checked, shown if the test dies on it. */
static const char *current_input;
static size_t current_len;
static const struct tally *current_tally;
static long current_case;

static void
show_current(void)
{
	if (current_input == NULL)
		return;
	printf("# died on %s case %ld\n", current_tally->family, current_case);
	show_input(current_input, current_len);
}

#ifndef TEST_ASAN
/*
 * Without ASan a bad read may still fault.  printf is not
 * async-signal-safe, but the process is dying and the fault is in the
 * code under test, not in stdio.
 */
static void
on_fault(int sig)
{
	show_current();
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif

static void
show_input_on_death(void)
{
#ifdef TEST_ASAN
	__sanitizer_set_death_callback(show_current);
#else
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);
#endif
}

/*---- Helpers ----*/

/* A growing byte buffer for building inputs. */
struct text {
	char *p;
	size_t len, cap;
};

static void
text_add(struct text *t, const void *s, size_t n)
{
	if (t->len + n > t->cap) {
		size_t ncap = t->cap ? t->cap : 256;

		while (ncap < t->len + n)
			ncap *= 2;
		if ((t->p = realloc(t->p, ncap)) == NULL)
			abort();
		t->cap = ncap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void
text_adds(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void
text_addc(struct text *t, char c)
{
	text_add(t, &c, 1);
}

/* A number in [0, n). */
static size_t
pick(size_t n)
{
	return (size_t)(rnd() % n);
}

/* Parses 'n' bytes at 'p' with jansson, as the comparison does. */
static json_t *
jansson_load(const char *p, size_t n, json_error_t *err)
{
	return json_loadb(p, n, JANSSON_FLAGS, err);
}

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Sets 't' to 'n' copies of 'a', 'mid', then 'n' copies of 'b'. */
static void
nested(struct text *t, int n, const char *a, const char *mid, const char *b)
{
	int k;

	t->len = 0;
	for (k = 0; k < n; k++)
		text_adds(t, a);
	text_adds(t, mid);
	for (k = 0; k < n; k++)
		text_adds(t, b);
}

/*---- fb's verdict ----*/

/* The top-level members of the last input scanned, reused between inputs. */
static struct fb_member *members;
static size_t nmembers, members_cap;

/*
 * What the record loop does with a line: fb_utf8_check(), then
 * fb_json_scan().  Returns the JSON type, or -1 with 'err' set.
 */
static int
fb_accepts(const char *s, size_t len, struct fb_member **m, size_t *n,
    size_t *cap, struct fb_error *err)
{
	size_t bad = fb_utf8_check(s, len);

	if (n != NULL)
		*n = 0;
	if (bad != len) {
		fb_error_set(err, "invalid UTF-8");
		err->col = (long)bad + 1;
		return -1;
	}
	return fb_json_scan(s, len, m, n, cap, err);
}

/*---- The deliberate differences ----*/

static size_t
digits(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/*
 * The length of the number token (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?) at the start of the 'n' bytes at 's', 0 if none.
 */
static size_t
number_length(const char *s, size_t n)
{
	size_t i = 0, k;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		i = digits(s, n, i);
	else
		return 0;
	if (i < n && s[i] == '.') {
		if ((k = digits(s, n, i + 1)) == i + 1)
			return 0;
		i = k;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		k = i + 1;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (digits(s, n, k) == k)
			return 0;
		i = digits(s, n, k);
	}
	return i;
}

/*
 * DIFF_RANGE: replaces the number jansson found out of range, which ends
 * at byte 'end', by "0" and blanks (the same length, so every other byte
 * keeps its place).  The number may follow a literal with nothing between
 * ("true1e999"), so it starts at the first byte from which one number
 * token runs exactly to 'end'.  Returns 0, or -1 when no number ends there.
 */
static int
blank_number(char *s, size_t len, int end)
{
	size_t start, stop = (size_t)end;

	if (end <= 0 || stop > len)
		return -1;
	start = stop;
	while (start > 0 && s[start - 1] != '\0' &&
	    strchr("0123456789+-.eE", s[start - 1]) != NULL)
		start--;
	while (start < stop && number_length(s + start, stop - start) !=
	    stop - start)
		start++;
	if (start == stop)
		return -1;
	s[start] = '0';
	memset(s + start + 1, ' ', stop - start - 1);
	return 0;
}

/*
 * DIFF_NUL_KEY: turns every "\u0000" into "\u0001".  As an escape that
 * keeps the string valid; after an escaped backslash ("\\u0000") it is
 * plain text either way; outside strings a backslash is an error either
 * way.  So validity stays the same for both parsers.  Returns how many.
 */
static int
unnul_escapes(char *s, size_t len)
{
	size_t k;
	int n = 0;

	for (k = 0; k + 6 <= len; k++)
		if (memcmp(s + k, "\\u0000", 6) == 0) {
			s[k + 5] = '1';
			n++;
		}
	return n;
}

/* The nesting depth just after byte 'pos' of the valid JSON text 's'. */
static int
depth_at(const char *s, size_t pos)
{
	int depth = 0, in_string = 0;
	size_t k;

	for (k = 0; k <= pos; k++) {
		char c = s[k];

		if (in_string) {
			if (c == '\\')
				k++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"')
			in_string = 1;
		else if (c == '[' || c == '{')
			depth++;
		else if (c == ']' || c == '}')
			depth--;
	}
	return depth;
}

/*
 * DIFF_DEPTH: fb turned the valid text 's' away at the bracket that opens
 * level FB_JSON_MAX_DEPTH + 1, and for that reason.
 */
static int
is_depth_limit(const char *s, size_t len, const struct fb_error *err)
{
	size_t pos = (size_t)err->col - 1;

	return err->col >= 1 && pos < len && (s[pos] == '[' || s[pos] == '{') &&
	    strcmp(err->msg, "nesting too deep") == 0 &&
	    depth_at(s, pos) == FB_JSON_MAX_DEPTH + 1;
}

/*---- Acceptance ----*/

struct verdict {
	int fb_type;		/* fb on the input: a JSON type, or -1 */
	struct fb_error fb_err;
	json_t *jansson;	/* jansson's value of the input, or NULL */
	json_error_t jansson_err;
	enum expect outcome;
	unsigned explained;	/* DIFF_* behind differing verdicts */
	char mismatch[300];	/* why the outcome is MISMATCH */
};

static void
mismatch(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
mismatch(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->mismatch, sizeof(v->mismatch), fmt, ap);
	va_end(ap);
	v->outcome = MISMATCH;
}

/*
 * Compares fb's and jansson's verdicts on 'copy' (an exact-size copy).
 * When jansson's complaint is a deliberate difference, the input is
 * neutralised as described at the top and both verdicts taken again, so
 * a difference can never hide a real disagreement elsewhere in the text.
 */
static void
judge(const char *copy, size_t len, struct verdict *v)
{
	char *work = NULL, *work_copy;
	json_t *j;
	json_error_t jerr;
	struct fb_error werr = { "", 0, 0 };
	unsigned diffs = 0;
	int fb_ok, wtype, rounds;
	size_t k;

	memset(&v->fb_err, 0, sizeof(v->fb_err));
	v->explained = 0;
	v->mismatch[0] = '\0';
	v->fb_type = fb_accepts(copy, len, &members, &nmembers, &members_cap,
	    &v->fb_err);
	v->jansson = jansson_load(copy, len, &v->jansson_err);
	fb_ok = v->fb_type >= 0;
	if (fb_ok && v->jansson != NULL) {
		v->outcome = ACCEPT;
		if (v->fb_type != (int)json_typeof(v->jansson))
			mismatch(v, "fb reads type %d, jansson %d", v->fb_type,
			    (int)json_typeof(v->jansson));
		else if (memchr(copy, '\0', len) != NULL)
			mismatch(v, "fb accepts a raw NUL byte (jansson drops "
			    "some: DIFF_RAW_NUL)");
		return;
	}

	j = json_incref(v->jansson);
	jerr = v->jansson_err;
	for (rounds = 0; j == NULL && rounds < 64; rounds++) {
		enum json_error_code code = json_error_code(&jerr);

		if (code != json_error_numeric_overflow &&
		    code != json_error_null_byte_in_key)
			break;
		if (work == NULL)
			work = exact_copy(copy, len);
		if (code == json_error_numeric_overflow) {
			if (blank_number(work, len, jerr.position) < 0) {
				mismatch(v, "jansson's numeric overflow at "
				    "byte %d follows no number", jerr.position);
				goto out;
			}
			diffs |= DIFF_RANGE;
		} else {
			if (unnul_escapes(work, len) == 0) {
				mismatch(v, "jansson reports a NUL byte in a "
				    "key but there is no \\u0000");
				goto out;
			}
			diffs |= DIFF_NUL_KEY;
		}
		j = jansson_load(work, len, &jerr);
	}

	wtype = v->fb_type;
	werr = v->fb_err;
	if (work != NULL) {
		work_copy = exact_copy(work, len);
		wtype = fb_accepts(work_copy, len, NULL, NULL, NULL, &werr);
		free(work_copy);
		if ((wtype >= 0) != fb_ok) {
			mismatch(v, "fb's verdict changed when out-of-range "
			    "numbers and \\u0000 were replaced (now %s, col "
			    "%ld: %s)", wtype >= 0 ? "accepts" : "rejects",
			    werr.col, werr.msg);
			goto out;
		}
	}
	if (wtype < 0 && j != NULL && memchr(work ? work : copy, '\0', len)) {
		/* DIFF_RAW_NUL: blanks where jansson dropped the NULs */
		if (work == NULL)
			work = exact_copy(copy, len);
		for (k = 0; k < len; k++)
			if (work[k] == '\0')
				work[k] = ' ';
		diffs |= DIFF_RAW_NUL;
		json_decref(j);
		j = jansson_load(work, len, &jerr);
		work_copy = exact_copy(work, len);
		wtype = fb_accepts(work_copy, len, NULL, NULL, NULL, &werr);
		free(work_copy);
		if (j == NULL) {
			mismatch(v, "jansson accepts the text with raw NUL "
			    "bytes but not with blanks for them (byte %d: %s)",
			    jerr.position, jerr.text);
			goto out;
		}
	}
	if ((wtype >= 0) == (j != NULL))
		v->explained = diffs;
	else if (wtype < 0 && j != NULL &&
	    is_depth_limit(work ? work : copy, len, &werr))
		v->explained = diffs | DIFF_DEPTH;
	else {
		mismatch(v, "fb %s (col %ld: %s), jansson %s (byte %d: %s)%s",
		    fb_ok ? "accepts" : "rejects", v->fb_err.col, v->fb_err.msg,
		    v->jansson ? "accepts" : "rejects", v->jansson_err.position,
		    v->jansson ? "" : v->jansson_err.text,
		    work ? " [after replacing deliberate differences]" : "");
		goto out;
	}
	if (fb_ok)
		v->outcome = (v->explained & DIFF_RANGE) ? EXCEPT_RANGE :
		    (v->explained & DIFF_NUL_KEY) ? EXCEPT_NUL_KEY : MISMATCH;
	else if (v->jansson != NULL)
		v->outcome = (v->explained & DIFF_DEPTH) ? EXCEPT_DEPTH :
		    EXCEPT_RAW_NUL;
	else
		v->outcome = REJECT;
	if (v->outcome == MISMATCH)
		mismatch(v, "fb accepts, jansson rejects, and nothing "
		    "explains it");
	else if (!fb_ok && (v->fb_err.col < 1 ||
	    v->fb_err.col > (long)len + 1 || v->fb_err.msg[0] == '\0'))
		/* the record loop says "invalid JSON at byte <col>: <msg>" */
		mismatch(v, "fb rejects without a byte in the input or a "
		    "reason (col %ld: '%s')", v->fb_err.col, v->fb_err.msg);
out:
	json_decref(j);
	free(work);
}

/*---- Values of the members ----*/

static int
fail_why(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_why(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Unescapes a raw key (without its quotes) with jansson; NULL if it is not
 * the inside of one string.
 */
static json_t *
jansson_key(const struct fb_span *key)
{
	char *q = malloc(key->len + 2);
	json_t *j;

	if (q == NULL)
		abort();
	q[0] = '"';
	memcpy(q + 1, key->p, key->len);
	q[key->len + 1] = '"';
	j = jansson_load(q, key->len + 2, NULL);
	free(q);
	if (j != NULL && !json_is_string(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static int
same_key(json_t *a, json_t *b)
{
	return json_string_length(a) == json_string_length(b) &&
	    memcmp(json_string_value(a), json_string_value(b),
	    json_string_length(a)) == 0;
}

/*
 * The members fb_json_scan() reported for the accepted object 'copy' must
 * tile it ('{', key ':' value, separated by ',', '}', only blanks in
 * between), so their number is the number of key occurrences; every key
 * and value must decode to what jansson reads.  Returns 0 or -1 with 'why'.
 */
static int
check_members(struct tally *t, const char *copy, size_t len, json_t *jv,
    char *why, size_t cap)
{
	const char *end = copy + len, *p;
	json_t **keys, *own, *mine, *theirs;
	size_t k, l, distinct = 0;
	int rc = -1;

	if ((keys = calloc(nmembers + 1, sizeof(*keys))) == NULL)
		abort();
	p = skip_blank(copy, end);
	if (p == end || *p != '{') {
		fail_why(why, cap, "an object that does not start with '{'");
		goto out;
	}
	p = skip_blank(p + 1, end);
	for (k = 0; k < nmembers; k++) {
		const struct fb_member *m = &members[k];

		if (k > 0) {
			if (p == end || *p != ',') {
				fail_why(why, cap, "no ',' before member %zu",
				    k);
				goto out;
			}
			p = skip_blank(p + 1, end);
		}
		if (p == end || *p != '"' || m->key.p != p + 1 ||
		    m->key.len >= (size_t)(end - m->key.p) ||
		    m->key.p[m->key.len] != '"') {
			fail_why(why, cap, "member %zu: the key span is not "
			    "between the quotes at byte %td", k, p - copy);
			goto out;
		}
		if ((keys[k] = jansson_key(&m->key)) == NULL) {
			fail_why(why, cap, "member %zu: the key span is not a "
			    "whole string", k);
			goto out;
		}
		if (m->key_escaped !=
		    (memchr(m->key.p, '\\', m->key.len) != NULL)) {
			fail_why(why, cap, "member %zu: key_escaped is %d", k,
			    m->key_escaped);
			goto out;
		}
		if (!fb_json_key_eq(m, json_string_value(keys[k]),
		    json_string_length(keys[k]))) {
			fail_why(why, cap, "member %zu: fb_json_key_eq differs "
			    "from jansson's key \"%s\"", k,
			    json_string_value(keys[k]));
			goto out;
		}
		p = skip_blank(m->key.p + m->key.len + 1, end);
		if (p == end || *p != ':') {
			fail_why(why, cap, "member %zu: no ':' after the key",
			    k);
			goto out;
		}
		p = skip_blank(p + 1, end);
		if (m->val.p != p || m->val.len == 0 ||
		    m->val.len > (size_t)(end - p)) {
			fail_why(why, cap, "member %zu: the value span does "
			    "not start at byte %td", k, p - copy);
			goto out;
		}
		p = skip_blank(p + m->val.len, end);
	}
	if (p == end || *p != '}' || skip_blank(p + 1, end) != end) {
		fail_why(why, cap, "%zu members do not reach the closing brace "
		    "(stopped at byte %td)", nmembers, p - copy);
		goto out;
	}

	for (k = 0; k < nmembers; k++) {
		const struct fb_member *m = &members[k];
		int last = 1;

		if ((own = jansson_load(m->val.p, m->val.len, NULL)) == NULL) {
			fail_why(why, cap, "member %zu: the value span is not "
			    "one JSON value", k);
			goto out;
		}
		mine = fb_json_decode(m->val);
		if (!json_equal(mine, own)) {
			fail_why(why, cap, "member %zu: fb_json_decode differs "
			    "from jansson on the value span", k);
			json_decref(own);
			json_decref(mine);
			goto out;
		}
		json_decref(own);
		for (l = k + 1; l < nmembers && last; l++)
			last = !same_key(keys[k], keys[l]);
		if (last) {
			/* jansson keeps the last of a repeated key */
			distinct++;
			theirs = json_object_getn(jv,
			    json_string_value(keys[k]),
			    json_string_length(keys[k]));
			if (!json_equal(mine, theirs)) {
				fail_why(why, cap, "member %zu (\"%s\"): value "
				    "differs from jansson's", k,
				    json_string_value(keys[k]));
				json_decref(mine);
				goto out;
			}
		}
		json_decref(mine);
		t->members++;
	}
	if (distinct != json_object_size(jv)) {
		fail_why(why, cap, "%zu distinct keys, jansson has %zu",
		    distinct, json_object_size(jv));
		goto out;
	}
	rc = 0;
out:
	for (k = 0; k < nmembers; k++)
		json_decref(keys[k]);
	free(keys);
	return rc;
}

/*---- fb_rec round trip ----*/

/* One temporary file that every record is written to and read back from. */
static struct fb_out sink;

/* Writes 'rec' (fb_rec_write, no flags); returns the bytes as a heap string. */
static char *
write_rec(struct fb_rec *rec, size_t *n)
{
	off_t size;
	char *buf;

	if (fb_rec_write(rec, &sink, 0) < 0 || fb_out_flush(&sink) < 0)
		return NULL;
	size = lseek(sink.fd, 0, SEEK_END);
	if (size < 0 || (buf = malloc((size_t)size + 1)) == NULL)
		abort();
	if (pread(sink.fd, buf, (size_t)size, 0) != (ssize_t)size ||
	    ftruncate(sink.fd, 0) < 0 || lseek(sink.fd, 0, SEEK_SET) < 0)
		abort();
	buf[size] = '\0';
	*n = (size_t)size;
	return buf;
}

/* Values an edit sets, as raw JSON: escapes, CJK, nesting, numbers. */
static const char *const edit_values[] = {
	"\"new \\u00e9 \xe4\xb8\xad \\\"v\\\"\"",
	"[1,{\"x\":null},-0.5e3]",
	"{}",
	"true",
	"12",
};

/*
 * Writes 'rec' with its one edit and checks that jansson reads the output
 * as 'jv' with 'key' set to 'val'.
 */
static int
check_edited(struct fb_rec *rec, json_t *jv, const char *key, size_t keylen,
    const char *val, char *why, size_t cap)
{
	json_t *want = json_deep_copy(jv), *got = NULL, *jval;
	size_t n = 0;
	char *out = write_rec(rec, &n);
	int rc = 0;

	jval = jansson_load(val, strlen(val), NULL);
	if (want == NULL || jval == NULL ||
	    json_object_setn_new(want, key, keylen, jval) < 0)
		abort();
	if (out == NULL || n == 0 || out[n - 1] != '\n')
		rc = fail_why(why, cap, "setting \"%s\": no line written", key);
	else if ((got = jansson_load(out, n - 1, NULL)) == NULL)
		rc = fail_why(why, cap, "setting \"%s\": jansson rejects the "
		    "output: %.*s", key, (int)(n < 200 ? n - 1 : 200), out);
	else if (!json_equal(got, want))
		rc = fail_why(why, cap, "setting \"%s\" to %s: the output is "
		    "not the object with that key set: %.*s", key, val,
		    (int)(n < 200 ? n - 1 : 200), out);
	json_decref(got);
	json_decref(want);
	free(out);
	return rc;
}

/*
 * fb_rec_parse() and fb_rec_write() on the accepted object 'copy': written
 * back unchanged byte for byte; with one fb_rec_set_raw() of an existing
 * key (the member 'salt' picks) or of a new one, jansson reads the output
 * as the object with that key set.
 */
static int
check_round_trip(const char *copy, size_t len, json_t *jv, size_t salt,
    char *why, size_t cap)
{
	static const char added[] = "fb-diff-added";
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	const char *val = edit_values[salt % (sizeof(edit_values) /
	    sizeof(edit_values[0]))];
	json_t *key;
	size_t n = 0;
	char *out;
	int rc = -1;

	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, copy, len, &err) < 0) {
		fail_why(why, cap, "fb_rec_parse rejects it: %s", err.msg);
		goto out;
	}
	out = write_rec(&rec, &n);
	if (out == NULL || n != len + 1 || memcmp(out, copy, len) != 0 ||
	    out[len] != '\n') {
		fail_why(why, cap, "written back as %zu bytes, not the %zu of "
		    "the line and a newline", n, len);
		free(out);
		goto out;
	}
	free(out);

	if (rec.nmembers > 0) {
		key = jansson_key(&rec.members[salt % rec.nmembers].key);
		/* jansson accepted the object, so no key holds a NUL */
		if (key == NULL || fb_rec_set_raw(&rec, json_string_value(key),
		    val, strlen(val)) < 0) {
			json_decref(key);
			fail_why(why, cap, "could not set an existing key");
			goto out;
		}
		if (check_edited(&rec, jv, json_string_value(key),
		    json_string_length(key), val, why, cap) < 0) {
			json_decref(key);
			goto out;
		}
		json_decref(key);
	}

	if (json_object_get(jv, added) == NULL) {
		if (fb_rec_parse(&rec, copy, len, &err) < 0 ||
		    fb_rec_set_raw(&rec, added, val, strlen(val)) < 0) {
			fail_why(why, cap, "could not set a new key");
			goto out;
		}
		if (check_edited(&rec, jv, added, strlen(added), val, why,
		    cap) < 0)
			goto out;
	}
	rc = 0;
out:
	fb_rec_release(&rec);
	return rc;
}

/*---- One input ----*/

static int
is_known_bug(const char *s, size_t len, const char **why)
{
	size_t k;

	for (k = 0; k < sizeof(known_bugs) / sizeof(known_bugs[0]); k++)
		if (known_bugs[k].s != NULL && known_bugs[k].len == len &&
		    memcmp(known_bugs[k].s, s, len) == 0) {
			*why = known_bugs[k].why;
			return 1;
		}
	return 0;
}

/*
 * Runs every check on the input 's': acceptance, then for what both
 * accept the decoded value, the members and the record round trip.
 * Returns the outcome; a failure is counted in 't' and reported.
 */
static enum expect
check_input(struct tally *t, const char *s, size_t len, enum expect expect)
{
	char *copy = exact_copy(s, len), why[400];
	struct verdict v;
	const char *bug;
	long case_no = ++t->cases;

	current_input = s;
	current_len = len;
	current_tally = t;
	current_case = case_no;
	judge(copy, len, &v);
	if (v.outcome == MISMATCH || (expect != ANY && v.outcome != expect)) {
		if (is_known_bug(s, len, &bug)) {
			/* TODO: a real scanner bug, reported, not yet fixed */
			t->todo++;
			printf("not ok %d - %s case %ld: %s # TODO %s\n",
			    ++tap_count, t->family, case_no, v.mismatch, bug);
			show_input(s, len);
		} else {
			t->bad_accept++;
			if (v.outcome == MISMATCH)
				report(t, case_no, "acceptance", v.mismatch, s,
				    len);
			else {
				snprintf(why, sizeof(why),
				    "expected %s, got %s",
				    outcome_names[expect],
				    outcome_names[v.outcome]);
				report(t, case_no, "acceptance", why, s, len);
			}
		}
	}
	t->outcomes[v.outcome]++;

	if (v.outcome == ACCEPT) {
		json_t *whole = fb_json_decode((struct fb_span){ copy, len });
		int values_agree = json_equal(whole, v.jansson);

		t->values++;
		if (!values_agree)
			report(t, case_no, "values", "fb_json_decode of the "
			    "whole text differs from jansson", s, len);
		if (v.fb_type == JSON_OBJECT) {
			t->objects++;
			if (check_members(t, copy, len, v.jansson, why,
			    sizeof(why)) < 0) {
				values_agree = 0;
				report(t, case_no, "members", why, s, len);
			}
			t->round_trips++;
			if (check_round_trip(copy, len, v.jansson,
			    (size_t)case_no, why, sizeof(why)) < 0) {
				t->bad_round_trip++;
				report(t, case_no, "fb_rec round trip", why, s,
				    len);
			}
		}
		if (!values_agree)
			t->bad_values++;
		json_decref(whole);
	}
	json_decref(v.jansson);
	free(copy);
#ifdef TEST_MEMCHECK
	{
		static unsigned long errors_seen;
		unsigned long errors = VALGRIND_COUNT_ERRORS;

		if (errors > errors_seen) {
			errors_seen = errors;
			t->bad_memory++;
			report(t, case_no, "memory", "valgrind reported an "
			    "error (above)", s, len);
		}
	}
#endif
	current_input = NULL;
	return v.outcome;
}

/* The family's checks and counts, after all its inputs ran. */
static void
tally_done(struct tally *t)
{
	diag("%s: %ld inputs: %ld both accept, %ld both reject, "
	    "deliberate differences: %ld out-of-range numbers, %ld \\u0000 in "
	    "keys, %ld nesting past %d, %ld raw NUL jansson drops", t->family,
	    t->cases, t->outcomes[ACCEPT], t->outcomes[REJECT],
	    t->outcomes[EXCEPT_RANGE], t->outcomes[EXCEPT_NUL_KEY],
	    t->outcomes[EXCEPT_DEPTH], FB_JSON_MAX_DEPTH,
	    t->outcomes[EXCEPT_RAW_NUL]);
	diag("%s: %ld values decoded, %ld objects with %ld members compared, "
	    "%ld records round-tripped%s", t->family, t->values, t->objects,
	    t->members, t->round_trips,
	    t->todo ? " (and known bugs: TODO)" : "");
	ok(t->bad_accept == 0, "%s: acceptance agrees with jansson on all %ld "
	    "inputs (%ld disagree)", t->family, t->cases, t->bad_accept);
	ok(t->bad_values == 0, "%s: values and members agree with jansson on "
	    "all %ld accepted inputs (%ld differ)", t->family, t->values,
	    t->bad_values);
	ok(t->bad_round_trip == 0, "%s: all %ld objects survive fb_rec_write "
	    "unedited and with one edit (%ld do not)", t->family,
	    t->round_trips, t->bad_round_trip);
	if (t->bad_memory > 0)
		ok(0, "%s: valgrind found errors on %ld inputs", t->family,
		    t->bad_memory);
}

/*---- (a) Hand-picked inputs ----*/

struct hand_case {
	const char *s;
	size_t len;
	enum expect expect;
	const char *what;
};

#define HC(lit, expect, what) { lit, sizeof(lit) - 1, expect, what }

static const struct hand_case hand_cases[] = {
	/* Every escape, in values and in keys. */
	HC("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", ACCEPT, "every one-letter escape"),
	HC("\"\\u0041\\u00e9\\u00E9\\u4e2d\\uffff\"", ACCEPT,
	    "\\u escapes, both cases"),
	HC("\"\\u0000\"", ACCEPT, "\\u0000 in a value"),
	HC("{\"a\":\"x\\u0000y\"}", ACCEPT, "\\u0000 in a member's value"),
	HC("\"\\x\"", REJECT, "escape \\x"),
	HC("\"\\'\"", REJECT, "escape \\'"),
	HC("\"\\a\"", REJECT, "escape \\a"),
	HC("\"\\0\"", REJECT, "escape \\0"),
	HC("\"\\U0041\"", REJECT, "escape \\U"),
	HC("\"\\ \"", REJECT, "backslash space"),
	HC("\"\\u12\"", REJECT, "short \\u"),
	HC("\"\\u12G4\"", REJECT, "\\u with a non-hex digit"),
	HC("\"\\u\"", REJECT, "\\u with no digits"),
	HC("\"abc\\\"", REJECT, "a backslash escaping the closing quote"),
	HC("\"abc\\", REJECT, "a backslash at the end of input"),
	HC("{\"a\\u0041\":1}", ACCEPT, "\\u escape in a key"),
	HC("{\"\\n\":1,\"\\\\\":2,\"\\/\":3,\"\\\"\":4}", ACCEPT,
	    "escaped keys"),
	HC("{\"\\ud83d\\ude00\":1}", ACCEPT, "surrogate pair in a key"),
	HC("{\"caf\\u00e9\":1,\"caf\xc3\xa9\":2}", ACCEPT,
	    "the same key escaped and raw (jansson keeps the last)"),
	HC("{\"a\":1,\"b\":2,\"a\":3,\"a\":{\"z\":[4]}}", ACCEPT,
	    "a key three times"),
	HC("{\"a\\u0000b\":1}", EXCEPT_NUL_KEY, "\\u0000 in a key"),
	HC("{\"\\u0000\":1,\"\\u0000\":2}", EXCEPT_NUL_KEY,
	    "\\u0000 keys repeated"),
	HC("{\"a\":{\"\\u0000\":1}}", EXCEPT_NUL_KEY,
	    "\\u0000 in a nested key"),
	HC("[{\"\\u0000\":\"\\u0000\"}]", EXCEPT_NUL_KEY,
	    "\\u0000 key in an array"),
	HC("{\"k\":\"\\\\u0000\"}", ACCEPT, "an escaped backslash, then u0000"),
	HC("{\"\\\\u0000\":1}", ACCEPT,
	    "a key with an escaped backslash, then u0000"),
	HC("{\"\\u0000\":1,\"x\":\"\\ud800\"}", REJECT,
	    "\\u0000 key, then a lone surrogate (both reject)"),

	/* Surrogates written as escapes. */
	HC("\"\\ud83d\\ude00\"", ACCEPT, "surrogate pair"),
	HC("\"\\uD83D\\uDE00\"", ACCEPT, "surrogate pair, upper case"),
	HC("\"\\ud800\\udc00\\udbff\\udfff\"", ACCEPT,
	    "lowest and highest pairs"),
	HC("\"\\ud800\"", REJECT, "lone high surrogate"),
	HC("\"\\udbff\"", REJECT, "lone high surrogate U+DBFF"),
	HC("\"\\udc00\"", REJECT, "lone low surrogate"),
	HC("\"\\udfff\"", REJECT, "lone low surrogate U+DFFF"),
	HC("\"\\ude00\\ud83d\"", REJECT, "pair in the wrong order"),
	HC("\"\\ud800\\ud800\"", REJECT, "two high surrogates"),
	HC("\"\\ud800\\u0041\"", REJECT, "high surrogate, then a letter"),
	HC("\"\\ud800\\n\"", REJECT, "high surrogate, then \\n"),
	HC("\"\\ud800x\"", REJECT, "high surrogate, then text"),
	HC("\"\\ud800\\u00\"", REJECT, "high surrogate, then a short \\u"),
	HC("\"\\ud800\\", REJECT, "high surrogate, then the end"),
	HC("{\"\\ud800\":1}", REJECT, "lone surrogate in a key"),

	/* Raw bytes: DEL, UTF-8 of every length and its bad forms. */
	HC("\"\x7f\"", ACCEPT, "DEL"),
	HC("\" \"", ACCEPT, "space (the first byte allowed raw)"),
	HC("\"\xc2\x80\xdf\xbf\"", ACCEPT, "2-byte lowest and highest"),
	HC("\"\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"", ACCEPT,
	    "3-byte edges around the surrogates"),
	HC("\"\xef\xbf\xbe\"", ACCEPT, "U+FFFE (a noncharacter, still UTF-8)"),
	HC("\"\xf0\x90\x80\x80\"", ACCEPT, "4-byte lowest U+10000"),
	HC("\"\xf0\x9f\x98\x80\"", ACCEPT, "4-byte emoji"),
	HC("\"\xf4\x8f\xbf\xbf\"", ACCEPT, "4-byte highest U+10FFFF"),
	HC("\"\xf4\x90\x80\x80\"", REJECT, "U+10FFFF+1"),
	HC("\"\xf5\x80\x80\x80\"", REJECT, "lead byte F5"),
	HC("\"\xf8\x88\x80\x80\x80\"", REJECT, "5-byte form"),
	HC("\"\xc0\x80\"", REJECT, "overlong NUL"),
	HC("\"\xc0\xaf\"", REJECT, "overlong slash"),
	HC("\"\xc1\xbf\"", REJECT, "overlong 2-byte C1"),
	HC("\"\xe0\x80\xaf\"", REJECT, "overlong 3-byte"),
	HC("\"\xe0\x9f\xbf\"", REJECT, "overlong 3-byte highest"),
	HC("\"\xf0\x80\x80\xaf\"", REJECT, "overlong 4-byte"),
	HC("\"\xf0\x8f\xbf\xbf\"", REJECT, "overlong 4-byte highest"),
	HC("\"\xed\xa0\x80\"", REJECT, "UTF-8 encoded high surrogate"),
	HC("\"\xed\xbf\xbf\"", REJECT, "UTF-8 encoded low surrogate"),
	HC("\"\xed\xa0\xbd\xed\xb8\x80\"", REJECT, "CESU-8 pair"),
	HC("\"\x80\"", REJECT, "lone continuation byte"),
	HC("\"\xbf\"", REJECT, "lone continuation BF"),
	HC("\"\xfe\"", REJECT, "byte FE"),
	HC("\"\xff\"", REJECT, "byte FF"),
	HC("\"\xe4\xb8\"", REJECT, "3-byte cut before the quote"),
	HC("\"\xf0\x9f\x98\"", REJECT, "4-byte cut before the quote"),
	HC("\"\xe4\xb8", REJECT, "3-byte cut at the end of input"),
	HC("\"\xe4\x41\xad\"", REJECT, "3-byte with ASCII inside"),
	HC("[1]\xff", REJECT, "bad UTF-8 after the value"),
	HC("\xef\xbb\xbf{}", REJECT, "byte order mark"),
	HC("{\"\xe4\xb8\xad\xe6\x96\x87\":\"\xf0\x9f\x98\x80\"}", ACCEPT,
	    "raw CJK key, emoji value"),

	/* Raw control bytes outside strings, and raw NUL. */
	HC("\0", REJECT, "a lone NUL"),
	HC("{}\0", REJECT, "NUL after the value"),
	HC("\"a\"\0", REJECT, "NUL after a string"),
	HC("[1,\0 2]", REJECT, "NUL between values"),
	HC("1\0", EXCEPT_RAW_NUL, "NUL after a number (jansson drops it)"),
	HC("1\0 ", EXCEPT_RAW_NUL, "NUL after a number, then a blank"),
	HC("[1.5\0,2]", EXCEPT_RAW_NUL, "NUL after a real in an array"),
	HC("[true\0]", EXCEPT_RAW_NUL, "NUL after true"),
	HC("false\0", EXCEPT_RAW_NUL, "NUL after false"),
	HC("{\"a\":null\0}", EXCEPT_RAW_NUL, "NUL after null in an object"),
	HC("[1\0\0]", REJECT, "two NULs after a number (jansson rejects too)"),
	HC("[1\0,\"\\ud800\"]", REJECT,
	    "NUL after a number, then a lone surrogate"),
	/* jansson drops no NUL after the blanks the 0 leaves */
	HC("[1e999\0]", REJECT, "out of range, then a NUL"),
	HC("\"a\0b\"", REJECT, "NUL inside a string"),
	HC("\f{}", REJECT, "form feed is not JSON whitespace"),
	HC("{}\v", REJECT, "vertical tab is not JSON whitespace"),
	HC("\t\r\n {} \t\r\n", ACCEPT, "all four whitespace bytes around"),

	/* Empty strings and containers. */
	HC("\"\"", ACCEPT, "empty string"),
	HC("{\"\":\"\"}", ACCEPT, "empty key and value"),
	HC("{\"\":1,\"\":2}", ACCEPT, "the empty key twice"),
	HC("[\"\",\"\",[],{},[[]],{\"\":{}}]", ACCEPT, "empty things"),
	HC("{ }", ACCEPT, "blank object"),
	HC("[ ]", ACCEPT, "blank array"),
	HC("", REJECT, "empty input"),
	HC("   ", REJECT, "blanks only"),

	/* Numbers. */
	HC("0", ACCEPT, "0"),
	HC("-0", ACCEPT, "-0"),
	HC("-0.0", ACCEPT, "-0.0"),
	HC("0e0", ACCEPT, "0e0"),
	HC("-0E-00", ACCEPT, "-0E-00"),
	HC("1e5", ACCEPT, "1e5"),
	HC("1E+5", ACCEPT, "1E+5"),
	HC("1e-5", ACCEPT, "1e-5"),
	HC("-1.5e3", ACCEPT, "-1.5e3"),
	HC("2116.18", ACCEPT, "2116.18"),
	HC("1e-400", ACCEPT, "underflow to 0 (both accept)"),
	HC("1e-99999", ACCEPT, "deep underflow"),
	HC("9223372036854775807", ACCEPT, "largest 64-bit integer"),
	HC("-9223372036854775808", ACCEPT, "lowest 64-bit integer"),
	HC("1.7976931348623157e308", ACCEPT, "largest double"),
	HC("9223372036854775808", EXCEPT_RANGE, "64-bit integer + 1"),
	HC("-9223372036854775809", EXCEPT_RANGE, "lowest 64-bit integer - 1"),
	HC("123456789012345678901234567890", EXCEPT_RANGE, "huge integer"),
	HC("1e999", EXCEPT_RANGE, "1e999"),
	HC("-1e999", EXCEPT_RANGE, "-1e999"),
	HC("1E400", EXCEPT_RANGE, "1E400"),
	HC("1.7976931348623159e308", EXCEPT_RANGE,
	    "just past the largest double"),
	HC("[1e999, 2e999, -123456789012345678901234567890]", EXCEPT_RANGE,
	    "three out-of-range numbers"),
	HC("{\"t\":\"\xe4\xb8\xad\xe6\x96\x87\",\"n\":1e999,\"m\":1}",
	    EXCEPT_RANGE, "out of range after multibyte text"),
	HC("{\"\\u0000\":1e999}", EXCEPT_RANGE,
	    "out of range with a \\u0000 key"),
	HC("[1e999, \"\\ud800\"]", REJECT,
	    "out of range, then a lone surrogate"),
	HC("[1e999", REJECT, "out of range, then the end"),
	HC("1e999x", REJECT, "out of range, then garbage"),
	HC("true1e999", REJECT, "a literal, then out of range"),
	HC("false-123456789012345678901", REJECT,
	    "a literal, then a huge integer"),
	HC("01", REJECT, "leading zero"),
	HC("-01", REJECT, "-01"),
	HC("00", REJECT, "00"),
	HC("1.", REJECT, "1."),
	HC(".5", REJECT, ".5"),
	HC("-", REJECT, "lone minus"),
	HC("-a", REJECT, "minus, then a letter"),
	HC("--1", REJECT, "two minus signs"),
	HC("+1", REJECT, "plus sign"),
	HC("1e", REJECT, "1e"),
	HC("1e+", REJECT, "1e+"),
	HC("1.e5", REJECT, "1.e5"),
	HC("1e5.5", REJECT, "fraction after the exponent"),
	HC("0x10", REJECT, "hex"),
	HC("1_000", REJECT, "digit separator"),
	HC("- 1", REJECT, "blank after the minus"),
	HC("NaN", REJECT, "NaN"),
	HC("Infinity", REJECT, "Infinity"),
	HC("-Infinity", REJECT, "-Infinity"),
	HC("[-]", REJECT, "minus in an array"),
	HC("{\"a\":-}", REJECT, "minus as a value"),
	HC("{\"a\":1.}", REJECT, "1. as a value"),

	/* Literals and structure. */
	HC("[true,false,null]", ACCEPT, "the literals"),
	HC("tru", REJECT, "cut literal"),
	HC("nul", REJECT, "cut null"),
	HC("nulls", REJECT, "null and a letter"),
	HC("True", REJECT, "capitalised literal"),
	HC("[truefalse]", REJECT, "two literals glued"),
	HC("[1true]", REJECT, "number and literal glued"),
	HC("{,}", REJECT, "comma for a key"),
	HC("[,]", REJECT, "comma for a value"),
	HC("[1,]", REJECT, "trailing comma in an array"),
	HC("{\"a\":1,}", REJECT, "trailing comma in an object"),
	HC("[1,,2]", REJECT, "two commas"),
	HC("{\"a\"}", REJECT, "key without a value"),
	HC("{\"a\":}", REJECT, "colon without a value"),
	HC("{\"a\" 1}", REJECT, "missing colon"),
	HC("{\"a\"::1}", REJECT, "two colons"),
	HC("{1:1}", REJECT, "number as a key"),
	HC("{null:1}", REJECT, "null as a key"),
	HC("{'a':1}", REJECT, "single-quoted key"),
	HC("[1 2]", REJECT, "missing comma"),
	HC("{\"a\":1 \"b\":2}", REJECT, "missing comma between members"),
	HC("{} {}", REJECT, "two values"),
	HC("[1]]", REJECT, "extra bracket"),
	HC("{\"a\":1}}", REJECT, "extra brace"),
	HC("[1}", REJECT, "bracket closed by a brace"),
	HC("{\"a\":1]", REJECT, "brace closed by a bracket"),
	HC("[", REJECT, "open bracket only"),
	HC("{", REJECT, "open brace only"),
	HC("{\"a\"", REJECT, "cut after a key"),
	HC("{\"a\":", REJECT, "cut after a colon"),
	HC("{\"a\":1", REJECT, "cut after a value"),
	HC("{\"a\":1,", REJECT, "cut after a comma"),
	HC("]", REJECT, "closing bracket only"),
	HC("\"", REJECT, "a lone quote"),
	HC("\"abc", REJECT, "unterminated string"),
	HC("{\"a\":\"}\"}", ACCEPT, "a brace inside a string"),
	HC("{\"a\":\"\\\"}\"}", ACCEPT, "an escaped quote, then a brace"),
	HC("{\"a\":\"\\\\\"}", ACCEPT, "an escaped backslash before the quote"),
	HC("{\"a\":\"\\\\\\\"}", REJECT,
	    "an escaped backslash, then an escaped quote"),
	HC(" { \"a\" : [ 1 , { \"b\" : null } ] , \"c\" : \"d\" } ", ACCEPT,
	    "blanks everywhere"),
};

/* Control bytes, raw and escaped, in values and keys. */
static void
hand_control_bytes(struct tally *t, long *wrong)
{
	char value[] = "\"a?b\"", key[] = "{\"k?y\":1}", buf[32];
	int c, n;

	for (c = 0; c < 0x20; c++) {
		value[2] = (char)c;
		if (check_input(t, value, sizeof(value) - 1, REJECT) != REJECT)
			++*wrong;
		key[3] = (char)c;
		if (check_input(t, key, sizeof(key) - 1, REJECT) != REJECT)
			++*wrong;
		n = snprintf(buf, sizeof(buf), "\"\\u%04x\\u%04X\"", c, c);
		if (check_input(t, buf, (size_t)n, ACCEPT) != ACCEPT)
			++*wrong;
		if (c == 0)
			continue;	/* \u0000 keys: DIFF_NUL_KEY, above */
		n = snprintf(buf, sizeof(buf), "{\"\\u%04x\":%d}", c, c);
		if (check_input(t, buf, (size_t)n, ACCEPT) != ACCEPT)
			++*wrong;
	}
}

/* Nesting around fb's limit (512) and jansson's (2048). */
static void
hand_nesting(struct tally *t)
{
	static const struct {
		int depth;
		const char *open, *mid, *close;
		enum expect expect;
	} nests[] = {
		{ FB_JSON_MAX_DEPTH - 1, "[", "", "]", ACCEPT },
		{ FB_JSON_MAX_DEPTH, "[", "", "]", ACCEPT },
		{ FB_JSON_MAX_DEPTH, "[", "1", "]", ACCEPT },
		{ FB_JSON_MAX_DEPTH, "{\"a\":", "{}", "}", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH, "{\"a\":", "1", "}", ACCEPT },
		{ FB_JSON_MAX_DEPTH + 1, "[", "", "]", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH + 1, "[", "\"x\"", "]", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH + 1, "{\"a\":", "1", "}", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH + 1, " [ ", "", " ] ", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH / 2, "[{\"k\":", "[]", "}]", EXCEPT_DEPTH },
		{ FB_JSON_MAX_DEPTH / 2 - 1, "[{\"k\":", "[]", "}]", ACCEPT },
		{ 600, "[", "", "]", EXCEPT_DEPTH },
		{ 2047, "[", "1", "]", EXCEPT_DEPTH },
		/* past jansson's limit too: both reject */
		{ 2048, "[", "1", "]", REJECT },
		{ 2049, "[", "", "]", REJECT },
		/* too deep, and broken: fb must not be excused */
		{ FB_JSON_MAX_DEPTH + 1, "[", "", "}", REJECT },
		{ FB_JSON_MAX_DEPTH + 1, "[", "", "", REJECT },
	};
	struct text s = { NULL, 0, 0 };
	size_t k;

	for (k = 0; k < sizeof(nests) / sizeof(nests[0]); k++) {
		enum expect got;

		nested(&s, nests[k].depth, nests[k].open, nests[k].mid,
		    nests[k].close);
		got = check_input(t, s.p, s.len, nests[k].expect);
		ok(got == nests[k].expect, "%s%s%s nested %d deep: %s",
		    nests[k].open, nests[k].mid, nests[k].close, nests[k].depth,
		    outcome_names[nests[k].expect]);
	}
	/* the brackets inside strings do not count */
	nested(&s, FB_JSON_MAX_DEPTH, "[", "\"[[[{{{\"", "]");
	ok(check_input(t, s.p, s.len, ACCEPT) == ACCEPT,
	    "brackets in a string 512 deep do not count");
	free(s.p);
}

static void
test_hand_cases(void)
{
	struct tally t = { .family = "(a) hand-picked" };
	long wrong = 0;
	size_t k;

	for (k = 0; k < sizeof(hand_cases) / sizeof(hand_cases[0]); k++) {
		const struct hand_case *h = &hand_cases[k];
		enum expect got = check_input(&t, h->s, h->len, h->expect);

		ok(got == h->expect, "%s: %s", h->what,
		    outcome_names[h->expect]);
	}
	hand_control_bytes(&t, &wrong);
	ok(wrong == 0, "control bytes 0x00-0x1f: rejected raw, accepted "
	    "escaped, in values and keys (%ld wrong)", wrong);
	hand_nesting(&t);
	tally_done(&t);
}

/*---- (a) The special byte at every offset ----*/

/*
 * A word-at-a-time string loop handles 8 or 16 bytes at once and then a
 * tail; these put each kind of byte it must stop at (or must not stop at)
 * after k = 0..40 plain bytes, then m more, at every alignment, and with
 * the string running to the very end of the input.
 */
static const struct tail {
	const char *s;
	size_t len;
	int closed;		/* the string's closing quote follows */
	enum expect expect;
	const char *what;
} tails[] = {
	{ "", 0, 1, ACCEPT, "nothing" },
	{ "\\\"", 2, 1, ACCEPT, "escaped quote" },
	{ "\\\\", 2, 1, ACCEPT, "escaped backslash" },
	{ "\\/", 2, 1, ACCEPT, "escaped slash" },
	{ "\\n", 2, 1, ACCEPT, "\\n" },
	{ "\\u00e9", 6, 1, ACCEPT, "\\u00e9" },
	{ "\\u0000", 6, 1, ACCEPT, "\\u0000" },
	{ "\\ud83d\\ude00", 12, 1, ACCEPT, "surrogate pair" },
	{ "\x7f", 1, 1, ACCEPT, "DEL" },
	{ "\xc3\xa9", 2, 1, ACCEPT, "2-byte UTF-8" },
	{ "\xe4\xb8\xad", 3, 1, ACCEPT, "3-byte UTF-8" },
	{ "\xf0\x9f\x98\x80", 4, 1, ACCEPT, "4-byte UTF-8" },
	{ "\xf4\x8f\xbf\xbf", 4, 1, ACCEPT, "U+10FFFF" },
	{ "\\", 1, 1, REJECT, "a backslash escaping the closing quote" },
	{ "\\x", 2, 1, REJECT, "escape \\x" },
	{ "\\u12", 4, 1, REJECT, "short \\u" },
	{ "\\ud800", 6, 1, REJECT, "lone high surrogate" },
	{ "\\udc00", 6, 1, REJECT, "lone low surrogate" },
	{ "\0", 1, 1, REJECT, "NUL" },
	{ "\x01", 1, 1, REJECT, "0x01" },
	{ "\t", 1, 1, REJECT, "tab" },
	{ "\n", 1, 1, REJECT, "newline" },
	{ "\x1f", 1, 1, REJECT, "0x1f" },
	{ "\x80", 1, 1, REJECT, "continuation byte" },
	{ "\xc0\xaf", 2, 1, REJECT, "overlong" },
	{ "\xed\xa0\x80", 3, 1, REJECT, "encoded surrogate" },
	{ "\xf4\x90\x80\x80", 4, 1, REJECT, "U+10FFFF+1" },
	{ "\xff", 1, 1, REJECT, "byte FF" },
	{ "\xe4\xb8", 2, 1, REJECT, "cut 3-byte" },
	{ "", 0, 0, REJECT, "unterminated at the end of input" },
	{ "\\", 1, 0, REJECT, "a backslash at the end of input" },
	{ "\\u00", 4, 0, REJECT, "a cut \\u at the end of input" },
	{ "\xe4", 1, 0, REJECT, "a cut 3-byte at the end of input" },
};

enum { CONTEXT_TOP, CONTEXT_VALUE, CONTEXT_KEY };

/* Sets 's' to the string (k plain bytes, the tail, m more) in its context. */
static void
offset_input(struct text *s, int context, int pad, int k, const struct tail *tl,
    int m)
{
	int n;

	s->len = 0;
	for (n = 0; n < pad; n++)
		text_addc(s, ' ');
	if (context == CONTEXT_VALUE)
		text_adds(s, "{\"k\":");
	else if (context == CONTEXT_KEY)
		text_addc(s, '{');
	text_addc(s, '"');
	for (n = 0; n < k; n++)
		text_addc(s, (char)('a' + n % 26));
	text_add(s, tl->s, tl->len);
	for (n = 0; n < m; n++)
		text_addc(s, 'z');
	if (!tl->closed)
		return;		/* the input ends inside the string */
	text_addc(s, '"');
	if (context == CONTEXT_VALUE)
		text_addc(s, '}');
	else if (context == CONTEXT_KEY)
		text_adds(s, ":1}");
}

static void
test_offsets(void)
{
	static const char *const context_names[] = { "top-level string",
	    "object value", "object key" };
	static const int trailing[] = { 0, 9 };
	struct tally t = { .family = "(a) special byte at offsets 0..40" };
	struct text s = { NULL, 0, 0 };
	size_t tl;
	int context, pads, pad, k, m;

	for (tl = 0; tl < sizeof(tails) / sizeof(tails[0]); tl++)
		for (context = CONTEXT_TOP; context <= CONTEXT_KEY; context++) {
			enum expect want = tails[tl].expect;
			long wrong = 0, cases = 0;

			/* jansson keeps no NUL in keys: DIFF_NUL_KEY */
			if (context == CONTEXT_KEY && tails[tl].len == 6 &&
			    memcmp(tails[tl].s, "\\u0000", 6) == 0)
				want = EXCEPT_NUL_KEY;
			/* the top level at all 16 alignments, others at two */
			pads = context == CONTEXT_TOP ? 16 : 2;
			for (pad = 0; pad < pads; pad++)
				for (k = 0; k <= 40; k++)
					for (m = 0; m < 2; m++) {
						offset_input(&s, context, pad,
						    k, &tails[tl], trailing[m]);
						cases++;
						if (check_input(&t, s.p, s.len,
						    want) != want)
							wrong++;
					}
			ok(wrong == 0, "%s after 0..40 bytes, %s: %s (%ld "
			    "cases, %ld wrong)", tails[tl].what,
			    context_names[context], outcome_names[want], cases,
			    wrong);
		}
	free(s.p);
	tally_done(&t);
}

/*---- (b) Mutants of real-looking records ----*/

/*
 * Records like fb-gen's and fb-ingest's: CJK and English text, emoji,
 * nested customer and region, tags, numbers, escapes, a repeated key.
 */
static const char *const records[] = {
	"{\"id\":\"fb-03d1c9015c75\",\"ts\":\"2026-11-11T16:05:12Z\","
	"\"channel\":\"app\",\"source\":{\"file\":\"app-feedback-20261111"
	".json\",\"line\":214,\"ref\":\"AF-7731902\"},"
	"\"customer\":{\"id\":\"c-100482\",\"tier\":\"vip\","
	"\"annual_spend\":12860.5,\"flags\":[]},\"order_id\":\"O202611110"
	"038821\",\"sku\":\"SKU-88120931\",\"product_category\":\"applian"
	"ces\",\"region\":{\"province\":\"\xe6\xb5\x99\xe6\xb1\x9f\xe7\x9c"
	"\x81\",\"city\":\"\xe6\x9d\xad\xe5\xb7\x9e\xe5\xb8\x82\","
	"\"district\":\"\xe8\xa5\xbf\xe6\xb9\x96\xe5\x8c\xba\"},"
	"\"text\":\"\xe5\x8f\x8c\xe5\x8d\x81\xe4\xb8\x80\xe4\xb9\xb0\xe7\x9a"
	"\x84\xe7\xa9\xba\xe6\xb0\x94\xe7\x82\xb8\xe9\x94\x85\xe4\xbb\x8a"
	"\xe5\xa4\xa9\xe6\x89\x8d\xe6\x98\xbe\xe7\xa4\xba\xe5\x8f\x91\xe8"
	"\xb4\xa7\xef\xbc\x8c\xe8\xaf\xb4\xe5\xa5\xbd\xe7\x9a\x84" "48\xe5"
	"\xb0\x8f\xe6\x97\xb6\xe5\x86\x85\xe5\x8f\x91\xe8\xb4\xa7\xe5\x91"
	"\xa2\xef\xbc\x9f\",\"lang\":\"zh\",\"rating\":2,"
	"\"attachments\":{\"images\":0,\"videos\":0}}",

	"{\"id\":\"fb-86bd4cc6718e5729\",\"ts\":\"2026-10-22T02:54:19.206"
	"Z\",\"channel\":\"email\",\"customer\":{\"id\":\"c-000051\","
	"\"tier\":\"normal\",\"annual_spend\":8587.72},"
	"\"region\":{\"province\":\"\\u91cd\\u5e86\\u5e02\","
	"\"city\":\"\xe9\x87\x8d\xe5\xba\x86\xe5\xb8\x82\"},"
	"\"text\":\"\\\"Free shipping\\\" on the page,"
	" then a fee at checkout \xf0\x9f\x98\xa1\\nPlease refund \\ud83d"
	"\\ude4f \\/ thanks\",\"lang\":\"en\",\"rating\":1,"
	"\"tags\":[\"billing/fee\",\"service/bot\"],"
	"\"category\":\"billing\",\"sentiment\":{\"label\":\"negative\","
	"\"score\":-0.793},\"quality\":0.17,\"priority\":\"P2\","
	"\"route\":{\"queue\":\"billing\",\"rule\":7}}",

	"{\"type\":\"event\",\"id\":\"fb-03d1c9015c75\","
	"\"event\":\"first_response\",\"ts\":\"2026-11-11T16:32:40Z\","
	"\"agent\":\"a17\",\"sla\":{\"due\":1791351544730,"
	"\"met\":true,\"overdue\":null}}",

	" { \"id\" : \"fb-1\" , \"text\" : \"\xe5\x8c\x85\xe8\xa3\x85\xe6"
	"\xb2\xa1\xe6\x9c\x89\xe7\xa0\xb4\xe6\x8d\x9f\xef\xbc\x8c\xe8\xae"
	"\xa2\xe5\x8d\x95\xe5\x8f\xb7 2611220815\xef\xbc\x8c\xe9\x80\x80\xe6"
	"\x88\x91" "12\xe5\x85\x83\" , \"tags\" : [ ] ,"
	" \"caf\\u00e9\" : { } , \"n\" : -0 , \"x\" : 1E+5 ,"
	" \"id\" : \"fb-2\" }\t",

	"{\"id\":\"fb-242b489b6e3389b2\",\"channel\":\"miniprogram\","
	"\"customer\":{\"id\":\"c-203377\",\"tier\":\"svip\","
	"\"flags\":[\"vip\",\"repeat\"]},\"text\":\"\xe6\x94\xb6\xe5\x88\xb0"
	"\xe7\x9a\x84\xe8\xbd\xa6\xe5\x8e\x98\xe5\xad\x90\xf0\x9f\x8d\x92"
	"\xef\xbc\x8c\xe7\xae\xb1\xe5\xad\x90\xe4\xb9\x9f\xe8\xa2\xab\xe5"
	"\x8e\x8b\xe6\x89\x81\xe4\xba\x86\xf0\x9f\x93\xa6 \xe2\x80\x94 th"
	"e box was crushed; Tab\\there, NUL \\u0000 kept.\","
	"\"images\":[{\"w\":1080,\"h\":1920,\"ok\":true},"
	"{\"w\":0,\"h\":0,\"ok\":false}],\"score\":[1,"
	"-2.5e-3,0.0,1e10]}",

	"{\"a\":{\"b\":{\"c\":[[[{\"d\":\"\\u4e2d\\u6587\"}]]]}},"
	"\"e\":[],\"f\":{},\"g\":\"\",\"h\":\"\\\\\","
	"\"i\":\"\\\"\",\"\\\"k\\\"\":\"v\",\"j\":\"\xf0\x9f\x98\x80\xf0\x9f"
	"\x98\x80\"}",
};

/* Bytes that matter to a JSON scanner, and to a UTF-8 check. */
static const unsigned char mutation_bytes[] = {
	'"', '\\', '{', '}', '[', ']', ',', ':', 0x00, 0x1f, 0x80, 0xc0, 0xe4,
	0xff, ' ', '\t', '0', '-', '.', 'e', 'u', 'n',
};

static unsigned char
mutation_byte(void)
{
	if (pick(4) == 0)
		return (unsigned char)pick(256);
	return mutation_bytes[pick(sizeof(mutation_bytes))];
}

/* Flips, inserts, deletes or duplicates one byte of 's'. */
static void
mutate(struct text *s)
{
	size_t at = s->len ? pick(s->len) : 0;
	unsigned char c;

	switch (pick(4)) {
	case 0:		/* flip */
		if (s->len > 0) {
			s->p[at] = (char)mutation_byte();
			break;
		}
		/* FALLTHROUGH */
	case 1:		/* insert */
		c = mutation_byte();
		text_addc(s, 0);
		memmove(s->p + at + 1, s->p + at, s->len - at - 1);
		s->p[at] = (char)c;
		break;
	case 2:		/* delete */
		if (s->len > 0) {
			memmove(s->p + at, s->p + at + 1, s->len - at - 1);
			s->len--;
		}
		break;
	default:	/* duplicate */
		if (s->len > 0) {
			c = (unsigned char)s->p[at];
			text_addc(s, 0);
			memmove(s->p + at + 1, s->p + at, s->len - at - 1);
			s->p[at] = (char)c;
		}
		break;
	}
}

static void
test_mutants(void)
{
	struct tally t = { .family = "(b) mutated records" };
	struct text s = { NULL, 0, 0 };
	size_t r;
	int k, n;

	/* the records themselves first: all valid */
	for (r = 0; r < sizeof(records) / sizeof(records[0]); r++)
		ok(check_input(&t, records[r], strlen(records[r]), ACCEPT) ==
		    ACCEPT, "record %zu is valid JSON both ways", r);
	rng_seed(0x5ca7d1ffULL);
	for (k = 0; k < 20000; k++) {
		s.len = 0;
		text_adds(&s,
		    records[pick(sizeof(records) / sizeof(records[0]))]);
		for (n = 1 + (int)pick(3); n > 0; n--)
			mutate(&s);
		check_input(&t, s.p, s.len, ANY);
	}
	free(s.p);
	tally_done(&t);
}

/*---- (c) Token soup ----*/

#define TOK(lit) { lit, sizeof(lit) - 1 }

static const struct {
	const char *s;
	size_t len;
} soup_tokens[] = {
	TOK("{"), TOK("}"), TOK("["), TOK("]"), TOK(","), TOK(":"), TOK("\""),
	TOK("{"), TOK("}"), TOK("["), TOK("]"), TOK(","), TOK(":"), TOK("\""),
	TOK("\"k\""), TOK("\"\\u00e9\""), TOK("\"\""), TOK("\"a\\\"b\""),
	/* pieces of object members */
	TOK("{\"k\":"), TOK("{\"k\":"), TOK(",\"k\":"), TOK(",\"\\u006b\":"),
	TOK("\"k\":"),
	TOK("\\"), TOK("\\u"), TOK("\\ud83d"), TOK("\\ude00"), TOK("\\u0000"),
	TOK("\\n"), TOK("00e9"), TOK("0"), TOK("1"), TOK("9"), TOK("-"),
	TOK("."), TOK("e"), TOK("+"), TOK("1e999"),
	TOK("123456789012345678901"),
	TOK("true"), TOK("false"), TOK("null"), TOK(" "), TOK("\n"), TOK("\t"),
	TOK("\r"), TOK("a"), TOK("\xe4\xb8\xad"), TOK("\xf0\x9f\x98\x80"),
	TOK("\xc3"), TOK("\xa9"), TOK("\x80"), TOK("\xc0"), TOK("\xff"),
	TOK("\0"), TOK("\x1f"), TOK("\x7f"),
};

static void
test_token_soup(void)
{
	struct tally t = { .family = "(c) token soup" };
	struct text s = { NULL, 0, 0 };
	size_t tok;
	int k, n;

	rng_seed(0x70c3250e9ULL);
	for (k = 0; k < 20000; k++) {
		s.len = 0;
		for (n = 1 + (int)pick(16); n > 0; n--) {
			tok = pick(sizeof(soup_tokens) /
			    sizeof(soup_tokens[0]));
			text_add(&s, soup_tokens[tok].s, soup_tokens[tok].len);
		}
		check_input(&t, s.p, s.len, ANY);
	}
	free(s.p);
	tally_done(&t);
}

/*---- (d) Generated documents ----*/

static void
gen_blank(struct text *s)
{
	static const char blanks[] = " \t\n\r";

	while (pick(4) == 0)
		text_addc(s, blanks[pick(4)]);
}

/* Appends the UTF-8 of a random code point of 'bytes' bytes (no surrogates). */
static void
gen_utf8(struct text *s, int bytes)
{
	uint32_t cp;
	char u[4];

	switch (bytes) {
	case 2:
		cp = 0x80 + (uint32_t)pick(0x800 - 0x80);
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		break;
	case 3:
		do
			cp = 0x800 + (uint32_t)pick(0x10000 - 0x800);
		while (cp >= 0xd800 && cp <= 0xdfff);
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		break;
	default:
		cp = 0x10000 + (uint32_t)pick(0x110000 - 0x10000);
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		break;
	}
	text_add(s, u, (size_t)bytes);
}

/* A string token: runs of letters, every escape, raw UTF-8 of each length. */
static void
gen_string(struct text *s, int nul_ok)
{
	static const char *const escapes[] = { "\\\"", "\\\\", "\\/", "\\b",
	    "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\u4E2D", "\\uffff",
	    "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\u001f", "\\u0000" };
	char hex[8];
	int n, k;

	text_addc(s, '"');
	for (n = (int)pick(8); n > 0; n--)
		switch (pick(6)) {
		case 0:
		case 1:
			/* printable ASCII; " and \ come only as escapes */
			for (k = (int)pick(24); k > 0; k--) {
				char c = (char)(' ' + pick(95));

				text_addc(s, c == '"' || c == '\\' ? 'q' : c);
			}
			break;
		case 2:
			k = (int)pick(sizeof(escapes) / sizeof(escapes[0]) -
			    (nul_ok ? 0 : 1));
			text_adds(s, escapes[k]);
			break;
		case 3:
			do
				k = (int)pick(0x10000);
			while ((k >= 0xd800 && k <= 0xdfff) ||
			    (!nul_ok && k == 0));
			snprintf(hex, sizeof(hex),
			    pick(2) ? "\\u%04x" : "\\u%04X", k);
			text_adds(s, hex);
			break;
		case 4:
			gen_utf8(s, 2 + (int)pick(3));
			break;
		default:
			text_adds(s, pick(2) ? "\x7f" : " ");
			break;
		}
	text_addc(s, '"');
}

/* A number of every form, none out of jansson's range. */
static void
gen_number(struct text *s)
{
	char buf[64];
	int k, digits;

	if (pick(3) == 0)
		text_addc(s, '-');
	if (pick(3) == 0)
		text_addc(s, '0');
	else {
		/* at most 18 digits: always a 64-bit integer */
		digits = 1 + (int)pick(18);
		text_addc(s, (char)('1' + pick(9)));
		for (k = 1; k < digits; k++)
			text_addc(s, (char)('0' + pick(10)));
	}
	if (pick(3) == 0) {
		text_addc(s, '.');
		for (k = 1 + (int)pick(6); k > 0; k--)
			text_addc(s, (char)('0' + pick(10)));
	}
	if (pick(4) == 0) {
		snprintf(buf, sizeof(buf), "%c%s%d", pick(2) ? 'e' : 'E',
		    pick(3) == 0 ? "+" : pick(2) ? "-" : "", (int)pick(100));
		text_adds(s, buf);
	}
}

/* A few keys, so repeats are common; escaped spellings of the same ones too. */
static const char *const gen_keys[] = { "\"id\"", "\"text\"", "\"a\"",
    "\"\\u0061\"", "\"\"", "\"caf\xc3\xa9\"", "\"caf\\u00e9\"", "\"tags\"",
    "\"\xe4\xb8\xad\"", "\"\\\"\"" };

static void
gen_value(struct text *s, int depth)
{
	int n, k;

	switch (depth >= 5 ? 2 + pick(5) : pick(7)) {
	case 0:
		text_addc(s, '[');
		gen_blank(s);
		for (n = (int)pick(5), k = 0; k < n; k++) {
			if (k > 0) {
				text_addc(s, ',');
				gen_blank(s);
			}
			gen_value(s, depth + 1);
			gen_blank(s);
		}
		text_addc(s, ']');
		break;
	case 1:
		text_addc(s, '{');
		gen_blank(s);
		for (n = (int)pick(6), k = 0; k < n; k++) {
			if (k > 0) {
				text_addc(s, ',');
				gen_blank(s);
			}
			if (pick(2))
				text_adds(s, gen_keys[pick(sizeof(gen_keys) /
				    sizeof(gen_keys[0]))]);
			else
				gen_string(s, 0);
			gen_blank(s);
			text_addc(s, ':');
			gen_blank(s);
			gen_value(s, depth + 1);
			gen_blank(s);
		}
		text_addc(s, '}');
		break;
	case 2:
	case 3:
		gen_string(s, 1);
		break;
	case 4:
		gen_number(s);
		break;
	default:
		text_adds(s, pick(3) == 0 ? "true" :
		    pick(2) ? "false" : "null");
		break;
	}
}

static void
test_generated(void)
{
	struct tally t = { .family = "(d) generated documents" };
	struct text s = { NULL, 0, 0 };
	int k;

	rng_seed(0xd0c5ULL);
	for (k = 0; k < 5000; k++) {
		s.len = 0;
		gen_blank(&s);
		if (pick(5) > 0) {
			/* mostly objects: to check members, round trips */
			text_addc(&s, '{');
			gen_blank(&s);
			text_adds(&s, gen_keys[pick(sizeof(gen_keys) /
			    sizeof(gen_keys[0]))]);
			text_addc(&s, ':');
			gen_value(&s, 1);
			text_addc(&s, ',');
			gen_string(&s, 0);
			text_addc(&s, ':');
			gen_value(&s, 1);
			gen_blank(&s);
			text_addc(&s, '}');
		} else
			gen_value(&s, 0);
		gen_blank(&s);
		check_input(&t, s.p, s.len, ACCEPT);
	}
	free(s.p);
	tally_done(&t);
}

int
main(void)
{
	char *rest;
	size_t n;
	int rc = 0;

	show_input_on_death();
	capture_open(&sink);
	test_hand_cases();
	test_offsets();
	test_mutants();
	test_token_soup();
	test_generated();
	rest = capture_close(&sink, &rc, &n);
	free(rest);
	free(members);
	return done_testing();
}
