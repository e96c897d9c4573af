// SPDX-License-Identifier: GPL-2.0-only
/*
 * A re-creation of get_desc64_base() as the KVM selftests carried it before
 * the fix (Linux 7.0): the same bit-field struct and the same expression,
 * so the same int promotion.  base1 and base2 are 8-bit fields of an
 * unsigned int; every value of such a field fits in an int, so C promotes
 * it to signed int before the shift, and "base2 << 24" is negative for
 * base2 >= 0x80.  OR'ed into a uint64_t it sign-extends, forcing bits
 * 63:32 to one.  (Strictly the shift overflows int, which is undefined; GCC
 * and Clang emit the 32-bit shift and the sign extension described here.
 * This unit is built without UBSan for that reason.)
 */
#include <stdint.h>

#include "impl.h"

struct prefix_desc64 {
	uint16_t limit0;
	uint16_t base0;
	unsigned base1:8, type:4, s:1, dpl:2, p:1;
	unsigned limit1:4, avl:1, l:1, db:1, g:1, base2:8;
	uint32_t base3;
	uint32_t zero1;
} __attribute__((packed));

static inline uint64_t prefix_get_desc64_base(const struct prefix_desc64 *desc)
{
	return ((uint64_t)desc->base3 << 32) |
		(desc->base0 | ((desc->base1) << 16) | ((desc->base2) << 24));
}

static inline uint64_t prefix_decode(uint64_t w0, uint64_t w1)
{
	struct prefix_desc64 d;

	DT_FILL_DESC64(d, w0, w1);
	return prefix_get_desc64_base(&d);
}

static inline uint64_t prefix_decode_image(uint64_t w0, uint64_t w1)
{
	/* GNU C type punning through a union: the 16 bytes as they sit in
	 * memory, read through the struct's own layout. */
	union {
		uint64_t w[2];
		struct prefix_desc64 d;
	} u = { { w0, w1 } };

	return prefix_get_desc64_base(&u.d);
}

#define DT_DECODE(w0, w1) prefix_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) prefix_decode_image(w0, w1)
DT_DEFINE_IMPL(prefix, "prefix-recreation",
	       "re-creation of the pre-fix KVM selftests expression (tests/differential/impl_prefix.c)",
	       1, 1)
