#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# git bisect run helper: stand in a kernel tree and
#
#   git bisect start BAD GOOD
#   git bisect run /path/to/desctest/runner/bisect-run.sh            # tree mode
#   git bisect run /path/to/desctest/runner/bisect-run.sh --kernel   # kernel mode
#   git bisect reset
#   /path/to/desctest/runner/bisect-run.sh --clean   # kernel mode: drop its worktree
#
# Tree mode: the programs are built against the tree at HEAD (its UAPI
# headers first: make headers) and run on this host; --vm also boots
# Debian's 6.12 kernel under QEMU with them inside (for a host without a
# usable /dev/kvm).  Uncommitted changes to the tree's files are built
# and tested with every commit.
# Kernel mode: the kernel itself is built from HEAD (lib/kbuild/
# build-kernel.sh: a git worktree of the tree under the bisect directory,
# O= build beside it, incremental from one step to the next) and booted
# under QEMU with the suite inside (built against desctest's own Debian
# tree, so only the kernel changes between steps).  Uncommitted changes
# are not in the worktree, so kernel mode does not test them.
#
# Options:
#   --kernel       kernel mode
#   --vm           tree mode: also boot Debian's 6.12 kernel with the suite
#   --filter GLOB  only the programs matching GLOB (collection:test or
#                  collection/test, e.g. 'host:umip*') are built and decide
#                  the verdict, on the host and in the guest alike;
#                  repeatable
#   --clean        not a step: after `git bisect reset`, remove the
#                  worktree kernel mode added to this repository (by its
#                  path; nothing else of the repository is touched)
#
# Exit status, for git bisect:
#   0    good: this step's runner filed a complete run of this commit
#        under RESULTS and every program that decides passed (or XFAILed);
#        never "nothing ran" or "the runner could not tell"
#   1    bad: a program that decides failed in a run filed by this step;
#        in a VM also a panic, a hang once the suite started, or a
#        WARNING/BUG/Oops on this boot's console; never an infrastructure
#        failure
#   125  untestable: this commit could not be tested (the tree did not
#        build, the boot never reached the suite, nothing ran, the runner
#        filed no fresh complete run), with one line saying why
#   255  set-up error, the same at every commit (an unknown option,
#        --filter without a GLOB or matching no program, KSRC naming
#        another tree, qemu/flex/bison/rsync missing, no Python with
#        pytest for the runner, build-kernel.sh's bad environment, desctest's
#        own programs not building in kernel mode): git bisect run stops
#        at once with the line
#   130, 143, 129  stopped by SIGINT, SIGTERM, SIGHUP (the build, runner
#        or emulator under way is stopped first): git bisect run stops
# Nothing else: never 2..124 or 126..127, which git bisect would read as
# "bad".
#
# Every step files its results under RESULTS (default desctest's
# results/), labelled "bisect:SESSION SHORT-HASH SUBJECT";
# `./desctest bisect-report` prints them as one table.
#
# Environment: OUTPUT (tree mode build directory, default
# .build/out-bisect), RESULTS, BISECT_DIR (kernel mode worktree and builds,
# the tree --vm boot, default .build/bisect), JOBS (default nproc),
# VM_TIMEOUT, VM_EXCLUDE (programs kept out of the guests, default
# 'differential:*'), RUN_ARGS (more runner options), PYTHON (the
# runner's interpreter, as for ./desctest).  KSRC, when set, must name the
# tree git bisect runs in (else 255): the tree tested is always that one.
# The one exception: git bisect running in desctest itself (a desctest
# regression), tree mode, where KSRC names the kernel tree every desctest
# commit is tested against (and must be set).
set -uo pipefail

me=desctest-bisect
top=$(cd "$(dirname "$0")/.." && pwd)
results=${RESULTS:-$top/results}
bisect_dir=${BISECT_DIR:-$top/.build/bisect}
jobs=${JOBS:-$(nproc)}
step_start=$(date +%s)
# An interpreter for the stdlib-only helpers (record, the results check).
py=${PYTHON:-}
if [ -z "$py" ]; then
	for py in /usr/bin/python3 python3; do
		command -v "$py" >/dev/null && break
	done
fi

# ---- children and signals --------------------------------------------------
# Long children run in the background (tests/vm/children.sh), so that a
# signal is handled at once: the child and all it started get SIGTERM
# (vm-run.sh and boot.sh then stop QEMU) and are waited for, then the
# script exits 128 + the signal, which makes git bisect run stop.
. "$top/tests/vm/children.sh"
children_traps "$me"

# ---- verdicts ---------------------------------------------------------------
label= before= filed= vm_why=
# record CODE WHY: the step's verdict beside the run this step filed (for
# bisect-report), or, when it filed none (the build failed), a run of its
# own with no tests that says why.
record() {
	local now
	[ -n "$label" ] || return 0
	if [ -z "$filed" ]; then
		# A run this step's runner filed though it could not judge (125).
		now=$(readlink "$results/latest" 2>/dev/null)
		if [ -n "$now" ] && [ "$now" != "$before" ] &&
			"$py" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])).get("label") != sys.argv[2])' \
				"$results/$now/results.json" "$label" 2>/dev/null; then
			filed=$results/$now
		fi
	fi
	if [ -n "$filed" ] && [ -d "$filed" ]; then
		printf '%s %s\n' "$1" "$2" >"$filed/bisect-verdict.tmp" &&
			mv -f "$filed/bisect-verdict.tmp" "$filed/bisect-verdict"
		return 0
	fi
	"$py" - "$results" "$label" "$1" "$2" <<'PY' || true
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
# The same at every commit: stop git bisect run now (255) rather than
# skip the whole range one build at a time.
setup_error() {
	echo "$me: $*; set-up error, the same at every commit: stopping the bisect (255)" >&2
	exit 255
}

# fresh_run RC WHAT: 0 when the runner (WHAT) filed, during this step, a
# complete run labelled for this commit whose exit_status is RC (0 or 1):
# results/latest moved to a new run.  The run becomes the step's ($filed).
# Else 1, with the reason on stderr.
fresh_run() {
	local rc=$1 what=$2 now why
	now=$(readlink "$results/latest" 2>/dev/null)
	if [ -z "$now" ] || [ "$now" = "$before" ] || [ ! -f "$results/$now/results.json" ]; then
		echo "$me: $what exited $rc but filed no new run under $results" >&2
		return 1
	fi
	why=$("$py" - "$results/$now/results.json" "$label" "$rc" "$step_start" <<'PY'
import json, os, sys
path, label, rc, start = sys.argv[1:]
try:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
except (OSError, ValueError) as e:
    print("cannot read %s: %s" % (path, e))
    sys.exit(1)
if not isinstance(data, dict):
    print("%s is not a results object" % path)
    sys.exit(1)
wrong = []
if data.get("label") != label:
    wrong.append("its label is %r, not %r" % (data.get("label"), label))
if data.get("complete") is not True:
    wrong.append("it is not complete")
if data.get("exit_status") != int(rc):
    wrong.append("its exit_status is %r, not %s" % (data.get("exit_status"), rc))
if os.path.getmtime(path) < int(start):
    wrong.append("it is older than this step")
if wrong:
    print("%s: %s" % (path, "; ".join(wrong)))
    sys.exit(1)
PY
	) || {
		echo "$me: $what exited $rc but its newest run cannot be trusted: ${why:-the check did not run ($py)}" >&2
		return 1
	}
	filed=$results/$now
	before=$now
	return 0
}

# ---- clean -------------------------------------------------------------------
clean_worktree() {
	local tree src start wt
	tree=$(git rev-parse --show-toplevel 2>/dev/null) ||
		setup_error "$(pwd) is not inside a git tree: run --clean in the kernel tree you bisected"
	start=$(git -C "$tree" rev-parse --git-path BISECT_START 2>/dev/null)
	case $start in /*) ;; *) start=$tree/$start ;; esac
	[ ! -f "$start" ] ||
		setup_error "a bisect is in progress in $tree: run 'git bisect reset' first, then --clean"
	src=$(realpath -m "$bisect_dir/kernel/src")
	# Only the worktree at that path, as git worktree remove does it.
	wt=$(git -C "$tree" worktree list --porcelain 2>/dev/null | sed -n 's/^worktree //p' |
		while read -r p; do [ "$(realpath -m "$p")" = "$src" ] && echo "$p"; done)
	if [ -n "$wt" ]; then
		git -C "$tree" worktree remove --force "$wt" || {
			echo "$me: git worktree remove --force $wt failed" >&2; exit 1; }
		echo "$me: removed the kernel-mode worktree $wt of $tree (the build in $bisect_dir/kernel/obj is kept for the next bisect; rm -rf it to free the space)" >&2
	elif [ -e "$src" ]; then
		echo "$me: $src is not a worktree of $tree; left as it is" >&2
	else
		echo "$me: no kernel-mode worktree of $tree at $src: nothing to remove" >&2
	fi
	exit 0
}

# ---- options -----------------------------------------------------------------
mode=tree vm= filters=() clean=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) mode=kernel ;;
	--vm) vm=1 ;;
	--clean) clean=1 ;;
	--filter)
		[ $# -ge 2 ] && [ -n "$2" ] ||
			setup_error "--filter needs a GLOB (collection:test, e.g. 'host:umip*')"
		filters+=("$2"); shift ;;
	--filter=*)
		[ -n "${1#--filter=}" ] ||
			setup_error "--filter needs a GLOB (collection:test, e.g. 'host:umip*')"
		filters+=("${1#--filter=}") ;;
	-h|--help)
		sed -n '4,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"
		exit 255 ;;
	*) setup_error "unknown option $1 (want --kernel, --vm, --filter GLOB, --clean)" ;;
	esac
	shift
done
[ -z "$clean" ] || clean_worktree

# ---- set-up checks (the same at every commit) ---------------------------------
repo=$(git rev-parse --show-toplevel 2>/dev/null) ||
	setup_error "$(pwd) is not inside a git tree: run git bisect from the kernel tree"
if [ "$(cd "$repo" && pwd -P)" = "$(cd "$top" && pwd -P)" ]; then
	# Bisecting desctest itself: each of its commits against one kernel
	# tree, KSRC.
	[ $mode = tree ] ||
		setup_error "kernel mode bisects a kernel tree: run git bisect in the kernel tree, not in desctest"
	[ -n "${KSRC:-}" ] ||
		setup_error "git bisect runs in desctest itself: set KSRC=/path/to/linux, the kernel tree each desctest commit is tested against"
	tree=$(cd "$KSRC" 2>/dev/null && pwd) ||
		setup_error "KSRC=$KSRC: no such directory"
	grep -q '^PATCHLEVEL = ' "$tree/Makefile" 2>/dev/null ||
		setup_error "KSRC=$KSRC is not a kernel tree (no top-level Makefile with PATCHLEVEL)"
else
	# Bisecting a kernel tree: that tree is the one tested.
	tree=$repo
	if [ -n "${KSRC:-}" ] &&
		[ "$(cd "$KSRC" 2>/dev/null && pwd -P)" != "$(cd "$tree" && pwd -P)" ]; then
		setup_error "KSRC=$KSRC is set, but git bisect runs in $tree: the tree tested is the one being bisected; unset KSRC (or run the bisect in $KSRC)"
	fi
	grep -q '^PATCHLEVEL = ' "$tree/Makefile" 2>/dev/null ||
		setup_error "$tree is not a kernel tree (no top-level Makefile with PATCHLEVEL): run git bisect in the top of a Linux tree"
fi
# From here on desctest's make must not see it: kernel mode builds the
# programs against desctest's own tree, tree mode passes KSRC itself.
unset KSRC
if [ $mode = tree ]; then
	for t in make gcc flex bison rsync; do
		command -v "$t" >/dev/null ||
			setup_error "$t not found: 'make headers' in the tree and the programs' build need it (apt-get install $t, or make deps)"
	done
fi
if [ $mode = kernel ] || [ -n "$vm" ]; then
	command -v qemu-system-x86_64 >/dev/null ||
		setup_error "qemu-system-x86_64 not found: apt-get install qemu-system-x86 (or make deps)"
	for t in busybox cpio file; do
		command -v "$t" >/dev/null ||
			setup_error "$t not found: the guest's initramfs needs it (make deps)"
	done
fi
# The runner, as ./desctest starts it (an interpreter with pytest).
err=$("$top/desctest" --help 2>&1 >/dev/null) ||
	setup_error "the runner cannot start: $(tail -n 1 <<<"$err")"
mkdir -p "$results" 2>/dev/null && [ -w "$results" ] ||
	setup_error "RESULTS=$results cannot be created or written"

# ---- the commit under test ------------------------------------------------------
short=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null) ||
	skip "cannot read HEAD of $repo"
subject=$(git -C "$repo" log -1 --format=%s HEAD 2>/dev/null | cut -c1-72)
start=$(git -C "$repo" rev-parse --git-path BISECT_START 2>/dev/null)
case $start in /*) ;; *) start=$repo/$start ;; esac
# One session per `git bisect start`: the time it wrote BISECT_START.
session=$(stat -c %Y "$start" 2>/dev/null || echo manual)
label="bisect:$session $short $subject"
before=$(readlink "$results/latest" 2>/dev/null)
echo "$me: $mode mode at $short $subject" >&2

# Uncommitted changes to tracked files: said once per bisect session.
if [ -n "$(git --no-optional-locks -C "$repo" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
	notice=$bisect_dir/uncommitted-noticed-$session-$(printf '%s' "$repo" | cksum | cut -d' ' -f1)
	if [ "$session" = manual ] || [ ! -e "$notice" ]; then
		if [ $mode = tree ]; then
			echo "$me: $repo has uncommitted changes: tree mode builds and tests them with every commit; commit or stash them to bisect the commits alone" >&2
		else
			echo "$me: $repo has uncommitted changes: kernel mode does not test them (each commit is built from a clean worktree); commit them to have them bisected" >&2
		fi
		mkdir -p "$bisect_dir" 2>/dev/null && : >"$notice" 2>/dev/null
	fi
fi

# ---- building and booting -----------------------------------------------------
only_args=()
filter_args=()
for g in ${filters[@]+"${filters[@]}"}; do
	only_args+=(--only "$g")
	filter_args+=(--filter "$g")
done
vm_exclude=${VM_EXCLUDE-differential:*}
exclude_args=()
set -f
for g in $vm_exclude; do
	exclude_args+=(--exclude "$g")
done
set +f

# build_programs OUTPUT [--exclude GLOB]... -- MAKE-ARGUMENT...: only the
# programs the filters name (runner/build-programs.sh); exits for the step
# when that fails.
build_programs() {
	local out=$1 rc excluded=
	shift
	[[ " $* " == *" --exclude "* ]] && excluded=" (VM_EXCLUDE=$vm_exclude)"
	run "$top/runner/build-programs.sh" --output "$out" \
		${only_args[@]+"${only_args[@]}"} "$@" >/dev/null
	rc=$?
	case $rc in
	0) return 0 ;;
	1) [ $mode = kernel ] &&
		setup_error "desctest's own programs did not build (they do not depend on the commit; see above)"
	   skip "the programs did not build against $tree" ;;
	3) setup_error "--filter ${filters[*]}$excluded names no program of the suite" ;;
	*) setup_error "runner/build-programs.sh failed (exit $rc, see above)" ;;
	esac
}

# vm_verdict WORK VRC: 0, 1 or 125 from this step's boot in WORK (emptied
# before it): its console and the run import-console filed; VRC is
# vm-run.sh's exit status.
vm_verdict() {
	local vrc=$2 con=$1/console.txt now
	if [ ! -f "$con" ]; then
		vm_why="the guest never booted (vm-run.sh exit $vrc before any console; see above)"
		echo "$me: $vm_why" >&2
		return 125
	fi
	local oops='^(\[[ 0-9.]+\] )?(Kernel panic|WARNING: CPU:|BUG:|kernel BUG at|Oops:|general protection fault)'
	if grep -qE "$oops" "$con"; then
		vm_why="the kernel panicked or warned: $(grep -m1 -E "$oops" "$con" | cut -c1-120)"
		echo "$me: $vm_why" >&2
		return 1
	fi
	if ! desctest_has_frame MACHINE "$con"; then
		vm_why="the boot never reached the suite (see $con)"
		echo "$me: $vm_why" >&2
		return 125
	fi
	if ! desctest_has_frame DONE "$con"; then
		vm_why="the suite started but never finished (hang; see $con)"
		echo "$me: $vm_why" >&2
		return 1
	fi
	if ! desctest_has_frame BEGIN "$con"; then
		vm_why="no program ran in the guest (see $con)"
		echo "$me: $vm_why" >&2
		return 125
	fi
	# The programs' verdict: import-console's, as filed by this step.
	now=$(readlink "$results/latest" 2>/dev/null)
	local status
	status=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1])).get("exit_status"))' \
		"$results/$now/results.json" 2>/dev/null)
	case $status in
	0|1) fresh_run "$status" "the guest's import-console" || {
		vm_why="the guest's results were not filed by this step"; return 125; } ;;
	*) vm_why="import-console filed no verdict for the guest (exit_status ${status:-missing}; see above)"
	   echo "$me: $vm_why" >&2
	   return 125 ;;
	esac
	if [ "$status" = 0 ] && [ "$vrc" -ne 0 ]; then
		vm_why="vm-run.sh exited $vrc though the guest's programs passed"
		echo "$me: $vm_why" >&2
		return 125
	fi
	return "$status"
}

# boot_suite KERNEL MODROOT KDIR OUTPUT WORK: the suite in OUTPUT booted
# under KERNEL from an empty WORK, filed under RESULTS.
boot_suite() {
	local vrc
	rm -rf "$5" && mkdir -p "$5" || skip "cannot empty the boot's work directory $5"
	# The step's verdict goes beside the guest's run from here on.
	filed=
	VM_EXCLUDE=$vm_exclude VM_ONLY="${filters[*]+${filters[*]}}" \
		run "$top/tests/vm/vm-run.sh" --kernel "$1" --output "$4" --work "$5" \
		--label "$label" ${2:+--modroot "$2"} ${3:+--kdir "$3"} \
		--results "$results" --ksrc "$tree" --top "$top" --bisect \
		${PYTHON:+--python "$PYTHON"} >&2
	vrc=$?
	vm_verdict "$5" "$vrc"
}

tree_mode() {
	local out=${OUTPUT:-$top/.build/out-bisect} rc vrc rel root
	[ -d "$tree/tools/testing/selftests/kvm" ] ||
		skip "$tree has no tools/testing/selftests/kvm at this commit: nothing to build the programs from"
	# UAPI headers follow the commit under test.
	run make -s -C "$tree" headers >/dev/null 2>&1 ||
		skip "make headers failed in $tree"
	build_programs "$out" -- KSRC="$tree" -j"$jobs"
	run "$top/desctest" run --bisect \
		--output "$out" --settings "$top/configs/settings" \
		--results "$results" --ksrc "$tree" --label "$label" \
		${filter_args[@]+"${filter_args[@]}"} ${RUN_ARGS:-} >&2
	rc=$?
	case $rc in
	0|1) fresh_run "$rc" "the runner" || return 125 ;;
	*) return 125 ;;
	esac
	[ -n "$vm" ] || return $rc
	[ $rc -eq 1 ] && return 1
	if ! PYTHONPATH=$top/runner "$py" -m desctest_runner.selection \
		${exclude_args[@]+"${exclude_args[@]}"} <"$out/kselftest-list.txt" >/dev/null 2>&1; then
		echo "$me: --vm: no program of this run goes into the guest (VM_EXCLUDE=$vm_exclude): the host's verdict stands" >&2
		return $rc
	fi
	rel=$("$top/tests/vm/fetch-kernel.sh" 6.12 "$top/.build/vm/kernels") ||
		setup_error "could not fetch Debian's 6.12 kernel for --vm"
	root=$top/.build/vm/kernels/$rel/root
	boot_suite "$root/boot/vmlinuz-$rel" "$root" "$root/usr/src/linux-headers-$rel" \
		"$out" "$bisect_dir/tree-vm"
	vrc=$?
	[ $vrc -eq 1 ] && return 1
	[ $rc -eq 0 ] || [ $vrc -eq 0 ] && return 0
	return 125
}

kernel_mode() {
	local dir=$bisect_dir/kernel commit common wcommon line rc w wt
	local src obj=$bisect_dir/kernel/obj out=$bisect_dir/kernel/programs
	local quiet=(-c core.hooksPath=/dev/null -c commit.gpgSign=false)
	mkdir -p "$dir" || setup_error "cannot create $dir"
	src=$(cd "$dir" && pwd -P)/src
	commit=$(git -C "$tree" rev-parse HEAD)
	common=$(cd "$tree" && cd "$(git rev-parse --git-common-dir)" && pwd -P)
	wcommon=$( (cd "$src" 2>/dev/null && cd "$(git rev-parse --git-common-dir 2>/dev/null)" && pwd -P) 2>/dev/null)
	# A worktree of this repository, so that the user's tree stays as it
	# is (an in-tree make headers would make an O= build refuse it) and
	# a step rewrites only the files that changed since the last one.
	# The user's hooks do not run for it.
	if [ "$wcommon" = "$common" ] && [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
		run git "${quiet[@]}" -C "$src" checkout -q -f --detach "$commit" >&2 ||
			skip "git checkout $short in $src failed"
	else
		# Whatever is at that path is desctest's: a worktree of another
		# repository is removed from it by its path, then the directory.
		if [ -n "$wcommon" ] && [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
			git -C "$src" worktree remove --force "$src" >/dev/null 2>&1
		fi
		rm -rf "$src"
		echo "$me: checking out $short in $src (a worktree of $tree; once per bisect; $0 --clean removes it after git bisect reset)" >&2
		# -f: this repository may still list the path from an earlier
		# worktree whose directory is gone; only that entry is reused.
		run git "${quiet[@]}" -C "$tree" worktree add -q -f --detach "$src" "$commit" >&2 ||
			skip "git worktree add $src failed"
	fi
	run "$top/lib/kbuild/build-kernel.sh" "$src" "$obj" >"$dir/kernel.line"
	rc=$?
	case $rc in
	0) ;;
	2) setup_error "lib/kbuild/build-kernel.sh cannot build here (bad environment or arguments: the line above)" ;;
	*) skip "the kernel did not build (see the line above; log $obj/build.log)" ;;
	esac
	local KERNEL= MODULES= KDIR=
	read -r line <"$dir/kernel.line"
	for w in $line; do
		case $w in
		KERNEL=*) KERNEL=${w#KERNEL=} ;;
		MODULES=*) MODULES=${w#MODULES=} ;;
		KDIR=*) KDIR=${w#KDIR=} ;;
		esac
	done
	[ -n "$KERNEL" ] && [ -f "$KERNEL" ] ||
		skip "lib/kbuild/build-kernel.sh named no kernel image ('$line')"
	build_programs "$out" ${exclude_args[@]+"${exclude_args[@]}"} -- KVER=6.12 -j"$jobs"
	boot_suite "$KERNEL" "$MODULES" "$KDIR" "$out" "$dir/run"
}

. "$top/tests/vm/framing.sh"
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
