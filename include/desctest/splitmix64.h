/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * splitmix64: a 64-bit counter advanced by the golden-ratio increment and
 * passed through a mixing function (Steele, Lea and Flood, "Fast
 * splittable pseudorandom number generators", OOPSLA 2014).  One seed
 * gives one fixed stream on every machine, so a failing random
 * descriptor is reproduced from its seed.  The one copy of the generator
 * in desctest; freestanding (user space, KVM guests, C and C++).
 */
#ifndef DESCTEST_SPLITMIX64_H
#define DESCTEST_SPLITMIX64_H

#include "desc.h"

/* Advance *state and return the next value of its stream. */
DT_FN uint64_t dt_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif /* DESCTEST_SPLITMIX64_H */
