/*
 * test_mail: fb_mail_parse on the mail customers send: plain and CRLF
 * messages, folded and encoded headers (UTF-8, GB2312, Q, adjacent
 * words), From forms, multipart bodies in base64 and quoted-printable,
 * HTML-only mail, attachments, and the errors.  Encoded test data was
 * made with Python's base64 and codecs modules.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fb.h"
#include "tap.h"

/* fb_mail_parse on an exact-size heap copy: no NUL, ASan sees over-reads. */
static int
parse_len(const char *s, size_t len, struct fb_mail *m, struct fb_error *err)
{
	char *p = malloc(len ? len : 1);
	int rc;

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	rc = fb_mail_parse(p, len, m, err);
	free(p);
	return rc;
}

static int
parse(const char *s, struct fb_mail *m, struct fb_error *err)
{
	return parse_len(s, strlen(s), m, err);
}

/* Parses 's' and returns its subject in 'buf', or "(error)". */
static const char *
subject_of(const char *s, char *buf, size_t bufsz)
{
	struct fb_mail m;
	struct fb_error err;

	if (parse(s, &m, &err) < 0) {
		diag("parse error: %s", err.msg);
		return "(error)";
	}
	snprintf(buf, bufsz, "%s", m.subject);
	fb_mail_release(&m);
	return buf;
}

static void
test_plain(void)
{
	struct fb_mail m;
	struct fb_error err;
	int rc;

	rc = parse("From: Li Wei <Li.Wei@Example.COM>\n"
	    "To: support@shop.example\n"
	    "Date:  Sun, 22 Nov 2026 10:15:00 +0800 \n"
	    "Subject: Order 1234 arrived broken\n"
	    "Message-ID: <20261122101500.1234@mail.example.com>\n"
	    "\n"
	    "The box was crushed.\n"
	    "Please send a new one.\n", &m, &err);
	is_int(rc, 0, "plain: parses");
	is_str(m.from, "li.wei@example.com", "plain: address lowercased");
	is_str(m.from_name, "Li Wei", "plain: display name");
	is_str(m.date, "Sun, 22 Nov 2026 10:15:00 +0800",
	    "plain: date as written, trimmed");
	is_str(m.subject, "Order 1234 arrived broken", "plain: subject");
	is_str(m.message_id, "20261122101500.1234@mail.example.com",
	    "plain: message id without angle brackets");
	is_str(m.body, "The box was crushed.\nPlease send a new one.\n",
	    "plain: body");
	ok(m.images == 0 && m.videos == 0 && m.others == 0,
	    "plain: no attachments");
	fb_mail_release(&m);
	ok(m.body == NULL && m.from == NULL, "release zeroes the struct");
	fb_mail_release(&m);
	ok(1, "release twice is harmless");

	rc = parse("From: a@b.example\r\n"
	    "Subject: CRLF\r\n"
	    "\r\n"
	    "line one\r\n"
	    "line two\r\n", &m, &err);
	is_int(rc, 0, "crlf: parses");
	is_str(m.subject, "CRLF", "crlf: no CR left in the subject");
	is_str(m.body, "line one\nline two\n",
	    "crlf: CR LF made LF in the body");
	is_str(m.date, "", "crlf: missing Date is \"\"");
	is_str(m.message_id, "", "crlf: missing Message-ID is \"\"");
	is_str(m.from_name, "", "crlf: bare address has no name");
	fb_mail_release(&m);

	rc = parse("From MAILER-DAEMON Sun Nov 22 10:15:00 2026\n"
	    "From: x@y.example\n"
	    "Subject: from mbox\n"
	    "\n"
	    "hi\n", &m, &err);
	is_int(rc, 0, "mbox: the From_ line is skipped");
	is_str(m.from, "x@y.example", "mbox: From header still read");
	is_str(m.body, "hi\n", "mbox: body");
	fb_mail_release(&m);

	rc = parse("Subject: no body", &m, &err);
	is_int(rc, 0, "header only, no newline: parses");
	is_str(m.body, "", "header only: body is \"\"");
	is_str(m.subject, "no body", "header only: subject");
	is_str(m.from, "", "header only: no From gives \"\"");
	fb_mail_release(&m);
}

static void
test_headers(void)
{
	char buf[256];
	struct fb_mail m;
	struct fb_error err;

	is_str(subject_of("Subject: This is\r\n a folded\r\n\tsubject\r\n\r\n",
	    buf, sizeof(buf)), "This is a folded subject", "folded subject");
	is_str(subject_of("SUBJECT: upper case name\n\n", buf, sizeof(buf)),
	    "upper case name", "header names are case-insensitive");
	is_str(subject_of("Subject : space before colon\n\n", buf,
	    sizeof(buf)), "space before colon", "obsolete space before colon");
	is_str(subject_of("Subject: first\nSubject: second\n\n", buf,
	    sizeof(buf)), "first", "a repeated header: the first wins");
	is_str(subject_of("Subject: =?gb2312?B?1tDOxA==?=\n\n", buf,
	    sizeof(buf)), "中文", "GB2312 B-encoded subject");
	is_str(subject_of("Subject: =?GBK?b?1tDOxA==?=\n\n", buf,
	    sizeof(buf)), "中文", "GBK, lowercase b");
	is_str(subject_of("Subject: =?UTF-8?B?5Lit5paH?=\n\n", buf,
	    sizeof(buf)), "中文", "UTF-8 B-encoded subject");
	is_str(subject_of("Subject: =?big5?B?pKSk5Q==?=\n\n", buf,
	    sizeof(buf)), "中文", "Big5 B-encoded subject");
	is_str(subject_of("Subject: =?utf-8?Q?Order_delayed_=E4=B8=AD=e6=96=87?=\n\n",
	    buf, sizeof(buf)), "Order delayed 中文",
	    "Q-encoded with underscores and lowercase hex");
	is_str(subject_of("Subject: =?utf-8?B?5Lit?= =?utf-8?B?5paH?=\n\n",
	    buf, sizeof(buf)), "中文", "adjacent encoded words joined");
	is_str(subject_of("Subject: =?utf-8?B?5Lit?=\r\n =?gb2312?B?zsQ=?=\r\n\r\n",
	    buf, sizeof(buf)), "中文",
	    "adjacent words across a fold, different charsets");
	is_str(subject_of("Subject: =?utf-8?B?5Lg=?= =?utf-8?B?rQ==?=\n\n",
	    buf, sizeof(buf)), "中", "a character split across two words");
	is_str(subject_of("Subject: Re: =?utf-8?B?6YCA5qy+?= please, =?utf-8?Q?now?=!\n\n",
	    buf, sizeof(buf)), "Re: 退款 please, now!",
	    "encoded words mixed with plain text keep their spaces");
	is_str(subject_of("Subject: =?x-unknown?B?5Lit?= left\n\n", buf,
	    sizeof(buf)), "=?x-unknown?B?5Lit?= left",
	    "unknown charset: the raw word stays");
	is_str(subject_of("Subject: =?utf-8?B?//5B?=\n\n", buf, sizeof(buf)),
	    "=?utf-8?B?//5B?=",
	    "bytes invalid in the charset: the raw word stays");
	is_str(subject_of("Subject: =?utf-8*zh?B?5Lit?=\n\n", buf,
	    sizeof(buf)), "中", "RFC 2231 language suffix");
	is_str(subject_of("Subject: a =? b ?= c =?utf-8?X?x?=\n\n", buf,
	    sizeof(buf)), "a =? b ?= c =?utf-8?X?x?=",
	    "things that look like words");
	is_str(subject_of("Subject: \xd6\xd0\xce\xc4 raw\n\n", buf, sizeof(buf)),
	    "中文 raw", "raw GB bytes in a header read as GB18030");
	is_str(subject_of("Subject: \xe4\xb8\xad raw\n\n", buf, sizeof(buf)),
	    "中 raw", "raw UTF-8 in a header");

	is_int(parse("Message-ID: 1234@host\n\n", &m, &err), 0,
	    "message id without brackets: parses");
	is_str(m.message_id, "1234@host", "message id without brackets");
	fb_mail_release(&m);
	is_int(parse("Message-Id:\n  <abc@host> (comment)\n\n", &m, &err), 0,
	    "folded message id: parses");
	is_str(m.message_id, "abc@host", "folded message id with a comment");
	fb_mail_release(&m);
}

static const struct {
	const char *from;
	const char *addr;
	const char *name;
} froms[] = {
	{ "=?utf-8?B?5p2O5Lyf?= <li.wei@example.com>", "li.wei@example.com", "李伟" },
	{ "李伟 <li.wei@example.com>", "li.wei@example.com", "李伟" },
	{ "li.wei@example.com (Li Wei)", "li.wei@example.com", "Li Wei" },
	{ "LI.WEI@EXAMPLE.COM", "li.wei@example.com", "" },
	{ "\"Wei, Li\" <a@b.example>", "a@b.example", "Wei, Li" },
	{ "\"=?gb2312?B?wO7OsA==?=\" <a@b.example>", "a@b.example", "李伟" },
	{ "\"Li \\\"Boss\\\" Wei\" <a@b.example>", "a@b.example", "Li \"Boss\" Wei" },
	{ "<a@b.example>", "a@b.example", "" },
	{ "<a@b.example> (Li)", "a@b.example", "Li" },
	{ "a@b.example, c@d.example", "a@b.example", "" },
	{ "Li (Sales) Wei < a@b.example >", "a@b.example", "Li (Sales) Wei" },
};

static void
test_from(void)
{
	char msg[256];
	struct fb_mail m;
	struct fb_error err;
	size_t k;

	for (k = 0; k < sizeof(froms) / sizeof(froms[0]); k++) {
		snprintf(msg, sizeof(msg), "From: %s\n\nx\n", froms[k].from);
		if (parse(msg, &m, &err) < 0) {
			ok(0, "From: %s: %s", froms[k].from, err.msg);
			continue;
		}
		is_str(m.from, froms[k].addr, "From: %s: address",
		    froms[k].from);
		is_str(m.from_name, froms[k].name, "From: %s: name",
		    froms[k].from);
		fb_mail_release(&m);
	}
}

static void
test_multipart(void)
{
	struct fb_mail m;
	struct fb_error err;
	int rc;

	rc = parse("From: a@b.example\r\n"
	    "Subject: alt\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative;\r\n"
	    "\tboundary=\"----=_Part_1\"\r\n"
	    "\r\n"
	    "This is a multi-part message in MIME format.\r\n"
	    "------=_Part_1\r\n"
	    "Content-Type: text/plain; charset=\"gbk\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "xOO6w6Ostqm1pbu5w7u1\r\n"
	    "vaGjDQrQu9C7DQo\r\n"
	    "------=_Part_1\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "\r\n"
	    "<p>html version</p>\r\n"
	    "------=_Part_1--\r\n"
	    "epilogue\r\n", &m, &err);
	is_int(rc, 0, "alternative: parses");
	is_str(m.body, "你好，订单还没到。\n谢谢\n",
	    "alternative: the GBK base64 text/plain part (no padding)");
	ok(m.images == 0 && m.videos == 0 && m.others == 0,
	    "alternative: the HTML alternative is not an attachment");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: multipart/mixed; boundary=outer\n"
	    "\n"
	    "--outer\n"
	    "Content-Type: multipart/alternative; boundary=\"inner\"\n"
	    "\n"
	    "--inner\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "\n"
	    "<b>html</b>\n"
	    "--inner\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "See the photo =\n"
	    "attached=E3=80=82\n"
	    "--inner--\n"
	    "--outer\n"
	    "Content-Type: image/png\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "iVBORw0KGgo=\n"
	    "--outer\n"
	    "Content-Type: application/pdf; name=\"invoice.pdf\"\n"
	    "Content-Disposition: attachment; filename=\"invoice.pdf\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "JVBERi0xLjQK\n"
	    "--outer--\n", &m, &err);
	is_int(rc, 0, "mixed: parses");
	is_str(m.body, "See the photo attached。",
	    "mixed: text/plain from the nested alternative, QP soft break");
	is_int(m.images, 1, "mixed: the inline image counts");
	is_int(m.videos, 0, "mixed: no video");
	is_int(m.others, 1, "mixed: the PDF counts as other");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: multipart/mixed; boundary=b\n"
	    "\n"
	    "--b\n"
	    "Content-Type: text/plain; name=notes.txt\n"
	    "\n"
	    "attached notes\n"
	    "--b\n"
	    "Content-Type: text/plain\n"
	    "Content-Disposition: attachment\n"
	    "\n"
	    "attached too\n"
	    "--b\n"
	    "\n"
	    "the real text\n"
	    "--b\n"
	    "Content-Type: video/mp4\n"
	    "\n"
	    "xx\n"
	    "--b\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "a second text part\n"
	    "--b--\n", &m, &err);
	is_int(rc, 0, "text attachments: parses");
	is_str(m.body, "the real text",
	    "text attachments: the first text/plain that is not one");
	is_int(m.others, 2,
	    "text attachments: named and attachment text count");
	is_int(m.videos, 1, "text attachments: the video counts");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: multipart/mixed; boundary=b\n"
	    "\n"
	    "--b\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "never closed\n", &m, &err);
	is_int(rc, 0, "unclosed boundary: parses");
	is_str(m.body, "never closed\n",
	    "unclosed boundary: the part runs to the end");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: multipart/mixed; boundary=b\n"
	    "\n"
	    "--bb\n"
	    "not a delimiter\n"
	    "--b \n"
	    "\n"
	    "after a delimiter with a trailing blank\n"
	    "--b--\n", &m, &err);
	is_int(rc, 0, "longer boundary line: parses");
	is_str(m.body, "after a delimiter with a trailing blank",
	    "longer boundary line is not a delimiter");
	fb_mail_release(&m);
}

static const char nul_msg[] = "From: a@b.example\n\nNUL\0byte\n";

static void
test_bodies(void)
{
	struct fb_mail m;
	struct fb_error err;
	int rc;

	rc = parse("From: a@b.example\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n"
	    "\n"
	    "=E6=94=B6=E5=88=B0=E7=9A=84=E8=A1=A3=E6=9C=8D=E5=B0=BA=E7=A0=81=E4=B8=8D=\r\n"
	    "=E5=AF=B9 =3D size=3dM=\n"
	    "\n"
	    "bad = sign stays=\n", &m, &err);
	is_int(rc, 0, "qp: parses");
	is_str(m.body, "收到的衣服尺码不对 = size=M\nbad = sign stays",
	    "qp: soft breaks (CRLF and LF), =XX in both cases");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: text/html; charset=\"utf-8\"\n"
	    "\n"
	    "<html><head><title>Order</title>\n"
	    "<style>p { color: red; }</style>\n"
	    "<script type=\"text/javascript\">if (a < b) alert(1);</script></head>\n"
	    "<body><p>Hello&nbsp;there,</p><p>The   item\n"
	    "   is <b>broken</b>.<br>Price &lt;100&gt; &amp; &quot;new&quot;"
	    " &#20013;&#x6587;</p>\n"
	    "<!-- a <comment> -->a < b &unknown; &#0;</body></html>\n", &m, &err);
	is_int(rc, 0, "html only: parses");
	is_str(m.body, "Hello there,\nThe item is broken.\n"
	    "Price <100> & \"new\" 中文\na < b &unknown; &#0;",
	    "html only: tags stripped, script/style dropped, entities decoded");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: text/html\n"
	    "\n"
	    "a <b never closed", &m, &err);
	is_int(rc, 0, "html with an open tag: parses");
	is_str(m.body, "a <b never closed", "html: an unclosed '<' is text");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "\n"
	    "\xe4\xb8\xad\xe6\x96\x87 body without Content-Type\n", &m, &err);
	is_int(rc, 0, "no Content-Type: parses");
	is_str(m.body, "中文 body without Content-Type\n",
	    "no Content-Type: text/plain, 8-bit UTF-8 kept");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: text/plain; charset=gb2312\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "1tDO\n"
	    " xA==\n", &m, &err);
	is_int(rc, 0, "base64 gb2312 body with blanks: parses");
	is_str(m.body, "中文", "base64 body: whitespace ignored");
	fb_mail_release(&m);

	rc = parse("From: a@b.example\n"
	    "Content-Type: image/jpeg\n"
	    "\n"
	    "\xff\xd8\xff", &m, &err);
	is_int(rc, 0, "an image as the whole message: parses");
	is_str(m.body, "", "image message: no body");
	is_int(m.images, 1, "image message: one image");
	fb_mail_release(&m);

	rc = parse_len(nul_msg, sizeof(nul_msg) - 1, &m, &err);
	is_int(rc, 0, "NUL in the body: parses");
	is_str(m.body, "NULbyte\n", "NUL bytes are dropped");
	fb_mail_release(&m);
}

static void
test_errors(void)
{
	struct fb_mail m;
	struct fb_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = parse("Hello there\n\nbody\n", &m, &err);
	is_int(rc, -1, "no header: fails");
	is_str(err.msg, "no mail header", "no header: message");
	ok(m.from == NULL && m.body == NULL, "no header: nothing to free");
	fb_mail_release(&m);
	is_int(parse("", &m, &err), -1, "empty message fails");
	is_int(parse("\n\nbody\n", &m, &err), -1, "empty header block fails");
	is_int(parse(" folded: first\n\n", &m, &err), -1,
	    "a continuation as the first line fails");
	is_int(parse("From someone Sun Nov 22\n", &m, &err), -1,
	    "an mbox line alone fails");
	is_int(fb_mail_parse(NULL, 0, &m, &err), -1, "NULL message fails");

	memset(&err, 0, sizeof(err));
	rc = parse("From: a@b.example\n"
	    "Content-Type: text/plain; charset=gb2312\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "//5B\n", &m, &err);
	is_int(rc, -1, "body invalid in its charset: fails");
	ok(strstr(err.msg, "'gb2312'") != NULL,
	    "the error names the charset (%s)", err.msg);
	ok(m.from == NULL && m.subject == NULL, "on error the struct is empty");

	rc = parse("From: a@b.example\n"
	    "\n"
	    "caf\xe9\n", &m, &err);
	is_int(rc, -1, "8-bit Latin-1 labelled as nothing: fails");
	ok(strstr(err.msg, "us-ascii") != NULL, "error names us-ascii (%s)",
	    err.msg);

	rc = parse("From: a@b.example\n"
	    "Content-Type: text/plain; charset=x-nonesuch\n"
	    "\n"
	    "text\n", &m, &err);
	is_int(rc, -1, "unknown body charset: fails");
	ok(strstr(err.msg, "x-nonesuch") != NULL, "error names it (%s)",
	    err.msg);

	rc = parse("Subject: caf\xe9 \xff\n\n", &m, &err);
	is_int(rc, -1, "header bytes in no known charset: fails");
	ok(strstr(err.msg, "Subject") != NULL, "error names the header (%s)",
	    err.msg);
}

/* Builds 'n' repetitions of 'unit' after 'head' in a new buffer. */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail,
    size_t *len)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), k;
	char *p = malloc(hl + ul * n + tl);

	if (p == NULL)
		abort();
	memcpy(p, head, hl);
	for (k = 0; k < n; k++)
		memcpy(p + hl + k * ul, unit, ul);
	memcpy(p + hl + n * ul, tail, tl);
	*len = hl + ul * n + tl;
	return p;
}

static void
test_robust(void)
{
	struct fb_mail m;
	struct fb_error err;
	char *p, msg[8192];
	size_t len, o, k;
	clock_t t0;
	int rc;

	/* Twenty nested multiparts: the walk stops at ten. */
	o = (size_t)snprintf(msg, sizeof(msg), "From: a@b.example\n");
	for (k = 0; k < 20; k++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o,
		    "Content-Type: multipart/mixed; boundary=b%zu\n\n--b%zu\n",
		    k, k);
	o += (size_t)snprintf(msg + o, sizeof(msg) - o,
	    "Content-Type: text/plain\n\ndeep\n");
	rc = parse_len(msg, o, &m, &err);
	is_int(rc, 0, "deep nesting: parses");
	is_str(m.body, "", "deep nesting: parts below ten levels are ignored");
	fb_mail_release(&m);

	o = (size_t)snprintf(msg, sizeof(msg), "From: a@b.example\n");
	for (k = 0; k < 9; k++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o,
		    "Content-Type: multipart/mixed; boundary=b%zu\n\n--b%zu\n",
		    k, k);
	o += (size_t)snprintf(msg + o, sizeof(msg) - o,
	    "Content-Type: text/plain\n\nnine deep\n");
	rc = parse_len(msg, o, &m, &err);
	is_int(rc, 0, "nine levels: parses");
	is_str(m.body, "nine deep\n", "nine levels: the text is found");
	fb_mail_release(&m);

	/* Inputs that would be quadratic in a naive parser. */
	t0 = clock();
	p = repeat("Subject: ", "=?utf-8?Q?a", 200000, "\n\n", &len);
	rc = parse_len(p, len, &m, &err);
	free(p);
	ok(rc == 0 && strlen(m.subject) == 11 * 200000,
	    "200000 broken encoded words stay as written");
	fb_mail_release(&m);

	p = repeat("Content-Type: text/html\n\n", "<a", 300000, "", &len);
	rc = parse_len(p, len, &m, &err);
	free(p);
	ok(rc == 0 && strlen(m.body) == 2 * 300000,
	    "300000 unclosed '<' stay as text");
	fb_mail_release(&m);

	p = repeat("Content-Type: text/html\n\n", "<script>", 200000, "", &len);
	rc = parse_len(p, len, &m, &err);
	free(p);
	ok(rc == 0 && m.body[0] == '\0',
	    "200000 unclosed <script> give nothing");
	fb_mail_release(&m);

	p = repeat("Content-Type: multipart/mixed; boundary=b\n\n", "--b\n\nx\n",
	    200000, "", &len);
	rc = parse_len(p, len, &m, &err);
	free(p);
	ok(rc == 0 && strcmp(m.body, "x") == 0, "200000 parts");
	fb_mail_release(&m);

	p = repeat("X-Long: a\n", " b\n", 300000, "Subject: s\n\nbody", &len);
	rc = parse_len(p, len, &m, &err);
	free(p);
	ok(rc == 0 && strcmp(m.subject, "s") == 0,
	    "a header folded 300000 times");
	fb_mail_release(&m);
	ok((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0,
	    "large inputs parse in linear time");
}

int
main(void)
{
	test_plain();
	test_headers();
	test_from();
	test_multipart();
	test_bodies();
	test_errors();
	test_robust();
	return done_testing();
}
