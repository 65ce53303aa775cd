/*
 * rng.h: xorshift64*, a small random generator with a fixed seed, so that
 * every run of a randomised unit test checks the same cases.
 */
#ifndef FB_TEST_RNG_H
#define FB_TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static inline void
rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static inline uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

#endif /* FB_TEST_RNG_H */
