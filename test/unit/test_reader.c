/*
 * test_reader: the line reader over plain and gzip files: positions, CRLF,
 * blank and unterminated lines, over-long lines and their rest, lines
 * longer than a read, damaged gzip and open errors.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fb.h"
#include "tap.h"
#include "tmpfiles.h"

/*---- Reading everything into a list ----*/

struct got {
	char *data;
	size_t len, raw_len;
	enum fb_line_status status;
	unsigned long lineno;
	uint64_t off;		/* fb_reader_offset() after the line */
	int nul_ok;		/* data[raw_len] == '\0' */
	int file_ok;		/* pos.file is the expected name */
};

struct gotlist {
	struct got *v;
	size_t n, cap;
	int rc;			/* the final fb_reader_next() result */
	struct fb_error err;
};

static void
gotlist_free(struct gotlist *g)
{
	size_t k;

	for (k = 0; k < g->n; k++)
		free(g->v[k].data);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

static void
collect(struct fb_reader *r, const char *name, struct gotlist *g)
{
	struct fb_line line;

	memset(g, 0, sizeof(*g));
	while ((g->rc = fb_reader_next(r, &line, &g->err)) > 0) {
		struct got *x;

		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			if ((g->v = realloc(g->v, g->cap * sizeof(*g->v))) == NULL)
				abort();
		}
		x = &g->v[g->n++];
		if ((x->data = malloc(line.raw_len + 1)) == NULL)
			abort();
		memcpy(x->data, line.data, line.raw_len);
		x->data[line.raw_len] = '\0';
		x->len = line.len;
		x->raw_len = line.raw_len;
		x->status = line.status;
		x->lineno = line.pos.line;
		x->off = fb_reader_offset(r);
		x->nul_ok = line.data[line.raw_len] == '\0';
		x->file_ok = line.pos.file != NULL && strcmp(line.pos.file, name) == 0;
	}
}

static int
read_file(const char *path, size_t max_line, struct gotlist *g)
{
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r = fb_reader_open(path, max_line, &err);

	if (r == NULL) {
		diag("cannot open %s: %s", path, err.msg);
		memset(g, 0, sizeof(*g));
		return -1;
	}
	collect(r, path, g);
	fb_reader_close(r);
	return 0;
}

/*---- Plain and gzip give the same lines ----*/

static const char basic[] = "first\nsecond\r\n\nfourth line\n\r\nlast";

static const struct {
	const char *data;
	size_t len, raw_len;
	uint64_t off;
} basic_want[] = {
	{ "first", 5, 5, 6 },
	{ "second\r", 6, 7, 14 },
	{ "", 0, 0, 15 },
	{ "fourth line", 11, 11, 27 },
	{ "\r", 0, 1, 29 },
	{ "last", 4, 4, 33 },
};

static void
check_basic(const char *path, const char *what)
{
	struct gotlist g;
	size_t k, n = sizeof(basic_want) / sizeof(basic_want[0]);

	if (read_file(path, 1024, &g) < 0) {
		ok(0, "%s: opens", what);
		return;
	}
	is_uint(g.n, n, "%s: %zu lines", what, n);
	is_int(g.rc, 0, "%s: then end of input", what);
	for (k = 0; k < g.n && k < n; k++) {
		struct got *x = &g.v[k];

		is_mem(x->data, x->raw_len, basic_want[k].data,
		    strlen(basic_want[k].data), "%s: line %zu bytes", what, k + 1);
		ok(x->len == basic_want[k].len && x->raw_len == basic_want[k].raw_len,
		    "%s: line %zu len %zu raw_len %zu (got %zu, %zu)", what, k + 1,
		    basic_want[k].len, basic_want[k].raw_len, x->len, x->raw_len);
		ok(x->status == FB_LINE_OK && x->lineno == k + 1 && x->nul_ok &&
		    x->file_ok, "%s: line %zu status, number, NUL, file name", what, k + 1);
		is_uint(x->off, basic_want[k].off, "%s: offset after line %zu", what, k + 1);
	}
	gotlist_free(&g);
}

static void
test_basic(void)
{
	const char *plain = tpath("basic.ndjson"), *gz = tpath("basic.ndjson.gz");
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r;
	struct fb_line line;

	write_plain(plain, basic, strlen(basic));
	write_gz(gz, "wb", basic, strlen(basic));
	check_basic(plain, "plain");
	check_basic(gz, "gzip");

	r = fb_reader_open(plain, 1024, &err);
	if (r != NULL) {
		while (fb_reader_next(r, &line, &err) > 0)
			;
		is_int(fb_reader_next(r, &line, &err), 0, "end of input stays at the end");
		fb_reader_close(r);
	}
}

static void
test_small_files(void)
{
	const char *empty = tpath("empty"), *emptygz = tpath("empty.gz"),
	    *blank = tpath("blank"), *multi = tpath("multi.gz"), *p = tpath("fd");
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r;
	struct gotlist g;
	int fd, saved;

	write_plain(empty, "", 0);
	read_file(empty, 100, &g);
	ok(g.n == 0 && g.rc == 0, "an empty file has no lines");
	gotlist_free(&g);

	write_gz(emptygz, "wb", "", 0);
	read_file(emptygz, 100, &g);
	ok(g.n == 0 && g.rc == 0, "an empty gzip file has no lines");
	gotlist_free(&g);

	write_plain(blank, "\n\n", 2);
	read_file(blank, 100, &g);
	ok(g.n == 2 && g.rc == 0 && g.v[0].len == 0 && g.v[1].len == 0 &&
	    g.v[1].lineno == 2, "\"\\n\\n\" is two empty lines");
	gotlist_free(&g);

	/* Two gzip members one after the other, as `cat a.gz b.gz` makes. */
	write_gz(multi, "wb", "one\ntwo\n", 8);
	write_gz(multi, "ab", "three\n", 6);
	read_file(multi, 100, &g);
	ok(g.n == 3 && g.rc == 0 && strcmp(g.v[2].data, "three") == 0 &&
	    g.v[2].lineno == 3, "a gzip file of two members reads as one");
	gotlist_free(&g);

	write_plain(p, "x\ny\n", 4);
	fd = open(p, O_RDONLY);
	r = fb_reader_fdopen(fd, "custom-name", 100, &err);
	if (ok(r != NULL, "fdopen")) {
		collect(r, "custom-name", &g);
		ok(g.n == 2 && g.v[1].file_ok && g.v[1].lineno == 2,
		    "fdopen: positions carry the given name");
		gotlist_free(&g);
		fb_reader_close(r);
	}

	/* "-" reads standard input, named <stdin>. */
	fd = open(p, O_RDONLY);
	saved = dup(STDIN_FILENO);
	if (fd < 0 || saved < 0 || dup2(fd, STDIN_FILENO) < 0)
		abort();
	close(fd);
	r = fb_reader_open("-", 100, &err);
	if (ok(r != NULL, "open \"-\"")) {
		collect(r, "<stdin>", &g);
		ok(g.n == 2 && g.v[0].file_ok && strcmp(g.v[0].data, "x") == 0,
		    "\"-\" reads standard input as <stdin>");
		gotlist_free(&g);
		fb_reader_close(r);
	}
	if (dup2(saved, STDIN_FILENO) < 0)
		abort();
	close(saved);
}

/*---- Over-long lines ----*/

struct sinkbuf {
	char *p;
	size_t len, cap;
	int calls, fail;
};

static int
sink(void *arg, const char *data, size_t len)
{
	struct sinkbuf *b = arg;

	b->calls++;
	if (b->fail)
		return -1;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static void
check_too_long(const char *path, const char *what)
{
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r = fb_reader_open(path, 10, &err);
	struct fb_line line;
	struct sinkbuf b = { NULL, 0, 0, 0, 0 };

	if (!ok(r != NULL, "%s: open with max_line 10", what))
		return;
	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_OK &&
	    strcmp(line.data, "short") == 0, "%s: short line", what);

	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_TOO_LONG,
	    "%s: 20-byte line is FB_LINE_TOO_LONG", what);
	is_mem(line.data, line.len, "0123456789", 10, "%s: its first 10 bytes", what);
	ok(line.pos.line == 2, "%s: it is line 2", what);
	is_int(fb_reader_rest(r, sink, &b, &err), 0, "%s: rest returns 0", what);
	is_mem(b.p, b.len, "ABCDEFGHIJ", 10, "%s: rest delivers exactly the rest", what);
	is_uint(fb_reader_offset(r), 27, "%s: offset after the rest", what);

	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_OK &&
	    strcmp(line.data, "next") == 0 && line.pos.line == 3,
	    "%s: the next line reads normally as line 3", what);
	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_OK &&
	    line.len == 10 && strcmp(line.data, "0123456789") == 0,
	    "%s: a line of exactly max_line bytes is fine", what);

	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_TOO_LONG &&
	    line.len == 10 && memcmp(line.data, "abcdefghij", 10) == 0,
	    "%s: unterminated over-long last line", what);
	b.len = 0;
	is_int(fb_reader_rest(r, sink, &b, &err), 0, "%s: rest of the last line", what);
	is_mem(b.p, b.len, "k", 1, "%s: rest of the last line is 'k'", what);
	is_int(fb_reader_next(r, &line, &err), 0, "%s: then end of input", what);
	fb_reader_close(r);

	/* Without fb_reader_rest(), the next read skips the rest itself. */
	r = fb_reader_open(path, 10, &err);
	if (r == NULL)
		return;
	fb_reader_next(r, &line, &err);
	fb_reader_next(r, &line, &err);
	ok(fb_reader_next(r, &line, &err) == 1 && strcmp(line.data, "next") == 0 &&
	    line.pos.line == 3, "%s: skipping the rest reaches the next line", what);
	fb_reader_close(r);

	/* A NULL sink discards the rest. */
	r = fb_reader_open(path, 10, &err);
	if (r == NULL)
		return;
	fb_reader_next(r, &line, &err);
	fb_reader_next(r, &line, &err);
	is_int(fb_reader_rest(r, NULL, NULL, &err), 0, "%s: rest with a NULL sink", what);
	ok(fb_reader_next(r, &line, &err) == 1 && strcmp(line.data, "next") == 0,
	    "%s: next line after a discarded rest", what);
	fb_reader_close(r);

	/* A sink that fails makes the rest fail. */
	r = fb_reader_open(path, 10, &err);
	if (r == NULL)
		return;
	fb_reader_next(r, &line, &err);
	fb_reader_next(r, &line, &err);
	b.fail = 1;
	err.msg[0] = '\0';
	ok(fb_reader_rest(r, sink, &b, &err) == -1 && err.msg[0] != '\0',
	    "%s: a failing sink fails the rest (%s)", what, err.msg);
	fb_reader_close(r);
	free(b.p);
}

static void
test_too_long(void)
{
	static const char data[] =
	    "short\n0123456789ABCDEFGHIJ\nnext\n0123456789\nabcdefghijk";
	const char *plain = tpath("long.ndjson"), *gz = tpath("long.ndjson.gz");

	write_plain(plain, data, strlen(data));
	write_gz(gz, "wb", data, strlen(data));
	check_too_long(plain, "plain");
	check_too_long(gz, "gzip");
}

/* A byte pattern that is not periodic in the read size. */
static void
fill(char *p, size_t n, unsigned seed)
{
	size_t k;

	for (k = 0; k < n; k++) {
		seed = seed * 1103515245u + 12345u;
		p[k] = (char)('!' + (seed >> 16) % 90);
	}
}

static void
check_huge_too_long(const char *path, const char *line1, size_t n1,
    const char *what)
{
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r = fb_reader_open(path, 1000, &err);
	struct fb_line line;
	struct sinkbuf b = { NULL, 0, 0, 0, 0 };

	if (!ok(r != NULL, "%s: open with max_line 1000", what))
		return;
	ok(fb_reader_next(r, &line, &err) == 1 && line.status == FB_LINE_TOO_LONG,
	    "%s: 300 KB line is too long", what);
	is_mem(line.data, line.len, line1, 1000, "%s: its first 1000 bytes", what);
	is_int(fb_reader_rest(r, sink, &b, &err), 0, "%s: rest over several reads", what);
	is_mem(b.p, b.len, line1 + 1000, n1 - 1000,
	    "%s: rest is exactly the other %zu bytes", what, n1 - 1000);
	ok(b.calls >= 2, "%s: rest came in pieces (%d)", what, b.calls);
	ok(fb_reader_next(r, &line, &err) == 1 && strcmp(line.data, "after") == 0 &&
	    line.pos.line == 2, "%s: the line after it", what);
	is_uint(fb_reader_offset(r), n1 + 1 + 6, "%s: offset at the end", what);
	fb_reader_close(r);
	free(b.p);
}

static void
test_long_lines(void)
{
	static const size_t lens[] = { 300000, 131071, 131072, 131073, 262144,
	    1, 0, 5, 131072 * 3 + 17 };
	const size_t nl = sizeof(lens) / sizeof(lens[0]);
	const char *plain = tpath("big.ndjson"), *gz = tpath("big.ndjson.gz");
	const char *hplain = tpath("huge.ndjson"), *hgz = tpath("huge.ndjson.gz");
	size_t total = 0, k, off = 0;
	char *data, *lines[16];
	struct gotlist g;
	int pass, fails;

	for (k = 0; k < nl; k++)
		total += lens[k] + 1;
	if ((data = malloc(total)) == NULL)
		abort();
	for (k = 0; k < nl; k++) {
		lines[k] = data + off;
		fill(data + off, lens[k], (unsigned)k + 1);
		off += lens[k];
		data[off++] = '\n';
	}
	write_plain(plain, data, total);
	write_gz(gz, "wb", data, total);
	for (pass = 0; pass < 2; pass++) {
		const char *what = pass ? "gzip" : "plain";

		read_file(pass ? gz : plain, 1 << 20, &g);
		is_uint(g.n, nl, "%s: %zu lines of up to %zu bytes", what, nl, lens[8]);
		fails = 0;
		for (k = 0; k < g.n && k < nl; k++)
			if ((g.v[k].len != lens[k] || g.v[k].status != FB_LINE_OK ||
			    memcmp(g.v[k].data, lines[k], lens[k]) != 0) && fails++ < 3)
				diag("%s: line %zu (%zu bytes) differs, got %zu bytes",
				    what, k + 1, lens[k], g.v[k].len);
		ok(fails == 0, "%s: lines longer than a read come back intact", what);
		ok(g.n == nl && g.v[nl - 1].off == total, "%s: offset is the whole input", what);
		gotlist_free(&g);
	}
	free(data);

	if ((data = malloc(300000 + 7)) == NULL)
		abort();
	fill(data, 300000, 99);
	memcpy(data + 300000, "\nafter\n", 7);
	write_plain(hplain, data, 300007);
	write_gz(hgz, "wb", data, 300007);
	check_huge_too_long(hplain, data, 300000, "plain");
	check_huge_too_long(hgz, data, 300000, "gzip");
	free(data);
}

/*---- Damaged gzip ----*/

static void
test_truncated_gz(void)
{
	const char *gz = tpath("trunc.ndjson.gz");
	const size_t nlines = 200000;
	char *data, *p, want[80], prefix[300];
	struct gotlist g;
	struct fb_error err = { "", 0, 0 };
	struct fb_reader *r;
	struct fb_line line;
	size_t k, fails = 0;
	off_t size;
	int fd;

	if ((data = malloc(nlines * 64)) == NULL)
		abort();
	p = data;
	for (k = 0; k < nlines; k++) {
		char noise[17];

		fill(noise, 16, (unsigned)k);
		noise[16] = '\0';
		p += sprintf(p, "{\"n\":%zu,\"noise\":\"%s\"}\n", k + 1, noise);
	}
	write_gz(gz, "wb", data, (size_t)(p - data));
	free(data);
	fd = open(gz, O_RDWR);
	size = lseek(fd, 0, SEEK_END);
	if (fd < 0 || size < 1000 || ftruncate(fd, size / 2) < 0)
		abort();
	close(fd);

	read_file(gz, 1 << 20, &g);
	ok(g.n > 1000 && g.n < nlines, "truncated gzip: the lines before the damage (%zu of %zu)",
	    g.n, nlines);
	for (k = 0; k < g.n; k++) {
		int n = snprintf(want, sizeof(want), "{\"n\":%zu,", k + 1);

		if ((strncmp(g.v[k].data, want, (size_t)n) != 0 ||
		    g.v[k].lineno != k + 1 || g.v[k].len < 30) && fails++ < 3)
			diag("line %zu: %s", k + 1, g.v[k].data);
	}
	ok(fails == 0, "truncated gzip: every line returned is whole and in order");
	is_int(g.rc, -1, "truncated gzip: then -1");
	snprintf(prefix, sizeof(prefix), "cannot read '%s'", gz);
	ok(strncmp(g.err.msg, prefix, strlen(prefix)) == 0,
	    "truncated gzip: error names the file (%s)", g.err.msg);
	gotlist_free(&g);

	r = fb_reader_open(gz, 1 << 20, &err);
	if (r != NULL) {
		while (fb_reader_next(r, &line, &err) > 0)
			;
		is_int(fb_reader_next(r, &line, &err), -1, "truncated gzip: the error repeats");
		fb_reader_close(r);
	}
}

static void
test_open_errors(void)
{
	struct fb_error err = { "", 0, 0 };
	const char *missing = tpath("no-such-file.ndjson");
	char want[300];

	ok(fb_reader_open(missing, 100, &err) == NULL, "open of a missing file fails");
	snprintf(want, sizeof(want), "cannot open '%s': No such file or directory",
	    missing);
	is_str(err.msg, want, "missing file: message");
}

int
main(void)
{
	tmp_init("reader");
	test_basic();
	test_small_files();
	test_too_long();
	test_long_lines();
	test_truncated_gz();
	test_open_errors();
	tmp_cleanup();
	return done_testing();
}
