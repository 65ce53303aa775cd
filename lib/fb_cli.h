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
 * Asia/Shanghai), and makes a closed pipe a reported write error (EPIPE)
 * instead of a silent death by SIGPIPE.
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
 * argument (NULL for a flag); 'help' is one line for --help.
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
	FB_OPT_TOOL = 0x200	/* a tool's own long-only options start here */
};

#define FB_OPT_COMMON \
	{ 'h', "help", NULL, "show this help and exit" }, \
	{ 'V', "version", NULL, "show the version and exit" }, \
	{ 'q', "quiet", NULL, "do not print warnings" }, \
	{ 'v', "verbose", NULL, "say what is being done" }
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
    const char **arg);

/* Prints the usage lines to stderr and exits 2. */
void fb_usage(const struct fb_tool *tool) __attribute__((noreturn));

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

/*---- Allocation that cannot fail ----*/

/*
 * calloc, realloc (of 'n' elements of 'size', overflow checked) and
 * strdup that report "out of memory" and exit 2 instead of returning
 * NULL: for a tool's setup (rule and policy files, tables), where there
 * is nothing to do but stop.
 */
void *fb_xcalloc(size_t n, size_t size);
void *fb_xrealloc(void *p, size_t n, size_t size);
char *fb_xstrndup(const char *s, size_t n);
char *fb_xstrdup(const char *s);

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

#endif /* FB_CLI_H */
