# SPDX-License-Identifier: GPL-2.0-only
"""tests/bochs/expect.sh on consoles shaped as a Bochs boot prints them:
what make bochs_tests requires of the desctest_tss module besides the
runner's verdict (tests/bochs/README.md)."""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT = os.path.join(HERE, "expect.sh")
PROGS = ["module:tss_module_test", "module:gdtr_vmx_exit"]


def module_report(limits, allowance=(), prefix_result=False):
    """The module's report for CPUs whose GDTR limits are LIMITS; a limit
    of 0xffff on a CPU in ALLOWANCE is accepted (VMX VM exit)."""
    per = 3 if prefix_result else 2
    lines = ["KTAP version 1",
             "# desctest_tss: TSS descriptor of each of %d online CPUs "
             "(kernel 6.12.118+deb12-cloud-amd64)" % len(limits),
             "1..%d" % (per * len(limits))]
    n = 0
    for cpu, limit in enumerate(limits):
        lines.append("# cpu%d: GDTR base (get_cpu_gdt_ro) seen 0xfffffe000000%d000 "
                     "wanted 0xfffffe000000%d000" % (cpu, cpu, cpu))
        if limit == 0xffff:
            lines.append("# cpu%d GDTR limit 0xffff, not GDT_SIZE - 1 (0x7f): accepted "
                         "only as left by a VMX VM exit, which sets it to 0xffff until "
                         "KVM reloads the host GDT as the vCPU thread leaves its run "
                         "loop" % cpu)
            lines.append("# cpu%d: GDTR limit 0xffff: VMX VM exit conditions (Intel 1, "
                         "CR4.VMXE 2, kvm_intel 4) seen 0x7 wanted 0x7" % cpu)
            lines.append("# cpu%d GDTR limit 0xffff accepted (VMX VM exit allowance)" % cpu)
        else:
            lines.append("# cpu%d: GDTR limit (GDT_SIZE - 1) seen 0x%x wanted 0x7f%s"
                         % (cpu, limit, "" if limit == 0x7f else "  <-- MISMATCH"))
        n += 1
        lines.append("%s %d cpu%d_gdtr" % ("ok" if limit in (0x7f, 0xffff) else "not ok",
                                           n, cpu))
        lines.append("# cpu%d: TR (GDT_ENTRY_TSS * 8) seen 0x40 wanted 0x40" % cpu)
        n += 1
        lines.append("ok %d cpu%d_tss_descriptor" % (n, cpu))
        if prefix_result:
            n += 1
            lines.append("ok %d cpu%d_prefix_decode" % (n, cpu))
    lines.append("# pre-fix expression wrong on 0 of %d CPUs (this boot's TSS "
                 "addresses; not a result)" % len(limits))
    lines.append("# Totals: pass:%d fail:0 xfail:0 xpass:0 skip:0 error:0" % n)
    return lines


def console(tmp_path, during, after, allowance=(1,), prefix_result=False):
    lines = ["DESCTEST-MACHINE kernel=6.12.118+deb12-cloud-amd64 cpu=Intel(R) Core(TM) i7-7800X",
             "DESCTEST-INFO cpus=2", "DESCTEST-INFO kvm=kvm_intel",
             "DESCTEST-INFO kvm_intel.nested=Y",
             "DESCTEST-BEGIN module:tss_module_test"]
    lines += module_report([0x7f, 0x7f], prefix_result=prefix_result)
    lines += ["DESCTEST-END module:tss_module_test rc=0 ms=900",
              "DESCTEST-BEGIN module:gdtr_vmx_exit", "TAP version 13", "1..2"]
    lines += ["# [while vCPUs run] " + l for l in module_report(during, allowance)]
    lines += ["# vCPUs stopped and their VMs closed"]
    lines += ["# [after vCPUs exit] " + l for l in module_report(after)]
    lines += ["ok 1 gdtr_while_vcpus_run", "ok 2 gdtr_after_vcpus_exit",
              "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0",
              "DESCTEST-END module:gdtr_vmx_exit rc=0 ms=3000", "DESCTEST-DONE"]
    f = tmp_path / "console.txt"
    f.write_text("\r\n".join(lines) + "\r\n")
    r = subprocess.run([EXPECT, str(f)] + PROGS, capture_output=True, text=True,
                       timeout=60)
    return r.returncode, r.stdout.splitlines()


RAN = ["bochs_tests: module:tss_module_test ran on kvm_intel (nested=Y): 4 results, 0 XFAIL, none skipped",
       "bochs_tests: module:gdtr_vmx_exit ran on kvm_intel (nested=Y): 2 results, 0 XFAIL, none skipped"]
NAMES_OK = ("bochs_tests: module:tss_module_test: results cpuN_gdtr and "
            "cpuN_tss_descriptor on each of 2 CPUs, no other")


def test_allowance_taken_then_gone(tmp_path):
    assert console(tmp_path, [0x7f, 0xffff], [0x7f, 0x7f]) == (0, RAN + [
        "bochs_tests: module:gdtr_vmx_exit: VMX VM exit allowance taken on cpu1 while the vCPUs ran",
        "bochs_tests: module:gdtr_vmx_exit: GDTR limit 0x7f on all 2 CPUs after the vCPUs exited",
        NAMES_OK])


def test_allowance_never_taken_fails(tmp_path):
    assert console(tmp_path, [0x7f, 0x7f], [0x7f, 0x7f]) == (1, RAN + [
        "bochs_tests: module:gdtr_vmx_exit: the VMX VM exit allowance (GDTR limit 0xffff) "
        "was taken on 0 CPUs while the vCPUs ran, wanted at least 1",
        "bochs_tests: module:gdtr_vmx_exit: GDTR limit 0x7f on all 2 CPUs after the vCPUs exited",
        NAMES_OK])


def test_limit_not_0x7f_after_the_vcpus_fails(tmp_path):
    code, out = console(tmp_path, [0x7f, 0xffff], [0x7f, 0xffff], allowance=(1,))
    assert (code, out) == (1, RAN + [
        "bochs_tests: module:gdtr_vmx_exit: VMX VM exit allowance taken on cpu1 while the vCPUs ran",
        "bochs_tests: module:gdtr_vmx_exit: GDTR limit not 0x7f after the vCPUs exited on cpu1:",
        "    # [after vCPUs exit] # cpu0: GDTR limit (GDT_SIZE - 1) seen 0x7f wanted 0x7f",
        "    # [after vCPUs exit] # cpu1 GDTR limit 0xffff, not GDT_SIZE - 1 (0x7f): accepted only "
        "as left by a VMX VM exit, which sets it to 0xffff until KVM reloads the host GDT as "
        "the vCPU thread leaves its run loop",
        "    # [after vCPUs exit] # cpu1: GDTR limit 0xffff: VMX VM exit conditions (Intel 1, "
        "CR4.VMXE 2, kvm_intel 4) seen 0x7 wanted 0x7",
        "    # [after vCPUs exit] # cpu1 GDTR limit 0xffff accepted (VMX VM exit allowance)",
        NAMES_OK])


def test_a_boot_dependent_result_fails(tmp_path):
    code, out = console(tmp_path, [0x7f, 0xffff], [0x7f, 0x7f], prefix_result=True)
    assert code == 1
    assert out[-1] == (
        "bochs_tests: module:tss_module_test: result names seen cpu0_gdtr cpu0_prefix_decode "
        "cpu0_tss_descriptor cpu1_gdtr cpu1_prefix_decode cpu1_tss_descriptor wanted "
        "cpu0_gdtr cpu0_tss_descriptor cpu1_gdtr cpu1_tss_descriptor <-- MISMATCH")
