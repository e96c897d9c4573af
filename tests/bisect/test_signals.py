# SPDX-License-Identifier: GPL-2.0-only
"""Ctrl-C, SIGTERM and SIGHUP during a boot stop the emulator at once:
tests/vm/boot.sh, tests/bochs/boot.sh, tests/vm/vm-run.sh and
runner/bisect-run.sh exit 128 + the signal with no emulator left."""

import os
import signal
import subprocess
import time

import pytest

from bisect_world import (STUBS, SYSTEM_PATH, TOP, alive, default_sigint,
                          wait_for)


def start(cmd, env, tmp_path, cwd=None):
    """cmd in the background (in cwd, default tmp_path), its output to
    files under tmp_path: an emulator left behind holding a pipe must not
    hang the test."""
    out = open(tmp_path / "proc.out", "w")
    err = open(tmp_path / "proc.err", "w")
    p = subprocess.Popen(cmd, env=env, stdout=out, stderr=err,
                         stdin=subprocess.DEVNULL, preexec_fn=default_sigint,
                         cwd=str(cwd or tmp_path))
    out.close()
    err.close()
    p.err_file = tmp_path / "proc.err"
    return p


def stop_during_boot(proc, pidfile, log, sig):
    """Send sig once the stand-in emulator is up and the guest started
    the suite; (exit status, stderr, emulator pid, seconds it took).  The
    emulator is killed afterwards whatever happened."""
    up = wait_for(lambda: pidfile.exists() and pidfile.read_text().strip()
                  and log.exists() and "DESCTEST-MACHINE" in log.read_text(),
                  60)
    if not up:
        proc.kill()
        proc.wait()
        raise AssertionError("the emulator never came up: %s"
                             % proc.err_file.read_text())
    pid = int(pidfile.read_text())
    try:
        assert alive(pid)
        t = time.monotonic()
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("still running 10 s after the signal: %s"
                                 % proc.err_file.read_text())
        secs = time.monotonic() - t
        # What the script left behind gets a moment to go.
        wait_for(lambda: not alive(pid), 2)
        return proc.returncode, proc.err_file.read_text(), alive(pid), secs
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def boot_files(tmp_path, how="hang"):
    kernel = tmp_path / "bzImage"
    kernel.write_text(how + "\n")
    initrd = tmp_path / "initramfs.cpio"
    initrd.write_text("")
    (tmp_path / "initramfs.cpio.list").write_text("kvm:a 30\n")
    return kernel, initrd


def stub_env(tmp_path, *stubs):
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    for s in stubs:
        if not (bindir / s).exists():
            os.symlink(os.path.join(STUBS, s), bindir / s)
    return dict(os.environ, PATH="%s:%s" % (bindir, SYSTEM_PATH),
                VM_TIMEOUT="300", BOCHS_TIMEOUT="300",
                STUB_QEMU_PID=str(tmp_path / "emu.pid"))


@pytest.mark.parametrize("sig,status", [(signal.SIGTERM, 143),
                                        (signal.SIGINT, 130),
                                        (signal.SIGHUP, 129)])
def test_qemu_boot_stops_qemu(tmp_path, sig, status):
    kernel, initrd = boot_files(tmp_path)
    env = stub_env(tmp_path, "qemu-system-x86_64")
    log = tmp_path / "console.log"
    p = start([os.path.join(TOP, "tests/vm/boot.sh"), str(kernel),
               str(initrd), str(log)], env, tmp_path)
    rc, err, left, secs = stop_during_boot(p, tmp_path / "emu.pid", log, sig)
    assert rc == status, err
    assert err.splitlines()[-1] == "boot.sh: stopped by %s; QEMU stopped" \
        % sig.name
    assert not left, "the emulator outlived the script"
    assert secs < 3


def test_bochs_boot_stops_bochs(tmp_path):
    kernel, initrd = boot_files(tmp_path)
    env = stub_env(tmp_path, "bochs")
    log = tmp_path / "console.log"
    p = start([os.path.join(TOP, "tests/bochs/boot.sh"), str(kernel),
               str(initrd), str(log)], env, tmp_path)
    rc, err, left, secs = stop_during_boot(p, tmp_path / "emu.pid", log,
                                          signal.SIGTERM)
    assert rc == 143, err
    assert err.splitlines()[-1] == \
        "boot.sh: stopped by SIGTERM; Bochs stopped"
    assert not left, "the emulator outlived the script"
    assert secs < 3


def fake_output(tmp_path, progs):
    out = tmp_path / "out"
    for prog in progs:
        coll, test = prog.split(":")
        (out / coll).mkdir(parents=True, exist_ok=True)
        f = out / coll / test
        f.write_text("#!/bin/sh\necho 'TAP version 13'\necho 1..1\n"
                     "echo 'ok 1 %s'\n" % test)
        f.chmod(0o755)
    (out / "kselftest-list.txt").write_text("".join(p + "\n" for p in progs))
    (out / "kvm-glue").mkdir(exist_ok=True)
    tool = out / "kvm-glue" / "kvm-flavour"
    tool.write_text("#!/bin/sh\necho kvm_amd\n")
    tool.chmod(0o755)
    return out


def vm_run(tmp_path, how, env_extra=None):
    kernel = tmp_path / "bzImage"
    kernel.write_text(how + "\n")
    out = fake_output(tmp_path, ["host:umip", "host:percpu_gdt",
                                 "differential:desc64_base_diff"])
    env = stub_env(tmp_path, "qemu-system-x86_64")
    env["STUB_LOG"] = str(tmp_path / "stub.log")
    env.update(env_extra or {})
    cmd = [os.path.join(TOP, "tests/vm/vm-run.sh"), "--kernel", str(kernel),
           "--output", str(out), "--work", str(tmp_path / "work"),
           "--label", "vm-test", "--release", "6.12.0-fake"]
    return cmd, env


def test_vm_run_passes_the_signal_on(tmp_path):
    cmd, env = vm_run(tmp_path, "hang")
    p = start(cmd, env, tmp_path)
    rc, err, left, secs = stop_during_boot(
        p, tmp_path / "emu.pid", tmp_path / "work" / "console.log",
        signal.SIGTERM)
    assert rc == 143, err
    assert err.splitlines()[-2:] == ["boot.sh: stopped by SIGTERM; QEMU "
                                     "stopped", "vm-run.sh: stopped by "
                                     "SIGTERM"]
    assert not left, "the emulator outlived the script"
    assert secs < 3


def test_vm_only_and_exclude_take_either_form(tmp_path):
    cmd, env = vm_run(tmp_path, "good", {"VM_ONLY": "host/*",
                                         "VM_EXCLUDE": "host:umip"})
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert (tmp_path / "stub.log").read_text() == \
        "qemu ran host:percpu_gdt\n"
    cmd, env = vm_run(tmp_path, "good", {"VM_ONLY": "kvm:*",
                                         "VM_EXCLUDE": ""})
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    assert p.returncode == 1
    assert p.stderr.splitlines()[-1] == (
        "vm-run.sh: VM_ONLY='kvm:*' VM_EXCLUDE='' leave no program of %s/"
        "kselftest-list.txt to run in the guest" % (tmp_path / "out"))


def test_bisect_run_stops_the_boot(world):
    (world.repo / "desctest-fake").write_text("hang\n")
    from bisect_world import git
    git(world.repo, "commit", "-q", "-am", "hangs")
    env = dict(world.env)
    p = start([world.script(), "--kernel"], env, world.tmp, cwd=world.repo)
    rc, err, left, secs = stop_during_boot(
        p, world.qemu_pid, world.tmp / "bisect/kernel/run/console.log",
        signal.SIGTERM)
    assert rc == 143, err
    assert err.splitlines()[-3:] == [
        "boot.sh: stopped by SIGTERM; QEMU stopped",
        "vm-run.sh: stopped by SIGTERM", "desctest-bisect: stopped by SIGTERM"]
    assert not left, "the emulator outlived the script"
    assert secs < 3


def test_bisect_run_stops_a_build_with_what_it_started(world):
    env = dict(world.env, STUB_MAKE_PID=str(world.tmp / "cc.pid"))
    p = start([world.script()], env, world.tmp, cwd=world.repo)
    pidfile = world.tmp / "cc.pid"
    assert wait_for(lambda: pidfile.exists() and pidfile.read_text(), 60), \
        p.err_file.read_text()
    pid = int(pidfile.read_text())
    try:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        assert p.returncode == 143, p.err_file.read_text()
        assert p.err_file.read_text().splitlines()[-1] == \
            "desctest-bisect: stopped by SIGTERM"
        assert wait_for(lambda: not alive(pid), 2), "the compiler outlived it"
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
