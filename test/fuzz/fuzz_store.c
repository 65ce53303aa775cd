/*
 * fuzz_store.c: a store directory with one damaged file, read and then
 * written by the store as fb-store cat, verify and append do.  The
 * first byte picks the file the rest replaces in a small store made at
 * start (two sealed segments, an open one, the id index):
 *   0: the id index ids.idx (header, watermark, slots);
 *   1: the open segment (NDJSON lines, torn tails);
 *   2: the second sealed segment (gzip, its fb-store header comment);
 *   3: the lock file and a stray temporary file, with the index removed.
 *
 * The store is opened read-only (cat, has_id, stats, verify) and then
 * for writing with --dedup (append, commit, verify --repair, cat).
 * Beyond "no crash, no endless loop" it checks the store's promise:
 * a record whose commit succeeded is read back by cat and found by its
 * id, and the records of the untouched sealed segment are never lost.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fb.h"

#define FUZZ_NOW 1795313700000LL

static char tmpl[4096 + 64], work[4096 + 64];
static char sealed2[256], open_seg[256];

static void
note(void *arg, const char *name, const char *msg)
{
	(void)arg;
	(void)name;
	(void)msg;
}

static void
append_line(struct fb_store *st, const char *line)
{
	struct fb_rec rec;
	struct fb_error err;

	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, line, strlen(line), &err) < 0 ||
	    fb_store_append(st, &rec, &err) != 1 ||
	    fb_store_commit(st, &err) < 0) {
		fprintf(stderr, "fuzz_store: %s\n", err.msg);
		abort();
	}
	fb_rec_release(&rec);
}

/* What cat hands out: the ids of the lines seen. */
struct seen {
	int first, last, appended;
	unsigned long lines;
};

static int
cat_line(void *arg, const char *line, size_t len)
{
	struct seen *s = arg;

	s->lines++;
	if (len >= 9 && memmem(line, len, "\"fb-tmpl-first\"", 15) != NULL)
		s->first = 1;
	if (len >= 9 && memmem(line, len, "\"fb-tmpl-third\"", 15) != NULL)
		s->last = 1;
	if (len >= 9 && memmem(line, len, "\"fb-fuzz-new\"", 13) != NULL)
		s->appended = 1;
	return 0;
}

static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		abort();
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		abort();
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			abort();
	close(in);
	close(out);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* A fresh copy of the template store in 'work'. */
static void
fresh_copy(void)
{
	DIR *d;
	struct dirent *de;
	char from[8192], to[8192];

	nftw(work, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(work, 0700) < 0 || (d = opendir(tmpl)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strcmp(de->d_name, "quarantine") == 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", tmpl, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", work, de->d_name);
		copy_file(from, to);
	}
	closedir(d);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct fb_store_limits lim = { (uint64_t)1 << 30, 86400000LL * 365, 1 };
	struct fb_error err;
	struct fb_store *st;
	DIR *d;
	struct dirent *de;

	(void)argc;
	(void)argv;
	fb_time_set_now(FUZZ_NOW);
	snprintf(tmpl, sizeof(tmpl), "%s/tmpl", fuzz_dir());
	snprintf(work, sizeof(work), "%s/work", fuzz_dir());
	st = fb_store_open(tmpl, FB_STORE_WRITE | FB_STORE_DEDUP, &lim, note,
	    NULL, &err);
	if (st == NULL)
		abort();
	append_line(st, "{\"id\":\"fb-tmpl-first\","
	    "\"ts\":\"2026-11-20T10:00:00Z\",\"text\":\"first\"}");
	FUZZ_CHECK(fb_store_rotate(st, &err) == 0);
	append_line(st, "{\"id\":\"fb-tmpl-second\","
	    "\"ts\":\"2026-11-21T10:00:00Z\",\"text\":\"second\"}");
	append_line(st, "{\"type\":\"event\",\"item\":\"fb-tmpl-second\","
	    "\"event\":\"resolved\",\"ts\":\"2026-11-21T11:00:00Z\"}");
	FUZZ_CHECK(fb_store_rotate(st, &err) == 0);
	append_line(st, "{\"id\":\"fb-tmpl-third\","
	    "\"ts\":\"2026-11-22T10:00:00Z\",\"text\":\"third\"}");
	fb_store_close(st);
	/* The second sealed segment and the open one, by name. */
	if ((d = opendir(tmpl)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "feedback-", 9) == 0 &&
		    strcmp(de->d_name, sealed2) > 0)
			snprintf(sealed2, sizeof(sealed2), "%s", de->d_name);
		if (strncmp(de->d_name, "open-", 5) == 0)
			snprintf(open_seg, sizeof(open_seg), "%s", de->d_name);
	}
	closedir(d);
	if (sealed2[0] == '\0' || open_seg[0] == '\0')
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fresh =
	    "{\"id\":\"fb-fuzz-new\",\"ts\":\"2026-11-23T10:00:00Z\","
	    "\"text\":\"new\"}";
	struct fb_store_limits lim = { (uint64_t)1 << 30, 86400000LL * 365, 1 };
	struct fb_error err;
	struct fb_store *st;
	struct seen s;
	char path[8192];
	json_t *stats;
	int fd, rc;

	if (size < 1)
		return 0;
	fresh_copy();
	switch (data[0] % 4) {
	case 0:
		snprintf(path, sizeof(path), "%s/ids.idx", work);
		break;
	case 1:
		snprintf(path, sizeof(path), "%s/%s", work, open_seg);
		break;
	case 2:
		snprintf(path, sizeof(path), "%s/%s", work, sealed2);
		break;
	default:
		snprintf(path, sizeof(path), "%s/ids.idx", work);
		unlink(path);
		snprintf(path, sizeof(path), "%s/ids.idx.tmp", work);
		break;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0 || (size > 1 && write(fd, data + 1, size - 1) !=
	    (ssize_t)(size - 1)) || close(fd) < 0)
		abort();

	/* Read-only, as fb-store cat and verify run. */
	if ((st = fb_store_open(work, 0, NULL, note, NULL, &err)) != NULL) {
		memset(&s, 0, sizeof(s));
		rc = fb_store_cat(st, FB_TIME_MIN, FB_TIME_MAX, cat_line, &s,
		    &err);
		if (rc >= 0)
			FUZZ_CHECK(s.first);
		(void)fb_store_has_id(st, "fb-tmpl-first", 13, &err);
		(void)fb_store_has_id(st, "fb-nope", 7, &err);
		if ((stats = fb_store_stats(st, &err)) != NULL)
			json_decref(stats);
		(void)fb_store_verify(st, 0, &err);
		fb_store_close(st);
	}

	/* Written to, as fb-store append --dedup runs. */
	st = fb_store_open(work, FB_STORE_WRITE | FB_STORE_DEDUP, &lim, note,
	    NULL, &err);
	if (st == NULL)
		return 0;
	{
		struct fb_rec rec;

		fb_rec_init(&rec);
		FUZZ_CHECK(fb_rec_parse(&rec, fresh, strlen(fresh), &err) == 0);
		rc = fb_store_append(st, &rec, &err);
		if (rc == 1)
			rc = fb_store_commit(st, &err) == 0 ? 1 : -1;
		fb_rec_release(&rec);
	}
	if (rc == 1) {
		/* Acknowledged: it must be there, and the sealed past too. */
		memset(&s, 0, sizeof(s));
		FUZZ_CHECK(fb_store_cat(st, FB_TIME_MIN, FB_TIME_MAX, cat_line,
		    &s, &err) >= 0);
		FUZZ_CHECK(s.appended && s.first);
		FUZZ_CHECK(fb_store_has_id(st, "fb-fuzz-new", 11, &err) == 1);
		(void)fb_store_verify(st, 1, &err);
		memset(&s, 0, sizeof(s));
		FUZZ_CHECK(fb_store_cat(st, FB_TIME_MIN, FB_TIME_MAX, cat_line,
		    &s, &err) >= 0);
		FUZZ_CHECK(s.appended && s.first);
	}
	fb_store_close(st);
	return 0;
}
