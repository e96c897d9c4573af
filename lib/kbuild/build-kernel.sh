#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-kernel.sh SRC_TREE BUILD_DIR
#
# Build the small x86-64 kernel desctest boots (bisect --kernel, make
# validate): bzImage and modules out of SRC_TREE into BUILD_DIR (make O=),
# so the source tree is never written to and a second call after a change
# in SRC_TREE is an incremental rebuild.
#
# Configuration: tinyconfig, then configs/kernel-base.config (64-bit, SMP
# with ACPI/MP-table enumeration, KASLR, serial console, initramfs,
# devtmpfs, ELF and scripts, modules, KVM + KVM_AMD + KVM_INTEL) and
# configs/config merged over it with the tree's own
# scripts/kconfig/merge_config.sh, then olddefconfig.  Every option the
# two fragments ask for must be in the final .config; the build stops
# naming those that are not.  The configuration is made again only when
# the fragments, a Kconfig file, the top Makefile or the compiler changed,
# and one identical to the previous keeps its timestamp, so an unchanged
# tree rebuilds nothing.
#
# Jobs: JOBS, default $(nproc).  ccache is used when installed (its own
# CCACHE_DIR, default ~/.cache/ccache), with CCACHE_BASEDIR set to the
# directory holding both SRC_TREE and BUILD_DIR: two pairs laid out alike
# (SRC_TREE and BUILD_DIR side by side) share their cache hits.
#
# SRC_TREE must be clean (no .config, include/config or generated arch
# headers, e.g. after an in-tree `make headers`): build from a git
# worktree or a copy.  The headers step for the selftests is not done
# here; run `make -C SRC_TREE O=BUILD_DIR headers` when needed.
#
# Output, on success: one line on stdout, ready for make vm_tests,
#   KERNEL=BUILD_DIR/arch/x86/boot/bzImage MODULES=BUILD_DIR/modules-install KDIR=BUILD_DIR
# (MODULES is the INSTALL_MOD_PATH of modules_install: it holds
# lib/modules/<release>/, replaced on every build); progress and timings
# on stderr; the make output in BUILD_DIR/build.log.
#
# Exit: 0 built; 1 the configuration lacks requested options or the build
# failed (one line on stderr naming what and the log); 2 bad arguments or
# environment (not a kernel tree, tree not clean, build tools missing).
set -uo pipefail

me=build-kernel.sh
top=$(cd "$(dirname "$0")/../.." && pwd)
die() { echo "$me: $*" >&2; exit "${2:-2}"; }
fail() { echo "$me: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: build-kernel.sh SRC_TREE BUILD_DIR (a clean kernel tree; the build directory, created when missing)"
src=$1 build=$2
[ -d "$src" ] || die "SRC_TREE=$src: no such directory; give the top of a Linux source tree"
src=$(cd "$src" && pwd)
grep -q '^PATCHLEVEL = ' "$src/Makefile" 2>/dev/null ||
	die "SRC_TREE=$src: not a kernel tree (no top-level Makefile with VERSION/PATCHLEVEL)"
for f in .config include/config arch/x86/include/generated; do
	[ -e "$src/$f" ] &&
		die "SRC_TREE=$src is not clean ($f exists, e.g. after an in-tree make headers): build from a clean copy or 'git worktree add' of it; 'make mrproper' there would also delete usr/include"
done

# Kernel build dependencies (Debian packages in brackets).
missing=
for t in flex:flex bison:bison bc:bc make:make gcc:gcc; do
	command -v "${t%%:*}" >/dev/null || missing="$missing ${t#*:}"
done
[ -f /usr/include/gelf.h ] || missing="$missing libelf-dev"
[ -f /usr/include/openssl/opensslv.h ] || missing="$missing libssl-dev"
[ -z "$missing" ] || die "kernel build tools missing: apt-get install$missing (or make deps)"

mkdir -p "$build" || die "BUILD_DIR=$build: cannot create it"
build=$(cd "$build" && pwd)
log=$build/build.log
jobs=${JOBS:-$(nproc)}
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
# The compiler sees absolute paths of SRC_TREE; relative to the build
# directory they read the same for every SRC_TREE/BUILD_DIR pair laid out
# alike (bisect's .build/bisect/kernel/{src,obj}, validate's
# .build/validate/kernel/{src,obj}, in any clone), so the same source
# compiles to a cache hit in all of them.
common=$src
while [ "$common" != / ] && [ "${build#"$common"/}" = "$build" ]; do
	common=$(dirname "$common")
done
[ "$common" = / ] || export CCACHE_BASEDIR=$common
kmake() { make -C "$src" O="$build" CC="$cc" HOSTCC=gcc "$@" >>"$log" 2>&1; }
: >"$log"
now() { date +%s; }
t0=$(now)

# ---- configuration -------------------------------------------------------
# Made again only when its inputs changed (the fragments, any Kconfig file
# of the tree, the top Makefile, the compiler): four kconfig passes cost
# minutes on a loaded machine, most bisect steps change none of them.
base=$top/configs/kernel-base.config
want=$top/configs/config
key=$( { cat "$base" "$want" "$src/Makefile"; gcc --version | head -n 1;
	(cd "$src" && find . -name 'Kconfig*' -type f -print0 | sort -z |
		xargs -0 cat); } | md5sum | cut -d' ' -f1)
keyfile=$build/.desctest-config-key
if [ -f "$build/.config" ] && [ "$(cat "$keyfile" 2>/dev/null)" = "$key" ]; then
	configure=
else
	configure=1
	rm -f "$keyfile"
fi
if [ -n "$configure" ]; then
[ -f "$build/.config" ] && cp -p "$build/.config" "$build/.config.prev"
kmake tinyconfig || fail "make tinyconfig failed in $src (log: $log)"
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$base" "$want" \
	>>"$log" 2>&1 || fail "merge_config.sh failed (log: $log)"
kmake olddefconfig || fail "make olddefconfig failed (log: $log)"
lost=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$build/.config" || {
			got=$(grep -E "^(# )?${line%%=*}[= ]" "$build/.config" || echo "${line%%=*} absent")
			lost="$lost ${line} (got: ${got})"
		} ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -qE "^$opt=[ym]" "$build/.config" && lost="$lost $line (got: $opt set)" ;;
	esac
done < <(cat "$base" "$want")
if [ -n "$lost" ]; then
	fail "options lost in the merge (a dependency is missing; add it to configs/kernel-base.config):$lost"
fi
if [ -f "$build/.config.prev" ]; then
	cmp -s "$build/.config" "$build/.config.prev" &&
		touch -r "$build/.config.prev" "$build/.config"
	rm -f "$build/.config.prev" "$build/.config.old"
fi
echo "$key" >"$keyfile"
fi
t1=$(now)

# ---- build ---------------------------------------------------------------
if ! kmake -j"$jobs" bzImage modules; then
	err=$(grep -m1 -E 'error:|Error [0-9]|\*\*\*' "$log" | cut -c1-200)
	fail "make bzImage modules failed in $build${err:+: $err} (log: $log)"
fi
mods=$build/modules-install
rm -rf "$mods"
kmake INSTALL_MOD_PATH="$mods" INSTALL_MOD_STRIP=1 modules_install ||
	fail "make modules_install failed (log: $log)"
image=$build/arch/x86/boot/bzImage
[ -f "$image" ] || fail "no $image after a successful make (log: $log)"
t2=$(now)
rel=$(cat "$build/include/config/kernel.release" 2>/dev/null)
echo "$me: $rel: configured in $((t1 - t0)) s, built in $((t2 - t1)) s (-j$jobs${cc%% *}); log $log" >&2
echo "KERNEL=$image MODULES=$mods KDIR=$build"
