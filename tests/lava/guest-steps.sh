#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# guest-steps.sh TOP WORK TARBALL KERNEL
#
# lava/desctest.yaml's run steps, taken from the definition as LAVA takes
# them, in KERNEL booted under QEMU TCG from a busybox initramfs, with a
# lava-test-case that prints each call on the console ("LTC <args>") and
# a lava-test-raise that prints "LTR <message>".  The tarball is TARBALL
# (make gen_tar) plus a collection "demo" whose one program prints a known
# KTAP stream (a fail, a SKIP with its reason, a duplicate name, an XFAIL)
# and exits 1, and "demo:pass", one passing result, first in the list.  Two runs of the steps, as two jobs would run them:
#   A: TESTPROG_URL=file:///desctest.tar.xz COLLECTIONS="kvm module demo"
#      SKIPLIST="kvm:migrate kvm:*_unpatched"
#   B: the tree A unpacked, SHARD_NUMBER=2 SHARD_INDEX=2, SKIPLIST of
#      every collection but demo: demo:pass only (list line 2)
# Each run's calls must equal tests/lava/expected-A.txt / expected-B.txt
# line for line (their "#" lines aside), and the SKIP's reason must be on
# the console.
set -uo pipefail

top=${1:?usage: guest-steps.sh TOP WORK TARBALL KERNEL}
work=${2:?usage: guest-steps.sh TOP WORK TARBALL KERNEL}
tarball=${3:?usage: guest-steps.sh TOP WORK TARBALL KERNEL}
kernel=${4:?usage: guest-steps.sh TOP WORK TARBALL KERNEL}
me=lava_check
fail() { echo "$me: FAIL: $*"; exit 1; }
[ -f "$tarball" ] || fail "$tarball missing: run make gen_tar"
[ -f "$kernel" ] || fail "$kernel missing: tests/vm/fetch-kernel.sh fetches it"

rm -rf "$work"
mkdir -p "$work/tree" "$work/root"/{bin,proc,sys,dev,tmp,opt}
tar -xJf "$tarball" -C "$work/tree" || fail "cannot unpack $tarball"
mkdir -p "$work/tree/demo"
cat >"$work/tree/demo/ktap" <<'DEMO'
#!/bin/sh
echo "TAP version 13"
echo "1..5"
echo "ok 1 first"
echo "# second: value seen 0x10 wanted 0x20"
echo "not ok 2 second thing"
echo "ok 3 third # SKIP no such device"
echo "ok 4 first"
echo "not ok 5 known # XFAIL the old kernel's bug"
exit 1
DEMO
printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "ok 1 only"\n' >"$work/tree/demo/pass"
chmod 0755 "$work/tree/demo/ktap" "$work/tree/demo/pass"
# First in the list: lines 1 and 2, shards 1 and 2 of 2 whatever follows.
{ printf 'demo:ktap\ndemo:pass\n'; cat "$work/tree/kselftest-list.txt"; } >"$work/list" &&
	mv "$work/list" "$work/tree/kselftest-list.txt"
tar -C "$work/tree" -cJf "$work/root/desctest.tar.xz" . || fail "cannot pack the demo tarball"

# The steps, as the definition has them; the params as LAVA exports them.
PYTHONPATH= /usr/bin/python3 - "$top/lava/desctest.yaml" >"$work/root/steps.sh" <<'PY' ||
import sys, shlex, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d["metadata"]["format"] == "Lava-Test Test Definition 1.0", d["metadata"]
for k, v in d["params"].items():
    print("%s=${%s-%s}" % (k, k, shlex.quote(str(v))))
for s in d["run"]["steps"]:
    print(s)
PY
	fail "cannot read the steps of $top/lava/desctest.yaml (python3-yaml: make deps)"

cp "$(command -v busybox)" "$work/root/bin/busybox"
# The programs' shared libraries (ldd prints no paths for static ones).
find "$work/tree" -type f -perm -u+x -print0 | xargs -0 ldd 2>/dev/null |
	awk '/\(0x/ { for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u | while read -r lib; do
	mkdir -p "$work/root$(dirname "$lib")" && cp -L "$lib" "$work/root$lib"
done
cat >"$work/root/bin/lava-test-case" <<'LTC'
#!/bin/sh
echo "LTC $*"
LTC
cat >"$work/root/bin/lava-test-raise" <<'LTR'
#!/bin/sh
echo "LTR $*"
exit 1
LTR
chmod 0755 "$work/root/bin/lava-test-case" "$work/root/bin/lava-test-raise"
{ cat "$top/tests/vm/guest-init-head.sh"; cat <<'INIT'
echo "RUN-A"
(export TESTPROG_URL=file:///desctest.tar.xz COLLECTIONS="kvm module demo" \
	SKIPLIST="kvm:migrate kvm:*_unpatched"; cd /tmp && sh /steps.sh) | sed 's/^DESCTEST-DONE$/RUN-DONE/' 
echo "RUN-B"
(export SHARD_NUMBER=2 SHARD_INDEX=2 \
	SKIPLIST="differential:* host:* kvm:* kvm_oracle:* module:*"; cd /tmp && sh /steps.sh) | sed 's/^DESCTEST-DONE$/RUN-DONE/' 
echo "RUN-END"
echo "DESCTEST-DONE"
sleep 1
poweroff -f
INIT
} >"$work/root/init"
chmod 0755 "$work/root/init"
(cd "$work/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/initramfs.cpio" ||
	fail "cpio of the guest's tree failed"

VM_SMP=1 VM_TIMEOUT=${VM_TIMEOUT:-300} "$top/tests/vm/boot.sh" "$kernel" "$work/initramfs.cpio" "$work/console.log" ||
	fail "the guest did not run to its end (console: $work/console.log)"
con=$(tr -d '\r' <"$work/console.log")
grep -qx RUN-END <<<"$con" || fail "no RUN-END on the console (console: $work/console.log)"
for run in A B; do
	next=$([ $run = A ] && echo RUN-B || echo RUN-END)
	sed -n "/^RUN-$run\$/,/^$next\$/p" <<<"$con" >"$work/console-$run.txt"
	grep '^LTC \|^LTR ' "$work/console-$run.txt" >"$work/calls-$run.txt"
	grep -v "^#" "$top/tests/lava/expected-$run.txt" | diff -u - "$work/calls-$run.txt" ||
		fail "run $run: the lava-test-case calls differ from tests/lava/expected-$run.txt (above; console: $work/console.log)"
	echo "$me: ok: run $run: $(wc -l <"$work/calls-$run.txt") lava-test-case calls as expected"
done
want='desctest-lava: demo_ktap_third skip: SKIP no such device'
grep -qxF "$want" "$work/console-A.txt" || fail "run A: no line '$want' on the console"
echo "$me: ok: the SKIP's reason is on the console: $want"
