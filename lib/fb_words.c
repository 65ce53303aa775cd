/* fb_words.c: the words of one line of a policy or rule file. */
#include <string.h>

#include "fb.h"

/*
 * Blanks and commas both separate words, so "a, b" and "a b" read the
 * same and people can write lists either way; a quoted word keeps both.
 */
int
fb_words_split(char *line, char **words, int max, struct fb_error *err)
{
	char *s = line, *out;
	int n = 0;

	/* Notepad starts a UTF-8 file with a BOM: no word, for any policy */
	if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == ',' || *s == '\r' ||
		    *s == '\n')
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return fb_error_set(err, "more than %d words", max);
		if (*s != '"') {
			words[n++] = s;
			while (*s != '\0' && *s != ' ' && *s != '\t' &&
			    *s != ',' && *s != '\r' && *s != '\n' && *s != '#')
				s++;
			if (*s == '#') {
				*s = '\0';
				return n;
			}
			if (*s != '\0')
				*s++ = '\0';
			continue;
		}
		/* "quoted": \" and \\ are the only escapes */
		words[n++] = out = ++s;
		for (;;) {
			if (*s == '\0')
				return fb_error_set(err, "unterminated quote");
			if (*s == '"')
				break;
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			*out++ = *s++;
		}
		s++;
		if (*s != '\0' && *s != ' ' && *s != '\t' && *s != ',' &&
		    *s != '\r' && *s != '\n' && *s != '#')
			return fb_error_set(err, "text right after a closing "
			    "quote");
		*out = '\0';
	}
}
