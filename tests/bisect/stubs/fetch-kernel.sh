#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Stand-in for tests/vm/fetch-kernel.sh in tests/bisect's fast tests:
# "Debian's kernel" 6.12.0-fake under CACHE, its image saying
# $STUB_VM_KERNEL (default good) to the stand-in QEMU; prints the release.
set -u
cache=${2:?usage: fetch-kernel.sh SERIES CACHE}
root=$cache/6.12.0-fake/root
mkdir -p "$root/boot" "$root/lib/modules/6.12.0-fake"
echo "${STUB_VM_KERNEL:-good}" >"$root/boot/vmlinuz-6.12.0-fake"
echo 6.12.0-fake
