#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel tree (KSRC) preparation and checks for desctest.
#
#   ksrc.sh prepare KVER CACHE   unpack Debian's linux-source-KVER under
#                                CACHE, keep the pristine processor.h in
#                                CACHE/unpatched-KVER/, apply our
#                                get_desc64_base() fix, run make headers.
#                                Idempotent: a prepared tree is reused.
#   ksrc.sh check KSRC           validate a user-supplied tree, install its
#                                UAPI headers (make headers) when missing.
#   ksrc.sh kvm-arch KSRC        print the KVM selftests arch directory name
#                                (x86_64 before 6.14, x86 since).
#   ksrc.sh version KSRC         print the tree's kernel version.
#
# Every failure is one line on stderr naming what is wrong and what to do.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
fix="$top/configs/get_desc64_base-fix.patch"

die() {
	echo "desctest: $*" >&2
	exit 2
}

kvm_arch() {
	if [ -f "$1/tools/testing/selftests/kvm/include/x86/processor.h" ]; then
		echo x86
	else
		echo x86_64
	fi
}

tree_version() {
	sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' \
		-e 's/^SUBLEVEL = //p' "$1/Makefile" | paste -sd. -
}

check_tree() {
	ksrc=$1
	[ -d "$ksrc" ] || die "KSRC=$ksrc: no such directory; point KSRC at the top of a Linux source tree"
	grep -q '^PATCHLEVEL = ' "$ksrc/Makefile" 2>/dev/null ||
		die "KSRC=$ksrc: not a kernel tree (no top-level Makefile with VERSION/PATCHLEVEL); point KSRC at the top of a Linux source tree"
	proc="$ksrc/tools/testing/selftests/kvm/include/$(kvm_arch "$ksrc")/processor.h"
	[ -f "$proc" ] ||
		die "KSRC=$ksrc: no KVM selftests processor.h (looked for $proc); the tree needs tools/testing/selftests/kvm (Linux 4.x or newer)"
	grep -q 'get_desc64_base' "$proc" ||
		die "KSRC=$ksrc: get_desc64_base() not found in $proc; this tree has no helper to test"
	if [ ! -f "$ksrc/usr/include/linux/kvm.h" ]; then
		echo "desctest: KSRC=$ksrc: installing UAPI headers (make headers)" >&2
		make -s -C "$ksrc" headers >/dev/null 2>&1 ||
			die "KSRC=$ksrc: 'make headers' failed; run it by hand in the tree (it needs rsync, flex and bison) and try again"
	fi
}

prepare() {
	kver=$1 cache=$2
	tree="$cache/linux-source-$kver"
	stamp="$tree/.desctest-prepared"
	if [ -f "$stamp" ] && cmp -s "$fix" "$stamp"; then
		return 0
	fi
	tarball="/usr/src/linux-source-$kver.tar.xz"
	[ -f "$tarball" ] ||
		die "$tarball missing; run 'make deps' (or: apt-get install linux-source-$kver)"
	mkdir -p "$cache"
	rm -rf "$tree" "$tree.tmp" "$cache/unpatched-$kver"
	echo "desctest: unpacking $tarball" >&2
	mkdir -p "$tree.tmp"
	tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
	arch=$(kvm_arch "$tree.tmp")
	mkdir -p "$cache/unpatched-$kver"
	cp "$tree.tmp/tools/testing/selftests/kvm/include/$arch/processor.h" \
		"$cache/unpatched-$kver/processor.h"
	(cd "$tree.tmp" && patch -s -p1 --no-backup-if-mismatch) <"$fix" ||
		die "configs/get_desc64_base-fix.patch does not apply to linux-source-$kver"
	echo "desctest: make headers in linux-source-$kver" >&2
	make -s -C "$tree.tmp" headers >/dev/null
	mv "$tree.tmp" "$tree"
	cp "$fix" "$stamp"
}

cmd=${1:-}
case "$cmd" in
prepare) [ $# -eq 3 ] || die "usage: ksrc.sh prepare KVER CACHE"; prepare "$2" "$3" ;;
check) [ $# -eq 2 ] || die "usage: ksrc.sh check KSRC"; check_tree "$2" ;;
kvm-arch) kvm_arch "$2" ;;
version) tree_version "$2" ;;
*) die "usage: ksrc.sh prepare|check|kvm-arch|version ..." ;;
esac
