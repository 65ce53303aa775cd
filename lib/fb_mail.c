/*
 * fb_mail.c: one RFC 5322 message made into the fields feedback needs:
 * sender, date, subject, message id, a plain-text body and attachment
 * counts.
 *
 * Mail from Chinese clients mixes UTF-8, GB2312/GBK/GB18030 and Big5 in
 * encoded words and parts, and bends the rules (encoded words inside
 * quoted names, raw 8-bit headers, boundaries that never close), so the
 * parser is lenient about structure and strict only about text: every
 * conversion goes through fb_to_utf8(), and bytes that do not decode are
 * an error rather than mojibake.  The message is never assumed to end in
 * NUL, and every scan moves forward, so time stays linear in its size.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fb.h"

/* Deepest multipart nesting followed; containers below it are ignored. */
#define MAX_DEPTH 10

/*---- Buffers ----*/

/* A growing byte string; 'oom' sticks after a failed allocation. */
struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		if (n > SIZE_MAX / 4 - b->len) {
			b->oom = 1;
			return;
		}
		while (cap - b->len <= n)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

/* Keeps the contents NUL-terminated without counting the NUL. */
static void
buf_terminate(struct buf *b)
{
	buf_add(b, "", 1);
	if (!b->oom)
		b->len--;
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int
is_wsp(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
buf_trim(struct buf *b)
{
	size_t i = 0;

	while (b->len > 0 && is_wsp((unsigned char)b->p[b->len - 1]))
		b->len--;
	while (i < b->len && is_wsp((unsigned char)b->p[i]))
		i++;
	if (i > 0) {
		memmove(b->p, b->p + i, b->len - i);
		b->len -= i;
	}
}

/*
 * Hands the contents over as a C string, never NULL unless out of memory.
 * NUL bytes are dropped: the caller only gets a C string to measure them by.
 */
static char *
buf_str(struct buf *b)
{
	size_t i, o = 0;
	char *p;

	for (i = 0; i < b->len; i++)
		if (b->p[i] != '\0')
			b->p[o++] = b->p[i];
	b->len = o;
	buf_terminate(b);
	if (b->oom) {
		buf_free(b);
		return NULL;
	}
	p = b->p;
	memset(b, 0, sizeof(*b));
	return p;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*---- Transfer encodings ----*/

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * RFC 2045 says to ignore characters outside the alphabet (line breaks,
 * stray spaces).  '=' ends a quantum and drops its leftover bits, so
 * missing padding costs nothing and concatenated blocks still decode.
 */
static void
b64_decode(const char *s, size_t n, struct buf *out)
{
	unsigned long acc = 0;
	int bits = 0, v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			acc = 0;
			bits = 0;
			continue;
		}
		if ((v = b64_value((unsigned char)s[i])) < 0)
			continue;
		acc = (acc << 6 | (unsigned long)v) & 0xffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (int)(acc >> bits) & 0xff);
		}
	}
}

/*
 * Quoted-printable (RFC 2045 6.7), or with 'qword' the Q encoding of RFC
 * 2047 where '_' stands for a space.  A '=' that starts neither an
 * escape nor a soft line break is kept as written.
 */
static void
qp_decode(const char *s, size_t n, int qword, struct buf *out)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (qword && s[i] == '_') {
			buf_addc(out, ' ');
			continue;
		}
		if (s[i] != '=') {
			buf_addc(out, s[i]);
			continue;
		}
		if (i + 2 < n && hex_value((unsigned char)s[i + 1]) >= 0 &&
		    hex_value((unsigned char)s[i + 2]) >= 0) {
			buf_addc(out, hex_value((unsigned char)s[i + 1]) << 4 |
			    hex_value((unsigned char)s[i + 2]));
			i += 2;
			continue;
		}
		/* Encoders may leave spaces between the '=' and the break. */
		for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j < n && s[j] == '\r')
			j++;
		if (j == n) {
			i = n;
			continue;
		}
		if (s[j] == '\n') {
			i = j;
			continue;
		}
		buf_addc(out, '=');
	}
}

/*---- Charsets ----*/

static const char *const ascii_names[] = {
	"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "646",
	"utf-8", "utf8", NULL
};

/* GB2312 and GBK mail often holds GB18030-only characters: read as such. */
static const char *const gb_names[] = {
	"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn",
	"x-euc-cn", "csgb2312", "gb_2312-80", "chinese", "gb18030", NULL
};

static int
name_in(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

/*
 * The iconv name to read text labelled 'cs' with.  ASCII labels read as
 * UTF-8, a superset, because mislabelled 8-bit UTF-8 text is common and
 * real ASCII is unchanged by it.
 */
static const char *
charset_name(const char *cs, size_t n, char *buf, size_t bufsz)
{
	size_t i = 0, o = 0;

	while (i < n && is_wsp((unsigned char)cs[i]))
		i++;
	while (n > i && is_wsp((unsigned char)cs[n - 1]))
		n--;
	for (; i < n && o + 1 < bufsz; i++)
		buf[o++] = (char)lower((unsigned char)cs[i]);
	buf[o] = '\0';
	if (o == 0 || name_in(buf, ascii_names))
		return "utf-8";
	if (name_in(buf, gb_names))
		return "gb18030";
	if (strcmp(buf, "x-big5") == 0 || strcmp(buf, "cn-big5") == 0)
		return "big5";
	return buf;
}

/*---- Headers ----*/

enum {
	H_FROM, H_DATE, H_SUBJECT, H_MSGID, H_CTYPE, H_CTE, H_CDISP, NHDR
};

static const char *const hdr_names[NHDR] = {
	"from", "date", "subject", "message-id", "content-type",
	"content-transfer-encoding", "content-disposition"
};

static const char *const hdr_labels[NHDR] = {
	"From", "Date", "Subject", "Message-ID", "Content-Type",
	"Content-Transfer-Encoding", "Content-Disposition"
};

/* The fields of one header block that matter here, unfolded. */
struct headers {
	struct buf val[NHDR];	/* NUL-terminated if seen; first wins */
	int seen[NHDR];
	int nfields;		/* header fields of any name */
	size_t body;		/* offset of the body */
	int oom;
};

/* Finds the line at 'pos'; sets '*end' before its CR LF, returns the next. */
static size_t
line_next(const char *s, size_t len, size_t pos, size_t *end)
{
	const char *nl = memchr(s + pos, '\n', len - pos);
	size_t e = nl != NULL ? (size_t)(nl - s) : len;
	size_t next = nl != NULL ? e + 1 : len;

	if (e > pos && s[e - 1] == '\r')
		e--;
	*end = e;
	return next;
}

/*
 * Returns the offset of the colon when the line is a field "Name: value"
 * (RFC 5322 field names, with the obsolete space before the colon), else 0.
 */
static size_t
field_colon(const char *s, size_t n, size_t *namelen)
{
	size_t i = 0;

	while (i < n && (unsigned char)s[i] > ' ' &&
	    (unsigned char)s[i] < 127 && s[i] != ':')
		i++;
	if (i == 0)
		return 0;
	*namelen = i;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] != ':')
		return 0;
	return i;
}

/* Unfolding: a line break and the blanks around it become one space. */
static void
field_append(struct buf *b, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return;
	if (b->len > 0)
		buf_addc(b, ' ');
	buf_add(b, s, n);
}

/*
 * Reads the header block at the start of 's'.  It ends at the first empty
 * line, or at a line that is neither a field nor a continuation: such a
 * line is taken as the start of a body whose separator was forgotten.
 */
static void
headers_parse(const char *s, size_t len, struct headers *h)
{
	size_t pos = 0, end, next, colon, nlen = 0, vpos;
	int cur = -1, infield = 0, k;

	memset(h, 0, sizeof(*h));
	h->body = len;
	while (pos < len) {
		next = line_next(s, len, pos, &end);
		if (end == pos) {
			h->body = next;
			break;
		}
		if (s[pos] == ' ' || s[pos] == '\t') {
			if (!infield) {
				h->body = pos;
				break;
			}
			if (cur >= 0)
				field_append(&h->val[cur], s + pos, end - pos);
			pos = next;
			continue;
		}
		if ((colon = field_colon(s + pos, end - pos, &nlen)) == 0) {
			h->body = pos;
			break;
		}
		infield = 1;
		h->nfields++;
		for (k = 0; k < NHDR; k++)
			if (strlen(hdr_names[k]) == nlen &&
			    strncasecmp(s + pos, hdr_names[k], nlen) == 0)
				break;
		cur = -1;
		if (k < NHDR && !h->seen[k]) {
			h->seen[k] = 1;
			cur = k;
			vpos = pos + colon + 1;
			field_append(&h->val[k], s + vpos, end - vpos);
		}
		pos = next;
	}
	for (k = 0; k < NHDR; k++) {
		if (h->seen[k])
			buf_terminate(&h->val[k]);
		if (h->val[k].oom)
			h->oom = 1;
	}
}

static void
headers_release(struct headers *h)
{
	int k;

	for (k = 0; k < NHDR; k++)
		buf_free(&h->val[k]);
}

static const char *
hget(const struct headers *h, int k)
{
	return h->val[k].p != NULL ? h->val[k].p : "";
}

/* Copies the first token of a MIME header value ("text/plain"), lowercased. */
static void
value_token(const char *v, char *out, size_t outsz)
{
	size_t o = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v != '\0' && *v != ';' && *v != ' ' && *v != '\t' &&
	    *v != '('; v++)
		if (o + 1 < outsz)
			out[o++] = (char)lower((unsigned char)*v);
	out[o] = '\0';
}

/*
 * Finds the parameter 'name' in a MIME header value such as
 * 'text/plain; charset="gbk"' and copies its value, unquoted and cut to
 * 'outsz', to 'out' when not NULL.  With 'ext', the RFC 2231 forms
 * ("name*", "name*0*") match as well.  Returns the value's full length,
 * or -1 when absent.
 */
static long
param_get(const char *v, const char *name, int ext, char *out, size_t outsz)
{
	size_t nlen = strlen(name), alen, vl;
	const char *a;
	int quoted = 0, match;

	for (; *v != '\0' && (*v != ';' || quoted); v++)
		if (*v == '"')
			quoted = !quoted;
	while (*v != '\0') {
		while (*v == ';' || is_wsp((unsigned char)*v))
			v++;
		for (a = v; *v != '\0' && *v != '=' && *v != ';'; v++)
			;
		for (alen = (size_t)(v - a); alen > 0 &&
		    is_wsp((unsigned char)a[alen - 1]); alen--)
			;
		if (*v != '=')
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		match = alen >= nlen && strncasecmp(a, name, nlen) == 0 &&
		    (alen == nlen || (ext && a[nlen] == '*'));
		vl = 0;
		if (*v == '"') {
			for (v++; *v != '\0' && *v != '"'; v++, vl++) {
				if (*v == '\\' && v[1] != '\0')
					v++;
				if (match && out != NULL && vl + 1 < outsz)
					out[vl] = *v;
			}
			if (*v == '"')
				v++;
		} else {
			for (; *v != '\0' && *v != ';' &&
			    !is_wsp((unsigned char)*v); v++, vl++)
				if (match && out != NULL && vl + 1 < outsz)
					out[vl] = *v;
		}
		if (match) {
			if (out != NULL && outsz > 0)
				out[vl < outsz ? vl : outsz - 1] = '\0';
			return (long)vl;
		}
	}
	return -1;
}

/*---- Encoded words (RFC 2047) ----*/

struct eword {
	const char *cs;
	size_t cslen;
	int enc;		/* 'B' or 'Q' */
	const char *text;
	size_t textlen;
	size_t len;		/* of the whole "=?cs?e?text?=" */
};

/*
 * The text ends at the first '?', which neither encoding may contain, so
 * a failed attempt never scans past the next candidate's "=?".
 */
static int
eword_parse(const char *s, size_t n, struct eword *w)
{
	size_t i = 2, j;

	if (n < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	while (i < n && i < 2 + 64 && s[i] != '?' &&
	    (unsigned char)s[i] > ' ' && (unsigned char)s[i] < 127)
		i++;
	if (i == 2 || i + 2 >= n || s[i] != '?' || s[i + 2] != '?')
		return 0;
	w->enc = s[i + 1] == 'b' || s[i + 1] == 'B' ? 'B' :
	    s[i + 1] == 'q' || s[i + 1] == 'Q' ? 'Q' : 0;
	if (w->enc == 0)
		return 0;
	for (j = i + 3; j < n && s[j] != '?'; j++)
		;
	if (j + 1 >= n || s[j + 1] != '=')
		return 0;
	w->cs = s + 2;
	w->cslen = i - 2;
	w->text = s + i + 3;
	w->textlen = j - (i + 3);
	w->len = j + 2;
	return 1;
}

/*
 * Adjacent words are converted together: some encoders split a character's
 * bytes across two words, which then only decode as one.
 */
struct wrun {
	struct buf raw;		/* the words' decoded bytes */
	char cs[64];		/* their charset, as iconv names it */
	size_t start, end;	/* the words as written */
	int open;
};

/* A run that does not convert (unknown charset, bad bytes) stays as written. */
static void
wrun_flush(struct wrun *r, const char *s, struct buf *out)
{
	struct fb_error e;
	char *u;
	size_t ulen;

	if (!r->open)
		return;
	if (r->raw.oom)
		out->oom = 1;
	else if (fb_to_utf8(r->cs, r->raw.p, r->raw.len, &u, &ulen, &e) == 0) {
		buf_add(out, u, ulen);
		free(u);
	} else
		buf_add(out, s + r->start, r->end - r->start);
	r->raw.len = 0;
	r->open = 0;
}

/* Decodes the encoded words in the UTF-8 text 's' into 'out'. */
static void
words_decode(const char *s, size_t n, struct buf *out)
{
	struct wrun r;
	struct eword w;
	char csbuf[64];
	const char *cs;
	size_t i = 0, j, cslen;

	memset(&r, 0, sizeof(r));
	while (i < n) {
		if (s[i] != '=' || !eword_parse(s + i, n - i, &w)) {
			wrun_flush(&r, s, out);
			buf_addc(out, s[i++]);
			continue;
		}
		/* A language suffix ("utf-8*zh", RFC 2231) is not the name. */
		for (cslen = 0; cslen < w.cslen && w.cs[cslen] != '*'; cslen++)
			;
		cs = charset_name(w.cs, cslen, csbuf, sizeof(csbuf));
		if (r.open && strcmp(cs, r.cs) != 0)
			wrun_flush(&r, s, out);
		if (!r.open) {
			strcpy(r.cs, cs);
			r.start = i;
			r.open = 1;
		}
		if (w.enc == 'B')
			b64_decode(w.text, w.textlen, &r.raw);
		else
			qp_decode(w.text, w.textlen, 1, &r.raw);
		i += w.len;
		r.end = i;
		/* Blanks between encoded words are not text (RFC 2047 6.2). */
		for (j = i; j < n && is_wsp((unsigned char)s[j]); j++)
			;
		if (j > i && j < n && eword_parse(s + j, n - j, &w))
			i = j;
	}
	wrun_flush(&r, s, out);
	buf_free(&r.raw);
}

/*
 * Header text should be ASCII, but some clients write raw 8-bit text:
 * it is taken as UTF-8 when valid, else in the message's charset, else
 * as GB18030, which is what such clients in China send.
 */
static int
header_text(const struct headers *h, int k, const char *fallback,
    struct buf *out, struct fb_error *err)
{
	const char *v = hget(h, k);
	size_t n = h->val[k].len, bad;
	struct fb_error e;
	char *u;
	size_t ulen;

	if ((bad = fb_utf8_check(v, n)) == n) {
		buf_add(out, v, n);
		return 0;
	}
	if ((strcmp(fallback, "utf-8") != 0 &&
	    fb_to_utf8(fallback, v, n, &u, &ulen, &e) == 0) ||
	    fb_to_utf8("gb18030", v, n, &u, &ulen, &e) == 0) {
		buf_add(out, u, ulen);
		free(u);
		return 0;
	}
	return fb_error_set(err, "cannot decode the '%s' header: invalid "
	    "utf-8 at byte %zu", hdr_labels[k], bad + 1);
}

/*---- From ----*/

/* Copies a display name without the quotes and backslashes of quoting. */
static void
phrase_unquote(const char *s, size_t n, struct buf *out)
{
	size_t i;
	int quoted = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted && s[i] == '\\' && i + 1 < n)
			i++;
		buf_addc(out, s[i]);
	}
}

/*
 * Splits a From value into the address and the display name (as written,
 * unquoted): "Name <addr>", "addr (Name)" or a bare "addr".  Only the
 * first mailbox of a list counts.
 */
static void
from_split(const char *s, size_t n, struct buf *addr, struct buf *name)
{
	size_t i, lt = n, gt, j;
	int quoted = 0, depth = 0, comments = 0, angle;
	const char *p;

	for (i = 0; i < n && lt == n; i++) {
		if ((quoted || depth > 0) && s[i] == '\\' && i + 1 < n)
			i++;
		else if (quoted)
			quoted = s[i] != '"';
		else if (depth > 0)
			depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
		else if (s[i] == '"')
			quoted = 1;
		else if (s[i] == '(')
			depth = 1;
		else if (s[i] == '<')
			lt = i;
	}
	angle = lt < n;
	if (angle) {
		p = memchr(s + lt + 1, '>', n - lt - 1);
		gt = p != NULL ? (size_t)(p - s) : n;
		buf_add(addr, s + lt + 1, gt - lt - 1);
		phrase_unquote(s, lt, name);
		buf_trim(name);
		if (name->len > 0 || gt == n)
			return;
		/* "<addr> (Name)": the comment is all the name there is. */
		s += gt + 1;
		n -= gt + 1;
	}
	/* Outside comments is the address; the first comment is the name. */
	quoted = depth = 0;
	for (i = 0; i < n; i++) {
		if (depth > 0) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				comments++;
				continue;
			}
			if (comments == 0)
				buf_addc(name, s[i]);
		} else if (s[i] == '(' && !quoted)
			depth = 1;
		else if (!angle) {
			if (s[i] == '"')
				quoted = !quoted;
			buf_addc(addr, s[i]);
		}
	}
	if (!angle && addr->len > 0) {
		/* "a@b, c@d": keep the first. */
		buf_trim(addr);
		for (j = 0; j < addr->len && addr->p[j] != ',' &&
		    !is_wsp((unsigned char)addr->p[j]); j++)
			;
		addr->len = j;
	}
}

/*---- HTML ----*/

struct html {
	struct buf *out;
	int space;		/* blanks seen since the last text */
	int bol;		/* at the beginning of a line */
};

static void
html_emit(struct html *h, const char *s, size_t n)
{
	if (h->space && !h->bol)
		buf_addc(h->out, ' ');
	h->space = h->bol = 0;
	buf_add(h->out, s, n);
}

static void
html_newline(struct html *h)
{
	buf_addc(h->out, '\n');
	h->space = 0;
	h->bol = 1;
}

static int
is_html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static const char *const block_tags[] = {
	"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
	"blockquote", "table", NULL
};

/* Elements whose content is not text. */
static const char *const hidden_tags[] = {
	"script", "style", "title", NULL
};

/*
 * Handles the tag at 's[i]' ('<').  Returns the offset after it, or 'i'
 * when the '<' is text ("a < b").  Tags end at the next '>' even inside a
 * quoted attribute: honouring quotes would let one stray quote rescan the
 * rest of the text for every later '<'.
 */
static size_t
html_tag(struct html *h, const char *s, size_t n, size_t i, int *no_gt)
{
	char name[16];
	size_t k = i + 1, nl = 0;
	const char *p;
	int closing = 0;

	if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		for (k = i + 4; k + 3 <= n; k++)
			if (memcmp(s + k, "-->", 3) == 0)
				return k + 3;
		return n;
	}
	if (k < n && s[k] == '/') {
		closing = 1;
		k++;
	}
	while (k < n && is_alnum((unsigned char)s[k])) {
		if (nl + 1 < sizeof(name))
			name[nl++] = (char)lower((unsigned char)s[k]);
		k++;
	}
	name[nl] = '\0';
	if (nl == 0 && !closing && (k == n || (s[k] != '!' && s[k] != '?')))
		return i;
	if ((p = memchr(s + k, '>', n - k)) == NULL) {
		/* No '>' follows: no later '<' can start a tag either. */
		*no_gt = 1;
		return i;
	}
	k = (size_t)(p - s) + 1;
	if (!closing && name_in(name, hidden_tags)) {
		for (; k + 2 + nl <= n; k++)
			if (s[k] == '<' && s[k + 1] == '/' &&
			    strncasecmp(s + k + 2, name, nl) == 0)
				return k;
		return n;
	}
	if (strcmp(name, "br") == 0 || (closing && name_in(name, block_tags)))
		html_newline(h);
	else if (closing &&
	    (strcmp(name, "td") == 0 || strcmp(name, "th") == 0))
		h->space = 1;
	return k;
}

static size_t
utf8_encode(unsigned long cp, char *u)
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static const struct {
	const char *name;
	const char *text;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " },
};

/* Handles the reference at 's[i]' ('&'); returns the offset past it, or 'i'. */
static size_t
html_entity(struct html *h, const char *s, size_t n, size_t i)
{
	unsigned long cp = 0;
	size_t semi, k, e;
	char u[4];
	int d, hex;

	for (semi = i + 1; semi < n && semi - i <= 10 && s[semi] != ';'; semi++)
		;
	if (semi >= n || s[semi] != ';')
		return i;
	if (s[i + 1] == '#') {
		k = i + 2;
		hex = k < semi && (s[k] == 'x' || s[k] == 'X');
		if (hex)
			k++;
		if (k == semi)
			return i;
		for (; k < semi; k++) {
			d = hex ? hex_value((unsigned char)s[k]) :
			    s[k] >= '0' && s[k] <= '9' ? s[k] - '0' : -1;
			if (d < 0)
				return i;
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		html_emit(h, u, utf8_encode(cp, u));
		return semi + 1;
	}
	for (e = 0; e < sizeof(entities) / sizeof(entities[0]); e++)
		if (strlen(entities[e].name) == semi - i - 1 &&
		    memcmp(s + i + 1, entities[e].name, semi - i - 1) == 0) {
			html_emit(h, entities[e].text,
			    strlen(entities[e].text));
			return semi + 1;
		}
	return i;
}

/*
 * Renders HTML (UTF-8) as text: tags dropped, blanks collapsed as a
 * browser would, line breaks where <br> and block ends put them.
 */
static void
html_to_text(const char *s, size_t n, struct buf *out)
{
	struct html h = { out, 0, 1 };
	size_t i = 0, j;
	int no_gt = 0;

	while (i < n) {
		if (s[i] == '<' && !no_gt &&
		    (j = html_tag(&h, s, n, i, &no_gt)) > i) {
			i = j;
			continue;
		}
		if (s[i] == '&' && (j = html_entity(&h, s, n, i)) > i) {
			i = j;
			continue;
		}
		if (is_html_space((unsigned char)s[i])) {
			h.space = 1;
			i++;
			continue;
		}
		for (j = i + 1; j < n && s[j] != '<' && s[j] != '&' &&
		    !is_html_space((unsigned char)s[j]); j++)
			;
		html_emit(&h, s + i, j - i);
		i = j;
	}
	buf_trim(out);
}

/*---- MIME structure ----*/

enum cte { CTE_IDENTITY, CTE_BASE64, CTE_QP };

/* A candidate body part: where its bytes are and how to decode them. */
struct pick {
	const char *p;
	size_t len;
	int found;
	enum cte cte;
	char charset[64];	/* as labelled; "" when not */
};

struct walk {
	struct pick plain, html;
	int images, videos, others;
	int oom;
};

static void walk_part(struct walk *, const char *, size_t, int, int);

static void
count(int *n)
{
	if (*n < INT_MAX)
		(*n)++;
}

static void
walk_leaf(struct walk *w, const struct headers *h, const char *type,
    const char *body, size_t len)
{
	const char *ct = hget(h, H_CTYPE), *cd = hget(h, H_CDISP);
	char disp[32], cte[32];
	struct pick *pk;
	int attach;

	value_token(cd, disp, sizeof(disp));
	attach = strcmp(disp, "attachment") == 0 ||
	    param_get(cd, "filename", 1, NULL, 0) >= 0 ||
	    param_get(ct, "name", 1, NULL, 0) >= 0;
	if (!attach && strcmp(type, "text/plain") == 0)
		pk = &w->plain;
	else if (!attach && strcmp(type, "text/html") == 0)
		pk = &w->html;
	else if (attach || strncmp(type, "text/", 5) != 0) {
		if (strncmp(type, "image/", 6) == 0)
			count(&w->images);
		else if (strncmp(type, "video/", 6) == 0)
			count(&w->videos);
		else
			count(&w->others);
		return;
	} else
		return;		/* inline text/calendar and such */
	if (pk->found)
		return;
	pk->found = 1;
	pk->p = body;
	pk->len = len;
	value_token(hget(h, H_CTE), cte, sizeof(cte));
	pk->cte = strcmp(cte, "base64") == 0 ? CTE_BASE64 :
	    strcmp(cte, "quoted-printable") == 0 ? CTE_QP : CTE_IDENTITY;
	if (param_get(ct, "charset", 0, pk->charset, sizeof(pk->charset)) < 0)
		pk->charset[0] = '\0';
}

/*
 * Walks the parts of a multipart body delimited by "--'bnd'" lines.  A
 * part ends at the line break before the next delimiter; when the closing
 * delimiter is missing, the last part runs to the end.  Returns the
 * number of parts.
 */
static int
walk_multipart(struct walk *w, const char *s, size_t len, const char *bnd,
    size_t blen, int depth, int digest)
{
	size_t pos = 0, start = 0, end, next, k, stop;
	int open = 0, nparts = 0, closing;

	for (; pos < len; pos = next) {
		next = line_next(s, len, pos, &end);
		if (end - pos < blen + 2 || s[pos] != '-' ||
		    s[pos + 1] != '-' || memcmp(s + pos + 2, bnd, blen) != 0)
			continue;
		k = pos + 2 + blen;
		closing = end - k >= 2 && s[k] == '-' && s[k + 1] == '-';
		if (closing)
			k += 2;
		while (k < end && (s[k] == ' ' || s[k] == '\t'))
			k++;
		/* Else a longer boundary that starts with this one. */
		if (k != end)
			continue;
		if (open) {
			stop = pos;
			if (stop > start && s[stop - 1] == '\n')
				stop--;
			if (stop > start && s[stop - 1] == '\r')
				stop--;
			walk_part(w, s + start, stop - start, depth + 1,
			    digest);
			nparts++;
		}
		if (closing)
			return nparts;
		open = 1;
		start = next;
	}
	if (open) {
		walk_part(w, s + start, len - start, depth + 1, digest);
		nparts++;
	}
	return nparts;
}

static void
walk_entity(struct walk *w, const struct headers *h, const char *body,
    size_t len, int depth, int digest)
{
	const char *ct = hget(h, H_CTYPE);
	char type[128], bnd[256];
	long blen;

	value_token(ct, type, sizeof(type));
	/* RFC 2045 5.2: a missing or broken Content-Type is the default. */
	if (strchr(type, '/') == NULL)
		strcpy(type, digest ? "message/rfc822" : "text/plain");
	if (strncmp(type, "multipart/", 10) == 0) {
		if (depth >= MAX_DEPTH)
			return;
		blen = param_get(ct, "boundary", 0, bnd, sizeof(bnd));
		if (blen > 0 && (size_t)blen < sizeof(bnd) &&
		    walk_multipart(w, body, len, bnd, (size_t)blen, depth,
		    strcmp(type, "multipart/digest") == 0) > 0)
			return;
		/* No parts to be found: what text there is is the body. */
		strcpy(type, "text/plain");
	}
	walk_leaf(w, h, type, body, len);
}

static void
walk_part(struct walk *w, const char *s, size_t len, int depth, int digest)
{
	struct headers h;

	headers_parse(s, len, &h);
	if (h.oom)
		w->oom = 1;
	else
		walk_entity(w, &h, s + h.body, len - h.body, depth, digest);
	headers_release(&h);
}

/* Drops a BOM and NUL bytes and makes CR LF into LF, in place. */
static size_t
text_tidy(char *s, size_t n)
{
	size_t i = 0, o = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < n; i++) {
		if (s[i] == '\0' ||
		    (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'))
			continue;
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

static int
body_decode(const struct pick *pk, int html, struct buf *out,
    struct fb_error *err)
{
	struct buf raw;
	struct fb_error e;
	const char *data = pk->p, *cs;
	char csbuf[64], *u;
	size_t dlen = pk->len, ulen;

	memset(&raw, 0, sizeof(raw));
	if (pk->cte != CTE_IDENTITY) {
		if (pk->cte == CTE_BASE64)
			b64_decode(pk->p, pk->len, &raw);
		else
			qp_decode(pk->p, pk->len, 0, &raw);
		if (raw.oom)
			return fb_error_set(err, "out of memory");
		data = raw.p;
		dlen = raw.len;
	}
	if (dlen == 0) {
		buf_free(&raw);
		return 0;
	}
	cs = charset_name(pk->charset, strlen(pk->charset), csbuf,
	    sizeof(csbuf));
	if (fb_to_utf8(cs, data, dlen, &u, &ulen, &e) < 0) {
		buf_free(&raw);
		return fb_error_set(err, "cannot decode the body as '%s': %s",
		    pk->charset[0] != '\0' ? pk->charset : "us-ascii", e.msg);
	}
	buf_free(&raw);
	ulen = text_tidy(u, ulen);
	if (html)
		html_to_text(u, ulen, out);
	else
		buf_add(out, u, ulen);
	free(u);
	return 0;
}

/*---- The message ----*/

int
fb_mail_parse(const char *msg, size_t len, struct fb_mail *mail,
    struct fb_error *err)
{
	struct headers h;
	struct walk w;
	struct buf tmp, val, name;
	const char *fallback;
	char csraw[64] = "", csbuf[64];
	size_t start = 0, end, i, j;

	memset(mail, 0, sizeof(*mail));
	memset(&w, 0, sizeof(w));
	memset(&tmp, 0, sizeof(tmp));
	memset(&val, 0, sizeof(val));
	memset(&name, 0, sizeof(name));
	if (msg == NULL || len == 0)
		return fb_error_set(err, "no mail header");
	/* The separator line of an mbox file. */
	if (len >= 5 && memcmp(msg, "From ", 5) == 0)
		start = line_next(msg, len, 0, &end);
	headers_parse(msg + start, len - start, &h);
	if (h.oom) {
		fb_error_set(err, "out of memory");
		goto fail;
	}
	if (h.nfields == 0) {
		fb_error_set(err, "no mail header");
		goto fail;
	}
	if (param_get(hget(&h, H_CTYPE), "charset", 0, csraw,
	    sizeof(csraw)) < 0)
		csraw[0] = '\0';
	fallback = charset_name(csraw, strlen(csraw), csbuf, sizeof(csbuf));

	if (header_text(&h, H_DATE, fallback, &val, err) < 0)
		goto fail;
	buf_trim(&val);
	mail->date = buf_str(&val);

	if (header_text(&h, H_SUBJECT, fallback, &tmp, err) < 0)
		goto fail;
	words_decode(tmp.p, tmp.len, &val);
	buf_free(&tmp);
	buf_trim(&val);
	mail->subject = buf_str(&val);

	if (header_text(&h, H_MSGID, fallback, &tmp, err) < 0)
		goto fail;
	for (i = 0; i < tmp.len && tmp.p[i] != '<'; i++)
		;
	if (i < tmp.len) {
		for (j = ++i; j < tmp.len && tmp.p[j] != '>'; j++)
			;
		buf_add(&val, tmp.p + i, j - i);
	} else
		buf_add(&val, tmp.p, tmp.len);
	buf_free(&tmp);
	buf_trim(&val);
	mail->message_id = buf_str(&val);

	if (header_text(&h, H_FROM, fallback, &tmp, err) < 0)
		goto fail;
	from_split(tmp.p, tmp.len, &val, &name);
	buf_free(&tmp);
	buf_trim(&val);
	for (i = 0; i < val.len; i++)
		val.p[i] = (char)lower((unsigned char)val.p[i]);
	mail->from = buf_str(&val);
	words_decode(name.p, name.len, &val);
	buf_free(&name);
	buf_trim(&val);
	mail->from_name = buf_str(&val);

	walk_entity(&w, &h, msg + start + h.body, len - start - h.body, 0, 0);
	if (w.oom) {
		fb_error_set(err, "out of memory");
		goto fail;
	}
	if (w.plain.found || w.html.found) {
		if (body_decode(w.plain.found ? &w.plain : &w.html,
		    !w.plain.found, &val, err) < 0)
			goto fail;
	}
	mail->body = buf_str(&val);
	mail->images = w.images;
	mail->videos = w.videos;
	mail->others = w.others;
	if (mail->date == NULL || mail->subject == NULL ||
	    mail->message_id == NULL || mail->from == NULL ||
	    mail->from_name == NULL || mail->body == NULL) {
		fb_error_set(err, "out of memory");
		goto fail;
	}
	headers_release(&h);
	return 0;
fail:
	headers_release(&h);
	buf_free(&tmp);
	buf_free(&val);
	buf_free(&name);
	fb_mail_release(mail);
	return -1;
}

void
fb_mail_release(struct fb_mail *mail)
{
	free(mail->from);
	free(mail->from_name);
	free(mail->date);
	free(mail->subject);
	free(mail->message_id);
	free(mail->body);
	memset(mail, 0, sizeof(*mail));
}
