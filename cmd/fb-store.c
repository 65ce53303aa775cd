/* fb-store: keep feedback records in a durable, gzip-rotated log store and read them back by time. */
#include <errno.h>
#include <signal.h>
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
	OPT_CUSTOMER,
	OPT_CUSTOMERS_FROM,
	OPT_PSEUDONYMIZE,
	OPT_DROP,
};

static const struct fb_opt opts[] = {
	{ 's', "store", "DIR", "the store ($FB_STORE, else ./var/fb)" },
	{ OPT_DEDUP, "dedup", NULL, "append: drop records already stored" },
	/* --help: "--max-size SIZE, --max-age AGE" share a line */
	{ OPT_MAX_SIZE, "max-size", "SIZE",
	    "append: seal past these (default 16M, 1d)" },
	{ OPT_MAX_AGE, "max-age", "AGE", NULL },
	{ OPT_LEVEL, "level", "N", "append, rotate: gzip level 1-9 (default 3)" },
	{ OPT_SINCE, "since", "TIME", "cat: the records in [since, until)" },
	{ OPT_UNTIL, "until", "TIME", NULL },
	{ OPT_REPAIR, "repair", NULL, "verify: repair what is found" },
	{ OPT_OLDER_THAN, "older-than", "AGE",
	    "prune: remove segments older than AGE" },
	{ OPT_DRY_RUN, "dry-run", NULL,
	    "prune, forget: only say what would go" },
	{ OPT_CUSTOMER, "customer", "ID",
	    "forget: customer ID's records (repeatable)" },
	{ OPT_CUSTOMERS_FROM, "customers-from", "FILE",
	    "forget: the customer ids listed in FILE" },
	{ OPT_PSEUDONYMIZE, "pseudonymize", "KEYFILE",
	    "forget: ids pseudonymized with KEYFILE" },
	{ OPT_DROP, "drop", NULL, "forget: drop whole items, not only text" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-store [-qv] [-s dir] append [--dedup] [--level n] [file ...]",
	"fb-store [-s dir] cat [--since time] [--until time]",
	"fb-store [-s dir] rotate [--level n] | verify [--repair] | stats",
	"fb-store [-s dir] prune --older-than age [--dry-run]",
	"fb-store [-s dir] forget [--drop] [--dry-run] [--customer id ...]",
	NULL
};

static const char *const commands[] = {
	"append", "cat", "rotate", "verify", "prune", "stats", "forget", NULL
};

static const struct fb_tool tool = {
	usage,
	"Append records to the store, read them back in time order, keep it "
	    "sound.",
	opts, commands,
	"fb-store append --dedup < new.ndjson && fb-store cat --since -7d | "
	    "jq .text"
};

/* Which of the tool's own options each subcommand takes. */
static const struct {
	const char *cmd;
	int opts[8];
} allowed[] = {
	{ "append", { OPT_DEDUP, OPT_MAX_SIZE, OPT_MAX_AGE, OPT_LEVEL, 0 } },
	{ "cat", { OPT_SINCE, OPT_UNTIL, 0 } },
	{ "rotate", { OPT_LEVEL, 0 } },
	{ "verify", { OPT_REPAIR, 0 } },
	{ "prune", { OPT_OLDER_THAN, OPT_DRY_RUN, 0 } },
	{ "stats", { 0 } },
	{ "forget", { OPT_CUSTOMER, OPT_CUSTOMERS_FROM, OPT_PSEUDONYMIZE,
	    OPT_DRY_RUN, OPT_DROP, OPT_LEVEL, 0 } },
};

struct conf {
	const char *dir, *since, *until, *older_than;
	int dedup, repair, dry_run;
	/* forget */
	const char **customers;
	size_t ncustomers;
	const char *customers_from, *key_file;
	int drop;
	struct fb_store_limits lim;
	const char *note_prefix;
	struct fb_store *st;
	uint64_t stored;	/* appended, for -v */
};

/*
 * Set by SIGTERM, the stop signal of cron's and systemd's jobs.  A writer
 * finishes what it holds the lock for, stores the records it has read,
 * and exits 2 saying so, where dying at once would leave a torn tail for
 * the next writer to repair.  (SIGINT still kills at once: a person at a
 * terminal means it, and the store is safe against that too.)
 */
static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SA_RESTART: zlib gives up on a read that fails with EINTR and drops the
 * bytes it had read, so a read of stdin is resumed, and the stop comes at
 * the next record.
 */
static void
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
}

/* After a writer's command: a stop signal makes the run fail, and says why. */
static int
stopped(int status, const char *done)
{
	if (stop_signal == 0)
		return status;
	fb_warnx("stopped by SIGTERM: %s", done);
	return FB_EXIT_ERROR;
}

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
	/* usually run from another directory than the one that wrote it */
	if (st == NULL && !(flags & FB_STORE_WRITE) &&
	    access(c->dir, F_OK) < 0 && errno == ENOENT)
		fb_diex("%s (-s DIR or $FB_STORE names one; append creates "
		    "it)", err.msg);
	if (st == NULL)
		fb_diex("%s", err.msg);
	return st;
}

static int
append_one(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct conf *c = arg;
	struct fb_error err;

	if (stop_signal != 0)
		return FB_FATAL;
	switch (fb_store_append(c->st, rec, &err)) {
	case 1:
		c->stored++;
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
	int status, committed = 1;

	c->st = open_store(c, FB_STORE_WRITE | (c->dedup ? FB_STORE_DEDUP : 0));
	status = fb_each_record(nfiles, files, append_one, c);
	/* What was read before a fatal line is still stored: it was valid. */
	if (fb_store_commit(c->st, &err) < 0) {
		fb_warnx("%s", err.msg);
		status = FB_EXIT_ERROR;
		committed = 0;
	}
	if (fb_store_dropped(c->st) > 0 && !fb_conf.quiet)
		fb_warnx("dropped %llu duplicate records",
		    (unsigned long long)fb_store_dropped(c->st));
	fb_progress_written(committed ? c->stored - fb_store_dropped(c->st) :
	    0, "stored");
	fb_store_close(c->st);
	return stopped(status, committed ?
	    "the records read before it are stored" :
	    "the last batch was not stored");
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
	return stopped(rc < 0 ? FB_EXIT_ERROR : FB_EXIT_OK,
	    "the rotate was finished first");
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
		return stopped(FB_EXIT_ERROR, "see above");
	return stopped(problems > 0 ? FB_EXIT_REJECTED : FB_EXIT_OK,
	    "the verify was finished first");
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
	return stopped(rc < 0 ? FB_EXIT_ERROR : FB_EXIT_OK,
	    "the prune was finished first");
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

/*---- forget ----*/

static void
add_customer(struct conf *c, const char *id)
{
	const char **p;

	if ((p = realloc(c->customers, (c->ncustomers + 1) *
	    sizeof(*p))) == NULL)
		fb_diex("out of memory");
	c->customers = p;
	c->customers[c->ncustomers++] = id;
}

/*
 * --customers-from: one id a line; blanks around it, blank lines and
 * #comments skipped.
 */
static char **
read_customers(struct conf *c)
{
	struct fb_reader *r;
	struct fb_line line;
	struct fb_error err;
	char **owned = NULL;
	size_t nowned = 0;
	int n;

	if ((r = fb_reader_open(c->customers_from, 64 * 1024, &err)) == NULL)
		fb_diex("%s", err.msg);
	while ((n = fb_reader_next(r, &line, &err)) > 0) {
		char *s = line.data, *e = line.data + line.len, **p;

		if (line.status != FB_LINE_OK)
			fb_diex("%s:%lu: line too long for a customer id",
			    line.pos.file, line.pos.line);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s == e || *s == '#')
			continue;
		*e = '\0';
		if ((p = realloc(owned, (nowned + 2) * sizeof(*p))) == NULL)
			fb_diex("out of memory");
		owned = p;
		owned[nowned] = fb_xstrdup(s);
		add_customer(c, owned[nowned++]);
		owned[nowned] = NULL;
	}
	if (n < 0)
		fb_diex("%s", err.msg);
	fb_reader_close(r);
	return owned;
}

static int
cmd_forget(struct conf *c)
{
	unsigned char (*digests)[FB_SHA256_LEN];
	struct fb_forget f;
	struct fb_error err;
	struct fb_hmac key;
	char **owned = NULL;
	size_t k;
	int status;

	if (c->customers_from != NULL)
		owned = read_customers(c);
	if (c->ncustomers == 0 && c->customers_from != NULL)
		fb_diex("no customer ids in '%s'", c->customers_from);
	if (c->ncustomers == 0)
		fb_diex("forget needs --customer or --customers-from");
	if (c->key_file != NULL) {
		if (fb_path_inside(c->key_file, c->dir))
			fb_diex("key file '%s' is inside the store '%s'; keep "
			    "the key apart from the data", c->key_file, c->dir);
		if (fb_hmac_key_load(c->key_file, &key, &err) < 0)
			fb_diex("%s", err.msg);
	}
	/* Only digests go further: the raw ids are never stored or logged. */
	if ((digests = calloc(c->ncustomers, FB_SHA256_LEN)) == NULL)
		fb_diex("out of memory");
	for (k = 0; k < c->ncustomers; k++) {
		const char *id = c->customers[k];
		char ps[FB_PSEUDONYM_LEN + 1];

		if (c->key_file != NULL) {
			fb_pseudonym(&key, id, strlen(id), ps);
			id = ps;
		}
		fb_sha256(id, strlen(id), digests[k]);
	}
	if (c->key_file != NULL)
		fb_memzero(&key, sizeof(key));
	memset(&f, 0, sizeof(f));
	f.customers = (const unsigned char (*)[FB_SHA256_LEN])digests;
	f.ncustomers = c->ncustomers;
	f.drop = c->drop;
	f.dry_run = c->dry_run;
	c->st = open_store(c, c->dry_run ? 0 : FB_STORE_WRITE);
	c->note_prefix = c->dry_run ? "forget: " : "warning: ";
	if (fb_store_forget(c->st, &f, &err) < 0) {
		fb_warnx("%s", err.msg);
		status = FB_EXIT_ERROR;
	} else {
		if (f.resumed && !fb_conf.quiet)
			fb_warnx("forget: finished a forget that was cut short "
			    "first");
		if (!fb_conf.quiet)
			fb_warnx("%s %zu customer%s: %llu records %s, %llu "
			    "events, %llu other lines, in %llu files%s",
			    c->dry_run ? "would forget" : "forgot",
			    f.ncustomers_run, f.ncustomers_run == 1 ? "" : "s",
			    (unsigned long long)f.records,
			    f.drop ? "removed" : "redacted",
			    (unsigned long long)f.events,
			    (unsigned long long)f.other,
			    (unsigned long long)f.files,
			    c->dry_run ? "" : "; logged in forget.log");
		if (f.nids > 0 && !fb_conf.quiet)
			fb_warnx("forget: %s: %s", c->dry_run ? "would erase" :
			    "erased", f.ids);
		status = f.records + f.events + f.other > 0 ? FB_EXIT_OK :
		    FB_EXIT_REJECTED;
		fb_forget_release(&f);
	}
	fb_store_close(c->st);
	free(digests);
	for (k = 0; owned != NULL && owned[k] != NULL; k++)
		free(owned[k]);
	free(owned);
	free(c->customers);
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
		case OPT_CUSTOMER:
			add_customer(&c, arg);
			break;
		case OPT_CUSTOMERS_FROM: c.customers_from = arg; break;
		case OPT_PSEUDONYMIZE: c.key_file = arg; break;
		case OPT_DROP: c.drop = 1; break;
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

	/* Readers may die at any moment; writers stop between steps. */
	if (strcmp(cmd, "append") == 0 || strcmp(cmd, "rotate") == 0 ||
	    strcmp(cmd, "prune") == 0 ||
	    (strcmp(cmd, "verify") == 0 && c.repair))
		catch_stop_signals();
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
	else if (strcmp(cmd, "forget") == 0)
		status = cmd_forget(&c);
	else
		status = cmd_stats(&c);
	return fb_cli_finish(status);
}
