/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict of kvm:vmx_host_tr's vcpu<i>_vmexit_ist, as a pure function
 * of what the program saw after the L2's VM exit, so that the unit test
 * (vmx_ist_verdict_test.cpp, make unit_tests) can hand it every case,
 * the wrong ones above all, without VMX.  No KVM or framework header:
 * the program includes it, and so does a host-side C++ unit test.
 *
 * PASS: the exit was the L2's VMCALL, STR and TR are the vCPU's own TSS
 * and the #UD ran on IST1 - 40 of it; on a vCPU where the unpatched
 * helper changes the base (bug_shows) that is a FAIL (the bug must show).
 *
 * XFAIL, only with bug_shows and only after the exit was the VMCALL with
 * STR the vCPU's own selector and the rest of TR and the GDT's busy bit
 * as installed, TR.base being exactly the sign-extended value (model):
 *   - KVM_EXIT_SHUTDOWN with the guest's RIP at the IST probe's UD2
 *     (the #UD's IST1 read from that TSS faulted);
 *   - or the run ended normally and the #UD ran on a stack other than
 *     IST1 - 40 (the sign-extended address was mapped).
 * Everything else is a FAIL, with a line saying what was wrong: a failed
 * vmlaunch, a VM-entry failure (VM_EXIT_REASON bit 31 set; it loads the
 * host state too), any other exit reason, a foreign STR, a shutdown
 * anywhere but at that UD2, a wrong stack with any other field wrong.
 */
#ifndef DESCTEST_KVM_VMX_IST_VERDICT_H
#define DESCTEST_KVM_VMX_IST_VERDICT_H

#include <stdint.h>

/* VM_EXIT_REASON of VMCALL (SDM Vol. 3D, Appendix C); the program checks
 * it against the framework's EXIT_REASON_VMCALL at compile time. */
#define DT_VMX_EXIT_VMCALL 18u

struct dt_vmx_ist_seen {
	int bug_shows;		/* unpatched helper, a base it changes */
	int shutdown;		/* the run ended in KVM_EXIT_SHUTDOWN */
	uint64_t shutdown_rip;	/* guest RIP then (KVM_GET_REGS) */
	uint64_t probe_ud2;	/* address of the IST probe's UD2 */
	uint64_t launch_failed;	/* vmlaunch fell through */
	uint64_t exit_reason;	/* VM_EXIT_REASON after the exit */
	uint64_t str;		/* STR after the exit */
	uint64_t tr_sel;	/* the vCPU's own TR selector */
	int tr_rest_ok;		/* KVM_GET_SREGS TR selector, limit, busy type
				 * and the GDT's busy bit as installed */
	uint64_t tr_base;	/* KVM_GET_SREGS TR.base */
	uint64_t tss_base;	/* the vCPU's TSS base */
	uint64_t model;		/* its sign-extended value (prefix_model.h) */
	uint64_t rsp;		/* RSP in the #UD handler (runs that end) */
	uint64_t rsp_want;	/* IST1 - 40 of the vCPU's TSS */
};

enum dt_vmx_ist_verdict {
	DT_VMX_IST_PASS,
	DT_VMX_IST_XFAIL_SHUTDOWN,
	DT_VMX_IST_XFAIL_WRONG_STACK,
	DT_VMX_IST_FAIL,
};

/* The verdict; *why says what decided it (a FAIL: what was wrong). */
static inline enum dt_vmx_ist_verdict
dt_vmx_ist_decide(const struct dt_vmx_ist_seen *s, const char **why)
{
	if (s->launch_failed) {
		*why = "vmlaunch failed: no VM exit to test";
		return DT_VMX_IST_FAIL;
	}
	if (s->exit_reason != DT_VMX_EXIT_VMCALL) {
		*why = "the VM exit was not the L2's VMCALL (bit 31 set: a VM-entry "
		       "failure, which loads the host state too)";
		return DT_VMX_IST_FAIL;
	}
	if (s->str != s->tr_sel) {
		*why = "STR after the VM exit is not the vCPU's own TR selector";
		return DT_VMX_IST_FAIL;
	}
	if (!s->tr_rest_ok) {
		*why = "TR (KVM_GET_SREGS selector, limit, type) or the GDT's busy "
		       "bit is not the vCPU's own TSS";
		return DT_VMX_IST_FAIL;
	}
	if (s->tr_base == s->tss_base) {
		if (s->bug_shows) {
			*why = "TR.base is the TSS base, wanted the sign-extended "
			       "HOST_TR_BASE to reach TR (is the framework really the "
			       "unpatched one?)";
			return DT_VMX_IST_FAIL;
		}
		if (s->shutdown) {
			*why = "KVM_EXIT_SHUTDOWN with TR.base on the vCPU's own TSS";
			return DT_VMX_IST_FAIL;
		}
		if (s->rsp != s->rsp_want) {
			*why = "the #UD ran on a stack other than IST1 - 40 of the "
			       "vCPU's own TSS";
			return DT_VMX_IST_FAIL;
		}
		*why = "the vCPU's own TSS and IST1 after the VM exit";
		return DT_VMX_IST_PASS;
	}
	if (!s->bug_shows || s->tr_base != s->model) {
		*why = s->bug_shows ? "TR.base is neither the TSS base nor its "
				      "sign-extended value"
				    : "TR.base is not the TSS base";
		return DT_VMX_IST_FAIL;
	}
	if (s->shutdown) {
		if (s->shutdown_rip != s->probe_ud2) {
			*why = "KVM_EXIT_SHUTDOWN away from the IST probe's UD2";
			return DT_VMX_IST_FAIL;
		}
		*why = "KVM_EXIT_SHUTDOWN at the IST probe's UD2 with the "
		       "sign-extended TR.base";
		return DT_VMX_IST_XFAIL_SHUTDOWN;
	}
	if (s->rsp == s->rsp_want) {
		*why = "the #UD ran on IST1 - 40 of the vCPU's own TSS although "
		       "TR.base is the sign-extended value";
		return DT_VMX_IST_FAIL;
	}
	*why = "the #UD ran on a stack read from the sign-extended TR.base";
	return DT_VMX_IST_XFAIL_WRONG_STACK;
}

#endif /* DESCTEST_KVM_VMX_IST_VERDICT_H */
