// SPDX-License-Identifier: GPL-2.0-only
/*
 * IST: the CPU switches stacks through the vCPU's own TSS.
 *
 * The guest IDT's #UD gate (vector 6) names IST1; every vCPU's TSS (at its
 * own high base, lib/kvm/pcpu_tables.h) holds a different IST1.  The host
 * starts every vCPU with TR on a decoy TSS whose IST1 is another stack;
 * the guest loads its own TSS with ltr from its GDT, then executes UD2;
 * the handler hands back the RSP it started with and resumes after the
 * 2-byte UD2.  In IA-32e mode the CPU loads RSP from the IST slot of the
 * TSS that TR points to, aligns it to 16 and pushes SS, RSP, RFLAGS, CS,
 * RIP (no error code for #UD) -- SDM Vol. 3A 6.14.4 and 6.14.5 -- so the
 * handler must see IST1 - 40 of the TSS the descriptor names: the decoy's
 * stack would show the ltr ignored, any other the base decoded wrongly.
 * The host also checks TR in KVM_GET_SREGS (the CPU's decode) and the busy
 * bit the CPU set in the GDT.  Result vcpu<i>_ist; values in "#" lines.
 *
 * #UD rather than #BP: the paravirtual kvm_pvm delivers #UD and #GP to the
 * guest through its IDT, IST included, but ends the run on INT3 with
 * KVM_EXIT_INTERNAL_ERROR.  A probe VM first takes one #UD without a stack
 * switch: KVM_EXIT_INTERNAL_ERROR there is a SKIP on kvm_pvm (a limit of
 * that hypervisor) and a FAIL on every other KVM (its exception delivery
 * is broken).
 */
#include "compat.h"
#include "guest_dt.h"
#include "guest_idt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

struct ist_seen {
	uint64_t tss_base; /* decoded from the guest's own TSS descriptor */
	uint64_t ist1;     /* IST1 in that TSS */
	uint64_t rsp;      /* RSP at the first instruction of the handler */
};

static struct ist_seen seen[DT_MAX_VCPUS];

static void guest_code(uint64_t idx)
{
	struct ist_seen *s = &seen[idx];
	const struct dt_tss64 *tss;
	struct dt_sys d;

	dt_guest_load_tables(idx);
	d = dt_guest_own_tss_desc();

	DT_GUEST_ASSERT_EQ(dt_sys_type(&d), DT_SYS_TSS64_BUSY);
	s->tss_base = dt_sys_base(&d);
	tss = (const struct dt_tss64 *)s->tss_base;
	s->ist1 = tss->ist1;
	GUEST_SYNC(0);
	s->rsp = dt_guest_ud_rsp();
	GUEST_DONE();
}

/*
 * Can this KVM deliver a guest exception?  One vCPU takes the #UD; the
 * answer is the exit it ends with.  Returns 0 when it got back to the
 * guest, else writes the exit into why: KVM_EXIT_INTERNAL_ERROR, which is
 * a SKIP on kvm_pvm and a FAIL elsewhere; anything else goes on to the
 * test, which then reports what it sees.
 */
static int probe_exception_delivery(char *why, size_t len)
{
	struct dt_vcpu_tables t;
	struct kvm_vcpu *vcpu[1];
	struct kvm_vm *vm;
	struct ucall uc;
	uint32_t reason, suberror = 0;

	vm = dt_pcpu_vm_create(1, guest_code, vcpu, &t);
	/* IST 0: delivery does not read the TSS, so a KVM that got the TSS
	 * base wrong fails the test below instead of being excused here. */
	dt_vcpu_use_idt(vcpu[0], dt_idt_ud_create(vm, 0));
	dt_vcpu_run_expect(vcpu[0], &uc, UCALL_SYNC);
	vcpu_run(vcpu[0]);
	reason = vcpu[0]->run->exit_reason;
	if (reason == KVM_EXIT_INTERNAL_ERROR)
		suberror = vcpu[0]->run->internal.suberror;
	kvm_vm_free(vm);
	if (reason != KVM_EXIT_INTERNAL_ERROR)
		return 0;
	snprintf(why, len, "UD2 in the probe VM ended the run with "
		 "KVM_EXIT_INTERNAL_ERROR (suberror %u)", suberror);
	return -1;
}

int main(void)
{
	struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	unsigned int i, n = dt_kvm_begin(1);
	enum dt_kvm_flavour kvm = dt_kvm_flavour();
	struct kvm_vm *vm;
	vm_vaddr_t idt;
	struct ucall uc;
	char why[160];

	if (probe_exception_delivery(why, sizeof(why))) {
		for (i = 0; i < n; i++) {
			char name[32];

			snprintf(name, sizeof(name), "vcpu%u_ist", i);
			if (kvm == DT_KVM_PVM) {
				ksft_print_msg("vcpu%u: %s\n", i, why);
				dt_result_skip(name, "kvm_pvm cannot deliver an exception "
						    "through the guest IDT; the IST check "
						    "needs kvm_intel or kvm_amd (bare metal, or "
						    "nested in a QEMU/KVM guest: make vm_tests)\n");
				continue;
			}
			ksft_print_msg("vcpu%u: %s on %s: its exception delivery is broken "
				       "(only kvm_pvm is excused)\n", i, why,
				       dt_kvm_flavour_name(kvm));
			ksft_test_result_fail("%s\n", name);
		}
		dt_ksft_finish();
	}

	vm = dt_pcpu_vm_create(n, guest_code, vcpus, t);
	idt = dt_idt_ud_create(vm, DT_IST_INDEX);
	for (i = 0; i < n; i++)
		dt_vcpu_use_idt(vcpus[i], idt);
	for (i = 0; i < n; i++) {
		const struct ist_seen *s;
		struct kvm_sregs sr;
		int ok;

		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_SYNC);
		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_DONE);
		s = addr_gva2hva(vm, (vm_vaddr_t)&seen[i]);
		vcpu_sregs_get(vcpus[i], &sr);
		ksft_print_msg("vcpu%u: TSS %#llx at TR %#x, IST1 %#llx; decoy TSS %#llx, "
			       "IST1 %#llx\n", i, (unsigned long long)t[i].tss_base,
			       t[i].tr_sel, (unsigned long long)t[i].ist_top,
			       (unsigned long long)t[i].decoy_tss_base,
			       (unsigned long long)t[i].decoy_ist_top);
		ok = dt_pcpu_check_tr(&t[i], &sr);
		ok &= dt_vcpu_expect_eq(i, "TSS base decoded in the guest", s->tss_base,
					t[i].tss_base);
		ok &= dt_vcpu_expect_eq(i, "IST1 read from that TSS", s->ist1, t[i].ist_top);
		ok &= dt_vcpu_expect_eq(i, "RSP in the #UD handler", s->rsp,
					t[i].ist_top - DT_UD_FRAME_BYTES);
		if (s->rsp == t[i].decoy_ist_top - DT_UD_FRAME_BYTES)
			ksft_print_msg("vcpu%u: the #UD ran on the decoy TSS's IST1: the "
				       "CPU kept the TR the host installed\n", i);
		ksft_test_result(ok, "vcpu%u_ist\n", i);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
