/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the pre-fix get_desc64_base() returns, as a function of the base
 * the descriptor encodes: the one model of the sign-extension bug that
 * every check expecting it (XFAIL) compares against.
 *
 * The pre-fix expression ORs "base2 << 24" into the result, base2 being
 * an 8-bit bit-field promoted to signed int; with base2 >= 0x80 (bit 31 of
 * the base set) the int is negative and sign-extends, forcing bits 63:32
 * to one over base3.  Bits 31:0 always come out right.  prefix_desc64.h
 * holds the expression itself; the unit tests check that the two agree
 * for every base2 value and for random bases.
 *
 * Freestanding: user space, KVM guests, the kernel module, C and C++.
 */
#ifndef DESCTEST_PREFIX_MODEL_H
#define DESCTEST_PREFIX_MODEL_H

#include "desc.h"

/* Bits 63:32, the ones the sign extension forces to one. */
#define DT_PREFIX_UPPER_ONES 0xffffffff00000000ull

/* The base the pre-fix helper decodes from a descriptor encoding BASE. */
DT_FN uint64_t dt_prefix_model(uint64_t base)
{
	return dt_bits(base, 31, 31) ? (base | DT_PREFIX_UPPER_ONES) : base;
}

/* 1 when the bug changes the decode of BASE: base2 >= 0x80 and base 63:32
 * not already all ones (where the sign extension is invisible). */
DT_FN int dt_prefix_bug_shows(uint64_t base)
{
	return dt_prefix_model(base) != base;
}

/* 1 when base2 (bits 31:24) is in the range the bug is about, >= 0x80,
 * whether or not it shows. */
DT_FN int dt_prefix_bug_range(uint64_t base)
{
	return dt_bits(base, 31, 31) != 0;
}

/* seen ^ wanted of a bug-shaped mismatch, for any base with base2 >= 0x80
 * and base 63:32 = BASE3 (0 when BASE3 is all ones). */
DT_FN uint64_t dt_prefix_bug_xor(uint64_t base3)
{
	uint64_t base = base3 << 32 | 0x80000000ull;

	return dt_prefix_model(base) ^ base;
}

#endif /* DESCTEST_PREFIX_MODEL_H */
