/*
 * test_text: cleaning customer text, guessing its language and masking
 * personal data.  ID and card numbers were checked independently (GB 11643
 * MOD 11-2 and Luhn computed in Python); 11010519491231002X is the
 * standard's own example.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "exact.h"
#include "tap.h"

/* A string literal with its length, NUL bytes inside included. */
#define S(lit) lit, sizeof(lit) - 1

/* Man, woman, girl joined by U+200D: one family emoji. */
#define FAMILY "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9" \
	"\xe2\x80\x8d\xf0\x9f\x91\xa7"

/*---- fb_text_clean ----*/

static const struct {
	const char *name;
	const char *in;
	size_t inlen;
	const char *out;
	size_t outlen;
} clean_cases[] = {
	{ "empty", S(""), S("") },
	{ "plain text unchanged", S("hello world"), S("hello world") },
	{ "Chinese unchanged", S("质量很好！物流也快。"),
	    S("质量很好！物流也快。") },
	{ "trim both ends", S("  hello  "), S("hello") },
	{ "runs of spaces", S("a   b    c"), S("a b c") },
	{ "tab, LF, CR", S("a\tb\nc\r\nd"), S("a b c d") },
	{ "VT and FF are breaks", S("a\vb\fc"), S("a b c") },
	{ "only whitespace", S(" \t\r\n "), S("") },
	{ "C0 controls removed", S("a\x01" "b\x1f" "c\x1b[0m"), S("abc[0m") },
	{ "NUL removed", S("a\0b"), S("ab") },
	{ "DEL removed", S("a\x7f" "b"), S("ab") },
	{ "C1 U+0080 and U+009F removed", S("a\xc2\x80" "b\xc2\x9f" "c"),
	    S("abc") },
	{ "NEL U+0085 is a break", S("a\xc2\x85" "b"), S("a b") },
	{ "NBSP U+00A0", S("a\xc2\xa0" "b"), S("a b") },
	{ "U+1680 ogham space", S("a\xe1\x9a\x80" "b"), S("a b") },
	{ "U+2000 en quad", S("a\xe2\x80\x80" "b"), S("a b") },
	{ "U+2003 em space", S("a\xe2\x80\x83" "b"), S("a b") },
	{ "U+200A hair space", S("a\xe2\x80\x8a" "b"), S("a b") },
	{ "U+2028 line separator", S("a\xe2\x80\xa8" "b"), S("a b") },
	{ "U+2029 paragraph separator", S("a\xe2\x80\xa9" "b"), S("a b") },
	{ "U+202F narrow NBSP", S("a\xe2\x80\xaf" "b"), S("a b") },
	{ "U+205F math space", S("a\xe2\x81\x9f" "b"), S("a b") },
	{ "U+3000 ideographic space", S("你好\xe3\x80\x80\xe3\x80\x80世界"),
	    S("你好 世界") },
	{ "mixed whitespace run", S("a \xe3\x80\x80\t\xc2\xa0\n b"), S("a b") },
	{ "leading U+3000 trimmed", S("\xe3\x80\x80好评\xe3\x80\x80"),
	    S("好评") },
	{ "U+200B zero-width space", S("a\xe2\x80\x8b" "b"), S("ab") },
	{ "U+200C ZWNJ", S("a\xe2\x80\x8c" "b"), S("ab") },
	{ "U+200E LRM", S("a\xe2\x80\x8e" "b"), S("ab") },
	{ "U+200F RLM", S("a\xe2\x80\x8f" "b"), S("ab") },
	{ "U+202A-U+202E bidi embeddings",
	    S("\xe2\x80\xaa" "a\xe2\x80\xab\xe2\x80\xac"
	    "b\xe2\x80\xad\xe2\x80\xae"),
	    S("ab") },
	{ "U+2060-U+2064 word joiner etc.",
	    S("a\xe2\x81\xa0\xe2\x81\xa1\xe2\x81\xa2\xe2\x81\xa3"
	    "\xe2\x81\xa4" "b"),
	    S("ab") },
	{ "U+2066-U+2069 bidi isolates",
	    S("\xe2\x81\xa6" "a\xe2\x81\xa7" "b\xe2\x81\xa8" "c\xe2\x81\xa9"),
	    S("abc") },
	{ "BOM at the start", S("\xef\xbb\xbfhello"), S("hello") },
	{ "BOM in the middle", S("he\xef\xbb\xbfllo"), S("hello") },
	{ "soft hyphen U+00AD", S("co\xc2\xadop"), S("coop") },
	{ "ZWJ in emoji kept", S(FAMILY), S(FAMILY) },
	{ "variation selector kept", S("\xe2\x9d\xa4\xef\xb8\x8f good"),
	    S("\xe2\x9d\xa4\xef\xb8\x8f good") },
	{ "invisible between spaces", S("a \xe2\x80\x8b b"), S("a b") },
	{ "only invisible", S("\xe2\x80\x8b\xef\xbb\xbf\x01"), S("") },
	{ "BOM then spaces", S("\xef\xbb\xbf   hi  \x7f"), S("hi") },
	{ "U+200D alone kept", S("a\xe2\x80\x8d" "b"), S("a\xe2\x80\x8d" "b") },
	{ "accents and CJK kept", S("Café 咖啡 ☕"), S("Café 咖啡 ☕") },
	{ "4-byte Han kept", S("\xf0\xa0\x80\x80 x"), S("\xf0\xa0\x80\x80 x") },
};

static void
test_clean(void)
{
	size_t k, n;
	char *p;

	for (k = 0; k < sizeof(clean_cases) / sizeof(clean_cases[0]); k++) {
		p = exact_copy(clean_cases[k].in, clean_cases[k].inlen);
		n = fb_text_clean(p, clean_cases[k].inlen);
		is_mem(p, n, clean_cases[k].out, clean_cases[k].outlen,
		    "clean: %s", clean_cases[k].name);
		/* Cleaning again changes nothing. */
		is_uint(fb_text_clean(p, n), n, "clean: %s: idempotent",
		    clean_cases[k].name);
		free(p);
	}

	p = strdup("  a  b  ");
	if (p == NULL)
		abort();
	n = fb_text_clean(p, strlen(p));
	is_str(p, "a b", "clean NUL-terminates a shortened string");
	is_uint(n, 3, "clean returns the new length");
	free(p);
}

/*---- fb_text_lang ----*/

static const struct {
	const char *in;
	size_t len;
	const char *want;
} lang_cases[] = {
	{ S(""), "" },
	{ S("这个产品质量很好，物流也很快"), "zh" },
	{ S("這個產品很好"), "zh" },
	{ S("\xf0\xa0\x80\x80\xf0\xa0\x80\x81"), "zh" },	/* Ext B */
	{ S("\xe3\x90\x80"), "zh" },				/* Ext A */
	{ S("\xef\xa4\x80"), "zh" },			/* compatibility */
	{ S("The product arrived broken."), "en" },
	{ S("iPhone 15 Pro Max 的屏幕很清晰"), "zh" },
	{ S("Bluetooth耳机连接不稳定"), "zh" },
	{ S("Great product, 很好"), "en" },
	{ S("abc中"), "zh" },			/* Han at exactly a quarter */
	{ S("abcd中"), "en" },
	{ S("Très bon produit, livraison rapide"), "en" },
	{ S("Sản phẩm tốt"), "en" },
	{ S("ＯＫ"), "en" },
	{ S("Straße ÄÖÜ äöü ß"), "en" },
	{ S("この商品はとても良いです"), "other" },
	{ S("日本語のテキストです"), "other" },
	{ S("アマゾンで買った"), "other" },
	{ S("这个の包装很好"), "zh" },
	{ S("배송이 빨라요"), "other" },
	{ S("Отличный товар"), "other" },
	{ S("Отличный product"), "other" },
	{ S("Πολύ καλό"), "other" },
	{ S("منتج رائع"), "other" },
	{ S("מוצר מעולה"), "other" },
	{ S("สินค้าดีมาก"), "other" },
	{ S("बहुत अच्छा"), "other" },
	{ S("12345 678"), "" },
	{ S("!!! ... ??? ，。！"), "" },
	{ S("\xf0\x9f\x91\x8d\xf0\x9f\x91\x8d\xf0\x9f\x98\x80"), "" },
	{ S("× ÷ ° ±"), "" },
	{ S("١٢٣ ०१२"), "" },		/* Arabic-Indic, Devanagari digits */
	{ S("5 stars 👍"), "en" },
	{ S("\xff\xfe ok"), "en" },		/* stray bytes are no letters */
};

static void
test_lang(void)
{
	size_t k;
	char *p;

	for (k = 0; k < sizeof(lang_cases) / sizeof(lang_cases[0]); k++) {
		p = exact_copy(lang_cases[k].in, lang_cases[k].len);
		is_str(fb_text_lang(p, lang_cases[k].len), lang_cases[k].want,
		    "lang '%s'", lang_cases[k].in);
		free(p);
	}
	is_str(fb_text_lang("好 abc", 3), "zh", "lang reads only 'len' bytes");
}

/*---- fb_text_redact ----*/

#define ALL FB_REDACT_ALL

static void
redact_is(const char *in, int kinds, const char *want, int want_found)
{
	size_t len = strlen(in), outlen = 12345;
	char *p = exact_copy(in, len), *out;
	int found = -1;

	out = fb_text_redact(p, len, kinds, &outlen, &found);
	ok(out != NULL, "redact '%s' (kinds %#x)", in, kinds);
	if (out != NULL) {
		is_mem(out, outlen, want, strlen(want),
		    "redact '%s' (kinds %#x): text", in, kinds);
		is_int(out[outlen], '\0', "redact '%s': NUL-terminated", in);
		is_int(found, want_found, "redact '%s' (kinds %#x): found", in,
		    kinds);
	}
	free(out);
	free(p);
}

static void
test_redact_mobile(void)
{
	redact_is("13800138000", ALL, "*******8000", 1);
	redact_is("手机13800138000，谢谢", ALL, "手机*******8000，谢谢", 1);
	redact_is("电话：13912345678。", ALL, "电话：*******5678。", 1);
	redact_is("call 19912345678 now", ALL, "call *******5678 now", 1);
	redact_is("138 0013 8000", ALL, "*** **** 8000", 1);
	redact_is("138-0013-8000", ALL, "***-****-8000", 1);
	redact_is("138 00138000", ALL, "*** ****8000", 1);
	redact_is("+86 13800138000", ALL, "+86 *******8000", 1);
	redact_is("+8613800138000", ALL, "+86*******8000", 1);
	redact_is("+86-138-0013-8000", ALL, "+86-***-****-8000", 1);
	redact_is("86 138 0013 8000", ALL, "86 *** **** 8000", 1);
	redact_is("(+86)13800138000", ALL, "(+86)*******8000", 1);
	redact_is("13800138000 13900139000", ALL, "*******8000 *******9000", 2);
	redact_is("13800138000/13900139000", ALL, "*******8000/*******9000", 2);
	redact_is("A13800138000b", ALL, "A*******8000b", 1);
	redact_is("13800138000", FB_REDACT_MOBILE, "*******8000", 1);
	redact_is("13800138000", FB_REDACT_LANDLINE | FB_REDACT_EMAIL,
	    "13800138000", 0);

	/* Not mobiles: wrong prefix, length, or part of a longer number. */
	redact_is("12800138000", ALL, "12800138000", 0);
	redact_is("10086", ALL, "10086", 0);
	redact_is("1380013800", ALL, "1380013800", 0);
	redact_is("138001380001", ALL, "138001380001", 0);
	redact_is("913800138000", ALL, "913800138000", 0);
	redact_is("138 0013 800", ALL, "138 0013 800", 0);
	redact_is("138 0013-8000", ALL, "138 0013-8000", 0);
	redact_is("订单2026-13800138000", ALL, "订单2026-13800138000", 0);
	redact_is("13800138000-01", ALL, "13800138000-01", 0);
	redact_is("13800138000.", ALL, "*******8000.", 1);

	/*
	 * "8613800138002" passes Luhn: as a bare number it is a card (the
	 * stronger match); "+86" marks it as a phone.
	 */
	redact_is("8613800138002", ALL, "*********8002", 1);
	redact_is("+8613800138002", ALL, "+86*******8002", 1);
	redact_is("8613800138002", FB_REDACT_MOBILE, "86*******8002", 1);
	redact_is("8613800138000", ALL, "86*******8000", 1);
}

static void
test_redact_landline(void)
{
	redact_is("010-12345678", ALL, "***-****5678", 1);
	redact_is("座机：0755 8888 6666", ALL, "座机：**** **** 6666", 1);
	redact_is("0755-88886666", ALL, "****-****6666", 1);
	redact_is("0755-8888-6666", ALL, "****-****-6666", 1);
	redact_is("01012345678", ALL, "*******5678", 1);
	redact_is("021 1234567", ALL, "*** ***4567", 1);
	redact_is("0571-888-6666", ALL, "****-***-6666", 1);
	redact_is("tel 0755-88886666 or 13800138000", ALL,
	    "tel ****-****6666 or *******8000", 2);
	redact_is("010-12345678", FB_REDACT_MOBILE, "010-12345678", 0);
	redact_is("010-12345678", FB_REDACT_LANDLINE, "***-****5678", 1);

	redact_is("0755-123", ALL, "0755-123", 0);
	redact_is("010-123456789", ALL, "010-123456789", 0);
	redact_is("0123456", ALL, "0123456", 0);
	redact_is("1010-12345678", ALL, "1010-12345678", 0);
	redact_is("5010-12345678", ALL, "5010-12345678", 0);
	redact_is("00-12345678", ALL, "00-12345678", 0);
	redact_is("0012345678", ALL, "0012345678", 0);
	redact_is("010-12345678-5", ALL, "010-12345678-5", 0);
	redact_is("0755 8888 666", ALL, "0755 8888 666", 0);
}

static void
test_redact_email(void)
{
	redact_is("邮箱li.wei@example.com，谢谢", ALL,
	    "邮箱******@example.com，谢谢", 1);
	redact_is("contact: zhang_san+shop@mail.example.com.cn.", ALL,
	    "contact: **************@mail.example.com.cn.", 1);
	redact_is("a@x.com b@y.org", ALL, "*@x.com *@y.org", 2);
	redact_is("<li-wei@example.com>", ALL, "<******@example.com>", 1);
	redact_is("13800138000@qq.com", ALL, "***********@qq.com", 1);
	redact_is("13800138000@qq.com", FB_REDACT_MOBILE,
	    "*******8000@qq.com", 1);
	redact_is("li@example.com", FB_REDACT_MOBILE, "li@example.com", 0);
	redact_is("...abc@x.com", ALL, "...***@x.com", 1);
	redact_is("user@sub-domain.example.co", ALL,
	    "****@sub-domain.example.co", 1);
	redact_is("x@163.com", ALL, "*@163.com", 1);

	redact_is("foo@bar", ALL, "foo@bar", 0);
	redact_is("@example.com", ALL, "@example.com", 0);
	redact_is("a@b.c", ALL, "a@b.c", 0);
	redact_is("5@3.50", ALL, "5@3.50", 0);
	redact_is("user@-bad.com", ALL, "user@-bad.com", 0);
	redact_is("user@bad-.com", ALL, "user@bad-.com", 0);
	redact_is("user@a..com", ALL, "user@a..com", 0);
	redact_is("user@.com", ALL, "user@.com", 0);
	redact_is("@@@", ALL, "@@@", 0);
	redact_is("用户@例子.中国", ALL, "用户@例子.中国", 0);
}

static void
test_redact_idcard(void)
{
	redact_is("身份证11010519491231002X", ALL,
	    "身份证**************002X", 1);
	redact_is("11010519491231002x", ALL, "**************002x", 1);
	redact_is("110105 19491231 002X", ALL, "****** ******** 002X", 1);
	redact_is("110105-19491231-002X", ALL, "******-********-002X", 1);
	redact_is("ID 110101199003070011.", ALL, "ID **************0011.", 1);
	redact_is("11010519491231002X", FB_REDACT_IDCARD,
	    "**************002X", 1);
	/* X is no digit: without IDCARD this is nothing else either. */
	redact_is("11010519491231002X", FB_REDACT_BANKCARD | FB_REDACT_MOBILE,
	    "11010519491231002X", 0);
	/* Valid ID and valid Luhn: one match, whichever kind finds it. */
	redact_is("110105199003070068", ALL, "**************0068", 1);
	redact_is("110105199003070068", FB_REDACT_BANKCARD,
	    "**************0068", 1);
	redact_is("110105199003070068", FB_REDACT_IDCARD,
	    "**************0068", 1);

	redact_is("110105194912310021", ALL, "110105194912310021", 0);
	redact_is("110105194912310020", ALL, "110105194912310020", 0);
	redact_is("11010519491231002Y", ALL, "11010519491231002Y", 0);
	/* A valid checksum on a birth month 13 is no ID. */
	redact_is("110105194913310021", ALL, "110105194913310021", 0);
	redact_is("11010519491231002X5", ALL, "11010519491231002X5", 0);
	redact_is("11010519491231002Xyz", ALL, "11010519491231002Xyz", 0);
	redact_is("511010519491231002X", ALL, "511010519491231002X", 0);
	redact_is("110105 1949 1231 002X", ALL, "110105 1949 1231 002X", 0);
	redact_is("110105 19491231-002X", ALL, "110105 19491231-002X", 0);
}

static void
test_redact_bankcard(void)
{
	redact_is("4111111111111111", ALL, "************1111", 1);
	redact_is("卡号：4111 1111 1111 1111。", ALL,
	    "卡号：**** **** **** 1111。", 1);
	redact_is("4111-1111-1111-1111", ALL, "****-****-****-1111", 1);
	redact_is("6222021234567890128", ALL, "***************0128", 1);
	redact_is("6222 0212 3456 7890 128", ALL, "**** **** **** ***0 128", 1);
	redact_is("4222222222222", ALL, "*********2222", 1);
	redact_is("6217001234567893", ALL, "************7893", 1);
	redact_is("621483012345678902", ALL, "**************8902", 1);
	redact_is("4111 1111 1111 1111 2026", ALL,
	    "**** **** **** 1111 2026", 1);
	redact_is("4111111111111111", FB_REDACT_MOBILE | FB_REDACT_LANDLINE,
	    "4111111111111111", 0);

	redact_is("4111 1111 1111 1112", ALL, "4111 1111 1111 1112", 0);
	redact_is("4111111111111112", ALL, "4111111111111112", 0);
	redact_is("订单号：2026112200001234", ALL,
	    "订单号：2026112200001234", 0);
	redact_is("202611220000123456", ALL, "202611220000123456", 0);
	redact_is("41111111111111110", ALL, "41111111111111110", 0);
	redact_is("x41111111111111111", ALL, "x41111111111111111", 0);
	redact_is("4111 1111-1111 1111", ALL, "4111 1111-1111 1111", 0);
	redact_is("4111  1111 1111 1111", ALL, "4111  1111 1111 1111", 0);
	redact_is("411 1111 1111 1111 1", ALL, "411 1111 1111 1111 1", 0);
	redact_is("2026-4111-1111-1111-1111", ALL,
	    "2026-4111-1111-1111-1111", 0);
}

static void
test_redact_mixed(void)
{
	struct {
		const char *in, *want;
		int found;
	} mixed = {
		"张先生，手机138-0013-8000，座机010-12345678，"
		"邮箱zhang@example.cn，卡号6222 0212 3456 7890 128，"
		"身份证11010519491231002X。",
		"张先生，手机***-****-8000，座机***-****5678，"
		"邮箱*****@example.cn，卡号**** **** **** ***0 128，"
		"身份证**************002X。",
		5
	};
	const char *plain = "订单号2026112200001234，金额128.50元，"
	    "日期2026-11-22 10:15，数量3，客服电话400-800-8888";
	size_t outlen;
	char *out;

	redact_is(mixed.in, ALL, mixed.want, mixed.found);
	redact_is(plain, ALL, plain, 0);
	redact_is(mixed.in, 0, mixed.in, 0);
	redact_is("", ALL, "", 0);
	redact_is("no numbers here", ALL, "no numbers here", 0);

	/* NULL outlen and found are allowed; bytes after 'len' are not read. */
	out = fb_text_redact("13800138000 13900139000", 11, ALL, NULL, NULL);
	is_str(out, "*******8000", "redact with NULL outlen/found, len 11");
	free(out);
	/* NUL bytes inside the text are kept. */
	out = fb_text_redact(S("a\0" "13800138000\0b"), ALL, &outlen, NULL);
	is_mem(out, outlen, S("a\0" "*******8000\0b"),
	    "redact keeps NUL bytes");
	free(out);
}

int
main(void)
{
	test_clean();
	test_lang();
	test_redact_mobile();
	test_redact_landline();
	test_redact_email();
	test_redact_idcard();
	test_redact_bankcard();
	test_redact_mixed();
	return done_testing();
}
