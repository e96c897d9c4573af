// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of kvm:vmx_host_tr's vcpu<i>_vmexit_ist verdict
 * (vmx_ist_verdict.h), no KVM or VMX needed: the bug as the unpatched
 * framework really shows it is an XFAIL, and each thing that only looks
 * like it -- a VM-entry failure, a foreign STR, a shutdown elsewhere, a
 * wrong stack beside another wrong field -- is a FAIL.
 */
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "vmx_ist_verdict.h"

namespace {

// vCPU 0 of the suite: TSS 0xfffffe7cf8d65000 (bits 31:24 0xf8) at TR
// 0x18; the unpatched helper makes it 0xfffffffff8d65000.
constexpr uint64_t kTss = 0xfffffe7cf8d65000ull;
constexpr uint64_t kModel = 0xfffffffff8d65000ull;
constexpr uint64_t kSel = 0x18;
constexpr uint64_t kRspWant = 0xfffffe7cf8d66fd8ull; // IST1 - 40
constexpr uint64_t kUd2 = 0x403fe0;
// VM-entry failure due to invalid guest state (SDM Vol. 3D, Appendix C).
constexpr uint64_t kEntryFailInvalidGuest = 0x80000000ull | 33;

// The patched framework: the VMCALL's exit, own TSS, right stack.
dt_vmx_ist_seen patched()
{
	dt_vmx_ist_seen s{};

	s.bug_shows = 0;
	s.shutdown = 0;
	s.shutdown_rip = 0;
	s.probe_ud2 = kUd2;
	s.launch_failed = 0;
	s.exit_reason = DT_VMX_EXIT_VMCALL;
	s.str = kSel;
	s.tr_sel = kSel;
	s.tr_rest_ok = 1;
	s.tr_base = kTss;
	s.tss_base = kTss;
	s.model = kModel;
	s.rsp = kRspWant;
	s.rsp_want = kRspWant;
	return s;
}

// The unpatched framework as Bochs shows it: TR.base sign-extended, the
// #UD's IST1 read faults, triple fault at the probe's UD2.
dt_vmx_ist_seen bug_shutdown()
{
	dt_vmx_ist_seen s = patched();

	s.bug_shows = 1;
	s.shutdown = 1;
	s.shutdown_rip = kUd2;
	s.tr_base = kModel;
	s.rsp = 0xa5a5a5a5a5a5a5a5ull; // never written: the probe did not return
	return s;
}

// The same where the sign-extended address happens to be mapped.
dt_vmx_ist_seen bug_wrong_stack()
{
	dt_vmx_ist_seen s = patched();

	s.bug_shows = 1;
	s.tr_base = kModel;
	s.rsp = 0xfffffffff8d66fd8ull;
	return s;
}

std::string name(dt_vmx_ist_verdict v)
{
	switch (v) {
	case DT_VMX_IST_PASS:
		return "PASS";
	case DT_VMX_IST_XFAIL_SHUTDOWN:
		return "XFAIL (shutdown)";
	case DT_VMX_IST_XFAIL_WRONG_STACK:
		return "XFAIL (wrong stack)";
	case DT_VMX_IST_FAIL:
		return "FAIL";
	}
	return "verdict " + std::to_string(static_cast<int>(v));
}

struct Verdict {
	dt_vmx_ist_verdict v;
	std::string why;
};

Verdict verdict(const dt_vmx_ist_seen &s)
{
	const char *why = nullptr;
	dt_vmx_ist_verdict v = dt_vmx_ist_decide(&s, &why);

	return { v, why ? why : "(none)" };
}

void expect(const dt_vmx_ist_seen &s, dt_vmx_ist_verdict want,
	    const std::string &why)
{
	Verdict got = verdict(s);

	EXPECT_EQ(name(got.v), name(want)) << "why: " << got.why;
	EXPECT_EQ(got.why, why);
}

TEST(VmxIstVerdict, PatchedPasses)
{
	expect(patched(), DT_VMX_IST_PASS,
	       "the vCPU's own TSS and IST1 after the VM exit");
}

// A vCPU of the unpatched build whose base the helper does not change
// (bits 31:24 < 0x80, or bits 63:32 all ones) must pass like the patched.
TEST(VmxIstVerdict, UnpatchedUnchangedBasePasses)
{
	dt_vmx_ist_seen s = patched();

	s.model = s.tss_base;
	expect(s, DT_VMX_IST_PASS, "the vCPU's own TSS and IST1 after the VM exit");
}

TEST(VmxIstVerdict, BugShutdownAtProbeIsXfail)
{
	expect(bug_shutdown(), DT_VMX_IST_XFAIL_SHUTDOWN,
	       "KVM_EXIT_SHUTDOWN at the IST probe's UD2 with the sign-extended "
	       "TR.base");
}

TEST(VmxIstVerdict, BugWrongStackIsXfail)
{
	expect(bug_wrong_stack(), DT_VMX_IST_XFAIL_WRONG_STACK,
	       "the #UD ran on a stack read from the sign-extended TR.base");
}

// A VM-entry failure loads the host state as well (TR.base from
// HOST_TR_BASE), then the probe's UD2 shuts down just like the bug.
TEST(VmxIstVerdict, VmEntryFailureIsFail)
{
	const char *why = "the VM exit was not the L2's VMCALL (bit 31 set: a "
			  "VM-entry failure, which loads the host state too)";
	dt_vmx_ist_seen s = bug_shutdown();

	s.exit_reason = kEntryFailInvalidGuest;
	expect(s, DT_VMX_IST_FAIL, why);
	s = bug_wrong_stack();
	s.exit_reason = kEntryFailInvalidGuest;
	expect(s, DT_VMX_IST_FAIL, why);
	s = patched();
	s.exit_reason = kEntryFailInvalidGuest;
	expect(s, DT_VMX_IST_FAIL, why);
}

// Any other exit reason (here 0: an exception or NMI in L2; also the
// value of a field the guest never wrote).
TEST(VmxIstVerdict, OtherExitReasonIsFail)
{
	dt_vmx_ist_seen s = bug_shutdown();

	s.exit_reason = 0;
	expect(s, DT_VMX_IST_FAIL,
	       "the VM exit was not the L2's VMCALL (bit 31 set: a VM-entry "
	       "failure, which loads the host state too)");
}

TEST(VmxIstVerdict, WrongStrIsFail)
{
	const char *why = "STR after the VM exit is not the vCPU's own TR selector";
	dt_vmx_ist_seen s = bug_shutdown();

	s.str = 0x70; // the decoy's selector
	expect(s, DT_VMX_IST_FAIL, why);
	s = bug_wrong_stack();
	s.str = 0x70;
	expect(s, DT_VMX_IST_FAIL, why);
	s = patched();
	s.str = 0x70;
	expect(s, DT_VMX_IST_FAIL, why);
}

TEST(VmxIstVerdict, ShutdownElsewhereIsFail)
{
	dt_vmx_ist_seen s = bug_shutdown();

	s.shutdown_rip = kUd2 + 2; // the RET after it: the #UD was delivered
	expect(s, DT_VMX_IST_FAIL, "KVM_EXIT_SHUTDOWN away from the IST probe's UD2");
	s.shutdown_rip = 0x401000;
	expect(s, DT_VMX_IST_FAIL, "KVM_EXIT_SHUTDOWN away from the IST probe's UD2");
}

// The old logic XFAILed a wrong stack whatever else was wrong.
TEST(VmxIstVerdict, WrongStackWithOtherFieldWrongIsFail)
{
	dt_vmx_ist_seen s = bug_wrong_stack();

	s.tr_rest_ok = 0;
	expect(s, DT_VMX_IST_FAIL,
	       "TR (KVM_GET_SREGS selector, limit, type) or the GDT's busy bit is "
	       "not the vCPU's own TSS");
	s = bug_wrong_stack();
	s.launch_failed = 1;
	expect(s, DT_VMX_IST_FAIL, "vmlaunch failed: no VM exit to test");
}

TEST(VmxIstVerdict, ShutdownWithOtherTrRestIsFail)
{
	dt_vmx_ist_seen s = bug_shutdown();

	s.tr_rest_ok = 0;
	expect(s, DT_VMX_IST_FAIL,
	       "TR (KVM_GET_SREGS selector, limit, type) or the GDT's busy bit is "
	       "not the vCPU's own TSS");
}

TEST(VmxIstVerdict, TrBaseNeitherIsFail)
{
	dt_vmx_ist_seen s = bug_shutdown();

	s.tr_base = kModel ^ 0x1000;
	expect(s, DT_VMX_IST_FAIL,
	       "TR.base is neither the TSS base nor its sign-extended value");
	s = patched();
	s.tr_base = kModel;
	s.shutdown = 1;
	s.shutdown_rip = kUd2;
	expect(s, DT_VMX_IST_FAIL, "TR.base is not the TSS base");
}

TEST(VmxIstVerdict, BugMissingIsFail)
{
	dt_vmx_ist_seen s = patched();

	s.bug_shows = 1;
	expect(s, DT_VMX_IST_FAIL,
	       "TR.base is the TSS base, wanted the sign-extended HOST_TR_BASE to "
	       "reach TR (is the framework really the unpatched one?)");
}

TEST(VmxIstVerdict, PatchedShutdownOrWrongStackIsFail)
{
	dt_vmx_ist_seen s = patched();

	s.shutdown = 1;
	s.shutdown_rip = kUd2;
	expect(s, DT_VMX_IST_FAIL, "KVM_EXIT_SHUTDOWN with TR.base on the vCPU's own TSS");
	s = patched();
	s.rsp = kRspWant - 0x1000;
	expect(s, DT_VMX_IST_FAIL,
	       "the #UD ran on a stack other than IST1 - 40 of the vCPU's own TSS");
}

TEST(VmxIstVerdict, BugRightStackIsFail)
{
	dt_vmx_ist_seen s = bug_wrong_stack();

	s.rsp = kRspWant;
	expect(s, DT_VMX_IST_FAIL,
	       "the #UD ran on IST1 - 40 of the vCPU's own TSS although TR.base is "
	       "the sign-extended value");
}

} // namespace
