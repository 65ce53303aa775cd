/*
 * fb_pool.c: interned strings, numbered from 1 in the order they came, for
 * the few values aggregating tools group by (channel, queue, priority)
 * and for composite group keys.
 */
#include <stdlib.h>
#include <string.h>

#include "fb.h"

static uint64_t
pool_hash(const char *s, size_t len)
{
	uint64_t h[2];

	fb_hash128(s, len, 0x51a, h);
	return h[0];
}

static int
pool_rehash(struct fb_pool *pl)
{
	size_t i, j, mask, nslot = pl->nslot ? pl->nslot * 2 : 64;
	uint32_t *slot;

	if ((slot = calloc(nslot, sizeof(*slot))) == NULL)
		return -1;
	free(pl->slot);
	pl->slot = slot;
	pl->nslot = nslot;
	mask = nslot - 1;
	for (i = 0; i < pl->n; i++) {
		j = pool_hash(pl->s[i], pl->len[i]) & mask;
		while (pl->slot[j] != 0)
			j = (j + 1) & mask;
		pl->slot[j] = (uint32_t)i + 1;
	}
	return 0;
}

static uint32_t
pool_lookup(struct fb_pool *pl, const char *s, size_t len, int make)
{
	size_t j, mask, cap;
	char *copy;

	if ((pl->n + 1) * 2 > pl->nslot && pool_rehash(pl) < 0)
		return FB_POOL_NOMEM;
	mask = pl->nslot - 1;
	for (j = pool_hash(s, len) & mask; pl->slot[j] != 0;
	    j = (j + 1) & mask) {
		size_t k = pl->slot[j] - 1;

		if (pl->len[k] == len && memcmp(pl->s[k], s, len) == 0)
			return pl->slot[j];
	}
	if (!make)
		return 0;
	if (pl->n == pl->cap) {
		char **ns;
		size_t *nl;

		cap = pl->cap ? pl->cap * 2 : 64;
		if ((ns = realloc(pl->s, cap * sizeof(*ns))) == NULL)
			return FB_POOL_NOMEM;
		pl->s = ns;
		if ((nl = realloc(pl->len, cap * sizeof(*nl))) == NULL)
			return FB_POOL_NOMEM;
		pl->len = nl;
		pl->cap = cap;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return FB_POOL_NOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	pl->s[pl->n] = copy;
	pl->len[pl->n] = len;
	pl->slot[j] = (uint32_t)++pl->n;
	return pl->slot[j];
}

uint32_t
fb_pool_intern(struct fb_pool *pl, const char *s, size_t len)
{
	return s == NULL ? 0 : pool_lookup(pl, s, len, 1);
}

uint32_t
fb_pool_find(struct fb_pool *pl, const char *s, size_t len)
{
	return s == NULL ? 0 : pool_lookup(pl, s, len, 0);
}

const char *
fb_pool_str(const struct fb_pool *pl, uint32_t k)
{
	return k == 0 || k > pl->n ? NULL : pl->s[k - 1];
}

size_t
fb_pool_len(const struct fb_pool *pl, uint32_t k)
{
	return k == 0 || k > pl->n ? 0 : pl->len[k - 1];
}

void
fb_pool_release(struct fb_pool *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		free(pl->s[i]);
	free(pl->s);
	free(pl->len);
	free(pl->slot);
	memset(pl, 0, sizeof(*pl));
}
