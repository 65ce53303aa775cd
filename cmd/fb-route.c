/*
 * fb-route: sets the "route" of each feedback item (queue, skill,
 * escalation, how soon someone must answer, optionally an agent) from the
 * first rule of an ordered rule file whose conditions hold (DESIGN.md 2).
 *
 * Routing is a pure function of one record and must run several times
 * faster than jq, so conditions read fields as raw spans of the input
 * line (jansson decodes nothing per record), each field is looked up once
 * per record however many rules read it, and the route is built as JSON
 * text and spliced into the line.  Events and alerts pass through
 * untouched, and the tool never reads its own field, so a second run
 * changes nothing.
 */
#include <fnmatch.h>
#include <locale.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_COVERAGE = FB_OPT_TOOL,
	OPT_SHADOW,
	OPT_AGENTS,
	OPT_CUSTOMERS,
	OPT_FORMAT,
};

static const struct fb_opt opts[] = {
	{ 'r', "rules", "FILE",
	    "route by the rules in FILE (default routes.conf)" },
	{ 'e', "explain", NULL,
	    "say which rules were tried and why, instead of records" },
	{ OPT_COVERAGE, "coverage", NULL,
	    "report how often each rule fired, instead of records" },
	{ OPT_SHADOW, "shadow", "FILE",
	    "list the items the rules in FILE route differently" },
	{ OPT_AGENTS, "agents", "FILE",
	    "give each item to an agent of FILE with the skill" },
	{ OPT_CUSTOMERS, "customers", "FILE",
	    "look up tiers and flags that records lack in FILE" },
	{ OPT_FORMAT, "format", "FMT", "--coverage as text (default) or json" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_TIME,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-route [-equv] [--coverage] [--pretty] [--strict] [-r rules] "
	    "[--agents file] [--customers file] [--shadow file] [--format fmt] "
	    "[--now time] [--tz zone] [--reject file] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Route feedback items to a queue, a skill and an agent by ordered "
	    "rules.",
	opts, NULL,
	"echo '{\"priority\":\"P0\",\"tags\":[\"order/payment\"]}' | "
	    "fb-route --explain"
};

#define RULE_LINE_MAX	4096	/* bytes of one rule-file line */
#define RULE_WORDS_MAX	64	/* words of one rule-file line */
#define SHOW_MAX	40	/* bytes of a value that --explain shows */
#define SKILLS_MAX	256	/* skills the warning counts apart */
#define COUNT_MAX	1000000000L	/* agents' capacity and load */

/*---- Rules ----*/

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE, OP_ONLY,
	OP_EXISTS, OP_MISSING
};

static const char *const op_names[] = {
	"=", "!=", "<", "<=", ">", ">=", "~", "!~", "only", "exists",
	"missing", NULL
};

#define IS_ORDER(op)	((op) >= OP_LT && (op) <= OP_GE)

/* Fields computed, not read. */
enum pseudo { PS_NONE, PS_HOUR, PS_WEEKDAY, PS_NOW_HOUR, PS_NOW_WEEKDAY };

static const char *const pseudo_names[] = {
	"", "@hour", "@weekday", "@now.hour", "@now.weekday", NULL
};

/* Customer value that fb-rank or the --customers table may know instead. */
enum fallback { FALL_NONE, FALL_TIER, FALL_SPEND, FALL_FLAGS };

/* tm_wday order; conditions order them mon (1) .. sun (7). */
static const char *const weekdays[] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

enum vkind {
	V_MISSING,
	V_RAW,			/* JSON text of the record */
	V_NUM,			/* an hour; a spend from the customer table */
	V_STR,			/* a weekday; a tier from the customer table */
	V_LIST			/* flags from the customer table */
};

/* What a field holds in the record being routed. */
struct value {
	enum vkind kind;
	struct fb_span raw;
	double num;
	const char *str;	/* NUL-terminated */
	size_t len;
	int day;		/* weekdays: 1 (mon) .. 7 (sun), else 0 */
	json_t *list;		/* borrowed from the customer table */
	const char *from;	/* a fallback's source, for --explain */
};

/*
 * A path that some rule reads.  Rules of the live and the shadow file
 * share these, so a record's field is looked up once for both.
 */
struct field {
	char *path;
	enum pseudo pseudo;
	enum fallback fall;
	unsigned long gen;	/* the record 'val' was resolved for */
	struct value val;
};

/* One VALUE of a condition, prepared at load. */
struct cval {
	char *text;
	size_t len;
	int glob;		/* has * ? or [: fnmatch(3) */
	int isnum;
	double num;
	int day;		/* a weekday name: 1 (mon) .. 7 (sun) */
	int has_re;
	regex_t re;
};

struct cond {
	size_t field;
	enum op op;
	struct cval *vals;	/* never reallocated: regex_t stays put */
	size_t nvals;
	char *text;		/* as written, for --explain */
};

/* An "if" or "unless" line: its conditions joined by "or". */
struct cline {
	int unless;
	struct cond *conds;
	size_t nconds;
};

/* Literal text, or a {FIELD|DEFAULT} placeholder of a queue or skill. */
struct tpart {
	char *text;		/* the literal, or the default */
	size_t len;
	long field;		/* -1 for a literal */
	int has_default;
};

struct tmpl {
	struct tpart *parts;
	size_t nparts;
};

enum action {
	ACT_QUEUE, ACT_SKILL, ACT_ESCALATE, ACT_NOTIFY, ACT_ADVICE, ACT_FRONT,
	ACT_N
};

static const char *const action_names[] = {
	"queue", "skill", "escalate", "notify", "advice", "front", NULL
};

struct rule {
	char *name;
	unsigned long line;
	struct cline *lines;
	size_t nlines, lines_cap;
	struct tmpl queue, skill;	/* no skill: the queue's name */
	unsigned long seen[ACT_N];	/* line of each action, 0 if none */
	struct fb_buf escalate_json, escalate_text;
	struct fb_buf advice_json, advice_text;
	char notify[32];	/* normalised, "" when not set */
	int front;
	/*
	 * Built once at load: the route's JSON after "skill", what it says
	 * besides queue and skill (--shadow compares it), and its prose.
	 */
	struct fb_buf tail, what, prose;
	unsigned long fired;
};

struct ruleset {
	const char *path;
	const char *name;	/* base name, for --explain and --coverage */
	struct rule *rules;
	size_t n, cap;
	unsigned long unrouted;
};

/* Where one rule set sends the record being routed. */
struct decision {
	const struct rule *rule;	/* NULL: no rule matched */
	struct fb_buf queue, skill;	/* expanded, not yet JSON */
};

/*---- Agents ----*/

struct agent {
	char *id;
	long capacity;		/* 0: no limit */
	long load;
	struct fb_calendar *shift;	/* NULL: always on shift */
	char *hours;		/* as written, for --explain */
};

struct skill {
	char *name;
	size_t *agents;		/* indexes, in file order */
	size_t n, cap;
	unsigned long missed;	/* items that found no agent */
};

struct crew {
	const char *path;
	struct agent *agents;
	size_t n, cap;
	struct skill *skills;
	size_t nskills, skills_cap;
	unsigned long missed;
	unsigned long missed_other;	/* beyond SKILLS_MAX skill names */
};

/*---- The router ----*/

enum mode { MODE_ROUTE, MODE_EXPLAIN, MODE_COVERAGE, MODE_SHADOW };

struct router {
	enum mode mode;
	int json;		/* --format json */
	struct field *fields;
	size_t nfields, fields_cap;
	struct ruleset live, shadow;
	struct fb_customers *customers;
	struct crew crew;
	int have_crew;
	/* the record being routed, and what was found out about it */
	struct fb_rec *rec;
	unsigned long gen;
	int ts_done, ts_ok;
	struct tm ts_tm;
	int cust_done, cust_found;
	struct fb_customer cust;
	int64_t now_sec;
	int now_valid, now_ok;
	struct tm now_tm;
	struct fb_buf scratch;	/* a decoded string; one at a time */
	struct fb_buf idbuf;	/* the customer id */
	struct fb_buf out;	/* JSON being built */
	struct fb_buf ex;	/* --explain prose */
	struct decision d[2];	/* live and shadow */
	unsigned long items, differ;
};

/*---- Small helpers ----*/

/*
 * The problem that stopped the loading of a rule file, for load_rules()
 * to hand its caller: fb-route exits 2 with it, the fuzz target
 * test/fuzz/fuzz_route_conf.c goes on to the next input.
 */
static struct fb_error load_error;

static int load_fail(const char *file, unsigned long line,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps "FILE:LINE: what" in load_error; returns -1. */
static int
load_fail(const char *file, unsigned long line, const char *fmt, ...)
{
	char msg[sizeof(load_error.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fb_error_set(&load_error, "%s:%lu: %s", file, line, msg);
	load_error.line = (long)line;
	return -1;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Whether 's' is meant as a number: a digit, or a sign or dot before one. */
static int
looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.')
		s++;
	return is_digit((unsigned char)*s);
}

static int
parse_number(const char *s, double *num)
{
	char *end;

	if (!looks_numeric(s))
		return 0;
	*num = strtod(s, &end);
	return *end == '\0' && isfinite(*num);
}

/* Monday 1 .. Sunday 7 for a weekday name, else 0. */
static int
day_number(const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (strcmp(s, weekdays[i]) == 0)
			return i == 0 ? 7 : i;
	return 0;
}

/*---- Loading the rule file ----*/

/*
 * Returns the index of the field 'path', adding it, or (size_t)-1 after
 * load_fail().  A path names members, array indexes (tags.0), or a
 * pseudo-field (@hour).
 */
static size_t
field_intern(struct router *r, const char *file, unsigned long line,
    const char *path)
{
	struct field *f;
	const char *p;
	size_t i;
	int ps = PS_NONE;

	if (path[0] == '@') {
		for (i = 1; pseudo_names[i] != NULL; i++)
			if (strcmp(path, pseudo_names[i]) == 0)
				ps = (int)i;
		if (ps == PS_NONE) {
			load_fail(file, line, "unknown pseudo-field '%s' "
			    "(@hour, @weekday, @now.hour, @now.weekday)", path);
			return (size_t)-1;
		}
	} else {
		for (p = path; ; p++) {
			if (*p == '.' || *p == '\0') {
				if (p == path || p[-1] == '.') {
					load_fail(file, line, "bad field '%s'",
					    path);
					return (size_t)-1;
				}
				if (*p == '\0')
					break;
			}
		}
		/* Reading it would make a second run differ from the first. */
		if (strncmp(path, "route", 5) == 0 &&
		    (path[5] == '\0' || path[5] == '.')) {
			load_fail(file, line, "'%s': fb-route never reads its "
			    "own field 'route'", path);
			return (size_t)-1;
		}
	}
	for (i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].path, path) == 0)
			return i;
	if (r->nfields == r->fields_cap) {
		r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 16;
		r->fields = fb_xrealloc(r->fields, r->fields_cap,
		    sizeof(*r->fields));
	}
	f = &r->fields[r->nfields];
	memset(f, 0, sizeof(*f));
	f->path = fb_xstrdup(path);
	f->pseudo = (enum pseudo)ps;
	if (strcmp(path, "customer.tier") == 0)
		f->fall = FALL_TIER;
	else if (strcmp(path, "customer.annual_spend") == 0)
		f->fall = FALL_SPEND;
	else if (strcmp(path, "customer.flags") == 0)
		f->fall = FALL_FLAGS;
	return r->nfields++;
}

/* Joins words with single spaces. */
static char *
join_words(char **w, int n)
{
	size_t len = 0, off = 0;
	char *s;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	s = fb_xcalloc(len + 1, 1);
	for (i = 0; i < n; i++) {
		size_t k = strlen(w[i]);

		if (i > 0)
			s[off++] = ' ';
		memcpy(s + off, w[i], k);
		off += k;
	}
	return s;
}

static int
parse_value(struct router *r, const char *file, unsigned long line,
    struct cond *c, const char *text, struct cval *cv)
{
	enum pseudo ps = r->fields[c->field].pseudo;
	const char *op = op_names[c->op];
	char msg[256];
	int rc;

	cv->text = fb_xstrdup(text);
	cv->len = strlen(text);
	cv->glob = strpbrk(text, "*?[") != NULL;
	cv->isnum = parse_number(text, &cv->num);
	if (c->op == OP_RE || c->op == OP_NRE) {
		if (ps == PS_HOUR || ps == PS_NOW_HOUR)
			return load_fail(file, line, "'%s' is a number: "
			    "compare it with = != < <= > >=",
			    r->fields[c->field].path);
		rc = regcomp(&cv->re, text, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &cv->re, msg, sizeof(msg));
			return load_fail(file, line, "bad regex '%s': %s", text,
			    msg);
		}
		cv->has_re = 1;
		return 0;
	}
	if (IS_ORDER(c->op) && looks_numeric(text) && !cv->isnum)
		return load_fail(file, line, "bad number '%s' for '%s'", text,
		    op);
	if ((ps == PS_HOUR || ps == PS_NOW_HOUR) && !cv->isnum)
		return load_fail(file, line, "bad number '%s' for %s", text,
		    r->fields[c->field].path);
	if (ps == PS_WEEKDAY || ps == PS_NOW_WEEKDAY) {
		cv->day = day_number(text);
		if (cv->day == 0 && (!cv->glob || IS_ORDER(c->op)))
			return load_fail(file, line, "unknown weekday '%s' "
			    "(mon tue wed thu fri sat sun)", text);
	}
	return 0;
}

/* FIELD OP VALUE..., FIELD exists, FIELD missing. */
static int
parse_cond(struct router *r, const char *file, unsigned long line,
    char **w, int n, struct cond *c)
{
	int i, nvals;

	if (n == 0)
		return load_fail(file, line, "missing condition");
	if (n == 1)
		return load_fail(file, line, "missing operator after '%s'",
		    w[0]);
	if ((c->field = field_intern(r, file, line, w[0])) == (size_t)-1)
		return -1;
	for (i = 0; op_names[i] != NULL; i++)
		if (strcmp(w[1], op_names[i]) == 0)
			break;
	if (op_names[i] == NULL)
		return load_fail(file, line, "unknown operator '%s'", w[1]);
	c->op = (enum op)i;
	nvals = n - 2;
	if ((c->op == OP_EXISTS || c->op == OP_MISSING) && nvals > 0)
		return load_fail(file, line, "extra value '%s' after '%s'",
		    w[2], w[1]);
	if (c->op != OP_EXISTS && c->op != OP_MISSING && nvals == 0)
		return load_fail(file, line, "missing value after '%s'", w[1]);
	if (IS_ORDER(c->op) && nvals > 1)
		return load_fail(file, line, "extra value '%s': '%s' takes "
		    "one value", w[3], w[1]);
	c->text = join_words(w, n);
	c->vals = fb_xcalloc((size_t)nvals, sizeof(*c->vals));
	c->nvals = (size_t)nvals;
	for (i = 0; i < nvals; i++)
		if (parse_value(r, file, line, c, w[i + 2], &c->vals[i]) < 0)
			return -1;
	return 0;
}

static int
parse_cline(struct router *r, const char *file, unsigned long line,
    struct rule *rule, int unless, char **w, int n)
{
	struct cline *cl;
	int i, start = 0;
	size_t k = 1;

	for (i = 0; i < n; i++)
		if (strcmp(w[i], "or") == 0)
			k++;
	if (rule->nlines == rule->lines_cap) {
		rule->lines_cap = rule->lines_cap ? rule->lines_cap * 2 : 4;
		rule->lines = fb_xrealloc(rule->lines, rule->lines_cap,
		    sizeof(*rule->lines));
	}
	cl = &rule->lines[rule->nlines++];
	cl->unless = unless;
	cl->conds = fb_xcalloc(k, sizeof(*cl->conds));
	cl->nconds = 0;
	for (i = 0; i <= n; i++)
		if (i == n || strcmp(w[i], "or") == 0) {
			if (parse_cond(r, file, line, w + start, i - start,
			    &cl->conds[cl->nconds++]) < 0)
				return -1;
			start = i + 1;
		}
	return 0;
}

/* "general/{category|other}": literals and placeholders. */
static int
parse_tmpl(struct router *r, const char *file, unsigned long line,
    const char *s, struct tmpl *t)
{
	const char *p;
	size_t max = 1;

	for (p = s; *p != '\0'; p++)
		if (*p == '{' || *p == '}')
			max += 2;
	t->parts = fb_xcalloc(max, sizeof(*t->parts));
	p = s;
	while (*p != '\0') {
		struct tpart *tp = &t->parts[t->nparts++];
		const char *close, *bar, *end;
		char *path;

		if (*p == '}')
			return load_fail(file, line, "bad placeholder in '%s': "
			    "'}' without '{'", s);
		if (*p != '{') {
			end = p + strcspn(p, "{}");
			tp->text = fb_xstrndup(p, (size_t)(end - p));
			tp->len = (size_t)(end - p);
			tp->field = -1;
			p = end;
			continue;
		}
		if ((close = strchr(p, '}')) == NULL)
			return load_fail(file, line, "unterminated placeholder "
			    "in '%s': '{' without '}'", s);
		if (memchr(p + 1, '{', (size_t)(close - p - 1)) != NULL)
			return load_fail(file, line, "bad placeholder in '%s': "
			    "'{' inside '{...}'", s);
		bar = memchr(p + 1, '|', (size_t)(close - p - 1));
		end = bar ? bar : close;
		if (end == p + 1)
			return load_fail(file, line, "bad placeholder in '%s': "
			    "no field", s);
		path = fb_xstrndup(p + 1, (size_t)(end - p - 1));
		tp->field = (long)field_intern(r, file, line, path);
		free(path);
		if (tp->field == -1)
			return -1;
		if (bar != NULL) {
			tp->text = fb_xstrndup(bar + 1, (size_t)(close - bar - 1));
			tp->len = (size_t)(close - bar - 1);
			tp->has_default = 1;
		}
		p = close + 1;
	}
	return 0;
}

static void
release_tmpl(struct tmpl *t)
{
	size_t i;

	for (i = 0; i < t->nparts; i++)
		free(t->parts[i].text);
	free(t->parts);
}

/* A list of names: JSON for the route, words for --explain. */
static void
add_list(struct fb_buf *json, struct fb_buf *text, const char *key,
    char **w, int n)
{
	int i;

	fb_buf_printf(json, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fb_buf_addc(json, ',');
		fb_buf_json_str(json, w[i], strlen(w[i]));
		fb_buf_addc(text, ' ');
		fb_buf_adds(text, w[i]);
	}
	fb_buf_addc(json, ']');
}

static int
parse_action(struct router *r, const char *file, unsigned long line,
    struct rule *rule, enum action act, char **w, int n)
{
	const char *name = action_names[act];
	struct fb_error err;
	int64_t ms;

	if (rule->seen[act] != 0)
		return load_fail(file, line, "'%s' repeated in rule '%s' "
		    "(first on line %lu)", name, rule->name, rule->seen[act]);
	rule->seen[act] = line;
	if (act == ACT_FRONT) {
		if (n > 0)
			return load_fail(file, line, "extra word '%s' after "
			    "'front'", w[0]);
		rule->front = 1;
		return 0;
	}
	if (n == 0)
		return load_fail(file, line, "missing value after '%s'", name);
	if ((act == ACT_QUEUE || act == ACT_SKILL || act == ACT_NOTIFY) &&
	    n > 1)
		return load_fail(file, line, "extra word '%s' after '%s %s'",
		    w[1], name, w[0]);
	switch (act) {
	case ACT_QUEUE:
		return parse_tmpl(r, file, line, w[0], &rule->queue);
	case ACT_SKILL:
		return parse_tmpl(r, file, line, w[0], &rule->skill);
	case ACT_ESCALATE:
		add_list(&rule->escalate_json, &rule->escalate_text,
		    "escalate", w, n);
		break;
	case ACT_ADVICE:
		add_list(&rule->advice_json, &rule->advice_text, "advice", w,
		    n);
		break;
	case ACT_NOTIFY:
		if (fb_duration_parse(w[0], &ms, &err) < 0)
			return load_fail(file, line, "%s", err.msg);
		if (ms <= 0)
			return load_fail(file, line, "notify '%s': the "
			    "duration must be more than 0", w[0]);
		fb_duration_format(ms, rule->notify, sizeof(rule->notify));
		break;
	default:
		break;
	}
	return 0;
}

static int
valid_rule_name(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == '\0')
		return 0;
	for (; *u != '\0'; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		    is_digit(*u) || *u == '-' || *u == '_' || *u == '.' ||
		    *u == '/' || *u >= 0x80))
			return 0;
	return 1;
}

static void
add_opt_buf(struct fb_buf *b, const struct fb_buf *from)
{
	if (from->len > 0)
		fb_buf_add(b, from->p, from->len);
}

/* Checks a finished rule and builds the text it writes; 0 or -1. */
static int
finish_rule(const char *file, struct rule *rule)
{
	if (rule->seen[ACT_QUEUE] == 0)
		return load_fail(file, rule->line, "rule '%s' has no queue",
		    rule->name);
	add_opt_buf(&rule->tail, &rule->escalate_json);
	add_opt_buf(&rule->what, &rule->escalate_json);
	fb_buf_addc(&rule->what, '|');
	if (rule->notify[0] != '\0') {
		fb_buf_printf(&rule->tail, ",\"notify_within\":\"%s\"",
		    rule->notify);
		fb_buf_adds(&rule->what, rule->notify);
	}
	fb_buf_adds(&rule->tail, ",\"rule\":");
	fb_buf_json_str(&rule->tail, rule->name, strlen(rule->name));
	fb_buf_addc(&rule->what, '|');
	add_opt_buf(&rule->tail, &rule->advice_json);
	add_opt_buf(&rule->what, &rule->advice_json);
	if (rule->front) {
		fb_buf_adds(&rule->tail, ",\"front\":true");
		fb_buf_adds(&rule->what, "|front");
	}
	if (rule->escalate_text.len > 0)
		fb_buf_printf(&rule->prose, ", escalate%s",
		    rule->escalate_text.p);
	if (rule->notify[0] != '\0')
		fb_buf_printf(&rule->prose, ", notify %s", rule->notify);
	if (rule->advice_text.len > 0)
		fb_buf_printf(&rule->prose, ", advice%s",
		    rule->advice_text.p);
	if (rule->front)
		fb_buf_adds(&rule->prose, ", front");
	/* the prose may be empty: the buffer must exist all the same */
	fb_buf_add(&rule->prose, "", 0);
	if (rule->tail.err || rule->what.err || rule->prose.err)
		fb_diex("out of memory");
	return 0;
}

static struct rule *
new_rule(struct ruleset *rs, const char *file, unsigned long line,
    char **w, int n)
{
	struct rule *rule;
	size_t i;

	if (n < 2) {
		load_fail(file, line, "missing rule name after 'rule'");
		return NULL;
	}
	if (n > 2) {
		load_fail(file, line, "extra word '%s' after 'rule %s'", w[2],
		    w[1]);
		return NULL;
	}
	if (!valid_rule_name(w[1])) {
		load_fail(file, line, "bad rule name '%s' (letters, digits, "
		    "- _ . /)", w[1]);
		return NULL;
	}
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->rules[i].name, w[1]) == 0) {
			load_fail(file, line, "duplicate rule name '%s' (first "
			    "on line %lu)", w[1], rs->rules[i].line);
			return NULL;
		}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->rules = fb_xrealloc(rs->rules, rs->cap, sizeof(*rs->rules));
	}
	rule = &rs->rules[rs->n++];
	memset(rule, 0, sizeof(*rule));
	rule->name = fb_xstrdup(w[1]);
	rule->line = line;
	return rule;
}

/*
 * Reads the rule file 'path' into 'rs'.  Returns 0, or -1 with 'err'
 * saying "FILE:LINE: what"; the caller releases 'rs' either way.
 */
static int
load_rules(struct router *r, struct ruleset *rs, const char *path,
    struct fb_error *err)
{
	struct fb_reader *rd;
	struct fb_line ln;
	struct rule *cur = NULL;
	char buf[RULE_LINE_MAX + 1], *w[RULE_WORDS_MAX];
	const char *slash = strrchr(path, '/');
	unsigned long last = 0;
	int got, n, act;

	rs->path = path;
	rs->name = slash ? slash + 1 : path;
	if ((rd = fb_reader_open(path, RULE_LINE_MAX, err)) == NULL)
		return -1;
	while ((got = fb_reader_next(rd, &ln, err)) == 1) {
		unsigned long no = ln.pos.line;

		last = no;
		if (ln.status == FB_LINE_TOO_LONG) {
			load_fail(path, no, "line longer than %d bytes",
			    RULE_LINE_MAX);
			goto fail;
		}
		memcpy(buf, ln.data, ln.len);
		buf[ln.len] = '\0';
		if ((n = fb_words_split(buf, w, RULE_WORDS_MAX, err)) < 0) {
			load_fail(path, no, "%s", err->msg);
			goto fail;
		}
		if (n == 0)
			continue;
		if (strcmp(w[0], "rule") == 0) {
			if (cur != NULL && finish_rule(path, cur) < 0)
				goto fail;
			if ((cur = new_rule(rs, path, no, w, n)) == NULL)
				goto fail;
			continue;
		}
		for (act = 0; action_names[act] != NULL; act++)
			if (strcmp(w[0], action_names[act]) == 0)
				break;
		if (action_names[act] == NULL && strcmp(w[0], "if") != 0 &&
		    strcmp(w[0], "unless") != 0) {
			load_fail(path, no, "unknown keyword '%s'", w[0]);
			goto fail;
		}
		if (cur == NULL) {
			load_fail(path, no, "'%s' outside a rule (start one "
			    "with 'rule NAME')", w[0]);
			goto fail;
		}
		if ((action_names[act] != NULL ? parse_action(r, path, no, cur,
		    (enum action)act, w + 1, n - 1) : parse_cline(r, path, no,
		    cur, w[0][0] == 'u', w + 1, n - 1)) < 0)
			goto fail;
	}
	fb_reader_close(rd);
	if (got < 0)
		return -1;
	if ((cur != NULL && finish_rule(path, cur) < 0) ||
	    (rs->n == 0 && load_fail(path, last ? last : 1, "no rules") < 0)) {
		*err = load_error;
		return -1;
	}
	return 0;
fail:
	fb_reader_close(rd);
	*err = load_error;
	return -1;
}

static void
release_rules(struct ruleset *rs)
{
	size_t i, j, k, v;

	for (i = 0; i < rs->n; i++) {
		struct rule *rule = &rs->rules[i];

		for (j = 0; j < rule->nlines; j++) {
			for (k = 0; k < rule->lines[j].nconds; k++) {
				struct cond *c = &rule->lines[j].conds[k];

				for (v = 0; v < c->nvals; v++) {
					if (c->vals[v].has_re)
						regfree(&c->vals[v].re);
					free(c->vals[v].text);
				}
				free(c->vals);
				free(c->text);
			}
			free(rule->lines[j].conds);
		}
		free(rule->lines);
		release_tmpl(&rule->queue);
		release_tmpl(&rule->skill);
		fb_buf_release(&rule->escalate_json);
		fb_buf_release(&rule->escalate_text);
		fb_buf_release(&rule->advice_json);
		fb_buf_release(&rule->advice_text);
		fb_buf_release(&rule->tail);
		fb_buf_release(&rule->what);
		fb_buf_release(&rule->prose);
		free(rule->name);
	}
	free(rs->rules);
}

/*---- Agents ----*/

/*
 * An agent's shifts as a calendar in --tz: "mon-fri 09:00-18:00; sat
 * 10:00-16:00", each part days (all week when left out) and intervals;
 * "22:00-06:00" runs past midnight.  Day names in any case, as a
 * spreadsheet writes them.
 */
static int
parse_hours(struct agent *a, const char *s, struct fb_error *err)
{
	char *copy = fb_xstrdup(s), *part, *save = NULL, *p;
	int rc = 0;

	for (p = copy; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if ((a->shift = fb_calendar_create(a->id, fb_tz_get(), err)) == NULL) {
		free(copy);
		return -1;
	}
	for (part = strtok_r(copy, ";", &save); part != NULL && rc == 0;
	    part = strtok_r(NULL, ";", &save)) {
		char days[128] = "";
		size_t n;

		/* the day words first ("mon-fri", "sat sun"), then intervals */
		for (;;) {
			part += strspn(part, " \t,");
			if (*part == '\0' || (*part >= '0' && *part <= '9'))
				break;
			n = strcspn(part, " \t,");
			if (strlen(days) + n + 2 > sizeof(days)) {
				rc = fb_error_set(err, "too many days");
				break;
			}
			if (days[0] != '\0')
				strcat(days, ",");
			strncat(days, part, n);
			part += n;
		}
		if (rc == 0 && (days[0] != '\0' || *part != '\0'))
			rc = fb_calendar_hours(a->shift, days[0] ? days :
			    "mon-sun", part, err);
	}
	free(copy);
	return rc;
}

/* Whether the agent works at 't'. */
static int
on_shift(const struct agent *a, fb_time_t t)
{
	return a->shift == NULL || fb_calendar_elapsed(a->shift, t, t + 1) == 1;
}

static struct skill *
skill_find(struct crew *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nskills; i++)
		if (strlen(c->skills[i].name) == len &&
		    memcmp(c->skills[i].name, name, len) == 0)
			return &c->skills[i];
	return NULL;
}

static struct skill *
skill_add(struct crew *c, const char *name, size_t len)
{
	struct skill *sk = skill_find(c, name, len);

	if (sk != NULL)
		return sk;
	if (c->nskills == c->skills_cap) {
		c->skills_cap = c->skills_cap ? c->skills_cap * 2 : 16;
		c->skills = fb_xrealloc(c->skills, c->skills_cap,
		    sizeof(*c->skills));
	}
	sk = &c->skills[c->nskills++];
	memset(sk, 0, sizeof(*sk));
	sk->name = fb_xstrndup(name, len);
	return sk;
}

static void
skill_give(struct crew *c, const char *name, size_t len, size_t agent)
{
	struct skill *sk = skill_add(c, name, len);

	/* "a;a" names a skill once */
	if (sk->n > 0 && sk->agents[sk->n - 1] == agent)
		return;
	if (sk->n == sk->cap) {
		sk->cap = sk->cap ? sk->cap * 2 : 8;
		sk->agents = fb_xrealloc(sk->agents, sk->cap, sizeof(*sk->agents));
	}
	sk->agents[sk->n++] = agent;
}

/* A positive count from a CSV cell or a JSON number; -1 when bad. */
static long
table_count(json_t *v, int zero_ok)
{
	char *end;
	long n;

	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (!is_digit((unsigned char)*s))
			return -1;
		n = strtol(s, &end, 10);
		if (*end != '\0')
			return -1;
	} else
		return -1;
	if (n < (zero_ok ? 0 : 1) || n > COUNT_MAX)
		return -1;
	return n;
}

static int
add_agent(json_t *row, const struct fb_pos *pos, void *arg,
    struct fb_error *err)
{
	static const char *const id_names[] = { "id", NULL };
	struct crew *c = arg;
	struct agent *a;
	json_t *v;
	char buf[64];
	const char *id;
	size_t i, idx;

	if ((id = fb_table_str(row, id_names, buf, sizeof(buf))) == NULL)
		return fb_error_set(err, "%s:%lu: no agent id (a column 'id')",
		    pos->file, pos->line);
	for (i = 0; i < c->n; i++)
		if (strcmp(c->agents[i].id, id) == 0)
			return fb_error_set(err, "%s:%lu: agent '%s' twice",
			    pos->file, pos->line, id);
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->agents = fb_xrealloc(c->agents, c->cap, sizeof(*c->agents));
	}
	idx = c->n;
	a = &c->agents[c->n++];
	memset(a, 0, sizeof(*a));
	a->id = fb_xstrdup(id);

	v = json_object_get(row, "skills");
	if (json_is_array(v) && json_array_size(v) > 0) {
		for (i = 0; i < json_array_size(v); i++) {
			json_t *s = json_array_get(v, i);

			if (!json_is_string(s) || json_string_length(s) == 0)
				return fb_error_set(err, "%s:%lu: agent '%s': "
				    "skills must be names", pos->file,
				    pos->line, a->id);
			skill_give(c, json_string_value(s),
			    json_string_length(s), idx);
		}
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		int any = 0;

		while (*s != '\0') {
			size_t n = strcspn(s, "; ,\t");

			if (n > 0) {
				skill_give(c, s, n, idx);
				any = 1;
			}
			s += n;
			if (*s != '\0')
				s++;
		}
		if (!any)
			v = NULL;
	} else
		v = NULL;
	if (v == NULL)
		return fb_error_set(err, "%s:%lu: agent '%s' has no skills (a "
		    "column 'skills': a;b in CSV, an array in NDJSON)",
		    pos->file, pos->line, a->id);

	if ((v = json_object_get(row, "capacity")) != NULL &&
	    !json_is_null(v) && (a->capacity = table_count(v, 0)) < 0)
		return fb_error_set(err, "%s:%lu: agent '%s': bad capacity "
		    "(a positive integer, or empty for no limit)", pos->file,
		    pos->line, a->id);
	if ((v = json_object_get(row, "load")) != NULL && !json_is_null(v) &&
	    (a->load = table_count(v, 1)) < 0)
		return fb_error_set(err, "%s:%lu: agent '%s': bad load (a "
		    "count of open items)", pos->file, pos->line, a->id);
	if ((v = json_object_get(row, "hours")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return fb_error_set(err, "%s:%lu: agent '%s': hours "
			    "must be text such as 'mon-fri 09:00-18:00'",
			    pos->file, pos->line, a->id);
		a->hours = fb_xstrdup(json_string_value(v));
		if (parse_hours(a, a->hours, err) < 0) {
			char why[sizeof(err->msg)];

			memcpy(why, err->msg, sizeof(why));
			return fb_error_set(err, "%s:%lu: agent '%s': bad "
			    "hours '%s': %s", pos->file, pos->line, a->id,
			    a->hours, why);
		}
	}
	return 0;
}

static void
release_crew(struct crew *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->agents[i].id);
		fb_calendar_free(c->agents[i].shift);
		free(c->agents[i].hours);
	}
	free(c->agents);
	for (i = 0; i < c->nskills; i++) {
		free(c->skills[i].name);
		free(c->skills[i].agents);
	}
	free(c->skills);
}

/*---- Reading fields ----*/

static int
raw_is_null(struct fb_span v)
{
	return v.len == 4 && memcmp(v.p, "null", 4) == 0;
}

/*
 * Whether a customer field leaves room for a fallback: null, or an empty
 * array ("flags":[] says nothing the CRM table could not add to; fb-rank
 * reads it the same way).
 */
static int
raw_says_nothing(struct fb_span v)
{
	size_t pos = 0;
	struct fb_span el;

	if (raw_is_null(v))
		return 1;
	return v.len > 0 && *v.p == '[' && !fb_json_array_next(v, &pos, &el);
}

static int
record_tm(struct router *r)
{
	struct fb_span v;
	const char *s;
	char buf[64];
	fb_time_t t;
	long n;

	if (r->ts_done)
		return r->ts_ok;
	r->ts_done = 1;
	r->ts_ok = fb_rec_raw(r->rec, "ts", &v) &&
	    (n = fb_json_string(v, buf, sizeof(buf), &s)) >= 0 &&
	    fb_time_parse_rfc3339(s, (size_t)n, &t) == 0 &&
	    fb_time_local(t, &r->ts_tm) == 0;
	return r->ts_ok;
}

/* Now in --tz; recomputed only when the second changes. */
static int
now_tm(struct router *r)
{
	fb_time_t t = fb_time_now();
	int64_t sec = t / 1000 - (t % 1000 < 0);

	if (!r->now_valid || sec != r->now_sec) {
		r->now_valid = 1;
		r->now_sec = sec;
		r->now_ok = fb_time_local(t, &r->now_tm) == 0;
	}
	return r->now_ok;
}

static const struct fb_customer *
table_customer(struct router *r)
{
	struct fb_span v;
	const char *s = NULL;
	long n = -1;

	if (r->customers == NULL)
		return NULL;
	if (r->cust_done)
		return r->cust_found ? &r->cust : NULL;
	r->cust_done = 1;
	r->cust_found = 0;
	if (!fb_rec_raw(r->rec, "customer.id", &v))
		return NULL;
	if (v.p[0] == '"') {
		r->idbuf.len = 0;
		if (fb_buf_grow(&r->idbuf, v.len) < 0)
			return NULL;
		n = fb_json_string(v, r->idbuf.p, r->idbuf.cap, &s);
	} else if (is_digit((unsigned char)v.p[0])) {
		/* a numeric id, as a spreadsheet would write it */
		s = v.p;
		n = (long)v.len;
	}
	if (n < 0)
		return NULL;
	r->cust_found = fb_customers_find(r->customers, s, (size_t)n,
	    &r->cust);
	return r->cust_found ? &r->cust : NULL;
}

static void
set_weekday(struct value *v, const struct tm *tm)
{
	v->kind = V_STR;
	v->str = weekdays[tm->tm_wday];
	v->len = 3;
	v->day = tm->tm_wday == 0 ? 7 : tm->tm_wday;
}

static void
resolve(struct router *r, struct field *f, struct value *v)
{
	static const char *const rank_paths[] = {
		NULL, "rank_factors.value.tier",
		"rank_factors.value.annual_spend", "rank_factors.value.flags"
	};
	const struct fb_customer *cu;
	struct fb_span joined;
	int found;

	memset(v, 0, sizeof(*v));
	switch (f->pseudo) {
	case PS_HOUR:
	case PS_WEEKDAY:
		if (!record_tm(r))
			return;
		if (f->pseudo == PS_HOUR) {
			v->kind = V_NUM;
			v->num = r->ts_tm.tm_hour;
		} else
			set_weekday(v, &r->ts_tm);
		return;
	case PS_NOW_HOUR:
	case PS_NOW_WEEKDAY:
		if (!now_tm(r))
			return;
		if (f->pseudo == PS_NOW_HOUR) {
			v->kind = V_NUM;
			v->num = r->now_tm.tm_hour;
		} else
			set_weekday(v, &r->now_tm);
		return;
	case PS_NONE:
		break;
	}
	found = fb_rec_raw(r->rec, f->path, &v->raw);
	if (found)
		v->kind = V_RAW;
	if (f->fall == FALL_NONE || (found && !raw_says_nothing(v->raw)))
		return;
	/* what fb-rank joined, then the table; an explicit null stays */
	if (fb_rec_raw(r->rec, rank_paths[f->fall], &joined) &&
	    !raw_says_nothing(joined)) {
		v->raw = joined;
		v->kind = V_RAW;
		v->from = rank_paths[f->fall];
		return;
	}
	if ((cu = table_customer(r)) == NULL)
		return;
	v->from = "--customers";
	if (f->fall == FALL_TIER && cu->tier != NULL) {
		v->kind = V_STR;
		v->str = cu->tier;
		v->len = strlen(cu->tier);
	} else if (f->fall == FALL_SPEND && !isnan(cu->annual_spend)) {
		v->kind = V_NUM;
		v->num = cu->annual_spend;
	} else if (f->fall == FALL_FLAGS && json_is_array(cu->flags)) {
		v->kind = V_LIST;
		v->list = cu->flags;
	} else
		v->from = NULL;
}

static const struct value *
field_value(struct router *r, size_t idx)
{
	struct field *f = &r->fields[idx];

	if (f->gen != r->gen) {
		f->gen = r->gen;
		resolve(r, f, &f->val);
	}
	return &f->val;
}

/*---- Matching ----*/

/* One scalar: a whole value, or an element of an array. */
enum akind { A_STR, A_NUM, A_TRUE, A_FALSE, A_NULL, A_OTHER };

struct atom {
	enum akind kind;
	const char *s;
	size_t len;
	int nul;		/* 's' is NUL-terminated */
	double num;
	int day;
};

static void
raw_atom(struct router *r, struct fb_span v, struct atom *a)
{
	long n;

	memset(a, 0, sizeof(*a));
	switch (v.p[0]) {
	case '"':
		r->scratch.len = 0;
		if (fb_buf_grow(&r->scratch, v.len) < 0 ||
		    (n = fb_json_string(v, r->scratch.p, r->scratch.cap,
		    &a->s)) < 0) {
			a->kind = A_OTHER;
			return;
		}
		a->kind = A_STR;
		a->len = (size_t)n;
		if (a->s == r->scratch.p) {
			r->scratch.p[n] = '\0';
			a->nul = 1;
		}
		return;
	case 't':
		a->kind = A_TRUE;
		return;
	case 'f':
		a->kind = A_FALSE;
		return;
	case 'n':
		a->kind = A_NULL;
		return;
	case '{':
	case '[':
		a->kind = A_OTHER;
		return;
	default:
		/* validated JSON: strtod stops where the number does */
		a->kind = A_NUM;
		a->num = strtod(v.p, NULL);
		return;
	}
}

/* The string of 'a' NUL-terminated, for fnmatch(3) and regexec(3). */
static const char *
atom_cstr(struct router *r, struct atom *a)
{
	if (!a->nul) {
		r->scratch.len = 0;
		fb_buf_add(&r->scratch, a->s, a->len);
		if (r->scratch.err)
			return "";
		a->s = r->scratch.p;
		a->nul = 1;
	}
	return a->s;
}

/* Walks the scalars of a value: itself, or the elements of an array. */
struct walk {
	const struct value *v;
	size_t pos;
	int done;
};

static int
is_list(const struct value *v)
{
	return v->kind == V_LIST || (v->kind == V_RAW && v->raw.p[0] == '[');
}

static int
walk_next(struct router *r, struct walk *w, struct atom *a)
{
	const struct value *v = w->v;
	struct fb_span elem;

	if (v->kind == V_RAW && v->raw.p[0] == '[') {
		if (!fb_json_array_next(v->raw, &w->pos, &elem))
			return 0;
		raw_atom(r, elem, a);
		return 1;
	}
	if (v->kind == V_LIST) {
		json_t *s;

		if (w->pos >= json_array_size(v->list))
			return 0;
		s = json_array_get(v->list, w->pos++);
		memset(a, 0, sizeof(*a));
		a->kind = json_is_string(s) ? A_STR : A_OTHER;
		a->s = json_string_value(s);
		a->len = json_string_length(s);
		a->nul = 1;
		return 1;
	}
	if (w->done)
		return 0;
	w->done = 1;
	memset(a, 0, sizeof(*a));
	switch (v->kind) {
	case V_RAW:
		raw_atom(r, v->raw, a);
		break;
	case V_NUM:
		a->kind = A_NUM;
		a->num = v->num;
		break;
	case V_STR:
		a->kind = A_STR;
		a->s = v->str;
		a->len = v->len;
		a->nul = 1;
		a->day = v->day;
		break;
	default:
		return 0;
	}
	return 1;
}

static int
atom_eq(struct router *r, struct atom *a, const struct cval *cv)
{
	switch (a->kind) {
	case A_STR:
		if (cv->glob)
			return fnmatch(cv->text, atom_cstr(r, a), 0) == 0;
		return a->len == cv->len && memcmp(a->s, cv->text, a->len) == 0;
	case A_NUM:
		return cv->isnum && a->num == cv->num;
	case A_TRUE:
		return strcmp(cv->text, "true") == 0;
	case A_FALSE:
		return strcmp(cv->text, "false") == 0;
	case A_NULL:
		return strcmp(cv->text, "null") == 0;
	default:
		return 0;
	}
}

static int
atom_eq_any(struct router *r, struct atom *a, const struct cond *c)
{
	size_t i;

	for (i = 0; i < c->nvals; i++)
		if (atom_eq(r, a, &c->vals[i]))
			return 1;
	return 0;
}

/* =: 1 when a scalar matches, 0 when none does, -1 for an object. */
static int
eq_any(struct router *r, const struct cond *c, const struct value *v)
{
	struct walk w = { v, 0, 0 };
	struct atom a;

	if (v->kind == V_RAW && v->raw.p[0] == '{')
		return -1;
	while (walk_next(r, &w, &a))
		if (atom_eq_any(r, &a, c))
			return 1;
	return 0;
}

/* ~: the same for strings; other scalars are the wrong type. */
static int
re_any(struct router *r, const struct cond *c, const struct value *v)
{
	struct walk w = { v, 0, 0 };
	struct atom a;
	size_t i;

	if (!is_list(v) && !(v->kind == V_STR ||
	    (v->kind == V_RAW && v->raw.p[0] == '"')))
		return -1;
	while (walk_next(r, &w, &a)) {
		if (a.kind != A_STR)
			continue;
		for (i = 0; i < c->nvals; i++)
			if (regexec(&c->vals[i].re, atom_cstr(r, &a), 0, NULL,
			    0) == 0)
				return 1;
	}
	return 0;
}

/* only: every element matches, and there is one. */
static int
only_all(struct router *r, const struct cond *c, const struct value *v)
{
	struct walk w = { v, 0, 0 };
	struct atom a;
	int n = 0;

	if (!is_list(v))
		return eq_any(r, c, v) == 1;
	while (walk_next(r, &w, &a)) {
		if (!atom_eq_any(r, &a, c))
			return 0;
		n++;
	}
	return n > 0;
}

/* < <= > >=: numbers, weekdays by their order, else bytes. */
static int
order_holds(struct router *r, const struct cond *c, const struct value *v)
{
	const struct cval *cv = &c->vals[0];
	struct walk w = { v, 0, 0 };
	struct atom a;
	int cmp;

	if (is_list(v) || !walk_next(r, &w, &a))
		return 0;
	if (a.kind == A_NUM && cv->isnum)
		cmp = (a.num > cv->num) - (a.num < cv->num);
	else if (a.kind == A_STR && a.day && cv->day)
		cmp = (a.day > cv->day) - (a.day < cv->day);
	else if (a.kind == A_STR && !cv->isnum) {
		size_t n = a.len < cv->len ? a.len : cv->len;

		cmp = memcmp(a.s, cv->text, n);
		if (cmp == 0)
			cmp = (a.len > cv->len) - (a.len < cv->len);
	} else
		return 0;
	switch (c->op) {
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	case OP_GT:
		return cmp > 0;
	default:
		return cmp >= 0;
	}
}

/*
 * Whether one condition holds.  A missing field makes every operator
 * but 'missing' false; a field of the wrong type never matches.
 */
static int
cond_holds(struct router *r, const struct cond *c)
{
	const struct value *v = field_value(r, c->field);

	if (v->kind == V_MISSING)
		return c->op == OP_MISSING;
	switch (c->op) {
	case OP_EXISTS:
		return 1;
	case OP_MISSING:
		return 0;
	case OP_EQ:
		return eq_any(r, c, v) == 1;
	case OP_NE:
		return eq_any(r, c, v) == 0;
	case OP_RE:
		return re_any(r, c, v) == 1;
	case OP_NRE:
		return re_any(r, c, v) == 0;
	case OP_ONLY:
		return only_all(r, c, v);
	default:
		return order_holds(r, c, v);
	}
}

static int
cline_holds(struct router *r, const struct cline *cl)
{
	size_t i;

	for (i = 0; i < cl->nconds; i++)
		if (cond_holds(r, &cl->conds[i]))
			return !cl->unless;
	return cl->unless;
}

/*---- Routing ----*/

/* The string at a placeholder's field, or NULL. */
static const char *
field_text(struct router *r, size_t field, size_t *len)
{
	const struct value *v = field_value(r, field);
	struct walk w = { v, 0, 0 };
	struct atom a;

	if (v->kind == V_NUM && v->num >= 0 && v->num < 24 &&
	    r->fields[field].pseudo != PS_NONE) {
		/* an hour: its digits */
		r->scratch.len = 0;
		fb_buf_addint(&r->scratch, (long long)v->num);
		*len = r->scratch.len;
		return r->scratch.p;
	}
	if (is_list(v) || !walk_next(r, &w, &a) || a.kind != A_STR)
		return NULL;
	*len = a.len;
	return a.s;
}

static void
expand(struct router *r, const struct tmpl *t, struct fb_buf *b)
{
	const char *s;
	size_t i, len;

	b->len = 0;
	fb_buf_add(b, "", 0);
	for (i = 0; i < t->nparts; i++) {
		const struct tpart *tp = &t->parts[i];

		if (tp->field < 0) {
			fb_buf_add(b, tp->text, tp->len);
			continue;
		}
		/* an empty value would make a queue "general/": the default */
		s = field_text(r, (size_t)tp->field, &len);
		if (s != NULL && len > 0)
			fb_buf_add(b, s, len);
		else if (tp->has_default)
			fb_buf_add(b, tp->text, tp->len);
	}
}

static void explain_failure(struct router *r, const struct cline *cl,
    struct fb_buf *b);

/*
 * Finds the first rule of 'rs' whose lines all hold and expands its queue
 * and skill into 'd'; with 'ex', tells each rule tried.
 */
static void
decide(struct router *r, struct ruleset *rs, struct decision *d,
    struct fb_buf *ex)
{
	size_t i, j;

	d->rule = NULL;
	for (i = 0; i < rs->n; i++) {
		struct rule *rule = &rs->rules[i];

		for (j = 0; j < rule->nlines; j++)
			if (!cline_holds(r, &rule->lines[j]))
				break;
		if (j < rule->nlines) {
			if (ex != NULL) {
				fb_buf_printf(ex, "  no   %s (%s:%lu): ",
				    rule->name, rs->name, rule->line);
				explain_failure(r, &rule->lines[j], ex);
				fb_buf_addc(ex, '\n');
			}
			continue;
		}
		d->rule = rule;
		rule->fired++;
		expand(r, &rule->queue, &d->queue);
		/* "queue {x}" with no x and no default: never a nameless queue */
		if (d->queue.len == 0)
			fb_buf_adds(&d->queue, "unrouted");
		if (rule->skill.nparts > 0)
			expand(r, &rule->skill, &d->skill);
		else
			d->skill.len = 0;
		if (d->skill.len == 0)
			fb_buf_add(&d->skill, d->queue.p, d->queue.len);
		if (ex != NULL) {
			fb_buf_printf(ex, "  YES  %s (%s:%lu) -> queue ",
			    rule->name, rs->name, rule->line);
			fb_buf_add_clean(ex, d->queue.p, d->queue.len, 200);
			fb_buf_adds(ex, ", skill ");
			fb_buf_add_clean(ex, d->skill.p, d->skill.len, 200);
			fb_buf_printf(ex, "%s\n", rule->prose.p);
		}
		return;
	}
	rs->unrouted++;
	d->queue.len = 0;
	fb_buf_adds(&d->queue, "unrouted");
	d->skill.len = 0;
	fb_buf_adds(&d->skill, "unrouted");
	if (ex != NULL)
		fb_buf_adds(ex, "  no rule matched -> queue unrouted\n");
}

/* The route as JSON in 'b'; with_agent adds "agent", null when NULL. */
static void
route_json(struct fb_buf *b, const struct decision *d, int with_agent,
    const struct agent *agent)
{
	fb_buf_adds(b, "{\"queue\":");
	fb_buf_json_str(b, d->queue.p, d->queue.len);
	fb_buf_adds(b, ",\"skill\":");
	fb_buf_json_str(b, d->skill.p, d->skill.len);
	if (d->rule != NULL)
		fb_buf_add(b, d->rule->tail.p, d->rule->tail.len);
	else
		fb_buf_adds(b, ",\"rule\":null");
	if (with_agent) {
		fb_buf_adds(b, ",\"agent\":");
		if (agent != NULL)
			fb_buf_json_str(b, agent->id, strlen(agent->id));
		else
			fb_buf_adds(b, "null");
	}
	fb_buf_addc(b, '}');
}

/* Whether two decisions send an item to different people or times. */
static int
decisions_differ(const struct decision *a, const struct decision *b)
{
	const char *wa = a->rule ? a->rule->what.p : "||";
	const char *wb = b->rule ? b->rule->what.p : "||";

	return a->queue.len != b->queue.len ||
	    memcmp(a->queue.p, b->queue.p, a->queue.len) != 0 ||
	    a->skill.len != b->skill.len ||
	    memcmp(a->skill.p, b->skill.p, a->skill.len) != 0 ||
	    strcmp(wa, wb) != 0;
}

/*---- Agents at work ----*/

/* Whether agent 'a' is less loaded than 'b' (a ratio; no limit: load). */
static int
less_loaded(const struct agent *a, const struct agent *b)
{
	long long ca = a->capacity ? a->capacity : 1;
	long long cb = b->capacity ? b->capacity : 1;
	long long la = a->load * cb, lb = b->load * ca;

	if (la != lb)
		return la < lb;
	return a->load < b->load;
}

/*
 * Picks the agent for a route's skill and counts the item against it;
 * NULL when no agent with the skill is on shift with room.  With 'ex',
 * says who was considered.
 */
static const struct agent *
assign(struct router *r, const char *skill, size_t len, struct fb_buf *ex)
{
	struct crew *c = &r->crew;
	struct skill *sk = skill_find(c, skill, len);
	struct agent *best = NULL;
	int have_now = now_tm(r);
	size_t i;

	if (sk != NULL)
		for (i = 0; i < sk->n; i++) {
			struct agent *a = &c->agents[sk->agents[i]];

			if (!have_now || !on_shift(a, fb_time_now()) ||
			    (a->capacity && a->load >= a->capacity))
				continue;
			if (best == NULL || less_loaded(a, best))
				best = a;
		}
	if (ex != NULL) {
		fb_buf_adds(ex, "  agent ");
		if (best != NULL)
			fb_buf_adds(ex, best->id);
		else
			fb_buf_adds(ex, "none");
		if (sk == NULL || sk->n == 0) {
			fb_buf_adds(ex, ": no agent has the skill ");
			fb_buf_add_clean(ex, skill, len, 200);
		} else {
			fb_buf_printf(ex, ": %s of %zu with skill ",
			    best ? "the least loaded" : "none on shift with "
			    "room,", sk->n);
			fb_buf_add_clean(ex, skill, len, 200);
			fb_buf_adds(ex, " (");
			for (i = 0; i < sk->n; i++) {
				struct agent *a = &c->agents[sk->agents[i]];

				if (i > 0)
					fb_buf_adds(ex, ", ");
				fb_buf_printf(ex, "%s %ld/", a->id, a->load);
				if (a->capacity)
					fb_buf_printf(ex, "%ld", a->capacity);
				else
					fb_buf_adds(ex, "no limit");
				if (!have_now || !on_shift(a, fb_time_now()))
					fb_buf_printf(ex, " off shift (%s)",
					    a->hours != NULL ? a->hours :
					    "no time known");
				else if (a->capacity &&
				    a->load >= a->capacity)
					fb_buf_adds(ex, " full");
				else if (a->hours != NULL)
					fb_buf_printf(ex, " on shift (%s)",
					    a->hours);
			}
			fb_buf_addc(ex, ')');
		}
		fb_buf_addc(ex, '\n');
	}
	if (best != NULL) {
		best->load++;
		return best;
	}
	c->missed++;
	if (sk == NULL && c->nskills < SKILLS_MAX)
		sk = skill_add(c, skill, len);
	if (sk != NULL)
		sk->missed++;
	else
		c->missed_other++;
	return NULL;
}

/*---- --explain ----*/

/* A value as --explain shows it: short, without control characters. */
static void
describe_value(struct router *r, const struct value *v, struct fb_buf *b)
{
	char *s;

	switch (v->kind) {
	case V_MISSING:
		fb_buf_adds(b, "missing");
		return;
	case V_RAW:
		fb_buf_add_clean(b, v->raw.p, v->raw.len, SHOW_MAX);
		break;
	case V_NUM:
		fb_buf_printf(b, "%g", v->num);
		break;
	case V_STR:
		r->scratch.len = 0;
		fb_buf_json_str(&r->scratch, v->str, v->len);
		fb_buf_add_clean(b, r->scratch.p, r->scratch.len, SHOW_MAX);
		break;
	case V_LIST:
		if ((s = json_dumps(v->list, JSON_COMPACT)) != NULL)
			fb_buf_add_clean(b, s, strlen(s), SHOW_MAX);
		free(s);
		break;
	}
	if (v->from != NULL)
		fb_buf_printf(b, " (from %s)", v->from);
}

/* "vip/svip"; values that hold a slash themselves are joined by "or". */
static void
add_values(struct fb_buf *b, const struct cond *c, const char *sep)
{
	size_t i;

	for (i = 0; i < c->nvals && *sep == '/'; i++)
		if (strchr(c->vals[i].text, '/') != NULL)
			sep = " or ";
	for (i = 0; i < c->nvals; i++) {
		if (i > 0)
			fb_buf_adds(b, sep);
		fb_buf_add_clean(b, c->vals[i].text, c->vals[i].len, SHOW_MAX);
	}
}

/*
 * Why the line 'cl' does not hold: for "if", each of its conditions with
 * the field's value; for "unless", the condition that held.
 */
static void
explain_failure(struct router *r, const struct cline *cl, struct fb_buf *b)
{
	size_t i;

	for (i = 0; i < cl->nconds; i++) {
		const struct cond *c = &cl->conds[i];
		const struct value *v;

		if (cl->unless && !cond_holds(r, c))
			continue;
		v = field_value(r, c->field);
		fb_buf_printf(b, "%s is ", r->fields[c->field].path);
		describe_value(r, v, b);
		if (cl->unless) {
			fb_buf_adds(b, " (unless ");
			fb_buf_add_clean(b, c->text, strlen(c->text), 200);
			fb_buf_addc(b, ')');
			return;
		}
		if (v->kind != V_MISSING)
			switch (c->op) {
			case OP_EQ:
				fb_buf_adds(b, ", not ");
				add_values(b, c, "/");
				break;
			case OP_NE:
			case OP_NRE:
				fb_buf_printf(b, ", excluded by %s ",
				    op_names[c->op]);
				add_values(b, c, c->op == OP_NE ? "/" : " or ");
				break;
			case OP_EXISTS:
				break;
			case OP_MISSING:
				fb_buf_adds(b, ", not missing");
				break;
			default:
				fb_buf_printf(b, ", not %s ", op_names[c->op]);
				add_values(b, c, c->op == OP_RE ? " or " : "/");
				break;
			}
		if (i + 1 < cl->nconds)
			fb_buf_adds(b, "; ");
	}
}

static void
explain_record(struct router *r, const struct fb_pos *pos)
{
	struct decision *d = &r->d[0];
	struct fb_buf *ex = &r->ex;
	struct fb_span v;
	struct atom a;

	ex->len = 0;
	if (fb_rec_raw(r->rec, "id", &v)) {
		raw_atom(r, v, &a);
		if (a.kind == A_STR)
			fb_buf_add_clean(ex, a.s, a.len, 200);
		else
			fb_buf_add_clean(ex, v.p, v.len, SHOW_MAX);
	} else
		fb_buf_adds(ex, "(no id)");
	fb_buf_adds(ex, " (");
	fb_buf_add_clean(ex, pos->file, strlen(pos->file), 400);
	fb_buf_printf(ex, ":%lu)\n", pos->line);
	decide(r, &r->live, d, ex);
	if (r->have_crew && d->rule != NULL)
		assign(r, d->skill.p, d->skill.len, ex);
	fb_buf_addc(ex, '\n');
}

/*---- Output ----*/

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct router *r = arg;
	struct decision *d = &r->d[0];
	struct fb_buf *b = &r->out;
	const struct agent *agent = NULL;
	struct fb_span id;

	/* Events and alerts are not feedback: through as they came. */
	if (!fb_rec_is_feedback(rec))
		return r->mode == MODE_ROUTE ? FB_EMIT : FB_DROP;
	r->rec = rec;
	r->gen++;
	r->ts_done = 0;
	r->cust_done = 0;
	r->items++;
	switch (r->mode) {
	case MODE_EXPLAIN:
		explain_record(r, pos);
		if (r->ex.err)
			goto nomem;
		if (fb_out_write(&fb_stdout, r->ex.p, r->ex.len) < 0)
			return FB_FATAL;
		return FB_DROP;
	case MODE_COVERAGE:
		decide(r, &r->live, d, NULL);
		return FB_DROP;
	case MODE_SHADOW:
		decide(r, &r->live, &r->d[0], NULL);
		decide(r, &r->shadow, &r->d[1], NULL);
		if (!decisions_differ(&r->d[0], &r->d[1]))
			return FB_DROP;
		r->differ++;
		b->len = 0;
		fb_buf_adds(b, "{\"id\":");
		if (fb_rec_raw(rec, "id", &id))
			fb_buf_add(b, id.p, id.len);
		else
			fb_buf_adds(b, "null");
		fb_buf_adds(b, ",\"live\":");
		route_json(b, &r->d[0], 0, NULL);
		fb_buf_adds(b, ",\"shadow\":");
		route_json(b, &r->d[1], 0, NULL);
		fb_buf_addc(b, '}');
		if (b->err)
			goto nomem;
		return fb_write_json_line(b) < 0 ? FB_FATAL : FB_DROP;
	case MODE_ROUTE:
		break;
	}
	decide(r, &r->live, d, NULL);
	if (r->have_crew && d->rule != NULL)
		agent = assign(r, d->skill.p, d->skill.len, NULL);
	b->len = 0;
	route_json(b, d, r->have_crew, agent);
	if (b->err || fb_rec_set_raw(rec, "route", b->p, b->len) < 0)
		goto nomem;
	return FB_EMIT;
nomem:
	fb_warnx("out of memory");
	return FB_FATAL;
}

/* fired / total as a fraction, or a percentage with 'pct'. */
static double
share_of(unsigned long fired, unsigned long total)
{
	return total ? (double)fired / (double)total : 0;
}

static void
coverage_json(struct router *r)
{
	const struct ruleset *rs = &r->live;
	struct fb_buf *b = &r->out;
	size_t i;

	for (i = 0; i <= rs->n; i++) {
		const struct rule *rule = i < rs->n ? &rs->rules[i] : NULL;
		unsigned long fired = rule ? rule->fired : rs->unrouted;

		b->len = 0;
		fb_buf_adds(b, "{\"type\":\"coverage\",\"rule\":");
		if (rule != NULL) {
			fb_buf_json_str(b, rule->name, strlen(rule->name));
			fb_buf_printf(b, ",\"line\":%lu", rule->line);
		} else
			fb_buf_adds(b, "null");
		fb_buf_printf(b, ",\"fired\":%lu,\"share\":", fired);
		fb_buf_addnum(b, share_of(fired, r->items), 4);
		fb_buf_addc(b, '}');
		if (fb_write_json_line(b) < 0)
			return;
	}
	b->len = 0;
	fb_buf_printf(b, "{\"type\":\"coverage\",\"total\":%lu}", r->items);
	fb_write_json_line(b);
}

static void
coverage_text(struct router *r)
{
	const struct ruleset *rs = &r->live;
	struct fb_buf *b = &r->out;
	char loc[64];
	int wname = (int)strlen("unrouted"), wloc = (int)strlen("file:line");
	size_t i;

	for (i = 0; i < rs->n; i++) {
		int n = snprintf(loc, sizeof(loc), "%s:%lu", rs->name,
		    rs->rules[i].line);

		if ((int)strlen(rs->rules[i].name) > wname)
			wname = (int)strlen(rs->rules[i].name);
		if (n > wloc)
			wloc = n;
	}
	b->len = 0;
	fb_buf_printf(b, "%-*s  %-*s  %7s  %6s\n", wname, "rule", wloc,
	    "file:line", "fired", "share");
	for (i = 0; i <= rs->n; i++) {
		const struct rule *rule = i < rs->n ? &rs->rules[i] : NULL;
		unsigned long fired = rule ? rule->fired : rs->unrouted;

		if (rule != NULL)
			snprintf(loc, sizeof(loc), "%s:%lu", rs->name,
			    rule->line);
		else
			snprintf(loc, sizeof(loc), "-");
		fb_buf_printf(b, "%-*s  %-*s  %7lu  ", wname,
		    rule ? rule->name : "unrouted", wloc, loc, fired);
		if (rule != NULL && fired == 0)
			fb_buf_printf(b, "%6s\n", "never");
		else
			fb_buf_printf(b, "%5.1f%%\n",
			    100 * share_of(fired, r->items));
	}
	fb_buf_printf(b, "%-*s  %-*s  %7lu\n", wname, "total", wloc, "",
	    r->items);
	if (!b->err)
		fb_out_write(&fb_stdout, b->p, b->len);
}

static int
skill_missed_cmp(const void *pa, const void *pb)
{
	const struct skill *a = *(const struct skill *const *)pa;
	const struct skill *b = *(const struct skill *const *)pb;

	if (a->missed != b->missed)
		return a->missed > b->missed ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* One warning for all the items no agent could take, by skill. */
static void
warn_missed(struct router *r)
{
	struct crew *c = &r->crew;
	struct skill **list;
	struct fb_buf *b = &r->out;
	size_t i, n = 0;

	if (c->missed == 0)
		return;
	list = fb_xcalloc(c->nskills, sizeof(*list));
	for (i = 0; i < c->nskills; i++)
		if (c->skills[i].missed > 0)
			list[n++] = &c->skills[i];
	qsort(list, n, sizeof(*list), skill_missed_cmp);
	b->len = 0;
	for (i = 0; i < n; i++) {
		if (i > 0)
			fb_buf_adds(b, ", ");
		fb_buf_add_clean(b, list[i]->name, strlen(list[i]->name), SHOW_MAX);
		fb_buf_printf(b, " %lu", list[i]->missed);
	}
	if (c->missed_other > 0)
		fb_buf_printf(b, "%sothers %lu", n ? ", " : "",
		    c->missed_other);
	free(list);
	fb_warning("%lu item%s found no agent on shift with capacity "
	    "(skills: %s)", c->missed, c->missed == 1 ? "" : "s",
	    b->err ? "?" : b->p);
}

static void
release_router(struct router *r)
{
	size_t i;

	release_rules(&r->live);
	release_rules(&r->shadow);
	for (i = 0; i < r->nfields; i++)
		free(r->fields[i].path);
	free(r->fields);
	fb_customers_free(r->customers);
	release_crew(&r->crew);
	for (i = 0; i < 2; i++) {
		fb_buf_release(&r->d[i].queue);
		fb_buf_release(&r->d[i].skill);
	}
	fb_buf_release(&r->scratch);
	fb_buf_release(&r->idbuf);
	fb_buf_release(&r->out);
	fb_buf_release(&r->ex);
}

int
main(int argc, char *argv[])
{
	struct router r;
	struct fb_error err;
	const char *arg, *rules = NULL, *shadow = NULL, *agents = NULL,
	    *format = NULL;
	const char *customers = NULL;
	char path[4096];
	int opt, status, explain = 0, coverage = 0;

	fb_cli_init("fb-route");
	/*
	 * Records are UTF-8 (DESIGN.md 2): '?' in a glob and '.' or [...] in
	 * a regex stand for a character such as 东, not for a byte of it.
	 */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	memset(&r, 0, sizeof(r));
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'r':
			rules = arg;
			break;
		case 'e':
			explain = 1;
			break;
		case OPT_COVERAGE:
			coverage = 1;
			break;
		case OPT_SHADOW:
			shadow = arg;
			break;
		case OPT_AGENTS:
			agents = arg;
			break;
		case OPT_CUSTOMERS:
			customers = arg;
			break;
		case OPT_FORMAT:
			if (strcmp(arg, "json") != 0 &&
			    strcmp(arg, "text") != 0) {
				fb_warnx("invalid --format '%s' (text or json)",
				    arg);
				fb_usage(&tool);
			}
			r.json = strcmp(arg, "json") == 0;
			format = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (format != NULL && !coverage) {
		fb_warnx("--format goes with --coverage");
		fb_usage(&tool);
	}
	if (explain + coverage + (shadow != NULL) > 1) {
		fb_warnx("--explain, --coverage and --shadow exclude each "
		    "other");
		fb_usage(&tool);
	}
	/* An agent's load would count items nobody is given. */
	if (agents != NULL && (coverage || shadow != NULL)) {
		fb_warnx("--agents goes with routing or --explain, not with "
		    "--%s", coverage ? "coverage" : "shadow");
		fb_usage(&tool);
	}
	r.mode = explain ? MODE_EXPLAIN : coverage ? MODE_COVERAGE :
	    shadow != NULL ? MODE_SHADOW : MODE_ROUTE;

	if (rules == NULL) {
		if (fb_config_find("routes.conf", path, sizeof(path)) < 0) {
			fb_config_not_found(&err, "the rules", "routes.conf");
			fb_diex("%s; name one with -r", err.msg);
		}
		rules = path;
	}
	if (load_rules(&r, &r.live, rules, &err) < 0)
		fb_diex("%s", err.msg);
	if (shadow != NULL && load_rules(&r, &r.shadow, shadow, &err) < 0)
		fb_diex("%s", err.msg);
	if (customers != NULL &&
	    (r.customers = fb_customers_load(customers, &err)) == NULL)
		fb_diex("%s", err.msg);
	if (agents != NULL) {
		r.crew.path = agents;
		if (fb_table_load(agents, add_agent, &r.crew, &err) < 0)
			fb_diex("%s", err.msg);
		if (r.crew.n == 0)
			fb_diex("%s: no agents", agents);
		r.have_crew = 1;
	}
	if (fb_conf.verbose) {
		fb_warnx("routing by %s (%zu rules)", r.live.path, r.live.n);
		if (shadow != NULL)
			fb_warnx("shadow rules %s (%zu rules)", shadow,
			    r.shadow.n);
		if (r.customers != NULL)
			fb_warnx("%s: %zu customers", customers,
			    fb_customers_count(r.customers));
		if (r.have_crew)
			fb_warnx("%s: %zu agent%s, %zu skill%s", agents,
			    r.crew.n, r.crew.n == 1 ? "" : "s", r.crew.nskills,
			    r.crew.nskills == 1 ? "" : "s");
	}

	status = fb_each_record(argc - optind, argv + optind, on_record, &r);

	if (r.mode == MODE_COVERAGE) {
		if (r.json)
			coverage_json(&r);
		else
			coverage_text(&r);
	}
	if (r.mode == MODE_SHADOW)
		fb_warnx("shadow: %lu of %lu items routed differently",
		    r.differ, r.items);
	if (r.have_crew)
		warn_missed(&r);
	release_router(&r);
	return fb_cli_finish(status);
}
