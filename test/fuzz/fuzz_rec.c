/*
 * fuzz_rec.c: one NDJSON line through the record parser (fb_rec_parse,
 * fb_json_scan underneath), the getters and the writer.
 *
 * Beyond "no crash" it checks that:
 *  - a line parses as a record exactly when fb_json_scan() calls it an
 *    object;
 *  - a record written without edits comes back byte for byte;
 *  - written with --pretty it is still JSON and decodes to the same
 *    value;
 *  - after setting and deleting fields the written record is a valid
 *    object that has the field set, not the one deleted, and parses
 *    again.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "fuzz.h"
#include "fb.h"

static int memfd = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((memfd = memfd_create("fuzz_rec", 0)) < 0) {
		perror("memfd_create");
		abort();
	}
	return 0;
}

/* What 'fn' writes through an fb_out, in a malloc'd buffer. */
static char *
written(struct fb_rec *rec, int flags, size_t *len)
{
	struct fb_out out;
	char *buf;
	off_t end;
	int rc;

	if (ftruncate(memfd, 0) < 0 || lseek(memfd, 0, SEEK_SET) < 0)
		abort();
	fb_out_init(&out, memfd);
	rc = fb_rec_write(rec, &out, flags);
	FUZZ_CHECK(fb_out_flush(&out) == 0);
	fb_out_release(&out);
	if (rc < 0)
		return NULL;
	end = lseek(memfd, 0, SEEK_END);
	FUZZ_CHECK(end >= 1);
	if ((buf = malloc((size_t)end + 1)) == NULL ||
	    pread(memfd, buf, (size_t)end, 0) != (ssize_t)end)
		abort();
	buf[end] = '\0';
	*len = (size_t)end;
	return buf;
}

static void
getters(struct fb_rec *rec)
{
	static const char *const paths[] = {
		"id", "ts", "text", "channel", "type", "customer.id",
		"customer.tier", "tags", "tags.0", "tags.1", "sentiment.label",
		"sentiment.score", "rating", "route.queue", "a.b.c.d.e", "0",
		"", ".", "..", "customer.", ".id",
	};
	char tags[8][FB_TAG_MAX];
	struct fb_span v;
	size_t k, len, n;
	double num;

	for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
		const char *s = fb_rec_get_str(rec, paths[k], &len);

		if (s != NULL) {
			FUZZ_CHECK(s[len] == '\0');
			/* Decoded strings are UTF-8, as the line was. */
			FUZZ_CHECK(fb_utf8_check(s, len) == len);
		}
		(void)fb_rec_get(rec, paths[k]);
		(void)fb_rec_get_num(rec, paths[k], &num);
		if (fb_rec_raw(rec, paths[k], &v)) {
			FUZZ_CHECK(v.p >= rec->line &&
			    v.p + v.len <= rec->line + rec->len);
			FUZZ_CHECK(fb_json_scan(v.p, v.len, NULL, NULL, NULL,
			    NULL) >= 0);
		}
	}
	n = fb_rec_get_tags(rec, tags, 8);
	FUZZ_CHECK(n <= 8);
	for (k = 0; k < n; k++)
		FUZZ_CHECK(strlen(tags[k]) < FB_TAG_MAX);
	(void)fb_rec_is_feedback(rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_rec rec, again;
	struct fb_error err;
	const char *line = (const char *)data;
	char *out, *copy;
	size_t len, n;
	int type;
	json_t *a, *b;

	if (fb_utf8_check(line, size) != size)
		return 0;
	/* A copy with room for the NUL fb_json_scan never reads. */
	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	type = fb_json_scan(copy, size, NULL, NULL, NULL, &err);
	fb_rec_init(&rec);
	if (fb_rec_parse(&rec, copy, size, &err) < 0) {
		FUZZ_CHECK(type != JSON_OBJECT);
		FUZZ_CHECK(err.msg[0] != '\0');
		goto done;
	}
	FUZZ_CHECK(type == JSON_OBJECT);
	getters(&rec);

	out = written(&rec, 0, &len);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(len == size + 1 && memcmp(out, copy, size) == 0 &&
	    out[size] == '\n');
	free(out);

	out = written(&rec, FB_REC_PRETTY, &len);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(fb_utf8_check(out, len) == len);
	FUZZ_CHECK(fb_json_scan(out, len, NULL, NULL, NULL, &err) ==
	    JSON_OBJECT);
	a = fb_json_decode((struct fb_span){ copy, size });
	b = fb_json_decode((struct fb_span){ out, len });
	FUZZ_CHECK(a != NULL && b != NULL);
	/*
	 * Compared as jansson writes them: json_equal() looks keys up by
	 * C string, so it calls two objects with a key "a\u0000" unequal.
	 */
	{
		char *da = json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT);
		char *db = json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT);

		FUZZ_CHECK(da != NULL && db != NULL && strcmp(da, db) == 0);
		free(da);
		free(db);
	}
	json_decref(a);
	json_decref(b);
	free(out);

	/* Edits: a field set (twice: the last wins), one deleted. */
	FUZZ_CHECK(fb_rec_set_new(&rec, "priority", json_string("P9")) == 0);
	FUZZ_CHECK(fb_rec_set_raw(&rec, "priority", "\"P1\"", 4) == 0);
	FUZZ_CHECK(fb_rec_set_new(&rec, "score", json_real(0.5)) == 0);
	FUZZ_CHECK(fb_rec_del(&rec, "text") == 0);
	out = written(&rec, 0, &len);
	FUZZ_CHECK(out != NULL && out[len - 1] == '\n');
	fb_rec_init(&again);
	FUZZ_CHECK(fb_rec_parse(&again, out, len - 1, &err) == 0);
	{
		const char *p = fb_rec_get_str(&again, "priority", &n);
		struct fb_span v;

		FUZZ_CHECK(p != NULL && n == 2 && memcmp(p, "P1", 2) == 0);
		FUZZ_CHECK(!fb_rec_raw(&again, "text", &v));
	}
	fb_rec_release(&again);
	free(out);
done:
	fb_rec_release(&rec);
	free(copy);
	return 0;
}
