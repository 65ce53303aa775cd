/* fb-store: keep feedback records in a durable, gzip-rotated log store and read them back by time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

enum {
	OPT_DEDUP = FB_OPT_TOOL,
	OPT_MAX_SIZE,
	OPT_MAX_AGE,
	OPT_LEVEL,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_REPAIR,
	OPT_OLDER_THAN,
	OPT_DRY_RUN,
};

static const struct fb_opt opts[] = {
	{ 's', "store", "DIR", "the store (default $FB_STORE, else ./var/fb)" },
	{ OPT_DEDUP, "dedup", NULL, "append: drop records already stored" },
	{ OPT_MAX_SIZE, "max-size", "SIZE",
	    "append: seal the open segment past SIZE (default 16M)" },
	{ OPT_MAX_AGE, "max-age", "AGE",
	    "append: seal the open segment when older (default 1d)" },
	{ OPT_LEVEL, "level", "N",
	    "append, rotate: gzip level 1-9 of sealed segments (default 3)" },
	{ OPT_SINCE, "since", "TIME", "cat: records at or after TIME" },
	{ OPT_UNTIL, "until", "TIME", "cat: records before TIME" },
	{ OPT_REPAIR, "repair", NULL, "verify: repair what is found" },
	{ OPT_OLDER_THAN, "older-than", "AGE",
	    "prune: remove segments older than AGE" },
	{ OPT_DRY_RUN, "dry-run", NULL, "prune: only say what would go" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-store [-q] [-s dir] append [--dedup] [--strict] [--level n] "
	    "[--max-age age] [--max-size size] [--reject file] [file ...]",
	"fb-store [-s dir] cat [--pretty] [--since time] [--until time] "
	    "[--tz zone] [--now time]",
	"fb-store [-s dir] rotate [--level n]",
	"fb-store [-s dir] verify [--repair]",
	"fb-store [-s dir] prune --older-than age [--dry-run] [--now time]",
	"fb-store [-s dir] stats [--pretty]",
	NULL
};

static const char *const commands[] = {
	"append", "cat", "rotate", "verify", "prune", "stats", NULL
};

static const struct fb_tool tool = {
	usage,
	"Append records to the store, read them back in time order, and keep "
	    "the store sound.",
	opts, commands,
	"fb-tag < new.ndjson | fb-store append --dedup && "
	    "fb-store cat --since -7d | jq .text"
};

/* Which of the tool's own options each subcommand takes. */
static const struct {
	const char *cmd;
	int opts[6];
} allowed[] = {
	{ "append", { OPT_DEDUP, OPT_MAX_SIZE, OPT_MAX_AGE, OPT_LEVEL, 0 } },
	{ "cat", { OPT_SINCE, OPT_UNTIL, 0 } },
	{ "rotate", { OPT_LEVEL, 0 } },
	{ "verify", { OPT_REPAIR, 0 } },
	{ "prune", { OPT_OLDER_THAN, OPT_DRY_RUN, 0 } },
	{ "stats", { 0 } },
};

struct conf {
	const char *dir, *since, *until, *older_than;
	int dedup, repair, dry_run;
	struct fb_store_limits lim;
	const char *note_prefix;
	struct fb_store *st;
};

static void
store_note(void *arg, const char *name, const char *msg)
{
	struct conf *c = arg;

	if (strcmp(c->note_prefix, "warning: ") == 0 && fb_conf.quiet)
		return;
	if (name == NULL)
		fb_warnx("%s%s", c->note_prefix, msg);
	else
		fb_warnx("%s'%s': %s", c->note_prefix, name, msg);
}

static struct fb_store *
open_store(struct conf *c, int flags)
{
	struct fb_error err;
	struct fb_store *st;

	st = fb_store_open(c->dir, flags, &c->lim, store_note, c, &err);
	if (st == NULL)
		fb_diex("%s", err.msg);
	return st;
}

static int
append_one(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct conf *c = arg;
	struct fb_error err;

	switch (fb_store_append(c->st, rec, &err)) {
	case 1:
		return FB_DROP;
	case 0:
		fb_warnat(pos, "%s", err.msg);
		return FB_REJECT;
	default:
		fb_warnx("%s", err.msg);
		return FB_FATAL;
	}
}

static int
cmd_append(struct conf *c, int nfiles, char *files[])
{
	struct fb_error err;
	int status;

	c->st = open_store(c, FB_STORE_WRITE | (c->dedup ? FB_STORE_DEDUP : 0));
	status = fb_each_record(nfiles, files, append_one, c);
	/* What was read before a fatal line is still stored: it was valid. */
	if (fb_store_commit(c->st, &err) < 0) {
		fb_warnx("%s", err.msg);
		status = FB_EXIT_ERROR;
	}
	if (fb_store_dropped(c->st) > 0 && !fb_conf.quiet)
		fb_warnx("dropped %llu duplicate records",
		    (unsigned long long)fb_store_dropped(c->st));
	fb_store_close(c->st);
	return status;
}

static int
write_line(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (fb_conf.pretty) {
		if (fb_json_write_pretty(&fb_stdout, line, len) < 0)
			return -1;
	} else if (fb_out_write(&fb_stdout, line, len) < 0)
		return -1;
	return fb_out_end_record(&fb_stdout);
}

static int
cmd_cat(struct conf *c)
{
	fb_time_t since = FB_TIME_MIN, until = FB_TIME_MAX;
	struct fb_error err;
	int rc;

	if (c->since != NULL)
		since = fb_parse_time(c->since, "--since");
	if (c->until != NULL)
		until = fb_parse_time(c->until, "--until");
	c->st = open_store(c, 0);
	c->note_prefix = "";
	rc = fb_store_cat(c->st, since, until, write_line, NULL, &err);
	if (rc < 0 && fb_stdout.err == 0)
		fb_warnx("%s", err.msg);
	fb_store_close(c->st);
	return rc == 0 ? FB_EXIT_OK : FB_EXIT_ERROR;
}

static int
cmd_rotate(struct conf *c)
{
	struct fb_error err;
	int rc;

	c->st = open_store(c, FB_STORE_WRITE);
	if ((rc = fb_store_rotate(c->st, &err)) < 0)
		fb_warnx("%s", err.msg);
	fb_store_close(c->st);
	return rc < 0 ? FB_EXIT_ERROR : FB_EXIT_OK;
}

static int
cmd_verify(struct conf *c)
{
	struct fb_error err;
	long problems;

	c->st = open_store(c, c->repair ? FB_STORE_WRITE : 0);
	c->note_prefix = "verify: ";
	problems = fb_store_verify(c->st, c->repair, &err);
	if (problems < 0)
		fb_warnx("%s", err.msg);
	else if (problems > 0 && !fb_conf.quiet)
		fb_warnx("verify: %ld problem%s %s", problems,
		    problems == 1 ? "" : "s", c->repair ? "repaired" : "found");
	fb_store_close(c->st);
	if (problems < 0)
		return FB_EXIT_ERROR;
	return problems > 0 ? FB_EXIT_REJECTED : FB_EXIT_OK;
}

static int
cmd_prune(struct conf *c)
{
	struct fb_store_pruned pruned;
	struct fb_error err;
	int64_t age;
	int rc;

	if (c->older_than == NULL)
		fb_diex("prune needs --older-than");
	age = fb_parse_duration(c->older_than, "--older-than");
	c->st = open_store(c, FB_STORE_WRITE);
	c->note_prefix = c->dry_run ? "prune: " : "warning: ";
	rc = fb_store_prune(c->st, fb_time_now() - age, c->dry_run, &pruned,
	    &err);
	if (rc < 0)
		fb_warnx("%s", err.msg);
	else if (!fb_conf.quiet)
		fb_warnx("%s %llu segments (%llu records)",
		    c->dry_run ? "would prune" : "pruned",
		    (unsigned long long)pruned.segments,
		    (unsigned long long)pruned.records);
	fb_store_close(c->st);
	return rc < 0 ? FB_EXIT_ERROR : FB_EXIT_OK;
}

static int
cmd_stats(struct conf *c)
{
	struct fb_error err;
	json_t *stats;
	char *text;
	int status = FB_EXIT_OK;

	c->st = open_store(c, 0);
	if ((stats = fb_store_stats(c->st, &err)) == NULL) {
		fb_warnx("%s", err.msg);
		status = FB_EXIT_ERROR;
	} else {
		text = json_dumps(stats, JSON_PRESERVE_ORDER |
		    (fb_conf.pretty ? JSON_INDENT(2) : JSON_COMPACT));
		if (text == NULL)
			fb_diex("out of memory");
		fb_out_write(&fb_stdout, text, strlen(text));
		fb_out_end_record(&fb_stdout);
		free(text);
		json_decref(stats);
	}
	fb_store_close(c->st);
	return status;
}

static const char *
opt_name(int id)
{
	const struct fb_opt *o;

	for (o = opts; o->name != NULL; o++)
		if (o->id == id)
			return o->name;
	return "?";
}

int
main(int argc, char *argv[])
{
	struct conf c;
	int given[16] = { 0 }, ngiven = 0, opt, status, k;
	const char *arg, *cmd, *env = getenv("FB_STORE");
	size_t a;

	fb_cli_init("fb-store");
	memset(&c, 0, sizeof(c));
	c.dir = env != NULL && *env != '\0' ? env : "var/fb";
	c.note_prefix = "warning: ";
	c.lim.max_size = 16 * 1024 * 1024;
	c.lim.max_age = 86400 * 1000LL;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		if (opt >= FB_OPT_TOOL && ngiven < 16)
			given[ngiven++] = opt;
		switch (opt) {
		case 's': c.dir = arg; break;
		case OPT_DEDUP: c.dedup = 1; break;
		case OPT_MAX_SIZE:
			c.lim.max_size = fb_parse_size(arg, "--max-size");
			break;
		case OPT_MAX_AGE:
			c.lim.max_age = fb_parse_duration(arg, "--max-age");
			break;
		case OPT_LEVEL:
			c.lim.level = (int)fb_parse_long(arg, 1, 9, "--level");
			break;
		case OPT_SINCE: c.since = arg; break;
		case OPT_UNTIL: c.until = arg; break;
		case OPT_REPAIR: c.repair = 1; break;
		case OPT_OLDER_THAN: c.older_than = arg; break;
		case OPT_DRY_RUN: c.dry_run = 1; break;
		default: fb_usage(&tool);
		}
	}
	if (optind >= argc) {
		fb_warnx("no command given");
		fb_usage(&tool);
	}
	cmd = argv[optind++];
	for (a = 0; a < sizeof(allowed) / sizeof(allowed[0]); a++)
		if (strcmp(cmd, allowed[a].cmd) == 0)
			break;
	if (a == sizeof(allowed) / sizeof(allowed[0])) {
		fb_warnx("unknown command '%s'", cmd);
		fb_usage(&tool);
	}
	for (k = 0; k < ngiven; k++) {
		const int *p;

		for (p = allowed[a].opts; *p != 0 && *p != given[k]; p++)
			;
		if (*p == 0)
			fb_diex("option '--%s' does not apply to '%s'",
			    opt_name(given[k]), cmd);
	}
	if (strcmp(cmd, "append") != 0 && optind < argc)
		fb_diex("'%s' takes no file operands", cmd);

	if (strcmp(cmd, "append") == 0)
		status = cmd_append(&c, argc - optind, argv + optind);
	else if (strcmp(cmd, "cat") == 0)
		status = cmd_cat(&c);
	else if (strcmp(cmd, "rotate") == 0)
		status = cmd_rotate(&c);
	else if (strcmp(cmd, "verify") == 0)
		status = cmd_verify(&c);
	else if (strcmp(cmd, "prune") == 0)
		status = cmd_prune(&c);
	else
		status = cmd_stats(&c);
	return fb_cli_finish(status);
}
