/*
 * capture.h: run a writer into an fb_out on an unlinked temporary file
 * and read back exactly the bytes it wrote, for the unit tests.
 */
#ifndef FB_TEST_CAPTURE_H
#define FB_TEST_CAPTURE_H

#include <stdlib.h>
#include <unistd.h>

#include "fb.h"

/* Opens 'out' on a fresh temporary file; aborts when it cannot. */
static inline void
capture_open(struct fb_out *out)
{
	char path[] = "/tmp/fb-unit-out-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	unlink(path);
	fb_out_init(out, fd);
}

/*
 * Flushes and closes 'out' and returns what it holds as a heap string
 * ('*n' its length when not NULL); '*rc' becomes -1 if the flush failed.
 */
static inline char *
capture_close(struct fb_out *out, int *rc, size_t *n)
{
	off_t size;
	char *buf;

	if (fb_out_flush(out) < 0)
		*rc = -1;
	fb_out_release(out);
	size = lseek(out->fd, 0, SEEK_END);
	if (size < 0 || (buf = malloc((size_t)size + 1)) == NULL)
		abort();
	if (pread(out->fd, buf, (size_t)size, 0) != (ssize_t)size)
		abort();
	buf[size] = '\0';
	if (n != NULL)
		*n = (size_t)size;
	close(out->fd);
	return buf;
}

#endif /* FB_TEST_CAPTURE_H */
