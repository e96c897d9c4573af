/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A re-creation of get_desc64_base() as the KVM selftests carried it
 * before the fix merged for Linux 7.0: the same bit-field layout and the
 * same expression, so the same integer promotion.  It exists to be tested
 * against, never to decode anything.
 *
 * base1 and base2 are 8-bit bit-fields of an unsigned int.  Every value
 * of such a field fits in an int, so C promotes it to (signed) int before
 * the shift, and "base2 << 24" is negative for base2 >= 0x80; OR'ed into
 * the 64-bit result it sign-extends and forces bits 63:32 to one, wiping
 * base3.  (Strictly the shift overflows int, which is undefined; GCC and
 * Clang emit the 32-bit shift and the sign extension described here, and
 * the kernel builds with -fno-strict-overflow.  Code that includes this
 * header is built without UBSan.)
 *
 * What it returns is modelled in prefix_model.h, included here; the unit
 * tests check the two against each other.
 *
 * Freestanding: user space, KVM guests and the kernel module use it.
 */
#ifndef DESCTEST_PREFIX_DESC64_H
#define DESCTEST_PREFIX_DESC64_H

#include "desc.h"
#include "prefix_model.h"

struct dt_prefix_desc64 {
	uint16_t limit0;
	uint16_t base0;
	unsigned base1 : 8, type : 4, s : 1, dpl : 2, p : 1;
	unsigned limit1 : 4, avl : 1, l : 1, db : 1, g : 1, base2 : 8;
	uint32_t base3;
	uint32_t zero1;
} __attribute__((packed));

DT_STATIC_ASSERT(sizeof(struct dt_prefix_desc64) == 16,
		 "the pre-fix struct desc64 is 16 bytes");

static inline uint64_t
dt_prefix_get_desc64_base(const struct dt_prefix_desc64 *desc)
{
	return ((uint64_t)desc->base3 << 32) |
		(desc->base0 | ((desc->base1) << 16) | ((desc->base2) << 24));
}

#endif /* DESCTEST_PREFIX_DESC64_H */
