/*
 * fb_store_admin.c: keeping a store sound: prune, stats and verify (see
 * fb_store.c for the layout and its crash rules).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb_store_int.h"

/*---- Pruning ----*/

struct seqset {
	uint32_t *seqs;
	size_t n;
};

static int
in_seqset(void *arg, uint32_t seq)
{
	struct seqset *s = arg;
	size_t k;

	for (k = 0; k < s->n; k++)
		if (s->seqs[k] == seq)
			return 1;
	return 0;
}

int
fb_store_prune(struct fb_store *st, fb_time_t cutoff, int dry_run,
    struct fb_store_pruned *pruned, struct fb_error *err)
{
	struct seqset gone = { NULL, 0 };
	size_t k;
	int rc = -1;

	memset(pruned, 0, sizeof(*pruned));
	if (fb_store_writer_begin(st, err) < 0)
		return -1;
	if ((gone.seqs = malloc((st->nsegs + 1) * sizeof(uint32_t))) == NULL) {
		fb_error_set(err, "out of memory");
		goto out;
	}
	for (k = 0; k < st->nsegs; k++) {
		struct seg *sg = &st->segs[k];
		struct fb_error herr;

		if (sg->first >= cutoff)
			continue;
		if (fb_store_read_header(st, sg, -1, &herr) < 0) {
			fb_store_note(st, sg->name, "%s; kept", herr.msg);
			continue;
		}
		if (sg->max >= cutoff)
			continue;
		if (dry_run)
			fb_store_note(st, sg->name, "would remove (%llu records)",
			    (unsigned long long)sg->records);
		else if (unlinkat(st->dirfd, sg->name, 0) < 0) {
			fb_error_set(err, "cannot remove '%s': %s", sg->name,
			    strerror(errno));
			goto out;
		}
		gone.seqs[gone.n++] = sg->seq;
		pruned->segments++;
		pruned->records += sg->records;
	}
	rc = 0;
	if (!dry_run && gone.n > 0) {
		/* Segments first, then their ids: a crash between only keeps ids of gone data. */
		if (fsync(st->dirfd) < 0 ||
		    fb_idx_rewrite(&st->idx, st->dirfd, 0, in_seqset, &gone,
		    err) < 0)
			rc = -1;
	}
out:
	free(gone.seqs);
	fb_store_unlock(st);
	return rc;
}

/*---- Stats ----*/

struct open_stats {
	uint64_t records;
	fb_time_t min, max;
};

static int
open_stat_line(struct fb_store *st, const char *line, size_t len, uint64_t ord,
    void *arg)
{
	struct open_stats *os = arg;
	fb_time_t ts;

	(void)ord;
	if (fb_store_line_ts(st, line, len, &ts) < 0)
		return 0;
	os->records++;
	if (ts < os->min)
		os->min = ts;
	if (ts > os->max)
		os->max = ts;
	return 0;
}

static json_t *
time_or_null(fb_time_t t, int have)
{
	char buf[FB_TIME_BUFSZ];

	if (!have)
		return json_null();
	fb_time_format(t, buf);
	return json_string(buf);
}

static int
count_quarantined(struct fb_store *st)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0;

	if ((fd = openat(st->dirfd, QUARANTINE, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

json_t *
fb_store_stats(struct fb_store *st, struct fb_error *err)
{
	struct open_stats os = { 0, FB_TIME_MAX, FB_TIME_MIN };
	uint64_t sealed = 0, bytes = 0, open_bytes = 0, ids = 0;
	fb_time_t mn = FB_TIME_MAX, mx = FB_TIME_MIN;
	json_t *o = NULL;
	size_t k;

	if (fb_store_lock(st, LOCK_SH, err) < 0)
		return NULL;
	if (fb_store_list(st, err) < 0)
		goto out;
	for (k = 0; k < st->nsegs; k++) {
		struct seg *sg = &st->segs[k];
		struct fb_error herr;

		bytes += fb_store_file_size(st, sg->name);
		if (fb_store_read_header(st, sg, -1, &herr) < 0) {
			fb_store_note(st, sg->name, "%s", herr.msg);
			continue;
		}
		sealed += sg->records;
		if (sg->min < mn)
			mn = sg->min;
		if (sg->max > mx)
			mx = sg->max;
	}
	if (st->nopens > 0) {
		const struct seg *op = &st->opens[st->nopens - 1];
		int fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC);
		char *buf;

		open_bytes = fb_store_file_size(st, op->name);
		if (fd >= 0 && (buf = fb_store_read_range(fd, 0, (size_t)open_bytes,
		    err)) != NULL) {
			fb_store_each_line(st, buf, (size_t)open_bytes, open_stat_line, &os);
			free(buf);
		}
		if (fd >= 0)
			close(fd);
		if (os.min < mn)
			mn = os.min;
		if (os.max > mx)
			mx = os.max;
	}
	{
		struct fb_idx_hdr h;
		int fd = openat(st->dirfd, FB_IDX_NAME, O_RDONLY | O_CLOEXEC);

		if (fd >= 0 && pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h))
			ids = h.count;
		if (fd >= 0)
			close(fd);
	}
	o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:i}",
	    "store", st->dir,
	    "segments", (json_int_t)st->nsegs,
	    "records", (json_int_t)sealed + (json_int_t)os.records,
	    "sealed_records", (json_int_t)sealed,
	    "open_records", (json_int_t)os.records,
	    "bytes_compressed", (json_int_t)bytes,
	    "bytes_open", (json_int_t)open_bytes,
	    "min_ts", time_or_null(mn, mn != FB_TIME_MAX),
	    "max_ts", time_or_null(mx, mx != FB_TIME_MIN),
	    "index_ids", (json_int_t)ids,
	    "quarantined", count_quarantined(st));
	if (o == NULL)
		fb_error_set(err, "out of memory");
out:
	fb_store_unlock(st);
	return o;
}

/*---- Verify ----*/

struct vstate {
	struct fb_store *st;
	const struct seg *sg;
	int idx_ok;
	uint32_t wm_seq;
	uint64_t wm_off;
	uint64_t cover;		/* lines before this offset (or ordinal) are indexed */
	uint64_t records, unindexed, bad;
	fb_time_t last, min, max;
	int unsorted;
	/* salvage: the good lines of a damaged segment */
	char *keep;
	size_t keeplen;
	int salvage;
};

static int
verify_line(struct fb_store *st, const char *line, size_t len, uint64_t ord,
    void *arg)
{
	struct vstate *v = arg;
	fb_time_t ts;

	(void)ord;
	if (fb_store_line_ts(st, line, len, &ts) < 0) {
		v->bad++;
		return 0;
	}
	if (v->records > 0 && ts < v->last)
		v->unsorted = 1;
	v->last = ts;
	if (v->records == 0 || ts < v->min)
		v->min = ts;
	if (v->records == 0 || ts > v->max)
		v->max = ts;
	v->records++;
	if (v->idx_ok && ord < v->cover &&
	    !fb_idx_has(&st->idx, fb_store_key(&st->rec)))
		v->unindexed++;
	if (v->salvage) {
		char *p = realloc(v->keep, v->keeplen + len + 1);

		if (p == NULL)
			return -1;
		memcpy(p + v->keeplen, line, len);
		p[v->keeplen + len] = '\n';
		v->keep = p;
		v->keeplen += len + 1;
	}
	return 0;
}

/* Moves damaged sealed segment 'sg' to quarantine, keeping its readable records. */
static int
salvage(struct fb_store *st, struct seg *sg, struct vstate *v,
    struct fb_error *err)
{
	struct line_ref *lines;
	char name[128], qpath[192];
	size_t n;
	int rc = 0;

	lines = fb_store_index_lines(st, v->keep ? v->keep : "", v->keeplen, &n,
	    NULL, NULL, err);
	if (n == (size_t)-1)
		return -1;
	if (n > 0) {
		qsort(lines, n, sizeof(*lines), fb_store_by_ts);
		rc = fb_store_write_sealed(st, ++st->max_seq, v->keep, lines, n, name, err);
		if (rc == 0 && st->idx_open && st->idx.hdr->next_seq <= st->max_seq)
			st->idx.hdr->next_seq = st->max_seq + 1;
	}
	free(lines);
	if (rc < 0 || fb_store_ensure_quarantine(st, err) < 0)
		return -1;
	snprintf(qpath, sizeof(qpath), QUARANTINE "/%s", sg->name);
	if (renameat(st->dirfd, sg->name, st->dirfd, qpath) < 0 ||
	    fsync(st->dirfd) < 0)
		return fb_error_set(err, "cannot move '%s' to quarantine: %s",
		    sg->name, strerror(errno));
	fb_store_note(st, sg->name, "moved to " QUARANTINE "/; %zu readable records "
	    "kept in %s", n, n > 0 ? name : "no segment");
	return 0;
}

long
fb_store_verify(struct fb_store *st, int repair, struct fb_error *err)
{
	struct vstate v;
	size_t k, nsegs;
	int rebuild = 0;
	long problems = 0;

	memset(&v, 0, sizeof(v));
	v.st = st;
	if (repair) {
		int r;

		if (fb_store_lock(st, LOCK_EX, err) < 0)
			return -1;
		if ((r = fb_store_recover(st, err)) < 0)
			goto fail;
		problems += r;
	} else {
		if (fb_store_lock(st, LOCK_SH, err) < 0)
			return -1;
		if (fb_store_list(st, err) < 0)
			goto fail;
		if (st->ntmp > 0) {
			fb_store_note(st, st->dir, "%d leftover temporary files", st->ntmp);
			problems++;
		}
		for (k = 0; k < st->nstale; k++) {
			fb_store_note(st, st->stale[k].name, "sealed copy exists; "
			    "the open segment should be gone");
			problems++;
		}
		if (st->nopens > 1) {
			fb_store_note(st, st->dir, "%zu open segments", st->nopens);
			problems++;
		}
		if (st->nopens > 0) {
			const struct seg *op = &st->opens[st->nopens - 1];
			uint64_t size = fb_store_file_size(st, op->name);
			char c = '\n';
			int fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC);

			if (fd >= 0 && size > 0)
				if (pread(fd, &c, 1, (off_t)size - 1) != 1)
					c = '\n';
			if (fd >= 0)
				close(fd);
			if (c != '\n') {
				fb_store_note(st, op->name, "torn tail (an unfinished last line)");
				problems++;
			}
		}
		/*
		 * Read-only: opening it for writing would replace a damaged
		 * index by an empty one, which then claims nothing and looks
		 * sound, under a shared lock a writer may hold as well.
		 */
		if (!st->idx_open &&
		    faccessat(st->dirfd, FB_IDX_NAME, F_OK, 0) == 0) {
			if (fb_idx_open_ro(&st->idx, st->dirfd, err) < 0) {
				fb_store_note(st, FB_IDX_NAME, "%s", err->msg);
				problems++;
			} else
				st->idx_open = 1;
		} else if (!st->idx_open && (st->nsegs > 0 || st->nopens > 0)) {
			fb_store_note(st, FB_IDX_NAME, "missing; --repair rebuilds it");
			problems++;
		}
	}
	v.idx_ok = st->idx_open;
	if (v.idx_ok) {
		v.wm_seq = st->idx.hdr->wm_seq;
		v.wm_off = st->idx.hdr->wm_off;
	}
	nsegs = st->nsegs;
	for (k = 0; k < nsegs; k++) {
		struct seg *sg = &st->segs[k];
		struct fb_error serr;
		int damaged = 0, r;

		memset(&v.records, 0, sizeof(v) - offsetof(struct vstate, records));
		v.sg = sg;
		v.salvage = repair;
		/* A segment sealed at or before the watermark is wholly indexed. */
		v.cover = sg->seq <= v.wm_seq ? UINT64_MAX : 0;
		if (fb_store_read_header(st, sg, -1, &serr) < 0) {
			fb_store_note(st, sg->name, "%s", serr.msg);
			damaged = 1;
		}
		r = fb_store_scan_sealed(st, sg, verify_line, &v, &serr);
		if (r < 0) {
			fb_store_note(st, sg->name, "%s", serr.msg);
			damaged = 1;
		}
		if (v.bad > 0) {
			fb_store_note(st, sg->name, "%llu lines are not records with a "
			    "valid ts", (unsigned long long)v.bad);
			damaged = 1;
		}
		if (!damaged && (v.unsorted || v.records != sg->records ||
		    (v.records > 0 && (v.min != sg->min || v.max != sg->max)))) {
			fb_store_note(st, sg->name, "records or order do not match its "
			    "header");
			damaged = 1;
		}
		if (v.unindexed > 0) {
			fb_store_note(st, sg->name, "%llu records missing from the id "
			    "index", (unsigned long long)v.unindexed);
			problems++;
			rebuild = 1;
		}
		if (damaged) {
			problems++;
			if (repair) {
				if (salvage(st, sg, &v, err) < 0)
					goto fail;
				rebuild = 1;
			}
		}
		free(v.keep);
		v.keep = NULL;
	}
	if (st->nopens > 0) {
		const struct seg *op = &st->opens[st->nopens - 1];
		uint64_t size = fb_store_file_size(st, op->name);
		int fd = openat(st->dirfd, op->name, O_RDONLY | O_CLOEXEC);
		char *buf;

		memset(&v.records, 0, sizeof(v) - offsetof(struct vstate, records));
		v.sg = op;
		/* Records past the watermark are not in the index yet; that is fine. */
		v.cover = op->seq < v.wm_seq ? UINT64_MAX :
		    op->seq == v.wm_seq ? v.wm_off : 0;
		if (fd >= 0 && (buf = fb_store_read_range(fd, 0, (size_t)size, err)) != NULL) {
			fb_store_each_line(st, buf, (size_t)size, verify_line, &v);
			free(buf);
		}
		if (fd >= 0)
			close(fd);
		if (v.bad > 0) {
			fb_store_note(st, op->name, "%llu lines are not records with a "
			    "valid ts%s", (unsigned long long)v.bad,
			    repair ? "; moved to quarantine/ when sealed" : "");
			problems++;
			if (repair && fb_store_seal(st, op, err) < 0)
				goto fail;
		}
		if (v.unindexed > 0) {
			fb_store_note(st, op->name, "%llu records missing from the id "
			    "index", (unsigned long long)v.unindexed);
			problems++;
			rebuild = 1;
		}
	}
	if (repair && rebuild) {
		if (fb_store_list(st, err) < 0 || fb_store_catch_up(st, 1, err) < 0)
			goto fail;
		fb_store_note(st, FB_IDX_NAME, "rebuilt");
	}
	fb_store_unlock(st);
	return problems;
fail:
	free(v.keep);
	fb_store_unlock(st);
	return -1;
}
