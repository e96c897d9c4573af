#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-ko.sh KDIR OUTDIR INCLUDE
#
# Build the desctest_tss module against the kernel build tree KDIR (a
# configured kernel tree or a linux-headers-<release> directory) in
# OUTDIR.  kbuild builds out-of-tree modules in their source directory, so
# the sources are copied there first.  BTF for the module is skipped: it
# needs pahole and the module does not use it.
set -euo pipefail

kdir=${1:?usage: build-ko.sh KDIR OUTDIR INCLUDE}
out=${2:?usage: build-ko.sh KDIR OUTDIR INCLUDE}
inc=${3:?usage: build-ko.sh KDIR OUTDIR INCLUDE}
src=$(dirname "$(readlink -f "$0")")

if [ ! -f "$kdir/Makefile" ]; then
	echo "build-ko.sh: $kdir is not a kernel build tree (no Makefile): install linux-headers-<release> or pass KDIR=/path/to/linux-build" >&2
	exit 1
fi
mkdir -p "$out"
cp -p "$src"/Kbuild "$src"/tss_main.c "$src"/tss_decode.c "$src"/tss_decode.h "$out"/
make -s -C "$kdir" M="$(readlink -f "$out")" DESCTEST_INCLUDE="$(readlink -f "$inc")" \
	CONFIG_DEBUG_INFO_BTF_MODULES= modules
