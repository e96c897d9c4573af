// SPDX-License-Identifier: GPL-2.0-only
// The typedef'd byte form of fixtures/typedef_byte.c as a sweep adapter:
// a BYTE-style name for unsigned char hides that it promotes to int; and
// its safe twin, which widens the byte first.
#include <stdint.h>

typedef unsigned char byte_t;

uint64_t byte_base(const void *p)
{
	const byte_t *b = (const byte_t *)p;
	uint64_t hi = (uint64_t)(b[8] | b[9] << 8 | b[10] << 16 |
				 (uint32_t)b[11] << 24) << 32;

	return hi | (b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24);
}

uint64_t byte_base_safe(const void *p)
{
	const byte_t *b = (const byte_t *)p;
	uint64_t hi = (uint64_t)(b[8] | b[9] << 8 | b[10] << 16 |
				 (uint32_t)b[11] << 24) << 32;

	return hi | ((uint64_t)b[7] << 24 | (uint32_t)(b[2] | b[3] << 8 |
						       b[4] << 16));
}
