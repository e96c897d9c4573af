#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lava-run.sh TOP WORK KERNEL RAMDISK TARBALL
#
# `make lava_tests`: a real LAVA run of the QEMU job on this machine.
# `./desctest lava-job` renders lava/jobs/qemu-x86_64.yaml.in for KERNEL
# (Debian's 6.12 under QEMU TCG), RAMDISK and TARBALL with the kvm and
# module collections; lava-run (Debian's lava-dispatcher) runs it with
# lava/devices/qemu-x86_64.yaml; `./desctest import-lava` files its log.
# In that guest /dev/kvm is absent and no module was built for the
# kernel, so every program must SKIP (exit 4): the job's result must be
# pass, LAVA must hold the 9 cases of tests/lava/expected-lava-run.txt
# (name and result, in order) and import-lava must exit 0 with the 8
# programs skipped.  Without lava-run here: a line saying so, exit 0
# (lava-dispatcher is about 150 packages: apt-get install lava-dispatcher).
set -uo pipefail
top=${1:?usage: lava-run.sh TOP WORK KERNEL RAMDISK TARBALL}
work=${2:?usage: lava-run.sh TOP WORK KERNEL RAMDISK TARBALL}
kernel=${3:?usage: lava-run.sh TOP WORK KERNEL RAMDISK TARBALL}
ramdisk=${4:?usage: lava-run.sh TOP WORK KERNEL RAMDISK TARBALL}
tarball=${5:?usage: lava-run.sh TOP WORK KERNEL RAMDISK TARBALL}
me=lava_tests
fail() { echo "$me: FAIL: $*"; exit 1; }
if ! command -v lava-run >/dev/null 2>&1; then
	echo "$me: SKIP: no lava-run here (apt-get install lava-dispatcher); make lava_check covers the rest"
	exit 0
fi
rm -rf "$work"
mkdir -p "$work/out"
"$top/desctest" lava-job --kernel "$kernel" --ramdisk "$ramdisk" --tarball "$tarball" \
	--collections "kvm module" --test-minutes 10 -o "$work/job.yaml" ||
	fail "desctest lava-job failed"
start=$(date +%s.%N)
timeout -k 10 900 lava-run --device "$top/lava/devices/qemu-x86_64.yaml" \
	--output-dir "$work/out" --job-id 1 "$work/job.yaml" 2>"$work/lava-run.yaml" >"$work/lava-run.out"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ $rc -eq 0 ] || fail "lava-run exited $rc after $secs s (log: $work/lava-run.yaml)"
grep -q '"lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "pass"}' "$work/lava-run.yaml" ||
	fail "the job's result is not pass (log: $work/lava-run.yaml)"
sed -n 's/.*"lvl": "results", "msg": {"case": "\([^"]*\)", "definition": "0_desctest".*"result": "\([a-z]*\)".*/\1 \2/p' \
	"$work/lava-run.yaml" >"$work/cases.txt"
grep -v "^#" "$top/tests/lava/expected-lava-run.txt" | diff -u - "$work/cases.txt" ||
	fail "LAVA's cases differ from tests/lava/expected-lava-run.txt (above; log: $work/lava-run.yaml)"
echo "$me: ok: lava-run of the QEMU job: job pass, $(wc -l <"$work/cases.txt") cases as expected, $secs s"
"$top/desctest" import-lava --results "$work/results" "$work/lava-run.yaml" >"$work/import.out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "import-lava exited $rc, wanted 0 (output: $work/import.out)"
seen=$(grep '^desctest: skip ' "$work/import.out")
[ "$seen" = "desctest: skip 9" ] || fail "import-lava's counts: '$seen', wanted 'desctest: skip 9'"
echo "$me: ok: import-lava filed it: $(grep '^desctest: results in' "$work/import.out")"
