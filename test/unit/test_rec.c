/*
 * test_rec: the record type: reading fields by path, setting and deleting
 * top-level fields, and writing with the untouched bytes kept as they came.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "capture.h"
#include "tap.h"

/* A record whose fields exercise what must survive a rewrite byte for byte. */
#define F_ID "\"id\":\"fb-1\""
#define F_TS "\"ts\":\"2026-11-22T02:15:00Z\""
#define F_CUST "\"customer\":{\"tier\":\"gold\",\"name\":\"Zo\\u00e9\"}"
#define F_TAGS "\"tags\":[\"a\",\"b\\/c\",3]"
#define F_N "\"n\":123456789012345678901234567890"
#define F_PRICE "\"price\":2116.18"
#define F_TEXT "\"text\":\"hello  world , ok\""
#define F_ESC "\"esc\":\"caf\\u00e9 \\/ \\\"q\\\"\""
#define L1 "{" F_ID "," F_TS "," F_CUST "," F_TAGS "," F_N "," F_PRICE "," \
	F_TEXT "," F_ESC "}"

/*---- Helpers ----*/

/*
 * Lines are parsed from exact-size heap copies without a NUL, so ASan
 * catches any read past the end; the copies live until main() returns.
 */
static char *kept[256];
static size_t nkept;

static int
parse(struct fb_rec *rec, const char *s, struct fb_error *err)
{
	size_t len = strlen(s);
	char *p = malloc(len ? len : 1);

	if (p == NULL || nkept == sizeof(kept) / sizeof(kept[0]))
		abort();
	memcpy(p, s, len);
	kept[nkept++] = p;
	return fb_rec_parse(rec, p, len, err);
}

/* Writes 'rec' through an fb_out on a temporary file; returns the bytes as a heap string. */
static char *
out_of(struct fb_rec *rec, int flags)
{
	struct fb_out out;
	char *buf;
	int rc;

	capture_open(&out);
	rc = fb_rec_write(rec, &out, flags);
	buf = capture_close(&out, &rc, NULL);
	if (rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
written_is(struct fb_rec *rec, int flags, const char *want, const char *name)
{
	char *got = out_of(rec, flags);

	is_str(got, want, "%s", name);
	free(got);
}

/*---- Reading ----*/

static void
str_at(struct fb_rec *rec, const char *path, const char *want, size_t wlen)
{
	size_t len = 12345;
	const char *got = fb_rec_get_str(rec, path, &len);

	if (want == NULL) {
		ok(got == NULL, "get_str '%s' is NULL", path);
		return;
	}
	ok(got != NULL, "get_str '%s' found", path);
	if (got != NULL) {
		is_mem(got, len, want, wlen, "get_str '%s' value and length", path);
		ok(got[len] == '\0', "get_str '%s' is NUL-terminated", path);
	}
}

static void
test_get(void)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	struct fb_span v;
	json_t *j, *j2;
	double d;

	fb_rec_init(&rec);
	is_int(parse(&rec, L1, &err), 0, "parse the sample record");
	is_uint(rec.nmembers, 8, "8 top-level members");

	str_at(&rec, "id", "fb-1", 4);
	str_at(&rec, "customer.tier", "gold", 4);
	str_at(&rec, "customer.name", "Zo\xc3\xa9", 4);
	str_at(&rec, "tags.0", "a", 1);
	str_at(&rec, "tags.1", "b/c", 3);
	str_at(&rec, "text", "hello  world , ok", 17);
	str_at(&rec, "esc", "caf\xc3\xa9 / \"q\"", 11);
	str_at(&rec, "tags.2", NULL, 0);
	str_at(&rec, "price", NULL, 0);
	str_at(&rec, "customer", NULL, 0);
	ok(fb_rec_get_str(&rec, "ts", NULL) != NULL, "get_str with a NULL length pointer");

	ok(fb_rec_get(&rec, "tags.3") == NULL, "get 'tags.3' (past the end) is NULL");
	ok(fb_rec_get(&rec, "tags.x") == NULL, "get 'tags.x' is NULL");
	ok(fb_rec_get(&rec, "missing") == NULL, "get 'missing' is NULL");
	ok(fb_rec_get(&rec, "missing.x") == NULL, "get 'missing.x' is NULL");
	ok(fb_rec_get(&rec, "customer.missing") == NULL, "get 'customer.missing' is NULL");
	ok(fb_rec_get(&rec, "customer.tier.x") == NULL, "get through a string is NULL");
	ok(fb_rec_get(&rec, "id.0") == NULL, "get an index of a string is NULL");
	ok(fb_rec_get(&rec, "cust") == NULL, "get a key prefix is NULL");
	ok(fb_rec_get(&rec, "") == NULL, "get the empty path is NULL");

	j = fb_rec_get(&rec, "customer");
	ok(json_is_object(j) && json_object_size(j) == 2 &&
	    strcmp(json_string_value(json_object_get(j, "tier")), "gold") == 0,
	    "get 'customer' decodes the object");
	j = fb_rec_get(&rec, "tags");
	ok(json_is_array(j) && json_array_size(j) == 3, "get 'tags' decodes the array");
	j = fb_rec_get(&rec, "id");
	j2 = fb_rec_get(&rec, "id");
	ok(j != NULL && j == j2, "get twice returns the same borrowed value");

	ok(fb_rec_get_num(&rec, "price", &d) == 0 && d == 2116.18,
	    "get_num 'price' is 2116.18");
	ok(fb_rec_get_num(&rec, "tags.2", &d) == 0 && d == 3.0, "get_num 'tags.2' is 3");
	ok(fb_rec_get_num(&rec, "n", &d) == 0 &&
	    d == 123456789012345678901234567890.0, "get_num of a 30-digit integer");
	is_int(fb_rec_get_num(&rec, "id", &d), -1, "get_num of a string fails");
	is_int(fb_rec_get_num(&rec, "customer", &d), -1, "get_num of an object fails");
	is_int(fb_rec_get_num(&rec, "missing", &d), -1, "get_num of an absent path fails");

	ok(fb_rec_raw(&rec, "price", &v) == 1, "raw 'price' found");
	is_mem(v.p, v.len, "2116.18", 7, "raw 'price' is the input bytes");
	ok(fb_rec_raw(&rec, "n", &v) == 1, "raw 'n' found");
	is_mem(v.p, v.len, "123456789012345678901234567890", 30, "raw 'n' keeps every digit");
	ok(fb_rec_raw(&rec, "customer.name", &v) == 1, "raw 'customer.name' found");
	is_mem(v.p, v.len, "\"Zo\\u00e9\"", 10, "raw 'customer.name' keeps the escape");
	is_int(fb_rec_raw(&rec, "tags.9", &v), 0, "raw of an absent path is 0");
	fb_rec_release(&rec);

	fb_rec_init(&rec);
	is_int(parse(&rec, "{\"a\":1,\"b\":{\"c\":2},\"a\":{\"x\":\"y\"},"
	    "\"caf\\u00e9\":\"e\",\"q\\\"k\":[{\"z\":[10,20]}]}", &err), 0,
	    "parse a record with repeated and escaped keys");
	str_at(&rec, "a.x", "y", 1);
	is_int(fb_rec_get_num(&rec, "a", &d), -1, "repeated key: the last value (an object) is seen");
	ok(fb_rec_get_num(&rec, "b.c", &d) == 0 && d == 2.0, "get_num 'b.c'");
	str_at(&rec, "caf\xc3\xa9", "e", 1);
	ok(fb_rec_get_num(&rec, "q\"k.0.z.1", &d) == 0 && d == 20.0,
	    "path through an escaped key, arrays and objects");
	fb_rec_release(&rec);
}

/*---- Setting and deleting ----*/

static void
test_set(void)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	char raw[64];
	double d;
	char *s;

	fb_rec_init(&rec);

	parse(&rec, "{\"a\":1,\"b\":\"x\",\"c\":[1, 2]}", &err);
	is_int(fb_rec_set_new(&rec, "b", json_string("y")), 0, "set_new returns 0");
	written_is(&rec, 0, "{\"a\":1,\"b\":\"y\",\"c\":[1, 2]}\n",
	    "set replaces an existing field in place");

	parse(&rec, "{\"a\":1,\"b\":2,\"a\":3,\"c\":4}", &err);
	fb_rec_set_new(&rec, "a", json_integer(9));
	written_is(&rec, 0, "{\"b\":2,\"a\":9,\"c\":4}\n",
	    "set of a repeated key: the last occurrence takes it, the others go");

	parse(&rec, "{\"a\":1,\"a\":2}", &err);
	fb_rec_set_new(&rec, "a", json_integer(3));
	written_is(&rec, 0, "{\"a\":3}\n", "set of a key repeated at the start");

	parse(&rec, "{\"a\":1}", &err);
	fb_rec_set_new(&rec, "z", json_integer(1));
	fb_rec_set_new(&rec, "y", json_true());
	fb_rec_set_new(&rec, "z", json_integer(3));
	written_is(&rec, 0, "{\"a\":1,\"z\":3,\"y\":true}\n",
	    "new fields go at the end, in the order first set");

	parse(&rec, "{}", &err);
	fb_rec_set_new(&rec, "k", json_pack("[i,s,n,f]", 1, "two", 2.5));
	written_is(&rec, 0, "{\"k\":[1,\"two\",null,2.5]}\n", "set on an empty object");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	snprintf(raw, sizeof(raw), "{\"k\": [1, 2.50]}");
	is_int(fb_rec_set_raw(&rec, "b", raw, strlen(raw)), 0, "set_raw returns 0");
	fb_rec_set_raw(&rec, "new", "\"x\\/y\"XXX", 6);
	memset(raw, 'Z', sizeof(raw) - 1);
	written_is(&rec, 0, "{\"a\":1,\"b\":{\"k\": [1, 2.50]},\"new\":\"x\\/y\"}\n",
	    "set_raw splices a copy of the text as given");

	parse(&rec, "{\"a\":1,\"b\":2,\"a\":3,\"c\":4}", &err);
	is_int(fb_rec_del(&rec, "a"), 0, "del returns 0");
	written_is(&rec, 0, "{\"b\":2,\"c\":4}\n", "del removes every occurrence");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_del(&rec, "a");
	written_is(&rec, 0, "{\"b\":2}\n", "del of the first field leaves no comma");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_del(&rec, "b");
	written_is(&rec, 0, "{\"a\":1}\n", "del of the last field leaves no comma");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_del(&rec, "a");
	fb_rec_del(&rec, "b");
	written_is(&rec, 0, "{}\n", "del of every field gives {}");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_del(&rec, "zz");
	written_is(&rec, 0, "{\"a\":1,\"b\":2}\n", "del of an absent field changes nothing");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_del(&rec, "b");
	fb_rec_set_new(&rec, "b", json_integer(5));
	written_is(&rec, 0, "{\"a\":1,\"b\":5}\n", "del then set: the set wins, in place");

	parse(&rec, "{\"a\":1,\"b\":2}", &err);
	fb_rec_set_new(&rec, "c", json_integer(1));
	fb_rec_del(&rec, "c");
	fb_rec_del(&rec, "a");
	written_is(&rec, 0, "{\"b\":2}\n", "set then del: the field is gone");

	parse(&rec, "{}", &err);
	fb_rec_set_new(&rec, "we\"ird\\", json_integer(1));
	fb_rec_set_new(&rec, "\x01" "ctl", json_integer(2));
	written_is(&rec, 0, "{\"we\\\"ird\\\\\":1,\"\\u0001ctl\":2}\n",
	    "keys are written as escaped JSON strings");

	parse(&rec, "{\"caf\\u00e9\":1,\"x\":2}", &err);
	fb_rec_set_new(&rec, "caf\xc3\xa9", json_integer(5));
	written_is(&rec, 0, "{\"caf\xc3\xa9\":5,\"x\":2}\n",
	    "set matches an escaped key in the input");

	parse(&rec, "{\"a\":1}", &err);
	fb_rec_set_new(&rec, "r", json_real(0.1));
	fb_rec_set_new(&rec, "s", json_string("caf\xc3\xa9/"));
	fb_rec_set_new(&rec, "n", json_null());
	written_is(&rec, 0, "{\"a\":1,\"r\":0.1,\"s\":\"caf\xc3\xa9/\",\"n\":null}\n",
	    "values are written compactly (reals, UTF-8, null)");

	parse(&rec, "{\"a\":1}", &err);
	is_int(fb_rec_set_new(&rec, "b", NULL), -1, "set_new of NULL fails");
	written_is(&rec, 0, "{\"a\":1}\n", "a failed set leaves the record alone");

	parse(&rec, "{\"a\":1}", &err);
	fb_rec_set_new(&rec, "a", json_integer(2));
	ok(fb_rec_get_num(&rec, "a", &d) == 0 && d == 1.0,
	    "getters read the input line, not the edits");

	parse(&rec, "{ \"a\" : 1 , \"b\" : \"x  y\" ,\"c\":[ 1,2 ] }", &err);
	fb_rec_set_new(&rec, "a", json_integer(2));
	s = out_of(&rec, 0);
	if (!ok(s != NULL && strstr(s, "\"a\":2") != NULL &&
	    strstr(s, "\"b\" : \"x  y\"") != NULL &&
	    strstr(s, "\"c\":[ 1,2 ]") != NULL && s[0] == '{' &&
	    strcmp(s + strlen(s) - 2, "}\n") == 0,
	    "spaces inside untouched members are kept") && s != NULL)
		tap_show("wrote", s, strlen(s));
	free(s);

	parse(&rec, " {\"a\" : 1 , \"b\":2} ", &err);
	written_is(&rec, 0, " {\"a\" : 1 , \"b\":2} \n",
	    "a record without edits is written exactly as read");

	/* the bytes between untouched members are kept too */
	parse(&rec, "{ \"a\" : 1 ,  \"b\" :2 , \"c\":3 }  ", &err);
	fb_rec_set_new(&rec, "b", json_integer(9));
	written_is(&rec, 0, "{ \"a\" : 1 ,  \"b\":9 , \"c\":3 }  \n",
	    "an edit keeps the blanks around the members it does not own");
	parse(&rec, "{ \"a\" : 1 ,  \"b\" :2 }", &err);
	fb_rec_set_new(&rec, "z", json_true());
	written_is(&rec, 0, "{ \"a\" : 1 ,  \"b\" :2,\"z\":true }\n",
	    "a new field goes before the closing blanks and brace");
	parse(&rec, "{ \"gone\" : 0 ,  \"keep\" : 1 }", &err);
	fb_rec_del(&rec, "gone");
	written_is(&rec, 0, "{  \"keep\" : 1 }\n",
	    "deleting the first member takes its comma, not the next blanks");
	parse(&rec, "{ }", &err);
	fb_rec_set_new(&rec, "z", json_integer(1));
	written_is(&rec, 0, "{\"z\":1 }\n", "a field added to an empty object");

	fb_rec_release(&rec);
}

static void
test_untouched(void)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };

	fb_rec_init(&rec);
	parse(&rec, L1, &err);
	fb_rec_set_new(&rec, "id", json_string("fb-9"));
	written_is(&rec, 0, "{\"id\":\"fb-9\"," F_TS "," F_CUST "," F_TAGS "," F_N
	    "," F_PRICE "," F_TEXT "," F_ESC "}\n",
	    "set 'id': every other field byte-identical");

	parse(&rec, L1, &err);
	fb_rec_set_new(&rec, "customer", json_pack("{s:s}", "tier", "silver"));
	fb_rec_set_new(&rec, "score", json_real(0.75));
	fb_rec_del(&rec, "ts");
	written_is(&rec, 0, "{" F_ID ",\"customer\":{\"tier\":\"silver\"}," F_TAGS
	    "," F_N "," F_PRICE "," F_TEXT "," F_ESC ",\"score\":0.75}\n",
	    "replace, delete and add: escapes, big numbers, spaces kept");

	parse(&rec, L1, &err);
	written_is(&rec, 0, L1 "\n", "no edits: the line comes out as it went in");

	fb_rec_release(&rec);
}

/* Applies the same edits to 'line' and returns what is written. */
static char *
edited(const char *line)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	char *s;

	fb_rec_init(&rec);
	if (parse(&rec, line, &err) < 0) {
		diag("cannot parse %s: %s", line, err.msg);
		fb_rec_release(&rec);
		return NULL;
	}
	fb_rec_set_new(&rec, "id", json_string("fb-9"));
	fb_rec_set_new(&rec, "tags", json_pack("[s]", "x"));
	fb_rec_set_new(&rec, "added", json_integer(1));
	fb_rec_del(&rec, "gone");
	s = out_of(&rec, 0);
	fb_rec_release(&rec);
	return s;
}

static void
test_idempotent(void)
{
	static const char *const lines[] = {
		L1,
		"{\"id\":\"a\",\"tags\":[],\"id\":\"b\",\"gone\":1,\"tags\":2,\"x\":\"\\u00e9\"}",
		"{ \"gone\" : 0 , \"keep\" : \"a  b\" }",
	};
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	size_t k;
	char *once, *twice, *again;

	for (k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
		once = edited(lines[k]);
		if (once == NULL) {
			ok(0, "line %zu: edits apply", k + 1);
			continue;
		}
		again = strdup(once);
		if (again == NULL)
			abort();
		again[strlen(again) - 1] = '\0';	/* the newline */
		twice = edited(again);
		is_str(twice, once, "line %zu: the same edits on the output change nothing",
		    k + 1);
		free(again);
		free(twice);
		free(once);
	}

	/* The same set twice on one record is the same as once. */
	fb_rec_init(&rec);
	parse(&rec, L1, &err);
	fb_rec_set_new(&rec, "id", json_string("fb-9"));
	once = out_of(&rec, 0);
	fb_rec_set_new(&rec, "id", json_string("fb-9"));
	twice = out_of(&rec, 0);
	is_str(twice, once, "setting a field twice on one record equals setting it once");
	again = out_of(&rec, 0);
	is_str(again, once, "writing a record twice gives the same bytes");
	free(once);
	free(twice);
	free(again);
	fb_rec_release(&rec);
}

static void
test_pretty(void)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };

	fb_rec_init(&rec);
	parse(&rec, "{\"a\":1,\"b\":[1,2]}", &err);
	written_is(&rec, FB_REC_PRETTY,
	    "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}\n",
	    "pretty record without edits");
	fb_rec_set_new(&rec, "c", json_string("x"));
	fb_rec_del(&rec, "a");
	written_is(&rec, FB_REC_PRETTY,
	    "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": \"x\"\n}\n",
	    "pretty record with edits");
	parse(&rec, L1, &err);
	written_is(&rec, FB_REC_PRETTY,
	    "{\n"
	    "  \"id\": \"fb-1\",\n"
	    "  \"ts\": \"2026-11-22T02:15:00Z\",\n"
	    "  \"customer\": {\n"
	    "    \"tier\": \"gold\",\n"
	    "    \"name\": \"Zo\\u00e9\"\n"
	    "  },\n"
	    "  \"tags\": [\n"
	    "    \"a\",\n"
	    "    \"b\\/c\",\n"
	    "    3\n"
	    "  ],\n"
	    "  \"n\": 123456789012345678901234567890,\n"
	    "  \"price\": 2116.18,\n"
	    "  \"text\": \"hello  world , ok\",\n"
	    "  \"esc\": \"caf\\u00e9 \\/ \\\"q\\\"\"\n"
	    "}\n",
	    "pretty keeps escapes, numbers and spaces in strings");
	fb_rec_release(&rec);
}

static void
test_parse_errors(void)
{
	static const char *const notobj[] = { "[1,2]", "42", "\"s\"", "null", "true" };
	struct fb_rec rec;
	struct fb_error err;
	size_t k;

	fb_rec_init(&rec);
	for (k = 0; k < sizeof(notobj) / sizeof(notobj[0]); k++) {
		memset(&err, 0, sizeof(err));
		is_int(parse(&rec, notobj[k], &err), -1, "parse rejects %s", notobj[k]);
		is_str(err.msg, "not a JSON object", "%s: message", notobj[k]);
	}
	memset(&err, 0, sizeof(err));
	is_int(parse(&rec, "{\"a\":}", &err), -1, "parse rejects invalid JSON");
	ok(err.msg[0] != '\0' && strcmp(err.msg, "not a JSON object") != 0 &&
	    err.col == 6, "invalid JSON: its own message and column (%s, col %ld)",
	    err.msg, err.col);
	is_int(parse(&rec, "", &err), -1, "parse rejects an empty line");
	is_int(parse(&rec, "{\"a\":1}", NULL), 0, "parse works again after errors (NULL err)");
	written_is(&rec, 0, "{\"a\":1}\n", "and writes the new line");
	fb_rec_release(&rec);
}

static void
test_reuse(void)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };

	fb_rec_init(&rec);
	parse(&rec, L1, &err);
	fb_rec_set_new(&rec, "id", json_string("fb-9"));
	str_at(&rec, "id", "fb-1", 4);
	is_int(parse(&rec, "{\"x\":1}", &err), 0, "parse a second line into the same record");
	ok(fb_rec_get(&rec, "id") == NULL, "fields of the previous line are gone");
	written_is(&rec, 0, "{\"x\":1}\n", "edits of the previous line are gone");
	fb_rec_release(&rec);
	fb_rec_release(&rec);
	ok(1, "release twice is harmless");
}

/* A long key written with an escape is still the same field. */
static void
test_long_key(void)
{
	struct fb_rec rec;
	char line[400], want[400], key[320];
	double d;

	memset(key, 'k', 300);
	key[300] = 'A';
	key[301] = '\0';
	snprintf(line, sizeof(line), "{\"%.300s\\u0041\":1,\"b\":2}", key);
	snprintf(want, sizeof(want), "{\"%s\":5,\"b\":2}\n", key);
	fb_rec_init(&rec);
	parse(&rec, line, NULL);
	ok(fb_rec_get_num(&rec, key, &d) == 0 && d == 1.0,
	    "get a field whose 301-byte key is written with an escape");
	fb_rec_set_new(&rec, key, json_integer(5));
	written_is(&rec, 0, want, "set replaces it in place instead of adding a second one");
	fb_rec_release(&rec);
}

/* The tags array as fb-report and fb-anomaly read it, and the complaint rule. */
static void
test_tags(void)
{
	static const char line[] = "{\"tags\":[\"logistics/delay\",7,"
	    "\"pr\\u0061ise\",\"suggestion/feature\"],"
	    "\"sentiment\":{\"label\":\"positive\"}}";
	char tags[4][FB_TAG_MAX];
	struct fb_rec rec;
	size_t n;

	fb_rec_init(&rec);
	ok(fb_rec_parse(&rec, line, strlen(line), NULL) == 0, "tags: parse");
	n = fb_rec_get_tags(&rec, tags, 4);
	is_int((intmax_t)n, 3, "tags: the strings, not the number");
	is_str(tags[0], "logistics/delay", "tags: the first as it came");
	is_str(tags[1], "praise", "tags: an escape decoded");
	is_int((intmax_t)fb_rec_get_tags(&rec, tags, 1), 1,
	    "tags: no more than asked for");
	n = fb_rec_get_tags(&rec, tags, 4);
	ok(fb_is_complaint("positive", tags, n),
	    "complaint: a problem tag, however pleased");
	ok(!fb_is_complaint("positive", tags + 1, n - 1),
	    "complaint: praise and a suggestion are none");
	ok(fb_is_complaint("negative", tags, 0), "complaint: negative alone");
	ok(!fb_is_complaint(NULL, tags, 0), "complaint: nothing at all");
	fb_rec_release(&rec);
}

int
main(void)
{
	size_t k;

	test_tags();
	test_get();
	test_set();
	test_untouched();
	test_idempotent();
	test_pretty();
	test_parse_errors();
	test_reuse();
	test_long_key();
	for (k = 0; k < nkept; k++)
		free(kept[k]);
	return done_testing();
}
