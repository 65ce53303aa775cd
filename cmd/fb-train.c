/*
 * fb-train: fits the sentiment model that fb-tag applies, from labelled
 * NDJSON ({"text": ..., "label": 0/1 or negative/neutral/positive}).
 *
 * The model is logistic regression over the features of fb_model.c, with
 * each hashed feature scaled by its naive-Bayes log-count ratio before the
 * fit (Wang and Manning's NBSVM idea, which beats plain logistic regression
 * on review sentiment), trained by AdaGrad in a fixed shuffled order.
 * Everything is deterministic, so `make model` gives the same bytes from the
 * same data.  Texts are held in memory as feature lists (about 1.5 KB each).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fb.h"
#include "fb_cli.h"

enum {
	OPT_LANG = FB_OPT_TOOL,
	OPT_RULES,
	OPT_HOLDOUT,
	OPT_EPOCHS,
	OPT_BITS,
	OPT_NGRAMS,
	OPT_WORDS,
	OPT_NO_WORDS,
	OPT_CATEGORY_FIELD,
	OPT_TEST,
	OPT_RATE,
};

static const struct fb_opt opts[] = {
	{ 'o', "output", "MODEL", "write the model to MODEL (required)" },
	{ OPT_LANG, "lang", "LANG",
	    "zh or en (default: the most common)" },
	{ OPT_RULES, "rules", "FILE", "add or override phrase rules (repeatable)" },
	{ OPT_HOLDOUT, "holdout", "N",
	    "leave out every Nth line of each file, for testing" },
	{ OPT_TEST, "test", "FILE", "measure the model on the labelled FILE" },
	{ OPT_EPOCHS, "epochs", "N", "passes over the data (default 3)" },
	{ OPT_RATE, "rate", "R", "AdaGrad learning rate (default 0.03)" },
	{ OPT_BITS, "bits", "B",
	    "2^B hashed weights, 10-24 (default 21 zh, 18 en)" },
	{ OPT_NGRAMS, "ngrams", "MIN-MAX",
	    "character n-gram lengths (default 1-3 zh, 2-5 en)" },
	{ OPT_WORDS, "words", NULL, "add words and word pairs (default for en)" },
	{ OPT_NO_WORDS, "no-words", NULL, "no word features" },
	{ OPT_CATEGORY_FIELD, "category-field", "NAME",
	    "the product category (default product_category)" },
	FB_OPT_COMMON,
	FB_OPT_INPUT,
	FB_OPT_END
};

static const char *const usage[] = {
	"fb-train [-qv] -o model [--lang lang] [--rules file] [--holdout n] "
	    "[--test file] [--epochs n] [--rate r] [--bits b] "
	    "[--ngrams min-max] [--words | --no-words] "
	    "[--category-field name] [--reject file] [--strict] [file ...]",
	NULL
};

static const struct fb_tool tool = {
	usage,
	"Train the sentiment model fb-tag uses from labelled NDJSON.",
	opts, NULL,
	"fb-train --lang zh -o sentiment.zh.model labelled.ndjson.gz"
};

/* One labelled text, kept as what the model sees of it. */
struct doc {
	size_t off;		/* into the shared feature array */
	uint32_t n;
	float target;		/* 0 negative, 0.5 neutral, 1 positive */
	float lex[FB_LEX_NFEATURES];
	char lang[8];
};

struct trainer {
	struct fb_phrases rules;
	struct fb_analysis an;
	struct fb_features feat;
	struct fb_model *model;	/* the feature settings while reading */
	const char *category_field;
	const char *lang;	/* NULL: not fixed yet */
	long holdout;
	struct doc *docs;
	size_t ndocs, docs_cap;
	uint32_t *idx;
	size_t nidx, idx_cap;
	unsigned long skipped_lang, held_out;
	/* the --test pass */
	int testing;
	unsigned long tp, tn, fp, fn, tested, test_neutral;
};

/* Reads 'label'; returns 0 with the target, or -1. */
static int
read_label(struct fb_rec *rec, float *target)
{
	json_t *v = fb_rec_get(rec, "label");
	const char *s;

	if (v == NULL)
		return -1;
	if (json_is_integer(v) || json_is_real(v)) {
		double d = json_number_value(v);

		if (d == 0 || d == 1) {
			*target = (float)d;
			return 0;
		}
		return -1;
	}
	if (json_is_boolean(v)) {
		*target = json_is_true(v) ? 1 : 0;
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (strcmp(s, "negative") == 0 || strcmp(s, "neg") == 0 ||
	    strcmp(s, "0") == 0)
		*target = 0;
	else if (strcmp(s, "neutral") == 0)
		*target = 0.5f;
	else if (strcmp(s, "positive") == 0 || strcmp(s, "pos") == 0 ||
	    strcmp(s, "1") == 0)
		*target = 1;
	else
		return -1;
	return 0;
}

static const char *
record_lang(struct fb_rec *rec, const char *text, size_t len)
{
	const char *lang = fb_rec_get_str(rec, "lang", NULL);

	if (lang == NULL || *lang == '\0')
		lang = fb_text_lang(text, len);
	return lang;
}

/* Analyses the text and extracts its features into 'feat'. */
static int
featurize(struct trainer *t, struct fb_rec *rec, const char *text, size_t len)
{
	size_t catlen = 0;
	const char *cat = fb_rec_get_str(rec, t->category_field, &catlen);

	if (fb_analyze(&t->rules, text, len, &t->an) < 0 ||
	    fb_features_extract(t->model, &t->an, cat, cat ? catlen : 0,
	    &t->feat) < 0)
		return -1;
	return 0;
}

static int
add_doc(struct trainer *t, float target, const char *lang)
{
	struct doc *d;

	if (t->ndocs == t->docs_cap) {
		size_t cap = t->docs_cap ? 2 * t->docs_cap : 4096;

		if ((d = realloc(t->docs, cap * sizeof(*d))) == NULL)
			return -1;
		t->docs = d;
		t->docs_cap = cap;
	}
	if (t->idx_cap - t->nidx < t->feat.n) {
		size_t cap = t->idx_cap ? 2 * t->idx_cap : 1 << 20;
		uint32_t *p;

		while (cap - t->nidx < t->feat.n)
			cap *= 2;
		if ((p = realloc(t->idx, cap * sizeof(*p))) == NULL)
			return -1;
		t->idx = p;
		t->idx_cap = cap;
	}
	d = &t->docs[t->ndocs++];
	d->off = t->nidx;
	d->n = (uint32_t)t->feat.n;
	d->target = target;
	for (size_t i = 0; i < FB_LEX_NFEATURES; i++)
		d->lex[i] = (float)t->an.lex[i];
	snprintf(d->lang, sizeof(d->lang), "%s", lang);
	memcpy(t->idx + t->nidx, t->feat.idx, t->feat.n * sizeof(*t->idx));
	t->nidx += t->feat.n;
	return 0;
}

static int
on_record(struct fb_rec *rec, const struct fb_pos *pos, void *arg)
{
	struct trainer *t = arg;
	const char *text, *lang;
	size_t len;
	float target;

	if (!t->testing && t->holdout > 0 && pos->line % t->holdout == 0) {
		t->held_out++;
		return FB_DROP;
	}
	if ((text = fb_rec_get_str(rec, "text", &len)) == NULL) {
		fb_warnat(pos, "no 'text' string");
		return FB_REJECT;
	}
	if (read_label(rec, &target) < 0) {
		fb_warnat(pos, "no 'label' (0, 1, negative, neutral or "
		    "positive)");
		return FB_REJECT;
	}
	lang = record_lang(rec, text, len);
	if (t->lang != NULL && strcmp(lang, t->lang) != 0) {
		t->skipped_lang++;
		return FB_DROP;
	}
	if (featurize(t, rec, text, len) < 0) {
		fb_warnx("out of memory");
		return FB_FATAL;
	}
	if (t->testing) {
		double z = fb_model_logit(t->model, &t->an, &t->feat);

		t->tested++;
		if (target == 0.5f)
			t->test_neutral++;
		else if (target == 1)
			z >= 0 ? t->tp++ : t->fn++;
		else
			z < 0 ? t->tn++ : t->fp++;
		return FB_DROP;
	}
	if (add_doc(t, target, lang) < 0) {
		fb_warnx("out of memory");
		return FB_FATAL;
	}
	return FB_DROP;
}

/* splitmix64: a fixed sequence, so training is reproducible. */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Keeps the documents in the model's language (the most common one). */
static void
select_lang(struct trainer *t)
{
	struct { char lang[8]; size_t n; } seen[8];
	size_t nseen = 0, i, j, kept = 0, best = 0;

	if (t->lang == NULL) {
		for (i = 0; i < t->ndocs; i++) {
			for (j = 0; j < nseen; j++)
				/* j < nseen */
				/* cppcheck-suppress legacyUninitvar */
				if (strcmp(seen[j].lang, t->docs[i].lang) == 0)
					break;
			if (j == nseen && nseen < 8) {
				snprintf(seen[nseen].lang, 8, "%s",
				    t->docs[i].lang);
				seen[nseen++].n = 0;
			}
			if (j < nseen)
				seen[j].n++;
		}
		for (j = 1; j < nseen; j++)
			if (seen[j].n > seen[best].n)
				best = j;
		if (nseen == 0)
			return;
		snprintf(t->model->lang, sizeof(t->model->lang), "%s",
		    seen[best].lang);
	}
	for (i = 0; i < t->ndocs; i++) {
		if (strcmp(t->docs[i].lang, t->model->lang) == 0)
			t->docs[kept++] = t->docs[i];
		else
			t->skipped_lang++;
	}
	t->ndocs = kept;
}

struct fit_conf {
	long epochs;
	double rate;
};

/*
 * Fits the weights.  Features are binary; each is scaled by its NB ratio
 * r = log(p / |p|) - log(q / |q|) (with one smoothing count), and the final
 * weights have r folded in so fb-tag need not know it.
 */
static int
fit(struct trainer *t, const struct fit_conf *fc, double *train_accuracy)
{
	struct fb_model *m = t->model;
	size_t nw = (size_t)1 << m->bits, i, k;
	double *pc = calloc(nw, sizeof(*pc)), *qc = calloc(nw, sizeof(*qc));
	float *r = malloc(nw * sizeof(*r)), *w = calloc(nw, sizeof(*w));
	float *g = calloc(nw, sizeof(*g));
	double dense[FB_LEX_NFEATURES] = { 0 }, gdense[FB_LEX_NFEATURES] = { 0 };
	double bias = 0, gbias = 0, ps = 0, qs = 0, maxw = 0;
	const double l2 = 1e-6;
	size_t *order = malloc((t->ndocs + 1) * sizeof(*order));
	uint64_t rng = 1;
	unsigned long right = 0, polar = 0;
	long ep;
	int rc = -1;

	if (pc == NULL || qc == NULL || r == NULL || w == NULL || g == NULL ||
	    order == NULL)
		goto out;
	for (i = 0; i < t->ndocs; i++) {
		const struct doc *d = &t->docs[i];

		for (k = 0; k < d->n; k++) {
			pc[t->idx[d->off + k]] += d->target;
			qc[t->idx[d->off + k]] += 1 - d->target;
		}
	}
	for (i = 0; i < nw; i++) {
		ps += pc[i] + 1;
		qs += qc[i] + 1;
	}
	for (i = 0; i < nw; i++)
		r[i] = (float)(log((pc[i] + 1) / ps) - log((qc[i] + 1) / qs));

	for (i = 0; i < t->ndocs; i++)
		order[i] = i;
	for (ep = 0; ep < fc->epochs; ep++) {
		for (i = t->ndocs; i > 1; i--) {
			size_t j = next_random(&rng) % i, tmp = order[i - 1];

			order[i - 1] = order[j];
			order[j] = tmp;
		}
		for (i = 0; i < t->ndocs; i++) {
			const struct doc *d = &t->docs[order[i]];
			const uint32_t *f = t->idx + d->off;
			double z = bias, p, grad, gg;

			for (k = 0; k < d->n; k++)
				z += w[f[k]] * r[f[k]];
			for (k = 0; k < FB_LEX_NFEATURES; k++)
				z += dense[k] * d->lex[k];
			p = 1 / (1 + exp(-z));
			grad = p - d->target;
			for (k = 0; k < d->n; k++) {
				uint32_t j = f[k];

				gg = grad * r[j] + l2 * w[j];
				g[j] += (float)(gg * gg);
				w[j] -= (float)(fc->rate * gg / sqrt(g[j] + 1e-8));
			}
			for (k = 0; k < FB_LEX_NFEATURES; k++) {
				gg = grad * d->lex[k];
				gdense[k] += gg * gg;
				dense[k] -= fc->rate * gg / sqrt(gdense[k] + 1e-8);
			}
			gbias += grad * grad;
			bias -= fc->rate * grad / sqrt(gbias + 1e-8);
		}
	}

	/* Fold r in and quantise to 16 bits. */
	for (i = 0; i < nw; i++) {
		w[i] *= r[i];
		if (fabsf(w[i]) > maxw)
			maxw = fabsf(w[i]);
	}
	m->scale = maxw > 0 ? (float)(maxw / 32767) : 1;
	for (i = 0; i < nw; i++)
		m->w[i] = (int16_t)lrintf(w[i] / m->scale);
	m->bias = (float)bias;
	for (k = 0; k < FB_LEX_NFEATURES; k++)
		m->dense[k] = (float)dense[k];
	m->ndocs = t->ndocs;

	for (i = 0; i < t->ndocs; i++) {
		const struct doc *d = &t->docs[i];
		double z = m->bias, s = 0;

		if (d->target == 0.5f)
			continue;
		for (k = 0; k < d->n; k++)
			s += m->w[t->idx[d->off + k]];
		z += s * m->scale;
		for (k = 0; k < FB_LEX_NFEATURES; k++)
			z += m->dense[k] * d->lex[k];
		right += (z >= 0) == (d->target == 1);
		polar++;
	}
	*train_accuracy = polar ? (double)right / (double)polar : 0;
	rc = 0;
out:
	free(pc);
	free(qc);
	free(r);
	free(w);
	free(g);
	free(order);
	return rc;
}

static void
parse_ngrams(const char *arg, struct fb_model *m)
{
	char *end;
	long lo, hi;

	lo = strtol(arg, &end, 10);
	hi = lo;
	if (*end == '-')
		hi = strtol(end + 1, &end, 10);
	if (*end != '\0' || lo < 1 || hi < lo || hi > 8)
		fb_diex("bad --ngrams '%s' (MIN-MAX, 1 <= MIN <= MAX <= 8)",
		    arg);
	m->nmin = (unsigned)lo;
	m->nmax = (unsigned)hi;
}

/* F1 of one class from its counts. */
static double
f1(unsigned long tp, unsigned long fp, unsigned long fn)
{
	return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
}

int
main(int argc, char *argv[])
{
	struct trainer t;
	struct fb_model model;
	struct fit_conf fc = { 3, 0.03 };
	struct fb_error err;
	const char *arg, *output = NULL, *test = NULL;
	const char *rules[64];
	size_t nrules = 0;
	int opt, status, words = -1, bits = 0;
	double train_accuracy = 0;
	json_t *summary;

	fb_cli_init("fb-train");
	memset(&t, 0, sizeof(t));
	memset(&model, 0, sizeof(model));
	t.category_field = "product_category";
	while ((opt = fb_getopt(argc, argv, &tool, &arg)) != -1) {
		switch (opt) {
		case 'o':
			output = arg;
			break;
		case OPT_LANG:
			if (strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0)
				fb_diex("unknown --lang '%s' (zh or en)", arg);
			t.lang = arg;
			break;
		case OPT_RULES:
			if (nrules == sizeof(rules) / sizeof(rules[0]))
				fb_diex("too many --rules files");
			rules[nrules++] = arg;
			break;
		case OPT_HOLDOUT:
			t.holdout = fb_parse_long(arg, 2, 1000000, "--holdout");
			break;
		case OPT_TEST:
			test = arg;
			break;
		case OPT_EPOCHS:
			fc.epochs = fb_parse_long(arg, 1, 1000, "--epochs");
			break;
		case OPT_RATE: {
			char *end;

			/* atof took "0.5x" for 0.5 */
			fc.rate = strtod(arg, &end);
			if (end == arg || *end != '\0' ||
			    !(fc.rate > 0 && fc.rate <= 10))
				fb_diex("bad --rate '%s' (0 < R <= 10)", arg);
			break;
		}
		case OPT_BITS:
			bits = (int)fb_parse_long(arg, 10, 24, "--bits");
			break;
		case OPT_NGRAMS:
			parse_ngrams(arg, &model);
			break;
		case OPT_WORDS:
			words = 1;
			break;
		case OPT_NO_WORDS:
			words = 0;
			break;
		case OPT_CATEGORY_FIELD:
			t.category_field = arg;
			break;
		default:
			fb_usage(&tool);
		}
	}
	if (output == NULL)
		fb_diex("no model to write: give -o MODEL");
	if (test != NULL && strcmp(test, "-") != 0 && access(test, R_OK) < 0)
		fb_die("cannot read the --test file '%s'", test);

	if (fb_phrases_setup(&t.rules, rules, nrules, &err) < 0)
		fb_diex("%s", err.msg);

	/*
	 * Chinese and English want different features: characters carry
	 * Chinese, words carry English.  The language may only be known
	 * after reading, so the defaults are settled per text's script.
	 */
	if (t.lang != NULL)
		snprintf(model.lang, sizeof(model.lang), "%s", t.lang);
	{
		int en = t.lang != NULL && strcmp(t.lang, "en") == 0;

		model.bits = bits ? (unsigned)bits : en ? 18 : 21;
		if (model.nmin == 0) {
			model.nmin = en ? 2 : 1;
			model.nmax = en ? 5 : 3;
		}
		if (words < 0)
			words = en;
		model.flags = (words ? FB_MODEL_WORDS : 0) |
		    FB_MODEL_CATEGORY | FB_MODEL_FOCUS | FB_MODEL_PHRASES;
	}
	model.lexicon_hash = t.rules.lexicon_hash;
	t.model = &model;
	fb_analysis_init(&t.an);
	fb_features_init(&t.feat);

	status = fb_each_record(argc - optind, argv + optind, on_record, &t);
	if (status == FB_EXIT_ERROR)
		goto done;
	if (t.lang == NULL && t.ndocs > 0) {
		select_lang(&t);
		if (strcmp(model.lang, "en") == 0 && bits == 0)
			fb_warning("the texts are English: consider --lang en "
			    "for English features");
	} else
		select_lang(&t);
	if (t.ndocs == 0) {
		fb_warnx("no labelled texts to train on");
		status = FB_EXIT_ERROR;
		goto done;
	}
	/* fb-tag picks a model by the record's language: zh or en. */
	if (strcmp(model.lang, "zh") != 0 && strcmp(model.lang, "en") != 0) {
		fb_warnx("the texts are in '%s'; fb-train makes zh and en "
		    "models (use --lang)", *model.lang ? model.lang :
		    "no language");
		status = FB_EXIT_ERROR;
		goto done;
	}
	if ((model.w = calloc((size_t)1 << model.bits, sizeof(*model.w))) ==
	    NULL || fit(&t, &fc, &train_accuracy) < 0) {
		fb_warnx("out of memory");
		status = FB_EXIT_ERROR;
		goto done;
	}
	if (fb_model_save(&model, output, &err) < 0) {
		fb_warnx("%s", err.msg);
		status = FB_EXIT_ERROR;
		goto done;
	}
	fb_progress_written(1, "model written");
	if (fb_conf.verbose)
		fb_warnx("%s: %zu texts (%s), %lu held out, %lu in other "
		    "languages skipped", output, t.ndocs, model.lang,
		    t.held_out, t.skipped_lang);

	summary = json_pack("{s:s, s:s, s:I, s:I, s:I, s:f}",
	    "model", output, "lang", model.lang,
	    "texts", (json_int_t)t.ndocs, "held_out", (json_int_t)t.held_out,
	    "skipped", (json_int_t)t.skipped_lang,
	    "train_accuracy", round(train_accuracy * 10000) / 10000);
	if (test != NULL) {
		char *test_files[1] = { (char *)(uintptr_t)test };
		unsigned long n;
		int ts;

		t.testing = 1;
		t.lang = model.lang;
		t.skipped_lang = 0;
		ts = fb_each_record(1, test_files, on_record, &t);
		if (ts > status)
			status = ts;
		n = t.tp + t.tn + t.fp + t.fn;
		json_object_set_new(summary, "test", json_pack(
		    "{s:s, s:I, s:f, s:f}", "file", test,
		    "texts", (json_int_t)n,
		    "accuracy", n ? round(10000.0 * (t.tp + t.tn) / n) /
		    10000 : 0.0,
		    "macro_f1", round(10000 * (f1(t.tp, t.fp, t.fn) +
		    f1(t.tn, t.fn, t.fp)) / 2) / 10000));
	}
	if (summary != NULL) {
		char *s = json_dumps(summary, JSON_COMPACT | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(6));

		if (s != NULL) {
			fb_out_write(&fb_stdout, s, strlen(s));
			fb_out_end_record(&fb_stdout);
			free(s);
		}
		json_decref(summary);
	}
done:
	free(model.w);
	free(t.docs);
	free(t.idx);
	fb_features_release(&t.feat);
	fb_analysis_release(&t.an);
	fb_phrases_release(&t.rules);
	return fb_cli_finish(status);
}
