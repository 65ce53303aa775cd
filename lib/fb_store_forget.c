/*
 * fb_store_forget.c: erasing a person from the store (fb-store forget).
 *
 * Customers are named by the SHA-256 of their id as stored (the raw id,
 * or its pseudonym), so nothing here ever holds or writes the id itself.
 * A run has two passes under the writers' lock:
 *
 *   1. every segment, sealed and open, and every quarantine file is read
 *      to find the customers' feedback items; their ids make the set S;
 *   2. each file that holds one of those items, an event of an item in
 *      S, or a line that names a customer anywhere is rewritten: written
 *      whole to a temporary file, fsynced, renamed over the old one, and
 *      the directory fsynced.  A sealed segment keeps its name (so its
 *      sequence number and the id index stay valid), stays a plain gzip
 *      file, and gets a header comment that matches what it now holds.
 *
 * Items are replaced by a skeleton that keeps what the reports count (or
 * dropped, in drop mode); events of those items keep only what the SLA
 * clocks and CSAT need.  Between the passes S is written to
 * forget.pending, so that after a crash the next run finishes the job even
 * where the items that linked events to the customer are already gone.
 * Each run appends one line to forget.log.
 */
#include <dirent.h>
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

#define PENDING "forget.pending"
#define AUDIT_LOG "forget.log"
#define BLOOM_BITS ((size_t)1 << 20)	/* per sealed segment, pass 1 */

/*
 * What a skeleton keeps: the fields fb-report, fb-anomaly and fb-sla
 * count or group by, and nothing typed by or about the customer.
 */
static const char *const item_keep[] = {
	"id", "type", "ts", "channel", "product_category", "sku", "category",
	"tags", "priority", "urgency", "first_response_at", "resolved_at",
	"closed_at", NULL
};

static const struct {
	const char *parent;
	const char *const sub[3];
} item_keep_sub[] = {
	{ "region", { "province", "city", NULL } },
	{ "customer", { "tier", NULL } },
	{ "route", { "queue", NULL } },
	{ "sentiment", { "label", "score", NULL } },
};

/* What an event keeps: the clock's and CSAT's fields, no free text. */
static const char *const event_keep[] = {
	"type", "id", "event", "ts", "agent", "score", "nps", NULL
};

/* A set of strings (record ids) with their order of arrival. */
struct idset {
	struct fb_key *slots;
	uint8_t *used;
	size_t cap, n;
	char **ids;
};

struct job {
	struct fb_store *st;
	struct fb_forget *f;
	unsigned char (*cust)[FB_SHA256_LEN];	/* sorted */
	size_t ncust;
	struct idset S;
	struct fb_rec rec, rec2;
	struct fb_buf out, line;
	/* pass 1: which sealed segments pass 2 must read */
	uint8_t *need;
	uint8_t *other;		/* lines that are not items or events */
	uint8_t **bloom;
	/* pass 2: keys of rewritten events, for the index */
	struct fb_key *keys;
	size_t nkeys, keys_cap;
	int qfd;		/* quarantine/, or -1 */
};

/*---- Sets ----*/

static int
cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, FB_SHA256_LEN);
}

static int
is_customer(const struct job *j, const char *id, size_t len)
{
	unsigned char d[FB_SHA256_LEN];

	if (j->ncust == 0)
		return 0;
	fb_sha256(id, len, d);
	return bsearch(d, j->cust, j->ncust, FB_SHA256_LEN, cmp_digest) != NULL;
}

static int
idset_has(const struct idset *s, const char *id, size_t len)
{
	struct fb_key k;
	size_t i;

	if (s->n == 0)
		return 0;
	k = fb_store_id_key(id, len);
	for (i = (size_t)k.h1 & (s->cap - 1); s->used[i];
	    i = (i + 1) & (s->cap - 1))
		if (s->slots[i].h1 == k.h1 && s->slots[i].h2 == k.h2)
			return 1;
	return 0;
}

static int
idset_add(struct idset *s, const char *id, size_t len)
{
	struct fb_key k = fb_store_id_key(id, len);
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64, m;
		struct fb_key *slots = calloc(ncap, sizeof(*slots));
		uint8_t *used = calloc(ncap, 1);
		char **ids = realloc(s->ids, ncap / 2 * sizeof(*ids));

		if (slots == NULL || used == NULL || ids == NULL) {
			free(slots);
			free(used);
			if (ids != NULL)
				s->ids = ids;
			return -1;
		}
		s->ids = ids;
		for (m = 0; m < s->cap; m++) {
			if (!s->used[m])
				continue;
			for (i = (size_t)s->slots[m].h1 & (ncap - 1); used[i];
			    i = (i + 1) & (ncap - 1))
				;
			used[i] = 1;
			slots[i] = s->slots[m];
		}
		free(s->slots);
		free(s->used);
		s->slots = slots;
		s->used = used;
		s->cap = ncap;
	}
	for (i = (size_t)k.h1 & (s->cap - 1); s->used[i];
	    i = (i + 1) & (s->cap - 1))
		if (s->slots[i].h1 == k.h1 && s->slots[i].h2 == k.h2)
			return 0;
	if ((s->ids[s->n] = strndup(id, len)) == NULL)
		return -1;
	s->used[i] = 1;
	s->slots[i] = k;
	s->n++;
	return 1;
}

static void
idset_release(struct idset *s)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		free(s->ids[k]);
	free(s->ids);
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof(*s));
}

/*
 * Whether every bit of 'id' is set in the filter 'b' (then maybe there,
 * else surely not); with 'add', sets them too.
 */
static int
bloom_probe(uint8_t *b, const char *id, size_t len, int add)
{
	uint64_t h[2];
	int k, all = 1;

	fb_hash128(id, len, 7, h);
	for (k = 0; k < 3; k++) {
		size_t bit = (size_t)((h[0] + (uint64_t)k * h[1]) &
		    (BLOOM_BITS - 1));
		uint8_t mask = (uint8_t)(1 << (bit % 8));

		if (!(b[bit / 8] & mask))
			all = 0;
		if (add)
			b[bit / 8] |= mask;
	}
	return all;
}

/*---- One line ----*/

enum kind {
	L_KEEP,			/* not theirs */
	/* one of the customers' feedback items */
	L_ITEM,
	L_EVENT,		/* an event of an item in S */
	/* another line that names a customer or an item in S */
	L_NAMED,
};

/*
 * Whether any JSON string in the bytes 'p' names one of the customers or
 * an item in S: for lines that are not records (a torn tail, an alert),
 * whose shape cannot be trusted.
 */
static int
names_someone(const struct job *j, const char *p, size_t len)
{
	char small[512], *buf;
	size_t i = 0, e;

	while (i < len) {
		const char *s;
		long n;

		if (p[i] != '"') {
			i++;
			continue;
		}
		for (e = i + 1; e < len && p[e] != '"'; e++)
			if (p[e] == '\\')
				e++;
		if (e >= len)
			e = len;
		/*
		 * Decoded when it is a whole string token, else as the bytes
		 * stand.
		 */
		buf = e + 1 - i <= sizeof(small) ? small : malloc(e + 1 - i);
		n = -1;
		if (buf != NULL && e < len)
			n = fb_json_string((struct fb_span){ p + i, e + 1 - i },
			    buf, e + 1 - i, &s);
		if (n < 0) {
			s = p + i + 1;
			n = (long)(e - i - 1);
		}
		if (n > 0 && (is_customer(j, s, (size_t)n) ||
		    idset_has(&j->S, s, (size_t)n))) {
			if (buf != small)
				free(buf);
			return 1;
		}
		if (buf != small)
			free(buf);
		i = e + 1;
	}
	return 0;
}

/*
 * Classifies a stored line; 'j->rec' holds it parsed unless L_NAMED or a
 * bad line.
 */
static enum kind
classify(struct job *j, const char *line, size_t len, int *parsed)
{
	const char *s, *type;
	size_t n;

	*parsed = fb_rec_parse(&j->rec, line, len, NULL) == 0;
	if (!*parsed)
		return names_someone(j, line, len) ? L_NAMED : L_KEEP;
	if (fb_rec_is_feedback(&j->rec)) {
		s = fb_rec_get_str(&j->rec, "customer.id", &n);
		return s != NULL && is_customer(j, s, n) ? L_ITEM : L_KEEP;
	}
	type = fb_rec_get_str(&j->rec, "type", NULL);
	if (type != NULL && strcmp(type, "event") == 0) {
		s = fb_rec_get_str(&j->rec, "id", &n);
		if (s != NULL && idset_has(&j->S, s, n))
			return L_EVENT;
		return L_KEEP;
	}
	/* An alert may quote an item or a customer: it goes whole. */
	return names_someone(j, line, len) ? L_NAMED : L_KEEP;
}

static int
in_list(const char *const *list, const char *key, size_t len)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == len && memcmp(*list, key, len) == 0)
			return 1;
	return 0;
}

static void
add_member(struct fb_buf *b, int *first, const char *key, struct fb_span v)
{
	if (!*first)
		fb_buf_addc(b, ',');
	*first = 0;
	fb_buf_json_str(b, key, strlen(key));
	fb_buf_addc(b, ':');
	fb_buf_add(b, v.p, v.len);
}

/* The skeleton of the item in 'j->rec', into 'j->line'. */
static void
skeleton(struct job *j)
{
	struct fb_buf *b = &j->line;
	struct fb_span v;
	char path[64];
	size_t k, m;
	int first = 1;

	b->len = 0;
	fb_buf_addc(b, '{');
	for (k = 0; item_keep[k] != NULL; k++)
		if (fb_rec_raw(&j->rec, item_keep[k], &v))
			add_member(b, &first, item_keep[k], v);
	for (k = 0; k < sizeof(item_keep_sub) / sizeof(item_keep_sub[0]); k++) {
		int sub_first = 1;

		for (m = 0; item_keep_sub[k].sub[m] != NULL; m++) {
			snprintf(path, sizeof(path), "%s.%s",
			    item_keep_sub[k].parent, item_keep_sub[k].sub[m]);
			if (!fb_rec_raw(&j->rec, path, &v))
				continue;
			if (sub_first) {
				if (!first)
					fb_buf_addc(b, ',');
				first = 0;
				fb_buf_json_str(b, item_keep_sub[k].parent,
				    strlen(item_keep_sub[k].parent));
				fb_buf_adds(b, ":{");
			}
			add_member(b, &sub_first, item_keep_sub[k].sub[m], v);
		}
		if (!sub_first)
			fb_buf_addc(b, '}');
	}
	if (!first)
		fb_buf_addc(b, ',');
	fb_buf_adds(b, "\"forgotten\":true}");
}

/*
 * The event in 'j->rec' without free text, into 'j->line'; returns 0
 * when it has nothing to drop (the line stays as it is, and so does its
 * key in the index).
 */
static int
scrub_event(struct job *j)
{
	struct fb_buf *b = &j->line;
	struct fb_span v;
	size_t k, m;
	int first = 1, extra = 0;

	for (k = 0; k < j->rec.nmembers && !extra; k++) {
		const struct fb_member *mb = &j->rec.members[k];

		if (mb->key_escaped ||
		    !in_list(event_keep, mb->key.p, mb->key.len))
			extra = 1;
		for (m = 0; m < k && !extra; m++)
			if (j->rec.members[m].key.len == mb->key.len &&
			    memcmp(j->rec.members[m].key.p, mb->key.p,
			    mb->key.len) == 0)
				/* a repeated key hides a value */
				extra = 1;
	}
	if (!extra)
		return 0;
	b->len = 0;
	fb_buf_addc(b, '{');
	for (k = 0; event_keep[k] != NULL; k++)
		if (fb_rec_raw(&j->rec, event_keep[k], &v))
			add_member(b, &first, event_keep[k], v);
	fb_buf_addc(b, '}');
	return 1;
}

/*---- Reading files ----*/

typedef int line_fn(struct job *j, const char *line, size_t len,
    size_t raw_len, void *arg);

/* Calls 'fn' on each line of the file 'name' in 'dirfd' (gzip or plain). */
static int
each_line(struct job *j, int dirfd, const char *name, line_fn *fn, void *arg,
    struct fb_error *err)
{
	struct fb_reader *r;
	struct fb_line line;
	int fd, n;

	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
		return fb_error_set(err, "cannot open '%s': %s", name,
		    strerror(errno));
	if ((r = fb_reader_fdopen(fd, name, STORED_LINE_MAX, err)) == NULL)
		return -1;
	while ((n = fb_reader_next(r, &line, err)) > 0) {
		if (line.status != FB_LINE_OK) {
			n = fb_error_set(err, "'%s' has a line over 1G", name);
			break;
		}
		if (fn(j, line.data, line.len, line.raw_len, arg) < 0) {
			n = fb_error_set(err, "out of memory");
			break;
		}
	}
	fb_reader_close(r);
	if (n < 0)
		return fb_error_set(err, "'%s' cannot be read whole (%s); run "
		    "'fb-store verify --repair' first", name, err->msg);
	return 0;
}

/* Pass 1: the customers' items, and the event ids of a sealed segment. */
static int
collect_line(struct job *j, const char *line, size_t len, size_t raw_len,
    void *arg)
{
	size_t segk = (size_t)(uintptr_t)arg, n;
	const char *s, *type;
	int parsed;

	(void)raw_len;
	if (len == 0)
		return 0;
	switch (classify(j, line, len, &parsed)) {
	case L_ITEM:
		s = fb_rec_get_str(&j->rec, "id", &n);
		if (s != NULL && n > 0 && idset_add(&j->S, s, n) < 0)
			return -1;
		if (segk != SIZE_MAX)
			j->need[segk] = 1;
		break;
	case L_NAMED:
		if (segk != SIZE_MAX)
			j->need[segk] = j->other[segk] = 1;
		break;
	default:
		if (segk == SIZE_MAX)
			break;
		if (!parsed) {
			j->other[segk] = 1;
			break;
		}
		type = fb_rec_get_str(&j->rec, "type", NULL);
		if (type != NULL && strcmp(type, "event") == 0 &&
		    (s = fb_rec_get_str(&j->rec, "id", &n)) != NULL)
			bloom_probe(j->bloom[segk], s, n, 1);
		else if (type != NULL)
			j->need[segk] = j->other[segk] = 1;	/* alerts */
		break;
	}
	return 0;
}

/* What pass 2 makes of one file. */
struct rewrite {
	int changed, sealed;
	int fast;		/* lines without an id of S need no parsing */
	uint64_t kept;
	size_t first_off, last_off, last_len;	/* kept lines, in 'out' */
	size_t first_len;
};

/*
 * Notes a line kept at the end of 'j->out', for the header of a sealed
 * segment.
 */
static void
note_kept(struct job *j, struct rewrite *rw, size_t len)
{
	if (rw->kept++ == 0) {
		rw->first_off = j->out.len;
		rw->first_len = len;
	}
	rw->last_off = j->out.len;
	rw->last_len = len;
}

/*
 * Whether the line may concern S: it holds one of the ids as written, or
 * a backslash (an id could be spelt with escapes).  Items of the
 * customers hold their ids, which pass 1 put in S.
 */
/* Whether 'needle' (n >= 1 bytes) occurs in 'hay'; memmem(3) is not POSIX. */
static int
has_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
	const char *p = hay, *end = hay + len;

	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return 1;
		p++;
	}
	return 0;
}

static int
may_concern(const struct job *j, const char *line, size_t len)
{
	size_t k;

	if (memchr(line, '\\', len) != NULL)
		return 1;
	for (k = 0; k < j->S.n; k++)
		if (has_bytes(line, len, j->S.ids[k], strlen(j->S.ids[k])))
			return 1;
	return 0;
}

static int
push_key(struct job *j, const char *line, size_t len)
{
	if (j->nkeys == j->keys_cap) {
		size_t ncap = j->keys_cap ? j->keys_cap * 2 : 64;
		struct fb_key *k = realloc(j->keys, ncap * sizeof(*k));

		if (k == NULL)
			return -1;
		j->keys = k;
		j->keys_cap = ncap;
	}
	if (fb_rec_parse(&j->rec2, line, len, NULL) < 0)
		return 0;
	j->keys[j->nkeys++] = fb_store_key(&j->rec2);
	return 0;
}

/* Pass 2: the new contents of a file, line by line. */
static int
rewrite_line(struct job *j, const char *line, size_t len, size_t raw_len,
    void *arg)
{
	struct rewrite *rw = arg;
	int parsed;

	if (len == 0 || (rw->fast && !may_concern(j, line, len))) {
		if (len > 0)
			note_kept(j, rw, len);
		fb_buf_add(&j->out, line, raw_len);
		fb_buf_addc(&j->out, '\n');
		return j->out.err ? -1 : 0;
	}
	switch (classify(j, line, len, &parsed)) {
	case L_KEEP:
		note_kept(j, rw, len);
		fb_buf_add(&j->out, line, raw_len);
		break;
	case L_ITEM:
		j->f->records++;
		rw->changed = 1;
		if (j->f->drop)
			return 0;
		skeleton(j);
		note_kept(j, rw, j->line.len);
		fb_buf_add(&j->out, j->line.p, j->line.len);
		break;
	case L_EVENT:
		if (j->f->drop) {
			j->f->events++;
			rw->changed = 1;
			return 0;
		}
		if (!scrub_event(j)) {
			note_kept(j, rw, len);
			fb_buf_add(&j->out, line, raw_len);
			break;
		}
		j->f->events++;
		rw->changed = 1;
		note_kept(j, rw, j->line.len);
		fb_buf_add(&j->out, j->line.p, j->line.len);
		if (j->line.err || push_key(j, j->line.p, j->line.len) < 0)
			return -1;
		break;
	case L_NAMED:
		j->f->other++;
		rw->changed = 1;
		return 0;
	}
	fb_buf_addc(&j->out, '\n');
	return j->out.err || j->line.err ? -1 : 0;
}

/*---- Writing files ----*/

/*
 * Writes 'data' gzip-compressed to 'fd', with 'comment' in the header when
 * not NULL.
 */
static int
write_gzip(int fd, const char *data, size_t len, const char *comment,
    int level)
{
	unsigned char out[64 * 1024];
	z_stream zs;
	gz_header h;
	int rc, flush;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		errno = ENOMEM;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.os = 3;	/* Unix, as fb_store_write_sealed() writes it */
	h.comment = (unsigned char *)(uintptr_t)comment;
	deflateSetHeader(&zs, &h);
	zs.next_in = (unsigned char *)(uintptr_t)data;
	do {
		/* avail_in is 32 bits: feed a gigabyte at a time. */
		size_t piece = len > (1u << 30) ? (1u << 30) : len;

		zs.avail_in = (uInt)piece;
		len -= piece;
		flush = len == 0 ? Z_FINISH : Z_NO_FLUSH;
		do {
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			rc = deflate(&zs, flush);
			if (rc == Z_STREAM_ERROR ||
			    fb_write_all(fd, (char *)out,
			    sizeof(out) - zs.avail_out) < 0) {
				deflateEnd(&zs);
				return -1;
			}
		} while (zs.avail_out == 0);
	} while (flush != Z_FINISH);
	deflateEnd(&zs);
	return 0;
}

/*
 * Replaces 'name' in 'dirfd' by 'data': a temporary file ("NAME.tmp",
 * which a writer's recovery removes if we die), fsynced, renamed over it,
 * the directory fsynced.  'comment' != NULL makes a gzip file.
 */
static int
replace_file(struct fb_store *st, int dirfd, const char *name,
    const char *data, size_t len, const char *comment, int gz,
    struct fb_error *err)
{
	char tmp[300];
	int fd, level = st->lim.level > 0 ? st->lim.level : FB_STORE_LEVEL;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    FB_STORE_FILE_MODE);
	if (fd < 0)
		return fb_error_set(err, "cannot create '%s/%s': %s", st->dir,
		    tmp, strerror(errno));
	if ((gz ? write_gzip(fd, data, len, comment, level) :
	    fb_write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
		fb_error_set(err, "cannot write '%s/%s': %s", st->dir, tmp,
		    strerror(errno));
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0 ||
	    fsync(dirfd) < 0) {
		fb_error_set(err, "cannot replace '%s/%s': %s", st->dir, name,
		    strerror(errno));
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/*
 * Pass 2 on one file.  'seq' is its segment's sequence number (0 for a
 * quarantine file), 'sealed' whether it is a sealed segment.
 */
static int
rewrite_file(struct job *j, int dirfd, const char *name, uint32_t seq,
    int sealed, int gz, int fast, struct fb_error *err)
{
	struct fb_store *st = j->st;
	struct rewrite rw;
	char comment[160], mn[FB_TIME_BUFSZ], mx[FB_TIME_BUFSZ];
	uint64_t before_r = j->f->records, before_e = j->f->events;
	size_t k;

	memset(&rw, 0, sizeof(rw));
	rw.sealed = sealed;
	rw.fast = fast && j->S.n <= 64;
	j->out.len = 0;
	j->nkeys = 0;
	if (each_line(j, dirfd, name, rewrite_line, &rw, err) < 0)
		return -1;
	if (j->out.err || j->line.err)
		return fb_error_set(err, "out of memory");
	if (!rw.changed)
		return 0;
	j->f->files++;
	if (j->f->dry_run) {
		fb_store_note(st, name,
		    "would erase %llu records and %llu events",
		    (unsigned long long)(j->f->records - before_r),
		    (unsigned long long)(j->f->events - before_e));
		return 0;
	}
	/*
	 * A rewritten event is a new line, so a new key: into the index
	 * before the line is in place, so no crash leaves it unindexed.
	 */
	if (j->nkeys > 0 && seq > 0) {
		for (k = 0; k < j->nkeys; k++)
			if (fb_idx_add(&st->idx, st->dirfd, j->keys[k], seq,
			    err) < 0)
				return -1;
		if (fb_idx_sync(&st->idx, st->idx.hdr->wm_seq,
		    st->idx.hdr->wm_off, err) < 0)
			return -1;
	}
	if (sealed && rw.kept == 0) {
		/* Nothing left: the segment goes; its ids stay in the index. */
		if (unlinkat(dirfd, name, 0) < 0 || fsync(dirfd) < 0)
			return fb_error_set(err, "cannot remove '%s': %s", name,
			    strerror(errno));
		return 0;
	}
	comment[0] = '\0';
	if (sealed) {
		fb_time_t min, max;

		/*
		 * A sealed segment is sorted by ts, and stays so: its ends
		 * are its range.
		 */
		if (fb_store_line_ts(st, j->out.p + rw.first_off, rw.first_len,
		    &min) < 0 || fb_store_line_ts(st, j->out.p + rw.last_off,
		    rw.last_len, &max) < 0)
			return fb_error_set(err, "'%s': a record without a "
			    "valid ts; run 'fb-store verify --repair' first",
			    name);
		fb_time_format(min, mn);
		fb_time_format(max, mx);
		snprintf(comment, sizeof(comment), HDR_TAG
		    "min=%s max=%s records=%llu", mn, mx,
		    (unsigned long long)rw.kept);
	}
	return replace_file(st, dirfd, name, j->out.p ? j->out.p : "",
	    j->out.len, comment, gz, err);
}

/*---- The pending job and the audit log ----*/

static int
hex_digest(const char *s, unsigned char d[FB_SHA256_LEN])
{
	size_t i;

	if (strlen(s) != 2 * FB_SHA256_LEN)
		return -1;
	for (i = 0; i < FB_SHA256_LEN; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		d[i] = (unsigned char)v;
	}
	return 0;
}

/* Writes forget.pending: the mode, the customers' digests and S. */
static int
save_pending(struct job *j, struct fb_error *err)
{
	json_t *o = json_object(), *c = json_array(), *ids = json_array();
	char hex[2 * FB_SHA256_LEN + 1], *text = NULL;
	size_t k;
	int rc = -1;

	if (o == NULL || c == NULL || ids == NULL)
		goto out;
	for (k = 0; k < j->ncust; k++) {
		fb_hex(j->cust[k], FB_SHA256_LEN, hex);
		if (json_array_append_new(c, json_string(hex)) < 0)
			goto out;
	}
	for (k = 0; k < j->S.n; k++)
		if (json_array_append_new(ids, json_string(j->S.ids[k])) < 0)
			goto out;
	if (json_object_set_new(o, "mode", json_string(j->f->drop ? "drop" :
	    "redact")) < 0 || json_object_set(o, "customer_sha256", c) < 0 ||
	    json_object_set(o, "ids", ids) < 0 ||
	    (text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	rc = replace_file(j->st, j->st->dirfd, PENDING, text, strlen(text),
	    NULL, 0, err);
	free(text);
	json_decref(o);
	json_decref(c);
	json_decref(ids);
	return rc;
out:
	json_decref(o);
	json_decref(c);
	json_decref(ids);
	return fb_error_set(err, "out of memory");
}

/*
 * Reads a forget.pending left by a run that died: its customers and ids
 * join this run's, and its mode wins if it dropped.  Returns 1 if there
 * was one, 0, or -1.
 */
static int
load_pending(struct job *j, struct fb_error *err)
{
	json_error_t jerr;
	json_t *o, *v;
	size_t k, n;
	int fd;

	if ((fd = openat(j->st->dirfd, PENDING, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		return fb_error_set(err, "cannot open '%s/%s': %s", j->st->dir,
		    PENDING, strerror(errno));
	}
	o = json_loadfd(fd, 0, &jerr);
	close(fd);
	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return fb_error_set(err, "'%s/%s' is damaged: %s", j->st->dir,
		    PENDING, jerr.text);
	}
	v = json_object_get(o, "mode");
	if (json_is_string(v) && strcmp(json_string_value(v), "drop") == 0)
		j->f->drop = 1;
	v = json_object_get(o, "customer_sha256");
	n = json_array_size(v);
	if (n > 0) {
		unsigned char (*c)[FB_SHA256_LEN] = realloc(j->cust,
		    (j->ncust + n) * FB_SHA256_LEN);

		if (c == NULL) {
			json_decref(o);
			return fb_error_set(err, "out of memory");
		}
		j->cust = c;
		for (k = 0; k < n; k++) {
			const char *s = json_string_value(json_array_get(v, k));

			if (s != NULL && hex_digest(s, j->cust[j->ncust]) == 0)
				j->ncust++;
		}
	}
	v = json_object_get(o, "ids");
	for (k = 0; k < json_array_size(v); k++) {
		json_t *id = json_array_get(v, k);

		if (json_is_string(id) && idset_add(&j->S,
		    json_string_value(id), json_string_length(id)) < 0) {
			json_decref(o);
			return fb_error_set(err, "out of memory");
		}
	}
	json_decref(o);
	return 1;
}

/*
 * Adds 's' to the log line: ids are data, so nothing that could split the
 * line.
 */
static void
add_plain(struct fb_buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		fb_buf_addc(b, (unsigned char)*s <= ' ' || *s == ',' ||
		    *s == 0x7f ? '_' : *s);
}

static int
audit(struct job *j, struct fb_error *err)
{
	struct fb_buf b = { NULL, 0, 0, 0 };
	char ts[FB_TIME_BUFSZ], hex[2 * FB_SHA256_LEN + 1];
	size_t k;
	int fd, rc = 0;

	fb_time_format(fb_time_now(), ts);
	fb_buf_printf(&b, "%s forget customers=%zu records=%llu events=%llu "
	    "segments=%llu mode=%s customer_sha256=", ts, j->ncust,
	    (unsigned long long)j->f->records, (unsigned long long)j->f->events,
	    (unsigned long long)j->f->files, j->f->drop ? "drop" : "redact");
	for (k = 0; k < j->ncust; k++) {
		fb_hex(j->cust[k], FB_SHA256_LEN, hex);
		fb_buf_printf(&b, "%s%s", k ? "," : "", hex);
	}
	fb_buf_adds(&b, " ids=");
	for (k = 0; k < j->S.n; k++) {
		if (k > 0)
			fb_buf_addc(&b, ',');
		add_plain(&b, j->S.ids[k]);
	}
	/*
	 * A run a crash cut short was finished here: its counts are the
	 * rest.
	 */
	if (j->f->resumed)
		fb_buf_adds(&b, " resumed=1");
	fb_buf_addc(&b, '\n');
	if (b.err) {
		fb_buf_release(&b);
		return fb_error_set(err, "out of memory");
	}
	fd = openat(j->st->dirfd, AUDIT_LOG, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, FB_STORE_FILE_MODE);
	if (fd < 0 || fb_write_all(fd, b.p, b.len) < 0 || fsync(fd) < 0)
		rc = fb_error_set(err, "cannot write '%s/%s': %s", j->st->dir,
		    AUDIT_LOG, strerror(errno));
	if (fd >= 0)
		close(fd);
	fb_buf_release(&b);
	return rc;
}

/*---- The run ----*/

/* The regular files of quarantine/, sorted, in a NULL-terminated list. */
static char **
quarantine_files(struct job *j)
{
	struct dirent *de;
	struct stat sb;
	char **names = NULL;
	size_t n = 0;
	DIR *d;
	int fd;

	if (j->qfd < 0 || (fd = dup(j->qfd)) < 0)
		return calloc(1, sizeof(char *));
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		char **p;

		if (de->d_name[0] == '.' ||
		    fstatat(j->qfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(sb.st_mode) ||
		    strcmp(de->d_name + strlen(de->d_name) -
		    (strlen(de->d_name) >= 4 ? 4 : 0), ".tmp") == 0)
			continue;
		if ((p = realloc(names, (n + 2) * sizeof(*p))) == NULL)
			break;
		names = p;
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (names == NULL)
		return calloc(1, sizeof(char *));
	names[n] = NULL;
	return names;
}

static void
free_names(char **names)
{
	size_t k;

	for (k = 0; names != NULL && names[k] != NULL; k++)
		free(names[k]);
	free(names);
}

static int
is_gz_name(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".gz") == 0;
}

static int
run(struct job *j, struct fb_error *err)
{
	struct fb_store *st = j->st;
	char **qnames = NULL;
	size_t k, i;
	int rc = -1;

	if ((j->need = calloc(st->nsegs + 1, 1)) == NULL ||
	    (j->other = calloc(st->nsegs + 1, 1)) == NULL ||
	    (j->bloom = calloc(st->nsegs + 1, sizeof(*j->bloom))) == NULL)
		return fb_error_set(err, "out of memory");
	/* Pass 1 */
	for (k = 0; k < st->nsegs; k++) {
		if ((j->bloom[k] = calloc(BLOOM_BITS / 8, 1)) == NULL) {
			fb_error_set(err, "out of memory");
			goto out;
		}
		if (each_line(j, st->dirfd, st->segs[k].name, collect_line,
		    (void *)(uintptr_t)k, err) < 0)
			goto out;
	}
	if (st->nopens > 0 && each_line(j, st->dirfd,
	    st->opens[st->nopens - 1].name, collect_line,
	    (void *)(uintptr_t)SIZE_MAX, err) < 0)
		goto out;
	if ((qnames = quarantine_files(j)) == NULL) {
		fb_error_set(err, "cannot list '%s/%s'", st->dir, QUARANTINE);
		goto out;
	}
	for (k = 0; qnames[k] != NULL; k++)
		if (each_line(j, j->qfd, qnames[k], collect_line,
		    (void *)(uintptr_t)SIZE_MAX, err) < 0)
			goto out;
	if (!j->f->dry_run && j->S.n > 0 && save_pending(j, err) < 0)
		goto out;

	/* Pass 2: sealed segments that may hold something of theirs */
	for (k = 0; k < st->nsegs; k++) {
		int need = j->need[k];

		for (i = 0; !need && i < j->S.n; i++)
			need = bloom_probe(j->bloom[k], j->S.ids[i],
			    strlen(j->S.ids[i]), 0);
		free(j->bloom[k]);
		j->bloom[k] = NULL;
		if (need && rewrite_file(j, st->dirfd, st->segs[k].name,
		    st->segs[k].seq, 1, 1, !j->other[k], err) < 0)
			goto out;
	}
	if (st->nopens > 0) {
		const struct seg *op = &st->opens[st->nopens - 1];

		if (rewrite_file(j, st->dirfd, op->name, op->seq, 0, 0, 0,
		    err) < 0)
			goto out;
		/* A shorter open segment: the index's watermark follows it. */
		if (!j->f->dry_run && fb_store_catch_up(st, 0, err) < 0)
			goto out;
	}
	for (k = 0; qnames[k] != NULL; k++)
		if (rewrite_file(j, j->qfd, qnames[k], 0, 0,
		    is_gz_name(qnames[k]), 0, err) < 0)
			goto out;
	rc = 0;
out:
	for (k = 0; k < st->nsegs; k++)
		free(j->bloom[k]);
	free(j->bloom);
	free(j->need);
	free(j->other);
	j->bloom = NULL;
	j->need = NULL;
	j->other = NULL;
	free_names(qnames);
	return rc;
}

int
fb_store_forget(struct fb_store *st, struct fb_forget *f, struct fb_error *err)
{
	struct job j;
	size_t k;
	int rc = -1, pending = 0;

	memset(&j, 0, sizeof(j));
	j.st = st;
	j.f = f;
	j.qfd = -1;
	f->records = f->events = f->other = f->files = 0;
	f->resumed = 0;
	f->ids = NULL;
	fb_rec_init(&j.rec);
	fb_rec_init(&j.rec2);
	if (f->ncustomers > 0) {
		if ((j.cust = malloc(f->ncustomers * FB_SHA256_LEN)) == NULL)
			return fb_error_set(err, "out of memory");
		memcpy(j.cust, f->customers, f->ncustomers * FB_SHA256_LEN);
		j.ncust = f->ncustomers;
	}
	if (f->dry_run) {
		if (fb_store_lock(st, LOCK_SH, err) < 0 ||
		    fb_store_list(st, err) < 0)
			goto out;
	} else if (fb_store_writer_begin(st, err) < 0)
		goto out;
	if (!f->dry_run && (pending = load_pending(&j, err)) < 0)
		goto out;
	f->resumed = pending;
	if (j.ncust > 1)
		qsort(j.cust, j.ncust, FB_SHA256_LEN, cmp_digest);
	/* the same customer twice counts once */
	for (k = 1; k < j.ncust; k++)
		if (memcmp(j.cust[k], j.cust[k - 1], FB_SHA256_LEN) == 0) {
			memmove(j.cust[k], j.cust[k + 1],
			    (j.ncust - k - 1) * FB_SHA256_LEN);
			j.ncust--;
			k--;
		}
	j.qfd = openat(st->dirfd, QUARANTINE, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (run(&j, err) < 0)
		goto out;
	f->ncustomers_run = j.ncust;
	if (!f->dry_run) {
		if (audit(&j, err) < 0)
			goto out;
		/*
		 * Done: only now may the link from events to the customer
		 * go.
		 */
		if (pending || j.S.n > 0) {
			if (unlinkat(st->dirfd, PENDING, 0) < 0 &&
			    errno != ENOENT) {
				fb_error_set(err, "cannot remove '%s/%s': %s",
				    st->dir, PENDING, strerror(errno));
				goto out;
			}
			/*
			 * If this is lost, the next run only finds nothing to
			 * do.
			 */
			(void)fsync(st->dirfd);
		}
	}
	{
		struct fb_buf b = { NULL, 0, 0, 0 };

		for (k = 0; k < j.S.n; k++) {
			if (k > 0)
				fb_buf_adds(&b, ", ");
			add_plain(&b, j.S.ids[k]);
		}
		if (b.err) {
			fb_buf_release(&b);
			fb_error_set(err, "out of memory");
			goto out;
		}
		f->ids = b.p != NULL ? b.p : strdup("");
		f->nids = j.S.n;
	}
	rc = 0;
out:
	if (j.qfd >= 0)
		close(j.qfd);
	fb_store_unlock(st);
	fb_rec_release(&j.rec);
	fb_rec_release(&j.rec2);
	fb_buf_release(&j.out);
	fb_buf_release(&j.line);
	idset_release(&j.S);
	free(j.keys);
	free(j.cust);
	return rc;
}

void
fb_forget_release(struct fb_forget *f)
{
	free(f->ids);
	f->ids = NULL;
}
