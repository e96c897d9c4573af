/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A guest IDT with one #UD gate, and the guest's way to find out which
 * stack the CPU delivered the #UD on.
 *
 * The handler (dt_ud_rsp_entry) hands the RSP it started with back in RAX
 * and resumes after the 2-byte UD2 (0f 0b).  In IA-32e mode an interrupt
 * gate with a non-zero IST index makes the CPU load RSP from that IST slot
 * of the TSS that TR points to, align it to 16 and push SS, RSP, RFLAGS,
 * CS, RIP (no error code for #UD) -- SDM Vol. 3A 6.14.4 and 6.14.5 -- so
 * with IST1 the handler sees IST1 - DT_UD_FRAME_BYTES.
 *
 * #UD rather than #BP: the paravirtual kvm_pvm delivers #UD and #GP to the
 * guest through its IDT, IST included, but ends the run on INT3.
 */
#ifndef DESCTEST_KVM_GUEST_IDT_H
#define DESCTEST_KVM_GUEST_IDT_H

#include <stdint.h>
#include "compat.h"

#define DT_UD_VECTOR 6
/* SS, RSP, RFLAGS, CS, RIP. */
#define DT_UD_FRAME_BYTES (5 * 8)

extern char dt_ud_rsp_entry[];

/* Guest side: execute UD2 and return the RSP its handler started with. */
static inline uint64_t dt_guest_ud_rsp(void)
{
	uint64_t rsp;

	asm volatile("ud2" : "=a"(rsp) : "a"(0ull) : "memory");
	return rsp;
}

/* One IDT page for the VM holding only the #UD gate: an interrupt gate
 * to dt_ud_rsp_entry with IST index ist (0: no stack switch). */
vm_vaddr_t dt_idt_ud_create(struct kvm_vm *vm, unsigned int ist);

/* Point the vCPU's IDTR at that page (limit: the whole page). */
void dt_vcpu_use_idt(struct kvm_vcpu *vcpu, vm_vaddr_t idt);

#endif /* DESCTEST_KVM_GUEST_IDT_H */
