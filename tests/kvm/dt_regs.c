// SPDX-License-Identifier: GPL-2.0-only
/*
 * GDTR, IDTR, TR and LDTR as every vCPU sees them.
 *
 * Each vCPU gets its own GDT and TSS at its own high address (see
 * lib/kvm/pcpu_tables.h).  The guest runs SGDT, SIDT, STR and SLDT; the
 * host checks what the guest saw against what it installed and against
 * KVM_GET_SREGS.  One KTAP line per vCPU and register.
 */
#include "compat.h"
#include "guest_dt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

/* Filled by each vCPU (guest memory), read back by the host. */
static struct dt_guest_regs seen[DT_MAX_VCPUS];

static void guest_code(uint64_t idx)
{
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

	ok = dt_expect_eq("GDTR.base (sgdt vs installed)", r->gdtr.base, t->gdt_base);
	ok &= dt_expect_eq("GDTR.limit (sgdt vs installed)", r->gdtr.limit, t->gdt_limit);
	ok &= dt_expect_eq("GDTR.base (sgdt vs KVM_GET_SREGS)", r->gdtr.base, s.gdt.base);
	ok &= dt_expect_eq("GDTR.limit (sgdt vs KVM_GET_SREGS)", r->gdtr.limit, s.gdt.limit);
	ksft_test_result(ok, "vcpu%u GDTR base %#llx limit %#x\n", i,
			 (unsigned long long)t->gdt_base, t->gdt_limit);

	ok = dt_expect_eq("IDTR.base (sidt vs installed)", r->idtr.base, t->idt_base);
	ok &= dt_expect_eq("IDTR.limit (sidt vs installed)", r->idtr.limit, t->idt_limit);
	ok &= dt_expect_eq("IDTR.base (sidt vs KVM_GET_SREGS)", r->idtr.base, s.idt.base);
	ok &= dt_expect_eq("IDTR.limit (sidt vs KVM_GET_SREGS)", r->idtr.limit, s.idt.limit);
	ksft_test_result(ok, "vcpu%u IDTR base %#llx limit %#x\n", i,
			 (unsigned long long)t->idt_base, t->idt_limit);

	ok = dt_expect_eq("TR selector (str vs installed)", r->tr, t->tr_sel);
	ok &= dt_expect_eq("TR selector (str vs KVM_GET_SREGS)", r->tr, s.tr.selector);
	ok &= dt_expect_eq("TR.base (KVM_GET_SREGS vs installed)", s.tr.base, t->tss_base);
	ok &= dt_expect_eq("TR.limit (KVM_GET_SREGS vs installed)", s.tr.limit, t->tss_limit);
	ksft_test_result(ok, "vcpu%u TR selector %#x base %#llx\n", i, t->tr_sel,
			 (unsigned long long)t->tss_base);

	ok = dt_expect_eq("LDTR selector (sldt vs installed)", r->ldtr, t->ldt_sel);
	ok &= dt_expect_eq("LDTR selector (sldt vs KVM_GET_SREGS)", r->ldtr, s.ldt.selector);
	ok &= dt_expect_eq("LDTR.base (KVM_GET_SREGS vs installed)", s.ldt.base, t->ldt_base);
	ok &= dt_expect_eq("LDTR.limit (KVM_GET_SREGS vs installed)", s.ldt.limit, t->ldt_limit);
	ksft_test_result(ok, "vcpu%u LDTR selector %#x base %#llx\n", i, t->ldt_sel,
			 (unsigned long long)t->ldt_base);
}

int main(void)
{
	struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	unsigned int i, n = dt_pcpu_nr_vcpus();
	struct kvm_vm *vm;
	struct ucall uc;

	dt_kvm_require();
	ksft_print_header();
	ksft_set_plan(n * 4);

	vm = dt_vm_create(n, guest_code, vcpus, n * DT_PCPU_PAGES_PER_VCPU);
	for (i = 0; i < n; i++) {
		dt_pcpu_install(vm, vcpus[i], i, &t[i]);
		vcpu_args_set(vcpus[i], 1, (uint64_t)i);
		ksft_print_msg("vcpu%u: GDT %#llx, TSS %#llx (base 31:24 %#x), TR %#x, "
			       "LDT %#llx\n", i, (unsigned long long)t[i].gdt_base,
			       (unsigned long long)t[i].tss_base,
			       dt_base_31_24(t[i].tss_base), t[i].tr_sel,
			       (unsigned long long)t[i].ldt_base);
	}
	for (i = 0; i < n; i++) {
		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_DONE);
		check_vcpu(vm, vcpus[i], &t[i]);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
