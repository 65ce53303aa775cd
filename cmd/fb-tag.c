/*
 * fb-tag: adds tags, category, sentiment, emotion, lang and quality to
 * feedback records (DESIGN.md 2).
 *
 * Tags come from the phrase rules (fb_phrase.c), read by people; sentiment
 * from the trained model (fb_model.c) with the rules' lexicon as extra
 * evidence.  Lifecycle events and alerts pass through untouched, and a
 * second run replaces the fields of the first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_RULES = FB_OPT_TOOL,
	OPT_MODEL,
	OPT_EXPLAIN,
	OPT_NEUTRAL,
	OPT_CATEGORY_FIELD,
};

static const struct fb_opt opts[] = {
	{ 'r', "rules", "FILE", "add or override phrase rules (repeatable)" },
	{ 'm', "model", "FILE",
	    "a sentiment model, for its language (repeatable)" },
	{ 'e', "explain", NULL,
	    "print which phrases and features decided" },
	{ OPT_NEUTRAL, "neutral", "X",
	    "scores within -X..X are neutral (default 0.3)" },
	{ OPT_CATEGORY_FIELD, "category-field", "NAME",
	    "the product category (default product_category)" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_OUTPUT,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-tag [-equv] [--pretty] [--strict] [-r rules] [-m model] "
	    "[--neutral x] [--category-field name] [--reject file] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Tag feedback records with taxonomy tags, sentiment, emotion and "
	    "quality.",
	opts, NULL,
	"echo '{\"text\":\"送得太慢了，汤都洒了\"}' | fb-tag --explain"
};

#define MAX_MODELS	4
#define EMOTION_MIN	1.0	/* evidence for an emotion to be strong */
#define CONTRAST_SHIFT	1.0	/* log-odds per unit of the clause after it */
#define INQUIRY_DAMPING	0.3	/* log-odds kept for a question without feeling */

struct tagger {
	struct fb_phrases rules;
	struct fb_analysis an;
	struct fb_features feat;
	struct fb_model *models[MAX_MODELS];
	const char *model_paths[MAX_MODELS];
	char *owned_paths[2];	/* the shipped models' paths */
	size_t nmodels;
	const char *category_field;
	double neutral;
	int explain;
	long praise, other;	/* their sections, or -1 */
	long anger, disappointment, defective;
	struct fb_buf buf;
	unsigned long records;
};

/* What fb-tag decides for one record. */
struct verdict {
	const char *lang;
	const struct fb_model *model;
	double logit, score;
	const char *label;
	long tags[64];		/* sections, strongest first */
	size_t ntags;
	const char *category;
	long emotion;		/* section, or -1 */
	double quality;
	/* the parts of quality, for --explain */
	double q_length, q_detail, q_attach, q_specific;
	unsigned details;
};

enum detail {
	DETAIL_ORDER = 1 << 0,
	DETAIL_AMOUNT = 1 << 1,
	DETAIL_DATE = 1 << 2,
	DETAIL_STEPS = 1 << 3,
	DETAIL_MODEL = 1 << 4,
};

static const char *const detail_names[] = {
	"order number", "amount", "date or time", "steps", "model or code"
};

/*---- Models ----*/

static const struct fb_model *
model_for(const struct tagger *t, const char *lang, const struct fb_cps *text)
{
	const char *want = lang;
	size_t i;

	if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) {
		/* Other languages: the model of the script the text is in. */
		want = "en";
		for (i = 0; i < text->n; i++)
			if (text->cp[i] >= 0x3400 && text->cp[i] <= 0x9FFF) {
				want = "zh";
				break;
			}
	}
	for (i = 0; i < t->nmodels; i++)
		if (strcmp(t->models[i]->lang, want) == 0)
			return t->models[i];
	return t->nmodels > 0 ? t->models[0] : NULL;
}

static void
load_model(struct tagger *t, const char *path)
{
	struct fb_error err;
	struct fb_model *m;
	size_t i;

	if ((m = fb_model_load(path, &err)) == NULL)
		fb_diex("%s", err.msg);
	if (m->lexicon_hash != t->rules.lexicon_hash && fb_conf.verbose)
		fb_warnx("%s: trained with another lexicon than the rules "
		    "loaded now; retrain with fb-train for the best results",
		    path);
	for (i = 0; i < t->nmodels; i++)
		if (strcmp(t->models[i]->lang, m->lang) == 0) {
			fb_model_free(t->models[i]);
			t->models[i] = m;
			t->model_paths[i] = path;
			return;
		}
	if (t->nmodels == MAX_MODELS)
		fb_diex("too many models (at most %d)", MAX_MODELS);
	t->model_paths[t->nmodels] = path;
	t->models[t->nmodels++] = m;
}

/*---- Deciding ----*/

static int
is_problem_tag(const struct tagger *t, long sec)
{
	return t->rules.sections[sec].kind == FB_PHRASE_TAG &&
	    sec != t->praise && sec != t->other;
}

static size_t
category_len(const char *tag)
{
	const char *slash = strchr(tag, '/');

	return slash ? (size_t)(slash - tag) : strlen(tag);
}

/* Ties go to the more serious category. */
static const char *const severity[] = {
	"compliance", "order", "logistics", "product", "service",
	"marketing", "platform", "suggestion", NULL
};

static int
severity_rank(const char *tag)
{
	size_t len = category_len(tag), i;

	for (i = 0; severity[i] != NULL; i++)
		if (strlen(severity[i]) == len &&
		    strncmp(severity[i], tag, len) == 0)
			return (int)i;
	return (int)i;
}

static const struct tagger *sort_tagger;

static int
tag_cmp(const void *pa, const void *pb)
{
	long a = *(const long *)pa, b = *(const long *)pb;
	double sa = sort_tagger->an.score[a], sb = sort_tagger->an.score[b];

	if (sa != sb)
		return sa > sb ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void
decide_tags(const struct tagger *t, struct verdict *v)
{
	const struct fb_phrases *ps = &t->rules;
	const double *score = t->an.score;
	double cat_score[16] = { 0 }, best = 0, bad, praised;
	const char *cat_name[16];
	size_t ncat = 0, i, j;
	long sec;
	int praise = 0;

	v->ntags = 0;
	for (sec = 0; sec < (long)ps->nsections; sec++) {
		if (!is_problem_tag(t, sec) || score[sec] < 1 ||
		    v->ntags == sizeof(v->tags) / sizeof(v->tags[0]) - 2)
			continue;
		v->tags[v->ntags++] = sec;
	}
	sort_tagger = t;
	qsort(v->tags, v->ntags, sizeof(v->tags[0]), tag_cmp);

	/*
	 * Praise needs words of praise, and not a few in an angry text
	 * ("好评个鬼", a comparison with a better shop) -- however negative
	 * the rest, as a mixed record carries both; a text the model finds
	 * clearly positive with no complaint named is praise too.  A clear
	 * complaint that names no problem ("垃圾，后悔买了") is the taxonomy's
	 * general quality complaint, product/defective.
	 */
	bad = (t->anger >= 0 ? score[t->anger] : 0) +
	    (t->disappointment >= 0 ? score[t->disappointment] : 0);
	praised = t->praise >= 0 ? score[t->praise] : 0;
	if (praised >= 1 && !(praised < 2 && bad >= 1.5))
		praise = 1;
	if (v->ntags == 0 && !praise && v->score >= 0.6)
		praise = 1;
	/* "[other]" phrases name what is no feedback at all (a test message). */
	if (v->ntags == 0 && !praise && t->other >= 0 && score[t->other] >= 1)
		v->tags[v->ntags++] = t->other;
	if (v->ntags == 0 && !praise && t->defective >= 0 &&
	    (bad >= 1 || v->score <= -0.8))
		v->tags[v->ntags++] = t->defective;
	if (praise && t->praise >= 0)
		v->tags[v->ntags++] = t->praise;
	if (v->ntags == 0 && t->other >= 0)
		v->tags[v->ntags++] = t->other;

	/* The primary category: most evidence, then most serious. */
	for (i = 0; i < v->ntags; i++) {
		const char *name = ps->sections[v->tags[i]].name;
		size_t len = category_len(name);

		if (!is_problem_tag(t, v->tags[i]))
			continue;
		for (j = 0; j < ncat; j++)
			if (category_len(cat_name[j]) == len &&
			    strncmp(cat_name[j], name, len) == 0)
				break;
		if (j == ncat) {
			if (ncat == 16)
				continue;
			cat_name[ncat++] = name;
		}
		cat_score[j] += score[v->tags[i]];
	}
	v->category = NULL;
	for (j = 0; j < ncat; j++)
		if (v->category == NULL || cat_score[j] > best ||
		    (cat_score[j] == best &&
		    severity_rank(cat_name[j]) < severity_rank(v->category))) {
			v->category = cat_name[j];
			best = cat_score[j];
		}
	if (v->category == NULL)
		v->category = praise ? "praise" : "other";
}

static void
decide_emotion(const struct tagger *t, struct verdict *v)
{
	const struct fb_phrases *ps = &t->rules;
	double best = 0;
	long sec;

	v->emotion = -1;
	for (sec = 0; sec < (long)ps->nsections; sec++) {
		const char *name = ps->sections[sec].name;
		double s = t->an.score[sec];

		if (ps->sections[sec].kind != FB_PHRASE_EMOTION ||
		    s < EMOTION_MIN)
			continue;
		/* Anger and disappointment in a happy text are figures of speech. */
		if ((strcmp(name, "emotion/anger") == 0 && v->score > 0) ||
		    (strcmp(name, "emotion/disappointment") == 0 &&
		    v->score > 0.3))
			continue;
		if (s > best) {
			best = s;
			v->emotion = sec;
		}
	}
	/* A fiercely negative text shouted with "!!" is anger without cue words. */
	if (v->emotion < 0 && v->score <= -0.8 &&
	    t->an.lex[FB_LEX_EXCLAIM] >= 0.66)
		v->emotion = fb_phrases_section(ps, "emotion/anger");
}

static int
is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* Whether the words 'w' (UTF-8) stand at cp[i]. */
static int
word_at(const uint32_t *cp, size_t n, size_t i, const char *w)
{
	const unsigned char *u = (const unsigned char *)w;
	size_t k = 0;

	while (u[k] != '\0') {
		uint32_t c;

		if (u[k] < 0x80)
			c = u[k++];
		else {
			/* the word lists below hold ASCII and 3-byte CJK only */
			c = (uint32_t)(u[k] & 0x0F) << 12 |
			    (uint32_t)(u[k + 1] & 0x3F) << 6 | (u[k + 2] & 0x3F);
			k += 3;
		}
		if (i >= n || cp[i++] != c)
			return 0;
	}
	return 1;
}

/* Looks for the concrete details a handler can act on. */
static unsigned
find_details(const struct fb_cps *t)
{
	static const char *const step_words[] = {
		"步骤", "首先", "然后", "接着", "第一步", "第二步",
		"step", "steps to", "then i", "after that", NULL
	};
	const uint32_t *cp = t->cp;
	size_t n = t->n, i, k, run = 0;
	unsigned d = 0;

	for (i = 0; i < n; i++) {
		uint32_t c = cp[i], next = i + 1 < n ? cp[i + 1] : 0;

		if (is_digit(c)) {
			/* 8 digits or more: an order, tracking or phone number */
			if (++run >= 8)
				d |= DETAIL_ORDER;
			/* 元 块 % */
			if (next == 0x5143 || next == 0x5757 || next == '%')
				d |= DETAIL_AMOUNT;
			/* 月 日 号 点 : 分 小(时) 天 */
			if (next == 0x6708 || next == 0x65E5 ||
			    next == 0x53F7 || next == 0x70B9 || next == ':' ||
			    next == 0x5206 || next == 0x5C0F || next == 0x5929)
				d |= DETAIL_DATE;
			/* "2." or "2、" after a "1.": numbered steps */
			if (c == '2' && run == 1 && (next == '.' ||
			    next == 0x3001 || next == ')'))
				d |= DETAIL_STEPS;
		} else
			run = 0;
		if ((c == 0xA5 || c == '$' || c == 0xFFE5) && is_digit(next))
			d |= DETAIL_AMOUNT;
		/* a letter run glued to digits: a model, SKU or error code */
		if (c >= 'a' && c <= 'z' && is_digit(next))
			d |= DETAIL_MODEL;
		/* 步 首 然 接 第 s t a: the first letters of step_words */
		if (!(d & DETAIL_STEPS) && (c == 0x6B65 || c == 0x9996 ||
		    c == 0x7136 || c == 0x63A5 || c == 0x7B2C || c == 's' ||
		    c == 't' || c == 'a'))
			for (k = 0; step_words[k] != NULL; k++)
				if (word_at(cp, n, i, step_words[k])) {
					d |= DETAIL_STEPS;
					break;
				}
	}
	return d;
}

static void
decide_quality(const struct tagger *t, struct fb_rec *rec, struct verdict *v)
{
	const struct fb_cps *text = &t->an.text;
	double images = 0, videos = 0, chars = 0, full;
	unsigned d;
	size_t i;

	for (i = 0; i < text->n; i++)
		if (text->cp[i] != ' ')
			chars++;
	/* Chinese says in 60 characters what English says in 200. */
	full = strcmp(v->lang, "zh") == 0 ? 60 : 200;
	v->q_length = 0.4 * (chars >= full ? 1 : chars / full);
	/*
	 * Details the customer wrote; an order_id the channel filled in says
	 * nothing about how well the feedback was described.
	 */
	d = find_details(text);
	v->details = d;
	v->q_detail = 0;
	for (i = 0; i < 5; i++)
		if (d & (1u << i))
			v->q_detail += 0.1;
	if (v->q_detail > 0.3)
		v->q_detail = 0.3;
	if (fb_rec_get_num(rec, "attachments.images", &images) < 0 ||
	    !(images > 0))
		images = 0;
	if (fb_rec_get_num(rec, "attachments.videos", &videos) < 0 ||
	    !(videos > 0))
		videos = 0;
	v->q_attach = images + videos > 0 ?
	    (0.1 + 0.05 * (images + videos > 3 ? 3 : images + videos)) : 0;
	v->q_specific = 0;
	for (i = 0; i < v->ntags; i++)
		if (is_problem_tag(t, v->tags[i]))
			v->q_specific = 0.05;
	v->quality = v->q_length + v->q_detail + v->q_attach + v->q_specific;
	if (v->quality > 1)
		v->quality = 1;
	if (v->quality < 0 || text->n == 0)
		v->quality = v->q_attach;
}

/* Whether there is anything but blanks to score. */
static int
has_letters(const struct fb_cps *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->cp[i] != ' ' && t->cp[i] != '\t' && t->cp[i] != '\n' &&
		    t->cp[i] != '\r')
			return 1;
	return 0;
}

/* Decides everything for 'text'; 0, or -1 out of memory. */
static int
judge(struct tagger *t, struct fb_rec *rec, const char *text, size_t len,
    const char *lang, struct verdict *v)
{
	size_t catlen = 0;
	const char *cat;

	if (fb_analyze(&t->rules, text, len, &t->an) < 0)
		return -1;
	v->lang = lang;
	v->model = model_for(t, lang, &t->an.text);
	v->logit = 0;
	t->feat.n = 0;
	if (v->model != NULL && has_letters(&t->an.text)) {
		cat = fb_rec_get_str(rec, t->category_field, &catlen);
		if (fb_features_extract(v->model, &t->an, cat,
		    cat ? catlen : 0, &t->feat) < 0)
			return -1;
		v->logit = fb_model_logit(v->model, &t->an, &t->feat);
	}
	/*
	 * The clause after "但是" decides what a person hears.  The reviews
	 * the model learnt from often stay positive after a late "but"; a
	 * helpdesk reading "包装很好，但是送得太慢了" hears a complaint.
	 */
	if (t->an.focus > 0) {
		double shift = CONTRAST_SHIFT * (t->an.lex[FB_LEX_POS_FOCUS] -
		    t->an.lex[FB_LEX_NEG_FOCUS]);

		v->logit += shift;
	}
	/*
	 * A question with no sentiment word is an inquiry ("请问怎么改手机号？"),
	 * not a complaint, whatever the model learnt from reviews.
	 */
	if (t->an.lex[FB_LEX_QUESTION] > 0 && t->an.lex[FB_LEX_POS] == 0 &&
	    t->an.lex[FB_LEX_NEG] == 0)
		v->logit *= INQUIRY_DAMPING;
	v->score = tanh(v->logit / 2);
	v->label = v->score > t->neutral ? "positive" :
	    v->score < -t->neutral ? "negative" : "neutral";
	decide_tags(t, v);
	decide_emotion(t, v);
	decide_quality(t, rec, v);
	return 0;
}

/*---- Output ----*/

static int
set_field(struct fb_rec *rec, const char *key, struct fb_buf *b)
{
	if (b->err)
		return -1;
	return fb_rec_set_raw(rec, key, b->p, b->len);
}

static int
write_fields(struct tagger *t, struct fb_rec *rec, const struct verdict *v,
    int set_lang)
{
	struct fb_buf *b = &t->buf;
	size_t i;

	b->len = 0;
	fb_buf_addc(b, '[');
	for (i = 0; i < v->ntags; i++) {
		if (i > 0)
			fb_buf_addc(b, ',');
		fb_buf_json_str(b, t->rules.sections[v->tags[i]].name,
		    strlen(t->rules.sections[v->tags[i]].name));
	}
	fb_buf_addc(b, ']');
	if (set_field(rec, "tags", b) < 0)
		return -1;

	b->len = 0;
	fb_buf_json_str(b, v->category, category_len(v->category));
	if (set_field(rec, "category", b) < 0)
		return -1;

	b->len = 0;
	fb_buf_adds(b, "{\"label\":\"");
	fb_buf_adds(b, v->label);
	fb_buf_adds(b, "\",\"score\":");
	fb_buf_addnum(b, v->score, 3);
	fb_buf_addc(b, '}');
	if (set_field(rec, "sentiment", b) < 0)
		return -1;

	if (v->emotion >= 0) {
		const char *name = t->rules.sections[v->emotion].name + 8;

		b->len = 0;
		fb_buf_json_str(b, name, strlen(name));
		if (set_field(rec, "emotion", b) < 0)
			return -1;
	} else if (fb_rec_raw(rec, "emotion", &(struct fb_span){ 0 }) &&
	    fb_rec_del(rec, "emotion") < 0)
		return -1;

	if (set_lang && *v->lang != '\0') {
		b->len = 0;
		fb_buf_json_str(b, v->lang, strlen(v->lang));
		if (set_field(rec, "lang", b) < 0)
			return -1;
	}

	b->len = 0;
	fb_buf_addnum(b, v->quality, 2);
	return set_field(rec, "quality", b);
}

/*---- --explain ----*/

static void
explain_cps(struct fb_buf *b, const struct fb_cps *t, size_t start, size_t len)
{
	size_t i;

	for (i = start; i < start + len && i < t->n; i++) {
		uint32_t c = t->cp[i];

		/* No terminal control sequences from feedback text. */
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
			c = ' ';
		if (c < 0x80)
			fb_buf_addc(b, (int)c);
		else if (c < 0x800) {
			fb_buf_addc(b, (int)(0xC0 | c >> 6));
			fb_buf_addc(b, (int)(0x80 | (c & 0x3F)));
		} else if (c < 0x10000) {
			fb_buf_addc(b, (int)(0xE0 | c >> 12));
			fb_buf_addc(b, (int)(0x80 | (c >> 6 & 0x3F)));
			fb_buf_addc(b, (int)(0x80 | (c & 0x3F)));
		} else {
			fb_buf_addc(b, (int)(0xF0 | c >> 18));
			fb_buf_addc(b, (int)(0x80 | (c >> 12 & 0x3F)));
			fb_buf_addc(b, (int)(0x80 | (c >> 6 & 0x3F)));
			fb_buf_addc(b, (int)(0x80 | (c & 0x3F)));
		}
	}
}

static const char *const lex_names[FB_LEX_NFEATURES] = {
	"positive words", "negative words", "positive after contrast",
	"negative after contrast", "balance", "negated positive",
	"negated negative", "exclamation marks", "question marks",
	"contrast", "length"
};

struct contribution {
	double value;
	uint32_t origin;
};

static int
contribution_cmp(const void *pa, const void *pb)
{
	const struct contribution *a = pa, *b = pb;

	if (fabs(a->value) != fabs(b->value))
		return fabs(a->value) > fabs(b->value) ? -1 : 1;
	return a->origin < b->origin ? -1 : a->origin > b->origin;
}

static void
explain(struct tagger *t, const struct fb_pos *pos, const struct verdict *v)
{
	const struct fb_phrases *ps = &t->rules;
	const struct fb_analysis *a = &t->an;
	struct fb_buf b = { 0 };
	struct contribution *c = NULL;
	double ngram_sum = 0, lex_sum = 0;
	size_t i, shown;

	fb_buf_printf(&b, "%s:%lu\n", pos->file, pos->line);
	fb_buf_adds(&b, "  text: ");
	explain_cps(&b, &a->text, 0, a->text.n > 300 ? 300 : a->text.n);
	if (a->text.n > 300)
		fb_buf_adds(&b, "...");
	/* a record's own lang is kept, and it is data like the text */
	fb_buf_adds(&b, "\n  lang: ");
	if (*v->lang)
		fb_buf_add_clean(&b, v->lang, strlen(v->lang), 64);
	else
		fb_buf_adds(&b, "(none)");
	fb_buf_addc(&b, '\n');
	fb_buf_adds(&b, "  phrases:\n");
	for (i = 0; i < a->nhits; i++) {
		const struct fb_hit *h = &a->hits[i];
		const struct fb_phrase *ph = &ps->phrases[h->phrase];
		enum fb_phrase_kind kind = ps->sections[ph->section].kind;

		fb_buf_adds(&b, "    ");
		explain_cps(&b, &a->text, h->start, h->end - h->start);
		fb_buf_printf(&b, "  [%s] %g", ps->sections[ph->section].name,
		    ph->weight);
		if (!h->live)
			fb_buf_adds(&b, kind == FB_PHRASE_NEGATION ?
			    ", cancelled (part of a longer phrase)" :
			    ", ignored (inside a longer phrase)");
		else if (h->negated)
			fb_buf_adds(&b, ", negated");
		if (h->live && h->mult != 1)
			fb_buf_printf(&b, ", x%g (degree)", h->mult);
		if (h->live && h->focus)
			fb_buf_adds(&b, ", after contrast");
		fb_buf_printf(&b, "  (%s:%ld)\n", ph->file, ph->line);
	}
	if (a->nhits == 0)
		fb_buf_adds(&b, "    (none)\n");
	fb_buf_adds(&b, "  evidence:");
	shown = 0;
	for (i = 0; i < ps->nsections; i++)
		if ((ps->sections[i].kind == FB_PHRASE_TAG ||
		    ps->sections[i].kind == FB_PHRASE_EMOTION) &&
		    a->score[i] != 0) {
			fb_buf_printf(&b, " %s %.2f", ps->sections[i].name,
			    a->score[i]);
			shown++;
		}
	fb_buf_adds(&b, shown ? " (a tag needs 1)\n" : " none\n");
	fb_buf_adds(&b, "  tags:");
	for (i = 0; i < v->ntags; i++)
		fb_buf_printf(&b, " %s", ps->sections[v->tags[i]].name);
	fb_buf_printf(&b, "\n  category: %.*s\n", (int)category_len(v->category),
	    v->category);

	if (v->model != NULL && a->text.n > 0) {
		const struct fb_model *m = v->model;

		c = malloc((t->feat.n + 1) * sizeof(*c));
		for (i = 0; c != NULL && i < t->feat.n; i++) {
			c[i].value = m->w[t->feat.idx[i]] * (double)m->scale;
			c[i].origin = t->feat.origin[i];
			ngram_sum += c[i].value;
		}
		for (i = 0; i < FB_LEX_NFEATURES; i++)
			lex_sum += m->dense[i] * a->lex[i];
		fb_buf_printf(&b, "  sentiment: %s %.3f (log-odds %.3f = bias "
		    "%.3f + %zu features %.3f + lexicon %.3f)\n", v->label,
		    v->score, v->logit, m->bias, t->feat.n, ngram_sum, lex_sum);
		if (c != NULL) {
			qsort(c, t->feat.n, sizeof(*c), contribution_cmp);
			fb_buf_adds(&b, "    strongest features:");
			for (i = 0; i < t->feat.n && i < 10; i++) {
				uint32_t start = c[i].origin >> 12;
				uint32_t len = c[i].origin >> 4 & 0xFF;
				unsigned kind = c[i].origin & 0xF;

				fb_buf_adds(&b, i % 5 == 0 ? "\n      " : "  ");
				fb_buf_adds(&b, kind == FB_FEATURE_CATEGORY ?
				    "cat:" : kind == FB_FEATURE_FOCUS ?
				    "focus:" : kind == FB_FEATURE_PHRASE ?
				    "phrase:" : "");
				fb_buf_addc(&b, '"');
				explain_cps(&b, &a->text, start, len);
				fb_buf_printf(&b, "\" %+.2f", c[i].value);
			}
			fb_buf_addc(&b, '\n');
		}
		fb_buf_adds(&b, "    lexicon:");
		for (i = 0; i < FB_LEX_NFEATURES; i++)
			if (a->lex[i] != 0)
				fb_buf_printf(&b, " %s %.2f (%+.2f)",
				    lex_names[i], a->lex[i],
				    m->dense[i] * a->lex[i]);
		fb_buf_addc(&b, '\n');
		free(c);
	} else
		fb_buf_printf(&b, "  sentiment: %s %.3f (no text)\n",
		    v->label, v->score);
	if (v->emotion >= 0)
		fb_buf_printf(&b, "  emotion: %s\n",
		    ps->sections[v->emotion].name + 8);
	else
		fb_buf_adds(&b, "  emotion: none strong\n");
	fb_buf_printf(&b, "  quality: %.2f = length %.2f + details %.2f",
	    v->quality, v->q_length, v->q_detail);
	for (i = 0; i < 5; i++)
		if (v->details & (1u << i))
			fb_buf_printf(&b, "%s%s", i == 0 ||
			    !(v->details & ((1u << i) - 1)) ? " (" : ", ",
			    detail_names[i]);
	if (v->details)
		fb_buf_addc(&b, ')');
	fb_buf_printf(&b, " + attachments %.2f + specific tag %.2f\n\n",
	    v->q_attach, v->q_specific);
	if (!b.err)
		fb_out_write(&fb_stdout, b.p, b.len);
	fb_buf_release(&b);
}

/*---- The record loop ----*/

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct tagger *t = arg;
	struct verdict v;
	struct fb_span span;
	const char *text = "", *lang;
	size_t len = 0;
	int set_lang = 0;

	/* Events and alerts are not feedback: through as they came. */
	if (!fb_rec_is_feedback(rec))
		return t->explain ? FB_DROP : FB_EMIT;
	if (fb_rec_raw(rec, "text", &span) &&
	    (text = fb_rec_get_str(rec, "text", &len)) == NULL) {
		if (span.len == 4 && memcmp(span.p, "null", 4) == 0)
			text = "";
		else {
			fb_warnat(pos, "'text' is not a string");
			return FB_REJECT;
		}
	}
	if (text == NULL)
		text = "";
	lang = fb_rec_get_str(rec, "lang", NULL);
	if (lang == NULL || *lang == '\0') {
		lang = fb_text_lang(text, len);
		set_lang = 1;
	}
	if (judge(t, rec, text, len, lang, &v) < 0) {
		fb_warnx("out of memory");
		return FB_FATAL;
	}
	t->records++;
	if (t->explain) {
		explain(t, pos, &v);
		return FB_DROP;
	}
	if (write_fields(t, rec, &v, set_lang) < 0) {
		fb_warnx("out of memory");
		return FB_FATAL;
	}
	return FB_EMIT;
}

int
main(int argc, char *argv[])
{
	static const char *const default_models[] = {
		"sentiment.zh.model", "sentiment.en.model", NULL
	};
	struct tagger t;
	struct fb_error err;
	const char *arg, *rules[64], *models[MAX_MODELS];
	char path[4096];
	size_t nrules = 0, nmodels = 0, i;
	int opt, status;

	fb_cli_init("fb-tag");
	memset(&t, 0, sizeof(t));
	t.category_field = "product_category";
	t.neutral = 0.3;
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'r':
			if (nrules == sizeof(rules) / sizeof(rules[0]))
				fb_diex("too many --rules files");
			rules[nrules++] = arg;
			break;
		case 'm':
			if (nmodels == MAX_MODELS)
				fb_diex("too many --model files");
			models[nmodels++] = arg;
			break;
		case 'e':
			t.explain = 1;
			break;
		case OPT_NEUTRAL: {
			char *end;

			t.neutral = strtod(arg, &end);
			if (*end != '\0' || end == arg || !(t.neutral >= 0 &&
			    t.neutral < 1))
				fb_diex("bad --neutral '%s' (0 <= X < 1)", arg);
			break;
		}
		case OPT_CATEGORY_FIELD:
			t.category_field = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}

	if (fb_phrases_setup(&t.rules, rules, nrules, &err) < 0)
		fb_diex("%s", err.msg);
	t.praise = fb_phrases_section(&t.rules, "praise");
	t.other = fb_phrases_section(&t.rules, "other");
	t.anger = fb_phrases_section(&t.rules, "emotion/anger");
	t.disappointment = fb_phrases_section(&t.rules,
	    "emotion/disappointment");
	t.defective = fb_phrases_section(&t.rules, "product/defective");
	for (i = 0; i < nmodels; i++)
		load_model(&t, models[i]);
	for (i = 0; default_models[i] != NULL; i++) {
		size_t k;
		int have = 0;

		for (k = 0; k < t.nmodels; k++)
			if (strncmp(default_models[i] + 10, t.models[k]->lang,
			    2) == 0)
				have = 1;
		if (have)
			continue;
		if (fb_config_find(default_models[i], path, sizeof(path)) < 0) {
			fb_config_not_found(&err, "the model",
			    default_models[i]);
			fb_diex("%s; `make model` builds it", err.msg);
		}
		t.owned_paths[i] = fb_xstrdup(path);
		load_model(&t, t.owned_paths[i]);
	}
	fb_analysis_init(&t.an);
	fb_features_init(&t.feat);
	status = fb_each_record(argc - optind, argv + optind, on_record, &t);

	fb_buf_release(&t.buf);
	fb_features_release(&t.feat);
	fb_analysis_release(&t.an);
	for (i = 0; i < t.nmodels; i++)
		fb_model_free(t.models[i]);
	for (i = 0; i < 2; i++)
		free(t.owned_paths[i]);
	fb_phrases_release(&t.rules);
	return fb_cli_finish(status);
}
