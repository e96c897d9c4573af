// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the oracle expects, from the reference decoder (include/desctest/
 * desc.h) and the SDM:
 *   - base: all 64 bits of a TSS/LDT descriptor (Figure 7-4); for FS/GS
 *     the descriptor's 32 bits, zero-extended: in 64-bit mode MOV to FS or
 *     GS loads base bits 31:0 and clears 63:32 (SDM Vol. 3A 3.4.4).
 *   - limit: the byte limit, the 20-bit field scaled by G (SDM 3.4.5).
 *   - type: LTR marks the TSS busy, type 9 becomes 11, in the register
 *     and in the GDT (SDM Vol. 2A, LTR); MOV to FS/GS sets the accessed
 *     bit (type bit 0) in the descriptor and in the register (SDM
 *     3.4.5.1); LLDT changes nothing.
 *   - S, DPL, P, AVL, L, D/B, G: as in the descriptor; the selector as
 *     loaded, RPL included; the register usable.
 */
#include <stdio.h>
#include <string.h>
#include "desctest/ktap.h"
#include "oracle_check.h"

/* Bit 53 (L) and bit 54 (D/B) sit at the same place in both layouts; the
 * system layout names neither, so they are read through the segment view
 * of the same low word. */
static struct dt_seg low_word(const struct oracle_desc *d)
{
	struct dt_seg s = { { d->slot.w[0] } };

	return s;
}

void oracle_want_sreg(enum oracle_kind k, const struct oracle_desc *d,
		      struct kvm_segment *want)
{
	struct dt_seg lo = low_word(d);

	memset(want, 0, sizeof(*want));
	want->selector = d->sel;
	want->l = (uint8_t)dt_seg_l(&lo);
	want->db = (uint8_t)dt_seg_db(&lo);
	if (oracle_kind_is_system(k)) {
		want->base = dt_sys_base(&d->slot);
		want->limit = (uint32_t)dt_sys_limit(&d->slot);
		want->type = (uint8_t)dt_sys_type(&d->slot);
		if (k == ORACLE_TR)
			want->type = DT_SYS_TSS64_BUSY;
		want->s = (uint8_t)dt_sys_s(&d->slot);
		want->dpl = (uint8_t)dt_sys_dpl(&d->slot);
		want->present = (uint8_t)dt_sys_p(&d->slot);
		want->avl = (uint8_t)dt_sys_avl(&d->slot);
		want->g = (uint8_t)dt_sys_g(&d->slot);
	} else {
		want->base = dt_seg_base(&lo);
		want->limit = (uint32_t)dt_seg_limit(&lo);
		want->type = (uint8_t)(dt_seg_type(&lo) | DT_TYPE_ACCESSED);
		want->s = (uint8_t)dt_seg_s(&lo);
		want->dpl = (uint8_t)dt_seg_dpl(&lo);
		want->present = (uint8_t)dt_seg_p(&lo);
		want->avl = (uint8_t)dt_seg_avl(&lo);
		want->g = (uint8_t)dt_seg_g(&lo);
	}
	want->unusable = 0;
}

int oracle_want_svm_g(struct kvm_segment *want)
{
	uint8_t g = want->limit > 0xfffff;

	if (want->g == g)
		return 0;
	want->g = g;
	return 1;
}

void oracle_want_slot(enum oracle_kind k, const struct oracle_desc *d,
		      struct dt_sys *want)
{
	*want = d->slot;
	if (k == ORACLE_TR) {
		dt_sys_set_type(want, DT_SYS_TSS64_BUSY);
	} else if (!oracle_kind_is_system(k)) {
		struct dt_seg lo = { { want->w[0] } };

		dt_seg_set_type(&lo, dt_seg_type(&lo) | DT_TYPE_ACCESSED);
		want->w[0] = lo.w[0];
	}
}

/* When they differ, append the line "<what>: <name> seen 0x.. wanted
 * 0x..  <-- MISMATCH" (desctest/ktap.h's DT_SEEN_WANTED_FMT). */
static int diff_field(char *buf, size_t len, size_t *pos, const char *what,
		      const char *name, uint64_t seen, uint64_t want)
{
	if (seen == want)
		return 0;
	if (*pos < len) {
		int n = snprintf(buf + *pos, len - *pos, DT_SEEN_WANTED_FMT "\n",
				 what, name, (unsigned long long)seen,
				 (unsigned long long)want, dt_mismatch_mark(seen, want));
		if (n > 0)
			*pos += (size_t)n;
	}
	return 1;
}

/* Every field of struct kvm_segment the load defines. */
#define SREG_FIELDS(X)                                                        \
	X(selector) X(base) X(limit) X(type) X(present) X(dpl) X(db) X(s)    \
	X(l) X(g) X(avl) X(unusable)

int oracle_diff_sreg(const struct kvm_segment *seen,
		     const struct kvm_segment *want, const char *what, char *buf,
		     size_t len)
{
	size_t pos = 0;
	int n = 0;

	buf[0] = '\0';
#define DIFF_SREG(f) n += diff_field(buf, len, &pos, what, #f, seen->f, want->f);
	SREG_FIELDS(DIFF_SREG)
#undef DIFF_SREG
	return n;
}

int oracle_diff_slot(enum oracle_kind k, const struct dt_sys *seen,
		     const struct dt_sys *want, const char *what, char *buf,
		     size_t len)
{
	size_t pos = 0;
	int n = 0;

	buf[0] = '\0';
	if (oracle_kind_is_system(k)) {
#define DIFF_SYS(name, word, hi, lo)                                          \
	n += diff_field(buf, len, &pos, what, "gdt." #name,                  \
			dt_sys_##name(seen), dt_sys_##name(want));
		DT_SYS_FIELDS(DIFF_SYS)
#undef DIFF_SYS
	} else {
		struct dt_seg s = { { seen->w[0] } }, w = { { want->w[0] } };

#define DIFF_SEG(name, word, hi, lo)                                          \
	n += diff_field(buf, len, &pos, what, "gdt." #name,                  \
			dt_seg_##name(&s), dt_seg_##name(&w));
		DT_SEG_FIELDS(DIFF_SEG)
#undef DIFF_SEG
		n += diff_field(buf, len, &pos, what, "gdt.word1", seen->w[1],
				want->w[1]);
	}
	return n;
}
