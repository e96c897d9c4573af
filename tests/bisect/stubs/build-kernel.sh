#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Stand-in for lib/kbuild/build-kernel.sh in tests/bisect's fast tests:
# the "kernel" is SRC_TREE's desctest-fake, copied to BUILD_DIR/bzImage
# (the stub QEMU reads it), with an empty modules tree for release
# 6.12.0-fake.  $STUB_BUILD_KERNEL_EXIT: exit with it instead, one line
# on stderr, as the real one does.  A tree saying "norelease" gets no
# modules tree (vm-run.sh then cannot tell the release and stops before
# the boot).
set -u
src=$1 build=$2
echo "build-kernel.sh $src $build" >>"${STUB_LOG:-/dev/null}"
if [ -n "${STUB_BUILD_KERNEL_EXIT:-}" ]; then
	echo "build-kernel.sh: stub failure $STUB_BUILD_KERNEL_EXIT" >&2
	exit "$STUB_BUILD_KERNEL_EXIT"
fi
mkdir -p "$build"
cp "$src/desctest-fake" "$build/bzImage"
rm -rf "$build/modules-install"
if grep -qx norelease "$src/desctest-fake"; then
	echo "KERNEL=$build/bzImage MODULES= KDIR="
else
	mkdir -p "$build/modules-install/lib/modules/6.12.0-fake"
	echo "KERNEL=$build/bzImage MODULES=$build/modules-install KDIR="
fi
