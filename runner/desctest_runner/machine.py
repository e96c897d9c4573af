# SPDX-License-Identifier: GPL-2.0-only
"""What machine and kernel tree a run was on."""

import os
import platform
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
KSRC_SH = os.path.join(TOP, "lib", "mk", "ksrc.sh")
# CPU flags that matter to descriptor-table tests.
FLAGS = ("vmx", "svm", "hypervisor", "umip", "fsgsbase", "rdpid", "lm")


def cpuinfo(path="/proc/cpuinfo"):
    model, flags = "", set()
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and not model:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return model, flags


VENDORS = ("kvm_intel", "kvm_amd", "kvm_pvm")
# The CPU flag a built-in vendor module needs to serve /dev/kvm.
VENDOR_FLAG = {"kvm_intel": "vmx", "kvm_amd": "svm", "kvm_pvm": None}


def module_state(sysmod, name):
    """None (no /sys/module/NAME), "builtin" (a directory without
    initstate), or what its initstate file reads ("live": loaded)."""
    path = os.path.join(sysmod, name)
    if not os.path.isdir(path):
        return None
    try:
        with open(os.path.join(path, "initstate"), encoding="ascii",
                  errors="replace") as f:
            return f.read().strip()
    except OSError:
        return "builtin"


def kvm_flavour_decide(sysmod="/sys/module", flags=frozenset()):
    """Which KVM serves /dev/kvm: "kvm_intel", "kvm_amd", "kvm_pvm", or
    None when no single one does.  The rule of lib/kvm/kvm_flavour.h, the
    KVM programs' own (cases: lib/kvm/kvm-flavour-cases.txt): a loaded
    vendor module is the one; with none loaded, the built-in ones count,
    kvm_intel only with the vmx flag, kvm_amd only with svm, kvm_pvm
    always; exactly one must count."""
    states = {m: module_state(sysmod, m) for m in VENDORS}
    loaded = [m for m in VENDORS if states[m] == "live"]
    if loaded:
        return loaded[0] if len(loaded) == 1 else None
    builtin = [m for m in VENDORS if states[m] == "builtin"
               and (VENDOR_FLAG[m] is None or VENDOR_FLAG[m] in flags)]
    return builtin[0] if len(builtin) == 1 else None


def kvm_flavour(sysmod="/sys/module", flags=frozenset(), dev="/dev/kvm"):
    """The machine record's KVM: kvm_intel, kvm_amd, kvm_pvm (decided by
    kvm_flavour_decide()), else what is known: the vendor modules present,
    a /dev/kvm of no known module, or "none"."""
    decided = kvm_flavour_decide(sysmod, flags)
    if decided:
        return decided
    states = {m: module_state(sysmod, m) for m in VENDORS}
    if any(states.values()):
        return "unknown (built in: %s; loaded: %s)" % (
            ", ".join(m for m in VENDORS if states[m] == "builtin") or "none",
            ", ".join(m for m in VENDORS
                      if states[m] not in (None, "builtin")) or "none")
    if os.path.exists(dev):
        return "kvm (module unknown; vmx=%s svm=%s)" % (
            "vmx" in flags, "svm" in flags)
    return "none"


def ksrc_version(ksrc):
    if not ksrc:
        return None
    try:
        out = subprocess.run(["sh", KSRC_SH, "version", ksrc], check=True,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def usable_kvm(path="/dev/kvm"):
    """Whether this process can open /dev/kvm for reading and writing (the
    KVM programs' own first step): the one probe of every command."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def local_machine(ksrc=None):
    model, flags = cpuinfo()
    kvm, dev_kvm = kvm_flavour(flags=flags), usable_kvm()
    if kvm != "none" and not dev_kvm:
        # A KVM module without a usable device node: say so wherever the
        # flavour is shown, since the KVM programs then skip.
        kvm += " (no usable /dev/kvm)"
    return {
        "kernel": platform.release(),
        "cpu": model or platform.processor() or "unknown",
        "kvm": kvm,
        "dev_kvm": dev_kvm,
        "cpu_flags": sorted(f for f in FLAGS if f in flags),
        "hostname": platform.node(),
        "ksrc": os.path.abspath(ksrc) if ksrc else None,
        "ksrc_version": ksrc_version(ksrc),
    }
