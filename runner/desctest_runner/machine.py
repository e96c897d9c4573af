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


def kvm_flavour(sysmod="/sys/module", flags=frozenset()):
    """kvm_intel, kvm_amd, kvm_pvm (paravirtual KVM), or "none"."""
    loaded = [m for m in ("kvm_intel", "kvm_amd", "kvm_pvm")
              if os.path.isdir(os.path.join(sysmod, m))]
    if loaded:
        return loaded[0] if len(loaded) == 1 else "+".join(loaded)
    if os.path.exists("/dev/kvm"):
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
