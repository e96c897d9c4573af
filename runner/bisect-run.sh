#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# git bisect run helper: stand in a kernel tree and
#
#   git bisect start BAD GOOD
#   git bisect run /path/to/desctest/runner/bisect-run.sh            # tree mode
#   git bisect run /path/to/desctest/runner/bisect-run.sh --kernel   # kernel mode
#
# Tree mode: the programs are built against the tree at HEAD (its UAPI
# headers first: make headers) and run on this host; --vm also boots
# Debian's 6.12 kernel under QEMU with them inside (for a host without a
# usable /dev/kvm).
# Kernel mode: the kernel itself is built from HEAD (lib/kbuild/
# build-kernel.sh: a git worktree of the tree under the bisect directory,
# O= build beside it, incremental from one step to the next) and booted
# under QEMU with the suite inside (built against desctest's own Debian
# tree, so only the kernel changes between steps).
#
# Options:
#   --kernel       kernel mode
#   --vm           tree mode: also boot Debian's 6.12 kernel with the suite
#   --filter GLOB  only the programs matching GLOB (collection:test, e.g.
#                  'host:umip*') decide the verdict; repeatable
#
# Exit status, for git bisect: 0 good; 1 bad (a failing test; in a VM
# also a panic, a hang, a WARNING/BUG/Oops on the console); 125 cannot
# test (the build failed, the boot never reached the suite, nothing to
# run).  Anything unexpected in this script is 125 too, with one line
# saying why: never 2..124 or above 127, which git bisect would read as
# "bad" or as a reason to stop.
#
# Every step files its results under RESULTS (default desctest's
# results/), labelled "bisect:SESSION SHORT-HASH SUBJECT";
# `./desctest bisect-report` prints them as one table.
#
# Environment: KSRC (tree mode: the tree; default the current one),
# OUTPUT (tree mode build directory, default .build/out-bisect), RESULTS,
# BISECT_DIR (kernel mode worktree and build, default .build/bisect),
# JOBS (default nproc), VM_TIMEOUT, PYTHON.
set -uo pipefail

me=desctest-bisect
top=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
results=${RESULTS:-$top/results}

label= before=
# record CODE WHY: the step's verdict beside the run it filed (for
# bisect-report), or, when nothing was filed (the build failed), a run of
# its own with no tests that says why.
record() {
	[ -n "$label" ] || return 0
	local now
	now=$(readlink "$results/latest" 2>/dev/null)
	if [ -n "$now" ] && [ "$now" != "$before" ] && [ -d "$results/$now" ]; then
		printf '%s %s\n' "$1" "$2" >"$results/$now/bisect-verdict.tmp" &&
			mv -f "$results/$now/bisect-verdict.tmp" "$results/$now/bisect-verdict"
		return 0
	fi
	"$python" - "$results" "$label" "$1" "$2" <<'PY' || true
import json, os, sys, time, secrets
root, label, code, why = sys.argv[1:]
stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
d = os.path.join(root, "%s-%s" % (stamp, secrets.token_hex(3)))
os.makedirs(d)
data = {"format": 1, "label": label, "complete": True, "tests": [],
        "programs": [], "exit_status": int(code),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
for name, text in (("results.json", json.dumps(data, indent=1) + "\n"),
                   ("bisect-verdict", "%s %s\n" % (code, why))):
    with open(os.path.join(d, name + ".tmp"), "w") as f:
        f.write(text)
    os.replace(os.path.join(d, name + ".tmp"), os.path.join(d, name))
PY
}
skip() {
	echo "$me: $*; this commit counts as untestable (125)" >&2
	record 125 "$*"
	exit 125
}

mode=tree vm= vm_why= filters=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) mode=kernel ;;
	--vm) vm=1 ;;
	--filter)
		[ $# -ge 2 ] || skip "--filter needs a GLOB (collection:test, e.g. 'host:umip*')"
		filters+=("$2"); shift ;;
	--filter=*) filters+=("${1#--filter=}") ;;
	-h|--help) sed -n '3,40p' "$0"; exit 125 ;;
	*) skip "unknown option $1 (want --kernel, --vm, --filter GLOB)" ;;
	esac
	shift
done

# ---- the tree and the commit under test ----------------------------------
if [ -n "${KSRC:-}" ] && [ $mode = tree ]; then
	tree=$KSRC
else
	tree=$(git rev-parse --show-toplevel 2>/dev/null) ||
		skip "$(pwd) is not inside a git tree: run git bisect from the kernel tree"
fi
grep -q '^PATCHLEVEL = ' "$tree/Makefile" 2>/dev/null ||
	skip "$tree is not a kernel tree (no top-level Makefile with PATCHLEVEL): run it from the top of a Linux tree"
if [ $mode = tree ] && [ ! -d "$tree/tools/testing/selftests/kvm" ]; then
	skip "$tree has no tools/testing/selftests/kvm at this commit: nothing to build the programs from"
fi
short=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null) ||
	skip "cannot read HEAD of $tree"
subject=$(git -C "$tree" log -1 --format=%s HEAD 2>/dev/null | cut -c1-72)
start=$(git -C "$tree" rev-parse --git-path BISECT_START 2>/dev/null)
case $start in /*) ;; *) start=$tree/$start ;; esac
# One session per `git bisect start`: the time it wrote BISECT_START.
session=$(stat -c %Y "$start" 2>/dev/null || echo manual)
label="bisect:$session $short $subject"
mkdir -p "$results" 2>/dev/null
before=$(readlink "$results/latest" 2>/dev/null)
echo "$me: $mode mode at $short $subject" >&2

# The programs' verdict on this host; $1 the build directory.
only=
for g in ${filters[@]+"${filters[@]}"}; do
	only="$only $g"
done
filter_args=()
for g in ${filters[@]+"${filters[@]}"}; do
	filter_args+=(--filter "$g")
done

# vm_verdict WORK: 0, 1 or 125 from a vm-run.sh boot's files in WORK
# (console.txt) and its exit status in $2.
vm_verdict() {
	local work=$1 rc=$2 con=$1/console.txt
	[ -f "$con" ] || { echo "$me: no console log in $work" >&2; return 125; }
	local oops='^(\[[ 0-9.]+\] )?(Kernel panic|WARNING: CPU:|BUG:|kernel BUG at|Oops:|general protection fault)'
	if grep -qE "$oops" "$con"; then
		vm_why="the kernel panicked or warned: $(grep -m1 -E "$oops" "$con" | cut -c1-120)"
		echo "$me: $vm_why" >&2
		return 1
	fi
	if ! grep -q '^DESCTEST-MACHINE' "$con"; then
		vm_why="the boot never reached the suite (see $con)"
		echo "$me: $vm_why" >&2
		return 125
	fi
	if ! grep -q '^DESCTEST-DONE' "$con"; then
		vm_why="the suite started but never finished (hang; see $con)"
		echo "$me: $vm_why" >&2
		return 1
	fi
	if ! grep -q '^DESCTEST-BEGIN' "$con"; then
		echo "$me: no program ran in the VM${only:+ (VM_ONLY=$only matched none)}" >&2
		return 125
	fi
	[ "$rc" -eq 0 ] && return 0
	return 1
}

# boot_suite KERNEL MODROOT KDIR OUTPUT WORK: the suite in OUTPUT booted
# under KERNEL, filed under RESULTS; prints nothing on stdout.
boot_suite() {
	local rc
	# As make vm_tests: the user-space differential tests no kernel.
	VM_EXCLUDE=${VM_EXCLUDE-differential:*} VM_ONLY=$only "$top/tests/vm/vm-run.sh" --kernel "$1" --output "$4" --work "$5" \
		--label "$label" ${2:+--modroot "$2"} ${3:+--kdir "$3"} \
		--results "$results" --ksrc "$tree" --top "$top" --python "$python" >&2
	rc=$?
	vm_verdict "$5" "$rc"
}

tree_mode() {
	local out=${OUTPUT:-$top/.build/out-bisect} rc vrc rel
	# UAPI headers follow the commit under test.
	make -s -C "$tree" headers >/dev/null 2>&1 ||
		skip "make headers failed in $tree (it needs rsync, flex and bison)"
	make -C "$top" --no-print-directory all OUTPUT="$out" KSRC="$tree" >&2 ||
		skip "the programs did not build against $tree"
	PYTHONPATH="$top/runner" "$python" -m desctest_runner run --bisect \
		--output "$out" --settings "$top/configs/settings" \
		--results "$results" --ksrc "$tree" --label "$label" \
		${filter_args[@]+"${filter_args[@]}"} ${RUN_ARGS:-} >&2
	rc=$?
	[ -n "$vm" ] || return $rc
	[ $rc -eq 1 ] && return 1
	rel=$("$top/tests/vm/fetch-kernel.sh" 6.12 "$top/.build/vm/kernels") ||
		skip "could not fetch Debian's 6.12 kernel for --vm"
	local root=$top/.build/vm/kernels/$rel/root
	boot_suite "$root/boot/vmlinuz-$rel" "$root" "$root/usr/src/linux-headers-$rel" \
		"$out" "${BISECT_DIR:-$top/.build/bisect}/tree-vm"
	vrc=$?
	[ $vrc -eq 1 ] && return 1
	[ $rc -eq 0 ] || [ $vrc -eq 0 ] && return 0
	return 125
}

kernel_mode() {
	local dir=${BISECT_DIR:-$top/.build/bisect}/kernel commit common wcommon line
	local src=$dir/src obj=$dir/obj out=$top/.build/out-6.12
	commit=$(git -C "$tree" rev-parse HEAD)
	common=$(cd "$tree" && cd "$(git rev-parse --git-common-dir)" && pwd)
	wcommon=$( (cd "$src" 2>/dev/null && cd "$(git rev-parse --git-common-dir 2>/dev/null)" && pwd) 2>/dev/null)
	mkdir -p "$dir" || skip "cannot create $dir"
	# A worktree of this repository, so that the user's tree stays as it
	# is (an in-tree make headers would make an O= build refuse it) and
	# a step rewrites only the files that changed since the last one.
	if [ "$wcommon" = "$common" ] && [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
		git -C "$src" checkout -q -f --detach "$commit" >&2 ||
			skip "git checkout $short in $src failed"
	else
		rm -rf "$src"
		git -C "$tree" worktree prune
		echo "$me: checking out $short in $src (a worktree of $tree; once per bisect)" >&2
		git -C "$tree" worktree add -q -f --detach "$src" "$commit" >&2 ||
			skip "git worktree add $src failed"
	fi
	line=$("$top/lib/kbuild/build-kernel.sh" "$src" "$obj") ||
		skip "the kernel did not build (see the line above; log $obj/build.log)"
	local KERNEL MODULES KDIR
	eval "$line"
	make -C "$top" --no-print-directory all OUTPUT="$out" >&2 ||
		skip "desctest's programs did not build (make -C $top all)"
	boot_suite "$KERNEL" "$MODULES" "$KDIR" "$out" "$dir/run"
}

if [ $mode = kernel ]; then
	kernel_mode
else
	tree_mode
fi
rc=$?
case $rc in
0) why="good" ;;
1) why="bad" ;;
125) why="untestable" ;;
*) why="unexpected status $rc; counting as untestable"; rc=125 ;;
esac
echo "$me: $short: $why" >&2
record "$rc" "${vm_why:-$why}"
exit $rc
