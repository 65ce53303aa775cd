/*
 * fb_loop.c: the record loop every per-record tool runs.
 *
 * Bad input never stops the stream and is never lost: each bad line is
 * reported with FILE:LINE, counted, and copied byte for byte to --reject,
 * and the exit status says some input was rejected (DESIGN.md 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

struct loop {
	struct fb_out reject;
	int have_reject;
	unsigned long rejected;
};

static int
reject_sink(void *arg, const char *data, size_t len)
{
	return fb_out_write(arg, data, len);
}

/* Returns 0, or -1 when --strict or a write error must stop the run. */
static int
reject(struct loop *lp, struct fb_reader *r, const struct fb_line *line)
{
	struct fb_error err;

	lp->rejected++;
	if (lp->have_reject) {
		if (fb_out_write(&lp->reject, line->data, line->raw_len) < 0)
			goto write_error;
		if (line->status == FB_LINE_TOO_LONG &&
		    fb_reader_rest(r, reject_sink, &lp->reject, &err) < 0) {
			if (lp->reject.err == 0) {
				fb_warnx("%s", err.msg);
				return -1;
			}
			goto write_error;
		}
		if (fb_out_putc(&lp->reject, '\n') < 0)
			goto write_error;
	}
	return fb_conf.strict ? -1 : 0;
write_error:
	fb_warnx("cannot write '%s': %s", fb_conf.reject,
	    strerror(lp->reject.err));
	return -1;
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

/* Runs one input; returns 0 to go on, 1 after a read error, -1 to stop. */
static int
each_line(struct loop *lp, const char *path, struct fb_rec *rec,
    fb_rec_fn *fn, void *arg)
{
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	int n, rc = 0;

	if ((r = fb_reader_open(path, fb_conf.max_line, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		return 1;
	}
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		if (line.status == FB_LINE_OK && is_blank(line.data, line.raw_len))
			continue;
		if (parse_line(rec, &line) < 0) {
			if (reject(lp, r, &line) < 0) {
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
			if (reject(lp, r, &line) < 0)
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
	fb_reader_close(r);
	return rc;
}

int
fb_each_record(int nfiles, char *files[], fb_rec_fn *fn, void *arg)
{
	static char *stdin_only[] = { "-", NULL };
	struct loop lp;
	struct fb_rec rec;
	int k, status = FB_EXIT_OK;

	memset(&lp, 0, sizeof(lp));
	if (fb_conf.reject != NULL) {
		int fd = open(fb_conf.reject, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0666);

		if (fd < 0)
			fb_die("cannot open '%s'", fb_conf.reject);
		fb_out_init(&lp.reject, fd);
		lp.have_reject = 1;
	}
	if (nfiles == 0) {
		nfiles = 1;
		files = stdin_only;
	}
	fb_rec_init(&rec);
	for (k = 0; k < nfiles; k++) {
		int rc = each_line(&lp, files[k], &rec, fn, arg);

		if (rc != 0)
			status = FB_EXIT_ERROR;
		if (rc < 0)
			break;
	}
	fb_rec_release(&rec);
	if (lp.have_reject) {
		if (fb_out_flush(&lp.reject) < 0 || close(lp.reject.fd) < 0) {
			fb_warnx("cannot write '%s': %s", fb_conf.reject,
			    strerror(lp.reject.err ? lp.reject.err : errno));
			status = FB_EXIT_ERROR;
		}
		fb_out_release(&lp.reject);
	}
	if (status == FB_EXIT_OK && lp.rejected > 0)
		status = FB_EXIT_REJECTED;
	if (fb_conf.verbose && lp.rejected > 0)
		fb_warnx("%lu lines rejected", lp.rejected);
	return status;
}
