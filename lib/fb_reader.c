/*
 * fb_reader.c: lines from files, stdin and gzip, with FILE:LINE positions
 * and a bound on line length.
 *
 * zlib reads plain input transparently, so one path serves both.  Lines
 * that fit in the read buffer are handed out in place; only lines that
 * straddle two reads are copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fb.h"

#define READ_CHUNK (128 * 1024)

struct fb_reader {
	gzFile gz;
	char *name;
	size_t max_line;
	char *buf;		/* READ_CHUNK + 1, so a line in place can end in NUL */
	size_t pos, len;
	char *line;		/* for lines that straddle reads */
	size_t line_len, line_cap;
	unsigned long lineno;
	uint64_t offset;
	int in_long;		/* the rest of an overlong line is unread */
	int eof;
	char pending[200];	/* an error to report after the data before it */
};

struct fb_reader *
fb_reader_fdopen(int fd, const char *name, size_t max_line,
    struct fb_error *err)
{
	struct fb_reader *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->name = strdup(name)) == NULL ||
	    (r->buf = malloc(READ_CHUNK + 1)) == NULL) {
		fb_error_set(err, "out of memory");
		goto fail;
	}
	r->max_line = max_line;
	if ((r->gz = gzdopen(fd, "rb")) == NULL) {
		fb_error_set(err, "cannot read '%s': out of memory", name);
		goto fail;
	}
	gzbuffer(r->gz, 256 * 1024);
	return r;
fail:
	close(fd);
	if (r != NULL) {
		free(r->name);
		free(r->buf);
		free(r);
	}
	return NULL;
}

struct fb_reader *
fb_reader_open(const char *path, size_t max_line, struct fb_error *err)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) < 0) {
			fb_error_set(err, "cannot read '<stdin>': %s",
			    strerror(errno));
			return NULL;
		}
		return fb_reader_fdopen(fd, "<stdin>", max_line, err);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fb_error_set(err, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	return fb_reader_fdopen(fd, path, max_line, err);
}

void
fb_reader_close(struct fb_reader *r)
{
	if (r == NULL)
		return;
	gzclose(r->gz);
	free(r->name);
	free(r->buf);
	free(r->line);
	free(r);
}

uint64_t
fb_reader_offset(const struct fb_reader *r)
{
	return r->offset;
}

const char *
fb_reader_name(const struct fb_reader *r)
{
	return r->name;
}

uint64_t
fb_reader_raw_offset(const struct fb_reader *r)
{
	z_off_t at = gzoffset(r->gz);

	/* a pipe cannot tell: what came out of it is the next best */
	return at >= 0 ? (uint64_t)at : r->offset;
}

/* Returns the bytes read, 0 at the end, -1 with 'err' set. */
static int
refill(struct fb_reader *r, struct fb_error *err)
{
	int n, errnum;
	const char *msg;

	if (r->pending[0] != '\0')
		return fb_error_set(err, "%s", r->pending);
	if (r->eof)
		return 0;
	r->pos = r->len = 0;
	n = gzread(r->gz, r->buf, READ_CHUNK);
	msg = gzerror(r->gz, &errnum);
	if (errnum != Z_OK && errnum != Z_STREAM_END) {
		/* zlib names the descriptor ("<fd:3>: ..."); we name the file. */
		if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ") != NULL)
			msg = strstr(msg, ": ") + 2;
		snprintf(r->pending, sizeof(r->pending), "cannot read '%s': %s",
		    r->name, errnum == Z_ERRNO ? strerror(errno) : msg);
		/* Hand out what came before the damage first. */
		if (n <= 0)
			return fb_error_set(err, "%s", r->pending);
	}
	if (n <= 0) {
		r->eof = 1;
		return 0;
	}
	r->len = (size_t)n;
	return n;
}

static int
append_line(struct fb_reader *r, const char *p, size_t n, struct fb_error *err)
{
	if (r->line_len + n + 1 > r->line_cap) {
		size_t ncap = (r->line_len + n + 1) * 2;
		char *q;

		if (ncap > r->max_line + 1)
			ncap = r->max_line + 1;
		if ((q = realloc(r->line, ncap)) == NULL)
			return fb_error_set(err, "out of memory");
		r->line = q;
		r->line_cap = ncap;
	}
	memcpy(r->line + r->line_len, p, n);
	r->line_len += n;
	r->line[r->line_len] = '\0';
	return 0;
}

static int
finish(struct fb_reader *r, struct fb_line *line, char *data, size_t len,
    enum fb_line_status status)
{
	r->lineno++;
	line->data = data;
	line->raw_len = len;
	if (status == FB_LINE_OK && len > 0 && data[len - 1] == '\r')
		len--;
	line->len = len;
	line->status = status;
	line->pos.file = r->name;
	line->pos.line = r->lineno;
	return 1;
}

int
fb_reader_next(struct fb_reader *r, struct fb_line *line, struct fb_error *err)
{
	if (r->in_long && fb_reader_rest(r, NULL, NULL, err) < 0)
		return -1;
	r->line_len = 0;
	for (;;) {
		char *start, *nl;
		size_t avail, take;

		if (r->pos == r->len) {
			int n = refill(r, err);

			if (n < 0)
				return -1;
			if (n == 0) {
				if (r->line_len == 0)
					return 0;
				return finish(r, line, r->line, r->line_len,
				    FB_LINE_OK);
			}
		}
		start = r->buf + r->pos;
		avail = r->len - r->pos;
		nl = memchr(start, '\n', avail);
		take = nl ? (size_t)(nl - start) : avail;
		if (r->line_len + take > r->max_line) {
			size_t fit = r->max_line - r->line_len;

			if (append_line(r, start, fit, err) < 0)
				return -1;
			r->pos += fit;
			r->offset += fit;
			r->in_long = 1;
			return finish(r, line, r->line, r->line_len,
			    FB_LINE_TOO_LONG);
		}
		if (nl != NULL && r->line_len == 0) {
			*nl = '\0';
			r->pos += take + 1;
			r->offset += take + 1;
			return finish(r, line, start, take, FB_LINE_OK);
		}
		if (append_line(r, start, take, err) < 0)
			return -1;
		r->pos += take;
		r->offset += take;
		if (nl != NULL) {
			r->pos++;
			r->offset++;
			return finish(r, line, r->line, r->line_len, FB_LINE_OK);
		}
	}
}

int
fb_reader_rest(struct fb_reader *r,
    int (*sink)(void *arg, const char *data, size_t len), void *arg,
    struct fb_error *err)
{
	while (r->in_long) {
		char *start, *nl;
		size_t take;

		if (r->pos == r->len) {
			int n = refill(r, err);

			if (n < 0)
				return -1;
			if (n == 0) {
				r->in_long = 0;
				break;
			}
		}
		start = r->buf + r->pos;
		nl = memchr(start, '\n', r->len - r->pos);
		take = nl ? (size_t)(nl - start) : r->len - r->pos;
		if (sink != NULL && take > 0 && sink(arg, start, take) < 0)
			return fb_error_set(err, "cannot copy the rest of line %lu",
			    r->lineno);
		r->pos += take;
		r->offset += take;
		if (nl != NULL) {
			r->pos++;
			r->offset++;
			r->in_long = 0;
		}
	}
	return 0;
}
