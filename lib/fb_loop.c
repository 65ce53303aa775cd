/*
 * fb_loop.c: the record loop every per-record tool runs.
 *
 * Bad input never stops the stream and is never lost: each bad line is
 * reported with FILE:LINE, counted, and copied byte for byte to --reject,
 * and the exit status says some input was rejected (DESIGN.md 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

/*
 * The reject sink: one per process, shared by fb_each_record() and tools
 * that read formats of their own (fb-ingest's CSV rows, e-mails).
 */
static struct fb_out reject_out;
static int reject_open_done, reject_have;
static unsigned long rejected;

void
fb_reject_open(void)
{
	int fd;

	if (reject_open_done)
		return;
	reject_open_done = 1;
	if (fb_conf.reject == NULL)
		return;
	fd = open(fb_conf.reject, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		fb_die("cannot open '%s'", fb_conf.reject);
	fb_out_init(&reject_out, fd);
	reject_have = 1;
}

static int
reject_write_error(void)
{
	fb_warnx("cannot write '%s': %s", fb_conf.reject,
	    strerror(reject_out.err));
	return -1;
}

int
fb_reject_more(const char *data, size_t len)
{
	if (reject_have && fb_out_write(&reject_out, data, len) < 0)
		return reject_write_error();
	return 0;
}

int
fb_reject_end(void)
{
	rejected++;
	if (reject_have && fb_out_putc(&reject_out, '\n') < 0)
		return reject_write_error();
	return fb_conf.strict ? -1 : 0;
}

int
fb_rejectf(const struct fb_pos *pos, const char *data, size_t len,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fb_warnat(pos, "%s", msg);
	fb_reject_open();
	if (fb_reject_more(data, len) < 0)
		return -1;
	return fb_reject_end();
}

unsigned long
fb_reject_count(void)
{
	return rejected;
}

int
fb_reject_close(void)
{
	int status = 0;

	if (reject_have) {
		/*
		 * A write that failed was reported when it failed: once is
		 * enough.
		 */
		int reported = reject_out.err != 0;
		int flushed = fb_out_flush(&reject_out);

		if (close(reject_out.fd) < 0 && flushed == 0) {
			reject_out.err = errno;
			flushed = -1;
		}
		if (flushed < 0) {
			if (!reported)
				fb_warnx("cannot write '%s': %s",
				    fb_conf.reject, strerror(reject_out.err));
			status = FB_EXIT_ERROR;
		}
		fb_out_release(&reject_out);
		reject_have = 0;
	}
	return status;
}

static int
reject_sink(void *arg, const char *data, size_t len)
{
	(void)arg;
	return fb_reject_more(data, len);
}

/* Returns 0, or -1 when --strict or a write error must stop the run. */
static int
reject(struct fb_reader *r, const struct fb_line *line)
{
	struct fb_error err;

	if (fb_reject_more(line->data, line->raw_len) < 0)
		return -1;
	if (line->status == FB_LINE_TOO_LONG &&
	    fb_reader_rest(r, reject_sink, NULL, &err) < 0) {
		fb_warnx("%s", err.msg);
		return -1;
	}
	return fb_reject_end();
}

static int
is_blank(const char *s, size_t len)
{
	size_t k;

	for (k = 0; k < len; k++)
		if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
			return 0;
	return 1;
}

/* Checks and parses one line; returns 0, or -1 after reporting why not. */
static int
parse_line(struct fb_rec *rec, const struct fb_line *line)
{
	struct fb_error err;
	const char *nul;
	size_t bad;

	if (line->status == FB_LINE_TOO_LONG) {
		fb_warnat(&line->pos, "line longer than %llu bytes",
		    (unsigned long long)fb_conf.max_line);
		return -1;
	}
	if ((nul = memchr(line->data, '\0', line->raw_len)) != NULL) {
		fb_warnat(&line->pos, "NUL byte at byte %zu",
		    (size_t)(nul - line->data) + 1);
		return -1;
	}
	if ((bad = fb_utf8_check(line->data, line->len)) != line->len) {
		fb_warnat(&line->pos, "invalid UTF-8 at byte %zu", bad + 1);
		return -1;
	}
	if (fb_rec_parse(rec, line->data, line->len, &err) < 0) {
		if (err.col > 0)
			fb_warnat(&line->pos, "invalid JSON at byte %ld: %s",
			    err.col, err.msg);
		else
			fb_warnat(&line->pos, "%s", err.msg);
		return -1;
	}
	return 0;
}

int
fb_each_record_file(const char *path, struct fb_rec *rec, fb_rec_fn *fn,
    void *arg)
{
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	int n, rc = 0;

	if ((r = fb_reader_open(path, fb_conf.max_line, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		return 1;
	}
	fb_progress_open(fb_reader_name(r), r);
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		if (line.status == FB_LINE_OK && is_blank(line.data, line.raw_len))
			continue;
		fb_progress_record();
		if (parse_line(rec, &line) < 0) {
			if (reject(r, &line) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		switch (fn(rec, &line.pos, arg)) {
		case FB_EMIT:
			if (fb_rec_write(rec, &fb_stdout,
			    fb_conf.pretty ? FB_REC_PRETTY : 0) < 0)
				rc = -1;	/* fb_cli_finish() reports it */
			break;
		case FB_DROP:
			break;
		case FB_REJECT:
			if (reject(r, &line) < 0)
				rc = -1;
			break;
		default:
			rc = -1;
			break;
		}
		if (rc < 0)
			break;
	}
	if (n < 0 && rc == 0) {
		fb_warnx("%s", err.msg);
		rc = 1;
	}
	fb_progress_close(r);
	fb_reader_close(r);
	return rc;
}

int
fb_each_record(int nfiles, char *files[], fb_rec_fn *fn, void *arg)
{
	static char *stdin_only[] = { "-", NULL };
	struct fb_rec rec;
	int k, status = FB_EXIT_OK;

	fb_reject_open();
	fb_progress_inputs(nfiles, files);
	if (nfiles == 0) {
		nfiles = 1;
		files = stdin_only;
	}
	fb_rec_init(&rec);
	for (k = 0; k < nfiles; k++) {
		int rc = fb_each_record_file(files[k], &rec, fn, arg);

		if (rc != 0)
			status = FB_EXIT_ERROR;
		if (rc < 0)
			break;
	}
	fb_rec_release(&rec);
	if (fb_reject_close() != 0)
		status = FB_EXIT_ERROR;
	if (status == FB_EXIT_OK && fb_reject_count() > 0)
		status = FB_EXIT_REJECTED;
	/* with -v, fb_cli_finish() counts the rejected lines in its summary */
	return status;
}
