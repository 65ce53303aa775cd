/*
 * test_json: the validating scanner (fb_json_scan), member lookup, string
 * unescaping, decoding into jansson and the pretty printer.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "capture.h"
#include "tap.h"

/*---- Helpers ----*/

/* Returns a new heap string of 'n' copies of 'a', 'mid', then 'n' copies of 'b'. */
static char *
nested(int n, const char *a, const char *mid, const char *b)
{
	size_t la = strlen(a), lm = strlen(mid), lb = strlen(b);
	char *s = malloc((size_t)n * (la + lb) + lm + 1), *p = s;
	int k;

	if (s == NULL)
		abort();
	for (k = 0; k < n; k++, p += la)
		memcpy(p, a, la);
	memcpy(p, mid, lm);
	p += lm;
	for (k = 0; k < n; k++, p += lb)
		memcpy(p, b, lb);
	*p = '\0';
	return s;
}

/* Scans 's' from an exact-size heap copy (so ASan sees over-reads). */
static int
scan_exact(const char *s, size_t len, struct fb_error *err)
{
	char *p = malloc(len ? len : 1);
	int type;

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	type = fb_json_scan(p, len, NULL, NULL, NULL, err);
	free(p);
	return type;
}

/*
 * Runs fb_json_write_pretty() into an fb_out on a temporary file and
 * returns what was written (a heap string, '*n' its length).
 */
static char *
pretty(const char *s, int *rc, size_t *n)
{
	struct fb_out out;

	capture_open(&out);
	*rc = fb_json_write_pretty(&out, s, strlen(s));
	return capture_close(&out, rc, n);
}

static const char *
type_name(int t)
{
	switch (t) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "real";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	case -1: return "rejected";
	default: return "?";
	}
}

/*---- fb_json_scan: accepted texts and their types ----*/

static const struct {
	const char *s;
	int type;
} good[] = {
	{ "0", JSON_INTEGER },
	{ "-0", JSON_INTEGER },
	{ "42", JSON_INTEGER },
	{ "  42  ", JSON_INTEGER },
	{ "-17", JSON_INTEGER },
	{ "123456789012345678901234567890", JSON_INTEGER },
	{ "1e5", JSON_REAL },
	{ "1E+5", JSON_REAL },
	{ "1e-5", JSON_REAL },
	{ "1E400", JSON_REAL },
	{ "0.5", JSON_REAL },
	{ "-0.0", JSON_REAL },
	{ "-0.5e-3", JSON_REAL },
	{ "2116.18", JSON_REAL },
	{ "true", JSON_TRUE },
	{ "false", JSON_FALSE },
	{ "null", JSON_NULL },
	{ "\"\"", JSON_STRING },
	{ "\"a\\\"b\"", JSON_STRING },
	{ "\"\\ud83d\\ude00\"", JSON_STRING },
	{ "\"\\uD83D\\uDE00\"", JSON_STRING },
	{ "\"\\u00e9\\/\\b\\f\\n\\r\\t\\\\\\\"\"", JSON_STRING },
	{ "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", JSON_STRING },
	{ "\"\x7f\"", JSON_STRING },
	{ "\"\\u0000\"", JSON_STRING },
	{ "[]", JSON_ARRAY },
	{ "[ ]", JSON_ARRAY },
	{ " [ 1 , 2 ] ", JSON_ARRAY },
	{ "[1e5,-0,0.5,true,false,null,\"x\",[],{}]", JSON_ARRAY },
	{ "[[[]]]", JSON_ARRAY },
	{ "{}", JSON_OBJECT },
	{ "{ }", JSON_OBJECT },
	{ "\t\r\n{\"a\":1}\n", JSON_OBJECT },
	{ "{\"a\":{\"b\":[1,{\"c\":null}]}}", JSON_OBJECT },
	{ "{\"\":0}", JSON_OBJECT },
	{ "{\"a\":1,\"a\":2}", JSON_OBJECT },
	{ "{ \"a\" : [ ] , \"b\" : { } }", JSON_OBJECT },
};

/*---- fb_json_scan: rejected texts and the column of the bad byte ----*/

static const struct {
	const char *s;
	long col;
	const char *why;
} bad[] = {
	{ "01", 2, "leading zero" },
	{ "00", 2, "two zeros" },
	{ "-01", 3, "negative with leading zero" },
	{ "01.5", 2, "leading zero before a fraction" },
	{ "1.", 3, "no digit after the point" },
	{ "1.e5", 3, "no digit between point and exponent" },
	{ ".5", 1, "no digit before the point" },
	{ "+1", 1, "plus sign" },
	{ "-", 2, "lone minus" },
	{ "-a", 2, "minus then a letter" },
	{ "[-]", 3, "minus in an array" },
	{ "1e", 3, "exponent without digits" },
	{ "1e+", 4, "signed exponent without digits" },
	{ "NaN", 1, "NaN" },
	{ "Infinity", 1, "Infinity" },
	{ "-Infinity", 2, "-Infinity" },
	{ "[1,]", 4, "trailing comma in an array" },
	{ "[1,2,]", 6, "trailing comma after two elements" },
	{ "{\"a\":1,}", 8, "trailing comma in an object" },
	{ "[1,,2]", 4, "two commas" },
	{ "{,}", 2, "comma for a key" },
	{ "'a'", 1, "single-quoted string" },
	{ "{'a':1}", 2, "single-quoted key" },
	{ "[\"a\x01" "b\"]", 4, "raw control character" },
	{ "\"a\tb\"", 3, "raw tab in a string" },
	{ "\"a\nb\"", 3, "raw newline in a string" },
	{ "\"\\x\"", 2, "escape \\x" },
	{ "\"ab\\'\"", 4, "escape \\'" },
	{ "\"\\ud800\"", 2, "lone high surrogate" },
	{ "\"\\udc00\"", 2, "lone low surrogate" },
	{ "\"\\ud800\\u0041\"", 2, "high surrogate then a non-surrogate" },
	{ "\"\\ud800x\"", 2, "high surrogate then text" },
	{ "\"x\\ude00\\ud83d\"", 3, "surrogate pair in the wrong order" },
	{ "\"ab\\u12\"", 4, "short \\u escape" },
	{ "\"\\u00G0\"", 2, "bad hex in \\u escape" },
	{ "\"abc", 5, "unterminated string" },
	{ "\"a\\\"", 5, "unterminated after an escaped quote" },
	{ "[1 2]", 4, "missing comma" },
	{ "[true false]", 7, "missing comma between literals" },
	{ "{\"a\" 1}", 6, "missing colon" },
	{ "{\"a\":}", 6, "missing value" },
	{ "{\"a\":1 \"b\":2}", 8, "missing comma between members" },
	{ "{1:2}", 2, "number as a key" },
	{ "[1] x", 5, "trailing garbage" },
	{ "{} {}", 4, "two values" },
	{ "1 2", 3, "two numbers" },
	{ "[1]]", 4, "extra bracket" },
	{ "{\"a\":1}}", 8, "extra brace" },
	{ "truex", 5, "literal then garbage" },
	{ "tru", 1, "cut literal" },
	{ "nul", 1, "cut null" },
	{ "True", 1, "capitalised literal" },
	{ "[", 2, "open bracket only" },
	{ "[1", 3, "unclosed array" },
	{ "{\"a\":1", 7, "unclosed object" },
	{ "", 1, "empty input" },
	{ "   ", 4, "whitespace only" },
	{ "\f1", 1, "form feed is not JSON whitespace" },
	{ "1\v", 2, "vertical tab is not JSON whitespace" },
};

static void
test_scan_table(void)
{
	size_t k;

	for (k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		struct fb_error err = { "", 0, 0 };
		int t = scan_exact(good[k].s, strlen(good[k].s), &err);

		if (!ok(t == good[k].type, "accepts %s as %s", good[k].s,
		    type_name(good[k].type)))
			diag("got %s: %s (col %ld)", type_name(t), err.msg,
			    err.col);
	}
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct fb_error err = { "", 0, 0 };
		int t = scan_exact(bad[k].s, strlen(bad[k].s), &err);

		if (!ok(t == -1 && err.col == bad[k].col && err.msg[0] != '\0',
		    "rejects %s at col %ld", bad[k].why, bad[k].col))
			diag("got %s, col %ld: %s", type_name(t), err.col,
			    err.msg);
	}
}

static void
test_scan_nesting(void)
{
	struct fb_error err = { "", 0, 0 };
	char *s;
	int t;

	s = nested(FB_JSON_MAX_DEPTH, "[", "", "]");
	is_int(fb_json_scan(s, strlen(s), NULL, NULL, NULL, &err), JSON_ARRAY,
	    "arrays nested %d deep are accepted", FB_JSON_MAX_DEPTH);
	free(s);
	s = nested(FB_JSON_MAX_DEPTH + 1, "[", "", "]");
	t = fb_json_scan(s, strlen(s), NULL, NULL, NULL, &err);
	ok(t == -1 && err.col == FB_JSON_MAX_DEPTH + 1,
	    "arrays nested %d deep are rejected at the deepest bracket (col %ld: %s)",
	    FB_JSON_MAX_DEPTH + 1, err.col, err.msg);
	free(s);

	s = nested(FB_JSON_MAX_DEPTH, "{\"a\":", "1", "}");
	is_int(fb_json_scan(s, strlen(s), NULL, NULL, NULL, &err), JSON_OBJECT,
	    "objects nested %d deep are accepted", FB_JSON_MAX_DEPTH);
	free(s);
	s = nested(FB_JSON_MAX_DEPTH + 1, "{\"a\":", "1", "}");
	t = fb_json_scan(s, strlen(s), NULL, NULL, NULL, &err);
	ok(t == -1 && err.col == 5L * FB_JSON_MAX_DEPTH + 1,
	    "objects nested %d deep are rejected (col %ld: %s)",
	    FB_JSON_MAX_DEPTH + 1, err.col, err.msg);
	free(s);

	/* 255 arrays each holding an object, then the innermost []. */
	s = nested(FB_JSON_MAX_DEPTH / 2 - 1, "[{\"k\":", "[]", "}]");
	is_int(fb_json_scan(s, strlen(s), NULL, NULL, NULL, NULL), JSON_ARRAY,
	    "mixed nesting %d deep (NULL err) is accepted", FB_JSON_MAX_DEPTH - 1);
	free(s);
	s = nested(FB_JSON_MAX_DEPTH / 2, "[{\"k\":", "[]", "}]");
	is_int(fb_json_scan(s, strlen(s), NULL, NULL, NULL, NULL), -1,
	    "mixed nesting %d deep (NULL err) is rejected", FB_JSON_MAX_DEPTH + 1);
	free(s);
}

/*---- fb_json_scan: top-level members ----*/

static void
check_member(const char *s, const struct fb_member *m, const char *key,
    int escaped, const char *val)
{
	size_t slen = strlen(s);

	ok(m->key.p > s && m->key.p + m->key.len < s + slen &&
	    m->val.p > s && m->val.p + m->val.len < s + slen,
	    "member %s: spans point into the text", key);
	is_mem(m->key.p, m->key.len, key, strlen(key), "member %s: raw key", key);
	is_int(m->key_escaped, escaped, "member %s: escaped flag", key);
	is_mem(m->val.p, m->val.len, val, strlen(val), "member %s: value", key);
}

static void
test_scan_members(void)
{
	static const char obj[] =
	    "{\"a\":1, \"b\\u0041\" : [1, {\"x\":2}] ,\"c\":{\"d\":\"e\"},"
	    "\"e\":\"s\\\"q\", \"f\":true,\"g\":null,\"h\":-1.5e3,"
	    "\"t\\tab\":\"}\"}";
	struct fb_member *m = NULL;
	size_t n = 99, cap = 0;
	struct fb_error err = { "", 0, 0 };
	char *big, *p;
	int k;

	is_int(fb_json_scan(obj, strlen(obj), &m, &n, &cap, &err), JSON_OBJECT,
	    "object with nested values scans");
	is_uint(n, 8, "top-level members only (nested ones are not listed)");
	ok(cap >= n && m != NULL, "members array allocated (cap %zu)", cap);
	if (n == 8 && m != NULL) {
		check_member(obj, &m[0], "a", 0, "1");
		check_member(obj, &m[1], "b\\u0041", 1, "[1, {\"x\":2}]");
		check_member(obj, &m[2], "c", 0, "{\"d\":\"e\"}");
		check_member(obj, &m[3], "e", 0, "\"s\\\"q\"");
		check_member(obj, &m[4], "f", 0, "true");
		check_member(obj, &m[5], "g", 0, "null");
		check_member(obj, &m[6], "h", 0, "-1.5e3");
		check_member(obj, &m[7], "t\\tab", 1, "\"}\"");
		ok(fb_json_key_eq(&m[1], "bA", 2), "key_eq: escaped key \"b\\u0041\" equals bA");
		ok(!fb_json_key_eq(&m[1], "b\\u0041", 7), "key_eq: escaped key does not equal its raw form");
		ok(fb_json_key_eq(&m[7], "t\tab", 4), "key_eq: \\t in a key");
		ok(fb_json_key_eq(&m[0], "a", 1), "key_eq: plain key");
		ok(!fb_json_key_eq(&m[0], "ab", 2), "key_eq: longer name differs");
		ok(!fb_json_key_eq(&m[0], "", 0), "key_eq: empty name differs");
	}

	/* The caller's array is reused and grown. */
	big = malloc(16 * 200 + 3);
	if (big == NULL)
		abort();
	p = big;
	*p++ = '{';
	for (k = 0; k < 200; k++)
		p += sprintf(p, "%s\"k%d\":%d", k ? "," : "", k, k * 3);
	*p++ = '}';
	*p = '\0';
	is_int(fb_json_scan(big, strlen(big), &m, &n, &cap, &err), JSON_OBJECT,
	    "object with 200 members scans into the same array");
	is_uint(n, 200, "200 members listed");
	ok(cap >= 200, "array grown (cap %zu)", cap);
	if (n == 200) {
		is_mem(m[199].key.p, m[199].key.len, "k199", 4, "last member's key");
		is_mem(m[199].val.p, m[199].val.len, "597", 3, "last member's value");
	}
	free(big);

	is_int(fb_json_scan("[{\"a\":1}]", 9, &m, &n, &cap, &err), JSON_ARRAY,
	    "array scans");
	is_uint(n, 0, "an array has no members");
	is_int(fb_json_scan("{}", 2, &m, &n, &cap, &err), JSON_OBJECT, "{} scans");
	is_uint(n, 0, "{} has no members");
	n = 99;
	is_int(fb_json_scan("{\"a\":1,}", 8, &m, &n, &cap, &err), -1,
	    "bad object rejected with a members array");
	free(m);
}

/*---- fb_json_member ----*/

static void
member_is(const char *obj, const char *key, const char *want)
{
	struct fb_span o = { obj, strlen(obj) }, v = { NULL, 0 };
	int found = fb_json_member(o, key, strlen(key), &v);

	if (want == NULL)
		ok(!found, "member '%s' of %s is absent", key, obj);
	else if (ok(found, "member '%s' of %s is found", key, obj))
		is_mem(v.p, v.len, want, strlen(want), "member '%s' of %s is %s",
		    key, obj, want);
}

static void
test_member(void)
{
	static const char rep[] = "{\"a\":1,\"b\":2,\"a\":3}";
	static const char esc[] =
	    "{\"caf\\u00e9\":1,\"x\\\"y\":2,\"tab\\t\":3,\"\\u0061\":4,\"a\":5}";
	static const char ws[] = " { \"a\" : 1 , \"b\" : \"x y\" , \"c\" : [ 1 , 2 ] } ";
	static const char tricky[] =
	    "{\"a\":\"}]\",\"b\":[{\"c\":\"]\"}],\"s\":\"\\\"\\\\\",\"d\":1}";
	static const char arr[] = "[10, \"x\" ,[1,2], {\"a\":1},null,-2.5e1]";

	member_is(rep, "a", "3");
	member_is(rep, "b", "2");
	member_is(rep, "c", NULL);
	member_is(rep, "", NULL);
	member_is("{\"ab\":1}", "a", NULL);
	member_is("{\"a\":1}", "ab", NULL);
	member_is("{}", "a", NULL);

	member_is(esc, "caf\xc3\xa9", "1");
	member_is(esc, "x\"y", "2");
	member_is(esc, "tab\t", "3");
	member_is(esc, "a", "5");
	member_is(esc, "caf\\u00e9", NULL);

	member_is(ws, "a", "1");
	member_is(ws, "b", "\"x y\"");
	member_is(ws, "c", "[ 1 , 2 ]");

	member_is(tricky, "d", "1");
	member_is(tricky, "b", "[{\"c\":\"]\"}]");
	member_is(tricky, "s", "\"\\\"\\\\\"");

	member_is(arr, "0", "10");
	member_is(arr, "1", "\"x\"");
	member_is(arr, "2", "[1,2]");
	member_is(arr, "3", "{\"a\":1}");
	member_is(arr, "4", "null");
	member_is(arr, "5", "-2.5e1");
	member_is(arr, "6", NULL);
	member_is(arr, "-1", NULL);
	member_is(arr, "x", NULL);
	member_is(arr, "", NULL);
	member_is("[]", "0", NULL);

	member_is("\"str\"", "0", NULL);
	member_is("42", "a", NULL);
}

/* Escaped keys longer than any fixed buffer still match their plain names. */
static void
test_long_keys(void)
{
	char obj[400], key[320], *p = obj;
	struct fb_span o, v = { NULL, 0 };
	struct fb_member *m = NULL;
	size_t n = 0, cap = 0;

	memset(key, 'k', 300);
	key[300] = 'A';
	key[301] = '\0';
	p += sprintf(p, "{\"");
	memcpy(p, key, 300);
	p += 300;
	p += sprintf(p, "\\u0041\":1,\"x\":2}");
	o.p = obj;
	o.len = (size_t)(p - obj);
	ok(fb_json_member(o, key, 301, &v) == 1 && v.len == 1 && v.p[0] == '1',
	    "member: a 301-byte key written with an escape is found");
	if (fb_json_scan(obj, o.len, &m, &n, &cap, NULL) == JSON_OBJECT && n == 2)
		ok(fb_json_key_eq(&m[0], key, 301),
		    "key_eq: a 301-byte escaped key equals its plain name");
	else
		ok(0, "scan the object with a long escaped key");
	free(m);
}

/*---- fb_json_string ----*/

static void
string_is(const char *tok, const char *want, size_t wlen, int copied)
{
	struct fb_span v = { tok, strlen(tok) };
	char buf[256];
	const char *out = NULL;
	long n;

	memset(buf, '#', sizeof(buf));
	n = fb_json_string(v, buf, sizeof(buf), &out);
	if (!ok(n >= 0 && out != NULL, "string %s decodes", tok))
		return;
	is_mem(out, (size_t)n, want, wlen, "string %s: decoded bytes", tok);
	if (copied)
		ok(out == buf, "string %s: unescaped into the buffer", tok);
	else
		ok(out == tok + 1, "string %s: returned in place, no copy", tok);
}

static void
test_string(void)
{
	char buf[8];
	const char *out;
	struct fb_span v;

	string_is("\"abc\"", "abc", 3, 0);
	string_is("\"\"", "", 0, 0);
	string_is("\"caf\xc3\xa9 /\"", "caf\xc3\xa9 /", 7, 0);
	string_is("\"a\\nb\"", "a\nb", 3, 1);
	string_is("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5, 1);
	string_is("\"\\\"\\\\\\/\"", "\"\\/", 3, 1);
	string_is("\"\\u0041\\u00e9\"", "A\xc3\xa9", 3, 1);
	string_is("\"\\u00E9\"", "\xc3\xa9", 2, 1);
	string_is("\"\\u07ff\\u0800\"", "\xdf\xbf\xe0\xa0\x80", 5, 1);
	string_is("\"\\u4e2d\\u6587\"", "\xe4\xb8\xad\xe6\x96\x87", 6, 1);
	string_is("\"\\uffff\"", "\xef\xbf\xbf", 3, 1);
	string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4, 1);
	string_is("\"x\\uD83D\\uDE00y\"", "x\xf0\x9f\x98\x80y", 6, 1);
	string_is("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4, 1);
	string_is("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80", 4, 1);
	string_is("\"a\\u0000b\"", "a\0b", 3, 1);

	v.p = "123";
	v.len = 3;
	is_int(fb_json_string(v, buf, sizeof(buf), &out), -1, "a number is not a string");
	v.p = "\"";
	v.len = 1;
	is_int(fb_json_string(v, buf, sizeof(buf), &out), -1, "a lone quote is not a string");
	v.p = "[\"a\"]";
	v.len = 5;
	is_int(fb_json_string(v, buf, sizeof(buf), &out), -1, "an array is not a string");
	v.p = "\"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"";
	v.len = strlen(v.p);
	is_int(fb_json_string(v, buf, sizeof(buf), &out), -1,
	    "12 decoded bytes do not fit 8");
	v.p = "\"a\\nb\"";
	v.len = strlen(v.p);
	is_int(fb_json_string(v, buf, 3, &out), 3,
	    "3 decoded bytes fit a buffer of exactly 3");
	v.p = "\"abcdefghijklmnop\"";
	v.len = strlen(v.p);
	ok(fb_json_string(v, buf, sizeof(buf), &out) == 16 && out == v.p + 1,
	    "a string without escapes needs no buffer room");
}

/*---- fb_json_decode ----*/

static json_t *
decode(const char *s)
{
	struct fb_span v = { s, strlen(s) };

	return fb_json_decode(v);
}

static void
decode_like(const char *s, const char *jansson_text)
{
	json_t *got = decode(s), *want = json_loads(jansson_text,
	    JSON_DECODE_ANY, NULL);

	if (!ok(got != NULL && want != NULL && json_equal(got, want),
	    "decode %s equals %s", s, jansson_text)) {
		char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;

		diag("got %s", g ? g : "NULL");
		free(g);
	}
	json_decref(got);
	json_decref(want);
}

static void
decode_real(const char *s, double want)
{
	json_t *j = decode(s);

	if (ok(json_is_real(j), "decode %s gives a real", s))
		ok(json_real_value(j) == want, "decode %s: %.17g (want %.17g)",
		    s, json_real_value(j), want);
	json_decref(j);
}

static void
decode_int(const char *s, json_int_t want)
{
	json_t *j = decode(s);

	if (ok(json_is_integer(j), "decode %s gives an integer", s))
		is_int(json_integer_value(j), want, "decode %s: value", s);
	json_decref(j);
}

static void
test_decode(void)
{
	json_t *j;
	char *s, *want, *p, *q;
	int k;

	j = decode("null");
	ok(json_is_null(j), "decode null");
	json_decref(j);
	j = decode("true");
	ok(json_is_true(j), "decode true");
	json_decref(j);
	j = decode("false");
	ok(json_is_false(j), "decode false");
	json_decref(j);

	decode_int("0", 0);
	decode_int("-0", 0);
	decode_int("42", 42);
	decode_int(" 7 ", 7);
	decode_int("-17", -17);
	decode_int("9223372036854775807", INT64_MAX);
	decode_int("-9223372036854775808", INT64_MIN);
	decode_real("9223372036854775808", 9223372036854775808.0);
	decode_real("-9223372036854775809", -9223372036854775809.0);
	decode_real("123456789012345678901234567890",
	    123456789012345678901234567890.0);
	decode_real("-123456789012345678901234567890",
	    -123456789012345678901234567890.0);
	decode_real("1.5", 1.5);
	decode_real("2116.18", 2116.18);
	decode_real("1e5", 100000.0);
	decode_real("1E+5", 100000.0);
	decode_real("-0.5e-3", -0.0005);
	decode_real("1e-400", 0.0);

	j = decode("1e400");
	ok(json_is_real(j) && isfinite(json_real_value(j)) &&
	    json_real_value(j) == DBL_MAX, "decode 1e400 gives the largest finite real");
	json_decref(j);
	j = decode("-1e400");
	ok(json_is_real(j) && isfinite(json_real_value(j)) &&
	    json_real_value(j) == -DBL_MAX, "decode -1e400 gives the lowest finite real");
	json_decref(j);

	decode_like("\"plain\"", "\"plain\"");
	decode_like("\"caf\\u00e9\\n\\ud83d\\ude00\\/\"",
	    "\"caf\xc3\xa9\\n\xf0\x9f\x98\x80/\"");
	j = decode("\"a\\u0000b\"");
	ok(json_is_string(j) && json_string_length(j) == 3 &&
	    memcmp(json_string_value(j), "a\0b", 3) == 0,
	    "decode \\u0000 keeps the NUL byte");
	json_decref(j);

	/* Longer than the decoder's stack buffer, with escapes. */
	s = malloc(3 * 400 + 3);
	want = malloc(2 * 400 + 1);
	if (s == NULL || want == NULL)
		abort();
	p = s;
	q = want;
	*p++ = '"';
	for (k = 0; k < 400; k++) {
		memcpy(p, "a\\n", 3);
		p += 3;
		memcpy(q, "a\n", 2);
		q += 2;
	}
	*p++ = '"';
	*p = '\0';
	*q = '\0';
	j = decode(s);
	ok(json_is_string(j) && json_string_length(j) == 800 &&
	    strcmp(json_string_value(j), want) == 0,
	    "decode a 1202-byte string with 400 escapes");
	json_decref(j);
	free(s);
	free(want);

	decode_like("[]", "[]");
	decode_like("{}", "{}");
	decode_like("[1, \"a\", [true], {}, -2.5, null, 1e400]",
	    "[1, \"a\", [true], {}, -2.5, null, 1.7976931348623157e308]");
	decode_like("{\"a\":1,\"a\":2,\"b\\u0041\":[null, \"x\"], \"n\": {\"m\": 1.5, \"e\":{}}}",
	    "{\"a\":2,\"bA\":[null,\"x\"],\"n\":{\"m\":1.5,\"e\":{}}}");
	decode_like("  {\"big\": 123456789012345678901234567890, \"s\": \"]}\"}  ",
	    "{\"big\": 1.2345678901234568e29, \"s\": \"]}\"}");
	decode_like("[[[[\"deep\"]]], {\"k\": [{\"l\": []}]}]",
	    "[[[[\"deep\"]]], {\"k\": [{\"l\": []}]}]");
}

/*---- fb_json_write_pretty ----*/

static void
pretty_is(const char *in, const char *want, const char *name)
{
	size_t n;
	int rc;
	char *got = pretty(in, &rc, &n);

	is_int(rc, 0, "pretty %s: returns 0", name);
	is_mem(got, n, want, strlen(want), "pretty %s: output", name);
	free(got);
}

static void
test_pretty(void)
{
	pretty_is("{\"a\":1,\"b\":[1,2,{\"c\":\"x, y: {z}\"}],\"d\":{},\"e\":[],"
	    "\"f\":{\"g\":null}}",
	    "{\n"
	    "  \"a\": 1,\n"
	    "  \"b\": [\n"
	    "    1,\n"
	    "    2,\n"
	    "    {\n"
	    "      \"c\": \"x, y: {z}\"\n"
	    "    }\n"
	    "  ],\n"
	    "  \"d\": {},\n"
	    "  \"e\": [],\n"
	    "  \"f\": {\n"
	    "    \"g\": null\n"
	    "  }\n"
	    "}", "nested object");
	pretty_is(" { \"a\" : [ 1 , 2.50 ] ,\n\t\"b\\\"\" : \"s\\u00e9 \\\" ,\" , \"c\" : [ ] } ",
	    "{\n"
	    "  \"a\": [\n"
	    "    1,\n"
	    "    2.50\n"
	    "  ],\n"
	    "  \"b\\\"\": \"s\\u00e9 \\\" ,\",\n"
	    "  \"c\": []\n"
	    "}", "spaced input, escapes and numbers kept");
	pretty_is("[[1],[]]", "[\n  [\n    1\n  ],\n  []\n]", "nested arrays");
	pretty_is("{}", "{}", "empty object");
	pretty_is("42", "42", "a number");
	pretty_is("\"a, b\"", "\"a, b\"", "a string");
}

int
main(void)
{
	test_scan_table();
	test_scan_nesting();
	test_scan_members();
	test_member();
	test_long_keys();
	test_string();
	test_decode();
	test_pretty();
	return done_testing();
}
