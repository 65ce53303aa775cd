/*
 * fb_ac.c: Aho-Corasick matching of many patterns at once over Unicode code
 * points, so fb-tag finds every phrase of its rule files in one pass over a
 * text, however many phrases there are.
 *
 * The alphabet is all of Unicode (and callers may pass any uint32), so a
 * state cannot have an array of children.  All trie edges live instead in
 * one open-addressing table keyed by (state, code point); a lookup costs a
 * multiply and, at the load kept here, one or two probes.  The root, which
 * a scan falls back to after nearly every mismatch, also gets a dense table
 * over the code points below U+10000 that start some pattern.
 *
 * fb_ac_build() visits the edges in breadth-first order (a counting sort by
 * depth, which needs no list of children) to set each state's failure link,
 * and its output link: the state itself or the nearest state on its failure
 * chain that ends a pattern.  A scan follows output links only from states
 * where something matches, so reporting costs what the matches cost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fb.h"

#define AC_ROOT 0
/* The dense root table stops at the BMP: CJK phrases live there. */
#define AC_DENSE_MAX 0x10000u
/* Keeps slot and state numbers, and the table size, well inside uint32_t. */
#define AC_MAX_STATES (1u << 30)
#define AC_MIN_BITS 6

struct ac_edge {
	uint32_t from;		/* parent state */
	uint32_t cp;		/* code point on the edge */
	uint32_t to;		/* child state; 0 (the root): a free slot */
};

struct ac_node {
	uint32_t fail;		/* state of the longest proper suffix */
	uint32_t out;		/* self or nearest fail with values */
	uint32_t depth;		/* length in code points */
	uint32_t vstart;	/* values: vals[vstart] to next node's */
};

struct ac_pair {
	uint32_t state;
	uint32_t value;
};

struct fb_ac {
	struct ac_node *nodes;	/* and a sentinel past nnodes */
	size_t nnodes, nodecap;
	struct ac_edge *edges;
	size_t nedges;
	unsigned ebits;		/* the table has 1 << ebits slots */
	struct ac_pair *pairs;	/* (state, value) as added, until built */
	size_t npairs, paircap;
	uint32_t maxdepth;	/* of any state, even from a failed add */
	uint32_t *vals;		/* built: the values grouped by state */
	uint32_t *root;		/* built: root's child for cp < nroot */
	uint32_t nroot;
	int built;
};

/*
 * Fibonacci hashing of the 64-bit key, keeping the top bits: those depend on
 * every bit of both the state and the code point, while consecutive states
 * and code points still spread evenly.
 */
static inline size_t
edge_slot(uint32_t from, uint32_t cp, unsigned bits)
{
	uint64_t k = ((uint64_t)from << 32 | cp) * 0x9e3779b97f4a7c15ULL;

	return (size_t)(k >> (64 - bits));
}

static inline uint32_t
edge_get(const struct fb_ac *ac, uint32_t from, uint32_t cp)
{
	size_t mask = ((size_t)1 << ac->ebits) - 1;
	size_t i = edge_slot(from, cp, ac->ebits);
	const struct ac_edge *e;

	for (;; i = (i + 1) & mask) {
		e = &ac->edges[i];
		if (e->to == 0)
			return 0;
		if (e->from == from && e->cp == cp)
			return e->to;
	}
}

/* Stores an edge known to be absent; the table must have a free slot. */
static void
edge_put(struct ac_edge *tab, unsigned bits, uint32_t from, uint32_t cp,
    uint32_t to)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = edge_slot(from, cp, bits);

	while (tab[i].to != 0)
		i = (i + 1) & mask;
	tab[i].from = from;
	tab[i].cp = cp;
	tab[i].to = to;
}

/* Makes room for one more edge, keeping the load at most one half. */
static int
edge_reserve(struct fb_ac *ac)
{
	struct ac_edge *tab;
	size_t i, n = (size_t)1 << ac->ebits;
	unsigned bits = ac->ebits + 1;

	if ((ac->nedges + 1) * 2 <= n)
		return 0;
	if ((tab = calloc((size_t)1 << bits, sizeof(*tab))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (ac->edges[i].to != 0)
			edge_put(tab, bits, ac->edges[i].from, ac->edges[i].cp,
			    ac->edges[i].to);
	free(ac->edges);
	ac->edges = tab;
	ac->ebits = bits;
	return 0;
}

/* Makes room for one more state and still the spare entry past the end. */
static int
node_reserve(struct fb_ac *ac)
{
	struct ac_node *p;
	size_t cap;

	if (ac->nnodes + 2 <= ac->nodecap)
		return 0;
	cap = ac->nodecap * 2;
	if ((p = realloc(ac->nodes, cap * sizeof(*p))) == NULL)
		return -1;
	ac->nodes = p;
	ac->nodecap = cap;
	return 0;
}

static int
pair_reserve(struct fb_ac *ac)
{
	struct ac_pair *p;
	size_t cap;

	if (ac->npairs < ac->paircap)
		return 0;
	cap = ac->paircap ? ac->paircap * 2 : 16;
	if ((p = realloc(ac->pairs, cap * sizeof(*p))) == NULL)
		return -1;
	ac->pairs = p;
	ac->paircap = cap;
	return 0;
}

struct fb_ac *
fb_ac_new(void)
{
	struct fb_ac *ac;

	if ((ac = calloc(1, sizeof(*ac))) == NULL)
		return NULL;
	ac->nodecap = 16;
	ac->ebits = AC_MIN_BITS;
	ac->nodes = malloc(ac->nodecap * sizeof(*ac->nodes));
	ac->edges = calloc((size_t)1 << ac->ebits, sizeof(*ac->edges));
	if (ac->nodes == NULL || ac->edges == NULL) {
		fb_ac_free(ac);
		return NULL;
	}
	memset(&ac->nodes[AC_ROOT], 0, sizeof(ac->nodes[AC_ROOT]));
	ac->nnodes = 1;
	return ac;
}

int
fb_ac_add(struct fb_ac *ac, const uint32_t *cps, size_t n, uint32_t value)
{
	uint32_t s = AC_ROOT, t;
	size_t i;

	if (ac->built || n == 0) {
		errno = EINVAL;
		return -1;
	}
	/* Every code point might need a new state. */
	if (n > AC_MAX_STATES - ac->nnodes) {
		errno = ENOMEM;
		return -1;
	}
	if (pair_reserve(ac) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((t = edge_get(ac, s, cps[i])) == 0) {
			/*
			 * Both reservations come first, so a failure leaves
			 * no state without its edge.  States already added
			 * for this pattern's prefix are harmless.
			 */
			if (edge_reserve(ac) < 0 || node_reserve(ac) < 0)
				return -1;
			t = (uint32_t)ac->nnodes++;
			memset(&ac->nodes[t], 0, sizeof(ac->nodes[t]));
			ac->nodes[t].depth = ac->nodes[s].depth + 1;
			if (ac->nodes[t].depth > ac->maxdepth)
				ac->maxdepth = ac->nodes[t].depth;
			edge_put(ac->edges, ac->ebits, s, cps[i], t);
			ac->nedges++;
		}
		s = t;
	}
	ac->pairs[ac->npairs].state = s;
	ac->pairs[ac->npairs].value = value;
	ac->npairs++;
	return 0;
}

int
fb_ac_build(struct fb_ac *ac)
{
	struct ac_node *nodes = ac->nodes, *shrunk;
	uint32_t *order = NULL, *vals = NULL, *root = NULL;
	size_t *count = NULL;
	size_t i, nslots = (size_t)1 << ac->ebits, d;
	uint32_t nroot = 0, s, p, t, u;
	const struct ac_edge *e;

	if (ac->built)
		return 0;

	for (i = 0; i < nslots; i++) {
		e = &ac->edges[i];
		if (e->to != 0 && e->from == AC_ROOT && e->cp < AC_DENSE_MAX &&
		    e->cp >= nroot)
			nroot = e->cp + 1;
	}
	/* Everything that can fail is allocated before anything changes. */
	count = calloc((size_t)ac->maxdepth + 1, sizeof(*count));
	order = calloc(ac->nedges ? ac->nedges : 1, sizeof(*order));
	vals = malloc((ac->npairs ? ac->npairs : 1) * sizeof(*vals));
	if (nroot > 0)
		root = calloc(nroot, sizeof(*root));
	if (count == NULL || order == NULL || vals == NULL ||
	    (nroot > 0 && root == NULL)) {
		free(count);
		free(order);
		free(vals);
		free(root);
		return -1;
	}

	/*
	 * Values grouped by state, in the order added within a state: count,
	 * turn counts into running ends, then place from the last pair back.
	 * node_reserve() left room for the sentinel at nodes[nnodes].
	 */
	for (i = 0; i <= ac->nnodes; i++)
		nodes[i].vstart = 0;
	for (i = 0; i < ac->npairs; i++)
		nodes[ac->pairs[i].state].vstart++;
	for (i = 1; i <= ac->nnodes; i++)
		nodes[i].vstart += nodes[i - 1].vstart;
	for (i = ac->npairs; i-- > 0;)
		vals[--nodes[ac->pairs[i].state].vstart] = ac->pairs[i].value;

	/* Edges in order of the child's depth: breadth-first order. */
	for (i = 0; i < nslots; i++)
		if (ac->edges[i].to != 0)
			count[nodes[ac->edges[i].to].depth - 1]++;
	for (d = 1; d <= ac->maxdepth; d++)
		count[d] += count[d - 1];
	for (i = nslots; i-- > 0;)
		if (ac->edges[i].to != 0)
			order[--count[nodes[ac->edges[i].to].depth - 1]] =
			    (uint32_t)i;

	nodes[AC_ROOT].fail = AC_ROOT;
	nodes[AC_ROOT].out = 0;
	for (i = 0; i < ac->nedges; i++) {
		e = &ac->edges[order[i]];
		s = e->to;
		p = e->from;
		t = AC_ROOT;
		/*
		 * The parent's failure state is shallower than the parent,
		 * so its links are set; each step down the chain shortens
		 * the suffix, which bounds the total work by the pattern
		 * lengths.
		 */
		if (p != AC_ROOT)
			for (u = nodes[p].fail;; u = nodes[u].fail) {
				if ((t = edge_get(ac, u, e->cp)) != 0 ||
				    u == AC_ROOT)
					break;
			}
		nodes[s].fail = t;
		nodes[s].out = nodes[s].vstart != nodes[s + 1].vstart ? s :
		    nodes[t].out;
		if (p == AC_ROOT && e->cp < nroot)
			root[e->cp] = s;
	}

	free(count);
	free(order);
	free(ac->pairs);
	ac->pairs = NULL;
	ac->paircap = 0;
	ac->vals = vals;
	ac->root = root;
	ac->nroot = nroot;
	/* Giving back the spare node capacity is worth a try, not a failure. */
	if ((shrunk = realloc(nodes, (ac->nnodes + 1) * sizeof(*nodes))) !=
	    NULL) {
		ac->nodes = shrunk;
		ac->nodecap = ac->nnodes + 1;
	}
	ac->built = 1;
	return 0;
}

int
fb_ac_scan(const struct fb_ac *ac, const uint32_t *text, size_t n,
    fb_ac_fn *fn, void *arg)
{
	const struct ac_node *nodes = ac->nodes;
	const uint32_t *root = ac->root;
	uint32_t s = AC_ROOT, t, cp, v, nroot = ac->nroot;
	size_t i;
	int r;

	if (!ac->built) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		cp = text[i];
		t = 0;
		while (s != AC_ROOT && (t = edge_get(ac, s, cp)) == 0)
			s = nodes[s].fail;
		if (s == AC_ROOT)
			t = cp < nroot ? root[cp] : edge_get(ac, AC_ROOT, cp);
		s = t;
		for (t = nodes[s].out; t != 0; t = nodes[nodes[t].fail].out)
			for (v = nodes[t].vstart; v < nodes[t + 1].vstart; v++)
				if ((r = fn(arg, i + 1, nodes[t].depth,
				    ac->vals[v])) != 0)
					return r;
	}
	return 0;
}

size_t
fb_ac_patterns(const struct fb_ac *ac)
{
	return ac->npairs;
}

void
fb_ac_free(struct fb_ac *ac)
{
	if (ac == NULL)
		return;
	free(ac->nodes);
	free(ac->edges);
	free(ac->pairs);
	free(ac->vals);
	free(ac->root);
	free(ac);
}
