/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-side reads of the descriptor-table registers (SDM Vol. 2B: SGDT,
 * SIDT, STR, SLDT).  In 64-bit mode SGDT/SIDT store a 10-byte image:
 * 2-byte limit, 8-byte base.  STR and SLDT with a register operand give
 * the 16-bit selector zero-extended.
 */
#ifndef DESCTEST_KVM_GUEST_DT_H
#define DESCTEST_KVM_GUEST_DT_H

#include <stdint.h>
#include "desctest/desc.h"
#include "pcpu_tables.h"

#define DT_GUEST_POISON 0xa5a5a5a5a5a5a5a5ull

struct dt_guest_regs {
	struct dt_pseudo_desc gdtr;
	struct dt_pseudo_desc idtr;
	uint64_t tr;
	uint64_t ldtr;
};

static inline void dt_guest_read_regs(struct dt_guest_regs *r)
{
	asm volatile("sgdt %0" : "=m"(r->gdtr));
	asm volatile("sidt %0" : "=m"(r->idtr));
	/* Poisoned first: a 32-bit destination must come back as the
	 * selector with bits 63:16 clear (in 64-bit mode a 32-bit register
	 * write zero-extends), so a KVM or emulator that writes only 16 bits
	 * shows up as a wrong value, not as a match. */
	r->tr = DT_GUEST_POISON;
	r->ldtr = DT_GUEST_POISON;
	asm volatile("str %k0" : "+r"(r->tr));
	asm volatile("sldt %k0" : "+r"(r->ldtr));
}

/*
 * The guest's first act on a vCPU set up by dt_pcpu_install(): load its
 * own LDT and TSS from its own GDT, as an operating system does.  The
 * CPU (or KVM's emulator, where the hypervisor traps these) checks each
 * descriptor, decodes its base into the hidden part of LDTR/TR and marks
 * the TSS descriptor busy.  Until then TR holds the host's decoy TSS.
 */
static inline void dt_guest_load_tables(uint64_t idx)
{
	uint16_t ldt = dt_pcpu_guest_sel[idx].ldt, tr = dt_pcpu_guest_sel[idx].tr;

	asm volatile("lldt %0" : : "r"(ldt) : "memory");
	asm volatile("ltr %0" : : "r"(tr) : "memory");
}

/* The guest's own TSS descriptor, found the way system code does it:
 * GDT base from SGDT plus the TR selector from STR (index * 8). */
static inline struct dt_sys dt_guest_own_tss_desc(void)
{
	struct dt_guest_regs r;

	dt_guest_read_regs(&r);
	return dt_sys_at((const uint64_t *)r.gdtr.base, r.tr);
}

#endif /* DESCTEST_KVM_GUEST_DT_H */
