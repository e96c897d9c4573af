/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU descriptor tables.
 *
 * From Linux 6.10 the KVM selftests framework gives every vCPU of a VM one
 * shared GDT and TSS at a low address, where the get_desc64_base() sign
 * extension (base bits 31:24 >= 0x80) can never show.  desctest replaces
 * them: each vCPU gets its own GDT page and its own 64-bit TSS page,
 * mapped at distinct canonical guest virtual addresses chosen so that the
 * set covers base bits 31:24 (the descriptor's "base2") below and above
 * 0x80 and base bits 63:32 ("base3") zero and kernel-style high, including
 * 0xfffffe7cf8d65000 exactly.  The host keeps what it installed in
 * struct dt_vcpu_tables: the known values every check compares with.
 *
 * GDT layout of every vCPU (selectors as the framework uses them, so the
 * CS/DS it loaded stay valid):
 *   0x00 null, 0x08 64-bit code, 0x10 data,
 *   tr_sel (0x18 + 0x10 * (vCPU % 4)): the busy 64-bit TSS descriptor,
 *   ldt_sel (0x60): the LDT descriptor,
 *   every other slot up to the limit (one page) zero: free for tests
 *   (dt_pcpu_gdt_slot_free()).
 * The LDT (two data descriptors) sits in the TSS page at offset
 * DT_LDT_OFFSET, so its base is high and per vCPU too.  The IDT is the
 * framework's (6.10+: one shared page; 6.1: none).
 */
#ifndef DESCTEST_KVM_PCPU_TABLES_H
#define DESCTEST_KVM_PCPU_TABLES_H

#include <stdint.h>
#include "compat.h"

#define DT_KERNEL_CS 0x08
#define DT_KERNEL_DS 0x10
#define DT_GDT_LIMIT 0xfff
#define DT_TSS_LIMIT 0x67
#define DT_LDT_SEL 0x60
#define DT_LDT_OFFSET 0x800
#define DT_LDT_LIMIT 0xf
/* IST1 of every vCPU's TSS points at the top of a page of its own. */
#define DT_IST_INDEX 1

struct dt_vcpu_tables {
	unsigned int vcpu_id;
	uint64_t gdt_base; /* GDTR.base, a guest virtual address */
	uint16_t gdt_limit;
	uint64_t tss_base; /* TSS base in the TR and its descriptor */
	uint32_t tss_limit;
	uint16_t tr_sel;
	uint64_t ist_top;  /* IST1 in the TSS: top of the IST stack page */
	uint64_t idt_base; /* IDTR as installed (the framework's) */
	uint16_t idt_limit;
	uint16_t ldt_sel;  /* LDTR as installed */
	uint64_t ldt_base;
	uint32_t ldt_limit;
	uint64_t *gdt;     /* host view of the GDT page */
	struct dt_tss64 *tss; /* host view of the TSS page */
};

/* vCPUs a test should create: at least 8 (every fixed base below on a
 * vCPU) and one per online host CPU, capped at DT_MAX_VCPUS (the
 * framework's own KVM_MAX_VCPUS) and at what this KVM allows.  The
 * environment variable DESCTEST_KVM_VCPUS=N asks for more. */
#define DT_MAX_VCPUS 512
unsigned int dt_pcpu_nr_vcpus(void);

/* Guest pages dt_pcpu_install() needs per vCPU (for dt_vm_create()). */
#define DT_PCPU_PAGES_PER_VCPU 16

/* The TSS base vCPU i gets: a fixed list covering the edge cases, then
 * generated values for larger hosts.  Pure: tests print it, never guess. */
uint64_t dt_pcpu_tss_base(unsigned int i);
/* The GDT base vCPU i gets (also high and distinct). */
uint64_t dt_pcpu_gdt_base(unsigned int i);

/*
 * Build vCPU i's GDT and TSS, map them at dt_pcpu_gdt_base(i) and
 * dt_pcpu_tss_base(i), and install them with KVM_SET_SREGS (GDTR, TR;
 * everything else the framework set is kept).  Fills *t.
 */
void dt_pcpu_install(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		     unsigned int i, struct dt_vcpu_tables *t);

/* A GDT slot (index) that no installed descriptor uses. */
int dt_pcpu_gdt_slot_free(const struct dt_vcpu_tables *t, unsigned int index);

/* "base2" (bits 31:24) of a base: the byte the sign-extension bug is about. */
static inline unsigned int dt_base_31_24(uint64_t base)
{
	return (unsigned int)((base >> 24) & 0xff);
}

#endif /* DESCTEST_KVM_PCPU_TABLES_H */
