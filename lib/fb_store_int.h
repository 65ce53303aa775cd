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

#endif /* FB_STORE_INT_H */
