/*
 * ingest.h: what the fb-ingest fuzz targets share.  fb-ingest's readers
 * (read_csv, read_mail, read_json, item_from_object) are static in
 * cmd/fb-ingest.c, so this header includes that file with its main()
 * renamed, and runs read_input() on the fuzz input written to a file of
 * the given name, as fb-ingest FILE does.
 *
 * Beyond "no crash" it checks what fb-ingest promises downstream: every
 * line it writes is one valid-UTF-8 JSON object, and each feedback item
 * has an "id", a "ts" and a non-empty "text" string without control
 * characters.
 */
#ifndef INGEST_H
#define INGEST_H

#include "fuzz.h"

#include <sys/mman.h>

#define main fb_ingest_main
int fb_ingest_main(int argc, char *argv[]);
#include "../../cmd/fb-ingest.c"
#undef main

static struct conf ingest_conf;
static struct item ingest_item;
static struct fb_rec ingest_rec;
static int ingest_memfd = -1;

static inline void
ingest_init(void)
{
	fb_cli_init("fb-ingest");
	synonyms_init();
	/* Records go to a memory file, to be checked. */
	if ((ingest_memfd = memfd_create("fb-ingest", 0)) < 0) {
		perror("memfd_create");
		abort();
	}
	fb_stdout.fd = ingest_memfd;
	fb_reject_open();
	fb_rec_init(&ingest_rec);
}

/* Checks each output line, then empties the memory file. */
static inline void
ingest_check_output(void)
{
	struct fb_rec rec;
	struct fb_error err;
	char *buf, *p, *nl;
	off_t end;
	size_t k, tlen;
	const char *text;

	FUZZ_CHECK(fb_out_flush(&fb_stdout) == 0);
	end = lseek(ingest_memfd, 0, SEEK_END);
	if (end > 0) {
		if ((buf = malloc((size_t)end + 1)) == NULL ||
		    pread(ingest_memfd, buf, (size_t)end, 0) != (ssize_t)end)
			abort();
		buf[end] = '\0';
		FUZZ_CHECK(buf[end - 1] == '\n');
		fb_rec_init(&rec);
		for (p = buf; p < buf + end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(buf + end - p));
			FUZZ_CHECK(nl != NULL);
			FUZZ_CHECK(fb_utf8_check(p, (size_t)(nl - p)) ==
			    (size_t)(nl - p));
			FUZZ_CHECK(fb_rec_parse(&rec, p, (size_t)(nl - p),
			    &err) == 0);
			/* Events and other typed records pass through. */
			if (!fb_rec_is_feedback(&rec))
				continue;
			FUZZ_CHECK(fb_rec_get_str(&rec, "id", NULL) != NULL);
			FUZZ_CHECK(fb_rec_get_str(&rec, "ts", NULL) != NULL);
			text = fb_rec_get_str(&rec, "text", &tlen);
			FUZZ_CHECK(text != NULL && tlen > 0);
			for (k = 0; k < tlen; k++)
				FUZZ_CHECK((unsigned char)text[k] >= 0x20 &&
				    text[k] != 0x7f);
		}
		fb_rec_release(&rec);
		free(buf);
	}
	if (ftruncate(ingest_memfd, 0) < 0 || lseek(ingest_memfd, 0,
	    SEEK_SET) < 0)
		abort();
}

/* fb-ingest [--encoding ENC] --format F NAME, on 'data'. */
static inline void
ingest_run(enum format f, const char *encoding, const char *name,
    const uint8_t *data, size_t size)
{
	struct conf *c = &ingest_conf;

	free(c->seen[0].slots);
	free(c->seen[1].slots);
	free(c->days);
	fb_buf_release(&c->out);
	memset(c, 0, sizeof(*c));
	c->format = f;
	c->encoding = encoding;
	(void)read_input(c, &ingest_item, &ingest_rec,
	    fuzz_file(name, data, size));
	item_reset(&ingest_item);
	ingest_check_output();
}

#endif /* INGEST_H */
