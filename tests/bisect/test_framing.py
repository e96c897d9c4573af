# SPDX-License-Identifier: GPL-2.0-only
"""The console framing is read by one rule (tests/vm/framing.sh): the
runner's import-console and every shell reader agree line for line, and a
program printing DESCTEST-DONE-like output ends nothing."""

import os
import subprocess

from bisect_world import STUBS, SYSTEM_PATH, TOP

from desctest_runner import framing

FRAMING_SH = os.path.join(TOP, "tests", "vm", "framing.sh")

CORPUS = [
    b"DESCTEST-MACHINE kernel=6.12.57-amd64 cpu=QEMU Virtual CPU",
    b"DESCTEST-MACHINE kernel=6.12 cpu=Xeon  ",
    b"DESCTEST-MACHINE kernel=6.12 cpu=x\r",
    b"DESCTEST-MACHINE",
    b"DESCTEST-MACHINE ",
    b"DESCTEST-MACHINE   ",
    b"DESCTEST-MACHINE kernel=\xc3\xa9 cpu=\xff",
    b"DESCTEST-MACHINE a\x00b",
    b"DESCTEST-MACHINEkernel=x",
    b"DESCTEST-INFO kvm=kvm_amd",
    b"DESCTEST-INFO cmdline=console=ttyS0 panic=-1 ",
    b"DESCTEST-INFO",
    b"DESCTEST-INFO\tkvm=x",
    b"DESCTEST-BEGIN kvm:dt_regs",
    b"DESCTEST-BEGIN kvm:dt_regs\r",
    b"DESCTEST-BEGIN kvm:dt_regs\r\r",
    b"DESCTEST-BEGIN kvm:a/b",
    b"DESCTEST-BEGIN ",
    b"DESCTEST-BEGIN",
    b"DESCTEST-BEGIN kvm:a b",
    b"DESCTEST-BEGIN  kvm:a",
    b"DESCTEST-BEGIN kvm:a ",
    b"DESCTEST-BEGIN\tkvm:a",
    b"DESCTEST-BEGIN kvm:\xc3\xa9",
    b"DESCTEST-END kvm:dt_regs rc=0 ms=12",
    b"DESCTEST-END kvm:dt_regs rc=1",
    b"DESCTEST-END kvm:dt_regs rc=-1 ms=0",
    b"DESCTEST-END kvm:dt_regs rc=139 ms=5\r",
    b"DESCTEST-END kvm:dt_regs rc=x ms=1",
    b"DESCTEST-END kvm:dt_regs rc=0 ms=",
    b"DESCTEST-END kvm:dt_regs rc=0 ms=1 extra",
    b"DESCTEST-END kvm:dt_regs rc=0  ms=1",
    b"DESCTEST-END rc=0 ms=1",
    b"DESCTEST-DONE",
    b"DESCTEST-DONE\r",
    b"DESCTEST-DONE ",
    b"DESCTEST-DONE-ish",
    b"DESCTEST-DONE x",
    b"DESCTEST-DONEx",
    b" DESCTEST-DONE",
    b"#DESCTEST-DONE",
    b"# saw DESCTEST-DONE in a diagnostic",
    b"DESCTEST-DONE\x0cDESCTEST-DONE",
    b"progress 50%\rDESCTEST-DONE",
    b"DESCTEST-DONE\rprogress",
    b"DESCTEST-DONE\x0b",
    b"DESCTEST-DONE\x00",
    b"desctest-done",
    b"DESCTEST-NOPE x",
    b"ok 1 fine",
    b"",
    # Kernel messages inside a line (a slow serial console): spliced out,
    # the line made whole, frames found as if nothing had landed there.
    b"DESCTEST-BEGIN module:tss_module[    6.690234] desctest_tss: loading "
    b"out-of-tree module taints kernel.",
    b"_test",
    b"DESCTEST-END module:tss_mo[    7.000001] one",
    b"[    7.000002] two",
    b"dule_test rc=0 ms=40",
    b"[    7.5] a message at the start of a line stays as it is",
    b"DESCTEST-DONE[ 9.0] x",
    b"",
]


def shell_frames(kind, path):
    p = subprocess.run(["bash", "-c", '. "$1"; desctest_frames "$2" "$3"',
                        "sh", FRAMING_SH, kind, str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode in (0, 1), p.stderr
    return p.stdout.decode("utf-8", "replace").splitlines()


def test_shell_and_python_read_the_same_frames(tmp_path):
    log = tmp_path / "console.log"
    log.write_bytes(b"\n".join(CORPUS) + b"\n")
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = framing.split_lines(f.read())
    want = {"DONE": ["DESCTEST-DONE"] * 5}
    for kind in framing.PATTERNS:
        python = [l for l in lines if (framing.frame(l) or ("",))[0] == kind]
        assert shell_frames(kind, log) == python, kind
        if kind in want:
            assert python == want[kind]
    # Nothing a program prints around the words is a frame.
    for text in ("DESCTEST-DONE-ish", "DESCTEST-DONE x", " DESCTEST-DONE",
                 "DESCTEST-BEGIN kvm:a b", "DESCTEST-END kvm:a rc=0 ms=1 x"):
        assert framing.frame(text) is None, text


def shell_lines(path):
    p = subprocess.run(["bash", "-c", '. "$1"; desctest_console_lines "$2"',
                        "sh", FRAMING_SH, str(path)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode("utf-8", "replace").split("\n")
    assert out.pop() == ""
    return out


def test_kernel_messages_inside_lines_are_spliced_out_alike(tmp_path):
    log = tmp_path / "console.log"
    log.write_bytes(b"\n".join(CORPUS) + b"\n")
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = framing.split_lines(f.read())
    assert shell_lines(log) == lines
    i = lines.index("DESCTEST-BEGIN module:tss_module_test")
    assert lines[i - 1] == ("[    6.690234] desctest_tss: loading "
                            "out-of-tree module taints kernel.")
    assert lines[i + 1:i + 6] == [
        "[    7.000001] one", "[    7.000002] two",
        "DESCTEST-END module:tss_module_test rc=0 ms=40",
        "[    7.5] a message at the start of a line stays as it is",
        "[ 9.0] x"]
    assert lines[i + 6] == "DESCTEST-DONE"


def test_python_fields_of_frames():
    assert framing.frame("DESCTEST-END kvm:a rc=-1 ms=3") == \
        ("END", "kvm:a rc=-1 ms=3")
    assert framing.split_lines("a\r\nb\rc\n\x0cd\n") == ["a", "b", "c",
                                                          "\x0cd"]
    m = framing.END_FIELDS.fullmatch("kvm:a rc=-1 ms=3")
    assert m.groups() == ("kvm:a", "-1", "3")
    assert framing.frame("DESCTEST-DONE") == ("DONE", "")
    assert framing.frame("DESCTEST-BEGIN k:t") == ("BEGIN", "k:t")


def test_definition_missing_is_one_clear_error(tmp_path):
    try:
        framing.load(str(tmp_path / "framing.sh"))
    except RuntimeError as e:
        assert "framing.sh" in str(e) and "full checkout" in str(e)
    else:
        raise AssertionError("load() of a missing file did not fail")


def verdict(log, rc):
    p = subprocess.run(
        ["bash", "-c", '. "$1"; kernel=bzImage; boot_verdict "$2" "$3" 1.0 '
         '"QEMU TCG" VM_TIMEOUT 3', "sh",
         os.path.join(TOP, "tests", "vm", "boot-verdict.sh"), str(log),
         str(rc)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout


def test_boot_verdict_needs_the_whole_done_line(tmp_path):
    log = tmp_path / "console.log"
    for line in ("DESCTEST-DONE x", "DESCTEST-DONE-ish", "#DESCTEST-DONE"):
        log.write_text("DESCTEST-MACHINE kernel=6.12 cpu=x\r\n"
                       "DESCTEST-BEGIN kvm:a\r\n%s\r\n" % line)
        assert verdict(log, 124) == (
            1, "boot.sh: HANG: no DESCTEST-DONE within VM_TIMEOUT=3 s (last "
            "program started: kvm:a)\n"), line
    log.write_text("DESCTEST-MACHINE kernel=6.12 cpu=x\r\nDESCTEST-DONE\r\n")
    assert verdict(log, 143) == (
        0, "boot.sh: bzImage ran to DESCTEST-DONE in 1.0 s under QEMU TCG\n")


def test_boot_sh_runs_on_after_a_program_prints_done_ish(tmp_path):
    # The stand-in QEMU: a program prints DESCTEST-DONE-ish, then the
    # guest hangs.  Stopping there would call a hang finished.
    kernel = tmp_path / "bzImage"
    kernel.write_text("doneish\n")
    initrd = tmp_path / "initramfs.cpio"
    initrd.write_text("")
    (tmp_path / "initramfs.cpio.list").write_text("kvm:a 30\n")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(os.path.join(STUBS, "qemu-system-x86_64"),
               bindir / "qemu-system-x86_64")
    env = dict(os.environ, PATH="%s:%s" % (bindir, SYSTEM_PATH),
               VM_TIMEOUT="3", STUB_QEMU_PID=str(tmp_path / "pid"))
    p = subprocess.run([os.path.join(TOP, "tests", "vm", "boot.sh"),
                        str(kernel), str(initrd), str(tmp_path / "c.log")],
                       env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert p.stdout.splitlines()[0] == (
        "boot.sh: HANG: no DESCTEST-DONE within VM_TIMEOUT=3 s (last "
        "program started: kvm:a)")
