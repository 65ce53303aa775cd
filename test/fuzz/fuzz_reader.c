/*
 * fuzz_reader.c: a file through the line reader (fb_reader_open,
 * fb_reader_next, fb_reader_rest), plain or gzip, with a line limit set
 * by the first byte so that overlong lines are common.
 *
 * For plain input it checks that no byte is lost or made up: the lines
 * handed out, the rest of each overlong line and the newlines add up to
 * the input; that line numbers count up from 1; that a line is
 * NUL-terminated and loses at most a trailing '\r'; and that an overlong
 * line comes with exactly the limit.  For gzip it checks the offset
 * moves on with each line.
 */
#include "fuzz.h"
#include "fb.h"

static int
count(void *arg, const char *data, size_t len)
{
	(void)data;
	*(size_t *)arg += len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb_error err;
	struct fb_reader *r;
	struct fb_line line;
	size_t max_line, total = 0, nlines = 0, newlines = 0, k;
	uint64_t last_off = 0;
	const char *path;
	int n, gz;

	if (size < 1)
		return 0;
	max_line = 1 + data[0] % 64;
	if (data[0] >= 192)
		max_line = (1024 * 1024);
	data++;
	size--;
	gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	path = fuzz_file("input", data, size);
	if ((r = fb_reader_open(path, max_line, &err)) == NULL)
		abort();
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		size_t rest = 0;

		nlines++;
		FUZZ_CHECK(line.pos.line == nlines);
		FUZZ_CHECK(line.data[line.raw_len] == '\0' ||
		    line.status == FB_LINE_TOO_LONG);
		FUZZ_CHECK(line.len == line.raw_len ||
		    (line.len + 1 == line.raw_len &&
		    line.data[line.len] == '\r'));
		FUZZ_CHECK(line.raw_len <= max_line);
		if (line.status == FB_LINE_TOO_LONG) {
			FUZZ_CHECK(line.raw_len == max_line);
			if ((nlines & 1) &&
			    fb_reader_rest(r, count, &rest, &err) < 0)
				break;
		}
		FUZZ_CHECK(fb_reader_offset(r) >= last_off);
		last_off = fb_reader_offset(r);
		total += line.raw_len + rest;
	}
	if (!gz) {
		FUZZ_CHECK(n == 0);
		for (k = 0; k < size; k++)
			newlines += data[k] == '\n';
	}
	fb_reader_close(r);

	/*
	 * Again with the rest of every overlong line read (above, those of
	 * even lines were skipped), for the exact sum.
	 */
	if (!gz) {
		if ((r = fb_reader_open(path, max_line, &err)) == NULL)
			abort();
		total = 0;
		while ((n = fb_reader_next(r, &line, &err)) > 0) {
			size_t rest = 0;

			if (line.status == FB_LINE_TOO_LONG)
				FUZZ_CHECK(fb_reader_rest(r, count, &rest,
				    &err) == 0);
			total += line.raw_len + rest;
		}
		FUZZ_CHECK(n == 0);
		FUZZ_CHECK(total + newlines == size);
		FUZZ_CHECK(fb_reader_offset(r) == size);
		fb_reader_close(r);
	}
	return 0;
}
