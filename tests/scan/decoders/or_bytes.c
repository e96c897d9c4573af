// SPDX-License-Identifier: GPL-2.0-only
// The OR-style byte decoder of fixtures/or_style.c, as a sweep adapter.
#include <stdint.h>

uint64_t or_bytes(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint64_t)(b[8] | b[9] << 8 | b[10] << 16 | (uint32_t)b[11] << 24) << 32 |
	       b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24;
}
