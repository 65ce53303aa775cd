/*
 * fb_progress.c: the progress line on stderr and the -v summary, one
 * meter per process (DESIGN.md 3).
 *
 * The counters are kept always, for -v; drawing is off unless it can
 * help: stderr a terminal, no -q, and inputs of known size, so that in
 * "fb-store cat | fb-report" only the head of the pipeline draws and two
 * meters never fight over one line.  --progress forces it, to any
 * stderr and with no known total; --no-progress turns it off.
 *
 * The per-record cost is an increment and a compare: the clock is read
 * every CHECK_EVERY records, the line redrawn at most 4 times a second.
 */
#define _GNU_SOURCE	/* CLOCK_MONOTONIC_COARSE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fb_cli.h"

#define CHECK_EVERY	32		/* records between looks at the clock */
#define REDRAW_NS	250000000LL	/* 4 redraws a second at most */
#define DELAY_NS	1000000000LL	/* auto mode: short runs show nothing */
#define LINE_WIDTH	79		/* fits 80 columns, cursor included */

struct progress {
	int started;		/* the start time is set */
	int64_t start_ns, next_draw_ns;
	uint64_t records;	/* read */
	uint64_t next_check;	/* look at the clock at this many records */
	uint64_t files;		/* opened */
	uint64_t nfiles;	/* declared, for "(2/3)"; 0 when unknown */
	uint64_t total;		/* bytes to read, or records to write */
	int total_unknown;	/* an input of unknown size (a pipe) */
	int goal_records;	/* 'total' counts records to write (fb-gen) */
	int segments;		/* the inputs are store segments */
	uint64_t done_bytes;	/* of the inputs closed */
	const struct fb_reader **open;	/* inputs being read */
	size_t nopen, opencap;
	char name[256];		/* the input being read */
	const char *what;	/* what was written, when not records */
	uint64_t written;	/* of 'what' */
	uint64_t wrote;		/* toward the goal */
	int tty;		/* may draw in auto mode: -1 not asked yet */
	int shown;		/* the line is on the screen */
	int drawn;		/* it was drawn at least once */
};

static struct progress P = { .next_check = CHECK_EVERY, .tty = -1 };

static int64_t
now_ns(void)
{
	struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
	clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
start(void)
{
	if (P.started)
		return;
	P.started = 1;
	P.start_ns = now_ns();
	P.next_draw_ns = P.start_ns;
	if (fb_conf.progress != FB_PROGRESS_FORCE)
		P.next_draw_ns += DELAY_NS;
}

/* Whether the line may be drawn at all, as far as is known now. */
static int
may_draw(void)
{
	if (fb_conf.progress == FB_PROGRESS_FORCE)
		return 1;
	if (fb_conf.progress == FB_PROGRESS_OFF || fb_conf.quiet)
		return 0;
	/*
	 * Records written to the same terminal would land on the line: a
	 * person reading the data there sees no progress.
	 */
	if (P.tty < 0)
		P.tty = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	return P.tty && !P.total_unknown && P.total > 0;
}

static void
add_size(const char *path)
{
	struct stat st;
	int rc = path != NULL ? stat(path, &st) : fstat(STDIN_FILENO, &st);

	if (rc == 0 && S_ISREG(st.st_mode))
		P.total += (uint64_t)st.st_size;
	else
		P.total_unknown = 1;
}

void
fb_progress_inputs(int nfiles, char *const files[])
{
	int k;

	start();
	if (nfiles == 0) {
		P.nfiles++;
		add_size(NULL);	/* stdin */
		return;
	}
	for (k = 0; k < nfiles; k++) {
		P.nfiles++;
		if (strcmp(files[k], "-") == 0)
			add_size(NULL);	/* stdin */
		else
			add_size(files[k]);
	}
}

void
fb_progress_add_input(uint64_t bytes)
{
	start();
	P.segments = 1;		/* only fb_store_cat() adds inputs so */
	P.nfiles++;
	P.total += bytes;
}

void
fb_progress_goal(uint64_t records)
{
	start();
	P.goal_records = 1;
	P.total = records;
}

void
fb_progress_open(const char *name, const struct fb_reader *r)
{
	start();
	if (fb_conf.verbose)
		fb_warnx("reading %s", name);
	P.files++;
	snprintf(P.name, sizeof(P.name), "%s", name);
	if (r == NULL) {
		fb_progress_step();
		return;
	}
	if (P.nopen == P.opencap) {
		P.opencap = P.opencap ? P.opencap * 2 : 4;
		P.open = fb_xrealloc(P.open, P.opencap, sizeof(*P.open));
	}
	P.open[P.nopen++] = r;
	fb_progress_step();
}

void
fb_progress_close(const struct fb_reader *r)
{
	fb_progress_done(r, fb_reader_raw_offset(r));
}

void
fb_progress_done(const struct fb_reader *r, uint64_t bytes)
{
	size_t k;

	P.done_bytes += bytes;
	for (k = 0; k < P.nopen; k++)
		if (P.open[k] == r) {
			P.open[k] = P.open[--P.nopen];
			break;
		}
	if (P.nopen == 0) {
		free(P.open);
		P.open = NULL;
		P.opencap = 0;
	}
}

void
fb_progress_bytes(uint64_t n)
{
	P.done_bytes += n;
}

void
fb_progress_written(uint64_t n, const char *what)
{
	P.written = n;
	P.what = what;
}

void
fb_progress_wrote(void)
{
	if (++P.wrote % CHECK_EVERY == 0)
		fb_progress_step();
}

/* "1,204,330" */
static void
put_count(struct fb_buf *b, uint64_t n)
{
	char digits[24];
	size_t len, k;

	len = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)n);
	for (k = 0; k < len; k++) {
		if (k > 0 && (len - k) % 3 == 0)
			fb_buf_addc(b, ',');
		fb_buf_addc(b, digits[k]);
	}
}

/* "512M", "1.1G" */
static void
put_bytes(struct fb_buf *b, uint64_t n)
{
	static const char units[] = "BKMGTPE";
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof(units) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		fb_buf_printf(b, "%lluB", (unsigned long long)n);
	else if (v < 10)
		fb_buf_printf(b, "%.1f%c", v, units[u]);
	else
		fb_buf_printf(b, "%.0f%c", v, units[u]);
}

/* "0:12", "1:02:03" */
static void
put_time(struct fb_buf *b, int64_t s)
{
	if (s >= 3600)
		fb_buf_printf(b, "%lld:%02lld:%02lld", (long long)(s / 3600),
		    (long long)(s / 60 % 60), (long long)(s % 60));
	else
		fb_buf_printf(b, "%lld:%02lld", (long long)(s / 60),
		    (long long)(s % 60));
}

static void
erase(void)
{
	static const char seq[] = "\r\033[K";

	if (P.shown) {
		(void)!write(STDERR_FILENO, seq, sizeof(seq) - 1);
		P.shown = 0;
	}
}

static void
draw(int64_t t)
{
	struct fb_buf tail = { 0 }, line = { 0 };
	uint64_t done, total = P.total;
	int64_t elapsed = (t - P.start_ns) / 1000000000LL;
	size_t k, room;
	int known;

	if (P.goal_records)
		done = P.wrote;
	else {
		done = P.done_bytes;
		for (k = 0; k < P.nopen; k++)
			done += fb_reader_raw_offset(P.open[k]);
	}
	known = !P.total_unknown && total > 0;
	if (known && done > total)
		done = total;
	if (known)
		fb_buf_printf(&tail, "  %3d%%  ", (int)(done * 100 / total));
	else
		fb_buf_adds(&tail, "  ");
	if (P.goal_records) {
		put_count(&tail, done);
		if (known) {
			fb_buf_adds(&tail, " of ");
			put_count(&tail, total);
		}
		fb_buf_adds(&tail, " records");
	} else {
		put_bytes(&tail, done);
		if (known) {
			fb_buf_adds(&tail, " of ");
			put_bytes(&tail, total);
		}
		fb_buf_adds(&tail, "  ");
		put_count(&tail, P.records);
		fb_buf_adds(&tail, P.records == 1 ? " record" : " records");
	}
	fb_buf_adds(&tail, "  ");
	put_time(&tail, elapsed);
	if (known && done > 0 && done < total && elapsed > 0) {
		fb_buf_adds(&tail, ", ");
		put_time(&tail, (int64_t)((double)elapsed *
		    (double)(total - done) / (double)done));
		fb_buf_adds(&tail, " left");
	} else if (!known && elapsed > 0) {
		fb_buf_adds(&tail, ", ");
		put_count(&tail, (P.goal_records ? done : P.records) /
		    (uint64_t)elapsed);
		fb_buf_adds(&tail, "/s");
	}

	fb_buf_printf(&line, "\r%s:", fb_progname);
	if (P.name[0] != '\0' && !P.goal_records) {
		char count[48] = "";
		size_t namelen = strlen(P.name), used;

		if (P.nfiles > 1)
			snprintf(count, sizeof(count), " (%llu/%llu)",
			    (unsigned long long)P.files,
			    (unsigned long long)P.nfiles);
		used = line.len - 1 + 1 + strlen(count) + tail.len;
		room = used < LINE_WIDTH ? LINE_WIDTH - used : 0;
		fb_buf_addc(&line, ' ');
		if (namelen <= room)
			fb_buf_add_clean(&line, P.name, namelen, SIZE_MAX);
		else if (room > 3) {
			/* the end of a path says more than its start */
			const char *from = P.name + namelen - (room - 3);

			while ((*from & 0xc0) == 0x80)	/* not mid-character */
				from++;
			fb_buf_adds(&line, "...");
			fb_buf_add_clean(&line, from, strlen(from), SIZE_MAX);
		}
		fb_buf_adds(&line, count);
	}
	fb_buf_add(&line, tail.p, tail.len);
	fb_buf_adds(&line, "\033[K");
	if (!line.err) {
		(void)!write(STDERR_FILENO, line.p, line.len);
		P.shown = 1;
		P.drawn = 1;
	}
	fb_buf_release(&tail);
	fb_buf_release(&line);
}

void
fb_progress_step(void)
{
	int64_t t;

	P.next_check = P.records + CHECK_EVERY;
	if (!P.started || !may_draw())
		return;
	t = now_ns();
	if (t < P.next_draw_ns)
		return;
	P.next_draw_ns = t + REDRAW_NS;
	draw(t);
}

void
fb_progress_record(void)
{
	if (++P.records >= P.next_check)
		fb_progress_step();
}

void
fb_progress_hide(void)
{
	erase();
}

void
fb_progress_end(void)
{
	struct fb_buf b = { 0 };
	int64_t t = now_ns();
	uint64_t written = fb_stdout.records;
	int reading = P.files > 0 || P.records > 0;

	/* the last state, 100% when all was read, then nothing stays */
	if (P.started && may_draw() && (P.drawn ||
	    fb_conf.progress == FB_PROGRESS_FORCE)) {
		draw(t);
		erase();
	}
	if (!fb_conf.verbose)
		return;
	if (!P.started)
		P.start_ns = t;
	if (reading) {
		put_count(&b, P.files);
		if (P.segments)
			fb_buf_adds(&b, P.files == 1 ? " segment, " :
			    " segments, ");
		else
			fb_buf_adds(&b, P.files == 1 ? " file, " : " files, ");
		put_count(&b, P.records);
		fb_buf_adds(&b, P.records == 1 ? " record read, " :
		    " records read, ");
	}
	if (P.what != NULL) {
		put_count(&b, P.written);
		fb_buf_printf(&b, " %s", P.what);
	} else {
		put_count(&b, written);
		if (!reading)
			fb_buf_adds(&b, written == 1 ? " record" : " records");
		fb_buf_adds(&b, " written");
	}
	if (reading) {
		fb_buf_adds(&b, ", ");
		put_count(&b, fb_reject_count());
		fb_buf_adds(&b, " rejected");
	}
	fb_buf_printf(&b, ", %.1f s", (double)(t - P.start_ns) / 1e9);
	if (!b.err)
		fb_warnx("%s", b.p);
	fb_buf_release(&b);
}

/* fb_store_cat() tells the meter of the segments it reads. */
const struct fb_read_watch fb_progress_watch = {
	fb_progress_add_input,
	fb_progress_open,
	fb_progress_done,
	fb_progress_record
};
