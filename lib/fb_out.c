/* fb_out.c: buffered output that notices every write error. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"

#define FB_OUT_BUFSZ (128 * 1024)

void
fb_out_init(struct fb_out *out, int fd)
{
	memset(out, 0, sizeof(*out));
	out->fd = fd;
}

void
fb_out_release(struct fb_out *out)
{
	free(out->buf);
	out->buf = NULL;
	out->len = out->cap = 0;
}

int
fb_write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_all(struct fb_out *out, const char *p, size_t len)
{
	if (fb_write_all(out->fd, p, len) < 0) {
		out->err = errno;
		return -1;
	}
	return 0;
}

int
fb_out_flush(struct fb_out *out)
{
	if (out->err)
		return -1;
	if (out->len > 0 && write_all(out, out->buf, out->len) < 0)
		return -1;
	out->len = 0;
	return 0;
}

int
fb_out_write(struct fb_out *out, const void *data, size_t len)
{
	if (out->err)
		return -1;
	if (out->buf == NULL) {
		out->buf = malloc(FB_OUT_BUFSZ);
		if (out->buf == NULL) {
			out->err = ENOMEM;
			return -1;
		}
		out->cap = FB_OUT_BUFSZ;
	}
	if (out->len + len > out->cap) {
		if (fb_out_flush(out) < 0)
			return -1;
		/* Big pieces go straight through rather than via the buffer. */
		if (len >= out->cap)
			return write_all(out, data, len);
	}
	memcpy(out->buf + out->len, data, len);
	out->len += len;
	return 0;
}

int
fb_out_putc(struct fb_out *out, int c)
{
	char ch = (char)c;

	if (out->buf != NULL && out->len < out->cap && !out->err) {
		out->buf[out->len++] = ch;
		return 0;
	}
	return fb_out_write(out, &ch, 1);
}

int
fb_out_end_record(struct fb_out *out)
{
	out->records++;
	if (fb_out_putc(out, '\n') < 0)
		return -1;
	return out->unbuffered ? fb_out_flush(out) : 0;
}
