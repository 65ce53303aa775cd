/*
 * fb_store_cat.c: reading the store back in time order, a k-way merge of
 * the segments that overlap the window (see fb_store.c for the layout).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "fb_store_int.h"

/* A line of an unsorted open segment: 24 bytes, the text stays on disk. */
struct table_line {
	fb_time_t ts;
	uint64_t off;		/* also its order of arrival */
	uint32_t len;
};

static int
by_ts_off(const void *a, const void *b)
{
	const struct table_line *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

/* One input of the time-ordered merge in fb_store_cat(). */
struct src {
	uint32_t seq;
	const char *name;
	fb_time_t min;		/* its first time, to start it no earlier */
	int fd;			/* the open segment's, held from the snapshot */
	uint64_t limit;		/* read no line that ends past this offset */
	uint64_t size;		/* of the file, for progress */
	struct fb_reader *r;	/* streaming: a sealed or sorted open segment */
	struct table_line *ol;	/* or an unsorted open segment's lines, sorted */
	size_t nol, pos;
	char *buf;		/* the line read back from 'fd' */
	size_t bufcap;
	/* the current record */
	fb_time_t ts;
	uint64_t ord;
	const char *line;
	size_t len;
};

const struct fb_read_watch *fb_read_watch;

struct cat {
	struct fb_store *st;
	fb_time_t since, until;
	int damaged;
};

/* Reads the next record of 's' from its sorted line table; 1, or 0 when done. */
static int
src_next_table(struct cat *c, struct src *s)
{
	while (s->pos < s->nol) {
		struct table_line *l = &s->ol[s->pos++];
		ssize_t n;

		if (l->ts < c->since || l->ts >= c->until)
			continue;
		if (l->len + 1 > s->bufcap) {
			char *p = realloc(s->buf, l->len + 1);

			if (p == NULL) {
				fb_store_note(c->st, s->name, "out of memory");
				c->damaged = 1;
				return 0;
			}
			s->buf = p;
			s->bufcap = l->len + 1;
		}
		n = pread(s->fd, s->buf, l->len, (off_t)l->off);
		if (n != (ssize_t)l->len) {
			fb_store_note(c->st, s->name, "cannot read: %s",
			    n < 0 ? strerror(errno) : "file shrank");
			c->damaged = 1;
			return 0;
		}
		s->ts = l->ts;
		s->ord = l->off;
		s->line = s->buf;
		s->len = l->len;
		return 1;
	}
	return 0;
}

/* Advances 's' to its next record in the window; returns 1, or 0 when done. */
static int
src_next(struct cat *c, struct src *s)
{
	struct fb_error err;
	struct fb_line line;
	int n;

	if (s->ol != NULL)
		return src_next_table(c, s);
	if (s->r == NULL)
		return 0;
	while ((n = fb_reader_next(s->r, &line, &err)) > 0) {
		fb_time_t ts;

		if (fb_reader_offset(s->r) > s->limit)
			break;
		if (line.len == 0)
			continue;
		if (line.status != FB_LINE_OK ||
		    fb_store_line_ts(c->st, line.data, line.len, &ts) < 0) {
			fb_store_note(c->st, s->name, "line %lu is not a record with a "
			    "valid ts", line.pos.line);
			c->damaged = 1;
			continue;
		}
		if (ts < c->since)
			continue;
		/* Segments read this way are sorted: nothing later is in the window. */
		if (ts >= c->until)
			break;
		s->ts = ts;
		s->ord = line.pos.line;
		s->line = line.data;
		s->len = line.len;
		return 1;
	}
	if (n < 0) {
		fb_store_note(c->st, s->name, "%s", err.msg);
		c->damaged = 1;
	}
	if (fb_read_watch != NULL)
		fb_read_watch->done(s->r, s->size);
	fb_reader_close(s->r);
	s->r = NULL;
	return 0;
}

/*
 * Inflates all of sealed segment 'fd' to check its CRC and length, then
 * rewinds it; returns 0, or -1 with the damage in 'err'.  gzip checks a
 * member only at its end, and a flipped bit in the middle mostly yields
 * lines that still parse but are not what was stored: cat must not print
 * a record of a segment it has not found whole.
 */
static int
check_sealed(int fd, const char *name, struct fb_error *err)
{
	enum { IN_SIZE = 64 * 1024, OUT_SIZE = 256 * 1024 };
	unsigned char *in, *out;
	z_stream zs;
	ssize_t n;
	int rc = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if ((in = malloc(IN_SIZE + OUT_SIZE)) == NULL ||
	    inflateInit2(&zs, 15 + 16) != Z_OK) {
		free(in);
		return fb_error_set(err, "out of memory");
	}
	out = in + IN_SIZE;
	for (;;) {
		if (zs.avail_in == 0) {
			n = read(fd, in, IN_SIZE);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				fb_error_set(err, "cannot read '%s': %s", name,
				    strerror(errno));
				rc = Z_ERRNO;
				break;
			}
			if (n == 0)
				break;
			zs.next_in = in;
			zs.avail_in = (uInt)n;
		}
		/* Members may follow one another, as zcat reads them. */
		if (rc == Z_STREAM_END)
			inflateReset(&zs);
		zs.next_out = out;
		zs.avail_out = OUT_SIZE;
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			fb_error_set(err, "damaged gzip data (%s)",
			    zs.msg != NULL ? zs.msg : "inflate failed");
			rc = Z_DATA_ERROR;
			break;
		}
	}
	inflateEnd(&zs);
	free(in);
	if (rc == Z_ERRNO || rc == Z_DATA_ERROR)
		return -1;
	if (rc != Z_STREAM_END)
		return fb_error_set(err, "damaged gzip data (unexpected end "
		    "of file)");
	if (lseek(fd, 0, SEEK_SET) < 0)
		return fb_error_set(err, "cannot read '%s': %s", name,
		    strerror(errno));
	return 0;
}

/*
 * Opens 's' when the merge reaches it: sealed segments are opened only
 * then, so the number of open files follows the segments that overlap in
 * time, not the length of the window.
 */
static int
src_start(struct cat *c, struct src *s)
{
	struct fb_error err;
	int fd = s->fd;

	if (s->ol != NULL) {
		/* read whole already, to sort it */
		if (fb_read_watch != NULL) {
			fb_read_watch->open(s->name, NULL);
			fb_read_watch->done(NULL, s->size);
		}
		return src_next(c, s);
	}
	if (fd < 0 && (fd = openat(c->st->dirfd, s->name, O_RDONLY |
	    O_CLOEXEC)) < 0) {
		fb_store_note(c->st, s->name, "cannot open: %s%s", strerror(errno),
		    errno == ENOENT ? " (pruned or repaired meanwhile?)" : "");
		c->damaged = 1;
		return 0;
	}
	/*
	 * Only a sealed segment is opened here; the open one is held
	 * already.
	 */
	if (s->fd < 0 && check_sealed(fd, s->name, &err) < 0) {
		fb_store_note(c->st, s->name, "%s: none of its records "
		    "written; run 'fb-store verify --repair'", err.msg);
		close(fd);
		c->damaged = 1;
		return 0;
	}
	s->fd = -1;
	if ((s->r = fb_reader_fdopen(fd, s->name, STORED_LINE_MAX, &err)) == NULL) {
		fb_store_note(c->st, s->name, "%s", err.msg);
		c->damaged = 1;
		return 0;
	}
	if (fb_read_watch != NULL)
		fb_read_watch->open(s->name, s->r);
	return src_next(c, s);
}

static int
src_less(const struct src *a, const struct src *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (a->seq != b->seq)
		return a->seq < b->seq;
	return a->ord < b->ord;
}

static void
heap_push(struct src **heap, size_t *n, struct src *s)
{
	size_t i = (*n)++;

	while (i > 0 && src_less(s, heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = s;
}

static struct src *
heap_pop(struct src **heap, size_t *n)
{
	struct src *top = heap[0], *last = heap[--(*n)];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= *n)
			break;
		if (l + 1 < *n && src_less(heap[l + 1], heap[l]))
			m = l + 1;
		if (!src_less(heap[m], last))
			break;
		heap[i] = heap[m];
		i = m;
	}
	if (*n > 0)
		heap[i] = last;
	return top;
}

static int
by_min(const void *a, const void *b)
{
	const struct src *x = a, *y = b;

	if (x->min != y->min)
		return x->min < y->min ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Reads the times and places of the open segment's lines for sorting:
 * 24 bytes a record, the text stays on disk.  Returns 0 or -1.
 */
static int
table_lines(struct fb_store *st, struct src *s, size_t expect, int *damaged,
    struct fb_error *err)
{
	struct fb_reader *r;
	struct fb_line line;
	size_t cap = expect;
	int fd, n, bad = 0;

	if (cap > 0 && (s->ol = malloc(cap * sizeof(*s->ol))) == NULL)
		return fb_error_set(err, "out of memory");
	if ((fd = openat(st->dirfd, s->name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", s->name,
		    strerror(errno));
	if ((r = fb_reader_fdopen(fd, s->name, STORED_LINE_MAX, err)) == NULL)
		return -1;
	while ((n = fb_reader_next(r, &line, err)) > 0) {
		uint64_t end = fb_reader_offset(r);
		fb_time_t ts;

		if (end > s->limit)
			break;
		if (line.len == 0)
			continue;
		if (fb_store_line_ts(st, line.data, line.len, &ts) < 0) {
			bad++;
			continue;
		}
		if (s->nol == cap) {
			struct table_line *q;

			cap = cap ? cap * 2 : 1024;
			if ((q = realloc(s->ol, cap * sizeof(*q))) == NULL) {
				fb_reader_close(r);
				return fb_error_set(err, "out of memory");
			}
			s->ol = q;
		}
		/* Every line here ends in '\n' (the limit says so). */
		if (line.len > UINT32_MAX) {
			bad++;
			continue;
		}
		s->ol[s->nol].ts = ts;
		s->ol[s->nol].off = end - line.raw_len - 1;
		s->ol[s->nol].len = (uint32_t)line.len;
		s->nol++;
	}
	fb_reader_close(r);
	if (n < 0)
		return -1;
	if (bad > 0) {
		fb_store_note(st, s->name, "%d lines that are not records with a valid ts "
		    "were skipped", bad);
		*damaged = 1;
	}
	if (s->nol > 1)
		qsort(s->ol, s->nol, sizeof(*s->ol), by_ts_off);
	if (s->ol == NULL)
		s->ol = malloc(sizeof(*s->ol));	/* marks the table mode */
	s->min = s->nol ? s->ol[0].ts : FB_TIME_MAX;
	return s->ol == NULL ? fb_error_set(err, "out of memory") : 0;
}

/*
 * Sets up the open segment as a source of the merge, up to its last
 * complete line, holding it open so a seal cannot take it away.  Appends
 * are usually in time order: then it is streamed like a sealed segment;
 * otherwise a table of its lines' times and offsets is sorted and the
 * lines are read back one by one.  Returns 1, 0 when there is nothing to
 * read, or -1.
 */
static int
open_source(struct fb_store *st, const struct seg *op, struct src *s,
    int *damaged, struct fb_error *err)
{
	struct fb_reader *r;
	struct fb_line line;
	fb_time_t prev = FB_TIME_MIN, first = FB_TIME_MAX, ts;
	struct stat sb;
	int64_t limit;
	size_t nlines = 0;
	int fd, fd1, sorted = 1;

	if ((fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;	/* sealed meanwhile: its segment was listed too late */
	if (fstat(fd, &sb) < 0 || (limit = fb_store_complete_end(fd, (uint64_t)sb.st_size)) < 0) {
		close(fd);
		return fb_error_set(err, "cannot read '%s': %s", op->name,
		    strerror(errno));
	}
	if ((fd1 = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (r = fb_reader_fdopen(fd1, op->name, STORED_LINE_MAX, err)) == NULL) {
		close(fd);
		return fd1 < 0 ? fb_error_set(err, "cannot open '%s': %s",
		    op->name, strerror(errno)) : -1;
	}
	/* Counting on past the first disorder sizes the table exactly. */
	while (fb_reader_next(r, &line, err) > 0 &&
	    fb_reader_offset(r) <= (uint64_t)limit) {
		if (line.len == 0)
			continue;
		nlines++;
		if (!sorted || fb_store_line_ts(st, line.data, line.len, &ts) < 0)
			continue;
		if (ts < prev)
			sorted = 0;
		if (first == FB_TIME_MAX)
			first = ts;
		prev = ts;
	}
	fb_reader_close(r);
	s->seq = op->seq;
	s->name = op->name;
	s->fd = fd;
	s->limit = (uint64_t)limit;
	s->min = first;
	if (!sorted && table_lines(st, s, nlines, damaged, err) < 0)
		return -1;
	return 1;
}

int
fb_store_cat(struct fb_store *st, fb_time_t since, fb_time_t until,
    int (*fn)(void *arg, const char *line, size_t len), void *arg,
    struct fb_error *err)
{
	struct cat c = { st, since, until, 0 };
	struct src *srcs = NULL, **heap = NULL;
	size_t nsrc = 0, nheap = 0, next = 0, nalloc = 0, k;
	int rc = -1;

	/*
	 * Under the shared lock, pick the segments of the window from their
	 * names and headers, and take hold of the open segment up to its
	 * last complete line.
	 */
	if (fb_store_lock(st, LOCK_SH, err) < 0)
		return -1;
	if (fb_store_list(st, err) < 0)
		goto out_unlock;
	srcs = calloc(st->nsegs + 1, sizeof(*srcs));
	heap = calloc(st->nsegs + 1, sizeof(*heap));
	if (srcs == NULL || heap == NULL) {
		fb_error_set(err, "out of memory");
		goto out_unlock;
	}
	nalloc = st->nsegs + 1;
	for (k = 0; k < nalloc; k++)
		srcs[k].fd = -1;
	for (k = 0; k < st->nsegs; k++) {
		struct seg *sg = &st->segs[k];
		struct fb_error herr;

		/* The name gives the first time: later segments are out by name alone. */
		if (sg->first >= until)
			continue;
		if (fb_store_read_header(st, sg, -1, &herr) < 0) {
			fb_store_note(st, sg->name, "%s", herr.msg);
			c.damaged = 1;
			continue;
		}
		if (sg->max < since || sg->min >= until)
			continue;
		srcs[nsrc].seq = sg->seq;
		srcs[nsrc].name = sg->name;
		srcs[nsrc].min = sg->min;
		srcs[nsrc++].limit = UINT64_MAX;
	}
	if (st->nopens > 0) {
		int r = open_source(st, &st->opens[st->nopens - 1], &srcs[nsrc],
		    &c.damaged, err);

		if (r < 0)
			goto out_unlock;
		nsrc += (size_t)r;
	}
	fb_store_unlock(st);

	for (k = 0; k < nsrc && fb_read_watch != NULL; k++) {
		struct stat sb;

		if (srcs[k].limit != UINT64_MAX)
			srcs[k].size = srcs[k].limit;
		else if (fstatat(st->dirfd, srcs[k].name, &sb, 0) == 0)
			srcs[k].size = (uint64_t)sb.st_size;
		fb_read_watch->input(srcs[k].size);
	}
	if (nsrc > 1)
		qsort(srcs, nsrc, sizeof(*srcs), by_min);
	/*
	 * A k-way merge that starts a segment only once the output reaches
	 * its first time, so memory and open files follow the segments that
	 * overlap, not the size of the store.
	 */
	for (;;) {
		struct src *s;

		while (next < nsrc && (nheap == 0 ||
		    srcs[next].min <= heap[0]->ts)) {
			if (src_start(&c, &srcs[next]))
				heap_push(heap, &nheap, &srcs[next]);
			next++;
		}
		if (nheap == 0)
			break;
		s = heap_pop(heap, &nheap);
		if (fb_read_watch != NULL)
			fb_read_watch->record();
		if (fn(arg, s->line, s->len) < 0) {
			fb_error_set(err, "stopped by the reader");
			goto out;
		}
		if (src_next(&c, s))
			heap_push(heap, &nheap, s);
	}
	rc = c.damaged;
	goto out;
out_unlock:
	fb_store_unlock(st);
out:
	for (k = 0; k < nalloc; k++) {
		if (srcs[k].r != NULL && fb_read_watch != NULL)
			fb_read_watch->done(srcs[k].r, 0);
		if (srcs[k].r != NULL)
			fb_reader_close(srcs[k].r);
		if (srcs[k].fd >= 0)
			close(srcs[k].fd);
		free(srcs[k].ol);
		free(srcs[k].buf);
	}
	free(srcs);
	free(heap);
	return rc;
}
