/* fb_cli.c: diagnostics, option parsing, usage and exit for every fb tool. */
#define _GNU_SOURCE	/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

/* --now, read once all options are: "2026-11-23 10:00" means --tz's time. */
static const char *pending_now;

const char *fb_progname = "fb";
struct fb_out fb_stdout;
struct fb_cli_conf fb_conf = { 0, 0, 0, 0, NULL, FB_MAX_LINE_DEFAULT,
	FB_PROGRESS_AUTO };

void
fb_cli_init(const char *name)
{
	struct fb_error err;
	const char *tz = getenv("TZ");

	fb_progname = name;
	fb_out_init(&fb_stdout, STDOUT_FILENO);
	fb_read_watch = &fb_progress_watch;
#ifdef F_SETPIPE_SZ
	/*
	 * Between two stages a 64 KB pipe holds half of one 128 KB write:
	 * writer and reader then take turns instead of working at once.
	 * 1 MB lets them overlap; where it is refused, nothing is lost.
	 */
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
#endif
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Past a file-size limit (ulimit -f in a cron job) a write fails with
	 * EFBIG, which is reported and lets the store take back a partial
	 * batch; SIGXFSZ would kill the tool mid-write and say nothing.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if (fb_tz_set(tz && *tz ? tz : "Asia/Shanghai", &err) < 0) {
		fb_warning("%s from $TZ; using UTC", err.msg);
		fb_tz_set("UTC", NULL);
	}
}

/*
 * Diagnostics quote record data ("cannot read time '%s'") and reach a
 * terminal or a cron mail: the message goes out as fb_buf_add_clean()
 * shows text, so an escape sequence, a bidi override or a line break in
 * the data can neither act on the terminal nor split the line.
 */
static void
vwarn(const char *prefix, const char *fmt, va_list ap, int with_errno)
{
	int saved = errno;
	struct fb_buf msg = { 0 }, shown = { 0 };
	va_list aq;
	int n;

	fflush(stdout);
	fb_progress_hide();	/* a message never lands on the progress line */
	fb_buf_adds(&msg, prefix);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n > 0 && fb_buf_grow(&msg, (size_t)n) == 0) {
		vsnprintf(msg.p + msg.len, (size_t)n + 1, fmt, ap);
		msg.len += (size_t)n;
	}
	if (with_errno)
		fb_buf_printf(&msg, ": %s", strerror(saved));
	fb_buf_add_clean(&shown, msg.p, msg.len, SIZE_MAX);
	if (shown.err == 0)
		fprintf(stderr, "%s: %s\n", fb_progname,
		    shown.p != NULL ? shown.p : "");
	else
		fprintf(stderr, "%s: out of memory\n", fb_progname);
	fb_buf_release(&msg);
	fb_buf_release(&shown);
}

void
fb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn("", fmt, ap, 1);
	va_end(ap);
}

void
fb_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn("", fmt, ap, 0);
	va_end(ap);
}

void
fb_warnat(const struct fb_pos *pos, const char *fmt, ...)
{
	char prefix[512];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s:%lu: ", pos->file, pos->line);
	va_start(ap, fmt);
	vwarn(prefix, fmt, ap, 0);
	va_end(ap);
}

void
fb_warning(const char *fmt, ...)
{
	va_list ap;

	if (fb_conf.quiet)
		return;
	va_start(ap, fmt);
	vwarn("warning: ", fmt, ap, 0);
	va_end(ap);
}

void
fb_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn("", fmt, ap, 1);
	va_end(ap);
	exit(FB_EXIT_ERROR);
}

void
fb_diex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn("", fmt, ap, 0);
	va_end(ap);
	exit(FB_EXIT_ERROR);
}

/*---- Options ----*/

/* Options every tool takes without listing them: completion helpers. */
static const struct fb_opt hidden_opts[] = {
	{ FB_OPT_LIST_OPTIONS, "list-options", NULL, NULL },
	{ FB_OPT_LIST_COMMANDS, "list-commands", NULL, NULL },
	FB_OPT_END
};

/*
 * --help fits one screen of 80 columns and 24 lines, so long lines are
 * wrapped here: usage lines under the tool's name, the rest under two
 * spaces.
 */
#define HELP_WIDTH 80

/* Whether 's' starts with an upper-case word: FILE, ZONE, but not A. */
static int
is_arg_name(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

	return n > 1 && (s[n] == '\0' || s[n] == ' ' || s[n] == ',');
}

/*
 * Prints 's' word-wrapped from column 'col', continuing at 'indent'.  A
 * bracketed group such as "[-p policy]" is one word.
 */
static void
print_wrapped(FILE *fp, const char *s, size_t col, size_t indent)
{
	int line_start = 1, depth;
	size_t n;

	while (*s != '\0') {
		for (n = 0, depth = 0; s[n] != '\0' &&
		    (s[n] != ' ' || depth > 0); n++)
			if (s[n] == '[')
				depth++;
			else if (s[n] == ']' && depth > 0)
				depth--;
		/* an argument's name stays with its option: "--tz ZONE" */
		if (s[n] == ' ' && is_arg_name(s + n + 1))
			n += 1 + strcspn(s + n + 1, " ");
		/* a word wider than the line goes on one of its own */
		if (!line_start && col + 1 + n > HELP_WIDTH) {
			fprintf(fp, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!line_start) {
			fputc(' ', fp);
			col++;
		}
		(void)fwrite(s, 1, n, fp);	/* fb_cli_finish() checks stdout */
		line_start = 0;
		col += n;
		s += n;
		s += strspn(s, " ");
	}
	fputc('\n', fp);
}

static void
print_usage(FILE *fp, const struct fb_tool *tool)
{
	const char *const *u;
	size_t lead = strlen("usage: ");

	for (u = tool->usage; *u != NULL; u++) {
		fputs(u == tool->usage ? "usage: " : "       ", fp);
		print_wrapped(fp, *u, lead, lead + strcspn(*u, " ") + 1);
	}
}

void
fb_usage(const struct fb_tool *tool)
{
	print_usage(stderr, tool);
	exit(FB_EXIT_ERROR);
}

/* The options every tool takes: --help names them in two lines. */
static int
is_common(const struct fb_opt *o)
{
	return (o->id >= FB_OPT_REJECT && o->id < FB_OPT_TOOL) ||
	    (o->id < 0x100 && strchr("hVqvu", o->id) != NULL);
}

/* "-p, --policy FILE" or "    --since TIME", into 'b'. */
static void
add_opt_name(struct fb_buf *b, const struct fb_opt *o)
{
	if (o->id < 0x100)
		fb_buf_printf(b, "-%c, ", o->id);
	else if (b->len == 0)
		fb_buf_adds(b, "    ");
	fb_buf_printf(b, "--%s%s%s", o->name, o->arg ? " " : "",
	    o->arg ? o->arg : "");
}

/*
 * Usage, summary, the tool's own options one a line (an option with no
 * help joins the line of the one before: "--since TIME, --until TIME"),
 * the common options by name only, and an example.
 */
static void
print_help(const struct fb_tool *tool)
{
	const struct fb_opt *o, *p;
	struct fb_buf left = { 0 }, common = { 0 };
	int width = 0, pass;

	print_usage(stdout, tool);
	print_wrapped(stdout, tool->summary, 0, 0);
	putchar('\n');
	for (pass = 0; pass < 2; pass++) {
		for (o = tool->opts; o->name != NULL; o = p) {
			p = o + 1;
			if (is_common(o) || o->help == NULL)
				continue;
			left.len = 0;
			add_opt_name(&left, o);
			for (; p->name != NULL && p->help == NULL &&
			    !is_common(p); p++) {
				fb_buf_adds(&left, ", ");
				add_opt_name(&left, p);
			}
			if (left.err)
				fb_diex("out of memory");
			if (pass == 0 && (int)left.len > width)
				width = (int)left.len;
			else if (pass == 1)
				printf("  %-*s  %s\n", width, left.p, o->help);
		}
	}
	for (o = tool->opts; o->name != NULL; o++) {
		if (!is_common(o))
			continue;
		if (common.len > 0)
			fb_buf_adds(&common, ", ");
		if (o->id < 0x100)
			fb_buf_printf(&common, "-%c", o->id);
		else
			fb_buf_printf(&common, "--%s%s%s", o->name,
			    o->arg ? " " : "", o->arg ? o->arg : "");
	}
	if (common.len > 0 && !common.err) {
		fputs("common options, see fb(7): ", stdout);
		print_wrapped(stdout, common.p, strlen("common options, see "
		    "fb(7): "), 2);
	}
	fb_buf_release(&left);
	fb_buf_release(&common);
	if (tool->example != NULL) {
		fputs("example:\n  ", stdout);
		print_wrapped(stdout, tool->example, 2, 4);
	}
}

static const struct fb_opt *
find_opt(const struct fb_tool *tool, int id)
{
	const struct fb_opt *o;

	for (o = tool->opts; o->name != NULL; o++)
		if (o->id == id)
			return o;
	for (o = hidden_opts; o->name != NULL; o++)
		if (o->id == id)
			return o;
	return NULL;
}

long
fb_parse_long(const char *s, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		fb_diex("invalid number '%s' for %s (allowed %ld to %ld)", s,
		    what, min, max);
	return v;
}

uint64_t
fb_parse_size(const char *s, const char *what)
{
	struct fb_error err;
	uint64_t v;

	if (fb_size_parse(s, &v, &err) < 0 || v == 0)
		fb_diex("invalid size '%s' for %s", s, what);
	return v;
}

int64_t
fb_parse_duration(const char *s, const char *what)
{
	struct fb_error err;
	int64_t v;

	if (fb_duration_parse(s, &v, &err) < 0)
		fb_diex("%s for %s", err.msg, what);
	return v;
}

fb_time_t
fb_parse_time(const char *s, const char *what)
{
	struct fb_error err;
	fb_time_t t;

	if (fb_time_parse(s, &t, &err) < 0)
		fb_diex("%s for %s (say 2026-11-01, 2026-11-01T08:00, -7d or "
		    "now)", err.msg, what);
	return t;
}

/* After --help, --version and the like: no -v summary of a run that was not. */
static int
info_done(void)
{
	fb_conf.verbose = 0;
	return fb_cli_finish(FB_EXIT_OK);
}

/* Applies a common option; returns 1 if it was one. */
static int
common_option(const struct fb_tool *tool, int id, const char *arg)
{
	const struct fb_opt *o;
	const char *const *c;
	struct fb_error err;

	switch (id) {
	case 'h':
		print_help(tool);
		exit(info_done());
	case 'V':
		printf("%s %s\n", fb_progname, FB_VERSION);
		exit(info_done());
	case FB_OPT_LIST_OPTIONS:
		for (o = tool->opts; o->name != NULL; o++)
			printf("--%s\n", o->name);
		exit(info_done());
	case FB_OPT_LIST_COMMANDS:
		for (c = tool->commands; c != NULL && *c != NULL; c++)
			printf("%s\n", *c);
		exit(info_done());
	/* -q and -v: the last one wins, as a later option overrides */
	case 'q':
		fb_conf.quiet = 1;
		fb_conf.verbose = 0;
		return 1;
	case 'v':
		fb_conf.verbose = 1;
		fb_conf.quiet = 0;
		return 1;
	case FB_OPT_PROGRESS:
		fb_conf.progress = FB_PROGRESS_FORCE;
		return 1;
	case FB_OPT_NO_PROGRESS:
		fb_conf.progress = FB_PROGRESS_OFF;
		return 1;
	case FB_OPT_REJECT:
		fb_conf.reject = arg;
		return 1;
	case FB_OPT_STRICT:
		fb_conf.strict = 1;
		return 1;
	case FB_OPT_MAX_LINE:
		fb_conf.max_line = fb_parse_size(arg, "--max-line");
		return 1;
	case FB_OPT_PRETTY:
		fb_conf.pretty = 1;
		return 1;
	case 'u':
		fb_stdout.unbuffered = 1;
		return 1;
	case FB_OPT_TZ:
		if (fb_tz_set(arg, &err) < 0)
			fb_diex("%s for --tz", err.msg);
		return 1;
	case FB_OPT_NOW:
		/* read when the options end, in the --tz given after it too */
		pending_now = arg;
		return 1;
	default:
		return 0;
	}
}

int
fb_getopt(int argc, char *argv[], const struct fb_tool *tool, const char **arg)
{
	static struct option longopts[64];
	static char shortopts[128];
	static const struct fb_tool *built;
	int id, idx = -1;

	if (built != tool) {
		const struct fb_opt *o, *tables[2] = { tool->opts, hidden_opts };
		size_t n = 0, s = 0, t;

		shortopts[s++] = ':';	/* report a missing argument as ':' */
		for (t = 0; t < 2; t++)
			for (o = tables[t]; o->name != NULL; o++) {
				if (n + 1 >= sizeof(longopts) / sizeof(longopts[0]) ||
				    s + 3 >= sizeof(shortopts))
					fb_diex("too many options");
				longopts[n].name = o->name;
				longopts[n].has_arg = o->arg ? required_argument :
				    no_argument;
				longopts[n].flag = NULL;
				longopts[n].val = o->id;
				n++;
				if (o->id < 0x100) {
					shortopts[s++] = (char)o->id;
					if (o->arg)
						shortopts[s++] = ':';
				}
			}
		memset(&longopts[n], 0, sizeof(longopts[n]));
		shortopts[s] = '\0';
		built = tool;
		opterr = 0;
	}
	for (;;) {
		const struct fb_opt *o;

		id = getopt_long(argc, argv, shortopts, longopts, &idx);
		if (id == -1) {
			if (pending_now != NULL) {
				fb_time_set_now(fb_parse_time(pending_now,
				    "--now"));
				pending_now = NULL;
			}
			return -1;
		}
		if (id == '?') {
			if (optopt != 0 && optopt < 0x100)
				fb_warnx("unknown option '-%c'", optopt);
			else
				fb_warnx("unknown option '%s'", argv[optind - 1]);
			fb_usage(tool);
		}
		if (id == ':') {
			o = find_opt(tool, optopt);
			if (o != NULL)
				fb_warnx("option '--%s' needs an argument", o->name);
			else
				fb_warnx("option '%s' needs an argument",
				    argv[optind - 1]);
			fb_usage(tool);
		}
		*arg = optarg;
		if (!common_option(tool, id, optarg))
			return id;
	}
}

int
fb_write_json_line(const struct fb_buf *b)
{
	int rc;

	if (b->err)
		return -1;
	rc = fb_conf.pretty ? fb_json_write_pretty(&fb_stdout, b->p, b->len) :
	    fb_out_write(&fb_stdout, b->p, b->len);
	if (rc < 0)
		return -1;
	return fb_out_end_record(&fb_stdout);
}

int64_t
fb_parse_lateness(const char *s)
{
	int64_t ms;

	if (strcmp(s, "inf") == 0)
		return -1;
	if ((ms = fb_parse_duration(s, "--lateness")) < 0)
		fb_diex("--lateness: a duration of 0 or more, or inf");
	return ms;
}

struct fb_sla *
fb_sla_open(const char *path)
{
	struct fb_error err;
	struct fb_sla *sla;
	char found[4096];

	if (path == NULL) {
		if (fb_config_find("sla.conf", found, sizeof(found)) < 0) {
			fb_config_not_found(&err, "the policy", "sla.conf");
			fb_diex("%s; name one with -p", err.msg);
		}
		path = found;
	}
	if ((sla = fb_sla_load(path, &err)) == NULL)
		fb_diex("%s", err.msg);
	return sla;
}

int
fb_write_json(json_t *j)
{
	struct fb_buf line = { 0 };
	char *text;
	int rc;

	/* 15 digits: 0.7692 stays 0.7692, not 0.76919999999999999 */
	if (j == NULL || (text = json_dumps(j, JSON_COMPACT |
	    JSON_REAL_PRECISION(15))) == NULL)
		fb_diex("out of memory");
	json_decref(j);
	line.p = text;
	line.len = line.cap = strlen(text);
	rc = fb_write_json_line(&line);
	free(text);
	return rc;
}

int
fb_bad(const struct fb_pos *pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fb_warnat(pos, "%s", msg);
	return FB_REJECT;
}

void
fb_warn_limited(struct fb_warn_limit *c, const struct fb_pos *pos,
    const char *fmt, const char *arg)
{
	char msg[512];

	if (c->shown >= FB_WARN_LIMIT && !fb_conf.verbose) {
		c->more++;
		return;
	}
	c->shown++;
	snprintf(msg, sizeof(msg), fmt, arg);
	if (!fb_conf.quiet)
		fb_warnat(pos, "warning: %s", msg);
}

int
fb_cli_finish(int status)
{
	fb_progress_end();
	if (fb_out_flush(&fb_stdout) < 0 ||
	    (fflush(stdout) != 0 && errno != EBADF)) {
		fb_warnx("write error: %s", strerror(fb_stdout.err ?
		    fb_stdout.err : errno));
		status = FB_EXIT_ERROR;
	}
	fb_out_release(&fb_stdout);
	return status;
}

/*---- Allocation that cannot fail ----*/

uint32_t
fb_xintern(struct fb_pool *pl, const char *s, size_t len)
{
	uint32_t k = fb_pool_intern(pl, s, len);

	if (k == FB_POOL_NOMEM)
		fb_diex("out of memory");
	return k;
}

void *
fb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fb_diex("out of memory");
	return p;
}

void *
fb_xrealloc(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (size != 0 && n > SIZE_MAX / size)
		fb_diex("out of memory");
	bytes = n * size;
	if ((p = realloc(p, bytes > 0 ? bytes : 1)) == NULL)
		fb_diex("out of memory");
	return p;
}

char *
fb_xstrndup(const char *s, size_t n)
{
	char *p = fb_xcalloc(n + 1, 1);

	memcpy(p, s, n);
	return p;
}

char *
fb_xstrdup(const char *s)
{
	return fb_xstrndup(s, strlen(s));
}
