# SPDX-License-Identifier: GPL-2.0-only
"""import-console: a VM's framed console log filed like a local run."""

import json
import os

from conftest import HERE

LOGS = os.path.join(HERE, "fixtures", "console")


def imp(cli, tmp_path, log, *extra):
    # A relative log path, as people type it.
    p = cli("import-console", "--results", tmp_path / "results", "--label",
            "vm-test", log, *extra, cwd=LOGS)
    with open(tmp_path / "results" / "latest" / "results.json") as f:
        return p, json.load(f)


def test_complete_log(cli, tmp_path):
    p, data = imp(cli, tmp_path, "complete.log")
    assert p.returncode == 1, p.stderr
    assert data["label"] == "vm-test"
    assert data["machine"]["kernel"] == "6.12.57-amd64"
    assert data["machine"]["cpu"] == "QEMU Virtual CPU version 2.5+"
    assert data["machine"]["kvm"] == "kvm_amd"
    progs = {x["id"]: x for x in data["programs"]}
    assert list(progs) == ["desc:gdt/gdt_base", "desc:kvm/sregs",
                           "desc:gdt/crashes"]
    assert progs["desc:gdt/gdt_base"]["outcome"] == "fail"
    assert progs["desc:gdt/gdt_base"]["duration_s"] == 0.012
    assert progs["desc:kvm/sregs"]["outcome"] == "skip"
    assert progs["desc:gdt/crashes"]["signal"] == "SIGSEGV"
    tests = {t["id"]: t for t in data["tests"]}
    assert tests["desc:gdt/gdt_base::tss descriptor base"]["outcome"] == \
        "fail"
    assert "WANTED 0xfffffe7cf8d65000" in tests[
        "desc:gdt/gdt_base::tss descriptor base"]["reason"]
    raw = tmp_path / "results" / "latest" / progs["desc:kvm/sregs"]["stdout"]
    assert "1..0 # SKIP" in raw.read_text()
    assert "ok 2 desc:kvm/sregs # SKIP /dev/kvm missing" in p.stdout


def test_guest_dying_mid_suite_is_bad_with_the_console_tail(cli, tmp_path):
    # A kernel regression that panics the guest is what a bisect hunts.
    p, data = imp(cli, tmp_path, "panic.log", "--bisect")
    assert p.returncode == 1, p.stderr
    assert data["machine"]["kernel"] == "6.1.0-27-amd64"
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["desc:gdt/gdt_base"]["outcome"] == "pass"
    lost = progs["desc:tss/ltr_reload"]
    assert lost["outcome"] == "fail" and "no DESCTEST-END" in lost["reason"]
    tests = {t["id"]: t for t in data["tests"]}
    assert tests["desc:tss/ltr_reload::ltr of a fresh TSS"]["outcome"] == \
        "pass"
    boot = tests["console:panic.log"]
    assert boot["outcome"] == "fail"
    assert "no DESCTEST-DONE" in boot["reason"]
    assert any("Kernel panic" in l for l in boot["details"])
    copy = tmp_path / "results" / "latest" / progs["console:panic.log"][
        "stdout"]
    with open(os.path.join(LOGS, "panic.log")) as f:
        assert copy.read_text() == f.read()


def test_missing_log_is_one_line(cli, tmp_path):
    p = cli("import-console", "--results", tmp_path / "r", "--label", "x",
            tmp_path / "nope.log")
    assert p.returncode == 2
    assert "not found" in p.stderr and p.stderr.count("\n") == 1


def test_guest_that_never_started_the_suite_is_untestable(cli, tmp_path):
    log = tmp_path / "noboot.log"
    log.write_text("SeaBIOS (version 1.16.2-debian-1.16.2-1)\n"
                   "Booting from ROM...\n"
                   "[    0.912345] Kernel panic - not syncing: VFS: Unable "
                   "to mount root fs on unknown-block(0,0)\n")
    p, data = imp(cli, tmp_path, str(log), "--bisect")
    assert p.returncode == 125, p.stderr
    boot = {t["id"]: t for t in data["tests"]}["console:noboot.log"]
    assert boot["outcome"] == "error"
    assert "never started" in boot["reason"]
    assert any("VFS: Unable to mount root" in l for l in boot["details"])
    p, data = imp(cli, tmp_path, str(log))
    assert p.returncode == 1


def test_block_names_stay_under_raw(cli, tmp_path):
    log = tmp_path / "evil.log"
    log.write_text("DESCTEST-MACHINE kernel=6.1 cpu=x\n"
                   "DESCTEST-BEGIN ../..:../../escaped\n"
                   "TAP version 13\n1..1\nok 1 fine\n"
                   "DESCTEST-END ../..:../../escaped rc=0 ms=1\n"
                   "DESCTEST-BEGIN k:a/b\nTAP version 13\n1..1\nok 1 ab\n"
                   "DESCTEST-END k:a/b rc=0 ms=1\n"
                   "DESCTEST-BEGIN k:a__b\nTAP version 13\n1..1\nok 1 a_b\n"
                   "DESCTEST-END k:a__b rc=0 ms=1\n"
                   "DESCTEST-DONE\n")
    p, data = imp(cli, tmp_path, str(log))
    assert p.returncode == 0, p.stderr
    run_dir = os.path.realpath(tmp_path / "results" / "latest")
    for prog in data["programs"]:
        where = os.path.realpath(os.path.join(run_dir, prog["stdout"]))
        assert where.startswith(os.path.join(run_dir, "raw") + os.sep)
        assert os.path.isfile(where)
    raw = {x["id"]: x["stdout"] for x in data["programs"]}
    assert raw["k:a/b"] == "raw/k/a/b.stdout"
    assert raw["k:a__b"] == "raw/k/a__b.stdout"
    assert not (tmp_path / "escaped.stdout").exists()


def test_kernel_splat_fails_the_program_it_ran_under(cli, tmp_path):
    # A WARN (or BUG, oops, lockup, RCU stall) the kernel printed inside a
    # program's frame fails that program, whatever its own KTAP said; a
    # program with a clean frame keeps its verdict.
    log = tmp_path / "splat.log"
    log.write_text(
        "DESCTEST-MACHINE kernel=6.1.0-56-amd64 cpu=QEMU TCG CPU\n"
        "DESCTEST-BEGIN kvm:clean\nTAP version 13\n1..1\nok 1 fine\n"
        "[    3.100000] kvm: SMP vm created on host with unstable TSC\n"
        "DESCTEST-END kvm:clean rc=0 ms=5\n"
        "DESCTEST-BEGIN kvm:warned\nTAP version 13\n1..1\n"
        "[    3.200000] ------------[ cut here ]------------\n"
        "[    3.200001] WARNING: CPU: 1 PID: 141 at arch/x86/kvm/x86.c:11504 "
        "kvm_arch_vcpu_ioctl_run+0x1a/0x5b0 [kvm]\n"
        "ok 1 fine anyway\n"
        "DESCTEST-END kvm:warned rc=0 ms=7\n"
        "DESCTEST-BEGIN kvm:locked\nTAP version 13\n1..2\nok 1 vcpu0\n"
        "[   28.701437] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! "
        "[locked:150]\n"
        "[   28.900000] rcu: INFO: rcu_preempt self-detected stall on CPU\n")
    p, data = imp(cli, tmp_path, str(log))
    assert p.returncode == 1, p.stderr
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["kvm:clean"]["outcome"] == "pass"
    warned = progs["kvm:warned"]
    assert warned["outcome"] == "fail"
    assert "WARNING: CPU: 1 PID: 141 at arch/x86/kvm/x86.c:11504" in \
        warned["reason"]
    assert "console line 12" in warned["reason"]
    assert "its own verdict: pass" in warned["reason"]
    locked = progs["kvm:locked"]
    assert locked["outcome"] == "fail"
    assert "no DESCTEST-END" in locked["reason"]
    assert "soft lockup - CPU#1 stuck for 26s" in locked["reason"]
    assert "and 1 more report(s)" in locked["reason"]
    tests = {t["id"]: t for t in data["tests"]}
    assert tests["kvm:warned::fine anyway"]["outcome"] == "pass"
    assert any("rcu_preempt self-detected stall" in d
               for d in tests["kvm:locked"]["details"])


def test_framing_words_inside_a_line_are_program_output(cli, tmp_path):
    # A program that prints the framing words in its diagnostics keeps
    # its results: only the whole lines init.sh writes frame a program.
    p, data = imp(cli, tmp_path, "markers.log")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert [x["id"] for x in data["programs"]] == ["desc:gdt/chatty"]
    tests = {t["id"]: t["outcome"] for t in data["tests"]}
    assert tests == {"desc:gdt/chatty::first": "pass",
                     "desc:gdt/chatty::second": "pass",
                     "desc:gdt/chatty": "pass"}
    assert data["programs"][0]["duration_s"] == 0.009


def test_a_kernel_message_inside_a_line_is_spliced_out(cli, tmp_path):
    # On a slow serial console (Bochs) the kernel's own messages, written
    # past the tty, land inside the lines user space is writing: here the
    # first module load's taint message inside a BEGIN line and two
    # messages inside a result line.  The lines are whole again, the
    # messages lines of their own, and every program is filed.
    p, data = imp(cli, tmp_path, "kmsg-spliced.log")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert [x["id"] for x in data["programs"]] == [
        "kvm_oracle:sregs_oracle", "module:tss_module_test",
        "module:gdtr_vmx_exit"]
    tests = {t["id"]: t["outcome"] for t in data["tests"]
             if t["program"] == "module:tss_module_test"}
    assert tests == {"module:tss_module_test::cpu0_gdtr": "pass",
                     "module:tss_module_test::cpu0_tss_descriptor": "pass",
                     "module:tss_module_test": "pass"}


def test_an_end_without_its_begin_fails_that_program(cli, tmp_path):
    # A BEGIN line garbled beyond repair: the program's END still names
    # it, and it fails (its output cannot be told from the lines around
    # it) instead of vanishing from a green run.
    p, data = imp(cli, tmp_path, "begin-garbled.log")
    assert p.returncode == 1, (p.stdout, p.stderr)
    progs = {x["id"]: x for x in data["programs"]}
    assert list(progs) == ["kvm:dt_regs", "module:tss_module_test"]
    assert progs["kvm:dt_regs"]["outcome"] == "pass"
    bad = progs["module:tss_module_test"]
    assert bad["outcome"] == "fail"
    assert bad["reason"] == (
        "DESCTEST-END for module:tss_module_test (console line 12) without "
        "its DESCTEST-BEGIN: the console garbled that line, so the "
        "program's output cannot be told from the lines before it")
