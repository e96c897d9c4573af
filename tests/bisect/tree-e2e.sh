#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tree-e2e.sh TOP WORK
#
# Tree mode end to end: a five-commit history on Debian's linux-source-6.12
# (the good commit fixes get_desc64_base(); an unrelated commit; the commit
# that brings the "base2 << 24" promotion back; two unrelated commits),
# bisected by a real `git bisect run runner/bisect-run.sh`.  Passes when
# git bisect names exactly the commit that brought the bug back, and the
# report lists every step.  The build directory starts empty, so the
# first step builds against the bad helper and every later step must
# rebuild what read the tree's headers (a stale object from another
# commit names the wrong commit).
set -uo pipefail

top=${1:?usage: tree-e2e.sh TOP WORK}
work=${2:?usage: tree-e2e.sh TOP WORK}
repo=$work/linux
out=$work/out-tree
results=$work/results-tree
fail() { echo "bisect_tree: FAIL: $*"; exit 1; }

"$top/tests/bisect/mkrepo.sh" "$repo" 6.12 || fail "could not make the base repository $repo"
. "$top/tests/bisect/history.sh"
proc=tools/testing/selftests/kvm/include/x86_64/processor.h
fix=$top/configs/get_desc64_base-fix.patch

history_start "$repo" e2e-tree
(cd "$repo" && patch -s -p1 --no-backup-if-mismatch <"$fix") || fail "the fix does not apply"
good=$(history_commit "KVM: selftests: x86: widen every field in get_desc64_base()")
history_doc_change Documentation/virt/kvm/api.rst
history_commit "Documentation: KVM: an unrelated change" >/dev/null
(cd "$repo" && patch -s -R -p1 --no-backup-if-mismatch <"$fix") || fail "the fix does not revert"
grep -q 'base2) << 24' "$repo/$proc" || fail "the bad commit does not bring base2 << 24 back"
bad=$(history_commit "KVM: selftests: x86: tidy get_desc64_base()")
history_doc_change Documentation/virt/kvm/locking.rst
history_commit "Documentation: KVM: a second unrelated change" >/dev/null
history_doc_change tools/testing/selftests/kvm/.gitignore
last=$(history_commit "KVM: selftests: an unrelated change")

rm -rf "$out" "$results"
start=$(date +%s)
(cd "$repo" && git bisect start "$last" "$good" &&
	OUTPUT=$out RESULTS=$results git bisect run "$top/runner/bisect-run.sh" \
		--filter 'differential:*' --filter 'kvm:tss_decode') >"$work/tree-bisect.log" 2>&1
rc=$?
found=$(git -C "$repo" rev-parse -q --verify refs/bisect/bad)
secs=$(( $(date +%s) - start ))
PYTHONPATH=$top/runner /usr/bin/python3 -m desctest_runner bisect-report --results "$results" \
	>"$work/tree-report.txt" 2>&1 || fail "bisect-report failed: $(tail -n 1 "$work/tree-report.txt")"
git -C "$repo" bisect reset >/dev/null 2>&1
sed 's/^/  /' "$work/tree-report.txt"
[ $rc -eq 0 ] || { tail -n 30 "$work/tree-bisect.log"; fail "git bisect run exited $rc (log: $work/tree-bisect.log)"; }
[ "$found" = "$bad" ] ||
	fail "git bisect named $(git -C "$repo" log -1 --format='%h %s' "$found") seen, wanted $(git -C "$repo" log -1 --format='%h %s' "$bad") (log: $work/tree-bisect.log)"
grep -q "${bad:0:7}.*bad" "$work/tree-report.txt" || fail "the report has no bad row for ${bad:0:7}"
echo "bisect_tree: ok: git bisect named ${bad:0:12} (the commit that brings base2 << 24 back) in $secs s"
