/*
 * exact.h: heap copies of exactly the input's size, with no NUL after
 * it, so that ASan and valgrind see any read past the end.
 */
#ifndef FB_TEST_EXACT_H
#define FB_TEST_EXACT_H

#include <stdlib.h>
#include <string.h>

static inline char *
exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p == NULL)
		abort();
	memcpy(p, s, len);
	return p;
}

#endif /* FB_TEST_EXACT_H */
