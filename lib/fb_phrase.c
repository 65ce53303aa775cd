/*
 * fb_phrase.c: the phrase rules of fb-tag and fb-train, and the analysis of
 * a text against them.
 *
 * Rule files are plain text so that a supervisor can add a phrase without
 * a programmer (the format is in fb-tag(1)).  Every phrase of every file
 * goes into one Aho–Corasick automaton, so a text is read once whatever
 * the number of phrases.  The analysis then settles what the matches mean
 * together: the longest phrase wins over the ones inside it, a negator
 * cancels the phrase after it ("没有破损", "not damaged"), a degree word
 * scales it, and the clause after a contrast word ("但是", "but") is the
 * one that carries the sentiment.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define MAX_PHRASE_CPS	64
#define MAX_RULE_LINE	4096
#define NEGATION_TOKENS	2	/* tokens a negator reaches over */
#define DEGREE_TOKENS	2
#define SCOPE_CPS	40	/* beyond this, no scope is worth counting tokens */
#define PENDING_MAX	8

const char *const fb_taxonomy_categories[] = {
	"product", "logistics", "service", "order", "marketing", "platform",
	"compliance", "suggestion", "praise", "other", NULL
};

/* TAXONOMY.md, v1. */
static const char *const taxonomy_tags[] = {
	"product/not_as_described", "product/defective", "product/counterfeit",
	"product/expired", "product/value",
	"logistics/delay", "logistics/damaged", "logistics/lost",
	"logistics/tracking", "logistics/pickup_point", "logistics/courier",
	"service/slow_response", "service/attitude", "service/return_refund",
	"service/bot", "service/after_sales",
	"order/wrong_item", "order/missing_item", "order/cancel_modify",
	"order/payment", "order/billing",
	"marketing/coupon", "marketing/promotion", "marketing/price",
	"marketing/misleading",
	"platform/crash", "platform/login", "platform/performance",
	"platform/usability", "platform/accessibility", "platform/search",
	"compliance/privacy", "compliance/fraud", "compliance/security",
	"compliance/illegal_content",
	"suggestion/feature",
	"praise", "other",
	NULL
};

static const struct {
	const char *name;
	enum fb_phrase_kind kind;
} lexicon_sections[] = {
	{ "positive", FB_PHRASE_POSITIVE },
	{ "negative", FB_PHRASE_NEGATIVE },
	{ "negation", FB_PHRASE_NEGATION },
	{ "nonnegation", FB_PHRASE_NONNEGATION },
	{ "degree", FB_PHRASE_DEGREE },
	{ "contrast", FB_PHRASE_CONTRAST },
};

int
fb_taxonomy_has(const char *name)
{
	size_t i;

	for (i = 0; taxonomy_tags[i] != NULL; i++)
		if (strcmp(taxonomy_tags[i], name) == 0)
			return 1;
	return 0;
}

int
fb_taxonomy_problem(const char *tag)
{
	/* TAXONOMY.md: the seven categories of complaint */
	static const char *const problems[] = {
		"product", "logistics", "service", "order", "marketing",
		"platform", "compliance", NULL
	};
	const char *const *c;
	size_t n;

	for (c = problems; *c != NULL; c++) {
		n = strlen(*c);
		if (strncmp(tag, *c, n) == 0 && (tag[n] == '/' ||
		    tag[n] == '\0'))
			return 1;
	}
	return 0;
}

int
fb_is_complaint(const char *sentiment, char tags[][FB_TAG_MAX], size_t n)
{
	size_t i;

	if (sentiment != NULL && strcmp(sentiment, "negative") == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (fb_taxonomy_problem(tags[i]))
			return 1;
	return 0;
}

_Static_assert(sizeof(taxonomy_tags) / sizeof(taxonomy_tags[0]) ==
    FB_TAXONOMY_NTAGS + 1, "FB_TAXONOMY_NTAGS counts the taxonomy's tags");

int
fb_taxonomy_index(const char *name, size_t len)
{
	int i;

	for (i = 0; taxonomy_tags[i] != NULL; i++)
		if (strlen(taxonomy_tags[i]) == len &&
		    memcmp(taxonomy_tags[i], name, len) == 0)
			return i;
	return -1;
}

const char *
fb_taxonomy_tag(int index)
{
	return index >= 0 && index < FB_TAXONOMY_NTAGS ?
	    taxonomy_tags[index] : NULL;
}

/*---- Normalised text ----*/

static uint32_t
fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + ('a' - 'A');
	if (c >= 0xFF01 && c <= 0xFF5E) {
		c -= 0xFEE0;
		return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	}
	if (c == 0x3000)
		return ' ';
	if (c == 0x2019 || c == 0x2018)
		return '\'';
	return c;
}

int
fb_cps_set(struct fb_cps *t, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	if (t->cap < len + 1) {
		uint32_t *p = realloc(t->cp, (len + 1) * sizeof(*p));

		if (p == NULL)
			return -1;
		t->cp = p;
		t->cap = len + 1;
	}
	t->n = 0;
	while (i < len) {
		uint32_t c;

		i += fb_utf8_next((const char *)u, len, i, &c);
		t->cp[t->n++] = fold(c);
	}
	return 0;
}

void
fb_cps_release(struct fb_cps *t)
{
	free(t->cp);
	t->cp = NULL;
	t->n = t->cap = 0;
}

/* Latin letters and digits: what English whole-word matching looks at. */
static int
is_word(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (c >= 'A' && c <= 'Z') ||
	    (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

static int
is_break(uint32_t c)
{
	switch (c) {
	case ',': case '.': case '!': case '?': case ';': case ':':
	case '\n': case 0x3002:
		return 1;
	}
	return 0;
}

/*---- Loading rule files ----*/

void
fb_phrases_init(struct fb_phrases *ps)
{
	memset(ps, 0, sizeof(*ps));
}

void
fb_phrases_release(struct fb_phrases *ps)
{
	size_t i;

	for (i = 0; i < ps->nphrases; i++) {
		free(ps->phrases[i].text);
		free(ps->phrases[i].cps);
	}
	free(ps->phrases);
	for (i = 0; i < ps->nsections; i++)
		free(ps->sections[i].name);
	free(ps->sections);
	for (i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	fb_ac_free(ps->ac);
	memset(ps, 0, sizeof(*ps));
}

long
fb_phrases_section(const struct fb_phrases *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->nsections; i++)
		if (strcmp(ps->sections[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int
valid_emotion(const char *name)
{
	const char *p = name + strlen("emotion/");

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return 0;
	return 1;
}

/* The section called 'name', added when new; -1 when the name is unknown. */
static long
section_get(struct fb_phrases *ps, const char *name, struct fb_error *err,
    const char *file, long line)
{
	enum fb_phrase_kind kind;
	long idx;
	size_t i;
	int found = 0;

	if ((idx = fb_phrases_section(ps, name)) >= 0)
		return idx;
	for (i = 0; i < sizeof(lexicon_sections) / sizeof(lexicon_sections[0]);
	    i++)
		if (strcmp(lexicon_sections[i].name, name) == 0) {
			kind = lexicon_sections[i].kind;
			found = 1;
		}
	if (!found && strncmp(name, "emotion/", 8) == 0) {
		if (!valid_emotion(name)) {
			fb_error_set(err, "%s:%ld: bad emotion name '[%s]' "
			    "(lowercase letters and '_')", file, line, name);
			return -1;
		}
		kind = FB_PHRASE_EMOTION;
		found = 1;
	}
	if (!found && fb_taxonomy_has(name)) {
		kind = FB_PHRASE_TAG;
		found = 1;
	}
	if (!found) {
		fb_error_set(err, "%s:%ld: unknown section '[%s]': not a tag "
		    "of the taxonomy, emotion/NAME or a lexicon section",
		    file, line, name);
		return -1;
	}
	if (ps->nsections == ps->sections_cap) {
		size_t cap = ps->sections_cap ? 2 * ps->sections_cap : 64;
		struct fb_section *p = realloc(ps->sections, cap * sizeof(*p));

		if (p == NULL)
			goto nomem;
		ps->sections = p;
		ps->sections_cap = cap;
	}
	if ((ps->sections[ps->nsections].name = strdup(name)) == NULL)
		goto nomem;
	ps->sections[ps->nsections].kind = kind;
	return (long)ps->nsections++;
nomem:
	fb_error_set(err, "%s:%ld: out of memory", file, line);
	return -1;
}

/* Splits "PHRASE [WEIGHT]"; returns 1 when a weight was given. */
static int
split_weight(char *s, float *weight)
{
	char *last = NULL, *p, *end;
	double w;

	for (p = s; *p != '\0'; p++)
		if ((*p == ' ' || *p == '\t') && p[1] != ' ' && p[1] != '\t' &&
		    p[1] != '\0')
			last = p + 1;
	if (last == NULL)
		return 0;
	/* Plain decimals only: "0x10" and "1e3" stay part of the phrase. */
	if (last[strspn(last, "0123456789.+-")] != '\0')
		return 0;
	errno = 0;
	w = strtod(last, &end);
	if (end == last || *end != '\0' || errno != 0 || !isfinite(w) ||
	    !(*last == '-' || *last == '+' || *last == '.' ||
	    (*last >= '0' && *last <= '9')))
		return 0;
	*weight = (float)w;
	p = last;
	while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	*p = '\0';
	return 1;
}

static int
add_phrase(struct fb_phrases *ps, const char *file, long line, long section,
    char *text, float weight, struct fb_error *err)
{
	struct fb_phrase *ph;
	struct fb_cps cps = { 0 };
	const char *body = text;
	size_t len = strlen(text);
	unsigned bound = FB_BOUND_LEFT | FB_BOUND_RIGHT;
	enum fb_phrase_kind kind = ps->sections[section].kind;

	if (fb_utf8_check(text, len) != len) {
		fb_error_set(err, "%s:%ld: not valid UTF-8", file, line);
		return -1;
	}
	if (len > 0 && body[0] == '*') {
		bound &= ~FB_BOUND_LEFT;
		body++;
		len--;
	}
	if (len > 0 && body[len - 1] == '*') {
		bound &= ~FB_BOUND_RIGHT;
		len--;
	}
	if (len == 0) {
		fb_error_set(err, "%s:%ld: empty phrase", file, line);
		return -1;
	}
	if (fabsf(weight) > 100) {
		fb_error_set(err, "%s:%ld: weight %g out of range "
		    "(-100 to 100)", file, line, weight);
		return -1;
	}
	if (kind == FB_PHRASE_DEGREE && weight < 0) {
		fb_error_set(err, "%s:%ld: a degree word's weight is a "
		    "multiplier and cannot be negative", file, line);
		return -1;
	}
	if (fb_cps_set(&cps, body, len) < 0)
		goto nomem;
	if (cps.n > MAX_PHRASE_CPS) {
		fb_error_set(err, "%s:%ld: phrase longer than %d characters",
		    file, line, MAX_PHRASE_CPS);
		fb_cps_release(&cps);
		return -1;
	}
	if (!is_word(cps.cp[0]))
		bound &= ~FB_BOUND_LEFT;
	if (!is_word(cps.cp[cps.n - 1]))
		bound &= ~FB_BOUND_RIGHT;
	if (ps->nphrases == ps->phrases_cap) {
		size_t cap = ps->phrases_cap ? 2 * ps->phrases_cap : 1024;
		struct fb_phrase *p = realloc(ps->phrases, cap * sizeof(*p));

		if (p == NULL)
			goto nomem;
		ps->phrases = p;
		ps->phrases_cap = cap;
	}
	ph = &ps->phrases[ps->nphrases];
	if ((ph->text = strdup(text)) == NULL)
		goto nomem;
	ph->cps = cps.cp;
	ph->ncps = (uint32_t)cps.n;
	ph->section = (uint32_t)section;
	ph->weight = weight;
	ph->bound = bound;
	ph->file = ps->files[ps->nfiles - 1];
	ph->line = line;
	ps->nphrases++;
	return 0;
nomem:
	fb_cps_release(&cps);
	fb_error_set(err, "%s:%ld: out of memory", file, line);
	return -1;
}

int
fb_phrases_load_mem(struct fb_phrases *ps, const char *name,
    const char *text, size_t len, struct fb_error *err)
{
	char buf[MAX_RULE_LINE + 1];
	const char *p = text, *end = text + len, *nl;
	long line = 0, section = -1;
	char **files;
	size_t n;

	if (ps->ac != NULL) {
		fb_error_set(err, "%s: rules loaded after compiling", name);
		return -1;
	}
	files = realloc(ps->files, (ps->nfiles + 1) * sizeof(*files));
	if (files == NULL || (files[ps->nfiles] = strdup(name)) == NULL) {
		if (files != NULL)
			ps->files = files;
		fb_error_set(err, "%s: out of memory", name);
		return -1;
	}
	ps->files = files;
	ps->nfiles++;
	name = ps->files[ps->nfiles - 1];

	for (; p < end; p = nl + 1) {
		char *s, *e, *c;
		float weight = 1;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > MAX_RULE_LINE) {
			fb_error_set(err, "%s:%ld: line longer than %d bytes",
			    name, line, MAX_RULE_LINE);
			return -1;
		}
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (memchr(buf, '\0', n) != NULL) {
			fb_error_set(err, "%s:%ld: NUL byte", name, line);
			return -1;
		}
		if (line == 1 && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			memmove(buf, buf + 3, n - 2);
		/* A comment starts at '#' first on the line or after a blank. */
		for (c = buf; *c != '\0'; c++)
			if (*c == '#' && (c == buf || c[-1] == ' ' ||
			    c[-1] == '\t')) {
				*c = '\0';
				break;
			}
		s = buf;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'))
			*--e = '\0';
		if (*s == '\0')
			continue;
		if (*s == '[') {
			if (e[-1] != ']') {
				fb_error_set(err, "%s:%ld: section header "
				    "without ']'", name, line);
				return -1;
			}
			e[-1] = '\0';
			s++;
			while (*s == ' ')
				s++;
			for (e = s + strlen(s); e > s && e[-1] == ' '; )
				*--e = '\0';
			section = section_get(ps, s, err, name, line);
			if (section < 0)
				return -1;
			continue;
		}
		if (section < 0) {
			fb_error_set(err, "%s:%ld: phrase before any [section]",
			    name, line);
			return -1;
		}
		split_weight(s, &weight);
		/* "late  delivery" is "late delivery" */
		for (c = e = s; *c != '\0'; c++)
			if (!((*c == ' ' || *c == '\t') && e > s &&
			    (e[-1] == ' ')))
				*e++ = *c == '\t' ? ' ' : *c;
		*e = '\0';
		if (add_phrase(ps, name, line, section, s, weight, err) < 0)
			return -1;
	}
	return 0;
}

int
fb_phrases_load(struct fb_phrases *ps, const char *path, struct fb_error *err)
{
	FILE *fp;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		fb_error_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			char *p = realloc(text, cap + 65536);

			if (p == NULL) {
				free(text);
				fclose(fp);
				fb_error_set(err, "%s: out of memory", path);
				return -1;
			}
			text = p;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		fb_error_set(err, "%s: %s", path, strerror(errno));
		free(text);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	rc = fb_phrases_load_mem(ps, path, text, len, err);
	free(text);
	return rc;
}

/*---- Compiling ----*/

static int
phrase_cmp(const struct fb_phrase *a, const struct fb_phrase *b)
{
	size_t i;

	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	if (a->bound != b->bound)
		return a->bound < b->bound ? -1 : 1;
	for (i = 0; i < a->ncps && i < b->ncps; i++)
		if (a->cps[i] != b->cps[i])
			return a->cps[i] < b->cps[i] ? -1 : 1;
	if (a->ncps != b->ncps)
		return a->ncps < b->ncps ? -1 : 1;
	return 0;
}

static const struct fb_phrase *sort_base;

static int
order_cmp(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = phrase_cmp(&sort_base[a], &sort_base[b]);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

int
fb_phrases_compile(struct fb_phrases *ps, struct fb_error *err)
{
	size_t *order, i, j, kept = 0;
	struct fb_phrase *out;
	struct fb_buf lex = { 0 };
	uint64_t h[2];

	if (ps->ac != NULL)
		return 0;
	order = malloc((ps->nphrases + 1) * sizeof(*order));
	out = malloc((ps->nphrases + 1) * sizeof(*out));
	if (order == NULL || out == NULL)
		goto nomem;
	for (i = 0; i < ps->nphrases; i++)
		order[i] = i;
	/*
	 * A phrase given again in the same section replaces the earlier one:
	 * keep the last of each run of equals, and drop weight 0.
	 */
	sort_base = ps->phrases;
	qsort(order, ps->nphrases, sizeof(*order), order_cmp);
	for (i = 0; i < ps->nphrases; i = j) {
		struct fb_phrase *last;

		for (j = i + 1; j < ps->nphrases &&
		    phrase_cmp(&ps->phrases[order[i]],
		    &ps->phrases[order[j]]) == 0; j++)
			;
		last = &ps->phrases[order[j - 1]];
		for (size_t k = i; k < j - 1; k++) {
			free(ps->phrases[order[k]].text);
			free(ps->phrases[order[k]].cps);
		}
		if (last->weight == 0) {
			free(last->text);
			free(last->cps);
			continue;
		}
		out[kept++] = *last;
	}
	free(ps->phrases);
	ps->phrases = out;
	ps->nphrases = kept;
	ps->phrases_cap = ps->nphrases + 1;
	out = NULL;

	if ((ps->ac = fb_ac_new()) == NULL)
		goto nomem;
	for (i = 0; i < ps->nphrases; i++) {
		const struct fb_phrase *ph = &ps->phrases[i];

		if (fb_ac_add(ps->ac, ph->cps, ph->ncps, (uint32_t)i) < 0)
			goto nomem;
		/*
		 * The model learnt with these phrases (the lexicon as
		 * features, every phrase as a word): fingerprint them.
		 */
		fb_buf_adds(&lex, ps->sections[ph->section].name);
		fb_buf_addc(&lex, '\t');
		fb_buf_add(&lex, ph->cps, ph->ncps * sizeof(uint32_t));
		fb_buf_printf(&lex, "\t%g\t%u\n", ph->weight, ph->bound);
	}
	if (lex.err || fb_ac_build(ps->ac) < 0)
		goto nomem;
	fb_hash128(lex.p, lex.len, 0, h);
	ps->lexicon_hash = h[0];
	fb_buf_release(&lex);
	free(order);
	return 0;
nomem:
	fb_buf_release(&lex);
	free(order);
	free(out);
	fb_error_set(err, "out of memory compiling the phrase rules");
	return -1;
}

/*---- Analysis ----*/

void
fb_analysis_init(struct fb_analysis *a)
{
	memset(a, 0, sizeof(*a));
}

void
fb_analysis_release(struct fb_analysis *a)
{
	fb_cps_release(&a->text);
	free(a->hits);
	free(a->score);
	free(a->counted);
	memset(a, 0, sizeof(*a));
}

struct scan_ctx {
	const struct fb_phrases *ps;
	struct fb_analysis *a;
};

static int
collect(void *arg, size_t end, uint32_t len, uint32_t value)
{
	struct scan_ctx *ctx = arg;
	struct fb_analysis *a = ctx->a;
	const struct fb_phrase *ph = &ctx->ps->phrases[value];
	size_t start = end - len;
	struct fb_hit *h;

	if ((ph->bound & FB_BOUND_LEFT) && start > 0 &&
	    is_word(a->text.cp[start - 1]))
		return 0;
	if ((ph->bound & FB_BOUND_RIGHT) && end < a->text.n &&
	    is_word(a->text.cp[end]))
		return 0;
	if (a->nhits == a->hits_cap) {
		size_t cap = a->hits_cap ? 2 * a->hits_cap : 64;

		if ((h = realloc(a->hits, cap * sizeof(*h))) == NULL)
			return -1;
		a->hits = h;
		a->hits_cap = cap;
	}
	h = &a->hits[a->nhits++];
	h->start = (uint32_t)start;
	h->end = (uint32_t)end;
	h->phrase = value;
	h->mult = 1;
	h->negated = 0;
	h->live = 1;
	h->focus = 0;
	h->degree_too = 0;
	h->tag_live = 1;
	return 0;
}

static int
hit_cmp(const void *pa, const void *pb)
{
	const struct fb_hit *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return a->phrase < b->phrase ? -1 : a->phrase > b->phrase;
}

/*
 * Whether a word at 'to' is within reach of one ending at 'from': no
 * clause break between, at most 'tokens' CJK characters or Latin words.
 */
static int
in_reach(const struct fb_cps *t, size_t from, size_t to, int tokens)
{
	size_t i;
	int n = 0;

	if (to < from || to - from > SCOPE_CPS)
		return 0;
	for (i = from; i < to; i++) {
		uint32_t c = t->cp[i];

		if (is_break(c))
			return 0;
		/* a word of letters, or any non-ASCII character but a space */
		if ((c >= 0x80 && c != 0x3000) || (is_word(c) && (i == from ||
		    !is_word(t->cp[i - 1]))))
			n++;
	}
	return n <= tokens;
}

struct reach {
	long start, end;
};

/* Whether a phrase seen before spans more than [s, e). */
static int
covers(const struct reach *r, long s, long e)
{
	return r->end > e || (r->end == e && r->start < s);
}

static void
widen(struct reach *r, long s, long e)
{
	if (e > r->end || (e == r->end && s < r->start)) {
		r->start = s;
		r->end = e;
	}
}

/* Whether hit i has the span of a degree word too ("好" in "好贵"). */
static int
same_span_degree(const struct fb_phrases *ps, const struct fb_analysis *a,
    size_t i)
{
	const struct fb_hit *h = &a->hits[i];
	size_t j;

	for (j = i; j-- > 0 && a->hits[j].start == h->start &&
	    a->hits[j].end == h->end; )
		if (ps->sections[ps->phrases[a->hits[j].phrase].section].kind ==
		    FB_PHRASE_DEGREE)
			return 1;
	for (j = i + 1; j < a->nhits && a->hits[j].start == h->start &&
	    a->hits[j].end == h->end; j++)
		if (ps->sections[ps->phrases[a->hits[j].phrase].section].kind ==
		    FB_PHRASE_DEGREE)
			return 1;
	return 0;
}

/* Whether a sentiment word starts where hit i ends. */
static int
sentiment_follows(const struct fb_phrases *ps, const struct fb_analysis *a,
    size_t i)
{
	size_t j;

	for (j = i + 1; j < a->nhits && a->hits[j].start <= a->hits[i].end;
	    j++) {
		enum fb_phrase_kind k =
		    ps->sections[ps->phrases[a->hits[j].phrase].section].kind;

		if (a->hits[j].start == a->hits[i].end && a->hits[j].live &&
		    (k == FB_PHRASE_POSITIVE || k == FB_PHRASE_NEGATIVE))
			return 1;
	}
	return 0;
}

static double
lex_log(double x)
{
	return log1p(x > 0 ? x : 0);
}

int
fb_analyze(const struct fb_phrases *ps, const char *text, size_t len,
    struct fb_analysis *a)
{
	struct scan_ctx ctx = { ps, a };
	/*
	 * How far the phrases seen so far reach, to find the ones inside:
	 * 'words' spans sentiment and non-negating phrases, 'lexicon' also
	 * degree and contrast words, 'any' every phrase.
	 */
	struct reach words = { -1, -1 }, lexicon = { -1, -1 }, any = { -1, -1 };
	struct reach tags = { -1, -1 }, emotions = { -1, -1 };
	long contrast_start = -1;
	long neg_end = -1, tag_neg_end = -1, degree_end = -1;
	float degree_mult = 1;
	struct { long end; unsigned char live, tag_live; } pending[PENDING_MAX];
	size_t npending = 0, i;
	double pos = 0, neg = 0, pos_f = 0, neg_f = 0, npos = 0, nneg = 0;
	size_t excl = 0, quest = 0;

	a->nhits = 0;
	a->focus = 0;
	memset(a->lex, 0, sizeof(a->lex));
	/* Never NULL, for the memset below: a rule set may have no section. */
	if (a->score == NULL || a->nscore < ps->nsections) {
		double *p = realloc(a->score, (ps->nsections + 1) *
		    sizeof(*p));

		if (p == NULL)
			return -1;
		a->score = p;
		a->nscore = ps->nsections;
	}
	memset(a->score, 0, a->nscore * sizeof(*a->score));
	if (a->ncounted < ps->nphrases || ++a->gen == 0) {
		uint32_t *c = realloc(a->counted, (ps->nphrases + 1) *
		    sizeof(*c));

		if (c == NULL)
			return -1;
		memset(c, 0, (ps->nphrases + 1) * sizeof(*c));
		a->counted = c;
		a->ncounted = ps->nphrases;
		a->gen = 1;
	}
	/* 4 bytes of UTF-8 at most per character: no need to decode more */
	if (len > 4 * (size_t)FB_ANALYZE_MAX_CPS)
		len = 4 * (size_t)FB_ANALYZE_MAX_CPS;
	if (fb_cps_set(&a->text, text, len) < 0)
		return -1;
	if (a->text.n > FB_ANALYZE_MAX_CPS)
		a->text.n = FB_ANALYZE_MAX_CPS;
	if (ps->ac == NULL)
		return -1;
	if (fb_ac_scan(ps->ac, a->text.cp, a->text.n, collect, &ctx) != 0)
		return -1;
	if (a->nhits > 1)
		qsort(a->hits, a->nhits, sizeof(*a->hits), hit_cmp);

	/*
	 * First pass, in order of start (longest first): which matches stand.
	 * A sentiment word inside a longer one ("好" in "不好") does not; a
	 * negator inside a longer lexicon phrase ("不" in "不错", "别" in
	 * "特别", "不" in "不过") is no negator.  Tags and emotions are read
	 * apart, each group with the longest match winning across its
	 * sections ("骑手态度" hides the 态度 of service staff), and for them
	 * any longer phrase cancels a negator inside it ("没收到" is lost, not
	 * negated); for sentiment, a tag phrase cancels nothing, so in "不新鲜"
	 * the 不 still turns 新鲜 around.
	 */
	for (i = 0; i < a->nhits; i++) {
		struct fb_hit *h = &a->hits[i];
		const struct fb_phrase *ph = &ps->phrases[h->phrase];
		enum fb_phrase_kind kind = ps->sections[ph->section].kind;
		long s = h->start, e = h->end;

		switch (kind) {
		case FB_PHRASE_POSITIVE:
		case FB_PHRASE_NEGATIVE:
			if (covers(&words, s, e))
				h->live = 0;
			else {
				widen(&words, s, e);
				widen(&lexicon, s, e);
				h->degree_too = same_span_degree(ps, a, i);
			}
			break;
		case FB_PHRASE_NONNEGATION:
			widen(&words, s, e);
			widen(&lexicon, s, e);
			break;
		case FB_PHRASE_NEGATION:
			if (covers(&lexicon, s, e))
				h->live = 0;
			h->tag_live = !covers(&any, s, e);
			break;
		case FB_PHRASE_DEGREE:
			if (covers(&words, s, e))
				h->live = 0;
			else
				widen(&lexicon, s, e);
			break;
		case FB_PHRASE_CONTRAST:
			if (covers(&words, s, e))
				h->live = 0;
			else {
				widen(&lexicon, s, e);
				if (e < (long)a->text.n && e > (long)a->focus)
					a->focus = (size_t)e;
			}
			break;
		case FB_PHRASE_TAG:
			if (covers(&tags, s, e))
				h->live = 0;
			widen(&tags, s, e);
			break;
		case FB_PHRASE_EMOTION:
			if (covers(&emotions, s, e))
				h->live = 0;
			widen(&emotions, s, e);
			break;
		}
		widen(&any, s, e);
	}

	/* Second pass: negation, degree and focus, then the sums. */
	for (i = 0; i < a->nhits; i++) {
		struct fb_hit *h = &a->hits[i];
		const struct fb_phrase *ph = &ps->phrases[h->phrase];
		enum fb_phrase_kind kind = ps->sections[ph->section].kind;
		size_t k, keep = 0;
		double v;

		/* Negators that ended by now open their scope. */
		for (k = 0; k < npending; k++) {
			if (pending[k].end <= (long)h->start) {
				if (pending[k].live && pending[k].end > neg_end)
					neg_end = pending[k].end;
				if (pending[k].tag_live &&
				    pending[k].end > tag_neg_end)
					tag_neg_end = pending[k].end;
			} else
				pending[keep++] = pending[k];
		}
		npending = keep;
		if (kind == FB_PHRASE_NEGATION) {
			if (!h->live && !h->tag_live)
				continue;
			if (npending == PENDING_MAX)
				npending--;
			pending[npending].end = h->end;
			pending[npending].live = h->live;
			pending[npending++].tag_live = h->tag_live;
			continue;
		}
		if (!h->live)
			continue;
		h->focus = a->focus > 0 && h->start >= a->focus;
		switch (kind) {
		case FB_PHRASE_DEGREE:
			degree_end = h->end;
			degree_mult = ph->weight;
			continue;
		case FB_PHRASE_CONTRAST:
			contrast_start = h->start;
			continue;
		case FB_PHRASE_NONNEGATION:
			continue;
		default:
			break;
		}
		if (kind == FB_PHRASE_TAG || kind == FB_PHRASE_EMOTION)
			h->negated = tag_neg_end >= 0 &&
			    contrast_start < tag_neg_end &&
			    in_reach(&a->text, (size_t)tag_neg_end, h->start,
			    NEGATION_TOKENS);
		else
			h->negated = neg_end >= 0 && contrast_start < neg_end &&
			    in_reach(&a->text, (size_t)neg_end, h->start,
			    NEGATION_TOKENS);
		if (degree_end >= 0 && in_reach(&a->text, (size_t)degree_end,
		    h->start, DEGREE_TOKENS))
			h->mult = degree_mult;
		/* "好贵": 好 is a degree word here, not praise. */
		if (h->degree_too && sentiment_follows(ps, a, i)) {
			h->live = 0;
			continue;
		}
		v = ph->weight * h->mult;
		/*
		 * "包装很好，但是送得太慢了" is a complaint: what follows the
		 * contrast word weighs three times what goes before it.
		 */
		if (a->focus > 0 && (kind == FB_PHRASE_POSITIVE ||
		    kind == FB_PHRASE_NEGATIVE))
			v *= h->focus ? 1.5 : 0.5;
		switch (kind) {
		case FB_PHRASE_TAG:
		case FB_PHRASE_EMOTION:
			/* A phrase is evidence once, however often it is said. */
			if (!h->negated && a->counted[h->phrase] != a->gen) {
				a->counted[h->phrase] = a->gen;
				a->score[ph->section] += ph->weight;
			}
			break;
		case FB_PHRASE_POSITIVE:
			/* "不好吃" is bad; "不难吃" is only faintly good. */
			if (h->negated) {
				npos++;
				neg += 0.8 * v;
				if (h->focus)
					neg_f += 0.8 * v;
			} else {
				pos += v;
				if (h->focus)
					pos_f += v;
			}
			a->score[ph->section] += h->negated ? -v : v;
			break;
		case FB_PHRASE_NEGATIVE:
			if (h->negated) {
				nneg++;
				pos += 0.3 * v;
				if (h->focus)
					pos_f += 0.3 * v;
			} else {
				neg += v;
				if (h->focus)
					neg_f += v;
			}
			a->score[ph->section] += h->negated ? -v : v;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < a->text.n; i++) {
		if (a->text.cp[i] == '!')
			excl++;
		else if (a->text.cp[i] == '?')
			quest++;
	}
	a->lex[FB_LEX_POS] = lex_log(pos);
	a->lex[FB_LEX_NEG] = lex_log(neg);
	a->lex[FB_LEX_POS_FOCUS] = lex_log(pos_f);
	a->lex[FB_LEX_NEG_FOCUS] = lex_log(neg_f);
	a->lex[FB_LEX_BALANCE] = (pos - neg) / (pos + neg + 1);
	a->lex[FB_LEX_NEGATED_POS] = lex_log(npos);
	a->lex[FB_LEX_NEGATED_NEG] = lex_log(nneg);
	a->lex[FB_LEX_EXCLAIM] = (excl > 3 ? 3 : (double)excl) / 3;
	a->lex[FB_LEX_QUESTION] = (quest > 3 ? 3 : (double)quest) / 3;
	a->lex[FB_LEX_CONTRAST] = a->focus > 0;
	a->lex[FB_LEX_LENGTH] = log1p((double)a->text.n) / 8;
	return 0;
}

/*---- The shipped rules ----*/

const char *const fb_phrase_files[] = {
	"lexicon.zh.rules", "lexicon.en.rules", "tags.zh.rules",
	"tags.en.rules", NULL
};

int
fb_phrases_load_defaults(struct fb_phrases *ps, struct fb_error *err)
{
	char path[4096];
	size_t i;

	for (i = 0; fb_phrase_files[i] != NULL; i++) {
		if (fb_config_find(fb_phrase_files[i], path, sizeof(path)) < 0) {
			fb_config_not_found(err, "the rule file",
			    fb_phrase_files[i]);
			return -1;
		}
		if (fb_phrases_load(ps, path, err) < 0)
			return -1;
	}
	return 0;
}

int
fb_phrases_setup(struct fb_phrases *ps, const char *const *extra,
    size_t nextra, struct fb_error *err)
{
	static const char fallback[] = "[praise]\n[other]\n";
	size_t i;

	fb_phrases_init(ps);
	if (fb_phrases_load_defaults(ps, err) < 0)
		return -1;
	for (i = 0; i < nextra; i++)
		if (fb_phrases_load(ps, extra[i], err) < 0)
			return -1;
	/* The fallback tags exist even when no rule file names them. */
	if (fb_phrases_load_mem(ps, "(built in)", fallback,
	    sizeof(fallback) - 1, err) < 0)
		return -1;
	return fb_phrases_compile(ps, err);
}
