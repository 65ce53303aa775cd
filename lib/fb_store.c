/*
 * fb_store.c: the gzip-rotated log store (DESIGN.md 4).
 *
 * A store is a directory:
 *
 *   lock                                 flock(2): writers exclusive, readers shared
 *   open-<seq>-<created>.ndjson          the open segment, appended and fsynced
 *   feedback-<first-ts>-<seq>.ndjson.gz  sealed segments, sorted by ts, plain gzip
 *   ids.idx                              the id index (fb_store_idx.c)
 *   quarantine/                          torn tails and damaged segments, kept
 *
 * Writers append in batches under the lock: data is written and fsynced,
 * then the index learns the batch.  Sealing writes the sorted gzip file
 * under a temporary name, fsyncs it, renames it into place and only then
 * removes the open segment, so every crash leaves either the open segment
 * or its sealed copy (or both, which the next writer resolves).  A sealed
 * segment's gzip header comment carries its time range and record count,
 * so readers skip segments outside a window without inflating them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "fb_store_int.h"

#define QUEUE_BYTES (4 * 1024 * 1024)	/* records written per lock */

void
fb_store_note(struct fb_store *st, const char *name, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (st->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st->note(st->note_arg, name, msg);
}

/*---- Keys and times of stored lines ----*/

struct fb_key
fb_store_key(struct fb_rec *rec)
{
	struct fb_span v;
	uint64_t h[2];
	char small[512], *buf = small;
	const char *id;
	long n;

	/*
	 * Feedback items are known by their id; events and alerts share
	 * their feedback's id, so only an identical line is a duplicate.
	 * A decoded string is never longer than its JSON text.
	 */
	if (!fb_rec_raw(rec, "type", &v) && fb_rec_raw(rec, "id", &v) &&
	    (v.len <= sizeof(small) || (buf = malloc(v.len)) != NULL) &&
	    (n = fb_json_string(v, buf, v.len, &id)) >= 0) {
		struct fb_key k = fb_store_id_key(id, (size_t)n);

		if (buf != small)
			free(buf);
		return k;
	}
	if (buf != small)
		free(buf);
	fb_hash128(rec->line, rec->len, 2, h);
	return (struct fb_key){ h[0], (uint32_t)h[1] };
}

struct fb_key
fb_store_id_key(const char *id, size_t len)
{
	uint64_t h[2];

	fb_hash128(id, len, 1, h);
	return (struct fb_key){ h[0], (uint32_t)h[1] };
}

static int has_key(struct fb_store *st, struct fb_key k, struct fb_error *err);

int
fb_store_has_id(struct fb_store *st, const char *id, size_t len,
    struct fb_error *err)
{
	return has_key(st, fb_store_id_key(id, len), err);
}

int
fb_store_has_record(struct fb_store *st, struct fb_rec *rec,
    struct fb_error *err)
{
	return has_key(st, fb_store_key(rec), err);
}

static int
has_key(struct fb_store *st, struct fb_key k, struct fb_error *err)
{
	if (!st->idx_open) {
		int rc;

		if (fb_store_lock(st, LOCK_SH, err) < 0)
			return -1;
		/* A store that never took a record has no index yet. */
		if (faccessat(st->dirfd, FB_IDX_NAME, F_OK, 0) < 0 &&
		    errno == ENOENT) {
			fb_store_unlock(st);
			return 0;
		}
		rc = fb_idx_open_ro(&st->idx, st->dirfd, err);
		fb_store_unlock(st);
		if (rc < 0)
			return -1;
		st->idx_open = 1;
	}
	return fb_idx_has(&st->idx, k);
}

/* The ts of a stored line; returns 0, or -1 when the line is not a record with one. */
int
fb_store_line_ts(struct fb_store *st, const char *line, size_t len, fb_time_t *ts)
{
	struct fb_span v;
	char buf[64];
	const char *s;
	long n;

	if (fb_rec_parse(&st->rec, line, len, NULL) < 0 ||
	    !fb_rec_raw(&st->rec, "ts", &v) ||
	    (n = fb_json_string(v, buf, sizeof(buf), &s)) < 0 ||
	    fb_time_parse_rfc3339(s, (size_t)n, ts) < 0)
		return -1;
	return 0;
}

static struct fb_key
line_key(struct fb_store *st, const char *line, size_t len)
{
	uint64_t h[2];

	if (fb_rec_parse(&st->rec, line, len, NULL) == 0)
		return fb_store_key(&st->rec);
	fb_hash128(line, len, 2, h);
	return (struct fb_key){ h[0], (uint32_t)h[1] };
}

/*---- Files ----*/

/* Reads bytes [off, off+len) of 'fd' into a new buffer (NUL-terminated). */
char *
fb_store_read_range(int fd, uint64_t off, size_t len, struct fb_error *err)
{
	char *buf = malloc(len + 1);
	size_t got = 0;

	if (buf == NULL) {
		fb_error_set(err, "out of memory");
		return NULL;
	}
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fb_error_set(err, "cannot read the open segment: %s",
			    n < 0 ? strerror(errno) : "file shrank");
			free(buf);
			return NULL;
		}
		got += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

int
fb_store_ensure_quarantine(struct fb_store *st, struct fb_error *err)
{
	if (mkdirat(st->dirfd, QUARANTINE, FB_STORE_DIR_MODE) < 0 &&
	    errno != EEXIST)
		return fb_error_set(err, "cannot create '%s/%s': %s", st->dir,
		    QUARANTINE, strerror(errno));
	return 0;
}

/* Writes 'data' to quarantine/<name> durably. */
static int
quarantine_bytes(struct fb_store *st, const char *name, const char *data,
    size_t len, struct fb_error *err)
{
	char path[256];
	int fd;

	if (fb_store_ensure_quarantine(st, err) < 0)
		return -1;
	snprintf(path, sizeof(path), QUARANTINE "/%s", name);
	fd = openat(st->dirfd, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    FB_STORE_FILE_MODE);
	if (fd < 0 || fb_write_all(fd, data, len) < 0 ||
	    fsync(fd) < 0) {
		fb_error_set(err, "cannot write '%s/%s': %s", st->dir, path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*---- Listing ----*/

static int
parse_seq(const char *s, size_t n, uint32_t *seq)
{
	uint64_t v = 0;
	size_t k;

	if (n == 0 || n > 9)
		return -1;
	for (k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[k] - '0');
	}
	if (v == 0 || v > UINT32_MAX)
		return -1;
	*seq = (uint32_t)v;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* "feedback-20261122T021500Z-00000007.ndjson.gz" */
static int
parse_sealed_name(const char *name, struct seg *sg)
{
	const char *p = name + strlen(SEG_PREFIX), *dash;
	int y, mo, d, h, mi, s;

	if (strncmp(name, SEG_PREFIX, strlen(SEG_PREFIX)) != 0 ||
	    !ends_with(name, SEG_SUFFIX) || strlen(name) >= sizeof(sg->name))
		return -1;
	if (sscanf(p, "%4d%2d%2dT%2d%2d%2dZ-", &y, &mo, &d, &h, &mi, &s) != 6 ||
	    (dash = strchr(p, '-')) == NULL || dash - p != 16)
		return -1;
	memset(sg, 0, sizeof(*sg));
	if (parse_seq(dash + 1, strlen(dash + 1) - strlen(SEG_SUFFIX),
	    &sg->seq) < 0)
		return -1;
	snprintf(sg->name, sizeof(sg->name), "%s", name);
	sg->first = fb_time_from_civil(y, mo, d, h, mi, s, 0);
	return 0;
}

/* "open-00000008-1795313700.ndjson" */
static int
parse_open_name(const char *name, struct seg *sg)
{
	const char *p = name + strlen(OPEN_PREFIX), *dash;
	long long created;
	char *end;

	if (strncmp(name, OPEN_PREFIX, strlen(OPEN_PREFIX)) != 0 ||
	    !ends_with(name, OPEN_SUFFIX) || strlen(name) >= sizeof(sg->name) ||
	    (dash = strchr(p, '-')) == NULL)
		return -1;
	memset(sg, 0, sizeof(*sg));
	if (parse_seq(p, (size_t)(dash - p), &sg->seq) < 0)
		return -1;
	created = strtoll(dash + 1, &end, 10);
	if (strcmp(end, OPEN_SUFFIX) != 0)
		return -1;
	sg->created = created;
	snprintf(sg->name, sizeof(sg->name), "%s", name);
	return 0;
}

static int
push_seg(struct seg **arr, size_t *n, size_t *cap, const struct seg *sg)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct seg *p = realloc(*arr, ncap * sizeof(*p));

		if (p == NULL)
			return -1;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*n)++] = *sg;
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

int
fb_store_list(struct fb_store *st, struct fb_error *err)
{
	struct dirent *de;
	DIR *d;
	size_t k, live;
	int fd;

	st->nsegs = st->nopens = st->nstale = 0;
	st->ntmp = 0;
	st->max_seq = 0;
	if ((fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return fb_error_set(err, "cannot list '%s': %s", st->dir,
		    strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		struct seg sg;
		int rc = 0;

		if (parse_sealed_name(de->d_name, &sg) == 0)
			rc = push_seg(&st->segs, &st->nsegs, &st->segs_cap, &sg);
		else if (parse_open_name(de->d_name, &sg) == 0)
			rc = push_seg(&st->opens, &st->nopens, &st->opens_cap, &sg);
		else {
			if (ends_with(de->d_name, ".tmp"))
				st->ntmp++;
			continue;
		}
		if (rc < 0) {
			closedir(d);
			return fb_error_set(err, "out of memory");
		}
		if (sg.seq > st->max_seq)
			st->max_seq = sg.seq;
	}
	closedir(d);
	if (st->nsegs > 1)
		qsort(st->segs, st->nsegs, sizeof(*st->segs), by_seq);
	if (st->nopens > 1)
		qsort(st->opens, st->nopens, sizeof(*st->opens), by_seq);
	/*
	 * An open segment whose sealed copy exists was sealed by a writer
	 * that died before removing it: readers must not see its records
	 * twice, and the next writer removes it.
	 */
	for (k = 0, live = 0; k < st->nopens; k++) {
		if (fb_store_sealed_by_seq(st, st->opens[k].seq) == NULL)
			st->opens[live++] = st->opens[k];
		else if (push_seg(&st->stale, &st->nstale, &st->stale_cap,
		    &st->opens[k]) < 0)
			return fb_error_set(err, "out of memory");
	}
	st->nopens = live;
	return 0;
}

const struct seg *
fb_store_sealed_by_seq(const struct fb_store *st, uint32_t seq)
{
	size_t lo = 0, hi = st->nsegs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->segs[mid].seq == seq)
			return &st->segs[mid];
		if (st->segs[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*---- Sealed segment headers ----*/

/* Reads the time range and count from a sealed segment's gzip header. */
/* The whole of 's' as a count: sscanf's %llu is undefined past its range. */
static int
read_count(const char *s, unsigned long long *n)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*n = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
fb_store_read_header(struct fb_store *st, struct seg *sg, int fd_or_minus1,
    struct fb_error *err)
{
	unsigned char b[1024];
	char comment[256], mn[40], mx[40];
	unsigned long long recs;
	size_t i = 10, k;
	int recs_at = 0;
	ssize_t n;
	int fd = fd_or_minus1;

	if (sg->hdr_ok)
		return 0;
	if (fd < 0 && (fd = openat(st->dirfd, sg->name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", sg->name,
		    strerror(errno));
	n = pread(fd, b, sizeof(b), 0);
	if (fd_or_minus1 < 0)
		close(fd);
	if (n < 10 || b[0] != 0x1f || b[1] != 0x8b || b[2] != 8)
		return fb_error_set(err, "'%s' is not a gzip file", sg->name);
	if (b[3] & 4) {
		if (n < 12)
			return fb_error_set(err, "'%s' has no fb-store header",
			    sg->name);
		i += 2 + (size_t)(b[10] | b[11] << 8);
	}
	if (b[3] & 8)
		while (i < (size_t)n && b[i++] != 0)
			;
	if (!(b[3] & 16) || i >= (size_t)n)
		return fb_error_set(err, "'%s' has no fb-store header", sg->name);
	for (k = 0; i < (size_t)n && b[i] != 0 && k + 1 < sizeof(comment); i++)
		comment[k++] = (char)b[i];
	comment[k] = '\0';
	if (sscanf(comment, HDR_TAG "min=%39s max=%39s records=%n", mn, mx,
	    &recs_at) != 2 || recs_at == 0 ||
	    read_count(comment + recs_at, &recs) < 0 ||
	    fb_time_parse_rfc3339(mn, strlen(mn), &sg->min) < 0 ||
	    fb_time_parse_rfc3339(mx, strlen(mx), &sg->max) < 0 ||
	    sg->min > sg->max)
		return fb_error_set(err, "'%s' has a damaged fb-store header",
		    sg->name);
	sg->records = recs;
	sg->hdr_ok = 1;
	return 0;
}

/*---- Opening and locking ----*/

static int
mkdir_p(const char *dir)
{
	char path[4096];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0777) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, FB_STORE_DIR_MODE) < 0 && errno != EEXIST ? -1 : 0;
}

struct fb_store *
fb_store_open(const char *dir, int flags, const struct fb_store_limits *limits,
    fb_store_note_fn *notefn, void *note_arg, struct fb_error *err)
{
	struct fb_store *st = calloc(1, sizeof(*st));

	if (st == NULL || (st->dir = strdup(dir)) == NULL) {
		free(st);
		fb_error_set(err, "out of memory");
		return NULL;
	}
	st->flags = flags;
	st->note = notefn;
	st->note_arg = note_arg;
	st->lockfd = st->open_fd = -1;
	st->idx.fd = -1;
	st->lim.max_size = 16 * 1024 * 1024;
	st->lim.max_age = 86400 * 1000LL;
	if (limits != NULL)
		st->lim = *limits;
	fb_rec_init(&st->rec);
	if ((flags & FB_STORE_WRITE) && mkdir_p(dir) < 0) {
		fb_error_set(err, "cannot create store '%s': %s", dir,
		    strerror(errno));
		goto fail;
	}
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		if (errno == ENOENT)
			fb_error_set(err, "no store at '%s'", dir);
		else
			fb_error_set(err, "cannot open store '%s': %s", dir,
			    strerror(errno));
		goto fail;
	}
	st->lockfd = openat(st->dirfd, "lock", ((flags & FB_STORE_WRITE) ?
	    O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, FB_STORE_FILE_MODE);
	if (st->lockfd < 0 && ((flags & FB_STORE_WRITE) || errno != ENOENT)) {
		fb_error_set(err, "cannot open '%s/lock': %s", dir,
		    strerror(errno));
		goto fail;
	}
	return st;
fail:
	if (st->dirfd > 0)
		close(st->dirfd);
	fb_rec_release(&st->rec);
	free(st->dir);
	free(st);
	return NULL;
}

int
fb_store_lock(struct fb_store *st, int how, struct fb_error *err)
{
	/*
	 * A reader that found no lock file may have opened the store while a
	 * writer was creating it (fb-ingest --store S | fb-store -s S append
	 * on a new S): look again, so as never to read what is being written.
	 */
	if (st->lockfd < 0)
		st->lockfd = openat(st->dirfd, "lock", O_RDONLY | O_CLOEXEC);
	if (st->lockfd < 0)
		return 0;	/* a read-only store nobody writes to */
	while (flock(st->lockfd, how) < 0)
		if (errno != EINTR)
			return fb_error_set(err, "cannot lock '%s': %s", st->dir,
			    strerror(errno));
	st->locked = how;
	return 0;
}

void
fb_store_unlock(struct fb_store *st)
{
	if (st->open_fd >= 0) {
		close(st->open_fd);
		st->open_fd = -1;
	}
	if (st->locked && st->lockfd >= 0)
		flock(st->lockfd, LOCK_UN);
	st->locked = 0;
}

/*---- Recovery and the index ----*/

static int
index_line(struct fb_store *st, const char *line, size_t len, uint64_t ord,
    void *arg)
{
	uint32_t seq = *(uint32_t *)arg;
	struct fb_error err;

	(void)ord;
	if (fb_idx_add(&st->idx, st->dirfd, line_key(st, line, len), seq,
	    &err) < 0) {
		fb_store_note(st, FB_IDX_NAME, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Calls 'fn' on each complete line of 'buf' [0, len) with its byte offset. */
int
fb_store_each_line(struct fb_store *st, const char *buf, size_t len,
    int (*fn)(struct fb_store *, const char *, size_t, uint64_t, void *),
    void *arg)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl > p && fn(st, p, (size_t)(nl - p), (uint64_t)(p - buf),
		    arg) < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

/* Indexes the open segment from byte 'from' on. */
static int
index_open_from(struct fb_store *st, const struct seg *op, uint64_t from,
    uint64_t size, struct fb_error *err)
{
	uint32_t seq = op->seq;
	char *buf;
	int fd, rc;

	if (from >= size)
		return 0;
	if ((fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", op->name,
		    strerror(errno));
	buf = fb_store_read_range(fd, from, (size_t)(size - from), err);
	close(fd);
	if (buf == NULL)
		return -1;
	rc = fb_store_each_line(st, buf, (size_t)(size - from), index_line, &seq);
	free(buf);
	return rc < 0 ? fb_error_set(err, "cannot index '%s'", op->name) : 0;
}

uint64_t
fb_store_file_size(struct fb_store *st, const char *name)
{
	struct stat sb;

	return fstatat(st->dirfd, name, &sb, 0) == 0 ? (uint64_t)sb.st_size : 0;
}

/* Brings the index up to the data: after a crash it may lag, never lead. */
int
fb_store_catch_up(struct fb_store *st, int rebuild, struct fb_error *err)
{
	struct fb_idx_hdr *h;
	uint32_t wm_seq;
	uint64_t wm_off, count, size = 0;
	const struct seg *op = st->nopens ? &st->opens[st->nopens - 1] : NULL;
	size_t k;

	if (rebuild) {
		uint64_t expect = 0;

		for (k = 0; k < st->nsegs; k++)
			if (fb_store_read_header(st, &st->segs[k], -1, NULL) == 0)
				expect += st->segs[k].records;
		if (fb_idx_rewrite(&st->idx, st->dirfd, expect + 4096, NULL,
		    NULL, err) < 0)
			return -1;
		st->idx.hdr->wm_seq = 0;
		st->idx.hdr->wm_off = 0;
	}
	h = st->idx.hdr;
	wm_seq = h->wm_seq;
	wm_off = h->wm_off;
	count = h->count;
	for (k = 0; k < st->nsegs; k++) {
		uint32_t seq = st->segs[k].seq;

		/* A segment sealed at the watermark was indexed before sealing. */
		if (seq <= wm_seq)
			continue;
		if (fb_store_scan_sealed(st, &st->segs[k], index_line, &seq, err) < 0)
			return -1;
	}
	if (op != NULL) {
		size = fb_store_file_size(st, op->name);
		if (index_open_from(st, op, op->seq == wm_seq ? wm_off : 0, size,
		    err) < 0)
			return -1;
	}
	/* Indexing may have grown the table: it is mapped anew. */
	h = st->idx.hdr;
	/*
	 * Nothing new since the last sync (the usual case: each batch of a
	 * writer starts here): no slot or watermark to write, and msync of
	 * an index of millions of ids is not free even when clean.
	 */
	if (!rebuild && h->count == count && h->next_seq > st->max_seq &&
	    op != NULL && wm_seq == op->seq && wm_off == size)
		return 0;
	if (h->next_seq <= st->max_seq)
		h->next_seq = st->max_seq + 1;
	if (op != NULL)
		return fb_idx_sync(&st->idx, op->seq, size, err);
	return fb_idx_sync(&st->idx, st->max_seq, 0, err);
}

/* The offset just past the last '\n' of the first 'size' bytes of 'fd', or -1. */
int64_t
fb_store_complete_end(int fd, uint64_t size)
{
	uint64_t end = size;

	while (end > 0) {
		char blk[4096], *nl;
		size_t n = end < sizeof(blk) ? (size_t)end : sizeof(blk);

		if (pread(fd, blk, n, (off_t)(end - n)) != (ssize_t)n)
			return -1;
		for (nl = blk + n; nl > blk && nl[-1] != '\n'; nl--)
			;
		if (nl > blk)
			return (int64_t)(end - n + (uint64_t)(nl - blk));
		end -= n;
	}
	return 0;
}

/* Moves an unterminated last line of the open segment to quarantine. */
static int
repair_torn_tail(struct fb_store *st, const struct seg *op,
    struct fb_error *err)
{
	char qname[192], *tail;
	uint64_t size = fb_store_file_size(st, op->name), keep;
	char c;
	int fd;

	if (size == 0)
		return 0;
	if ((fd = openat(st->dirfd, op->name, O_RDWR | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", op->name,
		    strerror(errno));
	if (pread(fd, &c, 1, (off_t)size - 1) != 1) {
		close(fd);
		return fb_error_set(err, "cannot read '%s': %s", op->name,
		    strerror(errno));
	}
	if (c == '\n') {
		close(fd);
		return 0;
	}
	{
		int64_t end = fb_store_complete_end(fd, size);

		if (end < 0) {
			close(fd);
			return fb_error_set(err, "cannot read '%s'", op->name);
		}
		keep = (uint64_t)end;
	}
	if ((tail = fb_store_read_range(fd, keep, (size_t)(size - keep), err)) == NULL) {
		close(fd);
		return -1;
	}
	snprintf(qname, sizeof(qname), "torn-%08u-%llu.ndjson", op->seq,
	    (unsigned long long)keep);
	if (quarantine_bytes(st, qname, tail, (size_t)(size - keep), err) < 0 ||
	    ftruncate(fd, (off_t)keep) < 0 || fsync(fd) < 0) {
		if (err->msg[0] == '\0')
			fb_error_set(err, "cannot truncate '%s': %s", op->name,
			    strerror(errno));
		free(tail);
		close(fd);
		return -1;
	}
	free(tail);
	close(fd);
	fb_store_note(st, NULL, "repaired torn tail of '%s': %llu bytes moved to "
	    QUARANTINE "/%s", op->name, (unsigned long long)(size - keep),
	    qname);
	return 1;
}

/*
 * Puts the store in order after whatever crash came before, under the
 * exclusive lock: leftovers of interrupted seals and index rewrites go,
 * a torn tail goes to quarantine, the index catches up.  Returns the
 * number of repairs made, or -1.
 */
int
fb_store_recover(struct fb_store *st, struct fb_error *err)
{
	int repairs = 0, rc, created;
	size_t k;

	if (fb_store_list(st, err) < 0)
		return -1;
	if (st->ntmp > 0) {
		DIR *d;
		struct dirent *de;
		int fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0 && (d = fdopendir(fd)) != NULL) {
			while ((de = readdir(d)) != NULL)
				if (ends_with(de->d_name, ".tmp") &&
				    unlinkat(st->dirfd, de->d_name, 0) == 0)
					repairs++;
			closedir(d);
		} else if (fd >= 0)
			close(fd);
	}
	/* An open segment whose sealed copy exists was sealed; its removal was lost. */
	for (k = 0; k < st->nstale; k++)
		if (unlinkat(st->dirfd, st->stale[k].name, 0) == 0)
			repairs++;
	if (st->nopens > 0 && (rc = repair_torn_tail(st,
	    &st->opens[st->nopens - 1], err)) != 0) {
		if (rc < 0)
			return -1;
		repairs++;
	}
	/* a repair that does not reach the disk is made again next time */
	(void)fsync(st->dirfd);
	if (st->idx_open && fb_idx_stale(&st->idx, st->dirfd)) {
		fb_idx_close(&st->idx);
		st->idx_open = 0;
	}
	created = 0;
	if (!st->idx_open) {
		if ((created = fb_idx_open(&st->idx, st->dirfd, err)) < 0)
			return -1;
		st->idx_open = 1;
	}
	if (created && (st->nsegs > 0 || st->nopens > 0)) {
		if (fb_store_catch_up(st, 1, err) < 0)
			return -1;
		fb_store_note(st, FB_IDX_NAME, "missing or damaged; rebuilt from the "
		    "segments");
		repairs++;
	} else if (fb_store_catch_up(st, 0, err) < 0)
		return -1;
	/* Only ever one open segment: seal any older ones (a crash in between). */
	while (st->nopens > 1) {
		if (fb_store_seal(st, &st->opens[0], err) < 0)
			return -1;
		if (fb_store_list(st, err) < 0)
			return -1;
	}
	return repairs;
}

int
fb_store_writer_begin(struct fb_store *st, struct fb_error *err)
{
	if (fb_store_lock(st, LOCK_EX, err) < 0)
		return -1;
	if (fb_store_recover(st, err) < 0) {
		fb_store_unlock(st);
		return -1;
	}
	return 0;
}

/*---- Sealing ----*/


int
fb_store_by_ts(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->ord > y->ord) - (x->ord < y->ord);
}

/*
 * The sealed segment's writer.  Sorted lines are gathered into 'in' and
 * handed to deflate a quarter megabyte at a time: two deflate calls per
 * line cost a third again the compression itself.
 */
struct gzw {
	z_stream zs;
	int fd;
	size_t inlen;
	unsigned char in[256 * 1024];
	unsigned char out[256 * 1024];
};

static int
gzw_feed(struct gzw *g, const void *data, size_t len, int flush)
{
	g->zs.next_in = (unsigned char *)(uintptr_t)data;
	g->zs.avail_in = (uInt)len;
	do {
		int rc;

		g->zs.next_out = g->out;
		g->zs.avail_out = sizeof(g->out);
		rc = deflate(&g->zs, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (fb_write_all(g->fd, (char *)g->out,
		    sizeof(g->out) - g->zs.avail_out) < 0)
			return -1;
	} while (g->zs.avail_out == 0 || (flush == Z_FINISH &&
	    g->zs.avail_in > 0));
	return 0;
}

/* Adds 'len' bytes to the segment, compressing whenever 'in' fills. */
static int
gzw_add(struct gzw *g, const char *data, size_t len)
{
	while (len > 0) {
		size_t n = sizeof(g->in) - g->inlen;

		if (n > len)
			n = len;
		memcpy(g->in + g->inlen, data, n);
		g->inlen += n;
		data += n;
		len -= n;
		if (g->inlen == sizeof(g->in)) {
			if (gzw_feed(g, g->in, g->inlen, Z_NO_FLUSH) < 0)
				return -1;
			g->inlen = 0;
		}
	}
	return 0;
}

/*
 * Writes 'lines' of 'buf' (sorted) as sealed segment 'seq' and returns its
 * name in 'name'.  The file appears under its final name only complete
 * and synced.
 */
int
fb_store_write_sealed(struct fb_store *st, uint32_t seq, const char *buf,
    const struct line_ref *lines, size_t n, char name[128],
    struct fb_error *err)
{
	char first[FB_TIME_BUFSZ], mn[FB_TIME_BUFSZ], mx[FB_TIME_BUFSZ];
	char comment[160], tmp[160];
	struct gzw *g;
	gz_header h;
	size_t k;
	int rc = -1;

	fb_time_format_compact(lines[0].ts, first);
	snprintf(name, 128, SEG_PREFIX "%s-%08u" SEG_SUFFIX, first, seq);
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fb_time_format(lines[0].ts, mn);
	fb_time_format(lines[n - 1].ts, mx);
	snprintf(comment, sizeof(comment), HDR_TAG "min=%s max=%s records=%zu",
	    mn, mx, n);
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return fb_error_set(err, "out of memory");
	g->fd = openat(st->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    FB_STORE_FILE_MODE);
	if (g->fd < 0) {
		fb_error_set(err, "cannot create '%s': %s", tmp, strerror(errno));
		free(g);
		return -1;
	}
	if (deflateInit2(&g->zs, st->lim.level > 0 ? st->lim.level :
	    FB_STORE_LEVEL, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		fb_error_set(err, "cannot start gzip: out of memory");
		close(g->fd);
		free(g);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.os = 3;	/* Unix */
	h.comment = (unsigned char *)comment;
	deflateSetHeader(&g->zs, &h);
	for (k = 0; k < n; k++)
		if (gzw_add(g, buf + lines[k].off, lines[k].len) < 0 ||
		    gzw_add(g, "\n", 1) < 0)
			goto out;
	if (gzw_feed(g, g->in, g->inlen, Z_FINISH) < 0 || fsync(g->fd) < 0)
		goto out;
	if (close(g->fd) < 0) {
		g->fd = -1;
		goto out;
	}
	g->fd = -1;
	if (renameat(st->dirfd, tmp, st->dirfd, name) < 0 || fsync(st->dirfd) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		fb_error_set(err, "cannot write '%s/%s': %s", st->dir, tmp,
		    strerror(errno));
		unlinkat(st->dirfd, tmp, 0);
	}
	if (g->fd >= 0)
		close(g->fd);
	deflateEnd(&g->zs);
	free(g);
	return rc;
}

/*
 * Splits 'buf' into lines with their times; lines that are not records
 * with a ts are appended to 'bad' (as text) when it is not NULL.
 */
struct line_ref *
fb_store_index_lines(struct fb_store *st, const char *buf, size_t len, size_t *nlines,
    char **bad, size_t *badlen, struct fb_error *err)
{
	struct line_ref *lines = NULL;
	size_t n = 0, cap = 0, ord = 0;
	const char *p = buf, *end = buf + len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		size_t l = (size_t)(nl - p);
		fb_time_t ts;

		if (l > 0 && fb_store_line_ts(st, p, l, &ts) == 0) {
			if (n == cap) {
				struct line_ref *q;

				cap = cap ? cap * 2 : 1024;
				if ((q = realloc(lines, cap * sizeof(*q))) == NULL)
					goto oom;
				lines = q;
			}
			lines[n++] = (struct line_ref){ ts, (size_t)(p - buf), l, ord };
		} else if (l > 0 && bad != NULL) {
			char *q = realloc(*bad, *badlen + l + 1);

			if (q == NULL)
				goto oom;
			memcpy(q + *badlen, p, l);
			q[*badlen + l] = '\n';
			*bad = q;
			*badlen += l + 1;
		}
		ord++;
		p = nl + 1;
	}
	*nlines = n;
	return lines;
oom:
	free(lines);
	fb_error_set(err, "out of memory");
	*nlines = (size_t)-1;
	return NULL;
}

int
fb_store_seal(struct fb_store *st, const struct seg *op, struct fb_error *err)
{
	struct line_ref *lines;
	char name[128], *buf, *bad = NULL;
	size_t n, badlen = 0;
	uint64_t size = fb_store_file_size(st, op->name);
	int fd, rc = 0;

	if ((fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", op->name,
		    strerror(errno));
	buf = fb_store_read_range(fd, 0, (size_t)size, err);
	close(fd);
	if (buf == NULL)
		return -1;
	lines = fb_store_index_lines(st, buf, (size_t)size, &n, &bad, &badlen, err);
	if (n == (size_t)-1) {
		free(buf);
		free(bad);
		return -1;
	}
	if (badlen > 0) {
		char qname[160];

		snprintf(qname, sizeof(qname), "bad-%08u.ndjson", op->seq);
		if (quarantine_bytes(st, qname, bad, badlen, err) < 0)
			rc = -1;
		else
			fb_store_note(st, op->name, "lines without a valid ts moved to "
			    QUARANTINE "/%s", qname);
	}
	if (rc == 0 && n > 0) {
		qsort(lines, n, sizeof(*lines), fb_store_by_ts);
		rc = fb_store_write_sealed(st, op->seq, buf, lines, n, name, err);
	}
	if (rc == 0 && (unlinkat(st->dirfd, op->name, 0) < 0 ||
	    fsync(st->dirfd) < 0))
		rc = fb_error_set(err, "cannot remove '%s': %s", op->name,
		    strerror(errno));
	free(lines);
	free(buf);
	free(bad);
	return rc;
}

/*---- Appending ----*/

int
fb_store_append(struct fb_store *st, struct fb_rec *rec, struct fb_error *err)
{
	struct fb_span v;
	struct queued *q;
	char buf[64];
	const char *ts;
	fb_time_t t;
	long n;

	/* Sealing sorts by ts: a record without one cannot be placed. */
	if (!fb_rec_raw(rec, "ts", &v)) {
		fb_error_set(err, "field 'ts' is missing");
		return 0;
	}
	if ((n = fb_json_string(v, buf, sizeof(buf), &ts)) < 0 ||
	    fb_time_parse_rfc3339(ts, (size_t)n, &t) < 0) {
		fb_error_set(err, "field 'ts' is not a valid time");
		return 0;
	}
	if (st->qlen + rec->len + 1 > st->qcap) {
		size_t ncap = (st->qlen + rec->len + 1) * 2;
		char *p;

		if (ncap < QUEUE_BYTES * 2)
			ncap = QUEUE_BYTES * 2;
		if ((p = realloc(st->qbuf, ncap)) == NULL)
			return fb_error_set(err, "out of memory");
		st->qbuf = p;
		st->qcap = ncap;
	}
	if (st->nq == st->nq_cap) {
		size_t ncap = st->nq_cap ? st->nq_cap * 2 : 4096;

		if ((q = realloc(st->q, ncap * sizeof(*q))) == NULL)
			return fb_error_set(err, "out of memory");
		st->q = q;
		st->nq_cap = ncap;
	}
	q = &st->q[st->nq++];
	q->off = st->qlen;
	q->len = rec->len + 1;
	q->key = fb_store_key(rec);
	memcpy(st->qbuf + st->qlen, rec->line, rec->len);
	st->qbuf[st->qlen + rec->len] = '\n';
	st->qlen += rec->len + 1;
	/* Small segments get small batches, so no segment outgrows its limit by much. */
	if (st->qlen >= QUEUE_BYTES || st->qlen >= st->lim.max_size)
		return fb_store_commit(st, err) < 0 ? -1 : 1;
	return 1;
}

/* A set of the keys in one batch, to drop duplicates within it. */
struct keyset {
	struct fb_key *slots;
	uint8_t *used;
	size_t mask;
};

static int
keyset_add(struct keyset *ks, struct fb_key k)
{
	size_t i = (size_t)k.h1 & ks->mask;

	while (ks->used[i]) {
		if (ks->slots[i].h1 == k.h1 && ks->slots[i].h2 == k.h2)
			return 0;
		i = (i + 1) & ks->mask;
	}
	ks->used[i] = 1;
	ks->slots[i] = k;
	return 1;
}

static int
open_segment(struct fb_store *st, struct fb_error *err)
{
	struct seg sg;
	uint32_t seq;

	if (st->nopens > 0) {
		const struct seg *op = &st->opens[st->nopens - 1];

		st->open_fd = openat(st->dirfd, op->name,
		    O_WRONLY | O_APPEND | O_CLOEXEC);
		if (st->open_fd < 0)
			return fb_error_set(err, "cannot open '%s': %s", op->name,
			    strerror(errno));
		st->open_size = fb_store_file_size(st, op->name);
		return 0;
	}
	seq = st->idx.hdr->next_seq > st->max_seq ? st->idx.hdr->next_seq :
	    st->max_seq + 1;
	memset(&sg, 0, sizeof(sg));
	sg.seq = seq;
	sg.created = fb_time_now() / 1000;
	snprintf(sg.name, sizeof(sg.name), OPEN_PREFIX "%08u-%lld" OPEN_SUFFIX,
	    seq, (long long)sg.created);
	st->open_fd = openat(st->dirfd, sg.name,
	    O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
	    FB_STORE_FILE_MODE);
	if (st->open_fd < 0 || fsync(st->dirfd) < 0)
		return fb_error_set(err, "cannot create '%s/%s': %s", st->dir,
		    sg.name, strerror(errno));
	st->idx.hdr->next_seq = seq + 1;
	st->max_seq = seq;
	st->open_size = 0;
	if (push_seg(&st->opens, &st->nopens, &st->opens_cap, &sg) < 0)
		return fb_error_set(err, "out of memory");
	return 0;
}

/* Writes the queue to the open segment under the lock; see the file comment. */
static int
flush_queue(struct fb_store *st, struct fb_error *err)
{
	struct keyset ks = { NULL, NULL, 0 };
	const struct seg *op;
	size_t k, kept = 0, keptlen = 0, cap = 16;
	uint64_t before;
	int rc = -1;

	if (st->nq == 0)
		return 0;
	if (fb_store_writer_begin(st, err) < 0)
		return -1;
	if (st->flags & FB_STORE_DEDUP) {
		while (cap < st->nq * 2)
			cap *= 2;
		ks.slots = calloc(cap, sizeof(*ks.slots));
		ks.used = calloc(cap, 1);
		ks.mask = cap - 1;
		if (ks.slots == NULL || ks.used == NULL) {
			fb_error_set(err, "out of memory");
			goto out;
		}
	}
	for (k = 0; k < st->nq; k++) {
		struct queued *q = &st->q[k];

		if ((st->flags & FB_STORE_DEDUP) &&
		    (fb_idx_has(&st->idx, q->key) || !keyset_add(&ks, q->key))) {
			st->dropped++;
			continue;
		}
		if (keptlen != q->off)
			memmove(st->qbuf + keptlen, st->qbuf + q->off, q->len);
		q->off = keptlen;
		keptlen += q->len;
		st->q[kept++] = *q;
	}
	if (kept == 0) {
		rc = 0;
		goto out;
	}
	if (open_segment(st, err) < 0)
		goto out;
	op = &st->opens[st->nopens - 1];
	before = st->open_size;
	if (fb_write_all(st->open_fd, st->qbuf, keptlen) < 0 ||
	    fsync(st->open_fd) < 0) {
		fb_error_set(err, "cannot write '%s/%s': %s", st->dir, op->name,
		    strerror(errno));
		/* Take back a partial write so no torn line is left behind. */
		if (ftruncate(st->open_fd, (off_t)before) == 0)
			(void)fsync(st->open_fd);	/* already failing */
		goto out;
	}
	st->open_size += keptlen;
	for (k = 0; k < kept; k++)
		if (fb_idx_add(&st->idx, st->dirfd, st->q[k].key, op->seq, err) < 0)
			goto out;
	if (fb_idx_sync(&st->idx, op->seq, st->open_size, err) < 0)
		goto out;
	if (st->open_size >= st->lim.max_size ||
	    fb_time_now() / 1000 - op->created >= st->lim.max_age / 1000) {
		close(st->open_fd);
		st->open_fd = -1;
		if (fb_store_seal(st, op, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(ks.slots);
	free(ks.used);
	st->nq = 0;
	st->qlen = 0;
	fb_store_unlock(st);
	return rc;
}

int
fb_store_commit(struct fb_store *st, struct fb_error *err)
{
	return flush_queue(st, err);
}

uint64_t
fb_store_dropped(const struct fb_store *st)
{
	return st->dropped;
}

int
fb_store_rotate(struct fb_store *st, struct fb_error *err)
{
	int rc = 0;

	if (fb_store_writer_begin(st, err) < 0)
		return -1;
	if (st->nopens > 0)
		rc = fb_store_seal(st, &st->opens[st->nopens - 1], err);
	fb_store_unlock(st);
	return rc;
}

/*---- Reading ----*/

/*
 * Calls 'fn' on each line of sealed segment 'sg'.  A damaged segment
 * reports its damage in 'err' and returns -1 after the lines before it.
 */
int
fb_store_scan_sealed(struct fb_store *st, const struct seg *sg,
    int (*fn)(struct fb_store *, const char *, size_t, uint64_t, void *),
    void *arg, struct fb_error *err)
{
	struct fb_reader *r;
	struct fb_line line;
	uint64_t ord = 0;
	int fd, n;

	if ((fd = openat(st->dirfd, sg->name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", sg->name,
		    strerror(errno));
	if ((r = fb_reader_fdopen(fd, sg->name, STORED_LINE_MAX, err)) == NULL)
		return -1;
	while ((n = fb_reader_next(r, &line, err)) > 0)
		if (line.len > 0 && fn(st, line.data, line.len, ord++, arg) < 0) {
			n = fb_error_set(err, "cannot process '%s'", sg->name);
			break;
		}
	fb_reader_close(r);
	return n;
}

void
fb_store_close(struct fb_store *st)
{
	if (st == NULL)
		return;
	fb_store_unlock(st);
	if (st->idx_open)
		fb_idx_close(&st->idx);
	if (st->lockfd >= 0)
		close(st->lockfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	fb_rec_release(&st->rec);
	free(st->segs);
	free(st->opens);
	free(st->stale);
	free(st->qbuf);
	free(st->q);
	free(st->dir);
	free(st);
}
