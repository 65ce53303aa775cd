/*
 * fb_customers.c: the customer table (--customers): tier, annual spend
 * and flags by customer id, joined to records that lack them.
 *
 * A CRM export can hold millions of customers, so a row keeps only what
 * ranking and routing read: the id's 64-bit hash (two ids colliding is a
 * one-in-10^10 event for a million customers), the spend, and the tier
 * and flags interned once each.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

struct customer_slot {
	uint64_t key;		/* 0: empty */
	double spend;		/* NaN when not known */
	uint32_t tier;		/* index into 'names', or NONE */
	uint32_t flags;		/* index into 'flag_sets', or NONE */
};

#define NONE UINT32_MAX

struct fb_customers {
	struct customer_slot *slots;
	size_t cap, n;
	json_t *names;		/* tiers, interned */
	json_t *flag_sets;	/* arrays of flags, interned by their text */
	json_t *index;		/* text -> index, for interning */
	const struct fb_hmac *key;	/* ids are pseudonymized at load */
};

static const char *const id_names[] = {
	"id", "customer_id", "customer", "user_id", "uid", "用户ID", "客户ID",
	"会员ID", NULL
};
static const char *const tier_names[] = {
	"tier", "level", "会员等级", "等级", "客户等级", NULL
};
static const char *const spend_names[] = {
	"annual_spend", "spend", "年消费", "年消费额", "消费金额", NULL
};

static uint64_t
key_of(const char *id, size_t len)
{
	uint64_t h[2];

	fb_hash128(id, len, 0x6375, h);
	return h[0] ? h[0] : 1;
}

static int
grow(struct fb_customers *cs)
{
	struct customer_slot *old = cs->slots;
	size_t oldcap = cs->cap, i, ncap = cs->cap ? cs->cap * 2 : 1024;

	if ((cs->slots = calloc(ncap, sizeof(*cs->slots))) == NULL) {
		cs->slots = old;
		return -1;
	}
	cs->cap = ncap;
	for (i = 0; i < oldcap; i++) {
		size_t k;

		if (old[i].key == 0)
			continue;
		for (k = old[i].key & (ncap - 1); cs->slots[k].key != 0;
		    k = (k + 1) & (ncap - 1))
			;
		cs->slots[k] = old[i];
	}
	free(old);
	return 0;
}

/* The index of 'text' among the interned values of 'list'. */
static uint32_t
intern(struct fb_customers *cs, json_t *list, const char *prefix,
    const char *text, json_t *value)
{
	size_t plen = strlen(prefix), tlen = strlen(text), i;
	char *key = malloc(plen + tlen + 1);
	json_t *have;

	/* the whole text: a key cut short would merge two values */
	if (key == NULL)
		return NONE - 1;
	memcpy(key, prefix, plen);
	memcpy(key + plen, text, tlen + 1);
	if ((have = json_object_get(cs->index, key)) != NULL) {
		free(key);
		return (uint32_t)json_integer_value(have);
	}
	i = json_array_size(list);
	if (json_array_append(list, value) < 0 ||
	    json_object_set_new(cs->index, key, json_integer((json_int_t)i)) < 0)
		i = NONE - 1;
	free(key);
	return (uint32_t)i;
}

/* Flags from an NDJSON array, or a CSV cell "accessibility;elderly". */
static json_t *
flags_of(json_t *row)
{
	json_t *v = json_object_get(row, "flags"), *arr;
	const char *s;

	if (json_is_array(v))
		return json_incref(v);
	if (!json_is_string(v))
		return NULL;
	if ((arr = json_array()) == NULL)
		return NULL;
	s = json_string_value(v);
	while (*s != '\0') {
		size_t n = strcspn(s, ";| ,");

		if (n > 0)
			json_array_append_new(arr, json_stringn(s, n));
		s += n;
		if (*s != '\0')
			s++;
	}
	return arr;
}

static int
add_row(json_t *row, const struct fb_pos *pos, void *arg,
    struct fb_error *err)
{
	struct fb_customers *cs = arg;
	struct customer_slot slot = { 0, 0, NONE, NONE };
	char buf[64], *end;
	const char *id, *s;
	json_t *flags, *spend;
	size_t k;

	if ((id = fb_table_str(row, id_names, buf, sizeof(buf))) == NULL)
		return fb_error_set(err, "%s:%lu: no customer id (a column "
		    "id, customer_id or user_id)", pos->file, pos->line);
	if (cs->key != NULL) {
		char ps[FB_PSEUDONYM_LEN + 1];

		fb_pseudonym(cs->key, id, strlen(id), ps);
		slot.key = key_of(ps, FB_PSEUDONYM_LEN);
	} else
		slot.key = key_of(id, strlen(id));
	slot.spend = NAN;
	if ((s = fb_table_str(row, tier_names, buf, sizeof(buf))) != NULL) {
		json_t *name = json_string(s);

		slot.tier = name ? intern(cs, cs->names, "t:", s, name) :
		    NONE - 1;
		json_decref(name);
	}
	spend = NULL;
	for (k = 0; spend_names[k] != NULL && spend == NULL; k++)
		spend = json_object_get(row, spend_names[k]);
	if (json_is_number(spend))
		slot.spend = json_number_value(spend);
	else if (json_is_string(spend) && json_string_length(spend) > 0) {
		slot.spend = strtod(json_string_value(spend), &end);
		if (*end != '\0' || end == json_string_value(spend) ||
		    !isfinite(slot.spend))
			return fb_error_set(err, "%s:%lu: annual spend '%s' is "
			    "not a number", pos->file, pos->line,
			    json_string_value(spend));
	} else if (spend != NULL && !json_is_null(spend) &&
	    !json_is_string(spend))	/* "" is not known, as an empty cell */
		return fb_error_set(err, "%s:%lu: annual spend is not a "
		    "number", pos->file, pos->line);
	if ((flags = flags_of(row)) != NULL) {
		char *text = json_dumps(flags, JSON_COMPACT);

		slot.flags = text ? intern(cs, cs->flag_sets, "f:", text,
		    flags) : NONE - 1;
		free(text);
		json_decref(flags);
	}
	if (slot.tier == NONE - 1 || slot.flags == NONE - 1)
		return fb_error_set(err, "out of memory");
	if (cs->n * 10 >= cs->cap * 7 && grow(cs) < 0)
		return fb_error_set(err, "out of memory");
	/* a later row for the same customer wins, as in a CRM update */
	for (k = slot.key & (cs->cap - 1); cs->slots[k].key != 0 &&
	    cs->slots[k].key != slot.key; k = (k + 1) & (cs->cap - 1))
		;
	if (cs->slots[k].key == 0)
		cs->n++;
	cs->slots[k] = slot;
	return 0;
}

struct fb_customers *
fb_customers_load(const char *path, struct fb_error *err)
{
	return fb_customers_load_keyed(path, NULL, err);
}

struct fb_customers *
fb_customers_load_keyed(const char *path, const struct fb_hmac *key,
    struct fb_error *err)
{
	struct fb_customers *cs = calloc(1, sizeof(*cs));

	if (cs != NULL)
		cs->key = key;
	if (cs == NULL || (cs->names = json_array()) == NULL ||
	    (cs->flag_sets = json_array()) == NULL ||
	    (cs->index = json_object()) == NULL || grow(cs) < 0) {
		fb_customers_free(cs);
		fb_error_set(err, "out of memory");
		return NULL;
	}
	if (fb_table_load(path, add_row, cs, err) < 0) {
		fb_customers_free(cs);
		return NULL;
	}
	return cs;
}

int
fb_customers_find(const struct fb_customers *cs, const char *id, size_t len,
    struct fb_customer *out)
{
	uint64_t key = key_of(id, len);
	size_t k;

	for (k = key & (cs->cap - 1); cs->slots[k].key != 0;
	    k = (k + 1) & (cs->cap - 1)) {
		const struct customer_slot *s = &cs->slots[k];

		if (s->key != key)
			continue;
		out->tier = s->tier == NONE ? NULL :
		    json_string_value(json_array_get(cs->names, s->tier));
		out->annual_spend = s->spend;
		out->flags = s->flags == NONE ? NULL :
		    json_array_get(cs->flag_sets, s->flags);
		return 1;
	}
	return 0;
}

size_t
fb_customers_count(const struct fb_customers *cs)
{
	return cs->n;
}

void
fb_customers_free(struct fb_customers *cs)
{
	if (cs == NULL)
		return;
	free(cs->slots);
	json_decref(cs->names);
	json_decref(cs->flag_sets);
	json_decref(cs->index);
	free(cs);
}
