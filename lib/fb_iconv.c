/*
 * fb_iconv.c: converting the encodings Chinese spreadsheets and mail
 * clients still write (GB18030, GBK, Big5, ...) to UTF-8 with iconv(3).
 * Bad input is an error, never mojibake.
 */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fb.h"

/* The last converter, kept: a file converts line by line with one charset. */
static iconv_t cached = (iconv_t)-1;
static char cached_name[64];

static iconv_t
converter(const char *charset, struct fb_error *err)
{
	if (cached != (iconv_t)-1 && strcasecmp(cached_name, charset) == 0) {
		iconv(cached, NULL, NULL, NULL, NULL);	/* reset the shift state */
		return cached;
	}
	if (cached != (iconv_t)-1)
		iconv_close(cached);
	cached = (iconv_t)-1;
	if (strlen(charset) >= sizeof(cached_name)) {
		fb_error_set(err, "unknown encoding '%s'", charset);
		return (iconv_t)-1;
	}
	if ((cached = iconv_open("UTF-8", charset)) == (iconv_t)-1) {
		fb_error_set(err, "unknown encoding '%s'", charset);
		return (iconv_t)-1;
	}
	strcpy(cached_name, charset);
	return cached;
}

int
fb_to_utf8(const char *charset, const char *in, size_t len, char **out,
    size_t *outlen, struct fb_error *err)
{
	iconv_t cd;
	size_t cap = len * 2 + 16, left_in = len, left_out, bad;
	char *buf, *src = (char *)(uintptr_t)in, *dst;

	if ((cd = converter(charset, err)) == (iconv_t)-1)
		return -1;
	if ((buf = malloc(cap)) == NULL)
		return fb_error_set(err, "out of memory");
	dst = buf;
	left_out = cap - 1;
	while (left_in > 0) {
		if (iconv(cd, &src, &left_in, &dst, &left_out) != (size_t)-1)
			continue;
		if (errno == E2BIG) {
			size_t used = (size_t)(dst - buf);
			char *nbuf = realloc(buf, cap * 2);

			if (nbuf == NULL) {
				free(buf);
				return fb_error_set(err, "out of memory");
			}
			buf = nbuf;
			cap *= 2;
			dst = buf + used;
			left_out = cap - 1 - used;
			continue;
		}
		fb_error_set(err, "%s %s at byte %zu", errno == EINVAL ?
		    "incomplete" : "invalid", charset, (size_t)(src - in) + 1);
		free(buf);
		return -1;
	}
	*dst = '\0';
	/*
	 * glibc's UTF-8 decoder lets through what fb_utf8_check() refuses,
	 * such as F6 BC 90 91 (a code point past U+10FFFF): so that nothing
	 * invalid reaches a record, the result is checked.  From UTF-8 the
	 * offset is the input's too.
	 */
	if ((bad = fb_utf8_check(buf, (size_t)(dst - buf))) !=
	    (size_t)(dst - buf)) {
		fb_error_set(err, "invalid %s at byte %zu", charset, bad + 1);
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = (size_t)(dst - buf);
	return 0;
}
