/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desctest reference decoder: x86-64 segment and system descriptors.
 *
 * Freestanding (no libc, no exceptions): the same header serves KVM guest
 * code, C test programs and, through desc.hpp, the C++ library.  In C++
 * every function here is constexpr.
 *
 * Every layout is declared once, below, as bit ranges over full-width raw
 * words, exactly as the Intel SDM Vol. 3A tables give them:
 *   Figure 3-8   segment descriptor (8 bytes)
 *   Figure 7-4   64-bit TSS and LDT descriptor (16 bytes)  [SDM 8.2.3 in
 *                older editions]
 *   Figure 6-8   64-bit IDT gate descriptor (16 bytes)
 *   Figure 5-9   64-bit call-gate descriptor (16 bytes)
 *   Figure 3-6   segment selector
 *   Figure 7-11  64-bit TSS
 * A field is read by dt_bits(), which works in uint64_t: a field can never
 * be promoted to a signed int before it is shifted into place, so the
 * get_desc64_base() sign-extension bug cannot be written with it.
 */
#ifndef DESCTEST_DESC_H
#define DESCTEST_DESC_H

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#define DT_FN constexpr inline
#define DT_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#ifdef __KERNEL__
#include <linux/types.h>	/* kbuild builds with -nostdinc: no <stdint.h> */
#else
#include <stdint.h>
#endif
#define DT_FN static inline
#define DT_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#define DT_OFFSETOF(t, f) __builtin_offsetof(t, f)

/* ---- bit ranges over a raw word ---------------------------------------- */

DT_FN uint64_t dt_mask(unsigned hi, unsigned lo)
{
	return (hi - lo == 63) ? ~(uint64_t)0
			       : (((uint64_t)1 << (hi - lo + 1)) - 1) << lo;
}

DT_FN uint64_t dt_bits(uint64_t raw, unsigned hi, unsigned lo)
{
	return (raw & dt_mask(hi, lo)) >> lo;
}

DT_FN uint64_t dt_set_bits(uint64_t raw, unsigned hi, unsigned lo,
			   uint64_t val)
{
	return (raw & ~dt_mask(hi, lo)) | ((val << lo) & dt_mask(hi, lo));
}

/* ---- layouts: X(name, word, hi, lo) ------------------------------------ */

/*
 * The low word of every descriptor that has a base and a limit: the
 * segment descriptor's (SDM Vol. 3A, Figure 3-8), which the 16-byte system
 * descriptors keep as their word 0 (Figure 7-4).  Declared once, in two
 * parts around bits 54:53 (D/B and L), which only code and data segments
 * define; the layouts below compose them.
 */
#define DT_LOW_WORD_52_0(X)                                                   \
	X(limit_15_0, 0, 15, 0)                                               \
	X(base_15_0, 0, 31, 16)                                               \
	X(base_23_16, 0, 39, 32)                                              \
	X(type, 0, 43, 40)                                                    \
	X(s, 0, 44, 44)                                                       \
	X(dpl, 0, 46, 45)                                                     \
	X(p, 0, 47, 47)                                                       \
	X(limit_19_16, 0, 51, 48)                                             \
	X(avl, 0, 52, 52)
#define DT_LOW_WORD_63_55(X)                                                  \
	X(g, 0, 55, 55)                                                       \
	X(base_31_24, 0, 63, 56)

/* Segment descriptor, one 64-bit word (SDM Vol. 3A, Figure 3-8). */
#define DT_SEG_FIELDS(X)                                                      \
	DT_LOW_WORD_52_0(X)                                                   \
	X(l, 0, 53, 53)                                                       \
	X(db, 0, 54, 54)                                                      \
	DT_LOW_WORD_63_55(X)

/*
 * 64-bit system-segment descriptor: TSS and LDT (Figure 7-4).  Word 0 is
 * the low word above (bits 54:53 reserved); word 1 holds base 63:32 and a
 * reserved dword whose type field (bits 44:40 of the descriptor's high
 * half) must be zero.
 */
#define DT_SYS_FIELDS(X)                                                      \
	DT_LOW_WORD_52_0(X)                                                   \
	DT_LOW_WORD_63_55(X)                                                  \
	X(base_63_32, 1, 31, 0)                                               \
	X(reserved_hi, 1, 63, 32)                                             \
	X(zero_type_hi, 1, 44, 40)

/* 64-bit interrupt, trap (Figure 6-8) and call (Figure 5-9) gates. */
#define DT_GATE_FIELDS(X)                                                     \
	X(offset_15_0, 0, 15, 0)                                              \
	X(selector, 0, 31, 16)                                                \
	X(ist, 0, 34, 32)                                                     \
	X(type, 0, 43, 40)                                                    \
	X(s, 0, 44, 44)                                                       \
	X(dpl, 0, 46, 45)                                                     \
	X(p, 0, 47, 47)                                                       \
	X(offset_31_16, 0, 63, 48)                                            \
	X(offset_63_32, 1, 31, 0)                                             \
	X(reserved_hi, 1, 63, 32)

/* Segment selector (Figure 3-6), one 16-bit value held in a 64-bit word. */
#define DT_SEL_FIELDS(X)                                                      \
	X(rpl, 0, 1, 0)                                                       \
	X(ti, 0, 2, 2)                                                        \
	X(index, 0, 15, 3)

/* Raw storage: full-width words, little-endian as the descriptor sits in
 * memory (word 0 at the lower address). */
struct dt_seg {
	uint64_t w[1];
};
struct dt_sys {
	uint64_t w[2];
};
struct dt_gate {
	uint64_t w[2];
};
struct dt_sel {
	uint64_t w[1];
};

#define DT_ACCESSORS(layout, name, word, hi, lo)                              \
	DT_FN uint64_t dt_##layout##_##name(const struct dt_##layout *d)      \
	{                                                                     \
		return dt_bits(d->w[word], hi, lo);                           \
	}                                                                     \
	DT_FN void dt_##layout##_set_##name(struct dt_##layout *d,            \
					    uint64_t v)                       \
	{                                                                     \
		d->w[word] = dt_set_bits(d->w[word], hi, lo, v);              \
	}
#define DT_SEG_ACC(name, word, hi, lo) DT_ACCESSORS(seg, name, word, hi, lo)
#define DT_SYS_ACC(name, word, hi, lo) DT_ACCESSORS(sys, name, word, hi, lo)
#define DT_GATE_ACC(name, word, hi, lo) DT_ACCESSORS(gate, name, word, hi, lo)
#define DT_SEL_ACC(name, word, hi, lo) DT_ACCESSORS(sel, name, word, hi, lo)
DT_SEG_FIELDS(DT_SEG_ACC)
DT_SYS_FIELDS(DT_SYS_ACC)
DT_GATE_FIELDS(DT_GATE_ACC)
DT_SEL_FIELDS(DT_SEL_ACC)
#undef DT_SEG_ACC
#undef DT_SYS_ACC
#undef DT_GATE_ACC
#undef DT_SEL_ACC

/* ---- type codes (SDM Vol. 3A, Tables 3-1 and 3-2) ---------------------- */

enum {
	/* S = 1: code and data; bit 3 set means code. */
	DT_TYPE_ACCESSED = 0x1,
	DT_TYPE_DATA_WRITE = 0x2,
	DT_TYPE_DATA_EXPAND_DOWN = 0x4,
	DT_TYPE_CODE_READ = 0x2,
	DT_TYPE_CODE_CONFORMING = 0x4,
	DT_TYPE_CODE = 0x8,

	/* S = 0: system types valid in IA-32e mode. */
	DT_SYS_LDT = 0x2,
	DT_SYS_TSS64_AVAIL = 0x9,
	DT_SYS_TSS64_BUSY = 0xb,
	DT_SYS_CALL_GATE64 = 0xc,
	DT_SYS_INTR_GATE64 = 0xe,
	DT_SYS_TRAP_GATE64 = 0xf,
};

/* True for the S=0 types whose descriptor is 16 bytes in IA-32e mode. */
DT_FN int dt_type_is_system16(uint64_t s, uint64_t type)
{
	return s == 0 &&
	       (type == DT_SYS_LDT || type == DT_SYS_TSS64_AVAIL ||
		type == DT_SYS_TSS64_BUSY || type == DT_SYS_CALL_GATE64 ||
		type == DT_SYS_INTR_GATE64 || type == DT_SYS_TRAP_GATE64);
}

/* ---- reference decode and encode --------------------------------------- */

DT_FN uint64_t dt_seg_base(const struct dt_seg *d)
{
	return dt_seg_base_15_0(d) | dt_seg_base_23_16(d) << 16 |
	       dt_seg_base_31_24(d) << 24;
}

/* A system descriptor's word 0 is a segment descriptor's low word. */
DT_FN struct dt_seg dt_sys_low(const struct dt_sys *d)
{
	struct dt_seg lo = { { d->w[0] } };

	return lo;
}

DT_FN uint64_t dt_sys_base(const struct dt_sys *d)
{
	const struct dt_seg lo = dt_sys_low(d);

	return dt_seg_base(&lo) | dt_sys_base_63_32(d) << 32;
}

DT_FN uint64_t dt_gate_offset(const struct dt_gate *d)
{
	return dt_gate_offset_15_0(d) | dt_gate_offset_31_16(d) << 16 |
	       dt_gate_offset_63_32(d) << 32;
}

/* The 20-bit limit field as written in the descriptor. */
DT_FN uint64_t dt_seg_limit_raw(const struct dt_seg *d)
{
	return dt_seg_limit_15_0(d) | dt_seg_limit_19_16(d) << 16;
}

DT_FN uint64_t dt_sys_limit_raw(const struct dt_sys *d)
{
	const struct dt_seg lo = dt_sys_low(d);

	return dt_seg_limit_raw(&lo);
}

/* Byte limit the CPU applies: with G=1 the field counts 4-KByte units and
 * the low 12 bits of the scaled limit are all ones (SDM 3.4.5). */
DT_FN uint64_t dt_limit_scaled(uint64_t raw20, uint64_t g)
{
	return g ? (raw20 << 12 | 0xfff) : raw20;
}

DT_FN uint64_t dt_seg_limit(const struct dt_seg *d)
{
	return dt_limit_scaled(dt_seg_limit_raw(d), dt_seg_g(d));
}

DT_FN uint64_t dt_sys_limit(const struct dt_sys *d)
{
	return dt_limit_scaled(dt_sys_limit_raw(d), dt_sys_g(d));
}

DT_FN void dt_seg_set_base(struct dt_seg *d, uint64_t base)
{
	dt_seg_set_base_15_0(d, dt_bits(base, 15, 0));
	dt_seg_set_base_23_16(d, dt_bits(base, 23, 16));
	dt_seg_set_base_31_24(d, dt_bits(base, 31, 24));
}

DT_FN void dt_sys_set_base(struct dt_sys *d, uint64_t base)
{
	struct dt_seg lo = dt_sys_low(d);

	dt_seg_set_base(&lo, base);
	d->w[0] = lo.w[0];
	dt_sys_set_base_63_32(d, dt_bits(base, 63, 32));
}

DT_FN void dt_gate_set_offset(struct dt_gate *d, uint64_t off)
{
	dt_gate_set_offset_15_0(d, dt_bits(off, 15, 0));
	dt_gate_set_offset_31_16(d, dt_bits(off, 31, 16));
	dt_gate_set_offset_63_32(d, dt_bits(off, 63, 32));
}

DT_FN void dt_seg_set_limit_raw(struct dt_seg *d, uint64_t raw20)
{
	dt_seg_set_limit_15_0(d, dt_bits(raw20, 15, 0));
	dt_seg_set_limit_19_16(d, dt_bits(raw20, 19, 16));
}

DT_FN void dt_sys_set_limit_raw(struct dt_sys *d, uint64_t raw20)
{
	struct dt_seg lo = dt_sys_low(d);

	dt_seg_set_limit_raw(&lo, raw20);
	d->w[0] = lo.w[0];
}

/* A selector's byte offset into its table: index * 8 (SDM 3.4.2). */
DT_FN uint64_t dt_sel_offset(const struct dt_sel *s)
{
	return dt_sel_index(s) << 3;
}

DT_FN struct dt_sel dt_sel_make(uint64_t index, uint64_t ti, uint64_t rpl)
{
	struct dt_sel s = { { 0 } };

	dt_sel_set_index(&s, index);
	dt_sel_set_ti(&s, ti);
	dt_sel_set_rpl(&s, rpl);
	return s;
}

/*
 * Read a 16-byte system descriptor out of a table image at a selector's
 * offset, the idiom used with sgdt + str: gdt_base + (sel & ~7).  The table
 * is passed as an array of 64-bit words so that this works on any aligned
 * table in guest or host memory.
 */
DT_FN struct dt_sys dt_sys_at(const uint64_t *table, uint64_t selector)
{
	struct dt_sel s = { { selector } };
	uint64_t i = dt_sel_index(&s);
	struct dt_sys d = { { table[i], table[i + 1] } };

	return d;
}

/* ---- memory images ------------------------------------------------------ */

/* The 10-byte pseudo-descriptor stored by sgdt/sidt and loaded by lgdt/lidt
 * (SDM Vol. 3A, Figure 3-11). */
struct dt_pseudo_desc {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
DT_STATIC_ASSERT(sizeof(struct dt_pseudo_desc) == 10, "GDTR image is 10 bytes");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_pseudo_desc, base) == 2,
		 "GDTR base at byte 2");

/* The 64-bit task-state segment (SDM Vol. 3A, Figure 7-11). */
struct dt_tss64 {
	uint32_t reserved0;
	uint64_t rsp0;
	uint64_t rsp1;
	uint64_t rsp2;
	uint64_t reserved1;
	uint64_t ist1;
	uint64_t ist2;
	uint64_t ist3;
	uint64_t ist4;
	uint64_t ist5;
	uint64_t ist6;
	uint64_t ist7;
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
DT_STATIC_ASSERT(sizeof(struct dt_tss64) == 0x68, "64-bit TSS is 104 bytes");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, rsp0) == 0x04, "RSP0 at 0x04");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, rsp1) == 0x0c, "RSP1 at 0x0c");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, rsp2) == 0x14, "RSP2 at 0x14");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, ist1) == 0x24, "IST1 at 0x24");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, ist7) == 0x54, "IST7 at 0x54");
DT_STATIC_ASSERT(DT_OFFSETOF(struct dt_tss64, iomap_base) == 0x66,
		 "I/O map base at 0x66");

/* ISTn by number, 1..7; 0 (no IST) and out-of-range give 0. */
DT_FN uint64_t dt_tss64_ist(const struct dt_tss64 *t, unsigned n)
{
	switch (n) {
	case 1: return t->ist1;
	case 2: return t->ist2;
	case 3: return t->ist3;
	case 4: return t->ist4;
	case 5: return t->ist5;
	case 6: return t->ist6;
	case 7: return t->ist7;
	default: return 0;
	}
}

#endif /* DESCTEST_DESC_H */
