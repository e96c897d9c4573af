// SPDX-License-Identifier: GPL-2.0-only
// A decoder whose result goes through 32 bits.
#include <stdint.h>
#include <string.h>

uint64_t truncated(const void *p)
{
	uint64_t w[2];
	uint32_t base;

	memcpy(w, p, sizeof(w));
	base = (uint32_t)(w[0] >> 16 & 0xffffff) | (uint32_t)(w[0] >> 56) << 24 |
	       (uint32_t)(w[1] << 32);
	return base;
}
