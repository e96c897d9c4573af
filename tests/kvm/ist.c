// SPDX-License-Identifier: GPL-2.0-only
/*
 * IST: the CPU switches stacks through the vCPU's own TSS.
 *
 * The guest IDT's #UD gate (vector 6) names IST1; every vCPU's TSS (at its
 * own high base, lib/kvm/pcpu_tables.h) holds a different IST1.  The guest
 * executes UD2; the handler hands back the RSP it started with and resumes
 * after the 2-byte UD2.  In IA-32e mode the CPU loads RSP from the IST
 * slot of the TSS that TR points to, aligns it to 16 and pushes SS, RSP,
 * RFLAGS, CS, RIP (no error code for #UD) -- SDM Vol. 3A 6.14.4 and
 * 6.14.5 -- so the handler must see IST1 - 40.  The right stack proves the
 * CPU used the full 64-bit TSS base the descriptor encodes.
 *
 * #UD rather than #BP: the paravirtual kvm_pvm delivers #UD and #GP to the
 * guest through its IDT, IST included, but ends the run on INT3 with
 * KVM_EXIT_INTERNAL_ERROR.  A KVM that cannot deliver the exception at all
 * is found by a probe VM first; then the program SKIPs with that reason.
 */
#include "compat.h"
#include "guest_dt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

#define UD_VECTOR 6
/* SS, RSP, RFLAGS, CS, RIP. */
#define UD_FRAME_BYTES (5 * 8)

struct ist_seen {
	uint64_t tss_base; /* decoded from the guest's own TSS descriptor */
	uint64_t ist1;     /* IST1 in that TSS */
	uint64_t rsp;      /* RSP at the first instruction of the handler */
};

static struct ist_seen seen[DT_MAX_VCPUS];

/* The #UD handler: return the RSP the CPU gave it in RAX and step the
 * saved RIP over the 2-byte UD2 (0f 0b). */
extern char dt_ud_entry[];
asm(".pushsection .text\n"
    ".globl dt_ud_entry\n"
    "dt_ud_entry:\n"
    "	movq %rsp, %rax\n"
    "	addq $2, (%rsp)\n"
    "	iretq\n"
    ".popsection\n");

static void guest_code(uint64_t idx)
{
	struct ist_seen *s = &seen[idx];
	struct dt_sys d = dt_guest_own_tss_desc();
	const struct dt_tss64 *tss;
	uint64_t rsp;

	DT_GUEST_ASSERT_EQ(dt_sys_type(&d), DT_SYS_TSS64_BUSY);
	s->tss_base = dt_sys_base(&d);
	tss = (const struct dt_tss64 *)s->tss_base;
	s->ist1 = tss->ist1;
	GUEST_SYNC(0);
	asm volatile("ud2" : "=a"(rsp) : "a"(0ull) : "memory");
	s->rsp = rsp;
	GUEST_DONE();
}

/* One IDT page for the VM: only the #UD gate, an interrupt gate with the
 * given IST index (0: no stack switch). */
static vm_vaddr_t make_idt(struct kvm_vm *vm, unsigned int ist)
{
	vm_vaddr_t idt = vm_vaddr_alloc_page(vm);
	struct dt_gate *gates = addr_gva2hva(vm, idt);
	struct dt_gate g = { { 0, 0 } };

	memset(gates, 0, (size_t)getpagesize());
	dt_gate_set_offset(&g, (uint64_t)dt_ud_entry);
	dt_gate_set_selector(&g, DT_KERNEL_CS);
	dt_gate_set_ist(&g, ist);
	dt_gate_set_type(&g, DT_SYS_INTR_GATE64);
	dt_gate_set_p(&g, 1);
	gates[UD_VECTOR] = g;
	return idt;
}

static void setup_vcpu(struct kvm_vm *vm, struct kvm_vcpu *vcpu, unsigned int i,
		       struct dt_vcpu_tables *t, vm_vaddr_t idt)
{
	struct kvm_sregs sr;

	dt_pcpu_install(vm, vcpu, i, t);
	vcpu_sregs_get(vcpu, &sr);
	sr.idt.base = idt;
	sr.idt.limit = (uint16_t)(getpagesize() - 1);
	vcpu_sregs_set(vcpu, &sr);
	vcpu_args_set(vcpu, 1, (uint64_t)i);
}

/*
 * Can this KVM deliver a guest exception?  One vCPU takes the #UD; the
 * answer is the exit it ends with.  Skips the whole program when the
 * answer is KVM_EXIT_INTERNAL_ERROR; anything else goes on to the test,
 * which then reports what it sees.
 */
static void probe_exception_delivery(void)
{
	struct dt_vcpu_tables t;
	struct kvm_vcpu *vcpu[1];
	struct kvm_vm *vm;
	struct ucall uc;
	uint32_t reason, suberror = 0;

	vm = dt_vm_create(1, guest_code, vcpu, DT_PCPU_PAGES_PER_VCPU + 1);
	/* IST 0: delivery does not read the TSS, so a KVM that got the TSS
	 * base wrong fails the test below instead of skipping it here. */
	setup_vcpu(vm, vcpu[0], 0, &t, make_idt(vm, 0));
	dt_vcpu_run_expect(vcpu[0], &uc, UCALL_SYNC);
	vcpu_run(vcpu[0]);
	reason = vcpu[0]->run->exit_reason;
	if (reason == KVM_EXIT_INTERNAL_ERROR)
		suberror = vcpu[0]->run->internal.suberror;
	kvm_vm_free(vm);
	if (reason != KVM_EXIT_INTERNAL_ERROR)
		return;
	ksft_exit_skip("this KVM%s cannot deliver an exception through the guest "
		       "IDT: UD2 in the probe VM ended the run with "
		       "KVM_EXIT_INTERNAL_ERROR (suberror %u); the IST check needs "
		       "kvm_intel or kvm_amd (bare metal, or nested inside a QEMU/KVM guest)\n",
		       access("/sys/module/kvm_pvm", F_OK) == 0 ? " (kvm_pvm)" : "",
		       suberror);
}

int main(void)
{
	struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	unsigned int i, n = dt_pcpu_nr_vcpus();
	struct kvm_vm *vm;
	vm_vaddr_t idt;
	struct ucall uc;

	dt_kvm_require();
	ksft_print_header();
	probe_exception_delivery();
	ksft_set_plan(n);

	vm = dt_vm_create(n, guest_code, vcpus, n * DT_PCPU_PAGES_PER_VCPU + 1);
	idt = make_idt(vm, DT_IST_INDEX);
	for (i = 0; i < n; i++)
		setup_vcpu(vm, vcpus[i], i, &t[i], idt);
	for (i = 0; i < n; i++) {
		const struct ist_seen *s;
		int ok;

		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_SYNC);
		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_DONE);
		s = addr_gva2hva(vm, (vm_vaddr_t)&seen[i]);
		ok = dt_expect_eq("TSS base decoded in the guest", s->tss_base, t[i].tss_base);
		ok &= dt_expect_eq("IST1 read from that TSS", s->ist1, t[i].ist_top);
		ok &= dt_expect_eq("RSP in the #UD handler", s->rsp,
				   t[i].ist_top - UD_FRAME_BYTES);
		ksft_test_result(ok, "vcpu%u #UD ran on IST1 %#llx of TSS %#llx\n", i,
				 (unsigned long long)t[i].ist_top,
				 (unsigned long long)t[i].tss_base);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
