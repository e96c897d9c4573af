# SPDX-License-Identifier: GPL-2.0-only
"""validate: build and run the suite on one side (before or after).

host    the programs built against the side's tree, run here by the runner
vm      the same programs in Debian's kernel for KVER under QEMU TCG (as
        make vm_tests does): the KVM programs run against a real nested
        KVM where this machine has no usable /dev/kvm
kernel  the side's own kernel, built by lib/kbuild/build-kernel.sh (output
        kept, so the second side builds incrementally) and booted under
        QEMU with the side's programs"""

import hashlib
import os
import re
import sys
import time

from .. import proc, results, selection


class SideError(Exception):
    """A side could not be built or run; one line, plus the log's path."""

    def __init__(self, msg, log=None):
        super().__init__(msg)
        self.log = log


def _tail(path, n=12):
    try:
        with open(path, errors="replace") as f:
            return [ln.rstrip("\n") for ln in f.readlines()[-n:]]
    except OSError:
        return []


_logged = proc.logged


def suite_programs(top):
    """Every collection:test of the suite (make validate_list: the
    TEST_PROGS of the build files, the same for every tree)."""
    d = proc.run(["make", "--no-print-directory", "-s", "-C", top,
                  "validate_list"])
    if d.returncode != 0:
        raise RuntimeError("make validate_list failed: %s" % d.words(20))
    return d.out.split()


def select(programs, globs):
    """The programs a glob names (all without globs), in order: the
    runner's --filter rule (selection.py), so collection:test and
    collection/test name the same program."""
    return selection.select(programs, globs)


BUILD_PROGRAMS = os.path.join("runner", "build-programs.sh")


def build(top, tree, out, kver, globs, log):
    """Build the programs the globs name (all without globs) into out,
    with their kselftest-list.txt: runner/build-programs.sh, as
    bisect-run.sh builds.  SideError when the build fails."""
    os.makedirs(out, exist_ok=True)
    cmd = [os.path.join(top, BUILD_PROGRAMS), "--output", out]
    for g in globs:
        cmd += ["--only", g]
    cmd += ["--", "KSRC=%s" % tree, "KVER=%s" % kver, "-j2"]
    rc = _logged(cmd, log)
    if rc != 0:
        raise SideError("the build against %s failed (%s exit %d): %s" % (
            tree, BUILD_PROGRAMS, rc, " | ".join(_tail(log, 3))), log)


def _latest(root, label):
    """The run filed under root (a folder of this side and mode alone, new
    in this validation): its results.json, or None when there is none, it
    has another label or it is not complete (a runner stopped midway)."""
    path = os.path.join(root, "latest", "results.json")
    if not os.path.isfile(path):
        return None
    try:
        data = results.load(path)
    except ValueError:
        return None
    if data.get("label") != label or data.get("complete") is False:
        return None
    return os.path.realpath(path)


def run_host(top, tree, out, results_root, label, log):
    """The runner over out; the run's results.json."""
    env = dict(os.environ, PYTHONPATH=os.path.join(top, "runner"),
               PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "desctest_runner", "run", "--output", out,
           "--settings", os.path.join(top, "configs", "settings"),
           "--results", results_root, "--ksrc", tree, "--label", label]
    rc = _logged(cmd, log, env=env)
    res = _latest(results_root, label)
    if res is None:
        raise SideError("the runner filed no complete run (exit %d)" % rc,
                        log)
    return res


def debian_kernel(top, kver, log):
    """(release, package root) of Debian's kernel for kver, fetched once
    into .build/vm/kernels as make vm_tests does."""
    cache = os.path.join(top, ".build", "vm", "kernels")
    d = proc.run([os.path.join(top, "tests", "vm", "fetch-kernel.sh"),
                  kver, cache])
    with open(log, "a") as f:
        f.write(d.err or d.why)
    rel = d.out.strip().splitlines()[-1] if d.out.strip() else ""
    if d.returncode != 0 or not rel:
        raise SideError("cannot fetch Debian's %s kernel: %s" % (
            kver, d.words(20)), log)
    return rel, os.path.join(cache, rel, "root")


def _vm_run(top, kernel, out, work, label, results_root, tree, log,
            modroot=None, release=None, kdir=None):
    cmd = [os.path.join(top, "tests", "vm", "vm-run.sh"), "--kernel", kernel,
           "--output", out, "--work", work, "--label", label,
           "--results", results_root, "--ksrc", tree, "--top", top,
           "--python", sys.executable]
    for opt, val in (("--modroot", modroot), ("--release", release),
                     ("--kdir", kdir)):
        if val:
            cmd += [opt, val]
    env = dict(os.environ)
    env.setdefault("VM_EXCLUDE", "differential:*")
    rc = _logged(cmd, log, env=env)
    res = _latest(results_root, label)
    if res is None:
        raise SideError("the boot of %s filed no complete run (vm-run.sh exit "
                        "%d): %s" % (kernel, rc, " | ".join(_tail(log, 3))),
                        log)
    return res


def _wants_module(out):
    """Whether the build's list holds the module's programs (the module is
    built against the booted kernel only for them)."""
    with open(os.path.join(out, "kselftest-list.txt")) as f:
        return any(ln.startswith("module:") for ln in f)


def run_vm(top, tree, out, kver, work, results_root, label, log):
    rel, root = debian_kernel(top, kver, log)
    kdir = os.path.join(root, "usr", "src", "linux-headers-" + rel)
    return _vm_run(top, os.path.join(root, "boot", "vmlinuz-" + rel), out,
                   work, label, results_root, tree, log, modroot=root,
                   release=rel, kdir=kdir if _wants_module(out) else None)


KBUILD = os.path.join("lib", "kbuild", "build-kernel.sh")


def kernel_available(top):
    return os.access(os.path.join(top, KBUILD), os.X_OK)


# What a tree's own in-tree `make headers` leaves behind, which a kernel
# build with O= refuses to start on ("source tree is not clean").
_NOT_SOURCE = (".git", ".config", "include/config", "include/generated",
               "arch/*/include/generated", "usr/include", ".desctest-*")


def sync_source(tree, src, log):
    """src: the side's tree as a kernel build source at one fixed path,
    rewritten only where the content differs, so the kernel build output
    of the other side (and of earlier validations) stays valid and the
    second build is incremental.  Content decides, never a file's time:
    a file is rewritten when its checksum differs, and gets the time of
    that rewrite (--no-times), newer than every object built before, so
    make rebuilds what depends on it.  With -a's times kept, a file the
    patch changed before the before side's build (its time older than
    the objects) would be skipped by make and the after kernel would be
    the before kernel."""
    os.makedirs(src, exist_ok=True)
    cmd = ["rsync", "-a", "--no-times", "--checksum", "--delete"] + \
        ["--exclude=/%s" % x for x in _NOT_SOURCE] + [tree + "/", src + "/"]
    if _logged(cmd, log) != 0:
        raise SideError("copying %s for the kernel build failed" % tree, log)


def kernel_identity(obj, image):
    """What tells one kernel build from another: the version string the
    kernel reports (uname -v: the build's count and time) and the image's
    sha256."""
    uts = ""
    for rel in ("include/generated/utsversion.h",
                "include/generated/compile.h"):
        try:
            with open(os.path.join(obj, rel), errors="replace") as f:
                m = re.search(r'^#define UTS_VERSION "(.*)"', f.read(), re.M)
        except OSError:
            continue
        if m:
            uts = m.group(1)
            break
    h = hashlib.sha256()
    with open(image, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return {"uts_version": uts, "sha256": h.hexdigest()}


def run_kernel(top, tree, out, kcache, work, results_root, label, log):
    """Build the side's kernel (sources synced into kcache/src, output in
    kcache/obj, both kept between sides and validations) and boot it with
    the side's programs: (results.json, the kernel's identity)."""
    src, obj = os.path.join(kcache, "src"), os.path.join(kcache, "obj")
    sync_source(tree, src, log)
    with open(log, "a") as f:
        f.write("$ %s %s %s\n" % (KBUILD, src, obj))
    d = proc.run([os.path.join(top, KBUILD), src, obj])
    with open(log, "a") as f:
        f.write(d.err + d.out + d.why)
    if d.returncode != 0:
        raise SideError("the kernel build of %s failed: %s" % (
            tree, ((d.err or d.why).strip().splitlines() or ["?"])[-1]), log)
    vals = dict(w.split("=", 1) for w in d.out.split() if "=" in w)
    kernel = vals.get("KERNEL", os.path.join(obj, "arch/x86/boot/bzImage"))
    ident = kernel_identity(obj, kernel)
    return _vm_run(top, kernel, out, work, label, results_root, tree, log,
                   modroot=vals.get("MODULES"),
                   kdir=vals.get("KDIR", obj)), ident


def timed(progress, what, fn, *args):
    t0 = time.monotonic()
    progress("%s ..." % what)
    r = fn(*args)
    progress("%s: done in %.0f s" % (what, time.monotonic() - t0))
    return r
