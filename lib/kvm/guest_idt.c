// SPDX-License-Identifier: GPL-2.0-only
/*
 * The #UD gate and its handler for guests; see guest_idt.h.
 */
#include <string.h>
#include <unistd.h>

#include "desctest/desc.h"
#include "guest_idt.h"
#include "pcpu_tables.h"

/* Return the RSP the CPU gave the handler in RAX and step the saved RIP
 * over the 2-byte UD2. */
asm(".pushsection .text\n"
    ".globl dt_ud_rsp_entry\n"
    "dt_ud_rsp_entry:\n"
    "	movq %rsp, %rax\n"
    "	addq $2, (%rsp)\n"
    "	iretq\n"
    ".popsection\n");

vm_vaddr_t dt_idt_ud_create(struct kvm_vm *vm, unsigned int ist)
{
	vm_vaddr_t idt = vm_vaddr_alloc_page(vm);
	struct dt_gate *gates = addr_gva2hva(vm, idt);
	struct dt_gate g = { { 0, 0 } };

	memset(gates, 0, (size_t)getpagesize());
	dt_gate_set_offset(&g, (uint64_t)dt_ud_rsp_entry);
	dt_gate_set_selector(&g, DT_KERNEL_CS);
	dt_gate_set_ist(&g, ist);
	dt_gate_set_type(&g, DT_SYS_INTR_GATE64);
	dt_gate_set_p(&g, 1);
	gates[DT_UD_VECTOR] = g;
	return idt;
}

void dt_vcpu_use_idt(struct kvm_vcpu *vcpu, vm_vaddr_t idt)
{
	struct kvm_sregs sr;

	vcpu_sregs_get(vcpu, &sr);
	sr.idt.base = idt;
	sr.idt.limit = (uint16_t)(getpagesize() - 1);
	vcpu_sregs_set(vcpu, &sr);
}
