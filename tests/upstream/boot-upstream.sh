#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# boot-upstream.sh KERNEL INITRD CONSOLE.log: tests/vm/boot.sh with
# upstream's runner first.  agree.py hands it to vm-run.sh (--boot), with
# UPSTREAM_INSTALL (the installed x86 selftests, whose programs vm-run.sh
# put under /desctest) and UPSTREAM_TIMEOUT.  It appends to INITRD a
# second cpio with run_kselftest.sh, its kselftest/ helpers and
# /upstream-init, and boots with rdinit=/upstream-init: that runs
# `run_kselftest.sh -o UPSTREAM_TIMEOUT` in /desctest, every line of it
# prefixed "UPSTREAM-RUN ", then execs desctest's /init, which runs the
# same programs with desctest's framing.
set -uo pipefail

kernel=${1:?usage: boot-upstream.sh KERNEL INITRD CONSOLE}
initrd=${2:?usage: boot-upstream.sh KERNEL INITRD CONSOLE}
console=${3:?usage: boot-upstream.sh KERNEL INITRD CONSOLE}
inst=${UPSTREAM_INSTALL:?UPSTREAM_INSTALL: the installed selftests}
here=$(dirname "$(readlink -f "$0")")
extra=$(mktemp -d) || exit 1
trap 'rm -rf "$extra"' EXIT

mkdir -p "$extra/desctest" "$extra/usr/bin"
cp -a "$inst/run_kselftest.sh" "$inst/kselftest" "$inst/kselftest-list.txt" "$extra/desctest/"
cat >"$extra/upstream-init" <<INIT
#!/bin/busybox sh
# Upstream's runner over the programs under /desctest, then desctest's /init.
/bin/busybox mkdir -p /proc /sys /dev /tmp /upstream-bin
/bin/busybox --install -s /upstream-bin
export PATH=/upstream-bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
exec </dev/null >/dev/console 2>&1
# runner.sh calls /usr/bin/timeout --foreground T /usr/bin/timeout T PROG
# (coreutils); busybox's timeout has no --foreground.
printf '#!/bin/busybox sh\n[ "\$1" = --foreground ] && shift\nexec /bin/busybox timeout "\$@"\n' >/usr/bin/timeout
chmod 0755 /usr/bin/timeout
echo "UPSTREAM-RUN # kernel \$(uname -r)"
(cd /desctest && sh ./run_kselftest.sh -o ${UPSTREAM_TIMEOUT:-60} 2>&1) | sed 's/^/UPSTREAM-RUN /'
rm -f /usr/bin/timeout
umount /tmp /dev /sys /proc
rm -rf /upstream-bin
exec /init
INIT
chmod 0755 "$extra/upstream-init"
(cd "$extra" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$extra/extra.cpio" || exit 1
cat "$initrd" "$extra/extra.cpio" >"$extra/initrd" || exit 1
VM_APPEND="rdinit=/upstream-init ${VM_APPEND:-}" "$here/../vm/boot.sh" "$kernel" "$extra/initrd" "$console"
