/*
 * fb_json.c: a validating JSON scanner that works on the bytes in place.
 *
 * Records are checked once here and then read lazily: the scanner notes
 * where each top-level member sits, so a tool reads the few fields it needs
 * and the writer copies everything else byte for byte.  jansson builds the
 * values a tool asks for (fb_json_decode), never the whole line.
 */
#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

struct scan {
	const char *s;
	size_t len, i;
	struct fb_error *err;
};

static int
scan_fail(struct scan *sc, const char *what)
{
	if (sc->err != NULL) {
		fb_error_set(sc->err, "%s", what);
		sc->err->col = (long)sc->i + 1;
	}
	return -1;
}

static inline void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->len) {
		char c = sc->s[sc->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned x = 0;
	int k;

	for (k = 0; k < 4; k++) {
		char c = p[k];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			x |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*v = x;
	return 0;
}

#define BYTES(b) (0x0101010101010101ULL * (b))

/*
 * Whether any of the 8 bytes of 'w' ends or interrupts a string run: a
 * quote, a backslash or a control character.  Exact for the word as a
 * whole (the borrow tricks of "Bit Twiddling Hacks" can only misreport
 * bytes after a true hit), which is all the caller asks.
 */
static inline uint64_t
string_stop(uint64_t w)
{
	uint64_t q = w ^ BYTES('"'), b = w ^ BYTES('\\');

	return ((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b) |
	    ((w - BYTES(0x20)) & ~w);
}

/* At the opening quote; leaves sc->i after the closing one. */
static int
scan_string(struct scan *sc, int *escaped)
{
	const char *s = sc->s;
	size_t i = sc->i + 1;

	for (;;) {
		unsigned char c;

		/*
		 * The common run: plain bytes with nothing to check, eight
		 * at a time while they last (strings are most of a record).
		 */
		while (i + 8 <= sc->len) {
			uint64_t w, stop;

			memcpy(&w, s + i, 8);
			/* read under GNU C */
			/* cppcheck-suppress unreadVariable */
			if ((stop = string_stop(w) & BYTES(0x80)) != 0) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				/* the lowest flag is a true one: go straight there */
				i += (size_t)__builtin_ctzll(stop) / 8;
#endif
				break;
			}
			i += 8;
		}
		while (i < sc->len && (unsigned char)s[i] >= 0x20 &&
		    s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= sc->len) {
			sc->i = i;
			return scan_fail(sc, "unterminated string");
		}
		c = (unsigned char)s[i];
		if (c == '"')
			break;
		if (c < 0x20) {
			sc->i = i;
			return scan_fail(sc, "control character in string");
		}
		/* A backslash. */
		if (escaped != NULL)
			*escaped = 1;
		if (i + 1 >= sc->len) {
			sc->i = i;
			return scan_fail(sc, "unterminated string");
		}
		switch (s[i + 1]) {
		case '"': case '\\': case '/': case 'b':
		case 'f': case 'n': case 'r': case 't':
			i += 2;
			break;
		case 'u': {
			unsigned u, lo;

			if (i + 6 > sc->len || hex4(s + i + 2, &u) < 0) {
				sc->i = i;
				return scan_fail(sc, "invalid \\u escape");
			}
			i += 6;
			if (u >= 0xdc00 && u <= 0xdfff) {
				sc->i = i - 6;
				return scan_fail(sc, "lone low surrogate");
			}
			if (u >= 0xd800 && u <= 0xdbff) {
				if (i + 6 > sc->len || s[i] != '\\' ||
				    s[i + 1] != 'u' ||
				    hex4(s + i + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					sc->i = i - 6;
					return scan_fail(sc,
					    "lone high surrogate");
				}
				i += 6;
			}
			break;
		}
		default:
			sc->i = i;
			return scan_fail(sc, "invalid escape");
		}
	}
	sc->i = i + 1;
	return 0;
}

static int
scan_number(struct scan *sc)
{
	const char *s = sc->s;
	size_t i = sc->i, n = sc->len;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else {
		sc->i = i;
		return scan_fail(sc, "invalid number");
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9') {
			sc->i = i;
			return scan_fail(sc, "invalid number");
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || s[i] < '0' || s[i] > '9') {
			sc->i = i;
			return scan_fail(sc, "invalid number");
		}
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	sc->i = i;
	return 0;
}

static int
scan_literal(struct scan *sc, const char *word, size_t wlen)
{
	if (sc->len - sc->i < wlen || memcmp(sc->s + sc->i, word, wlen) != 0)
		return scan_fail(sc, "unexpected character");
	sc->i += wlen;
	return 0;
}

static int
add_member(struct fb_member **members, size_t *n, size_t *cap,
    const struct fb_member *m, struct scan *sc)
{
	/* called only when members != NULL */
	/* cppcheck-suppress ctunullpointer */
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct fb_member *p = realloc(*members, ncap * sizeof(*p));

		if (p == NULL)
			return scan_fail(sc, "out of memory");
		*members = p;
		*cap = ncap;
	}
	(*members)[(*n)++] = *m;
	return 0;
}

int
fb_json_scan(const char *s, size_t len, struct fb_member **members,
    size_t *nmembers, size_t *cap, struct fb_error *err)
{
	/* cppcheck-suppress ctuuninitvar ; 'err' is only written */
	struct scan sc = { s, len, 0, err };
	unsigned char stack[FB_JSON_MAX_DEPTH];	/* '{' or '[' per level */
	int depth = 0, type = -1;
	struct fb_member m = { { 0 }, { 0 }, 0 };

	if (nmembers != NULL)
		*nmembers = 0;
	skip_ws(&sc);

value:
	if (sc.i >= len)
		return scan_fail(&sc, "unexpected end of input");
	if (depth == 0)
		switch (s[sc.i]) {
		case '{': type = JSON_OBJECT; break;
		case '[': type = JSON_ARRAY; break;
		case '"': type = JSON_STRING; break;
		case 't': type = JSON_TRUE; break;
		case 'f': type = JSON_FALSE; break;
		case 'n': type = JSON_NULL; break;
		default: type = JSON_REAL; break;	/* a number, or garbage */
		}
	switch (s[sc.i]) {
	case '{':
	case '[':
		if (depth == FB_JSON_MAX_DEPTH)
			return scan_fail(&sc, "nesting too deep");
		stack[depth++] = (unsigned char)s[sc.i];
		sc.i++;
		skip_ws(&sc);
		if (sc.i < len && s[sc.i] == (stack[depth - 1] == '{' ? '}' : ']')) {
			sc.i++;
			depth--;
			goto after_value;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	case '"':
		if (scan_string(&sc, NULL) < 0)
			return -1;
		break;
	case 't':
		if (scan_literal(&sc, "true", 4) < 0)
			return -1;
		break;
	case 'f':
		if (scan_literal(&sc, "false", 5) < 0)
			return -1;
		break;
	case 'n':
		if (scan_literal(&sc, "null", 4) < 0)
			return -1;
		break;
	default:
		if (s[sc.i] != '-' && (s[sc.i] < '0' || s[sc.i] > '9'))
			return scan_fail(&sc, "unexpected character");
		if (scan_number(&sc) < 0)
			return -1;
		if (depth == 0 && type == JSON_REAL) {
			size_t k;

			for (k = 0; k < sc.i; k++)
				if (s[k] == '.' || s[k] == 'e' || s[k] == 'E')
					break;
			if (k == sc.i)
				type = JSON_INTEGER;
		}
		break;
	}

after_value:
	if (depth == 0) {
		skip_ws(&sc);
		if (sc.i != len)
			return scan_fail(&sc, "trailing characters after JSON value");
		return type;
	}
	if (depth == 1 && stack[0] == '{' && members != NULL) {
		m.val.len = (size_t)(s + sc.i - m.val.p);
		if (add_member(members, nmembers, cap, &m, &sc) < 0)
			return -1;
	}
	skip_ws(&sc);
	if (sc.i >= len)
		return scan_fail(&sc, "unexpected end of input");
	if (s[sc.i] == ',') {
		sc.i++;
		skip_ws(&sc);
		if (stack[depth - 1] == '{')
			goto key;
		goto value;
	}
	if (s[sc.i] == (stack[depth - 1] == '{' ? '}' : ']')) {
		sc.i++;
		depth--;
		goto after_value;
	}
	return scan_fail(&sc, stack[depth - 1] == '{' ?
	    "expected ',' or '}'" : "expected ',' or ']'");

key:
	if (sc.i >= len)
		return scan_fail(&sc, "unexpected end of input");
	if (s[sc.i] != '"')
		return scan_fail(&sc, "expected a string key");
	if (depth == 1) {
		m.key.p = s + sc.i + 1;
		m.key_escaped = 0;
	}
	if (scan_string(&sc, depth == 1 ? &m.key_escaped : NULL) < 0)
		return -1;
	if (depth == 1)
		m.key.len = (size_t)(s + sc.i - 1 - m.key.p);
	skip_ws(&sc);
	if (sc.i >= len || s[sc.i] != ':')
		return scan_fail(&sc, "expected ':'");
	sc.i++;
	skip_ws(&sc);
	if (depth == 1)
		m.val.p = s + sc.i;
	goto value;
}

/*---- Reading validated text ----*/

/* Skips one value of validated text starting at p; returns its end. */
static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	do {
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			p++;
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			depth--;
			p++;
			break;
		default:
			p++;
			/* A scalar outside any container ends at a delimiter. */
			if (depth == 0) {
				while (p < end && *p != ',' && *p != '}' &&
				    *p != ']' && *p != ' ' && *p != '\t' &&
				    *p != '\n' && *p != '\r')
					p++;
				return p;
			}
			break;
		}
	} while (depth > 0 && p < end);
	return p;
}

static const char *
skip_ws_ptr(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

int
fb_json_array_next(struct fb_span arr, size_t *pos, struct fb_span *elem)
{
	const char *p, *end = arr.p + arr.len, *q;

	if (*pos == 0) {
		p = skip_ws_ptr(arr.p, end);
		if (p >= end || *p != '[')
			return 0;
		p++;
	} else
		p = arr.p + *pos;
	p = skip_ws_ptr(p, end);
	if (p >= end || *p == ']')
		return 0;
	q = skip_value(p, end);
	elem->p = p;
	elem->len = (size_t)(q - p);
	p = skip_ws_ptr(q, end);
	if (p < end && *p == ',')
		p++;
	*pos = (size_t)(p - arr.p);
	return 1;
}

int
fb_json_key_eq(const struct fb_member *m, const char *key, size_t keylen)
{
	char small[256], *buf = small;
	const char *dec;
	long n;
	int eq;
	struct fb_span q;

	if (!m->key_escaped)
		return m->key.len == keylen && memcmp(m->key.p, key, keylen) == 0;
	/* Escapes only shorten: a raw key shorter than 'key' cannot match. */
	if (m->key.len < keylen)
		return 0;
	q.p = m->key.p - 1;
	q.len = m->key.len + 2;
	if (q.len > sizeof(small) && (buf = malloc(q.len)) == NULL)
		return 0;
	n = fb_json_string(q, buf, q.len > sizeof(small) ? q.len : sizeof(small),
	    &dec);
	eq = n >= 0 && (size_t)n == keylen && memcmp(dec, key, keylen) == 0;
	if (buf != small)
		free(buf);
	return eq;
}

/* The element 'key' (decimal digits) of an array text. */
static int
array_element(const char *p, const char *end, const char *key, size_t keylen,
    struct fb_span *val)
{
	size_t want = 0, k;

	for (k = 0; k < keylen; k++) {
		if (key[k] < '0' || key[k] > '9' || want > 100000000)
			return 0;
		want = want * 10 + (size_t)(key[k] - '0');
	}
	if (keylen == 0)
		return 0;
	p = skip_ws_ptr(p + 1, end);
	for (k = 0; p < end && *p != ']'; k++) {
		const char *q = skip_value(p, end);

		if (k == want) {
			val->p = p;
			val->len = (size_t)(q - p);
			return 1;
		}
		p = skip_ws_ptr(q, end);
		if (p < end && *p == ',')
			p = skip_ws_ptr(p + 1, end);
	}
	return 0;
}

int
fb_json_member(struct fb_span obj, const char *key, size_t keylen,
    struct fb_span *val)
{
	const char *p = obj.p, *end = obj.p + obj.len;
	int found = 0;

	p = skip_ws_ptr(p, end);
	if (p < end && *p == '[')
		return array_element(p, end, key, keylen, val);
	if (p >= end || *p != '{')
		return 0;
	p = skip_ws_ptr(p + 1, end);
	while (p < end && *p == '"') {
		struct fb_member m;
		const char *kend;

		m.key.p = p + 1;
		m.key_escaped = 0;
		for (kend = p + 1; kend < end && *kend != '"'; kend++)
			if (*kend == '\\') {
				m.key_escaped = 1;
				kend++;
			}
		m.key.len = (size_t)(kend - m.key.p);
		p = skip_ws_ptr(kend + 1, end);
		p = skip_ws_ptr(p + 1, end);	/* the ':' */
		m.val.p = p;
		p = skip_value(p, end);
		m.val.len = (size_t)(p - m.val.p);
		if (fb_json_key_eq(&m, key, keylen)) {
			*val = m.val;
			found = 1;
		}
		p = skip_ws_ptr(p, end);
		if (p < end && *p == ',')
			p = skip_ws_ptr(p + 1, end);
	}
	return found;
}

static size_t
put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

long
fb_json_string(struct fb_span v, char *buf, size_t cap, const char **out)
{
	const char *p, *end;
	size_t n = 0;

	if (v.len < 2 || v.p[0] != '"')
		return -1;
	p = v.p + 1;
	end = v.p + v.len - 1;
	if (memchr(p, '\\', (size_t)(end - p)) == NULL) {
		*out = p;
		return (long)(end - p);
	}
	while (p < end) {
		char c = *p++;
		unsigned u, lo;
		char enc[4];
		size_t elen;

		if (c != '\\') {
			if (n + 1 > cap)
				return -1;
			buf[n++] = c;
			continue;
		}
		if (n + 1 > cap)
			return -1;
		c = *p++;
		switch (c) {
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u':
			if (hex4(p, &u) < 0)
				return -1;
			p += 4;
			if (u >= 0xd800 && u <= 0xdbff && p + 6 <= end &&
			    hex4(p + 2, &lo) == 0) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			elen = put_utf8(enc, u);
			if (n + elen > cap)
				return -1;
			memcpy(buf + n, enc, elen);
			n += elen;
			break;
		default:
			buf[n++] = c;
			break;
		}
	}
	*out = buf;
	return (long)n;
}

static json_t *
decode_string(struct fb_span v)
{
	char small[512], *buf = small;
	const char *dec;
	long n;
	json_t *j;

	if (v.len > sizeof(small) && (buf = malloc(v.len)) == NULL)
		return NULL;
	n = fb_json_string(v, buf, v.len > sizeof(small) ? v.len : sizeof(small),
	    &dec);
	j = n < 0 ? NULL : json_stringn_nocheck(dec, (size_t)n);
	if (buf != small)
		free(buf);
	return j;
}

static json_t *
decode_number(struct fb_span v)
{
	char small[64], *num = small;
	json_t *j;
	size_t k;
	int integral = 1;

	if (v.len >= sizeof(small) && (num = malloc(v.len + 1)) == NULL)
		return NULL;
	memcpy(num, v.p, v.len);
	num[v.len] = '\0';
	for (k = 0; k < v.len; k++)
		if (num[k] == '.' || num[k] == 'e' || num[k] == 'E')
			integral = 0;
	errno = 0;
	if (integral) {
		long long ll = strtoll(num, NULL, 10);

		if (errno == 0) {
			j = json_integer(ll);
			goto out;
		}
		errno = 0;
	}
	{
		double d = strtod(num, NULL);

		/* jansson has no infinities: beyond range reads as the largest double. */
		if (d > DBL_MAX)
			d = DBL_MAX;
		else if (d < -DBL_MAX)
			d = -DBL_MAX;
		j = json_real(d);
	}
out:
	if (num != small)
		free(num);
	return j;
}

json_t *
fb_json_decode(struct fb_span v)
{
	const char *p = skip_ws_ptr(v.p, v.p + v.len), *end = v.p + v.len;
	json_t *j, *item;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '"':
		return decode_string((struct fb_span){ p, (size_t)(skip_value(p, end) - p) });
	case 't':
		return json_true();
	case 'f':
		return json_false();
	case 'n':
		return json_null();
	case '[':
		if ((j = json_array()) == NULL)
			return NULL;
		p = skip_ws_ptr(p + 1, end);
		while (p < end && *p != ']') {
			const char *q = skip_value(p, end);

			item = fb_json_decode((struct fb_span){ p, (size_t)(q - p) });
			if (item == NULL || json_array_append_new(j, item) < 0) {
				json_decref(j);
				return NULL;
			}
			p = skip_ws_ptr(q, end);
			if (p < end && *p == ',')
				p = skip_ws_ptr(p + 1, end);
		}
		return j;
	case '{': {
		struct fb_member *members = NULL;
		size_t n = 0, cap = 0, k;
		const char *q = skip_value(p, end);

		if (fb_json_scan(p, (size_t)(q - p), &members, &n, &cap, NULL) < 0 ||
		    (j = json_object()) == NULL) {
			free(members);
			return NULL;
		}
		for (k = 0; k < n; k++) {
			struct fb_span ks = { members[k].key.p - 1, members[k].key.len + 2 };
			json_t *key = decode_string(ks);

			item = fb_json_decode(members[k].val);
			if (key == NULL || item == NULL ||
			    json_object_setn_new_nocheck(j, json_string_value(key),
			    json_string_length(key), item) < 0) {
				json_decref(key);
				if (key == NULL || item == NULL)
					json_decref(item);
				json_decref(j);
				free(members);
				return NULL;
			}
			json_decref(key);
		}
		free(members);
		return j;
	}
	default:
		return decode_number((struct fb_span){ p, (size_t)(skip_value(p, end) - p) });
	}
}

static int
newline_indent(struct fb_out *out, int depth)
{
	int k;

	if (fb_out_putc(out, '\n') < 0)
		return -1;
	for (k = 0; k < depth; k++)
		if (fb_out_write(out, "  ", 2) < 0)
			return -1;
	return 0;
}

int
fb_json_write_pretty(struct fb_out *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int depth = 0;

	while (p < end) {
		const char *q;

		switch (*p) {
		case ' ': case '\t': case '\n': case '\r':
			p++;
			continue;
		case '"':
			q = skip_value(p, end);
			if (fb_out_write(out, p, (size_t)(q - p)) < 0)
				return -1;
			p = q;
			continue;
		case '{':
		case '[':
			q = skip_ws_ptr(p + 1, end);
			if (q < end && (*q == '}' || *q == ']')) {
				if (fb_out_putc(out, *p) < 0 || fb_out_putc(out, *q) < 0)
					return -1;
				p = q + 1;
				continue;
			}
			if (fb_out_putc(out, *p) < 0 || newline_indent(out, ++depth) < 0)
				return -1;
			p++;
			continue;
		case '}':
		case ']':
			if (newline_indent(out, --depth) < 0 || fb_out_putc(out, *p) < 0)
				return -1;
			p++;
			continue;
		case ',':
			if (fb_out_putc(out, ',') < 0 || newline_indent(out, depth) < 0)
				return -1;
			p++;
			continue;
		case ':':
			if (fb_out_write(out, ": ", 2) < 0)
				return -1;
			p++;
			continue;
		default:
			if (fb_out_putc(out, *p) < 0)
				return -1;
			p++;
			continue;
		}
	}
	return 0;
}

static size_t
digits_at(struct fb_span v, size_t i)
{
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	return i;
}

int
fb_json_number(struct fb_span v, double *num)
{
	char buf[64], *s = buf, *end;
	size_t i = 0, k;
	int rc;

	/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (i < v.len && v.p[i] == '-')
		i++;
	if (i < v.len && v.p[i] == '0')
		i++;
	else if ((k = digits_at(v, i)) > i)
		i = k;
	else
		return -1;
	if (i < v.len && v.p[i] == '.') {
		if ((k = digits_at(v, i + 1)) == i + 1)
			return -1;
		i = k;
	}
	if (i < v.len && (v.p[i] == 'e' || v.p[i] == 'E')) {
		i++;
		if (i < v.len && (v.p[i] == '+' || v.p[i] == '-'))
			i++;
		if ((k = digits_at(v, i)) == i)
			return -1;
		i = k;
	}
	if (i != v.len)
		return -1;
	/* any length is a number; most fit the buffer */
	if (v.len >= sizeof(buf) && (s = malloc(v.len + 1)) == NULL)
		return -1;
	memcpy(s, v.p, v.len);
	s[v.len] = '\0';
	*num = strtod(s, &end);
	rc = *end == '\0' ? 0 : -1;
	if (s != buf)
		free(s);
	return rc;
}
