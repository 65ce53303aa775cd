/*
 * fb-anomaly: raise the alarm when something starts going wrong
 * (DESIGN.md 1): a SKU far worse than its category, a regional surge, a
 * burst of the same complaint on social media, a tag growing month after
 * month, a customer complaining again about the same thing.
 *
 * Items are read once, in input order; each detector (one file each)
 * keeps what it needs, bounded by keys and windows, and raises alerts,
 * which this file writes as {"type":"alert", ...} lines.  Thresholds come
 * from share/fb/anomaly.conf, overridden by --set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"
#include "anomaly.h"

enum {
	OPT_SINCE = FB_OPT_TOOL,
	OPT_UNTIL,
	OPT_SET,
};

static const struct fb_opt opts[] = {
	{ 'd', "detectors", "LIST",
	    "run only these of sku,volume,burst,trend,repeat" },
	{ 'p', "policy", "FILE", "thresholds from FILE (default anomaly.conf)" },
	{ OPT_SET, "set", "D.KEY=VALUE", "override one threshold of detector D" },
	{ OPT_SINCE, "since", "TIME", "read items from TIME on" },
	{ OPT_UNTIL, "until", "TIME", "read items before TIME" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-anomaly [-qv] [-d detectors] [-p policy] [--set d.key=value] "
	    "[--since time] [--until time] [--now time] [--tz zone] "
	    "[file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Find what is going wrong in feedback: bad SKUs, surges, bursts, "
	    "growing complaints, repeat complainers; write alerts.",
	opts, NULL,
	"fb-store cat --since -30d | fb-anomaly -d sku,burst > alerts.ndjson"
};

static const struct an_detector *const detectors[] = {
	&an_sku, &an_volume, &an_burst, &an_trend, &an_repeat, NULL
};

#define NDETECTORS	5

/*---- The policy ----*/

struct an_setting {
	char *section, *key;
	char **words;		/* NULL-ended */
	char *where;		/* FILE:LINE, or "--set" */
};

struct an_conf {
	struct an_setting *v;
	size_t n;
};

/* The setting 'section'.'key' given last (--set comes after the file). */
static const struct an_setting *
setting(const struct an_conf *c, const char *section, const char *key)
{
	size_t i;

	for (i = c->n; i-- > 0;)
		if (strcmp(c->v[i].section, section) == 0 &&
		    strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

double
an_conf_num(const struct an_conf *c, const char *section, const char *key,
    double dflt)
{
	const struct an_setting *s = setting(c, section, key);
	char *end;
	double x;

	if (s == NULL)
		return dflt;
	if (s->words[0] == NULL || s->words[1] != NULL)
		fb_diex("%s: %s.%s takes one number", s->where, section, key);
	x = strtod(s->words[0], &end);
	if (end == s->words[0] || *end != '\0' || x != x)
		fb_diex("%s: %s.%s: '%s' is not a number", s->where, section,
		    key, s->words[0]);
	return x;
}

const char *const *
an_conf_words(const struct an_conf *c, const char *section, const char *key)
{
	const struct an_setting *s = setting(c, section, key);

	return s == NULL ? NULL : (const char *const *)s->words;
}

static void
add_setting(struct an_conf *c, const char *section, const char *key,
    char **words, int nwords, const char *where)
{
	struct an_setting *s;
	int i;

	c->v = fb_xrealloc(c->v, c->n + 1, sizeof(*c->v));
	s = &c->v[c->n++];
	s->section = fb_xstrdup(section);
	s->key = fb_xstrdup(key);
	s->words = fb_xcalloc((size_t)nwords + 1, sizeof(*s->words));
	for (i = 0; i < nwords; i++)
		s->words[i] = fb_xstrdup(words[i]);
	s->where = fb_xstrdup(where);
}

static int
known_detector(const char *name)
{
	int d;

	for (d = 0; detectors[d] != NULL; d++)
		if (strcmp(detectors[d]->name, name) == 0)
			return 1;
	return 0;
}

/*
 * Reads "[section]" and "key value ..." lines into 'c'.  Returns 0, or -1
 * with 'err' saying "FILE:LINE: what" (fb-anomaly exits 2 with it); the
 * caller releases 'c' either way.
 */
static int
load_policy(struct an_conf *c, const char *path, struct fb_error *err)
{
	char section[64] = "", where[4200], *line = NULL, *words[64];
	struct fb_error werr;
	size_t cap = 0, len;
	long lineno = 0;
	int n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return fb_error_set(err, "cannot open '%s': %s", path,
		    strerror(errno));
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%ld", path, lineno);
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if ((n = fb_words_split(line, words, 64, &werr)) < 0) {
			fb_error_set(err, "%s: %s", where, werr.msg);
			goto fail;
		}
		if (n == 0)
			continue;
		if (words[0][0] == '[') {
			len = strlen(words[0]);
			if (n != 1 || len < 3 || words[0][len - 1] != ']' ||
			    len - 2 >= sizeof(section)) {
				fb_error_set(err, "%s: a section is '[name]'",
				    where);
				goto fail;
			}
			memcpy(section, words[0] + 1, len - 2);
			section[len - 2] = '\0';
			if (!known_detector(section)) {
				fb_error_set(err, "%s: unknown detector '%s' "
				    "(sku, volume, burst, trend, repeat)",
				    where, section);
				goto fail;
			}
			continue;
		}
		if (section[0] == '\0') {
			fb_error_set(err, "%s: '%s' before any [section]",
			    where, words[0]);
			goto fail;
		}
		if (n < 2) {
			fb_error_set(err, "%s: '%s' needs a value", where,
			    words[0]);
			goto fail;
		}
		add_setting(c, section, words[0], words + 1, n - 1, where);
	}
	if (ferror(f)) {
		fb_error_set(err, "cannot read '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
fail:
	free(line);
	fclose(f);
	return -1;
}

/* --set DETECTOR.KEY=VALUE[,VALUE...] */
static void
add_override(struct an_conf *c, const char *arg)
{
	char *copy = fb_xstrdup(arg), *dot, *eq, *words[64], *w, *save = NULL;
	int n = 0;

	dot = strchr(copy, '.');
	eq = strchr(copy, '=');
	if (dot == NULL || eq == NULL || dot > eq || dot == copy ||
	    eq == dot + 1 || eq[1] == '\0')
		fb_diex("--set: DETECTOR.KEY=VALUE, not '%s'", arg);
	*dot = *eq = '\0';
	if (!known_detector(copy))
		fb_diex("--set: unknown detector '%s' (sku, volume, burst, "
		    "trend, repeat)", copy);
	/* lists by commas or blanks: promotions=2026-06-18,2026-11-11 */
	for (w = strtok_r(eq + 1, ", ", &save); w != NULL && n < 64;
	    w = strtok_r(NULL, ", ", &save))
		words[n++] = w;
	add_setting(c, copy, dot + 1, words, n, "--set");
	free(copy);
}

static void
conf_release(struct an_conf *c)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		for (k = 0; c->v[i].words[k] != NULL; k++)
			free(c->v[i].words[k]);
		free(c->v[i].words);
		free(c->v[i].section);
		free(c->v[i].key);
		free(c->v[i].where);
	}
	free(c->v);
}

/*---- The run ----*/

struct an_run {
	fb_time_t now, since, until;
	struct fb_zone *zone;
	const struct an_detector *on[NDETECTORS];
	void *state[NDETECTORS];
	int n;
	uint64_t alerts, items;
};

fb_time_t
an_now(const struct an_run *run)
{
	return run->now;
}

const struct fb_zone *
an_zone(const struct an_run *run)
{
	return run->zone;
}

/* Rounds for people: alerts are read, not computed on. */
static json_t *
number(double x)
{
	if (x != x || x > 1e15 || x < -1e15)
		return json_null();
	return json_real((double)(int64_t)(x * 10000 + (x < 0 ? -0.5 :
	    0.5)) / 10000);
}

static json_t *
time_json(fb_time_t t)
{
	char tb[FB_TIME_BUFSZ];

	fb_time_format(t, tb);
	return json_string(tb);
}

/* "anomaly:sku:SKU-1:baby:20261005T000000Z": the same alert, the same id. */
static char *
alert_id(const struct an_alert *a)
{
	struct fb_buf b = { 0 };
	char tb[FB_TIME_BUFSZ];
	const char *name;
	json_t *v;

	fb_buf_printf(&b, "anomaly:%s", a->detector);
	json_object_foreach(a->key, name, v) {
		fb_buf_addc(&b, ':');
		if (json_is_string(v))
			fb_buf_add(&b, json_string_value(v),
			    json_string_length(v));
		else if (!json_is_null(v))
			fb_buf_printf(&b, "%g", json_number_value(v));
	}
	fb_time_format_compact(a->since, tb);
	fb_buf_printf(&b, ":%s", tb);
	fb_buf_addc(&b, '\0');
	if (b.err)
		fb_diex("out of memory");
	return b.p;
}

int
an_emit(struct an_run *run, const struct an_alert *a)
{
	const char *sum = a->summary != NULL ? a->summary : "";
	json_t *o, *ev;
	char *id;
	size_t i;

	id = alert_id(a);
	ev = json_array();
	for (i = 0; i < a->nevidence && i < 10; i++)
		json_array_append_new(ev, json_string(a->evidence[i]));
	/*
	 * The detectors' fixed summary buffers cut a long customer id or
	 * SKU wherever snprintf stops, maybe inside a character, which
	 * jansson refuses: keep the whole characters.
	 */
	o = json_pack("{s:s, s:s, s:s, s:O, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:s, s:o, s:s%}", "type", "alert", "id", id, "detector",
	    a->detector, "key", a->key, "since", time_json(a->since),
	    "until", time_json(a->until), "observed", number(a->observed),
	    "expected", number(a->expected), "spread", number(a->spread),
	    "score", number(a->score), "severity", a->severity, "evidence",
	    ev, "summary", sum, fb_utf8_check(sum, strlen(sum)));
	free(id);
	if (o == NULL)
		fb_diex("out of memory");
	if (a->extra != NULL)
		json_object_update_missing(o, a->extra);
	json_decref(a->key);
	json_decref(a->extra);
	run->alerts++;
	return fb_write_json(o);
}

/*---- Reading an item ----*/

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct an_run *run = arg;
	struct an_item it;
	struct fb_civil c;
	char tags[AN_MAX_TAGS][FB_TAG_MAX];
	const char *ts;
	size_t tslen, i;
	int d;

	/* events and alerts share the stream; only feedback is looked at */
	if (!fb_rec_is_feedback(rec))
		return FB_DROP;
	memset(&it, 0, sizeof(it));
	if ((it.id = fb_rec_get_str(rec, "id", NULL)) == NULL ||
	    it.id[0] == '\0')
		return fb_bad(pos, "an item needs an id (run fb-ingest first)");
	if ((ts = fb_rec_get_str(rec, "ts", &tslen)) == NULL ||
	    fb_time_parse_rfc3339(ts, tslen, &it.ts) < 0)
		return fb_bad(pos, "an item needs a ts in RFC 3339 "
		    "(2026-11-22T02:15:00Z)");
	if (it.ts < run->since || it.ts >= run->until)
		return FB_DROP;
	it.channel = fb_rec_get_str(rec, "channel", NULL);
	it.category = fb_rec_get_str(rec, "category", NULL);
	it.sku = fb_rec_get_str(rec, "sku", NULL);
	it.product_category = fb_rec_get_str(rec, "product_category", NULL);
	it.province = fb_rec_get_str(rec, "region.province", NULL);
	it.city = fb_rec_get_str(rec, "region.city", NULL);
	it.customer = fb_rec_get_str(rec, "customer.id", NULL);
	it.order_id = fb_rec_get_str(rec, "order_id", NULL);
	it.text = fb_rec_get_str(rec, "text", &it.text_len);
	it.sentiment = fb_rec_get_str(rec, "sentiment.label", NULL);
	fb_rec_get_num(rec, "sentiment.score", &it.sentiment_score);
	fb_rec_get_num(rec, "urgency", &it.urgency);
	it.ntags = fb_rec_get_tags(rec, tags, AN_MAX_TAGS);
	for (i = 0; i < it.ntags; i++)
		it.tags[i] = tags[i];
	it.complaint = fb_is_complaint(it.sentiment, tags, it.ntags);
	it.social = it.channel != NULL && (strcmp(it.channel, "weibo") == 0 ||
	    strcmp(it.channel, "douyin") == 0);
	fb_zone_civil(run->zone, it.ts, &c);
	it.local_hour = c.hour;
	it.local_wday = (c.wday + 6) % 7;
	it.local_day = (int)fb_days_from_civil(c.year, c.mon, c.day);
	run->items++;
	for (d = 0; d < run->n; d++)
		if (run->on[d]->item(run->state[d], &it) < 0)
			return FB_FATAL;
	return FB_DROP;
}

static void
choose(struct an_run *run, const char *list)
{
	char *copy = fb_xstrdup(list), *w, *save = NULL;
	int d, i;

	for (w = strtok_r(copy, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		for (d = 0; detectors[d] != NULL; d++)
			if (strcmp(detectors[d]->name, w) == 0)
				break;
		if (detectors[d] == NULL)
			fb_diex("--detectors: unknown detector '%s' (sku, "
			    "volume, burst, trend, repeat)", w);
		for (i = 0; i < run->n; i++)
			if (run->on[i] == detectors[d])
				fb_diex("--detectors: '%s' twice", w);
		run->on[run->n++] = detectors[d];
	}
	free(copy);
	if (run->n == 0)
		fb_diex("--detectors: none given");
}

int
main(int argc, char *argv[])
{
	static struct an_run run;
	struct an_conf conf = { NULL, 0 };
	struct fb_error err;
	const char *arg, *policy = NULL, *list = NULL, *since = NULL;
	const char *until = NULL, **sets = NULL;
	char path[4096];
	size_t nsets = 0, i;
	int opt, status, d, rc = 0;

	fb_cli_init("fb-anomaly");
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'd':
			list = arg;
			break;
		case 'p':
			policy = arg;
			break;
		case OPT_SET:
			sets = fb_xrealloc(sets, nsets + 1, sizeof(*sets));
			sets[nsets++] = arg;
			break;
		case OPT_SINCE:
			since = arg;
			break;
		case OPT_UNTIL:
			until = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	run.now = fb_time_now();
	run.since = since ? fb_parse_time(since, "--since") : FB_TIME_MIN;
	run.until = until ? fb_parse_time(until, "--until") : FB_TIME_MAX;
	if (run.since >= run.until)
		fb_diex("--since must come before --until");
	if ((run.zone = fb_zone_load(fb_tz_get(), &err)) == NULL)
		fb_diex("%s", err.msg);
	if (policy == NULL) {
		if (fb_config_find("anomaly.conf", path, sizeof(path)) < 0) {
			fb_config_not_found(&err, "the policy", "anomaly.conf");
			fb_diex("%s; name one with -p", err.msg);
		}
		policy = path;
	}
	if (load_policy(&conf, policy, &err) < 0)
		fb_diex("%s", err.msg);
	for (i = 0; i < nsets; i++)
		add_override(&conf, sets[i]);
	choose(&run, list != NULL ? list : "sku,volume,burst,trend,repeat");
	for (d = 0; d < run.n; d++)
		run.state[d] = run.on[d]->create(&conf, &run);

	status = fb_each_record(argc - optind, argv + optind, on_record, &run);
	for (d = 0; d < run.n && rc == 0 && status != FB_EXIT_ERROR; d++)
		rc = run.on[d]->finish(run.state[d]);
	if (rc < 0)
		status = FB_EXIT_ERROR;
	if (fb_conf.verbose)	/* a note, not a warning */
		fb_warnx("%llu items read, %llu alerts",
		    (unsigned long long)run.items,
		    (unsigned long long)run.alerts);

	for (d = 0; d < run.n; d++)
		run.on[d]->destroy(run.state[d]);
	conf_release(&conf);
	fb_zone_free(run.zone);
	free(sets);
	return fb_cli_finish(status);
}
