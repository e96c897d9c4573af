// SPDX-License-Identifier: GPL-2.0-only
// A decoder that takes bits 31:24 from the wrong byte (6 instead of 7).
#include <stdint.h>

uint64_t wrong_bits(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint64_t)b[11] << 56 | (uint64_t)b[10] << 48 | (uint64_t)b[9] << 40 |
	       (uint64_t)b[8] << 32 | (uint64_t)b[6] << 24 | (uint64_t)b[4] << 16 |
	       (uint64_t)b[3] << 8 | b[2];
}
