/*
 * fb_store_idx.c: the store's id index, a hash table in a mapped file
 * (see fb_store_int.h for the layout and its crash rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb_store_int.h"

#define IDX_MAGIC "FBIDX001"
#define IDX_TMP FB_IDX_NAME ".tmp"
#define IDX_MIN_CAP (1u << 16)

_Static_assert(sizeof(struct fb_idx_hdr) == 64, "index header is 64 bytes");
_Static_assert(sizeof(struct fb_idx_slot) == 16, "index slots are 16 bytes");

static int
map_prot(struct fb_idx *idx, int fd, int prot, struct fb_error *err)
{
	struct stat sb;
	void *p;

	if (fstat(fd, &sb) < 0)
		return fb_error_set(err, "cannot stat index: %s", strerror(errno));
	if (sb.st_size < (off_t)sizeof(struct fb_idx_hdr))
		return fb_error_set(err, "index too short");
	p = mmap(NULL, (size_t)sb.st_size, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fb_error_set(err, "cannot map index: %s", strerror(errno));
	idx->fd = fd;
	idx->dev = sb.st_dev;
	idx->ino = sb.st_ino;
	idx->maplen = (size_t)sb.st_size;
	idx->hdr = p;
	idx->slots = (struct fb_idx_slot *)(idx->hdr + 1);
	return 0;
}

static int
map_file(struct fb_idx *idx, int fd, struct fb_error *err)
{
	return map_prot(idx, fd, PROT_READ | PROT_WRITE, err);
}

/* Creates 'name' in 'dirfd' holding an empty table of 'cap' slots. */
static int
create_file(int dirfd, const char *name, uint64_t cap, struct fb_error *err)
{
	struct fb_idx_hdr hdr;
	off_t size = (off_t)(sizeof(hdr) + cap * sizeof(struct fb_idx_slot));
	int fd, rc;

	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    FB_STORE_FILE_MODE);
	if (fd < 0)
		return fb_error_set(err, "cannot create '%s': %s", name,
		    strerror(errno));
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.magic, IDX_MAGIC, 8);
	hdr.cap = cap;
	hdr.next_seq = 1;
	/*
	 * The table is written through a mapping, where a full disk is not
	 * an error but SIGBUS: take the blocks now, while ENOSPC can still
	 * be reported.
	 */
	if (ftruncate(fd, size) < 0)
		rc = errno;
	else
		rc = posix_fallocate(fd, 0, size);
	if (rc == 0 && pwrite(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		rc = errno;
	if (rc != 0) {
		fb_error_set(err, "cannot write '%s': %s", name, strerror(rc));
		close(fd);
		unlinkat(dirfd, name, 0);
		return -1;
	}
	return fd;
}

static int
valid(const struct fb_idx *idx)
{
	const struct fb_idx_hdr *h = idx->hdr;

	return idx->maplen >= sizeof(*h) && memcmp(h->magic, IDX_MAGIC, 8) == 0 &&
	    h->cap >= 16 && (h->cap & (h->cap - 1)) == 0 &&
	    h->cap <= (idx->maplen - sizeof(*h)) / sizeof(struct fb_idx_slot) &&
	    idx->maplen == sizeof(*h) + h->cap * sizeof(struct fb_idx_slot) &&
	    h->count < h->cap;
}

int
fb_idx_open(struct fb_idx *idx, int dirfd, struct fb_error *err)
{
	int fd, created = 0;
	struct stat sb;

	memset(idx, 0, sizeof(*idx));
	idx->fd = -1;
	fd = openat(dirfd, FB_IDX_NAME, O_RDWR | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &sb) == 0 && sb.st_size == 0) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if ((fd = create_file(dirfd, FB_IDX_NAME, IDX_MIN_CAP, err)) < 0)
			return -1;
		created = 1;
	}
	if (map_file(idx, fd, err) < 0) {
		if (created) {
			close(fd);
			return -1;
		}
		/* Too short to map is damaged too: recreated below. */
		close(fd);
		idx->hdr = NULL;
		idx->fd = -1;
	}
	if (idx->hdr == NULL || !valid(idx)) {
		/* Not ours or damaged: the caller rebuilds it from the segments. */
		fb_idx_close(idx);
		if ((fd = create_file(dirfd, FB_IDX_NAME, IDX_MIN_CAP, err)) < 0)
			return -1;
		if (map_file(idx, fd, err) < 0) {
			close(fd);
			return -1;
		}
		created = 1;
	}
	return created;
}

int
fb_idx_open_ro(struct fb_idx *idx, int dirfd, struct fb_error *err)
{
	int fd;

	memset(idx, 0, sizeof(*idx));
	idx->fd = -1;
	if ((fd = openat(dirfd, FB_IDX_NAME, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open the id index: %s",
		    strerror(errno));
	if (map_prot(idx, fd, PROT_READ, err) < 0) {
		close(fd);
		return -1;
	}
	if (!valid(idx)) {
		fb_idx_close(idx);
		return fb_error_set(err, "the id index is damaged; run "
		    "'fb-store verify --repair'");
	}
	return 0;
}

void
fb_idx_close(struct fb_idx *idx)
{
	if (idx->hdr != NULL)
		munmap(idx->hdr, idx->maplen);
	if (idx->fd >= 0)
		close(idx->fd);
	memset(idx, 0, sizeof(*idx));
	idx->fd = -1;
}

int
fb_idx_stale(const struct fb_idx *idx, int dirfd)
{
	struct stat sb;

	if (fstatat(dirfd, FB_IDX_NAME, &sb, 0) < 0)
		return 1;
	return sb.st_dev != idx->dev || sb.st_ino != idx->ino;
}

static struct fb_idx_slot *
probe(const struct fb_idx *idx, struct fb_key k, int *found)
{
	uint64_t mask = idx->hdr->cap - 1, i = k.h1 & mask, n;

	for (n = 0; n <= mask; n++) {
		struct fb_idx_slot *s = &idx->slots[i];

		if (s->seq == 0) {
			*found = 0;
			return s;
		}
		if (s->h1 == k.h1 && s->h2 == k.h2) {
			*found = 1;
			return s;
		}
		i = (i + 1) & mask;
	}
	*found = 0;
	return NULL;	/* full: cannot happen below the load limit */
}

int
fb_idx_has(const struct fb_idx *idx, struct fb_key k)
{
	int found;

	probe(idx, k, &found);
	return found;
}

/* Copies the live entries of 'idx' into a new file of 'cap' slots and swaps it in. */
static int
rehash(struct fb_idx *idx, int dirfd, uint64_t cap,
    int (*drop)(void *arg, uint32_t seq), void *arg, int keep_entries,
    struct fb_error *err)
{
	struct fb_idx nidx;
	uint64_t k, count = 0;
	int fd;

	if ((fd = create_file(dirfd, IDX_TMP, cap, err)) < 0)
		return -1;
	if (map_file(&nidx, fd, err) < 0) {
		close(fd);
		return -1;
	}
	nidx.hdr->wm_seq = idx->hdr->wm_seq;
	nidx.hdr->wm_off = idx->hdr->wm_off;
	nidx.hdr->next_seq = idx->hdr->next_seq;
	for (k = 0; keep_entries && k < idx->hdr->cap; k++) {
		const struct fb_idx_slot *s = &idx->slots[k];
		struct fb_idx_slot *d;
		int found;

		if (s->seq == 0 || (drop != NULL && drop(arg, s->seq)))
			continue;
		d = probe(&nidx, (struct fb_key){ s->h1, s->h2 }, &found);
		if (d != NULL && !found) {
			*d = *s;
			count++;
		}
	}
	nidx.hdr->count = count;
	if (msync(nidx.hdr, nidx.maplen, MS_SYNC) < 0 || fsync(nidx.fd) < 0 ||
	    renameat(dirfd, IDX_TMP, dirfd, FB_IDX_NAME) < 0 || fsync(dirfd) < 0) {
		fb_error_set(err, "cannot replace the index: %s", strerror(errno));
		fb_idx_close(&nidx);
		unlinkat(dirfd, IDX_TMP, 0);
		return -1;
	}
	fb_idx_close(idx);
	*idx = nidx;
	return 0;
}

int
fb_idx_add(struct fb_idx *idx, int dirfd, struct fb_key k, uint32_t seq,
    struct fb_error *err)
{
	struct fb_idx_slot *s;
	int found;

	/* Linear probing stays short below three quarters full. */
	if ((idx->hdr->count + 1) * 4 > idx->hdr->cap * 3 &&
	    rehash(idx, dirfd, idx->hdr->cap * 2, NULL, NULL, 1, err) < 0)
		return -1;
	s = probe(idx, k, &found);
	if (s == NULL)
		return fb_error_set(err, "index full");
	if (!found) {
		s->h1 = k.h1;
		s->h2 = k.h2;
		s->seq = seq;
		idx->hdr->count++;
	}
	return 0;
}

int
fb_idx_sync(struct fb_idx *idx, uint32_t wm_seq, uint64_t wm_off,
    struct fb_error *err)
{
	if (msync(idx->hdr, idx->maplen, MS_SYNC) < 0)
		return fb_error_set(err, "cannot sync the index: %s",
		    strerror(errno));
	idx->hdr->wm_seq = wm_seq;
	idx->hdr->wm_off = wm_off;
	if (msync(idx->hdr, sizeof(*idx->hdr), MS_SYNC) < 0)
		return fb_error_set(err, "cannot sync the index: %s",
		    strerror(errno));
	return 0;
}

int
fb_idx_rewrite(struct fb_idx *idx, int dirfd, uint64_t expect,
    int (*drop)(void *arg, uint32_t seq), void *arg, struct fb_error *err)
{
	uint64_t cap = IDX_MIN_CAP;

	if (drop != NULL)
		cap = idx->hdr->cap;
	else
		while (cap / 2 < expect && cap < (1ULL << 40))
			cap *= 2;
	return rehash(idx, dirfd, cap, drop, arg, drop != NULL, err);
}
