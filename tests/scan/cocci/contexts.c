// SPDX-License-Identifier: GPL-2.0-only
// The widenings and safe forms the semantic patch tells apart, beside the
// fixtures' own: a return, a cast, a typedef'd half, masks of each width.
#include <stdint.h>

typedef unsigned short half_t;

struct raw_gate {
	uint16_t off_lo;
	half_t off_mid;
	uint32_t off_hi;
	uint8_t b[8];
};

/* Buggy: the int itself is returned as a 64-bit value. */
uint64_t returned(const struct raw_gate *g)
{
	if (!g)
		return 0;
	return g->b[7] << 24;
}

/* Buggy: cast to 64 bits after the shift. */
uint64_t cast_after(const struct raw_gate *g)
{
	uint64_t v;

	v = 0;
	v ^= (uint64_t)(g->b[3] << 24);
	return v;
}

/* Buggy: a typedef'd 16-bit half shifted by 16. */
uint64_t typedef_half(const struct raw_gate *g)
{
	return ((uint64_t)g->off_hi << 32) | (g->off_mid << 16) | g->off_lo;
}

/* Buggy: a 64-bit mask keeps the sign-extended upper half. */
uint64_t wide_mask(const struct raw_gate *g)
{
	return (g->b[7] << 24) & 0xffffffffffull;
}

/* Safe: a mask of 32 bits clears bits 63:32. */
uint64_t mask32(const struct raw_gate *g)
{
	return ((uint64_t)g->off_hi << 32) | ((g->off_mid << 16) & 0xffffffffu);
}

/* Safe: narrowed to 32 unsigned bits before it widens. */
uint64_t narrowed(const struct raw_gate *g)
{
	return ((uint64_t)g->off_hi << 32) | (uint32_t)(g->off_mid << 16 | g->off_lo);
}
