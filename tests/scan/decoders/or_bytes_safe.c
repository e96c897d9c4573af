// SPDX-License-Identifier: GPL-2.0-only
// Its safe twin: every byte widened before it is shifted.
#include <stdint.h>

uint64_t or_bytes_safe(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint64_t)b[11] << 56 | (uint64_t)b[10] << 48 | (uint64_t)b[9] << 40 |
	       (uint64_t)b[8] << 32 | (uint64_t)b[7] << 24 | (uint64_t)b[4] << 16 |
	       (uint64_t)b[3] << 8 | b[2];
}
