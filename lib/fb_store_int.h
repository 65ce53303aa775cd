/*
 * fb_store_int.h: what the store's own files share (segments, id index);
 * not part of libfb's public API.
 */
#ifndef FB_STORE_INT_H
#define FB_STORE_INT_H

#include <sys/types.h>

#include "fb.h"

/*---- The id index (fb_store_idx.c) ----*/

/*
 * An open-addressing hash table of record fingerprints in a file that is
 * mapped into memory, so a lookup touches a page or two whatever the size
 * of the store.  Each slot holds 96 bits of the key's 128-bit hash and the
 * sequence number of the segment that holds the record (0 = empty), which
 * lets prune drop a segment's entries without reading any segment.
 *
 * The watermark (wm_seq, wm_off) says how much of the store the index
 * covers.  Entries are added only for records already fsynced, and the
 * watermark moves only after the entries are synced, so after a crash the
 * index may lag the data (and is caught up) but never claims a record the
 * store does not hold.
 */
struct fb_idx_slot {
	uint64_t h1;
	uint32_t h2;
	uint32_t seq;
};

struct fb_idx_hdr {
	char magic[8];		/* "FBIDX001" */
	uint64_t cap;		/* slots, a power of two */
	uint64_t count;		/* used slots */
	uint32_t wm_seq;	/* covered: every segment before wm_seq, */
	uint32_t next_seq;	/* (the next segment number to hand out) */
	uint64_t wm_off;	/* and wm_seq's first wm_off bytes */
	char pad[24];
};

struct fb_idx {
	int fd;
	dev_t dev;
	ino_t ino;
	size_t maplen;
	struct fb_idx_hdr *hdr;
	struct fb_idx_slot *slots;
};

struct fb_key {
	uint64_t h1;
	uint32_t h2;
};

#define FB_IDX_NAME "ids.idx"

/* Maps DIR/ids.idx read-only; returns 0, or -1 when absent or not valid. */
int fb_idx_open_ro(struct fb_idx *idx, int dirfd, struct fb_error *err);
/* Opens (or creates, empty) DIR/ids.idx; returns 0, 1 if it had to be created, -1. */
int fb_idx_open(struct fb_idx *idx, int dirfd, struct fb_error *err);
void fb_idx_close(struct fb_idx *idx);
/* True when DIR/ids.idx is no longer the file mapped (another writer replaced it). */
int fb_idx_stale(const struct fb_idx *idx, int dirfd);
int fb_idx_has(const struct fb_idx *idx, struct fb_key k);
/* Adds 'k' unless present; may grow the table.  Returns 0 or -1. */
int fb_idx_add(struct fb_idx *idx, int dirfd, struct fb_key k, uint32_t seq,
    struct fb_error *err);
/* Makes the entries durable, then the watermark. */
int fb_idx_sync(struct fb_idx *idx, uint32_t wm_seq, uint64_t wm_off,
    struct fb_error *err);
/*
 * Replaces the index by an empty one (sized for 'expect' keys), keeping
 * next_seq, or by a copy without the entries of the segments for which
 * drop(seq) is true when 'drop' is not NULL.
 */
int fb_idx_rewrite(struct fb_idx *idx, int dirfd, uint64_t expect,
    int (*drop)(void *arg, uint32_t seq), void *arg, struct fb_error *err);

/* The dedup key of a record: its id for feedback items, else the whole line. */
struct fb_key fb_store_key(struct fb_rec *rec);
/* The dedup key of a feedback item's (decoded) id. */
struct fb_key fb_store_id_key(const char *id, size_t len);


/*---- The store's own parts (fb_store.c, fb_store_cat.c, fb_store_admin.c) ----*/

#define SEG_PREFIX "feedback-"
#define SEG_SUFFIX ".ndjson.gz"
#define OPEN_PREFIX "open-"
#define OPEN_SUFFIX ".ndjson"
#define QUARANTINE "quarantine"
#define HDR_TAG "fb-store 1 "
/*
 * The store holds customers' words: only its owner reads it unless the
 * umask is tighter still.  Sharing is a choice made on the directory.
 */
#define FB_STORE_DIR_MODE 0700
#define FB_STORE_FILE_MODE 0600
#define STORED_LINE_MAX ((size_t)1 << 30)

struct seg {
	uint32_t seq;
	char name[128];
	fb_time_t first;	/* sealed: from the name */
	int64_t created;	/* open: epoch seconds, from the name */
	int hdr_ok;		/* the header comment below was read */
	fb_time_t min, max;
	uint64_t records;
};

struct queued {
	size_t off, len;
	struct fb_key key;
};

struct fb_store {
	char *dir;
	int dirfd, lockfd, flags, locked;
	struct fb_store_limits lim;
	fb_store_note_fn *note;
	void *note_arg;
	struct fb_idx idx;
	int idx_open;
	struct seg *segs;	/* sealed, by seq */
	size_t nsegs, segs_cap;
	struct seg *opens;	/* normally none or one */
	size_t nopens, opens_cap;
	struct seg *stale;	/* open segments already sealed */
	size_t nstale, stale_cap;
	int ntmp;		/* stray temporary files seen */
	uint32_t max_seq;
	int open_fd;		/* the open segment while locked */
	uint64_t open_size;
	char *qbuf;
	size_t qlen, qcap;
	struct queued *q;
	size_t nq, nq_cap;
	uint64_t dropped;
	struct fb_rec rec;	/* for reading stored lines */
};


struct line_ref {
	fb_time_t ts;
	size_t off, len, ord;
};

/* Tells the caller through its note function; 'name' may be NULL. */
void fb_store_note(struct fb_store *st, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Lists the directory: sealed segments by seq, the open one, stale seals. */
int fb_store_list(struct fb_store *st, struct fb_error *err);
const struct seg *fb_store_sealed_by_seq(const struct fb_store *st,
    uint32_t seq);
/* Reads a sealed segment's time range and count from its gzip header. */
int fb_store_read_header(struct fb_store *st, struct seg *sg, int fd,
    struct fb_error *err);
int fb_store_lock(struct fb_store *st, int how, struct fb_error *err);
void fb_store_unlock(struct fb_store *st);
/* Takes the writers' lock and puts the store in order after any crash. */
int fb_store_writer_begin(struct fb_store *st, struct fb_error *err);
/* The same without the lock; returns the number of repairs made, or -1. */
int fb_store_recover(struct fb_store *st, struct fb_error *err);
int fb_store_catch_up(struct fb_store *st, int rebuild, struct fb_error *err);
int fb_store_seal(struct fb_store *st, const struct seg *op,
    struct fb_error *err);
int fb_store_write_sealed(struct fb_store *st, uint32_t seq, const char *buf,
    const struct line_ref *lines, size_t n, char name[128],
    struct fb_error *err);

/* The ts of a stored line: 0, or -1 when it is not a record with one. */
int fb_store_line_ts(struct fb_store *st, const char *line, size_t len,
    fb_time_t *ts);
/* Orders line_refs by ts, then by their order of arrival. */
int fb_store_by_ts(const void *a, const void *b);
/*
 * Splits 'buf' into lines with their times; lines that are not records
 * with a ts are appended to '*bad' when 'bad' is not NULL.  '*nlines' is
 * (size_t)-1 on error.
 */
struct line_ref *fb_store_index_lines(struct fb_store *st, const char *buf,
    size_t len, size_t *nlines, char **bad, size_t *badlen,
    struct fb_error *err);
/* Calls 'fn' on each complete line of 'buf' with its byte offset. */
int fb_store_each_line(struct fb_store *st, const char *buf, size_t len,
    int (*fn)(struct fb_store *, const char *, size_t, uint64_t, void *),
    void *arg);
/* Calls 'fn' on each line of a sealed segment with its ordinal. */
int fb_store_scan_sealed(struct fb_store *st, const struct seg *sg,
    int (*fn)(struct fb_store *, const char *, size_t, uint64_t, void *),
    void *arg, struct fb_error *err);

char *fb_store_read_range(int fd, uint64_t off, size_t len,
    struct fb_error *err);
uint64_t fb_store_file_size(struct fb_store *st, const char *name);
/* The offset just past the last '\n' in the first 'size' bytes, or -1. */
int64_t fb_store_complete_end(int fd, uint64_t size);
int fb_store_ensure_quarantine(struct fb_store *st, struct fb_error *err);

#endif /* FB_STORE_INT_H */
