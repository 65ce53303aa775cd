/*
 * fb_cli.h: the command-line layer of libfb, the only part that prints
 * diagnostics or exits: program name, messages, options, usage, the
 * record loop with its reject sink, and exit statuses (DESIGN.md 3).
 */
#ifndef FB_CLI_H
#define FB_CLI_H

#include "fb.h"

#define FB_EXIT_OK 0		/* all input processed */
#define FB_EXIT_REJECTED 1	/* some input rejected, the rest processed */
#define FB_EXIT_ERROR 2		/* usage, fatal or write error */

/*---- Diagnostics ----*/

extern const char *fb_progname;

/* Standard output, buffered; fb_cli_finish() flushes it and checks errors. */
extern struct fb_out fb_stdout;

/*
 * Names the program, sets up stdout and the time zone ($TZ, else
 * Asia/Shanghai), and makes a closed pipe or a file-size limit a reported
 * write error (EPIPE, EFBIG) instead of a silent death by SIGPIPE or
 * SIGXFSZ.
 */
void fb_cli_init(const char *name);

/* "prog: msg: strerror(errno)" and "prog: msg" on stderr. */
void fb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fb_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: FILE:LINE: msg". */
void fb_warnat(const struct fb_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "prog: warning: msg", silenced by --quiet. */
void fb_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like fb_warn()/fb_warnx(), then exit 2. */
void fb_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fb_diex(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*---- Options ----*/

/*
 * One entry of a tool's option table.  'id' is the short option letter, or
 * a value from FB_OPT_TOOL up for a long-only option.  'arg' names the
 * argument (NULL for a flag); 'help' is one line for --help, or NULL to
 * share the line of the option before ("--since TIME, --until TIME").
 */
struct fb_opt {
	int id;
	const char *name;
	const char *arg;
	const char *help;
};

enum fb_opt_ids {
	FB_OPT_REJECT = 0x100,
	FB_OPT_STRICT,
	FB_OPT_MAX_LINE,
	FB_OPT_PRETTY,
	FB_OPT_TZ,
	FB_OPT_NOW,
	FB_OPT_LIST_OPTIONS,
	FB_OPT_LIST_COMMANDS,
	FB_OPT_PROGRESS,
	FB_OPT_NO_PROGRESS,
	FB_OPT_TOOL = 0x200	/* a tool's own long-only options start here */
};

#define FB_OPT_COMMON \
	{ 'h', "help", NULL, "show this help and exit" }, \
	{ 'V', "version", NULL, "show the version and exit" }, \
	{ 'q', "quiet", NULL, "do not print warnings" }, \
	{ 'v', "verbose", NULL, "say what is being done" }, \
	{ FB_OPT_PROGRESS, "progress", NULL, \
	    "show progress on stderr, even when not a terminal" }, \
	{ FB_OPT_NO_PROGRESS, "no-progress", NULL, "never show progress" }
#define FB_OPT_INPUT \
	{ FB_OPT_REJECT, "reject", "FILE", "write rejected input lines to FILE" }, \
	{ FB_OPT_STRICT, "strict", NULL, "stop at the first bad input line" }, \
	{ FB_OPT_MAX_LINE, "max-line", "SIZE", \
	    "reject lines longer than SIZE (default 1M)" }
#define FB_OPT_OUTPUT \
	{ FB_OPT_PRETTY, "pretty", NULL, "indent the output for people" }, \
	{ 'u', "unbuffered", NULL, "flush the output after each record" }
#define FB_OPT_TIME \
	{ FB_OPT_TZ, "tz", "ZONE", \
	    "read local times in ZONE (default $TZ, else Asia/Shanghai)" }, \
	{ FB_OPT_NOW, "now", "TIME", "take TIME as the current time" }
#define FB_OPT_END { 0, NULL, NULL, NULL }

/* What a tool says about itself for --help and option parsing. */
struct fb_tool {
	const char *const *usage;	/* synopsis lines, NULL-terminated */
	const char *summary;		/* what the tool does, one sentence */
	const struct fb_opt *opts;
	const char *const *commands;	/* subcommands, or NULL */
	const char *example;		/* ends --help */
};

/* The settings of the common options, after fb_getopt(). */
struct fb_cli_conf {
	int quiet, verbose, strict, pretty;
	const char *reject;
	uint64_t max_line;
	int progress;		/* FB_PROGRESS_*: --progress, --no-progress */
};

enum fb_progress_mode {
	FB_PROGRESS_AUTO,	/* on a terminal, for inputs of known size */
	FB_PROGRESS_FORCE,
	FB_PROGRESS_OFF
};

extern struct fb_cli_conf fb_conf;

#define FB_MAX_LINE_DEFAULT (1024 * 1024)

/*
 * Returns the id of the next of the tool's own options, with its argument
 * in '*arg', or -1 when options end (operands start at 'optind').  Common
 * options (help, version, quiet, verbose, input, output, time) are handled
 * here; a bad option prints the usage and exits 2.
 */
int fb_getopt(int argc, char *argv[], const struct fb_tool *tool,
    const char **arg) __attribute__((nonnull(2, 3, 4)));

/* Prints the usage lines to stderr and exits 2. */
void fb_usage(const struct fb_tool *tool)
	__attribute__((noreturn, nonnull(1)));

/* Checked numeric, size, duration and time arguments; exit 2 when bad. */
long fb_parse_long(const char *s, long min, long max, const char *what);
uint64_t fb_parse_size(const char *s, const char *what);
int64_t fb_parse_duration(const char *s, const char *what);
fb_time_t fb_parse_time(const char *s, const char *what);

/*
 * Flushes and checks stdout; a write error is reported and makes the
 * status 2.  Returns the status to exit with.
 */
int fb_cli_finish(int status);

/*
 * Writes the JSON text in 'b' to stdout as one output line, indented
 * with --pretty.  Returns 0, or -1 on a write error or when building 'b'
 * ran out of memory (b->err).
 */
int fb_write_json_line(const struct fb_buf *b);

/* --lateness: a duration in ms, or -1 for "inf"; exit 2 when bad. */
int64_t fb_parse_lateness(const char *s);

/*
 * The SLA policies of 'path', or of the first sla.conf found (NULL);
 * exit 2 with FILE:LINE when they cannot be read.
 */
struct fb_sla *fb_sla_open(const char *path);

/* Writes the JSON value 'j' (stolen) as one output line, like fb_write_json_line(). */
int fb_write_json(json_t *j);

/*
 * For record callbacks: reports "FILE:LINE: message" and returns
 * FB_REJECT, so that the record loop counts and keeps the line.
 */
int fb_bad(const struct fb_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Warnings of one kind: the first FB_WARN_LIMIT are printed (all with
 * -v, none with -q), the rest only counted in 'more' for a last line.
 * 'fmt' has one %s, 'arg'.
 */
#define FB_WARN_LIMIT	5
struct fb_warn_limit {
	uint64_t shown, more;
};
void fb_warn_limited(struct fb_warn_limit *c, const struct fb_pos *pos,
    const char *fmt, const char *arg);

/*---- Progress and the -v summary (fb_progress.c) ----*/

/*
 * One meter per process.  A progress line on stderr while long work runs
 * (when it is a terminal, no -q, and the inputs' size is known; or with
 * --progress), erased when done or when a diagnostic is printed; and with
 * -v, "reading FILE" as each input opens and one summary line at the end
 * (fb_cli_finish() prints it).  The record loops call these; a tool with
 * a loop of its own calls them too.
 */

/* The inputs of the run (stdin when none): their sizes make the total. */
void fb_progress_inputs(int nfiles, char *const files[]);
/* One more input of 'bytes' (a store segment). */
void fb_progress_add_input(uint64_t bytes);
/* A tool that only writes: the records it will write, for a percentage. */
void fb_progress_goal(uint64_t records);
/*
 * Input 'name' is being read through 'r' (-v says so); and is done.  'r'
 * NULL: an input read otherwise, which fb_progress_bytes() tells of.
 */
void fb_progress_open(const char *name, const struct fb_reader *r);
void fb_progress_close(const struct fb_reader *r);
void fb_progress_bytes(uint64_t n);
/* Done with 'r' (or NULL), of which 'bytes' count as read, all or not. */
void fb_progress_done(const struct fb_reader *r, uint64_t bytes);
/* For fb_read_watch: fb_store_cat() tells of the segments it reads. */
extern const struct fb_read_watch fb_progress_watch;
/* One record read; cheap: the clock is looked at now and then. */
void fb_progress_record(void);
/* Looks at the clock and redraws when it is time, counting nothing. */
void fb_progress_step(void);
/* One of the goal's records written. */
void fb_progress_wrote(void);
/*
 * What the tool wrote, for the summary, when it is not the records on
 * stdout: 'what' follows the count ("report written", "stored").
 */
void fb_progress_written(uint64_t n, const char *what);
/* Erases the line (before a diagnostic); the next step redraws it. */
void fb_progress_hide(void);
/* The last state, erased; then the -v summary. */
void fb_progress_end(void);

/*---- Allocation that cannot fail ----*/

/* fb_pool_intern() that exits when out of memory. */
uint32_t fb_xintern(struct fb_pool *pl, const char *s, size_t len);

/*
 * calloc, realloc (of 'n' elements of 'size', overflow checked) and
 * strdup that report "out of memory" and exit 2 instead of returning
 * NULL: for a tool's setup (rule and policy files, tables), where there
 * is nothing to do but stop.  returns_nonnull tells the compiler and
 * the static analyzers so (a NULL check after them is dead code).
 */
void *fb_xcalloc(size_t n, size_t size) __attribute__((returns_nonnull));
void *fb_xrealloc(void *p, size_t n, size_t size)
	__attribute__((returns_nonnull));
char *fb_xstrndup(const char *s, size_t n) __attribute__((returns_nonnull));
char *fb_xstrdup(const char *s) __attribute__((returns_nonnull));

/*---- The record loop ----*/

enum fb_rec_result {
	FB_DROP = 0,		/* consumed; nothing to write */
	FB_EMIT = 1,		/* write the record (with its edits) */
	FB_FATAL = -1,		/* reported already; stop with status 2 */
	FB_REJECT = -2		/* reported already; treat the line as bad input */
};

typedef int fb_rec_fn(struct fb_rec *rec, const struct fb_pos *pos, void *arg);

/*
 * Reads the records of the named files (stdin when there are none, or for
 * "-"), calls 'fn' on each valid one, and handles bad lines as DESIGN.md 3
 * says: reported with FILE:LINE, copied to --reject, --strict stops.
 * Returns the exit status so far (0, 1 or 2).
 */
int fb_each_record(int nfiles, char *files[], fb_rec_fn *fn, void *arg);

/*
 * The same for one input ("-" for stdin), for tools that pick a format
 * per file; the caller opens and closes the reject sink.  Returns 0 to go
 * on, 1 after an unreadable input (reported), -1 to stop (--strict, a
 * write error, or FB_FATAL).
 */
int fb_each_record_file(const char *path, struct fb_rec *rec, fb_rec_fn *fn,
    void *arg);

/*---- Rejected input ----*/

/*
 * The --reject sink, for tools that read formats of their own.  Opens the
 * file named by --reject (exit 2 when it cannot); later calls do nothing.
 */
void fb_reject_open(void);

/*
 * Reports "pos: reason", copies 'data' byte for byte and a newline to
 * --reject, and counts the rejection.  Returns 0, or -1 when --strict
 * asks to stop or the reject file cannot be written (reported).
 */
int fb_rejectf(const struct fb_pos *pos, const char *data, size_t len,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same in pieces: fb_reject_more() for each piece, fb_reject_end() to close the line. */
int fb_reject_more(const char *data, size_t len);
int fb_reject_end(void);

unsigned long fb_reject_count(void);

/* Flushes and closes --reject; returns 0, or 2 after reporting a write error. */
int fb_reject_close(void);

/*---- Items held with their lifecycle events (fb_fold.c) ----*/

/*
 * For the tools that work out SLA clocks: items and their events, read in
 * any order, are held by id until the item closes and the stream's time
 * has moved 'lateness' past the close; then the item is finished (handed
 * to the tool), remembered as done, and forgotten.  Out of memory exits,
 * as fb_xcalloc() does.
 */
struct fb_fold_item {
	char *id;		/* owned, NUL-terminated */
	size_t idlen;
	uint64_t hash;
	uint64_t seq;		/* the order item lines came in */
	fb_time_t created;	/* its ts */
	fb_time_t closed_at;	/* earliest closed event, or FB_TIME_MAX */
	fb_time_t last_event;	/* the tool's: the latest event time so far */
	struct fb_sla_ev *ev;
	size_t nev, evcap;
	int have_item;		/* its item line has come */
	int waiting;		/* closed, waiting out the lateness */
	void *data;		/* the tool's; conf.release frees it */
};

/* Finishes 'it' (works out, writes or counts): 0, or -1 to stop. */
typedef int fb_fold_finish_fn(void *arg, struct fb_fold_item *it);
typedef void fb_fold_release_fn(void *arg, void *data);

struct fb_fold_conf {
	int64_t lateness;	/* -1: hold every item to the end */
	fb_time_t now;		/* events after it do not close */
	int hold;		/* finish nothing before fb_fold_finish_all() */
	fb_fold_finish_fn *finish;
	fb_fold_release_fn *release;
	void *arg;
};

struct fb_fold *fb_fold_create(const struct fb_fold_conf *conf);
void fb_fold_free(struct fb_fold *f);

/* The held item 'id', made when absent and 'make'; else NULL. */
struct fb_fold_item *fb_fold_get(struct fb_fold *f, const char *id,
    size_t len, int make);

/* Whether 'id' was finished lately: its events come late. */
int fb_fold_done(const struct fb_fold *f, const char *id, size_t len);

/* Its item line came, made at 'created'. */
void fb_fold_seen(struct fb_fold *f, struct fb_fold_item *it,
    fb_time_t created);
void fb_fold_add_event(struct fb_fold_item *it, enum fb_sla_event kind,
    fb_time_t ts);

/*
 * After a line of 'it' (NULL for none) at time 't': queues 'it' when it
 * has closed, moves the stream's time to 't' (up to now) and finishes the
 * closed items it has moved 'lateness' past.  0, or -1 when a finish did.
 */
int fb_fold_settle(struct fb_fold *f, struct fb_fold_item *it, fb_time_t t);

/* Finishes 'it' now; fb_fold_forget() drops it unfinished. */
int fb_fold_finish(struct fb_fold *f, struct fb_fold_item *it);
void fb_fold_forget(struct fb_fold *f, struct fb_fold_item *it);

/*
 * The held items, those with an item line first in the order they came,
 * then event-only ones: an array the caller frees, '*n' long.
 */
struct fb_fold_item **fb_fold_held(const struct fb_fold *f, size_t *n);

/*
 * Finishes every held item in the order they came; those with events but
 * no item line are counted as orphans and dropped.  0, or -1.
 */
int fb_fold_finish_all(struct fb_fold *f);
void fb_fold_orphans(const struct fb_fold *f, uint64_t *items,
    uint64_t *events, const char **example);

/* Warns of the orphans, if any, suggesting to read further back. */
void fb_fold_warn_orphans(const struct fb_fold *f);
size_t fb_fold_count(const struct fb_fold *f);

/* An event line's id, kind and ts; -1 with 'err' set when bad. */
int fb_fold_read_event(struct fb_rec *rec, const char **id, size_t *idlen,
    enum fb_sla_event *kind, fb_time_t *ts, struct fb_error *err);

#define FB_FOLD_TIMES	3	/* first_response_at, resolved_at, closed_at */

/*
 * An item line's id and ts, and its own time fields as events ('*n' of
 * them); -1 with 'err' set when one is bad.
 */
int fb_fold_read_item(struct fb_rec *rec, const char **id, size_t *idlen,
    fb_time_t *created, struct fb_sla_ev times[FB_FOLD_TIMES], size_t *n,
    struct fb_error *err);

#endif /* FB_CLI_H */
