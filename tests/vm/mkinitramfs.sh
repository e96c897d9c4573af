#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkinitramfs.sh OUT.cpio OUTPUT SETTINGS MODROOT RELEASE [MODULE.ko]
#
# Build the desctest initramfs (newc cpio, uncompressed; OUT.cpio.list
# beside it is a copy of its vm-list.txt):
#   /bin/busybox and /init (tests/vm/init.sh)
#   /bin/kvm-flavour: which KVM serves /dev/kvm (lib/kvm/kvm_flavour.c;
#     OUTPUT/kvm-glue/kvm-flavour, or VM_KVM_FLAVOUR)
#   /desctest/<collection>/<test> for every collection:test in
#     OUTPUT/kselftest-list.txt, with the shared libraries ldd names copied
#     to the same paths (and <test>.i386 beside it where the build has
#     one: the 32-bit program a stand-in such as host/umip_32 runs)
#   /desctest/vm-list.txt: "collection:test timeout" lines, the timeouts
#     from SETTINGS scaled by VM_TIMEOUT_SCALE (TCG runs slower)
#     (programs matching a glob in VM_EXCLUDE, or, when VM_ONLY is set,
#     matching none of its globs, are left out and named in
#     /desctest/excluded)
#   /desctest/module/desctest_tss.ko when MODULE.ko is given
#   /kmod/*.ko and /kmod/order: VM_KVM_MODULE (default kvm_amd) and its
#     dependencies from MODROOT/lib/modules/RELEASE, decompressed, in load
#     order; an order line is "<module>.ko [parameters]", the vendor
#     module's parameters from VM_KVM_PARAMS (e.g. nested=1)
#   VM_STRIP_MODSIG=1: the modules' appended signatures cut off (the
#     kernel then loads them unverified, tainted): an emulator as slow as
#     Bochs spends seconds of guest time verifying each
#   VM_PROG_ARGS="collection:test=ARGS;...": arguments for those programs,
#     third field of their vm-list.txt line (e.g. a smaller count where
#     the machine is slow)
set -euo pipefail

out=${1:?usage: mkinitramfs.sh OUT.cpio OUTPUT SETTINGS MODROOT RELEASE [MODULE.ko]}
output=${2:?}
settings=${3:?}
modroot=${4:?}
release=${5:?}
ko=${6:-}
scale=${VM_TIMEOUT_SCALE:-3}
here=$(dirname "$(readlink -f "$0")")

list=$output/kselftest-list.txt
if [ ! -f "$list" ]; then
	echo "mkinitramfs.sh: $list missing: run 'make OUTPUT=$output all' first" >&2
	exit 1
fi
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "mkinitramfs.sh: a static busybox is needed: apt-get install busybox-static" >&2
	exit 1
fi

trap 'echo "mkinitramfs.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
root=$(mktemp -d "${out%/*}/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,desctest,kmod,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$here/init.sh" "$root/init"

# Copy a binary's shared libraries (and the dynamic loader) to the same
# absolute paths inside the image.
copy_libs() {
	# Static programs: ldd prints no paths.
	{ ldd "$1" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

timeout_of() {
	local t
	t=$(sed -n "s|^$1\.timeout=||p" "$settings" | tail -n 1)
	[ -n "$t" ] || t=$(sed -n 's/^timeout=//p' "$settings" | tail -n 1)
	echo $(( ${t:-45} * scale ))
}

# " ARGS" for a program named in VM_PROG_ARGS, else nothing.
args_of() {
	local - entry
	set -f
	local IFS=';'
	for entry in ${VM_PROG_ARGS:-}; do
		entry=${entry# }
		if [ "${entry%%=*}" = "$1" ]; then
			echo " ${entry#*=}"
			return
		fi
	done
}

: >"$root/desctest/vm-list.txt"
: >"$root/desctest/excluded"
excluded() {
	local - g
	set -f
	for g in ${VM_EXCLUDE:-}; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	[ -n "${VM_ONLY:-}" ] || return 1
	for g in $VM_ONLY; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 1
	done
	return 0
}
while read -r prog; do
	[ -n "$prog" ] || continue
	if excluded "$prog"; then
		echo "$prog" >>"$root/desctest/excluded"
		continue
	fi
	path=${prog%%:*}/${prog#*:}
	install -D -m 0755 "$output/$path" "$root/desctest/$path"
	copy_libs "$output/$path"
	# A 32-bit program's 64-bit stand-in runs PROGRAM.i386 beside it.
	if [ -f "$output/$path.i386" ]; then
		install -D -m 0755 "$output/$path.i386" "$root/desctest/$path.i386"
	fi
	echo "$prog $(timeout_of "$path")$(args_of "$prog")" >>"$root/desctest/vm-list.txt"
done <"$list"
if [ -n "$ko" ]; then
	install -D -m 0644 "$ko" "$root/desctest/module/desctest_tss.ko"
fi
# The rule that names the KVM serving /dev/kvm, for /init's machine record
# (VM_KVM_FLAVOUR: the tool of another build, for an OUTPUT that is not a
# desctest build, such as upstream's installed selftests).
flavour=${VM_KVM_FLAVOUR:-$output/kvm-glue/kvm-flavour}
if [ ! -x "$flavour" ]; then
	echo "mkinitramfs.sh: $flavour missing: run 'make OUTPUT=$output all' first (or set VM_KVM_FLAVOUR)" >&2
	exit 1
fi
install -m 0755 "$flavour" "$root/bin/kvm-flavour"
copy_libs "$flavour"

# kvm_amd and what it needs, dependencies first.
moddir=$modroot/lib/modules/$release
find_mod() {
	local n=$1
	find "$moddir" -name "$n.ko*" -o -name "${n//_/-}.ko*" | head -n 1
}
declare -A seen=()
load_order=()
add_mod() {
	local name=$1 f dep
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	f=$(find_mod "$name")
	[ -n "$f" ] || return 0	# built in
	for dep in $(/sbin/modinfo -F depends "$f" | tr ',' ' '); do
		add_mod "$dep"
	done
	case $f in
	*.xz) xz -dc "$f" >"$root/kmod/$name.ko" ;;
	*.zst) zstd -qdc "$f" >"$root/kmod/$name.ko" ;;
	*.gz) gzip -dc "$f" >"$root/kmod/$name.ko" ;;
	*) cp "$f" "$root/kmod/$name.ko" ;;
	esac
	[ "${VM_STRIP_MODSIG:-0}" != 1 ] || strip_modsig "$root/kmod/$name.ko"
	if [ "$name" = "$kvm_module" ] && [ -n "${VM_KVM_PARAMS:-}" ]; then
		load_order+=("$name.ko $VM_KVM_PARAMS")
	else
		load_order+=("$name.ko")
	fi
}
# A signed module ends in the signature, a 12-byte struct module_signature
# whose last 4 bytes are the signature's length (big-endian), and the
# 28-byte marker "~Module signature appended~\n": cut all three.
strip_modsig() {
	local f=$1 size len
	[ "$(tail -c 28 "$f")" = "~Module signature appended~" ] || return 0
	size=$(stat -c %s "$f")
	len=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 |
		awk '{ print ((($1 * 256 + $2) * 256 + $3) * 256 + $4) }')
	truncate -s $((size - 28 - 12 - len)) "$f"
}
kvm_module=${VM_KVM_MODULE:-kvm_amd}
if [ -d "$moddir" ]; then
	add_mod "$kvm_module"
fi
printf '%s\n' "${load_order[@]}" >"$root/kmod/order"

# What the guest will run, beside the image.
cp "$root/desctest/vm-list.txt" "$out.list"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv -f "$out.tmp" "$out"
