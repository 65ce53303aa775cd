/*
 * fb-passthru: a test driver that runs libfb's record loop and writes each
 * valid record back, so the bad-input contract of every tool is tested in
 * one place.  With --set KEY=JSON it also sets a field, to test splicing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb_cli.h"

enum { OPT_SET = FB_OPT_TOOL, OPT_GET };

static const struct fb_opt opts[] = {
	{ OPT_SET, "set", "KEY=JSON", "set field KEY to the JSON text" },
	{ OPT_GET, "get", "PATH", "print the value at PATH on stderr" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-passthru [-quv] [--pretty] [--strict] [--get path] [--max-line size] "
	    "[--reject file] [--set key=json] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage, "Copy valid records to stdout (a test driver for libfb).",
	opts, NULL, "fb-passthru --reject bad.ndjson in.ndjson"
};

struct conf {
	const char *set_key, *set_json, *get;
};

static int
pass_one(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct conf *c = arg;

	if (c->get != NULL) {
		json_t *v = fb_rec_get(rec, c->get);
		char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

		fb_warnat(pos, "%s = %s", c->get, s ? s : "(absent)");
		free(s);
	}
	if (c->set_key != NULL) {
		json_error_t jerr;
		json_t *v = json_loads(c->set_json, JSON_DECODE_ANY, &jerr);

		if (v == NULL || fb_rec_set_new(rec, c->set_key, v) < 0) {
			fb_warnx("bad --set value: %s", jerr.text);
			return FB_FATAL;
		}
	}
	return FB_EMIT;
}

int
main(int argc, char *argv[])
{
	struct conf c = { NULL, NULL, NULL };
	const char *arg;
	char *eq;
	int opt, status;

	fb_cli_init("fb-passthru");
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case OPT_SET:
			if ((eq = strchr(arg, '=')) == NULL)
				fb_diex("--set needs KEY=JSON");
			*eq = '\0';
			c.set_key = arg;
			c.set_json = eq + 1;
			break;
		case OPT_GET:
			c.get = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	status = fb_each_record(argc - optind, argv + optind, pass_one, &c);
	return fb_cli_finish(status);
}
