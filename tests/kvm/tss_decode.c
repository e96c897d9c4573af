// SPDX-License-Identifier: GPL-2.0-only
/*
 * TSS descriptor decode, the way system code finds its own TSS.
 *
 * Every vCPU has its own TSS at a known base (lib/kvm/pcpu_tables.h),
 * loaded by the guest's own ltr.  The guest takes the GDT address from SGDT
 * and its TR selector from STR, reads the 16-byte descriptor there (which
 * the CPU must have marked busy) and decodes the base twice: with
 * desctest's reference decoder (dt_sys_base) and with the kernel tree's
 * get_desc64_base().  The host compares both with the base it encoded.
 *
 * What is checked against what:
 *   vcpu<i>_reference_decode  the base the CPU decoded from that
 *       descriptor at ltr (KVM_GET_SREGS tr.base) against the base the
 *       host encoded -- the independent witness; the busy bit the CPU
 *       set in the GDT; SGDT/STR against what was installed; and the
 *       guest's dt_sys_base() of the descriptor bytes against the same
 *       base (a round trip through desctest's own encoder and decoder,
 *       whose byte layout the unit tests pin down with hand-written
 *       images).
 *   vcpu<i>_get_desc64_base  the tree's helper on the same bytes against
 *       the base the host encoded (or, unpatched, its sign-extended
 *       value: XFAIL).
 *
 * Built twice.  tss_decode uses the tree's helper as the build found it
 * (the default tree is patched): every line must pass.
 * tss_decode_unpatched (default tree only) is compiled against the
 * pristine helper, whose "base2 << 24" is done in int: on vCPUs whose base
 * bits 31:24 are >= 0x80 the result is sign-extended and bits 63:32 turn
 * to ones.  There, exactly that wrong value is an XFAIL naming the bug;
 * any other value, or a mismatch where base 31:24 < 0x80, is a FAIL.  (A
 * base whose bits 63:32 are already all ones, 0xffffffff81c03000, hides
 * the bug: the right value is expected and passes.)
 */
#include "compat.h"
#include "guest_dt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"
#include "desctest/prefix_model.h"

#ifndef DT_UNPATCHED_HELPER
#define DT_UNPATCHED_HELPER 0
#endif

struct tss_seen {
	uint64_t gdt_base;
	uint64_t tr;
	struct dt_sys desc;
	uint64_t ref_base;    /* dt_sys_base() */
	uint64_t helper_base; /* get_desc64_base() of the tree */
};

static struct tss_seen seen[DT_MAX_VCPUS];

static void guest_code(uint64_t idx)
{
	struct tss_seen *s = &seen[idx];
	struct dt_sel sel;
	struct dt_guest_regs r;
	uint64_t at;

	dt_guest_load_tables(idx);
	dt_guest_read_regs(&r);
	sel.w[0] = r.tr;
	at = r.gdtr.base + dt_sel_offset(&sel);

	s->gdt_base = r.gdtr.base;
	s->tr = r.tr;
	s->desc = dt_sys_at((const uint64_t *)r.gdtr.base, r.tr);
	/* What TR selects must be a 64-bit TSS that ltr marked busy (SDM
	 * Vol. 3A 7.2.4); the host wrote it available. */
	DT_GUEST_ASSERT_EQ(dt_sys_s(&s->desc), 0);
	DT_GUEST_ASSERT_EQ(dt_sys_type(&s->desc), DT_SYS_TSS64_BUSY);
	s->ref_base = dt_sys_base(&s->desc);
	s->helper_base = get_desc64_base((const struct desc64 *)at);
	GUEST_DONE();
}

static void check_vcpu(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		       const struct dt_vcpu_tables *t)
{
	const struct tss_seen *s = addr_gva2hva(vm, (vm_vaddr_t)&seen[t->vcpu_id]);
	unsigned int i = t->vcpu_id, base2 = dt_base_31_24(t->tss_base);
	uint64_t want = t->tss_base, model = dt_prefix_model(want);
	/* With base 63:32 already all ones the sign extension changes
	 * nothing: the bug is there but cannot be seen. */
	int bug_shows = DT_UNPATCHED_HELPER && model != want;
	char name[64];
	struct kvm_sregs sr;
	int ok;

	vcpu_sregs_get(vcpu, &sr);
	ok = dt_pcpu_check_tr(t, &sr);
	ok &= dt_vcpu_expect_eq(i, "SGDT base", s->gdt_base, t->gdt_base);
	ok &= dt_vcpu_expect_eq(i, "STR selector", s->tr, t->tr_sel);
	ok &= dt_vcpu_expect_eq(i, "dt_sys_base() of the descriptor at GDT + TR",
				s->ref_base, want);
	ksft_print_msg("vcpu%u TSS base %#llx (base 31:24 %#x), descriptor %#llx %#llx\n",
		       i, (unsigned long long)want, base2,
		       (unsigned long long)s->desc.w[0], (unsigned long long)s->desc.w[1]);
	ksft_test_result(ok, "vcpu%u_reference_decode\n", i);

	snprintf(name, sizeof(name), "vcpu%u_get_desc64_base", i);
	/* The helper's value beside the base encoded, always; where the
	 * unpatched helper's bug changes the value, also beside exactly the
	 * sign-extended value the bug gives. */
	ok = dt_vcpu_expect_eq(i, "get_desc64_base() vs the base encoded",
			       s->helper_base, want);
	if (!bug_shows) {
		if (ok && DT_UNPATCHED_HELPER && base2 >= 0x80)
			ksft_print_msg("vcpu%u get_desc64_base(): %#llx: sign extension "
				       "invisible, base 63:32 all ones\n", i,
				       (unsigned long long)want);
		ksft_test_result(ok, "%s\n", name);
		return;
	}
	if (dt_vcpu_expect_eq(i, "get_desc64_base() vs the unpatched helper's "
			      "sign-extended base", s->helper_base, model)) {
		dt_result_xfail(name, "known bug of the unpatched helper: base bits 31:24 "
				"<< 24 is a signed int, sign-extends and wipes bits 63:32\n");
		return;
	}
	if (ok)
		ksft_print_msg("vcpu%u: the unpatched helper gave the right base where "
			       "its bug must show: is the helper really the pristine "
			       "one?\n", i);
	ksft_test_result_fail("%s\n", name);
}

int main(void)
{
	struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	unsigned int i, n = dt_kvm_begin(2);
	struct kvm_vm *vm;
	struct ucall uc;

	ksft_print_msg("get_desc64_base() from the %s helper\n",
		       DT_UNPATCHED_HELPER ? "unpatched (pristine)" : "tree's");
	vm = dt_pcpu_vm_create(n, guest_code, vcpus, t);
	for (i = 0; i < n; i++) {
		dt_vcpu_run_expect(vcpus[i], &uc, UCALL_DONE);
		check_vcpu(vm, vcpus[i], &t[i]);
	}
	kvm_vm_free(vm);
	dt_ksft_finish();
}
