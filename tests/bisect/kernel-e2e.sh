#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel-e2e.sh TOP WORK
#
# Kernel mode end to end: a history on Debian's linux-source-6.12 where
# one commit makes the UMIP emulation (arch/x86/kernel/umip.c) spoof SGDT
# with another GDT base, between unrelated commits, bisected by a real
# `git bisect run runner/bisect-run.sh --kernel --filter 'host:umip*'`:
# every step builds the kernel at that commit and boots it under QEMU TCG
# (-cpu max has UMIP, so host:umip in the guest sees the spoof).  Passes
# when git bisect names exactly that commit and the report shows the
# sgdt test failing there.
set -uo pipefail

top=${1:?usage: kernel-e2e.sh TOP WORK}
work=${2:?usage: kernel-e2e.sh TOP WORK}
repo=$work/linux
results=$work/results-kernel
fail() { echo "bisect_kernel: FAIL: $*"; exit 1; }

"$top/tests/bisect/mkrepo.sh" "$repo" 6.12 || fail "could not make the base repository $repo"
. "$top/tests/bisect/history.sh"
umip=arch/x86/kernel/umip.c

history_start "$repo" e2e-kernel
good=$(git -C "$repo" rev-parse HEAD)
history_doc_change Documentation/arch/x86/boot.rst
history_commit "Documentation: x86: an unrelated change" >/dev/null
grep -q '^#define UMIP_DUMMY_GDT_BASE 0xfffffffffffe0000ULL$' "$repo/$umip" ||
	fail "$umip has no UMIP_DUMMY_GDT_BASE 0xfffffffffffe0000ULL to change"
sed -i 's/^#define UMIP_DUMMY_GDT_BASE 0xfffffffffffe0000ULL$/#define UMIP_DUMMY_GDT_BASE 0xfffffffffffd0000ULL/' "$repo/$umip"
bad=$(history_commit "x86/umip: move the dummy GDT base")
history_doc_change Documentation/arch/x86/mds.rst
history_commit "Documentation: x86: a second unrelated change" >/dev/null
history_doc_change Documentation/virt/kvm/api.rst
last=$(history_commit "Documentation: KVM: an unrelated change")

rm -rf "$results"
start=$(date +%s)
(cd "$repo" && git bisect start "$last" "$good" &&
	RESULTS=$results git bisect run "$top/runner/bisect-run.sh" --kernel \
		--filter 'host:umip*') >"$work/kernel-bisect.log" 2>&1
rc=$?
found=$(git -C "$repo" rev-parse -q --verify refs/bisect/bad)
secs=$(( $(date +%s) - start ))
grep -h 'build-kernel.sh: .*built in' "$work/kernel-bisect.log" | sed 's/^/  /'
PYTHONPATH=$top/runner /usr/bin/python3 -m desctest_runner bisect-report --results "$results" \
	>"$work/kernel-report.txt" 2>&1 || fail "bisect-report failed: $(tail -n 1 "$work/kernel-report.txt")"
git -C "$repo" bisect reset >/dev/null 2>&1
sed 's/^/  /' "$work/kernel-report.txt"
[ $rc -eq 0 ] || { tail -n 30 "$work/kernel-bisect.log"; fail "git bisect run exited $rc (log: $work/kernel-bisect.log)"; }
[ "$found" = "$bad" ] ||
	fail "git bisect named $(git -C "$repo" log -1 --format='%h %s' "$found") seen, wanted $(git -C "$repo" log -1 --format='%h %s' "$bad") (log: $work/kernel-bisect.log)"
grep -q "${bad:0:7}.*bad.*sgdt" "$work/kernel-report.txt" ||
	fail "the report does not show host:umip's sgdt failing at ${bad:0:7}"
echo "bisect_kernel: ok: git bisect named ${bad:0:12} (the UMIP spoof with another GDT base) in $secs s"
