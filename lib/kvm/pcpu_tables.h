/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU descriptor tables, loaded by the guest itself.
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
 * Who loads what.  The host installs GDTR and IDTR with KVM_SET_SREGS.  TR
 * starts on a throw-away "decoy" TSS (its own page, its own IST1 stack,
 * selector DT_DECOY_TR_SEL whose GDT slot stays empty) and LDTR starts
 * null; the guest's first act, dt_guest_load_tables(), is `lldt` and
 * `ltr` of its own selectors from its own GDT.  The TSS descriptor is
 * written *available* (type 9): the CPU checks it, decodes the base into
 * TR's hidden part and marks the descriptor busy (type 0xb) -- SDM Vol. 3A
 * 7.2.4.  So KVM_GET_SREGS tr.base / ldt.base after the run is the CPU's
 * own decode of the descriptor (dt_pcpu_check_tr/ldtr()), and a TR still
 * holding the decoy shows as a different base, an IST1 stack of the wrong
 * page and a GDT descriptor that is not busy.
 *
 * GDT layout of every vCPU (selectors as the framework uses them, so the
 * CS/DS it loaded stay valid):
 *   0x00 null, 0x08 64-bit code, 0x10 data,
 *   tr_sel (0x18 + 0x10 * (vCPU % 4)): the 64-bit TSS descriptor,
 *   ldt_sel (0x60): the LDT descriptor,
 *   every other slot up to the limit (one page) zero: free for tests
 *   (dt_pcpu_gdt_slot_free()), DT_DECOY_TR_SEL's slot included.
 * The LDT (two data descriptors) sits in the TSS page at offset
 * DT_LDT_OFFSET, so its base is high and per vCPU too.  The pages after
 * the TSS page hold the IST1 stack, the decoy TSS and the decoy's IST1
 * stack.  The IDT is the vCPU's own too: the page after its GDT
 * (dt_pcpu_idt_base()), installed by the host with KVM_SET_SREGS and
 * holding a copy of the framework's gates (6.10+: its exception handlers;
 * 6.1 has none, and the page stays empty).
 *
 * Memory.  Every page above, and every page-table page that maps them,
 * comes from a memslot of their own (DT_PCPU_MEMSLOT at DT_PCPU_GPA),
 * added by dt_vm_create() with DT_PCPU_PAGES_PER_VCPU pages per vCPU;
 * memslot 0 gives nothing to the tables.
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
/* 256 16-byte gates: one page. */
#define DT_IDT_LIMIT 0xfff
#define DT_PCPU_PAGE 0x1000ull
/* IST1 of every vCPU's TSS points at the top of a page of its own. */
#define DT_IST_INDEX 1
/* TR before the guest's ltr: a selector whose GDT slot is empty, so no
 * descriptor in the GDT names the decoy. */
#define DT_DECOY_TR_SEL 0x70

/* The memslot of the tables (pages and their page tables). */
#define DT_PCPU_MEMSLOT DT_TABLES_MEMSLOT
#define DT_PCPU_GPA DT_TABLES_GPA

struct dt_vcpu_tables {
	unsigned int vcpu_id;
	uint64_t gdt_base; /* GDTR.base, a guest virtual address */
	uint16_t gdt_limit;
	uint64_t tss_base; /* TSS base its descriptor encodes */
	uint32_t tss_limit;
	uint16_t tr_sel;
	uint64_t ist_top;  /* IST1 in the TSS: top of the IST stack page */
	uint64_t idt_base; /* IDTR.base the host installed: dt_pcpu_idt_base() */
	uint16_t idt_limit;
	uint16_t ldt_sel;  /* LDT selector the guest loads */
	uint64_t ldt_base;
	uint32_t ldt_limit;
	uint64_t decoy_tss_base; /* TR.base before the guest's ltr */
	uint64_t decoy_ist_top;  /* IST1 of the decoy TSS */
	uint64_t *gdt;     /* host view of the GDT page */
	struct dt_tss64 *tss; /* host view of the TSS page */
};

/* vCPUs a test should create: at least 8 (every fixed base below on a
 * vCPU) and one per online host CPU, capped at DT_MAX_VCPUS (the
 * framework's own KVM_MAX_VCPUS) and at what this KVM allows.  The
 * environment variable DESCTEST_KVM_VCPUS=N asks for more. */
#define DT_MAX_VCPUS 512
unsigned int dt_pcpu_nr_vcpus(void);

/* Pages of the tables' memslot per vCPU: 6 data pages (GDT, IDT, TSS +
 * LDT, IST1 stack, decoy TSS, decoy stack) and at most 8 page-table
 * pages. */
#define DT_PCPU_PAGES_PER_VCPU 16

/* The TSS base vCPU i gets: a fixed list covering the edge cases, then
 * generated values for larger hosts.  Pure: tests print it, never guess. */
uint64_t dt_pcpu_tss_base(unsigned int i);
/* The GDT base vCPU i gets (also high and distinct). */
uint64_t dt_pcpu_gdt_base(unsigned int i);
/* The IDT base vCPU i gets: the page after its GDT. */
uint64_t dt_pcpu_idt_base(unsigned int i);

/*
 * Build vCPU i's GDT, IDT, TSS, LDT and decoy TSS in the tables' memslot,
 * map them at dt_pcpu_gdt_base(i), dt_pcpu_idt_base(i) and
 * dt_pcpu_tss_base(i), and install GDTR, IDTR, the decoy TR and a null
 * LDTR with KVM_SET_SREGS (everything else the
 * framework set is kept).  The guest must call dt_guest_load_tables(i)
 * (guest_dt.h) before anything that reads TR or LDTR.  Fills *t.
 */
void dt_pcpu_install(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		     unsigned int i, struct dt_vcpu_tables *t);

/*
 * The VM set-up at the top of every per-vCPU program: a VM of n vCPUs
 * (dt_vm_create()) all starting at guest_code, each with its tables
 * installed and its index as first argument (vcpu_args_set(vcpu, 1, i);
 * a program that wants more arguments sets them again, index first).
 */
struct kvm_vm *dt_pcpu_vm_create(unsigned int n, void *guest_code,
				 struct kvm_vcpu *vcpus[],
				 struct dt_vcpu_tables t[]);

/*
 * After the guest's ltr/lldt: TR and LDTR as KVM_GET_SREGS reports them
 * (the CPU's decode of the descriptors) against what was installed, and
 * the TSS descriptor in the GDT marked busy by the CPU.  Each field that
 * differs is printed as "# vcpuN <field>: seen 0x.., wanted 0x.."; returns
 * 1 when all match.
 */
int dt_pcpu_check_tr(const struct dt_vcpu_tables *t, const struct kvm_sregs *s);
int dt_pcpu_check_ldtr(const struct dt_vcpu_tables *t, const struct kvm_sregs *s);

/* A GDT slot (index) that no installed descriptor uses. */
int dt_pcpu_gdt_slot_free(const struct dt_vcpu_tables *t, unsigned int index);

/* Guest side (read by dt_guest_load_tables()): the selectors vCPU i
 * loads, written by dt_pcpu_install(). */
struct dt_pcpu_guest_sel {
	uint16_t tr;
	uint16_t ldt;
};
extern struct dt_pcpu_guest_sel dt_pcpu_guest_sel[DT_MAX_VCPUS];

/* "base2" (bits 31:24) of a base: the byte the sign-extension bug is about. */
static inline unsigned int dt_base_31_24(uint64_t base)
{
	return (unsigned int)((base >> 24) & 0xff);
}

#endif /* DESCTEST_KVM_PCPU_TABLES_H */
