/*
 * test_store: the log store (append, commit, cat in time order, dedup,
 * rotate, stats, prune, verify), its id index on its own, the dedup key,
 * and known answers of the MurmurHash3 fingerprint.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fb_store_int.h"
#include "tap.h"

#define T0 1795305600000LL	/* 2026-11-22T00:00:00Z */
#define MIN(m) ((fb_time_t)(m) * 60000)

static char tmpdir[] = "/tmp/fb-unit-store-XXXXXX";

/*---- Helpers ----*/

static char *
path_in(const char *a, const char *b)
{
	char *p = malloc(strlen(a) + strlen(b) + 2);

	if (p == NULL)
		abort();
	sprintf(p, "%s/%s", a, b);
	return p;
}

static void
rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *p;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = path_in(dir, de->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_rf(p);
		else
			unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* The number of files in 'dir' whose names start with 'prefix' and end with 'suffix'. */
static int
count_files(const char *dir, const char *prefix, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), ls = strlen(suffix);

		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && l >= ls &&
		    strcmp(de->d_name + l - ls, suffix) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* What the store noted, counted and the last one kept for test names. */
static int nnotes;
static char last_note[600];

static void
note_cb(void *arg, const char *name, const char *msg)
{
	(void)arg;
	nnotes++;
	snprintf(last_note, sizeof(last_note), "%s: %s", name, msg);
}

/* A feedback record line with id fb-N at time 't'. */
static char *
item(int n, fb_time_t t, const char *text)
{
	char ts[FB_TIME_BUFSZ], *s = malloc(200);

	if (s == NULL)
		abort();
	fb_time_format(t, ts);
	snprintf(s, 200, "{\"id\":\"fb-%d\",\"ts\":\"%s\",\"text\":\"%s\"}", n, ts, text);
	return s;
}

static char *
event(int n, fb_time_t t, const char *what)
{
	char ts[FB_TIME_BUFSZ], *s = malloc(200);

	if (s == NULL)
		abort();
	fb_time_format(t, ts);
	snprintf(s, 200, "{\"type\":\"event\",\"id\":\"fb-%d\",\"ts\":\"%s\",\"what\":\"%s\"}",
	    n, ts, what);
	return s;
}

/* Parses 'line' and appends it with its own ts; frees 'line'. */
static int
append(struct fb_store *st, char *line)
{
	struct fb_rec rec;
	struct fb_error err = { "", 0, 0 };
	int rc;

	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, line, strlen(line), &err) < 0) {
		diag("bad test record %s: %s", line, err.msg);
		rc = -2;
	} else if ((rc = fb_store_append(st, &rec, &err)) < 0)
		diag("append: %s", err.msg);
	fb_rec_release(&rec);
	free(line);
	return rc;
}

static int
commit(struct fb_store *st)
{
	struct fb_error err = { "", 0, 0 };
	int rc = fb_store_commit(st, &err);

	if (rc < 0)
		diag("commit: %s", err.msg);
	return rc;
}

struct lines {
	char **v;
	size_t n, cap;
	int stop_after;		/* 0: never stop */
};

static int
collect(void *arg, const char *line, size_t len)
{
	struct lines *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		if ((l->v = realloc(l->v, l->cap * sizeof(*l->v))) == NULL)
			abort();
	}
	if ((l->v[l->n] = malloc(len + 1)) == NULL)
		abort();
	memcpy(l->v[l->n], line, len);
	l->v[l->n++][len] = '\0';
	return l->stop_after && (int)l->n >= l->stop_after ? -1 : 0;
}

static void
lines_free(struct lines *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		free(l->v[k]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The ids ("fb-N" numbers) of the lines, as "4 2 3", for comparing orders. */
static void
ids_of(const struct lines *l, char *buf, size_t cap)
{
	size_t k, at = 0;

	buf[0] = '\0';
	for (k = 0; k < l->n && at + 16 < cap; k++) {
		const char *p = strstr(l->v[k], "\"fb-");
		int n = p ? atoi(p + 4) : -1;

		at += (size_t)snprintf(buf + at, cap - at, "%s%d", k ? " " : "", n);
	}
}

static int
cat_ids(struct fb_store *st, fb_time_t since, fb_time_t until, char *buf,
    size_t cap)
{
	struct lines l = { NULL, 0, 0, 0 };
	struct fb_error err = { "", 0, 0 };
	int rc = fb_store_cat(st, since, until, collect, &l, &err);

	if (rc < 0)
		diag("cat: %s", err.msg);
	ids_of(&l, buf, cap);
	lines_free(&l);
	return rc;
}

/*---- The store ----*/

static void
test_store_basic(void)
{
	char *dir = path_in(tmpdir, "a/b/store"), ids[256];
	struct fb_error err = { "", 0, 0 };
	struct fb_store *st;
	struct fb_store_pruned pr;
	struct lines l = { NULL, 0, 0, 0 };
	char *want[5], *l9;
	size_t open_bytes;
	json_t *stats;
	int k, rc;

	st = fb_store_open(dir, FB_STORE_WRITE, NULL, note_cb, NULL, &err);
	if (!ok(st != NULL, "open a new store (parent directories created)")) {
		diag("%s", err.msg);
		free(dir);
		return;
	}
	/* Out of time order on purpose: ids 1..5 at hours 3 1 2 0 4. */
	want[0] = item(4, T0, "zero");
	want[1] = item(2, T0 + MIN(60), "one");
	want[2] = item(3, T0 + MIN(120), "two \\u00e9 \\/");
	want[3] = item(1, T0 + MIN(180), "three");
	want[4] = item(5, T0 + MIN(240), "four");
	rc = append(st, strdup(want[3]));
	rc += append(st, strdup(want[1]));
	rc += append(st, strdup(want[2]));
	rc += append(st, strdup(want[0]));
	rc += append(st, strdup(want[4]));
	is_int(rc, 5, "append queues 5 records (each returns 1)");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "", "nothing is readable before commit");
	is_int(commit(st), 0, "commit");

	rc = fb_store_cat(st, FB_TIME_MIN, FB_TIME_MAX, collect, &l, &err);
	is_int(rc, 0, "cat returns 0");
	is_uint(l.n, 5, "cat returns the 5 records");
	for (k = 0; k < 5 && (size_t)k < l.n; k++)
		is_str(l.v[k], want[k], "cat record %d in ts order, bytes as appended", k + 1);
	lines_free(&l);

	cat_ids(st, T0 + MIN(60), T0 + MIN(180), ids, sizeof(ids));
	is_str(ids, "2 3", "cat window [1h, 3h): since inclusive, until exclusive");
	cat_ids(st, T0 + MIN(600), FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "", "cat of a window after everything is empty");
	is_int(count_files(dir, "open-", ".ndjson"), 1, "one open segment");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 0, "no sealed segment yet");

	is_int(fb_store_rotate(st, &err), 0, "rotate");
	is_int(count_files(dir, "open-", ".ndjson"), 0, "rotate: the open segment is gone");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 1, "rotate: one sealed segment");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "4 2 3 1 5", "cat after rotate: same records, same order");
	is_int(fb_store_rotate(st, &err), 0, "rotate with nothing open");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 1, "rotate with nothing open seals nothing");

	/* New records between and at the times of the sealed ones. */
	append(st, item(6, T0 + MIN(30), "half"));
	append(st, item(7, T0 + MIN(300), "five"));
	append(st, item(8, T0 + MIN(120), "two again"));
	commit(st);
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "4 6 2 3 8 1 5 7", "cat merges the sealed and the open segment by ts");
	is_int(fb_store_rotate(st, &err), 0, "rotate again");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 2, "two sealed segments");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "4 6 2 3 8 1 5 7", "cat merges two sealed segments by ts");
	cat_ids(st, T0 + MIN(120), T0 + MIN(120) + 1, ids, sizeof(ids));
	is_str(ids, "3 8", "cat of a 1 ms window: equal times in store order");
	cat_ids(st, T0 + MIN(45), T0 + MIN(250), ids, sizeof(ids));
	is_str(ids, "2 3 8 1 5", "cat of a window across both segments");

	l.stop_after = 2;
	rc = fb_store_cat(st, FB_TIME_MIN, FB_TIME_MAX, collect, &l, &err);
	ok(rc == -1 && l.n == 2, "cat stops when the callback returns -1 (rc %d, %zu calls)",
	    rc, l.n);
	lines_free(&l);

	l9 = item(9, T0 + MIN(360), "six");
	open_bytes = strlen(l9) + 1;
	append(st, l9);
	commit(st);
	stats = fb_store_stats(st, &err);
	if (ok(json_is_object(stats), "stats is an object")) {
		json_t *v;

		is_str(json_string_value(json_object_get(stats, "store")), dir, "stats store");
		is_int(json_integer_value(json_object_get(stats, "segments")), 2, "stats segments");
		is_int(json_integer_value(json_object_get(stats, "records")), 9, "stats records");
		is_int(json_integer_value(json_object_get(stats, "sealed_records")), 8,
		    "stats sealed_records");
		is_int(json_integer_value(json_object_get(stats, "open_records")), 1,
		    "stats open_records");
		ok(json_integer_value(json_object_get(stats, "bytes_compressed")) > 0,
		    "stats bytes_compressed");
		v = json_object_get(stats, "bytes_open");
		is_int(json_integer_value(v), (intmax_t)open_bytes,
		    "stats bytes_open is the open segment's size");
		is_str(json_string_value(json_object_get(stats, "min_ts")),
		    "2026-11-22T00:00:00Z", "stats min_ts");
		is_str(json_string_value(json_object_get(stats, "max_ts")),
		    "2026-11-22T06:00:00Z", "stats max_ts");
		is_int(json_integer_value(json_object_get(stats, "index_ids")), 9,
		    "stats index_ids");
		is_int(json_integer_value(json_object_get(stats, "quarantined")), 0,
		    "stats quarantined");
	}
	json_decref(stats);

	nnotes = 0;
	is_int(fb_store_verify(st, 0, &err), 0, "verify: a clean store has no problems");
	is_int(nnotes, 0, "verify: nothing noted");
	if (nnotes)
		diag("last note: %s", last_note);

	/* Segment 1 holds hours 0-4, segment 2 hours 0.5-5. */
	is_int(fb_store_prune(st, T0 + MIN(240) + 1, 1, &pr, &err), 0, "prune dry run");
	ok(pr.segments == 1 && pr.records == 5, "prune dry run counts 1 segment, 5 records");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 2, "prune dry run removes nothing");
	is_int(fb_store_prune(st, T0 + MIN(240) + 1, 0, &pr, &err), 0, "prune");
	ok(pr.segments == 1 && pr.records == 5, "prune removed 1 segment of 5 records");
	is_int(count_files(dir, "feedback-", ".ndjson.gz"), 1, "one sealed segment left");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "6 8 7 9", "cat after prune: the kept segment and the open one");
	is_int(fb_store_prune(st, T0, 0, &pr, &err), 0, "prune with an early cutoff");
	ok(pr.segments == 0 && pr.records == 0, "prune with an early cutoff removes nothing");
	stats = fb_store_stats(st, &err);
	is_int(json_integer_value(json_object_get(stats, "index_ids")), 4,
	    "prune drops the pruned segment's ids from the index");
	json_decref(stats);
	is_int(fb_store_verify(st, 0, &err), 0, "verify after prune");

	for (k = 0; k < 5; k++)
		free(want[k]);
	fb_store_close(st);
	free(dir);
}

static void
test_store_dedup(void)
{
	char *dir = path_in(tmpdir, "dedup"), ids[256];
	struct fb_error err = { "", 0, 0 };
	struct fb_store *st, *plain;

	st = fb_store_open(dir, FB_STORE_WRITE | FB_STORE_DEDUP, NULL, note_cb,
	    NULL, &err);
	if (!ok(st != NULL, "open a store with FB_STORE_DEDUP")) {
		free(dir);
		return;
	}
	append(st, item(1, T0, "a"));
	append(st, item(2, T0 + 1000, "b"));
	commit(st);
	is_uint(fb_store_dropped(st), 0, "dedup: nothing dropped from new records");

	is_int(append(st, item(1, T0, "a")), 1,
	    "dedup: a stored record is queued; duplicates are found at commit");
	commit(st);
	is_uint(fb_store_dropped(st), 1, "dedup: a repeated record is dropped");
	append(st, item(1, T0 + 5000, "a, edited"));
	commit(st);
	is_uint(fb_store_dropped(st), 2, "dedup: a feedback item is known by its id");

	append(st, event(1, T0 + 2000, "opened"));
	append(st, event(1, T0 + 3000, "closed"));
	commit(st);
	is_uint(fb_store_dropped(st), 2, "dedup: events sharing an id but not a line are kept");
	append(st, event(1, T0 + 2000, "opened"));
	commit(st);
	is_uint(fb_store_dropped(st), 3, "dedup: an identical event is dropped");

	append(st, item(3, T0 + 4000, "c"));
	append(st, item(3, T0 + 4000, "c"));
	commit(st);
	is_uint(fb_store_dropped(st), 4, "dedup: a repeat within one batch is dropped");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "1 2 1 1 3", "dedup: the store holds each record once");

	fb_store_rotate(st, &err);
	append(st, item(2, T0 + 1000, "b"));
	commit(st);
	is_uint(fb_store_dropped(st), 5, "dedup: ids of sealed segments are known");
	fb_store_close(st);

	st = fb_store_open(dir, FB_STORE_WRITE | FB_STORE_DEDUP, NULL, note_cb,
	    NULL, &err);
	if (st != NULL) {
		append(st, item(3, T0 + 4000, "c"));
		append(st, item(4, T0 + 6000, "d"));
		commit(st);
		is_uint(fb_store_dropped(st), 1, "dedup after reopening: counted since open");
		fb_store_close(st);
	}

	plain = fb_store_open(dir, FB_STORE_WRITE, NULL, note_cb, NULL, &err);
	if (plain != NULL) {
		append(plain, item(3, T0 + 4000, "c"));
		commit(plain);
		is_uint(fb_store_dropped(plain), 0, "without FB_STORE_DEDUP nothing is dropped");
		cat_ids(plain, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
		is_str(ids, "1 2 1 1 3 3 4", "without FB_STORE_DEDUP a repeat is stored");
		is_int(fb_store_verify(plain, 0, &err), 0, "verify the dedup store");
		fb_store_close(plain);
	}
	free(dir);
}

static void
test_store_prune_ids(void)
{
	char *dir = path_in(tmpdir, "prune");
	struct fb_error err = { "", 0, 0 };
	struct fb_store_pruned pr;
	struct fb_store *st;

	st = fb_store_open(dir, FB_STORE_WRITE | FB_STORE_DEDUP, NULL, note_cb,
	    NULL, &err);
	if (!ok(st != NULL, "open the prune store"))
		goto out;
	append(st, item(1, T0 - 2 * 86400000LL, "old"));
	commit(st);
	fb_store_rotate(st, &err);
	append(st, item(2, T0, "new"));
	commit(st);
	fb_store_rotate(st, &err);
	is_int(fb_store_prune(st, T0 - 86400000LL, 0, &pr, &err), 0, "prune the old segment");
	is_uint(pr.segments, 1, "one segment pruned");
	append(st, item(1, T0 - 2 * 86400000LL, "old"));
	append(st, item(2, T0, "new"));
	commit(st);
	is_uint(fb_store_dropped(st), 1,
	    "after prune a pruned id is new again, a kept one still known");
	fb_store_close(st);
out:
	free(dir);
}

static void
test_store_errors(void)
{
	char *dir = path_in(tmpdir, "missing"), *tmp, want[300];
	struct fb_error err = { "", 0, 0 };
	struct fb_store *st;
	long n;
	int fd, fds;

	st = fb_store_open(dir, 0, NULL, NULL, NULL, &err);
	ok(st == NULL, "opening a missing store to read fails");
	snprintf(want, sizeof(want), "no store at '%s'", dir);
	is_str(err.msg, want, "missing store: message");
	fb_store_close(st);
	free(dir);

	dir = path_in(tmpdir, "verify");
	st = fb_store_open(dir, FB_STORE_WRITE, NULL, note_cb, NULL, &err);
	if (!ok(st != NULL, "open the verify store"))
		goto out;
	append(st, item(1, T0, "x"));
	commit(st);
	fb_store_rotate(st, &err);
	append(st, item(2, T0 + 1, "y"));
	commit(st);
	is_int(fb_store_verify(st, 0, &err), 0, "verify: clean");
	tmp = path_in(dir, "stray.tmp");
	fd = open(tmp, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	nnotes = 0;
	n = fb_store_verify(st, 0, &err);
	ok(n >= 1 && nnotes >= 1, "verify finds a stray temporary file (%ld: %s)",
	    n, strrchr(last_note, '/') ? strrchr(last_note, '/') + 1 : last_note);
	ok(access(tmp, F_OK) == 0, "verify without repair leaves it");
	n = fb_store_verify(st, 1, &err);
	ok(n >= 1 && access(tmp, F_OK) < 0, "verify with repair removes it (%ld)", n);
	is_int(fb_store_verify(st, 0, &err), 0, "verify: clean again");
	fds = open_fds();
	fb_store_verify(st, 0, &err);
	is_int(open_fds(), fds, "verify again on the same handle opens no more descriptors");
	free(tmp);
	fb_store_close(st);
out:
	free(dir);
}

/*
 * Sealing sorts by ts, so fb_store_append() refuses a record without a
 * valid one, saying why, and stores nothing of it.
 */
static void
test_store_ts_required(void)
{
	static const char nots[] = "{\"id\":\"fb-50\",\"text\":\"no ts member\"}";
	static const char badts[] = "{\"id\":\"fb-52\",\"ts\":\"yesterday\"}";
	char *dir = path_in(tmpdir, "tsarg"), ids[256];
	struct fb_error err = { "", 0, 0 };
	struct fb_store *st;
	struct fb_rec rec;

	st = fb_store_open(dir, FB_STORE_WRITE, NULL, note_cb, NULL, &err);
	if (!ok(st != NULL, "open the ts store"))
		goto out;
	append(st, item(51, T0 + 2000, "with ts"));
	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, nots, strlen(nots), &err) == 0) {
		is_int(fb_store_append(st, &rec, &err), 0,
		    "a record without ts is refused");
		is_str(err.msg, "field 'ts' is missing", "and says why");
	}
	if (fb_rec_parse(&rec, badts, strlen(badts), &err) == 0) {
		is_int(fb_store_append(st, &rec, &err), 0,
		    "a record with a bad ts is refused");
		is_str(err.msg, "field 'ts' is not a valid time", "and says why");
	}
	fb_rec_release(&rec);
	is_int(commit(st), 0, "commit the rest");
	cat_ids(st, FB_TIME_MIN, FB_TIME_MAX, ids, sizeof(ids));
	is_str(ids, "51", "only the record with a ts is stored");
	fb_store_close(st);
out:
	free(dir);
}

/*---- The id index ----*/

static struct fb_key
key_of(uint64_t i)
{
	uint64_t h[2];

	fb_hash128(&i, sizeof(i), 7, h);
	return (struct fb_key){ h[0], (uint32_t)h[1] };
}

static uint32_t
seq_of(uint64_t i)
{
	return (uint32_t)(1 + i % 4);
}

static unsigned seen_seqs;

static int
drop_seq3(void *arg, uint32_t seq)
{
	(void)arg;
	if (seq < 32)
		seen_seqs |= 1u << seq;
	else
		seen_seqs |= 1u << 31;
	return seq == 3;
}

static void
test_index(void)
{
	const uint64_t n = 200000;
	char *dir = path_in(tmpdir, "idx"), *tmpname;
	struct fb_error err = { "", 0, 0 };
	struct fb_idx idx, idx2;
	uint64_t i, cap, fails = 0;
	int dirfd, rc;

	if (mkdir(dir, 0755) < 0 || (dirfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
		ok(0, "index directory");
		free(dir);
		return;
	}
	is_int(fb_idx_open(&idx, dirfd, &err), 1, "idx_open creates the index");
	ok(idx.hdr->count == 0 && idx.hdr->cap >= 16 &&
	    (idx.hdr->cap & (idx.hdr->cap - 1)) == 0, "a new index is empty, cap a power of two");
	cap = idx.hdr->cap;
	for (i = 0; i < n; i++)
		if (fb_idx_add(&idx, dirfd, key_of(i), seq_of(i), &err) < 0 &&
		    fails++ < 3)
			diag("add %llu: %s", (unsigned long long)i, err.msg);
	ok(fails == 0, "add %llu keys", (unsigned long long)n);
	is_uint(idx.hdr->count, n, "count is the number of keys");
	ok(idx.hdr->cap > cap && (idx.hdr->cap & (idx.hdr->cap - 1)) == 0 &&
	    idx.hdr->count * 4 <= idx.hdr->cap * 3,
	    "the table grew (cap %llu) and stays below 3/4 full",
	    (unsigned long long)idx.hdr->cap);
	for (i = 0, fails = 0; i < n; i++)
		if (!fb_idx_has(&idx, key_of(i)))
			fails++;
	is_uint(fails, 0, "every key added is found");
	for (i = n, fails = 0; i < 2 * n; i++)
		if (fb_idx_has(&idx, key_of(i)))
			fails++;
	is_uint(fails, 0, "no absent key is found");
	fb_idx_add(&idx, dirfd, key_of(5), 9, &err);
	is_uint(idx.hdr->count, n, "adding a present key changes nothing");

	is_int(fb_idx_sync(&idx, 5, 1234, &err), 0, "sync");
	ok(idx.hdr->wm_seq == 5 && idx.hdr->wm_off == 1234, "sync sets the watermark");
	idx.hdr->next_seq = 42;
	fb_idx_close(&idx);

	is_int(fb_idx_open(&idx, dirfd, &err), 0, "idx_open of an existing index");
	ok(idx.hdr->count == n && idx.hdr->wm_seq == 5 && idx.hdr->wm_off == 1234 &&
	    idx.hdr->next_seq == 42, "the reopened index keeps count, watermark, next_seq");
	for (i = 0, fails = 0; i < n; i++)
		if (!fb_idx_has(&idx, key_of(i)))
			fails++;
	is_uint(fails, 0, "every key is found after reopening");

	rc = fb_idx_open(&idx2, dirfd, &err);
	is_int(rc, 0, "a second handle on the index");
	is_int(fb_idx_stale(&idx2, dirfd), 0, "the second handle is not stale");
	seen_seqs = 0;
	is_int(fb_idx_rewrite(&idx, dirfd, 0, drop_seq3, NULL, &err), 0,
	    "rewrite dropping seq 3");
	is_uint(seen_seqs, 0x1e, "drop was asked about seqs 1-4 only");
	is_int(fb_idx_stale(&idx2, dirfd), 1, "rewrite makes other handles stale");
	is_int(fb_idx_stale(&idx, dirfd), 0, "the rewriting handle is not stale");
	is_uint(idx.hdr->count, n - n / 4, "rewrite: count without seq 3");
	for (i = 0, fails = 0; i < n; i++)
		if (fb_idx_has(&idx, key_of(i)) != (seq_of(i) != 3))
			fails++;
	is_uint(fails, 0, "rewrite removes exactly the keys of seq 3");
	ok(idx.hdr->wm_seq == 5 && idx.hdr->wm_off == 1234 && idx.hdr->next_seq == 42,
	    "rewrite keeps the watermark and next_seq");
	fb_idx_close(&idx2);

	is_int(fb_idx_rewrite(&idx, dirfd, 1000, NULL, NULL, &err), 0,
	    "rewrite to an empty index");
	ok(idx.hdr->count == 0 && !fb_idx_has(&idx, key_of(0)) &&
	    idx.hdr->next_seq == 42, "the empty index keeps next_seq");
	is_int(fb_idx_rewrite(&idx, dirfd, 300000, NULL, NULL, &err), 0,
	    "rewrite sized for 300000 keys");
	cap = idx.hdr->cap;
	ok(cap * 3 >= 300000 * 4, "sized for 300000 keys below the load limit (cap %llu)",
	    (unsigned long long)cap);
	for (i = 0, fails = 0; i < 300000; i++)
		if (fb_idx_add(&idx, dirfd, key_of(i), 1, &err) < 0)
			fails++;
	ok(fails == 0 && idx.hdr->cap == cap && idx.hdr->count == 300000,
	    "300000 keys fit without growing");
	fb_idx_close(&idx);
	tmpname = path_in(dir, FB_IDX_NAME ".tmp");
	ok(access(tmpname, F_OK) < 0, "no temporary index file left behind");
	free(tmpname);

	/* A damaged index file is replaced by an empty one. */
	tmpname = path_in(dir, FB_IDX_NAME);
	rc = open(tmpname, O_WRONLY | O_TRUNC);
	if (rc >= 0) {
		if (write(rc, "garbage, not an index at all", 28) != 28)
			diag("short write");
		close(rc);
	}
	free(tmpname);
	is_int(fb_idx_open(&idx, dirfd, &err), 1, "a damaged index is recreated");
	ok(idx.hdr != NULL && idx.hdr->count == 0, "the recreated index is empty");
	fb_idx_close(&idx);
	close(dirfd);
	free(dir);
}

/*---- Keys and hashes ----*/

static struct fb_key
key_line(const char *line)
{
	struct fb_rec rec;
	struct fb_key k = { 0, 0 };

	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, line, strlen(line), NULL) == 0)
		k = fb_store_key(&rec);
	fb_rec_release(&rec);
	return k;
}

static int
key_eq(struct fb_key a, struct fb_key b)
{
	return a.h1 == b.h1 && a.h2 == b.h2;
}

static void
test_keys(void)
{
	struct fb_key a = key_line("{\"id\":\"fb-1\",\"ts\":\"2026-11-22T00:00:00Z\",\"text\":\"a\"}");

	ok(key_eq(a, key_line("{\"ts\":\"2026-11-23T00:00:00Z\",\"id\":\"fb-1\",\"text\":\"b\"}")),
	    "key: feedback items with the same id have the same key");
	ok(key_eq(a, key_line("{\"id\":\"fb-\\u0031\",\"ts\":\"2026-11-22T00:00:00Z\"}")),
	    "key: an escaped id is the same id");
	ok(!key_eq(a, key_line("{\"id\":\"fb-2\",\"ts\":\"2026-11-22T00:00:00Z\",\"text\":\"a\"}")),
	    "key: different ids, different keys");
	ok(!key_eq(key_line("{\"type\":\"event\",\"id\":\"fb-1\",\"what\":\"a\"}"),
	    key_line("{\"type\":\"event\",\"id\":\"fb-1\",\"what\":\"b\"}")),
	    "key: events with one id but different lines differ");
	ok(key_eq(key_line("{\"type\":\"event\",\"id\":\"fb-1\",\"what\":\"a\"}"),
	    key_line("{\"type\":\"event\",\"id\":\"fb-1\",\"what\":\"a\"}")),
	    "key: identical events are equal");
	ok(!key_eq(key_line("{\"x\":1}"), key_line("{\"x\":2}")),
	    "key: records without an id are keyed by the line");
}

static void
test_hash(void)
{
	/* MurmurHash3_x64_128, seed 1, of the first N bytes of the string below. */
	static const struct {
		int n;
		uint64_t h1, h2;
	} prefixes[] = {
		{  0, 0x4610abe56eff5cb5ULL, 0x51622daa78f83583ULL },
		{  1, 0x47eae1073748cf70ULL, 0x6be0518ad2ed3728ULL },
		{  2, 0x9370e98468f5948cULL, 0xe62a56363f63c769ULL },
		{  3, 0x9c88be4e9a8a61f0ULL, 0xca12c88bf31b256cULL },
		{  4, 0x53b0edab77ffba4bULL, 0x91c087f92e3ab577ULL },
		{  5, 0x2d3c56e0b71b9dbbULL, 0x3830b9ed98f0a43bULL },
		{  6, 0x97708cea27729dc5ULL, 0x1f941bc6dfaad4c9ULL },
		{  7, 0x2ca0af1d71f77263ULL, 0xe93de312d6f9b46aULL },
		{  8, 0x16c08ff0c10bb14eULL, 0x65df722c5b7b072dULL },
		{  9, 0xdccea85d31b90dd1ULL, 0xdfd530e64ca11d09ULL },
		{ 10, 0x34f23d9c90390cbaULL, 0x9eaf4afabe781b0bULL },
		{ 11, 0x2ebafb5fde01abb8ULL, 0xc7c68730426d04ddULL },
		{ 12, 0x77a8bb0af7e7b7daULL, 0x525f7878f8da3310ULL },
		{ 13, 0x573d6cf70d77e386ULL, 0x13d59efc262dc50dULL },
		{ 14, 0xc144f371d9568289ULL, 0xf716840c71d51212ULL },
		{ 15, 0x6561317daaa100aaULL, 0x4f5bd7feb4b5dfe5ULL },
		{ 16, 0x5e10a4a0eb1c64efULL, 0x0207d437e44c438dULL },
		{ 17, 0x664664444483a7c5ULL, 0xd8432e08b5c6c5a0ULL },
		{ 18, 0xc0df7e3229235b3dULL, 0xe34c8a95da55a544ULL },
		{ 19, 0x01d5beb2364839cfULL, 0xf7c2c5c1fc1e1235ULL },
		{ 20, 0xa196e14eea44106bULL, 0x22f10fcdcaa01a17ULL },
		{ 21, 0x0e8e96b95bad05a7ULL, 0xbbdd6407d26a4690ULL },
		{ 22, 0xe12a949b2d22d88aULL, 0x45fea1e9fe0bd486ULL },
		{ 23, 0xc10af3593dd873d1ULL, 0xa776baeb2d24511bULL },
		{ 24, 0xd60bc0138a1e282fULL, 0xa59fb2068896e9d6ULL },
		{ 25, 0xc36a220cdd6caedbULL, 0xc497fa8583e88b01ULL },
		{ 26, 0x17099784afffa5a8ULL, 0xc7a88129bf2d5273ULL },
		{ 27, 0x739c7b222d5b2e5aULL, 0xaf643f43e93bc401ULL },
		{ 28, 0x2e9da873d6817f60ULL, 0x7b6d0e3e2aa1bc01ULL },
		{ 29, 0x23278aa040e71ef6ULL, 0xa70aa5ff8f8a87edULL },
		{ 30, 0xef10c14b1b03778cULL, 0x8d6d1d7534805f04ULL },
		{ 31, 0x7e93e896b5724751ULL, 0xa38912284a19bd5eULL },
		{ 32, 0x595cb6fe3f7f3ab2ULL, 0xbaa56fd35b486239ULL },
		{ 33, 0x1bb85d79d0c93aeaULL, 0x3f085a5d4ecfa538ULL },
	};
	static const char text[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	uint64_t h[2];
	size_t k;
	int fails = 0;

	fb_hash128("", 0, 0, h);
	ok(h[0] == 0 && h[1] == 0, "murmur3 of \"\" seed 0 is {0, 0}");
	fb_hash128("hello", 5, 0, h);
	is_uint(h[0], 0xcbd8a7b341bd9b02ULL, "murmur3 of \"hello\" seed 0: h1");
	is_uint(h[1], 0x5b1e906a48ae1d19ULL, "murmur3 of \"hello\" seed 0: h2");
	fb_hash128(fox, strlen(fox), 0, h);
	ok(h[0] == 0xe34bbc7bbc071b6cULL && h[1] == 0x7a433ca9c49a9347ULL,
	    "murmur3 of the quick brown fox, seed 0");
	fb_hash128("0123456789abcdefXYZ", 19, 42, h);
	ok(h[0] == 0x3fa90146b0ef7bc6ULL && h[1] == 0x71a710817d54ea00ULL,
	    "murmur3 of a block and a tail, seed 42");
	for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		char *p = malloc((size_t)prefixes[k].n + 1);

		if (p == NULL)
			abort();
		memcpy(p, text, (size_t)prefixes[k].n);	/* exact size for ASan */
		fb_hash128(p, (size_t)prefixes[k].n, 1, h);
		free(p);
		if ((h[0] != prefixes[k].h1 || h[1] != prefixes[k].h2) && fails++ < 5)
			diag("length %d: got %016llx %016llx", prefixes[k].n,
			    (unsigned long long)h[0], (unsigned long long)h[1]);
	}
	ok(fails == 0, "murmur3 seed 1 of every length 0..33 (all tail cases)");
}

int
main(void)
{
	int fds;

	if (mkdtemp(tmpdir) == NULL)
		abort();
	fds = open_fds();
	test_hash();
	test_keys();
	test_store_basic();
	test_store_dedup();
	test_store_prune_ids();
	test_store_errors();
	test_store_ts_required();
	test_index();
	is_int(open_fds(), fds, "no file descriptors left open");
	rm_rf(tmpdir);
	return done_testing();
}
