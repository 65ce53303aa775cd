/*
 * fb_hash.c: MurmurHash3 x64/128 (Austin Appleby's public-domain design),
 * written from its description.  The store keys its id index by these
 * fingerprints; the hash only has to be fast and well mixed, not secret.
 */
#include <string.h>

#include "fb.h"

static inline uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

void
fb_hash128(const void *data, size_t len, uint32_t seed, uint64_t out[2])
{
	const unsigned char *p = data;
	const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
	uint64_t h1 = seed, h2 = seed, k1, k2;
	size_t nblocks = len / 16, i;
	const unsigned char *tail;

	for (i = 0; i < nblocks; i++) {
		memcpy(&k1, p + i * 16, 8);
		memcpy(&k2, p + i * 16 + 8, 8);
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
		h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
		h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
	}
	/* No arithmetic on NULL: the empty lexicon hashes (NULL, 0). */
	tail = nblocks > 0 ? p + nblocks * 16 : p;
	k1 = k2 = 0;
	switch (len & 15) {
	case 15: k2 ^= (uint64_t)tail[14] << 48; /* FALLTHROUGH */
	case 14: k2 ^= (uint64_t)tail[13] << 40; /* FALLTHROUGH */
	case 13: k2 ^= (uint64_t)tail[12] << 32; /* FALLTHROUGH */
	case 12: k2 ^= (uint64_t)tail[11] << 24; /* FALLTHROUGH */
	case 11: k2 ^= (uint64_t)tail[10] << 16; /* FALLTHROUGH */
	case 10: k2 ^= (uint64_t)tail[9] << 8;   /* FALLTHROUGH */
	case 9:
		k2 ^= (uint64_t)tail[8];
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
		/* FALLTHROUGH */
	case 8: k1 ^= (uint64_t)tail[7] << 56; /* FALLTHROUGH */
	case 7: k1 ^= (uint64_t)tail[6] << 48; /* FALLTHROUGH */
	case 6: k1 ^= (uint64_t)tail[5] << 40; /* FALLTHROUGH */
	case 5: k1 ^= (uint64_t)tail[4] << 32; /* FALLTHROUGH */
	case 4: k1 ^= (uint64_t)tail[3] << 24; /* FALLTHROUGH */
	case 3: k1 ^= (uint64_t)tail[2] << 16; /* FALLTHROUGH */
	case 2: k1 ^= (uint64_t)tail[1] << 8;  /* FALLTHROUGH */
	case 1:
		k1 ^= (uint64_t)tail[0];
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
		break;
	default:
		break;
	}
	h1 ^= (uint64_t)len;
	h2 ^= (uint64_t)len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	out[0] = h1;
	out[1] = h2;
}
