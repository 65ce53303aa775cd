/*
 * test_phrase.c: the phrase rules and the reading of a text (fb_phrase.c),
 * on small rule sets held in memory, so that editing share/fb cannot
 * break them.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

static const char rules[] =
    "# a tiny rule set\n"
    "[negation]\n不\n没有\nnot\n*n't\n"
    "[nonnegation]\n不错\n"
    "[degree]\n非常 2\n"
    "[contrast]\n但是\nbut\n"
    "[positive]\n好 1\n不错 1.5\ngood\n"
    "[negative]\n慢 1\n差 1\n"
    "[logistics/delay]\n慢 0.5\n送得慢 2\nlate\n"
    "[logistics/damaged]\n破损 1.5\ndamaged 1.5\n"
    "[logistics/courier]\n骑手态度 1\n"
    "[service/attitude]\n态度 1\n"
    "[emotion/anger]\n气死 1\n";

static struct fb_phrases ps;
static struct fb_analysis an;

static double
evidence(const char *text, const char *section)
{
	long s = fb_phrases_section(&ps, section);

	if (s < 0 || fb_analyze(&ps, text, strlen(text), &an) < 0)
		return -1;
	return an.score[s];
}

/* The error message of loading 'text' as a rule file, or "" if it loads. */
static const char *
load_error(const char *text)
{
	static struct fb_error err;
	struct fb_phrases p;

	fb_phrases_init(&p);
	err.msg[0] = '\0';
	fb_phrases_load_mem(&p, "t.rules", text, strlen(text), &err);
	fb_phrases_release(&p);
	return err.msg;
}

int
main(void)
{
	struct fb_error err;
	struct fb_phrases over;

	fb_phrases_init(&ps);
	ok(fb_phrases_load_mem(&ps, "mem", rules, sizeof(rules) - 1, &err) == 0,
	    "the rules load");
	ok(fb_phrases_compile(&ps, &err) == 0, "and compile");
	fb_analysis_init(&an);

	/* negation */
	is_int((long)(evidence("包装没有破损", "logistics/damaged") * 10), 0,
	    "没有破损 is no damage");
	is_int((long)(evidence("包装破损", "logistics/damaged") * 10), 15,
	    "破损 is");
	is_int((long)(evidence("not damaged", "logistics/damaged") * 10), 0,
	    "not damaged is no damage");
	is_int((long)(evidence("it wasn't late", "logistics/delay") * 10), 0,
	    "wasn't late: *n't negates");
	is_int((long)(evidence("没有，破损", "logistics/damaged") * 10), 15,
	    "a comma ends the negation");
	is_int((long)(evidence("没有但是破损", "logistics/damaged") * 10), 15,
	    "so does a contrast word");
	is_int((long)(evidence("不是那破损", "logistics/damaged") * 10), 0,
	    "two tokens between: negated");
	is_int((long)(evidence("不是那个破损", "logistics/damaged") * 10), 15,
	    "three tokens between: not");
	is_int((long)(evidence("不错破损", "logistics/damaged") * 10), 15,
	    "the 不 of 不错 is no negator");

	/* words inside longer words, counted once */
	is_int((long)(evidence("送得慢", "logistics/delay") * 10), 20,
	    "慢 inside 送得慢 counts once, as the longer");
	is_int((long)(evidence("慢慢", "logistics/delay") * 10), 5,
	    "a phrase said twice counts once");
	is_int((long)(evidence("骑手态度差", "service/attitude") * 10), 0,
	    "态度 inside 骑手态度 (another tag) is hidden");
	is_int((long)(evidence("骑手态度差", "logistics/courier") * 10), 10,
	    "骑手态度 counts");
	is_int((long)(evidence("chocolate", "logistics/delay") * 10), 0,
	    "English matches whole words");
	is_int((long)(evidence("ＬＡＴＥ!", "logistics/delay") * 10), 10,
	    "full-width and capitals fold");

	/* sentiment: negation turns, degree scales, contrast focuses */
	evidence("非常好", "positive");
	ok(an.lex[FB_LEX_POS] > 1.09 && an.lex[FB_LEX_POS] < 1.1,
	    "非常 doubles 好 (log1p 2 = 1.0986): %g", an.lex[FB_LEX_POS]);
	evidence("不好", "positive");
	ok(an.lex[FB_LEX_NEG] > 0 && an.lex[FB_LEX_POS] == 0 &&
	    an.lex[FB_LEX_NEGATED_POS] > 0, "不好 is negative");
	evidence("好，但是慢", "positive");
	ok(an.focus > 0 && an.lex[FB_LEX_NEG_FOCUS] > 0 &&
	    an.lex[FB_LEX_POS_FOCUS] == 0, "the clause after 但是 is the focus");
	ok(an.lex[FB_LEX_NEG] > an.lex[FB_LEX_POS],
	    "and weighs more than the one before");
	evidence("", "positive");
	ok(an.nhits == 0 && an.lex[FB_LEX_POS] == 0, "an empty text has nothing");
	evidence("\xff\xfe 破损", "logistics/damaged");
	is_int(an.text.cp[0], 0xFFFD, "invalid UTF-8 reads as U+FFFD");

	/* overriding: the last weight wins; 0 removes */
	fb_phrases_init(&over);
	ok(fb_phrases_load_mem(&over, "a", "[logistics/delay]\nlate 1\n", 24,
	    &err) == 0 && fb_phrases_load_mem(&over, "b",
	    "[logistics/delay]\nlate   2\nslow 0\nslow\n", 39, &err) == 0 &&
	    fb_phrases_load_mem(&over, "c", "[logistics/delay]\nslow 0\n", 24,
	    &err) == 0 && fb_phrases_compile(&over, &err) == 0,
	    "three files load");
	is_int((long)over.nphrases, 1, "late once, slow removed");
	ok(over.nphrases == 1 && over.phrases[0].weight == 2 &&
	    strcmp(over.phrases[0].file, "b") == 0, "late is 2, from b");
	fb_phrases_release(&over);

	/* errors name the file and line */
	is_str(load_error("[logistics/nothing]\nx\n"),
	    "t.rules:1: unknown section '[logistics/nothing]': not a tag of "
	    "the taxonomy, emotion/NAME or a lexicon section", "unknown tag");
	is_str(load_error("# c\nphrase\n"),
	    "t.rules:2: phrase before any [section]", "no section");
	is_str(load_error("[degree]\n非常 -2\n"),
	    "t.rules:2: a degree word's weight is a multiplier and cannot be "
	    "negative", "negative degree");
	is_str(load_error("[praise]\ngood 101\n"),
	    "t.rules:2: weight 101 out of range (-100 to 100)", "weight range");
	is_str(load_error("[praise\n"),
	    "t.rules:1: section header without ']'", "broken header");
	is_str(load_error("[emotion/Bad]\n"),
	    "t.rules:1: bad emotion name '[emotion/Bad]' (lowercase letters "
	    "and '_')", "emotion name");
	is_str(load_error("[praise]\n\xff\n"), "t.rules:2: not valid UTF-8",
	    "bad UTF-8");
	is_str(load_error("[praise]\ngood 1 # a comment\n\n  # another\n"
	    "iphone 13 1\n"), "", "comments, blank lines, a number in a phrase");
	is_str(load_error("\xEF\xBB\xBF[praise]\r\ngood\r\n"), "",
	    "a BOM and CRLF");

	fb_analysis_release(&an);
	fb_phrases_release(&ps);
	return done_testing();
}
