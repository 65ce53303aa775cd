/*
 * fb_model.c: the sentiment model shared by fb-train (which fits it) and
 * fb-tag (which applies it).
 *
 * The model is logistic regression over hashed features, so Chinese needs
 * no word segmenter: character n-grams of the normalised text, English
 * words and word pairs, n-grams joined with the product category (a word
 * like "慢" means one thing for food delivery and another for a water
 * heater), and the dense lexicon features of fb_analyze().  fb-train folds
 * its naive-Bayes feature scaling into the weights, so applying the model
 * is one sum.  The weights are stored as 16-bit integers with one scale,
 * which halves the file and the cache footprint at no measurable cost.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fb.h"

static const unsigned char model_magic[8] = "FBSENT\0\1";
#define MODEL_VERSION	1
#define HEADER_SIZE	64

/*
 * The feature hash is part of the file format: a model trained with one
 * hash means nothing to another, so it is written out here rather than
 * borrowed from a library that might change.
 */
static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int
is_token_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '\'' || (c >= 0xC0 && c <= 0x24F);
}

void
fb_features_init(struct fb_features *f)
{
	memset(f, 0, sizeof(*f));
}

void
fb_features_release(struct fb_features *f)
{
	free(f->idx);
	free(f->origin);
	free(f->set);
	free(f->set_gen);
	memset(f, 0, sizeof(*f));
}

/* Adds feature 'h' once per text, remembering where it came from. */
static int
feature_add(struct fb_features *f, uint64_t h, uint32_t mask, uint32_t start,
    uint32_t len, unsigned kind)
{
	uint32_t idx = (uint32_t)(mix64(h) & mask), slot;

	slot = (idx * 2654435761u) & (f->set_cap - 1);
	while (f->set_gen[slot] == f->gen) {
		if (f->set[slot] == idx)
			return 0;
		slot = (slot + 1) & (f->set_cap - 1);
	}
	f->set_gen[slot] = f->gen;
	f->set[slot] = idx;
	f->idx[f->n] = idx;
	f->origin[f->n] = start << 12 | (len & 0xFF) << 4 | kind;
	f->n++;
	return 0;
}

static int
features_reserve(struct fb_features *f, size_t want)
{
	size_t cap;

	if (want > f->cap) {
		uint32_t *a = realloc(f->idx, want * sizeof(*a));
		uint32_t *b;

		if (a == NULL)
			return -1;
		f->idx = a;
		if ((b = realloc(f->origin, want * sizeof(*b))) == NULL)
			return -1;
		f->origin = b;
		f->cap = want;
	}
	for (cap = 64; cap < 2 * want; cap *= 2)
		;
	/* A generation count empties the set without touching it. */
	if (cap > f->set_cap || ++f->gen == 0) {
		uint32_t *s = realloc(f->set, cap * sizeof(*s));
		uint32_t *g;

		if (s == NULL)
			return -1;
		f->set = s;
		if ((g = realloc(f->set_gen, cap * sizeof(*g))) == NULL)
			return -1;
		f->set_gen = g;
		memset(f->set_gen, 0, cap * sizeof(*g));
		f->set_cap = cap;
		f->gen = 1;
	}
	return 0;
}

int
fb_features_extract(const struct fb_model *m, const struct fb_analysis *a,
    const char *category, size_t catlen, struct fb_features *f)
{
	const uint32_t *cp = a->text.cp;
	size_t n = a->text.n, i, want;
	uint32_t mask = (1u << m->bits) - 1;
	uint64_t hc = 0;

	want = n * (m->nmax - m->nmin + 1) + 1;
	if (m->flags & FB_MODEL_WORDS)
		want += 2 * n;
	if ((m->flags & FB_MODEL_CATEGORY) && catlen > 0)
		want += 2 * n + 1;
	if (m->flags & FB_MODEL_FOCUS)
		want += 2 * n;
	if (m->flags & FB_MODEL_PHRASES)
		want += a->nhits;
	if (features_reserve(f, want + 8) < 0)
		return -1;
	f->n = 0;

	for (i = 0; i < n; i++) {
		uint64_t h = 0x9e3779b97f4a7c15ULL;
		unsigned l;

		for (l = 1; l <= m->nmax && i + l <= n; l++) {
			h = mix64(h ^ cp[i + l - 1]) + l;
			if (l >= m->nmin)
				feature_add(f, h, mask, (uint32_t)i, l,
				    FB_FEATURE_NGRAM);
		}
	}
	if (m->flags & FB_MODEL_WORDS) {
		uint64_t prev = 0;
		size_t prev_start = 0;

		i = 0;
		while (i < n) {
			size_t start;
			uint64_t h = 77;

			while (i < n && !is_token_char(cp[i]))
				i++;
			if (i >= n)
				break;
			for (start = i; i < n && is_token_char(cp[i]); i++)
				h = mix64(h ^ cp[i]);
			feature_add(f, h ^ 0xabc, mask, (uint32_t)start,
			    (uint32_t)(i - start), FB_FEATURE_WORD);
			if (prev != 0)
				feature_add(f, prev * 31 + h, mask,
				    (uint32_t)prev_start,
				    (uint32_t)(i - prev_start),
				    FB_FEATURE_WORD);
			prev = h;
			prev_start = start;
		}
	}
	/* The clause after "但是" decides: its n-grams count apart. */
	if ((m->flags & FB_MODEL_FOCUS) && a->focus > 0) {
		for (i = a->focus; i < n; i++) {
			uint64_t h = 0x51ed270b27d2e3c1ULL;
			unsigned l;

			for (l = 1; l <= 2 && i + l <= n; l++) {
				h = mix64(h ^ cp[i + l - 1]) + l;
				feature_add(f, h, mask, (uint32_t)i, l,
				    FB_FEATURE_FOCUS);
			}
		}
	}
	/*
	 * The rule files' phrases as words, with their negation and place:
	 * a dictionary segmentation of the text for free.
	 */
	if (m->flags & FB_MODEL_PHRASES) {
		for (i = 0; i < a->nhits; i++) {
			const struct fb_hit *hit = &a->hits[i];
			uint64_t h = 0x2545f4914f6cdd1dULL;
			uint32_t k;

			if (!hit->live)
				continue;
			for (k = hit->start; k < hit->end; k++)
				h = mix64(h ^ cp[k]);
			h += (uint64_t)hit->negated << 1 | hit->focus;
			feature_add(f, h, mask, hit->start,
			    hit->end - hit->start, FB_FEATURE_PHRASE);
		}
	}
	if ((m->flags & FB_MODEL_CATEGORY) && catlen > 0) {
		hc = 5;
		for (i = 0; i < catlen; i++)
			hc = mix64(hc ^ (unsigned char)category[i]);
		feature_add(f, hc, mask, 0, 0, FB_FEATURE_CATEGORY);
		for (i = 0; i + 1 < n; i++)
			feature_add(f, mix64(mix64(hc ^ cp[i]) ^ cp[i + 1]) + 9,
			    mask, (uint32_t)i, 2, FB_FEATURE_CATEGORY);
		for (i = 0; i < n; i++)
			feature_add(f, mix64(hc ^ cp[i] ^ 0x77777) + 3,
			    mask, (uint32_t)i, 1, FB_FEATURE_CATEGORY);
	}
	return 0;
}

double
fb_model_logit(const struct fb_model *m, const struct fb_analysis *a,
    const struct fb_features *f)
{
	double z = m->bias, s = 0;
	size_t i;

	for (i = 0; i < f->n; i++)
		s += m->w[f->idx[i]];
	z += s * m->scale;
	for (i = 0; i < FB_LEX_NFEATURES; i++)
		z += m->dense[i] * a->lex[i];
	return z;
}

/*---- The file ----*/

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v & 0xFF;
	p[1] = v >> 8 & 0xFF;
	p[2] = v >> 16 & 0xFF;
	p[3] = v >> 24 & 0xFF;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void
putf(unsigned char *p, float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	put32(p, v);
}

static float
getf(const unsigned char *p)
{
	uint32_t v = get32(p);
	float f;

	memcpy(&f, &v, sizeof(f));
	return f;
}

static size_t
model_size(unsigned bits)
{
	return HEADER_SIZE + 4 * FB_LEX_NFEATURES + 2 * ((size_t)1 << bits) +
	    4;
}

int
fb_model_save(const struct fb_model *m, const char *path,
    struct fb_error *err)
{
	size_t size = model_size(m->bits), i, n = (size_t)1 << m->bits;
	unsigned char *buf, *p;
	char tmp[4096];
	FILE *fp;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		fb_error_set(err, "%s: name too long", path);
		return -1;
	}
	if ((buf = calloc(1, size)) == NULL) {
		fb_error_set(err, "%s: out of memory", path);
		return -1;
	}
	memcpy(buf, model_magic, 8);
	put32(buf + 8, MODEL_VERSION);
	memcpy(buf + 12, m->lang, sizeof(m->lang));
	put32(buf + 20, m->bits);
	put32(buf + 24, m->nmin);
	put32(buf + 28, m->nmax);
	put32(buf + 32, m->flags);
	put32(buf + 36, FB_LEX_NFEATURES);
	put64(buf + 40, m->lexicon_hash);
	put64(buf + 48, m->ndocs);
	putf(buf + 56, m->bias);
	putf(buf + 60, m->scale);
	p = buf + HEADER_SIZE;
	for (i = 0; i < FB_LEX_NFEATURES; i++, p += 4)
		putf(p, m->dense[i]);
	for (i = 0; i < n; i++, p += 2) {
		uint16_t v = (uint16_t)m->w[i];

		p[0] = v & 0xFF;
		p[1] = v >> 8;
	}
	put32(p, (uint32_t)crc32(0, buf, (uInt)(size - 4)));

	if ((fp = fopen(tmp, "wb")) == NULL) {
		fb_error_set(err, "cannot write '%s': %s", path,
		    strerror(errno));
		free(buf);
		return -1;
	}
	ok = fwrite(buf, 1, size, fp) == size;
	ok = (fflush(fp) == 0 && fsync(fileno(fp)) == 0) && ok;
	ok = fclose(fp) == 0 && ok;
	free(buf);
	if (!ok || rename(tmp, path) < 0) {
		fb_error_set(err, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct fb_model *
fb_model_load(const char *path, struct fb_error *err)
{
	struct fb_model *m = NULL;
	unsigned char head[HEADER_SIZE], *buf = NULL, *p;
	size_t size, i, n;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL) {
		fb_error_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fread(head, 1, HEADER_SIZE, fp) != HEADER_SIZE ||
	    memcmp(head, model_magic, 8) != 0) {
		fb_error_set(err, "%s: not an fb sentiment model", path);
		goto fail;
	}
	if (get32(head + 8) != MODEL_VERSION) {
		fb_error_set(err, "%s: model version %u, this fb reads %d "
		    "(retrain it with fb-train)", path, get32(head + 8),
		    MODEL_VERSION);
		goto fail;
	}
	if (get32(head + 20) < 10 || get32(head + 20) > 26 ||
	    get32(head + 24) < 1 || get32(head + 28) < get32(head + 24) ||
	    get32(head + 28) > 8 || get32(head + 36) != FB_LEX_NFEATURES) {
		fb_error_set(err, "%s: model header out of range", path);
		goto fail;
	}
	size = model_size(get32(head + 20));
	if ((buf = malloc(size)) == NULL ||
	    (m = calloc(1, sizeof(*m))) == NULL) {
		fb_error_set(err, "%s: out of memory", path);
		goto fail;
	}
	memcpy(buf, head, HEADER_SIZE);
	if (fread(buf + HEADER_SIZE, 1, size - HEADER_SIZE, fp) !=
	    size - HEADER_SIZE || fgetc(fp) != EOF) {
		fb_error_set(err, "%s: model file truncated or too long",
		    path);
		goto fail;
	}
	if (get32(buf + size - 4) != (uint32_t)crc32(0, buf,
	    (uInt)(size - 4))) {
		fb_error_set(err, "%s: model checksum mismatch (damaged file)",
		    path);
		goto fail;
	}
	memcpy(m->lang, buf + 12, sizeof(m->lang));
	m->lang[sizeof(m->lang) - 1] = '\0';
	m->bits = get32(buf + 20);
	m->nmin = get32(buf + 24);
	m->nmax = get32(buf + 28);
	m->flags = get32(buf + 32);
	m->lexicon_hash = get64(buf + 40);
	m->ndocs = get64(buf + 48);
	m->bias = getf(buf + 56);
	m->scale = getf(buf + 60);
	p = buf + HEADER_SIZE;
	for (i = 0; i < FB_LEX_NFEATURES; i++, p += 4)
		m->dense[i] = getf(p);
	n = (size_t)1 << m->bits;
	if ((m->w = malloc(n * sizeof(*m->w))) == NULL) {
		fb_error_set(err, "%s: out of memory", path);
		goto fail;
	}
	for (i = 0; i < n; i++, p += 2)
		m->w[i] = (int16_t)(uint16_t)(p[0] | p[1] << 8);
	free(buf);
	fclose(fp);
	return m;
fail:
	free(buf);
	if (m != NULL)
		free(m->w);
	free(m);
	fclose(fp);
	return NULL;
}

void
fb_model_free(struct fb_model *m)
{
	if (m == NULL)
		return;
	free(m->w);
	free(m);
}
