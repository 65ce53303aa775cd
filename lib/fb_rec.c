/*
 * fb_rec.c: the record type every stage reads and writes.
 *
 * A record is its input line plus a table of where each top-level member
 * sits in it.  Reads decode only what is asked for; writes are kept as
 * edits and spliced into the original bytes on output, so the fields a
 * stage does not own leave exactly as they came (DESIGN.md section 6).
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"

struct fb_rec_edit {
	char *key;
	size_t keylen;
	char *json;		/* NULL: delete the field */
	size_t jlen;
	int done;		/* written while splicing */
};

struct fb_rec_cached {
	char *long_path;	/* NULL: the path fits 'path', no allocation */
	char path[48];
	json_t *val;		/* decoded on demand by fb_rec_get() */
	const char *str;	/* a string decoded into rec->strs, or NULL */
	size_t slen;
};

/* The cache array moves when it grows, so short paths live inside it, not behind a pointer. */
static const char *
cached_path(const struct fb_rec_cached *c)
{
	return c->long_path != NULL ? c->long_path : c->path;
}

void
fb_rec_init(struct fb_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
}

static void
clear_line_state(struct fb_rec *rec)
{
	size_t k;

	for (k = 0; k < rec->nedits; k++) {
		free(rec->edits[k].key);
		free(rec->edits[k].json);
	}
	rec->nedits = 0;
	for (k = 0; k < rec->ncache; k++) {
		free(rec->cache[k].long_path);
		json_decref(rec->cache[k].val);
	}
	rec->ncache = 0;
	rec->strs.len = 0;
}

void
fb_rec_release(struct fb_rec *rec)
{
	clear_line_state(rec);
	free(rec->members);
	free(rec->edits);
	free(rec->cache);
	fb_buf_release(&rec->out);
	fb_buf_release(&rec->strs);
	fb_rec_init(rec);
}

int
fb_rec_parse(struct fb_rec *rec, const char *line, size_t len,
    struct fb_error *err)
{
	int type;

	clear_line_state(rec);
	rec->line = line;
	rec->len = len;
	type = fb_json_scan(line, len, &rec->members, &rec->nmembers,
	    &rec->members_cap, err);
	if (type < 0)
		return -1;
	if (type != JSON_OBJECT) {
		rec->nmembers = 0;
		fb_error_set(err, "not a JSON object");
		if (err != NULL)
			err->col = 0;
		return -1;
	}
	return 0;
}

/* Whether member 'm' is named 'key': plain keys, nearly all, compared here. */
static inline int
key_is(const struct fb_member *m, const char *key, size_t keylen)
{
	if (m->key_escaped)
		return fb_json_key_eq(m, key, keylen);
	return m->key.len == keylen && (keylen == 0 || (m->key.p[0] == key[0] &&
	    memcmp(m->key.p, key, keylen) == 0));
}

/* The last top-level member named 'key' (jq's rule for repeated keys). */
static const struct fb_member *
top_member(const struct fb_rec *rec, const char *key, size_t keylen)
{
	size_t k = rec->nmembers;

	while (k-- > 0)
		if (key_is(&rec->members[k], key, keylen))
			return &rec->members[k];
	return NULL;
}

int
fb_rec_raw(struct fb_rec *rec, const char *path, struct fb_span *val)
{
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	const struct fb_member *m = top_member(rec, path, n);
	struct fb_span cur;

	if (m == NULL)
		return 0;
	cur = m->val;
	while (dot != NULL) {
		path = dot + 1;
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (!fb_json_member(cur, path, n, &cur))
			return 0;
	}
	*val = cur;
	return 1;
}

/* The cache entry of 'path', made (empty) when there is none; NULL when out of memory. */
static struct fb_rec_cached *
cache_entry(struct fb_rec *rec, const char *path)
{
	struct fb_rec_cached *c;
	size_t k;

	for (k = 0; k < rec->ncache; k++)
		if (strcmp(cached_path(&rec->cache[k]), path) == 0)
			return &rec->cache[k];
	if (rec->ncache == rec->cache_cap) {
		size_t ncap = rec->cache_cap ? rec->cache_cap * 2 : 8;

		c = realloc(rec->cache, ncap * sizeof(*c));
		if (c == NULL)
			return NULL;
		rec->cache = c;
		rec->cache_cap = ncap;
	}
	c = &rec->cache[rec->ncache];
	memset(c, 0, sizeof(*c));
	if (strlen(path) < sizeof(c->path))
		strcpy(c->path, path);
	else if ((c->long_path = strdup(path)) == NULL)
		return NULL;
	rec->ncache++;
	return c;
}

json_t *
fb_rec_get(struct fb_rec *rec, const char *path)
{
	struct fb_span v;
	struct fb_rec_cached *c;

	if (!fb_rec_raw(rec, path, &v) || (c = cache_entry(rec, path)) == NULL)
		return NULL;
	if (c->val == NULL)
		c->val = fb_json_decode(v);
	return c->val;
}

/*
 * Strings are decoded straight from the line into rec->strs, jansson
 * aside: aggregating tools read a dozen per record.  The buffer gets room
 * for the whole line before the record's first string, and decoding only
 * shortens, so it never moves while strings point into it; a path that
 * would not fit (the same bytes named twice) takes the jansson way.
 */
const char *
fb_rec_get_str(struct fb_rec *rec, const char *path, size_t *len)
{
	struct fb_span v;
	struct fb_rec_cached *c;
	const char *s;
	char *to;
	long n;

	if (!fb_rec_raw(rec, path, &v) || v.len < 2 || *v.p != '"' ||
	    (c = cache_entry(rec, path)) == NULL)
		return NULL;
	if (c->str == NULL && c->val == NULL) {
		if (rec->strs.len == 0 && fb_buf_grow(&rec->strs, rec->len + 1) < 0)
			return NULL;
		if (rec->strs.cap - rec->strs.len >= v.len) {
			to = rec->strs.p + rec->strs.len;
			if ((n = fb_json_string(v, to, v.len - 1, &s)) < 0)
				return NULL;
			if (s != to)
				memcpy(to, s, (size_t)n);
			to[n] = '\0';
			rec->strs.len += (size_t)n + 1;
			c->str = to;
			c->slen = (size_t)n;
		} else if ((c->val = fb_json_decode(v)) == NULL)
			return NULL;
	}
	if (c->str == NULL) {
		if (!json_is_string(c->val))
			return NULL;
		c->str = json_string_value(c->val);
		c->slen = json_string_length(c->val);
	}
	if (len != NULL)
		*len = c->slen;
	return c->str;
}

int
fb_rec_get_num(struct fb_rec *rec, const char *path, double *num)
{
	json_t *v = fb_rec_get(rec, path);

	if (!json_is_number(v))
		return -1;
	*num = json_number_value(v);
	return 0;
}

size_t
fb_rec_get_tags(struct fb_rec *rec, char tags[][FB_TAG_MAX], size_t max)
{
	struct fb_span arr, elem;
	size_t pos = 0, n = 0;
	const char *s;
	long len;

	if (!fb_rec_raw(rec, "tags", &arr) || arr.len == 0 || arr.p[0] != '[')
		return 0;
	while (n < max && fb_json_array_next(arr, &pos, &elem) > 0) {
		len = fb_json_string(elem, tags[n], FB_TAG_MAX - 1, &s);
		if (len < 0 || len >= FB_TAG_MAX)
			continue;
		/* unescaped strings are pointed at, not copied */
		if (s != tags[n])
			memmove(tags[n], s, (size_t)len);
		tags[n++][len] = '\0';
	}
	return n;
}

static int
set_edit(struct fb_rec *rec, const char *key, char *json, size_t jlen)
{
	struct fb_rec_edit *e;
	size_t k;

	for (k = 0; k < rec->nedits; k++)
		if (strcmp(rec->edits[k].key, key) == 0) {
			free(rec->edits[k].json);
			rec->edits[k].json = json;
			rec->edits[k].jlen = jlen;
			return 0;
		}
	if (rec->nedits == rec->edits_cap) {
		size_t ncap = rec->edits_cap ? rec->edits_cap * 2 : 8;

		e = realloc(rec->edits, ncap * sizeof(*e));
		if (e == NULL)
			goto fail;
		rec->edits = e;
		rec->edits_cap = ncap;
	}
	e = &rec->edits[rec->nedits];
	if ((e->key = strdup(key)) == NULL)
		goto fail;
	e->keylen = strlen(key);
	e->json = json;
	e->jlen = jlen;
	rec->nedits++;
	return 0;
fail:
	free(json);
	return -1;
}

int
fb_rec_set_new(struct fb_rec *rec, const char *key, json_t *val)
{
	char *json;

	if (val == NULL)
		return -1;
	json = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(15));
	json_decref(val);
	if (json == NULL)
		return -1;
	return set_edit(rec, key, json, strlen(json));
}

int
fb_rec_set_raw(struct fb_rec *rec, const char *key, const char *json,
    size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, json, len);
	copy[len] = '\0';
	return set_edit(rec, key, copy, len);
}

int
fb_rec_del(struct fb_rec *rec, const char *key)
{
	return set_edit(rec, key, NULL, 0);
}

/*---- Writing ----*/

/* Writes '"key":' for a key a tool owns. */
static void
put_key(struct fb_buf *b, const char *key)
{
	fb_buf_json_str(b, key, strlen(key));
	fb_buf_addc(b, ':');
}

static struct fb_rec_edit *
edit_for(struct fb_rec *rec, const struct fb_member *m)
{
	size_t k;

	for (k = 0; k < rec->nedits; k++)
		if (key_is(m, rec->edits[k].key, rec->edits[k].keylen))
			return &rec->edits[k];
	return NULL;
}

/*
 * Builds the record with its edits in 'b', keeping every byte between
 * the members it does not touch (spaces after commas, before the closing
 * brace) as the line had them.
 */
static int
splice(struct fb_rec *rec, struct fb_buf *b)
{
	const char *line = rec->line, *end = rec->line + rec->len;
	const char *open, *prev, *close;
	int first = 1;
	size_t k;

	for (k = 0; k < rec->nedits; k++)
		rec->edits[k].done = 0;
	b->len = 0;
	for (open = line; open < end && *open != '{'; open++)
		;
	for (close = end; close > open && close[-1] != '}'; close--)
		;
	if (open == end || close == open)
		return -1;	/* fb_rec_parse() made sure of both */
	close--;
	fb_buf_add(b, line, (size_t)(open + 1 - line));
	prev = open + 1;
	for (k = 0; k < rec->nmembers; k++) {
		const struct fb_member *m = &rec->members[k];
		struct fb_rec_edit *e = edit_for(rec, m);
		const char *from = m->key.p - 1, *gap = prev;

		prev = m->val.p + m->val.len;
		/*
		 * Only the last occurrence of a repeated key is the value
		 * readers see; it takes the new value and the others go, so
		 * the field is never duplicated.
		 */
		if (e != NULL && (e->json == NULL ||
		    top_member(rec, e->key, e->keylen) != m))
			continue;
		/* the separator before it: its comma only when one came before */
		if (first) {
			const char *c = memchr(gap, ',', (size_t)(from - gap));

			if (c != NULL)
				gap = c + 1;
		}
		fb_buf_add(b, gap, (size_t)(from - gap));
		if (e != NULL) {
			e->done = 1;
			put_key(b, e->key);
			fb_buf_add(b, e->json, e->jlen);
		} else
			fb_buf_add(b, from, (size_t)(prev - from));
		first = 0;
	}
	for (k = 0; k < rec->nedits; k++) {
		struct fb_rec_edit *e = &rec->edits[k];

		if (e->done || e->json == NULL)
			continue;
		if (!first)
			fb_buf_addc(b, ',');
		put_key(b, e->key);
		fb_buf_add(b, e->json, e->jlen);
		first = 0;
	}
	/* what followed the last member: blanks, the brace, trailing blanks */
	if (prev < close && first)
		prev = close;
	fb_buf_add(b, prev, (size_t)(end - prev));
	return b->err ? -1 : 0;
}

int
fb_rec_write(struct fb_rec *rec, struct fb_out *out, int flags)
{
	const char *p = rec->line;
	size_t len = rec->len;
	int rc;

	if (rec->nedits > 0) {
		if (splice(rec, &rec->out) < 0)
			return -1;
		p = rec->out.p;
		len = rec->out.len;
	}
	rc = (flags & FB_REC_PRETTY) ? fb_json_write_pretty(out, p, len) :
	    fb_out_write(out, p, len);
	if (rc < 0)
		return -1;
	return fb_out_end_record(out);
}

int
fb_rec_is_feedback(struct fb_rec *rec)
{
	struct fb_span v;
	const char *s;
	char buf[16];
	long n;

	if (!fb_rec_raw(rec, "type", &v) ||
	    (v.len == 4 && memcmp(v.p, "null", 4) == 0))
		return 1;
	n = fb_json_string(v, buf, sizeof(buf), &s);
	return n == 8 && memcmp(s, "feedback", 8) == 0;
}
