/*
 * test_words.c: the words of a policy or rule line (fb_words.c): blanks
 * and commas separate, "quoted words" keep them and take \" and \\, '#'
 * starts a comment outside quotes, and the errors (an unterminated
 * quote, too many words, text right after a closing quote).
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"
#include "tap.h"

#define MAXW 16

static char line[4096];
static char *words[MAXW + 1];
static struct fb_error err;

/*
 * Splits a copy of 's' with at most 'max' words and shows the result as
 * "N:w1|w2|..." (each word in <>), or "-1:message" on an error.
 */
static const char *
split(const char *s, int max)
{
	static char out[8192];
	size_t len = strlen(s), o;
	int n, i;

	if (len >= sizeof(line))
		abort();
	memcpy(line, s, len + 1);
	memset(words, 0, sizeof(words));
	err.msg[0] = '\0';
	n = fb_words_split(line, words, max, &err);
	if (n < 0) {
		snprintf(out, sizeof(out), "%d:%s", n, err.msg);
		return out;
	}
	o = (size_t)snprintf(out, sizeof(out), "%d:", n);
	for (i = 0; i < n && i < MAXW; i++) {
		const char *w = words[i];

		/* every word must point into the line, NUL-terminated there */
		if (w == NULL || w < line || w >= line + sizeof(line) ||
		    w + strlen(w) >= line + len + 1)
			return "word outside the line";
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s<%s>",
		    i ? "|" : "", w);
	}
	return out;
}

int
main(void)
{
	int i, n;
	char big[1024];

	/* separators */
	is_str(split("a b c", MAXW), "3:<a>|<b>|<c>", "blanks separate");
	is_str(split("a,b,c", MAXW), "3:<a>|<b>|<c>", "commas separate");
	is_str(split("\xef\xbb\xbfweight severity 1", MAXW),
	    "3:<weight>|<severity>|<1>", "a BOM at the start is no word");
	is_str(split("\xef\xbb\xbf", MAXW), "0:", "a BOM alone is an empty line");
	is_str(split("a, b ,c", MAXW), "3:<a>|<b>|<c>",
	    "a comma with blanks around is one separator");
	is_str(split("a,,b", MAXW), "2:<a>|<b>",
	    "two commas make no empty word");
	is_str(split("\t a\t\tb \t", MAXW), "2:<a>|<b>",
	    "tabs, leading and trailing blanks");
	is_str(split(",,a,,", MAXW), "1:<a>", "leading and trailing commas");
	is_str(split("weight severity 0.5", MAXW),
	    "3:<weight>|<severity>|<0.5>", "a policy line");
	is_str(split("logistics/delay 0.7 floor=2", MAXW),
	    "3:<logistics/delay>|<0.7>|<floor=2>", "slashes and '=' are word "
	    "bytes");

	/* empty and comment-only lines */
	is_str(split("", MAXW), "0:", "an empty line has no words");
	is_str(split("   \t  ", MAXW), "0:", "a blank line has none");
	is_str(split(" , , ", MAXW), "0:", "commas alone make no word");
	is_str(split("# a comment", MAXW), "0:", "a comment line");
	is_str(split("   # indented comment, with \"quote", MAXW), "0:",
	    "an indented comment; its quote is not an error");
	is_str(split("#", MAXW), "0:", "a lone '#'");
	is_str(split("\n", MAXW), "0:", "just a newline");
	is_str(split("\r\n", MAXW), "0:", "just CRLF");

	/* comments after words */
	is_str(split("a b # c d", MAXW), "2:<a>|<b>", "a comment after words");
	is_str(split("a#b", MAXW), "1:<a>", "a#b: '#' right after a word");
	is_str(split("a# b c", MAXW), "1:<a>", "a# b c");
	is_str(split("a,#b", MAXW), "1:<a>", "a,#b");
	is_str(split("\"a#b\" c", MAXW), "2:<a#b>|<c>",
	    "'#' inside quotes is kept");
	is_str(split("\"a\"# c", MAXW), "1:<a>",
	    "'#' right after a closing quote starts a comment");
	is_str(split("a # \"unterminated", MAXW), "1:<a>",
	    "a quote inside a comment is no error");

	/* line ends */
	is_str(split("a b\n", MAXW), "2:<a>|<b>", "LF at the end ignored");
	is_str(split("a b\r\n", MAXW), "2:<a>|<b>", "CRLF at the end ignored");
	is_str(split("a\r", MAXW), "1:<a>", "CR alone at the end ignored");
	is_str(split("\"a b\"\r\n", MAXW), "1:<a b>",
	    "CRLF after a quoted word");

	/* quoted words */
	is_str(split("\"a b\"", MAXW), "1:<a b>", "a quoted word keeps blanks");
	is_str(split("\"a, b\" c", MAXW), "2:<a, b>|<c>",
	    "a quoted word keeps commas");
	is_str(split("x \"\" y", MAXW), "3:<x>|<>|<y>",
	    "an empty quoted word is a word");
	is_str(split("\"\"", MAXW), "1:<>", "only an empty quoted word");
	is_str(split("\"say \\\"hi\\\"\"", MAXW), "1:<say \"hi\">",
	    "\\\" is a quote");
	is_str(split("\"a\\\\b\"", MAXW), "1:<a\\b>", "\\\\ is a backslash");
	is_str(split("\"a\\\\\" b", MAXW), "2:<a\\>|<b>",
	    "\\\\ right before the closing quote");
	is_str(split("\"a\\nb\"", MAXW), "1:<a\\nb>",
	    "other backslashes are kept as they are");
	is_str(split("\"\\\\\\\"\"", MAXW), "1:<\\\">",
	    "\\\\ then \\\" in a row");
	is_str(split("\"a\",\"b\"", MAXW), "2:<a>|<b>",
	    "quoted words separated by a comma");
	is_str(split("\"a\"\t\"b\"", MAXW), "2:<a>|<b>",
	    "quoted words separated by a tab");
	is_str(split("a\"b", MAXW), "1:<a\"b>",
	    "a quote inside an unquoted word is a byte of it");
	is_str(split("\"a\" b \"c d\" e", MAXW), "4:<a>|<b>|<c d>|<e>",
	    "quoted and plain words mixed");
	is_str(split("\"tab\there\"", MAXW), "1:<tab\there>",
	    "a tab inside quotes is kept");

	/* UTF-8 */
	is_str(split("中文 标签,物流/延迟", MAXW),
	    "3:<中文>|<标签>|<物流/延迟>", "UTF-8 words kept");
	is_str(split("\"送得 太慢\" 😀", MAXW), "2:<送得 太慢>|<😀>",
	    "quoted UTF-8 with a blank, and an emoji");
	is_str(split("中文，标签", MAXW), "1:<中文，标签>",
	    "a full-width comma is not a separator");

	/* errors */
	is_str(split("\"abc", MAXW), "-1:unterminated quote",
	    "an unterminated quote is an error with a message");
	is_str(split("a \"b c", MAXW), "-1:unterminated quote",
	    "unterminated after a word");
	is_str(split("\"abc\\\"", MAXW), "-1:unterminated quote",
	    "an escaped closing quote leaves it unterminated");
	is_str(split("\"abc\\", MAXW), "-1:unterminated quote",
	    "a backslash at the end of the line");
	is_str(split("\"a # b", MAXW), "-1:unterminated quote",
	    "'#' inside an open quote is no comment");
	is_str(split("\"a\"b", MAXW), "-1:text right after a closing quote",
	    "text right after a closing quote");
	is_str(split("\"a\"\"b\"", MAXW),
	    "-1:text right after a closing quote", "two quoted words touching");
	is_str(split("x \"a\"\\", MAXW),
	    "-1:text right after a closing quote",
	    "a backslash after the quote");

	/* the number of words */
	is_str(split("a b c", 3), "3:<a>|<b>|<c>", "exactly max words");
	is_str(split("a b c d", 3), "-1:more than 3 words", "max + 1 words");
	is_str(split("a b c # d e f", 3), "3:<a>|<b>|<c>",
	    "words in the comment do not count");
	is_str(split("a b c , ,\t\r\n", 3), "3:<a>|<b>|<c>",
	    "separators after the last word do not count");
	is_str(split("a b c \"d\"", 3), "-1:more than 3 words",
	    "a quoted word over max");
	is_str(split("", 0), "0:", "max 0 and no words");
	is_str(split("a", 0), "-1:more than 0 words", "max 0 and a word");
	is_str(split("# only", 0), "0:", "max 0 and a comment");

	/* many words, and writes stay within 'max' */
	big[0] = '\0';
	for (i = 0; i < MAXW; i++)
		strcat(big, i % 2 ? "w, " : "\"q q\" ");
	words[MAXW] = (char *)"sentinel";
	memcpy(line, big, strlen(big) + 1);
	n = fb_words_split(line, words, MAXW, &err);
	is_int(n, MAXW, "%d words", MAXW);
	ok(n == MAXW && strcmp(words[0], "q q") == 0 &&
	    strcmp(words[MAXW - 1], "w") == 0, "the first and last word");
	ok(strcmp(words[MAXW], "sentinel") == 0, "no pointer past max");
	strcat(big, "x");
	memcpy(line, big, strlen(big) + 1);
	words[MAXW] = (char *)"sentinel";
	is_int(fb_words_split(line, words, MAXW, &err), -1,
	    "%d words and one more", MAXW);
	ok(strcmp(words[MAXW], "sentinel") == 0,
	    "still no pointer past max after the error");

	/* err may be NULL */
	memcpy(line, "\"x", 3);
	is_int(fb_words_split(line, words, MAXW, NULL), -1,
	    "an error with err NULL");
	memcpy(line, "a b", 4);
	is_int(fb_words_split(line, words, 1, NULL), -1,
	    "too many words with err NULL");

	/* the line is split in place */
	memcpy(line, "ab cd", 6);
	n = fb_words_split(line, words, MAXW, &err);
	ok(n == 2 && words[0] == line && words[1] == line + 3,
	    "the words point into the line");
	memcpy(line, "\"a\\\"b\" c", 9);
	n = fb_words_split(line, words, MAXW, &err);
	ok(n == 2 && words[0] == line + 1 && strcmp(words[0], "a\"b") == 0 &&
	    strcmp(words[1], "c") == 0, "an unescaped quoted word in place");

	return done_testing();
}
