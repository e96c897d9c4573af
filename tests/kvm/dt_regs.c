// SPDX-License-Identifier: GPL-2.0-only
/*
 * GDTR, IDTR, TR and LDTR as every vCPU sees them.
 *
 * Each vCPU gets its own GDT, IDT, TSS and LDT at its own high address
 * (see lib/kvm/pcpu_tables.h; bits 31:24 of the bases are 0x80 or more on
 * vCPUs 0, 2, 4, 6 and 7); the host installs GDTR, IDTR, a decoy TR and a
 * null LDTR, and the guest loads its own LDT and TSS with lldt/ltr.  Then
 * it runs SGDT, SIDT, STR and SLDT; the host checks what the guest saw
 * against what it installed -- the bases and limits it chose, not values
 * read back from KVM -- and against KVM_GET_SREGS, and checks TR and
 * LDTR in KVM_GET_SREGS -- the CPU's decode of the descriptors the guest
 * loaded -- against the bases it encoded, and the TSS descriptor in the
 * GDT marked busy.  Results vcpu<i>_gdtr, _idtr, _tr, _ldtr; the values
 * are in the "#" lines.
 */
#include "compat.h"
#include "guest_dt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

/* Filled by each vCPU (guest memory), read back by the host. */
static struct dt_guest_regs seen[DT_MAX_VCPUS];

static void guest_code(uint64_t idx)
{
	dt_guest_load_tables(idx);
	dt_guest_read_regs(&seen[idx]);
	GUEST_DONE();
}

static void check_vcpu(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		       const struct dt_vcpu_tables *t)
{
	const struct dt_guest_regs *r =
		addr_gva2hva(vm, (vm_vaddr_t)&seen[t->vcpu_id]);
	struct kvm_sregs s;
	unsigned int i = t->vcpu_id;
	int ok;

	vcpu_sregs_get(vcpu, &s);

	ok = dt_vcpu_expect_eq(i, "GDTR.base (sgdt vs installed)", r->gdtr.base, t->gdt_base);
	ok &= dt_vcpu_expect_eq(i, "GDTR.limit (sgdt vs installed)", r->gdtr.limit, t->gdt_limit);
	ok &= dt_vcpu_expect_eq(i, "GDTR.base (sgdt vs KVM_GET_SREGS)", r->gdtr.base, s.gdt.base);
	ok &= dt_vcpu_expect_eq(i, "GDTR.limit (sgdt vs KVM_GET_SREGS)", r->gdtr.limit, s.gdt.limit);
	ksft_test_result(ok, "vcpu%u_gdtr\n", i);

	ok = dt_vcpu_expect_eq(i, "IDTR.base (sidt vs installed)", r->idtr.base, t->idt_base);
	ok &= dt_vcpu_expect_eq(i, "IDTR.limit (sidt vs installed)", r->idtr.limit, t->idt_limit);
	ok &= dt_vcpu_expect_eq(i, "IDTR.base (sidt vs KVM_GET_SREGS)", r->idtr.base, s.idt.base);
	ok &= dt_vcpu_expect_eq(i, "IDTR.limit (sidt vs KVM_GET_SREGS)", r->idtr.limit, s.idt.limit);
	ksft_test_result(ok, "vcpu%u_idtr\n", i);

	ok = dt_vcpu_expect_eq(i, "TR selector (str vs installed)", r->tr, t->tr_sel);
	ok &= dt_pcpu_check_tr(t, &s);
	ksft_test_result(ok, "vcpu%u_tr\n", i);

	ok = dt_vcpu_expect_eq(i, "LDTR selector (sldt vs installed)", r->ldtr, t->ldt_sel);
	ok &= dt_pcpu_check_ldtr(t, &s);
	ksft_test_result(ok, "vcpu%u_ldtr\n", i);
}

int main(void)
{
	struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	unsigned int i, n = dt_kvm_begin(4);
	struct kvm_vm *vm;
	struct ucall uc;

	vm = dt_pcpu_vm_create(n, guest_code, vcpus, t);
	for (i = 0; i < n; i++)
		ksft_print_msg("vcpu%u: GDT %#llx limit %#x, TSS %#llx (base 31:24 %#x) "
			       "at TR %#x, LDT %#llx at %#x, IDT %#llx (base 31:24 %#x) "
			       "limit %#x, decoy TSS %#llx\n", i,
			       (unsigned long long)t[i].gdt_base, t[i].gdt_limit,
			       (unsigned long long)t[i].tss_base,
			       dt_base_31_24(t[i].tss_base), t[i].tr_sel,
			       (unsigned long long)t[i].ldt_base, t[i].ldt_sel,
			       (unsigned long long)t[i].idt_base,
			       dt_base_31_24(t[i].idt_base), t[i].idt_limit,
			       (unsigned long long)t[i].decoy_tss_base);
	for (i = 0; i < n; i++) {
		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_DONE);
		check_vcpu(vm, vcpus[i], &t[i]);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
