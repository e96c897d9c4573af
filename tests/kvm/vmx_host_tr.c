// SPDX-License-Identifier: GPL-2.0-only
/*
 * HOST_TR_BASE as the framework's own vmx.c writes it, and what a VM exit
 * does with it.
 *
 * get_desc64_base() has one caller in the KVM selftests framework:
 * init_vmcs_host_state() (lib/x86_64/vmx.c, reached through
 * prepare_vmcs()) writes HOST_TR_BASE from it, for the GDT and TR of the
 * L1 vCPU that prepares the VMCS.  On every VM exit the CPU loads TR's
 * base from HOST_TR_BASE (SDM Vol. 3C 28.5.2), without looking at the
 * descriptor again; the next event that reads the TSS -- here a #UD
 * through an IST gate -- uses that base.
 *
 * Each L1 vCPU runs on its own GDT and TSS (lib/kvm/pcpu_tables.h, bases
 * with bits 31:24 below and above 0x80, 0xfffffe7cf8d65000 among them),
 * loads them with lldt/ltr, enters VMX operation and calls the framework's
 * prepare_for_vmx_operation(), load_vmcs() and prepare_vmcs().  It reads
 * HOST_TR_BASE, HOST_TR_SELECTOR and HOST_GDTR_BASE back with vmread and
 * reports them; then it launches an L2 whose only instruction is vmcall,
 * and after that VM exit runs the IST probe: a UD2 at a label of its own
 * (vmx_ist_probe_ud2) through its IDT's IST1 gate.
 * Results per vCPU i:
 *   vcpu<i>_host_tr_base  the three host fields against the TSS base, TR
 *       selector and GDT base the host installed (and the CPU decoded at
 *       ltr: kvm:dt_regs checks that part).
 *   vcpu<i>_vmexit_ist    the VM exit was the vmcall; after it STR and
 *       KVM_GET_SREGS TR are the vCPU's own TSS (base, limit, busy type,
 *       busy bit in the GDT); the #UD handler ran on IST1 - 40 of that TSS.
 *       The verdict is vmx_ist_verdict.h's dt_vmx_ist_decide(), a pure
 *       function the unit test vmx_ist_verdict_test.cpp drives.
 *
 * Built twice.  vmx_host_tr links the default (patched) framework: every
 * line must pass.  vmx_host_tr_unpatched (default tree only) links a
 * framework library compiled from the tree as Debian ships it
 * (lib/kvm/build.mk: KVM_PRISTINE_LIB), so the real vmx.c calls the
 * pristine helper, whose "base2 << 24" is done in int.  On a vCPU whose
 * base has bits 31:24 >= 0x80 (and bits 63:32 not already all ones)
 * HOST_TR_BASE then holds the sign-extended base: exactly that value is
 * an XFAIL naming the bug; after the VM exit TR.base is that value and the
 * #UD's IST1 read from it faults, which ends as a triple fault
 * (KVM_EXIT_SHUTDOWN) or, where that address happens to be mapped, a
 * wrong stack.  vcpu<i>_vmexit_ist is an XFAIL only when the VM exit was
 * the vmcall (VM_EXIT_REASON 18: not a VM-entry failure, which loads the
 * host state too), STR is the vCPU's own selector, the rest of TR and the
 * GDT's busy bit are as installed, TR.base is exactly the sign-extended
 * value, and then either the shutdown's RIP is the probe's UD2 or the
 * run ended with the #UD on a stack other than IST1 - 40.  Everything
 * else must pass; anything else is a FAIL, its values printed.
 *
 * Needs VMX in the vCPUs' CPUID: kvm_intel loaded with nested=1.  Where
 * KVM offers no VMX (every AMD host; make vm_tests' kvm_amd guests) every
 * result is a SKIP saying so; make bochs_tests runs it on an emulated
 * Intel CPU.
 */
#include "compat.h"
#include "guest_dt.h"
#include "guest_idt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"
#include "vmx.h"
#include "desctest/prefix_model.h"
#include "vmx_ist_verdict.h"

_Static_assert(DT_VMX_EXIT_VMCALL == EXIT_REASON_VMCALL,
	       "vmx_ist_verdict.h's VMCALL exit reason is the framework's");

#ifndef DT_UNPATCHED_HELPER
#define DT_UNPATCHED_HELPER 0
#endif

/*
 * The VMX pages come from memslot 0, the framework's default size:
 * vcpu_alloc_vmx() takes 7 pages per vCPU and the L2 stack one more.
 * Measured on the 6.12 framework: a VM of 32 vCPUs has 457 pages of
 * memslot 0 unused after its creation and 200 after their VMX pages and
 * the IDT page.  So at most 32 vCPUs, whatever dt_pcpu_nr_vcpus() says
 * (tests/kvm/README.md).
 */
#define VMX_MAX_VCPUS 32

struct vmx_seen {
	uint64_t host_tr_base;  /* vmread after prepare_vmcs() */
	uint64_t host_tr_sel;
	uint64_t host_gdtr_base;
	uint64_t launch_failed; /* vmlaunch fell through */
	uint64_t insn_error;    /* VM_INSTRUCTION_ERROR when it did */
	uint64_t exit_reason;   /* VM_EXIT_REASON after the exit */
	uint64_t tr_after;      /* STR after the exit */
	uint64_t rsp;           /* RSP in the #UD handler after the exit */
};

/* What the host writes into the fields the guest sets after the VM exit,
 * before the run: a field the guest never reached keeps it. */
#define VMX_SEEN_UNSET DT_GUEST_POISON

static struct vmx_seen seen[DT_MAX_VCPUS];

/*
 * The IST probe: UD2 at a label of its own, so that a shutdown can be
 * placed at exactly this instruction (its RIP).  The #UD handler
 * (guest_idt.c) hands back in RAX the RSP it started with and resumes
 * after the UD2, at the ret; nothing else is touched.
 */
uint64_t vmx_ist_probe(void);
extern char vmx_ist_probe_ud2[];
asm(".pushsection .text\n"
    ".globl vmx_ist_probe\n"
    ".type vmx_ist_probe, @function\n"
    "vmx_ist_probe:\n"
    "	xorl %eax, %eax\n"
    ".globl vmx_ist_probe_ud2\n"
    "vmx_ist_probe_ud2:\n"
    "	ud2\n"
    "	ret\n"
    ".size vmx_ist_probe, . - vmx_ist_probe\n"
    ".popsection\n");

/* L2: straight back to L1.  vmcall always exits to L1 (SDM Vol. 3C
 * 26.1.2); no registers are needed across it. */
static void l2_guest_code(void)
{
	asm volatile("vmcall" : : : "memory");
}

static void guest_code(uint64_t idx, uint64_t vmx_gva, uint64_t l2_stack_top)
{
	struct vmx_pages *vmx = (struct vmx_pages *)vmx_gva;
	struct vmx_seen *s = &seen[idx];
	uint64_t tr = DT_GUEST_POISON;

	dt_guest_load_tables(idx);
	GUEST_ASSERT(prepare_for_vmx_operation(vmx));
	GUEST_ASSERT(load_vmcs(vmx));
	prepare_vmcs(vmx, l2_guest_code, (void *)l2_stack_top);
	s->host_tr_base = vmreadz(HOST_TR_BASE);
	s->host_tr_sel = vmreadz(HOST_TR_SELECTOR);
	s->host_gdtr_base = vmreadz(HOST_GDTR_BASE);
	GUEST_SYNC(0);

	if (vmlaunch()) {
		s->launch_failed = 1;
		s->insn_error = vmreadz(VM_INSTRUCTION_ERROR);
		GUEST_DONE();
		return;
	}
	/* Back in L1 with the host state of the VMCS: TR.base is now
	 * whatever HOST_TR_BASE held. */
	s->exit_reason = vmreadz(VM_EXIT_REASON);
	asm volatile("str %k0" : "+r"(tr));
	s->tr_after = tr;
	s->rsp = vmx_ist_probe();
	GUEST_DONE();
}

/* Where KVM gives its guests no VMX: why, for the SKIP lines. */
static const char *no_vmx_reason(enum dt_kvm_flavour kvm)
{
	switch (kvm) {
	case DT_KVM_INTEL:
		return "kvm_intel offers its guests no VMX: load it with nested=1";
	case DT_KVM_AMD:
		return "kvm_amd: an AMD CPU nests SVM, not VMX, and nested SVM does "
		       "not use get_desc64_base(); needs kvm_intel with nested=1 "
		       "(make bochs_tests runs it on an emulated Intel CPU)";
	case DT_KVM_PVM:
		return "kvm_pvm offers its guests no VMX; needs kvm_intel with "
		       "nested=1 (make bochs_tests runs it on an emulated Intel CPU)";
	default:
		return "this KVM offers its guests no VMX (CPUID.1:ECX.VMX clear in "
		       "KVM_GET_SUPPORTED_CPUID); needs kvm_intel with nested=1";
	}
}

static void report_host_tr_base(unsigned int i, const struct dt_vcpu_tables *t,
				const struct vmx_seen *s)
{
	uint64_t want = t->tss_base, model = dt_prefix_model(want);
	unsigned int base2 = dt_base_31_24(want);
	int bug_shows = DT_UNPATCHED_HELPER && model != want;
	char name[32];
	int ok;

	snprintf(name, sizeof(name), "vcpu%u_host_tr_base", i);
	ksft_print_msg("vcpu%u TSS base %#llx (base 31:24 %#x) at TR %#x, GDT %#llx\n",
		       i, (unsigned long long)want, base2, t->tr_sel,
		       (unsigned long long)t->gdt_base);
	ok = dt_vcpu_expect_eq(i, "HOST_TR_SELECTOR (vmread)", s->host_tr_sel, t->tr_sel);
	ok &= dt_vcpu_expect_eq(i, "HOST_GDTR_BASE (vmread)", s->host_gdtr_base,
				t->gdt_base);
	if (dt_vcpu_expect_eq(i, "HOST_TR_BASE (vmread)", s->host_tr_base, want)) {
		if (bug_shows) {
			/* The pristine helper must sign-extend here: is the
			 * framework really the unpatched one? */
			dt_vcpu_expect_eq(i, "HOST_TR_BASE (vmread) against the "
					  "pristine helper's sign extension",
					  s->host_tr_base, model);
			ok = 0;
		} else if (DT_UNPATCHED_HELPER && dt_prefix_bug_range(want)) {
			ksft_print_msg("vcpu%u HOST_TR_BASE: sign extension invisible, "
				       "base 63:32 all ones\n", i);
		}
		ksft_test_result(ok, "%s\n", name);
		return;
	}
	if (ok && bug_shows && s->host_tr_base == model) {
		dt_result_xfail(name, "known bug of the unpatched helper: prepare_vmcs() "
				     "wrote HOST_TR_BASE from get_desc64_base(), base 31:24 "
				     "<< 24 is a signed int, sign-extends and wipes base3\n");
		return;
	}
	ksft_test_result_fail("%s\n", name);
}

/* KVM_GET_SREGS TR and the GDT's busy bit after the VM exit, all but the
 * base (which the verdict weighs against the model): 1 when as installed.
 * A VM exit loads TR's limit as 0x67 and its type as busy (SDM Vol. 3C
 * 28.5.2), which is what the host installs. */
static int tr_rest_ok(const struct dt_vcpu_tables *t, const struct kvm_sregs *sr)
{
	const struct dt_sys d = dt_sys_at(t->gdt, t->tr_sel);
	unsigned int i = t->vcpu_id;
	int ok;

	ok = dt_vcpu_expect_eq(i, "TR.selector (KVM_GET_SREGS)", sr->tr.selector,
			       t->tr_sel);
	ok &= dt_vcpu_expect_eq(i, "TR.limit (KVM_GET_SREGS)", sr->tr.limit,
				t->tss_limit);
	ok &= dt_vcpu_expect_eq(i, "TR.type (KVM_GET_SREGS)", sr->tr.type,
				DT_SYS_TSS64_BUSY);
	ok &= dt_vcpu_expect_eq(i, "TSS descriptor type in the GDT (ltr marks it busy)",
				dt_sys_type(&d), DT_SYS_TSS64_BUSY);
	return ok;
}

/*
 * After the VM exit.  exit_reason is the vCPU's last KVM exit: KVM_EXIT_IO
 * (its UCALL_DONE) or KVM_EXIT_SHUTDOWN.  Every value the verdict reads is
 * printed, seen beside wanted, before the result.
 */
static void report_vmexit_ist(unsigned int i, struct kvm_vcpu *vcpu,
			      const struct dt_vcpu_tables *t,
			      const struct vmx_seen *s, uint32_t exit_reason)
{
	uint64_t want = t->tss_base, model = dt_prefix_model(want);
	struct dt_vmx_ist_seen v = {
		.bug_shows = DT_UNPATCHED_HELPER && model != want,
		.shutdown = exit_reason == KVM_EXIT_SHUTDOWN,
		.probe_ud2 = (uint64_t)vmx_ist_probe_ud2,
		.launch_failed = s->launch_failed,
		.exit_reason = s->exit_reason,
		.str = s->tr_after,
		.tr_sel = t->tr_sel,
		.tss_base = want,
		.model = model,
		.rsp = s->rsp,
		.rsp_want = t->ist_top - DT_UD_FRAME_BYTES,
	};
	enum dt_vmx_ist_verdict verdict;
	struct kvm_sregs sr;
	struct kvm_regs regs;
	const char *why;
	char name[32];

	snprintf(name, sizeof(name), "vcpu%u_vmexit_ist", i);
	vcpu_sregs_get(vcpu, &sr);
	if (s->launch_failed)
		dt_vcpu_expect_eq(i, "vmlaunch: VM_INSTRUCTION_ERROR", s->insn_error, 0);
	dt_vcpu_expect_eq(i, "VM_EXIT_REASON", s->exit_reason, EXIT_REASON_VMCALL);
	dt_vcpu_expect_eq(i, "STR selector after the VM exit", s->tr_after, t->tr_sel);
	v.tr_rest_ok = tr_rest_ok(t, &sr);
	v.tr_base = sr.tr.base;
	dt_vcpu_expect_eq(i, "TR.base (KVM_GET_SREGS) after the VM exit", sr.tr.base,
			  want);
	if (v.bug_shows)
		ksft_print_msg("vcpu%u: the sign-extended TSS base (the known bug) "
			       "would be %#llx\n", i, (unsigned long long)model);
	if (v.shutdown) {
		vcpu_regs_get(vcpu, &regs);
		v.shutdown_rip = regs.rip;
		ksft_print_msg("vcpu%u: KVM_EXIT_SHUTDOWN after the VM exit (a triple "
			       "fault)\n", i);
		dt_vcpu_expect_eq(i, "guest RIP at the shutdown (the IST probe's UD2)",
				  regs.rip, v.probe_ud2);
	} else {
		dt_vcpu_expect_eq(i, "RSP in the #UD handler after the VM exit", s->rsp,
				  v.rsp_want);
	}

	verdict = dt_vmx_ist_decide(&v, &why);
	switch (verdict) {
	case DT_VMX_IST_PASS:
		ksft_test_result_pass("%s\n", name);
		return;
	case DT_VMX_IST_XFAIL_SHUTDOWN:
		dt_result_xfail(name, "known bug of the unpatched helper: the VM exit "
				     "loaded the sign-extended TR.base from HOST_TR_BASE, "
				     "the #UD's IST1 read from that TSS faulted: "
				     "KVM_EXIT_SHUTDOWN at the IST probe's UD2\n");
		return;
	case DT_VMX_IST_XFAIL_WRONG_STACK:
		dt_result_xfail(name, "known bug of the unpatched helper: the VM exit "
				     "loaded the sign-extended TR.base from HOST_TR_BASE, "
				     "the #UD ran on a stack from that TSS\n");
		return;
	case DT_VMX_IST_FAIL:
		break;
	}
	ksft_print_msg("vcpu%u: %s" DT_MISMATCH_MARK "\n", i, why);
	ksft_test_result_fail("%s\n", name);
}

int main(void)
{
	struct dt_vcpu_tables t[VMX_MAX_VCPUS];
	struct kvm_vcpu *vcpus[VMX_MAX_VCPUS];
	enum dt_kvm_flavour kvm;
	unsigned int i, n, asked;
	struct kvm_vm *vm;
	vm_vaddr_t idt;
	struct ucall uc;

	dt_kvm_require();
	n = asked = dt_pcpu_nr_vcpus();
	if (n > VMX_MAX_VCPUS)
		n = VMX_MAX_VCPUS;
	dt_kvm_start(2 * n);
	kvm = dt_kvm_flavour();
	ksft_print_msg("HOST_TR_BASE written by prepare_vmcs() of the %s framework "
		       "(vmx.c calling get_desc64_base()), KVM: %s\n",
		       DT_UNPATCHED_HELPER ? "unpatched (pristine)" : "tree's",
		       dt_kvm_flavour_name(kvm));
	if (n < asked)
		ksft_print_msg("%u vCPUs, not the %u of the other programs: at most %u "
			       "here (their VMX pages come from memslot 0)\n", n, asked,
			       VMX_MAX_VCPUS);

	if (!kvm_cpu_has(X86_FEATURE_VMX)) {
		for (i = 0; i < n; i++) {
			char name[32];

			snprintf(name, sizeof(name), "vcpu%u_host_tr_base", i);
			/* SKIP reason: constant (one literal per KVM flavour) */
			dt_result_skip(name, "%s\n", no_vmx_reason(kvm));
			snprintf(name, sizeof(name), "vcpu%u_vmexit_ist", i);
			/* SKIP reason: constant (one literal per KVM flavour) */
			dt_result_skip(name, "%s\n", no_vmx_reason(kvm));
		}
		dt_ksft_finish();
	}

	vm = dt_pcpu_vm_create(n, guest_code, vcpus, t);
	idt = dt_idt_ud_create(vm, DT_IST_INDEX);
	for (i = 0; i < n; i++) {
		vm_vaddr_t vmx_gva, l2_stack = vm_vaddr_alloc_page(vm);

		struct vmx_seen *s = addr_gva2hva(vm, (vm_vaddr_t)&seen[i]);

		s->exit_reason = VMX_SEEN_UNSET;
		s->tr_after = VMX_SEEN_UNSET;
		s->rsp = VMX_SEEN_UNSET;
		vcpu_alloc_vmx(vm, &vmx_gva);
		dt_vcpu_use_idt(vcpus[i], idt);
		vcpu_args_set(vcpus[i], 3, (uint64_t)i, (uint64_t)vmx_gva,
			      (uint64_t)(l2_stack + getpagesize()));
	}
	for (i = 0; i < n; i++) {
		const struct vmx_seen *s = addr_gva2hva(vm, (vm_vaddr_t)&seen[i]);
		uint64_t cmd;

		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_SYNC);
		report_host_tr_base(i, &t[i], s);
		cmd = dt_vcpu_run_ucall_allow(vcpus[i], &uc, KVM_EXIT_SHUTDOWN);
		errno = 0;
		TEST_ASSERT(cmd == UCALL_DONE || vcpus[i]->run->exit_reason == KVM_EXIT_SHUTDOWN,
			    "vCPU %u: ucall %lu, wanted UCALL_DONE or KVM_EXIT_SHUTDOWN",
			    i, (unsigned long)cmd);
		report_vmexit_ist(i, vcpus[i], &t[i], s, vcpus[i]->run->exit_reason);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
