# SPDX-License-Identifier: GPL-2.0-only
"""lib/kvm/framework.mk: libkvm.a holds exactly the objects of the tree's
current source list; a source the tree stopped listing (another commit
in the same OUTPUT) leaves the archive."""

import os
import subprocess

from bisect_world import SYSTEM_PATH, TOP


def build(selftests, lib):
    p = subprocess.run(
        ["make", "--no-print-directory", "-f",
         os.path.join(TOP, "lib", "kvm", "framework.mk"),
         "KVM_SELFTESTS=%s" % selftests, "KVM_ARCH_DIR=x86_64",
         "KVM_FW_CFLAGS=-O0", "LIB=%s" % lib, "CC=gcc", "Q=@",
         "FLAGS_FROM="], env=dict(os.environ, PATH=SYSTEM_PATH),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def members(lib):
    return subprocess.run(["ar", "t", str(lib)], stdout=subprocess.PIPE,
                          text=True, check=True).stdout.split()


def test_a_source_dropped_from_the_list_leaves_the_archive(tmp_path):
    st = tmp_path / "kvm"
    (st / "lib" / "x86_64").mkdir(parents=True)
    for name in ("lib/a.c", "lib/b.c", "lib/x86_64/c.c"):
        (st / name).write_text("int %s(void) { return 1; }\n"
                               % os.path.basename(name)[0])
    mk = st / "Makefile"
    mk.write_text("LIBKVM += lib/a.c\nLIBKVM += lib/b.c\n"
                  "LIBKVM_x86_64 += lib/x86_64/c.c\n")
    lib = tmp_path / "out" / "libkvm.a"
    build(st, lib)
    assert members(lib) == ["a.o", "b.o", "c.o"]
    # An unchanged list and sources: nothing is made again.
    before = os.stat(lib).st_mtime_ns
    assert "CC" not in build(st, lib)
    assert os.stat(lib).st_mtime_ns == before
    # The next commit drops b.c: its object must not stay in the archive.
    mk.write_text("LIBKVM += lib/a.c\nLIBKVM_x86_64 += lib/x86_64/c.c\n")
    build(st, lib)
    assert members(lib) == ["a.o", "c.o"]
