// SPDX-License-Identifier: GPL-2.0-only
// The 32-bit base of an 8-byte segment descriptor into a 64-bit value.
#include <stdint.h>

uint64_t seg_base(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24;
}

uint64_t seg_base_safe(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return b[2] | b[3] << 8 | b[4] << 16 | (uint32_t)b[7] << 24;
}
