/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An implementation under test of "64-bit base of a 16-byte system
 * descriptor", and the exhaustive sweep compiled around it.
 *
 * Each implementation lives in its own C translation unit, which defines
 *   DT_DECODE(w0, w1)        the decode the sweep loop inlines, and
 *   DT_DECODE_IMAGE(w0, w1)  the decode of the descriptor's memory image,
 * both given the descriptor's two little-endian 64-bit words, and then
 * expands DT_DEFINE_IMPL().  The sweep loop is generated inside that unit,
 * so the decode is inlined into it: no call through a pointer per value.
 * For the kernel's bit-field struct desc64 the two differ only in how the
 * struct is filled: field by field for the sweep (GCC keeps it in
 * registers and vectorizes the loop), by copying the 16-byte image for
 * DT_DECODE_IMAGE (which also proves the struct's layout matches the
 * SDM's, on the random descriptors and in the unit tests).  The expected base is built from the loop counters, never from a
 * decoder, so every implementation, the reference included, is checked
 * against the values put into the descriptor.
 *
 * Each unit registers itself in the "dt_impls" linker section; the driver
 * walks __start_dt_impls..__stop_dt_impls.
 */
#ifndef DESCTEST_DIFFERENTIAL_IMPL_H
#define DESCTEST_DIFFERENTIAL_IMPL_H

#include <stdint.h>

#include "desctest/desc.h"
#include "desctest/prefix_model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DT_MAX_HITS 8

/* One mismatching descriptor, kept for the report. */
struct dt_hit {
	uint64_t w0, w1;
	uint64_t seen, wanted;
};

/* What one sweep (or one slice of it) found. */
struct dt_sweep_stats {
	uint64_t checked;
	uint64_t mismatches;
	/* mismatches that are not of the pre-fix bug's shape, "bits 63:32
	 * forced to one" (desctest/prefix_model.h) */
	uint64_t not_upper_ones;
	/* OR of seen ^ wanted over the mismatches of the blocks recorded:
	 * every block with a mismatch not of that shape, and the first
	 * blocks until hits[] is full */
	uint64_t diff_or;
	uint64_t per_base2[256];	/* mismatches for each base 31:24 value */
	unsigned nhits;
	struct dt_hit hits[DT_MAX_HITS];
};

/* Sweep every (base 15:0, base 23:16) for base 31:24 in [b2_lo, b2_hi)
 * with base 63:32 = base3; the other fields are fixed to those of an
 * available 64-bit TSS. */
typedef void (*dt_sweep_fn)(uint32_t base3, unsigned b2_lo, unsigned b2_hi,
			    struct dt_sweep_stats *out);
typedef uint64_t (*dt_decode_fn)(uint64_t w0, uint64_t w1);

struct dt_impl {
	const char *name;	/* KTAP test name */
	const char *what;	/* one line: where the code comes from */
	int rank;		/* report order */
	int known_bug;		/* 1: carries the pre-fix sign-extension bug */
	dt_sweep_fn sweep;
	dt_decode_fn decode;
};

/* Word 0 of the swept descriptors: available 64-bit TSS, P=1, limit 0x67;
 * the base bits are OR'ed in by the loop. */
static inline uint64_t dt_sweep_w0_attrs(void)
{
	struct dt_sys d = { { 0, 0 } };

	dt_sys_set_limit_raw(&d, 0x67);
	dt_sys_set_type(&d, DT_SYS_TSS64_AVAIL);
	dt_sys_set_p(&d, 1);
	return d.w[0];
}

/* Fill the kernel's struct desc64 (KVM selftests processor.h) field by
 * field from the two descriptor words, each field read through desc.h's
 * layouts (the segment layout for L and D/B, reserved in a system
 * descriptor but fields of struct desc64). */
#define DT_FILL_DESC64(d, w0, w1)                                              \
	do {                                                                   \
		const struct dt_sys s_ = { { (w0), (w1) } };                   \
		const struct dt_seg lo_ = { { (w0) } };                        \
		(d).limit0 = (uint16_t)dt_sys_limit_15_0(&s_);                 \
		(d).base0 = (uint16_t)dt_sys_base_15_0(&s_);                   \
		(d).base1 = dt_sys_base_23_16(&s_);                            \
		(d).type = dt_sys_type(&s_);                                   \
		(d).s = dt_sys_s(&s_);                                         \
		(d).dpl = dt_sys_dpl(&s_);                                     \
		(d).p = dt_sys_p(&s_);                                         \
		(d).limit1 = dt_sys_limit_19_16(&s_);                          \
		(d).avl = dt_sys_avl(&s_);                                     \
		(d).l = dt_seg_l(&lo_);                                        \
		(d).db = dt_seg_db(&lo_);                                      \
		(d).g = dt_sys_g(&s_);                                         \
		(d).base2 = dt_sys_base_31_24(&s_);                            \
		(d).base3 = (uint32_t)dt_sys_base_63_32(&s_);                  \
		(d).zero1 = (uint32_t)dt_sys_reserved_hi(&s_);                 \
	} while (0)

/*
 * The two decodes of an implementation over the kernel's struct desc64
 * (TYPE) and its base helper (FN): field by field for the sweep, through
 * the 16-byte memory image (GNU C union type punning) for the rest.
 */
#define DT_DESC64_DECODERS(TYPE, FN)                                           \
	static inline uint64_t dt_desc64_decode(uint64_t w0, uint64_t w1)     \
	{                                                                      \
		TYPE d;                                                        \
                                                                               \
		DT_FILL_DESC64(d, w0, w1);                                     \
		return FN(&d);                                                 \
	}                                                                      \
	static inline uint64_t dt_desc64_decode_image(uint64_t w0,            \
						      uint64_t w1)            \
	{                                                                      \
		union {                                                        \
			uint64_t w[2];                                         \
			TYPE d;                                                \
		} u = { { w0, w1 } };                                          \
                                                                               \
		return FN(&u.d);                                               \
	}

/* Indirection so that an ident given as a macro (DT_TREE_IDENT) expands. */
#define DT_DEFINE_IMPL(...) DT_DEFINE_IMPL_(__VA_ARGS__)
#define DT_DEFINE_IMPL_(ident, label, description, order, bug)                 \
	static uint64_t dt_##ident##_decode(uint64_t w0, uint64_t w1)               \
	{                                                                      \
		return DT_DECODE_IMAGE(w0, w1);                                \
	}                                                                      \
	static void dt_##ident##_record(struct dt_sweep_stats *st, uint64_t w0,     \
				   uint64_t w1, uint64_t want_hi)              \
	{                                                                      \
		for (uint64_t b0 = 0; b0 < 0x10000; b0++) {                    \
			uint64_t w = w0 | b0 << 16;                            \
			uint64_t got = DT_DECODE(w, w1);                       \
			if (got == (want_hi | b0))                             \
				continue;                                      \
			st->diff_or |= got ^ (want_hi | b0);                   \
			if (st->nhits < DT_MAX_HITS) {                         \
				struct dt_hit h = { w, w1, got, want_hi | b0 }; \
				st->hits[st->nhits++] = h;                     \
			}                                                      \
		}                                                              \
	}                                                                      \
	__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))   \
	static void dt_##ident##_sweep(uint32_t base3, unsigned b2_lo,              \
				  unsigned b2_hi, struct dt_sweep_stats *st)   \
	{                                                                      \
		const uint64_t w1 = base3;                                     \
		/* seen ^ wanted of a mismatch of the sign-extension shape */  \
		const uint64_t sx = dt_prefix_bug_xor(w1);                     \
		for (uint64_t b2 = b2_lo; b2 < b2_hi; b2++) {                  \
			for (uint64_t b1 = 0; b1 < 0x100; b1++) {              \
				const uint64_t w0 = dt_sweep_w0_attrs() |      \
						    b1 << 32 | b2 << 56;       \
				const uint64_t want_hi = w1 << 32 |            \
							 b2 << 24 | b1 << 16;  \
				uint64_t bad = 0, shaped = 0, odd;             \
				for (uint64_t b0 = 0; b0 < 0x10000; b0++) {    \
					uint64_t x = want_hi | b0;             \
					x ^= DT_DECODE(w0 | b0 << 16, w1);     \
					bad += x != 0;                         \
					shaped += x == sx;                     \
				}                                              \
				st->checked += 0x10000;                        \
				if (!bad)                                      \
					continue;                              \
				odd = sx ? bad - shaped : bad;                 \
				st->mismatches += bad;                         \
				st->not_upper_ones += odd;                     \
				st->per_base2[b2] += bad;                      \
				if (odd || st->nhits < DT_MAX_HITS)            \
					dt_##ident##_record(st, w0, w1, want_hi); \
			}                                                      \
		}                                                              \
	}                                                                      \
	static const struct dt_impl dt_##ident##_impl = {                           \
		label, description, order, bug, dt_##ident##_sweep, dt_##ident##_decode, \
	};                                                                     \
	static const struct dt_impl *const dt_##ident##_entry                       \
		__attribute__((section("dt_impls"), used)) = &dt_##ident##_impl;

#ifdef __cplusplus
}
#endif

#endif /* DESCTEST_DIFFERENTIAL_IMPL_H */
