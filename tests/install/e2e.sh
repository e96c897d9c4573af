#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# e2e.sh TOP WORK KERNEL
#
# The installed tree under upstream's runner, on a kernel that runs 32-bit
# code (this machine, where it does) and on one that does not (KERNEL
# booted under QEMU with ia32_emulation=0): `make install`, then
# `run_kselftest.sh -t host:umip_32` in the tree, and host/umip_32 run
# directly.  Without IA-32 emulation the program must print
#   1..0 # SKIP the kernel runs no 32-bit code (IA-32 emulation off or absent)
# and exit 4, and run_kselftest.sh must report
#   ok 1 selftests: host: umip_32 # SKIP
# With it, the real program runs and passes.
set -uo pipefail

top=${1:?usage: e2e.sh TOP WORK KERNEL}
work=${2:?usage: e2e.sh TOP WORK KERNEL}
kernel=${3:?usage: e2e.sh TOP WORK KERNEL}
me=install_tests
fail() { echo "$me: FAIL: $*"; exit 1; }
skip_line='1..0 # SKIP the kernel runs no 32-bit code (IA-32 emulation off or absent)'
ok_skip='ok 1 selftests: host: umip_32 # SKIP'

inst=$work/inst
rm -rf "$inst" "$work/root"
mkdir -p "$work"
make -s --no-print-directory -C "$top" install INSTALL_PATH="$inst" >"$work/install.log" 2>&1 ||
	fail "make install failed (log: $work/install.log)"
grep -qx 'host:umip_32' "$inst/kselftest-list.txt" ||
	fail "host:umip_32 is not in the installed kselftest-list.txt (no -m32 static build here: apt-get install gcc-multilib)"

# Here: 32-bit code runs only when this kernel has IA-32 emulation.
if printf 'int main(void){return 0;}\n' | gcc -m32 -static -x c - -o "$work/probe32" 2>/dev/null &&
	"$work/probe32" 2>/dev/null; then
	out=$(cd "$inst" && ./run_kselftest.sh -t host:umip_32 2>&1)
	grep -qx 'ok 1 selftests: host: umip_32' <<<"$out" ||
		fail "here (32-bit code runs): run_kselftest.sh -t host:umip_32 seen: $(tail -n 1 <<<"$out"), wanted: ok 1 selftests: host: umip_32"
	echo "$me: ok: here, with IA-32 emulation: ok 1 selftests: host: umip_32"
else
	echo "$me: here: this kernel runs no 32-bit code; the guest below checks the SKIP"
fi

# In the guest: busybox, the installed tree, an /init that runs it.
root=$work/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp}
cp "$(command -v busybox)" "$root/bin/busybox"
cp -a "$inst" "$root/kselftest"
{ cat "$top/tests/vm/guest-init-head.sh"; cat <<'INIT'
echo "DESCTEST-MACHINE kernel=$(uname -r) cpu=guest"
echo "INSTALL-CMDLINE $(cat /proc/cmdline)"
cd /kselftest
./run_kselftest.sh -t host:umip_32 | sed 's/^/INSTALL-RUN /'
./host/umip_32 | sed 's/^/INSTALL-PROG /'
echo "INSTALL-PROG-RC $(./host/umip_32 >/dev/null 2>&1; echo $?)"
echo "DESCTEST-DONE"
sleep 1
poweroff -f
INIT
} >"$root/init"
chmod 0755 "$root/init"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/initramfs.cpio" ||
	fail "cpio of the guest's tree failed"

VM_APPEND="ia32_emulation=0" VM_SMP=1 "$top/tests/vm/boot.sh" "$kernel" "$work/initramfs.cpio" "$work/console.log" ||
	fail "the guest did not run to its end (console: $work/console.log)"
con=$(tr -d '\r' <"$work/console.log")
grep -q '^INSTALL-CMDLINE .*ia32_emulation=0' <<<"$con" ||
	fail "the guest's command line lacks ia32_emulation=0 (console: $work/console.log)"
seen=$(sed -n 's/^INSTALL-PROG //p' <<<"$con" | tail -n 1)
[ "$seen" = "$skip_line" ] ||
	fail "host/umip_32's last line seen: '$seen', wanted: '$skip_line'"
seen=$(sed -n 's/^INSTALL-PROG-RC //p' <<<"$con")
[ "$seen" = 4 ] || fail "host/umip_32's exit status seen: '$seen', wanted: 4 (KSFT_SKIP)"
seen=$(sed -n 's/^INSTALL-RUN //p' <<<"$con" | grep '^ok\|^not ok' | tail -n 1)
[ "${seen%% # SKIP*} # SKIP" = "$ok_skip" ] ||
	fail "run_kselftest.sh -t host:umip_32 seen: '$seen', wanted: '$ok_skip'"
echo "$me: ok: without IA-32 emulation ($(sed -n 's/^DESCTEST-MACHINE kernel=\([^ ]*\).*/\1/p' <<<"$con")): '$skip_line', exit 4; run_kselftest.sh: '$seen'"
